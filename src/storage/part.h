/* part.h — reading one partition: its sources merged into path order.
 *
 * A partition's sources are, oldest first, the sections of its segments (in
 * manifest order) and then the visible rows of the in-memory tables. Each
 * source is already in (object, timestamp, arrival) order — a memtable
 * through a sort permutation — so the merged order is a k-way merge by
 * object, and by timestamp within an object present in several sources,
 * ties going to the older source. DELETE OBJECT tombstones drop an
 * object's events from sources older than the delete.
 *
 * The merge is computed once (sky_prows: object runs plus, per source, the
 * output position of each of its rows) and then any column is decoded
 * source by source and scattered into place (sky_pcol_decode). With one
 * segment source and nothing deleted the positions are the identity and
 * columns decode straight into the output.
 *
 * Output arrays are 64-byte aligned (sky_aalloc) and zero where no value.
 */
#ifndef SKY_STORAGE_PART_H
#define SKY_STORAGE_PART_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/manifest.h"
#include "storage/memtable.h"
#include "storage/segment.h"

#define SKY_DEST_DELETED UINT32_MAX

/* 64-byte aligned, zeroed allocations; NULL when out of memory. */
void *sky_aalloc(size_t bytes);
void sky_afree(void *p);

typedef struct sky_src {
  sky_segment *seg;          /* a segment section ... */
  const sky_section *sec;
  uint64_t seq;
  const sky_memtable *mt;    /* ... or the first n_rows rows of a memtable partition */
  uint64_t n_rows;
} sky_src;

typedef struct sky_pview {
  uint32_t part;
  const sky_schema *schema;
  const uint32_t *dict_limit; /* [n_props + 1] dictionary sizes of the snapshot */
  uint32_t n_src;
  sky_src *src;
  const sky_tomb *tombs;
  uint32_t n_tombs;
} sky_pview;

typedef struct sky_prows {
  uint64_t n_objects, n_events;
  uint64_t *obj_id;    /* [n_objects] */
  uint64_t *obj_start; /* [n_objects + 1] */
  uint32_t n_src;
  uint32_t **dest;     /* [n_src]: output index of each source row, NULL = identity */
  uint64_t *src_rows;  /* [n_src] rows of each source */
  int64_t *ts;         /* merged timestamps when the merge computed them, else NULL */
  size_t bytes;        /* memory held, for the cache */
} sky_prows;

int sky_prows_build(const sky_pview *v, bool want_ts, sky_prows **out, sky_error *err);
void sky_prows_free(sky_prows *r);

/* Decodes column `col` (SKY_COL_TS, SKY_COL_ACTION or SKY_COL_PROP0 + k) in
 * merged order. *pres is set for properties only. */
int sky_pcol_decode(const sky_pview *v, const sky_prows *r, uint32_t col, void **vals, uint8_t **pres,
                    sky_error *err);

/* Bytes of a decoded column of n events. */
size_t sky_pcol_bytes(const sky_schema *schema, uint32_t col, uint64_t n);

#endif
