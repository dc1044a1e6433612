/* shell_session.h — where sky-shell's statements go: a skyd server over
 * the wire protocol, or a data directory opened in-process (--data).
 *
 * Both give back the same sky_reply, so printing, errors and completion do
 * not know which one they talk to: the embedded side builds the reply the
 * server's JSON would parse to (client_result.c). Result rows can stream
 * to a sky_row_sink in both, so a large result is never held whole by the
 * shell (embedded: beyond the sky_result itself). A remote
 * session reconnects (and re-authenticates, and re-issues USE) when the
 * server has closed an idle connection, but never resends a statement
 * that may have reached the server.
 *
 * Ctrl-C (when `cancellable`): a remote statement is cancelled by
 * resetting its connection (skyd cancels what runs for a reset
 * connection and discards an open LOAD stream); the next statement
 * reconnects as above, so AUTH and the current table carry over. An
 * in-process statement is cancelled through sky_conn_cancel. Either way
 * the call returns -1 with "interrupted" (remote) or the statement's
 * cancellation error (embedded); the caller checks skysh_interrupted().
 */
#ifndef SKY_SHELL_SHELL_SESSION_H
#define SKY_SHELL_SHELL_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "client/client.h"

typedef struct skysh_session skysh_session;

typedef struct skysh_target {
  const char *host, *port;     /* remote */
  const char *user, *password; /* remote, optional */
  const char *data_dir;        /* embedded when not NULL */
  bool cancellable;            /* Ctrl-C (shell_interrupt.h) stops statements */
} skysh_target;

/* Opens the session (connects and AUTHs, or opens the directory). NULL with
 * a message in `err` on failure. */
skysh_session *skysh_session_open(const skysh_target *t, char *err, size_t err_len);
void skysh_session_close(skysh_session *s);

/* Runs one statement. Returns 0 with `r` filled (success or failure
 * reply; `r->ready` for LOAD ... FROM STDIN, which must then be fed with
 * skysh_session_stream and ended with skysh_session_stream_end), or -1 when
 * the server cannot be reached (message in `err`). With a `sink` (may be
 * NULL) a result's rows go to it as they arrive (remote) or one at a time
 * from the result (embedded) and `r->rows` is NULL; a sink that stops, or
 * a broken reply, gives -1 after some rows. */
int skysh_session_exec(skysh_session *s, const char *text, size_t len, const sky_row_sink *sink, sky_reply *r,
                       char *err, size_t err_len);
/* Sends LOAD stream data (whole lines). Returns 0, or -1 when the server
 * went away (it may have said why: call skysh_session_stream_end). */
int skysh_session_stream(skysh_session *s, const char *data, size_t len);
/* Ends the stream ("\." line) and reads the load's reply. */
int skysh_session_stream_end(skysh_session *s, sky_reply *r, char *err, size_t err_len);
/* Abandons an open stream: nothing is loaded. */
void skysh_session_stream_abort(skysh_session *s);

/* The table set by the last successful USE, or NULL. */
const char *skysh_session_table(const skysh_session *s);

#endif
