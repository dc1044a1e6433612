/* test_parser_golden.c — the parser's golden tests: statements in
 * tests/parser/golden/<suite>.cases, expected output in <suite>.expected.
 *
 * A .cases file holds one statement per line; a line starting with '|'
 * continues the previous statement on a new line (multi-line statements,
 * positions on line 2+). '#' starts a comment line. Directives:
 *   @mode ast       print the statement's AST (sky_stmt_dump)
 *   @mode explain   bind SELECT / EXPLAIN against the schema and print the
 *                   plan (sky_plan_explain); other statements print the AST
 *   @schema NAME    the schema to bind against (parser_fixture.h)
 * Every case prints "== <statement>" then its output, or its error as
 * "error <code> at <line>:<column>: <message>". Every plan is also checked
 * against plan.h's invariants; a violation is printed and fails the diff.
 *
 * The suite fails when the output differs from the .expected file; the
 * actual output is left in $SKY_TEST_TMP/<suite>.actual and a diff is
 * printed. Run with SKY_GOLDEN_UPDATE=1 to rewrite the .expected files,
 * then review the diff like code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/buf.h"
#include "parser/parser_fixture.h"
#include "parser/stmt.h"

typedef struct suite {
  char name[128];
  char dir[1024];
} suite;

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *data = malloc((size_t)(n > 0 ? n : 0) + 1);
  size_t got = fread(data, 1, (size_t)(n > 0 ? n : 0), f);
  fclose(f);
  data[got] = '\0';
  if (len) *len = got;
  return data;
}

static void write_file(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  fclose(f);
}

static void put_error(sky_buf *out, const sky_error *err) {
  sky_buf_printf(out, "error %s at %d:%d: %s\n", sky_code_name(err->code), err->line, err->column, err->message);
}

/* One statement: its AST, or its plan, or its error. */
static void run_case(sky_buf *out, const char *stmt_text, bool explain, const fixture_schema *fs) {
  sky_buf_puts(out, "== ");
  for (const char *p = stmt_text; *p; p++) {
    sky_buf_putc(out, *p);
    if (*p == '\n') sky_buf_puts(out, "| ");
  }
  sky_buf_putc(out, '\n');
  sky_arena arena;
  sky_arena_init(&arena);
  sky_stmt *stmt;
  sky_error err;
  if (sky_parse(stmt_text, strlen(stmt_text), &arena, &stmt, &err) != 0) {
    put_error(out, &err);
  } else if (explain && stmt->select) {
    sky_plan *plan;
    if (sky_bind_query(stmt, &fs->schema, &arena, &plan, &err) != 0) {
      put_error(out, &err);
    } else {
      plan_check pc;
      const char *bad = plan_check_run(&pc, plan);
      if (bad) sky_buf_printf(out, "INVARIANT VIOLATED: %s\n", bad);
      sky_buf_printf(out, "normalized: %s\n", stmt->normalized);
      sky_plan_explain(plan, &fs->schema, out);
    }
  } else {
    sky_stmt_dump(stmt, out);
  }
  sky_arena_free(&arena);
}

static int count_cases;

/* Runs every case of a .cases text into `out`. */
static void run_cases(const char *cases, sky_buf *out) {
  fixture_schema fs;
  assert_true(fixture_schema_init(&fs, "shop"));
  bool explain = false;
  sky_buf stmt;
  sky_buf_init(&stmt);
  const char *p = cases;
  while (*p) {
    const char *eol = strchr(p, '\n');
    size_t n = eol ? (size_t)(eol - p) : strlen(p);
    const char *next = eol ? eol + 1 : p + n;
    bool cont = n > 0 && p[0] == '|';
    if (!cont && stmt.len) {
      run_case(out, stmt.data, explain, &fs);
      count_cases++;
      sky_buf_reset(&stmt);
    }
    if (cont) {
      sky_buf_putc(&stmt, '\n');
      sky_buf_append(&stmt, p + 1 + (n > 1 && p[1] == ' '), n - 1 - (n > 1 && p[1] == ' '));
    } else if (n == 0 || p[0] == '#') {
      /* blank or comment */
    } else if (strncmp(p, "@mode ", 6) == 0) {
      explain = strncmp(p + 6, "explain", 7) == 0;
      sky_buf_printf(out, "%.*s\n", (int)n, p);
    } else if (strncmp(p, "@schema ", 8) == 0) {
      char name[64];
      snprintf(name, sizeof name, "%.*s", (int)(n - 8), p + 8);
      assert_true(fixture_schema_init(&fs, name));
      sky_buf_printf(out, "%.*s\n", (int)n, p);
    } else {
      sky_buf_append(&stmt, p, n);
    }
    p = next;
  }
  if (stmt.len) run_case(out, stmt.data, explain, &fs), count_cases++;
  sky_buf_free(&stmt);
}

static void test_suite(void **state) {
  const suite *s = *state;
  char path[1400], expected_path[1400], actual_path[1400];
  snprintf(path, sizeof path, "%s/%s.cases", s->dir, s->name);
  snprintf(expected_path, sizeof expected_path, "%s/%s.expected", s->dir, s->name);
  const char *tmp = getenv("SKY_TEST_TMP");
  snprintf(actual_path, sizeof actual_path, "%s/%s.actual", tmp ? tmp : "/tmp", s->name);
  char *cases = read_file(path, NULL);
  assert_non_null(cases);
  sky_buf out;
  sky_buf_init(&out);
  run_cases(cases, &out);
  free(cases);
  assert_false(out.failed);
  const char *update = getenv("SKY_GOLDEN_UPDATE");
  if (update && strcmp(update, "1") == 0) {
    write_file(expected_path, out.data, out.len);
    sky_buf_free(&out);
    return;
  }
  size_t elen = 0;
  char *expected = read_file(expected_path, &elen);
  bool same = expected && elen == out.len && memcmp(expected, out.data, elen) == 0;
  if (!same) {
    write_file(actual_path, out.data, out.len);
    char cmd[3000];
    snprintf(cmd, sizeof cmd, "diff -u '%s' '%s' | head -80", expected_path, actual_path);
    fprintf(stderr, "golden mismatch in %s (SKY_GOLDEN_UPDATE=1 rewrites it):\n", s->name);
    if (system(cmd) != 0) fprintf(stderr, "(diff failed)\n");
  }
  free(expected);
  sky_buf_free(&out);
  assert_true(same);
}

int main(void) {
  const char *src = getenv("SKY_SOURCE_DIR");
  static suite suites[64];
  struct CMUnitTest tests[64];
  size_t n = 0;
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/tests/parser/golden", src ? src : ".");
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "cannot open %s\n", dir);
    return 1;
  }
  struct dirent *e;
  while ((e = readdir(d)) && n < 64) {
    size_t len = strlen(e->d_name);
    if (len < 7 || strcmp(e->d_name + len - 6, ".cases") != 0) continue;
    snprintf(suites[n].name, sizeof suites[n].name, "%.*s", (int)(len - 6), e->d_name);
    snprintf(suites[n].dir, sizeof suites[n].dir, "%s", dir);
    tests[n] = (struct CMUnitTest){suites[n].name, test_suite, NULL, NULL, &suites[n]};
    n++;
  }
  closedir(d);
  int rc = _cmocka_run_group_tests("parser_golden", tests, n, NULL, NULL);
  printf("golden cases run: %d\n", count_cases);
  return rc;
}
