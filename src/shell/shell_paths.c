/* shell_paths.c — the edge view of a PATHS result in sky-shell's table
 * format; see shell_paths.h. This file owns the rule that recognizes a
 * PATHS result from the reply (column names and types) and the text of an
 * edge cell; shell_print.c calls skysh_paths_edges() before laying out a
 * table and prints the narrowed result like any other.
 */
#include "shell/shell_paths.h"

#include <string.h>

#include "common/buf.h"
#include "shell/shell_funnel.h"

enum { COL_STEP, COL_SOURCE, COL_TARGET, COL_COUNT, COL_OBJECTS, COL_AVG, N_COLS };

static bool is_string(const sky_jv *v, const char *s) { return v->type == SKY_JV_STRING && strcmp(v->str, s) == 0; }

bool skysh_paths_is_edges(const sky_reply *r) {
  static const char *const names[N_COLS] = {"step", "source", "target", "count", "objects", "avg_time"};
  static const char *const types[N_COLS] = {"INT", NULL, NULL, "INT", "INT", "DURATION"};
  if (!r->columns || !r->types || r->columns->type != SKY_JV_ARRAY || r->types->type != SKY_JV_ARRAY ||
      r->columns->n != N_COLS || r->types->n != N_COLS)
    return false;
  for (size_t i = 0; i < N_COLS; i++)
    if (!is_string(&r->columns->items[i], names[i]) || (types[i] && !is_string(&r->types->items[i], types[i])))
      return false;
  /* TIMESTAMP and DURATION ends keep their columns, which the printer formats */
  const sky_jv *src = &r->types->items[COL_SOURCE];
  return (is_string(src, "STRING") || is_string(src, "INT") || is_string(src, "FLOAT") || is_string(src, "BOOL")) &&
         is_string(&r->types->items[COL_TARGET], src->str);
}

/* One end of an edge as text. */
static void put_end(sky_buf *b, const sky_jv *v) {
  switch (v->type) {
  case SKY_JV_STRING:
  case SKY_JV_NUMBER: sky_buf_append(b, v->str, v->len); break;
  case SKY_JV_BOOL: sky_buf_puts(b, v->b ? "true" : "false"); break;
  case SKY_JV_NULL: sky_buf_puts(b, "NULL"); break;
  default: sky_buf_puts(b, "?"); break;
  }
}

/* Copies of the items of `a` (N_COLS of them, NULL past a short row)
 * without the target, the source replaced by `joined`. */
static sky_jv *narrow(sky_arena *arena, const sky_jv *a, const sky_jv *joined) {
  sky_jv *items = sky_arena_calloc(arena, sizeof *items * (N_COLS - 1));
  if (!items) return NULL;
  size_t have = a->type == SKY_JV_ARRAY ? a->n : 0;
  for (size_t i = 0, o = 0; i < N_COLS; i++) {
    if (i == COL_TARGET) continue;
    if (i == COL_SOURCE) items[o] = *joined;
    else if (i < have) items[o] = a->items[i];
    o++;
  }
  return items;
}

bool skysh_paths_edges(const sky_reply *r, sky_arena *arena, const sky_jv **cols, const sky_jv **types,
                       const sky_jv **rows) {
  if (!skysh_paths_is_edges(r)) return false;
  size_t nr = r->rows && r->rows->type == SKY_JV_ARRAY ? r->rows->n : 0;
  sky_jv header, string_type;
  if (!skysh_funnel_string(arena, SKYSH_PATHS_HEADER, strlen(SKYSH_PATHS_HEADER), &header) ||
      !skysh_funnel_string(arena, "STRING", 6, &string_type))
    return false;
  sky_jv *new_cols = sky_arena_calloc(arena, sizeof *new_cols), *new_types = sky_arena_calloc(arena, sizeof *new_types);
  sky_jv *new_rows = sky_arena_calloc(arena, sizeof *new_rows);
  sky_jv *row_items = sky_arena_calloc(arena, sizeof *row_items * (nr ? nr : 1));
  sky_jv *col_items = narrow(arena, r->columns, &header), *type_items = narrow(arena, r->types, &string_type);
  if (!new_cols || !new_types || !new_rows || !row_items || !col_items || !type_items) return false;
  sky_buf text;
  sky_buf_init(&text);
  bool ok = true;
  for (size_t i = 0; ok && i < nr; i++) {
    const sky_jv *row = &r->rows->items[i];
    size_t have = row->type == SKY_JV_ARRAY ? row->n : 0;
    static const sky_jv null_value = {.type = SKY_JV_NULL};
    sky_buf_reset(&text);
    put_end(&text, have > COL_SOURCE ? &row->items[COL_SOURCE] : &null_value);
    sky_buf_puts(&text, SKYSH_PATHS_ARROW);
    put_end(&text, have > COL_TARGET ? &row->items[COL_TARGET] : &null_value);
    sky_jv joined;
    sky_jv *items;
    ok = !text.failed && skysh_funnel_string(arena, text.data, text.len, &joined) &&
         (items = narrow(arena, row, &joined)) != NULL;
    if (ok) row_items[i] = (sky_jv){.type = SKY_JV_ARRAY, .n = N_COLS - 1, .items = items};
  }
  sky_buf_free(&text);
  if (!ok) return false;
  *new_cols = (sky_jv){.type = SKY_JV_ARRAY, .n = N_COLS - 1, .items = col_items};
  *new_types = (sky_jv){.type = SKY_JV_ARRAY, .n = N_COLS - 1, .items = type_items};
  *new_rows = (sky_jv){.type = SKY_JV_ARRAY, .n = nr, .items = row_items};
  *cols = new_cols, *types = new_types, *rows = new_rows;
  return true;
}
