/* fuzz_protocol.c — the request surface of skyd: arbitrary bytes through the
 * line framer (fed in irregular pieces, as reads would deliver them, with a
 * small line limit so the too-long path is hit), every line through the
 * request recognizer (PING/QUIT/AUTH/HTTP/statement/bad), every reply skyd would
 * write for it through the client's JSON reader (replies must always be
 * valid JSON, whatever the request held), and the whole input through the
 * JSON reader and sky-shell's statement splitter as well. Its first line
 * also goes, as a reply, through the streaming reply reader in irregular
 * pieces: when both it and the whole-line parse accept the line, they
 * agree on the reply and on the number of rows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/buf.h"
#include "common/utf8.h"
#include "client/client.h"
#include "client/client_json.h"
#include "server/net_frame.h"
#include "server/net_reply.h"
#include "server/net_request.h"
#include "shell/shell_split.h"

static void must_be_json(const char *text, size_t len) {
  sky_arena a;
  sky_arena_init(&a);
  char err[160];
  while (len > 0 && text[len - 1] == '\n') len--;
  if (!sky_jv_parse(text, len, &a, err, sizeof err)) abort();
  sky_arena_free(&a);
}

static void check_request(const sky_line *line) {
  sky_request req;
  sky_request_parse(line->text, line->len, &req);
  sky_buf reply;
  sky_buf_init(&reply);
  switch (req.kind) {
  case SKY_REQUEST_BAD: skyd_reply_error(&reply, SKY_ERR_BAD_REQUEST, req.message); break;
  case SKY_REQUEST_AUTH:
    if (req.user_len == 0 || req.user_len > SKY_USER_NAME_MAX || req.password_len == 0) abort();
    if (req.user < line->text || req.password + req.password_len > line->text + line->len) abort();
    break;
  case SKY_REQUEST_STATEMENT: {
    if (req.len == 0 || req.text != line->text || req.len > line->len) abort();
    if (!sky_utf8_valid(req.text, req.len, NULL) || memchr(req.text, '\0', req.len)) abort();
    /* An error quoting the statement must still be one JSON line. */
    char msg[256];
    size_t n = req.len < 200 ? req.len : 200;
    while (n > 0 && ((unsigned char)req.text[n] & 0xC0) == 0x80 && n < req.len) n--;
    memcpy(msg, req.text, n);
    msg[n] = '\0';
    skyd_reply_error(&reply, SKY_ERR_SYNTAX, msg);
    break;
  }
  case SKY_REQUEST_HTTP:
    /* Only a request line (upper-case method) or a header (a letter first). */
    if (line->len == 0 || !((line->text[0] >= 'A' && line->text[0] <= 'Z') ||
                            (line->text[0] >= 'a' && line->text[0] <= 'z')))
      abort();
    break;
  case SKY_REQUEST_PING:
  case SKY_REQUEST_QUIT: break;
  }
  if (reply.len) {
    if (memchr(reply.data, '\n', reply.len - 1)) abort();
    must_be_json(reply.data, reply.len);
  }
  sky_buf_free(&reply);
}

static void collect_stmt(void *ctx, const skysh_stmt *st) {
  size_t *n = ctx;
  (*n)++;
  if (st->n_parts == 0 || st->len == 0) abort();
  for (int col = 1; col <= (int)st->len + 2; col += 1 + col / 4) {
    size_t part, off;
    skysh_stmt_locate(st, col, &part, &off);
    if (part >= st->n_parts || st->starts[part] + off > st->len) abort();
  }
}

static int count_begin(void *ctx, const sky_reply *head) {
  (void)ctx;
  if (!head->ok || !head->columns || head->rows) abort();
  return 0;
}

static int count_row(void *ctx, const sky_jv *row) {
  (void)row;
  (*(size_t *)ctx)++;
  return 0;
}

static void check_reply_stream(const char *data, size_t size) {
  size_t n_rows = 0;
  sky_row_sink sink = {count_begin, count_row, &n_rows};
  sky_reply_reader *rd = sky_reply_reader_create(&sink);
  if (!rd) abort();
  char err[200];
  bool done = false;
  size_t pos = 0, step = 2;
  while (pos < size && !done) {
    size_t n = step < size - pos ? step : size - pos;
    ptrdiff_t used = sky_reply_reader_feed(rd, data + pos, n, &done, err, sizeof err);
    if (used < 0) break;
    if ((size_t)used > n || (!done && (size_t)used != n)) abort();
    pos += (size_t)used;
    step = step * 5 % 23 + 1;
  }
  sky_reply streamed, whole;
  if (done && sky_reply_reader_finish(rd, &streamed, err, sizeof err) == 0) {
    if (streamed.rows || sky_reply_reader_rows(rd) != n_rows) abort();
    const char *nl = memchr(data, '\n', size);
    if (!nl || (size_t)(nl - data) + 1 != pos) abort(); /* the reader stops right after the line */
    if (sky_reply_parse(data, pos - 1, &whole, err, sizeof err) == 0) {
      if (whole.ok != streamed.ok || strcmp(whole.code, streamed.code) != 0 ||
          strcmp(whole.message, streamed.message) != 0 || (whole.rows ? whole.rows->n : 0) != n_rows)
        abort();
      sky_reply_free(&whole);
    }
    sky_reply_free(&streamed);
  }
  sky_reply_reader_free(rd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sky_frame f;
  sky_frame_init(&f, 64);
  size_t pos = 0, step = 1;
  while (pos < size) {
    size_t n = step < size - pos ? step : size - pos;
    if (sky_frame_append(&f, data + pos, n) != 0) abort();
    pos += n;
    step = step * 3 % 17 + 1;
    /* Peeking ahead sees exactly the lines next() then returns. */
    sky_line ahead[8];
    size_t n_ahead = 0, cursor = 0;
    while (n_ahead < 8 && sky_frame_peek(&f, &cursor, &ahead[n_ahead]) == SKY_FRAME_LINE) n_ahead++;
    sky_line line;
    sky_frame_status st;
    for (size_t k = 0; k < n_ahead; k++) {
      if (sky_frame_next(&f, &line) != SKY_FRAME_LINE || line.text != ahead[k].text || line.len != ahead[k].len ||
          line.raw_len != ahead[k].raw_len)
        abort();
      check_request(&line);
    }
    while ((st = sky_frame_next(&f, &line)) == SKY_FRAME_LINE) {
      if (line.len > 64 || line.raw_len < line.len + 1) abort();
      check_request(&line);
    }
    if (st == SKY_FRAME_TOO_LONG) break; /* skyd closes the connection here */
    if (sky_frame_pending(&f) > 66) abort();
    sky_frame_shrink(&f);
  }
  sky_frame_free(&f);

  sky_arena a;
  sky_arena_init(&a);
  char err[160];
  sky_jv_parse((const char *)data, size, &a, err, sizeof err);
  sky_arena_free(&a);
  check_reply_stream((const char *)data, size);

  skysh_splitter sp;
  skysh_split_init(&sp);
  size_t stmts = 0, start = 0;
  int line_no = 0;
  for (size_t i = 0; i <= size; i++) {
    if (i == size || data[i] == '\n') {
      skysh_split_feed(&sp, (const char *)data + start, i - start, ++line_no, collect_stmt, &stmts);
      start = i + 1;
    }
  }
  skysh_split_flush(&sp, collect_stmt, &stmts);
  skysh_split_free(&sp);
  return 0;
}
