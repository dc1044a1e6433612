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

/* ---- one funnel -------------------------------------------------------------------- */

/* The `name` column holds step numbers standing for the step texts. */
static bool same_funnel_cell(const sky_value *got, const rq_val *want, int col, const void *ctx) {
  const rqf_answer *a = ctx;
  if (col != a->name_col) return rqd_same_cell(got, want);
  const char *s = a->step_names[want->i - 1];
  size_t n = strlen(s);
  return got->type == SKY_TYPE_STRING && got->as.s.len == n && memcmp(got->as.s.ptr, s, n) == 0;
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
                (f->expect != RQ_EXPECT_ROWS ||
                 rqd_same_table(o->ri.r, a.n_cols, a.names, a.cells, a.n_rows, same_funnel_cell, &a, &o->why));
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

static void *create_funnel(void) { return rqf_create(); }

static void generate_funnel(void *stmt, const rq_dataset *ds, uint64_t seed, unsigned clauses) {
  rqf_generate(stmt, ds, seed, clauses);
}

static void assign_funnel(void *dst, const void *src) { rqf_copy(dst, src); }
static void free_funnel(void *stmt) { rqf_free(stmt); }

static const rqd_ops funnel_ops = {
    .what = "funnel", .naive = "brute force", .tag = "funnel", .check = check_funnel,
    .create = create_funnel, .generate = generate_funnel, .assign = assign_funnel,
    .release = free_funnel, .simplify = simplify, .n_steps = 13 + RQF_MAX_STEPS, .stmt_budget = 80,
    .data_budget = 300,
};

/* ---- the run --------------------------------------------------------------------------- */

static void test_random_funnels(void **state) {
  (void)state;
  rqd_config cfg;
  assert_true(rqd_config_read(&cfg, "SKY_FUNNEL", "funnels", RQD_SANITIZED ? 80 : 400, 20, 100));
  rqd_stats st;
  memset(&st, 0, sizeof st);
  double t0 = sky_clock_s();
  rqd_plain run = {.cfg = &cfg, .ops = &funnel_ops, .dataset = rq_dataset_generate, .st = &st,
                   .clauses = (unsigned)rqd_env_long("SKY_FUNNEL_CLAUSES", RQF_C_ALL)};
  uint64_t last = rqd_plain_run(&run);
  printf("random funnels: %ld (%ld on the interpreter only; dataset seeds %llu..%llu; clauses 0x%x): %ld answers "
         "compared (%ld non-empty), %ld expected errors; mismatches: %ld brute force, %ld jit; %ld load failures; "
         "%.1f s (brute force %.1f, interpreter %.1f, jit %.1f)\n",
         st.queries, st.interp_only, (unsigned long long)cfg.seed0, (unsigned long long)last, run.clauses,
         st.rows_checked, st.nonempty, st.errors_checked, st.naive_diff, st.engine_diff, st.load_fail,
         sky_clock_s() - t0, st.secs[0], st.secs[1], st.secs[2]);
  rqd_finish(&cfg, &st);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_funnels)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
