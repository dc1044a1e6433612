/* agg_sum.c — sum(x) and avg(x) of INT or FLOAT.
 *
 * State: of INT [lo, hi, n], a 128-bit two's complement sum that cannot
 * overflow within any realistic scan (the result is checked against int64
 * only at the end, so the answer does not depend on the order of
 * partitions); of FLOAT [sum, n], added in path order and merged in
 * partition order, so the result does not depend on threads.
 */
#include "codegen/aggs.h"

static uint32_t words_sum(const sky_agg *a) { return a->arg->type == SKY_VT_FLOAT ? 2 : 3; }

static __int128 sum128(const uint64_t *st) { return (__int128)(((unsigned __int128)st[1] << 64) | st[0]); }

static void add128(uint64_t *st, unsigned __int128 x) {
  unsigned __int128 sum = (((unsigned __int128)st[1] << 64) | st[0]) + x;
  st[0] = (uint64_t)sum;
  st[1] = (uint64_t)(sum >> 64);
}

static int update_sum(const sky_agg *a, uint64_t *st, sky_ival v, const sky_agg_env *env) {
  (void)env;
  if (v.null) return SKY_SCAN_OK;
  if (a->arg->type == SKY_VT_FLOAT) {
    st[0] = double_bits(as_double(st[0]) + as_double(v.w));
    st[1]++;
    return SKY_SCAN_OK;
  }
  add128(st, (unsigned __int128)(__int128)(int64_t)v.w);
  st[2]++;
  return SKY_SCAN_OK;
}

static int merge_sum(const sky_agg *a, uint64_t *dst, const uint64_t *src, const sky_agg_env *env) {
  (void)env;
  if (a->arg->type == SKY_VT_FLOAT) {
    dst[0] = double_bits(as_double(dst[0]) + as_double(src[0]));
    dst[1] += src[1];
  } else {
    add128(dst, ((unsigned __int128)src[1] << 64) | src[0]);
    dst[2] += src[2];
  }
  return 0;
}

static sky_ival result_sum(const sky_agg *a, const uint64_t *st, uint8_t *overflow) {
  if (a->arg->type == SKY_VT_FLOAT) return st[1] ? (sky_ival){st[0], false} : (sky_ival){0, true};
  if (!st[2]) return (sky_ival){0, true};
  __int128 sum = sum128(st);
  if (sum < INT64_MIN || sum > INT64_MAX) {
    *overflow = 1;
    return (sky_ival){0, true};
  }
  return (sky_ival){(uint64_t)(int64_t)sum, false};
}

static sky_ival result_avg(const sky_agg *a, const uint64_t *st, uint8_t *overflow) {
  (void)overflow;
  double avg;
  if (a->arg->type == SKY_VT_FLOAT) {
    if (!st[1]) return (sky_ival){0, true};
    avg = as_double(st[0]) / (double)st[1];
  } else {
    if (!st[2]) return (sky_ival){0, true};
    avg = (double)sum128(st) / (double)st[2];
  }
  return (sky_ival){double_bits(avg), false};
}

SKY_AGG_IMPL(SUM, words_sum, update_sum, merge_sum, result_sum, NULL);
SKY_AGG_IMPL(AVG, words_sum, update_sum, merge_sum, result_avg, NULL);
