/* jit_as_of.c — the compiled scan of SELECT ... AS OF ts (PATHS.md §6).
 *
 * The interpreter walks each object's events up to the instant; this scan
 * does not: per object it finds the end of its events at or before ts by
 * a binary search over the object's (ascending) timestamps, and each STATE
 * register's value as the last event before that end carrying the
 * property, with that event's time as its set time (storage/chunk_at.c,
 * the definition GET OBJECT ... AS OF uses too: a walk of a sparse
 * column's `pos` list with one cursor per register, as objects come in
 * chunk order, else a backward scan of `present` from the end).
 * The object's one row is then the ordinary per-event code (filter, keys,
 * aggregates: jit_groups_event) at its last event at or before ts, with
 * every STATE read at ts (jit_read_instant). The per-event code runs once
 * per object, not once per event. The stop check runs every
 * STOP_EVERY objects.
 */
#include <stddef.h>

#include "codegen/jit_internal.h"
#include "common/alloc.h"
#include "storage/storage.h"

enum { STOP_EVERY = 65536 }; /* objects between two sky_rt_should_stop checks */
enum { AS_OF_AHEAD = 16 };   /* objects between a timestamp prefetch and its search */

LLVMValueRef jit_read_instant(jit_cg *cg) {
  if (cg->plan->as_of) return jit_const_i64(cg, (uint64_t)cg->plan->as_of_us);
  return LLVMBuildLoad2(cg->b, cg->t_i64, LLVMBuildGEP2(cg->b, cg->t_i64, cg->ts, &cg->ev, 1, ""), "ts");
}

static LLVMValueRef elem(jit_cg *cg, LLVMTypeRef ty, LLVMValueRef base, LLVMValueRef idx, const char *name) {
  return LLVMBuildLoad2(cg->b, ty, LLVMBuildGEP2(cg->b, ty, base, &idx, 1, ""), name);
}

/* Register r as of the cut: the value of the last event of [start, cut)
 * carrying its property, and that event's time; never set when none. */
static void load_register(jit_cg *cg, uint32_t r, LLVMValueRef cols, LLVMValueRef start, LLVMValueRef cut,
                          LLVMValueRef cursor) {
  LLVMBuilderRef b = cg->b;
  const sky_plan *p = cg->plan;
  uint32_t prop = p->state_props[r];
  LLVMTypeRef ty = LLVMGetAllocatedType(cg->reg_v[r]);
  sky_vtype t = !cg->reg_null[r]  ? SKY_VT_STRING
                : ty == cg->t_i1  ? SKY_VT_BOOL
                : ty == cg->t_f64 ? SKY_VT_FLOAT
                                  : SKY_VT_INT;
  LLVMValueRef col = jit_gep8(cg, cols, jit_const_i64(cg, (uint64_t)prop * sizeof(sky_chunk_col)), "col");
  LLVMValueRef args[4] = {col, start, cut, cursor};
  LLVMValueRef at = jit_call(cg, JIT_H_COL_LAST, args, 4, "set.at");
  LLVMValueRef none = LLVMBuildICmp(b, LLVMIntEQ, at, jit_const_i64(cg, UINT64_MAX), "never");
  LLVMValueRef ev = cg->ev;
  cg->ev = LLVMBuildSelect(b, none, start, at, ""); /* a valid index either way */
  jit_val v = jit_column(cg, prop, t);
  LLVMValueRef null = LLVMBuildOr(b, none, v.null, "");
  LLVMBuildStore(b, LLVMBuildSelect(b, null, LLVMConstNull(ty), v.v, ""), cg->reg_v[r]);
  if (cg->reg_null[r]) LLVMBuildStore(b, null, cg->reg_null[r]);
  if (cg->reg_set[r]) {
    LLVMValueRef set = elem(cg, cg->t_i64, cg->ts, cg->ev, "set");
    LLVMBuildStore(b, LLVMBuildSelect(b, none, jit_const_i64(cg, (uint64_t)SKY_STATE_NEVER), set, ""), cg->reg_set[r]);
  }
  cg->ev = ev;
}

void jit_as_of_loop(jit_cg *cg, LLVMBasicBlockRef done) {
  LLVMBuilderRef b = cg->b;
  const sky_plan *p = cg->plan;
  LLVMValueRef k_a = jit_entry_alloca(cg, cg->t_i64, "k");
  LLVMValueRef n_obj = jit_load_at(cg, cg->t_i64, cg->a_chunk, offsetof(sky_chunk, n_objects), "n.objects");
  LLVMValueRef cols = jit_load_at(cg, cg->t_ptr, cg->a_chunk, offsetof(sky_chunk, cols), "cols");
  LLVMValueRef instant = jit_const_i64(cg, (uint64_t)p->as_of_us);
  LLVMBuildStore(b, jit_const_i64(cg, 0), k_a);
  /* per register: its place in the column's pos list (sky_col_last_from) */
  LLVMValueRef *cursor = sky_calloc(p->n_state + 1, sizeof *cursor);
  if (!cursor) {
    jit_fail(cg, "out of memory");
    return;
  }
  for (uint32_t r = 0; r < p->n_state; r++) {
    if (!cg->reg_v[r]) continue;
    cursor[r] = jit_entry_alloca(cg, cg->t_i64, "pos.cursor");
    LLVMBuildStore(b, jit_const_i64(cg, 0), cursor[r]);
  }
  LLVMBasicBlockRef head = jit_block(cg, "asof.object"), stop = jit_block(cg, "asof.stop");
  LLVMBasicBlockRef go = jit_block(cg, "asof.go"), row = jit_block(cg, "asof.row");
  LLVMBasicBlockRef next = jit_block(cg, "asof.next");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, n_obj, jit_const_i64(cg, 0), ""), done, head);

  LLVMPositionBuilderAtEnd(b, head);
  LLVMValueRef k = LLVMBuildLoad2(b, cg->t_i64, k_a, "k");
  LLVMValueRef due = LLVMBuildICmp(b, LLVMIntEQ, LLVMBuildAnd(b, k, jit_const_i64(cg, STOP_EVERY - 1), ""),
                                   jit_const_i64(cg, 0), "");
  jit_br_unlikely(cg, due, stop, go);
  LLVMPositionBuilderAtEnd(b, stop);
  LLVMValueRef halt = jit_call(cg, JIT_H_SHOULD_STOP, &cg->a_rt, 1, "stop");
  jit_br_unlikely(cg, LLVMBuildICmp(b, LLVMIntNE, halt, LLVMConstInt(cg->t_i32, 0, 0), ""), cg->stop_bb, go);

  LLVMPositionBuilderAtEnd(b, go);
  LLVMValueRef k1 = LLVMBuildAdd(b, k, jit_const_i64(cg, 1), "");
  LLVMValueRef start = elem(cg, cg->t_i64, cg->obj_starts, k, "start");
  LLVMValueRef end = elem(cg, cg->t_i64, cg->obj_starts, k1, "end");
  /* The search reads an object's first and last timestamps: a few lines
   * apart per object, a stride the hardware does not prefetch far enough
   * ahead, so the objects AS_OF_AHEAD later are asked for now. */
  LLVMValueRef later = LLVMBuildAdd(b, k, jit_const_i64(cg, AS_OF_AHEAD), "");
  later = LLVMBuildSelect(b, LLVMBuildICmp(b, LLVMIntULT, later, n_obj, ""), later, n_obj, "");
  jit_prefetch_at(cg, cg->ts, elem(cg, cg->t_i64, cg->obj_starts, later, "later"), 8);
  LLVMValueRef args[4] = {cg->ts, start, end, instant};
  LLVMValueRef cut = jit_call(cg, JIT_H_TS_UPTO, args, 4, "cut");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, cut, start, ""), next, row); /* nothing yet at ts */

  LLVMPositionBuilderAtEnd(b, row);
  cg->obj = elem(cg, cg->t_i64, cg->obj_ids, k, "obj");
  cg->ev = LLVMBuildSub(b, cut, jit_const_i64(cg, 1), "ev");
  for (uint32_t r = 0; r < p->n_state; r++)
    if (cg->reg_v[r]) load_register(cg, r, cols, start, cut, cursor[r]);
  sky_free(cursor);
  jit_filter(cg, next);
  jit_groups_event(cg);
  LLVMBuildBr(b, next);

  LLVMPositionBuilderAtEnd(b, next);
  LLVMBuildStore(b, k1, k_a);
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, k1, n_obj, ""), head, done);
}
