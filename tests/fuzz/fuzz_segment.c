/* fuzz_segment.c — fuzz harness of the segment file reader: the input is
 * written as a segment file, mapped with sky_segment_open, and every column
 * of every section is decoded. Any input must give a broken segment or
 * decode errors, never a crash, a hang or an out-of-bounds access. When
 * the first input byte is odd, the harness first re-seals the block and
 * footer checksums of a copy, so that mutations reach the decoders instead
 * of stopping at a checksum. The corpus holds small valid segments
 * (tests/fuzz/corpus/fuzz_segment). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/crc32c.h"
#include "storage/segment.h"

static void decode_all(const sky_segment *seg) {
  for (uint32_t i = 0; i < seg->n_sections; i++) {
    const sky_section *sec = &seg->sections[i];
    sky_error err;
    uint64_t n_obj = sec->n_objects, n_ev = sec->n_events;
    if (n_ev > (1u << 24)) continue; /* the footer may claim anything; stay within memory */
    uint64_t *obj = malloc(n_obj * 8 + 8), *start = malloc(n_obj * 8 + 16);
    int64_t *ts = malloc(n_ev * 8 + 8);
    uint32_t *act = malloc(n_ev * 4 + 4);
    uint8_t *vals = calloc(n_ev + 1, 8), *pres = malloc(n_ev + 1);
    if (sky_seg_decode_objects(seg, sec, obj, start, &err) == 0) sky_seg_decode_ts(seg, sec, start, ts, &err);
    sky_seg_decode_action(seg, sec, UINT32_MAX, act, &err);
    for (uint32_t p = 0; p < seg->n_props && p < 8; p++) {
      memset(vals, 0, n_ev * 8 + 8);
      sky_seg_decode_prop(seg, sec, p, (sky_prop_type)seg->types[p], UINT32_MAX, vals, pres, &err);
    }
    free(obj), free(start), free(ts), free(act), free(vals), free(pres);
  }
}

/* Recomputes the checksums that the footer layout lets us find. */
static void reseal(uint8_t *d, size_t size) {
  if (size < 40) return;
  uint64_t foff;
  uint32_t flen;
  memcpy(&foff, d + size - 24, 8);
  memcpy(&flen, d + size - 16, 4);
  if (foff > size - 24 || flen != size - 24 - foff) return;
  uint8_t *f = d + foff, *end = f + flen;
  uint32_t n_props;
  if (end - f < 4) return;
  memcpy(&n_props, f, 4);
  if (n_props > 1024 || (size_t)(end - f) < 4 + n_props + 20) return;
  uint8_t *p = f + 4 + n_props + 16;
  uint32_t n_sec;
  memcpy(&n_sec, p, 4);
  p += 4;
  for (uint32_t i = 0; i < n_sec && i < 64 && end - p >= 24; i++) {
    uint32_t n_blocks;
    memcpy(&n_blocks, p + 20, 4);
    p += 24;
    for (uint32_t b = 0; b < n_blocks && end - p >= 24; b++, p += 24) {
      uint64_t off, len;
      memcpy(&off, p + 8, 8);
      memcpy(&len, p + 16, 8);
      if (off > foff || len > foff - off) continue;
      uint32_t crc = sky_crc32c(0, d + off, (size_t)len);
      memcpy(p + 4, &crc, 4);
    }
  }
  uint32_t fcrc = sky_crc32c(0, f, flen);
  memcpy(d + size - 12, &fcrc, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size) {
  uint8_t *data = malloc(size ? size : 1);
  if (!data) return 0;
  if (size) memcpy(data, in, size);
  if (size && (in[0] & 1)) reseal(data, size);
  char path[] = "/tmp/sky-fuzz-segment-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) {
    free(data);
    return 0;
  }
  if (write(fd, data, size) != (ssize_t)size) {
    close(fd);
    unlink(path);
    free(data);
    return 0;
  }
  close(fd);
  /* The id must match the footer's; take it from the footer when present. */
  uint64_t id = 1;
  if (size >= 24) {
    uint64_t footer_off;
    memcpy(&footer_off, data + size - 24, 8);
    if (footer_off < size && size - footer_off >= 4) {
      uint32_t n_props;
      memcpy(&n_props, data + footer_off, 4);
      if (n_props <= 1024 && footer_off + 4 + n_props + 8 <= size) memcpy(&id, data + footer_off + 4 + n_props, 8);
    }
  }
  sky_error err;
  sky_segment *seg = sky_segment_open(path, id, &err);
  if (seg && !seg->broken) decode_all(seg);
  sky_segment_unref(seg);
  unlink(path);
  free(data);
  return 0;
}
