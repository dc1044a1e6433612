/* storage.h — Sky's storage engine: tables of event paths in a data
 * directory, durable writes, and the snapshot read API of the query engines.
 *
 * Layout and format are documented byte by byte in docs/FORMAT.md. In short:
 * a table is split into SKY_PARTITIONS partitions by a hash of the object id;
 * each LOAD writes one immutable segment file (a section per partition,
 * paths sorted by object, timestamp, arrival), published by an atomic
 * manifest swap; INSERTs go through a write-ahead log into an in-memory
 * table flushed into segments later; compaction merges a partition's
 * segments in the background.
 *
 * Reading: a snapshot is a consistent, immutable view of one table (its
 * schema, segments, in-memory rows and dictionaries at one instant). From a
 * snapshot the engines read one partition at a time as a sky_chunk: flat,
 * decoded column arrays spanning all of the partition's objects, each
 * object's events contiguous and in path order (timestamp, then arrival),
 * with the object-run boundaries beside them. Chunks are cached decoded, so
 * a warm scan runs at memory speed.
 *
 * Thread safety: a sky_store and its tables may be used from many threads.
 * Writers to one table are serialized inside the engine; snapshots never
 * block writers and are never blocked by them.
 */
#ifndef SKY_STORAGE_STORAGE_H
#define SKY_STORAGE_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sky.h"
#include "storage/batch.h"
#include "storage/schema.h"

#define SKY_PARTITIONS 64u

typedef struct sky_store sky_store;
typedef struct sky_table sky_table;
typedef struct sky_snapshot sky_snapshot;
typedef struct sky_load_txn sky_load_txn;

typedef struct sky_store_options {
  size_t cache_bytes;          /* bound of the decoded-chunk cache; 0 = 1/4 of RAM */
  bool background_compaction;  /* default true; tests turn it off to drive it */
  uint64_t memtable_max_rows;  /* flush the in-memory table past this; 0 = default (1M) */
  uint32_t max_wal_fds;        /* idle WAL descriptors kept open across tables; 0 = default (64) */
  /* Where recovery reports what it did (WAL records replayed, where and
   * why replay stopped, tables that cannot be opened): one line without a
   * newline per call, from the thread that opens the store or creates a
   * table. NULL = silent. */
  void (*log)(void *ctx, const char *line);
  void *log_ctx;
  /* Streaming scans (src/storage/stream.h): 0 = when a partition's columns
   * are not cached and the table's decoded columns exceed cache_bytes;
   * N > 0 = always, in slices of about N events (tests use tiny ones);
   * -1 = never. The environment variable SKY_STREAM_SLICE, when set,
   * overrides it. */
  int64_t stream_slice;
} sky_store_options;

void sky_store_options_init(sky_store_options *opt);

/* ---- store: the data directory ------------------------------------------ */

/* Opens or creates `dir`, takes an exclusive flock on it (a second process
 * gets io_error "data directory ... is in use"), recovers every table
 * (manifest, WAL replay up to the first bad record, removal of orphan
 * temporaries). Never reads whole segments. Free with sky_store_close(). */
sky_store *sky_store_open(const char *dir, const sky_store_options *opt, sky_error *err);
void sky_store_close(sky_store *st);

/* WAL file descriptors open now, across all tables (a test aid: they are
 * bounded by max_wal_fds plus the groups being written at this instant). */
uint32_t sky_store_open_wal_fds(sky_store *st);

/* Table names, sorted by bytes. The caller frees each name and the array
 * with sky_free(). */
int sky_store_list_tables(sky_store *st, char ***names, size_t *n, sky_error *err);

/* CREATE TABLE: `props` may be empty. Errors: already_exists, semantic_error
 * (reserved or duplicate property name), io_error. Durable on return. */
int sky_store_create_table(sky_store *st, const char *name, const sky_prop *props, uint32_t n_props,
                           sky_error *err);
/* DROP TABLE: unknown_table when missing. Snapshots taken before keep
 * working until released. Durable on return. */
int sky_store_drop_table(sky_store *st, const char *name, sky_error *err);

/* A reference to a table (unknown_table when missing). Release it with
 * sky_table_release(); a dropped table stays valid while referenced. */
sky_table *sky_store_table(sky_store *st, const char *name, sky_error *err);
void sky_table_release(sky_table *t);
const char *sky_table_name(const sky_table *t);

/* ---- writes ------------------------------------------------------------- */

/* ALTER TABLE t ADD name kind type: a new schema version, no data rewritten.
 * Errors: already_exists, semantic_error (reserved name). */
int sky_table_add_property(sky_table *t, const sky_prop *prop, sky_error *err);

/* A LOAD: batches are added (each may be spilled to a temporary segment so
 * that memory stays bounded), then committed atomically: every row becomes
 * visible and durable, or none does. The batches must have been built
 * against the table's current schema (else semantic_error "table changed").
 * Commit returns after the data is durable (fsync of the segment(s), the
 * dictionaries and the manifest, then of the directory). */
sky_load_txn *sky_table_load_begin(sky_table *t, sky_error *err);
int sky_load_txn_add(sky_load_txn *tx, const sky_batch *b, sky_error *err);
int sky_load_txn_commit(sky_load_txn *tx, uint64_t *rows_out, sky_error *err); /* frees tx */
void sky_load_txn_abort(sky_load_txn *tx);                                     /* frees tx */

/* INSERT: appends the batch to the WAL (group commit), returns after the
 * record is fsynced; its rows are then visible to every later snapshot. */
int sky_table_insert(sky_table *t, const sky_batch *b, sky_error *err);

/* DELETE OBJECT: erases every event of `obj` that arrived before this call.
 * *existed tells whether the object had any event. Durable on return. */
int sky_table_delete_object(sky_table *t, uint64_t obj, bool *existed, sky_error *err);

/* Merges the segments of every partition that has more than one source
 * (segments or in-memory rows) into new segments, and applies deletions.
 * The background compactor calls the same code. */
int sky_table_compact(sky_table *t, sky_error *err);

/* ---- snapshots and chunks ---------------------------------------------- */

/* A consistent view of the table now. Never fails except out of memory
 * (NULL, err filled). Release with sky_snapshot_release(). */
sky_snapshot *sky_table_snapshot(sky_table *t, sky_error *err);
void sky_snapshot_release(sky_snapshot *s);

/* The schema as of the snapshot (owned by the snapshot). */
const sky_schema *sky_snapshot_schema(const sky_snapshot *s);

/* Dictionaries as of the snapshot. Codes are 1..size; 0 is NULL. */
uint32_t sky_snapshot_dict_size(const sky_snapshot *s, uint32_t dict);
/* The string of `code` (1..size): pointer valid while the snapshot lives. */
void sky_snapshot_dict_string(const sky_snapshot *s, uint32_t dict, uint32_t code, const char **str, size_t *len);
/* The code of a string, or 0 when the snapshot's dictionary lacks it. */
uint32_t sky_snapshot_dict_find(const sky_snapshot *s, uint32_t dict, const char *str, size_t len);

/* Which columns a reader needs. Object ids and run boundaries always come. */
typedef struct sky_colset {
  bool ts;
  bool action;
  const uint8_t *props; /* [n_props] of the snapshot's schema, nonzero = needed; NULL = none */
} sky_colset;

/* One decoded property column. values: INT int64_t, FLOAT double, BOOL
 * uint8_t, STRING uint32_t code (0 where absent). present[i] is 1 when event
 * i carries a value. Both NULL when the column was not requested. */
typedef struct sky_chunk_col {
  const void *values;
  const uint8_t *present;
  /* When the column is sparse (at most one event in SKY_SPARSE_RATIO
   * carries a value): the indexes of the events that do, ascending, n_pos
   * of them. NULL otherwise; engines then read `present`. */
  const uint32_t *pos;
  uint64_t n_pos;
} sky_chunk_col;

#define SKY_SPARSE_RATIO 8u

/* The indexes i < n with present[i] != 0, ascending, in a new array
 * (sky_positions_free), when there are at most max_pos of them and n fits
 * in 32 bits; NULL otherwise or without memory. */
uint32_t *sky_positions_build(const uint8_t *present, uint64_t n, uint64_t max_pos, uint64_t *n_pos);
void sky_positions_free(uint32_t *pos);

/* A decoded run of whole paths. Object k's events are the indexes
 * [obj_start[k], obj_start[k+1]), ordered by (timestamp, arrival). Arrays of
 * columns not requested are NULL. Read-only; valid until released. */
typedef struct sky_chunk {
  uint64_t n_objects;
  uint64_t n_events;
  const uint64_t *obj_id;    /* [n_objects], ascending (unsigned) */
  const uint64_t *obj_start; /* [n_objects + 1] */
  const int64_t *ts;         /* [n_events] µs */
  const uint32_t *action;    /* [n_events] action dictionary code, 0 = none */
  const sky_chunk_col *cols; /* [n_props of the snapshot's schema] */
  void *pin_;                /* internal: cache pin released by sky_chunk_release */
} sky_chunk;

/* Reads partition `part` (0 .. SKY_PARTITIONS-1) of the snapshot with at
 * least the columns in `need`. A corrupt or unreadable segment gives
 * io_error naming the file; nothing is ever returned wrong. */
int sky_snapshot_read_partition(sky_snapshot *s, uint32_t part, const sky_colset *need, sky_chunk *out,
                                sky_error *err);
/* The path of one object, all columns (zero or one object in `out`). */
int sky_snapshot_read_object(sky_snapshot *s, uint64_t obj, sky_chunk *out, sky_error *err);
void sky_chunk_release(sky_chunk *c);

/* The partition of an object (a hash of the id modulo SKY_PARTITIONS). */
uint32_t sky_partition_of(uint64_t obj);

/* ---- a path at an instant (AS OF, chunk_at.c) ---------------------------- */

/* The end of the events of [first, end) at or before t (their timestamps
 * ascend): the first index whose timestamp is later, or end. */
uint64_t sky_ts_upto(const int64_t *ts, uint64_t first, uint64_t end, int64_t t);
/* The last event of [first, cut) carrying a value in `col`, or UINT64_MAX
 * when none does. */
uint64_t sky_col_last(const sky_chunk_col *col, uint64_t first, uint64_t cut);
/* The same for a caller visiting ranges with ascending `first` (objects in
 * chunk order): *cursor (0 before the first call) keeps its place in `pos`. */
uint64_t sky_col_last_from(const sky_chunk_col *col, uint64_t first, uint64_t cut, uint64_t *cursor);

/* ---- testing hooks ------------------------------------------------------ */

/* Makes the n-th next write or fsync of the storage I/O layer (and every
 * later one until reset) fail with ENOSPC; 0 turns it off. Process-wide. */
void sky_io_fail_after(uint64_t n);

#endif
