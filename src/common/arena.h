/* arena.h — per-statement bump allocator.
 *
 * The AST, the plan, literal strings and IR names of one statement live in
 * one arena and are freed together by sky_arena_free(). Allocations are
 * 16-byte aligned and never freed one by one. Out of memory returns NULL.
 */
#ifndef SKY_COMMON_ARENA_H
#define SKY_COMMON_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sky_arena_chunk sky_arena_chunk;

typedef struct sky_arena {
  sky_arena_chunk *head;
  size_t used;  /* bytes used in head */
  size_t total; /* bytes handed out, for statistics and limits */
} sky_arena;

void sky_arena_init(sky_arena *a);
void sky_arena_free(sky_arena *a);
void *sky_arena_alloc(sky_arena *a, size_t n);   /* uninitialized */
void *sky_arena_calloc(sky_arena *a, size_t n);  /* zeroed */
char *sky_arena_strndup(sky_arena *a, const char *s, size_t n);
char *sky_arena_printf(sky_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
