/* bind_paths.c — sky_bind_paths(): a parsed PATHS AFTER | BEFORE (PATHS.md
 * §4) and a schema to a plan of kind PATHS.
 *
 * The per-object half (plan->paths) is read on every event of the path,
 * not only on matching ones, because the steps of an edge walk the whole
 * path: the anchor (WHERE folded in as IF(WHERE, condition, FALSE), so the
 * plan has no filter and both engines hand over every event) and the value
 * (OF expr, default `action`). The result half is a SELECT-shaped plan
 * over entry rows, one per edge (bind_entry.c):
 *
 *   keys step, source, target; count = count(), objects = objects(),
 *   avg_time = avg(time) (FLOAT µs, shown as a DURATION)
 *
 * The rows are sorted by step, count descending, source, target: an
 * explicit order of the plan, after the items of an ORDER BY (whose ties
 * keep it), so LIMIT cuts that order.
 */
#include <string.h>

#include "common/error.h"
#include "parser/bind.h"

/* PATHS has no GROUP BY (its rows are edges); k is 1..64. */
static bool bind_head(bind_ctx *b, sky_paths *ps) {
  const sky_select *sel = b->sel;
  const ast_paths *ap = sel->paths;
  if (sel->n_group)
    return bind_fail(b, SKY_ERR_SEMANTIC, sel->group[0], "PATHS has no GROUP BY: its rows are edges (step, source, target)"),
           false;
  if (ap->k->u < 1 || ap->k->u > SKY_PATHS_MAX_STEPS)
    return bind_fail(b, SKY_ERR_SEMANTIC, ap->k, "PATHS takes 1 to %d STEPS, not %llu", SKY_PATHS_MAX_STEPS,
                     (unsigned long long)ap->k->u),
           false;
  ps->before = ap->before;
  ps->n_steps = (uint32_t)ap->k->u;
  return true;
}

/* The anchor: the condition, and WHERE before it. */
static bool bind_anchor(bind_ctx *b, sky_paths *ps) {
  const sky_select *sel = b->sel;
  const ast_paths *ap = sel->paths;
  const char *clause = ap->before ? "PATHS BEFORE" : "PATHS AFTER";
  sky_expr *where = NULL;
  if (sel->where && !(where = bind_condition(b, bind_event_expr(b, sel->where, "WHERE"), sel->where, "WHERE")))
    return false;
  sky_expr *cond = bind_condition(b, bind_event_expr(b, ap->cond, clause), ap->cond, clause);
  if (!cond) return false;
  if (!where) {
    ps->anchor = cond;
    return true;
  }
  /* IF(WHERE, condition, FALSE): the condition only where WHERE holds */
  sky_expr *no = bind_synth(b, SKY_OP_CONST, SKY_VT_BOOL, 0, "FALSE", 0);
  sky_expr *e = bind_synth(b, SKY_OP_IF, SKY_VT_BOOL, 0, cond->text, 3);
  if (!no || !e) return false;
  e->args[0] = where, e->args[1] = cond, e->args[2] = no;
  ps->anchor = e;
  return true;
}

/* OF expr (any per-event value), or the action. */
static bool bind_value(bind_ctx *b, sky_paths *ps) {
  const ast_paths *ap = b->sel->paths;
  if (ap->of) {
    if (!(ps->value = bind_event_expr(b, ap->of, "OF"))) return false;
    bx_type_null(ps->value, SKY_VT_INT, SKY_DOM_NONE); /* OF NULL: no edge has a far end */
    return true;
  }
  b->plan->need_action = true;
  return (ps->value = bind_synth(b, SKY_OP_ACTION, SKY_VT_STRING, SKY_DICT_ACTION, "action", 0)) != NULL;
}

/* step, source, target, count, objects, avg_time. */
static bool bind_result(bind_ctx *b, const sky_paths *ps) {
  const sky_expr *v = ps->value;
  if (!bind_entry_columns(b, 8) || !bind_entry_key(b, SKY_ENTRY_STEP, SKY_VT_INT, 0, "step", NULL) ||
      !bind_entry_key(b, SKY_ENTRY_SOURCE, v->type, v->dom, "source", NULL) ||
      !bind_entry_key(b, SKY_ENTRY_TARGET, v->type, v->dom, "target", NULL))
    return false;
  if (!bind_entry_output(b, bind_entry_agg(b, SKY_AGG_COUNT_ALL, 0, SKY_VT_INT, "count"), "count") ||
      !bind_entry_output(b, bind_entry_agg(b, SKY_AGG_OBJECTS, 0, SKY_VT_INT, "objects"), "objects") ||
      !bind_entry_output(b, bind_entry_agg(b, SKY_AGG_AVG, SKY_ENTRY_TIME, SKY_VT_FLOAT, "avg_time"), "avg_time"))
    return false;
  return true;
}

/* The default order, after an explicit ORDER BY's items (its ties keep the
 * default order, as a SELECT's keep the key order): step, count
 * descending, source, target. */
static int default_order(bind_ctx *b, sky_plan *p) {
  sky_order *o = sky_arena_alloc(b->arena, sizeof *o * (p->n_order + 4));
  if (!o) return bind_oom(b), -1;
  if (p->n_order) memcpy(o, p->order, sizeof *o * p->n_order);
  o[p->n_order++] = (sky_order){.expr = p->outputs[0], .desc = false};
  o[p->n_order++] = (sky_order){.expr = p->outputs[3], .desc = true};
  o[p->n_order++] = (sky_order){.expr = p->outputs[1], .desc = false};
  o[p->n_order++] = (sky_order){.expr = p->outputs[2], .desc = false};
  p->order = o;
  return 0;
}

int sky_bind_paths(const sky_stmt *stmt, const sky_schema *schema, sky_arena *arena, sky_plan **out,
                   sky_error *err) {
  sky_error local;
  if (!err) err = &local;
  sky_error_clear(err);
  *out = NULL;
  if (!stmt || !stmt->select || !stmt->select->paths)
    return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "not a PATHS statement");
  const sky_select *sel = stmt->select;
  bind_ctx b = {.arena = arena, .schema = schema, .sel = sel, .err = err, .entry_loc = sel->paths->loc,
                .statement = "PATHS"};
  if (!(b.plan = bind_new_plan(&b, schema, SKY_PLAN_PATHS))) return -1;
  sky_plan *p = b.plan;
  sky_paths *ps = sky_arena_calloc(arena, sizeof *ps);
  if (!ps) return bind_oom(&b), -1;
  p->paths = ps;
  p->need_ts = true; /* avg_time */
  if (!bind_head(&b, ps) || !bind_session(&b) || !bind_anchor(&b, ps) || !bind_value(&b, ps) ||
      !bind_result(&b, ps))
    return -1;
  if (bind_entry_finish(&b, out) != 0) return -1;
  return default_order(&b, p);
}
