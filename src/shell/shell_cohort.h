/* shell_cohort.h — how sky-shell's table format shows the results of
 * RETENTION, LIFECYCLE and STICKINESS (PATHS.md §2–§3): the retention
 * triangle (`\pivot on`), the lifecycle chart and the stickiness bars
 * (`\set bars`). Pure: builds widened or pivoted copies of a reply's
 * columns and rows, and the chart's text; printing stays in shell_print.c.
 * Results are recognized by their columns' names and types alone, as
 * shell_funnel.h recognizes RETURN STEPS.
 */
#ifndef SKY_SHELL_SHELL_COHORT_H
#define SKY_SHELL_SHELL_COHORT_H

#include <stdbool.h>
#include <stddef.h>

#include "client/client.h"
#include "common/buf.h"

/* The "types" entry the triangle gives its period columns: text that the
 * table printer right-aligns (never sent by a server). */
#define SKYSH_COHORT_SHARE_TYPE "SHARE"
/* Room for a share's text: "%.1f%%" of any double, and the NUL. */
#define SKYSH_COHORT_SHARE_TEXT 330
/* The triangle is built only when it holds at most this many cells, or no
 * more than the result has rows (a complete result always qualifies); a
 * sparse result naming a far period prints as a plain table instead. */
#define SKYSH_COHORT_MAX_CELLS 1000000
/* The width of the lifecycle chart's bars, both sides together. */
#define SKYSH_COHORT_CHART_CELLS 60
/* The header of the column STICKINESS gets. */
#define SKYSH_STICKINESS_HEADER "share of objects"

/* True when `r` is a RETENTION result: it has "types" and its last five
 * columns are cohort STRING, period INT, cohort_size INT, objects INT,
 * share FLOAT. Then `*cohort` is the index of `cohort`, which is also the
 * number of key columns before it. */
bool skysh_cohort_is_retention(const sky_reply *r, size_t *cohort);

/* The triangle's text for `share` (1.0 = 100%): the percentage with one
 * decimal, "47.7%"; "" when share × 100 is not finite. Returns the length. */
size_t skysh_cohort_share_text(double share, char out[SKYSH_COHORT_SHARE_TEXT]);

/* When `r` is a RETENTION result, sets *cols, *types and *rows to its
 * triangle: one row per (keys, cohort), in the order each first appears in
 * the result, holding the key columns, `cohort`, `cohort_size` (from that
 * first row), then one column per period `0` .. `n-1` (n = the largest
 * period present + 1), typed SKYSH_COHORT_SHARE_TYPE, holding the share's
 * text (skysh_cohort_share_text), NULL for a NULL share, and "" where the
 * result has no row for that cell (HAVING, LIMIT). Cells are placed by
 * their key values, cohort and period, whatever the order of the rows.
 * Everything is allocated in `arena`; the reply's values are shared.
 * Returns false, leaving the three alone, for any other result, for one
 * whose period is not an integer >= 0 or whose key is an array or object,
 * for one over SKYSH_COHORT_MAX_CELLS, and when out of memory. */
bool skysh_cohort_pivot(const sky_reply *r, sky_arena *arena, const sky_jv **cols, const sky_jv **types,
                        const sky_jv **rows);

/* True when `r` is a LIFECYCLE result: it has "types" and the columns
 * period STRING, new INT, returning INT, resurrecting INT, dormant INT
 * stand consecutively; `*period` is the index of `period`. */
bool skysh_cohort_is_lifecycle(const sky_reply *r, size_t *period);

/* Appends to `out` the lifecycle chart of `r`: one line per row,
 *
 *     " <period>  <dormant>│<new><returning><resurrecting>\n"
 *
 * the period label padded to the longest, dormant drawn leftwards from
 * the axis in ░ and the others stacked rightwards in █ ▓ ▒, then a
 * legend line with the scale. Both sides share one scale, chosen so that
 * the longest dormant bar and the longest stack fit in `cells` together;
 * each bar has round(count × scale) cells (the stack rounded where each
 * segment ends, so it is as long as its total), but one at least for a
 * count above 0, so only a zero is invisible. A NULL or negative count
 * counts as 0. Returns false, appending nothing, when `r` is not a
 * LIFECYCLE result or has no rows; `out->failed` tells of memory. */
bool skysh_cohort_lifecycle_chart(const sky_reply *r, size_t cells, sky_buf *out);

/* True when `r` is a STICKINESS result: it has "types" and the columns
 * periods INT, objects INT stand consecutively; `*objects` is the index of
 * `objects`. */
bool skysh_cohort_is_stickiness(const sky_reply *r, size_t *objects);

/* When `r` is a STICKINESS result, sets *cols and *rows to copies with one
 * more column, SKYSH_STICKINESS_HEADER: a funnel bar (skysh_funnel_bar) of
 * each row's objects over the sum of `objects` in all rows shown (so the
 * bars of a complete result add up to 100%; "" for NULL or when the sum
 * is 0). Returns false otherwise or when out of memory, as
 * skysh_funnel_add_bars does. */
bool skysh_cohort_add_stickiness_bars(const sky_reply *r, sky_arena *arena, const sky_jv **cols, const sky_jv **rows);

#endif
