/* test_interp_scan.c — the interpreter's scan on synthetic chunks with
 * hand-computed answers: STATE registers (carried forward, across sessions,
 * reset per object, equal timestamps in arrival order), session cuts (gap
 * exactly equal vs one µs longer, cut on all events), every aggregate
 * (counts, objects()/sessions() across groups, DISTINCT, 128-bit SUM and
 * AVG, MIN/MAX with NaN and -0, dictionary ranks), INT overflow in every
 * per-event place, division by zero, memory budget exhaustion and
 * cancellation. */
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

enum { P_PLAN, P_PRICE, P_F, P_B }; /* plan STATE INT, price EVENT INT, f EVENT FLOAT, b EVENT BOOL */
static const sky_prop_type TYPES[4] = {SKY_PTYPE_INT, SKY_PTYPE_INT, SKY_PTYPE_FLOAT, SKY_PTYPE_BOOL};

static sky_expr *session_number(void) { return tp_op(&T, SKY_OP_SESSION_NUMBER, SKY_VT_INT, 0); }
static sky_expr *object(void) { return tp_op(&T, SKY_OP_OBJECT, SKY_VT_OBJECT, 0); }

/* Outputs every key then every aggregate. */
static void output_all(void) {
  for (uint32_t j = 0; j < T.p.n_keys; j++) tp_output(&T, tp_key_ref(&T, j), T.p.keys[j]->text);
  for (uint32_t a = 0; a < T.p.n_aggs; a++) tp_output(&T, tp_agg_ref(&T, a), T.p.aggs[a].text);
}

/* ---- state and sessions -------------------------------------------------------- */

static void test_state_and_sessions(void **state) {
  (void)state;
  tp_session(&T, 30);
  tp_key(&T, tp_state(&T, P_PLAN, SKY_VT_INT));
  tp_key(&T, session_number());
  tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");
  tp_agg(&T, SKY_AGG_OBJECTS, NULL, "objects()");
  tp_agg(&T, SKY_AGG_SESSIONS, NULL, "sessions()");
  tp_agg(&T, SKY_AGG_SUM, tp_event(&T, P_PRICE, SKY_VT_INT), "sum(price)");
  output_all();
  tp_done(&T);
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, 1);
  tc_event(c, 0, 0), tc_int(c, P_PLAN, 1);     /* (1, 0) */
  tc_event(c, 10, 0), tc_int(c, P_PRICE, 5);   /* (1, 0): state carried */
  tc_event(c, 100, 0), tc_int(c, P_PRICE, 7);  /* gap 90: session 1, state still 1 */
  tc_event(c, 100, 0), tc_int(c, P_PLAN, 2);   /* equal timestamp, later arrival: (2, 1) */
  tc_event(c, 130, 0);                         /* gap exactly 30: same session, (2, 1) */
  tc_object(c, 2);
  tc_event(c, 0, 0), tc_int(c, P_PRICE, 1);    /* state reset: (NULL, 0) */
  tc_event(c, 5, 0), tc_int(c, P_PLAN, 1);     /* (1, 0) */
  sky_result *r = tp_run_ok(&T, &c, 1);
  expect_cols(r, 4, 6);
  /* default order: plan NULL first, then by session number */
  expect_null(r, 0, 0), expect_int(r, 0, 1, 0), expect_int(r, 0, 2, 1), expect_int(r, 0, 3, 1);
  expect_int(r, 0, 4, 1), expect_int(r, 0, 5, 1);
  expect_int(r, 1, 0, 1), expect_int(r, 1, 1, 0), expect_int(r, 1, 2, 3), expect_int(r, 1, 3, 2);
  expect_int(r, 1, 4, 2), expect_int(r, 1, 5, 5);
  expect_int(r, 2, 0, 1), expect_int(r, 2, 1, 1), expect_int(r, 2, 2, 1), expect_int(r, 2, 3, 1);
  expect_int(r, 2, 4, 1), expect_int(r, 2, 5, 7);
  expect_int(r, 3, 0, 2), expect_int(r, 3, 1, 1), expect_int(r, 3, 2, 2), expect_int(r, 3, 3, 1);
  expect_int(r, 3, 4, 1), expect_null(r, 3, 5);
  sky_result_free(r);
  tc_free(c);
}

static void test_session_gap_boundary(void **state) {
  (void)state;
  tp_session(&T, 30);
  tp_key(&T, object());
  tp_key(&T, session_number());
  tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");
  output_all();
  tp_done(&T);
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, 1);
  tc_event(c, 0, 1), tc_event(c, 30, 1), tc_event(c, 61, 1); /* gaps 30 (same), 31 (cut) */
  tc_object(c, 2);
  tc_event(c, 1000, 1), tc_event(c, 1031, 1), tc_event(c, 1031, 1), tc_event(c, 1061, 1);
  sky_result *r = tp_run_ok(&T, &c, 1);
  expect_cols(r, 4, 3);
  expect_uint(r, 0, 0, 1), expect_int(r, 0, 1, 0), expect_int(r, 0, 2, 2);
  expect_uint(r, 1, 0, 1), expect_int(r, 1, 1, 1), expect_int(r, 1, 2, 1);
  expect_uint(r, 2, 0, 2), expect_int(r, 2, 1, 0), expect_int(r, 2, 2, 1);
  expect_uint(r, 3, 0, 2), expect_int(r, 3, 1, 1), expect_int(r, 3, 2, 3);
  sky_result_free(r);
  tc_free(c);
}

static void test_session_cut_on_all_events(void **state) {
  (void)state;
  /* Only events carrying a price match, but every event cuts sessions:
   * 0, 20 and 40 are one session although the matching 0 and 40 are 40
   * apart; 100 starts session 1. */
  tp_session(&T, 30);
  tp_filter(&T, tp_op(&T, SKY_OP_IS_NOT_NULL, SKY_VT_BOOL, 1, tp_event(&T, P_PRICE, SKY_VT_INT)));
  tp_key(&T, session_number());
  tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");
  tp_agg(&T, SKY_AGG_SESSIONS, NULL, "sessions()");
  output_all();
  tp_done(&T);
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, 9);
  tc_event(c, 0, 0), tc_int(c, P_PRICE, 1);
  tc_event(c, 20, 0), tc_int(c, P_PLAN, 1);
  tc_event(c, 40, 0), tc_int(c, P_PRICE, 1);
  tc_event(c, 100, 0), tc_int(c, P_PRICE, 1);
  sky_result *r = tp_run_ok(&T, &c, 1);
  expect_cols(r, 2, 3);
  expect_int(r, 0, 0, 0), expect_int(r, 0, 1, 2), expect_int(r, 0, 2, 1);
  expect_int(r, 1, 0, 1), expect_int(r, 1, 1, 1), expect_int(r, 1, 2, 1);
  sky_result_free(r);
  tc_free(c);
}

static void test_objects_sessions_across_groups(void **state) {
  (void)state;
  /* GROUP BY event.price (the "kind"): object 1 is in kinds 1 and 2 with
   * interleaved events, object 2 in kind 1 only, in another partition. */
  tp_session(&T, 30);
  tp_key(&T, tp_event(&T, P_PRICE, SKY_VT_INT));
  tp_agg(&T, SKY_AGG_OBJECTS, NULL, "objects()");
  tp_agg(&T, SKY_AGG_SESSIONS, NULL, "sessions()");
  tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");
  output_all();
  tp_done(&T);
  tchunk *a = tc_new(4, TYPES), *b = tc_new(4, TYPES);
  tc_object(a, 1);
  tc_event(a, 0, 0), tc_int(a, P_PRICE, 1);   /* session 0 */
  tc_event(a, 10, 0), tc_int(a, P_PRICE, 2);  /* session 0 */
  tc_event(a, 20, 0), tc_int(a, P_PRICE, 1);  /* session 0 again: same pair */
  tc_event(a, 100, 0), tc_int(a, P_PRICE, 1); /* session 1 */
  tc_object(b, 2);
  tc_event(b, 0, 0), tc_int(b, P_PRICE, 1);
  tchunk *parts[3] = {a, NULL, b};
  sky_result *r = tp_run_ok(&T, parts, 3);
  expect_cols(r, 2, 4);
  expect_int(r, 0, 0, 1), expect_int(r, 0, 1, 2), expect_int(r, 0, 2, 3), expect_int(r, 0, 3, 4);
  expect_int(r, 1, 0, 2), expect_int(r, 1, 1, 1), expect_int(r, 1, 2, 1), expect_int(r, 1, 3, 1);
  sky_result_free(r);
  tc_free(a);
  tc_free(b);
}

/* ---- aggregates ----------------------------------------------------------------- */

static void test_aggregates(void **state) {
  (void)state;
  sky_expr *x = tp_event(&T, P_PRICE, SKY_VT_INT), *f = tp_event(&T, P_F, SKY_VT_FLOAT);
  sky_expr *b = tp_event(&T, P_B, SKY_VT_BOOL);
  tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");             /* 0 */
  tp_agg(&T, SKY_AGG_COUNT, x, "count(x)");                    /* 1 */
  tp_agg(&T, SKY_AGG_COUNT_DISTINCT, x, "count(DISTINCT x)");  /* 2 */
  tp_agg(&T, SKY_AGG_SUM, x, "sum(x)");                        /* 3 */
  tp_agg(&T, SKY_AGG_AVG, x, "avg(x)");                        /* 4 */
  tp_agg(&T, SKY_AGG_MIN, x, "min(x)");                        /* 5 */
  tp_agg(&T, SKY_AGG_MAX, x, "max(x)");                        /* 6 */
  tp_agg(&T, SKY_AGG_COUNT, f, "count(f)");                    /* 7 */
  tp_agg(&T, SKY_AGG_COUNT_DISTINCT, f, "count(DISTINCT f)");  /* 8 */
  tp_agg(&T, SKY_AGG_MIN, f, "min(f)");                        /* 9 */
  tp_agg(&T, SKY_AGG_MAX, f, "max(f)");                        /* 10 */
  tp_agg(&T, SKY_AGG_SUM, f, "sum(f)");                        /* 11 */
  tp_agg(&T, SKY_AGG_MIN, b, "min(b)");                        /* 12 */
  tp_agg(&T, SKY_AGG_MAX, b, "max(b)");                        /* 13 */
  tp_agg(&T, SKY_AGG_MIN, object(), "min(object)");            /* 14 */
  tp_agg(&T, SKY_AGG_MAX, object(), "max(object)");            /* 15 */
  tp_agg(&T, SKY_AGG_OBJECTS, NULL, "objects()");              /* 16 */
  sky_expr *day = tp_op(&T, SKY_OP_DAY, SKY_VT_STRING, 1, tp_op(&T, SKY_OP_TIMESTAMP, SKY_VT_INT, 0));
  day->dom = SKY_DOM_DAY;
  tp_agg(&T, SKY_AGG_MIN, day, "min(day(timestamp))");         /* 17 */
  tp_agg(&T, SKY_AGG_MAX, day, "max(day(timestamp))");         /* 18 */
  output_all();
  tp_done(&T);
  tchunk *c = tc_new(4, TYPES);
  uint64_t big = (UINT64_C(1) << 63) + 5;
  tc_object(c, 3);
  tc_event(c, -86400000000, 0), tc_int(c, P_PRICE, 5), tc_float(c, P_F, 0.5), tc_bool(c, P_B, true);
  tc_event(c, 0, 0), tc_float(c, P_F, -0.0), tc_bool(c, P_B, false);
  tc_event(c, 1, 0), tc_int(c, P_PRICE, -3), tc_float(c, P_F, NAN);
  tc_object(c, big);
  tc_event(c, 2, 0), tc_int(c, P_PRICE, 5), tc_float(c, P_F, 0.0);
  tc_event(c, 86400000000, 0), tc_int(c, P_PRICE, 10), tc_float(c, P_F, 2.0);
  tc_event(c, 86400000001, 0), tc_float(c, P_F, NAN);
  sky_result *r = tp_run_ok(&T, &c, 1);
  expect_cols(r, 1, 19);
  expect_int(r, 0, 0, 6);
  expect_int(r, 0, 1, 4);
  expect_int(r, 0, 2, 3);
  expect_int(r, 0, 3, 17);
  expect_float(r, 0, 4, 4.25);
  expect_int(r, 0, 5, -3);
  expect_int(r, 0, 6, 10);
  expect_int(r, 0, 7, 6);
  expect_int(r, 0, 8, 4);   /* {0.5, 0 (= -0), NaN, 2} */
  expect_float(r, 0, 9, 0.0); /* -0.0 seen first, kept canonical */
  expect_float(r, 0, 10, 2.0); /* NaN ignored */
  expect_float(r, 0, 11, NAN);
  expect_bool(r, 0, 12, false);
  expect_bool(r, 0, 13, true);
  expect_uint(r, 0, 14, 3);
  expect_uint(r, 0, 15, big); /* unsigned */
  expect_int(r, 0, 16, 2);
  expect_str(r, 0, 17, "1969-12-31");
  expect_str(r, 0, 18, "1970-01-02");
  sky_result_free(r);
  tc_free(c);
}

static void test_float_sum_in_path_order(void **state) {
  (void)state;
  sky_expr *f = tp_event(&T, P_F, SKY_VT_FLOAT);
  tp_agg(&T, SKY_AGG_SUM, f, "sum(f)");
  tp_agg(&T, SKY_AGG_AVG, f, "avg(f)");
  output_all();
  tp_done(&T);
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, 1);
  tc_event(c, 0, 0), tc_float(c, P_F, 1e16);
  tc_event(c, 1, 0), tc_float(c, P_F, 1.0);
  tc_event(c, 2, 0), tc_float(c, P_F, -1e16);
  tc_event(c, 3, 0), tc_float(c, P_F, 1.0);
  sky_result *r = tp_run_ok(&T, &c, 1);
  /* ((1e16 + 1) - 1e16) + 1: 1e16 + 1 rounds back to 1e16. */
  expect_float(r, 0, 0, 1.0);
  expect_float(r, 0, 1, 0.25);
  sky_result_free(r);
  tc_free(c);
}

static void test_sum_int_128(void **state) {
  (void)state;
  sky_expr *x = tp_event(&T, P_PRICE, SKY_VT_INT);
  tp_key(&T, tp_state(&T, P_PLAN, SKY_VT_INT));
  uint32_t s = tp_agg(&T, SKY_AGG_SUM, x, "sum(price)");
  tp_agg(&T, SKY_AGG_AVG, x, "avg(price)");
  tp_output(&T, tp_key_ref(&T, 0), "plan");
  tp_output(&T, tp_at(tp_agg_ref(&T, s), "sum(price)", 1, 8), "sum(price)");
  tp_output(&T, tp_agg_ref(&T, 1), "avg(price)");
  tp_done(&T);
  /* Both groups' running totals leave int64 on the way but end inside:
   * plan 1: MAX, 1, -1 = MAX; plan 2: MIN, -1, 1 = MIN. */
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, 1);
  tc_event(c, 0, 0), tc_int(c, P_PLAN, 1), tc_int(c, P_PRICE, INT64_MAX);
  tc_event(c, 1, 0), tc_int(c, P_PRICE, 1);
  tc_event(c, 2, 0), tc_int(c, P_PRICE, -1);
  tc_event(c, 3, 0), tc_int(c, P_PLAN, 2), tc_int(c, P_PRICE, INT64_MIN);
  tc_event(c, 4, 0), tc_int(c, P_PRICE, -1);
  tc_event(c, 5, 0), tc_int(c, P_PRICE, 1);
  sky_result *r = tp_run_ok(&T, &c, 1);
  expect_cols(r, 2, 3);
  expect_int(r, 0, 1, INT64_MAX);
  expect_float(r, 0, 2, (double)INT64_MAX / 3.0);
  expect_int(r, 1, 1, INT64_MIN);
  expect_float(r, 1, 2, (double)INT64_MIN / 3.0);
  sky_result_free(r);

  /* One more 1 in group 1, in another partition: the merged total is
   * 2^63, which does not fit: an error naming the aggregate. */
  tchunk *d = tc_new(4, TYPES);
  tc_object(d, 2);
  tc_event(d, 0, 0), tc_int(d, P_PLAN, 1), tc_int(d, P_PRICE, 1);
  tchunk *parts[2] = {c, d};
  sky_select_opts opts = {.scan = sky_interp_scan};
  sky_error err;
  assert_null(tp_run(&T, parts, 2, &opts, &err));
  assert_int_equal(err.code, SKY_ERR_NUMERIC_OVERFLOW);
  assert_string_equal(err.message, "integer overflow in 'sum(price)'");
  assert_int_equal(err.line, 1);
  assert_int_equal(err.column, 8);
  tc_free(c);
  tc_free(d);
}

static void test_avg_of_huge_ints(void **state) {
  (void)state;
  sky_expr *x = tp_event(&T, P_PRICE, SKY_VT_INT);
  tp_agg(&T, SKY_AGG_AVG, x, "avg(x)");
  tp_agg(&T, SKY_AGG_SUM, x, "sum(x)");
  tp_output(&T, tp_agg_ref(&T, 0), "avg");
  tp_done(&T);
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, 1);
  tc_event(c, 0, 0), tc_int(c, P_PRICE, INT64_MAX);
  tc_event(c, 1, 0), tc_int(c, P_PRICE, INT64_MAX);
  tc_event(c, 2, 0), tc_int(c, P_PRICE, INT64_MAX);
  /* The 128-bit sum 3 * (2^63 - 1) becomes a double, then / 3: 2^63.
   * The overflowing sum(x) is never read, so it is no error. */
  sky_result *r = tp_run_ok(&T, &c, 1);
  expect_float(r, 0, 0, 9223372036854775808.0);
  sky_result_free(r);
  tc_free(c);
}

static void test_empty_aggregates(void **state) {
  (void)state;
  sky_expr *x = tp_event(&T, P_PRICE, SKY_VT_INT), *f = tp_event(&T, P_F, SKY_VT_FLOAT);
  tp_key(&T, tp_event(&T, P_B, SKY_VT_BOOL));
  tp_agg(&T, SKY_AGG_COUNT, x, "count(x)");
  tp_agg(&T, SKY_AGG_SUM, x, "sum(x)");
  tp_agg(&T, SKY_AGG_AVG, x, "avg(x)");
  tp_agg(&T, SKY_AGG_MIN, x, "min(x)");
  tp_agg(&T, SKY_AGG_MAX, f, "max(f)");
  tp_agg(&T, SKY_AGG_SUM, f, "sum(f)");
  tp_agg(&T, SKY_AGG_AVG, f, "avg(f)");
  tp_agg(&T, SKY_AGG_COUNT_DISTINCT, f, "count(DISTINCT f)");
  output_all();
  tp_done(&T);
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, 1);
  tc_event(c, 0, 0), tc_float(c, P_F, NAN); /* max ignores NaN, sum and avg do not */
  tc_event(c, 1, 0), tc_int(c, P_PLAN, 3);
  sky_result *r = tp_run_ok(&T, &c, 1);
  expect_cols(r, 1, 9);
  expect_null(r, 0, 0);
  expect_int(r, 0, 1, 0);
  for (int col = 2; col <= 5; col++) expect_null(r, 0, (size_t)col);
  expect_float(r, 0, 6, NAN);
  expect_float(r, 0, 7, NAN);
  expect_int(r, 0, 8, 1);
  sky_result_free(r);
  tc_free(c);
}

/* ---- errors in the scan ------------------------------------------------------------- */

static sky_result *run_err(tchunk **parts, uint32_t n, sky_error *err) {
  sky_select_opts opts = {.scan = sky_interp_scan};
  sky_error_clear(err);
  return tp_run(&T, parts, n, &opts, err);
}

static void test_overflow_in_filter_keys_args(void **state) {
  (void)state;
  /* WHERE price + 1 != 0 GROUP BY price - plan ... sum(price * 2), count(-plan) */
  sky_expr *add = tp_at(tp_op(&T, SKY_OP_ADD, SKY_VT_INT, 2, tp_event(&T, P_PRICE, SKY_VT_INT), tp_int(&T, 1)),
                        "price + 1", 1, 28);
  tp_filter(&T, tp_op(&T, SKY_OP_NE, SKY_VT_BOOL, 2, add, tp_int(&T, 0)));
  sky_expr *sub = tp_at(tp_op(&T, SKY_OP_SUB, SKY_VT_INT, 2, tp_event(&T, P_PRICE, SKY_VT_INT),
                              tp_state(&T, P_PLAN, SKY_VT_INT)),
                        "price - plan", 1, 50);
  tp_key(&T, sub);
  sky_expr *mul = tp_at(tp_op(&T, SKY_OP_MUL, SKY_VT_INT, 2, tp_event(&T, P_PRICE, SKY_VT_INT), tp_int(&T, 2)),
                        "price * 2", 2, 12);
  tp_agg(&T, SKY_AGG_SUM, mul, "sum(price * 2)");
  sky_expr *neg = tp_at(tp_op(&T, SKY_OP_NEG, SKY_VT_INT, 1, tp_state(&T, P_PLAN, SKY_VT_INT)), "-plan", 2, 30);
  tp_agg(&T, SKY_AGG_COUNT, neg, "count(-plan)");
  output_all();
  tp_done(&T);
  struct {
    int64_t price, plan;
    const sky_expr *culprit;
    const char *msg;
    int line, col;
  } cases[] = {
      {INT64_MAX, 0, add, "integer overflow in 'price + 1'", 1, 28},
      {2, INT64_MIN, sub, "integer overflow in 'price - plan'", 1, 50},
      {INT64_MAX / 2 + 1, 0, mul, "integer overflow in 'price * 2'", 2, 12},
      {-2, INT64_MIN, neg, "integer overflow in '-plan'", 2, 30},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    tchunk *c = tc_new(4, TYPES);
    tc_object(c, 1);
    tc_event(c, 0, 0), tc_int(c, P_PRICE, 1), tc_int(c, P_PLAN, 0); /* fine */
    tc_event(c, 1, 0), tc_int(c, P_PRICE, cases[k].price), tc_int(c, P_PLAN, cases[k].plan);
    /* the direct scan names the expression */
    sky_runtime rt;
    tp_runtime(&T, &rt, 0);
    sky_groups g;
    assert_int_equal(sky_groups_init(&g, &T.p, &rt.budget), 0);
    uint32_t id = UINT32_MAX;
    assert_int_equal(sky_interp_scan(&rt, &c->c, &g, &id), SKY_SCAN_OVERFLOW);
    assert_int_equal(id, cases[k].culprit->id);
    sky_groups_free(&g);
    /* the runner turns it into the statement error */
    sky_error err;
    assert_null(run_err(&c, 1, &err));
    assert_int_equal(err.code, SKY_ERR_NUMERIC_OVERFLOW);
    assert_string_equal(err.message, cases[k].msg);
    assert_int_equal(err.line, cases[k].line);
    assert_int_equal(err.column, cases[k].col);
    tc_free(c);
  }
  /* An event the filter rejects has no keys or arguments evaluated:
   * price = -1 fails `price + 1 != 0`, so -plan (= -INT64_MIN) is skipped. */
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, 1);
  tc_event(c, 0, 0), tc_int(c, P_PRICE, -1), tc_int(c, P_PLAN, INT64_MIN);
  sky_result *r = tp_run_ok(&T, &c, 1);
  expect_cols(r, 0, 3);
  sky_result_free(r);
  tc_free(c);
}

static void test_division_by_zero_in_scan(void **state) {
  (void)state;
  sky_expr *x = tp_event(&T, P_PRICE, SKY_VT_INT);
  tp_key(&T, tp_op(&T, SKY_OP_MOD, SKY_VT_INT, 2, x, tp_state(&T, P_PLAN, SKY_VT_INT)));
  sky_expr *fx = tp_op(&T, SKY_OP_TO_FLOAT, SKY_VT_FLOAT, 1, tp_event(&T, P_PRICE, SKY_VT_INT));
  sky_expr *fp = tp_op(&T, SKY_OP_TO_FLOAT, SKY_VT_FLOAT, 1, tp_state(&T, P_PLAN, SKY_VT_INT));
  tp_agg(&T, SKY_AGG_SUM, tp_op(&T, SKY_OP_DIV, SKY_VT_FLOAT, 2, fx, fp), "sum(price / plan)");
  tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");
  output_all();
  tp_done(&T);
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, 1);
  tc_event(c, 0, 0), tc_int(c, P_PLAN, 0), tc_int(c, P_PRICE, 7); /* 7 % 0, 7 / 0: NULL */
  tc_event(c, 1, 0), tc_int(c, P_PLAN, 4), tc_int(c, P_PRICE, -7); /* -7 % 4 = -3, -1.75 */
  tc_event(c, 2, 0), tc_int(c, P_PRICE, 9);                        /* 9 % 4 = 1, 2.25 */
  sky_result *r = tp_run_ok(&T, &c, 1);
  expect_cols(r, 3, 3);
  expect_null(r, 0, 0), expect_null(r, 0, 1), expect_int(r, 0, 2, 1);
  expect_int(r, 1, 0, -3), expect_float(r, 1, 1, -1.75), expect_int(r, 1, 2, 1);
  expect_int(r, 2, 0, 1), expect_float(r, 2, 1, 2.25), expect_int(r, 2, 2, 1);
  sky_result_free(r);
  tc_free(c);
}

static void test_filter_null_and_float_keys(void **state) {
  (void)state;
  /* WHERE f >= 0 OR b IS NOT NULL (NULL and NaN fail the comparison)
   * GROUP BY f: -0 and 0 are one key, NaN sorts last. */
  sky_expr *f = tp_event(&T, P_F, SKY_VT_FLOAT);
  tp_filter(&T, tp_op(&T, SKY_OP_OR, SKY_VT_BOOL, 2,
                      tp_op(&T, SKY_OP_GE, SKY_VT_BOOL, 2, tp_event(&T, P_F, SKY_VT_FLOAT), tp_float(&T, 0)),
                      tp_op(&T, SKY_OP_IS_NOT_NULL, SKY_VT_BOOL, 1, tp_event(&T, P_B, SKY_VT_BOOL))));
  tp_key(&T, f);
  tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");
  output_all();
  tp_done(&T);
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, 1);
  tc_event(c, 0, 0), tc_float(c, P_F, -0.0);
  tc_event(c, 1, 0), tc_float(c, P_F, 0.0);
  tc_event(c, 2, 0), tc_float(c, P_F, NAN);                      /* NaN >= 0 false, b NULL */
  tc_event(c, 3, 0), tc_float(c, P_F, NAN), tc_bool(c, P_B, 0);   /* matches through b */
  tc_event(c, 4, 0), tc_bool(c, P_B, 1);                           /* NULL OR TRUE: key NULL */
  tc_event(c, 5, 0), tc_float(c, P_F, -1.0);                      /* no match */
  tc_event(c, 6, 0), tc_float(c, P_F, INFINITY);
  tc_event(c, 7, 0);                                               /* NULL OR FALSE: no */
  sky_result *r = tp_run_ok(&T, &c, 1);
  expect_cols(r, 4, 2);
  expect_null(r, 0, 0), expect_int(r, 0, 1, 1);
  expect_float(r, 1, 0, 0.0), expect_int(r, 1, 1, 2);
  expect_float(r, 2, 0, INFINITY), expect_int(r, 2, 1, 1);
  expect_float(r, 3, 0, NAN), expect_int(r, 3, 1, 1); /* NaN sorts last */
  sky_result_free(r);
  tc_free(c);
}

static void test_dictionary_min_max(void **state) {
  (void)state;
  /* STRING property with a hand-made rank table: code 1 "m" (rank 3),
   * code 2 "a" (rank 1), code 3 "z" (rank 5). */
  static const uint32_t ranks[4] = {0, 3, 1, 5};
  tplan t2;
  tp_init(&t2, 1);
  sky_expr *s = tp_event(&t2, 0, SKY_VT_STRING);
  sky_rc rc = {.kind = SKY_RC_RANKS, .dict = sky_prop_dict(0)};
  uint32_t rr = tp_add_rc(&t2, rc, (uint64_t)(uintptr_t)ranks);
  uint32_t mn = tp_agg(&t2, SKY_AGG_MIN, s, "min(s)"), mx = tp_agg(&t2, SKY_AGG_MAX, s, "max(s)");
  t2.p.aggs[mn].rank_rc = (int32_t)rr;
  t2.p.aggs[mx].rank_rc = (int32_t)rr;
  tp_agg(&t2, SKY_AGG_COUNT_DISTINCT, s, "count(DISTINCT s)");
  tp_done(&t2);
  sky_prop_type st = SKY_PTYPE_STRING;
  tchunk *c = tc_new(1, &st);
  tc_object(c, 1);
  tc_event(c, 0, 0), tc_code(c, 0, 1);
  tc_event(c, 1, 0), tc_code(c, 0, 3);
  tc_event(c, 2, 0), tc_code(c, 0, 2);
  tc_event(c, 3, 0), tc_code(c, 0, 1);
  tc_event(c, 4, 0);
  sky_runtime rt;
  tp_runtime(&t2, &rt, 0);
  sky_groups g;
  assert_int_equal(sky_groups_init(&g, &t2.p, &rt.budget), 0);
  assert_int_equal(sky_interp_scan(&rt, &c->c, &g, NULL), SKY_SCAN_OK);
  assert_int_equal(g.count, 1);
  const uint64_t *slot = NULL;
  for (uint64_t i = 0; i < g.capacity; i++)
    if (g.slots[i * g.words]) slot = g.slots + i * g.words;
  sky_ival vals[3];
  uint8_t over[3];
  sky_final_aggs(&t2.p, slot, vals, over);
  assert_int_equal(vals[0].w, 2); /* "a" */
  assert_int_equal(vals[1].w, 3); /* "z" */
  assert_int_equal(vals[2].w, 3);
  sky_groups_free(&g);
  assert_int_equal(atomic_load(&rt.budget.used), 0);
  tc_free(c);
  tp_free(&t2);
}

/* ---- budget and stopping --------------------------------------------------------------- */

static tchunk *many_groups(uint32_t n) {
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, 1);
  for (uint32_t i = 0; i < n; i++) tc_event(c, i, 0), tc_int(c, P_PRICE, i);
  return c;
}

static void test_budget_exhaustion(void **state) {
  (void)state;
  sky_expr *x = tp_event(&T, P_PRICE, SKY_VT_INT);
  tp_key(&T, x);
  tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");
  output_all();
  tp_done(&T);
  tchunk *c = many_groups(1000);
  sky_runtime rt;
  tp_runtime(&T, &rt, 16384); /* 4 words a slot: 512 slots at most */
  sky_groups g;
  assert_int_equal(sky_groups_init(&g, &T.p, &rt.budget), 0);
  assert_int_equal(sky_interp_scan(&rt, &c->c, &g, NULL), SKY_SCAN_NO_MEMORY);
  sky_groups_free(&g);
  assert_int_equal(atomic_load(&rt.budget.used), 0);
  sky_select_opts opts = {.scan = sky_interp_scan, .memory_limit = 16384};
  sky_error err;
  assert_null(tp_run(&T, &c, 1, &opts, &err));
  assert_int_equal(err.code, SKY_ERR_OUT_OF_MEMORY);
  assert_string_equal(err.message, "query memory limit exceeded");
  opts.memory_limit = 1 << 20;
  sky_result *r = tp_run(&T, &c, 1, &opts, &err);
  assert_non_null(r);
  expect_cols(r, 1000, 2);
  expect_int(r, 999, 0, 999);
  sky_result_free(r);
  tc_free(c);
}

static void test_budget_distinct_sets(void **state) {
  (void)state;
  tp_agg(&T, SKY_AGG_COUNT_DISTINCT, tp_event(&T, P_PRICE, SKY_VT_INT), "count(DISTINCT x)");
  output_all();
  tp_done(&T);
  tchunk *c = many_groups(5000); /* one group, a set of 5000 values: > 64 KiB */
  sky_select_opts opts = {.scan = sky_interp_scan, .memory_limit = 65536};
  sky_error err;
  assert_null(tp_run(&T, &c, 1, &opts, &err));
  assert_int_equal(err.code, SKY_ERR_OUT_OF_MEMORY);
  opts.memory_limit = 0;
  sky_result *r = tp_run(&T, &c, 1, &opts, &err);
  assert_non_null(r);
  expect_int(r, 0, 0, 5000);
  sky_result_free(r);
  tc_free(c);
}

static void test_cancel_and_deadline(void **state) {
  (void)state;
  tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");
  output_all();
  tp_done(&T);
  tchunk *c = many_groups(10000);
  atomic_int cancel;
  atomic_init(&cancel, 1);
  sky_runtime rt;
  tp_runtime(&T, &rt, 0);
  rt.cancel = &cancel;
  sky_groups g;
  assert_int_equal(sky_groups_init(&g, &T.p, &rt.budget), 0);
  assert_int_equal(sky_interp_scan(&rt, &c->c, &g, NULL), SKY_SCAN_STOPPED);
  sky_groups_free(&g);

  sky_select_opts opts = {.scan = sky_interp_scan, .cancel = &cancel};
  sky_error err;
  tchunk *parts[4] = {NULL, c, NULL, c};
  assert_null(tp_run(&T, parts, 4, &opts, &err));
  assert_int_equal(err.code, SKY_ERR_TIMEOUT);
  assert_string_equal(err.message, "query cancelled");
  atomic_store(&cancel, 0);
  opts.deadline_ns = 1; /* long past */
  assert_null(tp_run(&T, parts, 4, &opts, &err));
  assert_int_equal(err.code, SKY_ERR_TIMEOUT);
  assert_string_equal(err.message, "query exceeded its time limit");
  opts.deadline_ns = INT64_MAX;
  sky_result *r = tp_run(&T, parts, 4, &opts, &err);
  assert_non_null(r);
  expect_int(r, 0, 0, 20000);
  sky_result_free(r);
  tc_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_state_and_sessions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_session_gap_boundary, setup, teardown),
      cmocka_unit_test_setup_teardown(test_session_cut_on_all_events, setup, teardown),
      cmocka_unit_test_setup_teardown(test_objects_sessions_across_groups, setup, teardown),
      cmocka_unit_test_setup_teardown(test_aggregates, setup, teardown),
      cmocka_unit_test_setup_teardown(test_float_sum_in_path_order, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sum_int_128, setup, teardown),
      cmocka_unit_test_setup_teardown(test_avg_of_huge_ints, setup, teardown),
      cmocka_unit_test_setup_teardown(test_empty_aggregates, setup, teardown),
      cmocka_unit_test_setup_teardown(test_overflow_in_filter_keys_args, setup, teardown),
      cmocka_unit_test_setup_teardown(test_division_by_zero_in_scan, setup, teardown),
      cmocka_unit_test_setup_teardown(test_filter_null_and_float_keys, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dictionary_min_max, setup, teardown),
      cmocka_unit_test_setup_teardown(test_budget_exhaustion, setup, teardown),
      cmocka_unit_test_setup_teardown(test_budget_distinct_sets, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cancel_and_deadline, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
