/* test_cohort_oracle.c — unit tests of the brute-force RETENTION,
 * LIFECYCLE and STICKINESS evaluator (rq_cohort_eval.c) on hand-made
 * paths, each answer worked out by hand from PATHS.md §0, §2 and §3 in the
 * comments. They need no engine: they pin the oracle itself, so that a
 * mismatch in test_random_cohorts points at the engine (or at a reading
 * recorded in rq_cohort_eval.c), not at the oracle's calendar or counting.
 * Calendar facts used below: 2026-03-02 and 2026-03-30 are Mondays,
 * February 2026 has 28 days, 0000-01-01 was a Saturday.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "random/rq_cohort.h"

#define U(y, m, d, hh, mi, ss) rq_utc(y, m, d, hh, mi, ss)
#define HOUR RQ_US_PER_HOUR
#define DAY RQ_US_PER_DAY

/* ---- statements and answers --------------------------------------------------------------- */

/* RETENTION [FIRST] FROM action = from TO action = to (NULL: TRUE) EVERY u FOR n. */
static rqc_stmt *retention(rqc_unit u, int n, const char *from, const char *to) {
  rqc_stmt *c = rqc_create();
  c->kind = RQC_RETENTION;
  c->unit = u;
  c->n = n;
  c->start = from ? rqb_action_is(c->q, from) : rqb_lit(c->q, rq_bool(true));
  c->ret = to ? rqb_action_is(c->q, to) : rqb_lit(c->q, rq_bool(true));
  return c;
}

/* LIFECYCLE or STICKINESS EVERY u [WHERE action = where]. */
static rqc_stmt *periodic(rqc_kind kind, rqc_unit u, const char *where) {
  rqc_stmt *c = rqc_create();
  c->kind = kind;
  c->unit = u;
  if (where) c->where = rqb_action_is(c->q, where);
  return c;
}

/* The statement's result columns are exactly `names`. */
static void expect_columns(const rqc_stmt *c, const char *const *names, int n) {
  rqc_answer a;
  rqc_columns(c, &a);
  assert_int_equal(a.n_cols, n);
  for (int i = 0; i < n; i++) assert_string_equal(a.names[i], names[i]);
  rqc_answer_free(&a);
}

static const rq_val *cell(const rqc_answer *a, size_t row, int col) {
  return &a->cells[row * (size_t)a->n_cols + (size_t)col];
}

static void assert_str_cell(const rqc_answer *a, size_t row, int col, const char *want) {
  const rq_val *v = cell(a, row, col);
  assert_int_equal(v->t, RQ_STR);
  assert_int_equal(v->len, strlen(want));
  assert_memory_equal(v->s, want, v->len);
}

static void assert_int_cell(const rqc_answer *a, size_t row, int col, int64_t want) {
  const rq_val *v = cell(a, row, col);
  assert_int_equal(v->t, RQ_INT);
  assert_int_equal(v->i, want);
}

/* A hand-made event: object, UTC date and time, µs, action (NULL: none). */
typedef struct hand_ev {
  uint64_t obj;
  int y, m, d, hh, mi, ss;
  int64_t us;
  const char *action;
} hand_ev;

/* Appends the events in arrival order. */
static void load(rq_dataset *ds, const hand_ev *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    rq_dataset_append(ds, v[i].obj, U(v[i].y, v[i].m, v[i].d, v[i].hh, v[i].mi, v[i].ss) + v[i].us, v[i].action);
}

#define LOAD(ds, evs) load(ds, evs, sizeof evs / sizeof *evs)

/* The expected RETENTION rows (no keys): cohort, period, cohort_size,
 * objects; share is objects / cohort_size. */
typedef struct ret_row {
  const char *cohort;
  int k, size, objects;
} ret_row;

static void expect_retention(const rq_dataset *ds, const rqc_stmt *c, const ret_row *want, size_t n) {
  rqc_answer a;
  rqc_evaluate(ds, c, &a);
  assert_int_equal(a.n_rows, n);
  for (size_t r = 0; r < n; r++) {
    assert_str_cell(&a, r, 0, want[r].cohort);
    assert_int_cell(&a, r, 1, want[r].k);
    assert_int_cell(&a, r, 2, want[r].size);
    assert_int_cell(&a, r, 3, want[r].objects);
    assert_int_equal(cell(&a, r, 4)->t, RQ_FLOAT);
    assert_true(cell(&a, r, 4)->f == (double)want[r].objects / (double)want[r].size);
  }
  rqc_answer_free(&a);
}

#define EXPECT_RETENTION(ds, c, ...)                           \
  do {                                                         \
    static const ret_row rows_[] = {__VA_ARGS__};              \
    expect_retention(ds, c, rows_, sizeof rows_ / sizeof *rows_); \
  } while (0)

/* The expected LIFECYCLE rows: period, new, returning, resurrecting, dormant. */
typedef struct life_row {
  const char *period;
  int fresh, returning, resurrecting, dormant;
} life_row;

static void expect_lifecycle(const rq_dataset *ds, const rqc_stmt *c, const life_row *want, size_t n) {
  rqc_answer a;
  rqc_evaluate(ds, c, &a);
  assert_int_equal(a.n_rows, n);
  for (size_t r = 0; r < n; r++) {
    assert_str_cell(&a, r, 0, want[r].period);
    assert_int_cell(&a, r, 1, want[r].fresh);
    assert_int_cell(&a, r, 2, want[r].returning);
    assert_int_cell(&a, r, 3, want[r].resurrecting);
    assert_int_cell(&a, r, 4, want[r].dormant);
  }
  rqc_answer_free(&a);
}

#define EXPECT_LIFECYCLE(ds, c, ...)                            \
  do {                                                          \
    static const life_row rows_[] = {__VA_ARGS__};              \
    expect_lifecycle(ds, c, rows_, sizeof rows_ / sizeof *rows_); \
  } while (0)

/* The expected STICKINESS rows as pairs (periods, objects). */
static void expect_stickiness(const rq_dataset *ds, const rqc_stmt *c, const int (*want)[2], size_t n) {
  rqc_answer a;
  rqc_evaluate(ds, c, &a);
  assert_int_equal(a.n_rows, n);
  for (size_t r = 0; r < n; r++) {
    assert_int_cell(&a, r, 0, want[r][0]);
    assert_int_cell(&a, r, 1, want[r][1]);
  }
  rqc_answer_free(&a);
}

static void label_is(rqc_unit u, int64_t ts, const char *want) {
  rq_val v = rqc_period_label(u, rqc_period(u, ts));
  if (!want) {
    assert_int_equal(v.t, RQ_NULL);
    return;
  }
  assert_int_equal(v.t, RQ_STR);
  assert_int_equal(v.len, strlen(want));
  assert_memory_equal(v.s, want, v.len);
}

/* ---- calendar --------------------------------------------------------------------------------- */

static void test_period_labels(void **state) {
  (void)state;
  int64_t t = U(2026, 3, 1, 14, 30, 0); /* a Sunday */
  label_is(RQC_HOUR, t, "2026-03-01T14");
  label_is(RQC_DAY, t, "2026-03-01");
  label_is(RQC_WEEK, t, "2026-02-23"); /* the week's Monday, in the previous month */
  label_is(RQC_MONTH, t, "2026-03");
  label_is(RQC_WEEK, U(2026, 3, 2, 0, 0, 0), "2026-03-02");
  label_is(RQC_WEEK, U(2026, 3, 2, 0, 0, 0) - 1, "2026-02-23");
  label_is(RQC_HOUR, U(2026, 3, 1, 0, 0, 0) - 1, "2026-02-28T23");
  /* Before the epoch: floor, not truncation. */
  label_is(RQC_HOUR, U(1969, 12, 31, 23, 0, 0), "1969-12-31T23");
  label_is(RQC_WEEK, U(1969, 12, 31, 12, 0, 0), "1969-12-29");
  label_is(RQC_MONTH, U(1969, 12, 31, 12, 0, 0), "1969-12");
  /* 0000-01-01 was a Saturday: its Monday is in year -1, which has no text. */
  label_is(RQC_WEEK, U(0, 1, 1, 0, 0, 0), NULL);
  label_is(RQC_WEEK, U(0, 1, 3, 0, 0, 0), "0000-01-03");
  label_is(RQC_DAY, U(0, 1, 1, 0, 0, 0), "0000-01-01");
  /* One period after the last instant of 9999 has no text either. */
  int64_t end = U(9999, 12, 31, 23, 59, 59) + 999999;
  label_is(RQC_MONTH, end, "9999-12");
  assert_int_equal(rqc_period_label(RQC_MONTH, rqc_period(RQC_MONTH, end) + 1).t, RQ_NULL);
  assert_int_equal(rqc_period_label(RQC_HOUR, rqc_period(RQC_HOUR, end) + 1).t, RQ_NULL);
  /* Calendar differences: across a year, weeks by Mondays. */
  assert_int_equal(rqc_period(RQC_MONTH, U(2026, 1, 1, 0, 0, 0)) - rqc_period(RQC_MONTH, U(2025, 12, 31, 23, 59, 59)), 1);
  assert_int_equal(rqc_period(RQC_WEEK, U(2026, 3, 2, 0, 0, 0)) - rqc_period(RQC_WEEK, U(2026, 3, 1, 23, 59, 59)), 1);
  assert_int_equal(rqc_period(RQC_WEEK, U(2026, 3, 8, 23, 0, 0)) - rqc_period(RQC_WEEK, U(2026, 3, 2, 0, 0, 0)), 0);
  assert_int_equal(rqc_rolling_us(RQC_MONTH), 30 * DAY);
  assert_int_equal(rqc_rolling_us(RQC_WEEK), 7 * DAY);
}

/* ---- RETENTION --------------------------------------------------------------------------------- */

/* One RETENTION statement of a case — FROM action = from TO action = to
 * (NULL: TRUE) EVERY unit [ROLLING] FOR n, FIRST or RECURRING, [ON OR
 * AFTER] — and its rows (no keys), ending at cohort NULL. */
typedef struct ret_check {
  const char *from, *to;
  rqc_unit unit;
  int n;
  bool rolling, recurring, on_or_after;
  ret_row rows[8];
} ret_check;

/* Hand-made events (ending at object 0) and checks (ending at n 0). */
typedef struct ret_case {
  const char *what;
  hand_ev evs[8];
  ret_check checks[3];
} ret_case;

static const ret_case ret_cases[] = {
    /* 1: view Jan 31 23:59:59.999999 (cohort 2026-01), purchases 1 µs later
     *    (Feb 1: index 1) and Mar 15 (index 2); 2: view Feb 1 00:00 (cohort
     *    2026-02), purchases Feb 28 (0) and Apr 1 (2); 3: view Feb 10 only.
     * ROLLING (30d): 1's returns are 1 µs (0) and 42 days (1) after, 2's
     * 27.99 days (0) and 59 days (1): both cohorts 1, 1, 0. */
    {"cohorts across a month boundary",
     {{1, 2026, 1, 31, 23, 59, 59, 999999, "view"}, {1, 2026, 2, 1, 0, 0, 0, 0, "purchase"},
      {1, 2026, 3, 15, 10, 0, 0, 0, "purchase"}, {2, 2026, 2, 1, 0, 0, 0, 0, "view"},
      {2, 2026, 2, 28, 23, 59, 59, 0, "purchase"}, {2, 2026, 4, 1, 0, 0, 0, 0, "purchase"},
      {3, 2026, 2, 10, 0, 0, 0, 0, "view"}},
     {{"view", "purchase", RQC_MONTH, 3, false, false, false,
       {{"2026-01", 0, 1, 0}, {"2026-01", 1, 1, 1}, {"2026-01", 2, 1, 1}, {"2026-02", 0, 2, 1}, {"2026-02", 1, 2, 0},
        {"2026-02", 2, 2, 1}}},
      {"view", "purchase", RQC_MONTH, 3, true, false, false,
       {{"2026-01", 0, 1, 1}, {"2026-01", 1, 1, 1}, {"2026-01", 2, 1, 0}, {"2026-02", 0, 2, 1}, {"2026-02", 1, 2, 1},
        {"2026-02", 2, 2, 0}}}}},
    /* The week of Monday Mar 30 runs into April. 1: view Tue Mar 31,
     * purchases Sun Apr 5 23:59:59.999999 (0) and Mon Apr 6 (1); 2: view Thu
     * Apr 2 (same cohort), purchase Mon Apr 13 (2). By MONTH: 1 is cohort
     * 2026-03 returning at 1, 2 is 2026-04 returning at 0. */
    {"a week spanning two months",
     {{1, 2026, 3, 31, 9, 0, 0, 0, "view"}, {1, 2026, 4, 5, 23, 59, 59, 999999, "purchase"},
      {1, 2026, 4, 6, 0, 0, 0, 0, "purchase"}, {2, 2026, 4, 2, 9, 0, 0, 0, "view"},
      {2, 2026, 4, 13, 0, 0, 0, 0, "purchase"}},
     {{"view", "purchase", RQC_WEEK, 3, false, false, false,
       {{"2026-03-30", 0, 2, 1}, {"2026-03-30", 1, 2, 1}, {"2026-03-30", 2, 2, 1}}},
      {"view", "purchase", RQC_MONTH, 2, false, false, false,
       {{"2026-03", 0, 1, 0}, {"2026-03", 1, 1, 1}, {"2026-04", 0, 1, 1}, {"2026-04", 1, 1, 0}}}}},
    /* The start event is its own return when it satisfies TO (TRUE, view);
     * a view is no purchase. */
    {"a return on the start event itself",
     {{7, 2026, 3, 1, 12, 0, 0, 0, "view"}},
     {{NULL, NULL, RQC_DAY, 2, false, false, false, {{"2026-03-01", 0, 1, 1}, {"2026-03-01", 1, 1, 0}}},
      {"view", "view", RQC_DAY, 2, false, false, false, {{"2026-03-01", 0, 1, 1}, {"2026-03-01", 1, 1, 0}}},
      {"view", "purchase", RQC_DAY, 2, false, false, false, {{"2026-03-01", 0, 1, 0}, {"2026-03-01", 1, 1, 0}}}}},
    /* Purchase Mar 1 08:00, view 10:00 (the FIRST start), view Mar 2 09:00
     * (no entry under FIRST), purchase Mar 2 08:00. FIRST: the 08:00
     * purchase precedes the start; Mar 2 08:00 is index 1. RECURRING adds an
     * entry at Mar 2 09:00 whose same-day purchase (08:00) is earlier. */
    {"a TO event earlier the same day than the start",
     {{1, 2026, 3, 1, 8, 0, 0, 0, "purchase"}, {1, 2026, 3, 1, 10, 0, 0, 0, "view"},
      {1, 2026, 3, 2, 9, 0, 0, 0, "view"}, {1, 2026, 3, 2, 8, 0, 0, 0, "purchase"}},
     {{"view", "purchase", RQC_DAY, 2, false, false, false, {{"2026-03-01", 0, 1, 0}, {"2026-03-01", 1, 1, 1}}},
      {"view", "purchase", RQC_DAY, 2, false, true, false,
       {{"2026-03-01", 0, 1, 0}, {"2026-03-01", 1, 1, 1}, {"2026-03-02", 0, 1, 0}, {"2026-03-02", 1, 1, 0}}}}},
    /* The same with a purchase Mar 1 20:00: index 0 for FIRST. */
    {"... and a later purchase that day",
     {{1, 2026, 3, 1, 8, 0, 0, 0, "purchase"}, {1, 2026, 3, 1, 10, 0, 0, 0, "view"},
      {1, 2026, 3, 2, 9, 0, 0, 0, "view"}, {1, 2026, 3, 2, 8, 0, 0, 0, "purchase"},
      {1, 2026, 3, 1, 20, 0, 0, 0, "purchase"}},
     {{"view", "purchase", RQC_DAY, 2, false, false, false, {{"2026-03-01", 0, 1, 1}, {"2026-03-01", 1, 1, 1}}}}},
    /* Views at t0 = Mar 1 12:00; purchases at t0 + 1d - 1 µs (1: rolling
     * index 0), t0 + 1d (2: 1), t0 + 2d (3: 2). By the calendar the first
     * two are both Mar 2 (1). */
    {"ROLLING DAY boundaries",
     {{1, 2026, 3, 1, 12, 0, 0, 0, "view"}, {2, 2026, 3, 1, 12, 0, 0, 0, "view"},
      {3, 2026, 3, 1, 12, 0, 0, 0, "view"}, {1, 2026, 3, 2, 11, 59, 59, 999999, "purchase"},
      {2, 2026, 3, 2, 12, 0, 0, 0, "purchase"}, {3, 2026, 3, 3, 12, 0, 0, 0, "purchase"}},
     {{"view", "purchase", RQC_DAY, 3, true, false, false,
       {{"2026-03-01", 0, 3, 1}, {"2026-03-01", 1, 3, 1}, {"2026-03-01", 2, 3, 1}}},
      {"view", "purchase", RQC_DAY, 3, false, false, false,
       {{"2026-03-01", 0, 3, 0}, {"2026-03-01", 1, 3, 2}, {"2026-03-01", 2, 3, 1}}}}},
    /* ROLLING MONTH is 30 days: views Feb 1 00:00; 1 purchases 30d - 1 µs
     * later (Mar 2 23:59:59.999999, February has 28 days: rolling 0, by the
     * calendar 1), 2 exactly 30d later (Mar 3: 1 both ways). */
    {"ROLLING MONTH boundaries",
     {{1, 2026, 2, 1, 0, 0, 0, 0, "view"}, {2, 2026, 2, 1, 0, 0, 0, 0, "view"},
      {1, 2026, 3, 2, 23, 59, 59, 999999, "purchase"}, {2, 2026, 3, 3, 0, 0, 0, 0, "purchase"}},
     {{"view", "purchase", RQC_MONTH, 2, true, false, false, {{"2026-02", 0, 2, 1}, {"2026-02", 1, 2, 1}}},
      {"view", "purchase", RQC_MONTH, 2, false, false, false, {{"2026-02", 0, 2, 0}, {"2026-02", 1, 2, 2}}}}},
    /* ROLLING HOUR: views Mar 2 10:00; purchases 59m59.999999s (0) and 60m
     * (1) later. */
    {"ROLLING HOUR boundaries",
     {{1, 2026, 3, 2, 10, 0, 0, 0, "view"}, {2, 2026, 3, 2, 10, 0, 0, 0, "view"},
      {1, 2026, 3, 2, 10, 59, 59, 999999, "purchase"}, {2, 2026, 3, 2, 11, 0, 0, 0, "purchase"}},
     {{"view", "purchase", RQC_HOUR, 2, true, false, false,
       {{"2026-03-02T10", 0, 2, 1}, {"2026-03-02T10", 1, 2, 1}}}}},
    /* Views Mar 1; 1 purchases Mar 3 (index 2: retained at 0, 1, 2), 2 the
     * same day (0: at 0), 3 on Mar 6 (5, past FOR 4: at 0..3). ON OR AFTER
     * counts 3, 2, 2, 1; exact indexes 1, 0, 1, 0. */
    {"ON OR AFTER",
     {{1, 2026, 3, 1, 9, 0, 0, 0, "view"}, {2, 2026, 3, 1, 9, 0, 0, 0, "view"},
      {3, 2026, 3, 1, 9, 0, 0, 0, "view"}, {1, 2026, 3, 3, 9, 0, 0, 0, "purchase"},
      {2, 2026, 3, 1, 10, 0, 0, 0, "purchase"}, {3, 2026, 3, 6, 9, 0, 0, 0, "purchase"}},
     {{"view", "purchase", RQC_DAY, 4, false, false, true,
       {{"2026-03-01", 0, 3, 3}, {"2026-03-01", 1, 3, 2}, {"2026-03-01", 2, 3, 2}, {"2026-03-01", 3, 3, 1}}},
      {"view", "purchase", RQC_DAY, 4, false, false, false,
       {{"2026-03-01", 0, 3, 1}, {"2026-03-01", 1, 3, 0}, {"2026-03-01", 2, 3, 1}, {"2026-03-01", 3, 3, 0}}}}},
    /* RECURRING: view Mar 1 08:00 (entry), purchase 09:00 (0), view 10:00
     * (same day: no entry, else cohort 03-01 would hold 2), view Mar 2 07:00
     * (entry, no later purchase). */
    {"RECURRING with two starts in one period",
     {{1, 2026, 3, 1, 8, 0, 0, 0, "view"}, {1, 2026, 3, 1, 9, 0, 0, 0, "purchase"},
      {1, 2026, 3, 1, 10, 0, 0, 0, "view"}, {1, 2026, 3, 2, 7, 0, 0, 0, "view"}},
     {{"view", "purchase", RQC_DAY, 2, false, true, false,
       {{"2026-03-01", 0, 1, 1}, {"2026-03-01", 1, 1, 0}, {"2026-03-02", 0, 1, 0}, {"2026-03-02", 1, 1, 0}}}}},
    /* RECURRING ROLLING: entries stay per calendar day. Views Mar 1 23:00
     * and Mar 2 01:00 are two entries; the purchase Mar 2 22:00 is 23h and
     * 21h after them (rolling 0 for both; by the calendar 1 and 0). */
    {"RECURRING with ROLLING",
     {{2, 2026, 3, 1, 23, 0, 0, 0, "view"}, {2, 2026, 3, 2, 1, 0, 0, 0, "view"},
      {2, 2026, 3, 2, 22, 0, 0, 0, "purchase"}},
     {{"view", "purchase", RQC_DAY, 2, true, true, false,
       {{"2026-03-01", 0, 1, 1}, {"2026-03-01", 1, 1, 0}, {"2026-03-02", 0, 1, 1}, {"2026-03-02", 1, 1, 0}}},
      {"view", "purchase", RQC_DAY, 2, false, true, false,
       {{"2026-03-01", 0, 1, 0}, {"2026-03-01", 1, 1, 1}, {"2026-03-02", 0, 1, 1}, {"2026-03-02", 1, 1, 0}}}}},
    /* Equal timestamps, arrival order deciding: 1's purchase at Mar 4 15:00
     * arrives before its view at that instant (no return); 2's view on Mar 5
     * arrives before its purchase at the same instant (a return at 0). */
    {"equal timestamps",
     {{1, 2026, 3, 4, 15, 0, 0, 0, "purchase"}, {1, 2026, 3, 4, 15, 0, 0, 0, "view"},
      {2, 2026, 3, 5, 15, 0, 0, 0, "view"}, {2, 2026, 3, 5, 15, 0, 0, 0, "purchase"}},
     {{"view", "purchase", RQC_DAY, 1, false, false, false, {{"2026-03-04", 0, 1, 0}, {"2026-03-05", 0, 1, 1}}}}},
};

static void test_retention_cases(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof ret_cases / sizeof *ret_cases; i++) {
    const ret_case *rc = &ret_cases[i];
    rq_dataset ds = {0};
    size_t n_ev = 0;
    while (n_ev < 8 && rc->evs[n_ev].obj) n_ev++;
    load(&ds, rc->evs, n_ev);
    for (const ret_check *k = rc->checks; k < rc->checks + 3 && k->n; k++) {
      print_message("retention case: %s (check %d)\n", rc->what, (int)(k - rc->checks) + 1);
      rqc_stmt *c = retention(k->unit, k->n, k->from, k->to);
      c->rolling = k->rolling, c->recurring = k->recurring, c->on_or_after = k->on_or_after;
      size_t n_rows = 0;
      while (n_rows < 8 && k->rows[n_rows].cohort) n_rows++;
      expect_retention(&ds, c, k->rows, n_rows);
      rqc_free(c);
    }
    rq_dataset_free(&ds);
  }
}

/* Keys are the start event's: object 3's view with e1 'b' arrives first but
 * at T + 1 µs; its view with e1 'a' at T is first in path order. Object 4's
 * state s1 was set by an event WHERE drops (no action): state is computed
 * on the whole path, so its key state.s1 is 'pro'. Keys sort NULL first:
 * object 4 (e1 NULL, 'pro') before object 3 ('a', NULL). */
static void test_keys_at_start(void **state) {
  (void)state;
  int64_t t = U(2026, 3, 4, 15, 0, 0);
  rq_dataset k = {0};
  rq_dataset_append(&k, 3, t + 1, "view")->v[RQ_P_E1] = rq_str("b", 1);
  rq_dataset_append(&k, 3, t, "view")->v[RQ_P_E1] = rq_str("a", 1);
  rq_dataset_append(&k, 4, t - DAY, NULL)->v[RQ_P_S1] = rq_str("pro", 3);
  rq_dataset_append(&k, 4, t, "view");
  rqc_stmt *c = retention(RQC_DAY, 1, "view", NULL);
  c->where = rqb_isnull(c->q, rqb_node(c->q, RQ_E_ACTION, RQ_STR), true);
  c->keys[c->n_keys++] = rqb_prop(c->q, RQ_P_E1, 0);
  c->keys[c->n_keys++] = rqb_prop(c->q, RQ_P_S1, 1);
  rqc_answer a;
  rqc_evaluate(&k, c, &a);
  assert_int_equal(a.n_rows, 2);
  assert_int_equal(cell(&a, 0, 0)->t, RQ_NULL);
  assert_str_cell(&a, 0, 1, "pro");
  assert_str_cell(&a, 0, 2, "2026-03-04");
  assert_str_cell(&a, 1, 0, "a");
  assert_int_equal(cell(&a, 1, 1)->t, RQ_NULL);
  assert_string_equal(a.names[0], "e1");
  assert_string_equal(a.names[1], "state.s1");
  assert_string_equal(a.names[2], "cohort");
  rqc_answer_free(&a);
  rqc_free(c);
  rq_dataset_free(&k);
}

/* HAVING, ORDER BY and LIMIT on the result columns. Two cohorts (DAY FOR 2):
 * Mar 1 with objects 1, 2 (1 returns the next day), Mar 2 with object 3
 * (returns the same day). Rows in default order:
 *   03-01 k0 2 2 1.0 | 03-01 k1 2 1 0.5 | 03-02 k0 1 1 1.0 | 03-02 k1 1 0 0.0
 * HAVING "objects" > 0 keeps the first three; ORDER BY share DESC keeps
 * ties in default order (03-01 k0, 03-02 k0, then 03-01 k1); LIMIT 2. */
static void test_tail(void **state) {
  (void)state;
  static const hand_ev evs[] = {
      {1, 2026, 3, 1, 10, 0, 0, 0, "view"}, {2, 2026, 3, 1, 10, 0, 0, 0, "view"},
      {1, 2026, 3, 2, 10, 0, 0, 0, "view"}, {3, 2026, 3, 2, 10, 0, 0, 0, "view"},
  };
  rq_dataset ds = {0};
  LOAD(&ds, evs);
  rqc_stmt *c = retention(RQC_DAY, 2, NULL, NULL);
  EXPECT_RETENTION(&ds, c, {"2026-03-01", 0, 2, 2}, {"2026-03-01", 1, 2, 1}, {"2026-03-02", 0, 1, 1},
                   {"2026-03-02", 1, 1, 0});
  c->tail.having = (rq_having){.on = true, .col = 3, .op = RQ_GT, .lit = rq_int(0), .text = "0"};
  c->tail.sort[c->tail.n_sort++] = (rq_sort){.col = 4, .desc = true, .explicit_dir = true};
  c->tail.limit = 2;
  EXPECT_RETENTION(&ds, c, {"2026-03-01", 0, 2, 2}, {"2026-03-02", 0, 1, 1});
  rq_buf b;
  rq_buf_init(&b);
  rqc_render(&b, c);
  assert_string_equal(b.data, "RETENTION FROM TRUE TO TRUE EVERY DAY FOR 2 HAVING \"objects\" > 0 ORDER BY share DESC LIMIT 2");
  rq_buf_free(&b);
  rqc_free(c);
  rq_dataset_free(&ds);
}

/* ---- LIFECYCLE and STICKINESS -------------------------------------------------------------------- */

/* Active days (views): object 1 d1, d2, d4; object 2 d2; object 3 d4, d5
 * (twice on d5); d1 = Mar 1 (a Sunday). Object 4's only event fails WHERE.
 * EVERY DAY, rows d1..d6 (one past the last):
 *   d1: new 1 (1)                      d4: new 1 (3), resurrecting 1 (1)
 *   d2: new 1 (2), returning 1 (1)     d5: returning 1 (3), dormant 1 (1)
 *   d3: dormant 2 (1 and 2)            d6: dormant 1 (3)
 * EVERY WEEK: 02-23: new 1 (1); 03-02: new 2 (2, 3), returning 1 (1);
 * 03-09: dormant 3. Nothing matching: no rows. */
static void test_lifecycle(void **state) {
  (void)state;
  static const hand_ev evs[] = {
      {1, 2026, 3, 1, 6, 0, 0, 0, "view"},  {1, 2026, 3, 2, 6, 0, 0, 0, "view"},
      {1, 2026, 3, 4, 6, 0, 0, 0, "view"},  {2, 2026, 3, 2, 7, 0, 0, 0, "view"},
      {3, 2026, 3, 4, 6, 0, 0, 0, "view"},  {3, 2026, 3, 5, 6, 0, 0, 0, "view"},
      {3, 2026, 3, 5, 7, 0, 0, 0, "view"},  {4, 2026, 2, 24, 6, 0, 0, 0, "click"},
  };
  rq_dataset ds = {0};
  LOAD(&ds, evs);
  rqc_stmt *c = periodic(RQC_LIFECYCLE, RQC_DAY, "view");
  static const char *const cols[] = {"period", "new", "returning", "resurrecting", "dormant"};
  expect_columns(c, cols, 5);
  EXPECT_LIFECYCLE(&ds, c, {"2026-03-01", 1, 0, 0, 0}, {"2026-03-02", 1, 1, 0, 0}, {"2026-03-03", 0, 0, 0, 2},
                   {"2026-03-04", 1, 0, 1, 0}, {"2026-03-05", 0, 1, 0, 1}, {"2026-03-06", 0, 0, 0, 1});
  c->unit = RQC_WEEK;
  EXPECT_LIFECYCLE(&ds, c, {"2026-02-23", 1, 0, 0, 0}, {"2026-03-02", 2, 1, 0, 0}, {"2026-03-09", 0, 0, 0, 3});
  c->where = rqb_action_is(c->q, "signup");
  expect_lifecycle(&ds, c, NULL, 0);
  rqc_free(c);
  rq_dataset_free(&ds);
}

/* A gap gives rows of zeros: A active Mar 1 at 10:59:59, B at 13:00.
 * HOUR rows 10..14: (1,0,0,0) (0,0,0,1) (0,0,0,0) (1,0,0,0) (0,0,0,1).
 * An empty table gives no rows. */
static void test_lifecycle_gap(void **state) {
  (void)state;
  rq_dataset ds = {0};
  rqc_stmt *c = periodic(RQC_LIFECYCLE, RQC_HOUR, NULL);
  expect_lifecycle(&ds, c, NULL, 0);
  rq_dataset_append(&ds, 1, U(2026, 3, 1, 10, 59, 59), "view");
  rq_dataset_append(&ds, 2, U(2026, 3, 1, 13, 0, 0), NULL)->v[RQ_P_S2] = rq_int(1);
  EXPECT_LIFECYCLE(&ds, c, {"2026-03-01T10", 1, 0, 0, 0}, {"2026-03-01T11", 0, 0, 0, 1}, {"2026-03-01T12", 0, 0, 0, 0},
                   {"2026-03-01T13", 1, 0, 0, 0}, {"2026-03-01T14", 0, 0, 0, 1});
  rqc_free(c);
  rq_dataset_free(&ds);
}

/* STICKINESS EVERY WEEK: object 1 in the weeks of Feb 23 (Sunday Mar 1),
 * Mar 2 (three events up to Sunday 23:59:59) and Mar 16; object 2 only in
 * the week of Mar 2; object 3 in the weeks of Mar 9, Mar 16 and Mar 30;
 * object 4 only with events WHERE drops. Rows (1, 1), (3, 2).
 * EVERY MONTH: objects 1 and 2 only in March (1 each), 3 in March and
 * April (2): rows (1, 2), (2, 1). */
static void test_stickiness(void **state) {
  (void)state;
  static const hand_ev evs[] = {
      {1, 2026, 3, 1, 12, 0, 0, 0, "view"}, {1, 2026, 3, 2, 0, 0, 0, 0, "view"},
      {1, 2026, 3, 4, 0, 0, 0, 0, "view"},  {1, 2026, 3, 8, 23, 59, 59, 0, "view"},
      {1, 2026, 3, 16, 0, 0, 0, 0, "view"}, {2, 2026, 3, 3, 0, 0, 0, 0, "view"},
      {3, 2026, 3, 10, 0, 0, 0, 0, "view"}, {3, 2026, 3, 17, 0, 0, 0, 0, "view"},
      {3, 2026, 4, 1, 0, 0, 0, 0, "view"},  {4, 2026, 3, 3, 0, 0, 0, 0, "click"},
  };
  rq_dataset ds = {0};
  LOAD(&ds, evs);
  rqc_stmt *c = periodic(RQC_STICKINESS, RQC_WEEK, "view");
  static const char *const cols[] = {"periods", "objects"};
  expect_columns(c, cols, 2);
  static const int weeks[][2] = {{1, 1}, {3, 2}}, months[][2] = {{1, 2}, {2, 1}};
  expect_stickiness(&ds, c, weeks, 2);
  c->unit = RQC_MONTH;
  expect_stickiness(&ds, c, months, 2);
  rqc_free(c);
  rq_dataset_free(&ds);
}

/* ---- laws on random data -------------------------------------------------------------------------------- */

static int64_t col_int(const rqc_answer *a, size_t row, int col) { return cell(a, row, col)->i; }

/* Periods between the dataset's first and last event. */
static int64_t span_of(const rq_dataset *ds, rqc_unit u) {
  int64_t lo = ds->n_ev ? ds->ev[0].ts : 0, hi = lo;
  for (size_t i = 0; i < ds->n_ev; i++) lo = ds->ev[i].ts < lo ? ds->ev[i].ts : lo, hi = ds->ev[i].ts > hi ? ds->ev[i].ts : hi;
  return rqc_period(u, hi) - rqc_period(u, lo);
}

/* Laws relating answers of different statements on the generator's
 * datasets, each following from the definitions:
 *   - FROM TRUE TO TRUE (FIRST) retains every entry at 0, and its cohort
 *     sizes add up to the objects with a matching event;
 *   - ON OR AFTER retains at k at least what exact indexes do, and is
 *     non-increasing in k;
 *   - LIFECYCLE: new + returning + resurrecting in P is the number of
 *     objects active in P, so its sum over all P equals STICKINESS's
 *     sum of periods * objects; dormant(P) = active(P-1) - returning(P);
 *     the new counts add up to the active objects. */
static void test_laws(void **state) {
  (void)state;
  rqc_stmt *c = rqc_create();
  long checked = 0;
  for (uint64_t seed = 1; seed <= 40; seed++) {
    rq_dataset ds;
    rqc_dataset_generate(&ds, seed);
    for (uint64_t i = 0; i < 6; i++) {
      rqc_generate(c, &ds, seed * 100 + i, RQC_C_ALL & ~(unsigned)(RQC_C_INVALID | RQC_C_HAVING | RQC_C_LIMIT |
                                                                    RQC_C_ORDER | RQC_C_GROUP | RQC_C_GROUP_TIME));
      rqc_unit u = c->unit;
      if (span_of(&ds, u) > 20000) continue; /* LIFECYCLE rows: one per period (raw datasets span years) */
      /* STICKINESS: the objects active, and the sum of their periods. */
      c->kind = RQC_STICKINESS;
      rqc_answer s;
      rqc_evaluate(&ds, c, &s);
      int64_t objects = 0, object_periods = 0;
      for (size_t r = 0; r < s.n_rows; r++) objects += col_int(&s, r, 1), object_periods += col_int(&s, r, 0) * col_int(&s, r, 1);
      rqc_answer_free(&s);
      /* LIFECYCLE */
      c->kind = RQC_LIFECYCLE;
      rqc_answer l;
      rqc_evaluate(&ds, c, &l);
      int64_t active_sum = 0, new_sum = 0, prev_active = 0;
      for (size_t r = 0; r < l.n_rows; r++) {
        int64_t active = col_int(&l, r, 1) + col_int(&l, r, 2) + col_int(&l, r, 3);
        assert_int_equal(col_int(&l, r, 4), prev_active - col_int(&l, r, 2));
        active_sum += active, new_sum += col_int(&l, r, 1), prev_active = active;
      }
      assert_int_equal(prev_active, 0); /* the row one past the last */
      assert_int_equal(active_sum, object_periods);
      assert_int_equal(new_sum, objects);
      rqc_answer_free(&l);
      /* RETENTION FROM TRUE TO TRUE */
      c->kind = RQC_RETENTION, c->n = 3, c->recurring = false;
      c->start = c->ret = rqb_lit(c->q, rq_bool(true));
      rqc_answer r0;
      rqc_evaluate(&ds, c, &r0);
      int64_t entries = 0;
      for (size_t r = 0; r < r0.n_rows; r += 3) {
        assert_int_equal(col_int(&r0, r, 3), col_int(&r0, r, 2));
        entries += col_int(&r0, r, 2);
      }
      assert_int_equal(entries, objects);
      rqc_answer_free(&r0);
      /* ON OR AFTER against exact indexes, on the generated conditions. */
      rqc_generate(c, &ds, seed * 100 + i, RQC_C_RETENTION | RQC_C_RECURRING | RQC_C_ROLLING | RQC_C_WHERE |
                                               RQC_C_PROPS | RQC_C_LONG);
      rqc_answer exact, after;
      c->on_or_after = false;
      rqc_evaluate(&ds, c, &exact);
      c->on_or_after = true;
      rqc_evaluate(&ds, c, &after);
      assert_int_equal(exact.n_rows, after.n_rows);
      for (size_t r = 0; r < after.n_rows; r++) {
        assert_true(col_int(&after, r, 3) >= col_int(&exact, r, 3));
        if (col_int(&after, r, 1) > 0) assert_true(col_int(&after, r, 3) <= col_int(&after, r - 1, 3));
      }
      rqc_answer_free(&exact);
      rqc_answer_free(&after);
      checked++;
    }
    rq_dataset_free(&ds);
  }
  assert_true(checked >= 150);
  rqc_free(c);
}

/* The generator: statements render, valid ones have FOR in 1..1000 and
 * evaluate; the datasets span several months (months profile) or are
 * dense in hours (hours profile). */
static void test_generator(void **state) {
  (void)state;
  rqc_stmt *c = rqc_create();
  long months_wide = 0, hours_dense = 0, invalid = 0, kinds[3] = {0};
  for (uint64_t seed = 1; seed <= 60; seed++) {
    rq_dataset ds;
    rqc_dataset_generate(&ds, seed);
    months_wide += span_of(&ds, RQC_MONTH) >= 3;
    hours_dense += ds.n_ev >= 20 && span_of(&ds, RQC_DAY) <= 14;
    for (uint64_t i = 0; i < 20; i++) {
      rqc_generate(c, &ds, seed * 1000 + i, RQC_C_ALL);
      rq_buf b;
      rq_buf_init(&b);
      rqc_render(&b, c);
      assert_true(b.len > 10);
      rq_buf_free(&b);
      kinds[c->kind]++;
      if (c->expect != RQ_EXPECT_ROWS) {
        invalid++;
        continue;
      }
      if (c->kind == RQC_RETENTION) assert_true(c->n >= 1 && c->n <= RQC_MAX_N);
    }
    rq_dataset_free(&ds);
  }
  assert_true(months_wide >= 15);
  assert_true(hours_dense >= 5);
  assert_true(invalid >= 20 && invalid <= 150);
  for (int k = 0; k < 3; k++) assert_true(kinds[k] >= 150);
  rqc_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_period_labels),
      cmocka_unit_test(test_retention_cases),
      cmocka_unit_test(test_keys_at_start),
      cmocka_unit_test(test_tail),
      cmocka_unit_test(test_lifecycle),
      cmocka_unit_test(test_lifecycle_gap),
      cmocka_unit_test(test_stickiness),
      cmocka_unit_test(test_laws),
      cmocka_unit_test(test_generator),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
