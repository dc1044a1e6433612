/* bind_funnel.c — sky_bind_funnel(): a parsed FUNNEL (PATHS.md §1) and a
 * schema to a plan of kind FUNNEL.
 *
 * Two halves. The per-object half (plan->funnel) holds what is evaluated on
 * each matching event: the step conditions, the EXCLUDE conditions, the
 * HOLDING values and the GROUP BY keys (read at an entry's step-1 event);
 * WHERE is plan->filter, as in a SELECT. The result half is a SELECT-shaped
 * plan over *entry rows* (plan.h, SKY_ENTRY_FIELDS): its keys, aggregates
 * and outputs are built here from ENTRY leaves, so that grouping, merging,
 * the default order, HAVING, ORDER BY and LIMIT are the SELECT machinery
 * unchanged. Per RETURN form:
 *
 *   STEPS    keys (entry keys, step, name); one row per entry and step;
 *            objects = count(reached), conversion = objects / count(),
 *            step_conversion = objects / count(reached_prev) (1.0 at step
 *            1), median_time / avg_time = median / avg(time),
 *            median_step_time = median(step_time)
 *   OBJECTS  keys (entry keys, object, level, started, converted); one row
 *            per entry within the level range
 *   TIMES    keys (entry keys, bucket); objects = count()
 *
 * HAVING and ORDER BY name result columns (by name, or a HOLDING / GROUP BY
 * expression by its text); they take no aggregates of their own. The entry
 * rows' builders are shared with the other path statements (bind_entry.c).
 */
#include <string.h>

#include "common/error.h"
#include "parser/bind.h"

/* ---- the per-object half ------------------------------------------------------------ */

/* A step number i, 1 <= i <= k. */
static bool step_number(bind_ctx *b, ast_stepno n, uint32_t k, const char *what, uint32_t *out) {
  ast_expr tmp;
  if (n.n < 1 || n.n > k)
    return bind_fail(b, SKY_ERR_SEMANTIC, bind_at_loc(&tmp, &n.loc), "%s step %llu is not a step of this funnel (1..%u)",
                     what, (unsigned long long)n.n, k),
           false;
  *out = (uint32_t)n.n;
  return true;
}

static bool bind_steps(bind_ctx *b, sky_funnel *f) {
  const ast_funnel *af = b->sel->funnel;
  if (af->n_steps > SKY_FUNNEL_MAX_STEPS)
    return bind_fail(b, SKY_ERR_SEMANTIC, af->steps[SKY_FUNNEL_MAX_STEPS]->expr, "a FUNNEL has at most %d steps",
                     SKY_FUNNEL_MAX_STEPS),
           false;
  f->n_steps = af->n_steps;
  f->steps = sky_arena_alloc(b->arena, sizeof *f->steps * f->n_steps);
  f->step_names = sky_arena_alloc(b->arena, sizeof *f->step_names * f->n_steps);
  f->step_literals = sky_arena_alloc(b->arena, sizeof *f->step_literals * f->n_steps);
  if (!f->steps || !f->step_names || !f->step_literals) return bind_oom(b), false;
  for (uint32_t i = 0; i < f->n_steps; i++) {
    const ast_item *it = af->steps[i];
    f->steps[i] = bind_condition(b, bind_event_expr(b, it->expr, "a FUNNEL step"), it->expr, "a FUNNEL step");
    if (!f->steps[i]) return false;
    f->step_names[i] = it->has_alias ? sky_arena_strndup(b->arena, it->alias.s, it->alias.len) : bind_src(b, it->expr);
    if (!f->step_names[i]) return bind_oom(b), false;
    int64_t lit = bind_literal(b, f->step_names[i], strlen(f->step_names[i]));
    if (lit < 0) return bind_oom(b), false;
    f->step_literals[i] = (uint32_t)lit;
  }
  const ast_expr *w = af->window;
  if (w->u > INT64_MAX) return bind_fail(b, SKY_ERR_SEMANTIC, w, "the FUNNEL window is out of range"), false;
  f->window_us = (int64_t)w->u;
  return true;
}

static bool bind_excludes(bind_ctx *b, sky_funnel *f) {
  const ast_funnel *af = b->sel->funnel;
  if (!af->n_excludes) return true;
  if (af->n_excludes > SKY_FUNNEL_MAX_EXCLUDES)
    return bind_fail(b, SKY_ERR_SEMANTIC, af->excludes[SKY_FUNNEL_MAX_EXCLUDES]->cond,
                     "a FUNNEL has at most %d EXCLUDE clauses", SKY_FUNNEL_MAX_EXCLUDES),
           false;
  f->n_excludes = af->n_excludes;
  if (!(f->excludes = sky_arena_calloc(b->arena, sizeof *f->excludes * f->n_excludes))) return bind_oom(b), false;
  for (uint32_t i = 0; i < f->n_excludes; i++) {
    const ast_exclude *x = af->excludes[i];
    sky_funnel_exclude *fx = &f->excludes[i];
    if (!(fx->cond = bind_condition(b, bind_event_expr(b, x->cond, "EXCLUDE"), x->cond, "EXCLUDE"))) return false;
    fx->from = 1;
    fx->to = f->n_steps;
    if (x->from.given && (!step_number(b, x->from, f->n_steps, "BETWEEN", &fx->from) ||
                          !step_number(b, x->to, f->n_steps, "AND", &fx->to)))
      return false;
    if (fx->from >= fx->to) {
      ast_expr tmp;
      const ast_expr *at = x->from.given ? bind_at_loc(&tmp, &x->from.loc) : x->cond;
      return bind_fail(b, SKY_ERR_SEMANTIC, at, "EXCLUDE needs a range of steps i < j (BETWEEN STEP %u AND %u)",
                       fx->from, fx->to),
             false;
    }
  }
  return true;
}

/* What ANY ORDER cannot have (PATHS.md §1: there is no chain). */
static bool check_any_order(bind_ctx *b) {
  const ast_funnel *af = b->sel->funnel;
  if (af->order != AST_FUNNEL_ANY_ORDER) return true;
  const char *what = NULL;
  ast_expr tmp;
  const ast_expr *at = NULL;
  if (af->n_excludes) what = "EXCLUDE", at = af->excludes[0]->cond;
  else if (af->n_holding) what = "HOLDING", at = af->holding[0];
  else if (af->ret.kind == AST_RETURN_OBJECTS) what = "RETURN OBJECTS", at = bind_at_loc(&tmp, &af->ret.loc);
  else if (af->ret.kind == AST_RETURN_TIMES) what = "RETURN TIMES", at = bind_at_loc(&tmp, &af->ret.loc);
  if (!what) return true;
  return bind_fail(b, SKY_ERR_SEMANTIC, at, "ANY ORDER has no chain of steps, so it cannot have %s", what), false;
}

static bool bind_return(bind_ctx *b, sky_funnel *f) {
  const ast_return *r = &b->sel->funnel->ret;
  ast_expr tmp;
  f->ret = (sky_funnel_return)r->kind;
  f->min_level = 1;
  f->max_level = f->n_steps;
  if (r->kind == AST_RETURN_OBJECTS && r->objects != AST_OBJECTS_ALL) {
    uint32_t i;
    if (!step_number(b, r->at, f->n_steps, r->objects == AST_OBJECTS_REACHED ? "REACHED" : "DROPPED AFTER", &i))
      return false;
    f->min_level = i;
    if (r->objects == AST_OBJECTS_DROPPED) f->max_level = i;
  }
  if (r->kind == AST_RETURN_TIMES) {
    f->time_from = 1;
    f->time_to = f->n_steps;
    if (r->from.given && (!step_number(b, r->from, f->n_steps, "FROM", &f->time_from) ||
                          !step_number(b, r->to, f->n_steps, "TO", &f->time_to)))
      return false;
    if (f->time_from >= f->time_to)
      return bind_fail(b, SKY_ERR_SEMANTIC, bind_at_loc(&tmp, r->from.given ? &r->from.loc : &r->loc),
                       "RETURN TIMES needs steps i < j (FROM STEP %u TO STEP %u)", f->time_from, f->time_to),
             false;
    if (r->bucket->u == 0 || r->bucket->u > INT64_MAX)
      return bind_fail(b, SKY_ERR_SEMANTIC, r->bucket, "BUCKET must be a positive duration"), false;
    f->bucket_us = (int64_t)r->bucket->u;
  }
  return true;
}

/* ---- the result half ------------------------------------------------------------------ */

/* RETURN STEPS: step, name, objects, conversion, step_conversion and the
 * three time columns. */
static bool steps_columns(bind_ctx *b) {
    uint32_t step_key = b->plan->n_keys;
  if (!bind_entry_key(b, SKY_ENTRY_STEP, SKY_VT_INT, 0, "step", NULL) ||
      !bind_entry_key(b, SKY_ENTRY_NAME, SKY_VT_STRING, SKY_DOM_LITERAL, "name", NULL))
    return false;
  sky_expr *entries = bind_entry_agg(b, SKY_AGG_COUNT_ALL, 0, SKY_VT_INT, "count()");
  sky_expr *objects = bind_entry_agg(b, SKY_AGG_COUNT, SKY_ENTRY_REACHED, SKY_VT_INT, "objects");
  sky_expr *prev = bind_entry_agg(b, SKY_AGG_COUNT, SKY_ENTRY_REACHED_PREV, SKY_VT_INT, "count(reached_prev)");
  sky_expr *step = bind_synth(b, SKY_OP_KEY_REF, SKY_VT_INT, 0, "step", 0);
  sky_expr *one = bind_synth(b, SKY_OP_CONST, SKY_VT_INT, 0, "1", 0);
  sky_expr *is_first = bind_synth(b, SKY_OP_EQ, SKY_VT_BOOL, 0, "step = 1", 2);
  sky_expr *full = bind_synth(b, SKY_OP_CONST, SKY_VT_FLOAT, 0, "1.0", 0);
  sky_expr *step_conv = bind_synth(b, SKY_OP_IF, SKY_VT_FLOAT, 0, "step_conversion", 3);
  if (!entries || !objects || !prev || !step || !one || !is_first || !full || !step_conv) return false;
  step->index = step_key;
  one->value.word = 1;
  full->value.word = bind_float_word(1.0);
  is_first->args[0] = step, is_first->args[1] = one;
  step_conv->args[0] = is_first;
  step_conv->args[1] = full;
  step_conv->args[2] = bind_ratio(b, objects, prev, "step_conversion");
  return bind_entry_output(b, objects, "objects") && bind_entry_output(b, bind_ratio(b, objects, entries, "conversion"), "conversion") &&
         step_conv->args[2] && bind_entry_output(b, step_conv, "step_conversion") &&
         bind_entry_output(b, bind_entry_agg(b, SKY_AGG_MEDIAN, SKY_ENTRY_TIME, SKY_VT_INT, "median_time"), "median_time") &&
         bind_entry_output(b, bind_entry_agg(b, SKY_AGG_AVG, SKY_ENTRY_TIME, SKY_VT_FLOAT, "avg_time"), "avg_time") &&
         bind_entry_output(b, bind_entry_agg(b, SKY_AGG_MEDIAN, SKY_ENTRY_STEP_TIME, SKY_VT_INT, "median_step_time"),
                    "median_step_time");
}

static bool bind_result(bind_ctx *b, sky_funnel *f) {
  uint32_t n_entry_keys = f->n_hold + f->n_group;
  if (!bind_entry_columns(b, n_entry_keys + 9)) return false;
  for (uint32_t i = 0; i < n_entry_keys; i++)
    if (!bind_entry_key_of(b, i, i < f->n_hold ? f->hold[i] : f->group[i - f->n_hold])) return false;
  switch (f->ret) {
  case SKY_FUNNEL_RETURN_STEPS: return steps_columns(b);
  case SKY_FUNNEL_RETURN_OBJECTS:
    return bind_entry_key(b, SKY_ENTRY_OBJECT, SKY_VT_OBJECT, 0, "object", NULL) &&
           bind_entry_key(b, SKY_ENTRY_LEVEL, SKY_VT_INT, 0, "level", NULL) &&
           bind_entry_key(b, SKY_ENTRY_STARTED, SKY_VT_INT, 0, "started", NULL) &&
           bind_entry_key(b, SKY_ENTRY_CONVERTED, SKY_VT_INT, 0, "converted", NULL);
  case SKY_FUNNEL_RETURN_TIMES:
    return bind_entry_key(b, SKY_ENTRY_BUCKET, SKY_VT_INT, 0, "bucket", NULL) &&
           bind_entry_output(b, bind_entry_agg(b, SKY_AGG_COUNT_ALL, 0, SKY_VT_INT, "objects"), "objects");
  }
  return false;
}

/* ---- sky_bind_funnel ------------------------------------------------------------------- */

int sky_bind_funnel(const sky_stmt *stmt, const sky_schema *schema, sky_arena *arena, sky_plan **out,
                    sky_error *err) {
  sky_error local;
  if (!err) err = &local;
  sky_error_clear(err);
  *out = NULL;
  if (!stmt || !stmt->select || !stmt->select->funnel)
    return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "not a FUNNEL statement");
  const sky_select *sel = stmt->select;
  const ast_funnel *af = sel->funnel;
  bind_ctx b = {.arena = arena, .schema = schema, .sel = sel, .err = err, .entry_loc = af->loc, .statement = "FUNNEL"};
  if (!(b.plan = bind_new_plan(&b, schema, SKY_PLAN_FUNNEL))) return -1;
  sky_plan *p = b.plan;
  sky_funnel *f = sky_arena_calloc(arena, sizeof *f);
  if (!f) return bind_oom(&b), -1;
  p->funnel = f;
  p->need_ts = true;
  f->order = (sky_funnel_order)af->order;
  if (!check_any_order(&b) || !bind_session(&b) || !bind_steps(&b, f) || !bind_excludes(&b, f)) return -1;
  if (sel->where &&
      !(p->filter = bind_condition(&b, bind_event_expr(&b, sel->where, "WHERE"), sel->where, "WHERE")))
    return -1;
  if (!bind_event_keys(&b, af->holding, af->n_holding, "HOLDING", &f->hold) ||
      !bind_event_keys(&b, sel->group, sel->n_group, "GROUP BY", &f->group))
    return -1;
  f->n_hold = af->n_holding;
  f->n_group = sel->n_group;
  if (f->n_hold + f->n_group > SKY_PLAN_MAX_KEYS - 4) {
    const ast_expr *at = f->n_hold > SKY_PLAN_MAX_KEYS - 4 ? af->holding[SKY_PLAN_MAX_KEYS - 4]
                                                            : sel->group[SKY_PLAN_MAX_KEYS - 4 - f->n_hold];
    return bind_fail(&b, SKY_ERR_SEMANTIC, at, "too many HOLDING and GROUP BY keys: at most %d",
                     SKY_PLAN_MAX_KEYS - 4),
           -1;
  }
  if (!bind_return(&b, f) || !bind_result(&b, f)) return -1;
  return bind_entry_finish(&b, out);
}
