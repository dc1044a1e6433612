/* bench_paths.c — the path statements (PATHS.md) on the peers' benchmark
 * file, so the figures line up with DuckDB's and ClickHouse's
 * (../shared/bench/README.md: the file `gen_events N 42` writes).
 *
 *   bench_paths --csv FILE --dir DIR [--threads T] [--runs R] [--engine jit|interp] [--keep]
 *               [--only TEXT]
 *
 * LOADs FILE into DIR/db (unless --keep finds it loaded), then runs each
 * path query (FUNNEL, RETENTION, LIFECYCLE, STICKINESS, PATHS, next(), AS OF; --only: those whose
 * text contains TEXT) warm (best and median of R runs, events/s over the
 * table's events), prints its first rows so the answer can be checked
 * against the peers', and the compile time of fresh 3-, 32- and 64-step
 * funnels.
 * bench/paths.sh builds the file and calls this.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/clock.h"
#include "sky.h"

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

int main(int argc, char **argv) {
  const char *csv = NULL, *dir = "bench-paths";
  unsigned threads = 0;
  int runs = 5;
  bool keep = false, interp = false;
  const char *only = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--csv") && i + 1 < argc) csv = argv[++i];
    else if (!strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = (unsigned)atoi(argv[++i]);
    else if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--engine") && i + 1 < argc) interp = !strcmp(argv[++i], "interp");
    else if (!strcmp(argv[i], "--keep")) keep = true;
    else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
    else {
      fprintf(stderr, "usage: bench_paths --csv FILE --dir DIR [--threads T] [--runs R] [--engine jit|interp] [--keep]"
                      " [--only TEXT]\n");
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
