/* groups.c — the aggregation table shared by both engines (see groups.h for
 * the slot layout) and its merge.
 *
 * Everything here is C called at most once per new group (upsert, grow);
 * the per-event updates of existing groups are the aggregates' own
 * (aggs.h); merging and freeing go through the same aggregate table.
 * Memory is charged to the query's budget so a runaway GROUP BY ends in a
 * clean out_of_memory error.
 */
#include "codegen/groups.h"

#include "codegen/aggs.h"
#include "codegen/runtime.h"
#include "common/alloc.h"

bool sky_budget_take(sky_budget *b, size_t n) {
  size_t prev = atomic_fetch_add(&b->used, n);
  if (b->limit && prev + n > b->limit) {
    atomic_fetch_sub(&b->used, n);
    return false;
  }
  return true;
}

void sky_budget_give(sky_budget *b, size_t n) { atomic_fetch_sub(&b->used, n); }

void sky_groups_layout(sky_plan *plan) {
  uint32_t w = plan->n_keys + 2; /* tag, keys, NULL mask */
  for (uint32_t i = 0; i < plan->n_aggs; i++) {
    plan->aggs[i].word = w;
    w += sky_agg_impl_of(plan->aggs[i].kind)->words(&plan->aggs[i]);
  }
  plan->slot_words = w;
  uint32_t o = 0; /* agg(x) OVER OBJECT: the object's own state */
  for (uint32_t i = 0; i < plan->n_obj_aggs; i++) {
    plan->obj_aggs[i].word = o;
    o += sky_agg_impl_of(plan->obj_aggs[i].kind)->words(&plan->obj_aggs[i]);
  }
  plan->obj_words = o;
}

static int alloc_slots(sky_groups *g, uint64_t capacity) {
  size_t bytes = (size_t)capacity * g->words * sizeof(uint64_t);
  if (g->budget && !sky_budget_take(g->budget, bytes)) return -1;
  uint64_t *slots = sky_calloc((size_t)capacity * g->words, sizeof(uint64_t));
  if (!slots) {
    if (g->budget) sky_budget_give(g->budget, bytes);
    return -1;
  }
  g->slots = slots;
  g->capacity = capacity;
  g->grow_at = capacity / 2; /* load factor 1/2: short probes for the inline JIT path */
  return 0;
}

int sky_groups_init(sky_groups *g, const sky_plan *plan, sky_budget *budget) {
  return sky_groups_init_sized(g, plan, budget, 0);
}

int sky_groups_init_sized(sky_groups *g, const sky_plan *plan, sky_budget *budget, uint64_t groups) {
  memset(g, 0, sizeof *g);
  g->plan = plan;
  g->budget = budget;
  g->words = plan->slot_words;
  g->n_keys = plan->n_keys;
  uint64_t capacity = 16;
  while (capacity / 2 <= groups && capacity < (UINT64_C(1) << 40)) capacity *= 2;
  return alloc_slots(g, capacity);
}

void sky_groups_free(sky_groups *g) {
  if (!g->slots) return;
  const sky_plan *p = g->plan;
  for (uint32_t a = 0; a < p->n_aggs; a++) {
    const sky_agg_impl *impl = sky_agg_impl_of(p->aggs[a].kind);
    if (!impl->release) continue;
    for (uint64_t s = 0; s < g->capacity; s++) {
      uint64_t *slot = g->slots + s * g->words;
      if (slot[0]) impl->release(&p->aggs[a], slot + p->aggs[a].word, g->budget);
    }
  }
  if (g->budget) sky_budget_give(g->budget, (size_t)g->capacity * g->words * sizeof(uint64_t));
  sky_free(g->slots);
  memset(g, 0, sizeof *g);
}

/* Moves every group into a table of `capacity` slots (a power of two). */
static int rehash_to(sky_groups *g, uint64_t capacity) {
  uint64_t *old = g->slots;
  uint64_t old_cap = g->capacity;
  if (alloc_slots(g, capacity) != 0) return -1;
  uint64_t mask = g->capacity - 1;
  for (uint64_t s = 0; s < old_cap; s++) {
    const uint64_t *src = old + s * g->words;
    if (!src[0]) continue;
    uint64_t i = src[0] & mask;
    while (g->slots[i * g->words]) i = (i + 1) & mask;
    memcpy(g->slots + i * g->words, src, g->words * sizeof(uint64_t));
  }
  if (g->budget) sky_budget_give(g->budget, (size_t)old_cap * g->words * sizeof(uint64_t));
  sky_free(old);
  return 0;
}

int sky_groups_grow(sky_groups *g) { return rehash_to(g, g->capacity * 2); }

int sky_groups_reserve(sky_groups *g, uint64_t more) {
  uint64_t capacity = g->capacity;
  while (capacity / 2 < g->count + more) {
    if (capacity >= (UINT64_C(1) << 40)) return -1;
    capacity *= 2;
  }
  return capacity == g->capacity ? 0 : rehash_to(g, capacity);
}

static bool same_key(const uint64_t *slot, uint64_t tag, const uint64_t *keys, uint32_t n_keys, uint64_t mask) {
  if (slot[0] != tag || slot[n_keys + 1] != mask) return false;
  for (uint32_t j = 0; j < n_keys; j++)
    if (slot[1 + j] != keys[j]) return false;
  return true;
}

uint64_t *sky_groups_upsert(sky_groups *g, const uint64_t *keys, uint64_t null_mask) {
  uint64_t tag = sky_groups_tag(sky_groups_hash(keys, g->n_keys, null_mask));
  for (;;) {
    uint64_t mask = g->capacity - 1;
    uint64_t i = tag & mask;
    for (;;) {
      uint64_t *slot = g->slots + i * g->words;
      if (!slot[0]) break;
      if (same_key(slot, tag, keys, g->n_keys, null_mask)) return slot;
      i = (i + 1) & mask;
    }
    if (g->count >= g->grow_at) {
      if (sky_groups_grow(g) != 0) return NULL;
      continue; /* positions moved: probe again */
    }
    uint64_t *slot = g->slots + i * g->words;
    slot[0] = tag;
    memcpy(slot + 1, keys, g->n_keys * sizeof(uint64_t));
    slot[g->n_keys + 1] = null_mask;
    g->count++;
    return slot;
  }
}

/* ---- merge --------------------------------------------------------------- */

int sky_groups_merge(sky_groups *dst, const sky_groups *src, const sky_runtime *rt) {
  const sky_plan *p = dst->plan;
  sky_agg_env env = {.rt = rt, .budget = dst->budget};
  for (uint64_t i = 0; i < src->capacity; i++) {
    const uint64_t *s = src->slots + i * src->words;
    if (!s[0]) continue;
    uint64_t *d = sky_groups_upsert(dst, s + 1, s[src->n_keys + 1]);
    if (!d) return -1;
    for (uint32_t a = 0; a < p->n_aggs; a++)
      if (sky_agg_impl_of(p->aggs[a].kind)->merge(&p->aggs[a], d + p->aggs[a].word, s + p->aggs[a].word, &env) != 0)
        return -1;
  }
  return 0;
}
