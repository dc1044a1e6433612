/* alloc.h — the one wrapper around the process allocator.
 *
 * jemalloc is linked as the process malloc (except in sanitizer builds, which
 * need the system allocator). Every allocation in libsky goes through these
 * functions so that there is one place for statistics and for test-time
 * allocation failure: sky_alloc_fail_after(n) makes the n-th next allocation
 * (and every later one, until reset) return NULL, which callers must turn
 * into an `out_of_memory` error, never a crash.
 */
#ifndef SKY_COMMON_ALLOC_H
#define SKY_COMMON_ALLOC_H

#include <stddef.h>
#include <stdint.h>

void *sky_malloc(size_t n);
void *sky_calloc(size_t count, size_t size);
void *sky_realloc(void *p, size_t n);
void sky_free(void *p);
/* NUL-terminated copies; NULL when out of memory. */
char *sky_strdup(const char *s);
char *sky_strndup(const char *s, size_t n);

/* Growth helper: makes `*arr` hold at least `need` elements of `elem` bytes,
 * growing capacity geometrically. Returns 0, or -1 when out of memory (the
 * array is then unchanged). */
int sky_grow(void **arr, size_t *cap, size_t need, size_t elem);

/* Test hook: fail allocations starting with the n-th next one (n >= 1);
 * n = 0 turns failure injection off. Process-wide. */
void sky_alloc_fail_after(uint64_t n);
/* Number of allocations made since start (for allocation-failure loops). */
uint64_t sky_alloc_count(void);

#endif
