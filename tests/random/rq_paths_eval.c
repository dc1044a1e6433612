/* rq_paths_eval.c — the brute-force PATHS evaluator: the checker's own
 * answer to a PATHS statement, written from PATHS.md §0 and §4 alone.
 *
 * Per object: its events in path order (timestamp, then arrival), state
 * carried, sessions cut on every event (a gap > d starts one), WHERE and
 * then the condition at each event (the condition only where WHERE is
 * TRUE: it chooses the matching events), x = OF (default action) at every
 * event. Every anchor (WHERE and condition TRUE) walks i = 1..k events
 * forward (AFTER) or backward (BEFORE) on the whole path, stopping at the
 * path's end or at the first event of another session; the i-th event's x
 * is the far end x(i): when it is not NULL the edge is recorded — AFTER
 * (i, x(i-1), x(i)), BEFORE (-i, x(i), x(i-1)) — with the time between the
 * two events. The edges are then listed, sorted by (step, source, target,
 * object) and counted by linear scans: count, distinct objects, and
 * avg_time = (double)(exact sum) / (double)count, the language's mean of
 * INT values. Rows are sorted by step, count descending, source, target
 * (NULL first), then HAVING / ORDER BY / LIMIT apply (rq_tail.c: ties of
 * an ORDER BY keep that order). A FLOAT -0.0 value is the same key as 0.0
 * and prints as 0.0. Any INT overflow in an evaluated expression makes the
 * statement fail (numeric_overflow).
 */
#include <stdlib.h>
#include <string.h>

#include "random/rq_paths.h"

typedef struct edge {
  int64_t step;
  rq_val src, tgt;
  uint64_t obj;
  int64_t time;
} edge;

typedef struct edges {
  edge *v;
  size_t n, cap;
} edges;

static void push_edge(edges *es, int64_t step, const rq_val *src, const rq_val *tgt, uint64_t obj, int64_t time) {
  if (es->n == es->cap) {
    es->cap = es->cap ? 2 * es->cap : 256;
    es->v = realloc(es->v, es->cap * sizeof *es->v);
    if (!es->v) abort();
  }
  es->v[es->n++] = (edge){step, *src, *tgt, obj, time};
}

static int cmp_i64(int64_t a, int64_t b) { return (a > b) - (a < b); }

static int by_key(const void *a, const void *b) {
  const edge *x = a, *y = b;
  int c = cmp_i64(x->step, y->step);
  if (!c) c = rq_val_cmp(&x->src, &y->src);
  if (!c) c = rq_val_cmp(&x->tgt, &y->tgt);
  if (!c) c = (x->obj > y->obj) - (x->obj < y->obj);
  return c;
}

/* Rows in the default order: step, count descending, source, target. */
static int by_default(const void *a, const void *b) {
  const rq_val *x = a, *y = b;
  int c = rq_val_cmp(&x[0], &y[0]);
  if (!c) c = -rq_val_cmp(&x[3], &y[3]);
  if (!c) c = rq_val_cmp(&x[1], &y[1]);
  if (!c) c = rq_val_cmp(&x[2], &y[2]);
  return c;
}

typedef struct pev {
  const rq_event *e;
  int64_t session;
  bool anchor;
  rq_val x;
} pev;

/* One object's events (path order) into edges. */
static void object_edges(const rq_dataset *ds, const rqp_stmt *s, const rq_event **evs, size_t n, edges *es,
                         bool *overflow) {
  pev *p = calloc(n ? n : 1, sizeof *p);
  if (!p) abort();
  rq_val carried[RQ_N_PROPS], raw[RQ_N_PROPS];
  int64_t set_ts[RQ_N_PROPS];
  int64_t session = 0;
  for (size_t i = 0; i < n; i++) {
    const rq_event *e = evs[i];
    rq_carry(ds, e, i == 0, raw, set_ts, carried); /* lapsed states read their TO value */
    if (i > 0 && s->has_session && e->ts - evs[i - 1]->ts > s->session_us) session++;
    bool match = true;
    if (s->where) {
      rq_val w = rq_eval_at(s->q, e, carried, set_ts, session, s->where, overflow);
      match = w.t == RQ_BOOL && w.b;
    }
    if (match) {
      rq_val c = rq_eval_at(s->q, e, carried, set_ts, session, s->cond, overflow);
      p[i].anchor = c.t == RQ_BOOL && c.b;
    }
    p[i].x = s->of ? rq_eval_at(s->q, e, carried, set_ts, session, s->of, overflow) : e->action;
    if (p[i].x.t == RQ_FLOAT && p[i].x.f == 0) p[i].x.f = 0.0; /* -0.0 is 0.0 */
    p[i].e = e;
    p[i].session = session;
  }
  for (size_t a = 0; a < n; a++) {
    if (!p[a].anchor) continue;
    for (int64_t i = 1; i <= s->k; i++) {
      if (s->before ? (size_t)i > a : a + (size_t)i >= n) break;
      size_t far = s->before ? a - (size_t)i : a + (size_t)i;
      if (p[far].session != p[a].session) break;
      if (p[far].x.t == RQ_NULL) continue; /* left out; the walk goes on */
      size_t near = s->before ? far + 1 : far - 1;
      if (s->before)
        push_edge(es, -i, &p[far].x, &p[near].x, p[a].e->obj, p[near].e->ts - p[far].e->ts);
      else
        push_edge(es, i, &p[near].x, &p[far].x, p[a].e->obj, p[far].e->ts - p[near].e->ts);
    }
  }
  free(p);
}

void rqp_evaluate(const rq_dataset *ds, const rqp_stmt *s, rqp_answer *out) {
  memset(out, 0, sizeof *out);
  const rq_event **evs = rq_path_order(ds);
  edges es = {0};
  for (size_t i = 0; i < ds->n_ev;) {
    size_t j = i;
    while (j < ds->n_ev && evs[j]->obj == evs[i]->obj) j++;
    object_edges(ds, s, evs + i, j - i, &es, &out->overflow);
    i = j;
  }
  free(evs);
  if (es.n) qsort(es.v, es.n, sizeof *es.v, by_key);
  size_t cap = 0;
  for (size_t i = 0; i < es.n;) {
    size_t j = i;
    int64_t objects = 0;
    __int128 sum = 0;
    for (; j < es.n && es.v[i].step == es.v[j].step && rq_val_cmp(&es.v[i].src, &es.v[j].src) == 0 &&
           rq_val_cmp(&es.v[i].tgt, &es.v[j].tgt) == 0;
         j++) {
      if (j == i || es.v[j].obj != es.v[j - 1].obj) objects++;
      sum += es.v[j].time;
    }
    rq_val *row = rq_rows_add(&out->cells, &out->n_rows, &cap, RQP_COLS);
    row[0] = rq_int(es.v[i].step);
    row[1] = es.v[i].src;
    row[2] = es.v[i].tgt;
    row[3] = rq_int((int64_t)(j - i));
    row[4] = rq_int(objects);
    row[5] = rq_float((double)sum / (double)(j - i));
    i = j;
  }
  free(es.v);
  if (out->n_rows) qsort(out->cells, out->n_rows, RQP_COLS * sizeof *out->cells, by_default);
  rq_tail_apply(&s->tail, RQP_COLS, &out->cells, &out->n_rows);
}

void rqp_answer_free(rqp_answer *a) {
  free(a->cells);
  a->cells = NULL;
}
