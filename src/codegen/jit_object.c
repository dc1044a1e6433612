/* jit_object.c — agg(x) OVER OBJECT in a compiled scan (PATHS.md §5).
 *
 * Before an object's events are walked, a first loop over them computes
 * the plan's object aggregates: each event's registers and session number
 * as in the walk, WHERE, then every object aggregate's FILTER and, where
 * it is TRUE, its argument handed to its row's C update (sky_obj_agg_call_update, the interpreter's
 * definition) on a per-object state on the stack. sky_obj_aggs_conclude
 * (interp.c, shared with the interpreter) turns the states into the values
 * OBJ_AGG leaves read, and frees what they own. Then the walk proper
 * starts over at the object's first event.
 */
#include "codegen/interp.h"
#include "codegen/jit_internal.h"

static LLVMValueRef elem(jit_cg *cg, LLVMValueRef arr, uint64_t i) {
  LLVMValueRef idx[2] = {jit_const_i64(cg, 0), jit_const_i64(cg, i)};
  return LLVMBuildGEP2(cg->b, LLVMGetAllocatedType(arr), arr, idx, 2, "");
}

void jit_object_state(jit_cg *cg) {
  const sky_plan *p = cg->plan;
  cg->obj_state = jit_entry_alloca(cg, LLVMArrayType(cg->t_i64, p->obj_words + 1), "obj.state");
  for (uint32_t w = 0; w < p->obj_words; w++) LLVMBuildStore(cg->b, jit_const_i64(cg, 0), elem(cg, cg->obj_state, w));
}

void jit_object_release(jit_cg *cg) {
  LLVMValueRef args[3] = {cg->a_rt, elem(cg, cg->obj_state, 0), cg->a_g};
  jit_call(cg, JIT_H_OBJ_AGGS_RELEASE, args, 3, "");
}

void jit_object_prepare(jit_cg *cg) {
  cg->obj_vals = jit_entry_alloca(cg, LLVMArrayType(cg->t_i64, 2 * cg->plan->n_obj_aggs + 2), "obj.vals");
}

/* An OBJ_AGG leaf: the object's value, as the expression's type. */
jit_val jit_object_value(jit_cg *cg, const sky_expr *e) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef w = LLVMBuildLoad2(b, cg->t_i64, elem(cg, cg->obj_vals, 2 * (uint64_t)e->index), "obj.val");
  LLVMValueRef flag = LLVMBuildLoad2(b, cg->t_i64, elem(cg, cg->obj_vals, 2 * (uint64_t)e->index + 1), "");
  LLVMValueRef null = LLVMBuildICmp(b, LLVMIntNE, LLVMBuildTrunc(b, flag, cg->t_i8, ""), LLVMConstInt(cg->t_i8, 0, 0),
                                    "obj.null");
  if (e->type == SKY_VT_FLOAT) return jv(LLVMBuildBitCast(b, w, cg->t_f64, ""), null);
  if (e->type == SKY_VT_BOOL) return jv(LLVMBuildICmp(b, LLVMIntNE, w, jit_const_i64(cg, 0), ""), null);
  return jv(w, null);
}

/* The first loop over events [start, end) of the current object; `prev_ts`
 * is the walk's alloca for session cuts (NULL without sessions). */
void jit_object_prepass(jit_cg *cg, LLVMValueRef start, LLVMValueRef end, LLVMValueRef prev_ts,
                        void (*per_event)(jit_cg *cg, LLVMValueRef prev_ts), void (*reset)(jit_cg *cg)) {
  const sky_plan *p = cg->plan;
  LLVMBuilderRef b = cg->b;
  for (uint32_t w = 0; w < p->obj_words; w++) LLVMBuildStore(b, jit_const_i64(cg, 0), elem(cg, cg->obj_state, w));
  reset(cg);
  if (cg->session) LLVMBuildStore(b, jit_const_i64(cg, 0), cg->session);
  if (prev_ts)
    LLVMBuildStore(b, LLVMBuildLoad2(b, cg->t_i64, LLVMBuildGEP2(b, cg->t_i64, cg->ts, &start, 1, ""), ""), prev_ts);
  LLVMBasicBlockRef from = LLVMGetInsertBlock(b);
  LLVMBasicBlockRef head = jit_block(cg, "obj.pre"), body = jit_block(cg, "obj.pre.event");
  LLVMBasicBlockRef next = jit_block(cg, "obj.pre.next"), done = jit_block(cg, "obj.pre.done");
  LLVMBuildBr(b, head);
  LLVMPositionBuilderAtEnd(b, head);
  LLVMValueRef i = LLVMBuildPhi(b, cg->t_i64, "obj.i");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, i, end, ""), body, done);
  LLVMPositionBuilderAtEnd(b, body);
  cg->ev = i;
  per_event(cg, prev_ts); /* registers, session */
  if (p->filter) {
    jit_val f = jit_expr(cg, p->filter, jit_const_i1(cg, true));
    LLVMBasicBlockRef match = jit_block(cg, "obj.pre.match");
    LLVMBuildCondBr(b, jit_truth(cg, f), match, next);
    LLVMPositionBuilderAtEnd(b, match);
  }
  for (uint32_t a = 0; a < p->n_obj_aggs; a++) {
    const sky_agg *g = &p->obj_aggs[a];
    LLVMBasicBlockRef skip = NULL;
    if (g->filter) { /* FILTER (WHERE c): the argument and update only where c is TRUE */
      jit_val f = jit_expr(cg, g->filter, jit_const_i1(cg, true));
      LLVMBasicBlockRef on = jit_block(cg, "obj.pre.filtered");
      skip = jit_block(cg, "obj.pre.skip");
      LLVMBuildCondBr(b, jit_truth(cg, f), on, skip);
      LLVMPositionBuilderAtEnd(b, on);
    }
    jit_val x = g->arg ? jit_expr(cg, g->arg, jit_const_i1(cg, true)) : jv(jit_const_i64(cg, 0), jit_const_i1(cg, true));
    LLVMValueRef word = g->arg ? jit_word(cg, x, g->arg->type, false) : jit_const_i64(cg, 0);
    LLVMValueRef session = cg->session ? LLVMBuildLoad2(b, cg->t_i64, cg->session, "") : jit_const_i64(cg, 0);
    LLVMValueRef args[8] = {cg->a_rt,  LLVMConstInt(cg->t_i32, a, 0), elem(cg, cg->obj_state, g->word), word,
                            LLVMBuildZExt(b, x.null, cg->t_i32, ""), cg->budget, cg->obj, session};
    LLVMValueRef rc = jit_call(cg, JIT_H_OBJ_AGG_UPDATE, args, 8, "");
    LLVMBasicBlockRef ok = jit_block(cg, "obj.pre.updated");
    jit_br_unlikely(cg, LLVMBuildICmp(b, LLVMIntNE, rc, LLVMConstInt(cg->t_i32, 0, 0), ""), cg->nomem_bb, ok);
    LLVMPositionBuilderAtEnd(b, ok);
    if (skip) {
      LLVMBuildBr(b, skip);
      LLVMPositionBuilderAtEnd(b, skip);
    }
  }
  LLVMBuildBr(b, next);
  LLVMPositionBuilderAtEnd(b, next);
  LLVMValueRef i1 = LLVMBuildAdd(b, i, jit_const_i64(cg, 1), "");
  LLVMBuildBr(b, head);
  LLVMAddIncoming(i, &start, &from, 1);
  LLVMAddIncoming(i, &i1, &next, 1);
  LLVMPositionBuilderAtEnd(b, done);
  LLVMValueRef args[5] = {cg->a_rt, LLVMBuildGEP2(b, cg->t_i64, cg->obj_state, (LLVMValueRef[]){jit_const_i64(cg, 0)}, 1, ""),
                          cg->obj_vals, cg->budget, cg->a_err};
  LLVMValueRef rc = jit_call(cg, JIT_H_OBJ_AGGS_CONCLUDE, args, 5, "obj.concluded");
  LLVMBasicBlockRef ok = jit_block(cg, "obj.values"), fail = jit_block(cg, "obj.values.fail");
  jit_br_unlikely(cg, LLVMBuildICmp(b, LLVMIntNE, rc, LLVMConstInt(cg->t_i32, 0, 0), ""), fail, ok);
  LLVMPositionBuilderAtEnd(b, fail);
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, rc, LLVMConstInt(cg->t_i32, SKY_SCAN_OVERFLOW, 0), ""),
                  cg->ovf_stored_bb, cg->nomem_bb);
  LLVMPositionBuilderAtEnd(b, ok);
}
