/* shell_time.c — the readable forms of timestamps and durations; see
 * shell_time.h. Magnitudes are taken as uint64 so that INT64_MIN needs no
 * special case. */
#include "shell/shell_time.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "common/timeutil.h"

/* ".576082" → ".576082", 500000 µs → ".5", 0 → "" */
static size_t fraction(uint64_t micros, char *out, size_t n) {
  if (micros == 0) {
    out[0] = '\0';
    return 0;
  }
  int digits = 6;
  while (micros % 10 == 0) micros /= 10, digits--;
  return (size_t)snprintf(out, n, ".%0*" PRIu64, digits, micros);
}

size_t skysh_format_timestamp(int64_t us, char out[SKYSH_TIME_TEXT]) {
  if (!sky_ts_valid(us)) return (size_t)snprintf(out, SKYSH_TIME_TEXT, "%" PRId64, us);
  int64_t day = sky_floor_div(us, SKY_US_PER_DAY);
  uint64_t in_day = (uint64_t)(us - day * SKY_US_PER_DAY); /* 0 .. one day - 1 µs */
  int64_t y;
  unsigned m, d;
  sky_civil_from_days(day, &y, &m, &d);
  uint64_t secs = in_day / 1000000u;
  size_t n = (size_t)snprintf(out, SKYSH_TIME_TEXT, "%04" PRId64 "-%02u-%02u %02u:%02u:%02u", y, m, d,
                              (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
  return n + fraction(in_day % 1000000u, out + n, SKYSH_TIME_TEXT - n);
}

size_t skysh_format_duration(int64_t us, char out[SKYSH_TIME_TEXT]) {
  uint64_t mag = us < 0 ? 0 - (uint64_t)us : (uint64_t)us;
  uint64_t secs = mag / 1000000u, days = secs / 86400u;
  size_t n = 0;
  if (us < 0) out[n++] = '-';
  if (days) n += (size_t)snprintf(out + n, SKYSH_TIME_TEXT - n, "%" PRIu64 "d ", days);
  n += (size_t)snprintf(out + n, SKYSH_TIME_TEXT - n, "%02u:%02u:%02u", (unsigned)(secs / 3600 % 24),
                        (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
  return n + fraction(mag % 1000000u, out + n, SKYSH_TIME_TEXT - n);
}

bool skysh_time_from_double(double v, int64_t *us) {
  if (!isfinite(v)) return false;
  double r = nearbyint(v);
  if (r < -9223372036854775808.0 || r >= 9223372036854775808.0) return false;
  *us = (int64_t)r;
  return true;
}
