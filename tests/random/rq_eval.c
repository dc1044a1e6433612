/* rq_eval.c — the naive evaluator: the checker's own answer to a query.
 *
 * Deliberately simple and slow, written from LANGUAGE.md alone: sort each
 * object's events by (timestamp, arrival); walk them carrying each
 * property's latest non-NULL value and cutting sessions where a gap exceeds
 * the duration (over all events); evaluate the filter with SQL three-valued
 * logic; put each matching event's index into the group named by its key
 * values (linear search); then compute every aggregate by re-walking the
 * group's events, apply HAVING, the items, ORDER BY (NULL smallest, ties by
 * the default key order) and LIMIT. No hashing, no incremental state, no
 * code shared with Sky.
 *
 * INT arithmetic is checked: an overflow anywhere (an aggregate's
 * argument or filter, an OVER OBJECT sum that does not fit) makes the
 * expected answer the numeric_overflow error. Every group's items and
 * aggregates are evaluated, HAVING or not, so detection never depends on
 * evaluation order; only an INT sum of a group that does not fit at the
 * end is an error just where it is read (HAVING, and the items and ORDER
 * BY of the groups HAVING keeps), as LANGUAGE.md says.
 *
 * `agg(x) FILTER (WHERE f)` aggregates the group's events where f is TRUE
 * (f evaluated at each of the group's events, x only at those).
 *
 * `agg(x) OVER OBJECT` (a GROUP BY key, or inside one) is recomputed at each
 * event from its definition: re-walk the event's object, keep the events
 * whose WHERE (and FILTER) is TRUE, and aggregate x over them with the same
 * code as a group's aggregate (first/last: x at the first/last kept event
 * where it is not NULL). Quadratic per object, and meant to be.
 *
 * next, prev, nth and dwell walk the current event's object one event at
 * a time from the current event (eval_path), again quadratic.
 *
 * AS OF ts (PATHS.md §6): the rows are then one per object, its last event
 * with a timestamp <= ts in path order, its STATE values re-read at ts
 * (the EXPIRES TO value where ts - set time > d) and age() taken at ts
 * (as_of_rows); everything after that is the same.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random/rq.h"

typedef struct row {
  const rq_event *e;
  rq_val carried[RQ_N_PROPS]; /* what a read sees: the latest non-NULL value up to and including
                                 this event, or its EXPIRES TO value once lapsed (rq_carry) */
  rq_val raw[RQ_N_PROPS];     /* the latest non-NULL value */
  int64_t set_ts[RQ_N_PROPS]; /* when it was set (age()); RQ_NEVER_SET */
  int64_t session;
  bool piece;                 /* DURING: a piece of the event's interval (rq_during.c) */
  int64_t start, len;         /* its start (timestamp, the reading instant) and length */
  int64_t now;                /* the instant STATE reads and age() are at: the event's time, or AS OF's */
} row;

typedef struct group {
  rq_val key[RQ_MAX_KEYS];
  size_t *rows; /* indexes into the row array, in path order */
  size_t n, cap;
} group;

typedef struct ctx {
  const rq_query *q;
  const row *rows;   /* every event in path order, so each object's events are adjacent */
  size_t n_rows;
  const row *cur;    /* per-event evaluation */
  const group *grp;  /* post-aggregation evaluation */
  bool *overflow;
  bool *sum_overflow; /* where an INT sum beyond int64 goes: an error only when
                         read, i.e. in a group HAVING keeps (or an OVER OBJECT
                         value, which every matching event reads) */
} ctx;

static rq_val eval(const ctx *c, const rq_node *n);

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) abort();
  return p;
}

/* ---- path order, state and sessions ------------------------------------ */

/* DURING: the pieces as rows. A piece reads STATE at its start: a value
 * set at s covers [s, s + d), so from s + d on it reads the TO value. */
static row *piece_rows(const rq_dataset *ds, const rq_query *q, const rq_event **order, row *ev, size_t *n_out) {
  int64_t (*set_ts)[RQ_N_PROPS] = xcalloc(ds->n_ev, sizeof *set_ts);
  for (size_t i = 0; i < ds->n_ev; i++) memcpy(set_ts[i], ev[i].set_ts, sizeof set_ts[i]);
  size_t n;
  rq_piece *pieces = rq_during_pieces(ds, q, order, (const int64_t (*)[RQ_N_PROPS])set_ts, ds->n_ev, &n);
  row *rows = xcalloc(n, sizeof *rows);
  for (size_t k = 0; k < n; k++) {
    row *r = &rows[k];
    *r = ev[pieces[k].at];
    r->piece = true;
    r->start = r->now = pieces[k].start;
    r->len = pieces[k].len;
    for (int p = 0; p < RQ_N_PROPS; p++) {
      bool lapsed = r->raw[p].t != RQ_NULL && ds->expires_us[p] > 0 && r->start - r->set_ts[p] >= ds->expires_us[p];
      r->carried[p] = lapsed ? ds->expires_to[p] : r->raw[p];
    }
  }
  free(pieces);
  free(set_ts);
  *n_out = n;
  return rows;
}

static row *build_rows(const rq_dataset *ds, const rq_query *q, size_t *n_rows) {
  const rq_event **order = rq_path_order(ds);
  row *rows = xcalloc(ds->n_ev, sizeof *rows);
  for (size_t i = 0; i < ds->n_ev; i++) {
    const rq_event *e = order[i];
    bool first = i == 0 || order[i - 1]->obj != e->obj;
    rows[i].e = e;
    if (!first) memcpy(rows[i].raw, rows[i - 1].raw, sizeof rows[i].raw),
        memcpy(rows[i].set_ts, rows[i - 1].set_ts, sizeof rows[i].set_ts);
    rq_carry(ds, e, first, rows[i].raw, rows[i].set_ts, rows[i].carried);
    rows[i].session = first ? 0 : rows[i - 1].session;
    if (!first && q->has_session && e->ts - order[i - 1]->ts > q->session_us) rows[i].session++;
    rows[i].now = e->ts;
  }
  *n_rows = ds->n_ev;
  if (q->during) {
    row *pieces = piece_rows(ds, q, order, rows, n_rows);
    free(rows);
    rows = pieces;
  }
  free(order);
  return rows;
}

/* AS OF: per object, its last row at or before the instant, with every
 * STATE value read again at the instant (a value set at s lapses once
 * instant - s > d). Objects without such a row are left out. */
static row *as_of_rows(const rq_dataset *ds, const rq_query *q, const row *all, size_t *n_out) {
  row *rows = xcalloc(ds->n_ev, sizeof *rows);
  size_t n = 0;
  for (size_t i = 0; i < ds->n_ev; i++) {
    bool last_of_object = i + 1 == ds->n_ev || all[i + 1].e->obj != all[i].e->obj;
    bool in = all[i].e->ts <= q->as_of_us;
    bool next_in = !last_of_object && all[i + 1].e->ts <= q->as_of_us;
    if (!in || next_in) continue;
    row r = all[i];
    r.now = q->as_of_us;
    for (int p = 0; p < RQ_N_PROPS; p++) {
      bool lapsed = r.raw[p].t != RQ_NULL && ds->expires_us[p] > 0 && r.now - r.set_ts[p] > ds->expires_us[p];
      r.carried[p] = lapsed ? ds->expires_to[p] : r.raw[p];
    }
    rows[n++] = r;
  }
  *n_out = n;
  return rows;
}

/* ---- scalar operators ---------------------------------------------------- */

static double num(const rq_val *v) { return v->t == RQ_INT ? (double)v->i : v->f; }

static rq_val overflowed(const ctx *c) {
  *c->overflow = true;
  return rq_null();
}

static rq_val arith(const ctx *c, const rq_node *n, rq_val a, rq_val b) {
  if (a.t == RQ_NULL || b.t == RQ_NULL) return rq_null();
  if (n->type == RQ_INT) {
    int64_t r = 0;
    bool o = false;
    switch (n->op) {
    case RQ_ADD: o = __builtin_add_overflow(a.i, b.i, &r); break;
    case RQ_SUB: o = __builtin_sub_overflow(a.i, b.i, &r); break;
    case RQ_MUL: o = __builtin_mul_overflow(a.i, b.i, &r); break;
    case RQ_MOD:
      if (b.i == 0) return rq_null();
      r = b.i == -1 ? 0 : a.i % b.i; /* C's % takes the dividend's sign */
      break;
    default: abort();
    }
    return o ? overflowed(c) : rq_int(r);
  }
  double x = num(&a), y = num(&b);
  switch (n->op) {
  case RQ_ADD: return rq_float(x + y);
  case RQ_SUB: return rq_float(x - y);
  case RQ_MUL: return rq_float(x * y);
  case RQ_DIV: return y == 0 ? rq_null() : rq_float(x / y);
  case RQ_MOD: return y == 0 ? rq_null() : rq_float(fmod(x, y));
  default: abort();
  }
}

static rq_val logic(int op, rq_val a, rq_val b) {
  bool a_null = a.t == RQ_NULL, b_null = b.t == RQ_NULL;
  if (op == RQ_AND) {
    if ((!a_null && !a.b) || (!b_null && !b.b)) return rq_bool(false);
    return a_null || b_null ? rq_null() : rq_bool(true);
  }
  if ((!a_null && a.b) || (!b_null && b.b)) return rq_bool(true);
  return a_null || b_null ? rq_null() : rq_bool(false);
}

static rq_val compare(int op, rq_val a, rq_val b) {
  if (a.t == RQ_NULL || b.t == RQ_NULL) return rq_null();
  int c = rq_val_cmp(&a, &b);
  switch (op) {
  case RQ_EQ: return rq_bool(c == 0);
  case RQ_NE: case RQ_NE2: return rq_bool(c != 0);
  case RQ_LT: return rq_bool(c < 0);
  case RQ_LE: return rq_bool(c <= 0);
  case RQ_GT: return rq_bool(c > 0);
  default: return rq_bool(c >= 0);
  }
}

static rq_val eval_bin(const ctx *c, const rq_node *n) {
  rq_val a = eval(c, n->args[0]), b = eval(c, n->args[1]);
  switch (n->op) {
  case RQ_AND: case RQ_OR: return logic(n->op, a, b);
  case RQ_ADD: case RQ_SUB: case RQ_MUL: case RQ_DIV: case RQ_MOD: return arith(c, n, a, b);
  default: return compare(n->op, a, b);
  }
}

static rq_val eval_in(const ctx *c, const rq_node *n) {
  rq_val x = eval(c, n->args[0]);
  bool found = false, saw_null = false;
  for (int i = 1; i < n->n_args; i++) {
    rq_val v = eval(c, n->args[i]);
    if (v.t == RQ_NULL)
      saw_null = true;
    else if (x.t != RQ_NULL && rq_val_cmp(&x, &v) == 0)
      found = true;
  }
  if (x.t == RQ_NULL || (!found && saw_null)) return rq_null();
  return rq_bool(found != n->neg);
}

/* Bytes of the UTF-8 character starting at s[0] (1 for stray bytes). */
static size_t char_len(const char *s, size_t len) {
  size_t n = 1;
  while (n < len && ((unsigned char)s[n] & 0xC0) == 0x80) n++;
  return n;
}

/* LIKE: '%' any run of characters, '_' exactly one character (code point),
 * case-sensitive, no escape. */
static bool like(const char *s, size_t sl, const char *p, size_t pl) {
  if (pl == 0) return sl == 0;
  if (p[0] == '%') {
    for (size_t i = 0;; i += char_len(s + i, sl - i)) {
      if (like(s + i, sl - i, p + 1, pl - 1)) return true;
      if (i >= sl) return false;
    }
  }
  if (sl == 0) return false;
  size_t sn = char_len(s, sl);
  if (p[0] == '_') return like(s + sn, sl - sn, p + 1, pl - 1);
  size_t pn = char_len(p, pl);
  if (pn != sn || memcmp(s, p, sn) != 0) return false;
  return like(s + sn, sl - sn, p + pn, pl - pn);
}

static rq_val day_text(int64_t days, bool month_only) {
  int64_t y;
  int m, d;
  rq_civil_from_days(days, &y, &m, &d);
  /* docs/LANGUAGE.md decision 22: a day/week/month beyond years 0000-9999 is NULL */
  if (y < 0 || y > 9999) return rq_null();
  char tmp[24];
  if (month_only)
    snprintf(tmp, sizeof tmp, "%04lld-%02d", (long long)y, m);
  else
    snprintf(tmp, sizeof tmp, "%04lld-%02d-%02d", (long long)y, m, d);
  return rq_str(tmp, strlen(tmp));
}

static rq_val eval_bucket(const ctx *c, const rq_node *n) {
  rq_val v = eval(c, n->args[0]);
  if (v.t == RQ_NULL) return v;
  int64_t days = rq_floor_div(v.i, RQ_US_PER_DAY);
  int64_t weekday = ((days + 3) % 7 + 7) % 7; /* 1970-01-01 was a Thursday; 0 = Monday */
  switch (n->op) {
  case RQ_HOUR: return rq_int((v.i - days * RQ_US_PER_DAY) / RQ_US_PER_HOUR);
  case RQ_WEEKDAY: return rq_int(weekday);
  case RQ_DAY: return day_text(days, false);
  case RQ_WEEK: return day_text(days - weekday, false);
  default: return day_text(days, true);
  }
}

/* ---- aggregates ------------------------------------------------------------ */

static bool seen_before(const rq_val *vals, size_t n, const rq_val *v) {
  for (size_t i = 0; i < n; i++)
    if (rq_val_same(&vals[i], v)) return true;
  return false;
}

static rq_val distinct_paths(const ctx *c, bool sessions) {
  const group *g = c->grp;
  size_t n = 0;
  for (size_t i = 0; i < g->n; i++) {
    const row *r = &c->rows[g->rows[i]];
    bool dup = false;
    for (size_t j = 0; j < i && !dup; j++) {
      const row *o = &c->rows[g->rows[j]];
      dup = o->e->obj == r->e->obj && (!sessions || o->session == r->session);
    }
    n += !dup;
  }
  return rq_int((int64_t)n);
}

static rq_val sum_avg(const ctx *c, const rq_node *n, const rq_val *vals, size_t k) {
  if (k == 0) return rq_null();
  if (n->args[0]->type == RQ_INT) {
    __int128 acc = 0;
    for (size_t i = 0; i < k; i++) acc += vals[i].i;
    if (n->op == RQ_AVG) return rq_float((double)acc / (double)k);
    if (acc > INT64_MAX || acc < INT64_MIN) {
      *(c->sum_overflow ? c->sum_overflow : c->overflow) = true;
      return rq_null();
    }
    return rq_int((int64_t)acc);
  }
  double acc = 0;
  for (size_t i = 0; i < k; i++) acc += vals[i].f;
  return rq_float(n->op == RQ_AVG ? acc / (double)k : acc);
}

static int by_value(const void *a, const void *b) { return rq_val_cmp(a, b); }

/* median and quantile: the element at floor(q (k-1)) of the sorted values,
 * q = num/den exactly; the lower median is q = 1/2. */
static rq_val order_stat(rq_val *vals, size_t k, uint64_t num, uint64_t den) {
  if (k == 0) return rq_null();
  qsort(vals, k, sizeof *vals, by_value);
  return vals[(size_t)((unsigned __int128)num * (k - 1) / den)];
}

/* Population standard deviation, two passes over the values. */
static rq_val stddev_of(const rq_node *n, const rq_val *vals, size_t k) {
  if (k == 0) return rq_null();
  bool is_int = n->args[0]->type == RQ_INT;
  double sum = 0, ss = 0;
  for (size_t i = 0; i < k; i++) sum += is_int ? (double)vals[i].i : vals[i].f;
  double mean = sum / (double)k;
  for (size_t i = 0; i < k; i++) {
    double d = (is_int ? (double)vals[i].i : vals[i].f) - mean;
    ss += d * d;
  }
  return rq_float(sqrt(ss / (double)k));
}

/* The aggregate `n` over every row of the group, its FILTER aside. */
static rq_val agg_value(const ctx *c, const rq_node *n) {
  const group *g = c->grp;
  if (n->op == RQ_COUNT_ALL) return rq_int((int64_t)g->n);
  if (n->op == RQ_OBJECTS || n->op == RQ_COUNT_DISTINCT_OBJECT) return distinct_paths(c, false);
  if (n->op == RQ_SESSIONS) return distinct_paths(c, true);
  rq_val *vals = xcalloc(g->n, sizeof *vals);
  size_t k = 0;
  ctx ec = *c;
  ec.grp = NULL;
  for (size_t i = 0; i < g->n; i++) {
    ec.cur = &c->rows[g->rows[i]];
    rq_val v = eval(&ec, n->args[0]);
    if (v.t == RQ_NULL) continue;
    if (n->op == RQ_COUNT_DISTINCT && seen_before(vals, k, &v)) continue;
    vals[k++] = v;
  }
  rq_val out = rq_null();
  switch (n->op) {
  case RQ_COUNT: case RQ_COUNT_DISTINCT: out = rq_int((int64_t)k); break;
  case RQ_SUM: case RQ_AVG: out = sum_avg(c, n, vals, k); break;
  case RQ_MEDIAN: out = order_stat(vals, k, 1, 2); break;
  case RQ_QUANTILE: out = order_stat(vals, k, n->q_num, n->q_den); break;
  case RQ_STDDEV: out = stddev_of(n, vals, k); break;
  default:
    for (size_t i = 0; i < k; i++) {
      int cmp = out.t == RQ_NULL ? 0 : rq_val_cmp(&vals[i], &out);
      if (out.t == RQ_NULL || (n->op == RQ_MIN ? cmp < 0 : cmp > 0)) out = vals[i];
    }
  }
  free(vals);
  return out;
}

static void group_add(group *g, size_t row_index);

/* Does condition `cond` (NULL: none) hold at row `i`: TRUE, not NULL or FALSE? */
static bool holds_at(const ctx *c, const rq_node *cond, size_t i) {
  if (!cond) return true;
  ctx ec = *c;
  ec.grp = NULL;
  ec.cur = &c->rows[i];
  rq_val v = eval(&ec, cond);
  return v.t == RQ_BOOL && v.b;
}

/* An aggregate over the group's rows where its FILTER holds (evaluated at
 * every row of the group; the argument then only at those it keeps). */
static rq_val eval_agg(const ctx *c, const rq_node *n) {
  if (!n->filter) return agg_value(c, n);
  group kept;
  memset(&kept, 0, sizeof kept);
  for (size_t i = 0; i < c->grp->n; i++)
    if (holds_at(c, n->filter, c->grp->rows[i])) group_add(&kept, c->grp->rows[i]);
  ctx fc = *c;
  fc.grp = &kept;
  rq_val out = agg_value(&fc, n);
  free(kept.rows);
  return out;
}

/* agg(x) [FILTER (WHERE f)] OVER OBJECT at the current event: its object's
 * events that WHERE keeps (and f, evaluated at each of those), aggregated
 * like a group's. */
static rq_val eval_over(const ctx *c, const rq_node *n) {
  if (!c->cur) abort(); /* only keys hold it, and keys are evaluated per event */
  size_t at = (size_t)(c->cur - c->rows), lo = at, hi = at + 1;
  uint64_t obj = c->cur->e->obj;
  while (lo > 0 && c->rows[lo - 1].e->obj == obj) lo--;
  while (hi < c->n_rows && c->rows[hi].e->obj == obj) hi++;
  group kept;
  memset(&kept, 0, sizeof kept);
  ctx ec = *c;
  ec.grp = NULL;
  for (size_t i = lo; i < hi; i++)
    if (holds_at(c, c->q->where, i) && holds_at(c, n->filter, i)) group_add(&kept, i);
  rq_val out = rq_null();
  if (n->op == RQ_FIRST || n->op == RQ_LAST) {
    for (size_t j = 0; j < kept.n && out.t == RQ_NULL; j++) {
      ec.cur = &c->rows[kept.rows[n->op == RQ_FIRST ? j : kept.n - 1 - j]];
      out = eval(&ec, n->args[0]);
    }
  } else {
    ctx ac = *c;
    ac.grp = &kept;
    ac.sum_overflow = c->overflow; /* the scan reads it at every matching event */
    out = agg_value(&ac, n);
  }
  free(kept.rows);
  return out;
}

/* next / prev / nth / dwell at the current event, from PATHS.md §4 alone:
 * walk the object's whole path (WHERE plays no part) from the current
 * event, one event at a time, staying in its session; count the events
 * the function counts (all; those where its WHERE is TRUE; with DISTINCT
 * those whose x differs from x at the previously counted one, the first
 * comparison against the current event's x) and take x at the n-th. */
static rq_val eval_path(const ctx *c, const rq_node *n) {
  if (!c->cur) abort(); /* per event only */
  size_t at = (size_t)(c->cur - c->rows), lo = at, hi = at + 1;
  uint64_t obj = c->cur->e->obj;
  while (lo > 0 && c->rows[lo - 1].e->obj == obj) lo--;
  while (hi < c->n_rows && c->rows[hi].e->obj == obj) hi++;
  int64_t session = c->cur->session;
  ctx ec = *c;
  ec.grp = NULL;
  if (n->op == RQ_NTH) {
    int64_t count = 0;
    for (size_t k = lo; k <= at; k++) count += c->rows[k].session == session && holds_at(c, n->args[0], k);
    return rq_int(count);
  }
  if (n->op == RQ_DWELL)
    return at + 1 < hi && c->rows[at + 1].session == session ? rq_int(c->rows[at + 1].e->ts - c->cur->e->ts) : rq_null();
  int need = n->index ? n->index : 1;
  rq_val ref = n->distinct ? eval(&ec, n->args[0]) : rq_null();
  for (size_t k = at;;) {
    if (n->op == RQ_NEXT ? k + 1 >= hi : k <= lo) return rq_null();
    k = n->op == RQ_NEXT ? k + 1 : k - 1;
    if (c->rows[k].session != session) return rq_null();
    ec.cur = &c->rows[k];
    bool counted = true;
    if (n->distinct) {
      rq_val v = eval(&ec, n->args[0]);
      counted = !rq_val_same(&v, &ref);
      if (counted) ref = v;
    } else if (n->filter) {
      counted = holds_at(c, n->filter, k);
    }
    if (counted && --need == 0) return eval(&ec, n->args[0]);
  }
}

/* ---- the evaluator ----------------------------------------------------------- */

static rq_val eval_prop(const ctx *c, const rq_node *n) {
  bool state = n->ref == 1 || (n->ref == 0 && rq_props[n->prop].state);
  return state ? c->cur->carried[n->prop] : c->cur->e->v[n->prop];
}

static rq_val eval(const ctx *c, const rq_node *n) {
  if (c->grp) /* post aggregation: a GROUP BY key stands for its value */
    for (int k = 0; k < c->q->n_keys; k++)
      if (n == c->q->keys[k]) return c->grp->key[k];
  switch (n->kind) {
  case RQ_E_LIT: return n->val;
  case RQ_E_OBJECT: return rq_obj(c->cur->e->obj);
  case RQ_E_TIMESTAMP: return rq_int(c->cur->piece ? c->cur->start : c->cur->e->ts);
  case RQ_E_DURATION: return rq_int(c->cur->len);
  case RQ_E_ACTION: return c->cur->e->action;
  case RQ_E_PROP: return eval_prop(c, n);
  case RQ_E_SESSNUM: return rq_int(c->cur->session);
  case RQ_E_NEG: {
    rq_val v = eval(c, n->args[0]);
    if (v.t == RQ_INT) return v.i == INT64_MIN ? overflowed(c) : rq_int(-v.i);
    return v.t == RQ_FLOAT ? rq_float(-v.f) : v;
  }
  case RQ_E_NOT: {
    rq_val v = eval(c, n->args[0]);
    return v.t == RQ_NULL ? v : rq_bool(!v.b);
  }
  case RQ_E_ISNULL: return rq_bool((eval(c, n->args[0]).t == RQ_NULL) != n->neg);
  case RQ_E_BIN: return eval_bin(c, n);
  case RQ_E_IN: return eval_in(c, n);
  case RQ_E_LIKE: {
    rq_val v = eval(c, n->args[0]);
    if (v.t == RQ_NULL) return v;
    return rq_bool(like(v.s, v.len, n->text, strlen(n->text)) != n->neg);
  }
  case RQ_E_BUCKET: return eval_bucket(c, n);
  case RQ_E_AGG: return eval_agg(c, n);
  case RQ_E_OVER: return eval_over(c, n);
  case RQ_E_PATH: return eval_path(c, n);
  case RQ_E_KEY: return c->grp->key[n->index];
  case RQ_E_ALIAS: return eval(c, c->q->items[n->index]);
  case RQ_E_RAW: abort(); /* mutants are never evaluated */
  case RQ_E_AGE: { /* since last set, heartbeats included; a lapse does not change it */
    int64_t set = c->cur->set_ts[n->prop];
    return set == RQ_NEVER_SET ? rq_null() : rq_int(c->cur->now - set);
  }
  }
  abort();
}

/* ---- grouping, HAVING, ordering ------------------------------------------------ */

typedef struct out_row {
  const rq_query *q;
  const group *g;
  rq_val items[RQ_MAX_ITEMS];
  rq_val ord[RQ_MAX_ORDER];
} out_row;

static int out_order(const void *a, const void *b) {
  const out_row *x = a, *y = b;
  const rq_query *q = x->q;
  for (int i = 0; i < q->n_order; i++) {
    int c = rq_val_cmp(&x->ord[i], &y->ord[i]);
    if (c) return q->order[i].desc ? -c : c;
  }
  for (int k = 0; k < q->n_keys; k++) {
    int c = rq_val_cmp(&x->g->key[k], &y->g->key[k]);
    if (c) return c;
  }
  return 0;
}

static group *find_group(group **groups, size_t *n_groups, const rq_val *key, int n_keys) {
  for (size_t i = 0; i < *n_groups; i++) {
    bool same = true;
    for (int k = 0; k < n_keys && same; k++) same = rq_val_same(&(*groups)[i].key[k], &key[k]);
    if (same) return &(*groups)[i];
  }
  *groups = realloc(*groups, (*n_groups + 1) * sizeof **groups);
  if (!*groups) abort();
  group *g = &(*groups)[(*n_groups)++];
  memset(g, 0, sizeof *g);
  for (int k = 0; k < n_keys; k++) g->key[k] = key[k];
  return g;
}

static void group_add(group *g, size_t row_index) {
  if (g->n == g->cap) {
    g->cap = g->cap ? g->cap * 2 : 8;
    g->rows = realloc(g->rows, g->cap * sizeof *g->rows);
    if (!g->rows) abort();
  }
  g->rows[g->n++] = row_index;
}

static group *group_events(size_t n_rows, const rq_query *q, const row *rows, bool *overflow, size_t *n_out) {
  group *groups = NULL;
  size_t n_groups = 0;
  rq_val none[RQ_MAX_KEYS] = {rq_null(), rq_null()};
  if (q->n_keys == 0) find_group(&groups, &n_groups, none, 0); /* exactly one row without GROUP BY */
  ctx c = {.q = q, .rows = rows, .n_rows = n_rows, .overflow = overflow};
  for (size_t i = 0; i < n_rows; i++) {
    c.cur = &rows[i];
    if (q->where) {
      rq_val w = eval(&c, q->where);
      if (w.t != RQ_BOOL || !w.b) continue;
    }
    rq_val key[RQ_MAX_KEYS];
    for (int k = 0; k < q->n_keys; k++) key[k] = eval(&c, q->keys[k]);
    group_add(find_group(&groups, &n_groups, key, q->n_keys), i);
  }
  *n_out = n_groups;
  return groups;
}

/* Items, HAVING and ORDER BY values of one group; false when HAVING
 * rejects. Every item is evaluated (an INT overflow in an aggregate's
 * argument is an error wherever the group goes), but an INT sum beyond
 * int64 is an error only when read: in HAVING, or in the items and ORDER
 * BY of a group HAVING keeps. */
static bool finish_group(const ctx *c, out_row *o) {
  const rq_query *q = c->q;
  o->q = q;
  o->g = c->grp;
  bool kept = true, dropped_sum = false;
  if (q->having) {
    rq_val h = eval(c, q->having);
    kept = h.t == RQ_BOOL && h.b;
  }
  ctx ic = *c;
  if (!kept) ic.sum_overflow = &dropped_sum;
  c = &ic;
  for (int i = 0; i < q->n_items; i++) o->items[i] = eval(c, q->items[i]);
  for (int i = 0; i < q->n_order; i++) {
    const rq_order *ord = &q->order[i];
    if (ord->item)
      o->ord[i] = o->items[ord->item - 1];
    else if (ord->alias_of)
      o->ord[i] = o->items[ord->alias_of - 1];
    else
      o->ord[i] = eval(c, ord->expr);
  }
  return kept;
}

void rq_evaluate(const rq_dataset *ds, const rq_query *q, rq_answer *out) {
  memset(out, 0, sizeof *out);
  out->n_cols = q->n_items;
  size_t n_rows;
  row *rows = build_rows(ds, q, &n_rows);
  if (q->has_as_of) {
    row *all = rows;
    rows = as_of_rows(ds, q, all, &n_rows);
    free(all);
  }
  bool overflow = false;
  size_t n_groups;
  group *groups = group_events(n_rows, q, rows, &overflow, &n_groups);
  out_row *res = xcalloc(n_groups, sizeof *res);
  size_t n_res = 0;
  for (size_t i = 0; i < n_groups; i++) {
    ctx c = {.q = q, .rows = rows, .n_rows = n_rows, .grp = &groups[i], .overflow = &overflow};
    if (finish_group(&c, &res[n_res])) n_res++;
  }
  qsort(res, n_res, sizeof *res, out_order);
  if (q->limit >= 0 && (size_t)q->limit < n_res) n_res = (size_t)q->limit;
  out->overflow = overflow;
  out->n_rows = overflow ? 0 : n_res;
  out->cells = xcalloc(out->n_rows * (size_t)(q->n_items ? q->n_items : 1), sizeof *out->cells);
  for (size_t r = 0; r < out->n_rows; r++)
    for (int i = 0; i < q->n_items; i++) out->cells[r * (size_t)q->n_items + (size_t)i] = res[r].items[i];
  for (size_t i = 0; i < n_groups; i++) free(groups[i].rows);
  free(groups);
  free(res);
  free(rows);
}

rq_val rq_eval_at(const rq_query *q, const rq_event *e, const rq_val *carried, const int64_t *set_ts, int64_t session,
                  const rq_node *n, bool *overflow) {
  row r = {.e = e, .session = session, .now = e->ts};
  memcpy(r.carried, carried, sizeof r.carried);
  memcpy(r.set_ts, set_ts, sizeof r.set_ts);
  ctx c = {.q = q, .rows = &r, .n_rows = 1, .cur = &r, .overflow = overflow};
  return eval(&c, n);
}

void rq_answer_free(rq_answer *a) {
  free(a->cells);
  memset(a, 0, sizeof *a);
}
