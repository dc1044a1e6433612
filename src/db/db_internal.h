/* db_internal.h — the statement layer's shared state: what a sky_db and a
 * sky_conn hold, and the per-statement helpers the exec_*.c files share.
 * Internal to src/server; the public face is sky.h. */
#ifndef SKY_DB_DB_INTERNAL_H
#define SKY_DB_DB_INTERNAL_H

#include <stdatomic.h>

#include "codegen/jit.h"
#include "common/arena.h"
#include "common/pool.h"
#include "parser/stmt.h"
#include "common/result.h"
#include "sky.h"
#include "storage/storage.h"

struct sky_db {
  sky_store *store;
  sky_pool *pool; /* query partitions; callers work too */
  sky_jit *jit;
  sky_db_options opt;
  char *load_dir; /* owned copy of opt.load_dir (NULL = cwd) */
};

struct sky_conn {
  sky_db *db;
  char *table; /* USE; owned */
  sky_engine engine;
  uint64_t timeout_ms;
  atomic_int cancel;
  int64_t deadline_ns; /* of the running statement (sky_clock_ns); 0 = none */
};

/* The table a statement works on: stmt->table, else the connection's USE
 * table; unknown_table when neither names an existing table. Release the
 * result with sky_table_release(). */
sky_table *sky_exec_table(sky_conn *conn, const sky_stmt *stmt, sky_error *err);

/* Between the phases of a query (parse, bind, compile, run, finalize,
 * encode): 0 to go on, or -1 with err (timeout) once the statement is past
 * its deadline or cancelled, so that it starts no further phase. */
int sky_exec_check(sky_conn *conn, sky_error *err);

/* Statement handlers, by family. Each returns a result or NULL with err. */
/* The executors of the statement rows (stmt.h): one per command, and one
 * for every query (bind with the row's binder, then run, EXPLAIN or
 * EXPLAIN IR). db.c's table is built from the lists, so a command row
 * without its executor does not link. */
#define SKY_X_EXEC_DECL(NAME, name, text) \
  sky_result *sky_exec_##name(sky_conn *conn, const sky_stmt *stmt, sky_error *err);
SKY_COMMAND_STMTS(SKY_X_EXEC_DECL)
#undef SKY_X_EXEC_DECL
sky_result *sky_exec_query(sky_conn *conn, const sky_stmt *stmt, sky_error *err);

/* Fills `cell` with the value of property column `col` at event `i` of a
 * chunk (NULL when absent), copying strings into the result. */
int sky_exec_prop_cell(sky_result *r, sky_value *cell, sky_snapshot *snap, uint32_t prop, const sky_chunk *c,
                       uint64_t i);


#endif
