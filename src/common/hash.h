/* hash.h — small, fast 64-bit hashing for hash tables (group keys, string
 * interning, distinct sets). Not for anything adversarial or persistent.
 *
 * The mix and the combine are written once, as data (the steps and
 * constants below): the C functions here run them, and the JIT emits the
 * same steps as IR for the group keys of compiled scans (jit_agg.c), so the
 * two can never disagree. The C loop is unrolled (the pragma) and its
 * constant steps fold into plain shifts and multiplies. */
#ifndef SKY_COMMON_HASH_H
#define SKY_COMMON_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* One step of the mix: x ^= x >> k, or x *= k. */
typedef struct sky_hash_step {
  bool mul;
  uint64_t k;
} sky_hash_step;

/* The mix: splitmix64's finalizer. */
#define SKY_HASH_MIX_STEPS 5
static const sky_hash_step sky_hash_mix_steps[SKY_HASH_MIX_STEPS] = {
    {false, 30}, {true, 0xbf58476d1ce4e5b9ULL}, {false, 27}, {true, 0x94d049bb133111ebULL}, {false, 31}};

/* The combine: mix(h ^ (v + ADD + (h << SHL) + (h >> SHR))). */
#define SKY_HASH_COMBINE_ADD 0x9e3779b97f4a7c15ULL
#define SKY_HASH_COMBINE_SHL 6
#define SKY_HASH_COMBINE_SHR 2

/* A strong 64-bit mix. */
static inline uint64_t sky_hash_u64(uint64_t x) {
#pragma GCC unroll 8
  for (int i = 0; i < SKY_HASH_MIX_STEPS; i++) {
    const sky_hash_step s = sky_hash_mix_steps[i];
    x = s.mul ? x * s.k : x ^ (x >> s.k);
  }
  return x;
}

/* Combines a running hash with one more 64-bit word. */
static inline uint64_t sky_hash_combine(uint64_t h, uint64_t v) {
  return sky_hash_u64(h ^ (v + SKY_HASH_COMBINE_ADD + (h << SKY_HASH_COMBINE_SHL) + (h >> SKY_HASH_COMBINE_SHR)));
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
