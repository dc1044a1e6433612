/* plan_set.c — the constant sets of large IN lists (SKY_OP_IN_SET): built
 * by the binder, tested by both engines through one function.
 *
 * A set holds one 64-bit key per distinct item, sorted as unsigned words,
 * so membership is a binary search whatever the type: the key of a value
 * is its word, with the two FLOAT exceptions that make key equality the
 * plan's = (a NaN has no key: it equals nothing; -0 has the key of +0).
 * The order of keys means nothing beyond that; no engine compares them
 * otherwise. Order and repetition of the items do not matter: with
 * constant items, an IN's outcome is TRUE when some item equals x, else
 * NULL when x or an item is NULL, else FALSE, and constants raise no
 * error that stopping at the first equal item could skip.
 */
#include <stdlib.h>
#include <string.h>

#include "parser/plan.h"

static const uint64_t FLOAT_SIGN = (uint64_t)1 << 63;
static const uint64_t FLOAT_EXP = (uint64_t)0x7FF << 52;

/* The key of a non-NULL value: false when it equals nothing (NaN). */
static bool key_of(sky_vtype type, uint64_t word, uint64_t *key) {
  if (type == SKY_VT_FLOAT) {
    if ((word & FLOAT_EXP) == FLOAT_EXP && (word & ~(FLOAT_SIGN | FLOAT_EXP)) != 0) return false; /* NaN */
    if (word == FLOAT_SIGN) word = 0;                                                           /* -0 */
  }
  *key = word;
  return true;
}

static int cmp_keys(const void *x, const void *y) {
  uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
  return a < b ? -1 : a > b;
}

int sky_in_set_build(sky_in_set *set, sky_vtype type, const sky_const *items, uint32_t n, sky_arena *arena) {
  uint64_t *keys = sky_arena_alloc(arena, sizeof *keys * (n ? n : 1));
  if (!keys) return -1;
  memset(set, 0, sizeof *set);
  set->type = type;
  uint32_t k = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (items[i].is_null) set->has_null = true;
    else if (key_of(type, items[i].word, &keys[k])) k++;
  }
  qsort(keys, k, sizeof *keys, cmp_keys);
  uint32_t distinct = 0;
  for (uint32_t i = 0; i < k; i++)
    if (distinct == 0 || keys[distinct - 1] != keys[i]) keys[distinct++] = keys[i];
  set->n = distinct;
  set->keys = keys;
  return 0;
}

bool sky_in_set_contains(const sky_in_set *set, uint64_t word) {
  uint64_t key;
  if (!key_of(set->type, word, &key)) return false;
  uint32_t lo = 0, hi = set->n; /* the first key >= key is in [lo, hi] */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (set->keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo < set->n && set->keys[lo] == key;
}
