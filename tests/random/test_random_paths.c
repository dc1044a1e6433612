/* test_random_paths.c — the brute-force PATHS checker against both engines
 * (PATHS.md §4).
 *
 * For a series of seeds: build a dataset (rq_data.c: ties of equal
 * timestamps in arrival order, one-event and long objects, sparse
 * properties, gaps of exactly the session length and 1 µs off it, long
 * jumps), load it into a fresh data directory through the public API
 * (INSERT, CSV and NDJSON batches; one seed in four reopened before
 * querying), then run random PATHS statements (rq_paths_gen.c). Each is
 * checked twice:
 *   - the interpreter's reply against the brute-force evaluator
 *     (rq_paths_eval.c): column names, row count and order, every value
 *     exactly (avg_time is (double)sum / (double)count); expected errors
 *     by code;
 *   - the JIT's reply against the interpreter's: identical JSON.
 * Each dataset then gets SKY_PATHS_INTERP_EXTRA more statements checked on
 * the interpreter alone. A mismatch prints the seed, the dataset, the
 * statement and every answer, then shrinks statement and dataset while it
 * persists and saves the minimal reproduction as a .sql script
 * (rq_driver.c).
 *
 * Environment:
 *   SKY_PATHS_QUERIES      statements on both engines (default 250, 60 in
 *                          sanitizer builds)
 *   SKY_PATHS_PER_SEED     of those, per dataset (default 20)
 *   SKY_PATHS_INTERP_EXTRA more per dataset on the interpreter only (default 40)
 *   SKY_PATHS_SEED         first dataset seed (default 1); seeds are consecutive
 *   SKY_PATHS_CLAUSES      clause bitmask (rq_paths.h RQP_C_*; default all, 0x7FF)
 *   SKY_PATHS_ONLY         "seed:statement" runs just that one, verbosely
 *   SKY_PATHS_VERBOSE      1 prints every statement and answer
 *   SKY_PATHS_SHRINK       0 turns shrinking off
 *   SKY_PATHS_REPORTS      mismatches reported in full (default 5)
 * A longer manual run, e.g. 5,000 statements from seed 100:
 *   SKY_PATHS_QUERIES=5000 SKY_PATHS_SEED=100 SKY_TEST_TMP=/tmp \
 *     build/release/tests/random/test_random_paths
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
#include "random/rq_paths.h"
#include "sky.h"

/* The brute-force answer against the interpreter, the JIT against the
 * interpreter. */
static void check_paths(rqd_side *s, const rq_dataset *ds, const void *stmt, bool jit, rqd_run *o) {
  const rqp_stmt *p = stmt;
  rqd_run_init(o);
  rqp_render(&o->text, p);
  double t0 = sky_clock_s();
  rqp_answer a;
  memset(&a, 0, sizeof a);
  rq_expect expect = p->expect;
  int code = p->expect_code;
  if (expect == RQ_EXPECT_ROWS) {
    rqp_evaluate(ds, p, &a);
    if (a.overflow) expect = RQ_EXPECT_CODE, code = SKY_ERR_NUMERIC_OVERFLOW;
  }
  if (expect == RQ_EXPECT_ROWS) {
    const char *names[RQP_COLS];
    for (int i = 0; i < RQP_COLS; i++) names[i] = rqp_names[i];
    rqd_print_rows(&o->naive, names, RQP_COLS, a.cells, a.n_rows);
    o->n_rows = a.n_rows;
  } else {
    rqd_print_expected(o, expect, code);
  }
  o->secs[0] = sky_clock_s() - t0;
  rqd_run_engines(s, o, jit);
  bool agrees = rqd_expected_outcome(expect, code, &o->ri, &o->why) &&
                (expect != RQ_EXPECT_ROWS ||
                 rqd_same_table(o->ri.r, RQP_COLS, rqp_names, a.cells, a.n_rows, NULL, NULL, &o->why));
  rqd_run_judge(o, agrees);
  rqp_answer_free(&a);
}

/* One simplification `step` of `stmt` into `out`; false when not applicable. */
static bool simplify(const void *stmt, void *out, int step) {
  const rqp_stmt *p = stmt;
  rqp_stmt *t = out;
  rqp_copy(t, p);
  if (p->expect != RQ_EXPECT_ROWS) return false;
  switch (step) {
  case 0: t->tail.n_sort = 0; return p->tail.n_sort > 0;
  case 1: t->tail.limit = -1; return p->tail.limit >= 0;
  case 2: t->tail.having.on = false; return p->tail.having.on;
  case 3: t->where = NULL; return p->where != NULL;
  case 4: t->has_session = false; return p->has_session;
  case 5: t->of = NULL; return p->of != NULL;
  case 6: t->k = 1; return p->k > 1;
  case 7: t->k = p->k / 2; return p->k > 2;
  case 8: t->cond = rqb_lit(t->q, rq_bool(true)); return p->cond->kind != RQ_E_LIT;
  case 9: t->before = false; return p->before;
  default: return false;
  }
}

static void *create_stmt(void) { return rqp_create(); }
static void generate_stmt(void *stmt, const rq_dataset *ds, uint64_t seed, unsigned clauses) {
  rqp_generate(stmt, ds, seed, clauses);
}
static void assign_stmt(void *dst, const void *src) { rqp_copy(dst, src); }
static void free_stmt(void *stmt) { rqp_free(stmt); }

static const rqd_ops paths_ops = {
    .what = "statement", .naive = "brute force", .tag = "paths", .check = check_paths,
    .create = create_stmt, .generate = generate_stmt, .assign = assign_stmt,
    .release = free_stmt, .simplify = simplify, .n_steps = 10, .stmt_budget = 60, .data_budget = 300,
};

typedef struct counts {
  long before, of, session, where;
} counts;

static void count_stmt(const void *stmt, void *ctx) {
  const rqp_stmt *p = stmt;
  counts *c = ctx;
  c->before += p->before;
  c->of += p->of != NULL;
  c->session += p->has_session;
  c->where += p->where != NULL;
}

static void test_random_paths(void **state) {
  (void)state;
  rqd_config cfg;
  assert_true(rqd_config_read(&cfg, "SKY_PATHS", "paths", RQD_SANITIZED ? 60 : 250, 20, 40));
  rqd_stats st;
  memset(&st, 0, sizeof st);
  counts c = {0};
  double t0 = sky_clock_s();
  rqd_plain run = {.cfg = &cfg, .ops = &paths_ops, .dataset = rq_dataset_generate, .seen = count_stmt, .ctx = &c,
                   .st = &st, .clauses = (unsigned)rqd_env_long("SKY_PATHS_CLAUSES", RQP_C_ALL)};
  uint64_t last = rqd_plain_run(&run);
  printf("random paths: %ld (%ld BEFORE, %ld OF, %ld WITHIN SESSION, %ld WHERE; %ld on the interpreter only; dataset "
         "seeds %llu..%llu; clauses 0x%x): %ld answers compared (%ld non-empty), %ld expected errors; mismatches: "
         "%ld brute force, %ld jit; %ld load failures; %.1f s (brute force %.1f, interpreter %.1f, jit %.1f)\n",
         st.queries, c.before, c.of, c.session, c.where, st.interp_only, (unsigned long long)cfg.seed0,
         (unsigned long long)last, run.clauses, st.rows_checked, st.nonempty, st.errors_checked, st.naive_diff,
         st.engine_diff, st.load_fail, sky_clock_s() - t0, st.secs[0], st.secs[1], st.secs[2]);
  rqd_finish(&cfg, &st);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_paths)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
