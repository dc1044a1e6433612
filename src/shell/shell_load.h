/* shell_load.h — sky-shell's \load FILE INTO t [FORMAT csv|ndjson]: a
 * local file streamed to the server through LOAD ... FROM STDIN, with a
 * progress bar (percent, events/s, ETA) on a terminal's stderr.
 *
 * The file is sent in large chunks as it is read (never held whole). A
 * line holding exactly "\." would end the stream early, so the file is
 * checked as it goes and such a file is refused: the stream is abandoned,
 * which makes the server discard everything sent. The load is atomic.
 */
#ifndef SKY_SHELL_SHELL_LOAD_H
#define SKY_SHELL_SHELL_LOAD_H

#include <stdbool.h>
#include <stdio.h>

#include "shell/shell_print.h"
#include "shell/shell_session.h"

/* Runs "\load <args>". Prints the result to `out` or the error to `err`.
 * Returns 0 on success, -1 on any failure. */
int skysh_load_file(skysh_session *s, const char *args, const skysh_output *o, FILE *out, FILE *err, bool progress);

#endif
