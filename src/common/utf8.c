/* utf8.c — UTF-8 validation with an ASCII fast path (8 bytes at a time), and
 * JSON \u escapes decoded to UTF-8. */
#include "common/utf8.h"

#include <stdint.h>
#include <string.h>

bool sky_utf8_valid(const char *str, size_t len, size_t *bad_at) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < len) {
    if (i + 8 <= len) {
      uint64_t v;
      memcpy(&v, s + i, 8);
      if ((v & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
    else goto bad;
    if (i + n > len) goto bad;
    for (size_t k = 1; k < n; k++) {
      if ((s[i + k] & 0xC0) != 0x80) goto bad;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      goto bad;
    i += n;
  }
  return true;
bad:
  if (bad_at) *bad_at = i;
  return false;
}

/* Four hex digits at s (bounded by end) as a number, or -1. */
static int32_t hex4(const char *s, const char *end) {
  if (end - s < 4) return -1;
  int32_t v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

size_t sky_json_u_escape(const char *s, const char *end, uint32_t *cp, const char **why) {
  int32_t hi = end - s >= 2 && s[0] == '\\' && s[1] == 'u' ? hex4(s + 2, end) : -1;
  if (hi < 0) return *why = "invalid escape", 0;
  if (hi >= 0xDC00 && hi <= 0xDFFF) return *why = "unpaired surrogate \\u escape", 0;
  if (hi < 0xD800 || hi > 0xDBFF) {
    *cp = (uint32_t)hi;
    return 6;
  }
  int32_t lo = end - s >= 8 && s[6] == '\\' && s[7] == 'u' ? hex4(s + 8, end) : -1;
  if (lo < 0xDC00 || lo > 0xDFFF) return *why = "unpaired surrogate \\u escape", 0;
  *cp = 0x10000 + ((uint32_t)(hi - 0xD800) << 10) + (uint32_t)(lo - 0xDC00);
  return 12;
}

size_t sky_utf8_put(char *out, uint32_t cp) {
  if (cp < 0x80) return out[0] = (char)cp, 1;
  if (cp < 0x800) return out[0] = (char)(0xC0 | cp >> 6), out[1] = (char)(0x80 | (cp & 0x3F)), 2;
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | cp >> 12);
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | cp >> 18);
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}
