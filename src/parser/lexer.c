/* lexer.c — what the scanner's actions do once flex has found a token's
 * shape: keyword lookup, literal values, quoted names, positions, the
 * token log and lexical errors.
 *
 * Positions: the scanner hands every matched piece of text (blanks and
 * comments too) to sky_lex_advance(), which keeps the line and column of
 * the next byte. Columns count characters (UTF-8 code points), so a caret
 * drawn under a statement lines up whatever it holds. Lexical errors are
 * syntax_error (bad_value for a number out of range) at the token's first
 * character, and the scanner then returns the grammar's error token.
 *
 * Values never copy text they do not have to: a plain identifier or a
 * string without '' points into the statement text (with its length).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "common/utf8.h"
#include "parser/lexer.h"
#include "sky_parser.h"

int sky_lex_error_token(void) { return SKY_YYerror; }

/* ---- keywords ---------------------------------------------------------------- */

/* Sorted by spelling (binary search; test_parser_unit checks the order). */
/* X(spelling, token, reserved). Non-reserved keywords are keywords only
 * where a statement needs them and names everywhere else (the grammar's
 * `nonreserved` rule): `max(x)`, a property called `format`. */
#define SKY_KEYWORDS(X) \
  X(action, KW_ACTION, 1) X(add, KW_ADD, 0) X(after, KW_AFTER, 0) X(alter, KW_ALTER, 1)               \
  X(and, KW_AND, 1) X(any, KW_ANY, 0) X(as, KW_AS, 1) X(asc, KW_ASC, 1) X(before, KW_BEFORE, 0)        \
  X(between, KW_BETWEEN, 0)                                                                           \
  X(bool, KW_BOOL, 0) X(bucket, KW_BUCKET, 0) X(by, KW_BY, 1) X(create, KW_CREATE, 1)                 \
  X(csv, KW_CSV, 0) X(day, KW_DAY, 0) X(delete, KW_DELETE, 1) X(desc, KW_DESC, 1)                     \
  X(describe, KW_DESCRIBE, 1) X(distinct, KW_DISTINCT, 1) X(drop, KW_DROP, 1)                         \
  X(dropped, KW_DROPPED, 0) X(during, KW_DURING, 1) X(errors, KW_ERRORS, 0) X(event, KW_EVENT, 1) X(every, KW_EVERY, 0)       \
  X(exclude, KW_EXCLUDE, 1) X(expires, KW_EXPIRES, 0) X(explain, KW_EXPLAIN, 1) X(false, KW_FALSE, 1) X(filter, KW_FILTER, 0)   \
  X(first, KW_FIRST, 0) X(float, KW_FLOAT, 0) X(for, KW_FOR, 0) X(format, KW_FORMAT, 0)               \
  X(from, KW_FROM, 1)                                                                                 \
  X(funnel, KW_FUNNEL, 1) X(get, KW_GET, 1) X(group, KW_GROUP, 1) X(having, KW_HAVING, 1)             \
  X(holding, KW_HOLDING, 1) X(hour, KW_HOUR, 0) X(in, KW_IN, 1) X(insert, KW_INSERT, 1)               \
  X(int, KW_INT, 0) X(into, KW_INTO, 1) X(ir, KW_IR, 0) X(is, KW_IS, 1) X(lifecycle, KW_LIFECYCLE, 0) \
  X(like, KW_LIKE, 1) X(limit, KW_LIMIT, 1) X(load, KW_LOAD, 1) X(max, KW_MAX, 0)                     \
  X(month, KW_MONTH, 0) X(ndjson, KW_NDJSON, 0) X(not, KW_NOT, 1) X(null, KW_NULL, 1)                 \
  X(object, KW_OBJECT, 1) X(objects, KW_OBJECTS, 0) X(of, KW_OF, 1) X(on, KW_ON, 0) X(or, KW_OR, 1)   \
  X(order, KW_ORDER, 1) X(over, KW_OVER, 1) X(paths, KW_PATHS, 0) X(reached, KW_REACHED, 0)            \
  X(recurring, KW_RECURRING, 0)                                                                       \
  X(retention, KW_RETENTION, 0) X(return, KW_RETURN, 1) X(rolling, KW_ROLLING, 0)                     \
  X(select, KW_SELECT, 1) X(session, KW_SESSION, 1) X(show, KW_SHOW, 1) X(state, KW_STATE, 1)         \
  X(stdin, KW_STDIN, 0) X(step, KW_STEP, 0) X(steps, KW_STEPS, 0) X(stickiness, KW_STICKINESS, 0)     \
  X(strict, KW_STRICT, 0) X(string, KW_STRING, 0) X(table, KW_TABLE, 1) X(tables, KW_TABLES, 0)       \
  X(then, KW_THEN, 1) X(times, KW_TIMES, 0) X(timestamp, KW_TIMESTAMP, 1) X(to, KW_TO, 0)             \
  X(true, KW_TRUE, 1) X(use, KW_USE, 1) X(values, KW_VALUES, 1) X(week, KW_WEEK, 0)                   \
  X(where, KW_WHERE, 1) X(within, KW_WITHIN, 1)

typedef struct keyword {
  const char *word;
  int kind;
  bool reserved;
} keyword;

static const keyword g_keywords[] = {
#define SKY_X_KW(word, kind, reserved) {#word, kind, reserved},
    SKY_KEYWORDS(SKY_X_KW)
#undef SKY_X_KW
};

#define N_KEYWORDS (sizeof g_keywords / sizeof *g_keywords)
#define MAX_KEYWORD_LEN 10

/* The keyword kind of s[0..len) (any case), or 0. */
static int keyword_kind(const char *s, size_t len) {
  if (len > MAX_KEYWORD_LEN) return 0;
  char low[MAX_KEYWORD_LEN + 1];
  for (size_t i = 0; i < len; i++) low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
  low[len] = '\0';
  size_t lo = 0, hi = N_KEYWORDS;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(g_keywords[mid].word, low);
    if (c == 0) return g_keywords[mid].kind;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return 0;
}

bool sky_lex_nonreserved(const char *name) {
  size_t len = strlen(name);
  for (size_t i = 0; i < N_KEYWORDS; i++)
    if (!g_keywords[i].reserved && strlen(g_keywords[i].word) == len && strncasecmp(g_keywords[i].word, name, len) == 0)
      return true;
  return false;
}

const char *sky_keyword_at(size_t i) { return i < N_KEYWORDS ? g_keywords[i].word : NULL; }

bool sky_lex_keywords_sorted(void) {
  for (size_t i = 1; i < N_KEYWORDS; i++)
    if (strcmp(g_keywords[i - 1].word, g_keywords[i].word) >= 0) return false;
  return true;
}

/* ---- positions and the token log ---------------------------------------------- */

void sky_lex_advance(sky_parse_ctx *ctx, size_t len, sky_loc *loc) {
  loc->line = ctx->line;
  loc->column = ctx->column;
  loc->start = ctx->off;
  const unsigned char *p = (const unsigned char *)ctx->text + ctx->off;
  for (size_t i = 0; i < len; i++) {
    if (p[i] == '\n') ctx->line++, ctx->column = 1;
    else if ((p[i] & 0xC0) != 0x80) ctx->column++;
  }
  ctx->off += (uint32_t)len;
  loc->end = ctx->off;
}

static int emit(sky_parse_ctx *ctx, int kind, const sky_loc *loc, bool keyword) {
  if (ctx->n_toks == ctx->cap_toks) {
    uint32_t cap = ctx->cap_toks ? ctx->cap_toks * 2 : 32;
    sky_tok *t = sky_arena_alloc(ctx->arena, sizeof *t * cap);
    if (!t) {
      ast_oom(ctx);
      return SKY_YYerror;
    }
    if (ctx->n_toks) memcpy(t, ctx->toks, sizeof *t * ctx->n_toks);
    ctx->toks = t;
    ctx->cap_toks = cap;
  }
  ctx->toks[ctx->n_toks++] = (sky_tok){kind, loc->start, loc->end, keyword};
  return kind;
}

/* Records a lexical error; evaluates to the grammar's error token. */
#define lex_fail(...) (ast_fail(__VA_ARGS__), SKY_YYerror)

/* The token's text, quoted for a message (at most 64 bytes). */
static const char *token_text(const sky_parse_ctx *ctx, const sky_loc *loc, char out[80]) {
  sky_error_quote(out, ctx->text + loc->start, loc->end - loc->start);
  return out;
}

/* ---- names ----------------------------------------------------------------- */

int sky_lex_word(sky_parse_ctx *ctx, sky_tokval *val, const sky_loc *loc) {
  const char *s = ctx->text + loc->start;
  uint32_t len = loc->end - loc->start;
  val->str.s = s;
  val->str.len = len;
  int kind = keyword_kind(s, len);
  return kind ? emit(ctx, kind, loc, true) : emit(ctx, T_IDENT, loc, false);
}

/* The body of a quoted token with its doubled quote characters undone. */
static const char *unquote(sky_parse_ctx *ctx, const sky_loc *loc, char q, uint32_t *len_out) {
  const char *body = ctx->text + loc->start + 1;
  uint32_t len = loc->end - loc->start - 2;
  if (!memchr(body, q, len)) {
    *len_out = len;
    return body;
  }
  char *d = sky_arena_alloc(ctx->arena, len + 1);
  if (!d) return ast_oom(ctx);
  uint32_t n = 0;
  for (uint32_t i = 0; i < len; i++) {
    d[n++] = body[i];
    if (body[i] == q) i++; /* the second of a pair */
  }
  d[n] = '\0';
  *len_out = n;
  return d;
}

int sky_lex_quoted_name(sky_parse_ctx *ctx, sky_tokval *val, const sky_loc *loc) {
  uint32_t len;
  const char *s = unquote(ctx, loc, '"', &len);
  if (!s) return SKY_YYerror;
  if (len == 0) return lex_fail(ctx, SKY_ERR_SYNTAX, loc, "empty quoted name");
  if (!sky_utf8_valid(s, len, NULL)) return lex_fail(ctx, SKY_ERR_SYNTAX, loc, "invalid UTF-8 in quoted name");
  if (memchr(s, '\0', len)) return lex_fail(ctx, SKY_ERR_SYNTAX, loc, "quoted name holds a NUL byte");
  val->str.s = s;
  val->str.len = len;
  return emit(ctx, T_IDENT, loc, false);
}

int sky_lex_string(sky_parse_ctx *ctx, sky_tokval *val, const sky_loc *loc) {
  uint32_t len;
  const char *s = unquote(ctx, loc, '\'', &len);
  if (!s) return SKY_YYerror;
  if (!sky_utf8_valid(s, len, NULL)) return lex_fail(ctx, SKY_ERR_SYNTAX, loc, "invalid UTF-8 in string");
  val->str.s = s;
  val->str.len = len;
  return emit(ctx, T_STRING, loc, false);
}

/* ---- numbers --------------------------------------------------------------- */

/* Decimal digits to uint64; false on overflow. */
static bool parse_u64(const char *s, size_t len, uint64_t *out) {
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    uint64_t d = (uint64_t)(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

int sky_lex_integer(sky_parse_ctx *ctx, sky_tokval *val, const sky_loc *loc) {
  char q[80];
  if (!parse_u64(ctx->text + loc->start, loc->end - loc->start, &val->u))
    return lex_fail(ctx, SKY_ERR_BAD_VALUE, loc, "integer '%s' is out of range (at most 18446744073709551615)",
                    token_text(ctx, loc, q));
  return emit(ctx, T_INTEGER, loc, false);
}

int sky_lex_float(sky_parse_ctx *ctx, sky_tokval *val, const sky_loc *loc) {
  if (!ctx->c_locale && !(ctx->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0))) {
    ast_oom(ctx);
    return SKY_YYerror;
  }
  char *end;
  double d = strtod_l(ctx->text + loc->start, &end, ctx->c_locale);
  char q[80];
  if (end != ctx->text + loc->end || isinf(d))
    return lex_fail(ctx, SKY_ERR_BAD_VALUE, loc, "number '%s' is out of range", token_text(ctx, loc, q));
  val->f = d;
  return emit(ctx, T_FLOAT, loc, false);
}

/* Duration units: X(suffix, µs per unit). */
#define SKY_DURATION_UNITS(X) X("ms", 1000) X("s", 1000000) X("m", 60000000) X("h", 3600000000) X("d", 86400000000)

/* µs per unit of `unit`, or 0 when it is not a unit. */
static int64_t unit_us(const char *unit, size_t len) {
#define SKY_X_UNIT(suffix, us) \
  if (len == sizeof suffix - 1 && memcmp(unit, suffix, len) == 0) return INT64_C(us);
  SKY_DURATION_UNITS(SKY_X_UNIT)
#undef SKY_X_UNIT
  return 0;
}

int sky_lex_duration(sky_parse_ctx *ctx, sky_tokval *val, const sky_loc *loc) {
  const char *s = ctx->text + loc->start;
  size_t len = loc->end - loc->start, digits = 0;
  while (digits < len && s[digits] >= '0' && s[digits] <= '9') digits++;
  int64_t per = unit_us(s + digits, len - digits);
  char q[80];
  if (!per)
    return lex_fail(ctx, SKY_ERR_SYNTAX, loc, "invalid number or duration '%s' (durations end in ms, s, m, h or d)",
                    token_text(ctx, loc, q));
  uint64_t n;
  if (!parse_u64(s, digits, &n) || n > (uint64_t)(INT64_MAX / per))
    return lex_fail(ctx, SKY_ERR_BAD_VALUE, loc, "duration '%s' is out of range", token_text(ctx, loc, q));
  val->u = n * (uint64_t)per;
  return emit(ctx, T_DURATION, loc, false);
}

int sky_lex_bad_number(sky_parse_ctx *ctx, const sky_loc *loc) {
  const char *s = ctx->text + loc->start;
  size_t len = loc->end - loc->start, k = len;
  while (k > 0 && ((s[k - 1] >= 'a' && s[k - 1] <= 'z') || (s[k - 1] >= 'A' && s[k - 1] <= 'Z'))) k--;
  char q[80];
  if (unit_us(s + k, len - k))
    return lex_fail(ctx, SKY_ERR_SYNTAX, loc, "invalid duration '%s' (durations are whole numbers: 90m, not 1.5h)",
                    token_text(ctx, loc, q));
  return lex_fail(ctx, SKY_ERR_SYNTAX, loc, "invalid number '%s'", token_text(ctx, loc, q));
}

/* ---- the rest ----------------------------------------------------------------- */

int sky_lex_punct(sky_parse_ctx *ctx, int kind, const sky_loc *loc) { return emit(ctx, kind, loc, false); }

int sky_lex_unterminated(sky_parse_ctx *ctx, const sky_loc *loc, const char *what) {
  return lex_fail(ctx, SKY_ERR_SYNTAX, loc, "unterminated %s", what);
}

int sky_lex_bad_char(sky_parse_ctx *ctx, const sky_loc *loc) {
  const unsigned char *p = (const unsigned char *)ctx->src + loc->start; /* flex masks text[end] */
  size_t avail = ctx->len - loc->start, n = 1;
  if (p[0] >= 0xC0) n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;
  char msg[48];
  if (n > avail || !sky_utf8_valid((const char *)p, n, NULL))
    snprintf(msg, sizeof msg, "invalid UTF-8 byte 0x%02X", p[0]);
  else if (p[0] < 0x20 || p[0] == 0x7F)
    snprintf(msg, sizeof msg, "unexpected character U+%04X", p[0]);
  else
    snprintf(msg, sizeof msg, "unexpected character '%.*s'", (int)n, (const char *)p);
  return lex_fail(ctx, SKY_ERR_SYNTAX, loc, "%s", msg);
}

int sky_lex_eof(sky_parse_ctx *ctx, sky_loc *loc) {
  *loc = (sky_loc){ctx->line, ctx->column, ctx->off, ctx->off};
  return 0;
}
