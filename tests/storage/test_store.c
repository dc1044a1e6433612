/* test_store.c — functional tests of the storage engine through storage.h:
 * catalog (create, list, drop, odd names, the directory lock), LOAD and
 * reads, snapshot isolation, INSERT, arrival order across loads, inserts
 * and compaction, DELETE OBJECT, ALTER, reopen, the chunk cache, extreme
 * values and the background compactor. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include "common/alloc.h"
#include "storage/helpers.h"
#include "storage/io.h"
#include "storage/table_int.h"

static sky_table *make_table(sky_store *st, const char *name) {
  sky_error err;
  assert_int_equal(sky_store_create_table(st, name, th_props, TH_NPROPS, &err), 0);
  sky_table *t = sky_store_table(st, name, &err);
  assert_non_null(t);
  return t;
}

static char *dump(sky_table *t) {
  sky_buf b;
  sky_buf_init(&b);
  sky_error err;
  if (th_dump(t, &b, &err) != 0) fail_msg("dump failed: %s", err.message);
  if (!b.data) sky_buf_puts(&b, "");
  return b.data;
}

static void test_catalog(void **state) {
  (void)state;
  char *dir = th_dir("catalog");
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  char odd[SKY_MAX_NAME + 1];
  memset(odd, '/', SKY_MAX_NAME);
  odd[SKY_MAX_NAME] = '\0';
  odd[3] = '"';
  odd[5] = '.';
  const char *names[] = {"zeta", "Alpha", "with space", "..", odd, "\xc3\xa9t\xc3\xa9"};
  for (size_t i = 0; i < 6; i++) assert_int_equal(sky_store_create_table(st, names[i], NULL, 0, &err), 0);
  assert_int_equal(sky_store_create_table(st, "zeta", NULL, 0, &err), -1);
  assert_int_equal(err.code, SKY_ERR_ALREADY_EXISTS);
  sky_prop bad[2] = {{.name = "action", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_INT}, {.name = "x", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_INT}};
  assert_int_equal(sky_store_create_table(st, "bad", bad, 1, &err), -1);
  assert_int_equal(err.code, SKY_ERR_SEMANTIC);
  sky_prop dup[2] = {{.name = "x", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_INT}, {.name = "x", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_INT}};
  assert_int_equal(sky_store_create_table(st, "bad", dup, 2, &err), -1);
  assert_int_equal(err.code, SKY_ERR_SEMANTIC);
  assert_int_equal(sky_store_create_table(st, "", NULL, 0, &err), -1);
  assert_int_equal(sky_store_drop_table(st, "nope", &err), -1);
  assert_int_equal(err.code, SKY_ERR_UNKNOWN_TABLE);
  assert_null(sky_store_table(st, "nope", &err));
  assert_int_equal(err.code, SKY_ERR_UNKNOWN_TABLE);

  for (int round = 0; round < 2; round++) {
    char **list;
    size_t n;
    assert_int_equal(sky_store_list_tables(st, &list, &n, &err), 0);
    assert_int_equal(n, 6);
    for (size_t i = 1; i < n; i++) assert_true(strcmp(list[i - 1], list[i]) < 0);
    for (size_t i = 0; i < n; i++) sky_free(list[i]);
    sky_free(list);
    sky_store_close(st);
    st = th_open(dir, false, 0);
  }
  /* Drop and re-create: the new table starts empty. */
  sky_table *t = make_table(st, "t");
  th_row r = {.obj = 1, .ts = 10, .action = "a"};
  assert_int_equal(th_load(t, &r, 1, &err), 0);
  sky_snapshot *snap = sky_table_snapshot(t, &err);
  assert_int_equal(sky_store_drop_table(st, "t", &err), 0);
  assert_null(sky_table_load_begin(t, &err));
  assert_int_equal(err.code, SKY_ERR_UNKNOWN_TABLE);
  sky_buf b;
  sky_buf_init(&b);
  assert_int_equal(th_dump_snap(snap, &b, &err), 0); /* a snapshot outlives DROP */
  assert_string_equal(b.data, "1 10 a - - - - -\n");
  sky_buf_free(&b);
  sky_snapshot_release(snap);
  sky_table_release(t);
  t = make_table(st, "t");
  assert_int_equal(th_count(t), 0);
  sky_table_release(t);
  for (size_t i = 0; i < 6; i++) assert_int_equal(sky_store_drop_table(st, names[i], &err), 0);
  sky_store_close(st);
  st = th_open(dir, false, 0);
  char **list;
  size_t n;
  assert_int_equal(sky_store_list_tables(st, &list, &n, &err), 0);
  assert_int_equal(n, 1);
  sky_free(list[0]);
  sky_free(list);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

static void test_lock(void **state) {
  (void)state;
  char *dir = th_dir("lock");
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  assert_null(sky_store_open(dir, NULL, &err));
  assert_int_equal(err.code, SKY_ERR_IO_ERROR);
  assert_non_null(strstr(err.message, "in use"));
  sky_store_close(st);
  st = th_open(dir, false, 0);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

/* Rows in a scrambled order with ties on (object, timestamp): the read
 * order must be (object, timestamp, arrival). */
static void test_load_order(void **state) {
  (void)state;
  char *dir = th_dir("order");
  sky_store *st = th_open(dir, false, 0);
  sky_table *t = make_table(st, "t");
  sky_error err;
  enum { N = 3000 };
  th_row *rows = calloc(N, sizeof *rows);
  char (*acts)[16] = calloc(N, 16);
  for (int i = 0; i < N; i++) {
    snprintf(acts[i], 16, "a%d", i);
    rows[i] = (th_row){.obj = (uint64_t)(i * 7919 % 97) + 1, .ts = (i * 31) % 5, .action = acts[i],
                       .has_qty = true, .qty = i};
  }
  assert_int_equal(th_load(t, rows, N, &err), 0);
  sky_snapshot *s = sky_table_snapshot(t, &err);
  uint8_t all[TH_NPROPS] = {1, 1, 1, 1, 1};
  sky_colset need = {.ts = true, .action = true, .props = all};
  uint64_t seen = 0;
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) {
    sky_chunk c;
    assert_int_equal(sky_snapshot_read_partition(s, p, &need, &c, &err), 0);
    for (uint64_t k = 0; k < c.n_objects; k++)
      for (uint64_t i = c.obj_start[k] + 1; i < c.obj_start[k + 1]; i++) {
        const int64_t *q = c.cols[3].values;
        assert_true(c.ts[i - 1] < c.ts[i] || (c.ts[i - 1] == c.ts[i] && q[i - 1] < q[i]));
      }
    seen += c.n_events;
    sky_chunk_release(&c);
  }
  assert_int_equal(seen, N);
  sky_snapshot_release(s);
  free(rows);
  free(acts);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

/* A snapshot taken before a commit never sees the load; one after sees
 * all of it. */
static void test_snapshot_isolation(void **state) {
  (void)state;
  char *dir = th_dir("iso");
  sky_store *st = th_open(dir, false, 0);
  sky_table *t = make_table(st, "t");
  sky_error err;
  th_row first[3] = {{.obj = 1, .ts = 1, .action = "x"}, {.obj = 2, .ts = 1, .action = "x"}, {.obj = 3, .ts = 1}};
  first[2].plan = "pro";
  assert_int_equal(th_load(t, first, 3, &err), 0);
  sky_snapshot *before = sky_table_snapshot(t, &err);
  sky_schema *schema = sky_schema_clone(sky_snapshot_schema(before));
  enum { N = 5000 };
  th_row *rows = calloc(N, sizeof *rows);
  for (int i = 0; i < N; i++) rows[i] = (th_row){.obj = (uint64_t)i + 10, .ts = i, .action = "y", .country = "fr"};
  sky_batch *b = th_batch(schema, rows, N);
  sky_load_txn *tx = sky_table_load_begin(t, &err);
  assert_int_equal(sky_load_txn_add(tx, b, &err), 0);
  sky_snapshot *during = sky_table_snapshot(t, &err);
  assert_int_equal(th_count(t), 3);
  uint64_t n = 0;
  assert_int_equal(sky_load_txn_commit(tx, &n, &err), 0);
  assert_int_equal(n, N);
  sky_snapshot *after = sky_table_snapshot(t, &err);
  sky_buf b1, b2, b3;
  sky_buf_init(&b1), sky_buf_init(&b2), sky_buf_init(&b3);
  assert_int_equal(th_dump_snap(before, &b1, &err), 0);
  assert_int_equal(th_dump_snap(during, &b2, &err), 0);
  assert_int_equal(th_dump_snap(after, &b3, &err), 0);
  assert_string_equal(b1.data, b2.data);
  assert_null(strstr(b1.data, " y "));
  assert_int_equal(th_count(t), N + 3);
  /* The old snapshot's dictionary does not know the new strings. */
  assert_int_equal(sky_snapshot_dict_find(before, SKY_DICT_ACTION, "y", 1), 0);
  assert_int_equal(sky_snapshot_dict_find(after, SKY_DICT_ACTION, "y", 1), 2);
  assert_int_equal(sky_snapshot_dict_size(before, sky_prop_dict(1)), 0);
  assert_int_equal(sky_snapshot_dict_size(after, sky_prop_dict(1)), 1);
  sky_buf_free(&b1), sky_buf_free(&b2), sky_buf_free(&b3);
  sky_snapshot_release(before), sky_snapshot_release(during), sky_snapshot_release(after);
  /* An aborted load leaves nothing. */
  tx = sky_table_load_begin(t, &err);
  assert_int_equal(sky_load_txn_add(tx, b, &err), 0);
  sky_load_txn_abort(tx);
  assert_int_equal(th_count(t), N + 3);
  sky_batch_free(b);
  sky_schema_free(schema);
  free(rows);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

/* Equal timestamps across inserts and loads keep arrival order, through
 * flushes, compaction and reopening. */
static void test_arrival_order(void **state) {
  (void)state;
  char *dir = th_dir("arrival");
  sky_store *st = th_open(dir, false, 0);
  sky_table *t = make_table(st, "t");
  sky_error err;
  const char *expect = "5 100 i1 - - - - -\n5 100 l1 - - - - -\n5 100 i2 - - - - -\n5 100 l2 - - - - -\n"
                       "5 100 i3 - - - - -\n";
  th_row r = {.obj = 5, .ts = 100};
  r.action = "i1", assert_int_equal(th_insert(t, &r, 1, &err), 0);
  r.action = "l1", assert_int_equal(th_load(t, &r, 1, &err), 0);
  r.action = "i2", assert_int_equal(th_insert(t, &r, 1, &err), 0);
  r.action = "l2", assert_int_equal(th_load(t, &r, 1, &err), 0);
  r.action = "i3", assert_int_equal(th_insert(t, &r, 1, &err), 0);
  char *d = dump(t);
  assert_string_equal(d, expect);
  sky_free(d);
  sky_table_release(t);
  sky_store_close(st);
  st = th_open(dir, false, 0);
  t = sky_store_table(st, "t", &err);
  d = dump(t);
  assert_string_equal(d, expect);
  sky_free(d);
  assert_int_equal(sky_table_compact(t, &err), 0);
  assert_int_equal(th_sources(t, sky_partition_of(5)), 1);
  d = dump(t);
  assert_string_equal(d, expect);
  sky_free(d);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

static void test_delete(void **state) {
  (void)state;
  char *dir = th_dir("delete");
  sky_store *st = th_open(dir, false, 0);
  sky_table *t = make_table(st, "t");
  sky_error err;
  th_row rows[4] = {{.obj = 5, .ts = 1, .action = "a"},
                    {.obj = 5, .ts = 2, .action = "b"},
                    {.obj = 6, .ts = 1, .action = "c"},
                    {.obj = 7, .ts = 1, .action = "d"}};
  assert_int_equal(th_load(t, rows, 4, &err), 0);
  assert_int_equal(th_insert(t, &rows[3], 1, &err), 0); /* obj 7 also in memory */
  bool existed;
  assert_int_equal(sky_table_delete_object(t, 5, &existed, &err), 0);
  assert_true(existed);
  assert_int_equal(sky_table_delete_object(t, 7, &existed, &err), 0);
  assert_true(existed);
  assert_int_equal(sky_table_delete_object(t, 5, &existed, &err), 0);
  assert_false(existed);
  assert_int_equal(sky_table_delete_object(t, 12345, &existed, &err), 0);
  assert_false(existed);
  char *d = dump(t);
  assert_string_equal(d, "6 1 c - - - - -\n");
  sky_free(d);
  th_row again = {.obj = 5, .ts = 0, .action = "new"};
  assert_int_equal(th_insert(t, &again, 1, &err), 0); /* visible after the delete */
  again.action = "newer";
  assert_int_equal(th_load(t, &again, 1, &err), 0);
  const char *expect = "5 0 new - - - - -\n5 0 newer - - - - -\n6 1 c - - - - -\n";
  if (sky_partition_of(5) > sky_partition_of(6)) expect = "6 1 c - - - - -\n5 0 new - - - - -\n5 0 newer - - - - -\n";
  d = dump(t);
  assert_string_equal(d, expect);
  sky_free(d);
  sky_table_release(t);
  sky_store_close(st);
  st = th_open(dir, false, 0);
  t = sky_store_table(st, "t", &err);
  d = dump(t);
  assert_string_equal(d, expect);
  sky_free(d);
  assert_int_equal(sky_table_compact(t, &err), 0);
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) assert_int_equal(t->v->part[p].n_tombs, 0);
  d = dump(t);
  assert_string_equal(d, expect);
  sky_free(d);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

static void test_alter(void **state) {
  (void)state;
  char *dir = th_dir("alter");
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "t", th_props, 2, &err), 0); /* plan, country */
  sky_table *t = sky_store_table(st, "t", &err);
  th_row r = {.obj = 1, .ts = 1, .action = "a", .plan = "free", .has_price = true, .price = 9.5};
  assert_int_equal(th_load(t, &r, 1, &err), 0);
  assert_int_equal(th_insert(t, &r, 1, &err), 0);
  sky_snapshot *old = sky_table_snapshot(t, &err);
  sky_batch *stale = th_batch(sky_snapshot_schema(old), &r, 1);
  assert_int_equal(sky_table_add_property(t, &th_props[2], &err), 0);
  assert_int_equal(sky_table_add_property(t, &th_props[2], &err), -1);
  assert_int_equal(err.code, SKY_ERR_ALREADY_EXISTS);
  sky_prop reserved = {.name = "Session", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_INT};
  assert_int_equal(sky_table_add_property(t, &reserved, &err), -1);
  assert_int_equal(err.code, SKY_ERR_SEMANTIC);
  assert_int_equal(sky_table_insert(t, stale, &err), -1);
  assert_int_equal(err.code, SKY_ERR_SEMANTIC);
  sky_load_txn *tx = sky_table_load_begin(t, &err);
  assert_int_equal(sky_load_txn_add(tx, stale, &err), -1);
  sky_load_txn_abort(tx);
  sky_batch_free(stale);
  sky_snapshot_release(old);
  r.ts = 2;
  assert_int_equal(th_load(t, &r, 1, &err), 0); /* now with a price */
  r.ts = 3;
  assert_int_equal(th_insert(t, &r, 1, &err), 0);
  assert_int_equal(sky_table_add_property(t, &th_props[3], &err), 0); /* qty, never set */
  const char *expect = "1 1 a 'free' - - -\n1 1 a 'free' - - -\n1 2 a 'free' - 9.5 -\n1 3 a 'free' - 9.5 -\n";
  char *d = dump(t);
  assert_string_equal(d, expect);
  sky_free(d);
  sky_table_release(t);
  sky_store_close(st);
  st = th_open(dir, false, 0);
  t = sky_store_table(st, "t", &err);
  d = dump(t);
  assert_string_equal(d, expect);
  sky_free(d);
  assert_int_equal(sky_table_compact(t, &err), 0);
  d = dump(t);
  assert_string_equal(d, expect);
  sky_free(d);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

/* Random loads and inserts; compaction and reopening change nothing. */
static void test_compaction(void **state) {
  (void)state;
  char *dir = th_dir("compact");
  sky_store *st = th_open(dir, false, 500);
  sky_table *t = make_table(st, "t");
  sky_error err;
  srand(7);
  const char *plans[] = {"free", "pro", "team"}, *acts[] = {"view", "buy", "click", "signup"};
  for (int round = 0; round < 12; round++) {
    int n = 200 + rand() % 300;
    th_row *rows = calloc((size_t)n, sizeof *rows);
    for (int i = 0; i < n; i++) {
      rows[i] = (th_row){.obj = (uint64_t)(rand() % 300) + 1, .ts = rand() % 50, .action = acts[rand() % 4]};
      if (rand() % 5 == 0) rows[i].plan = plans[rand() % 3];
      if (rand() % 7 == 0) rows[i].has_price = true, rows[i].price = (rand() % 10000) / 100.0;
      if (rand() % 3 == 0) rows[i].has_qty = true, rows[i].qty = rand() - RAND_MAX / 2;
      if (rand() % 2 == 0) rows[i].has_flag = true, rows[i].flag = rand() % 2;
    }
    if (round % 3 == 2) {
      for (int i = 0; i < n; i += 10) assert_int_equal(th_insert(t, rows + i, n - i < 10 ? (size_t)(n - i) : 10, &err), 0);
    } else {
      assert_int_equal(th_load(t, rows, (size_t)n, &err), 0);
    }
    if (round == 5) {
      bool existed;
      assert_int_equal(sky_table_delete_object(t, rows[0].obj, &existed, &err), 0);
      assert_true(existed);
    }
    free(rows);
  }
  char *before = dump(t);
  uint32_t max_src = 0;
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) max_src = th_sources(t, p) > max_src ? th_sources(t, p) : max_src;
  assert_true(max_src > 5);
  assert_int_equal(sky_table_compact(t, &err), 0);
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) assert_true(th_sources(t, p) <= 1);
  char *after = dump(t);
  assert_string_equal(before, after);
  sky_free(after);
  sky_table_release(t);
  sky_store_close(st);
  st = th_open(dir, false, 500);
  t = sky_store_table(st, "t", &err);
  after = dump(t);
  assert_string_equal(before, after);
  sky_free(after);
  sky_free(before);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

static void test_cache_and_object(void **state) {
  (void)state;
  char *dir = th_dir("cache");
  sky_store *st = th_open(dir, false, 0);
  sky_table *t = make_table(st, "t");
  sky_error err;
  th_row rows[3] = {{.obj = 42, .ts = 5, .action = "b", .has_qty = true, .qty = 7},
                    {.obj = 42, .ts = 1, .action = "a", .country = "se"},
                    {.obj = 43, .ts = 1, .action = "c"}};
  assert_int_equal(th_load(t, rows, 3, &err), 0);
  sky_snapshot *s = sky_table_snapshot(t, &err);
  sky_chunk c;
  assert_int_equal(sky_snapshot_read_object(s, 42, &c, &err), 0);
  assert_int_equal(c.n_objects, 1);
  assert_int_equal(c.n_events, 2);
  assert_int_equal(c.obj_id[0], 42);
  assert_int_equal(c.ts[0], 1);
  assert_int_equal(c.ts[1], 5);
  assert_int_equal(((const int64_t *)c.cols[3].values)[1], 7);
  assert_int_equal(c.cols[1].present[0], 1);
  assert_int_equal(c.cols[1].present[1], 0);
  sky_chunk_release(&c);
  assert_int_equal(sky_snapshot_read_object(s, 44, &c, &err), 0);
  assert_int_equal(c.n_objects, 0);
  sky_chunk_release(&c);
  /* A warm read decodes nothing; unrequested columns stay NULL. */
  uint8_t want[TH_NPROPS] = {0, 0, 0, 1, 0};
  sky_colset need = {.ts = true, .props = want};
  uint32_t p = sky_partition_of(42);
  assert_int_equal(sky_snapshot_read_partition(s, p, &need, &c, &err), 0);
  assert_null(c.action);
  assert_null(c.cols[0].values);
  assert_non_null(c.cols[3].values);
  sky_chunk_release(&c);
  sky_cache_stats a, b;
  sky_cache_get_stats(st->cache, &a);
  assert_int_equal(sky_snapshot_read_partition(s, p, &need, &c, &err), 0);
  sky_cache_get_stats(st->cache, &b);
  assert_int_equal(b.misses, a.misses);
  assert_int_equal(b.hits, a.hits + 3);
  sky_chunk_release(&c);
  sky_snapshot_release(s);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

static void test_extremes(void **state) {
  (void)state;
  char *dir = th_dir("extreme");
  sky_store *st = th_open(dir, false, 0);
  sky_table *t = make_table(st, "t");
  sky_error err;
  th_row rows[6] = {
      {.obj = UINT64_MAX, .ts = INT64_MAX, .action = "a", .has_qty = true, .qty = INT64_MIN},
      {.obj = UINT64_MAX, .ts = INT64_MIN, .action = "", .has_qty = true, .qty = INT64_MAX},
      {.obj = 1, .ts = 0, .has_price = true, .price = -0.0},
      {.obj = 1, .ts = -1, .has_price = true, .price = 1e300},
      {.obj = 2, .ts = 7, .has_price = true, .price = 0.1, .has_flag = true, .flag = true},
      {.obj = 2, .ts = 8, .has_price = true, .price = 123456.789, .plan = ""},
  };
  assert_int_equal(th_load(t, rows, 6, &err), 0);
  assert_int_equal(th_insert(t, rows, 6, &err), 0);
  char *a = dump(t);
  assert_int_equal(sky_table_compact(t, &err), 0);
  char *b = dump(t);
  assert_string_equal(a, b);
  assert_non_null(strstr(a, "18446744073709551615 -9223372036854775808  - - - 9223372036854775807 -\n"));
  assert_non_null(strstr(a, "1 0 - - - -0 - -\n"));
  assert_non_null(strstr(a, "2 8 - '' - 123456.789 - -\n"));
  sky_free(a);
  sky_free(b);
  th_row zero = {.obj = 0, .ts = 1, .action = "a"};
  assert_int_equal(th_load(t, &zero, 1, &err), -1);
  assert_int_equal(err.code, SKY_ERR_BAD_VALUE);
  assert_int_equal(th_insert(t, &zero, 1, &err), -1);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

static void test_memtable_flush(void **state) {
  (void)state;
  char *dir = th_dir("flush");
  sky_store *st = th_open(dir, false, 100);
  sky_table *t = make_table(st, "t");
  sky_error err;
  for (int i = 0; i < 50; i++) {
    th_row r[7];
    for (int k = 0; k < 7; k++) r[k] = (th_row){.obj = (uint64_t)(i * 7 + k) % 40 + 1, .ts = i, .action = "x"};
    assert_int_equal(th_insert(t, r, 7, &err), 0);
  }
  assert_int_equal(th_count(t), 350);
  assert_true(t->v->n_segs >= 3); /* flushed past 100 rows */
  assert_true(t->active->n_rows < 100);
  char *a = dump(t);
  sky_table_release(t);
  sky_store_close(st);
  st = th_open(dir, false, 100);
  t = sky_store_table(st, "t", &err);
  char *b = dump(t);
  assert_string_equal(a, b);
  sky_free(a), sky_free(b);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

static size_t count_files(const char *dir, const char *prefix) {
  char *t = sky_path_join(dir, "t_t");
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "ls '%s' | grep -c '^%s' > '%s/count.txt'", t, prefix, dir);
  assert_int_equal(system(cmd) >= 0, 1);
  char *path = sky_path_join(dir, "count.txt");
  FILE *f = fopen(path, "r");
  size_t n = 0;
  assert_int_equal(fscanf(f, "%zu", &n), 1);
  fclose(f);
  unlink(path);
  sky_free(path), sky_free(t);
  return n;
}

/* A LOAD larger than the spill threshold writes several segments and
 * publishes them at once, keeping arrival order across the spills; an
 * aborted one leaves no file behind. */
static void test_load_spill(void **state) {
  (void)state;
  char *dir = th_dir("spill");
  sky_store *st = th_open(dir, false, 0);
  sky_table *t = make_table(st, "t");
  sky_error err;
  sky_test_set_load_spill_bytes(20000); /* about 500 rows */
  sky_snapshot *s = sky_table_snapshot(t, &err);
  enum { N = 4000 };
  th_row *rows = calloc(N, sizeof *rows);
  for (int i = 0; i < N; i++) rows[i] = (th_row){.obj = (uint64_t)(i % 3) + 1, .ts = 7, .has_qty = true, .qty = i};
  sky_load_txn *tx = sky_table_load_begin(t, &err);
  for (int i = 0; i < N; i += 100) {
    sky_batch *b = th_batch(sky_snapshot_schema(s), rows + i, 100);
    assert_int_equal(sky_load_txn_add(tx, b, &err), 0);
    sky_batch_free(b);
  }
  assert_true(count_files(dir, "seg-") >= 5); /* spilled, not yet visible */
  assert_int_equal(th_count(t), 0);
  uint64_t n;
  assert_int_equal(sky_load_txn_commit(tx, &n, &err), 0);
  assert_int_equal(n, N);
  assert_true(t->v->n_segs >= 6);
  sky_snapshot *after = sky_table_snapshot(t, &err);
  uint8_t want[TH_NPROPS] = {0, 0, 0, 1, 0};
  sky_colset need = {.ts = true, .props = want};
  uint64_t total = 0;
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) {
    sky_chunk c;
    assert_int_equal(sky_snapshot_read_partition(after, p, &need, &c, &err), 0);
    const int64_t *q = c.cols[3].values;
    for (uint64_t k = 0; k < c.n_objects; k++)
      for (uint64_t i = c.obj_start[k] + 1; i < c.obj_start[k + 1]; i++) assert_true(q[i - 1] < q[i]); /* arrival */
    total += c.n_events;
    sky_chunk_release(&c);
  }
  assert_int_equal(total, N);
  sky_snapshot_release(after);
  size_t segs = count_files(dir, "seg-");
  tx = sky_table_load_begin(t, &err);
  for (int i = 0; i < N; i += 100) {
    sky_batch *b = th_batch(sky_snapshot_schema(s), rows + i, 100);
    assert_int_equal(sky_load_txn_add(tx, b, &err), 0);
    sky_batch_free(b);
  }
  assert_true(count_files(dir, "seg-") > segs);
  sky_load_txn_abort(tx);
  assert_int_equal(count_files(dir, "seg-"), segs);
  sky_test_set_load_spill_bytes(0);
  sky_snapshot_release(s);
  free(rows);
  assert_int_equal(th_count(t), N);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

static void test_background_compaction(void **state) {
  (void)state;
  char *dir = th_dir("bgcompact");
  sky_store *st = th_open(dir, true, 0);
  sky_table *t = make_table(st, "t");
  sky_error err;
  for (int i = 0; i < 3 * SKY_COMPACT_TRIGGER; i++) {
    th_row r[300];
    for (int k = 0; k < 300; k++) r[k] = (th_row){.obj = (uint64_t)k + 1, .ts = i, .action = "x"};
    assert_int_equal(th_load(t, r, 300, &err), 0);
  }
  double until = th_now() + 20;
  uint32_t max = 0;
  do {
    usleep(20000);
    max = 0;
    for (uint32_t p = 0; p < SKY_PARTITIONS; p++) max = th_sources(t, p) > max ? th_sources(t, p) : max;
  } while (max >= SKY_COMPACT_TRIGGER && th_now() < until);
  assert_true(max < SKY_COMPACT_TRIGGER);
  assert_int_equal(th_count(t), 300 * 3 * SKY_COMPACT_TRIGGER);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

/* A property column where at most one event in SKY_SPARSE_RATIO carries a
 * value lists those events (sky_chunk_col.pos), over all of the
 * partition's sources; denser columns do not. */
static void test_sparse_positions(void **state) {
  (void)state;
  char *dir = th_dir("sparse");
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "t", th_props, TH_NPROPS, &err), 0);
  sky_table *t = sky_store_table(st, "t", &err);
  th_row rows[16];
  for (int i = 0; i < 16; i++)
    rows[i] = (th_row){.obj = 5, .ts = 10 * i, .action = "a", .has_price = i == 2 || i == 9, .price = i,
                       .has_qty = true, .qty = i, .has_flag = i < 3};
  assert_int_equal(th_load(t, rows, 16, &err), 0);
  uint8_t props[TH_NPROPS] = {1, 1, 1, 1, 1};
  sky_colset need = {.ts = true, .action = true, .props = props};
  sky_snapshot *s = sky_table_snapshot(t, &err);
  sky_chunk c;
  assert_int_equal(sky_snapshot_read_partition(s, sky_partition_of(5), &need, &c, &err), 0);
  assert_int_equal(c.n_events, 16);
  assert_non_null(c.cols[2].pos); /* price: 2 of 16 */
  assert_int_equal(c.cols[2].n_pos, 2);
  assert_int_equal(c.cols[2].pos[0], 2);
  assert_int_equal(c.cols[2].pos[1], 9);
  assert_null(c.cols[3].pos); /* qty: every event */
  assert_null(c.cols[4].pos); /* flag: 3 of 16 */
  sky_chunk_release(&c);
  sky_snapshot_release(s);
  /* One more priced event, in the memtable: 3 of 17 is no longer sparse. */
  th_row more = {.obj = 5, .ts = 5, .action = "a", .has_price = true, .price = 1};
  assert_int_equal(th_insert(t, &more, 1, &err), 0);
  s = sky_table_snapshot(t, &err);
  assert_int_equal(sky_snapshot_read_partition(s, sky_partition_of(5), &need, &c, &err), 0);
  assert_int_equal(c.n_events, 17);
  assert_null(c.cols[2].pos);
  sky_chunk_release(&c);
  sky_snapshot_release(s);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

/* A load whose spill fails because DROP TABLE has renamed the directory but
 * not yet marked the table answers unknown_table: it waits for the mark
 * (DROP holds commit_mu across both) instead of reporting the I/O error. */
typedef struct racing_commit {
  sky_load_txn *tx;
  int rc;
  sky_error err;
} racing_commit;

static void *commit_racing_drop(void *arg) {
  racing_commit *rcm = arg;
  uint64_t n;
  rcm->rc = sky_load_txn_commit(rcm->tx, &n, &rcm->err);
  return NULL;
}

static void test_load_racing_drop(void **state) {
  (void)state;
  char *dir = th_dir("racedrop");
  sky_store *st = th_open(dir, false, 0);
  sky_table *t = make_table(st, "t");
  sky_error err;
  sky_snapshot *s = sky_table_snapshot(t, &err);
  th_row rows[50];
  for (int i = 0; i < 50; i++) rows[i] = (th_row){.obj = (uint64_t)i + 1, .ts = i, .action = "v"};
  sky_batch *b = th_batch(sky_snapshot_schema(s), rows, 50);
  racing_commit rcm = {.tx = sky_table_load_begin(t, &err)};
  assert_int_equal(sky_load_txn_add(rcm.tx, b, &err), 0);
  char *gone = sky_path_join(dir, "gone");
  pthread_mutex_lock(&t->commit_mu); /* DROP, between its rename and its mark */
  assert_int_equal(rename(t->dir, gone), 0);
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, commit_racing_drop, &rcm), 0);
  usleep(100 * 1000);
  sky_table_mark_dropped(t);
  pthread_mutex_unlock(&t->commit_mu);
  assert_int_equal(pthread_join(th, NULL), 0);
  assert_int_equal(rcm.rc, -1);
  assert_int_equal(rcm.err.code, SKY_ERR_UNKNOWN_TABLE);
  sky_batch_free(b);
  sky_snapshot_release(s);
  sky_table_release(t);
  sky_store_close(st);
  sky_free(gone);
  th_rmtree(dir);
  sky_free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_catalog),
      cmocka_unit_test(test_lock),
      cmocka_unit_test(test_load_order),
      cmocka_unit_test(test_snapshot_isolation),
      cmocka_unit_test(test_arrival_order),
      cmocka_unit_test(test_delete),
      cmocka_unit_test(test_alter),
      cmocka_unit_test(test_compaction),
      cmocka_unit_test(test_cache_and_object),
      cmocka_unit_test(test_extremes),
      cmocka_unit_test(test_memtable_flush),
      cmocka_unit_test(test_load_spill),
      cmocka_unit_test(test_background_compaction),
      cmocka_unit_test(test_sparse_positions),
      cmocka_unit_test(test_load_racing_drop),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
