/* test_select.c — the query runner over a synthetic partition source on a
 * real worker pool: results that do not depend on which partition finishes
 * first (float sums merged in partition order), the lowest-numbered
 * failing partition's error winning whatever the timing (and every lower
 * partition still running), storage errors passing through unchanged. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/error.h"
#include "common/pool.h"
#include "engine_fixture.h"

#define N_PARTS 8

static tplan T;

static int setup(void **state) {
  (void)state;
  tp_init(&T, 1);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  tp_free(&T);
  return 0;
}

/* A partition source with per-partition delays and failures. */
typedef struct slow_source {
  tchunk *parts[N_PARTS];
  useconds_t delay_us[N_PARTS];
  sky_code fail[N_PARTS]; /* SKY_ERR_OK = read fine */
  atomic_int read[N_PARTS];
} slow_source;

static int slow_read(void *ctx, uint32_t part, const sky_colset *need, sky_chunk *out, sky_error *err) {
  (void)need;
  slow_source *s = ctx;
  atomic_store(&s->read[part], 1);
  if (s->delay_us[part]) usleep(s->delay_us[part]);
  if (s->fail[part] != SKY_ERR_OK)
    return sky_error_set(err, s->fail[part], 0, 0, "segment of partition %u is corrupt", part);
  *out = s->parts[part]->c;
  return 0;
}

static void slow_release(void *ctx, sky_chunk *c) { (void)ctx, (void)c; }

static sky_result *run_slow(slow_source *s, sky_pool *pool, sky_error *err) {
  sky_runtime rt;
  tp_runtime(&T, &rt, 0);
  sky_part_source src = {.n_parts = N_PARTS, .read = slow_read, .release = slow_release, .ctx = s};
  sky_colset need = {.ts = true, .props = T.p.need_props};
  sky_select_opts opts = {.scan = sky_interp_scan, .pool = pool};
  for (int p = 0; p < N_PARTS; p++) atomic_store(&s->read[p], 0);
  sky_error_clear(err);
  return sky_select_run_source(&rt, &src, &need, &opts, err);
}

static const sky_prop_type FLOAT_TYPE = SKY_PTYPE_FLOAT;

/* Partition p holds one object (id p + 1) whose event carries vals[p]. */
static void fill(slow_source *s, const double *vals) {
  memset(s, 0, sizeof *s);
  for (int p = 0; p < N_PARTS; p++) {
    s->parts[p] = tc_new(1, &FLOAT_TYPE);
    tc_object(s->parts[p], (uint64_t)p + 1);
    tc_event(s->parts[p], 0, 0);
    tc_float(s->parts[p], 0, vals[p]);
  }
}

static void drain(slow_source *s) {
  for (int p = 0; p < N_PARTS; p++) tc_free(s->parts[p]);
}

static void test_merge_is_deterministic(void **state) {
  (void)state;
  tp_agg(&T, SKY_AGG_SUM, tp_event(&T, 0, SKY_VT_FLOAT), "sum(f)");
  tp_agg(&T, SKY_AGG_OBJECTS, NULL, "objects()");
  tp_output(&T, tp_agg_ref(&T, 0), "sum(f)");
  tp_output(&T, tp_agg_ref(&T, 1), "objects()");
  tp_done(&T);
  static const double vals[N_PARTS] = {1e16, 1.0, -1e16, 1.0, 0.1, 1e-3, -7.7, 3.3};
  double in_order = 0.0, reversed = 0.0;
  for (int p = 0; p < N_PARTS; p++) in_order += vals[p];
  for (int p = N_PARTS - 1; p >= 0; p--) reversed += vals[p];
  assert_true(memcmp(&in_order, &reversed, 8) != 0); /* the order matters for these values */
  slow_source s;
  fill(&s, vals);
  sky_pool *pool = sky_pool_create(3);
  assert_non_null(pool);
  unsigned seed = 7;
  for (int run = 0; run < 12; run++) {
    for (int p = 0; p < N_PARTS; p++)
      s.delay_us[p] = run % 3 == 0 ? (useconds_t)(N_PARTS - p) * 1500 : (useconds_t)(rand_r(&seed) % 4000);
    sky_error err;
    sky_result *r = run_slow(&s, run % 4 == 3 ? NULL : pool, &err);
    assert_non_null(r);
    expect_float(r, 0, 0, in_order);
    expect_int(r, 0, 1, N_PARTS);
    sky_result_free(r);
  }
  sky_pool_free(pool);
  drain(&s);
}

static void overflow_plan(void) {
  /* WHERE NOT (f > 100) OR 9223372036854775807 + 1 > 0: the overflowing
   * right operand is evaluated only for events with f > 100, so the data
   * decides which partitions fail. */
  sky_expr *bad = tp_op(&T, SKY_OP_GT, SKY_VT_BOOL, 2, tp_event(&T, 0, SKY_VT_FLOAT), tp_float(&T, 100));
  sky_expr *add = tp_at(tp_op(&T, SKY_OP_ADD, SKY_VT_INT, 2, tp_int(&T, INT64_MAX), tp_int(&T, 1)),
                        "9223372036854775807 + 1", 1, 30);
  tp_filter(&T, tp_op(&T, SKY_OP_OR, SKY_VT_BOOL, 2, tp_op(&T, SKY_OP_NOT, SKY_VT_BOOL, 1, bad),
                      tp_op(&T, SKY_OP_GT, SKY_VT_BOOL, 2, add, tp_int(&T, 0))));
  tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");
  tp_output(&T, tp_agg_ref(&T, 0), "count()");
  tp_done(&T);
}

static void test_lowest_failure_wins(void **state) {
  (void)state;
  overflow_plan();
  static const double vals[N_PARTS] = {1, 1, 500, 1, 1, 1, 500, 1}; /* 2 and 6 overflow */
  slow_source s;
  fill(&s, vals);
  sky_pool *pool = sky_pool_create(3);
  assert_non_null(pool);
  sky_error err;
  for (int round = 0; round < 2; round++) {
    sky_pool *pl = round ? NULL : pool;
    /* Partition 2 overflows slowly, 5 fails to read at once: overflow. */
    memset(s.fail, 0, sizeof s.fail);
    memset(s.delay_us, 0, sizeof s.delay_us);
    s.delay_us[0] = s.delay_us[1] = 20000;
    s.delay_us[2] = 40000;
    s.fail[5] = SKY_ERR_IO_ERROR;
    assert_null(run_slow(&s, pl, &err));
    assert_int_equal(err.code, SKY_ERR_NUMERIC_OVERFLOW);
    assert_string_equal(err.message, "integer overflow in '9223372036854775807 + 1'");
    assert_int_equal(err.column, 30);
    for (int p = 0; p <= 2; p++) assert_int_equal(atomic_load(&s.read[p]), 1);
    /* Partition 1 fails to read slowly, 6 overflows at once: the read
     * error passes through unchanged. */
    memset(s.delay_us, 0, sizeof s.delay_us);
    s.fail[5] = SKY_ERR_OK;
    s.fail[1] = SKY_ERR_IO_ERROR;
    s.delay_us[0] = 10000;
    s.delay_us[1] = 40000;
    assert_null(run_slow(&s, pl, &err));
    assert_int_equal(err.code, SKY_ERR_IO_ERROR);
    assert_string_equal(err.message, "segment of partition 1 is corrupt");
    assert_int_equal(atomic_load(&s.read[0]), 1);
  }
  /* Without bad values every partition counts. */
  memset(s.fail, 0, sizeof s.fail);
  memset(s.delay_us, 0, sizeof s.delay_us);
  drain(&s);
  static const double good[N_PARTS] = {1, 2, 3, 4, 5, 6, 7, 8};
  fill(&s, good);
  sky_result *r = run_slow(&s, pool, &err);
  assert_non_null(r);
  expect_int(r, 0, 0, N_PARTS);
  sky_result_free(r);
  sky_pool_free(pool);
  drain(&s);
}

/* Every allocation of a run failing in turn (N = 1, 2, ...): each run ends
 * in out_of_memory (ASan checks nothing leaks) until one succeeds with the
 * right answer. */
static void test_allocation_failures(void **state) {
  (void)state;
  sky_expr *f = tp_event(&T, 0, SKY_VT_FLOAT);
  sky_expr *day = tp_op(&T, SKY_OP_DAY, SKY_VT_STRING, 1, tp_op(&T, SKY_OP_TIMESTAMP, SKY_VT_INT, 0));
  day->dom = SKY_DOM_DAY;
  tp_key(&T, day);
  uint32_t d = tp_agg(&T, SKY_AGG_COUNT_DISTINCT, f, "count(DISTINCT f)");
  uint32_t s = tp_agg(&T, SKY_AGG_SUM, tp_event(&T, 0, SKY_VT_FLOAT), "sum(f)");
  tp_output(&T, tp_key_ref(&T, 0), "day");
  tp_output(&T, tp_agg_ref(&T, d), "count(DISTINCT f)");
  tp_output(&T, tp_agg_ref(&T, s), "sum(f)");
  tp_order(&T, tp_agg_ref(&T, s), true);
  tp_done(&T);
  tchunk *parts[N_PARTS] = {0};
  for (int p = 0; p < N_PARTS; p += 2) {
    parts[p] = tc_new(1, &FLOAT_TYPE);
    tc_object(parts[p], (uint64_t)p + 1);
    for (int e = 0; e < 40; e++) {
      tc_event(parts[p], (int64_t)e * 7200000000, 0); /* two-hour steps: several days */
      tc_float(parts[p], 0, (double)(e % 5));
    }
  }
  sky_select_opts opts = {.scan = sky_interp_scan};
  int failures = 0;
  for (uint64_t n = 1;; n++) {
    sky_error err;
    sky_error_clear(&err);
    sky_alloc_fail_after(n);
    sky_result *r = tp_run(&T, parts, N_PARTS, &opts, &err);
    sky_alloc_fail_after(0);
    if (!r) {
      assert_int_equal(err.code, SKY_ERR_OUT_OF_MEMORY);
      failures++;
      continue;
    }
    /* 40 events every 2 h from the epoch, values cycling 0..4: per
     * partition, day 0 sums 21, day 1 25, day 2 24, day 3 (4 events) 10. */
    expect_cols(r, 4, 3);
    expect_str(r, 0, 0, "1970-01-02"), expect_float(r, 0, 2, 100.0), expect_int(r, 0, 1, 5);
    expect_str(r, 1, 0, "1970-01-03"), expect_float(r, 1, 2, 96.0);
    expect_str(r, 2, 0, "1970-01-01"), expect_float(r, 2, 2, 84.0);
    expect_str(r, 3, 0, "1970-01-04"), expect_float(r, 3, 2, 40.0), expect_int(r, 3, 1, 4);
    sky_result_free(r);
    break;
  }
  assert_true(failures > 10);
  for (int p = 0; p < N_PARTS; p++) tc_free(parts[p]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_merge_is_deterministic, setup, teardown),
      cmocka_unit_test_setup_teardown(test_lowest_failure_wins, setup, teardown),
      cmocka_unit_test_setup_teardown(test_allocation_failures, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
