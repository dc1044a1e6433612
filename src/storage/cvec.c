/* cvec.c — chunked arrays; see cvec.h. */
#include "storage/cvec.h"

#include <string.h>

#include "common/alloc.h"

void sky_cvec_init(sky_cvec *v, size_t elem) {
  memset(v, 0, sizeof *v);
  v->elem = elem;
}

void sky_cvec_free(sky_cvec *v) {
  for (unsigned k = 0; k < SKY_CVEC_CHUNKS; k++) sky_free(v->chunks[k]);
  memset(v->chunks, 0, sizeof v->chunks);
  v->cap = 0;
}

int sky_cvec_reserve(sky_cvec *v, size_t n) {
  while (v->cap < n) {
    size_t j = v->cap + ((size_t)1 << SKY_CVEC_SHIFT);
    unsigned k = 63u - (unsigned)__builtin_clzll((unsigned long long)j) - SKY_CVEC_SHIFT;
    if (k >= SKY_CVEC_CHUNKS) return -1;
    size_t count = (size_t)1 << (k + SKY_CVEC_SHIFT);
    void *c = sky_calloc(count, v->elem);
    if (!c) return -1;
    v->chunks[k] = c;
    v->cap += count;
  }
  return 0;
}
