/* codec.h — the integer and column codecs of segment files (docs/FORMAT.md,
 * "Codecs"): LEB128 varints, zigzag, fixed-width bit packing, PFor (bit
 * packing in blocks of 128 values with patched exceptions), presence
 * encodings and value encodings per property type.
 *
 * Encoders append to a sky_buf (out of memory shows as buf->failed).
 * Decoders read through a sky_rd cursor that never reads past its end: any
 * malformed input sets rd->bad and the decoder returns -1, so a corrupt
 * block whose checksum happens to match still cannot crash a reader.
 */
#ifndef SKY_STORAGE_CODEC_H
#define SKY_STORAGE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "storage/schema.h"

#define SKY_PFOR_BLOCK 128

typedef struct sky_rd {
  const uint8_t *p;
  const uint8_t *end;
  bool bad;
} sky_rd;

static inline void sky_rd_init(sky_rd *r, const void *data, size_t len) {
  r->p = data;
  r->end = r->p + len;
  r->bad = false;
}

static inline uint64_t sky_zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int64_t sky_unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

/* Number of significant bits of v (0 for 0). */
static inline unsigned sky_bit_len(uint64_t v) { return v ? 64u - (unsigned)__builtin_clzll(v) : 0u; }

void sky_put_uvarint(sky_buf *b, uint64_t v);
void sky_put_u8(sky_buf *b, uint8_t v);
void sky_put_u32(sky_buf *b, uint32_t v); /* little-endian */
void sky_put_u64(sky_buf *b, uint64_t v);
uint64_t sky_rd_uvarint(sky_rd *r);
uint8_t sky_rd_u8(sky_rd *r);
uint32_t sky_rd_u32(sky_rd *r);
uint64_t sky_rd_u64(sky_rd *r);
/* Advances over n bytes and returns where they start (NULL and bad when
 * fewer remain). */
const uint8_t *sky_rd_bytes(sky_rd *r, size_t n);

/* Bit packing: value i occupies bits [i*w, (i+1)*w) of a little-endian bit
 * stream of ceil(n*w/8) bytes. Values must fit in w bits (w in 0..64). */
void sky_bitpack(sky_buf *b, const uint64_t *v, size_t n, unsigned w);
int sky_bitunpack(sky_rd *r, uint64_t *out, size_t n, unsigned w);
/* The same into 32-bit values (w <= 32). */
int sky_bitunpack32(sky_rd *r, uint32_t *out, size_t n, unsigned w);

/* PFor: n values in blocks of 128; each block picks the width w that
 * minimizes its size, values wider than w keep their low w bits in the
 * packed array and their high bits as exceptions. */
void sky_pfor_encode(sky_buf *b, const uint64_t *v, size_t n);
int sky_pfor_decode(sky_rd *r, uint64_t *out, size_t n);

/* Presence of a column over n events: a mode byte (ALL, BITMAP, SPARSE)
 * then its data. `n_present` is the number of ones. */
enum { SKY_PRES_ALL = 1, SKY_PRES_BITMAP = 2, SKY_PRES_SPARSE = 3 };
void sky_presence_encode(sky_buf *b, const uint8_t *present, size_t n, size_t n_present);
/* Fills present[0..n) and *n_present. */
int sky_presence_decode(sky_rd *r, uint8_t *present, size_t n, size_t *n_present);

/* Values of the present events of one column, `n` of them, packed densely.
 * INT: int64, FLOAT: double, BOOL: uint8, STRING: uint32 codes. FLOAT
 * columns whose values are all exact decimals with at most 9 fraction
 * digits are stored as scaled integers. */
int sky_values_encode(sky_buf *b, sky_prop_type type, const void *vals, size_t n);
int sky_values_decode(sky_rd *r, sky_prop_type type, void *vals, size_t n);

/* Smallest decimal scale s (0..9) with v == (double)llround(v*10^s)/10^s
 * bit for bit for every value (so the scaled integers read back exactly),
 * or -1 when there is none. */
int sky_decimal_scale(const double *v, size_t n);

#endif
