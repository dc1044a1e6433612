/* timeutil.c — civil-date conversions (the era-based day-count method for
 * the proleptic Gregorian calendar) and ISO-8601 parsing/formatting. */
#include "common/timeutil.h"

#include <stdbool.h>
#include <stdio.h>

int64_t sky_days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;                                   /* [0, 399] */
  int64_t doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
  return era * 146097 + doe - 719468;
}

void sky_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
  *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

int64_t sky_bucket_month(int64_t ts_us) {
  int64_t y;
  unsigned m, d;
  sky_civil_from_days(sky_bucket_day(ts_us), &y, &m, &d);
  return (y - 1970) * 12 + (int64_t)m - 1;
}

size_t sky_format_day(int64_t day, char *out) {
  int64_t y;
  unsigned m, d;
  sky_civil_from_days(day, &y, &m, &d);
  return (size_t)snprintf(out, 32, "%04lld-%02u-%02u", (long long)y, m, d);
}

size_t sky_format_month(int64_t month, char *out) {
  int64_t y = 1970 + sky_floor_div(month, 12);
  int64_t m = month - sky_floor_div(month, 12) * 12 + 1;
  return (size_t)snprintf(out, 32, "%04lld-%02lld", (long long)y, (long long)m);
}

size_t sky_format_hour(int64_t hour, char *out) {
  int64_t day = sky_floor_div(hour, 24);
  size_t n = sky_format_day(day, out);
  return n + (size_t)snprintf(out + n, 32 - n, "T%02lld", (long long)(hour - day * 24));
}

int64_t sky_period_of(sky_period unit, int64_t ts_us) {
  switch (unit) {
  case SKY_PERIOD_HOUR: return sky_floor_div(ts_us, SKY_US_PER_HOUR);
  case SKY_PERIOD_DAY: return sky_bucket_day(ts_us);
  case SKY_PERIOD_WEEK: return sky_floor_div(sky_bucket_day(ts_us) + 3, 7); /* day -3 was a Monday */
  case SKY_PERIOD_MONTH: return sky_bucket_month(ts_us);
  }
  return 0;
}

int64_t sky_period_of_label(sky_period unit, int64_t label) {
  return unit == SKY_PERIOD_WEEK ? sky_floor_div(label + 3, 7) : label;
}

int64_t sky_period_start_us(sky_period unit, int64_t period) {
  switch (unit) {
  case SKY_PERIOD_HOUR: return period * SKY_US_PER_HOUR;
  case SKY_PERIOD_DAY: return period * SKY_US_PER_DAY;
  case SKY_PERIOD_WEEK: return (period * 7 - 3) * SKY_US_PER_DAY;
  case SKY_PERIOD_MONTH: {
    int64_t y = 1970 + sky_floor_div(period, 12);
    return sky_days_from_civil(y, (unsigned)(period - (y - 1970) * 12) + 1, 1) * SKY_US_PER_DAY;
  }
  }
  return 0;
}

int64_t sky_period_us(sky_period unit) {
  static const int64_t us[] = {SKY_US_PER_HOUR, SKY_US_PER_DAY, 7 * SKY_US_PER_DAY, 30 * SKY_US_PER_DAY};
  return us[unit];
}

size_t sky_format_timestamp(int64_t ts, char *out) {
  int64_t day = sky_bucket_day(ts);
  int64_t rem = ts - day * SKY_US_PER_DAY;
  char date[32];
  sky_format_day(day, date);
  int64_t h = rem / SKY_US_PER_HOUR, mi = rem / SKY_US_PER_MIN % 60, s = rem / SKY_US_PER_SEC % 60;
  int64_t frac = rem % SKY_US_PER_SEC;
  if (frac)
    return (size_t)snprintf(out, 48, "%sT%02lld:%02lld:%02lld.%06lldZ", date, (long long)h, (long long)mi,
                            (long long)s, (long long)frac);
  return (size_t)snprintf(out, 48, "%sT%02lld:%02lld:%02lldZ", date, (long long)h, (long long)mi, (long long)s);
}

/* Reads exactly `n` digits at s[*i]. */
static bool digits(const char *s, size_t len, size_t *i, int n, int64_t *out) {
  int64_t v = 0;
  for (int k = 0; k < n; k++) {
    if (*i >= len || s[*i] < '0' || s[*i] > '9') return false;
    v = v * 10 + (s[(*i)++] - '0');
  }
  *out = v;
  return true;
}

static bool expect(const char *s, size_t len, size_t *i, char c) {
  if (*i < len && s[*i] == c) {
    (*i)++;
    return true;
  }
  return false;
}

static bool valid_date(int64_t y, int64_t m, int64_t d) {
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  int max = mdays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) max = 29;
  return d <= max;
}

int sky_parse_iso8601(const char *s, size_t len, int64_t *ts_us) {
  size_t i = 0;
  int64_t y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, off = 0;
  if (!digits(s, len, &i, 4, &y) || !expect(s, len, &i, '-') || !digits(s, len, &i, 2, &mo) ||
      !expect(s, len, &i, '-') || !digits(s, len, &i, 2, &d))
    return -1;
  if (!valid_date(y, mo, d)) return -1;
  if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
    i++;
    if (!digits(s, len, &i, 2, &h) || !expect(s, len, &i, ':') || !digits(s, len, &i, 2, &mi)) return -1;
    if (expect(s, len, &i, ':')) {
      if (!digits(s, len, &i, 2, &sec)) return -1;
      if (expect(s, len, &i, '.')) {
        int n = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
          if (++n > 6) return -1;
          frac = frac * 10 + (s[i++] - '0');
        }
        if (n == 0) return -1;
        for (; n < 6; n++) frac *= 10;
      }
    }
    if (h > 23 || mi > 59 || sec > 59) return -1;
    if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
      i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
      int sign = s[i++] == '-' ? -1 : 1;
      int64_t oh, om;
      if (!digits(s, len, &i, 2, &oh)) return -1;
      expect(s, len, &i, ':');
      if (!digits(s, len, &i, 2, &om) || oh > 23 || om > 59) return -1;
      off = sign * (oh * 60 + om) * SKY_US_PER_MIN;
    }
  }
  if (i != len) return -1;
  int64_t days = sky_days_from_civil(y, (unsigned)mo, (unsigned)d);
  *ts_us = days * SKY_US_PER_DAY + h * SKY_US_PER_HOUR + mi * SKY_US_PER_MIN + sec * SKY_US_PER_SEC + frac - off;
  return 0;
}

int sky_parse_day(const char *s, size_t len, int64_t *day) {
  size_t i = 0;
  int64_t y, m, d;
  if (len != 10 || !digits(s, len, &i, 4, &y) || !expect(s, len, &i, '-') || !digits(s, len, &i, 2, &m) ||
      !expect(s, len, &i, '-') || !digits(s, len, &i, 2, &d) || !valid_date(y, m, d))
    return -1;
  *day = sky_days_from_civil(y, (unsigned)m, (unsigned)d);
  return 0;
}

int sky_parse_hour(const char *s, size_t len, int64_t *hour) {
  size_t i = 10;
  int64_t day, h;
  if (len != 13 || sky_parse_day(s, 10, &day) != 0 || !expect(s, len, &i, 'T') || !digits(s, len, &i, 2, &h) || h > 23)
    return -1;
  *hour = day * 24 + h;
  return 0;
}

int sky_parse_month(const char *s, size_t len, int64_t *month) {
  size_t i = 0;
  int64_t y, m;
  if (len != 7 || !digits(s, len, &i, 4, &y) || !expect(s, len, &i, '-') || !digits(s, len, &i, 2, &m) || m < 1 ||
      m > 12)
    return -1;
  *month = (y - 1970) * 12 + m - 1;
  return 0;
}
