/* net_frame.h — request line framing for skyd: bytes in, lines out.
 *
 * One connection's input buffer. The event loop reads socket bytes into it
 * (sky_frame_space / sky_frame_commit) and takes complete lines out
 * (sky_frame_next). A line ends at "\n"; one "\r" before it is dropped. A line
 * whose text (without "\r\n") exceeds `max_line` bytes is reported as
 * SKY_FRAME_TOO_LONG as soon as that is certain, even before its "\n" has
 * arrived, so that a hostile client cannot make the buffer grow past
 * max_line + 2 bytes of one line. The framer knows nothing about requests,
 * sockets or LOAD streams: it is pure and fuzzed on its own.
 */
#ifndef SKY_SERVER_NET_FRAME_H
#define SKY_SERVER_NET_FRAME_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sky_frame {
  char *data;
  size_t cap;
  size_t start;    /* first byte not yet consumed */
  size_t end;      /* one past the last byte received */
  size_t scanned;  /* bytes after `start` known to hold no "\n" */
  size_t max_line; /* limit on a line's text, bytes */
} sky_frame;

typedef enum sky_frame_status {
  SKY_FRAME_NONE = 0, /* no complete line buffered */
  SKY_FRAME_LINE,     /* `line` holds the next line; it is consumed */
  SKY_FRAME_TOO_LONG, /* the next line exceeds max_line; nothing consumed */
} sky_frame_status;

/* One line inside the frame's buffer: valid until the next
 * sky_frame_space() call. */
typedef struct sky_line {
  const char *text; /* first byte of the line */
  size_t len;       /* text length without "\n" and a trailing "\r" */
  size_t raw_len;   /* bytes including the line end */
} sky_line;

void sky_frame_init(sky_frame *f, size_t max_line);
void sky_frame_free(sky_frame *f);

/* Room to read into: makes at least `want` bytes writable after the
 * buffered data (compacting and growing as needed) and returns where they
 * start, with the writable size in *avail. NULL when out of memory. */
char *sky_frame_space(sky_frame *f, size_t want, size_t *avail);
/* Records that `n` bytes were written at the space returned above. */
void sky_frame_commit(sky_frame *f, size_t n);
/* Copies bytes in (tests and fuzzing). Returns 0, or -1 when out of memory. */
int sky_frame_append(sky_frame *f, const void *data, size_t n);

/* Takes the next complete line. */
sky_frame_status sky_frame_next(sky_frame *f, sky_line *line);

/* Looks at the complete line starting `*cursor` bytes after the first
 * unconsumed byte, without consuming it, and moves *cursor past it
 * (*cursor = 0 looks at the next line). Lines seen this way are consumed
 * later with sky_frame_consume(). */
sky_frame_status sky_frame_peek(const sky_frame *f, size_t *cursor, sky_line *line);
/* Consumes `n` bytes: whole lines already looked at with sky_frame_peek. */
void sky_frame_consume(sky_frame *f, size_t n);

/* Gives back a large buffer once everything in it is consumed (a
 * connection keeps no megabyte after one long line). */
void sky_frame_shrink(sky_frame *f);

/* Bytes received and not consumed. */
static inline size_t sky_frame_pending(const sky_frame *f) { return f->end - f->start; }

/* True when `line` is the end of a LOAD stream: exactly "\." (a "\r" before
 * the "\n" was already dropped by the framer). */
bool sky_frame_is_stream_end(const sky_line *line);

#endif
