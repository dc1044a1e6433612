/* rq_driver.c — the random checkers' side of Sky (see rq_driver.h): fresh
 * databases loaded through the public API, both engines, reply comparison,
 * reports, dataset shrinking and the environment knobs.
 *
 * Only src/sky.h is used: the checkers must meet Sky where users do. Nothing
 * here knows a statement kind; what differs between the drivers (how a
 * statement is generated, answered, simplified) stays in each driver.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"
#include "random/rq_driver.h"

/* ---- configuration ---------------------------------------------------------------- */

long rqd_env_long(const char *name, long dflt) {
  const char *v = getenv(name);
  return v && *v ? strtol(v, NULL, 0) : dflt;
}

static long knob(const char *prefix, const char *name, long dflt) {
  char full[128];
  snprintf(full, sizeof full, "%s_%s", prefix, name);
  return rqd_env_long(full, dflt);
}

bool rqd_config_read(rqd_config *cfg, const char *prefix, const char *tag, long queries, long per_seed,
                     long interp_extra) {
  memset(cfg, 0, sizeof *cfg);
  cfg->queries = knob(prefix, "QUERIES", queries);
  cfg->per_seed = knob(prefix, "PER_SEED", per_seed);
  cfg->interp_extra = knob(prefix, "INTERP_EXTRA", interp_extra);
  cfg->seed0 = (uint64_t)knob(prefix, "SEED", 1);
  cfg->reports = knob(prefix, "REPORTS", 5);
  cfg->verbose = knob(prefix, "VERBOSE", 0) != 0;
  cfg->shrink = knob(prefix, "SHRINK", 1) != 0;
  cfg->only_seed = cfg->only_query = -1;
  char name[128];
  snprintf(name, sizeof name, "%s_ONLY", prefix);
  const char *only = getenv(name);
  if (only && *only) {
    char *end;
    cfg->only_seed = strtol(only, &end, 10);
    cfg->only_query = *end == ':' ? strtol(end + 1, NULL, 10) : -1;
    cfg->verbose = true;
  }
  if (cfg->per_seed < 1) cfg->per_seed = 1;
  snprintf(cfg->prefix, sizeof cfg->prefix, "%s", prefix);
  const char *tmp = getenv("SKY_TEST_TMP");
  snprintf(cfg->root, sizeof cfg->root, "%s/%s-%ld", tmp && *tmp ? tmp : "/tmp", tag, (long)getpid());
  rqd_remove_tree(cfg->root);
  return mkdir(cfg->root, 0755) == 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

void rqd_remove_tree(const char *dir) { nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

bool rqd_write_file(const char *path, const rq_buf *b) {
  FILE *f = fopen(path, "wb");
  if (!f) return false;
  bool ok = fwrite(b->data, 1, b->len, f) == b->len;
  return fclose(f) == 0 && ok;
}

/* ---- a database with both engines ---------------------------------------------------- */

void rqd_reply_run(sky_conn *conn, const char *text, rqd_reply *out) {
  size_t len;
  sky_error_clear(&out->err);
  out->r = sky_exec(conn, text, strlen(text), &out->err);
  out->json = out->r ? sky_result_to_json(out->r, -1, &len) : sky_error_to_json(&out->err, &len);
}

void rqd_reply_free(rqd_reply *r) {
  sky_result_free(r->r);
  free(r->json);
  memset(r, 0, sizeof *r);
}

bool rqd_exec_ok(sky_conn *conn, const char *text, int64_t want_rows, rq_buf *why) {
  rqd_reply r;
  rqd_reply_run(conn, text, &r);
  bool ok = r.r && (want_rows < 0 || sky_result_rows_affected(r.r) == want_rows);
  if (!ok) rq_buf_printf(why, "setup statement failed: %s\n  reply: %s\n", text, r.json ? r.json : "(none)");
  rqd_reply_free(&r);
  return ok;
}

static const char *const method_names[] = {"INSERT", "CSV", "NDJSON"};

static int64_t batch_size(const rq_dataset *ds, int k) {
  int64_t n = 0;
  for (size_t i = 0; i < ds->n_ev; i++) n += ds->ev[i].batch == k;
  return n;
}

bool rqd_load_batch(rqd_side *s, const rq_dataset *ds, int k, rq_buf *why) {
  int64_t n = batch_size(ds, k);
  if (n == 0) return true;
  rq_buf b;
  rq_buf_init(&b);
  bool ok;
  /* SKY_RQ_ONE_LOAD: every dataset is one LOAD, so each partition is one
   * segment section (what streaming scans read; ctest runs the checkers so
   * with SKY_STREAM_SLICE). */
  const char *one = getenv("SKY_RQ_ONE_LOAD");
  bool insert = ds->method[k] == RQ_LOAD_INSERT && !(one && *one && strcmp(one, "0") != 0);
  if (insert) {
    rq_render_insert(&b, ds, k);
    ok = rqd_exec_ok(s->interp, b.data, n, why);
  } else {
    bool csv = ds->method[k] != RQ_LOAD_NDJSON;
    char path[700], stmt[256];
    if (csv)
      rq_render_csv(&b, ds, k);
    else
      rq_render_ndjson(&b, ds, k);
    snprintf(path, sizeof path, "%s/batch%d.%s", s->files, k, csv ? "csv" : "ndjson");
    ok = rqd_write_file(path, &b);
    if (!ok) rq_buf_printf(why, "cannot write %s\n", path);
    /* The LOAD forms: with and without INTO t, FORMAT named or (CSV) implied. */
    unsigned v = (unsigned)(ds->seed + (uint64_t)k) % 3;
    snprintf(stmt, sizeof stmt, "LOAD 'batch%d.%s'%s%s", k, csv ? "csv" : "ndjson", v == 1 ? "" : " INTO t",
             csv && v == 2 ? "" : csv ? " FORMAT CSV" : " FORMAT NDJSON");
    ok = ok && rqd_exec_ok(s->interp, stmt, n, why);
  }
  rq_buf_free(&b);
  return ok;
}

static void side_disconnect(rqd_side *s) {
  if (s->interp) sky_conn_free(s->interp);
  if (s->jit) sky_conn_free(s->jit);
  if (s->db) sky_db_close(s->db);
  s->interp = s->jit = NULL;
  s->db = NULL;
}

void rqd_side_close(rqd_side *s) {
  side_disconnect(s);
  rqd_remove_tree(s->dir);
  rqd_remove_tree(s->files);
}

/* Opens the data directory with one connection per engine. */
static bool side_connect(rqd_side *s, rq_buf *why) {
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

bool rqd_side_reopen(rqd_side *s, rq_buf *why) {
  side_disconnect(s);
  return side_connect(s, why) && rqd_exec_ok(s->interp, "USE t", -1, why) && rqd_exec_ok(s->jit, "USE t", -1, why);
}

bool rqd_side_open(rqd_side *s, const char *root, const char *name, const rq_dataset *ds, int upto, rq_buf *why) {
  memset(s, 0, sizeof *s);
  snprintf(s->dir, sizeof s->dir, "%s/%s-db", root, name);
  snprintf(s->files, sizeof s->files, "%s/%s-files", root, name);
  rqd_remove_tree(s->dir);
  rqd_remove_tree(s->files);
  if (mkdir(s->files, 0755) != 0) {
    rq_buf_printf(why, "mkdir %s: %s\n", s->files, strerror(errno));
    return false;
  }
  if (!side_connect(s, why)) return false;
  rq_buf b;
  rq_buf_init(&b);
  rq_render_create(&b, ds);
  bool ok = rqd_exec_ok(s->interp, b.data, -1, why) && rqd_exec_ok(s->interp, "USE t", -1, why) &&
            rqd_exec_ok(s->jit, "USE t", -1, why);
  rq_buf_free(&b);
  for (int k = 0; ok && k < upto; k++) ok = rqd_load_batch(s, ds, k, why);
  return ok;
}

/* ---- running and comparing -------------------------------------------------------------- */

void rqd_run_init(rqd_run *o) {
  memset(o, 0, sizeof *o);
  rq_buf_init(&o->text);
  rq_buf_init(&o->why);
  rq_buf_init(&o->naive);
}

void rqd_run_free(rqd_run *o) {
  rq_buf_free(&o->text);
  rq_buf_free(&o->why);
  rq_buf_free(&o->naive);
  rqd_reply_free(&o->ri);
  rqd_reply_free(&o->rj);
}

void rqd_run_engines(rqd_side *s, rqd_run *o, bool jit) {
  double t1 = sky_clock_s();
  rqd_reply_run(s->interp, o->text.data, &o->ri);
  double t2 = sky_clock_s();
  if (jit) rqd_reply_run(s->jit, o->text.data, &o->rj);
  o->secs[1] = t2 - t1;
  o->secs[2] = sky_clock_s() - t2;
}

void rqd_run_judge(rqd_run *o, bool agrees) {
  if (!agrees) o->diff |= RQD_DIFF_NAIVE;
  if (o->rj.json && (!o->ri.json || strcmp(o->ri.json, o->rj.json) != 0)) {
    o->diff |= RQD_DIFF_ENGINE;
    rq_buf_puts(&o->why, o->why.len ? "; engines differ" : "engines differ");
  }
}

bool rqd_same_cell(const sky_value *v, const rq_val *e) {
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

bool rqd_same_shape(const sky_result *r, int n_cols, const char *const *names, size_t n_rows, rq_buf *why) {
  if (sky_result_kind_of(r) != SKY_RESULT_ROWS || sky_result_columns(r) != (size_t)n_cols) {
    rq_buf_printf(why, "different result shape (%zu columns, expected %d)", sky_result_columns(r), n_cols);
    return false;
  }
  for (int i = 0; i < n_cols; i++)
    if (strcmp(names[i], sky_result_column_name(r, (size_t)i)) != 0) {
      rq_buf_printf(why, "column %d is named '%s', expected '%s'", i + 1, sky_result_column_name(r, (size_t)i),
                    names[i]);
      return false;
    }
  if (sky_result_rows(r) != n_rows) {
    rq_buf_printf(why, "%zu rows, expected %zu", sky_result_rows(r), n_rows);
    return false;
  }
  return true;
}

bool rqd_same_table(const sky_result *r, int n_cols, const rq_name *names, const rq_val *cells, size_t n_rows,
                    rqd_cell_fn same, const void *ctx, rq_buf *why) {
  const char *ptrs[RQ_TAIL_MAX_COLS];
  if (n_cols > RQ_TAIL_MAX_COLS) abort(); /* path statements have few columns */
  for (int i = 0; i < n_cols; i++) ptrs[i] = names[i];
  if (!rqd_same_shape(r, n_cols, ptrs, n_rows, why)) return false;
  for (size_t row = 0; row < n_rows; row++)
    for (int i = 0; i < n_cols; i++) {
      const sky_value *got = sky_result_cell(r, row, (size_t)i);
      const rq_val *want = &cells[row * (size_t)n_cols + (size_t)i];
      if (!(same ? same(got, want, i, ctx) : rqd_same_cell(got, want))) {
        rq_buf_printf(why, "row %zu column %d (%s) differs", row + 1, i + 1, names[i]);
        return false;
      }
    }
  return true;
}

bool rqd_expected_outcome(rq_expect expect, int code, const rqd_reply *ri, rq_buf *why) {
  switch (expect) {
  case RQ_EXPECT_ROWS:
    if (ri->r) return true;
    rq_buf_puts(why, "unexpected error");
    return false;
  case RQ_EXPECT_CODE:
    if (!ri->r && (int)ri->err.code == code) return true;
    rq_buf_printf(why, "expected error %s", sky_code_name((sky_code)code));
    return false;
  case RQ_EXPECT_ERROR:
    if (!ri->r) return true;
    rq_buf_puts(why, "expected an error");
    return false;
  case RQ_EXPECT_UNKNOWN: return true;
  }
  return false;
}

void rqd_print_expected(rqd_run *o, rq_expect expect, int code) {
  o->expected = expect == RQ_EXPECT_UNKNOWN ? RQD_ENGINES_ONLY : RQD_ERROR;
  switch (expect) {
  case RQ_EXPECT_CODE: rq_buf_printf(&o->naive, "error %s", sky_code_name((sky_code)code)); break;
  case RQ_EXPECT_ERROR: rq_buf_puts(&o->naive, "some error"); break;
  default: rq_buf_puts(&o->naive, "(not evaluated)"); break;
  }
}

void rqd_print_rows(rq_buf *b, const char *const *names, int n_cols, const rq_val *cells, size_t n_rows) {
  rq_buf_puts(b, "{\"columns\":[");
  for (int i = 0; i < n_cols; i++) {
    if (i) rq_buf_puts(b, ",");
    rq_buf_json_text(b, names[i], strlen(names[i]));
  }
  rq_buf_puts(b, "],\"rows\":[");
  for (size_t r = 0; r < n_rows; r++) {
    rq_buf_puts(b, r ? ",[" : "[");
    for (int i = 0; i < n_cols; i++) {
      if (i) rq_buf_puts(b, ",");
      rq_val_print(b, &cells[r * (size_t)n_cols + (size_t)i]);
    }
    rq_buf_puts(b, "]");
  }
  rq_buf_puts(b, "]}");
}

/* ---- reports and shrinking ----------------------------------------------------------------- */

void rqd_print_dataset(rq_buf *b, const rq_dataset *ds) {
  rq_render_create(b, ds);
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

void rqd_print_run(FILE *out, const rqd_ops *ops, const rq_dataset *ds, const rqd_run *o, const char *title) {
  rq_buf b;
  rq_buf_init(&b);
  rqd_print_dataset(&b, ds);
  rq_buf_printf(&b, "-- %s\n%s\n-- differs: %s\n-- naive:       %s", ops->what, o->text.data, o->why.data,
                o->naive.data);
  rq_buf_printf(&b, "\n-- interpreter: %s\n-- jit:         %s\n", o->ri.json ? o->ri.json : "(none)",
                o->rj.json ? o->rj.json : "(none)");
  fprintf(out, "==== %s ====\n%s", title, b.data);
  rq_buf_free(&b);
}

static void save_repro(const rqd_config *cfg, const rqd_ops *ops, const rq_dataset *ds, const char *text,
                       uint64_t seed, long qi) {
  rq_buf b;
  rq_buf_init(&b);
  rqd_print_dataset(&b, ds);
  rq_buf_printf(&b, "%s\n", text);
  char path[700];
  snprintf(path, sizeof path, "%s/../%s-repro-%llu-%ld.sql", cfg->root, ops->tag, (unsigned long long)seed, qi);
  if (rqd_write_file(path, &b)) fprintf(stderr, "reproduction saved to %s\n", path);
  rq_buf_free(&b);
}

/* A mismatch being shrunk: its kind and what re-checks it. */
typedef struct shrinking {
  const rqd_config *cfg;
  const rqd_ops *ops;
  int diff;
} shrinking;

/* Does the mismatch persist for (ds, stmt) on a freshly loaded database? */
static bool still_differs(const shrinking *k, const rq_dataset *ds, const void *stmt) {
  rqd_side s;
  rq_buf why;
  rq_buf_init(&why);
  bool differs = false;
  if (rqd_side_open(&s, k->cfg->root, "shrink", ds, ds->n_batches, &why)) {
    rqd_run o;
    k->ops->check(&s, ds, stmt, (k->diff & RQD_DIFF_ENGINE) != 0, &o);
    differs = (o.diff & k->diff) != 0;
    rqd_run_free(&o);
  }
  rqd_side_close(&s);
  rq_buf_free(&why);
  return differs;
}

/* Tries the dataset without the events trial[i] == false; keeps the cut
 * when the mismatch persists. */
static void try_cut(const shrinking *k, const rq_dataset *ds, const void *stmt, bool *keep, const bool *trial,
                    int *budget) {
  rq_dataset sub;
  rq_dataset_subset(&sub, ds, trial);
  if ((*budget)-- > 0 && still_differs(k, &sub, stmt)) memcpy(keep, trial, ds->n_ev * sizeof *keep);
  rq_dataset_free(&sub);
}

/* Drops whole objects, then halving chunks of events, while the mismatch
 * persists. The caller frees `out`. */
static void shrink_dataset(const shrinking *k, const rq_dataset *ds, const void *stmt, rq_dataset *out) {
  bool *keep = calloc(ds->n_ev ? ds->n_ev : 1, sizeof *keep);
  bool *trial = calloc(ds->n_ev ? ds->n_ev : 1, sizeof *trial);
  if (!keep || !trial) abort();
  for (size_t i = 0; i < ds->n_ev; i++) keep[i] = true;
  int budget = k->ops->data_budget;
  for (size_t i = 0; i < ds->n_ev && budget > 0; i++) { /* whole objects */
    if (!keep[i]) continue;
    memcpy(trial, keep, ds->n_ev * sizeof *keep);
    for (size_t j = 0; j < ds->n_ev; j++)
      if (ds->ev[j].obj == ds->ev[i].obj) trial[j] = false;
    try_cut(k, ds, stmt, keep, trial, &budget);
  }
  for (size_t chunk = ds->n_ev / 2 ? ds->n_ev / 2 : 1; budget > 0; chunk /= 2) {
    for (size_t start = 0; start < ds->n_ev && budget > 0; start += chunk) {
      memcpy(trial, keep, ds->n_ev * sizeof *keep);
      bool any = false;
      for (size_t j = start; j < start + chunk && j < ds->n_ev; j++) any = any || trial[j], trial[j] = false;
      if (any) try_cut(k, ds, stmt, keep, trial, &budget);
    }
    if (chunk <= 1) break;
  }
  rq_dataset_subset(out, ds, keep);
  free(keep);
  free(trial);
}

static void *clone_of(const rqd_ops *ops, const void *stmt) {
  if (ops->clone) return ops->clone(stmt);
  void *c = ops->create();
  ops->assign(c, stmt);
  return c;
}

/* Applies the driver's simplifications to `stmt` while the mismatch persists. */
static void shrink_statement(const shrinking *k, const rq_dataset *ds, void *stmt) {
  const rqd_ops *ops = k->ops;
  void *t = clone_of(ops, stmt);
  int budget = ops->stmt_budget;
  for (bool changed = true; changed && budget > 0;) {
    changed = false;
    for (int step = 0; step < ops->n_steps && budget > 0; step++) {
      if (!ops->simplify(stmt, t, step)) continue;
      budget--;
      if (still_differs(k, ds, t)) {
        ops->assign(stmt, t);
        changed = true;
      }
    }
  }
  ops->release(t);
}

static void report(const rqd_config *cfg, const rqd_ops *ops, const rq_dataset *ds, const void *stmt, long qi,
                   const char *how, const rqd_run *o) {
  char title[400];
  snprintf(title, sizeof title, "MISMATCH (%s vs interpreter) dataset seed %llu, %s %ld%s [%s_ONLY=%llu:%ld]",
           o->diff & RQD_DIFF_NAIVE ? ops->naive : "jit", (unsigned long long)ds->seed, ops->what, qi, how,
           cfg->prefix, (unsigned long long)ds->seed, qi);
  rqd_print_run(stderr, ops, ds, o, title);
  if (!cfg->shrink) return;
  shrinking k = {.cfg = cfg, .ops = ops, .diff = o->diff & RQD_DIFF_NAIVE ? RQD_DIFF_NAIVE : RQD_DIFF_ENGINE};
  if (!still_differs(&k, ds, stmt)) {
    fprintf(stderr, "==== not reproduced on a freshly loaded database%s ====\n",
            how[0] ? ": it depends on the history above" : "");
    return;
  }
  void *m = clone_of(ops, stmt);
  shrink_statement(&k, ds, m);
  rq_dataset small;
  shrink_dataset(&k, ds, m, &small);
  shrink_statement(&k, &small, m);
  rqd_side s;
  rq_buf why;
  rq_buf_init(&why);
  if (rqd_side_open(&s, cfg->root, "shrink", &small, small.n_batches, &why)) {
    rqd_run mo;
    ops->check(&s, &small, m, true, &mo);
    rqd_print_run(stderr, ops, &small, &mo, "minimal reproduction");
    save_repro(cfg, ops, &small, mo.text.data, ds->seed, qi);
    rqd_run_free(&mo);
  }
  rqd_side_close(&s);
  rq_buf_free(&why);
  rq_dataset_free(&small);
  ops->release(m);
}

/* ---- the run ------------------------------------------------------------------------------ */

bool rqd_open_dataset(rqd_side *s, const rqd_config *cfg, const rq_dataset *ds, rqd_stats *st) {
  rq_buf why;
  rq_buf_init(&why);
  bool ok = rqd_side_open(s, cfg->root, "main", ds, ds->n_batches, &why);
  if (ok && ds->seed % 4 == 0) ok = rqd_side_reopen(s, &why);
  if (!ok) {
    st->load_fail++;
    fprintf(stderr, "==== LOAD FAILED, dataset seed %llu ====\n%s", (unsigned long long)ds->seed, why.data);
  }
  rq_buf_free(&why);
  return ok;
}

void rqd_check_one(const rqd_config *cfg, const rqd_ops *ops, rqd_side *s, const rq_dataset *view, const void *stmt,
                   long qi, bool jit, const char *how, rqd_stats *st, rqd_run *o) {
  ops->check(s, view, stmt, jit, o);
  st->queries++;
  st->interp_only += !jit;
  if (o->expected == RQD_ENGINES_ONLY)
    st->engine_only++;
  else if (o->expected == RQD_ERROR)
    st->errors_checked++;
  else
    st->rows_checked++;
  if (o->expected == RQD_ROWS && o->n_rows > 0) st->nonempty++;
  if (o->diff & RQD_DIFF_NAIVE) st->naive_diff++;
  if (o->diff & RQD_DIFF_ENGINE) st->engine_diff++;
  for (int i = 0; i < 3; i++) st->secs[i] += o->secs[i];
  if (cfg->verbose) {
    char title[64];
    snprintf(title, sizeof title, "%s%s", ops->what, o->diff ? " (MISMATCH)" : "");
    rqd_print_run(stdout, ops, view, o, title);
  }
  if (o->diff && st->naive_diff + st->engine_diff <= cfg->reports) report(cfg, ops, view, stmt, qi, how, o);
}

uint64_t rqd_each_seed(const rqd_config *cfg, rqd_seed_fn fn, void *ctx) {
  if (cfg->only_seed >= 0) {
    fn((uint64_t)cfg->only_seed, cfg->per_seed, ctx);
    return (uint64_t)cfg->only_seed;
  }
  uint64_t seed = cfg->seed0;
  for (long done = 0; done < cfg->queries; seed++) {
    long n = cfg->queries - done < cfg->per_seed ? cfg->queries - done : cfg->per_seed;
    fn(seed, n, ctx);
    done += n;
  }
  return seed - 1;
}

static void plain_range(const rqd_plain *p, rqd_side *s, const rq_dataset *ds, long first, long end, bool jit) {
  void *stmt = p->ops->create();
  for (long i = first; i < end; i++) {
    if (p->cfg->only_query >= 0 && i != p->cfg->only_query) continue;
    p->ops->generate(stmt, ds, ds->seed * 100000 + (uint64_t)i, p->clauses);
    rqd_run o;
    rqd_check_one(p->cfg, p->ops, s, ds, stmt, i, jit, "", p->st, &o);
    if (p->seen) p->seen(stmt, p->ctx);
    rqd_run_free(&o);
  }
  p->ops->release(stmt);
}

static void plain_seed(uint64_t seed, long n, void *ctx) {
  const rqd_plain *p = ctx;
  rq_dataset ds;
  p->dataset(&ds, seed);
  rqd_side s;
  if (rqd_open_dataset(&s, p->cfg, &ds, p->st)) {
    plain_range(p, &s, &ds, 0, n, true);
    plain_range(p, &s, &ds, RQD_EXTRA_FIRST, RQD_EXTRA_FIRST + p->cfg->interp_extra, false);
  }
  rqd_side_close(&s);
  rq_dataset_free(&ds);
}

uint64_t rqd_plain_run(const rqd_plain *p) { return rqd_each_seed(p->cfg, plain_seed, (void *)p); }

void rqd_finish(const rqd_config *cfg, const rqd_stats *st) {
  rqd_remove_tree(cfg->root);
  assert_int_equal(st->load_fail, 0);
  assert_int_equal(st->naive_diff, 0);
  assert_int_equal(st->engine_diff, 0);
  assert_true(st->queries > 0);
}
