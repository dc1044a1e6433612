/* helpers.h — shared fixtures of the storage tests: scratch directories,
 * a standard schema, batch building, and dumping a table to text so that
 * two states can be compared exactly (every event, every column, in
 * partition and path order). */
#ifndef SKY_TESTS_STORAGE_HELPERS_H
#define SKY_TESTS_STORAGE_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "storage/storage.h"

/* A fresh empty directory $SKY_TEST_TMP/<name>-<pid>; caller frees. */
char *th_dir(const char *name);
void th_rmtree(const char *path);

/* Store with background compaction off unless `bg`. */
sky_store *th_open(const char *dir, bool bg, uint64_t memtable_max_rows);

/* Standard test schema: plan STATE STRING, country STATE STRING,
 * price EVENT FLOAT, qty EVENT INT, flag EVENT BOOL. */
extern const sky_prop th_props[5];
#define TH_NPROPS 5u

/* One row for th_batch: action NULL = none; plan/country NULL = none;
 * price/qty/flag present when has_* is set. */
typedef struct th_row {
  uint64_t obj;
  int64_t ts;
  const char *action;
  const char *plan;
  const char *country;
  bool has_price;
  double price;
  bool has_qty;
  int64_t qty;
  bool has_flag;
  bool flag;
} th_row;

/* A batch against the table's current schema (the schema of `snap`, which
 * must outlive the batch). Rows beyond the schema's properties are
 * ignored. */
sky_batch *th_batch(const sky_schema *schema, const th_row *rows, size_t n);

/* Loads / inserts rows; returns 0 or -1 with err. */
int th_load(sky_table *t, const th_row *rows, size_t n, sky_error *err);
int th_insert(sky_table *t, const th_row *rows, size_t n, sky_error *err);

/* Text of every event of the snapshot, one line per event. -1 and err on a
 * read error. */
int th_dump_snap(sky_snapshot *s, sky_buf *out, sky_error *err);
int th_dump(sky_table *t, sky_buf *out, sky_error *err);
/* Events in the table (asserts on error). */
uint64_t th_count(sky_table *t);
/* Sources (segment sections) of partition p in the current version. */
uint32_t th_sources(sky_table *t, uint32_t p);

/* Wall-clock seconds. */
double th_now(void);

#endif
