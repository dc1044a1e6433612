/* server_auth.h — the pace of password checks: per client address, failed
 * AUTHs make the next check from that address wait (issue 13 item 6).
 *
 * An address is an IPv4 address or an IPv6 /64 (one host on IPv6 usually
 * owns a whole /64, so counting single IPv6 addresses would give an
 * attacker 2^64 fresh counters). The first SKYD_AUTH_FREE_FAILURES
 * failures cost nothing; from then on the next check from the address may
 * start `base_ms` after the last failure, doubling with each further
 * failure up to `max_ms`, and checks from one address in backoff start one
 * at a time at that pace (each one admitted reserves the next slot). A
 * success from the address forgets its failures; one failure is forgiven
 * per SKYD_AUTH_FORGIVE_MS without a failure.
 *
 * The limiter only computes times: the event loop parks the connection
 * until then, so a waiting check holds no thread. It belongs to the loop
 * thread (no locking). Memory is bounded: at most SKYD_AUTH_ADDRS
 * addresses are remembered, the one whose last failure is oldest giving way.
 */
#ifndef SKY_SERVER_SERVER_AUTH_H
#define SKY_SERVER_SERVER_AUTH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define SKYD_AUTH_FREE_FAILURES 3
#define SKYD_AUTH_FORGIVE_MS 60000.0
#define SKYD_AUTH_ADDRS 4096

/* A client address as the limiter counts it: IPv4 as its IPv4-mapped IPv6
 * form, IPv6 with its last 64 bits cleared. */
typedef struct skyd_addr_key {
  uint8_t b[16];
} skyd_addr_key;

void skyd_addr_key_of(const struct sockaddr *sa, skyd_addr_key *key);

typedef struct skyd_auth_limiter skyd_auth_limiter;

/* `base_ms` 0 turns backoff off (every check starts at once). NULL when out
 * of memory. */
skyd_auth_limiter *skyd_auth_limiter_create(uint64_t base_ms, uint64_t max_ms);
void skyd_auth_limiter_free(skyd_auth_limiter *l);

/* A check from `key` is asked for at `now_ms` (monotonic): returns when it
 * may start (>= now_ms), reserving that slot. */
double skyd_auth_admit(skyd_auth_limiter *l, const skyd_addr_key *key, double now_ms);
/* A check from `key` ended at `now_ms`. On failure returns the failures now
 * counted for the address and sets *next_ms to when its next check may
 * start (now_ms when there is no wait). */
unsigned skyd_auth_result(skyd_auth_limiter *l, const skyd_addr_key *key, bool ok, double now_ms, double *next_ms);

#endif
