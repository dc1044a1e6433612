/* cohort.c — RETENTION, LIFECYCLE and STICKINESS (PATHS.md §2, §3) on the
 * object walk (interp.h, sky_walk_kind), for both engines: the interpreter
 * and the compiled scan hand each kept matching event to `push`
 * (path_walk.c decides which), and `flush` concludes the object at its end
 * into entry rows (plan.h), added through the SELECT machinery.
 *
 * RETENTION keeps the object's start and return events with their period
 * numbers and its entries' GROUP BY values; the flush reads the
 * definitions directly: the entries (the first start event, or with
 * RECURRING the first start event of each period), and for each entry s
 * every return event at or after s in path order, whose index is
 * period(e) - period(s) (ROLLING: floor((ts(e) - ts(s)) / P)); the entry
 * is retained at k when some index is k, or with ON OR AFTER when the
 * largest is >= k. Each entry adds n rows: (keys, cohort, k, size 1,
 * retained 0/1).
 *
 * LIFECYCLE and STICKINESS keep the object's distinct active periods (the
 * periods of its matching events, ascending along the path). LIFECYCLE
 * adds a row per active period (new, returning or resurrecting) and a
 * dormant row after each run of consecutive ones; the periods between the
 * first and last row that no object touched are seeded into the merged
 * table as zero rows. STICKINESS adds one row: the number of periods.
 *
 * Memory: the object's kept events (charged to the query budget).
 */
#include <string.h>

#include "codegen/interp.h"
#include "common/alloc.h"

typedef struct cevent {
  int64_t ts;
  int64_t period; /* sky_period_of(unit, ts) */
  uint64_t bits;  /* RETENTION: bit SKY_COHORT_START, bit SKY_COHORT_RETURN */
} cevent;

typedef struct cohort_state {
  const sky_cohort *c;
  uint32_t nv;      /* GROUP BY values per event */
  cevent *ev;
  sky_ival *vals;   /* [cap * nv] */
  size_t n, cap;
  size_t charged;   /* bytes taken from the budget */
  sky_ival *entry;  /* [SKY_ENTRY_KEY0 + nv] the entry row */
  uint8_t *kept;    /* [n_periods] RETENTION: retained at k, for one entry */
} cohort_state;

static const sky_ival NULL_VAL = {0, true};

static void set_int(sky_ival *v, int64_t x) { *v = (sky_ival){(uint64_t)x, false}; }

static void cohort_free(sky_walk *w) {
  cohort_state *cs = w->state;
  if (!cs) return;
  sky_budget_give(w->g->budget, cs->charged);
  sky_free(cs->ev);
  sky_free(cs->vals);
  sky_free(cs->entry);
  sky_free(cs->kept);
  sky_free(cs);
  w->state = NULL;
}

static int cohort_init(sky_walk *w) {
  const sky_cohort *c = w->plan->cohort;
  cohort_state *cs = sky_calloc(1, sizeof *cs);
  if (!cs) return -1;
  w->state = cs;
  cs->c = c;
  cs->nv = c->n_group;
  cs->entry = sky_calloc(SKY_ENTRY_KEY0 + cs->nv, sizeof *cs->entry);
  cs->kept = sky_calloc(c->n_periods + 1, 1);
  if (!cs->entry || !cs->kept) return -1;
  w->env.entry = cs->entry;
  return 0;
}

static void cohort_begin(sky_walk *w) { ((cohort_state *)w->state)->n = 0; }

/* Room for one more event, charged to the query budget. */
static bool grow(sky_walk *w, cohort_state *cs) {
  if (cs->n < cs->cap) return true;
  size_t cap = cs->cap ? cs->cap * 2 : 64;
  size_t per = sizeof(cevent) + (size_t)cs->nv * sizeof(sky_ival);
  if (!sky_budget_take(w->g->budget, (cap - cs->cap) * per)) return false;
  cs->charged += (cap - cs->cap) * per;
  cevent *ev = sky_realloc(cs->ev, cap * sizeof *ev);
  if (ev) cs->ev = ev;
  sky_ival *v = sky_realloc(cs->vals, cap * (cs->nv ? cs->nv : 1) * sizeof *v); /* never NULL + 0 */
  if (v) cs->vals = v;
  if (!ev || !v) return false;
  cs->cap = cap;
  return true;
}

/* RETENTION: every start or return event. LIFECYCLE, STICKINESS: each
 * period once (the path's periods ascend). */
static int cohort_push(sky_walk *w, const sky_path_event *e, const sky_ival *vals) {
  cohort_state *cs = w->state;
  int64_t period = sky_period_of(cs->c->unit, e->ts);
  if (w->plan->kind != SKY_PLAN_RETENTION && cs->n && cs->ev[cs->n - 1].period == period) return SKY_SCAN_OK;
  if (!grow(w, cs)) return SKY_SCAN_NO_MEMORY;
  if (cs->nv) memcpy(cs->vals + cs->n * cs->nv, vals, cs->nv * sizeof *vals);
  cs->ev[cs->n++] = (cevent){.ts = e->ts, .period = period, .bits = e->bits};
  return SKY_SCAN_OK;
}

/* A fresh entry row: every field NULL but the keys of event `p` (if any). */
static sky_ival *entry_row(cohort_state *cs, size_t p) {
  sky_ival *en = cs->entry;
  for (uint32_t i = 0; i < SKY_ENTRY_KEY0; i++) en[i] = NULL_VAL;
  if (cs->nv) memcpy(en + SKY_ENTRY_KEY0, cs->vals + p * cs->nv, cs->nv * sizeof *en);
  return en;
}

/* ---- RETENTION ----------------------------------------------------------------- */

/* The entry starting at event s: its n rows. */
static int retention_entry(sky_walk *w, size_t s) {
  cohort_state *cs = w->state;
  const sky_cohort *c = cs->c;
  const cevent *ev = cs->ev;
  int64_t span = sky_period_us(c->unit), top = -1;
  memset(cs->kept, 0, c->n_periods);
  for (size_t j = s; j < cs->n; j++) {
    if (!(ev[j].bits & (UINT64_C(1) << SKY_COHORT_RETURN))) continue;
    int64_t idx = c->rolling ? (ev[j].ts - ev[s].ts) / span : ev[j].period - ev[s].period;
    if (idx > top) top = idx;
    if (idx < c->n_periods) cs->kept[idx] = 1;
  }
  sky_ival *en = entry_row(cs, s);
  set_int(&en[SKY_ENTRY_COHORT], sky_period_label(c->unit, ev[s].period));
  set_int(&en[SKY_ENTRY_SIZE], 1);
  for (uint32_t k = 0; k < c->n_periods; k++) {
    set_int(&en[SKY_ENTRY_PERIOD], k);
    set_int(&en[SKY_ENTRY_RETAINED], c->on_or_after ? top >= (int64_t)k : cs->kept[k]);
    int rc = sky_walk_add_row(w);
    if (rc != SKY_SCAN_OK) return rc;
  }
  return SKY_SCAN_OK;
}

static int retention_flush(sky_walk *w) {
  cohort_state *cs = w->state;
  bool any = false;
  int64_t last_period = 0;
  for (size_t s = 0; s < cs->n; s++) {
    if (!(cs->ev[s].bits & (UINT64_C(1) << SKY_COHORT_START))) continue;
    if (any && (!cs->c->recurring || cs->ev[s].period == last_period)) {
      if (!cs->c->recurring) break;
      continue;
    }
    if (s % 256 == 255 && sky_rt_should_stop(w->rt)) return SKY_SCAN_STOPPED;
    any = true;
    last_period = cs->ev[s].period;
    int rc = retention_entry(w, s);
    if (rc != SKY_SCAN_OK) return rc;
  }
  return SKY_SCAN_OK;
}

/* ---- LIFECYCLE ------------------------------------------------------------------ */

/* A row for period `period` with `field` (NEW .. DORMANT) 1, the others 0. */
static int lifecycle_row(sky_walk *w, int64_t period, uint32_t field) {
  cohort_state *cs = w->state;
  sky_ival *en = entry_row(cs, 0);
  set_int(&en[SKY_ENTRY_COHORT], sky_period_label(cs->c->unit, period));
  for (uint32_t f = SKY_ENTRY_NEW; f <= SKY_ENTRY_DORMANT; f++) set_int(&en[f], f == field);
  return sky_walk_add_row(w);
}

static int lifecycle_flush(sky_walk *w) {
  cohort_state *cs = w->state;
  const cevent *ev = cs->ev;
  for (size_t i = 0; i < cs->n; i++) {
    uint32_t field = i == 0                              ? SKY_ENTRY_NEW
                     : ev[i - 1].period == ev[i].period - 1 ? SKY_ENTRY_RETURNING
                                                            : SKY_ENTRY_RESURRECTING;
    int rc = lifecycle_row(w, ev[i].period, field);
    if (rc == SKY_SCAN_OK && (i + 1 == cs->n || ev[i + 1].period != ev[i].period + 1))
      rc = lifecycle_row(w, ev[i].period + 1, SKY_ENTRY_DORMANT);
    if (rc != SKY_SCAN_OK) return rc;
  }
  return SKY_SCAN_OK;
}

/* Every period from the first row's to the last row's has a row. */
static int lifecycle_seed(const sky_plan *p, sky_groups *merged) {
  sky_period unit = p->cohort->unit;
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (uint64_t i = 0; i < merged->capacity; i++) {
    const uint64_t *slot = merged->slots + i * merged->words;
    if (!slot[0]) continue;
    int64_t period = sky_period_of_label(unit, (int64_t)slot[1]);
    if (period < lo) lo = period;
    if (period > hi) hi = period;
  }
  for (int64_t period = lo; lo <= hi && period <= hi; period++) {
    uint64_t key = (uint64_t)sky_period_label(unit, period);
    if (!sky_groups_upsert(merged, &key, 0)) return -1;
  }
  return 0;
}

/* ---- STICKINESS ----------------------------------------------------------------- */

static int stickiness_flush(sky_walk *w) {
  cohort_state *cs = w->state;
  if (!cs->n) return SKY_SCAN_OK;
  sky_ival *en = entry_row(cs, 0);
  set_int(&en[SKY_ENTRY_PERIODS], (int64_t)cs->n);
  set_int(&en[SKY_ENTRY_SIZE], 1);
  return sky_walk_add_row(w);
}

#define COHORT_KIND(flush_fn, seed_fn)                                                                             \
  {                                                                                                                \
    .init = cohort_init, .free = cohort_free, .begin = cohort_begin, .event = sky_path_walk_event,               \
    .flush = flush_fn, .push = cohort_push, .seed = seed_fn,                                                      \
  }

const sky_walk_kind sky_walk_kind_RETENTION = COHORT_KIND(retention_flush, NULL);
const sky_walk_kind sky_walk_kind_LIFECYCLE = COHORT_KIND(lifecycle_flush, lifecycle_seed);
const sky_walk_kind sky_walk_kind_STICKINESS = COHORT_KIND(stickiness_flush, NULL);
