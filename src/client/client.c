/* client.c — the protocol client; see client.h. Reads go through a small
 * buffer of our own so that a reply line is found with memchr, and bytes
 * after it (pipelined replies) stay for the next call. */
#include "client/client.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/alloc.h"

struct sky_client {
  int fd;
  volatile sig_atomic_t *interrupt; /* NULL: calls block until done */
  char *buf; /* received, not yet returned */
  size_t start, end, cap;
};

static void set_err(char *err, size_t n, const char *what) { snprintf(err, n, "%s", what); }

sky_client *sky_client_connect(const char *host, const char *port, char *err, size_t err_len) {
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
  struct addrinfo *res = NULL;
  int rc = getaddrinfo(host, port, &hints, &res);
  if (rc != 0) {
    snprintf(err, err_len, "cannot resolve %s: %s", host, gai_strerror(rc));
    return NULL;
  }
  int fd = -1, saved = 0;
  for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      saved = errno;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) {
    snprintf(err, err_len, "cannot connect to %s:%s: %s", host, port, strerror(saved ? saved : errno));
    return NULL;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sky_client *c = sky_calloc(1, sizeof *c);
  if (!c) {
    close(fd);
    set_err(err, err_len, "out of memory");
    return NULL;
  }
  c->fd = fd;
  return c;
}

void sky_client_close(sky_client *c) {
  if (!c) return;
  close(c->fd);
  sky_free(c->buf);
  sky_free(c);
}

void sky_client_abort(sky_client *c) {
  if (!c) return;
  struct linger lg = {.l_onoff = 1, .l_linger = 0}; /* close() sends RST */
  setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  sky_client_close(c);
}

void sky_client_set_interrupt(sky_client *c, volatile sig_atomic_t *flag) { c->interrupt = flag; }

/* With an interrupt flag: waits for `events` in 100 ms slices. 1 ready,
 * 0 interrupted. Without one: 1 (the call itself blocks). */
static int wait_ready(sky_client *c, short events) {
  if (!c->interrupt) return 1;
  for (;;) {
    if (*c->interrupt) return 0;
    struct pollfd p = {.fd = c->fd, .events = events};
    int n = poll(&p, 1, 100);
    if (n > 0 || (n < 0 && errno != EINTR)) return 1; /* the call reports errors */
  }
}

int sky_client_send(sky_client *c, const void *data, size_t len) {
  const char *p = data;
  while (len > 0) {
    if (!wait_ready(c, POLLOUT)) return -1;
    ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Refills the empty buffer with what the socket has (waiting for it).
 * Returns 0, or -1 with a message. */
static int fill(sky_client *c, char *err, size_t err_len) {
  c->start = c->end = 0;
  if (c->cap < 65536) {
    char *p = sky_realloc(c->buf, 65536);
    if (!p) {
      set_err(err, err_len, "out of memory");
      return -1;
    }
    c->buf = p;
    c->cap = 65536;
  }
  for (;;) {
    if (!wait_ready(c, POLLIN)) {
      set_err(err, err_len, "interrupted");
      return -1;
    }
    ssize_t n = recv(c->fd, c->buf, c->cap, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      set_err(err, err_len, n == 0 ? "the server closed the connection" : strerror(errno));
      return -1;
    }
    c->end = (size_t)n;
    return 0;
  }
}

int sky_client_read_line(sky_client *c, sky_buf *line, char *err, size_t err_len) {
  sky_buf_reset(line);
  for (;;) {
    char *nl = c->end > c->start ? memchr(c->buf + c->start, '\n', c->end - c->start) : NULL;
    size_t take = nl ? (size_t)(nl - (c->buf + c->start)) : c->end - c->start;
    sky_buf_append(line, c->buf + c->start, take);
    c->start += take + (nl ? 1 : 0);
    if (line->failed) {
      set_err(err, err_len, "out of memory");
      return -1;
    }
    if (nl) return 0;
    if (line->len > SKY_CLIENT_MAX_LINE) {
      set_err(err, err_len, "reply line longer than 1 GiB");
      return -1;
    }
    if (fill(c, err, err_len) != 0) return -1;
  }
}

bool sky_client_closed(sky_client *c) {
  if (c->end > c->start) return false; /* unread replies: still talking */
  struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
  if (poll(&pfd, 1, 0) <= 0) return false;
  if (pfd.revents & (POLLHUP | POLLERR)) return true;
  char byte;
  ssize_t n = recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* Sends `text` + "\n". */
static int send_request(sky_client *c, const char *text, size_t len, char *err, size_t err_len) {
  sky_buf out;
  sky_buf_init(&out);
  sky_buf_append(&out, text, len);
  sky_buf_putc(&out, '\n');
  bool oom = out.failed;
  int rc = oom ? -1 : sky_client_send(c, out.data, out.len);
  sky_buf_free(&out);
  if (rc != 0) set_err(err, err_len, oom ? "out of memory" : "the connection to the server was lost");
  return rc;
}

int sky_client_request(sky_client *c, const char *text, size_t len, sky_reply *r, char *err, size_t err_len) {
  memset(r, 0, sizeof *r);
  if (send_request(c, text, len, err, err_len) != 0) return -1;
  sky_buf line;
  sky_buf_init(&line);
  int rc = sky_client_read_line(c, &line, err, err_len);
  if (rc == 0) rc = sky_reply_parse(line.data ? line.data : "", line.len, r, err, err_len);
  sky_buf_free(&line);
  return rc;
}

int sky_client_request_stream(sky_client *c, const char *text, size_t len, const sky_row_sink *sink, sky_reply *r,
                              char *err, size_t err_len) {
  memset(r, 0, sizeof *r);
  if (send_request(c, text, len, err, err_len) != 0) return -1;
  sky_reply_reader *rd = sky_reply_reader_create(sink);
  if (!rd) {
    set_err(err, err_len, "out of memory");
    return -1;
  }
  bool done = false;
  int rc = 0;
  while (rc == 0 && !done) { /* the buffer's bytes after the line stay for the next reply */
    if (c->end == c->start && fill(c, err, err_len) != 0) {
      rc = -1;
      break;
    }
    ptrdiff_t used = sky_reply_reader_feed(rd, c->buf + c->start, c->end - c->start, &done, err, err_len);
    if (used < 0) rc = -1;
    else c->start += (size_t)used;
  }
  if (rc == 0) rc = sky_reply_reader_finish(rd, r, err, err_len);
  sky_reply_reader_free(rd);
  return rc;
}

/* ---- replies --------------------------------------------------------------- */

static const char *str_member(const sky_jv *obj, const char *key) {
  const sky_jv *v = sky_jv_get(obj, key);
  return v && v->type == SKY_JV_STRING ? v->str : NULL;
}

static int int_member(const sky_jv *obj, const char *key) {
  const sky_jv *v = sky_jv_get(obj, key);
  return v && v->type == SKY_JV_NUMBER && v->is_int && v->i > 0 && v->i < INT32_MAX ? (int)v->i : 0;
}

int sky_reply_parse(const char *line, size_t len, sky_reply *r, char *err, size_t err_len) {
  memset(r, 0, sizeof *r);
  sky_arena_init(&r->arena);
  r->code = r->message = "";
  r->elapsed_ms = -1;
  char jerr[160];
  const sky_jv *root = sky_jv_parse(line, len, &r->arena, jerr, sizeof jerr);
  const sky_jv *ok = root ? sky_jv_get(root, "ok") : NULL;
  if (!root || !ok || ok->type != SKY_JV_BOOL) {
    snprintf(err, err_len, "malformed reply from the server: %s", root ? "no \"ok\" member" : jerr);
    sky_reply_free(r);
    return -1;
  }
  r->root = root;
  r->ok = ok->b;
  const sky_jv *e = sky_jv_get(root, "error");
  if (!r->ok) {
    const char *code = str_member(e, "code");
    const char *msg = str_member(e, "message");
    r->code = code ? code : "internal";
    r->message = msg ? msg : "";
    r->line = int_member(e, "line");
    r->column = int_member(e, "column");
    r->field = str_member(e, "field");
  } else {
    const char *msg = str_member(root, "message");
    r->message = msg ? msg : "";
  }
  const sky_jv *v = sky_jv_get(root, "columns");
  r->columns = v && v->type == SKY_JV_ARRAY ? v : NULL;
  v = sky_jv_get(root, "types");
  r->types = v && v->type == SKY_JV_ARRAY ? v : NULL;
  v = sky_jv_get(root, "rows");
  r->rows = v && v->type == SKY_JV_ARRAY ? v : NULL;
  v = sky_jv_get(root, "errors");
  r->errors = v && v->type == SKY_JV_ARRAY ? v : NULL;
  v = sky_jv_get(root, "rows_affected");
  if (v && v->type == SKY_JV_NUMBER && v->is_int) r->has_rows_affected = true, r->rows_affected = v->i;
  v = sky_jv_get(root, "ready");
  r->ready = v && v->type == SKY_JV_BOOL && v->b;
  v = sky_jv_get(root, "pong");
  r->pong = v && v->type == SKY_JV_BOOL && v->b;
  v = sky_jv_get(root, "elapsed_ms");
  if (v && v->type == SKY_JV_NUMBER) r->elapsed_ms = v->d;
  return 0;
}

void sky_reply_free(sky_reply *r) {
  sky_arena_free(&r->arena);
  memset(r, 0, sizeof *r);
  r->code = r->message = "";
}
