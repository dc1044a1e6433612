/* test_aggs_order.c — median(x) and quantile(x, q) through their rows of
 * the aggregate table (aggs.h), against a full sort: the rank selection
 * must give the sorted definition's value for every size, order and q,
 * including the orders that defeat a naive quickselect (sorted, reversed,
 * all equal, organ pipe, few distinct values) and FLOATs with -0, 0 and
 * infinities. Also a property of every row: a NULL input changes nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/aggs.h"

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static int cmp_i(const void *x, const void *y) {
  int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
  return a < b ? -1 : a > b;
}

static int cmp_d(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

/* Values of pattern `p` (0 random, 1 sorted, 2 reversed, 3 equal, 4 organ
 * pipe, 5 three distinct values, 6 sawtooth). */
static int64_t value(int p, int64_t i, int64_t n) {
  switch (p) {
  case 0: return (int64_t)(rnd() % 1000) - 500;
  case 1: return i;
  case 2: return n - i;
  case 3: return 7;
  case 4: return i < n / 2 ? i : n - i;
  case 5: return (int64_t)(rnd() % 3);
  default: return i % 17;
  }
}

static sky_ival run(sky_agg *a, const uint64_t *words, int64_t n) {
  uint64_t st[4] = {0};
  sky_agg_env env = {0};
  const sky_agg_impl *impl = sky_agg_impl_of(a->kind);
  for (int64_t i = 0; i < n; i++) assert_int_equal(impl->update(a, st, (sky_ival){words[i], false}, &env), SKY_SCAN_OK);
  uint8_t overflow = 0;
  sky_ival v = impl->result(a, st, &overflow);
  impl->release(a, st, NULL);
  return v;
}

static void test_int_ranks(void **state) {
  (void)state;
  sky_expr arg = {.type = SKY_VT_INT};
  static const uint64_t qs[][2] = {{1, 2}, {0, 1}, {1, 1}, {29, 100}, {999, 1000}, {1, 3}};
  for (int p = 0; p <= 6; p++)
    for (int64_t n = 1; n <= 1500; n += n < 40 ? 1 : 97) {
      int64_t *v = malloc(sizeof *v * (size_t)n), *sorted = malloc(sizeof *v * (size_t)n);
      for (int64_t i = 0; i < n; i++) v[i] = value(p, i, n);
      memcpy(sorted, v, sizeof *v * (size_t)n);
      qsort(sorted, (size_t)n, sizeof *sorted, cmp_i);
      for (size_t q = 0; q < sizeof qs / sizeof *qs; q++) {
        sky_agg a = {.kind = q == 0 ? SKY_AGG_MEDIAN : SKY_AGG_QUANTILE, .arg = &arg, .q_num = qs[q][0], .q_den = qs[q][1]};
        sky_ival got = run(&a, (const uint64_t *)v, n);
        int64_t idx = (int64_t)((unsigned __int128)qs[q][0] * (uint64_t)(n - 1) / qs[q][1]);
        assert_false(got.null);
        assert_int_equal((int64_t)got.w, sorted[idx]);
      }
      free(v);
      free(sorted);
    }
}

static void test_float_ranks(void **state) {
  (void)state;
  sky_expr arg = {.type = SKY_VT_FLOAT};
  static const double specials[] = {-0.0, 0.0, INFINITY, -INFINITY, 0.25, -0.25};
  for (int64_t n = 1; n <= 700; n += 23) {
    double *v = malloc(sizeof *v * (size_t)n), *sorted = malloc(sizeof *v * (size_t)n);
    uint64_t *w = malloc(sizeof *w * (size_t)n);
    for (int64_t i = 0; i < n; i++) v[i] = i % 5 == 0 ? specials[rnd() % 6] : (double)((int64_t)(rnd() % 64) - 32) / 4;
    for (int64_t i = 0; i < n; i++) memcpy(&w[i], &v[i], 8);
    memcpy(sorted, v, sizeof *v * (size_t)n);
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_d);
    sky_agg a = {.kind = SKY_AGG_MEDIAN, .arg = &arg, .q_num = 1, .q_den = 2};
    sky_ival got = run(&a, w, n);
    double d;
    memcpy(&d, &got.w, 8);
    assert_true(d == sorted[(n - 1) / 2]); /* -0 and 0 are one value */
    free(v);
    free(sorted);
    free(w);
  }
}

static void test_no_values_is_null(void **state) {
  (void)state;
  sky_expr arg = {.type = SKY_VT_INT};
  sky_agg a = {.kind = SKY_AGG_MEDIAN, .arg = &arg, .q_num = 1, .q_den = 2};
  assert_true(run(&a, NULL, 0).null);
}

/* Every row with an argument ignores a NULL input: its words and result
 * stay as they were. The JIT applies an aggregate's FILTER by making its
 * input NULL where the filter is not TRUE (jit_agg.c), so a row that
 * counted NULLs would break FILTER in compiled scans only. */
static void test_null_input_changes_nothing(void **state) {
  (void)state;
  for (int k = 0; k < SKY_AGG_COUNT_; k++) {
    if (sky_agg_defs[k].args == SKY_AARGS_NONE) continue;
    sky_expr arg = {.type = SKY_VT_INT};
    sky_agg a = {.kind = (sky_agg_kind)k, .arg = &arg, .type = SKY_VT_INT, .rank_rc = -1, .q_num = 1, .q_den = 2};
    const sky_agg_impl *impl = sky_agg_impl_of(a.kind);
    uint64_t st[8] = {0}, before[8];
    assert_true(impl->words(&a) <= 8);
    sky_agg_env env = {.obj = 1};
    assert_int_equal(impl->update(&a, st, (sky_ival){5, false}, &env), SKY_SCAN_OK);
    assert_int_equal(impl->update(&a, st, (sky_ival){3, false}, &env), SKY_SCAN_OK);
    uint8_t overflow = 0;
    sky_ival r0 = impl->result(&a, st, &overflow);
    memcpy(before, st, sizeof st);
    env.obj = 2, env.session = 1; /* a NULL input on another object and session changes nothing either */
    assert_int_equal(impl->update(&a, st, (sky_ival){0, true}, &env), SKY_SCAN_OK);
    assert_memory_equal(before, st, sizeof st);
    sky_ival r1 = impl->result(&a, st, &overflow);
    assert_true(r0.null == r1.null && r0.w == r1.w);
    if (impl->release) impl->release(&a, st, NULL);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_int_ranks),
      cmocka_unit_test(test_float_ranks),
      cmocka_unit_test(test_no_values_is_null),
      cmocka_unit_test(test_null_input_changes_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
