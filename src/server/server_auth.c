/* server_auth.c — per-address pacing of password checks; see server_auth.h.
 *
 * A flat array searched linearly: AUTH is rare next to statements and
 * each check costs an Argon2id verification anyway, so a scan of a few
 * thousand 16-byte keys is noise, and there is nothing to resize or rehash.
 * Entries are found by key; a free entry has `used` false. */
#include "server/server_auth.h"

#include <netinet/in.h>
#include <string.h>

#include "common/alloc.h"

typedef struct addr_entry {
  skyd_addr_key key;
  bool used;
  unsigned fails;      /* counted failures, after forgiveness */
  double last_fail_ms; /* when the last counted failure ended */
  double next_ms;      /* the next check from here may not start before */
} addr_entry;

struct skyd_auth_limiter {
  double base_ms, max_ms;
  size_t n_slots; /* entries ever used: the scan stops there */
  addr_entry slots[SKYD_AUTH_ADDRS];
};

void skyd_addr_key_of(const struct sockaddr *sa, skyd_addr_key *key) {
  memset(key, 0, sizeof *key);
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    key->b[10] = key->b[11] = 0xff;
    memcpy(key->b + 12, &in->sin_addr, 4);
  } else if (sa->sa_family == AF_INET6) {
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(a)) memcpy(key->b, a->s6_addr, 16); /* the same host as its IPv4 */
    else memcpy(key->b, a->s6_addr, 8);
  }
}

skyd_auth_limiter *skyd_auth_limiter_create(uint64_t base_ms, uint64_t max_ms) {
  skyd_auth_limiter *l = sky_calloc(1, sizeof *l);
  if (!l) return NULL;
  l->base_ms = (double)base_ms;
  l->max_ms = (double)(max_ms > base_ms ? max_ms : base_ms);
  return l;
}

void skyd_auth_limiter_free(skyd_auth_limiter *l) { sky_free(l); }

/* The wait after `fails` failures. */
static double delay_ms(const skyd_auth_limiter *l, unsigned fails) {
  if (fails < SKYD_AUTH_FREE_FAILURES || l->base_ms <= 0) return 0;
  double d = l->base_ms;
  for (unsigned i = SKYD_AUTH_FREE_FAILURES; i < fails && d < l->max_ms; i++) d *= 2;
  return d < l->max_ms ? d : l->max_ms;
}

/* One failure forgiven per SKYD_AUTH_FORGIVE_MS without one. */
static void forgive(addr_entry *e, double now_ms) {
  if (e->fails == 0 || now_ms <= e->last_fail_ms) return;
  double k = (double)(long long)((now_ms - e->last_fail_ms) / SKYD_AUTH_FORGIVE_MS);
  if (k <= 0) return;
  e->fails = k >= (double)e->fails ? 0 : e->fails - (unsigned)k;
  e->last_fail_ms += k * SKYD_AUTH_FORGIVE_MS;
}

static addr_entry *find(skyd_auth_limiter *l, const skyd_addr_key *key) {
  for (size_t i = 0; i < l->n_slots; i++)
    if (l->slots[i].used && memcmp(&l->slots[i].key, key, sizeof *key) == 0) return &l->slots[i];
  return NULL;
}

/* A slot for a new address: a free one, else the one whose last failure is
 * oldest. */
static addr_entry *take_slot(skyd_auth_limiter *l, const skyd_addr_key *key) {
  addr_entry *e = NULL;
  for (size_t i = 0; i < l->n_slots && !e; i++)
    if (!l->slots[i].used) e = &l->slots[i];
  if (!e && l->n_slots < SKYD_AUTH_ADDRS) e = &l->slots[l->n_slots++];
  if (!e) {
    e = &l->slots[0];
    for (size_t i = 1; i < l->n_slots; i++)
      if (l->slots[i].last_fail_ms < e->last_fail_ms) e = &l->slots[i];
  }
  memset(e, 0, sizeof *e);
  e->key = *key;
  e->used = true;
  return e;
}

double skyd_auth_admit(skyd_auth_limiter *l, const skyd_addr_key *key, double now_ms) {
  addr_entry *e = find(l, key);
  if (!e || l->base_ms <= 0) return now_ms;
  forgive(e, now_ms);
  double d = delay_ms(l, e->fails);
  if (d <= 0) {
    if (e->fails == 0) e->used = false;
    return now_ms;
  }
  double start = e->next_ms > now_ms ? e->next_ms : now_ms;
  e->next_ms = start + d; /* the next check from here waits for this one's turn */
  return start;
}

unsigned skyd_auth_result(skyd_auth_limiter *l, const skyd_addr_key *key, bool ok, double now_ms, double *next_ms) {
  *next_ms = now_ms;
  addr_entry *e = find(l, key);
  if (ok) {
    if (e) e->used = false;
    return 0;
  }
  if (!e) e = take_slot(l, key);
  forgive(e, now_ms);
  if (e->fails < (1u << 20)) e->fails++;
  e->last_fail_ms = now_ms;
  double d = delay_ms(l, e->fails);
  if (d > 0 && e->next_ms < now_ms + d) e->next_ms = now_ms + d;
  if (e->next_ms > now_ms) *next_ms = e->next_ms;
  return e->fails;
}
