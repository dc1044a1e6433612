/* test_random_funnels.c — the brute-force FUNNEL checker against both
 * engines, in CI (issue 14).
 *
 * For a series of seeds: build a random dataset (rq_data.c), load it into a
 * fresh data directory through the public API (INSERT, CSV and NDJSON
 * batches, so arrival order spans loads; a quarter are reopened before
 * querying), then run random funnels (rq_funnel_gen.c). Each is checked
 * twice:
 *   - the interpreter's reply against the brute-force evaluator
 *     (rq_funnel_eval.c): column names, row count and order, every value
 *     exactly (avg_time is the double nearest the exact mean); expected
 *     errors by code;
 *   - the JIT's reply against the interpreter's: identical JSON.
 * Each dataset then gets SKY_FUNNEL_INTERP_EXTRA more funnels checked on the
 * interpreter alone (cheap next to JIT compilation).
 *
 * A mismatch prints the seed, the dataset as INSERT statements, the funnel
 * and every answer, then shrinks the funnel and the dataset while the
 * mismatch persists on a fresh database and prints (and saves as a .sql
 * script for sky-shell) the minimal reproduction.
 *
 * Environment:
 *   SKY_FUNNEL_QUERIES      funnels on both engines (default 400, 80 in
 *                           sanitizer builds)
 *   SKY_FUNNEL_PER_SEED     of those, per dataset (default 20)
 *   SKY_FUNNEL_INTERP_EXTRA more per dataset on the interpreter only (default 100)
 *   SKY_FUNNEL_SEED         first dataset seed (default 1); seeds are consecutive
 *   SKY_FUNNEL_CLAUSES      clause bitmask (rq_funnel.h RQF_C_*; default all,
 *                           0xFFFFF); decimal or 0x hex
 *   SKY_FUNNEL_ONLY         "seed:query" runs just that funnel, verbosely
 *   SKY_FUNNEL_VERBOSE      1 prints every funnel and answer
 *   SKY_FUNNEL_SHRINK       0 turns shrinking off
 *   SKY_FUNNEL_REPORTS      mismatches reported in full (default 5)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"
#include "random/rq_funnel.h"
#include "sky.h"

typedef struct config {
  long queries, per_seed, reports, interp_extra;
  uint64_t seed0;
  unsigned clauses;
  long only_seed, only_query; /* -1: all */
  bool verbose, shrink;
  char root[512];
} config;

typedef struct stats {
  long queries, interp_only, rows_checked, errors_checked, nonempty;
  long naive_diff, engine_diff, load_fail;
  double secs[3]; /* evaluator, interpreter, JIT */
} stats;

enum { DIFF_NAIVE = 1, DIFF_ENGINE = 2 };

#define EXTRA_FIRST 50000

/* ---- Sky side (the pattern of test_random_queries.c) ---------------------------- */

typedef struct sky_side {
  sky_db *db;
  sky_conn *interp, *jit;
  char dir[600], files[600];
} sky_side;

typedef struct reply {
  sky_result *r; /* NULL on error */
  sky_error err;
  char *json;
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

static bool load_batch(sky_side *s, const rq_dataset *ds, int k, rq_buf *why) {
  int64_t n = 0;
  for (size_t i = 0; i < ds->n_ev; i++) n += ds->ev[i].batch == k;
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
    snprintf(stmt, sizeof stmt, "LOAD 'batch%d.%s' INTO t FORMAT %s", k, csv ? "csv" : "ndjson", csv ? "CSV" : "NDJSON");
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

/* A fresh database under `name` holding all of `ds`. */
static bool side_open(const config *cfg, sky_side *s, const char *name, const rq_dataset *ds, rq_buf *why) {
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
  for (int k = 0; ok && k < ds->n_batches; k++) ok = load_batch(s, ds, k, why);
  return ok;
}

/* ---- comparing answers ----------------------------------------------------------- */

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

static bool same_text_cell(const sky_value *v, const char *s) {
  size_t n = strlen(s);
  return v->type == SKY_TYPE_STRING && v->as.s.len == n && memcmp(v->as.s.ptr, s, n) == 0;
}

static bool same_rows(const rqf_answer *a, const sky_result *r, rq_buf *why) {
  if (sky_result_kind_of(r) != SKY_RESULT_ROWS || sky_result_columns(r) != (size_t)a->n_cols) {
    rq_buf_printf(why, "different result shape (%zu columns, expected %d)", sky_result_columns(r), a->n_cols);
    return false;
  }
  for (int i = 0; i < a->n_cols; i++)
    if (strcmp(a->names[i], sky_result_column_name(r, (size_t)i)) != 0) {
      rq_buf_printf(why, "column %d is named '%s', expected '%s'", i + 1, sky_result_column_name(r, (size_t)i),
                    a->names[i]);
      return false;
    }
  if (sky_result_rows(r) != a->n_rows) {
    rq_buf_printf(why, "%zu rows, expected %zu", sky_result_rows(r), a->n_rows);
    return false;
  }
  for (size_t row = 0; row < a->n_rows; row++)
    for (int i = 0; i < a->n_cols; i++) {
      const sky_value *got = sky_result_cell(r, row, (size_t)i);
      const rq_val *want = &a->cells[row * (size_t)a->n_cols + (size_t)i];
      bool ok = i == a->name_col ? same_text_cell(got, a->step_names[want->i - 1]) : same_cell(got, want);
      if (!ok) {
        rq_buf_printf(why, "row %zu column %d (%s) differs", row + 1, i + 1, a->names[i]);
        return false;
      }
    }
  return true;
}

static bool naive_agrees(const rqf_funnel *f, const rqf_answer *a, const reply *ri, rq_buf *why) {
  switch (f->expect) {
  case RQ_EXPECT_ROWS:
    if (ri->r) return same_rows(a, ri->r, why);
    rq_buf_puts(why, "unexpected error");
    return false;
  case RQ_EXPECT_CODE:
    if (!ri->r && (int)ri->err.code == f->expect_code) return true;
    rq_buf_printf(why, "expected error %s", sky_code_name((sky_code)f->expect_code));
    return false;
  case RQ_EXPECT_ERROR:
    if (!ri->r) return true;
    rq_buf_puts(why, "expected an error");
    return false;
  default: return true;
  }
}

static void naive_print(rq_buf *b, const rqf_funnel *f, const rqf_answer *a) {
  if (f->expect == RQ_EXPECT_CODE)
    rq_buf_printf(b, "error %s", sky_code_name((sky_code)f->expect_code));
  else if (f->expect == RQ_EXPECT_ERROR)
    rq_buf_puts(b, "some error");
  else
    rqf_answer_print(b, a);
}

/* ---- one funnel -------------------------------------------------------------------- */

typedef struct outcome {
  int diff;
  rq_buf text, why;
  rqf_answer ans;
  reply ri, rj;
  double secs[3];
} outcome;

static void outcome_free(outcome *o) {
  rq_buf_free(&o->text);
  rq_buf_free(&o->why);
  rqf_answer_free(&o->ans);
  reply_free(&o->ri);
  reply_free(&o->rj);
}

static void check_funnel(sky_side *s, const rq_dataset *ds, const rqf_funnel *f, bool jit, outcome *o) {
  memset(o, 0, sizeof *o);
  rq_buf_init(&o->text);
  rq_buf_init(&o->why);
  rqf_render(&o->text, f);
  double t0 = sky_clock_s();
  if (f->expect == RQ_EXPECT_ROWS)
    rqf_evaluate(ds, f, &o->ans);
  else
    o->ans.name_col = -1;
  double t1 = sky_clock_s();
  reply_run(s->interp, o->text.data, &o->ri);
  double t2 = sky_clock_s();
  if (jit) reply_run(s->jit, o->text.data, &o->rj);
  o->secs[0] = t1 - t0;
  o->secs[1] = t2 - t1;
  o->secs[2] = sky_clock_s() - t2;
  if (!naive_agrees(f, &o->ans, &o->ri, &o->why)) o->diff |= DIFF_NAIVE;
  if (jit && (!o->ri.json || !o->rj.json || strcmp(o->ri.json, o->rj.json) != 0)) {
    o->diff |= DIFF_ENGINE;
    rq_buf_puts(&o->why, o->why.len ? "; engines differ" : "engines differ");
  }
}

/* ---- reports and shrinking ----------------------------------------------------------- */

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

static void print_outcome(FILE *out, const rq_dataset *ds, const rqf_funnel *f, const outcome *o, const char *title) {
  rq_buf b;
  rq_buf_init(&b);
  print_dataset(&b, ds);
  rq_buf_printf(&b, "-- funnel\n%s\n-- differs: %s\n-- naive:       ", o->text.data, o->why.data);
  naive_print(&b, f, &o->ans);
  rq_buf_printf(&b, "\n-- interpreter: %s\n-- jit:         %s\n", o->ri.json ? o->ri.json : "(none)",
                o->rj.json ? o->rj.json : "(none)");
  fprintf(out, "==== %s ====\n%s", title, b.data);
  rq_buf_free(&b);
}

static bool still_differs(const config *cfg, const rq_dataset *ds, const rqf_funnel *f, int diff) {
  sky_side s;
  rq_buf why;
  rq_buf_init(&why);
  bool differs = false;
  if (side_open(cfg, &s, "shrink", ds, &why)) {
    outcome o;
    check_funnel(&s, ds, f, (diff & DIFF_ENGINE) != 0, &o);
    differs = (o.diff & diff) != 0;
    outcome_free(&o);
  }
  side_close(&s);
  rq_buf_free(&why);
  return differs;
}

static void shrink_dataset(const config *cfg, const rq_dataset *ds, const rqf_funnel *f, int diff, rq_dataset *out) {
  bool *keep = calloc(ds->n_ev ? ds->n_ev : 1, sizeof *keep);
  bool *trial = calloc(ds->n_ev ? ds->n_ev : 1, sizeof *trial);
  if (!keep || !trial) abort();
  for (size_t i = 0; i < ds->n_ev; i++) keep[i] = true;
  int budget = 300;
  for (size_t i = 0; i < ds->n_ev && budget > 0; i++) { /* whole objects */
    if (!keep[i]) continue;
    memcpy(trial, keep, ds->n_ev * sizeof *keep);
    for (size_t j = 0; j < ds->n_ev; j++)
      if (ds->ev[j].obj == ds->ev[i].obj) trial[j] = false;
    rq_dataset sub;
    rq_dataset_subset(&sub, ds, trial);
    if (budget-- > 0 && still_differs(cfg, &sub, f, diff)) memcpy(keep, trial, ds->n_ev * sizeof *keep);
    rq_dataset_free(&sub);
  }
  for (size_t chunk = ds->n_ev / 2 ? ds->n_ev / 2 : 1; budget > 0; chunk /= 2) {
    for (size_t start = 0; start < ds->n_ev && budget > 0; start += chunk) {
      memcpy(trial, keep, ds->n_ev * sizeof *keep);
      bool any = false;
      for (size_t j = start; j < start + chunk && j < ds->n_ev; j++) any = any || trial[j], trial[j] = false;
      if (!any) continue;
      rq_dataset sub;
      rq_dataset_subset(&sub, ds, trial);
      if (budget-- > 0 && still_differs(cfg, &sub, f, diff)) memcpy(keep, trial, ds->n_ev * sizeof *keep);
      rq_dataset_free(&sub);
    }
    if (chunk <= 1) break;
  }
  rq_dataset_subset(out, ds, keep);
  free(keep);
  free(trial);
}

/* Is `f` still a funnel the generator could have made valid (step numbers
 * in range, R8's undecided 1-step forms avoided)? */
static bool still_valid(const rqf_funnel *f) {
  int k = f->n_steps;
  if (k < 1) return false;
  for (int c = 0; c < f->n_excl; c++)
    if (f->excl[c].j > k || (k == 1)) return false;
  if (f->ret == RQF_TIMES && (f->times_j > k || k == 1)) return false;
  if (f->ret == RQF_OBJECTS && f->filter && f->filter_step > k) return false;
  return true;
}

/* One simplification `step` of `f` into `t`; false when not applicable. */
static bool simplify(const rqf_funnel *f, rqf_funnel *t, int step) {
  rqf_copy(t, f);
  switch (step) {
  case 0: t->n_sort = 0; return f->n_sort > 0;
  case 1: t->limit = -1; return f->limit >= 0;
  case 2: t->having.on = false; return f->having.on;
  case 3: t->where = NULL; return f->where != NULL;
  case 4: t->has_session = false; return f->has_session;
  case 5: t->order = RQF_ORDERED; return f->order == RQF_STRICT;
  case 6: case 7: case 8: case 9: {
    int c = step - 6;
    if (c >= f->n_excl) return false;
    for (int i = c; i + 1 < t->n_excl; i++) t->excl[i] = t->excl[i + 1];
    t->n_excl--;
    return true;
  }
  case 10: /* key columns shift HAVING / ORDER BY column numbers */
    if (f->n_keys == 0 || f->having.on || f->n_sort) return false;
    t->n_keys--;
    return true;
  case 11:
    if (f->n_hold == 0 || f->having.on || f->n_sort) return false;
    t->n_hold--;
    return true;
  case 12:
    if (f->ret != RQF_OBJECTS || !f->filter) return false;
    t->filter = RQF_ALL;
    return true;
  default: { /* drop step i */
    int i = step - 13;
    if (i >= f->n_steps || f->n_steps < 2) return false;
    for (int s = i; s + 1 < t->n_steps; s++) {
      t->step[s] = t->step[s + 1];
      memcpy(t->alias[s], t->alias[s + 1], sizeof t->alias[s]);
    }
    t->n_steps--;
    for (int c = 0; c < t->n_excl; c++) {
      if (t->excl[c].i > i + 1) t->excl[c].i--;
      if (t->excl[c].j > i + 1 || t->excl[c].j > t->n_steps) t->excl[c].j--;
      if (t->excl[c].i >= t->excl[c].j) return false;
    }
    if (t->times_j > t->n_steps) t->times_j = t->n_steps;
    if (t->times_i >= t->times_j && t->ret == RQF_TIMES) return false;
    if (t->filter_step > t->n_steps) return false;
    return still_valid(t);
  }
  }
}

static void shrink_funnel(const config *cfg, const rq_dataset *ds, rqf_funnel *f, int diff) {
  if (f->expect != RQ_EXPECT_ROWS) return;
  rqf_funnel *t = rqf_create();
  int budget = 80;
  for (bool changed = true; changed && budget > 0;) {
    changed = false;
    for (int step = 0; step < 13 + RQF_MAX_STEPS && budget > 0; step++) {
      if (!simplify(f, t, step)) continue;
      budget--;
      if (still_differs(cfg, ds, t, diff)) {
        rqf_copy(f, t);
        changed = true;
      }
    }
  }
  rqf_free(t);
}

static void save_repro(const config *cfg, const rq_dataset *ds, const outcome *o, uint64_t seed, long qi) {
  rq_buf b;
  rq_buf_init(&b);
  print_dataset(&b, ds);
  rq_buf_printf(&b, "%s\n", o->text.data);
  char path[700];
  snprintf(path, sizeof path, "%s/../funnel-repro-%llu-%ld.sql", cfg->root, (unsigned long long)seed, qi);
  if (write_file(path, &b)) fprintf(stderr, "reproduction saved to %s\n", path);
  rq_buf_free(&b);
}

static void report(const config *cfg, const rq_dataset *ds, long qi, const rqf_funnel *f, const outcome *o) {
  char title[300];
  snprintf(title, sizeof title, "MISMATCH (%s) dataset seed %llu, funnel %ld [SKY_FUNNEL_ONLY=%llu:%ld]",
           o->diff & DIFF_NAIVE ? "brute force vs interpreter" : "jit vs interpreter", (unsigned long long)ds->seed,
           qi, (unsigned long long)ds->seed, qi);
  print_outcome(stderr, ds, f, o, title);
  if (!cfg->shrink) return;
  int diff = o->diff & DIFF_NAIVE ? DIFF_NAIVE : DIFF_ENGINE;
  if (!still_differs(cfg, ds, f, diff)) {
    fprintf(stderr, "==== not reproduced on a freshly loaded database ====\n");
    return;
  }
  rqf_funnel *mf = rqf_create();
  rqf_copy(mf, f);
  shrink_funnel(cfg, ds, mf, diff);
  rq_dataset small;
  shrink_dataset(cfg, ds, mf, diff, &small);
  shrink_funnel(cfg, &small, mf, diff);
  sky_side s;
  rq_buf why;
  rq_buf_init(&why);
  if (side_open(cfg, &s, "shrink", &small, &why)) {
    outcome mo;
    check_funnel(&s, &small, mf, true, &mo);
    print_outcome(stderr, &small, mf, &mo, "minimal reproduction");
    save_repro(cfg, &small, &mo, ds->seed, qi);
    outcome_free(&mo);
  }
  side_close(&s);
  rq_buf_free(&why);
  rq_dataset_free(&small);
  rqf_free(mf);
}

/* ---- the run --------------------------------------------------------------------------- */

static void count_outcome(stats *st, const rqf_funnel *f, const outcome *o) {
  st->queries++;
  if (f->expect != RQ_EXPECT_ROWS)
    st->errors_checked++;
  else
    st->rows_checked++;
  if (f->expect == RQ_EXPECT_ROWS && o->ans.n_rows > 0) st->nonempty++;
  if (o->diff & DIFF_NAIVE) st->naive_diff++;
  if (o->diff & DIFF_ENGINE) st->engine_diff++;
  for (int i = 0; i < 3; i++) st->secs[i] += o->secs[i];
}

static void run_funnels(const config *cfg, sky_side *s, const rq_dataset *ds, long first, long end, bool jit,
                        stats *st) {
  rqf_funnel *f = rqf_create();
  for (long i = first; i < end; i++) {
    if (cfg->only_query >= 0 && i != cfg->only_query) continue;
    rqf_generate(f, ds, ds->seed * 100000 + (uint64_t)i, cfg->clauses);
    outcome o;
    check_funnel(s, ds, f, jit, &o);
    count_outcome(st, f, &o);
    st->interp_only += !jit;
    if (cfg->verbose) print_outcome(stdout, ds, f, &o, o.diff ? "funnel (MISMATCH)" : "funnel");
    if (o.diff && st->naive_diff + st->engine_diff <= cfg->reports) report(cfg, ds, i, f, &o);
    outcome_free(&o);
  }
  rqf_free(f);
}

static void run_seed(const config *cfg, uint64_t seed, long n_funnels, stats *st) {
  rq_dataset ds;
  rq_dataset_generate(&ds, seed);
  sky_side s;
  rq_buf why;
  rq_buf_init(&why);
  bool ok = side_open(cfg, &s, "main", &ds, &why);
  if (ok && seed % 4 == 0) ok = side_reopen(&s, &why);
  if (!ok) {
    st->load_fail++;
    fprintf(stderr, "==== LOAD FAILED, dataset seed %llu ====\n%s", (unsigned long long)seed, why.data);
  } else {
    run_funnels(cfg, &s, &ds, 0, n_funnels, true, st);
    run_funnels(cfg, &s, &ds, EXTRA_FIRST, EXTRA_FIRST + cfg->interp_extra, false, st);
  }
  side_close(&s);
  rq_buf_free(&why);
  rq_dataset_free(&ds);
}

static long env_long(const char *name, long dflt) {
  const char *v = getenv(name);
  return v && *v ? strtol(v, NULL, 0) : dflt;
}

static void read_config(config *cfg) {
  memset(cfg, 0, sizeof *cfg);
#ifdef SKY_SANITIZED
  cfg->queries = env_long("SKY_FUNNEL_QUERIES", 80);
#else
  cfg->queries = env_long("SKY_FUNNEL_QUERIES", 400);
#endif
  cfg->per_seed = env_long("SKY_FUNNEL_PER_SEED", 20);
  cfg->interp_extra = env_long("SKY_FUNNEL_INTERP_EXTRA", 100);
  cfg->seed0 = (uint64_t)env_long("SKY_FUNNEL_SEED", 1);
  cfg->clauses = (unsigned)env_long("SKY_FUNNEL_CLAUSES", RQF_C_ALL);
  cfg->reports = env_long("SKY_FUNNEL_REPORTS", 5);
  cfg->verbose = env_long("SKY_FUNNEL_VERBOSE", 0) != 0;
  cfg->shrink = env_long("SKY_FUNNEL_SHRINK", 1) != 0;
  cfg->only_seed = cfg->only_query = -1;
  const char *only = getenv("SKY_FUNNEL_ONLY");
  if (only && *only) {
    char *end;
    cfg->only_seed = strtol(only, &end, 10);
    cfg->only_query = *end == ':' ? strtol(end + 1, NULL, 10) : -1;
    cfg->verbose = true;
  }
  if (cfg->per_seed < 1) cfg->per_seed = 1;
  const char *tmp = getenv("SKY_TEST_TMP");
  snprintf(cfg->root, sizeof cfg->root, "%s/funnels-%ld", tmp && *tmp ? tmp : "/tmp", (long)getpid());
}

static void test_random_funnels(void **state) {
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
  printf("random funnels: %ld (%ld on the interpreter only; dataset seeds %llu..%llu; clauses 0x%x): %ld answers "
         "compared (%ld non-empty), %ld expected errors; mismatches: %ld brute force, %ld jit; %ld load failures; "
         "%.1f s (brute force %.1f, interpreter %.1f, jit %.1f)\n",
         st.queries, st.interp_only, (unsigned long long)cfg.seed0, (unsigned long long)(seed - 1), cfg.clauses,
         st.rows_checked, st.nonempty, st.errors_checked, st.naive_diff, st.engine_diff, st.load_fail,
         sky_clock_s() - t0, st.secs[0], st.secs[1], st.secs[2]);
  remove_tree(cfg.root);
  assert_int_equal(st.load_fail, 0);
  assert_int_equal(st.naive_diff, 0);
  assert_int_equal(st.engine_diff, 0);
  assert_true(st.queries > 0);
}

int main(void) {
  config cfg;
  read_config(&cfg);
  remove_tree(cfg.root);
  if (mkdir(cfg.root, 0755) != 0) return 1;
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_funnels)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
