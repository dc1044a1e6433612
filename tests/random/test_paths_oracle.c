/* test_paths_oracle.c — unit tests of the brute-force PATHS evaluator
 * (rq_paths_eval.c) on hand-made paths, each answer worked out by hand from
 * PATHS.md §4 in the comments (the same paths as the golden case
 * tests/golden/cases/19_paths.sql). They need no engine: they pin the
 * oracle itself, so that a mismatch in test_random_paths points at the
 * engine.
 *
 * Times are minutes after 2026-03-01T00:00Z; e1 is the EVENT STRING
 * property (NULL where absent).
 *   Object 1: view 0 (home), cart 1 (product), cart 1 (no e1; same instant,
 *             arriving second), pay 5 (checkout), view 60 (home), pay 62.
 *   Object 2: cart 10 (product).
 *   Object 3: view 0 (home), view 2 (no e1; arrives last), cart 3 (product).
 *   Object 4: view 0 (home), cart 10 (product), view 30 (home), cart 70 (product).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random/rq_paths.h"

#define MIN RQ_US_PER_MIN

static void ev(rq_dataset *ds, uint64_t obj, int minute, const char *action, const char *page) {
  rq_event *e = rq_dataset_append(ds, obj, rq_utc(2026, 3, 1, 0, 0, 0) + minute * MIN, action);
  if (page) e->v[RQ_P_E1] = rq_str(page, strlen(page));
}

static void dataset(rq_dataset *ds) {
  memset(ds, 0, sizeof *ds);
  ev(ds, 1, 0, "view", "home");
  ev(ds, 1, 1, "cart", "product");
  ev(ds, 1, 1, "cart", NULL);
  ev(ds, 1, 5, "pay", "checkout");
  ev(ds, 1, 60, "view", "home");
  ev(ds, 1, 62, "pay", NULL);
  ev(ds, 2, 10, "cart", "product");
  ev(ds, 3, 0, "view", "home");
  ev(ds, 3, 3, "cart", "product");
  ev(ds, 4, 0, "view", "home");
  ev(ds, 4, 10, "cart", "product");
  ev(ds, 4, 30, "view", "home");
  ev(ds, 4, 70, "cart", "product");
  ev(ds, 3, 2, "view", NULL); /* arrives last, sorts between 3's events */
}

/* PATHS AFTER|BEFORE action = `anchor` STEPS k. */
static rqp_stmt *paths(bool before, const char *anchor, int k) {
  rqp_stmt *s = rqp_create();
  s->before = before;
  s->cond = rqb_action_is(s->q, anchor);
  s->k = k;
  return s;
}

/* The answer as "step source target count objects avg_minutes; ...". */
static void answer_text(const rqp_answer *a, rq_buf *b) {
  for (size_t r = 0; r < a->n_rows; r++) {
    const rq_val *v = &a->cells[r * RQP_COLS];
    if (r) rq_buf_puts(b, "; ");
    rq_buf_printf(b, "%lld", (long long)v[0].i);
    for (int c = 1; c <= 2; c++)
      if (v[c].t == RQ_NULL)
        rq_buf_puts(b, " NULL");
      else if (v[c].t == RQ_STR)
        rq_buf_printf(b, " %.*s", (int)v[c].len, v[c].s);
      else
        rq_buf_printf(b, " %lld", (long long)v[c].i);
    rq_buf_printf(b, " %lld %lld %g", (long long)v[3].i, (long long)v[4].i, v[5].f / (double)MIN);
  }
}

static void check(rqp_stmt *s, const char *want) {
  rq_dataset ds;
  dataset(&ds);
  rqp_answer a;
  rqp_evaluate(&ds, s, &a);
  assert_false(a.overflow);
  rq_buf b;
  rq_buf_init(&b);
  answer_text(&a, &b);
  rq_buf text;
  rq_buf_init(&text);
  rqp_render(&text, s);
  if (strcmp(b.data, want) != 0) fprintf(stderr, "%s\n  got:  %s\n  want: %s\n", text.data, b.data, want);
  assert_string_equal(b.data, want);
  rq_buf_free(&b);
  rq_buf_free(&text);
  rqp_answer_free(&a);
  rq_dataset_free(&ds);
  rqp_free(s);
}

/* Anchors: 1's two carts, 2's (nothing after), 3's (last), 4's at 10 (and
 * 70: last). 1's first cart steps through the second (a tie: arrival
 * order), 1's second cart reaches pay then view; 4's reaches view then cart. */
static void test_after(void **state) {
  (void)state;
  check(paths(false, "cart", 2), "1 cart cart 1 1 0; 1 cart pay 1 1 4; 1 cart view 1 1 20; "
                                 "2 cart pay 1 1 4; 2 pay view 1 1 55; 2 view cart 1 1 40");
}

/* Sessions of 30m: 1's view at 60 and 4's cart at 70 start new ones. */
static void test_session(void **state) {
  (void)state;
  rqp_stmt *s = paths(false, "cart", 2);
  s->has_session = true;
  s->session_us = 30 * MIN;
  snprintf(s->session_text, sizeof s->session_text, "30m");
  check(s, "1 cart cart 1 1 0; 1 cart pay 1 1 4; 1 cart view 1 1 20; 2 cart pay 1 1 4");
}

/* OF e1 from the views: NULL far ends are left out and the walk goes on
 * (an edge out of NULL is kept). */
static void test_null_far_ends(void **state) {
  (void)state;
  rqp_stmt *s = paths(false, "view", 3);
  s->of = rqb_prop(s->q, RQ_P_E1, 0);
  check(s, "1 home product 3 2 17; 1 NULL product 1 1 1; 2 NULL product 1 1 1; 2 product home 1 1 20; "
           "3 NULL checkout 1 1 4; 3 home product 1 1 40");
}

/* BEFORE: steps -k first, edges forward in time. */
static void test_before(void **state) {
  (void)state;
  check(paths(true, "pay", 2), "-2 cart cart 1 1 0; -2 pay view 1 1 55; -1 cart pay 1 1 4; -1 view pay 1 1 2");
}

/* WHERE chooses anchors; every event is a step. */
static void test_where(void **state) {
  (void)state;
  rqp_stmt *s = paths(false, "cart", 2);
  s->where = rqb_isnull(s->q, rqb_prop(s->q, RQ_P_E1, 0), true);
  check(s, "1 cart cart 1 1 0; 1 cart view 1 1 20; 2 cart pay 1 1 4; 2 view cart 1 1 40");
}

/* k past the end; count vs objects; HAVING, ORDER BY (ties in the default
 * order) and LIMIT. */
static void test_counts_and_tail(void **state) {
  (void)state;
  rqp_stmt *s = paths(false, "view", 64);
  s->where = rqb_cmp(s->q, RQ_EQ, rqb_node(s->q, RQ_E_OBJECT, RQ_OBJ), rqb_lit(s->q, rq_obj(1)));
  check(s, "1 view cart 1 1 1; 1 view pay 1 1 2; 2 cart cart 1 1 0; 3 cart pay 1 1 4; 4 pay view 1 1 55; "
           "5 view pay 1 1 2");
  check(paths(false, "view", 1), "1 view cart 4 3 13; 1 view pay 1 1 2; 1 view view 1 1 2");
  s = paths(false, "view", 1);
  s->tail.having = (rq_having){.on = true, .col = 4, .op = RQ_GT, .lit = rq_int(1), .text = "1"};
  check(s, "1 view cart 4 3 13");
  s = paths(false, "view", 1);
  s->tail.n_sort = 1;
  s->tail.sort[0] = (rq_sort){.col = 5, .desc = false, .explicit_dir = false};
  s->tail.limit = 2;
  check(s, "1 view pay 1 1 2; 1 view view 1 1 2");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_after),          cmocka_unit_test(test_session), cmocka_unit_test(test_null_far_ends),
      cmocka_unit_test(test_before),         cmocka_unit_test(test_where),
      cmocka_unit_test(test_counts_and_tail),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
