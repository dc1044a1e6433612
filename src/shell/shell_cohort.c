/* shell_cohort.c — the retention triangle, the lifecycle chart and the
 * stickiness bars of sky-shell's table format; see shell_cohort.h.
 *
 * The triangle is a pivot of the reply, not a reading of its row order:
 * HAVING, ORDER BY and LIMIT may drop or reorder rows, so each row is
 * placed by its (keys, cohort) group, found in a hash table over the
 * values' text, and its period. Groups keep the order in which they first
 * appear, so an ORDER BY cohort DESC shows the newest cohort first. The
 * values themselves are shared with the reply; only the share becomes
 * text ("47.7%"), in a column type of the shell's own that the table
 * printer right-aligns.
 *
 * The chart is text (lines in a sky_buf) because it is not a table; its
 * bars are whole cells of four distinct shades, since eighth blocks cannot
 * be told apart once stacked. Signature matching, the added column and the
 * stickiness bar itself are shell_funnel.c's, so there is one definition of
 * each. Nothing here prints.
 */
#include "shell/shell_cohort.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/hash.h"
#include "shell/shell_funnel.h"

static const skysh_column_sig g_retention[] = {
    {"cohort", "STRING"}, {"period", "INT"}, {"cohort_size", "INT"}, {"objects", "INT"}, {"share", "FLOAT"},
};
#define N_RETENTION (sizeof g_retention / sizeof *g_retention)
/* Offsets from `cohort` of the columns the triangle reads. */
enum { AT_PERIOD = 1, AT_SIZE = 2, AT_SHARE = 4 };

static const skysh_column_sig g_lifecycle[] = {
    {"period", "STRING"}, {"new", "INT"}, {"returning", "INT"}, {"resurrecting", "INT"}, {"dormant", "INT"},
};
#define N_LIFECYCLE (sizeof g_lifecycle / sizeof *g_lifecycle)

static const skysh_column_sig g_stickiness[] = {{"periods", "INT"}, {"objects", "INT"}};
#define N_STICKINESS (sizeof g_stickiness / sizeof *g_stickiness)

static const sky_jv g_null = {.type = SKY_JV_NULL};
static const sky_jv g_empty = {.type = SKY_JV_STRING, .str = "", .len = 0};

static size_t n_rows(const sky_reply *r) {
  return r->rows && r->rows->type == SKY_JV_ARRAY ? r->rows->n : 0;
}

/* Cell c of a row; NULL past the end of a short row. */
static const sky_jv *cell_of(const sky_jv *row, size_t c) {
  return row->type == SKY_JV_ARRAY && c < row->n ? &row->items[c] : &g_null;
}

bool skysh_cohort_is_retention(const sky_reply *r, size_t *cohort) {
  size_t nc = r->columns && r->columns->type == SKY_JV_ARRAY ? r->columns->n : 0;
  return nc >= N_RETENTION && skysh_funnel_find_columns(r, g_retention, N_RETENTION, nc - N_RETENTION, cohort);
}

size_t skysh_cohort_share_text(double share, char out[SKYSH_COHORT_SHARE_TEXT]) {
  out[0] = '\0';
  if (!isfinite(share * 100.0)) return 0;
  int n = snprintf(out, SKYSH_COHORT_SHARE_TEXT, "%.1f%%", share * 100.0);
  if (n < 0 || n >= SKYSH_COHORT_SHARE_TEXT) n = 0; /* cannot happen: the size covers any double */
  out[n] = '\0';
  return (size_t)n;
}

/* --- The triangle. --- */

/* Rows grouped by their first `n_id` cells (the keys and the cohort). */
typedef struct pivot {
  const sky_jv *rows;
  size_t nr, n_id;
  size_t *group_of; /* per row */
  size_t *first;    /* per group: the row it first appears in */
  size_t n_groups;
  size_t *slots; /* open addressing: group indices, SIZE_MAX when free */
  size_t mask;
  size_t n_periods;
} pivot;

static uint64_t value_hash(uint64_t h, const sky_jv *v) {
  h = sky_hash_combine(h, (uint64_t)v->type);
  if (v->type == SKY_JV_BOOL) return sky_hash_combine(h, v->b);
  if (v->type == SKY_JV_NUMBER || v->type == SKY_JV_STRING) return sky_hash_combine(h, sky_hash_bytes(v->str, v->len));
  return h;
}

/* Numbers compare by their text: the server writes equal values alike. */
static bool value_equal(const sky_jv *a, const sky_jv *b) {
  if (a->type != b->type) return false;
  if (a->type == SKY_JV_BOOL) return a->b == b->b;
  if (a->type == SKY_JV_NUMBER || a->type == SKY_JV_STRING)
    return a->len == b->len && (a->len == 0 || memcmp(a->str, b->str, a->len) == 0);
  return true; /* NULL */
}

static bool same_group(const pivot *p, size_t row_a, size_t row_b) {
  for (size_t c = 0; c < p->n_id; c++)
    if (!value_equal(cell_of(&p->rows[row_a], c), cell_of(&p->rows[row_b], c))) return false;
  return true;
}

/* The group of row i, added when new. */
static size_t group_of_row(pivot *p, size_t i) {
  uint64_t h = 0;
  for (size_t c = 0; c < p->n_id; c++) h = value_hash(h, cell_of(&p->rows[i], c));
  size_t s = (size_t)h & p->mask;
  while (p->slots[s] != SIZE_MAX && !same_group(p, p->first[p->slots[s]], i)) s = (s + 1) & p->mask;
  if (p->slots[s] == SIZE_MAX) {
    p->slots[s] = p->n_groups;
    p->first[p->n_groups++] = i;
  }
  return p->slots[s];
}

/* Groups the rows and finds the number of periods; false for a row the
 * triangle cannot place, for too many cells, or out of memory. */
static bool group_rows(pivot *p, sky_arena *arena) {
  size_t cap = 16;
  while (cap < 2 * p->nr) cap *= 2;
  p->group_of = sky_arena_alloc(arena, sizeof *p->group_of * (p->nr ? p->nr : 1));
  p->first = sky_arena_alloc(arena, sizeof *p->first * (p->nr ? p->nr : 1));
  p->slots = sky_arena_alloc(arena, sizeof *p->slots * cap);
  if (!p->group_of || !p->first || !p->slots) return false;
  memset(p->slots, 0xff, sizeof *p->slots * cap); /* SIZE_MAX */
  p->mask = cap - 1;
  size_t limit = p->nr > SKYSH_COHORT_MAX_CELLS ? p->nr : SKYSH_COHORT_MAX_CELLS;
  for (size_t i = 0; i < p->nr; i++) {
    const sky_jv *period = cell_of(&p->rows[i], p->n_id - 1 + AT_PERIOD);
    if (period->type != SKY_JV_NUMBER || !period->is_int || period->i < 0 || (uint64_t)period->i >= limit) return false;
    for (size_t c = 0; c < p->n_id; c++) {
      sky_jv_type t = cell_of(&p->rows[i], c)->type;
      if (t == SKY_JV_ARRAY || t == SKY_JV_OBJECT) return false;
    }
    if ((size_t)period->i + 1 > p->n_periods) p->n_periods = (size_t)period->i + 1;
    p->group_of[i] = group_of_row(p, i);
  }
  return p->n_groups == 0 || p->n_periods <= limit / p->n_groups;
}

/* The triangle's columns and their types: the keys and `cohort` as in the
 * reply, `cohort_size`, then "0" .. "n-1". */
static bool pivot_columns(const sky_reply *r, const pivot *p, sky_arena *arena, sky_jv *cols, sky_jv *types) {
  size_t n = p->n_id + 1 + p->n_periods;
  sky_jv *names = sky_arena_calloc(arena, sizeof *names * n);
  sky_jv *kinds = sky_arena_calloc(arena, sizeof *kinds * n);
  if (!names || !kinds) return false;
  memcpy(names, r->columns->items, sizeof *names * p->n_id);
  memcpy(kinds, r->types->items, sizeof *kinds * p->n_id);
  names[p->n_id] = r->columns->items[p->n_id - 1 + AT_SIZE];
  kinds[p->n_id] = r->types->items[p->n_id - 1 + AT_SIZE];
  for (size_t k = 0; k < p->n_periods; k++) {
    char label[24];
    int len = snprintf(label, sizeof label, "%zu", k);
    sky_jv *name = &names[p->n_id + 1 + k], *type = &kinds[p->n_id + 1 + k];
    if (!skysh_funnel_string(arena, label, (size_t)len, name)) return false;
    if (!skysh_funnel_string(arena, SKYSH_COHORT_SHARE_TYPE, strlen(SKYSH_COHORT_SHARE_TYPE), type)) return false;
  }
  *cols = (sky_jv){.type = SKY_JV_ARRAY, .n = n, .items = names};
  *types = (sky_jv){.type = SKY_JV_ARRAY, .n = n, .items = kinds};
  return true;
}

/* One row per group: its identity and cohort_size from its first row,
 * every period empty until a row of the reply fills it. */
static bool pivot_rows(const pivot *p, sky_arena *arena, sky_jv *rows) {
  size_t n = p->n_id + 1 + p->n_periods;
  sky_jv *items = sky_arena_calloc(arena, sizeof *items * (p->n_groups ? p->n_groups : 1));
  if (!items) return false;
  for (size_t g = 0; g < p->n_groups; g++) {
    sky_jv *cells = sky_arena_alloc(arena, sizeof *cells * n);
    if (!cells) return false;
    const sky_jv *first = &p->rows[p->first[g]];
    for (size_t c = 0; c < p->n_id; c++) cells[c] = *cell_of(first, c);
    cells[p->n_id] = *cell_of(first, p->n_id - 1 + AT_SIZE);
    for (size_t k = 0; k < p->n_periods; k++) cells[p->n_id + 1 + k] = g_empty;
    items[g] = (sky_jv){.type = SKY_JV_ARRAY, .n = n, .items = cells};
  }
  for (size_t i = 0; i < p->nr; i++) {
    const sky_jv *row = &p->rows[i], *share = cell_of(row, p->n_id - 1 + AT_SHARE);
    sky_jv *cell = &items[p->group_of[i]].items[p->n_id + 1 + (size_t)cell_of(row, p->n_id - 1 + AT_PERIOD)->i];
    if (share->type != SKY_JV_NUMBER) {
      *cell = g_null;
      continue;
    }
    char text[SKYSH_COHORT_SHARE_TEXT];
    size_t len = skysh_cohort_share_text(share->d, text);
    if (!skysh_funnel_string(arena, text, len, cell)) return false;
  }
  *rows = (sky_jv){.type = SKY_JV_ARRAY, .n = p->n_groups, .items = items};
  return true;
}

bool skysh_cohort_pivot(const sky_reply *r, sky_arena *arena, const sky_jv **cols, const sky_jv **types,
                        const sky_jv **rows) {
  size_t cohort;
  if (!skysh_cohort_is_retention(r, &cohort)) return false;
  pivot p = {.rows = r->rows && r->rows->type == SKY_JV_ARRAY ? r->rows->items : NULL, .nr = n_rows(r),
             .n_id = cohort + 1};
  sky_jv *new_cols = sky_arena_calloc(arena, sizeof *new_cols);
  sky_jv *new_types = sky_arena_calloc(arena, sizeof *new_types);
  sky_jv *new_rows = sky_arena_calloc(arena, sizeof *new_rows);
  if (!new_cols || !new_types || !new_rows || !group_rows(&p, arena) ||
      !pivot_columns(r, &p, arena, new_cols, new_types) || !pivot_rows(&p, arena, new_rows))
    return false;
  *cols = new_cols;
  *types = new_types;
  *rows = new_rows;
  return true;
}

/* --- The lifecycle chart. --- */

bool skysh_cohort_is_lifecycle(const sky_reply *r, size_t *period) {
  return skysh_funnel_find_columns(r, g_lifecycle, N_LIFECYCLE, 0, period);
}

/* The shades, in the order of the counts after `period`: new, returning,
 * resurrecting (stacked rightwards), dormant (leftwards). */
enum { N_COUNTS = 4, DORMANT = 3 };
static const char *const g_shade[N_COUNTS] = {"\u2588", "\u2593", "\u2592", "\u2591"};
#define AXIS "\u2502"

/* A count as drawn: NULL, negative or not finite is 0. */
static double count_at(const sky_jv *row, size_t c) {
  const sky_jv *v = cell_of(row, c);
  return v->type == SKY_JV_NUMBER && isfinite(v->d) && v->d > 0 ? v->d : 0;
}

/* The cells of one bar ending at `end` (in cells, before rounding) and
 * starting at the rounded `*from`; at least one for a count above 0. */
static size_t bar_cells(double count, double end, long *from) {
  long to = lround(end), n = to - *from;
  *from = to;
  return count > 0 && n < 1 ? 1 : (size_t)n;
}

/* The cells of each bar of `row` at `scale` cells per object. */
static void row_cells(const sky_jv *row, size_t at, double scale, size_t cells[N_COUNTS]) {
  double sum = 0;
  long from = 0;
  for (int k = 0; k < DORMANT; k++) {
    double count = count_at(row, at + 1 + (size_t)k);
    sum += count;
    cells[k] = bar_cells(count, sum * scale, &from);
  }
  double dormant = count_at(row, at + 1 + DORMANT);
  from = 0;
  cells[DORMANT] = bar_cells(dormant, dormant * scale, &from);
}

static void put_run(sky_buf *b, const char *glyph, size_t n) {
  if (!n || !sky_buf_reserve(b, n * strlen(glyph))) return;
  b->len += skysh_funnel_repeat(b->data + b->len, glyph, n);
  b->data[b->len] = '\0';
}

/* A row's label: the period as text, control characters as '?' (one
 * cell each either way), padded to `width` cells. */
static void put_label(sky_buf *b, const sky_jv *v, size_t width) {
  const char *s = v->type == SKY_JV_STRING || v->type == SKY_JV_NUMBER ? v->str
                  : v->type == SKY_JV_BOOL                             ? (v->b ? "true" : "false")
                                                                       : "NULL";
  size_t len = v->type == SKY_JV_STRING || v->type == SKY_JV_NUMBER ? v->len : strlen(s);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    sky_buf_putc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
  }
  size_t w = skysh_funnel_cells(s, len);
  put_run(b, " ", width > w ? width - w : 0);
}

static size_t label_cells(const sky_jv *v) {
  if (v->type == SKY_JV_STRING || v->type == SKY_JV_NUMBER) return skysh_funnel_cells(v->str, v->len);
  return v->type == SKY_JV_BOOL ? (v->b ? 4 : 5) : 4;
}

static void put_legend(sky_buf *b, double total, size_t usable) {
  sky_buf_printf(b, " %s dormant " AXIS " %s new  %s returning  %s resurrecting", g_shade[DORMANT], g_shade[0],
                 g_shade[1], g_shade[2]);
  double per_cell = total / (double)usable;
  if (total <= 0) sky_buf_puts(b, "  (no objects)\n");
  else if (per_cell >= 100 && per_cell < 1e15) sky_buf_printf(b, "  (objects per cell: %.0f)\n", per_cell);
  else sky_buf_printf(b, "  (objects per cell: %.3g)\n", per_cell);
}

bool skysh_cohort_lifecycle_chart(const sky_reply *r, size_t cells, sky_buf *out) {
  size_t at, nr = n_rows(r);
  if (!skysh_cohort_is_lifecycle(r, &at) || nr == 0) return false;
  const sky_jv *rows = r->rows->items;
  double max_stack = 0, max_dormant = 0;
  size_t label_width = 0;
  for (size_t i = 0; i < nr; i++) {
    double stack = 0;
    for (int k = 0; k < DORMANT; k++) stack += count_at(&rows[i], at + 1 + (size_t)k);
    double dormant = count_at(&rows[i], at + 1 + DORMANT);
    if (stack > max_stack) max_stack = stack;
    if (dormant > max_dormant) max_dormant = dormant;
    size_t w = label_cells(cell_of(&rows[i], at));
    if (w > label_width) label_width = w;
  }
  /* Rounding adds at most half a cell to each side and a sliver may add
   * one to each of the four bars: 4 cells of slack keep a line in `cells`. */
  size_t usable = cells > 4 ? cells - 4 : 1;
  double total = max_stack + max_dormant, scale = total > 0 ? (double)usable / total : 0;
  size_t left = 0, bars[N_COUNTS];
  for (size_t i = 0; i < nr; i++) {
    row_cells(&rows[i], at, scale, bars);
    if (bars[DORMANT] > left) left = bars[DORMANT];
  }
  for (size_t i = 0; i < nr; i++) {
    row_cells(&rows[i], at, scale, bars);
    sky_buf_putc(out, ' ');
    put_label(out, cell_of(&rows[i], at), label_width);
    put_run(out, " ", 2 + left - bars[DORMANT]);
    put_run(out, g_shade[DORMANT], bars[DORMANT]);
    sky_buf_puts(out, AXIS);
    for (int k = 0; k < DORMANT; k++) put_run(out, g_shade[k], bars[k]);
    sky_buf_putc(out, '\n');
  }
  put_legend(out, total, usable);
  return true;
}

/* --- The stickiness bars. --- */

bool skysh_cohort_is_stickiness(const sky_reply *r, size_t *objects) {
  size_t at;
  if (!skysh_funnel_find_columns(r, g_stickiness, N_STICKINESS, 0, &at)) return false;
  *objects = at + 1;
  return true;
}

typedef struct share_of {
  size_t col;
  double total;
} share_of;

static size_t objects_bar(const sky_jv *cells, void *ctx, char out[SKYSH_BAR_TEXT]) {
  const share_of *s = ctx;
  const sky_jv *v = &cells[s->col];
  return v->type == SKY_JV_NUMBER && s->total > 0 ? skysh_funnel_bar(v->d / s->total, out) : 0;
}

bool skysh_cohort_add_stickiness_bars(const sky_reply *r, sky_arena *arena, const sky_jv **cols, const sky_jv **rows) {
  share_of s = {0, 0};
  if (!skysh_cohort_is_stickiness(r, &s.col)) return false;
  for (size_t i = 0; i < n_rows(r); i++) s.total += count_at(&r->rows->items[i], s.col);
  return skysh_funnel_add_column(r, SKYSH_STICKINESS_HEADER, objects_bar, &s, arena, cols, rows);
}
