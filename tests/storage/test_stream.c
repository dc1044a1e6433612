/* test_stream.c — streaming partition reads (src/storage/stream.h) against
 * the whole-partition decoders: random tables whose sections use every
 * presence mode (ALL, BITMAP, SPARSE, and absent), both FLOAT encodings,
 * INT/BOOL/STRING values, lengths that are not multiples of 128, one-event
 * objects and objects longer than a slice; every slice size from one event
 * up must give the same events, columns and sparse position lists. Also:
 * a corrupt block is an io_error naming the file, and the store's policy
 * (stream only when the table's decoded columns exceed the cache and the
 * partition is not cached; forced either way by stream_slice). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/crc32c.h"
#include "storage/helpers.h"
#include "storage/stream.h"
#include "storage/table_int.h"

static uint64_t rng_state;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}
static bool chance(unsigned pct) { return rnd() % 100 < pct; }

static const char *const k_plans[] = {"free", "pro", "team", "enterprise"};
static const char *const k_countries[] = {"de", "fr", "us", "jp", "br", "in", "ng"};
static const char *const k_actions[] = {"view", "click", "purchase", "signup", "logout"};

/* Random rows: many objects (one-event ones, a few very long ones), ties,
 * and per-property densities that give each presence mode. `decimal`: prices
 * with two decimals (FLOAT mode 1) or arbitrary doubles (mode 0). */
static th_row *make_rows(size_t *n_out, bool decimal) {
  size_t cap = 60000, n = 0;
  th_row *rows = sky_calloc(cap, sizeof *rows);
  assert_non_null(rows);
  uint64_t n_obj = 2500 + rnd() % 500;
  for (uint64_t o = 1; o <= n_obj && n < cap - 6000; o++) {
    uint64_t obj = o * 7919 + rnd() % 7;
    size_t len = chance(30) ? 1 : chance(2) ? 2000 + rnd() % 3000 : 1 + rnd() % 40;
    int64_t ts = (int64_t)(rnd() % 1000000);
    for (size_t k = 0; k < len && n < cap; k++) {
      th_row *r = &rows[n++];
      r->obj = obj;
      ts += chance(40) ? 0 : chance(2) ? 86400000000 : (int64_t)(rnd() % 5000);
      r->ts = ts;
      r->action = chance(90) ? k_actions[rnd() % 5] : NULL;
      r->plan = chance(3) ? k_plans[rnd() % 4] : NULL;            /* SPARSE */
      r->country = chance(50) ? k_countries[rnd() % 7] : NULL;    /* BITMAP */
      r->has_qty = true;                                           /* ALL */
      r->qty = (int64_t)(rnd() % 1000) - 300 + (chance(1) ? INT64_C(1) << 40 : 0); /* exceptions */
      r->has_price = chance(35);
      r->price = decimal ? (double)(rnd() % 100000) / 100.0 : (double)(rnd() % 100000) / 3.0;
      r->has_flag = chance(8);
      r->flag = chance(50);
      if (!r->action && !r->plan && !r->country && !r->has_price && !r->has_flag) r->action = "view";
    }
  }
  *n_out = n;
  return rows;
}

/* Compares a slice with events [ev0, ...) and objects [ob0, ...) of the whole chunk. */
static void check_slice(const sky_chunk *whole, uint64_t ev0, uint64_t ob0, const sky_chunk *sl,
                        const sky_schema *schema, const sky_colset *need) {
  uint64_t n = sl->n_events;
  assert_true(ob0 + sl->n_objects <= whole->n_objects);
  assert_int_equal(sl->obj_start[0], 0);
  for (uint64_t k = 0; k < sl->n_objects; k++) {
    assert_int_equal(sl->obj_id[k], whole->obj_id[ob0 + k]);
    assert_int_equal(sl->obj_start[k + 1], whole->obj_start[ob0 + k + 1] - ev0);
  }
  assert_int_equal(sl->obj_start[sl->n_objects], n);
  if (need->ts)
    assert_memory_equal(sl->ts, whole->ts + ev0, n * 8);
  else
    assert_null(sl->ts);
  if (need->action)
    assert_memory_equal(sl->action, whole->action + ev0, n * 4);
  else
    assert_null(sl->action);
  for (uint32_t p = 0; p < schema->n_props; p++) {
    const sky_chunk_col *c = &sl->cols[p], *w = &whole->cols[p];
    if (!need->props[p]) {
      assert_null(c->values);
      continue;
    }
    size_t width = sky_prop_type_width(schema->props[p].type);
    assert_memory_equal(c->present, w->present + ev0, n);
    assert_memory_equal(c->values, (const char *)w->values + ev0 * width, n * width);
    uint64_t m = 0;
    for (uint64_t i = 0; i < n; i++) m += c->present[i];
    if (m <= n / SKY_SPARSE_RATIO) {
      assert_non_null(c->pos);
      assert_int_equal(c->n_pos, m);
      for (uint64_t j = 0; j < m; j++) { /* exactly the present events, ascending */
        assert_true(c->pos[j] < n && c->present[c->pos[j]]);
        if (j) assert_true(c->pos[j] > c->pos[j - 1]);
      }
    } else {
      assert_null(c->pos);
    }
  }
}

/* Streams section `part` with `slice` and checks it against `whole`. */
static void check_stream(sky_snapshot *s, uint32_t part, const sky_colset *need, uint64_t slice,
                         const sky_chunk *whole, sky_pstream **spare) {
  const sky_pstate *ps = &s->v->part[part];
  sky_error err;
  const sky_section *sec = sky_segment_section(ps->src[0].seg, part, &err);
  assert_non_null(sec);
  sky_pstream *it;
  assert_int_equal(sky_section_stream(ps->src[0].seg, sec, s->v->schema, s->dict_limit, need, slice, *spare, &it, &err), 0);
  *spare = NULL; /* taken over (its buffers) or closed */
  uint64_t ev = 0, ob = 0, slices = 0;
  sky_chunk sl;
  int more;
  while ((more = sky_pstream_next(it, &sl, &err)) == 1) {
    assert_true(sl.n_objects >= 1);
    assert_true(sl.n_events <= slice || sl.n_objects == 1); /* a long object gets a slice of its own */
    check_slice(whole, ev, ob, &sl, s->v->schema, need);
    ev += sl.n_events;
    ob += sl.n_objects;
    slices++;
  }
  assert_int_equal(more, 0);
  assert_int_equal(ev, whole->n_events);
  assert_int_equal(ob, whole->n_objects);
  if (slice == 1) assert_int_equal(slices, whole->n_objects);
  *spare = it; /* the next stream reuses its buffers when its columns match */
}

static void run_seed(uint64_t seed, bool decimal) {
  rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
  char *dir = th_dir("stream");
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "t", th_props, TH_NPROPS, &err), 0);
  sky_table *t = sky_store_table(st, "t", &err);
  size_t n;
  th_row *rows = make_rows(&n, decimal);
  assert_int_equal(th_load(t, rows, n, &err), 0);
  /* A property added after the file was written reads NULL everywhere. */
  sky_prop extra = {.name = "late", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_INT};
  assert_int_equal(sky_table_add_property(t, &extra, &err), 0);
  sky_snapshot *s = sky_table_snapshot(t, &err);
  const sky_schema *schema = sky_snapshot_schema(s);
  uint8_t all[TH_NPROPS + 1], some[TH_NPROPS + 1] = {1, 0, 0, 1, 1, 1};
  memset(all, 1, sizeof all);
  sky_colset need_all = {.ts = true, .action = true, .props = all};
  sky_colset need_some = {.ts = false, .action = true, .props = some};
  static const uint64_t slices[] = {1, 7, 128, 1000, 32768};
  uint32_t streamed = 0;
  sky_pstream *spare_all = NULL, *spare_some = NULL;
  for (uint32_t part = 0; part < SKY_PARTITIONS; part++) {
    if (s->v->part[part].n_src != 1) continue;
    streamed++;
    sky_chunk whole;
    assert_int_equal(sky_snapshot_read_partition(s, part, &need_all, &whole, &err), 0);
    for (size_t k = 0; k < sizeof slices / sizeof *slices; k++) {
      check_stream(s, part, &need_all, slices[k], &whole, &spare_all);
      check_stream(s, part, &need_some, slices[k], &whole, k % 2 ? &spare_all : &spare_some);
    }
    sky_chunk_release(&whole);
  }
  sky_pstream_close(spare_all);
  sky_pstream_close(spare_some);
  assert_true(streamed > 60);
  (void)schema;
  sky_snapshot_release(s);
  sky_free(rows);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

static void test_stream_matches_whole(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 3; seed++) run_seed(seed, seed != 2);
}

/* A store whose scans always stream (slices of 7 events) or never. */
static sky_store *open_store(const char *dir, int64_t stream_slice, size_t cache_bytes) {
  sky_store_options opt;
  sky_store_options_init(&opt);
  opt.background_compaction = false;
  opt.cache_bytes = cache_bytes;
  opt.stream_slice = stream_slice;
  sky_error err;
  sky_store *st = sky_store_open(dir, &opt, &err);
  if (!st) fail_msg("store open failed: %s", err.message);
  return st;
}

static void load_small(sky_store *st, sky_table **out) {
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "t", th_props, TH_NPROPS, &err), 0);
  sky_table *t = sky_store_table(st, "t", &err);
  rng_state = 99;
  size_t n;
  th_row *rows = make_rows(&n, true);
  assert_int_equal(th_load(t, rows, n, &err), 0);
  sky_free(rows);
  *out = t;
}

static void test_stream_corrupt_block(void **state) {
  (void)state;
  char *dir = th_dir("stream-corrupt");
  sky_store *st = open_store(dir, 7, 64u << 20);
  sky_table *t;
  load_small(st, &t);
  sky_error err;
  sky_snapshot *s = sky_table_snapshot(t, &err);
  uint32_t part = 0;
  while (s->v->part[part].n_src != 1) part++;
  const sky_segment *seg = s->v->part[part].src[0].seg;
  const sky_section *sec = sky_segment_section(seg, part, &err);
  /* Flip a byte in the middle of the partition's ACTION block. */
  const sky_block_ref *br = NULL;
  for (uint32_t b = 0; b < sec->n_blocks; b++)
    if (sec->blocks[b].col == 2) br = &sec->blocks[b];
  assert_non_null(br);
  int fd = open(seg->path, O_RDWR);
  assert_true(fd >= 0);
  off_t at = (off_t)(br->off + br->len / 2);
  uint8_t byte;
  assert_int_equal(pread(fd, &byte, 1, at), 1);
  byte ^= 0x5a;
  assert_int_equal(pwrite(fd, &byte, 1, at), 1);
  close(fd);
  uint8_t props[TH_NPROPS] = {0};
  sky_colset need = {.ts = true, .action = true, .props = props};
  sky_pstream *it = NULL;
  memset(&err, 0, sizeof err);
  assert_int_equal(sky_snapshot_stream(s, part, &need, NULL, &it, &err), -1);
  assert_null(it);
  assert_int_equal(err.code, SKY_ERR_IO_ERROR);
  assert_non_null(strstr(err.message, seg->path));
  assert_non_null(strstr(err.message, "checksum"));
  /* Without the action column the partition still streams. */
  need.action = false;
  assert_int_equal(sky_snapshot_stream(s, part, &need, NULL, &it, &err), 0);
  assert_non_null(it);
  sky_chunk c;
  int rc;
  while ((rc = sky_pstream_next(it, &c, &err)) == 1) {
  }
  assert_int_equal(rc, 0);
  sky_pstream_close(it);
  sky_snapshot_release(s);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

/* Malformed blocks whose checksums match (a byte flipped, the block's CRC
 * and the footer's CRC rewritten): streaming must never read or write out of
 * bounds (run under ASan), must fail only with an io_error naming the file,
 * and when both it and the whole decoder accept the block, must agree. */
static void test_stream_malformed_blocks(void **state) {
  (void)state;
  char *dir = th_dir("stream-malformed");
  sky_store *st = open_store(dir, 7, 64u << 20);
  sky_table *t;
  load_small(st, &t);
  sky_error err;
  sky_snapshot *s = sky_table_snapshot(t, &err);
  uint32_t part = 0;
  while (s->v->part[part].n_src != 1) part++;
  const sky_segment *seg = s->v->part[part].src[0].seg;
  const sky_section *sec = sky_segment_section(seg, part, &err);
  char *path = sky_strdup(seg->path);
  uint32_t n_blocks = sec->n_blocks;
  sky_block_ref blocks[16];
  assert_true(n_blocks <= 16);
  memcpy(blocks, sec->blocks, n_blocks * sizeof *blocks);
  sky_snapshot_release(s);
  sky_table_release(t);
  sky_store_close(st);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  size_t size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *orig = sky_malloc(size), *buf = sky_malloc(size);
  assert_int_equal(fread(orig, 1, size, f), size);
  fclose(f);
  uint64_t foot_off;
  uint32_t foot_len;
  memcpy(&foot_off, orig + size - 24, 8);
  memcpy(&foot_len, orig + size - 16, 4);
  uint8_t props[TH_NPROPS];
  memset(props, 1, sizeof props);
  sky_colset need = {.ts = true, .action = true, .props = props};
  rng_state = 4242;
  unsigned errors = 0, agreed = 0;
  for (int trial = 0; trial < 150; trial++) {
    memcpy(buf, orig, size);
    const sky_block_ref *br = &blocks[rnd() % n_blocks];
    if (br->len == 0) continue;
    buf[br->off + rnd() % br->len] ^= (uint8_t)(1u << (rnd() % 8));
    uint32_t crc = sky_crc32c(0, buf + br->off, (size_t)br->len);
    uint8_t pat[12]; /* crc, off as the footer stores them */
    memcpy(pat, &br->crc, 4);
    memcpy(pat + 4, &br->off, 8);
    uint8_t *at = memmem(buf + foot_off, foot_len, pat, sizeof pat);
    assert_non_null(at);
    memcpy(at, &crc, 4);
    uint32_t fcrc = sky_crc32c(0, buf + foot_off, foot_len);
    memcpy(buf + size - 12, &fcrc, 4);
    f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, size, f), size);
    fclose(f);
    st = open_store(dir, 7, 64u << 20);
    t = sky_store_table(st, "t", &err);
    s = sky_table_snapshot(t, &err);
    assert_non_null(s);
    sky_chunk whole;
    sky_error werr;
    bool whole_ok = sky_snapshot_read_partition(s, part, &need, &whole, &werr) == 0;
    sky_pstream *it = NULL;
    int rc = sky_snapshot_stream(s, part, &need, NULL, &it, &err);
    uint64_t ev = 0, ob = 0;
    sky_chunk sl;
    while (rc == 0 && (rc = sky_pstream_next(it, &sl, &err)) == 1) {
      if (whole_ok) check_slice(&whole, ev, ob, &sl, s->v->schema, &need);
      ev += sl.n_events;
      ob += sl.n_objects;
      rc = 0;
    }
    if (rc < 0) {
      errors++;
      assert_int_equal(err.code, SKY_ERR_IO_ERROR);
      assert_non_null(strstr(err.message, path));
    } else if (whole_ok) {
      assert_int_equal(ev, whole.n_events);
      agreed++;
    }
    sky_pstream_close(it);
    if (whole_ok) sky_chunk_release(&whole);
    sky_snapshot_release(s);
    sky_table_release(t);
    sky_store_close(st);
  }
  print_message("malformed blocks: %u io_errors, %u streamed equal to the whole decoder\n", errors, agreed);
  assert_true(errors > 0);
  f = fopen(path, "r+b");
  assert_int_equal(fwrite(orig, 1, size, f), size);
  fclose(f);
  sky_free(orig);
  sky_free(buf);
  sky_free(path);
  th_rmtree(dir);
  sky_free(dir);
}

/* Whether partition `part` streams now. */
static bool streams(sky_snapshot *s, uint32_t part, const sky_colset *need) {
  sky_error err;
  sky_pstream *it = NULL;
  assert_int_equal(sky_snapshot_stream(s, part, need, NULL, &it, &err), 0);
  bool yes = it != NULL;
  sky_pstream_close(it);
  return yes;
}

static void test_stream_policy(void **state) {
  (void)state;
  uint8_t props[TH_NPROPS] = {0, 1, 0, 0, 0};
  sky_colset need = {.ts = true, .action = true, .props = props};
  sky_error err;
  /* Auto with a cache far larger than the table: never streams. */
  char *dir = th_dir("stream-policy");
  sky_store *st = open_store(dir, 0, 256u << 20);
  sky_table *t;
  load_small(st, &t);
  sky_snapshot *s = sky_table_snapshot(t, &err);
  uint32_t part = 0;
  while (s->v->part[part].n_src != 1) part++;
  assert_false(streams(s, part, &need));
  sky_snapshot_release(s);
  sky_table_release(t);
  sky_store_close(st);
  /* Auto with a cache smaller than the table: streams until the partition's
   * columns are cached; never (-1) stays whole. */
  st = open_store(dir, 0, 64u << 10);
  t = sky_store_table(st, "t", &err);
  s = sky_table_snapshot(t, &err);
  assert_true(streams(s, part, &need));
  sky_chunk c;
  assert_int_equal(sky_snapshot_read_partition(s, part, &need, &c, &err), 0);
  assert_false(streams(s, part, &need)); /* pinned, so still cached */
  sky_chunk_release(&c);
  sky_snapshot_release(s);
  sky_table_release(t);
  sky_store_close(st);
  st = open_store(dir, -1, 64u << 10);
  t = sky_store_table(st, "t", &err);
  s = sky_table_snapshot(t, &err);
  assert_false(streams(s, part, &need));
  sky_snapshot_release(s);
  /* A partition with two sources is read whole even when forced. */
  sky_table_release(t);
  sky_store_close(st);
  st = open_store(dir, 7, 64u << 10);
  t = sky_store_table(st, "t", &err);
  s = sky_table_snapshot(t, &err);
  assert_true(streams(s, part, &need));
  sky_snapshot_release(s);
  th_row more = {.ts = 5, .action = "view"};
  for (uint64_t o = 1; !more.obj; o++)
    if (sky_partition_of(o) == part) more.obj = o;
  assert_int_equal(th_load(t, &more, 1, &err), 0);
  s = sky_table_snapshot(t, &err);
  assert_int_equal(s->v->part[part].n_src, 2);
  assert_false(streams(s, part, &need));
  sky_snapshot_release(s);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(dir);
  sky_free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stream_matches_whole),
      cmocka_unit_test(test_stream_corrupt_block),
      cmocka_unit_test(test_stream_policy),
      cmocka_unit_test(test_stream_malformed_blocks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
