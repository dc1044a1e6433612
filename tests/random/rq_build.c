/* rq_build.c — building statement expressions for the path-statement
 * checkers (FUNNEL, RETENTION, LIFECYCLE, STICKINESS): node builders over an
 * rq_query's node pool, and random conditions and keys drawn from a dataset.
 *
 * The FUNNEL and cohort generators hold their expressions in an rq_query's
 * pool so that rq_render.c prints them and rq_eval.c evaluates them at one
 * event; these are the pieces both need. Conditions are mostly on `action`
 * (equality, IN), sometimes on properties (state./event. comparisons, NULL
 * tests, AND/OR with action) or on the timestamp, and every literal comes
 * from the data or the pools so that conditions actually match. A random
 * condition consumes the generator's random numbers in a fixed order: the
 * FUNNEL checker's funnels for a seed do not change when this file grows.
 */
#include <string.h>

#include "random/rq.h"

/* ---- node builders --------------------------------------------------------------- */

rq_node *rqb_node(rq_query *q, rq_kind kind, rq_type type) {
  rq_node *n;
  if (q->n_nodes >= RQ_MAX_NODES - 1) {
    q->overflowed = true; /* the generator starts over; the spare slot absorbs writes */
    n = &q->nodes[RQ_MAX_NODES - 1];
  } else {
    n = &q->nodes[q->n_nodes++];
  }
  memset(n, 0, sizeof *n);
  n->kind = kind;
  n->type = type;
  return n;
}

rq_node *rqb_lit(rq_query *q, rq_val v) {
  rq_node *n = rqb_node(q, RQ_E_LIT, v.t);
  rqb_set_lit(q, n, v);
  return n;
}

void rqb_set_lit(const rq_query *q, rq_node *n, rq_val v) {
  n->val = v;
  rq_buf b;
  rq_buf_init(&b);
  bool lower = q->lower_keywords;
  switch (v.t) {
  case RQ_NULL: rq_buf_puts(&b, lower ? "null" : "NULL"); break;
  case RQ_BOOL: rq_buf_puts(&b, v.b ? (lower ? "true" : "TRUE") : (lower ? "false" : "FALSE")); break;
  case RQ_INT: rq_buf_printf(&b, "%lld", (long long)v.i); break;
  case RQ_FLOAT: rq_float_text(&b, v.f); break;
  case RQ_STR: rq_buf_sql_string(&b, v.s, v.len); break;
  case RQ_OBJ: rq_buf_printf(&b, "%llu", (unsigned long long)v.u); break;
  }
  size_t len = b.len < RQ_TEXT_MAX - 1 ? b.len : RQ_TEXT_MAX - 1;
  memcpy(n->text, b.data, len);
  n->text[len] = '\0';
  rq_buf_free(&b);
}

rq_node *rqb_prop(rq_query *q, int prop, int ref) {
  rq_node *n = rqb_node(q, RQ_E_PROP, rq_props[prop].type);
  n->prop = prop;
  n->ref = ref;
  return n;
}

rq_node *rqb_cmp(rq_query *q, int op, rq_node *a, rq_node *b) {
  rq_node *n = rqb_node(q, RQ_E_BIN, (op == RQ_AND || op == RQ_OR || op >= RQ_EQ) ? RQ_BOOL : a->type);
  n->op = op;
  n->n_args = 2;
  n->args[0] = a;
  n->args[1] = b;
  return n;
}

rq_node *rqb_isnull(rq_query *q, rq_node *a, bool negated) {
  rq_node *n = rqb_node(q, RQ_E_ISNULL, RQ_BOOL);
  n->neg = negated;
  n->n_args = 1;
  n->args[0] = a;
  return n;
}

rq_node *rqb_not(rq_query *q, rq_node *a) {
  rq_node *n = rqb_node(q, RQ_E_NOT, RQ_BOOL);
  n->n_args = 1;
  n->args[0] = a;
  return n;
}

rq_node *rqb_action_is(rq_query *q, const char *action) {
  return rqb_cmp(q, RQ_EQ, rqb_node(q, RQ_E_ACTION, RQ_STR), rqb_lit(q, rq_str(action, strlen(action))));
}

rq_node *rqb_bucket(rq_query *q, int fn) {
  rq_node *n = rqb_node(q, RQ_E_BUCKET, fn <= RQ_WEEKDAY ? RQ_INT : RQ_STR);
  n->op = fn;
  n->n_args = 1;
  n->args[0] = rqb_node(q, RQ_E_TIMESTAMP, RQ_INT);
  return n;
}

rq_node *rqb_raw(rq_query *q, const char *text) {
  rq_node *n = rqb_node(q, RQ_E_RAW, RQ_BOOL);
  size_t len = strlen(text) < RQ_TEXT_MAX - 1 ? strlen(text) : RQ_TEXT_MAX - 1;
  memcpy(n->text, text, len);
  n->text[len] = '\0';
  return n;
}

bool rqb_same_text(const rq_query *q, const rq_node *a, const rq_node *b) {
  rq_buf x, y;
  rq_buf_init(&x);
  rq_buf_init(&y);
  rq_node_render(&x, q, a);
  rq_node_render(&y, q, b);
  bool same = strcmp(x.data, y.data) == 0;
  rq_buf_free(&x);
  rq_buf_free(&y);
  return same;
}

rq_node *rqb_rebase(const rq_query *src, rq_query *dst, const rq_node *n) {
  return n ? dst->nodes + (n - src->nodes) : NULL;
}

void rqb_pool_copy(rq_query *dst, const rq_query *src) {
  memcpy(dst, src, sizeof *dst);
  for (int i = 0; i < dst->n_nodes; i++) {
    for (int a = 0; a < dst->nodes[i].n_args; a++) dst->nodes[i].args[a] = rqb_rebase(src, dst, src->nodes[i].args[a]);
    dst->nodes[i].filter = rqb_rebase(src, dst, src->nodes[i].filter);
  }
}

/* ---- random pieces ------------------------------------------------------------------- */

const rq_event *rqb_some_event(rq_picker *p) {
  return p->ds->n_ev ? &p->ds->ev[rq_below(p->r, p->ds->n_ev)] : NULL;
}

rq_val rqb_action_val(rq_picker *p) {
  if (rq_chance(p->r, 2)) return rq_str("zzz", 3); /* matches nothing */
  const rq_event *e = rqb_some_event(p);
  if (e && e->action.t == RQ_STR && rq_chance(p->r, 60)) return e->action;
  const char *a = rq_action_pool[rq_below(p->r, rq_action_pool_len)];
  return rq_str(a, strlen(a));
}

rq_val rqb_prop_val(rq_picker *p, int prop) {
  for (int tries = 0; tries < 8; tries++) {
    const rq_event *e = rqb_some_event(p);
    if (e && e->v[prop].t != RQ_NULL) return e->v[prop];
  }
  switch (rq_props[prop].type) {
  case RQ_STR: return rq_str("a", 1);
  case RQ_INT: return rq_int(rq_range(p->r, -3, 3));
  case RQ_FLOAT: return rq_float(0.25 * (double)rq_range(p->r, -8, 8));
  default: return rq_bool(rq_chance(p->r, 50));
  }
}

int rqb_random_ref(rq_picker *p) {
  unsigned r = (unsigned)rq_below(p->r, 10);
  return r < 6 ? 0 : r < 8 ? 1 : 2;
}

static rq_node *action_in(rq_picker *p) {
  rq_query *q = p->q;
  rq_node *n = rqb_node(q, RQ_E_IN, RQ_BOOL);
  n->neg = rq_chance(p->r, 10);
  n->args[0] = rqb_node(q, RQ_E_ACTION, RQ_STR);
  n->n_args = 1 + (int)rq_range(p->r, 1, 3);
  for (int i = 1; i < n->n_args; i++) n->args[i] = rqb_lit(q, rqb_action_val(p));
  return n;
}

/* age(p) of a STATE property: IS [NOT] NULL, or compared with a length
 * of time that sits on the data's gaps (the session gap, a µs either side). */
static rq_node *age_cond(rq_picker *p, int prop) {
  rq_query *q = p->q;
  rq_node *a = rqb_node(q, RQ_E_AGE, RQ_INT);
  a->prop = prop;
  a->ref = rq_chance(p->r, 30) ? 1 : 0;
  if (rq_chance(p->r, 20)) return rqb_isnull(q, a, rq_chance(p->r, 50));
  int64_t s = p->ds->session_us;
  int64_t lens[] = {0, 1, s - 1, s, s + 1, 2 * s, RQ_US_PER_HOUR};
  static const int ops[] = {RQ_LT, RQ_LE, RQ_GT, RQ_GE, RQ_EQ};
  return rqb_cmp(q, ops[rq_below(p->r, 5)], a, rqb_lit(q, rq_int(lens[rq_below(p->r, 7)])));
}

static rq_node *prop_cond(rq_picker *p) {
  rq_query *q = p->q;
  int prop = (int)rq_below(p->r, RQ_N_PROPS);
  if (rq_props[prop].state && rq_chance(p->r, 15)) return age_cond(p, prop);
  rq_node *x = rqb_prop(q, prop, rqb_random_ref(p));
  if (rq_chance(p->r, 25)) return rqb_isnull(q, x, rq_chance(p->r, 50));
  rq_type t = rq_props[prop].type;
  if (t == RQ_BOOL && rq_chance(p->r, 40)) return x; /* a bare BOOL is a condition */
  static const int ordered[] = {RQ_EQ, RQ_EQ, RQ_NE, RQ_LT, RQ_LE, RQ_GT, RQ_GE};
  int op = t == RQ_BOOL ? (rq_chance(p->r, 70) ? RQ_EQ : RQ_NE2) : ordered[rq_below(p->r, 7)];
  return rqb_cmp(q, op, x, rqb_lit(q, rqb_prop_val(p, prop)));
}

rq_node *rqb_condition(rq_picker *p, bool props) {
  rq_query *q = p->q;
  unsigned r = (unsigned)rq_below(p->r, 100);
  if (!props) r = r % 76;
  if (r < 60) return rqb_action_is(q, rqb_action_val(p).s);
  if (r < 72) return action_in(p);
  if (r < 76) {
    if (rq_chance(p->r, 50)) return rqb_isnull(q, rqb_node(q, RQ_E_ACTION, RQ_STR), true);
    return rqb_cmp(q, rq_chance(p->r, 50) ? RQ_NE : RQ_NE2, rqb_node(q, RQ_E_ACTION, RQ_STR), rqb_lit(q, rqb_action_val(p)));
  }
  if (r < 86) return prop_cond(p);
  if (r < 93) return rqb_cmp(q, RQ_AND, rqb_action_is(q, rqb_action_val(p).s), prop_cond(p));
  if (r < 98)
    return rqb_cmp(q, RQ_OR, rqb_action_is(q, rqb_action_val(p).s), rq_chance(p->r, 50) ? prop_cond(p) : action_in(p));
  const rq_event *e = rqb_some_event(p); /* a time condition */
  int64_t ts = e ? e->ts : 0;
  return rqb_cmp(q, rq_chance(p->r, 50) ? RQ_GE : RQ_LT, rqb_node(q, RQ_E_TIMESTAMP, RQ_INT), rqb_lit(q, rq_int(ts)));
}

rq_node *rqb_where_condition(rq_picker *p, bool props) {
  rq_query *q = p->q;
  unsigned r = (unsigned)rq_below(p->r, 100);
  rq_node *n;
  if (r < 25) {
    n = rqb_isnull(q, rqb_node(q, RQ_E_ACTION, RQ_STR), true);
  } else if (r < 50) {
    n = rqb_cmp(q, RQ_NE, rqb_node(q, RQ_E_ACTION, RQ_STR), rqb_lit(q, rqb_action_val(p)));
  } else if (r < 65 && props) {
    n = rqb_isnull(q, rqb_prop(q, (int)rq_below(p->r, RQ_N_PROPS), rqb_random_ref(p)), rq_chance(p->r, 50));
  } else if (r < 75) {
    const rq_event *e = rqb_some_event(p);
    n = rqb_cmp(q, rq_chance(p->r, 50) ? RQ_GE : RQ_LT, rqb_node(q, RQ_E_TIMESTAMP, RQ_INT),
                rqb_lit(q, rq_int(e ? e->ts : 0)));
  } else {
    n = rqb_condition(p, props);
  }
  if (rq_chance(p->r, 20)) n = rqb_not(q, n);
  return n;
}

rq_node *rqb_key_expr(rq_picker *p, bool time_ok, bool plain_ok, bool sessions) {
  rq_query *q = p->q;
  unsigned r = (unsigned)rq_below(p->r, 100);
  if (!plain_ok) r = 80 + r % 20;
  if (!time_ok) r = r % 80;
  if (r < 55) {
    static const int props[] = {RQ_P_S1, RQ_P_S2, RQ_P_SB, RQ_P_E1, RQ_P_EB, RQ_P_EI, RQ_P_SF};
    return rqb_prop(q, props[rq_below(p->r, sizeof props / sizeof *props)], rqb_random_ref(p));
  }
  if (r < 70) return rqb_node(q, RQ_E_ACTION, RQ_STR);
  if (r < 80) {
    if (sessions) return rqb_node(q, RQ_E_SESSNUM, RQ_INT);
    return rqb_prop(q, RQ_P_S1, 1);
  }
  static const int fns[] = {RQ_DAY, RQ_WEEK, RQ_MONTH, RQ_HOUR, RQ_DAY, RQ_WEEK};
  rq_node *n = rqb_bucket(q, fns[rq_below(p->r, sizeof fns / sizeof *fns)]);
  n->upper = rq_chance(p->r, 20);
  return n;
}
