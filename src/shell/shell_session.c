/* shell_session.c — sky-shell's remote and embedded sessions; see
 * shell_session.h. */
#include "shell/shell_session.h"

#include <ctype.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "shell/shell_interrupt.h"
#include "sky.h"

struct skysh_session {
  skysh_target t;
  char *strings; /* the target's strings, copied */
  sky_client *client;
  sky_db *db;
  sky_conn *conn;
  sky_loader *loader;
  char *use_text; /* remote: "USE x" as last accepted, for reconnects */
  char *table;    /* remote: the table it named */
};

static int remote_connect(skysh_session *s, char *err, size_t err_len) {
  s->client = sky_client_connect(s->t.host, s->t.port, err, err_len);
  if (!s->client) return -1;
  if (s->t.cancellable) sky_client_set_interrupt(s->client, skysh_interrupt_flag());
  sky_reply r;
  char line[2300];
  int rc = 0;
  if (s->t.user) {
    snprintf(line, sizeof line, "AUTH %s %s", s->t.user, s->t.password ? s->t.password : "");
    rc = sky_client_request(s->client, line, strlen(line), &r, err, err_len);
    if (rc == 0 && !r.ok) {
      snprintf(err, err_len, "%s: %s", r.code, r.message);
      rc = -1;
    }
    sky_reply_free(&r);
  }
  if (rc == 0 && s->use_text) {
    rc = sky_client_request(s->client, s->use_text, strlen(s->use_text), &r, err, err_len);
    sky_reply_free(&r);
  }
  if (rc != 0) {
    sky_client_close(s->client);
    s->client = NULL;
  }
  return rc;
}

static char *copy_target(skysh_session *s, const skysh_target *t) {
  const char *src[5] = {t->host, t->port, t->user, t->password, t->data_dir};
  size_t total = 0;
  for (int i = 0; i < 5; i++) total += src[i] ? strlen(src[i]) + 1 : 0;
  char *p = sky_malloc(total + 1);
  if (!p) return NULL;
  const char **dst[5] = {&s->t.host, &s->t.port, &s->t.user, &s->t.password, &s->t.data_dir};
  s->t.cancellable = t->cancellable;
  size_t off = 0;
  for (int i = 0; i < 5; i++) {
    *dst[i] = NULL;
    if (!src[i]) continue;
    size_t n = strlen(src[i]) + 1;
    memcpy(p + off, src[i], n);
    *dst[i] = p + off;
    off += n;
  }
  return p;
}

skysh_session *skysh_session_open(const skysh_target *t, char *err, size_t err_len) {
  skysh_session *s = sky_calloc(1, sizeof *s);
  if (!s || !(s->strings = copy_target(s, t))) {
    sky_free(s);
    snprintf(err, err_len, "out of memory");
    return NULL;
  }
  if (s->t.data_dir) {
    sky_error e;
    sky_error_clear(&e);
    /* libsky's threads start here; with SIGINT blocked they inherit that,
     * so Ctrl-C always reaches this thread and interrupts its waits. */
    sigset_t intr, saved;
    sigemptyset(&intr);
    sigaddset(&intr, SIGINT);
    pthread_sigmask(SIG_BLOCK, &intr, &saved);
    s->db = sky_db_open(s->t.data_dir, NULL, &e);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    s->conn = s->db ? sky_conn_create(s->db) : NULL;
    if (!s->conn) {
      snprintf(err, err_len, "cannot open %s: %s", s->t.data_dir, s->db ? "out of memory" : e.message);
      skysh_session_close(s);
      return NULL;
    }
    return s;
  }
  if (remote_connect(s, err, err_len) != 0) {
    skysh_session_close(s);
    return NULL;
  }
  return s;
}

void skysh_session_close(skysh_session *s) {
  if (!s) return;
  if (s->loader) sky_loader_abort(s->loader);
  sky_client_close(s->client);
  if (s->conn) sky_conn_free(s->conn);
  if (s->db) sky_db_close(s->db);
  sky_free(s->use_text);
  sky_free(s->table);
  sky_free(s->strings);
  sky_free(s);
}

/* "USE name" or USE "quoted name": the table named, or NULL. */
static char *use_target(const char *text, size_t len) {
  const char *p = text, *end = text + len;
  while (p < end && isspace((unsigned char)*p)) p++;
  if (end - p < 4 || strncasecmp(p, "USE", 3) != 0 || !isspace((unsigned char)p[3])) return NULL;
  p += 3;
  while (p < end && isspace((unsigned char)*p)) p++;
  while (end > p && (isspace((unsigned char)end[-1]) || end[-1] == ';')) end--;
  if (end - p >= 2 && *p == '"' && end[-1] == '"') {
    p++;
    end--;
  }
  return end > p ? sky_strndup(p, (size_t)(end - p)) : NULL;
}

static int exec_embedded(skysh_session *s, const char *text, size_t len, const sky_row_sink *sink, sky_reply *r,
                         char *err, size_t err_len) {
  sky_error e;
  sky_error_clear(&e);
  double t0 = sky_clock_ms();
  if (s->t.cancellable) skysh_interrupt_guard(s->conn);
  sky_result *res = sky_exec(s->conn, text, len, &e);
  skysh_interrupt_guard(NULL);
  double ms = sky_clock_ms() - t0;
  if (!res) return sky_reply_from_error(&e, r, err, err_len);
  if (sky_result_kind_of(res) == SKY_RESULT_LOAD_STREAM) s->loader = sky_result_take_loader(res);
  int rc = sink ? sky_reply_stream_result(res, ms, sink, r, err, err_len)
               : sky_reply_from_result(res, ms, r, err, err_len);
  sky_result_free(res);
  return rc;
}

int skysh_session_exec(skysh_session *s, const char *text, size_t len, const sky_row_sink *sink, sky_reply *r,
                       char *err, size_t err_len) {
  memset(r, 0, sizeof *r);
  if (s->conn) return exec_embedded(s, text, len, sink, r, err, err_len);
  if (s->client && sky_client_closed(s->client)) { /* e.g. closed for idling */
    sky_client_close(s->client);
    s->client = NULL;
  }
  if (!s->client && remote_connect(s, err, err_len) != 0) return -1;
  int rc = sink ? sky_client_request_stream(s->client, text, len, sink, r, err, err_len)
               : sky_client_request(s->client, text, len, r, err, err_len);
  if (rc != 0) {
    sky_client_abort(s->client); /* a reset: skyd cancels the statement if it runs (or stops sending) */
    s->client = NULL;
    return -1;
  }
  char *table = r->ok ? use_target(text, len) : NULL;
  if (table) {
    char *use = sky_strndup(text, len);
    if (use) {
      sky_free(s->use_text);
      sky_free(s->table);
      s->use_text = use;
      s->table = table;
    } else {
      sky_free(table);
    }
  }
  return 0;
}

int skysh_session_stream(skysh_session *s, const char *data, size_t len) {
  if (s->conn) return s->loader && sky_loader_write(s->loader, data, len) == 0 ? 0 : -1;
  return s->client && sky_client_send(s->client, data, len) == 0 ? 0 : -1;
}

int skysh_session_stream_end(skysh_session *s, sky_reply *r, char *err, size_t err_len) {
  memset(r, 0, sizeof *r);
  if (s->conn) {
    sky_error e;
    sky_error_clear(&e);
    sky_loader *ld = s->loader;
    s->loader = NULL;
    if (!ld) {
      snprintf(err, err_len, "no LOAD stream is open");
      return -1;
    }
    sky_result *res = sky_loader_finish(ld, &e);
    if (!res) return sky_reply_from_error(&e, r, err, err_len);
    int rc = sky_reply_from_result(res, -1, r, err, err_len);
    sky_result_free(res);
    return rc;
  }
  if (!s->client) {
    snprintf(err, err_len, "the connection to the server was lost");
    return -1;
  }
  sky_client_send(s->client, "\\.\n", 3); /* if this fails the server said why */
  sky_buf line;
  sky_buf_init(&line);
  int rc = sky_client_read_line(s->client, &line, err, err_len);
  if (rc == 0) rc = sky_reply_parse(line.data ? line.data : "", line.len, r, err, err_len);
  sky_buf_free(&line);
  if (rc != 0) {
    sky_client_abort(s->client);
    s->client = NULL;
  }
  return rc;
}

void skysh_session_stream_abort(skysh_session *s) {
  if (s->conn) {
    if (s->loader) sky_loader_abort(s->loader);
    s->loader = NULL;
    return;
  }
  /* Resetting mid-stream makes the server discard the load at once. */
  sky_client_abort(s->client);
  s->client = NULL;
}

const char *skysh_session_table(const skysh_session *s) {
  if (s->conn) return sky_conn_table(s->conn);
  return s->table;
}
