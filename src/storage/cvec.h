/* cvec.h — a chunked array whose elements never move.
 *
 * Chunk k holds 1024 << k elements, so 40 chunk pointers cover any size and
 * growing never copies. This is what lets readers index the in-memory table
 * and the string dictionaries while one writer appends: a reader only
 * touches indexes below a count it read after the writer published it (with
 * release/acquire or under a mutex), and those elements and their chunk
 * pointers were written before the count.
 */
#ifndef SKY_STORAGE_CVEC_H
#define SKY_STORAGE_CVEC_H

#include <stddef.h>
#include <stdint.h>

#define SKY_CVEC_SHIFT 10
#define SKY_CVEC_CHUNKS 40

typedef struct sky_cvec {
  size_t elem;                    /* bytes per element */
  size_t cap;                     /* elements the allocated chunks hold */
  void *chunks[SKY_CVEC_CHUNKS];
} sky_cvec;

void sky_cvec_init(sky_cvec *v, size_t elem);
void sky_cvec_free(sky_cvec *v);
/* Makes indexes [0, n) addressable; new chunks are zeroed. -1 when out of memory. */
int sky_cvec_reserve(sky_cvec *v, size_t n);

static inline void *sky_cvec_at(const sky_cvec *v, size_t i) {
  size_t j = i + ((size_t)1 << SKY_CVEC_SHIFT);
  unsigned k = 63u - (unsigned)__builtin_clzll((unsigned long long)j) - SKY_CVEC_SHIFT;
  size_t off = j - ((size_t)1 << (k + SKY_CVEC_SHIFT));
  return (char *)v->chunks[k] + off * v->elem;
}

#endif
