/* result.h — the result container: building sky_result values inside libsky
 * (the public accessors are in sky.h), for the engines' finalizer and the
 * statement layer alike. A result owns copies of every string it holds, so it
 * outlives the snapshot and statement that produced it. */
#ifndef SKY_COMMON_RESULT_H
#define SKY_COMMON_RESULT_H

#include "sky.h"

/* A row result with `n_cols` columns, named and typed later with
 * set_column (every column must be set: the type is the producer's
 * decision, never guessed from the cells). */
sky_result *sky_result_new_rows(uint32_t n_cols);
int sky_result_set_column(sky_result *r, uint32_t col, const char *name, size_t len, sky_column_type type);
/* Appends a row of NULL cells and returns them (n_cols values) to fill in;
 * the pointer is valid until the next append. NULL when out of memory. */
sky_value *sky_result_append_row(sky_result *r);
/* Sets `cell` to a copy of the string. Returns 0 or -1 (out of memory). */
int sky_result_set_string(sky_result *r, sky_value *cell, const char *s, size_t len);
/* Drops rows past `n` (LIMIT after sorting). */
void sky_result_truncate(sky_result *r, size_t n);
/* Direct access for sorting rows in place: n_rows * n_cols cells, row-major. */
sky_value *sky_result_cells(sky_result *r);

/* A message result (DDL, INSERT, LOAD, DELETE); rows_affected -1 = none. */
sky_result *sky_result_new_message(const char *message, int64_t rows_affected);
/* Records a row skipped under MAX ERRORS. 0 or -1 (out of memory). */
int sky_result_add_load_error(sky_result *r, const sky_error *e);
/* A LOAD ... FROM STDIN result carrying its loader. The result owns the
 * loader until sky_result_take_loader(); freeing it first calls `abort_fn`
 * (the statement layer's sky_loader_abort: the container stays below the
 * layer that implements loaders). */
sky_result *sky_result_new_stream(sky_loader *ld, void (*abort_fn)(sky_loader *));

#endif
