/* test_drop_race.c — statements racing DROP TABLE (issue 13 item 8).
 *
 * DROP renames the table's directory, then marks the table dropped, both
 * under the table's commit_mu (and the catalog lock). A statement that took
 * its table before the DROP can reach storage in between: its files are
 * gone, the table is not yet marked. Each test here holds that gap open
 * with the DROP test hook (sky_test_set_drop_hook), runs one storage call a
 * statement makes on its table from another thread, then lets the DROP
 * finish. Every answer must be success or unknown_table, never the I/O
 * error that follows from the missing directory; a write must be
 * unknown_table. LOAD's own case is test_load_racing_drop (test_store.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/error.h"
#include "storage/helpers.h"
#include "storage/table_int.h"

/* The DROP's pause: the hook reports it is in the gap and waits to be let
 * go. */
typedef struct gap {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool inside, release;
} gap;

static void gap_hook(void *ctx) {
  gap *g = ctx;
  pthread_mutex_lock(&g->mu);
  g->inside = true;
  pthread_cond_broadcast(&g->cv);
  while (!g->release) pthread_cond_wait(&g->cv, &g->mu);
  pthread_mutex_unlock(&g->mu);
}

/* One racing call: on the table the statement holds (or by name). */
typedef int (*race_op)(sky_store *st, sky_table *t, sky_error *err);

typedef struct racer {
  sky_store *st;
  sky_table *t;
  race_op op;
  int rc;
  sky_error err;
} racer;

static void *drop_main(void *arg) {
  racer *r = arg;
  r->rc = sky_store_drop_table(r->st, "t", &r->err);
  return NULL;
}

static void *op_main(void *arg) {
  racer *r = arg;
  sky_error_clear(&r->err);
  r->rc = r->op(r->st, r->t, &r->err);
  return NULL;
}

static const th_row g_rows[] = {
    {.obj = 1, .ts = 10, .action = "view", .plan = "free", .has_price = true, .price = 1.5},
    {.obj = 2, .ts = 20, .action = "buy", .country = "FR", .has_qty = true, .qty = 3},
    {.obj = 1, .ts = 30, .action = "buy", .has_flag = true, .flag = true},
};
#define N_ROWS (sizeof g_rows / sizeof g_rows[0])

/* A table "t" with loaded rows (segments) and, when `warm_wal`, inserted
 * ones (memtable rows; the WAL's descriptor is then cached). */
static sky_table *setup(sky_store *st, bool warm_wal) {
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "t", th_props, TH_NPROPS, &err), 0);
  sky_table *t = sky_store_table(st, "t", &err);
  assert_non_null(t);
  assert_int_equal(th_load(t, g_rows, N_ROWS, &err), 0);
  if (warm_wal) assert_int_equal(th_insert(t, g_rows, N_ROWS, &err), 0);
  return t;
}

/* Runs `op` while a DROP of "t" waits in its gap, and checks the answer:
 * success or unknown_table, and unknown_table when `must_fail`. */
static void race(const char *what, race_op op, bool warm_wal, bool must_fail) {
  char *dir = th_dir("droprace");
  sky_store *st = th_open(dir, false, 0);
  sky_table *t = setup(st, warm_wal);
  gap g = {.inside = false, .release = false};
  pthread_mutex_init(&g.mu, NULL);
  pthread_cond_init(&g.cv, NULL);
  sky_test_set_drop_hook(gap_hook, &g);
  racer drop = {.st = st}, run = {.st = st, .t = t, .op = op};
  pthread_t drop_th, op_th;
  assert_int_equal(pthread_create(&drop_th, NULL, drop_main, &drop), 0);
  pthread_mutex_lock(&g.mu);
  while (!g.inside) pthread_cond_wait(&g.cv, &g.mu);
  pthread_mutex_unlock(&g.mu);
  assert_int_equal(pthread_create(&op_th, NULL, op_main, &run), 0);
  usleep(100 * 1000); /* the call reaches storage in the gap (or blocks on the DROP's locks) */
  pthread_mutex_lock(&g.mu);
  g.release = true;
  pthread_cond_broadcast(&g.cv);
  pthread_mutex_unlock(&g.mu);
  assert_int_equal(pthread_join(drop_th, NULL), 0);
  assert_int_equal(pthread_join(op_th, NULL), 0);
  sky_test_set_drop_hook(NULL, NULL);
  assert_int_equal(drop.rc, 0);
  if (run.rc != 0 && run.err.code != SKY_ERR_UNKNOWN_TABLE)
    fail_msg("%s racing DROP: %s: %s", what, sky_code_name(run.err.code), run.err.message);
  if (must_fail && run.rc == 0) fail_msg("%s racing DROP succeeded on a dropped table", what);
  sky_table_release(t);
  sky_store_close(st);
  pthread_mutex_destroy(&g.mu);
  pthread_cond_destroy(&g.cv);
  th_rmtree(dir);
  sky_free(dir);
}

static int op_insert(sky_store *st, sky_table *t, sky_error *err) {
  (void)st;
  return th_insert(t, g_rows, N_ROWS, err);
}

static int op_load(sky_store *st, sky_table *t, sky_error *err) {
  (void)st;
  return th_load(t, g_rows, N_ROWS, err);
}

static int op_delete(sky_store *st, sky_table *t, sky_error *err) {
  (void)st;
  bool existed;
  return sky_table_delete_object(t, 1, &existed, err);
}

static int op_alter(sky_store *st, sky_table *t, sky_error *err) {
  (void)st;
  sky_prop p = {.kind = SKY_KIND_EVENT, .type = SKY_PTYPE_INT};
  strcpy(p.name, "extra");
  return sky_table_add_property(t, &p, err);
}

static int op_drop(sky_store *st, sky_table *t, sky_error *err) {
  (void)t;
  return sky_store_drop_table(st, "t", err);
}

/* How every statement finds its table by name. */
static int op_lookup(sky_store *st, sky_table *t, sky_error *err) {
  (void)t;
  sky_table *found = sky_store_table(st, "t", err);
  sky_table_release(found);
  return found ? 0 : -1;
}

/* SELECT, FUNNEL, DESCRIBE and GET OBJECT: a snapshot, every partition
 * with every column, one object's path. */
static int op_read(sky_store *st, sky_table *t, sky_error *err) {
  (void)st;
  sky_snapshot *s = sky_table_snapshot(t, err);
  if (!s) return -1;
  uint8_t all[TH_NPROPS];
  memset(all, 1, sizeof all);
  sky_colset cols = {.props = all};
  int rc = 0;
  uint64_t events = 0;
  for (uint32_t p = 0; p < SKY_PARTITIONS && rc == 0; p++) {
    sky_chunk c;
    rc = sky_snapshot_read_partition(s, p, &cols, &c, err);
    if (rc == 0) events += c.n_events, sky_chunk_release(&c);
  }
  sky_chunk c;
  if (rc == 0 && (rc = sky_snapshot_read_object(s, 1, &c, err)) == 0) {
    if (c.n_events == 0) rc = sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "object 1 has no events");
    sky_chunk_release(&c);
  }
  if (rc == 0 && events < N_ROWS) rc = sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "%llu events", (unsigned long long)events);
  sky_snapshot_release(s);
  return rc;
}

/* Each storage call a statement makes on its table, and whether it must
 * fail (a write) or may finish on what it already holds (a read). */
typedef struct race_case {
  const char *what;
  race_op op;
  bool warm_wal, must_fail;
} race_case;

static const race_case g_cases[] = {
    {"INSERT (WAL not open)", op_insert, false, true},
    {"INSERT (WAL open)", op_insert, true, false},
    {"LOAD", op_load, true, true},
    {"DELETE OBJECT", op_delete, true, true},
    {"ALTER TABLE ADD", op_alter, true, true},
    {"DROP TABLE", op_drop, true, true},
    {"table lookup", op_lookup, false, true},
    {"read (segments only)", op_read, false, false},
    {"read (segments and memtable)", op_read, true, false},
};

static void test_statements_racing_drop(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof g_cases / sizeof g_cases[0]; i++)
    race(g_cases[i].what, g_cases[i].op, g_cases[i].warm_wal, g_cases[i].must_fail);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_statements_racing_drop)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
