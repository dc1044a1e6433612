/* jit.c — the public face of the LLVM back end (jit.h): a sky_jit owns one
 * LLVM session (jit_llvm.c) and a bounded LRU cache of compiled queries
 * keyed by (normalized text, schema uid, schema version).
 *
 * Concurrency: one mutex guards the cache; compiling happens outside it,
 * so different queries compile in parallel. A thread that asks for a
 * query another thread is compiling waits for that compile (condition
 * variable) instead of compiling it twice. A hit costs one lock, one hash
 * and one string compare (well under the 0.1 ms budget).
 *
 * Lifetime: entries are reference counted; the cache holds one reference
 * and every sky_jit_get() another, so an entry evicted while a query runs
 * keeps its code until the last sky_jit_query_release(), which removes the
 * query's resource tracker (freeing its machine code). Plans without a key
 * compile uncached entries owned by the caller alone.
 *
 * Where the parts are: jit_compile.c drives one compile (context, IR,
 * passes, object, link); jit_llvm.c is the LLVM session; jit_loop.c the
 * scan's shape (flat or per object), jit_expr.c expressions, jit_agg.c
 * groups and aggregates. Measured with bench/bench_jit.c (2-vCPU EPYC,
 * timings ±30%): a compile is ~0.1 ms of IR building, 3-4 ms of passes,
 * 7-10 ms of machine code and 0.2 ms of linking (p50 11-13 ms); a hit
 * costs ~130 ns.
 */
#include "codegen/jit.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "codegen/jit_internal.h"
#include "common/alloc.h"
#include "common/error.h"
#include "common/hash.h"

struct sky_jit_query {
  sky_jit *jit;
  char *key; /* owned; NULL for an uncached query */
  uint64_t uid, version, hash;
  sky_scan_fn fn;
  LLVMOrcResourceTrackerRef tracker;
  int refs;   /* under jit->mu */
  bool ready; /* compiled (a cached entry may be a placeholder) */
  sky_jit_query *hnext;
  sky_jit_query *prev, *next; /* LRU list, most recent first */
};

struct sky_jit {
  jit_llvm llvm;
  pthread_mutex_t mu;
  pthread_cond_t compiled; /* broadcast when a placeholder resolves */
  size_t cap, n_cached;
  sky_jit_query **buckets;
  size_t n_buckets;  /* power of two */
  sky_jit_query lru; /* sentinel */
  uint64_t seq;      /* unique symbol numbers */
  sky_jit_stats stats;
  jit_timing last;
};

enum { DEFAULT_CACHE_ENTRIES = 256 };

sky_jit *sky_jit_create_for_cpu(size_t cache_entries, const char *cpu, const char *features, sky_error *err) {
  sky_jit *jit = sky_calloc(1, sizeof *jit);
  if (!jit) return sky_error_oom(err), NULL;
  jit->cap = cache_entries ? cache_entries : DEFAULT_CACHE_ENTRIES;
  jit->n_buckets = 16;
  while (jit->n_buckets < 2 * jit->cap) jit->n_buckets *= 2;
  jit->buckets = sky_calloc(jit->n_buckets, sizeof *jit->buckets);
  if (!jit->buckets) {
    sky_free(jit);
    return sky_error_oom(err), NULL;
  }
  if (jit_llvm_init(&jit->llvm, cpu, features, err) != 0) {
    sky_free(jit->buckets);
    sky_free(jit);
    return NULL;
  }
  pthread_mutex_init(&jit->mu, NULL);
  pthread_cond_init(&jit->compiled, NULL);
  jit->lru.prev = jit->lru.next = &jit->lru;
  return jit;
}

sky_jit *sky_jit_create(size_t cache_entries, sky_error *err) {
  return sky_jit_create_for_cpu(cache_entries, NULL, NULL, err);
}

static void query_free(sky_jit_query *q) {
  if (q->tracker) jit_llvm_unload(&q->jit->llvm, q->tracker);
  sky_free(q->key);
  sky_free(q);
}

/* ---- cache structure (under mu) --------------------------------------------- */

static uint64_t key_hash(const char *key, uint64_t uid, uint64_t version) {
  return sky_hash_combine(sky_hash_combine(sky_hash_bytes(key, strlen(key)), uid), version);
}

static sky_jit_query *cache_find(sky_jit *jit, uint64_t h, const char *key, uint64_t uid, uint64_t version) {
  for (sky_jit_query *q = jit->buckets[h & (jit->n_buckets - 1)]; q; q = q->hnext)
    if (q->hash == h && q->uid == uid && q->version == version && strcmp(q->key, key) == 0) return q;
  return NULL;
}

static void lru_unlink(sky_jit_query *q) {
  q->prev->next = q->next;
  q->next->prev = q->prev;
}

static void lru_push_front(sky_jit *jit, sky_jit_query *q) {
  q->next = jit->lru.next;
  q->prev = &jit->lru;
  jit->lru.next->prev = q;
  jit->lru.next = q;
}

static void cache_insert(sky_jit *jit, sky_jit_query *q) {
  sky_jit_query **b = &jit->buckets[q->hash & (jit->n_buckets - 1)];
  q->hnext = *b;
  *b = q;
  lru_push_front(jit, q);
  jit->n_cached++;
}

static void cache_remove(sky_jit *jit, sky_jit_query *q) {
  sky_jit_query **p = &jit->buckets[q->hash & (jit->n_buckets - 1)];
  while (*p != q) p = &(*p)->hnext;
  *p = q->hnext;
  lru_unlink(q);
  jit->n_cached--;
}

/* Evicts least recently used compiled entries beyond the bound; entries
 * whose last reference goes are chained on *dead for freeing unlocked. */
static void cache_evict(sky_jit *jit, sky_jit_query **dead) {
  sky_jit_query *q = jit->lru.prev;
  while (jit->n_cached > jit->cap && q != &jit->lru) {
    sky_jit_query *prev = q->prev;
    if (q->ready) {
      cache_remove(jit, q);
      jit->stats.evictions++;
      if (--q->refs == 0) {
        q->hnext = *dead;
        *dead = q;
      }
    }
    q = prev;
  }
}

/* ---- compiling ---------------------------------------------------------------- */

static int compile_into(sky_jit *jit, sky_jit_query *q, const sky_plan *plan, uint64_t seq, sky_error *err) {
  char symbol[48];
  snprintf(symbol, sizeof symbol, "sky_scan_%llu", (unsigned long long)seq);
  jit_timing t;
  if (jit_compile(&jit->llvm, plan, symbol, NULL, &q->fn, &q->tracker, &t, err) != 0) return -1;
  pthread_mutex_lock(&jit->mu);
  jit->stats.compiles++;
  jit->stats.last_compile_ms = t.total_ms;
  jit->last = t;
  pthread_mutex_unlock(&jit->mu);
  return 0;
}

static sky_jit_query *get_uncached(sky_jit *jit, const sky_plan *plan, sky_error *err) {
  sky_jit_query *q = sky_calloc(1, sizeof *q);
  if (!q) return sky_error_oom(err), NULL;
  q->jit = jit;
  q->refs = 1;
  pthread_mutex_lock(&jit->mu);
  uint64_t seq = jit->seq++;
  pthread_mutex_unlock(&jit->mu);
  if (compile_into(jit, q, plan, seq, err) != 0) {
    query_free(q);
    return NULL;
  }
  q->ready = true;
  return q;
}

sky_jit_query *sky_jit_get(sky_jit *jit, const sky_plan *plan, const char *key, sky_error *err) {
  if (!key) return get_uncached(jit, plan, err);
  uint64_t h = key_hash(key, plan->schema_uid, plan->schema_version);
  pthread_mutex_lock(&jit->mu);
  sky_jit_query *q;
  while ((q = cache_find(jit, h, key, plan->schema_uid, plan->schema_version)) != NULL) {
    if (q->ready) {
      q->refs++;
      lru_unlink(q);
      lru_push_front(jit, q);
      jit->stats.cache_hits++;
      pthread_mutex_unlock(&jit->mu);
      return q;
    }
    pthread_cond_wait(&jit->compiled, &jit->mu); /* someone compiles it */
  }
  q = sky_calloc(1, sizeof *q);
  char *k = sky_strdup(key);
  if (!q || !k) {
    pthread_mutex_unlock(&jit->mu);
    sky_free(q);
    sky_free(k);
    return sky_error_oom(err), NULL;
  }
  *q = (sky_jit_query){
      .jit = jit, .key = k, .uid = plan->schema_uid, .version = plan->schema_version, .hash = h, .refs = 2};
  cache_insert(jit, q);
  uint64_t seq = jit->seq++;
  pthread_mutex_unlock(&jit->mu);

  int rc = compile_into(jit, q, plan, seq, err);
  sky_jit_query *dead = NULL;
  pthread_mutex_lock(&jit->mu);
  if (rc != 0)
    cache_remove(jit, q);
  else {
    q->ready = true;
    cache_evict(jit, &dead);
  }
  pthread_cond_broadcast(&jit->compiled);
  pthread_mutex_unlock(&jit->mu);
  while (dead) {
    sky_jit_query *next = dead->hnext;
    query_free(dead);
    dead = next;
  }
  if (rc != 0) {
    query_free(q);
    return NULL;
  }
  return q;
}

sky_scan_fn sky_jit_query_fn(const sky_jit_query *q) { return q->fn; }

void sky_jit_query_release(sky_jit_query *q) {
  if (!q) return;
  sky_jit *jit = q->jit;
  pthread_mutex_lock(&jit->mu);
  int left = --q->refs;
  pthread_mutex_unlock(&jit->mu);
  if (left == 0) query_free(q);
}

/* ---- the compile budget -------------------------------------------------------
 * Units are about a quarter of a millisecond of compiling each (2-vCPU
 * EPYC, measured through sky-shell, whole statement): 4,096 units took
 * 0.86-0.9 s for 256 sum(n + i), a balanced OR of 1,024 FLOAT equalities
 * and 256 ANDed `n + i > 0`, and 0.88 s for an inline IN of 512 FLOAT
 * items. */

enum {
  COST_NODE = 1,     /* a leaf, a comparison, logic, FLOAT arithmetic */
  COST_INT_ARITH = 12, /* INT + - * and negation: overflow intrinsic and branch */
  COST_DIV_MOD = 4,  /* zero and INT64_MIN tests */
  COST_BUCKET = 8,   /* hour() .. month(): cached ranges and their updates */
  COST_IN_ITEM = 8,  /* an inline IN item: its test guards every later item */
  COST_AGG = 2,      /* an aggregate's update (its argument counted apart) */
  COST_KEY = 4,      /* a group key word: hashing, comparing, storing */
};

static uint64_t expr_cost(const sky_expr *e) {
  if (!e) return 0;
  uint64_t c = COST_NODE;
  switch (e->op) {
  case SKY_OP_ADD:
  case SKY_OP_SUB:
  case SKY_OP_MUL:
  case SKY_OP_NEG: c = e->type == SKY_VT_INT ? COST_INT_ARITH : COST_NODE; break;
  case SKY_OP_DIV:
  case SKY_OP_MOD: c = COST_DIV_MOD; break;
  case SKY_OP_HOUR:
  case SKY_OP_WEEKDAY:
  case SKY_OP_DAY:
  case SKY_OP_WEEK:
  case SKY_OP_MONTH: c = COST_BUCKET; break;
  case SKY_OP_IN: c = (uint64_t)COST_IN_ITEM * (e->n_args - 1); break;
  default: break;
  }
  for (uint32_t i = 0; i < e->n_args; i++) c += expr_cost(e->args[i]);
  return c;
}

/* A path statement's per-event expression: its cost, plus a key's when it
 * is stored for the object's conclusion. */
static void add_path_cost(sky_expr *e, void *c) { *(uint64_t *)c += COST_KEY + expr_cost(e); }

uint64_t sky_jit_plan_cost(const sky_plan *plan) {
  uint64_t c = expr_cost(plan->filter);
  for (uint32_t f = 0; f < plan->n_path_fns; f++)
    c += COST_KEY + expr_cost(plan->path_fns[f].arg) + expr_cost(plan->path_fns[f].cond);
  for (uint32_t a = 0; a < plan->n_obj_aggs; a++)
    c += COST_AGG + expr_cost(plan->obj_aggs[a].arg) + expr_cost(plan->obj_aggs[a].filter);
  if (plan->kind != SKY_PLAN_SELECT) { /* its keys and aggregates read entry rows, in C */
    sky_plan_each_path_expr(plan, add_path_cost, &c);
    return c;
  }
  for (uint32_t k = 0; k < plan->n_keys; k++) c += COST_KEY + expr_cost(plan->keys[k]);
  for (uint32_t a = 0; a < plan->n_aggs; a++)
    c += COST_AGG + expr_cost(plan->aggs[a].arg) + expr_cost(plan->aggs[a].filter);
  return c;
}

int sky_jit_explain_ir(sky_jit *jit, const sky_plan *plan, sky_buf *out, sky_error *err) {
  if (!sky_jit_compiles(plan)) {
    sky_buf_printf(out, "; not compiled: %s plans run on the interpreter\n", sky_plan_kind_name(plan->kind));
    return 0;
  }
  uint64_t cost = sky_jit_plan_cost(plan);
  if (cost > SKY_JIT_BUDGET) {
    sky_buf_printf(out, "; not compiled: the plan's estimated cost %llu is over the compile budget %d, "
                        "so it runs on the interpreter\n", (unsigned long long)cost, SKY_JIT_BUDGET);
    return 0;
  }
  return jit_compile(&jit->llvm, plan, "sky_scan", out, NULL, NULL, NULL, err);
}

void sky_jit_get_stats(sky_jit *jit, sky_jit_stats *out) {
  pthread_mutex_lock(&jit->mu);
  *out = jit->stats;
  pthread_mutex_unlock(&jit->mu);
}

void sky_jit_last_timing(sky_jit *jit, jit_timing *out) {
  pthread_mutex_lock(&jit->mu);
  *out = jit->last;
  pthread_mutex_unlock(&jit->mu);
}

void sky_jit_tune(sky_jit *jit, const char *passes, int codegen_level) {
  if (passes) jit->llvm.passes = passes;
  if (codegen_level >= 0) jit->llvm.codegen_level = codegen_level;
}

/* Every query must have been released. */
void sky_jit_free(sky_jit *jit) {
  if (!jit) return;
  while (jit->lru.next != &jit->lru) {
    sky_jit_query *q = jit->lru.next;
    cache_remove(jit, q);
    if (--q->refs == 0) query_free(q);
  }
  jit_llvm_free(&jit->llvm);
  pthread_cond_destroy(&jit->compiled);
  pthread_mutex_destroy(&jit->mu);
  sky_free(jit->buckets);
  sky_free(jit);
}
