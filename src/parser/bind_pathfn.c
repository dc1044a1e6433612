/* bind_pathfn.c — next(), prev(), nth() and dwell() (PATHS.md §4): values
 * of the object's whole path read at the current event.
 *
 *   next(x [, n] [WHERE c])   prev(x [, n] [WHERE c])
 *   next(DISTINCT x [, n])    prev(DISTINCT x [, n])    nth(c)    dwell()
 *
 * Each call becomes a PATH_FN leaf naming a row of plan->path_fns
 * (identical calls share one row, so `GROUP BY next(action)` matches the
 * SELECT item `next(action)`); dwell() is `next(timestamp) - timestamp`.
 * They are per-event values: WHERE, GROUP BY, aggregate arguments and
 * FILTER, OVER OBJECT arguments, path statements' conditions and keys;
 * after aggregation only as a GROUP BY key. Their arguments are per-event
 * expressions of their own: no aggregate, no OVER OBJECT and no other
 * path function inside (the engines compute every path function before
 * anything else of the object, in one pass).
 */
#include <string.h>

#include "common/error.h"
#include "parser/bind.h"

const char *sky_path_fn_name(sky_path_fn_kind k) {
  static const char *const names[] = {
#define SKY_X_PATH_FN(name, text) text,
      SKY_PATH_FNS(SKY_X_PATH_FN)
#undef SKY_X_PATH_FN
  };
  return (unsigned)k < SKY_PATH_FN_COUNT_ ? names[k] : "?";
}

/* n of next(x, n): an integer literal in 1..SKY_PATH_FN_MAX_N. */
static bool path_n(bind_ctx *b, const sky_fn *fn, const ast_expr *a, uint32_t *n) {
  *n = 1;
  if (a->n_args < 2) return true;
  const ast_expr *lit = a->args[1];
  if (lit->kind != AST_INT || lit->neg || lit->paren || lit->u < 1 || lit->u > SKY_PATH_FN_MAX_N)
    return bind_fail(b, SKY_ERR_SEMANTIC, lit, "%s() takes n as an integer literal from 1 to %d", fn->name,
                     SKY_PATH_FN_MAX_N),
           false;
  *n = (uint32_t)lit->u;
  return true;
}

/* `a` bound as a per-event expression inside path function `call`. */
static sky_expr *path_arg(bind_ctx *b, const ast_expr *call, const ast_expr *a, const char *clause) {
  bind_mode mode = b->mode;
  const ast_expr *outer = b->in_agg, *outer_path = b->in_path;
  const char *outer_clause = b->clause;
  b->mode = BIND_EVENT;
  b->in_agg = NULL;
  b->in_path = call;
  b->clause = clause;
  sky_expr *x = bind_expr(b, a);
  b->mode = mode;
  b->in_agg = outer;
  b->in_path = outer_path;
  b->clause = outer_clause;
  return x;
}

/* The shape of the call against its function's rule. */
static bool path_shape(bind_ctx *b, const sky_fn *fn, const ast_expr *a) {
  sky_path_fn_kind kind = (sky_path_fn_kind)fn->code;
  bool dwell = fn->code < 0; /* dwell(): its own row of funcs.h */
  if (a->star) return bind_fail(b, SKY_ERR_SEMANTIC, a, "'*' is only allowed in count(*)"), false;
  if (a->where && (dwell || kind == SKY_PATH_FN_NTH))
    return bind_fail(b, SKY_ERR_SEMANTIC, a->where, "%s() takes no WHERE (only next() and prev() do)", fn->name),
           false;
  if (a->distinct && (dwell || kind == SKY_PATH_FN_NTH))
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "DISTINCT is only allowed in count(), next() and prev()"), false;
  if (dwell && a->n_args) return bind_fail(b, SKY_ERR_SEMANTIC, a, "dwell() takes no arguments"), false;
  if (!dwell && kind == SKY_PATH_FN_NTH && a->n_args != 1)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "nth() takes one condition"), false;
  if (!dwell && kind != SKY_PATH_FN_NTH && (a->n_args < 1 || a->n_args > 2))
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s() takes (x [, n] [WHERE condition]) or (DISTINCT x [, n])",
                     fn->name),
           false;
  return true;
}

static bool same(const sky_expr *x, const sky_expr *y) { return x == y || (x && y && bx_equal(x, y)); }

/* The index of path function `f` in the plan: an identical one, or new. */
static int64_t path_add(bind_ctx *b, const sky_path_fn *f) {
  sky_plan *p = b->plan;
  for (uint32_t i = 0; i < p->n_path_fns; i++) {
    const sky_path_fn *o = &p->path_fns[i];
    if (o->kind == f->kind && o->n == f->n && o->distinct == f->distinct && same(o->arg, f->arg) &&
        same(o->cond, f->cond))
      return i;
  }
  sky_path_fn *v = sky_arena_alloc(b->arena, sizeof *v * (p->n_path_fns + 1));
  if (!v) return bind_oom(b), -1;
  if (p->n_path_fns) memcpy(v, p->path_fns, sizeof *v * p->n_path_fns);
  v[p->n_path_fns] = *f;
  p->path_fns = v;
  return p->n_path_fns++;
}

/* A PATH_FN leaf for `f`, standing for source `a`. */
static sky_expr *path_leaf(bind_ctx *b, const sky_path_fn *f, const ast_expr *a) {
  int64_t idx = path_add(b, f);
  if (idx < 0) return NULL;
  sky_expr *e = bx_new(b, SKY_OP_PATH_FN, f->type, f->dom, a);
  if (e) e->index = (uint32_t)idx;
  return e;
}

/* dwell(): next(timestamp) - timestamp, a DURATION (bind_units.c). */
static sky_expr *bind_dwell(bind_ctx *b, const ast_expr *a) {
  sky_expr *ts = bx_new(b, SKY_OP_TIMESTAMP, SKY_VT_INT, SKY_DOM_NONE, a);
  sky_expr *ts2 = bx_new(b, SKY_OP_TIMESTAMP, SKY_VT_INT, SKY_DOM_NONE, a);
  if (!ts || !ts2) return NULL;
  sky_path_fn f = {.kind = SKY_PATH_FN_NEXT, .arg = ts, .n = 1, .type = SKY_VT_INT, .dom = SKY_DOM_NONE,
                   .text = bind_src(b, a)};
  b->plan->need_ts = true;
  sky_expr *next = path_leaf(b, &f, a);
  return next ? bx_binary(b, SKY_OP_SUB, SKY_VT_INT, SKY_DOM_NONE, next, ts2, a) : NULL;
}

sky_expr *bind_path_call(bind_ctx *b, const sky_fn *fn, const ast_expr *a) {
  char q[80], outer[80];
  if (b->sel && b->sel->has_as_of) return bind_as_of_refuse(b, a, NULL);
  if (b->mode != BIND_EVENT)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s must appear in GROUP BY or be inside an aggregate",
                     bind_quote(bind_src(b, a), q));
  if (b->in_path)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s is not allowed inside %s", bind_quote(bind_src(b, a), q),
                     bind_quote(bind_src(b, b->in_path), outer));
  if (!path_shape(b, fn, a)) return NULL;
  if (fn->code < 0) return bind_dwell(b, a);
  sky_path_fn f = {.kind = (sky_path_fn_kind)fn->code, .distinct = a->distinct, .text = bind_src(b, a)};
  const char *where = sky_arena_printf(b->arena, "%s()", fn->name);
  if (!where) return bind_oom(b);
  if (f.kind == SKY_PATH_FN_NTH) {
    f.n = 1;
    f.cond = bind_condition(b, path_arg(b, a, a->args[0], where), a->args[0], where);
    if (!f.cond) return NULL;
    f.type = SKY_VT_INT;
    f.dom = SKY_DOM_NONE;
    return path_leaf(b, &f, a);
  }
  if (!path_n(b, fn, a, &f.n)) return NULL;
  if (!(f.arg = path_arg(b, a, a->args[0], where))) return NULL;
  bx_type_null(f.arg, SKY_VT_INT, SKY_DOM_NONE); /* an untyped NULL is an INT NULL */
  if (a->where && !(f.cond = bind_condition(b, path_arg(b, a, a->where, where), a->where, where))) return NULL;
  f.type = f.arg->type;
  f.dom = f.arg->dom;
  return path_leaf(b, &f, a);
}
