/* jit_cohort.c — RETENTION, LIFECYCLE and STICKINESS inside the compiled
 * loop (PATHS.md §2, §3).
 *
 * RETENTION without RECURRING has one entry per object, so the loop keeps
 * it in registers instead of handing events to C: per matching event it
 * evaluates FROM, TO and (at a start event) the GROUP BY values, as the
 * interpreter does (path_walk.c); the first start event sets the entry's
 * start time and period and keeps its values; every return event at or
 * after it (the start event itself included) computes its index — the
 * calendar distance of the periods, or with ROLLING floor((ts - start) /
 * P) — and sets its bit and the largest index; later returns in a period
 * already recorded cost one compare. At the object's end one call
 * (sky_cohort_jit_entry) adds the entry to cohort.c's tally (without GROUP
 * BY, to its array of counts by period).
 *
 * LIFECYCLE and STICKINESS only need each object's distinct periods, which
 * ascend along the path: when a matching event's period differs from the
 * last one, the loop hands that period to cohort.c, which counts it at
 * once (sky_cohort_jit_period); nothing is buffered and the object's end
 * adds its last row (jit_cohort_next_period).
 * RECURRING goes through push (jit_path.c) unchanged.
 *
 * Periods are cached with the µs range they hold on, so an event in the
 * same period as the last costs two compares; on a change hours, days and
 * weeks come by division, months through the month helper.
 */
#include "codegen/interp.h"
#include "codegen/jit_internal.h"

bool jit_cohort_inline(const jit_cg *cg) {
  const sky_plan *p = cg->plan;
  return p->kind == SKY_PLAN_RETENTION && !p->cohort->recurring;
}

static uint32_t retained_words(const sky_cohort *c) { return (c->n_periods + 63) / 64; }

static LLVMValueRef load(jit_cg *cg, LLVMValueRef at, const char *name) {
  return LLVMBuildLoad2(cg->b, cg->t_i64, at, name);
}

static LLVMValueRef word_at(jit_cg *cg, LLVMValueRef array, LLVMValueRef i) {
  LLVMValueRef idx[2] = {jit_const_i64(cg, 0), i};
  return LLVMBuildGEP2(cg->b, LLVMGetAllocatedType(array), array, idx, 2, "");
}

void jit_cohort_prepare(jit_cg *cg) {
  const sky_plan *p = cg->plan;
  if (!p->cohort) return;
  LLVMBuilderRef b = cg->b;
  cg->co_range = jit_entry_alloca(cg, LLVMArrayType(cg->t_i64, 3), "cohort.period");
  LLVMBuildStore(b, jit_const_i64(cg, 1), word_at(cg, cg->co_range, jit_const_i64(cg, 0))); /* [1, 0): empty */
  LLVMBuildStore(b, jit_const_i64(cg, 0), word_at(cg, cg->co_range, jit_const_i64(cg, 1)));
  if (p->kind == SKY_PLAN_LIFECYCLE || p->kind == SKY_PLAN_STICKINESS) {
    cg->co_until = jit_entry_alloca(cg, cg->t_i64, "cohort.until");
    return;
  }
  if (!jit_cohort_inline(cg)) return;
  uint32_t nv = p->cohort->n_group;
  cg->co_started = jit_entry_alloca(cg, cg->t_i64, "cohort.started");
  cg->co_start_ts = jit_entry_alloca(cg, cg->t_i64, "cohort.start.ts");
  cg->co_start_period = jit_entry_alloca(cg, cg->t_i64, "cohort.start.period");
  cg->co_top = jit_entry_alloca(cg, cg->t_i64, "cohort.top");
  cg->co_retained = jit_entry_alloca(cg, LLVMArrayType(cg->t_i64, retained_words(p->cohort)), "cohort.retained");
  cg->co_done = jit_entry_alloca(cg, cg->t_i64, "cohort.done");
  cg->co_vals = jit_entry_alloca(cg, LLVMArrayType(cg->t_i64, 2 * nv + 2), "cohort.vals");
}

/* The period of `ts` and the µs range [lo, hi) it holds on, into
 * co_range's words 0 and 1 (stored timestamps lie in years 0000-9999, so
 * nothing overflows). */
static LLVMValueRef period_miss(jit_cg *cg, LLVMValueRef ts) {
  LLVMBuilderRef b = cg->b;
  sky_period unit = cg->plan->cohort->unit;
  if (unit == SKY_PERIOD_MONTH) {
    LLVMValueRef args[2] = {ts, cg->co_range};
    return jit_call(cg, JIT_H_MONTH, args, 2, "month");
  }
  int64_t len = unit == SKY_PERIOD_HOUR ? SKY_US_PER_HOUR : unit == SKY_PERIOD_DAY ? SKY_US_PER_DAY : 7 * SKY_US_PER_DAY;
  LLVMValueRef period, lo;
  if (unit == SKY_PERIOD_WEEK) { /* day -3 was a Monday */
    LLVMValueRef day3 = LLVMBuildAdd(b, jit_floor_div(cg, ts, SKY_US_PER_DAY), jit_const_i64(cg, 3), "");
    period = jit_floor_div(cg, day3, 7);
    LLVMValueRef monday = LLVMBuildSub(b, LLVMBuildMul(b, period, jit_const_i64(cg, 7), ""), jit_const_i64(cg, 3), "");
    lo = LLVMBuildMul(b, monday, jit_const_i64(cg, SKY_US_PER_DAY), "");
  } else {
    period = jit_floor_div(cg, ts, len);
    lo = LLVMBuildMul(b, period, jit_const_i64(cg, (uint64_t)len), "");
  }
  LLVMBuildStore(b, lo, word_at(cg, cg->co_range, jit_const_i64(cg, 0)));
  LLVMBuildStore(b, LLVMBuildAdd(b, lo, jit_const_i64(cg, (uint64_t)len), ""),
                 word_at(cg, cg->co_range, jit_const_i64(cg, 1)));
  return period;
}

LLVMValueRef jit_cohort_period(jit_cg *cg, LLVMValueRef ts) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef lo_at = word_at(cg, cg->co_range, jit_const_i64(cg, 0));
  LLVMValueRef hi_at = word_at(cg, cg->co_range, jit_const_i64(cg, 1));
  LLVMValueRef val_at = word_at(cg, cg->co_range, jit_const_i64(cg, 2));
  LLVMValueRef in = LLVMBuildAnd(b, LLVMBuildICmp(b, LLVMIntSGE, ts, load(cg, lo_at, ""), ""),
                                 LLVMBuildICmp(b, LLVMIntSLT, ts, load(cg, hi_at, ""), ""), "");
  LLVMBasicBlockRef miss = jit_block(cg, "period.miss"), join = jit_block(cg, "period.done");
  jit_br_unlikely(cg, LLVMBuildNot(b, in, ""), miss, join);
  LLVMPositionBuilderAtEnd(b, miss);
  LLVMBuildStore(b, period_miss(cg, ts), val_at);
  LLVMBuildBr(b, join);
  LLVMPositionBuilderAtEnd(b, join);
  return load(cg, val_at, "period");
}

static LLVMValueRef event_ts(jit_cg *cg) {
  return LLVMBuildLoad2(cg->b, cg->t_i64, LLVMBuildGEP2(cg->b, cg->t_i64, cg->ts, &cg->ev, 1, ""), "ts");
}

/* Path order ascends, so an event before the end of the last period
 * handed over lies in it: one compare per event. co_until is INT64_MIN
 * at an object's start (jit_path_begin), so its first event is new. */
void jit_cohort_next_period(jit_cg *cg, LLVMBasicBlockRef next) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef ts = event_ts(cg);
  LLVMBasicBlockRef fresh = jit_block(cg, "cohort.period.new");
  jit_br_unlikely(cg, LLVMBuildICmp(b, LLVMIntSGE, ts, load(cg, cg->co_until, ""), ""), fresh, next);
  LLVMPositionBuilderAtEnd(b, fresh);
  LLVMValueRef period = period_miss(cg, ts);
  LLVMBuildStore(b, load(cg, word_at(cg, cg->co_range, jit_const_i64(cg, 1)), "period.end"), cg->co_until);
  LLVMValueRef args[2] = {LLVMBuildLoad2(b, cg->t_ptr, cg->path_w, ""), period};
  jit_path_check_rc(cg, jit_call(cg, JIT_H_COHORT_PERIOD, args, 2, "cohort.period.rc"), next);
}

void jit_cohort_begin(jit_cg *cg) {
  LLVMBuilderRef b = cg->b;
  LLVMBuildStore(b, jit_const_i64(cg, 0), cg->co_started);
  LLVMBuildStore(b, jit_const_i64(cg, (uint64_t)-1), cg->co_top);
  LLVMBuildStore(b, jit_const_i64(cg, (uint64_t)INT64_MIN), cg->co_done); /* nothing recorded */
  for (uint32_t i = 0; i < retained_words(cg->plan->cohort); i++)
    LLVMBuildStore(b, jit_const_i64(cg, 0), word_at(cg, cg->co_retained, jit_const_i64(cg, i)));
}

/* The first start event: the entry's time, period and GROUP BY values. */
static void start_entry(jit_cg *cg, LLVMValueRef ts, uint32_t nv) {
  LLVMBuilderRef b = cg->b;
  LLVMBuildStore(b, jit_const_i64(cg, 1), cg->co_started);
  LLVMBuildStore(b, ts, cg->co_start_ts);
  LLVMBuildStore(b, jit_cohort_period(cg, ts), cg->co_start_period);
  for (uint32_t i = 0; i < 2 * nv; i++) {
    LLVMValueRef k = jit_const_i64(cg, i);
    LLVMBuildStore(b, load(cg, word_at(cg, cg->path_vals, k), ""), word_at(cg, cg->co_vals, k));
  }
}

/* A return event of a started entry: its index into `top` and the bits.
 * Every return with the same index changes nothing more, so the end of
 * that index's µs range is kept (co_done) and later returns before it
 * cost one compare: path order ascends, so they lie in that range, and
 * most events of a path fall in the period of the one before. */
static void record_return(jit_cg *cg, LLVMValueRef ts, LLVMBasicBlockRef next) {
  const sky_cohort *c = cg->plan->cohort;
  LLVMBuilderRef b = cg->b;
  LLVMBasicBlockRef fresh = jit_block(cg, "cohort.return.new");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntSLT, ts, load(cg, cg->co_done, ""), ""), next, fresh);
  LLVMPositionBuilderAtEnd(b, fresh);
  LLVMValueRef idx, hi;
  if (c->rolling) {
    LLVMValueRef span = jit_const_i64(cg, (uint64_t)sky_period_us(c->unit)), start = load(cg, cg->co_start_ts, "");
    idx = LLVMBuildSDiv(b, LLVMBuildSub(b, ts, start, ""), span, ""); /* ts >= start: a return follows its start */
    hi = LLVMBuildAdd(b, start, LLVMBuildMul(b, LLVMBuildAdd(b, idx, jit_const_i64(cg, 1), ""), span, ""), "");
  } else {
    idx = LLVMBuildSub(b, jit_cohort_period(cg, ts), load(cg, cg->co_start_period, ""), "");
    hi = load(cg, word_at(cg, cg->co_range, jit_const_i64(cg, 1)), ""); /* ts's period, cached by the call */
  }
  LLVMBuildStore(b, hi, cg->co_done);
  LLVMValueRef top = load(cg, cg->co_top, "top");
  LLVMBuildStore(b, LLVMBuildSelect(b, LLVMBuildICmp(b, LLVMIntSGT, idx, top, ""), idx, top, ""), cg->co_top);
  LLVMBasicBlockRef set = jit_block(cg, "cohort.retained");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, idx, jit_const_i64(cg, c->n_periods), ""), set, next);
  LLVMPositionBuilderAtEnd(b, set);
  LLVMValueRef at = word_at(cg, cg->co_retained, LLVMBuildLShr(b, idx, jit_const_i64(cg, 6), ""));
  LLVMValueRef bit = LLVMBuildShl(b, jit_const_i64(cg, 1), LLVMBuildAnd(b, idx, jit_const_i64(cg, 63), ""), "");
  LLVMBuildStore(b, LLVMBuildOr(b, load(cg, at, ""), bit, ""), at);
  LLVMBuildBr(b, next);
}

void jit_cohort_event(jit_cg *cg, LLVMBasicBlockRef next) {
  const sky_cohort *c = cg->plan->cohort;
  sky_path_parts pp = sky_path_parts_of(cg->plan);
  LLVMBuilderRef b = cg->b;
  LLVMValueRef bits = jit_path_mask(cg, pp.n_conds, pp.conds, sizeof *pp.conds);
  LLVMValueRef zero = jit_const_i64(cg, 0);
  LLVMBasicBlockRef any = jit_block(cg, "cohort.event");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntNE, bits, zero, ""), any, next);
  LLVMPositionBuilderAtEnd(b, any);
  jit_path_values(cg, &pp, bits); /* at every start event, as the interpreter */
  LLVMValueRef ts = event_ts(cg);
  LLVMValueRef is_start = LLVMBuildICmp(
      b, LLVMIntNE, LLVMBuildAnd(b, bits, jit_const_i64(cg, UINT64_C(1) << SKY_COHORT_START), ""), zero, "");
  LLVMValueRef is_ret = LLVMBuildICmp(
      b, LLVMIntNE, LLVMBuildAnd(b, bits, jit_const_i64(cg, UINT64_C(1) << SKY_COHORT_RETURN), ""), zero, "");
  LLVMValueRef fresh = LLVMBuildICmp(b, LLVMIntEQ, load(cg, cg->co_started, ""), zero, "");
  LLVMBasicBlockRef start = jit_block(cg, "cohort.start"), check = jit_block(cg, "cohort.return.check");
  LLVMBuildCondBr(b, LLVMBuildAnd(b, is_start, fresh, ""), start, check);
  LLVMPositionBuilderAtEnd(b, start);
  start_entry(cg, ts, c->n_group);
  LLVMBuildBr(b, check);
  LLVMPositionBuilderAtEnd(b, check);
  LLVMValueRef started = LLVMBuildICmp(b, LLVMIntNE, load(cg, cg->co_started, ""), zero, "");
  LLVMBasicBlockRef ret = jit_block(cg, "cohort.return");
  LLVMBuildCondBr(b, LLVMBuildAnd(b, is_ret, started, ""), ret, next);
  LLVMPositionBuilderAtEnd(b, ret);
  record_return(cg, ts, next);
}

void jit_cohort_flush(jit_cg *cg) {
  LLVMBuilderRef b = cg->b;
  LLVMBasicBlockRef add = jit_block(cg, "cohort.entry"), done = jit_block(cg, "cohort.entry.done");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntNE, load(cg, cg->co_started, ""), jit_const_i64(cg, 0), ""), add, done);
  LLVMPositionBuilderAtEnd(b, add);
  LLVMValueRef args[5] = {LLVMBuildLoad2(b, cg->t_ptr, cg->path_w, ""), load(cg, cg->co_start_period, ""),
                          cg->co_retained, load(cg, cg->co_top, ""), cg->co_vals};
  jit_path_check_rc(cg, jit_call(cg, JIT_H_COHORT_ENTRY, args, 5, "cohort.entry.rc"), done);
  LLVMPositionBuilderAtEnd(b, done);
}
