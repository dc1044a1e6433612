/* buf.c — growable byte buffer; see buf.h. */
#include "common/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/alloc.h"

void sky_buf_init(sky_buf *b) { memset(b, 0, sizeof *b); }

void sky_buf_free(sky_buf *b) {
  sky_free(b->data);
  memset(b, 0, sizeof *b);
}

void sky_buf_reset(sky_buf *b) {
  b->len = 0;
  b->failed = false;
  if (b->data) b->data[0] = '\0';
}

bool sky_buf_reserve(sky_buf *b, size_t extra) {
  if (b->failed) return false;
  if (b->len + extra + 1 <= b->cap) return true;
  void *p = b->data;
  size_t cap = b->cap;
  if (sky_grow(&p, &cap, b->len + extra + 1, 1) != 0) {
    b->failed = true;
    return false;
  }
  b->data = p;
  b->cap = cap;
  return true;
}

void sky_buf_append(sky_buf *b, const void *data, size_t n) {
  if (!sky_buf_reserve(b, n)) return;
  if (n) memcpy(b->data + b->len, data, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void sky_buf_puts(sky_buf *b, const char *s) { sky_buf_append(b, s, strlen(s)); }

void sky_buf_putc(sky_buf *b, char c) {
  if (!sky_buf_reserve(b, 1)) return;
  b->data[b->len++] = c;
  b->data[b->len] = '\0';
}

void sky_buf_printf(sky_buf *b, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->failed = true;
    return;
  }
  if ((size_t)n < sizeof small) {
    sky_buf_append(b, small, (size_t)n);
    return;
  }
  if (!sky_buf_reserve(b, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

char *sky_buf_take(sky_buf *b, size_t *len_out) {
  if (!b->data && !sky_buf_reserve(b, 0)) return NULL;
  char *d = b->data;
  if (len_out) *len_out = b->len;
  memset(b, 0, sizeof *b);
  return d;
}
