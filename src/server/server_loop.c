/* server_loop.c — skyd's event loop: listening sockets, accepting and
 * refusing connections, signals, finished worker jobs and timers, all
 * multiplexed on one epoll instance in one thread.
 *
 * The loop never blocks on a client or a statement: sockets are
 * non-blocking and statements run on the workers (server_workers.c). Epoll
 * is level-triggered and a connection's interest set always says exactly
 * what it can use right now (server_conn.c), so a stalled or flooding client
 * costs nothing. Signals arrive through a signalfd: no handler, no global.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/pool.h"
#include "server/net_reply.h"
#include "server/server_internal.h"
#include "server/server_log.h"

/* epoll tags for what is not a connection (connections use data.ptr). */
enum { TAG_SIGNAL = 1, TAG_WORKERS = 2, TAG_AUTH_WORKERS = 3, TAG_LISTEN = 16 };

static void set_err(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, n, fmt, ap);
  va_end(ap);
}

/* Lets the process hold max_clients sockets plus files of its own. */
static void raise_fd_limit(uint64_t max_clients) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  rlim_t want = (rlim_t)max_clients + 256;
  if (rl.rlim_cur >= want) return;
  rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
}

static int epoll_add(int epfd, int fd, uint64_t tag) {
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag};
  return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

skyd_server *skyd_server_create(const skyd_config *cfg, const skyd_users *users, char *err, size_t err_len) {
  skyd_server *s = sky_calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, err_len, "out of memory");
    return NULL;
  }
  s->cfg = cfg;
  s->users = users;
  s->sig_fd = s->spare_fd = -1;
  s->read_cap = (size_t)cfg->max_line + 2 > SKYD_STREAM_CHUNK ? (size_t)cfg->max_line + 2 : SKYD_STREAM_CHUNK;
  raise_fd_limit(cfg->max_clients);
  s->epfd = epoll_create1(EPOLL_CLOEXEC);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  s->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  unsigned cpus = sky_cpu_count();
  unsigned n_workers = cfg->workers ? (unsigned)cfg->workers : (4 * cpus > 8 ? 4 * cpus : 8);
  s->workers = skyd_workers_create(n_workers);
  /* Password checks get threads of their own, so that AUTHs (slow by
   * design, and free for anyone to send) never wait in front of a
   * statement. Few: each holds kdf_mem while it runs. */
  unsigned n_auth = cfg->auth_workers ? (unsigned)cfg->auth_workers : cpus >= 4 ? 2 : 1;
  if (users) {
    s->auth_workers = skyd_workers_create(n_auth);
    s->auth_limiter = skyd_auth_limiter_create(cfg->auth_backoff_ms, cfg->auth_backoff_max_ms);
  }
  if (s->epfd < 0 || s->sig_fd < 0 || !s->workers || (users && (!s->auth_workers || !s->auth_limiter)) ||
      epoll_add(s->epfd, s->sig_fd, TAG_SIGNAL) != 0 ||
      epoll_add(s->epfd, skyd_workers_fd(s->workers), TAG_WORKERS) != 0 ||
      (users && epoll_add(s->epfd, skyd_workers_fd(s->auth_workers), TAG_AUTH_WORKERS) != 0)) {
    snprintf(err, err_len, "cannot set up the event loop: %s", strerror(errno));
    skyd_server_free(s);
    return NULL;
  }
  if (users)
    skyd_log("%u statement workers, %u password check workers, max %llu clients, max line %llu bytes", n_workers,
             n_auth, (unsigned long long)cfg->max_clients, (unsigned long long)cfg->max_line);
  else
    skyd_log("%u statement workers, max %llu clients, max line %llu bytes", n_workers,
             (unsigned long long)cfg->max_clients, (unsigned long long)cfg->max_line);
  return s;
}

static void format_addr(const struct sockaddr *sa, char *out, size_t n) {
  char host[INET6_ADDRSTRLEN] = "?";
  unsigned port = 0;
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
    snprintf(out, n, "%s:%u", host, port);
  } else if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    port = ntohs(in6->sin6_port);
    snprintf(out, n, "[%s]:%u", host, port);
  } else {
    snprintf(out, n, "unknown");
  }
}

static int bind_one(skyd_server *s, const struct addrinfo *ai, char *err, size_t err_len) {
  int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (ai->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  char name[80];
  format_addr(ai->ai_addr, name, sizeof name);
  if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0 ||
      epoll_add(s->epfd, fd, TAG_LISTEN + s->n_listen) != 0) {
    set_err(err, err_len, "cannot listen on %s: %s", name, strerror(errno));
    close(fd);
    return -1;
  }
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) format_addr((struct sockaddr *)&ss, name, sizeof name);
  s->listen_fds[s->n_listen++] = fd;
  skyd_log("listening on %s", name);
  return 0;
}

int skyd_server_listen(skyd_server *s, const char *spec, int loopback_only, char *err, size_t err_len) {
  char host[256], port[32];
  if (skyd_split_hostport(spec, host, sizeof host, port, sizeof port) != 0) {
    set_err(err, err_len, "listen address '%.64s' is not ADDR:PORT", spec);
    return -1;
  }
  struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
  struct addrinfo *res = NULL;
  int rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
  if (rc != 0) {
    set_err(err, err_len, "cannot resolve '%.64s': %s", spec, gai_strerror(rc));
    return -1;
  }
  for (const struct addrinfo *ai = res; ai && loopback_only; ai = ai->ai_next) {
    if (!skyd_addr_is_loopback(ai->ai_addr)) {
      char name[80];
      format_addr(ai->ai_addr, name, sizeof name);
      set_err(err, err_len,
              "refusing to listen on %s, a non-loopback address, without users: "
              "create a users file with sky-user and pass --users FILE",
              name);
      freeaddrinfo(res);
      return SKYD_NOT_LOOPBACK;
    }
  }
  int bound = 0;
  for (const struct addrinfo *ai = res; ai && s->n_listen < sizeof s->listen_fds / sizeof *s->listen_fds;
       ai = ai->ai_next)
    if (bind_one(s, ai, err, err_len) == 0) bound++;
  freeaddrinfo(res);
  return bound > 0 ? 0 : -1;
}

/* Best effort: one error line, then close, without creating a connection. */
static void refuse(int fd, const char *peer, const char *message) {
  sky_buf line;
  sky_buf_init(&line);
  skyd_reply_error(&line, SKY_ERR_TOO_MANY_CLIENTS, message);
  if (!line.failed && send(fd, line.data, line.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
    /* the peer may be gone already: nothing to tell */
  }
  sky_buf_free(&line);
  shutdown(fd, SHUT_WR);
  char junk[4096];
  for (int i = 0; i < 16 && recv(fd, junk, sizeof junk, MSG_DONTWAIT) > 0; i++) {
  }
  close(fd);
  skyd_log("refused %s: %s", peer, message);
}

static void on_accept(skyd_server *s, int lfd) {
  for (int k = 0; k < 64; k++) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if ((errno == EMFILE || errno == ENFILE) && s->spare_fd >= 0) {
        /* Out of descriptors: use the spare one to tell one client. */
        close(s->spare_fd);
        fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0) refuse(fd, "a client", "too many clients (out of file descriptors)");
        s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
      } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
        skyd_log("accept: %s", strerror(errno));
      }
      return;
    }
    char peer[80];
    format_addr((struct sockaddr *)&ss, peer, sizeof peer);
    skyd_addr_key key;
    skyd_addr_key_of((struct sockaddr *)&ss, &key);
    if (s->n_conns >= s->cfg->max_clients) {
      char msg[96];
      snprintf(msg, sizeof msg, "too many clients (limit %llu)", (unsigned long long)s->cfg->max_clients);
      refuse(fd, peer, msg);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    skyd_conn_open(s, fd, peer, &key);
  }
}

static void for_each_conn(skyd_server *s, void (*fn)(skyd_conn *)) {
  for (skyd_conn *c = s->conns, *next; c; c = next) {
    next = c->next;
    fn(c);
  }
}

static void begin_shutdown(skyd_server *s, const char *why) {
  if (s->stopping) {
    skyd_log("%s again: cancelling running statements now", why);
    s->stop_deadline_ms = sky_clock_ms();
    return;
  }
  s->stopping = true;
  atomic_store(&s->stop_requests, true);
  s->stop_deadline_ms = sky_clock_ms() + (double)s->cfg->shutdown_grace_ms;
  skyd_log("%s: shutting down, %zu connections open", why, s->n_conns);
  for (size_t i = 0; i < s->n_listen; i++) close(s->listen_fds[i]);
  s->n_listen = 0;
  for_each_conn(s, skyd_conn_shutdown);
}

static void on_signal(skyd_server *s) {
  struct signalfd_siginfo si;
  while (read(s->sig_fd, &si, sizeof si) == (ssize_t)sizeof si)
    begin_shutdown(s, si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
}

static void on_tick(skyd_server *s) {
  double now = sky_clock_ms();
  for (skyd_conn *c = s->conns, *next; c; c = next) {
    next = c->next;
    skyd_conn_tick(c, now);
  }
  if (!s->stopping) return;
  if (!s->cancelled && now >= s->stop_deadline_ms) {
    s->cancelled = true;
    if (s->n_conns) skyd_log("grace period over: cancelling what still runs");
    for_each_conn(s, skyd_conn_cancel);
  }
  if (now >= s->stop_deadline_ms + SKYD_HARD_STOP_MS) for_each_conn(s, skyd_conn_kill);
}

static void reap(skyd_server *s) {
  while (s->graveyard) {
    skyd_conn *c = s->graveyard;
    s->graveyard = c->next;
    sky_free(c);
  }
}

/* A quarter of the shortest deadline, within 20 ms .. 1 s. */
static int tick_ms(const skyd_server *s) {
  if (s->stopping) return 50;
  uint64_t limits[3] = {s->cfg->idle_timeout_ms, s->cfg->request_timeout_ms, s->users ? s->cfg->auth_timeout_ms : 0};
  uint64_t t = 4000;
  for (int i = 0; i < 3; i++)
    if (limits[i] && limits[i] < t) t = limits[i];
  t /= 4;
  return t < 20 ? 20 : (int)t;
}

/* Starts the parked password checks whose time has come. */
static void on_auth_wake(skyd_server *s) {
  double now = sky_clock_ms();
  s->auth_wake_ms = 0;
  for (skyd_conn *c = s->conns, *next; c; c = next) {
    next = c->next;
    double at = skyd_conn_auth_wake(c, now);
    if (at && (!s->auth_wake_ms || at < s->auth_wake_ms)) s->auth_wake_ms = at;
  }
}

static void take_done(skyd_workers *w) {
  for (skyd_job *job = skyd_workers_take_done(w), *next; job; job = next) {
    next = job->next;
    skyd_conn_task_done(((skyd_task *)job)->conn);
  }
}

int skyd_server_run(skyd_server *s, sky_db *db) {
  s->db = db;
  struct epoll_event evs[256];
  double next_tick = sky_clock_ms() + tick_ms(s);
  while (!(s->stopping && s->n_conns == 0)) {
    double wake = s->auth_wake_ms && s->auth_wake_ms < next_tick ? s->auth_wake_ms : next_tick;
    double wait = wake - sky_clock_ms();
    int n = epoll_wait(s->epfd, evs, 256, wait < 0 ? 0 : (int)wait + 1);
    if (n < 0 && errno != EINTR) {
      skyd_log("epoll_wait: %s", strerror(errno));
      begin_shutdown(s, "event loop failure");
    }
    for (int i = 0; i < n; i++) {
      uint64_t tag = evs[i].data.u64;
      if (tag == TAG_SIGNAL) {
        on_signal(s);
      } else if (tag == TAG_WORKERS) {
        take_done(s->workers);
      } else if (tag == TAG_AUTH_WORKERS) {
        take_done(s->auth_workers);
      } else if (tag >= TAG_LISTEN && tag < TAG_LISTEN + 16) {
        if (!s->stopping) on_accept(s, s->listen_fds[tag - TAG_LISTEN]);
      } else {
        skyd_conn_on_event(evs[i].data.ptr, evs[i].events);
      }
    }
    if (s->auth_wake_ms && sky_clock_ms() >= s->auth_wake_ms) on_auth_wake(s);
    if (sky_clock_ms() >= next_tick) {
      on_tick(s);
      next_tick = sky_clock_ms() + tick_ms(s);
    }
    reap(s);
  }
  return 0;
}

void skyd_server_free(skyd_server *s) {
  if (!s) return;
  for_each_conn(s, skyd_conn_kill); /* none is busy once run() returned */
  reap(s);
  skyd_workers_free(s->workers);
  skyd_workers_free(s->auth_workers);
  skyd_auth_limiter_free(s->auth_limiter);
  for (size_t i = 0; i < s->n_listen; i++) close(s->listen_fds[i]);
  if (s->sig_fd >= 0) close(s->sig_fd);
  if (s->spare_fd >= 0) close(s->spare_fd);
  if (s->epfd >= 0) close(s->epfd);
  sky_free(s);
}
