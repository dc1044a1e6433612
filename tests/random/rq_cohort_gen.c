/* rq_cohort_gen.c — random datasets and statements for the RETENTION,
 * LIFECYCLE and STICKINESS checker.
 *
 * Datasets: rq_dataset_generate's objects (ties of equal timestamps with
 * arrival order deciding, one-event and few-hundred-event objects, several
 * load batches), re-timed per object so that calendar periods matter. An
 * object's distinct timestamps keep their order and ties; each gap between
 * them is drawn anew. Three profiles, by seed:
 *   - months (half): objects start anywhere from October 2025 to May 2026,
 *     often at a month start, a Monday midnight or 1 µs off one; gaps are
 *     minutes to hours, with (more often for small objects) exact 1d, 7d
 *     and 30d steps, 1 µs off them, and jumps of up to 45 days, so MONTH
 *     and WEEK cohorts are several and ROLLING boundaries are hit exactly;
 *   - hours (three in eight): objects start within a few days around
 *     1 March 2026, gaps of seconds to hours with exact hours and 1 µs off
 *     them: dense HOUR and DAY periods;
 *   - raw (one in eight): rq_data.c's timestamps untouched, with their
 *     jumps across years and the edges of years 0000 and 9999 (where WEEK
 *     labels may fall in year -1: rq_cohort_eval.c C1).
 * LIFECYCLE rows cover every period of the dataset's span, so a unit whose
 * span is over 20,000 periods is not drawn for it.
 *
 * Statements: conditions, WHERE and keys come from rq_build.c; every
 * clause of PATHS.md §2–§3 appears behind a bit of the clause mask
 * (rq_cohort.h). A few statements are deliberately invalid, each with
 * exactly one fault and the error code the contract gives it (or "some
 * error" where the contract names none).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random/rq_cohort.h"
#include "sky.h"

/* ---- the statement object ------------------------------------------------------------- */

rqc_stmt *rqc_create(void) {
  rqc_stmt *c = calloc(1, sizeof *c);
  if (!c) abort();
  c->q = calloc(1, sizeof *c->q);
  if (!c->q) abort();
  rqc_reset(c);
  return c;
}

void rqc_free(rqc_stmt *c) {
  if (!c) return;
  free(c->q);
  free(c);
}

void rqc_reset(rqc_stmt *c) {
  rq_query *q = c->q;
  memset(c, 0, sizeof *c);
  memset(q, 0, sizeof *q);
  c->q = q;
  q->limit = -1;
  c->tail.limit = -1;
  c->kind = RQC_RETENTION;
  c->unit = RQC_DAY;
  c->n = 1;
  c->start = c->ret = rqb_lit(q, rq_bool(true));
  c->expect = RQ_EXPECT_ROWS;
}

void rqc_copy(rqc_stmt *dst, const rqc_stmt *src) {
  rq_query *q = dst->q;
  rqb_pool_copy(q, src->q);
  *dst = *src;
  dst->q = q;
  dst->start = rqb_rebase(src->q, q, src->start);
  dst->ret = rqb_rebase(src->q, q, src->ret);
  dst->where = rqb_rebase(src->q, q, src->where);
  for (int k = 0; k < RQC_MAX_KEYS; k++) dst->keys[k] = rqb_rebase(src->q, q, src->keys[k]);
}

/* ---- datasets ------------------------------------------------------------------------------ */

#define DAY RQ_US_PER_DAY
#define HOUR RQ_US_PER_HOUR

static int64_t months_base(rq_rng *r) {
  int64_t first = rq_days_from_civil(2025, 10, 1), last = rq_days_from_civil(2026, 5, 31);
  int64_t day = rq_range(r, first, last);
  int64_t off = rq_chance(r, 40) ? rq_range(r, -1, 1) : 0;
  switch (rq_below(r, 10)) {
  case 0: case 1: case 2: { /* a month start */
    int64_t y;
    int m, d;
    rq_civil_from_days(day, &y, &m, &d);
    return rq_days_from_civil(y, m, 1) * DAY + off;
  }
  case 3: case 4: /* a Monday midnight */
    return (day - ((day + 3) % 7 + 7) % 7) * DAY + off;
  default: return day * DAY + rq_range(r, 0, DAY - 1);
  }
}

static int64_t hours_base(rq_rng *r) {
  static const int anchors[][4] = {{2026, 3, 1, 0}, {2026, 3, 2, 0}, {2026, 2, 28, 22}, {2026, 3, 1, 12}};
  const int *a = anchors[rq_below(r, 4)];
  int64_t t = rq_utc(a[0], a[1], a[2], a[3], 0, 0) + rq_range(r, -6, 30) * HOUR;
  if (rq_chance(r, 50)) return t + rq_range(r, -1, 1);
  return t + rq_range(r, 0, HOUR - 1);
}

/* A gap of the months profile in an object of n events: big ones are
 * rarer in large objects, so that an object spans months, not years. */
static int64_t months_gap(rq_rng *r, size_t n) {
  unsigned big_pct = n ? (unsigned)(800 / n) : 50;
  if (rq_chance(r, big_pct > 50 ? 50 : big_pct)) {
    static const int64_t exact[] = {DAY, 7 * DAY, 30 * DAY, DAY - 1, 7 * DAY - 1, 30 * DAY - 1, DAY + 1, 7 * DAY + 1};
    switch (rq_below(r, 4)) {
    case 0: case 1: return exact[rq_below(r, sizeof exact / sizeof *exact)];
    case 2: return rq_range(r, 1, 20) * DAY;
    default: return rq_range(r, 1, 45) * DAY + rq_range(r, 0, DAY - 1);
    }
  }
  switch (rq_below(r, 6)) {
  case 0: return 1;
  case 1: return HOUR;
  case 2: return HOUR - 1;
  case 3: return rq_range(r, 1, 23) * HOUR + rq_range(r, 0, 999999);
  default: return rq_range(r, 1, 3600) * RQ_US_PER_SEC + rq_range(r, 0, 999999);
  }
}

static int64_t hours_gap(rq_rng *r) {
  switch (rq_below(r, 20)) {
  case 0: case 1: return 1;
  case 2: case 3: case 4: return HOUR;
  case 5: return HOUR - 1;
  case 6: return HOUR + 1;
  case 7: return DAY;
  case 8: case 9: return rq_range(r, 2, 5) * HOUR;
  case 10: case 11: case 12: case 13: return rq_range(r, 1, 59) * RQ_US_PER_MIN + rq_range(r, 0, 999999);
  default: return rq_range(r, 1, 120) * RQ_US_PER_SEC;
  }
}

void rqc_dataset_generate(rq_dataset *ds, uint64_t seed) {
  rq_dataset_generate(ds, seed);
  rq_rng r;
  rq_rng_seed(&r, seed ^ 0xC0407ull);
  unsigned profile = (unsigned)rq_below(&r, 8);
  if (profile == 0 || ds->n_ev == 0) return; /* raw */
  bool dense = profile >= 5;
  const rq_event **order = rq_path_order(ds);
  for (size_t i = 0; i < ds->n_ev;) {
    size_t j = i;
    while (j < ds->n_ev && order[j]->obj == order[i]->obj) j++;
    int64_t t = dense ? hours_base(&r) : months_base(&r), prev = order[i]->ts;
    for (size_t k = i; k < j; k++) {
      if (order[k]->ts != prev) t += dense ? hours_gap(&r) : months_gap(&r, j - i); /* ties stay ties */
      prev = order[k]->ts;
      ds->ev[order[k] - ds->ev].ts = t;
    }
    i = j;
  }
  free(order);
}

/* ---- random pieces -------------------------------------------------------------------------- */

typedef struct gen {
  rq_rng r;
  rqc_stmt *c;
  const rq_dataset *ds;
  unsigned clauses;
  rq_picker pk; /* conditions and keys (rq_build.c) over r, c->q and ds */
} gen;

static bool allowed(const gen *g, unsigned bits) { return (g->clauses & bits) == bits; }

/* Periods a LIFECYCLE of unit `u` covers at most over `ds`. */
static int64_t lifecycle_span(const rq_dataset *ds, rqc_unit u) {
  if (!ds->n_ev) return 0;
  int64_t lo = ds->ev[0].ts, hi = lo;
  for (size_t i = 0; i < ds->n_ev; i++) {
    if (ds->ev[i].ts < lo) lo = ds->ev[i].ts;
    if (ds->ev[i].ts > hi) hi = ds->ev[i].ts;
  }
  return rqc_period(u, hi) - rqc_period(u, lo) + 2;
}

static rqc_unit random_unit(gen *g) {
  static const rqc_unit units[] = {RQC_HOUR, RQC_HOUR, RQC_DAY, RQC_DAY, RQC_DAY, RQC_WEEK, RQC_WEEK, RQC_MONTH,
                                   RQC_MONTH};
  return units[rq_below(&g->r, sizeof units / sizeof *units)];
}

static rq_node *condition(gen *g) {
  rqc_stmt *c = g->c;
  if (rq_chance(&g->r, 25)) return rqb_lit(c->q, rq_bool(true));
  if (rq_chance(&g->r, 2)) return rqb_lit(c->q, rq_bool(false));
  return rqb_condition(&g->pk, allowed(g, RQC_C_PROPS));
}

static int for_n(gen *g) {
  if (allowed(g, RQC_C_LONG) && rq_chance(&g->r, 3)) return rq_chance(&g->r, 40) ? RQC_MAX_N : (int)rq_range(&g->r, 100, 999);
  unsigned r = (unsigned)rq_below(&g->r, 100);
  if (r < 10) return 1;
  if (r < 75) return (int)rq_range(&g->r, 2, 8);
  return (int)rq_range(&g->r, 9, 40);
}

static void gen_keys(gen *g) {
  rqc_stmt *c = g->c;
  bool plain = allowed(g, RQC_C_GROUP), time = allowed(g, RQC_C_GROUP_TIME);
  if (!(plain || time) || !rq_chance(&g->r, 35)) return;
  int want = rq_chance(&g->r, 70) ? 1 : 2;
  for (int tries = 0; c->n_keys < want && tries < 10; tries++) {
    rq_node *k = rqb_key_expr(&g->pk, time, plain, false);
    bool dup = false;
    for (int j = 0; j < c->n_keys; j++) dup = dup || rqb_same_text(c->q, k, c->keys[j]);
    if (!dup) c->keys[c->n_keys++] = k;
  }
}

static void gen_retention(gen *g) {
  rqc_stmt *c = g->c;
  c->recurring = allowed(g, RQC_C_RECURRING) && rq_chance(&g->r, 35);
  c->first_spelled = !c->recurring && allowed(g, RQC_C_COSMETIC) && rq_chance(&g->r, 30);
  c->start = condition(g);
  c->ret = rq_chance(&g->r, 15) ? c->start : condition(g);
  c->rolling = allowed(g, RQC_C_ROLLING) && rq_chance(&g->r, 30);
  c->n = for_n(g);
  c->on_or_after = allowed(g, RQC_C_ON_OR_AFTER) && rq_chance(&g->r, 30);
  /* FOR 100..1000 with many cohorts makes huge answers: keep those FIRST and coarse. */
  if (c->n >= 100) c->recurring = false, c->unit = c->unit == RQC_HOUR ? RQC_DAY : c->unit;
}

/* ---- HAVING, ORDER BY, LIMIT ------------------------------------------------------------------ */

static rq_val having_lit(void *ctx, int col) {
  gen *g = ctx;
  const rqc_stmt *c = g->c;
  const char *name;
  rqc_answer cols;
  rqc_columns(c, &cols);
  name = cols.names[col];
  rq_val v;
  if (strcmp(name, "cohort") == 0 || (strcmp(name, "period") == 0 && c->kind == RQC_LIFECYCLE)) {
    const rq_event *e = rqb_some_event(&g->pk);
    v = rqc_period_label(c->unit, rqc_period(c->unit, e ? e->ts : 0) + rq_range(&g->r, -1, 1));
    if (v.t == RQ_NULL) v = rq_str("2026-03", 7);
  } else if (strcmp(name, "share") == 0) {
    static const double f[] = {0.0, 0.25, 0.5, 1.0, 0.75};
    v = rq_float(f[rq_below(&g->r, 5)]);
  } else if (strcmp(name, "period") == 0) {
    v = rq_int(rq_range(&g->r, 0, c->n < 4 ? c->n : 4));
  } else if (strcmp(name, "periods") == 0) {
    v = rq_int(rq_range(&g->r, 1, 5));
  } else {
    v = rq_int(rq_range(&g->r, 0, 4));
  }
  rqc_answer_free(&cols);
  return v;
}

static void gen_tail(gen *g) {
  rqc_stmt *c = g->c;
  rqc_answer cols;
  rqc_columns(c, &cols);
  rq_tail_cols tc = {.n_keys = c->n_keys, .n_cols = cols.n_cols, .lit = having_lit, .ctx = g};
  rqc_answer_free(&cols);
  rq_tail_generate(&c->tail, &g->r, &tc, allowed(g, RQC_C_HAVING), allowed(g, RQC_C_ORDER), allowed(g, RQC_C_LIMIT));
}

/* ---- invalid statements ---------------------------------------------------------------------------- */

static void expect(rqc_stmt *c, int code) {
  c->expect = code < 0 ? RQ_EXPECT_ERROR : RQ_EXPECT_CODE;
  c->expect_code = code;
}

static void set_raw(rqc_stmt *c, rqc_raw at, const char *text) {
  c->raw_at = at;
  snprintf(c->raw, sizeof c->raw, "%s", text);
}

/* An aggregate, or something else that is no condition, where a condition stands. */
static void bad_condition(gen *g) {
  static const struct {
    const char *text;
    int code;
  } bad[] = {{"count() > 1", SKY_ERR_SEMANTIC}, {"sum(ei) > 0", SKY_ERR_SEMANTIC}, {"max(s2) = 1", SKY_ERR_SEMANTIC},
             {"objects() >= 1", SKY_ERR_SEMANTIC}, {"nope = 1", SKY_ERR_UNKNOWN_PROPERTY}, {"ei", -1}};
  rqc_stmt *c = g->c;
  size_t i = rq_below(&g->r, sizeof bad / sizeof *bad);
  rq_node *raw = rqb_raw(c->q, bad[i].text);
  unsigned where = c->kind == RQC_RETENTION ? (unsigned)rq_below(&g->r, 3) : 2;
  if (where == 0) c->start = raw;
  if (where == 1) c->ret = raw;
  if (where == 2) c->where = raw;
  expect(c, bad[i].code);
}

/* One fault in an otherwise valid statement; false when the mask allows
 * none of the kind drawn. */
static bool make_invalid(gen *g) {
  rqc_stmt *c = g->c;
  bool lower = c->q->lower_keywords, retention = c->kind == RQC_RETENTION;
  switch (rq_below(&g->r, 10)) {
  case 0: /* WITHIN SESSION: an error on all three */
    set_raw(c, RQC_RAW_CLAUSE, lower ? "within session 30m" : "WITHIN SESSION 30m"); /* where FUNNEL has it */
    expect(c, SKY_ERR_SEMANTIC);
    return true;
  case 1: /* GROUP BY on LIFECYCLE or STICKINESS */
    if (retention) return false;
    set_raw(c, RQC_RAW_CLAUSE, rq_chance(&g->r, 50) ? (lower ? "group by action" : "GROUP BY action")
                                                    : (lower ? "group by day(timestamp)" : "GROUP BY day(timestamp)"));
    expect(c, SKY_ERR_SEMANTIC);
    return true;
  case 2: bad_condition(g); return true;
  case 3: /* FOR out of 1..1000 */
    if (!retention) return false;
    c->n = rq_chance(&g->r, 50) ? 0 : rq_chance(&g->r, 70) ? RQC_MAX_N + 1 : 5000;
    c->tail.having.on = false;
    expect(c, SKY_ERR_SEMANTIC);
    return true;
  case 4: { /* an aggregate in HAVING or ORDER BY */
    static const char *const tails[] = {"HAVING count() > 0", "ORDER BY count() DESC", "HAVING sum(\"objects\") > 1",
                                        "ORDER BY max(\"objects\")"};
    const char *t = tails[rq_below(&g->r, c->kind == RQC_LIFECYCLE ? 2 : 4)];
    set_raw(c, RQC_RAW_TAIL, t);
    expect(c, SKY_ERR_SEMANTIC);
    return true;
  }
  case 5: { /* a unit the grammar does not have */
    static const char *const units[] = {"YEAR", "SECOND", "MINUTE", "QUARTER", "DAYS", "7d"};
    set_raw(c, RQC_RAW_UNIT, units[rq_below(&g->r, sizeof units / sizeof *units)]);
    c->rolling = false;
    expect(c, SKY_ERR_SYNTAX);
    return true;
  }
  case 6: /* RETENTION without FOR n */
    if (!retention) return false;
    set_raw(c, RQC_RAW_FOR, "");
    c->on_or_after = false;
    expect(c, SKY_ERR_SYNTAX);
    return true;
  case 7: { /* ON OR AFTER misspelled */
    static const char *const words[] = {"ON AFTER", "OR AFTER", "ON OR", "AFTER"};
    if (!retention) return false;
    c->on_or_after = false;
    set_raw(c, RQC_RAW_AFTER_FOR, words[rq_below(&g->r, 4)]);
    expect(c, SKY_ERR_SYNTAX);
    return true;
  }
  case 8: /* FIRST and RECURRING both */
    if (!retention) return false;
    c->recurring = false;
    c->first_spelled = true;
    set_raw(c, RQC_RAW_MODE, "RECURRING");
    expect(c, SKY_ERR_SYNTAX);
    return true;
  default: /* RETENTION's clauses on LIFECYCLE / STICKINESS: not in their grammar, no code promised */
    if (retention) return false;
    set_raw(c, RQC_RAW_MODE, rq_chance(&g->r, 50) ? "ROLLING" : "FOR 3");
    expect(c, -1);
    return true;
  }
}

/* ---- the statement -------------------------------------------------------------------------------- */

static void generate(gen *g) {
  rqc_stmt *c = g->c;
  rq_query *q = c->q;
  if (allowed(g, RQC_C_COSMETIC)) {
    q->lower_keywords = rq_chance(&g->r, 15);
    q->newlines = rq_chance(&g->r, 10);
    c->from = rq_chance(&g->r, 30);
    c->semicolon = rq_chance(&g->r, 10);
  }
  c->start = c->ret = NULL;
  rqc_kind kinds[4]; /* retention twice: half the statements */
  int n_kinds = 0;
  if (allowed(g, RQC_C_RETENTION)) kinds[n_kinds++] = RQC_RETENTION, kinds[n_kinds++] = RQC_RETENTION;
  if (allowed(g, RQC_C_LIFECYCLE)) kinds[n_kinds++] = RQC_LIFECYCLE;
  if (allowed(g, RQC_C_STICKINESS)) kinds[n_kinds++] = RQC_STICKINESS;
  c->kind = n_kinds ? kinds[rq_below(&g->r, (uint64_t)n_kinds)] : RQC_STICKINESS;
  c->unit = random_unit(g);
  while (c->kind == RQC_LIFECYCLE && lifecycle_span(g->ds, c->unit) > 20000) {
    if (c->unit == RQC_MONTH)
      c->kind = RQC_STICKINESS; /* a span of thousands of years */
    else
      c->unit = (rqc_unit)(c->unit + 1);
  }
  if (c->kind == RQC_RETENTION) {
    gen_retention(g);
    gen_keys(g);
  } else {
    c->start = c->ret = rqb_lit(q, rq_bool(true)); /* unused; keeps copies and prints well-formed */
  }
  if (allowed(g, RQC_C_WHERE) && rq_chance(&g->r, 30)) c->where = rqb_where_condition(&g->pk, allowed(g, RQC_C_PROPS));
  gen_tail(g);
  if (allowed(g, RQC_C_INVALID) && rq_chance(&g->r, 7)) make_invalid(g);
}

void rqc_generate(rqc_stmt *c, const rq_dataset *ds, uint64_t seed, unsigned clauses) {
  for (uint64_t attempt = 0;; attempt++) {
    rqc_reset(c);
    gen g = {.c = c, .ds = ds, .clauses = clauses};
    g.pk = (rq_picker){.r = &g.r, .q = c->q, .ds = ds};
    rq_rng_seed(&g.r, seed * 1000003 + attempt);
    generate(&g);
    if (!c->q->overflowed) return;
  }
}
