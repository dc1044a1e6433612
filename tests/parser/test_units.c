/* test_units.c — the rules of bind_units.c: which SELECT items are
 * TIMESTAMP or DURATION (docs/LANGUAGE.md "Units of time"), one statement
 * per rule, each checked as the space-separated display types of its
 * items; and the timestamp test behind ISO literals, which uses the same
 * rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "common/buf.h"
#include "parser/parser_fixture.h"
#include "parser/stmt.h"

/* Binds `q` against "shop" and writes its items' display types to out. */
static int types_of(const char *q, char *out, size_t n, sky_error *err) {
  fixture_schema fs;
  fixture_schema_init(&fs, "shop");
  sky_arena arena;
  sky_arena_init(&arena);
  sky_stmt *stmt;
  sky_plan *plan;
  int rc = -1;
  out[0] = '\0';
  if (sky_parse(q, strlen(q), &arena, &stmt, err) == 0 && sky_bind_select(stmt, &fs.schema, &arena, &plan, err) == 0) {
    plan_check pc;
    const char *bad = plan_check_run(&pc, plan);
    if (bad) fail_msg("invariant violated for %s: %s", q, bad);
    size_t len = 0;
    for (uint32_t i = 0; i < plan->n_outputs; i++)
      len += (size_t)snprintf(out + len, n - len, "%s%s", i ? " " : "", sky_column_type_name(plan->output_types[i]));
    rc = 0;
  }
  sky_arena_free(&arena);
  return rc;
}

typedef struct units_case {
  const char *query;
  const char *types;
} units_case;

static const units_case g_cases[] = {
    /* plain types */
    {"SELECT count(), avg(price), plan, premium GROUP BY plan, premium", "INT FLOAT STRING BOOL"},
    {"SELECT object, NULL, qty + 1 GROUP BY object, qty", "INT INT INT"},
    /* the timestamp column, keys and extremes of it */
    {"SELECT timestamp GROUP BY timestamp", "TIMESTAMP"},
    {"SELECT min(timestamp), max(timestamp), avg(timestamp)", "TIMESTAMP TIMESTAMP TIMESTAMP"},
    {"SELECT sum(timestamp), count(timestamp), count(DISTINCT timestamp)", "INT INT INT"},
    {"SELECT hour(timestamp), day(timestamp) GROUP BY hour(timestamp), day(timestamp)", "INT STRING"},
    /* instant - instant = length; instant ± length or µs = instant */
    {"SELECT max(timestamp) - min(timestamp)", "DURATION"},
    {"SELECT max(timestamp) + 1d, max(timestamp) - 90m, 1h + min(timestamp)", "TIMESTAMP TIMESTAMP TIMESTAMP"},
    {"SELECT max(timestamp) + 1, 5 + min(timestamp), max(timestamp) - 1", "TIMESTAMP TIMESTAMP TIMESTAMP"},
    {"SELECT max(timestamp) + min(timestamp), 1 - min(timestamp), 1d - min(timestamp)", "INT INT INT"},
    /* durations: literals, their sums, multiples and quotients */
    {"SELECT 7d, -7d, 500ms + 1s, 1d - 1h, 1d + 1, 1 - 1s", "DURATION DURATION DURATION DURATION DURATION DURATION"},
    {"SELECT 7d * 2, 2 * 7d, 1d / 2, 1d * 1.5", "DURATION DURATION DURATION DURATION"},
    {"SELECT 1d / 1h, 1d * 1h, 2 / 1d, 1d % 1h, 7", "FLOAT INT FLOAT DURATION INT"},
    {"SELECT -(max(timestamp) - min(timestamp)), (max(timestamp) - min(timestamp)) / count()",
     "DURATION DURATION"},
    {"SELECT sum(timestamp - 1s), sum(1s), avg(qty * 1s), max(1s), sum(qty)", "INT DURATION DURATION DURATION INT"},
    /* time of day, and the same unit through a group key */
    {"SELECT timestamp % 1d GROUP BY timestamp % 1d", "DURATION"},
    {"SELECT timestamp + 1d AS t GROUP BY t", "TIMESTAMP"},
    /* comparisons and the other operators are plain */
    {"SELECT max(timestamp) > 0, -max(timestamp), max(timestamp) * 2", "BOOL INT INT"},
};

static void test_display_types(void **state) {
  (void)state;
  char got[256];
  sky_error err;
  for (size_t i = 0; i < sizeof g_cases / sizeof *g_cases; i++) {
    if (types_of(g_cases[i].query, got, sizeof got, &err) != 0)
      fail_msg("%s: %s at %d:%d: %s", g_cases[i].query, sky_code_name(err.code), err.line, err.column, err.message);
    if (strcmp(got, g_cases[i].types) != 0)
      fail_msg("%s\n  want: %s\n  got:  %s", g_cases[i].query, g_cases[i].types, got);
  }
}

/* The ISO-literal rule is the same definition: a string compares with an
 * instant, never with a length. */
static void test_iso_literals_follow_units(void **state) {
  (void)state;
  char got[256];
  sky_error err;
  assert_int_equal(types_of("SELECT count() WHERE timestamp + 1d > '2026-03-01'", got, sizeof got, &err), 0);
  assert_int_equal(types_of("SELECT max(timestamp) GROUP BY plan HAVING min(timestamp) < '2026-03-01T10:00:00Z'",
                            got, sizeof got, &err),
                   0);
  assert_string_equal(got, "TIMESTAMP");
  assert_int_equal(types_of("SELECT count() WHERE timestamp - timestamp > '2026-03-01'", got, sizeof got, &err), -1);
  assert_int_equal(err.code, SKY_ERR_TYPE);
  assert_int_equal(types_of("SELECT count() WHERE 1d > '2026-03-01'", got, sizeof got, &err), -1);
  assert_int_equal(err.code, SKY_ERR_TYPE);
}

/* Identical aggregates are shared only when their units agree too. */
static void test_sharing_keeps_units(void **state) {
  (void)state;
  char got[256];
  sky_error err;
  assert_int_equal(types_of("SELECT sum(qty * 1000000), sum(qty * 1s)", got, sizeof got, &err), 0);
  assert_string_equal(got, "INT DURATION");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_display_types),
      cmocka_unit_test(test_iso_literals_follow_units),
      cmocka_unit_test(test_sharing_keeps_units),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
