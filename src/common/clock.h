/* clock.h — the one monotonic clock of Sky: statement deadlines, elapsed
 * times in replies and logs, idle timeouts, progress and benchmarks all read
 * CLOCK_MONOTONIC through these, so that every figure means the same thing.
 * Wall-clock (UTC) time is timeutil.h's business. */
#ifndef SKY_COMMON_CLOCK_H
#define SKY_COMMON_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Monotonic now, in ns. */
static inline int64_t sky_clock_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Monotonic now, in ms and in seconds (for durations; not exact past 2^53 ns). */
static inline double sky_clock_ms(void) { return (double)sky_clock_ns() / 1e6; }
static inline double sky_clock_s(void) { return (double)sky_clock_ns() / 1e9; }

#endif
