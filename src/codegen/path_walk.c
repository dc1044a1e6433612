/* path_walk.c — how every path statement (PATHS.md) reads a matching
 * event, one definition for both engines (interp.h, sky_path_parts): the
 * interpreter's event hook, the compiled scan's entry points, and the one
 * place where an event's values are made canonical and the event is kept
 * or dropped before the plan kind's `push` (funnel.c, cohort.c) sees it.
 */
#include "codegen/interp.h"

static const sky_ival NULL_VAL = {0, true};

sky_path_parts sky_path_parts_of(const sky_plan *p) {
  sky_path_parts parts = {0};
  const sky_funnel *f = p->funnel;
  const sky_cohort *c = p->cohort;
  if (f) {
    parts.n_conds = f->n_steps;
    parts.conds = f->steps;
    parts.n_excl = f->n_excludes;
    parts.excl = f->excludes;
    parts.keep_all = f->order == SKY_FUNNEL_STRICT; /* adjacency counts */
    /* HOLDING at every step event; GROUP BY where an entry may start */
    parts.vals[0] = (sky_path_values){f->hold, f->n_hold, ~UINT64_C(0), false};
    parts.vals[1] = (sky_path_values){f->group, f->n_group, f->order == SKY_FUNNEL_ANY_ORDER ? ~UINT64_C(0) : 1, false};
  } else if (c) {
    if (p->kind == SKY_PLAN_RETENTION) {
      parts.n_conds = 2;
      parts.conds = c->conds;
      parts.vals[1] = (sky_path_values){c->group, c->n_group, UINT64_C(1) << SKY_COHORT_START, false};
    } else {
      parts.keep_all = true; /* every matching event makes its period active */
    }
  }
  if (p->paths) { /* every event of the path: its value, and whether it is an anchor */
    parts.n_conds = 1;
    parts.conds = &p->paths->anchor;
    parts.keep_all = true;
    parts.vals[0] = (sky_path_values){&p->paths->value, 1, 0, true};
  }
  parts.n_vals = parts.vals[0].n + parts.vals[1].n;
  return parts;
}

static int eval_bool(sky_walk *w, const sky_expr *e, bool *out) {
  sky_ival v;
  int rc = sky_walk_eval(w, e, &v);
  *out = rc == SKY_SCAN_OK && !v.null && v.w;
  return rc;
}

int sky_path_walk_event(sky_walk *w) {
  const sky_path_parts *pp = &w->parts;
  bool yes;
  int rc;
  if (w->plan->filter) {
    if ((rc = eval_bool(w, w->plan->filter, &yes)) != SKY_SCAN_OK) return rc;
    if (!yes) return SKY_SCAN_OK;
  }
  sky_path_event e = {.ts = w->env.chunk->ts[w->env.event], .session = w->env.session};
  for (uint32_t i = 0; i < pp->n_conds; i++) {
    if ((rc = eval_bool(w, pp->conds[i], &yes)) != SKY_SCAN_OK) return rc;
    if (yes) e.bits |= UINT64_C(1) << i;
  }
  for (uint32_t x = 0; x < pp->n_excl; x++) {
    if ((rc = eval_bool(w, pp->excl[x].cond, &yes)) != SKY_SCAN_OK) return rc;
    if (yes) e.excl |= UINT64_C(1) << x;
  }
  sky_ival *vals = w->path_vals;
  uint32_t at = 0;
  for (uint32_t g = 0; g < 2; g++) {
    const sky_path_values *pv = &pp->vals[g];
    for (uint32_t i = 0; i < pv->n; i++) {
      vals[at + i] = NULL_VAL;
      if ((pv->always || (e.bits & pv->when)) && (rc = sky_walk_eval(w, pv->exprs[i], &vals[at + i])) != SKY_SCAN_OK) return rc;
    }
    at += pv->n;
  }
  return sky_path_push(w, e, vals);
}

void sky_path_canon(sky_expr *const *exprs, uint32_t n, sky_ival *vals) {
  for (uint32_t i = 0; i < n; i++) {
    sky_ival *v = &vals[i];
    sky_vtype t = exprs[i]->type;
    if (v->null) v->w = 0;
    else if (t == SKY_VT_FLOAT) v->w = sky_canon_float(as_double(v->w));
    else if (t == SKY_VT_BOOL) v->w = v->w != 0;
  }
}

int sky_path_push(sky_walk *w, sky_path_event e, sky_ival *vals) {
  const sky_path_parts *pp = &w->parts;
  if (!e.bits && !e.excl && !pp->keep_all) return SKY_SCAN_OK;
  if (pp->n_vals) {
    sky_path_canon(pp->vals[0].exprs, pp->vals[0].n, vals);
    sky_path_canon(pp->vals[1].exprs, pp->vals[1].n, vals + pp->vals[0].n);
  }
  return w->kind->push(w, &e, vals);
}

/* ---- the compiled scan's entry points (jit_path.c) ----------------------------- */

void *sky_path_jit_open(const sky_runtime *rt, const sky_chunk *chunk, sky_groups *g) {
  return sky_walk_open(rt, chunk, g);
}

void sky_path_jit_close(void *w) { sky_walk_close(w); }

void sky_path_jit_begin(void *wp, uint64_t obj) {
  sky_walk *w = wp;
  w->env.obj = obj;
  if (w->kind->begin) w->kind->begin(w);
}

int32_t sky_path_jit_push(void *w, int64_t ts, int64_t session, uint64_t bits, uint64_t excl, sky_ival *vals) {
  return sky_path_push(w, (sky_path_event){.ts = ts, .session = session, .bits = bits, .excl = excl}, vals);
}

int32_t sky_path_jit_flush(void *wp) {
  sky_walk *w = wp;
  return w->kind->conclude ? w->kind->conclude(w) : w->kind->flush(w);
}

int32_t sky_path_jit_finish(void *wp) {
  sky_walk *w = wp;
  return w->kind->finish ? w->kind->finish(w) : SKY_SCAN_OK;
}
