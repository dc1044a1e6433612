/* test_jit_scan.c — scans of hand-built plans over hand-built chunks, with
 * expectations computed by hand, and every table also compared word for
 * word with the reference interpreter's (sky_interp_scan): loop shapes,
 * NULL rules, overflow (first in path order, short-circuits), sessions at
 * the gap edge, equal timestamps, state registers of every type, growth to
 * many groups, every aggregate, time buckets against timeutil, the stop
 * check and the memory budget.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "codegen/jit.h"
#include "codegen/jit_internal.h"
#include "codegen/select.h"
#include "common/clock.h"
#include "common/timeutil.h"
#include "jit_fixture.h"

static sky_jit *g_jit;

enum { P_INT, P_FLOAT, P_BOOL, P_STR, N_PROPS };
static const sky_prop_type TYPES[N_PROPS] = {SKY_PTYPE_INT, SKY_PTYPE_FLOAT, SKY_PTYPE_BOOL, SKY_PTYPE_STRING};
#define STR_DICT sky_prop_dict(P_STR)

/* ---- helpers --------------------------------------------------------------------- */

typedef struct outcome {
  int rc;
  uint32_t err_expr;
  sky_groups g; /* the JIT's table (free with sky_groups_free) */
} outcome;

/* Runs the plan on the chunk with both engines from empty tables (or from
 * `n_pre` earlier chunks), checks they agree, returns the JIT's outcome. */
static outcome scan_chunks(jf_plan *f, jf_chunk *chunks, int n, uint64_t *rc, size_t memory_limit) {
  sky_error err;
  sky_jit_query *q = sky_jit_get(g_jit, f->plan, NULL, &err);
  if (!q) fail_msg("compile: %s", err.message);
  sky_runtime rt;
  jf_runtime(&rt, f->plan, rc, memory_limit);
  outcome o = {0};
  sky_groups ref;
  sky_runtime rt2;
  jf_runtime(&rt2, f->plan, rc, memory_limit);
  assert_int_equal(sky_groups_init(&o.g, f->plan, &rt.budget), 0);
  assert_int_equal(sky_groups_init(&ref, f->plan, &rt2.budget), 0);
  for (int c = 0; c < n; c++) {
    uint32_t e1 = 0, e2 = 0;
    o.rc = sky_jit_query_fn(q)(&rt, &chunks[c].c, &o.g, &e1);
    int rc2 = sky_interp_scan(&rt2, &chunks[c].c, &ref, &e2);
    assert_int_equal(o.rc, rc2);
    if (o.rc == SKY_SCAN_OVERFLOW) assert_int_equal(e1, e2);
    o.err_expr = e1;
    if (o.rc != SKY_SCAN_OK) break;
    const char *d = jf_groups_diff(&o.g, &ref);
    if (d) fail_msg("JIT and interpreter differ: %s", d);
  }
  sky_groups_free(&ref);
  sky_jit_query_release(q);
  return o;
}

static outcome scan(jf_plan *f, jf_chunk *ch, uint64_t *rc) { return scan_chunks(f, ch, 1, rc, 0); }

/* The slot of a group, or NULL (linear search, no insertion). */
static const uint64_t *group(const sky_groups *g, const uint64_t *keys, uint64_t mask) {
  for (uint64_t s = 0; s < g->capacity; s++) {
    const uint64_t *slot = g->slots + s * g->words;
    if (!slot[0] || slot[g->n_keys + 1] != mask) continue;
    bool same = true;
    for (uint32_t j = 0; j < g->n_keys; j++) same &= slot[1 + j] == keys[j];
    if (same) return slot;
  }
  return NULL;
}

static const uint64_t *group1(const sky_groups *g, uint64_t key) { return group(g, &key, 0); }

static uint64_t agg_word(const jf_plan *f, const uint64_t *slot, uint32_t agg, uint32_t k) {
  assert_non_null(slot);
  return slot[f->plan->aggs[agg].word + k];
}

static double as_double(uint64_t w) {
  double d;
  memcpy(&d, &w, 8);
  return d;
}

static uint64_t bits(double d) {
  uint64_t w;
  memcpy(&w, &d, 8);
  return w;
}

static sky_expr *col(jf_plan *f, sky_op op, uint32_t p) {
  static const sky_vtype vt[N_PROPS] = {SKY_VT_INT, SKY_VT_FLOAT, SKY_VT_BOOL, SKY_VT_STRING};
  return jf_leaf(f, op, vt[p], p == P_STR ? STR_DICT : SKY_DOM_NONE, p);
}
#define EV(f, p) col(f, SKY_OP_PROP_EVENT, p)
#define ST(f, p) col(f, SKY_OP_PROP_STATE, p)
#define OP2(f, op, t, a, b) jf_op(f, SKY_OP_##op, SKY_VT_##t, SKY_DOM_NONE, 2, a, b)
#define OP1(f, op, t, a) jf_op(f, SKY_OP_##op, SKY_VT_##t, SKY_DOM_NONE, 1, a)

static sky_expr *ts(jf_plan *f) { return jf_leaf(f, SKY_OP_TIMESTAMP, SKY_VT_INT, SKY_DOM_NONE, 0); }
static sky_expr *action(jf_plan *f) { return jf_leaf(f, SKY_OP_ACTION, SKY_VT_STRING, SKY_DICT_ACTION, 0); }

/* ---- loop shapes and the flat count ----------------------------------------------- */

static void test_flat_count(void **state) {
  (void)state;
  jf_plan f;
  jf_plan_init(&f, N_PROPS);
  uint32_t rc_code = jf_rc(&f, SKY_RC_CODE, SKY_DICT_ACTION);
  jf_filter(&f, OP2(&f, EQ, BOOL, action(&f), jf_leaf(&f, SKY_OP_RCONST, SKY_VT_STRING, SKY_DICT_ACTION, rc_code)));
  jf_agg(&f, SKY_AGG_COUNT_ALL, NULL, -1);
  jf_plan_finish(&f);
  jf_chunk ch;
  jf_chunk_init(&ch, N_PROPS, TYPES);
  uint64_t expect = 0;
  for (int i = 0; i < 200000; i++) { /* several 64K stop-check blocks */
    uint32_t a = (uint32_t)(i * 7 % 5);
    jf_chunk_event(&ch, 1 + (uint64_t)i / 10, i, a);
    expect += a == 3;
  }
  uint64_t rc[1] = {3};
  outcome o = scan(&f, &ch, rc);
  assert_int_equal(o.rc, SKY_SCAN_OK);
  assert_int_equal(o.g.count, 1);
  assert_int_equal(agg_word(&f, group(&o.g, NULL, 0), 0, 0), expect);
  sky_groups_free(&o.g);
  /* A code absent from the dictionary matches nothing: no group at all. */
  rc[0] = SKY_CODE_MISSING;
  o = scan(&f, &ch, rc);
  assert_int_equal(o.g.count, 0);
  sky_groups_free(&o.g);
  /* An empty chunk changes nothing. */
  jf_chunk empty;
  jf_chunk_init(&empty, N_PROPS, TYPES);
  rc[0] = 3;
  o = scan(&f, &empty, rc);
  assert_int_equal(o.rc, SKY_SCAN_OK);
  assert_int_equal(o.g.count, 0);
  sky_groups_free(&o.g);
  jf_chunk_free(&empty);
  jf_chunk_free(&ch);
  jf_plan_free(&f);
}

/* Register mode continues a table that already holds the no-key group:
 * FLOAT sums go on in path order across chunks. */
static void test_existing_table(void **state) {
  (void)state;
  jf_plan f;
  jf_plan_init(&f, N_PROPS);
  jf_agg(&f, SKY_AGG_SUM, EV(&f, P_FLOAT), -1);
  jf_agg(&f, SKY_AGG_COUNT_ALL, NULL, -1);
  jf_agg(&f, SKY_AGG_MIN, EV(&f, P_FLOAT), -1);
  jf_plan_finish(&f);
  jf_chunk ch[2];
  const double v[2][3] = {{1e16, 1.0, -0.0}, {1.0, -1e16, 3.5}};
  for (int c = 0; c < 2; c++) {
    jf_chunk_init(&ch[c], N_PROPS, TYPES);
    for (int i = 0; i < 3; i++) {
      jf_chunk_event(&ch[c], 1 + (uint64_t)c, i, 1);
      jf_chunk_set_float(&ch[c], P_FLOAT, v[c][i]);
    }
  }
  outcome o = scan_chunks(&f, ch, 2, NULL, 0);
  assert_int_equal(o.rc, SKY_SCAN_OK);
  const uint64_t *s = group(&o.g, NULL, 0);
  double sum = 0;
  for (int c = 0; c < 2; c++)
    for (int i = 0; i < 3; i++) sum += v[c][i];
  assert_true(as_double(agg_word(&f, s, 0, 0)) == sum); /* path order: 1e16+1+1 == 1e16, then -1e16 */
  assert_int_equal(agg_word(&f, s, 0, 1), 6);
  assert_int_equal(agg_word(&f, s, 1, 0), 6);
  assert_true(as_double(agg_word(&f, s, 2, 0)) == -1e16);
  sky_groups_free(&o.g);
  for (int c = 0; c < 2; c++) jf_chunk_free(&ch[c]);
  jf_plan_free(&f);
}

/* ---- NULL rules -------------------------------------------------------------------- */

/* GROUP BY a AND b, a OR b, NOT a over every pair of TRUE/FALSE/NULL. */
static void test_three_valued_logic(void **state) {
  (void)state;
  static const sky_op ops[] = {SKY_OP_AND, SKY_OP_OR, SKY_OP_NOT};
  for (int k = 0; k < 3; k++) {
    jf_plan f;
    jf_plan_init(&f, 8);
    sky_expr *a = jf_leaf(&f, SKY_OP_PROP_EVENT, SKY_VT_BOOL, SKY_DOM_NONE, 2);
    sky_expr *b = jf_leaf(&f, SKY_OP_PROP_EVENT, SKY_VT_BOOL, SKY_DOM_NONE, 6);
    jf_key(&f, ops[k] == SKY_OP_NOT ? OP1(&f, NOT, BOOL, a) : jf_op(&f, ops[k], SKY_VT_BOOL, SKY_DOM_NONE, 2, a, b));
    jf_agg(&f, SKY_AGG_COUNT_ALL, NULL, -1);
    jf_plan_finish(&f);
    sky_prop_type types[8] = {0, 0, SKY_PTYPE_BOOL, 0, 0, 0, SKY_PTYPE_BOOL, 0};
    jf_chunk ch;
    jf_chunk_init(&ch, 8, types);
    uint64_t n_true = 0, n_false = 0, n_null = 0;
    for (int x = 0; x < 3; x++) { /* 0 FALSE, 1 TRUE, 2 NULL */
      for (int y = 0; y < 3; y++) {
        jf_chunk_event(&ch, 1, x * 3 + y, 1);
        if (x < 2) jf_chunk_set(&ch, 2, (uint64_t)x);
        if (y < 2) jf_chunk_set(&ch, 6, (uint64_t)y);
        int r; /* 0, 1, 2 = NULL */
        if (ops[k] == SKY_OP_NOT)
          r = x == 2 ? 2 : !x;
        else if (ops[k] == SKY_OP_AND)
          r = (x == 0 || y == 0) ? 0 : (x == 2 || y == 2) ? 2 : 1;
        else
          r = (x == 1 || y == 1) ? 1 : (x == 2 || y == 2) ? 2 : 0;
        *(r == 0 ? &n_false : r == 1 ? &n_true : &n_null) += 1;
      }
    }
    outcome o = scan(&f, &ch, NULL);
    assert_int_equal(o.rc, SKY_SCAN_OK);
    uint64_t zero = 0;
    assert_int_equal(agg_word(&f, group1(&o.g, 1), 0, 0), n_true);
    assert_int_equal(agg_word(&f, group1(&o.g, 0), 0, 0), n_false);
    assert_int_equal(agg_word(&f, group(&o.g, &zero, 1), 0, 0), n_null);
    sky_groups_free(&o.g);
    jf_chunk_free(&ch);
    jf_plan_free(&f);
  }
}

/* Comparisons and arithmetic with NULL are NULL; IS NULL and IN follow
 * SQL; x / 0 and x % 0 are NULL; INT64_MIN % -1 is 0. */
static void test_null_and_division(void **state) {
  (void)state;
  jf_plan f;
  jf_plan_init(&f, N_PROPS);
  sky_expr *x = EV(&f, P_INT);
  jf_key(&f, OP2(&f, MOD, INT, x, ST(&f, P_INT)));                     /* key 0 */
  jf_key(&f, OP2(&f, DIV, FLOAT, EV(&f, P_FLOAT), jf_float(&f, 0.0))); /* key 1 */
  jf_key(&f, jf_op(&f, SKY_OP_IN, SKY_VT_BOOL, SKY_DOM_NONE, 3, EV(&f, P_INT), jf_int(&f, 5), jf_null(&f, SKY_VT_INT)));
  jf_agg(&f, SKY_AGG_COUNT_ALL, NULL, -1);
  jf_plan_finish(&f);
  jf_chunk ch;
  jf_chunk_init(&ch, N_PROPS, TYPES);
  jf_chunk_event(&ch, 1, 0, 1); /* x NULL, state NULL */
  jf_chunk_event(&ch, 1, 1, 1);
  jf_chunk_set(&ch, P_INT, (uint64_t)INT64_MIN); /* state = x = INT64_MIN: INT64_MIN % INT64_MIN = 0 */
  jf_chunk_set_float(&ch, P_FLOAT, 2.0);
  jf_chunk_event(&ch, 2, 2, 1);
  jf_chunk_set(&ch, P_INT, 5); /* 5 % 5 = 0; 5 IN (5, NULL) TRUE */
  jf_chunk_event(&ch, 3, 3, 1);
  jf_chunk_set(&ch, P_INT, 0); /* 0 % 0 = NULL; 0 IN (5, NULL) NULL */
  outcome o = scan(&f, &ch, NULL);
  assert_int_equal(o.rc, SKY_SCAN_OK);
  uint64_t k_null[3] = {0, 0, 0};
  assert_non_null(group(&o.g, k_null, 7)); /* event 0: all NULL */
  uint64_t k1[3] = {0, 0, 0};
  assert_non_null(group(&o.g, k1, 2 | 4)); /* event 1: 0, NULL (x/0), NULL (not in, NULL item) */
  uint64_t k2[3] = {0, 0, 1};
  assert_non_null(group(&o.g, k2, 2));             /* event 2 */
  assert_non_null(group(&o.g, k_null, 1 | 2 | 4)); /* event 3 */
  sky_groups_free(&o.g);
  jf_chunk_free(&ch);
  jf_plan_free(&f);
}

/* ---- overflow ---------------------------------------------------------------------- */

static outcome overflow_case(sky_expr *(*build)(jf_plan *), jf_chunk *ch, jf_plan *f, uint32_t *id_out) {
  jf_plan_init(f, N_PROPS);
  sky_expr *e = build(f);
  jf_agg(f, SKY_AGG_COUNT_ALL, NULL, -1);
  jf_plan_finish(f);
  *id_out = e ? e->id : UINT32_MAX;
  return scan(f, ch, NULL);
}

static sky_expr *g_ovf; /* the expression expected to overflow */

static sky_expr *filter_false_and(jf_plan *f) { /* FALSE AND (x * x): never evaluated */
  g_ovf = OP2(f, MUL, INT, EV(f, P_INT), EV(f, P_INT));
  jf_filter(f, OP2(f, AND, BOOL, jf_bool(f, false), OP2(f, GT, BOOL, g_ovf, jf_int(f, 0))));
  return NULL;
}

static sky_expr *filter_null_and(jf_plan *f) { /* NULL AND (x * x): evaluated */
  g_ovf = OP2(f, MUL, INT, EV(f, P_INT), EV(f, P_INT));
  jf_filter(f, OP2(f, AND, BOOL, jf_null(f, SKY_VT_BOOL), OP2(f, GT, BOOL, g_ovf, jf_int(f, 0))));
  return g_ovf;
}

static sky_expr *filter_true_or(jf_plan *f) {
  g_ovf = OP2(f, ADD, INT, EV(f, P_INT), EV(f, P_INT));
  jf_filter(f, OP2(f, OR, BOOL, jf_bool(f, true), OP2(f, GT, BOOL, g_ovf, jf_int(f, 0))));
  return NULL;
}

static sky_expr *in_after_match(jf_plan *f) { /* 1 IN (1, -x): stops before -x */
  g_ovf = OP1(f, NEG, INT, EV(f, P_INT));
  jf_filter(f, jf_op(f, SKY_OP_IN, SKY_VT_BOOL, SKY_DOM_NONE, 3, jf_int(f, 1), jf_int(f, 1), g_ovf));
  return NULL;
}

static sky_expr *in_before_match(jf_plan *f) { /* 1 IN (-x, 1) */
  g_ovf = OP1(f, NEG, INT, EV(f, P_INT));
  jf_filter(f, jf_op(f, SKY_OP_IN, SKY_VT_BOOL, SKY_DOM_NONE, 3, jf_int(f, 1), g_ovf, jf_int(f, 1)));
  return g_ovf;
}

static sky_expr *null_plus_overflow(jf_plan *f) { /* NULL + (x - 1): still evaluated */
  g_ovf = OP2(f, SUB, INT, EV(f, P_INT), jf_int(f, 1));
  jf_key(f, OP2(f, ADD, INT, jf_null(f, SKY_VT_INT), g_ovf));
  return g_ovf;
}

static void test_overflow_rules(void **state) {
  (void)state;
  jf_chunk ch;
  jf_chunk_init(&ch, N_PROPS, TYPES);
  jf_chunk_event(&ch, 1, 0, 1);
  jf_chunk_set(&ch, P_INT, (uint64_t)INT64_MIN); /* x*x, x+x, -x, x-1 all overflow */
  sky_expr *(*cases[])(jf_plan *) = {filter_false_and, filter_null_and, filter_true_or,
                                     in_after_match,   in_before_match, null_plus_overflow};
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    jf_plan f;
    uint32_t id;
    outcome o = overflow_case(cases[k], &ch, &f, &id);
    if (id == UINT32_MAX) {
      assert_int_equal(o.rc, SKY_SCAN_OK);
    } else {
      assert_int_equal(o.rc, SKY_SCAN_OVERFLOW);
      assert_int_equal(o.err_expr, id);
    }
    sky_groups_free(&o.g);
    jf_plan_free(&f);
  }
  jf_chunk_free(&ch);
}

/* The first overflow in path order wins, and within an event the keys come
 * before the arguments: x * 2 overflows for x = 2^62, x - (2^62 + 10) for
 * x = -2^62 + 5 (where x * 2 still fits). */
static void test_overflow_path_order(void **state) {
  (void)state;
  const int64_t big = INT64_C(1) << 62, low = -(INT64_C(1) << 62) + 5;
  for (int order = 0; order < 2; order++) {
    jf_plan f;
    jf_plan_init(&f, N_PROPS);
    sky_expr *key = OP2(&f, MUL, INT, EV(&f, P_INT), jf_int(&f, 2));
    sky_expr *arg = OP2(&f, SUB, INT, EV(&f, P_INT), jf_int(&f, big + 10));
    jf_key(&f, key);
    jf_agg(&f, SKY_AGG_SUM, arg, -1);
    jf_plan_finish(&f);
    jf_chunk ch;
    jf_chunk_init(&ch, N_PROPS, TYPES);
    for (int i = 0; i < 5; i++) jf_chunk_event(&ch, 1, i, 1);
    jf_chunk_event(&ch, 2, 10, 1);
    jf_chunk_set(&ch, P_INT, (uint64_t)(order == 0 ? big : low));
    jf_chunk_event(&ch, 3, 20, 1);
    jf_chunk_set(&ch, P_INT, (uint64_t)(order == 0 ? low : big));
    outcome o = scan(&f, &ch, NULL);
    assert_int_equal(o.rc, SKY_SCAN_OVERFLOW);
    assert_int_equal(o.err_expr, order == 0 ? key->id : arg->id);
    sky_groups_free(&o.g);
    jf_chunk_free(&ch);
    jf_plan_free(&f);
  }
}

/* NEG of INT64_MIN, every checked operator at its edges. */
static void test_overflow_edges(void **state) {
  (void)state;
  struct {
    sky_op op;
    int64_t a, b;
    bool overflows;
  } cases[] = {
      {SKY_OP_ADD, INT64_MAX, 1, true},   {SKY_OP_ADD, INT64_MAX, 0, false},
      {SKY_OP_SUB, INT64_MIN, 1, true},   {SKY_OP_SUB, -1, INT64_MAX, false},
      {SKY_OP_MUL, INT64_MIN, -1, true},  {SKY_OP_MUL, INT64_C(1) << 31, INT64_C(1) << 31, false},
      {SKY_OP_NEG, INT64_MIN, 0, true},   {SKY_OP_NEG, INT64_MAX, 0, false},
      {SKY_OP_MOD, INT64_MIN, -1, false},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    jf_plan f;
    jf_plan_init(&f, N_PROPS);
    sky_expr *a = EV(&f, P_INT), *e;
    if (cases[k].op == SKY_OP_NEG)
      e = OP1(&f, NEG, INT, a);
    else
      e = jf_op(&f, cases[k].op, SKY_VT_INT, SKY_DOM_NONE, 2, a, jf_int(&f, cases[k].b));
    jf_key(&f, e);
    jf_agg(&f, SKY_AGG_COUNT_ALL, NULL, -1);
    jf_plan_finish(&f);
    jf_chunk ch;
    jf_chunk_init(&ch, N_PROPS, TYPES);
    jf_chunk_event(&ch, 1, 0, 1);
    jf_chunk_set(&ch, P_INT, (uint64_t)cases[k].a);
    outcome o = scan(&f, &ch, NULL);
    assert_int_equal(o.rc, cases[k].overflows ? SKY_SCAN_OVERFLOW : SKY_SCAN_OK);
    if (cases[k].overflows) assert_int_equal(o.err_expr, e->id);
    sky_groups_free(&o.g);
    jf_chunk_free(&ch);
    jf_plan_free(&f);
  }
}

/* ---- sessions ------------------------------------------------------------------------ */

/* A gap equal to the session gap does not cut; one microsecond more does;
 * equal timestamps never cut; cuts count on all events, not only matching
 * ones; session numbers restart per object. */
static void test_sessions(void **state) {
  (void)state;
  const int64_t gap = 30 * SKY_US_PER_MIN;
  jf_plan f;
  jf_plan_init(&f, N_PROPS);
  jf_filter(&f, OP2(&f, NE, BOOL, EV(&f, P_INT), jf_int(&f, 0)));
  jf_key(&f, jf_leaf(&f, SKY_OP_SESSION_NUMBER, SKY_VT_INT, SKY_DOM_NONE, 0));
  jf_agg(&f, SKY_AGG_COUNT_ALL, NULL, -1);
  jf_agg(&f, SKY_AGG_SESSIONS, NULL, -1);
  jf_session(&f, gap);
  jf_plan_finish(&f);
  jf_chunk ch;
  jf_chunk_init(&ch, N_PROPS, TYPES);
  /* object 1: t, t (equal), t+gap (same), t+2gap+1 (cut, not matching), +0 (same), +gap+1 (cut) */
  int64_t t = 1000;
  const int64_t times[] = {t, t, t + gap, t + 2 * gap + 1, t + 2 * gap + 1, t + 3 * gap + 2};
  const int matches[] = {1, 1, 1, 0, 1, 1};
  for (int i = 0; i < 6; i++) {
    jf_chunk_event(&ch, 1, times[i], 1);
    jf_chunk_set(&ch, P_INT, (uint64_t)matches[i]);
  }
  /* object 2: restarts at session 0 */
  jf_chunk_event(&ch, 2, 5, 1);
  jf_chunk_set(&ch, P_INT, 1);
  outcome o = scan(&f, &ch, NULL);
  assert_int_equal(o.rc, SKY_SCAN_OK);
  assert_int_equal(o.g.count, 3);
  assert_int_equal(agg_word(&f, group1(&o.g, 0), 0, 0), 4); /* 3 of object 1 + 1 of object 2 */
  assert_int_equal(agg_word(&f, group1(&o.g, 0), 1, 0), 2); /* (1,0), (2,0) */
  assert_int_equal(agg_word(&f, group1(&o.g, 1), 0, 0), 1);
  assert_int_equal(agg_word(&f, group1(&o.g, 2), 0, 0), 1);
  sky_groups_free(&o.g);
  jf_chunk_free(&ch);
  jf_plan_free(&f);
}

/* A zero gap cuts between any two distinct timestamps. */
static void test_session_zero_gap(void **state) {
  (void)state;
  jf_plan f;
  jf_plan_init(&f, N_PROPS);
  jf_agg(&f, SKY_AGG_SESSIONS, NULL, -1);
  jf_session(&f, 0);
  jf_plan_finish(&f);
  jf_chunk ch;
  jf_chunk_init(&ch, N_PROPS, TYPES);
  const int64_t times[] = {-5, -5, -4, 7, 7, 7, 8};
  for (int i = 0; i < 7; i++) jf_chunk_event(&ch, 9, times[i], 1);
  outcome o = scan(&f, &ch, NULL);
  assert_int_equal(agg_word(&f, group(&o.g, NULL, 0), 0, 0), 4);
  sky_groups_free(&o.g);
  jf_chunk_free(&ch);
  jf_plan_free(&f);
}

/* ---- state registers --------------------------------------------------------------------- */

/* Every register type: NULL before the first value, the event's own value
 * included, 0 / FALSE / 0.0 are values (not NULL), reset per object. */
static void test_state_registers(void **state) {
  (void)state;
  jf_plan f;
  jf_plan_init(&f, N_PROPS);
  for (uint32_t p = 0; p < N_PROPS; p++) jf_key(&f, ST(&f, p));
  jf_agg(&f, SKY_AGG_COUNT_ALL, NULL, -1);
  jf_plan_finish(&f);
  jf_chunk ch;
  jf_chunk_init(&ch, N_PROPS, TYPES);
  jf_chunk_event(&ch, 1, 0, 1); /* all NULL */
  jf_chunk_event(&ch, 1, 1, 1);
  jf_chunk_set(&ch, P_INT, 0);
  jf_chunk_set(&ch, P_BOOL, 0);
  jf_chunk_event(&ch, 1, 2, 1);           /* carried */
  jf_chunk_set_float(&ch, P_FLOAT, -0.0); /* canonical key 0.0 */
  jf_chunk_set(&ch, P_STR, 3);
  jf_chunk_event(&ch, 1, 3, 1);
  jf_chunk_set(&ch, P_INT, (uint64_t)-4);
  jf_chunk_event(&ch, 2, 0, 1); /* new object: all NULL again */
  outcome o = scan(&f, &ch, NULL);
  assert_int_equal(o.rc, SKY_SCAN_OK);
  uint64_t k0[4] = {0, 0, 0, 0};
  assert_int_equal(agg_word(&f, group(&o.g, k0, 15), 0, 0), 2);
  assert_int_equal(agg_word(&f, group(&o.g, k0, 2 | 8), 0, 0), 1);
  assert_int_equal(agg_word(&f, group(&o.g, (uint64_t[]){0, 0, 0, 3}, 0), 0, 0), 1);
  assert_int_equal(agg_word(&f, group(&o.g, (uint64_t[]){(uint64_t)-4, 0, 0, 3}, 0), 0, 0), 1);
  sky_groups_free(&o.g);
  jf_chunk_free(&ch);
  jf_plan_free(&f);
}

/* ---- many groups ---------------------------------------------------------------------------- */

static void test_many_groups(void **state) {
  (void)state;
  jf_plan f;
  jf_plan_init(&f, N_PROPS);
  jf_key(&f, jf_leaf(&f, SKY_OP_OBJECT, SKY_VT_OBJECT, SKY_DOM_NONE, 0));
  jf_key(&f, EV(&f, P_INT));
  jf_agg(&f, SKY_AGG_COUNT_ALL, NULL, -1);
  jf_agg(&f, SKY_AGG_OBJECTS, NULL, -1);
  jf_plan_finish(&f);
  jf_chunk ch;
  jf_chunk_init(&ch, N_PROPS, TYPES);
  for (uint64_t obj = 1; obj <= 20000; obj++) {
    for (int i = 0; i < 3; i++) {
      jf_chunk_event(&ch, obj, i, 1);
      if (i) jf_chunk_set(&ch, P_INT, obj % 3);
    }
  }
  outcome o = scan(&f, &ch, NULL);
  assert_int_equal(o.rc, SKY_SCAN_OK);
  assert_true(o.g.capacity >= 65536); /* grew from 16 many times */
  for (uint64_t obj = 1; obj <= 20000; obj += 997) {
    uint64_t k[2] = {obj, obj % 3};
    assert_int_equal(agg_word(&f, group(&o.g, k, 0), 0, 0), 2);
    assert_int_equal(agg_word(&f, group(&o.g, k, 0), 1, 0), 1);
    assert_int_equal(agg_word(&f, group(&o.g, (uint64_t[]){obj, 0}, 2), 0, 0), 1);
  }
  sky_groups_free(&o.g);
  jf_chunk_free(&ch);
  jf_plan_free(&f);
}

/* ---- aggregates ---------------------------------------------------------------------------- */

static void test_aggregates(void **state) {
  (void)state;
  jf_plan f;
  jf_plan_init(&f, N_PROPS);
  uint32_t ranks = jf_rc(&f, SKY_RC_RANKS, STR_DICT);
  jf_agg(&f, SKY_AGG_SUM, EV(&f, P_INT), -1);              /* 0: 128-bit */
  jf_agg(&f, SKY_AGG_AVG, EV(&f, P_FLOAT), -1);            /* 1 */
  jf_agg(&f, SKY_AGG_MIN, EV(&f, P_FLOAT), -1);            /* 2: NaN ignored */
  jf_agg(&f, SKY_AGG_MAX, EV(&f, P_FLOAT), -1);            /* 3 */
  jf_agg(&f, SKY_AGG_MIN, EV(&f, P_STR), (int32_t)ranks);  /* 4: by rank */
  jf_agg(&f, SKY_AGG_MAX, EV(&f, P_STR), (int32_t)ranks);  /* 5 */
  jf_agg(&f, SKY_AGG_COUNT_DISTINCT, EV(&f, P_FLOAT), -1); /* 6: -0 = 0, NaNs one */
  jf_agg(&f, SKY_AGG_COUNT, EV(&f, P_FLOAT), -1);          /* 7: NaN counts */
  jf_agg(&f, SKY_AGG_MAX, EV(&f, P_BOOL), -1);             /* 8 */
  jf_agg(&f, SKY_AGG_MIN, jf_op(&f, SKY_OP_MONTH, SKY_VT_STRING, SKY_DOM_MONTH, 1, ts(&f)), -1); /* 9 */
  jf_agg(&f, SKY_AGG_MAX, jf_str(&f, SKY_DOM_LITERAL, jf_literal(&f, "zz")), -1); /* 10: helper compare */
  jf_plan_finish(&f);
  uint32_t rank_table[6] = {0, 9, 3, 1, 7, 5}; /* code 3 smallest, code 1 largest */
  uint64_t rc[1] = {(uint64_t)(uintptr_t)rank_table};
  jf_chunk ch;
  jf_chunk_init(&ch, N_PROPS, TYPES);
  const double fl[] = {NAN, -0.0, 0.0, 2.5, NAN, -7.25};
  const uint32_t codes[] = {2, 3, 0, 1, 5, 4};
  for (int i = 0; i < 6; i++) {
    jf_chunk_event(&ch, 1, (int64_t)i * 40 * SKY_US_PER_DAY, 1);
    jf_chunk_set(&ch, P_INT, (uint64_t)INT64_MAX);
    jf_chunk_set_float(&ch, P_FLOAT, fl[i]);
    if (codes[i]) jf_chunk_set(&ch, P_STR, codes[i]);
    jf_chunk_set(&ch, P_BOOL, i == 3);
  }
  outcome o = scan(&f, &ch, rc);
  assert_int_equal(o.rc, SKY_SCAN_OK);
  const uint64_t *s = group(&o.g, NULL, 0);
  unsigned __int128 sum = (unsigned __int128)6 * INT64_MAX;
  assert_int_equal(agg_word(&f, s, 0, 0), (uint64_t)sum);
  assert_int_equal(agg_word(&f, s, 0, 1), (uint64_t)(sum >> 64));
  assert_int_equal(agg_word(&f, s, 0, 2), 6);
  assert_true(isnan(as_double(agg_word(&f, s, 1, 0))));
  assert_int_equal(agg_word(&f, s, 1, 1), 6);
  assert_int_equal(agg_word(&f, s, 2, 0), bits(-7.25));
  assert_int_equal(agg_word(&f, s, 2, 1), 4);
  assert_int_equal(agg_word(&f, s, 3, 0), bits(2.5));
  assert_int_equal(agg_word(&f, s, 4, 0), 3);
  assert_int_equal(agg_word(&f, s, 4, 1), 5);
  assert_int_equal(agg_word(&f, s, 5, 0), 1);
  assert_int_equal(sky_distinct_count(agg_word(&f, s, 6, 0)), 4); /* NaN, 0, 2.5, -7.25 */
  assert_int_equal(agg_word(&f, s, 7, 0), 6);
  assert_int_equal(agg_word(&f, s, 8, 0), 1);
  assert_int_equal(agg_word(&f, s, 9, 0), 0); /* 1970-01 */
  sky_groups_free(&o.g);
  jf_chunk_free(&ch);
  jf_plan_free(&f);
}

/* ---- time buckets ------------------------------------------------------------------------------ */

/* GROUP BY timestamp, hour, weekday, day, week, month: every key must be
 * timeutil's bucket of the timestamp key (leap days, negative times, month
 * ends, years 0000 and 9999), NULL beyond years 0000-9999 (times near the
 * int64 limits). */
static void test_time_buckets(void **state) {
  (void)state;
  jf_plan f;
  jf_plan_init(&f, N_PROPS);
  jf_key(&f, ts(&f));
  jf_key(&f, OP1(&f, HOUR, INT, ts(&f)));
  jf_key(&f, OP1(&f, WEEKDAY, INT, ts(&f)));
  jf_key(&f, jf_op(&f, SKY_OP_DAY, SKY_VT_STRING, SKY_DOM_DAY, 1, ts(&f)));
  jf_key(&f, jf_op(&f, SKY_OP_WEEK, SKY_VT_STRING, SKY_DOM_DAY, 1, ts(&f)));
  jf_key(&f, jf_op(&f, SKY_OP_MONTH, SKY_VT_STRING, SKY_DOM_MONTH, 1, ts(&f)));
  jf_agg(&f, SKY_AGG_COUNT_ALL, NULL, -1);
  jf_plan_finish(&f);
  jf_chunk ch;
  jf_chunk_init(&ch, N_PROPS, TYPES);
  uint64_t obj = 1;
  int64_t t = INT64_MIN;
  for (int i = 0; i < 50; i++) jf_chunk_event(&ch, obj, t + i * (SKY_US_PER_DAY * 7 + 13), 1);
  /* 1600 .. 2400, 29 days apart: every month end and leap day; the edges of years 0000-9999 */
  obj++;
  for (int64_t d = sky_days_from_civil(1600, 1, 1); d < sky_days_from_civil(2400, 1, 1); d += 29)
    jf_chunk_event(&ch, obj, d * SKY_US_PER_DAY - 1, 1), jf_chunk_event(&ch, obj, d * SKY_US_PER_DAY, 1);
  obj++;
  const int64_t edges[] = {
      SKY_TS_MIN - 1, SKY_TS_MIN,    SKY_TS_MIN + 5 * SKY_US_PER_DAY, SKY_TS_MAX - 3 * SKY_US_PER_DAY,
      SKY_TS_MAX,     SKY_TS_MAX + 1};
  for (int i = 0; i < 6; i++) jf_chunk_event(&ch, obj, edges[i], 1);
  obj++;
  for (int i = 49; i >= 0; i--) jf_chunk_event(&ch, obj, INT64_MAX - i * (SKY_US_PER_DAY * 7 + 13), 1);
  outcome o = scan(&f, &ch, NULL);
  assert_int_equal(o.rc, SKY_SCAN_OK);
  uint64_t n = 0, n_null = 0;
  for (uint64_t s = 0; s < o.g.capacity; s++) {
    const uint64_t *slot = o.g.slots + s * o.g.words;
    if (!slot[0]) continue;
    int64_t x = (int64_t)slot[1];
    uint64_t mask = slot[7];
    int64_t day = sky_bucket_day(x), week = sky_bucket_week(x), month = sky_bucket_month(x);
    assert_int_equal(slot[2], (uint64_t)sky_bucket_hour(x));
    assert_int_equal(slot[3], (uint64_t)sky_bucket_weekday(x));
    /* day, week and month beyond years 0000-9999 are NULL */
    assert_int_equal(slot[4], sky_day_in_range(day) ? (uint64_t)day : 0);
    assert_int_equal(slot[5], sky_day_in_range(week) ? (uint64_t)week : 0);
    assert_int_equal(slot[6], sky_month_in_range(month) ? (uint64_t)month : 0);
    assert_int_equal(mask, (sky_day_in_range(day) ? 0u : 8u) | (sky_day_in_range(week) ? 0u : 16u) |
                               (sky_month_in_range(month) ? 0u : 32u));
    n_null += mask != 0;
    n += slot[f.plan->aggs[0].word];
  }
  assert_int_equal(n, ch.c.n_events);
  assert_true(n_null >= 100); /* the extreme objects */
  sky_groups_free(&o.g);
  jf_chunk_free(&ch);
  jf_plan_free(&f);
}

/* The month helper's range is exactly the month of the instant: its
 * first microsecond and the next month's first. */
static void test_month_range(void **state) {
  (void)state;
  for (int64_t ts = SKY_TS_MIN; ts < SKY_TS_MAX - 40 * SKY_US_PER_DAY; ts += 7777 * SKY_US_PER_HOUR + 12345) {
    int64_t r[2];
    int64_t m = sky_jit_month_range(ts, r);
    assert_int_equal(m, sky_bucket_month(ts));
    assert_true(r[0] <= ts && ts < r[1]);
    assert_int_equal(sky_bucket_month(r[0]), m);
    assert_int_equal(sky_bucket_month(r[0] - 1), m - 1);
    assert_int_equal(sky_bucket_month(r[1] - 1), m);
    assert_int_equal(sky_bucket_month(r[1]), m + 1);
  }
  int64_t r[2];
  sky_jit_month_range(INT64_MIN, r); /* its month starts before INT64_MIN: empty range */
  assert_true(r[0] > r[1]);
  sky_jit_month_range(INT64_MAX, r);
  assert_true(r[0] > r[1]);
}

/* ---- strings through helpers and tables ------------------------------------------------------------- */

static void test_string_ops(void **state) {
  (void)state;
  jf_plan f;
  jf_plan_init(&f, N_PROPS);
  uint32_t pat = jf_literal(&f, "2024-0_");
  uint32_t lit = jf_literal(&f, "2024-02-15");
  uint32_t match = jf_rc(&f, SKY_RC_LIKE, STR_DICT), rank = jf_rc(&f, SKY_RC_RANKS, STR_DICT);
  sky_expr *month = jf_op(&f, SKY_OP_MONTH, SKY_VT_STRING, SKY_DOM_MONTH, 1, ts(&f));
  sky_expr *like = OP1(&f, LIKE, BOOL, month);
  like->index = pat;
  jf_key(&f, like);
  jf_key(&f, OP2(&f, STR_CMP, INT, jf_op(&f, SKY_OP_DAY, SKY_VT_STRING, SKY_DOM_DAY, 1, ts(&f)),
                 jf_str(&f, SKY_DOM_LITERAL, lit)));
  sky_expr *m = OP1(&f, DICT_MATCH, BOOL, ST(&f, P_STR));
  m->index = match;
  jf_key(&f, m);
  sky_expr *r = OP1(&f, RANK, INT, EV(&f, P_STR));
  r->index = rank;
  jf_key(&f, r);
  jf_agg(&f, SKY_AGG_COUNT_ALL, NULL, -1);
  jf_plan_finish(&f);
  uint8_t match_table[4] = {0, 1, 0, 1};
  uint32_t rank_table[4] = {0, 5, 1, 3};
  uint64_t rc[2] = {(uint64_t)(uintptr_t)match_table, (uint64_t)(uintptr_t)rank_table};
  jf_chunk ch;
  jf_chunk_init(&ch, N_PROPS, TYPES);
  int64_t feb15 = sky_days_from_civil(2024, 2, 15) * SKY_US_PER_DAY;
  jf_chunk_event(&ch, 1, feb15 - 1, 1); /* 2024-02 LIKE 2024-0_, 2024-02-14 < 2024-02-15, NULL, NULL */
  jf_chunk_event(&ch, 1, feb15, 1);     /* equal; state 2: no match; rank 1 */
  jf_chunk_set(&ch, P_STR, 2);
  jf_chunk_event(&ch, 1, sky_days_from_civil(2024, 11, 1) * SKY_US_PER_DAY, 1); /* 2024-11: no; greater */
  jf_chunk_set(&ch, P_STR, 3);
  outcome o = scan(&f, &ch, rc);
  assert_int_equal(o.rc, SKY_SCAN_OK);
  assert_non_null(group(&o.g, (uint64_t[]){1, (uint64_t)-1, 0, 0}, 4 | 8));
  assert_non_null(group(&o.g, (uint64_t[]){1, 0, 0, 1}, 0));
  assert_non_null(group(&o.g, (uint64_t[]){0, 1, 1, 3}, 0));
  sky_groups_free(&o.g);
  jf_chunk_free(&ch);
  jf_plan_free(&f);
}

/* ---- stop and budget ---------------------------------------------------------------------------------- */

static void test_stop(void **state) {
  (void)state;
  for (int shape = 0; shape < 2; shape++) {
    jf_plan f;
    jf_plan_init(&f, N_PROPS);
    if (shape) jf_key(&f, ST(&f, P_INT)); /* per-object loop */
    jf_agg(&f, SKY_AGG_COUNT_ALL, NULL, -1);
    jf_plan_finish(&f);
    jf_chunk ch;
    jf_chunk_init(&ch, N_PROPS, TYPES);
    for (int i = 0; i < 1000; i++) jf_chunk_event(&ch, 1 + (uint64_t)i / 100, i, 1);
    sky_error err;
    sky_jit_query *q = sky_jit_get(g_jit, f.plan, NULL, &err);
    assert_non_null(q);
    sky_runtime rt;
    jf_runtime(&rt, f.plan, NULL, 0);
    atomic_int cancel = 1;
    rt.cancel = &cancel;
    sky_groups g;
    sky_groups_init(&g, f.plan, &rt.budget);
    uint32_t e;
    assert_int_equal(sky_jit_query_fn(q)(&rt, &ch.c, &g, &e), SKY_SCAN_STOPPED);
    cancel = 0;
    rt.deadline_ns = sky_clock_ns() - 1;
    assert_int_equal(sky_jit_query_fn(q)(&rt, &ch.c, &g, &e), SKY_SCAN_STOPPED);
    rt.deadline_ns = 0;
    assert_int_equal(sky_jit_query_fn(q)(&rt, &ch.c, &g, &e), SKY_SCAN_OK);
    sky_groups_free(&g);
    sky_jit_query_release(q);
    jf_chunk_free(&ch);
    jf_plan_free(&f);
  }
}

static void test_budget(void **state) {
  (void)state;
  jf_plan f;
  jf_plan_init(&f, N_PROPS);
  jf_key(&f, ts(&f));
  jf_agg(&f, SKY_AGG_COUNT_DISTINCT, EV(&f, P_INT), -1);
  jf_plan_finish(&f);
  jf_chunk ch;
  jf_chunk_init(&ch, N_PROPS, TYPES);
  for (int i = 0; i < 5000; i++) {
    jf_chunk_event(&ch, 1, i, 1);
    jf_chunk_set(&ch, P_INT, (uint64_t)i);
  }
  outcome o = scan_chunks(&f, &ch, 1, NULL, 64 * 1024);
  assert_int_equal(o.rc, SKY_SCAN_NO_MEMORY);
  sky_groups_free(&o.g);
  jf_chunk_free(&ch);
  jf_plan_free(&f);
}

static int setup(void **state) {
  (void)state;
  sky_error err;
  g_jit = sky_jit_create(0, &err);
  return g_jit ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  sky_jit_free(g_jit);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_flat_count),
      cmocka_unit_test(test_existing_table),
      cmocka_unit_test(test_three_valued_logic),
      cmocka_unit_test(test_null_and_division),
      cmocka_unit_test(test_overflow_rules),
      cmocka_unit_test(test_overflow_path_order),
      cmocka_unit_test(test_overflow_edges),
      cmocka_unit_test(test_sessions),
      cmocka_unit_test(test_session_zero_gap),
      cmocka_unit_test(test_state_registers),
      cmocka_unit_test(test_many_groups),
      cmocka_unit_test(test_aggregates),
      cmocka_unit_test(test_time_buckets),
      cmocka_unit_test(test_month_range),
      cmocka_unit_test(test_string_ops),
      cmocka_unit_test(test_stop),
      cmocka_unit_test(test_budget),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
