/* server.h — skyd's server object: listening sockets, the event loop,
 * connections and the statement workers, over one open sky_db.
 *
 * main() opens the database and the users file, creates the server, binds
 * it, and calls skyd_server_run(), which returns after SIGTERM/SIGINT once
 * every connection is finished; main() then closes the database. The server
 * borrows `cfg`, `db` and `users`; it owns everything else.
 */
#ifndef SKY_SERVER_SERVER_H
#define SKY_SERVER_SERVER_H

#include <stddef.h>

#include "server/server_config.h"
#include "server/server_users.h"
#include "sky.h"

typedef struct skyd_server skyd_server;

/* Returned by skyd_server_listen when a non-loopback address was asked for
 * while `loopback_only` is set. */
#define SKYD_NOT_LOOPBACK (-2)

/* Creates the server; SIGTERM and SIGINT must already be blocked in every
 * thread (the server reads them from a signalfd). NULL on failure, with a
 * message in `err`. */
skyd_server *skyd_server_create(const skyd_config *cfg, const skyd_users *users, char *err, size_t err_len);
/* Resolves `spec` (ADDR:PORT) and listens on every address it names. Logs
 * "listening on ADDR:PORT" per socket. Returns 0, -1 (message in `err`) or
 * SKYD_NOT_LOOPBACK. */
int skyd_server_listen(skyd_server *s, const char *spec, int loopback_only, char *err, size_t err_len);
/* Serves `db` until a shutdown signal has been handled and every connection
 * is closed. Returns 0. */
int skyd_server_run(skyd_server *s, sky_db *db);
/* Joins the workers and frees everything the server owns. */
void skyd_server_free(skyd_server *s);

#endif
