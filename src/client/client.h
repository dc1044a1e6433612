/* client.h — a client of the skyd wire protocol (docs/PROTOCOL.md), used
 * by sky-shell, the tests and the benchmark.
 *
 * A sky_client is one blocking TCP connection: send a request line, read
 * its reply line, parse the reply into a sky_reply (the decoded JSON plus
 * the protocol's fields picked out). Replies of any size are read; nothing
 * here prints, exits or trusts the server's bytes.
 */
#ifndef SKY_CLIENT_CLIENT_H
#define SKY_CLIENT_CLIENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/buf.h"
#include "client/client_json.h"
#include "sky.h"

typedef struct sky_client sky_client;

/* One parsed reply line. All pointers live in `arena`. */
typedef struct sky_reply {
  sky_arena arena;
  const sky_jv *root;
  bool ok;
  /* failure */
  const char *code;    /* "syntax_error", ... ("" on success) */
  const char *message; /* error message, or a success message; "" if none */
  int line, column;    /* 0 when absent */
  const char *field;   /* LOAD row errors; NULL when absent */
  /* success */
  const sky_jv *columns; /* array of strings, or NULL */
  const sky_jv *types;   /* array of strings ("INT", "TIMESTAMP", ...; PROTOCOL.md),
                            or NULL (a server from before "types") */
  const sky_jv *rows;    /* array of arrays, or NULL */
  const sky_jv *errors;  /* LOAD ... MAX ERRORS: skipped rows, or NULL */
  bool has_rows_affected;
  int64_t rows_affected;
  bool ready, pong;
  double elapsed_ms; /* -1 when absent */
} sky_reply;

/* Parses one reply line. Returns 0, or -1 with a message in `err` (the line
 * is not JSON, or not an object with a boolean "ok"), holding nothing.
 * sky_reply_free() is safe on a reply in either state, and twice. */
int sky_reply_parse(const char *line, size_t len, sky_reply *r, char *err, size_t err_len);
void sky_reply_free(sky_reply *r);

/* The reply skyd would send for a result or an error, built straight from
 * them (client_result.c; sky-shell's embedded mode). `elapsed_ms` < 0 =
 * none. Returns 0, or -1 ("out of memory" in `err`) holding nothing. */
int sky_reply_from_result(const sky_result *res, double elapsed_ms, sky_reply *r, char *err, size_t err_len);
int sky_reply_from_error(const sky_error *e, sky_reply *r, char *err, size_t err_len);

/* Connects to host:port (TCP_NODELAY). NULL with a message on failure. */
sky_client *sky_client_connect(const char *host, const char *port, char *err, size_t err_len);
void sky_client_close(sky_client *c);
/* Closes with a TCP reset instead of an orderly close: skyd then cancels
 * the statement running for the connection and discards an open LOAD
 * stream (PROTOCOL.md §1, "Cancelling"). */
void sky_client_abort(sky_client *c);
/* Lets a signal handler stop a blocked call: once *flag is nonzero, sends
 * and reads give up with -1 and the message "interrupted" (they wait in
 * poll() slices of 100 ms to notice it). NULL (the default): never. */
void sky_client_set_interrupt(sky_client *c, volatile sig_atomic_t *flag);
/* Sends bytes as they are. Returns 0, or -1 (connection lost). */
int sky_client_send(sky_client *c, const void *data, size_t len);
/* Reads one line (without "\n") into `line`. Returns 0, or -1 at end of
 * stream or on error (message in `err`). */
int sky_client_read_line(sky_client *c, sky_buf *line, char *err, size_t err_len);
/* Sends `text` + "\n", reads and parses the reply. Returns 0 (reply parsed;
 * it may be a failure reply), or -1 (connection or protocol problem). */
int sky_client_request(sky_client *c, const char *text, size_t len, sky_reply *r, char *err, size_t err_len);
/* True when the server has closed the connection (an idle timeout, say):
 * checked without blocking before a request is sent. */
bool sky_client_closed(sky_client *c);

#endif
