/* bind_cohort.c — sky_bind_retention(), sky_bind_lifecycle() and
 * sky_bind_stickiness(): a parsed RETENTION, LIFECYCLE or STICKINESS
 * (PATHS.md §2, §3) and a schema to a plan of that kind.
 *
 * The per-object half (plan->cohort) is the calendar period of EVERY and,
 * for RETENTION, the FROM and TO conditions, FOR n and its options and the
 * GROUP BY keys read at each entry's start event; WHERE is plan->filter, as
 * in a SELECT. The result half is a SELECT-shaped plan over entry rows
 * (bind_entry.c); each row stands for `size` entries or objects, so the
 * counts are sums (LIFECYCLE's 0 over no rows: the periods it seeds):
 *
 *   RETENTION   keys (GROUP BY values, cohort, period);
 *               cohort_size = sum(size), objects = sum(retained),
 *               share = objects / cohort_size
 *   LIFECYCLE   key period (a label); new, returning, resurrecting,
 *               dormant = sum of each
 *   STICKINESS  key periods; objects = sum(size)
 */
#include "common/error.h"
#include "parser/bind.h"

/* What none of them has: WITHIN SESSION (periods are calendar periods, not
 * sessions), and GROUP BY outside RETENTION (PATHS.md §3). */
static bool check_clauses(bind_ctx *b, sky_plan_kind kind) {
  const sky_select *sel = b->sel;
  if (sel->session)
    return bind_fail(b, SKY_ERR_SEMANTIC, sel->session, "%s counts calendar periods; WITHIN SESSION is not allowed",
                     b->statement),
           false;
  if (kind != SKY_PLAN_RETENTION && sel->n_group)
    return bind_fail(b, SKY_ERR_SEMANTIC, sel->group[0], "%s has no GROUP BY: its rows are periods", b->statement),
           false;
  if (sel->n_group > SKY_PLAN_MAX_KEYS - 2)
    return bind_fail(b, SKY_ERR_SEMANTIC, sel->group[SKY_PLAN_MAX_KEYS - 2], "too many GROUP BY keys: at most %d",
                     SKY_PLAN_MAX_KEYS - 2),
           false;
  return true;
}

/* RETENTION's FROM / TO conditions and FOR n. */
static bool bind_retention_head(bind_ctx *b, sky_cohort *c) {
  const ast_cohort *ac = b->sel->cohort;
  c->recurring = ac->recurring;
  c->rolling = ac->rolling;
  c->on_or_after = ac->on_or_after;
  if (ac->n->u < 1 || ac->n->u > SKY_RETENTION_MAX_PERIODS)
    return bind_fail(b, SKY_ERR_SEMANTIC, ac->n, "FOR takes 1 to %d periods, not %llu", SKY_RETENTION_MAX_PERIODS,
                     (unsigned long long)ac->n->u),
           false;
  c->n_periods = (uint32_t)ac->n->u;
  sky_expr *start = bind_event_expr(b, ac->start, "RETENTION FROM");
  if (!(c->conds[SKY_COHORT_START] = bind_condition(b, start, ac->start, "RETENTION FROM"))) return false;
  sky_expr *ret = bind_event_expr(b, ac->ret, "RETENTION TO");
  return (c->conds[SKY_COHORT_RETURN] = bind_condition(b, ret, ac->ret, "RETENTION TO")) != NULL;
}

/* sum(field) as a result column `name`; with `seeded`, 0 over no rows (the
 * periods LIFECYCLE seeds have none). */
static sky_expr *sum_of(bind_ctx *b, uint32_t field, const char *name, bool seeded) {
  sky_expr *sum = bind_entry_agg(b, SKY_AGG_SUM, field, SKY_VT_INT, name);
  if (!seeded || !sum) return sum;
  sky_expr *none = bind_synth(b, SKY_OP_IS_NULL, SKY_VT_BOOL, 0, name, 1);
  sky_expr *zero = bind_synth(b, SKY_OP_CONST, SKY_VT_INT, 0, "0", 0);
  sky_expr *e = bind_synth(b, SKY_OP_IF, SKY_VT_INT, 0, name, 3);
  if (!none || !zero || !e) return NULL;
  none->args[0] = sum;
  e->args[0] = none, e->args[1] = zero, e->args[2] = sum;
  return e;
}

static bool sum_column(bind_ctx *b, uint32_t field, const char *name, bool seeded) {
  return bind_entry_output(b, sum_of(b, field, name, seeded), name);
}

static bool bind_result(bind_ctx *b, const sky_cohort *c) {
  uint32_t label_dom = sky_period_dom(c->unit);
  if (!bind_entry_columns(b, c->n_group + 8)) return false;
  switch (b->plan->kind) {
  case SKY_PLAN_RETENTION: {
    for (uint32_t i = 0; i < c->n_group; i++)
      if (!bind_entry_key_of(b, i, c->group[i])) return false;
    if (!bind_entry_key(b, SKY_ENTRY_COHORT, SKY_VT_STRING, label_dom, "cohort", NULL) ||
        !bind_entry_key(b, SKY_ENTRY_PERIOD, SKY_VT_INT, 0, "period", NULL))
      return false;
    sky_expr *size = sum_of(b, SKY_ENTRY_SIZE, "cohort_size", false);
    sky_expr *kept = sum_of(b, SKY_ENTRY_RETAINED, "objects", false);
    return bind_entry_output(b, size, "cohort_size") && bind_entry_output(b, kept, "objects") &&
           bind_entry_output(b, bind_ratio(b, kept, size, "share"), "share");
  }
  case SKY_PLAN_LIFECYCLE:
    return bind_entry_key(b, SKY_ENTRY_COHORT, SKY_VT_STRING, label_dom, "period", NULL) &&
           sum_column(b, SKY_ENTRY_NEW, "new", true) && sum_column(b, SKY_ENTRY_RETURNING, "returning", true) &&
           sum_column(b, SKY_ENTRY_RESURRECTING, "resurrecting", true) &&
           sum_column(b, SKY_ENTRY_DORMANT, "dormant", true);
  case SKY_PLAN_STICKINESS:
    return bind_entry_key(b, SKY_ENTRY_PERIODS, SKY_VT_INT, 0, "periods", NULL) &&
           sum_column(b, SKY_ENTRY_SIZE, "objects", false);
  default: return false;
  }
}

static int bind_cohort(const sky_stmt *stmt, sky_plan_kind kind, const sky_schema *schema, sky_arena *arena,
                       sky_plan **out, sky_error *err) {
  sky_error local;
  if (!err) err = &local;
  sky_error_clear(err);
  *out = NULL;
  const char *name = sky_plan_kind_name(kind);
  if (!stmt || !stmt->select || !stmt->select->cohort)
    return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "not a %s statement", name);
  const sky_select *sel = stmt->select;
  const ast_cohort *ac = sel->cohort;
  bind_ctx b = {.arena = arena, .schema = schema, .sel = sel, .err = err, .entry_loc = ac->loc, .statement = name};
  if (!(b.plan = bind_new_plan(&b, schema, kind))) return -1;
  sky_plan *p = b.plan;
  sky_cohort *c = sky_arena_calloc(arena, sizeof *c);
  if (!c) return bind_oom(&b), -1;
  p->cohort = c;
  p->need_ts = true;
  c->unit = (sky_period)ac->unit;
  if (!check_clauses(&b, kind)) return -1;
  if (kind == SKY_PLAN_RETENTION && !bind_retention_head(&b, c)) return -1;
  if (sel->where &&
      !(p->filter = bind_condition(&b, bind_event_expr(&b, sel->where, "WHERE"), sel->where, "WHERE")))
    return -1;
  if (!bind_event_keys(&b, sel->group, sel->n_group, "GROUP BY", &c->group)) return -1;
  c->n_group = sel->n_group;
  if (!bind_result(&b, c)) return -1;
  return bind_entry_finish(&b, out);
}

int sky_bind_retention(const sky_stmt *stmt, const sky_schema *schema, sky_arena *arena, sky_plan **out,
                       sky_error *err) {
  return bind_cohort(stmt, SKY_PLAN_RETENTION, schema, arena, out, err);
}

int sky_bind_lifecycle(const sky_stmt *stmt, const sky_schema *schema, sky_arena *arena, sky_plan **out,
                       sky_error *err) {
  return bind_cohort(stmt, SKY_PLAN_LIFECYCLE, schema, arena, out, err);
}

int sky_bind_stickiness(const sky_stmt *stmt, const sky_schema *schema, sky_arena *arena, sky_plan **out,
                        sky_error *err) {
  return bind_cohort(stmt, SKY_PLAN_STICKINESS, schema, arena, out, err);
}
