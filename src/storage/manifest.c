/* manifest.c — versions (copy-on-write table state) and the manifest file;
 * see manifest.h and docs/FORMAT.md ("Manifest"). */
#include "storage/manifest.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/crc32c.h"
#include "common/error.h"
#include "storage/codec.h"
#include "storage/io.h"

#define MANIFEST_MAGIC "SKYMANIF"
#define MANIFEST_VERSION 1u    /* written when no property lapses */
#define MANIFEST_VERSION_EXPIRY 2u /* properties carry EXPIRES AFTER ... TO */

static void pstate_free(sky_pstate *ps) {
  sky_free(ps->src);
  sky_free(ps->tombs);
  memset(ps, 0, sizeof *ps);
}

static void version_free(sky_version *v) {
  for (uint32_t i = 0; i < v->n_segs; i++)
    if (v->segs) sky_segment_unref(v->segs[i]);
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) pstate_free(&v->part[p]);
  sky_free(v->segs);
  sky_free(v->seg_ids);
  sky_free(v->dicts);
  sky_schema_free(v->schema);
  sky_free(v->name);
  sky_free(v);
}

sky_version *sky_version_create(const char *name, const sky_schema *schema) {
  sky_version *v = sky_calloc(1, sizeof *v);
  if (!v) return NULL;
  atomic_init(&v->refs, 1);
  v->name = sky_strdup(name);
  v->schema = sky_schema_clone(schema);
  v->n_dicts = schema->n_props + 1;
  v->dicts = sky_calloc(v->n_dicts, sizeof *v->dicts);
  v->generation = 1;
  v->next_seg_id = 1;
  v->next_seq = 1;
  v->wal_gen = 1;
  if (!v->name || !v->schema || !v->dicts) {
    version_free(v);
    return NULL;
  }
  return v;
}

static void *dup_array(const void *src, size_t n, size_t elem) {
  void *d = sky_malloc(n ? n * elem : 1);
  if (d && n) memcpy(d, src, n * elem);
  return d;
}

sky_version *sky_version_clone(const sky_version *v) {
  sky_version *c = sky_calloc(1, sizeof *c);
  if (!c) return NULL;
  atomic_init(&c->refs, 1);
  c->generation = v->generation;
  c->next_seg_id = v->next_seg_id;
  c->next_seq = v->next_seq;
  c->wal_gen = v->wal_gen;
  c->n_dicts = v->n_dicts;
  c->name = sky_strdup(v->name);
  c->schema = sky_schema_clone(v->schema);
  c->dicts = dup_array(v->dicts, v->n_dicts, sizeof *v->dicts);
  c->seg_ids = dup_array(v->seg_ids, v->n_segs, sizeof *v->seg_ids);
  c->segs = dup_array(v->segs, v->n_segs, sizeof *v->segs);
  if (!c->name || !c->schema || !c->dicts || !c->seg_ids || !c->segs) goto fail;
  c->n_segs = v->n_segs;
  for (uint32_t i = 0; i < c->n_segs; i++) sky_segment_ref(c->segs[i]);
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) {
    const sky_pstate *ps = &v->part[p];
    c->part[p].src = dup_array(ps->src, ps->n_src, sizeof *ps->src);
    c->part[p].tombs = dup_array(ps->tombs, ps->n_tombs, sizeof *ps->tombs);
    if (!c->part[p].src || !c->part[p].tombs) goto fail;
    c->part[p].n_src = ps->n_src;
    c->part[p].n_tombs = ps->n_tombs;
  }
  return c;
fail:
  version_free(c);
  return NULL;
}

void sky_version_ref(sky_version *v) { atomic_fetch_add_explicit(&v->refs, 1, memory_order_relaxed); }

void sky_version_unref(sky_version *v) {
  if (v && atomic_fetch_sub_explicit(&v->refs, 1, memory_order_acq_rel) == 1) version_free(v);
}

int sky_version_add_seg(sky_version *v, sky_segment *seg) {
  uint64_t *ids = sky_realloc(v->seg_ids, ((size_t)v->n_segs + 1) * sizeof *ids);
  if (!ids) return -1;
  v->seg_ids = ids;
  sky_segment **segs = sky_realloc(v->segs, ((size_t)v->n_segs + 1) * sizeof *segs);
  if (!segs) return -1;
  v->segs = segs;
  uint32_t at = v->n_segs;
  while (at > 0 && v->seg_ids[at - 1] > seg->id) {
    v->seg_ids[at] = v->seg_ids[at - 1];
    v->segs[at] = v->segs[at - 1];
    at--;
  }
  v->seg_ids[at] = seg->id;
  v->segs[at] = seg;
  v->n_segs++;
  sky_segment_ref(seg);
  return 0;
}

void sky_version_drop_unused(sky_version *v, sky_segment ***dropped, uint32_t *n_dropped) {
  *n_dropped = 0;
  *dropped = sky_malloc((v->n_segs ? v->n_segs : 1) * sizeof **dropped);
  uint32_t keep = 0;
  for (uint32_t i = 0; i < v->n_segs; i++) {
    bool used = false;
    for (uint32_t p = 0; p < SKY_PARTITIONS && !used; p++)
      for (uint32_t k = 0; k < v->part[p].n_src && !used; k++) used = v->part[p].src[k].seg_id == v->seg_ids[i];
    if (used) {
      v->seg_ids[keep] = v->seg_ids[i];
      v->segs[keep++] = v->segs[i];
    } else if (*dropped) {
      (*dropped)[(*n_dropped)++] = v->segs[i]; /* the caller takes this reference */
    } else {
      sky_segment_unref(v->segs[i]);
    }
  }
  v->n_segs = keep;
}

int sky_version_push_src(sky_version *v, uint32_t p, sky_segment *seg, uint64_t seq) {
  sky_pstate *ps = &v->part[p];
  sky_psrc *src = sky_realloc(ps->src, ((size_t)ps->n_src + 1) * sizeof *src);
  if (!src) return -1;
  ps->src = src;
  ps->src[ps->n_src++] = (sky_psrc){.seg_id = seg->id, .seq = seq, .seg = seg};
  return 0;
}

uint64_t sky_pstate_tomb(const sky_pstate *ps, uint64_t obj) {
  uint32_t lo = 0, hi = ps->n_tombs;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (ps->tombs[mid].obj < obj) lo = mid + 1;
    else hi = mid;
  }
  return lo < ps->n_tombs && ps->tombs[lo].obj == obj ? ps->tombs[lo].seq : 0;
}

int sky_version_put_tomb(sky_version *v, uint64_t obj, uint64_t seq) {
  sky_pstate *ps = &v->part[sky_partition_of(obj)];
  uint32_t lo = 0, hi = ps->n_tombs;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (ps->tombs[mid].obj < obj) lo = mid + 1;
    else hi = mid;
  }
  if (lo < ps->n_tombs && ps->tombs[lo].obj == obj) {
    if (ps->tombs[lo].seq < seq) ps->tombs[lo].seq = seq;
    return 0;
  }
  sky_tomb *t = sky_realloc(ps->tombs, ((size_t)ps->n_tombs + 1) * sizeof *t);
  if (!t) return -1;
  ps->tombs = t;
  memmove(&t[lo + 1], &t[lo], (ps->n_tombs - lo) * sizeof *t);
  t[lo] = (sky_tomb){obj, seq};
  ps->n_tombs++;
  return 0;
}

/* ---- encoding -------------------------------------------------------------- */

static void put_str(sky_buf *b, const char *s) {
  size_t n = strlen(s);
  sky_put_uvarint(b, n);
  sky_buf_append(b, s, n);
}

/* Format 2, after each property's kind and type: uvarint expires_us (0 =
 * never lapses); when > 0, u8 has_to, and with a TO literal its value: u64
 * word (INT, FLOAT, BOOL) or uvarint length + bytes (STRING). */
static void put_expiry(sky_buf *b, const sky_prop *prop) {
  sky_put_uvarint(b, (uint64_t)prop->expires_us);
  if (prop->expires_us <= 0) return;
  sky_put_u8(b, prop->has_to);
  if (!prop->has_to) return;
  if (prop->type != SKY_PTYPE_STRING) {
    sky_put_u64(b, prop->to_word);
    return;
  }
  sky_put_uvarint(b, prop->to_len);
  sky_buf_append(b, prop->to_str, prop->to_len);
}

int sky_manifest_encode(const sky_version *v, sky_buf *out) {
  sky_buf p;
  sky_buf_init(&p);
  put_str(&p, v->name);
  sky_put_u64(&p, v->schema->table_uid);
  sky_put_uvarint(&p, v->schema->version);
  sky_put_uvarint(&p, v->schema->n_props);
  bool expiry = sky_schema_has_expiry(v->schema);
  for (uint32_t i = 0; i < v->schema->n_props; i++) {
    put_str(&p, v->schema->props[i].name);
    sky_put_u8(&p, (uint8_t)v->schema->props[i].kind);
    sky_put_u8(&p, (uint8_t)v->schema->props[i].type);
    if (expiry) put_expiry(&p, &v->schema->props[i]);
  }
  sky_put_uvarint(&p, v->generation);
  sky_put_uvarint(&p, v->next_seg_id);
  sky_put_uvarint(&p, v->next_seq);
  sky_put_uvarint(&p, v->wal_gen);
  sky_put_uvarint(&p, v->n_dicts);
  for (uint32_t i = 0; i < v->n_dicts; i++) {
    sky_put_uvarint(&p, v->dicts[i].len);
    sky_put_uvarint(&p, v->dicts[i].count);
  }
  sky_put_uvarint(&p, v->n_segs);
  for (uint32_t i = 0; i < v->n_segs; i++) sky_put_uvarint(&p, v->seg_ids[i]);
  for (uint32_t part = 0; part < SKY_PARTITIONS; part++) {
    const sky_pstate *ps = &v->part[part];
    sky_put_uvarint(&p, ps->n_src);
    for (uint32_t k = 0; k < ps->n_src; k++) {
      sky_put_uvarint(&p, ps->src[k].seg_id);
      sky_put_uvarint(&p, ps->src[k].seq);
    }
    sky_put_uvarint(&p, ps->n_tombs);
    for (uint32_t k = 0; k < ps->n_tombs; k++) {
      sky_put_uvarint(&p, ps->tombs[k].obj);
      sky_put_uvarint(&p, ps->tombs[k].seq);
    }
  }
  uint32_t hdr[2] = {expiry ? MANIFEST_VERSION_EXPIRY : MANIFEST_VERSION, (uint32_t)p.len};
  sky_buf_append(out, MANIFEST_MAGIC, 8);
  sky_buf_append(out, hdr, 8);
  if (p.len) sky_buf_append(out, p.data, p.len);
  sky_put_u32(out, sky_crc32c(0, p.data ? p.data : "", p.len));
  bool failed = p.failed || p.len > UINT32_MAX;
  sky_buf_free(&p);
  return failed || out->failed ? -1 : 0;
}

/* ---- decoding -------------------------------------------------------------- */

static bool get_name(sky_rd *r, char *out, size_t max) {
  uint64_t n = sky_rd_uvarint(r);
  if (r->bad || n == 0 || n > max) return false;
  const uint8_t *s = sky_rd_bytes(r, (size_t)n);
  if (!s) return false;
  memcpy(out, s, (size_t)n);
  out[n] = '\0';
  return memchr(out, '\0', (size_t)n) == NULL;
}

static bool get_expiry(sky_rd *r, sky_prop *prop) {
  uint64_t us = sky_rd_uvarint(r);
  if (r->bad || us > INT64_MAX || (us && prop->kind != SKY_KIND_STATE)) return false;
  prop->expires_us = (int64_t)us;
  if (!us) return true;
  uint8_t has_to = sky_rd_u8(r);
  if (r->bad || has_to > 1) return false;
  prop->has_to = has_to;
  if (!has_to) return true;
  if (prop->type != SKY_PTYPE_STRING) {
    prop->to_word = sky_rd_u64(r);
    return !r->bad && (prop->type != SKY_PTYPE_BOOL || prop->to_word <= 1);
  }
  uint64_t n = sky_rd_uvarint(r);
  if (r->bad || n > SKY_MAX_TO_STR) return false;
  const uint8_t *s = sky_rd_bytes(r, (size_t)n);
  if (!s) return false;
  memcpy(prop->to_str, s, (size_t)n);
  prop->to_str[n] = '\0';
  prop->to_len = (uint32_t)n;
  return true;
}

static bool decode_schema(sky_rd *r, sky_version *v, uint32_t format) {
  sky_schema *s = sky_calloc(1, sizeof *s);
  if (!s) return false;
  v->schema = s;
  s->table_uid = sky_rd_u64(r);
  s->version = sky_rd_uvarint(r);
  uint64_t n = sky_rd_uvarint(r);
  if (r->bad || n > SKY_MAX_PROPS) return false;
  s->props = sky_calloc(n ? n : 1, sizeof *s->props);
  if (!s->props) return false;
  s->n_props = (uint32_t)n;
  for (uint32_t i = 0; i < s->n_props; i++) {
    if (!get_name(r, s->props[i].name, SKY_MAX_NAME)) return false;
    uint8_t kind = sky_rd_u8(r), type = sky_rd_u8(r);
    if (r->bad || kind > SKY_KIND_EVENT || type > SKY_PTYPE_STRING) return false;
    s->props[i].kind = (sky_prop_kind)kind;
    s->props[i].type = (sky_prop_type)type;
    if (format >= MANIFEST_VERSION_EXPIRY && !get_expiry(r, &s->props[i])) return false;
  }
  return true;
}

static bool has_seg(const sky_version *v, uint64_t id) {
  uint32_t lo = 0, hi = v->n_segs;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (v->seg_ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < v->n_segs && v->seg_ids[lo] == id;
}

static bool decode_parts(sky_rd *r, sky_version *v) {
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) {
    sky_pstate *ps = &v->part[p];
    uint64_t n = sky_rd_uvarint(r);
    if (r->bad || n > v->n_segs) return false;
    ps->src = sky_calloc(n ? n : 1, sizeof *ps->src);
    if (!ps->src) return false;
    ps->n_src = (uint32_t)n;
    for (uint32_t k = 0; k < ps->n_src; k++) {
      ps->src[k].seg_id = sky_rd_uvarint(r);
      ps->src[k].seq = sky_rd_uvarint(r);
      if (r->bad || !has_seg(v, ps->src[k].seg_id) || ps->src[k].seq >= v->next_seq) return false;
    }
    uint64_t nt = sky_rd_uvarint(r);
    if (r->bad || nt > (uint64_t)(r->end - r->p)) return false;
    ps->tombs = sky_calloc(nt ? nt : 1, sizeof *ps->tombs);
    if (!ps->tombs) return false;
    ps->n_tombs = (uint32_t)nt;
    for (uint32_t k = 0; k < ps->n_tombs; k++) {
      ps->tombs[k].obj = sky_rd_uvarint(r);
      ps->tombs[k].seq = sky_rd_uvarint(r);
      if (r->bad || sky_partition_of(ps->tombs[k].obj) != p || (k && ps->tombs[k].obj <= ps->tombs[k - 1].obj))
        return false;
    }
  }
  return true;
}

static bool decode_payload(sky_rd *r, sky_version *v, uint32_t format) {
  char name[SKY_MAX_NAME + 1];
  if (!get_name(r, name, SKY_MAX_NAME) || !(v->name = sky_strdup(name)) || !decode_schema(r, v, format)) return false;
  v->generation = sky_rd_uvarint(r);
  v->next_seg_id = sky_rd_uvarint(r);
  v->next_seq = sky_rd_uvarint(r);
  v->wal_gen = sky_rd_uvarint(r);
  uint64_t nd = sky_rd_uvarint(r);
  if (r->bad || nd != (uint64_t)v->schema->n_props + 1) return false;
  v->dicts = sky_calloc(nd, sizeof *v->dicts);
  if (!v->dicts) return false;
  v->n_dicts = (uint32_t)nd;
  for (uint32_t i = 0; i < v->n_dicts; i++) {
    v->dicts[i].len = sky_rd_uvarint(r);
    uint64_t c = sky_rd_uvarint(r);
    if (c > UINT32_MAX) return false;
    v->dicts[i].count = (uint32_t)c;
  }
  uint64_t ns = sky_rd_uvarint(r);
  if (r->bad || ns > (uint64_t)(r->end - r->p)) return false;
  v->seg_ids = sky_calloc(ns ? ns : 1, sizeof *v->seg_ids);
  if (!v->seg_ids) return false;
  v->n_segs = (uint32_t)ns;
  for (uint32_t i = 0; i < v->n_segs; i++) {
    v->seg_ids[i] = sky_rd_uvarint(r);
    if (r->bad || v->seg_ids[i] >= v->next_seg_id || (i && v->seg_ids[i] <= v->seg_ids[i - 1])) return false;
  }
  return decode_parts(r, v) && !r->bad && r->p == r->end;
}

sky_version *sky_manifest_decode(const char *path, const void *data, size_t len, sky_error *err) {
  const uint8_t *d = data;
  uint32_t ver = 0, plen = 0, crc = 0;
  if (len >= 20) {
    memcpy(&ver, d + 8, 4);
    memcpy(&plen, d + 12, 4);
  }
  if (len < 20 || memcmp(d, MANIFEST_MAGIC, 8) != 0 ||
      (ver != MANIFEST_VERSION && ver != MANIFEST_VERSION_EXPIRY) || (uint64_t)plen + 20 != len) {
    sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "manifest '%s' is corrupt or truncated", path);
    return NULL;
  }
  memcpy(&crc, d + 16 + plen, 4);
  if (sky_crc32c(0, d + 16, plen) != crc) {
    sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "manifest '%s' is corrupt: checksum mismatch", path);
    return NULL;
  }
  sky_version *v = sky_calloc(1, sizeof *v);
  if (!v) {
    sky_error_oom(err);
    return NULL;
  }
  atomic_init(&v->refs, 1);
  sky_rd r;
  sky_rd_init(&r, d + 16, plen);
  if (!decode_payload(&r, v, ver)) {
    version_free(v);
    sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "manifest '%s' is corrupt: bad contents", path);
    return NULL;
  }
  return v;
}

sky_version *sky_manifest_read(const char *dir, sky_error *err) {
  char *path = sky_path_join(dir, "MANIFEST");
  if (!path) {
    sky_error_oom(err);
    return NULL;
  }
  char *data;
  size_t len;
  sky_version *v = NULL;
  if (sky_io_read_file(path, &data, &len, err) == 0) {
    v = sky_manifest_decode(path, data, len, err);
    sky_free(data);
  }
  sky_free(path);
  return v;
}

/* MANIFEST.prev is a second name of the current manifest, kept during a
 * commit so that the rename can be undone. */
static int publish(const char *dir, const char *path, const char *tmp, const char *prev, const sky_buf *b,
                   sky_error *err) {
  int fd;
  unlink(tmp);
  if (sky_io_create(tmp, &fd, err) != 0) return -1;
  if (sky_io_pwrite(fd, b->data, b->len, 0, tmp, err) != 0 || sky_io_fsync(fd, tmp, err) != 0) {
    sky_io_close(fd);
    unlink(tmp);
    return -1;
  }
  sky_io_close(fd);
  unlink(prev);
  bool had = sky_io_exists(path);
  if ((had && sky_io_link(path, prev, err) != 0) || sky_io_rename(tmp, path, err) != 0) {
    unlink(tmp);
    unlink(prev);
    return -1;
  }
  if (sky_io_fsync_dir(dir, err) != 0) {
    if (had) sky_io_rename_undo(prev, path, NULL);
    else unlink(path);
    return -1;
  }
  unlink(prev);
  return 0;
}

int sky_manifest_write(const char *dir, const sky_version *v, sky_error *err) {
  sky_buf b;
  sky_buf_init(&b);
  char *path = sky_path_join(dir, "MANIFEST"), *tmp = sky_path_join(dir, "MANIFEST.tmp"),
       *prev = sky_path_join(dir, "MANIFEST.prev");
  int rc = -1;
  if (!path || !tmp || !prev || sky_manifest_encode(v, &b) != 0) sky_error_oom(err);
  else rc = publish(dir, path, tmp, prev, &b, err);
  sky_buf_free(&b);
  sky_free(path);
  sky_free(tmp);
  sky_free(prev);
  return rc;
}
