/* test_jit_cache.c — the compiled-query cache: a hit returns the same
 * compiled function, the key includes the schema uid and version, the
 * bound evicts least recently used entries and frees their code (entries
 * in use survive until released), many threads get, run and release
 * concurrently, a hit is cheap, and a plan the back end cannot compile is
 * an internal error (never a fallback).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "codegen/jit.h"
#include "common/clock.h"
#include "jit_fixture.h"

enum { N_PLANS = 6 };

static jf_plan g_plans[N_PLANS];
static jf_chunk g_chunk;
static const sky_prop_type TYPES[1] = {SKY_PTYPE_INT};

/* Plan k: count() WHERE event.x > k GROUP BY x % (k + 2). */
static void build_plans(void) {
  for (int k = 0; k < N_PLANS; k++) {
    jf_plan *f = &g_plans[k];
    jf_plan_init(f, 1);
    sky_expr *x = jf_leaf(f, SKY_OP_PROP_EVENT, SKY_VT_INT, SKY_DOM_NONE, 0);
    jf_filter(f, jf_op(f, SKY_OP_GT, SKY_VT_BOOL, SKY_DOM_NONE, 2, x, jf_int(f, k)));
    jf_key(f, jf_op(f, SKY_OP_MOD, SKY_VT_INT, SKY_DOM_NONE, 2,
                    jf_leaf(f, SKY_OP_PROP_EVENT, SKY_VT_INT, SKY_DOM_NONE, 0), jf_int(f, k + 2)));
    jf_agg(f, SKY_AGG_COUNT_ALL, NULL, -1);
    jf_plan_finish(f);
  }
  jf_chunk_init(&g_chunk, 1, TYPES);
  for (int i = 0; i < 100; i++) {
    jf_chunk_event(&g_chunk, 1 + (uint64_t)i / 10, i, 1);
    jf_chunk_set(&g_chunk, 0, (uint64_t)i);
  }
}

static const char *key_of(int k) {
  static const char *const keys[N_PLANS] = {"q0", "q1", "q2", "q3", "q4", "q5"};
  return keys[k];
}

/* Runs plan k's compiled scan; returns the number of matching events. */
static uint64_t run(sky_jit_query *q, int k) {
  sky_runtime rt;
  jf_runtime(&rt, g_plans[k].plan, NULL, 0);
  sky_groups g;
  sky_groups_init(&g, g_plans[k].plan, &rt.budget);
  uint32_t e;
  int rc = sky_jit_query_fn(q)(&rt, &g_chunk.c, &g, &e);
  uint64_t n = 0;
  for (uint64_t s = 0; s < g.capacity; s++)
    if (g.slots[s * g.words]) n += g.slots[s * g.words + g_plans[k].plan->aggs[0].word];
  sky_groups_free(&g);
  return rc == SKY_SCAN_OK ? n : UINT64_MAX;
}

static void test_hit(void **state) {
  (void)state;
  sky_error err;
  sky_jit *jit = sky_jit_create(4, &err);
  assert_non_null(jit);
  sky_jit_query *a = sky_jit_get(jit, g_plans[0].plan, key_of(0), &err);
  sky_jit_query *b = sky_jit_get(jit, g_plans[0].plan, key_of(0), &err);
  assert_ptr_equal(a, b);
  assert_ptr_equal(sky_jit_query_fn(a), sky_jit_query_fn(b));
  assert_int_equal(run(a, 0), 99);
  /* Same text against another schema version: another entry. */
  g_plans[0].plan->schema_version++;
  sky_jit_query *c = sky_jit_get(jit, g_plans[0].plan, key_of(0), &err);
  g_plans[0].plan->schema_version--;
  assert_ptr_not_equal(a, c);
  sky_jit_stats st;
  sky_jit_get_stats(jit, &st);
  assert_int_equal(st.compiles, 2);
  assert_int_equal(st.cache_hits, 1);
  assert_true(st.last_compile_ms > 0);
  sky_jit_query_release(a);
  sky_jit_query_release(b);
  sky_jit_query_release(c);
  /* Without a key nothing is cached. */
  sky_jit_query *u1 = sky_jit_get(jit, g_plans[1].plan, NULL, &err);
  sky_jit_query *u2 = sky_jit_get(jit, g_plans[1].plan, NULL, &err);
  assert_ptr_not_equal(u1, u2);
  assert_int_equal(run(u1, 1), 98);
  assert_int_equal(run(u2, 1), 98);
  sky_jit_query_release(u1);
  sky_jit_query_release(u2);
  sky_jit_free(jit);
}

static void test_eviction(void **state) {
  (void)state;
  sky_error err;
  sky_jit *jit = sky_jit_create(2, &err);
  assert_non_null(jit);
  sky_jit_query *held = sky_jit_get(jit, g_plans[0].plan, key_of(0), &err); /* kept in use */
  for (int k = 1; k < N_PLANS; k++) sky_jit_query_release(sky_jit_get(jit, g_plans[k].plan, key_of(k), &err));
  sky_jit_stats st;
  sky_jit_get_stats(jit, &st);
  assert_int_equal(st.compiles, N_PLANS);
  assert_int_equal(st.evictions, N_PLANS - 2);
  /* Evicted but held: its code is still there. */
  assert_int_equal(run(held, 0), 99);
  /* The most recent two are hits, an evicted one compiles again. */
  sky_jit_query_release(sky_jit_get(jit, g_plans[N_PLANS - 1].plan, key_of(N_PLANS - 1), &err));
  sky_jit_query *again = sky_jit_get(jit, g_plans[0].plan, key_of(0), &err);
  assert_ptr_not_equal(again, held);
  assert_int_equal(run(again, 0), 99);
  sky_jit_get_stats(jit, &st);
  assert_int_equal(st.cache_hits, 1);
  assert_int_equal(st.compiles, N_PLANS + 1);
  sky_jit_query_release(again);
  sky_jit_query_release(held); /* frees the evicted code now */
  sky_jit_free(jit);
}

typedef struct worker_arg {
  sky_jit *jit;
  int id, failures;
} worker_arg;

static void *worker(void *p) {
  worker_arg *w = p;
  uint64_t r = (uint64_t)w->id * 7919;
  for (int i = 0; i < 150; i++) {
    r = r * 6364136223846793005ull + 1442695040888963407ull;
    int k = (int)((r >> 33) % N_PLANS);
    sky_error err;
    sky_jit_query *q = sky_jit_get(w->jit, g_plans[k].plan, key_of(k), &err);
    if (!q || run(q, k) != (uint64_t)(99 - k)) w->failures++;
    sky_jit_query_release(q);
  }
  return NULL;
}

static void test_concurrent(void **state) {
  (void)state;
  sky_error err;
  sky_jit *jit = sky_jit_create(3, &err); /* smaller than the working set: evictions under load */
  assert_non_null(jit);
  enum { N = 6 };
  pthread_t th[N];
  worker_arg args[N];
  for (int t = 0; t < N; t++) {
    args[t] = (worker_arg){jit, t, 0};
    pthread_create(&th[t], NULL, worker, &args[t]);
  }
  for (int t = 0; t < N; t++) {
    pthread_join(th[t], NULL);
    assert_int_equal(args[t].failures, 0);
  }
  sky_jit_stats st;
  sky_jit_get_stats(jit, &st);
  assert_int_equal(st.compiles + st.cache_hits, N * 150);
  assert_true(st.evictions > 0);
  sky_jit_free(jit);
}

static void test_hit_latency(void **state) {
  (void)state;
  sky_error err;
  sky_jit *jit = sky_jit_create(0, &err);
  sky_jit_query_release(sky_jit_get(jit, g_plans[2].plan, key_of(2), &err));
  enum { N = 20000 };
  double t0 = sky_clock_ms();
  for (int i = 0; i < N; i++) sky_jit_query_release(sky_jit_get(jit, g_plans[2].plan, key_of(2), &err));
  double per_hit = (sky_clock_ms() - t0) / N;
  assert_true(per_hit < 0.1);
  sky_jit_free(jit);
}

/* A per-event expression the binder never produces (KEY_REF) is refused
 * with an internal error naming the problem. */
static void test_cannot_compile(void **state) {
  (void)state;
  sky_error err;
  sky_jit *jit = sky_jit_create(0, &err);
  jf_plan f;
  jf_plan_init(&f, 1);
  jf_key(&f, jf_leaf(&f, SKY_OP_KEY_REF, SKY_VT_INT, SKY_DOM_NONE, 0));
  jf_agg(&f, SKY_AGG_COUNT_ALL, NULL, -1);
  jf_plan_finish(&f);
  assert_null(sky_jit_get(jit, f.plan, "bad", &err));
  assert_int_equal(err.code, SKY_ERR_INTERNAL);
  assert_non_null(strstr(err.message, "post-aggregation"));
  sky_buf out;
  sky_buf_init(&out);
  assert_int_equal(sky_jit_explain_ir(jit, f.plan, &out, &err), -1);
  sky_buf_free(&out);
  /* Nothing stays cached for the failed key. */
  assert_null(sky_jit_get(jit, f.plan, "bad", &err));
  jf_plan_free(&f);
  sky_jit_free(jit);
}

static int setup(void **state) {
  (void)state;
  build_plans();
  return 0;
}

static int teardown(void **state) {
  (void)state;
  for (int k = 0; k < N_PLANS; k++) jf_plan_free(&g_plans[k]);
  jf_chunk_free(&g_chunk);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hit),         cmocka_unit_test(test_eviction),       cmocka_unit_test(test_concurrent),
      cmocka_unit_test(test_hit_latency), cmocka_unit_test(test_cannot_compile),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
