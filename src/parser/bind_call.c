/* bind_call.c — function calls (time buckets and aggregates) and the
 * post-aggregation side of binding.
 *
 * An aggregate's argument and its FILTER (WHERE c) are per-event
 * expressions; aggregates nest nowhere (not in WHERE, GROUP BY, FILTER, or
 * another aggregate's argument). Identical aggregates — same kind,
 * structurally equal bound argument and filter — are one sky_agg, so
 * `count()` in SELECT and HAVING is counted once; those only HAVING or
 * ORDER BY mention are added as hidden aggregates.
 *
 * A post-aggregation expression (SELECT item, HAVING, ORDER BY) may use
 * aggregates, constants, group keys and (HAVING / ORDER BY) SELECT aliases.
 * A key is recognized structurally after binding: the sub-expression is
 * bound as if per event and compared with every key, so `plan` matches
 * `GROUP BY state.plan` for a STATE property and `hour(timestamp)` matches
 * itself. Anything else that reads the event is an error at its position.
 */
#include <string.h>

#include "common/error.h"
#include "parser/bind.h"

/* ---- time buckets ---------------------------------------------------------------- */

static sky_expr *arity_error(bind_ctx *b, const sky_fn *fn, const ast_expr *a, const char *what) {
  return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s() takes %s", fn->name, what);
}

/* hour(ts), weekday(ts), day(ts), week(ts), month(ts) */
static sky_expr *bind_bucket(bind_ctx *b, const sky_fn *fn, const ast_expr *a) {
  if (a->distinct) return bind_fail(b, SKY_ERR_SEMANTIC, a, "DISTINCT is only allowed in count()");
  if (a->star || a->n_args != 1) return arity_error(b, fn, a, "one argument");
  sky_expr *x = bind_expr(b, a->args[0]);
  if (!x) return NULL;
  bx_type_null(x, SKY_VT_INT, 0);
  if (x->type != SKY_VT_INT) {
    char d[112];
    return bind_fail(b, SKY_ERR_TYPE, a->args[0], "%s() takes a timestamp, not %s", fn->name, bind_describe(x, d));
  }
  b->plan->need_ts = true;
  return bx_unary(b, (sky_op)fn->code, fn->type, fn->dom, x, a);
}

/* ---- aggregates ---------------------------------------------------------------- */

/* The argument of aggregate `a`, bound per event. */
static sky_expr *agg_argument(bind_ctx *b, const ast_expr *a) {
  bind_mode mode = b->mode;
  const ast_expr *outer = b->in_agg;
  b->mode = BIND_EVENT;
  b->in_agg = a;
  sky_expr *x = bind_expr(b, a->args[0]);
  b->mode = mode;
  b->in_agg = outer;
  if (x) bx_type_null(x, SKY_VT_INT, 0); /* an untyped NULL argument is an INT NULL */
  return x;
}

/* q of quantile(x, q): a decimal literal in [0, 1], kept exactly as
 * q_num / q_den (PATHS.md §0: the index floor(q(n-1)) is computed from the
 * decimal, never from a binary double). */
static bool agg_fraction(bind_ctx *b, const ast_expr *a, sky_agg *g) {
  const ast_expr *q = a->args[1];
  const char *t = bind_src(b, q);
  uint64_t num = 0, den = 1;
  bool ok = (q->kind == AST_INT || q->kind == AST_FLOAT) && !q->neg && t && *t;
  bool point = false;
  for (const char *c = t; ok && *c; c++) {
    if (*c == '.' && !point) {
      point = true;
    } else if (*c >= '0' && *c <= '9' && num <= (UINT64_MAX - 9) / 10 &&
               (!point || den < UINT64_C(1000000000000000000))) {
      num = num * 10 + (uint64_t)(*c - '0');
      if (point) den *= 10;
    } else {
      ok = false;
    }
  }
  if (!ok || num > den)
    return bind_fail(b, SKY_ERR_SEMANTIC, q, "%s() takes q as a decimal literal in [0, 1] (at most 18 decimals)",
                     sky_agg_defs[g->kind].fn),
           false;
  g->q_num = num;
  g->q_den = den;
  return true;
}

/* Checks the call's shape against its row's argument rule and binds the
 * argument; fills kind, arg and (FRACTION) q. */
static bool agg_shape(bind_ctx *b, const sky_fn *fn, const ast_expr *a, sky_agg *g) {
  const sky_agg_def *def = &sky_agg_defs[fn->code];
  if (a->distinct && def->args != SKY_AARGS_COUNT)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "DISTINCT is only allowed in count()"), false;
  if (a->star && def->args != SKY_AARGS_COUNT)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "'*' is only allowed in count(*)"), false;
  g->kind = (sky_agg_kind)fn->code;
  switch (def->args) {
  case SKY_AARGS_COUNT:
    if (a->n_args > 1) return arity_error(b, fn, a, "at most one argument"), false;
    if (a->n_args == 0) {
      g->kind = SKY_AGG_COUNT_ALL;
      return true;
    }
    if (!(g->arg = agg_argument(b, a))) return false;
    if (a->distinct) g->kind = g->arg->op == SKY_OP_OBJECT ? SKY_AGG_OBJECTS : SKY_AGG_COUNT_DISTINCT;
    if (g->kind == SKY_AGG_OBJECTS) g->arg = NULL;
    return true;
  case SKY_AARGS_NONE:
    if (a->n_args) return arity_error(b, fn, a, "no arguments"), false;
    if (def->flags & SKY_AGGF_SESSION) {
      if (b->sel->has_as_of) return bind_as_of_refuse(b, a, NULL), false;
      if (!b->sel->session) return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s() needs WITHIN SESSION", fn->name), false;
      b->plan->uses_session_number = true;
    }
    return true;
  case SKY_AARGS_ANY:
  case SKY_AARGS_NUMERIC:
  case SKY_AARGS_FRACTION:
    if (def->args == SKY_AARGS_FRACTION && a->n_args != 2) return arity_error(b, fn, a, "two arguments (x, q)"), false;
    if (def->args != SKY_AARGS_FRACTION && a->n_args != 1) return arity_error(b, fn, a, "one argument"), false;
    if (!(g->arg = agg_argument(b, a))) return false;
    if (def->args != SKY_AARGS_ANY && g->arg->type != SKY_VT_INT && g->arg->type != SKY_VT_FLOAT) {
      char d[112];
      return bind_fail(b, SKY_ERR_TYPE, a->args[0], "%s() takes INT or FLOAT, not %s", fn->name,
                       bind_describe(g->arg, d)),
             false;
    }
    return def->args != SKY_AARGS_FRACTION || agg_fraction(b, a, g);
  }
  return false;
}

/* FILTER (WHERE c) of aggregate `a` (PATHS.md §7): a per-event BOOL
 * condition like WHERE, bound outside any aggregate, so that an aggregate
 * or OVER OBJECT inside it is an error naming FILTER. */
static bool agg_filter(bind_ctx *b, const ast_expr *a, sky_agg *g) {
  if (!a->filter) return true;
  bind_mode mode = b->mode;
  const ast_expr *outer = b->in_agg;
  const char *clause = b->clause;
  b->mode = BIND_EVENT;
  b->in_agg = NULL;
  b->clause = "FILTER";
  g->filter = bind_condition(b, bind_expr(b, a->filter), a->filter, "FILTER");
  b->mode = mode;
  b->in_agg = outer;
  b->clause = clause;
  return g->filter != NULL;
}

/* The aggregate's result type, domain and rank table, by its row. */
static bool agg_type(bind_ctx *b, sky_agg *g) {
  g->dom = SKY_DOM_NONE;
  g->rank_rc = -1;
  switch (sky_agg_defs[g->kind].result) {
  case SKY_ARES_INT: g->type = SKY_VT_INT; return true;
  case SKY_ARES_FLOAT: g->type = SKY_VT_FLOAT; return true;
  case SKY_ARES_ARG:
    g->type = g->arg->type;
    g->dom = g->arg->dom;
    if (bx_is_dict(g->arg)) { /* ordered through the dictionary's ranks */
      int64_t idx = bind_rc(b, &(sky_rc){.kind = SKY_RC_RANKS, .dict = g->arg->dom});
      if (idx < 0) return false;
      g->rank_rc = (int32_t)idx;
    }
    return true;
  }
  return false;
}

/* Aggregate call `a` of function `fn` bound into *g: its shape and
 * argument, result type, FILTER, text. */
static bool agg_bind(bind_ctx *b, const sky_fn *fn, const ast_expr *a, sky_agg *g) {
  if (!agg_shape(b, fn, a, g) || !agg_type(b, g) || !agg_filter(b, a, g)) return false;
  g->text = bind_src(b, a);
  return !b->failed;
}

static bool same_expr(const sky_expr *x, const sky_expr *y) { return x == y || (x && y && bx_equal(x, y)); }

/* One aggregate computes the other: same kind, q, argument and filter. */
static bool agg_same(const sky_agg *o, const sky_agg *g) {
  return o->kind == g->kind && o->q_num == g->q_num && o->q_den == g->q_den && same_expr(o->arg, g->arg) &&
         same_expr(o->filter, g->filter);
}

/* The index of aggregate `g` (written at `a`) in the plan: an identical
 * one, or a new one within SKY_PLAN_MAX_AGGS. */
int64_t bind_agg_add(bind_ctx *b, const sky_agg *g, const ast_expr *a) {
  sky_plan *p = b->plan;
  for (uint32_t i = 0; i < p->n_aggs; i++)
    if (agg_same(&p->aggs[i], g)) return i;
  if (p->n_aggs == SKY_PLAN_MAX_AGGS)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "too many aggregates: a SELECT may compute at most %d different ones",
                     SKY_PLAN_MAX_AGGS),
           -1;
  if (p->n_aggs == b->cap_aggs) {
    uint32_t cap = b->cap_aggs ? b->cap_aggs * 2 : 8;
    sky_agg *v = sky_arena_alloc(b->arena, sizeof *v * cap);
    if (!v) return bind_oom(b), -1;
    if (p->n_aggs) memcpy(v, p->aggs, sizeof *v * p->n_aggs);
    p->aggs = v;
    b->cap_aggs = cap;
  }
  p->aggs[p->n_aggs] = *g;
  return p->n_aggs++;
}

/* agg(x) OVER OBJECT (PATHS.md §5): the aggregate over the object's
 * matching events, one value per object, read per event by an OBJ_AGG
 * leaf. A per-event value: a GROUP BY key (or a SELECT item that is one),
 * a FUNNEL key; not WHERE, not inside another aggregate. */
static sky_expr *bind_over_object(bind_ctx *b, const sky_fn *fn, const ast_expr *a) {
  char q[80];
  if (!sky_fn_is_aggregate(fn))
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "OVER OBJECT applies to an aggregate, not %s()", fn->name);
  if (b->sel && b->sel->has_as_of) return bind_as_of_refuse(b, a, NULL);
  if (b->in_agg)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s is not allowed inside another aggregate",
                     bind_quote(bind_src(b, a), q));
  if (b->mode == BIND_EVENT && b->clause && strcmp(b->clause, "GROUP BY") != 0)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s is not allowed in %s (OVER OBJECT is a GROUP BY key)",
                     bind_quote(bind_src(b, a), q), b->clause);
  sky_agg g = {.word = 0};
  if (!agg_bind(b, fn, a, &g)) return NULL;
  sky_plan *p = b->plan;
  uint32_t idx = 0;
  while (idx < p->n_obj_aggs && !agg_same(&p->obj_aggs[idx], &g)) idx++;
  if (idx == p->n_obj_aggs) {
    if (p->n_obj_aggs == SKY_PLAN_MAX_AGGS)
      return bind_fail(b, SKY_ERR_SEMANTIC, a, "too many OVER OBJECT aggregates: at most %d", SKY_PLAN_MAX_AGGS);
    sky_agg *v = sky_arena_alloc(b->arena, sizeof *v * (p->n_obj_aggs + 1));
    if (!v) return bind_oom(b);
    if (p->n_obj_aggs) memcpy(v, p->obj_aggs, sizeof *v * p->n_obj_aggs);
    v[p->n_obj_aggs++] = g;
    p->obj_aggs = v;
  }
  sky_expr *e = bx_new(b, SKY_OP_OBJ_AGG, g.type, g.dom, a);
  if (e) e->index = idx;
  return e;
}

/* An aggregate call (a row of SKY_AGGS): an AGG_REF to the (shared)
 * aggregate. */
static sky_expr *bind_aggregate(bind_ctx *b, const sky_fn *fn, const ast_expr *a) {
  if (sky_agg_defs[fn->code].flags & SKY_AGGF_OVER_ONLY)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s() exists only as %s(x) OVER OBJECT", fn->name, fn->name);
  if (b->mode == BIND_EVENT) {
    char q[80], outer[80];
    if (b->in_agg)
      return bind_fail(b, SKY_ERR_SEMANTIC, a, "aggregate %s is not allowed inside another aggregate (%s)",
                       bind_quote(bind_src(b, a), q), bind_quote(bind_src(b, b->in_agg), outer));
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "aggregate %s is not allowed in %s", bind_quote(bind_src(b, a), q),
                     b->clause);
  }
  sky_agg g = {.word = 0};
  if (!agg_bind(b, fn, a, &g)) return NULL;
  int64_t idx = bind_agg_add(b, &g, a);
  if (idx < 0) return NULL;
  const sky_agg *got = &b->plan->aggs[idx];
  sky_expr *ref = bx_new(b, SKY_OP_AGG_REF, got->type, got->dom, a);
  if (ref) ref->index = (uint32_t)idx;
  return ref;
}

/* f(args): a function of the table in funcs.h */
sky_expr *bind_call(bind_ctx *b, const ast_expr *a) {
  const sky_fn *fn = sky_fn_find(a->s, a->len);
  if (!fn) {
    char q[80];
    sky_error_quote(q, a->s, a->len);
    return bind_fail(b, SKY_ERR_UNKNOWN_FUNCTION, a, "unknown function '%s'", q);
  }
  if (!bind_during_call(b, fn, a)) return NULL;
  if (a->filter && !sky_fn_is_aggregate(fn))
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "FILTER applies to an aggregate, not %s()", fn->name);
  if (a->where && fn->cls != SKY_FN_PATH)
    return bind_fail(b, SKY_ERR_SEMANTIC, a->where, "%s() takes no WHERE (only next() and prev() do%s)", fn->name,
                     sky_fn_is_aggregate(fn) ? "; an aggregate takes FILTER (WHERE ...)" : "");
  if (a->over && fn->cls == SKY_FN_PATH)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "OVER OBJECT applies to an aggregate, not %s()", fn->name);
  if (a->over) return bind_over_object(b, fn, a);
  if (fn->cls == SKY_FN_PATH) return bind_path_call(b, fn, a);
  if (fn->cls == SKY_FN_STATE) return bind_state_fn(b, fn, a);
  if (fn->cls == SKY_FN_PIECE) return bind_piece_fn(b, fn, a);
  return fn->cls == SKY_FN_BUCKET ? bind_bucket(b, fn, a) : bind_aggregate(b, fn, a);
}

/* ---- post aggregation ------------------------------------------------------------ */

static bool has_aggregate(const ast_expr *a) {
  if (ast_is_aggregate(a)) return true;
  for (uint32_t i = 0; i < a->n_args; i++)
    if (has_aggregate(a->args[i])) return true;
  return false;
}

/* The SELECT item aliased `a` (a bare name), or -1; -2 when ambiguous. */
static int alias_of(const bind_ctx *b, const ast_expr *a) {
  int found = -1;
  if (b->alias_outputs && (a->kind == AST_NAME || a->kind == AST_OBJECT)) { /* `object` is a keyword */
    const char *s = a->kind == AST_OBJECT ? "object" : a->s;
    size_t len = a->kind == AST_OBJECT ? 6 : a->len;
    for (uint32_t i = 0; i < b->plan->n_outputs; i++) {
      const char *n = b->plan->output_names[i];
      if (strlen(n) == len && memcmp(n, s, len) == 0) found = found == -1 ? (int)i : -2;
    }
    return found;
  }
  if (a->kind != AST_NAME) return -1;
  for (uint32_t i = 0; i < b->sel->n_items; i++) {
    const ast_item *it = b->sel->items[i];
    if (it->has_alias && it->alias.len == a->len && memcmp(it->alias.s, a->s, a->len) == 0)
      found = found == -1 ? (int)i : -2;
  }
  return found;
}

/* Whether `a` names an alias outside any OVER OBJECT argument (names in
 * there are per event: `sum(age) OVER OBJECT` matches its GROUP BY key
 * even when a result column is called `age`). */
static bool has_alias(const bind_ctx *b, const ast_expr *a) {
  if (alias_of(b, a) != -1) return true;
  if (a->kind == AST_CALL && a->over) return false;
  for (uint32_t i = 0; i < a->n_args; i++)
    if (has_alias(b, a->args[i])) return true;
  return false;
}

static bool is_literal(const ast_expr *a) {
  return a->kind == AST_INT || a->kind == AST_FLOAT || a->kind == AST_DURATION || a->kind == AST_STRING ||
         a->kind == AST_BOOL || a->kind == AST_NULL;
}

/* `a` bound per event, with no aggregate context. */
static sky_expr *probe(bind_ctx *b, const ast_expr *a) {
  bind_mode mode = b->mode;
  const ast_expr *outer = b->in_agg;
  const char *clause = b->clause;
  b->mode = BIND_EVENT;
  b->in_agg = NULL;
  b->clause = NULL; /* after aggregation: an OVER OBJECT value may match a key */
  sky_expr *e = bind_expr(b, a);
  b->mode = mode;
  b->in_agg = outer;
  b->clause = clause;
  return e;
}

/* expr after aggregation: an alias, a group key, or (done = false) an
 * operator / function / aggregate / literal left to the generic rules */
sky_expr *bind_post(bind_ctx *b, const ast_expr *a, bool *done) {
  *done = false;
  if (is_literal(a)) return NULL;
  if (b->aliases) {
    int item = alias_of(b, a);
    if (item == -2) {
      char q[80];
      *done = true;
      return bind_fail(b, SKY_ERR_SEMANTIC, a, "alias %s names more than one SELECT item", bind_quote(bind_src(b, a), q));
    }
    if (item >= 0) {
      *done = true;
      return b->items[item];
    }
  }
  if (has_aggregate(a) || (b->aliases && has_alias(b, a))) return NULL;
  sky_expr *e = probe(b, a);
  if (!e) {
    *done = true;
    return NULL;
  }
  for (uint32_t k = 0; k < b->plan->n_keys; k++) {
    const sky_expr *key = b->plan->keys[k];
    const sky_expr *match = b->match_keys ? b->match_keys[k] : key;
    if (!match || !bx_equal(e, match)) continue;
    *done = true;
    sky_expr *ref = bx_new(b, SKY_OP_KEY_REF, key->type, key->dom, a);
    if (ref) ref->index = k;
    return ref;
  }
  if (!ast_is_leaf_ref(a)) return NULL; /* operators and buckets: over their parts */
  char q[80];
  *done = true;
  if (b->alias_outputs && b->plan->kind == SKY_PLAN_PATHS)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s is not a result column of this PATHS (step, source, target, "
                     "count, objects, avg_time)", bind_quote(bind_src(b, a), q));
  if (b->alias_outputs)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s is not a result column of this %s (nor one of its %s expressions)",
                     bind_quote(bind_src(b, a), q), b->statement,
                     b->plan->kind == SKY_PLAN_FUNNEL ? "HOLDING or GROUP BY" : "GROUP BY");
  if (a->kind == AST_CALL) /* agg(x) OVER OBJECT: a per-event value */
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s must appear in GROUP BY", bind_quote(bind_src(b, a), q));
  return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s must appear in GROUP BY or be inside an aggregate",
                   bind_quote(bind_src(b, a), q));
}

/* expr per event: WHERE condition, GROUP BY key */
sky_expr *bind_event_expr(bind_ctx *b, const ast_expr *a, const char *clause) {
  b->mode = BIND_EVENT;
  b->clause = clause;
  b->in_agg = NULL;
  return bind_expr(b, a);
}
