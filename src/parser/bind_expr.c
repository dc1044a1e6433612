/* bind_expr.c — binding of names, literals, logic and arithmetic: the rules
 * both modes share (bind_call.c adds what is special to POST mode,
 * bind_cmp.c the comparisons).
 *
 * Types are strict: INT and FLOAT mix (the INT side gets an explicit
 * TO_FLOAT), nothing else converts. An untyped NULL literal takes the type
 * its context gives it (the other operand, BOOL under NOT/AND/OR, INT
 * otherwise), so operands of one operator always share a type. Arithmetic
 * is never folded, even over constants: an INT overflow must be an error
 * exactly when the expression is evaluated.
 */
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "parser/bind.h"

/* ---- literals ------------------------------------------------------------------- */

/* integer literal: INT, or an error when it does not fit int64 */
sky_expr *bind_int_literal(bind_ctx *b, const ast_expr *a) {
  bool fits = a->neg ? a->u <= (UINT64_C(1) << 63) : a->u <= INT64_MAX;
  if (!fits) {
    char q[80], text[80];
    snprintf(text, sizeof text, "%s%llu", a->neg ? "-" : "", (unsigned long long)a->u);
    return bind_fail(b, SKY_ERR_TYPE, a, "integer %s is out of range for INT (only object ids may exceed %lld)",
                     bind_quote(text, q), (long long)INT64_MAX);
  }
  return bx_int(b, a->neg ? (int64_t)(0 - a->u) : (int64_t)a->u, a);
}

/* literal: INTEGER | FLOAT | DURATION | STRING | TRUE | FALSE | NULL */
static sky_expr *bind_literal_node(bind_ctx *b, const ast_expr *a) {
  switch (a->kind) {
  case AST_INT: return bind_int_literal(b, a);
  case AST_FLOAT: {
    uint64_t w;
    memcpy(&w, &a->f, sizeof w);
    return bx_const(b, SKY_VT_FLOAT, SKY_DOM_NONE, false, w, a);
  }
  case AST_DURATION: {
    sky_expr *e = bx_int(b, a->neg ? -(int64_t)a->u : (int64_t)a->u, a);
    if (e) e->unit = SKY_UNIT_DURATION;
    return e;
  }
  case AST_STRING: {
    int64_t idx = bind_literal(b, a->s, a->len);
    return idx < 0 ? NULL : bx_const(b, SKY_VT_STRING, SKY_DOM_LITERAL, false, (uint64_t)idx, a);
  }
  case AST_BOOL: return bx_bool(b, a->b, a);
  default: return bx_const(b, SKY_VT_NULL, SKY_DOM_NONE, true, 0, a);
  }
}

/* ---- names ---------------------------------------------------------------------- */

bool ast_is_leaf_ref(const ast_expr *a) {
  switch (a->kind) {
  case AST_OBJECT:
  case AST_TIMESTAMP:
  case AST_ACTION:
  case AST_NAME:
  case AST_STATE:
  case AST_EVENT:
  case AST_SESSION: return true;
  case AST_CALL: { /* agg(x) OVER OBJECT: the object's value; age(p): the event's */
    const sky_fn *fn = sky_fn_find(a->s, a->len);
    return a->over || (fn && (fn->cls == SKY_FN_STATE || fn->cls == SKY_FN_PIECE));
  }
  default: return false;
  }
}

static void add_state_prop(bind_ctx *b, uint32_t prop) {
  sky_plan *p = b->plan;
  for (uint32_t i = 0; i < p->n_state; i++)
    if (p->state_props[i] == prop) return;
  if (p->n_state == b->cap_state) {
    uint32_t cap = b->cap_state ? b->cap_state * 2 : 8;
    uint32_t *v = sky_arena_alloc(b->arena, sizeof *v * cap);
    if (!v) {
      bind_oom(b);
      return;
    }
    if (p->n_state) memcpy(v, p->state_props, sizeof *v * p->n_state);
    p->state_props = v;
    b->cap_state = cap;
  }
  p->state_props[p->n_state++] = prop;
}

/* p, state.p, event.p */
static sky_expr *bind_property(bind_ctx *b, const ast_expr *a) {
  int idx = sky_schema_find(b->schema, a->s, a->len);
  if (idx < 0) {
    char q[80];
    sky_error_quote(q, a->s, a->len);
    return bind_fail(b, SKY_ERR_UNKNOWN_PROPERTY, a, "unknown property '%s'", q);
  }
  const sky_prop *prop = &b->schema->props[idx];
  bool state = a->kind == AST_STATE || (a->kind == AST_NAME && prop->kind == SKY_KIND_STATE);
  static const sky_vtype types[] = {[SKY_PTYPE_INT] = SKY_VT_INT, [SKY_PTYPE_FLOAT] = SKY_VT_FLOAT,
                                    [SKY_PTYPE_BOOL] = SKY_VT_BOOL, [SKY_PTYPE_STRING] = SKY_VT_STRING};
  sky_expr *e = bx_new(b, state ? SKY_OP_PROP_STATE : SKY_OP_PROP_EVENT, types[prop->type],
                       sky_prop_dict((uint32_t)idx), a);
  if (!e) return NULL;
  e->index = (uint32_t)idx;
  b->plan->need_props[idx] = 1;
  if (state) add_state_prop(b, (uint32_t)idx);
  return b->failed ? NULL : e;
}

/* object, timestamp, action, session.number, and properties */
static sky_expr *bind_ref(bind_ctx *b, const ast_expr *a) {
  sky_plan *p = b->plan;
  switch (a->kind) {
  case AST_OBJECT: return bx_new(b, SKY_OP_OBJECT, SKY_VT_OBJECT, SKY_DOM_NONE, a);
  case AST_TIMESTAMP: p->need_ts = true; return bx_new(b, SKY_OP_TIMESTAMP, SKY_VT_INT, SKY_DOM_NONE, a);
  case AST_ACTION: p->need_action = true; return bx_new(b, SKY_OP_ACTION, SKY_VT_STRING, SKY_DICT_ACTION, a);
  case AST_SESSION:
    if (a->len != 6 || memcmp(a->s, "number", 6) != 0) {
      char q[80];
      sky_error_quote(q, a->s, a->len);
      return bind_fail(b, SKY_ERR_UNKNOWN_PROPERTY, a, "unknown property 'session.%s' (sessions have 'number')", q);
    }
    if (b->sel->has_as_of) return bind_as_of_refuse(b, a, NULL);
    if (!b->sel->session) return bind_fail(b, SKY_ERR_SEMANTIC, a, "session.number needs WITHIN SESSION");
    p->uses_session_number = true;
    return bx_new(b, SKY_OP_SESSION_NUMBER, SKY_VT_INT, SKY_DOM_NONE, a);
  default: return bind_property(b, a);
  }
}

/* ---- logic and arithmetic --------------------------------------------------------- */

/* An operand of NOT / AND / OR: BOOL (an untyped NULL becomes BOOL). */
static sky_expr *bool_operand(bind_ctx *b, const ast_expr *a, const char *op, const char *what) {
  sky_expr *e = bind_expr(b, a);
  if (!e) return NULL;
  bx_type_null(e, SKY_VT_BOOL, SKY_DOM_NONE);
  if (e->type != SKY_VT_BOOL) {
    char d[112];
    return bind_fail(b, SKY_ERR_TYPE, a, "%s takes %s, not %s", op, what, bind_describe(e, d));
  }
  return e;
}

static bool numeric(const sky_expr *e) { return e->type == SKY_VT_INT || e->type == SKY_VT_FLOAT; }

static sky_expr *arith_error(bind_ctx *b, sky_op op, const ast_expr *at, const sky_expr *e) {
  char d[112];
  return bind_fail(b, SKY_ERR_TYPE, at, "cannot apply '%s' to %s", sky_op_name(op), bind_describe(e, d));
}

/* expr ('+' | '-' | '*' | '/' | '%') expr */
static sky_expr *bind_arith(bind_ctx *b, const ast_expr *a) {
  sky_expr *l = bind_expr(b, a->args[0]);
  sky_expr *r = l ? bind_expr(b, a->args[1]) : NULL;
  if (!l || !r) return NULL;
  if (l->type == SKY_VT_NULL && r->type == SKY_VT_NULL) bx_type_null(l, SKY_VT_INT, 0), bx_type_null(r, SKY_VT_INT, 0);
  if (numeric(r)) bx_type_null(l, r->type, 0);
  if (numeric(l)) bx_type_null(r, l->type, 0);
  if (!numeric(l)) return arith_error(b, a->op, a->args[0], l);
  if (!numeric(r)) return arith_error(b, a->op, a->args[1], r);
  sky_vtype t = a->op == SKY_OP_DIV || l->type == SKY_VT_FLOAT || r->type == SKY_VT_FLOAT ? SKY_VT_FLOAT : SKY_VT_INT;
  if (t == SKY_VT_FLOAT) l = bx_to_float(b, l), r = bx_to_float(b, r);
  return bx_binary(b, a->op, t, SKY_DOM_NONE, l, r, a);
}

/* '-' expr (a minus written right before a number is part of the literal) */
static sky_expr *bind_neg(bind_ctx *b, const ast_expr *a) {
  sky_expr *e = bind_expr(b, a->args[0]);
  if (!e) return NULL;
  bx_type_null(e, SKY_VT_INT, 0);
  if (!numeric(e)) return arith_error(b, SKY_OP_NEG, a->args[0], e);
  return bx_unary(b, SKY_OP_NEG, e->type, SKY_DOM_NONE, e, a);
}

/* expr: NOT / AND / OR / IS [NOT] NULL / comparisons / arithmetic / '-' expr */
static sky_expr *bind_op(bind_ctx *b, const ast_expr *a) {
  switch (a->op) {
  case SKY_OP_NOT: return bx_unary(b, SKY_OP_NOT, SKY_VT_BOOL, 0, bool_operand(b, a->args[0], "NOT", "a BOOL"), a);
  case SKY_OP_AND:
  case SKY_OP_OR: {
    const char *name = sky_op_name(a->op);
    sky_expr *l = bool_operand(b, a->args[0], name, "BOOL operands");
    sky_expr *r = l ? bool_operand(b, a->args[1], name, "BOOL operands") : NULL;
    return bx_binary(b, a->op, SKY_VT_BOOL, 0, l, r, a);
  }
  case SKY_OP_IS_NULL:
  case SKY_OP_IS_NOT_NULL: return bx_unary(b, a->op, SKY_VT_BOOL, 0, bind_expr(b, a->args[0]), a);
  case SKY_OP_NEG: return bind_neg(b, a);
  case SKY_OP_EQ:
  case SKY_OP_NE:
  case SKY_OP_LT:
  case SKY_OP_LE:
  case SKY_OP_GT:
  case SKY_OP_GE: return bind_compare(b, a->op, a, a->args[0], a->args[1]);
  default: return bind_arith(b, a);
  }
}

/* ---- dispatch --------------------------------------------------------------------- */

/* expr, primary: the rules both modes share, by node kind */
sky_expr *bind_generic(bind_ctx *b, const ast_expr *a) {
  if (b->failed) return NULL;
  switch (a->kind) {
  case AST_INT:
  case AST_FLOAT:
  case AST_DURATION:
  case AST_STRING:
  case AST_BOOL:
  case AST_NULL: return bind_literal_node(b, a);
  case AST_OP: return bind_op(b, a);
  case AST_LIKE: return bind_like(b, a);
  case AST_IN: return bind_in(b, a);
  case AST_CALL: return bind_call(b, a);
  default: return bind_ref(b, a);
  }
}

/* expr in the current mode (POST first tries keys, aliases, aggregates) */
sky_expr *bind_expr(bind_ctx *b, const ast_expr *a) {
  if (b->failed) return NULL;
  if (b->mode == BIND_POST) {
    bool done = false;
    sky_expr *e = bind_post(b, a, &done);
    if (done) return e;
  }
  return bind_generic(b, a);
}
