/* test_jit_explain.c — golden tests of EXPLAIN IR (sky_jit_explain_ir): the
 * optimized IR of representative plans, compiled for a pinned CPU
 * (x86-64-v3) so the text does not depend on the machine, is compared with
 * tests/jit/golden/<name>.ll. Host-dependent lines (target triple and data
 * layout) are dropped. SKY_GOLDEN_UPDATE=1 rewrites the files: review the
 * diff like code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/jit_internal.h"
#include "common/alloc.h"
#include "common/timeutil.h"
#include "jit_fixture.h"

enum { P_PLAN, P_COUNTRY, P_PRICE, N_PROPS };

static sky_jit *g_jit;

static sky_expr *ts(jf_plan *f) { return jf_leaf(f, SKY_OP_TIMESTAMP, SKY_VT_INT, SKY_DOM_NONE, 0); }
static sky_expr *state_str(jf_plan *f, uint32_t p) {
  return jf_leaf(f, SKY_OP_PROP_STATE, SKY_VT_STRING, sky_prop_dict(p), p);
}
static sky_expr *price(jf_plan *f) { return jf_leaf(f, SKY_OP_PROP_EVENT, SKY_VT_FLOAT, SKY_DOM_NONE, P_PRICE); }

static sky_expr *is_purchase(jf_plan *f) {
  uint32_t rc = jf_rc(f, SKY_RC_CODE, SKY_DICT_ACTION);
  return jf_op(f, SKY_OP_EQ, SKY_VT_BOOL, SKY_DOM_NONE, 2, jf_leaf(f, SKY_OP_ACTION, SKY_VT_STRING, SKY_DICT_ACTION, 0),
               jf_leaf(f, SKY_OP_RCONST, SKY_VT_STRING, SKY_DICT_ACTION, rc));
}

/* count() WHERE action = 'purchase': the flat vectorized loop. */
static void plan_count_where(jf_plan *f) {
  jf_filter(f, is_purchase(f));
  jf_agg(f, SKY_AGG_COUNT_ALL, NULL, -1);
}

/* count(), objects() WHERE action = 'purchase' GROUP BY state.plan */
static void plan_objects_by_state(jf_plan *f) {
  jf_filter(f, is_purchase(f));
  jf_key(f, state_str(f, P_PLAN));
  jf_agg(f, SKY_AGG_COUNT_ALL, NULL, -1);
  jf_agg(f, SKY_AGG_OBJECTS, NULL, -1);
}

/* sessions() GROUP BY state.country WITHIN SESSION 30m */
static void plan_sessions(jf_plan *f) {
  jf_key(f, state_str(f, P_COUNTRY));
  jf_agg(f, SKY_AGG_SESSIONS, NULL, -1);
  jf_session(f, 30 * SKY_US_PER_MIN);
}

/* count(), avg(price) WHERE price > 100 GROUP BY hour(timestamp): prefetch */
static void plan_hour(jf_plan *f) {
  jf_filter(f, jf_op(f, SKY_OP_GT, SKY_VT_BOOL, SKY_DOM_NONE, 2, price(f), jf_float(f, 100.0)));
  jf_key(f, jf_op(f, SKY_OP_HOUR, SKY_VT_INT, SKY_DOM_NONE, 1, ts(f)));
  jf_agg(f, SKY_AGG_COUNT_ALL, NULL, -1);
  jf_agg(f, SKY_AGG_AVG, price(f), -1);
}

/* sum(price) GROUP BY state.plan, month(timestamp): month cache */
static void plan_month(jf_plan *f) {
  jf_key(f, state_str(f, P_PLAN));
  jf_key(f, jf_op(f, SKY_OP_MONTH, SKY_VT_STRING, SKY_DOM_MONTH, 1, ts(f)));
  jf_agg(f, SKY_AGG_SUM, price(f), -1);
}

/* count(DISTINCT object) , sum(x * 2) WHERE x IN (1, 2) OR x IS NULL:
 * overflow exits, a distinct set, no keys but table mode. */
static void plan_overflow_distinct(jf_plan *f) {
  sky_expr *x = jf_leaf(f, SKY_OP_PROP_EVENT, SKY_VT_INT, SKY_DOM_NONE, P_PLAN);
  sky_expr *in = jf_op(f, SKY_OP_IN, SKY_VT_BOOL, SKY_DOM_NONE, 3, x, jf_int(f, 1), jf_int(f, 2));
  sky_expr *isnull = jf_op(f, SKY_OP_IS_NULL, SKY_VT_BOOL, SKY_DOM_NONE, 1,
                           jf_leaf(f, SKY_OP_PROP_EVENT, SKY_VT_INT, SKY_DOM_NONE, P_PLAN));
  jf_filter(f, jf_op(f, SKY_OP_OR, SKY_VT_BOOL, SKY_DOM_NONE, 2, in, isnull));
  jf_agg(f, SKY_AGG_COUNT_DISTINCT, jf_leaf(f, SKY_OP_OBJECT, SKY_VT_OBJECT, SKY_DOM_NONE, 0), -1);
  jf_agg(f, SKY_AGG_SUM,
         jf_op(f, SKY_OP_MUL, SKY_VT_INT, SKY_DOM_NONE, 2,
               jf_leaf(f, SKY_OP_PROP_EVENT, SKY_VT_INT, SKY_DOM_NONE, P_PLAN), jf_int(f, 2)),
         -1);
}

/* count() WHERE price IN (17 constants, NULL): one call of the set helper
 * (a NULL item makes a miss NULL). */
static void plan_in_set(jf_plan *f) {
  sky_const items[18];
  for (int i = 0; i < 17; i++) {
    double d = i + 0.5;
    items[i].is_null = false;
    memcpy(&items[i].word, &d, sizeof d);
  }
  items[17] = (sky_const){true, 0};
  sky_in_set *set = sky_arena_calloc(&f->arena, sizeof *set);
  assert_int_equal(sky_in_set_build(set, SKY_VT_FLOAT, items, 18, &f->arena), 0);
  f->plan->sets = set;
  f->plan->n_sets = 1;
  jf_filter(f, jf_op(f, SKY_OP_IN_SET, SKY_VT_BOOL, SKY_DOM_NONE, 1, price(f)));
  jf_agg(f, SKY_AGG_COUNT_ALL, NULL, -1);
}

/* count() WHERE x IN (600 items, one not constant): over the compile
 * budget, so EXPLAIN IR says it runs on the interpreter (issue 13 item 1). */
static void plan_over_budget(jf_plan *f) {
  sky_expr *x = jf_leaf(f, SKY_OP_PROP_EVENT, SKY_VT_INT, SKY_DOM_NONE, P_PLAN);
  sky_expr *in = jf_op(f, SKY_OP_IN, SKY_VT_BOOL, SKY_DOM_NONE, 0);
  in->n_args = 601;
  in->args = sky_arena_calloc(&f->arena, in->n_args * sizeof *in->args);
  in->args[0] = x;
  for (uint32_t k = 1; k < 600; k++) in->args[k] = jf_int(f, (int64_t)k * 7919);
  in->args[600] = jf_leaf(f, SKY_OP_PROP_EVENT, SKY_VT_INT, SKY_DOM_NONE, P_PLAN);
  jf_filter(f, in);
  jf_agg(f, SKY_AGG_COUNT_ALL, NULL, -1);
}

static const struct golden {
  const char *name;
  void (*build)(jf_plan *f);
} GOLDEN[] = {
    {"count_where", plan_count_where},
    {"objects_by_state", plan_objects_by_state},
    {"sessions", plan_sessions},
    {"hour", plan_hour},
    {"month", plan_month},
    {"overflow_distinct", plan_overflow_distinct},
    {"in_set", plan_in_set},
    {"over_budget", plan_over_budget},
};

/* Drops the host-dependent lines. */
static void normalize(const char *ir, sky_buf *out) {
  for (const char *line = ir; *line;) {
    const char *end = strchr(line, '\n');
    size_t n = end ? (size_t)(end - line) + 1 : strlen(line);
    if (strncmp(line, "target triple", 13) != 0 && strncmp(line, "target datalayout", 17) != 0)
      sky_buf_append(out, line, n);
    line += n;
  }
}

static char *read_file(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  sky_buf b;
  sky_buf_init(&b);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) sky_buf_append(&b, chunk, n);
  fclose(fp);
  sky_buf_putc(&b, 0);
  return sky_buf_take(&b, NULL);
}

static void check_golden(const struct golden *g) {
  jf_plan f;
  jf_plan_init(&f, N_PROPS);
  g->build(&f);
  jf_plan_finish(&f);
  sky_buf ir, text;
  sky_buf_init(&ir);
  sky_buf_init(&text);
  sky_error err;
  if (sky_jit_explain_ir(g_jit, f.plan, &ir, &err) != 0) fail_msg("%s: %s", g->name, err.message);
  normalize(ir.data, &text);
  const char *src = getenv("SKY_SOURCE_DIR");
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/jit/golden/%s.ll", src ? src : ".", g->name);
  const char *update = getenv("SKY_GOLDEN_UPDATE");
  if (update && !strcmp(update, "1")) {
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fwrite(text.data, 1, text.len, fp);
    fclose(fp);
  } else {
    char *want = read_file(path);
    if (!want) fail_msg("missing golden file %s (run with SKY_GOLDEN_UPDATE=1)", path);
    if (strcmp(want, text.data) != 0) {
      int line = 1;
      size_t i = 0;
      while (want[i] && want[i] == text.data[i]) line += want[i++] == '\n';
      size_t a = i, b = i;
      while (a > 0 && want[a - 1] != '\n') a--;
      while (b > 0 && text.data[b - 1] != '\n') b--;
      fail_msg(
          "EXPLAIN IR of %s differs from %s at line %d (SKY_GOLDEN_UPDATE=1 rewrites it):\n"
          "want: %.120s\ngot:  %.120s",
          g->name, path, line, want + a, text.data + b);
    }
    sky_free(want);
  }
  sky_buf_free(&ir);
  sky_buf_free(&text);
  jf_plan_free(&f);
}

static void test_golden(void **state) {
  (void)state;
  for (size_t k = 0; k < sizeof GOLDEN / sizeof *GOLDEN; k++) check_golden(&GOLDEN[k]);
}

/* The IR is a pure function of the plan: two explains are identical, and
 * a compiled query gets its own symbol name, never "sky_scan". */
static void test_deterministic(void **state) {
  (void)state;
  jf_plan f;
  jf_plan_init(&f, N_PROPS);
  plan_month(&f);
  jf_plan_finish(&f);
  sky_buf a, b;
  sky_buf_init(&a);
  sky_buf_init(&b);
  sky_error err;
  assert_int_equal(sky_jit_explain_ir(g_jit, f.plan, &a, &err), 0);
  assert_int_equal(sky_jit_explain_ir(g_jit, f.plan, &b, &err), 0);
  assert_string_equal(a.data, b.data);
  assert_non_null(strstr(a.data, "define i32 @sky_scan("));
  sky_buf_free(&a);
  sky_buf_free(&b);
  jf_plan_free(&f);
}

static int setup(void **state) {
  (void)state;
  sky_error err;
  g_jit = sky_jit_create_for_cpu(0, "x86-64-v3", "", &err);
  return g_jit ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  sky_jit_free(g_jit);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_golden), cmocka_unit_test(test_deterministic)};
  return cmocka_run_group_tests(tests, setup, teardown);
}
