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
 * The generic half of that (signature matching, the added column) is
 * exported for shell_cohort.c, so both views are built the same way.
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

size_t skysh_funnel_repeat(char *out, const char *glyph, size_t n) {
  size_t g = strlen(glyph);
  for (size_t i = 0; i < n; i++) memcpy(out + i * g, glyph, g);
  return n * g;
}

size_t skysh_funnel_cells(const char *s, size_t len) {
  size_t w = 0;
  for (size_t i = 0; i < len; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) w++;
  return w;
}

size_t skysh_funnel_bar(double conversion, char out[SKYSH_BAR_TEXT]) {
  out[0] = '\0';
  if (!isfinite(conversion)) return 0;
  const long total = 8L * SKYSH_BAR_CELLS;
  double clamped = conversion < 0 ? 0 : conversion > 1 ? 1 : conversion;
  long eighths = lround(clamped * (double)total);
  if (clamped > 0 && eighths == 0) eighths = 1;          /* a sliver: not 0% */
  if (clamped < 1 && eighths == total) eighths = total - 1; /* not quite full */
  size_t len = skysh_funnel_repeat(out, FULL_BLOCK, (size_t)(eighths / 8)), cells = (size_t)(eighths / 8);
  if (eighths % 8) {
    len += skysh_funnel_repeat(out + len, g_eighths[eighths % 8], 1);
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
static const skysh_column_sig g_steps_columns[] = {
    {"step", "INT"}, {"name", "STRING"}, {"objects", "INT"}, {"conversion", "FLOAT"}, {"step_conversion", "FLOAT"},
};
#define N_STEPS_COLUMNS (sizeof g_steps_columns / sizeof *g_steps_columns)

static bool is_string(const sky_jv *v, const char *s) {
  return v->type == SKY_JV_STRING && strcmp(v->str, s) == 0;
}

bool skysh_funnel_find_columns(const sky_reply *r, const skysh_column_sig *sig, size_t n, size_t from, size_t *at) {
  if (!r->columns || !r->types || r->columns->type != SKY_JV_ARRAY || r->types->type != SKY_JV_ARRAY ||
      r->types->n != r->columns->n)
    return false;
  size_t nc = r->columns->n;
  for (size_t pos = from; pos + n <= nc; pos++) {
    size_t k = 0;
    while (k < n && is_string(&r->columns->items[pos + k], sig[k].name) &&
           is_string(&r->types->items[pos + k], sig[k].type))
      k++;
    if (k == n) {
      *at = pos;
      return true;
    }
  }
  return false;
}

bool skysh_funnel_is_steps(const sky_reply *r, size_t *conv) {
  size_t at;
  if (!skysh_funnel_find_columns(r, g_steps_columns, N_STEPS_COLUMNS, 0, &at)) return false;
  *conv = at + 3;
  return true;
}

bool skysh_funnel_string(sky_arena *arena, const char *text, size_t len, sky_jv *v) {
  char *copy = sky_arena_strndup(arena, text, len);
  if (!copy) return false;
  memset(v, 0, sizeof *v);
  v->type = SKY_JV_STRING;
  v->str = copy;
  v->len = len;
  return true;
}

bool skysh_funnel_add_column(const sky_reply *r, const char *header, skysh_cell_text cell, void *ctx, sky_arena *arena,
                             const sky_jv **cols, const sky_jv **rows) {
  if (!r->columns || r->columns->type != SKY_JV_ARRAY) return false;
  size_t nc = r->columns->n, nr = r->rows && r->rows->type == SKY_JV_ARRAY ? r->rows->n : 0;
  sky_jv *new_cols = sky_arena_calloc(arena, sizeof *new_cols);
  sky_jv *new_rows = sky_arena_calloc(arena, sizeof *new_rows);
  sky_jv *col_items = sky_arena_calloc(arena, sizeof *col_items * (nc + 1));
  sky_jv *row_items = sky_arena_calloc(arena, sizeof *row_items * (nr ? nr : 1));
  if (!new_cols || !new_rows || !col_items || !row_items) return false;
  if (nc) memcpy(col_items, r->columns->items, sizeof *col_items * nc);
  if (!skysh_funnel_string(arena, header, strlen(header), &col_items[nc])) return false;
  *new_cols = (sky_jv){.type = SKY_JV_ARRAY, .n = nc + 1, .items = col_items};
  for (size_t i = 0; i < nr; i++) {
    const sky_jv *row = &r->rows->items[i];
    size_t have = row->type == SKY_JV_ARRAY ? (row->n < nc ? row->n : nc) : 0;
    sky_jv *cells = sky_arena_calloc(arena, sizeof *cells * (nc + 1)); /* zeroed: SKY_JV_NULL */
    if (!cells) return false;
    if (have) memcpy(cells, row->items, sizeof *cells * have);
    char text[SKYSH_BAR_TEXT] = "";
    size_t len = cell(cells, ctx, text);
    if (!skysh_funnel_string(arena, text, len, &cells[nc])) return false;
    row_items[i] = (sky_jv){.type = SKY_JV_ARRAY, .n = nc + 1, .items = cells};
  }
  *new_rows = (sky_jv){.type = SKY_JV_ARRAY, .n = nr, .items = row_items};
  *cols = new_cols;
  *rows = new_rows;
  return true;
}

/* The bar of a row's conversion; `ctx` points at the column's index. */
static size_t conversion_bar(const sky_jv *cells, void *ctx, char out[SKYSH_BAR_TEXT]) {
  const sky_jv *v = &cells[*(const size_t *)ctx];
  return v->type == SKY_JV_NUMBER ? skysh_funnel_bar(v->d, out) : 0;
}

bool skysh_funnel_add_bars(const sky_reply *r, sky_arena *arena, const sky_jv **cols, const sky_jv **rows) {
  size_t conv;
  return skysh_funnel_is_steps(r, &conv) &&
         skysh_funnel_add_column(r, SKYSH_BAR_HEADER, conversion_bar, &conv, arena, cols, rows);
}
