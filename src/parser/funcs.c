/* funcs.c — lookup in the function table of funcs.h. */
#include "parser/funcs.h"

#include <string.h>
#include <strings.h>

static const sky_fn g_funcs[] = {
#define SKY_X_FN(name, cls, code, type, dom) {#name, cls, code, type, dom},
    SKY_FUNCS(SKY_X_FN)
#undef SKY_X_FN
};

const sky_fn *sky_fn_find(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof g_funcs / sizeof *g_funcs; i++)
    if (strlen(g_funcs[i].name) == len && strncasecmp(g_funcs[i].name, name, len) == 0) return &g_funcs[i];
  return NULL;
}
