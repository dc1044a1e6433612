/* shell_main.c — the sky-shell program: options, the input loops
 * (interactive, -c, -f, a pipe), backslash commands, and running each
 * statement with its output, timing and errors.
 *
 * Exit status: 0 when everything succeeded, 1 when any statement or
 * command failed (the rest still run), 2 when the session could not be
 * opened or the options are wrong. Results go to stdout, errors and
 * warnings to stderr.
 */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "common/tty.h"
#include "shell/shell_edit.h"
#include "shell/shell_interrupt.h"
#include "shell/shell_load.h"
#include "shell/shell_print.h"
#include "shell/shell_session.h"
#include "shell/shell_split.h"

typedef struct shell {
  skysh_session *session;
  skysh_edit *edit; /* interactive only */
  FILE *in;         /* non-interactive input, also LOAD ... FROM STDIN data */
  skysh_splitter split;
  skysh_output out; /* format, readable or raw times */
  bool timing, failed, quit, progress;
  int line_no;
} shell;

typedef struct options {
  const char *host, *port, *user, *data_dir, *file, *table;
  const char **commands;
  int n_commands;
  int format;
  int raw_times; /* --timestamps raw|iso */
} options;

/* Reads one raw line: from the editor when interactive, else from `in`.
 * The result (without "\n") is valid until the next call. */
static const char *read_line(shell *sh, const char *prompt, size_t *len, char **buf, size_t *cap) {
  if (sh->edit) return skysh_edit_read(sh->edit, prompt, len);
  ssize_t n = getline(buf, cap, sh->in);
  if (n < 0) return NULL;
  while (n > 0 && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r')) n--;
  (*buf)[n] = '\0';
  *len = (size_t)n;
  return *buf;
}

/* After "ready": sends the following input lines as LOAD data up to a
 * "\." line (or the end of input), then reads the load's reply. Returns
 * 0 (reply in r), -1 (message in err), or 1 when Ctrl-C abandoned the
 * stream (nothing loaded, no reply). */
static int stream_input(shell *sh, sky_reply *r, char *err, size_t err_len) {
  char *buf = NULL;
  size_t cap = 0, len;
  const char *line;
  sky_buf batch;
  sky_buf_init(&batch);
  int rc = 0;
  while ((line = read_line(sh, ">> ", &len, &buf, &cap)) != NULL) {
    sh->line_no++;
    if (len == 2 && memcmp(line, "\\.", 2) == 0) break;
    sky_buf_append(&batch, line, len);
    sky_buf_putc(&batch, '\n');
    if (batch.len >= (64u << 10)) {
      if (rc == 0 && skysh_session_stream(sh->session, batch.data, batch.len) != 0) rc = -1;
      sky_buf_reset(&batch);
    }
  }
  if (rc == 0 && batch.len) skysh_session_stream(sh->session, batch.data, batch.len);
  free(buf);
  sky_buf_free(&batch);
  if (skysh_interrupted()) { /* Ctrl-C at the ">> " prompt or while sending */
    skysh_session_stream_abort(sh->session);
    return 1;
  }
  return skysh_session_stream_end(sh->session, r, err, err_len);
}

/* After a Ctrl-C has been dealt with: interactively the shell goes on at
 * its prompt; a script (-c, -f, a pipe) stops there, status 1. */
static void after_interrupt(shell *sh) {
  if (!skysh_interrupted()) return;
  skysh_interrupt_clear();
  sh->failed = true;
  if (!sh->edit) sh->quit = true;
}

static bool starts_with_word(const char *text, size_t len, const char *word) {
  size_t i = 0, n = strlen(word);
  while (i < len && isspace((unsigned char)text[i])) i++;
  return len - i >= n && strncasecmp(text + i, word, n) == 0 && (len - i == n || !isalnum((unsigned char)text[i + n]));
}

static void run_statement(void *ctx, const skysh_stmt *st) {
  shell *sh = ctx;
  if (sh->quit) return; /* a script stopped by Ctrl-C: not the rest of its line */
  if (sh->edit) {
    char *entry = sky_malloc(st->len + 2);
    if (entry) {
      memcpy(entry, st->text, st->len);
      entry[st->len] = ';';
      skysh_edit_remember(sh->edit, entry, st->len + 1);
      sky_free(entry);
    }
  }
  double t0 = sky_clock_ms();
  sky_reply r;
  char err[512];
  /* A result's rows print as they arrive (shell_print.h). */
  skysh_printer *printer = skysh_printer_create(stdout, stderr, &sh->out);
  if (!printer) {
    fputs("ERROR: out of memory\n", stderr);
    sh->failed = true;
    return;
  }
  sky_row_sink sink = skysh_printer_sink(printer);
  int rc = skysh_session_exec(sh->session, st->text, st->len, &sink, &r, err, sizeof err);
  bool streamed = rc == 0 && r.ok && r.ready;
  if (streamed) {
    sky_reply_free(&r);
    rc = stream_input(sh, &r, err, sizeof err);
  }
  if (skysh_interrupted() && (rc != 0 || !r.ok)) { /* Ctrl-C stopped it (a finished statement still prints) */
    fflush(stdout);
    fputs(rc == 1    ? "Cancelled: the LOAD stream was abandoned; nothing was loaded.\n"
          : streamed ? "Cancelled while waiting for the LOAD's reply: it may have been loaded.\n"
                     : "Cancelled: the statement was stopped (Ctrl-C).\n",
          stderr);
    sh->failed = true;
  } else if (rc != 0) {
    fflush(stdout); /* rows printed before the reply broke come first */
    fprintf(stderr, "ERROR: %s\n", err);
    sh->failed = true;
  } else if (!r.ok) {
    fflush(stdout);
    skysh_print_error(stderr, &r, st);
    sh->failed = true;
  } else {
    skysh_printer_finish(printer, &r);
    if (sh->edit && (starts_with_word(st->text, st->len, "CREATE") || starts_with_word(st->text, st->len, "ALTER") ||
                     starts_with_word(st->text, st->len, "DROP")))
      skysh_edit_names_stale(sh->edit);
  }
  if (sh->timing) printf("Time: %.3f ms\n", sky_clock_ms() - t0);
  sky_reply_free(&r); /* safe in every state, and twice */
  skysh_printer_free(printer);
  after_interrupt(sh);
  fflush(stdout);
  fflush(stderr);
}

static void print_help(shell *sh) {
  printf("Statements end with ';' and may span lines; see docs/LANGUAGE.md.\n"
         "  \\format table|csv|json                 output format (now %s)\n"
         "  \\set timestamps iso|raw                times as 2026-01-05 00:00:00 or µs (now %s)\n"
         "  \\set bars on|off                       FUNNEL and STICKINESS bars, LIFECYCLE chart, table format (now %s)\n"
         "  \\pivot [on|off]                        RETENTION as a cohort triangle, table format (now %s)\n"
         "  \\timing [on|off]                       show each statement's time\n"
         "  \\load FILE INTO t [FORMAT csv|ndjson]   stream a local file into table t\n"
         "  \\help                                  this text\n"
         "  \\q                                     quit\n",
         skysh_format_name(sh->out.format), sh->out.raw_times ? "raw" : "iso", sh->out.no_bars ? "off" : "on",
         sh->out.pivot ? "on" : "off");
}

static bool on_off(const char *arg, bool current, bool *ok) {
  *ok = true;
  if (!*arg) return !current;
  if (strcasecmp(arg, "on") == 0) return true;
  if (strcasecmp(arg, "off") == 0) return false;
  *ok = false;
  return current;
}

/* "iso" → 0, "raw" → 1, else -1. */
static int parse_times(const char *word) {
  if (strcasecmp(word, "iso") == 0) return 0;
  if (strcasecmp(word, "raw") == 0) return 1;
  return -1;
}

/* \pivot [on|off] and \set pivot on|off: `value` "" toggles. */
static bool set_pivot(shell *sh, const char *value) {
  bool ok;
  bool on = on_off(value, sh->out.pivot, &ok);
  if (!ok) {
    fprintf(stderr, "ERROR: \\pivot takes on or off\n");
    return false;
  }
  sh->out.pivot = on;
  if (sh->edit) printf("RETENTION pivot is %s.\n", on ? "on" : "off");
  return true;
}

/* \set [timestamps iso|raw | bars on|off | pivot on|off]: without
 * arguments, lists the settings. */
static bool run_set(shell *sh, const char *args) {
  char name[32] = "", value[32] = "";
  int n = sscanf(args, "%31s %31s", name, value);
  if (n <= 0) {
    printf("timestamps %s\nbars %s\npivot %s\n", sh->out.raw_times ? "raw" : "iso", sh->out.no_bars ? "off" : "on",
           sh->out.pivot ? "on" : "off");
    return true;
  }
  if (strcasecmp(name, "bars") == 0) {
    bool ok = n == 2;
    bool on = ok ? on_off(value, !sh->out.no_bars, &ok) : false;
    if (!ok) {
      fprintf(stderr, "ERROR: \\set bars takes on or off\n");
      return false;
    }
    sh->out.no_bars = !on;
    if (sh->edit) printf("Bars and charts are %s.\n", on ? "on" : "off");
    return true;
  }
  if (strcasecmp(name, "pivot") == 0) {
    if (n == 2) return set_pivot(sh, value);
    fprintf(stderr, "ERROR: \\set pivot takes on or off\n");
    return false;
  }
  if (strcasecmp(name, "timestamps") != 0) {
    fprintf(stderr, "ERROR: unknown setting '%s' (timestamps, bars, pivot)\n", name);
    return false;
  }
  int raw = n == 2 ? parse_times(value) : -1;
  if (raw < 0) {
    fprintf(stderr, "ERROR: \\set timestamps takes iso or raw\n");
    return false;
  }
  sh->out.raw_times = raw == 1;
  if (sh->edit) printf("Timestamps print %s.\n", raw ? "as integer microseconds" : "as ISO-8601 UTC");
  return true;
}

/* A backslash command (the whole line). */
static void run_command(shell *sh, const char *line) {
  while (isspace((unsigned char)*line)) line++;
  char cmd[32];
  size_t n = 0;
  while (line[n] && !isspace((unsigned char)line[n]) && n + 1 < sizeof cmd) cmd[n] = line[n], n++;
  cmd[n] = '\0';
  const char *arg = line + n;
  while (isspace((unsigned char)*arg)) arg++;
  char argbuf[64];
  snprintf(argbuf, sizeof argbuf, "%s", arg);
  for (size_t k = strlen(argbuf); k > 0 && isspace((unsigned char)argbuf[k - 1]); k--) argbuf[k - 1] = '\0';
  bool ok = true;
  if (strcmp(cmd, "\\q") == 0 || strcmp(cmd, "\\quit") == 0) {
    sh->quit = true;
  } else if (strcmp(cmd, "\\help") == 0 || strcmp(cmd, "\\?") == 0 || strcmp(cmd, "\\h") == 0) {
    print_help(sh);
  } else if (strcmp(cmd, "\\format") == 0) {
    int f = argbuf[0] ? skysh_format_parse(argbuf) : (int)sh->out.format;
    if (f < 0) {
      fprintf(stderr, "ERROR: unknown format '%s' (table, csv or json)\n", argbuf);
      ok = false;
    } else {
      sh->out.format = (skysh_format)f;
      if (sh->edit || !argbuf[0]) printf("Output format is %s.\n", skysh_format_name(sh->out.format));
    }
  } else if (strcmp(cmd, "\\set") == 0) {
    ok = run_set(sh, argbuf);
  } else if (strcmp(cmd, "\\pivot") == 0) {
    ok = set_pivot(sh, argbuf);
  } else if (strcmp(cmd, "\\timing") == 0) {
    sh->timing = on_off(argbuf, sh->timing, &ok);
    if (!ok) fprintf(stderr, "ERROR: \\timing takes on or off\n");
    else if (sh->edit) printf("Timing is %s.\n", sh->timing ? "on" : "off");
  } else if (strcmp(cmd, "\\load") == 0) {
    double t0 = sky_clock_ms();
    ok = skysh_load_file(sh->session, arg, &sh->out, stdout, stderr, sh->progress) == 0;
    if (sh->timing) printf("Time: %.3f ms\n", sky_clock_ms() - t0);
    after_interrupt(sh);
    if (sh->edit) skysh_edit_names_stale(sh->edit);
  } else {
    fprintf(stderr, "ERROR: unknown command %s (see \\help)\n", cmd);
    ok = false;
  }
  if (!ok) sh->failed = true;
  fflush(stdout);
  fflush(stderr);
}

static bool is_command(const char *line, size_t len) {
  size_t i = 0;
  while (i < len && isspace((unsigned char)line[i])) i++;
  return i < len && line[i] == '\\';
}

static void feed_line(shell *sh, const char *line, size_t len) {
  sh->line_no++;
  if (is_command(line, len)) {
    if (sh->edit) skysh_edit_remember(sh->edit, line, len);
    char *copy = sky_strndup(line, len);
    if (copy) run_command(sh, copy);
    sky_free(copy);
    return;
  }
  if (skysh_split_feed(&sh->split, line, len, sh->line_no, run_statement, sh) != 0) {
    fputs("ERROR: out of memory\n", stderr);
    sh->failed = true;
    skysh_split_reset(&sh->split);
  }
}

static void run_input(shell *sh) {
  char *buf = NULL, prompt[300];
  size_t cap = 0, len;
  while (!sh->quit) {
    const char *table = skysh_session_table(sh->session);
    if (skysh_split_pending(&sh->split)) snprintf(prompt, sizeof prompt, "...> ");
    else if (table) snprintf(prompt, sizeof prompt, "sky:%.200s> ", table);
    else snprintf(prompt, sizeof prompt, "sky> ");
    const char *line = read_line(sh, prompt, &len, &buf, &cap);
    if (!line && sh->edit && skysh_interrupted()) { /* Ctrl-C at the prompt: drop what was typed */
      skysh_interrupt_clear();
      skysh_split_reset(&sh->split);
      fputs("^C\n", stdout);
      fflush(stdout);
      continue;
    }
    if (!line) {
      after_interrupt(sh); /* a script interrupted while reading: stop */
      break;
    }
    feed_line(sh, line, len);
  }
  if (sh->edit) {
    if (!sh->quit) fputc('\n', stdout);
    skysh_split_reset(&sh->split); /* an unfinished statement typed at the prompt is dropped */
  } else if (!sh->quit) {
    skysh_split_flush(&sh->split, run_statement, sh);
  }
  free(buf);
}

/* -c TEXT: a backslash command, or statements (';' optional at the end). */
static void run_text(shell *sh, const char *text) {
  if (is_command(text, strlen(text))) {
    run_command(sh, text);
    return;
  }
  const char *p = text;
  sh->line_no = 0; /* error lines count within this -c text */
  while (*p && !sh->quit) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    sh->line_no++;
    if (skysh_split_feed(&sh->split, p, n, sh->line_no, run_statement, sh) != 0) sh->failed = true;
    p += n + (nl ? 1 : 0);
  }
  skysh_split_flush(&sh->split, run_statement, sh);
}

static void usage(FILE *out) {
  fprintf(out, "usage: sky-shell [-h HOST] [-p PORT] [-u USER] [--data DIR] [--format table|csv|json]\n"
               "                 [--timestamps iso|raw] [--table TABLE] [-c STATEMENT]... [-f FILE]\n"
               "\n"
               "Talks to skyd (default 127.0.0.1:8585), or with --data opens a data directory\n"
               "in-process. --table starts on a table (USE). --timestamps raw prints TIMESTAMP\n"
               "and DURATION columns as integer microseconds instead of 2026-01-05 00:00:00 and\n"
               "1d 01:01:01. -c runs a statement or backslash command (repeatable); -f runs a\n"
               "file; without them statements are read from stdin (interactively on a\n"
               "terminal, with history in ~/.sky_history). The password for -u comes from\n"
               "SKY_PASSWORD or a prompt. Type \\help inside for commands.\n");
}

/* The value slot of option `a`, or NULL when it is not an option. */
static const char **option_slot(options *o, const char *a, const char **format, const char **times) {
  if (strcmp(a, "-h") == 0 || strcmp(a, "--host") == 0) return &o->host;
  if (strcmp(a, "-p") == 0 || strcmp(a, "--port") == 0) return &o->port;
  if (strcmp(a, "-u") == 0 || strcmp(a, "--user") == 0) return &o->user;
  if (strcmp(a, "--data") == 0) return &o->data_dir;
  if (strcmp(a, "-f") == 0 || strcmp(a, "--file") == 0) return &o->file;
  if (strcmp(a, "-c") == 0 || strcmp(a, "--command") == 0) return &o->commands[o->n_commands++];
  if (strcmp(a, "--format") == 0) return format;
  if (strcmp(a, "--timestamps") == 0) return times;
  if (strcmp(a, "--table") == 0) return &o->table;
  return NULL;
}

/* Mistakes found before connecting: a port that is not 1..65535, a -f
 * FILE that cannot be read as a file. Returns -1 when all is well, else 2
 * after saying what is wrong. */
static int check_options(const options *o) {
  const char *p = o->port;
  unsigned long port = 0;
  size_t n = strspn(p, "0123456789");
  if (n > 0 && n < 6 && p[n] == '\0') port = strtoul(p, NULL, 10);
  if (port < 1 || port > 65535) {
    fprintf(stderr, "sky-shell: invalid port '%s' (a number from 1 to 65535)\n", p);
    return 2;
  }
  if (o->file) {
    struct stat st;
    if (stat(o->file, &st) != 0) {
      fprintf(stderr, "sky-shell: cannot read '%s': %s\n", o->file, strerror(errno));
      return 2;
    }
    if (S_ISDIR(st.st_mode)) {
      fprintf(stderr, "sky-shell: cannot read '%s': it is a directory\n", o->file);
      return 2;
    }
  }
  return -1;
}

/* Returns -1 to go on, or the exit status (0 after --help/--version). */
static int parse_options(int argc, char **argv, options *o) {
  o->host = "127.0.0.1";
  o->port = "8585";
  o->format = SKYSH_FORMAT_TABLE;
  o->commands = sky_calloc((size_t)argc, sizeof *o->commands);
  if (!o->commands) return 2;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0) {
      usage(stdout);
      return 0;
    }
    if (strcmp(a, "--version") == 0) {
      printf("sky-shell %s\n", SKY_VERSION_STRING);
      return 0;
    }
    const char *format = NULL, *times = NULL;
    const char **slot = option_slot(o, a, &format, &times);
    if (!slot || i + 1 >= argc) {
      fprintf(stderr, "sky-shell: %s '%s' (see --help)\n", slot ? "missing value for" : "unknown option", a);
      return 2;
    }
    *slot = argv[++i];
    if (format && (o->format = skysh_format_parse(format)) < 0) {
      fprintf(stderr, "sky-shell: unknown format '%s' (table, csv or json)\n", format);
      return 2;
    }
    if (times && (o->raw_times = parse_times(times)) < 0) {
      fprintf(stderr, "sky-shell: --timestamps takes iso or raw, not '%s'\n", times);
      return 2;
    }
  }
  return check_options(o);
}

static char *history_path(void) {
  const char *home = getenv("HOME");
  if (!home || !*home) {
    struct passwd *pw = getpwuid(getuid());
    home = pw ? pw->pw_dir : NULL;
  }
  if (!home) return NULL;
  size_t n = strlen(home) + 20;
  char *path = sky_malloc(n);
  if (path) snprintf(path, n, "%s/.sky_history", home);
  return path;
}

static int open_session(shell *sh, const options *o) {
  char *password = NULL;
  const char *env = getenv("SKY_PASSWORD");
  if (o->user && !o->data_dir && !env) {
    password = sky_tty_read_password("Password: ");
    if (!password) {
      fprintf(stderr, "sky-shell: no terminal to ask the password on: set SKY_PASSWORD\n");
      return 2;
    }
  }
  skysh_target t = {o->host, o->port, o->user, password ? password : env, o->data_dir, .cancellable = true};
  char err[512];
  sh->session = skysh_session_open(&t, err, sizeof err);
  sky_tty_free_password(password);
  if (!sh->session) {
    fprintf(stderr, "sky-shell: %s\n", err);
    return 2;
  }
  return 0;
}

/* --table T: starts the session on table T (USE), as if typed first. */
static void use_table(shell *sh, const char *table) {
  char stmt[600];
  snprintf(stmt, sizeof stmt, "USE \"%.500s\"", table);
  sky_reply r;
  char err[512];
  if (skysh_session_exec(sh->session, stmt, strlen(stmt), NULL, &r, err, sizeof err) != 0) {
    fprintf(stderr, "ERROR: %s\n", err);
    sh->failed = true;
    return;
  }
  if (!r.ok) {
    skysh_print_error(stderr, &r, NULL);
    sh->failed = true;
  }
  sky_reply_free(&r);
}

static void run_all(shell *sh, const options *o) {
  sh->in = stdin;
  if (o->table) use_table(sh, o->table);
  sh->progress = isatty(STDERR_FILENO) || getenv("SKY_PROGRESS") != NULL;
  for (int i = 0; i < o->n_commands && !sh->quit; i++) run_text(sh, o->commands[i]);
  if (o->file && !sh->quit) {
    sh->in = fopen(o->file, "r");
    if (!sh->in) {
      perror(o->file);
      sh->failed = true;
    } else {
      sh->line_no = 0;
      run_input(sh);
      if (ferror(sh->in)) {
        fprintf(stderr, "sky-shell: cannot read '%s': %s\n", o->file, strerror(errno));
        sh->failed = true;
      }
      fclose(sh->in);
    }
    sh->in = stdin;
  }
  if (o->n_commands == 0 && !o->file) {
    if (isatty(STDIN_FILENO)) {
      char *hist = history_path();
      sh->edit = skysh_edit_open(sh->session, hist);
      sky_free(hist);
    }
    run_input(sh);
  }
}

int main(int argc, char **argv) {
  options o = {0};
  shell sh = {0};
  skysh_split_init(&sh.split);
  int rc = parse_options(argc, argv, &o);
  if (rc < 0) {
    sh.out.format = (skysh_format)o.format;
    sh.out.raw_times = o.raw_times == 1;
    rc = open_session(&sh, &o); /* Ctrl-C here (a password prompt, a slow connect) still ends the shell */
    if (rc == 0) {
      skysh_interrupt_install();
      run_all(&sh, &o);
      rc = sh.failed ? 1 : 0;
    }
  }
  skysh_edit_close(sh.edit);
  skysh_session_close(sh.session);
  skysh_split_free(&sh.split);
  sky_free(o.commands);
  return rc;
}
