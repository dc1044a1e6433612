/* sky.h — the public C API of libsky.
 *
 * Everything a program needs to embed Sky: open a data directory, open a
 * connection (the per-client state: current table, engine, deadline), run a
 * statement, read its result, stream a LOAD ... FROM STDIN, and encode results
 * as the protocol's JSON. skyd, sky-shell (embedded mode), the tests and the
 * benchmarks use only this header plus their own code.
 *
 * Ownership: every create/open has a matching free/close; results returned
 * by sky_exec() belong to the caller. Nothing here exits or prints.
 */
#ifndef SKY_H
#define SKY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ---------------------------------------------------------- */

/* Stable error codes (PROTOCOL.md). X(enum suffix, wire name). */
#define SKY_ERROR_CODES(X)                 \
  X(OK, "ok")                              \
  X(SYNTAX, "syntax_error")                \
  X(UNKNOWN_TABLE, "unknown_table")        \
  X(UNKNOWN_PROPERTY, "unknown_property")  \
  X(UNKNOWN_FUNCTION, "unknown_function")  \
  X(TYPE, "type_error")                    \
  X(SEMANTIC, "semantic_error")            \
  X(BAD_VALUE, "bad_value")                \
  X(NUMERIC_OVERFLOW, "numeric_overflow")  \
  X(ALREADY_EXISTS, "already_exists")      \
  X(AUTH_REQUIRED, "auth_required")        \
  X(AUTH_FAILED, "auth_failed")            \
  X(BAD_REQUEST, "bad_request")            \
  X(LINE_TOO_LONG, "line_too_long")        \
  X(TOO_MANY_CLIENTS, "too_many_clients")  \
  X(RESULT_TOO_LARGE, "result_too_large")  \
  X(TIMEOUT, "timeout")                    \
  X(OUT_OF_MEMORY, "out_of_memory")        \
  X(IO_ERROR, "io_error")                  \
  X(INTERNAL, "internal")

typedef enum sky_code {
#define SKY_X_ENUM(name, wire) SKY_ERR_##name,
  SKY_ERROR_CODES(SKY_X_ENUM)
#undef SKY_X_ENUM
  SKY_ERR_COUNT_
} sky_code;

/* One error of a statement. `line`/`column` are 1-based and 0 when the error
 * has no position. For LOAD/INSERT row errors, `line` is the input line (or
 * the 1-based row of an INSERT), `column` is 0 and `field` names the column. */
typedef struct sky_error {
  sky_code code;
  int line;
  int column;
  char field[64];
  char message[512];
} sky_error;

/* The wire name of a code, e.g. "syntax_error". Never NULL. */
const char *sky_code_name(sky_code code);

/* Resets `err` to "no error". */
void sky_error_clear(sky_error *err);

/* ---- values ------------------------------------------------------------ */

typedef enum sky_type {
  SKY_TYPE_NULL = 0,
  SKY_TYPE_BOOL,
  SKY_TYPE_INT,    /* int64; timestamps are INT microseconds */
  SKY_TYPE_FLOAT,  /* double */
  SKY_TYPE_STRING, /* UTF-8, not NUL-terminated necessarily: use len */
  SKY_TYPE_OBJECT, /* uint64 object id */
} sky_type;

typedef struct sky_value {
  sky_type type;
  union {
    bool b;
    int64_t i;
    uint64_t u;
    double f;
    struct {
      const char *ptr;
      size_t len;
    } s;
  } as;
} sky_value;

/* What a result column holds, for display (PROTOCOL.md "types"). The cells
 * keep their sky_type: a TIMESTAMP column holds INT microseconds since
 * 1970-01-01 UTC (FLOAT for an average of instants), a DURATION column INT
 * (or FLOAT) microseconds; OBJECT ids are INT columns. X(enum suffix, wire
 * name). */
#define SKY_COLUMN_TYPES(X) \
  X(BOOL, "BOOL")           \
  X(INT, "INT")             \
  X(FLOAT, "FLOAT")         \
  X(STRING, "STRING")       \
  X(TIMESTAMP, "TIMESTAMP") \
  X(DURATION, "DURATION")

typedef enum sky_column_type {
#define SKY_X_COLTYPE(name, wire) SKY_COLUMN_##name,
  SKY_COLUMN_TYPES(SKY_X_COLTYPE)
#undef SKY_X_COLTYPE
  SKY_COLUMN_COUNT_
} sky_column_type;

/* The wire name of a column type, e.g. "TIMESTAMP". Never NULL. */
const char *sky_column_type_name(sky_column_type t);

/* ---- database and connections -------------------------------------------- */

typedef struct sky_db sky_db;
typedef struct sky_conn sky_conn;
typedef struct sky_result sky_result;
typedef struct sky_loader sky_loader;

typedef enum sky_engine {
  SKY_ENGINE_JIT = 0, /* default: compiled native loop */
  SKY_ENGINE_INTERP,  /* reference interpreter (the oracle) */
} sky_engine;

typedef struct sky_db_options {
  unsigned threads;          /* query worker threads; 0 = one per core */
  size_t cache_bytes;        /* decoded-column cache bound; 0 = default */
  size_t query_memory_bytes; /* per-query memory limit; 0 = default (4 GiB) */
  uint64_t query_timeout_ms; /* per-statement limit; 0 = none */
  uint64_t max_result_rows;  /* 0 = default (1,000,000) */
  const char *load_dir;      /* base of relative LOAD paths; NULL = cwd */
  bool load_dir_only;        /* refuse LOAD of files outside load_dir */
  size_t jit_cache_entries;  /* compiled-query cache bound; 0 = default */
  /* Recovery's report while sky_db_open runs (and when CREATE TABLE opens a
   * table): WAL records replayed and where and why replay stopped, tables
   * that cannot be opened. One line per call, no newline. NULL = silent. */
  void (*log)(void *ctx, const char *line);
  void *log_ctx;
} sky_db_options;

/* Fills `opt` with the defaults. */
void sky_db_options_init(sky_db_options *opt);

/* Opens (creating if missing) the data directory `dir` and takes its lock
 * (flock: one process per directory). Recovers from a crash: replays WALs,
 * removes orphan temporaries; never scans all data. `opt` may be NULL.
 * Returns NULL and fills `err` on failure. Free with sky_db_close(). */
sky_db *sky_db_open(const char *dir, const sky_db_options *opt, sky_error *err);

/* Makes everything acknowledged durable (it already is), stops background
 * work, releases the lock and frees the database. */
void sky_db_close(sky_db *db);

/* A connection: current table (USE), engine choice, cancel flag.
 * Connections are not shared between threads at the same time; many
 * connections may run statements concurrently. */
sky_conn *sky_conn_create(sky_db *db);
void sky_conn_free(sky_conn *conn);

/* The current table set by USE, or NULL. Owned by the connection. */
const char *sky_conn_table(const sky_conn *conn);
void sky_conn_set_engine(sky_conn *conn, sky_engine engine);
/* Per-statement time limit for this connection (0 = the db's default). */
void sky_conn_set_timeout_ms(sky_conn *conn, uint64_t ms);
/* Asks the statement running on `conn` to stop with `timeout`. Thread-safe. */
void sky_conn_cancel(sky_conn *conn);

/* After sky_exec() returned a result: 0 while the statement is within its
 * time limit and not cancelled, else -1 with err (timeout). skyd asks
 * before encoding a reply, so the limit covers the encoding too. */
int sky_conn_check(sky_conn *conn, sky_error *err);

/* Runs one statement (a trailing ';' is allowed). Returns the result, or NULL
 * with `err` filled. For `LOAD ... FROM STDIN` the result's kind is
 * SKY_RESULT_LOAD_STREAM: take its loader with sky_result_take_loader(). */
sky_result *sky_exec(sky_conn *conn, const char *text, size_t len, sky_error *err);

/* ---- results ------------------------------------------------------------- */

typedef enum sky_result_kind {
  SKY_RESULT_ROWS,        /* columns + rows (SELECT, SHOW, DESCRIBE, GET, EXPLAIN) */
  SKY_RESULT_MESSAGE,     /* message [+ rows_affected] (DDL, INSERT, LOAD, DELETE) */
  SKY_RESULT_LOAD_STREAM, /* LOAD ... FROM STDIN: data must follow */
} sky_result_kind;

sky_result_kind sky_result_kind_of(const sky_result *r);
size_t sky_result_columns(const sky_result *r);
const char *sky_result_column_name(const sky_result *r, size_t col);
/* The column's display type (its "types" entry in the reply). */
sky_column_type sky_result_column_type(const sky_result *r, size_t col);
size_t sky_result_rows(const sky_result *r);
/* The cell; valid until sky_result_free(). */
const sky_value *sky_result_cell(const sky_result *r, size_t row, size_t col);
/* Message of a MESSAGE result ("" otherwise). */
const char *sky_result_message(const sky_result *r);
/* rows_affected of INSERT/LOAD, or -1 when the statement has none. */
int64_t sky_result_rows_affected(const sky_result *r);
/* Rows skipped under MAX ERRORS, in input order. */
size_t sky_result_load_errors(const sky_result *r);
const sky_error *sky_result_load_error(const sky_result *r, size_t i);
void sky_result_free(sky_result *r);

/* The words of the query language, for completion and highlighting: the
 * i-th keyword (lower case) and the i-th function name, or NULL past the
 * last. Static strings. */
const char *sky_keyword_at(size_t i);
const char *sky_function_at(size_t i);

/* Encodes the reply line for a result or an error, as PROTOCOL.md says
 * (compact JSON, no trailing newline). The caller frees the string with
 * free(). `elapsed_ms` < 0 omits "elapsed_ms". Returns NULL when out of
 * memory. */
char *sky_result_to_json(const sky_result *r, double elapsed_ms, size_t *len_out);
char *sky_error_to_json(const sky_error *err, size_t *len_out);

/* ---- streamed LOAD ------------------------------------------------------- */

/* Takes the loader out of a SKY_RESULT_LOAD_STREAM result (once; the result
 * may then be freed). The loader must end with finish or abort. */
sky_loader *sky_result_take_loader(sky_result *r);

/* Feeds raw input bytes (any split, lines may span calls; the "\." end line
 * is not part of the data). After an error that ends the load, further data
 * is discarded and this keeps returning 0: the error is reported by finish. */
int sky_loader_write(sky_loader *ld, const char *data, size_t len);

/* Ends the input, and makes the load durable and visible atomically.
 * Returns the result (rows_affected, skipped rows) or NULL with `err`.
 * Frees the loader either way. */
sky_result *sky_loader_finish(sky_loader *ld, sky_error *err);

/* Discards everything fed so far (client went away). Frees the loader. */
void sky_loader_abort(sky_loader *ld);

#ifdef __cplusplus
}
#endif
#endif
