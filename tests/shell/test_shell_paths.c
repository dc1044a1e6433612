/* test_shell_paths.c — sky-shell's edge view of PATHS results
 * (shell_paths.c): which replies are recognized, and the narrowed
 * columns, types and rows with `source → target` cells (strings, numbers,
 * booleans, NULL ends). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "shell/shell_paths.h"

static void parse(const char *line, sky_reply *r) {
  char err[128];
  if (sky_reply_parse(line, strlen(line), r, err, sizeof err) != 0) fail_msg("reply: %s: %s", err, line);
}

static const char *text_of(const sky_jv *v) {
  if (v->type == SKY_JV_NULL) return "NULL";
  if (v->type == SKY_JV_STRING || v->type == SKY_JV_NUMBER) return v->str;
  return "?";
}

/* The values of `array` joined by "|". */
static void check_values(const sky_jv *array, const char *want) {
  char got[2048] = "";
  size_t n = 0;
  for (size_t i = 0; i < array->n; i++)
    n += (size_t)snprintf(got + n, sizeof got - n, "%s%s", i ? "|" : "", text_of(&array->items[i]));
  if (strcmp(got, want) != 0) fail_msg("got '%s', want '%s'", got, want);
}

#define COLS "\"columns\":[\"step\",\"source\",\"target\",\"count\",\"objects\",\"avg_time\"]"

static void test_edges(void **state) {
  (void)state;
  sky_reply r;
  parse("{\"ok\":true," COLS ",\"types\":[\"INT\",\"STRING\",\"STRING\",\"INT\",\"INT\",\"DURATION\"],"
        "\"rows\":[[1,\"home\",\"product\",3,2,1020000000.0],[1,null,\"product\",1,1,60000000.0],[-2,\"a\",null,7,1,0.0]]}",
        &r);
  assert_true(skysh_paths_is_edges(&r));
  sky_arena arena;
  sky_arena_init(&arena);
  const sky_jv *cols = r.columns, *types = r.types, *rows = r.rows;
  assert_true(skysh_paths_edges(&r, &arena, &cols, &types, &rows));
  check_values(cols, "step|source \u2192 target|count|objects|avg_time");
  check_values(types, "INT|STRING|INT|INT|DURATION");
  assert_int_equal(rows->n, 3);
  check_values(&rows->items[0], "1|home \u2192 product|3|2|1020000000.0");
  check_values(&rows->items[1], "1|NULL \u2192 product|1|1|60000000.0");
  check_values(&rows->items[2], "-2|a \u2192 NULL|7|1|0.0");
  check_values(r.columns, "step|source|target|count|objects|avg_time"); /* the reply is untouched */
  sky_arena_free(&arena);
  sky_reply_free(&r);
}

static void test_other_types(void **state) {
  (void)state;
  sky_reply r;
  parse("{\"ok\":true," COLS ",\"types\":[\"INT\",\"BOOL\",\"BOOL\",\"INT\",\"INT\",\"DURATION\"],"
        "\"rows\":[[1,true,false,1,1,5.0]]}",
        &r);
  sky_arena arena;
  sky_arena_init(&arena);
  const sky_jv *cols = r.columns, *types = r.types, *rows = r.rows;
  assert_true(skysh_paths_edges(&r, &arena, &cols, &types, &rows));
  check_values(&rows->items[0], "1|true \u2192 false|1|1|5.0");
  sky_arena_free(&arena);
  sky_reply_free(&r);
  parse("{\"ok\":true," COLS ",\"types\":[\"INT\",\"INT\",\"INT\",\"INT\",\"INT\",\"DURATION\"],"
        "\"rows\":[[3,17,-4,1,1,5.0]]}",
        &r);
  sky_arena_init(&arena);
  cols = r.columns, types = r.types, rows = r.rows;
  assert_true(skysh_paths_edges(&r, &arena, &cols, &types, &rows));
  check_values(&rows->items[0], "3|17 \u2192 -4|1|1|5.0");
  sky_arena_free(&arena);
  sky_reply_free(&r);
}

/* Not PATHS (or not joined): another column set, ends of different types,
 * avg_time not a DURATION, no types, TIMESTAMP ends. */
static void test_not_paths(void **state) {
  (void)state;
  static const char *const lines[] = {
      "{\"ok\":true,\"columns\":[\"step\",\"source\",\"target\",\"count\",\"objects\"],\"types\":[\"INT\",\"STRING\","
      "\"STRING\",\"INT\",\"INT\"],\"rows\":[]}",
      "{\"ok\":true," COLS ",\"types\":[\"INT\",\"STRING\",\"INT\",\"INT\",\"INT\",\"DURATION\"],\"rows\":[]}",
      "{\"ok\":true," COLS ",\"types\":[\"INT\",\"STRING\",\"STRING\",\"INT\",\"INT\",\"FLOAT\"],\"rows\":[]}",
      "{\"ok\":true," COLS ",\"rows\":[]}",
      "{\"ok\":true," COLS ",\"types\":[\"INT\",\"TIMESTAMP\",\"TIMESTAMP\",\"INT\",\"INT\",\"DURATION\"],\"rows\":[]}",
  };
  for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
    sky_reply r;
    parse(lines[i], &r);
    assert_false(skysh_paths_is_edges(&r));
    sky_arena arena;
    sky_arena_init(&arena);
    const sky_jv *cols = r.columns, *types = r.types, *rows = r.rows;
    assert_false(skysh_paths_edges(&r, &arena, &cols, &types, &rows));
    assert_ptr_equal(cols, r.columns);
    sky_arena_free(&arena);
    sky_reply_free(&r);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_edges), cmocka_unit_test(test_other_types),
                                     cmocka_unit_test(test_not_paths)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
