/* wal.c — WAL record framing, the INSERT payload and replay; see wal.h and
 * docs/FORMAT.md ("WAL files"). */
#include "storage/wal.h"

#include <stdio.h>
#include <string.h>

#include "common/alloc.h"
#include "common/crc32c.h"
#include "common/error.h"
#include "storage/codec.h"
#include "storage/io.h"

#define WAL_FILE_MAGIC "SKYWAL02"
#define WAL_FILE_MAGIC_V1 "SKYWAL01"
#define WAL_REC_MAGIC 0x52574B53u /* "SKWR" */
#define WAL_KIND_INSERT 1u

void sky_wal_file_header(uint8_t out[SKY_WAL_HEADER_BYTES], uint64_t gen) {
  memcpy(out, WAL_FILE_MAGIC, 8);
  memcpy(out + 8, &gen, 8);
  sky_wal_mark(out + SKY_WAL_MARK_OFFSET, gen, 0, SKY_WAL_HEADER_BYTES);
}

/* CRC-32C of the generation, then the mark's seq and len: a mark copied
 * from another file does not verify. */
static uint32_t mark_crc(uint64_t gen, const uint8_t *seq_len) {
  return sky_crc32c(sky_crc32c(0, &gen, 8), seq_len, 16);
}

void sky_wal_mark(uint8_t out[SKY_WAL_MARK_BYTES], uint64_t gen, uint64_t seq, uint64_t len) {
  memcpy(out, &seq, 8);
  memcpy(out + 8, &len, 8);
  uint32_t crc = mark_crc(gen, out), zero = 0;
  memcpy(out + 16, &crc, 4);
  memcpy(out + 20, &zero, 4);
}

void sky_wal_frame(sky_buf *out, uint64_t seq, uint64_t durable, const void *payload, size_t len) {
  uint8_t h[SKY_WAL_REC_HEADER_BYTES];
  uint32_t magic = WAL_REC_MAGIC, len32 = (uint32_t)len;
  memcpy(h, &magic, 4);
  memcpy(h + 4, &len32, 4);
  memcpy(h + 8, &seq, 8);
  memcpy(h + 16, &durable, 8);
  uint32_t crc = sky_crc32c(sky_crc32c(0, h + 4, 20), payload, len);
  memcpy(h + 24, &crc, 4);
  sky_buf_append(out, h, sizeof h);
  sky_buf_append(out, payload, len);
}

/* ---- batch payload ------------------------------------------------------- */

static void put_dict(sky_buf *out, const sky_batch_dict *d) {
  sky_put_uvarint(out, d->n);
  for (uint32_t k = 0; k < d->n; k++) {
    sky_put_uvarint(out, d->lens[k]);
    sky_buf_append(out, d->strs[k], d->lens[k]);
  }
}

static void put_prop(sky_buf *out, const sky_batch *b, uint32_t p) {
  sky_prop_type type = b->schema->props[p].type;
  const sky_batch_col *c = &b->cols[p];
  size_t n = b->n_rows, any = 0;
  for (size_t i = 0; i < n; i++) any += c->present[i];
  sky_put_u8(out, (uint8_t)type);
  sky_put_u8(out, any ? 1 : 0);
  if (!any) return;
  if (type == SKY_PTYPE_STRING) put_dict(out, &c->dict);
  for (size_t i = 0; i < n; i++) {
    sky_put_u8(out, c->present[i]);
    if (!c->present[i]) continue;
    if (type == SKY_PTYPE_INT || type == SKY_PTYPE_FLOAT) sky_buf_append(out, (const char *)c->values + i * 8, 8);
    else if (type == SKY_PTYPE_BOOL) sky_put_u8(out, ((const uint8_t *)c->values)[i]);
    else sky_put_uvarint(out, ((const uint32_t *)c->values)[i]);
  }
}

int sky_wal_encode_batch(const sky_batch *b, sky_buf *out) {
  sky_put_u8(out, WAL_KIND_INSERT);
  sky_put_uvarint(out, b->schema->n_props);
  sky_put_uvarint(out, b->n_rows);
  sky_buf_append(out, b->obj, b->n_rows * 8);
  sky_buf_append(out, b->ts, b->n_rows * 8);
  put_dict(out, &b->action_dict);
  for (size_t i = 0; i < b->n_rows; i++) sky_put_uvarint(out, b->action[i]);
  for (uint32_t p = 0; p < b->schema->n_props; p++) put_prop(out, b, p);
  return out->failed ? -1 : 0;
}

typedef struct str_tab {
  uint64_t n;
  const char **s;
  uint32_t *len;
} str_tab;

static bool get_dict(sky_rd *r, str_tab *t) {
  t->n = sky_rd_uvarint(r);
  if (r->bad || t->n > (uint64_t)(r->end - r->p)) return false;
  t->s = sky_malloc((t->n ? t->n : 1) * sizeof *t->s);
  t->len = sky_malloc((t->n ? t->n : 1) * sizeof *t->len);
  if (!t->s || !t->len) return false;
  for (uint64_t k = 0; k < t->n; k++) {
    uint64_t len = sky_rd_uvarint(r);
    const uint8_t *s = r->bad ? NULL : sky_rd_bytes(r, (size_t)len);
    if (!s) return false;
    t->s[k] = (const char *)s;
    t->len[k] = (uint32_t)len;
  }
  return true;
}

static void tab_free(str_tab *t) {
  sky_free(t->s);
  sky_free(t->len);
  memset(t, 0, sizeof *t);
}

static bool get_prop(sky_rd *r, sky_batch *b, uint32_t p) {
  sky_prop_type type = b->schema->props[p].type;
  uint8_t t = sky_rd_u8(r), any = sky_rd_u8(r);
  if (r->bad || t != type || any > 1) return false;
  if (!any) return true;
  str_tab tab = {0};
  bool ok = type != SKY_PTYPE_STRING || get_dict(r, &tab);
  for (size_t i = 0; ok && i < b->n_rows; i++) {
    uint8_t present = sky_rd_u8(r);
    if (r->bad || present > 1) ok = false;
    if (!ok || !present) continue;
    if (type == SKY_PTYPE_INT) sky_batch_set_int(b, i, p, (int64_t)sky_rd_u64(r));
    else if (type == SKY_PTYPE_FLOAT) {
      uint64_t bits = sky_rd_u64(r);
      double d;
      memcpy(&d, &bits, 8);
      sky_batch_set_float(b, i, p, d);
    } else if (type == SKY_PTYPE_BOOL) {
      uint8_t v = sky_rd_u8(r);
      ok = v <= 1;
      sky_batch_set_bool(b, i, p, v);
    } else {
      uint64_t code = sky_rd_uvarint(r);
      ok = !r->bad && code >= 1 && code <= tab.n &&
           sky_batch_set_string(b, i, p, tab.s[code - 1], tab.len[code - 1]) == 0;
    }
  }
  tab_free(&tab);
  return ok && !r->bad;
}

static bool decode_rows(sky_rd *r, sky_batch *b) {
  uint64_t n_props = sky_rd_uvarint(r), n = sky_rd_uvarint(r);
  if (r->bad || n_props > b->schema->n_props || n > (uint64_t)(r->end - r->p) / 16)
    return false;
  const uint8_t *obj = sky_rd_bytes(r, (size_t)n * 8), *ts = sky_rd_bytes(r, (size_t)n * 8);
  if (!obj || !ts) return false;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t o, t;
    memcpy(&o, obj + i * 8, 8);
    memcpy(&t, ts + i * 8, 8);
    if (o == 0 || sky_batch_add_row(b, o, (int64_t)t) < 0) return false;
  }
  str_tab acts = {0};
  bool ok = get_dict(r, &acts);
  for (uint64_t i = 0; ok && i < n; i++) {
    uint64_t code = sky_rd_uvarint(r);
    if (r->bad || code > acts.n) ok = false;
    else if (code) ok = sky_batch_set_action(b, i, acts.s[code - 1], acts.len[code - 1]) == 0;
  }
  tab_free(&acts);
  for (uint32_t p = 0; ok && p < n_props; p++) ok = get_prop(r, b, p);
  return ok && r->p == r->end;
}

int sky_wal_decode_into(sky_batch *b, const void *data, size_t len, sky_error *err) {
  sky_batch_reset(b);
  sky_rd r;
  sky_rd_init(&r, data, len);
  if (sky_rd_u8(&r) != WAL_KIND_INSERT) return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "unknown WAL record kind");
  if (!decode_rows(&r, b)) return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "malformed WAL record");
  return 0;
}

sky_batch *sky_wal_decode_batch(const sky_schema *schema, const void *data, size_t len, sky_error *err) {
  sky_batch *b = sky_batch_create(schema);
  if (!b) {
    sky_error_oom(err);
    return NULL;
  }
  if (sky_wal_decode_into(b, data, len, err) != 0) {
    sky_batch_free(b);
    return NULL;
  }
  return b;
}

/* ---- replay -------------------------------------------------------------- */

/* Length of the valid record at `off` with sequence `seq` (0 = any), or 0
 * with *why saying what is wrong with it. */
static size_t valid_record(const uint8_t *d, size_t size, size_t off, uint64_t seq, uint64_t *durable,
                           const char **why) {
  *why = "the record header is cut short";
  if (size - off < SKY_WAL_REC_HEADER_BYTES) return 0;
  const uint8_t *h = d + off;
  uint32_t magic, len, crc;
  uint64_t s;
  memcpy(&magic, h, 4);
  memcpy(&len, h + 4, 4);
  memcpy(&s, h + 8, 8);
  memcpy(durable, h + 16, 8);
  memcpy(&crc, h + 24, 4);
  *why = magic != WAL_REC_MAGIC                            ? "bad record magic"
         : len > size - off - SKY_WAL_REC_HEADER_BYTES     ? "the payload is cut short"
         : seq && s != seq                                 ? "unexpected sequence number"
         : sky_crc32c(sky_crc32c(0, h + 4, 20), h + SKY_WAL_REC_HEADER_BYTES, len) != crc ? "checksum mismatch"
                                                           : NULL;
  return *why ? 0 : SKY_WAL_REC_HEADER_BYTES + len;
}

/* True when an intact record after `from` proves record `seq` durable. */
static bool damage_proven(const uint8_t *d, size_t size, size_t from, uint64_t seq) {
  for (size_t q = from + 1; q + SKY_WAL_REC_HEADER_BYTES <= size; q++) {
    uint64_t durable;
    const char *why;
    if (d[q] != (WAL_REC_MAGIC & 0xff)) continue;
    if (valid_record(d, size, q, 0, &durable, &why) && durable >= seq) return true;
  }
  return false;
}

/* Reads the header: its size and acknowledged mark. -1 and err when it is
 * not the header of generation `gen`. */
static int read_header(const char *path, const uint8_t *d, size_t size, uint64_t gen, sky_wal_replay_info *info,
                       uint64_t *acked_len, sky_error *err) {
  uint64_t fgen = 0;
  bool v1 = size >= SKY_WAL_V1_HEADER_BYTES && memcmp(d, WAL_FILE_MAGIC_V1, 8) == 0;
  info->header_bytes = v1 ? SKY_WAL_V1_HEADER_BYTES : SKY_WAL_HEADER_BYTES;
  if (size >= 16) memcpy(&fgen, d + 8, 8);
  if (!v1 && size < SKY_WAL_HEADER_BYTES && memcmp(d, WAL_FILE_MAGIC, 8) == 0)
    return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0,
                         "WAL file '%s' is corrupt: %zu bytes, shorter than its %u-byte header (cut back after it "
                         "was durable)",
                         path, size, SKY_WAL_HEADER_BYTES);
  if (size < info->header_bytes || (!v1 && memcmp(d, WAL_FILE_MAGIC, 8) != 0) || fgen != gen)
    return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "WAL file '%s' is corrupt: bad header", path);
  *acked_len = info->header_bytes;
  if (v1) return 0;
  const uint8_t *m = d + SKY_WAL_MARK_OFFSET;
  uint32_t crc;
  memcpy(&crc, m + 16, 4);
  if (crc != mark_crc(gen, m))
    return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "WAL file '%s' is corrupt: bad acknowledged mark", path);
  memcpy(&info->acked_seq, m, 8);
  memcpy(acked_len, m + 8, 8);
  return 0;
}

/* The file's creation was torn by a crash: shorter than a header, or all
 * zeros (records are appended only after the header's fsync). */
static bool looks_torn_creation(const uint8_t *d, size_t size) {
  if (size < SKY_WAL_V1_HEADER_BYTES) return true;
  for (size_t i = 0; i < size; i++)
    if (d[i] != 0) return false;
  return true;
}

int sky_wal_replay(const char *path, uint64_t gen, bool may_be_new, sky_wal_apply_fn apply, void *ctx,
                   sky_wal_replay_info *info, sky_error *err) {
  memset(info, 0, sizeof *info);
  char *data;
  size_t size;
  if (sky_io_read_file(path, &data, &size, err) != 0) return -1;
  const uint8_t *d = (const uint8_t *)data;
  info->file_len = size;
  if (looks_torn_creation(d, size)) {
    sky_free(data);
    if (!may_be_new)
      return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0,
                           "WAL file '%s' is corrupt: %zu bytes%s, but it was durable before the manifest "
                           "referred to it (cut back or overwritten)",
                           path, size, size ? " of zeros" : "");
    info->torn_creation = true;
    snprintf(info->stop, sizeof info->stop, "its creation was torn by a crash (%zu bytes): it is empty", size);
    return 0;
  }
  uint64_t acked_len;
  if (read_header(path, d, size, gen, info, &acked_len, err) != 0) {
    sky_free(data);
    return -1;
  }
  size_t off = info->header_bytes;
  uint64_t seq = 1;
  int rc = 0;
  const char *why = NULL;
  while (off < size) {
    uint64_t durable;
    size_t n = valid_record(d, size, off, seq, &durable, &why);
    if (n == 0) {
      if (damage_proven(d, size, off, seq))
        rc = sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0,
                           "WAL file '%s' is corrupt: damaged record %llu at offset %zu was acknowledged", path,
                           (unsigned long long)seq, off);
      break; /* a torn tail: cut here */
    }
    if (apply(ctx, d + off + SKY_WAL_REC_HEADER_BYTES, n - SKY_WAL_REC_HEADER_BYTES, err) != 0) {
      char msg[sizeof err->message];
      memcpy(msg, err->message, sizeof msg);
      rc = sky_error_set(err, err->code == SKY_ERR_OUT_OF_MEMORY ? SKY_ERR_OUT_OF_MEMORY : SKY_ERR_IO_ERROR, 0, 0,
                         "WAL file '%s', record %llu: %.300s", path, (unsigned long long)seq, msg);
      break;
    }
    off += n;
    if (seq == info->acked_seq && off != acked_len)
      rc = sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0,
                         "WAL file '%s' is corrupt: acknowledged record %llu ends at offset %zu, its mark says %llu",
                         path, (unsigned long long)seq, off, (unsigned long long)acked_len);
    if (rc != 0) break;
    seq++;
  }
  info->n_records = seq - 1;
  info->last_seq = seq - 1;
  info->good_len = off;
  if (rc == 0 && off < size)
    snprintf(info->stop, sizeof info->stop, "record %llu is torn (%s); %zu bytes cut", (unsigned long long)seq, why,
             size - off);
  else if (rc == 0)
    snprintf(info->stop, sizeof info->stop, "end of file");
  if (rc == 0 && info->last_seq < info->acked_seq)
    rc = sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0,
                       "WAL file '%s' lost acknowledged records: it ends at record %llu (offset %zu of %zu bytes, "
                       "%s) but records up to %llu (%llu bytes) had been acknowledged",
                       path, (unsigned long long)info->last_seq, off, size,
                       off < size ? "then a torn record" : "end of file", (unsigned long long)info->acked_seq,
                       (unsigned long long)acked_len);
  sky_free(data);
  return rc;
}
