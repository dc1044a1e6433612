/* memtable.h — the in-memory table of INSERTed rows not yet in a segment.
 *
 * Rows are kept per partition in arrival order, in chunked columns that
 * never move (cvec.h), with table dictionary codes. One writer appends (the
 * inserter holding the table's WAL mutex); readers see a partition's first
 * `visible` rows, a count published under the table's state mutex only
 * after the WAL record holding those rows is durable. Rows appended but not
 * yet visible can be rolled back when their WAL write fails.
 *
 * A memtable has one schema (ALTER flushes it first) and one WAL file
 * generation: its rows are exactly the records of that file.
 */
#ifndef SKY_STORAGE_MEMTABLE_H
#define SKY_STORAGE_MEMTABLE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "storage/cvec.h"
#include "storage/storage.h"

typedef struct sky_mempart {
  sky_cvec obj;    /* uint64 */
  sky_cvec ts;     /* int64 */
  sky_cvec action; /* uint32 table code */
  sky_cvec *vals;  /* [n_props], values by type width */
  sky_cvec *pres;  /* [n_props], uint8 */
  uint64_t n;      /* appended rows */
  uint64_t visible;
} sky_mempart;

typedef struct sky_memtable {
  atomic_uint refs;
  uint64_t wal_gen;
  uint32_t n_props;
  sky_prop_type *types;
  uint64_t n_rows;    /* appended, all partitions */
  uint64_t n_records; /* WAL records (INSERTs) appended */
  sky_mempart part[SKY_PARTITIONS];
} sky_memtable;

sky_memtable *sky_memtable_create(uint64_t wal_gen, const sky_schema *schema);
void sky_memtable_ref(sky_memtable *m);
void sky_memtable_unref(sky_memtable *m);

/* Appends the batch's rows, mapping batch-local string codes through
 * action_map and prop_maps[p] (NULL for non-STRING properties). On out of
 * memory nothing is appended. */
int sky_memtable_append(sky_memtable *m, const sky_batch *b, const uint32_t *action_map, uint32_t *const *prop_maps,
                        sky_error *err);
/* Drops appended rows that are not visible. */
void sky_memtable_rollback(sky_memtable *m);
/* Records the appended counts (a WAL group's end), then makes the rows up
 * to such a mark visible (caller holds the state mutex); changed[q] tells
 * which partitions gained rows. */
void sky_memtable_mark(const sky_memtable *m, uint64_t mark[SKY_PARTITIONS]);
void sky_memtable_publish(sky_memtable *m, const uint64_t mark[SKY_PARTITIONS], bool changed[SKY_PARTITIONS]);
/* Visible rows (caller holds the state mutex). */
uint64_t sky_memtable_visible(const sky_memtable *m);

#endif
