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
 * The compiled scan concludes objects into a per-chunk tally instead of
 * adding n rows per entry: (GROUP BY values, label) -> counts, each count a
 * sum the entry rows carry (`size`, `retained` ...), emitted as rows once
 * at the chunk's end (`finish`). It concludes a RETENTION without
 * RECURRING in its own loop (jit_cohort.c) and hands each object's one
 * entry to sky_cohort_jit_entry; LIFECYCLE and STICKINESS hand over each
 * distinct period of an object as it comes (sky_cohort_jit_period);
 * RECURRING comes through `push` and is concluded here by the same
 * definitions the interpreter runs.
 *
 * Memory: the object's kept events and the tally (charged to the query
 * budget).
 */
#include <string.h>

#include "codegen/interp.h"
#include "common/alloc.h"
#include "common/hash.h"

/* The tally: open addressing over slots of [tag, key words, counts]. A key
 * is the nv values (word, NULL flag) and a label; counts are per kind:
 * RETENTION size then retained at 0 .. n-1, LIFECYCLE new, returning,
 * resurrecting, dormant, STICKINESS objects. */
typedef struct tally {
  uint64_t *slots;
  size_t cap, count;
  uint32_t key_words, counts, words; /* words = 1 + key_words + counts */
} tally;

/* Without GROUP BY a tally key is only a label (a period, or STICKINESS's
 * number of periods), and a chunk's labels are few and close together:
 * their counts sit in an array indexed by label - base, [len * counts]
 * words, until the labels span more than DENSE_MAX_WORDS words; then the
 * array is moved into the tally and the tally takes over. */
typedef struct dense {
  bool on;
  int64_t base;
  size_t len;
  uint64_t *counts;
} dense;

enum { DENSE_MAX_WORDS = 1 << 15 };

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
  sky_ival *entry;  /* [SKY_ENTRY_KEY0 + nv] the entry row */
  uint64_t *counts; /* [tally.counts] scratch: one conclusion's counts */
  bool tallying;    /* conclusions go to `tally` (compiled scans), not rows */
  tally tally;
  dense dense;      /* before `tally` when there is no GROUP BY */
  uint64_t *key;    /* [tally.key_words] scratch */
  /* LIFECYCLE and STICKINESS on a compiled scan: the object's periods
   * counted as they arrive (sky_cohort_jit_period), nothing buffered. */
  uint64_t periods; /* distinct periods of the object so far */
  int64_t last;     /* the latest of them */
} cohort_state;

static const sky_ival NULL_VAL = {0, true};

static void set_int(sky_ival *v, int64_t x) { *v = (sky_ival){(uint64_t)x, false}; }

static void cohort_free(sky_walk *w) {
  cohort_state *cs = w->state;
  if (!cs) return;
  sky_free(cs->ev);
  sky_free(cs->vals);
  sky_free(cs->entry);
  sky_free(cs->counts);
  sky_free(cs->tally.slots);
  sky_free(cs->dense.counts);
  sky_free(cs->key);
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
  cs->tally.key_words = 2 * cs->nv + 1;
  cs->tally.counts = w->plan->kind == SKY_PLAN_RETENTION ? c->n_periods + 1
                     : w->plan->kind == SKY_PLAN_LIFECYCLE ? 4
                                                           : 1;
  cs->tally.words = 1 + cs->tally.key_words + cs->tally.counts;
  cs->key = sky_calloc(cs->tally.key_words, sizeof *cs->key);
  cs->counts = sky_calloc(cs->tally.counts, sizeof *cs->counts);
  if (!cs->entry || !cs->key || !cs->counts) return -1;
  cs->dense.on = cs->nv == 0;
  w->env.entry = cs->entry;
  return 0;
}

static void cohort_begin(sky_walk *w) {
  cohort_state *cs = w->state;
  cs->n = 0;
  cs->periods = 0;
}

/* Room for one more event, charged to the query budget. */
static bool grow(sky_walk *w, cohort_state *cs) {
  if (cs->n < cs->cap) return true;
  size_t cap = cs->cap ? cs->cap * 2 : 64;
  size_t per = sizeof(cevent) + (size_t)cs->nv * sizeof(sky_ival);
  if (!sky_walk_charge(w, (cap - cs->cap) * per)) return false;
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

/* ---- one conclusion: rows, or the tally ------------------------------------ */

static uint64_t *tally_probe(tally *t, const uint64_t *key, uint64_t tag) {
  size_t mask = t->cap - 1;
  for (size_t i = tag & mask;; i = (i + 1) & mask) {
    uint64_t *slot = t->slots + i * t->words;
    if (!slot[0] || (slot[0] == tag && !memcmp(slot + 1, key, t->key_words * sizeof *key))) return slot;
  }
}

/* The counts of `key` (zeros when new); NULL when out of memory. */
static uint64_t *tally_counts(sky_walk *w, const uint64_t *key) {
  cohort_state *cs = w->state;
  tally *t = &cs->tally;
  if (2 * (t->count + 1) > t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 64;
    if (!sky_walk_charge(w, (cap - t->cap) * t->words * sizeof(uint64_t))) return NULL;
    uint64_t *old = t->slots;
    size_t old_cap = t->cap;
    if (!(t->slots = sky_calloc(cap * t->words, sizeof *t->slots))) return t->slots = old, NULL;
    t->cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
      const uint64_t *from = old + i * t->words;
      if (from[0]) memcpy(tally_probe(t, from + 1, from[0]), from, t->words * sizeof *from);
    }
    sky_free(old);
  }
  uint64_t tag = sky_hash_bytes(key, t->key_words * sizeof *key) | (UINT64_C(1) << 63);
  uint64_t *slot = tally_probe(t, key, tag);
  if (!slot[0]) {
    slot[0] = tag;
    memcpy(slot + 1, key, t->key_words * sizeof *key);
    t->count++;
  }
  return slot + 1 + t->key_words;
}

/* Whether a dense row was ever concluded into (every conclusion counts
 * at least one 1). */
static bool row_used(const uint64_t *row, uint32_t per) {
  for (uint32_t i = 0; i < per; i++)
    if (row[i]) return true;
  return false;
}

/* Widens the dense array to hold `label` (zeros), or moves it into the
 * tally and turns it off when it would grow past DENSE_MAX_WORDS. */
static bool dense_widen(sky_walk *w, cohort_state *cs, int64_t label) {
  dense *d = &cs->dense;
  uint32_t per = cs->tally.counts;
  int64_t lo = d->len ? (label < d->base ? label : d->base) : label;
  int64_t hi = d->len ? (label > d->base + (int64_t)d->len - 1 ? label : d->base + (int64_t)d->len - 1) : label;
  uint64_t len = (uint64_t)hi - (uint64_t)lo + 1;
  if (len == 0 || len > DENSE_MAX_WORDS / per) {
    d->on = false;
    for (size_t i = 0; i < d->len; i++) {
      const uint64_t *row = d->counts + i * per;
      if (!row_used(row, per)) continue;
      cs->key[0] = (uint64_t)(d->base + (int64_t)i);
      uint64_t *sum = tally_counts(w, cs->key);
      if (!sum) return false;
      memcpy(sum, row, per * sizeof *row);
    }
    return true;
  }
  if (!sky_walk_charge(w, (len - d->len) * per * sizeof(uint64_t))) return false;
  uint64_t *counts = sky_calloc(len * per, sizeof *counts);
  if (!counts) return false;
  if (d->len) memcpy(counts + (size_t)(d->base - lo) * per, d->counts, d->len * per * sizeof *counts);
  sky_free(d->counts);
  d->counts = counts, d->base = lo, d->len = len;
  return true;
}

/* The counts of `label` in the dense array; NULL when out of memory or
 * when the array just turned off (check d->on). */
static inline uint64_t *dense_counts(sky_walk *w, cohort_state *cs, int64_t label) {
  dense *d = &cs->dense;
  uint64_t at = (uint64_t)label - (uint64_t)d->base;
  if (at >= d->len && (!dense_widen(w, cs, label) || !d->on)) return NULL;
  return d->counts + ((uint64_t)label - (uint64_t)d->base) * cs->tally.counts;
}

/* The tally key of values `vals` (nv of them) and a label. */
static const uint64_t *key_of(cohort_state *cs, const sky_ival *vals, int64_t label) {
  for (uint32_t i = 0; i < cs->nv; i++) cs->key[2 * i] = vals[i].w, cs->key[2 * i + 1] = vals[i].null;
  cs->key[2 * cs->nv] = (uint64_t)label;
  return cs->key;
}

/* The entry rows of counts `n` (plan.h, SKY_ENTRY_FIELDS; each count a
 * sum the rows carry) with GROUP BY values `vals` and a label: RETENTION
 * n rows (size n[0], retained at k n[1 + k]), LIFECYCLE one (new,
 * returning, resurrecting, dormant), STICKINESS one (`label` periods,
 * size n[0]). */
static int add_rows(sky_walk *w, const sky_ival *vals, int64_t label, const uint64_t *n) {
  cohort_state *cs = w->state;
  sky_ival *en = cs->entry;
  for (uint32_t f = 0; f < SKY_ENTRY_KEY0; f++) en[f] = NULL_VAL;
  if (cs->nv) memcpy(en + SKY_ENTRY_KEY0, vals, cs->nv * sizeof *en);
  switch (w->plan->kind) {
  case SKY_PLAN_RETENTION:
    set_int(&en[SKY_ENTRY_COHORT], label);
    set_int(&en[SKY_ENTRY_SIZE], (int64_t)n[0]);
    for (uint32_t k = 0; k < cs->c->n_periods; k++) {
      set_int(&en[SKY_ENTRY_PERIOD], k);
      set_int(&en[SKY_ENTRY_RETAINED], (int64_t)n[1 + k]);
      int rc = sky_walk_add_row(w);
      if (rc != SKY_SCAN_OK) return rc;
    }
    return SKY_SCAN_OK;
  case SKY_PLAN_LIFECYCLE:
    set_int(&en[SKY_ENTRY_COHORT], label);
    for (uint32_t f = SKY_ENTRY_NEW; f <= SKY_ENTRY_DORMANT; f++) set_int(&en[f], (int64_t)n[f - SKY_ENTRY_NEW]);
    return sky_walk_add_row(w);
  default:
    set_int(&en[SKY_ENTRY_PERIODS], label);
    set_int(&en[SKY_ENTRY_SIZE], (int64_t)n[0]);
    return sky_walk_add_row(w);
  }
}

/* One conclusion of an object (an entry, a period's state, its number of
 * periods) as counts: rows at once on the interpreter, summed into the
 * tally on a compiled scan. */
static int conclude(sky_walk *w, const sky_ival *vals, int64_t label, const uint64_t *n) {
  cohort_state *cs = w->state;
  if (!cs->tallying) return add_rows(w, vals, label, n);
  uint64_t *sum = cs->dense.on ? dense_counts(w, cs, label) : NULL;
  if (!sum && cs->dense.on) return SKY_SCAN_NO_MEMORY;
  if (!sum) sum = tally_counts(w, key_of(cs, vals, label));
  if (!sum) return SKY_SCAN_NO_MEMORY;
  for (uint32_t i = 0; i < cs->tally.counts; i++) sum[i] += n[i];
  return SKY_SCAN_OK;
}

/* Counts of `tally.counts` zeros, in the scratch. */
static uint64_t *zero_counts(cohort_state *cs) {
  memset(cs->counts, 0, cs->tally.counts * sizeof *cs->counts);
  return cs->counts;
}

/* ---- RETENTION ----------------------------------------------------------------- */

/* An entry's counts: size 1 and, at k, whether a return had index k or,
 * with ON OR AFTER, whether the largest index `top` is at least k. n[1 + k]
 * holds the exact flags on entry. */
static void entry_counts(const sky_cohort *c, uint64_t *n, int64_t top) {
  n[0] = 1;
  for (uint32_t k = 0; c->on_or_after && k < c->n_periods; k++) n[1 + k] = top >= (int64_t)k;
}

/* The entry starting at event s. */
static int retention_entry(sky_walk *w, size_t s) {
  cohort_state *cs = w->state;
  const sky_cohort *c = cs->c;
  const cevent *ev = cs->ev;
  int64_t span = sky_period_us(c->unit), top = -1;
  uint64_t *n = zero_counts(cs);
  for (size_t j = s; j < cs->n; j++) {
    if (!(ev[j].bits & (UINT64_C(1) << SKY_COHORT_RETURN))) continue;
    int64_t idx = c->rolling ? (ev[j].ts - ev[s].ts) / span : ev[j].period - ev[s].period;
    if (idx > top) top = idx;
    if (idx < c->n_periods) n[1 + idx] = 1;
  }
  entry_counts(c, n, top);
  return conclude(w, cs->vals + s * cs->nv, sky_period_label(c->unit, ev[s].period), n);
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
  uint64_t *n = zero_counts(cs);
  n[field - SKY_ENTRY_NEW] = 1;
  return conclude(w, NULL, sky_period_label(cs->c->unit, period), n);
}

/* lifecycle_row, straight into the dense array when it is on. */
static inline int lifecycle_count(sky_walk *w, int64_t period, uint32_t field) {
  cohort_state *cs = w->state;
  if (cs->tallying && cs->dense.on) {
    uint64_t *sum = dense_counts(w, cs, sky_period_label(cs->c->unit, period));
    if (sum) {
      sum[field - SKY_ENTRY_NEW]++;
      return SKY_SCAN_OK;
    }
    if (cs->dense.on) return SKY_SCAN_NO_MEMORY;
  }
  return lifecycle_row(w, period, field);
}

static int lifecycle_flush(sky_walk *w) {
  cohort_state *cs = w->state;
  const cevent *ev = cs->ev;
  for (size_t i = 0; i < cs->n; i++) {
    uint32_t field = i == 0                              ? SKY_ENTRY_NEW
                     : ev[i - 1].period == ev[i].period - 1 ? SKY_ENTRY_RETURNING
                                                            : SKY_ENTRY_RESURRECTING;
    int rc = lifecycle_count(w, ev[i].period, field);
    if (rc == SKY_SCAN_OK && (i + 1 == cs->n || ev[i + 1].period != ev[i].period + 1))
      rc = lifecycle_count(w, ev[i].period + 1, SKY_ENTRY_DORMANT);
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
  if (lo <= hi && sky_groups_reserve(merged, (uint64_t)(hi - lo) + 1) != 0) return -1;
  for (int64_t period = lo; lo <= hi && period <= hi; period++) {
    uint64_t key = (uint64_t)sky_period_label(unit, period);
    if (!sky_groups_upsert(merged, &key, 0)) return -1;
  }
  return 0;
}

/* ---- STICKINESS ----------------------------------------------------------------- */

/* One object with `periods` distinct periods. */
static int stickiness_count(sky_walk *w, uint64_t periods) {
  cohort_state *cs = w->state;
  uint64_t *sum = cs->tallying && cs->dense.on ? dense_counts(w, cs, (int64_t)periods) : NULL;
  if (sum) {
    sum[0]++;
    return SKY_SCAN_OK;
  }
  if (cs->tallying && cs->dense.on) return SKY_SCAN_NO_MEMORY;
  uint64_t *n = zero_counts(cs);
  n[0] = 1;
  return conclude(w, NULL, (int64_t)periods, n);
}

static int stickiness_flush(sky_walk *w) {
  cohort_state *cs = w->state;
  return cs->n ? stickiness_count(w, cs->n) : SKY_SCAN_OK;
}

/* ---- the compiled scan's side ------------------------------------------------ */

/* The compiled scan's flush: the same definitions, into the tally. */
static int cohort_conclude(sky_walk *w) {
  cohort_state *cs = w->state;
  cs->tallying = true;
  if (!cs->periods) return w->kind->flush(w);
  if (w->plan->kind == SKY_PLAN_STICKINESS) return stickiness_count(w, cs->periods);
  return lifecycle_count(w, cs->last + 1, SKY_ENTRY_DORMANT); /* the period after the last one */
}

/* LIFECYCLE and STICKINESS on a compiled scan: lifecycle_flush's and
 * stickiness_flush's definitions, counted period by period as the loop
 * hands each distinct period over (ascending, once each) instead of from
 * a buffer at the object's end; cohort_conclude adds the last dormant
 * row or the object's number of periods. The interpreter keeps the
 * buffered form, so the differential tests compare the two. */
int32_t sky_cohort_jit_period(void *wp, int64_t period) {
  sky_walk *w = wp;
  cohort_state *cs = w->state;
  cs->tallying = true; /* only compiled scans call this */
  int rc = SKY_SCAN_OK;
  if (w->plan->kind == SKY_PLAN_LIFECYCLE) {
    uint32_t field = !cs->periods ? SKY_ENTRY_NEW : period == cs->last + 1 ? SKY_ENTRY_RETURNING : SKY_ENTRY_RESURRECTING;
    if (field == SKY_ENTRY_RESURRECTING) rc = lifecycle_count(w, cs->last + 1, SKY_ENTRY_DORMANT);
    if (rc == SKY_SCAN_OK) rc = lifecycle_count(w, period, field);
  }
  cs->periods++;
  cs->last = period;
  return rc;
}

/* The tally's rows, at the chunk's end (they carry their counts as sums). */
static int cohort_finish(sky_walk *w) {
  cohort_state *cs = w->state;
  const tally *t = &cs->tally;
  sky_ival vals[SKY_PLAN_MAX_KEYS];
  const dense *d = &cs->dense;
  for (size_t i = 0; d->on && i < d->len; i++) {
    const uint64_t *row = d->counts + i * t->counts;
    if (!row_used(row, t->counts)) continue;
    int rc = add_rows(w, NULL, d->base + (int64_t)i, row);
    if (rc != SKY_SCAN_OK) return rc;
  }
  for (size_t i = 0; i < t->cap; i++) {
    const uint64_t *slot = t->slots + i * t->words, *key = slot + 1;
    if (!slot[0]) continue;
    for (uint32_t v = 0; v < cs->nv; v++) vals[v] = (sky_ival){key[2 * v], key[2 * v + 1] != 0};
    int rc = add_rows(w, vals, (int64_t)key[2 * cs->nv], key + t->key_words);
    if (rc != SKY_SCAN_OK) return rc;
  }
  return SKY_SCAN_OK;
}

/* An entry without GROUP BY straight into the dense array: size and each
 * retained index (set bits only, or every index up to `top`). False when
 * the array is off or out of memory (then the general path decides). */
static bool dense_entry(sky_walk *w, cohort_state *cs, int64_t period, const uint64_t *retained, int64_t top) {
  const sky_cohort *c = cs->c;
  uint64_t *sum = dense_counts(w, cs, sky_period_label(c->unit, period));
  if (!sum) return false;
  sum[0]++;
  if (c->on_or_after) {
    for (int64_t k = 0; k < c->n_periods && k <= top; k++) sum[1 + k]++;
    return true;
  }
  for (uint32_t i = 0; i < (c->n_periods + 63) / 64; i++)
    for (uint64_t m = retained[i]; m; m &= m - 1) sum[1 + 64 * i + (uint32_t)__builtin_ctzll(m)]++;
  return true;
}

int32_t sky_cohort_jit_entry(void *wp, int64_t period, const uint64_t *retained, int64_t top, const sky_ival *vals) {
  sky_walk *w = wp;
  cohort_state *cs = w->state;
  const sky_cohort *c = cs->c;
  if (cs->dense.on && dense_entry(w, cs, period, retained, top)) return SKY_SCAN_OK;
  sky_ival canon[SKY_PLAN_MAX_KEYS];
  if (cs->nv) memcpy(canon, vals, cs->nv * sizeof *canon);
  sky_path_canon(c->group, cs->nv, canon);
  uint64_t *n = cs->counts;
  for (uint32_t k = 0; k < c->n_periods; k++) n[1 + k] = (retained[k / 64] >> (k % 64)) & 1;
  entry_counts(c, n, top);
  cs->tallying = true; /* only compiled scans call this */
  return conclude(w, canon, sky_period_label(c->unit, period), n);
}

#define COHORT_KIND(flush_fn, seed_fn)                                                                             \
  {                                                                                                                \
    .init = cohort_init, .free = cohort_free, .begin = cohort_begin, .event = sky_path_walk_event,               \
    .flush = flush_fn, .push = cohort_push, .conclude = cohort_conclude, .finish = cohort_finish,                \
    .seed = seed_fn,                                                                                               \
  }

const sky_walk_kind sky_walk_kind_RETENTION = COHORT_KIND(retention_flush, NULL);
const sky_walk_kind sky_walk_kind_LIFECYCLE = COHORT_KIND(lifecycle_flush, lifecycle_seed);
const sky_walk_kind sky_walk_kind_STICKINESS = COHORT_KIND(stickiness_flush, NULL);
