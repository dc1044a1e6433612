/* aggs.c — the table of aggregate implementations, gathered from SKY_AGGS
 * (see aggs.h), the JIT's way into an update, and the pieces several rows
 * share. */
#include "codegen/aggs.h"

static const sky_agg_impl *const g_impls[SKY_AGG_COUNT_] = {
#define SKY_X_AGG_IMPL(name, text, fn, args, result, unit, flags) [SKY_AGG_##name] = &sky_agg_impl_##name,
    SKY_AGGS(SKY_X_AGG_IMPL)
#undef SKY_X_AGG_IMPL
};

const sky_agg_impl *sky_agg_impl_of(sky_agg_kind kind) { return g_impls[kind]; }

int sky_agg_call_update(const sky_runtime *rt, uint32_t a, uint64_t *st, uint64_t w, uint32_t null,
                        sky_budget *budget, uint64_t obj, int64_t session) {
  const sky_agg *agg = &rt->plan->aggs[a];
  sky_agg_env env = {.rt = rt, .budget = budget, .obj = obj, .session = session};
  return g_impls[agg->kind]->update(agg, st, (sky_ival){null ? 0 : w, null != 0}, &env);
}

uint32_t sky_agg_one_word(const sky_agg *a) {
  (void)a;
  return 1;
}

/* Counts in word 0; the other words (last object, last session) are local
 * to one partition's scan. */
int sky_agg_add_counts(const sky_agg *a, uint64_t *dst, const uint64_t *src, const sky_agg_env *env) {
  (void)a, (void)env;
  dst[0] += src[0];
  return 0;
}
