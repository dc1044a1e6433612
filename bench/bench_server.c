/* bench_server.c — skyd's request rate over loopback.
 *
 * Starts a skyd on a fresh data directory and a free port, then for each
 * workload (PING, handled by the event loop; SHOW TABLES, a trivial
 * statement that goes through a worker and the statement layer) runs N
 * client threads that each keep `depth` requests in flight on one
 * connection, and reports completed requests per second. Every reply is
 * checked to be the expected one. Usage:
 *
 *   bench_server [--skyd PATH] [--seconds S] [--connections N] [--depth D]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"

typedef struct bench {
  int port;
  const char *request; /* one line, with "\n" */
  const char *expect;  /* every reply starts with this */
  int depth;
  double seconds;
  atomic_bool stop;
  atomic_llong done;
  atomic_int failed;
} bench;

static int connect_port(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static int send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* One connection: send `depth` requests, read `depth` replies, repeat. */
static void *client(void *arg) {
  bench *b = arg;
  int fd = connect_port(b->port);
  if (fd < 0) {
    atomic_store(&b->failed, 1);
    return NULL;
  }
  size_t rlen = strlen(b->request), elen = strlen(b->expect);
  char *batch = malloc(rlen * (size_t)b->depth);
  for (int i = 0; i < b->depth; i++) memcpy(batch + rlen * (size_t)i, b->request, rlen);
  char buf[1 << 16], line[512];
  size_t line_len = 0;
  while (!atomic_load(&b->stop) && !atomic_load(&b->failed)) {
    if (send_all(fd, batch, rlen * (size_t)b->depth) != 0) {
      atomic_store(&b->failed, 1);
      break;
    }
    int replies = 0;
    while (replies < b->depth) {
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        atomic_store(&b->failed, 1);
        break;
      }
      for (ssize_t i = 0; i < n; i++) {
        if (buf[i] != '\n') {
          if (line_len < sizeof line) line[line_len++] = buf[i];
          continue;
        }
        if (line_len < elen || memcmp(line, b->expect, elen) != 0) {
          fprintf(stderr, "unexpected reply: %.*s\n", (int)line_len, line);
          atomic_store(&b->failed, 1);
        }
        line_len = 0;
        replies++;
      }
    }
    atomic_fetch_add(&b->done, replies);
  }
  free(batch);
  close(fd);
  return NULL;
}

static double run(bench *b, int connections) {
  pthread_t *t = calloc((size_t)connections, sizeof *t);
  atomic_store(&b->stop, false);
  atomic_store(&b->done, 0);
  double t0 = sky_clock_s();
  for (int i = 0; i < connections; i++) pthread_create(&t[i], NULL, client, b);
  struct timespec nap = {0, 50 * 1000 * 1000};
  while (sky_clock_s() - t0 < b->seconds && !atomic_load(&b->failed)) nanosleep(&nap, NULL);
  long long at_stop = atomic_load(&b->done);
  double elapsed = sky_clock_s() - t0;
  atomic_store(&b->stop, true);
  for (int i = 0; i < connections; i++) pthread_join(t[i], NULL);
  free(t);
  return (double)at_stop / elapsed;
}

/* Starts skyd; returns its pid and sets *port from its log. */
static pid_t start_skyd(const char *skyd, const char *dir, int *port) {
  char data[600], log[600];
  snprintf(data, sizeof data, "%s/data", dir);
  snprintf(log, sizeof log, "%s/skyd.log", dir);
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(log, "w", stderr)) _exit(127);
    execl(skyd, skyd, "--data", data, "--listen", "127.0.0.1:0", (char *)NULL);
    _exit(127);
  }
  for (int tries = 0; tries < 600; tries++) {
    FILE *f = fopen(log, "r");
    char text[8192] = "";
    if (f) {
      size_t n = fread(text, 1, sizeof text - 1, f);
      text[n] = '\0';
      fclose(f);
    }
    const char *at = strstr(text, "listening on 127.0.0.1:");
    if (at && strstr(text, " ready: ")) {
      *port = atoi(at + strlen("listening on 127.0.0.1:"));
      return pid;
    }
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) break;
    usleep(50 * 1000);
  }
  fprintf(stderr, "bench_server: skyd did not start (see %s)\n", log);
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return -1;
}

int main(int argc, char **argv) {
  const char *skyd = SKYD_PATH;
  double seconds = 3;
  int connections = 16, depth = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--skyd") == 0) skyd = argv[i + 1];
    else if (strcmp(argv[i], "--seconds") == 0) seconds = atof(argv[i + 1]);
    else if (strcmp(argv[i], "--connections") == 0) connections = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--depth") == 0) depth = atoi(argv[i + 1]);
    else {
      fprintf(stderr, "usage: bench_server [--skyd PATH] [--seconds S] [--connections N] [--depth D]\n");
      return 2;
    }
  }
  char dir[] = "/tmp/bench_server.XXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  int port = 0;
  pid_t pid = start_skyd(skyd, dir, &port);
  if (pid < 0) return 1;
  struct {
    const char *name, *request, *expect;
  } loads[] = {
      {"PING", "PING\n", "{\"ok\":true,\"pong\":true}"},
      {"SHOW TABLES", "SHOW TABLES\n", "{\"ok\":true,\"columns\":"},
  };
  int status = 0;
  printf("skyd request rate: %d connections, %d requests in flight each, %.0f s per workload\n", connections, depth,
         seconds);
  for (size_t i = 0; i < sizeof loads / sizeof *loads; i++) {
    bench b = {.port = port, .request = loads[i].request, .expect = loads[i].expect, .depth = depth,
               .seconds = seconds};
    atomic_init(&b.failed, 0);
    double rate = run(&b, connections);
    if (atomic_load(&b.failed)) {
      fprintf(stderr, "bench_server: %s failed\n", loads[i].name);
      status = 1;
    }
    printf("%-12s %10.0f requests/s\n", loads[i].name, rate);
  }
  kill(pid, SIGTERM);
  int st = 0;
  waitpid(pid, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    fprintf(stderr, "bench_server: skyd did not exit cleanly\n");
    status = 1;
  }
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "bench_server: could not remove %s\n", dir);
  return status;
}
