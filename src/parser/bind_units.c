/* bind_units.c — what a number means: the one place that decides whether
 * an INT or FLOAT expression is an instant (TIMESTAMP), a length of time
 * (DURATION) or a plain number, and from that each SELECT item's display
 * type (the reply's "types", PROTOCOL.md).
 *
 * Units never change a value or a type check: timestamps and durations stay
 * INT (or FLOAT) microseconds and the engines never see units. The rules
 * (docs/LANGUAGE.md, "Units of time") read the bound plan bottom-up: the
 * `timestamp` column is an instant, a duration literal (`7d`) a duration,
 * and arithmetic keeps the usual algebra of instants and lengths (an
 * instant minus an instant is a length, an instant plus a length or a
 * number of µs is an instant, a length times a number is a length, ...).
 * Anything the table does not name is a plain number. The binder's test
 * for "timestamp-valued" (ISO literals in comparisons) is this function
 * too, so there is one definition of a timestamp.
 *
 * Pure functions of the plan; no allocation except the output array.
 */
#include "parser/bind.h"

/* The unit of a binary arithmetic node from its operands' units. */
static sky_unit arith_unit(sky_op op, sky_unit l, sky_unit r) {
  const sky_unit T = SKY_UNIT_TIMESTAMP, D = SKY_UNIT_DURATION, N = SKY_UNIT_NONE;
  switch (op) {
  case SKY_OP_ADD:
    if ((l == T && r != T) || (r == T && l != T)) return T; /* instant + length or µs */
    if (l == D || r == D) return D;                          /* length + length or µs */
    return N;                                                /* T + T means nothing */
  case SKY_OP_SUB:
    if (l == T) return r == T ? D : T; /* instant - instant = length; instant - length = instant */
    if (l == D && r != T) return D;    /* length - length or µs */
    if (l == N && r == D) return D;
    return N;                          /* µs or length - instant means nothing */
  case SKY_OP_MUL: return (l == D && r == N) || (l == N && r == D) ? D : N;
  case SKY_OP_DIV: return l == D && r == N ? D : N; /* length / length is a ratio */
  case SKY_OP_MOD: return (l == T || l == D) && r != T ? D : N; /* e.g. time of day: timestamp % 1d */
  default: return N;
  }
}

/* The unit of aggregate `g`'s result, by its row's rule (plan.h). */
static sky_unit agg_unit(const sky_plan *p, const sky_agg *g) {
  sky_unit arg = g->arg ? sky_expr_unit(p, g->arg) : SKY_UNIT_NONE;
  switch (sky_agg_defs[g->kind].unit) {
  case SKY_AUNIT_NONE: return SKY_UNIT_NONE;
  case SKY_AUNIT_ARG: return arg; /* min(timestamp), the mean of instants: instants */
  case SKY_AUNIT_SUM: return arg == SKY_UNIT_DURATION ? arg : SKY_UNIT_NONE;
  case SKY_AUNIT_SPREAD: return arg == SKY_UNIT_NONE ? arg : SKY_UNIT_DURATION;
  }
  return SKY_UNIT_NONE;
}

/* An entry field: FUNNEL's times are instants or lengths (PATHS's time a
 * length); an entry key has the unit of the HOLDING or GROUP BY expression
 * it was read from, PATHS's source and target that of OF. */
static sky_unit entry_unit(const sky_plan *p, uint32_t field) {
  const sky_funnel *f = p->funnel;
  switch (field) {
  case SKY_ENTRY_TIME:
  case SKY_ENTRY_STEP_TIME:
  case SKY_ENTRY_BUCKET: return SKY_UNIT_DURATION;
  case SKY_ENTRY_STARTED:
  case SKY_ENTRY_CONVERTED: return SKY_UNIT_TIMESTAMP;
  case SKY_ENTRY_SOURCE:
  case SKY_ENTRY_TARGET: return p->paths ? sky_expr_unit(p, p->paths->value) : SKY_UNIT_NONE;
  default: break;
  }
  if (field < SKY_ENTRY_KEY0) return SKY_UNIT_NONE;
  uint32_t k = field - SKY_ENTRY_KEY0;
  if (p->cohort) return k < p->cohort->n_group ? sky_expr_unit(p, p->cohort->group[k]) : SKY_UNIT_NONE;
  if (!f) return SKY_UNIT_NONE;
  if (k < f->n_hold) return sky_expr_unit(p, f->hold[k]);
  return k - f->n_hold < f->n_group ? sky_expr_unit(p, f->group[k - f->n_hold]) : SKY_UNIT_NONE;
}

sky_unit sky_expr_unit(const sky_plan *p, const sky_expr *e) {
  if (e->type != SKY_VT_INT && e->type != SKY_VT_FLOAT) return SKY_UNIT_NONE;
  switch (e->op) {
  case SKY_OP_CONST: return e->unit; /* the binder marks duration literals */
  case SKY_OP_TIMESTAMP: return SKY_UNIT_TIMESTAMP;
  case SKY_OP_STATE_AGE: return SKY_UNIT_DURATION;
  case SKY_OP_PIECE_DURATION: return SKY_UNIT_DURATION;
  case SKY_OP_KEY_REF: return sky_expr_unit(p, p->keys[e->index]);
  case SKY_OP_AGG_REF: return agg_unit(p, &p->aggs[e->index]);
  case SKY_OP_OBJ_AGG: return agg_unit(p, &p->obj_aggs[e->index]);
  case SKY_OP_PATH_FN: /* next(x), prev(x): x's; nth(): a count */
    return p->path_fns[e->index].arg ? sky_expr_unit(p, p->path_fns[e->index].arg) : SKY_UNIT_NONE;
  case SKY_OP_ENTRY: return entry_unit(p, e->index);
  case SKY_OP_IF: return sky_expr_unit(p, e->args[1]);
  case SKY_OP_TO_FLOAT: return sky_expr_unit(p, e->args[0]);
  case SKY_OP_NEG: return sky_expr_unit(p, e->args[0]) == SKY_UNIT_DURATION ? SKY_UNIT_DURATION : SKY_UNIT_NONE;
  case SKY_OP_ADD:
  case SKY_OP_SUB:
  case SKY_OP_MUL:
  case SKY_OP_DIV:
  case SKY_OP_MOD: return arith_unit(e->op, sky_expr_unit(p, e->args[0]), sky_expr_unit(p, e->args[1]));
  default: return SKY_UNIT_NONE;
  }
}

sky_column_type sky_expr_column_type(const sky_plan *p, const sky_expr *e) {
  switch (e->type) {
  case SKY_VT_BOOL: return SKY_COLUMN_BOOL;
  case SKY_VT_STRING: return SKY_COLUMN_STRING;
  case SKY_VT_INT:
  case SKY_VT_FLOAT:
    switch (sky_expr_unit(p, e)) {
    case SKY_UNIT_TIMESTAMP: return SKY_COLUMN_TIMESTAMP;
    case SKY_UNIT_DURATION: return SKY_COLUMN_DURATION;
    case SKY_UNIT_NONE: break;
    }
    return e->type == SKY_VT_FLOAT ? SKY_COLUMN_FLOAT : SKY_COLUMN_INT;
  case SKY_VT_OBJECT: /* object ids are integers on the wire */
  case SKY_VT_NULL:   /* an untyped NULL item is an INT NULL (LANGUAGE.md section 4) */
    return SKY_COLUMN_INT;
  }
  return SKY_COLUMN_INT;
}

int sky_plan_output_types(sky_plan *p, sky_arena *arena) {
  p->output_types = sky_arena_alloc(arena, sizeof *p->output_types * (p->n_outputs ? p->n_outputs : 1));
  if (!p->output_types) return -1;
  for (uint32_t i = 0; i < p->n_outputs; i++) p->output_types[i] = sky_expr_column_type(p, p->outputs[i]);
  return 0;
}
