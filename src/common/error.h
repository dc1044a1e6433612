/* error.h — filling sky_error values (the struct itself is public, in sky.h).
 * Errors are values: functions that can fail take a `sky_error *` and return
 * a failure indicator; nothing prints or exits because of user input. */
#ifndef SKY_COMMON_ERROR_H
#define SKY_COMMON_ERROR_H

#include "sky.h"

/* Sets code, position (0 = none) and a printf-formatted message. Returns -1
 * so that `return sky_error_set(...)` reads naturally. `err` may be NULL. */
int sky_error_set(sky_error *err, sky_code code, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Same, for a row error of LOAD/INSERT: input line and field (column) name. */
int sky_error_set_field(sky_error *err, sky_code code, int line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Out of memory, with the standard message. Returns -1. */
int sky_error_oom(sky_error *err);
/* Copies at most 64 bytes of `s` (cut at a UTF-8 boundary, with "..." when
 * cut) into `out` (at least 72 bytes), for quoting values in messages.
 * Control bytes are written as escapes (\0 \t \n \r, else \xHH, counted
 * in the 64), so a NUL cannot end the message and a CR stays visible. */
void sky_error_quote(char *out, const char *s, size_t len);

#endif
