/* funnel.c — FUNNEL (PATHS.md §1) on the reference interpreter's walk: the
 * plan kind's begin / event / flush (interp.h, sky_walk_kind).
 *
 * push: a matching event, read as every path statement's is (path_walk.c:
 * its step conditions and EXCLUDE conditions as bit masks, then its
 * HOLDING values at a step event and its GROUP BY values at a step-1
 * event, or any step event under ANY ORDER), is kept in the object's
 * buffer if any of that can matter (every matching event under STRICT,
 * where adjacency counts).
 *
 * flush: the definitions, computed as directly as a one-pass reading of
 * them allows, since this is the oracle the JIT's register machine will be
 * checked against. For every step-1 event p the reachable levels of each
 * later event of its session within the window are found by one forward
 * pass: a level-j event q continues a chain ending at level j-1 when some
 * such chain's last event lies before q with no event of an EXCLUDE for
 * transition j-1 strictly between them (`open[j-1]`), q satisfies step j
 * and holds p's HOLDING values; under STRICT the predecessor must be the
 * event right before q. That gives level(p) and first_end(p, j), the first
 * event ending a valid chain of length j from p. Entries are the step-1
 * events grouped by (HOLDING, GROUP BY) values; per entry L = max level,
 * eL* = the earliest first_end(p, L) over its starts, e1* = the latest
 * start whose first_end(p, L) is eL*, reach(j) = ts(first_end(e1*, j)).
 * Each entry then becomes entry rows (plan.h) added through the SELECT
 * machinery: k rows for RETURN STEPS, one for OBJECTS, one for TIMES.
 *
 * ANY ORDER: a start is any step event p; its level is the number of
 * distinct steps met by events q >= p of its session within the window.
 *
 * Cost: O(window events x steps) per start. Memory: the object's matching
 * events (charged to the query budget).
 */
#include <stdlib.h>
#include <string.h>

#include "codegen/funnel.h"
#include "common/alloc.h"

static const sky_ival NULL_VAL = {0, true};

/* ---- setup ------------------------------------------------------------------------ */

static void funnel_free(sky_walk *w) {
  funnel_state *fs = w->state;
  if (!fs) return;
  sky_free(fs->ev);
  sky_free(fs->vals);
  sky_free(fs->starts);
  sky_free(fs->excl_at);
  sky_free(fs->first_end);
  sky_free(fs->reach);
  sky_free(fs->entry);
  sky_funnel_machine_free(&fs->machine);
  sky_free(fs);
  w->state = NULL;
}

/* RETURN STEPS with no keys has its k rows even when no object enters:
 * the merged table gets them before finalizing (select.c). */
static int funnel_seed(const sky_plan *p, sky_groups *merged) {
  const sky_funnel *f = p->funnel;
  if (f->ret != SKY_FUNNEL_RETURN_STEPS || f->n_hold + f->n_group) return 0;
  for (uint32_t s = 1; s <= f->n_steps; s++) {
    uint64_t keys[2] = {s, f->step_literals[s - 1]};
    if (!sky_groups_upsert(merged, keys, 0)) return -1;
  }
  return 0;
}

static int funnel_init(sky_walk *w) {
  const sky_funnel *f = w->plan->funnel;
  funnel_state *fs = sky_calloc(1, sizeof *fs);
  if (!fs) return -1;
  w->state = fs;
  fs->f = f;
  fs->nv = f->n_hold + f->n_group;
  uint32_t k = f->n_steps;
  fs->excl_at = sky_calloc(k + 1, sizeof *fs->excl_at);
  fs->first_end = sky_calloc(k + 1, sizeof *fs->first_end);
  fs->reach = sky_calloc(k + 1, sizeof *fs->reach);
  fs->entry = sky_calloc(SKY_ENTRY_KEY0 + fs->nv, sizeof *fs->entry);
  if (!fs->excl_at || !fs->first_end || !fs->reach || !fs->entry) return -1;
  for (uint32_t x = 0; x < f->n_excludes; x++)
    for (uint32_t j = f->excludes[x].from; j < f->excludes[x].to; j++) fs->excl_at[j - 1] |= UINT64_C(1) << x;
  w->env.entry = fs->entry;
  return 0;
}

static void funnel_begin(sky_walk *w) { ((funnel_state *)w->state)->n = 0; }

/* Room for one more event, charged to the query budget. */
static bool grow(sky_walk *w, funnel_state *fs) {
  if (fs->n < fs->cap) return true;
  size_t cap = fs->cap ? fs->cap * 2 : 64;
  size_t per = sizeof(fevent) + sizeof(uint32_t) + (size_t)fs->nv * sizeof(sky_ival);
  if (!sky_walk_charge(w, (cap - fs->cap) * per)) return false;
  fevent *ev = sky_realloc(fs->ev, cap * sizeof *ev);
  if (ev) fs->ev = ev;
  uint32_t *st = sky_realloc(fs->starts, cap * sizeof *st);
  if (st) fs->starts = st;
  sky_ival *v = sky_realloc(fs->vals, cap * (fs->nv ? fs->nv : 1) * sizeof *v); /* never NULL + 0 */
  if (v) fs->vals = v;
  if (!ev || !st || !v) return false;
  fs->cap = cap;
  return true;
}

/* ---- push ---------------------------------------------------------------------- */

/* The events that start an entry: step 1, or any step under ANY ORDER. */
static uint64_t start_mask(const sky_funnel *f) { return f->order == SKY_FUNNEL_ANY_ORDER ? ~UINT64_C(0) : 1; }

/* Keeps a matching event that may matter (path_walk.c decides which): its
 * bits and its HOLDING / GROUP BY values. */
static int funnel_push(sky_walk *w, const sky_path_event *e, const sky_ival *vals) {
  funnel_state *fs = w->state;
  if (!grow(w, fs)) return SKY_SCAN_NO_MEMORY;
  if (fs->nv) memcpy(fs->vals + fs->n * fs->nv, vals, fs->nv * sizeof *vals);
  fs->ev[fs->n++] = (fevent){.ts = e->ts, .session = e->session, .steps = e->bits, .excl = e->excl};
  return SKY_SCAN_OK;
}

/* ---- flush: the object's entries ---------------------------------------------------- */

bool sky_funnel_same_values(const sky_ival *a, const sky_ival *b, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (a[i].null != b[i].null || a[i].w != b[i].w) return false;
  return true;
}

static int cmp_values(const sky_ival *a, const sky_ival *b, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (a[i].null != b[i].null) return a[i].null ? -1 : 1;
    if (a[i].w != b[i].w) return a[i].w < b[i].w ? -1 : 1;
  }
  return 0;
}

/* qsort has no context argument: the state being sorted, per thread. */
static _Thread_local const funnel_state *g_sorting;

/* Starts by entry key, then path order. */
static int cmp_starts(const void *x, const void *y) {
  const funnel_state *fs = g_sorting;
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  int c = cmp_values(fs->vals + (size_t)a * fs->nv, fs->vals + (size_t)b * fs->nv, fs->nv);
  return c ? c : (a > b) - (a < b);
}

/* first_end[1..k] of the chains starting at p; returns level(p). */
static uint32_t chains_from(funnel_state *fs, size_t p) {
  const sky_funnel *f = fs->f;
  uint32_t k = f->n_steps;
  const fevent *ev = fs->ev;
  const sky_ival *hold = fs->vals + p * fs->nv;
  for (uint32_t j = 0; j <= k; j++) fs->first_end[j] = -1;
  fs->first_end[1] = (int64_t)p;
  uint32_t level = 1;
  uint64_t open = 1; /* bit j - 1: a chain of length j may be continued */
  for (size_t q = p + 1; q < fs->n && level < k; q++) {
    if (ev[q].session != ev[p].session || ev[q].ts - ev[p].ts > f->window_us) break;
    bool holds = sky_funnel_same_values(fs->vals + q * fs->nv, hold, f->n_hold);
    uint64_t now = holds ? (open << 1) & (ev[q].steps >> 0) & ~UINT64_C(1) : 0;
    /* now: bit j (0-based) set when step j + 1 holds at q and a chain of
     * length j (bit j - 1 of open) can be continued */
    if (f->order == SKY_FUNNEL_STRICT) {
      open = now;
      if (!open) break;
    } else {
      for (uint32_t j = 1; j < k; j++)
        if (ev[q].excl & fs->excl_at[j - 1]) open &= ~(UINT64_C(1) << (j - 1));
      open |= now;
    }
    for (uint32_t j = 2; j <= k; j++)
      if ((now >> (j - 1)) & 1) {
        if (fs->first_end[j] < 0) fs->first_end[j] = (int64_t)q;
        if (j > level) level = j;
      }
  }
  return level;
}

/* ANY ORDER: the number of distinct steps met from p within the window. */
static uint32_t any_order_level(const funnel_state *fs, size_t p) {
  uint64_t seen = 0;
  for (size_t q = p; q < fs->n; q++) {
    if (fs->ev[q].session != fs->ev[p].session || fs->ev[q].ts - fs->ev[p].ts > fs->f->window_us) break;
    seen |= fs->ev[q].steps;
  }
  return (uint32_t)__builtin_popcountll(seen);
}

static void set_int(sky_ival *v, int64_t x) { *v = (sky_ival){(uint64_t)x, false}; }
static void set_flag(sky_ival *v, bool on) { *v = on ? (sky_ival){1, false} : NULL_VAL; }

/* The entry's rows: level L, reach(1..L) in fs->reach (unused under ANY
 * ORDER), keys from the values of start event `p`. */
int sky_funnel_emit_entry(sky_walk *w, size_t p, uint32_t L) {
  funnel_state *fs = w->state;
  const sky_funnel *f = fs->f;
  sky_ival *en = fs->entry;
  bool times = f->order != SKY_FUNNEL_ANY_ORDER;
  for (uint32_t i = 0; i < SKY_ENTRY_KEY0; i++) en[i] = NULL_VAL;
  if (fs->nv) memcpy(en + SKY_ENTRY_KEY0, fs->vals + p * fs->nv, fs->nv * sizeof *en);
  en[SKY_ENTRY_OBJECT] = (sky_ival){w->env.obj, false};
  set_int(&en[SKY_ENTRY_LEVEL], L);
  switch (f->ret) {
  case SKY_FUNNEL_RETURN_STEPS:
    for (uint32_t s = 1; s <= f->n_steps; s++) {
      set_int(&en[SKY_ENTRY_STEP], s);
      set_int(&en[SKY_ENTRY_NAME], f->step_literals[s - 1]);
      set_flag(&en[SKY_ENTRY_REACHED], L >= s);
      set_flag(&en[SKY_ENTRY_REACHED_PREV], L >= s - 1);
      en[SKY_ENTRY_TIME] = en[SKY_ENTRY_STEP_TIME] = NULL_VAL;
      if (times && L >= s) set_int(&en[SKY_ENTRY_TIME], fs->reach[s] - fs->reach[1]);
      if (times && L >= s && s > 1) set_int(&en[SKY_ENTRY_STEP_TIME], fs->reach[s] - fs->reach[s - 1]);
      int rc = sky_walk_add_row(w);
      if (rc != SKY_SCAN_OK) return rc;
    }
    return SKY_SCAN_OK;
  case SKY_FUNNEL_RETURN_OBJECTS:
    if (L < f->min_level || L > f->max_level) return SKY_SCAN_OK;
    set_int(&en[SKY_ENTRY_STARTED], fs->reach[1]);
    set_int(&en[SKY_ENTRY_CONVERTED], fs->reach[L]);
    return sky_walk_add_row(w);
  case SKY_FUNNEL_RETURN_TIMES: {
    if (L < f->time_to) return SKY_SCAN_OK;
    int64_t t = fs->reach[f->time_to] - fs->reach[f->time_from];
    set_int(&en[SKY_ENTRY_BUCKET], t / f->bucket_us * f->bucket_us);
    return sky_walk_add_row(w);
  }
  }
  return SKY_SCAN_OK;
}

/* One entry: the starts starts[from..to) share their key. */
static int conclude_entry(sky_walk *w, size_t from, size_t to) {
  funnel_state *fs = w->state;
  const sky_funnel *f = fs->f;
  if (f->order == SKY_FUNNEL_ANY_ORDER) {
    uint32_t best = 0;
    for (size_t i = from; i < to; i++) {
      if (i % 256 == 255 && sky_rt_should_stop(w->rt)) return SKY_SCAN_STOPPED;
      uint32_t L = any_order_level(fs, fs->starts[i]);
      if (L > best) best = L;
    }
    return sky_funnel_emit_entry(w, fs->starts[from], best);
  }
  uint32_t best = 0;
  int64_t end_best = -1;
  for (size_t i = from; i < to; i++) { /* ascending path order */
    if (i % 256 == 255 && sky_rt_should_stop(w->rt)) return SKY_SCAN_STOPPED;
    uint32_t L = chains_from(fs, fs->starts[i]);
    int64_t end = fs->first_end[L];
    /* a longer chain, or one of the same length ending no later (a later
     * start reaching the same end is the reported one) */
    if (L > best || (L == best && end <= end_best)) {
      best = L;
      end_best = end;
      for (uint32_t j = 1; j <= L; j++) fs->reach[j] = fs->ev[fs->first_end[j]].ts;
    }
  }
  return sky_funnel_emit_entry(w, fs->starts[from], best);
}

static int funnel_flush(sky_walk *w) {
  funnel_state *fs = w->state;
  const sky_funnel *f = fs->f;
  size_t n_starts = 0;
  uint64_t start_bits = start_mask(f);
  for (size_t i = 0; i < fs->n; i++)
    if (fs->ev[i].steps & start_bits) fs->starts[n_starts++] = (uint32_t)i;
  if (!n_starts) return SKY_SCAN_OK;
  if (fs->nv) {
    g_sorting = fs;
    qsort(fs->starts, n_starts, sizeof *fs->starts, cmp_starts);
  }
  size_t run = 0;
  for (size_t i = 1; i <= n_starts; i++) {
    if (i < n_starts && sky_funnel_same_values(fs->vals + (size_t)fs->starts[i] * fs->nv,
                                    fs->vals + (size_t)fs->starts[run] * fs->nv, fs->nv))
      continue;
    int rc = conclude_entry(w, run, i);
    if (rc != SKY_SCAN_OK) return rc;
    run = i;
  }
  return SKY_SCAN_OK;
}

/* The compiled scan concludes with the register machine where it applies
 * (funnel_machine.c), else with the definitions as the interpreter does. */
static int funnel_conclude(sky_walk *w) {
  return sky_funnel_machine_applies(((funnel_state *)w->state)->f) ? sky_funnel_machine_flush(w) : funnel_flush(w);
}

const sky_walk_kind sky_walk_kind_FUNNEL = {
    .init = funnel_init,
    .free = funnel_free,
    .begin = funnel_begin,
    .event = sky_path_walk_event,
    .flush = funnel_flush,
    .push = funnel_push,
    .conclude = funnel_conclude,
    .seed = funnel_seed,
};
