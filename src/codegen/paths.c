/* paths.c — PATHS AFTER | BEFORE (PATHS.md §4) on the object walk
 * (interp.h, sky_walk_kind), one definition for both engines: the
 * interpreter and the compiled scan hand every event of the path to
 * `push` (the plan has no filter; path_walk.c evaluates the anchor — WHERE
 * and the condition — and the OF value on each), and `flush` concludes the
 * object at its end.
 *
 * The object's events are kept in path order with their timestamp,
 * session number, value and anchor bit (AFTER: from its first anchor on). At the flush, for each anchor a
 * and i = 1..k, the event i places after a (AFTER) or before it (BEFORE),
 * when it exists in a's session, gives an edge whose far end x(i) is that
 * event's value: from x(i-1) to x(i) at step i (AFTER), from x(i) to
 * x(i-1) at step -i (BEFORE), so an edge always runs forward in time and
 * its time (the gap between its two events) is never negative. An edge
 * whose far end is NULL is left out and the walk goes on; past the path's
 * or the session's end it stops. Each edge is one entry row (plan.h:
 * STEP, SOURCE, TARGET, TIME), summed by the SELECT machinery.
 *
 * Memory: the object's events (charged to the query budget).
 */
#include <string.h>

#include "codegen/interp.h"
#include "common/alloc.h"

typedef struct pevent {
  int64_t ts;
  int64_t session;
  uint64_t w;  /* the value's word (canonical) */
  bool null;   /* the value is NULL */
  bool anchor; /* a matching event satisfying the condition */
} pevent;

typedef struct paths_state {
  const sky_paths *ps;
  pevent *ev;
  size_t n, cap;
  sky_ival *entry; /* [SKY_ENTRY_KEY0] the edge's entry row */
} paths_state;

static const sky_ival NULL_VAL = {0, true};

static void paths_free(sky_walk *w) {
  paths_state *st = w->state;
  if (!st) return;
  sky_free(st->ev);
  sky_free(st->entry);
  sky_free(st);
  w->state = NULL;
}

static int paths_init(sky_walk *w) {
  paths_state *st = sky_calloc(1, sizeof *st);
  if (!st) return -1;
  w->state = st;
  st->ps = w->plan->paths;
  if (!(st->entry = sky_calloc(SKY_ENTRY_KEY0, sizeof *st->entry))) return -1;
  for (uint32_t f = 0; f < SKY_ENTRY_KEY0; f++) st->entry[f] = NULL_VAL;
  w->env.entry = st->entry;
  return 0;
}

static void paths_begin(sky_walk *w) { ((paths_state *)w->state)->n = 0; }

/* Every event of the path, in order (AFTER: from the object's first
 * anchor on; nothing before it is a step of any edge). */
static int paths_push(sky_walk *w, const sky_path_event *e, const sky_ival *vals) {
  paths_state *st = w->state;
  if (st->n == 0 && !st->ps->before && !(e->bits & 1)) return SKY_SCAN_OK;
  if (st->n == st->cap) {
    size_t cap = st->cap ? st->cap * 2 : 64;
    if (!sky_walk_charge(w, (cap - st->cap) * sizeof *st->ev)) return SKY_SCAN_NO_MEMORY;
    pevent *ev = sky_realloc(st->ev, cap * sizeof *ev);
    if (!ev) return SKY_SCAN_NO_MEMORY;
    st->ev = ev;
    st->cap = cap;
  }
  st->ev[st->n++] = (pevent){.ts = e->ts, .session = e->session, .w = vals[0].w, .null = vals[0].null,
                             .anchor = (e->bits & 1) != 0};
  return SKY_SCAN_OK;
}

/* The edge from event `from` to the next event of the path, at `step`. */
static int add_edge(sky_walk *w, int64_t step, const pevent *from) {
  sky_ival *en = ((paths_state *)w->state)->entry;
  const pevent *to = from + 1;
  en[SKY_ENTRY_STEP] = (sky_ival){(uint64_t)step, false};
  en[SKY_ENTRY_SOURCE] = (sky_ival){from->w, from->null};
  en[SKY_ENTRY_TARGET] = (sky_ival){to->w, to->null};
  en[SKY_ENTRY_TIME] = (sky_ival){(uint64_t)(to->ts - from->ts), false};
  return sky_walk_add_row(w);
}

/* The edges of the anchor at event j. */
static int anchor_edges(sky_walk *w, size_t j) {
  paths_state *st = w->state;
  const pevent *ev = st->ev;
  uint32_t k = st->ps->n_steps;
  int rc;
  for (uint32_t i = 1; i <= k; i++) {
    if (st->ps->before) {
      if (i > j || ev[j - i].session != ev[j].session) break;
      if (!ev[j - i].null && (rc = add_edge(w, -(int64_t)i, &ev[j - i])) != SKY_SCAN_OK) return rc;
    } else {
      if (j + i >= st->n || ev[j + i].session != ev[j].session) break;
      if (!ev[j + i].null && (rc = add_edge(w, i, &ev[j + i - 1])) != SKY_SCAN_OK) return rc;
    }
  }
  return SKY_SCAN_OK;
}

static int paths_flush(sky_walk *w) {
  paths_state *st = w->state;
  for (size_t j = 0; j < st->n; j++) {
    if (!st->ev[j].anchor) continue;
    int rc = anchor_edges(w, j);
    if (rc != SKY_SCAN_OK) return rc;
  }
  return SKY_SCAN_OK;
}

const sky_walk_kind sky_walk_kind_PATHS = {
    .init = paths_init,
    .free = paths_free,
    .begin = paths_begin,
    .event = sky_path_walk_event,
    .flush = paths_flush,
    .push = paths_push,
};
