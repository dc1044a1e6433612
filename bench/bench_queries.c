/* bench_queries.c — Sky's headline numbers, end to end through the real
 * stack: the project's generator writes N events (default 10M) of the
 * reference shape as CSV, LOAD makes them durable (events/s, bytes on disk
 * per event), then the five reference queries run through sky_exec():
 * events/s with the JIT on 1 thread and on all threads (best of R, warm),
 * the interpreter on 1 thread, JIT compile time (p50, p99 over fresh
 * compiles) and the latency of a compiled-query cache hit; finally the same
 * queries through a real skyd over loopback, timed at the client from the
 * request to the last byte of the JSON reply.
 *
 *   bench_queries [--events N] [--dir DIR] [--runs R] [--compiles C] [--skyd PATH] [--keep]
 *
 * DIR (default ./bench-data) keeps the generated data between runs when
 * --keep is given; otherwise it is rebuilt. bench/run calls this.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "codegen/groups.h"
#include "codegen/jit.h"
#include "common/clock.h"
#include "common/pool.h"
#include "db/db_internal.h"
#include "parser/stmt.h"
#include "sky.h"
#include "storage/gen.h"

static const char *const QUERIES[5] = {
    "SELECT count() WHERE action = 'purchase'",
    "SELECT count(), objects() WHERE action = 'purchase' GROUP BY state.plan",
    "SELECT sessions() GROUP BY state.country WITHIN SESSION 30m",
    "SELECT count(), avg(event.price) WHERE event.price > 100 GROUP BY hour(timestamp)",
    "SELECT state.plan, month(timestamp), sum(price) GROUP BY state.plan, month(timestamp) ORDER BY 3 DESC LIMIT 10",
};

static void die(const char *what, const sky_error *err) {
  fprintf(stderr, "bench_queries: %s: %s: %s\n", what, sky_code_name(err->code), err->message);
  exit(1);
}

static sky_result *exec_or_die(sky_conn *c, const char *sql) {
  sky_error err;
  sky_result *r = sky_exec(c, sql, strlen(sql), &err);
  if (!r) die(sql, &err);
  return r;
}

static uint64_t dir_bytes(const char *dir) {
  char cmd[4500];
  snprintf(cmd, sizeof cmd, "du -sb '%s' 2>/dev/null", dir);
  FILE *p = popen(cmd, "r");
  unsigned long long n = 0;
  if (p && fscanf(p, "%llu", &n) != 1) n = 0;
  if (p) pclose(p);
  return n;
}

static sky_db *open_db(const char *dir, unsigned threads) {
  sky_db_options opt;
  sky_db_options_init(&opt);
  opt.threads = threads;
  opt.load_dir = dir;
  sky_error err;
  sky_db *db = sky_db_open(dir, &opt, &err);
  if (!db) die("open", &err);
  return db;
}

/* Generates the CSV and LOADs it; prints generation, load rate and size. */
static void build_data(const char *dir, uint64_t n_events) {
  char path[4400], db_dir[4400];
  snprintf(path, sizeof path, "%s/events.csv", dir);
  snprintf(db_dir, sizeof db_dir, "%s/db", dir);
  double t0 = sky_clock_s();
  sky_gen *g = sky_gen_create(42, n_events);
  FILE *f = fopen(path, "wb");
  if (!g || !f) {
    fprintf(stderr, "bench_queries: cannot write %s\n", path);
    exit(1);
  }
  size_t cap = 1 << 22;
  char *buf = malloc(cap);
  size_t n;
  while ((n = sky_gen_fill(g, SKY_GEN_CSV, buf, cap)) > 0) fwrite(buf, 1, n, f);
  free(buf);
  fclose(f);
  sky_gen_free(g);
  double t1 = sky_clock_s();
  struct stat st;
  stat(path, &st);
  printf("generate: %llu events, %.1f MB of CSV in %.2f s\n", (unsigned long long)n_events, st.st_size / 1e6, t1 - t0);

  sky_db_options opt;
  sky_db_options_init(&opt);
  opt.load_dir = dir;
  sky_error err;
  sky_db *db = sky_db_open(db_dir, &opt, &err);
  if (!db) die("open", &err);
  sky_conn *c = sky_conn_create(db);
  sky_result_free(exec_or_die(c, sky_gen_ddl()));
  double t2 = sky_clock_s();
  sky_result *r = exec_or_die(c, "LOAD 'events.csv' INTO events");
  double t3 = sky_clock_s();
  int64_t rows = sky_result_rows_affected(r);
  sky_result_free(r);
  sky_conn_free(c);
  sky_db_close(db);
  printf("load:     %lld events durable in %.2f s = %.2f M events/s (%u cores); %.2f bytes/event on disk\n",
         (long long)rows, t3 - t2, rows / (t3 - t2) / 1e6, sky_cpu_count(), (double)dir_bytes(db_dir) / (double)rows);
}

/* Seconds of one run of a query on a connection. */
static double time_once(sky_conn *c, const char *sql) {
  double t0 = sky_clock_s();
  sky_result *r = exec_or_die(c, sql);
  double t = sky_clock_s() - t0;
  sky_result_free(r);
  return t;
}

/* Best-of-`runs` seconds of one query on a connection (after one warm-up). */
static double best_time(sky_conn *c, const char *sql, int runs) {
  sky_result_free(exec_or_die(c, sql));
  double best = 1e30;
  for (int i = 0; i < runs; i++) {
    double t = time_once(c, sql);
    if (t < best) best = t;
  }
  return best;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* JIT compile p50/p99 over `compiles` fresh compiles of each query, and the
 * mean cost of a cache hit, through the JIT's own API on bound plans. */
static void compile_times(sky_db *db, int compiles) {
  sky_error err;
  sky_table *t = sky_store_table(db->store, "events", &err);
  if (!t) die("table", &err);
  sky_snapshot *snap = sky_table_snapshot(t, &err);
  sky_table_release(t);
  sky_jit *jit = sky_jit_create(4, &err);
  if (!snap || !jit) die("compile setup", &err);
  double *ms = malloc(sizeof(double) * (size_t)compiles * 5);
  size_t n = 0;
  double hit_total = 0;
  int hits = 0;
  for (int q = 0; q < 5; q++) {
    sky_arena arena;
    sky_arena_init(&arena);
    sky_stmt *stmt;
    sky_plan *plan;
    if (sky_parse(QUERIES[q], strlen(QUERIES[q]), &arena, &stmt, &err) ||
        sky_bind_query(stmt, sky_snapshot_schema(snap), &arena, &plan, &err))
      die(QUERIES[q], &err);
    sky_groups_layout(plan);
    for (int i = 0; i < compiles; i++) {
      char key[64];
      snprintf(key, sizeof key, "bench-%d-%d", q, i); /* a new key: a real compile */
      double t0 = sky_clock_s();
      sky_jit_query *jq = sky_jit_get(jit, plan, key, &err);
      ms[n++] = (sky_clock_s() - t0) * 1e3;
      if (!jq) die("compile", &err);
      sky_jit_query_release(jq);
      t0 = sky_clock_s();
      for (int k = 0; k < 100; k++) sky_jit_query_release(sky_jit_get(jit, plan, key, &err));
      hit_total += (sky_clock_s() - t0) * 1e3;
      hits += 100;
    }
    sky_arena_free(&arena);
  }
  qsort(ms, n, sizeof *ms, cmp_double);
  printf("compile:  p50 %.2f ms, p99 %.2f ms over %zu compiles; cache hit %.4f ms\n", ms[n / 2],
         ms[(size_t)((double)n * 0.99)], n, hit_total / hits);
  free(ms);
  sky_jit_free(jit);
  sky_snapshot_release(snap);
}

/* ---- through skyd ------------------------------------------------------- */

static pid_t start_skyd(const char *skyd, const char *db_dir, int *port) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 2);
    close(fds[0]);
    execl(skyd, skyd, "--data", db_dir, "--listen", "127.0.0.1:0", (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  FILE *log = fdopen(fds[0], "r");
  char line[512];
  *port = 0;
  while (fgets(line, sizeof line, log)) {
    const char *p = strstr(line, "listening on 127.0.0.1:");
    if (p) {
      *port = atoi(p + strlen("listening on 127.0.0.1:"));
      break;
    }
  }
  /* keep draining skyd's log so it never blocks on a full pipe */
  if (fork() == 0) {
    while (fgets(line, sizeof line, log)) {
    }
    _exit(0);
  }
  fclose(log);
  return *port ? pid : -1;
}

static double client_query_ms(int fd, const char *sql, size_t *reply_bytes) {
  char req[512];
  int n = snprintf(req, sizeof req, "%s\n", sql);
  static char buf[1 << 20];
  double t0 = sky_clock_s();
  if (write(fd, req, (size_t)n) != n) return -1;
  size_t got = 0;
  for (;;) {
    ssize_t k = read(fd, buf + got, sizeof buf - got);
    if (k <= 0) return -1;
    got += (size_t)k;
    if (buf[got - 1] == '\n') break;
  }
  *reply_bytes = got;
  if (strncmp(buf, "{\"ok\":true", 10) != 0) fprintf(stderr, "bench_queries: skyd: %.*s", (int)got, buf);
  return (sky_clock_s() - t0) * 1e3;
}

static void through_skyd(const char *skyd, const char *db_dir, int runs) {
  int port;
  pid_t pid = start_skyd(skyd, db_dir, &port);
  if (pid < 0) {
    fprintf(stderr, "bench_queries: could not start %s\n", skyd);
    return;
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    perror("connect");
    kill(pid, SIGTERM);
    return;
  }
  size_t bytes;
  client_query_ms(fd, "USE events", &bytes);
  printf("\nthrough skyd (all cores), timed at the client, JSON included (best of %d):\n", runs);
  for (int q = 0; q < 5; q++) {
    double best = 1e30;
    client_query_ms(fd, QUERIES[q], &bytes); /* warm: compile and decode */
    for (int i = 0; i < runs; i++) {
      double ms = client_query_ms(fd, QUERIES[q], &bytes);
      if (ms >= 0 && ms < best) best = ms;
    }
    printf("  Q%d  %8.2f ms   (%zu-byte reply)\n", q + 1, best, bytes);
  }
  close(fd);
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
}

int main(int argc, char **argv) {
  uint64_t n_events = 10000000;
  const char *dir = "bench-data", *skyd = NULL;
  int runs = 7, compiles = 20, keep = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--events") && i + 1 < argc) n_events = strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
    else if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--compiles") && i + 1 < argc) compiles = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--skyd") && i + 1 < argc) skyd = argv[++i];
    else if (!strcmp(argv[i], "--keep")) keep = 1;
    else {
      fprintf(stderr, "usage: bench_queries [--events N] [--dir DIR] [--runs R] [--compiles C] [--skyd PATH] [--keep]\n");
      return 2;
    }
  }
  char db_dir[4200], cmd[8600];
  snprintf(db_dir, sizeof db_dir, "%s/db", dir);
  struct stat st;
  if (!keep || stat(db_dir, &st) != 0) {
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", db_dir, dir);
    if (system(cmd) != 0) return 1;
    build_data(dir, n_events);
  }
  unsigned cores = sky_cpu_count();
  double jit1[5], jitn[5], interp[5];
  /* One database with a pool of all cores; the 1-thread runs swap in a pool
   * without workers. 1-thread and all-thread runs alternate, so a slow spell
   * of this (virtual) machine hits both sides of the scaling ratio alike. */
  sky_db *db = open_db(db_dir, cores);
  sky_pool *all = db->pool, *solo = sky_pool_create(0);
  if (!solo) return 1;
  sky_conn *c = sky_conn_create(db);
  sky_result_free(exec_or_die(c, "USE events"));
  sky_result *r = exec_or_die(c, "SELECT count()");
  uint64_t events = (uint64_t)sky_result_cell(r, 0, 0)->as.i;
  sky_result_free(r);
  for (int q = 0; q < 5; q++) {
    sky_result_free(exec_or_die(c, QUERIES[q])); /* compile and warm the data */
    double best1 = 1e30, bestn = 1e30;
    for (int i = 0; i < runs; i++) {
      db->pool = solo;
      double t = time_once(c, QUERIES[q]);
      if (t < best1) best1 = t;
      db->pool = all;
      t = time_once(c, QUERIES[q]);
      if (t < bestn) bestn = t;
    }
    jit1[q] = (double)events / best1;
    jitn[q] = (double)events / bestn;
  }
  db->pool = solo;
  sky_conn_set_engine(c, SKY_ENGINE_INTERP);
  for (int q = 0; q < 5; q++) interp[q] = (double)events / best_time(c, QUERIES[q], runs < 3 ? runs : 3);
  db->pool = all;
  compile_times(db, compiles);
  sky_conn_free(c);
  sky_db_close(db);
  sky_pool_free(solo);
  printf("\nqueries over %llu events, warm, best of %d (M events/s):\n", (unsigned long long)events, runs);
  printf("  query  JIT 1 thread  JIT %u threads  scaling  interpreter 1 thread  JIT/interp\n", cores);
  for (int q = 0; q < 5; q++)
    printf("  Q%d     %10.1f  %12.1f  %7.2fx  %20.1f  %9.1fx\n", q + 1, jit1[q] / 1e6, jitn[q] / 1e6, jitn[q] / jit1[q],
           interp[q] / 1e6, jit1[q] / interp[q]);
  for (int q = 0; q < 5; q++) printf("  Q%d = %s\n", q + 1, QUERIES[q]);
  if (skyd) through_skyd(skyd, db_dir, runs);
  return 0;
}
