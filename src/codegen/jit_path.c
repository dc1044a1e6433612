/* jit_path.c — a path statement (PATHS.md: FUNNEL, RETENTION, LIFECYCLE,
 * STICKINESS) in a compiled scan.
 *
 * The compiled loop does the per-event work as the interpreter does it
 * (interp.h, sky_path_parts): WHERE (the plan's filter, as in any scan),
 * then each condition into the bits of one mask and each EXCLUDE condition
 * into another, all of them in order (an overflow in any of them is an
 * error, as on the interpreter), then — only for an event that will be
 * kept — each group of values whose `when` the bits meet, into a small
 * array handed to sky_path_jit_push. At the object's end sky_path_jit_flush
 * concludes it with the plan kind's C code (funnel.c, cohort.c), which adds
 * the entry rows into the group table. The walk state is opened at the
 * scan's start and closed at each of its exits.
 */
#include <stddef.h>

#include "codegen/interp.h"
#include "codegen/jit_internal.h"

bool jit_path_plan(const jit_cg *cg) { return cg->plan->kind != SKY_PLAN_SELECT; }

/* After hoisting: the walk state (NULL: out of memory) and the value array. */
void jit_path_prepare(jit_cg *cg) {
  sky_path_parts pp = sky_path_parts_of(cg->plan);
  LLVMBuilderRef b = cg->b;
  LLVMValueRef args[3] = {cg->a_rt, cg->a_chunk, cg->a_g};
  LLVMValueRef w = jit_call(cg, JIT_H_PATH_OPEN, args, 3, "path.walk");
  LLVMBuildStore(b, w, cg->path_w);
  cg->path_vals = jit_entry_alloca(cg, LLVMArrayType(cg->t_i64, 2 * pp.n_vals + 2), "path.vals");
  LLVMBasicBlockRef ok = jit_block(cg, "path.open");
  jit_br_unlikely(cg, LLVMBuildIsNull(b, w, ""), cg->nomem_bb, ok);
  LLVMPositionBuilderAtEnd(b, ok);
  jit_cohort_prepare(cg);
}

void jit_path_finish(jit_cg *cg) {
  LLVMValueRef w = LLVMBuildLoad2(cg->b, cg->t_ptr, cg->path_w, "");
  LLVMValueRef rc = jit_call(cg, JIT_H_PATH_FINISH, &w, 1, "path.finish");
  LLVMBasicBlockRef ok = jit_block(cg, "path.finished");
  jit_path_check_rc(cg, rc, ok);
  LLVMPositionBuilderAtEnd(cg->b, ok);
}

/* At each exit: give the walk back (NULL-safe). */
void jit_path_close(jit_cg *cg) {
  LLVMValueRef w = LLVMBuildLoad2(cg->b, cg->t_ptr, cg->path_w, "");
  jit_call(cg, JIT_H_PATH_CLOSE, &w, 1, "");
}

void jit_path_begin(jit_cg *cg) {
  if (jit_cohort_inline(cg)) {
    jit_cohort_begin(cg);
    return;
  }
  LLVMValueRef args[2] = {LLVMBuildLoad2(cg->b, cg->t_ptr, cg->path_w, ""), cg->obj};
  jit_call(cg, JIT_H_PATH_BEGIN, args, 2, "");
  if (cg->co_until) LLVMBuildStore(cg->b, jit_const_i64(cg, (uint64_t)INT64_MIN), cg->co_until);
}

void jit_path_check_rc(jit_cg *cg, LLVMValueRef rc, LLVMBasicBlockRef ok) {
  LLVMBuilderRef b = cg->b;
  LLVMBasicBlockRef fail = jit_block(cg, "path.fail");
  jit_br_unlikely(cg, LLVMBuildICmp(b, LLVMIntNE, rc, LLVMConstInt(cg->t_i32, SKY_SCAN_OK, 0), ""), fail, ok);
  LLVMPositionBuilderAtEnd(b, fail);
  LLVMValueRef stop = LLVMBuildICmp(b, LLVMIntEQ, rc, LLVMConstInt(cg->t_i32, SKY_SCAN_STOPPED, 0), "");
  LLVMBuildCondBr(b, stop, cg->stop_bb, cg->nomem_bb);
}

void jit_path_flush(jit_cg *cg) {
  if (jit_cohort_inline(cg)) {
    jit_cohort_flush(cg);
    return;
  }
  LLVMValueRef w = LLVMBuildLoad2(cg->b, cg->t_ptr, cg->path_w, "");
  LLVMValueRef rc = jit_call(cg, JIT_H_PATH_FLUSH, &w, 1, "path.flush");
  LLVMBasicBlockRef ok = jit_block(cg, "path.flushed");
  jit_path_check_rc(cg, rc, ok);
  LLVMPositionBuilderAtEnd(cg->b, ok);
}

LLVMValueRef jit_path_mask(jit_cg *cg, uint32_t n, sky_expr *const *conds, size_t stride) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef m = jit_const_i64(cg, 0);
  for (uint32_t i = 0; i < n; i++) {
    const sky_expr *e = *(sky_expr *const *)((const char *)conds + i * stride);
    LLVMValueRef t = jit_truth(cg, jit_expr(cg, e, jit_const_i1(cg, true)));
    LLVMValueRef bit = LLVMBuildShl(b, LLVMBuildZExt(b, t, cg->t_i64, ""), jit_const_i64(cg, i), "");
    m = LLVMBuildOr(b, m, bit, "");
  }
  return m;
}

static LLVMValueRef val_word(jit_cg *cg, uint64_t word) {
  LLVMValueRef idx[2] = {jit_const_i64(cg, 0), jit_const_i64(cg, word)};
  return LLVMBuildGEP2(cg->b, LLVMGetAllocatedType(cg->path_vals), cg->path_vals, idx, 2, "");
}

/* Values [from, from + n) of the array from `exprs`, when `when` holds. */
static void store_values(jit_cg *cg, LLVMValueRef when, uint32_t from, const sky_path_values *pv) {
  if (!pv->n) return;
  LLVMBuilderRef b = cg->b;
  LLVMBasicBlockRef eval = jit_block(cg, "path.values"), after = jit_block(cg, "path.values.done");
  LLVMBuildCondBr(b, when, eval, after);
  LLVMPositionBuilderAtEnd(b, eval);
  for (uint32_t i = 0; i < pv->n; i++) {
    const sky_expr *e = pv->exprs[i];
    jit_val v = jit_expr(cg, e, jit_const_i1(cg, true));
    sky_vtype t = e->type == SKY_VT_NULL ? SKY_VT_INT : e->type;
    LLVMBuildStore(b, jit_word(cg, v, t, false), val_word(cg, 2 * (uint64_t)(from + i)));
    LLVMBuildStore(b, LLVMBuildZExt(b, v.null, cg->t_i64, ""), val_word(cg, 2 * (uint64_t)(from + i) + 1));
  }
  LLVMBuildBr(b, after);
  LLVMPositionBuilderAtEnd(b, after);
}

/* One matching event (after WHERE); ends with a branch to `next`. */
void jit_path_values(jit_cg *cg, const sky_path_parts *pp, LLVMValueRef bits) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef zero = jit_const_i64(cg, 0);
  for (uint32_t i = 0; i < pp->n_vals; i++) { /* every value NULL (word 0, flag 1) unless evaluated below */
    LLVMBuildStore(b, zero, val_word(cg, 2 * (uint64_t)i));
    LLVMBuildStore(b, jit_const_i64(cg, 1), val_word(cg, 2 * (uint64_t)i + 1));
  }
  uint32_t from = 0;
  for (uint32_t g = 0; g < 2; g++) {
    LLVMValueRef met = LLVMBuildAnd(b, bits, jit_const_i64(cg, pp->vals[g].when), "");
    LLVMValueRef when = pp->vals[g].always ? jit_const_i1(cg, true) : LLVMBuildICmp(b, LLVMIntNE, met, zero, "");
    store_values(cg, when, from, &pp->vals[g]);
    from += pp->vals[g].n;
  }
}

void jit_path_event(jit_cg *cg, LLVMBasicBlockRef next) {
  if (jit_cohort_inline(cg)) {
    jit_cohort_event(cg, next);
    return;
  }
  sky_path_parts pp = sky_path_parts_of(cg->plan);
  LLVMBuilderRef b = cg->b;
  LLVMValueRef bits = jit_path_mask(cg, pp.n_conds, pp.conds, sizeof *pp.conds);
  LLVMValueRef excl = jit_path_mask(cg, pp.n_excl, pp.n_excl ? &pp.excl[0].cond : NULL, sizeof *pp.excl);
  LLVMValueRef zero = jit_const_i64(cg, 0);
  LLVMBasicBlockRef keep = jit_block(cg, "path.keep");
  if (pp.keep_all) {
    LLVMBuildBr(b, keep);
  } else {
    LLVMValueRef any = LLVMBuildICmp(b, LLVMIntNE, LLVMBuildOr(b, bits, excl, ""), zero, "path.any");
    LLVMBuildCondBr(b, any, keep, next);
  }
  LLVMPositionBuilderAtEnd(b, keep);
  if (cg->co_until) { /* LIFECYCLE, STICKINESS: no values, only periods */
    jit_cohort_next_period(cg, next);
    return;
  }
  jit_path_values(cg, &pp, bits);
  LLVMValueRef ts = LLVMBuildLoad2(b, cg->t_i64, LLVMBuildGEP2(b, cg->t_i64, cg->ts, &cg->ev, 1, ""), "ts");
  LLVMValueRef session = cg->session ? LLVMBuildLoad2(b, cg->t_i64, cg->session, "session") : zero;
  LLVMValueRef args[6] = {LLVMBuildLoad2(b, cg->t_ptr, cg->path_w, ""), ts, session, bits, excl, cg->path_vals};
  LLVMValueRef rc = jit_call(cg, JIT_H_PATH_PUSH, args, 6, "path.push");
  jit_path_check_rc(cg, rc, next);
}
