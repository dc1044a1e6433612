/* test_jit_random.c — differential test of the JIT against the reference
 * interpreter over random typed plans and random chunks: every operator,
 * aggregate, key type, NULL, NaN, -0.0, extreme integers (overflow),
 * equal timestamps and session gaps, flat and per-object loop shapes,
 * register and table modes, scans into a non-empty table. For each case
 * the scan outcome, the overflowing expression and the group tables (word
 * for word, positions included) must be identical.
 *
 * SKY_JIT_RANDOM_CASES overrides the number of cases, SKY_JIT_RANDOM_SEED
 * the first seed (a failure prints its seed and plan); SKY_JIT_RANDOM_VERBOSE
 * prints every plan before it runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/jit.h"
#include "codegen/select.h"
#include "common/hash.h"
#include "jit_fixture.h"

enum { N_PROPS = 8, DICT_SIZE = 8, N_DICTS = 3, N_LITS = 8 };
/* Property p has type TYPES[p % 4]; strings use dictionaries 4 and 8. */
static const sky_prop_type TYPES[N_PROPS] = {SKY_PTYPE_INT, SKY_PTYPE_FLOAT, SKY_PTYPE_BOOL, SKY_PTYPE_STRING,
                                             SKY_PTYPE_INT, SKY_PTYPE_FLOAT, SKY_PTYPE_BOOL, SKY_PTYPE_STRING};
static const char *const LITERALS[N_LITS] = {"2024-01", "2024-01-15", "abc",  "",
                                             "2024%",   "_0_4-%",     "%-0_", "1970-01-01"};

typedef struct gtype {
  sky_vtype t;
  uint32_t dom;
} gtype;

typedef struct gen {
  uint64_t rng;
  jf_plan *f;
  bool session, flat;
  bool no_codes;           /* no RCONST codes (which may be SKY_CODE_MISSING): table indexes */
  uint32_t dicts[N_DICTS]; /* dictionary ids: action, prop 3, prop 7 */
  uint32_t code_rc[N_DICTS], rank_rc[N_DICTS], match_rc[N_DICTS];
  uint64_t rc[JF_MAX];
  uint32_t ranks[N_DICTS][DICT_SIZE + 1];
  uint8_t match[N_DICTS][DICT_SIZE + 1];
} gen;

static uint64_t rnd(gen *g) { return sky_hash_u64(g->rng++); }
static uint32_t below(gen *g, uint32_t n) { return (uint32_t)(rnd(g) % n); }
static bool chance(gen *g, double p) { return (double)(rnd(g) >> 11) / 9007199254740992.0 < p; }

static const int64_t INTS[] = {
    0, 1, -1, 2, 7, -7, 100, 3600000000, INT64_MAX, INT64_MIN, INT64_C(1) << 40, -(INT64_C(1) << 62)};
static double float_value(gen *g) {
  const double v[] = {0.0, -0.0, 1.5, -2.25, NAN, INFINITY, -INFINITY, 1e300, 3.0, 100.0};
  return v[below(g, sizeof v / sizeof *v)];
}

/* ---- types and expressions --------------------------------------------------- */

static gtype random_type(gen *g) {
  switch (below(g, g->flat ? 7 : 8)) {
  case 0: return (gtype){SKY_VT_BOOL, SKY_DOM_NONE};
  case 1: return (gtype){SKY_VT_INT, SKY_DOM_NONE};
  case 2: return (gtype){SKY_VT_FLOAT, SKY_DOM_NONE};
  case 3: return (gtype){SKY_VT_STRING, g->dicts[below(g, N_DICTS)]};
  case 4: return (gtype){SKY_VT_STRING, SKY_DOM_DAY};
  case 5: return (gtype){SKY_VT_STRING, SKY_DOM_MONTH};
  case 6: return (gtype){SKY_VT_STRING, SKY_DOM_LITERAL};
  default: return (gtype){SKY_VT_OBJECT, SKY_DOM_NONE};
  }
}

static int dict_index(gen *g, uint32_t dom) {
  for (int d = 0; d < N_DICTS; d++)
    if (g->dicts[d] == dom) return d;
  return -1;
}

static bool is_dict(uint32_t dom) { return dom < SKY_DOM_LITERAL; }

/* A property read of type t (either prefix; STATE reads need objects). */
static sky_expr *prop(gen *g, sky_vtype t, uint32_t prop_index, uint32_t dom) {
  sky_op op = g->flat || chance(g, 0.5) ? SKY_OP_PROP_EVENT : SKY_OP_PROP_STATE;
  return jf_leaf(g->f, op, t, dom, prop_index);
}

static uint32_t prop_of(gen *g, sky_prop_type pt) { return (uint32_t)pt + (chance(g, 0.5) ? 4u : 0u); }

static sky_expr *gen_expr(gen *g, gtype ty, int depth);

static sky_expr *typed_null(gen *g, gtype ty) {
  sky_expr *e = jf_null(g->f, ty.t);
  e->dom = ty.dom;
  return e;
}

static sky_expr *gen_leaf(gen *g, gtype ty) {
  jf_plan *f = g->f;
  if (chance(g, 0.06)) return typed_null(g, ty);
  switch (ty.t) {
  case SKY_VT_BOOL:
    return chance(g, 0.3) ? jf_bool(f, chance(g, 0.5)) : prop(g, SKY_VT_BOOL, prop_of(g, SKY_PTYPE_BOOL), SKY_DOM_NONE);
  case SKY_VT_INT:
    switch (below(g, g->session && !g->flat ? 4 : 3)) {
    case 0: return jf_int(f, INTS[below(g, sizeof INTS / sizeof *INTS)]);
    case 1: return prop(g, SKY_VT_INT, prop_of(g, SKY_PTYPE_INT), SKY_DOM_NONE);
    case 2: return jf_leaf(f, SKY_OP_TIMESTAMP, SKY_VT_INT, SKY_DOM_NONE, 0);
    default: return jf_leaf(f, SKY_OP_SESSION_NUMBER, SKY_VT_INT, SKY_DOM_NONE, 0);
    }
  case SKY_VT_FLOAT:
    return chance(g, 0.4) ? jf_float(f, float_value(g))
                          : prop(g, SKY_VT_FLOAT, prop_of(g, SKY_PTYPE_FLOAT), SKY_DOM_NONE);
  case SKY_VT_OBJECT: return jf_leaf(f, SKY_OP_OBJECT, SKY_VT_OBJECT, SKY_DOM_NONE, 0);
  default: break;
  }
  if (ty.dom == SKY_DOM_DAY) return jf_str(f, SKY_DOM_DAY, (uint64_t)((int64_t)below(g, 40000) - 20000));
  if (ty.dom == SKY_DOM_MONTH) return jf_str(f, SKY_DOM_MONTH, (uint64_t)((int64_t)below(g, 2000) - 1000));
  if (ty.dom == SKY_DOM_LITERAL) return jf_str(f, SKY_DOM_LITERAL, below(g, N_LITS));
  int d = dict_index(g, ty.dom);
  if (!g->no_codes && chance(g, 0.3)) return jf_leaf(f, SKY_OP_RCONST, SKY_VT_STRING, ty.dom, g->code_rc[d]);
  if (d == 0) return jf_leaf(f, SKY_OP_ACTION, SKY_VT_STRING, ty.dom, 0);
  return prop(g, SKY_VT_STRING, d == 1 ? 3 : 7, ty.dom);
}

/* A dictionary string that indexes runtime tables (RANK, DICT_MATCH, MIN/MAX
 * by rank): the binder applies those to columns, never to constants. */
static sky_expr *dict_value(gen *g, int di) {
  g->no_codes = true;
  sky_expr *e = gen_leaf(g, (gtype){SKY_VT_STRING, g->dicts[di]});
  g->no_codes = false;
  return e;
}

static sky_expr *op1(gen *g, sky_op op, gtype ty, sky_expr *a) { return jf_op(g->f, op, ty.t, ty.dom, 1, a); }
static sky_expr *op2(gen *g, sky_op op, gtype ty, sky_expr *a, sky_expr *b) {
  return jf_op(g->f, op, ty.t, ty.dom, 2, a, b);
}

static const gtype T_BOOL = {SKY_VT_BOOL, SKY_DOM_NONE}, T_INT = {SKY_VT_INT, SKY_DOM_NONE},
                   T_FLOAT = {SKY_VT_FLOAT, SKY_DOM_NONE};

static gtype orderable(gen *g) {
  for (;;) {
    gtype t = random_type(g);
    if (t.t != SKY_VT_STRING || t.dom == SKY_DOM_DAY || t.dom == SKY_DOM_MONTH) return t;
  }
}

static gtype plain_string(gen *g) {
  static const uint32_t doms[] = {SKY_DOM_DAY, SKY_DOM_MONTH, SKY_DOM_LITERAL};
  return (gtype){SKY_VT_STRING, doms[below(g, 3)]};
}

/* x IN (constants) as the binder makes a long one: an IN_SET node and its
 * set (plan_set.c), items drawn with NULLs, NaN, both zeros, repeats. */
static sky_expr *gen_in_set(gen *g, gtype t, int d) {
  jf_plan *f = g->f;
  sky_const items[24];
  uint32_t n = below(g, 24);
  for (uint32_t i = 0; i < n; i++) {
    items[i].is_null = chance(g, 0.1);
    items[i].word = 0;
    if (items[i].is_null) continue;
    if (t.t == SKY_VT_FLOAT) {
      double v = float_value(g);
      memcpy(&items[i].word, &v, sizeof v);
    } else if (t.t == SKY_VT_BOOL) {
      items[i].word = chance(g, 0.5);
    } else {
      items[i].word = (uint64_t)INTS[below(g, sizeof INTS / sizeof *INTS)];
    }
  }
  sky_plan *p = f->plan;
  sky_in_set *sets = sky_arena_calloc(&f->arena, (p->n_sets + 1) * sizeof *sets);
  if (p->n_sets) memcpy(sets, p->sets, p->n_sets * sizeof *sets);
  assert_int_equal(sky_in_set_build(&sets[p->n_sets], t.t, items, n, &f->arena), 0);
  p->sets = sets;
  sky_expr *e = op1(g, SKY_OP_IN_SET, T_BOOL, gen_expr(g, t, d));
  e->index = p->n_sets++;
  return e;
}

static sky_expr *gen_bool(gen *g, int d) {
  jf_plan *f = g->f;
  switch (below(g, 9)) {
  case 0:
    return op2(g, chance(g, 0.5) ? SKY_OP_AND : SKY_OP_OR, T_BOOL, gen_expr(g, T_BOOL, d), gen_expr(g, T_BOOL, d));
  case 1: return op1(g, SKY_OP_NOT, T_BOOL, gen_expr(g, T_BOOL, d));
  case 2: {
    sky_expr *a = chance(g, 0.1) ? jf_null(f, SKY_VT_NULL) : gen_expr(g, random_type(g), d);
    return op1(g, chance(g, 0.5) ? SKY_OP_IS_NULL : SKY_OP_IS_NOT_NULL, T_BOOL, a);
  }
  case 3: {
    gtype t = random_type(g);
    sky_expr *b = chance(g, 0.05) ? jf_null(f, SKY_VT_NULL) : gen_expr(g, t, d);
    return op2(g, chance(g, 0.5) ? SKY_OP_EQ : SKY_OP_NE, T_BOOL, gen_expr(g, t, d), b);
  }
  case 4: {
    gtype t = orderable(g);
    return op2(g, SKY_OP_LT + below(g, 4), T_BOOL, gen_expr(g, t, d), gen_expr(g, t, d));
  }
  case 5: {
    gtype t = random_type(g);
    if (t.t != SKY_VT_STRING && chance(g, 0.3)) return gen_in_set(g, t, d);
    uint32_t n = 2 + below(g, 4);
    sky_expr *in = jf_op(f, SKY_OP_IN, SKY_VT_BOOL, SKY_DOM_NONE, 0);
    in->args = sky_arena_calloc(&f->arena, n * sizeof(sky_expr *));
    in->n_args = n;
    for (uint32_t k = 0; k < n; k++) in->args[k] = k && chance(g, 0.1) ? jf_null(f, SKY_VT_NULL) : gen_expr(g, t, d);
    return in;
  }
  case 6: {
    int di = (int)below(g, N_DICTS);
    sky_expr *m = op1(g, SKY_OP_DICT_MATCH, T_BOOL, dict_value(g, di));
    m->index = g->match_rc[di];
    return m;
  }
  case 7: {
    sky_expr *l = op1(g, SKY_OP_LIKE, T_BOOL, gen_expr(g, plain_string(g), d));
    l->index = below(g, N_LITS);
    return l;
  }
  default: return gen_leaf(g, T_BOOL);
  }
}

static sky_expr *gen_int(gen *g, int d) {
  switch (below(g, 7)) {
  case 0:
  case 1: return op2(g, SKY_OP_ADD + below(g, 3), T_INT, gen_expr(g, T_INT, d), gen_expr(g, T_INT, d));
  case 2:
    return chance(g, 0.5) ? op1(g, SKY_OP_NEG, T_INT, gen_expr(g, T_INT, d))
                          : op2(g, SKY_OP_MOD, T_INT, gen_expr(g, T_INT, d), gen_expr(g, T_INT, d));
  case 3: {
    int di = (int)below(g, N_DICTS);
    sky_expr *r = op1(g, SKY_OP_RANK, T_INT, dict_value(g, di));
    r->index = g->rank_rc[di];
    return r;
  }
  case 4: return op2(g, SKY_OP_STR_CMP, T_INT, gen_expr(g, plain_string(g), d), gen_expr(g, plain_string(g), d));
  case 5: return op1(g, chance(g, 0.5) ? SKY_OP_HOUR : SKY_OP_WEEKDAY, T_INT, gen_expr(g, T_INT, d));
  default: return gen_leaf(g, T_INT);
  }
}

static sky_expr *gen_float(gen *g, int d) {
  switch (below(g, 5)) {
  case 0:
  case 1: {
    static const sky_op ops[] = {SKY_OP_ADD, SKY_OP_SUB, SKY_OP_MUL, SKY_OP_DIV, SKY_OP_MOD};
    return op2(g, ops[below(g, 5)], T_FLOAT, gen_expr(g, T_FLOAT, d), gen_expr(g, T_FLOAT, d));
  }
  case 2: return op1(g, SKY_OP_NEG, T_FLOAT, gen_expr(g, T_FLOAT, d));
  case 3: return op1(g, SKY_OP_TO_FLOAT, T_FLOAT, gen_expr(g, T_INT, d));
  default: return gen_leaf(g, T_FLOAT);
  }
}

static sky_expr *gen_expr(gen *g, gtype ty, int depth) {
  if (depth <= 0 || chance(g, 0.3)) return gen_leaf(g, ty);
  int d = depth - 1;
  switch (ty.t) {
  case SKY_VT_BOOL: return gen_bool(g, d);
  case SKY_VT_INT: return gen_int(g, d);
  case SKY_VT_FLOAT: return gen_float(g, d);
  default: break;
  }
  if (ty.dom == SKY_DOM_DAY) return op1(g, chance(g, 0.5) ? SKY_OP_DAY : SKY_OP_WEEK, ty, gen_expr(g, T_INT, d));
  if (ty.dom == SKY_DOM_MONTH) return op1(g, SKY_OP_MONTH, ty, gen_expr(g, T_INT, d));
  return gen_leaf(g, ty);
}

/* ---- plans ---------------------------------------------------------------------- */

static void gen_agg(gen *g) {
  jf_plan *f = g->f;
  switch (below(g, 8)) {
  case 0: jf_agg(f, SKY_AGG_COUNT_ALL, NULL, -1); return;
  case 1: jf_agg(f, SKY_AGG_COUNT, gen_expr(g, random_type(g), 2), -1); return;
  case 2: jf_agg(f, SKY_AGG_COUNT_DISTINCT, gen_expr(g, random_type(g), 2), -1); return;
  case 3:
    if (!g->flat) {
      jf_agg(f, g->session && chance(g, 0.5) ? SKY_AGG_SESSIONS : SKY_AGG_OBJECTS, NULL, -1);
      return;
    }
    jf_agg(f, SKY_AGG_COUNT_ALL, NULL, -1);
    return;
  case 4:
  case 5: {
    gtype t = chance(g, 0.5) ? T_INT : T_FLOAT;
    jf_agg(f, chance(g, 0.5) ? SKY_AGG_SUM : SKY_AGG_AVG, gen_expr(g, t, 2), -1);
    return;
  }
  default: {
    gtype t = random_type(g);
    int32_t rank = -1;
    sky_expr *arg;
    if (t.t == SKY_VT_STRING && is_dict(t.dom)) {
      int di = dict_index(g, t.dom);
      rank = (int32_t)g->rank_rc[di];
      arg = dict_value(g, di);
    } else {
      arg = gen_expr(g, t, 2);
    }
    jf_agg(f, chance(g, 0.5) ? SKY_AGG_MIN : SKY_AGG_MAX, arg, rank);
    return;
  }
  }
}

static void gen_plan(gen *g, jf_plan *f) {
  jf_plan_init(f, N_PROPS);
  g->f = f;
  g->flat = chance(g, 0.3);
  g->session = !g->flat && chance(g, 0.5);
  g->dicts[0] = SKY_DICT_ACTION;
  g->dicts[1] = sky_prop_dict(3);
  g->dicts[2] = sky_prop_dict(7);
  for (int d = 0; d < N_DICTS; d++) {
    g->code_rc[d] = jf_rc(f, SKY_RC_CODE, g->dicts[d]);
    g->rc[g->code_rc[d]] = chance(g, 0.2) ? SKY_CODE_MISSING : 1 + below(g, DICT_SIZE);
    g->rank_rc[d] = jf_rc(f, SKY_RC_RANKS, g->dicts[d]);
    g->match_rc[d] = jf_rc(f, SKY_RC_IN_SET, g->dicts[d]);
    /* ranks: a random permutation of odd ranks; matches: random */
    uint32_t perm[DICT_SIZE];
    for (uint32_t i = 0; i < DICT_SIZE; i++) perm[i] = i;
    for (uint32_t i = DICT_SIZE - 1; i > 0; i--) {
      uint32_t j = below(g, i + 1), t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    for (uint32_t c = 1; c <= DICT_SIZE; c++) {
      g->ranks[d][c] = 2 * perm[c - 1] + 1;
      g->match[d][c] = (uint8_t)chance(g, 0.4);
    }
    g->rc[g->rank_rc[d]] = (uint64_t)(uintptr_t)g->ranks[d];
    g->rc[g->match_rc[d]] = (uint64_t)(uintptr_t)g->match[d];
  }
  for (int k = 0; k < N_LITS; k++) jf_literal(f, LITERALS[k]);
  if (g->session) jf_session(f, (int64_t[]){0, 1, 10, 1000}[below(g, 4)]);
  if (chance(g, 0.7)) jf_filter(f, gen_expr(g, T_BOOL, 3));
  uint32_t n_keys = below(g, 4);
  for (uint32_t j = 0; j < n_keys; j++) jf_key(f, gen_expr(g, random_type(g), 2));
  uint32_t n_aggs = 1 + below(g, 4);
  for (uint32_t a = 0; a < n_aggs; a++) gen_agg(g);
  jf_plan_finish(f);
}

/* ---- data ------------------------------------------------------------------------ */

static void gen_chunk(gen *g, jf_chunk *ch, uint64_t first_obj) {
  jf_chunk_init(ch, N_PROPS, TYPES);
  uint32_t n_obj = below(g, 40);
  for (uint32_t k = 0; k < n_obj; k++) {
    uint64_t obj = first_obj + k * (1 + below(g, 3));
    int64_t ts = chance(g, 0.05)   ? INT64_MAX - (int64_t)below(g, 1000000) * 1000000
                 : chance(g, 0.05) ? INT64_MIN + (int64_t)below(g, 1000) * 1000000
                                   : (int64_t)(rnd(g) % 4000000000000000ull) - 2000000000000000;
    uint32_t n = 1 + below(g, 25);
    for (uint32_t e = 0; e < n; e++) {
      static const int64_t gaps[] = {0, 1, 10, 11, 1000, 1001, 3600000000, 86400000000};
      int64_t gap = gaps[below(g, 8)];
      if (ts > INT64_MAX - gap) gap = 0;
      ts += gap;
      jf_chunk_event(ch, obj, ts, chance(g, 0.2) ? 0 : 1 + below(g, 5));
      for (uint32_t p = 0; p < N_PROPS; p++) {
        if (!chance(g, 0.35)) continue;
        switch (TYPES[p]) {
        case SKY_PTYPE_INT:
          jf_chunk_set(ch, p, (uint64_t)(chance(g, 0.7) ? (int64_t)below(g, 7) - 3 : INTS[below(g, 12)]));
          break;
        case SKY_PTYPE_FLOAT:
          jf_chunk_set_float(ch, p, chance(g, 0.6) ? (double)below(g, 7) - 3 : float_value(g));
          break;
        case SKY_PTYPE_BOOL: jf_chunk_set(ch, p, below(g, 2)); break;
        case SKY_PTYPE_STRING: jf_chunk_set(ch, p, 1 + below(g, DICT_SIZE)); break;
        }
      }
    }
  }
}

/* ---- the test ---------------------------------------------------------------------- */

static int env_int(const char *name, int def) {
  const char *v = getenv(name);
  return v && *v ? atoi(v) : def;
}

static void fail_case(uint64_t seed, const sky_plan *plan, const char *what) {
  sky_buf b;
  sky_buf_init(&b);
  jf_plan_dump(plan, &b);
  fail_msg("seed %llu: %s\n%s", (unsigned long long)seed, what, b.data);
}

static void run_case(sky_jit *jit, uint64_t seed) {
  gen g;
  memset(&g, 0, sizeof g);
  g.rng = seed * 0x9E3779B97F4A7C15ull;
  jf_plan f;
  gen_plan(&g, &f);
  if (getenv("SKY_JIT_RANDOM_VERBOSE")) {
    sky_buf b;
    sky_buf_init(&b);
    jf_plan_dump(f.plan, &b);
    fprintf(stderr, "seed %llu\n%s", (unsigned long long)seed, b.data);
    sky_buf_free(&b);
  }
  sky_error err;
  sky_jit_query *q = sky_jit_get(jit, f.plan, NULL, &err);
  if (!q) fail_case(seed, f.plan, err.message);
  jf_chunk ch[2];
  int n_chunks = chance(&g, 0.2) ? 2 : 1;
  for (int c = 0; c < n_chunks; c++) {
    gen_chunk(&g, &ch[c], 1 + (uint64_t)c * 1000);
    if (chance(&g, 0.5)) jf_chunk_index(&ch[c]); /* the sparse flat loop may run */
  }
  sky_runtime rt;
  jf_runtime(&rt, f.plan, g.rc, 0);
  sky_groups a, b;
  assert_int_equal(sky_groups_init(&a, f.plan, &rt.budget), 0);
  assert_int_equal(sky_groups_init(&b, f.plan, &rt.budget), 0);
  for (int c = 0; c < n_chunks; c++) {
    uint32_t ea = UINT32_MAX, eb = UINT32_MAX;
    int ra = sky_jit_query_fn(q)(&rt, &ch[c].c, &a, &ea);
    int rb = sky_interp_scan(&rt, &ch[c].c, &b, &eb);
    char msg[200];
    if (ra != rb) {
      snprintf(msg, sizeof msg, "chunk %d: jit returned %d, interpreter %d (exprs %u / %u)", c, ra, rb, ea, eb);
      fail_case(seed, f.plan, msg);
    }
    if (ra == SKY_SCAN_OVERFLOW && ea != eb) {
      snprintf(msg, sizeof msg, "chunk %d: overflow in expr %u, interpreter %u", c, ea, eb);
      fail_case(seed, f.plan, msg);
    }
    if (ra != SKY_SCAN_OK) break;
    const char *d = jf_groups_diff(&a, &b);
    if (d) {
      snprintf(msg, sizeof msg, "chunk %d: tables differ: %s", c, d);
      fail_case(seed, f.plan, msg);
    }
  }
  sky_groups_free(&a);
  sky_groups_free(&b);
  for (int c = 0; c < n_chunks; c++) jf_chunk_free(&ch[c]);
  sky_jit_query_release(q);
  jf_plan_free(&f);
}

static void test_random_plans(void **state) {
  (void)state;
  sky_error err;
  sky_jit *jit = sky_jit_create(0, &err);
  assert_non_null(jit);
  int n = env_int("SKY_JIT_RANDOM_CASES", 400);
  uint64_t first = (uint64_t)env_int("SKY_JIT_RANDOM_SEED", 1);
  for (int i = 0; i < n; i++) run_case(jit, first + (uint64_t)i);
  sky_jit_free(jit);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_plans)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
