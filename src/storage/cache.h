/* cache.h — the store-wide cache of decoded partitions, bounded in bytes,
 * least recently used first out, entries pinned while a chunk uses them.
 *
 * Keys name immutable content, so entries never need invalidation: a
 * partition's merged row layout is keyed by its layout id (which changes
 * whenever its sources change, compaction included), each decoded column
 * by its content id (which changes when its rows change, but not when
 * compaction or a flush merely moves them into other files). Ids come from
 * one store-wide counter, and keys also carry the table's random uid.
 */
#ifndef SKY_STORAGE_CACHE_H
#define SKY_STORAGE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sky_cache sky_cache;
typedef struct sky_centry sky_centry;

typedef struct sky_ckey {
  uint64_t uid;  /* table */
  uint64_t id;   /* layout id (ROWS) or content id (columns) */
  uint32_t part;
  uint32_t col;  /* SKY_CKEY_ROWS or a segment column id */
} sky_ckey;

#define SKY_CKEY_ROWS 0u /* the column id of OBJECTS doubles as the rows entry */

typedef void (*sky_cache_free_fn)(void *data);

sky_cache *sky_cache_create(size_t cap_bytes);
void sky_cache_free(sky_cache *c);

/* A pinned entry, or NULL when absent. */
sky_centry *sky_cache_get(sky_cache *c, const sky_ckey *k);
/* Inserts `data` (taking it) and returns it pinned; when another thread
 * inserted the same key first, `data` is freed and that entry returned.
 * NULL (data freed) when out of memory. */
sky_centry *sky_cache_put(sky_cache *c, const sky_ckey *k, void *data, size_t bytes, sky_cache_free_fn free_fn);
/* Whether `k` is cached now (no pin, not counted as a hit or miss). */
bool sky_cache_has(sky_cache *c, const sky_ckey *k);
/* The byte bound given at creation. */
size_t sky_cache_capacity(const sky_cache *c);
void sky_cache_unpin(sky_cache *c, sky_centry *e);
void *sky_centry_data(const sky_centry *e);

/* Statistics for tests and benchmarks. */
typedef struct sky_cache_stats {
  uint64_t hits, misses, evictions;
  size_t bytes, entries;
} sky_cache_stats;
void sky_cache_get_stats(sky_cache *c, sky_cache_stats *out);

#endif
