/* timeutil.h — UTC calendar arithmetic for timestamps (int64 µs since the
 * Unix epoch): ISO-8601 parsing, the time buckets of the language (hour,
 * weekday, day, week, month) and their text forms. One definition, used by
 * the binder, both engines, the loaders and the result encoder. */
#ifndef SKY_COMMON_TIMEUTIL_H
#define SKY_COMMON_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define SKY_US_PER_SEC INT64_C(1000000)
#define SKY_US_PER_MIN (60 * SKY_US_PER_SEC)
#define SKY_US_PER_HOUR (60 * SKY_US_PER_MIN)
#define SKY_US_PER_DAY (24 * SKY_US_PER_HOUR)

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t sky_days_from_civil(int64_t y, unsigned m, unsigned d);
void sky_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

static inline int64_t sky_floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Time buckets. `day` and `week` are day numbers (week: its Monday), `month`
 * is months since 1970-01 ((year-1970)*12 + month-1). */
static inline int64_t sky_bucket_day(int64_t ts_us) { return sky_floor_div(ts_us, SKY_US_PER_DAY); }
static inline int64_t sky_bucket_hour(int64_t ts_us) { /* floor modulo: no overflow near INT64_MIN */
  int64_t r = ts_us % SKY_US_PER_DAY;
  return (r < 0 ? r + SKY_US_PER_DAY : r) / SKY_US_PER_HOUR;
}
static inline int64_t sky_bucket_weekday(int64_t ts_us) { /* 0 = Monday; 1970-01-01 was a Thursday */
  int64_t r = (sky_bucket_day(ts_us) + 3) % 7;
  return r < 0 ? r + 7 : r;
}
static inline int64_t sky_bucket_week(int64_t ts_us) { return sky_bucket_day(ts_us) - sky_bucket_weekday(ts_us); }
int64_t sky_bucket_month(int64_t ts_us);

/* Text forms: 'YYYY-MM-DD' for a day number, 'YYYY-MM' for a month number,
 * 'YYYY-MM-DDTHH' for an hour number (hours since the epoch). `out` must
 * hold 32 bytes. Return the length written. */
size_t sky_format_day(int64_t day, char *out);
size_t sky_format_month(int64_t month, char *out);
size_t sky_format_hour(int64_t hour, char *out);

/* Calendar periods of the path statements (PATHS.md §0: EVERY HOUR | DAY |
 * WEEK | MONTH, UTC, weeks from Monday). A period number counts periods
 * since the epoch's, so the difference of two is the calendar distance
 * between them; a period's label word is what names it as a string bucket
 * (an hour number, a day number — a week's Monday — or a month number). */
typedef enum sky_period {
  SKY_PERIOD_HOUR,
  SKY_PERIOD_DAY,
  SKY_PERIOD_WEEK,
  SKY_PERIOD_MONTH,
} sky_period;

int64_t sky_period_of(sky_period unit, int64_t ts_us);
/* Inline: the path statements label a period per object or more. Day
 * -3 (1969-12-29) was a Monday, so week w begins on day 7w - 3. */
static inline int64_t sky_period_label(sky_period unit, int64_t period) {
  return unit == SKY_PERIOD_WEEK ? period * 7 - 3 : period;
}
int64_t sky_period_of_label(sky_period unit, int64_t label);
/* The first instant of period number `period` (DURING's cuts). For the
 * periods of stored timestamps' years (0000..9999) and their neighbours. */
int64_t sky_period_start_us(sky_period unit, int64_t period);
/* ROLLING length of a period: 1 h, 1 d, 7 d, 30 d. */
int64_t sky_period_us(sky_period unit);
/* ISO-8601 UTC form of a timestamp, e.g. 2026-03-01T10:00:00.123456Z
 * (fraction only when non-zero). `out` must hold 48 bytes. */
size_t sky_format_timestamp(int64_t ts_us, char *out);

/* Stored timestamps lie in years 0000..9999 (so day/week/month text is
 * always 'YYYY-MM-DD' and sorts like the instants). */
#define SKY_TS_MIN INT64_C(-62167219200000000) /* 0000-01-01T00:00:00Z */
#define SKY_TS_MAX INT64_C(253402300799999999) /* 9999-12-31T23:59:59.999999Z */
static inline int sky_ts_valid(int64_t ts_us) { return ts_us >= SKY_TS_MIN && ts_us <= SKY_TS_MAX; }

/* day(), week() and month() of a computed instant (timestamp ± duration)
 * can leave those years; such a bucket is NULL, since it has no
 * 'YYYY-MM-DD' text that would sort like the number. Day and month numbers
 * of 0000-01-01 .. 9999-12-31: */
#define SKY_DAY_MIN INT64_C(-719528)
#define SKY_DAY_MAX INT64_C(2932896)
#define SKY_MONTH_MIN INT64_C(-23640)
#define SKY_MONTH_MAX INT64_C(96359)
static inline int sky_day_in_range(int64_t day) { return day >= SKY_DAY_MIN && day <= SKY_DAY_MAX; }
static inline int sky_month_in_range(int64_t month) { return month >= SKY_MONTH_MIN && month <= SKY_MONTH_MAX; }

/* Parses an ISO-8601 instant: YYYY-MM-DD, optionally followed by 'T' (or a
 * space) and HH:MM[:SS[.f{1,6}]], optionally 'Z' or +hh:mm / -hh:mm / +hhmm.
 * No offset means UTC; a bare date is midnight UTC. Returns 0 and sets
 * *ts_us, or -1 when the text is not such an instant or out of range. */
int sky_parse_iso8601(const char *s, size_t len, int64_t *ts_us);

/* Parses a canonical 'YYYY-MM-DD' (day number) or 'YYYY-MM' (month number);
 * anything else returns -1. Used to compare buckets with literals. */
int sky_parse_day(const char *s, size_t len, int64_t *day);
int sky_parse_month(const char *s, size_t len, int64_t *month);
/* 'YYYY-MM-DDTHH' to an hour number. */
int sky_parse_hour(const char *s, size_t len, int64_t *hour);

#endif
