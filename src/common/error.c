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
  size_t n = len;
  int cut = 0;
  if (n > 64) {
    n = 64;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--; /* keep whole UTF-8 sequences */
    cut = 1;
  }
  memcpy(out, s, n);
  if (cut) memcpy(out + n, "...", 3), n += 3;
  out[n] = '\0';
}
