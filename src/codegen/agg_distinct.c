/* agg_distinct.c — count(DISTINCT x) for x other than the object: a hash
 * set of the value words per group (FLOAT values canonical, so -0 = 0 and
 * every NaN is one value), whose pointer is the state's one word. Memory is
 * charged to the query's budget. */
#include <string.h>

#include "codegen/aggs.h"
#include "common/alloc.h"
#include "common/hash.h"

typedef struct sky_distinct {
  uint64_t *slots; /* 0 = empty; the value 0 itself is tracked by has_zero */
  uint64_t capacity, count;
  bool has_zero;
} sky_distinct;

static void distinct_free(sky_distinct *d, sky_budget *budget) {
  if (!d) return;
  if (budget) sky_budget_give(budget, (size_t)d->capacity * 8 + sizeof *d);
  sky_free(d->slots);
  sky_free(d);
}


static int distinct_insert(sky_distinct *d, uint64_t v) {
  uint64_t mask = d->capacity - 1;
  uint64_t i = sky_hash_u64(v) & mask;
  while (d->slots[i]) {
    if (d->slots[i] == v) return 0;
    i = (i + 1) & mask;
  }
  d->slots[i] = v;
  d->count++;
  return 1;
}

static int distinct_grow(sky_distinct *d, sky_budget *budget) {
  uint64_t cap = d->capacity ? d->capacity * 2 : 16;
  if (budget && !sky_budget_take(budget, (size_t)(cap - d->capacity) * 8)) return -1;
  uint64_t *slots = sky_calloc((size_t)cap, 8);
  if (!slots) {
    if (budget) sky_budget_give(budget, (size_t)(cap - d->capacity) * 8);
    return -1;
  }
  uint64_t *old = d->slots;
  uint64_t old_cap = d->capacity;
  d->slots = slots;
  d->capacity = cap;
  d->count = 0;
  for (uint64_t i = 0; i < old_cap; i++)
    if (old[i]) distinct_insert(d, old[i]);
  sky_free(old);
  return 0;
}

int sky_distinct_add(uint64_t *set_word, uint64_t word, sky_budget *budget) {
  sky_distinct *d = (sky_distinct *)(uintptr_t)*set_word;
  if (!d) {
    if (budget && !sky_budget_take(budget, sizeof *d)) return -1;
    d = sky_calloc(1, sizeof *d);
    if (!d) {
      if (budget) sky_budget_give(budget, sizeof *d);
      return -1;
    }
    *set_word = (uint64_t)(uintptr_t)d;
  }
  if (word == 0) {
    d->has_zero = true;
    return 0;
  }
  if ((d->count + 1) * 2 > d->capacity && distinct_grow(d, budget) != 0) return -1;
  distinct_insert(d, word);
  return 0;
}

uint64_t sky_distinct_count(uint64_t set_word) {
  const sky_distinct *d = (const sky_distinct *)(uintptr_t)set_word;
  return d ? d->count + (d->has_zero ? 1 : 0) : 0;
}

static int distinct_merge(uint64_t *dst_word, uint64_t src_word, sky_budget *budget) {
  const sky_distinct *s = (const sky_distinct *)(uintptr_t)src_word;
  if (!s) return 0;
  if (s->has_zero && sky_distinct_add(dst_word, 0, budget) != 0) return -1;
  for (uint64_t i = 0; i < s->capacity; i++)
    if (s->slots[i] && sky_distinct_add(dst_word, s->slots[i], budget) != 0) return -1;
  return 0;
}

static int update_distinct(const sky_agg *a, uint64_t *st, sky_ival v, const sky_agg_env *env) {
  if (v.null) return SKY_SCAN_OK;
  uint64_t w = a->arg->type == SKY_VT_FLOAT ? sky_canon_float(as_double(v.w)) : v.w;
  return sky_distinct_add(&st[0], w, env->budget) == 0 ? SKY_SCAN_OK : SKY_SCAN_NO_MEMORY;
}

static int merge_distinct(const sky_agg *a, uint64_t *dst, const uint64_t *src, const sky_agg_env *env) {
  (void)a;
  return distinct_merge(&dst[0], src[0], env->budget);
}

static sky_ival result_distinct(const sky_agg *a, const uint64_t *st, uint8_t *overflow) {
  (void)a, (void)overflow;
  return (sky_ival){sky_distinct_count(st[0]), false};
}

static void release_distinct(const sky_agg *a, uint64_t *st, sky_budget *budget) {
  (void)a;
  distinct_free((sky_distinct *)(uintptr_t)st[0], budget);
  st[0] = 0;
}

SKY_AGG_IMPL(COUNT_DISTINCT, sky_agg_one_word, update_distinct, merge_distinct, result_distinct, release_distinct);
