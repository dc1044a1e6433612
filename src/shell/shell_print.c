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
 */
#include "shell/shell_print.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/json.h"
#include "shell/shell_cohort.h"
#include "shell/shell_funnel.h"
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

static const sky_jv *cell_at(const sky_jv *rows, size_t r, size_t c) {
  const sky_jv *row = &rows->items[r];
  static const sky_jv null_value = {.type = SKY_JV_NULL};
  return row->type == SKY_JV_ARRAY && c < row->n ? &row->items[c] : &null_value;
}

static void print_table(FILE *out, const sky_jv *cols, const sky_jv *rows, const col_kind *kinds) {
  size_t nc = cols->n, nr = rows ? rows->n : 0;
  size_t *width = sky_calloc(nc ? nc : 1, sizeof *width);
  sky_buf *text = sky_calloc(nc * nr > 0 ? nc * nr : 1, sizeof *text);
  if (!width || !text) {
    fputs("out of memory\n", out);
    sky_free(width);
    sky_free(text);
    return;
  }
  for (size_t c = 0; c < nc; c++) width[c] = width_of(cols->items[c].str ? cols->items[c].str : "", cols->items[c].len);
  for (size_t r = 0; r < nr; r++)
    for (size_t c = 0; c < nc; c++) {
      sky_buf *b = &text[r * nc + c];
      table_text(b, cell_at(rows, r, c), kinds[c]);
      size_t w = width_of(b->data ? b->data : "", b->len);
      if (w > width[c]) width[c] = w;
    }
  for (size_t c = 0; c < nc; c++) {
    const char *name = cols->items[c].type == SKY_JV_STRING ? cols->items[c].str : "?";
    size_t w = width_of(name, strlen(name)), left = (width[c] - w) / 2;
    fputs(c ? "| " : " ", out);
    pad(out, left);
    fputs(name, out);
    if (c + 1 < nc) pad(out, width[c] - w - left + 1);
  }
  fputc('\n', out);
  for (size_t c = 0; c < nc; c++) {
    if (c) fputc('+', out);
    rule(out, width[c] + 2);
  }
  fputc('\n', out);
  for (size_t r = 0; r < nr; r++) {
    for (size_t c = 0; c < nc; c++) {
      sky_buf *b = &text[r * nc + c];
      size_t w = width_of(b->data ? b->data : "", b->len);
      bool right = kinds[c] == COL_RIGHT || (cell_at(rows, r, c)->type == SKY_JV_NUMBER && kinds[c] == COL_PLAIN);
      fputs(c ? "| " : " ", out);
      if (right && (b->len || c + 1 < nc)) pad(out, width[c] - w); /* an empty last cell: no trailing blanks */
      fwrite(b->data ? b->data : "", 1, b->len, out);
      if (!right && c + 1 < nc) pad(out, width[c] - w);
      if (c + 1 < nc) fputc(' ', out);
    }
    fputc('\n', out);
  }
  fprintf(out, "(%zu row%s)\n", nr, nr == 1 ? "" : "s");
  for (size_t i = 0; i < nc * nr; i++) sky_buf_free(&text[i]);
  sky_free(text);
  sky_free(width);
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

static void print_csv(FILE *out, const sky_jv *cols, const sky_jv *rows, const col_kind *kinds) {
  for (size_t c = 0; c < cols->n; c++) {
    if (c) fputc(',', out);
    csv_field(out, &cols->items[c], COL_PLAIN);
  }
  fputc('\n', out);
  for (size_t r = 0; rows && r < rows->n; r++) {
    for (size_t c = 0; c < cols->n; c++) {
      if (c) fputc(',', out);
      csv_field(out, cell_at(rows, r, c), kinds[c]);
    }
    fputc('\n', out);
  }
}

static void print_json(FILE *out, const sky_jv *cols, const sky_jv *types, const sky_jv *rows) {
  sky_buf b;
  sky_buf_init(&b);
  if (types) { /* the header line: what each key holds */
    sky_buf_puts(&b, "{\"columns\":");
    jv_write(&b, cols);
    sky_buf_puts(&b, ",\"types\":");
    jv_write(&b, types);
    sky_buf_puts(&b, "}\n");
    fwrite(b.data, 1, b.len, out);
  }
  for (size_t r = 0; rows && r < rows->n; r++) {
    sky_buf_reset(&b);
    sky_buf_putc(&b, '{');
    for (size_t c = 0; c < cols->n; c++) {
      if (c) sky_buf_putc(&b, ',');
      const sky_jv *name = &cols->items[c];
      if (name->type == SKY_JV_STRING) sky_json_string(&b, name->str, name->len);
      else sky_buf_puts(&b, "\"?\"");
      sky_buf_putc(&b, ':');
      jv_write(&b, cell_at(rows, r, c));
    }
    sky_buf_puts(&b, "}\n");
    fwrite(b.data, 1, b.len, out);
  }
  sky_buf_free(&b);
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

void skysh_print_result(FILE *out, FILE *warn, const sky_reply *r, const skysh_output *o) {
  print_load_warnings(warn, r->errors);
  if (!r->columns) {
    print_message(out, r, o->format);
    return;
  }
  if (o->format == SKYSH_FORMAT_JSON) {
    print_json(out, r->columns, r->types, r->rows);
    return;
  }
  if (o->format == SKYSH_FORMAT_TABLE) {
    print_table_view(out, r, o);
    return;
  }
  col_kind *kinds = column_kinds(r->types, r->columns->n, o->raw_times);
  if (kinds) print_csv(out, r->columns, r->rows, kinds);
  else fputs("out of memory\n", out);
  sky_free(kinds);
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
