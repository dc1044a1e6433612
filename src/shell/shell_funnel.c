/* shell_funnel.c — conversion bars for FUNNEL ... RETURN STEPS results in
 * sky-shell's table format; see shell_funnel.h.
 *
 * This file owns two things: the rule that recognizes a RETURN STEPS
 * result from the reply alone (column names and types; the shell never
 * looks at the statement text), and the text of one bar. shell_print.c
 * calls skysh_funnel_add_bars() in one place, before laying out a table,
 * and then prints the widened result like any other, so alignment, NULLs
 * and the row count stay the table printer's. Nothing here prints, and the
 * CSV and JSON formats never see the added column: it is a picture of
 * `conversion`, which the row still carries exactly as the server sent it.
 *
 * The table printer measures display width in code points. The block
 * characters U+2588..U+258F are one cell wide in ordinary terminals
 * (Unicode gives them "ambiguous" East Asian width, so a terminal set to
 * draw those two cells wide will misalign them, as it would psql's).
 */
#include "shell/shell_funnel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* U+2588 FULL BLOCK, then the left blocks of 7/8 down to 1/8
 * (U+2589..U+258F), indexed by eighths. */
static const char *const g_eighths[8] = {"", "\u258F", "\u258E", "\u258D", "\u258C", "\u258B", "\u258A", "\u2589"};
#define FULL_BLOCK "\u2588"

size_t skysh_funnel_bar(double conversion, char out[SKYSH_BAR_TEXT]) {
  out[0] = '\0';
  if (!isfinite(conversion)) return 0;
  const long total = 8L * SKYSH_BAR_CELLS;
  double clamped = conversion < 0 ? 0 : conversion > 1 ? 1 : conversion;
  long eighths = lround(clamped * (double)total);
  if (clamped > 0 && eighths == 0) eighths = 1;          /* a sliver: not 0% */
  if (clamped < 1 && eighths == total) eighths = total - 1; /* not quite full */
  size_t len = 0, cells = 0;
  for (long i = 0; i < eighths / 8; i++, cells++) {
    memcpy(out + len, FULL_BLOCK, sizeof FULL_BLOCK - 1);
    len += sizeof FULL_BLOCK - 1;
  }
  if (eighths % 8) {
    const char *part = g_eighths[eighths % 8];
    memcpy(out + len, part, strlen(part));
    len += strlen(part);
    cells++;
  }
  for (; cells < SKYSH_BAR_CELLS; cells++) out[len++] = ' ';
  int n = snprintf(out + len, SKYSH_BAR_TEXT - len, " %5.1f%%", conversion * 100.0);
  if (n < 0 || (size_t)n >= SKYSH_BAR_TEXT - len) n = 0; /* cannot happen: the size covers any double */
  len += (size_t)n;
  out[len] = '\0';
  return len;
}

/* The RETURN STEPS signature: these five, consecutive, in this order. */
static const struct {
  const char *name, *type;
} g_steps_columns[] = {
    {"step", "INT"}, {"name", "STRING"}, {"objects", "INT"}, {"conversion", "FLOAT"}, {"step_conversion", "FLOAT"},
};
#define N_STEPS_COLUMNS (sizeof g_steps_columns / sizeof *g_steps_columns)

static bool is_string(const sky_jv *v, const char *s) {
  return v->type == SKY_JV_STRING && strcmp(v->str, s) == 0;
}

bool skysh_funnel_is_steps(const sky_reply *r, size_t *conv) {
  if (!r->columns || !r->types || r->columns->type != SKY_JV_ARRAY || r->types->type != SKY_JV_ARRAY ||
      r->types->n != r->columns->n)
    return false;
  size_t nc = r->columns->n;
  for (size_t at = 0; at + N_STEPS_COLUMNS <= nc; at++) {
    size_t k = 0;
    while (k < N_STEPS_COLUMNS && is_string(&r->columns->items[at + k], g_steps_columns[k].name) &&
           is_string(&r->types->items[at + k], g_steps_columns[k].type))
      k++;
    if (k == N_STEPS_COLUMNS) {
      *conv = at + 3;
      return true;
    }
  }
  return false;
}

/* A STRING value holding `text` (copied into the arena); false when out
 * of memory. */
static bool string_value(sky_arena *arena, const char *text, size_t len, sky_jv *v) {
  char *copy = sky_arena_strndup(arena, text, len);
  if (!copy) return false;
  memset(v, 0, sizeof *v);
  v->type = SKY_JV_STRING;
  v->str = copy;
  v->len = len;
  return true;
}

bool skysh_funnel_add_bars(const sky_reply *r, sky_arena *arena, const sky_jv **cols, const sky_jv **rows) {
  size_t conv;
  if (!skysh_funnel_is_steps(r, &conv)) return false;
  size_t nc = r->columns->n, nr = r->rows && r->rows->type == SKY_JV_ARRAY ? r->rows->n : 0;
  sky_jv *new_cols = sky_arena_calloc(arena, sizeof *new_cols);
  sky_jv *new_rows = sky_arena_calloc(arena, sizeof *new_rows);
  sky_jv *col_items = sky_arena_calloc(arena, sizeof *col_items * (nc + 1));
  sky_jv *row_items = sky_arena_calloc(arena, sizeof *row_items * (nr ? nr : 1));
  if (!new_cols || !new_rows || !col_items || !row_items) return false;
  memcpy(col_items, r->columns->items, sizeof *col_items * nc);
  if (!string_value(arena, SKYSH_BAR_HEADER, strlen(SKYSH_BAR_HEADER), &col_items[nc])) return false;
  *new_cols = (sky_jv){.type = SKY_JV_ARRAY, .n = nc + 1, .items = col_items};
  for (size_t i = 0; i < nr; i++) {
    const sky_jv *row = &r->rows->items[i];
    size_t have = row->type == SKY_JV_ARRAY ? (row->n < nc ? row->n : nc) : 0;
    sky_jv *cells = sky_arena_calloc(arena, sizeof *cells * (nc + 1)); /* zeroed: SKY_JV_NULL */
    if (!cells) return false;
    if (have) memcpy(cells, row->items, sizeof *cells * have);
    char bar[SKYSH_BAR_TEXT] = "";
    size_t len = have > conv && cells[conv].type == SKY_JV_NUMBER ? skysh_funnel_bar(cells[conv].d, bar) : 0;
    if (!string_value(arena, bar, len, &cells[nc])) return false;
    row_items[i] = (sky_jv){.type = SKY_JV_ARRAY, .n = nc + 1, .items = cells};
  }
  *new_rows = (sky_jv){.type = SKY_JV_ARRAY, .n = nr, .items = row_items};
  *cols = new_cols;
  *rows = new_rows;
  return true;
}
