/* stream.h — streaming partition reads: a partition of a snapshot as a
 * sequence of sky_chunk slices of whole objects, each decoded on the fly
 * from the mapped segment into reusable buffers, instead of one decoded
 * copy of the whole partition in the cache (docs/FORMAT.md §9).
 *
 * A slice holds consecutive whole objects of the partition, in path order,
 * with indexes relative to the slice (obj_start[0] = 0): about
 * `slice_events` events, or one object when that object alone is longer.
 * Only the requested columns are decoded; a sparse property column gets its
 * `pos` list per slice. Every block a scan reads has its checksum verified
 * once, when the stream opens, before its first slice. A slice stays valid
 * until the next call on its stream (or its close).
 *
 * Step 1 streams partitions with a single segment source and no tombstone
 * touching it; partitions with several sources (segments, in-memory rows,
 * deletions) are read whole (sky_snapshot_stream then declines).
 */
#ifndef SKY_STORAGE_STREAM_H
#define SKY_STORAGE_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/storage.h"

/* Events per slice unless the store says otherwise. */
#define SKY_STREAM_SLICE_DEFAULT 32768u

typedef struct sky_pstream sky_pstream;

/* A stream over partition `part` of the snapshot, or *out = NULL (return 0)
 * when the partition should be read whole: it has several sources, or the
 * store's policy keeps it in the decoded cache (its columns are cached, or
 * the table's decoded columns fit the cache; sky_store_options.stream_slice
 * forces either way). `spare` (may be NULL): a finished stream of the
 * same scan whose slice buffers the new one takes over (*spare is consumed
 * when the partition streams), so a worker allocates them once per scan.
 * Errors: io_error naming a corrupt file. */
int sky_snapshot_stream(sky_snapshot *s, uint32_t part, const sky_colset *need, sky_pstream **spare, sky_pstream **out,
                        sky_error *err);

/* The next slice: 1 with *out filled, 0 at the end, -1 with err (io_error
 * naming the file when a block is malformed). */
int sky_pstream_next(sky_pstream *ps, sky_chunk *out, sky_error *err);
void sky_pstream_close(sky_pstream *ps);

/* The stream of one section of a segment directly (what the snapshot
 * stream uses; tests compare it with the whole-section decoders). `schema`
 * and `dict_limit` ([n_props + 1], action first) as in a snapshot;
 * slice_events >= 1. `recycle` (may be NULL) is closed, its buffers reused. */
struct sky_segment;
struct sky_section;
int sky_section_stream(const struct sky_segment *seg, const struct sky_section *sec, const sky_schema *schema,
                       const uint32_t *dict_limit, const sky_colset *need, uint64_t slice_events, sky_pstream *recycle,
                       sky_pstream **out, sky_error *err);

#endif
