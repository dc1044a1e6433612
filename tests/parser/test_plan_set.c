/* test_plan_set.c — the IN set of plan_set.c against a linear scan with
 * the plan's = (FLOAT by IEEE equality: NaN equals nothing, -0 equals 0;
 * every other type by its word), on random lists drawn from values that
 * stress it (NaNs of several payloads, both zeros, infinities, extreme
 * INTs, duplicates, NULLs) in random order; and the binder's choice
 * between the inline IN and the set (issue 13 item 1).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "common/arena.h"
#include "parser/parser_fixture.h"
#include "parser/plan.h"
#include "parser/stmt.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t next_rand(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static uint64_t bits_of(double d) {
  uint64_t w;
  memcpy(&w, &d, sizeof w);
  return w;
}

static double double_of(uint64_t w) {
  double d;
  memcpy(&d, &w, sizeof d);
  return d;
}

/* Words that stress the set for `type`. */
static uint64_t pick(sky_vtype type) {
  static const double floats[] = {0.0, -0.0, 1.0, -1.0, 2.5, INFINITY, -INFINITY, 1e300, -1e-300, 4.9e-324};
  static const uint64_t nans[] = {0x7FF8000000000000u, 0xFFF8000000000000u, 0x7FF0000000000001u, 0x7FFFFFFFFFFFFFFFu};
  static const uint64_t ints[] = {0, 1, (uint64_t)-1, (uint64_t)INT64_MIN, (uint64_t)INT64_MAX, 42, 1u << 31};
  uint64_t r = next_rand();
  if (type == SKY_VT_FLOAT) {
    switch (r % 4) {
    case 0: return nans[(r >> 8) % 4];
    case 1: return bits_of((double)(int64_t)((r >> 8) % 64) - 32.0);
    default: return bits_of(floats[(r >> 8) % 10]);
    }
  }
  if (type == SKY_VT_BOOL) return (r >> 8) & 1;
  return r % 3 == 0 ? ints[(r >> 8) % 7] : (r >> 8) % 64 - 32;
}

/* The plan's = of two non-NULL values (interp_eval.c values_equal). */
static bool equal(sky_vtype type, uint64_t a, uint64_t b) {
  return type == SKY_VT_FLOAT ? double_of(a) == double_of(b) : a == b;
}

static void check_type(sky_vtype type) {
  for (int round = 0; round < 400; round++) {
    sky_arena arena;
    sky_arena_init(&arena);
    uint32_t n = (uint32_t)(next_rand() % 40);
    sky_const items[40];
    bool any_null = false;
    for (uint32_t i = 0; i < n; i++) {
      items[i].is_null = next_rand() % 10 == 0;
      items[i].word = items[i].is_null ? 0 : pick(type);
      any_null |= items[i].is_null;
    }
    sky_in_set set;
    assert_int_equal(sky_in_set_build(&set, type, items, n, &arena), 0);
    assert_int_equal(set.has_null, any_null);
    for (uint32_t i = 1; i < set.n; i++) assert_true(set.keys[i - 1] < set.keys[i]);
    for (int probe = 0; probe < 60; probe++) {
      uint64_t x = probe < (int)n ? items[probe].word : pick(type);
      bool want = false;
      for (uint32_t i = 0; i < n && !want; i++) want = !items[i].is_null && equal(type, x, items[i].word);
      if (sky_in_set_contains(&set, x) != want)
        fail_msg("type %d, round %d: %#llx expected %s", (int)type, round, (unsigned long long)x,
                 want ? "in" : "out");
    }
    sky_arena_free(&arena);
  }
}

static void test_float_against_linear_scan(void **state) {
  (void)state;
  check_type(SKY_VT_FLOAT);
}

static void test_other_types_against_linear_scan(void **state) {
  (void)state;
  check_type(SKY_VT_INT);
  check_type(SKY_VT_BOOL);
  check_type(SKY_VT_OBJECT);
}

static void test_zeros_and_nan(void **state) {
  (void)state;
  sky_arena arena;
  sky_arena_init(&arena);
  sky_const items[] = {{false, bits_of(-0.0)}, {false, bits_of(NAN)}, {true, 0}, {false, bits_of(1.0)}};
  sky_in_set set;
  assert_int_equal(sky_in_set_build(&set, SKY_VT_FLOAT, items, 4, &arena), 0);
  assert_int_equal(set.n, 2); /* -0 (as 0) and 1; NaN has no key */
  assert_true(set.has_null);
  assert_true(sky_in_set_contains(&set, bits_of(0.0)));
  assert_true(sky_in_set_contains(&set, bits_of(-0.0)));
  assert_false(sky_in_set_contains(&set, bits_of(NAN)));
  assert_false(sky_in_set_contains(&set, bits_of(-1.0)));
  sky_const none[] = {{true, 0}};
  assert_int_equal(sky_in_set_build(&set, SKY_VT_INT, none, 1, &arena), 0);
  assert_int_equal(set.n, 0);
  assert_false(sky_in_set_contains(&set, 0));
  sky_arena_free(&arena);
}

/* The filter's operator for `q` bound against "shop". */
static int filter_op(const char *q) {
  fixture_schema fs;
  fixture_schema_init(&fs, "shop");
  sky_arena arena;
  sky_arena_init(&arena);
  sky_stmt *stmt;
  sky_plan *plan = NULL;
  sky_error err;
  sky_error_clear(&err);
  if (sky_parse(q, strlen(q), &arena, &stmt, &err) != 0 || sky_bind_select(stmt, &fs.schema, &arena, &plan, &err) != 0)
    fail_msg("%s: %s", q, err.message);
  plan_check pc;
  const char *bad = plan_check_run(&pc, plan);
  if (bad) fail_msg("invariant violated for %s: %s", q, bad);
  const sky_expr *f = plan->filter;
  int op = (int)f->op;
  if (f->op == SKY_OP_OR) /* the parts of a split list: OR(first, second) */
    op = 1000 + 100 * (int)f->args[0]->op + (int)f->args[1]->op;
  sky_arena_free(&arena);
  return op;
}

/* filter_op's code of OR(a, b). */
static int or_of(sky_op a, sky_op b) { return 1000 + 100 * (int)a + (int)b; }

static void test_binder_chooses_the_set_for_long_constant_lists(void **state) {
  (void)state;
  char q[1024];
  for (int n = SKY_IN_SET_MIN_ITEMS; n <= SKY_IN_SET_MIN_ITEMS + 1; n++) {
    size_t len = (size_t)snprintf(q, sizeof q, "SELECT count() FROM shop WHERE price IN (");
    for (int i = 0; i < n; i++) len += (size_t)snprintf(q + len, sizeof q - len, "%s%d.5", i ? ", " : "", i);
    snprintf(q + len, sizeof q - len, ")");
    assert_int_equal(filter_op(q), n > SKY_IN_SET_MIN_ITEMS ? SKY_OP_IN_SET : SKY_OP_IN);
  }
  /* An item that is not a constant stays inline, in its place: IN stops at
   * the first equal item, so later items' errors do not count; a long run
   * of constants around it is still a set, ORed in the items' order. */
  size_t len = (size_t)snprintf(q, sizeof q, "SELECT count() FROM shop WHERE price IN (price + 1");
  for (int i = 0; i < 20; i++) len += (size_t)snprintf(q + len, sizeof q - len, ", %d", i);
  snprintf(q + len, sizeof q - len, ")");
  assert_int_equal(filter_op(q), or_of(SKY_OP_IN, SKY_OP_IN_SET));
  len = (size_t)snprintf(q, sizeof q, "SELECT count() FROM shop WHERE price IN (");
  for (int i = 0; i < 20; i++) len += (size_t)snprintf(q + len, sizeof q - len, "%d, ", i);
  snprintf(q + len, sizeof q - len, "price + 1)");
  assert_int_equal(filter_op(q), or_of(SKY_OP_IN_SET, SKY_OP_IN));
  /* short runs stay inline */
  len = (size_t)snprintf(q, sizeof q, "SELECT count() FROM shop WHERE price IN (");
  for (int i = 0; i < 20; i++) len += (size_t)snprintf(q + len, sizeof q - len, "%s%d, price + %d", i ? ", " : "", i, i);
  snprintf(q + len, sizeof q - len, ")");
  assert_int_equal(filter_op(q), SKY_OP_IN);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_float_against_linear_scan),
      cmocka_unit_test(test_other_types_against_linear_scan),
      cmocka_unit_test(test_zeros_and_nan),
      cmocka_unit_test(test_binder_chooses_the_set_for_long_constant_lists),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
