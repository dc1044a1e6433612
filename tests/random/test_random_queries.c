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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "random/rq_driver.h"

typedef rqd_config config; /* the knobs: SKY_RANDOM_QUERIES, ... */

typedef struct stats {
  rqd_stats c;
  long over, over_rows, over_errors; /* statements with OVER OBJECT: all, answers compared, errors expected */
  long filter, filter_rows, filter_errors; /* statements with an aggregate FILTER: the same */
  long path, path_rows, path_errors; /* statements with next, prev, nth or dwell: the same */
  long age, age_rows;       /* statements with age(): all, answers compared */
  long lapse, lapse_rows;   /* statements reading a STATE property that lapses (EXPIRES) */
  long during, during_rows; /* SELECT ... DURING: all, answers compared */
  long as_of, as_of_rows, as_of_nonempty, as_of_errors; /* SELECT ... AS OF: all, answers, non-empty ones, errors */
} stats;

/* ---- comparing answers --------------------------------------------------------- */

/* stddev: the engines update in path order and merge partitions
 * pairwise, the checker sums twice; they agree to rounding. */
static bool near_cell(const sky_value *v, const rq_val *e) {
  if (e->t != RQ_FLOAT || v->type != SKY_TYPE_FLOAT) return e->t == RQ_NULL && v->type == SKY_TYPE_NULL;
  double d = v->as.f - e->f, scale = fabs(e->f) > 1 ? fabs(e->f) : 1;
  return fabs(d) <= 1e-9 * scale;
}

/* The column names the query's items must get. */
typedef struct item_names {
  rq_buf buf[RQ_MAX_ITEMS];
  const char *name[RQ_MAX_ITEMS];
} item_names;

static void item_names_init(item_names *n, const rq_query *q) {
  for (int i = 0; i < q->n_items; i++) {
    rq_buf_init(&n->buf[i]);
    rq_item_name(&n->buf[i], q, i);
    n->name[i] = n->buf[i].data;
  }
}

static void item_names_free(item_names *n, const rq_query *q) {
  for (int i = 0; i < q->n_items; i++) rq_buf_free(&n->buf[i]);
}

static bool same_rows(const rq_query *q, const item_names *names, const rq_answer *a, const sky_result *r,
                      rq_buf *why) {
  if (!rqd_same_shape(r, q->n_items, names->name, a->n_rows, why)) return false;
  for (size_t row = 0; row < a->n_rows; row++)
    for (int i = 0; i < q->n_items; i++) {
      const rq_node *item = q->items[i];
      bool approx = item->kind == RQ_E_AGG && item->op == RQ_STDDEV;
      const sky_value *got = sky_result_cell(r, row, (size_t)i);
      const rq_val *want = &a->cells[row * (size_t)q->n_items + (size_t)i];
      if (!(approx ? near_cell(got, want) : rqd_same_cell(got, want))) {
        rq_buf_printf(why, "row %zu column %d differs", row + 1, i + 1);
        return false;
      }
    }
  return true;
}

/* The interpreter's reply against what the checker expects. */
static bool naive_agrees(const rq_query *q, const item_names *names, const rq_answer *a, const rqd_reply *ri,
                         rq_buf *why) {
  if (q->expect != RQ_EXPECT_ROWS) return rqd_expected_outcome(q->expect, q->expect_code, ri, why);
  if (a->overflow) {
    if (!ri->r && ri->err.code == SKY_ERR_NUMERIC_OVERFLOW) return true;
    rq_buf_puts(why, "expected numeric_overflow");
    return false;
  }
  return rqd_expected_outcome(q->expect, q->expect_code, ri, why) && same_rows(q, names, a, ri->r, why);
}

/* ---- one query ------------------------------------------------------------------- */

/* Runs `q` on the interpreter (and on the JIT when `jit`) and compares. */
static void check_query(rqd_side *s, const rq_dataset *ds, const void *stmt, bool jit, rqd_run *o) {
  const rq_query *q = stmt;
  rqd_run_init(o);
  rq_query_render(&o->text, q);
  item_names names;
  item_names_init(&names, q);
  double t0 = sky_clock_s();
  rq_answer a;
  memset(&a, 0, sizeof a);
  if (q->expect != RQ_EXPECT_ROWS) {
    rqd_print_expected(o, q->expect, q->expect_code);
  } else {
    rq_evaluate(ds, q, &a);
    o->n_rows = a.n_rows;
    if (a.overflow) {
      o->expected = RQD_ERROR;
      rq_buf_puts(&o->naive, "error numeric_overflow");
    } else {
      rqd_print_rows(&o->naive, names.name, q->n_items, a.cells, a.n_rows);
    }
  }
  o->secs[0] = sky_clock_s() - t0;
  rqd_run_engines(s, o, jit);
  rqd_run_judge(o, naive_agrees(q, &names, &a, &o->ri, &o->why));
  rq_answer_free(&a);
  item_names_free(&names, q);
}

/* ---- shrinking ------------------------------------------------------------------------ */

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
static bool simplify(const void *stmt, void *out, int step) {
  const rq_query *q = stmt;
  rq_query *t = out;
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

/* Copies share the original's nodes: shrinking only re-links clauses. */
static void *clone_query(const void *stmt) {
  rq_query *q = malloc(sizeof *q);
  if (!q) abort();
  memcpy(q, stmt, sizeof *q);
  return q;
}

/* Keeps `dst`'s nodes: copies only the clause fields. */
static void assign_query(void *dst, const void *src) {
  rq_query *q = dst;
  const rq_query *t = src;
  memcpy(q->items, t->items, sizeof q->items);
  memcpy(q->alias, t->alias, sizeof q->alias);
  memcpy(q->pad, t->pad, sizeof q->pad);
  memcpy(q->key_alias_item, t->key_alias_item, sizeof q->key_alias_item);
  q->n_items = t->n_items;
  q->n_order = t->n_order;
  q->limit = t->limit;
  q->having = t->having;
  q->where = t->where;
}

static const rqd_ops query_ops = {
    .what = "query", .naive = "naive", .tag = "random", .check = check_query,
    .clone = clone_query, .assign = assign_query, .release = free, .simplify = simplify,
    .n_steps = 8 + RQ_MAX_ITEMS, .stmt_budget = 60, .data_budget = 400,
};

/* ---- the run ---------------------------------------------------------------------- */

/* Where a query ran: the dataset as loaded so far, and how it got there. */
typedef struct context {
  const rq_dataset *view; /* the events the database holds (after deletes) */
  const char *how;        /* "", or the history that preceded the run */
  bool interp_only;       /* skip the JIT (the cheap naive-vs-interpreter checks) */
} context;

static void run_one(const config *cfg, rqd_side *s, const context *cx, const rq_query *q, long qi, stats *st) {
  rqd_run o;
  rqd_check_one(cfg, &query_ops, s, cx->view, q, qi, !cx->interp_only, cx->how, &st->c, &o);
  if (rq_query_uses_over(q)) {
    st->over++;
    st->over_rows += o.expected == RQD_ROWS;
    st->over_errors += o.expected == RQD_ERROR && q->expect != RQ_EXPECT_ERROR;
  }
  if (rq_query_uses_state_time(q, cx->view, false)) st->age++, st->age_rows += o.expected == RQD_ROWS;
  if (rq_query_uses_state_time(q, cx->view, true)) st->lapse++, st->lapse_rows += o.expected == RQD_ROWS;
  if (rq_query_uses_filter(q)) {
    st->filter++;
    st->filter_rows += o.expected == RQD_ROWS;
    st->filter_errors += o.expected == RQD_ERROR && q->expect != RQ_EXPECT_ERROR;
  }
  if (q->during) st->during++, st->during_rows += o.expected == RQD_ROWS;
  if (q->has_as_of) {
    st->as_of++;
    st->as_of_rows += o.expected == RQD_ROWS;
    st->as_of_nonempty += o.expected == RQD_ROWS && o.n_rows > 0;
    st->as_of_errors += o.expected == RQD_ERROR && q->expect != RQ_EXPECT_ERROR;
  }
  if (rq_query_uses_path(q)) {
    st->path++;
    st->path_rows += o.expected == RQD_ROWS;
    st->path_errors += o.expected == RQD_ERROR && q->expect != RQ_EXPECT_ERROR;
  }
  rqd_run_free(&o);
}
/* Queries first..end-1 (every `step`-th) of seed `ds->seed` against the
 * database holding `view`. A fifth of them run again with keywords in the
 * other case: the same normalized text, so the JIT answers from its cache,
 * yet the column names must follow the new text. */
static void run_queries(const config *cfg, rqd_side *s, const rq_dataset *ds, context cx, long first, long end,
                        long step, stats *st) {
  rq_query *q = malloc(sizeof *q);
  if (!q) return;
  for (long i = first; i < end; i += step) {
    if (cfg->only_query >= 0 && i != cfg->only_query) continue;
    uint64_t qseed = ds->seed * 100000 + (uint64_t)i;
    rq_query_generate(q, ds, qseed);
    run_one(cfg, s, &cx, q, i, st);
    if (qseed % 5 == 0) {
      q->lower_keywords = !q->lower_keywords;
      context twin = cx;
      twin.how = step > 1 ? " (replayed after more data, keywords in the other case)" : " (keywords in the other case)";
      run_one(cfg, s, &twin, q, i, st);
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
  st->c.load_fail++;
  fprintf(stderr, "==== LOAD FAILED, dataset seed %llu ====\n%s", (unsigned long long)ds->seed, why->data);
  rq_buf b;
  rq_buf_init(&b);
  rqd_print_dataset(&b, ds);
  fprintf(stderr, "%s", b.data);
  rq_buf_free(&b);
}

/* The second phase of a two-phase seed: maybe delete an object, load the
 * last batch, maybe reopen, then run the second half of the queries and
 * replay every third query of the first half on the new snapshot. */
static void second_phase(const config *cfg, rqd_side *s, const rq_dataset *ds, const rq_dataset *before, rq_rng *r,
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
    ok = rqd_exec_ok(s->interp, stmt, -1, &why);
    rq_buf_printf(&how, " (after DELETE OBJECT %llu", (unsigned long long)deleted);
  }
  ok = ok && rqd_load_batch(s, ds, last, &why);
  rq_buf_printf(&how, "%s then loading batch %d", how.len ? "," : " (after", last);
  if (ok && rq_chance(r, 30)) {
    ok = rqd_side_reopen(s, &why);
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
    run_queries(cfg, s, ds, cx, RQD_EXTRA_FIRST, RQD_EXTRA_FIRST + cfg->interp_extra, 1, st);
  }
  rq_dataset_free(&after);
  rq_buf_free(&why);
  rq_buf_free(&how);
}

/* One dataset: loaded whole, or (half the time) all but its last batch
 * first, so later queries meet a changed snapshot, dictionaries and maybe
 * a deleted object and a reopened database. */
typedef struct seed_ctx {
  const config *cfg;
  stats *st;
} seed_ctx;

static void run_seed(uint64_t seed, long n_queries, void *ctx) {
  const config *cfg = ((const seed_ctx *)ctx)->cfg;
  stats *st = ((const seed_ctx *)ctx)->st;
  rq_dataset ds;
  rq_dataset_generate(&ds, seed);
  rq_rng r;
  rq_rng_seed(&r, seed ^ 0x5EEDull);
  bool two_phase = ds.n_batches >= 2 && rq_chance(&r, 50);
  int first = two_phase ? ds.n_batches - 1 : ds.n_batches;
  rq_dataset before;
  dataset_view(&before, &ds, first, 0, 0);
  rqd_side s;
  rq_buf why;
  rq_buf_init(&why);
  bool ok = rqd_side_open(&s, cfg->root, "main", &ds, first, &why);
  bool reopened = ok && !two_phase && rq_chance(&r, 25);
  if (reopened) ok = rqd_side_reopen(&s, &why);
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
      run_queries(cfg, &s, &ds, cx, RQD_EXTRA_FIRST, RQD_EXTRA_FIRST + cfg->interp_extra, 1, st);
    }
  }
  rqd_side_close(&s);
  rq_buf_free(&why);
  rq_dataset_free(&before);
  rq_dataset_free(&ds);
}

static void test_random_queries(void **state) {
  (void)state;
  config cfg;
  /* ASan/UBSan builds: a third of the queries, for time. */
  assert_true(rqd_config_read(&cfg, "SKY_RANDOM", "random", RQD_SANITIZED ? 1000 : 3000, 100, 150));
  stats st;
  memset(&st, 0, sizeof st);
  double t0 = sky_clock_s();
  seed_ctx sc = {.cfg = &cfg, .st = &st};
  uint64_t last = rqd_each_seed(&cfg, run_seed, &sc);
  const rqd_stats *c = &st.c;
  printf("random queries: %ld (%ld on the interpreter only; dataset seeds %llu..%llu): %ld answers compared "
         "(%ld non-empty), %ld expected errors, %ld engine-only; OVER OBJECT in %ld (%ld answers, %ld errors); "
         "FILTER in %ld (%ld answers, %ld errors); "
         "next/prev/nth/dwell in %ld (%ld answers, %ld errors); "
         "age() in %ld (%ld answers); lapsing states read in %ld (%ld answers); DURING in %ld (%ld answers); "
         "AS OF in %ld (%ld answers, %ld non-empty, %ld errors); "
         "mismatches: %ld naive, %ld jit; %ld load failures; %.1f s (naive %.1f, interpreter %.1f, jit %.1f)\n",
         c->queries, c->interp_only, (unsigned long long)cfg.seed0, (unsigned long long)last, c->rows_checked,
         c->nonempty, c->errors_checked, c->engine_only, st.over, st.over_rows, st.over_errors, st.filter,
         st.filter_rows, st.filter_errors, st.path, st.path_rows, st.path_errors, st.age, st.age_rows, st.lapse,
         st.lapse_rows, st.during, st.during_rows, st.as_of, st.as_of_rows, st.as_of_nonempty, st.as_of_errors,
         c->naive_diff,
         c->engine_diff, c->load_fail, sky_clock_s() - t0, c->secs[0], c->secs[1], c->secs[2]);
  rqd_finish(&cfg, c);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_queries)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
