/* shell_load.c — \load; see shell_load.h. */
#include "shell/shell_load.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/clock.h"
#include "shell/shell_interrupt.h"

#define CHUNK (256u << 10)

typedef struct load_args {
  char path[4096];
  char table[256];
  const char *format; /* "CSV" or "NDJSON" */
} load_args;

/* Takes one word (or a '...' quoted one) from *p into out. */
static int take_word(const char **p, char *out, size_t n) {
  const char *s = *p;
  while (isspace((unsigned char)*s)) s++;
  size_t len = 0;
  if (*s == '\'' || *s == '"') {
    char q = *s++;
    while (*s && *s != q && len + 1 < n) out[len++] = *s++;
    if (*s != q) return -1;
    s++;
  } else {
    while (*s && !isspace((unsigned char)*s) && len + 1 < n) out[len++] = *s++;
  }
  out[len] = '\0';
  *p = s;
  return len ? 0 : -1;
}

static const char *format_of(const char *path) {
  const char *dot = strrchr(path, '.');
  if (!dot) return NULL;
  if (strcasecmp(dot, ".csv") == 0) return "CSV";
  if (strcasecmp(dot, ".ndjson") == 0 || strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".json") == 0)
    return "NDJSON";
  return NULL;
}

/* FILE INTO t [FORMAT csv|ndjson] */
static int parse_args(const char *args, load_args *a, FILE *err) {
  char word[256];
  const char *p = args;
  a->format = NULL;
  if (take_word(&p, a->path, sizeof a->path) != 0 || take_word(&p, word, sizeof word) != 0 ||
      strcasecmp(word, "INTO") != 0 || take_word(&p, a->table, sizeof a->table) != 0) {
    fputs("ERROR: usage: \\load FILE INTO table [FORMAT csv|ndjson]\n", err);
    return -1;
  }
  if (take_word(&p, word, sizeof word) == 0) {
    char fmt[32];
    if (strcasecmp(word, "FORMAT") != 0 || take_word(&p, fmt, sizeof fmt) != 0) {
      fputs("ERROR: usage: \\load FILE INTO table [FORMAT csv|ndjson]\n", err);
      return -1;
    }
    a->format = strcasecmp(fmt, "csv") == 0 ? "CSV" : strcasecmp(fmt, "ndjson") == 0 ? "NDJSON" : NULL;
    if (!a->format) {
      fprintf(err, "ERROR: unknown format '%s' (csv or ndjson)\n", fmt);
      return -1;
    }
  } else {
    a->format = format_of(a->path);
    if (!a->format) {
      fprintf(err, "ERROR: cannot tell the format of %s from its name: add FORMAT csv|ndjson\n", a->path);
      return -1;
    }
  }
  for (const char *t = a->table; *t; t++)
    if (!isalnum((unsigned char)*t) && *t != '_') {
      fprintf(err, "ERROR: bad table name '%s'\n", a->table);
      return -1;
    }
  return 0;
}

typedef struct progress {
  bool on;
  double start, last;
  long long total, sent, lines;
} progress;

static void progress_draw(progress *p, bool final) {
  double now = sky_clock_s();
  if (!p->on || (!final && now - p->last < 0.1)) return;
  p->last = now;
  double el = now - p->start;
  double frac = p->total > 0 ? (double)p->sent / (double)p->total : 1.0;
  double rate = el > 0 ? (double)p->lines / el : 0;
  if (p->total < 0) { /* a pipe or FIFO: no size, so no bar */
    fprintf(stderr, "\r%lld events  %.0f events/s ", p->lines, rate);
    if (final) fputs("\r\033[K", stderr);
    fflush(stderr);
    return;
  }
  double eta = frac > 0 && frac < 1 ? el * (1 - frac) / frac : 0;
  char bar[31];
  int filled = (int)(frac * 30);
  for (int i = 0; i < 30; i++) bar[i] = i < filled ? '#' : '.';
  bar[30] = '\0';
  fprintf(stderr, "\r[%s] %3d%%  %.0f events/s  ETA %d:%02d ", bar, (int)(frac * 100), rate, (int)eta / 60,
          (int)eta % 60);
  if (final) fputs("\r\033[K", stderr);
  fflush(stderr);
}

/* Counts lines in data and spots a "\." line; `col` carries the current
 * line's first bytes across chunks. Returns -1 on a "\." line. */
typedef struct line_scan {
  size_t len;
  char head[3];
} line_scan;

static int scan_lines(line_scan *ls, const char *data, size_t n, long long *lines) {
  for (size_t i = 0; i < n;) {
    const char *nl = memchr(data + i, '\n', n - i);
    size_t seg = nl ? (size_t)(nl - (data + i)) : n - i;
    for (size_t k = 0; k < seg && ls->len + k < 3; k++) ls->head[ls->len + k] = data[i + k];
    ls->len += seg;
    if (!nl) break;
    if ((ls->len == 2 && memcmp(ls->head, "\\.", 2) == 0) || (ls->len == 3 && memcmp(ls->head, "\\.\r", 3) == 0))
      return -1;
    (*lines)++;
    ls->len = 0;
    i += seg + 1;
  }
  return 0;
}

/* Reads up to n bytes of the file, waiting for a pipe or FIFO in slices
 * that notice Ctrl-C. The count, 0 at the end, -1 on an error, -2 when
 * interrupted. */
static ssize_t read_some(int fd, char *buf, size_t n) {
  for (;;) {
    int ready = skysh_wait_fd(fd, POLLIN);
    if (ready == 0) return -2;
    ssize_t got = read(fd, buf, n);
    if (got >= 0 || errno != EINTR) return got;
  }
}

/* Sends the file. 0 when all of it went (or the server stopped taking it:
 * it says why at the end), -1 on an error (printed), 1 when interrupted. */
static int stream_file(skysh_session *s, int fd, const load_args *a, progress *pg, FILE *err) {
  char *buf = sky_malloc(CHUNK);
  if (!buf) {
    fputs("ERROR: out of memory\n", err);
    return -1;
  }
  line_scan ls = {0};
  ssize_t got;
  char last = '\n';
  int rc = 0;
  while ((got = read_some(fd, buf, CHUNK)) > 0) {
    if (scan_lines(&ls, buf, (size_t)got, &pg->lines) != 0) {
      fprintf(err, "ERROR: %s holds a line '\\.', which would end the stream: nothing was loaded\n", a->path);
      rc = -1;
      break;
    }
    if (skysh_session_stream(s, buf, (size_t)got) != 0) break; /* the server says why at the end */
    last = buf[got - 1];
    pg->sent += (long long)got;
    progress_draw(pg, false);
  }
  if (rc == 0 && (got == -2 || skysh_interrupted())) {
    rc = 1;
  } else if (rc == 0 && got < 0) {
    fprintf(err, "ERROR: reading %s: %s\n", a->path, strerror(errno));
    rc = -1;
  }
  if (rc == 0 && last != '\n') {
    skysh_session_stream(s, "\n", 1);
    pg->lines++;
  }
  sky_free(buf);
  return rc;
}

int skysh_load_file(skysh_session *s, const char *args, const skysh_output *o, FILE *out, FILE *err, bool show) {
  load_args a;
  if (parse_args(args, &a, err) != 0) return -1;
  FILE *f = fopen(a.path, "rb"); /* a FIFO blocks here until it has a writer; Ctrl-C ends the wait */
  if (!f) {
    if (skysh_interrupted()) fputs("Cancelled: nothing was loaded.\n", err);
    else fprintf(err, "ERROR: %s: %s\n", a.path, strerror(errno));
    return -1;
  }
  struct stat st;
  progress pg = {.on = show, .start = sky_clock_s(),
                 .total = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1};
  char stmt[512], msg[512];
  snprintf(stmt, sizeof stmt, "LOAD INTO %s FORMAT %s FROM STDIN", a.table, a.format);
  sky_reply r;
  int rc = skysh_session_exec(s, stmt, strlen(stmt), NULL, &r, msg, sizeof msg);
  if (rc != 0 || !r.ok || !r.ready) {
    if (rc != 0 && skysh_interrupted()) fputs("Cancelled: nothing was loaded.\n", err);
    else if (rc != 0) fprintf(err, "ERROR: %s\n", msg);
    else if (!r.ok) skysh_print_error(err, &r, NULL);
    else fputs("ERROR: the server did not open a LOAD stream\n", err);
    if (rc == 0) sky_reply_free(&r);
    fclose(f);
    return -1;
  }
  sky_reply_free(&r);
  rc = stream_file(s, fileno(f), &a, &pg, err);
  fclose(f);
  if (rc != 0) {
    progress_draw(&pg, true);
    skysh_session_stream_abort(s);
    if (rc > 0) fputs("Cancelled: the load was abandoned; nothing was loaded.\n", err);
    return -1;
  }
  rc = skysh_session_stream_end(s, &r, msg, sizeof msg);
  progress_draw(&pg, true);
  if (rc != 0) {
    if (skysh_interrupted()) fputs("Cancelled while waiting for the load's reply: it may have been loaded.\n", err);
    else fprintf(err, "ERROR: %s\n", msg);
    return -1;
  }
  if (r.ok) skysh_print_result(out, err, &r, o);
  else skysh_print_error(err, &r, NULL);
  int status = r.ok ? 0 : -1;
  sky_reply_free(&r);
  return status;
}
