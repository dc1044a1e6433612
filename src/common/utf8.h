/* utf8.h — UTF-8 validation (RFC 3629: no overlongs, no surrogates, at most
 * U+10FFFF). Used on request lines, CSV/NDJSON input and string literals. */
#ifndef SKY_COMMON_UTF8_H
#define SKY_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is valid UTF-8. On false, *bad_at (if not NULL) is the
 * byte offset of the first invalid sequence. */
bool sky_utf8_valid(const char *s, size_t len, size_t *bad_at);

#endif
