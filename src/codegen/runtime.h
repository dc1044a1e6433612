/* runtime.h — one execution of a plan against one snapshot, and the C
 * helpers both engines share.
 *
 * sky_runtime_prepare() resolves the plan's runtime constants against the
 * snapshot's dictionaries (codes of literals, rank tables, LIKE and IN
 * tables). Compiled code reads them from the runtime, so a compiled query
 * is reused across snapshots. The rare operations (string comparison across
 * domains, LIKE on non-dictionary strings, the deadline check) are C
 * functions here: the interpreter calls them and the JIT emits calls to
 * them, so each semantic has one definition.
 *
 * Scans: both engines expose the same entry point type, sky_scan_fn, which
 * walks every object of a chunk and updates a group table.
 */
#ifndef SKY_CODEGEN_RUNTIME_H
#define SKY_CODEGEN_RUNTIME_H

#include <stdatomic.h>
#include <stdint.h>

#include "codegen/groups.h"
#include "parser/plan.h"
#include "storage/storage.h"

struct sky_runtime {
  const sky_plan *plan;
  sky_snapshot *snap;        /* not owned */
  uint64_t *rc;              /* [plan->n_rcs]: CODE/RANK values, or table pointers */
  sky_budget budget;         /* query memory */
  int64_t deadline_ns;       /* CLOCK_MONOTONIC; 0 = none */
  atomic_int *cancel;        /* set by another thread to stop; may be NULL */
  void *owned_;              /* internal: tables built by prepare */
};

/* Resolves constants for `snap`. Returns 0 or -1 with err (out_of_memory). */
int sky_runtime_prepare(sky_runtime *rt, const sky_plan *plan, sky_snapshot *snap, size_t memory_limit,
                        sky_error *err);
void sky_runtime_free(sky_runtime *rt);

/* Scan outcome codes. */
enum {
  SKY_SCAN_OK = 0,
  SKY_SCAN_OVERFLOW = 1,  /* INT overflow in expression *err_expr */
  SKY_SCAN_NO_MEMORY = 2, /* budget exceeded */
  SKY_SCAN_STOPPED = 3,   /* deadline passed or cancelled */
};

/* Walks every object of `chunk` (a partition read with the plan's columns)
 * and adds its matching events into `g`. Returns a SKY_SCAN_* code; on
 * OVERFLOW, *err_expr is the id of the expression that overflowed (the first
 * in path order). */
typedef int (*sky_scan_fn)(const sky_runtime *rt, const sky_chunk *chunk, sky_groups *g, uint32_t *err_expr);

/* Engines call this every few thousand objects: nonzero = stop. */
int sky_rt_should_stop(const sky_runtime *rt);
/* The statement's error once it stopped: "query cancelled" when the cancel
 * flag is set, else "query exceeded its time limit" (both `timeout`). */
void sky_rt_stop_error(const sky_runtime *rt, sky_error *err);

/* STR_CMP: compares two strings of any domains by UTF-8 bytes: -1, 0, 1. */
int64_t sky_rt_str_cmp(const sky_runtime *rt, uint32_t dom_a, uint64_t a, uint32_t dom_b, uint64_t b);
/* LIKE on a string of any domain with pattern literal `pattern` (index into
 * plan->literals): 1 or 0. */
int64_t sky_rt_like(const sky_runtime *rt, uint32_t dom, uint64_t word, uint32_t pattern);
/* IN_SET: 1 when the non-NULL value `word` (of the set's type) is in
 * plan->sets[set], else 0 (plan_set.c's sky_in_set_contains). */
int64_t sky_rt_in_set(const sky_runtime *rt, uint32_t set, uint64_t word);
/* The text of a string value: points into the dictionary, the plan, or
 * `tmp` (32 bytes) for day/month buckets. */
void sky_rt_string(const sky_runtime *rt, uint32_t dom, uint64_t word, char *tmp, const char **s, size_t *len);

/* LIKE matching on bytes: `%` any run, `_` one UTF-8 character, no escape,
 * case-sensitive. */
bool sky_like_match(const char *s, size_t slen, const char *p, size_t plen);

#endif
