/* agg_moments.c — stddev(x): the population standard deviation of the
 * non-NULL INT or FLOAT inputs, as FLOAT; NULL over no inputs, 0 over one.
 *
 * State: [n, mean, m2] (n a count, mean and m2 doubles): Welford's update
 * per input, in path order, and Chan's pairwise formula to merge a later
 * partition's state, so the result depends only on the data and the
 * partition order, never on threads. A NaN input makes the result NaN.
 */
#include <math.h>

#include "codegen/aggs.h"

static uint32_t words_moments(const sky_agg *a) {
  (void)a;
  return 3;
}

static double input(const sky_agg *a, uint64_t w) {
  return a->arg->type == SKY_VT_FLOAT ? as_double(w) : (double)(int64_t)w;
}

static int update_moments(const sky_agg *a, uint64_t *st, sky_ival v, const sky_agg_env *env) {
  (void)env;
  if (v.null) return SKY_SCAN_OK;
  double x = input(a, v.w), mean = as_double(st[1]), m2 = as_double(st[2]);
  uint64_t n = ++st[0];
  double delta = x - mean;
  mean += delta / (double)n;
  m2 += delta * (x - mean);
  st[1] = double_bits(mean);
  st[2] = double_bits(m2);
  return SKY_SCAN_OK;
}

static int merge_moments(const sky_agg *a, uint64_t *dst, const uint64_t *src, const sky_agg_env *env) {
  (void)a, (void)env;
  if (!src[0]) return 0;
  if (!dst[0]) {
    dst[0] = src[0], dst[1] = src[1], dst[2] = src[2];
    return 0;
  }
  double na = (double)dst[0], nb = (double)src[0], n = na + nb;
  double ma = as_double(dst[1]), mb = as_double(src[1]);
  double delta = mb - ma;
  dst[1] = double_bits(ma + delta * (nb / n));
  dst[2] = double_bits(as_double(dst[2]) + as_double(src[2]) + delta * delta * (na * nb / n));
  dst[0] += src[0];
  return 0;
}

static sky_ival result_moments(const sky_agg *a, const uint64_t *st, uint8_t *overflow) {
  (void)a, (void)overflow;
  if (!st[0]) return (sky_ival){0, true};
  double var = as_double(st[2]) / (double)st[0];
  return (sky_ival){double_bits(sqrt(var < 0 ? 0 : var)), false}; /* rounding may leave -0.0 */
}

SKY_AGG_IMPL(STDDEV, words_moments, update_moments, merge_moments, result_moments, NULL);
