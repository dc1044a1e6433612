/* manifest.h — a table's published state (a "version") and its manifest
 * file.
 *
 * A version is immutable once published and shared by reference: the
 * schema, the live segments, each partition's ordered sources (segment
 * sections, oldest first: list order is arrival order), the tombstones of
 * DELETE OBJECT, and the committed size of every dictionary file. Every
 * change (LOAD, flush, ALTER, DELETE, compaction) clones the current
 * version, edits the clone, writes it as the new manifest and swaps it in.
 *
 * The manifest file (docs/FORMAT.md, "Manifest") is replaced atomically:
 * MANIFEST.tmp is written and fsynced, renamed over MANIFEST, and the
 * directory is fsynced. If that last fsync fails the rename is undone, so a
 * failed commit leaves the previous manifest in place.
 */
#ifndef SKY_STORAGE_MANIFEST_H
#define SKY_STORAGE_MANIFEST_H

#include <stdatomic.h>
#include <stdint.h>

#include "common/buf.h"
#include "storage/segment.h"
#include "storage/storage.h"

/* DELETE OBJECT: events of `obj` in sources with seq < `seq` are gone. */
typedef struct sky_tomb {
  uint64_t obj;
  uint64_t seq;
} sky_tomb;

/* One source of a partition: the section of segment `seg_id`. `seq` orders
 * arrivals (a merged source takes the largest seq of what it replaced). */
typedef struct sky_psrc {
  uint64_t seg_id;
  uint64_t seq;
  sky_segment *seg; /* borrowed from the version's segs (NULL while parsing) */
} sky_psrc;

typedef struct sky_pstate {
  uint32_t n_src;
  sky_psrc *src;
  uint32_t n_tombs;
  sky_tomb *tombs; /* ascending obj, one per object (the latest delete) */
} sky_pstate;

typedef struct sky_dictmeta {
  uint64_t len;   /* committed bytes of the dictionary file */
  uint32_t count; /* committed strings */
} sky_dictmeta;

typedef struct sky_version {
  atomic_uint refs;
  char *name;
  sky_schema *schema;
  uint64_t generation;  /* +1 per manifest written */
  uint64_t next_seg_id; /* above every segment id ever published */
  uint64_t next_seq;    /* next arrival sequence number */
  uint64_t wal_gen;     /* WAL files with gen >= this hold unflushed rows */
  uint32_t n_dicts;     /* n_props + 1: action, then property i at i + 1 */
  sky_dictmeta *dicts;
  uint32_t n_segs;
  uint64_t *seg_ids;    /* ascending */
  sky_segment **segs;   /* [n_segs], one reference each (NULL while parsing) */
  sky_pstate part[SKY_PARTITIONS];
} sky_version;

/* A new version 1 of an empty table. NULL when out of memory. */
sky_version *sky_version_create(const char *name, const sky_schema *schema);
/* A deep copy taking new segment references (generation unchanged). */
sky_version *sky_version_clone(const sky_version *v);
void sky_version_ref(sky_version *v);
void sky_version_unref(sky_version *v);

/* Adds/removes a segment to the live list (taking/dropping a reference). */
int sky_version_add_seg(sky_version *v, sky_segment *seg);
void sky_version_drop_unused(sky_version *v, sky_segment ***dropped, uint32_t *n_dropped);
/* Appends a source to partition p. */
int sky_version_push_src(sky_version *v, uint32_t p, sky_segment *seg, uint64_t seq);
/* Sets (or raises) the tombstone of obj. */
int sky_version_put_tomb(sky_version *v, uint64_t obj, uint64_t seq);
/* Looks up the tombstone seq of obj in partition p (0 = none). */
uint64_t sky_pstate_tomb(const sky_pstate *ps, uint64_t obj);

/* Manifest bytes of a version. -1 when out of memory. */
int sky_manifest_encode(const sky_version *v, sky_buf *out);
/* Parses manifest bytes; the result has seg_ids but no segments yet.
 * io_error naming `path` when the bytes are corrupt. */
sky_version *sky_manifest_decode(const char *path, const void *data, size_t len, sky_error *err);

/* Reads dir/MANIFEST. */
sky_version *sky_manifest_read(const char *dir, sky_error *err);
/* Publishes a version as dir/MANIFEST (see above). */
int sky_manifest_write(const char *dir, const sky_version *v, sky_error *err);

#endif
