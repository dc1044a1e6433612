/* rq_funnel_gen.c — random funnels over the rq dataset's schema.
 *
 * Steps are rq_build.c's random conditions: mostly on `action` (equality,
 * IN), sometimes on properties (state./event. comparisons, NULL tests,
 * AND/OR with action), so one event often satisfies several steps and, with the dataset's equal
 * timestamps, chains tie everywhere. Windows range from 0 µs to 30 days and
 * are often exactly the gap between two events of one object, or 1 µs off
 * it. Every clause of PATHS.md §1 appears, each behind a bit of the clause
 * mask (rq_funnel.h), so the checker can follow the engine as it grows.
 * A few funnels are deliberately invalid, each with exactly one fault and the
 * error code §0 gives it.
 *
 * Bounds keep the brute-force evaluator exact and cheap: windows <= 30 days
 * (sums of times stay below 2^53), long funnels (7..64 steps) use single
 * action conditions (the node pool holds them), and every literal is drawn
 * from the data or the pools so that conditions actually match.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random/rq_funnel.h"
#include "sky.h"

/* ---- the funnel object ------------------------------------------------------------ */

rqf_funnel *rqf_create(void) {
  rqf_funnel *f = calloc(1, sizeof *f);
  if (!f) abort();
  f->q = calloc(1, sizeof *f->q);
  if (!f->q) abort();
  rqf_reset(f);
  return f;
}

void rqf_free(rqf_funnel *f) {
  if (!f) return;
  free(f->q);
  free(f);
}

void rqf_reset(rqf_funnel *f) {
  rq_query *q = f->q;
  memset(f, 0, sizeof *f);
  memset(q, 0, sizeof *q);
  f->q = q;
  f->tail.limit = -1;
  f->q->limit = -1;
  snprintf(f->within_text, sizeof f->within_text, "0");
  f->expect = RQ_EXPECT_ROWS;
}

void rqf_copy(rqf_funnel *dst, const rqf_funnel *src) {
  rq_query *q = dst->q;
  rqb_pool_copy(q, src->q);
  *dst = *src;
  dst->q = q;
  for (int s = 0; s < RQF_MAX_STEPS; s++) dst->step[s] = rqb_rebase(src->q, q, src->step[s]);
  for (int c = 0; c < RQF_MAX_EXCL; c++) dst->excl[c].cond = rqb_rebase(src->q, q, src->excl[c].cond);
  for (int h = 0; h < RQF_MAX_HOLD; h++) dst->hold[h] = rqb_rebase(src->q, q, src->hold[h]);
  for (int k = 0; k < RQF_MAX_KEYS; k++) dst->keys[k] = rqb_rebase(src->q, q, src->keys[k]);
  dst->where = rqb_rebase(src->q, q, src->where);
}

/* ---- random pieces --------------------------------------------------------------------- */

typedef struct gen {
  rq_rng r;
  rqf_funnel *f;
  const rq_dataset *ds;
  unsigned clauses;
  rq_picker pk; /* conditions and keys (rq_build.c) over r, f->q and ds */
} gen;

static bool allowed(const gen *g, unsigned bits) { return (g->clauses & bits) == bits; }

#define MAX_WINDOW (30 * RQ_US_PER_DAY)

/* A gap between two events of one object, or -1. */
static int64_t data_gap(gen *g) {
  const rq_event *e = rqb_some_event(&g->pk);
  if (!e) return -1;
  for (int tries = 0; tries < 20; tries++) {
    const rq_event *o = rqb_some_event(&g->pk);
    if (o->obj != e->obj) continue;
    int64_t d = o->ts > e->ts ? o->ts - e->ts : e->ts - o->ts;
    if (d <= MAX_WINDOW) return d;
  }
  return -1;
}

static int64_t window(gen *g) {
  static const int64_t fixed[] = {0, 1, RQ_US_PER_SEC, 90 * RQ_US_PER_SEC, 30 * RQ_US_PER_MIN, RQ_US_PER_HOUR,
                                  RQ_US_PER_HOUR, RQ_US_PER_DAY, RQ_US_PER_DAY, 7 * RQ_US_PER_DAY,
                                  7 * RQ_US_PER_DAY, 30 * RQ_US_PER_DAY, 30 * RQ_US_PER_DAY};
  unsigned r = (unsigned)rq_below(&g->r, 100);
  if (r < 30) {
    int64_t d = data_gap(g);
    if (d >= 0) {
      d += rq_chance(&g->r, 60) ? 0 : rq_chance(&g->r, 50) ? 1 : -1;
      return d < 0 ? 0 : d > MAX_WINDOW ? MAX_WINDOW : d;
    }
  }
  if (r < 40) {
    int64_t d = g->ds->session_us + rq_range(&g->r, -1, 1);
    return d < 0 ? 0 : d;
  }
  return fixed[rq_below(&g->r, sizeof fixed / sizeof *fixed)];
}

static void duration_field(char *out, size_t cap, int64_t us, gen *g) {
  if (us == 0 && rq_chance(&g->r, 50))
    snprintf(out, cap, "0s");
  else if (rq_chance(&g->r, 15))
    snprintf(out, cap, "%lld", (long long)us);
  else
    rqf_duration_text(out, cap, us);
}

static void gen_keys(gen *g) {
  rqf_funnel *f = g->f;
  bool plain = allowed(g, RQF_C_GROUP), time = allowed(g, RQF_C_GROUP_TIME);
  if (!(plain || time) || !rq_chance(&g->r, 35)) return;
  int want = rq_chance(&g->r, 70) ? 1 : 2;
  for (int tries = 0; f->n_keys < want && tries < 10; tries++) {
    rq_node *k = rqb_key_expr(&g->pk, time, plain, f->has_session);
    bool dup = false;
    for (int j = 0; j < f->n_keys; j++) dup = dup || rqb_same_text(f->q, k, f->keys[j]);
    for (int j = 0; j < f->n_hold; j++) dup = dup || rqb_same_text(f->q, k, f->hold[j]);
    if (!dup) f->keys[f->n_keys++] = k;
  }
}

static void gen_holding(gen *g) {
  rqf_funnel *f = g->f;
  if (!allowed(g, RQF_C_HOLDING) || f->order == RQF_ANY || !rq_chance(&g->r, 18)) return;
  int want = rq_chance(&g->r, 75) ? 1 : 2;
  for (int tries = 0; f->n_hold < want && tries < 10; tries++) {
    rq_node *h = rqb_key_expr(&g->pk, rq_chance(&g->r, 15), true, f->has_session);
    bool dup = false;
    for (int j = 0; j < f->n_hold; j++) dup = dup || rqb_same_text(f->q, h, f->hold[j]);
    if (!dup) f->hold[f->n_hold++] = h;
  }
}

static void gen_excludes(gen *g) {
  rqf_funnel *f = g->f;
  int k = f->n_steps;
  if (!allowed(g, RQF_C_EXCLUDE) || f->order == RQF_ANY || k < 2 || !rq_chance(&g->r, 30)) return;
  f->n_excl = rq_chance(&g->r, 70) ? 1 : (int)rq_range(&g->r, 2, 3);
  for (int c = 0; c < f->n_excl; c++) {
    rqf_exclude *x = &f->excl[c];
    x->cond = rqb_condition(&g->pk, allowed(g, RQF_C_PROPS));
    x->i = 1;
    x->j = k;
    if (allowed(g, RQF_C_EXCLUDE_RANGE) && rq_chance(&g->r, 60)) {
      x->between = true;
      x->i = (int)rq_range(&g->r, 1, k - 1);
      x->j = (int)rq_range(&g->r, x->i + 1, k);
    }
  }
}

static void gen_return(gen *g) {
  rqf_funnel *f = g->f;
  int k = f->n_steps;
  unsigned r = (unsigned)rq_below(&g->r, 100);
  f->ret = RQF_STEPS;
  f->ret_spelled = allowed(g, RQF_C_COSMETIC) && rq_chance(&g->r, 30);
  if (f->order == RQF_ANY) return;
  if (r < 25 && allowed(g, RQF_C_OBJECTS)) {
    f->ret = RQF_OBJECTS;
    if (allowed(g, RQF_C_OBJECTS_FILTER) && rq_chance(&g->r, 60)) {
      f->filter = rq_chance(&g->r, 50) ? RQF_REACHED : RQF_DROPPED;
      f->filter_step = (int)rq_range(&g->r, 1, k);
    }
  } else if (r < 42 && allowed(g, RQF_C_TIMES) && k >= 2) {
    f->ret = RQF_TIMES;
    f->times_i = 1;
    f->times_j = k;
    if (rq_chance(&g->r, 40)) {
      f->times_range = true;
      f->times_i = (int)rq_range(&g->r, 1, k - 1);
      f->times_j = (int)rq_range(&g->r, f->times_i + 1, k);
    }
    static const int64_t buckets[] = {1, 1000, RQ_US_PER_SEC, RQ_US_PER_MIN, 30 * RQ_US_PER_MIN, RQ_US_PER_HOUR,
                                      RQ_US_PER_DAY, 7};
    f->bucket_us = rq_chance(&g->r, 20) && f->within_us > 3 ? f->within_us / 3 : buckets[rq_below(&g->r, 8)];
    duration_field(f->bucket_text, sizeof f->bucket_text, f->bucket_us, g);
  }
}

/* ---- HAVING, ORDER BY, LIMIT ------------------------------------------------------------ */

static rq_type column_type(const rqf_funnel *f, int col) {
  int c = col - (f->n_hold + f->n_keys);
  switch (f->ret) {
  case RQF_STEPS: {
    static const rq_type t[] = {RQ_INT, RQ_STR, RQ_INT, RQ_FLOAT, RQ_FLOAT, RQ_INT, RQ_FLOAT, RQ_INT};
    return t[c];
  }
  case RQF_OBJECTS: return c == 0 ? RQ_OBJ : RQ_INT;
  default: return RQ_INT;
  }
}

static int n_columns(const rqf_funnel *f) {
  return f->n_hold + f->n_keys + (f->ret == RQF_STEPS ? 8 : f->ret == RQF_OBJECTS ? 4 : 2);
}

static rq_val having_lit(void *ctx, int col) {
  gen *g = ctx;
  const rqf_funnel *f = g->f;
  int c = col - (f->n_hold + f->n_keys);
  switch (column_type(f, col)) {
  case RQ_FLOAT: {
    static const double v[] = {0.0, 0.25, 0.5, 1.0, 0.75};
    return rq_float(v[rq_below(&g->r, 5)]);
  }
  case RQ_OBJ: {
    const rq_event *e = rqb_some_event(&g->pk);
    return rq_obj(e ? e->obj : 1);
  }
  default: break;
  }
  if (f->ret == RQF_OBJECTS && c >= 2) { /* started, converted */
    const rq_event *e = rqb_some_event(&g->pk);
    return rq_int(e ? e->ts : 0);
  }
  if ((f->ret == RQF_STEPS && (c == 5 || c == 7)) || (f->ret == RQF_TIMES && c == 0))
    return rq_int(rq_chance(&g->r, 30) ? 0 : f->within_us / (int64_t)rq_range(&g->r, 1, 4));
  return rq_int(rq_range(&g->r, 0, 4)); /* step, objects, level */
}

/* The `name` column (STRING) takes part in neither: see rqf_answer. */
static void gen_tail(gen *g) {
  rqf_funnel *f = g->f;
  rq_tail_cols c = {.n_keys = f->n_hold + f->n_keys, .n_cols = n_columns(f), .lit = having_lit, .ctx = g};
  for (int col = c.n_keys; col < c.n_cols; col++) c.no_having[col] = c.no_sort[col] = column_type(f, col) == RQ_STR;
  rq_tail_generate(&f->tail, &g->r, &c, allowed(g, RQF_C_HAVING), allowed(g, RQF_C_ORDER), allowed(g, RQF_C_LIMIT));
}

/* ---- invalid funnels ---------------------------------------------------------------------- */

static void expect(rqf_funnel *f, int code) {
  f->expect = code < 0 ? RQ_EXPECT_ERROR : RQ_EXPECT_CODE;
  f->expect_code = code;
}

/* One fault in an otherwise valid funnel; false when the mask allows none
 * of the kind drawn. */
static bool make_invalid(gen *g) {
  rqf_funnel *f = g->f;
  int k = f->n_steps;
  switch (rq_below(&g->r, 12)) {
  case 0: /* 65 steps */
    if (!allowed(g, RQF_C_LONG) || f->n_excl || f->ret == RQF_TIMES || f->filter) return false;
    while (f->n_steps < 65) {
      f->step[f->n_steps] = rqb_action_is(f->q, rqb_action_val(&g->pk).s);
      f->alias[f->n_steps][0] = '\0';
      f->n_steps++;
    }
    expect(f, SKY_ERR_SEMANTIC);
    return true;
  case 1: case 2: case 3: /* ANY ORDER with EXCLUDE, HOLDING, RETURN OBJECTS or TIMES */
    if (!allowed(g, RQF_C_ANY_ORDER) || f->order != RQF_ORDERED || k < 2) return false;
    if (!f->n_excl && !f->n_hold && f->ret == RQF_STEPS) {
      if (allowed(g, RQF_C_EXCLUDE) && rq_chance(&g->r, 40)) {
        f->n_excl = 1;
        f->excl[0].cond = rqb_condition(&g->pk, false);
        f->excl[0].i = 1;
        f->excl[0].j = k;
      } else if (allowed(g, RQF_C_HOLDING) && rq_chance(&g->r, 40)) {
        f->n_hold = 1;
        f->hold[0] = rqb_prop(f->q, RQ_P_S1, 0);
      } else if (allowed(g, RQF_C_OBJECTS)) {
        f->ret = RQF_OBJECTS;
      } else {
        return false;
      }
    }
    f->order = RQF_ANY;
    f->tail.having.on = false, f->tail.n_sort = 0;
    expect(f, SKY_ERR_SEMANTIC);
    return true;
  case 4: case 5: { /* EXCLUDE ... BETWEEN STEP i AND j out of range or i >= j */
    if (!allowed(g, RQF_C_EXCLUDE | RQF_C_EXCLUDE_RANGE) || f->order == RQF_ANY) return false;
    if (!f->n_excl) f->n_excl = 1, f->excl[0].cond = rqb_condition(&g->pk, false);
    rqf_exclude *x = &f->excl[rq_below(&g->r, (uint64_t)f->n_excl)];
    x->between = true;
    switch (rq_below(&g->r, 4)) {
    case 0: x->i = 0, x->j = k; break;
    case 1: x->i = 1, x->j = k + 1; break;
    case 2: x->i = x->j = (int)rq_range(&g->r, 1, k); break;
    default: x->i = k, x->j = 1; break;
    }
    expect(f, SKY_ERR_SEMANTIC);
    return true;
  }
  case 6: /* RETURN TIMES FROM STEP i TO STEP j out of range or i >= j */
    if (!allowed(g, RQF_C_TIMES) || f->order == RQF_ANY) return false;
    f->ret = RQF_TIMES;
    f->filter = RQF_ALL;
    f->times_range = true;
    f->times_i = rq_chance(&g->r, 50) ? (int)rq_range(&g->r, 1, k) : 0;
    f->times_j = f->times_i ? (rq_chance(&g->r, 50) ? f->times_i : k + 1) : k;
    f->bucket_us = RQ_US_PER_SEC;
    snprintf(f->bucket_text, sizeof f->bucket_text, "1s");
    f->tail.having.on = false, f->tail.n_sort = 0;
    expect(f, SKY_ERR_SEMANTIC);
    return true;
  case 7: /* REACHED / DROPPED AFTER outside 1..k */
    if (!allowed(g, RQF_C_OBJECTS | RQF_C_OBJECTS_FILTER) || f->order == RQF_ANY) return false;
    f->ret = RQF_OBJECTS;
    f->filter = rq_chance(&g->r, 50) ? RQF_REACHED : RQF_DROPPED;
    f->filter_step = rq_chance(&g->r, 50) ? 0 : k + 1;
    f->tail.having.on = false, f->tail.n_sort = 0;
    expect(f, SKY_ERR_SEMANTIC);
    return true;
  case 8: /* no WITHIN */
    f->raw_at = 1;
    expect(f, SKY_ERR_SYNTAX);
    return true;
  case 9: /* both orders */
    if (!allowed(g, RQF_C_STRICT | RQF_C_ANY_ORDER)) return false;
    f->order = RQF_STRICT;
    f->n_excl = f->n_hold = 0;
    f->raw_at = 2;
    snprintf(f->raw, sizeof f->raw, "%s", f->q->lower_keywords ? "any order" : "ANY ORDER");
    expect(f, SKY_ERR_SYNTAX);
    return true;
  case 10: { /* a step that is no condition, an aggregate, or broken text */
    static const struct { const char *text; int code; } bad[] = {
        {"action =", SKY_ERR_SYNTAX}, {"count() > 1", -1}, {"ei", -1}, {"s1 + 1", -1}, {"", SKY_ERR_SYNTAX},
        {"nope = 1", SKY_ERR_UNKNOWN_PROPERTY}};
    size_t i = rq_below(&g->r, sizeof bad / sizeof *bad);
    f->raw_at = 3;
    f->alias[0][0] = '\0';
    snprintf(f->raw, sizeof f->raw, "%s", bad[i].text);
    expect(f, bad[i].code);
    return true;
  }
  default: /* RETURN TIMES without BUCKET */
    if (!allowed(g, RQF_C_TIMES)) return false;
    f->ret = RQF_STEPS;
    f->ret_spelled = false;
    f->tail.having.on = false, f->tail.n_sort = 0, f->tail.limit = -1;
    f->raw_at = 4;
    snprintf(f->raw, sizeof f->raw, "%s", f->q->lower_keywords ? "return times" : "RETURN TIMES");
    expect(f, SKY_ERR_SYNTAX);
    return true;
  }
}

/* ---- the funnel ---------------------------------------------------------------------------- */

static void gen_steps(gen *g) {
  rqf_funnel *f = g->f;
  int k = (int)rq_range(&g->r, 1, 6);
  if (rq_chance(&g->r, 25)) k = (int)rq_range(&g->r, 1, 3);
  bool long_one = allowed(g, RQF_C_LONG) && rq_chance(&g->r, 7);
  if (long_one) k = rq_chance(&g->r, 25) ? 64 : (int)rq_range(&g->r, 7, 64);
  f->n_steps = k;
  bool props = allowed(g, RQF_C_PROPS) && !long_one;
  bool aliases = allowed(g, RQF_C_ALIAS) && rq_chance(&g->r, 15);
  rq_node *prev = NULL;
  for (int s = 0; s < k; s++) {
    /* Repeating the previous step now and then: one event matching two steps. */
    rq_node *c = prev && rq_chance(&g->r, 12) ? prev
                 : long_one ? rqb_action_is(f->q, rqb_action_val(&g->pk).s)
                            : rqb_condition(&g->pk, props);
    f->step[s] = c;
    prev = c;
    if (aliases && rq_chance(&g->r, 60)) snprintf(f->alias[s], sizeof f->alias[s], "st%d", s + 1);
  }
}

static void generate(gen *g) {
  rqf_funnel *f = g->f;
  rq_query *q = f->q;
  if (allowed(g, RQF_C_COSMETIC)) {
    q->lower_keywords = rq_chance(&g->r, 15);
    q->newlines = rq_chance(&g->r, 10);
    f->from = rq_chance(&g->r, 30);
    f->semicolon = rq_chance(&g->r, 10);
  }
  gen_steps(g);
  f->within_us = window(g);
  duration_field(f->within_text, sizeof f->within_text, f->within_us, g);
  unsigned r = (unsigned)rq_below(&g->r, 100);
  if (r < 15 && allowed(g, RQF_C_STRICT)) f->order = RQF_STRICT;
  if (r >= 85 && allowed(g, RQF_C_ANY_ORDER)) f->order = RQF_ANY;
  gen_excludes(g);
  if (allowed(g, RQF_C_SESSION) && rq_chance(&g->r, 25)) {
    f->has_session = true;
    static const int64_t others[] = {0, RQ_US_PER_SEC, 30 * RQ_US_PER_MIN, RQ_US_PER_DAY};
    f->session_us = rq_chance(&g->r, 70) ? g->ds->session_us + rq_range(&g->r, -1, 1)
                                         : others[rq_below(&g->r, sizeof others / sizeof *others)];
    if (f->session_us < 0) f->session_us = 0;
    duration_field(f->session_text, sizeof f->session_text, f->session_us, g);
  }
  gen_holding(g);
  if (allowed(g, RQF_C_WHERE) && rq_chance(&g->r, 25)) f->where = rqb_where_condition(&g->pk, allowed(g, RQF_C_PROPS));
  gen_keys(g);
  gen_return(g);
  gen_tail(g);
  if (allowed(g, RQF_C_INVALID) && rq_chance(&g->r, 5)) make_invalid(g);
}

void rqf_generate(rqf_funnel *f, const rq_dataset *ds, uint64_t seed, unsigned clauses) {
  for (uint64_t attempt = 0;; attempt++) {
    rqf_reset(f);
    gen g = {.f = f, .ds = ds, .clauses = clauses};
    g.pk = (rq_picker){.r = &g.r, .q = f->q, .ds = ds};
    rq_rng_seed(&g.r, seed * 1000003 + attempt);
    generate(&g);
    if (!f->q->overflowed) return;
  }
}
