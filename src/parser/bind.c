/* bind.c — sky_bind_select(): a parsed SELECT and a schema to a plan, and
 * the clause binders FUNNEL (bind_funnel.c) shares with it.
 *
 * Clauses are bound in the order their meaning depends on: the session gap
 * (session.number and sessions() need to know it), WHERE, the GROUP BY
 * keys (SELECT items are matched against them), the SELECT items (HAVING
 * and ORDER BY may name them by alias or position), HAVING, ORDER BY and
 * LIMIT. Expression ids are given last, in one walk over the finished plan,
 * so they are dense and stable. The per-expression rules live in
 * bind_expr.c, bind_cmp.c and bind_call.c.
 *
 * Name resolution: in GROUP BY a bare name is a property when the schema
 * has one, else a SELECT alias; in HAVING and ORDER BY a SELECT alias wins
 * over a property of the same name (the alias is what the user sees).
 */
#include <string.h>

#include "common/error.h"
#include "parser/bind.h"

/* WITHIN SESSION d: a duration or an integer number of µs, >= 0 */
bool bind_session(bind_ctx *b) {
  const ast_expr *s = b->sel->session;
  if (!s) return true;
  if (s->u > INT64_MAX) return bind_fail(b, SKY_ERR_SEMANTIC, s, "session gap is out of range"), false;
  b->plan->session_gap_us = (int64_t)s->u;
  b->plan->need_ts = true;
  return true;
}

/* A condition (WHERE, HAVING): BOOL, or an untyped NULL taken as BOOL. */
sky_expr *bind_condition(bind_ctx *b, sky_expr *e, const ast_expr *a, const char *clause) {
  if (!e) return NULL;
  bx_type_null(e, SKY_VT_BOOL, SKY_DOM_NONE);
  if (e->type == SKY_VT_BOOL) return e;
  char d[112];
  return bind_fail(b, SKY_ERR_TYPE, a, "%s needs a BOOL condition, not %s", clause, bind_describe(e, d));
}

bool bind_is_constant(const ast_expr *a) {
  return a->kind == AST_INT || a->kind == AST_FLOAT || a->kind == AST_DURATION || a->kind == AST_STRING ||
         a->kind == AST_BOOL || a->kind == AST_NULL;
}

/* GROUP BY expr, ...: per-event keys; a bare name that is no property may
 * be a SELECT alias. */
static bool bind_keys(bind_ctx *b) {
  const sky_select *sel = b->sel;
  sky_plan *p = b->plan;
  if (!sel->n_group) return true;
  if (sel->n_group > SKY_PLAN_MAX_KEYS)
    return bind_fail(b, SKY_ERR_SEMANTIC, sel->group[SKY_PLAN_MAX_KEYS],
                     "too many GROUP BY keys: at most %d", SKY_PLAN_MAX_KEYS),
           false;
  if (!(p->keys = sky_arena_alloc(b->arena, sizeof *p->keys * sel->n_group))) return bind_oom(b), false;
  for (uint32_t i = 0; i < sel->n_group; i++) {
    const ast_expr *a = sel->group[i];
    if (a->kind == AST_NAME && sky_schema_find(b->schema, a->s, a->len) < 0)
      for (uint32_t k = 0; k < sel->n_items; k++) {
        const ast_item *it = sel->items[k];
        if (it->has_alias && it->alias.len == a->len && memcmp(it->alias.s, a->s, a->len) == 0) {
          a = it->expr;
          break;
        }
      }
    if (bind_is_constant(a)) {
      char q[80];
      return bind_fail(b, SKY_ERR_SEMANTIC, a, "cannot GROUP BY a constant (%s)", bind_quote(bind_src(b, a), q)),
             false;
    }
    sky_expr *e = bind_event_expr(b, a, "GROUP BY");
    if (!e) return false;
    p->keys[p->n_keys++] = e;
  }
  return true;
}

/* SELECT item [AS name], ...: post-aggregation outputs and their names. */
static bool bind_items(bind_ctx *b) {
  const sky_select *sel = b->sel;
  sky_plan *p = b->plan;
  uint32_t n = sel->n_items;
  if (n > SKY_PLAN_MAX_ITEMS)
    return bind_fail(b, SKY_ERR_SEMANTIC, sel->items[SKY_PLAN_MAX_ITEMS]->expr, "too many SELECT items: at most %d",
                     SKY_PLAN_MAX_ITEMS),
           false;
  p->outputs = sky_arena_alloc(b->arena, sizeof *p->outputs * n);
  p->output_names = sky_arena_alloc(b->arena, sizeof *p->output_names * n);
  if (!p->outputs || !p->output_names) return bind_oom(b), false;
  b->mode = BIND_POST;
  b->aliases = false;
  for (uint32_t i = 0; i < n; i++) {
    const ast_item *it = sel->items[i];
    if (!(p->outputs[i] = bind_expr(b, it->expr))) return false;
    p->output_names[i] = it->has_alias ? sky_arena_strndup(b->arena, it->alias.s, it->alias.len)
                                       : bind_src(b, it->expr);
    if (!p->output_names[i]) return bind_oom(b), false;
    p->n_outputs = i + 1;
  }
  b->items = p->outputs;
  return true;
}

/* ORDER BY item [ASC|DESC], ...: an item number, an alias or any
 * post-aggregation expression. */
bool bind_order(bind_ctx *b) {
  const sky_select *sel = b->sel;
  sky_plan *p = b->plan;
  if (!sel->n_order) return true;
  if (!(p->order = sky_arena_alloc(b->arena, sizeof *p->order * sel->n_order))) return bind_oom(b), false;
  for (uint32_t i = 0; i < sel->n_order; i++) {
    const ast_expr *a = sel->order[i]->expr;
    sky_expr *e;
    if (a->kind == AST_INT) {
      if (a->neg || a->u < 1 || a->u > p->n_outputs)
        return bind_fail(b, SKY_ERR_SEMANTIC, a, "ORDER BY position %s%llu is not a %s (1..%u)", a->neg ? "-" : "",
                         (unsigned long long)a->u, b->alias_outputs ? "result column" : "SELECT item", p->n_outputs),
               false;
      e = p->outputs[a->u - 1];
    } else if (!(e = bind_expr(b, a))) {
      return false;
    }
    p->order[i] = (sky_order){.expr = e, .desc = sel->order[i]->desc};
    p->n_order = i + 1;
  }
  return true;
}

/* ---- expression ids ---------------------------------------------------------------- */

static void number(sky_expr *e, uint32_t *n) {
  if (!e) return;
  if (e->id == UINT32_MAX) e->id = (*n)++;
  for (uint32_t i = 0; i < e->n_args; i++) number(e->args[i], n);
}

static void number_path_expr(sky_expr *e, void *n) { number(e, n); }

void bind_number_all(sky_plan *p) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < p->n_path_fns; i++) number(p->path_fns[i].arg, &n), number(p->path_fns[i].cond, &n);
  sky_plan_each_path_expr(p, number_path_expr, &n);
  for (uint32_t i = 0; i < p->n_obj_aggs; i++) number(p->obj_aggs[i].filter, &n), number(p->obj_aggs[i].arg, &n);
  number(p->filter, &n);
  for (uint32_t i = 0; i < p->n_keys; i++) number(p->keys[i], &n);
  for (uint32_t i = 0; i < p->n_aggs; i++) number(p->aggs[i].filter, &n), number(p->aggs[i].arg, &n);
  for (uint32_t i = 0; i < p->n_outputs; i++) number(p->outputs[i], &n);
  number(p->having, &n);
  for (uint32_t i = 0; i < p->n_order; i++) number(p->order[i].expr, &n);
  p->n_exprs = n;
}

/* ---- sky_bind_select --------------------------------------------------------------- */

sky_plan *bind_new_plan(bind_ctx *b, const sky_schema *schema, sky_plan_kind kind) {
  sky_plan *p = sky_arena_calloc(b->arena, sizeof *p);
  if (!p) return bind_oom(b);
  p->kind = kind;
  p->schema_uid = schema->table_uid;
  p->schema_version = schema->version;
  p->n_props = schema->n_props;
  if (!(p->need_props = sky_arena_calloc(b->arena, schema->n_props ? schema->n_props : 1))) return bind_oom(b);
  p->session_gap_us = -1;
  p->limit = -1;
  return p;
}

int sky_bind_select(const sky_stmt *stmt, const sky_schema *schema, sky_arena *arena, sky_plan **out,
                    sky_error *err) {
  sky_error local;
  if (!err) err = &local;
  sky_error_clear(err);
  *out = NULL;
  if (!stmt || !stmt->select) return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "not a SELECT statement");
  const sky_select *sel = stmt->select;
  bind_ctx b = {.arena = arena, .schema = schema, .sel = sel, .err = err};
  if (!(b.plan = bind_new_plan(&b, schema, SKY_PLAN_SELECT))) return -1;
  sky_plan *p = b.plan;

  if (!bind_during(&b) || !bind_as_of(&b) || !bind_session(&b)) return -1;
  if (sel->where && !(p->filter = bind_condition(&b, bind_event_expr(&b, sel->where, "WHERE"), sel->where, "WHERE")))
    return -1;
  if (!bind_keys(&b) || !bind_items(&b)) return -1;
  return bind_finish(&b, out);
}

/* HAVING, ORDER BY and LIMIT over the outputs, display types, ids. */
int bind_finish(bind_ctx *b, sky_plan **out) {
  const sky_select *sel = b->sel;
  sky_plan *p = b->plan;
  b->mode = BIND_POST;
  b->aliases = true;
  if (sel->having && !(p->having = bind_condition(b, bind_expr(b, sel->having), sel->having, "HAVING"))) return -1;
  if (!bind_order(b)) return -1;
  if (sel->limit) p->limit = sel->limit->u > INT64_MAX ? INT64_MAX : (int64_t)sel->limit->u;
  if (b->failed || !bind_state_lapses(b)) return -1;
  if (sky_plan_output_types(p, b->arena) != 0) return bind_oom(b), -1;
  bind_number_all(p);
  *out = p;
  return 0;
}
