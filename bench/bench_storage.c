/* bench_storage.c — the storage engine on synthetic data of the reference
 * shape (docs/FORMAT.md, "Measured size"): ~21 events per object (Pareto),
 * sparse ascending object ids, µs timestamps with exponential in-session
 * gaps (mean 90 s, µs jitter) and session gaps of 31 min + exp(mean 2
 * days), ~20 skewed actions, plan/country STATE STRING rarely set, price
 * EVENT FLOAT with 2 decimals on ~2% of events.
 *
 * Reports: LOAD time (wall and CPU) and bytes per event on disk, cold and
 * warm partition reads, compaction, INSERT group-commit throughput, and
 * reopen time. Usage: bench_storage [events (default 10M)] [dir]
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "storage/segment.h"
#include "storage/storage.h"
#include "storage/table_int.h"

static double now(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void) {
  uint64_t x = rng_state;
  x ^= x << 13, x ^= x >> 7, x ^= x << 17;
  return rng_state = x;
}
static double unif(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }
static double expo(double mean) { return -mean * log(1.0 - unif()); }

static const char *ACTIONS[20] = {"view", "click", "scroll", "search", "add_to_cart", "remove_from_cart", "checkout",
                                  "purchase", "signup", "login", "logout", "share", "like", "comment", "play",
                                  "pause", "download", "upload", "rate", "invite"};
static const char *PLANS[4] = {"free", "basic", "pro", "enterprise"};
static double action_cdf[20];

static void init_actions(void) {
  double sum = 0;
  for (int k = 0; k < 20; k++) sum += 1.0 / pow(k + 1, 1.1);
  double acc = 0;
  for (int k = 0; k < 20; k++) action_cdf[k] = (acc += 1.0 / pow(k + 1, 1.1) / sum);
}

static int pick_action(void) {
  double u = unif();
  for (int k = 0; k < 20; k++)
    if (u < action_cdf[k]) return k;
  return 19;
}

/* Generates about `target` events into batches of up to 65536 rows. */
static sky_batch **generate(const sky_schema *schema, uint64_t target, size_t *n_batches, uint64_t *n_events) {
  size_t cap = 16, n = 0;
  sky_batch **bs = malloc(cap * sizeof *bs);
  sky_batch *b = sky_batch_create(schema);
  uint64_t obj = 1000, total = 0;
  const int64_t t0 = INT64_C(1767225600000000); /* 2026-01-01 */
  char country[8];
  while (total < target) {
    obj += 1 + rnd() % 40;
    int events = (int)ceil(7.0 / pow(1.0 - unif(), 1.0 / 1.5)); /* Pareto, mean ~21 */
    if (events > 5000) events = 5000;
    int64_t ts = t0 + (int64_t)(unif() * 30 * 86400e6);
    int country_at = (int)(rnd() % (uint64_t)events);
    for (int e = 0; e < events; e++) {
      if (e > 0) {
        if (rnd() % 8 == 0) ts += (int64_t)(31 * 60e6 + expo(2 * 86400e6));
        else ts += (int64_t)expo(90e6) + (int64_t)(rnd() % 1000000);
      }
      if (b->n_rows == 65536) {
        if (n == cap) bs = realloc(bs, (cap *= 2) * sizeof *bs);
        bs[n++] = b;
        b = sky_batch_create(schema);
      }
      size_t row = (size_t)sky_batch_add_row(b, obj, ts);
      const char *a = ACTIONS[pick_action()];
      sky_batch_set_action(b, row, a, strlen(a));
      if ((e == 0 && unif() < 0.7) || (e > 0 && unif() < 0.016)) {
        const char *p = PLANS[rnd() % 4];
        sky_batch_set_string(b, row, 0, p, strlen(p));
      }
      if (e == country_at) {
        snprintf(country, sizeof country, "c%02d", (int)(rnd() % 60));
        sky_batch_set_string(b, row, 1, country, strlen(country));
      }
      if (unif() < 0.02) sky_batch_set_float(b, row, 2, (double)(100 + rnd() % 50000) / 100.0);
      total++;
    }
  }
  if (n == cap) bs = realloc(bs, (cap *= 2) * sizeof *bs);
  bs[n++] = b;
  *n_batches = n;
  *n_events = total;
  return bs;
}

static uint64_t dir_bytes(const char *dir, const char *prefix) {
  DIR *d = opendir(dir);
  uint64_t sum = 0;
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(p, &st) == 0) sum += (uint64_t)st.st_size;
  }
  if (d) closedir(d);
  return sum;
}

/* Bytes per event of each column, from the segments' footers. */
static void column_breakdown(const char *tdir, uint64_t events) {
  uint64_t by_col[3 + 8] = {0}, footers = 0;
  DIR *d = opendir(tdir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (strncmp(e->d_name, "seg-", 4) != 0) continue;
    char p[8448];
    snprintf(p, sizeof p, "%s/%s", tdir, e->d_name);
    sky_error err;
    const char *dash = strchr(e->d_name + 4, '-'); /* seg-<uid>-<id>.sky */
    if (!dash) continue;
    sky_segment *seg = sky_segment_open(p, strtoull(dash + 1, NULL, 16), &err);
    if (!seg || seg->broken) continue;
    uint64_t blocks = 0;
    for (uint32_t i = 0; i < seg->n_sections; i++)
      for (uint32_t b = 0; b < seg->sections[i].n_blocks; b++) {
        const sky_block_ref *br = &seg->sections[i].blocks[b];
        if (br->col < 11) by_col[br->col] += br->len;
        blocks += br->len;
      }
    footers += seg->size - blocks;
    sky_segment_unref(seg);
  }
  if (d) closedir(d);
  const char *names[] = {"objects", "timestamps", "actions", "plan", "country", "price"};
  printf("bytes/event by column:");
  for (int c = 0; c < 6; c++) printf(" %s %.3f,", names[c], (double)by_col[c] / (double)events);
  printf(" headers+footers %.4f\n", (double)footers / (double)events);
}

static double read_all(sky_store *st, const char *table, bool all_cols, uint64_t *events) {
  sky_error err;
  sky_table *t = sky_store_table(st, table, &err);
  sky_snapshot *s = sky_table_snapshot(t, &err);
  uint8_t props[3] = {1, 1, 1};
  sky_colset need = {.ts = true, .action = true, .props = all_cols ? props : NULL};
  double w0 = now(CLOCK_MONOTONIC);
  *events = 0;
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) {
    sky_chunk c;
    if (sky_snapshot_read_partition(s, p, &need, &c, &err) != 0) {
      fprintf(stderr, "read failed: %s\n", err.message);
      exit(1);
    }
    *events += c.n_events;
    sky_chunk_release(&c);
  }
  double w = now(CLOCK_MONOTONIC) - w0;
  sky_snapshot_release(s);
  sky_table_release(t);
  return w;
}

typedef struct ins_arg {
  sky_table *t;
  const sky_schema *schema;
  int n, id;
} ins_arg;

static void *inserter(void *p) {
  ins_arg *a = p;
  sky_batch *b = sky_batch_create(a->schema);
  sky_error err;
  for (int i = 0; i < a->n; i++) {
    sky_batch_reset(b);
    size_t row = (size_t)sky_batch_add_row(b, (uint64_t)(a->id * 1000000 + i + 1), i);
    sky_batch_set_action(b, row, "view", 4);
    if (sky_table_insert(a->t, b, &err) != 0) fprintf(stderr, "insert failed: %s\n", err.message);
  }
  sky_batch_free(b);
  return NULL;
}

int main(int argc, char **argv) {
  uint64_t target = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", argc > 2 ? argv[2] : "/tmp/sky-bench-storage");
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (argc > 3 && strcmp(argv[3], "reuse") == 0) { /* cold reads of an existing directory, for profiling */
    sky_error e;
    sky_store_options o;
    sky_store_options_init(&o);
    o.background_compaction = false;
    for (int i = 0; i < 5; i++) {
      sky_store *s = sky_store_open(dir, &o, &e);
      uint64_t got;
      double w = read_all(s, "events", true, &got);
      printf("cold read, all columns: %.3f s, %.1f M events/s\n", w, (double)got / w / 1e6);
      sky_store_close(s);
    }
    return 0;
  }
  if (system(cmd) != 0) return 1;
  init_actions();
  sky_error err;
  sky_store_options opt;
  sky_store_options_init(&opt);
  opt.background_compaction = false;
  sky_store *st = sky_store_open(dir, &opt, &err);
  sky_prop props[3] = {{.name = "plan", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING},
                       {.name = "country", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING},
                       {.name = "price", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_FLOAT}};
  if (!st || sky_store_create_table(st, "events", props, 3, &err) != 0) {
    fprintf(stderr, "setup failed: %s\n", err.message);
    return 1;
  }
  sky_table *t = sky_store_table(st, "events", &err);
  sky_snapshot *s0 = sky_table_snapshot(t, &err);
  size_t nb;
  uint64_t n_ev;
  sky_batch **bs = generate(sky_snapshot_schema(s0), target, &nb, &n_ev);
  printf("generated %llu events in %zu batches\n", (unsigned long long)n_ev, nb);

  double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
  sky_load_txn *tx = sky_table_load_begin(t, &err);
  for (size_t i = 0; i < nb; i++)
    if (sky_load_txn_add(tx, bs[i], &err) != 0) return fprintf(stderr, "add: %s\n", err.message), 1;
  double wa = now(CLOCK_MONOTONIC) - w0, ca = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
  uint64_t rows;
  if (sky_load_txn_commit(tx, &rows, &err) != 0) return fprintf(stderr, "commit: %s\n", err.message), 1;
  double w = now(CLOCK_MONOTONIC) - w0, c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
  char tdir[4200];
  snprintf(tdir, sizeof tdir, "%s/t_events", dir);
  uint64_t seg = dir_bytes(tdir, "seg-"), dict = dir_bytes(tdir, "dict-"), man = dir_bytes(tdir, "MANIFEST");
  printf("LOAD: %.3f s wall (add %.3f s, commit %.3f s), %.3f s CPU (add %.3f s, commit %.3f s), %.1f M events/s\n",
         w, wa, w - wa, c, ca, c - ca, (double)rows / w / 1e6);
  printf("size: segments %llu B, dictionaries %llu B, manifest %llu B: %.3f bytes/event (%.3f with all files)\n",
         (unsigned long long)seg, (unsigned long long)dict, (unsigned long long)man, (double)seg / (double)rows,
         (double)(seg + dict + man) / (double)rows);

  column_breakdown(tdir, rows);
  sky_snapshot_release(s0);
  sky_table_release(t);
  sky_store_close(st);
  if (argc > 3 && strcmp(argv[3], "load") == 0) return 0; /* profiling the LOAD only */
  double o0 = now(CLOCK_MONOTONIC);
  st = sky_store_open(dir, &opt, &err);
  printf("reopen: %.1f ms\n", (now(CLOCK_MONOTONIC) - o0) * 1e3);
  uint64_t got;
  double cold = read_all(st, "events", true, &got);
  printf("cold read, all columns: %.3f s, %.1f M events/s (%llu events)\n", cold, (double)got / cold / 1e6,
         (unsigned long long)got);
  if (argc > 3 && strcmp(argv[3], "read") == 0) return 0; /* profiling the cold read */
  double warm = read_all(st, "events", true, &got);
  printf("warm read, all columns: %.4f s, %.0f M events/s\n", warm, (double)got / warm / 1e6);
  sky_store_close(st);
  st = sky_store_open(dir, &opt, &err);
  cold = read_all(st, "events", false, &got);
  printf("cold read, ts + action: %.3f s, %.1f M events/s\n", cold, (double)got / cold / 1e6);

  /* A second load of the same shape, then a full compaction of both. */
  t = sky_store_table(st, "events", &err);
  tx = sky_table_load_begin(t, &err);
  for (size_t i = 0; i < nb / 4; i++) sky_load_txn_add(tx, bs[i], &err);
  if (sky_load_txn_commit(tx, &rows, &err) != 0) return fprintf(stderr, "commit: %s\n", err.message), 1;
  double m0 = now(CLOCK_MONOTONIC);
  uint64_t merged;
  double mr = read_all(st, "events", true, &merged);
  printf("cold read of 2 merged sources: %.3f s, %.1f M events/s\n", mr, (double)merged / mr / 1e6);
  m0 = now(CLOCK_MONOTONIC);
  if (sky_table_compact(t, &err) != 0) return fprintf(stderr, "compact: %s\n", err.message), 1;
  double cw = now(CLOCK_MONOTONIC) - m0;
  printf("compaction of %llu events: %.3f s, %.1f M events/s; %.3f bytes/event after\n", (unsigned long long)merged,
         cw, (double)merged / cw / 1e6, (double)dir_bytes(tdir, "seg-") / (double)merged);

  /* INSERT: 8 threads of single-row inserts share fsyncs. */
  sky_snapshot *s1 = sky_table_snapshot(t, &err);
  pthread_t th[8];
  ins_arg args[8];
  double i0 = now(CLOCK_MONOTONIC);
  for (int i = 0; i < 8; i++) {
    args[i] = (ins_arg){t, sky_snapshot_schema(s1), 500, i + 1};
    pthread_create(&th[i], NULL, inserter, &args[i]);
  }
  for (int i = 0; i < 8; i++) pthread_join(th[i], NULL);
  double iw = now(CLOCK_MONOTONIC) - i0;
  printf("INSERT: 8 threads x 500 single-row inserts: %.3f s, %.0f inserts/s\n", iw, 4000 / iw);
  sky_snapshot_release(s1);
  sky_table_release(t);
  sky_store_close(st);

  /* Recovery: a crash with 1M rows in the WAL (the default memtable
   * bound), then the time to open, replay included. */
  pid_t pid = fork();
  if (pid == 0) {
    sky_store_options o2 = opt;
    o2.memtable_max_rows = 2000000;
    sky_store *cs = sky_store_open(dir, &o2, &err);
    sky_table *ct = sky_store_table(cs, "events", &err);
    uint64_t n = 0;
    for (size_t i = 0; i < nb && n < 1000000; i++) {
      if (sky_table_insert(ct, bs[i], &err) != 0) _exit(1);
      n += bs[i]->n_rows;
    }
    _exit(0); /* no close: the rows stay in the WAL */
  }
  int status;
  waitpid(pid, &status, 0);
  double r0 = now(CLOCK_MONOTONIC);
  st = sky_store_open(dir, &opt, &err);
  printf("open after a crash with ~1M rows in the WAL: %.0f ms\n", (now(CLOCK_MONOTONIC) - r0) * 1e3);
  sky_store_close(st);

  /* The same with small records: 8 threads of single-row inserts for 4 s. */
  pid = fork();
  if (pid == 0) {
    sky_store_options o2 = opt;
    o2.memtable_max_rows = 2000000;
    sky_store *cs = sky_store_open(dir, &o2, &err);
    sky_table *ct = sky_store_table(cs, "events", &err);
    sky_snapshot *cs1 = sky_table_snapshot(ct, &err);
    pthread_t th2[8];
    ins_arg a2[8];
    for (int i = 0; i < 8; i++) {
      a2[i] = (ins_arg){ct, sky_snapshot_schema(cs1), 1000000, i + 1};
      pthread_create(&th2[i], NULL, inserter, &a2[i]);
    }
    usleep(4000000);
    _exit(0);
  }
  waitpid(pid, &status, 0);
  r0 = now(CLOCK_MONOTONIC);
  st = sky_store_open(dir, &opt, &err);
  double ro = now(CLOCK_MONOTONIC) - r0;
  t = sky_store_table(st, "events", &err);
  uint64_t recs = 0;
  for (uint32_t i = 0; i <= t->n_frozen; i++) recs += (i < t->n_frozen ? t->frozen[i] : t->active)->n_rows;
  printf("open after a crash with %llu single-row records in the WAL: %.0f ms\n", (unsigned long long)recs, ro * 1e3);
  sky_table_release(t);
  sky_store_close(st);
  for (size_t i = 0; i < nb; i++) sky_batch_free(bs[i]);
  free(bs);
  if (system(cmd) != 0) return 1;
  return 0;
}
