/* json.c — JSON output helpers; see json.h. */
#include "common/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t len) {
  size_t bad = 0;
  size_t n = s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
  if (n > len) return 0;
  return sky_utf8_valid((const char *)s, n, &bad) ? n : 0;
}

void sky_json_string(sky_buf *b, const char *str, size_t len) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *s = (const unsigned char *)str;
  sky_buf_putc(b, '"');
  size_t i = 0;
  while (i < len) {
    size_t start = i;
    while (i < len && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\') i++;
    if (i > start) sky_buf_append(b, s + start, i - start);
    if (i >= len) break;
    unsigned char c = s[i];
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      sky_buf_append(b, esc, 2);
      i++;
    } else if (c < 0x20) {
      switch (c) {
      case '\n': sky_buf_puts(b, "\\n"); break;
      case '\r': sky_buf_puts(b, "\\r"); break;
      case '\t': sky_buf_puts(b, "\\t"); break;
      case '\b': sky_buf_puts(b, "\\b"); break;
      case '\f': sky_buf_puts(b, "\\f"); break;
      default: {
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        sky_buf_append(b, esc, 6);
      }
      }
      i++;
    } else {
      size_t n = c >= 0xC2 && c <= 0xF4 ? utf8_seq_len(s + i, len - i) : 0;
      if (n) {
        sky_buf_append(b, s + i, n);
        i += n;
      } else {
        sky_buf_puts(b, "\\ufffd");
        i++;
      }
    }
  }
  sky_buf_putc(b, '"');
}

size_t sky_format_double(double d, char *out) {
  if (isnan(d)) return (size_t)snprintf(out, 32, "nan");
  if (isinf(d)) return (size_t)snprintf(out, 32, d > 0 ? "inf" : "-inf");
  int n = 0;
  for (int prec = 15; prec <= 17; prec++) {
    n = snprintf(out, 32, "%.*g", prec, d);
    if (strtod(out, NULL) == d) break;
  }
  /* Keep floats recognisable as floats: 3 -> 3.0 (but not 1e+20). */
  if (!strpbrk(out, ".eE") && n < 30) {
    out[n++] = '.';
    out[n++] = '0';
    out[n] = '\0';
  }
  return (size_t)n;
}

size_t sky_json_double_text(double d, char *out) { return isfinite(d) ? sky_format_double(d, out) : 0; }

void sky_json_double(sky_buf *b, double d) {
  char tmp[32];
  size_t n = sky_json_double_text(d, tmp);
  if (n) sky_buf_append(b, tmp, n);
  else sky_buf_puts(b, "null");
}

void sky_json_int(sky_buf *b, int64_t v) { sky_buf_printf(b, "%lld", (long long)v); }

void sky_json_uint(sky_buf *b, uint64_t v) { sky_buf_printf(b, "%llu", (unsigned long long)v); }
