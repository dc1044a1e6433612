/* rq_paths_gen.c — random PATHS statements for the brute-force checker.
 *
 * The datasets are rq_data.c's (ties of equal timestamps with arrival order
 * deciding, one-event and few-hundred-event objects, sparse EVENT
 * properties, gaps of exactly the session length and 1 µs either side,
 * long jumps). Statements: an anchor condition, WHERE and OF from
 * rq_build.c (OF: properties — sparse ones give NULL far ends —, the
 * action, time buckets, session.number), k mostly small and sometimes up
 * to 64, WITHIN SESSION around the dataset's gap, and HAVING / ORDER BY /
 * LIMIT on the result columns (rq_tail.c); each behind a bit of the clause
 * mask (rq_paths.h). A few are deliberately invalid, with exactly one
 * fault and the error code the contract gives it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random/rq_paths.h"
#include "sky.h"

rqp_stmt *rqp_create(void) {
  rqp_stmt *s = calloc(1, sizeof *s);
  if (!s) abort();
  if (!(s->q = calloc(1, sizeof *s->q))) abort();
  rqp_reset(s);
  return s;
}

void rqp_free(rqp_stmt *s) {
  if (!s) return;
  free(s->q);
  free(s);
}

void rqp_reset(rqp_stmt *s) {
  rq_query *q = s->q;
  memset(s, 0, sizeof *s);
  memset(q, 0, sizeof *q);
  s->q = q;
  q->limit = -1;
  s->tail.limit = -1;
  s->k = 1;
  s->cond = rqb_lit(q, rq_bool(true));
  s->expect = RQ_EXPECT_ROWS;
}

void rqp_copy(rqp_stmt *dst, const rqp_stmt *src) {
  rq_query *q = dst->q;
  rqb_pool_copy(q, src->q);
  *dst = *src;
  dst->q = q;
  dst->cond = rqb_rebase(src->q, q, src->cond);
  dst->of = rqb_rebase(src->q, q, src->of);
  dst->where = rqb_rebase(src->q, q, src->where);
}

typedef struct gen {
  rqp_stmt *s;
  const rq_dataset *ds;
  unsigned clauses;
  rq_rng r;
  rq_picker pk;
} gen;

static bool allowed(const gen *g, unsigned c) { return (g->clauses & c) != 0; }

/* A HAVING literal for result column `col` (count, objects: INT; avg_time: FLOAT µs). */
static rq_val having_lit(void *ctx, int col) {
  gen *g = ctx;
  if (col == 5) return rq_float((double)rq_range(&g->r, 0, 3) * (double)(rq_chance(&g->r, 50) ? RQ_US_PER_MIN : 1));
  return rq_int(rq_range(&g->r, 0, 4));
}

static void session(gen *g) {
  rqp_stmt *s = g->s;
  static const int64_t others[] = {0, RQ_US_PER_SEC, 30 * RQ_US_PER_MIN, RQ_US_PER_DAY};
  s->has_session = true;
  s->session_us = rq_chance(&g->r, 70) ? g->ds->session_us + rq_range(&g->r, -1, 1)
                                       : others[rq_below(&g->r, sizeof others / sizeof *others)];
  if (s->session_us < 0) s->session_us = 0;
  if (s->session_us % RQ_US_PER_MIN == 0 && rq_chance(&g->r, 60))
    snprintf(s->session_text, sizeof s->session_text, "%lldm", (long long)(s->session_us / RQ_US_PER_MIN));
  else
    snprintf(s->session_text, sizeof s->session_text, "%lld", (long long)s->session_us);
}

static void expect(rqp_stmt *s, int code) {
  s->expect = RQ_EXPECT_CODE;
  s->expect_code = code;
  s->tail.having.on = false; /* one fault only */
}

/* One fault in an otherwise valid statement. */
static void make_invalid(gen *g) {
  rqp_stmt *s = g->s;
  static const struct {
    const char *text;
    int code;
  } bad[] = {{"count() > 1", SKY_ERR_SEMANTIC}, {"sum(ei) > 0", SKY_ERR_SEMANTIC}, {"objects() >= 1", SKY_ERR_SEMANTIC},
             {"count() OVER OBJECT > 1", SKY_ERR_SEMANTIC}, {"nope = 1", SKY_ERR_UNKNOWN_PROPERTY},
             {"ei", SKY_ERR_TYPE}, {"action", SKY_ERR_TYPE}};
  switch (rq_below(&g->r, 5)) {
  case 0: { /* k outside 1..64 */
    static const int ks[] = {0, 65, 100, 1000};
    s->k = ks[rq_below(&g->r, 4)];
    expect(s, SKY_ERR_SEMANTIC);
    return;
  }
  case 1: { /* k not an integer literal */
    static const char *const ks[] = {"-1", "2.5", "k", "1 + 1", ""};
    snprintf(s->k_text, sizeof s->k_text, "%s", ks[rq_below(&g->r, 5)]);
    if (!s->k_text[0]) snprintf(s->k_text, sizeof s->k_text, "%s", s->q->lower_keywords ? "of" : "OF");
    expect(s, SKY_ERR_SYNTAX);
    return;
  }
  case 2: { /* a bad anchor condition or WHERE */
    size_t i = rq_below(&g->r, sizeof bad / sizeof *bad);
    if (rq_chance(&g->r, 60))
      s->cond = rqb_raw(s->q, bad[i].text);
    else
      s->where = rqb_raw(s->q, bad[i].text);
    expect(s, bad[i].code);
    return;
  }
  case 3: /* an aggregate as OF */
    s->of = rqb_raw(s->q, rq_chance(&g->r, 50) ? "count()" : "max(ei) OVER OBJECT");
    expect(s, SKY_ERR_SEMANTIC);
    return;
  default: /* PATHS has no GROUP BY */
    snprintf(s->group_raw, sizeof s->group_raw, "%s", s->q->lower_keywords ? "group by action" : "GROUP BY action");
    expect(s, SKY_ERR_SEMANTIC);
    return;
  }
}

static void generate(gen *g) {
  rqp_stmt *s = g->s;
  rq_query *q = s->q;
  if (allowed(g, RQP_C_COSMETIC)) {
    q->lower_keywords = rq_chance(&g->r, 15);
    q->newlines = rq_chance(&g->r, 10);
    s->from = rq_chance(&g->r, 30);
    s->semicolon = rq_chance(&g->r, 10);
  }
  s->before = allowed(g, RQP_C_BEFORE) && rq_chance(&g->r, 40);
  s->cond = rq_chance(&g->r, 8) ? rqb_lit(q, rq_bool(true)) : rqb_condition(&g->pk, allowed(g, RQP_C_PROPS));
  s->k = (int)rq_range(&g->r, 1, 5);
  if (allowed(g, RQP_C_LONG) && rq_chance(&g->r, 15)) s->k = rq_chance(&g->r, 30) ? 64 : (int)rq_range(&g->r, 6, 64);
  if (allowed(g, RQP_C_SESSION) && rq_chance(&g->r, 30)) session(g);
  if (allowed(g, RQP_C_OF) && rq_chance(&g->r, 60)) {
    if (rq_chance(&g->r, 25)) /* a sparse EVENT property: NULL far ends */
      s->of = rqb_prop(q, rq_chance(&g->r, 50) ? RQ_P_E1 : RQ_P_EI, rq_chance(&g->r, 50) ? 2 : 0);
    else
      s->of = rqb_key_expr(&g->pk, rq_chance(&g->r, 20), true, s->has_session);
  }
  if (allowed(g, RQP_C_WHERE) && rq_chance(&g->r, 35)) s->where = rqb_where_condition(&g->pk, allowed(g, RQP_C_PROPS));
  rq_tail_cols cols = {.n_keys = 3, .n_cols = RQP_COLS, .lit = having_lit, .ctx = g};
  rq_tail_generate(&s->tail, &g->r, &cols, allowed(g, RQP_C_HAVING), allowed(g, RQP_C_ORDER), allowed(g, RQP_C_LIMIT));
  if (allowed(g, RQP_C_INVALID) && rq_chance(&g->r, 5)) make_invalid(g);
}

void rqp_generate(rqp_stmt *s, const rq_dataset *ds, uint64_t seed, unsigned clauses) {
  for (uint64_t attempt = 0;; attempt++) {
    rqp_reset(s);
    gen g = {.s = s, .ds = ds, .clauses = clauses};
    g.pk = (rq_picker){.r = &g.r, .q = s->q, .ds = ds};
    rq_rng_seed(&g.r, seed * 1000003 + attempt);
    generate(&g);
    if (!s->q->overflowed) return;
  }
}
