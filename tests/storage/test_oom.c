/* test_oom.c — the allocation-failure loop (STYLE.md): for N = 1, 2, ...
 * (densely at first, then in growing steps) the N-th allocation and every
 * later one fail during an operation: LOAD, INSERT, reading every
 * partition, compaction, ALTER and DELETE OBJECT. The operation must
 * either succeed or fail with out_of_memory, the table must read as
 * before (or, on success, as after), and the store must reopen to the same
 * state. Under ASan this also proves the error paths free what they took.
 * Each attempt starts from a pristine copy of a directory holding a
 * segment and unflushed WAL rows. */
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
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s/%s", from, e->d_name);
    snprintf(b, sizeof b, "%s/%s", to, e->d_name);
    struct stat st;
    assert_int_equal(stat(a, &st), 0);
    if (S_ISDIR(st.st_mode)) {
      copy_tree(a, b);
      continue;
    }
    FILE *in = fopen(a, "rb"), *out = fopen(b, "wb");
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    fclose(out);
  }
  closedir(d);
}

static int setup(void **state) {
  (void)state;
  g_pristine = th_dir("oom-pristine");
  g_dir = th_dir("oom");
  pid_t pid = fork();
  if (pid == 0) {
    sky_store *st = th_open(g_pristine, false, 0);
    sky_error err;
    if (sky_store_create_table(st, "t", th_props, TH_NPROPS, &err) != 0) _exit(2);
    sky_table *t = sky_store_table(st, "t", &err);
    th_row rows[40];
    for (int i = 0; i < 40; i++)
      rows[i] = (th_row){.obj = (uint64_t)i % 11 + 1, .ts = i, .action = "seen", .plan = i % 4 ? NULL : "free",
                         .has_price = i % 3 == 0, .price = i / 4.0, .has_qty = i % 2 == 0, .qty = i};
    if (th_load(t, rows, 30, &err) != 0) _exit(3);
    if (th_load(t, rows + 5, 10, &err) != 0) _exit(3);
    for (int i = 30; i < 40; i++)
      if (th_insert(t, &rows[i], 1, &err) != 0) _exit(4);
    _exit(0); /* a crash: the inserts stay in the WAL */
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

static char *describe(sky_store *st) {
  sky_error err;
  sky_table *t = sky_store_table(st, "t", &err);
  if (!t) fail_msg("table: %s", err.message);
  sky_snapshot *s = sky_table_snapshot(t, &err);
  sky_buf b;
  sky_buf_init(&b);
  sky_buf_printf(&b, "%u properties\n", sky_snapshot_schema(s)->n_props);
  if (th_dump_snap(s, &b, &err) != 0) fail_msg("read: %s", err.message);
  sky_snapshot_release(s);
  sky_table_release(t);
  return b.data;
}

typedef int (*op_fn)(sky_table *t, sky_batch *b, sky_error *err);

/* The batch of LOAD and INSERT, built before allocations start failing. */
static sky_batch *make_batch(sky_table *t, bool for_load) {
  sky_error err;
  sky_snapshot *s = sky_table_snapshot(t, &err);
  static sky_schema *schema; /* outlives the batch; replaced per attempt */
  sky_schema_free(schema);
  schema = sky_schema_clone(sky_snapshot_schema(s));
  sky_snapshot_release(s);
  th_row rows[20];
  for (int i = 0; i < 20; i++)
    rows[i] = (th_row){.obj = (uint64_t)i % 7 + 1, .ts = 50 - i, .action = i % 2 ? "new" : "seen", .country = "nz"};
  th_row ins[2] = {{.obj = 70, .ts = 1, .action = "ins", .plan = "x"}, {.obj = 71, .ts = 2, .has_flag = true}};
  return for_load ? th_batch(schema, rows, 20) : th_batch(schema, ins, 2);
}

static int op_load(sky_table *t, sky_batch *b, sky_error *err) {
  sky_load_txn *tx = sky_table_load_begin(t, err);
  if (!tx) return -1;
  if (sky_load_txn_add(tx, b, err) != 0) {
    sky_load_txn_abort(tx);
    return -1;
  }
  return sky_load_txn_commit(tx, NULL, err);
}

static int op_insert(sky_table *t, sky_batch *b, sky_error *err) { return sky_table_insert(t, b, err); }

/* Reading fails or not, and changes nothing either way: success means
 * every partition was read. */
static int op_read(sky_table *t, sky_batch *b, sky_error *err) {
  (void)b;
  sky_snapshot *s = sky_table_snapshot(t, err);
  if (!s) return -1;
  uint8_t all[TH_NPROPS] = {1, 1, 1, 1, 1};
  sky_colset need = {.ts = true, .action = true, .props = all};
  int rc = 0;
  for (uint32_t p = 0; rc == 0 && p < SKY_PARTITIONS; p++) {
    sky_chunk c;
    rc = sky_snapshot_read_partition(s, p, &need, &c, err);
    if (rc == 0) sky_chunk_release(&c);
  }
  sky_chunk c;
  if (rc == 0 && (rc = sky_snapshot_read_object(s, 3, &c, err)) == 0) sky_chunk_release(&c);
  sky_snapshot_release(s);
  return rc;
}

static int op_compact(sky_table *t, sky_batch *b, sky_error *err) {
  (void)b;
  return sky_table_compact(t, err);
}

static int op_alter(sky_table *t, sky_batch *b, sky_error *err) {
  (void)b;
  sky_prop p = {.name = "extra", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_STRING};
  return sky_table_add_property(t, &p, err);
}

static int op_delete(sky_table *t, sky_batch *b, sky_error *err) {
  (void)b;
  bool existed;
  return sky_table_delete_object(t, 4, &existed, err);
}

static void every_allocation(op_fn op, const char *name, bool changes) {
  sky_alloc_fail_after(0); /* a failed earlier test may have left it on */
  sky_test_close_as_crash(true); /* what survives must be durable already, not flushed at close */
  uint64_t n = 1;
  for (;;) {
    th_rmtree(g_dir);
    copy_tree(g_pristine, g_dir);
    sky_store *st = th_open(g_dir, false, 0);
    char *before = describe(st);
    sky_error err;
    sky_table *t = sky_store_table(st, "t", &err);
    sky_batch *b = make_batch(t, op == op_load);
    sky_alloc_fail_after(n);
    int rc = op(t, b, &err);
    sky_alloc_fail_after(0);
    sky_batch_free(b);
    sky_table_release(t);
    char *now = describe(st);
    sky_store_close(st);
    st = th_open(g_dir, false, 0);
    char *reopened = describe(st);
    sky_store_close(st);
    if (rc != 0 && err.code != SKY_ERR_OUT_OF_MEMORY)
      fail_msg("%s, allocation %llu: %s: %s", name, (unsigned long long)n, sky_code_name(err.code), err.message);
    if (rc != 0 || !changes) assert_string_equal(before, now);
    else assert_string_not_equal(before, now);
    assert_string_equal(now, reopened);
    sky_free(before), sky_free(now), sky_free(reopened);
    if (rc == 0) {
      sky_test_close_as_crash(false);
      print_message("%s: failed cleanly at allocations 1..%llu (sampled)\n", name, (unsigned long long)n - 1);
      return;
    }
    n += n < 100 ? 1 : n / 8;
  }
}

static void test_load(void **state) {
  (void)state;
  every_allocation(op_load, "LOAD", true);
}

static void test_insert(void **state) {
  (void)state;
  every_allocation(op_insert, "INSERT", true);
}

static void test_read(void **state) {
  (void)state;
  every_allocation(op_read, "read", false);
}

static void test_compact(void **state) {
  (void)state;
  every_allocation(op_compact, "compaction", false);
}

static void test_alter(void **state) {
  (void)state;
  every_allocation(op_alter, "ALTER", true);
}

static void test_delete(void **state) {
  (void)state;
  every_allocation(op_delete, "DELETE", true);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_load),    cmocka_unit_test(test_insert), cmocka_unit_test(test_read),
      cmocka_unit_test(test_compact), cmocka_unit_test(test_alter),  cmocka_unit_test(test_delete),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
