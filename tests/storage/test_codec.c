/* test_codec.c — unit tests of the storage engine's building blocks:
 * varints, zigzag, bit packing at every width, PFor on several value
 * distributions, presence and value encodings (decimal floats, raw
 * doubles, extremes), decoders on truncated and garbage input, the string
 * dictionary (lookup limits, persistence, truncation, checksums), the
 * (object, timestamp) sort, section encode/decode through a real segment
 * file, manifest round trip and corruption, and WAL framing and replay. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "storage/codec.h"
#include "storage/dict.h"
#include "storage/helpers.h"
#include "storage/io.h"
#include "storage/manifest.h"
#include "storage/segment.h"
#include "storage/sort.h"
#include "storage/wal.h"

static uint64_t rng = 88172645463325252ULL;
static uint64_t rnd(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return rng;
}

static void test_varint(void **state) {
  (void)state;
  uint64_t vals[] = {0, 1, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX >> 1, UINT64_MAX};
  sky_buf b;
  sky_buf_init(&b);
  for (size_t i = 0; i < 9; i++) sky_put_uvarint(&b, vals[i]);
  sky_rd r;
  sky_rd_init(&r, b.data, b.len);
  for (size_t i = 0; i < 9; i++) assert_true(sky_rd_uvarint(&r) == vals[i]);
  assert_false(r.bad);
  assert_true(r.p == r.end);
  /* Truncated and over-long varints are errors, not crashes. */
  sky_rd_init(&r, b.data, b.len - 1);
  for (size_t i = 0; i < 9; i++) sky_rd_uvarint(&r);
  assert_true(r.bad);
  uint8_t over[11];
  memset(over, 0xff, sizeof over);
  sky_rd_init(&r, over, sizeof over);
  sky_rd_uvarint(&r);
  assert_true(r.bad);
  sky_buf_free(&b);
  int64_t z[] = {0, -1, 1, INT64_MIN, INT64_MAX, -123456789};
  for (size_t i = 0; i < 6; i++) assert_true(sky_unzigzag(sky_zigzag(z[i])) == z[i]);
  assert_int_equal(sky_zigzag(-1), 1);
  assert_int_equal(sky_zigzag(1), 2);
}

static void test_bitpack(void **state) {
  (void)state;
  uint64_t in[300], out[300];
  for (unsigned w = 0; w <= 64; w++) {
    for (size_t n = 0; n < 300; n += 37) {
      uint64_t mask = w == 64 ? ~0ULL : (1ULL << w) - 1;
      for (size_t i = 0; i < n; i++) in[i] = rnd() & mask;
      sky_buf b;
      sky_buf_init(&b);
      sky_bitpack(&b, in, n, w);
      assert_int_equal(b.len, (n * w + 7) / 8);
      sky_rd r;
      sky_rd_init(&r, b.data, b.len);
      assert_int_equal(sky_bitunpack(&r, out, n, w), 0);
      assert_memory_equal(in, out, n * 8);
      if (b.len > 0) { /* one byte short */
        sky_rd_init(&r, b.data, b.len - 1);
        assert_int_equal(sky_bitunpack(&r, out, n, w), -1);
      }
      sky_buf_free(&b);
    }
  }
}

static void pfor_roundtrip(const uint64_t *v, size_t n) {
  sky_buf b;
  sky_buf_init(&b);
  sky_pfor_encode(&b, v, n);
  uint64_t *out = malloc((n + 1) * 8);
  sky_rd r;
  sky_rd_init(&r, b.data, b.len);
  assert_int_equal(sky_pfor_decode(&r, out, n), 0);
  assert_true(r.p == r.end);
  assert_memory_equal(v, out, n * 8);
  /* Every truncation fails cleanly. */
  for (size_t cut = 0; cut < b.len; cut += 1 + b.len / 50) {
    sky_rd_init(&r, b.data, cut);
    assert_int_equal(sky_pfor_decode(&r, out, n), -1);
  }
  free(out);
  sky_buf_free(&b);
}

static void test_pfor(void **state) {
  (void)state;
  enum { N = 5000 };
  uint64_t *v = malloc(N * 8);
  for (size_t i = 0; i < N; i++) v[i] = 0;
  pfor_roundtrip(v, N);
  for (size_t i = 0; i < N; i++) v[i] = rnd();
  pfor_roundtrip(v, N);
  for (size_t i = 0; i < N; i++) v[i] = (uint64_t)(-90e6 * log(1.0 - (double)(rnd() >> 11) / 9007199254740992.0));
  pfor_roundtrip(v, N);
  for (size_t i = 0; i < N; i++) v[i] = i % 97 == 0 ? UINT64_MAX - i : i % 5;
  pfor_roundtrip(v, N);
  for (size_t n = 0; n < 300; n++) pfor_roundtrip(v, n);
  /* Exceptions make skewed data small: 1% huge values among small ones. */
  for (size_t i = 0; i < N; i++) v[i] = i % 100 == 0 ? rnd() : rnd() % 16;
  sky_buf b;
  sky_buf_init(&b);
  sky_pfor_encode(&b, v, N);
  assert_true(b.len < N * 8 / 8 * 1); /* well under a byte per value */
  sky_buf_free(&b);
  free(v);
}

static void test_presence(void **state) {
  (void)state;
  enum { N = 4000 };
  uint8_t p[N], q[N];
  double density[] = {0, 0.001, 0.02, 0.2, 0.9, 1};
  for (size_t d = 0; d < 6; d++) {
    size_t n = 0;
    for (size_t i = 0; i < N; i++) n += p[i] = (rnd() % 100000) < density[d] * 100000;
    sky_buf b;
    sky_buf_init(&b);
    sky_presence_encode(&b, p, N, n);
    if (density[d] <= 0.02) assert_true(b.len < N / 8); /* sparse beats a bitmap */
    sky_rd r;
    sky_rd_init(&r, b.data, b.len);
    size_t got;
    assert_int_equal(sky_presence_decode(&r, q, N, &got), 0);
    assert_int_equal(got, n);
    assert_memory_equal(p, q, N);
    sky_buf_free(&b);
  }
  uint8_t bad[] = {9};
  sky_rd r;
  sky_rd_init(&r, bad, 1);
  size_t got;
  assert_int_not_equal(sky_presence_decode(&r, q, N, &got), 0);
  uint8_t sparse_beyond[] = {SKY_PRES_SPARSE, 1, 0x07, 0xff, 0xff}; /* one position, far past n */
  sky_rd_init(&r, sparse_beyond, sizeof sparse_beyond);
  assert_int_not_equal(sky_presence_decode(&r, q, 10, &got), 0);
}

static void values_roundtrip(sky_prop_type type, const void *vals, size_t n, size_t *len_out) {
  sky_buf b;
  sky_buf_init(&b);
  assert_int_equal(sky_values_encode(&b, type, vals, n), 0);
  size_t w = sky_prop_type_width(type);
  void *out = malloc(n * w + 8);
  sky_rd r;
  sky_rd_init(&r, b.data, b.len);
  assert_int_equal(sky_values_decode(&r, type, out, n), 0);
  assert_true(r.p == r.end);
  assert_memory_equal(vals, out, n * w); /* bit for bit, -0.0 and NaN included */
  if (len_out) *len_out = b.len;
  free(out);
  sky_buf_free(&b);
}

static void test_values(void **state) {
  (void)state;
  int64_t ints[] = {0, -1, INT64_MIN, INT64_MAX, 42, 42, 43};
  values_roundtrip(SKY_PTYPE_INT, ints, 7, NULL);
  uint32_t codes[] = {1, 2, 3, 3, 2, 1, UINT32_MAX};
  values_roundtrip(SKY_PTYPE_STRING, codes, 7, NULL);
  uint8_t bools[] = {1, 0, 0, 1, 1, 1, 0, 1, 0};
  values_roundtrip(SKY_PTYPE_BOOL, bools, 9, NULL);
  enum { N = 1000 };
  double prices[N];
  for (size_t i = 0; i < N; i++) prices[i] = (double)(100 + rnd() % 50000) / 100.0;
  size_t len;
  values_roundtrip(SKY_PTYPE_FLOAT, prices, N, &len);
  assert_true(len < N * 3); /* stored as scaled integers, not 8-byte doubles */
  double odd[] = {0.1, -0.0, NAN, INFINITY, -INFINITY, 1e300, 5e-324, 3.14159};
  values_roundtrip(SKY_PTYPE_FLOAT, odd, 8, &len);
  assert_true(len >= 8 * 8); /* raw doubles */
  double dec[] = {1.5, -2.25, 1e12, 0.001};
  assert_int_equal(sky_decimal_scale(dec, 4), 3);
  double nodec[] = {0.1, 1.0 / 3.0};
  assert_int_equal(sky_decimal_scale(nodec, 2), -1);
  double negzero[] = {-0.0};
  assert_int_equal(sky_decimal_scale(negzero, 1), -1);
}

static void test_dict(void **state) {
  (void)state;
  char *dir = th_dir("dict");
  assert_int_equal(sky_io_mkdir(dir, NULL), 0);
  char *path = sky_path_join(dir, "d.dat");
  sky_dict *d = sky_dict_create();
  sky_error err;
  uint32_t code;
  char s[32];
  for (int i = 0; i < 5000; i++) {
    snprintf(s, sizeof s, "str%d", i);
    assert_int_equal(sky_dict_intern(d, s, strlen(s), &code, &err), 0);
    assert_int_equal(code, (uint32_t)i + 1);
  }
  assert_int_equal(sky_dict_intern(d, "str17", 5, &code, &err), 0);
  assert_int_equal(code, 18);
  assert_int_equal(sky_dict_intern(d, "", 0, &code, &err), 0); /* the empty string is a string */
  assert_int_equal(code, 5001);
  assert_int_equal(sky_dict_find(d, "str4999", 7, 5001), 5000);
  assert_int_equal(sky_dict_find(d, "str4999", 7, 4999), 0); /* beyond a snapshot's limit */
  assert_int_equal(sky_dict_find(d, "nope", 4, 5001), 0);
  uint64_t len = 0;
  uint32_t count = 0;
  assert_int_equal(sky_dict_persist(d, path, 3000, &len, &count, &err), 0);
  assert_int_equal(count, 3000);
  uint64_t len1 = len;
  assert_int_equal(sky_dict_persist(d, path, 5001, &len, &count, &err), 0);
  /* Garbage past the committed length is cut on load. */
  int fd;
  assert_int_equal(sky_io_open_rw(path, &fd, &err), 0);
  assert_int_equal(sky_io_pwrite(fd, "junkjunk", 8, len, path, &err), 0);
  sky_io_close(fd);
  sky_dict *e = sky_dict_create();
  assert_int_equal(sky_dict_load(e, path, len, count, &err), 0);
  assert_int_equal(sky_dict_count(e), 5001);
  const char *str;
  size_t slen;
  sky_dict_get(e, 4000, &str, &slen);
  assert_int_equal(slen, 7);
  assert_memory_equal(str, "str3999", 7);
  sky_dict_free(e);
  /* An older committed length loads the older dictionary. */
  e = sky_dict_create();
  assert_int_equal(sky_dict_load(e, path, len1, 3000, &err), 0);
  assert_int_equal(sky_dict_count(e), 3000);
  sky_dict_free(e);
  /* A flipped byte is a checksum error naming the file. */
  assert_int_equal(sky_io_open_rw(path, &fd, &err), 0);
  char byte;
  assert_int_equal(sky_io_pread_all(fd, &byte, 1, 100, path, &err), 0);
  byte ^= 0x20;
  assert_int_equal(sky_io_pwrite(fd, &byte, 1, 100, path, &err), 0);
  sky_io_close(fd);
  e = sky_dict_create();
  assert_int_equal(sky_dict_load(e, path, len1, 3000, &err), -1);
  assert_int_equal(err.code, SKY_ERR_IO_ERROR);
  assert_non_null(strstr(err.message, path));
  sky_dict_free(e);
  /* Shorter than committed: truncated. */
  assert_int_equal(sky_io_open_rw(path, &fd, &err), 0);
  assert_int_equal(sky_io_truncate(fd, 50, path, &err), 0);
  sky_io_close(fd);
  e = sky_dict_create();
  assert_int_equal(sky_dict_load(e, path, len1, 3000, &err), -1);
  assert_non_null(strstr(err.message, "truncated"));
  sky_dict_free(e);
  sky_dict_free(d);
  th_rmtree(dir);
  sky_free(path);
  sky_free(dir);
}

static void test_sort(void **state) {
  (void)state;
  enum { N = 20000 };
  uint64_t *obj = malloc(N * 8);
  int64_t *ts = malloc(N * 8);
  uint32_t *perm = malloc(N * 4);
  for (int shape = 0; shape < 4; shape++) {
    for (size_t i = 0; i < N; i++) {
      if (shape == 0) obj[i] = i / 7, ts[i] = (int64_t)(i % 7); /* sorted */
      if (shape == 1) obj[i] = rnd() % 500, ts[i] = (int64_t)i; /* time-ordered log */
      if (shape == 2) obj[i] = rnd() % 50 + (rnd() % 2 ? UINT64_MAX - 100 : 0), ts[i] = (int64_t)(rnd() % 10) - 5;
      if (shape == 3) obj[i] = 9, ts[i] = (int64_t)(rnd() % 3); /* one object, many ties */
    }
    bool identity;
    assert_int_equal(sky_sort_perm(obj, ts, N, perm, &identity), 0);
    assert_int_equal(identity, shape == 0);
    for (size_t k = 1; k < N; k++) {
      uint32_t a = perm[k - 1], b = perm[k];
      assert_true(obj[a] < obj[b] || (obj[a] == obj[b] && (ts[a] < ts[b] || (ts[a] == ts[b] && a < b))));
    }
  }
  free(obj), free(ts), free(perm);
}

/* A section written to a real file and decoded back, including a property
 * that the file predates. */
static void test_segment_file(void **state) {
  (void)state;
  char *dir = th_dir("segfile");
  assert_int_equal(sky_io_mkdir(dir, NULL), 0);
  char *path = sky_path_join(dir, "seg-test.sky");
  enum { N = 2000 };
  uint64_t obj_id[N], obj_start[N + 1], n_obj = 0;
  int64_t ts[N];
  uint32_t action[N];
  double price[N];
  uint8_t pres[N];
  for (size_t i = 0; i < N; i++) {
    if (i % 13 == 0) obj_id[n_obj] = 1000 + n_obj * 3, obj_start[n_obj++] = i;
    ts[i] = i % 13 == 0 ? (int64_t)(rnd() % 1000000) - 500000 : ts[i - 1] + (int64_t)(rnd() % 100000000);
    action[i] = (uint32_t)(rnd() % 21);
    pres[i] = rnd() % 50 == 0;
    price[i] = pres[i] ? (double)(rnd() % 100000) / 100 : 0;
  }
  obj_start[n_obj] = N;
  sky_prop props[2] = {{.name = "price", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_FLOAT}, {.name = "none", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_INT}};
  sky_prop_type types[2] = {SKY_PTYPE_FLOAT, SKY_PTYPE_INT};
  const void *vals[2] = {price, NULL};
  const uint8_t *presv[2] = {pres, NULL};
  sky_part_data in = {.n_objects = n_obj, .n_events = N, .obj_id = obj_id, .obj_start = obj_start, .ts = ts,
                      .action = action, .n_props = 2, .vals = vals, .pres = presv};
  sky_buf enc;
  sky_buf_init(&enc);
  sky_section meta;
  assert_int_equal(sky_section_encode(&in, types, &enc, &meta), 0);
  assert_int_equal(meta.n_blocks, 4); /* objects, ts, action, price */
  sky_segw sw;
  sky_error err;
  assert_int_equal(sky_segw_open(&sw, path, 7, 99, 2, props, &err), 0);
  assert_int_equal(sky_segw_add(&sw, 5, &enc, &meta, &err), 0);
  uint64_t size;
  assert_int_equal(sky_segw_finish(&sw, &size, &err), 0);
  sky_buf_free(&enc);
  sky_segment *seg = sky_segment_open(path, 7, &err);
  assert_non_null(seg);
  assert_null(seg->broken);
  assert_null(sky_segment_section(seg, 4, &err));
  const sky_section *sec = sky_segment_section(seg, 5, &err);
  assert_non_null(sec);
  uint64_t o2[N], s2[N + 1];
  int64_t t2[N];
  uint32_t a2[N];
  double p2[N];
  uint8_t pr2[N];
  int64_t extra[N];
  assert_int_equal(sky_seg_decode_objects(seg, sec, o2, s2, &err), 0);
  assert_memory_equal(o2, obj_id, n_obj * 8);
  assert_memory_equal(s2, obj_start, (n_obj + 1) * 8);
  assert_int_equal(sky_seg_decode_ts(seg, sec, s2, t2, &err), 0);
  assert_memory_equal(t2, ts, sizeof ts);
  assert_int_equal(sky_seg_decode_action(seg, sec, 20, a2, &err), 0);
  assert_memory_equal(a2, action, sizeof action);
  assert_int_equal(sky_seg_decode_action(seg, sec, 19, a2, &err), -1); /* a code the dictionary lacks */
  memset(p2, 0, sizeof p2); /* the caller zeroes values */
  memset(extra, 0, sizeof extra);
  assert_int_equal(sky_seg_decode_prop(seg, sec, 0, SKY_PTYPE_FLOAT, 0, p2, pr2, &err), 0);
  assert_memory_equal(p2, price, sizeof price);
  assert_memory_equal(pr2, pres, sizeof pres);
  assert_int_equal(sky_seg_decode_prop(seg, sec, 1, SKY_PTYPE_INT, 0, extra, pr2, &err), 0);
  for (size_t i = 0; i < N; i++) assert_int_equal(pr2[i], 0);
  assert_int_equal(sky_seg_decode_prop(seg, sec, 5, SKY_PTYPE_INT, 0, extra, pr2, &err), 0); /* added later */
  assert_int_equal(sky_seg_decode_prop(seg, sec, 0, SKY_PTYPE_INT, 0, extra, pr2, &err), -1); /* wrong type */
  sky_segment_unref(seg);
  /* Truncated: broken, with the file named. */
  assert_int_equal(truncate(path, (off_t)size - 5), 0);
  seg = sky_segment_open(path, 7, &err);
  assert_non_null(seg);
  assert_non_null(seg->broken);
  assert_null(sky_segment_section(seg, 5, &err));
  assert_non_null(strstr(err.message, path));
  sky_segment_unref(seg);
  th_rmtree(dir);
  sky_free(path);
  sky_free(dir);
}

static void test_manifest(void **state) {
  (void)state;
  sky_schema schema = {.table_uid = 1234, .version = 3, .n_props = 2, .props = (sky_prop *)th_props};
  sky_version *v = sky_version_create("odd \"name\"", &schema);
  v->next_seg_id = 10;
  v->next_seq = 20;
  v->n_segs = 2;
  v->seg_ids = sky_realloc(v->seg_ids, 2 * 8);
  v->seg_ids[0] = 3, v->seg_ids[1] = 7;
  for (uint32_t p = 0; p < SKY_PARTITIONS; p += 3) {
    v->part[p].src = sky_calloc(2, sizeof(sky_psrc));
    v->part[p].src[0] = (sky_psrc){.seg_id = 3, .seq = 4};
    v->part[p].src[1] = (sky_psrc){.seg_id = 7, .seq = 19};
    v->part[p].n_src = 2;
  }
  for (uint64_t obj = 1; obj < 200; obj += 7) assert_int_equal(sky_version_put_tomb(v, obj, 11), 0);
  v->dicts[1] = (sky_dictmeta){123, 4};
  sky_buf b;
  sky_buf_init(&b);
  assert_int_equal(sky_manifest_encode(v, &b), 0);
  sky_error err;
  sky_version *w = sky_manifest_decode("M", b.data, b.len, &err);
  assert_non_null(w);
  assert_string_equal(w->name, "odd \"name\"");
  assert_int_equal(w->schema->version, 3);
  assert_string_equal(w->schema->props[1].name, "country");
  assert_int_equal(w->part[3].src[1].seq, 19);
  assert_int_equal(sky_pstate_tomb(&w->part[sky_partition_of(8)], 8), 11);
  assert_int_equal(w->dicts[1].len, 123);
  sky_buf c;
  sky_buf_init(&c);
  w->segs = NULL;
  assert_int_equal(sky_manifest_encode(w, &c), 0);
  assert_int_equal(b.len, c.len);
  assert_memory_equal(b.data, c.data, b.len);
  /* Any flipped bit or truncation is detected. */
  for (size_t i = 0; i < b.len; i++) {
    b.data[i] ^= 0x10;
    assert_null(sky_manifest_decode("M", b.data, b.len, &err));
    assert_int_equal(err.code, SKY_ERR_IO_ERROR);
    b.data[i] ^= 0x10;
    assert_null(sky_manifest_decode("M", b.data, i, &err));
  }
  v->segs = NULL; /* the test built it by hand: no segments to release */
  v->n_segs = 0;
  w->n_segs = 0;
  sky_version_unref(v);
  sky_version_unref(w);
  sky_buf_free(&b);
  sky_buf_free(&c);
}

typedef struct replay_log {
  int n;
  char got[64][16];
} replay_log;

static int apply(void *ctx, const uint8_t *payload, size_t len, sky_error *err) {
  (void)err;
  replay_log *l = ctx;
  snprintf(l->got[l->n++], 16, "%.*s", (int)len, (const char *)payload);
  return 0;
}

/* Writes a WAL of generation 5 with n records; the header's acknowledged
 * mark covers the first `acked` of them. */
static void write_wal_acked(const char *path, int n, int acked, size_t *ends) {
  sky_buf b;
  sky_buf_init(&b);
  uint8_t hdr[SKY_WAL_HEADER_BYTES];
  sky_wal_file_header(hdr, 5);
  sky_buf_append(&b, hdr, sizeof hdr);
  for (int i = 0; i < n; i++) {
    char rec[16];
    snprintf(rec, sizeof rec, "rec%d", i);
    sky_wal_frame(&b, (uint64_t)i + 1, (uint64_t)i, rec, strlen(rec)); /* each one's predecessor is durable */
    ends[i] = b.len;
  }
  if (acked > 0) sky_wal_mark((uint8_t *)b.data + SKY_WAL_MARK_OFFSET, 5, (uint64_t)acked, ends[acked - 1]);
  FILE *f = fopen(path, "wb");
  fwrite(b.data, 1, b.len, f);
  fclose(f);
  sky_buf_free(&b);
}

static void write_wal(const char *path, int n, size_t *ends) { write_wal_acked(path, n, 0, ends); }

static void test_wal_replay(void **state) {
  (void)state;
  char *dir = th_dir("walunit");
  assert_int_equal(sky_io_mkdir(dir, NULL), 0);
  char *path = sky_path_join(dir, "w.log");
  size_t ends[10];
  sky_error err;
  replay_log log;
  sky_wal_replay_info info;
  /* Torn tail at every byte of the last record: the first 9 survive. */
  write_wal(path, 10, ends);
  for (size_t cut = ends[8]; cut < ends[9]; cut++) {
    assert_int_equal(truncate(path, (off_t)cut), 0);
    memset(&log, 0, sizeof log);
    assert_int_equal(sky_wal_replay(path, 5, false, apply, &log, &info, &err), 0);
    assert_int_equal(log.n, 9);
    assert_int_equal(info.good_len, ends[8]);
    assert_int_equal(info.last_seq, 9);
    assert_int_equal(info.n_records, 9);
    assert_non_null(strstr(info.stop, cut == ends[8] ? "end of file" : "record 10 is torn"));
  }
  /* A bad checksum in the last record: a torn tail too. */
  write_wal(path, 10, ends);
  FILE *f = fopen(path, "r+b");
  fseek(f, (long)ends[9] - 1, SEEK_SET);
  fputc('X', f);
  fclose(f);
  memset(&log, 0, sizeof log);
  assert_int_equal(sky_wal_replay(path, 5, false, apply, &log, &info, &err), 0);
  assert_int_equal(log.n, 9);
  assert_string_equal(info.stop, "record 10 is torn (checksum mismatch); 32 bytes cut");
  /* Damage in the middle, proven acknowledged by a later record: io_error. */
  write_wal(path, 10, ends);
  f = fopen(path, "r+b");
  fseek(f, (long)ends[3] - 1, SEEK_SET);
  fputc('X', f);
  fclose(f);
  memset(&log, 0, sizeof log);
  assert_int_equal(sky_wal_replay(path, 5, false, apply, &log, &info, &err), -1);
  assert_int_equal(err.code, SKY_ERR_IO_ERROR);
  assert_non_null(strstr(err.message, path));
  /* The mark says 9 were acknowledged: a torn 10th is an ordinary crash,
   * a file ending at the 8th (or at its header) lost acknowledged ones. */
  write_wal_acked(path, 10, 9, ends);
  assert_int_equal(truncate(path, (off_t)ends[9] - 3), 0);
  memset(&log, 0, sizeof log);
  assert_int_equal(sky_wal_replay(path, 5, false, apply, &log, &info, &err), 0);
  assert_int_equal(info.acked_seq, 9);
  assert_int_equal(log.n, 9);
  size_t cuts[] = {ends[8] - 1, ends[7], SKY_WAL_HEADER_BYTES};
  for (int k = 0; k < 3; k++) {
    write_wal_acked(path, 10, 9, ends);
    assert_int_equal(truncate(path, (off_t)cuts[k]), 0);
    memset(&log, 0, sizeof log);
    assert_int_equal(sky_wal_replay(path, 5, false, apply, &log, &info, &err), -1);
    assert_int_equal(err.code, SKY_ERR_IO_ERROR);
    assert_non_null(strstr(err.message, "lost acknowledged records"));
    assert_non_null(strstr(err.message, "records up to 9"));
  }
  /* A file shorter than its header: empty when it may be a torn creation,
   * io_error when the manifest says it had been made durable. */
  static const char zeros[SKY_WAL_HEADER_BYTES];
  for (size_t size = 0; size <= sizeof zeros; size += 16) {
    f = fopen(path, "wb");
    fwrite(zeros, 1, size, f);
    fclose(f);
    assert_int_equal(sky_wal_replay(path, 5, true, apply, &log, &info, &err), 0);
    assert_true(info.torn_creation);
    assert_int_equal(sky_wal_replay(path, 5, false, apply, &log, &info, &err), -1);
    assert_non_null(strstr(err.message, "but it was durable"));
  }
  /* A real header cut short is never a torn creation. */
  write_wal(path, 3, ends);
  assert_int_equal(truncate(path, 16), 0);
  assert_int_equal(sky_wal_replay(path, 5, true, apply, &log, &info, &err), -1);
  assert_non_null(strstr(err.message, "shorter than its 40-byte header"));
  /* A damaged mark: io_error. */
  write_wal_acked(path, 10, 9, ends);
  f = fopen(path, "r+b");
  fseek(f, SKY_WAL_MARK_OFFSET, SEEK_SET);
  fputc(7, f);
  fclose(f);
  assert_int_equal(sky_wal_replay(path, 5, false, apply, &log, &info, &err), -1);
  assert_non_null(strstr(err.message, "bad acknowledged mark"));
  /* Wrong generation or header: io_error. */
  write_wal(path, 2, ends);
  assert_int_equal(sky_wal_replay(path, 6, false, apply, &log, &info, &err), -1);
  th_rmtree(dir);
  sky_free(path);
  sky_free(dir);
}

static void test_wal_batch(void **state) {
  (void)state;
  sky_schema schema = {.table_uid = 1, .version = 1, .n_props = TH_NPROPS, .props = (sky_prop *)th_props};
  th_row rows[3] = {{.obj = 1, .ts = -5, .action = "a", .plan = "p", .has_price = true, .price = -0.0},
                    {.obj = UINT64_MAX, .ts = INT64_MAX, .has_qty = true, .qty = INT64_MIN, .has_flag = true},
                    {.obj = 2, .ts = 0, .action = "b", .country = "", .plan = "p"}};
  sky_batch *b = th_batch(&schema, rows, 3);
  sky_buf enc;
  sky_buf_init(&enc);
  assert_int_equal(sky_wal_encode_batch(b, &enc), 0);
  sky_error err;
  sky_batch *c = sky_wal_decode_batch(&schema, enc.data, enc.len, &err);
  assert_non_null(c);
  assert_int_equal(c->n_rows, 3);
  assert_memory_equal(c->obj, b->obj, 24);
  assert_memory_equal(c->ts, b->ts, 24);
  assert_int_equal(c->cols[1].present[2], 1);
  assert_int_equal(c->cols[1].dict.lens[0], 0);
  double d = ((double *)c->cols[2].values)[0];
  assert_true(d == 0 && signbit(d));
  /* A later schema reads the record with NULLs; garbage is rejected. */
  sky_prop more[TH_NPROPS + 1];
  memcpy(more, th_props, sizeof th_props);
  more[TH_NPROPS] = (sky_prop){.name = "extra", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_INT};
  sky_schema later = {.table_uid = 1, .version = 2, .n_props = TH_NPROPS + 1, .props = more};
  sky_batch *e = sky_wal_decode_batch(&later, enc.data, enc.len, &err);
  assert_non_null(e);
  assert_int_equal(e->cols[TH_NPROPS].present[0], 0);
  sky_batch_free(e);
  for (size_t cut = 0; cut < enc.len; cut++) assert_null(sky_wal_decode_batch(&schema, enc.data, cut, &err));
  sky_batch_free(c);
  sky_batch_free(b);
  sky_buf_free(&enc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_varint),        cmocka_unit_test(test_bitpack),  cmocka_unit_test(test_pfor),
      cmocka_unit_test(test_presence),      cmocka_unit_test(test_values),   cmocka_unit_test(test_dict),
      cmocka_unit_test(test_sort),          cmocka_unit_test(test_segment_file), cmocka_unit_test(test_manifest),
      cmocka_unit_test(test_wal_replay),    cmocka_unit_test(test_wal_batch),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
