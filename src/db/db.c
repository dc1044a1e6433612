/* db.c — opening a data directory (store, worker pool, JIT), connections,
 * and sky_exec(): parse one statement and hand it to its handler.
 *
 * Every statement gets its own arena (AST, plan) freed before returning;
 * results own their data. A failed statement changes nothing: handlers
 * validate everything before the storage call that makes a change durable.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/utf8.h"
#include "db/db_internal.h"

void sky_db_options_init(sky_db_options *opt) {
  memset(opt, 0, sizeof *opt);
  opt->query_memory_bytes = (size_t)4 << 30;
  opt->max_result_rows = 1000000;
  opt->jit_cache_entries = 256;
}

sky_db *sky_db_open(const char *dir, const sky_db_options *opt, sky_error *err) {
  sky_db *db = sky_calloc(1, sizeof *db);
  if (!db) {
    sky_error_oom(err);
    return NULL;
  }
  if (opt) db->opt = *opt;
  else sky_db_options_init(&db->opt);
  if (!db->opt.query_memory_bytes) db->opt.query_memory_bytes = (size_t)4 << 30;
  if (!db->opt.max_result_rows) db->opt.max_result_rows = 1000000;
  if (db->opt.load_dir) {
    db->load_dir = sky_strdup(db->opt.load_dir);
    if (!db->load_dir) goto oom;
    db->opt.load_dir = db->load_dir;
  }
  sky_store_options so;
  sky_store_options_init(&so);
  if (db->opt.cache_bytes) so.cache_bytes = db->opt.cache_bytes;
  so.log = db->opt.log;
  so.log_ctx = db->opt.log_ctx;
  db->store = sky_store_open(dir, &so, err);
  if (!db->store) goto fail;
  unsigned threads = db->opt.threads ? db->opt.threads : sky_cpu_count();
  db->pool = sky_pool_create(threads - 1);
  if (!db->pool) goto oom;
  db->jit = sky_jit_create(db->opt.jit_cache_entries, err);
  if (!db->jit) goto fail;
  return db;
oom:
  sky_error_oom(err);
fail:
  sky_db_close(db);
  return NULL;
}

void sky_db_close(sky_db *db) {
  if (!db) return;
  if (db->jit) sky_jit_free(db->jit);
  if (db->pool) sky_pool_free(db->pool);
  if (db->store) sky_store_close(db->store);
  sky_free(db->load_dir);
  sky_free(db);
}

sky_conn *sky_conn_create(sky_db *db) {
  sky_conn *c = sky_calloc(1, sizeof *c);
  if (!c) return NULL;
  c->db = db;
  c->engine = SKY_ENGINE_JIT;
  atomic_init(&c->cancel, 0);
  return c;
}

void sky_conn_free(sky_conn *conn) {
  if (!conn) return;
  sky_free(conn->table);
  sky_free(conn);
}

const char *sky_conn_table(const sky_conn *conn) { return conn->table; }
void sky_conn_set_engine(sky_conn *conn, sky_engine engine) { conn->engine = engine; }
void sky_conn_set_timeout_ms(sky_conn *conn, uint64_t ms) { conn->timeout_ms = ms; }
void sky_conn_cancel(sky_conn *conn) { atomic_store(&conn->cancel, 1); }

int sky_exec_check(sky_conn *conn, sky_error *err) {
  if (atomic_load(&conn->cancel)) return sky_error_set(err, SKY_ERR_TIMEOUT, 0, 0, "query cancelled");
  if (conn->deadline_ns && sky_clock_ns() >= conn->deadline_ns)
    return sky_error_set(err, SKY_ERR_TIMEOUT, 0, 0, "query exceeded its time limit");
  return 0;
}

int sky_conn_check(sky_conn *conn, sky_error *err) { return sky_exec_check(conn, err); }

sky_table *sky_exec_table(sky_conn *conn, const sky_stmt *stmt, sky_error *err) {
  const char *name = stmt->table ? stmt->table : conn->table;
  if (!name)
    return sky_error_set(err, SKY_ERR_UNKNOWN_TABLE, 0, 0, "no table selected: name one with FROM/INTO or run USE"),
           NULL;
  sky_table *t = sky_store_table(conn->db->store, name, err);
  if (!t && stmt->table) {
    err->line = stmt->table_pos.line;
    err->column = stmt->table_pos.column;
  }
  return t;
}

sky_result *sky_exec_use(sky_conn *conn, const sky_stmt *stmt, sky_error *err) {
  sky_table *t = sky_exec_table(conn, stmt, err);
  if (!t) return NULL;
  sky_table_release(t);
  char *name = sky_strdup(stmt->table);
  if (!name) return sky_error_oom(err), NULL;
  sky_free(conn->table);
  conn->table = name;
  char msg[SKY_MAX_NAME + 32];
  snprintf(msg, sizeof msg, "using table %s", name);
  sky_result *r = sky_result_new_message(msg, -1);
  if (!r) sky_error_oom(err);
  return r;
}

typedef sky_result *(*exec_fn)(sky_conn *conn, const sky_stmt *stmt, sky_error *err);

/* The statement table's executors: each command's own, sky_exec_query for
 * every query. */
static const exec_fn g_exec[SKY_STMT_COUNT_] = {
#define SKY_X_COMMAND(NAME, name, text) [SKY_STMT_##NAME] = sky_exec_##name,
#define SKY_X_QUERY(NAME, name, text) [SKY_STMT_##NAME] = sky_exec_query,
    SKY_COMMAND_STMTS(SKY_X_COMMAND) SKY_QUERY_STMTS(SKY_X_QUERY)
#undef SKY_X_COMMAND
#undef SKY_X_QUERY
};

sky_result *sky_exec(sky_conn *conn, const char *text, size_t len, sky_error *err) {
  sky_error_clear(err);
  atomic_store(&conn->cancel, 0);
  /* The statement's deadline counts from here: parsing, binding and
   * compiling are part of its time (issue 13 item 1). */
  uint64_t timeout = conn->timeout_ms ? conn->timeout_ms : conn->db->opt.query_timeout_ms;
  conn->deadline_ns = timeout ? sky_clock_ns() + (int64_t)timeout * 1000000 : 0;
  size_t bad_at;
  if (!sky_utf8_valid(text, len, &bad_at))
    return sky_error_set(err, SKY_ERR_BAD_REQUEST, 0, 0, "statement is not valid UTF-8 (byte %zu)", bad_at + 1), NULL;
  sky_arena arena;
  sky_arena_init(&arena);
  sky_stmt *stmt = NULL;
  sky_result *r = NULL;
  if (sky_parse(text, len, &arena, &stmt, err) == 0 &&
      (g_exec[stmt->kind] != sky_exec_query || sky_exec_check(conn, err) == 0))
    r = g_exec[stmt->kind](conn, stmt, err);
  sky_arena_free(&arena);
  return r;
}
