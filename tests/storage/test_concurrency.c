/* test_concurrency.c — writers and readers at once: inserts from several
 * threads share fsyncs (group commit) and all survive a reopen; readers
 * taking snapshots while loads, inserts and compactions run always see
 * whole loads (counts that are sums of complete loads); dictionary lookups
 * stay right while writers add strings; a held snapshot and chunk do not
 * stop a load from committing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "storage/helpers.h"
#include "storage/io.h"
#include "storage/table_int.h"

enum { THREADS = 8, PER_THREAD = 150 };

typedef struct ins_arg {
  sky_table *t;
  int id;
  int failures;
} ins_arg;

static void *inserter(void *p) {
  ins_arg *a = p;
  sky_error err;
  char act[32];
  for (int i = 0; i < PER_THREAD; i++) {
    snprintf(act, sizeof act, "t%d", a->id);
    th_row rows[2] = {{.obj = (uint64_t)(a->id * 1000 + i + 1), .ts = i, .action = act, .has_qty = true, .qty = i},
                      {.obj = (uint64_t)(a->id * 1000 + i + 1), .ts = i + 1, .action = act}};
    if (th_insert(a->t, rows, 1 + (size_t)(i % 2), &err) != 0) a->failures++;
  }
  return NULL;
}

static void test_group_commit(void **state) {
  (void)state;
  char *dir = th_dir("group");
  sky_store *st = th_open(dir, false, 100000);
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "t", th_props, TH_NPROPS, &err), 0);
  sky_table *t = sky_store_table(st, "t", &err);
  pthread_t th[THREADS];
  ins_arg args[THREADS];
  uint64_t ops0 = sky_io_write_ops();
  for (int i = 0; i < THREADS; i++) {
    args[i] = (ins_arg){t, i + 1, 0};
    pthread_create(&th[i], NULL, inserter, &args[i]);
  }
  for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
  uint64_t ops = sky_io_write_ops() - ops0;
  for (int i = 0; i < THREADS; i++) assert_int_equal(args[i].failures, 0);
  uint64_t rows = THREADS * (PER_THREAD / 2) * 3;
  assert_int_equal(th_count(t), rows);
  /* One pwrite and one fdatasync per group: fewer groups than inserts. */
  print_message("%d inserts took %llu writes and fsyncs\n", THREADS * PER_THREAD, (unsigned long long)ops);
  assert_true(ops < 2 * THREADS * PER_THREAD);
  sky_buf a;
  sky_buf_init(&a);
  assert_int_equal(th_dump(t, &a, &err), 0);
  sky_table_release(t);
  sky_store_close(st);
  st = th_open(dir, false, 100000);
  t = sky_store_table(st, "t", &err);
  sky_buf b;
  sky_buf_init(&b);
  assert_int_equal(th_dump(t, &b, &err), 0);
  assert_string_equal(a.data, b.data);
  sky_buf_free(&a), sky_buf_free(&b);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

/* Load k has 100 + k rows: every snapshot count must be a sum of whole
 * loads, plus 2 rows per visible insert pair. */
typedef struct mixed {
  sky_table *t;
  atomic_int stop;
  atomic_int bad;
  atomic_int reads;
  int loads_done;
} mixed;

static bool is_load_sum(uint64_t n) {
  /* Loads are 100, 101, ...; inserts add 2 each. Any count is a prefix sum
   * of loads plus an even number: n - prefix(k) even and >= 0 for some k
   * with the insert count bounded by the loads (see writer). */
  uint64_t prefix = 0;
  for (int k = 0; k <= 400; k++) {
    if (n >= prefix && (n - prefix) % 2 == 0 && (n - prefix) / 2 <= (uint64_t)k + 1) return true;
    prefix += 100 + (uint64_t)k;
  }
  return false;
}

static void *reader(void *p) {
  mixed *m = p;
  while (!atomic_load(&m->stop)) {
    sky_error err;
    sky_snapshot *s = sky_table_snapshot(m->t, &err);
    uint64_t n = 0;
    sky_colset need = {.ts = true};
    for (uint32_t part = 0; part < SKY_PARTITIONS; part++) {
      sky_chunk c;
      if (sky_snapshot_read_partition(s, part, &need, &c, &err) != 0) {
        atomic_store(&m->bad, 1);
        break;
      }
      for (uint64_t k = 0; k < c.n_objects; k++)
        for (uint64_t i = c.obj_start[k] + 1; i < c.obj_start[k + 1]; i++)
          if (c.ts[i - 1] > c.ts[i]) atomic_store(&m->bad, 2);
      n += c.n_events;
      sky_chunk_release(&c);
    }
    if (!is_load_sum(n)) atomic_store(&m->bad, 3);
    sky_snapshot_release(s);
    atomic_fetch_add(&m->reads, 1);
  }
  return NULL;
}

static void *compactor(void *p) {
  mixed *m = p;
  while (!atomic_load(&m->stop)) {
    sky_error err;
    if (sky_table_compact(m->t, &err) != 0) atomic_store(&m->bad, 4);
  }
  return NULL;
}

static void test_readers_during_writes(void **state) {
  (void)state;
  char *dir = th_dir("mixed");
  sky_store *st = th_open(dir, false, 50);
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "t", th_props, TH_NPROPS, &err), 0);
  mixed m = {.t = sky_store_table(st, "t", &err)};
  pthread_t r1, r2, c;
  pthread_create(&r1, NULL, reader, &m);
  pthread_create(&r2, NULL, reader, &m);
  pthread_create(&c, NULL, compactor, &m);
  th_row *rows = calloc(1000, sizeof *rows);
  for (int k = 0; k < 60; k++) {
    int n = 100 + k;
    for (int i = 0; i < n; i++) rows[i] = (th_row){.obj = (uint64_t)(i * 13 % 97) + 1, .ts = (i * 7) % 50, .action = "l"};
    assert_int_equal(th_load(m.t, rows, (size_t)n, &err), 0);
    th_row pair[2] = {{.obj = 5, .ts = k, .action = "i"}, {.obj = 6, .ts = k, .action = "i"}};
    assert_int_equal(th_insert(m.t, pair, 2, &err), 0);
  }
  atomic_store(&m.stop, 1);
  pthread_join(r1, NULL);
  pthread_join(r2, NULL);
  pthread_join(c, NULL);
  free(rows);
  assert_int_equal(atomic_load(&m.bad), 0);
  assert_true(atomic_load(&m.reads) > 0);
  assert_true(is_load_sum(th_count(m.t)));
  sky_table_release(m.t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

typedef struct dict_arg {
  sky_table *t;
  atomic_int stop;
  atomic_int bad;
} dict_arg;

static void *dict_reader(void *p) {
  dict_arg *a = p;
  char s[32];
  while (!atomic_load(&a->stop)) {
    sky_error err;
    sky_snapshot *snap = sky_table_snapshot(a->t, &err);
    uint32_t n = sky_snapshot_dict_size(snap, sky_prop_dict(0));
    for (uint32_t code = 1; code <= n; code++) {
      const char *str;
      size_t len;
      sky_snapshot_dict_string(snap, sky_prop_dict(0), code, &str, &len);
      snprintf(s, sizeof s, "%.*s", (int)len, str);
      if (sky_snapshot_dict_find(snap, sky_prop_dict(0), s, len) != code) atomic_store(&a->bad, 1);
    }
    snprintf(s, sizeof s, "plan%u", n + 5000);
    if (sky_snapshot_dict_find(snap, sky_prop_dict(0), s, strlen(s)) != 0) atomic_store(&a->bad, 2);
    sky_snapshot_release(snap);
  }
  return NULL;
}

static void test_dictionary_readers(void **state) {
  (void)state;
  char *dir = th_dir("dictconc");
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "t", th_props, TH_NPROPS, &err), 0);
  dict_arg a = {.t = sky_store_table(st, "t", &err)};
  pthread_t r;
  pthread_create(&r, NULL, dict_reader, &a);
  char (*names)[16] = calloc(200, 16);
  th_row rows[200];
  for (int k = 0; k < 40; k++) {
    for (int i = 0; i < 200; i++) {
      snprintf(names[i], 16, "plan%d", k * 200 + i);
      rows[i] = (th_row){.obj = (uint64_t)i + 1, .ts = k, .plan = names[i]};
    }
    if (k % 2) assert_int_equal(th_insert(a.t, rows, 200, &err), 0);
    else assert_int_equal(th_load(a.t, rows, 200, &err), 0);
  }
  atomic_store(&a.stop, 1);
  pthread_join(r, NULL);
  assert_int_equal(atomic_load(&a.bad), 0);
  free(names);
  sky_table_release(a.t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

/* A reader holding a snapshot and a pinned chunk does not block a load. */
static void test_reader_does_not_block(void **state) {
  (void)state;
  char *dir = th_dir("noblock");
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "t", th_props, TH_NPROPS, &err), 0);
  sky_table *t = sky_store_table(st, "t", &err);
  th_row r = {.obj = 1, .ts = 1, .action = "a"};
  assert_int_equal(th_load(t, &r, 1, &err), 0);
  sky_snapshot *s = sky_table_snapshot(t, &err);
  sky_chunk c;
  sky_colset need = {.ts = true};
  assert_int_equal(sky_snapshot_read_partition(s, sky_partition_of(1), &need, &c, &err), 0);
  for (int i = 0; i < 5; i++) assert_int_equal(th_load(t, &r, 1, &err), 0);
  assert_int_equal(th_insert(t, &r, 1, &err), 0);
  assert_int_equal(sky_table_compact(t, &err), 0);
  assert_int_equal(c.n_events, 1); /* the old chunk is intact */
  assert_int_equal(th_count(t), 7);
  sky_chunk_release(&c);
  sky_snapshot_release(s);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_group_commit),
      cmocka_unit_test(test_readers_during_writes),
      cmocka_unit_test(test_dictionary_readers),
      cmocka_unit_test(test_reader_does_not_block),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
