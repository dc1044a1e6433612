/* test_corrupt.c — damaged files are detected, never a crash or a wrong
 * answer. For segment, manifest and dictionary files, every byte position
 * (with a stride on larger files) is flipped in turn, and the file is cut
 * at several lengths; after each, the store is reopened and the table is
 * read: the result is either exactly the original or an io_error naming
 * the damaged file, and the other table of the store stays readable. For
 * the WAL, recovery either fails with io_error naming it or keeps a prefix
 * of the acknowledged inserts with exactly their values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/alloc.h"
#include "storage/helpers.h"
#include "storage/io.h"
#include "storage/table_int.h"

static char *g_dir, *g_baseline, *g_other_baseline;

static char *find_file(const char *dir, const char *table, const char *prefix) {
  char *t = sky_path_join(dir, table);
  DIR *d = opendir(t);
  assert_non_null(d);
  char *found = NULL;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && !found) found = sky_path_join(t, e->d_name);
  closedir(d);
  sky_free(t);
  assert_non_null(found);
  return found;
}

static char *dump_table(sky_store *st, const char *name, sky_error *err) {
  sky_table *t = sky_store_table(st, name, err);
  if (!t) return NULL;
  sky_buf b;
  sky_buf_init(&b);
  int rc = th_dump(t, &b, err);
  sky_table_release(t);
  if (rc != 0) {
    sky_buf_free(&b);
    return NULL;
  }
  if (!b.data) sky_buf_puts(&b, "");
  return b.data;
}

/* Two tables: "t" with two loads (all property types), "u" with one. */
static int setup(void **state) {
  (void)state;
  g_dir = th_dir("corrupt");
  sky_store *st = th_open(g_dir, false, 0);
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "t", th_props, TH_NPROPS, &err), 0);
  assert_int_equal(sky_store_create_table(st, "u", th_props, TH_NPROPS, &err), 0);
  sky_table *t = sky_store_table(st, "t", &err), *u = sky_store_table(st, "u", &err);
  th_row rows[60];
  const char *plans[] = {"free", "pro"};
  for (int i = 0; i < 60; i++) {
    rows[i] = (th_row){.obj = (uint64_t)(i % 9) + 1, .ts = 1000 + i * 37, .action = i % 3 ? "view" : "buy",
                       .plan = i % 5 ? NULL : plans[i % 2], .has_price = i % 4 == 0, .price = i * 1.25,
                       .has_qty = i % 3 == 0, .qty = -i, .has_flag = i % 2 == 0, .flag = i % 4 == 0};
  }
  assert_int_equal(th_load(t, rows, 30, &err), 0);
  assert_int_equal(th_load(t, rows + 30, 30, &err), 0);
  assert_int_equal(th_load(u, rows, 10, &err), 0);
  sky_table_release(t);
  sky_table_release(u);
  sky_store_close(st);
  st = th_open(g_dir, false, 0);
  g_baseline = dump_table(st, "t", &err);
  g_other_baseline = dump_table(st, "u", &err);
  assert_non_null(g_baseline);
  sky_store_close(st);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  th_rmtree(g_dir);
  sky_free(g_dir);
  sky_free(g_baseline);
  sky_free(g_other_baseline);
  return 0;
}

/* Reopens and reads both tables: "t" must be intact or fail naming `path`;
 * "u" must be intact. Returns true when "t" failed. */
static bool check_store(const char *path) {
  sky_store_options opt;
  sky_store_options_init(&opt);
  opt.background_compaction = false;
  opt.cache_bytes = 1; /* nothing stays cached: every read decodes */
  sky_error err;
  sky_store *st = sky_store_open(g_dir, &opt, &err);
  assert_non_null(st);
  char *d = dump_table(st, "t", &err);
  bool failed = d == NULL;
  if (d) {
    assert_string_equal(d, g_baseline);
  } else {
    assert_int_equal(err.code, SKY_ERR_IO_ERROR);
    if (!strstr(err.message, path)) fail_msg("error does not name %s: %s", path, err.message);
  }
  sky_free(d);
  char *o = dump_table(st, "u", &err);
  assert_non_null(o);
  assert_string_equal(o, g_other_baseline);
  sky_free(o);
  sky_store_close(st);
  return failed;
}

static void flip_file(const char *path, size_t max_checks) {
  size_t len;
  char *orig;
  sky_error err;
  assert_int_equal(sky_io_read_file(path, &orig, &len, &err), 0);
  size_t stride = len / max_checks + 1, detected = 0, checked = 0;
  for (size_t pos = 0; pos < len; pos += stride) {
    int bit = (int)(pos % 8);
    orig[pos] ^= (char)(1 << bit);
    FILE *f = fopen(path, "wb");
    fwrite(orig, 1, len, f);
    fclose(f);
    orig[pos] ^= (char)(1 << bit);
    detected += check_store(path);
    checked++;
  }
  /* Cuts: empty, inside the header, the middle, the last byte. */
  size_t cuts[] = {0, 3, len / 2, len - 1};
  for (size_t i = 0; i < 4; i++) {
    FILE *f = fopen(path, "wb");
    fwrite(orig, 1, cuts[i], f);
    fclose(f);
    assert_true(check_store(path));
  }
  FILE *f = fopen(path, "wb");
  fwrite(orig, 1, len, f);
  fclose(f);
  assert_false(check_store(path));
  assert_int_equal(detected, checked); /* every byte is covered by a check */
  sky_free(orig);
}

static void test_segment(void **state) {
  (void)state;
  char *seg = find_file(g_dir, "t_t", "seg-");
  flip_file(seg, 300);
  sky_free(seg);
}

static void test_manifest(void **state) {
  (void)state;
  char *m = find_file(g_dir, "t_t", "MANIFEST");
  flip_file(m, 1000);
  sky_free(m);
}

static void test_dictionary(void **state) {
  (void)state;
  char *d = find_file(g_dir, "t_t", "dict-1");
  flip_file(d, 1000);
  sky_free(d);
}

/* The WAL of 30 acknowledged inserts (object i + 1, qty i), damaged at
 * many positions: recovery fails naming the file, or keeps inserts
 * 0..k-1 with their exact values. Each check closes the store as a crash
 * would (no flush), so the directory keeps its crashed state. */
static int wal_child(const char *dir, const char *wal, int n) {
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  sky_table *t = sky_store_table(st, "w", &err);
  if (!t) {
    int rc = err.code == SKY_ERR_IO_ERROR && strstr(err.message, wal) ? 0 : 10;
    sky_store_close(st);
    return rc;
  }
  sky_snapshot *s = sky_table_snapshot(t, &err);
  uint8_t all[TH_NPROPS] = {1, 1, 1, 1, 1};
  sky_colset need = {.ts = true, .action = true, .props = all};
  bool seen[64] = {0};
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) {
    sky_chunk c;
    if (sky_snapshot_read_partition(s, p, &need, &c, &err) != 0) return 11;
    for (uint64_t k = 0; k < c.n_objects; k++) {
      uint64_t i = c.obj_id[k] - 1;
      const int64_t *qty = c.cols[3].values;
      if (i >= (uint64_t)n || c.obj_start[k + 1] - c.obj_start[k] != 1) return 12;
      uint64_t e = c.obj_start[k];
      if (c.ts[e] != (int64_t)i || qty[e] != (int64_t)i || !c.cols[3].present[e] || c.cols[0].present[e]) return 13;
      seen[i] = true;
    }
    sky_chunk_release(&c);
  }
  sky_snapshot_release(s);
  sky_table_release(t);
  sky_store_close(st);
  int k = 0;
  while (k < n && seen[k]) k++;
  for (int i = k; i < n; i++)
    if (seen[i]) return 14; /* not a prefix */
  return 0;
}

static void test_wal(void **state) {
  (void)state;
  char *dir = th_dir("corruptwal");
  enum { N = 30 };
  pid_t pid = fork();
  if (pid == 0) { /* acknowledged inserts, then a crash */
    sky_store *st = th_open(dir, false, 0);
    sky_error err;
    if (sky_store_create_table(st, "w", th_props, TH_NPROPS, &err) != 0) _exit(2);
    sky_table *t = sky_store_table(st, "w", &err);
    for (int i = 0; i < N; i++) {
      th_row r = {.obj = (uint64_t)i + 1, .ts = i, .action = "ins", .has_qty = true, .qty = i};
      if (th_insert(t, &r, 1, &err) != 0) _exit(3);
    }
    _exit(0);
  }
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_int_equal(WEXITSTATUS(status), 0);
  char *wal = find_file(dir, "t_w", "wal-");
  size_t len;
  char *orig;
  sky_error err;
  assert_int_equal(sky_io_read_file(wal, &orig, &len, &err), 0);
  sky_test_close_as_crash(true); /* each check leaves the directory as the crash did */
  for (size_t pos = 0; pos <= len; pos += pos < 200 || pos > len - 150 ? 1 : 5) {
    FILE *f = fopen(wal, "wb");
    if (pos < len) {
      orig[pos] ^= 0x04;
      fwrite(orig, 1, len, f);
      orig[pos] ^= 0x04;
    } else {
      fwrite(orig, 1, len / 2, f); /* and one cut in the middle */
    }
    fclose(f);
    int rc = wal_child(dir, wal, N);
    if (rc != 0) fail_msg("position %zu: check %d", pos, rc);
  }
  sky_test_close_as_crash(false);
  sky_free(orig);
  sky_free(wal);
  th_rmtree(dir);
  sky_free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_segment),
      cmocka_unit_test(test_manifest),
      cmocka_unit_test(test_dictionary),
      cmocka_unit_test(test_wal),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
