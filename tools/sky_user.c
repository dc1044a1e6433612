/* sky_user.c — the sky-user tool: adds, removes and lists the users of a
 * skyd users file (server_users.h holds the format and the file editing).
 *
 *   sky-user add FILE USER [--ops N] [--mem SIZE] [--config SKYD_CONF]
 *   sky-user del FILE USER
 *   sky-user list FILE
 *
 * The password is read from the terminal with echo off (asked twice), or
 * as the first line of stdin when stdin is not a terminal. The Argon2id
 * cost comes from --ops/--mem, else from the kdf_ops/kdf_mem settings of a
 * skyd config file, else libsodium's interactive defaults. Exit status: 0
 * done, 1 failed (or no such user), 2 usage.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "server/server_config.h"
#include "server/server_users.h"
#include "common/tty.h"

static int usage(void) {
  fprintf(stderr, "usage: sky-user add FILE USER [--ops N] [--mem SIZE] [--config SKYD_CONF]\n"
                  "       sky-user del FILE USER\n"
                  "       sky-user list FILE\n");
  return 2;
}

/* The password: from the terminal (twice), or stdin's first line. */
static char *read_password(void) {
  if (isatty(STDIN_FILENO)) {
    char *a = sky_tty_read_password("Password: ");
    char *b = a ? sky_tty_read_password("Again: ") : NULL;
    bool same = a && b && strcmp(a, b) == 0;
    sky_tty_free_password(b);
    if (!same) {
      fprintf(stderr, "sky-user: %s\n", a ? "the passwords differ" : "cannot read from the terminal");
      sky_tty_free_password(a);
      return NULL;
    }
    return a;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, stdin);
  if (n < 0) {
    free(line);
    fprintf(stderr, "sky-user: no password on stdin\n");
    return NULL;
  }
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
  char *pw = sky_strdup(line);
  sodium_memzero(line, cap);
  free(line);
  return pw;
}

static int cmd_add(const char *file, const char *user, int argc, char **argv) {
  skyd_config cfg;
  skyd_config_init(&cfg);
  char err[512];
  int status = 2;
  for (int i = 0; i < argc; i += 2) {
    bool known = !strcmp(argv[i], "--ops") || !strcmp(argv[i], "--mem") || !strcmp(argv[i], "--config");
    if (!known || i + 1 >= argc) {
      fprintf(stderr, "sky-user: %s '%s' (see --help)\n",
              !known ? (argv[i][0] == '-' ? "unknown option" : "unexpected argument") : "missing value for", argv[i]);
      goto out;
    }
    const char *key = strcmp(argv[i], "--ops") == 0 ? "kdf_ops" : strcmp(argv[i], "--mem") == 0 ? "kdf_mem" : NULL;
    int rc = key ? skyd_config_set(&cfg, key, strlen(key), argv[i + 1], err, sizeof err)
             : strcmp(argv[i], "--config") == 0 ? skyd_config_load(&cfg, argv[i + 1], err, sizeof err)
                                                 : (snprintf(err, sizeof err, "unknown option %s", argv[i]), -1);
    if (rc != 0) {
      fprintf(stderr, "sky-user: %s\n", err);
      goto out;
    }
  }
  status = 1;
  if (!skyd_user_name_valid(user, strlen(user))) {
    fprintf(stderr, "sky-user: invalid user name '%s' (1-64 of A-Z a-z 0-9 _ . @ -)\n", user);
    goto out;
  }
  char *pw = read_password();
  if (!pw) goto out;
  const char *problem = skyd_password_problem(pw, strlen(pw));
  char hash[crypto_pwhash_STRBYTES];
  if (problem) fprintf(stderr, "sky-user: %s\n", problem);
  else if (skyd_users_hash(pw, strlen(pw), cfg.kdf_ops, cfg.kdf_mem, hash) != 0)
    fprintf(stderr, "sky-user: hashing failed (is kdf_mem too large for this machine?)\n");
  else if (skyd_users_file_put(file, user, hash, err, sizeof err) != 0) fprintf(stderr, "sky-user: %s\n", err);
  else status = 0;
  sky_tty_free_password(pw);
out:
  skyd_config_free(&cfg);
  return status;
}

static int cmd_list(const char *file) {
  FILE *f = fopen(file, "r");
  if (!f) {
    perror(file);
    return 1;
  }
  char line[1024];
  while (fgets(line, sizeof line, f)) {
    char *colon = strchr(line, ':');
    if (line[0] != '#' && colon) printf("%.*s\n", (int)(colon - line), line);
  }
  int rc = 0;
  if (ferror(f)) {
    fprintf(stderr, "sky-user: cannot read '%s': %s\n", file, strerror(errno));
    rc = 1;
  }
  fclose(f);
  return rc;
}

/* Says what is wrong with the command line, then the usage; status 2. */
static int bad_usage(int argc, char **argv) {
  const char *cmd = argc >= 2 ? argv[1] : NULL;
  int want = !cmd ? 0 : !strcmp(cmd, "add") ? 4 : !strcmp(cmd, "del") ? 4 : !strcmp(cmd, "list") ? 3 : -1;
  if (!cmd) fprintf(stderr, "sky-user: missing command (add, del or list)\n");
  else if (want < 0) fprintf(stderr, "sky-user: unknown command '%s' (add, del or list)\n", cmd);
  else if (argc < want) fprintf(stderr, "sky-user: %s needs %s\n", cmd, want == 4 ? "FILE and USER" : "FILE");
  else fprintf(stderr, "sky-user: unexpected argument '%s'\n", argv[want]);
  return usage();
}

int main(int argc, char **argv) {
  if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    usage();
    return 0;
  }
  if (sodium_init() < 0) {
    fprintf(stderr, "sky-user: libsodium failed to initialize\n");
    return 1;
  }
  if (argc >= 4 && strcmp(argv[1], "add") == 0) return cmd_add(argv[2], argv[3], argc - 4, argv + 4);
  if (argc == 4 && strcmp(argv[1], "del") == 0) {
    char err[512];
    int rc = skyd_users_file_del(argv[2], argv[3], err, sizeof err);
    if (rc < 0) fprintf(stderr, "sky-user: %s\n", err);
    else if (rc == 0) fprintf(stderr, "sky-user: no user '%s' in %s\n", argv[3], argv[2]);
    return rc == 1 ? 0 : 1;
  }
  if (argc == 3 && strcmp(argv[1], "list") == 0) return cmd_list(argv[2]);
  return bad_usage(argc, argv);
}
