/* client.h — a client of the skyd wire protocol (docs/PROTOCOL.md), used
 * by sky-shell, the tests and the benchmark.
 *
 * A sky_client is one blocking TCP connection: send a request line, read
 * its reply line, parse the reply into a sky_reply (the decoded JSON plus
 * the protocol's fields picked out). Replies of any size are read; nothing
 * here prints, exits or trusts the server's bytes.
 *
 * A result set can also be streamed (client_stream.c): the reply is read
 * through a bounded buffer and each row goes to a sky_row_sink as soon as
 * its text is complete, so reading a result of any size takes memory
 * bounded by its longest row. Embedded results stream the same way
 * (client_result.c).
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

/* Longest reply line accepted, and with streaming the longest text kept
 * of one (a row, or the members other than "rows"): far above any real
 * result (max_result_rows). */
#define SKY_CLIENT_MAX_LINE ((size_t)1 << 30)

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

/* ---- streamed results -------------------------------------------------- */

/* Where the rows of a streamed result go. `begin` is called once, when
 * "rows" starts, with a reply holding what came before it (ok, columns,
 * types; rows NULL), valid until the streaming call returns; then `row`
 * for each row, in order, with the row's value (normally an array) valid
 * during that call only. Either returning nonzero stops the stream: the
 * call then returns -1 with "interrupted". */
typedef struct sky_row_sink {
  int (*begin)(void *ctx, const sky_reply *head);
  int (*row)(void *ctx, const sky_jv *row);
  void *ctx;
} sky_row_sink;

/* An incremental reader of one reply line, fed in pieces of any size: the
 * members other than "rows" are kept (they are small) and parsed with
 * sky_reply_parse once the line ends; each element of "rows" is parsed
 * with sky_jv_parse on its own and handed to the sink, then dropped. A
 * reply without "rows" is simply parsed whole. */
typedef struct sky_reply_reader sky_reply_reader;

/* NULL when out of memory. `sink` (not NULL) is borrowed. */
sky_reply_reader *sky_reply_reader_create(const sky_row_sink *sink);
void sky_reply_reader_free(sky_reply_reader *rd);
/* Reads data[0..len) up to and including the "\n" that ends the line.
 * Returns the bytes consumed (fewer than `len` when the line ended inside:
 * the rest belongs to the next reply), or -1 with a message in `err`
 * (malformed reply, out of memory, a line over 1 GiB, the sink stopped).
 * Sets *done once the line has ended. */
ptrdiff_t sky_reply_reader_feed(sky_reply_reader *rd, const char *data, size_t len, bool *done, char *err,
                                size_t err_len);
/* After *done: the reply without its rows ("rows" NULL; the sink had them).
 * Returns 0, or -1 with a message as sky_reply_parse does. */
int sky_reply_reader_finish(sky_reply_reader *rd, sky_reply *r, char *err, size_t err_len);
/* Rows handed to the sink so far. */
size_t sky_reply_reader_rows(const sky_reply_reader *rd);

/* sky_reply_from_result with the rows handed to `sink` one at a time
 * (each built in a scratch arena, then dropped), so no copy of the result
 * exists: `r` gets the rest. Returns 0, or -1 ("out of memory", or
 * "interrupted" when the sink stopped) holding nothing. */
int sky_reply_stream_result(const sky_result *res, double elapsed_ms, const sky_row_sink *sink, sky_reply *r,
                            char *err, size_t err_len);

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
/* The same with the reply read through a sky_reply_reader: rows go to
 * `sink` as they arrive and `r` gets the rest. On -1 part of the reply may
 * be unread: the connection is then only fit to be aborted. */
int sky_client_request_stream(sky_client *c, const char *text, size_t len, const sky_row_sink *sink, sky_reply *r,
                              char *err, size_t err_len);
/* True when the server has closed the connection (an idle timeout, say):
 * checked without blocking before a request is sent. */
bool sky_client_closed(sky_client *c);

#endif
