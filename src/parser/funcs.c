/* funcs.c — the function table of funcs.h: the aggregate rows of SKY_AGGS
 * that have a function name, then the scalar functions; and the binder's
 * half of every aggregate row (sky_agg_defs). */
#include "parser/funcs.h"

#include <string.h>
#include <strings.h>

const sky_agg_def sky_agg_defs[SKY_AGG_COUNT_] = {
#define SKY_X_DEF(name, text, fn, args, result, unit, flags) [SKY_AGG_##name] = {text, fn, args, result, unit, flags},
    SKY_AGGS(SKY_X_DEF)
#undef SKY_X_DEF
};

static const sky_fn g_funcs[] = {
#define SKY_X_AGG_FN(name, text, fn, args, result, unit, flags) {fn, SKY_FN_AGGREGATE, SKY_AGG_##name, SKY_VT_NULL, SKY_DOM_NONE},
    SKY_AGGS(SKY_X_AGG_FN)
#undef SKY_X_AGG_FN
#define SKY_X_FN(name, cls, code, type, dom) {#name, cls, code, type, dom},
    SKY_SCALAR_FUNCS(SKY_X_FN)
#undef SKY_X_FN
};

enum { N_FUNCS = sizeof g_funcs / sizeof *g_funcs };

const sky_fn *sky_fn_find(const char *name, size_t len) {
  for (size_t i = 0; i < N_FUNCS; i++)
    if (g_funcs[i].name && strlen(g_funcs[i].name) == len && strncasecmp(g_funcs[i].name, name, len) == 0)
      return &g_funcs[i];
  return NULL;
}

const char *sky_function_at(size_t i) {
  for (size_t k = 0; k < N_FUNCS; k++) {
    if (!g_funcs[k].name) continue;
    if (i-- == 0) return g_funcs[k].name;
  }
  return NULL;
}
