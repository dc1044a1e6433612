/* shell_print.c — result and error output of sky-shell; see shell_print.h.
 *
 * Table layout follows psql: a header centered over each column, a rule,
 * numbers right-aligned, text left-aligned, NULL shown as "NULL" and
 * control characters escaped so a value never breaks the grid, then
 * "(N rows)". CSV follows RFC 4180 and the loader's NULL convention (NULL
 * is an empty field, the empty string is ""), so a CSV result loads back
 * unchanged. JSON prints one object per row, keyed by column name, after
 * a first line naming the columns and their types.
 *
 * TIMESTAMP and DURATION columns (the reply's "types") print through
 * shell_time.h in the table and CSV formats, left-aligned like text (as
 * psql aligns its timestamps and intervals); JSON and `raw_times` keep the
 * integers.
 *
 * A FUNNEL ... RETURN STEPS result gets one more column in the table
 * format, a bar of each step's conversion (shell_funnel.c), and a
 * STICKINESS result a bar of each row's share of the objects, unless
 * `\set bars off`; a LIFECYCLE table is followed by its chart under the
 * same switch. With `\pivot on` a RETENTION result prints as its cohort
 * triangle (shell_cohort.c). CSV and JSON print the reply as it is.
 *
 * Results stream (skysh_printer): CSV and JSON print each row as it
 * arrives and keep none. The table format must know its column widths
 * before its first line, and the views need every row, so it holds rows
 * (copies) up to SKYSH_TABLE_HOLD_ROWS / _BYTES; a result that fits is
 * printed whole as before, a larger one as a plain table whose widths come
 * from the rows held (shell_print.h). Nothing here keeps a whole result.
 */
#include "shell/shell_print.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/json.h"
#include "shell/shell_cohort.h"
#include "shell/shell_funnel.h"
#include "shell/shell_interrupt.h"
#include "shell/shell_paths.h"
#include "shell/shell_time.h"

int skysh_format_parse(const char *name) {
  if (strcmp(name, "table") == 0 || strcmp(name, "aligned") == 0) return SKYSH_FORMAT_TABLE;
  if (strcmp(name, "csv") == 0) return SKYSH_FORMAT_CSV;
  if (strcmp(name, "json") == 0) return SKYSH_FORMAT_JSON;
  return -1;
}

const char *skysh_format_name(skysh_format f) {
  return f == SKYSH_FORMAT_CSV ? "csv" : f == SKYSH_FORMAT_JSON ? "json" : "table";
}

/* Writes a value back as compact JSON (numbers as received). */
static void jv_write(sky_buf *b, const sky_jv *v) {
  switch (v->type) {
  case SKY_JV_NULL: sky_buf_puts(b, "null"); break;
  case SKY_JV_BOOL: sky_buf_puts(b, v->b ? "true" : "false"); break;
  case SKY_JV_NUMBER: sky_buf_append(b, v->str, v->len); break;
  case SKY_JV_STRING: sky_json_string(b, v->str, v->len); break;
  case SKY_JV_ARRAY:
  case SKY_JV_OBJECT:
    sky_buf_putc(b, v->type == SKY_JV_ARRAY ? '[' : '{');
    for (size_t i = 0; i < v->n; i++) {
      if (i) sky_buf_putc(b, ',');
      if (v->type == SKY_JV_OBJECT) {
        sky_json_string(b, v->keys[i], v->key_lens[i]);
        sky_buf_putc(b, ':');
      }
      jv_write(b, &v->items[i]);
    }
    sky_buf_putc(b, v->type == SKY_JV_ARRAY ? ']' : '}');
    break;
  }
}

/* How a column prints, from its "types": readable times, or text that
 * is right-aligned like a number (the retention triangle's shares). */
typedef enum col_kind { COL_PLAIN, COL_TIMESTAMP, COL_DURATION, COL_RIGHT } col_kind;

/* The kinds of the `nc` columns shown, from `types` (may be NULL or
 * shorter: a column the shell adds, such as the funnel bars, is plain;
 * with `raw` the time columns are too). The caller frees the array; NULL
 * when out of memory. */
static col_kind *column_kinds(const sky_jv *types, size_t nc, bool raw) {
  col_kind *k = sky_calloc(nc ? nc : 1, sizeof *k);
  for (size_t c = 0; k && types && c < nc && c < types->n; c++) {
    const sky_jv *t = &types->items[c];
    if (t->type != SKY_JV_STRING) continue;
    if (strcmp(t->str, SKYSH_COHORT_SHARE_TYPE) == 0) k[c] = COL_RIGHT;
    else if (raw) continue;
    else if (strcmp(t->str, "TIMESTAMP") == 0) k[c] = COL_TIMESTAMP;
    else if (strcmp(t->str, "DURATION") == 0) k[c] = COL_DURATION;
  }
  return k;
}

/* The readable text of a number in a time column, or 0 when the cell
 * prints as the server sent it (NULL, a plain column, a float that is not
 * a finite µs count). */
static size_t time_text(const sky_jv *v, col_kind kind, char out[SKYSH_TIME_TEXT]) {
  if ((kind != COL_TIMESTAMP && kind != COL_DURATION) || v->type != SKY_JV_NUMBER) return 0;
  int64_t us;
  if (v->is_int) us = v->i;
  else if (v->is_uint || !skysh_time_from_double(v->d, &us)) return 0;
  return kind == COL_TIMESTAMP ? skysh_format_timestamp(us, out) : skysh_format_duration(us, out);
}

/* Text of a cell for the table layout. */
static void table_text(sky_buf *b, const sky_jv *v, col_kind kind) {
  char t[SKYSH_TIME_TEXT];
  size_t tn = time_text(v, kind, t);
  if (tn) {
    sky_buf_append(b, t, tn);
    return;
  }
  static const char hex[] = "0123456789abcdef";
  if (v->type == SKY_JV_NULL) {
    sky_buf_puts(b, "NULL");
  } else if (v->type == SKY_JV_STRING) {
    for (size_t i = 0; i < v->len; i++) {
      unsigned char c = (unsigned char)v->str[i];
      if (c == '\n') sky_buf_puts(b, "\\n");
      else if (c == '\t') sky_buf_puts(b, "\\t");
      else if (c == '\r') sky_buf_puts(b, "\\r");
      else if (c < 0x20 || c == 0x7f) {
        char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
        sky_buf_append(b, esc, 4);
      } else sky_buf_putc(b, (char)c);
    }
  } else {
    jv_write(b, v);
  }
}

/* Display width: code points (continuation bytes do not count). */
static size_t width_of(const char *s, size_t len) { return skysh_funnel_cells(s, len); }

static void pad(FILE *out, size_t n) {
  for (size_t i = 0; i < n; i++) fputc(' ', out);
}

static void rule(FILE *out, size_t n) {
  for (size_t i = 0; i < n; i++) fputc('-', out);
}

static const sky_jv *cell_of(const sky_jv *row, size_t c) {
  static const sky_jv null_value = {.type = SKY_JV_NULL};
  return row->type == SKY_JV_ARRAY && c < row->n ? &row->items[c] : &null_value;
}

/* The widths of a table's `nc` columns and how each prints. */
typedef struct table_layout {
  size_t nc;
  size_t *width;
  const col_kind *kinds;
  sky_buf text; /* scratch: one cell's text */
} table_layout;

/* Widths start at the names'. False when out of memory. */
static bool layout_init(table_layout *t, const sky_jv *cols, const col_kind *kinds) {
  t->nc = cols->n;
  t->kinds = kinds;
  sky_buf_init(&t->text);
  t->width = sky_calloc(t->nc ? t->nc : 1, sizeof *t->width);
  for (size_t c = 0; t->width && c < t->nc; c++)
    t->width[c] = width_of(cols->items[c].str ? cols->items[c].str : "", cols->items[c].len);
  return t->width != NULL;
}

static void layout_reset(table_layout *t) {
  sky_free(t->width);
  sky_buf_free(&t->text);
  t->width = NULL;
}

/* The text of cell c of `row` in t->text; returns its display width. */
static size_t layout_cell(table_layout *t, const sky_jv *row, size_t c) {
  sky_buf_reset(&t->text);
  table_text(&t->text, cell_of(row, c), t->kinds[c]);
  return width_of(t->text.data ? t->text.data : "", t->text.len);
}

static void layout_widen(table_layout *t, const sky_jv *row) {
  for (size_t c = 0; c < t->nc; c++) {
    size_t w = layout_cell(t, row, c);
    if (w > t->width[c]) t->width[c] = w;
  }
}

/* The header (names centered) and the rule under it. */
static void print_header(FILE *out, const table_layout *t, const sky_jv *cols) {
  for (size_t c = 0; c < t->nc; c++) {
    const char *name = cols->items[c].type == SKY_JV_STRING ? cols->items[c].str : "?";
    size_t w = width_of(name, strlen(name)), left = (t->width[c] - w) / 2;
    fputs(c ? "| " : " ", out);
    pad(out, left);
    fputs(name, out);
    if (c + 1 < t->nc) pad(out, t->width[c] - w - left + 1);
  }
  fputc('\n', out);
  for (size_t c = 0; c < t->nc; c++) {
    if (c) fputc('+', out);
    rule(out, t->width[c] + 2);
  }
  fputc('\n', out);
}

/* One row at the layout's widths; a wider cell pushes the rest right. */
static void print_row(FILE *out, table_layout *t, const sky_jv *row) {
  for (size_t c = 0; c < t->nc; c++) {
    size_t w = layout_cell(t, row, c), room = t->width[c] > w ? t->width[c] - w : 0;
    const sky_buf *b = &t->text;
    bool right = t->kinds[c] == COL_RIGHT || (cell_of(row, c)->type == SKY_JV_NUMBER && t->kinds[c] == COL_PLAIN);
    fputs(c ? "| " : " ", out);
    if (right && (b->len || c + 1 < t->nc)) pad(out, room); /* an empty last cell: no trailing blanks */
    fwrite(b->data ? b->data : "", 1, b->len, out);
    if (!right && c + 1 < t->nc) pad(out, room);
    if (c + 1 < t->nc) fputc(' ', out);
  }
  fputc('\n', out);
}

static void print_footer(FILE *out, size_t nr) { fprintf(out, "(%zu row%s)\n", nr, nr == 1 ? "" : "s"); }

static void print_table(FILE *out, const sky_jv *cols, const sky_jv *rows, const col_kind *kinds) {
  size_t nr = rows ? rows->n : 0;
  table_layout t;
  if (!layout_init(&t, cols, kinds)) {
    fputs("out of memory\n", out);
    layout_reset(&t);
    return;
  }
  for (size_t r = 0; r < nr; r++) layout_widen(&t, &rows->items[r]);
  print_header(out, &t, cols);
  for (size_t r = 0; r < nr; r++) print_row(out, &t, &rows->items[r]);
  print_footer(out, nr);
  layout_reset(&t);
}

static void csv_field(FILE *out, const sky_jv *v, col_kind kind) {
  if (v->type == SKY_JV_NULL) return;
  char t[SKYSH_TIME_TEXT];
  size_t tn = time_text(v, kind, t);
  if (tn) { /* digits, '-', ':', '.', 'd' and inner spaces: never quoted */
    fwrite(t, 1, tn, out);
    return;
  }
  if (v->type != SKY_JV_STRING) {
    sky_buf b;
    sky_buf_init(&b);
    jv_write(&b, v);
    bool quote = v->type != SKY_JV_NUMBER && v->type != SKY_JV_BOOL;
    if (quote) fputc('"', out);
    for (size_t i = 0; i < b.len; i++) {
      if (b.data[i] == '"') fputc('"', out);
      fputc(b.data[i], out);
    }
    if (quote) fputc('"', out);
    sky_buf_free(&b);
    return;
  }
  bool quote = v->len == 0 || strpbrk(v->str, ",\"\n\r") != NULL || v->str[0] == ' ' || v->str[v->len - 1] == ' ';
  if (!quote) {
    fwrite(v->str, 1, v->len, out);
    return;
  }
  fputc('"', out);
  for (size_t i = 0; i < v->len; i++) {
    if (v->str[i] == '"') fputc('"', out);
    fputc(v->str[i], out);
  }
  fputc('"', out);
}

static void csv_header(FILE *out, const sky_jv *cols) {
  for (size_t c = 0; c < cols->n; c++) {
    if (c) fputc(',', out);
    csv_field(out, &cols->items[c], COL_PLAIN);
  }
  fputc('\n', out);
}

static void csv_row(FILE *out, size_t nc, const sky_jv *row, const col_kind *kinds) {
  for (size_t c = 0; c < nc; c++) {
    if (c) fputc(',', out);
    csv_field(out, cell_of(row, c), kinds[c]);
  }
  fputc('\n', out);
}

/* The first line of the JSON format: what each key holds (only when the
 * reply says the types). */
static void json_header(FILE *out, sky_buf *b, const sky_jv *cols, const sky_jv *types) {
  if (!types) return;
  sky_buf_reset(b);
  sky_buf_puts(b, "{\"columns\":");
  jv_write(b, cols);
  sky_buf_puts(b, ",\"types\":");
  jv_write(b, types);
  sky_buf_puts(b, "}\n");
  fwrite(b->data, 1, b->len, out);
}

static void json_row(FILE *out, sky_buf *b, const sky_jv *cols, const sky_jv *row) {
  sky_buf_reset(b);
  sky_buf_putc(b, '{');
  for (size_t c = 0; c < cols->n; c++) {
    if (c) sky_buf_putc(b, ',');
    const sky_jv *name = &cols->items[c];
    if (name->type == SKY_JV_STRING) sky_json_string(b, name->str, name->len);
    else sky_buf_puts(b, "\"?\"");
    sky_buf_putc(b, ':');
    jv_write(b, cell_of(row, c));
  }
  sky_buf_puts(b, "}\n");
  fwrite(b->data, 1, b->len, out);
}

static void print_load_warnings(FILE *warn, const sky_jv *errors) {
  for (size_t i = 0; errors && i < errors->n; i++) {
    const sky_jv *e = &errors->items[i];
    const sky_jv *line = sky_jv_get(e, "line"), *field = sky_jv_get(e, "field");
    const sky_jv *code = sky_jv_get(e, "code"), *msg = sky_jv_get(e, "message");
    fprintf(warn, "WARNING: line %s", line && line->type == SKY_JV_NUMBER ? line->str : "?");
    if (field && field->type == SKY_JV_STRING) fprintf(warn, ", field %s", field->str);
    fprintf(warn, ": %s: %s\n", code && code->type == SKY_JV_STRING ? code->str : "error",
            msg && msg->type == SKY_JV_STRING ? msg->str : "");
  }
}

static void print_message(FILE *out, const sky_reply *r, skysh_format fmt) {
  if (fmt == SKYSH_FORMAT_JSON) {
    sky_buf b;
    sky_buf_init(&b);
    sky_buf_puts(&b, "{\"message\":");
    sky_json_string(&b, r->message, strlen(r->message));
    if (r->has_rows_affected) sky_buf_printf(&b, ",\"rows_affected\":%lld", (long long)r->rows_affected);
    sky_buf_puts(&b, "}\n");
    fwrite(b.data, 1, b.len, out);
    sky_buf_free(&b);
  } else if (r->message[0]) {
    fprintf(out, "%s\n", r->message);
  } else if (r->has_rows_affected) {
    fprintf(out, "%lld rows affected\n", (long long)r->rows_affected);
  } else {
    fputs("OK\n", out);
  }
}

/* The table format: the result, pivoted into a retention triangle
 * (`\pivot on`) or with the bars of a FUNNEL or STICKINESS result (unless
 * `\set bars off`), then a LIFECYCLE result's chart (under the same
 * switch). Out of memory for a view: the plain table. */
static void print_table_view(FILE *out, const sky_reply *r, const skysh_output *o) {
  const sky_jv *cols = r->columns, *types = r->types, *rows = r->rows;
  sky_arena arena;
  sky_arena_init(&arena);
  bool pivoted = o->pivot && skysh_cohort_pivot(r, &arena, &cols, &types, &rows);
  if (!pivoted && !o->no_bars && !skysh_funnel_add_bars(r, &arena, &cols, &rows))
    skysh_cohort_add_stickiness_bars(r, &arena, &cols, &rows);
  skysh_paths_edges(r, &arena, &cols, &types, &rows); /* PATHS: source → target */
  col_kind *kinds = column_kinds(types, cols->n, o->raw_times);
  if (kinds) print_table(out, cols, rows, kinds);
  else fputs("out of memory\n", out);
  sky_free(kinds);
  sky_arena_free(&arena);
  sky_buf chart;
  sky_buf_init(&chart);
  if (!o->no_bars && skysh_cohort_lifecycle_chart(r, SKYSH_COHORT_CHART_CELLS, &chart)) {
    fputc('\n', out);
    if (chart.failed) fputs("out of memory\n", out);
    else fwrite(chart.data, 1, chart.len, out);
  }
  sky_buf_free(&chart);
}

/* ---- the streaming printer ------------------------------------------------ */

struct skysh_printer {
  FILE *out, *warn;
  skysh_output o;
  bool begun;            /* rows are streaming: the sink's begin was called */
  bool flowing;          /* table: past the hold limits, rows print as they come */
  const sky_reply *head; /* valid while the rows stream */
  const sky_jv *cols;    /* head->columns */
  col_kind *kinds;
  size_t n_rows;
  sky_buf line; /* JSON: one row's text */
  /* table: the rows held until the limits, copied (the sink's are not kept) */
  sky_arena held_arena;
  sky_jv *held;
  size_t n_held, cap_held;
  table_layout layout; /* once flowing */
};

skysh_printer *skysh_printer_create(FILE *out, FILE *warn, const skysh_output *o) {
  skysh_printer *p = sky_calloc(1, sizeof *p);
  if (!p) return NULL;
  p->out = out;
  p->warn = warn;
  p->o = *o;
  sky_buf_init(&p->line);
  sky_arena_init(&p->held_arena);
  return p;
}

static void drop_held(skysh_printer *p) {
  sky_free(p->held);
  sky_arena_free(&p->held_arena);
  p->held = NULL;
  p->n_held = p->cap_held = 0;
}

void skysh_printer_free(skysh_printer *p) {
  if (!p) return;
  drop_held(p);
  layout_reset(&p->layout);
  sky_free(p->kinds);
  sky_buf_free(&p->line);
  sky_free(p);
}

static int sink_begin(void *ctx, const sky_reply *head) {
  skysh_printer *p = ctx;
  p->begun = true;
  p->head = head;
  p->cols = head->columns;
  p->kinds = column_kinds(head->types, p->cols->n, p->o.raw_times);
  if (!p->kinds) {
    fputs("out of memory\n", p->out);
    return -1;
  }
  if (p->o.format == SKYSH_FORMAT_CSV) csv_header(p->out, p->cols);
  else if (p->o.format == SKYSH_FORMAT_JSON) json_header(p->out, &p->line, p->cols, head->types);
  return 0;
}

/* The view the table format would draw for `head` (the words of the note
 * when the result is too large for it), or NULL. */
static const char *lost_view(const sky_reply *head, const skysh_output *o) {
  size_t at;
  if (o->pivot && skysh_cohort_is_retention(head, &at)) return "the RETENTION pivot";
  if (skysh_paths_is_edges(head)) return "the source \u2192 target column";
  if (o->no_bars) return NULL;
  if (skysh_funnel_is_steps(head, &at)) return "the conversion bars";
  if (skysh_cohort_is_stickiness(head, &at)) return "the stickiness bars";
  if (skysh_cohort_is_lifecycle(head, &at)) return "the LIFECYCLE chart";
  return NULL;
}

/* The hold limits are passed: widths from the rows held, the note, the
 * header and those rows; from now on each row prints as it comes. */
static int start_flowing(skysh_printer *p) {
  p->flowing = true;
  if (!layout_init(&p->layout, p->cols, p->kinds)) {
    fputs("out of memory\n", p->out);
    return -1;
  }
  for (size_t i = 0; i < p->n_held; i++) layout_widen(&p->layout, &p->held[i]);
  const char *view = lost_view(p->head, &p->o);
  if (view)
    fprintf(p->out, "Note: more than %d rows or %zu MiB: printed as a plain table, without %s.\n",
            SKYSH_TABLE_HOLD_ROWS, SKYSH_TABLE_HOLD_BYTES >> 20, view);
  print_header(p->out, &p->layout, p->cols);
  for (size_t i = 0; i < p->n_held; i++) print_row(p->out, &p->layout, &p->held[i]);
  drop_held(p);
  return 0;
}

/* A table row: held while the result may still fit, else printed. */
static int table_row(skysh_printer *p, const sky_jv *row) {
  if (p->flowing) {
    print_row(p->out, &p->layout, row);
    return 0;
  }
  if (p->n_held < SKYSH_TABLE_HOLD_ROWS && p->held_arena.total < SKYSH_TABLE_HOLD_BYTES) {
    void *held = p->held;
    if (sky_grow(&held, &p->cap_held, p->n_held + 1, sizeof *p->held) != 0) return -1;
    p->held = held;
    if (!sky_jv_copy(&p->held[p->n_held], row, &p->held_arena)) return -1;
    p->n_held++;
    return 0;
  }
  if (start_flowing(p) != 0) return -1;
  print_row(p->out, &p->layout, row);
  return 0;
}

static int sink_row(void *ctx, const sky_jv *row) {
  skysh_printer *p = ctx;
  if (skysh_interrupted()) return -1; /* Ctrl-C: stop reading and printing */
  p->n_rows++;
  switch (p->o.format) {
  case SKYSH_FORMAT_CSV: csv_row(p->out, p->cols->n, row, p->kinds); return 0;
  case SKYSH_FORMAT_JSON: json_row(p->out, &p->line, p->cols, row); return 0;
  case SKYSH_FORMAT_TABLE: break;
  }
  if (table_row(p, row) == 0) return 0;
  fputs("out of memory\n", p->out);
  return -1;
}

sky_row_sink skysh_printer_sink(skysh_printer *p) {
  return (sky_row_sink){.begin = sink_begin, .row = sink_row, .ctx = p};
}

void skysh_printer_finish(skysh_printer *p, const sky_reply *r) {
  print_load_warnings(p->warn, r->errors);
  if (!p->begun) {
    if (!r->columns) {
      print_message(p->out, r, p->o.format);
      return;
    }
    /* Held whole: the same way as a stream. */
    if (sink_begin(p, r) != 0) return;
    for (size_t i = 0; r->rows && i < r->rows->n; i++)
      if (sink_row(p, &r->rows->items[i]) != 0) return;
  }
  if (p->o.format != SKYSH_FORMAT_TABLE) return;
  if (p->flowing) {
    print_footer(p->out, p->n_rows);
    return;
  }
  /* It fits: the table of the rows held, with its view. */
  sky_jv rows = {.type = SKY_JV_ARRAY, .n = p->n_held, .items = p->held};
  sky_reply whole = *r;
  whole.rows = &rows;
  print_table_view(p->out, &whole, &p->o);
}

void skysh_print_result(FILE *out, FILE *warn, const sky_reply *r, const skysh_output *o) {
  skysh_printer *p = skysh_printer_create(out, warn, o);
  if (!p) {
    fputs("out of memory\n", out);
    return;
  }
  skysh_printer_finish(p, r);
  skysh_printer_free(p);
}

void skysh_print_error(FILE *out, const sky_reply *r, const skysh_stmt *stmt) {
  fprintf(out, "ERROR: %s: %s", r->code, r->message);
  if (r->field) {
    fprintf(out, " (line %d, field %s)\n", r->line, r->field);
    return;
  }
  fputc('\n', out);
  if (!stmt || r->line != 1 || r->column < 1 || (size_t)r->column > stmt->len + 1) return;
  size_t part, offset;
  skysh_stmt_locate(stmt, r->column, &part, &offset);
  size_t start = stmt->n_parts ? stmt->starts[part] : 0;
  size_t end = part + 1 < stmt->n_parts ? stmt->starts[part + 1] - 1 : stmt->len;
  char prefix[32];
  /* LINE counts from the statement's first line, wherever it was typed. */
  int n = snprintf(prefix, sizeof prefix, "LINE %d: ", stmt->n_parts ? stmt->lines[part] - stmt->lines[0] + 1 : 1);
  fputs(prefix, out);
  for (size_t i = start; i < end; i++) fputc(stmt->text[i] == '\t' ? ' ' : stmt->text[i], out);
  fputc('\n', out);
  pad(out, (size_t)n + width_of(stmt->text + start, offset));
  fputs("^\n", out);
}
