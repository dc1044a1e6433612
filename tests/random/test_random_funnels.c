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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "random/rq_driver.h"
#include "random/rq_funnel.h"

typedef struct config {
  rqd_config c; /* the shared knobs (SKY_FUNNEL_QUERIES, ...) */
  unsigned clauses;
} config;

/* ---- one funnel -------------------------------------------------------------------- */

static bool same_text_cell(const sky_value *v, const char *s) {
  size_t n = strlen(s);
  return v->type == SKY_TYPE_STRING && v->as.s.len == n && memcmp(v->as.s.ptr, s, n) == 0;
}

static bool same_rows(const rqf_answer *a, const sky_result *r, rq_buf *why) {
  const char *names[RQF_MAX_COLS];
  for (int i = 0; i < a->n_cols; i++) names[i] = a->names[i];
  if (!rqd_same_shape(r, a->n_cols, names, a->n_rows, why)) return false;
  for (size_t row = 0; row < a->n_rows; row++)
    for (int i = 0; i < a->n_cols; i++) {
      const sky_value *got = sky_result_cell(r, row, (size_t)i);
      const rq_val *want = &a->cells[row * (size_t)a->n_cols + (size_t)i];
      bool ok = i == a->name_col ? same_text_cell(got, a->step_names[want->i - 1]) : rqd_same_cell(got, want);
      if (!ok) {
        rq_buf_printf(why, "row %zu column %d (%s) differs", row + 1, i + 1, a->names[i]);
        return false;
      }
    }
  return true;
}

/* The brute-force answer against the interpreter, the JIT against the
 * interpreter. */
static void check_funnel(rqd_side *s, const rq_dataset *ds, const void *stmt, bool jit, rqd_run *o) {
  const rqf_funnel *f = stmt;
  rqd_run_init(o);
  rqf_render(&o->text, f);
  double t0 = sky_clock_s();
  rqf_answer a;
  memset(&a, 0, sizeof a);
  if (f->expect == RQ_EXPECT_ROWS) {
    rqf_evaluate(ds, f, &a);
    rqf_answer_print(&o->naive, &a);
    o->n_rows = a.n_rows;
  } else {
    rqd_print_expected(o, f->expect, f->expect_code);
  }
  o->secs[0] = sky_clock_s() - t0;
  rqd_run_engines(s, o, jit);
  bool agrees = rqd_expected_outcome(f->expect, f->expect_code, &o->ri, &o->why) &&
                (f->expect != RQ_EXPECT_ROWS || same_rows(&a, o->ri.r, &o->why));
  rqd_run_judge(o, agrees);
  rqf_answer_free(&a);
}

/* ---- shrinking ------------------------------------------------------------------------ */

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
static bool simplify(const void *stmt, void *out, int step) {
  const rqf_funnel *f = stmt;
  rqf_funnel *t = out;
  rqf_copy(t, f);
  switch (step) {
  case 0: t->tail.n_sort = 0; return f->tail.n_sort > 0;
  case 1: t->tail.limit = -1; return f->tail.limit >= 0;
  case 2: t->tail.having.on = false; return f->tail.having.on;
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
    if (f->n_keys == 0 || f->tail.having.on || f->tail.n_sort) return false;
    t->n_keys--;
    return true;
  case 11:
    if (f->n_hold == 0 || f->tail.having.on || f->tail.n_sort) return false;
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

static void *clone_funnel(const void *stmt) {
  rqf_funnel *f = rqf_create();
  rqf_copy(f, stmt);
  return f;
}

static void assign_funnel(void *dst, const void *src) { rqf_copy(dst, src); }
static void free_funnel(void *stmt) { rqf_free(stmt); }

static const rqd_ops funnel_ops = {
    .what = "funnel", .naive = "brute force", .tag = "funnel", .check = check_funnel,
    .clone = clone_funnel, .assign = assign_funnel, .release = free_funnel, .simplify = simplify,
    .n_steps = 13 + RQF_MAX_STEPS, .stmt_budget = 80, .data_budget = 300,
};

/* ---- the run --------------------------------------------------------------------------- */

typedef struct seed_ctx {
  const config *cfg;
  rqd_stats *st;
} seed_ctx;

static void run_funnels(const config *cfg, rqd_side *s, const rq_dataset *ds, long first, long end, bool jit,
                        rqd_stats *st) {
  rqf_funnel *f = rqf_create();
  for (long i = first; i < end; i++) {
    if (cfg->c.only_query >= 0 && i != cfg->c.only_query) continue;
    rqf_generate(f, ds, ds->seed * 100000 + (uint64_t)i, cfg->clauses);
    rqd_run o;
    rqd_check_one(&cfg->c, &funnel_ops, s, ds, f, i, jit, "", st, &o);
    rqd_run_free(&o);
  }
  rqf_free(f);
}

static void run_seed(uint64_t seed, long n_funnels, void *ctx) {
  const seed_ctx *sc = ctx;
  rq_dataset ds;
  rq_dataset_generate(&ds, seed);
  rqd_side s;
  if (rqd_open_dataset(&s, &sc->cfg->c, &ds, sc->st)) {
    run_funnels(sc->cfg, &s, &ds, 0, n_funnels, true, sc->st);
    run_funnels(sc->cfg, &s, &ds, RQD_EXTRA_FIRST, RQD_EXTRA_FIRST + sc->cfg->c.interp_extra, false, sc->st);
  }
  rqd_side_close(&s);
  rq_dataset_free(&ds);
}

static void test_random_funnels(void **state) {
  (void)state;
  config cfg;
#ifdef SKY_SANITIZED
  rqd_config_read(&cfg.c, "SKY_FUNNEL", "funnels", 80, 20, 100);
#else
  rqd_config_read(&cfg.c, "SKY_FUNNEL", "funnels", 400, 20, 100);
#endif
  cfg.clauses = (unsigned)rqd_env_long("SKY_FUNNEL_CLAUSES", RQF_C_ALL);
  assert_true(rqd_root_create(&cfg.c));
  rqd_stats st;
  memset(&st, 0, sizeof st);
  double t0 = sky_clock_s();
  seed_ctx sc = {.cfg = &cfg, .st = &st};
  uint64_t last = rqd_each_seed(&cfg.c, run_seed, &sc);
  printf("random funnels: %ld (%ld on the interpreter only; dataset seeds %llu..%llu; clauses 0x%x): %ld answers "
         "compared (%ld non-empty), %ld expected errors; mismatches: %ld brute force, %ld jit; %ld load failures; "
         "%.1f s (brute force %.1f, interpreter %.1f, jit %.1f)\n",
         st.queries, st.interp_only, (unsigned long long)cfg.c.seed0, (unsigned long long)last, cfg.clauses,
         st.rows_checked, st.nonempty, st.errors_checked, st.naive_diff, st.engine_diff, st.load_fail,
         sky_clock_s() - t0, st.secs[0], st.secs[1], st.secs[2]);
  rqd_remove_tree(cfg.c.root);
  assert_int_equal(st.load_fail, 0);
  assert_int_equal(st.naive_diff, 0);
  assert_int_equal(st.engine_diff, 0);
  assert_true(st.queries > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_funnels)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
