/* test_shell_cohort.c — sky-shell's views of RETENTION, LIFECYCLE and
 * STICKINESS results, on hand-built replies: the retention triangle with
 * and without key columns, with cells missing (HAVING), rows reordered
 * (ORDER BY), a LIMIT-truncated result, a NULL share, HOUR labels, NULL
 * and numeric keys, and the results it refuses; the lifecycle chart's exact
 * text, at zero counts, with one huge count, all dormant, and its width;
 * the stickiness bars.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "shell/shell_cohort.h"
#include "shell/shell_funnel.h"

/* --- helpers --- */

static void parse(const char *line, sky_reply *r) {
  char err[128];
  if (sky_reply_parse(line, strlen(line), r, err, sizeof err) != 0) fail_msg("reply: %s: %s", err, line);
}

/* A cell as text: strings as they are, numbers as sent, NULL as "NULL". */
static const char *text_of(const sky_jv *v) {
  if (v->type == SKY_JV_NULL) return "NULL";
  if (v->type == SKY_JV_STRING || v->type == SKY_JV_NUMBER) return v->str;
  return "?";
}

/* Checks an array of values against `want` ("|"-separated texts). */
static void check_values(const sky_jv *array, const char *want, const char *what) {
  char got[2048] = "";
  size_t n = 0;
  for (size_t i = 0; i < array->n; i++)
    n += (size_t)snprintf(got + n, sizeof got - n, "%s%s", i ? "|" : "", text_of(&array->items[i]));
  if (strcmp(got, want) != 0) fail_msg("%s: got '%s', want '%s'", what, got, want);
}

typedef struct pivoted {
  sky_reply r;
  sky_arena arena;
  const sky_jv *cols, *types, *rows;
} pivoted;

/* Parses `line` and pivots it; returns whether it did. */
static bool pivot(const char *line, pivoted *p) {
  parse(line, &p->r);
  sky_arena_init(&p->arena);
  p->cols = p->r.columns, p->types = p->r.types, p->rows = p->r.rows;
  return skysh_cohort_pivot(&p->r, &p->arena, &p->cols, &p->types, &p->rows);
}

static void pivoted_free(pivoted *p) {
  sky_arena_free(&p->arena);
  sky_reply_free(&p->r);
}

/* Pivots `line`, which must be a RETENTION result, and checks the
 * columns, the types and each row ("|"-separated cells, rows "\n"-separated). */
static void check_triangle(const char *line, const char *cols, const char *types, const char *rows) {
  pivoted p;
  if (!pivot(line, &p)) fail_msg("not pivoted: %s", line);
  check_values(p.cols, cols, "columns");
  check_values(p.types, types, "types");
  char got[4096] = "";
  size_t n = 0;
  for (size_t i = 0; i < p.rows->n; i++) {
    char row[2048] = "";
    size_t m = 0;
    const sky_jv *cells = &p.rows->items[i];
    assert_int_equal(cells->n, p.cols->n);
    for (size_t c = 0; c < cells->n; c++)
      m += (size_t)snprintf(row + m, sizeof row - m, "%s%s", c ? "|" : "", text_of(&cells->items[c]));
    n += (size_t)snprintf(got + n, sizeof got - n, "%s%s", i ? "\n" : "", row);
  }
  if (strcmp(got, rows) != 0) fail_msg("rows:\n%s\nwant:\n%s", got, rows);
  pivoted_free(&p);
}

#define RET_COLUMNS "\"cohort\",\"period\",\"cohort_size\",\"objects\",\"share\""
#define RET_TYPES "\"STRING\",\"INT\",\"INT\",\"INT\",\"FLOAT\""
#define SHARE SKYSH_COHORT_SHARE_TYPE
/* A RETENTION reply with `keys` key columns (names, types; may be "") */
#define RETENTION(names, types, rows)                                                                              \
  "{\"ok\":true,\"columns\":[" names RET_COLUMNS "],\"types\":[" types RET_TYPES "],\"rows\":[" rows "]}"

/* --- the triangle --- */

static void test_share_text(void **state) {
  (void)state;
  char out[SKYSH_COHORT_SHARE_TEXT];
  assert_int_equal(skysh_cohort_share_text(0.4771, out), 5);
  assert_string_equal(out, "47.7%");
  skysh_cohort_share_text(1.0, out);
  assert_string_equal(out, "100.0%");
  skysh_cohort_share_text(0.0, out);
  assert_string_equal(out, "0.0%");
  skysh_cohort_share_text(1.0 / 3, out);
  assert_string_equal(out, "33.3%");
  skysh_cohort_share_text(0.00049, out);
  assert_string_equal(out, "0.0%");
  skysh_cohort_share_text(0.9996, out);
  assert_string_equal(out, "100.0%");
  assert_int_equal(skysh_cohort_share_text(NAN, out), 0);
  assert_string_equal(out, "");
  assert_int_equal(skysh_cohort_share_text(INFINITY, out), 0);
  assert_int_equal(skysh_cohort_share_text(-1.7976931348623157e308, out), 0); /* × 100 is infinite */
  assert_true(skysh_cohort_share_text(-1.7976931348623157e306, out) > 300); /* any finite percentage fits */
}

/* Two keys (a NULL among them), two cohorts each, three periods, complete
 * and in the default order. */
static void test_triangle_with_keys(void **state) {
  (void)state;
  check_triangle(RETENTION("\"state.country\",\"state.plan\",", "\"STRING\",\"STRING\",",
                           "[\"de\",\"pro\",\"2026-03-02\",0,4,4,1.0],[\"de\",\"pro\",\"2026-03-02\",1,4,1,0.25],"
                           "[\"de\",\"pro\",\"2026-03-02\",2,4,0,0.0],"
                           "[\"de\",null,\"2026-03-02\",0,3,3,1.0],[\"de\",null,\"2026-03-02\",1,3,2,0.6666666666666666],"
                           "[\"de\",null,\"2026-03-02\",2,3,1,0.3333333333333333],"
                           "[\"fr\",null,\"2026-03-09\",0,7,7,1.0],[\"fr\",null,\"2026-03-09\",1,7,3,0.42857142857142855],"
                           "[\"fr\",null,\"2026-03-09\",2,7,0,0.0]"),
                 "state.country|state.plan|cohort|cohort_size|0|1|2", "STRING|STRING|STRING|INT|" SHARE "|" SHARE "|" SHARE,
                 "de|pro|2026-03-02|4|100.0%|25.0%|0.0%\n"
                 "de|NULL|2026-03-02|3|100.0%|66.7%|33.3%\n"
                 "fr|NULL|2026-03-09|7|100.0%|42.9%|0.0%");
  /* no keys; then a TIMESTAMP key, whose type the triangle keeps for the
   * printer, and whose equal values group together */
  check_triangle(RETENTION("", "", "[\"2026-03\",0,2,2,1.0],[\"2026-03\",1,2,1,0.5],[\"2026-04\",0,1,1,1.0],"
                                   "[\"2026-04\",1,1,0,0.0]"),
                 "cohort|cohort_size|0|1", "STRING|INT|" SHARE "|" SHARE, "2026-03|2|100.0%|50.0%\n2026-04|1|100.0%|0.0%");
  check_triangle(RETENTION("\"week(timestamp)\",", "\"TIMESTAMP\",",
                           "[1772409600000000,\"2026-03-02\",0,5,5,1.0],[1773014400000000,\"2026-03-02\",0,2,2,1.0],"
                           "[1772409600000000,\"2026-03-02\",1,5,1,0.2]"),
                 "week(timestamp)|cohort|cohort_size|0|1", "TIMESTAMP|STRING|INT|" SHARE "|" SHARE,
                 "1772409600000000|2026-03-02|5|100.0%|20.0%\n1773014400000000|2026-03-02|2|100.0%|");
}

/* HAVING share > 0: the zero cells are gone and stay empty. */
static void test_triangle_missing_cells(void **state) {
  (void)state;
  check_triangle(RETENTION("", "", "[\"2026-03-01\",0,10,10,1.0],[\"2026-03-01\",2,10,3,0.3],"
                                   "[\"2026-03-02\",0,4,4,1.0],[\"2026-03-02\",1,4,1,0.25],"
                                   "[\"2026-03-03\",3,8,2,0.25]"),
                 "cohort|cohort_size|0|1|2|3", "STRING|INT|" SHARE "|" SHARE "|" SHARE "|" SHARE,
                 "2026-03-01|10|100.0%||30.0%|\n"
                 "2026-03-02|4|100.0%|25.0%||\n"
                 "2026-03-03|8||||25.0%");
  /* no rows at all: the columns, no periods */
  check_triangle(RETENTION("\"k\",", "\"INT\",", ""), "k|cohort|cohort_size", "INT|STRING|INT", "");
}

/* Rows in no particular order (as ORDER BY share or period DESC leaves
 * them): every cell in its place, groups in the order they first appear. */
static void test_triangle_reordered(void **state) {
  (void)state;
  check_triangle(RETENTION("\"g\",", "\"STRING\",",
                           "[\"b\",\"2026-03-02\",0,4,4,1.0],[\"a\",\"2026-03-01\",0,10,10,1.0],"
                           "[\"a\",\"2026-03-01\",2,10,5,0.5],[\"b\",\"2026-03-02\",2,4,1,0.25],"
                           "[\"a\",\"2026-03-01\",1,10,2,0.2],[\"b\",\"2026-03-02\",1,4,0,0.0],"
                           "[\"a\",\"2026-03-02\",1,6,0,0.0],[\"a\",\"2026-03-02\",0,6,6,1.0]"),
                 "g|cohort|cohort_size|0|1|2", "STRING|STRING|INT|" SHARE "|" SHARE "|" SHARE,
                 "b|2026-03-02|4|100.0%|0.0%|25.0%\n"
                 "a|2026-03-01|10|100.0%|20.0%|50.0%\n"
                 "a|2026-03-02|6|100.0%|0.0%|");
}

/* LIMIT 5 of a 3-period result: the last cohort is cut short. */
static void test_triangle_limit(void **state) {
  (void)state;
  check_triangle(RETENTION("", "", "[\"2026-03-01\",0,10,10,1.0],[\"2026-03-01\",1,10,4,0.4],"
                                   "[\"2026-03-01\",2,10,3,0.3],[\"2026-03-02\",0,5,5,1.0],[\"2026-03-02\",1,5,2,0.4]"),
                 "cohort|cohort_size|0|1|2", "STRING|INT|" SHARE "|" SHARE "|" SHARE,
                 "2026-03-01|10|100.0%|40.0%|30.0%\n2026-03-02|5|100.0%|40.0%|");
  /* LIMIT 1 */
  check_triangle(RETENTION("", "", "[\"2026-03-01\",0,10,10,1.0]"), "cohort|cohort_size|0", "STRING|INT|" SHARE,
                 "2026-03-01|10|100.0%");
}

/* A NULL share is a NULL cell, not an empty one. */
static void test_triangle_null_share(void **state) {
  (void)state;
  check_triangle(RETENTION("", "", "[\"2026-03-01\",0,0,0,null],[\"2026-03-01\",1,0,0,null],[\"2026-03-02\",1,3,1,0.3333]"),
                 "cohort|cohort_size|0|1", "STRING|INT|" SHARE "|" SHARE, "2026-03-01|0|NULL|NULL\n2026-03-02|3||33.3%");
  pivoted p;
  assert_true(pivot(RETENTION("", "", "[\"2026-03-01\",0,0,0,null],[\"2026-03-01\",1,0,0,0.5]"), &p));
  assert_int_equal(p.rows->items[0].items[2].type, SKY_JV_NULL);
  assert_int_equal(p.rows->items[0].items[3].type, SKY_JV_STRING);
  pivoted_free(&p);
}

/* EVERY HOUR: the same day at two hours is two cohorts. */
static void test_triangle_hours(void **state) {
  (void)state;
  check_triangle(RETENTION("", "", "[\"2026-03-01T14\",0,3,3,1.0],[\"2026-03-01T14\",1,3,1,0.3333333333333333],"
                                   "[\"2026-03-01T15\",0,2,2,1.0],[\"2026-03-01T15\",1,2,2,1.0],"
                                   "[\"2026-03-02T00\",0,1,1,1.0]"),
                 "cohort|cohort_size|0|1", "STRING|INT|" SHARE "|" SHARE,
                 "2026-03-01T14|3|100.0%|33.3%\n2026-03-01T15|2|100.0%|100.0%\n2026-03-02T00|1|100.0%|");
}

/* Many groups: the hash table, and every cell where it belongs. */
static void test_triangle_many_groups(void **state) {
  (void)state;
  char line[200000];
  size_t n = (size_t)snprintf(line, sizeof line, "{\"ok\":true,\"columns\":[\"k\"," RET_COLUMNS "],\"types\":[\"INT\","
                                                 RET_TYPES "],\"rows\":[");
  for (int period = 2; period >= 0; period--) /* ORDER BY period DESC, k */
    for (int k = 0; k < 500; k++)
      n += (size_t)snprintf(line + n, sizeof line - n, "%s[%d,\"c\",%d,100,%d,%d.%02d]", n && line[n - 1] == ']' ? "," : "",
                            k, period, k % 100, k % 100 == 0 ? 1 : 0, k % 100 == 0 ? 0 : k % 100);
  snprintf(line + n, sizeof line - n, "]}");
  pivoted p;
  assert_true(pivot(line, &p));
  assert_int_equal(p.rows->n, 500);
  assert_int_equal(p.cols->n, 6);
  for (int k = 0; k < 500; k++) {
    const sky_jv *row = &p.rows->items[k];
    char want[16];
    snprintf(want, sizeof want, "%d", k);
    assert_string_equal(row->items[0].str, want);
    snprintf(want, sizeof want, "%d.0%%", k % 100 == 0 ? 100 : k % 100);
    for (int period = 0; period < 3; period++) assert_string_equal(row->items[3 + period].str, want);
  }
  pivoted_free(&p);
}

static void check_not_pivoted(const char *line) {
  pivoted p;
  if (pivot(line, &p)) fail_msg("pivoted: %s", line);
  assert_ptr_equal(p.cols, p.r.columns);
  assert_ptr_equal(p.types, p.r.types);
  assert_ptr_equal(p.rows, p.r.rows);
  pivoted_free(&p);
}

static void test_not_a_triangle(void **state) {
  (void)state;
  size_t at;
  sky_reply r;
  parse(RETENTION("\"cohort\",", "\"STRING\",", ""), &r); /* a key named cohort */
  assert_true(skysh_cohort_is_retention(&r, &at));
  assert_int_equal(at, 1);
  sky_reply_free(&r);
  check_not_pivoted("{\"ok\":true,\"columns\":[\"count()\"],\"types\":[\"INT\"],\"rows\":[[3]]}");
  check_not_pivoted("{\"ok\":true,\"message\":\"created table t\"}");
  /* without types; a column after the five; one type changed; one name changed */
  check_not_pivoted("{\"ok\":true,\"columns\":[" RET_COLUMNS "],\"rows\":[[\"2026-03-01\",0,1,1,1.0]]}");
  check_not_pivoted("{\"ok\":true,\"columns\":[" RET_COLUMNS ",\"x\"],\"types\":[" RET_TYPES ",\"INT\"],\"rows\":[]}");
  check_not_pivoted("{\"ok\":true,\"columns\":[" RET_COLUMNS "],\"types\":[\"STRING\",\"INT\",\"INT\",\"INT\","
                    "\"INT\"],\"rows\":[]}");
  check_not_pivoted("{\"ok\":true,\"columns\":[\"cohort\",\"period\",\"size\",\"objects\",\"share\"],\"types\":["
                    RET_TYPES "],\"rows\":[]}");
  /* a period that is not an integer >= 0, or absurdly far; a key that is an array */
  check_not_pivoted(RETENTION("", "", "[\"2026-03-01\",0.5,1,1,1.0]"));
  check_not_pivoted(RETENTION("", "", "[\"2026-03-01\",-1,1,1,1.0]"));
  check_not_pivoted(RETENTION("", "", "[\"2026-03-01\",null,1,1,1.0]"));
  check_not_pivoted(RETENTION("", "", "[\"2026-03-01\",1000000,1,1,1.0]"));
  check_not_pivoted(RETENTION("", "", "[\"2026-03-01\",9223372036854775807,1,1,1.0]"));
  check_not_pivoted(RETENTION("", "", "[\"2026-03-01\"]"));
  check_not_pivoted(RETENTION("\"k\",", "\"INT\",", "[[1],\"2026-03-01\",0,1,1,1.0]"));
  /* the cell budget is on the whole triangle: 2 groups x 600000 periods */
  check_not_pivoted(RETENTION("", "", "[\"a\",0,1,1,1.0],[\"b\",599999,1,1,1.0]"));
  pivoted p;
  assert_true(pivot(RETENTION("", "", "[\"a\",9999,1,1,1.0]"), &p)); /* sparse but within the budget */
  assert_int_equal(p.cols->n, 2 + 10000);
  assert_string_equal(p.rows->items[0].items[2 + 9999].str, "100.0%");
  assert_string_equal(p.rows->items[0].items[2].str, "");
  pivoted_free(&p);
}

/* --- the lifecycle chart --- */

#define LIFECYCLE(rows)                                                                                            \
  "{\"ok\":true,\"columns\":[\"period\",\"new\",\"returning\",\"resurrecting\",\"dormant\"],"                       \
  "\"types\":[\"STRING\",\"INT\",\"INT\",\"INT\",\"INT\"],\"rows\":[" rows "]}"
#define N "\u2588" /* new */
#define R "\u2593" /* returning */
#define Z "\u2592" /* resurrecting */
#define D "\u2591" /* dormant */
#define AX "\u2502"
#define LEGEND " " D " dormant " AX " " N " new  " R " returning  " Z " resurrecting"

static char *chart_of(const char *line, size_t cells, sky_buf *b) {
  sky_reply r;
  parse(line, &r);
  sky_buf_init(b);
  bool drawn = skysh_cohort_lifecycle_chart(&r, cells, b);
  sky_reply_free(&r);
  if (!drawn) {
    assert_int_equal(b->len, 0);
    return NULL;
  }
  assert_false(b->failed);
  return b->data;
}

static void check_chart(const char *line, size_t cells, const char *want) {
  sky_buf b;
  const char *got = chart_of(line, cells, &b);
  if (!got) fail_msg("no chart: %s", line);
  if (strcmp(got, want) != 0) fail_msg("chart:\n%s\nwant:\n%s", got, want);
  sky_buf_free(&b);
}

static void test_chart_exact(void **state) {
  (void)state;
  /* 10 cells: 6 usable for the largest stack (4) plus the largest dormant
   * (2), so one object per cell */
  check_chart(LIFECYCLE("[\"2026-03-01\",3,0,0,0],[\"2026-03-02\",1,2,1,1],[\"2026-03-03\",0,1,1,2],"
                        "[\"2026-03-04\",0,0,0,2]"),
              10,
              " 2026-03-01    " AX N N N "\n"
              " 2026-03-02   " D AX N R R Z "\n"
              " 2026-03-03  " D D AX R Z "\n"
              " 2026-03-04  " D D AX "\n" LEGEND "  (objects per cell: 1)\n");
  /* labels of different widths pad to the longest; a NULL label */
  check_chart(LIFECYCLE("[\"2026-03\",1,0,0,0],[null,0,1,0,0],[\"2026-03-01T14\",0,0,1,0]"), 5,
              " 2026-03        " AX N "\n"
              " NULL           " AX R "\n"
              " 2026-03-01T14  " AX Z "\n" LEGEND "  (objects per cell: 1)\n");
}

static void test_chart_zero_counts(void **state) {
  (void)state;
  check_chart(LIFECYCLE("[\"2026-03-01\",0,0,0,0],[\"2026-03-02\",0,0,0,0]"), 60,
              " 2026-03-01  " AX "\n 2026-03-02  " AX "\n" LEGEND "  (no objects)\n");
  /* NULL and negative counts draw as 0 */
  check_chart(LIFECYCLE("[\"2026-03-01\",null,-5,0,null]"), 60, " 2026-03-01  " AX "\n" LEGEND "  (no objects)\n");
  sky_buf b;
  assert_null(chart_of(LIFECYCLE(""), 60, &b)); /* no rows: no chart */
  sky_buf_free(&b);
}

/* One count dwarfs the rest: it takes the width, every other count above
 * 0 still shows as one cell, and no line is wider than the chart. */
static void test_chart_one_huge_count(void **state) {
  (void)state;
  sky_buf b;
  const char *got = chart_of(LIFECYCLE("[\"2026-03-01\",9223372036854775807,0,0,0],[\"2026-03-02\",1,1,1,1],"
                                       "[\"2026-03-03\",0,0,0,3]"),
                             60, &b);
  assert_non_null(got);
  const char *want = " 2026-03-01   " AX N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N N
                     N N N N N N N N N N N "\n"
                     " 2026-03-02  " D AX N R Z "\n"
                     " 2026-03-03  " D AX "\n";
  if (strncmp(got, want, strlen(want)) != 0) fail_msg("chart:\n%s\nwant:\n%s", got, want);
  assert_non_null(strstr(got, "(objects per cell: 1.65e+17)\n"));
  sky_buf_free(&b);
  /* huge on both sides, tiny in between: each line fits in 60 cells */
  got = chart_of(LIFECYCLE("[\"a\",1000000000000,1,1,0],[\"b\",1,1,1,1000000000000],[\"c\",1,1,1,1]"), 60, &b);
  assert_non_null(got);
  for (const char *line = got; *line;) {
    const char *end = strchr(line, '\n');
    if (strncmp(line, LEGEND, strlen(LEGEND)) != 0) {
      size_t w = skysh_funnel_cells(line, (size_t)(end - line));
      if (w > 1 + 1 + 2 + 60 + 1) fail_msg("line %.*s is %zu cells", (int)(end - line), line, w);
    }
    line = end + 1;
  }
  const char *c = strstr(got, "\n c  ");
  assert_non_null(c);
  c += 5;
  while (*c == ' ') c++; /* padding up to the longest dormant bar */
  assert_true(strncmp(c, D AX N R Z "\n", strlen(D AX N R Z "\n")) == 0);
  sky_buf_free(&b);
}

static void test_chart_all_dormant(void **state) {
  (void)state;
  /* 8 cells: 4 usable, all on the left */
  check_chart(LIFECYCLE("[\"2026-03-01\",0,0,0,4],[\"2026-03-02\",0,0,0,1],[\"2026-03-03\",0,0,0,2]"), 8,
              " 2026-03-01  " D D D D AX "\n"
              " 2026-03-02     " D AX "\n"
              " 2026-03-03    " D D AX "\n" LEGEND "  (objects per cell: 1)\n");
}

static void test_not_a_chart(void **state) {
  (void)state;
  sky_buf b;
  assert_null(chart_of("{\"ok\":true,\"columns\":[\"count()\"],\"types\":[\"INT\"],\"rows\":[[3]]}", 60, &b));
  sky_buf_free(&b);
  assert_null(chart_of("{\"ok\":true,\"columns\":[\"period\",\"new\",\"returning\",\"resurrecting\",\"dormant\"],"
                       "\"rows\":[[\"2026-03-01\",1,0,0,0]]}",
                       60, &b)); /* no types */
  sky_buf_free(&b);
  assert_null(chart_of("{\"ok\":true,\"columns\":[\"period\",\"new\",\"returning\",\"dormant\"],"
                       "\"types\":[\"STRING\",\"INT\",\"INT\",\"INT\"],\"rows\":[[\"2026-03-01\",1,0,0]]}",
                       60, &b));
  sky_buf_free(&b);
  assert_null(chart_of(RETENTION("", "", "[\"2026-03-01\",0,1,1,1.0]"), 60, &b));
  sky_buf_free(&b);
}

/* --- the stickiness bars --- */

static void test_stickiness_bars(void **state) {
  (void)state;
  sky_reply r;
  parse("{\"ok\":true,\"columns\":[\"periods\",\"objects\"],\"types\":[\"INT\",\"INT\"],"
        "\"rows\":[[1,6],[2,1],[3,1],[4,null]]}",
        &r);
  sky_arena arena;
  sky_arena_init(&arena);
  const sky_jv *cols = r.columns, *rows = r.rows;
  assert_true(skysh_cohort_add_stickiness_bars(&r, &arena, &cols, &rows));
  check_values(cols, "periods|objects|" SKYSH_STICKINESS_HEADER, "columns");
  char want[SKYSH_BAR_TEXT];
  skysh_funnel_bar(0.75, want);
  assert_string_equal(rows->items[0].items[2].str, want);
  skysh_funnel_bar(0.125, want);
  assert_string_equal(rows->items[1].items[2].str, want);
  assert_string_equal(rows->items[2].items[2].str, want);
  assert_string_equal(rows->items[3].items[2].str, ""); /* NULL */
  sky_arena_free(&arena);
  sky_reply_free(&r);
  /* all zero: no bars to draw */
  parse("{\"ok\":true,\"columns\":[\"periods\",\"objects\"],\"types\":[\"INT\",\"INT\"],\"rows\":[[1,0]]}", &r);
  sky_arena_init(&arena);
  cols = r.columns, rows = r.rows;
  assert_true(skysh_cohort_add_stickiness_bars(&r, &arena, &cols, &rows));
  assert_string_equal(rows->items[0].items[2].str, "");
  sky_arena_free(&arena);
  sky_reply_free(&r);
  /* other results */
  parse("{\"ok\":true,\"columns\":[\"periods\",\"objects\"],\"types\":[\"INT\",\"FLOAT\"],\"rows\":[[1,0]]}", &r);
  sky_arena_init(&arena);
  assert_false(skysh_cohort_add_stickiness_bars(&r, &arena, &cols, &rows));
  sky_arena_free(&arena);
  sky_reply_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_share_text),
      cmocka_unit_test(test_triangle_with_keys),
      cmocka_unit_test(test_triangle_missing_cells),
      cmocka_unit_test(test_triangle_reordered),
      cmocka_unit_test(test_triangle_limit),
      cmocka_unit_test(test_triangle_null_share),
      cmocka_unit_test(test_triangle_hours),
      cmocka_unit_test(test_triangle_many_groups),
      cmocka_unit_test(test_not_a_triangle),
      cmocka_unit_test(test_chart_exact),
      cmocka_unit_test(test_chart_zero_counts),
      cmocka_unit_test(test_chart_one_huge_count),
      cmocka_unit_test(test_chart_all_dormant),
      cmocka_unit_test(test_not_a_chart),
      cmocka_unit_test(test_stickiness_bars),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
