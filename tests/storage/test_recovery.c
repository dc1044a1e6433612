/* test_recovery.c — opening after a crash: leftovers of interrupted
 * commits are removed, the WAL is replayed up to a torn tail (cut at every
 * byte of the last record), damage to an acknowledged WAL record is an
 * io_error naming the file, dictionary bytes past the committed length are
 * cut, inserts continue after a recovered tail, and opening does not read
 * segment bodies (it stays fast with hundreds of segments). Crashes are
 * simulated by a child process that exits without closing the store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/alloc.h"
#include "storage/helpers.h"
#include "storage/io.h"
#include "storage/table_int.h"

static char *tfile(const char *dir, const char *name) {
  char *t = sky_path_join(dir, "t_t");
  char *p = sky_path_join(t, name);
  sky_free(t);
  return p;
}

static void touch(const char *path, const char *data) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(data, f);
  fclose(f);
}

/* In a child: open, create "t", insert n single-row batches, exit without
 * closing (a crash as far as the store can tell). */
static void crash_after_inserts(const char *dir, int n, bool create) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    sky_store *st = th_open(dir, false, 0);
    sky_error err;
    if (create && sky_store_create_table(st, "t", th_props, TH_NPROPS, &err) != 0) _exit(2);
    sky_table *t = sky_store_table(st, "t", &err);
    for (int i = 0; i < n; i++) {
      th_row r = {.obj = (uint64_t)i % 7 + 1, .ts = i, .action = "ins", .has_qty = true, .qty = i};
      if (th_insert(t, &r, 1, &err) != 0) _exit(3);
    }
    _exit(0);
  }
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static char *wal_path(const char *dir) {
  char *t = sky_path_join(dir, "t_t");
  DIR *d = opendir(t);
  char *found = NULL;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strncmp(e->d_name, "wal-", 4) == 0) {
      sky_free(found);
      found = sky_path_join(t, e->d_name);
    }
  closedir(d);
  sky_free(t);
  assert_non_null(found);
  return found;
}

static void test_orphans(void **state) {
  (void)state;
  char *dir = th_dir("orphans");
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "t", th_props, TH_NPROPS, &err), 0);
  sky_table *t = sky_store_table(st, "t", &err);
  th_row r = {.obj = 3, .ts = 3, .action = "a"};
  assert_int_equal(th_load(t, &r, 1, &err), 0);
  char mine[64], foreign[64];
  snprintf(mine, sizeof mine, "seg-%016llx-00000000000000ff.sky", (unsigned long long)t->uid); /* never published */
  snprintf(foreign, sizeof foreign, "seg-%016llx-0000000000000001.sky", (unsigned long long)t->uid ^ 1); /* a dropped table's */
  sky_table_release(t);
  sky_store_close(st);
  const char *junk[] = {mine, foreign, "MANIFEST.tmp", "MANIFEST.prev", "wal-0000000000000000.log"};
  for (int i = 0; i < 5; i++) {
    char *p = tfile(dir, junk[i]);
    touch(p, "junk");
    sky_free(p);
  }
  char *tmp = sky_path_join(dir, "tmp-0123"), *drop = sky_path_join(dir, "drop-99-1");
  assert_int_equal(mkdir(tmp, 0755), 0);
  assert_int_equal(mkdir(drop, 0755), 0);
  st = th_open(dir, false, 0);
  for (int i = 0; i < 5; i++) {
    char *p = tfile(dir, junk[i]);
    assert_false(sky_io_exists(p));
    sky_free(p);
  }
  assert_false(sky_io_exists(tmp));
  assert_false(sky_io_exists(drop));
  t = sky_store_table(st, "t", &err);
  assert_int_equal(th_count(t), 1);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(tmp), sky_free(drop), sky_free(dir);
}

static char *read_all(const char *path, size_t *len) {
  char *data;
  sky_error err;
  assert_int_equal(sky_io_read_file(path, &data, len, &err), 0);
  return data;
}

static void write_all(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  fclose(f);
}

/* A crash between creating the next WAL file (a rotation) and making its
 * header durable leaves it empty or zero-filled. Nothing was ever
 * acknowledged in it, so recovery treats it as empty, rewrites its header,
 * and the table keeps every earlier insert and accepts new ones. */
static void test_wal_torn_creation(void **state) {
  (void)state;
  for (int shape = 0; shape < 2; shape++) {
    char *dir = th_dir("torncreate");
    sky_store *st = th_open(dir, false, 0);
    sky_error err;
    assert_int_equal(sky_store_create_table(st, "t", th_props, TH_NPROPS, &err), 0);
    sky_table *t = sky_store_table(st, "t", &err);
    th_row r[3] = {{.obj = 1, .ts = 1, .action = "a"}, {.obj = 2, .ts = 2, .action = "b"}, {.obj = 3, .ts = 3, .action = "c"}};
    assert_int_equal(th_insert(t, r, 3, &err), 0);
    uint64_t next_gen = t->wal_gen + 1;
    sky_table_release(t);
    sky_store_close(st);
    char name[64];
    snprintf(name, sizeof name, "wal-%016llx.log", (unsigned long long)next_gen);
    char *p = tfile(dir, name);
    static const char zeros[16];
    write_all(p, zeros, shape == 0 ? 0 : sizeof zeros);
    sky_free(p);
    for (int round = 0; round < 2; round++) {
      st = th_open(dir, false, 0);
      t = sky_store_table(st, "t", &err);
      assert_non_null(t);
      assert_int_equal(th_count(t), 3u + (unsigned)round);
      if (round == 0) {
        th_row more = {.obj = 4, .ts = 4, .action = "d"};
        assert_int_equal(th_insert(t, &more, 1, &err), 0);
      }
      sky_table_release(t);
      sky_store_close(st);
    }
    th_rmtree(dir);
    sky_free(dir);
  }
}

/* A crash with 20 acknowledged inserts; the WAL's last record is then cut
 * at every byte, and the table recovers the first 19 (or all 20 when
 * nothing is cut), and keeps accepting inserts. */
static void test_wal_torn_tail(void **state) {
  (void)state;
  char *dir = th_dir("torn");
  crash_after_inserts(dir, 20, true);
  char *wal = wal_path(dir);
  size_t len;
  char *orig = read_all(wal, &len);
  size_t last = len - 28 - 1; /* the last record's header starts before its payload */
  while (last > 16 && memcmp(orig + last, "SKWR", 4) != 0) last--;
  for (size_t cut = last; cut <= len; cut++) {
    write_all(wal, orig, cut);
    /* Recover and count, then close as a crash would, so the directory
     * stays as the crash left it for the next cut. */
    sky_test_close_as_crash(true);
    sky_store *st = th_open(dir, false, 0);
    sky_error err;
    sky_table *t = sky_store_table(st, "t", &err);
    assert_non_null(t);
    assert_int_equal(th_count(t), cut == len ? 20u : 19u);
    sky_table_release(t);
    sky_store_close(st);
    sky_test_close_as_crash(false);
  }
  /* After a cut tail, new inserts go on from the good prefix. */
  write_all(wal, orig, last + 5);
  crash_after_inserts(dir, 3, false);
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  sky_table *t = sky_store_table(st, "t", &err);
  assert_int_equal(th_count(t), 22);
  sky_table_release(t);
  sky_store_close(st);
  sky_free(orig);
  sky_free(wal);
  th_rmtree(dir);
  sky_free(dir);
}

/* A flipped byte in an early record, followed by records that prove it was
 * acknowledged: the table reports io_error naming the WAL; other tables
 * and DROP keep working. */
static void test_wal_damage(void **state) {
  (void)state;
  char *dir = th_dir("waldamage");
  crash_after_inserts(dir, 20, true);
  char *wal = wal_path(dir);
  size_t len;
  char *data = read_all(wal, &len);
  data[16 + 28 + 40] ^= 0x01; /* inside the first record's payload */
  write_all(wal, data, len);
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  assert_null(sky_store_table(st, "t", &err));
  assert_int_equal(err.code, SKY_ERR_IO_ERROR);
  assert_non_null(strstr(err.message, wal));
  assert_int_equal(sky_store_create_table(st, "other", NULL, 0, &err), 0);
  sky_table *o = sky_store_table(st, "other", &err);
  th_row r = {.obj = 1, .ts = 1, .action = "x"};
  assert_int_equal(th_insert(o, &r, 1, &err), 0);
  sky_table_release(o);
  assert_int_equal(sky_store_drop_table(st, "t", &err), 0);
  sky_store_close(st);
  sky_free(data);
  sky_free(wal);
  th_rmtree(dir);
  sky_free(dir);
}

/* Strings interned by a load that never published (the process died
 * between the dictionary append and the manifest): cut on open. */
static void test_dict_leftover(void **state) {
  (void)state;
  char *dir = th_dir("dictleft");
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "t", th_props, TH_NPROPS, &err), 0);
  sky_table *t = sky_store_table(st, "t", &err);
  th_row r = {.obj = 1, .ts = 1, .action = "a", .plan = "pro"};
  assert_int_equal(th_load(t, &r, 1, &err), 0);
  sky_table_release(t);
  sky_store_close(st);
  char *d0 = tfile(dir, "dict-0.dat");
  struct stat sb;
  assert_int_equal(stat(d0, &sb), 0);
  int fd = open(d0, O_WRONLY | O_APPEND);
  assert_true(write(fd, "leftover-block", 14) == 14);
  close(fd);
  st = th_open(dir, false, 0);
  struct stat sa;
  assert_int_equal(stat(d0, &sa), 0);
  assert_int_equal(sa.st_size, sb.st_size);
  t = sky_store_table(st, "t", &err);
  r.action = "b";
  assert_int_equal(th_load(t, &r, 1, &err), 0);
  sky_table_release(t);
  sky_store_close(st);
  st = th_open(dir, false, 0);
  t = sky_store_table(st, "t", &err);
  sky_buf b;
  sky_buf_init(&b);
  assert_int_equal(th_dump(t, &b, &err), 0);
  assert_string_equal(b.data, "1 1 a 'pro' - - - -\n1 1 b 'pro' - - - -\n");
  sky_buf_free(&b);
  sky_table_release(t);
  sky_store_close(st);
  sky_free(d0);
  th_rmtree(dir);
  sky_free(dir);
}

/* Opening reads footers only: 120 segments and a million events open in
 * well under a second, and the first read then decodes. */
static void test_open_is_fast(void **state) {
  (void)state;
  char *dir = th_dir("fastopen");
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "t", th_props, TH_NPROPS, &err), 0);
  sky_table *t = sky_store_table(st, "t", &err);
  enum { BIG = 1000000 };
  th_row *rows = calloc(BIG, sizeof *rows);
  for (int i = 0; i < BIG; i++) rows[i] = (th_row){.obj = (uint64_t)i / 20 + 1, .ts = i, .action = "v"};
  assert_int_equal(th_load(t, rows, BIG, &err), 0);
  for (int i = 0; i < 120; i++) assert_int_equal(th_load(t, rows + i * 100, 100, &err), 0);
  free(rows);
  sky_table_release(t);
  sky_store_close(st);
  double t0 = th_now();
  st = th_open(dir, false, 0);
  double took = th_now() - t0;
  assert_true(took < 0.5);
  t = sky_store_table(st, "t", &err);
  assert_int_equal(t->v->n_segs, 121);
  assert_int_equal(th_count(t), BIG + 120 * 100);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_orphans),       cmocka_unit_test(test_wal_torn_tail), cmocka_unit_test(test_wal_torn_creation), cmocka_unit_test(test_wal_damage),
      cmocka_unit_test(test_dict_leftover), cmocka_unit_test(test_open_is_fast),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
