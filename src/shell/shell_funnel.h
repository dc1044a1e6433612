/* shell_funnel.h — the conversion bars that sky-shell's table format adds
 * to a FUNNEL ... RETURN STEPS result (`████████████████████ 100.0%`,
 * `███████▌              37.5%`). Pure: builds cell text and a widened
 * copy of a reply's columns and rows; printing stays in shell_print.c.
 *
 * The pieces such a view is made of (finding a result by its columns'
 * names and types, adding a column of text, repeating a block character,
 * counting display cells) are exported too: shell_cohort.c draws the
 * RETENTION, LIFECYCLE and STICKINESS views with them.
 */
#ifndef SKY_SHELL_SHELL_FUNNEL_H
#define SKY_SHELL_SHELL_FUNNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "client/client.h"

/* Display cells of the bar itself; the percentage follows after a space. */
#define SKYSH_BAR_CELLS 20
/* Room for a bar cell's text: 3 bytes per block character, a space, the
 * percentage ("%5.1f%%" of any double) and the NUL. */
#define SKYSH_BAR_TEXT (3 * SKYSH_BAR_CELLS + 1 + 320 + 2)

/* The header of the added column. */
#define SKYSH_BAR_HEADER "conversion bar"

/* The cell text for `conversion` (a fraction, 1.0 = 100%): the bar in full
 * and eighth blocks, padded with spaces to SKYSH_BAR_CELLS, then a space
 * and the percentage with one decimal, right-aligned in six cells. The bar
 * has round(conversion × 160) eighths, but at least one when conversion > 0
 * and at most 159 when conversion < 1, so only 0% is empty and only 100% is
 * full; values outside 0..1 are drawn clamped and printed as they are. A
 * NaN or infinity gives "" (as NULL does). Returns the length in bytes. */
size_t skysh_funnel_bar(double conversion, char out[SKYSH_BAR_TEXT]);

/* True when `r` is a RETURN STEPS result: it has "types", and five
 * consecutive columns are step INT, name STRING, objects INT, conversion
 * FLOAT, step_conversion FLOAT (what bind_funnel.c produces after the
 * HOLDING / GROUP BY key columns). Then `*conv` is the conversion column. */
bool skysh_funnel_is_steps(const sky_reply *r, size_t *conv);

/* When `r` is a RETURN STEPS result, sets *cols and *rows to copies of its
 * columns and rows with one more column at the right, SKYSH_BAR_HEADER,
 * whose cells are STRING bars of each row's conversion (NULL → ""), all
 * allocated in `arena` (the reply's values are shared, not copied), and
 * returns true. Otherwise, or when out of memory, returns false and leaves
 * *cols and *rows alone. */
bool skysh_funnel_add_bars(const sky_reply *r, sky_arena *arena, const sky_jv **cols, const sky_jv **rows);

/* --- The parts, shared with shell_cohort.c. --- */

/* One column of a result's signature: its name and its "types" entry. */
typedef struct skysh_column_sig {
  const char *name, *type;
} skysh_column_sig;

/* True when `r` has "types" (as many as "columns") and the `n` columns of
 * `sig` stand consecutively, in that order, at some position >= `from`;
 * then `*at` is the first such position. */
bool skysh_funnel_find_columns(const sky_reply *r, const skysh_column_sig *sig, size_t n, size_t from, size_t *at);

/* Sets `*v` to a STRING value holding a copy of text[0..len) in `arena`;
 * false when out of memory. */
bool skysh_funnel_string(sky_arena *arena, const char *text, size_t len, sky_jv *v);

/* The text of an added cell, from one row's cells (as many as the reply
 * has columns; NULL past the end of a short row) and the caller's `ctx`:
 * written to `out`, its length returned (0: an empty cell). */
typedef size_t (*skysh_cell_text)(const sky_jv *cells, void *ctx, char out[SKYSH_BAR_TEXT]);

/* Sets *cols and *rows to copies of `r`'s columns and rows (the values
 * shared, the arrays in `arena`) with one more column at the right, named
 * `header`, whose cells are the STRING texts `cell` gives for each row.
 * False when `r` has no columns or out of memory; *cols and *rows are then
 * left alone. */
bool skysh_funnel_add_column(const sky_reply *r, const char *header, skysh_cell_text cell, void *ctx, sky_arena *arena,
                             const sky_jv **cols, const sky_jv **rows);

/* Writes `n` copies of the UTF-8 character `glyph` at `out`, which has
 * room for them; returns the bytes written (no NUL). */
size_t skysh_funnel_repeat(char *out, const char *glyph, size_t n);

/* Display width of s[0..len) as the table printer counts it: code points
 * (UTF-8 continuation bytes do not count). */
size_t skysh_funnel_cells(const char *s, size_t len);

#endif
