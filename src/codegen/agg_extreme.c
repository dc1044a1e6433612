/* agg_extreme.c — min(x) and max(x) of any type.
 *
 * State: [value, n]; n = 0 means no input yet. NULL and NaN inputs are
 * ignored, FLOAT values are kept canonical (sky_canon_float), dictionary
 * strings are ordered through the aggregate's rank table (rank_rc), day and
 * month strings by their numbers, other strings by their UTF-8 bytes.
 */
#include "codegen/aggs.h"
#include "codegen/runtime.h"

static uint32_t words_extreme(const sky_agg *a) {
  (void)a;
  return 2;
}

/* Orders two values of the aggregate's type: <0, 0, >0. */
static int compare(const sky_agg *a, uint64_t x, uint64_t y, const sky_runtime *rt) {
  if (a->type == SKY_VT_STRING && a->rank_rc >= 0) {
    const uint32_t *rank = (const uint32_t *)(uintptr_t)rt->rc[a->rank_rc];
    return rank[x] < rank[y] ? -1 : rank[x] > rank[y];
  }
  return sky_interp_sort_cmp(rt, a->type, a->dom, (sky_ival){x, false}, (sky_ival){y, false});
}

/* Keeps `w` (n values seen in all) when it orders before (MIN) or after
 * (MAX) the kept one. */
static void keep(const sky_agg *a, uint64_t *st, uint64_t w, uint64_t n, const sky_runtime *rt) {
  int sign = a->kind == SKY_AGG_MIN ? -1 : 1;
  int c = st[1] == 0 ? sign : compare(a, w, st[0], rt);
  if ((sign < 0 && c < 0) || (sign > 0 && c > 0)) st[0] = w;
  st[1] += n;
}

static int update_extreme(const sky_agg *a, uint64_t *st, sky_ival v, const sky_agg_env *env) {
  uint64_t w;
  if (v.null || !sky_agg_ordered_word(a->type, v.w, &w)) return SKY_SCAN_OK;
  keep(a, st, w, 1, env->rt);
  return SKY_SCAN_OK;
}

static int merge_extreme(const sky_agg *a, uint64_t *dst, const uint64_t *src, const sky_agg_env *env) {
  if (src[1]) keep(a, dst, src[0], src[1], env->rt);
  return 0;
}

static sky_ival result_extreme(const sky_agg *a, const uint64_t *st, uint8_t *overflow) {
  (void)a, (void)overflow;
  return st[1] ? (sky_ival){st[0], false} : (sky_ival){0, true};
}

SKY_AGG_IMPL(MIN, words_extreme, update_extreme, merge_extreme, result_extreme, NULL);
SKY_AGG_IMPL(MAX, words_extreme, update_extreme, merge_extreme, result_extreme, NULL);
