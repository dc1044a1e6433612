/* json.h — writing JSON text into a sky_buf: strings escaped so that the
 * output is valid JSON whatever bytes the input held (invalid UTF-8 becomes
 * U+FFFD), doubles in the shortest form that reads back exactly (NaN and
 * infinities as null), 64-bit integers exactly. */
#ifndef SKY_COMMON_JSON_H
#define SKY_COMMON_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

void sky_json_string(sky_buf *b, const char *s, size_t len);
void sky_json_double(sky_buf *b, double d);
/* The text sky_json_double writes for `d`, in `out` (32 bytes): its
 * length, or 0 when `d` is not finite (written as null). */
size_t sky_json_double_text(double d, char *out);
void sky_json_int(sky_buf *b, int64_t v);
void sky_json_uint(sky_buf *b, uint64_t v);
/* Shortest decimal text of `d` that parses back to the same double ("nan",
 * "inf", "-inf" for the non-finite ones); `out` holds 32 bytes. */
size_t sky_format_double(double d, char *out);

#endif
