/* codec.c — varints, bit packing, PFor, presence and value encodings; see
 * codec.h and docs/FORMAT.md. The host is little-endian (x86-64, arm64);
 * the format is little-endian too, so fixed-width fields are memcpy'd. */
#include "storage/codec.h"

#include <math.h>
#include <string.h>

#include "common/alloc.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "storage codecs assume a little-endian host"
#endif

/* ---- scalars ------------------------------------------------------------ */

void sky_put_uvarint(sky_buf *b, uint64_t v) {
  uint8_t tmp[10];
  size_t n = 0;
  while (v >= 0x80) {
    tmp[n++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  tmp[n++] = (uint8_t)v;
  sky_buf_append(b, tmp, n);
}

void sky_put_u8(sky_buf *b, uint8_t v) { sky_buf_append(b, &v, 1); }
void sky_put_u32(sky_buf *b, uint32_t v) { sky_buf_append(b, &v, 4); }
void sky_put_u64(sky_buf *b, uint64_t v) { sky_buf_append(b, &v, 8); }

uint64_t sky_rd_uvarint(sky_rd *r) {
  uint64_t v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (r->p >= r->end) break;
    uint8_t byte = *r->p++;
    if (shift == 63 && byte > 1) break; /* more than 64 bits */
    v |= (uint64_t)(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return v;
  }
  r->bad = true;
  r->p = r->end;
  return 0;
}

const uint8_t *sky_rd_bytes(sky_rd *r, size_t n) {
  if (n == 0) return r->p ? r->p : (const uint8_t *)""; /* never NULL on success */
  if ((size_t)(r->end - r->p) < n) {
    r->bad = true;
    r->p = r->end;
    return NULL;
  }
  const uint8_t *p = r->p;
  r->p += n;
  return p;
}

uint8_t sky_rd_u8(sky_rd *r) {
  const uint8_t *p = sky_rd_bytes(r, 1);
  return p ? *p : 0;
}

uint32_t sky_rd_u32(sky_rd *r) {
  uint32_t v = 0;
  const uint8_t *p = sky_rd_bytes(r, 4);
  if (p) memcpy(&v, p, 4);
  return v;
}

uint64_t sky_rd_u64(sky_rd *r) {
  uint64_t v = 0;
  const uint8_t *p = sky_rd_bytes(r, 8);
  if (p) memcpy(&v, p, 8);
  return v;
}

/* ---- bit packing ---------------------------------------------------------- */

void sky_bitpack(sky_buf *b, const uint64_t *v, size_t n, unsigned w) {
  size_t nbytes = (n * w + 7) / 8;
  if (w == 0 || n == 0) return;
  if (!sky_buf_reserve(b, nbytes + 8)) return;
  uint8_t *out = (uint8_t *)b->data + b->len;
  if (w == 64) {
    memcpy(out, v, nbytes);
  } else {
    /* Bits accumulate in a register, written out a word at a time. */
    uint64_t acc = 0;
    unsigned fill = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
      uint64_t x = v[i];
      acc |= x << fill;
      fill += w;
      if (fill >= 64) {
        memcpy(out + o, &acc, 8);
        o += 8;
        fill -= 64;
        acc = fill ? x >> (w - fill) : 0;
      }
    }
    memcpy(out + o, &acc, (fill + 7) / 8);
  }
  b->len += nbytes;
  b->data[b->len] = '\0';
}

/* Unpacks values [i, n) of width w from p (nbytes long) into out, as T. */
#define UNPACK_BODY(T)                                                                 \
  uint64_t mask = w == 64 ? ~UINT64_C(0) : (UINT64_C(1) << w) - 1;                     \
  size_t bit = 0, i = 0;                                                               \
  if (w <= 56) { /* one unaligned word holds every value: no branch per value */       \
    for (; i < n && (bit >> 3) + 8 <= nbytes; i++, bit += w) {                         \
      uint64_t x;                                                                      \
      memcpy(&x, p + (bit >> 3), 8);                                                   \
      out[i] = (T)((x >> (bit & 7)) & mask);                                           \
    }                                                                                  \
  }                                                                                    \
  for (; i < n; i++, bit += w) {                                                       \
    size_t byte = bit >> 3;                                                            \
    unsigned sh = (unsigned)(bit & 7);                                                 \
    unsigned __int128 acc = 0;                                                         \
    size_t need = (sh + w + 7) / 8;                                                    \
    for (size_t k = 0; k < need && byte + k < nbytes; k++)                             \
      acc |= (unsigned __int128)p[byte + k] << (8 * k);                                \
    out[i] = (T)((uint64_t)(acc >> sh) & mask);                                        \
  }

int sky_bitunpack(sky_rd *r, uint64_t *out, size_t n, unsigned w) {
  if (w > 64 || (w && n > SIZE_MAX / 64)) {
    r->bad = true;
    return -1;
  }
  size_t nbytes = (n * w + 7) / 8;
  const uint8_t *p = sky_rd_bytes(r, nbytes);
  if (!p) return -1;
  if (w == 0) {
    memset(out, 0, n * sizeof *out);
    return 0;
  }
  UNPACK_BODY(uint64_t)
  return 0;
}

int sky_bitunpack32(sky_rd *r, uint32_t *out, size_t n, unsigned w) {
  if (w > 32 || (w && n > SIZE_MAX / 64)) {
    r->bad = true;
    return -1;
  }
  size_t nbytes = (n * w + 7) / 8;
  const uint8_t *p = sky_rd_bytes(r, nbytes);
  if (!p) return -1;
  if (w == 0) {
    memset(out, 0, n * sizeof *out);
    return 0;
  }
  UNPACK_BODY(uint32_t)
  return 0;
}

/* ---- PFor ------------------------------------------------------------------ */

static unsigned uvarint_len(uint64_t v) { return v ? (sky_bit_len(v) + 6) / 7 : 1; }

/* The width minimizing the block's size in bits, from a histogram of the
 * values' bit lengths. */
static unsigned pfor_width(const uint32_t hist[65], unsigned max_bl, size_t m) {
  unsigned best = max_bl;
  uint64_t best_cost = (uint64_t)m * max_bl;
  size_t exc = 0;
  for (unsigned b = max_bl; b-- > 0;) {
    exc += hist[b + 1];
    if (exc > m / 2) break;
    uint64_t cost = (uint64_t)m * b + 8u * uvarint_len(exc);
    for (unsigned bl = b + 1; bl <= max_bl; bl++)
      if (hist[bl]) cost += (uint64_t)hist[bl] * 8u * (1u + (bl - b + 6) / 7);
    if (cost < best_cost) {
      best_cost = cost;
      best = b;
    }
  }
  return best;
}

void sky_pfor_encode(sky_buf *b, const uint64_t *v, size_t n) {
  uint64_t low[SKY_PFOR_BLOCK];
  for (size_t start = 0; start < n; start += SKY_PFOR_BLOCK) {
    size_t m = n - start < SKY_PFOR_BLOCK ? n - start : SKY_PFOR_BLOCK;
    const uint64_t *blk = v + start;
    uint32_t hist[65] = {0};
    unsigned max_bl = 0;
    for (size_t i = 0; i < m; i++) {
      unsigned bl = sky_bit_len(blk[i]);
      hist[bl]++;
      if (bl > max_bl) max_bl = bl;
    }
    unsigned w = pfor_width(hist, max_bl, m);
    size_t exc = 0;
    for (unsigned bl = w + 1; bl <= max_bl; bl++) exc += hist[bl];
    sky_put_u8(b, (uint8_t)(w | (exc ? 0x80 : 0)));
    if (!exc) {
      sky_bitpack(b, blk, m, w);
      continue;
    }
    uint64_t mask = w == 64 ? ~UINT64_C(0) : (UINT64_C(1) << w) - 1;
    for (size_t i = 0; i < m; i++) low[i] = blk[i] & mask;
    sky_bitpack(b, low, m, w);
    sky_put_uvarint(b, exc);
    for (size_t i = 0; i < m; i++) {
      if (sky_bit_len(blk[i]) > w) {
        sky_put_u8(b, (uint8_t)i);
        sky_put_uvarint(b, blk[i] >> w);
      }
    }
  }
}

int sky_pfor_decode(sky_rd *r, uint64_t *out, size_t n) {
  for (size_t start = 0; start < n; start += SKY_PFOR_BLOCK) {
    size_t m = n - start < SKY_PFOR_BLOCK ? n - start : SKY_PFOR_BLOCK;
    uint8_t hdr = sky_rd_u8(r);
    unsigned w = hdr & 0x7f;
    if (r->bad || w > 64 || sky_bitunpack(r, out + start, m, w) != 0) goto bad;
    if (!(hdr & 0x80)) continue;
    uint64_t exc = sky_rd_uvarint(r);
    if (r->bad || exc == 0 || exc > m || w == 64) goto bad;
    for (uint64_t k = 0; k < exc; k++) {
      uint8_t idx = sky_rd_u8(r);
      uint64_t high = sky_rd_uvarint(r);
      if (r->bad || idx >= m || (w && (high >> (64 - w)) != 0)) goto bad;
      out[start + idx] |= high << w;
    }
  }
  return 0;
bad:
  r->bad = true;
  return -1;
}

/* ---- presence ------------------------------------------------------------- */

static void sparse_encode(sky_buf *b, const uint8_t *present, size_t n, size_t n_present) {
  uint64_t *gaps = n_present ? sky_malloc(n_present * sizeof *gaps) : NULL;
  if (n_present && !gaps) {
    b->failed = true;
    return;
  }
  size_t k = 0, prev = 0;
  for (size_t i = 0; i < n; i++) {
    if (!present[i]) continue;
    gaps[k] = k == 0 ? i : i - prev - 1;
    k++;
    prev = i;
  }
  sky_put_u8(b, SKY_PRES_SPARSE);
  sky_put_uvarint(b, n_present);
  sky_pfor_encode(b, gaps, n_present);
  sky_free(gaps);
}

void sky_presence_encode(sky_buf *b, const uint8_t *present, size_t n, size_t n_present) {
  if (n_present == n) {
    sky_put_u8(b, SKY_PRES_ALL);
    return;
  }
  size_t bitmap_bytes = (n + 7) / 8;
  if (n_present < n / 8) {
    size_t mark = b->len;
    sparse_encode(b, present, n, n_present);
    if (b->failed || b->len - mark <= bitmap_bytes + 1) return;
    b->len = mark; /* the bitmap is smaller after all */
  }
  sky_put_u8(b, SKY_PRES_BITMAP);
  if (!sky_buf_reserve(b, bitmap_bytes)) return;
  uint8_t *out = (uint8_t *)b->data + b->len;
  memset(out, 0, bitmap_bytes);
  for (size_t i = 0; i < n; i++)
    if (present[i]) out[i >> 3] |= (uint8_t)(1u << (i & 7));
  b->len += bitmap_bytes;
  b->data[b->len] = '\0';
}

int sky_presence_decode(sky_rd *r, uint8_t *present, size_t n, size_t *n_present) {
  uint8_t mode = sky_rd_u8(r);
  if (mode == SKY_PRES_ALL) {
    memset(present, 1, n);
    *n_present = n;
    return r->bad ? -1 : 0;
  }
  if (mode == SKY_PRES_BITMAP) {
    const uint8_t *bits = sky_rd_bytes(r, (n + 7) / 8);
    if (!bits) return -1;
    size_t cnt = 0;
    for (size_t i = 0; i < n; i++) {
      present[i] = (bits[i >> 3] >> (i & 7)) & 1;
      cnt += present[i];
    }
    *n_present = cnt;
    return 0;
  }
  if (mode != SKY_PRES_SPARSE) {
    r->bad = true;
    return -1;
  }
  uint64_t cnt = sky_rd_uvarint(r);
  if (r->bad || cnt > n) {
    r->bad = true;
    return -1;
  }
  uint64_t *gaps = cnt ? sky_malloc(cnt * sizeof *gaps) : NULL;
  if (cnt && !gaps) return -2; /* out of memory, not corruption */
  int rc = sky_pfor_decode(r, gaps, cnt);
  memset(present, 0, n);
  uint64_t pos = 0;
  for (uint64_t k = 0; rc == 0 && k < cnt; k++) {
    uint64_t at = k == 0 ? gaps[0] : pos + 1 + gaps[k];
    if (at >= n || (k && at <= pos)) {
      r->bad = true;
      rc = -1;
      break;
    }
    present[at] = 1;
    pos = at;
  }
  sky_free(gaps);
  *n_present = cnt;
  return rc;
}

/* ---- values ---------------------------------------------------------------- */

static const double g_pow10[10] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

int sky_decimal_scale(const double *v, size_t n) {
  for (int s = 0; s < 10; s++) {
    size_t i = 0;
    for (; i < n; i++) {
      double x = v[i] * g_pow10[s];
      if (!(fabs(x) < 9007199254740992.0)) return -1; /* NaN, infinite, or beyond 2^53 */
      double back = (double)llround(x) / g_pow10[s];
      if (memcmp(&back, &v[i], sizeof back) != 0) break;
    }
    if (i == n) return s;
  }
  return -1;
}

/* Integers (as uint64 words): frame of reference (the minimum, as a signed
 * zigzag varint) plus PFor of the offsets. */
static void ints_encode(sky_buf *b, const uint64_t *w, size_t n, bool is_signed) {
  uint64_t min = 0;
  for (size_t i = 0; i < n; i++) {
    bool less = is_signed ? (int64_t)w[i] < (int64_t)min : w[i] < min;
    if (i == 0 || less) min = w[i];
  }
  sky_put_uvarint(b, sky_zigzag((int64_t)min));
  uint64_t *off = n ? sky_malloc(n * sizeof *off) : NULL;
  if (n && !off) {
    b->failed = true;
    return;
  }
  for (size_t i = 0; i < n; i++) off[i] = w[i] - min;
  sky_pfor_encode(b, off, n);
  sky_free(off);
}

static int ints_decode(sky_rd *r, uint64_t *w, size_t n) {
  uint64_t min = (uint64_t)sky_unzigzag(sky_rd_uvarint(r));
  if (r->bad || sky_pfor_decode(r, w, n) != 0) return -1;
  for (size_t i = 0; i < n; i++) w[i] += min;
  return 0;
}

int sky_values_encode(sky_buf *b, sky_prop_type type, const void *vals, size_t n) {
  if (type == SKY_PTYPE_BOOL) {
    uint64_t *bits = n ? sky_malloc(n * sizeof *bits) : NULL;
    if (n && !bits) return -1;
    for (size_t i = 0; i < n; i++) bits[i] = ((const uint8_t *)vals)[i] ? 1 : 0;
    sky_bitpack(b, bits, n, 1);
    sky_free(bits);
    return b->failed ? -1 : 0;
  }
  if (type == SKY_PTYPE_STRING) {
    uint64_t *w = n ? sky_malloc(n * sizeof *w) : NULL;
    if (n && !w) return -1;
    for (size_t i = 0; i < n; i++) w[i] = ((const uint32_t *)vals)[i];
    ints_encode(b, w, n, false);
    sky_free(w);
    return b->failed ? -1 : 0;
  }
  if (type == SKY_PTYPE_INT) {
    sky_put_u8(b, 0);
    ints_encode(b, vals, n, true);
    return b->failed ? -1 : 0;
  }
  const double *d = vals;
  int scale = sky_decimal_scale(d, n);
  if (scale < 0) {
    sky_put_u8(b, 0); /* raw IEEE doubles */
    sky_buf_append(b, d, n * sizeof *d);
    return b->failed ? -1 : 0;
  }
  uint64_t *w = n ? sky_malloc(n * sizeof *w) : NULL;
  if (n && !w) return -1;
  for (size_t i = 0; i < n; i++) w[i] = (uint64_t)llround(d[i] * g_pow10[scale]);
  sky_put_u8(b, 1);
  sky_put_u8(b, (uint8_t)scale);
  ints_encode(b, w, n, true);
  sky_free(w);
  return b->failed ? -1 : 0;
}

int sky_values_decode(sky_rd *r, sky_prop_type type, void *vals, size_t n) {
  if (type == SKY_PTYPE_BOOL) {
    uint8_t *out = vals;
    const uint8_t *bits = sky_rd_bytes(r, (n + 7) / 8);
    if (!bits) return -1;
    for (size_t i = 0; i < n; i++) out[i] = (bits[i >> 3] >> (i & 7)) & 1;
    return 0;
  }
  if (type == SKY_PTYPE_STRING) {
    uint64_t *w = n ? sky_malloc(n * sizeof *w) : NULL;
    if (n && !w) return -2;
    int rc = ints_decode(r, w, n);
    uint32_t *out = vals;
    for (size_t i = 0; rc == 0 && i < n; i++) {
      if (w[i] == 0 || w[i] > UINT32_MAX) {
        r->bad = true;
        rc = -1;
      } else {
        out[i] = (uint32_t)w[i];
      }
    }
    sky_free(w);
    return rc;
  }
  uint8_t mode = sky_rd_u8(r);
  if (r->bad) return -1;
  if (type == SKY_PTYPE_INT) {
    if (mode != 0) goto bad;
    return ints_decode(r, vals, n);
  }
  if (mode == 0) {
    const uint8_t *raw = sky_rd_bytes(r, n * sizeof(double));
    if (!raw) return -1;
    memcpy(vals, raw, n * sizeof(double));
    return 0;
  }
  if (mode != 1) goto bad;
  uint8_t scale = sky_rd_u8(r);
  if (r->bad || scale > 9) goto bad;
  /* Decode the scaled integers in place: int64 and double have one size. */
  if (ints_decode(r, vals, n) != 0) return -1;
  double *d = vals;
  const int64_t *iv = vals;
  for (size_t i = 0; i < n; i++) d[i] = (double)iv[i] / g_pow10[scale];
  return 0;
bad:
  r->bad = true;
  return -1;
}
