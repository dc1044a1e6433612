/* shell_interrupt.h — Ctrl-C in sky-shell: a SIGINT handler that only
 * records the interrupt (and, while a statement runs in-process, cancels
 * it with sky_conn_cancel, an atomic store). Everything else happens in
 * ordinary code that polls the flag: every place the shell blocks (the
 * reply of a statement, a LOAD stream's input or its send, the line
 * editor) waits with poll() in slices of at most 100 ms, so an interrupt
 * is seen whichever thread the signal was delivered to and whatever
 * system call it did or did not interrupt.
 *
 * What an interrupt then does is decided by the caller (shell_main.c):
 * a running statement is cancelled and the shell returns to its prompt.
 */
#ifndef SKY_SHELL_SHELL_INTERRUPT_H
#define SKY_SHELL_SHELL_INTERRUPT_H

#include <signal.h>
#include <stdbool.h>

#include "sky.h"

/* Installs the SIGINT handler (without SA_RESTART). */
void skysh_interrupt_install(void);
/* The flag the handler sets: nonzero after Ctrl-C until cleared. */
volatile sig_atomic_t *skysh_interrupt_flag(void);
bool skysh_interrupted(void);
void skysh_interrupt_clear(void);
/* While `conn` runs a statement in-process, Ctrl-C cancels it; NULL when
 * the statement is over. */
void skysh_interrupt_guard(sky_conn *conn);

/* Waits until `fd` is ready for `events` (POLLIN / POLLOUT), in slices of
 * 100 ms. Returns 1 when ready, 0 when interrupted, -1 on a poll error. */
int skysh_wait_fd(int fd, short events);

#endif
