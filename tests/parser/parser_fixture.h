/* parser_fixture.h — what the parser's tests and its fuzzer share: the
 * fixed schemas statements are bound against, and a checker of plan.h's
 * invariants (every plan a test or the fuzzer binds is checked, so a
 * binder rule that breaks an invariant the engines rely on fails loudly).
 *
 * Header-only (static functions) so that the single-source fuzz harness
 * can use it too.
 */
#ifndef SKY_TESTS_PARSER_FIXTURE_H
#define SKY_TESTS_PARSER_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "parser/plan.h"
#include "storage/schema.h"

/* ---- schemas ---------------------------------------------------------------------- */

typedef struct fixture_prop {
  const char *name;
  sky_prop_kind kind;
  sky_prop_type type;
} fixture_prop;

/* "shop": the schema most cases use. */
static const fixture_prop g_shop_props[] = {
    {.name = "plan", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING},     {.name = "country", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING},
    {.name = "price", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_FLOAT},     {.name = "qty", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_INT},
    {.name = "premium", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_BOOL},    {.name = "referrer", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_STRING},
    {.name = "age", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_INT},         {.name = "page view", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_STRING},
    {.name = "amount", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_INT},      {.name = "n", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_INT},
    {.name = "format", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_STRING},   {.name = "score", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_FLOAT},
    {.name = "flag", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_BOOL},
};

typedef struct fixture_schema {
  sky_schema schema;
  sky_prop props[16];
} fixture_schema;

/* Fills `fs` with the schema called `name` ("shop" or "empty"); false if unknown. */
static bool fixture_schema_init(fixture_schema *fs, const char *name) {
  memset(fs, 0, sizeof *fs);
  fs->schema.props = fs->props;
  if (strcmp(name, "empty") == 0) {
    fs->schema.table_uid = 0xE0E0;
    fs->schema.version = 1;
    return true;
  }
  if (strcmp(name, "shop") != 0) return false;
  fs->schema.table_uid = 0x5409;
  fs->schema.version = 3;
  fs->schema.n_props = sizeof g_shop_props / sizeof *g_shop_props;
  for (uint32_t i = 0; i < fs->schema.n_props; i++) {
    snprintf(fs->props[i].name, sizeof fs->props[i].name, "%s", g_shop_props[i].name);
    fs->props[i].kind = g_shop_props[i].kind;
    fs->props[i].type = g_shop_props[i].type;
  }
  return true;
}

/* ---- plan invariants --------------------------------------------------------------- */

typedef struct plan_check {
  const sky_plan *plan;
  char msg[256];
  bool post; /* checking a post-aggregation expression */
} plan_check;

static bool pc_fail(plan_check *c, const sky_expr *e, const char *what) {
  if (!c->msg[0]) snprintf(c->msg, sizeof c->msg, "%s at '%s' (op %s)", what, e ? e->text : "", e ? sky_op_name(e->op) : "");
  return false;
}

static bool pc_is_dict(const sky_expr *e) { return e->type == SKY_VT_STRING && e->dom < SKY_DOM_LITERAL; }

static bool pc_rc(plan_check *c, const sky_expr *e, uint32_t idx, sky_rc_kind kind, uint32_t dict) {
  if (idx >= c->plan->n_rcs) return pc_fail(c, e, "runtime constant out of range");
  if (c->plan->rcs[idx].kind != kind || c->plan->rcs[idx].dict != dict) return pc_fail(c, e, "wrong runtime constant");
  return true;
}

static bool pc_binary(plan_check *c, const sky_expr *e) {
  const sky_expr *l = e->args[0], *r = e->args[1];
  switch (e->op) {
  case SKY_OP_AND:
  case SKY_OP_OR:
    if (l->type != SKY_VT_BOOL || r->type != SKY_VT_BOOL || e->type != SKY_VT_BOOL) return pc_fail(c, e, "AND/OR not BOOL");
    return true;
  case SKY_OP_EQ:
  case SKY_OP_NE:
    if (l->type != r->type || e->type != SKY_VT_BOOL) return pc_fail(c, e, "= operands differ");
    if (l->type == SKY_VT_STRING && (l->dom != r->dom)) return pc_fail(c, e, "= on strings of two domains");
    if (l->type == SKY_VT_NULL) return pc_fail(c, e, "= on untyped NULL");
    return true;
  case SKY_OP_LT:
  case SKY_OP_LE:
  case SKY_OP_GT:
  case SKY_OP_GE:
    if (l->type != r->type || e->type != SKY_VT_BOOL) return pc_fail(c, e, "ordering operands differ");
    if (l->type == SKY_VT_STRING && !(l->dom == r->dom && (l->dom == SKY_DOM_DAY || l->dom == SKY_DOM_MONTH)))
      return pc_fail(c, e, "ordering on strings outside DAY/MONTH");
    return true;
  case SKY_OP_STR_CMP:
    if (l->type != SKY_VT_STRING || r->type != SKY_VT_STRING || e->type != SKY_VT_INT) return pc_fail(c, e, "bad strcmp");
    return true;
  case SKY_OP_DIV:
    if (l->type != SKY_VT_FLOAT || r->type != SKY_VT_FLOAT || e->type != SKY_VT_FLOAT) return pc_fail(c, e, "DIV not FLOAT");
    return true;
  default: /* ADD SUB MUL MOD */
    if (l->type != r->type || l->type != e->type || (e->type != SKY_VT_INT && e->type != SKY_VT_FLOAT))
      return pc_fail(c, e, "arithmetic operands differ");
    return true;
  }
}

static bool pc_unary(plan_check *c, const sky_expr *e) {
  const sky_expr *a = e->args[0];
  const sky_plan *p = c->plan;
  switch (e->op) {
  case SKY_OP_NOT: return a->type == SKY_VT_BOOL && e->type == SKY_VT_BOOL ? true : pc_fail(c, e, "NOT not BOOL");
  case SKY_OP_NEG: return a->type == e->type && (a->type == SKY_VT_INT || a->type == SKY_VT_FLOAT) ? true : pc_fail(c, e, "bad NEG");
  case SKY_OP_IS_NULL:
  case SKY_OP_IS_NOT_NULL: return e->type == SKY_VT_BOOL ? true : pc_fail(c, e, "IS NULL not BOOL");
  case SKY_OP_TO_FLOAT: return a->type == SKY_VT_INT && e->type == SKY_VT_FLOAT ? true : pc_fail(c, e, "bad TO_FLOAT");
  case SKY_OP_RANK:
    if (!pc_is_dict(a) || e->type != SKY_VT_INT) return pc_fail(c, e, "RANK of a non-dictionary string");
    return pc_rc(c, e, e->index, SKY_RC_RANKS, a->dom);
  case SKY_OP_DICT_MATCH:
    if (!pc_is_dict(a) || e->type != SKY_VT_BOOL) return pc_fail(c, e, "match on a non-dictionary string");
    if (e->index >= p->n_rcs || (p->rcs[e->index].kind != SKY_RC_LIKE && p->rcs[e->index].kind != SKY_RC_IN_SET))
      return pc_fail(c, e, "match without a LIKE/IN table");
    return pc_rc(c, e, e->index, p->rcs[e->index].kind, a->dom);
  case SKY_OP_LIKE:
    if (a->type != SKY_VT_STRING || e->index >= p->n_literals) return pc_fail(c, e, "bad LIKE");
    return true;
  case SKY_OP_IN_SET:
    if (e->type != SKY_VT_BOOL || e->index >= p->n_sets || p->sets[e->index].type != a->type)
      return pc_fail(c, e, "IN set of another type");
    for (uint32_t i = 1; i < p->sets[e->index].n; i++)
      if (p->sets[e->index].keys[i - 1] >= p->sets[e->index].keys[i]) return pc_fail(c, e, "IN set not sorted");
    return true;
  case SKY_OP_HOUR:
  case SKY_OP_WEEKDAY: return a->type == SKY_VT_INT && e->type == SKY_VT_INT ? true : pc_fail(c, e, "bad bucket");
  case SKY_OP_DAY:
  case SKY_OP_WEEK: return a->type == SKY_VT_INT && e->dom == SKY_DOM_DAY ? true : pc_fail(c, e, "bad day bucket");
  case SKY_OP_MONTH: return a->type == SKY_VT_INT && e->dom == SKY_DOM_MONTH ? true : pc_fail(c, e, "bad month bucket");
  default: return pc_fail(c, e, "unknown unary");
  }
}

static bool pc_leaf(plan_check *c, const sky_expr *e) {
  const sky_plan *p = c->plan;
  bool column = e->op == SKY_OP_OBJECT || e->op == SKY_OP_TIMESTAMP || e->op == SKY_OP_ACTION ||
                e->op == SKY_OP_PROP_EVENT || e->op == SKY_OP_PROP_STATE || e->op == SKY_OP_SESSION_NUMBER;
  if (column && c->post) return pc_fail(c, e, "event value after aggregation");
  if ((e->op == SKY_OP_KEY_REF || e->op == SKY_OP_AGG_REF) && !c->post) return pc_fail(c, e, "reference before aggregation");
  switch (e->op) {
  case SKY_OP_CONST:
    if (e->type == SKY_VT_STRING && e->dom == SKY_DOM_LITERAL && !e->value.is_null && e->value.word >= p->n_literals)
      return pc_fail(c, e, "literal out of range");
    return true;
  case SKY_OP_TIMESTAMP: return p->need_ts ? true : pc_fail(c, e, "timestamp without need_ts");
  case SKY_OP_ACTION: return p->need_action && e->dom == SKY_DICT_ACTION ? true : pc_fail(c, e, "action without need_action");
  case SKY_OP_SESSION_NUMBER: return p->uses_session_number && p->session_gap_us >= 0 ? true : pc_fail(c, e, "session.number without session");
  case SKY_OP_PROP_EVENT:
  case SKY_OP_PROP_STATE:
    if (e->index >= p->n_props || !p->need_props[e->index]) return pc_fail(c, e, "property not read");
    if (e->type == SKY_VT_STRING && e->dom != sky_prop_dict(e->index)) return pc_fail(c, e, "property domain");
    if (e->op == SKY_OP_PROP_STATE) {
      for (uint32_t i = 0; i < p->n_state; i++)
        if (p->state_props[i] == e->index) return true;
      return pc_fail(c, e, "state property without a register");
    }
    return true;
  case SKY_OP_RCONST:
    if (e->index >= p->n_rcs) return pc_fail(c, e, "rconst out of range");
    if (p->rcs[e->index].kind == SKY_RC_CODE)
      return e->type == SKY_VT_STRING && e->dom == p->rcs[e->index].dict ? true : pc_fail(c, e, "code rconst type");
    if (p->rcs[e->index].kind == SKY_RC_RANK) return e->type == SKY_VT_INT ? true : pc_fail(c, e, "rank rconst type");
    return pc_fail(c, e, "rconst of a table");
  case SKY_OP_KEY_REF:
    if (e->index >= p->n_keys || p->keys[e->index]->type != e->type || p->keys[e->index]->dom != e->dom)
      return pc_fail(c, e, "bad key reference");
    return true;
  case SKY_OP_AGG_REF:
    if (e->index >= p->n_aggs || p->aggs[e->index].type != e->type) return pc_fail(c, e, "bad aggregate reference");
    return true;
  case SKY_OP_OBJ_AGG:
    if (e->index >= p->n_obj_aggs || p->obj_aggs[e->index].type != e->type) return pc_fail(c, e, "bad OVER OBJECT");
    return true;
  case SKY_OP_PATH_FN:
    if (c->post) return pc_fail(c, e, "path function after aggregation");
    if (e->index >= p->n_path_fns || p->path_fns[e->index].type != e->type || p->path_fns[e->index].dom != e->dom)
      return pc_fail(c, e, "bad path function");
    return true;
  default: return true;
  }
}

static bool pc_expr(plan_check *c, const sky_expr *e, int depth) {
  if (!e) return pc_fail(c, NULL, "NULL expression");
  if (depth > 2000) return pc_fail(c, e, "too deep");
  if (e->id >= c->plan->n_exprs) return pc_fail(c, e, "id out of range");
  if ((e->type == SKY_VT_STRING) != (e->dom != SKY_DOM_NONE)) return pc_fail(c, e, "domain on a non-string");
  if (!e->text || e->line < 1 || e->column < 1) return pc_fail(c, e, "no position/text");
  int arity = sky_op_arity(e->op);
  if (arity >= 0 ? e->n_args != (uint32_t)arity : e->n_args < 2) return pc_fail(c, e, "wrong arity");
  for (uint32_t i = 0; i < e->n_args; i++)
    if (!pc_expr(c, e->args[i], depth + 1)) return false;
  if (e->op == SKY_OP_IN) {
    for (uint32_t i = 1; i < e->n_args; i++)
      if (e->args[i]->type != e->args[0]->type || e->args[i]->dom != e->args[0]->dom)
        return pc_fail(c, e, "IN items differ from the operand");
    if (e->args[0]->type == SKY_VT_STRING && e->args[0]->dom == SKY_DOM_LITERAL) return pc_fail(c, e, "IN on literals");
    return true;
  }
  if (arity == 0) return pc_leaf(c, e);
  if (e->op == SKY_OP_IF) {
    if (!c->post) return pc_fail(c, e, "IF before aggregation");
    if (e->args[0]->type != SKY_VT_BOOL || e->args[1]->type != e->type || e->args[2]->type != e->type)
      return pc_fail(c, e, "IF operands differ");
    return true;
  }
  return arity == 1 ? pc_unary(c, e) : pc_binary(c, e);
}

static bool pc_has_op(const sky_expr *e, sky_op op) {
  if (e->op == op) return true;
  for (uint32_t i = 0; i < e->n_args; i++)
    if (pc_has_op(e->args[i], op)) return true;
  return false;
}

/* An aggregate's FILTER: a per-event BOOL without OVER OBJECT values. */
static bool pc_agg_filter(plan_check *c, const sky_agg *g) {
  if (!g->filter) return true;
  if (!pc_expr(c, g->filter, 0)) return false;
  if (g->filter->type != SKY_VT_BOOL) return pc_fail(c, g->filter, "aggregate filter not BOOL");
  if (pc_has_op(g->filter, SKY_OP_OBJ_AGG)) return pc_fail(c, g->filter, "OVER OBJECT in an aggregate filter");
  return true;
}

/* NULL when `p` satisfies plan.h's invariants, else what is wrong. */
static const char *plan_check_run(plan_check *c, const sky_plan *p) {
  memset(c, 0, sizeof *c);
  c->plan = p;
  if (p->filter && (!pc_expr(c, p->filter, 0) || p->filter->type != SKY_VT_BOOL)) return pc_fail(c, p->filter, "filter"), c->msg;
  const sky_funnel *f = p->funnel;
  if ((p->kind == SKY_PLAN_FUNNEL) != (f != NULL)) return "funnel part and plan kind disagree";
  for (uint32_t i = 0; f && i < f->n_steps; i++)
    if (!pc_expr(c, f->steps[i], 0) || f->steps[i]->type != SKY_VT_BOOL) return pc_fail(c, f->steps[i], "step"), c->msg;
  for (uint32_t i = 0; f && i < f->n_excludes; i++)
    if (!pc_expr(c, f->excludes[i].cond, 0) || f->excludes[i].from >= f->excludes[i].to ||
        f->excludes[i].to > f->n_steps)
      return pc_fail(c, f->excludes[i].cond, "exclude"), c->msg;
  for (uint32_t i = 0; i < p->n_obj_aggs; i++)
    if ((p->obj_aggs[i].arg && !pc_expr(c, p->obj_aggs[i].arg, 0)) || !pc_agg_filter(c, &p->obj_aggs[i])) return c->msg;
  for (uint32_t i = 0; i < p->n_path_fns; i++) { /* next, prev, nth: per-event parts without path functions */
    const sky_path_fn *pf = &p->path_fns[i];
    if ((pf->kind == SKY_PATH_FN_NTH) == (pf->arg != NULL) || pf->n < 1 || pf->n > SKY_PATH_FN_MAX_N ||
        (pf->distinct && pf->cond) || (pf->kind == SKY_PATH_FN_NTH && !pf->cond))
      return "path function shape";
    if (pf->arg && (!pc_expr(c, pf->arg, 0) || pc_has_op(pf->arg, SKY_OP_PATH_FN) || pc_has_op(pf->arg, SKY_OP_OBJ_AGG)))
      return pc_fail(c, pf->arg, "path function argument"), c->msg;
    if (pf->cond && (!pc_expr(c, pf->cond, 0) || pf->cond->type != SKY_VT_BOOL || pc_has_op(pf->cond, SKY_OP_PATH_FN) ||
                     pc_has_op(pf->cond, SKY_OP_OBJ_AGG)))
      return pc_fail(c, pf->cond, "path function condition"), c->msg;
  }
  for (uint32_t i = 0; f && i < f->n_hold + f->n_group; i++)
    if (!pc_expr(c, i < f->n_hold ? f->hold[i] : f->group[i - f->n_hold], 0)) return c->msg;
  const sky_cohort *co = p->cohort;
  bool cohort_kind = p->kind == SKY_PLAN_RETENTION || p->kind == SKY_PLAN_LIFECYCLE || p->kind == SKY_PLAN_STICKINESS;
  if (cohort_kind != (co != NULL)) return "cohort part and plan kind disagree";
  for (uint32_t i = 0; co && i < 2; i++) {
    if ((p->kind == SKY_PLAN_RETENTION) != (co->conds[i] != NULL)) return "RETENTION conditions";
    if (co->conds[i] && (!pc_expr(c, co->conds[i], 0) || co->conds[i]->type != SKY_VT_BOOL))
      return pc_fail(c, co->conds[i], "FROM / TO"), c->msg;
  }
  if (co && p->kind == SKY_PLAN_RETENTION && (co->n_periods < 1 || co->n_periods > SKY_RETENTION_MAX_PERIODS))
    return "FOR n out of range";
  if (co && p->kind != SKY_PLAN_RETENTION && co->n_group) return "GROUP BY outside RETENTION";
  for (uint32_t i = 0; co && i < co->n_group; i++)
    if (!pc_expr(c, co->group[i], 0)) return c->msg;
  if (co && p->session_gap_us >= 0) return "a session in a cohort statement";
  for (uint32_t i = 0; i < p->n_keys; i++)
    if (!pc_expr(c, p->keys[i], 0)) return c->msg;
  for (uint32_t i = 0; i < p->n_aggs; i++) {
    const sky_agg *g = &p->aggs[i];
    bool argless = g->kind == SKY_AGG_COUNT_ALL || g->kind == SKY_AGG_OBJECTS || g->kind == SKY_AGG_SESSIONS;
    if (argless != (g->arg == NULL)) return pc_fail(c, g->arg, "aggregate argument"), c->msg;
    if ((g->arg && !pc_expr(c, g->arg, 0)) || !pc_agg_filter(c, g)) return c->msg;
    if ((g->kind == SKY_AGG_MIN || g->kind == SKY_AGG_MAX) && pc_is_dict(g->arg) &&
        !pc_rc(c, g->arg, (uint32_t)g->rank_rc, SKY_RC_RANKS, g->arg->dom))
      return c->msg;
    if (g->kind == SKY_AGG_SESSIONS && !(p->uses_session_number && p->session_gap_us >= 0))
      return pc_fail(c, NULL, "sessions() without a session"), c->msg;
  }
  c->post = true;
  for (uint32_t i = 0; i < p->n_outputs; i++)
    if (!p->output_names[i] || !pc_expr(c, p->outputs[i], 0)) return c->msg[0] ? c->msg : "output name";
  if (p->having && (!pc_expr(c, p->having, 0) || p->having->type != SKY_VT_BOOL)) return pc_fail(c, p->having, "having"), c->msg;
  for (uint32_t i = 0; i < p->n_order; i++)
    if (!pc_expr(c, p->order[i].expr, 0)) return c->msg;
  for (uint32_t i = 0; i < p->n_state; i++)
    for (uint32_t k = i + 1; k < p->n_state; k++)
      if (p->state_props[i] == p->state_props[k]) return "duplicate state register";
  return NULL;
}

#endif
