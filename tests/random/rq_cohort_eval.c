/* rq_cohort_eval.c — the brute-force answers to RETENTION, LIFECYCLE and
 * STICKINESS, written from PATHS.md §0, §2 and §3 alone.
 *
 * Per object: sort its events by (timestamp, arrival), carry each state
 * property's latest non-NULL value over all of them, and mark the matching
 * events (WHERE TRUE; NULL is not TRUE). Then, literally:
 *   RETENTION  start events are matching events whose FROM condition is
 *              TRUE; FIRST makes one entry at the first, RECURRING one at
 *              the first start of each calendar period. For an entry at s
 *              every matching event at or after s in path order whose TO
 *              condition is TRUE is a return; its index is the calendar
 *              period difference (ROLLING: floor of the time difference
 *              over P); it marks k = index (ON OR AFTER: every k <= index)
 *              for k < n. Keys are evaluated at s. Rows: one per (keys,
 *              cohort, k), counting entries and marked entries.
 *   LIFECYCLE  each object's set of periods with a matching event, as a
 *              bitmap from the first active period of any object to one
 *              past the last; every period's four counts by looking at the
 *              bitmaps of P and P-1.
 *   STICKINESS each object's number of distinct active periods, counted.
 * Sorting, grouping and counting are linear scans and qsort; calendar
 * periods come from rq_util.c's own civil calendar. Nothing here resembles
 * the engine's single pass.
 *
 * Readings where the definitions leave room:
 *  C1. A period label whose year lies outside 0000-9999 (a WEEK whose
 *      Monday falls in year -1, the period after 9999-12-31) has no text
 *      (LANGUAGE.md decision 22): such answers set `undefined_label` and the
 *      driver compares only the engines.
 *  C2. RETENTION entries are grouped by (keys, cohort period); `share` is
 *      (double)objects / (double)cohort_size, never NULL (a row exists only
 *      for a cohort with entries).
 *  C3. HAVING, ORDER BY and LIMIT apply to these rows as rq_tail.c says;
 *      ORDER BY ties keep the default order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random/rq_cohort.h"

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) abort();
  return p;
}

/* ---- calendar periods ---------------------------------------------------------------- */

int64_t rqc_period(rqc_unit u, int64_t ts) {
  int64_t days = rq_floor_div(ts, RQ_US_PER_DAY);
  switch (u) {
  case RQC_HOUR: return rq_floor_div(ts, RQ_US_PER_HOUR);
  case RQC_DAY: return days;
  case RQC_WEEK: return rq_floor_div(days + 3, 7); /* 1970-01-01 was a Thursday: week 0 starts Monday 1969-12-29 */
  case RQC_MONTH: {
    int64_t y;
    int m, d;
    rq_civil_from_days(days, &y, &m, &d);
    return y * 12 + (m - 1);
  }
  }
  return 0;
}

rq_val rqc_period_label(rqc_unit u, int64_t index) {
  int64_t y, days = 0;
  int m, d, hour = 0;
  switch (u) {
  case RQC_HOUR:
    days = rq_floor_div(index, 24);
    hour = (int)(index - days * 24);
    break;
  case RQC_DAY: days = index; break;
  case RQC_WEEK: days = index * 7 - 3; break;
  case RQC_MONTH: break;
  }
  if (u == RQC_MONTH) {
    y = rq_floor_div(index, 12);
    m = (int)(index - y * 12) + 1;
    d = 1;
  } else {
    rq_civil_from_days(days, &y, &m, &d);
  }
  if (y < 0 || y > 9999) return rq_null();
  char tmp[24];
  if (u == RQC_HOUR)
    snprintf(tmp, sizeof tmp, "%04lld-%02d-%02dT%02d", (long long)y, m, d, hour);
  else if (u == RQC_MONTH)
    snprintf(tmp, sizeof tmp, "%04lld-%02d", (long long)y, m);
  else
    snprintf(tmp, sizeof tmp, "%04lld-%02d-%02d", (long long)y, m, d);
  return rq_str(tmp, strlen(tmp));
}

int64_t rqc_rolling_us(rqc_unit u) {
  static const int64_t p[] = {RQ_US_PER_HOUR, RQ_US_PER_DAY, 7 * RQ_US_PER_DAY, 30 * RQ_US_PER_DAY};
  return p[u];
}

/* ---- one object's path ------------------------------------------------------------------- */

typedef struct pev {
  const rq_event *e;
  rq_val carried[RQ_N_PROPS]; /* what a read at e sees (rq_carry: lapsed values read their TO value) */
  int64_t set_ts[RQ_N_PROPS]; /* when each was last set (age()) */
  bool matching;              /* WHERE is TRUE */
} pev;

static bool holds(const rqc_stmt *c, const pev *p, const rq_node *n) {
  bool overflow = false;
  rq_val v = rq_eval_at(c->q, p->e, p->carried, p->set_ts, 0, n, &overflow);
  return v.t == RQ_BOOL && v.b;
}

/* The objects of `ds`, each as its path: paths[i] has n_ev[i] events. */
typedef struct paths {
  size_t n;
  pev **ev;
  size_t *n_ev;
} paths;

static void paths_build(const rq_dataset *ds, const rqc_stmt *c, paths *out) {
  const rq_event **order = rq_path_order(ds);
  memset(out, 0, sizeof *out);
  out->ev = xcalloc(ds->n_ev, sizeof *out->ev);
  out->n_ev = xcalloc(ds->n_ev, sizeof *out->n_ev);
  for (size_t i = 0; i < ds->n_ev;) {
    size_t j = i;
    while (j < ds->n_ev && order[j]->obj == order[i]->obj) j++;
    pev *p = xcalloc(j - i, sizeof *p);
    rq_val raw[RQ_N_PROPS];
    int64_t set_ts[RQ_N_PROPS];
    for (size_t k = 0; k < j - i; k++) {
      p[k].e = order[i + k];
      rq_carry(ds, p[k].e, k == 0, raw, set_ts, p[k].carried); /* lapsed states read their TO value */
      memcpy(p[k].set_ts, set_ts, sizeof set_ts);
      p[k].matching = !c->where || holds(c, &p[k], c->where);
    }
    out->ev[out->n] = p;
    out->n_ev[out->n++] = j - i;
    i = j;
  }
  free(order);
}

static void paths_free(paths *p) {
  for (size_t i = 0; i < p->n; i++) free(p->ev[i]);
  free(p->ev);
  free(p->n_ev);
}

/* ---- RETENTION ------------------------------------------------------------------------------ */

/* The index of return `e` for an entry starting at `s`. */
static int64_t return_index(const rqc_stmt *c, const rq_event *s, const rq_event *e) {
  if (c->rolling) return (e->ts - s->ts) / rqc_rolling_us(c->unit); /* e is at or after s: never negative */
  return rqc_period(c->unit, e->ts) - rqc_period(c->unit, s->ts);
}

static void add_entry(const rqc_stmt *c, const pev *path, size_t n, size_t s, rqc_entry **v, size_t *len,
                      size_t *cap) {
  if (*len == *cap) {
    *cap = *cap ? *cap * 2 : 16;
    *v = realloc(*v, *cap * sizeof **v);
    if (!*v) abort();
  }
  rqc_entry *x = &(*v)[(*len)++];
  memset(x, 0, sizeof *x);
  const pev *sp = &path[s];
  x->obj = sp->e->obj;
  x->start_ts = sp->e->ts;
  x->start_seq = sp->e->seq;
  x->cohort = rqc_period(c->unit, sp->e->ts);
  for (int k = 0; k < c->n_keys; k++) {
    bool overflow = false;
    x->key[k] = rq_eval_at(c->q, sp->e, sp->carried, sp->set_ts, 0, c->keys[k], &overflow);
  }
  for (size_t i = s; i < n; i++) { /* at or after s in path order: s itself included */
    if (!path[i].matching || !holds(c, &path[i], c->ret)) continue;
    int64_t idx = return_index(c, sp->e, path[i].e);
    if (c->on_or_after)
      for (int64_t k = 0; k <= idx && k < c->n; k++) x->retained[k] = true; /* index >= k */
    else if (idx < c->n)
      x->retained[idx] = true; /* index == k */
  }
}

rqc_entry *rqc_entries(const rq_dataset *ds, const rqc_stmt *c, size_t *n_out) {
  paths ps;
  paths_build(ds, c, &ps);
  rqc_entry *v = NULL;
  size_t len = 0, cap = 0;
  for (size_t o = 0; o < ps.n; o++) {
    const pev *path = ps.ev[o];
    size_t n = ps.n_ev[o];
    bool *is_start = xcalloc(n, sizeof *is_start);
    for (size_t i = 0; i < n; i++) is_start[i] = path[i].matching && holds(c, &path[i], c->start);
    for (size_t i = 0; i < n; i++) {
      if (!is_start[i]) continue;
      /* FIRST: only the first start. RECURRING: the first start of its period. */
      bool earlier = false;
      for (size_t j = 0; j < i; j++)
        if (is_start[j] && (!c->recurring || rqc_period(c->unit, path[j].e->ts) == rqc_period(c->unit, path[i].e->ts)))
          earlier = true;
      if (!earlier) add_entry(c, path, n, i, &v, &len, &cap);
    }
    free(is_start);
  }
  paths_free(&ps);
  *n_out = len;
  return v;
}

static const rqc_stmt *sort_stmt; /* qsort has no context argument: set around each sort only */

static int by_key_cohort(const void *a, const void *b) {
  const rqc_entry *x = a, *y = b;
  for (int k = 0; k < sort_stmt->n_keys; k++) {
    int c = rq_val_cmp(&x->key[k], &y->key[k]);
    if (c) return c;
  }
  return (x->cohort > y->cohort) - (x->cohort < y->cohort);
}

static bool same_group(const rqc_stmt *c, const rqc_entry *x, const rqc_entry *y) {
  for (int k = 0; k < c->n_keys; k++)
    if (!rq_val_same(&x->key[k], &y->key[k])) return false;
  return x->cohort == y->cohort;
}

/* ---- rows ----------------------------------------------------------------------------------- */

typedef struct rows {
  rqc_answer *a;
  size_t cap;
} rows;

static rq_val *new_row(rows *r) { return rq_rows_add(&r->a->cells, &r->a->n_rows, &r->cap, r->a->n_cols); }

static rq_val label(rqc_answer *a, rqc_unit u, int64_t index) {
  rq_val v = rqc_period_label(u, index);
  if (v.t == RQ_NULL) a->undefined_label = true;
  return v;
}

static void retention_rows(const rq_dataset *ds, const rqc_stmt *c, rows *out) {
  size_t n;
  rqc_entry *es = rqc_entries(ds, c, &n);
  sort_stmt = c;
  if (n) qsort(es, n, sizeof *es, by_key_cohort);
  sort_stmt = NULL;
  int nk = c->n_keys;
  for (size_t lo = 0; lo < n;) {
    size_t hi = lo;
    while (hi < n && same_group(c, &es[hi], &es[lo])) hi++;
    for (int k = 0; k < c->n; k++) {
      int64_t retained = 0;
      for (size_t e = lo; e < hi; e++) retained += es[e].retained[k];
      rq_val *row = new_row(out);
      for (int i = 0; i < nk; i++) row[i] = es[lo].key[i];
      row[nk] = label(out->a, c->unit, es[lo].cohort);
      row[nk + 1] = rq_int(k);
      row[nk + 2] = rq_int((int64_t)(hi - lo));
      row[nk + 3] = rq_int(retained);
      row[nk + 4] = rq_float((double)retained / (double)(hi - lo));
    }
    lo = hi;
  }
  free(es);
}

/* ---- LIFECYCLE and STICKINESS ---------------------------------------------------------------- */

static int by_int(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* The distinct periods of one object's matching events, ascending. */
static size_t active_periods(const rqc_stmt *c, const pev *path, size_t n, int64_t *out) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (path[i].matching) out[m++] = rqc_period(c->unit, path[i].e->ts);
  qsort(out, m, sizeof *out, by_int);
  size_t u = 0;
  for (size_t i = 0; i < m; i++)
    if (u == 0 || out[u - 1] != out[i]) out[u++] = out[i];
  return u;
}

static void lifecycle_rows(const rq_dataset *ds, const rqc_stmt *c, rows *out) {
  paths ps;
  paths_build(ds, c, &ps);
  int64_t **act = xcalloc(ps.n, sizeof *act);
  size_t *n_act = xcalloc(ps.n, sizeof *n_act);
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (size_t o = 0; o < ps.n; o++) {
    act[o] = xcalloc(ps.n_ev[o], sizeof **act);
    n_act[o] = active_periods(c, ps.ev[o], ps.n_ev[o], act[o]);
    if (n_act[o] && act[o][0] < lo) lo = act[o][0];
    if (n_act[o] && act[o][n_act[o] - 1] > hi) hi = act[o][n_act[o] - 1];
  }
  if (lo <= hi) {
    hi++; /* one period after the last */
    size_t span = (size_t)(hi - lo + 1);
    if (span > 1000000) abort(); /* the generator keeps spans small (rq_cohort_gen.c) */
    bool *on = xcalloc(ps.n * span, sizeof *on); /* on[o * span + (P - lo)]: o active in P */
    for (size_t o = 0; o < ps.n; o++)
      for (size_t i = 0; i < n_act[o]; i++) on[o * span + (size_t)(act[o][i] - lo)] = true;
    for (int64_t p = lo; p <= hi; p++) {
      int64_t fresh = 0, returning = 0, resurrecting = 0, dormant = 0;
      size_t at = (size_t)(p - lo);
      for (size_t o = 0; o < ps.n; o++) {
        if (!n_act[o]) continue;
        bool now = on[o * span + at], before = at > 0 && on[o * span + at - 1];
        bool is_new = act[o][0] == p;
        fresh += is_new;
        returning += now && before;
        resurrecting += now && !before && !is_new;
        dormant += before && !now;
      }
      rq_val *row = new_row(out);
      row[0] = label(out->a, c->unit, p);
      row[1] = rq_int(fresh);
      row[2] = rq_int(returning);
      row[3] = rq_int(resurrecting);
      row[4] = rq_int(dormant);
    }
    free(on);
  }
  for (size_t o = 0; o < ps.n; o++) free(act[o]);
  free(act);
  free(n_act);
  paths_free(&ps);
}

static void stickiness_rows(const rq_dataset *ds, const rqc_stmt *c, rows *out) {
  paths ps;
  paths_build(ds, c, &ps);
  int64_t *counts = xcalloc(ps.n, sizeof *counts);
  size_t m = 0;
  for (size_t o = 0; o < ps.n; o++) {
    int64_t *act = xcalloc(ps.n_ev[o], sizeof *act);
    size_t k = active_periods(c, ps.ev[o], ps.n_ev[o], act);
    if (k) counts[m++] = (int64_t)k; /* objects without a matching event do not appear */
    free(act);
  }
  qsort(counts, m, sizeof *counts, by_int);
  for (size_t i = 0; i < m;) {
    size_t j = i;
    while (j < m && counts[j] == counts[i]) j++;
    rq_val *row = new_row(out);
    row[0] = rq_int(counts[i]);
    row[1] = rq_int((int64_t)(j - i));
    i = j;
  }
  free(counts);
  paths_free(&ps);
}

/* ---- the answer ------------------------------------------------------------------------------ */

static void add_col(rqc_answer *a, const char *name) {
  snprintf(a->names[a->n_cols], sizeof a->names[a->n_cols], "%s", name);
  a->n_cols++;
}

void rqc_columns(const rqc_stmt *c, rqc_answer *out) {
  memset(out, 0, sizeof *out);
  switch (c->kind) {
  case RQC_RETENTION: {
    rq_buf b;
    rq_buf_init(&b);
    for (int i = 0; i < c->n_keys; i++) {
      rq_buf_reset(&b);
      rq_node_render(&b, c->q, c->keys[i]);
      add_col(out, b.data);
    }
    rq_buf_free(&b);
    add_col(out, "cohort"), add_col(out, "period"), add_col(out, "cohort_size"), add_col(out, "objects");
    add_col(out, "share");
    break;
  }
  case RQC_LIFECYCLE:
    add_col(out, "period"), add_col(out, "new"), add_col(out, "returning"), add_col(out, "resurrecting");
    add_col(out, "dormant");
    break;
  case RQC_STICKINESS: add_col(out, "periods"), add_col(out, "objects"); break;
  }
}

void rqc_evaluate(const rq_dataset *ds, const rqc_stmt *c, rqc_answer *out) {
  rqc_columns(c, out);
  rows r = {.a = out};
  switch (c->kind) {
  case RQC_RETENTION: retention_rows(ds, c, &r); break;
  case RQC_LIFECYCLE: lifecycle_rows(ds, c, &r); break;
  case RQC_STICKINESS: stickiness_rows(ds, c, &r); break;
  }
  rq_tail_apply(&c->tail, out->n_cols, &out->cells, &out->n_rows);
}

void rqc_answer_free(rqc_answer *a) {
  free(a->cells);
  a->cells = NULL;
  a->n_rows = 0;
}
