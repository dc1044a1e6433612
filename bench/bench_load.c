/* bench_load.c — LOAD's throughput on generator data (storage/gen.h):
 *   1. generation rate (rows/s) of N events in memory;
 *   2. parse rate (events/s) of the CSV/NDJSON readers into batches, on one
 *      thread and on two (the whole-input path with a pool);
 *   3. the full LOAD made durable through the storage engine (a file read
 *      with pread, batches into sky_load_txn_add, commit), events/s, and the
 *      bytes on disk per event, in a fresh data directory under --dir
 *      (default $TMPDIR or /tmp), removed afterwards unless --keep.
 * Usage: bench_load [--events N] [--seed S] [--format csv|ndjson]
 *                   [--dir BASE] [--no-store] [--chunk BYTES] [--keep]
 * Nothing is compared or asserted here; figures go to stdout, one per line.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "common/pool.h"
#include "storage/gen.h"
#include "storage/reader.h"
#include "storage/storage.h"

typedef struct bench_opts {
  uint64_t events, seed;
  sky_gen_format gen_fmt;
  sky_load_format fmt;
  const char *dir;
  bool store, keep;
  size_t chunk;
} bench_opts;

static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double thread_cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int count_rows(void *arg, const sky_batch *b, sky_error *err) {
  (void)err;
  *(uint64_t *)arg += b->n_rows;
  return 0;
}

static int parse_run(const bench_opts *o, const sky_schema *s, const char *data, size_t len, sky_pool *pool,
                     const char *label) {
  sky_read_options opt;
  sky_read_options_init(&opt);
  opt.format = o->fmt;
  opt.pool = pool;
  opt.chunk_bytes = o->chunk;
  uint64_t rows = 0;
  sky_read_result res;
  sky_error err;
  double t0 = sky_clock_s(), c0 = cpu_s(), m0 = thread_cpu_s();
  int rc = sky_reader_read_buffer(s, data, len, &opt, count_rows, &rows, &res, &err);
  double dt = sky_clock_s() - t0, dc = cpu_s() - c0, dm = thread_cpu_s() - m0;
  sky_read_result_free(&res);
  if (rc != 0) {
    fprintf(stderr, "bench_load: parse failed: %s\n", err.message);
    return -1;
  }
  printf(
      "parse %-9s %10.0f events/s  %7.1f MB/s  (%llu events in %.3f s; %.0f events per CPU-second; "
      "calling thread did %.0f%% of the CPU work)\n",
      label, rows / dt, len / dt / 1e6, (unsigned long long)rows, dt, rows / dc, 100.0 * dm / dc);
  return 0;
}

/* Streams the input through sky_reader_feed in 1 MiB slices (LOAD FROM
 * STDIN's path), draining the batch as the statement layer would. */
static int stream_run(const bench_opts *o, const sky_schema *s, const char *data, size_t len) {
  sky_error err;
  sky_reader *r = sky_reader_create(s, o->fmt, 0, &err);
  sky_batch *b = sky_batch_create(s);
  if (!r || !b) return -1;
  double t0 = sky_clock_s(), c0 = cpu_s();
  int rc = 0;
  for (size_t off = 0; off < len && rc == 0; off += (size_t)1 << 20) {
    size_t n = len - off < ((size_t)1 << 20) ? len - off : (size_t)1 << 20;
    rc = sky_reader_feed(r, data + off, n, b, &err);
    if (b->n_rows >= 262144) sky_batch_reset(b);
  }
  if (rc == 0) rc = sky_reader_finish(r, b, &err);
  double dt = sky_clock_s() - t0, dc = cpu_s() - c0;
  uint64_t rows = sky_reader_rows(r);
  sky_reader_free(r);
  sky_batch_free(b);
  if (rc != 0) return fprintf(stderr, "bench_load: stream failed: %s\n", err.message), -1;
  printf("parse %-9s %10.0f events/s  %7.1f MB/s  (%llu events in %.3f s; %.0f events per CPU-second)\n", "stream",
         rows / dt, len / dt / 1e6, (unsigned long long)rows, dt, rows / dc);
  return 0;
}

/* Bytes of the regular files under `path`; with `remove_all`, deletes them
 * (and the directories) on the way out. */
static uint64_t walk_dir(const char *path, bool remove_all) {
  struct stat st;
  if (lstat(path, &st) != 0) return 0;
  uint64_t bytes = 0;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      char sub[4096];
      snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
      bytes += walk_dir(sub, remove_all);
    }
    if (d) closedir(d);
  } else if (S_ISREG(st.st_mode)) {
    bytes = (uint64_t)st.st_size;
  }
  if (remove_all) remove(path);
  return bytes;
}

static int add_batch(void *arg, const sky_batch *b, sky_error *err) { return sky_load_txn_add(arg, b, err); }

static int store_run(const bench_opts *o, const char *data, size_t len) {
  char file[4200];
  if ((size_t)snprintf(file, sizeof file, "%s.input", o->dir) >= sizeof file) return -1;
  FILE *f = fopen(file, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
    return fprintf(stderr, "bench_load: cannot write %s\n", file), -1;
  sky_error err;
  sky_store_options so;
  sky_store_options_init(&so);
  sky_store *st = sky_store_open(o->dir, &so, &err);
  if (!st) return fprintf(stderr, "bench_load: store: %s\n", err.message), -1;
  sky_schema *s = sky_gen_schema_create();
  int rc = sky_store_create_table(st, "events", s->props, s->n_props, &err);
  sky_table *t = rc == 0 ? sky_store_table(st, "events", &err) : NULL;
  sky_snapshot *snap = t ? sky_table_snapshot(t, &err) : NULL;
  const sky_schema *ts = snap ? sky_snapshot_schema(snap) : NULL; /* batches must match the table's schema */
  sky_pool *pool = sky_pool_create(sky_cpu_count() > 1 ? sky_cpu_count() - 1 : 0);
  uint64_t rows = 0;
  double t0 = sky_clock_s();
  sky_load_txn *tx = ts ? sky_table_load_begin(t, &err) : NULL;
  if (tx) {
    sky_read_options opt;
    sky_read_options_init(&opt);
    opt.format = o->fmt;
    opt.pool = pool;
    opt.chunk_bytes = o->chunk;
    sky_read_result res;
    rc = sky_reader_read_file(ts, file, &opt, add_batch, tx, &res, &err);
    sky_read_result_free(&res);
    if (rc == 0)
      rc = sky_load_txn_commit(tx, &rows, &err);
    else
      sky_load_txn_abort(tx);
  } else {
    rc = -1;
  }
  double dt = sky_clock_s() - t0;
  if (rc == 0) {
    uint64_t du = walk_dir(o->dir, false);
    printf("load durable   %10.0f events/s  (%llu events in %.3f s, %d threads)\n", rows / dt, (unsigned long long)rows,
           dt, (int)sky_pool_width(pool));
    printf("disk           %10.1f bytes/event (%llu bytes)\n", (double)du / (rows ? rows : 1), (unsigned long long)du);
  } else {
    fprintf(stderr, "bench_load: load failed: %s %s\n", sky_code_name(err.code), err.message);
  }
  if (snap) sky_snapshot_release(snap);
  if (t) sky_table_release(t);
  sky_store_close(st);
  sky_pool_free(pool);
  sky_schema_free(s);
  unlink(file);
  if (!o->keep) walk_dir(o->dir, true);
  return rc;
}

static int usage(void) {
  fprintf(stderr,
          "usage: bench_load [--events N] [--seed S] [--format csv|ndjson] [--dir BASE] [--no-store]\n"
          "                  [--chunk BYTES] [--keep]\n");
  return 2;
}

int main(int argc, char **argv) {
  bench_opts o = {.events = 10000000, .seed = 1, .gen_fmt = SKY_GEN_CSV, .fmt = SKY_FORMAT_CSV, .store = true};
  const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--no-store"))
      o.store = false;
    else if (!strcmp(a, "--keep"))
      o.keep = true;
    else if (!v)
      return usage();
    else if (!strcmp(a, "--events"))
      o.events = strtoull(v, NULL, 10), i++;
    else if (!strcmp(a, "--seed"))
      o.seed = strtoull(v, NULL, 10), i++;
    else if (!strcmp(a, "--chunk"))
      o.chunk = strtoull(v, NULL, 10), i++;
    else if (!strcmp(a, "--dir"))
      base = v, i++;
    else if (!strcmp(a, "--format") && !strcmp(v, "ndjson"))
      o.gen_fmt = SKY_GEN_NDJSON, o.fmt = SKY_FORMAT_NDJSON, i++;
    else if (!strcmp(a, "--format") && !strcmp(v, "csv"))
      i++;
    else
      return usage();
  }
  char dir[4096]; /* a fresh directory of our own under `base`: removed at the end unless --keep */
  if ((size_t)snprintf(dir, sizeof dir, "%s/sky-bench-load-%d", base, (int)getpid()) >= sizeof dir) return usage();
  o.dir = dir;
  double t0 = sky_clock_s();
  size_t len;
  char *data = sky_gen_buffer(o.seed, o.events, o.gen_fmt, &len);
  double dt = sky_clock_s() - t0;
  if (!data) return fprintf(stderr, "bench_load: out of memory\n"), 1;
  printf("generate       %10.0f rows/s    %7.1f MB/s  (%llu events, %zu bytes, %.1f bytes/event)\n", o.events / dt,
         len / dt / 1e6, (unsigned long long)o.events, len, (double)len / (o.events ? o.events : 1));
  sky_schema *s = sky_gen_schema_create();
  sky_pool *pool = sky_pool_create(1);
  int rc = parse_run(&o, s, data, len, NULL, "1 thread");
  if (rc == 0) rc = parse_run(&o, s, data, len, pool, "2 threads");
  if (rc == 0) rc = stream_run(&o, s, data, len);
  sky_pool_free(pool);
  sky_schema_free(s);
  if (rc == 0 && o.store) rc = store_run(&o, data, len);
  sky_free(data);
  return rc ? 1 : 0;
}
