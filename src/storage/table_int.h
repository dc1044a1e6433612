/* table_int.h — the store and table structures shared by the storage
 * engine's files (store.c, table.c, commit.c, insert.c, load.c, snapshot.c,
 * compact.c). Not part of any contract: other modules use storage.h.
 *
 * Locks of a table, always taken in this order:
 *   compact_mu  one compaction at a time (held across its long merge)
 *   commit_mu   one publisher at a time: LOAD commit, flush, ALTER,
 *               DELETE, compaction's final swap (held across manifest I/O)
 *   wal_mu      the WAL and the active memtable's appends (group commit)
 *   state_mu    the published state that snapshots copy: version,
 *               memtables and their visible counts, layout/content ids.
 *               Held only for short, I/O-free sections, so a snapshot
 *               never waits for a disk.
 */
#ifndef SKY_STORAGE_TABLE_INT_H
#define SKY_STORAGE_TABLE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "common/buf.h"
#include "common/pool.h"
#include "storage/cache.h"
#include "storage/dict.h"
#include "storage/manifest.h"
#include "storage/memtable.h"
#include "storage/part.h"
#include "storage/storage.h"

#define SKY_MAX_FROZEN 8              /* frozen memtables before a forced flush */
#define SKY_COMPACT_TRIGGER 8         /* sources of a partition that wake the compactor */
#define SKY_COMPACT_MAX_SOURCES 16    /* above this, merge all of a partition's sources */
#define SKY_COMPACT_TOMBS 256         /* tombstones of a partition that wake the compactor */
#define SKY_LOAD_SPILL_BYTES (512u << 20) /* buffered LOAD rows before a spill segment */
#define SKY_MEMTABLE_MAX_RECORDS 262144u  /* WAL records before a flush: bounds replay time */

typedef struct sky_wal_waiter sky_wal_waiter;

struct sky_table {
  sky_store *st;
  char *name;
  char *dir;
  atomic_uint refs;
  uint64_t uid;
  char *broken; /* recovery failed: the io_error message; the table cannot be used */

  pthread_mutex_t compact_mu;
  pthread_mutex_t commit_mu;
  pthread_mutex_t wal_mu;
  pthread_cond_t wal_cv;
  pthread_mutex_t state_mu;

  /* state_mu */
  sky_version *v;
  sky_memtable *frozen[SKY_MAX_FROZEN + 1]; /* oldest first, awaiting flush */
  uint32_t n_frozen;
  sky_memtable *active;
  uint64_t layout_id[SKY_PARTITIONS];
  uint64_t content_id[SKY_PARTITIONS];
  bool dropped;

  sky_dict *dicts[SKY_MAX_PROPS + 1]; /* dictionary id -> dict (action and STRING properties) */
  atomic_uint_fast64_t next_seg_id;

  /* the store's fd_mu (walfd.c): the active WAL's descriptor when open */
  int wal_fd;
  bool wal_fd_busy;            /* borrowed by a group-commit leader */
  sky_table *fd_prev, *fd_next; /* the store's idle-descriptor list while idle and open */

  /* wal_mu: the active WAL file and the group commit */
  char *wal_path;
  uint64_t wal_gen;
  uint64_t wal_off;       /* durable length */
  uint64_t wal_seq;       /* last sequence number appended */
  uint64_t wal_durable;   /* last sequence number durable */
  bool wal_v1;            /* the active file is version 1: no acknowledged mark to keep */
  sky_buf wal_pending;    /* framed records not written yet */
  sky_wal_waiter *wal_head, *wal_tail; /* their inserters */
  bool wal_leader;        /* a group write is in flight */
};

struct sky_store {
  char *dir;
  int lock_fd;
  sky_store_options opt;
  sky_cache *cache;
  sky_pool *pool;
  atomic_uint_fast64_t next_id; /* layout and content ids */

  pthread_mutex_t mu; /* the catalog */
  sky_table **tables; /* sorted by name */
  size_t n_tables, cap_tables;
  uint64_t drop_counter;

  pthread_mutex_t fd_mu; /* open WAL descriptors (walfd.c); a leaf lock */
  sky_table *fd_head, *fd_tail; /* idle open ones, most recently used first */
  uint32_t fd_open;             /* open ones, idle or borrowed */

  pthread_mutex_t bg_mu; /* the compactor's wake-up (never held with other locks) */
  pthread_t bg;       /* background compaction */
  bool bg_running;
  bool bg_stop;
  bool bg_kick;
  pthread_cond_t bg_cv;
};

/* A snapshot: a version plus memtable prefixes, frozen at one instant. */
struct sky_snapshot {
  sky_table *t; /* referenced */
  sky_version *v;
  uint32_t n_mem;
  sky_memtable *mem[SKY_MAX_FROZEN + 2];
  uint64_t (*mem_rows)[SKY_PARTITIONS]; /* [n_mem][part] visible rows */
  uint32_t *dict_limit;                 /* [n_props + 1] */
  uint64_t layout_id[SKY_PARTITIONS];
  uint64_t content_id[SKY_PARTITIONS];
};

/* ---- table.c -------------------------------------------------------------- */
void sky_table_ref(sky_table *t);
/* Opens (recovers) the table in `dir`; on failure the table is returned
 * with `broken` set (NULL only when out of memory). */
sky_table *sky_table_open(sky_store *st, const char *dir, const char *name, sky_error *err);
/* Creates a table's directory contents in `dir` (a fresh temporary dir). */
int sky_table_init_dir(const char *dir, const char *name, const sky_schema *schema, sky_error *err);
/* Makes the table unusable (DROP) and closes its files. */
void sky_table_mark_dropped(sky_table *t);
/* Flushes the memtable on close (best effort) and releases the store's
 * reference. */
void sky_table_shutdown(sky_table *t);
int sky_table_check(sky_table *t, sky_error *err); /* not broken, not dropped */
/* After a write to `t` failed: when the table was dropped meanwhile, `err`
 * becomes that unknown_table, not the I/O error that followed from it (a
 * WAL or segment file under the renamed directory cannot be opened or
 * created). DROP renames the directory and marks the table under
 * commit_mu, so taking it here waits out a drop caught between the two.
 * The caller holds none of the table's locks. */
void sky_table_prefer_dropped(sky_table *t, sky_error *err);
char *sky_table_file(const sky_table *t, const char *fmt, uint64_t n); /* dir/<fmt % n> */
char *sky_table_seg_path(const sky_table *t, uint64_t id);             /* dir/seg-<uid>-<id>.sky */
sky_dict *sky_table_dict(sky_table *t, uint32_t dict_id, sky_error *err);

/* ---- commit.c ------------------------------------------------------------- */
/* Publishes `nv` (a modified clone of t->v) as the new manifest, first
 * persisting dictionary entries; on success swaps it in (with the given
 * memtable changes) and bumps ids. Caller holds commit_mu; `nv` is taken. */
typedef struct sky_publish {
  uint32_t n_flushed;   /* the first n frozen memtables are now in segments */
  bool content[SKY_PARTITIONS]; /* partitions whose rows changed */
  bool layout[SKY_PARTITIONS];  /* partitions whose sources changed */
} sky_publish;
int sky_commit_version(sky_table *t, sky_version *nv, const sky_publish *pub, sky_error *err);
/* Freezes the active memtable into a new WAL generation (wal_mu taken
 * inside); `schema` is the schema of the new active memtable. */
int sky_rotate_wal(sky_table *t, const sky_schema *schema, sky_error *err);
/* Writes all frozen (and, when `all`, the active) memtable rows into a
 * segment; *seg is NULL when there were none. *n_flushed frozen memtables
 * are covered. Caller holds commit_mu. */
int sky_flush_prepare(sky_table *t, bool all, sky_segment **seg, uint32_t *n_flushed, sky_error *err);
/* Flush and publish. Caller holds commit_mu. */
int sky_flush_locked(sky_table *t, bool all, sky_error *err);
/* Allocates a segment id and its path. */
uint64_t sky_table_new_seg_id(sky_table *t);
/* Writes one segment from per-partition views (merged, all columns),
 * parallel over partitions. *seg is NULL when every view was empty. */
int sky_write_merged(sky_table *t, const sky_schema *schema, sky_pview *views, const bool *use, sky_segment **seg,
                     sky_error *err);

/* ---- insert.c -------------------------------------------------------------- */
/* Interns the batch's strings and appends its rows to memtable `m` (not
 * yet visible). */
int sky_table_apply_batch(sky_table *t, sky_memtable *m, const sky_batch *b, sky_error *err);

/* ---- load.c ---------------------------------------------------------------- */
/* Test hook: buffered bytes before a LOAD spills a segment (0 = default). */
void sky_test_set_load_spill_bytes(size_t bytes);

/* ---- snapshot.c ----------------------------------------------------------- */
/* Fills a partition view from a snapshot (sources allocated into *src). */
int sky_snapshot_pview(const sky_snapshot *s, uint32_t part, bool with_mem, sky_pview *pv, sky_error *err);
/* Rows entry of the cache (pinned), building it when missing. */
int sky_snapshot_rows(sky_snapshot *s, uint32_t part, bool want_ts, sky_centry **out, sky_error *err);

/* ---- compact.c ------------------------------------------------------------ */
bool sky_table_wants_compaction(sky_table *t);
/* force: every partition with several sources or tombstones (after a
 * flush); else the background policy. */
int sky_table_compact_run(sky_table *t, bool force, sky_error *err);

/* ---- walfd.c ------------------------------------------------------------- */
/* Borrows the active WAL's descriptor, opening the file when it is not
 * cached. Only the table's group-commit leader (or a wal_mu holder with no
 * leader in flight) calls it; give it back with sky_wal_fd_put. */
int sky_wal_fd_get(sky_table *t, int *fd, sky_error *err);
/* Returns a borrowed descriptor to the cache (it may be closed there). */
void sky_wal_fd_put(sky_table *t);
/* Closes the table's cached descriptor, if any (rotation, drop, close). */
void sky_wal_fd_close(sky_table *t);

/* ---- store.c ------------------------------------------------------------- */
uint64_t sky_store_new_id(sky_store *st);
/* One line to the store's log callback, if any. */
void sky_store_log(sky_store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Test hook: sky_store_close skips flushing memtables (a simulated crash). */
void sky_test_close_as_crash(bool on);
/* Test hook: DROP TABLE calls `hook(ctx)` between renaming the table's
 * directory and marking the table dropped (store and commit locks held),
 * so tests can hold that gap open while statements race it. NULL = none. */
void sky_test_set_drop_hook(void (*hook)(void *ctx), void *ctx);
void sky_store_kick_compactor(sky_store *st);

#endif
