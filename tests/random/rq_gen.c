/* rq_gen.c — random, well-typed queries for the random-query checker.
 *
 * Every generator asks for an expression of one static type and builds only
 * what LANGUAGE.md's type rules allow: no STRING/number mixing, LIKE on
 * strings, buckets on timestamps, sum/avg on numbers, ordering comparisons
 * only between numbers or strings (BOOL gets = != <>), objects compared with
 * integer literals. Two contexts exist: per event (WHERE, GROUP BY keys,
 * aggregate arguments) and post aggregation (SELECT items, HAVING, ORDER BY),
 * whose leaves are aggregates, group keys and constants.
 *
 * Magnitudes are bounded so that no well-typed query overflows INT64 by
 * accident: data INTs are |x| <= 20, literals |x| <= 100, expression depth is
 * small, and post-aggregation products take a literal on the right. Sums are
 * exact in any order: FLOAT data are multiples of 0.25 and sum/avg arguments
 * divide only by 2, 4, 0.5, 0.25 or 0. Deliberate overflow lives in a few
 * aggregate arguments (a huge literal factor), where the language makes the
 * outcome unambiguous. A few percent of queries are mutants with a known
 * error (type errors, unknown names, missing WITHIN SESSION, bad syntax,
 * OVER OBJECT where it is not a key, misused FILTER).
 *
 * About one aggregate in six (OVER OBJECT ones too) takes FILTER (WHERE c),
 * c a per-event condition; now and then an item repeats the aggregate
 * before it under another filter or none.
 *
 * Per-event leaves are now and then next / prev (with n, WHERE or
 * DISTINCT) or nth over small per-event arguments (without another path
 * function); keys and whole-item aggregates sometimes take dwell().
 *
 * Some GROUP BY keys are per-object aggregates, `agg(x) OVER OBJECT` (count,
 * count(DISTINCT), sum, min, max, first, last), alone, under a time bucket or
 * in a little arithmetic or comparison. Elsewhere they appear only through
 * their key: the SELECT item that is it (by its text, or as `... AS a1`
 * with GROUP BY a1), and key references in items, HAVING and ORDER BY.
 *
 * About one query in seven is SELECT ... AS OF ts (PATHS.md §6), ts exactly
 * a data timestamp, one µs either side of one, before or after all data,
 * written as µs or an ISO string; such a query holds no path function,
 * dwell(), OVER OBJECT or session (a few mutants try them: semantic_error).
 */
#include <stdio.h>
#include <string.h>

#include "random/rq.h"
#include "sky.h"

typedef struct gen {
  rq_rng r;
  rq_query *q;
  const rq_dataset *ds;
  bool post;  /* post-aggregation context */
  bool exact; /* inside sum/avg: only exact divisions */
  bool top;   /* the expression is a whole SELECT item */
  bool alias_ok; /* HAVING and ORDER BY may name a key by its item's alias */
  bool in_path;  /* inside next/prev/nth's arguments: no other path function */
} gen;

static rq_node *expr(gen *g, rq_type t, int depth, bool null_ok);
static rq_op cmp_op(gen *g, bool ordered);
static bool has_ref(const rq_node *n);

static rq_node *node(gen *g, rq_kind kind, rq_type type) {
  rq_node *n = rqb_node(g->q, kind, type); /* on exhaustion the caller starts over */
  n->paren = rq_chance(&g->r, 4);
  n->upper = rq_chance(&g->r, 25);
  return n;
}

static void set_text(rq_node *n, const rq_buf *b) {
  size_t len = b->len < RQ_TEXT_MAX - 1 ? b->len : RQ_TEXT_MAX - 1;
  memcpy(n->text, b->data, len);
  n->text[len] = '\0';
}

/* A literal of static type `type` holding `v`; its spelling is fixed here. */
static rq_node *lit(gen *g, rq_val v, rq_type type) {
  rq_node *n = node(g, RQ_E_LIT, type);
  n->paren = false;
  rqb_set_lit(g->q, n, v);
  return n;
}

static const rq_event *some_event(gen *g) {
  return g->ds->n_ev ? &g->ds->ev[rq_below(&g->r, g->ds->n_ev)] : NULL;
}

static rq_node *int_lit(gen *g) {
  const rq_event *e = some_event(g);
  if (e && e->v[RQ_P_EI].t == RQ_INT && rq_chance(&g->r, 30)) return lit(g, e->v[RQ_P_EI], RQ_INT);
  static const int64_t small[] = {0, 1, 2, 3, -1, -2, 4, 5, 7, 10, 23, -7, 100, 6};
  return lit(g, rq_int(small[rq_below(&g->r, sizeof small / sizeof *small)]), RQ_INT);
}

static rq_node *float_lit(gen *g) {
  const rq_event *e = some_event(g);
  if (e && e->v[RQ_P_EF].t == RQ_FLOAT && rq_chance(&g->r, 30)) return lit(g, e->v[RQ_P_EF], RQ_FLOAT);
  return lit(g, rq_float((double)rq_range(&g->r, -40, 40) * 0.25), RQ_FLOAT);
}

/* Day/week/month texts near the data, for comparisons with buckets. */
static rq_val date_string(gen *g) {
  const rq_event *e = some_event(g);
  int64_t ts = e ? e->ts : rq_utc(2026, 3, 1, 0, 0, 0);
  int64_t days = rq_floor_div(ts, RQ_US_PER_DAY);
  int kind = (int)rq_below(&g->r, 3);
  if (kind == 1) days -= ((days + 3) % 7 + 7) % 7; /* its Monday */
  int64_t y;
  int m, d;
  rq_civil_from_days(days, &y, &m, &d);
  char tmp[24];
  if (kind == 2)
    snprintf(tmp, sizeof tmp, "%04lld-%02d", (long long)y, m);
  else
    snprintf(tmp, sizeof tmp, "%04lld-%02d-%02d", (long long)y, m, d);
  return rq_str(tmp, strlen(tmp));
}

static rq_val str_val(gen *g) {
  static const char *const extra[] = {"zzz", "A", "pro2", "Zu", "vie", "東", "x"};
  unsigned pick = (unsigned)rq_below(&g->r, 10);
  const char *s;
  if (pick < 5)
    s = rq_string_pool[rq_below(&g->r, rq_string_pool_len)];
  else if (pick < 7)
    s = rq_action_pool[rq_below(&g->r, rq_action_pool_len)];
  else if (pick < 9)
    return date_string(g);
  else
    s = extra[rq_below(&g->r, sizeof extra / sizeof *extra)];
  return rq_str(s, strlen(s));
}

static rq_node *str_lit(gen *g) { return lit(g, str_val(g), RQ_STR); }

static rq_node *obj_lit(gen *g) {
  const rq_event *e = some_event(g);
  switch (rq_below(&g->r, 8)) {
  case 0: return lit(g, rq_obj(UINT64_MAX), RQ_OBJ);
  case 1: return lit(g, rq_obj(UINT64_C(9223372036854775807) + rq_below(&g->r, 2)), RQ_OBJ);
  case 2: return lit(g, rq_obj(rq_below(&g->r, 12)), RQ_OBJ);
  default: return lit(g, rq_obj(e ? e->obj + (uint64_t)rq_range(&g->r, -1, 1) : 1), RQ_OBJ);
  }
}

static const char *const dur_units[] = {"ms", "s", "m", "h", "d"};
static const int64_t dur_us[] = {1000, RQ_US_PER_SEC, RQ_US_PER_MIN, RQ_US_PER_HOUR, RQ_US_PER_DAY};

/* A duration's spelling: the largest fitting unit, another exact unit, or
 * plain microseconds. */
static void duration_text(gen *g, rq_buf *b, int64_t us) {
  int fits[5], n = 0;
  for (int u = 0; u < 5; u++)
    if (us % dur_us[u] == 0) fits[n++] = u;
  if (n == 0 || rq_chance(&g->r, 20)) {
    rq_buf_printf(b, "%lld", (long long)us);
    return;
  }
  int u = rq_chance(&g->r, 60) ? fits[n - 1] : fits[rq_below(&g->r, (uint64_t)n)];
  rq_buf_printf(b, "%lld%s", (long long)(us / dur_us[u]), dur_units[u]);
}

static rq_node *dur_lit(gen *g) {
  static const int64_t durs[] = {RQ_US_PER_DAY, RQ_US_PER_HOUR, 30 * RQ_US_PER_MIN, 90 * RQ_US_PER_SEC, 500000, 7 * RQ_US_PER_DAY};
  int64_t us = durs[rq_below(&g->r, sizeof durs / sizeof *durs)];
  rq_node *n = node(g, RQ_E_LIT, RQ_INT);
  n->val = rq_int(us);
  rq_buf b;
  rq_buf_init(&b);
  duration_text(g, &b, us);
  set_text(n, &b);
  rq_buf_free(&b);
  return n;
}

/* A timestamp literal: an ISO string (compared as an instant) or µs. */
static rq_node *ts_lit(gen *g) {
  const rq_event *e = some_event(g);
  int64_t ts = e ? e->ts : rq_utc(2026, 3, 1, 0, 0, 0);
  static const int64_t nudge[] = {0, 0, 0, 1, -1, RQ_US_PER_SEC, -RQ_US_PER_HOUR};
  ts += nudge[rq_below(&g->r, sizeof nudge / sizeof *nudge)];
  if (rq_chance(&g->r, 15)) ts = rq_utc(2026, 3, (int)rq_range(&g->r, 1, 2), 0, 0, 0);
  rq_node *n = node(g, RQ_E_LIT, RQ_INT);
  n->val = rq_int(ts);
  rq_buf b;
  rq_buf_init(&b);
  if (rq_chance(&g->r, 20)) {
    rq_buf_printf(&b, "%lld", (long long)ts);
  } else {
    rq_buf_puts(&b, "'");
    rq_format_iso(&b, ts, (unsigned)rq_below(&g->r, 256));
    rq_buf_puts(&b, "'");
  }
  set_text(n, &b);
  rq_buf_free(&b);
  return n;
}

static rq_node *prop(gen *g, int p) {
  rq_node *n = node(g, RQ_E_PROP, rq_props[p].type);
  n->prop = p;
  unsigned r = (unsigned)rq_below(&g->r, 10);
  n->ref = r < 6 ? 0 : r < 8 ? 1 : 2;
  n->quoted = rq_chance(&g->r, 5);
  return n;
}

/* age(p) of a STATE property p: bare, state.p, quoted, AGE. */
static rq_node *age(gen *g) {
  static const int states[] = {RQ_P_S1, RQ_P_S2, RQ_P_SB, RQ_P_SF};
  rq_node *n = node(g, RQ_E_AGE, RQ_INT);
  n->prop = states[rq_below(&g->r, 4)];
  n->ref = rq_chance(&g->r, 30) ? 1 : 0;
  n->quoted = rq_chance(&g->r, 5);
  n->upper = rq_chance(&g->r, 10);
  return n;
}

static rq_node *bin(gen *g, rq_op op, rq_type type, rq_node *a, rq_node *b) {
  rq_node *n = node(g, RQ_E_BIN, type);
  n->op = op;
  n->n_args = 2;
  n->args[0] = a;
  n->args[1] = b;
  return n;
}

static rq_node *unary(gen *g, rq_kind kind, rq_type type, rq_node *a) {
  rq_node *n = node(g, kind, type);
  n->n_args = 1;
  n->args[0] = a;
  return n;
}

/* timestamp, or timestamp ± a duration (an INT of µs). */
static rq_node *ts_expr(gen *g) {
  rq_node *ts = node(g, RQ_E_TIMESTAMP, RQ_INT);
  if (rq_chance(&g->r, 80)) return ts;
  return bin(g, rq_chance(&g->r, 50) ? RQ_ADD : RQ_SUB, RQ_INT, ts, dur_lit(g));
}

static rq_node *bucket(gen *g, rq_bucket fn) {
  rq_node *n = unary(g, RQ_E_BUCKET, fn <= RQ_WEEKDAY ? RQ_INT : RQ_STR, ts_expr(g));
  n->op = fn;
  return n;
}

static rq_node *any_null(gen *g) { return lit(g, rq_null(), RQ_NULL); }

static rq_node *path_fn(gen *g, rq_type t);

static rq_node *ev_leaf(gen *g, rq_type t, bool null_ok) {
  if (!g->in_path && !g->q->has_as_of && t != RQ_NULL && rq_chance(&g->r, 6)) return path_fn(g, t);
  unsigned r = (unsigned)rq_below(&g->r, 100);
  if (null_ok && r < 6) return any_null(g);
  switch (t) {
  case RQ_INT:
    if (r < 35) return prop(g, rq_chance(&g->r, 50) ? RQ_P_EI : RQ_P_S2);
    if (r < 60) return int_lit(g);
    if (r < 72 && g->q->has_session) return node(g, RQ_E_SESSNUM, RQ_INT);
    if (r < 82) return bucket(g, RQ_HOUR);
    if (r < 90) return bucket(g, RQ_WEEKDAY);
    if (r < 96 && !g->exact) return age(g); /* not under sum/avg: times a FLOAT, sums would round by order */
    return prop(g, RQ_P_EI);
  case RQ_FLOAT: return r < 65 ? prop(g, rq_chance(&g->r, 50) ? RQ_P_EF : RQ_P_SF) : float_lit(g);
  case RQ_STR:
    if (r < 40) return prop(g, rq_chance(&g->r, 50) ? RQ_P_E1 : RQ_P_S1);
    if (r < 60) return node(g, RQ_E_ACTION, RQ_STR);
    if (r < 82) return str_lit(g);
    return bucket(g, (rq_bucket)rq_range(&g->r, RQ_DAY, RQ_MONTH));
  case RQ_BOOL:
    if (r < 65) return prop(g, rq_chance(&g->r, 50) ? RQ_P_SB : RQ_P_EB);
    return lit(g, rq_bool(rq_chance(&g->r, 50)), RQ_BOOL);
  case RQ_OBJ: return node(g, RQ_E_OBJECT, RQ_OBJ);
  default: return any_null(g);
  }
}

static rq_type random_type(gen *g) {
  static const rq_type types[] = {RQ_INT, RQ_INT, RQ_FLOAT, RQ_STR, RQ_STR, RQ_BOOL, RQ_OBJ};
  return types[rq_below(&g->r, sizeof types / sizeof *types)];
}

/* dwell(): a timestamp-sized INT, only where is_big values may stand. */
static rq_node *dwell(gen *g) {
  rq_node *n = node(g, RQ_E_PATH, RQ_INT);
  n->op = RQ_DWELL;
  n->paren = false;
  return n;
}

/* next / prev (plain, n, WHERE c, DISTINCT) or nth(c), of static type t,
 * its arguments small per-event expressions without path functions. */
static rq_node *path_fn(gen *g, rq_type t) {
  gen sub = *g;
  sub.in_path = true;
  sub.top = false;
  rq_node *n = node(g, RQ_E_PATH, t);
  n->paren = false;
  if (t == RQ_INT && rq_chance(&g->r, 25)) {
    n->op = RQ_NTH;
    n->args[0] = expr(&sub, RQ_BOOL, (int)rq_below(&g->r, 2), false);
  } else {
    n->op = rq_chance(&g->r, 50) ? RQ_NEXT : RQ_PREV;
    n->args[0] = t == RQ_OBJ ? node(&sub, RQ_E_OBJECT, RQ_OBJ) : expr(&sub, t, (int)rq_below(&g->r, 2), false);
    unsigned r = (unsigned)rq_below(&g->r, 100);
    if (r < 40) n->index = 0;
    else if (r < 90) n->index = (int)rq_range(&g->r, 1, 4);
    else n->index = rq_chance(&g->r, 50) ? 64 : (int)rq_range(&g->r, 5, 12);
    r = (unsigned)rq_below(&g->r, 100);
    if (r < 25) n->distinct = true;
    else if (r < 55) n->filter = expr(&sub, RQ_BOOL, (int)rq_below(&g->r, 3), false);
  }
  n->n_args = 1;
  g->r = sub.r;
  return n;
}

static bool is_probe(const rq_node *n) {
  return n->kind == RQ_E_BIN && n->op == RQ_MUL && n->args[1]->kind == RQ_E_LIT &&
         n->args[1]->val.i == INT64_C(1000000000000000000);
}

/* Now and then FILTER (WHERE c) on aggregate `n`: a per-event condition
 * like a WHERE (NULL literals included); rarely the overflow probe as the
 * whole condition (a comparison, so that no AND/OR decides whether it is
 * evaluated: the language evaluates a filter at every matching event, the
 * argument only where it is TRUE). An argument that is the probe mostly
 * gets a filter, often one on ei itself, so that the overflowing events
 * are sometimes all filtered out (no error) and sometimes not. */
static void maybe_filter(gen *g, rq_node *n) {
  bool probe_arg = n->n_args && is_probe(n->args[0]);
  if (!rq_chance(&g->r, probe_arg ? 75 : 18)) return;
  gen sub = *g;
  sub.post = false;
  sub.exact = false;
  sub.top = false;
  if (probe_arg && rq_chance(&g->r, 60)) { /* |ei| < 10 does not overflow: ei * ei < 100 keeps just those */
    static const int64_t bounds[] = {4, 50, 100, 100, 101, 225, 1000};
    rq_node *square = bin(&sub, RQ_MUL, RQ_INT, prop(&sub, RQ_P_EI), prop(&sub, RQ_P_EI));
    rq_node *bound = lit(&sub, rq_int(bounds[rq_below(&g->r, sizeof bounds / sizeof *bounds)]), RQ_INT);
    n->filter = bin(&sub, RQ_LT, RQ_BOOL, square, bound);
  } else if (rq_chance(&g->r, 3)) {
    rq_node *probe = bin(&sub, RQ_MUL, RQ_INT, prop(&sub, RQ_P_EI), lit(&sub, rq_int(INT64_C(1000000000000000000)), RQ_INT));
    n->filter = bin(&sub, cmp_op(&sub, true), RQ_BOOL, probe, int_lit(&sub));
  } else {
    n->filter = expr(&sub, RQ_BOOL, (int)rq_below(&g->r, 3), true);
  }
  g->r = sub.r;
}

/* An aggregate; its argument is built in the per-event context. */
static rq_node *agg(gen *g, rq_agg kind, rq_type arg_type) {
  rq_type type = RQ_INT;
  if (kind == RQ_AVG) type = RQ_FLOAT;
  if (kind == RQ_SUM || kind == RQ_MIN || kind == RQ_MAX || kind == RQ_MEDIAN || kind == RQ_QUANTILE) type = arg_type;
  if (kind == RQ_STDDEV) type = RQ_FLOAT;
  rq_node *n = node(g, RQ_E_AGG, type);
  n->op = kind;
  if (kind == RQ_COUNT_ALL || kind == RQ_OBJECTS || kind == RQ_SESSIONS || kind == RQ_COUNT_DISTINCT_OBJECT) {
    maybe_filter(g, n);
    return n;
  }
  gen sub = *g;
  sub.post = false;
  sub.exact = kind == RQ_SUM || kind == RQ_AVG;
  rq_node *arg;
  if (arg_type == RQ_INT && (kind == RQ_MIN || kind == RQ_MAX) && g->top && rq_chance(&g->r, 20))
    arg = node(&sub, RQ_E_TIMESTAMP, RQ_INT); /* large INT: only as a whole item */
  else if (arg_type == RQ_INT && (kind == RQ_COUNT || kind == RQ_COUNT_DISTINCT) && rq_chance(&g->r, 15))
    arg = ts_expr(&sub);
  else if (arg_type == RQ_INT && kind != RQ_AVG && g->top && !g->q->has_as_of && rq_chance(&g->r, 6))
    arg = dwell(&sub); /* large INT: only as a whole item */
  else if (arg_type == RQ_INT && kind != RQ_AVG && g->top && rq_chance(&g->r, 3))
    arg = bin(&sub, RQ_MUL, RQ_INT, prop(&sub, RQ_P_EI), lit(&sub, rq_int(INT64_C(1000000000000000000)), RQ_INT));
  else
    arg = expr(&sub, arg_type, (int)rq_below(&g->r, 3), false);
  if (!has_ref(arg) && rq_chance(&g->r, 80)) /* mostly aggregate something that varies */
    arg = expr(&sub, arg_type, 1, false);
  g->r = sub.r;
  n->n_args = 1;
  n->args[0] = arg;
  if (kind == RQ_QUANTILE) { /* decimals whose binary value would pick another index */
    static const struct { const char *text; uint64_t num, den; } qs[] = {
        {"0", 0, 1}, {"1", 1, 1}, {"0.5", 5, 10}, {"0.29", 29, 100}, {"0.9", 9, 10}, {"0.125", 125, 1000},
        {"0.333", 333, 1000}, {"0.57", 57, 100}, {"1.0", 10, 10}, {"0.01", 1, 100}};
    size_t i = rq_below(&g->r, sizeof qs / sizeof *qs);
    snprintf(n->text, sizeof n->text, "%s", qs[i].text);
    n->q_num = qs[i].num;
    n->q_den = qs[i].den;
  }
  maybe_filter(g, n);
  return n;
}

/* The overflow probe under a filter, as a whole SELECT item: its argument
 * overflows where |ei| >= 10 and is evaluated only where its filter holds. */
static rq_node *probe_agg(gen *g) {
  static const rq_agg kinds[] = {RQ_SUM, RQ_SUM, RQ_MIN, RQ_MAX, RQ_COUNT, RQ_MEDIAN};
  rq_node *n = node(g, RQ_E_AGG, RQ_INT);
  n->op = kinds[rq_below(&g->r, sizeof kinds / sizeof *kinds)];
  gen sub = *g;
  sub.post = false;
  n->args[0] = bin(&sub, RQ_MUL, RQ_INT, prop(&sub, RQ_P_EI), lit(&sub, rq_int(INT64_C(1000000000000000000)), RQ_INT));
  n->n_args = 1;
  g->r = sub.r;
  while (!n->filter) maybe_filter(g, n);
  return n;
}

/* A timestamp-sized INT (timestamp, timestamp ± d, max(timestamp), the
 * huge factor of the overflow probes): kept out of post-aggregation
 * arithmetic, where products could overflow and whether a HAVING operand
 * is evaluated at all would decide the outcome. */
static bool is_big(const rq_node *n) {
  switch (n->kind) {
  case RQ_E_TIMESTAMP: return true;
  case RQ_E_AGE: return true; /* a length of time up to years */
  case RQ_E_LIT: return n->val.t == RQ_INT && (n->val.i > 1000000000 || n->val.i < -1000000000);
  case RQ_E_BIN: case RQ_E_NEG: case RQ_E_AGG: case RQ_E_OVER: case RQ_E_PATH:
    if (n->kind == RQ_E_AGG && n->op == RQ_STDDEV) return true; /* not exact: only as a whole item */
    if (n->kind == RQ_E_PATH && n->op == RQ_DWELL) return true; /* a length of time in µs */
    for (int i = 0; i < n->n_args; i++)
      if (is_big(n->args[i])) return true;
    return false;
  default: return false;
  }
}

static bool holds_over(const rq_node *n) {
  if (n->kind == RQ_E_OVER) return true;
  if (n->kind == RQ_E_RAW) /* the misuses */
    return strstr(n->text, "OVER") || strstr(n->text, "over") || strstr(n->text, "first(") || strstr(n->text, "LAST(");
  for (int i = 0; i < n->n_args; i++)
    if (holds_over(n->args[i])) return true;
  return false;
}

static bool holds_filter(const rq_node *n) {
  if (!n) return false;
  if (n->filter) return true;
  if (n->kind == RQ_E_RAW) return strstr(n->text, "FILTER") || strstr(n->text, "filter");
  for (int i = 0; i < n->n_args; i++)
    if (holds_filter(n->args[i])) return true;
  return false;
}

bool rq_query_uses_filter(const rq_query *q) {
  for (int k = 0; k < q->n_keys; k++)
    if (holds_filter(q->keys[k])) return true;
  for (int i = 0; i < q->n_items; i++)
    if (holds_filter(q->items[i])) return true;
  for (int i = 0; i < q->n_order; i++)
    if (holds_filter(q->order[i].expr)) return true;
  return holds_filter(q->where) || holds_filter(q->having);
}

static bool holds_path(const rq_node *n) {
  if (!n) return false;
  if (n->kind == RQ_E_PATH) return true;
  if (n->kind == RQ_E_RAW) return strstr(n->text, "next(") || strstr(n->text, "prev(") || strstr(n->text, "nth(");
  if (holds_path(n->filter)) return true;
  for (int i = 0; i < n->n_args; i++)
    if (holds_path(n->args[i])) return true;
  return false;
}

bool rq_query_uses_path(const rq_query *q) {
  for (int k = 0; k < q->n_keys; k++)
    if (holds_path(q->keys[k])) return true;
  for (int i = 0; i < q->n_items; i++)
    if (holds_path(q->items[i])) return true;
  return holds_path(q->where);
}

/* Does `n` hold age(), or read a STATE property that lapses in `ds`? */
static bool holds_state_time(const rq_node *n, const rq_dataset *ds, bool lapse) {
  if (!n) return false;
  if (!lapse && n->kind == RQ_E_AGE) return true;
  if (lapse && n->kind == RQ_E_PROP && (n->ref == 1 || (n->ref == 0 && rq_props[n->prop].state)) &&
      ds->expires_us[n->prop] > 0)
    return true;
  if (holds_state_time(n->filter, ds, lapse)) return true;
  for (int i = 0; i < n->n_args; i++)
    if (holds_state_time(n->args[i], ds, lapse)) return true;
  return false;
}

bool rq_query_uses_state_time(const rq_query *q, const rq_dataset *ds, bool lapse) {
  for (int k = 0; k < q->n_keys; k++)
    if (holds_state_time(q->keys[k], ds, lapse)) return true;
  for (int i = 0; i < q->n_items; i++)
    if (holds_state_time(q->items[i], ds, lapse)) return true;
  return holds_state_time(q->where, ds, lapse);
}

bool rq_query_uses_over(const rq_query *q) {
  for (int k = 0; k < q->n_keys; k++)
    if (holds_over(q->keys[k])) return true;
  for (int i = 0; i < q->n_items; i++)
    if (holds_over(q->items[i])) return true;
  return q->where && holds_over(q->where);
}

static rq_node *key_of_type(gen *g, rq_type t, bool big_ok) {
  int cand[RQ_MAX_KEYS], n = 0;
  for (int k = 0; k < g->q->n_keys; k++)
    if (g->q->keys[k]->type == t && (big_ok || !is_big(g->q->keys[k]))) cand[n++] = k;
  if (!n) return NULL;
  int k = cand[rq_below(&g->r, (uint64_t)n)];
  rq_node *ref = node(g, RQ_E_KEY, t);
  ref->index = k;
  ref->paren = false;
  ref->ref = g->alias_ok && rq_chance(&g->r, 30); /* through the key item's alias, if any */
  return ref;
}

/* HAVING may name a SELECT item by its alias. */
static rq_node *alias_of_type(gen *g, rq_type t) {
  int cand[RQ_MAX_ITEMS], n = 0;
  for (int i = 0; i < g->q->n_items; i++)
    if (g->q->alias[i][0] && g->q->items[i]->type == t && !is_big(g->q->items[i])) cand[n++] = i;
  if (!n) return NULL;
  rq_node *ref = node(g, RQ_E_ALIAS, t);
  ref->index = cand[rq_below(&g->r, (uint64_t)n)];
  ref->paren = false;
  return ref;
}

static rq_node *post_leaf(gen *g, rq_type t) {
  unsigned r = (unsigned)rq_below(&g->r, 100);
  rq_node *k = r < 20 ? key_of_type(g, t, false) : NULL;
  if (!k && g->alias_ok && r >= 90) k = alias_of_type(g, t);
  if (k) return k;
  switch (t) {
  case RQ_INT:
    if (r < 40) return agg(g, RQ_COUNT_ALL, RQ_INT);
    if (r < 50) return agg(g, RQ_COUNT, random_type(g));
    if (r < 60) return agg(g, RQ_COUNT_DISTINCT, random_type(g));
    if (r < 66) return agg(g, RQ_OBJECTS, RQ_INT);
    if (r < 69) return agg(g, RQ_COUNT_DISTINCT_OBJECT, RQ_INT);
    if (r < 75 && g->q->has_session) return agg(g, RQ_SESSIONS, RQ_INT);
    if (r < 80) return agg(g, RQ_SUM, RQ_INT);
    if (r < 86) return agg(g, rq_chance(&g->r, 50) ? RQ_MIN : RQ_MAX, RQ_INT);
    if (r < 91) return agg(g, rq_chance(&g->r, 50) ? RQ_MEDIAN : RQ_QUANTILE, RQ_INT);
    return int_lit(g);
  case RQ_FLOAT:
    if (r < 40) return agg(g, RQ_AVG, rq_chance(&g->r, 50) ? RQ_INT : RQ_FLOAT);
    if (r < 55) return agg(g, RQ_SUM, RQ_FLOAT);
    if (r < 70) return agg(g, rq_chance(&g->r, 50) ? RQ_MIN : RQ_MAX, RQ_FLOAT);
    if (r < 82) return agg(g, rq_chance(&g->r, 50) ? RQ_MEDIAN : RQ_QUANTILE, RQ_FLOAT);
    if (r < 90 && g->top) return agg(g, RQ_STDDEV, rq_chance(&g->r, 50) ? RQ_INT : RQ_FLOAT);
    return float_lit(g);
  case RQ_STR:
    if (r < 80) return agg(g, rq_chance(&g->r, 50) ? RQ_MIN : RQ_MAX, RQ_STR);
    return str_lit(g);
  case RQ_BOOL:
    if (r < 60) return agg(g, rq_chance(&g->r, 50) ? RQ_MIN : RQ_MAX, RQ_BOOL);
    return lit(g, rq_bool(rq_chance(&g->r, 50)), RQ_BOOL);
  case RQ_OBJ: return agg(g, rq_chance(&g->r, 50) ? RQ_MIN : RQ_MAX, RQ_OBJ);
  default: return any_null(g);
  }
}

static rq_node *leaf(gen *g, rq_type t, bool null_ok) {
  if (g->post) {
    if (null_ok && rq_chance(&g->r, 5)) return any_null(g);
    return post_leaf(g, t);
  }
  return ev_leaf(g, t, null_ok);
}

static rq_node *lit_of(gen *g, rq_type t) {
  switch (t) {
  case RQ_INT: return int_lit(g);
  case RQ_FLOAT: return float_lit(g);
  case RQ_STR: return str_lit(g);
  case RQ_OBJ: return obj_lit(g);
  case RQ_BOOL: return lit(g, rq_bool(rq_chance(&g->r, 50)), RQ_BOOL);
  default: return any_null(g);
  }
}

static rq_node *int_composite(gen *g, int depth) {
  gen sub = *g;
  sub.top = false;
  rq_node *n;
  if (rq_chance(&g->r, 12)) {
    n = unary(g, RQ_E_NEG, RQ_INT, expr(&sub, RQ_INT, depth - 1, false));
  } else {
    static const rq_op ops[] = {RQ_ADD, RQ_SUB, RQ_MUL, RQ_MOD, RQ_ADD, RQ_SUB};
    rq_op op = ops[rq_below(&g->r, sizeof ops / sizeof *ops)];
    rq_node *a = expr(&sub, RQ_INT, depth - 1, false);
    /* Post aggregation, a product takes a literal on the right (bounded). */
    rq_node *b = (g->post && op == RQ_MUL) ? int_lit(&sub) : expr(&sub, RQ_INT, depth - 1, true);
    n = bin(g, op, RQ_INT, a, b);
  }
  g->r = sub.r;
  return n;
}

/* Exact divisors for sum/avg arguments (and 0, giving NULL). */
static rq_node *exact_divisor(gen *g) {
  static const double fl[] = {2.0, 0.5, 0.25, 4.0, 0.0};
  if (rq_chance(&g->r, 50)) return lit(g, rq_int(rq_chance(&g->r, 20) ? 0 : rq_chance(&g->r, 50) ? 2 : 4), RQ_INT);
  return lit(g, rq_float(fl[rq_below(&g->r, 5)]), RQ_FLOAT);
}

static rq_node *float_composite(gen *g, int depth) {
  gen sub = *g;
  sub.top = false;
  rq_node *n;
  unsigned r = (unsigned)rq_below(&g->r, 100);
  if (r < 10) {
    n = unary(g, RQ_E_NEG, RQ_FLOAT, expr(&sub, RQ_FLOAT, depth - 1, false));
  } else if (r < 35) {
    rq_node *a = expr(&sub, rq_chance(&g->r, 50) ? RQ_INT : RQ_FLOAT, depth - 1, false);
    rq_node *b = g->exact ? exact_divisor(&sub)
                 : (g->post && rq_chance(&g->r, 50)) ? lit_of(&sub, RQ_FLOAT)
                                                     : expr(&sub, rq_chance(&g->r, 50) ? RQ_INT : RQ_FLOAT, depth - 1, true);
    n = bin(g, RQ_DIV, RQ_FLOAT, a, b);
  } else {
    static const rq_op ops[] = {RQ_ADD, RQ_SUB, RQ_MUL, RQ_MOD, RQ_ADD};
    rq_op op = ops[rq_below(&g->r, sizeof ops / sizeof *ops)];
    /* One side FLOAT; a NULL literal only on the right of a FLOAT, so the
     * static type stays FLOAT. */
    bool left_float = rq_chance(&g->r, 60);
    rq_node *a = expr(&sub, left_float ? RQ_FLOAT : RQ_INT, depth - 1, false);
    rq_node *b;
    if (g->post && op == RQ_MUL)
      b = left_float ? lit_of(&sub, rq_chance(&g->r, 50) ? RQ_INT : RQ_FLOAT) : float_lit(&sub);
    else
      b = expr(&sub, left_float ? (rq_chance(&g->r, 50) ? RQ_INT : RQ_FLOAT) : RQ_FLOAT, depth - 1, left_float);
    n = bin(g, op, RQ_FLOAT, a, b);
  }
  g->r = sub.r;
  return n;
}

static rq_op cmp_op(gen *g, bool ordered) {
  static const rq_op all[] = {RQ_EQ, RQ_NE, RQ_NE2, RQ_LT, RQ_LE, RQ_GT, RQ_GE};
  return all[rq_below(&g->r, ordered ? 7 : 3)];
}

static rq_type num_type(gen *g) { return rq_chance(&g->r, 55) ? RQ_INT : RQ_FLOAT; }

/* timestamp against instants: ISO strings or µs, either side, or IN. */
static rq_node *ts_comparison(gen *g) {
  unsigned r = (unsigned)rq_below(&g->r, 100);
  rq_node *ts = node(g, RQ_E_TIMESTAMP, RQ_INT);
  if (r < 70) return bin(g, cmp_op(g, true), RQ_BOOL, ts, ts_lit(g));
  if (r < 85) return bin(g, cmp_op(g, true), RQ_BOOL, ts_lit(g), ts);
  rq_node *n = node(g, RQ_E_IN, RQ_BOOL);
  n->neg = rq_chance(&g->r, 40);
  n->args[0] = ts;
  n->n_args = 1 + (int)rq_range(&g->r, 1, RQ_MAX_ARGS - 1);
  for (int i = 1; i < n->n_args; i++) n->args[i] = rq_chance(&g->r, 10) ? any_null(g) : ts_lit(g);
  return n;
}

static rq_node *comparison(gen *g, int depth) {
  unsigned r = (unsigned)rq_below(&g->r, 100);
  if (r < 45) {
    rq_node *a = expr(g, num_type(g), depth - 1, false);
    rq_node *b = rq_chance(&g->r, 50) ? lit_of(g, num_type(g)) : expr(g, num_type(g), depth - 1, true);
    return bin(g, cmp_op(g, true), RQ_BOOL, a, b);
  }
  if (r < 70) {
    rq_node *a = expr(g, RQ_STR, depth - 1, false);
    rq_node *b = rq_chance(&g->r, 60) ? str_lit(g) : expr(g, RQ_STR, depth - 1, true);
    return bin(g, cmp_op(g, true), RQ_BOOL, a, b);
  }
  if (r < 78) /* BOOL orders FALSE < TRUE */
    return bin(g, cmp_op(g, rq_chance(&g->r, 30)), RQ_BOOL, leaf(g, RQ_BOOL, false), leaf(g, RQ_BOOL, true));
  if (r < 88) return bin(g, cmp_op(g, true), RQ_BOOL, leaf(g, RQ_OBJ, false), obj_lit(g));
  if (g->post) return bin(g, cmp_op(g, true), RQ_BOOL, leaf(g, RQ_INT, false), int_lit(g));
  return ts_comparison(g);
}

static rq_node *in_list(gen *g, int depth) {
  static const rq_type types[] = {RQ_INT, RQ_FLOAT, RQ_STR, RQ_STR, RQ_OBJ, RQ_BOOL};
  rq_type t = types[rq_below(&g->r, sizeof types / sizeof *types)];
  rq_node *n = node(g, RQ_E_IN, RQ_BOOL);
  n->neg = rq_chance(&g->r, 40);
  n->args[0] = t == RQ_OBJ || t == RQ_BOOL ? leaf(g, t, false) : expr(g, t, depth - 1, false);
  int items = (int)rq_range(&g->r, 1, RQ_MAX_ARGS - 1);
  for (int i = 1; i <= items; i++) {
    rq_type it = (t == RQ_INT || t == RQ_FLOAT) ? num_type(g) : t;
    unsigned r = (unsigned)rq_below(&g->r, 100);
    n->args[i] = r < 8 ? any_null(g) : (r < 16 && t != RQ_OBJ) ? leaf(g, it, false) : lit_of(g, it);
  }
  n->n_args = items + 1;
  return n;
}

/* A LIKE pattern: a pool string with characters (code points) replaced by
 * '_' and '%' inserted, or a pure wildcard pattern. */
static void like_pattern(gen *g, rq_node *n) {
  /* '_' is one character, not one byte: several patterns meet multi-byte ones. */
  static const char *const fixed[] = {"%", "_", "%_%", "", "__", "%%", "a%", "%a", "2026-03%", "%-01", "Z_rich", "%,%",
                                      "%\"%", "%'%", "%ü%", "_%_", "东%", "_", "caf_", "東_", "_京", "Z_r%", "%__"};
  if (rq_chance(&g->r, 40)) {
    snprintf(n->text, sizeof n->text, "%s", fixed[rq_below(&g->r, sizeof fixed / sizeof *fixed)]);
    return;
  }
  rq_val base = rq_chance(&g->r, 70) ? str_val(g) : date_string(g);
  rq_buf b;
  rq_buf_init(&b);
  if (rq_chance(&g->r, 30)) rq_buf_puts(&b, "%");
  for (size_t i = 0; i < base.len;) {
    size_t len = 1;
    while (i + len < base.len && ((unsigned char)base.s[i + len] & 0xC0) == 0x80) len++;
    unsigned r = (unsigned)rq_below(&g->r, 100);
    if (r < 15)
      rq_buf_puts(&b, "_");
    else if (r < 22)
      rq_buf_puts(&b, "%");
    else
      rq_buf_add(&b, base.s + i, len);
    i += len;
  }
  if (rq_chance(&g->r, 30)) rq_buf_puts(&b, "%");
  set_text(n, &b);
  rq_buf_free(&b);
}

static rq_node *bool_composite(gen *g, int depth) {
  gen sub = *g;
  sub.top = false;
  rq_node *n;
  unsigned r = (unsigned)rq_below(&g->r, 100);
  if (r < 40) {
    n = comparison(&sub, depth);
  } else if (r < 58) {
    n = bin(&sub, rq_chance(&g->r, 50) ? RQ_AND : RQ_OR, RQ_BOOL, expr(&sub, RQ_BOOL, depth - 1, false),
            expr(&sub, RQ_BOOL, depth - 1, true));
  } else if (r < 66) {
    n = unary(&sub, RQ_E_NOT, RQ_BOOL, expr(&sub, RQ_BOOL, depth - 1, false));
  } else if (r < 76) {
    n = unary(&sub, RQ_E_ISNULL, RQ_BOOL, expr(&sub, random_type(&sub), depth - 1, false));
    n->neg = rq_chance(&g->r, 50);
  } else if (r < 88) {
    n = in_list(&sub, depth);
  } else {
    n = node(&sub, RQ_E_LIKE, RQ_BOOL);
    n->neg = rq_chance(&g->r, 35);
    n->n_args = 1;
    n->args[0] = expr(&sub, RQ_STR, depth - 1, false);
    like_pattern(&sub, n);
  }
  g->r = sub.r;
  return n;
}

static rq_node *expr(gen *g, rq_type t, int depth, bool null_ok) {
  if (depth <= 0 || rq_chance(&g->r, 30)) return leaf(g, t, null_ok);
  switch (t) {
  case RQ_INT: return int_composite(g, depth);
  case RQ_FLOAT: return float_composite(g, depth);
  case RQ_BOOL: return bool_composite(g, depth);
  default: return leaf(g, t, null_ok);
  }
}

/* ---- clauses -------------------------------------------------------------- */

static bool has_ref(const rq_node *n) {
  if (n->kind != RQ_E_LIT && n->kind != RQ_E_BIN && n->kind != RQ_E_NEG && n->kind != RQ_E_NOT &&
      n->kind != RQ_E_ISNULL && n->kind != RQ_E_IN && n->kind != RQ_E_LIKE)
    return true;
  for (int i = 0; i < n->n_args; i++)
    if (has_ref(n->args[i])) return true;
  return false;
}

static void gen_session(gen *g) {
  rq_query *q = g->q;
  int64_t d = g->ds->session_us;
  unsigned r = (unsigned)rq_below(&g->r, 100);
  static const int64_t others[] = {0, RQ_US_PER_SEC, 30 * RQ_US_PER_MIN, 7 * RQ_US_PER_DAY, 2 * RQ_US_PER_HOUR};
  if (r >= 85) d = others[rq_below(&g->r, sizeof others / sizeof *others)];
  else if (r >= 75) d -= 1;
  else if (r >= 65) d += 1;
  q->has_session = true;
  q->session_us = d;
  rq_buf b;
  rq_buf_init(&b);
  if (d == 0)
    rq_buf_puts(&b, rq_chance(&g->r, 50) ? "0s" : "0");
  else
    duration_text(g, &b, d);
  snprintf(q->session_text, sizeof q->session_text, "%s", b.data);
  rq_buf_free(&b);
  q->session_before_group = rq_chance(&g->r, 40);
}

/* ---- agg(x) OVER OBJECT keys ---------------------------------------------- */

/* What OVER OBJECT aggregates: a property (bare, state. or event.), timestamp
 * or action; now and then a small per-event expression (exact under sum). */
static rq_node *over_arg(gen *g, rq_agg kind) {
  gen sub = *g;
  sub.post = false;
  sub.exact = kind == RQ_SUM;
  rq_node *arg;
  unsigned r = (unsigned)rq_below(&g->r, 100);
  if (kind == RQ_SUM) {
    static const int nums[] = {RQ_P_EI, RQ_P_S2, RQ_P_EF, RQ_P_SF};
    if (r < 4) /* the overflow probe: an argument or the sum beyond int64 */
      arg = bin(&sub, RQ_MUL, RQ_INT, prop(&sub, RQ_P_EI), lit(&sub, rq_int(INT64_C(1000000000000000000)), RQ_INT));
    else if (r < 16)
      arg = expr(&sub, num_type(&sub), 1, false);
    else
      arg = prop(&sub, nums[rq_below(&g->r, 4)]);
  } else if (r < 14) {
    arg = node(&sub, RQ_E_TIMESTAMP, RQ_INT);
  } else if (r < 26) {
    arg = node(&sub, RQ_E_ACTION, RQ_STR);
  } else if (r < 36) {
    arg = expr(&sub, random_type(&sub), 1, false);
  } else {
    arg = prop(&sub, (int)rq_below(&g->r, RQ_N_PROPS));
  }
  g->r = sub.r;
  return arg;
}

/* count() / count(x) / count(DISTINCT x) / sum / min / max / first / last
 * (x) OVER OBJECT; `ts` asks for one whose value is a timestamp. */
static rq_node *over_agg(gen *g, bool ts) {
  static const rq_agg kinds[] = {RQ_COUNT_ALL, RQ_COUNT, RQ_COUNT_DISTINCT, RQ_SUM, RQ_SUM, RQ_MIN,
                                 RQ_MAX,       RQ_FIRST, RQ_FIRST,          RQ_LAST, RQ_COUNT_ALL};
  static const rq_agg ts_kinds[] = {RQ_FIRST, RQ_FIRST, RQ_LAST, RQ_MIN, RQ_MAX};
  rq_agg kind = ts ? ts_kinds[rq_below(&g->r, 5)] : kinds[rq_below(&g->r, sizeof kinds / sizeof *kinds)];
  rq_node *arg = NULL;
  if (ts)
    arg = rq_chance(&g->r, 85) ? node(g, RQ_E_TIMESTAMP, RQ_INT) : ts_expr(g);
  else if (kind != RQ_COUNT_ALL)
    arg = over_arg(g, kind);
  rq_type type = RQ_INT;
  if (kind == RQ_SUM || kind == RQ_MIN || kind == RQ_MAX || kind == RQ_FIRST || kind == RQ_LAST) type = arg->type;
  rq_node *n = node(g, RQ_E_OVER, type);
  n->op = kind;
  n->paren = false;
  if (arg) {
    n->n_args = 1;
    n->args[0] = arg;
  }
  maybe_filter(g, n);
  return n;
}

/* A GROUP BY key holding OVER OBJECT: the aggregate itself, a time bucket of
 * a timestamp one (acquisition cohorts), or a little arithmetic or a
 * comparison around a small one. */
static rq_node *over_key(gen *g) {
  unsigned r = (unsigned)rq_below(&g->r, 100);
  if (r < 55) return over_agg(g, false);
  if (r < 72) {
    rq_bucket fn = (rq_bucket)rq_below(&g->r, 5);
    rq_node *n = unary(g, RQ_E_BUCKET, fn <= RQ_WEEKDAY ? RQ_INT : RQ_STR, over_agg(g, true));
    n->op = fn;
    return n;
  }
  rq_node *a = over_agg(g, false);
  for (int tries = 0; tries < 5 && (is_big(a) || (a->type != RQ_INT && a->type != RQ_FLOAT)); tries++)
    a = over_agg(g, false);
  if (is_big(a) || (a->type != RQ_INT && a->type != RQ_FLOAT)) return a;
  if (r < 86) {
    static const rq_op ops[] = {RQ_ADD, RQ_SUB, RQ_MUL, RQ_MOD};
    rq_op op = ops[rq_below(&g->r, 4)];
    if (r < 78 && rq_chance(&g->r, 40)) { /* two per-object values, e.g. max(x) - min(x) */
      rq_node *b = over_agg(g, false);
      if (!is_big(b) && b->type == a->type) return bin(g, op == RQ_MUL ? RQ_SUB : op, a->type, a, b);
    }
    return bin(g, op, a->type, a, a->type == RQ_INT ? int_lit(g) : float_lit(g));
  }
  if (r < 95) return bin(g, cmp_op(g, true), RQ_BOOL, a, a->type == RQ_INT ? int_lit(g) : float_lit(g));
  rq_node *n = unary(g, RQ_E_ISNULL, RQ_BOOL, a);
  n->neg = rq_chance(&g->r, 50);
  return n;
}

static void gen_keys(gen *g) {
  rq_query *q = g->q;
  unsigned r = (unsigned)rq_below(&g->r, 100);
  int want = r < 35 ? 0 : r < 75 ? 1 : 2;
  rq_buf a, b;
  rq_buf_init(&a);
  rq_buf_init(&b);
  for (int tries = 0; q->n_keys < want && tries < 20; tries++) {
    static const rq_type types[] = {RQ_STR, RQ_STR, RQ_INT, RQ_INT, RQ_FLOAT, RQ_BOOL, RQ_OBJ};
    bool as_of = q->has_as_of;
    rq_node *k = !as_of && rq_chance(&g->r, 14) ? over_key(g)
                 : rq_chance(&g->r, 8) ? ts_expr(g)
                 : !as_of && rq_chance(&g->r, 4) ? dwell(g)
                 : !as_of && rq_chance(&g->r, 10) ? path_fn(g, types[rq_below(&g->r, sizeof types / sizeof *types)])
                 : expr(g, types[rq_below(&g->r, sizeof types / sizeof *types)], rq_chance(&g->r, 25) ? 1 : 0, false);
    if (!has_ref(k)) continue;
    rq_buf_reset(&a);
    rq_node_render(&a, q, k);
    bool dup = false;
    for (int j = 0; j < q->n_keys; j++) {
      rq_buf_reset(&b);
      rq_node_render(&b, q, q->keys[j]);
      dup = dup || strcmp(a.data, b.data) == 0;
    }
    if (!dup) q->keys[q->n_keys++] = k;
  }
  rq_buf_free(&a);
  rq_buf_free(&b);
}

static void add_item(rq_query *q, rq_node *n) {
  if (q->n_items < RQ_MAX_ITEMS) q->items[q->n_items++] = n;
}

static void gen_items(gen *g) {
  rq_query *q = g->q;
  int key_item[RQ_MAX_KEYS] = {0, 0};
  for (int k = 0; k < q->n_keys; k++)
    if (rq_chance(&g->r, 70)) {
      add_item(q, q->keys[k]);
      key_item[k] = q->n_items;
    }
  int n_aggs = (int)rq_range(&g->r, q->n_items ? 0 : 1, 3);
  g->post = true;
  for (int i = 0; i < n_aggs; i++) {
    g->top = true;
    add_item(q, expr(g, random_type(g), (int)rq_below(&g->r, 3), false));
  }
  g->top = false;
  if (rq_chance(&g->r, 4)) add_item(q, probe_agg(g));
  /* The same aggregate again under another filter (or none): a different aggregate. */
  if (q->n_items && q->items[q->n_items - 1]->kind == RQ_E_AGG && rq_chance(&g->r, 12)) {
    const rq_node *orig = q->items[q->n_items - 1];
    rq_node *twin = node(g, RQ_E_AGG, orig->type);
    *twin = *orig;
    twin->filter = NULL;
    if (!orig->filter || rq_chance(&g->r, 50)) {
      while (!twin->filter) maybe_filter(g, twin);
    }
    add_item(q, twin);
  }
  if (rq_chance(&g->r, 8)) {
    rq_type t = random_type(g);
    add_item(q, t == RQ_OBJ ? any_null(g) : lit_of(g, t));
  }
  /* Shuffle, then name: aliases a1.. by final position. */
  for (int i = q->n_items; i > 1; i--) {
    int j = (int)rq_below(&g->r, (uint64_t)i);
    rq_node *t = q->items[i - 1];
    q->items[i - 1] = q->items[j];
    q->items[j] = t;
  }
  for (int i = 0; i < q->n_items; i++) q->pad[i] = rq_chance(&g->r, 10) ? (uint8_t)rq_range(&g->r, 1, 3) : 0;
  /* An OVER OBJECT key is mostly named (`... AS a1 ... GROUP BY a1`), as it is written in practice. */
  for (int i = 0; i < q->n_items; i++)
    if (rq_chance(&g->r, holds_over(q->items[i]) ? 50 : 20))
      snprintf(q->alias[i], sizeof q->alias[i], "a%u", (unsigned)(i + 1) % 10u);
  for (int k = 0; k < q->n_keys; k++) {
    q->key_alias_item[k] = 0;
    if (!key_item[k]) continue;
    for (int i = 0; i < q->n_items; i++)
      if (q->items[i] == q->keys[k] && q->alias[i][0] && rq_chance(&g->r, holds_over(q->keys[k]) ? 60 : 15))
        q->key_alias_item[k] = i + 1;
  }
}

static void gen_order(gen *g) {
  rq_query *q = g->q;
  q->n_order = (int)rq_range(&g->r, 1, RQ_MAX_ORDER);
  for (int i = 0; i < q->n_order; i++) {
    rq_order *o = &q->order[i];
    memset(o, 0, sizeof *o);
    unsigned r = (unsigned)rq_below(&g->r, 100);
    int aliased[RQ_MAX_ITEMS], n_aliased = 0;
    for (int j = 0; j < q->n_items; j++)
      if (q->alias[j][0]) aliased[n_aliased++] = j + 1;
    if (r < 30) {
      o->item = (int)rq_range(&g->r, 1, q->n_items);
    } else if (r < 45 && n_aliased) {
      o->alias_of = aliased[rq_below(&g->r, (uint64_t)n_aliased)];
    } else if (r < 70 && q->n_keys) {
      o->expr = key_of_type(g, q->keys[rq_below(&g->r, (uint64_t)q->n_keys)]->type, true);
    } else if (r < 80) {
      o->expr = q->items[rq_below(&g->r, (uint64_t)q->n_items)];
    } else {
      o->expr = expr(g, random_type(g), (int)rq_below(&g->r, 2), false);
    }
    /* ORDER BY takes aggregates, keys, aliases and item numbers: a constant
     * would read as an item number or be meaningless. */
    if (o->expr && !has_ref(o->expr)) {
      o->expr = NULL;
      o->item = (int)rq_range(&g->r, 1, q->n_items);
    }
    /* stddev is compared within a tolerance: never an ordering. */
    const rq_node *target = o->expr ? o->expr : q->items[(o->item ? o->item : o->alias_of) - 1];
    if (target->kind == RQ_E_AGG && target->op == RQ_STDDEV) {
      q->n_order = i;
      break;
    }
    o->desc = rq_chance(&g->r, 50);
    o->explicit_dir = o->desc || rq_chance(&g->r, 40);
  }
}

/* ---- mutants ---------------------------------------------------------------- */

typedef struct mutant {
  const char *text;
  int code; /* sky_code, or -1 for "some error" */
  bool item; /* goes into SELECT (else into WHERE) */
} mutant;

static const mutant mutants[] = {
    {"ei = 'x'", SKY_ERR_TYPE, false},          {"e1 > 3", SKY_ERR_TYPE, false},
    {"ef LIKE 'a%'", SKY_ERR_TYPE, false},      {"hour(e1) = 1", SKY_ERR_TYPE, false},
    {"NOT ei", SKY_ERR_TYPE, false},            {"s1 + 1 = 2", SKY_ERR_TYPE, false},
    {"day(ef) = '2026-03-01'", SKY_ERR_TYPE, false}, {"object = 'a'", SKY_ERR_TYPE, false},
    {"action IN (1, 2)", SKY_ERR_TYPE, false},  {"ei AND sb", SKY_ERR_TYPE, false},
    {"sum(e1)", SKY_ERR_TYPE, true},            {"avg(s1)", SKY_ERR_TYPE, true},
    {"median(s1)", SKY_ERR_TYPE, true},         {"quantile(ei, 1.5)", SKY_ERR_SEMANTIC, true},
    {"quantile(ei, ei)", SKY_ERR_SEMANTIC, true}, {"stddev(sb)", SKY_ERR_TYPE, true},
    {"nope = 1", SKY_ERR_UNKNOWN_PROPERTY, false}, {"state.nope IS NULL", SKY_ERR_UNKNOWN_PROPERTY, false},
    {"nosuch(ei)", SKY_ERR_UNKNOWN_FUNCTION, true}, {"count(", SKY_ERR_SYNTAX, true},
    {"sessions()", -1, true},                   {"session.number = 0", -1, false},
    {"count() > 1", -1, false},                 {"e1", -1, true},
    /* OVER OBJECT only as a GROUP BY key (or inside one); first/last only with it */
    {"count() OVER OBJECT > 1", SKY_ERR_SEMANTIC, false}, {"first(timestamp) OVER OBJECT < 0", SKY_ERR_SEMANTIC, false},
    {"first(e1)", SKY_ERR_SEMANTIC, true},      {"LAST(state.s2)", SKY_ERR_SEMANTIC, true},
    {"sum(count() OVER OBJECT)", SKY_ERR_SEMANTIC, true}, {"max(ei) over object", SKY_ERR_SEMANTIC, true},
    {"hour(timestamp) OVER OBJECT", SKY_ERR_SEMANTIC, true},
    /* FILTER (WHERE c): c per event and BOOL, only on aggregates, WHERE inside parentheses */
    {"count() FILTER (WHERE count() > 1)", SKY_ERR_SEMANTIC, true}, {"sum(ei) FILTER (WHERE ei)", SKY_ERR_TYPE, true},
    {"hour(timestamp) FILTER (WHERE sb)", SKY_ERR_SEMANTIC, true}, {"count() FILTER (sb)", SKY_ERR_SYNTAX, true},
    {"max(ei) FILTER (WHERE count() OVER OBJECT > 1)", SKY_ERR_SEMANTIC, true},
    {"count() FILTER (WHERE sb) > 1", SKY_ERR_SEMANTIC, false}, {"count() OVER OBJECT FILTER (WHERE sb)", SKY_ERR_SYNTAX, true},
    /* next, prev, nth: n a literal 1..64, no nesting, WHERE only in next/prev, no aggregate inside */
    {"next(ei, 0) IS NULL", SKY_ERR_SEMANTIC, false}, {"prev(ei, 65) IS NULL", SKY_ERR_SEMANTIC, false},
    {"next(ei, ei) IS NULL", SKY_ERR_SEMANTIC, false}, {"next(prev(ei)) IS NULL", SKY_ERR_SEMANTIC, false},
    {"nth(ei) > 1", SKY_ERR_TYPE, false},        {"nth(sb WHERE sb) > 1", SKY_ERR_SEMANTIC, false},
    {"sum(ei WHERE sb)", SKY_ERR_SEMANTIC, true}, {"next(DISTINCT ei WHERE sb) IS NULL", SKY_ERR_SYNTAX, false},
    {"next(count()) IS NULL", SKY_ERR_SEMANTIC, false}, {"dwell(ei) > 0", SKY_ERR_SEMANTIC, false},
    {"count() FILTER (WHERE nth(sb) > 0) > 1", SKY_ERR_SEMANTIC, false},
};

static void mutate(gen *g) {
  rq_query *q = g->q;
  if (rq_chance(&g->r, 25)) {
    q->expect = RQ_EXPECT_UNKNOWN;
    q->truncate_at_pct = (char)rq_range(&g->r, 1, 99);
    return;
  }
  const mutant *m = &mutants[rq_below(&g->r, sizeof mutants / sizeof *mutants)];
  bool needs_no_session = strstr(m->text, "session") != NULL;
  if (needs_no_session && q->has_session) return;
  /* under AS OF these are refused for AS OF first (mutate_as_of) */
  static const char *const as_of_first[] = {"next(", "prev(", "nth(", "dwell(", "session", "OVER OBJECT", "over object"};
  for (size_t i = 0; q->has_as_of && i < sizeof as_of_first / sizeof *as_of_first; i++)
    if (strstr(m->text, as_of_first[i])) return;
  if (strcmp(m->text, "e1") == 0)
    for (int k = 0; k < q->n_keys; k++)
      if (q->keys[k]->kind == RQ_E_PROP && q->keys[k]->prop == RQ_P_E1) return;
  if (strstr(m->text, "over object")) /* no misuse when a key might be that very aggregate */
    for (int k = 0; k < q->n_keys; k++)
      if (holds_over(q->keys[k])) return;
  rq_node *raw = node(g, RQ_E_RAW, RQ_BOOL);
  raw->paren = false;
  snprintf(raw->text, sizeof raw->text, "%s", m->text);
  if (m->item) {
    if (q->n_items == RQ_MAX_ITEMS) q->n_items--;
    q->alias[q->n_items][0] = '\0';
    q->items[q->n_items++] = raw;
  } else {
    q->where = q->where ? bin(g, RQ_AND, RQ_BOOL, q->where, raw) : raw;
  }
  q->expect = m->code < 0 ? RQ_EXPECT_ERROR : RQ_EXPECT_CODE;
  q->expect_code = m->code;
}

/* AS OF's instant: a data timestamp, one µs either side, before or after
 * all data; µs or an ISO string. */
static void gen_as_of(gen *g) {
  rq_query *q = g->q;
  const rq_event *e = some_event(g);
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (size_t i = 0; i < g->ds->n_ev; i++) {
    if (g->ds->ev[i].ts < lo) lo = g->ds->ev[i].ts;
    if (g->ds->ev[i].ts > hi) hi = g->ds->ev[i].ts;
  }
  int64_t ts = e ? e->ts : 0;
  unsigned r = (unsigned)rq_below(&g->r, 100);
  if (!e) ts = rq_utc(2026, 3, 1, 0, 0, 0);
  else if (r < 45) ts = e->ts;
  else if (r < 60) ts = e->ts - 1;
  else if (r < 75) ts = e->ts + 1;
  else if (r < 82) ts = lo - (rq_chance(&g->r, 50) ? 1 : RQ_US_PER_DAY);
  else if (r < 89) ts = hi + (rq_chance(&g->r, 50) ? 0 : RQ_US_PER_DAY);
  else ts = rq_utc(2026, 3, (int)rq_range(&g->r, 1, 28), 0, 0, 0);
  q->has_as_of = true;
  q->as_of_us = ts;
  rq_buf b;
  rq_buf_init(&b);
  /* ISO text exists for years 0000-9999 only: µs beyond */
  bool iso_ok = ts >= INT64_C(-62167219200000000) && ts <= INT64_C(253402300799999999);
  if (!iso_ok || rq_chance(&g->r, 50)) {
    rq_buf_printf(&b, "%lld", (long long)ts);
  } else {
    rq_buf_puts(&b, "'");
    rq_format_iso(&b, ts, (unsigned)rq_below(&g->r, 256));
    rq_buf_puts(&b, "'");
  }
  snprintf(q->as_of_text, sizeof q->as_of_text, "%s", b.data);
  rq_buf_free(&b);
}

/* What AS OF refuses (semantic_error), as an item or in WHERE. */
static const mutant as_of_mutants[] = {
    {"next(ei) IS NULL", SKY_ERR_SEMANTIC, false}, {"prev(action, 2) = 'view'", SKY_ERR_SEMANTIC, false},
    {"nth(sb) > 1", SKY_ERR_SEMANTIC, false},     {"max(dwell())", SKY_ERR_SEMANTIC, true},
    {"sessions()", SKY_ERR_SEMANTIC, true},       {"session.number = 0", SKY_ERR_SEMANTIC, false},
};

static void mutate_as_of(gen *g) {
  rq_query *q = g->q;
  if (rq_chance(&g->r, 20)) { /* WITHIN SESSION with AS OF */
    gen_session(g);
  } else {
    const mutant *m = &as_of_mutants[rq_below(&g->r, sizeof as_of_mutants / sizeof *as_of_mutants)];
    rq_node *raw = node(g, RQ_E_RAW, RQ_BOOL);
    raw->paren = false;
    snprintf(raw->text, sizeof raw->text, "%s", m->text);
    if (m->item) {
      if (q->n_items == RQ_MAX_ITEMS) q->n_items--;
      q->alias[q->n_items][0] = '\0';
      q->items[q->n_items++] = raw;
    } else {
      q->where = q->where ? bin(g, RQ_AND, RQ_BOOL, q->where, raw) : raw;
    }
  }
  q->expect = RQ_EXPECT_CODE;
  q->expect_code = SKY_ERR_SEMANTIC;
}

static void generate(gen *g) {
  rq_query *q = g->q;
  q->lower_keywords = rq_chance(&g->r, 15);
  q->newlines = rq_chance(&g->r, 10);
  q->from = rq_chance(&g->r, 40);
  q->semicolon = rq_chance(&g->r, 15);
  q->limit = -1;
  if (rq_chance(&g->r, 14)) gen_as_of(g);
  else if (rq_chance(&g->r, 35)) gen_session(g);
  gen_keys(g);
  gen_items(g);
  g->post = false;
  if (rq_chance(&g->r, 70)) q->where = expr(g, RQ_BOOL, (int)rq_range(&g->r, 1, 3), false);
  g->post = true;
  g->alias_ok = true;
  if (rq_chance(&g->r, 25)) q->having = expr(g, RQ_BOOL, (int)rq_range(&g->r, 1, 2), false);
  if (rq_chance(&g->r, 45)) gen_order(g);
  if (rq_chance(&g->r, 30)) q->limit = rq_chance(&g->r, 10) ? 100 : rq_range(&g->r, 0, 6);
  if (q->has_as_of && rq_chance(&g->r, 5)) mutate_as_of(g);
  else if (rq_chance(&g->r, 4)) mutate(g);
  rq_during_maybe(q, g->ds, &g->r);
}

void rq_query_generate(rq_query *q, const rq_dataset *ds, uint64_t seed) {
  for (uint64_t attempt = 0;; attempt++) {
    memset(q, 0, sizeof *q);
    gen g = {.q = q, .ds = ds};
    rq_rng_seed(&g.r, seed * 1000003 + attempt);
    generate(&g);
    if (!q->overflowed) return;
  }
}
