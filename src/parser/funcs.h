/* funcs.h — the one table of the language's built-in functions and
 * aggregates.
 *
 * A function is a plain identifier followed by '(' (names are matched
 * case-insensitively); this table says what it is. Adding a function is one
 * line here, plus a binding rule in bind_call.c when it needs a new class.
 * The parser never consults the table: only the binder and the AST helpers
 * that ask "is this call an aggregate?".
 */
#ifndef SKY_PARSER_FUNCS_H
#define SKY_PARSER_FUNCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parser/plan.h"

typedef enum sky_fn_class {
  SKY_FN_BUCKET,   /* scalar: one INT timestamp (µs) -> a time bucket; code = sky_op */
  SKY_FN_COUNT,    /* count(), count(*), count(x), count(DISTINCT x) */
  SKY_FN_OBJECTS,  /* objects(): distinct objects */
  SKY_FN_SESSIONS, /* sessions(): distinct (object, session); needs WITHIN SESSION */
  SKY_FN_NUMERIC,  /* sum(x), avg(x): x INT or FLOAT; code = sky_agg_kind */
  SKY_FN_ANY,      /* min(x), max(x): x of any type; code = sky_agg_kind */
} sky_fn_class;

/* X(name, class, code, result type of a scalar, result domain of a scalar) */
#define SKY_FUNCS(X)                                                    \
  X(count, SKY_FN_COUNT, SKY_AGG_COUNT, SKY_VT_INT, SKY_DOM_NONE)       \
  X(objects, SKY_FN_OBJECTS, SKY_AGG_OBJECTS, SKY_VT_INT, SKY_DOM_NONE) \
  X(sessions, SKY_FN_SESSIONS, SKY_AGG_SESSIONS, SKY_VT_INT, SKY_DOM_NONE) \
  X(sum, SKY_FN_NUMERIC, SKY_AGG_SUM, SKY_VT_NULL, SKY_DOM_NONE)        \
  X(avg, SKY_FN_NUMERIC, SKY_AGG_AVG, SKY_VT_FLOAT, SKY_DOM_NONE)       \
  X(min, SKY_FN_ANY, SKY_AGG_MIN, SKY_VT_NULL, SKY_DOM_NONE)            \
  X(max, SKY_FN_ANY, SKY_AGG_MAX, SKY_VT_NULL, SKY_DOM_NONE)            \
  X(hour, SKY_FN_BUCKET, SKY_OP_HOUR, SKY_VT_INT, SKY_DOM_NONE)         \
  X(weekday, SKY_FN_BUCKET, SKY_OP_WEEKDAY, SKY_VT_INT, SKY_DOM_NONE)   \
  X(day, SKY_FN_BUCKET, SKY_OP_DAY, SKY_VT_STRING, SKY_DOM_DAY)         \
  X(week, SKY_FN_BUCKET, SKY_OP_WEEK, SKY_VT_STRING, SKY_DOM_DAY)       \
  X(month, SKY_FN_BUCKET, SKY_OP_MONTH, SKY_VT_STRING, SKY_DOM_MONTH)

typedef struct sky_fn {
  const char *name;
  sky_fn_class cls;
  int code;       /* sky_op for scalars, sky_agg_kind for aggregates */
  sky_vtype type; /* scalars: result type (aggregates: see bind_call.c) */
  uint32_t dom;   /* scalars: result string domain */
} sky_fn;

/* The function named `name` (case-insensitive), or NULL. */
const sky_fn *sky_fn_find(const char *name, size_t len);

static inline bool sky_fn_is_aggregate(const sky_fn *fn) { return fn && fn->cls != SKY_FN_BUCKET; }

#endif
