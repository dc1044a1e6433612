/* test_interp_eval.c — the reference interpreter's expression evaluator,
 * operator by operator, on hand-built expressions: NULL propagation, SQL
 * three-valued logic, INT overflow, division and modulo by zero, every
 * comparison type, IN with NULLs, strings, time buckets, runtime-constant
 * lookups (hand-made rank and match tables) and the evaluation order that
 * the JIT must reproduce. Expected values are computed by hand. */
#include <math.h>
#include <string.h>

#include "engine_fixture.h"

static tplan T;

static int setup(void **state) {
  (void)state;
  tp_init(&T, 4);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  tp_free(&T);
  return 0;
}

static sky_ival ev(sky_expr *e) {
  sky_ival v = {0, false};
  int rc = tp_eval(&T, e, &v);
  if (rc != SKY_EVAL_OK) fail_msg("evaluation of '%s' failed (%d)", e->text, rc);
  return v;
}

static void is_int(sky_ival v, int64_t x) {
  assert_false(v.null);
  assert_int_equal((int64_t)v.w, x);
}

static void is_bool(sky_ival v, bool b) {
  assert_false(v.null);
  assert_int_equal(v.w, b ? 1 : 0);
}

static void is_null(sky_ival v) {
  assert_true(v.null);
}

static void is_float(sky_ival v, double d) {
  assert_false(v.null);
  double got;
  memcpy(&got, &v.w, 8);
  if (memcmp(&got, &d, 8) != 0) fail_msg("%.17g, expected %.17g", got, d);
}

/* Evaluation must fail with an overflow in expression `culprit`. */
static void overflows(sky_expr *e, const sky_expr *culprit) {
  sky_runtime rt;
  tp_runtime(&T, &rt, 0);
  sky_eval_env env = {.rt = &rt};
  sky_ival v;
  assert_int_equal(sky_interp_eval(&env, e, &v), SKY_EVAL_OVERFLOW);
  assert_int_equal(env.err_expr, culprit->id);
}

#define I(v) tp_int(&T, v)
#define F(v) tp_float(&T, v)
#define B(v) tp_bool(&T, v)
#define BIN(op, type, a, b) tp_op(&T, SKY_OP_##op, SKY_VT_##type, 2, a, b)
#define UN(op, type, a) tp_op(&T, SKY_OP_##op, SKY_VT_##type, 1, a)

static sky_expr *month_const(int64_t m) {
  sky_expr *e = tp_int(&T, m);
  e->type = SKY_VT_STRING;
  e->dom = SKY_DOM_MONTH;
  return e;
}

/* ---- arithmetic --------------------------------------------------------------- */

static void test_int_arithmetic(void **state) {
  (void)state;
  is_int(ev(BIN(ADD, INT, I(2), I(3))), 5);
  is_int(ev(BIN(SUB, INT, I(2), I(5))), -3);
  is_int(ev(BIN(MUL, INT, I(-4), I(5))), -20);
  is_int(ev(UN(NEG, INT, I(7))), -7);
  is_int(ev(BIN(ADD, INT, I(INT64_MIN), I(INT64_MAX))), -1);
  is_int(ev(UN(NEG, INT, I(INT64_MAX))), -INT64_MAX);
  is_int(ev(BIN(MUL, INT, I(INT64_MIN), I(1))), INT64_MIN);
  /* NULL propagates. */
  is_null(ev(BIN(ADD, INT, tp_null(&T, SKY_VT_INT), I(1))));
  is_null(ev(BIN(MUL, INT, I(1), tp_null(&T, SKY_VT_INT))));
  is_null(ev(UN(NEG, INT, tp_null(&T, SKY_VT_INT))));
}

static void test_int_overflow(void **state) {
  (void)state;
  sky_expr *e;
  e = BIN(ADD, INT, I(INT64_MAX), I(1));
  overflows(e, e);
  e = BIN(SUB, INT, I(INT64_MIN), I(1));
  overflows(e, e);
  e = BIN(SUB, INT, I(0), I(INT64_MIN));
  overflows(e, e);
  e = BIN(MUL, INT, I(INT64_MAX), I(2));
  overflows(e, e);
  e = BIN(MUL, INT, I(INT64_MIN), I(-1));
  overflows(e, e);
  e = UN(NEG, INT, I(INT64_MIN));
  overflows(e, e);
  /* The failing node is reported, even under an operator whose result
   * would be NULL: every operand is evaluated. */
  sky_expr *inner = BIN(ADD, INT, I(INT64_MAX), I(1));
  overflows(BIN(ADD, INT, tp_null(&T, SKY_VT_INT), inner), inner);
  sky_expr *inner2 = BIN(MUL, INT, I(INT64_MAX), I(INT64_MAX));
  overflows(tp_op(&T, SKY_OP_IS_NULL, SKY_VT_BOOL, 1, inner2), inner2);
  /* Left operand first. */
  sky_expr *l = UN(NEG, INT, I(INT64_MIN)), *r = BIN(ADD, INT, I(INT64_MAX), I(1));
  overflows(BIN(EQ, BOOL, l, r), l);
}

static void test_float_arithmetic(void **state) {
  (void)state;
  is_float(ev(BIN(ADD, FLOAT, F(1.5), F(2.25))), 3.75);
  is_float(ev(BIN(SUB, FLOAT, F(1.5), F(2.25))), -0.75);
  is_float(ev(BIN(MUL, FLOAT, F(1e308), F(10))), INFINITY); /* no FLOAT overflow error */
  is_float(ev(UN(NEG, FLOAT, F(0.0))), -0.0);
  is_float(ev(UN(TO_FLOAT, FLOAT, I(-3))), -3.0);
  is_float(ev(UN(TO_FLOAT, FLOAT, I(INT64_MAX))), 9223372036854775808.0);
  is_null(ev(UN(TO_FLOAT, FLOAT, tp_null(&T, SKY_VT_INT))));
}

static void test_division(void **state) {
  (void)state;
  is_float(ev(BIN(DIV, FLOAT, F(7), F(2))), 3.5);
  is_float(ev(BIN(DIV, FLOAT, F(-1), F(4))), -0.25);
  is_null(ev(BIN(DIV, FLOAT, F(1), F(0.0))));
  is_null(ev(BIN(DIV, FLOAT, F(1), F(-0.0))));
  is_null(ev(BIN(DIV, FLOAT, F(0), F(0))));
  is_null(ev(BIN(DIV, FLOAT, tp_null(&T, SKY_VT_FLOAT), F(2))));
  is_float(ev(BIN(DIV, FLOAT, F(1e308), F(1e-10))), INFINITY);
}

static void test_modulo(void **state) {
  (void)state;
  is_int(ev(BIN(MOD, INT, I(7), I(3))), 1);
  is_int(ev(BIN(MOD, INT, I(-7), I(3))), -1); /* sign of the dividend */
  is_int(ev(BIN(MOD, INT, I(7), I(-3))), 1);
  is_int(ev(BIN(MOD, INT, I(-7), I(-3))), -1);
  is_int(ev(BIN(MOD, INT, I(INT64_MIN), I(-1))), 0);
  is_int(ev(BIN(MOD, INT, I(INT64_MIN), I(INT64_MAX))), -1);
  is_int(ev(BIN(MOD, INT, I(INT64_MAX), I(INT64_MIN))), INT64_MAX);
  is_null(ev(BIN(MOD, INT, I(5), I(0))));
  is_null(ev(BIN(MOD, INT, I(0), I(0))));
  is_null(ev(BIN(MOD, INT, tp_null(&T, SKY_VT_INT), I(3))));
  is_float(ev(BIN(MOD, FLOAT, F(-7.5), F(2))), -1.5);
  is_float(ev(BIN(MOD, FLOAT, F(7.5), F(-2))), 1.5);
  is_null(ev(BIN(MOD, FLOAT, F(7.5), F(0.0))));
  is_null(ev(BIN(MOD, FLOAT, F(7.5), F(-0.0))));
}

/* ---- logic ----------------------------------------------------------------------- */

/* 0 = FALSE, 1 = TRUE, 2 = NULL */
static sky_expr *tv(int v) { return v == 2 ? tp_null(&T, SKY_VT_BOOL) : B(v == 1); }

static void expect_tv(sky_ival v, int x) {
  if (x == 2) is_null(v);
  else is_bool(v, x == 1);
}

static void test_three_valued_logic(void **state) {
  (void)state;
  /* rows: left F, T, N; columns: right F, T, N */
  static const int and_tab[3][3] = {{0, 0, 0}, {0, 1, 2}, {0, 2, 2}};
  static const int or_tab[3][3] = {{0, 1, 2}, {1, 1, 1}, {2, 1, 2}};
  for (int a = 0; a < 3; a++) {
    for (int b = 0; b < 3; b++) {
      expect_tv(ev(BIN(AND, BOOL, tv(a), tv(b))), and_tab[a][b]);
      expect_tv(ev(BIN(OR, BOOL, tv(a), tv(b))), or_tab[a][b]);
    }
  }
  expect_tv(ev(UN(NOT, BOOL, tv(0))), 1);
  expect_tv(ev(UN(NOT, BOOL, tv(1))), 0);
  expect_tv(ev(UN(NOT, BOOL, tv(2))), 2);
  /* An untyped NULL behaves like a NULL BOOL. */
  expect_tv(ev(BIN(AND, BOOL, tp_null(&T, SKY_VT_NULL), tv(1))), 2);
  expect_tv(ev(BIN(OR, BOOL, tp_null(&T, SKY_VT_NULL), tv(1))), 1);
  is_bool(ev(UN(IS_NULL, BOOL, tp_null(&T, SKY_VT_NULL))), true);
  is_bool(ev(UN(IS_NULL, BOOL, I(0))), false);
  is_bool(ev(UN(IS_NOT_NULL, BOOL, I(0))), true);
  is_bool(ev(UN(IS_NOT_NULL, BOOL, tp_null(&T, SKY_VT_INT))), false);
}

static sky_expr *overflowing_test(sky_expr **culprit) {
  *culprit = BIN(ADD, INT, I(INT64_MAX), I(1));
  return BIN(GT, BOOL, *culprit, I(0));
}

static void test_short_circuit(void **state) {
  (void)state;
  sky_expr *c;
  /* A decisive left operand skips the right one. */
  is_bool(ev(BIN(AND, BOOL, tv(0), overflowing_test(&c))), false);
  is_bool(ev(BIN(OR, BOOL, tv(1), overflowing_test(&c))), true);
  /* Otherwise the right operand is evaluated and its error stands. */
  sky_expr *e = BIN(AND, BOOL, tv(1), overflowing_test(&c));
  overflows(e, c);
  e = BIN(AND, BOOL, tv(2), overflowing_test(&c));
  overflows(e, c);
  e = BIN(OR, BOOL, tv(0), overflowing_test(&c));
  overflows(e, c);
  e = BIN(OR, BOOL, tv(2), overflowing_test(&c));
  overflows(e, c);
  /* A left operand that fails is reported whatever the right one. */
  e = BIN(AND, BOOL, overflowing_test(&c), tv(0));
  overflows(e, c);
}

/* ---- comparisons -------------------------------------------------------------------- */

/* Checks all six comparisons of a and b against the expected order
 * (-1, 0, 1; 2 = unordered). Builds fresh constants through `mk`. */
typedef sky_expr *(*mk_fn)(int which);

static void compare_all(mk_fn mk, int order) {
  static const sky_op ops[] = {SKY_OP_EQ, SKY_OP_NE, SKY_OP_LT, SKY_OP_LE, SKY_OP_GT, SKY_OP_GE};
  bool want[6] = {order == 0, order != 0, order == -1, order == -1 || order == 0, order == 1,
                  order == 1 || order == 0};
  for (int k = 0; k < 6; k++) {
    sky_ival v = ev(tp_op(&T, ops[k], SKY_VT_BOOL, 2, mk(0), mk(1)));
    if (v.null || v.w != (want[k] ? 1u : 0u)) fail_msg("comparison %d of order %d gave %llu", k, order, (unsigned long long)v.w);
    v = ev(tp_op(&T, ops[k], SKY_VT_BOOL, 2, mk(2), mk(1)));
    is_null(v);
    v = ev(tp_op(&T, ops[k], SKY_VT_BOOL, 2, mk(0), mk(2)));
    is_null(v);
  }
}

static int64_t g_a, g_b;
static double g_fa, g_fb;
static sky_vtype g_type;
static uint32_t g_dom;

static sky_expr *mk_word(int which) {
  if (which == 2) {
    sky_expr *n = tp_null(&T, g_type);
    n->dom = g_dom;
    return n;
  }
  sky_expr *e = tp_int(&T, which ? g_b : g_a);
  e->type = g_type;
  e->dom = g_dom;
  return e;
}

static sky_expr *mk_float(int which) {
  if (which == 2) return tp_null(&T, SKY_VT_FLOAT);
  return F(which ? g_fb : g_fa);
}

static void words(sky_vtype type, uint32_t dom, int64_t a, int64_t b, int order) {
  g_type = type, g_dom = dom, g_a = a, g_b = b;
  compare_all(mk_word, order);
}

static void floats(double a, double b, int order) {
  g_fa = a, g_fb = b;
  compare_all(mk_float, order);
}

static void test_comparisons(void **state) {
  (void)state;
  words(SKY_VT_INT, SKY_DOM_NONE, 1, 2, -1);
  words(SKY_VT_INT, SKY_DOM_NONE, 2, 2, 0);
  words(SKY_VT_INT, SKY_DOM_NONE, -1, 1, -1); /* signed */
  words(SKY_VT_INT, SKY_DOM_NONE, INT64_MAX, INT64_MIN, 1);
  words(SKY_VT_OBJECT, SKY_DOM_NONE, (int64_t)(UINT64_C(1) << 63), 1, 1); /* unsigned */
  words(SKY_VT_OBJECT, SKY_DOM_NONE, 7, 7, 0);
  words(SKY_VT_BOOL, SKY_DOM_NONE, 0, 1, -1); /* FALSE < TRUE */
  words(SKY_VT_BOOL, SKY_DOM_NONE, 1, 1, 0);
  words(SKY_VT_STRING, SKY_DOM_DAY, 20513, 20514, -1);
  words(SKY_VT_STRING, SKY_DOM_DAY, -1, 0, -1); /* 1969-12-31 < 1970-01-01 */
  words(SKY_VT_STRING, SKY_DOM_MONTH, 674, 673, 1);
  floats(1.5, 2.5, -1);
  floats(-0.0, 0.0, 0);
  floats(INFINITY, 1e308, 1);
  floats(-INFINITY, -1e308, -1);
  floats(NAN, 1.0, 2); /* IEEE: only != holds */
  floats(NAN, NAN, 2);
  /* STRING equality within one domain compares words (literals are
   * deduplicated, so equal text is the same word). */
  is_bool(ev(BIN(EQ, BOOL, tp_str(&T, "a"), tp_str(&T, "a"))), true);
  is_bool(ev(BIN(NE, BOOL, tp_str(&T, "a"), tp_str(&T, "b"))), true);
  is_bool(ev(BIN(EQ, BOOL, tp_str(&T, "a"), tp_str(&T, "b"))), false);
  is_null(ev(BIN(EQ, BOOL, tp_str(&T, "a"), tp_null(&T, SKY_VT_STRING))));
  is_null(ev(BIN(EQ, BOOL, tp_null(&T, SKY_VT_NULL), tp_null(&T, SKY_VT_NULL))));
}

/* ---- IN ------------------------------------------------------------------------------ */

static sky_expr *in_ints(sky_expr *operand, int n, const int *items) {
  sky_expr *it[8];
  for (int i = 0; i < n; i++) it[i] = items[i] == 999 ? tp_null(&T, SKY_VT_INT) : I(items[i]);
  return tp_in(&T, operand, (uint32_t)n, it);
}

static void test_in(void **state) {
  (void)state;
  is_bool(ev(in_ints(I(2), 3, (int[]){1, 2, 3})), true);
  is_bool(ev(in_ints(I(5), 3, (int[]){1, 2, 3})), false);
  is_bool(ev(in_ints(I(1), 2, (int[]){999, 1})), true);  /* a match wins over NULL */
  is_null(ev(in_ints(I(5), 2, (int[]){1, 999})));          /* no match, a NULL item */
  is_null(ev(in_ints(tp_null(&T, SKY_VT_INT), 2, (int[]){1, 2})));
  is_null(ev(in_ints(tp_null(&T, SKY_VT_INT), 1, (int[]){999})));
  /* NOT IN follows from NOT. */
  is_null(ev(UN(NOT, BOOL, in_ints(I(5), 2, (int[]){1, 999}))));
  is_bool(ev(UN(NOT, BOOL, in_ints(I(5), 2, (int[]){1, 2}))), true);
  /* FLOAT items compare with IEEE equality. */
  sky_expr *fi[2] = {F(-0.0), F(NAN)};
  is_bool(ev(tp_in(&T, F(0.0), 1, fi)), true);
  sky_expr *fn[1] = {F(NAN)};
  is_bool(ev(tp_in(&T, F(NAN), 1, fn)), false);
  /* Strings of one domain. */
  sky_expr *si[2] = {tp_str(&T, "a"), tp_str(&T, "b")};
  is_bool(ev(tp_in(&T, tp_str(&T, "b"), 2, si)), true);
  /* Items are evaluated in order up to the first match. */
  sky_expr *c = BIN(ADD, INT, I(INT64_MAX), I(1));
  sky_expr *sc[2] = {I(1), c};
  is_bool(ev(tp_in(&T, I(1), 2, sc)), true);
  sky_expr *sc2[2] = {I(1), c};
  overflows(tp_in(&T, I(2), 2, sc2), c);
  sky_expr *sc3[1] = {c};
  overflows(tp_in(&T, tp_null(&T, SKY_VT_INT), 1, sc3), c);
}

/* ---- strings ------------------------------------------------------------------------- */

static sky_expr *like(sky_expr *s, const char *pattern) {
  sky_expr *p = tp_str(&T, pattern); /* registers the literal; its index is the pattern */
  sky_expr *e = UN(LIKE, BOOL, s);
  e->index = (uint32_t)p->value.word;
  return e;
}

static void test_strings(void **state) {
  (void)state;
  is_int(ev(BIN(STR_CMP, INT, tp_str(&T, "ab"), tp_str(&T, "b"))), -1);
  is_int(ev(BIN(STR_CMP, INT, tp_str(&T, "b"), tp_str(&T, "ab"))), 1);
  is_int(ev(BIN(STR_CMP, INT, tp_str(&T, "x"), tp_str(&T, "x"))), 0);
  is_int(ev(BIN(STR_CMP, INT, tp_str(&T, "ab"), tp_str(&T, "abc"))), -1);
  is_int(ev(BIN(STR_CMP, INT, tp_str(&T, "\xc3\xa9"), tp_str(&T, "z"))), 1); /* UTF-8 bytes */
  is_int(ev(BIN(STR_CMP, INT, tp_str(&T, "Z"), tp_str(&T, "a"))), -1);
  /* Across domains: a literal against a day and a month. */
  is_int(ev(BIN(STR_CMP, INT, tp_str(&T, "2026-03-01"), tp_day(&T, "2026-03-01"))), 0);
  is_int(ev(BIN(STR_CMP, INT, tp_str(&T, "2026-03-1"), tp_day(&T, "2026-03-01"))), 1);
  is_int(ev(BIN(STR_CMP, INT, month_const(674), tp_str(&T, "2026-03"))), 0);
  is_int(ev(BIN(STR_CMP, INT, month_const(674), tp_day(&T, "2026-03-01"))), -1);
  is_null(ev(BIN(STR_CMP, INT, tp_null(&T, SKY_VT_STRING), tp_str(&T, "x"))));
  /* LIKE: case-sensitive, % and _, on any domain. */
  is_bool(ev(like(tp_str(&T, "hello"), "he%")), true);
  is_bool(ev(like(tp_str(&T, "Hello"), "he%")), false);
  is_bool(ev(like(tp_str(&T, "hello"), "h_llo")), true);
  is_bool(ev(like(tp_str(&T, "h\xc3\xa9llo"), "h_llo")), true);
  is_bool(ev(like(tp_str(&T, "hello"), "%l")), false);
  is_bool(ev(like(tp_day(&T, "2026-03-01"), "2026-03%")), true);
  is_bool(ev(like(month_const(674), "%-03")), true);
  is_null(ev(like(tp_null(&T, SKY_VT_STRING), "%")));
}

/* ---- time buckets --------------------------------------------------------------------- */

static void test_buckets(void **state) {
  (void)state;
  int64_t t = INT64_C(1772409599999999); /* 2026-03-01T23:59:59.999999Z, a Sunday */
  is_int(ev(UN(HOUR, INT, I(t))), 23);
  is_int(ev(UN(WEEKDAY, INT, I(t))), 6);
  is_int(ev(UN(DAY, STRING, I(t))), 20513);
  is_int(ev(UN(DAY, STRING, I(t + 1))), 20514);
  is_int(ev(UN(WEEK, STRING, I(t))), 20507); /* Monday 2026-02-23 */
  is_int(ev(UN(MONTH, STRING, I(t))), 674);  /* (2026 - 1970) * 12 + 2 */
  is_int(ev(UN(HOUR, INT, I(-1))), 23);
  is_int(ev(UN(WEEKDAY, INT, I(-1))), 2); /* 1969-12-31, a Wednesday */
  is_int(ev(UN(DAY, STRING, I(-1))), -1);
  is_int(ev(UN(MONTH, STRING, I(-1))), -1);
  is_int(ev(UN(WEEK, STRING, I(0))), -3); /* 1970-01-01 (Thursday) -> Monday 1969-12-29 */
  is_null(ev(UN(HOUR, INT, tp_null(&T, SKY_VT_INT))));
  is_null(ev(UN(MONTH, STRING, tp_null(&T, SKY_VT_INT))));
}

/* ---- leaves and runtime constants ----------------------------------------------------- */

enum { P_INT, P_FLOAT, P_BOOL, P_STR };
static const sky_prop_type TYPES[4] = {SKY_PTYPE_INT, SKY_PTYPE_FLOAT, SKY_PTYPE_BOOL, SKY_PTYPE_STRING};

static void test_leaves(void **state) {
  (void)state;
  tchunk *c = tc_new(4, TYPES);
  tc_object(c, UINT64_MAX);
  tc_event(c, -5, 2);
  tc_int(c, P_INT, -9);
  tc_float(c, P_FLOAT, 2.5);
  tc_bool(c, P_BOOL, true);
  tc_code(c, P_STR, 3);
  tc_event(c, 7, 0); /* carries nothing */
  tc_event(c, 8, 1);
  tc_code(c, P_STR, 0); /* present but code 0: NULL */
  tc_bool(c, P_BOOL, false);
  sky_ival v;
  sky_expr *obj = tp_op(&T, SKY_OP_OBJECT, SKY_VT_OBJECT, 0);
  sky_expr *ts = tp_op(&T, SKY_OP_TIMESTAMP, SKY_VT_INT, 0);
  sky_expr *act = tp_action(&T);
  sky_expr *pi = tp_event(&T, P_INT, SKY_VT_INT), *pf = tp_event(&T, P_FLOAT, SKY_VT_FLOAT);
  sky_expr *pb = tp_event(&T, P_BOOL, SKY_VT_BOOL), *ps = tp_event(&T, P_STR, SKY_VT_STRING);
  assert_int_equal(tp_eval_event(&T, c, 0, 0, obj, &v), 0);
  assert_false(v.null);
  assert_true(v.w == UINT64_MAX);
  tp_eval_event(&T, c, 0, 0, ts, &v), is_int(v, -5);
  tp_eval_event(&T, c, 0, 0, act, &v), is_int(v, 2);
  tp_eval_event(&T, c, 0, 1, act, &v), is_null(v);
  tp_eval_event(&T, c, 0, 0, pi, &v), is_int(v, -9);
  tp_eval_event(&T, c, 0, 0, pf, &v), is_float(v, 2.5);
  tp_eval_event(&T, c, 0, 0, pb, &v), is_bool(v, true);
  tp_eval_event(&T, c, 0, 0, ps, &v), is_int(v, 3);
  for (sky_expr **e = (sky_expr *[]){pi, pf, pb, ps, NULL}; *e; e++) tp_eval_event(&T, c, 0, 1, *e, &v), is_null(v);
  tp_eval_event(&T, c, 0, 2, ps, &v), is_null(v);
  tp_eval_event(&T, c, 0, 2, pb, &v), is_bool(v, false);
  tc_free(c);
}

static void test_runtime_constants(void **state) {
  (void)state;
  /* A dictionary of three strings: code 1 "m", code 2 "a", code 3 "z". */
  static const uint32_t ranks[4] = {0, 3, 1, 5};
  static const uint8_t like_m[4] = {0, 1, 0, 0};
  sky_rc r = {.kind = SKY_RC_RANKS, .dict = sky_prop_dict(P_STR)};
  uint32_t rc_ranks = tp_add_rc(&T, r, (uint64_t)(uintptr_t)ranks);
  r.kind = SKY_RC_RANK, r.str = "n", r.len = 1;
  uint32_t rc_n = tp_add_rc(&T, r, 4); /* absent "n": the even rank between "m" and "z" */
  r.kind = SKY_RC_LIKE, r.str = "m%";
  uint32_t rc_like = tp_add_rc(&T, r, (uint64_t)(uintptr_t)like_m);
  r = (sky_rc){.kind = SKY_RC_CODE, .dict = SKY_DICT_ACTION, .str = "buy", .len = 3};
  uint32_t rc_buy = tp_add_rc(&T, r, 2);
  r.str = "nope";
  uint32_t rc_missing = tp_add_rc(&T, r, SKY_CODE_MISSING);

  tchunk *c = tc_new(4, TYPES);
  tc_object(c, 1);
  for (uint32_t code = 0; code <= 3; code++) {
    tc_event(c, code, code);
    if (code) tc_code(c, P_STR, code);
  }
  sky_expr *ps = tp_event(&T, P_STR, SKY_VT_STRING);
  sky_expr *rank = UN(RANK, INT, ps);
  rank->index = rc_ranks;
  sky_expr *lt_n = BIN(LT, BOOL, rank, tp_rconst(&T, rc_n, SKY_VT_INT, SKY_DOM_NONE));
  sky_expr *match = UN(DICT_MATCH, BOOL, ps);
  match->index = rc_like;
  sky_expr *is_buy = BIN(EQ, BOOL, tp_action(&T), tp_rconst(&T, rc_buy, SKY_VT_STRING, SKY_DICT_ACTION));
  sky_expr *is_missing = BIN(EQ, BOOL, tp_action(&T), tp_rconst(&T, rc_missing, SKY_VT_STRING, SKY_DICT_ACTION));
  static const int64_t want_rank[4] = {0, 3, 1, 5};
  static const int want_lt[4] = {2, 1, 1, 0}, want_match[4] = {2, 1, 0, 0}, want_buy[4] = {2, 0, 1, 0};
  for (uint64_t i = 0; i < 4; i++) {
    sky_ival v;
    tp_eval_event(&T, c, 0, i, rank, &v);
    if (i == 0) is_null(v);
    else is_int(v, want_rank[i]);
    tp_eval_event(&T, c, 0, i, lt_n, &v), expect_tv(v, want_lt[i]);
    tp_eval_event(&T, c, 0, i, match, &v), expect_tv(v, want_match[i]);
    tp_eval_event(&T, c, 0, i, is_buy, &v), expect_tv(v, want_buy[i]);
    tp_eval_event(&T, c, 0, i, is_missing, &v), expect_tv(v, i == 0 ? 2 : 0);
  }
  tc_free(c);
}

/* ---- sorting order -------------------------------------------------------------------- */

static void test_sort_order(void **state) {
  (void)state;
  sky_runtime rt;
  tp_runtime(&T, &rt, 0);
  const char *texts[] = {"Z", "a", "ab", "z", "\xc3\xa9"}; /* ascending by UTF-8 bytes */
  sky_ival lit[5];
  for (int i = 0; i < 5; i++) lit[i] = (sky_ival){tp_str(&T, texts[i])->value.word, false};
  sky_ival null = {0, true};
  for (int i = 0; i < 5; i++) {
    assert_true(sky_interp_sort_cmp(&rt, SKY_VT_STRING, SKY_DOM_LITERAL, null, lit[i]) < 0);
    for (int j = 0; j < 5; j++) {
      int c = sky_interp_sort_cmp(&rt, SKY_VT_STRING, SKY_DOM_LITERAL, lit[i], lit[j]);
      assert_true(i < j ? c < 0 : i > j ? c > 0 : c == 0);
    }
  }
  double fl[] = {-INFINITY, -1.5, 0.0, 2.0, INFINITY, NAN};
  for (int i = 0; i < 6; i++) {
    for (int j = 0; j < 6; j++) {
      sky_ival a = {0, false}, b = {0, false};
      memcpy(&a.w, &fl[i], 8);
      memcpy(&b.w, &fl[j], 8);
      int c = sky_interp_sort_cmp(&rt, SKY_VT_FLOAT, SKY_DOM_NONE, a, b);
      assert_true(i < j ? c < 0 : i > j ? c > 0 : c == 0);
    }
  }
  double mz = -0.0, pz = 0.0;
  sky_ival a = {0, false}, b = {0, false};
  memcpy(&a.w, &mz, 8);
  memcpy(&b.w, &pz, 8);
  assert_int_equal(sky_interp_sort_cmp(&rt, SKY_VT_FLOAT, SKY_DOM_NONE, a, b), 0);
  assert_true(sky_interp_sort_cmp(&rt, SKY_VT_OBJECT, SKY_DOM_NONE, (sky_ival){5, false},
                                  (sky_ival){UINT64_C(1) << 63, false}) < 0);
  assert_true(sky_interp_sort_cmp(&rt, SKY_VT_INT, SKY_DOM_NONE, (sky_ival){(uint64_t)-5, false},
                                  (sky_ival){3, false}) < 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_int_arithmetic, setup, teardown),
      cmocka_unit_test_setup_teardown(test_int_overflow, setup, teardown),
      cmocka_unit_test_setup_teardown(test_float_arithmetic, setup, teardown),
      cmocka_unit_test_setup_teardown(test_division, setup, teardown),
      cmocka_unit_test_setup_teardown(test_modulo, setup, teardown),
      cmocka_unit_test_setup_teardown(test_three_valued_logic, setup, teardown),
      cmocka_unit_test_setup_teardown(test_short_circuit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_comparisons, setup, teardown),
      cmocka_unit_test_setup_teardown(test_in, setup, teardown),
      cmocka_unit_test_setup_teardown(test_strings, setup, teardown),
      cmocka_unit_test_setup_teardown(test_buckets, setup, teardown),
      cmocka_unit_test_setup_teardown(test_leaves, setup, teardown),
      cmocka_unit_test_setup_teardown(test_runtime_constants, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sort_order, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
