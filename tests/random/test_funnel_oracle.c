/* test_funnel_oracle.c — unit tests of the brute-force FUNNEL evaluator
 * (rq_funnel_eval.c) on hand-made paths, each answer worked out by hand
 * from PATHS.md §1. They need no engine: they pin the oracle itself, so a
 * mismatch in test_random_funnels points at the engine or at a reading
 * recorded in rq_funnel_eval.c, not at the oracle's arithmetic.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "random/rq_funnel.h"

#define MIN RQ_US_PER_MIN
#define T0 INT64_C(1772323200000000) /* 2026-03-01T00:00:00Z */

/* ---- hand-made paths -------------------------------------------------------------- */

typedef struct path {
  rq_dataset ds;
} path;

static void path_init(path *p) {
  memset(p, 0, sizeof *p);
  p->ds.n_batches = 1;
}

/* Appends an event (arrival order = call order); returns it for properties. */
static rq_event *ev(path *p, uint64_t obj, int64_t ts, const char *action) {
  return rq_dataset_append(&p->ds, obj, ts, action);
}

static void set_str(rq_event *e, int prop, const char *s) { e->v[prop] = rq_str(s, strlen(s)); }

/* A funnel of action steps "a THEN b THEN ..." (NULL-terminated), window w. */
static rqf_funnel *funnel(int64_t w, ...) {
  rqf_funnel *f = rqf_create();
  va_list ap;
  va_start(ap, w);
  for (const char *a; (a = va_arg(ap, const char *)) != NULL;) f->step[f->n_steps++] = rqb_action_is(f->q, a);
  va_end(ap);
  f->within_us = w;
  rqf_duration_text(f->within_text, sizeof f->within_text, w);
  return f;
}

static void exclude(rqf_funnel *f, const char *action, int i, int j) {
  rqf_exclude *x = &f->excl[f->n_excl++];
  x->cond = rqb_action_is(f->q, action);
  x->between = i > 0;
  x->i = i > 0 ? i : 1;
  x->j = i > 0 ? j : f->n_steps;
}

static rqf_entry *entries(path *p, rqf_funnel *f, size_t *n) { return rqf_entries(&p->ds, f, n); }

static const rq_val *cell(const rqf_answer *a, size_t row, int col) { return &a->cells[row * (size_t)a->n_cols + (size_t)col]; }

static void assert_int_cell(const rqf_answer *a, size_t row, int col, int64_t want) {
  const rq_val *v = cell(a, row, col);
  assert_int_equal(v->t, RQ_INT);
  assert_int_equal(v->i, want);
}

static void assert_null_cell(const rqf_answer *a, size_t row, int col) { assert_int_equal(cell(a, row, col)->t, RQ_NULL); }

static void assert_float_cell(const rqf_answer *a, size_t row, int col, double want) {
  const rq_val *v = cell(a, row, col);
  assert_int_equal(v->t, RQ_FLOAT);
  assert_true(v->f == want);
}

/* RETURN STEPS columns without keys. */
enum { C_STEP, C_NAME, C_OBJECTS, C_CONV, C_STEP_CONV, C_MEDIAN, C_AVG, C_MEDIAN_STEP };

/* ---- the tests ---------------------------------------------------------------------- */

/* PATHS.md §1's example: the remove_from_cart at 1m invalidates only the
 * chains through the cart at 1m; the cart at 10m continues the same view. */
static void test_exclude_example(void **state) {
  (void)state;
  path p;
  path_init(&p);
  ev(&p, 1, T0, "view");
  ev(&p, 1, T0 + 1 * MIN, "add_to_cart");
  ev(&p, 1, T0 + 1 * MIN, "remove_from_cart");
  ev(&p, 1, T0 + 2 * MIN, "purchase");
  ev(&p, 1, T0 + 10 * MIN, "add_to_cart");
  ev(&p, 1, T0 + 11 * MIN, "purchase");
  rqf_funnel *f = funnel(RQ_US_PER_DAY, "view", "add_to_cart", "purchase", NULL);
  exclude(f, "remove_from_cart", 2, 3);
  size_t n;
  rqf_entry *es = entries(&p, f, &n);
  assert_int_equal(n, 1);
  assert_int_equal(es[0].level, 3);
  /* reach(2) is the first cart ending a valid 2-chain from the view (1m);
   * eL* is the purchase at 11m. */
  assert_int_equal(es[0].reach[1], T0);
  assert_int_equal(es[0].reach[2], T0 + 1 * MIN);
  assert_int_equal(es[0].reach[3], T0 + 11 * MIN);
  free(es);
  rqf_answer a;
  rqf_evaluate(&p.ds, f, &a);
  assert_int_equal(a.n_rows, 3);
  assert_int_cell(&a, 2, C_OBJECTS, 1);
  assert_int_cell(&a, 2, C_MEDIAN, 11 * MIN);
  assert_int_cell(&a, 2, C_MEDIAN_STEP, 10 * MIN);
  rqf_answer_free(&a);
  /* Excluded on transition 1 -> 2 instead: the view-cart pairs straddle no
   * remove, so still 3; excluded on 1 -> 3 (the default), level 3 too. */
  f->excl[0].i = 1, f->excl[0].j = 2;
  es = entries(&p, f, &n);
  assert_int_equal(es[0].level, 3);
  assert_int_equal(es[0].reach[3], T0 + 2 * MIN);
  free(es);
  /* A remove between the view and both carts kills every chain past 1. */
  ev(&p, 1, T0, "remove_from_cart");
  es = entries(&p, f, &n);
  assert_int_equal(es[0].level, 1);
  free(es);
  rqf_free(f);
  free(p.ds.ev);
}

/* Equal timestamps: arrival order is path order. */
static void test_equal_timestamps(void **state) {
  (void)state;
  path p;
  path_init(&p);
  ev(&p, 1, T0, "purchase");
  ev(&p, 1, T0, "view");
  ev(&p, 2, T0, "view");
  ev(&p, 2, T0, "purchase");
  rqf_funnel *f = funnel(0, "view", "purchase", NULL);
  size_t n;
  rqf_entry *es = entries(&p, f, &n);
  assert_int_equal(n, 2);
  assert_int_equal(es[0].obj, 1);
  assert_int_equal(es[0].level, 1);
  assert_int_equal(es[1].level, 2); /* WITHIN 0 allows equal timestamps */
  assert_int_equal(es[1].reach[2], T0);
  free(es);
  rqf_free(f);
  free(p.ds.ev);
}

/* One event satisfying two steps counts once: a chain has distinct events. */
static void test_event_matching_two_steps(void **state) {
  (void)state;
  path p;
  path_init(&p);
  ev(&p, 1, T0, "view");
  ev(&p, 2, T0, "view");
  ev(&p, 2, T0 + MIN, "view");
  rqf_funnel *f = funnel(RQ_US_PER_HOUR, "view", "view", "view", NULL);
  size_t n;
  rqf_entry *es = entries(&p, f, &n);
  assert_int_equal(n, 2);
  assert_int_equal(es[0].level, 1);
  assert_int_equal(es[1].level, 2);
  /* Both views start a 1-chain; the 2-chain ends at the second; its latest
   * start is the first view. */
  assert_int_equal(es[1].reach[1], T0);
  assert_int_equal(es[1].reach[2], T0 + MIN);
  free(es);
  rqf_free(f);
  free(p.ds.ev);
}

/* STRICT: a click breaks the first attempt; the next view re-enters. */
static void test_strict_reentry(void **state) {
  (void)state;
  path p;
  path_init(&p);
  ev(&p, 1, T0, "view");
  ev(&p, 1, T0 + MIN, "click");
  ev(&p, 1, T0 + 2 * MIN, "purchase");
  ev(&p, 1, T0 + 3 * MIN, "view");
  ev(&p, 1, T0 + 5 * MIN, "purchase");
  rqf_funnel *f = funnel(RQ_US_PER_HOUR, "view", "purchase", NULL);
  f->order = RQF_STRICT;
  size_t n;
  rqf_entry *es = entries(&p, f, &n);
  assert_int_equal(es[0].level, 2);
  assert_int_equal(es[0].reach[1], T0 + 3 * MIN);
  assert_int_equal(es[0].reach[2], T0 + 5 * MIN);
  free(es);
  f->order = RQF_ORDERED; /* not strict: the first purchase ends the first view's chain */
  es = entries(&p, f, &n);
  assert_int_equal(es[0].reach[1], T0);
  assert_int_equal(es[0].reach[2], T0 + 2 * MIN);
  free(es);
  /* STRICT adjacency is within E: a WHERE that drops the click reconnects. */
  f->order = RQF_STRICT;
  f->where = rqb_cmp(f->q, RQ_NE, rqb_action_is(f->q, "click")->args[0], rqb_lit(f->q, rq_str("click", 5)));
  es = entries(&p, f, &n);
  assert_int_equal(es[0].reach[1], T0);
  assert_int_equal(es[0].reach[2], T0 + 2 * MIN);
  free(es);
  rqf_free(f);
  free(p.ds.ev);
}

/* The window is inclusive: a gap of exactly w converts, w + 1 µs does not. */
static void test_window_edges(void **state) {
  (void)state;
  int64_t w = 7 * RQ_US_PER_DAY;
  path p;
  path_init(&p);
  ev(&p, 1, T0, "view");
  ev(&p, 1, T0 + w, "purchase");
  ev(&p, 2, T0, "view");
  ev(&p, 2, T0 + w + 1, "purchase");
  rqf_funnel *f = funnel(w, "view", "purchase", NULL);
  size_t n;
  rqf_entry *es = entries(&p, f, &n);
  assert_int_equal(es[0].level, 2);
  assert_int_equal(es[1].level, 1);
  free(es);
  f->within_us = w + 1;
  es = entries(&p, f, &n);
  assert_int_equal(es[1].level, 2);
  free(es);
  rqf_free(f);
  free(p.ds.ev);
}

/* Sessions end chains; they are cut on all events, before WHERE. */
static void test_sessions(void **state) {
  (void)state;
  path p;
  path_init(&p);
  ev(&p, 1, T0, "view");
  ev(&p, 1, T0 + 30 * MIN + 1, "purchase"); /* a new session */
  ev(&p, 2, T0, "view");
  ev(&p, 2, T0 + 30 * MIN, "purchase"); /* a gap of exactly d: same session */
  ev(&p, 3, T0, "view");
  ev(&p, 3, T0 + 20 * MIN, "click"); /* keeps the session open, then dropped by WHERE */
  ev(&p, 3, T0 + 40 * MIN, "purchase");
  rqf_funnel *f = funnel(RQ_US_PER_DAY, "view", "purchase", NULL);
  f->has_session = true;
  f->session_us = 30 * MIN;
  f->where = rqb_cmp(f->q, RQ_NE, rqb_action_is(f->q, "click")->args[0], rqb_lit(f->q, rq_str("click", 5)));
  size_t n;
  rqf_entry *es = entries(&p, f, &n);
  assert_int_equal(n, 3);
  assert_int_equal(es[0].level, 1);
  assert_int_equal(es[1].level, 2);
  assert_int_equal(es[2].level, 2);
  free(es);
  /* The level is the maximum over sessions: a later session converts. */
  ev(&p, 1, T0 + 31 * MIN + 1, "view");
  ev(&p, 1, T0 + 32 * MIN, "purchase");
  es = entries(&p, f, &n);
  assert_int_equal(es[0].level, 2);
  assert_int_equal(es[0].reach[1], T0 + 31 * MIN + 1);
  free(es);
  rqf_free(f);
  free(p.ds.ev);
}

/* HOLDING: NULL equals NULL; the held value is the entry's key. */
static void test_holding_nulls(void **state) {
  (void)state;
  path p;
  path_init(&p);
  ev(&p, 1, T0, "view");                               /* e1 NULL */
  set_str(ev(&p, 1, T0 + MIN, "view"), RQ_P_E1, "a");  /* e1 'a' */
  ev(&p, 1, T0 + 2 * MIN, "purchase");                 /* e1 NULL */
  rqf_funnel *f = funnel(RQ_US_PER_HOUR, "view", "purchase", NULL);
  f->hold[f->n_hold++] = rqb_prop(f->q, RQ_P_E1, 0);
  size_t n;
  rqf_entry *es = entries(&p, f, &n);
  assert_int_equal(n, 2);
  assert_int_equal(es[0].key[0].t, RQ_NULL); /* NULL sorts first */
  assert_int_equal(es[0].level, 2);
  assert_int_equal(es[1].level, 1);
  free(es);
  rqf_answer a;
  rqf_evaluate(&p.ds, f, &a);
  assert_int_equal(a.n_cols, 9);
  assert_string_equal(a.names[0], "e1");
  assert_int_equal(a.n_rows, 4); /* two keys, two steps each */
  assert_int_cell(&a, 1, 1 + C_OBJECTS, 1);
  assert_int_cell(&a, 3, 1 + C_OBJECTS, 0);
  assert_null_cell(&a, 3, 1 + C_MEDIAN);
  assert_float_cell(&a, 3, 1 + C_STEP_CONV, 0.0);
  rqf_answer_free(&a);
  /* With the state property the purchase carries 'a' forward. */
  f->hold[0] = rqb_prop(f->q, RQ_P_E1, 1);
  es = entries(&p, f, &n);
  assert_int_equal(n, 2);
  assert_int_equal(es[0].level, 1); /* NULL view: the purchase holds 'a' */
  assert_int_equal(es[1].level, 2);
  free(es);
  rqf_free(f);
  free(p.ds.ev);
}

/* RETURN OBJECTS with REACHED and DROPPED AFTER, and the latest start. */
static void test_objects(void **state) {
  (void)state;
  path p;
  path_init(&p);
  ev(&p, 7, T0, "view");
  ev(&p, 7, T0 + 10, "view");
  ev(&p, 7, T0 + 20, "click");
  ev(&p, 9, T0, "view");
  ev(&p, 8, T0 + 5, "click");
  rqf_funnel *f = funnel(RQ_US_PER_HOUR, "view", "click", "purchase", NULL);
  f->ret = RQF_OBJECTS;
  rqf_answer a;
  rqf_evaluate(&p.ds, f, &a);
  assert_int_equal(a.n_rows, 2);
  assert_int_equal(cell(&a, 0, 0)->t, RQ_OBJ);
  assert_int_equal(cell(&a, 0, 0)->u, 7);
  assert_int_cell(&a, 0, 1, 2);
  assert_int_cell(&a, 0, 2, T0 + 10); /* e1* is the latest view starting a chain to the click */
  assert_int_cell(&a, 0, 3, T0 + 20);
  assert_int_equal(cell(&a, 1, 0)->u, 9);
  assert_int_cell(&a, 1, 1, 1);
  assert_int_cell(&a, 1, 3, T0);
  rqf_answer_free(&a);
  f->filter = RQF_DROPPED;
  f->filter_step = 1;
  rqf_evaluate(&p.ds, f, &a);
  assert_int_equal(a.n_rows, 1);
  assert_int_equal(cell(&a, 0, 0)->u, 9);
  rqf_answer_free(&a);
  f->filter = RQF_REACHED;
  f->filter_step = 2;
  rqf_evaluate(&p.ds, f, &a);
  assert_int_equal(a.n_rows, 1);
  assert_int_equal(cell(&a, 0, 0)->u, 7);
  rqf_answer_free(&a);
  f->filter_step = 3;
  rqf_evaluate(&p.ds, f, &a);
  assert_int_equal(a.n_rows, 0);
  rqf_answer_free(&a);
  rqf_free(f);
  free(p.ds.ev);
}

/* RETURN TIMES: lower bounds of non-empty buckets. */
static void test_times(void **state) {
  (void)state;
  path p;
  path_init(&p);
  static const int64_t gaps[] = {0, 90 * RQ_US_PER_SEC, 150 * RQ_US_PER_SEC, 60 * RQ_US_PER_SEC};
  for (int o = 0; o < 4; o++) {
    ev(&p, (uint64_t)o + 1, T0, "view");
    ev(&p, (uint64_t)o + 1, T0 + gaps[o], "purchase");
  }
  ev(&p, 5, T0, "view"); /* never converts: not in the times */
  rqf_funnel *f = funnel(RQ_US_PER_HOUR, "view", "purchase", NULL);
  f->ret = RQF_TIMES;
  f->times_i = 1, f->times_j = 2;
  f->bucket_us = MIN;
  rqf_answer a;
  rqf_evaluate(&p.ds, f, &a);
  assert_int_equal(a.n_rows, 3);
  assert_int_cell(&a, 0, 0, 0);
  assert_int_cell(&a, 0, 1, 1);
  assert_int_cell(&a, 1, 0, MIN);
  assert_int_cell(&a, 1, 1, 2);
  assert_int_cell(&a, 2, 0, 2 * MIN);
  assert_int_cell(&a, 2, 1, 1);
  rqf_answer_free(&a);
  f->bucket_us = 2 * MIN;
  rqf_evaluate(&p.ds, f, &a);
  assert_int_equal(a.n_rows, 2);
  assert_int_cell(&a, 0, 1, 3);
  assert_int_cell(&a, 1, 0, 2 * MIN);
  rqf_answer_free(&a);
  /* The step columns of the same data: lower median of 0, 60, 90, 150 s. */
  f->ret = RQF_STEPS;
  rqf_evaluate(&p.ds, f, &a);
  assert_int_cell(&a, 1, C_OBJECTS, 4);
  assert_float_cell(&a, 1, C_CONV, 0.8);
  assert_int_cell(&a, 1, C_MEDIAN, 60 * RQ_US_PER_SEC);
  assert_float_cell(&a, 1, C_AVG, 75.0 * RQ_US_PER_SEC);
  assert_int_cell(&a, 0, C_MEDIAN, 0);
  assert_float_cell(&a, 0, C_AVG, 0.0);
  assert_null_cell(&a, 0, C_MEDIAN_STEP);
  rqf_answer_free(&a);
  rqf_free(f);
  free(p.ds.ev);
}

/* ANY ORDER: distinct steps within w of a start event, no times. */
static void test_any_order(void **state) {
  (void)state;
  path p;
  path_init(&p);
  ev(&p, 1, T0, "purchase");
  ev(&p, 1, T0 + MIN, "view");
  ev(&p, 2, T0, "purchase");
  ev(&p, 2, T0 + 2 * RQ_US_PER_HOUR, "view");
  rqf_funnel *f = funnel(RQ_US_PER_HOUR, "view", "purchase", NULL);
  f->order = RQF_ANY;
  size_t n;
  rqf_entry *es = entries(&p, f, &n);
  assert_int_equal(n, 2);
  assert_int_equal(es[0].level, 2);
  assert_int_equal(es[1].level, 1);
  free(es);
  rqf_answer a;
  rqf_evaluate(&p.ds, f, &a);
  assert_int_cell(&a, 0, C_OBJECTS, 2);
  assert_int_cell(&a, 1, C_OBJECTS, 1);
  assert_float_cell(&a, 1, C_CONV, 0.5);
  for (int c = C_MEDIAN; c <= C_MEDIAN_STEP; c++) assert_null_cell(&a, 0, c), assert_null_cell(&a, 1, c);
  rqf_answer_free(&a);
  rqf_free(f);
  free(p.ds.ev);
}

/* No entry at all: the k rows still come back without keys. */
static void test_no_entries(void **state) {
  (void)state;
  path p;
  path_init(&p);
  ev(&p, 1, T0, "click");
  rqf_funnel *f = funnel(RQ_US_PER_HOUR, "view", "purchase", "signup", NULL);
  rqf_answer a;
  rqf_evaluate(&p.ds, f, &a);
  assert_int_equal(a.n_rows, 3);
  for (size_t r = 0; r < 3; r++) {
    assert_int_cell(&a, r, C_STEP, (int64_t)r + 1);
    assert_int_cell(&a, r, C_OBJECTS, 0);
    assert_null_cell(&a, r, C_CONV);
    assert_null_cell(&a, r, C_MEDIAN);
    assert_null_cell(&a, r, C_AVG);
    assert_null_cell(&a, r, C_MEDIAN_STEP);
  }
  assert_float_cell(&a, 0, C_STEP_CONV, 1.0);
  assert_null_cell(&a, 1, C_STEP_CONV);
  rqf_answer_free(&a);
  /* With a GROUP BY there is no group, so no rows. */
  f->keys[f->n_keys++] = rqb_prop(f->q, RQ_P_S1, 0);
  rqf_evaluate(&p.ds, f, &a);
  assert_int_equal(a.n_rows, 0);
  assert_string_equal(a.names[0], "s1");
  rqf_answer_free(&a);
  rqf_free(f);
  free(p.ds.ev);
}

/* GROUP BY at the step-1 event: an object counts once per key. */
static void test_group_at_step1(void **state) {
  (void)state;
  path p;
  path_init(&p);
  set_str(ev(&p, 1, T0, "view"), RQ_P_S1, "a");
  set_str(ev(&p, 1, T0 + MIN, "purchase"), RQ_P_S1, "b");
  ev(&p, 1, T0 + 2 * MIN, "view"); /* state s1 = 'b' */
  rqf_funnel *f = funnel(RQ_US_PER_HOUR, "view", "purchase", NULL);
  f->keys[f->n_keys++] = rqb_prop(f->q, RQ_P_S1, 1);
  size_t n;
  rqf_entry *es = entries(&p, f, &n);
  assert_int_equal(n, 2);
  assert_string_equal(es[0].key[0].s, "a");
  assert_int_equal(es[0].level, 2); /* later steps may have any key */
  assert_string_equal(es[1].key[0].s, "b");
  assert_int_equal(es[1].level, 1);
  free(es);
  rqf_free(f);
  free(p.ds.ev);
}

/* ---- the evaluator against itself on random data ------------------------------------------ */

/* `ds` keeping only the first `cap` events (arrival order) of each object. */
static void small_objects(rq_dataset *out, const rq_dataset *ds, size_t cap) {
  bool *keep = calloc(ds->n_ev ? ds->n_ev : 1, sizeof *keep);
  assert_non_null(keep);
  for (size_t i = 0; i < ds->n_ev; i++) {
    size_t before = 0;
    for (size_t j = 0; j < i; j++) before += ds->ev[j].obj == ds->ev[i].obj;
    keep[i] = before < cap;
  }
  rq_dataset_subset(out, ds, keep);
  free(keep);
}

/* The level of each entry, matched by (object, key). */
static int level_of(const rqf_entry *es, size_t n, const rqf_entry *like, int nk) {
  for (size_t i = 0; i < n; i++) {
    bool same = es[i].obj == like->obj;
    for (int k = 0; k < nk && same; k++) same = rq_val_same(&es[i].key[k], &like->key[k]);
    if (same) return es[i].level;
  }
  return -1;
}

/* The memo of the chain search changes nothing (every chain enumerated on
 * objects of at most 12 events gives the same entries, levels and reach),
 * and levels move the way §1 says they must: STRICT never raises them,
 * dropping EXCLUDEs or widening the window never lowers them, and without
 * keys ANY ORDER is at least the ordered level. */
static void test_self_consistency(void **state) {
  (void)state;
  rqf_funnel *f = rqf_create(), *g = rqf_create();
  long checked = 0;
  for (uint64_t seed = 1; seed <= 150; seed++) {
    rq_dataset big, ds;
    rq_dataset_generate(&big, seed);
    small_objects(&ds, &big, 12);
    for (uint64_t i = 0; i < 12; i++) {
      rqf_generate(f, &ds, seed * 1000 + i, RQF_C_ALL & ~(unsigned)RQF_C_INVALID);
      if (f->n_steps > 8) continue;
      size_t n, m;
      rqf_entry *a = rqf_entries(&ds, f, &n);
      rqf_copy(g, f);
      g->exhaustive = true;
      rqf_entry *b = rqf_entries(&ds, g, &m);
      assert_int_equal(n, m);
      for (size_t e = 0; e < n; e++) {
        assert_int_equal(a[e].obj, b[e].obj);
        assert_int_equal(a[e].level, b[e].level);
        for (int j = 1; j <= a[e].level && f->order != RQF_ANY; j++) assert_int_equal(a[e].reach[j], b[e].reach[j]);
      }
      free(b);
      int nk = f->n_hold + f->n_keys;
      if (f->order != RQF_ANY) {
        rqf_copy(g, f);
        g->order = RQF_STRICT;
        b = rqf_entries(&ds, g, &m);
        assert_int_equal(n, m);
        for (size_t e = 0; e < n; e++) assert_true(b[e].level <= a[e].level);
        free(b);
        rqf_copy(g, f);
        g->n_excl = 0;
        g->within_us = f->within_us * 2 + 1;
        b = rqf_entries(&ds, g, &m);
        assert_int_equal(n, m);
        for (size_t e = 0; e < n; e++) assert_true(b[e].level >= a[e].level);
        free(b);
        if (nk == 0) {
          rqf_copy(g, f);
          g->order = RQF_ANY;
          b = rqf_entries(&ds, g, &m);
          for (size_t e = 0; e < n; e++) assert_true(level_of(b, m, &a[e], 0) >= a[e].level);
          free(b);
        }
      }
      free(a);
      checked++;
    }
    rq_dataset_free(&ds);
    rq_dataset_free(&big);
  }
  assert_true(checked > 1000);
  rqf_free(f);
  rqf_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_exclude_example),   cmocka_unit_test(test_equal_timestamps),
      cmocka_unit_test(test_event_matching_two_steps), cmocka_unit_test(test_strict_reentry),
      cmocka_unit_test(test_window_edges),      cmocka_unit_test(test_sessions),
      cmocka_unit_test(test_holding_nulls),     cmocka_unit_test(test_objects),
      cmocka_unit_test(test_times),             cmocka_unit_test(test_any_order),
      cmocka_unit_test(test_no_entries),        cmocka_unit_test(test_group_at_step1),
      cmocka_unit_test(test_self_consistency),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
