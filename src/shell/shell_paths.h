/* shell_paths.h — how sky-shell's table format shows a PATHS result
 * (PATHS.md §4): the two columns `source` and `target` become one,
 * `source → target`, so that each row reads as an edge of the flow
 * diagram; the counts stay INT columns, right-aligned by the table
 * printer. Pure: builds a narrowed copy of a reply's columns, types and
 * rows; printing stays in shell_print.c. The result is recognized by its
 * columns' names and types alone, as shell_funnel.h recognizes RETURN
 * STEPS; CSV and JSON never see the view.
 */
#ifndef SKY_SHELL_SHELL_PATHS_H
#define SKY_SHELL_SHELL_PATHS_H

#include <stdbool.h>

#include "client/client.h"

/* The header of the joined column. */
#define SKYSH_PATHS_HEADER "source \u2192 target"
/* Between the two ends in a cell. */
#define SKYSH_PATHS_ARROW " \u2192 "

/* True when `r` is a PATHS result: "types" present and the columns are
 * exactly step INT, source, target (one type, the same for both: STRING,
 * INT, FLOAT or BOOL; TIMESTAMP and DURATION ends keep their own columns,
 * which the table printer formats), count INT, objects INT, avg_time
 * DURATION. */
bool skysh_paths_is_edges(const sky_reply *r);

/* When `r` is a PATHS result, sets *cols, *types and *rows to copies with
 * `source` and `target` replaced by one STRING column SKYSH_PATHS_HEADER
 * whose cells are "<source> → <target>": a string as it is, a number as
 * sent, true / false, NULL as "NULL". Everything is allocated in `arena`;
 * the reply's other values are shared. Returns false, leaving the three
 * alone, for any other result and when out of memory. */
bool skysh_paths_edges(const sky_reply *r, sky_arena *arena, const sky_jv **cols, const sky_jv **types,
                       const sky_jv **rows);

#endif
