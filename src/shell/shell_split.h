/* shell_split.h — cutting sky-shell input into statements.
 *
 * Input arrives line by line (typed, piped, or from -f/-c). A statement ends
 * at a ';' outside quotes ('strings' with '' escapes, "identifiers") and
 * outside "--" comments, which are dropped. A statement may span lines; on
 * the wire it must be one line, so its lines are joined with one space, and
 * the start of each line is remembered so that an error column reported
 * on the joined text can be shown under the line the user typed. Several
 * statements may share a line. Pure: no I/O, unit-tested.
 */
#ifndef SKY_SHELL_SHELL_SPLIT_H
#define SKY_SHELL_SHELL_SPLIT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

/* One complete statement: `text` is the joined single line (without the
 * final ';'); part k starts at byte starts[k] of text and was typed on
 * input line lines[k]. */
typedef struct skysh_stmt {
  const char *text;
  size_t len;
  size_t n_parts;
  const size_t *starts;
  const int *lines;
} skysh_stmt;

typedef struct skysh_splitter {
  sky_buf text;
  size_t *starts;
  int *lines;
  size_t n_parts, cap_parts;
  bool in_string; /* inside '...' */
  bool in_ident;  /* inside "..." */
  bool failed;    /* out of memory */
} skysh_splitter;

typedef void (*skysh_emit_fn)(void *ctx, const skysh_stmt *stmt);

void skysh_split_init(skysh_splitter *s);
void skysh_split_free(skysh_splitter *s);
/* Feeds one input line (no "\n"), numbered `line_no` (1-based), calling
 * `emit` for each statement it completes. Returns -1 when out of memory. */
int skysh_split_feed(skysh_splitter *s, const char *line, size_t len, int line_no, skysh_emit_fn emit, void *ctx);
/* Emits what is pending as a last statement (end of input), if it holds
 * anything but blanks. */
void skysh_split_flush(skysh_splitter *s, skysh_emit_fn emit, void *ctx);
/* True when part of a statement has been typed (for the "...>" prompt). */
bool skysh_split_pending(const skysh_splitter *s);
/* Drops a pending partial statement. */
void skysh_split_reset(skysh_splitter *s);

/* Maps a 1-based column of the joined text (in code points, as the
 * language counts them; one past the end is allowed) to the part holding
 * it: sets *part and *offset, the byte offset within that part. */
void skysh_stmt_locate(const skysh_stmt *st, int column, size_t *part, size_t *offset);

#endif
