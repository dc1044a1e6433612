/* server_config.h — skyd's settings: defaults, the config file, the
 * command line, and the listen address.
 *
 * Every setting has one entry in an option table (server_config.c) that
 * gives its name, type, limits and help text; the config file (`key =
 * value` lines) and the command line (`--key value`, dashes or underscores)
 * both go through skyd_config_set(), so a setting cannot exist in one and
 * not the other. Precedence: command line over config file over defaults.
 * Nothing here touches sockets or the database.
 */
#ifndef SKY_SERVER_SERVER_CONFIG_H
#define SKY_SERVER_SERVER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

typedef struct skyd_config {
  char *data_dir;   /* --data, default "./data" */
  char *listen;     /* --listen ADDR:PORT, default "127.0.0.1:8585" */
  char *users_file; /* --users; NULL = no authentication */
  char *load_dir;   /* --load-dir; NULL = working directory */
  char *config_file;
  uint64_t threads;           /* query threads (sky_db_options.threads); 0 = one per core */
  uint64_t workers;           /* statement threads; 0 = max(8, 4 x cores) */
  uint64_t auth_workers;      /* password check threads; 0 = 1, or 2 from 4 cores */
  uint64_t max_clients;       /* default 1024 */
  uint64_t max_line;          /* bytes of one request or LOAD data line; 1 MiB */
  uint64_t idle_timeout_ms;   /* 0 = never */
  uint64_t request_timeout_ms; /* a started line must end within this; 0 = never */
  uint64_t auth_timeout_ms;   /* with users: AUTH must succeed within this; 0 = never */
  uint64_t auth_backoff_ms;   /* first wait after failed AUTHs from an address; 0 = off */
  uint64_t auth_backoff_max_ms; /* the longest such wait */
  uint64_t max_result_rows;   /* 0 = the library's default */
  uint64_t query_timeout_ms;  /* 0 = none */
  uint64_t query_memory;      /* bytes; 0 = the library's default */
  uint64_t cache_size;        /* bytes; 0 = the library's default */
  uint64_t kdf_ops;           /* Argon2id opslimit of new hashes */
  uint64_t kdf_mem;           /* Argon2id memlimit of new hashes, bytes */
  uint64_t slow_query_ms;     /* log statements slower than this; 0 = all */
  uint64_t shutdown_grace_ms; /* SIGTERM: wait this long before cancelling */
} skyd_config;

typedef enum skyd_args_result {
  SKYD_ARGS_RUN = 0,
  SKYD_ARGS_HELP,
  SKYD_ARGS_VERSION,
  SKYD_ARGS_ERROR,
} skyd_args_result;

#define SKYD_DEFAULT_DATA "./data"
#define SKYD_DEFAULT_LISTEN "127.0.0.1:8585"

/* The effective data directory and listen address (defaults when unset). */
static inline const char *skyd_config_data(const skyd_config *c) { return c->data_dir ? c->data_dir : SKYD_DEFAULT_DATA; }
static inline const char *skyd_config_listen(const skyd_config *c) {
  return c->listen ? c->listen : SKYD_DEFAULT_LISTEN;
}

void skyd_config_init(skyd_config *c);
void skyd_config_free(skyd_config *c);

/* Sets one setting by name ("max_clients" or "max-clients") from its text.
 * Returns 0, or -1 with a message in `err`. */
int skyd_config_set(skyd_config *c, const char *key, size_t key_len, const char *value, char *err,
                    size_t err_len);
/* Applies config file text; `source` names it in messages ("FILE:LINE: ..."). */
int skyd_config_parse(skyd_config *c, const char *text, size_t len, const char *source, char *err, size_t err_len);
/* Reads and applies a config file. */
int skyd_config_load(skyd_config *c, const char *path, char *err, size_t err_len);
/* The command line: loads --config first, then applies every other option. */
skyd_args_result skyd_config_args(skyd_config *c, int argc, char **argv, char *err, size_t err_len);
/* Checks values that depend on each other. */
int skyd_config_check(const skyd_config *c, char *err, size_t err_len);
/* The --help text, generated from the option table. */
void skyd_config_usage(FILE *out);

/* "1MiB", "64k", "512" (bytes). Returns 0 or -1. */
int skyd_parse_size(const char *s, uint64_t *out);
/* "250ms", "30s", "5m", "2h", "10" (seconds). Returns 0 or -1. */
int skyd_parse_duration_ms(const char *s, uint64_t *out);

/* Splits "host:port", "[v6]:port" or ":port" (host "" = every interface).
 * Returns 0, or -1 when malformed. */
int skyd_split_hostport(const char *s, char *host, size_t host_len, char *port, size_t port_len);
/* True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x addresses. */
bool skyd_addr_is_loopback(const struct sockaddr *sa);

#endif
