/* reader.c — what the CSV and NDJSON parsers share: the column layout (name
 * → target), the per-thread parse context with its row-error list, the value
 * rules of LOAD (object ids, timestamps, INT, FLOAT, BOOL, strings), the
 * two-phase row staging, and the streaming reader of reader.h.
 *
 * Values are parsed by hand: these loops run once per field of every loaded
 * row. FLOAT takes a fast path only when it is provably exact (at most 2^53
 * as an integer mantissa and a power of ten up to 1e22: one IEEE operation,
 * correctly rounded) and strtod_l in the C locale otherwise. Nothing here
 * prints, and a bad row never leaves anything in the batch.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/alloc.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/timeutil.h"
#include "storage/reader_impl.h"

/* Years 0000..9999: [0000-01-01T00:00:00Z, 10000-01-01T00:00:00Z). */
#define TS_MIN INT64_C(-62167219200000000)
#define TS_MAX INT64_C(253402300799999999)

/* ---- layout ---------------------------------------------------------------- */

static void layout_add_name(sky_rlayout *lay, uint32_t t) {
  uint64_t h = sky_hash_bytes(lay->names[t], lay->name_lens[t]);
  uint32_t i = (uint32_t)h & (lay->n_slots - 1);
  while (lay->slots[i]) i = (i + 1) & (lay->n_slots - 1);
  lay->slots[i] = t + 1;
}

int sky_rd_layout_init(sky_rlayout *lay, const sky_schema *schema, sky_load_format fmt, sky_error *err) {
  memset(lay, 0, sizeof *lay);
  lay->schema = schema;
  lay->fmt = fmt;
  lay->n_targets = SKY_RT_PROP0 + schema->n_props;
  lay->n_slots = 16;
  while (lay->n_slots < lay->n_targets * 2) lay->n_slots *= 2;
  lay->names = sky_calloc(lay->n_targets, sizeof *lay->names);
  lay->name_lens = sky_calloc(lay->n_targets, sizeof *lay->name_lens);
  lay->types = sky_calloc(lay->n_targets, 1);
  lay->str_slot = sky_calloc(lay->n_targets, sizeof *lay->str_slot);
  lay->slots = sky_calloc(lay->n_slots, sizeof *lay->slots);
  lay->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
  if (!lay->names || !lay->name_lens || !lay->types || !lay->str_slot || !lay->slots || !lay->c_locale) {
    sky_rd_layout_free(lay);
    return sky_error_oom(err);
  }
  static const char *const fixed[] = {"object", "timestamp", "action"};
  for (uint32_t t = 0; t < lay->n_targets; t++) {
    lay->names[t] = t < SKY_RT_PROP0 ? fixed[t] : schema->props[t - SKY_RT_PROP0].name;
    lay->name_lens[t] = (uint32_t)strlen(lay->names[t]);
    lay->types[t] = t < SKY_RT_PROP0 ? SKY_PTYPE_STRING : (uint8_t)schema->props[t - SKY_RT_PROP0].type;
    layout_add_name(lay, t);
    if (t == SKY_RT_ACTION || (t >= SKY_RT_PROP0 && lay->types[t] == SKY_PTYPE_STRING))
      lay->str_slot[t] = lay->n_str_targets++;
  }
  return 0;
}

void sky_rd_layout_free(sky_rlayout *lay) {
  sky_free(lay->names);
  sky_free(lay->name_lens);
  sky_free(lay->types);
  sky_free(lay->str_slot);
  sky_free(lay->slots);
  sky_free(lay->col_target);
  if (lay->c_locale) freelocale(lay->c_locale);
  memset(lay, 0, sizeof *lay);
}

int sky_rd_lookup(const sky_rlayout *lay, const char *name, size_t len) {
  uint64_t h = sky_hash_bytes(name, len);
  uint32_t i = (uint32_t)h & (lay->n_slots - 1);
  for (;;) {
    uint32_t t1 = lay->slots[i];
    if (!t1) return -1;
    if (lay->name_lens[t1 - 1] == len && memcmp(lay->names[t1 - 1], name, len) == 0) return (int)(t1 - 1);
    i = (i + 1) & (lay->n_slots - 1);
  }
}

/* ---- parse context and errors ---------------------------------------------- */

int sky_rd_parse_init(sky_rparse *P, sky_rlayout *lay, int64_t max_errors, sky_error *err) {
  memset(P, 0, sizeof *P);
  P->lay = lay;
  P->line = 1;
  P->max_errors = max_errors > 0 ? max_errors : 0;
  P->row_gen = 1;
  P->vals = sky_calloc(lay->n_targets, sizeof *P->vals);
  P->set_list = sky_calloc(lay->n_targets, sizeof *P->set_list);
  P->str_cache = sky_calloc((size_t)lay->n_str_targets << SKY_RD_STRCACHE_BITS, sizeof *P->str_cache);
  if (!P->vals || !P->set_list || !P->str_cache) {
    sky_rd_parse_free(P);
    return sky_error_oom(err);
  }
  return 0;
}

void sky_rd_parse_free(sky_rparse *P) {
  sky_free(P->errors);
  sky_free(P->vals);
  sky_free(P->set_list);
  sky_free(P->str_cache);
  sky_free(P->fields);
  sky_free(P->scratch);
  memset(P, 0, sizeof *P);
}

void sky_rd_parse_reset(sky_rparse *P) {
  P->n_errors = 0;
  P->stop = false;
  P->has_fatal = false;
  P->rows = 0;
}

static int clamp_line(uint64_t line) { return line > INT32_MAX ? INT32_MAX : (int)line; }

void sky_rd_copy_field(char *dst, size_t cap, const char *s, size_t len) {
  if (len >= cap) {
    len = cap - 1;
    while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80) len--; /* whole UTF-8 sequences only */
  }
  memcpy(dst, s, len);
  dst[len] = '\0';
}

static void fill_error(sky_error *e, sky_code code, uint64_t line, const char *field, const char *fmt, va_list ap) {
  memset(e, 0, sizeof *e);
  e->code = code;
  e->line = clamp_line(line);
  if (field) sky_rd_copy_field(e->field, sizeof e->field, field, strlen(field));
  vsnprintf(e->message, sizeof e->message, fmt, ap);
}

int sky_rd_fatal(sky_rparse *P, sky_code code, uint64_t line, const char *field, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fill_error(&P->fatal, code, line, field, fmt, ap);
  va_end(ap);
  P->has_fatal = true;
  P->stop = true;
  return -1;
}

int sky_rd_oom(sky_rparse *P) {
  sky_error_oom(&P->fatal);
  P->has_fatal = true;
  P->stop = true;
  return -1;
}

int sky_rd_row_error(sky_rparse *P, sky_code code, const char *field, const char *fmt, ...) {
  void *errs = P->errors;
  if (sky_grow(&errs, &P->cap_errors, P->n_errors + 1, sizeof *P->errors) != 0) return sky_rd_oom(P);
  P->errors = errs;
  va_list ap;
  va_start(ap, fmt);
  fill_error(&P->errors[P->n_errors++], code, P->row_line, field, fmt, ap);
  va_end(ap);
  if ((int64_t)P->n_errors > P->max_errors) P->stop = true;
  return -1;
}

const sky_error *sky_rd_stop_error(const sky_rparse *P) {
  if (P->has_fatal || P->n_errors == 0) return &P->fatal;
  return &P->errors[P->n_errors - 1];
}

/* ---- values ------------------------------------------------------------------ */

static inline bool is_digit(char c) { return (unsigned char)(c - '0') < 10; }

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Eight ASCII digits at s as a number (SWAR: four multiplies, no branches
 * per digit); false when any of them is not a digit. */
static inline bool eight_digits(const char *s, uint64_t *out) {
  uint64_t v;
  memcpy(&v, s, 8);
  if ((((v & 0xF0F0F0F0F0F0F0F0ULL) | (((v + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4))) !=
      0x3333333333333333ULL)
    return false;
  v -= 0x3030303030303030ULL;
  v = v * 10 + (v >> 8);
  v = (((v & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
       (((v >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
      32;
  *out = v;
  return true;
}
#else
static inline bool eight_digits(const char *s, uint64_t *out) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) {
    if (!is_digit(s[i])) return false;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  *out = v;
  return true;
}
#endif

/* Decimal digits only, into a uint64. 0 ok, -1 syntax, -2 overflow. */
static int parse_u64(const char *s, size_t len, uint64_t *out) {
  if (len == 0) return -1;
  uint64_t v = 0;
  size_t i = 0;
  if (len <= 19) { /* cannot overflow */
    for (uint64_t d; i + 8 <= len; i += 8) {
      if (!eight_digits(s + i, &d)) return -1;
      v = v * 100000000 + d;
    }
    for (; i < len; i++) {
      if (!is_digit(s[i])) return -1;
      v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
  }
  for (; i < len; i++) {
    if (!is_digit(s[i])) return -1;
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v)) {
      while (++i < len)
        if (!is_digit(s[i])) return -1;
      return -2;
    }
  }
  *out = v;
  return 0;
}

/* [+-]digits into an int64. 0 ok, -1 syntax, -2 overflow. */
static int parse_i64(const char *s, size_t len, int64_t *out) {
  bool neg = false;
  if (len && (s[0] == '-' || s[0] == '+')) neg = s[0] == '-', s++, len--;
  uint64_t u;
  int rc = parse_u64(s, len, &u);
  if (rc) return rc;
  if (neg) {
    if (u > (uint64_t)INT64_MAX + 1) return -2;
    *out = (int64_t)(0 - u);
  } else {
    if (u > (uint64_t)INT64_MAX) return -2;
    *out = (int64_t)u;
  }
  return 0;
}

static const double k_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* [+-](digits[.digits] | .digits)([eE][+-]digits). 0 ok, -1 syntax, -2 not
 * finite. */
static int parse_f64(const sky_rlayout *lay, const char *s, size_t len, double *out) {
  size_t i = 0;
  bool neg = false;
  if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  uint64_t m = 0;
  int nd = 0, digits = 0;
  int64_t e10 = 0;
  bool exact = true;
  for (; i < len && is_digit(s[i]); i++, digits++) {
    if (m == 0 && s[i] == '0') continue;
    if (nd < 19)
      m = m * 10 + (uint64_t)(s[i] - '0'), nd++;
    else
      exact = false, e10++;
  }
  if (i < len && s[i] == '.') {
    for (i++; i < len && is_digit(s[i]); i++, digits++) {
      if (m == 0 && s[i] == '0') {
        e10--;
        continue;
      }
      if (nd < 19)
        m = m * 10 + (uint64_t)(s[i] - '0'), nd++, e10--;
      else
        exact = false;
    }
  }
  if (digits == 0) return -1;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool eneg = false;
    if (i < len && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
    if (i >= len || !is_digit(s[i])) return -1;
    int64_t ev = 0;
    for (; i < len && is_digit(s[i]); i++)
      if (ev < 100000) ev = ev * 10 + (s[i] - '0');
    e10 += eneg ? -ev : ev;
  }
  if (i != len) return -1;
  double d;
  if (m == 0) {
    d = 0.0;
  } else if (exact && m <= (UINT64_C(1) << 53) && e10 >= -22 && e10 <= 22) {
    d = e10 < 0 ? (double)m / k_pow10[-e10] : (double)m * k_pow10[e10];
  } else {
    char small[128];
    char *buf = len < sizeof small ? small : sky_malloc(len + 1);
    if (!buf) return -3;
    memcpy(buf, s, len);
    buf[len] = '\0';
    d = fabs(strtod_l(buf, NULL, lay->c_locale));
    if (buf != small) sky_free(buf);
  }
  if (!isfinite(d)) return -2;
  *out = neg ? -d : d;
  return 0;
}

static int parse_bool(const char *s, size_t len, bool *out) {
  if (len == 1 && (s[0] == '1' || s[0] == '0')) return *out = s[0] == '1', 0;
  if (len == 4 && strncasecmp(s, "true", 4) == 0) return *out = true, 0;
  if (len == 5 && strncasecmp(s, "false", 5) == 0) return *out = false, 0;
  return -1;
}

/* Integer µs ([+-]digits) or ISO-8601. 0 ok, -1 syntax, -2 out of range. */
static int parse_ts(const char *s, size_t len, int64_t *out) {
  size_t i = len && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  bool all_digits = i < len;
  for (; i < len && all_digits; i++) all_digits = is_digit(s[i]);
  int64_t v;
  if (all_digits) {
    int rc = parse_i64(s, len, &v);
    if (rc) return rc;
  } else if (sky_parse_iso8601(s, len, &v) != 0) {
    return -1;
  }
  if (v < TS_MIN || v > TS_MAX) return -2;
  *out = v;
  return 0;
}

/* ---- staging --------------------------------------------------------------- */

int sky_rd_row_begin(sky_rparse *P, uint64_t line, size_t rec_len) {
  P->row_line = line;
  P->row_gen++;
  P->n_set = 0;
  P->scratch_len = 0;
  if (rec_len > P->scratch_cap) {
    size_t cap = P->scratch_cap ? P->scratch_cap : 256;
    while (cap < rec_len) cap *= 2;
    char *s = sky_realloc(P->scratch, cap);
    if (!s) return sky_rd_oom(P);
    P->scratch = s;
    P->scratch_cap = cap;
  }
  return 0;
}

static inline sky_rval *stage(sky_rparse *P, uint32_t t) {
  sky_rval *v = &P->vals[t];
  v->gen = P->row_gen;
  P->set_list[P->n_set++] = t;
  return v;
}

static const char *type_label(const sky_rparse *P, uint32_t t) {
  return sky_prop_type_name((sky_prop_type)P->lay->types[t]);
}

/* Action or a STRING property: any bytes (already checked as UTF-8). */
static int put_string(sky_rparse *P, uint32_t t, const char *s, size_t len) {
  sky_rval *v = stage(P, t);
  v->s = s;
  v->len = len;
  return 0;
}

int sky_rd_put_text(sky_rparse *P, uint32_t t, const char *s, size_t len) {
  const char *name = P->lay->names[t];
  char q[72];
  int rc = -1;
  switch (t) {
  case SKY_RT_OBJECT: {
    uint64_t u;
    rc = parse_u64(s, len, &u);
    if (rc == 0 && u != 0) return stage(P, t)->v.u = u, 0;
    sky_error_quote(q, s, len);
    if (rc == 0) return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, name, "object id 0: ids are 1 to 2^64-1");
    if (rc == -2) return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, name, "object id '%s' is larger than 2^64-1", q);
    return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, name, "invalid object id '%s': expected an integer 1 to 2^64-1", q);
  }
  case SKY_RT_TS: {
    int64_t ts;
    rc = parse_ts(s, len, &ts);
    if (rc == 0) return stage(P, t)->v.i = ts, 0;
    sky_error_quote(q, s, len);
    if (rc == -2) return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, name, "timestamp '%s' is outside years 0000-9999", q);
    return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, name,
                            "invalid timestamp '%s': expected integer microseconds or ISO-8601", q);
  }
  case SKY_RT_ACTION: return put_string(P, t, s, len);
  default: break;
  }
  switch ((sky_prop_type)P->lay->types[t]) {
  case SKY_PTYPE_STRING: return put_string(P, t, s, len);
  case SKY_PTYPE_INT: {
    int64_t i;
    rc = parse_i64(s, len, &i);
    if (rc == 0) return stage(P, t)->v.i = i, 0;
    break;
  }
  case SKY_PTYPE_FLOAT: {
    double d;
    rc = parse_f64(P->lay, s, len, &d);
    if (rc == 0) return stage(P, t)->v.f = d, 0;
    if (rc == -3) return sky_rd_oom(P);
    break;
  }
  case SKY_PTYPE_BOOL: {
    bool b;
    rc = parse_bool(s, len, &b);
    if (rc == 0) return stage(P, t)->v.b = b, 0;
    break;
  }
  }
  sky_error_quote(q, s, len);
  if (rc == -2)
    return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, name, "%s value '%s' is out of range", type_label(P, t), q);
  return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, name, "invalid %s value '%s'", type_label(P, t), q);
}

/* The batch-local code of a string for target t: a direct-mapped cache of
 * recent codes per string target (keyed by a multiplicative hash of the
 * first and last 8 bytes), each hit verified against the batch's dictionary
 * so it stays right across batches and resets; else interned. 0 when out of
 * memory. */
static uint32_t string_code(sky_rparse *P, uint32_t t, const char *s, size_t len) {
  sky_batch *b = P->out;
  sky_batch_dict *d = t == SKY_RT_ACTION ? &b->action_dict : &b->cols[t - SKY_RT_PROP0].dict;
  uint64_t first = 0, last = 0;
  memcpy(&first, s, len < 8 ? len : 8);
  if (len > 8) memcpy(&last, s + len - 8, 8);
  uint64_t h = ((first ^ (last * 3) ^ len) * 0x9E3779B97F4A7C15ULL) >> (64 - SKY_RD_STRCACHE_BITS);
  uint32_t *cached = &P->str_cache[((size_t)P->lay->str_slot[t] << SKY_RD_STRCACHE_BITS) + h];
  uint32_t code = *cached;
  if (code && code <= d->n && d->lens[code - 1] == len && memcmp(d->strs[code - 1], s, len) == 0) return code;
  code = sky_batch_dict_intern(b, d, s, len);
  *cached = code;
  return code;
}

static int commit_value(sky_rparse *P, size_t row, uint32_t t) {
  sky_batch *b = P->out;
  const sky_rval *v = &P->vals[t];
  if (t == SKY_RT_ACTION) {
    uint32_t code = string_code(P, t, v->s, v->len);
    b->action[row] = code;
    return code ? 0 : -1;
  }
  uint32_t prop = t - SKY_RT_PROP0;
  switch ((sky_prop_type)P->lay->types[t]) {
  case SKY_PTYPE_INT: sky_batch_set_int(b, row, prop, v->v.i); return 0;
  case SKY_PTYPE_FLOAT: sky_batch_set_float(b, row, prop, v->v.f); return 0;
  case SKY_PTYPE_BOOL: sky_batch_set_bool(b, row, prop, v->v.b); return 0;
  case SKY_PTYPE_STRING: {
    uint32_t code = string_code(P, t, v->s, v->len);
    if (!code) return -1;
    ((uint32_t *)b->cols[prop].values)[row] = code; /* what sky_batch_set_string does */
    b->cols[prop].present[row] = 1;
    return 0;
  }
  }
  return 0;
}

int sky_rd_row_commit(sky_rparse *P) {
  if (!sky_rd_is_set(P, SKY_RT_OBJECT))
    return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, "object", "missing object id (NULL)");
  if (!sky_rd_is_set(P, SKY_RT_TS))
    return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, "timestamp", "missing timestamp (NULL)");
  if (P->n_set <= 2) return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, NULL, "event has no action and no property");
  int64_t row = sky_batch_add_row(P->out, P->vals[SKY_RT_OBJECT].v.u, P->vals[SKY_RT_TS].v.i);
  if (row < 0) return sky_rd_oom(P);
  for (uint32_t k = 0; k < P->n_set; k++) {
    uint32_t t = P->set_list[k];
    if (t >= SKY_RT_ACTION && commit_value(P, (size_t)row, t) != 0) {
      sky_batch_drop_last(P->out); /* no half-set row left behind */
      return sky_rd_oom(P);
    }
  }
  P->rows++;
  return 0;
}

const char *sky_rd_records(sky_rparse *P, const char *p, const char *end, bool at_eof) {
  return P->lay->fmt == SKY_FORMAT_CSV ? sky_rd_csv_records(P, p, end, at_eof)
                                       : sky_rd_ndjson_records(P, p, end, at_eof);
}

/* ---- streaming reader ------------------------------------------------------- */

struct sky_reader {
  sky_rlayout lay;
  sky_rparse P;
  char *carry; /* the start of a record whose end has not arrived yet */
  size_t carry_len, carry_cap;
  int frame;    /* CSV: framing state at the end of carry */
  char head[3]; /* the input's first bytes, until a BOM is ruled in or out */
  size_t head_len;
  bool head_done;
  bool dead;
  bool finished;
};

sky_reader *sky_reader_create(const sky_schema *schema, sky_load_format fmt, int64_t max_errors, sky_error *err) {
  if (fmt != SKY_FORMAT_CSV && fmt != SKY_FORMAT_NDJSON) {
    sky_error_set(err, SKY_ERR_BAD_REQUEST, 0, 0, "a streamed LOAD needs FORMAT CSV or FORMAT NDJSON");
    return NULL;
  }
  sky_reader *r = sky_calloc(1, sizeof *r);
  if (!r) {
    sky_error_oom(err);
    return NULL;
  }
  if (sky_rd_layout_init(&r->lay, schema, fmt, err) != 0) {
    sky_free(r);
    return NULL;
  }
  if (sky_rd_parse_init(&r->P, &r->lay, max_errors, err) != 0) {
    sky_rd_layout_free(&r->lay);
    sky_free(r);
    return NULL;
  }
  return r;
}

void sky_reader_free(sky_reader *r) {
  if (!r) return;
  sky_rd_parse_free(&r->P);
  sky_rd_layout_free(&r->lay);
  sky_free(r->carry);
  sky_free(r);
}

static int reader_fail(sky_reader *r, sky_error *err) {
  r->dead = true;
  if (err) *err = *sky_rd_stop_error(&r->P);
  return -1;
}

static int carry_append(sky_reader *r, const char *data, size_t len) {
  if (r->carry_len + len > SKY_READER_MAX_RECORD)
    return sky_rd_fatal(&r->P, SKY_ERR_BAD_VALUE, r->P.line, NULL, "row longer than %zu MiB (an unterminated quote?)",
                        SKY_READER_MAX_RECORD >> 20);
  void *c = r->carry;
  if (sky_grow(&c, &r->carry_cap, r->carry_len + len, 1) != 0) return sky_rd_oom(&r->P);
  r->carry = c;
  memcpy(r->carry + r->carry_len, data, len);
  r->carry_len += len;
  return 0;
}

/* Offset just past the newline that ends the carried record, or SIZE_MAX. */
static size_t frame_end(sky_reader *r, const char *data, size_t len) {
  if (r->lay.fmt == SKY_FORMAT_CSV) return sky_rd_csv_frame(data, len, &r->frame);
  const char *nl = memchr(data, '\n', len);
  return nl ? (size_t)(nl - data) + 1 : SIZE_MAX;
}

/* Parses data (after the BOM question is settled): completes the carried
 * record first, parses whole records in place, carries the rest. */
static int feed_body(sky_reader *r, const char *data, size_t len) {
  if (r->carry_len) {
    size_t n = frame_end(r, data, len);
    size_t take = n == SIZE_MAX ? len : n;
    if (carry_append(r, data, take) != 0) return -1;
    if (n == SIZE_MAX) return 0;
    sky_rd_records(&r->P, r->carry, r->carry + r->carry_len, false);
    r->carry_len = 0;
    if (r->P.stop) return -1;
    data += take;
    len -= take;
  }
  const char *stop = sky_rd_records(&r->P, data, data + len, false);
  if (r->P.stop) return -1;
  size_t rest = (size_t)(data + len - stop);
  if (rest) {
    if (carry_append(r, stop, rest) != 0) return -1;
    r->frame = 0;
    if (r->lay.fmt == SKY_FORMAT_CSV) sky_rd_csv_frame(r->carry, r->carry_len, &r->frame);
  }
  return 0;
}

static const char k_bom[3] = {'\xEF', '\xBB', '\xBF'};

/* Holds back the first bytes until they are known to be (and then drops)
 * or not to be a UTF-8 byte order mark. Returns the bytes consumed. */
static size_t take_head(sky_reader *r, const char *data, size_t len) {
  size_t take = 0;
  while (r->head_len < 3 && take < len && data[take] == k_bom[r->head_len]) r->head[r->head_len++] = data[take++];
  if (r->head_len == 3)
    r->head_done = true, r->head_len = 0; /* a BOM: dropped */
  else if (take < len)
    r->head_done = true; /* not a BOM: head_len bytes are data */
  return take;
}

int sky_reader_feed(sky_reader *r, const char *data, size_t len, sky_batch *out, sky_error *err) {
  if (r->dead) return reader_fail(r, err);
  if (r->finished) {
    sky_rd_fatal(&r->P, SKY_ERR_INTERNAL, 0, NULL, "data fed after the end of input");
    return reader_fail(r, err);
  }
  r->P.out = out;
  if (!r->head_done) {
    size_t took = take_head(r, data, len);
    data += took;
    len -= took;
    if (!r->head_done) return 0;
    if (r->head_len && feed_body(r, r->head, r->head_len) != 0) return reader_fail(r, err);
  }
  if (feed_body(r, data, len) != 0) return reader_fail(r, err);
  return 0;
}

int sky_reader_finish(sky_reader *r, sky_batch *out, sky_error *err) {
  if (r->dead) return reader_fail(r, err);
  r->P.out = out;
  if (!r->head_done && r->head_len && feed_body(r, r->head, r->head_len) != 0) return reader_fail(r, err);
  r->head_done = true;
  if (r->carry_len) sky_rd_records(&r->P, r->carry, r->carry + r->carry_len, true);
  r->carry_len = 0;
  r->finished = true;
  if (r->P.stop) return reader_fail(r, err);
  return 0;
}

uint64_t sky_reader_rows(const sky_reader *r) { return r->P.rows; }

size_t sky_reader_skipped(const sky_reader *r) {
  size_t max = (size_t)r->P.max_errors;
  return r->P.n_errors < max ? r->P.n_errors : max;
}

const sky_error *sky_reader_skipped_error(const sky_reader *r, size_t i) {
  return i < sky_reader_skipped(r) ? &r->P.errors[i] : NULL;
}
