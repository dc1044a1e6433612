/* alloc.c — allocation wrapper with counting and failure injection.
 * See alloc.h. The counters are relaxed atomics: they are test aids, not
 * synchronization. */
#include "common/alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static _Atomic uint64_t g_alloc_count;
static _Atomic uint64_t g_fail_at; /* 0 = never fail */

static int should_fail(void) {
  uint64_t n = atomic_fetch_add_explicit(&g_alloc_count, 1, memory_order_relaxed) + 1;
  uint64_t at = atomic_load_explicit(&g_fail_at, memory_order_relaxed);
  return at != 0 && n >= at;
}

void sky_alloc_fail_after(uint64_t n) {
  uint64_t now = atomic_load_explicit(&g_alloc_count, memory_order_relaxed);
  atomic_store_explicit(&g_fail_at, n ? now + n : 0, memory_order_relaxed);
}

uint64_t sky_alloc_count(void) { return atomic_load_explicit(&g_alloc_count, memory_order_relaxed); }

void *sky_malloc(size_t n) { return should_fail() ? NULL : malloc(n ? n : 1); }

void *sky_calloc(size_t count, size_t size) {
  return should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *sky_realloc(void *p, size_t n) { return should_fail() ? NULL : realloc(p, n ? n : 1); }

void sky_free(void *p) { free(p); }

char *sky_strndup(const char *s, size_t n) {
  char *d = sky_malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *sky_strdup(const char *s) { return sky_strndup(s, strlen(s)); }

int sky_grow(void **arr, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t ncap = *cap ? *cap : 8;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2 / elem) return -1;
    ncap *= 2;
  }
  void *p = sky_realloc(*arr, ncap * elem);
  if (!p) return -1;
  *arr = p;
  *cap = ncap;
  return 0;
}
