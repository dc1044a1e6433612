/* client_stream.c — the incremental reply reader; see client.h.
 *
 * The reader decodes no JSON itself. It follows the text's structure
 * (brackets, strings and their backslashes) only far enough to know where
 * each element of the top-level "rows" array begins and ends; a row's text
 * then goes whole to sky_jv_parse, and the text of every other member to
 * sky_reply_parse when the line ends, with "rows" written as null. So
 * strings and \u escapes are decoded in one place (client_json.c,
 * common/utf8.c) however a reply is read, and a malformed row is reported
 * by the same parser with the same words. The scan keeps its state between
 * pieces, so a piece may end anywhere: inside a string, between a
 * backslash and what it escapes, inside a \u escape.
 *
 * Memory: the text of the other members (small: names, types, a message),
 * the text and tree of one row, and the reply parsed when "rows" began.
 * Nothing grows with the number of rows.
 */
#include <stdio.h>
#include <string.h>

#include "client/client.h"
#include "common/alloc.h"

typedef enum scan_mode {
  SCAN_TOP, /* outside "rows": bytes go to `rest` */
  SCAN_GAP, /* inside "rows", between elements: bytes dropped */
  SCAN_ROW, /* inside one element of "rows": bytes go to `row` */
} scan_mode;

/* A member name is compared with "rows" only when shorter than this. */
#define KEY_MAX 64

struct sky_reply_reader {
  const sky_row_sink *sink;
  scan_mode mode;
  int depth;         /* SCAN_TOP: brackets open outside strings */
  int row_depth;     /* SCAN_ROW: the same, inside the row */
  bool in_str, esc;  /* inside a string; after its backslash */
  bool seen_top;     /* the line's first value has begun */
  bool top_object;   /* ... and it is an object */
  bool want_key;     /* depth 1: the next string names a member */
  bool in_key;       /* reading that name into `key` */
  bool key_done;     /* a name was read and its ':' not yet seen */
  bool after_colon;  /* depth 1: between a name's ':' and its value */
  bool name_is_rows; /* ... and that name is "rows" */
  bool rows_seen;    /* "rows" has been streamed (a second one stays text) */
  bool row_scalar;   /* SCAN_ROW: the element is not an array or object */
  bool done, failed;
  sky_buf rest, row, key;
  sky_reply head; /* parsed when "rows" began; freed with the reader */
  size_t n_rows;
};

sky_reply_reader *sky_reply_reader_create(const sky_row_sink *sink) {
  sky_reply_reader *rd = sky_calloc(1, sizeof *rd);
  if (!rd) return NULL;
  rd->sink = sink;
  sky_buf_init(&rd->rest);
  sky_buf_init(&rd->row);
  sky_buf_init(&rd->key);
  rd->head.code = rd->head.message = "";
  return rd;
}

void sky_reply_reader_free(sky_reply_reader *rd) {
  if (!rd) return;
  sky_buf_free(&rd->rest);
  sky_buf_free(&rd->row);
  sky_buf_free(&rd->key);
  sky_reply_free(&rd->head);
  sky_free(rd);
}

size_t sky_reply_reader_rows(const sky_reply_reader *rd) { return rd->n_rows; }

static int fail(sky_reply_reader *rd, char *err, size_t err_len, const char *msg) {
  rd->failed = true;
  snprintf(err, err_len, "%s", msg);
  return -1;
}

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* The member name just read (its quoted text in `key`) is "rows". The
 * name is decoded by the JSON reader, so an escaped spelling counts too. */
static bool key_is_rows(sky_reply_reader *rd) {
  if (rd->key.failed || rd->key.len >= KEY_MAX) return false;
  sky_arena a;
  sky_arena_init(&a);
  char jerr[8];
  const sky_jv *k = sky_jv_parse(rd->key.data, rd->key.len, &a, jerr, sizeof jerr);
  bool rows = k && k->type == SKY_JV_STRING && k->len == 4 && memcmp(k->str, "rows", 4) == 0;
  sky_arena_free(&a);
  return rows;
}

/* A byte inside a string (the opening quote already seen). */
static void string_byte(sky_reply_reader *rd, char c) {
  if (rd->in_key && rd->key.len < KEY_MAX) sky_buf_putc(&rd->key, c);
  if (rd->esc) {
    rd->esc = false;
  } else if (c == '\\') {
    rd->esc = true;
  } else if (c == '"') {
    rd->in_str = false;
    if (rd->in_key) rd->in_key = false, rd->key_done = true;
  }
}

/* A byte outside strings and outside "rows". */
static void top_byte(sky_reply_reader *rd, char c) {
  switch (c) {
  case '{':
  case '[':
    if (rd->depth == 0) {
      rd->top_object = c == '{' && !rd->seen_top;
      rd->want_key = rd->top_object;
      rd->seen_top = true;
    }
    rd->depth++;
    rd->after_colon = false;
    break;
  case '}':
  case ']': rd->depth--; break;
  case '"':
    rd->in_str = true;
    if (rd->depth == 1 && rd->top_object && rd->want_key) {
      rd->want_key = false;
      rd->in_key = true;
      sky_buf_reset(&rd->key);
      sky_buf_putc(&rd->key, '"');
    }
    rd->after_colon = false;
    break;
  case ',':
    if (rd->depth == 1) rd->want_key = true;
    break;
  case ':':
    if (rd->depth == 1 && rd->key_done) {
      rd->key_done = false;
      rd->after_colon = true;
      rd->name_is_rows = !rd->rows_seen && key_is_rows(rd);
    }
    break;
  default:
    if (!is_ws(c)) rd->after_colon = false; /* a number or literal */
    break;
  }
}

/* "rows" opens: the members so far, closed, are the head the sink gets. */
static int begin_rows(sky_reply_reader *rd, char *err, size_t err_len) {
  rd->rows_seen = true;
  rd->after_colon = false;
  rd->mode = SCAN_GAP;
  sky_buf_puts(&rd->rest, "null");
  sky_buf_putc(&rd->rest, '}');
  if (rd->rest.failed) return fail(rd, err, err_len, "out of memory");
  int rc = sky_reply_parse(rd->rest.data, rd->rest.len, &rd->head, err, err_len);
  rd->rest.data[--rd->rest.len] = '\0';
  if (rc != 0) { /* `err` says why */
    rd->failed = true;
    return -1;
  }
  if (!rd->head.ok || !rd->head.columns)
    return fail(rd, err, err_len, "malformed reply from the server: \"rows\" without \"columns\" before it");
  if (rd->sink->begin && rd->sink->begin(rd->sink->ctx, &rd->head) != 0)
    return fail(rd, err, err_len, "interrupted");
  return 0;
}

/* One element of "rows" is complete in `row`: parse it, hand it over,
 * drop it. */
static int end_row(sky_reply_reader *rd, char *err, size_t err_len) {
  rd->mode = SCAN_GAP;
  if (rd->row.failed) return fail(rd, err, err_len, "out of memory");
  if (rd->row.len > SKY_CLIENT_MAX_LINE) return fail(rd, err, err_len, "reply row longer than 1 GiB");
  sky_arena a;
  sky_arena_init(&a);
  char jerr[160];
  const sky_jv *v = sky_jv_parse(rd->row.data, rd->row.len, &a, jerr, sizeof jerr);
  int rc = 0;
  if (!v) {
    snprintf(err, err_len, "malformed reply from the server: row %zu: %s", rd->n_rows + 1, jerr);
    rd->failed = true;
    rc = -1;
  } else if (rd->sink->row(rd->sink->ctx, v) != 0) {
    rc = fail(rd, err, err_len, "interrupted");
  }
  sky_arena_free(&a);
  sky_buf_reset(&rd->row);
  rd->n_rows++;
  return rc;
}

/* Appends data[from..to) where the current mode keeps its bytes. */
static void keep(sky_reply_reader *rd, const char *data, size_t from, size_t to) {
  if (to <= from) return;
  if (rd->mode == SCAN_TOP) sky_buf_append(&rd->rest, data + from, to - from);
  else if (rd->mode == SCAN_ROW) sky_buf_append(&rd->row, data + from, to - from);
}

/* A byte inside "rows" outside strings. `*span` is where the bytes still
 * to be kept begin. */
static int rows_byte(sky_reply_reader *rd, const char *data, size_t i, size_t *span, char *err, size_t err_len) {
  char c = data[i];
  if (rd->mode == SCAN_ROW && rd->row_scalar) {
    if (c != ',' && c != ']' && !is_ws(c)) {
      if (c == '"') rd->in_str = true;
      return 0;
    }
    keep(rd, data, *span, i);
    *span = i;
    if (end_row(rd, err, err_len) != 0) return -1; /* back in SCAN_GAP: c is read there */
  }
  if (rd->mode == SCAN_GAP) {
    *span = i + 1;
    if (c == ']') {
      rd->mode = SCAN_TOP; /* the rest continues after "null" */
      return 0;
    }
    if (c == ',' || is_ws(c)) return 0;
    rd->mode = SCAN_ROW; /* an element begins with c */
    rd->row_scalar = c != '[' && c != '{';
    rd->row_depth = 0;
    *span = i;
    if (rd->row_scalar) {
      if (c == '"') rd->in_str = true;
      return 0;
    }
  }
  if (c == '"') {
    rd->in_str = true;
  } else if (c == '[' || c == '{') {
    rd->row_depth++;
  } else if ((c == ']' || c == '}') && --rd->row_depth == 0) {
    keep(rd, data, *span, i + 1);
    *span = i + 1;
    return end_row(rd, err, err_len);
  }
  return 0;
}

ptrdiff_t sky_reply_reader_feed(sky_reply_reader *rd, const char *data, size_t len, bool *done, char *err,
                                size_t err_len) {
  *done = rd->done;
  if (rd->failed) return fail(rd, err, err_len, "the reply could not be read");
  if (rd->done) return 0;
  size_t i = 0, span = 0;
  for (; i < len; i++) {
    char c = data[i];
    if (c == '\n') { /* the line ends, wherever the scan is */
      keep(rd, data, span, i);
      rd->done = *done = true;
      if (rd->mode != SCAN_TOP)
        return fail(rd, err, err_len, "malformed reply from the server: the line ended inside \"rows\"");
      return (ptrdiff_t)i + 1;
    }
    if (rd->in_str) {
      string_byte(rd, c);
      continue;
    }
    if (rd->mode != SCAN_TOP) {
      if (rows_byte(rd, data, i, &span, err, err_len) != 0) return -1;
      continue;
    }
    if (c == '[' && rd->after_colon && rd->name_is_rows && rd->depth == 1) {
      keep(rd, data, span, i);
      span = i + 1;
      if (begin_rows(rd, err, err_len) != 0) return -1;
      continue;
    }
    top_byte(rd, c);
  }
  keep(rd, data, span, i);
  if (rd->rest.failed || rd->row.failed) return fail(rd, err, err_len, "out of memory");
  if (rd->rest.len > SKY_CLIENT_MAX_LINE || rd->row.len > SKY_CLIENT_MAX_LINE)
    return fail(rd, err, err_len, "reply line longer than 1 GiB");
  return (ptrdiff_t)i;
}

int sky_reply_reader_finish(sky_reply_reader *rd, sky_reply *r, char *err, size_t err_len) {
  memset(r, 0, sizeof *r);
  r->code = r->message = "";
  if (rd->failed || !rd->done) {
    snprintf(err, err_len, "%s", rd->failed ? "the reply could not be read" : "the reply line has not ended");
    return -1;
  }
  return sky_reply_parse(rd->rest.data ? rd->rest.data : "", rd->rest.len, r, err, err_len);
}
