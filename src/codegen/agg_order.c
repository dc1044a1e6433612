/* agg_order.c — median(x) and quantile(x, q): exact order statistics of
 * the non-NULL inputs, of the input's type (PATHS.md §0, §9).
 *
 * The lower median of n values is the element at 0-based index
 * floor((n-1)/2) of the sorted values; quantile(x, q) the element at
 * floor(q(n-1)), computed exactly from the decimal literal q = q_num/q_den
 * in 128-bit integers. NaN inputs are ignored (as min and max ignore them);
 * FLOAT values are kept canonical, so -0 and 0 are one value.
 *
 * State: one word, a pointer to the group's values (sky_values), created
 * on the first input. Every value is kept — exactness needs them — and
 * charged to the query's memory budget, so a group too large for the
 * budget ends the query with out_of_memory rather than an approximation.
 * The value of the asked rank is found when the result is asked for
 * (select_rank: quickselect, not a full sort).
 */
#include <stdlib.h>
#include <string.h>

#include "codegen/aggs.h"
#include "common/alloc.h"

typedef struct sky_values {
  uint64_t n, cap;
  uint64_t *v; /* INT or canonical FLOAT words */
} sky_values;

static int values_push(uint64_t *st, const uint64_t *w, uint64_t n, sky_budget *budget) {
  sky_values *s = (sky_values *)(uintptr_t)st[0];
  if (!s) {
    if (budget && !sky_budget_take(budget, sizeof *s)) return -1;
    s = sky_calloc(1, sizeof *s);
    if (!s) {
      if (budget) sky_budget_give(budget, sizeof *s);
      return -1;
    }
    st[0] = (uint64_t)(uintptr_t)s;
  }
  if (s->n + n > s->cap) {
    uint64_t cap = s->cap ? s->cap : 8;
    while (cap < s->n + n) cap *= 2;
    if (budget && !sky_budget_take(budget, (size_t)(cap - s->cap) * 8)) return -1;
    uint64_t *v = sky_realloc(s->v, (size_t)cap * 8);
    if (!v) {
      if (budget) sky_budget_give(budget, (size_t)(cap - s->cap) * 8);
      return -1;
    }
    s->v = v;
    s->cap = cap;
  }
  memcpy(s->v + s->n, w, (size_t)n * 8);
  s->n += n;
  return 0;
}

static int update_order(const sky_agg *a, uint64_t *st, sky_ival v, const sky_agg_env *env) {
  uint64_t w;
  if (v.null || !sky_agg_ordered_word(a->arg->type, v.w, &w)) return SKY_SCAN_OK;
  return values_push(st, &w, 1, env->budget) == 0 ? SKY_SCAN_OK : SKY_SCAN_NO_MEMORY;
}

static int merge_order(const sky_agg *a, uint64_t *dst, const uint64_t *src, const sky_agg_env *env) {
  (void)a;
  const sky_values *s = (const sky_values *)(uintptr_t)src[0];
  return s && s->n ? values_push(dst, s->v, s->n, env->budget) : 0;
}

static int cmp_int(const void *x, const void *y) {
  int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
  return a < b ? -1 : a > b;
}

static int cmp_float(const void *x, const void *y) {
  double a = as_double(*(const uint64_t *)x), b = as_double(*(const uint64_t *)y);
  return a < b ? -1 : a > b;
}

static bool less(bool fl, uint64_t a, uint64_t b) { return fl ? as_double(a) < as_double(b) : (int64_t)a < (int64_t)b; }

static void swap_words(uint64_t *a, uint64_t *b) {
  uint64_t t = *a;
  *a = *b;
  *b = t;
}

/* Moves the value of rank `idx` (0-based, in sorted order) to v[idx]:
 * quickselect with a median-of-three pivot, O(n) on real data; a range
 * that keeps shrinking slowly (an adversarial order) is sorted instead, so
 * the worst case stays O(n log n). The value at a rank does not depend on
 * how it is found: the answer is the sorted definition's. */
static void select_rank(uint64_t *v, int64_t n, int64_t idx, bool fl) {
  int64_t lo = 0, hi = n - 1;
  int rounds = 16;
  for (int64_t m = n; m > 1; m >>= 1) rounds += 2;
  while (hi > lo) {
    if (rounds-- == 0) {
      qsort(v + lo, (size_t)(hi - lo + 1), 8, fl ? cmp_float : cmp_int);
      return;
    }
    int64_t mid = lo + (hi - lo) / 2;
    if (less(fl, v[mid], v[lo])) swap_words(&v[mid], &v[lo]);
    if (less(fl, v[hi], v[lo])) swap_words(&v[hi], &v[lo]);
    if (less(fl, v[hi], v[mid])) swap_words(&v[hi], &v[mid]);
    uint64_t pivot = v[mid];
    int64_t i = lo, j = hi;
    while (i <= j) { /* Hoare: [lo, j] <= pivot <= [i, hi] */
      while (less(fl, v[i], pivot)) i++;
      while (less(fl, pivot, v[j])) j--;
      if (i <= j) swap_words(&v[i++], &v[j--]);
    }
    if (idx <= j) hi = j;
    else if (idx >= i) lo = i;
    else return; /* between: equal to the pivot */
  }
}

/* The element at floor(num/den * (n-1)) of the sorted values, or NULL. */
static sky_ival pick(const sky_agg *a, const uint64_t *st, uint64_t num, uint64_t den) {
  sky_values *s = (sky_values *)(uintptr_t)st[0];
  if (!s || s->n == 0) return (sky_ival){0, true};
  uint64_t idx = (uint64_t)((unsigned __int128)num * (s->n - 1) / den);
  select_rank(s->v, (int64_t)s->n, (int64_t)idx, a->arg->type == SKY_VT_FLOAT);
  return (sky_ival){s->v[idx], false};
}

static sky_ival result_median(const sky_agg *a, const uint64_t *st, uint8_t *overflow) {
  (void)overflow;
  return pick(a, st, 1, 2);
}

static sky_ival result_quantile(const sky_agg *a, const uint64_t *st, uint8_t *overflow) {
  (void)overflow;
  return pick(a, st, a->q_num, a->q_den);
}

static void release_order(const sky_agg *a, uint64_t *st, sky_budget *budget) {
  (void)a;
  sky_values *s = (sky_values *)(uintptr_t)st[0];
  if (!s) return;
  if (budget) sky_budget_give(budget, (size_t)s->cap * 8 + sizeof *s);
  sky_free(s->v);
  sky_free(s);
  st[0] = 0;
}

SKY_AGG_IMPL(MEDIAN, sky_agg_one_word, update_order, merge_order, result_median, release_order);
SKY_AGG_IMPL(QUANTILE, sky_agg_one_word, update_order, merge_order, result_quantile, release_order);
