/* shell_print.h — how sky-shell shows replies: result sets as an aligned
 * table, CSV or JSON lines; messages; errors with a caret under the
 * offending column. Values print exactly as the server sent them (64-bit
 * integers keep every digit), except that TIMESTAMP and DURATION columns
 * (the reply's "types") print readably in the table and CSV formats, and
 * a FUNNEL ... RETURN STEPS table gets a bar per step, a STICKINESS table
 * a bar per row, a LIFECYCLE table a chart, and a RETENTION table may be
 * pivoted into its cohort triangle (shell_cohort.h). Output only: nothing
 * here talks to a server.
 */
#ifndef SKY_SHELL_SHELL_PRINT_H
#define SKY_SHELL_SHELL_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "client/client.h"
#include "shell/shell_split.h"

typedef enum skysh_format {
  SKYSH_FORMAT_TABLE = 0,
  SKYSH_FORMAT_CSV,
  SKYSH_FORMAT_JSON,
} skysh_format;

/* How results are shown: the format, whether TIMESTAMP and DURATION
 * columns print readably (2026-01-05 00:00:00, 1d 01:01:01; table and CSV
 * only) or as the server's integer µs (`\set timestamps raw`), whether
 * the table format leaves out the bars of FUNNEL and STICKINESS results
 * and the LIFECYCLE chart (`\set bars off`; shell_funnel.h,
 * shell_cohort.h), and whether it prints a RETENTION result as its cohort
 * triangle (`\pivot on`). Zeroed: table, readable, bars, no pivot. */
typedef struct skysh_output {
  skysh_format format;
  bool raw_times;
  bool no_bars;
  bool pivot;
} skysh_output;

/* "table", "csv", "json" → format; -1 when unknown. */
int skysh_format_parse(const char *name);
const char *skysh_format_name(skysh_format f);

/* Prints a successful reply to `out`; skipped LOAD rows go to `warn` as
 * WARNING lines. */
void skysh_print_result(FILE *out, FILE *warn, const sky_reply *r, const skysh_output *o);
/* Prints a failure reply: "ERROR: code: message", then, when it has a
 * position inside `stmt` (may be NULL), "LINE n:" (n counted from the
 * statement's first line), that line, and a caret. */
void skysh_print_error(FILE *out, const sky_reply *r, const skysh_stmt *stmt);

#endif
