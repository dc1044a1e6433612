/* select.h — running a bound SELECT over a snapshot: partitions in
 * parallel on the worker pool, each scanned (by the JIT or the interpreter)
 * into its own group table, merged in partition order (so results never
 * depend on thread timing), then finalized (HAVING, ORDER BY, LIMIT, output
 * values) into a result set. */
#ifndef SKY_CODEGEN_SELECT_H
#define SKY_CODEGEN_SELECT_H

#include <stdatomic.h>
#include <stdint.h>

#include "codegen/runtime.h"
#include "common/pool.h"
#include "parser/plan.h"
#include "storage/storage.h"

typedef struct sky_select_opts {
  sky_scan_fn scan;          /* sky_interp_scan or a JIT query's function */
  sky_pool *pool;            /* NULL: run on the calling thread only */
  size_t memory_limit;       /* bytes for group tables; 0 = unlimited */
  int64_t deadline_ns;       /* CLOCK_MONOTONIC; 0 = none */
  atomic_int *cancel;        /* may be NULL */
  uint64_t max_result_rows;  /* 0 = unlimited; more rows -> result_too_large */
} sky_select_opts;

/* Runs `plan` (laid out with sky_groups_layout) on `snap`. Returns a ROWS
 * result or NULL with err: numeric_overflow naming the expression,
 * out_of_memory, timeout, result_too_large, io_error from storage. */
sky_result *sky_select_run(const sky_plan *plan, sky_snapshot *snap, const sky_select_opts *opts, sky_error *err);

/* The reference interpreter's scan (interp.c). */
int sky_interp_scan(const sky_runtime *rt, const sky_chunk *chunk, sky_groups *g, uint32_t *err_expr);

#endif
