/* agg_first.c — first(x) and last(x), which exist only as
 * agg(x) OVER OBJECT (PATHS.md §5): x at the object's first / last
 * matching event where x is not NULL, in path order.
 *
 * State: [value, seen]. Objects never span partitions, so a merge only
 * ever meets one side with a value; it keeps the earlier partition's for
 * first and the later one's for last, which is deterministic either way.
 */
#include "codegen/aggs.h"

static uint32_t words_first(const sky_agg *a) {
  (void)a;
  return 2;
}

static int update_first(const sky_agg *a, uint64_t *st, sky_ival v, const sky_agg_env *env) {
  (void)env;
  if (v.null || (a->kind == SKY_AGG_FIRST && st[1])) return SKY_SCAN_OK;
  st[0] = a->type == SKY_VT_FLOAT ? sky_canon_float(as_double(v.w)) : v.w;
  st[1] = 1;
  return SKY_SCAN_OK;
}

static int merge_first(const sky_agg *a, uint64_t *dst, const uint64_t *src, const sky_agg_env *env) {
  (void)env;
  if (src[1] && (a->kind == SKY_AGG_LAST || !dst[1])) dst[0] = src[0], dst[1] = 1;
  return 0;
}

static sky_ival result_first(const sky_agg *a, const uint64_t *st, uint8_t *overflow) {
  (void)a, (void)overflow;
  return st[1] ? (sky_ival){st[0], false} : (sky_ival){0, true};
}

SKY_AGG_IMPL(FIRST, words_first, update_first, merge_first, result_first, NULL);
SKY_AGG_IMPL(LAST, words_first, update_first, merge_first, result_first, NULL);
