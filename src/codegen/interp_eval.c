/* interp_eval.c — the reference interpreter's expression evaluator: one
 * function per operator of plan.h, gathered into one table built from the
 * SKY_OPS list (a new operator without an evaluator does not compile).
 *
 * It is written for obviousness, not speed: a recursive walk over the tree
 * with values as (word, NULL flag). The evaluation order and error rules it
 * implements are stated in interp.h; the JIT must reproduce them exactly.
 * Rare string operations go through the runtime helpers (runtime.h) so the
 * two engines share one definition of them. Nothing here allocates.
 */
#include <math.h>
#include <string.h>

#include "codegen/interp.h"
#include "common/timeutil.h"

#define EVAL(name) static int eval_##name(sky_eval_env *env, const sky_expr *e, sky_ival *out)

static const sky_ival NULL_VAL = {0, true};

static inline sky_ival word(uint64_t w) { return (sky_ival){w, false}; }
static inline sky_ival boolean(bool b) { return (sky_ival){b ? 1u : 0u, false}; }

/* Evaluates the operand of a strict unary operator; a NULL operand makes the
 * result NULL. */
#define STRICT_ARG(a)                                        \
  sky_ival a;                                                \
  do {                                                       \
    int rc_ = sky_interp_eval(env, e->args[0], &a);          \
    if (rc_ != SKY_EVAL_OK) return rc_;                      \
    if (a.null) {                                            \
      *out = NULL_VAL;                                       \
      return SKY_EVAL_OK;                                    \
    }                                                        \
  } while (0)

/* Both operands of a strict binary operator, left then right. */
#define STRICT_ARGS(a, b)                                    \
  sky_ival a, b;                                             \
  do {                                                       \
    int rc_ = sky_interp_eval(env, e->args[0], &a);          \
    if (rc_ == SKY_EVAL_OK) rc_ = sky_interp_eval(env, e->args[1], &b); \
    if (rc_ != SKY_EVAL_OK) return rc_;                      \
    if (a.null || b.null) {                                  \
      *out = NULL_VAL;                                       \
      return SKY_EVAL_OK;                                    \
    }                                                        \
  } while (0)

static int overflow(sky_eval_env *env, const sky_expr *e) {
  env->err_expr = e->id;
  return SKY_EVAL_OVERFLOW;
}

/* ---- leaves ---------------------------------------------------------------- */

sky_ival sky_interp_read_col(const sky_chunk_col *col, sky_vtype type, uint64_t event) {
  if (!col->present || !col->present[event]) return NULL_VAL;
  switch (type) {
  case SKY_VT_INT: return word((uint64_t)((const int64_t *)col->values)[event]);
  case SKY_VT_FLOAT: return word(double_bits(((const double *)col->values)[event]));
  case SKY_VT_BOOL: return boolean(((const uint8_t *)col->values)[event] != 0);
  case SKY_VT_STRING: {
    uint32_t code = ((const uint32_t *)col->values)[event];
    return code ? word(code) : NULL_VAL;
  }
  default: return NULL_VAL;
  }
}

EVAL(CONST) {
  (void)env;
  *out = e->value.is_null ? NULL_VAL : word(e->value.word);
  return SKY_EVAL_OK;
}

EVAL(OBJECT) {
  (void)e;
  *out = word(env->obj);
  return SKY_EVAL_OK;
}

EVAL(TIMESTAMP) {
  (void)e;
  *out = word((uint64_t)(env->in_piece ? env->piece_start : env->chunk->ts[env->event]));
  return SKY_EVAL_OK;
}

EVAL(ACTION) {
  (void)e;
  uint32_t code = env->chunk->action[env->event];
  *out = code ? word(code) : NULL_VAL;
  return SKY_EVAL_OK;
}

EVAL(PROP_EVENT) {
  *out = sky_interp_read_col(&env->chunk->cols[e->index], e->type, env->event);
  return SKY_EVAL_OK;
}

EVAL(PROP_STATE) {
  int32_t r = env->reg_of[e->index];
  *out = env->regs[r];
  if (env->set_us && env->in_piece)
    *out = sky_rt_state_in_piece(env->rt, (uint32_t)r, *out, env->set_us[r], env->piece_start);
  else if (env->set_us)
    *out = sky_rt_state_at(env->rt, (uint32_t)r, *out, env->set_us[r],
                           sky_rt_read_instant(env->rt->plan, env->chunk->ts[env->event]));
  return SKY_EVAL_OK;
}

EVAL(STATE_AGE) {
  int32_t r = env->reg_of[e->index];
  *out = sky_rt_state_age(env->set_us[r], env->in_piece ? env->piece_start
                                                         : sky_rt_read_instant(env->rt->plan, env->chunk->ts[env->event]));
  return SKY_EVAL_OK;
}

EVAL(PIECE_DURATION) {
  (void)e;
  *out = word((uint64_t)env->piece_len);
  return SKY_EVAL_OK;
}

EVAL(SESSION_NUMBER) {
  (void)e;
  *out = word((uint64_t)env->session);
  return SKY_EVAL_OK;
}

EVAL(RCONST) {
  *out = word(env->rt->rc[e->index]);
  return SKY_EVAL_OK;
}

EVAL(KEY_REF) {
  uint32_t n_keys = env->rt->plan->n_keys;
  bool is_null = (env->slot[n_keys + 1] >> e->index) & 1;
  *out = is_null ? NULL_VAL : word(env->slot[1 + e->index]);
  return SKY_EVAL_OK;
}

EVAL(AGG_REF) {
  if (env->agg_overflow[e->index]) {
    env->err_expr = e->id;
    return SKY_EVAL_AGG_OVERFLOW;
  }
  *out = env->aggs[e->index];
  return SKY_EVAL_OK;
}

/* agg(x) OVER OBJECT: the current object's value (interp.c's pre-pass). */
EVAL(OBJ_AGG) {
  *out = env->obj_vals[e->index];
  return SKY_EVAL_OK;
}

/* next, prev, nth: the value interp.c's pre-pass resolved for this event. */
EVAL(PATH_FN) {
  uint64_t i = env->event - env->path_first, m = env->path_m;
  const uint64_t *v = env->path_base + sky_pathfn_at(e->index, SKY_PATHFN_OUT, m);
  const uint64_t *null = env->path_base + sky_pathfn_at(e->index, SKY_PATHFN_OUT_NULL, m);
  *out = null[i] ? NULL_VAL : (sky_ival){v[i], false};
  return SKY_EVAL_OK;
}

/* A field of the entry row being added (FUNNEL's flush, funnel.c). */
EVAL(ENTRY) {
  *out = env->entry[e->index];
  return SKY_EVAL_OK;
}

/* ---- unary ----------------------------------------------------------------- */

EVAL(NOT) {
  STRICT_ARG(a);
  *out = boolean(!a.w);
  return SKY_EVAL_OK;
}

EVAL(NEG) {
  STRICT_ARG(a);
  if (e->type == SKY_VT_FLOAT) {
    *out = word(double_bits(-as_double(a.w)));
    return SKY_EVAL_OK;
  }
  if ((int64_t)a.w == INT64_MIN) return overflow(env, e);
  *out = word((uint64_t)(-(int64_t)a.w));
  return SKY_EVAL_OK;
}

EVAL(IS_NULL) {
  sky_ival a;
  int rc = sky_interp_eval(env, e->args[0], &a);
  if (rc != SKY_EVAL_OK) return rc;
  *out = boolean(a.null);
  return SKY_EVAL_OK;
}

EVAL(IS_NOT_NULL) {
  sky_ival a;
  int rc = sky_interp_eval(env, e->args[0], &a);
  if (rc != SKY_EVAL_OK) return rc;
  *out = boolean(!a.null);
  return SKY_EVAL_OK;
}

EVAL(TO_FLOAT) {
  STRICT_ARG(a);
  *out = word(double_bits((double)(int64_t)a.w));
  return SKY_EVAL_OK;
}

EVAL(RANK) {
  STRICT_ARG(a);
  const uint32_t *rank = (const uint32_t *)(uintptr_t)env->rt->rc[e->index];
  *out = word(rank[a.w]);
  return SKY_EVAL_OK;
}

EVAL(DICT_MATCH) {
  STRICT_ARG(a);
  const uint8_t *match = (const uint8_t *)(uintptr_t)env->rt->rc[e->index];
  *out = boolean(match[a.w] != 0);
  return SKY_EVAL_OK;
}

/* x IN (constants...): x NULL -> NULL; in the set -> TRUE; else NULL when
 * a NULL was listed, FALSE otherwise (as IN below, with constant items). */
EVAL(IN_SET) {
  STRICT_ARG(a);
  const sky_in_set *set = &env->rt->plan->sets[e->index];
  if (sky_rt_in_set(env->rt, e->index, a.w)) *out = boolean(true);
  else *out = set->has_null ? NULL_VAL : boolean(false);
  return SKY_EVAL_OK;
}

EVAL(LIKE) {
  STRICT_ARG(a);
  *out = boolean(sky_rt_like(env->rt, e->args[0]->dom, a.w, e->index) != 0);
  return SKY_EVAL_OK;
}

/* Time buckets: X(op, function of an INT µs timestamp). */
#define SKY_BUCKETS(X)      \
  X(HOUR, sky_bucket_hour)  \
  X(WEEKDAY, sky_bucket_weekday) \
  X(DAY, sky_bucket_day)    \
  X(WEEK, sky_bucket_week)  \
  X(MONTH, sky_bucket_month)

/* Whether a bucket's value has a text form (timeutil.h): day/week/month
 * of instants beyond years 0000-9999 are NULL. */
static bool bucket_in_range(sky_op op, int64_t v) {
  if (op == SKY_OP_DAY || op == SKY_OP_WEEK) return sky_day_in_range(v);
  if (op == SKY_OP_MONTH) return sky_month_in_range(v);
  return true;
}

#define SKY_X_BUCKET(name, fn)                              \
  EVAL(name) {                                              \
    STRICT_ARG(a);                                          \
    int64_t v = fn((int64_t)a.w);                           \
    *out = bucket_in_range(SKY_OP_##name, v) ? word((uint64_t)v) : NULL_VAL; \
    return SKY_EVAL_OK;                                     \
  }
SKY_BUCKETS(SKY_X_BUCKET)
#undef SKY_X_BUCKET

/* ---- logic ------------------------------------------------------------------- */

/* SQL three-valued AND/OR: `decisive` is the operand value that decides the
 * result alone (FALSE for AND, TRUE for OR); the right operand is not
 * evaluated when the left one is decisive. */
static int logic(sky_eval_env *env, const sky_expr *e, sky_ival *out, uint64_t decisive) {
  sky_ival a, b;
  int rc = sky_interp_eval(env, e->args[0], &a);
  if (rc != SKY_EVAL_OK) return rc;
  if (!a.null && a.w == decisive) {
    *out = word(decisive);
    return SKY_EVAL_OK;
  }
  rc = sky_interp_eval(env, e->args[1], &b);
  if (rc != SKY_EVAL_OK) return rc;
  if (!b.null && b.w == decisive) *out = word(decisive);
  else if (a.null || b.null) *out = NULL_VAL;
  else *out = word(!decisive);
  return SKY_EVAL_OK;
}

EVAL(AND) { return logic(env, e, out, 0); }
EVAL(OR) { return logic(env, e, out, 1); }

/* ---- comparisons --------------------------------------------------------------- */

/* Equality of two non-NULL values of one type (STRING: one domain). */
static bool values_equal(sky_vtype type, uint64_t a, uint64_t b) {
  if (type == SKY_VT_FLOAT) return as_double(a) == as_double(b);
  return a == b;
}

enum { ORD_LT = -1, ORD_EQ = 0, ORD_GT = 1, ORD_UNORDERED = 2 };

static int order3(bool lt, bool gt) { return lt ? ORD_LT : gt ? ORD_GT : ORD_EQ; }

/* Order of two non-NULL values of one type: ORD_*, UNORDERED for NaN. */
static int values_order(const sky_runtime *rt, sky_vtype type, uint32_t dom_a, uint64_t a, uint32_t dom_b,
                        uint64_t b) {
  switch (type) {
  case SKY_VT_INT: return order3((int64_t)a < (int64_t)b, (int64_t)a > (int64_t)b);
  case SKY_VT_FLOAT: {
    double x = as_double(a), y = as_double(b);
    if (x != x || y != y) return ORD_UNORDERED;
    return order3(x < y, x > y);
  }
  case SKY_VT_STRING:
    if (sky_dom_is_bucket(dom_a) && dom_a == dom_b)
      return order3((int64_t)a < (int64_t)b, (int64_t)a > (int64_t)b);
    if (dom_a == dom_b && a == b) return ORD_EQ;
    return (int)sky_rt_str_cmp(rt, dom_a, a, dom_b, b);
  default: return order3(a < b, a > b); /* BOOL, OBJECT: unsigned */
  }
}

EVAL(EQ) {
  STRICT_ARGS(a, b);
  *out = boolean(values_equal(e->args[0]->type, a.w, b.w));
  return SKY_EVAL_OK;
}

EVAL(NE) {
  STRICT_ARGS(a, b);
  *out = boolean(!values_equal(e->args[0]->type, a.w, b.w));
  return SKY_EVAL_OK;
}

/* Ordering comparisons: X(op, test on the ORD_* outcome `o`). */
#define SKY_ORDERINGS(X)                 \
  X(LT, o == ORD_LT)                     \
  X(LE, o == ORD_LT || o == ORD_EQ)      \
  X(GT, o == ORD_GT)                     \
  X(GE, o == ORD_GT || o == ORD_EQ)

#define SKY_X_ORDERING(name, test)                                                          \
  EVAL(name) {                                                                              \
    STRICT_ARGS(a, b);                                                                      \
    const sky_expr *l = e->args[0], *r = e->args[1];                                        \
    int o = values_order(env->rt, l->type, l->dom, a.w, r->dom, b.w);                       \
    *out = boolean(test);                                                                   \
    return SKY_EVAL_OK;                                                                     \
  }
SKY_ORDERINGS(SKY_X_ORDERING)
#undef SKY_X_ORDERING

EVAL(STR_CMP) {
  STRICT_ARGS(a, b);
  *out = word((uint64_t)sky_rt_str_cmp(env->rt, e->args[0]->dom, a.w, e->args[1]->dom, b.w));
  return SKY_EVAL_OK;
}

EVAL(IN) {
  sky_ival a;
  int rc = sky_interp_eval(env, e->args[0], &a);
  if (rc != SKY_EVAL_OK) return rc;
  bool saw_null = a.null;
  for (uint32_t k = 1; k < e->n_args; k++) {
    sky_ival item;
    rc = sky_interp_eval(env, e->args[k], &item);
    if (rc != SKY_EVAL_OK) return rc;
    if (!a.null && !item.null && values_equal(e->args[0]->type, a.w, item.w)) {
      *out = boolean(true);
      return SKY_EVAL_OK;
    }
    saw_null |= item.null;
  }
  *out = saw_null ? NULL_VAL : boolean(false);
  return SKY_EVAL_OK;
}

/* ---- arithmetic ------------------------------------------------------------------ */

/* X(op, checked INT builtin, FLOAT operator). */
#define SKY_ARITH(X)                    \
  X(ADD, __builtin_add_overflow, +)     \
  X(SUB, __builtin_sub_overflow, -)     \
  X(MUL, __builtin_mul_overflow, *)

#define SKY_X_ARITH(name, checked, fop)                                   \
  EVAL(name) {                                                            \
    STRICT_ARGS(a, b);                                                    \
    if (e->type == SKY_VT_FLOAT) {                                        \
      *out = word(double_bits(as_double(a.w) fop as_double(b.w)));        \
      return SKY_EVAL_OK;                                                 \
    }                                                                     \
    int64_t r;                                                            \
    if (checked((int64_t)a.w, (int64_t)b.w, &r)) return overflow(env, e); \
    *out = word((uint64_t)r);                                             \
    return SKY_EVAL_OK;                                                   \
  }
SKY_ARITH(SKY_X_ARITH)
#undef SKY_X_ARITH

EVAL(DIV) {
  STRICT_ARGS(a, b);
  double y = as_double(b.w);
  *out = y == 0 ? NULL_VAL : word(double_bits(as_double(a.w) / y));
  return SKY_EVAL_OK;
}

EVAL(MOD) {
  STRICT_ARGS(a, b);
  if (e->type == SKY_VT_FLOAT) {
    double y = as_double(b.w);
    *out = y == 0 ? NULL_VAL : word(double_bits(fmod(as_double(a.w), y)));
    return SKY_EVAL_OK;
  }
  int64_t x = (int64_t)a.w, y = (int64_t)b.w;
  if (y == 0) *out = NULL_VAL;
  else if (y == -1) *out = word(0); /* INT64_MIN % -1 would trap */
  else *out = word((uint64_t)(x % y));
  return SKY_EVAL_OK;
}

/* ---- ternary --------------------------------------------------------------------- */

/* args[0] ? args[1] : args[2]: only the chosen branch is evaluated. */
EVAL(IF) {
  sky_ival c;
  int rc = sky_interp_eval(env, e->args[0], &c);
  if (rc != SKY_EVAL_OK) return rc;
  return sky_interp_eval(env, e->args[!c.null && c.w ? 1 : 2], out);
}

/* ---- dispatch -------------------------------------------------------------------- */

typedef int (*eval_fn)(sky_eval_env *env, const sky_expr *e, sky_ival *out);

static const eval_fn g_eval[SKY_OP_COUNT_] = {
#define SKY_X_EVAL(name, arity, text) [SKY_OP_##name] = eval_##name,
    SKY_OPS(SKY_X_EVAL)
#undef SKY_X_EVAL
};

int sky_interp_eval(sky_eval_env *env, const sky_expr *e, sky_ival *out) { return g_eval[e->op](env, e, out); }

/* ---- sorting and lookup ------------------------------------------------------------ */

int sky_interp_sort_cmp(const sky_runtime *rt, sky_vtype type, uint32_t dom, sky_ival a, sky_ival b) {
  if (a.null || b.null) return (int)b.null - (int)a.null;
  if (type == SKY_VT_FLOAT) {
    double x = as_double(a.w), y = as_double(b.w);
    bool nx = x != x, ny = y != y;
    if (nx || ny) return (int)nx - (int)ny;
    return x < y ? -1 : x > y;
  }
  if (type == SKY_VT_NULL) return 0;
  return values_order(rt, type, dom, a.w, dom, b.w);
}

static const sky_expr *find_in(const sky_expr *e, uint32_t id) {
  if (!e) return NULL;
  if (e->id == id) return e;
  for (uint32_t k = 0; k < e->n_args; k++) {
    const sky_expr *hit = find_in(e->args[k], id);
    if (hit) return hit;
  }
  return NULL;
}

typedef struct find_ctx {
  uint32_t id;
  const sky_expr *hit;
} find_ctx;

static void find_path_expr(sky_expr *e, void *ctx) {
  find_ctx *fc = ctx;
  if (!fc->hit) fc->hit = find_in(e, fc->id);
}

const sky_expr *sky_interp_find_expr(const sky_plan *plan, uint32_t id) {
  const sky_expr *hit = find_in(plan->filter, id);
  for (uint32_t i = 0; !hit && i < plan->n_keys; i++) hit = find_in(plan->keys[i], id);
  for (uint32_t i = 0; !hit && i < plan->n_aggs; i++) hit = find_in(plan->aggs[i].filter, id);
  for (uint32_t i = 0; !hit && i < plan->n_aggs; i++) hit = find_in(plan->aggs[i].arg, id);
  for (uint32_t i = 0; !hit && i < plan->n_outputs; i++) hit = find_in(plan->outputs[i], id);
  if (!hit) hit = find_in(plan->having, id);
  for (uint32_t i = 0; !hit && i < plan->n_order; i++) hit = find_in(plan->order[i].expr, id);
  for (uint32_t i = 0; !hit && i < plan->n_path_fns; i++) hit = find_in(plan->path_fns[i].arg, id);
  for (uint32_t i = 0; !hit && i < plan->n_path_fns; i++) hit = find_in(plan->path_fns[i].cond, id);
  for (uint32_t i = 0; !hit && i < plan->n_obj_aggs; i++) hit = find_in(plan->obj_aggs[i].filter, id);
  for (uint32_t i = 0; !hit && i < plan->n_obj_aggs; i++) hit = find_in(plan->obj_aggs[i].arg, id);
  if (!hit) {
    find_ctx fc = {.id = id};
    sky_plan_each_path_expr(plan, find_path_expr, &fc);
    hit = fc.hit;
  }
  return hit;
}
