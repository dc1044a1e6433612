/* groups.c — the aggregation table shared by both engines (see groups.h for
 * the slot layout), its merge, and the COUNT(DISTINCT x) sets.
 *
 * Everything here is C called at most once per new group (upsert, grow) or
 * once per distinct insertion; the per-event updates of existing groups are
 * done inline by the engines. Memory is charged to the query's budget so a
 * runaway GROUP BY ends in a clean out_of_memory error.
 */
#include "codegen/groups.h"

#include <math.h>

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

/* Words of state per aggregate kind and argument type. */
static uint32_t agg_words(const sky_agg *a) {
  switch (a->kind) {
  case SKY_AGG_COUNT_ALL:
  case SKY_AGG_COUNT:
  case SKY_AGG_COUNT_DISTINCT: return 1;
  case SKY_AGG_OBJECTS: return 2;
  case SKY_AGG_SESSIONS: return 3;
  case SKY_AGG_SUM:
  case SKY_AGG_AVG: return a->arg && a->arg->type == SKY_VT_FLOAT ? 2 : 3;
  case SKY_AGG_MIN:
  case SKY_AGG_MAX: return 2;
  default: return 1;
  }
}

void sky_groups_layout(sky_plan *plan) {
  uint32_t w = plan->n_keys + 2; /* tag, keys, NULL mask */
  for (uint32_t i = 0; i < plan->n_aggs; i++) {
    plan->aggs[i].word = w;
    w += agg_words(&plan->aggs[i]);
  }
  plan->slot_words = w;
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
  memset(g, 0, sizeof *g);
  g->plan = plan;
  g->budget = budget;
  g->words = plan->slot_words;
  g->n_keys = plan->n_keys;
  return alloc_slots(g, 16);
}

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

void sky_groups_free(sky_groups *g) {
  if (!g->slots) return;
  const sky_plan *p = g->plan;
  for (uint32_t a = 0; a < p->n_aggs; a++) {
    if (p->aggs[a].kind != SKY_AGG_COUNT_DISTINCT) continue;
    for (uint64_t s = 0; s < g->capacity; s++) {
      uint64_t *slot = g->slots + s * g->words;
      if (slot[0]) distinct_free((sky_distinct *)(uintptr_t)slot[p->aggs[a].word], g->budget);
    }
  }
  if (g->budget) sky_budget_give(g->budget, (size_t)g->capacity * g->words * sizeof(uint64_t));
  sky_free(g->slots);
  memset(g, 0, sizeof *g);
}

int sky_groups_grow(sky_groups *g) {
  uint64_t *old = g->slots;
  uint64_t old_cap = g->capacity;
  if (alloc_slots(g, old_cap * 2) != 0) return -1;
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

/* ---- COUNT(DISTINCT x) sets ---------------------------------------------- */

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

/* ---- merge --------------------------------------------------------------- */

/* Orders two MIN/MAX values of an aggregate: <0, 0, >0. */
static int compare_values(const sky_agg *a, uint64_t x, uint64_t y, const sky_runtime *rt) {
  switch (a->type) {
  case SKY_VT_INT: return (int64_t)x < (int64_t)y ? -1 : (int64_t)x > (int64_t)y;
  case SKY_VT_BOOL:
  case SKY_VT_OBJECT: return x < y ? -1 : x > y;
  case SKY_VT_FLOAT: {
    double dx, dy;
    memcpy(&dx, &x, 8);
    memcpy(&dy, &y, 8);
    return dx < dy ? -1 : dx > dy;
  }
  case SKY_VT_STRING:
    if (a->rank_rc >= 0) {
      const uint32_t *rank = (const uint32_t *)(uintptr_t)rt->rc[a->rank_rc];
      return rank[x] < rank[y] ? -1 : rank[x] > rank[y];
    }
    if (a->dom == SKY_DOM_DAY || a->dom == SKY_DOM_MONTH) return (int64_t)x < (int64_t)y ? -1 : (int64_t)x > (int64_t)y;
    return (int)sky_rt_str_cmp(rt, a->dom, x, a->dom, y);
  default: return 0;
  }
}

static void add128(uint64_t *lo_hi, uint64_t lo, uint64_t hi) {
  unsigned __int128 a = ((unsigned __int128)lo_hi[1] << 64) | lo_hi[0];
  unsigned __int128 b = ((unsigned __int128)hi << 64) | lo;
  a += b;
  lo_hi[0] = (uint64_t)a;
  lo_hi[1] = (uint64_t)(a >> 64);
}

static int merge_agg(const sky_agg *a, uint64_t *d, const uint64_t *s, const sky_runtime *rt, sky_budget *budget) {
  switch (a->kind) {
  case SKY_AGG_COUNT_ALL:
  case SKY_AGG_COUNT:
  case SKY_AGG_OBJECTS:
  case SKY_AGG_SESSIONS: d[0] += s[0]; return 0; /* last_obj words are scan-local */
  case SKY_AGG_COUNT_DISTINCT: return distinct_merge(d, s[0], budget);
  case SKY_AGG_SUM:
  case SKY_AGG_AVG:
    if (a->arg && a->arg->type == SKY_VT_FLOAT) {
      double x, y;
      memcpy(&x, &d[0], 8);
      memcpy(&y, &s[0], 8);
      x += y;
      memcpy(&d[0], &x, 8);
      d[1] += s[1];
    } else {
      add128(d, s[0], s[1]);
      d[2] += s[2];
    }
    return 0;
  case SKY_AGG_MIN:
  case SKY_AGG_MAX:
    if (!s[1]) return 0;
    if (!d[1]) {
      d[0] = s[0];
    } else {
      int c = compare_values(a, s[0], d[0], rt);
      if ((a->kind == SKY_AGG_MIN && c < 0) || (a->kind == SKY_AGG_MAX && c > 0)) d[0] = s[0];
    }
    d[1] += s[1];
    return 0;
  default: return 0;
  }
}

int sky_groups_merge(sky_groups *dst, const sky_groups *src, const sky_runtime *rt) {
  const sky_plan *p = dst->plan;
  for (uint64_t i = 0; i < src->capacity; i++) {
    const uint64_t *s = src->slots + i * src->words;
    if (!s[0]) continue;
    uint64_t *d = sky_groups_upsert(dst, s + 1, s[src->n_keys + 1]);
    if (!d) return -1;
    for (uint32_t a = 0; a < p->n_aggs; a++)
      if (merge_agg(&p->aggs[a], d + p->aggs[a].word, s + p->aggs[a].word, rt, dst->budget) != 0) return -1;
  }
  return 0;
}
