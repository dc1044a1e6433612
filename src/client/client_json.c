/* client_json.c — the JSON reader; see client_json.h. Recursive descent
 * over the text with an explicit depth bound. Arrays and objects collect
 * their members in a growable scratch array and are copied into the arena
 * once complete, so the tree has no wasted capacity. */
#include "client/client_json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/utf8.h"

typedef struct parser {
  const char *s, *end, *start;
  sky_arena *arena;
  char *err;
  size_t err_len;
  bool failed;
} parser;

static sky_jv *fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static sky_jv *fail(parser *p, const char *fmt, ...) {
  if (p->failed) return NULL;
  p->failed = true;
  char msg[128];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(p->err, p->err_len, "%s at byte %zu", msg, (size_t)(p->s - p->start) + 1);
  return NULL;
}

static void skip_ws(parser *p) {
  while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')) p->s++;
}

static sky_jv *new_value(parser *p, sky_jv_type type) {
  sky_jv *v = sky_arena_calloc(p->arena, sizeof *v);
  if (!v) return fail(p, "out of memory");
  v->type = type;
  return v;
}

static bool literal(parser *p, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(p->end - p->s) < n || memcmp(p->s, word, n) != 0) return false;
  p->s += n;
  return true;
}

/* A string at p->s (after the opening quote): decoded into the arena. The
 * decoded form is never longer than the source. */
static const char *parse_string(parser *p, size_t *len_out) {
  const char *q = p->s;
  while (q < p->end && *q != '"') q += *q == '\\' && q + 1 < p->end ? 2 : 1;
  if (q >= p->end) return fail(p, "unterminated string"), NULL;
  char *out = sky_arena_alloc(p->arena, (size_t)(q - p->s) + 1);
  if (!out) return fail(p, "out of memory"), NULL;
  size_t n = 0;
  while (*p->s != '"') {
    unsigned char c = (unsigned char)*p->s++;
    if (c < 0x20) return fail(p, "control character in string"), NULL;
    if (c != '\\') {
      out[n++] = (char)c;
      continue;
    }
    char e = *p->s++;
    switch (e) {
    case '"': out[n++] = '"'; break;
    case '\\': out[n++] = '\\'; break;
    case '/': out[n++] = '/'; break;
    case 'b': out[n++] = '\b'; break;
    case 'f': out[n++] = '\f'; break;
    case 'n': out[n++] = '\n'; break;
    case 'r': out[n++] = '\r'; break;
    case 't': out[n++] = '\t'; break;
    case 'u': {
      uint32_t cp;
      const char *why;
      size_t used = sky_json_u_escape(p->s - 2, p->end, &cp, &why);
      if (!used) return fail(p, "%s", why), NULL;
      p->s += used - 2;
      n += sky_utf8_put(out + n, cp);
      break;
    }
    default: return fail(p, "bad escape"), NULL;
    }
  }
  p->s++;
  out[n] = '\0';
  *len_out = n;
  return out;
}

static sky_jv *parse_number(parser *p) {
  const char *b = p->s;
  bool integral = true;
  if (p->s < p->end && *p->s == '-') p->s++;
  if (p->s >= p->end || !(*p->s >= '0' && *p->s <= '9')) return fail(p, "bad number");
  if (*p->s == '0') p->s++;
  else while (p->s < p->end && *p->s >= '0' && *p->s <= '9') p->s++;
  if (p->s < p->end && *p->s == '.') {
    integral = false;
    p->s++;
    if (p->s >= p->end || !(*p->s >= '0' && *p->s <= '9')) return fail(p, "bad number");
    while (p->s < p->end && *p->s >= '0' && *p->s <= '9') p->s++;
  }
  if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
    integral = false;
    p->s++;
    if (p->s < p->end && (*p->s == '+' || *p->s == '-')) p->s++;
    if (p->s >= p->end || !(*p->s >= '0' && *p->s <= '9')) return fail(p, "bad number");
    while (p->s < p->end && *p->s >= '0' && *p->s <= '9') p->s++;
  }
  sky_jv *v = new_value(p, SKY_JV_NUMBER);
  char *text = v ? sky_arena_strndup(p->arena, b, (size_t)(p->s - b)) : NULL;
  if (!text) return fail(p, "out of memory");
  v->str = text;
  v->len = (size_t)(p->s - b);
  v->d = strtod(text, NULL);
  if (integral) {
    errno = 0;
    if (text[0] == '-') {
      long long i = strtoll(text, NULL, 10);
      v->is_int = errno == 0;
      v->i = i;
    } else {
      unsigned long long u = strtoull(text, NULL, 10);
      v->is_uint = errno == 0;
      v->u = u;
      v->is_int = v->is_uint && u <= INT64_MAX;
      v->i = (int64_t)u;
    }
  }
  return v;
}

static sky_jv *parse_value(parser *p, int depth);

/* Items of an array or object: `keys` NULL for arrays. */
static sky_jv *parse_container(parser *p, int depth, bool object) {
  sky_jv *v = new_value(p, object ? SKY_JV_OBJECT : SKY_JV_ARRAY);
  if (!v) return NULL;
  sky_jv *items = NULL;
  const char **keys = NULL;
  size_t *key_lens = NULL;
  size_t n = 0, cap = 0, kcap = 0, lcap = 0;
  char close = object ? '}' : ']';
  skip_ws(p);
  if (p->s < p->end && *p->s == close) {
    p->s++;
    return v;
  }
  for (;;) {
    skip_ws(p);
    const char *key = NULL;
    size_t key_len = 0;
    if (object) {
      if (p->s >= p->end || *p->s != '"') {
        fail(p, "expected a string key");
        break;
      }
      p->s++;
      key = parse_string(p, &key_len);
      skip_ws(p);
      if (!key || p->s >= p->end || *p->s != ':') {
        fail(p, "expected ':'");
        break;
      }
      p->s++;
    }
    sky_jv *item = parse_value(p, depth + 1);
    if (!item || sky_grow((void **)&items, &cap, n + 1, sizeof *items) != 0 ||
        (object && (sky_grow((void **)&keys, &kcap, n + 1, sizeof *keys) != 0 ||
                    sky_grow((void **)&key_lens, &lcap, n + 1, sizeof *key_lens) != 0))) {
      fail(p, "out of memory");
      break;
    }
    items[n] = *item;
    if (object) keys[n] = key, key_lens[n] = key_len;
    n++;
    skip_ws(p);
    if (p->s < p->end && *p->s == ',') {
      p->s++;
      continue;
    }
    if (p->s < p->end && *p->s == close) {
      p->s++;
      break;
    }
    fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
    break;
  }
  if (!p->failed) {
    v->n = n;
    v->items = sky_arena_alloc(p->arena, n * sizeof *items);
    if (object) {
      v->keys = sky_arena_alloc(p->arena, n * sizeof *keys);
      v->key_lens = sky_arena_alloc(p->arena, n * sizeof *key_lens);
    }
    if (!v->items || (object && (!v->keys || !v->key_lens))) {
      fail(p, "out of memory");
    } else {
      memcpy(v->items, items, n * sizeof *items);
      if (object) memcpy(v->keys, keys, n * sizeof *keys), memcpy(v->key_lens, key_lens, n * sizeof *key_lens);
    }
  }
  sky_free(items);
  sky_free(keys);
  sky_free(key_lens);
  return p->failed ? NULL : v;
}

static sky_jv *parse_value(parser *p, int depth) {
  if (depth > SKY_JV_MAX_DEPTH) return fail(p, "nesting deeper than %d", SKY_JV_MAX_DEPTH);
  skip_ws(p);
  if (p->s >= p->end) return fail(p, "unexpected end of input");
  char c = *p->s;
  if (c == '{' || c == '[') {
    p->s++;
    return parse_container(p, depth, c == '{');
  }
  if (c == '"') {
    p->s++;
    sky_jv *v = new_value(p, SKY_JV_STRING);
    if (v) v->str = parse_string(p, &v->len);
    return v && v->str ? v : NULL;
  }
  if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p);
  if (literal(p, "null")) return new_value(p, SKY_JV_NULL);
  bool is_true = literal(p, "true");
  if (is_true || literal(p, "false")) {
    sky_jv *v = new_value(p, SKY_JV_BOOL);
    if (v) v->b = is_true;
    return v;
  }
  return fail(p, "unexpected character");
}

sky_jv *sky_jv_parse(const char *text, size_t len, sky_arena *arena, char *err, size_t err_len) {
  parser p = {.s = text, .end = text + len, .start = text, .arena = arena, .err = err, .err_len = err_len};
  sky_jv *v = parse_value(&p, 0);
  if (!v) return NULL;
  skip_ws(&p);
  if (p.s != p.end) return fail(&p, "unexpected text after the value");
  return v;
}

/* Recursion depth is the tree's own (SKY_JV_MAX_DEPTH when parsed). */
bool sky_jv_copy(sky_jv *dst, const sky_jv *src, sky_arena *arena) {
  *dst = *src;
  if (src->str && !(dst->str = sky_arena_strndup(arena, src->str, src->len))) return false;
  if (!src->n) return true;
  sky_jv *items = sky_arena_alloc(arena, src->n * sizeof *items);
  if (!items) return false;
  dst->items = items;
  for (size_t i = 0; i < src->n; i++)
    if (!sky_jv_copy(&items[i], &src->items[i], arena)) return false;
  if (src->type != SKY_JV_OBJECT) return true;
  const char **keys = sky_arena_alloc(arena, src->n * sizeof *keys);
  size_t *lens = sky_arena_alloc(arena, src->n * sizeof *lens);
  if (!keys || !lens) return false;
  for (size_t i = 0; i < src->n; i++) {
    lens[i] = src->key_lens[i];
    if (!(keys[i] = sky_arena_strndup(arena, src->keys[i], lens[i]))) return false;
  }
  dst->keys = keys;
  dst->key_lens = lens;
  return true;
}

const sky_jv *sky_jv_get(const sky_jv *obj, const char *key) {
  if (!obj || obj->type != SKY_JV_OBJECT) return NULL;
  size_t len = strlen(key);
  for (size_t i = 0; i < obj->n; i++)
    if (obj->key_lens[i] == len && memcmp(obj->keys[i], key, len) == 0) return &obj->items[i];
  return NULL;
}
