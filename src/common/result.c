/* result.c — result sets and their JSON encoding (PROTOCOL.md "Replies").
 * Cells are stored row-major; strings are copied into an arena owned by the
 * result, so results never point into snapshots or statements. */
#include "common/result.h"

#include <string.h>

#include "common/alloc.h"
#include "common/arena.h"
#include "common/buf.h"
#include "common/json.h"

struct sky_result {
  sky_result_kind kind;
  uint32_t n_cols;
  char **col_names;
  sky_column_type *col_types;
  size_t n_rows, cap_rows;
  sky_value *cells;
  sky_arena strings;
  char *message;
  int64_t rows_affected;
  sky_error *load_errors;
  size_t n_load_errors, cap_load_errors;
  sky_loader *loader;
  void (*loader_abort)(sky_loader *);
};

static sky_result *new_result(sky_result_kind kind) {
  sky_result *r = sky_calloc(1, sizeof *r);
  if (!r) return NULL;
  r->kind = kind;
  r->rows_affected = -1;
  sky_arena_init(&r->strings);
  return r;
}

sky_result *sky_result_new_rows(uint32_t n_cols) {
  sky_result *r = new_result(SKY_RESULT_ROWS);
  if (!r) return NULL;
  r->n_cols = n_cols;
  r->col_names = sky_calloc(n_cols ? n_cols : 1, sizeof(char *));
  r->col_types = sky_calloc(n_cols ? n_cols : 1, sizeof(sky_column_type));
  if (!r->col_names || !r->col_types) {
    sky_result_free(r);
    return NULL;
  }
  return r;
}

int sky_result_set_column(sky_result *r, uint32_t col, const char *name, size_t len, sky_column_type type) {
  char *copy = sky_arena_strndup(&r->strings, name, len);
  if (!copy) return -1;
  r->col_names[col] = copy;
  r->col_types[col] = type;
  return 0;
}

static const char *const g_column_type_names[SKY_COLUMN_COUNT_] = {
#define SKY_X_COLTYPE(name, wire) [SKY_COLUMN_##name] = wire,
    SKY_COLUMN_TYPES(SKY_X_COLTYPE)
#undef SKY_X_COLTYPE
};

const char *sky_column_type_name(sky_column_type t) {
  return (unsigned)t < SKY_COLUMN_COUNT_ ? g_column_type_names[t] : "INT";
}

sky_value *sky_result_append_row(sky_result *r) {
  size_t cap = r->cap_rows;
  void *cells = r->cells;
  if (r->n_cols && sky_grow(&cells, &cap, r->n_rows + 1, sizeof(sky_value) * r->n_cols) != 0) return NULL;
  r->cells = cells;
  r->cap_rows = cap;
  sky_value *row = r->cells + r->n_rows * r->n_cols;
  memset(row, 0, sizeof(sky_value) * r->n_cols);
  r->n_rows++;
  return row;
}

int sky_result_set_string(sky_result *r, sky_value *cell, const char *s, size_t len) {
  char *copy = sky_arena_strndup(&r->strings, s, len);
  if (!copy) return -1;
  cell->type = SKY_TYPE_STRING;
  cell->as.s.ptr = copy;
  cell->as.s.len = len;
  return 0;
}

void sky_result_truncate(sky_result *r, size_t n) {
  if (n < r->n_rows) r->n_rows = n;
}

sky_value *sky_result_cells(sky_result *r) { return r->cells; }

sky_result *sky_result_new_message(const char *message, int64_t rows_affected) {
  sky_result *r = new_result(SKY_RESULT_MESSAGE);
  if (!r) return NULL;
  r->message = sky_strdup(message);
  if (!r->message) {
    sky_result_free(r);
    return NULL;
  }
  r->rows_affected = rows_affected;
  return r;
}

int sky_result_add_load_error(sky_result *r, const sky_error *e) {
  void *arr = r->load_errors;
  if (sky_grow(&arr, &r->cap_load_errors, r->n_load_errors + 1, sizeof(sky_error)) != 0) return -1;
  r->load_errors = arr;
  r->load_errors[r->n_load_errors++] = *e;
  return 0;
}

sky_result *sky_result_new_stream(sky_loader *ld, void (*abort_fn)(sky_loader *)) {
  sky_result *r = new_result(SKY_RESULT_LOAD_STREAM);
  if (!r) return NULL;
  r->loader = ld;
  r->loader_abort = abort_fn;
  return r;
}

sky_result_kind sky_result_kind_of(const sky_result *r) { return r->kind; }
size_t sky_result_columns(const sky_result *r) { return r->n_cols; }
const char *sky_result_column_name(const sky_result *r, size_t col) { return r->col_names[col]; }
sky_column_type sky_result_column_type(const sky_result *r, size_t col) { return r->col_types[col]; }
size_t sky_result_rows(const sky_result *r) { return r->n_rows; }
const sky_value *sky_result_cell(const sky_result *r, size_t row, size_t col) {
  return &r->cells[row * r->n_cols + col];
}
const char *sky_result_message(const sky_result *r) { return r->message ? r->message : ""; }
int64_t sky_result_rows_affected(const sky_result *r) { return r->rows_affected; }
size_t sky_result_load_errors(const sky_result *r) { return r->n_load_errors; }
const sky_error *sky_result_load_error(const sky_result *r, size_t i) { return &r->load_errors[i]; }

sky_loader *sky_result_take_loader(sky_result *r) {
  sky_loader *ld = r->loader;
  r->loader = NULL;
  return ld;
}

void sky_result_free(sky_result *r) {
  if (!r) return;
  if (r->loader) r->loader_abort(r->loader);
  sky_free(r->col_names);
  sky_free(r->col_types);
  sky_free(r->cells);
  sky_free(r->message);
  sky_free(r->load_errors);
  sky_arena_free(&r->strings);
  sky_free(r);
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_value(sky_buf *b, const sky_value *v) {
  switch (v->type) {
  case SKY_TYPE_NULL: sky_buf_puts(b, "null"); break;
  case SKY_TYPE_BOOL: sky_buf_puts(b, v->as.b ? "true" : "false"); break;
  case SKY_TYPE_INT: sky_json_int(b, v->as.i); break;
  case SKY_TYPE_OBJECT: sky_json_uint(b, v->as.u); break;
  case SKY_TYPE_FLOAT: sky_json_double(b, v->as.f); break;
  case SKY_TYPE_STRING: sky_json_string(b, v->as.s.ptr, v->as.s.len); break;
  }
}

static void json_error_fields(sky_buf *b, const sky_error *e) {
  sky_buf_puts(b, "{\"code\":");
  const char *code = sky_code_name(e->code);
  sky_json_string(b, code, strlen(code));
  sky_buf_puts(b, ",\"message\":");
  sky_json_string(b, e->message, strlen(e->message));
  if (e->line > 0) sky_buf_printf(b, ",\"line\":%d", e->line);
  if (e->column > 0) sky_buf_printf(b, ",\"column\":%d", e->column);
  if (e->field[0]) {
    sky_buf_puts(b, ",\"field\":");
    sky_json_string(b, e->field, strlen(e->field));
  }
  sky_buf_putc(b, '}');
}

static void json_elapsed(sky_buf *b, double elapsed_ms) {
  if (elapsed_ms >= 0) sky_buf_printf(b, ",\"elapsed_ms\":%.3f", elapsed_ms);
}

char *sky_result_to_json(const sky_result *r, double elapsed_ms, size_t *len_out) {
  sky_buf b;
  sky_buf_init(&b);
  sky_buf_puts(&b, "{\"ok\":true");
  if (r->kind == SKY_RESULT_LOAD_STREAM) {
    sky_buf_puts(&b, ",\"ready\":true");
  } else if (r->kind == SKY_RESULT_ROWS) {
    sky_buf_puts(&b, ",\"columns\":[");
    for (uint32_t c = 0; c < r->n_cols; c++) {
      if (c) sky_buf_putc(&b, ',');
      sky_json_string(&b, r->col_names[c], strlen(r->col_names[c]));
    }
    sky_buf_puts(&b, "],\"types\":[");
    for (uint32_t c = 0; c < r->n_cols; c++) {
      if (c) sky_buf_putc(&b, ',');
      const char *t = sky_column_type_name(r->col_types[c]);
      sky_json_string(&b, t, strlen(t));
    }
    sky_buf_puts(&b, "],\"rows\":[");
    for (size_t i = 0; i < r->n_rows; i++) {
      sky_buf_puts(&b, i ? ",[" : "[");
      for (uint32_t c = 0; c < r->n_cols; c++) {
        if (c) sky_buf_putc(&b, ',');
        json_value(&b, &r->cells[i * r->n_cols + c]);
      }
      sky_buf_putc(&b, ']');
    }
    sky_buf_putc(&b, ']');
    json_elapsed(&b, elapsed_ms);
  } else {
    sky_buf_puts(&b, ",\"message\":");
    sky_json_string(&b, sky_result_message(r), strlen(sky_result_message(r)));
    if (r->rows_affected >= 0) sky_buf_printf(&b, ",\"rows_affected\":%lld", (long long)r->rows_affected);
    if (r->n_load_errors) {
      sky_buf_puts(&b, ",\"errors\":[");
      for (size_t i = 0; i < r->n_load_errors; i++) {
        if (i) sky_buf_putc(&b, ',');
        json_error_fields(&b, &r->load_errors[i]);
      }
      sky_buf_putc(&b, ']');
    }
    json_elapsed(&b, elapsed_ms);
  }
  sky_buf_putc(&b, '}');
  if (b.failed) {
    sky_buf_free(&b);
    return NULL;
  }
  return sky_buf_take(&b, len_out);
}

char *sky_error_to_json(const sky_error *err, size_t *len_out) {
  sky_buf b;
  sky_buf_init(&b);
  sky_buf_puts(&b, "{\"ok\":false,\"error\":");
  json_error_fields(&b, err);
  sky_buf_putc(&b, '}');
  if (b.failed) {
    sky_buf_free(&b);
    return NULL;
  }
  return sky_buf_take(&b, len_out);
}
