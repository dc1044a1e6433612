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
 * The values are sorted once, when the result is asked for.
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

/* The element at floor(num/den * (n-1)) of the sorted values, or NULL. */
static sky_ival pick(const sky_agg *a, const uint64_t *st, uint64_t num, uint64_t den) {
  sky_values *s = (sky_values *)(uintptr_t)st[0];
  if (!s || s->n == 0) return (sky_ival){0, true};
  qsort(s->v, (size_t)s->n, 8, a->arg->type == SKY_VT_FLOAT ? cmp_float : cmp_int);
  uint64_t idx = (uint64_t)((unsigned __int128)num * (s->n - 1) / den);
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
