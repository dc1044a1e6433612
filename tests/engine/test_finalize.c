/* test_finalize.c — the finalizer on hand-built plans: the default order
 * (keys in order, NULL first, FALSE before TRUE, OBJECT unsigned, floats
 * with NaN last, days before/after the epoch), ORDER BY with NULL placement
 * and ties broken by the default order, HAVING (only TRUE keeps), LIMIT,
 * the one row of a query without GROUP BY over no data, result value types
 * and column names, result_too_large and post-aggregation overflow. */
#include <math.h>
#include <string.h>

#include "common/error.h"
#include "engine_fixture.h"

static tplan T;

static int setup(void **state) {
  (void)state;
  tp_init(&T, 4);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  tp_free(&T);
  return 0;
}

enum { P_X, P_Y, P_F, P_B }; /* x EVENT INT, y EVENT INT, f EVENT FLOAT, b EVENT BOOL */
static const sky_prop_type TYPES[4] = {SKY_PTYPE_INT, SKY_PTYPE_INT, SKY_PTYPE_FLOAT, SKY_PTYPE_BOOL};
#define NO 999 /* "no value" in the event tables below */

static sky_expr *x(void) { return tp_event(&T, P_X, SKY_VT_INT); }
static sky_expr *y(void) { return tp_event(&T, P_Y, SKY_VT_INT); }

/* One object whose events carry (x, y), NO for absent. */
static tchunk *xy_chunk(size_t n, const int (*rows)[2]) {
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, 1);
  for (size_t i = 0; i < n; i++) {
    tc_event(c, (int64_t)i, 0);
    if (rows[i][0] != NO) tc_int(c, P_X, rows[i][0]);
    if (rows[i][1] != NO) tc_int(c, P_Y, rows[i][1]);
  }
  return c;
}

/* The int (or NULL = NO) of column `col` in every row. */
static void expect_column(const sky_result *r, size_t col, size_t n, const int *want) {
  assert_int_equal(sky_result_rows(r), n);
  for (size_t i = 0; i < n; i++) {
    if (want[i] == NO) expect_null(r, i, col);
    else expect_int(r, i, col, want[i]);
  }
}

/* ---- default order ---------------------------------------------------------------------- */

static void test_default_order_two_keys(void **state) {
  (void)state;
  tp_key(&T, x());
  tp_key(&T, tp_event(&T, P_B, SKY_VT_BOOL));
  tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");
  tp_output(&T, tp_key_ref(&T, 0), "x");
  tp_output(&T, tp_key_ref(&T, 1), "b");
  tp_output(&T, tp_agg_ref(&T, 0), "count()");
  tp_done(&T);
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, 1);
  static const int ev[][2] = {{3, 1}, {NO, 0}, {-1, NO}, {3, 0}, {NO, NO}, {2, 1}, {3, 1}};
  for (size_t i = 0; i < sizeof ev / sizeof *ev; i++) {
    tc_event(c, (int64_t)i, 0);
    if (ev[i][0] != NO) tc_int(c, P_X, ev[i][0]);
    if (ev[i][1] != NO) tc_bool(c, P_B, ev[i][1]);
  }
  sky_result *r = tp_run_ok(&T, &c, 1);
  expect_cols(r, 6, 3);
  assert_string_equal(sky_result_column_name(r, 0), "x");
  assert_string_equal(sky_result_column_name(r, 2), "count()");
  /* (NULL,NULL) (NULL,F) (-1,NULL) (2,T) (3,F) (3,T) */
  expect_column(r, 0, 6, (int[]){NO, NO, -1, 2, 3, 3});
  expect_null(r, 0, 1), expect_bool(r, 1, 1, false), expect_null(r, 2, 1);
  expect_bool(r, 3, 1, true), expect_bool(r, 4, 1, false), expect_bool(r, 5, 1, true);
  expect_column(r, 2, 6, (int[]){1, 1, 1, 1, 1, 2});
  sky_result_free(r);
  tc_free(c);
}

static void test_default_order_objects_floats_days(void **state) {
  (void)state;
  tp_key(&T, tp_op(&T, SKY_OP_OBJECT, SKY_VT_OBJECT, 0));
  tp_key(&T, tp_event(&T, P_F, SKY_VT_FLOAT));
  sky_expr *day = tp_op(&T, SKY_OP_DAY, SKY_VT_STRING, 1, tp_op(&T, SKY_OP_TIMESTAMP, SKY_VT_INT, 0));
  day->dom = SKY_DOM_DAY;
  tp_key(&T, day);
  tp_output(&T, tp_key_ref(&T, 0), "object");
  tp_output(&T, tp_key_ref(&T, 1), "f");
  tp_output(&T, tp_key_ref(&T, 2), "day");
  tp_done(&T);
  uint64_t big = (UINT64_C(1) << 63) + 1;
  tchunk *c = tc_new(4, TYPES), *d = tc_new(4, TYPES);
  tc_object(c, 5);
  tc_event(c, 86400000000, 0), tc_float(c, P_F, 1.5);
  tc_event(c, 86400000001, 0), tc_float(c, P_F, NAN);
  tc_event(c, 86400000002, 0), tc_float(c, P_F, -INFINITY);
  tc_event(c, 86400000003, 0), tc_float(c, P_F, -0.0);
  tc_event(c, 86400000004, 0), tc_float(c, P_F, 0.0); /* same group as -0.0 */
  tc_object(c, big);
  tc_event(c, -1, 0), tc_float(c, P_F, 2.0);
  tc_event(c, 0, 0), tc_float(c, P_F, 2.0);
  tc_object(d, 1);
  tc_event(d, 0, 0);
  tchunk *parts[2] = {c, d};
  sky_result *r = tp_run_ok(&T, parts, 2);
  expect_cols(r, 7, 3);
  expect_uint(r, 0, 0, 1), expect_null(r, 0, 1), expect_str(r, 0, 2, "1970-01-01");
  expect_uint(r, 1, 0, 5), expect_float(r, 1, 1, -INFINITY);
  expect_uint(r, 2, 0, 5), expect_float(r, 2, 1, 0.0);
  expect_uint(r, 3, 0, 5), expect_float(r, 3, 1, 1.5), expect_str(r, 3, 2, "1970-01-02");
  expect_uint(r, 4, 0, 5), expect_float(r, 4, 1, NAN);
  expect_uint(r, 5, 0, big), expect_float(r, 5, 1, 2.0), expect_str(r, 5, 2, "1969-12-31");
  expect_uint(r, 6, 0, big), expect_float(r, 6, 1, 2.0), expect_str(r, 6, 2, "1970-01-01");
  sky_result_free(r);
  tc_free(c);
  tc_free(d);
}

/* ---- ORDER BY, HAVING, LIMIT --------------------------------------------------------------- */

/* x = 1: count 2, sum(y) NULL; x = 2: 1, 5; x = 3: 2, 2; x = 4: 1, NULL;
 * x = NULL: 1, 7. */
static const int XY[][2] = {{1, NO}, {3, 1}, {2, 5}, {NO, 7}, {1, NO}, {4, NO}, {3, 1}};

static uint32_t g_count, g_sum;

static void xy_plan(void) {
  tp_key(&T, x());
  g_count = tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");
  g_sum = tp_agg(&T, SKY_AGG_SUM, y(), "sum(y)");
  tp_output(&T, tp_key_ref(&T, 0), "x");
  tp_output(&T, tp_agg_ref(&T, g_count), "count()");
  tp_output(&T, tp_agg_ref(&T, g_sum), "sum(y)");
}

static sky_result *run_xy(void) {
  tp_done(&T);
  tchunk *c = xy_chunk(sizeof XY / sizeof *XY, XY);
  sky_result *r = tp_run_ok(&T, &c, 1);
  tc_free(c);
  return r;
}

static void test_default_order_and_values(void **state) {
  (void)state;
  xy_plan();
  sky_result *r = run_xy();
  expect_column(r, 0, 5, (int[]){NO, 1, 2, 3, 4});
  expect_column(r, 1, 5, (int[]){1, 2, 1, 2, 1});
  expect_column(r, 2, 5, (int[]){7, NO, 5, 2, NO});
  sky_result_free(r);
}

static void test_order_by_desc_ties(void **state) {
  (void)state;
  xy_plan();
  tp_order(&T, tp_agg_ref(&T, g_count), true);
  sky_result *r = run_xy();
  expect_column(r, 0, 5, (int[]){1, 3, NO, 2, 4}); /* ties in key order */
  sky_result_free(r);
}

static void test_order_by_nulls(void **state) {
  (void)state;
  xy_plan();
  tp_order(&T, tp_agg_ref(&T, g_sum), false);
  sky_result *r = run_xy();
  expect_column(r, 0, 5, (int[]){1, 4, 3, 2, NO}); /* NULL sums first */
  sky_result_free(r);
}

static void test_order_by_nulls_desc(void **state) {
  (void)state;
  xy_plan();
  tp_order(&T, tp_agg_ref(&T, g_sum), true);
  sky_result *r = run_xy();
  expect_column(r, 0, 5, (int[]){NO, 2, 3, 1, 4}); /* NULL sums last */
  sky_result_free(r);
}

static void test_order_by_two_items(void **state) {
  (void)state;
  xy_plan();
  tp_order(&T, tp_agg_ref(&T, g_count), false);
  tp_order(&T, tp_agg_ref(&T, g_sum), true);
  sky_result *r = run_xy();
  expect_column(r, 0, 5, (int[]){NO, 2, 4, 3, 1});
  sky_result_free(r);
}

static void test_order_by_key_desc(void **state) {
  (void)state;
  xy_plan();
  tp_order(&T, tp_key_ref(&T, 0), true);
  sky_result *r = run_xy();
  expect_column(r, 0, 5, (int[]){4, 3, 2, 1, NO});
  sky_result_free(r);
}

static void test_having(void **state) {
  (void)state;
  xy_plan();
  /* HAVING sum(y) > 3: NULL sums are rejected like FALSE */
  tp_having(&T, tp_op(&T, SKY_OP_GT, SKY_VT_BOOL, 2, tp_agg_ref(&T, g_sum), tp_int(&T, 3)));
  sky_result *r = run_xy();
  expect_column(r, 0, 2, (int[]){NO, 2});
  sky_result_free(r);
}

static void test_having_count(void **state) {
  (void)state;
  xy_plan();
  tp_having(&T, tp_op(&T, SKY_OP_GT, SKY_VT_BOOL, 2, tp_agg_ref(&T, g_count), tp_int(&T, 1)));
  tp_order(&T, tp_key_ref(&T, 0), true);
  sky_result *r = run_xy();
  expect_column(r, 0, 2, (int[]){3, 1});
  sky_result_free(r);
}

static void test_having_null(void **state) {
  (void)state;
  xy_plan();
  tp_having(&T, tp_null(&T, SKY_VT_BOOL));
  sky_result *r = run_xy();
  expect_cols(r, 0, 3);
  sky_result_free(r);
}

static void test_limit(void **state) {
  (void)state;
  int64_t limits[] = {0, 2, 5, 100};
  size_t rows[] = {0, 2, 5, 5};
  for (int k = 0; k < 4; k++) {
    tp_free(&T);
    tp_init(&T, 4);
    xy_plan();
    tp_order(&T, tp_agg_ref(&T, g_count), true);
    T.p.limit = limits[k];
    sky_result *r = run_xy();
    int want[] = {1, 3, NO, 2, 4};
    expect_column(r, 0, rows[k], want);
    sky_result_free(r);
  }
}

static void test_result_too_large(void **state) {
  (void)state;
  xy_plan();
  tp_done(&T);
  tchunk *c = xy_chunk(sizeof XY / sizeof *XY, XY);
  sky_select_opts opts = {.scan = sky_interp_scan, .max_result_rows = 4};
  sky_error err;
  assert_null(tp_run(&T, &c, 1, &opts, &err));
  assert_int_equal(err.code, SKY_ERR_RESULT_TOO_LARGE);
  opts.max_result_rows = 5;
  sky_result *r = tp_run(&T, &c, 1, &opts, &err);
  expect_cols(r, 5, 3);
  sky_result_free(r);
  T.p.limit = 4; /* rows after LIMIT are what counts */
  opts.max_result_rows = 4;
  r = tp_run(&T, &c, 1, &opts, &err);
  expect_cols(r, 4, 3);
  sky_result_free(r);
  tc_free(c);
}

/* ---- no GROUP BY ------------------------------------------------------------------------------ */

static void no_group_plan(void) {
  tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");
  tp_agg(&T, SKY_AGG_COUNT, x(), "count(x)");
  tp_agg(&T, SKY_AGG_SUM, x(), "sum(x)");
  tp_agg(&T, SKY_AGG_AVG, x(), "avg(x)");
  tp_agg(&T, SKY_AGG_MIN, x(), "min(x)");
  tp_agg(&T, SKY_AGG_MAX, tp_event(&T, P_F, SKY_VT_FLOAT), "max(f)");
  tp_agg(&T, SKY_AGG_OBJECTS, NULL, "objects()");
  tp_agg(&T, SKY_AGG_COUNT_DISTINCT, x(), "count(DISTINCT x)");
  tp_agg(&T, SKY_AGG_SUM, tp_event(&T, P_F, SKY_VT_FLOAT), "sum(f)");
  for (uint32_t a = 0; a < T.p.n_aggs; a++) tp_output(&T, tp_agg_ref(&T, a), T.p.aggs[a].text);
}

static void expect_empty_row(const sky_result *r) {
  expect_cols(r, 1, 9);
  expect_int(r, 0, 0, 0), expect_int(r, 0, 1, 0);
  expect_null(r, 0, 2), expect_null(r, 0, 3), expect_null(r, 0, 4), expect_null(r, 0, 5);
  expect_int(r, 0, 6, 0), expect_int(r, 0, 7, 0), expect_null(r, 0, 8);
}

static void test_no_group_by_empty(void **state) {
  (void)state;
  no_group_plan();
  tp_done(&T);
  tchunk *parts[3] = {NULL, NULL, NULL};
  sky_result *r = tp_run_ok(&T, parts, 3);
  expect_empty_row(r);
  sky_result_free(r);
  /* Data, but nothing matches: still one row. */
  tp_filter(&T, tp_bool(&T, false));
  tchunk *c = xy_chunk(sizeof XY / sizeof *XY, XY);
  r = tp_run_ok(&T, &c, 1);
  expect_empty_row(r);
  sky_result_free(r);
  tc_free(c);
}

static void test_no_group_by_having_limit(void **state) {
  (void)state;
  no_group_plan();
  tp_having(&T, tp_op(&T, SKY_OP_GT, SKY_VT_BOOL, 2, tp_agg_ref(&T, 0), tp_int(&T, 0)));
  tp_done(&T);
  tchunk *parts[1] = {NULL};
  sky_result *r = tp_run_ok(&T, parts, 1);
  expect_cols(r, 0, 9);
  sky_result_free(r);
  T.p.having = NULL;
  T.p.limit = 0;
  r = tp_run_ok(&T, parts, 1);
  expect_cols(r, 0, 9);
  sky_result_free(r);
}

static void test_group_by_empty(void **state) {
  (void)state;
  xy_plan();
  tp_done(&T);
  tchunk *parts[2] = {NULL, NULL};
  sky_result *r = tp_run_ok(&T, parts, 2);
  expect_cols(r, 0, 3);
  sky_result_free(r);
}

/* ---- values -------------------------------------------------------------------------------- */

static void test_output_types(void **state) {
  (void)state;
  uint32_t k = tp_key(&T, tp_op(&T, SKY_OP_OBJECT, SKY_VT_OBJECT, 0));
  uint32_t a = tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");
  sky_expr *month = tp_op(&T, SKY_OP_MONTH, SKY_VT_STRING, 1, tp_int(&T, INT64_C(1772409599999999)));
  month->dom = SKY_DOM_MONTH;
  sky_expr *week = tp_op(&T, SKY_OP_WEEK, SKY_VT_STRING, 1, tp_int(&T, INT64_C(1772409599999999)));
  week->dom = SKY_DOM_DAY;
  tp_output(&T, tp_key_ref(&T, k), "object");
  tp_output(&T, tp_agg_ref(&T, a), "n");
  tp_output(&T, tp_op(&T, SKY_OP_DIV, SKY_VT_FLOAT, 2,
                      tp_op(&T, SKY_OP_TO_FLOAT, SKY_VT_FLOAT, 1, tp_agg_ref(&T, a)), tp_float(&T, 4)),
            "n / 4");
  tp_output(&T, tp_op(&T, SKY_OP_MUL, SKY_VT_FLOAT, 2, tp_float(&T, 1e308), tp_float(&T, 10)), "inf");
  tp_output(&T, tp_op(&T, SKY_OP_GT, SKY_VT_BOOL, 2, tp_agg_ref(&T, a), tp_int(&T, 1)), "many");
  tp_output(&T, tp_str(&T, "it's"), "'it''s'");
  tp_output(&T, month, "month");
  tp_output(&T, week, "week");
  tp_output(&T, tp_null(&T, SKY_VT_NULL), "NULL");
  tp_output(&T, tp_op(&T, SKY_OP_ADD, SKY_VT_INT, 2, tp_agg_ref(&T, a), tp_null(&T, SKY_VT_INT)), "n + NULL");
  tp_done(&T);
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, UINT64_MAX);
  tc_event(c, 0, 0);
  tc_event(c, 1, 0);
  sky_result *r = tp_run_ok(&T, &c, 1);
  expect_cols(r, 1, 10);
  const char *names[] = {"object", "n", "n / 4", "inf", "many", "'it''s'", "month", "week", "NULL", "n + NULL"};
  for (size_t i = 0; i < 10; i++) assert_string_equal(sky_result_column_name(r, i), names[i]);
  expect_uint(r, 0, 0, UINT64_MAX);
  expect_int(r, 0, 1, 2);
  expect_float(r, 0, 2, 0.5);
  expect_float(r, 0, 3, INFINITY);
  expect_bool(r, 0, 4, true);
  expect_str(r, 0, 5, "it's");
  expect_str(r, 0, 6, "2026-03");
  expect_str(r, 0, 7, "2026-02-23");
  expect_null(r, 0, 8);
  expect_null(r, 0, 9);
  sky_result_free(r);
  tc_free(c);
}

static void test_post_aggregation_overflow(void **state) {
  (void)state;
  xy_plan();
  /* SELECT ..., count() * 9223372036854775807: overflows for count 2 */
  sky_expr *mul = tp_at(tp_op(&T, SKY_OP_MUL, SKY_VT_INT, 2, tp_agg_ref(&T, g_count), tp_int(&T, INT64_MAX)),
                        "count() * 9223372036854775807", 1, 20);
  tp_output(&T, mul, "big");
  sky_result *r = NULL;
  tp_done(&T);
  tchunk *c = xy_chunk(sizeof XY / sizeof *XY, XY);
  sky_select_opts opts = {.scan = sky_interp_scan};
  sky_error err;
  assert_null(tp_run(&T, &c, 1, &opts, &err));
  assert_int_equal(err.code, SKY_ERR_NUMERIC_OVERFLOW);
  assert_string_equal(err.message, "integer overflow in 'count() * 9223372036854775807'");
  assert_int_equal(err.line, 1);
  assert_int_equal(err.column, 20);
  /* Groups HAVING rejects are never evaluated: keep count() = 1 only. */
  tp_having(&T, tp_op(&T, SKY_OP_EQ, SKY_VT_BOOL, 2, tp_agg_ref(&T, g_count), tp_int(&T, 1)));
  r = tp_run(&T, &c, 1, &opts, &err);
  assert_non_null(r);
  expect_column(r, 0, 3, (int[]){NO, 2, 4});
  expect_int(r, 0, 3, INT64_MAX);
  sky_result_free(r);
  tc_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_default_order_two_keys, setup, teardown),
      cmocka_unit_test_setup_teardown(test_default_order_objects_floats_days, setup, teardown),
      cmocka_unit_test_setup_teardown(test_default_order_and_values, setup, teardown),
      cmocka_unit_test_setup_teardown(test_order_by_desc_ties, setup, teardown),
      cmocka_unit_test_setup_teardown(test_order_by_nulls, setup, teardown),
      cmocka_unit_test_setup_teardown(test_order_by_nulls_desc, setup, teardown),
      cmocka_unit_test_setup_teardown(test_order_by_two_items, setup, teardown),
      cmocka_unit_test_setup_teardown(test_order_by_key_desc, setup, teardown),
      cmocka_unit_test_setup_teardown(test_having, setup, teardown),
      cmocka_unit_test_setup_teardown(test_having_count, setup, teardown),
      cmocka_unit_test_setup_teardown(test_having_null, setup, teardown),
      cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_result_too_large, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_group_by_empty, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_group_by_having_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_group_by_empty, setup, teardown),
      cmocka_unit_test_setup_teardown(test_output_types, setup, teardown),
      cmocka_unit_test_setup_teardown(test_post_aggregation_overflow, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
