/* select.c — the query runner: one SELECT plan over a snapshot, whatever
 * the engine (sky_select_opts.scan is the interpreter's or a JIT query's).
 *
 * Each partition is a pool task: read the partition's chunk with the
 * plan's columns, scan it into the partition's own group table (sized for
 * the mean number of groups of the partitions finished so far: hash
 * partitions are alike, and a skewed one still grows), release the chunk. The tables are then merged in partition order, so float sums (and
 * everything else) never depend on which thread finished first, and the
 * merged table is finalized (finalize.c).
 *
 * Errors are deterministic too: the reported error is the one of the
 * lowest-numbered failing partition. A partition above a known failure may
 * be skipped (it cannot change the outcome); every partition below it still
 * runs. Scan outcomes become statement errors here: overflow names the
 * expression and its position, budget exhaustion is out_of_memory, a stop is
 * timeout (or cancellation); storage errors pass through unchanged.
 */
#include <string.h>

#include "codegen/interp.h"
#include "common/alloc.h"
#include "common/error.h"

/* Partition outcomes beyond the SKY_SCAN_* codes. */
enum { PART_STORAGE_ERROR = 100, PART_SKIPPED = 101 };

typedef struct part_state {
  sky_groups groups;
  int status;        /* SKY_SCAN_* or PART_* */
  uint32_t err_expr; /* SKY_SCAN_OVERFLOW: the expression id */
  sky_error err;     /* PART_STORAGE_ERROR: the reader's error */
} part_state;

typedef struct run {
  sky_runtime *rt;
  const sky_part_source *src;
  const sky_colset *need;
  sky_scan_fn scan;
  part_state *parts;         /* [src->n_parts] */
  _Atomic uint32_t lowest_failed; /* n_parts while none failed */
  _Atomic uint64_t groups_seen;   /* groups of the partitions finished so far ... */
  _Atomic uint64_t parts_seen;    /* ... and how many they are */
  sky_pstream *spare[SKY_PARTITIONS]; /* per worker: its last finished stream (buffers to reuse) */
} run;

/* A streamed partition: every slice in order, the deadline checked per
 * slice. */
static int scan_slices(run *r, sky_pstream *it, part_state *ps, sky_chunk *chunk) {
  for (;;) {
    if (sky_rt_should_stop(r->rt)) return SKY_SCAN_STOPPED;
    int more = sky_pstream_next(it, chunk, &ps->err);
    if (more < 0) return PART_STORAGE_ERROR;
    if (more == 0) return SKY_SCAN_OK;
    int rc = r->scan(r->rt, chunk, &ps->groups, &ps->err_expr);
    if (rc != SKY_SCAN_OK) return rc;
  }
}

static int scan_partition(run *r, uint32_t part, unsigned worker, part_state *ps) {
  if (sky_rt_should_stop(r->rt)) return SKY_SCAN_STOPPED;
  uint64_t parts = atomic_load(&r->parts_seen), mean = parts ? atomic_load(&r->groups_seen) / parts : 0;
  if (sky_groups_init_sized(&ps->groups, r->rt->plan, &r->rt->budget, mean) != 0) return SKY_SCAN_NO_MEMORY;
  sky_chunk chunk;
  memset(&chunk, 0, sizeof chunk);
  sky_pstream *it = NULL, **spare = worker < SKY_PARTITIONS ? &r->spare[worker] : NULL;
  if (r->src->stream && r->src->stream(r->src->ctx, part, r->need, spare, &it, &ps->err) != 0)
    return PART_STORAGE_ERROR;
  int rc;
  if (it) { /* slices of whole objects, accumulating into the same table */
    rc = scan_slices(r, it, ps, &chunk);
    if (spare && !*spare)
      *spare = it;
    else
      sky_pstream_close(it);
  } else {
    if (r->src->read(r->src->ctx, part, r->need, &chunk, &ps->err) != 0) return PART_STORAGE_ERROR;
    rc = r->scan(r->rt, &chunk, &ps->groups, &ps->err_expr);
    r->src->release(r->src->ctx, &chunk);
  }
  atomic_fetch_add(&r->groups_seen, ps->groups.count);
  atomic_fetch_add(&r->parts_seen, 1);
  return rc;
}

/* A pool task: partition `task`, skipped when a lower one already failed. */
static void run_partition(void *arg, size_t task, unsigned worker) {
  run *r = arg;
  uint32_t part = (uint32_t)task;
  part_state *ps = &r->parts[part];
  if (part > atomic_load(&r->lowest_failed)) {
    ps->status = PART_SKIPPED;
    return;
  }
  ps->status = scan_partition(r, part, worker, ps);
  if (ps->status == SKY_SCAN_OK) return;
  uint32_t low = atomic_load(&r->lowest_failed);
  while (part < low && !atomic_compare_exchange_weak(&r->lowest_failed, &low, part)) {
  }
}

/* The statement error of a failed partition. */
static void partition_error(const run *r, const part_state *ps, sky_error *err) {
  switch (ps->status) {
  case SKY_SCAN_OVERFLOW: {
    const sky_expr *e = sky_interp_find_expr(r->rt->plan, ps->err_expr);
    sky_error_set(err, SKY_ERR_NUMERIC_OVERFLOW, e ? e->line : 0, e ? e->column : 0, "integer overflow in '%s'",
                  e && e->text ? e->text : "?");
    break;
  }
  case SKY_SCAN_NO_MEMORY: sky_error_set(err, SKY_ERR_OUT_OF_MEMORY, 0, 0, "query memory limit exceeded"); break;
  case SKY_SCAN_STOPPED: sky_rt_stop_error(r->rt, err); break;
  case PART_STORAGE_ERROR:
    if (err) *err = ps->err;
    break;
  default: sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "scan failed with code %d", ps->status); break;
  }
}

/* Merges every partition's table into `merged` in partition order, freeing
 * each once merged. -1 when the budget refuses, -2 when the statement was
 * stopped (a merge of millions of groups takes a while). */
static int merge_partitions(run *r, sky_groups *merged) {
  int rc = 0;
  for (uint32_t p = 0; p < r->src->n_parts; p++) {
    part_state *ps = &r->parts[p];
    if (rc == 0 && sky_rt_should_stop(r->rt)) rc = -2;
    if (rc == 0 && sky_groups_merge(merged, &ps->groups, r->rt) != 0) rc = -1;
    sky_groups_free(&ps->groups);
  }
  return rc;
}

sky_result *sky_select_run_source(sky_runtime *rt, const sky_part_source *src, const sky_colset *need,
                                  const sky_select_opts *opts, sky_error *err) {
  uint32_t n = src->n_parts;
  run r = {.rt = rt, .src = src, .need = need, .scan = opts->scan};
  atomic_init(&r.lowest_failed, n);
  atomic_init(&r.groups_seen, 0);
  atomic_init(&r.parts_seen, 0);
  r.parts = sky_calloc(n + 1, sizeof *r.parts);
  if (!r.parts) {
    sky_error_oom(err);
    return NULL;
  }
  if (opts->pool) {
    sky_pool_run(opts->pool, n, run_partition, &r);
  } else {
    for (uint32_t p = 0; p < n; p++) run_partition(&r, p, 0);
  }
  for (uint32_t w = 0; w < SKY_PARTITIONS; w++) sky_pstream_close(r.spare[w]);
  sky_result *res = NULL;
  uint32_t lowest = atomic_load(&r.lowest_failed);
  if (lowest < n) {
    partition_error(&r, &r.parts[lowest], err);
    for (uint32_t p = 0; p < n; p++) sky_groups_free(&r.parts[p].groups);
  } else {
    sky_groups merged;
    int merged_rc = -1;
    if (sky_groups_init_sized(&merged, rt->plan, &rt->budget, atomic_load(&r.groups_seen) / (n ? n : 1)) != 0 ||
        (merged_rc = merge_partitions(&r, &merged)) != 0 || sky_walk_seed(rt->plan, &merged) != 0) {
      for (uint32_t p = 0; p < n; p++) sky_groups_free(&r.parts[p].groups);
      if (merged_rc == -2)
        sky_rt_stop_error(rt, err);
      else
        sky_error_set(err, SKY_ERR_OUT_OF_MEMORY, 0, 0, "query memory limit exceeded");
    } else if (sky_rt_should_stop(rt)) { /* no finalizing past the deadline */
      sky_rt_stop_error(rt, err);
    } else {
      res = sky_finalize(rt, &rt->budget, &merged, opts->max_result_rows, err);
    }
    sky_groups_free(&merged);
  }
  sky_free(r.parts);
  return res;
}

/* ---- the snapshot as a partition source ------------------------------------------ */

static int snapshot_read(void *ctx, uint32_t part, const sky_colset *need, sky_chunk *out, sky_error *err) {
  return sky_snapshot_read_partition(ctx, part, need, out, err);
}

static int snapshot_stream(void *ctx, uint32_t part, const sky_colset *need, sky_pstream **spare, sky_pstream **it,
                           sky_error *err) {
  return sky_snapshot_stream(ctx, part, need, spare, it, err);
}

static void snapshot_release(void *ctx, sky_chunk *chunk) {
  (void)ctx;
  sky_chunk_release(chunk);
}

sky_result *sky_select_run(const sky_plan *plan, sky_snapshot *snap, const sky_select_opts *opts, sky_error *err) {
  sky_runtime rt;
  if (sky_runtime_prepare(&rt, plan, snap, opts->memory_limit, err) != 0) return NULL;
  rt.deadline_ns = opts->deadline_ns;
  rt.cancel = opts->cancel;
  /* The reader wants a flag per property of the snapshot's schema, which
   * may have grown since the plan was bound. */
  const sky_schema *schema = sky_snapshot_schema(snap);
  uint8_t *props = sky_calloc(schema->n_props + 1, 1);
  if (!props) {
    sky_runtime_free(&rt);
    sky_error_oom(err);
    return NULL;
  }
  for (uint32_t i = 0; i < plan->n_props && i < schema->n_props; i++) props[i] = plan->need_props && plan->need_props[i];
  sky_colset need = {.ts = plan->need_ts || plan->session_gap_us >= 0, .action = plan->need_action, .props = props};
  sky_part_source src = {
      .n_parts = SKY_PARTITIONS, .read = snapshot_read, .release = snapshot_release, .ctx = snap, .stream = snapshot_stream};
  sky_result *res = sky_select_run_source(&rt, &src, &need, opts, err);
  sky_free(props);
  sky_runtime_free(&rt);
  return res;
}
