/* segment_write.c — encoding sections and writing segment files; see
 * segment.h and docs/FORMAT.md.
 *
 * Sections are encoded into memory buffers (in parallel, one per
 * partition, by the LOAD path) and then appended to the file in partition
 * order by one writer, which adds the footer and fsyncs once: a segment
 * costs one fsync however many partitions it touches. */
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/crc32c.h"
#include "common/error.h"
#include "storage/codec.h"
#include "storage/segment.h"

void sky_section_free(sky_section *s) {
  sky_free(s->blocks);
  s->blocks = NULL;
  s->n_blocks = 0;
}

static void end_block(sky_section *meta, sky_buf *out, size_t base, size_t start, uint32_t col) {
  if (out->failed) return;
  sky_block_ref *r = &meta->blocks[meta->n_blocks++];
  r->col = col;
  r->off = start - base;
  r->len = out->len - start;
  r->crc = sky_crc32c(0, out->data + start, out->len - start);
}

static void encode_objects(const sky_part_data *in, uint64_t *tmp, sky_buf *out) {
  for (uint64_t k = 0; k < in->n_objects; k++) tmp[k] = k == 0 ? in->obj_id[0] : in->obj_id[k] - in->obj_id[k - 1] - 1;
  sky_pfor_encode(out, tmp, in->n_objects);
  for (uint64_t k = 0; k < in->n_objects; k++) tmp[k] = in->obj_start[k + 1] - in->obj_start[k] - 1;
  sky_pfor_encode(out, tmp, in->n_objects);
}

/* First timestamp of each object as a zigzag delta from the previous
 * object's, then the in-path deltas (modular, so any int64 round-trips). */
static void encode_ts(const sky_part_data *in, uint64_t *tmp, sky_buf *out) {
  uint64_t prev = 0;
  for (uint64_t k = 0; k < in->n_objects; k++) {
    uint64_t first = (uint64_t)in->ts[in->obj_start[k]];
    tmp[k] = sky_zigzag((int64_t)(first - prev));
    prev = first;
  }
  sky_pfor_encode(out, tmp, in->n_objects);
  uint64_t j = 0;
  for (uint64_t k = 0; k < in->n_objects; k++)
    for (uint64_t i = in->obj_start[k] + 1; i < in->obj_start[k + 1]; i++)
      tmp[j++] = (uint64_t)in->ts[i] - (uint64_t)in->ts[i - 1];
  sky_pfor_encode(out, tmp, j);
}

static bool encode_action(const sky_part_data *in, uint64_t *tmp, sky_buf *out) {
  if (!in->action) return false;
  uint32_t max = 0;
  for (uint64_t i = 0; i < in->n_events; i++) {
    tmp[i] = in->action[i];
    if (in->action[i] > max) max = in->action[i];
  }
  if (max == 0) return false;
  unsigned w = sky_bit_len(max);
  sky_put_u8(out, (uint8_t)w);
  sky_bitpack(out, tmp, in->n_events, w);
  return true;
}

static int encode_prop(const sky_part_data *in, uint32_t p, sky_prop_type type, void *dense, sky_buf *out,
                       bool *written) {
  const uint8_t *pres = in->pres[p];
  *written = false;
  if (!pres) return 0;
  size_t w = sky_prop_type_width(type), n = 0;
  const char *vals = in->vals[p];
  if (in->dense) {
    for (uint64_t i = 0; i < in->n_events; i++) n += pres[i];
    dense = (void *)vals;
  } else {
    for (uint64_t i = 0; i < in->n_events; i++) {
      if (!pres[i]) continue;
      memcpy((char *)dense + n * w, vals + i * w, w);
      n++;
    }
  }
  if (n == 0) return 0;
  sky_presence_encode(out, pres, in->n_events, n);
  *written = true;
  return sky_values_encode(out, type, dense, n);
}

int sky_section_encode(const sky_part_data *in, const sky_prop_type *types, sky_buf *out, sky_section *meta) {
  meta->n_objects = in->n_objects;
  meta->n_events = in->n_events;
  meta->n_blocks = 0;
  meta->blocks = sky_calloc(3 + in->n_props, sizeof *meta->blocks);
  uint64_t n = in->n_events > in->n_objects ? in->n_events : in->n_objects;
  uint64_t *tmp = sky_malloc((n ? n : 1) * sizeof *tmp);
  void *dense = sky_malloc((n ? n : 1) * 8);
  int rc = -1;
  if (!meta->blocks || !tmp || !dense) goto out;
  size_t base = out->len, start = out->len;
  encode_objects(in, tmp, out);
  end_block(meta, out, base, start, SKY_COL_OBJECTS);
  start = out->len;
  encode_ts(in, tmp, out);
  end_block(meta, out, base, start, SKY_COL_TS);
  start = out->len;
  if (encode_action(in, tmp, out)) end_block(meta, out, base, start, SKY_COL_ACTION);
  for (uint32_t p = 0; p < in->n_props; p++) {
    start = out->len;
    bool written;
    if (encode_prop(in, p, types[p], dense, out, &written) != 0) goto out;
    if (written) end_block(meta, out, base, start, SKY_COL_PROP0 + p);
  }
  rc = out->failed ? -1 : 0;
out:
  sky_free(tmp);
  sky_free(dense);
  if (rc != 0) sky_section_free(meta);
  return rc;
}

/* ---- the file ------------------------------------------------------------ */

int sky_segw_open(sky_segw *sw, const char *path, uint64_t id, uint64_t table_uid, uint32_t n_props,
                  const sky_prop *props, sky_error *err) {
  memset(sw, 0, sizeof *sw);
  sw->fd = -1;
  sw->id = id;
  sw->table_uid = table_uid;
  sw->n_props = n_props;
  sw->path = sky_strdup(path);
  sw->types = sky_malloc(n_props ? n_props : 1);
  if (!sw->path || !sw->types) goto oom;
  for (uint32_t p = 0; p < n_props; p++) sw->types[p] = (uint8_t)props[p].type;
  if (sky_io_create(path, &sw->fd, err) != 0) goto fail;
  if (sky_io_writer_init(&sw->w, sw->fd, sw->path, 1u << 20, err) != 0) goto fail_file;
  uint32_t hdr[2] = {SKY_SEG_VERSION, 0};
  if (sky_io_writer_append(&sw->w, SKY_SEG_MAGIC, 8, err) != 0 || sky_io_writer_append(&sw->w, hdr, 8, err) != 0)
    goto fail_file;
  return 0;
oom:
  sky_error_oom(err);
  goto fail;
fail_file:
  sky_io_close(sw->fd);
  unlink(path);
  sw->fd = -1;
fail:
  sky_io_writer_free(&sw->w);
  sky_free(sw->path);
  sky_free(sw->types);
  memset(sw, 0, sizeof *sw);
  sw->fd = -1;
  return -1;
}

int sky_segw_add(sky_segw *sw, uint32_t part, const sky_buf *enc, sky_section *meta, sky_error *err) {
  void *arr = sw->sections;
  if (sky_grow(&arr, &sw->cap_sections, (size_t)sw->n_sections + 1, sizeof *sw->sections) != 0) {
    sky_section_free(meta);
    return sky_error_oom(err);
  }
  sw->sections = arr;
  uint64_t base = sky_io_writer_pos(&sw->w);
  for (uint32_t b = 0; b < meta->n_blocks; b++) meta->blocks[b].off += base;
  meta->part = part;
  sw->sections[sw->n_sections++] = *meta;
  meta->blocks = NULL;
  meta->n_blocks = 0;
  return sky_io_writer_append(&sw->w, enc->data, enc->len, err);
}

static void build_footer(const sky_segw *sw, sky_buf *f) {
  sky_put_u32(f, sw->n_props);
  sky_buf_append(f, sw->types, sw->n_props);
  sky_put_u64(f, sw->id);
  sky_put_u64(f, sw->table_uid);
  sky_put_u32(f, sw->n_sections);
  for (uint32_t s = 0; s < sw->n_sections; s++) {
    const sky_section *sec = &sw->sections[s];
    sky_put_u32(f, sec->part);
    sky_put_u64(f, sec->n_objects);
    sky_put_u64(f, sec->n_events);
    sky_put_u32(f, sec->n_blocks);
    for (uint32_t b = 0; b < sec->n_blocks; b++) {
      sky_put_u32(f, sec->blocks[b].col);
      sky_put_u32(f, sec->blocks[b].crc);
      sky_put_u64(f, sec->blocks[b].off);
      sky_put_u64(f, sec->blocks[b].len);
    }
  }
}

static void segw_free(sky_segw *sw) {
  for (uint32_t s = 0; s < sw->n_sections; s++) sky_section_free(&sw->sections[s]);
  sky_free(sw->sections);
  sky_io_writer_free(&sw->w);
  sky_free(sw->types);
  sky_free(sw->path);
  memset(sw, 0, sizeof *sw);
  sw->fd = -1;
}

int sky_segw_finish(sky_segw *sw, uint64_t *size_out, sky_error *err) {
  sky_buf f;
  sky_buf_init(&f);
  build_footer(sw, &f);
  if (f.failed || f.len > UINT32_MAX) {
    sky_buf_free(&f);
    sky_error_oom(err);
    sky_segw_abort(sw);
    return -1;
  }
  uint64_t footer_off = sky_io_writer_pos(&sw->w);
  uint32_t footer_len = (uint32_t)f.len, footer_crc = sky_crc32c(0, f.data, f.len);
  sky_put_u64(&f, footer_off);
  sky_put_u32(&f, footer_len);
  sky_put_u32(&f, footer_crc);
  sky_buf_append(&f, SKY_SEG_END_MAGIC, 8);
  int rc = f.failed ? sky_error_oom(err) : 0;
  if (rc == 0) rc = sky_io_writer_append(&sw->w, f.data, f.len, err);
  if (rc == 0) rc = sky_io_writer_flush(&sw->w, err);
  if (rc == 0) rc = sky_io_fsync(sw->fd, sw->path, err);
  if (rc == 0 && size_out) *size_out = sky_io_writer_pos(&sw->w);
  sky_buf_free(&f);
  if (rc != 0) {
    sky_segw_abort(sw);
    return -1;
  }
  sky_io_close(sw->fd);
  segw_free(sw);
  return 0;
}

void sky_segw_abort(sky_segw *sw) {
  if (sw->fd >= 0) {
    sky_io_close(sw->fd);
    if (sw->path) unlink(sw->path);
  }
  segw_free(sw);
}
