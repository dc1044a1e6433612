/* bench_jit.c — the LLVM back end's headline numbers: events/s of the
 * compiled scans of Q1-Q5 on warm, decoded, in-memory data of the
 * reference shape (10M events, ~460K objects of ~21 events, 64 partitions;
 * 20 actions with purchase at 2%; plan and country STATE STRINGs changing
 * rarely; price an EVENT FLOAT on 2% of events), on 1 and 2 threads (best
 * of 5), the interpreter on 1 thread, compile time p50/p99 and the cost of
 * a cache hit. Every JIT table is first checked word for word against the
 * interpreter's. The data comes from the project's generator (storage/gen.h,
 * seed 1) decoded into in-memory chunks, partitioned by sky_partition_of.
 *
 * Plans are built by hand (tests/jit/jit_fixture.h) exactly as the binder
 * shapes them, so the benchmark depends on neither parser nor storage.
 *
 *   bench_jit [--events N] [--runs N] [--compiles N] [--ir 1..5] [--only 1..5]
 *             [--callgrind 1] [--passes PIPELINE] [--cg-level 0..3]
 *
 * Timings on a shared machine are noisy; instruction counts are not:
 *   valgrind --tool=callgrind --collect-atstart=no bench_jit --only 5 --callgrind 1
 * collects exactly one single-threaded JIT scan of the query (Ir / events =
 * instructions per event, helpers included).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT
#endif

#include "codegen/jit.h"
#include "codegen/jit_internal.h"
#include "codegen/select.h"
#include "common/clock.h"
#include "common/hash.h"
#include "common/timeutil.h"
#include "jit_fixture.h"
#include "storage/gen.h"

enum { N_PARTS = 64, PURCHASE = 1 };
enum { PROP_PLAN, PROP_COUNTRY, PROP_PRICE, N_PROPS };

/* ---- data ----------------------------------------------------------------
 * The project's generator (storage/gen.h: the reference shape, seed 1),
 * decoded straight into per-partition chunks: strings interned into
 * dictionary codes (1-based, in order of first appearance). */

typedef struct dict {
  const char *s[64];
  uint32_t n;
} dict;

static uint32_t intern(dict *d, const char *s) {
  if (!s) return 0;
  for (uint32_t i = 0; i < d->n; i++)
    if (d->s[i] == s || !strcmp(d->s[i], s)) return i + 1;
  d->s[d->n++] = s;
  return d->n;
}

static dict g_actions, g_plans, g_countries;

static void generate(jf_chunk *parts, uint64_t n_events) {
  static const sky_prop_type types[N_PROPS] = {SKY_PTYPE_STRING, SKY_PTYPE_STRING, SKY_PTYPE_FLOAT};
  for (int p = 0; p < N_PARTS; p++) jf_chunk_init(&parts[p], N_PROPS, types);
  intern(&g_actions, "purchase"); /* code 1, whatever the generator draws first */
  sky_gen *g = sky_gen_create(1, n_events);
  if (!g) exit(1);
  sky_gen_event ev;
  while (sky_gen_next(g, &ev)) {
    jf_chunk *ch = &parts[sky_partition_of(ev.obj) % N_PARTS];
    jf_chunk_event(ch, ev.obj, ev.ts, intern(&g_actions, ev.action));
    if (ev.plan) jf_chunk_set(ch, PROP_PLAN, intern(&g_plans, ev.plan));
    if (ev.country) jf_chunk_set(ch, PROP_COUNTRY, intern(&g_countries, ev.country));
    if (ev.price_cents >= 0) jf_chunk_set_float(ch, PROP_PRICE, (double)ev.price_cents / 100.0);
  }
  sky_gen_free(g);
  /* As the storage engine does for a sparse column: price (2% of events)
   * lists its present events. */
  for (int p = 0; p < N_PARTS; p++) jf_chunk_index(&parts[p]);
}

/* ---- the five queries ------------------------------------------------------------ */

typedef struct query {
  const char *name, *text;
  jf_plan f;
  uint64_t rc[4];
} query;

static sky_expr *state_str(jf_plan *f, uint32_t prop) {
  return jf_leaf(f, SKY_OP_PROP_STATE, SKY_VT_STRING, sky_prop_dict(prop), prop);
}

static sky_expr *price(jf_plan *f) { return jf_leaf(f, SKY_OP_PROP_EVENT, SKY_VT_FLOAT, SKY_DOM_NONE, PROP_PRICE); }

static sky_expr *ts(jf_plan *f) { return jf_leaf(f, SKY_OP_TIMESTAMP, SKY_VT_INT, SKY_DOM_NONE, 0); }

static sky_expr *is_purchase(query *q) {
  jf_plan *f = &q->f;
  uint32_t rc = jf_rc(f, SKY_RC_CODE, SKY_DICT_ACTION);
  q->rc[rc] = PURCHASE;
  return jf_op(f, SKY_OP_EQ, SKY_VT_BOOL, SKY_DOM_NONE, 2, jf_leaf(f, SKY_OP_ACTION, SKY_VT_STRING, SKY_DICT_ACTION, 0),
               jf_leaf(f, SKY_OP_RCONST, SKY_VT_STRING, SKY_DICT_ACTION, rc));
}

static void build_queries(query *q) {
  q[0].name = "Q1";
  q[0].text = "SELECT count() WHERE action = 'purchase'";
  jf_plan_init(&q[0].f, N_PROPS);
  jf_filter(&q[0].f, is_purchase(&q[0]));
  jf_agg(&q[0].f, SKY_AGG_COUNT_ALL, NULL, -1);

  q[1].name = "Q2";
  q[1].text = "SELECT count(), objects() WHERE action = 'purchase' GROUP BY state.plan";
  jf_plan_init(&q[1].f, N_PROPS);
  jf_filter(&q[1].f, is_purchase(&q[1]));
  jf_key(&q[1].f, state_str(&q[1].f, PROP_PLAN));
  jf_agg(&q[1].f, SKY_AGG_COUNT_ALL, NULL, -1);
  jf_agg(&q[1].f, SKY_AGG_OBJECTS, NULL, -1);

  q[2].name = "Q3";
  q[2].text = "SELECT sessions() GROUP BY state.country WITHIN SESSION 30m";
  jf_plan_init(&q[2].f, N_PROPS);
  jf_key(&q[2].f, state_str(&q[2].f, PROP_COUNTRY));
  jf_agg(&q[2].f, SKY_AGG_SESSIONS, NULL, -1);
  jf_session(&q[2].f, 30 * SKY_US_PER_MIN);

  q[3].name = "Q4";
  q[3].text = "SELECT count(), avg(event.price) WHERE event.price > 100 GROUP BY hour(timestamp)";
  jf_plan *f = &q[3].f;
  jf_plan_init(f, N_PROPS);
  jf_filter(f, jf_op(f, SKY_OP_GT, SKY_VT_BOOL, SKY_DOM_NONE, 2, price(f),
                     jf_op(f, SKY_OP_TO_FLOAT, SKY_VT_FLOAT, SKY_DOM_NONE, 1, jf_int(f, 100))));
  jf_key(f, jf_op(f, SKY_OP_HOUR, SKY_VT_INT, SKY_DOM_NONE, 1, ts(f)));
  jf_agg(f, SKY_AGG_COUNT_ALL, NULL, -1);
  jf_agg(f, SKY_AGG_AVG, price(f), -1);

  q[4].name = "Q5";
  q[4].text =
      "SELECT state.plan, month(timestamp), sum(price) GROUP BY state.plan, month(timestamp) ORDER BY 3 DESC "
      "LIMIT 10";
  f = &q[4].f;
  jf_plan_init(f, N_PROPS);
  jf_key(f, state_str(f, PROP_PLAN));
  jf_key(f, jf_op(f, SKY_OP_MONTH, SKY_VT_STRING, SKY_DOM_MONTH, 1, ts(f)));
  jf_agg(f, SKY_AGG_SUM, price(f), -1);
  for (int i = 0; i < 5; i++) jf_plan_finish(&q[i].f);
}

/* ---- running --------------------------------------------------------------------- */

typedef struct job {
  sky_scan_fn scan;
  const sky_runtime *rt;
  jf_chunk *parts;
  sky_groups *tables;
  _Atomic int next;
} job;

static void *worker(void *arg) {
  job *j = arg;
  int p;
  while ((p = atomic_fetch_add(&j->next, 1)) < N_PARTS) {
    uint32_t err_expr = 0;
    sky_groups_init(&j->tables[p], j->rt->plan, (sky_budget *)&j->rt->budget);
    int rc = j->scan(j->rt, &j->parts[p].c, &j->tables[p], &err_expr);
    if (rc != SKY_SCAN_OK) {
      fprintf(stderr, "scan failed: %d\n", rc);
      exit(1);
    }
  }
  return NULL;
}

/* Seconds of one run over all partitions on `threads` threads; the tables
 * are left in `tables` (caller frees). */
static double run(sky_scan_fn scan, const sky_runtime *rt, jf_chunk *parts, sky_groups *tables, int threads) {
  job j = {.scan = scan, .rt = rt, .parts = parts, .tables = tables};
  atomic_init(&j.next, 0);
  pthread_t th[8];
  double t0 = sky_clock_s();
  for (int t = 1; t < threads; t++) pthread_create(&th[t], NULL, worker, &j);
  worker(&j);
  for (int t = 1; t < threads; t++) pthread_join(th[t], NULL);
  return sky_clock_s() - t0;
}

static void free_tables(sky_groups *tables) {
  for (int p = 0; p < N_PARTS; p++) sky_groups_free(&tables[p]);
}

static double best_of(int runs, sky_scan_fn scan, const sky_runtime *rt, jf_chunk *parts, int threads) {
  sky_groups tables[N_PARTS];
  double best = 1e30;
  for (int r = 0; r < runs; r++) {
    double s = run(scan, rt, parts, tables, threads);
    free_tables(tables);
    if (s < best) best = s;
  }
  return best;
}

static void check(query *q, sky_scan_fn scan, const sky_runtime *rt, jf_chunk *parts) {
  sky_groups a[N_PARTS], b[N_PARTS];
  run(scan, rt, parts, a, 1);
  run(sky_interp_scan, rt, parts, b, 1);
  for (int p = 0; p < N_PARTS; p++) {
    const char *d = jf_groups_diff(&a[p], &b[p]);
    if (d) {
      fprintf(stderr, "%s: JIT differs from the interpreter in partition %d: %s\n", q->name, p, d);
      exit(1);
    }
  }
  free_tables(a);
  free_tables(b);
}

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

/* Compiles Q1-Q5 (or only query `only`) n times each, uncached. */
static void bench_compile(sky_jit *jit, query *q, int n, int only) {
  double *ms = calloc((size_t)n * 5, sizeof *ms);
  jit_timing sum = {0};
  int k = 0;
  for (int i = 0; i < n; i++) {
    for (int qi = 0; qi < 5; qi++) {
      if (only && qi != only - 1) continue;
      sky_error err;
      sky_jit_query *cq = sky_jit_get(jit, q[qi].f.plan, NULL, &err);
      if (!cq) {
        fprintf(stderr, "compile failed: %s\n", err.message);
        exit(1);
      }
      jit_timing t;
      sky_jit_last_timing(jit, &t);
      ms[k++] = t.total_ms;
      sum.build_ms += t.build_ms, sum.optimize_ms += t.optimize_ms, sum.emit_ms += t.emit_ms, sum.link_ms += t.link_ms;
      sky_jit_query_release(cq);
    }
  }
  qsort(ms, (size_t)k, sizeof *ms, cmp_double);
  const char *which = only ? q[only - 1].name : "Q1-Q5";
  printf("compile (%d compiles of %s): p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", k, which, ms[k / 2], ms[k * 99 / 100],
         ms[k - 1]);
  printf("  mean split: build IR %.2f ms, optimize %.2f ms, machine code %.2f ms, link %.2f ms\n", sum.build_ms / k,
         sum.optimize_ms / k, sum.emit_ms / k, sum.link_ms / k);
  free(ms);
}

static void bench_hits(sky_jit *jit, query *q) {
  sky_error err;
  sky_jit_query *first = sky_jit_get(jit, q[1].f.plan, q[1].text, &err);
  enum { N = 200000 };
  double worst = 0, t0 = sky_clock_s();
  for (int i = 0; i < N; i++) {
    double a = sky_clock_s();
    sky_jit_query *h = sky_jit_get(jit, q[1].f.plan, q[1].text, &err);
    sky_jit_query_release(h);
    double d = sky_clock_s() - a;
    if (d > worst) worst = d;
  }
  double mean = (sky_clock_s() - t0) / N;
  printf("cache hit (get + release): mean %.0f ns, max %.1f us\n", mean * 1e9, worst * 1e6);
  sky_jit_query_release(first);
}

int main(int argc, char **argv) {
  uint64_t n_events = 10000000;
  int runs = 5, compiles = 20, ir = 0, only = 0, cg = 0, cg_level = -1;
  const char *passes = NULL;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--events"))
      n_events = strtoull(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--runs"))
      runs = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--compiles"))
      compiles = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--ir"))
      ir = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--only"))
      only = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--callgrind"))
      cg = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--passes"))
      passes = argv[i + 1];
    else if (!strcmp(argv[i], "--cg-level"))
      cg_level = atoi(argv[i + 1]);
  }
  sky_error err;
  sky_jit *jit = sky_jit_create(0, &err);
  if (!jit) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  sky_jit_tune(jit, passes, cg_level);
  static query q[5];
  build_queries(q);
  if (ir) {
    sky_buf out;
    sky_buf_init(&out);
    if (sky_jit_explain_ir(jit, q[ir - 1].f.plan, &out, &err) != 0)
      fprintf(stderr, "%s\n", err.message);
    else
      fputs(out.data, stdout);
    sky_buf_free(&out);
    sky_jit_free(jit);
    return 0;
  }
  static jf_chunk parts[N_PARTS];
  double g0 = sky_clock_s();
  generate(parts, n_events);
  uint64_t objs = 0;
  for (int p = 0; p < N_PARTS; p++) objs += parts[p].c.n_objects;
  printf("data: %llu events, %llu objects, %d partitions (generated in %.1f s)\n", (unsigned long long)n_events,
         (unsigned long long)objs, N_PARTS, sky_clock_s() - g0);
  printf("%-4s %12s %12s %12s %10s\n", "", "jit 1T ev/s", "jit 2T ev/s", "interp ev/s", "compile");
  for (int i = 0; i < 5; i++) {
    if (only && only != i + 1) continue;
    sky_runtime rt;
    jf_runtime(&rt, q[i].f.plan, q[i].rc, 0);
    sky_jit_query *cq = sky_jit_get(jit, q[i].f.plan, q[i].text, &err);
    if (!cq) {
      fprintf(stderr, "%s: %s\n", q[i].name, err.message);
      return 1;
    }
    sky_jit_stats st;
    sky_jit_get_stats(jit, &st);
    sky_scan_fn fn = sky_jit_query_fn(cq);
    if (cg) {
      sky_groups tables[N_PARTS];
      CALLGRIND_TOGGLE_COLLECT;
      run(fn, &rt, parts, tables, 1);
      CALLGRIND_TOGGLE_COLLECT;
      free_tables(tables);
      printf("%s: one JIT scan collected\n", q[i].name);
      sky_jit_query_release(cq);
      continue;
    }
    check(&q[i], fn, &rt, parts);
    double t1 = best_of(runs, fn, &rt, parts, 1);
    double t2 = best_of(runs, fn, &rt, parts, 2);
    double ti = best_of(runs > 2 ? 2 : runs, sky_interp_scan, &rt, parts, 1);
    printf("%-4s %12.3g %12.3g %12.3g %8.1fms   %s\n", q[i].name, n_events / t1, n_events / t2, n_events / ti,
           st.last_compile_ms, q[i].text);
    sky_jit_query_release(cq);
  }
  if (!cg) {
    bench_compile(jit, q, compiles, only);
    bench_hits(jit, q);
  }
  for (int p = 0; p < N_PARTS; p++) jf_chunk_free(&parts[p]);
  for (int i = 0; i < 5; i++) jf_plan_free(&q[i].f);
  sky_jit_free(jit);
  return 0;
}
