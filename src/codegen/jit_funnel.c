/* jit_funnel.c — FUNNEL in a compiled scan (PATHS.md §1).
 *
 * The compiled loop does the per-event work: WHERE (the plan's filter, as
 * in any scan), then each step condition and each EXCLUDE condition into
 * two 64-bit masks, all of them in order (an overflow in any of them is an
 * error, as on the interpreter), then — only for an event that satisfies a
 * step or an exclusion, or every matching event under STRICT — the
 * HOLDING values (at a step event) and GROUP BY values (at a start event)
 * into a small array, handed to sky_funnel_jit_push. At the object's end
 * sky_funnel_jit_flush concludes its entries with the interpreter's
 * definition (funnel.c), so both engines share one reading of chains and
 * attempts; the entry rows go into the group table there. The walk state
 * is opened at the scan's start and closed at each of its exits.
 */
#include <stddef.h>

#include "codegen/interp.h"
#include "codegen/jit_internal.h"

bool jit_funnel_plan(const jit_cg *cg) { return cg->plan->kind == SKY_PLAN_FUNNEL; }

static uint32_t n_values(const sky_funnel *f) { return f->n_hold + f->n_group; }

/* After hoisting: the walk state (NULL: out of memory) and the value array. */
void jit_funnel_prepare(jit_cg *cg) {
  const sky_funnel *f = cg->plan->funnel;
  LLVMBuilderRef b = cg->b;
  LLVMValueRef args[3] = {cg->a_rt, cg->a_chunk, cg->a_g};
  LLVMValueRef w = jit_call(cg, JIT_H_FUNNEL_OPEN, args, 3, "funnel.walk");
  LLVMBuildStore(b, w, cg->funnel_w);
  cg->funnel_vals = jit_entry_alloca(cg, LLVMArrayType(cg->t_i64, 2 * n_values(f) + 2), "funnel.vals");
  LLVMBasicBlockRef ok = jit_block(cg, "funnel.open");
  jit_br_unlikely(cg, LLVMBuildIsNull(b, w, ""), cg->nomem_bb, ok);
  LLVMPositionBuilderAtEnd(b, ok);
}

/* At each exit: give the walk back (NULL-safe). */
void jit_funnel_close(jit_cg *cg) {
  LLVMValueRef w = LLVMBuildLoad2(cg->b, cg->t_ptr, cg->funnel_w, "");
  jit_call(cg, JIT_H_FUNNEL_CLOSE, &w, 1, "");
}

void jit_funnel_begin(jit_cg *cg) {
  LLVMValueRef args[2] = {LLVMBuildLoad2(cg->b, cg->t_ptr, cg->funnel_w, ""), cg->obj};
  jit_call(cg, JIT_H_FUNNEL_BEGIN, args, 2, "");
}

/* A helper's SKY_SCAN_* code: on to `ok`, or to the matching exit. */
static void check_rc(jit_cg *cg, LLVMValueRef rc, LLVMBasicBlockRef ok) {
  LLVMBuilderRef b = cg->b;
  LLVMBasicBlockRef fail = jit_block(cg, "funnel.fail");
  jit_br_unlikely(cg, LLVMBuildICmp(b, LLVMIntNE, rc, LLVMConstInt(cg->t_i32, SKY_SCAN_OK, 0), ""), fail, ok);
  LLVMPositionBuilderAtEnd(b, fail);
  LLVMValueRef stop = LLVMBuildICmp(b, LLVMIntEQ, rc, LLVMConstInt(cg->t_i32, SKY_SCAN_STOPPED, 0), "");
  LLVMBuildCondBr(b, stop, cg->stop_bb, cg->nomem_bb);
}

void jit_funnel_flush(jit_cg *cg) {
  LLVMValueRef w = LLVMBuildLoad2(cg->b, cg->t_ptr, cg->funnel_w, "");
  LLVMValueRef rc = jit_call(cg, JIT_H_FUNNEL_FLUSH, &w, 1, "funnel.flush");
  LLVMBasicBlockRef ok = jit_block(cg, "funnel.flushed");
  check_rc(cg, rc, ok);
  LLVMPositionBuilderAtEnd(cg->b, ok);
}

/* The bits of `n` conditions, bit i for condition i (all evaluated). */
static LLVMValueRef mask_of(jit_cg *cg, uint32_t n, sky_expr *const *conds, size_t stride) {
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

/* Values [from, from + n) of the array from `exprs`, when `when` holds. */
static void store_values(jit_cg *cg, LLVMValueRef when, uint32_t from, uint32_t n, sky_expr *const *exprs) {
  if (!n) return;
  LLVMBuilderRef b = cg->b;
  LLVMBasicBlockRef eval = jit_block(cg, "funnel.values"), after = jit_block(cg, "funnel.values.done");
  LLVMBuildCondBr(b, when, eval, after);
  LLVMPositionBuilderAtEnd(b, eval);
  for (uint32_t i = 0; i < n; i++) {
    const sky_expr *e = exprs[i];
    jit_val v = jit_expr(cg, e, jit_const_i1(cg, true));
    sky_vtype t = e->type == SKY_VT_NULL ? SKY_VT_INT : e->type;
    LLVMValueRef idx[2] = {jit_const_i64(cg, 0), jit_const_i64(cg, 2 * (uint64_t)(from + i))};
    LLVMValueRef at = LLVMBuildGEP2(b, LLVMGetAllocatedType(cg->funnel_vals), cg->funnel_vals, idx, 2, "");
    LLVMBuildStore(b, jit_word(cg, v, t, false), at);
    idx[1] = jit_const_i64(cg, 2 * (uint64_t)(from + i) + 1);
    at = LLVMBuildGEP2(b, LLVMGetAllocatedType(cg->funnel_vals), cg->funnel_vals, idx, 2, "");
    LLVMBuildStore(b, LLVMBuildZExt(b, v.null, cg->t_i64, ""), at);
  }
  LLVMBuildBr(b, after);
  LLVMPositionBuilderAtEnd(b, after);
}

/* One matching event (after WHERE); ends with a branch to `next`. */
void jit_funnel_event(jit_cg *cg, LLVMBasicBlockRef next) {
  const sky_funnel *f = cg->plan->funnel;
  LLVMBuilderRef b = cg->b;
  LLVMValueRef steps = mask_of(cg, f->n_steps, f->steps, sizeof *f->steps);
  LLVMValueRef excl = mask_of(cg, f->n_excludes, f->n_excludes ? &f->excludes[0].cond : NULL, sizeof *f->excludes);
  LLVMValueRef zero = jit_const_i64(cg, 0);
  LLVMBasicBlockRef keep = jit_block(cg, "funnel.keep");
  if (f->order == SKY_FUNNEL_STRICT) {
    LLVMBuildBr(b, keep);
  } else {
    LLVMValueRef any = LLVMBuildICmp(b, LLVMIntNE, LLVMBuildOr(b, steps, excl, ""), zero, "funnel.any");
    LLVMBuildCondBr(b, any, keep, next);
  }
  LLVMPositionBuilderAtEnd(b, keep);
  uint32_t nv = n_values(f);
  if (nv) { /* every value NULL (word 0, flag 1) unless evaluated below */
    for (uint32_t i = 0; i < nv; i++) {
      LLVMValueRef idx[2] = {zero, jit_const_i64(cg, 2 * (uint64_t)i)};
      LLVMTypeRef arr = LLVMGetAllocatedType(cg->funnel_vals);
      LLVMBuildStore(b, zero, LLVMBuildGEP2(b, arr, cg->funnel_vals, idx, 2, ""));
      idx[1] = jit_const_i64(cg, 2 * (uint64_t)i + 1);
      LLVMBuildStore(b, jit_const_i64(cg, 1), LLVMBuildGEP2(b, arr, cg->funnel_vals, idx, 2, ""));
    }
  }
  store_values(cg, LLVMBuildICmp(b, LLVMIntNE, steps, zero, ""), 0, f->n_hold, f->hold);
  uint64_t starts = f->order == SKY_FUNNEL_ANY_ORDER ? ~UINT64_C(0) : 1;
  store_values(cg, LLVMBuildICmp(b, LLVMIntNE, LLVMBuildAnd(b, steps, jit_const_i64(cg, starts), ""), zero, ""),
               f->n_hold, f->n_group, f->group);
  LLVMValueRef ts = LLVMBuildLoad2(b, cg->t_i64, LLVMBuildGEP2(b, cg->t_i64, cg->ts, &cg->ev, 1, ""), "ts");
  LLVMValueRef session = cg->session ? LLVMBuildLoad2(b, cg->t_i64, cg->session, "session") : zero;
  LLVMValueRef args[6] = {LLVMBuildLoad2(b, cg->t_ptr, cg->funnel_w, ""), ts, session, steps, excl, cg->funnel_vals};
  LLVMValueRef rc = jit_call(cg, JIT_H_FUNNEL_PUSH, args, 6, "funnel.push");
  check_rc(cg, rc, next);
}
