/* arena.c — chunked bump allocator; see arena.h. Chunks grow from 4 KiB to
 * 1 MiB; a request larger than a chunk gets a chunk of its own. */
#include "common/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/alloc.h"

struct sky_arena_chunk {
  sky_arena_chunk *next;
  size_t size;
  _Alignas(16) unsigned char data[];
};

void sky_arena_init(sky_arena *a) { memset(a, 0, sizeof *a); }

void sky_arena_free(sky_arena *a) {
  sky_arena_chunk *c = a->head;
  while (c) {
    sky_arena_chunk *next = c->next;
    sky_free(c);
    c = next;
  }
  memset(a, 0, sizeof *a);
}

void *sky_arena_alloc(sky_arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  if (n == 0) n = 16;
  if (!a->head || a->used + n > a->head->size) {
    size_t size = a->head ? a->head->size * 2 : 4096;
    if (size > (1u << 20)) size = 1u << 20;
    if (size < n) size = n;
    sky_arena_chunk *c = sky_malloc(sizeof *c + size);
    if (!c) return NULL;
    c->size = size;
    c->next = a->head;
    a->head = c;
    a->used = 0;
  }
  void *p = a->head->data + a->used;
  a->used += n;
  a->total += n;
  return p;
}

void *sky_arena_calloc(sky_arena *a, size_t n) {
  void *p = sky_arena_alloc(a, n);
  if (p) memset(p, 0, n);
  return p;
}

char *sky_arena_strndup(sky_arena *a, const char *s, size_t n) {
  char *d = sky_arena_alloc(a, n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *sky_arena_printf(sky_arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return NULL;
  char *d = sky_arena_alloc(a, (size_t)n + 1);
  if (!d) return NULL;
  va_start(ap, fmt);
  vsnprintf(d, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return d;
}
