/* jit_pathfn.c — next, prev and nth in a compiled scan (PATHS.md §4).
 *
 * The look-ahead is a pre-pass over the object's contiguous events, not a
 * re-scan per event: before the object's walk (and before the OVER OBJECT
 * pre-pass, whose arguments may read path functions), a first loop over
 * its events sets each event's registers and session number as the walk
 * does, evaluates every path function's x and condition in plan order
 * and stores them, canonical, into the arrays of a heap buffer (pathfn.h,
 * reserved per object by a C call, charged to the query's budget). One
 * call to sky_pathfn_jit_resolve (pathfn.c, the interpreter's definition)
 * then computes every function's value at every event in linear time, and
 * a PATH_FN leaf in the walk is two loads at the event's index in the
 * object. Sessions bound the look-ahead through the stored session
 * numbers, the same cut the walk computes.
 *
 * A plain next(x, n) / prev(x, n) whose x is a column of the chunk or a
 * constant (action, timestamp, event.p, object: no state, nothing that
 * can fail) needs no pre-pass: its value is x read at the event n places
 * away when that lies inside the object (and, under WITHIN SESSION with
 * n = 1, when the gap to it does not cut the session). When every path
 * function of the plan is of that kind the pre-pass is not emitted at all
 * (issue 12's `GROUP BY next(action)`). The answers are the interpreter's:
 * such an x reads the same value at that event and cannot raise an error.
 */
#include "codegen/interp.h"
#include "codegen/jit_internal.h"
#include "codegen/pathfn.h"

static LLVMValueRef word_ptr(jit_cg *cg, LLVMValueRef base, LLVMValueRef idx) {
  return LLVMBuildGEP2(cg->b, cg->t_i64, base, &idx, 1, "");
}

/* base + ((ARRAYS f + k) m + i) */
static LLVMValueRef slot_of(jit_cg *cg, LLVMValueRef base, uint32_t f, uint32_t k, LLVMValueRef m, LLVMValueRef i) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef row = LLVMBuildMul(b, jit_const_i64(cg, (uint64_t)SKY_PATHFN_ARRAYS * f + k), m, "");
  return word_ptr(cg, base, LLVMBuildAdd(b, row, i, ""));
}

/* Read at another event without the pre-pass (see the top of the file). */
static bool offset_leaf(const sky_expr *x) {
  switch (x->op) {
  case SKY_OP_CONST:
  case SKY_OP_OBJECT:
  case SKY_OP_TIMESTAMP:
  case SKY_OP_ACTION:
  case SKY_OP_PROP_EVENT: return true;
  default: return false;
  }
}

static bool fast(const sky_plan *p, const sky_path_fn *f) {
  return f->kind != SKY_PATH_FN_NTH && !f->cond && !f->distinct && offset_leaf(f->arg) &&
         (p->session_gap_us < 0 || f->n == 1);
}

bool jit_pathfn_needs_prepass(const sky_plan *p) {
  for (uint32_t f = 0; f < p->n_path_fns; f++)
    if (!fast(p, &p->path_fns[f])) return true;
  return false;
}

void jit_pathfn_object(jit_cg *cg, LLVMValueRef start, LLVMValueRef end) {
  LLVMBuildStore(cg->b, start, cg->pf_start);
  LLVMBuildStore(cg->b, end, cg->pf_end);
}

static LLVMValueRef zero_of(jit_cg *cg, sky_vtype t) {
  if (t == SKY_VT_BOOL) return jit_const_i1(cg, false);
  if (t == SKY_VT_FLOAT) return LLVMConstReal(cg->t_f64, 0.0);
  return jit_const_i64(cg, 0);
}

/* x at the event n places away, or NULL past the object (or session). */
static jit_val offset_value(jit_cg *cg, const sky_path_fn *f) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef i = cg->ev, n = jit_const_i64(cg, f->n);
  LLVMValueRef start = LLVMBuildLoad2(b, cg->t_i64, cg->pf_start, ""), end = LLVMBuildLoad2(b, cg->t_i64, cg->pf_end, "");
  bool next = f->kind == SKY_PATH_FN_NEXT;
  LLVMValueRef j = next ? LLVMBuildAdd(b, i, n, "at") : LLVMBuildSub(b, i, n, "at");
  LLVMValueRef inside = next ? LLVMBuildICmp(b, LLVMIntULT, j, end, "") : LLVMBuildICmp(b, LLVMIntUGE, i, LLVMBuildAdd(b, start, n, ""), "");
  LLVMBasicBlockRef from = LLVMGetInsertBlock(b), there = jit_block(cg, "pathfn.there");
  LLVMBasicBlockRef join = jit_block(cg, "pathfn.join");
  LLVMBuildCondBr(b, inside, there, join);
  LLVMPositionBuilderAtEnd(b, there);
  if (cg->plan->session_gap_us >= 0) { /* n = 1: the one gap between them */
    LLVMValueRef ti = LLVMBuildLoad2(b, cg->t_i64, LLVMBuildGEP2(b, cg->t_i64, cg->ts, &i, 1, ""), "");
    LLVMValueRef tj = LLVMBuildLoad2(b, cg->t_i64, LLVMBuildGEP2(b, cg->t_i64, cg->ts, &j, 1, ""), "");
    LLVMValueRef gap = next ? LLVMBuildSub(b, tj, ti, "") : LLVMBuildSub(b, ti, tj, "");
    LLVMValueRef cut = LLVMBuildICmp(b, LLVMIntUGT, gap, jit_const_i64(cg, (uint64_t)cg->plan->session_gap_us), "");
    LLVMBasicBlockRef same = jit_block(cg, "pathfn.same.session");
    LLVMBuildCondBr(b, cut, join, same);
    LLVMPositionBuilderAtEnd(b, same);
  }
  LLVMBasicBlockRef cut_from = LLVMGetInsertBlock(b) == there ? NULL : there;
  LLVMValueRef saved = cg->ev;
  cg->ev = j;
  jit_val x = jit_expr(cg, f->arg, jit_const_i1(cg, true));
  cg->ev = saved;
  LLVMBasicBlockRef got = LLVMGetInsertBlock(b);
  LLVMBuildBr(b, join);
  LLVMPositionBuilderAtEnd(b, join);
  LLVMTypeRef ty = LLVMTypeOf(x.v);
  LLVMValueRef v = LLVMBuildPhi(b, ty, "pathfn.val"), null = LLVMBuildPhi(b, cg->t_i1, "pathfn.null");
  LLVMValueRef zero = zero_of(cg, f->type), yes = jit_const_i1(cg, true);
  LLVMAddIncoming(v, &x.v, &got, 1);
  LLVMAddIncoming(null, &x.null, &got, 1);
  LLVMAddIncoming(v, &zero, &from, 1);
  LLVMAddIncoming(null, &yes, &from, 1);
  if (cut_from) {
    LLVMAddIncoming(v, &zero, &cut_from, 1);
    LLVMAddIncoming(null, &yes, &cut_from, 1);
  }
  return jv(v, null);
}

void jit_pathfn_state(jit_cg *cg) {
  cg->pf_buf = jit_entry_alloca(cg, cg->t_ptr, "pathfn.buf");
  LLVMBuildStore(cg->b, LLVMConstNull(cg->t_ptr), cg->pf_buf);
  cg->pf_base = jit_entry_alloca(cg, cg->t_ptr, "pathfn.base");
  cg->pf_m = jit_entry_alloca(cg, cg->t_i64, "pathfn.m");
  cg->pf_start = jit_entry_alloca(cg, cg->t_i64, "pathfn.start");
  cg->pf_end = jit_entry_alloca(cg, cg->t_i64, "pathfn.end");
}

void jit_pathfn_close(jit_cg *cg) {
  LLVMValueRef buf = LLVMBuildLoad2(cg->b, cg->t_ptr, cg->pf_buf, "");
  jit_call(cg, JIT_H_PATHFN_CLOSE, &buf, 1, "");
}

void jit_pathfn_prepare(jit_cg *cg) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef buf = jit_call(cg, JIT_H_PATHFN_OPEN, &cg->budget, 1, "pathfn.opened");
  LLVMBuildStore(b, buf, cg->pf_buf);
  LLVMBasicBlockRef ok = jit_block(cg, "pathfn.ok");
  jit_br_unlikely(cg, LLVMBuildIsNull(b, buf, ""), cg->nomem_bb, ok);
  LLVMPositionBuilderAtEnd(b, ok);
}

/* A PATH_FN leaf: the resolved value at the current event. */
jit_val jit_pathfn_value(jit_cg *cg, const sky_expr *e) {
  LLVMBuilderRef b = cg->b;
  const sky_path_fn *f = &cg->plan->path_fns[e->index];
  if (fast(cg->plan, f)) return offset_value(cg, f);
  LLVMValueRef base = LLVMBuildLoad2(b, cg->t_ptr, cg->pf_base, "pathfn.base");
  LLVMValueRef m = LLVMBuildLoad2(b, cg->t_i64, cg->pf_m, "");
  LLVMValueRef i = LLVMBuildSub(b, cg->ev, LLVMBuildLoad2(b, cg->t_i64, cg->pf_start, ""), "");
  LLVMValueRef w = LLVMBuildLoad2(b, cg->t_i64, slot_of(cg, base, e->index, SKY_PATHFN_OUT, m, i), "pathfn.val");
  LLVMValueRef flag = LLVMBuildLoad2(b, cg->t_i64, slot_of(cg, base, e->index, SKY_PATHFN_OUT_NULL, m, i), "");
  LLVMValueRef null = LLVMBuildICmp(b, LLVMIntNE, flag, jit_const_i64(cg, 0), "pathfn.null");
  if (e->type == SKY_VT_FLOAT) return jv(LLVMBuildBitCast(b, w, cg->t_f64, ""), null);
  if (e->type == SKY_VT_BOOL) return jv(LLVMBuildICmp(b, LLVMIntNE, w, jit_const_i64(cg, 0), ""), null);
  return jv(w, null);
}

/* One event of the pre-pass: each function's x then condition, stored at
 * index i of the object, then the session number. */
static void store_inputs(jit_cg *cg, LLVMValueRef base, LLVMValueRef m, LLVMValueRef i) {
  const sky_plan *p = cg->plan;
  LLVMBuilderRef b = cg->b;
  for (uint32_t f = 0; f < p->n_path_fns; f++) {
    const sky_path_fn *pf = &p->path_fns[f];
    if (pf->arg) {
      jit_val x = jit_expr(cg, pf->arg, jit_const_i1(cg, true));
      LLVMValueRef w = LLVMBuildSelect(b, x.null, jit_const_i64(cg, 0), jit_word(cg, x, pf->arg->type, true), "");
      LLVMBuildStore(b, w, slot_of(cg, base, f, SKY_PATHFN_X, m, i));
      LLVMBuildStore(b, LLVMBuildZExt(b, x.null, cg->t_i64, ""), slot_of(cg, base, f, SKY_PATHFN_X_NULL, m, i));
    }
    LLVMValueRef holds = jit_const_i1(cg, false);
    if (pf->cond) holds = jit_truth(cg, jit_expr(cg, pf->cond, jit_const_i1(cg, true)));
    LLVMBuildStore(b, LLVMBuildZExt(b, holds, cg->t_i64, ""), slot_of(cg, base, f, SKY_PATHFN_COND, m, i));
  }
  LLVMValueRef s = cg->session ? LLVMBuildLoad2(b, cg->t_i64, cg->session, "") : jit_const_i64(cg, 0);
  LLVMBuildStore(b, s, slot_of(cg, base, p->n_path_fns, 0, m, i));
}

void jit_pathfn_prepass(jit_cg *cg, LLVMValueRef start, LLVMValueRef end, LLVMValueRef prev_ts,
                        void (*per_event)(jit_cg *cg, LLVMValueRef prev_ts), void (*reset)(jit_cg *cg)) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef m = LLVMBuildSub(b, end, start, "pathfn.events");
  LLVMValueRef args[3] = {LLVMBuildLoad2(b, cg->t_ptr, cg->pf_buf, ""), cg->a_rt, m};
  LLVMValueRef base = jit_call(cg, JIT_H_PATHFN_RESERVE, args, 3, "pathfn.arrays");
  LLVMBasicBlockRef reserved = jit_block(cg, "pathfn.reserved");
  jit_br_unlikely(cg, LLVMBuildIsNull(b, base, ""), cg->nomem_bb, reserved);
  LLVMPositionBuilderAtEnd(b, reserved);
  LLVMBuildStore(b, base, cg->pf_base);
  LLVMBuildStore(b, m, cg->pf_m);
  reset(cg);
  if (cg->session) LLVMBuildStore(b, jit_const_i64(cg, 0), cg->session);
  if (prev_ts)
    LLVMBuildStore(b, LLVMBuildLoad2(b, cg->t_i64, LLVMBuildGEP2(b, cg->t_i64, cg->ts, &start, 1, ""), ""), prev_ts);
  LLVMBasicBlockRef from = LLVMGetInsertBlock(b);
  LLVMBasicBlockRef head = jit_block(cg, "pathfn.pre"), body = jit_block(cg, "pathfn.pre.event");
  LLVMBasicBlockRef done = jit_block(cg, "pathfn.pre.done");
  LLVMBuildBr(b, head);
  LLVMPositionBuilderAtEnd(b, head);
  LLVMValueRef i = LLVMBuildPhi(b, cg->t_i64, "pathfn.i");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, i, end, ""), body, done);
  LLVMPositionBuilderAtEnd(b, body);
  cg->ev = i;
  per_event(cg, prev_ts); /* registers, session */
  store_inputs(cg, base, m, LLVMBuildSub(b, i, start, ""));
  LLVMValueRef i1 = LLVMBuildAdd(b, i, jit_const_i64(cg, 1), "");
  LLVMBasicBlockRef latch = LLVMGetInsertBlock(b);
  LLVMBuildBr(b, head);
  LLVMAddIncoming(i, &start, &from, 1);
  LLVMAddIncoming(i, &i1, &latch, 1);
  LLVMPositionBuilderAtEnd(b, done);
  LLVMValueRef rargs[3] = {cg->a_rt, base, m};
  jit_call(cg, JIT_H_PATHFN_RESOLVE, rargs, 3, "");
}
