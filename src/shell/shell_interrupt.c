/* shell_interrupt.c — Ctrl-C; see shell_interrupt.h.
 *
 * The two variables below are sky-shell's only mutable globals: a signal
 * handler can reach nothing else. The handler stores to them and calls
 * sky_conn_cancel (one atomic store), all async-signal-safe. */
#include "shell/shell_interrupt.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

static volatile sig_atomic_t g_interrupted;
static sky_conn *volatile g_running; /* in-process statement to cancel */

static void on_sigint(int sig) {
  (void)sig;
  g_interrupted = 1;
  sky_conn *conn = g_running;
  if (conn) sky_conn_cancel(conn);
}

void skysh_interrupt_install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: a blocked read returns at once */
  sigaction(SIGINT, &sa, NULL);
}

volatile sig_atomic_t *skysh_interrupt_flag(void) { return &g_interrupted; }
bool skysh_interrupted(void) { return g_interrupted != 0; }
void skysh_interrupt_clear(void) { g_interrupted = 0; }
void skysh_interrupt_guard(sky_conn *conn) { g_running = conn; }

int skysh_wait_fd(int fd, short events) {
  for (;;) {
    if (g_interrupted) return 0;
    struct pollfd p = {.fd = fd, .events = events};
    int n = poll(&p, 1, 100);
    if (n > 0) return 1;
    if (n < 0 && errno != EINTR) return -1;
  }
}
