/* net_request.h — what a request line asks for, before anything runs.
 *
 * The protocol's own commands (PING, QUIT, AUTH user password) are
 * recognized here, everything else is a statement for the statement layer.
 * The line is checked first: it must be valid UTF-8 and hold no NUL byte
 * (statements are text), and must not be blank. Recognition never copies or
 * allocates: the result points into the line. Fuzzed with the framer.
 *
 * HTTP is recognized here too, so that one function decides it for every
 * request: a browser can be made to POST to skyd's port by any web page, and
 * its request line and headers arrive as "request lines". skyd closes such a
 * connection without running anything more from it (see server_conn.c).
 */
#ifndef SKY_SERVER_NET_REQUEST_H
#define SKY_SERVER_NET_REQUEST_H

#include <stddef.h>

typedef enum sky_request_kind {
  SKY_REQUEST_BAD = 0,   /* not a valid request: `message` says why */
  SKY_REQUEST_PING,      /* PING */
  SKY_REQUEST_QUIT,      /* QUIT */
  SKY_REQUEST_AUTH,      /* AUTH user password */
  SKY_REQUEST_HTTP,      /* an HTTP request line or header line */
  SKY_REQUEST_STATEMENT, /* anything else: `text`, `len` */
} sky_request_kind;

/* Longest user name accepted anywhere (users file, AUTH). */
#define SKY_USER_NAME_MAX 64

typedef struct sky_request {
  sky_request_kind kind;
  const char *text; /* STATEMENT: the line without trailing blanks (leading
                       ones are kept so error columns match the line) */
  size_t len;
  const char *user; /* AUTH */
  size_t user_len;
  const char *password; /* AUTH: the rest of the line, verbatim */
  size_t password_len;
  char message[96]; /* BAD: the reason, for a bad_request reply */
} sky_request;

/* Classifies one request line (without its line end). Always fills `req`. */
void sky_request_parse(const char *line, size_t len, sky_request *req);

#endif
