/* shell_time.h — how sky-shell prints TIMESTAMP and DURATION cells in the
 * table and CSV formats (the JSON format keeps the server's integers).
 *
 *   TIMESTAMP  2026-01-05 00:00:00        ISO-8601 in UTC, a space for the
 *              2026-01-05 00:00:00.576082 'T'; the fraction only when it is
 *                                         not zero, trailing zeros dropped
 *   DURATION   00:00:00.5, 01:01:01, 1d 01:01:01.000001, -2d 00:00:00
 *
 * Pure functions of the value: no I/O, no locale, no time zone; unit-tested
 * at every boundary. A timestamp outside years 0000-9999 (only computed
 * instants can be) has no such text and prints as its integer.
 */
#ifndef SKY_SHELL_SHELL_TIME_H
#define SKY_SHELL_SHELL_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Enough for any output of the functions below, with its NUL. */
#define SKYSH_TIME_TEXT 48

/* Write the text (NUL-terminated) to `out` and return its length. */
size_t skysh_format_timestamp(int64_t us, char out[SKYSH_TIME_TEXT]);
size_t skysh_format_duration(int64_t us, char out[SKYSH_TIME_TEXT]);

/* A FLOAT cell of a TIMESTAMP or DURATION column (avg(timestamp)): rounded
 * to the nearest µs. False when it is not finite or does not fit int64. */
bool skysh_time_from_double(double v, int64_t *us);

#endif
