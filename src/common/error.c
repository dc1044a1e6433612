/* error.c — error codes' names and the helpers that fill sky_error. */
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const g_code_names[] = {
#define SKY_X_NAME(name, wire) wire,
    SKY_ERROR_CODES(SKY_X_NAME)
#undef SKY_X_NAME
};

const char *sky_code_name(sky_code code) {
  if ((unsigned)code >= SKY_ERR_COUNT_) return "internal";
  return g_code_names[code];
}

void sky_error_clear(sky_error *err) {
  if (err) memset(err, 0, sizeof *err);
}

static void set_message(sky_error *err, const char *fmt, va_list ap) {
  vsnprintf(err->message, sizeof err->message, fmt, ap);
}

int sky_error_set(sky_error *err, sky_code code, int line, int column, const char *fmt, ...) {
  if (!err) return -1;
  memset(err, 0, sizeof *err);
  err->code = code;
  err->line = line;
  err->column = column;
  va_list ap;
  va_start(ap, fmt);
  set_message(err, fmt, ap);
  va_end(ap);
  return -1;
}

int sky_error_set_field(sky_error *err, sky_code code, int line, const char *field, const char *fmt, ...) {
  if (!err) return -1;
  memset(err, 0, sizeof *err);
  err->code = code;
  err->line = line;
  if (field) snprintf(err->field, sizeof err->field, "%s", field);
  va_list ap;
  va_start(ap, fmt);
  set_message(err, fmt, ap);
  va_end(ap);
  return -1;
}

int sky_error_oom(sky_error *err) { return sky_error_set(err, SKY_ERR_OUT_OF_MEMORY, 0, 0, "out of memory"); }

void sky_error_quote(char *out, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  size_t i = 0, n = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    char esc[4];
    size_t k = 1, w; /* input bytes of this character, output bytes */
    if (c < 0x20 || c == 0x7F) {
      char named = c == 0 ? '0' : c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : 0;
      esc[0] = '\\', esc[1] = named, w = 2;
      if (!named) esc[1] = 'x', esc[2] = hex[c >> 4], esc[3] = hex[c & 15], w = 4;
    } else {
      while (i + k < len && k < 4 && ((unsigned char)s[i + k] & 0xC0) == 0x80) k++; /* whole UTF-8 sequences */
      w = k;
    }
    if (n + w > 64) break;
    if (c < 0x20 || c == 0x7F) memcpy(out + n, esc, w);
    else memcpy(out + n, s + i, w);
    n += w, i += k;
  }
  if (i < len) memcpy(out + n, "...", 3), n += 3;
  out[n] = '\0';
}
