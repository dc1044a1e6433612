/* server_conn.c — one client connection of skyd: its state machine, from
 * bytes read to replies written, and the worker side of its tasks.
 *
 * A connection runs at most one task at a time (a statement, a password
 * check, a chunk of LOAD data), so replies come out in request order and
 * further pipelined lines simply wait in the input buffer. Reading stops
 * when that buffer holds `read_cap` bytes, which is also what throttles a
 * LOAD stream to the speed of the loader (backpressure through TCP).
 *
 * Every entry point (an epoll event, a finished task, a timer tick) ends in
 * conn_step(), the one place that decides what happens next: submit the
 * abort of an orphaned LOAD, start the lingering close, destroy the
 * connection, or update its epoll interest. Helpers only set flags, so no
 * helper ever frees the connection under its caller.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/error.h"
#include "server/net_reply.h"
#include "server/server_internal.h"
#include "server/server_log.h"

static void conn_step(skyd_conn *c);

skyd_conn *skyd_conn_open(skyd_server *s, int fd, const char *peer, const skyd_addr_key *addr) {
  skyd_conn *c = sky_calloc(1, sizeof *c);
  sky_conn *sc = c ? sky_conn_create(s->db) : NULL;
  if (!sc) {
    skyd_log("refused %s: out of memory", peer);
    sky_free(c);
    close(fd);
    return NULL;
  }
  c->srv = s;
  c->fd = fd;
  c->sc = sc;
  c->id = ++s->next_id;
  snprintf(c->peer, sizeof c->peer, "%s", peer);
  c->addr = *addr;
  sky_frame_init(&c->in, s->cfg->max_line);
  c->task.conn = c;
  c->task.job.run = skyd_task_run;
  c->opened_ms = c->last_active_ms = c->auth_since_ms = sky_clock_ms();
  c->events = EPOLLIN | EPOLLRDHUP;
  struct epoll_event ev = {.events = c->events, .data.ptr = c};
  if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
    skyd_log("refused %s: epoll: %s", peer, strerror(errno));
    sky_conn_free(sc);
    sky_free(c);
    close(fd);
    return NULL;
  }
  c->next = s->conns;
  if (s->conns) s->conns->prev = c;
  s->conns = c;
  s->n_conns++;
  skyd_log("conn %llu open %s", (unsigned long long)c->id, c->peer);
  return c;
}

static void close_socket(skyd_conn *c) {
  if (c->fd < 0) return;
  epoll_ctl(c->srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->fd = -1;
}

/* Unlinks, logs and frees what the connection holds; the struct itself
 * waits in the graveyard until the loop has handled every event of the
 * current epoll batch (one of them may still point to it). Precondition: no
 * task running, no open LOAD. */
static void conn_destroy(skyd_conn *c) {
  skyd_server *s = c->srv;
  close_socket(c);
  c->dead = true;
  if (c->prev) c->prev->next = c->next;
  else s->conns = c->next;
  if (c->next) c->next->prev = c->prev;
  s->n_conns--;
  skyd_log("conn %llu close %s (%s) after %.0f ms, %llu requests", (unsigned long long)c->id, c->peer,
           c->close_reason ? c->close_reason : "closed", sky_clock_ms() - c->opened_ms,
           (unsigned long long)c->n_requests);
  sky_conn_free(c->sc);
  c->sc = NULL;
  sky_frame_free(&c->in);
  sky_buf_free(&c->out);
  sky_buf_free(&c->task.input);
  sky_buf_free(&c->task.reply);
  c->prev = NULL;
  c->next = s->graveyard;
  s->graveyard = c;
}

/* The socket is gone (reset, error, idle, forced stop). */
static void mark_dead(skyd_conn *c, const char *reason) {
  if (c->dead) return;
  c->dead = true;
  if (!c->close_reason) c->close_reason = reason;
  close_socket(c);
  /* Nobody will read the answer: let a running statement stop early, and
   * a password check still queued not run at all. */
  if (c->busy && (c->task.kind == SKYD_TASK_EXEC || c->task.kind == SKYD_TASK_AUTH)) {
    atomic_store(&c->task.abandon, true);
    if (c->task.kind == SKYD_TASK_EXEC) sky_conn_cancel(c->sc);
  }
}

/* Close once the pending output is sent. */
static void close_after_output(skyd_conn *c, const char *reason) {
  if (c->closing) return;
  c->closing = true;
  c->close_reason = reason;
}

static bool can_read(const skyd_conn *c) {
  if (c->dead || c->read_eof) return false;
  if (c->lingering) return true;
  if (c->closing) return false;
  return sky_frame_pending(&c->in) < c->srv->read_cap;
}

static void update_interest(skyd_conn *c) {
  if (c->fd < 0) return;
  uint32_t want = 0;
  if (can_read(c)) want |= EPOLLIN | EPOLLRDHUP;
  if (!c->lingering && c->out_off < c->out.len) want |= EPOLLOUT;
  if (want == c->events) return;
  struct epoll_event ev = {.events = want, .data.ptr = c};
  if (epoll_ctl(c->srv->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0) c->events = want;
  else mark_dead(c, "epoll error");
}

/* After `n` bytes were read at `p`: when the line they leave unfinished at
 * the end of the input began (the request deadline counts from there). */
static void note_line_start(skyd_conn *c, const char *p, size_t n) {
  if (p[n - 1] == '\n') c->line_started_ms = 0;
  else if (!c->line_started_ms || memchr(p, '\n', n - 1)) c->line_started_ms = c->last_active_ms;
}

/* Reads what the socket has, up to the buffer limit (or discards it while
 * lingering). */
static void conn_read(skyd_conn *c) {
  size_t budget = c->srv->read_cap;
  while (budget > 0 && can_read(c)) {
    char junk[16384];
    char *dst = junk;
    size_t room = sizeof junk;
    if (!c->lingering) {
      size_t limit = c->srv->read_cap - sky_frame_pending(&c->in);
      dst = sky_frame_space(&c->in, limit < 16384 ? limit : 16384, &room);
      if (!dst) {
        mark_dead(c, "out of memory");
        return;
      }
      if (room > limit) room = limit;
    }
    if (room > budget) room = budget;
    ssize_t n = recv(c->fd, dst, room, 0);
    if (n > 0) {
      c->last_active_ms = sky_clock_ms();
      if (!c->lingering) {
        sky_frame_commit(&c->in, (size_t)n);
        note_line_start(c, dst, (size_t)n);
      }
      budget -= (size_t)n;
      if ((size_t)n < room) break; /* drained; epoll tells us about more */
    } else if (n == 0) {
      c->read_eof = true;
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      break;
    } else {
      mark_dead(c, "connection reset");
    }
  }
}

static void conn_flush(skyd_conn *c) {
  if (c->out.failed) {
    mark_dead(c, "out of memory");
    return;
  }
  while (c->out_off < c->out.len) {
    ssize_t n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
    if (n > 0) {
      c->out_off += (size_t)n;
      c->last_active_ms = sky_clock_ms();
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;
    } else {
      mark_dead(c, "connection reset");
      return;
    }
  }
  if (c->out.cap > (1u << 20)) sky_buf_free(&c->out);
  else sky_buf_reset(&c->out);
  c->out_off = 0;
}

static void submit(skyd_conn *c, skyd_task_kind kind) {
  skyd_task *t = &c->task;
  if (t->input.failed) { /* the connection cannot go on consistently */
    sky_buf_free(&t->input);
    skyd_reply_error(&c->out, SKY_ERR_OUT_OF_MEMORY, "out of memory");
    close_after_output(c, "out of memory");
    return;
  }
  t->kind = kind;
  t->started_ms = sky_clock_ms();
  t->elapsed_ms = 0;
  t->auth_ok = t->stream_ready = false;
  t->consumed = 0;
  t->handled = 0;
  atomic_store(&t->abandon, false);
  sky_buf_reset(&t->reply);
  c->busy = true;
  skyd_workers_submit(kind == SKYD_TASK_AUTH ? c->srv->auth_workers : c->srv->workers, &t->job);
}

static void reply_too_long(skyd_conn *c) {
  char msg[96];
  snprintf(msg, sizeof msg, "line longer than %llu bytes", (unsigned long long)c->srv->cfg->max_line);
  skyd_reply_error(&c->out, SKY_ERR_LINE_TOO_LONG, msg);
  close_after_output(c, "line_too_long");
}

static void start_auth(skyd_conn *c, const sky_request *req) {
  if (!c->srv->users) {
    c->authed = true;
    snprintf(c->user, sizeof c->user, "%.*s", (int)req->user_len, req->user);
    skyd_reply_message(&c->out, "no users are configured: authentication is not needed");
    return;
  }
  skyd_task *t = &c->task;
  snprintf(t->user, sizeof t->user, "%.*s", (int)req->user_len, req->user);
  sky_buf_reset(&t->input);
  sky_buf_append(&t->input, req->password, req->password_len);
  double now = sky_clock_ms();
  double at = skyd_auth_admit(c->srv->auth_limiter, &c->addr, now);
  if (at <= now || t->input.failed) {
    submit(c, SKYD_TASK_AUTH);
    return;
  }
  /* Failures from this address: the check waits its turn, holding no
   * thread (the loop starts it at `at`). */
  c->auth_at_ms = at;
  if (!c->srv->auth_wake_ms || at < c->srv->auth_wake_ms) c->srv->auth_wake_ms = at;
}

/* Forgets a parked check (the connection is closing): wipes its password. */
static void drop_parked_auth(skyd_conn *c) {
  if (!c->auth_at_ms) return;
  c->auth_at_ms = 0;
  if (c->task.input.data) sodium_memzero(c->task.input.data, c->task.input.len);
  sky_buf_reset(&c->task.input);
}

double skyd_conn_auth_wake(skyd_conn *c, double now) {
  if (!c->auth_at_ms) return 0;
  if (now < c->auth_at_ms) return c->auth_at_ms;
  c->auth_at_ms = 0;
  submit(c, SKYD_TASK_AUTH);
  conn_step(c);
  return 0;
}

/* Whether a request line may run inside a statement batch on a worker:
 * statements, PINGs and malformed lines may; AUTH and QUIT are the loop's
 * business and an HTTP line ends the connection. */
static bool batchable(sky_request_kind kind) {
  return kind == SKY_REQUEST_STATEMENT || kind == SKY_REQUEST_PING || kind == SKY_REQUEST_BAD;
}

/* Hands the pipelined request lines at the front of the frame (the first
 * one the statement `first`) to a worker, which runs them in order and says
 * how many it handled; they are consumed when the task comes back. This is
 * the only place that frames and classifies the lines of a batch: the batch
 * ends before the first line that is not batchable, so the worker never sees
 * an AUTH, a QUIT or an HTTP line, and it re-parses none of the others. */
static void start_batch(skyd_conn *c, const sky_request *first) {
  skyd_task *t = &c->task;
  sky_buf_reset(&t->input);
  t->n_lines = 0;
  size_t cursor = 0;
  sky_line line;
  while (t->n_lines < SKYD_BATCH_LINES && (t->n_lines == 0 || t->input.len < SKYD_BATCH_BYTES)) {
    if (sky_frame_peek(&c->in, &cursor, &line) != SKY_FRAME_LINE) break;
    sky_request req;
    if (t->n_lines == 0) req = *first;
    else sky_request_parse(line.text, line.len, &req);
    if (!batchable(req.kind)) break;
    sky_buf_append(&t->input, line.text, line.raw_len);
    t->lines[t->n_lines++] = (skyd_batch_line){(uint32_t)line.raw_len, (uint32_t)line.len,
                                               req.kind == SKY_REQUEST_STATEMENT ? (uint32_t)req.len : 0, req.kind};
  }
  submit(c, SKYD_TASK_EXEC);
}

/* A browser was made to send an HTTP request to the line port (any web page
 * can POST here): run nothing more from this connection, neither what is
 * queued behind the line nor anything after it. */
static void refuse_http(skyd_conn *c) {
  skyd_log("conn %llu refused an HTTP request on the line port from %s", (unsigned long long)c->id, c->peer);
  close_after_output(c, "http request refused");
}

/* The request at the front of the frame, `line`, parsed as `req`. */
static void handle_request(skyd_conn *c, const sky_line *line, const sky_request *req) {
  if (req->kind == SKY_REQUEST_HTTP) {
    refuse_http(c);
    return;
  }
  if (req->kind == SKY_REQUEST_STATEMENT && (!c->srv->users || c->authed)) {
    start_batch(c, req); /* consumed when the worker is done */
    return;
  }
  sky_frame_consume(&c->in, line->raw_len);
  c->n_requests++;
  switch (req->kind) {
  case SKY_REQUEST_BAD: skyd_reply_error(&c->out, SKY_ERR_BAD_REQUEST, req->message); break;
  case SKY_REQUEST_PING: skyd_reply_raw(&c->out, "{\"ok\":true,\"pong\":true}"); break;
  case SKY_REQUEST_QUIT:
    skyd_reply_raw(&c->out, "{\"ok\":true}");
    close_after_output(c, "quit");
    break;
  case SKY_REQUEST_AUTH:
    /* The line is consumed but its bytes stay put until the next read:
     * copy the password, then wipe it from the input buffer. */
    start_auth(c, req);
    sodium_memzero((char *)line->text, line->raw_len);
    break;
  case SKY_REQUEST_STATEMENT:
    skyd_reply_error(&c->out, SKY_ERR_AUTH_REQUIRED, "authenticate first: AUTH user password");
    break;
  case SKY_REQUEST_HTTP: break; /* handled above */
  }
}

/* In a LOAD stream: hands the complete lines buffered so far (at most about
 * one chunk) to a worker, or the last ones with the finish when the "\."
 * line is there. Lines are contiguous in the frame, so the chunk is one
 * copy of one span. */
static void stream_step(skyd_conn *c) {
  const char *start = NULL;
  size_t len = 0;
  bool end = false;
  sky_line line;
  while (len < SKYD_STREAM_CHUNK) {
    sky_frame_status st = sky_frame_next(&c->in, &line);
    if (st == SKY_FRAME_NONE) break;
    if (st == SKY_FRAME_TOO_LONG) {
      reply_too_long(c); /* conn_step then aborts the load */
      return;
    }
    if (sky_frame_is_stream_end(&line)) {
      end = true;
      break;
    }
    if (!start) start = line.text;
    len += line.raw_len;
  }
  if (!end && len == 0) return;
  sky_buf_reset(&c->task.input);
  if (len) sky_buf_append(&c->task.input, start, len);
  submit(c, end ? SKYD_TASK_FINISH : SKYD_TASK_FEED);
}

/* Consumes buffered requests until one needs a worker or none is left. */
static void process_lines(skyd_conn *c) {
  while (!c->busy && !c->auth_at_ms && !c->closing && !c->dead) {
    if (c->out.len - c->out_off > SKYD_OUT_HIGH) return; /* resumes on EPOLLOUT */
    if (c->streaming) {
      stream_step(c);
      if (c->busy || c->closing) return;
      break;
    }
    sky_line line;
    size_t cursor = 0;
    sky_frame_status st = sky_frame_peek(&c->in, &cursor, &line);
    if (st == SKY_FRAME_NONE) break;
    if (st == SKY_FRAME_TOO_LONG) {
      reply_too_long(c);
      return;
    }
    if (c->srv->stopping) {
      close_after_output(c, "shutdown");
      return;
    }
    sky_request req;
    sky_request_parse(line.text, line.len, &req);
    handle_request(c, &line, &req);
  }
  if (c->busy || c->auth_at_ms || c->closing || c->dead || !c->read_eof) return;
  /* The peer sent its last byte and every complete line is handled. */
  if (sky_frame_pending(&c->in) > 0) {
    /* An unterminated last line still counts as a request. */
    if (sky_frame_append(&c->in, "\n", 1) == 0) {
      process_lines(c);
      return;
    }
  }
  if (c->streaming)
    skyd_reply_error(&c->out, SKY_ERR_BAD_REQUEST, "input ended inside a LOAD stream: nothing was loaded");
  close_after_output(c, "eof");
}

static void start_linger(skyd_conn *c) {
  c->lingering = true;
  c->linger_until_ms = sky_clock_ms() + (c->srv->stopping ? SKYD_LINGER_STOP_MS : SKYD_LINGER_MS);
  shutdown(c->fd, SHUT_WR);
}

static void conn_step(skyd_conn *c) {
  if (!c->dead && !c->lingering) {
    process_lines(c);
    if (!c->dead) conn_flush(c);
  }
  if (c->dead) drop_parked_auth(c);
  if (c->busy || c->auth_at_ms) {
    update_interest(c);
    return;
  }
  sky_frame_shrink(&c->in);
  if (c->loader && (c->dead || c->closing)) {
    submit(c, SKYD_TASK_ABORT); /* the client is gone or broke the stream */
    update_interest(c);
    return;
  }
  if (c->dead) {
    conn_destroy(c);
    return;
  }
  if (c->closing && !c->lingering && c->out_off == c->out.len) start_linger(c);
  if (c->lingering && c->read_eof) {
    conn_destroy(c);
    return;
  }
  update_interest(c);
}

void skyd_conn_on_event(skyd_conn *c, uint32_t events) {
  if (c->dead) return;
  if (events & EPOLLERR) {
    mark_dead(c, "connection reset");
  } else if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) {
    if (can_read(c)) conn_read(c);
    else if (events & EPOLLHUP) mark_dead(c, "hang-up");
  }
  if (!c->dead && (events & EPOLLOUT)) conn_flush(c);
  conn_step(c);
}

/* Logs a slow statement. Called on workers too: skyd_log writes each line
 * with one write(2), and only constant fields of `c` are read. */
static void log_if_slow(const skyd_conn *c, const char *text, size_t len, double ms) {
  if (ms < (double)c->srv->cfg->slow_query_ms) return;
  char excerpt[260];
  skyd_log_excerpt(excerpt, text, len, 256);
  skyd_log("conn %llu slow statement %.1f ms: %s", (unsigned long long)c->id, ms, excerpt);
}

/* A password check came back: the connection's state, the address's count
 * of failures, and a log line for a failure. */
static void auth_done(skyd_conn *c, skyd_task *t) {
  if (!t->handled) return; /* the client left before its check ran */
  double now = c->last_active_ms, next_ms;
  unsigned fails = skyd_auth_result(c->srv->auth_limiter, &c->addr, t->auth_ok, now, &next_ms);
  if (c->authed && !t->auth_ok) c->auth_since_ms = now; /* the AUTH deadline starts again */
  c->authed = t->auth_ok;
  snprintf(c->user, sizeof c->user, "%s", t->auth_ok ? t->user : "");
  if (t->auth_ok) return;
  char wait[64] = "";
  if (next_ms > now) snprintf(wait, sizeof wait, "; its next check waits %.0f ms", next_ms - now);
  skyd_log("conn %llu auth failed for user '%s' (%u from this address%s)", (unsigned long long)c->id, t->user, fails,
           wait);
}

void skyd_conn_task_done(skyd_conn *c) {
  skyd_task *t = &c->task;
  c->busy = false;
  c->last_active_ms = sky_clock_ms();
  switch (t->kind) {
  case SKYD_TASK_EXEC:
    sky_frame_consume(&c->in, t->consumed);
    c->n_requests += t->handled;
    if (t->stream_ready) {
      c->streaming = true;
      c->stream_start_ms = t->started_ms;
    }
    break;
  case SKYD_TASK_AUTH: auth_done(c, t); break;
  case SKYD_TASK_FINISH:
    c->streaming = false;
    log_if_slow(c, "LOAD ... FROM STDIN", 19, t->elapsed_ms);
    break;
  case SKYD_TASK_ABORT: c->streaming = false; break;
  case SKYD_TASK_FEED: break;
  }
  if (!c->dead && t->reply.len) {
    if (c->out_off == c->out.len) { /* nothing pending: adopt the reply buffer */
      sky_buf tmp = c->out;
      c->out = t->reply;
      t->reply = tmp;
      c->out_off = 0;
    } else {
      sky_buf_append(&c->out, t->reply.data, t->reply.len);
    }
  }
  sky_buf_reset(&t->reply);
  if (t->input.cap > 2 * SKYD_STREAM_CHUNK) sky_buf_free(&t->input);
  if (c->srv->cancelled && c->streaming) close_after_output(c, "shutdown");
  conn_step(c);
}

/* Why a connection that is not lingering must close now, or NULL. The
 * AUTH deadline counts from the connection's start (or from the failed AUTH
 * that lost its authentication) and also ends a check still waiting for its
 * turn; the request deadline counts from the first byte of an unfinished
 * line (a request or LOAD data); the idle timeout from the last byte either
 * way. */
static const char *deadline_passed(const skyd_conn *c, double now) {
  const skyd_config *cfg = c->srv->cfg;
  if (!c->closing && c->srv->users && !c->authed && cfg->auth_timeout_ms &&
      now - c->auth_since_ms >= (double)cfg->auth_timeout_ms)
    return "auth timeout";
  if (!c->closing && cfg->request_timeout_ms && c->line_started_ms &&
      now - c->line_started_ms >= (double)cfg->request_timeout_ms)
    return "request timeout";
  if (cfg->idle_timeout_ms && now - c->last_active_ms >= (double)cfg->idle_timeout_ms) return "idle timeout";
  return NULL;
}

void skyd_conn_tick(skyd_conn *c, double now) {
  /* The request deadline runs only while skyd waits for the client's
   * bytes: while a task runs, a check waits its turn or the input is full,
   * its clock starts again. */
  if (c->line_started_ms && (c->busy || c->auth_at_ms || !can_read(c))) c->line_started_ms = now;
  if (c->busy || c->dead) return;
  if (c->lingering) {
    if (now < c->linger_until_ms) return;
    mark_dead(c, c->close_reason);
  } else {
    const char *reason = deadline_passed(c, now);
    if (!reason) return;
    drop_parked_auth(c);
    c->close_reason = reason;
    mark_dead(c, reason);
  }
  conn_step(c);
}

void skyd_conn_shutdown(skyd_conn *c) {
  if (c->busy || c->streaming || c->dead) return; /* they finish first */
  drop_parked_auth(c); /* a check waiting for its turn is not started */
  double until = sky_clock_ms() + SKYD_LINGER_STOP_MS;
  if (c->lingering && c->linger_until_ms > until) c->linger_until_ms = until;
  close_after_output(c, "shutdown");
  conn_step(c);
}

void skyd_conn_cancel(skyd_conn *c) {
  if (c->busy) {
    sky_conn_cancel(c->sc);
    return;
  }
  if (c->streaming) {
    close_after_output(c, "shutdown");
    conn_step(c);
  }
}

void skyd_conn_kill(skyd_conn *c) {
  if (c->busy) return;
  drop_parked_auth(c);
  mark_dead(c, c->closing ? c->close_reason : "shutdown");
  conn_step(c);
}

/* ---- worker side ----------------------------------------------------------- */

/* An error reply from the statement layer, with elapsed_ms added. */
static void reply_statement_error(skyd_task *t, sky_error *err, double ms) {
  if (err->code == SKY_ERR_OK) sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "the statement failed without an error");
  size_t len = 0;
  char *json = sky_error_to_json(err, &len);
  if (json) skyd_reply_with_elapsed(&t->reply, json, len, ms);
  else skyd_reply_error(&t->reply, SKY_ERR_OUT_OF_MEMORY, "out of memory");
  free(json);
}

static void reply_result(skyd_task *t, sky_result *r, double ms) {
  size_t len = 0;
  char *json = sky_result_to_json(r, ms, &len);
  if (json) {
    sky_buf_append(&t->reply, json, len);
    sky_buf_putc(&t->reply, '\n');
  } else {
    skyd_reply_error(&t->reply, SKY_ERR_OUT_OF_MEMORY, "out of memory");
  }
  free(json);
}

/* One statement of a batch; its reply is appended to t->reply. */
static void exec_one(skyd_conn *c, skyd_task *t, const char *text, size_t len) {
  sky_error err;
  sky_error_clear(&err);
  double t0 = sky_clock_ms();
  sky_result *r = sky_exec(c->sc, text, len, &err);
  double ms = sky_clock_ms() - t0;
  t->elapsed_ms += ms;
  log_if_slow(c, text, len, ms);
  if (!r) {
    reply_statement_error(t, &err, ms);
    return;
  }
  if (sky_result_kind_of(r) == SKY_RESULT_LOAD_STREAM) {
    c->loader = sky_result_take_loader(r);
    sky_result_free(r);
    if (c->loader) {
      t->stream_ready = true;
      skyd_reply_raw(&t->reply, "{\"ok\":true,\"ready\":true}");
    } else {
      skyd_reply_error(&t->reply, SKY_ERR_INTERNAL, "LOAD stream has no loader");
    }
    return;
  }
  /* Rows are encoded only within the statement's time limit (a read
   * changes nothing, so it may still fail): issue 13 item 1. */
  if (sky_result_kind_of(r) == SKY_RESULT_ROWS && sky_conn_check(c->sc, &err) != 0) {
    sky_result_free(r);
    reply_statement_error(t, &err, ms);
    return;
  }
  reply_result(t, r, ms);
  sky_result_free(r);
}

/* Runs the pipelined request lines in t->input in order, as start_batch
 * framed and classified them: statements, and the PINGs and malformed lines between them.
 * Stops after a statement that opened a LOAD stream (what follows is its
 * data), when the reply grows large, or when the client is gone or the
 * server is stopping. The first request always runs. */
static void run_batch(skyd_conn *c, skyd_task *t) {
  const char *p = t->input.data;
  for (size_t i = 0; i < t->n_lines; i++) {
    if (t->handled > 0 && (atomic_load(&t->abandon) || atomic_load(&c->srv->stop_requests) ||
                           t->reply.len > SKYD_OUT_HIGH))
      break;
    const skyd_batch_line *l = &t->lines[i];
    if (l->kind == SKY_REQUEST_STATEMENT) {
      exec_one(c, t, p, l->text_len);
    } else if (l->kind == SKY_REQUEST_PING) {
      skyd_reply_raw(&t->reply, "{\"ok\":true,\"pong\":true}");
    } else { /* malformed: parsed again for its message (rare) */
      sky_request req;
      sky_request_parse(p, l->len, &req);
      skyd_reply_error(&t->reply, SKY_ERR_BAD_REQUEST, req.message);
    }
    t->consumed += t->lines[i].raw;
    t->handled++;
    p += t->lines[i].raw;
    if (t->stream_ready) break;
  }
}

static void run_finish(skyd_conn *c, skyd_task *t) {
  sky_loader *ld = c->loader;
  c->loader = NULL;
  if (!ld) {
    skyd_reply_error(&t->reply, SKY_ERR_INTERNAL, "no LOAD stream is open");
    return;
  }
  if (t->input.len) sky_loader_write(ld, t->input.data, t->input.len);
  sky_error err;
  sky_error_clear(&err);
  sky_result *r = sky_loader_finish(ld, &err);
  t->elapsed_ms = sky_clock_ms() - c->stream_start_ms;
  if (!r) {
    reply_statement_error(t, &err, t->elapsed_ms);
    return;
  }
  reply_result(t, r, t->elapsed_ms);
  sky_result_free(r);
}

/* Checks a password; `handled` says whether it was checked (not when the
 * client left while the check was queued). */
static void run_auth(skyd_conn *c, skyd_task *t) {
  if (!atomic_load(&t->abandon)) {
    t->auth_ok = skyd_users_verify(c->srv->users, t->user, strlen(t->user), t->input.data, t->input.len);
    t->handled = 1;
  }
  sodium_memzero(t->input.data, t->input.len);
  sky_buf_reset(&t->input);
  if (!t->handled) return;
  if (t->auth_ok) {
    char msg[128];
    snprintf(msg, sizeof msg, "authenticated as %s", t->user);
    skyd_reply_message(&t->reply, msg);
  } else {
    skyd_reply_error(&t->reply, SKY_ERR_AUTH_FAILED, "wrong user name or password");
  }
}

void skyd_task_run(skyd_job *job) {
  skyd_task *t = (skyd_task *)job;
  skyd_conn *c = t->conn;
  switch (t->kind) {
  case SKYD_TASK_EXEC: run_batch(c, t); break;
  case SKYD_TASK_AUTH: run_auth(c, t); break;
  case SKYD_TASK_FEED:
    if (c->loader) sky_loader_write(c->loader, t->input.data, t->input.len);
    break;
  case SKYD_TASK_FINISH: run_finish(c, t); break;
  case SKYD_TASK_ABORT:
    if (c->loader) sky_loader_abort(c->loader);
    c->loader = NULL;
    break;
  }
}
