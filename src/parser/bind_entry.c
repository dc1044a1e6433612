/* bind_entry.c — the result half every path statement shares (bind.h): a
 * SELECT-shaped plan over entry rows (plan.h, SKY_ENTRY_FIELDS) whose keys,
 * aggregates and result columns are made up here from ENTRY leaves, so that
 * grouping, merging, the default order, HAVING, ORDER BY and LIMIT are the
 * SELECT machinery unchanged. FUNNEL (bind_funnel.c) and RETENTION,
 * LIFECYCLE, STICKINESS (bind_cohort.c) each only say which columns.
 */
#include <string.h>

#include "common/error.h"
#include "parser/bind.h"

const ast_expr *bind_at_loc(ast_expr *tmp, const sky_loc *loc) {
  memset(tmp, 0, sizeof *tmp);
  tmp->loc = *loc;
  return tmp;
}

sky_expr *bind_synth(bind_ctx *b, sky_op op, sky_vtype type, uint32_t dom, const char *text, uint32_t n_args) {
  sky_expr *e = sky_arena_calloc(b->arena, sizeof *e);
  sky_expr **args = n_args ? sky_arena_calloc(b->arena, sizeof *args * n_args) : NULL;
  if (!e || (n_args && !args)) return bind_oom(b);
  e->op = op;
  e->type = type;
  e->dom = type == SKY_VT_STRING ? dom : SKY_DOM_NONE;
  e->id = UINT32_MAX;
  e->line = b->entry_loc.line;
  e->column = b->entry_loc.column;
  e->text = text;
  e->n_args = n_args;
  e->args = args;
  return e;
}

sky_expr *bind_entry_leaf(bind_ctx *b, uint32_t field, sky_vtype type, uint32_t dom, const char *text) {
  sky_expr *e = bind_synth(b, SKY_OP_ENTRY, type, dom, text, 0);
  if (e) e->index = field;
  return e;
}

bool bind_event_keys(bind_ctx *b, ast_expr *const *src, uint32_t n, const char *clause, sky_expr ***out) {
  if (!n) return true;
  if (!(*out = sky_arena_alloc(b->arena, sizeof **out * n))) return bind_oom(b), false;
  for (uint32_t i = 0; i < n; i++) {
    if (bind_is_constant(src[i])) {
      char q[80];
      return bind_fail(b, SKY_ERR_SEMANTIC, src[i], "cannot %s a constant (%s)", clause,
                       bind_quote(bind_src(b, src[i]), q)),
             false;
    }
    if (!((*out)[i] = bind_event_expr(b, src[i], clause))) return false;
  }
  return true;
}

bool bind_entry_columns(bind_ctx *b, uint32_t cap) {
  sky_plan *p = b->plan;
  p->keys = sky_arena_alloc(b->arena, sizeof *p->keys * cap);
  p->outputs = sky_arena_alloc(b->arena, sizeof *p->outputs * cap);
  p->output_names = sky_arena_alloc(b->arena, sizeof *p->output_names * cap);
  b->match_keys = sky_arena_alloc(b->arena, sizeof *b->match_keys * cap);
  if (!p->keys || !p->outputs || !p->output_names || !b->match_keys) return bind_oom(b), false;
  return true;
}

bool bind_entry_key(bind_ctx *b, uint32_t field, sky_vtype type, uint32_t dom, const char *name, sky_expr *match) {
  sky_plan *p = b->plan;
  sky_expr *key = bind_entry_leaf(b, field, type, dom, name);
  sky_expr *ref = bind_synth(b, SKY_OP_KEY_REF, type, dom, name, 0);
  if (!key || !ref) return false;
  ref->index = p->n_keys;
  b->match_keys[p->n_keys] = match;
  p->keys[p->n_keys++] = key;
  p->outputs[p->n_outputs] = ref;
  p->output_names[p->n_outputs++] = name;
  return true;
}

bool bind_entry_key_of(bind_ctx *b, uint32_t i, sky_expr *src) {
  sky_vtype type = src->type == SKY_VT_NULL ? SKY_VT_INT : src->type;
  return bind_entry_key(b, SKY_ENTRY_KEY0 + i, type, src->dom, src->text, src);
}

bool bind_entry_output(bind_ctx *b, sky_expr *e, const char *name) {
  if (!e) return false;
  b->plan->outputs[b->plan->n_outputs] = e;
  b->plan->output_names[b->plan->n_outputs++] = name;
  return true;
}

sky_expr *bind_entry_agg(bind_ctx *b, sky_agg_kind kind, uint32_t field, sky_vtype type, const char *text) {
  sky_agg g = {.kind = kind, .type = type, .dom = SKY_DOM_NONE, .rank_rc = -1, .text = text};
  if (sky_agg_defs[kind].args != SKY_AARGS_NONE &&
      !(g.arg = bind_entry_leaf(b, field, SKY_VT_INT, SKY_DOM_NONE, sky_entry_field_name(field))))
    return NULL;
  int64_t idx = bind_agg_add(b, &g, NULL);
  if (idx < 0) return NULL;
  sky_expr *ref = bind_synth(b, SKY_OP_AGG_REF, type, SKY_DOM_NONE, text, 0);
  if (ref) ref->index = (uint32_t)idx;
  return ref;
}

sky_expr *bind_ratio(bind_ctx *b, sky_expr *num, sky_expr *den, const char *text) {
  sky_expr *fn = bind_synth(b, SKY_OP_TO_FLOAT, SKY_VT_FLOAT, 0, num ? num->text : "", 1);
  sky_expr *fd = bind_synth(b, SKY_OP_TO_FLOAT, SKY_VT_FLOAT, 0, den ? den->text : "", 1);
  sky_expr *d = bind_synth(b, SKY_OP_DIV, SKY_VT_FLOAT, 0, text, 2);
  if (!num || !den || !fn || !fd || !d) return NULL;
  fn->args[0] = num, fd->args[0] = den;
  d->args[0] = fn, d->args[1] = fd;
  return d;
}

uint64_t bind_float_word(double d) {
  uint64_t w;
  memcpy(&w, &d, sizeof w);
  return w;
}

/* HAVING and ORDER BY name result columns: no aggregates of their own. */
static bool no_aggregates(bind_ctx *b, const ast_expr *a, const char *clause) {
  if (!a) return true;
  if (ast_is_aggregate(a)) {
    char q[80];
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s of a %s names its result columns; aggregate %s is not allowed",
                     clause, b->statement, bind_quote(bind_src(b, a), q)),
           false;
  }
  for (uint32_t i = 0; i < a->n_args; i++)
    if (!no_aggregates(b, a->args[i], clause)) return false;
  return true;
}

int bind_entry_finish(bind_ctx *b, sky_plan **out) {
  const sky_select *sel = b->sel;
  if (!no_aggregates(b, sel->having, "HAVING")) return -1;
  for (uint32_t i = 0; i < sel->n_order; i++)
    if (!no_aggregates(b, sel->order[i]->expr, "ORDER BY")) return -1;
  b->items = b->plan->outputs;
  b->alias_outputs = true;
  return bind_finish(b, out);
}
