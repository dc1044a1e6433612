/* bench_paths.c — the path statements (PATHS.md) on the peers' benchmark
 * file, so the figures line up with DuckDB's and ClickHouse's
 * (../shared/bench/README.md: the file `gen_events N 42` writes).
 *
 *   bench_paths --csv FILE --dir DIR [--threads T] [--runs R] [--engine jit|interp] [--keep]
 *               [--only TEXT] [--cache-size BYTES] [--regimes]
 *
 * LOADs FILE into DIR/db (unless --keep finds it loaded), then runs each
 * path query (FUNNEL, RETENTION, LIFECYCLE, STICKINESS, PATHS, next(), AS OF; --only: those whose
 * text contains TEXT) warm (best and median of R runs, events/s over the
 * table's events), prints its first rows so the answer can be checked
 * against the peers', and the compile time of fresh 3-, 32- and 64-step
 * funnels.
 * bench/paths.sh builds the file and calls this.
 *
 * --regimes (issue 11): instead, the three queries of the issue (Q1 count of
 * purchases, Q2 count and objects by state.plan, Q3 sessions by
 * state.country) each timed on its first run after opening the data
 * directory (the "after restart" figure: this process just opened it),
 * then best and median of R runs (hot with the default cache, or out of
 * cache with --cache-size a tenth of the decoded size: run once without it
 * to see the decoded bytes the cache holds). Prints the peak RSS of the
 * process. SKY_STREAM_SLICE=-1 turns streaming scans off for comparison.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "common/clock.h"
#include "db/db_internal.h"
#include "sky.h"
#include "storage/cache.h"
#include "storage/table_int.h"

static void die(const char *what, const sky_error *err) {
  fprintf(stderr, "bench_paths: %s: %s: %s\n", what, sky_code_name(err->code), err->message);
  exit(1);
}

static sky_result *exec_or_die(sky_conn *c, const char *sql) {
  sky_error err;
  sky_result *r = sky_exec(c, sql, strlen(sql), &err);
  if (!r) die(sql, &err);
  return r;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* A funnel of `k` steps over the file's actions, cycling through them. */
static char *long_funnel(int k, const char *salt) {
  static const char *const actions[] = {"view", "add_to_cart", "purchase", "signup", "click"};
  size_t cap = 64 + (size_t)k * 48;
  char *s = malloc(cap);
  size_t n = (size_t)snprintf(s, cap, "FUNNEL");
  for (int i = 0; i < k; i++)
    n += (size_t)snprintf(s + n, cap - n, "%s action = '%s'", i ? " THEN" : "", actions[i % 5]);
  snprintf(s + n, cap - n, " WITHIN 7d%s", salt);
  return s;
}

/* --regimes: Q1-Q3, first run then best/median of `runs`. */
static void run_regimes(sky_db *db, sky_conn *c, double events, int runs) {
  static const char *const q[3] = {
      "SELECT count() WHERE action = 'purchase'",
      "SELECT count(), objects() WHERE action = 'purchase' GROUP BY state.plan",
      "SELECT sessions() GROUP BY state.country WITHIN SESSION 30m",
  };
  double *ms = malloc(sizeof *ms * (size_t)runs);
  for (int k = 0; k < 3; k++) {
    double t0 = sky_clock_s();
    sky_result *r = exec_or_die(c, q[k]);
    double first = (sky_clock_s() - t0) * 1e3;
    for (int i = 0; i < runs; i++) {
      t0 = sky_clock_s();
      sky_result_free(exec_or_die(c, q[k]));
      ms[i] = (sky_clock_s() - t0) * 1e3;
    }
    qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
    const sky_value *v = sky_result_cell(r, 0, 0);
    printf("Q%d %s\n  first %.1f ms (%.0f M events/s), then best %.1f ms (%.0f M events/s), median %.1f ms; %zu rows, "
           "first cell %lld\n",
           k + 1, q[k], first, events / first / 1e3, ms[0], events / ms[0] / 1e3, ms[runs / 2], sky_result_rows(r),
           v->type == SKY_TYPE_INT ? (long long)v->as.i : -1LL);
    sky_result_free(r);
  }
  free(ms);
  sky_cache_stats cs;
  sky_cache_get_stats(db->store->cache, &cs);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("decoded cache: %.1f MB held (bound %.1f MB); peak RSS %.1f MB\n", cs.bytes / 1e6,
         sky_cache_capacity(db->store->cache) / 1e6, ru.ru_maxrss / 1e3);
}

int main(int argc, char **argv) {
  const char *csv = NULL, *dir = "bench-paths";
  unsigned threads = 0;
  int runs = 5;
  bool keep = false, interp = false, regimes = false;
  const char *only = NULL;
  size_t cache_size = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--csv") && i + 1 < argc) csv = argv[++i];
    else if (!strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = (unsigned)atoi(argv[++i]);
    else if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--engine") && i + 1 < argc) interp = !strcmp(argv[++i], "interp");
    else if (!strcmp(argv[i], "--keep")) keep = true;
    else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
    else if (!strcmp(argv[i], "--cache-size") && i + 1 < argc) cache_size = (size_t)strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--regimes")) regimes = true;
    else {
      fprintf(stderr, "usage: bench_paths --csv FILE --dir DIR [--threads T] [--runs R] [--engine jit|interp] [--keep]"
                      " [--only TEXT] [--cache-size BYTES] [--regimes]\n");
      return 2;
    }
  }
  if (runs < 1) runs = 1;
  char db_dir[4200];
  snprintf(db_dir, sizeof db_dir, "%s/db", dir);
  mkdir(dir, 0755);
  sky_db_options opt;
  sky_db_options_init(&opt);
  opt.threads = threads;
  opt.load_dir = "/";
  opt.cache_bytes = cache_size;
  sky_error err;
  sky_db *db = sky_db_open(db_dir, &opt, &err);
  if (!db) die("open", &err);
  sky_conn *c = sky_conn_create(db);
  sky_conn_set_engine(c, interp ? SKY_ENGINE_INTERP : SKY_ENGINE_JIT);
  sky_result *r = sky_exec(c, "SELECT count() FROM events", 26, &err);
  if (!r || !keep) {
    if (r) sky_result_free(r), sky_result_free(exec_or_die(c, "DROP TABLE events"));
    if (!csv) {
      fprintf(stderr, "bench_paths: no loaded table in %s: give --csv\n", dir);
      return 2;
    }
    sky_result_free(exec_or_die(c, "CREATE TABLE events (plan STATE STRING, country STATE STRING, price EVENT FLOAT)"));
    char load[4400];
    snprintf(load, sizeof load, "LOAD '%s' INTO events", csv);
    double t0 = sky_clock_s();
    sky_result_free(exec_or_die(c, load));
    printf("load: %.2f s\n", sky_clock_s() - t0);
    r = exec_or_die(c, "SELECT count() FROM events");
  }
  sky_result_free(exec_or_die(c, "USE events"));
  double events = (double)sky_result_cell(r, 0, 0)->as.i;
  sky_result_free(r);
  printf("%.0f events, %s, %u threads (0 = all), best and median of %d warm runs\n", events,
         interp ? "interpreter" : "JIT", threads, runs);

  if (regimes) {
    run_regimes(db, c, events, runs);
    sky_conn_free(c);
    sky_db_close(db);
    return 0;
  }
  char *q32 = long_funnel(32, ""), *q64 = long_funnel(64, "");
  const char *queries[] = {
      "FUNNEL action = 'view' THEN action = 'add_to_cart' THEN action = 'purchase' WITHIN 7d",
      "FUNNEL action = 'view' THEN action = 'add_to_cart' THEN action = 'purchase' WITHIN 7d RETURN OBJECTS DROPPED "
      "AFTER 2",
      "FUNNEL action = 'view' THEN action = 'add_to_cart' THEN action = 'purchase' WITHIN 7d GROUP BY state.country",
      q32,
      q64,
      "RETENTION FROM TRUE TO TRUE EVERY WEEK FOR 5",
      "RETENTION FROM action = 'view' TO action = 'purchase' EVERY WEEK FOR 5 GROUP BY state.country",
      "LIFECYCLE EVERY DAY",
      "STICKINESS EVERY DAY",
      "PATHS AFTER action = 'add_to_cart' STEPS 3",
      /* what comes next (PATHS.md §4; issue 12's goal: >= 500 M events/s on 2 threads) */
      "SELECT count() WHERE action = 'add_to_cart' GROUP BY action", /* next()'s reference: the same without it */
      "SELECT count() WHERE action = 'add_to_cart' GROUP BY next(action)",
      "SELECT count(), objects() WHERE action = 'add_to_cart' GROUP BY next(action), next(action, 2) ORDER BY 1 DESC "
      "LIMIT 20",
      "SELECT count() WHERE action = 'add_to_cart' GROUP BY next(DISTINCT action)",
      /* time in state (PATHS.md §7; issue 12's goal: >= 200 M events/s on 2 threads) */
      "SELECT sum(duration()) DURING '2026-01-05' TO '2026-04-05' EVERY DAY GROUP BY day(timestamp), state.plan",
      /* the population at an instant (PATHS.md §6; issue 12's goal: >= 1 G events/s on 2 threads) */
      "SELECT objects() AS OF '2026-03-01' GROUP BY state.plan",
  };
  double *ms = malloc(sizeof *ms * (size_t)runs);
  for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
    if (only && !strstr(queries[q], only)) continue;
    r = exec_or_die(c, queries[q]); /* warm: compiled, cached */
    for (int i = 0; i < runs; i++) {
      double t0 = sky_clock_s();
      sky_result_free(exec_or_die(c, queries[q]));
      ms[i] = (sky_clock_s() - t0) * 1e3;
    }
    qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
    printf("\n%.100s%s\n  best %.1f ms (%.0f M events/s), median %.1f ms; %zu rows:", queries[q],
           strlen(queries[q]) > 100 ? "..." : "", ms[0], events / ms[0] / 1e3, ms[runs / 2], sky_result_rows(r));
    for (size_t row = 0; row < sky_result_rows(r) && row < 3; row++) {
      printf("\n   ");
      for (size_t col = 0; col < sky_result_columns(r) && col < 4; col++) {
        const sky_value *v = sky_result_cell(r, row, col);
        if (v->type == SKY_TYPE_INT) printf(" %lld", (long long)v->as.i);
        else if (v->type == SKY_TYPE_FLOAT) printf(" %g", v->as.f);
        else if (v->type == SKY_TYPE_STRING) printf(" %.*s", (int)v->as.s.len, v->as.s.ptr);
        else printf(" NULL");
      }
    }
    printf("\n");
    sky_result_free(r);
  }
  printf("\ncompile (fresh text each time, so no cache hit), explain ir:\n");
  for (int k = 3; !only && k <= 64; k = k == 3 ? 32 : k * 2) {
    char salt[64];
    snprintf(salt, sizeof salt, " WHERE timestamp > %d", rand());
    char *q = long_funnel(k, salt);
    size_t n = strlen(q) + 16;
    char *ex = malloc(n);
    snprintf(ex, n, "EXPLAIN IR %s", q);
    double t0 = sky_clock_s();
    sky_result_free(exec_or_die(c, ex));
    printf("  %2d steps: %.1f ms\n", k, (sky_clock_s() - t0) * 1e3);
    free(ex);
    free(q);
  }
  free(ms);
  free(q32);
  free(q64);
  sky_conn_free(c);
  sky_db_close(db);
  return 0;
}
