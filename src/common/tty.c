/* tty.c — password prompt; see tty.h. The terminal's settings are restored
 * on every path, and the password buffer is wiped before it is freed. */
#include "common/tty.h"

#include <fcntl.h>
#include <stdbool.h>
#include <sodium.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common/alloc.h"

char *sky_tty_read_password(const char *prompt) {
  int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return NULL;
  struct termios saved, quiet;
  if (tcgetattr(fd, &saved) != 0) {
    close(fd);
    return NULL;
  }
  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
  quiet.c_lflag |= ICANON;
  if (write(fd, prompt, strlen(prompt)) < 0 || tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
    close(fd);
    return NULL;
  }
  size_t cap = 1100, len = 0;
  char *pw = sky_malloc(cap);
  bool done = false;
  while (pw && !done && len + 1 < cap) {
    char c;
    ssize_t n = read(fd, &c, 1);
    if (n <= 0 || c == '\n' || c == '\r') done = true;
    else pw[len++] = c;
  }
  tcsetattr(fd, TCSAFLUSH, &saved);
  if (write(fd, "\n", 1) < 0) { /* the prompt line stays unterminated */
  }
  close(fd);
  if (pw) pw[len] = '\0';
  return pw;
}

void sky_tty_free_password(char *password) {
  if (!password) return;
  sodium_memzero(password, strlen(password));
  sky_free(password);
}
