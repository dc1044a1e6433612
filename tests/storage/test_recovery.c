/* test_recovery.c — opening after a crash: leftovers of interrupted
 * commits are removed, the WAL is replayed up to a torn tail (an
 * unacknowledged record cut at every byte) and the replay is logged, damage
 * to an acknowledged WAL record and a WAL that lost acknowledged records
 * (cut back, or missing) are io_errors naming the file, dictionary bytes past the committed length are
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
#include "storage/wal.h"

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

/* The generation of the table's newest WAL file. */
static uint64_t newest_gen(const char *dir) {
  char *t = sky_path_join(dir, "t_t");
  DIR *d = opendir(t);
  uint64_t gen = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    unsigned long long g;
    if (sscanf(e->d_name, "wal-%16llx.log", &g) == 1 && g > gen) gen = g;
  }
  closedir(d);
  sky_free(t);
  return gen;
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
    sky_table_release(t);
    sky_store_close(st);
    uint64_t next_gen = newest_gen(dir) + 1; /* younger than the manifest's */
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

/* Recovery's log lines, gathered by the store's log callback. */
static void gather(void *ctx, const char *line) {
  sky_buf_append(ctx, line, strlen(line));
  sky_buf_append(ctx, "\n", 1);
}

static sky_store *open_logged(const char *dir, sky_buf *log) {
  sky_buf_reset(log);
  sky_store_options opt;
  sky_store_options_init(&opt);
  opt.background_compaction = false;
  opt.log = gather;
  opt.log_ctx = log;
  sky_error err;
  sky_store *st = sky_store_open(dir, &opt, &err);
  if (!st) fail_msg("store open failed: %s", err.message);
  sky_buf_append(log, "", 1); /* NUL-terminated for strstr */
  return st;
}

/* A crash while a 21st insert was being written, after 20 acknowledged
 * ones: its record is cut at every byte (the header's acknowledged mark
 * still says 20, as the crash left it). The table recovers the 20 (or 21
 * when the record is whole), logs where replay stopped, and keeps
 * accepting inserts after the good prefix. */
static void test_wal_torn_tail(void **state) {
  (void)state;
  char *dir = th_dir("torn");
  crash_after_inserts(dir, 20, true);
  char *wal = wal_path(dir);
  size_t len20, len;
  char *acked20 = read_all(wal, &len20);
  crash_after_inserts(dir, 1, false);
  char *orig = read_all(wal, &len);
  memcpy(orig, acked20, SKY_WAL_HEADER_BYTES); /* the mark as of 20 */
  sky_buf log;
  sky_buf_init(&log);
  for (size_t cut = len20; cut <= len; cut++) {
    write_all(wal, orig, cut);
    /* Recover and count, then close as a crash would, so the directory
     * stays as the crash left it for the next cut. */
    sky_test_close_as_crash(true);
    sky_store *st = open_logged(dir, &log);
    sky_error err;
    sky_table *t = sky_store_table(st, "t", &err);
    if (!t) fail_msg("cut %zu: %s", cut, err.message);
    assert_int_equal(th_count(t), cut == len ? 21u : 20u);
    char want[160];
    snprintf(want, sizeof want, "table 't': replayed %d records (%zu bytes) from wal-0000000000000001.log; stopped at offset %zu: ",
             cut == len ? 21 : 20, (cut == len ? len : len20) - SKY_WAL_HEADER_BYTES, cut == len ? len : len20);
    if (!strstr(log.data, want)) fail_msg("cut %zu: log\n%s\nwants\n%s", cut, log.data, want);
    assert_non_null(strstr(log.data, cut == len ? "end of file" : cut == len20 ? "end of file" : "record 21 is torn"));
    sky_table_release(t);
    sky_store_close(st);
    sky_test_close_as_crash(false);
  }
  /* After a cut tail, new inserts go on from the good prefix. */
  write_all(wal, orig, len20 + 5);
  crash_after_inserts(dir, 3, false);
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  sky_table *t = sky_store_table(st, "t", &err);
  assert_int_equal(th_count(t), 23);
  sky_table_release(t);
  sky_store_close(st);
  sky_buf_free(&log);
  sky_free(acked20);
  sky_free(orig);
  sky_free(wal);
  th_rmtree(dir);
  sky_free(dir);
}

/* Ten acknowledged inserts, a crash, then the WAL loses what had been
 * durable: cut back to its header, to its first 16 bytes, by one byte of
 * its last record, or removed. Each is io_error naming the file, logged
 * at open; nothing opens silently with fewer rows. */
static void test_wal_lost_tail(void **state) {
  (void)state;
  char *dir = th_dir("lost");
  crash_after_inserts(dir, 10, true);
  char *wal = wal_path(dir);
  size_t len;
  char *orig = read_all(wal, &len);
  sky_buf log;
  sky_buf_init(&log);
  struct {
    size_t cut;
    const char *says;
  } cases[] = {
      {SKY_WAL_HEADER_BYTES, "ends at record 0"},
      {16, "shorter than its 40-byte header"},
      {0, "but it was durable"},
      {len - 1, "ends at record 9"},
      {(size_t)-1, "is missing"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    if (cases[k].cut == (size_t)-1) assert_int_equal(unlink(wal), 0);
    else write_all(wal, orig, cases[k].cut);
    sky_test_close_as_crash(true);
    sky_store *st = open_logged(dir, &log);
    sky_error err;
    assert_null(sky_store_table(st, "t", &err));
    assert_int_equal(err.code, SKY_ERR_IO_ERROR);
    if (!strstr(err.message, wal) || !strstr(err.message, cases[k].says))
      fail_msg("case %zu: %s", k, err.message);
    assert_non_null(strstr(log.data, "table 't' cannot be opened: "));
    if (k == 0) assert_non_null(strstr(err.message, "records up to 10"));
    sky_store_close(st);
    sky_test_close_as_crash(false);
  }
  /* The whole file again: all ten, and the log says so. */
  write_all(wal, orig, len);
  sky_store *st = open_logged(dir, &log);
  sky_error err;
  sky_table *t = sky_store_table(st, "t", &err);
  assert_non_null(t);
  assert_int_equal(th_count(t), 10);
  char want[160];
  snprintf(want, sizeof want, "table 't': replayed 10 records (%zu bytes) from wal-0000000000000001.log; stopped at offset %zu: end of file\n",
           len - SKY_WAL_HEADER_BYTES, len);
  if (!strstr(log.data, want)) fail_msg("log\n%s\nwants\n%s", log.data, want);
  sky_table_release(t);
  sky_store_close(st);
  sky_buf_free(&log);
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
  data[SKY_WAL_HEADER_BYTES + 28 + 40] ^= 0x01; /* inside the first record's payload */
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
      cmocka_unit_test(test_orphans),       cmocka_unit_test(test_wal_torn_tail), cmocka_unit_test(test_wal_torn_creation), cmocka_unit_test(test_wal_damage), cmocka_unit_test(test_wal_lost_tail),
      cmocka_unit_test(test_dict_leftover), cmocka_unit_test(test_open_is_fast),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
