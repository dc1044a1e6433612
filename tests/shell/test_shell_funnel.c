/* test_shell_funnel.c — sky-shell's FUNNEL conversion bars: the text of a
 * bar at 0%, 100%, whole and eighth cells, the sliver and not-quite-full
 * rules, clamping, NaN and infinity; every bar 27 display cells wide; and
 * which replies get the added column (RETURN STEPS with and without key
 * columns, NULL conversion, short rows) and which do not (other results,
 * replies without "types", a changed name or type).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "shell/shell_funnel.h"

#define FULL "\u2588"
#define BAR_WIDTH (SKYSH_BAR_CELLS + 7) /* the bar, a space, "100.0%" */

/* Display cells, as the table printer counts them: code points. */
static size_t cells(const char *s) {
  size_t w = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) w++;
  return w;
}

static void check_bar(double conversion, const char *want) {
  char out[SKYSH_BAR_TEXT];
  size_t n = skysh_funnel_bar(conversion, out);
  if (strcmp(out, want) != 0 || n != strlen(want)) fail_msg("bar %g: got '%s', want '%s'", conversion, out, want);
  if (*want && cells(out) != BAR_WIDTH) fail_msg("bar %g: %zu cells, want %d", conversion, cells(out), BAR_WIDTH);
}

static void test_bars(void **state) {
  (void)state;
  check_bar(1.0, FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL
            " 100.0%");
  check_bar(0.0, "                       0.0%");
  check_bar(-0.0, "                      -0.0%");
  check_bar(0.5, FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL "            50.0%");
  check_bar(0.375, FULL FULL FULL FULL FULL FULL FULL "\u258C              37.5%"); /* 60 eighths */
  check_bar(0.25, FULL FULL FULL FULL FULL "                 25.0%");
  check_bar(1.0 / 3, FULL FULL FULL FULL FULL FULL "\u258B               33.3%"); /* 53.3 → 53 */
  check_bar(1.0 / 160, "\u258F                      0.6%"); /* one eighth */
  check_bar(7.0 / 160, "\u2589                      4.4%"); /* seven */
  /* only 0% is empty, only 100% full */
  check_bar(0.0001, "\u258F                      0.0%");
  check_bar(0.9999, FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL
            "\u2589 100.0%");
  /* out of range: drawn clamped, printed as sent */
  check_bar(-0.5, "                     -50.0%");
  check_bar(2.0, FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL
            " 200.0%");
  check_bar(NAN, "");
  check_bar(INFINITY, "");
  check_bar(-INFINITY, "");
  char out[SKYSH_BAR_TEXT];
  assert_true(skysh_funnel_bar(-1.7976931348623157e306, out) > 300); /* -1.8e308%: fits */
  /* every eighth count from 0 to 160 has the same width */
  for (int e = 0; e <= 160; e++) {
    skysh_funnel_bar(e / 160.0, out);
    assert_int_equal(cells(out), BAR_WIDTH);
  }
}

/* Parses `line` as a reply and adds the bars; returns whether it did. */
static bool add_bars(const char *line, sky_reply *r, sky_arena *arena, const sky_jv **cols, const sky_jv **rows) {
  char err[128];
  if (sky_reply_parse(line, strlen(line), r, err, sizeof err) != 0) fail_msg("reply: %s", err);
  sky_arena_init(arena);
  *cols = r->columns, *rows = r->rows;
  return skysh_funnel_add_bars(r, arena, cols, rows);
}

#define STEPS_COLUMNS                                                                                          \
  "\"step\",\"name\",\"objects\",\"conversion\",\"step_conversion\",\"median_time\",\"avg_time\",\"median_step_" \
  "time\""
#define STEPS_TYPES "\"INT\",\"STRING\",\"INT\",\"FLOAT\",\"FLOAT\",\"DURATION\",\"DURATION\",\"DURATION\""

static void test_steps_get_a_column(void **state) {
  (void)state;
  sky_reply r;
  sky_arena arena;
  const sky_jv *cols, *rows;
  /* two groups keyed by a state (its column is named "step" too), a NULL
   * conversion, a short row */
  const char *line = "{\"ok\":true,\"columns\":[\"step\"," STEPS_COLUMNS "],\"types\":[\"STRING\"," STEPS_TYPES
                     "],\"rows\":[[\"de\",1,\"v\",1,1.0,1.0,0,0.0,null],[\"de\",2,\"c\",0,0.0,0.0,null,null,null],"
                     "[\"fr\",1,\"v\",8,1.0,1.0,0,0.0,null],[\"fr\",2,\"c\",3,0.375,0.375,5,5.0,5],"
                     "[null,1,\"v\",0,null,1.0,null,null,null],[\"x\",1]]}";
  assert_true(add_bars(line, &r, &arena, &cols, &rows));
  size_t conv = 0;
  assert_true(skysh_funnel_is_steps(&r, &conv));
  assert_int_equal(conv, 4);
  assert_int_equal(cols->n, 10);
  assert_string_equal(cols->items[9].str, SKYSH_BAR_HEADER);
  assert_string_equal(cols->items[0].str, "step");
  assert_int_equal(rows->n, 6);
  for (size_t i = 0; i < rows->n; i++) {
    assert_int_equal(rows->items[i].type, SKY_JV_ARRAY);
    assert_int_equal(rows->items[i].n, 10);
    assert_int_equal(rows->items[i].items[9].type, SKY_JV_STRING);
  }
  char want[SKYSH_BAR_TEXT];
  skysh_funnel_bar(0.375, want);
  assert_string_equal(rows->items[3].items[9].str, want);
  assert_string_equal(rows->items[3].items[4].str, "0.375"); /* the number itself is untouched */
  skysh_funnel_bar(0.0, want);
  assert_string_equal(rows->items[1].items[9].str, want);
  assert_string_equal(rows->items[4].items[9].str, ""); /* NULL conversion */
  assert_int_equal(rows->items[5].items[2].type, SKY_JV_NULL); /* a short row: NULLs, no bar */
  assert_string_equal(rows->items[5].items[9].str, "");
  assert_int_equal(r.columns->n, 9); /* the reply itself is unchanged */
  sky_arena_free(&arena);
  sky_reply_free(&r);

  /* no key columns, no rows */
  line = "{\"ok\":true,\"columns\":[" STEPS_COLUMNS "],\"types\":[" STEPS_TYPES "],\"rows\":[]}";
  assert_true(add_bars(line, &r, &arena, &cols, &rows));
  assert_int_equal(cols->n, 9);
  assert_int_equal(rows->n, 0);
  sky_arena_free(&arena);
  sky_reply_free(&r);
}

static void check_untouched(const char *line) {
  sky_reply r;
  sky_arena arena;
  const sky_jv *cols, *rows;
  if (add_bars(line, &r, &arena, &cols, &rows)) fail_msg("got bars: %s", line);
  assert_ptr_equal(cols, r.columns);
  assert_ptr_equal(rows, r.rows);
  sky_arena_free(&arena);
  sky_reply_free(&r);
}

static void test_others_untouched(void **state) {
  (void)state;
  check_untouched("{\"ok\":true,\"columns\":[\"count()\"],\"types\":[\"INT\"],\"rows\":[[3]]}");
  check_untouched("{\"ok\":true,\"message\":\"created table t\"}");
  /* RETURN OBJECTS and RETURN TIMES */
  check_untouched("{\"ok\":true,\"columns\":[\"object\",\"level\",\"started\",\"converted\"],"
                  "\"types\":[\"INT\",\"INT\",\"TIMESTAMP\",\"TIMESTAMP\"],\"rows\":[[1,2,0,60]]}");
  check_untouched("{\"ok\":true,\"columns\":[\"bucket\",\"objects\"],\"types\":[\"DURATION\",\"INT\"],\"rows\":[]}");
  /* the names without "types" (a server from before them) */
  check_untouched("{\"ok\":true,\"columns\":[" STEPS_COLUMNS "],\"rows\":[[1,\"v\",1,1.0,1.0,0,0.0,null]]}");
  /* one type or name changed, one column missing, the order changed */
  check_untouched("{\"ok\":true,\"columns\":[" STEPS_COLUMNS "],\"types\":[\"INT\",\"STRING\",\"INT\",\"STRING\","
                  "\"FLOAT\",\"DURATION\",\"DURATION\",\"DURATION\"],\"rows\":[]}");
  check_untouched("{\"ok\":true,\"columns\":[\"step\",\"name\",\"objects\",\"conv\",\"step_conversion\"],"
                  "\"types\":[\"INT\",\"STRING\",\"INT\",\"FLOAT\",\"FLOAT\"],\"rows\":[]}");
  check_untouched("{\"ok\":true,\"columns\":[\"step\",\"name\",\"objects\",\"conversion\"],"
                  "\"types\":[\"INT\",\"STRING\",\"INT\",\"FLOAT\"],\"rows\":[[1,\"v\",1,1.0]]}");
  check_untouched("{\"ok\":true,\"columns\":[\"name\",\"step\",\"objects\",\"conversion\",\"step_conversion\"],"
                  "\"types\":[\"STRING\",\"INT\",\"INT\",\"FLOAT\",\"FLOAT\"],\"rows\":[]}");
  /* types and columns of different lengths */
  check_untouched("{\"ok\":true,\"columns\":[" STEPS_COLUMNS "],\"types\":[\"INT\"],\"rows\":[]}");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bars),
      cmocka_unit_test(test_steps_get_a_column),
      cmocka_unit_test(test_others_untouched),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
