/* bind_state.c — age(p) and the plan's STATE set times and lapses
 * (PATHS.md §7 age(), §8 EXPIRES; plan.h "STATE set times").
 *
 * age(p) names a STATE property and becomes a STATE_AGE leaf over that
 * property's register. When the plan is finished, every register whose
 * property lapses or whose age is read becomes *timed*: the plan gets its
 * state_lapse table (after_us, the TO value, a STRING TO literal as a
 * runtime constant of its code) and reads timestamps. A plan with neither
 * keeps state_lapse NULL, so engines do no extra work for it. Which
 * instant a reading is at is not decided here: the engines read the
 * registers at the current event; AS OF and DURING will read the same
 * registers at theirs.
 */
#include <string.h>

#include "common/error.h"
#include "parser/bind.h"

/* age(p) | age(state.p): p a STATE property */
sky_expr *bind_state_fn(bind_ctx *b, const sky_fn *fn, const ast_expr *a) {
  if (a->distinct) return bind_fail(b, SKY_ERR_SEMANTIC, a, "DISTINCT is only allowed in count()");
  const ast_expr *x = a->n_args == 1 && !a->star ? a->args[0] : NULL;
  if (!x || (x->kind != AST_NAME && x->kind != AST_STATE && x->kind != AST_EVENT))
    return bind_fail(b, SKY_ERR_SEMANTIC, x ? x : a, "%s() takes the name of a STATE property", fn->name);
  int idx = sky_schema_find(b->schema, x->s, x->len);
  char q[80];
  sky_error_quote(q, x->s, x->len);
  if (idx < 0) return bind_fail(b, SKY_ERR_UNKNOWN_PROPERTY, x, "unknown property '%s'", q);
  if (x->kind == AST_EVENT)
    return bind_fail(b, SKY_ERR_SEMANTIC, x, "%s() takes a STATE property, not event.%s", fn->name, q);
  if (b->schema->props[idx].kind != SKY_KIND_STATE)
    return bind_fail(b, SKY_ERR_SEMANTIC, x, "%s() takes a STATE property; '%s' is an EVENT property", fn->name, q);
  /* The register and its column, as state.p binds them. */
  sky_expr *reg = bind_generic(b, x);
  if (!reg) return NULL;
  sky_expr *e = bx_new(b, SKY_OP_STATE_AGE, SKY_VT_INT, SKY_DOM_NONE, a);
  if (!e) return NULL;
  e->index = (uint32_t)idx;
  if (!b->aged && !(b->aged = sky_arena_calloc(b->arena, b->schema->n_props + 1))) return bind_oom(b), NULL;
  b->aged[idx] = 1;
  return e;
}

/* After everything is bound: the lapse table, when some register needs it. */
bool bind_state_lapses(bind_ctx *b) {
  sky_plan *p = b->plan;
  bool any = false;
  for (uint32_t r = 0; r < p->n_state && !any; r++) {
    uint32_t prop = p->state_props[r];
    any = b->schema->props[prop].expires_us > 0 || (b->aged && b->aged[prop]);
  }
  if (!any) return true;
  if (!(p->state_lapse = sky_arena_calloc(b->arena, sizeof *p->state_lapse * p->n_state))) return bind_oom(b), false;
  static const sky_vtype types[] = {[SKY_PTYPE_INT] = SKY_VT_INT, [SKY_PTYPE_FLOAT] = SKY_VT_FLOAT,
                                    [SKY_PTYPE_BOOL] = SKY_VT_BOOL, [SKY_PTYPE_STRING] = SKY_VT_STRING};
  for (uint32_t r = 0; r < p->n_state; r++) {
    uint32_t idx = p->state_props[r];
    const sky_prop *prop = &b->schema->props[idx];
    sky_state_lapse *l = &p->state_lapse[r];
    l->type = types[prop->type];
    l->after_us = prop->expires_us;
    l->timed = prop->expires_us > 0 || (b->aged && b->aged[idx]);
    l->to_null = !prop->has_to;
    l->to_word = prop->type == SKY_PTYPE_STRING ? 0 : prop->to_word;
    l->to_rc = -1;
    if (prop->type == SKY_PTYPE_STRING && prop->has_to) {
      sky_rc rc = {.kind = SKY_RC_CODE, .dict = sky_prop_dict(idx), .str = prop->to_str, .len = prop->to_len};
      int64_t k = bind_rc(b, &rc);
      if (k < 0) return false;
      l->to_rc = (int32_t)k;
    }
  }
  p->need_ts = true;
  return true;
}
