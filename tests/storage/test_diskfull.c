/* test_diskfull.c — a full disk (sky_io_fail_after) at every write
 * position of each writing operation: LOAD (whose commit first flushes
 * in-memory rows and adds dictionary strings), INSERT, ALTER, DELETE
 * OBJECT, compaction, CREATE and DROP TABLE. For n = 1, 2, ... the n-th
 * write fails; the operation must fail with io_error, the table must read
 * exactly as before, and the store must reopen to that same state. The
 * loop ends at the first n where the operation succeeds, whose result is
 * then checked too. Each attempt starts from a pristine copy of a data
 * directory left by a crash (so the WAL holds unflushed rows). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
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

static char *g_pristine, *g_dir;

static void copy_tree(const char *from, const char *to) {
  assert_int_equal(mkdir(to, 0755), 0);
  DIR *d = opendir(from);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char *a = sky_path_join(from, e->d_name), *b = sky_path_join(to, e->d_name);
    struct stat st;
    assert_int_equal(stat(a, &st), 0);
    if (S_ISDIR(st.st_mode)) {
      copy_tree(a, b);
    } else {
      size_t len;
      char *data;
      sky_error err;
      assert_int_equal(sky_io_read_file(a, &data, &len, &err), 0);
      FILE *f = fopen(b, "wb");
      assert_non_null(f);
      assert_int_equal(fwrite(data, 1, len, f), len);
      fclose(f);
      sky_free(data);
    }
    sky_free(a), sky_free(b);
  }
  closedir(d);
}

/* Table "t": one load, then inserts left in the WAL by a crash. */
static int setup(void **state) {
  (void)state;
  g_pristine = th_dir("diskfull-pristine");
  g_dir = th_dir("diskfull");
  pid_t pid = fork();
  if (pid == 0) {
    sky_store *st = th_open(g_pristine, false, 0);
    sky_error err;
    if (sky_store_create_table(st, "t", th_props, TH_NPROPS, &err) != 0) _exit(2);
    sky_table *t = sky_store_table(st, "t", &err);
    th_row rows[40];
    for (int i = 0; i < 40; i++)
      rows[i] = (th_row){.obj = (uint64_t)i % 11 + 1, .ts = i, .action = "seen", .plan = i % 4 ? NULL : "free",
                         .has_price = i % 3 == 0, .price = i / 4.0};
    if (th_load(t, rows, 30, &err) != 0) _exit(3);
    for (int i = 30; i < 40; i++)
      if (th_insert(t, &rows[i], 1, &err) != 0) _exit(4);
    _exit(0);
  }
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_int_equal(WEXITSTATUS(status), 0);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  th_rmtree(g_pristine);
  th_rmtree(g_dir);
  sky_free(g_pristine);
  sky_free(g_dir);
  return 0;
}

/* What the store holds: tables, each table's schema size and contents. */
static char *describe(sky_store *st) {
  sky_buf b;
  sky_buf_init(&b);
  char **names;
  size_t n;
  sky_error err;
  assert_int_equal(sky_store_list_tables(st, &names, &n, &err), 0);
  for (size_t i = 0; i < n; i++) {
    sky_table *t = sky_store_table(st, names[i], &err);
    if (!t) fail_msg("table %s: %s", names[i], err.message);
    sky_snapshot *s = sky_table_snapshot(t, &err);
    sky_buf_printf(&b, "table %s, %u properties\n", names[i], sky_snapshot_schema(s)->n_props);
    if (th_dump_snap(s, &b, &err) != 0) fail_msg("read %s: %s", names[i], err.message);
    sky_snapshot_release(s);
    sky_table_release(t);
    sky_free(names[i]);
  }
  sky_free(names);
  if (!b.data) sky_buf_puts(&b, "");
  return b.data;
}

typedef int (*op_fn)(sky_store *st, sky_error *err);

static int op_load(sky_store *st, sky_error *err) {
  sky_table *t = sky_store_table(st, "t", err);
  th_row rows[25];
  for (int i = 0; i < 25; i++)
    rows[i] = (th_row){.obj = (uint64_t)i % 13 + 1, .ts = 100 + i, .action = i % 2 ? "new-action" : "seen",
                       .plan = i % 5 ? NULL : "new-plan", .country = "new-country", .has_qty = true, .qty = i};
  int rc = th_load(t, rows, 25, err);
  sky_table_release(t);
  return rc;
}

static int op_insert(sky_store *st, sky_error *err) {
  sky_table *t = sky_store_table(st, "t", err);
  th_row rows[3] = {{.obj = 77, .ts = 5, .action = "ins-a"}, {.obj = 78, .ts = 5, .action = "ins-b"},
                    {.obj = 77, .ts = 6, .country = "x"}};
  int rc = th_insert(t, rows, 3, err);
  sky_table_release(t);
  return rc;
}

static int op_alter(sky_store *st, sky_error *err) {
  sky_table *t = sky_store_table(st, "t", err);
  sky_prop p = {.name = "extra", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING};
  int rc = sky_table_add_property(t, &p, err);
  sky_table_release(t);
  return rc;
}

static int op_delete(sky_store *st, sky_error *err) {
  sky_table *t = sky_store_table(st, "t", err);
  bool existed;
  int rc = sky_table_delete_object(t, 3, &existed, err); /* it has rows in memory too */
  if (rc == 0) assert_true(existed);
  sky_table_release(t);
  return rc;
}

static int op_compact(sky_store *st, sky_error *err) {
  sky_table *t = sky_store_table(st, "t", err);
  int rc = sky_table_compact(t, err);
  sky_table_release(t);
  return rc;
}

static int op_create(sky_store *st, sky_error *err) { return sky_store_create_table(st, "new", th_props, 2, err); }
static int op_drop(sky_store *st, sky_error *err) { return sky_store_drop_table(st, "t", err); }

/* Runs `op` with the n-th write failing, for n = 1, 2, ... until it
 * succeeds; returns the number of write positions that failed cleanly. */
static int every_position(op_fn op, const char *name, bool changes) {
  for (uint64_t n = 1; n < 500; n++) {
    th_rmtree(g_dir);
    copy_tree(g_pristine, g_dir);
    sky_store *st = th_open(g_dir, false, 0);
    char *before = describe(st);
    sky_error err;
    sky_io_fail_after(n);
    int rc = op(st, &err);
    sky_io_fail_after(0);
    char *now = describe(st);
    sky_store_close(st);
    st = th_open(g_dir, false, 0);
    char *reopened = describe(st);
    sky_store_close(st);
    if (rc == 0) {
      assert_string_equal(now, reopened);
      if (changes) assert_string_not_equal(before, now);
      else assert_string_equal(before, now);
      sky_free(before), sky_free(now), sky_free(reopened);
      print_message("%s: %llu write positions failed cleanly\n", name, (unsigned long long)n - 1);
      return (int)n - 1;
    }
    if (err.code != SKY_ERR_IO_ERROR || !strstr(err.message, "No space left"))
      fail_msg("%s, write %llu: unexpected error %s: %s", name, (unsigned long long)n, sky_code_name(err.code),
               err.message);
    if (strcmp(before, now) != 0) fail_msg("%s, write %llu: the table changed", name, (unsigned long long)n);
    if (strcmp(before, reopened) != 0) fail_msg("%s, write %llu: the reopened table changed", name, (unsigned long long)n);
    sky_free(before), sky_free(now), sky_free(reopened);
  }
  fail_msg("%s never succeeded", name);
  return 0;
}

static void test_load(void **state) {
  (void)state;
  int positions = every_position(op_load, "LOAD", true);
  assert_true(positions >= 15); /* flush, segment, dictionaries, manifest */
}

static void test_insert(void **state) {
  (void)state;
  assert_true(every_position(op_insert, "INSERT", true) >= 1);
}

static void test_alter(void **state) {
  (void)state;
  assert_true(every_position(op_alter, "ALTER", true) >= 4);
}

static void test_delete(void **state) {
  (void)state;
  assert_true(every_position(op_delete, "DELETE", true) >= 8);
}

static void test_compact(void **state) {
  (void)state;
  assert_true(every_position(op_compact, "compaction", false) >= 8);
}

static void test_create_drop(void **state) {
  (void)state;
  assert_true(every_position(op_create, "CREATE", true) >= 5);
  assert_true(every_position(op_drop, "DROP", true) >= 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_load),   cmocka_unit_test(test_insert),  cmocka_unit_test(test_alter),
      cmocka_unit_test(test_delete), cmocka_unit_test(test_compact), cmocka_unit_test(test_create_drop),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
