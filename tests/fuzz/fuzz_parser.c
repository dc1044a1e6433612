/* fuzz_parser.c — random bytes through the whole language front end:
 * lexer, parser, AST dump, binder (every SELECT against both fixed schemas
 * of tests/parser/parser_fixture.h, "shop" and "empty") and EXPLAIN.
 *
 * Checks beyond "no crash, leak or sanitizer report": an error always
 * carries a code and (for statements that parse) a message; every plan the
 * binder returns satisfies plan.h's invariants (plan_check_run), else the
 * harness traps so libFuzzer saves the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/arena.h"
#include "common/buf.h"
#include "parser/parser_fixture.h"
#include "parser/stmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bind_and_check(const sky_stmt *stmt, const char *schema_name, sky_arena *arena, sky_buf *out) {
  fixture_schema fs;
  fixture_schema_init(&fs, schema_name);
  sky_plan *plan;
  sky_error err;
  if (sky_bind_query(stmt, &fs.schema, arena, &plan, &err) != 0) {
    if (err.code == SKY_ERR_OK || !err.message[0]) __builtin_trap();
    return;
  }
  plan_check pc;
  if (plan_check_run(&pc, plan)) __builtin_trap();
  sky_plan_explain(plan, &fs.schema, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sky_arena arena;
  sky_arena_init(&arena);
  sky_stmt *stmt;
  sky_error err;
  sky_buf out;
  sky_buf_init(&out);
  if (sky_parse((const char *)data, size, &arena, &stmt, &err) == 0) {
    sky_stmt_dump(stmt, &out);
    if (stmt->select) {
      bind_and_check(stmt, "shop", &arena, &out);
      bind_and_check(stmt, "empty", &arena, &out);
    }
  } else if (err.code == SKY_ERR_OK || !err.message[0] || err.line < 1 || err.column < 1) {
    __builtin_trap();
  }
  sky_buf_free(&out);
  sky_arena_free(&arena);
  return 0;
}
