/* test_random_cohorts.c — the brute-force RETENTION, LIFECYCLE and
 * STICKINESS checker against both engines (PATHS.md §2, §3).
 *
 * For a series of seeds: build a dataset shaped for calendar periods
 * (rqc_dataset_generate: months of data, dense hours, or rq_data.c's raw
 * timestamps), load it into a fresh data directory through the public API
 * (INSERT, CSV and NDJSON batches; one seed in four reopened before
 * querying), then run random statements (rq_cohort_gen.c). Each is checked
 * twice:
 *   - the interpreter's reply against the brute-force evaluator
 *     (rq_cohort_eval.c): column names, row count and order, every value
 *     exactly (share is the double nearest objects / cohort_size); expected
 *     errors by code;
 *   - the JIT's reply against the interpreter's: identical JSON.
 * Each dataset then gets SKY_COHORT_INTERP_EXTRA more statements checked on
 * the interpreter alone. An answer that needs a period label outside years
 * 0000-9999 (rq_cohort_eval.c C1) is compared between the engines only.
 *
 * A mismatch prints the seed, the dataset as INSERT statements, the
 * statement and every answer, then shrinks the statement and the dataset
 * while the mismatch persists on a fresh database and prints (and saves as
 * a .sql script for sky-shell) the minimal reproduction (rq_driver.c).
 *
 * Environment:
 *   SKY_COHORT_QUERIES      statements on both engines (default 300, 60 in
 *                           sanitizer builds)
 *   SKY_COHORT_PER_SEED     of those, per dataset (default 15)
 *   SKY_COHORT_INTERP_EXTRA more per dataset on the interpreter only (default 60)
 *   SKY_COHORT_SEED         first dataset seed (default 1); seeds are consecutive
 *   SKY_COHORT_CLAUSES      clause bitmask (rq_cohort.h RQC_C_*; default all,
 *                           0xFFFF); decimal or 0x hex
 *   SKY_COHORT_ONLY         "seed:statement" runs just that one, verbosely
 *   SKY_COHORT_VERBOSE      1 prints every statement and answer
 *   SKY_COHORT_SHRINK       0 turns shrinking off
 *   SKY_COHORT_REPORTS      mismatches reported in full (default 5)
 * A longer manual run, e.g. 5,000 statements from seed 100:
 *   SKY_COHORT_QUERIES=5000 SKY_COHORT_SEED=100 SKY_TEST_TMP=/tmp \
 *     build/release/tests/random/test_random_cohorts
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "random/rq_cohort.h"
#include "random/rq_driver.h"

/* ---- one statement ------------------------------------------------------------------- */

/* The brute-force answer against the interpreter, the JIT against the
 * interpreter. */
static void check_cohort(rqd_side *s, const rq_dataset *ds, const void *stmt, bool jit, rqd_run *o) {
  const rqc_stmt *c = stmt;
  rqd_run_init(o);
  rqc_render(&o->text, c);
  double t0 = sky_clock_s();
  rqc_answer a;
  memset(&a, 0, sizeof a);
  rq_expect expect = c->expect;
  if (expect == RQ_EXPECT_ROWS) {
    rqc_evaluate(ds, c, &a);
    if (a.undefined_label) expect = RQ_EXPECT_UNKNOWN;
  }
  if (expect == RQ_EXPECT_ROWS) {
    const char *names[RQC_MAX_COLS];
    for (int i = 0; i < a.n_cols; i++) names[i] = a.names[i];
    rqd_print_rows(&o->naive, names, a.n_cols, a.cells, a.n_rows);
    o->n_rows = a.n_rows;
  } else {
    rqd_print_expected(o, expect, c->expect_code);
  }
  o->secs[0] = sky_clock_s() - t0;
  rqd_run_engines(s, o, jit);
  bool agrees = rqd_expected_outcome(expect, c->expect_code, &o->ri, &o->why) &&
                (expect != RQ_EXPECT_ROWS ||
                 rqd_same_table(o->ri.r, a.n_cols, a.names, a.cells, a.n_rows, NULL, NULL, &o->why));
  rqd_run_judge(o, agrees);
  rqc_answer_free(&a);
}

/* ---- shrinking ------------------------------------------------------------------------- */

/* One simplification `step` of `stmt` into `out`; false when not applicable. */
static bool simplify(const void *stmt, void *out, int step) {
  const rqc_stmt *c = stmt;
  rqc_stmt *t = out;
  rqc_copy(t, c);
  if (c->expect != RQ_EXPECT_ROWS) return false;
  bool tail_free = !c->tail.having.on && c->tail.n_sort == 0; /* key columns shift column numbers */
  switch (step) {
  case 0: t->tail.n_sort = 0; return c->tail.n_sort > 0;
  case 1: t->tail.limit = -1; return c->tail.limit >= 0;
  case 2: t->tail.having.on = false; return c->tail.having.on;
  case 3: t->where = NULL; return c->where != NULL;
  case 4: t->on_or_after = false; return c->on_or_after;
  case 5: t->rolling = false; return c->rolling;
  case 6: t->recurring = false; return c->recurring;
  case 7: t->n = 1; return c->n > 1 && c->kind == RQC_RETENTION && !c->tail.having.on;
  case 8: t->n = c->n / 2; return c->n > 2 && c->kind == RQC_RETENTION && !c->tail.having.on;
  case 9: t->start = rqb_lit(t->q, rq_bool(true)); return c->kind == RQC_RETENTION && c->start->kind != RQ_E_LIT;
  case 10: t->ret = rqb_lit(t->q, rq_bool(true)); return c->kind == RQC_RETENTION && c->ret->kind != RQ_E_LIT;
  case 11: t->n_keys--; return c->n_keys > 0 && tail_free;
  case 12:
    if (c->n_keys == 0 || !tail_free) return false;
    for (int k = 0; k + 1 < c->n_keys; k++) t->keys[k] = t->keys[k + 1];
    t->n_keys--;
    return true;
  default: return false;
  }
}

static void *create_stmt(void) { return rqc_create(); }

static void generate_stmt(void *stmt, const rq_dataset *ds, uint64_t seed, unsigned clauses) {
  rqc_generate(stmt, ds, seed, clauses);
}

static void assign_stmt(void *dst, const void *src) { rqc_copy(dst, src); }
static void free_stmt(void *stmt) { rqc_free(stmt); }

static const rqd_ops cohort_ops = {
    .what = "statement", .naive = "brute force", .tag = "cohort", .check = check_cohort,
    .create = create_stmt, .generate = generate_stmt, .assign = assign_stmt,
    .release = free_stmt, .simplify = simplify, .n_steps = 13, .stmt_budget = 60, .data_budget = 300,
};

/* ---- the run --------------------------------------------------------------------------- */

static void count_kind(const void *stmt, void *ctx) { ((long *)ctx)[((const rqc_stmt *)stmt)->kind]++; }

static void test_random_cohorts(void **state) {
  (void)state;
  rqd_config cfg;
  assert_true(rqd_config_read(&cfg, "SKY_COHORT", "cohorts", RQD_SANITIZED ? 60 : 300, 15, 60));
  rqd_stats st;
  memset(&st, 0, sizeof st);
  long kinds[3] = {0}; /* statements of each rqc_kind */
  double t0 = sky_clock_s();
  rqd_plain run = {.cfg = &cfg, .ops = &cohort_ops, .dataset = rqc_dataset_generate, .seen = count_kind,
                   .ctx = kinds, .st = &st, .clauses = (unsigned)rqd_env_long("SKY_COHORT_CLAUSES", RQC_C_ALL)};
  uint64_t last = rqd_plain_run(&run);
  printf("random cohorts: %ld (%ld retention, %ld lifecycle, %ld stickiness; %ld on the interpreter only; dataset "
         "seeds %llu..%llu; clauses 0x%x): %ld answers compared (%ld non-empty), %ld expected errors, %ld engines "
         "only (labels outside 0000-9999); mismatches: %ld brute force, %ld jit; %ld load failures; %.1f s (brute "
         "force %.1f, interpreter %.1f, jit %.1f)\n",
         st.queries, kinds[RQC_RETENTION], kinds[RQC_LIFECYCLE], kinds[RQC_STICKINESS], st.interp_only,
         (unsigned long long)cfg.seed0, (unsigned long long)last, run.clauses, st.rows_checked, st.nonempty,
         st.errors_checked, st.engine_only, st.naive_diff, st.engine_diff, st.load_fail, sky_clock_s() - t0,
         st.secs[0], st.secs[1], st.secs[2]);
  rqd_finish(&cfg, &st);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_cohorts)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
