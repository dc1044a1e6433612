/* segment_read.c — mapping, validating and decoding segment files; see
 * segment.h and docs/FORMAT.md.
 *
 * Opening reads only the trailer and the footer (the index): a table with
 * any amount of data opens in the time of one small read per segment.
 * Block checksums are verified when a block is decoded. Every decoder
 * checks every length and count, so no input can make it read outside the
 * mapping or write outside its output arrays. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/crc32c.h"
#include "common/error.h"
#include "storage/codec.h"
#include "storage/segment.h"

static const char *col_name(uint32_t col, char *tmp) {
  if (col == SKY_COL_OBJECTS) return "objects";
  if (col == SKY_COL_TS) return "timestamp";
  if (col == SKY_COL_ACTION) return "action";
  snprintf(tmp, 32, "property %u", col - SKY_COL_PROP0);
  return tmp;
}

static int seg_corrupt(const sky_segment *s, const sky_section *sec, uint32_t col, const char *what,
                       sky_error *err) {
  char tmp[32];
  if (!sec) return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "segment file '%s' is corrupt: %s", s->path, what);
  return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "segment file '%s' is corrupt: %s (partition %u, %s block)",
                       s->path, what, sec->part, col_name(col, tmp));
}

static int parse_section(sky_rd *r, sky_section *sec, uint32_t n_props, uint64_t data_end) {
  sec->part = sky_rd_u32(r);
  sec->n_objects = sky_rd_u64(r);
  sec->n_events = sky_rd_u64(r);
  sec->n_blocks = sky_rd_u32(r);
  if (r->bad || sec->part >= SKY_PARTITIONS || sec->n_objects == 0 || sec->n_events < sec->n_objects ||
      sec->n_blocks > 3 + n_props || sec->n_events > (UINT64_C(1) << 40))
    return -1;
  sec->blocks = sky_calloc(sec->n_blocks ? sec->n_blocks : 1, sizeof *sec->blocks);
  if (!sec->blocks) return -2;
  for (uint32_t b = 0; b < sec->n_blocks; b++) {
    sky_block_ref *br = &sec->blocks[b];
    br->col = sky_rd_u32(r);
    br->crc = sky_rd_u32(r);
    br->off = sky_rd_u64(r);
    br->len = sky_rd_u64(r);
    if (r->bad || br->col >= SKY_COL_PROP0 + n_props || (b && br->col <= sec->blocks[b - 1].col) ||
        br->off < SKY_SEG_HEADER_BYTES || br->off > data_end || br->len > data_end - br->off)
      return -1;
  }
  if (sec->n_blocks < 2 || sec->blocks[0].col != SKY_COL_OBJECTS || sec->blocks[1].col != SKY_COL_TS) return -1;
  return 0;
}

/* Parses the footer; returns 0, -1 (corrupt) or -2 (out of memory). */
static int parse_footer(sky_segment *s, const uint8_t *f, size_t len, uint64_t data_end) {
  sky_rd r;
  sky_rd_init(&r, f, len);
  s->n_props = sky_rd_u32(&r);
  if (r.bad || s->n_props > SKY_MAX_PROPS) return -1;
  const uint8_t *types = sky_rd_bytes(&r, s->n_props);
  if (!types) return -1;
  s->types = sky_malloc(s->n_props ? s->n_props : 1);
  if (!s->types) return -2;
  memcpy(s->types, types, s->n_props);
  for (uint32_t p = 0; p < s->n_props; p++)
    if (s->types[p] > SKY_PTYPE_STRING) return -1;
  uint64_t id = sky_rd_u64(&r);
  s->table_uid = sky_rd_u64(&r);
  uint32_t n_sections = sky_rd_u32(&r);
  if (r.bad || id != s->id || n_sections > SKY_PARTITIONS) return -1;
  s->sections = sky_calloc(n_sections ? n_sections : 1, sizeof *s->sections);
  if (!s->sections) return -2;
  for (uint32_t i = 0; i < n_sections; i++) {
    int rc = parse_section(&r, &s->sections[i], s->n_props, data_end);
    s->n_sections = i + 1;
    if (rc != 0) return rc;
    if (s->part_sec[s->sections[i].part] >= 0) return -1;
    s->part_sec[s->sections[i].part] = (int32_t)i;
  }
  return r.p == r.end ? 0 : -1;
}

static int validate(sky_segment *s) {
  if (s->size < SKY_SEG_HEADER_BYTES + SKY_SEG_TRAILER_BYTES) return -1;
  const uint8_t *m = s->map;
  uint32_t version, reserved;
  memcpy(&version, m + 8, 4);
  memcpy(&reserved, m + 12, 4);
  if (memcmp(m, SKY_SEG_MAGIC, 8) != 0 || version != SKY_SEG_VERSION || reserved != 0) return -1;
  const uint8_t *t = m + s->size - SKY_SEG_TRAILER_BYTES;
  uint64_t footer_off;
  uint32_t footer_len, footer_crc;
  memcpy(&footer_off, t, 8);
  memcpy(&footer_len, t + 8, 4);
  memcpy(&footer_crc, t + 12, 4);
  if (memcmp(t + 16, SKY_SEG_END_MAGIC, 8) != 0) return -1;
  if (footer_off < SKY_SEG_HEADER_BYTES || footer_off + footer_len != s->size - SKY_SEG_TRAILER_BYTES) return -1;
  if (sky_crc32c(0, m + footer_off, footer_len) != footer_crc) return -1;
  return parse_footer(s, m + footer_off, footer_len, footer_off);
}

sky_segment *sky_segment_open(const char *path, uint64_t id, sky_error *err) {
  sky_segment *s = sky_calloc(1, sizeof *s);
  if (!s || !(s->path = sky_strdup(path))) {
    sky_free(s);
    sky_error_oom(err);
    return NULL;
  }
  atomic_init(&s->refs, 1);
  s->id = id;
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) s->part_sec[p] = -1;
  sky_error e;
  int fd = -1;
  uint64_t size = 0;
  if (sky_io_open_read(path, &fd, &e) != 0 || sky_io_file_size(fd, &size, path, &e) != 0) goto broken;
  if (size == 0) {
    sky_error_set(&e, SKY_ERR_IO_ERROR, 0, 0, "segment file '%s' is truncated", path);
    goto broken;
  }
  void *m = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) {
    sky_io_errno(&e, "cannot map", path);
    goto broken;
  }
  sky_io_close(fd);
  fd = -1;
  s->map = m;
  s->size = (size_t)size;
  int rc = validate(s);
  if (rc == 0) return s;
  if (rc == -2) {
    sky_segment_unref(s);
    sky_error_oom(err);
    return NULL;
  }
  sky_error_set(&e, SKY_ERR_IO_ERROR, 0, 0, "segment file '%s' is corrupt or truncated: bad footer", path);
broken:
  sky_io_close(fd);
  s->broken = sky_strdup(e.message);
  if (!s->broken) {
    sky_segment_unref(s);
    sky_error_oom(err);
    return NULL;
  }
  return s;
}

void sky_segment_ref(sky_segment *s) { atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed); }

void sky_segment_unref(sky_segment *s) {
  if (!s || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1) return;
  if (s->map) munmap((void *)s->map, s->size);
  for (uint32_t i = 0; i < s->n_sections; i++) sky_section_free(&s->sections[i]);
  sky_free(s->sections);
  sky_free(s->types);
  sky_free(s->broken);
  sky_free(s->path);
  sky_free(s);
}

void sky_segment_unlink(sky_segment *s) { unlink(s->path); }

const sky_section *sky_segment_section(const sky_segment *s, uint32_t part, sky_error *err) {
  if (s->broken) {
    sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "%s", s->broken);
    return NULL;
  }
  if (part >= SKY_PARTITIONS || s->part_sec[part] < 0) {
    sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "segment file '%s' is corrupt: partition %u is missing", s->path,
                  part);
    return NULL;
  }
  return &s->sections[s->part_sec[part]];
}

/* The checked bytes of block `col`, or *data = NULL when the section has
 * none. */
static int get_block(const sky_segment *s, const sky_section *sec, uint32_t col, sky_rd *r, bool *present,
                     sky_error *err) {
  *present = false;
  for (uint32_t b = 0; b < sec->n_blocks; b++) {
    const sky_block_ref *br = &sec->blocks[b];
    if (br->col != col) continue;
    const uint8_t *p = s->map + br->off;
    if (sky_crc32c(0, p, (size_t)br->len) != br->crc) return seg_corrupt(s, sec, col, "checksum mismatch", err);
    sky_rd_init(r, p, (size_t)br->len);
    *present = true;
    return 0;
  }
  return 0;
}

static int decode_failed(const sky_segment *s, const sky_section *sec, uint32_t col, const sky_rd *r, sky_error *err) {
  if (!r->bad) return sky_error_oom(err);
  return seg_corrupt(s, sec, col, "malformed block", err);
}

int sky_seg_decode_objects(const sky_segment *s, const sky_section *sec, uint64_t *obj_id, uint64_t *obj_start,
                           sky_error *err) {
  sky_rd r;
  bool have;
  if (get_block(s, sec, SKY_COL_OBJECTS, &r, &have, err) != 0) return -1;
  uint64_t n = sec->n_objects;
  /* obj_start doubles as scratch for the counts (shifted by one). */
  if (sky_pfor_decode(&r, obj_id, n) != 0 || sky_pfor_decode(&r, obj_start + 1, n) != 0 || r.p != r.end) {
    r.bad = true;
    return decode_failed(s, sec, SKY_COL_OBJECTS, &r, err);
  }
  uint64_t prev = 0;
  for (uint64_t k = 0; k < n; k++) {
    uint64_t id = k == 0 ? obj_id[0] : prev + 1 + obj_id[k];
    if (id == 0 || (k && id <= prev)) return seg_corrupt(s, sec, SKY_COL_OBJECTS, "object ids out of order", err);
    obj_id[k] = prev = id;
  }
  obj_start[0] = 0;
  for (uint64_t k = 0; k < n; k++) {
    uint64_t c = obj_start[k + 1] + 1;
    if (c == 0 || c > sec->n_events - obj_start[k])
      return seg_corrupt(s, sec, SKY_COL_OBJECTS, "event counts do not add up", err);
    obj_start[k + 1] = obj_start[k] + c;
  }
  if (obj_start[n] != sec->n_events) return seg_corrupt(s, sec, SKY_COL_OBJECTS, "event counts do not add up", err);
  return 0;
}

int sky_seg_decode_ts(const sky_segment *s, const sky_section *sec, const uint64_t *obj_start, int64_t *ts,
                      sky_error *err) {
  sky_rd r;
  bool have;
  if (get_block(s, sec, SKY_COL_TS, &r, &have, err) != 0) return -1;
  uint64_t n_obj = sec->n_objects, n_ev = sec->n_events, n_delta = n_ev - n_obj;
  uint64_t *first = sky_malloc(n_obj * sizeof *first);
  if (!first) return sky_error_oom(err);
  /* The in-path deltas are decoded into ts itself, at its end, and moved
   * forward as each object's events are rebuilt from the front. */
  uint64_t *deltas = (uint64_t *)ts + n_obj;
  int rc = 0;
  if (sky_pfor_decode(&r, first, n_obj) != 0 || sky_pfor_decode(&r, deltas, n_delta) != 0 || r.p != r.end) {
    r.bad = true;
    rc = decode_failed(s, sec, SKY_COL_TS, &r, err);
  }
  uint64_t prev = 0, j = 0;
  for (uint64_t k = 0; rc == 0 && k < n_obj; k++) {
    uint64_t t = prev + (uint64_t)sky_unzigzag(first[k]);
    prev = t;
    uint64_t i = obj_start[k];
    ts[i] = (int64_t)t;
    for (i++; i < obj_start[k + 1]; i++) {
      t += deltas[j++]; /* j >= i - k - 1 ... reads stay ahead of writes: i <= n_obj + j */
      ts[i] = (int64_t)t;
    }
  }
  sky_free(first);
  return rc;
}

int sky_seg_decode_action(const sky_segment *s, const sky_section *sec, uint32_t dict_limit, uint32_t *out,
                          sky_error *err) {
  sky_rd r;
  bool have;
  if (get_block(s, sec, SKY_COL_ACTION, &r, &have, err) != 0) return -1;
  uint64_t n = sec->n_events;
  if (!have) {
    memset(out, 0, n * sizeof *out);
    return 0;
  }
  unsigned w = sky_rd_u8(&r);
  if (r.bad || w > 32) return seg_corrupt(s, sec, SKY_COL_ACTION, "malformed block", err);
  if (sky_bitunpack32(&r, out, n, w) != 0 || r.p != r.end)
    return seg_corrupt(s, sec, SKY_COL_ACTION, "malformed block", err);
  for (uint64_t i = 0; i < n; i++)
    if (out[i] > dict_limit) return seg_corrupt(s, sec, SKY_COL_ACTION, "unknown dictionary code", err);
  return 0;
}

int sky_seg_decode_prop(const sky_segment *s, const sky_section *sec, uint32_t prop, sky_prop_type type,
                        uint32_t dict_limit, void *vals, uint8_t *pres, sky_error *err) {
  uint64_t n = sec->n_events;
  size_t w = sky_prop_type_width(type);
  if (prop >= s->n_props) { /* added after this file was written */
    memset(pres, 0, n);
    return 0;
  }
  uint32_t col = SKY_COL_PROP0 + prop;
  if (s->types[prop] != type) return seg_corrupt(s, sec, col, "property type differs from the schema", err);
  sky_rd r;
  bool have;
  if (get_block(s, sec, col, &r, &have, err) != 0) return -1;
  if (!have) {
    memset(pres, 0, n);
    return 0;
  }
  size_t n_present;
  int rc = sky_presence_decode(&r, pres, n, &n_present);
  if (rc != 0) return decode_failed(s, sec, col, &r, err);
  char *dense = sky_malloc(n_present ? n_present * w : 1);
  if (!dense) return sky_error_oom(err);
  rc = sky_values_decode(&r, type, dense, n_present);
  if (rc == 0 && r.p != r.end) {
    r.bad = true;
    rc = -1;
  }
  if (rc != 0) {
    sky_free(dense);
    return decode_failed(s, sec, col, &r, err);
  }
  if (type == SKY_PTYPE_STRING)
    for (size_t k = 0; k < n_present; k++)
      if (((uint32_t *)dense)[k] > dict_limit) {
        sky_free(dense);
        return seg_corrupt(s, sec, col, "unknown dictionary code", err);
      }
  size_t k = 0;
  for (uint64_t i = 0; i < n; i++)
    if (pres[i]) memcpy((char *)vals + i * w, dense + (k++) * w, w);
  sky_free(dense);
  return 0;
}

int sky_seg_corrupt(const sky_segment *s, const sky_section *sec, uint32_t col, const char *what, sky_error *err) {
  return seg_corrupt(s, sec, col, what, err);
}
