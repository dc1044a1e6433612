/* interp.c — the reference interpreter's scan: sky_interp_scan walks every
 * object of a chunk, event by event in path order, and hands each event to
 * the plan kind's walk (sky_walk_kind: begin at an object's first event,
 * event, flush at its end). A SELECT adds each matching event into a group
 * table exactly as groups.h lays it out; a path statement (funnel.c) keeps
 * per-object state and adds what it concludes at the flush, through the
 * same sky_walk_add_row.
 *
 * Per object, when the plan has path functions (next, prev, nth), a first
 * pass evaluates their inputs at every event and pathfn.c resolves them;
 * then the OVER OBJECT pre-pass; then the walk. Per object it resets the STATE registers (value + NULL flag, one per
 * plan->state_props entry) and the session number; per event it loads the
 * registers from the properties the event carries (a STATE value holds from
 * the event that carries it, that event included), cuts a session when the
 * gap to the previous event of the path exceeds the session gap (on every
 * event, matching or not), then evaluates the filter, the keys and the
 * aggregate arguments (interp_eval.c, in the order interp.h states),
 * upserts the group and updates each aggregate through its row of the
 * aggregate table (aggs.h), the same definition the JIT calls. It favours being obviously right
 * over speed: the JIT is checked against it.
 */
#include <string.h>

#include "codegen/aggs.h"
#include "codegen/interp.h"
#include "common/alloc.h"

/* Events between two deadline/cancel checks. */
#define SKY_INTERP_CHECK_EVERY 4096u

static const sky_ival NULL_VAL = {0, true};

/* ---- one row ------------------------------------------------------------------ */

int sky_walk_eval(sky_walk *s, const sky_expr *e, sky_ival *v) {
  return sky_interp_eval(&s->env, e, v) == SKY_EVAL_OK ? SKY_SCAN_OK : SKY_SCAN_OVERFLOW;
}

/* Condition `c` (NULL: none) at the current event: *holds when it is TRUE
 * (NULL and FALSE do not hold). WHERE and every aggregate's FILTER. */
static int walk_condition(sky_walk *s, const sky_expr *c, bool *holds) {
  *holds = true;
  if (!c) return SKY_SCAN_OK;
  sky_ival v;
  int rc = sky_walk_eval(s, c, &v);
  *holds = rc == SKY_SCAN_OK && !v.null && v.w;
  return rc;
}

/* Keys, then per aggregate its filter and (where TRUE) its argument,
 * upsert, updates of the aggregates whose filter held: the order interp.h
 * states. */
int sky_walk_add_row(sky_walk *s) {
  const sky_plan *p = s->plan;
  sky_ival v;
  int rc;
  uint64_t null_mask = 0;
  for (uint32_t j = 0; j < p->n_keys; j++) {
    if ((rc = sky_walk_eval(s, p->keys[j], &v)) != SKY_SCAN_OK) return rc;
    if (v.null) {
      s->keys[j] = 0;
      null_mask |= UINT64_C(1) << j;
    } else {
      s->keys[j] = p->keys[j]->type == SKY_VT_FLOAT ? sky_canon_float(as_double(v.w)) : v.w;
    }
  }
  for (uint32_t a = 0; a < p->n_aggs; a++) {
    const sky_agg *agg = &p->aggs[a];
    s->args[a] = NULL_VAL;
    if ((rc = walk_condition(s, agg->filter, &s->agg_on[a])) != SKY_SCAN_OK) return rc;
    if (s->agg_on[a] && agg->arg && (rc = sky_walk_eval(s, agg->arg, &s->args[a])) != SKY_SCAN_OK) return rc;
  }
  uint64_t *slot = sky_groups_upsert(s->g, s->keys, null_mask);
  if (!slot) return SKY_SCAN_NO_MEMORY;
  sky_agg_env env = {.rt = s->rt, .budget = s->g->budget, .obj = s->env.obj, .session = s->env.session};
  for (uint32_t a = 0; a < p->n_aggs; a++) {
    const sky_agg *agg = &p->aggs[a];
    if (!s->agg_on[a]) continue;
    if ((rc = sky_agg_impl_of(agg->kind)->update(agg, slot + agg->word, s->args[a], &env)) != SKY_SCAN_OK) return rc;
  }
  return SKY_SCAN_OK;
}

/* DURING (plan.h): the pieces of the current event's interval [its
 * timestamp, the next event's or t2), clipped to [t1, t2) and cut at the
 * EVERY boundaries and at the lapse instants of the timed registers, in
 * time order; each piece that passes the filter is a row. */
static int during_event(sky_walk *s) {
  const sky_plan *p = s->plan;
  const sky_during *d = p->during;
  const sky_chunk *c = s->env.chunk;
  uint64_t i = s->env.event;
  int64_t lo = c->ts[i], hi = i + 1 < s->obj_end ? c->ts[i + 1] : d->to_us;
  if (lo < d->from_us) lo = d->from_us;
  if (hi > d->to_us) hi = d->to_us;
  int rc = SKY_SCAN_OK;
  for (int64_t cur = lo; cur < hi && rc == SKY_SCAN_OK;) {
    int64_t next = hi;
    if (d->every >= 0) {
      int64_t b = sky_period_start_us((sky_period)d->every, sky_period_of((sky_period)d->every, cur) + 1);
      if (b < next) next = b;
    }
    for (uint32_t r = 0; p->state_lapse && r < p->n_state; r++) {
      int64_t after = p->state_lapse[r].after_us, at;
      if (after <= 0 || s->set_us[r] == SKY_STATE_NEVER || __builtin_add_overflow(s->set_us[r], after, &at)) continue;
      if (at > cur && at < next) next = at;
    }
    s->env.in_piece = true;
    s->env.piece_start = cur;
    s->env.piece_len = next - cur;
    bool match;
    rc = walk_condition(s, p->filter, &match);
    if (rc == SKY_SCAN_OK && match) rc = sky_walk_add_row(s);
    cur = next;
  }
  s->env.in_piece = false;
  return rc;
}

/* A SELECT: each event that passes the filter is a row. */
static int select_event(sky_walk *s) {
  if (s->plan->during) return during_event(s);
  bool match;
  int rc = walk_condition(s, s->plan->filter, &match);
  return rc != SKY_SCAN_OK || !match ? rc : sky_walk_add_row(s);
}

const sky_walk_kind sky_walk_kind_SELECT = {.event = select_event};

static const sky_walk_kind *const g_walk_kinds[SKY_PLAN_KIND_COUNT_] = {
#define SKY_X_WALK_KIND(name, text) [SKY_PLAN_##name] = &sky_walk_kind_##name,
    SKY_PLAN_KINDS(SKY_X_WALK_KIND)
#undef SKY_X_WALK_KIND
};

/* ---- setup ------------------------------------------------------------------------ */

/* Records the value type of every register from the PROP_STATE nodes that
 * read it (the plan carries registers because such nodes exist). */
static void note_register_types(sky_walk *s, const sky_expr *e) {
  if (!e) return;
  if (e->op == SKY_OP_PROP_STATE && s->reg_of[e->index] >= 0) s->reg_type[s->reg_of[e->index]] = e->type;
  if (e->op == SKY_OP_STATE_AGE && s->reg_of[e->index] >= 0) /* age(p) alone: the property's type */
    s->reg_type[s->reg_of[e->index]] = s->plan->state_lapse[s->reg_of[e->index]].type;
  for (uint32_t k = 0; k < e->n_args; k++) note_register_types(s, e->args[k]);
}

static void note_path_registers(sky_expr *e, void *s) { note_register_types(s, e); }

static void scan_free(sky_walk *s) {
  if (s->kind->free) s->kind->free(s);
  if (s->charged) sky_budget_give(s->g->budget, s->charged);
  sky_free(s->regs);
  sky_free(s->set_us);
  sky_free(s->reg_type);
  sky_free(s->reg_of);
  sky_free(s->keys);
  sky_free(s->args);
  sky_free(s->agg_on);
  sky_free(s->obj_state);
  sky_free(s->obj_vals);
  sky_free(s->path_vals);
  sky_pathfn_release(&s->pathfn);
}

static int scan_init(sky_walk *s, const sky_runtime *rt, const sky_chunk *chunk, sky_groups *g) {
  const sky_plan *p = rt->plan;
  memset(s, 0, sizeof *s);
  s->kind = g_walk_kinds[p->kind];
  s->rt = rt;
  s->plan = p;
  s->g = g;
  s->regs = sky_calloc(p->n_state + 1, sizeof *s->regs);
  s->set_us = sky_calloc(p->n_state + 1, sizeof *s->set_us);
  s->reg_type = sky_calloc(p->n_state + 1, sizeof *s->reg_type);
  s->reg_of = sky_calloc((size_t)p->n_props + 1, sizeof *s->reg_of);
  s->keys = sky_calloc(p->n_keys + 1, sizeof *s->keys);
  s->args = sky_calloc(p->n_aggs + 1, sizeof *s->args);
  s->agg_on = sky_calloc(p->n_aggs + 1, sizeof *s->agg_on);
  s->obj_state = sky_calloc(p->obj_words + 1, sizeof *s->obj_state);
  s->obj_vals = sky_calloc(p->n_obj_aggs + 1, sizeof *s->obj_vals);
  s->parts = sky_path_parts_of(p);
  s->path_vals = sky_calloc(s->parts.n_vals + 1, sizeof *s->path_vals);
  if (!s->regs || !s->set_us || !s->reg_type || !s->reg_of || !s->keys || !s->args || !s->agg_on || !s->obj_state ||
      !s->obj_vals || !s->path_vals) {
    scan_free(s);
    return -1;
  }
  for (uint32_t i = 0; i < p->n_props; i++) s->reg_of[i] = -1;
  for (uint32_t r = 0; r < p->n_state; r++) s->reg_of[p->state_props[r]] = (int32_t)r;
  for (uint32_t r = 0; p->state_lapse && r < p->n_state; r++) s->reg_type[r] = p->state_lapse[r].type;
  note_register_types(s, p->filter);
  for (uint32_t j = 0; j < p->n_keys; j++) note_register_types(s, p->keys[j]);
  for (uint32_t a = 0; a < p->n_aggs; a++) note_register_types(s, p->aggs[a].arg), note_register_types(s, p->aggs[a].filter);
  for (uint32_t a = 0; a < p->n_obj_aggs; a++)
    note_register_types(s, p->obj_aggs[a].arg), note_register_types(s, p->obj_aggs[a].filter);
  sky_plan_each_path_expr(p, note_path_registers, s);
  for (uint32_t f = 0; f < p->n_path_fns; f++)
    note_register_types(s, p->path_fns[f].arg), note_register_types(s, p->path_fns[f].cond);
  s->pathfn.budget = g->budget;
  s->env.rt = rt;
  s->env.chunk = chunk;
  s->env.regs = s->regs;
  s->env.set_us = p->state_lapse ? s->set_us : NULL;
  s->env.reg_of = s->reg_of;
  s->env.obj_vals = s->obj_vals;
  if (s->kind->init && s->kind->init(s) != 0) {
    scan_free(s);
    return -1;
  }
  return 0;
}

/* ---- the scan ----------------------------------------------------------------------- */

/* A carried value replaces the register's and, for a timed register,
 * moves its set time to this event (also when the value is the same: a
 * heartbeat). */
static void load_registers(sky_walk *s, uint64_t i) {
  const sky_plan *p = s->plan;
  for (uint32_t r = 0; r < p->n_state; r++) {
    sky_ival v = sky_interp_read_col(&s->env.chunk->cols[p->state_props[r]], s->reg_type[r], i);
    if (v.null) continue;
    s->regs[r] = v;
    if (p->state_lapse) s->set_us[r] = s->env.chunk->ts[i]; /* timestamps are read then (bind_state.c) */
  }
}

/* agg(x) OVER OBJECT, before the object's walk: every matching event's
 * argument into the object's own state (per aggregate: its filter, then
 * where TRUE its argument and update), in path order, then the values the
 * walk's OBJ_AGG leaves read. */
static int object_values(sky_walk *s) {
  const sky_plan *p = s->plan;
  bool on;
  int rc = walk_condition(s, p->filter, &on);
  if (rc != SKY_SCAN_OK || !on) return rc;
  sky_agg_env env = {.rt = s->rt, .budget = s->g->budget, .obj = s->env.obj, .session = s->env.session};
  for (uint32_t a = 0; a < p->n_obj_aggs; a++) {
    const sky_agg *g = &p->obj_aggs[a];
    sky_ival v = NULL_VAL;
    if ((rc = walk_condition(s, g->filter, &on)) != SKY_SCAN_OK) return rc;
    if (!on) continue;
    rc = g->arg ? sky_walk_eval(s, g->arg, &v) : SKY_SCAN_OK;
    if (rc == SKY_SCAN_OK) rc = sky_obj_agg_call_update(s->rt, a, s->obj_state + g->word, v.w, v.null, env.budget,
                                                        env.obj, env.session);
    if (rc != SKY_SCAN_OK) return rc;
  }
  return SKY_SCAN_OK;
}

/* Events [first, end) in path order with the registers and session number
 * of each, handing each to `step`. `until_check` counts events down to the
 * next deadline/cancel check. */
static int walk_events(sky_walk *s, uint64_t first, uint64_t end, uint32_t *until_check, int (*step)(sky_walk *)) {
  const sky_chunk *c = s->env.chunk;
  int64_t gap = s->plan->session_gap_us;
  s->env.session = 0;
  for (uint32_t r = 0; r < s->plan->n_state; r++) s->regs[r] = NULL_VAL, s->set_us[r] = SKY_STATE_NEVER;
  for (uint64_t i = first; i < end; i++) {
    if (*until_check == 0) {
      if (sky_rt_should_stop(s->rt)) return SKY_SCAN_STOPPED;
      *until_check = SKY_INTERP_CHECK_EVERY;
    }
    (*until_check)--;
    s->env.event = i;
    load_registers(s, i);
    /* Timestamps ascend along a path, so the unsigned difference is exact. */
    if (gap >= 0 && i > first && (uint64_t)c->ts[i] - (uint64_t)c->ts[i - 1] > (uint64_t)gap) s->env.session++;
    int rc = step ? step(s) : object_values(s);
    if (rc != SKY_SCAN_OK) return rc;
  }
  return SKY_SCAN_OK;
}

/* The path functions' pre-pass at one event (its registers and session
 * set): per function in order, x then its condition, stored canonical at
 * the event's index in the object (pathfn.h). */
static int path_inputs(sky_walk *s) {
  const sky_plan *p = s->plan;
  uint64_t i = s->env.event - s->env.path_first, m = s->env.path_m;
  uint64_t *base = s->pathfn.base;
  int rc;
  for (uint32_t f = 0; f < p->n_path_fns; f++) {
    const sky_path_fn *pf = &p->path_fns[f];
    if (pf->arg) {
      sky_ival v;
      if ((rc = sky_walk_eval(s, pf->arg, &v)) != SKY_SCAN_OK) return rc;
      uint64_t w = v.null                        ? 0
                   : pf->arg->type == SKY_VT_FLOAT ? sky_canon_float(as_double(v.w))
                   : pf->arg->type == SKY_VT_BOOL  ? v.w != 0
                                                   : v.w;
      base[sky_pathfn_at(f, SKY_PATHFN_X, m) + i] = w;
      base[sky_pathfn_at(f, SKY_PATHFN_X_NULL, m) + i] = v.null;
    }
    bool holds = false;
    if (pf->cond && (rc = walk_condition(s, pf->cond, &holds)) != SKY_SCAN_OK) return rc;
    base[sky_pathfn_at(f, SKY_PATHFN_COND, m) + i] = holds;
  }
  base[sky_pathfn_at(p->n_path_fns, 0, m) + i] = (uint64_t)s->env.session;
  return SKY_SCAN_OK;
}

/* next, prev, nth of object [first, end): every event's inputs, then
 * pathfn.c resolves each function's value at each event. */
static int path_values(sky_walk *s, uint64_t first, uint64_t end, uint32_t *until_check) {
  uint64_t m = end - first;
  if (!sky_pathfn_reserve(&s->pathfn, s->plan, m)) return SKY_SCAN_NO_MEMORY;
  s->env.path_base = s->pathfn.base;
  s->env.path_first = first;
  s->env.path_m = m;
  int rc = walk_events(s, first, end, until_check, path_inputs);
  if (rc == SKY_SCAN_OK) sky_pathfn_resolve(s->plan, s->pathfn.base, m);
  return rc;
}

int sky_obj_agg_call_update(const sky_runtime *rt, uint32_t a, uint64_t *st, uint64_t w, uint32_t null,
                            sky_budget *budget, uint64_t obj, int64_t session) {
  const sky_agg *g = &rt->plan->obj_aggs[a];
  sky_agg_env env = {.rt = rt, .budget = budget, .obj = obj, .session = session};
  return sky_agg_impl_of(g->kind)->update(g, st, (sky_ival){null ? 0 : w, null != 0}, &env);
}

void sky_obj_aggs_release(const sky_runtime *rt, uint64_t *state, sky_groups *g) {
  const sky_plan *p = rt->plan;
  for (uint32_t a = 0; a < p->n_obj_aggs; a++) {
    const sky_agg *agg = &p->obj_aggs[a];
    const sky_agg_impl *impl = sky_agg_impl_of(agg->kind);
    if (impl->release) impl->release(agg, state + agg->word, g->budget);
  }
  memset(state, 0, (size_t)p->obj_words * sizeof *state);
}

int32_t sky_obj_aggs_conclude(const sky_runtime *rt, uint64_t *state, sky_ival *vals, sky_budget *budget,
                              uint32_t *err_expr) {
  const sky_plan *p = rt->plan;
  int rc = SKY_SCAN_OK;
  for (uint32_t a = 0; a < p->n_obj_aggs; a++) {
    const sky_agg *g = &p->obj_aggs[a];
    const sky_agg_impl *impl = sky_agg_impl_of(g->kind);
    uint8_t overflow = 0;
    vals[a] = impl->result(g, state + g->word, &overflow);
    if (overflow && rc == SKY_SCAN_OK) {
      if (err_expr) *err_expr = g->arg ? g->arg->id : 0;
      rc = SKY_SCAN_OVERFLOW;
    }
    if (impl->release) impl->release(g, state + g->word, budget);
  }
  memset(state, 0, (size_t)p->obj_words * sizeof *state);
  return rc;
}

/* AS OF's walk does nothing at an event but load its registers. */
static int as_of_event(sky_walk *s) {
  (void)s;
  return SKY_SCAN_OK;
}

/* SELECT ... AS OF (PATHS.md §6), the direct way: the object's events up
 * to the last one at or before the instant load the registers, then that
 * event is the object's one row (its states read at the instant:
 * sky_rt_read_instant). An object whose first event is later has none. */
static int scan_as_of(sky_walk *s, uint64_t first, uint64_t end, uint32_t *until_check) {
  const sky_chunk *c = s->env.chunk;
  uint64_t cut = first;
  while (cut < end && c->ts[cut] <= s->plan->as_of_us) cut++;
  if (cut == first) return SKY_SCAN_OK;
  int rc = walk_events(s, first, cut, until_check, as_of_event);
  return rc != SKY_SCAN_OK ? rc : select_event(s); /* env.event is cut - 1 */
}

/* Object k: the OVER OBJECT pre-pass when the plan has one, then the walk
 * (begin, each event, flush). */
static int scan_object(sky_walk *s, uint64_t k, uint32_t *until_check) {
  const sky_chunk *c = s->env.chunk;
  uint64_t first = c->obj_start[k], end = c->obj_start[k + 1];
  s->env.obj = c->obj_id[k];
  s->obj_end = end;
  if (s->plan->as_of) return scan_as_of(s, first, end, until_check);
  if (s->plan->n_path_fns) {
    int rc = path_values(s, first, end, until_check);
    if (rc != SKY_SCAN_OK) return rc;
  }
  if (s->plan->n_obj_aggs) {
    int rc = walk_events(s, first, end, until_check, NULL);
    int done = sky_obj_aggs_conclude(s->rt, s->obj_state, s->obj_vals, s->g->budget, &s->env.err_expr);
    if (rc != SKY_SCAN_OK || done != SKY_SCAN_OK) return rc != SKY_SCAN_OK ? rc : done;
  }
  if (s->kind->begin) s->kind->begin(s);
  int rc = walk_events(s, first, end, until_check, s->kind->event);
  if (rc != SKY_SCAN_OK) return rc;
  return s->kind->flush ? s->kind->flush(s) : SKY_SCAN_OK;
}

int sky_walk_seed(const sky_plan *p, sky_groups *merged) {
  const sky_walk_kind *k = g_walk_kinds[p->kind];
  return k->seed ? k->seed(p, merged) : 0;
}

sky_walk *sky_walk_open(const sky_runtime *rt, const sky_chunk *chunk, sky_groups *g) {
  sky_walk *w = sky_malloc(sizeof *w);
  if (w && scan_init(w, rt, chunk, g) != 0) {
    sky_free(w);
    return NULL;
  }
  return w;
}

bool sky_walk_charge(sky_walk *w, size_t bytes) {
  if (!sky_budget_take(w->g->budget, bytes)) return false;
  w->charged += bytes;
  return true;
}

void sky_walk_close(sky_walk *w) {
  if (!w) return;
  scan_free(w);
  sky_free(w);
}

int sky_interp_scan(const sky_runtime *rt, const sky_chunk *chunk, sky_groups *g, uint32_t *err_expr) {
  sky_walk s;
  if (scan_init(&s, rt, chunk, g) != 0) return SKY_SCAN_NO_MEMORY;
  uint32_t until_check = 0; /* check once before the first event */
  int rc = SKY_SCAN_OK;
  for (uint64_t k = 0; k < chunk->n_objects && rc == SKY_SCAN_OK; k++) rc = scan_object(&s, k, &until_check);
  if (rc == SKY_SCAN_OK && s.kind->finish) rc = s.kind->finish(&s);
  if (rc == SKY_SCAN_OVERFLOW && err_expr) *err_expr = s.env.err_expr;
  scan_free(&s);
  return rc;
}
