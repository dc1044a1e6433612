/* helpers.c — storage test fixtures; see helpers.h. Failures here abort
 * the test through CMocka's assertions. */
#include "storage/helpers.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "storage/io.h"
#include "storage/table_int.h"

const sky_prop th_props[5] = {
    {.name = "plan", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING},  {.name = "country", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING},
    {.name = "price", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_FLOAT},  {.name = "qty", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_INT},
    {.name = "flag", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_BOOL},
};

void th_rmtree(const char *path) { sky_io_remove_tree(path); }

char *th_dir(const char *name) {
  const char *base = getenv("SKY_TEST_TMP");
  if (!base) base = "/tmp";
  char buf[1024];
  snprintf(buf, sizeof buf, "%s/%s-%d", base, name, (int)getpid());
  sky_io_remove_tree(buf);
  return sky_strdup(buf);
}

sky_store *th_open(const char *dir, bool bg, uint64_t memtable_max_rows) {
  sky_store_options opt;
  sky_store_options_init(&opt);
  opt.background_compaction = bg;
  opt.memtable_max_rows = memtable_max_rows;
  opt.cache_bytes = 256u << 20;
  sky_error err;
  sky_store *st = sky_store_open(dir, &opt, &err);
  if (!st) fail_msg("store open failed: %s", err.message);
  return st;
}

sky_batch *th_batch(const sky_schema *schema, const th_row *rows, size_t n) {
  sky_batch *b = sky_batch_create(schema);
  assert_non_null(b);
  for (size_t i = 0; i < n; i++) {
    const th_row *r = &rows[i];
    int64_t row = sky_batch_add_row(b, r->obj, r->ts);
    assert_true(row >= 0);
    if (r->action) assert_int_equal(sky_batch_set_action(b, (size_t)row, r->action, strlen(r->action)), 0);
    uint32_t np = schema->n_props < TH_NPROPS ? schema->n_props : TH_NPROPS;
    if (np > 0 && r->plan) assert_int_equal(sky_batch_set_string(b, (size_t)row, 0, r->plan, strlen(r->plan)), 0);
    if (np > 1 && r->country)
      assert_int_equal(sky_batch_set_string(b, (size_t)row, 1, r->country, strlen(r->country)), 0);
    if (np > 2 && r->has_price) sky_batch_set_float(b, (size_t)row, 2, r->price);
    if (np > 3 && r->has_qty) sky_batch_set_int(b, (size_t)row, 3, r->qty);
    if (np > 4 && r->has_flag) sky_batch_set_bool(b, (size_t)row, 4, r->flag);
  }
  return b;
}

static sky_schema *current_schema(sky_table *t) {
  sky_error err;
  sky_snapshot *s = sky_table_snapshot(t, &err);
  assert_non_null(s);
  sky_schema *c = sky_schema_clone(sky_snapshot_schema(s));
  sky_snapshot_release(s);
  return c;
}

int th_load(sky_table *t, const th_row *rows, size_t n, sky_error *err) {
  sky_schema *schema = current_schema(t);
  sky_batch *b = th_batch(schema, rows, n);
  int rc = -1;
  sky_load_txn *tx = sky_table_load_begin(t, err);
  if (tx) {
    if (sky_load_txn_add(tx, b, err) != 0) {
      sky_load_txn_abort(tx);
    } else {
      uint64_t got = 0;
      rc = sky_load_txn_commit(tx, &got, err);
      if (rc == 0) assert_int_equal(got, n);
    }
  }
  sky_batch_free(b);
  sky_schema_free(schema);
  return rc;
}

int th_insert(sky_table *t, const th_row *rows, size_t n, sky_error *err) {
  sky_schema *schema = current_schema(t);
  sky_batch *b = th_batch(schema, rows, n);
  int rc = sky_table_insert(t, b, err);
  sky_batch_free(b);
  sky_schema_free(schema);
  return rc;
}

static void dump_value(sky_buf *out, const sky_snapshot *s, uint32_t p, const sky_chunk_col *c, uint64_t i) {
  const sky_prop *prop = &sky_snapshot_schema(s)->props[p];
  if (!c->present[i]) {
    sky_buf_puts(out, " -");
    return;
  }
  switch (prop->type) {
  case SKY_PTYPE_INT: sky_buf_printf(out, " %" PRId64, ((const int64_t *)c->values)[i]); break;
  case SKY_PTYPE_FLOAT: sky_buf_printf(out, " %.17g", ((const double *)c->values)[i]); break;
  case SKY_PTYPE_BOOL: sky_buf_printf(out, " %s", ((const uint8_t *)c->values)[i] ? "true" : "false"); break;
  case SKY_PTYPE_STRING: {
    const char *str;
    size_t len;
    uint32_t code = ((const uint32_t *)c->values)[i];
    assert_true(code >= 1 && code <= sky_snapshot_dict_size(s, sky_prop_dict(p)));
    sky_snapshot_dict_string(s, sky_prop_dict(p), code, &str, &len);
    sky_buf_printf(out, " '%.*s'", (int)len, str);
    break;
  }
  }
}

int th_dump_snap(sky_snapshot *s, sky_buf *out, sky_error *err) {
  const sky_schema *schema = sky_snapshot_schema(s);
  uint8_t all[SKY_MAX_PROPS];
  memset(all, 1, sizeof all);
  sky_colset need = {.ts = true, .action = true, .props = all};
  for (uint32_t part = 0; part < SKY_PARTITIONS; part++) {
    sky_chunk c;
    if (sky_snapshot_read_partition(s, part, &need, &c, err) != 0) return -1;
    assert_int_equal(c.obj_start[0], 0);
    assert_int_equal(c.obj_start[c.n_objects], c.n_events);
    assert_int_equal((uintptr_t)c.ts % 64, 0);
    for (uint64_t k = 0; k < c.n_objects; k++) {
      assert_int_equal(sky_partition_of(c.obj_id[k]), part);
      if (k) assert_true(c.obj_id[k - 1] < c.obj_id[k]);
      assert_true(c.obj_start[k] < c.obj_start[k + 1]);
      for (uint64_t i = c.obj_start[k]; i < c.obj_start[k + 1]; i++) {
        if (i > c.obj_start[k]) assert_true(c.ts[i - 1] <= c.ts[i]);
        sky_buf_printf(out, "%" PRIu64 " %" PRId64, c.obj_id[k], c.ts[i]);
        if (c.action[i]) {
          const char *str;
          size_t len;
          sky_snapshot_dict_string(s, SKY_DICT_ACTION, c.action[i], &str, &len);
          sky_buf_printf(out, " %.*s", (int)len, str);
        } else {
          sky_buf_puts(out, " -");
        }
        for (uint32_t p = 0; p < schema->n_props; p++) dump_value(out, s, p, &c.cols[p], i);
        sky_buf_putc(out, '\n');
      }
    }
    sky_chunk_release(&c);
  }
  assert_false(out->failed);
  return 0;
}

int th_dump(sky_table *t, sky_buf *out, sky_error *err) {
  sky_snapshot *s = sky_table_snapshot(t, err);
  if (!s) return -1;
  int rc = th_dump_snap(s, out, err);
  sky_snapshot_release(s);
  return rc;
}

uint64_t th_count(sky_table *t) {
  sky_error err;
  sky_snapshot *s = sky_table_snapshot(t, &err);
  assert_non_null(s);
  uint64_t n = 0;
  sky_colset need = {0};
  for (uint32_t part = 0; part < SKY_PARTITIONS; part++) {
    sky_chunk c;
    if (sky_snapshot_read_partition(s, part, &need, &c, &err) != 0) fail_msg("read failed: %s", err.message);
    n += c.n_events;
    sky_chunk_release(&c);
  }
  sky_snapshot_release(s);
  return n;
}

uint32_t th_sources(sky_table *t, uint32_t p) {
  pthread_mutex_lock(&t->state_mu);
  uint32_t n = t->v->part[p].n_src;
  pthread_mutex_unlock(&t->state_mu);
  return n;
}

double th_now(void) { return sky_clock_s(); }
