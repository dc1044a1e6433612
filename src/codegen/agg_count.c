/* agg_count.c — count(), count(x), objects() and sessions().
 *
 * State: [n] for the counts; OBJECTS [n, last_obj]; SESSIONS [n, last_obj,
 * last_session]. An object's events are scanned contiguously and objects
 * never span partitions, so an event counts for OBJECTS when its object
 * differs from the last one counted in this group (object ids are >= 1),
 * and per-partition counts add up exactly; SESSIONS likewise with
 * (object, session number).
 */
#include "codegen/aggs.h"

static int update_count_all(const sky_agg *a, uint64_t *st, sky_ival v, const sky_agg_env *env) {
  (void)a, (void)v, (void)env;
  st[0]++;
  return SKY_SCAN_OK;
}

static int update_count(const sky_agg *a, uint64_t *st, sky_ival v, const sky_agg_env *env) {
  (void)a, (void)env;
  if (!v.null) st[0]++;
  return SKY_SCAN_OK;
}

static uint32_t words_objects(const sky_agg *a) {
  (void)a;
  return 2;
}

static uint32_t words_sessions(const sky_agg *a) {
  (void)a;
  return 3;
}

static int update_objects(const sky_agg *a, uint64_t *st, sky_ival v, const sky_agg_env *env) {
  (void)a, (void)v;
  if (st[1] != env->obj) {
    st[0]++;
    st[1] = env->obj;
  }
  return SKY_SCAN_OK;
}

static int update_sessions(const sky_agg *a, uint64_t *st, sky_ival v, const sky_agg_env *env) {
  (void)a, (void)v;
  if (st[1] != env->obj || st[2] != (uint64_t)env->session) {
    st[0]++;
    st[1] = env->obj;
    st[2] = (uint64_t)env->session;
  }
  return SKY_SCAN_OK;
}

static sky_ival result_count(const sky_agg *a, const uint64_t *st, uint8_t *overflow) {
  (void)a, (void)overflow;
  return (sky_ival){st[0], false};
}

SKY_AGG_IMPL(COUNT_ALL, sky_agg_one_word, update_count_all, sky_agg_add_counts, result_count, NULL);
SKY_AGG_IMPL(COUNT, sky_agg_one_word, update_count, sky_agg_add_counts, result_count, NULL);
SKY_AGG_IMPL(OBJECTS, words_objects, update_objects, sky_agg_add_counts, result_count, NULL);
SKY_AGG_IMPL(SESSIONS, words_sessions, update_sessions, sky_agg_add_counts, result_count, NULL);
