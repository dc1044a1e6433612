/* test_random_queries.c — the independent random-query checker, in CI.
 *
 * For a series of seeds: build a random dataset (rq_data.c), load it into a
 * fresh data directory through the public API (INSERT statements, CSV and
 * NDJSON LOADs, several batches so arrival order spans loads), then run
 * random queries (rq_gen.c). Each query is checked twice:
 *   - the interpreter's reply against the naive evaluator (rq_eval.c):
 *     column names, row count and order, every value (doubles compared
 *     exactly; INT and OBJECT cells compare as the JSON integers they are);
 *     expected errors by code;
 *   - the JIT's reply against the interpreter's: identical JSON, errors
 *     included.
 * Half the datasets load all but their last batch first; after the first
 * half of the queries an object may be deleted, the last batch is loaded and
 * the database may be reopened, then the rest run and every third earlier
 * query runs again (the JIT answers from its cache, on a snapshot with new
 * dictionary strings). Other datasets may be reopened before querying. One
 * query in five runs again with its keywords in the other case: the same
 * normalized text, so a cached compiled query, but new column names. Each
 * dataset then gets SKY_RANDOM_INTERP_EXTRA more queries checked on the
 * interpreter alone, which costs little next to JIT compilation.
 *
 * A mismatch prints the seed, the history, the dataset as INSERT statements
 * (one per batch, noting how it was really loaded), the query and every
 * answer; then it shrinks the query and the dataset while the mismatch
 * persists on a fresh database and prints (and saves next to the scratch
 * directory, as a .sql script for sky-shell) the minimal reproduction.
 *
 * Environment:
 *   SKY_RANDOM_QUERIES   queries on both engines (default 3000, 1000 in
 *                        sanitizer builds; plus replays and case twins)
 *   SKY_RANDOM_PER_SEED  of those, per dataset (default 100)
 *   SKY_RANDOM_INTERP_EXTRA  more queries per dataset checked on the
 *                        interpreter only (default 150)
 *   SKY_RANDOM_SEED      first dataset seed (default 1); seeds are consecutive
 *   SKY_RANDOM_ONLY      "seed:query" runs just that query, verbosely
 *   SKY_RANDOM_VERBOSE   1 prints every query and answer
 *   SKY_RANDOM_SHRINK    0 turns shrinking off
 *   SKY_RANDOM_REPORTS   mismatches reported in full (default 5)
 * A long manual run, e.g. 100,000 queries from seed 1000 (about 40 minutes
 * in a Debug build, dominated by JIT compilation):
 *   SKY_RANDOM_QUERIES=100000 SKY_RANDOM_SEED=1000 SKY_TEST_TMP=/tmp \
 *     build/random/tests/random/test_random_queries
 * and a naive-vs-interpreter-only soak (much faster):
 *   SKY_RANDOM_QUERIES=100 SKY_RANDOM_PER_SEED=1 SKY_RANDOM_INTERP_EXTRA=1000 ...
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "random/rq.h"
#include "sky.h"

typedef struct config {
  long queries, per_seed, reports;
  long interp_extra; /* per dataset: queries checked on the interpreter only */
  uint64_t seed0;
  long only_seed, only_query; /* -1: all */
  bool verbose, shrink;
  char root[512]; /* scratch: data directory and LOAD files */
} config;

typedef struct stats {
  long queries, interp_only, rows_checked, errors_checked, engine_only, nonempty;
  long naive_diff, engine_diff, load_fail;
  long over, over_rows, over_errors; /* statements with OVER OBJECT: all, answers compared, errors expected */
  double secs[3]; /* naive, interpreter, JIT */
} stats;

enum { DIFF_NAIVE = 1, DIFF_ENGINE = 2 };

/* Query numbers of the interpreter-only queries of a dataset. */
#define EXTRA_FIRST 50000

/* ---- Sky side --------------------------------------------------------------- */

typedef struct sky_side {
  sky_db *db;
  sky_conn *interp, *jit;
  char dir[600];   /* the data directory */
  char files[600]; /* the LOAD directory (CSV/NDJSON batches) */
} sky_side;

typedef struct reply {
  sky_result *r; /* NULL on error */
  sky_error err;
  char *json;    /* the reply line (result or error), from sky */
} reply;

static void reply_run(sky_conn *conn, const char *text, reply *out) {
  size_t len;
  sky_error_clear(&out->err);
  out->r = sky_exec(conn, text, strlen(text), &out->err);
  out->json = out->r ? sky_result_to_json(out->r, -1, &len) : sky_error_to_json(&out->err, &len);
}

static void reply_free(reply *r) {
  sky_result_free(r->r);
  free(r->json);
  memset(r, 0, sizeof *r);
}

static bool exec_ok(sky_conn *conn, const char *text, int64_t want_rows, rq_buf *why) {
  reply r;
  reply_run(conn, text, &r);
  bool ok = r.r && (want_rows < 0 || sky_result_rows_affected(r.r) == want_rows);
  if (!ok) rq_buf_printf(why, "setup statement failed: %s\n  reply: %s\n", text, r.json ? r.json : "(none)");
  reply_free(&r);
  return ok;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

static void remove_tree(const char *dir) { nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

static bool write_file(const char *path, const rq_buf *b) {
  FILE *f = fopen(path, "wb");
  if (!f) return false;
  bool ok = fwrite(b->data, 1, b->len, f) == b->len;
  return fclose(f) == 0 && ok;
}

static const char *const method_names[] = {"INSERT", "CSV", "NDJSON"};

static int64_t batch_size(const rq_dataset *ds, int k) {
  int64_t n = 0;
  for (size_t i = 0; i < ds->n_ev; i++) n += ds->ev[i].batch == k;
  return n;
}

/* Loads batch `k` the way the dataset says (nothing when it is empty). */
static bool load_batch(sky_side *s, const rq_dataset *ds, int k, rq_buf *why) {
  int64_t n = batch_size(ds, k);
  if (n == 0) return true;
  rq_buf b;
  rq_buf_init(&b);
  bool ok;
  if (ds->method[k] == RQ_LOAD_INSERT) {
    rq_render_insert(&b, ds, k);
    ok = exec_ok(s->interp, b.data, n, why);
  } else {
    bool csv = ds->method[k] == RQ_LOAD_CSV;
    char path[700], stmt[256];
    if (csv)
      rq_render_csv(&b, ds, k);
    else
      rq_render_ndjson(&b, ds, k);
    snprintf(path, sizeof path, "%s/batch%d.%s", s->files, k, csv ? "csv" : "ndjson");
    ok = write_file(path, &b);
    if (!ok) rq_buf_printf(why, "cannot write %s\n", path);
    unsigned v = (unsigned)(ds->seed + (uint64_t)k) % 3;
    snprintf(stmt, sizeof stmt, "LOAD 'batch%d.%s'%s%s", k, csv ? "csv" : "ndjson", v == 1 ? "" : " INTO t",
             csv && v == 2 ? "" : csv ? " FORMAT CSV" : " FORMAT NDJSON");
    ok = ok && exec_ok(s->interp, stmt, n, why);
  }
  rq_buf_free(&b);
  return ok;
}

static void side_disconnect(sky_side *s) {
  if (s->interp) sky_conn_free(s->interp);
  if (s->jit) sky_conn_free(s->jit);
  if (s->db) sky_db_close(s->db);
  s->interp = s->jit = NULL;
  s->db = NULL;
}

static void side_close(sky_side *s) {
  side_disconnect(s);
  remove_tree(s->dir);
  remove_tree(s->files);
}

/* Opens (or reopens) the data directory with one connection per engine,
 * both on table t once it exists. */
static bool side_connect(sky_side *s, rq_buf *why) {
  sky_db_options opt;
  sky_db_options_init(&opt);
  opt.load_dir = s->files;
  sky_error err;
  s->db = sky_db_open(s->dir, &opt, &err);
  if (!s->db) {
    rq_buf_printf(why, "sky_db_open(%s): %s\n", s->dir, err.message);
    return false;
  }
  s->interp = sky_conn_create(s->db);
  s->jit = sky_conn_create(s->db);
  if (!s->interp || !s->jit) return false;
  sky_conn_set_engine(s->interp, SKY_ENGINE_INTERP);
  sky_conn_set_engine(s->jit, SKY_ENGINE_JIT);
  return true;
}

static bool side_reopen(sky_side *s, rq_buf *why) {
  side_disconnect(s);
  return side_connect(s, why) && exec_ok(s->interp, "USE t", -1, why) && exec_ok(s->jit, "USE t", -1, why);
}

/* A fresh database under `name` holding batches 0..upto-1 of `ds`. */
static bool side_open(const config *cfg, sky_side *s, const char *name, const rq_dataset *ds, int upto,
                      rq_buf *why) {
  memset(s, 0, sizeof *s);
  snprintf(s->dir, sizeof s->dir, "%s/%s-db", cfg->root, name);
  snprintf(s->files, sizeof s->files, "%s/%s-files", cfg->root, name);
  remove_tree(s->dir);
  remove_tree(s->files);
  if (mkdir(s->files, 0755) != 0) {
    rq_buf_printf(why, "mkdir %s: %s\n", s->files, strerror(errno));
    return false;
  }
  if (!side_connect(s, why)) return false;
  rq_buf b;
  rq_buf_init(&b);
  rq_render_create(&b);
  bool ok = exec_ok(s->interp, b.data, -1, why) && exec_ok(s->interp, "USE t", -1, why) &&
            exec_ok(s->jit, "USE t", -1, why);
  rq_buf_free(&b);
  for (int k = 0; ok && k < upto; k++) ok = load_batch(s, ds, k, why);
  return ok;
}

/* ---- comparing answers --------------------------------------------------------- */

/* stddev: the engines update in path order and merge partitions
 * pairwise, the checker sums twice; they agree to rounding. */
static bool near_cell(const sky_value *v, const rq_val *e) {
  if (e->t != RQ_FLOAT || v->type != SKY_TYPE_FLOAT) return e->t == RQ_NULL && v->type == SKY_TYPE_NULL;
  double d = v->as.f - e->f, scale = fabs(e->f) > 1 ? fabs(e->f) : 1;
  return fabs(d) <= 1e-9 * scale;
}

static bool same_cell(const sky_value *v, const rq_val *e) {
  switch (e->t) {
  case RQ_NULL: return v->type == SKY_TYPE_NULL;
  case RQ_BOOL: return v->type == SKY_TYPE_BOOL && v->as.b == e->b;
  case RQ_INT:
    return (v->type == SKY_TYPE_INT && v->as.i == e->i) ||
           (v->type == SKY_TYPE_OBJECT && e->i >= 0 && v->as.u == (uint64_t)e->i);
  case RQ_OBJ:
    return (v->type == SKY_TYPE_OBJECT && v->as.u == e->u) ||
           (v->type == SKY_TYPE_INT && v->as.i >= 0 && (uint64_t)v->as.i == e->u);
  case RQ_FLOAT: return v->type == SKY_TYPE_FLOAT && v->as.f == e->f;
  case RQ_STR: return v->type == SKY_TYPE_STRING && v->as.s.len == e->len && memcmp(v->as.s.ptr, e->s, e->len) == 0;
  }
  return false;
}

static bool same_rows(const rq_query *q, const rq_answer *a, const sky_result *r, rq_buf *why) {
  if (sky_result_kind_of(r) != SKY_RESULT_ROWS || sky_result_columns(r) != (size_t)q->n_items) {
    rq_buf_puts(why, "different result shape");
    return false;
  }
  rq_buf name;
  rq_buf_init(&name);
  bool ok = true;
  for (int i = 0; i < q->n_items && ok; i++) {
    rq_buf_reset(&name);
    rq_item_name(&name, q, i);
    ok = strcmp(name.data, sky_result_column_name(r, (size_t)i)) == 0;
    if (!ok) rq_buf_printf(why, "column %d is named '%s', expected '%s'", i + 1, sky_result_column_name(r, (size_t)i), name.data);
  }
  rq_buf_free(&name);
  if (ok && sky_result_rows(r) != a->n_rows) {
    rq_buf_printf(why, "%zu rows, expected %zu", sky_result_rows(r), a->n_rows);
    return false;
  }
  for (size_t row = 0; ok && row < a->n_rows; row++)
    for (int i = 0; i < q->n_items && ok; i++) {
      const rq_node *item = q->items[i];
      bool approx = item->kind == RQ_E_AGG && item->op == RQ_STDDEV;
      const sky_value *got = sky_result_cell(r, row, (size_t)i);
      const rq_val *want = &a->cells[row * (size_t)q->n_items + (size_t)i];
      ok = approx ? near_cell(got, want) : same_cell(got, want);
      if (!ok) rq_buf_printf(why, "row %zu column %d differs", row + 1, i + 1);
    }
  return ok;
}

/* The interpreter's reply against what the checker expects. */
static bool naive_agrees(const rq_query *q, const rq_answer *a, const reply *ri, rq_buf *why) {
  switch (q->expect) {
  case RQ_EXPECT_ROWS:
    if (a->overflow) {
      if (!ri->r && ri->err.code == SKY_ERR_NUMERIC_OVERFLOW) return true;
      rq_buf_puts(why, "expected numeric_overflow");
      return false;
    }
    if (!ri->r) {
      rq_buf_puts(why, "unexpected error");
      return false;
    }
    return same_rows(q, a, ri->r, why);
  case RQ_EXPECT_CODE:
    if (!ri->r && (int)ri->err.code == q->expect_code) return true;
    rq_buf_printf(why, "expected error %s", sky_code_name((sky_code)q->expect_code));
    return false;
  case RQ_EXPECT_ERROR:
    if (!ri->r) return true;
    rq_buf_puts(why, "expected an error");
    return false;
  case RQ_EXPECT_UNKNOWN: return true;
  }
  return false;
}

static void naive_print(rq_buf *b, const rq_query *q, const rq_answer *a) {
  if (q->expect == RQ_EXPECT_CODE) {
    rq_buf_printf(b, "error %s", sky_code_name((sky_code)q->expect_code));
    return;
  }
  if (q->expect != RQ_EXPECT_ROWS) {
    rq_buf_puts(b, q->expect == RQ_EXPECT_ERROR ? "some error" : "(not evaluated)");
    return;
  }
  if (a->overflow) {
    rq_buf_puts(b, "error numeric_overflow");
    return;
  }
  rq_buf_puts(b, "{\"columns\":[");
  for (int i = 0; i < q->n_items; i++) {
    rq_buf_puts(b, i ? ",\"" : "\"");
    rq_item_name(b, q, i);
    rq_buf_puts(b, "\"");
  }
  rq_buf_puts(b, "],\"rows\":[");
  for (size_t r = 0; r < a->n_rows; r++) {
    rq_buf_puts(b, r ? ",[" : "[");
    for (int i = 0; i < q->n_items; i++) {
      if (i) rq_buf_puts(b, ",");
      rq_val_print(b, &a->cells[r * (size_t)q->n_items + (size_t)i]);
    }
    rq_buf_puts(b, "]");
  }
  rq_buf_puts(b, "]}");
}

/* ---- one query ------------------------------------------------------------------- */

typedef struct outcome {
  int diff;       /* DIFF_* bits */
  rq_buf text;    /* the statement */
  rq_buf why;     /* what differed */
  rq_answer ans;
  reply ri, rj;
  double secs[3];
} outcome;

static void outcome_free(outcome *o) {
  rq_buf_free(&o->text);
  rq_buf_free(&o->why);
  rq_answer_free(&o->ans);
  reply_free(&o->ri);
  reply_free(&o->rj);
}

/* Runs `q` on the interpreter (and on the JIT when `jit`) and compares. */
static void check_query(sky_side *s, const rq_dataset *ds, const rq_query *q, bool jit, outcome *o) {
  memset(o, 0, sizeof *o);
  rq_buf_init(&o->text);
  rq_buf_init(&o->why);
  rq_query_render(&o->text, q);
  double t0 = sky_clock_s();
  if (q->expect == RQ_EXPECT_ROWS) rq_evaluate(ds, q, &o->ans);
  double t1 = sky_clock_s();
  reply_run(s->interp, o->text.data, &o->ri);
  double t2 = sky_clock_s();
  if (jit) reply_run(s->jit, o->text.data, &o->rj);
  o->secs[0] = t1 - t0;
  o->secs[1] = t2 - t1;
  o->secs[2] = sky_clock_s() - t2;
  if (!naive_agrees(q, &o->ans, &o->ri, &o->why)) o->diff |= DIFF_NAIVE;
  if (jit && (!o->ri.json || !o->rj.json || strcmp(o->ri.json, o->rj.json) != 0)) {
    o->diff |= DIFF_ENGINE;
    rq_buf_puts(&o->why, o->why.len ? "; engines differ" : "engines differ");
  }
}

/* ---- reports and shrinking ------------------------------------------------------------ */

static void print_dataset(rq_buf *b, const rq_dataset *ds) {
  rq_render_create(b);
  rq_buf_puts(b, "\nUSE t\n");
  for (int k = 0; k < ds->n_batches; k++) {
    size_t mark = b->len;
    rq_buf_printf(b, "-- batch %d (loaded as %s)\n", k, method_names[ds->method[k]]);
    if (rq_render_insert(b, ds, k))
      rq_buf_puts(b, "\n");
    else
      b->len = mark, b->data[mark] = '\0';
  }
}

static void print_outcome(FILE *f, const rq_dataset *ds, const rq_query *q, const outcome *o, const char *title) {
  rq_buf b;
  rq_buf_init(&b);
  print_dataset(&b, ds);
  rq_buf_printf(&b, "-- query\n%s\n-- differs: %s\n-- naive:       ", o->text.data, o->why.data);
  naive_print(&b, q, &o->ans);
  rq_buf_printf(&b, "\n-- interpreter: %s\n-- jit:         %s\n", o->ri.json ? o->ri.json : "(none)",
                o->rj.json ? o->rj.json : "(none)");
  fprintf(f, "==== %s ====\n%s", title, b.data);
  rq_buf_free(&b);
}

/* Does the mismatch of kind `diff` persist on (ds, q)? */
static bool still_differs(const config *cfg, const rq_dataset *ds, const rq_query *q, int diff) {
  sky_side s;
  rq_buf why;
  rq_buf_init(&why);
  bool differs = false;
  if (side_open(cfg, &s, "shrink", ds, ds->n_batches, &why)) {
    outcome o;
    check_query(&s, ds, q, (diff & DIFF_ENGINE) != 0, &o);
    differs = (o.diff & diff) != 0;
    outcome_free(&o);
  }
  side_close(&s);
  rq_buf_free(&why);
  return differs;
}

/* Drops chunks of events (whole objects first, then halving chunks) while
 * the mismatch persists. Returns a dataset the caller frees. */
static void shrink_dataset(const config *cfg, const rq_dataset *ds, const rq_query *q, int diff, rq_dataset *out) {
  bool *keep = calloc(ds->n_ev ? ds->n_ev : 1, sizeof *keep);
  bool *trial = calloc(ds->n_ev ? ds->n_ev : 1, sizeof *trial);
  for (size_t i = 0; i < ds->n_ev; i++) keep[i] = true;
  int budget = 400;
  for (size_t i = 0; i < ds->n_ev && budget > 0; i++) { /* whole objects */
    if (!keep[i]) continue;
    memcpy(trial, keep, ds->n_ev * sizeof *keep);
    for (size_t j = 0; j < ds->n_ev; j++)
      if (ds->ev[j].obj == ds->ev[i].obj) trial[j] = false;
    rq_dataset sub;
    rq_dataset_subset(&sub, ds, trial);
    if (budget-- > 0 && still_differs(cfg, &sub, q, diff)) memcpy(keep, trial, ds->n_ev * sizeof *keep);
    rq_dataset_free(&sub);
  }
  for (size_t chunk = ds->n_ev / 2 ? ds->n_ev / 2 : 1; chunk >= 1 && budget > 0; chunk /= 2) {
    for (size_t start = 0; start < ds->n_ev && budget > 0; start += chunk) {
      memcpy(trial, keep, ds->n_ev * sizeof *keep);
      bool any = false;
      for (size_t j = start; j < start + chunk && j < ds->n_ev; j++) any = any || trial[j], trial[j] = false;
      if (!any) continue;
      rq_dataset sub;
      rq_dataset_subset(&sub, ds, trial);
      if (budget-- > 0 && still_differs(cfg, &sub, q, diff)) memcpy(keep, trial, ds->n_ev * sizeof *keep);
      rq_dataset_free(&sub);
    }
    if (chunk == 1) break;
  }
  rq_dataset_subset(out, ds, keep);
  free(keep);
  free(trial);
}

/* BOOL subtrees of `n` that could replace it (AND/OR operands, NOT's). */
static int bool_children(const rq_node *n, const rq_node **out) {
  if (!n) return 0;
  if ((n->kind == RQ_E_BIN && (n->op == RQ_AND || n->op == RQ_OR))) {
    out[0] = n->args[0];
    out[1] = n->args[1];
    return 2;
  }
  if (n->kind == RQ_E_NOT) {
    out[0] = n->args[0];
    return 1;
  }
  return 0;
}

static void drop_item(rq_query *q, int i) {
  for (int j = i; j + 1 < q->n_items; j++) {
    q->items[j] = q->items[j + 1];
    q->pad[j] = q->pad[j + 1];
    memcpy(q->alias[j], q->alias[j + 1], sizeof q->alias[j]);
  }
  q->n_items--;
  for (int k = 0; k < q->n_keys; k++) {
    if (q->key_alias_item[k] == i + 1) q->key_alias_item[k] = 0;
    if (q->key_alias_item[k] > i + 1) q->key_alias_item[k]--;
  }
}

/* One simplification step `step` of `q` into `t`; false when not applicable. */
static bool simplify(const rq_query *q, rq_query *t, int step) {
  memcpy(t, q, sizeof *t);
  /* Pointers still point into `q`'s nodes: fine, `q` outlives `t`. */
  const rq_node *kids[2];
  switch (step) {
  case 0: t->n_order = 0; return q->n_order > 0;
  case 1: t->limit = -1; return q->limit >= 0;
  case 2: t->having = NULL; return q->having != NULL;
  case 3: t->where = NULL; return q->where != NULL && q->expect == RQ_EXPECT_ROWS;
  case 4: case 5: {
    int n = bool_children(q->where, kids);
    if (step - 4 >= n || q->expect != RQ_EXPECT_ROWS) return false;
    t->where = (rq_node *)kids[step - 4];
    return true;
  }
  case 6: case 7: {
    int n = bool_children(q->having, kids);
    if (step - 6 >= n) return false;
    t->having = (rq_node *)kids[step - 6];
    return true;
  }
  default: {
    int i = step - 8;
    /* Item numbers and aliases in ORDER BY and HAVING would shift. */
    if (i >= q->n_items || q->n_items < 2 || q->n_order > 0 || q->having) return false;
    drop_item(t, i);
    return true;
  }
  }
}

static void shrink_query(const config *cfg, const rq_dataset *ds, rq_query *q, int diff) {
  rq_query *t = malloc(sizeof *t);
  if (!t) return;
  int budget = 60;
  for (bool changed = true; changed && budget > 0;) {
    changed = false;
    for (int step = 0; step < 8 + RQ_MAX_ITEMS && budget > 0; step++) {
      if (!simplify(q, t, step)) continue;
      budget--;
      if (still_differs(cfg, ds, t, diff)) {
        /* Keep `q`'s nodes: copy only the clause fields back. */
        memcpy(q->items, t->items, sizeof q->items);
        memcpy(q->alias, t->alias, sizeof q->alias);
        memcpy(q->pad, t->pad, sizeof q->pad);
        memcpy(q->key_alias_item, t->key_alias_item, sizeof q->key_alias_item);
        q->n_items = t->n_items;
        q->n_order = t->n_order;
        q->limit = t->limit;
        q->having = t->having;
        q->where = t->where;
        changed = true;
      }
    }
  }
  free(t);
}

static void save_repro(const config *cfg, const rq_dataset *ds, const outcome *o, uint64_t seed, long qi) {
  rq_buf b;
  rq_buf_init(&b);
  print_dataset(&b, ds);
  rq_buf_printf(&b, "%s\n", o->text.data);
  char path[700];
  snprintf(path, sizeof path, "%s/../random-repro-%llu-%ld.sql", cfg->root, (unsigned long long)seed, qi);
  if (write_file(path, &b)) fprintf(stderr, "reproduction saved to %s\n", path);
  rq_buf_free(&b);
}

/* Where a query ran: the dataset as loaded so far, and how it got there. */
typedef struct context {
  const rq_dataset *view; /* the events the database holds (after deletes) */
  long qi;                /* query number within the seed */
  const char *how;        /* "", or the history that preceded the run */
  bool interp_only;       /* skip the JIT (the cheap naive-vs-interpreter checks) */
} context;

static void report(const config *cfg, const context *cx, const rq_query *q, const outcome *o) {
  char title[300];
  const rq_dataset *ds = cx->view;
  snprintf(title, sizeof title, "MISMATCH (%s) dataset seed %llu, query %ld%s [SKY_RANDOM_ONLY=%llu:%ld]",
           o->diff & DIFF_NAIVE ? "naive vs interpreter" : "jit vs interpreter", (unsigned long long)ds->seed, cx->qi,
           cx->how, (unsigned long long)ds->seed, cx->qi);
  print_outcome(stderr, ds, q, o, title);
  if (!cfg->shrink) return;
  int diff = o->diff & DIFF_NAIVE ? DIFF_NAIVE : DIFF_ENGINE;
  if (!still_differs(cfg, ds, q, diff)) {
    fprintf(stderr, "==== not reproduced on a freshly loaded database: it depends on the history above ====\n");
    return;
  }
  rq_query *mq = malloc(sizeof *mq);
  if (!mq) return;
  memcpy(mq, q, sizeof *mq);
  /* Node pointers in the copy point into `q`: shrinking only re-links clauses. */
  shrink_query(cfg, ds, mq, diff);
  rq_dataset small;
  shrink_dataset(cfg, ds, mq, diff, &small);
  shrink_query(cfg, &small, mq, diff);
  sky_side s;
  rq_buf why;
  rq_buf_init(&why);
  if (side_open(cfg, &s, "shrink", &small, small.n_batches, &why)) {
    outcome mo;
    check_query(&s, &small, mq, true, &mo);
    print_outcome(stderr, &small, mq, &mo, "minimal reproduction");
    save_repro(cfg, &small, &mo, ds->seed, cx->qi);
    outcome_free(&mo);
  }
  side_close(&s);
  rq_buf_free(&why);
  rq_dataset_free(&small);
  free(mq);
}

/* ---- the run ---------------------------------------------------------------------- */

static void count_outcome(stats *st, const rq_query *q, const outcome *o) {
  st->queries++;
  if (q->expect == RQ_EXPECT_UNKNOWN)
    st->engine_only++;
  else if (q->expect != RQ_EXPECT_ROWS || o->ans.overflow)
    st->errors_checked++;
  else
    st->rows_checked++;
  if (q->expect == RQ_EXPECT_ROWS && o->ans.n_rows > 0) st->nonempty++;
  if (rq_query_uses_over(q)) {
    st->over++;
    st->over_rows += q->expect == RQ_EXPECT_ROWS && !o->ans.overflow;
    st->over_errors += q->expect == RQ_EXPECT_CODE || (q->expect == RQ_EXPECT_ROWS && o->ans.overflow);
  }
  if (o->diff & DIFF_NAIVE) st->naive_diff++;
  if (o->diff & DIFF_ENGINE) st->engine_diff++;
  for (int i = 0; i < 3; i++) st->secs[i] += o->secs[i];
}

static void run_one(const config *cfg, sky_side *s, const context *cx, const rq_query *q, stats *st) {
  outcome o;
  check_query(s, cx->view, q, !cx->interp_only, &o);
  count_outcome(st, q, &o);
  st->interp_only += cx->interp_only;
  if (cfg->verbose) print_outcome(stdout, cx->view, q, &o, o.diff ? "query (MISMATCH)" : "query");
  if (o.diff && st->naive_diff + st->engine_diff <= cfg->reports) report(cfg, cx, q, &o);
  outcome_free(&o);
}

/* Queries first..end-1 (every `step`-th) of seed `ds->seed` against the
 * database holding `view`. A fifth of them run again with keywords in the
 * other case: the same normalized text, so the JIT answers from its cache,
 * yet the column names must follow the new text. */
static void run_queries(const config *cfg, sky_side *s, const rq_dataset *ds, context cx, long first, long end,
                        long step, stats *st) {
  rq_query *q = malloc(sizeof *q);
  if (!q) return;
  for (long i = first; i < end; i += step) {
    if (cfg->only_query >= 0 && i != cfg->only_query) continue;
    uint64_t qseed = ds->seed * 100000 + (uint64_t)i;
    rq_query_generate(q, ds, qseed);
    cx.qi = i;
    run_one(cfg, s, &cx, q, st);
    if (qseed % 5 == 0) {
      q->lower_keywords = !q->lower_keywords;
      context twin = cx;
      twin.how = step > 1 ? " (replayed after more data, keywords in the other case)" : " (keywords in the other case)";
      run_one(cfg, s, &twin, q, st);
    }
  }
  free(q);
}

/* `ds` without the batches from `upto` on, and without the events of
 * `deleted` (when non-zero) from batches before `del_before`. */
static void dataset_view(rq_dataset *out, const rq_dataset *ds, int upto, uint64_t deleted, int del_before) {
  bool *keep = calloc(ds->n_ev ? ds->n_ev : 1, sizeof *keep);
  if (!keep) abort();
  for (size_t i = 0; i < ds->n_ev; i++)
    keep[i] = ds->ev[i].batch < upto && !(deleted && ds->ev[i].obj == deleted && ds->ev[i].batch < del_before);
  rq_dataset_subset(out, ds, keep);
  free(keep);
}

static void load_failed(const rq_dataset *ds, const rq_buf *why, stats *st) {
  st->load_fail++;
  fprintf(stderr, "==== LOAD FAILED, dataset seed %llu ====\n%s", (unsigned long long)ds->seed, why->data);
  rq_buf b;
  rq_buf_init(&b);
  print_dataset(&b, ds);
  fprintf(stderr, "%s", b.data);
  rq_buf_free(&b);
}

/* The second phase of a two-phase seed: maybe delete an object, load the
 * last batch, maybe reopen, then run the second half of the queries and
 * replay every third query of the first half on the new snapshot. */
static void second_phase(const config *cfg, sky_side *s, const rq_dataset *ds, const rq_dataset *before, rq_rng *r,
                         long split, long n_queries, stats *st) {
  int last = ds->n_batches - 1;
  uint64_t deleted = 0;
  rq_buf why, how;
  rq_buf_init(&why);
  rq_buf_init(&how);
  bool ok = true;
  if (before->n_ev && rq_chance(r, 50)) {
    deleted = before->ev[rq_below(r, before->n_ev)].obj;
    char stmt[96];
    snprintf(stmt, sizeof stmt, "DELETE OBJECT %llu FROM t", (unsigned long long)deleted);
    ok = exec_ok(s->interp, stmt, -1, &why);
    rq_buf_printf(&how, " (after DELETE OBJECT %llu", (unsigned long long)deleted);
  }
  ok = ok && load_batch(s, ds, last, &why);
  rq_buf_printf(&how, "%s then loading batch %d", how.len ? "," : " (after", last);
  if (ok && rq_chance(r, 30)) {
    ok = side_reopen(s, &why);
    rq_buf_puts(&how, ", then reopening");
  }
  rq_buf_puts(&how, ")");
  rq_dataset after;
  dataset_view(&after, ds, last + 1, deleted, last);
  if (!ok) {
    load_failed(&after, &why, st);
  } else {
    context cx = {.view = &after, .how = how.data};
    run_queries(cfg, s, ds, cx, split, n_queries, 1, st);
    run_queries(cfg, s, ds, cx, 0, split, 3, st);
    cx.interp_only = true;
    run_queries(cfg, s, ds, cx, EXTRA_FIRST, EXTRA_FIRST + cfg->interp_extra, 1, st);
  }
  rq_dataset_free(&after);
  rq_buf_free(&why);
  rq_buf_free(&how);
}

/* One dataset: loaded whole, or (half the time) all but its last batch
 * first, so later queries meet a changed snapshot, dictionaries and maybe
 * a deleted object and a reopened database. */
static void run_seed(const config *cfg, uint64_t seed, long n_queries, stats *st) {
  rq_dataset ds;
  rq_dataset_generate(&ds, seed);
  rq_rng r;
  rq_rng_seed(&r, seed ^ 0x5EEDull);
  bool two_phase = ds.n_batches >= 2 && rq_chance(&r, 50);
  int first = two_phase ? ds.n_batches - 1 : ds.n_batches;
  rq_dataset before;
  dataset_view(&before, &ds, first, 0, 0);
  sky_side s;
  rq_buf why;
  rq_buf_init(&why);
  bool ok = side_open(cfg, &s, "main", &ds, first, &why);
  bool reopened = ok && !two_phase && rq_chance(&r, 25);
  if (reopened) ok = side_reopen(&s, &why);
  if (!ok) {
    load_failed(&before, &why, st);
  } else {
    long split = two_phase ? n_queries / 2 : n_queries;
    context cx = {.view = &before, .how = reopened ? " (after reopening)" : ""};
    run_queries(cfg, &s, &ds, cx, 0, split, 1, st);
    if (two_phase) {
      second_phase(cfg, &s, &ds, &before, &r, split, n_queries, st);
    } else {
      cx.interp_only = true;
      run_queries(cfg, &s, &ds, cx, EXTRA_FIRST, EXTRA_FIRST + cfg->interp_extra, 1, st);
    }
  }
  side_close(&s);
  rq_buf_free(&why);
  rq_dataset_free(&before);
  rq_dataset_free(&ds);
}

static long env_long(const char *name, long dflt) {
  const char *v = getenv(name);
  return v && *v ? strtol(v, NULL, 10) : dflt;
}

static void read_config(config *cfg) {
  memset(cfg, 0, sizeof *cfg);
#ifdef SKY_SANITIZED
  cfg->queries = env_long("SKY_RANDOM_QUERIES", 1000); /* ASan/UBSan builds: a third, for time */
#else
  cfg->queries = env_long("SKY_RANDOM_QUERIES", 3000);
#endif
  cfg->per_seed = env_long("SKY_RANDOM_PER_SEED", 100);
  cfg->interp_extra = env_long("SKY_RANDOM_INTERP_EXTRA", 150);
  cfg->seed0 = (uint64_t)env_long("SKY_RANDOM_SEED", 1);
  cfg->reports = env_long("SKY_RANDOM_REPORTS", 5);
  cfg->verbose = env_long("SKY_RANDOM_VERBOSE", 0) != 0;
  cfg->shrink = env_long("SKY_RANDOM_SHRINK", 1) != 0;
  cfg->only_seed = cfg->only_query = -1;
  const char *only = getenv("SKY_RANDOM_ONLY");
  if (only && *only) {
    char *end;
    cfg->only_seed = strtol(only, &end, 10);
    cfg->only_query = *end == ':' ? strtol(end + 1, NULL, 10) : -1;
    cfg->verbose = true;
  }
  if (cfg->per_seed < 1) cfg->per_seed = 1;
  const char *tmp = getenv("SKY_TEST_TMP");
  snprintf(cfg->root, sizeof cfg->root, "%s/random-%ld", tmp && *tmp ? tmp : "/tmp", (long)getpid());
}

static void test_random_queries(void **state) {
  (void)state;
  config cfg;
  read_config(&cfg);
  remove_tree(cfg.root);
  assert_int_equal(mkdir(cfg.root, 0755), 0);
  stats st;
  memset(&st, 0, sizeof st);
  double t0 = sky_clock_s();
  uint64_t seed = cfg.seed0;
  if (cfg.only_seed >= 0) {
    run_seed(&cfg, (uint64_t)cfg.only_seed, cfg.per_seed, &st);
  } else {
    for (long done = 0; done < cfg.queries; seed++) {
      long n = cfg.queries - done < cfg.per_seed ? cfg.queries - done : cfg.per_seed;
      run_seed(&cfg, seed, n, &st);
      done += n;
    }
  }
  printf("random queries: %ld (%ld on the interpreter only; dataset seeds %llu..%llu): %ld answers compared "
         "(%ld non-empty), %ld expected errors, %ld engine-only; OVER OBJECT in %ld (%ld answers, %ld errors); "
         "mismatches: %ld naive, %ld jit; %ld load failures; %.1f s (naive %.1f, interpreter %.1f, jit %.1f)\n",
         st.queries, st.interp_only, (unsigned long long)cfg.seed0, (unsigned long long)(seed - 1), st.rows_checked,
         st.nonempty, st.errors_checked, st.engine_only, st.over, st.over_rows, st.over_errors, st.naive_diff,
         st.engine_diff, st.load_fail,
         sky_clock_s() - t0, st.secs[0], st.secs[1], st.secs[2]);
  remove_tree(cfg.root);
  assert_int_equal(st.load_fail, 0);
  assert_int_equal(st.naive_diff, 0);
  assert_int_equal(st.engine_diff, 0);
  assert_true(st.queries > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_queries)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
