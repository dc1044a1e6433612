/* server_internal.h — the structures shared by the event loop
 * (server_loop.c) and the connection state machine (server_conn.c).
 *
 * Threading: a connection and its fields belong to the loop thread, except
 * that while `busy` is set its task, `sc` and `loader` belong to the worker
 * running the task (the pool's mutex orders the hand-over both ways). The
 * loop may call sky_conn_cancel(sc) and set the atomic flags at any time.
 * While an EXEC task runs, the request lines it was given stay unconsumed
 * in the connection's frame; the loop consumes what the worker handled
 * when the task comes back.
 *
 * A password check runs on its own small pool (`auth_workers`), never on the
 * statement workers, so AUTHs queue only behind other AUTHs. When failures
 * from the client's address make its check wait (server_auth.h), the
 * connection is parked instead: `auth_at_ms` says when the check may start,
 * nothing runs or is queued for it until then, and the loop submits it
 * (skyd_conn_auth_wake). A parked connection is not `busy`; like a busy one
 * it handles none of its further requests, so a connection has at most one
 * check in flight and pipelined AUTH lines wait in its input, in order.
 */
#ifndef SKY_SERVER_SERVER_INTERNAL_H
#define SKY_SERVER_SERVER_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/clock.h"
#include "server/net_frame.h"
#include "server/net_request.h"
#include "server/server.h"
#include "server/server_auth.h"
#include "server/server_workers.h"

/* Stop processing a connection's requests while this much output waits. */
#define SKYD_OUT_HIGH (4u << 20)
/* Pipelined requests handed to a worker at once: at most this many lines
 * and, past the first line, this many bytes. */
#define SKYD_BATCH_LINES 256
#define SKYD_BATCH_BYTES (256u << 10)
/* LOAD stream data handed to a worker at once, bytes. */
#define SKYD_STREAM_CHUNK (1u << 20)
/* How long a closing connection drains input before the socket closes, so
 * that the last reply is not lost to a TCP reset. */
#define SKYD_LINGER_MS 2000
#define SKYD_LINGER_STOP_MS 300 /* the same while shutting down */
/* After the shutdown grace period, how long idle connections get to take
 * their last replies before being closed regardless. */
#define SKYD_HARD_STOP_MS 2000

typedef enum skyd_task_kind {
  SKYD_TASK_EXEC,   /* run pipelined requests, one after the other */
  SKYD_TASK_AUTH,   /* check a password */
  SKYD_TASK_FEED,   /* LOAD stream data */
  SKYD_TASK_FINISH, /* last LOAD stream data, then finish the load */
  SKYD_TASK_ABORT,  /* discard a LOAD stream */
} skyd_task_kind;

typedef struct skyd_conn skyd_conn;

/* One request line of an EXEC batch, as the loop framed and classified it:
 * `raw` bytes in the task's input including the line end, `len` without
 * it; its kind (STATEMENT, PING or BAD) and, for a statement, the length
 * of its text (which starts where the line does). */
typedef struct skyd_batch_line {
  uint32_t raw, len, text_len;
  sky_request_kind kind;
} skyd_batch_line;

typedef struct skyd_task {
  skyd_job job; /* first: the pool hands this pointer back */
  skyd_conn *conn;
  skyd_task_kind kind;
  sky_buf input; /* request lines, stream data or password (NUL-terminated) */
  char user[SKY_USER_NAME_MAX + 1];
  sky_buf reply;     /* complete reply line(s), built on the worker */
  double started_ms; /* monotonic, when submitted */
  double elapsed_ms; /* measured by the worker */
  skyd_batch_line lines[SKYD_BATCH_LINES]; /* EXEC: the lines in `input` */
  size_t n_lines;
  size_t consumed;   /* EXEC: bytes of whole request lines handled */
  uint64_t handled;  /* EXEC: requests handled */
  bool auth_ok;
  bool stream_ready;   /* EXEC opened a LOAD stream: conn->loader is set */
  atomic_bool abandon; /* EXEC: the client is gone, stop after this request */
} skyd_task;

struct skyd_conn {
  skyd_server *srv;
  int fd; /* -1 once closed */
  uint64_t id;
  char peer[64];
  skyd_addr_key addr; /* the peer's address as AUTH backoff counts it */
  sky_frame in;
  sky_buf out;
  size_t out_off; /* bytes of `out` already sent */
  sky_conn *sc;
  sky_loader *loader;     /* the open LOAD stream, if any */
  double stream_start_ms; /* when the LOAD ... FROM STDIN statement started */
  bool authed;
  char user[SKY_USER_NAME_MAX + 1];
  bool busy;      /* the task is on a worker */
  bool streaming; /* between "ready" and the end of the data */
  bool read_eof;  /* the peer will send nothing more */
  bool dead;      /* socket gone: free once the task is back */
  bool closing;   /* close once the output is sent */
  bool lingering; /* output sent, write side shut, draining input */
  bool idle_closed;
  const char *close_reason;
  double opened_ms, last_active_ms, linger_until_ms;
  double auth_since_ms;   /* unauthenticated since (with users): the AUTH deadline counts from here */
  double auth_at_ms;      /* parked: the AUTH check in `task` may start then; 0 = none parked */
  double line_started_ms; /* first byte of the unfinished line at the end of `in`; 0 = none */
  uint64_t n_requests;
  uint32_t events; /* current epoll interest */
  skyd_task task;
  skyd_conn *prev, *next;
};

struct skyd_server {
  const skyd_config *cfg;
  sky_db *db;
  const skyd_users *users;
  int epfd;
  int sig_fd;
  int spare_fd; /* kept open to accept-and-refuse when out of descriptors */
  int listen_fds[16];
  size_t n_listen;
  skyd_workers *workers;      /* statements, LOAD data */
  skyd_workers *auth_workers; /* password checks (only with users) */
  skyd_auth_limiter *auth_limiter;
  double auth_wake_ms; /* the earliest parked check's start; 0 = none parked */
  skyd_conn *conns;     /* live connections */
  skyd_conn *graveyard; /* destroyed, freed after the current epoll batch */
  size_t n_conns;
  uint64_t next_id;
  size_t read_cap; /* input buffered per connection, bytes */
  bool stopping;
  atomic_bool stop_requests; /* `stopping`, for the workers: end batches early */
  bool cancelled;
  double stop_deadline_ms;
};

/* server_conn.c, called by the loop. */
skyd_conn *skyd_conn_open(skyd_server *s, int fd, const char *peer, const skyd_addr_key *addr);
void skyd_conn_on_event(skyd_conn *c, uint32_t events);
void skyd_conn_task_done(skyd_conn *c);
/* Starts the connection's parked AUTH check once `now` has reached its
 * time. Returns when the one still parked may start, or 0. */
double skyd_conn_auth_wake(skyd_conn *c, double now);
/* Periodic check: the AUTH, request and idle deadlines, linger end. */
void skyd_conn_tick(skyd_conn *c, double now);
/* Shutdown began: finish or close this connection. */
void skyd_conn_shutdown(skyd_conn *c);
/* The grace period ended: cancel what still runs. */
void skyd_conn_cancel(skyd_conn *c);
/* The hard stop after shutdown: close whatever is not running a task. */
void skyd_conn_kill(skyd_conn *c);
/* Worker side: runs a task (the pool's job function). */
void skyd_task_run(skyd_job *job);

#endif
