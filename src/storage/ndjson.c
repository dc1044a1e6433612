/* ndjson.c — the NDJSON half of the reader: one flat JSON object per line,
 * keys object/timestamp/action/properties, values staged by the same rules
 * as CSV text (reader.c), with JSON's own types on top: strings for action
 * and STRING properties, numbers for object/timestamp/INT/FLOAT (object and
 * timestamp may also be strings: digits, or ISO-8601 for a timestamp),
 * true/false (or 1/0) for BOOL; null or a missing key is NULL.
 *
 * A hand-written single-pass parser of exactly that subset: strict JSON
 * grammar (RFC 8259 numbers, escapes with \u surrogate pairs, no control
 * characters in strings), nested arrays/objects rejected as bad values.
 * Strings without escapes point into the input; escaped ones are decoded
 * into the context's scratch, which never grows during a row. A raw newline
 * always ends a record (JSON strings cannot hold one).
 */
#include <string.h>

#include "common/error.h"
#include "common/utf8.h"
#include "storage/reader_impl.h"

typedef struct nd_cursor {
  sky_rparse *P;
  const char *line; /* start of the line, for byte offsets in messages */
  const char *end;
  const char *field; /* the key whose value is being parsed, or NULL */
} nd_cursor;

static inline const char *skip_ws(const char *s, const char *e) {
  while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) s++;
  return s;
}

static int syntax(nd_cursor *C, const char *at, const char *what) {
  return sky_rd_row_error(C->P, SKY_ERR_BAD_VALUE, C->field, "invalid JSON: %s at byte %zu of the line", what,
                          (size_t)(at - C->line) + 1);
}

/* The escape at c ('\\'), decoded at *o. Returns past it, or NULL. */
static const char *unescape(const char *c, const char *e, char **o, const char **why) {
  static const char k_simple[256] = {
      ['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b', ['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t'};
  if (c + 1 >= e) return *why = "unterminated string", NULL;
  char k = k_simple[(uint8_t)c[1]];
  if (k) {
    *(*o)++ = k;
    return c + 2;
  }
  uint32_t cp;
  size_t used = sky_json_u_escape(c, e, &cp, why);
  if (!used) return NULL;
  *o += sky_utf8_put(*o, cp);
  return c + used;
}

/* The string at s ('"'). Returns past its closing quote with the content in
 * *out and *len, or NULL after recording a row error. */
static const char *json_string(nd_cursor *C, const char *s, const char **out, size_t *len) {
  const char *c = s + 1, *e = C->end, *why = NULL;
  bool high = false;
  while (c < e && *c != '"' && *c != '\\' && (unsigned char)*c >= 0x20) high |= (unsigned char)*c >= 0x80, c++;
  if (c < e && *c == '"') {
    *out = s + 1;
    *len = (size_t)(c - s - 1);
  } else {
    char *o0 = sky_rd_scratch(C->P), *o = o0;
    memcpy(o, s + 1, (size_t)(c - s - 1));
    o += c - s - 1;
    while (c < e && *c != '"') {
      unsigned char ch = (unsigned char)*c;
      if (ch < 0x20) return syntax(C, c, "control character in a string"), NULL;
      if (ch == '\\') {
        c = unescape(c, e, &o, &why);
        if (!c) return syntax(C, s, why), NULL;
        continue;
      }
      high |= ch >= 0x80;
      *o++ = (char)ch;
      c++;
    }
    if (c >= e) return syntax(C, s, "unterminated string"), NULL;
    *out = o0;
    *len = (size_t)(o - o0);
    sky_rd_scratch_used(C->P, *len);
  }
  if (high && !sky_utf8_valid(*out, *len, NULL)) {
    if (C->field)
      return sky_rd_row_error(C->P, SKY_ERR_BAD_VALUE, C->field, "invalid UTF-8 in the value of '%s'", C->field), NULL;
    return sky_rd_row_error(C->P, SKY_ERR_BAD_VALUE, NULL, "invalid UTF-8 in a key"), NULL;
  }
  return c + 1;
}

static inline bool is_digit(char c) { return (unsigned char)(c - '0') < 10; }

/* An RFC 8259 number at s; returns its end, or NULL. */
static const char *json_number(const char *s, const char *e) {
  const char *c = s;
  if (c < e && *c == '-') c++;
  if (c >= e || !is_digit(*c)) return NULL;
  if (*c == '0')
    c++;
  else
    while (c < e && is_digit(*c)) c++;
  if (c < e && *c == '.') {
    if (++c >= e || !is_digit(*c)) return NULL;
    while (c < e && is_digit(*c)) c++;
  }
  if (c < e && (*c == 'e' || *c == 'E')) {
    c++;
    if (c < e && (*c == '+' || *c == '-')) c++;
    if (c >= e || !is_digit(*c)) return NULL;
    while (c < e && is_digit(*c)) c++;
  }
  return c;
}

static bool is_string_target(const sky_rparse *P, uint32_t t) {
  return t == SKY_RT_ACTION || (t >= SKY_RT_PROP0 && P->lay->types[t] == SKY_PTYPE_STRING);
}

static int wrong_type(nd_cursor *C, uint32_t t, const char *got) {
  const sky_rparse *P = C->P;
  const char *want = t == SKY_RT_OBJECT                   ? "an integer or a string of digits"
                     : t == SKY_RT_TS                     ? "integer microseconds or an ISO-8601 string"
                     : is_string_target(P, t)             ? "a string"
                     : P->lay->types[t] == SKY_PTYPE_BOOL ? "true or false"
                                                          : "a number";
  return sky_rd_row_error(C->P, SKY_ERR_BAD_VALUE, C->field, "'%s' must be %s, not %s", C->field, want, got);
}

/* The value at c for target t. Returns past it, or NULL after an error. */
static const char *nd_value(nd_cursor *C, uint32_t t, const char *c) {
  sky_rparse *P = C->P;
  const char *e = C->end;
  if (c >= e) return syntax(C, c, "expected a value"), NULL;
  switch (*c) {
  case '"': {
    const char *s;
    size_t len;
    const char *next = json_string(C, c, &s, &len);
    if (!next) return NULL;
    if (t >= SKY_RT_PROP0 && !is_string_target(P, t)) return wrong_type(C, t, "a string"), NULL;
    return sky_rd_put_text(P, t, s, len) == 0 ? next : NULL;
  }
  case 't':
  case 'f':
  case 'n': {
    static const char *const lits[] = {"true", "false", "null"};
    const char *lit = lits[*c == 't' ? 0 : *c == 'f' ? 1 : 2];
    size_t n = strlen(lit);
    if ((size_t)(e - c) < n || memcmp(c, lit, n) != 0) return syntax(C, c, "expected a value"), NULL;
    if (*c == 'n') return c + n;
    if (t < SKY_RT_PROP0 || P->lay->types[t] != SKY_PTYPE_BOOL) return wrong_type(C, t, lit), NULL;
    return sky_rd_put_text(P, t, c, n) == 0 ? c + n : NULL;
  }
  case '{':
  case '[':
    return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, C->field, "'%s' holds a nested %s: not supported", C->field,
                            *c == '{' ? "object" : "array"),
           NULL;
  default: {
    const char *next = json_number(c, e);
    if (!next) return syntax(C, c, "expected a value"), NULL;
    if (is_string_target(P, t)) return wrong_type(C, t, "a number"), NULL;
    return sky_rd_put_text(P, t, c, (size_t)(next - c)) == 0 ? next : NULL;
  }
  }
}

/* "key": value — returns past the value, or NULL after an error. */
static const char *nd_member(nd_cursor *C, const char *c) {
  sky_rparse *P = C->P;
  const char *e = C->end, *key;
  size_t klen;
  C->field = NULL;
  if (c >= e || *c != '"') return syntax(C, c, "expected a key string"), NULL;
  c = json_string(C, c, &key, &klen);
  if (!c) return NULL;
  char q[72], field[64];
  int t = sky_rd_lookup(P->lay, key, klen);
  if (t < 0) {
    sky_error_quote(q, key, klen);
    sky_rd_copy_field(field, sizeof field, key, klen);
    return sky_rd_row_error(P, SKY_ERR_UNKNOWN_PROPERTY, field, "unknown property '%s'", q), NULL;
  }
  C->field = P->lay->names[t];
  if (P->vals[t].seen == P->row_gen)
    return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, C->field, "duplicate key '%s'", C->field), NULL;
  P->vals[t].seen = P->row_gen;
  c = skip_ws(c, e);
  if (c >= e || *c != ':') return syntax(C, c, "expected ':' after a key"), NULL;
  return nd_value(C, (uint32_t)t, skip_ws(c + 1, e));
}

/* One line, without its newline. Blank (whitespace) lines are skipped. */
static int nd_line(sky_rparse *P, const char *s, const char *e, uint64_t line) {
  const char *c = skip_ws(s, e);
  if (c == e) return 0;
  if (sky_rd_row_begin(P, line, (size_t)(e - s)) != 0) return -1;
  nd_cursor C = {P, s, e, NULL};
  if (*c != '{') return syntax(&C, c, "expected an object '{'");
  c = skip_ws(c + 1, e);
  if (c < e && *c == '}') {
    c++;
  } else {
    for (;;) {
      c = nd_member(&C, c);
      if (!c) return -1;
      c = skip_ws(c, e);
      if (c < e && *c == ',') {
        c = skip_ws(c + 1, e);
        continue;
      }
      if (c < e && *c == '}') {
        c++;
        break;
      }
      return syntax(&C, c, "expected ',' or '}'");
    }
  }
  C.field = NULL;
  c = skip_ws(c, e);
  if (c != e) return syntax(&C, c, "text after the object");
  return sky_rd_row_commit(P);
}

const char *sky_rd_ndjson_records(sky_rparse *P, const char *p, const char *end, bool at_eof) {
  while (p < end && !P->stop) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl && !at_eof) return p;
    const char *ls = p, *le = nl ? nl : end;
    uint64_t line = P->line;
    if (nl) P->line++;
    nd_line(P, ls, le, line);
    p = nl ? nl + 1 : end;
  }
  return p;
}
