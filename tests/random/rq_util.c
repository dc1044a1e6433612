/* rq_util.c — small helpers of the random-query checker: a seedable random
 * generator, growable text buffers, the value struct with its total order,
 * and a UTC calendar of our own.
 *
 * The calendar is deliberately re-derived here (days-from-civil after
 * H. Hinnant) instead of calling src/common/timeutil: the evaluator must not
 * share the code whose results it checks. Nothing here knows about Sky.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random/rq.h"

/* ---- random numbers ----------------------------------------------------- */

void rq_rng_seed(rq_rng *r, uint64_t seed) { r->s = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull; }

uint64_t rq_next(rq_rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t rq_below(rq_rng *r, uint64_t n) { return n ? rq_next(r) % n : 0; }

int64_t rq_range(rq_rng *r, int64_t lo, int64_t hi) {
  return lo + (int64_t)rq_below(r, (uint64_t)(hi - lo) + 1);
}

bool rq_chance(rq_rng *r, unsigned pct) { return rq_below(r, 100) < pct; }

/* ---- text buffers ------------------------------------------------------- */

void rq_buf_init(rq_buf *b) {
  b->data = NULL;
  b->len = b->cap = 0;
  rq_buf_add(b, "", 0);
}

void rq_buf_free(rq_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void rq_buf_reset(rq_buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

static void reserve(rq_buf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) cap *= 2;
  char *d = realloc(b->data, cap);
  if (!d) abort(); /* test code: out of memory ends the test */
  b->data = d;
  b->cap = cap;
}

void rq_buf_add(rq_buf *b, const char *s, size_t len) {
  reserve(b, len);
  if (len) memcpy(b->data + b->len, s, len);
  b->len += len;
  b->data[b->len] = '\0';
}

void rq_buf_puts(rq_buf *b, const char *s) { rq_buf_add(b, s, strlen(s)); }

void rq_buf_printf(rq_buf *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) {
    rq_buf_add(b, tmp, (size_t)n);
    return;
  }
  reserve(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void rq_buf_sql_string(rq_buf *b, const char *s, size_t len) {
  rq_buf_add(b, "'", 1);
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '\'') rq_buf_add(b, "'", 1);
    rq_buf_add(b, s + i, 1);
  }
  rq_buf_add(b, "'", 1);
}

void rq_buf_json_text(rq_buf *b, const char *s, size_t len) {
  rq_buf_add(b, "\"", 1);
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '"' || s[i] == '\\') rq_buf_add(b, "\\", 1);
    rq_buf_add(b, s + i, 1);
  }
  rq_buf_add(b, "\"", 1);
}

void rq_float_text(rq_buf *b, double f) {
  char tmp[48];
  snprintf(tmp, sizeof tmp, "%.2f", f); /* our FLOATs are multiples of 0.25: two digits are exact */
  size_t n = strlen(tmp);
  while (n > 2 && tmp[n - 1] == '0' && tmp[n - 2] != '.') n--; /* "2.50" → "2.5", "3.00" → "3.0" */
  rq_buf_add(b, tmp, n);
}

/* ---- values ------------------------------------------------------------- */

rq_val rq_null(void) {
  rq_val v;
  memset(&v, 0, sizeof v);
  return v;
}

rq_val rq_bool(bool b) {
  rq_val v = rq_null();
  v.t = RQ_BOOL;
  v.b = b;
  return v;
}

rq_val rq_int(int64_t i) {
  rq_val v = rq_null();
  v.t = RQ_INT;
  v.i = i;
  return v;
}

rq_val rq_float(double f) {
  rq_val v = rq_null();
  v.t = RQ_FLOAT;
  v.f = f;
  return v;
}

rq_val rq_obj(uint64_t u) {
  rq_val v = rq_null();
  v.t = RQ_OBJ;
  v.u = u;
  return v;
}

rq_val rq_str(const char *s, size_t len) {
  rq_val v = rq_null();
  if (len >= RQ_STR_MAX) abort(); /* the pools never hold longer strings */
  v.t = RQ_STR;
  v.len = (uint8_t)len;
  memcpy(v.s, s, len);
  return v;
}

static int cmp_num(const rq_val *a, const rq_val *b) {
  if (a->t == RQ_INT && b->t == RQ_INT) return (a->i > b->i) - (a->i < b->i);
  double x = a->t == RQ_INT ? (double)a->i : a->f;
  double y = b->t == RQ_INT ? (double)b->i : b->f;
  return (x > y) - (x < y);
}

/* Objects compare unsigned; an INT (a literal) against an object compares
 * as its unsigned value when non-negative and as smaller otherwise. */
static int cmp_obj(const rq_val *a, const rq_val *b) {
  if (a->t == RQ_INT && a->i < 0) return -1;
  if (b->t == RQ_INT && b->i < 0) return 1;
  uint64_t x = a->t == RQ_OBJ ? a->u : (uint64_t)a->i;
  uint64_t y = b->t == RQ_OBJ ? b->u : (uint64_t)b->i;
  return (x > y) - (x < y);
}

int rq_val_cmp(const rq_val *a, const rq_val *b) {
  if (a->t == RQ_NULL || b->t == RQ_NULL) return (a->t != RQ_NULL) - (b->t != RQ_NULL);
  if (a->t == RQ_OBJ || b->t == RQ_OBJ) return cmp_obj(a, b);
  if ((a->t == RQ_INT || a->t == RQ_FLOAT) && (b->t == RQ_INT || b->t == RQ_FLOAT)) return cmp_num(a, b);
  if (a->t == RQ_BOOL && b->t == RQ_BOOL) return (int)a->b - (int)b->b;
  if (a->t == RQ_STR && b->t == RQ_STR) {
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, n);
    if (c) return c < 0 ? -1 : 1;
    return (a->len > b->len) - (a->len < b->len);
  }
  return (int)a->t - (int)b->t; /* never between well-typed values */
}

bool rq_val_same(const rq_val *a, const rq_val *b) {
  if (a->t == RQ_NULL || b->t == RQ_NULL) return a->t == b->t;
  return rq_val_cmp(a, b) == 0;
}

void rq_val_print(rq_buf *b, const rq_val *v) {
  switch (v->t) {
  case RQ_NULL: rq_buf_puts(b, "null"); break;
  case RQ_BOOL: rq_buf_puts(b, v->b ? "true" : "false"); break;
  case RQ_INT: rq_buf_printf(b, "%lld", (long long)v->i); break;
  case RQ_OBJ: rq_buf_printf(b, "%llu", (unsigned long long)v->u); break;
  case RQ_FLOAT: {
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.17g", v->f);
    rq_buf_puts(b, tmp);
    if (!strpbrk(tmp, ".eni")) rq_buf_puts(b, ".0");
    break;
  }
  case RQ_STR: rq_buf_json_text(b, v->s, v->len); break;
  }
}

rq_val *rq_rows_add(rq_val **cells, size_t *n_rows, size_t *cap, int n_cols) {
  if (*n_rows == *cap) {
    *cap = *cap ? *cap * 2 : 16;
    *cells = realloc(*cells, *cap * (size_t)n_cols * sizeof **cells);
    if (!*cells) abort();
  }
  rq_val *row = &(*cells)[(*n_rows)++ * (size_t)n_cols];
  for (int i = 0; i < n_cols; i++) row[i] = rq_null();
  return row;
}

/* ---- UTC calendar ------------------------------------------------------- */

int64_t rq_floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

int64_t rq_days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = rq_floor_div(y, 400);
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void rq_civil_from_days(int64_t days, int64_t *y, int *m, int *d) {
  int64_t z = days + 719468;
  int64_t era = rq_floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

int64_t rq_utc(int64_t y, int m, int d, int hh, int mi, int ss) {
  return rq_days_from_civil(y, m, d) * RQ_US_PER_DAY + hh * RQ_US_PER_HOUR + mi * RQ_US_PER_MIN +
         ss * RQ_US_PER_SEC;
}

/* Offsets an ISO literal may carry, in minutes east of UTC. */
static const int iso_offsets[] = {120, -90, 345, -600, 60};

void rq_format_iso(rq_buf *b, int64_t ts, unsigned style) {
  int off_min = (style & 2) ? iso_offsets[(style >> 5) % 5] : 0;
  int64_t local = ts + off_min * RQ_US_PER_MIN;
  if (local < rq_utc(0, 1, 1, 0, 0, 0) || local >= rq_utc(10000, 1, 1, 0, 0, 0)) { /* no year -1 or 10000 */
    off_min = 0;
    local = ts;
  }
  int64_t days = rq_floor_div(local, RQ_US_PER_DAY);
  int64_t in_day = local - days * RQ_US_PER_DAY;
  int64_t y;
  int m, d;
  rq_civil_from_days(days, &y, &m, &d);
  rq_buf_printf(b, "%04lld-%02d-%02d", (long long)y, m, d);
  if (in_day == 0 && off_min == 0 && (style & 16)) return; /* a bare date is midnight UTC */
  int64_t sec = in_day / RQ_US_PER_SEC, frac = in_day % RQ_US_PER_SEC;
  rq_buf_printf(b, "%c%02lld:%02lld", (style & 1) ? ' ' : 'T', (long long)(sec / 3600), (long long)(sec / 60 % 60));
  if (sec % 60 || frac || !(style & 4) || (style & 8)) rq_buf_printf(b, ":%02lld", (long long)(sec % 60));
  if (frac || (style & 8)) {
    char digits[8];
    snprintf(digits, sizeof digits, "%06lld", (long long)frac);
    size_t n = 6;
    while (n > 1 && digits[n - 1] == '0' && !(style & 8)) n--;
    rq_buf_printf(b, ".%.*s", (int)n, digits);
  }
  if (off_min) {
    int a = off_min < 0 ? -off_min : off_min;
    rq_buf_printf(b, "%c%02d:%02d", off_min < 0 ? '-' : '+', a / 60, a % 60);
  } else if (!(style & 4) || (style & 64)) {
    rq_buf_puts(b, "Z");
  }
}
