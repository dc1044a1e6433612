/* shell_funnel.h — the conversion bars that sky-shell's table format adds
 * to a FUNNEL ... RETURN STEPS result (`████████████████████ 100.0%`,
 * `███████▌              37.5%`). Pure: builds cell text and a widened
 * copy of a reply's columns and rows; printing stays in shell_print.c.
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

#endif
