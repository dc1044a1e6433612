/* aggs.h — the engines' half of the aggregate table (SKY_AGGS, plan.h).
 *
 * Each row of SKY_AGGS has one implementation here, defined with
 * SKY_AGG_IMPL in one of the codegen/agg_*.c files: the words of state it
 * keeps in a group slot (groups.h; all zero in a new slot), how one event's
 * value updates them, how a later partition's state merges in, the result,
 * and what the state owns besides its words. The interpreter calls
 * `update`; the JIT emits inline IR for the hottest rows (jit_agg.c, checked
 * against these by the differential tests) and calls `update` through
 * sky_agg_call_update for every other row; merge, result and release serve
 * both. The table is built from SKY_AGGS, so a row without its
 * implementation is a link error, never a failure at query time.
 */
#ifndef SKY_CODEGEN_AGGS_H
#define SKY_CODEGEN_AGGS_H

#include <stdbool.h>
#include <stdint.h>

#include "codegen/interp.h"
#include "parser/plan.h"

/* What an update may read besides the argument's value. */
typedef struct sky_agg_env {
  const sky_runtime *rt;
  sky_budget *budget; /* the query's memory budget */
  uint64_t obj;       /* the event's object id (SKY_AGGF_OBJECT rows) */
  int64_t session;    /* its session number (SKY_AGGF_SESSION rows) */
} sky_agg_env;

typedef struct sky_agg_impl {
  /* Words of state in a group slot. */
  uint32_t (*words)(const sky_agg *a);
  /* Adds one matching event's argument value `v` (NULL for rows without an
   * argument). For a row with an argument a NULL `v` changes nothing: the
   * JIT applies an aggregate's FILTER by making its input NULL (jit_agg.c).
   * Returns SKY_SCAN_OK or SKY_SCAN_NO_MEMORY. */
  int (*update)(const sky_agg *a, uint64_t *st, sky_ival v, const sky_agg_env *env);
  /* Adds `src`, the state of a later partition, into `dst`. 0, or -1 when
   * over budget. */
  int (*merge)(const sky_agg *a, uint64_t *dst, const uint64_t *src, const sky_agg_env *env);
  /* The aggregate's value; sets *overflow when an INT result does not fit. */
  sky_ival (*result)(const sky_agg *a, const uint64_t *st, uint8_t *overflow);
  /* Frees what the state owns and gives its memory back to `budget`; NULL
   * when the state is its words alone. */
  void (*release)(const sky_agg *a, uint64_t *st, sky_budget *budget);
} sky_agg_impl;

/* Defines the implementation of row NAME; every part is named, so a
 * missing one does not compile. */
#define SKY_AGG_IMPL(NAME, words, update, merge, result, release) \
  const sky_agg_impl sky_agg_impl_##NAME = {words, update, merge, result, release}

#define SKY_X_AGG_DECL(name, text, fn, args, result, unit, flags) extern const sky_agg_impl sky_agg_impl_##name;
SKY_AGGS(SKY_X_AGG_DECL)
#undef SKY_X_AGG_DECL

/* The implementation of row `kind`. */
const sky_agg_impl *sky_agg_impl_of(sky_agg_kind kind);

/* The JIT's call of aggregate `a` of rt->plan: its update with the word `w`
 * (NULL when `null` is nonzero). Returns a SKY_SCAN_* code. */
int sky_agg_call_update(const sky_runtime *rt, uint32_t a, uint64_t *st, uint64_t w, uint32_t null,
                        sky_budget *budget, uint64_t obj, int64_t session);

/* Shared pieces of the implementations. */

/* The word an order-based aggregate (min, max, median, quantile) keeps for
 * the non-NULL input `w` of type `type`: FLOAT values canonical (-0 is 0).
 * False for a NaN, which they ignore. */
static inline bool sky_agg_ordered_word(sky_vtype type, uint64_t w, uint64_t *out) {
  if (type == SKY_VT_FLOAT) {
    double d = as_double(w);
    if (d != d) return false;
    w = sky_canon_float(d);
  }
  *out = w;
  return true;
}

uint32_t sky_agg_one_word(const sky_agg *a);
int sky_agg_add_counts(const sky_agg *a, uint64_t *dst, const uint64_t *src, const sky_agg_env *env);

/* COUNT(DISTINCT x) sets (agg_distinct.c): adds `word` to the set in
 * *set_word, creating it. 0, or -1 over budget. The JIT calls it too. */
int sky_distinct_add(uint64_t *set_word, uint64_t word, sky_budget *budget);

#endif
