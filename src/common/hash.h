/* hash.h — small, fast 64-bit hashing for hash tables (group keys, string
 * interning, distinct sets). Not for anything adversarial or persistent. */
#ifndef SKY_COMMON_HASH_H
#define SKY_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A strong 64-bit mix (splitmix64 finalizer). */
static inline uint64_t sky_hash_u64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/* Combines a running hash with one more 64-bit word. */
static inline uint64_t sky_hash_combine(uint64_t h, uint64_t v) {
  return sky_hash_u64(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
}

/* Hash of a byte string. */
static inline uint64_t sky_hash_bytes(const void *data, size_t len) {
  const unsigned char *p = data;
  uint64_t h = 0x84222325cbf29ce4ULL ^ (uint64_t)len;
  while (len >= 8) {
    uint64_t v;
    memcpy(&v, p, 8);
    h = (h ^ sky_hash_u64(v)) * 0x100000001b3ULL;
    p += 8;
    len -= 8;
  }
  uint64_t tail = 0;
  memcpy(&tail, p, len);
  return sky_hash_u64(h ^ tail);
}

#endif
