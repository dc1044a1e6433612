/* chunk_cache.c — LRU cache of decoded partition data; see cache.h.
 *
 * One mutex guards a chained hash table and a doubly linked LRU list of the
 * unpinned entries. Pinned entries are off the list and cannot be evicted;
 * the byte bound is enforced over unpinned entries, so a scan larger than
 * the cache still works (it just keeps only what fits). Decoding happens
 * outside the mutex: two threads missing the same key both decode, and the
 * second insert returns the first one's entry. */
#include "storage/cache.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "common/alloc.h"
#include "common/hash.h"

struct sky_centry {
  sky_ckey key;
  void *data;
  size_t bytes;
  sky_cache_free_fn free_fn;
  uint32_t pins;
  sky_centry *hnext;             /* hash chain */
  sky_centry *lru_prev, *lru_next; /* when unpinned; head = most recent */
};

struct sky_cache {
  pthread_mutex_t mu;
  size_t cap, bytes, n_entries;
  size_t n_buckets;
  sky_centry **buckets;
  sky_centry *lru_head, *lru_tail;
  uint64_t hits, misses, evictions;
};

static uint64_t key_hash(const sky_ckey *k) {
  return sky_hash_combine(sky_hash_combine(sky_hash_u64(k->uid), k->id), ((uint64_t)k->part << 32) | k->col);
}

static bool key_eq(const sky_ckey *a, const sky_ckey *b) {
  return a->uid == b->uid && a->id == b->id && a->part == b->part && a->col == b->col;
}

sky_cache *sky_cache_create(size_t cap_bytes) {
  sky_cache *c = sky_calloc(1, sizeof *c);
  if (!c) return NULL;
  c->n_buckets = 1024;
  c->buckets = sky_calloc(c->n_buckets, sizeof *c->buckets);
  if (!c->buckets) {
    sky_free(c);
    return NULL;
  }
  pthread_mutex_init(&c->mu, NULL);
  c->cap = cap_bytes;
  return c;
}

static void entry_free(sky_centry *e) {
  if (e->free_fn) e->free_fn(e->data);
  sky_free(e);
}

void sky_cache_free(sky_cache *c) {
  if (!c) return;
  for (size_t b = 0; b < c->n_buckets; b++) {
    sky_centry *e = c->buckets[b];
    while (e) {
      sky_centry *next = e->hnext;
      entry_free(e);
      e = next;
    }
  }
  sky_free(c->buckets);
  pthread_mutex_destroy(&c->mu);
  sky_free(c);
}

static void lru_unlink(sky_cache *c, sky_centry *e) {
  if (e->lru_prev) e->lru_prev->lru_next = e->lru_next;
  else c->lru_head = e->lru_next;
  if (e->lru_next) e->lru_next->lru_prev = e->lru_prev;
  else c->lru_tail = e->lru_prev;
  e->lru_prev = e->lru_next = NULL;
}

static void lru_push(sky_cache *c, sky_centry *e) {
  e->lru_prev = NULL;
  e->lru_next = c->lru_head;
  if (c->lru_head) c->lru_head->lru_prev = e;
  else c->lru_tail = e;
  c->lru_head = e;
}

static void pin(sky_cache *c, sky_centry *e) {
  if (e->pins++ == 0) lru_unlink(c, e);
}

static void hash_remove(sky_cache *c, sky_centry *e) {
  sky_centry **p = &c->buckets[key_hash(&e->key) & (c->n_buckets - 1)];
  while (*p != e) p = &(*p)->hnext;
  *p = e->hnext;
}

/* Evicts unpinned entries, oldest first, until the bound holds; returns
 * them in a list to free outside the mutex. */
static sky_centry *evict(sky_cache *c) {
  sky_centry *victims = NULL;
  while (c->bytes > c->cap && c->lru_tail) {
    sky_centry *e = c->lru_tail;
    lru_unlink(c, e);
    hash_remove(c, e);
    c->bytes -= e->bytes;
    c->n_entries--;
    c->evictions++;
    e->hnext = victims;
    victims = e;
  }
  return victims;
}

static void free_list(sky_centry *e) {
  while (e) {
    sky_centry *next = e->hnext;
    entry_free(e);
    e = next;
  }
}

static void maybe_grow(sky_cache *c) {
  if (c->n_entries < c->n_buckets * 2) return;
  size_t n = c->n_buckets * 2;
  sky_centry **b = sky_calloc(n, sizeof *b);
  if (!b) return; /* longer chains, still correct */
  for (size_t i = 0; i < c->n_buckets; i++) {
    sky_centry *e = c->buckets[i];
    while (e) {
      sky_centry *next = e->hnext;
      size_t h = key_hash(&e->key) & (n - 1);
      e->hnext = b[h];
      b[h] = e;
      e = next;
    }
  }
  sky_free(c->buckets);
  c->buckets = b;
  c->n_buckets = n;
}

static sky_centry *find(sky_cache *c, const sky_ckey *k) {
  for (sky_centry *e = c->buckets[key_hash(k) & (c->n_buckets - 1)]; e; e = e->hnext)
    if (key_eq(&e->key, k)) return e;
  return NULL;
}

sky_centry *sky_cache_get(sky_cache *c, const sky_ckey *k) {
  pthread_mutex_lock(&c->mu);
  sky_centry *e = find(c, k);
  if (e) {
    pin(c, e);
    c->hits++;
  } else {
    c->misses++;
  }
  pthread_mutex_unlock(&c->mu);
  return e;
}

sky_centry *sky_cache_put(sky_cache *c, const sky_ckey *k, void *data, size_t bytes, sky_cache_free_fn free_fn) {
  sky_centry *n = sky_calloc(1, sizeof *n);
  if (!n) {
    if (free_fn) free_fn(data);
    return NULL;
  }
  pthread_mutex_lock(&c->mu);
  sky_centry *e = find(c, k);
  if (e) {
    pin(c, e);
    pthread_mutex_unlock(&c->mu);
    sky_free(n);
    if (free_fn) free_fn(data);
    return e;
  }
  n->key = *k;
  n->data = data;
  n->bytes = bytes;
  n->free_fn = free_fn;
  n->pins = 1;
  maybe_grow(c);
  sky_centry **b = &c->buckets[key_hash(k) & (c->n_buckets - 1)];
  n->hnext = *b;
  *b = n;
  c->bytes += bytes;
  c->n_entries++;
  sky_centry *victims = evict(c);
  pthread_mutex_unlock(&c->mu);
  free_list(victims);
  return n;
}

void sky_cache_unpin(sky_cache *c, sky_centry *e) {
  if (!e) return;
  pthread_mutex_lock(&c->mu);
  if (--e->pins == 0) lru_push(c, e);
  sky_centry *victims = evict(c);
  pthread_mutex_unlock(&c->mu);
  free_list(victims);
}

bool sky_cache_has(sky_cache *c, const sky_ckey *k) {
  pthread_mutex_lock(&c->mu);
  bool found = find(c, k) != NULL;
  pthread_mutex_unlock(&c->mu);
  return found;
}

size_t sky_cache_capacity(const sky_cache *c) { return c->cap; }

void *sky_centry_data(const sky_centry *e) { return e->data; }

void sky_cache_get_stats(sky_cache *c, sky_cache_stats *out) {
  pthread_mutex_lock(&c->mu);
  out->hits = c->hits;
  out->misses = c->misses;
  out->evictions = c->evictions;
  out->bytes = c->bytes;
  out->entries = c->n_entries;
  pthread_mutex_unlock(&c->mu);
}
