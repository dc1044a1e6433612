/* rq_driver.h — what the random checkers' drivers (test_random_queries.c,
 * test_random_funnels.c, test_random_cohorts.c) share on Sky's side.
 *
 * A checker builds a dataset and statements with its own code (rq.h and
 * friends); this module is the only part that talks to Sky, through the
 * public API in src/sky.h alone: a fresh data directory holding a dataset
 * loaded the way the dataset says (INSERT, CSV and NDJSON batches), one
 * connection per engine, running a statement on both and comparing the
 * replies, printing a dataset as a sky-shell script, shrinking a dataset
 * while a mismatch persists, and the environment knobs every driver reads.
 * It knows nothing of any statement kind: the drivers pass callbacks.
 */
#ifndef SKY_TESTS_RQ_DRIVER_H
#define SKY_TESTS_RQ_DRIVER_H

#include <stdio.h>

#include "random/rq.h"
#include "sky.h"

/* ---- configuration (environment) ---------------------------------------------- */

/* The knobs every driver has, read from <PREFIX>_QUERIES, _PER_SEED,
 * _INTERP_EXTRA, _SEED, _ONLY ("seed:query"), _VERBOSE, _SHRINK, _REPORTS. */
typedef struct rqd_config {
  long queries, per_seed, reports;
  long interp_extra; /* per dataset: statements checked on the interpreter only */
  uint64_t seed0;
  long only_seed, only_query; /* -1: all */
  bool verbose, shrink;
  char root[512]; /* scratch: data directories and LOAD files */
  char prefix[32]; /* of the environment variables, e.g. SKY_FUNNEL */
} rqd_config;

/* Defaults are the arguments; `tag` names the scratch directory
 * ($SKY_TEST_TMP or /tmp, then <tag>-<pid>), which is created afresh
 * (false when it cannot be). */
bool rqd_config_read(rqd_config *cfg, const char *prefix, const char *tag, long queries, long per_seed,
                     long interp_extra);

/* Sanitizer builds run fewer statements by default. */
#ifdef SKY_SANITIZED
#define RQD_SANITIZED 1
#else
#define RQD_SANITIZED 0
#endif
/* $name as a number (decimal or 0x hex), or `dflt` when unset. */
long rqd_env_long(const char *name, long dflt);
void rqd_remove_tree(const char *dir);
bool rqd_write_file(const char *path, const rq_buf *b);

/* ---- a database with both engines --------------------------------------------- */

typedef struct rqd_side {
  sky_db *db;
  sky_conn *interp, *jit;
  char dir[600];   /* the data directory */
  char files[600]; /* the LOAD directory (CSV/NDJSON batches) */
} rqd_side;

typedef struct rqd_reply {
  sky_result *r; /* NULL on error */
  sky_error err;
  char *json;    /* the reply line (result or error), from sky */
} rqd_reply;

void rqd_reply_run(sky_conn *conn, const char *text, rqd_reply *out);
void rqd_reply_free(rqd_reply *r);
/* Runs a setup statement; false (with the reason in `why`) unless it
 * succeeds and, when want_rows >= 0, affects that many rows. */
bool rqd_exec_ok(sky_conn *conn, const char *text, int64_t want_rows, rq_buf *why);

/* A fresh database <root>/<name>-db holding batches 0..upto-1 of `ds`,
 * both connections on table t. Close it with rqd_side_close (also after a
 * failure). */
bool rqd_side_open(rqd_side *s, const char *root, const char *name, const rq_dataset *ds, int upto, rq_buf *why);
/* Loads batch `k` the way the dataset says (nothing when it is empty). */
bool rqd_load_batch(rqd_side *s, const rq_dataset *ds, int k, rq_buf *why);
/* Closes and opens the data directory again (recovery from disk). */
bool rqd_side_reopen(rqd_side *s, rq_buf *why);
/* Closes and removes the directories. */
void rqd_side_close(rqd_side *s);

/* ---- running and comparing ------------------------------------------------------- */

enum { RQD_DIFF_NAIVE = 1, RQD_DIFF_ENGINE = 2 };

/* What the checker expected of a statement. */
typedef enum rqd_expected { RQD_ROWS, RQD_ERROR, RQD_ENGINES_ONLY } rqd_expected;

/* One statement's run: its text, the checker's answer, the replies. */
typedef struct rqd_run {
  int diff;       /* RQD_DIFF_* bits */
  rq_buf text;    /* the statement */
  rq_buf why;     /* what differed */
  rq_buf naive;   /* the checker's answer, printed (rows as JSON, or the error) */
  rqd_expected expected;
  size_t n_rows;  /* of the checker's answer */
  rqd_reply ri, rj;
  double secs[3]; /* checker, interpreter, JIT */
} rqd_run;

/* Starts a run; the driver prints the statement into o->text. */
void rqd_run_init(rqd_run *o);
void rqd_run_free(rqd_run *o);
/* Runs the statement on the interpreter and, when `jit`, on the JIT; sets
 * RQD_DIFF_ENGINE when their JSON replies differ. */
void rqd_run_engines(rqd_side *s, rqd_run *o, bool jit);
/* Sets RQD_DIFF_NAIVE with the reason when `agrees` is false. */
void rqd_run_judge(rqd_run *o, bool agrees);

/* Is Sky's cell `v` the checker's value `e`? (INT and OBJECT cells compare
 * as the JSON integers they are; FLOATs exactly.) */
bool rqd_same_cell(const sky_value *v, const rq_val *e);
/* The result has `n_cols` columns named names[i] and `n_rows` rows;
 * otherwise says how it differs. */
bool rqd_same_shape(const sky_result *r, int n_cols, const char *const *names, size_t n_rows, rq_buf *why);
/* The result is the checker's n_rows x n_cols table (row-major `cells`,
 * columns `names`): shape, names and every cell by `same` (NULL:
 * rqd_same_cell; `col` is the 0-based column); otherwise says how not. */
typedef bool (*rqd_cell_fn)(const sky_value *got, const rq_val *want, int col, const void *ctx);
bool rqd_same_table(const sky_result *r, int n_cols, const rq_name *names, const rq_val *cells, size_t n_rows,
                    rqd_cell_fn same, const void *ctx, rq_buf *why);
/* The reply against an expected error: RQ_EXPECT_CODE (code), RQ_EXPECT_ERROR
 * (any), RQ_EXPECT_UNKNOWN (anything). For RQ_EXPECT_ROWS it checks only that
 * the reply is a result. */
bool rqd_expected_outcome(rq_expect expect, int code, const rqd_reply *ri, rq_buf *why);
/* What the checker expects when it is no rows: the error code, some error,
 * or nothing (engines only); also sets o->expected. */
void rqd_print_expected(rqd_run *o, rq_expect expect, int code);
/* {"columns":[...],"rows":[...]} of n_rows x n_cols cells, row-major. */
void rqd_print_rows(rq_buf *b, const char *const *names, int n_cols, const rq_val *cells, size_t n_rows);

/* ---- the statements of one driver ---------------------------------------------------- */

/* What a driver tells the shared run, report and shrinking code about its
 * statements (passed around as `const void *`). */
typedef struct rqd_ops {
  const char *what;  /* the statement in reports: "query", "funnel", ... */
  const char *naive; /* the checker's name in reports: "naive", "brute force" */
  const char *tag;   /* reproduction files: <tag>-repro-<seed>-<n>.sql */
  /* Answers `stmt` over `ds` (the events `s` holds), runs it on the
   * interpreter (and the JIT when `jit`) and fills `o` (rqd_run_init, the
   * checker's printed answer, rqd_run_engines, rqd_run_judge). */
  void (*check)(rqd_side *s, const rq_dataset *ds, const void *stmt, bool jit, rqd_run *o);
  /* A new statement, and the random statement number `seed` over `ds`
   * with the clause mask `clauses` (rqd_plain_run). */
  void *(*create)(void);
  void (*generate)(void *stmt, const rq_dataset *ds, uint64_t seed, unsigned clauses);
  /* Copies for shrinking: dst := src, a new copy of `stmt` (NULL: create
   * and assign), and freeing. */
  void *(*clone)(const void *stmt);
  void (*assign)(void *dst, const void *src);
  void (*release)(void *stmt);
  /* Simplification `step` (0 .. n_steps-1) of `stmt` into `out` (a clone);
   * false when that step does not apply. */
  bool (*simplify)(const void *stmt, void *out, int step);
  int n_steps;
  int stmt_budget, data_budget; /* checks spent shrinking each */
} rqd_ops;

/* ---- the run ------------------------------------------------------------------ */

typedef struct rqd_stats {
  long queries, interp_only, rows_checked, errors_checked, engine_only, nonempty;
  long naive_diff, engine_diff, load_fail;
  double secs[3]; /* checker, interpreter, JIT */
} rqd_stats;

/* Statement numbers of the interpreter-only statements of a dataset. */
#define RQD_EXTRA_FIRST 50000

/* The dataset `ds` in a fresh database "main" (reopened from disk for one
 * seed in four). On failure prints "LOAD FAILED" with the reason, counts it
 * and returns false; close `s` with rqd_side_close either way. */
bool rqd_open_dataset(rqd_side *s, const rqd_config *cfg, const rq_dataset *ds, rqd_stats *st);

/* Checks statement number `qi` of dataset `ds` (`view`: the events `s`
 * holds), counts it, prints it when verbose and reports a mismatch (the
 * first cfg->reports of them) with its minimal reproduction. `how` notes
 * the database's history ("" when it is freshly loaded). Fills `o`; the
 * caller frees it with rqd_run_free. */
void rqd_check_one(const rqd_config *cfg, const rqd_ops *ops, rqd_side *s, const rq_dataset *view, const void *stmt,
                   long qi, bool jit, const char *how, rqd_stats *st, rqd_run *o);

/* Calls fn(seed, n, ctx) for consecutive dataset seeds from cfg->seed0,
 * per_seed statements each, until cfg->queries (or once for the _ONLY seed).
 * Returns the last seed. */
typedef void (*rqd_seed_fn)(uint64_t seed, long n, void *ctx);
uint64_t rqd_each_seed(const rqd_config *cfg, rqd_seed_fn fn, void *ctx);

/* A driver whose datasets are loaded whole (FUNNEL, cohorts): for each
 * seed, dataset(seed) in a fresh database (rqd_open_dataset), then
 * statements 0..n-1 on both engines and cfg->interp_extra more on the
 * interpreter only, each generated by ops->generate from
 * ds.seed * 100000 + its number and checked by rqd_check_one; seen(stmt,
 * ctx), when set, after each. */
typedef struct rqd_plain {
  const rqd_config *cfg;
  const rqd_ops *ops;
  unsigned clauses;
  void (*dataset)(rq_dataset *ds, uint64_t seed);
  void (*seen)(const void *stmt, void *ctx);
  void *ctx;
  rqd_stats *st;
} rqd_plain;

/* Runs every seed (rqd_each_seed); returns the last. */
uint64_t rqd_plain_run(const rqd_plain *p);

/* The end of a driver's test: removes the scratch directory, then asserts
 * (CMocka) no load failure, no mismatch and at least one statement. */
void rqd_finish(const rqd_config *cfg, const rqd_stats *st);

/* ---- reports and shrinking -------------------------------------------------------- */

/* The dataset as sky-shell statements (each batch as one INSERT, noting how
 * it was really loaded). */
void rqd_print_dataset(rq_buf *b, const rq_dataset *ds);
/* "==== title ====", the dataset, the statement, what differed, the
 * checker's answer and both replies. */
void rqd_print_run(FILE *out, const rqd_ops *ops, const rq_dataset *ds, const rqd_run *o, const char *title);

#endif
