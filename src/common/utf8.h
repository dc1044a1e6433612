/* utf8.h — UTF-8 validation (RFC 3629: no overlongs, no surrogates, at most
 * U+10FFFF), used on request lines, CSV/NDJSON input and string literals,
 * and the one decoder of JSON's \u escapes (the NDJSON loader and the
 * client's reply reader both use it, so they agree on surrogates). */
#ifndef SKY_COMMON_UTF8_H
#define SKY_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..len) is valid UTF-8. On false, *bad_at (if not NULL) is the
 * byte offset of the first invalid sequence. */
bool sky_utf8_valid(const char *s, size_t len, size_t *bad_at);

/* Decodes the JSON escape "\uXXXX" at s (s[0] is the backslash, `end`
 * bounds the input), taking the following "\uXXXX" with it when XXXX is a
 * high surrogate. Returns the bytes consumed (6 or 12) with the code point
 * in *cp, or 0 with the reason in *why: "invalid escape" (not four hex
 * digits) or "unpaired surrogate \u escape" (a surrogate half alone, which
 * no UTF-8 text can hold). */
size_t sky_json_u_escape(const char *s, const char *end, uint32_t *cp, const char **why);

/* Writes `cp` (at most U+10FFFF, not a surrogate) as UTF-8 at `out`, which
 * has room for 4 bytes. Returns the bytes written. */
size_t sky_utf8_put(char *out, uint32_t cp);

#endif
