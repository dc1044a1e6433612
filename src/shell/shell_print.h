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

/* The table format holds this many rows, or this many bytes of them,
 * before it must print: column widths come from the rows held (and the
 * names), and the FUNNEL, STICKINESS, LIFECYCLE and RETENTION views are
 * drawn only for a result that fits. A larger result prints as a plain
 * table, with a one-line note when it loses a view: the rows held first,
 * then each row as it arrives, at those widths; a later cell that is
 * wider pushes the rest of its row to the right. */
#define SKYSH_TABLE_HOLD_ROWS 10000
#define SKYSH_TABLE_HOLD_BYTES ((size_t)8 << 20)

/* Prints a result as it streams in: give skysh_printer_sink() to the
 * session, then hand the final reply to skysh_printer_finish(). CSV and
 * JSON print each row as it arrives; the table format as above. Memory is
 * bounded by the hold limits and the longest row, never by the result. */
typedef struct skysh_printer skysh_printer;

/* NULL when out of memory. `o` is copied; `out` and `warn` borrowed. */
skysh_printer *skysh_printer_create(FILE *out, FILE *warn, const skysh_output *o);
void skysh_printer_free(skysh_printer *p);
/* The sink for skysh_session_exec; valid while `p` lives. Its row
 * callback stops the stream once Ctrl-C was pressed. */
sky_row_sink skysh_printer_sink(skysh_printer *p);
/* Ends a successful reply: the rest of the table and "(N rows)", or all of
 * a reply that did not stream (a message, skipped LOAD rows to `warn` as
 * WARNING lines, a result held whole in `r`). */
void skysh_printer_finish(skysh_printer *p, const sky_reply *r);

/* Prints a successful reply held whole (the rows in r->rows), as the
 * printer would. */
void skysh_print_result(FILE *out, FILE *warn, const sky_reply *r, const skysh_output *o);
/* Prints a failure reply: "ERROR: code: message", then, when it has a
 * position inside `stmt` (may be NULL), "LINE n:" (n counted from the
 * statement's first line), that line, and a caret. */
void skysh_print_error(FILE *out, const sky_reply *r, const skysh_stmt *stmt);

#endif
