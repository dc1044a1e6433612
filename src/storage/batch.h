/* batch.h — rows on their way into a table, held column by column.
 *
 * The CSV/NDJSON readers and INSERT fill a batch; the storage engine sorts,
 * encodes and publishes it. Strings are interned into dictionaries local to
 * the batch (codes 1.., 0 = NULL), so parsing never touches the table's
 * shared dictionaries: the engine remaps local codes to table codes once per
 * distinct string when it publishes. Row order is arrival order.
 *
 * A batch is built against one schema (its property list) and must be
 * published to a table with that same schema version.
 */
#ifndef SKY_STORAGE_BATCH_H
#define SKY_STORAGE_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "storage/schema.h"

/* Batch-local string dictionary: code k (1-based) is strs[k-1]. */
typedef struct sky_batch_dict {
  uint32_t n;          /* number of strings */
  const char **strs;   /* [n], NUL-terminated copies in the batch arena */
  uint32_t *lens;      /* [n] byte lengths (strings may hold NUL bytes) */
  uint32_t *slots;     /* open-addressing index: code or 0 */
  uint32_t n_slots;    /* power of two */
  size_t cap;          /* capacity of strs/lens */
} sky_batch_dict;

/* One property column of the batch. Values by property type: INT int64_t,
 * FLOAT double, BOOL uint8_t (0/1), STRING uint32_t (batch-local code).
 * present[i] is 1 when row i carries a value. */
typedef struct sky_batch_col {
  void *values;
  uint8_t *present;
  sky_batch_dict dict; /* STRING only */
} sky_batch_col;

typedef struct sky_batch {
  const sky_schema *schema; /* not owned; must outlive the batch */
  size_t n_rows;
  size_t cap;
  uint64_t *obj;            /* object ids, never 0 */
  int64_t *ts;              /* µs */
  uint32_t *action;         /* batch-local code into action_dict, 0 = none */
  sky_batch_dict action_dict;
  sky_batch_col *cols;      /* [schema->n_props] */
  sky_arena strings;        /* backing store of the dictionaries' strings */
} sky_batch;

/* Creates an empty batch for `schema`. NULL when out of memory. */
sky_batch *sky_batch_create(const sky_schema *schema);
void sky_batch_free(sky_batch *b);
/* Drops all rows and strings, keeps the buffers' memory. */
void sky_batch_reset(sky_batch *b);

/* Appends one row with object and timestamp set, action and every property
 * NULL; returns its index, or -1 when out of memory. The caller then sets
 * what the row carries with the setters below. */
int64_t sky_batch_add_row(sky_batch *b, uint64_t obj, int64_t ts);
/* Removes the last row (a row found bad after some fields were set). */
void sky_batch_drop_last(sky_batch *b);

/* Interns a string into `d`; returns its code (>= 1) or 0 when out of
 * memory. */
uint32_t sky_batch_dict_intern(sky_batch *b, sky_batch_dict *d, const char *s, size_t len);

/* Setters for row `row`. Return 0, or -1 when out of memory. */
int sky_batch_set_action(sky_batch *b, size_t row, const char *s, size_t len);
void sky_batch_set_int(sky_batch *b, size_t row, uint32_t prop, int64_t v);
void sky_batch_set_float(sky_batch *b, size_t row, uint32_t prop, double v);
void sky_batch_set_bool(sky_batch *b, size_t row, uint32_t prop, bool v);
int sky_batch_set_string(sky_batch *b, size_t row, uint32_t prop, const char *s, size_t len);

/* True when row carries an action or at least one property (an event that
 * carries nothing is rejected by LOAD and INSERT). */
bool sky_batch_row_has_content(const sky_batch *b, size_t row);

#endif
