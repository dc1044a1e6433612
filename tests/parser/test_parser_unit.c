/* test_parser_unit.c — what golden files cannot hold or say: raw bytes
 * (invalid UTF-8, NUL), positions over CRLF and multi-byte characters,
 * nesting limits, very long lists, allocation failure at every step of
 * parse + bind + EXPLAIN, and plan.h's invariants over thousands of
 * generated queries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/arena.h"
#include "common/buf.h"
#include "parser/lexer.h"
#include "parser/parser_fixture.h"
#include "parser/stmt.h"

/* Parses (and binds a SELECT against "shop"); returns 0 or the error code
 * with *err filled. */
static int run(const char *text, size_t len, sky_error *err, sky_buf *explain) {
  fixture_schema fs;
  fixture_schema_init(&fs, "shop");
  sky_arena arena;
  sky_arena_init(&arena);
  sky_stmt *stmt;
  int rc = 0;
  if (sky_parse(text, len, &arena, &stmt, err) != 0) {
    rc = err->code;
  } else if (stmt->select) {
    sky_plan *plan;
    if (sky_bind_query(stmt, &fs.schema, &arena, &plan, err) != 0) {
      rc = err->code;
    } else {
      plan_check pc;
      const char *bad = plan_check_run(&pc, plan);
      if (bad) fail_msg("invariant violated for %.*s: %s", (int)len, text, bad);
      if (explain) sky_plan_explain(plan, &fs.schema, explain);
    }
  }
  sky_arena_free(&arena);
  return rc;
}

static void expect_error(const char *text, size_t len, sky_code code, int line, int column, const char *msg) {
  sky_error err;
  int rc = run(text, len, &err, NULL);
  if (rc != (int)code || err.line != line || err.column != column || (msg && strcmp(err.message, msg) != 0))
    fail_msg("%.*s: got %s at %d:%d: %s", (int)len, text, sky_code_name(err.code), err.line, err.column, err.message);
}

static void test_keywords_sorted(void **state) {
  (void)state;
  assert_true(sky_lex_keywords_sorted());
  assert_true(sky_lex_nonreserved("MAX"));
  assert_true(sky_lex_nonreserved("format"));
  assert_false(sky_lex_nonreserved("SELECT"));
  assert_false(sky_lex_nonreserved("count"));
}

static void test_raw_bytes(void **state) {
  (void)state;
  static const char bad_string[] = "SELECT count() WHERE action = 'a\xff'";
  expect_error(bad_string, sizeof bad_string - 1, SKY_ERR_SYNTAX, 1, 31, "invalid UTF-8 in string");
  static const char bad_name[] = "SELECT \"a\xc3\x28\"";
  expect_error(bad_name, sizeof bad_name - 1, SKY_ERR_SYNTAX, 1, 8, "invalid UTF-8 in quoted name");
  static const char stray[] = "SELECT \xff";
  expect_error(stray, sizeof stray - 1, SKY_ERR_SYNTAX, 1, 8, "invalid UTF-8 byte 0xFF");
  static const char nul_out[] = "SELECT 1\0";
  expect_error(nul_out, sizeof nul_out - 1, SKY_ERR_SYNTAX, 1, 9, "unexpected character U+0000");
  static const char nul_name[] = "SELECT \"a\0b\"";
  expect_error(nul_name, sizeof nul_name - 1, SKY_ERR_SYNTAX, 1, 8, "quoted name holds a NUL byte");
  static const char ctl[] = "SELECT \x01";
  expect_error(ctl, sizeof ctl - 1, SKY_ERR_SYNTAX, 1, 8, "unexpected character U+0001");

  /* a NUL inside a string literal is part of the value */
  sky_arena arena;
  sky_arena_init(&arena);
  sky_stmt *stmt;
  sky_error err;
  static const char nul_str[] = "GET OBJECT 1 AS OF 'a\0b'";
  assert_int_equal(sky_parse(nul_str, sizeof nul_str - 1, &arena, &stmt, &err), 0);
  assert_int_equal(stmt->as_of.len, 3);
  assert_memory_equal(stmt->as_of.s, "a\0b", 3);
  sky_arena_free(&arena);
}

static void test_positions(void **state) {
  (void)state;
  /* CRLF: \r is a character of its line */
  const char *crlf = "SELECT count()\r\nWHERE\r\n  qty = 'x'";
  expect_error(crlf, strlen(crlf), SKY_ERR_TYPE, 3, 3, "cannot compare INT 'qty' with STRING 'x'");
  /* columns count characters, not bytes */
  const char *utf = "SELECT count() WHERE 'ñandú' = 'é' AND foo";
  expect_error(utf, strlen(utf), SKY_ERR_UNKNOWN_PROPERTY, 1, 40, "unknown property 'foo'");
  /* end of input: one past the last character, blanks included */
  const char *tail = "SELECT count() WHERE   ";
  expect_error(tail, strlen(tail), SKY_ERR_SYNTAX, 1, 24, "unexpected end of input, expected expression");
  const char *nl = "SELECT count() GROUP\n";
  expect_error(nl, strlen(nl), SKY_ERR_SYNTAX, 2, 1, "unexpected end of input, expected BY");
  expect_error("", 0, SKY_ERR_SYNTAX, 1, 1, NULL);
  /* a lexical error peeked after NOT does not hide an earlier syntax error */
  const char *peek = "SELECT count() NOT 'open";
  expect_error(peek, strlen(peek), SKY_ERR_SYNTAX, 1, 16, NULL);
}

static char *repeat(const char *head, const char *unit, int n, const char *tail) {
  size_t len = strlen(head) + strlen(unit) * (size_t)n + strlen(tail) + 1;
  char *s = malloc(len);
  strcpy(s, head);
  for (int i = 0; i < n; i++) strcat(s, unit);
  strcat(s, tail);
  return s;
}

static void test_nesting(void **state) {
  (void)state;
  sky_error err;
  char *s = repeat("SELECT count() WHERE ", "NOT ", 200, "TRUE");
  assert_int_equal(run(s, strlen(s), &err, NULL), 0);
  free(s);
  s = repeat("SELECT count() WHERE ", "NOT ", 300, "TRUE");
  assert_int_equal(run(s, strlen(s), &err, NULL), SKY_ERR_SYNTAX);
  assert_string_equal(err.message, "expression is nested too deeply (more than 256 levels)");
  free(s);
  s = repeat("SELECT 1", " + 1", 300, "");
  assert_int_equal(run(s, strlen(s), &err, NULL), SKY_ERR_SYNTAX);
  free(s);
  char *open = repeat("SELECT ", "(", 250, "1");
  s = repeat(open, ")", 250, "");
  assert_int_equal(run(s, strlen(s), &err, NULL), 0);
  free(open);
  free(s);
  s = repeat("SELECT ", "(", 5000, "1");
  assert_int_equal(run(s, strlen(s), &err, NULL), SKY_ERR_SYNTAX);
  assert_string_equal(err.message, "statement is nested too deeply");
  free(s);
  s = repeat("SELECT ", "- ", 5000, "1");
  assert_int_equal(run(s, strlen(s), &err, NULL), SKY_ERR_SYNTAX);
  free(s);
}

static void test_long_lists(void **state) {
  (void)state;
  sky_error err;
  char *s = repeat("SELECT count() WHERE action IN ('a'", ", 'x'", 20000, ")");
  assert_int_equal(run(s, strlen(s), &err, NULL), 0);
  free(s);
  s = repeat("SELECT count() WHERE qty IN (1", ", 2", 20000, ")");
  assert_int_equal(run(s, strlen(s), &err, NULL), 0);
  free(s);
  /* no common domain: a balanced OR of 20001 comparisons */
  s = repeat("SELECT count() WHERE action IN (plan", ", 'x'", 20000, ")");
  sky_buf out;
  sky_buf_init(&out);
  assert_int_equal(run(s, strlen(s), &err, &out), 0);
  assert_false(out.failed);
  sky_buf_free(&out);
  free(s);
  s = repeat("SELECT count()", ", sum(qty)", 1023, " GROUP BY plan");
  assert_int_equal(run(s, strlen(s), &err, NULL), 0);
  free(s);
  /* SKY_PLAN_MAX_ITEMS: the 1025th item is refused where it starts. */
  s = repeat("SELECT count()", ", sum(qty)", 5000, " GROUP BY plan");
  assert_int_equal(run(s, strlen(s), &err, NULL), SKY_ERR_SEMANTIC);
  assert_string_equal(err.message, "too many SELECT items: at most 1024");
  assert_int_equal(err.column, (int)strlen("SELECT count()") + 1023 * (int)strlen(", sum(qty)") + 3);
  free(s);
}

static void test_plan_details(void **state) {
  (void)state;
  fixture_schema fs;
  fixture_schema_init(&fs, "shop");
  sky_arena arena;
  sky_arena_init(&arena);
  sky_stmt *stmt;
  sky_plan *plan;
  sky_error err;
  const char *q = "EXPLAIN  select count( DISTINCT object ) , plan AS p, sum(qty)*2 /* */ "
                  "GROUP BY plan HAVING count() > 1 ORDER BY 2;";
  assert_int_equal(sky_parse(q, strlen(q), &arena, &stmt, &err), -1); /* '/' '*' is not a comment */
  q = "EXPLAIN  select count( DISTINCT object ) , plan AS p, sum(qty)*2 -- note\n"
      "GROUP BY plan HAVING count() > 1 ORDER BY 2;";
  assert_int_equal(sky_parse(q, strlen(q), &arena, &stmt, &err), 0);
  assert_int_equal(stmt->kind, SKY_STMT_SELECT);
  assert_int_equal(stmt->explain, SKY_EXPLAIN_PLAN);
  assert_string_equal(stmt->text, q);
  assert_string_equal(stmt->normalized, "SELECT count ( DISTINCT OBJECT ) , plan AS p , sum ( qty ) * 2 GROUP BY plan "
                                        "HAVING count ( ) > 1 ORDER BY 2");
  assert_int_equal(sky_bind_query(stmt, &fs.schema, &arena, &plan, &err), 0);
  assert_string_equal(plan->output_names[0], "count( DISTINCT object )");
  assert_string_equal(plan->output_names[1], "p");
  assert_string_equal(plan->output_names[2], "sum(qty)*2");
  assert_int_equal(plan->n_aggs, 3); /* objects, sum, hidden count */
  assert_int_equal(plan->aggs[2].kind, SKY_AGG_COUNT_ALL);
  assert_int_equal(plan->schema_uid, 0x5409);
  assert_int_equal(plan->schema_version, 3);
  assert_int_equal(plan->session_gap_us, -1);
  assert_int_equal(plan->limit, -1);
  assert_ptr_equal(plan->order[0].expr, plan->outputs[1]);
  /* the multiplication knows its text and position for overflow errors */
  assert_string_equal(plan->outputs[2]->text, "sum(qty)*2");
  assert_int_equal(plan->outputs[2]->line, 1);
  assert_int_equal(plan->outputs[2]->column, 55);
  /* ids are dense: every id in 0..n_exprs-1 is used once */
  sky_arena_free(&arena);
}

/* Every allocation of parse + bind + EXPLAIN fails in turn: the result is
 * success or out_of_memory, never a crash or a leak (ASan). */
static void test_allocation_failures(void **state) {
  (void)state;
  const char *qs[] = {
      "SELECT state.plan, month(timestamp), sum(price) GROUP BY state.plan, month(timestamp) ORDER BY 3 DESC LIMIT 10",
      ("SELECT count() WHERE action IN ('a', 'b', plan) AND referrer LIKE 'x%' AND timestamp > '2026-01-01' "
       "GROUP BY day(timestamp) HAVING max(action) > 'm' ORDER BY count() DESC"),
      "INSERT INTO t (object, timestamp, action) VALUES (1, 2, 'x'), (3, 4, 'y')",
      "SELECT 1.5 + qty, 'it''s', \"page view\" GROUP BY qty, \"page view\"",
      "SELECT count() WHERE x NOT LIKE 'a' GROUP BY 1",
  };
  for (size_t q = 0; q < sizeof qs / sizeof *qs; q++) {
    bool done = false;
    for (uint64_t n = 1; !done && n < 100000; n++) {
      sky_error err;
      sky_buf out;
      sky_buf_init(&out);
      sky_alloc_fail_after(n);
      int rc = run(qs[q], strlen(qs[q]), &err, &out);
      sky_alloc_fail_after(0);
      bool oom = rc == SKY_ERR_OUT_OF_MEMORY || out.failed;
      if (!oom) done = true;
      else assert_true(rc == 0 || rc == SKY_ERR_OUT_OF_MEMORY);
      sky_buf_free(&out);
    }
    assert_true(done);
  }
}

/* ---- generated queries ------------------------------------------------------------- */

static uint64_t g_rng = 0x9E3779B97F4A7C15ULL;
static unsigned pick(unsigned n) {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return (unsigned)(g_rng % n);
}

static void gen_expr(sky_buf *b, int depth) {
  static const char *const leaves[] = {
      "object",  "timestamp", "action",     "plan",         "state.plan", "event.plan", "price",  "qty",
      "premium", "referrer",  "age",        "\"page view\"", "score",     "flag",       "1",      "-2",
      "2.5",     "'pro'",     "'2026-03-01'", "'2026-03'",  "TRUE",       "NULL",       "30m",    "18446744073709551615",
      "session.number", "n",  "format",     "-9223372036854775808"};
  static const char *const binops[] = {" = ", " != ", " < ", " <= ", " > ", " >= ", " + ", " - ", " * ", " / ",
                                       " % ", " AND ", " OR "};
  static const char *const funcs[] = {"hour", "weekday", "day", "week", "month", "count", "sum", "avg",
                                      "min",  "max",     "objects", "sessions"};
  unsigned k = depth > 3 ? 0 : pick(9);
  switch (k) {
  case 0:
  case 1:
  case 2: sky_buf_puts(b, leaves[pick(sizeof leaves / sizeof *leaves)]); break;
  case 3:
  case 4:
    gen_expr(b, depth + 1);
    sky_buf_puts(b, binops[pick(sizeof binops / sizeof *binops)]);
    gen_expr(b, depth + 1);
    break;
  case 5: {
    const char *f = funcs[pick(sizeof funcs / sizeof *funcs)];
    sky_buf_printf(b, "%s(", f);
    if (strcmp(f, "objects") && strcmp(f, "sessions")) {
      if (!strcmp(f, "count") && pick(2)) sky_buf_puts(b, "DISTINCT ");
      gen_expr(b, depth + 1);
    }
    sky_buf_putc(b, ')');
    break;
  }
  case 6: sky_buf_puts(b, pick(2) ? "NOT " : "-"), gen_expr(b, depth + 1); break;
  case 7:
    gen_expr(b, depth + 1);
    sky_buf_puts(b, pick(2) ? " IN (" : " NOT IN (");
    for (int i = 0, n = 1 + (int)pick(3); i < n; i++) {
      if (i) sky_buf_puts(b, ", ");
      gen_expr(b, depth + 2);
    }
    sky_buf_putc(b, ')');
    break;
  default:
    gen_expr(b, depth + 1);
    sky_buf_puts(b, pick(2) ? " LIKE 'p%'" : (pick(2) ? " IS NULL" : " IS NOT NULL"));
    break;
  }
}

static void gen_query(sky_buf *b) {
  sky_buf_puts(b, "SELECT ");
  for (int i = 0, n = 1 + (int)pick(3); i < n; i++) {
    if (i) sky_buf_puts(b, ", ");
    gen_expr(b, 1);
    if (pick(4) == 0) sky_buf_printf(b, " AS a%d", i);
  }
  if (pick(2)) sky_buf_puts(b, " WHERE "), gen_expr(b, 1);
  if (pick(2)) {
    sky_buf_puts(b, " GROUP BY ");
    gen_expr(b, 2);
  }
  if (pick(3) == 0) sky_buf_puts(b, " WITHIN SESSION 30m");
  if (pick(3) == 0) sky_buf_puts(b, " HAVING "), gen_expr(b, 2);
  if (pick(3) == 0) sky_buf_puts(b, " ORDER BY "), gen_expr(b, 2), sky_buf_puts(b, " DESC");
  if (pick(4) == 0) sky_buf_puts(b, " LIMIT 5");
}

/* Typed generators: mostly valid queries, to check invariants on plans. */
static void gen_num(sky_buf *b, int depth);
static void gen_str(sky_buf *b) {
  static const char *const s[] = {"plan", "country", "referrer", "action", "day(timestamp)", "month(timestamp)",
                                  "'lit'", "state.plan", "event.referrer", "week(timestamp)"};
  sky_buf_puts(b, s[pick(sizeof s / sizeof *s)]);
}
static void gen_num(sky_buf *b, int depth) {
  static const char *const leaves[] = {"qty", "age", "price", "score", "1", "2.5", "-3", "hour(timestamp)",
                                       "weekday(timestamp)", "amount", "timestamp", "NULL", "1h"};
  static const char *const ops[] = {" + ", " - ", " * ", " / ", " % "};
  if (depth > 2 || pick(2)) {
    sky_buf_puts(b, leaves[pick(sizeof leaves / sizeof *leaves)]);
    return;
  }
  if (pick(5) == 0) {
    sky_buf_puts(b, "-(");
    gen_num(b, depth + 1);
    sky_buf_putc(b, ')');
    return;
  }
  sky_buf_putc(b, '(');
  gen_num(b, depth + 1);
  sky_buf_puts(b, ops[pick(5)]);
  gen_num(b, depth + 1);
  sky_buf_putc(b, ')');
}
static void gen_bool(sky_buf *b, int depth) {
  static const char *const cmp[] = {" = ", " != ", " < ", " <= ", " > ", " >= "};
  switch (depth > 2 ? pick(6) : pick(9)) {
  case 0: gen_num(b, depth), sky_buf_puts(b, cmp[pick(6)]), gen_num(b, depth); break;
  case 1: gen_str(b), sky_buf_puts(b, cmp[pick(6)]), sky_buf_puts(b, pick(2) ? "'pro'" : "'2026-03-01'"); break;
  case 2: gen_str(b), sky_buf_puts(b, pick(2) ? " LIKE 'p%'" : " NOT IN ('a', 'b', NULL)"); break;
  case 3: sky_buf_puts(b, pick(2) ? "timestamp > '2026-01-01'" : "object IN (1, -2, 18446744073709551615)"); break;
  case 4: sky_buf_puts(b, pick(2) ? "premium" : "flag IS NOT NULL"); break;
  case 5: gen_str(b), sky_buf_puts(b, " = "), gen_str(b); break;
  case 6: sky_buf_puts(b, "NOT ("), gen_bool(b, depth + 1), sky_buf_putc(b, ')'); break;
  default:
    sky_buf_putc(b, '(');
    gen_bool(b, depth + 1);
    sky_buf_puts(b, pick(2) ? " AND " : " OR ");
    gen_bool(b, depth + 1);
    sky_buf_putc(b, ')');
    break;
  }
}
static void gen_agg(sky_buf *b) {
  switch (pick(7)) {
  case 0: sky_buf_puts(b, "count()"); break;
  case 1: sky_buf_puts(b, "sum("), gen_num(b, 1), sky_buf_putc(b, ')'); break;
  case 2: sky_buf_puts(b, "avg("), gen_num(b, 1), sky_buf_putc(b, ')'); break;
  case 3: sky_buf_puts(b, pick(2) ? "min(" : "max("), pick(2) ? gen_str(b) : gen_num(b, 1), sky_buf_putc(b, ')'); break;
  case 4: sky_buf_puts(b, "count(DISTINCT "), gen_str(b), sky_buf_putc(b, ')'); break;
  case 5: sky_buf_puts(b, "objects()"); break;
  default: sky_buf_puts(b, "count("), gen_bool(b, 2), sky_buf_putc(b, ')'); break;
  }
}
static void gen_valid(sky_buf *b) {
  static const char *const keys[] = {"plan", "hour(timestamp)", "(qty * 2)", "day(timestamp)", "premium", "object"};
  int key = pick(7); /* 6: no GROUP BY */
  sky_buf_puts(b, "SELECT ");
  if (key < 6 && pick(2)) sky_buf_printf(b, "%s, ", keys[key]);
  gen_agg(b);
  if (pick(2)) sky_buf_puts(b, " * 2 + "), gen_agg(b);
  sky_buf_puts(b, " AS total");
  if (pick(2)) sky_buf_puts(b, " WHERE "), gen_bool(b, 0);
  if (key < 6) sky_buf_printf(b, " GROUP BY %s", keys[key]);
  if (pick(4) == 0) sky_buf_puts(b, " WITHIN SESSION 30m");
  if (pick(3) == 0) sky_buf_puts(b, " HAVING "), gen_agg(b), sky_buf_puts(b, " > 1 AND total IS NOT NULL");
  if (pick(3) == 0) sky_buf_puts(b, " ORDER BY "), gen_agg(b), sky_buf_puts(b, " DESC, 1");
  if (pick(4) == 0) sky_buf_puts(b, " LIMIT 5");
}

static void test_generated_queries(void **state) {
  (void)state;
  int ok = 0, failed = 0, valid_ok = 0;
  sky_buf q, out;
  sky_buf_init(&q);
  sky_buf_init(&out);
  for (int i = 0; i < 40000; i++) {
    bool typed = i % 2 == 0;
    sky_buf_reset(&q);
    sky_buf_reset(&out);
    if (typed) gen_valid(&q);
    else gen_query(&q);
    sky_error err;
    int rc = run(q.data, q.len, &err, &out);
    if (rc == 0) ok++, valid_ok += typed;
    else failed++;
    /* binding errors are the user's: a position inside the text, never internal */
    if (rc != 0 && (rc == SKY_ERR_INTERNAL || rc == SKY_ERR_OUT_OF_MEMORY || err.line < 1 || err.column < 1))
      fail_msg("%s: %s at %d:%d: %s", q.data, sky_code_name(err.code), err.line, err.column, err.message);
    if (typed && rc != 0 && rc != SKY_ERR_TYPE)
      fail_msg("typed query rejected: %s: %s at %d:%d: %s", q.data, sky_code_name(err.code), err.line, err.column,
               err.message);
  }
  printf("generated queries: %d bound (%d typed), %d rejected\n", ok, valid_ok, failed);
  assert_true(valid_ok > 10000);
  sky_buf_free(&q);
  sky_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_keywords_sorted), cmocka_unit_test(test_raw_bytes),
      cmocka_unit_test(test_positions),       cmocka_unit_test(test_nesting),
      cmocka_unit_test(test_long_lists),      cmocka_unit_test(test_plan_details),
      cmocka_unit_test(test_allocation_failures), cmocka_unit_test(test_generated_queries),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
