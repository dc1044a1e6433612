/* rq_during.c — SELECT ... DURING for the independent random-query checker
 * (PATHS.md §7): which generated queries become DURING queries, and the
 * pieces the naive evaluator (rq_eval.c) then treats as its rows.
 *
 * The pieces are found differently from Sky's scan (which walks each
 * event's interval and cuts it): here every instant where anything may
 * change is collected per object — t1, t2, the object's event timestamps,
 * every EVERY boundary inside the range (this module's own calendar
 * arithmetic) and every lapse instant s + d whose set time s is still the
 * current one at that instant — then sorted, and each gap between two
 * consecutive instants, from the object's first event on, is one piece,
 * belonging to the last event (in path order) at or before its start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random/rq.h"

/* ---- the generator's half ------------------------------------------------------ */

typedef struct scan {
  bool forbidden;    /* OVER OBJECT, next/prev/nth/dwell, session.number, sessions() */
  unsigned buckets;  /* bit per rq_bucket used */
} scan;

static void walk(const rq_node *n, scan *s) {
  if (!n) return;
  if (n->kind == RQ_E_OVER || n->kind == RQ_E_PATH || n->kind == RQ_E_SESSNUM || n->kind == RQ_E_RAW ||
      (n->kind == RQ_E_AGG && n->op == RQ_SESSIONS))
    s->forbidden = true;
  if (n->kind == RQ_E_BUCKET) s->buckets |= 1u << n->op;
  for (int i = 0; i < n->n_args; i++) walk(n->args[i], s);
  walk(n->filter, s);
}

/* May EVERY `every` (-1: none) stand with the buckets `mask`? hour() needs
 * HOUR; day() and weekday() HOUR or DAY; week() HOUR, DAY or WEEK; month()
 * HOUR, DAY or MONTH. */
static bool every_fits(int every, unsigned mask) {
  for (int f = RQ_HOUR; f <= RQ_MONTH; f++) {
    if (!(mask & (1u << f))) continue;
    bool ok = every == RQ_HOUR || (every == RQ_DAY && f != RQ_HOUR) || (every == RQ_WEEK && f == RQ_WEEK) ||
              (every == RQ_MONTH && f == RQ_MONTH);
    if (!ok) return false;
  }
  return true;
}

#define TS_LO (rq_utc(0, 1, 1, 0, 0, 0))
#define TS_HI (rq_utc(9999, 12, 31, 23, 59, 59) + 1000000) /* one past the last storable instant */

static void instant_text(char *out, int64_t ts, rq_rng *r) {
  rq_buf b;
  rq_buf_init(&b);
  if (rq_chance(r, 30)) {
    rq_buf_printf(&b, "%lld", (long long)ts);
  } else if (ts < TS_HI) {
    rq_buf_puts(&b, "'");
    rq_format_iso(&b, ts, (unsigned)rq_below(r, 128));
    rq_buf_puts(&b, "'");
  } else {
    rq_buf_printf(&b, "%lld", (long long)ts);
  }
  snprintf(out, 64, "%s", b.data);
  rq_buf_free(&b);
}

static rq_node *duration_node(rq_query *q, rq_rng *r) {
  rq_node *d = rqb_node(q, RQ_E_DURATION, RQ_INT);
  d->upper = rq_chance(r, 10);
  return d;
}

void rq_during_maybe(rq_query *q, const rq_dataset *ds, rq_rng *r) {
  if (!rq_chance(r, 20) || q->expect != RQ_EXPECT_ROWS || q->truncate_at_pct || q->has_session || q->has_as_of) return;
  scan s = {0};
  for (int k = 0; k < q->n_keys; k++) walk(q->keys[k], &s);
  for (int i = 0; i < q->n_items; i++) walk(q->items[i], &s);
  walk(q->where, &s);
  walk(q->having, &s);
  for (int i = 0; i < q->n_order; i++) walk(q->order[i].expr, &s);
  if (s.forbidden) return;
  static const int everies[] = {-1, RQ_HOUR, RQ_DAY, RQ_WEEK, RQ_MONTH};
  int every;
  do every = everies[rq_below(r, 5)];
  while (!every_fits(every, s.buckets) || (every < 0 && s.buckets));
  /* The range: around a random event, cutting through the data; its ends
   * often exactly at events. Spans keep the pieces few enough. */
  static const int64_t spans[] = {[RQ_HOUR] = 3 * RQ_US_PER_DAY, [RQ_DAY] = 60 * RQ_US_PER_DAY,
                                  [RQ_WEEK] = 120 * RQ_US_PER_DAY, [RQ_MONTH] = 400 * RQ_US_PER_DAY};
  int64_t span = every < 0 ? 60 * RQ_US_PER_DAY : spans[every];
  const rq_event *e = ds->n_ev ? &ds->ev[rq_below(r, ds->n_ev)] : NULL;
  int64_t t1 = e ? e->ts : rq_utc(2026, 3, 1, 0, 0, 0);
  switch (rq_below(r, 4)) {
  case 0: break; /* at an event */
  case 1: t1 -= rq_range(r, 0, span); break;
  case 2: t1 -= rq_range(r, 0, 3 * RQ_US_PER_HOUR); break;
  default: t1 = rq_floor_div(t1, RQ_US_PER_DAY) * RQ_US_PER_DAY; break; /* its midnight */
  }
  if (t1 < TS_LO) t1 = TS_LO;
  if (t1 >= TS_HI) t1 = TS_HI - 1;
  int64_t t2;
  const rq_event *f = ds->n_ev ? &ds->ev[rq_below(r, ds->n_ev)] : NULL;
  if (f && rq_chance(r, 30) && f->ts > t1 && f->ts - t1 <= span)
    t2 = f->ts; /* at another event */
  else
    t2 = t1 + (rq_chance(r, 20) ? rq_range(r, 1, 1000) : rq_range(r, 1, span));
  if (t2 > TS_HI) t2 = TS_HI;
  q->during = true;
  q->during_from = t1;
  q->during_to = t2;
  q->during_every = every;
  instant_text(q->during_text[0], t1, r);
  instant_text(q->during_text[1], t2, r);
  /* duration(): in a sum or max item, and sometimes in WHERE */
  if (q->n_items < RQ_MAX_ITEMS && rq_chance(r, 70)) {
    rq_node *a = rqb_node(q, RQ_E_AGG, RQ_INT);
    a->op = rq_chance(r, 75) ? RQ_SUM : RQ_MAX;
    a->n_args = 1;
    a->args[0] = duration_node(q, r);
    q->alias[q->n_items][0] = '\0';
    q->pad[q->n_items] = 0;
    q->items[q->n_items++] = a;
  }
  if (rq_chance(r, 15)) {
    rq_node *lim = rqb_lit(q, rq_int(rq_chance(r, 50) ? RQ_US_PER_HOUR : rq_range(r, 0, 10 * RQ_US_PER_MIN)));
    rq_node *c = rqb_cmp(q, rq_chance(r, 50) ? RQ_GE : RQ_LT, duration_node(q, r), lim);
    if (q->where) {
      rq_node *both = rqb_node(q, RQ_E_BIN, RQ_BOOL);
      both->op = RQ_AND;
      both->n_args = 2;
      both->args[0] = q->where;
      both->args[1] = c;
      both->paren = true;
      c = both;
    }
    q->where = c;
  }
}

/* ---- the evaluator's half -------------------------------------------------------- */

static int by_instant(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

typedef struct cuts {
  int64_t *v;
  size_t n, cap;
} cuts;

static void cut_add(cuts *c, int64_t t) {
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 64;
    c->v = realloc(c->v, c->cap * sizeof *c->v);
    if (!c->v) abort();
  }
  c->v[c->n++] = t;
}

/* Every start of an EVERY period strictly inside (t1, t2). */
static void add_boundaries(cuts *c, int every, int64_t t1, int64_t t2) {
  if (every < 0) return;
  int64_t day0 = rq_floor_div(t1, RQ_US_PER_DAY);
  if (every == RQ_HOUR) {
    for (int64_t h = rq_floor_div(t1, RQ_US_PER_HOUR) + 1; h * RQ_US_PER_HOUR < t2; h++) cut_add(c, h * RQ_US_PER_HOUR);
    return;
  }
  for (int64_t d = day0 + 1; d * RQ_US_PER_DAY < t2; d++) {
    int64_t y;
    int m, dd;
    rq_civil_from_days(d, &y, &m, &dd);
    bool monday = rq_floor_div(d + 3, 7) * 7 == d + 3; /* 1970-01-05, day 4, was a Monday */
    if (every == RQ_DAY || (every == RQ_WEEK && monday) || (every == RQ_MONTH && dd == 1)) cut_add(c, d * RQ_US_PER_DAY);
  }
}

rq_piece *rq_during_pieces(const rq_dataset *ds, const rq_query *q, const rq_event *const *order,
                           const int64_t (*set_ts)[RQ_N_PROPS], size_t n, size_t *n_out) {
  rq_piece *out = NULL;
  size_t n_pieces = 0, cap = 0;
  int64_t t1 = q->during_from, t2 = q->during_to;
  for (size_t lo = 0, hi; lo < n; lo = hi) {
    for (hi = lo + 1; hi < n && order[hi]->obj == order[lo]->obj; hi++) {
    }
    cuts c = {0};
    cut_add(&c, t1);
    cut_add(&c, t2);
    add_boundaries(&c, q->during_every, t1, t2);
    for (size_t i = lo; i < hi; i++) {
      if (order[i]->ts > t1 && order[i]->ts < t2) cut_add(&c, order[i]->ts);
      for (int p = 0; p < RQ_N_PROPS; p++) {
        if (ds->expires_us[p] <= 0 || order[i]->v[p].t == RQ_NULL) continue;
        int64_t at = order[i]->ts + ds->expires_us[p];
        if (at <= t1 || at >= t2) continue;
        size_t j = lo; /* the last event at or before `at` */
        for (size_t k = lo; k < hi && order[k]->ts <= at; k++) j = k;
        if (set_ts[j][p] == order[i]->ts) cut_add(&c, at);
      }
    }
    qsort(c.v, c.n, sizeof *c.v, by_instant);
    for (size_t k = 0; k + 1 < c.n; k++) {
      int64_t a = c.v[k], b = c.v[k + 1];
      if (a == b || a < order[lo]->ts) continue;
      size_t j = lo;
      for (size_t i = lo; i < hi && order[i]->ts <= a; i++) j = i;
      if (n_pieces == cap) {
        cap = cap ? cap * 2 : 64;
        out = realloc(out, cap * sizeof *out);
        if (!out) abort();
      }
      out[n_pieces++] = (rq_piece){.at = j, .start = a, .len = b - a};
    }
    free(c.v);
  }
  *n_out = n_pieces;
  return out;
}
