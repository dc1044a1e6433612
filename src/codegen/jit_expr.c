/* jit_expr.c — per-event expressions of a plan turned into inline IR.
 *
 * One table (OPS, indexed by sky_op) gives each operator its emitter; the
 * walker evaluates operands first, left to right, then calls it, so the
 * order in which INT overflows are detected is the order of a recursive
 * evaluation. Comparison predicates and arithmetic instructions come from
 * small tables too, so adding an operator is one line in each.
 *
 * NULL and error rules are the interpreter's (interp.h): every operator but
 * AND, OR, IS [NOT] NULL and IN yields NULL when an operand is NULL; an
 * overflow in an evaluated operand is an error even if the result is NULL;
 * AND/OR stop after a deciding left operand and IN after the first equal
 * item: the operands that would not be evaluated are computed anyway
 * (branch-free) under a false guard, so they cannot raise an error. The
 * C helpers (LIKE and STR_CMP on non-dictionary strings) are called only
 * on non-NULL operands, behind a branch. Time buckets are cached per
 * expression with the instant range they hold on; month boundaries come
 * from a helper (sky_jit_month_range) on a cache miss.
 *
 * Nothing here checks types: the binder's invariants are relied on.
 */
#include <stdio.h>
#include <string.h>

#include "codegen/jit_internal.h"
#include "common/alloc.h"
#include "common/timeutil.h"

typedef jit_val (*jit_op_fn)(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard);

static LLVMTypeRef vtype_ty(jit_cg *cg, sky_vtype t) {
  switch (t) {
  case SKY_VT_BOOL:
  case SKY_VT_NULL: return cg->t_i1;
  case SKY_VT_FLOAT: return cg->t_f64;
  default: return cg->t_i64;
  }
}

static jit_val null_of(jit_cg *cg, sky_vtype t) { return jv(LLVMConstNull(vtype_ty(cg, t)), jit_const_i1(cg, true)); }

static jit_val not_null(jit_cg *cg, LLVMValueRef v) { return jv(v, jit_const_i1(cg, false)); }

static LLVMValueRef and1(jit_cg *cg, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildAnd(cg->b, a, b, ""); }
static LLVMValueRef or1(jit_cg *cg, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildOr(cg->b, a, b, ""); }
static LLVMValueRef not1(jit_cg *cg, LLVMValueRef a) { return LLVMBuildNot(cg->b, a, ""); }

LLVMValueRef jit_truth(jit_cg *cg, jit_val v) { return v.truth ? v.truth : and1(cg, v.v, not1(cg, v.null)); }

LLVMValueRef jit_canon_float(jit_cg *cg, LLVMValueRef d) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef is_zero = LLVMBuildFCmp(b, LLVMRealOEQ, d, LLVMConstReal(cg->t_f64, 0.0), "");
  LLVMValueRef is_nan = LLVMBuildFCmp(b, LLVMRealUNO, d, d, "");
  LLVMValueRef bits = LLVMBuildBitCast(b, d, cg->t_i64, "");
  bits = LLVMBuildSelect(b, is_zero, jit_const_i64(cg, 0), bits, "");
  return LLVMBuildSelect(b, is_nan, jit_const_i64(cg, UINT64_C(0x7ff8000000000000)), bits, "canon");
}

LLVMValueRef jit_word(jit_cg *cg, jit_val v, sky_vtype t, bool canon) {
  switch (t) {
  case SKY_VT_BOOL:
  case SKY_VT_NULL: return LLVMBuildZExt(cg->b, v.v, cg->t_i64, "");
  case SKY_VT_FLOAT: return canon ? jit_canon_float(cg, v.v) : LLVMBuildBitCast(cg->b, v.v, cg->t_i64, "");
  default: return v.v;
  }
}

/* ---- leaves ---------------------------------------------------------------- */

jit_val jit_column(jit_cg *cg, uint32_t prop, sky_vtype t) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef base = prop < cg->plan->n_props ? cg->col_values[prop] : NULL;
  if (!base) {
    jit_fail(cg, "property %u is read but not in the plan's columns", prop);
    return null_of(cg, t);
  }
  if (t == SKY_VT_STRING) { /* code 0 is exactly "not carried" */
    LLVMValueRef p = LLVMBuildGEP2(b, cg->t_i32, base, &cg->ev, 1, "");
    LLVMValueRef code = LLVMBuildZExt(b, LLVMBuildLoad2(b, cg->t_i32, p, "code"), cg->t_i64, "");
    return jvf(code, LLVMBuildICmp(b, LLVMIntEQ, code, jit_const_i64(cg, 0), ""));
  }
  LLVMValueRef pp = LLVMBuildGEP2(b, cg->t_i8, cg->col_present[prop], &cg->ev, 1, "");
  LLVMValueRef present = LLVMBuildLoad2(b, cg->t_i8, pp, "present");
  LLVMValueRef null = LLVMBuildICmp(b, LLVMIntEQ, present, LLVMConstInt(cg->t_i8, 0, 0), "");
  LLVMTypeRef ety = t == SKY_VT_BOOL ? cg->t_i8 : t == SKY_VT_FLOAT ? cg->t_f64 : cg->t_i64;
  LLVMValueRef p = LLVMBuildGEP2(b, ety, base, &cg->ev, 1, "");
  LLVMValueRef v = LLVMBuildLoad2(b, ety, p, "val");
  if (t == SKY_VT_BOOL) v = LLVMBuildICmp(b, LLVMIntNE, v, LLVMConstInt(cg->t_i8, 0, 0), "");
  return jv(v, null);
}

static jit_val op_const(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  if (e->value.is_null || e->type == SKY_VT_NULL) return null_of(cg, e->type);
  switch (e->type) {
  case SKY_VT_BOOL: return not_null(cg, jit_const_i1(cg, e->value.word != 0));
  case SKY_VT_FLOAT: {
    double d;
    memcpy(&d, &e->value.word, 8);
    return not_null(cg, LLVMConstReal(cg->t_f64, d));
  }
  default: return not_null(cg, jit_const_i64(cg, e->value.word));
  }
}

static jit_val op_object(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  if (!cg->obj) {
    jit_fail(cg, "object referenced in a flat scan");
    return null_of(cg, e->type);
  }
  return not_null(cg, cg->obj);
}

static jit_val op_timestamp(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  if (cg->piece_t) return not_null(cg, cg->piece_t); /* DURING: the piece's start */
  LLVMValueRef p = LLVMBuildGEP2(cg->b, cg->t_i64, cg->ts, &cg->ev, 1, "");
  return not_null(cg, LLVMBuildLoad2(cg->b, cg->t_i64, p, "ts"));
}

static jit_val op_action(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef p = LLVMBuildGEP2(b, cg->t_i32, cg->action, &cg->ev, 1, "");
  LLVMValueRef code = LLVMBuildZExt(b, LLVMBuildLoad2(b, cg->t_i32, p, "action"), cg->t_i64, "");
  return jvf(code, LLVMBuildICmp(b, LLVMIntEQ, code, jit_const_i64(cg, 0), ""));
}

static jit_val op_prop_event(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  return jit_column(cg, e->index, e->type);
}

/* The register of state property `prop`, or -1. */
static int32_t state_reg(jit_cg *cg, uint32_t prop) {
  const sky_plan *p = cg->plan;
  for (uint32_t r = 0; r < p->n_state; r++)
    if (p->state_props[r] == prop && cg->reg_v[r]) return (int32_t)r;
  return -1;
}

/* A lapsing register's TO value (plan.h; interp.h's sky_rt_state_to). */
static jit_val lapse_to(jit_cg *cg, const sky_state_lapse *l, sky_vtype t) {
  if (l->to_null) return null_of(cg, t);
  if (l->to_rc >= 0) { /* a STRING code; a missing one (never: interned at DDL) is NULL */
    LLVMValueRef code = cg->rc[l->to_rc];
    LLVMValueRef missing = LLVMBuildICmp(cg->b, LLVMIntEQ, code, jit_const_i64(cg, SKY_CODE_MISSING), "");
    return not_null(cg, LLVMBuildSelect(cg->b, missing, jit_const_i64(cg, 0), code, "to"));
  }
  sky_expr c = {.op = SKY_OP_CONST, .type = t, .value = {.word = l->to_word}};
  return op_const(cg, &c, NULL, NULL);
}

/* state.p at the current event: the register's value, or its TO value
 * where the value has lapsed — the JIT's form of sky_rt_state_at with
 * storage/schema.h's sky_state_lapsed (set, t > set, t - set >u after). */
static jit_val op_prop_state(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  const sky_plan *p = cg->plan;
  LLVMBuilderRef b = cg->b;
  int32_t r = state_reg(cg, e->index);
  if (r < 0) {
    jit_fail(cg, "state.%u has no register", e->index);
    return null_of(cg, e->type);
  }
  LLVMValueRef v = LLVMBuildLoad2(b, vtype_ty(cg, e->type), cg->reg_v[r], "state");
  LLVMValueRef null = cg->reg_null[r] ? LLVMBuildLoad2(b, cg->t_i1, cg->reg_null[r], "")
                                      : LLVMBuildICmp(b, LLVMIntEQ, v, jit_const_i64(cg, 0), "");
  const sky_state_lapse *l = p->state_lapse ? &p->state_lapse[r] : NULL;
  if (!l || l->after_us <= 0 || !cg->reg_set[r]) return cg->reg_null[r] ? jv(v, null) : jvf(v, null);
  LLVMValueRef set = LLVMBuildLoad2(b, cg->t_i64, cg->reg_set[r], "set");
  LLVMValueRef t = cg->piece_t ? cg->piece_t : jit_read_instant(cg);
  LLVMValueRef later = LLVMBuildICmp(b, LLVMIntSGT, t, set, "");
  /* at an event the value holds while t - set <= d; a DURING piece
   * starting at set + d already reads the TO value (sky_rt_state_in_piece) */
  LLVMValueRef over = LLVMBuildICmp(b, cg->piece_t ? LLVMIntUGE : LLVMIntUGT, LLVMBuildSub(b, t, set, ""),
                                    jit_const_i64(cg, (uint64_t)l->after_us), "");
  LLVMValueRef lapsed = LLVMBuildAnd(b, LLVMBuildAnd(b, later, over, ""), LLVMBuildNot(b, null, ""), "lapsed");
  jit_val to = lapse_to(cg, l, e->type);
  LLVMValueRef nv = LLVMBuildSelect(b, lapsed, to.v, v, "state.at");
  if (!cg->reg_null[r]) return jvf(nv, LLVMBuildICmp(b, LLVMIntEQ, nv, jit_const_i64(cg, 0), ""));
  return jv(nv, LLVMBuildSelect(b, lapsed, to.null, null, ""));
}

/* duration(): the DURING piece's length. */
static jit_val op_piece_duration(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  (void)a, (void)guard;
  if (cg->piece_len) return not_null(cg, cg->piece_len);
  jit_fail(cg, "duration() of expr %u outside a DURING scan", e->id);
  return null_of(cg, SKY_VT_INT);
}

/* age(p): µs since the register's set time, NULL when never set
 * (sky_rt_state_age). */
static jit_val op_state_age(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  LLVMBuilderRef b = cg->b;
  int32_t r = state_reg(cg, e->index);
  if (r < 0 || !cg->reg_set[r]) {
    jit_fail(cg, "age of state.%u has no set time", e->index);
    return null_of(cg, SKY_VT_INT);
  }
  LLVMValueRef set = LLVMBuildLoad2(b, cg->t_i64, cg->reg_set[r], "set");
  LLVMValueRef t = cg->piece_t ? cg->piece_t : jit_read_instant(cg);
  LLVMValueRef never = LLVMBuildICmp(b, LLVMIntEQ, set, jit_const_i64(cg, (uint64_t)SKY_STATE_NEVER), "");
  return jv(LLVMBuildSelect(b, never, jit_const_i64(cg, 0), LLVMBuildSub(b, t, set, ""), "age"), never);
}

static jit_val op_session_number(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  if (!cg->session) {
    jit_fail(cg, "session.number without a session cut");
    return null_of(cg, e->type);
  }
  return not_null(cg, LLVMBuildLoad2(cg->b, cg->t_i64, cg->session, "session"));
}

static bool is_dict(uint32_t dom) { return dom < SKY_DOM_LITERAL; }

/* A dictionary code constant is a uint32 (SKY_CODE_MISSING when absent):
 * saying so lets comparisons with 32-bit code columns stay 32-bit. */
static jit_val op_rconst(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  LLVMValueRef v = cg->rc[e->index];
  if (e->type == SKY_VT_STRING && is_dict(e->dom))
    v = LLVMBuildZExt(cg->b, LLVMBuildTrunc(cg->b, v, cg->t_i32, ""), cg->t_i64, "code");
  return not_null(cg, v);
}

static jit_val op_obj_agg(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  return jit_object_value(cg, e);
}

static jit_val op_path_fn(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  return jit_pathfn_value(cg, e);
}

static jit_val op_post_agg(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  jit_fail(cg, "post-aggregation or entry-row expression in a per-event expression (expr %u)", e->id);
  return null_of(cg, e->type);
}

/* ---- logic ----------------------------------------------------------------- */

static jit_val op_not(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  return jv(not1(cg, a[0].v), a[0].null);
}

static jit_val op_is_null(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  return not_null(cg, e->op == SKY_OP_IS_NULL ? a[0].null : not1(cg, a[0].null));
}

/* AND: FALSE if either is FALSE, else NULL if either is NULL, else TRUE.
 * OR is the dual with TRUE. `decides` is the value that settles it. */
static jit_val logic(jit_cg *cg, const jit_val *a, bool decides) {
  LLVMValueRef hit[2];
  for (int k = 0; k < 2; k++) {
    LLVMValueRef v = decides ? a[k].v : not1(cg, a[k].v);
    hit[k] = and1(cg, v, not1(cg, a[k].null));
  }
  LLVMValueRef any = or1(cg, hit[0], hit[1]);
  LLVMValueRef null = and1(cg, not1(cg, any), or1(cg, a[0].null, a[1].null));
  /* TRUE: AND when both are TRUE, OR when either is. */
  LLVMValueRef t0 = jit_truth(cg, a[0]), t1 = jit_truth(cg, a[1]);
  LLVMValueRef truth = decides ? or1(cg, t0, t1) : and1(cg, t0, t1);
  return jv3(decides ? any : not1(cg, any), null, truth);
}

static jit_val op_and(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  return logic(cg, a, false);
}

static jit_val op_or(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) { return logic(cg, a, true); }

/* Guard of the right operand of AND/OR: the left does not decide. */
static LLVMValueRef right_guard(jit_cg *cg, sky_op op, jit_val left, LLVMValueRef guard) {
  LLVMValueRef v = op == SKY_OP_AND ? not1(cg, left.v) : left.v;
  LLVMValueRef decided = and1(cg, v, not1(cg, left.null));
  return and1(cg, guard, not1(cg, decided));
}

/* IF(c, x, y) per event (PATHS's anchor, WHERE folded in): the branch not
 * chosen is computed under a false guard, as the interpreter evaluates only
 * the chosen one. A BOOL result keeps no cheaper truth. */
static jit_val op_if(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  LLVMValueRef c = jit_truth(cg, a[0]);
  LLVMValueRef x = a[1].v, y = a[2].v;
  if (e->args[1]->type == SKY_VT_NULL) x = LLVMConstNull(LLVMTypeOf(y));
  if (e->args[2]->type == SKY_VT_NULL) y = LLVMConstNull(LLVMTypeOf(x));
  return jv(LLVMBuildSelect(cg->b, c, x, y, "if"), LLVMBuildSelect(cg->b, c, a[1].null, a[2].null, "if.null"));
}

/* Guard of IF's branch k (1 or 2): the condition chooses it. */
static LLVMValueRef if_guard(jit_cg *cg, uint32_t k, jit_val cond, LLVMValueRef guard) {
  LLVMValueRef t = jit_truth(cg, cond);
  return and1(cg, guard, k == 1 ? t : not1(cg, t));
}

/* ---- comparisons ----------------------------------------------------------- */

static const struct cmp_pred {
  LLVMIntPredicate s, u;
  LLVMRealPredicate f;
} CMP[SKY_OP_COUNT_] = {
    [SKY_OP_EQ] = {LLVMIntEQ, LLVMIntEQ, LLVMRealOEQ},   [SKY_OP_NE] = {LLVMIntNE, LLVMIntNE, LLVMRealUNE},
    [SKY_OP_LT] = {LLVMIntSLT, LLVMIntULT, LLVMRealOLT}, [SKY_OP_LE] = {LLVMIntSLE, LLVMIntULE, LLVMRealOLE},
    [SKY_OP_GT] = {LLVMIntSGT, LLVMIntUGT, LLVMRealOGT}, [SKY_OP_GE] = {LLVMIntSGE, LLVMIntUGE, LLVMRealOGE},
};

/* Compares two non-NULL values of type t (same type, binder invariant). */
static LLVMValueRef compare(jit_cg *cg, sky_op op, sky_vtype t, LLVMValueRef x, LLVMValueRef y) {
  if (t == SKY_VT_FLOAT) return LLVMBuildFCmp(cg->b, CMP[op].f, x, y, "");
  bool is_unsigned = t == SKY_VT_BOOL || t == SKY_VT_OBJECT;
  return LLVMBuildICmp(cg->b, is_unsigned ? CMP[op].u : CMP[op].s, x, y, "");
}

/* A dictionary STRING value is NULL exactly when its word is 0, and a code
 * constant is never 0: `x = code` is TRUE exactly when the words are equal. */
static bool never_zero_code(const sky_expr *e) {
  return e->op == SKY_OP_RCONST && e->type == SKY_VT_STRING && is_dict(e->dom);
}

static jit_val op_cmp(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  jit_val r = jv(compare(cg, e->op, e->args[0]->type, a[0].v, a[1].v), or1(cg, a[0].null, a[1].null));
  if (e->op == SKY_OP_EQ && (never_zero_code(e->args[0]) || never_zero_code(e->args[1]))) r.truth = r.v;
  return r;
}

/* i1: x (args[0]) and item k are both non-NULL and equal. */
static LLVMValueRef in_hit(jit_cg *cg, const sky_expr *e, const jit_val *a, uint32_t k) {
  if (e->args[k]->type == SKY_VT_NULL || e->args[0]->type == SKY_VT_NULL) return jit_const_i1(cg, false);
  LLVMValueRef eq = compare(cg, SKY_OP_EQ, e->args[0]->type, a[0].v, a[k].v);
  return and1(cg, eq, not1(cg, or1(cg, a[0].null, a[k].null)));
}

/* x IN (y...): TRUE if some y equals x, else NULL if x or some y is NULL.
 * Items after the first equal one are not evaluated (their errors do not
 * count: see the walker). */
static jit_val op_in(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  if (e->args[0]->type == SKY_VT_NULL) return null_of(cg, e->type);
  LLVMValueRef found = jit_const_i1(cg, false), any_null = a[0].null;
  for (uint32_t k = 1; k < e->n_args; k++) {
    any_null = or1(cg, any_null, a[k].null);
    found = or1(cg, found, in_hit(cg, e, a, k));
  }
  return jv3(found, and1(cg, not1(cg, found), any_null), found);
}

/* ---- arithmetic ------------------------------------------------------------ */

static void overflow_check(jit_cg *cg, LLVMValueRef ovf, LLVMValueRef guard, uint32_t id) {
  LLVMBasicBlockRef site = jit_block(cg, "overflow");
  LLVMBasicBlockRef cont = jit_block(cg, "no.overflow");
  jit_br_unlikely(cg, and1(cg, ovf, guard), site, cont);
  LLVMPositionBuilderAtEnd(cg->b, site);
  LLVMValueRef idv = LLVMConstInt(cg->t_i32, id, 0);
  LLVMAddIncoming(cg->ovf_phi, &idv, &site, 1);
  LLVMBuildBr(cg->b, cg->ovf_bb);
  LLVMPositionBuilderAtEnd(cg->b, cont);
}

/* Calls llvm.s{add,sub,mul}.with.overflow.i64: {result, overflowed}. */
static LLVMValueRef ovf_op(jit_cg *cg, const char *intrinsic, LLVMValueRef x, LLVMValueRef y) {
  unsigned iid = LLVMLookupIntrinsicID(intrinsic, strlen(intrinsic));
  LLVMTypeRef ty = cg->t_i64;
  LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cg->mod, iid, &ty, 1);
  LLVMTypeRef fty = LLVMIntrinsicGetType(cg->ctx, iid, &ty, 1);
  LLVMValueRef args[2] = {x, y};
  return LLVMBuildCall2(cg->b, fty, fn, args, 2, "");
}

/* INT op with overflow: llvm.s{add,sub,mul}.with.overflow.i64. */
static LLVMValueRef checked(jit_cg *cg, const char *intrinsic, LLVMValueRef x, LLVMValueRef y, LLVMValueRef live,
                            uint32_t id) {
  LLVMValueRef r = ovf_op(cg, intrinsic, x, y);
  overflow_check(cg, LLVMBuildExtractValue(cg->b, r, 1, ""), live, id);
  return LLVMBuildExtractValue(cg->b, r, 0, "");
}

static const struct arith {
  const char *int_intrinsic;
  LLVMOpcode float_op;
} ARITH[SKY_OP_COUNT_] = {
    [SKY_OP_ADD] = {"llvm.sadd.with.overflow", LLVMFAdd},
    [SKY_OP_SUB] = {"llvm.ssub.with.overflow", LLVMFSub},
    [SKY_OP_MUL] = {"llvm.smul.with.overflow", LLVMFMul},
};

static jit_val op_arith(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  LLVMValueRef null = or1(cg, a[0].null, a[1].null);
  if (e->type == SKY_VT_FLOAT) return jv(LLVMBuildBinOp(cg->b, ARITH[e->op].float_op, a[0].v, a[1].v, ""), null);
  LLVMValueRef live = and1(cg, guard, not1(cg, null));
  return jv(checked(cg, ARITH[e->op].int_intrinsic, a[0].v, a[1].v, live, e->id), null);
}

static jit_val op_neg(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  if (e->type == SKY_VT_FLOAT) return jv(LLVMBuildFNeg(cg->b, a[0].v, ""), a[0].null);
  LLVMValueRef live = and1(cg, guard, not1(cg, a[0].null));
  return jv(checked(cg, "llvm.ssub.with.overflow", jit_const_i64(cg, 0), a[0].v, live, e->id), a[0].null);
}

static jit_val op_div(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  LLVMValueRef zero = LLVMBuildFCmp(cg->b, LLVMRealOEQ, a[1].v, LLVMConstReal(cg->t_f64, 0.0), "");
  LLVMValueRef null = or1(cg, or1(cg, a[0].null, a[1].null), zero);
  return jv(LLVMBuildFDiv(cg->b, a[0].v, a[1].v, ""), null);
}

/* x % 0 is NULL; INT64_MIN % -1 is 0 (never trapping: the divisor of the
 * srem is made safe first). */
static jit_val op_mod(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef null = or1(cg, a[0].null, a[1].null);
  if (e->type == SKY_VT_FLOAT) {
    LLVMValueRef zero = LLVMBuildFCmp(b, LLVMRealOEQ, a[1].v, LLVMConstReal(cg->t_f64, 0.0), "");
    return jv(LLVMBuildFRem(b, a[0].v, a[1].v, ""), or1(cg, null, zero));
  }
  LLVMValueRef zero = LLVMBuildICmp(b, LLVMIntEQ, a[1].v, jit_const_i64(cg, 0), "");
  LLVMValueRef minus1 = LLVMBuildICmp(b, LLVMIntEQ, a[1].v, jit_const_i64(cg, UINT64_MAX), "");
  LLVMValueRef safe = LLVMBuildSelect(b, or1(cg, zero, minus1), jit_const_i64(cg, 1), a[1].v, "");
  LLVMValueRef r = LLVMBuildSRem(b, a[0].v, safe, "");
  r = LLVMBuildSelect(b, minus1, jit_const_i64(cg, 0), r, "");
  return jv(r, or1(cg, null, zero));
}

static jit_val op_to_float(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  return jv(LLVMBuildSIToFP(cg->b, a[0].v, cg->t_f64, ""), a[0].null);
}

/* ---- dictionary tables and helpers ----------------------------------------- */

/* table[word] of a runtime table (rc e->index), NULL words read entry 0. */
static LLVMValueRef table_load(jit_cg *cg, uint32_t rc, jit_val x, LLVMTypeRef elem) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef table = LLVMBuildIntToPtr(b, cg->rc[rc], cg->t_ptr, "table");
  LLVMValueRef idx = LLVMBuildSelect(b, x.null, jit_const_i64(cg, 0), x.v, "");
  LLVMValueRef p = LLVMBuildGEP2(b, elem, table, &idx, 1, "");
  return LLVMBuildLoad2(b, elem, p, "");
}

static jit_val op_rank(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  LLVMValueRef r = table_load(cg, e->index, a[0], cg->t_i32);
  return jv(LLVMBuildZExt(cg->b, r, cg->t_i64, "rank"), a[0].null);
}

static jit_val op_dict_match(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  LLVMValueRef m = table_load(cg, e->index, a[0], cg->t_i8);
  return jv(LLVMBuildICmp(cg->b, LLVMIntNE, m, LLVMConstInt(cg->t_i8, 0, 0), "match"), a[0].null);
}

/* Calls helper h with `args` only when `null` is false; else 0. */
static LLVMValueRef call_unless_null(jit_cg *cg, LLVMValueRef null, jit_helper_id h, LLVMValueRef *args, unsigned n) {
  LLVMBasicBlockRef from = LLVMGetInsertBlock(cg->b);
  LLVMBasicBlockRef call_bb = jit_block(cg, "helper");
  LLVMBasicBlockRef join = jit_block(cg, "helper.done");
  LLVMBuildCondBr(cg->b, null, join, call_bb);
  LLVMPositionBuilderAtEnd(cg->b, call_bb);
  LLVMValueRef r = jit_call(cg, h, args, n, "");
  LLVMBuildBr(cg->b, join);
  LLVMPositionBuilderAtEnd(cg->b, join);
  LLVMValueRef phi = LLVMBuildPhi(cg->b, LLVMTypeOf(r), "");
  LLVMValueRef zero = LLVMConstNull(LLVMTypeOf(r));
  LLVMAddIncoming(phi, &zero, &from, 1);
  LLVMAddIncoming(phi, &r, &call_bb, 1);
  return phi;
}

static jit_val op_like(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  LLVMValueRef args[4] = {cg->a_rt, LLVMConstInt(cg->t_i32, e->args[0]->dom, 0), a[0].v,
                          LLVMConstInt(cg->t_i32, e->index, 0)};
  LLVMValueRef r = call_unless_null(cg, a[0].null, JIT_H_LIKE, args, 4);
  return jv(LLVMBuildICmp(cg->b, LLVMIntNE, r, jit_const_i64(cg, 0), "like"), a[0].null);
}

/* x IN (constants...) through the set helper (called only for a non-NULL
 * x): TRUE when found, else NULL if the list held NULL, else FALSE. */
static jit_val op_in_set(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  LLVMValueRef word = jit_word(cg, a[0], e->args[0]->type, false);
  LLVMValueRef args[3] = {cg->a_rt, LLVMConstInt(cg->t_i32, e->index, 0), word};
  LLVMValueRef r = call_unless_null(cg, a[0].null, JIT_H_IN_SET, args, 3);
  LLVMValueRef found = LLVMBuildICmp(cg->b, LLVMIntNE, r, jit_const_i64(cg, 0), "in.set");
  LLVMValueRef null = a[0].null;
  if (cg->plan->sets[e->index].has_null) null = or1(cg, null, not1(cg, found));
  return jv3(found, null, found);
}

static jit_val op_str_cmp(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  LLVMValueRef null = or1(cg, a[0].null, a[1].null);
  LLVMValueRef args[5] = {cg->a_rt, LLVMConstInt(cg->t_i32, e->args[0]->dom, 0), a[0].v,
                          LLVMConstInt(cg->t_i32, e->args[1]->dom, 0), a[1].v};
  return jv(call_unless_null(cg, null, JIT_H_STR_CMP, args, 5), null);
}

/* ---- time buckets (UTC, timeutil.h) ---------------------------------------- */

LLVMValueRef jit_floor_div(jit_cg *cg, LLVMValueRef x, int64_t d) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef dv = jit_const_i64(cg, (uint64_t)d);
  LLVMValueRef q = LLVMBuildSDiv(b, x, dv, "");
  LLVMValueRef r = LLVMBuildSRem(b, x, dv, "");
  LLVMValueRef neg = LLVMBuildICmp(b, LLVMIntSLT, r, jit_const_i64(cg, 0), "");
  return LLVMBuildSub(b, q, LLVMBuildZExt(b, neg, cg->t_i64, ""), "");
}

static LLVMValueRef weekday_of_day(jit_cg *cg, LLVMValueRef day) {
  LLVMValueRef d3 = LLVMBuildAdd(cg->b, day, jit_const_i64(cg, 3), "");
  return LLVMBuildSub(cg->b, d3, LLVMBuildMul(cg->b, jit_floor_div(cg, d3, 7), jit_const_i64(cg, 7), ""), "weekday");
}

/* i1: v outside [lo, hi] (one unsigned compare). Day, week and month
 * buckets outside years 0000-9999 are NULL: they have no text form. */
static LLVMValueRef out_of_range(jit_cg *cg, LLVMValueRef v, int64_t lo, int64_t hi) {
  LLVMValueRef off = LLVMBuildSub(cg->b, v, jit_const_i64(cg, (uint64_t)lo), "");
  return LLVMBuildICmp(cg->b, LLVMIntUGT, off, jit_const_i64(cg, (uint64_t)(hi - lo)), "");
}

/* A bucket value v of an operand whose NULL flag is `arg_null`. */
static jit_val of_range(jit_cg *cg, LLVMValueRef v, LLVMValueRef arg_null, int64_t lo, int64_t hi) {
  LLVMValueRef null = or1(cg, arg_null, out_of_range(cg, v, lo, hi));
  bool arg_never_null = LLVMIsConstant(arg_null) && LLVMConstIntGetZExtValue(arg_null) == 0;
  return arg_never_null ? jvf(v, null) : jv(v, null);
}

/* [lo, hi) in µs of `start` units of `unit_us` plus `len` units; an empty
 * range when that overflows (instants near the int64 limits): a wrapped
 * range could otherwise hold instants of another bucket. */
static void bucket_range(jit_cg *cg, uint32_t id, LLVMValueRef start, LLVMValueRef len, int64_t unit_us) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef lo = ovf_op(cg, "llvm.smul.with.overflow", start, jit_const_i64(cg, (uint64_t)unit_us));
  LLVMValueRef span = LLVMBuildMul(b, len, jit_const_i64(cg, (uint64_t)unit_us), "");
  LLVMValueRef hi = ovf_op(cg, "llvm.sadd.with.overflow", LLVMBuildExtractValue(b, lo, 0, ""), span);
  LLVMValueRef bad = or1(cg, LLVMBuildExtractValue(b, lo, 1, ""), LLVMBuildExtractValue(b, hi, 1, ""));
  LLVMBuildStore(b, LLVMBuildSelect(b, bad, jit_const_i64(cg, 1), LLVMBuildExtractValue(b, lo, 0, ""), ""),
                 cg->bucket_lo[id]);
  LLVMBuildStore(b, LLVMBuildSelect(b, bad, jit_const_i64(cg, 0), LLVMBuildExtractValue(b, hi, 0, ""), ""),
                 cg->bucket_hi[id]);
}

/* Computes bucket `op` of `ts` and caches the value with the µs range it
 * holds on: hours, days (weekday, day), weeks, months (a C helper). */
static LLVMValueRef bucket_miss(jit_cg *cg, sky_op op, uint32_t id, LLVMValueRef ts) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef one = jit_const_i64(cg, 1);
  if (op == SKY_OP_HOUR) {
    LLVMValueRef h = jit_floor_div(cg, ts, SKY_US_PER_HOUR);
    bucket_range(cg, id, h, one, SKY_US_PER_HOUR);
    return LLVMBuildSub(b, h, LLVMBuildMul(b, jit_floor_div(cg, h, 24), jit_const_i64(cg, 24), ""), "hour");
  }
  if (op == SKY_OP_MONTH) {
    LLVMValueRef args[2] = {ts, cg->month_tmp};
    LLVMValueRef m = jit_call(cg, JIT_H_MONTH, args, 2, "month");
    LLVMBuildStore(b, LLVMBuildLoad2(b, cg->t_i64, cg->month_tmp, ""), cg->bucket_lo[id]);
    LLVMBuildStore(b, LLVMBuildLoad2(b, cg->t_i64, jit_gep8(cg, cg->month_tmp, jit_const_i64(cg, 8), ""), ""),
                   cg->bucket_hi[id]);
    return m;
  }
  LLVMValueRef day = jit_floor_div(cg, ts, SKY_US_PER_DAY);
  if (op == SKY_OP_WEEK) {
    LLVMValueRef monday = LLVMBuildSub(b, day, weekday_of_day(cg, day), "week");
    bucket_range(cg, id, monday, jit_const_i64(cg, 7), SKY_US_PER_DAY);
    return monday;
  }
  bucket_range(cg, id, day, one, SKY_US_PER_DAY);
  return op == SKY_OP_WEEKDAY ? weekday_of_day(cg, day) : day;
}

/* Time buckets are constant over an hour, day, week or month: the value
 * and its µs range are cached per expression, so an instant inside the
 * range costs two compares; one outside recomputes (out of line, once per
 * bucket change along the scan). day(), week() and
 * month() beyond years 0000-9999 are NULL. */
static jit_val op_bucket(jit_cg *cg, const sky_expr *e, const jit_val *a, LLVMValueRef guard) {
  LLVMBuilderRef b = cg->b;
  uint32_t id = e->id;
  LLVMValueRef lo = LLVMBuildLoad2(b, cg->t_i64, cg->bucket_lo[id], "bucket.lo");
  LLVMValueRef hi = LLVMBuildLoad2(b, cg->t_i64, cg->bucket_hi[id], "bucket.hi");
  LLVMValueRef in =
      and1(cg, LLVMBuildICmp(b, LLVMIntSGE, a[0].v, lo, ""), LLVMBuildICmp(b, LLVMIntSLT, a[0].v, hi, ""));
  LLVMBasicBlockRef miss = jit_block(cg, "bucket.miss"), join = jit_block(cg, "bucket.done");
  jit_br_unlikely(cg, and1(cg, not1(cg, in), not1(cg, a[0].null)), miss, join);
  LLVMPositionBuilderAtEnd(b, miss);
  LLVMBuildStore(b, bucket_miss(cg, e->op, id, a[0].v), cg->bucket_val[id]);
  LLVMBuildBr(b, join);
  LLVMPositionBuilderAtEnd(b, join);
  LLVMValueRef v = LLVMBuildLoad2(b, cg->t_i64, cg->bucket_val[id], "bucket");
  if (e->op == SKY_OP_MONTH) return of_range(cg, v, a[0].null, SKY_MONTH_MIN, SKY_MONTH_MAX);
  if (e->op == SKY_OP_DAY || e->op == SKY_OP_WEEK) return of_range(cg, v, a[0].null, SKY_DAY_MIN, SKY_DAY_MAX);
  return jv(v, a[0].null);
}

void jit_expr_prepare(jit_cg *cg) {
  /* Caches start empty: [1, 0) contains no timestamp. */
  for (uint32_t id = 0; id < cg->plan->n_exprs; id++) {
    if (!cg->bucket_lo[id]) continue;
    LLVMBuildStore(cg->b, jit_const_i64(cg, 1), cg->bucket_lo[id]);
    LLVMBuildStore(cg->b, jit_const_i64(cg, 0), cg->bucket_hi[id]);
    LLVMBuildStore(cg->b, jit_const_i64(cg, 0), cg->bucket_val[id]);
  }
  if (cg->period_lo) { /* DURING's EVERY period cache (jit_loop.c during_event) */
    LLVMBuildStore(cg->b, jit_const_i64(cg, 1), cg->period_lo);
    LLVMBuildStore(cg->b, jit_const_i64(cg, 0), cg->period_hi);
  }
}

/* ---- the operator table and the walker ------------------------------------- */

/* Each operator of SKY_OPS (plan.h) has its emitter and strictness here,
 * as JIT_OP_<NAME>; the table is built from the list, so an operator
 * without a code generator is a build error, never a failure at query
 * time. */
#define JIT_OP_CONST op_const, false
#define JIT_OP_OBJECT op_object, false
#define JIT_OP_TIMESTAMP op_timestamp, false
#define JIT_OP_ACTION op_action, false
#define JIT_OP_PROP_EVENT op_prop_event, false
#define JIT_OP_PROP_STATE op_prop_state, false
#define JIT_OP_SESSION_NUMBER op_session_number, false
#define JIT_OP_RCONST op_rconst, false
#define JIT_OP_KEY_REF op_post_agg, false
#define JIT_OP_AGG_REF op_post_agg, false
#define JIT_OP_ENTRY op_post_agg, false
#define JIT_OP_OBJ_AGG op_obj_agg, false
#define JIT_OP_PATH_FN op_path_fn, false
#define JIT_OP_IF op_if, false
#define JIT_OP_NOT op_not, true
#define JIT_OP_NEG op_neg, true
#define JIT_OP_IS_NULL op_is_null, false
#define JIT_OP_IS_NOT_NULL op_is_null, false
#define JIT_OP_TO_FLOAT op_to_float, true
#define JIT_OP_RANK op_rank, true
#define JIT_OP_DICT_MATCH op_dict_match, true
#define JIT_OP_LIKE op_like, true
#define JIT_OP_HOUR op_bucket, true
#define JIT_OP_WEEKDAY op_bucket, true
#define JIT_OP_DAY op_bucket, true
#define JIT_OP_WEEK op_bucket, true
#define JIT_OP_MONTH op_bucket, true
#define JIT_OP_AND op_and, false
#define JIT_OP_OR op_or, false
#define JIT_OP_EQ op_cmp, true
#define JIT_OP_NE op_cmp, true
#define JIT_OP_LT op_cmp, true
#define JIT_OP_LE op_cmp, true
#define JIT_OP_GT op_cmp, true
#define JIT_OP_GE op_cmp, true
#define JIT_OP_ADD op_arith, true
#define JIT_OP_SUB op_arith, true
#define JIT_OP_MUL op_arith, true
#define JIT_OP_DIV op_div, true
#define JIT_OP_MOD op_mod, true
#define JIT_OP_STR_CMP op_str_cmp, true
#define JIT_OP_IN op_in, false
#define JIT_OP_IN_SET op_in_set, true
#define JIT_OP_STATE_AGE op_state_age, false
#define JIT_OP_PIECE_DURATION op_piece_duration, false

static const struct jit_op {
  jit_op_fn emit;
  bool null_strict; /* NULL operand -> NULL result (no evaluation) */
} OPS[SKY_OP_COUNT_] = {
#define JIT_X_OP(name, arity, text) [SKY_OP_##name] = {JIT_OP_##name},
    SKY_OPS(JIT_X_OP)
#undef JIT_X_OP
};

enum { MAX_INLINE_ARGS = 8 };

jit_val jit_expr(jit_cg *cg, const sky_expr *e, LLVMValueRef guard) {
  if ((unsigned)e->op >= SKY_OP_COUNT_) {
    jit_fail(cg, "operator %d of expr %u is out of range", (int)e->op, e->id);
    return null_of(cg, e->type);
  }
  jit_val inline_args[MAX_INLINE_ARGS], *a = inline_args;
  jit_val *heap = NULL;
  if (e->n_args > MAX_INLINE_ARGS) {
    heap = sky_calloc(e->n_args, sizeof *heap);
    if (!heap) {
      jit_fail(cg, "out of memory generating expr %u", e->id);
      return null_of(cg, e->type);
    }
    a = heap;
  }
  /* Operands left to right; an operand the interpreter would not evaluate
   * (after a deciding AND/OR operand, after an IN item equal to x) is
   * computed anyway but under a false guard. */
  bool has_null_type = false;
  LLVMValueRef in_found = jit_const_i1(cg, false);
  for (uint32_t k = 0; k < e->n_args; k++) {
    LLVMValueRef g = guard;
    if (k == 1 && (e->op == SKY_OP_AND || e->op == SKY_OP_OR)) g = right_guard(cg, e->op, a[0], guard);
    if (k >= 1 && e->op == SKY_OP_IF) g = if_guard(cg, k, a[0], guard);
    if (k >= 2 && e->op == SKY_OP_IN) {
      in_found = or1(cg, in_found, in_hit(cg, e, a, k - 1));
      g = and1(cg, guard, not1(cg, in_found));
    }
    a[k] = jit_expr(cg, e->args[k], g);
    has_null_type |= e->args[k]->type == SKY_VT_NULL;
  }
  jit_val r;
  if (OPS[e->op].null_strict && has_null_type)
    r = null_of(cg, e->type);
  else
    r = OPS[e->op].emit(cg, e, a, guard);
  sky_free(heap);
  return r;
}

/* ---- the month helper (called by generated code) ---------------------------- */

static int64_t day_start_us(int64_t day, bool *overflow) {
  int64_t us;
  *overflow |= __builtin_mul_overflow(day, SKY_US_PER_DAY, &us);
  return us;
}

/* sky_bucket_month() (timeutil.c) with the month's first and next first day
 * from the same civil date: one civil_from_days per cache miss. */
int64_t sky_jit_period_next(int32_t every, int64_t ts_us) {
  return sky_period_start_us((sky_period)every, sky_period_of((sky_period)every, ts_us) + 1);
}

int64_t sky_jit_month_range(int64_t ts_us, int64_t *range) {
  static const unsigned char days_in[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t day = sky_bucket_day(ts_us), y;
  unsigned m, d;
  sky_civil_from_days(day, &y, &m, &d);
  bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  int64_t first = day - (d - 1), next = first + days_in[m - 1] + (m == 2 && leap);
  bool overflow = false;
  range[0] = day_start_us(first, &overflow);
  range[1] = day_start_us(next, &overflow);
  if (overflow) range[0] = 1, range[1] = 0; /* empty: every instant recomputes */
  return (y - 1970) * 12 + (int64_t)m - 1;
}
