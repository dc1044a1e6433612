/* client_result.c — the reply an embedded statement gives, built straight
 * from its sky_result (sky-shell's --data mode opens libsky in process).
 *
 * The reply holds exactly what sky_reply_parse would have read from the
 * JSON line skyd sends for the same result (common/result.c writes it):
 * the same members, numbers with the same text (the JSON writer's own
 * formatters, so a FLOAT prints identically in both modes; a non-finite
 * one is null, as on the wire), strings as they are. Nothing is encoded
 * and parsed back. Everything lives in the reply's arena, except that a
 * streamed result (sky_reply_stream_result) builds one row at a time in an
 * arena of its own, so the result is never held twice.
 */
#include <stdio.h>
#include <string.h>

#include "client/client.h"
#include "common/json.h"
#include "sky.h"

typedef struct builder {
  sky_arena *arena;
  bool failed;
} builder;

static sky_jv *values(builder *b, size_t n) {
  sky_jv *v = n ? sky_arena_calloc(b->arena, n * sizeof *v) : NULL;
  if (n && !v) b->failed = true;
  return v;
}

static void set_string(builder *b, sky_jv *v, const char *s, size_t len) {
  char *copy = sky_arena_strndup(b->arena, s, len);
  if (!copy) b->failed = true;
  v->type = SKY_JV_STRING;
  v->str = copy ? copy : "";
  v->len = copy ? len : 0;
}

static void set_array(builder *b, sky_jv *v, size_t n) {
  v->type = SKY_JV_ARRAY;
  v->n = n;
  v->items = values(b, n);
  if (!v->items) v->n = 0;
}

/* A number as the JSON reader would hold it: its text, and the integer
 * readings when it is integral. */
static void set_number(builder *b, sky_jv *v, const char *text, bool integral, int64_t i, uint64_t u, bool negative,
                       double d) {
  set_string(b, v, text, strlen(text));
  v->type = SKY_JV_NUMBER;
  v->d = d;
  if (!integral) return;
  v->is_int = negative || u <= INT64_MAX;
  v->is_uint = !negative;
  v->i = i;
  v->u = u;
}

static void set_cell(builder *b, sky_jv *v, const sky_value *c) {
  char text[40];
  switch (c->type) {
  case SKY_TYPE_NULL: v->type = SKY_JV_NULL; break;
  case SKY_TYPE_BOOL:
    v->type = SKY_JV_BOOL;
    v->b = c->as.b;
    break;
  case SKY_TYPE_INT:
    snprintf(text, sizeof text, "%lld", (long long)c->as.i);
    set_number(b, v, text, true, c->as.i, (uint64_t)c->as.i, c->as.i < 0, (double)c->as.i);
    break;
  case SKY_TYPE_OBJECT:
    snprintf(text, sizeof text, "%llu", (unsigned long long)c->as.u);
    set_number(b, v, text, true, (int64_t)c->as.u, c->as.u, false, (double)c->as.u);
    break;
  case SKY_TYPE_FLOAT: {
    size_t n = sky_json_double_text(c->as.f, text); /* the wire's text; null when not finite */
    if (!n) {
      v->type = SKY_JV_NULL;
      break;
    }
    text[n] = '\0';
    set_number(b, v, text, false, 0, 0, false, c->as.f);
    break;
  }
  case SKY_TYPE_STRING: set_string(b, v, c->as.s.ptr, c->as.s.len); break;
  }
}

/* One skipped LOAD row: {code, message, line, column, field}. */
static void set_error(builder *b, sky_jv *v, const sky_error *e) {
  const char *keys[5];
  sky_jv *items = values(b, 5);
  size_t *lens = sky_arena_calloc(b->arena, 5 * sizeof *lens);
  const char **key_arr = sky_arena_calloc(b->arena, 5 * sizeof *key_arr);
  if (!items || !lens || !key_arr) {
    b->failed = true;
    return;
  }
  size_t n = 0;
  const char *code = sky_code_name(e->code);
  keys[n] = "code", set_string(b, &items[n++], code, strlen(code));
  keys[n] = "message", set_string(b, &items[n++], e->message, strlen(e->message));
  char text[24];
  if (e->line > 0) {
    snprintf(text, sizeof text, "%d", e->line);
    keys[n] = "line", set_number(b, &items[n++], text, true, e->line, (uint64_t)e->line, false, e->line);
  }
  if (e->column > 0) {
    snprintf(text, sizeof text, "%d", e->column);
    keys[n] = "column", set_number(b, &items[n++], text, true, e->column, (uint64_t)e->column, false, e->column);
  }
  if (e->field[0]) keys[n] = "field", set_string(b, &items[n++], e->field, strlen(e->field));
  for (size_t k = 0; k < n; k++) key_arr[k] = keys[k], lens[k] = strlen(keys[k]);
  v->type = SKY_JV_OBJECT;
  v->n = n;
  v->items = items;
  v->keys = key_arr;
  v->key_lens = lens;
}

static void begin(sky_reply *r) {
  memset(r, 0, sizeof *r);
  sky_arena_init(&r->arena);
  r->code = r->message = "";
  r->elapsed_ms = -1;
}

static int finish(sky_reply *r, const builder *b, char *err, size_t err_len) {
  if (!b->failed) return 0;
  sky_reply_free(r);
  snprintf(err, err_len, "out of memory");
  return -1;
}

/* A result set's columns and types, without its rows. */
static void set_header(builder *b, sky_reply *r, const sky_result *res) {
  size_t n_cols = sky_result_columns(res);
  sky_jv *top = values(b, 2);
  if (!top) return;
  set_array(b, &top[0], n_cols);
  set_array(b, &top[1], n_cols);
  for (size_t c = 0; c < n_cols && top[0].items && top[1].items; c++) {
    const char *name = sky_result_column_name(res, c);
    const char *type = sky_column_type_name(sky_result_column_type(res, c));
    set_string(b, &top[0].items[c], name, strlen(name));
    set_string(b, &top[1].items[c], type, strlen(type));
  }
  r->columns = &top[0];
  r->types = &top[1];
}

/* Row `i` of `res` as an array. */
static void set_row(builder *b, sky_jv *row, const sky_result *res, size_t i) {
  size_t n_cols = sky_result_columns(res);
  set_array(b, row, n_cols);
  for (size_t c = 0; c < n_cols && row->items; c++) set_cell(b, &row->items[c], sky_result_cell(res, i, c));
}

/* A message result: the message, rows affected, skipped LOAD rows. */
static void set_message(builder *b, sky_reply *r, const sky_result *res) {
  const char *msg = sky_result_message(res);
  char *copy = sky_arena_strndup(b->arena, msg, strlen(msg));
  if (!copy) b->failed = true;
  r->message = copy ? copy : "";
  int64_t affected = sky_result_rows_affected(res);
  if (affected >= 0) r->has_rows_affected = true, r->rows_affected = affected;
  size_t n_errors = sky_result_load_errors(res);
  if (!n_errors) return;
  sky_jv *errors = values(b, 1);
  if (!errors) return;
  set_array(b, errors, n_errors);
  for (size_t i = 0; i < n_errors && errors->items; i++) set_error(b, &errors->items[i], sky_result_load_error(res, i));
  r->errors = errors;
}

int sky_reply_from_result(const sky_result *res, double elapsed_ms, sky_reply *r, char *err, size_t err_len) {
  begin(r);
  builder b = {&r->arena, false};
  r->ok = true;
  switch (sky_result_kind_of(res)) {
  case SKY_RESULT_LOAD_STREAM: r->ready = true; return 0;
  case SKY_RESULT_ROWS: {
    size_t n_rows = sky_result_rows(res);
    set_header(&b, r, res);
    sky_jv *rows = values(&b, 1);
    if (!rows) break;
    set_array(&b, rows, n_rows);
    for (size_t i = 0; i < n_rows && rows->items && !b.failed; i++) set_row(&b, &rows->items[i], res, i);
    r->rows = rows;
    r->elapsed_ms = elapsed_ms;
    break;
  }
  case SKY_RESULT_MESSAGE:
    set_message(&b, r, res);
    r->elapsed_ms = elapsed_ms;
    break;
  }
  return finish(r, &b, err, err_len);
}

int sky_reply_stream_result(const sky_result *res, double elapsed_ms, const sky_row_sink *sink, sky_reply *r,
                            char *err, size_t err_len) {
  if (sky_result_kind_of(res) != SKY_RESULT_ROWS) return sky_reply_from_result(res, elapsed_ms, r, err, err_len);
  begin(r);
  builder b = {&r->arena, false};
  r->ok = true;
  r->elapsed_ms = elapsed_ms;
  set_header(&b, r, res);
  if (finish(r, &b, err, err_len) != 0) return -1;
  bool stopped = sink->begin && sink->begin(sink->ctx, r) != 0;
  size_t n_rows = sky_result_rows(res);
  for (size_t i = 0; i < n_rows && !stopped && !b.failed; i++) {
    sky_arena scratch;
    sky_arena_init(&scratch);
    builder rb = {&scratch, false};
    sky_jv row = {0};
    set_row(&rb, &row, res, i);
    b.failed = rb.failed;
    stopped = !rb.failed && sink->row(sink->ctx, &row) != 0;
    sky_arena_free(&scratch);
  }
  if (stopped) {
    sky_reply_free(r);
    snprintf(err, err_len, "interrupted");
    return -1;
  }
  return finish(r, &b, err, err_len);
}

int sky_reply_from_error(const sky_error *e, sky_reply *r, char *err, size_t err_len) {
  begin(r);
  builder b = {&r->arena, false};
  const char *code = sky_code_name(e->code);
  char *c = sky_arena_strndup(&r->arena, code, strlen(code));
  char *m = sky_arena_strndup(&r->arena, e->message, strlen(e->message));
  char *f = e->field[0] ? sky_arena_strndup(&r->arena, e->field, strlen(e->field)) : NULL;
  if (!c || !m || (e->field[0] && !f)) b.failed = true;
  r->ok = false;
  r->code = c ? c : "internal";
  r->message = m ? m : "";
  r->line = e->line > 0 ? e->line : 0;
  r->column = e->column > 0 ? e->column : 0;
  r->field = f;
  return finish(r, &b, err, err_len);
}
