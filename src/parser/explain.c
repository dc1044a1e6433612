/* explain.c — the plan as text (EXPLAIN) and the spellings of plan.h's
 * operators, aggregates and types.
 *
 * The text is stable (golden tests diff it) and reads top-down in the
 * order an engine works: what is read, which events match, how they are
 * grouped and aggregated, then what happens to finished groups. Every
 * expression is an indented tree, one node per line: `label : TYPE`, with
 * string domains spelled STRING<dict:plan>, STRING<literal>, STRING<day>,
 * STRING<month>. Runtime constants print inline with what they resolve.
 * Nothing here allocates beyond the output buffer.
 */
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/timeutil.h"
#include "parser/plan.h"

/* ---- spellings ------------------------------------------------------------------ */

static const char *const g_op_names[] = {
#define SKY_X_OP_NAME(name, arity, text) text,
    SKY_OPS(SKY_X_OP_NAME)
#undef SKY_X_OP_NAME
};

static const int g_op_arity[] = {
#define SKY_X_OP_ARITY(name, arity, text) arity,
    SKY_OPS(SKY_X_OP_ARITY)
#undef SKY_X_OP_ARITY
};

const char *sky_plan_kind_name(sky_plan_kind kind) {
  static const char *const names[] = {
#define SKY_X_KIND_NAME(name, text) text,
      SKY_PLAN_KINDS(SKY_X_KIND_NAME)
#undef SKY_X_KIND_NAME
  };
  return (unsigned)kind < SKY_PLAN_KIND_COUNT_ ? names[kind] : "?";
}

const char *sky_op_name(sky_op op) { return (unsigned)op < SKY_OP_COUNT_ ? g_op_names[op] : "?"; }
int sky_op_arity(sky_op op) { return (unsigned)op < SKY_OP_COUNT_ ? g_op_arity[op] : 0; }
const char *sky_agg_name(sky_agg_kind k) { return (unsigned)k < SKY_AGG_COUNT_ ? sky_agg_defs[k].explain : "?"; }

const char *sky_vtype_name(sky_vtype t) {
  static const char *const names[] = {"NULL", "BOOL", "INT", "FLOAT", "STRING", "OBJECT"};
  return (unsigned)t < sizeof names / sizeof *names ? names[t] : "?";
}

/* ---- pieces ------------------------------------------------------------------------ */

typedef struct explain_ctx {
  const sky_plan *plan;
  const sky_schema *schema;
  sky_buf *out;
} explain_ctx;

static void put_prop(const explain_ctx *x, uint32_t prop) {
  if (x->schema && prop < x->schema->n_props) sky_buf_puts(x->out, x->schema->props[prop].name);
  else sky_buf_printf(x->out, "#%u", prop);
}

static void put_dict(const explain_ctx *x, uint32_t dict) {
  if (dict == SKY_DICT_ACTION) sky_buf_puts(x->out, "action");
  else put_prop(x, dict - 1);
}

static void put_quoted(sky_buf *b, const char *s, size_t len) {
  sky_buf_putc(b, '\'');
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '\'') sky_buf_putc(b, '\'');
    sky_buf_putc(b, s[i]);
  }
  sky_buf_putc(b, '\'');
}

static void put_type(const explain_ctx *x, sky_vtype type, uint32_t dom) {
  sky_buf_puts(x->out, sky_vtype_name(type));
  if (type != SKY_VT_STRING) return;
  if (dom == SKY_DOM_LITERAL) sky_buf_puts(x->out, "<literal>");
  else if (dom == SKY_DOM_DAY) sky_buf_puts(x->out, "<day>");
  else if (dom == SKY_DOM_MONTH) sky_buf_puts(x->out, "<month>");
  else if (dom == SKY_DOM_HOUR) sky_buf_puts(x->out, "<hour>");
  else sky_buf_puts(x->out, "<dict:"), put_dict(x, dom), sky_buf_putc(x->out, '>');
}

static void put_rc(const explain_ctx *x, uint32_t i) {
  const sky_rc *rc = &x->plan->rcs[i];
  sky_buf *b = x->out;
  switch (rc->kind) {
  case SKY_RC_CODE: sky_buf_puts(b, "code of "), put_quoted(b, rc->str, rc->len), sky_buf_puts(b, " in "); break;
  case SKY_RC_RANK: sky_buf_puts(b, "rank of "), put_quoted(b, rc->str, rc->len), sky_buf_puts(b, " in "); break;
  case SKY_RC_RANKS: sky_buf_puts(b, "ranks of "); break;
  case SKY_RC_LIKE: sky_buf_puts(b, "like "), put_quoted(b, rc->str, rc->len), sky_buf_puts(b, " over "); break;
  case SKY_RC_IN_SET:
    sky_buf_puts(b, "in (");
    for (uint32_t k = 0; k < rc->n_strs; k++) {
      if (k) sky_buf_puts(b, ", ");
      put_quoted(b, rc->strs[k], rc->lens[k]);
    }
    sky_buf_puts(b, ") over ");
    break;
  }
  put_dict(x, rc->dict);
}

static void put_float(sky_buf *b, uint64_t w) {
  double d;
  memcpy(&d, &w, sizeof d);
  char tmp[40];
  size_t n = sky_format_double(d, tmp);
  tmp[n] = '\0';
  sky_buf_puts(b, tmp);
  if (!strpbrk(tmp, ".eni")) sky_buf_puts(b, ".0");
}

static void put_const(const explain_ctx *x, const sky_expr *e) {
  sky_buf *b = x->out;
  char tmp[32];
  if (e->value.is_null) {
    sky_buf_puts(b, "NULL");
    return;
  }
  switch (e->type) {
  case SKY_VT_BOOL: sky_buf_puts(b, e->value.word ? "TRUE" : "FALSE"); break;
  case SKY_VT_INT: sky_buf_printf(b, "%lld", (long long)e->value.word); break;
  case SKY_VT_OBJECT: sky_buf_printf(b, "%llu", (unsigned long long)e->value.word); break;
  case SKY_VT_FLOAT: put_float(b, e->value.word); break;
  case SKY_VT_STRING:
    if (sky_dom_is_bucket(e->dom)) {
      put_quoted(b, tmp, sky_bucket_format(e->dom, e->value.word, tmp));
      const char *what = e->dom == SKY_DOM_DAY ? "day" : e->dom == SKY_DOM_MONTH ? "month" : "hour";
      sky_buf_printf(b, " (%s %lld)", what, (long long)e->value.word);
    } else if (e->dom == SKY_DOM_LITERAL && e->value.word < x->plan->n_literals) {
      const sky_literal *l = &x->plan->literals[e->value.word];
      put_quoted(b, l->str, l->len);
      sky_buf_printf(b, " (literal #%llu)", (unsigned long long)e->value.word);
    }
    break;
  default: break;
  }
}

/* A lapsed register's TO value (INT, FLOAT, BOOL). */
static void put_lapse_word(sky_buf *b, const sky_state_lapse *l) {
  double f;
  switch (l->type) {
  case SKY_VT_BOOL: sky_buf_puts(b, l->to_word ? "TRUE" : "FALSE"); break;
  case SKY_VT_FLOAT: memcpy(&f, &l->to_word, sizeof f), sky_buf_printf(b, "%.17g", f); break;
  default: sky_buf_printf(b, "%lld", (long long)l->to_word); break;
  }
}

/* One node's label: operator and operands that are not children. */
static void put_label(const explain_ctx *x, const sky_expr *e) {
  sky_buf *b = x->out;
  switch (e->op) {
  case SKY_OP_CONST: sky_buf_puts(b, "const "), put_const(x, e); break;
  case SKY_OP_PROP_EVENT:
  case SKY_OP_PROP_STATE:
  case SKY_OP_STATE_AGE: sky_buf_printf(b, "%s ", sky_op_name(e->op)), put_prop(x, e->index); break;
  case SKY_OP_RCONST: sky_buf_printf(b, "rconst #%u ", e->index), put_rc(x, e->index); break;
  case SKY_OP_RANK:
  case SKY_OP_DICT_MATCH: sky_buf_printf(b, "%s #%u ", sky_op_name(e->op), e->index), put_rc(x, e->index); break;
  case SKY_OP_KEY_REF:
  case SKY_OP_AGG_REF: sky_buf_printf(b, "%s #%u", sky_op_name(e->op), e->index); break;
  case SKY_OP_OBJ_AGG: sky_buf_printf(b, "object agg #%u", e->index); break;
  case SKY_OP_PATH_FN: sky_buf_printf(b, "path fn #%u", e->index); break;
  case SKY_OP_ENTRY:
    if (e->index >= SKY_ENTRY_KEY0) sky_buf_printf(b, "entry key #%u", e->index - SKY_ENTRY_KEY0);
    else sky_buf_printf(b, "entry %s", sky_entry_field_name(e->index));
    break;
  case SKY_OP_IN_SET: {
    const sky_in_set *s = &x->plan->sets[e->index];
    sky_buf_printf(b, "IN set #%u (%u distinct values%s)", e->index, s->n, s->has_null ? ", NULL" : "");
    break;
  }
  case SKY_OP_LIKE: {
    const sky_literal *l = &x->plan->literals[e->index];
    sky_buf_puts(b, "LIKE ");
    put_quoted(b, l->str, l->len);
    sky_buf_printf(b, " (literal #%u)", e->index);
    break;
  }
  default: sky_buf_puts(b, sky_op_name(e->op)); break;
  }
}

static void put_tree(const explain_ctx *x, const sky_expr *e, int depth) {
  for (int i = 0; i < depth; i++) sky_buf_puts(x->out, "  ");
  put_label(x, e);
  sky_buf_puts(x->out, " : ");
  put_type(x, e->type, e->dom);
  sky_buf_putc(x->out, '\n');
  for (uint32_t i = 0; i < e->n_args; i++) put_tree(x, e->args[i], depth + 1);
}

/* ---- sections ---------------------------------------------------------------------- */

static void put_inputs(const explain_ctx *x) {
  const sky_plan *p = x->plan;
  sky_buf *b = x->out;
  sky_buf_printf(b, "schema: version %llu, %u properties\ninputs:\n  columns:",
                 (unsigned long long)p->schema_version, p->n_props);
  bool any = false;
  if (p->need_ts) sky_buf_puts(b, " timestamp"), any = true;
  if (p->need_action) sky_buf_printf(b, "%s action", any ? "," : ""), any = true;
  for (uint32_t i = 0; i < p->n_props; i++) {
    if (!p->need_props[i]) continue;
    sky_buf_puts(b, any ? ", " : " ");
    put_prop(x, i);
    if (x->schema && i < x->schema->n_props)
      sky_buf_printf(b, " (%s %s)", sky_prop_kind_name(x->schema->props[i].kind),
                     sky_prop_type_name(x->schema->props[i].type));
    any = true;
  }
  sky_buf_puts(b, any ? "\n" : " none (object ids only)\n");
  sky_buf_puts(b, "  state registers:");
  for (uint32_t i = 0; i < p->n_state; i++) {
    sky_buf_puts(b, i ? ", " : " ");
    put_prop(x, p->state_props[i]);
    const sky_state_lapse *l = p->state_lapse ? &p->state_lapse[i] : NULL;
    if (!l || !l->timed) continue;
    sky_buf_puts(b, " (set time kept");
    if (l->after_us > 0) sky_buf_printf(b, ", lapses after %lld us to ", (long long)l->after_us);
    if (l->after_us > 0 && l->to_null) sky_buf_puts(b, "NULL");
    else if (l->after_us > 0 && l->to_rc >= 0) sky_buf_printf(b, "rconst #%d ", l->to_rc), put_rc(x, (uint32_t)l->to_rc);
    else if (l->after_us > 0) put_lapse_word(b, l);
    sky_buf_putc(b, ')');
  }
  sky_buf_puts(b, p->n_state ? "\n" : " none\n");
  if (p->session_gap_us < 0) sky_buf_puts(b, "  session: none\n");
  else
    sky_buf_printf(b, "  session: gap %lld us%s\n", (long long)p->session_gap_us,
                   p->uses_session_number ? ", session numbers used" : "");
  if (p->during) {
    static const char *const every[] = {"HOUR", "DAY", "WEEK", "MONTH"};
    char t1[48], t2[48];
    sky_format_timestamp(p->during->from_us, t1);
    sky_format_timestamp(p->during->to_us, t2);
    sky_buf_printf(b, "  during: pieces of [%s, %s)", t1, t2);
    if (p->during->every >= 0) sky_buf_printf(b, ", cut every %s", every[p->during->every]);
    sky_buf_puts(b, ", cut at lapses of every EXPIRES property\n");
  }
  if (p->as_of) { /* PATHS.md §6 */
    char t[48];
    if (sky_ts_valid(p->as_of_us)) sky_format_timestamp(p->as_of_us, t);
    else snprintf(t, sizeof t, "%lld us", (long long)p->as_of_us);
    sky_buf_printf(b, "  as of: %s: one row per object, at its last event at or before; states read at the instant\n", t);
  }
}

/* Aggregate #i: its line, its argument's tree, then its FILTER's. */
static void put_agg(const explain_ctx *x, uint32_t i, const sky_agg *g) {
  sky_buf_printf(x->out, "  #%u %s : %s ", i, g->text ? g->text : "", sky_agg_name(g->kind));
  put_type(x, g->type, g->dom);
  if (g->rank_rc >= 0 && (g->kind == SKY_AGG_MIN || g->kind == SKY_AGG_MAX))
    sky_buf_printf(x->out, ", ordered by rc #%d", g->rank_rc);
  sky_buf_putc(x->out, '\n');
  if (g->arg) put_tree(x, g->arg, 2);
  if (!g->filter) return;
  sky_buf_puts(x->out, "    FILTER (WHERE):\n");
  put_tree(x, g->filter, 3);
}

static void put_aggs(const explain_ctx *x) {
  const sky_plan *p = x->plan;
  sky_buf_puts(x->out, p->n_aggs ? "aggregates:\n" : "aggregates: none\n");
  for (uint32_t i = 0; i < p->n_aggs; i++) put_agg(x, i, &p->aggs[i]);
}

static void put_post(const explain_ctx *x) {
  const sky_plan *p = x->plan;
  sky_buf *b = x->out;
  sky_buf_puts(b, "outputs:\n");
  for (uint32_t i = 0; i < p->n_outputs; i++) {
    sky_buf_printf(b, "  #%u ", i);
    sky_json_string(b, p->output_names[i], strlen(p->output_names[i]));
    sky_buf_putc(b, '\n');
    put_tree(x, p->outputs[i], 2);
  }
  sky_buf_puts(b, p->having ? "having:\n" : "having: none\n");
  if (p->having) put_tree(x, p->having, 1);
  sky_buf_puts(b, p->n_order ? "order:\n" : "order: by keys (ascending, NULL first)\n");
  for (uint32_t i = 0; i < p->n_order; i++) {
    sky_buf_printf(b, "  #%u %s\n", i, p->order[i].desc ? "DESC" : "ASC");
    put_tree(x, p->order[i].expr, 2);
  }
  if (p->limit < 0) sky_buf_puts(b, "limit: none\n");
  else sky_buf_printf(b, "limit: %lld\n", (long long)p->limit);
}

static void put_tables(const explain_ctx *x) {
  const sky_plan *p = x->plan;
  sky_buf *b = x->out;
  sky_buf_puts(b, p->n_rcs ? "runtime constants:\n" : "runtime constants: none\n");
  for (uint32_t i = 0; i < p->n_rcs; i++) {
    sky_buf_printf(b, "  #%u ", i);
    put_rc(x, i);
    sky_buf_putc(b, '\n');
  }
  sky_buf_puts(b, p->n_literals ? "literals:\n" : "literals: none\n");
  for (uint32_t i = 0; i < p->n_literals; i++) {
    sky_buf_printf(b, "  #%u ", i);
    put_quoted(b, p->literals[i].str, p->literals[i].len);
    sky_buf_putc(b, '\n');
  }
}

/* FUNNEL: the per-object part (the entry rows' keys and aggregates follow
 * as a SELECT's do). */
static void put_funnel(const explain_ctx *x) {
  const sky_funnel *f = x->plan->funnel;
  sky_buf *b = x->out;
  static const char *const orders[] = {"other events may come between steps", "strict", "any order"};
  sky_buf_printf(b, "funnel: %u steps within %lld us, %s\n", f->n_steps, (long long)f->window_us, orders[f->order]);
  for (uint32_t i = 0; i < f->n_steps; i++) {
    sky_buf_printf(b, "  step %u ", i + 1);
    sky_json_string(b, f->step_names[i], strlen(f->step_names[i]));
    sky_buf_putc(b, '\n');
    put_tree(x, f->steps[i], 2);
  }
  for (uint32_t i = 0; i < f->n_excludes; i++) {
    sky_buf_printf(b, "  exclude #%u between steps %u and %u\n", i, f->excludes[i].from, f->excludes[i].to);
    put_tree(x, f->excludes[i].cond, 2);
  }
  for (uint32_t i = 0; i < f->n_hold; i++) {
    sky_buf_printf(b, "  holding, entry key #%u\n", i);
    put_tree(x, f->hold[i], 2);
  }
  for (uint32_t i = 0; i < f->n_group; i++) {
    sky_buf_printf(b, "  group by at the step-1 event, entry key #%u\n", f->n_hold + i);
    put_tree(x, f->group[i], 2);
  }
  switch (f->ret) {
  case SKY_FUNNEL_RETURN_STEPS: sky_buf_puts(b, "  return: steps (one entry row per entry and step)\n"); break;
  case SKY_FUNNEL_RETURN_OBJECTS:
    sky_buf_printf(b, "  return: objects with level %u..%u (one entry row per entry)\n", f->min_level, f->max_level);
    break;
  case SKY_FUNNEL_RETURN_TIMES:
    sky_buf_printf(b, "  return: times from step %u to step %u, bucket %lld us (one entry row per entry)\n",
                   f->time_from, f->time_to, (long long)f->bucket_us);
    break;
  }
}

/* RETENTION, LIFECYCLE, STICKINESS: the per-object part. */
static void put_cohort(const explain_ctx *x) {
  const sky_cohort *c = x->plan->cohort;
  sky_buf *b = x->out;
  static const char *const units[] = {"hour", "day", "week", "month"};
  sky_buf_printf(b, "%s: every %s", sky_plan_kind_name(x->plan->kind), units[c->unit]);
  if (x->plan->kind == SKY_PLAN_RETENTION) {
    sky_buf_printf(b, "%s for %u periods%s, %s entry per object%s\n", c->rolling ? " (rolling)" : "", c->n_periods,
                   c->on_or_after ? " on or after" : "", c->recurring ? "one" : "the first",
                   c->recurring ? " and period" : "");
    sky_buf_puts(b, "  start\n");
    put_tree(x, c->conds[SKY_COHORT_START], 2);
    sky_buf_puts(b, "  return\n");
    put_tree(x, c->conds[SKY_COHORT_RETURN], 2);
  } else {
    sky_buf_puts(b, x->plan->kind == SKY_PLAN_LIFECYCLE ? ", active periods of each object\n"
                                                         : ", the number of active periods of each object\n");
  }
  for (uint32_t i = 0; i < c->n_group; i++) {
    sky_buf_printf(b, "  group by at the start event, entry key #%u\n", i);
    put_tree(x, c->group[i], 2);
  }
}

/* PATHS: the per-object part, read on every event of the path. */
static void put_paths(const explain_ctx *x) {
  const sky_paths *ps = x->plan->paths;
  sky_buf *b = x->out;
  sky_buf_printf(b, "paths: %s, steps %s1..%s%u on the whole path (one entry row per edge)\n",
                 ps->before ? "before" : "after", ps->before ? "-" : "", ps->before ? "-" : "", ps->n_steps);
  sky_buf_puts(b, "  anchor (WHERE, then the condition)\n");
  put_tree(x, ps->anchor, 2);
  sky_buf_puts(b, "  value at every event\n");
  put_tree(x, ps->value, 2);
}

/* next, prev, nth: one line each (kind, n, counted events), then the
 * trees of x and of the counting condition. */
static void put_path_fns(const explain_ctx *x) {
  const sky_plan *p = x->plan;
  if (!p->n_path_fns) return;
  sky_buf_printf(x->out, "path functions (over each object's whole path%s, before everything else):\n",
                 p->session_gap_us >= 0 ? " within its session" : "");
  for (uint32_t i = 0; i < p->n_path_fns; i++) {
    const sky_path_fn *f = &p->path_fns[i];
    sky_buf_printf(x->out, "  #%u %s : %s", i, f->text ? f->text : "", sky_path_fn_name(f->kind));
    if (f->kind != SKY_PATH_FN_NTH)
      sky_buf_printf(x->out, " %u, counting %s", f->n,
                     f->distinct ? "changes of x" : f->cond ? "events where the condition holds" : "every event");
    sky_buf_puts(x->out, " : ");
    put_type(x, f->type, f->dom);
    sky_buf_putc(x->out, '\n');
    if (f->arg) put_tree(x, f->arg, 2);
    if (!f->cond) continue;
    sky_buf_puts(x->out, f->kind == SKY_PATH_FN_NTH ? "    counted where:\n" : "    WHERE:\n");
    put_tree(x, f->cond, 3);
  }
}

void sky_plan_explain(const sky_plan *plan, const sky_schema *schema, sky_buf *out) {
  explain_ctx x = {plan, schema, out};
  put_inputs(&x);
  sky_buf_puts(out, plan->filter ? "filter:\n" : "filter: none (every event)\n");
  if (plan->filter) put_tree(&x, plan->filter, 1);
  put_path_fns(&x);
  if (plan->n_obj_aggs) sky_buf_puts(out, "object aggregates (over each object's matching events, first):\n");
  for (uint32_t i = 0; i < plan->n_obj_aggs; i++) put_agg(&x, i, &plan->obj_aggs[i]);
  if (plan->funnel) put_funnel(&x);
  if (plan->cohort) put_cohort(&x);
  if (plan->paths) put_paths(&x);
  sky_buf_puts(out, plan->n_keys ? "keys:\n" : "keys: none (one group)\n");
  for (uint32_t i = 0; i < plan->n_keys; i++) {
    sky_buf_printf(out, "  #%u\n", i);
    put_tree(&x, plan->keys[i], 2);
  }
  put_aggs(&x);
  put_post(&x);
  put_tables(&x);
}
