/* segment.h — immutable segment files: one section per partition, column
 * blocks with a CRC-32C each, a footer index; written once, read via mmap.
 * The byte layout is in docs/FORMAT.md ("Segment files").
 *
 * A section holds whole paths of the partition's objects, sorted by
 * (object, timestamp, arrival). Its blocks: OBJECTS (ids and event counts),
 * TS, ACTION, and one per property that any of its events carries. A block
 * that is absent means "no value anywhere" (an action-less section, a
 * property no event carries, or a property added after the file was
 * written).
 */
#ifndef SKY_STORAGE_SEGMENT_H
#define SKY_STORAGE_SEGMENT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"
#include "storage/io.h"
#include "storage/storage.h"

#define SKY_SEG_MAGIC "SKYSEGMT"
#define SKY_SEG_END_MAGIC "SKYSEGND"
#define SKY_SEG_VERSION 1u
#define SKY_SEG_HEADER_BYTES 16u
#define SKY_SEG_TRAILER_BYTES 24u

/* Block column ids. */
enum { SKY_COL_OBJECTS = 0, SKY_COL_TS = 1, SKY_COL_ACTION = 2, SKY_COL_PROP0 = 3 };

typedef struct sky_block_ref {
  uint32_t col;
  uint32_t crc; /* CRC-32C of the block's bytes */
  uint64_t off; /* from the start of the file (or of the encode buffer) */
  uint64_t len;
} sky_block_ref;

typedef struct sky_section {
  uint32_t part;
  uint64_t n_objects, n_events;
  uint32_t n_blocks;
  sky_block_ref *blocks; /* ascending col */
} sky_section;

/* Whole paths of one partition in path order: the input of the encoder, and
 * what the read path and compaction hand around. vals/pres per property:
 * NULL pres = no event carries it. */
typedef struct sky_part_data {
  uint64_t n_objects, n_events;
  const uint64_t *obj_id;    /* [n_objects] ascending */
  const uint64_t *obj_start; /* [n_objects + 1] */
  const int64_t *ts;
  const uint32_t *action;    /* NULL = no actions */
  uint32_t n_props;
  const void *const *vals;
  const uint8_t *const *pres;
  bool dense; /* vals[p] holds only the present values, in order */
} sky_part_data;

/* Encodes a section into `out` (appending); meta->blocks get offsets
 * relative to the start of what was appended. -1 when out of memory. */
int sky_section_encode(const sky_part_data *in, const sky_prop_type *types, sky_buf *out, sky_section *meta);
void sky_section_free(sky_section *s);

/* ---- writing ------------------------------------------------------------- */

typedef struct sky_segw {
  int fd;
  char *path;
  sky_io_writer w;
  uint64_t id, table_uid;
  uint32_t n_props;
  uint8_t *types;
  uint32_t n_sections;
  size_t cap_sections;
  sky_section *sections;
} sky_segw;

/* Creates `path` and writes the header. */
int sky_segw_open(sky_segw *sw, const char *path, uint64_t id, uint64_t table_uid, uint32_t n_props,
                  const sky_prop *props, sky_error *err);
/* Appends a section encoded by sky_section_encode (sections in ascending
 * partition order); takes meta->blocks. */
int sky_segw_add(sky_segw *sw, uint32_t part, const sky_buf *enc, sky_section *meta, sky_error *err);
/* Writes the footer and trailer, fsyncs and closes. The writer is freed
 * either way; on failure the file is removed. */
int sky_segw_finish(sky_segw *sw, uint64_t *size_out, sky_error *err);
/* Removes the file and frees the writer. */
void sky_segw_abort(sky_segw *sw);

/* ---- reading ------------------------------------------------------------- */

typedef struct sky_segment {
  atomic_uint refs;
  uint64_t id;
  char *path;
  const uint8_t *map; /* whole file, PROT_READ; NULL when broken */
  size_t size;
  uint64_t table_uid;
  uint32_t n_props;
  uint8_t *types;     /* [n_props] property types when written */
  uint32_t n_sections;
  sky_section *sections;
  int32_t part_sec[SKY_PARTITIONS]; /* section of each partition, -1 = none */
  char *broken;       /* why the file cannot be read, or NULL */
} sky_segment;

/* Maps and validates `path` (header, trailer, footer checksum, block
 * extents). When the file is unusable the segment is still returned, with
 * `broken` set, so that only reads touching it fail; NULL only when out of
 * memory. One reference, released with sky_segment_unref. */
sky_segment *sky_segment_open(const char *path, uint64_t id, sky_error *err);
void sky_segment_ref(sky_segment *s);
void sky_segment_unref(sky_segment *s);
/* Unlinks the file now (it stays mapped while referenced). */
void sky_segment_unlink(sky_segment *s);

/* The section of `part`, or NULL with io_error when the file is broken or
 * lacks it. */
const sky_section *sky_segment_section(const sky_segment *s, uint32_t part, sky_error *err);

/* Decoders of one section. Arrays are sized n_objects(+1) or n_events. A
 * checksum mismatch or malformed block is io_error naming the file; string
 * codes above `dict_limit` are corruption too. */
int sky_seg_decode_objects(const sky_segment *s, const sky_section *sec, uint64_t *obj_id, uint64_t *obj_start,
                           sky_error *err);
int sky_seg_decode_ts(const sky_segment *s, const sky_section *sec, const uint64_t *obj_start, int64_t *ts,
                      sky_error *err);
int sky_seg_decode_action(const sky_segment *s, const sky_section *sec, uint32_t dict_limit, uint32_t *out,
                          sky_error *err);
/* `vals` must be zeroed by the caller (only present values are written:
 * sparse columns then touch few pages); `pres` is filled. A property the
 * file lacks reads NULL. */
int sky_seg_decode_prop(const sky_segment *s, const sky_section *sec, uint32_t prop, sky_prop_type type,
                        uint32_t dict_limit, void *vals, uint8_t *pres, sky_error *err);

/* io_error "segment file '<path>' is corrupt: <what> (partition P, <column>
 * block)"; returns -1. For decoders outside this file (stream.c). */
int sky_seg_corrupt(const sky_segment *s, const sky_section *sec, uint32_t col, const char *what, sky_error *err);

#endif
