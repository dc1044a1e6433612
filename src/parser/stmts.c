/* stmts.c — the parser's half of the statement table (stmt.h): each
 * statement kind's spelling, whether it is a query, and the binder of each
 * query row. */
#include "parser/stmt.h"

#include "common/error.h"

static const struct {
  const char *name;
  bool query;
} g_stmts[SKY_STMT_COUNT_] = {
#define SKY_X_COMMAND(NAME, name, text) [SKY_STMT_##NAME] = {text, false},
#define SKY_X_QUERY(NAME, name, text) [SKY_STMT_##NAME] = {text, true},
    SKY_COMMAND_STMTS(SKY_X_COMMAND) SKY_QUERY_STMTS(SKY_X_QUERY)
#undef SKY_X_COMMAND
#undef SKY_X_QUERY
};

typedef int (*bind_fn)(const sky_stmt *, const sky_schema *, sky_arena *, sky_plan **, sky_error *);

static const bind_fn g_binders[SKY_STMT_COUNT_] = {
#define SKY_X_BINDER(NAME, name, text) [SKY_STMT_##NAME] = sky_bind_##name,
    SKY_QUERY_STMTS(SKY_X_BINDER)
#undef SKY_X_BINDER
};

const char *sky_stmt_name(sky_stmt_kind kind) { return (unsigned)kind < SKY_STMT_COUNT_ ? g_stmts[kind].name : "?"; }

bool sky_stmt_is_query(sky_stmt_kind kind) { return (unsigned)kind < SKY_STMT_COUNT_ && g_stmts[kind].query; }

int sky_bind_query(const sky_stmt *stmt, const sky_schema *schema, sky_arena *arena, sky_plan **out, sky_error *err) {
  if (!sky_stmt_is_query(stmt->kind))
    return sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "%s is not a query", sky_stmt_name(stmt->kind));
  return g_binders[stmt->kind](stmt, schema, arena, out, err);
}
