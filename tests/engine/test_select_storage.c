/* test_select_storage.c — sky_select_run end to end over a real snapshot
 * (a store in $SKY_TEST_TMP, one LOAD): the dictionary-dependent parts of
 * the interpreter and finalizer (runtime-constant codes, missing literals,
 * ranks, LIKE and IN tables, string comparisons across domains, MIN/MAX
 * over dictionary strings, dictionary strings in results and in the
 * default order), and determinism over 64 real partitions on a worker
 * pool, checked against a brute-force model of a generated dataset. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/pool.h"
#include "engine_fixture.h"

enum { P_PLAN, P_PRICE, P_AMOUNT, P_OK };

static sky_store *g_store;
static sky_snapshot *g_small, *g_big;
static char g_dir[512];

/* ---- data ---------------------------------------------------------------------- */

typedef struct row {
  uint64_t obj;
  int64_t ts;
  const char *action, *plan;
  int64_t price; /* 0 = absent */
} row;

/* Hand-sized data: expected answers below are computed from it by hand. */
static const row SMALL[] = {
    {1, 100, "view", "pro", 0},      {1, 200, "purchase", NULL, 10}, {1, 300, "purchase", "basic", 5},
    {2, 100, "view", "zeta", 0},     {2, 150, "add_to_cart", NULL, 0}, {2, 160, "purchase", NULL, 7},
    {3, 50, "view", "Alpha", 0},     {3, 60, "purchase", NULL, 1},   {4, 10, "view", NULL, 0},
    {4, 20, "purchase", NULL, 100},  {5, 5, "view", "\xc3\xa9" "clair", 0}, {5, 6, "purchase", NULL, 3},
    {1000000007, 1, "purchase", "basic", 2},
};

static void check(int rc, const sky_error *err) {
  if (rc != 0) fail_msg("storage: %s: %s", sky_code_name(err->code), err->message);
}

/* Creates table `name` and loads rows produced by `gen`, returns a snapshot. */
typedef size_t (*gen_fn)(size_t i, row *r, double *amount);

static sky_snapshot *load_table(const char *name, size_t n, gen_fn gen) {
  sky_error err;
  sky_prop props[4] = {{.kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING},
                       {.kind = SKY_KIND_EVENT, .type = SKY_PTYPE_INT},
                       {.kind = SKY_KIND_EVENT, .type = SKY_PTYPE_FLOAT},
                       {.kind = SKY_KIND_EVENT, .type = SKY_PTYPE_BOOL}};
  strcpy(props[0].name, "plan");
  strcpy(props[1].name, "price");
  strcpy(props[2].name, "amount");
  strcpy(props[3].name, "ok");
  check(sky_store_create_table(g_store, name, props, 4, &err), &err);
  sky_table *t = sky_store_table(g_store, name, &err);
  assert_non_null(t);
  sky_snapshot *before = sky_table_snapshot(t, &err);
  assert_non_null(before);
  sky_batch *b = sky_batch_create(sky_snapshot_schema(before));
  assert_non_null(b);
  for (size_t i = 0; i < n; i++) {
    row r;
    double amount = NAN;
    gen(i, &r, &amount);
    int64_t k = sky_batch_add_row(b, r.obj, r.ts);
    assert_true(k >= 0);
    assert_int_equal(sky_batch_set_action(b, (size_t)k, r.action, strlen(r.action)), 0);
    if (r.plan) assert_int_equal(sky_batch_set_string(b, (size_t)k, P_PLAN, r.plan, strlen(r.plan)), 0);
    if (r.price) sky_batch_set_int(b, (size_t)k, P_PRICE, r.price);
    if (!isnan(amount)) sky_batch_set_float(b, (size_t)k, P_AMOUNT, amount);
    sky_batch_set_bool(b, (size_t)k, P_OK, r.price % 2 == 0);
  }
  sky_load_txn *tx = sky_table_load_begin(t, &err);
  assert_non_null(tx);
  check(sky_load_txn_add(tx, b, &err), &err);
  uint64_t loaded = 0;
  check(sky_load_txn_commit(tx, &loaded, &err), &err);
  assert_int_equal(loaded, n);
  sky_batch_free(b);
  sky_snapshot_release(before);
  sky_snapshot *snap = sky_table_snapshot(t, &err);
  assert_non_null(snap);
  sky_table_release(t);
  return snap;
}

static size_t gen_small(size_t i, row *r, double *amount) {
  *r = SMALL[i];
  *amount = (double)r->price / 4;
  return i;
}

/* The generated dataset: object i*7919+1 for i < 300, 1..12 events each. */
#define BIG_OBJECTS 300
static size_t g_big_rows;
static row g_big_data[BIG_OBJECTS * 12];
static double g_big_amount[BIG_OBJECTS * 12];
static const char *const ACTIONS[3] = {"view", "add_to_cart", "purchase"};
static const char *const PLANS[4] = {"free", "pro", "team", NULL};

static void make_big(void) {
  uint64_t x = 88172645463325252ull;
  g_big_rows = 0;
  for (uint64_t o = 0; o < BIG_OBJECTS; o++) {
    int n = 1 + (int)(o % 12);
    int64_t ts = 1000000 * (int64_t)o;
    for (int e = 0; e < n; e++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      row *r = &g_big_data[g_big_rows];
      ts += (int64_t)(x % 5000000);
      *r = (row){o * 7919 + 1, ts, ACTIONS[x % 3], PLANS[(x >> 8) % 4], (int64_t)((x >> 16) % 1000) - 300};
      g_big_amount[g_big_rows] = (double)((x >> 24) % 100000) / 7.0 + 1e12 * (double)((x >> 40) % 3);
      g_big_rows++;
    }
  }
}

static size_t gen_big(size_t i, row *r, double *amount) {
  *r = g_big_data[i];
  *amount = g_big_amount[i];
  return i;
}

static int setup_store(void **state) {
  (void)state;
  const char *tmp = getenv("SKY_TEST_TMP");
  snprintf(g_dir, sizeof g_dir, "%s/engine_storage_%d", tmp ? tmp : "/tmp", (int)getpid());
  sky_store_options so;
  sky_store_options_init(&so);
  so.background_compaction = false;
  sky_error err;
  g_store = sky_store_open(g_dir, &so, &err);
  if (!g_store) fail_msg("open %s: %s", g_dir, err.message);
  g_small = load_table("small", sizeof SMALL / sizeof *SMALL, gen_small);
  make_big();
  g_big = load_table("big", g_big_rows, gen_big);
  return 0;
}

static int teardown_store(void **state) {
  (void)state;
  sky_snapshot_release(g_small);
  sky_snapshot_release(g_big);
  sky_store_close(g_store);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* ---- plans over the real schema -------------------------------------------------------- */

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

static sky_result *run(sky_snapshot *snap, sky_pool *pool) {
  tp_done(&T);
  sky_select_opts opts = {.scan = sky_interp_scan, .pool = pool};
  sky_error err;
  sky_error_clear(&err);
  sky_result *r = sky_select_run(&T.p, snap, &opts, &err);
  if (!r) fail_msg("select: %s: %s", sky_code_name(err.code), err.message);
  return r;
}

static sky_expr *rc_expr(sky_rc_kind kind, uint32_t dict, const char *s, sky_vtype type, uint32_t dom) {
  sky_rc rc = {.kind = kind, .dict = dict, .str = s, .len = strlen(s)};
  return tp_rconst(&T, tp_add_rc(&T, rc, 0), type, dom);
}

static sky_expr *action_is(const char *s) {
  return tp_op(&T, SKY_OP_EQ, SKY_VT_BOOL, 2, tp_action(&T),
               rc_expr(SKY_RC_CODE, SKY_DICT_ACTION, s, SKY_VT_STRING, SKY_DICT_ACTION));
}

static sky_expr *plan_state(void) { return tp_state(&T, P_PLAN, SKY_VT_STRING); }

static uint32_t ranks_rc(uint32_t dict) {
  sky_rc rc = {.kind = SKY_RC_RANKS, .dict = dict};
  return tp_add_rc(&T, rc, 0);
}

static sky_expr *rank_of(sky_expr *s) {
  sky_expr *e = tp_op(&T, SKY_OP_RANK, SKY_VT_INT, 1, s);
  e->index = ranks_rc(s->dom);
  return e;
}

static void count_output(void) {
  uint32_t a = tp_agg(&T, SKY_AGG_COUNT_ALL, NULL, "count()");
  tp_output(&T, tp_agg_ref(&T, a), "count()");
}

static int64_t count_where(sky_expr *filter) {
  tp_filter(&T, filter);
  count_output();
  sky_result *r = run(g_small, NULL);
  expect_cols(r, 1, 1);
  int64_t n = sky_result_cell(r, 0, 0)->as.i;
  sky_result_free(r);
  return n;
}

/* ---- dictionary-dependent tests ------------------------------------------------------------ */

static void test_action_codes(void **state) {
  (void)state;
  assert_int_equal(count_where(action_is("purchase")), 7);
}

static void test_missing_literal(void **state) {
  (void)state;
  assert_int_equal(count_where(action_is("nope")), 0);
  tp_free(&T);
  tp_init(&T, 4);
  assert_int_equal(count_where(tp_op(&T, SKY_OP_NOT, SKY_VT_BOOL, 1, action_is("nope"))), 13);
}

static void test_group_by_action_text_order(void **state) {
  (void)state;
  tp_key(&T, tp_action(&T));
  tp_output(&T, tp_key_ref(&T, 0), "action");
  count_output();
  sky_result *r = run(g_small, NULL);
  expect_cols(r, 3, 2);
  expect_str(r, 0, 0, "add_to_cart"), expect_int(r, 0, 1, 1);
  expect_str(r, 1, 0, "purchase"), expect_int(r, 1, 1, 7);
  expect_str(r, 2, 0, "view"), expect_int(r, 2, 1, 5);
  sky_result_free(r);
}

static void test_group_by_state_string(void **state) {
  (void)state;
  tp_filter(&T, action_is("purchase"));
  tp_key(&T, plan_state());
  tp_output(&T, tp_key_ref(&T, 0), "plan");
  count_output();
  uint32_t s = tp_agg(&T, SKY_AGG_SUM, tp_event(&T, P_PRICE, SKY_VT_INT), "sum(price)");
  tp_output(&T, tp_agg_ref(&T, s), "sum(price)");
  uint32_t o = tp_agg(&T, SKY_AGG_OBJECTS, NULL, "objects()");
  tp_output(&T, tp_agg_ref(&T, o), "objects()");
  sky_result *r = run(g_small, NULL);
  expect_cols(r, 6, 4);
  static const char *plans[6] = {NULL, "Alpha", "basic", "pro", "zeta", "\xc3\xa9" "clair"};
  static const int64_t counts[6] = {1, 1, 2, 1, 1, 1}, sums[6] = {100, 1, 7, 10, 7, 3}, objs[6] = {1, 1, 2, 1, 1, 1};
  for (size_t i = 0; i < 6; i++) {
    if (plans[i]) expect_str(r, i, 0, plans[i]);
    else expect_null(r, i, 0);
    expect_int(r, i, 1, counts[i]);
    expect_int(r, i, 2, sums[i]);
    expect_int(r, i, 3, objs[i]);
  }
  sky_result_free(r);
}

static void test_rank_comparisons(void **state) {
  (void)state;
  uint32_t dict = sky_prop_dict(P_PLAN);
  /* state.plan < 'm' ('m' is absent: an even rank) */
  sky_expr *lt_m = tp_op(&T, SKY_OP_LT, SKY_VT_BOOL, 2, rank_of(plan_state()),
                         rc_expr(SKY_RC_RANK, dict, "m", SKY_VT_INT, SKY_DOM_NONE));
  assert_int_equal(count_where(lt_m), 4);
  tp_free(&T);
  tp_init(&T, 4);
  /* state.plan <= 'pro' ('pro' is present: its own odd rank) */
  sky_expr *le_pro = tp_op(&T, SKY_OP_LE, SKY_VT_BOOL, 2, rank_of(plan_state()),
                           rc_expr(SKY_RC_RANK, dict, "pro", SKY_VT_INT, SKY_DOM_NONE));
  assert_int_equal(count_where(le_pro), 6);
  tp_free(&T);
  tp_init(&T, 4);
  /* state.plan > 'zeta': only the UTF-8 'é' sorts after it */
  sky_expr *gt_z = tp_op(&T, SKY_OP_GT, SKY_VT_BOOL, 2, rank_of(plan_state()),
                         rc_expr(SKY_RC_RANK, dict, "zeta", SKY_VT_INT, SKY_DOM_NONE));
  assert_int_equal(count_where(gt_z), 2);
}

static void test_dict_match_tables(void **state) {
  (void)state;
  uint32_t dict = sky_prop_dict(P_PLAN);
  sky_rc like = {.kind = SKY_RC_LIKE, .dict = dict, .str = "%a", .len = 2};
  sky_expr *m = tp_op(&T, SKY_OP_DICT_MATCH, SKY_VT_BOOL, 1, plan_state());
  m->index = tp_add_rc(&T, like, 0);
  assert_int_equal(count_where(m), 5); /* zeta x3, Alpha x2 */
  tp_free(&T);
  tp_init(&T, 4);
  static const char *strs[2] = {"view", "purchase"};
  static const size_t lens[2] = {4, 8};
  sky_rc in = {.kind = SKY_RC_IN_SET, .dict = SKY_DICT_ACTION, .n_strs = 2, .strs = strs, .lens = lens};
  sky_expr *a = tp_op(&T, SKY_OP_DICT_MATCH, SKY_VT_BOOL, 1, tp_action(&T));
  a->index = tp_add_rc(&T, in, 0);
  assert_int_equal(count_where(a), 12);
}

static void test_string_helpers_across_domains(void **state) {
  (void)state;
  /* strcmp(state.plan, 'c') < 0 and LIKE through the helper on a
   * dictionary string. */
  sky_expr *cmp = tp_op(&T, SKY_OP_STR_CMP, SKY_VT_INT, 2, plan_state(), tp_str(&T, "c"));
  assert_int_equal(count_where(tp_op(&T, SKY_OP_LT, SKY_VT_BOOL, 2, cmp, tp_int(&T, 0))), 4);
  tp_free(&T);
  tp_init(&T, 4);
  sky_expr *pat = tp_str(&T, "_e%");
  sky_expr *like = tp_op(&T, SKY_OP_LIKE, SKY_VT_BOOL, 1, plan_state());
  like->index = (uint32_t)pat->value.word;
  assert_int_equal(count_where(like), 3); /* zeta x3 */
}

static void test_dict_min_max_and_distinct(void **state) {
  (void)state;
  uint32_t mn = tp_agg(&T, SKY_AGG_MIN, plan_state(), "min(plan)");
  uint32_t mx = tp_agg(&T, SKY_AGG_MAX, plan_state(), "max(plan)");
  uint32_t r_ranks = ranks_rc(sky_prop_dict(P_PLAN));
  T.p.aggs[mn].rank_rc = (int32_t)r_ranks;
  T.p.aggs[mx].rank_rc = (int32_t)r_ranks;
  uint32_t d = tp_agg(&T, SKY_AGG_COUNT_DISTINCT, plan_state(), "count(DISTINCT plan)");
  uint32_t ma = tp_agg(&T, SKY_AGG_MAX, tp_action(&T), "max(action)");
  T.p.aggs[ma].rank_rc = (int32_t)ranks_rc(SKY_DICT_ACTION);
  tp_output(&T, tp_agg_ref(&T, mn), "min(plan)");
  tp_output(&T, tp_agg_ref(&T, mx), "max(plan)");
  tp_output(&T, tp_agg_ref(&T, d), "count(DISTINCT plan)");
  tp_output(&T, tp_agg_ref(&T, ma), "max(action)");
  sky_result *r = run(g_small, NULL);
  expect_cols(r, 1, 4);
  expect_str(r, 0, 0, "Alpha");
  expect_str(r, 0, 1, "\xc3\xa9" "clair");
  expect_int(r, 0, 2, 5);
  expect_str(r, 0, 3, "view");
  sky_result_free(r);
}

/* ---- partitions, pool, determinism ---------------------------------------------------------- */

static void test_partitions_deterministic(void **state) {
  (void)state;
  /* SELECT action, count(), sum(price), sum(amount), objects(), max(price)
   * GROUP BY action, over 300 objects spread on the 64 partitions. */
  tp_key(&T, tp_action(&T));
  tp_output(&T, tp_key_ref(&T, 0), "action");
  count_output();
  uint32_t s = tp_agg(&T, SKY_AGG_SUM, tp_event(&T, P_PRICE, SKY_VT_INT), "sum(price)");
  uint32_t f = tp_agg(&T, SKY_AGG_SUM, tp_event(&T, P_AMOUNT, SKY_VT_FLOAT), "sum(amount)");
  uint32_t o = tp_agg(&T, SKY_AGG_OBJECTS, NULL, "objects()");
  uint32_t m = tp_agg(&T, SKY_AGG_MAX, tp_event(&T, P_PRICE, SKY_VT_INT), "max(price)");
  tp_output(&T, tp_agg_ref(&T, s), "sum(price)");
  tp_output(&T, tp_agg_ref(&T, f), "sum(amount)");
  tp_output(&T, tp_agg_ref(&T, o), "objects()");
  tp_output(&T, tp_agg_ref(&T, m), "max(price)");
  /* The model: brute force over the generated rows. Actions sorted by
   * text: add_to_cart, purchase, view. */
  static const char *order[3] = {"add_to_cart", "purchase", "view"};
  int64_t cnt[3] = {0}, sum[3] = {0}, maxp[3] = {INT64_MIN, INT64_MIN, INT64_MIN}, objs[3] = {0};
  double amt[3] = {0};
  uint64_t last_obj[3] = {0};
  for (size_t i = 0; i < g_big_rows; i++) {
    int a = 0;
    while (strcmp(order[a], g_big_data[i].action) != 0) a++;
    cnt[a]++;
    if (g_big_data[i].price) {
      sum[a] += g_big_data[i].price;
      if (g_big_data[i].price > maxp[a]) maxp[a] = g_big_data[i].price;
    }
    amt[a] += g_big_amount[i];
    if (last_obj[a] != g_big_data[i].obj) objs[a]++, last_obj[a] = g_big_data[i].obj;
  }
  sky_pool *pool = sky_pool_create(3);
  assert_non_null(pool);
  sky_result *first = run(g_big, NULL);
  expect_cols(first, 3, 6);
  for (size_t a = 0; a < 3; a++) {
    expect_str(first, a, 0, order[a]);
    expect_int(first, a, 1, cnt[a]);
    expect_int(first, a, 2, sum[a]);
    double got = sky_result_cell(first, a, 3)->as.f;
    assert_true(fabs(got - amt[a]) <= 1e-9 * fabs(amt[a]));
    expect_int(first, a, 4, objs[a]);
    expect_int(first, a, 5, maxp[a]);
  }
  for (int k = 0; k < 6; k++) {
    sky_result *r = run(g_big, k % 2 ? pool : NULL);
    expect_cols(r, 3, 6);
    for (size_t a = 0; a < 3; a++) {
      expect_float(r, a, 3, sky_result_cell(first, a, 3)->as.f); /* bit for bit */
      expect_int(r, a, 1, cnt[a]);
    }
    sky_result_free(r);
  }
  sky_result_free(first);
  sky_pool_free(pool);
}

static void test_state_across_segments_of_a_path(void **state) {
  (void)state;
  /* GROUP BY state.plan over the generated data vs the model: the state
   * is the latest non-NULL plan up to and including the event. */
  tp_key(&T, plan_state());
  tp_output(&T, tp_key_ref(&T, 0), "plan");
  count_output();
  int64_t want[4] = {0}; /* NULL, free, pro, team */
  uint64_t obj = 0;
  const char *cur = NULL;
  for (size_t i = 0; i < g_big_rows; i++) {
    if (g_big_data[i].obj != obj) obj = g_big_data[i].obj, cur = NULL;
    if (g_big_data[i].plan) cur = g_big_data[i].plan;
    int k = !cur ? 0 : strcmp(cur, "free") == 0 ? 1 : strcmp(cur, "pro") == 0 ? 2 : 3;
    want[k]++;
  }
  sky_result *r = run(g_big, NULL);
  expect_cols(r, 4, 2);
  expect_null(r, 0, 0);
  expect_str(r, 1, 0, "free");
  expect_str(r, 2, 0, "pro");
  expect_str(r, 3, 0, "team");
  for (size_t k = 0; k < 4; k++) expect_int(r, k, 1, want[k]);
  sky_result_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_action_codes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_missing_literal, setup, teardown),
      cmocka_unit_test_setup_teardown(test_group_by_action_text_order, setup, teardown),
      cmocka_unit_test_setup_teardown(test_group_by_state_string, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rank_comparisons, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dict_match_tables, setup, teardown),
      cmocka_unit_test_setup_teardown(test_string_helpers_across_domains, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dict_min_max_and_distinct, setup, teardown),
      cmocka_unit_test_setup_teardown(test_partitions_deterministic, setup, teardown),
      cmocka_unit_test_setup_teardown(test_state_across_segments_of_a_path, setup, teardown),
  };
  return cmocka_run_group_tests(tests, setup_store, teardown_store);
}
