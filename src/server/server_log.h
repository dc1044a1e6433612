/* server_log.h — skyd's log: one line per event on stderr.
 *
 * Format: "2026-03-01T10:00:00.123Z skyd[PID]: message". Each line is built
 * in memory and written with one write(2), so lines from the loop, main()
 * and the workers (slow statements) never interleave.
 */
#ifndef SKY_SERVER_SERVER_LOG_H
#define SKY_SERVER_SERVER_LOG_H

#include <stddef.h>

void skyd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Copies at most `max` bytes of `text` into `out` (max + 4 bytes) for a
 * log line: control bytes become '?', a cut is marked with "...". */
void skyd_log_excerpt(char *out, const char *text, size_t len, size_t max);

#endif
