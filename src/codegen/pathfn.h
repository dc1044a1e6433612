/* pathfn.h — next, prev and nth (PATHS.md §4) on an object's path, one
 * definition for both engines.
 *
 * Before an object's events are walked, the engine (interp.c's pre-pass,
 * or the compiled one in jit_pathfn.c) evaluates every path function's x
 * and condition at each of the object's m events, in path order, into the
 * arrays of a sky_pathfn_buf, with each event's session number; then
 * sky_pathfn_resolve computes every function's value at every event in
 * O(m) per function, and the walk reads them back by the event's index in
 * the object. No look-ahead is repeated per event, so an object of any
 * length costs linear time.
 *
 * Layout, for an object of m events (all arrays m words, path order): for
 * path function f, at base + (SKY_PATHFN_ARRAYS * f + k) * m, k one of the
 * SKY_PATHFN_* below; then the session numbers (SKY_PATHFN_SESSION), then
 * the resolver's scratch: (3 f + 2) words per event in all. The values
 * replace x in place (next reads x only at later events, so it fills
 * from the first event on; prev from the last). Words are canonical: a NULL's word is 0, a
 * FLOAT's is sky_canon_float's (so -0 = 0 and NaN = NaN when DISTINCT
 * compares), a BOOL's 0/1.
 */
#ifndef SKY_CODEGEN_PATHFN_H
#define SKY_CODEGEN_PATHFN_H

#include <stdint.h>

#include "codegen/groups.h"
#include "parser/plan.h"

enum {
  SKY_PATHFN_X = 0,  /* x's word at the event */
  SKY_PATHFN_X_NULL, /* 1: x is NULL there */
  SKY_PATHFN_COND,   /* 1: the condition is TRUE there */
  SKY_PATHFN_ARRAYS,
  /* after sky_pathfn_resolve, in place of x: the function's value at the
   * event and its NULL flag */
  SKY_PATHFN_OUT = SKY_PATHFN_X,
  SKY_PATHFN_OUT_NULL = SKY_PATHFN_X_NULL,
};

typedef struct sky_pathfn_buf {
  uint64_t *base;
  uint64_t cap_words;  /* allocated */
  sky_budget *budget;  /* charged for the allocation (NULL: none) */
} sky_pathfn_buf;

/* The word index of array k of path function f (f = n_fns: the session
 * numbers, k = 0) for an object of m events. */
static inline uint64_t sky_pathfn_at(uint32_t f, uint32_t k, uint64_t m) {
  return ((uint64_t)SKY_PATHFN_ARRAYS * f + k) * m;
}

/* Room for an object of m events of `plan`'s path functions: the base of
 * the arrays, or NULL when out of memory (the query's budget or the
 * allocator). */
uint64_t *sky_pathfn_reserve(sky_pathfn_buf *pb, const sky_plan *plan, uint64_t m);
/* Frees the arrays and gives back their charge. */
void sky_pathfn_release(sky_pathfn_buf *pb);
/* Replaces every function's inputs by its values (OUT, OUT_NULL), using
 * the session numbers, for an object of m events. */
void sky_pathfn_resolve(const sky_plan *plan, uint64_t *base, uint64_t m);

/* The compiled scan's view (jit_pathfn.c): a buffer on the heap. */
void *sky_pathfn_jit_open(sky_budget *budget);
void sky_pathfn_jit_close(void *pb);
uint64_t *sky_pathfn_jit_reserve(void *pb, const sky_runtime *rt, uint64_t m);
void sky_pathfn_jit_resolve(const sky_runtime *rt, uint64_t *base, uint64_t m);

#endif
