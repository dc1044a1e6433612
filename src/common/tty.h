/* tty.h — reading a password from the terminal with echo off (sky-shell's
 * -u, sky-user add). */
#ifndef SKY_COMMON_TTY_H
#define SKY_COMMON_TTY_H

#include <stddef.h>

/* Shows `prompt` on /dev/tty and reads one line without echo. Returns a
 * NUL-terminated string to free with sky_tty_free_password(), or NULL when
 * there is no terminal or reading failed. */
char *sky_tty_read_password(const char *prompt);
/* Wipes and frees a password. */
void sky_tty_free_password(char *password);

#endif
