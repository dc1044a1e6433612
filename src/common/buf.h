/* buf.h — a growable byte buffer for building text (JSON replies, EXPLAIN,
 * messages) and binary records. Appends report out-of-memory by setting
 * `failed`; callers check once at the end instead of after every append. */
#ifndef SKY_COMMON_BUF_H
#define SKY_COMMON_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sky_buf {
  char *data; /* always NUL-terminated when len > 0 or after any append */
  size_t len;
  size_t cap;
  bool failed; /* an append ran out of memory; contents are truncated */
} sky_buf;

void sky_buf_init(sky_buf *b);
void sky_buf_free(sky_buf *b);
void sky_buf_reset(sky_buf *b); /* len = 0, keeps memory */
bool sky_buf_reserve(sky_buf *b, size_t extra);
void sky_buf_append(sky_buf *b, const void *data, size_t n);
void sky_buf_puts(sky_buf *b, const char *s);
void sky_buf_putc(sky_buf *b, char c);
void sky_buf_printf(sky_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the bytes to the caller (free with sky_free), leaves `b` empty. */
char *sky_buf_take(sky_buf *b, size_t *len_out);

#endif
