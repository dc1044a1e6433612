/* groups.h — the per-partition aggregation table both engines fill.
 *
 * The interpreter and the JIT write the same structure, so one C merge and
 * one finalizer (HAVING, ORDER BY, LIMIT, output) serve both, and a JIT
 * result can be compared word for word with the interpreter's.
 *
 * A table is open-addressed with linear probing over `capacity` slots
 * (a power of two); each slot is `words` uint64 words:
 *
 *   w[0]                 tag: 0 = empty slot, else sky_groups_tag(hash)
 *   w[1 .. n_keys]       group key words (NULL keys hold 0)
 *   w[n_keys + 1]        NULL mask: bit j set when key j is NULL
 *   w[agg->word ...]     aggregate states, laid out by sky_groups_layout()
 *
 * Aggregate state words (all zero in a new slot) are each aggregate's own,
 * described with its implementation (codegen/agg_*.c); FLOAT key words are
 * canonical (sky_canon_float).
 *
 * Determinism: each partition is scanned into its own table, and tables
 * are merged in partition order, so float sums do not depend on threads.
 */
#ifndef SKY_CODEGEN_GROUPS_H
#define SKY_CODEGEN_GROUPS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/hash.h"
#include "parser/plan.h"

/* A query's memory budget, shared by all its tables (atomic). */
typedef struct sky_budget {
  _Atomic size_t used;
  size_t limit;
} sky_budget;

/* Reserves `n` bytes; false (nothing reserved) when over the limit. */
bool sky_budget_take(sky_budget *b, size_t n);
void sky_budget_give(sky_budget *b, size_t n);

typedef struct sky_runtime sky_runtime;

typedef struct sky_groups {
  uint64_t *slots;    /* capacity * words */
  uint64_t capacity;  /* power of two */
  uint64_t count;     /* occupied slots */
  uint64_t grow_at;   /* grow before inserting when count == grow_at */
  uint32_t words;     /* words per slot (plan->slot_words) */
  uint32_t n_keys;
  const sky_plan *plan;
  sky_budget *budget;
} sky_groups;

/* Computes each aggregate's `word` and plan->slot_words. The binder calls
 * it once per plan. */
void sky_groups_layout(sky_plan *plan);

/* Starts an empty table (16 slots). Returns 0, -1 when over budget. */
int sky_groups_init(sky_groups *g, const sky_plan *plan, sky_budget *budget);
/* Starts an empty table with room for `groups` groups before it grows (a
 * size seen on another partition of the same run: growing a large table
 * from 16 slots costs rehashing and fresh pages at every doubling). */
int sky_groups_init_sized(sky_groups *g, const sky_plan *plan, sky_budget *budget, uint64_t groups);
void sky_groups_free(sky_groups *g);

/* The slot tag of a hash: never 0. */
static inline uint64_t sky_groups_tag(uint64_t hash) { return hash | (UINT64_C(1) << 63); }

/* The hash of a key tuple. The JIT emits the same steps (hash.h's mix and
 * combine, this seed) for compiled scans. */
#define SKY_GROUPS_HASH_SEED UINT64_C(0x5ca1ab1e)
static inline uint64_t sky_groups_hash(const uint64_t *keys, uint32_t n_keys, uint64_t null_mask) {
  uint64_t h = sky_hash_u64(null_mask ^ SKY_GROUPS_HASH_SEED);
  for (uint32_t j = 0; j < n_keys; j++) h = sky_hash_combine(h, keys[j]);
  return h;
}

/* Canonical bits of a double used as a key or min/max: -0.0 -> 0.0, every
 * NaN -> one quiet NaN. */
static inline uint64_t sky_canon_float(double d) {
  uint64_t w;
  if (d == 0) d = 0.0;
  if (d != d) return UINT64_C(0x7ff8000000000000);
  memcpy(&w, &d, 8);
  return w;
}

/* Finds the slot of `keys` (n_keys words, NULL keys as 0) or inserts a new
 * zeroed one. Returns a pointer to the slot's w[0], or NULL when the table
 * must grow and the budget refuses. Pointers die at the next insertion. */
uint64_t *sky_groups_upsert(sky_groups *g, const uint64_t *keys, uint64_t null_mask);
/* Doubles the capacity. 0, or -1 over budget. (The JIT calls this.) */
int sky_groups_grow(sky_groups *g);
/* Makes room for `more` new groups in one step (one rehash, its memory
 * charged at once), so a caller that knows how many groups it adds fails
 * over budget before doing the work. 0, or -1 over budget. */
int sky_groups_reserve(sky_groups *g, uint64_t more);

/* Adds every group of `src` into `dst` (same plan), each aggregate by its
 * own merge. Returns 0, or -1 over budget. */
int sky_groups_merge(sky_groups *dst, const sky_groups *src, const sky_runtime *rt);

/* The state of COUNT(DISTINCT x): the number of values in the set. */
uint64_t sky_distinct_count(uint64_t set_word);

#endif
