/* test_fds.c — file descriptors do not grow with the number of tables
 * (issue 13, item 11). With the open-file limit lowered to 160, 240 tables
 * are created, written, recovered from their WALs after a crash and
 * written again: the process's descriptors stay within the store's bound
 * of idle WAL descriptors, and every row is there. A second test shares a
 * bound of two descriptors among inserters of many tables at once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>

#include "common/alloc.h"
#include "storage/helpers.h"
#include "storage/storage.h"
#include "storage/table_int.h"

static int count_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  assert_non_null(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n - 1; /* the directory stream's own */
}

static sky_store *open_bounded(const char *dir, uint32_t max_wal_fds) {
  sky_store_options opt;
  sky_store_options_init(&opt);
  opt.background_compaction = false;
  opt.cache_bytes = 64u << 20;
  opt.max_wal_fds = max_wal_fds;
  sky_error err;
  sky_store *st = sky_store_open(dir, &opt, &err);
  if (!st) fail_msg("store open failed: %s", err.message);
  return st;
}

static void insert_one(sky_store *st, const char *name, uint64_t obj, int64_t ts) {
  sky_error err;
  sky_table *t = sky_store_table(st, name, &err);
  if (!t) fail_msg("%s: %s", name, err.message);
  th_row r = {.obj = obj, .ts = ts, .action = "a", .has_qty = true, .qty = ts};
  if (th_insert(t, &r, 1, &err) != 0) fail_msg("insert into %s: %s", name, err.message);
  sky_table_release(t);
}

static uint64_t count_of(sky_store *st, const char *name) {
  sky_error err;
  sky_table *t = sky_store_table(st, name, &err);
  if (!t) fail_msg("%s: %s", name, err.message);
  uint64_t n = th_count(t);
  sky_table_release(t);
  return n;
}

enum { N_TABLES = 240, FD_LIMIT = 160, WAL_FDS = 32 };

static void test_many_tables(void **state) {
  (void)state;
  struct rlimit old, low;
  assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
  low = old;
  low.rlim_cur = FD_LIMIT;
  assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
  char *dir = th_dir("fds");
  int base = count_fds();
  sky_store *st = open_bounded(dir, WAL_FDS);
  char name[32];
  sky_error err;
  for (int i = 0; i < N_TABLES; i++) {
    snprintf(name, sizeof name, "t%d", i);
    if (sky_store_create_table(st, name, th_props, TH_NPROPS, &err) != 0) fail_msg("create %s: %s", name, err.message);
    insert_one(st, name, (uint64_t)i + 1, 1);
  }
  int open_now = count_fds() - base;
  print_message("%d tables written: %d descriptors (%u WAL)\n", N_TABLES, open_now, sky_store_open_wal_fds(st));
  assert_true(sky_store_open_wal_fds(st) <= WAL_FDS);
  assert_true(open_now <= WAL_FDS + 8);
  /* A crash: every row is only in its table's WAL. */
  sky_test_close_as_crash(true);
  sky_store_close(st);
  sky_test_close_as_crash(false);
  assert_int_equal(count_fds(), base);

  st = open_bounded(dir, WAL_FDS);
  assert_true(count_fds() - base <= 8); /* recovery opens each WAL only while replaying it */
  for (int i = 0; i < N_TABLES; i++) {
    snprintf(name, sizeof name, "t%d", i);
    insert_one(st, name, (uint64_t)i + 1, 2);
  }
  open_now = count_fds() - base;
  assert_true(open_now <= WAL_FDS + 8);
  for (int i = 0; i < N_TABLES; i++) {
    snprintf(name, sizeof name, "t%d", i);
    assert_int_equal(count_of(st, name), 2);
  }
  sky_store_close(st); /* flushes every table */
  st = open_bounded(dir, WAL_FDS);
  for (int i = 0; i < N_TABLES; i += 37) {
    snprintf(name, sizeof name, "t%d", i);
    assert_int_equal(count_of(st, name), 2);
  }
  sky_store_close(st);
  assert_int_equal(count_fds(), base);
  assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
  th_rmtree(dir);
  sky_free(dir);
}

/* Inserters of twelve tables share two idle descriptors: each group
 * borrows one (opening the file when it was closed) and the rows of every
 * group survive a crash. */
enum { THREADS = 6, TABLES = 12, PER_THREAD = 300 };

typedef struct ins_arg {
  sky_store *st;
  int id;
  int failures;
} ins_arg;

static void *inserter(void *p) {
  ins_arg *a = p;
  char name[16];
  sky_error err;
  for (int i = 0; i < PER_THREAD; i++) {
    snprintf(name, sizeof name, "c%d", (a->id + i) % TABLES);
    sky_table *t = sky_store_table(a->st, name, &err);
    th_row r = {.obj = (uint64_t)(a->id * 10000 + i + 1), .ts = i, .action = "x"};
    if (!t || th_insert(t, &r, 1, &err) != 0) a->failures++;
    sky_table_release(t);
  }
  return NULL;
}

static void test_shared_bound(void **state) {
  (void)state;
  char *dir = th_dir("fdshare");
  sky_store *st = open_bounded(dir, 2);
  sky_error err;
  char name[16];
  for (int i = 0; i < TABLES; i++) {
    snprintf(name, sizeof name, "c%d", i);
    assert_int_equal(sky_store_create_table(st, name, NULL, 0, &err), 0);
  }
  pthread_t th[THREADS];
  ins_arg args[THREADS];
  for (int i = 0; i < THREADS; i++) {
    args[i] = (ins_arg){st, i, 0};
    pthread_create(&th[i], NULL, inserter, &args[i]);
  }
  for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < THREADS; i++) assert_int_equal(args[i].failures, 0);
  assert_true(sky_store_open_wal_fds(st) <= 2);
  sky_test_close_as_crash(true);
  sky_store_close(st);
  sky_test_close_as_crash(false);
  st = open_bounded(dir, 2);
  uint64_t total = 0;
  for (int i = 0; i < TABLES; i++) {
    snprintf(name, sizeof name, "c%d", i);
    uint64_t n = count_of(st, name);
    assert_int_equal(n, THREADS * PER_THREAD / TABLES);
    total += n;
  }
  assert_int_equal(total, THREADS * PER_THREAD);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_many_tables),
      cmocka_unit_test(test_shared_bound),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
