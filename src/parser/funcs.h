/* funcs.h — the language's built-in functions: the scalar ones listed here
 * and the aggregates, which are the rows of SKY_AGGS (plan.h) that have a
 * function name.
 *
 * A function is a plain identifier followed by '(' (names are matched
 * case-insensitively); this table says what it is. Adding a scalar
 * function is one line here plus its binding rule; adding an aggregate is
 * one row of SKY_AGGS plus its implementation (docs/ARCHITECTURE.md). The
 * parser never consults the table: only the binder, the AST helpers that
 * ask "is this call an aggregate?", and the shell's completion (through
 * sky.h) do.
 */
#ifndef SKY_PARSER_FUNCS_H
#define SKY_PARSER_FUNCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parser/plan.h"

typedef enum sky_fn_class {
  SKY_FN_BUCKET,    /* scalar: one INT timestamp (µs) -> a time bucket; code = sky_op */
  SKY_FN_AGGREGATE, /* an aggregate: code = its sky_agg_kind row */
  SKY_FN_PATH,      /* next, prev, nth (code = sky_path_fn_kind), dwell (code -1):
                       values of the whole path (bind_pathfn.c) */
  SKY_FN_STATE,     /* scalar over a STATE property named by its one argument
                       (age(p)); code = sky_op (bind_state.c) */
  SKY_FN_PIECE,     /* no argument: a value of the current DURING piece (duration());
                       code = sky_op (bind_during.c) */
} sky_fn_class;

/* Scalar functions: X(name, class, code, result type, result domain) */
#define SKY_SCALAR_FUNCS(X)                                             \
  X(hour, SKY_FN_BUCKET, SKY_OP_HOUR, SKY_VT_INT, SKY_DOM_NONE)         \
  X(weekday, SKY_FN_BUCKET, SKY_OP_WEEKDAY, SKY_VT_INT, SKY_DOM_NONE)   \
  X(day, SKY_FN_BUCKET, SKY_OP_DAY, SKY_VT_STRING, SKY_DOM_DAY)         \
  X(week, SKY_FN_BUCKET, SKY_OP_WEEK, SKY_VT_STRING, SKY_DOM_DAY)       \
  X(month, SKY_FN_BUCKET, SKY_OP_MONTH, SKY_VT_STRING, SKY_DOM_MONTH)   \
  X(next, SKY_FN_PATH, SKY_PATH_FN_NEXT, SKY_VT_NULL, SKY_DOM_NONE)     \
  X(prev, SKY_FN_PATH, SKY_PATH_FN_PREV, SKY_VT_NULL, SKY_DOM_NONE)     \
  X(nth, SKY_FN_PATH, SKY_PATH_FN_NTH, SKY_VT_INT, SKY_DOM_NONE)        \
  X(dwell, SKY_FN_PATH, -1, SKY_VT_INT, SKY_DOM_NONE)    \
  X(age, SKY_FN_STATE, SKY_OP_STATE_AGE, SKY_VT_INT, SKY_DOM_NONE)      \
  X(duration, SKY_FN_PIECE, SKY_OP_PIECE_DURATION, SKY_VT_INT, SKY_DOM_NONE)

typedef struct sky_fn {
  const char *name;
  sky_fn_class cls;
  int code;       /* sky_op for buckets, sky_agg_kind for aggregates, see sky_fn_class */
  sky_vtype type; /* scalars: result type (aggregates: their SKY_AGGS row) */
  uint32_t dom;   /* scalars: result string domain */
} sky_fn;

/* The function named `name` (case-insensitive), or NULL. */
const sky_fn *sky_fn_find(const char *name, size_t len);


static inline bool sky_fn_is_aggregate(const sky_fn *fn) { return fn && fn->cls == SKY_FN_AGGREGATE; }

#endif
