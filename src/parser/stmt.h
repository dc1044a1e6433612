/* stmt.h — parsed statements, the front end's output to the statement layer.
 *
 * sky_parse() turns one statement's text into a sky_stmt allocated in the
 * caller's arena (freed with it). Everything but SELECT is fully described
 * here; a SELECT keeps its AST private to the parser and is turned into a
 * plan by sky_bind_select() once the statement layer knows the table's
 * schema. Positions are 1-based line/column of the token they describe.
 */
#ifndef SKY_PARSER_STMT_H
#define SKY_PARSER_STMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "parser/plan.h"
#include "sky.h"
#include "storage/reader.h"
#include "storage/schema.h"

/* Statements, one row each: X(NAME, name, spelling). A command runs in the
 * statement layer as it is (src/db: sky_exec_<name>). A query is bound to
 * a plan (src/parser: sky_bind_<name>) that both engines run; EXPLAIN and
 * EXPLAIN IR, the compiled-query cache, the statement timeout and
 * cancellation serve every query alike. The tables built from these lists
 * (sky_stmt_name, the binders, the db's executors, the AST dumps) make a
 * row without its function a build error. */
#define SKY_COMMAND_STMTS(X)                            \
  X(CREATE_TABLE, create_table, "CREATE TABLE")         \
  X(ALTER_ADD, alter_add, "ALTER TABLE")                \
  X(DROP_TABLE, drop_table, "DROP TABLE")               \
  X(USE, use, "USE")                                    \
  X(SHOW_TABLES, show_tables, "SHOW TABLES")            \
  X(DESCRIBE, describe, "DESCRIBE")                     \
  X(INSERT, insert, "INSERT")                           \
  X(LOAD, load, "LOAD")                                 \
  X(DELETE_OBJECT, delete_object, "DELETE OBJECT")      \
  X(GET_OBJECT, get_object, "GET OBJECT")

#define SKY_QUERY_STMTS(X)                                                                 \
  X(SELECT, select, "SELECT") X(FUNNEL, funnel, "FUNNEL") X(RETENTION, retention, "RETENTION") \
  X(LIFECYCLE, lifecycle, "LIFECYCLE") X(STICKINESS, stickiness, "STICKINESS") X(PATHS, paths, "PATHS")

typedef enum sky_stmt_kind {
#define SKY_X_STMT(NAME, name, text) SKY_STMT_##NAME,
  SKY_COMMAND_STMTS(SKY_X_STMT) SKY_QUERY_STMTS(SKY_X_STMT)
#undef SKY_X_STMT
  SKY_STMT_COUNT_
} sky_stmt_kind;

/* What EXPLAIN asks of a query statement. */
typedef enum sky_explain {
  SKY_EXPLAIN_NONE = 0, /* run it */
  SKY_EXPLAIN_PLAN,     /* EXPLAIN q: the plan */
  SKY_EXPLAIN_IR,       /* EXPLAIN IR q: the optimized LLVM IR */
} sky_explain;

/* The statement's spelling ("GET OBJECT"), and whether it is a query. */
const char *sky_stmt_name(sky_stmt_kind kind);
bool sky_stmt_is_query(sky_stmt_kind kind);

typedef struct sky_pos {
  int line, column;
} sky_pos;

/* A literal value in INSERT ... VALUES and AS OF. Its meaning depends on the
 * column it lands in (the statement layer checks and converts). */
typedef enum sky_lit_kind {
  SKY_LIT_NULL,
  SKY_LIT_INT,    /* fits int64: `i` */
  SKY_LIT_UINT,   /* 2^63 .. 2^64-1 (only valid as an object id): `u` */
  SKY_LIT_FLOAT,  /* `f` */
  SKY_LIT_STRING, /* `s`, `len` (quotes removed, '' unescaped) */
  SKY_LIT_BOOL,   /* `b` */
} sky_lit_kind;

typedef struct sky_lit {
  sky_lit_kind kind;
  int64_t i;
  uint64_t u;
  double f;
  bool b;
  const char *s;
  size_t len;
  sky_pos pos;
} sky_lit;

/* A property definition in CREATE TABLE / ALTER TABLE ADD. */
typedef struct sky_propdef {
  sky_prop prop;
  sky_pos pos; /* of the name */
  /* EXPIRES AFTER d [TO literal], checked and stored into `prop` by the
   * statement layer (exec_ddl.c) */
  bool has_expires;
  sky_pos expires_pos;   /* of EXPIRES */
  uint64_t expires_us;   /* d as written (a duration or an integer of µs) */
  sky_pos expires_at;    /* of d */
  const sky_lit *to;     /* the TO literal, or NULL */
} sky_propdef;

typedef struct sky_select sky_select; /* parser-private AST of a SELECT */

typedef struct sky_stmt {
  sky_stmt_kind kind;
  sky_explain explain;     /* queries: EXPLAIN [IR] */
  const char *text;        /* the statement's full text (NUL-terminated copy) */
  const char *normalized;  /* queries: tokens re-spelled canonically
                              (keywords upper case, one space between tokens,
                              literals and identifiers as written): the
                              compiled-query cache key */

  const char *table;       /* table named by the statement (FROM/INTO/t), or
                              NULL when omitted (the connection's USE table) */
  sky_pos table_pos;

  /* CREATE TABLE (props), ALTER TABLE ADD (one prop) */
  uint32_t n_props;
  sky_propdef *props;

  /* INSERT INTO t (columns) VALUES (row), ... */
  uint32_t n_columns;
  const char **columns;    /* as written; "object", "timestamp", "action" or a property */
  sky_pos *column_pos;
  uint32_t n_rows;
  sky_lit **rows;          /* [n_rows][n_columns] */

  /* LOAD 'path' [INTO t] [FORMAT f] [MAX ERRORS n] / LOAD INTO t FORMAT f FROM STDIN */
  const char *path;        /* NULL for FROM STDIN */
  size_t path_len;
  bool from_stdin;
  sky_load_format format;
  int64_t max_errors;      /* 0 when absent */

  /* DELETE OBJECT n / GET OBJECT n [AS OF ts] */
  uint64_t object;
  sky_pos object_pos;
  bool has_as_of;
  sky_lit as_of;           /* INT (µs) or STRING (ISO-8601) */

  /* SELECT and FUNNEL (its clauses in select->funnel), with EXPLAIN [IR] */
  sky_select *select;
} sky_stmt;

/* Parses one statement (a trailing ';' and surrounding blanks allowed).
 * On error returns -1 with a syntax_error (or bad_value for a malformed
 * literal) carrying line and column. Everything lives in `arena`. */
int sky_parse(const char *text, size_t len, sky_arena *arena, sky_stmt **out, sky_error *err);

/* Binds a parsed query statement against `schema` with its row's binder:
 * resolves names, checks types, builds the plan (calling sky_groups_layout
 * is the caller's job). Errors carry the position of the offending
 * expression. The plan lives in `arena`. */
int sky_bind_query(const sky_stmt *stmt, const sky_schema *schema, sky_arena *arena, sky_plan **out, sky_error *err);

/* The binders of the query rows. */
#define SKY_X_BIND_DECL(NAME, name, text)                                                                  \
  int sky_bind_##name(const sky_stmt *stmt, const sky_schema *schema, sky_arena *arena, sky_plan **out, \
                      sky_error *err);
SKY_QUERY_STMTS(SKY_X_BIND_DECL)
#undef SKY_X_BIND_DECL

/* Prints the statement's AST (golden tests of the parser). */
void sky_stmt_dump(const sky_stmt *stmt, sky_buf *out);

#endif
