/* shell_edit.h — sky-shell's interactive line editor: libedit with
 * persistent history (~/.sky_history) and tab completion of keywords,
 * functions, table names and property names (also after "state." and
 * "event."), learned from the session with SHOW TABLES and DESCRIBE.
 * Only used when stdin is a terminal.
 */
#ifndef SKY_SHELL_SHELL_EDIT_H
#define SKY_SHELL_SHELL_EDIT_H

#include <stddef.h>

#include "shell/shell_session.h"

typedef struct skysh_edit skysh_edit;

/* `history_path` may be NULL (no persistent history). NULL on failure. */
skysh_edit *skysh_edit_open(skysh_session *session, const char *history_path);
/* Saves the history and restores the terminal. */
void skysh_edit_close(skysh_edit *e);
/* Reads one line after showing `prompt`. The line (without "\n") is valid
 * until the next call; NULL at end of input (Ctrl-D) or after Ctrl-C
 * (skysh_interrupted() tells which; the typed line is discarded). */
const char *skysh_edit_read(skysh_edit *e, const char *prompt, size_t *len);
/* Adds a statement (or command) to the history and saves it. */
void skysh_edit_remember(skysh_edit *e, const char *text, size_t len);
/* Table or property names may have changed (after DDL). */
void skysh_edit_names_stale(skysh_edit *e);

#endif
