/* rq_funnel_gen.c — random funnels over the rq dataset's schema.
 *
 * Steps are mostly conditions on `action` (equality, IN), sometimes on
 * properties (state./event. comparisons, NULL tests, AND/OR with action),
 * so one event often satisfies several steps and, with the dataset's equal
 * timestamps, chains tie everywhere. Windows range from 0 µs to 30 days and
 * are often exactly the gap between two events of one object, or 1 µs off
 * it. Every clause of PATHS.md §1 appears, each behind a bit of the clause
 * mask (rq_funnel.h), so the checker can follow the engine as it grows.
 * A few funnels are deliberately invalid, each with exactly one fault and the
 * error code §0 gives it.
 *
 * Bounds keep the brute-force evaluator exact and cheap: windows <= 30 days
 * (sums of times stay below 2^53), long funnels (7..64 steps) use single
 * action conditions (the node pool holds them), and every literal is drawn
 * from the data or the pools so that conditions actually match.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random/rq_funnel.h"
#include "sky.h"

/* ---- the funnel object ------------------------------------------------------------ */

rqf_funnel *rqf_create(void) {
  rqf_funnel *f = calloc(1, sizeof *f);
  if (!f) abort();
  f->q = calloc(1, sizeof *f->q);
  if (!f->q) abort();
  rqf_reset(f);
  return f;
}

void rqf_free(rqf_funnel *f) {
  if (!f) return;
  free(f->q);
  free(f);
}

void rqf_reset(rqf_funnel *f) {
  rq_query *q = f->q;
  memset(f, 0, sizeof *f);
  memset(q, 0, sizeof *q);
  f->q = q;
  f->limit = -1;
  f->q->limit = -1;
  snprintf(f->within_text, sizeof f->within_text, "0");
  f->expect = RQ_EXPECT_ROWS;
}

static rq_node *rebase(const rqf_funnel *src, rqf_funnel *dst, const rq_node *n) {
  return n ? dst->q->nodes + (n - src->q->nodes) : NULL;
}

void rqf_copy(rqf_funnel *dst, const rqf_funnel *src) {
  rq_query *q = dst->q;
  memcpy(q, src->q, sizeof *q);
  *dst = *src;
  dst->q = q;
  for (int i = 0; i < q->n_nodes; i++)
    for (int a = 0; a < q->nodes[i].n_args; a++) q->nodes[i].args[a] = rebase(src, dst, src->q->nodes[i].args[a]);
  for (int s = 0; s < RQF_MAX_STEPS; s++) dst->step[s] = rebase(src, dst, src->step[s]);
  for (int c = 0; c < RQF_MAX_EXCL; c++) dst->excl[c].cond = rebase(src, dst, src->excl[c].cond);
  for (int h = 0; h < RQF_MAX_HOLD; h++) dst->hold[h] = rebase(src, dst, src->hold[h]);
  for (int k = 0; k < RQF_MAX_KEYS; k++) dst->keys[k] = rebase(src, dst, src->keys[k]);
  dst->where = rebase(src, dst, src->where);
}

/* ---- node builders ------------------------------------------------------------------ */

static rq_node *node(rqf_funnel *f, rq_kind kind, rq_type type) {
  rq_query *q = f->q;
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

rq_node *rqf_lit(rqf_funnel *f, rq_val v) {
  rq_node *n = node(f, RQ_E_LIT, v.t);
  n->val = v;
  rq_buf b;
  rq_buf_init(&b);
  bool lower = f->q->lower_keywords;
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
  return n;
}

rq_node *rqf_prop(rqf_funnel *f, int prop, int ref) {
  rq_node *n = node(f, RQ_E_PROP, rq_props[prop].type);
  n->prop = prop;
  n->ref = ref;
  return n;
}

rq_node *rqf_cmp(rqf_funnel *f, int op, rq_node *a, rq_node *b) {
  rq_node *n = node(f, RQ_E_BIN, (op == RQ_AND || op == RQ_OR || op >= RQ_EQ) ? RQ_BOOL : a->type);
  n->op = op;
  n->n_args = 2;
  n->args[0] = a;
  n->args[1] = b;
  return n;
}

rq_node *rqf_isnull(rqf_funnel *f, rq_node *a, bool negated) {
  rq_node *n = node(f, RQ_E_ISNULL, RQ_BOOL);
  n->neg = negated;
  n->n_args = 1;
  n->args[0] = a;
  return n;
}

rq_node *rqf_action_is(rqf_funnel *f, const char *action) {
  return rqf_cmp(f, RQ_EQ, node(f, RQ_E_ACTION, RQ_STR), rqf_lit(f, rq_str(action, strlen(action))));
}

rq_node *rqf_bucket(rqf_funnel *f, int fn) {
  rq_node *n = node(f, RQ_E_BUCKET, fn <= RQ_WEEKDAY ? RQ_INT : RQ_STR);
  n->op = fn;
  n->n_args = 1;
  n->args[0] = node(f, RQ_E_TIMESTAMP, RQ_INT);
  return n;
}

/* ---- random pieces --------------------------------------------------------------------- */

typedef struct gen {
  rq_rng r;
  rqf_funnel *f;
  const rq_dataset *ds;
  unsigned clauses;
} gen;

static bool allowed(const gen *g, unsigned bits) { return (g->clauses & bits) == bits; }

static const rq_event *some_event(gen *g) {
  return g->ds->n_ev ? &g->ds->ev[rq_below(&g->r, g->ds->n_ev)] : NULL;
}

static rq_val action_val(gen *g) {
  if (rq_chance(&g->r, 2)) return rq_str("zzz", 3); /* matches nothing */
  const rq_event *e = some_event(g);
  if (e && e->action.t == RQ_STR && rq_chance(&g->r, 60)) return e->action;
  const char *a = rq_action_pool[rq_below(&g->r, rq_action_pool_len)];
  return rq_str(a, strlen(a));
}

/* A value of property p seen in the data (or, rarely, any of its type). */
static rq_val prop_val(gen *g, int p) {
  for (int tries = 0; tries < 8; tries++) {
    const rq_event *e = some_event(g);
    if (e && e->v[p].t != RQ_NULL) return e->v[p];
  }
  switch (rq_props[p].type) {
  case RQ_STR: return rq_str("a", 1);
  case RQ_INT: return rq_int(rq_range(&g->r, -3, 3));
  case RQ_FLOAT: return rq_float(0.25 * (double)rq_range(&g->r, -8, 8));
  default: return rq_bool(rq_chance(&g->r, 50));
  }
}

static int random_ref(gen *g) {
  unsigned r = (unsigned)rq_below(&g->r, 10);
  return r < 6 ? 0 : r < 8 ? 1 : 2;
}

static rq_node *action_in(gen *g) {
  rqf_funnel *f = g->f;
  rq_node *n = node(f, RQ_E_IN, RQ_BOOL);
  n->neg = rq_chance(&g->r, 10);
  n->args[0] = node(f, RQ_E_ACTION, RQ_STR);
  n->n_args = 1 + (int)rq_range(&g->r, 1, 3);
  for (int i = 1; i < n->n_args; i++) n->args[i] = rqf_lit(f, action_val(g));
  return n;
}

static rq_node *prop_cond(gen *g) {
  rqf_funnel *f = g->f;
  int p = (int)rq_below(&g->r, RQ_N_PROPS);
  rq_node *x = rqf_prop(f, p, random_ref(g));
  if (rq_chance(&g->r, 25)) return rqf_isnull(f, x, rq_chance(&g->r, 50));
  rq_type t = rq_props[p].type;
  if (t == RQ_BOOL && rq_chance(&g->r, 40)) return x; /* a bare BOOL is a condition */
  static const int ordered[] = {RQ_EQ, RQ_EQ, RQ_NE, RQ_LT, RQ_LE, RQ_GT, RQ_GE};
  int op = t == RQ_BOOL ? (rq_chance(&g->r, 70) ? RQ_EQ : RQ_NE2) : ordered[rq_below(&g->r, 7)];
  return rqf_cmp(f, op, x, rqf_lit(f, prop_val(g, p)));
}

/* A step (or EXCLUDE) condition. */
static rq_node *condition(gen *g, bool props) {
  rqf_funnel *f = g->f;
  unsigned r = (unsigned)rq_below(&g->r, 100);
  if (!props) r = r % 76;
  if (r < 60) return rqf_action_is(f, action_val(g).s);
  if (r < 72) return action_in(g);
  if (r < 76) {
    if (rq_chance(&g->r, 50)) return rqf_isnull(f, node(f, RQ_E_ACTION, RQ_STR), true);
    return rqf_cmp(f, rq_chance(&g->r, 50) ? RQ_NE : RQ_NE2, node(f, RQ_E_ACTION, RQ_STR), rqf_lit(f, action_val(g)));
  }
  if (r < 86) return prop_cond(g);
  if (r < 93) return rqf_cmp(f, RQ_AND, rqf_action_is(f, action_val(g).s), prop_cond(g));
  if (r < 98) return rqf_cmp(f, RQ_OR, rqf_action_is(f, action_val(g).s), rq_chance(&g->r, 50) ? prop_cond(g) : action_in(g));
  const rq_event *e = some_event(g); /* a time condition */
  int64_t ts = e ? e->ts : 0;
  return rqf_cmp(f, rq_chance(&g->r, 50) ? RQ_GE : RQ_LT, node(f, RQ_E_TIMESTAMP, RQ_INT), rqf_lit(f, rq_int(ts)));
}

/* A WHERE: mostly mild (keeps most events), sometimes any condition. */
static rq_node *where_condition(gen *g, bool props) {
  rqf_funnel *f = g->f;
  unsigned r = (unsigned)rq_below(&g->r, 100);
  rq_node *n;
  if (r < 25) {
    n = rqf_isnull(f, node(f, RQ_E_ACTION, RQ_STR), true);
  } else if (r < 50) {
    n = rqf_cmp(f, RQ_NE, node(f, RQ_E_ACTION, RQ_STR), rqf_lit(f, action_val(g)));
  } else if (r < 65 && props) {
    n = rqf_isnull(f, rqf_prop(f, (int)rq_below(&g->r, RQ_N_PROPS), random_ref(g)), rq_chance(&g->r, 50));
  } else if (r < 75) {
    const rq_event *e = some_event(g);
    n = rqf_cmp(f, rq_chance(&g->r, 50) ? RQ_GE : RQ_LT, node(f, RQ_E_TIMESTAMP, RQ_INT), rqf_lit(f, rq_int(e ? e->ts : 0)));
  } else {
    n = condition(g, props);
  }
  if (rq_chance(&g->r, 20)) {
    rq_node *x = node(f, RQ_E_NOT, RQ_BOOL);
    x->n_args = 1;
    x->args[0] = n;
    n = x;
  }
  return n;
}

#define MAX_WINDOW (30 * RQ_US_PER_DAY)

/* A gap between two events of one object, or -1. */
static int64_t data_gap(gen *g) {
  const rq_event *e = some_event(g);
  if (!e) return -1;
  for (int tries = 0; tries < 20; tries++) {
    const rq_event *o = some_event(g);
    if (o->obj != e->obj) continue;
    int64_t d = o->ts > e->ts ? o->ts - e->ts : e->ts - o->ts;
    if (d <= MAX_WINDOW) return d;
  }
  return -1;
}

static int64_t window(gen *g) {
  static const int64_t fixed[] = {0, 1, RQ_US_PER_SEC, 90 * RQ_US_PER_SEC, 30 * RQ_US_PER_MIN, RQ_US_PER_HOUR,
                                  RQ_US_PER_HOUR, RQ_US_PER_DAY, RQ_US_PER_DAY, 7 * RQ_US_PER_DAY,
                                  7 * RQ_US_PER_DAY, 30 * RQ_US_PER_DAY, 30 * RQ_US_PER_DAY};
  unsigned r = (unsigned)rq_below(&g->r, 100);
  if (r < 30) {
    int64_t d = data_gap(g);
    if (d >= 0) {
      d += rq_chance(&g->r, 60) ? 0 : rq_chance(&g->r, 50) ? 1 : -1;
      return d < 0 ? 0 : d > MAX_WINDOW ? MAX_WINDOW : d;
    }
  }
  if (r < 40) {
    int64_t d = g->ds->session_us + rq_range(&g->r, -1, 1);
    return d < 0 ? 0 : d;
  }
  return fixed[rq_below(&g->r, sizeof fixed / sizeof *fixed)];
}

static void duration_field(char *out, size_t cap, int64_t us, gen *g) {
  if (us == 0 && rq_chance(&g->r, 50))
    snprintf(out, cap, "0s");
  else if (rq_chance(&g->r, 15))
    snprintf(out, cap, "%lld", (long long)us);
  else
    rqf_duration_text(out, cap, us);
}

/* A key or HOLDING expression. */
static rq_node *key_expr(gen *g, bool time_ok, bool plain_ok) {
  rqf_funnel *f = g->f;
  unsigned r = (unsigned)rq_below(&g->r, 100);
  if (!plain_ok) r = 80 + r % 20;
  if (!time_ok) r = r % 80;
  if (r < 55) {
    static const int props[] = {RQ_P_S1, RQ_P_S2, RQ_P_SB, RQ_P_E1, RQ_P_EB, RQ_P_EI, RQ_P_SF};
    return rqf_prop(f, props[rq_below(&g->r, sizeof props / sizeof *props)], random_ref(g));
  }
  if (r < 70) return node(f, RQ_E_ACTION, RQ_STR);
  if (r < 80) {
    if (f->has_session) return node(f, RQ_E_SESSNUM, RQ_INT);
    return rqf_prop(f, RQ_P_S1, 1);
  }
  static const int fns[] = {RQ_DAY, RQ_WEEK, RQ_MONTH, RQ_HOUR, RQ_DAY, RQ_WEEK};
  rq_node *n = rqf_bucket(f, fns[rq_below(&g->r, sizeof fns / sizeof *fns)]);
  n->upper = rq_chance(&g->r, 20);
  return n;
}

static bool same_text(const rqf_funnel *f, const rq_node *a, const rq_node *b) {
  rq_buf x, y;
  rq_buf_init(&x);
  rq_buf_init(&y);
  rq_node_render(&x, f->q, a);
  rq_node_render(&y, f->q, b);
  bool same = strcmp(x.data, y.data) == 0;
  rq_buf_free(&x);
  rq_buf_free(&y);
  return same;
}

static void gen_keys(gen *g) {
  rqf_funnel *f = g->f;
  bool plain = allowed(g, RQF_C_GROUP), time = allowed(g, RQF_C_GROUP_TIME);
  if (!(plain || time) || !rq_chance(&g->r, 35)) return;
  int want = rq_chance(&g->r, 70) ? 1 : 2;
  for (int tries = 0; f->n_keys < want && tries < 10; tries++) {
    rq_node *k = key_expr(g, time, plain);
    bool dup = false;
    for (int j = 0; j < f->n_keys; j++) dup = dup || same_text(f, k, f->keys[j]);
    for (int j = 0; j < f->n_hold; j++) dup = dup || same_text(f, k, f->hold[j]);
    if (!dup) f->keys[f->n_keys++] = k;
  }
}

static void gen_holding(gen *g) {
  rqf_funnel *f = g->f;
  if (!allowed(g, RQF_C_HOLDING) || f->order == RQF_ANY || !rq_chance(&g->r, 18)) return;
  int want = rq_chance(&g->r, 75) ? 1 : 2;
  for (int tries = 0; f->n_hold < want && tries < 10; tries++) {
    rq_node *h = key_expr(g, rq_chance(&g->r, 15), true);
    bool dup = false;
    for (int j = 0; j < f->n_hold; j++) dup = dup || same_text(f, h, f->hold[j]);
    if (!dup) f->hold[f->n_hold++] = h;
  }
}

static void gen_excludes(gen *g) {
  rqf_funnel *f = g->f;
  int k = f->n_steps;
  if (!allowed(g, RQF_C_EXCLUDE) || f->order == RQF_ANY || k < 2 || !rq_chance(&g->r, 30)) return;
  f->n_excl = rq_chance(&g->r, 70) ? 1 : (int)rq_range(&g->r, 2, 3);
  for (int c = 0; c < f->n_excl; c++) {
    rqf_exclude *x = &f->excl[c];
    x->cond = condition(g, allowed(g, RQF_C_PROPS));
    x->i = 1;
    x->j = k;
    if (allowed(g, RQF_C_EXCLUDE_RANGE) && rq_chance(&g->r, 60)) {
      x->between = true;
      x->i = (int)rq_range(&g->r, 1, k - 1);
      x->j = (int)rq_range(&g->r, x->i + 1, k);
    }
  }
}

static void gen_return(gen *g) {
  rqf_funnel *f = g->f;
  int k = f->n_steps;
  unsigned r = (unsigned)rq_below(&g->r, 100);
  f->ret = RQF_STEPS;
  f->ret_spelled = allowed(g, RQF_C_COSMETIC) && rq_chance(&g->r, 30);
  if (f->order == RQF_ANY) return;
  if (r < 25 && allowed(g, RQF_C_OBJECTS)) {
    f->ret = RQF_OBJECTS;
    if (allowed(g, RQF_C_OBJECTS_FILTER) && rq_chance(&g->r, 60)) {
      f->filter = rq_chance(&g->r, 50) ? RQF_REACHED : RQF_DROPPED;
      f->filter_step = (int)rq_range(&g->r, 1, k);
    }
  } else if (r < 42 && allowed(g, RQF_C_TIMES) && k >= 2) {
    f->ret = RQF_TIMES;
    f->times_i = 1;
    f->times_j = k;
    if (rq_chance(&g->r, 40)) {
      f->times_range = true;
      f->times_i = (int)rq_range(&g->r, 1, k - 1);
      f->times_j = (int)rq_range(&g->r, f->times_i + 1, k);
    }
    static const int64_t buckets[] = {1, 1000, RQ_US_PER_SEC, RQ_US_PER_MIN, 30 * RQ_US_PER_MIN, RQ_US_PER_HOUR,
                                      RQ_US_PER_DAY, 7};
    f->bucket_us = rq_chance(&g->r, 20) && f->within_us > 3 ? f->within_us / 3 : buckets[rq_below(&g->r, 8)];
    duration_field(f->bucket_text, sizeof f->bucket_text, f->bucket_us, g);
  }
}

/* ---- HAVING, ORDER BY, LIMIT ------------------------------------------------------------ */

static rq_type column_type(const rqf_funnel *f, int col) {
  int c = col - (f->n_hold + f->n_keys);
  switch (f->ret) {
  case RQF_STEPS: {
    static const rq_type t[] = {RQ_INT, RQ_STR, RQ_INT, RQ_FLOAT, RQ_FLOAT, RQ_INT, RQ_FLOAT, RQ_INT};
    return t[c];
  }
  case RQF_OBJECTS: return c == 0 ? RQ_OBJ : RQ_INT;
  default: return RQ_INT;
  }
}

static int n_columns(const rqf_funnel *f) {
  return f->n_hold + f->n_keys + (f->ret == RQF_STEPS ? 8 : f->ret == RQF_OBJECTS ? 4 : 2);
}

static rq_val having_lit(gen *g, int col) {
  const rqf_funnel *f = g->f;
  int c = col - (f->n_hold + f->n_keys);
  switch (column_type(f, col)) {
  case RQ_FLOAT: {
    static const double v[] = {0.0, 0.25, 0.5, 1.0, 0.75};
    return rq_float(v[rq_below(&g->r, 5)]);
  }
  case RQ_OBJ: {
    const rq_event *e = some_event(g);
    return rq_obj(e ? e->obj : 1);
  }
  default: break;
  }
  if (f->ret == RQF_OBJECTS && c >= 2) { /* started, converted */
    const rq_event *e = some_event(g);
    return rq_int(e ? e->ts : 0);
  }
  if ((f->ret == RQF_STEPS && (c == 5 || c == 7)) || (f->ret == RQF_TIMES && c == 0))
    return rq_int(rq_chance(&g->r, 30) ? 0 : f->within_us / (int64_t)rq_range(&g->r, 1, 4));
  return rq_int(rq_range(&g->r, 0, 4)); /* step, objects, level */
}

static void gen_having(gen *g) {
  rqf_funnel *f = g->f;
  if (!allowed(g, RQF_C_HAVING) || !rq_chance(&g->r, 15)) return;
  int nk = f->n_hold + f->n_keys;
  int col;
  do col = (int)rq_range(&g->r, nk, n_columns(f) - 1);
  while (column_type(f, col) == RQ_STR);
  rqf_having *h = &f->having;
  h->on = true;
  h->col = col;
  if (rq_chance(&g->r, 20)) {
    h->op = rq_chance(&g->r, 50) ? -1 : -2;
    return;
  }
  static const int ops[] = {RQ_EQ, RQ_NE, RQ_NE2, RQ_LT, RQ_LE, RQ_GT, RQ_GE};
  h->op = ops[rq_below(&g->r, 7)];
  h->lit = having_lit(g, col);
  rq_buf b;
  rq_buf_init(&b);
  switch (h->lit.t) {
  case RQ_FLOAT: rq_float_text(&b, h->lit.f); break;
  case RQ_OBJ: rq_buf_printf(&b, "%llu", (unsigned long long)h->lit.u); break;
  default: rq_buf_printf(&b, "%lld", (long long)h->lit.i); break;
  }
  snprintf(h->text, sizeof h->text, "%s", b.data);
  rq_buf_free(&b);
}

static void gen_tail(gen *g) {
  rqf_funnel *f = g->f;
  gen_having(g);
  int nk = f->n_hold + f->n_keys, nc = n_columns(f);
  if (allowed(g, RQF_C_ORDER) && rq_chance(&g->r, 25)) {
    int want = rq_chance(&g->r, 70) ? 1 : 2;
    for (int tries = 0; f->n_sort < want && tries < 10; tries++) {
      int col = (int)rq_range(&g->r, 0, nc - 1);
      if (col >= nk && column_type(f, col) == RQ_STR) continue; /* `name`: see rqf_answer */
      bool dup = false;
      for (int i = 0; i < f->n_sort; i++) dup = dup || f->sort[i].col == col;
      if (dup) continue;
      rqf_sort *o = &f->sort[f->n_sort++];
      o->col = col;
      o->by_number = col < nk || rq_chance(&g->r, 30);
      o->desc = rq_chance(&g->r, 50);
      o->explicit_dir = o->desc || rq_chance(&g->r, 40);
    }
  }
  if (allowed(g, RQF_C_LIMIT) && rq_chance(&g->r, 15)) f->limit = rq_chance(&g->r, 10) ? 100 : rq_range(&g->r, 0, 10);
}

/* ---- invalid funnels ---------------------------------------------------------------------- */

static void expect(rqf_funnel *f, int code) {
  f->expect = code < 0 ? RQ_EXPECT_ERROR : RQ_EXPECT_CODE;
  f->expect_code = code;
}

/* One fault in an otherwise valid funnel; false when the mask allows none
 * of the kind drawn. */
static bool make_invalid(gen *g) {
  rqf_funnel *f = g->f;
  int k = f->n_steps;
  switch (rq_below(&g->r, 12)) {
  case 0: /* 65 steps */
    if (!allowed(g, RQF_C_LONG) || f->n_excl || f->ret == RQF_TIMES || f->filter) return false;
    while (f->n_steps < 65) {
      f->step[f->n_steps] = rqf_action_is(f, action_val(g).s);
      f->alias[f->n_steps][0] = '\0';
      f->n_steps++;
    }
    expect(f, SKY_ERR_SEMANTIC);
    return true;
  case 1: case 2: case 3: /* ANY ORDER with EXCLUDE, HOLDING, RETURN OBJECTS or TIMES */
    if (!allowed(g, RQF_C_ANY_ORDER) || f->order != RQF_ORDERED || k < 2) return false;
    if (!f->n_excl && !f->n_hold && f->ret == RQF_STEPS) {
      if (allowed(g, RQF_C_EXCLUDE) && rq_chance(&g->r, 40)) {
        f->n_excl = 1;
        f->excl[0].cond = condition(g, false);
        f->excl[0].i = 1;
        f->excl[0].j = k;
      } else if (allowed(g, RQF_C_HOLDING) && rq_chance(&g->r, 40)) {
        f->n_hold = 1;
        f->hold[0] = rqf_prop(f, RQ_P_S1, 0);
      } else if (allowed(g, RQF_C_OBJECTS)) {
        f->ret = RQF_OBJECTS;
      } else {
        return false;
      }
    }
    f->order = RQF_ANY;
    f->having.on = false, f->n_sort = 0;
    expect(f, SKY_ERR_SEMANTIC);
    return true;
  case 4: case 5: { /* EXCLUDE ... BETWEEN STEP i AND j out of range or i >= j */
    if (!allowed(g, RQF_C_EXCLUDE | RQF_C_EXCLUDE_RANGE) || f->order == RQF_ANY) return false;
    if (!f->n_excl) f->n_excl = 1, f->excl[0].cond = condition(g, false);
    rqf_exclude *x = &f->excl[rq_below(&g->r, (uint64_t)f->n_excl)];
    x->between = true;
    switch (rq_below(&g->r, 4)) {
    case 0: x->i = 0, x->j = k; break;
    case 1: x->i = 1, x->j = k + 1; break;
    case 2: x->i = x->j = (int)rq_range(&g->r, 1, k); break;
    default: x->i = k, x->j = 1; break;
    }
    expect(f, SKY_ERR_SEMANTIC);
    return true;
  }
  case 6: /* RETURN TIMES FROM STEP i TO STEP j out of range or i >= j */
    if (!allowed(g, RQF_C_TIMES) || f->order == RQF_ANY) return false;
    f->ret = RQF_TIMES;
    f->filter = RQF_ALL;
    f->times_range = true;
    f->times_i = rq_chance(&g->r, 50) ? (int)rq_range(&g->r, 1, k) : 0;
    f->times_j = f->times_i ? (rq_chance(&g->r, 50) ? f->times_i : k + 1) : k;
    f->bucket_us = RQ_US_PER_SEC;
    snprintf(f->bucket_text, sizeof f->bucket_text, "1s");
    f->having.on = false, f->n_sort = 0;
    expect(f, SKY_ERR_SEMANTIC);
    return true;
  case 7: /* REACHED / DROPPED AFTER outside 1..k */
    if (!allowed(g, RQF_C_OBJECTS | RQF_C_OBJECTS_FILTER) || f->order == RQF_ANY) return false;
    f->ret = RQF_OBJECTS;
    f->filter = rq_chance(&g->r, 50) ? RQF_REACHED : RQF_DROPPED;
    f->filter_step = rq_chance(&g->r, 50) ? 0 : k + 1;
    f->having.on = false, f->n_sort = 0;
    expect(f, SKY_ERR_SEMANTIC);
    return true;
  case 8: /* no WITHIN */
    f->raw_at = 1;
    expect(f, SKY_ERR_SYNTAX);
    return true;
  case 9: /* both orders */
    if (!allowed(g, RQF_C_STRICT | RQF_C_ANY_ORDER)) return false;
    f->order = RQF_STRICT;
    f->n_excl = f->n_hold = 0;
    f->raw_at = 2;
    snprintf(f->raw, sizeof f->raw, "%s", f->q->lower_keywords ? "any order" : "ANY ORDER");
    expect(f, SKY_ERR_SYNTAX);
    return true;
  case 10: { /* a step that is no condition, an aggregate, or broken text */
    static const struct { const char *text; int code; } bad[] = {
        {"action =", SKY_ERR_SYNTAX}, {"count() > 1", -1}, {"ei", -1}, {"s1 + 1", -1}, {"", SKY_ERR_SYNTAX},
        {"nope = 1", SKY_ERR_UNKNOWN_PROPERTY}};
    size_t i = rq_below(&g->r, sizeof bad / sizeof *bad);
    f->raw_at = 3;
    f->alias[0][0] = '\0';
    snprintf(f->raw, sizeof f->raw, "%s", bad[i].text);
    expect(f, bad[i].code);
    return true;
  }
  default: /* RETURN TIMES without BUCKET */
    if (!allowed(g, RQF_C_TIMES)) return false;
    f->ret = RQF_STEPS;
    f->ret_spelled = false;
    f->having.on = false, f->n_sort = 0, f->limit = -1;
    f->raw_at = 4;
    snprintf(f->raw, sizeof f->raw, "%s", f->q->lower_keywords ? "return times" : "RETURN TIMES");
    expect(f, SKY_ERR_SYNTAX);
    return true;
  }
}

/* ---- the funnel ---------------------------------------------------------------------------- */

static void gen_steps(gen *g) {
  rqf_funnel *f = g->f;
  int k = (int)rq_range(&g->r, 1, 6);
  if (rq_chance(&g->r, 25)) k = (int)rq_range(&g->r, 1, 3);
  bool long_one = allowed(g, RQF_C_LONG) && rq_chance(&g->r, 7);
  if (long_one) k = rq_chance(&g->r, 25) ? 64 : (int)rq_range(&g->r, 7, 64);
  f->n_steps = k;
  bool props = allowed(g, RQF_C_PROPS) && !long_one;
  bool aliases = allowed(g, RQF_C_ALIAS) && rq_chance(&g->r, 15);
  rq_node *prev = NULL;
  for (int s = 0; s < k; s++) {
    /* Repeating the previous step now and then: one event matching two steps. */
    rq_node *c = prev && rq_chance(&g->r, 12) ? prev
                 : long_one ? rqf_action_is(f, action_val(g).s)
                            : condition(g, props);
    f->step[s] = c;
    prev = c;
    if (aliases && rq_chance(&g->r, 60)) snprintf(f->alias[s], sizeof f->alias[s], "st%d", s + 1);
  }
}

static void generate(gen *g) {
  rqf_funnel *f = g->f;
  rq_query *q = f->q;
  if (allowed(g, RQF_C_COSMETIC)) {
    q->lower_keywords = rq_chance(&g->r, 15);
    q->newlines = rq_chance(&g->r, 10);
    f->from = rq_chance(&g->r, 30);
    f->semicolon = rq_chance(&g->r, 10);
  }
  gen_steps(g);
  f->within_us = window(g);
  duration_field(f->within_text, sizeof f->within_text, f->within_us, g);
  unsigned r = (unsigned)rq_below(&g->r, 100);
  if (r < 15 && allowed(g, RQF_C_STRICT)) f->order = RQF_STRICT;
  if (r >= 85 && allowed(g, RQF_C_ANY_ORDER)) f->order = RQF_ANY;
  gen_excludes(g);
  if (allowed(g, RQF_C_SESSION) && rq_chance(&g->r, 25)) {
    f->has_session = true;
    static const int64_t others[] = {0, RQ_US_PER_SEC, 30 * RQ_US_PER_MIN, RQ_US_PER_DAY};
    f->session_us = rq_chance(&g->r, 70) ? g->ds->session_us + rq_range(&g->r, -1, 1)
                                         : others[rq_below(&g->r, sizeof others / sizeof *others)];
    if (f->session_us < 0) f->session_us = 0;
    duration_field(f->session_text, sizeof f->session_text, f->session_us, g);
  }
  gen_holding(g);
  if (allowed(g, RQF_C_WHERE) && rq_chance(&g->r, 25)) f->where = where_condition(g, allowed(g, RQF_C_PROPS));
  gen_keys(g);
  gen_return(g);
  gen_tail(g);
  if (allowed(g, RQF_C_INVALID) && rq_chance(&g->r, 5)) make_invalid(g);
}

void rqf_generate(rqf_funnel *f, const rq_dataset *ds, uint64_t seed, unsigned clauses) {
  for (uint64_t attempt = 0;; attempt++) {
    rqf_reset(f);
    gen g = {.f = f, .ds = ds, .clauses = clauses};
    rq_rng_seed(&g.r, seed * 1000003 + attempt);
    generate(&g);
    if (!f->q->overflowed) return;
  }
}
