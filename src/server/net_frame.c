/* net_frame.c — line framing; see net_frame.h. The buffer is a flat array
 * with a consumed prefix: compaction moves the unconsumed tail to the front
 * only when room is needed, so a pipelined burst of small requests costs one
 * memchr per line and no copies. `scanned` remembers how far a partial line
 * was already searched, so a long line arriving in many reads is scanned
 * once in total, not once per read. */
#include "server/net_frame.h"

#include <string.h>

#include "common/alloc.h"

void sky_frame_init(sky_frame *f, size_t max_line) {
  memset(f, 0, sizeof *f);
  f->max_line = max_line;
}

void sky_frame_free(sky_frame *f) {
  sky_free(f->data);
  memset(f, 0, sizeof *f);
}

char *sky_frame_space(sky_frame *f, size_t want, size_t *avail) {
  if (f->start == f->end) f->start = f->end = 0;
  if (f->cap - f->end < want && f->start > 0) {
    memmove(f->data, f->data + f->start, f->end - f->start);
    f->end -= f->start;
    f->start = 0;
  }
  if (f->cap - f->end < want) {
    size_t need = f->end + want;
    size_t cap = f->cap ? f->cap : 4096;
    while (cap < need) {
      if (cap > SIZE_MAX / 2) return NULL;
      cap *= 2;
    }
    char *p = sky_realloc(f->data, cap);
    if (!p) return NULL;
    f->data = p;
    f->cap = cap;
  }
  *avail = f->cap - f->end;
  return f->data + f->end;
}

void sky_frame_commit(sky_frame *f, size_t n) { f->end += n; }

int sky_frame_append(sky_frame *f, const void *data, size_t n) {
  size_t avail;
  char *dst = sky_frame_space(f, n, &avail);
  if (!dst) return -1;
  if (n) memcpy(dst, data, n);
  sky_frame_commit(f, n);
  return 0;
}

/* The line ending at `nl` (a "\n" inside the pending bytes from `base`),
 * without its "\r\n" or "\n"; TOO_LONG past max_line. */
static sky_frame_status cut_line(const char *base, const char *nl, size_t max_line, sky_line *line) {
  size_t raw = (size_t)(nl - base) + 1;
  size_t len = raw - 1;
  if (len > 0 && base[len - 1] == '\r') len--;
  if (len > max_line) return SKY_FRAME_TOO_LONG;
  line->text = base;
  line->len = len;
  line->raw_len = raw;
  return SKY_FRAME_LINE;
}

sky_frame_status sky_frame_next(sky_frame *f, sky_line *line) {
  size_t pending = f->end - f->start;
  const char *base = f->data + f->start;
  const char *nl = pending > f->scanned ? memchr(base + f->scanned, '\n', pending - f->scanned) : NULL;
  if (!nl) {
    f->scanned = pending;
    /* Without its "\n" the line is already longer than max_line + "\r". */
    return pending > f->max_line + 1 ? SKY_FRAME_TOO_LONG : SKY_FRAME_NONE;
  }
  sky_frame_status st = cut_line(base, nl, f->max_line, line);
  if (st != SKY_FRAME_LINE) return st;
  f->start += line->raw_len;
  f->scanned = 0;
  return SKY_FRAME_LINE;
}

sky_frame_status sky_frame_peek(const sky_frame *f, size_t *cursor, sky_line *line) {
  size_t pending = f->end - f->start;
  if (*cursor >= pending) return SKY_FRAME_NONE;
  const char *base = f->data + f->start + *cursor;
  size_t left = pending - *cursor;
  const char *nl = memchr(base, '\n', left);
  if (!nl) return left > f->max_line + 1 ? SKY_FRAME_TOO_LONG : SKY_FRAME_NONE;
  sky_frame_status st = cut_line(base, nl, f->max_line, line);
  if (st == SKY_FRAME_LINE) *cursor += line->raw_len;
  return st;
}

void sky_frame_consume(sky_frame *f, size_t n) {
  size_t pending = f->end - f->start;
  f->start += n < pending ? n : pending;
  f->scanned = 0;
}

void sky_frame_shrink(sky_frame *f) {
  if (f->start != f->end || f->cap <= (64u << 10)) return;
  sky_free(f->data);
  f->data = NULL;
  f->cap = f->start = f->end = f->scanned = 0;
}

bool sky_frame_is_stream_end(const sky_line *line) {
  return line->len == 2 && line->text[0] == '\\' && line->text[1] == '.';
}
