/* jit.h — compiling plans to native scan loops with LLVM (ORC LLJIT), and
 * the cache of compiled queries.
 *
 * A compiled query is a sky_scan_fn (runtime.h): the same entry point as the
 * interpreter, so the query runner treats both engines alike. Code depends
 * only on the plan's structure (indexes of properties, aggregates, runtime
 * constants, literals), never on a snapshot: dictionary-dependent values
 * are read from the runtime. Binding the same statement text against the
 * same schema version yields the same structure, so the cache key is the
 * normalized text plus the schema's uid and version.
 *
 * Thread safety: one sky_jit per database, used by many threads at once.
 */
#ifndef SKY_CODEGEN_JIT_H
#define SKY_CODEGEN_JIT_H

#include <stddef.h>

#include "codegen/runtime.h"
#include "common/buf.h"
#include "parser/plan.h"

typedef struct sky_jit sky_jit;
typedef struct sky_jit_query sky_jit_query;

/* Initializes LLVM's native target (once per process) and an empty cache
 * bounded to `cache_entries` compiled queries (0 = default 256). */
sky_jit *sky_jit_create(size_t cache_entries, sky_error *err);
void sky_jit_free(sky_jit *jit);

/* The compiled scan of `plan`, from the cache when `key` (normalized text)
 * and the plan's schema uid/version match, else compiled now. Failures of
 * LLVM are errors (internal), never a silent fallback. Release the query
 * with sky_jit_query_release() after the run (it stays cached). */
sky_jit_query *sky_jit_get(sky_jit *jit, const sky_plan *plan, const char *key, sky_error *err);
sky_scan_fn sky_jit_query_fn(const sky_jit_query *q);
void sky_jit_query_release(sky_jit_query *q);

/* The compile budget. LLVM's time grows faster than the size of the code
 * it is given, so a plan is first weighed: sky_jit_plan_cost() estimates
 * the IR a plan makes from its per-event expressions (weighted by what
 * each operator emits: INT arithmetic with its overflow branch and the
 * items of an inline IN, which each guard the next, weigh most), its
 * group keys and its aggregates. Plans costing more than SKY_JIT_BUDGET,
 * about one second of compiling on the reference machine (BENCHMARKS.md),
 * are not compiled: they run on the interpreter, which gives the same
 * answer, so no query holds a statement worker in LLVM for long.
 * PROTOCOL.md lists the budget among the limits. */
#define SKY_JIT_BUDGET 4096
uint64_t sky_jit_plan_cost(const sky_plan *plan);
static inline bool sky_jit_within_budget(const sky_plan *plan) { return sky_jit_plan_cost(plan) <= SKY_JIT_BUDGET; }

/* EXPLAIN IR: the optimized LLVM IR of the plan's scan, as text; for a
 * plan over the compile budget, one line saying it runs on the
 * interpreter instead (nothing is compiled). */
int sky_jit_explain_ir(sky_jit *jit, const sky_plan *plan, sky_buf *out, sky_error *err);

/* Whether the JIT compiles plans of this kind; the others run on the
 * interpreter. Every kind: SELECT, and the path statements' per-event part
 * (jit_path.c); with OVER OBJECT, a pre-pass per object (jit_object.c). A
 * new plan kind that the JIT cannot compile yet is listed here as false. */
static inline bool sky_jit_compiles(const sky_plan *plan) {
  return plan->kind < SKY_PLAN_KIND_COUNT_;
}

/* Statistics for benchmarks and tests. */
typedef struct sky_jit_stats {
  uint64_t compiles, cache_hits, evictions;
  double last_compile_ms;
} sky_jit_stats;
void sky_jit_get_stats(sky_jit *jit, sky_jit_stats *out);

#endif
