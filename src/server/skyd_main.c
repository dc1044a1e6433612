/* skyd_main.c — the skyd program: settings, the users file, the database,
 * then the server until SIGTERM/SIGINT.
 *
 * Exit status: 0 after a clean shutdown (every acknowledged write durable:
 * sky_db_close), 1 when the database or the listening socket cannot be
 * opened, 2 for bad settings, including a non-loopback address without
 * users. Everything else lives in the server_* files so that tests and the
 * fuzz harness link it without this main().
 */
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "server/server.h"
#include "server/server_log.h"

static int fail(int status, const char *msg) {
  skyd_log("error: %s", msg);
  return status;
}

/* The database's recovery report (WAL replay, tables it cannot open). */
static void db_log(void *ctx, const char *line) {
  (void)ctx;
  skyd_log("%s", line);
}

/* SIGTERM/SIGINT are read from a signalfd by the loop: block them before
 * any thread (workers, the database's pool) starts, so all inherit it. */
static void block_signals(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
}

static int run(const skyd_config *cfg, const skyd_users *users) {
  char err[512];
  skyd_server *srv = skyd_server_create(cfg, users, err, sizeof err);
  if (!srv) return fail(1, err);
  int rc = skyd_server_listen(srv, skyd_config_listen(cfg), users == NULL, err, sizeof err);
  if (rc != 0) {
    skyd_server_free(srv);
    return fail(rc == SKYD_NOT_LOOPBACK ? 2 : 1, err);
  }
  sky_db_options opt;
  sky_db_options_init(&opt);
  opt.threads = (unsigned)cfg->threads;
  opt.cache_bytes = (size_t)cfg->cache_size;
  opt.query_memory_bytes = (size_t)cfg->query_memory;
  opt.query_timeout_ms = cfg->query_timeout_ms;
  if (cfg->max_result_rows) opt.max_result_rows = cfg->max_result_rows;
  opt.load_dir = cfg->load_dir;
  opt.load_dir_only = users != NULL;
  opt.log = db_log;
  sky_error dberr;
  sky_error_clear(&dberr);
  sky_db *db = sky_db_open(skyd_config_data(cfg), &opt, &dberr);
  if (!db) {
    skyd_server_free(srv);
    skyd_log("error: cannot open data directory %s: %s", skyd_config_data(cfg), dberr.message);
    return 1;
  }
  skyd_log("skyd %s ready: data %s, users %s", SKY_VERSION_STRING, skyd_config_data(cfg),
           users ? cfg->users_file : "none (loopback only)");
  skyd_server_run(srv, db);
  skyd_server_free(srv);
  sky_db_close(db);
  skyd_log("stopped; all acknowledged writes are durable");
  return 0;
}

int main(int argc, char **argv) {
  block_signals();
  skyd_config cfg;
  skyd_config_init(&cfg);
  char err[512];
  int status = 0;
  switch (skyd_config_args(&cfg, argc, argv, err, sizeof err)) {
  case SKYD_ARGS_HELP: skyd_config_usage(stdout); goto out;
  case SKYD_ARGS_VERSION: printf("skyd %s\n", SKY_VERSION_STRING); goto out;
  case SKYD_ARGS_ERROR: status = fail(2, err); goto out;
  case SKYD_ARGS_RUN: break;
  }
  if (skyd_config_check(&cfg, err, sizeof err) != 0) {
    status = fail(2, err);
    goto out;
  }
  if (sodium_init() < 0) {
    status = fail(1, "libsodium failed to initialize");
    goto out;
  }
  skyd_users *users = NULL;
  if (cfg.users_file && skyd_users_load(cfg.users_file, cfg.kdf_ops, cfg.kdf_mem, &users, err, sizeof err) != 0) {
    status = fail(2, err);
    goto out;
  }
  if (users) {
    size_t stale = skyd_users_stale(users, cfg.kdf_ops, cfg.kdf_mem);
    skyd_log("%zu users loaded from %s", skyd_users_count(users), cfg.users_file);
    if (stale) skyd_log("warning: %zu users have hashes of another KDF cost (re-add them with sky-user)", stale);
  }
  status = run(&cfg, users);
  skyd_users_free(users);
out:
  skyd_config_free(&cfg);
  return status;
}
