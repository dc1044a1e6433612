/* test_server_unit.c — unit tests of skyd's and sky-shell's parts that need
 * no server: request framing, request recognition, protocol replies,
 * settings (config file, command line, addresses), the users file, the
 * worker pool, the pace of password checks, the client's JSON reply parser (whole and
 * streamed) and the shell's statement splitter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "common/alloc.h"
#include "common/arena.h"
#include "client/client.h"
#include "client/client_json.h"
#include "common/error.h"
#include "common/result.h"
#include "server/net_frame.h"
#include "server/net_reply.h"
#include "server/net_request.h"
#include "server/server_auth.h"
#include "server/server_config.h"
#include "server/server_users.h"
#include "server/server_workers.h"
#include "shell/shell_split.h"

/* ---- framing --------------------------------------------------------------- */

static void expect_line(sky_frame *f, const char *text) {
  sky_line line;
  assert_int_equal(sky_frame_next(f, &line), SKY_FRAME_LINE);
  assert_int_equal(line.len, strlen(text));
  assert_memory_equal(line.text, text, line.len);
}

static void test_frame_lines(void **state) {
  (void)state;
  sky_frame f;
  sky_frame_init(&f, 100);
  sky_line line;
  assert_int_equal(sky_frame_next(&f, &line), SKY_FRAME_NONE);
  assert_int_equal(sky_frame_append(&f, "PING\nSELECT 1\r\nQU", 17), 0);
  expect_line(&f, "PING");
  expect_line(&f, "SELECT 1");
  assert_int_equal(sky_frame_next(&f, &line), SKY_FRAME_NONE);
  assert_int_equal(sky_frame_pending(&f), 2);
  assert_int_equal(sky_frame_append(&f, "IT\n\n\r\n", 6), 0);
  expect_line(&f, "QUIT");
  expect_line(&f, "");
  expect_line(&f, "");
  assert_int_equal(sky_frame_pending(&f), 0);
  /* Only one "\r" is a line end's. */
  assert_int_equal(sky_frame_append(&f, "a\r\r\n", 4), 0);
  expect_line(&f, "a\r");
  sky_frame_free(&f);
}

static void test_frame_byte_by_byte(void **state) {
  (void)state;
  sky_frame f;
  sky_frame_init(&f, 1000);
  const char *input = "first line\r\nsecond\nthird\n";
  int lines = 0;
  for (size_t i = 0; input[i]; i++) {
    assert_int_equal(sky_frame_append(&f, input + i, 1), 0);
    sky_line line;
    while (sky_frame_next(&f, &line) == SKY_FRAME_LINE) lines++;
  }
  assert_int_equal(lines, 3);
  sky_frame_free(&f);
}

static void test_frame_too_long(void **state) {
  (void)state;
  sky_frame f;
  sky_frame_init(&f, 8);
  sky_line line;
  /* Exactly the limit is fine, with or without "\r". */
  assert_int_equal(sky_frame_append(&f, "12345678\n12345678\r\n", 19), 0);
  expect_line(&f, "12345678");
  expect_line(&f, "12345678");
  /* One more byte is too long, and is seen before the "\n" arrives. */
  assert_int_equal(sky_frame_append(&f, "123456789", 9), 0);
  assert_int_equal(sky_frame_next(&f, &line), SKY_FRAME_NONE); /* could still be 12345678 + "\r" */
  assert_int_equal(sky_frame_append(&f, "0", 1), 0);
  assert_int_equal(sky_frame_next(&f, &line), SKY_FRAME_TOO_LONG);
  sky_frame_free(&f);
  sky_frame_init(&f, 8);
  assert_int_equal(sky_frame_append(&f, "123456789\n", 10), 0);
  assert_int_equal(sky_frame_next(&f, &line), SKY_FRAME_TOO_LONG);
  sky_frame_free(&f);
  sky_frame_init(&f, 8);
  assert_int_equal(sky_frame_append(&f, "12345678\r", 9), 0);
  assert_int_equal(sky_frame_next(&f, &line), SKY_FRAME_NONE);
  assert_int_equal(sky_frame_append(&f, "\n", 1), 0);
  expect_line(&f, "12345678");
  sky_frame_free(&f);
}

static void test_frame_space_and_stream_end(void **state) {
  (void)state;
  sky_frame f;
  sky_frame_init(&f, 1 << 20);
  /* Many reads into the space the frame offers, with compaction. */
  size_t total = 0;
  for (int i = 0; i < 1000; i++) {
    size_t avail;
    char *dst = sky_frame_space(&f, 16, &avail);
    assert_non_null(dst);
    assert_true(avail >= 16);
    memcpy(dst, "row,1,2,3\n\\.\r\n", 14);
    sky_frame_commit(&f, 14);
    total += 14;
    sky_line line;
    assert_int_equal(sky_frame_next(&f, &line), SKY_FRAME_LINE);
    assert_false(sky_frame_is_stream_end(&line));
    assert_int_equal(line.raw_len, 10);
    assert_int_equal(sky_frame_next(&f, &line), SKY_FRAME_LINE);
    assert_true(sky_frame_is_stream_end(&line));
  }
  assert_int_equal(total, 14000);
  assert_true(f.cap < 4096 * 2); /* consumed bytes were reused, not accumulated */
  sky_line line = {"\\.x", 3, 4};
  assert_false(sky_frame_is_stream_end(&line));
  sky_frame_free(&f);
}

static void test_frame_peek_and_consume(void **state) {
  (void)state;
  sky_frame f;
  sky_frame_init(&f, 10);
  const char *text = "one\ntwo\r\nthree\npart";
  assert_int_equal(sky_frame_append(&f, text, strlen(text)), 0);
  size_t cursor = 0;
  sky_line line;
  assert_int_equal(sky_frame_peek(&f, &cursor, &line), SKY_FRAME_LINE);
  assert_int_equal(line.len, 3);
  assert_int_equal(cursor, 4);
  assert_int_equal(sky_frame_peek(&f, &cursor, &line), SKY_FRAME_LINE);
  assert_int_equal(line.len, 3);
  assert_int_equal(line.raw_len, 5);
  assert_int_equal(sky_frame_peek(&f, &cursor, &line), SKY_FRAME_LINE);
  assert_memory_equal(line.text, "three", 5);
  assert_int_equal(sky_frame_peek(&f, &cursor, &line), SKY_FRAME_NONE);
  assert_int_equal(sky_frame_pending(&f), strlen(text)); /* nothing consumed */
  /* Data arriving meanwhile (with compaction) keeps the peeked lines. */
  for (int i = 0; i < 100; i++) assert_int_equal(sky_frame_append(&f, "", 0), 0);
  assert_int_equal(sky_frame_append(&f, "\n", 1), 0);
  sky_frame_consume(&f, 9);
  expect_line(&f, "three");
  expect_line(&f, "part");
  /* Peeking sees a too-long line as next() does. */
  assert_int_equal(sky_frame_append(&f, "0123456789AB", 12), 0);
  cursor = 0;
  assert_int_equal(sky_frame_peek(&f, &cursor, &line), SKY_FRAME_TOO_LONG);
  sky_frame_consume(&f, 1000); /* clamped to what is there */
  assert_int_equal(sky_frame_pending(&f), 0);
  /* A large buffer is given back once empty; a small one is kept. */
  char big[100000];
  memset(big, 'x', sizeof big);
  f.max_line = sizeof big;
  assert_int_equal(sky_frame_append(&f, big, sizeof big), 0);
  sky_frame_shrink(&f);
  assert_non_null(f.data); /* not empty yet */
  assert_int_equal(sky_frame_append(&f, "\n", 1), 0);
  assert_int_equal(sky_frame_next(&f, &line), SKY_FRAME_LINE);
  assert_int_equal(line.len, sizeof big);
  sky_frame_shrink(&f);
  assert_null(f.data);
  assert_int_equal(sky_frame_append(&f, "PING\n", 5), 0);
  expect_line(&f, "PING");
  sky_frame_shrink(&f);
  assert_non_null(f.data);
  sky_frame_free(&f);
}

/* ---- requests ---------------------------------------------------------------- */

static sky_request_kind kind_of(const char *text) {
  sky_request req;
  sky_request_parse(text, strlen(text), &req);
  return req.kind;
}

static void test_request_commands(void **state) {
  (void)state;
  assert_int_equal(kind_of("PING"), SKY_REQUEST_PING);
  assert_int_equal(kind_of(" ping ; "), SKY_REQUEST_PING);
  assert_int_equal(kind_of("Ping;"), SKY_REQUEST_PING);
  assert_int_equal(kind_of("QUIT"), SKY_REQUEST_QUIT);
  assert_int_equal(kind_of("quit;"), SKY_REQUEST_QUIT);
  assert_int_equal(kind_of("PING PING"), SKY_REQUEST_STATEMENT);
  assert_int_equal(kind_of("PINGS"), SKY_REQUEST_STATEMENT);
  assert_int_equal(kind_of("PING;;"), SKY_REQUEST_STATEMENT);
  assert_int_equal(kind_of("AUTHORS"), SKY_REQUEST_STATEMENT);
  assert_int_equal(kind_of("SELECT count()"), SKY_REQUEST_STATEMENT);
  assert_int_equal(kind_of(""), SKY_REQUEST_BAD);
  assert_int_equal(kind_of("  \t "), SKY_REQUEST_BAD);
  assert_int_equal(kind_of("AUTH"), SKY_REQUEST_BAD);
  assert_int_equal(kind_of("AUTH bob"), SKY_REQUEST_BAD);
  assert_int_equal(kind_of("AUTH bob "), SKY_REQUEST_BAD);
  assert_int_equal(kind_of("AUTH;"), SKY_REQUEST_BAD);
}

static void test_request_auth_and_text(void **state) {
  (void)state;
  sky_request req;
  const char *line = "auth  alice   s3cret pass; word ";
  sky_request_parse(line, strlen(line), &req);
  assert_int_equal(req.kind, SKY_REQUEST_AUTH);
  assert_int_equal(req.user_len, 5);
  assert_memory_equal(req.user, "alice", 5);
  assert_int_equal(req.password_len, strlen("s3cret pass; word "));
  assert_memory_equal(req.password, "s3cret pass; word ", req.password_len);
  /* Statement text keeps leading blanks (error columns) but not trailing. */
  line = "  SELECT 1 ;  ";
  sky_request_parse(line, strlen(line), &req);
  assert_int_equal(req.kind, SKY_REQUEST_STATEMENT);
  assert_ptr_equal(req.text, line);
  assert_int_equal(req.len, strlen("  SELECT 1 ;"));
  char user[80];
  memset(user, 'u', sizeof user);
  memcpy(user, "AUTH ", 5);
  memcpy(user + 75, " pw", 3);
  sky_request_parse(user, 78, &req);
  assert_int_equal(req.kind, SKY_REQUEST_BAD); /* user name over 64 bytes */
}

static void test_request_bad_bytes(void **state) {
  (void)state;
  sky_request req;
  sky_request_parse("SELECT '\xff'", 10, &req);
  assert_int_equal(req.kind, SKY_REQUEST_BAD);
  assert_non_null(strstr(req.message, "UTF-8"));
  assert_non_null(strstr(req.message, "byte 9"));
  sky_request_parse("PI\0NG", 5, &req);
  assert_int_equal(req.kind, SKY_REQUEST_BAD);
  assert_non_null(strstr(req.message, "NUL"));
  sky_request_parse("\xed\xa0\x80", 3, &req); /* a surrogate */
  assert_int_equal(req.kind, SKY_REQUEST_BAD);
  sky_request_parse("SELECT 'é'", strlen("SELECT 'é'"), &req);
  assert_int_equal(req.kind, SKY_REQUEST_STATEMENT);
}

static void test_request_http(void **state) {
  (void)state;
  /* Request lines a browser or HTTP client sends, WebSocket upgrades too. */
  assert_int_equal(kind_of("POST / HTTP/1.1"), SKY_REQUEST_HTTP);
  assert_int_equal(kind_of("POST /x?y=1 HTTP/1.0"), SKY_REQUEST_HTTP);
  assert_int_equal(kind_of("GET /chat HTTP/1.1"), SKY_REQUEST_HTTP);
  assert_int_equal(kind_of("OPTIONS * HTTP/1.1 "), SKY_REQUEST_HTTP);
  assert_int_equal(kind_of("CONNECT a:443 HTTP/2"), SKY_REQUEST_HTTP);
  /* Header lines, whatever follows the ':' (not even UTF-8). */
  assert_int_equal(kind_of("Host: 127.0.0.1:8585"), SKY_REQUEST_HTTP);
  assert_int_equal(kind_of("host:x"), SKY_REQUEST_HTTP);
  assert_int_equal(kind_of("Content-Type: text/plain"), SKY_REQUEST_HTTP);
  assert_int_equal(kind_of("Sec-WebSocket-Key: dGhlIHNhbXBsZQ=="), SKY_REQUEST_HTTP);
  assert_int_equal(kind_of("Cookie: \xff"), SKY_REQUEST_HTTP);
  assert_int_equal(kind_of("Upgrade:"), SKY_REQUEST_HTTP);
  /* Statements that merely contain such text are statements. */
  assert_int_equal(kind_of("SELECT count() WHERE action = 'POST / HTTP/1.1'"), SKY_REQUEST_STATEMENT);
  assert_int_equal(kind_of("SELECT count() WHERE action = 'Host: x'"), SKY_REQUEST_STATEMENT);
  assert_int_equal(kind_of(" Host: x"), SKY_REQUEST_STATEMENT); /* leading blank: not a header */
  assert_int_equal(kind_of("GET OBJECT 7"), SKY_REQUEST_STATEMENT);
  assert_int_equal(kind_of("GET / HTTP/1.1 x"), SKY_REQUEST_STATEMENT);
  assert_int_equal(kind_of("GET / HTTP/x"), SKY_REQUEST_STATEMENT);
  assert_int_equal(kind_of("get / HTTP/1.1"), SKY_REQUEST_STATEMENT);
  assert_int_equal(kind_of("GET  HTTP/1.1"), SKY_REQUEST_STATEMENT);
  assert_int_equal(kind_of("-x: y"), SKY_REQUEST_STATEMENT);
  assert_int_equal(kind_of("PING"), SKY_REQUEST_PING);
}

/* ---- embedded replies: straight from a result, as if parsed from its JSON ---- */

static void assert_same_jv(const sky_jv *a, const sky_jv *b) {
  if (!a || !b) {
    assert_true(a == b);
    return;
  }
  assert_int_equal(a->type, b->type);
  assert_int_equal(a->b, b->b);
  assert_int_equal(a->n, b->n);
  if (a->type == SKY_JV_STRING || a->type == SKY_JV_NUMBER) {
    assert_int_equal(a->len, b->len);
    assert_memory_equal(a->str, b->str, a->len);
  }
  if (a->type == SKY_JV_NUMBER) {
    assert_int_equal(a->is_int, b->is_int);
    assert_int_equal(a->is_uint, b->is_uint);
    if (a->is_int) assert_int_equal(a->i, b->i);
    if (a->is_uint) assert_int_equal(a->u, b->u);
    assert_true(a->d == b->d || (a->d != a->d && b->d != b->d));
  }
  for (size_t i = 0; i < a->n; i++) {
    if (a->type == SKY_JV_OBJECT) assert_string_equal(a->keys[i], b->keys[i]);
    assert_same_jv(&a->items[i], &b->items[i]);
  }
}

static void assert_same_reply(const sky_reply *a, const sky_reply *b) {
  assert_int_equal(a->ok, b->ok);
  assert_string_equal(a->code, b->code);
  assert_string_equal(a->message, b->message);
  assert_int_equal(a->line, b->line);
  assert_int_equal(a->column, b->column);
  assert_true((a->field == NULL) == (b->field == NULL));
  if (a->field) assert_string_equal(a->field, b->field);
  assert_same_jv(a->columns, b->columns);
  assert_same_jv(a->types, b->types);
  assert_same_jv(a->rows, b->rows);
  assert_same_jv(a->errors, b->errors);
  assert_int_equal(a->has_rows_affected, b->has_rows_affected);
  assert_int_equal(a->rows_affected, b->rows_affected);
  assert_int_equal(a->ready, b->ready);
  assert_true(a->elapsed_ms == b->elapsed_ms);
}

/* What a sink of a streamed reply received: copies of the rows, in order
 * (or only their number, with `count_only`). */
typedef struct rows_seen {
  sky_arena arena;
  sky_jv items[64];
  size_t n;
  int begun;
  size_t stop_at; /* nonzero: the sink stops before this row (1-based) */
  bool count_only;
} rows_seen;

static void seen_init(rows_seen *s) {
  memset(s, 0, sizeof *s);
  sky_arena_init(&s->arena);
}

static int seen_begin(void *ctx, const sky_reply *head) {
  rows_seen *s = ctx;
  s->begun++;
  assert_true(head->ok);
  assert_non_null(head->columns);
  assert_null(head->rows);
  return 0;
}

static int seen_row(void *ctx, const sky_jv *row) {
  rows_seen *s = ctx;
  assert_int_equal(s->begun, 1);
  if (s->stop_at && s->n + 1 == s->stop_at) return 1;
  if (!s->count_only) {
    assert_true(s->n < 64);
    assert_true(sky_jv_copy(&s->items[s->n], row, &s->arena));
  }
  s->n++;
  return 0;
}

/* `got` holds the rows of `whole` and `streamed` the rest of it. */
static void assert_same_streamed(const sky_reply *whole, const rows_seen *got, const sky_reply *streamed) {
  if (whole->rows) {
    assert_int_equal(got->begun, 1);
    assert_int_equal(got->n, whole->rows->n);
    for (size_t i = 0; i < got->n; i++) assert_same_jv(&got->items[i], &whole->rows->items[i]);
  }
  assert_null(streamed->rows);
  sky_reply rest = *whole;
  rest.rows = NULL;
  assert_same_reply(streamed, &rest);
}

/* The embedded reply of `res` equals the parse of the JSON skyd sends. */
static void check_result_reply(const sky_result *res) {
  char err[160];
  size_t len = 0;
  char *json = sky_result_to_json(res, 12.5, &len);
  assert_non_null(json);
  sky_reply wire, direct;
  assert_int_equal(sky_reply_parse(json, len, &wire, err, sizeof err), 0);
  assert_int_equal(sky_reply_from_result(res, 12.5, &direct, err, sizeof err), 0);
  assert_same_reply(&direct, &wire);
  /* Streamed, one row at a time, it is the same; a sink may stop it. */
  rows_seen seen;
  seen_init(&seen);
  sky_row_sink sink = {seen_begin, seen_row, &seen};
  sky_reply streamed;
  assert_int_equal(sky_reply_stream_result(res, 12.5, &sink, &streamed, err, sizeof err), 0);
  assert_same_streamed(&wire, &seen, &streamed);
  sky_reply_free(&streamed);
  sky_arena_free(&seen.arena);
  if (wire.rows && wire.rows->n > 1) {
    seen_init(&seen);
    seen.stop_at = 2;
    assert_int_equal(sky_reply_stream_result(res, 12.5, &sink, &streamed, err, sizeof err), -1);
    assert_string_equal(err, "interrupted");
    assert_int_equal(seen.n, 1);
    sky_arena_free(&seen.arena);
  }
  sky_reply_free(&wire);
  sky_reply_free(&direct);
  free(json);
}

static void test_reply_from_result(void **state) {
  (void)state;
  sky_result *r = sky_result_new_rows(6);
  assert_non_null(r);
  sky_result_set_column(r, 0, "i", 1, SKY_COLUMN_INT);
  sky_result_set_column(r, 1, "o", 1, SKY_COLUMN_INT);
  sky_result_set_column(r, 2, "f", 1, SKY_COLUMN_FLOAT);
  sky_result_set_column(r, 3, "s", 1, SKY_COLUMN_STRING);
  sky_result_set_column(r, 4, "b", 1, SKY_COLUMN_BOOL);
  sky_result_set_column(r, 5, "t", 1, SKY_COLUMN_TIMESTAMP);
  const double floats[] = {0.0, -0.0, 2.7255405754769875, 1e300, 0.1, -5.5, 1.0 / 0.0, 0.0 / 0.0};
  const int64_t ints[] = {0, -1, INT64_MIN, INT64_MAX, 42, -7, 1767571200576082, 3};
  const uint64_t objs[] = {1, UINT64_MAX, (uint64_t)INT64_MAX + 1, 0, 7, 8, 9, 10};
  for (int k = 0; k < 8; k++) {
    sky_value *row = sky_result_append_row(r);
    assert_non_null(row);
    row[0] = (sky_value){.type = SKY_TYPE_INT, .as.i = ints[k]};
    row[1] = (sky_value){.type = SKY_TYPE_OBJECT, .as.u = objs[k]};
    row[2] = (sky_value){.type = SKY_TYPE_FLOAT, .as.f = floats[k]};
    if (k % 3) sky_result_set_string(r, &row[3], k == 1 ? "caf\xc3\xa9 \"q\"\n\x01" : "plain", k == 1 ? 12 : 5);
    if (k % 2) row[4] = (sky_value){.type = SKY_TYPE_BOOL, .as.b = k % 4 == 1};
    row[5] = (sky_value){.type = SKY_TYPE_INT, .as.i = ints[k]};
  }
  check_result_reply(r);
  sky_result_free(r);

  r = sky_result_new_message("loaded 3 events", 3);
  sky_error e;
  sky_error_clear(&e);
  sky_error_set(&e, SKY_ERR_BAD_VALUE, 4, 2, "not a number: 'x'");
  snprintf(e.field, sizeof e.field, "qty");
  sky_result_add_load_error(r, &e);
  sky_error_clear(&e);
  sky_error_set(&e, SKY_ERR_BAD_VALUE, 0, 0, "no position");
  sky_result_add_load_error(r, &e);
  check_result_reply(r);
  sky_result_free(r);

  r = sky_result_new_message("created table t", -1);
  check_result_reply(r);
  sky_result_free(r);

  /* Errors, with and without position and field. */
  char err[160];
  sky_error_clear(&e);
  sky_error_set(&e, SKY_ERR_SYNTAX, 1, 37, "unexpected 'GROPU'");
  for (int k = 0; k < 2; k++) {
    if (k) snprintf(e.field, sizeof e.field, "price");
    size_t len = 0;
    char *json = sky_error_to_json(&e, &len);
    sky_reply wire, direct;
    assert_int_equal(sky_reply_parse(json, len, &wire, err, sizeof err), 0);
    assert_int_equal(sky_reply_from_error(&e, &direct, err, sizeof err), 0);
    assert_same_reply(&direct, &wire);
    sky_reply_free(&wire);
    sky_reply_free(&direct);
    free(json);
  }
}

/* ---- replies ------------------------------------------------------------------- */

static const sky_jv *parse_json(sky_arena *a, const char *text, size_t len) {
  char err[160];
  const sky_jv *v = sky_jv_parse(text, len, a, err, sizeof err);
  if (!v) fail_msg("%s: %.*s", err, (int)len, text);
  return v;
}

static void test_reply_lines(void **state) {
  (void)state;
  sky_buf b;
  sky_buf_init(&b);
  skyd_reply_error(&b, SKY_ERR_BAD_REQUEST, "bad \"quote\" \x01 and \xff");
  assert_int_equal(b.data[b.len - 1], '\n');
  assert_null(memchr(b.data, '\n', b.len - 1));
  sky_arena a;
  sky_arena_init(&a);
  const sky_jv *v = parse_json(&a, b.data, b.len - 1);
  assert_false(sky_jv_get(v, "ok")->b);
  const sky_jv *e = sky_jv_get(v, "error");
  assert_string_equal(sky_jv_get(e, "code")->str, "bad_request");
  assert_string_equal(sky_jv_get(e, "message")->str, "bad \"quote\" \x01 and \xef\xbf\xbd");
  sky_buf_reset(&b);
  const char *err_json = "{\"ok\":false,\"error\":{\"code\":\"syntax_error\",\"message\":\"x\",\"line\":1,\"column\":3}}";
  skyd_reply_with_elapsed(&b, err_json, strlen(err_json), 1.5);
  assert_string_equal(b.data, "{\"ok\":false,\"error\":{\"code\":\"syntax_error\",\"message\":\"x\",\"line\":1,"
                              "\"column\":3},\"elapsed_ms\":1.500}\n");
  sky_buf_reset(&b);
  skyd_reply_with_elapsed(&b, "{}", 2, 2);
  assert_string_equal(b.data, "{\"elapsed_ms\":2.000}\n");
  sky_buf_reset(&b);
  skyd_reply_with_elapsed(&b, "oops", 4, 2);
  assert_non_null(strstr(b.data, "\"internal\""));
  sky_buf_reset(&b);
  skyd_reply_message(&b, "hi");
  assert_string_equal(b.data, "{\"ok\":true,\"message\":\"hi\"}\n");
  sky_arena_free(&a);
  sky_buf_free(&b);
}

/* ---- settings ------------------------------------------------------------------- */

static void test_config_values(void **state) {
  (void)state;
  uint64_t v;
  assert_int_equal(skyd_parse_size("1MiB", &v), 0);
  assert_int_equal(v, 1 << 20);
  assert_int_equal(skyd_parse_size(" 64 k ", &v), 0);
  assert_int_equal(v, 64 << 10);
  assert_int_equal(skyd_parse_size("512", &v), 0);
  assert_int_equal(v, 512);
  assert_int_equal(skyd_parse_size("2g", &v), 0);
  assert_int_equal(v, UINT64_C(2) << 30);
  assert_int_equal(skyd_parse_size("-1", &v), -1);
  assert_int_equal(skyd_parse_size("1 MiBs", &v), -1);
  assert_int_equal(skyd_parse_size("99999999999999999999", &v), -1);
  assert_int_equal(skyd_parse_size("99999999999T", &v), -1);
  assert_int_equal(skyd_parse_duration_ms("250ms", &v), 0);
  assert_int_equal(v, 250);
  assert_int_equal(skyd_parse_duration_ms("30s", &v), 0);
  assert_int_equal(v, 30000);
  assert_int_equal(skyd_parse_duration_ms("10", &v), 0);
  assert_int_equal(v, 10000);
  assert_int_equal(skyd_parse_duration_ms("2h", &v), 0);
  assert_int_equal(v, 7200000);
  assert_int_equal(skyd_parse_duration_ms("1.5s", &v), -1);
  assert_int_equal(skyd_parse_duration_ms("s", &v), -1);
}

static void test_config_file(void **state) {
  (void)state;
  skyd_config c;
  skyd_config_init(&c);
  assert_int_equal(c.max_line, 1 << 20);
  assert_int_equal(c.max_clients, 1024);
  const char *text = "# skyd settings\n"
                     "data = /tmp/sky data   # comment\n"
                     "listen=127.0.0.1:9000\r\n"
                     "\n"
                     "   max-clients = 7\n"
                     "max_line = 64KiB\n"
                     "idle_timeout = 90s\n"
                     "users = \"/etc/sky users#1\"  # quoted\n"
                     "load_dir = a#b\n"
                     "query_timeout = 500ms\n";
  char err[256];
  assert_int_equal(skyd_config_parse(&c, text, strlen(text), "t.conf", err, sizeof err), 0);
  assert_string_equal(c.data_dir, "/tmp/sky data");
  assert_string_equal(skyd_config_listen(&c), "127.0.0.1:9000");
  assert_int_equal(c.max_clients, 7);
  assert_int_equal(c.max_line, 64 << 10);
  assert_int_equal(c.idle_timeout_ms, 90000);
  assert_string_equal(c.users_file, "/etc/sky users#1");
  assert_string_equal(c.load_dir, "a#b");
  assert_int_equal(c.query_timeout_ms, 500);
  const char *bad[] = {"nonsense = 1\n", "max_clients = 0\n", "max_clients = lots\n", "max_line\n",
                       "users = \"open\n", "= 3\n", "idle_timeout = 5 parsecs\n", "threads = 1 2\n"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char with_line[64];
    snprintf(with_line, sizeof with_line, "# ok\n%s", bad[i]);
    assert_int_equal(skyd_config_parse(&c, with_line, strlen(with_line), "t.conf", err, sizeof err), -1);
    assert_non_null(strstr(err, "t.conf:2:"));
  }
  assert_int_equal(skyd_config_parse(&c, "data = x\0y\n", 11, "t.conf", err, sizeof err), -1);
  /* An empty value unsets a string setting. */
  assert_int_equal(skyd_config_parse(&c, "users =\n", 8, "t.conf", err, sizeof err), 0);
  assert_null(c.users_file);
  skyd_config_free(&c);
}

static void test_config_args(void **state) {
  (void)state;
  char path[512];
  const char *tmp = getenv("SKY_TEST_TMP");
  snprintf(path, sizeof path, "%s/test_server_unit.conf", tmp ? tmp : "/tmp");
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("listen = 127.0.0.1:1\nmax_clients = 5\nthreads = 3\n", f);
  fclose(f);
  skyd_config c;
  skyd_config_init(&c);
  char err[256];
  /* The command line wins over the file wherever it appears. */
  char *argv[] = {"skyd", "--listen", "127.0.0.1:2", "--config", path, "--max-clients=9", "--data", "d", NULL};
  assert_int_equal(skyd_config_args(&c, 8, argv, err, sizeof err), SKYD_ARGS_RUN);
  assert_string_equal(skyd_config_listen(&c), "127.0.0.1:2");
  assert_int_equal(c.max_clients, 9);
  assert_int_equal(c.threads, 3);
  assert_string_equal(skyd_config_data(&c), "d");
  assert_int_equal(skyd_config_check(&c, err, sizeof err), 0);
  skyd_config_free(&c);
  skyd_config_init(&c);
  char *help[] = {"skyd", "--bogus", "1", "--help", NULL};
  assert_int_equal(skyd_config_args(&c, 4, help, err, sizeof err), SKYD_ARGS_HELP);
  char *version[] = {"skyd", "--version", NULL};
  assert_int_equal(skyd_config_args(&c, 2, version, err, sizeof err), SKYD_ARGS_VERSION);
  char *unknown[] = {"skyd", "--bogus", "1", NULL};
  assert_int_equal(skyd_config_args(&c, 3, unknown, err, sizeof err), SKYD_ARGS_ERROR);
  assert_non_null(strstr(err, "bogus"));
  char *missing[] = {"skyd", "--data", NULL};
  assert_int_equal(skyd_config_args(&c, 2, missing, err, sizeof err), SKYD_ARGS_ERROR);
  char *positional[] = {"skyd", "data", NULL};
  assert_int_equal(skyd_config_args(&c, 2, positional, err, sizeof err), SKYD_ARGS_ERROR);
  char *nofile[] = {"skyd", "--config", "/nonexistent/sky.conf", NULL};
  assert_int_equal(skyd_config_args(&c, 3, nofile, err, sizeof err), SKYD_ARGS_ERROR);
  char *badlisten[] = {"skyd", "--listen", "localhost", NULL};
  assert_int_equal(skyd_config_args(&c, 3, badlisten, err, sizeof err), SKYD_ARGS_RUN);
  assert_int_equal(skyd_config_check(&c, err, sizeof err), -1);
  skyd_config_free(&c);
  unlink(path);
}

static void test_addresses(void **state) {
  (void)state;
  char host[64], port[16];
  assert_int_equal(skyd_split_hostport("127.0.0.1:8585", host, sizeof host, port, sizeof port), 0);
  assert_string_equal(host, "127.0.0.1");
  assert_string_equal(port, "8585");
  assert_int_equal(skyd_split_hostport("[::1]:0", host, sizeof host, port, sizeof port), 0);
  assert_string_equal(host, "::1");
  assert_string_equal(port, "0");
  assert_int_equal(skyd_split_hostport(":99", host, sizeof host, port, sizeof port), 0);
  assert_string_equal(host, "");
  assert_int_equal(skyd_split_hostport("::1:80", host, sizeof host, port, sizeof port), -1);
  assert_int_equal(skyd_split_hostport("host:", host, sizeof host, port, sizeof port), -1);
  assert_int_equal(skyd_split_hostport("host:8x", host, sizeof host, port, sizeof port), -1);
  assert_int_equal(skyd_split_hostport("[::1]80", host, sizeof host, port, sizeof port), -1);
  struct sockaddr_in in4 = {.sin_family = AF_INET};
  inet_pton(AF_INET, "127.3.2.1", &in4.sin_addr);
  assert_true(skyd_addr_is_loopback((struct sockaddr *)&in4));
  inet_pton(AF_INET, "0.0.0.0", &in4.sin_addr);
  assert_false(skyd_addr_is_loopback((struct sockaddr *)&in4));
  inet_pton(AF_INET, "10.0.0.1", &in4.sin_addr);
  assert_false(skyd_addr_is_loopback((struct sockaddr *)&in4));
  struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
  inet_pton(AF_INET6, "::1", &in6.sin6_addr);
  assert_true(skyd_addr_is_loopback((struct sockaddr *)&in6));
  inet_pton(AF_INET6, "::ffff:127.0.0.1", &in6.sin6_addr);
  assert_true(skyd_addr_is_loopback((struct sockaddr *)&in6));
  inet_pton(AF_INET6, "::", &in6.sin6_addr);
  assert_false(skyd_addr_is_loopback((struct sockaddr *)&in6));
}

/* ---- users ------------------------------------------------------------------------ */

static void test_users_file(void **state) {
  (void)state;
  assert_true(sodium_init() >= 0);
  char path[512], err[256];
  const char *tmp = getenv("SKY_TEST_TMP");
  snprintf(path, sizeof path, "%s/test_server_unit.users", tmp ? tmp : "/tmp");
  unlink(path);
  char hash[crypto_pwhash_STRBYTES];
  const uint64_t ops = 1, mem = 8192; /* the cheapest Argon2id: tests only */
  assert_int_equal(skyd_users_hash("pw one", 6, ops, mem, hash), 0);
  assert_int_equal(skyd_users_file_put(path, "alice", hash, err, sizeof err), 0);
  assert_int_equal(skyd_users_hash("two", 3, ops, mem, hash), 0);
  assert_int_equal(skyd_users_file_put(path, "bob", hash, err, sizeof err), 0);
  assert_int_equal(skyd_users_hash("pw 1bis", 7, ops, mem, hash), 0);
  assert_int_equal(skyd_users_file_put(path, "alice", hash, err, sizeof err), 0); /* replaces */
  assert_int_equal(skyd_users_file_put(path, "no spaces", hash, err, sizeof err), -1);
  skyd_users *u;
  assert_int_equal(skyd_users_load(path, ops, mem, &u, err, sizeof err), 0);
  assert_int_equal(skyd_users_count(u), 2);
  assert_int_equal(skyd_users_stale(u, ops, mem), 0);
  assert_int_equal(skyd_users_stale(u, 2, mem), 2);
  assert_true(skyd_users_verify(u, "alice", 5, "pw 1bis", 7));
  assert_false(skyd_users_verify(u, "alice", 5, "pw one", 6));
  assert_true(skyd_users_verify(u, "bob", 3, "two", 3));
  assert_false(skyd_users_verify(u, "bo", 2, "two", 3));
  assert_false(skyd_users_verify(u, "carol", 5, "two", 3));
  skyd_users_free(u);
  assert_int_equal(skyd_users_file_del(path, "alice", err, sizeof err), 1);
  assert_int_equal(skyd_users_file_del(path, "alice", err, sizeof err), 0);
  assert_int_equal(skyd_users_load(path, ops, mem, &u, err, sizeof err), 0);
  assert_int_equal(skyd_users_count(u), 1);
  skyd_users_free(u);
  /* Malformed files are refused with the line. */
  FILE *f = fopen(path, "w");
  fprintf(f, "# c\nbob:%s\nbob:%s\n", hash, hash);
  fclose(f);
  assert_int_equal(skyd_users_load(path, ops, mem, &u, err, sizeof err), -1);
  assert_non_null(strstr(err, ":3:"));
  f = fopen(path, "w");
  fprintf(f, "bad name:%s\n", hash);
  fclose(f);
  assert_int_equal(skyd_users_load(path, ops, mem, &u, err, sizeof err), -1);
  f = fopen(path, "w");
  fprintf(f, "bob:nothash\n");
  fclose(f);
  assert_int_equal(skyd_users_load(path, ops, mem, &u, err, sizeof err), -1);
  assert_int_equal(skyd_users_file_del("/nonexistent/users", "bob", err, sizeof err), -1);
  unlink(path);
  assert_non_null(skyd_password_problem("", 0));
  assert_non_null(skyd_password_problem(" lead", 5));
  assert_non_null(skyd_password_problem("a\nb", 3));
  assert_null(skyd_password_problem("fine pass", 9));
  assert_true(skyd_user_name_valid("a.b-c@d_e", 9));
  assert_false(skyd_user_name_valid("a:b", 3));
  assert_false(skyd_user_name_valid("", 0));
}

/* ---- workers ---------------------------------------------------------------------- */

typedef struct count_job {
  skyd_job job;
  atomic_int *counter;
} count_job;

static void count_run(skyd_job *job) { atomic_fetch_add(((count_job *)job)->counter, 1); }

static void test_workers(void **state) {
  (void)state;
  skyd_workers *w = skyd_workers_create(3);
  assert_non_null(w);
  atomic_int counter = 0;
  count_job jobs[200];
  for (int i = 0; i < 200; i++) {
    jobs[i].job.run = count_run;
    jobs[i].counter = &counter;
    skyd_workers_submit(w, &jobs[i].job);
  }
  int done = 0;
  while (done < 200) {
    for (skyd_job *j = skyd_workers_take_done(w); j; j = j->next) done++;
    if (done < 200) usleep(1000);
  }
  assert_int_equal(atomic_load(&counter), 200);
  assert_null(skyd_workers_take_done(w));
  skyd_workers_free(w);
}

/* ---- AUTH backoff (issue 13 item 6) ----------------------------------------------- */

static skyd_addr_key key4(const char *ip) {
  struct sockaddr_in in4 = {.sin_family = AF_INET};
  inet_pton(AF_INET, ip, &in4.sin_addr);
  skyd_addr_key k;
  skyd_addr_key_of((struct sockaddr *)&in4, &k);
  return k;
}

static skyd_addr_key key6(const char *ip) {
  struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
  inet_pton(AF_INET6, ip, &in6.sin6_addr);
  skyd_addr_key k;
  skyd_addr_key_of((struct sockaddr *)&in6, &k);
  return k;
}

static void test_auth_keys(void **state) {
  (void)state;
  skyd_addr_key a = key4("10.0.0.1"), b = key6("::ffff:10.0.0.1"), c = key4("10.0.0.2");
  assert_memory_equal(&a, &b, sizeof a); /* a mapped IPv4 is its IPv4 */
  assert_memory_not_equal(&a, &c, sizeof a);
  skyd_addr_key d = key6("2001:db8:1:2::1"), e = key6("2001:db8:1:2:ffff::9"), f = key6("2001:db8:1:3::1");
  assert_memory_equal(&d, &e, sizeof d); /* one /64 */
  assert_memory_not_equal(&d, &f, sizeof d);
}

static void test_auth_backoff(void **state) {
  (void)state;
  skyd_auth_limiter *l = skyd_auth_limiter_create(250, 8000);
  assert_non_null(l);
  skyd_addr_key a = key4("10.0.0.1"), b = key4("10.0.0.2");
  double next, now = 1000;
  /* Three failures are free. */
  for (unsigned i = 1; i <= 2; i++) {
    assert_true(skyd_auth_admit(l, &a, now) == now);
    assert_int_equal(skyd_auth_result(l, &a, false, now, &next), i);
    assert_true(next == now);
  }
  assert_true(skyd_auth_admit(l, &a, now) == now);
  assert_int_equal(skyd_auth_result(l, &a, false, now, &next), 3);
  assert_true(next == now + 250);
  /* Then each check waits, the wait doubling with each failure, up to 8 s. */
  double expect = 250;
  for (unsigned i = 4; i <= 12; i++) {
    double at = skyd_auth_admit(l, &a, now);
    assert_true(at == now + expect);
    now = at;
    assert_int_equal(skyd_auth_result(l, &a, false, now, &next), i);
    expect = expect * 2 > 8000 ? 8000 : expect * 2;
    assert_true(next == now + expect);
  }
  /* Other addresses are not affected. */
  assert_true(skyd_auth_admit(l, &b, now) == now);
  /* Checks from one address in backoff start one at a time, at its pace:
   * three connections asking at once get three slots. */
  double t1 = skyd_auth_admit(l, &a, now), t2 = skyd_auth_admit(l, &a, now), t3 = skyd_auth_admit(l, &a, now);
  assert_true(t1 == now + 8000 && t2 == t1 + 8000 && t3 == t2 + 8000);
  /* A success forgets the failures. */
  skyd_auth_result(l, &a, true, t1, &next);
  assert_true(skyd_auth_admit(l, &a, t1) == t1);
  assert_int_equal(skyd_auth_result(l, &a, false, t1, &next), 1);
  /* Time forgives one failure a minute. */
  skyd_auth_result(l, &b, false, 0, &next);
  skyd_auth_result(l, &b, false, 0, &next);
  assert_int_equal(skyd_auth_result(l, &b, false, 0, &next), 3);
  assert_true(skyd_auth_admit(l, &b, 100) == 250); /* 250 ms after the 3rd failure... */
  assert_true(skyd_auth_admit(l, &b, SKYD_AUTH_FORGIVE_MS + 1) == SKYD_AUTH_FORGIVE_MS + 1); /* ...then 2 left */
  assert_int_equal(skyd_auth_result(l, &b, false, SKYD_AUTH_FORGIVE_MS + 1, &next), 3);
  skyd_auth_limiter_free(l);
  /* Backoff off: nothing waits, failures are still counted. */
  l = skyd_auth_limiter_create(0, 8000);
  for (unsigned i = 1; i <= 10; i++) {
    assert_true(skyd_auth_admit(l, &a, 5) == 5);
    assert_int_equal(skyd_auth_result(l, &a, false, 5, &next), i);
    assert_true(next == 5);
  }
  skyd_auth_limiter_free(l);
}

static void test_auth_addresses_bounded(void **state) {
  (void)state;
  skyd_auth_limiter *l = skyd_auth_limiter_create(250, 8000);
  double next;
  skyd_addr_key first = key4("10.9.9.9");
  for (int i = 0; i < 3; i++) skyd_auth_result(l, &first, false, 0, &next);
  assert_true(skyd_auth_admit(l, &first, 1) > 1);
  /* More addresses than remembered: the one failed longest ago gives way. */
  for (unsigned i = 0; i < SKYD_AUTH_ADDRS; i++) {
    char ip[32];
    snprintf(ip, sizeof ip, "10.%u.%u.1", (i >> 8) & 255, i & 255);
    skyd_addr_key k = key4(ip);
    skyd_auth_result(l, &k, false, 10 + i, &next);
  }
  assert_true(skyd_auth_admit(l, &first, 20000) == 20000);
  skyd_auth_limiter_free(l);
}

/* ---- client JSON ------------------------------------------------------------------- */

static void test_json_numbers(void **state) {
  (void)state;
  sky_arena a;
  sky_arena_init(&a);
  const char *text = "[18446744073709551615,-9223372036854775808,9223372036854775807,"
                     "123456789012345678901234567890,1.5e3,-0,0.1,42]";
  const sky_jv *v = parse_json(&a, text, strlen(text));
  assert_int_equal(v->type, SKY_JV_ARRAY);
  assert_int_equal(v->n, 8);
  assert_true(v->items[0].is_uint);
  assert_false(v->items[0].is_int);
  assert_true(v->items[0].u == UINT64_MAX);
  assert_string_equal(v->items[0].str, "18446744073709551615");
  assert_true(v->items[1].is_int);
  assert_true(v->items[1].i == INT64_MIN);
  assert_true(v->items[2].is_int);
  assert_true(v->items[2].i == INT64_MAX);
  assert_false(v->items[3].is_int);
  assert_false(v->items[3].is_uint);
  assert_string_equal(v->items[3].str, "123456789012345678901234567890");
  assert_false(v->items[4].is_int);
  assert_true(v->items[4].d == 1500.0);
  assert_true(v->items[7].is_int);
  assert_int_equal(v->items[7].i, 42);
  sky_arena_free(&a);
}

static void test_json_strings_and_nesting(void **state) {
  (void)state;
  sky_arena a;
  sky_arena_init(&a);
  const char *text = " {\"a\\u00e9\":\"x\\ny\\t\\\"q\\\"\\\\\\/\", \"pair\":\"\\ud83d\\ude00\","
                     " \"n\":null, \"t\":true, \"f\":false, \"o\":{\"k\":[[],{}]}} ";
  const sky_jv *v = parse_json(&a, text, strlen(text));
  assert_int_equal(v->type, SKY_JV_OBJECT);
  assert_string_equal(sky_jv_get(v, "a\xc3\xa9")->str, "x\ny\t\"q\"\\/");
  assert_string_equal(sky_jv_get(v, "pair")->str, "\xf0\x9f\x98\x80");
  assert_int_equal(sky_jv_get(v, "n")->type, SKY_JV_NULL);
  assert_true(sky_jv_get(v, "t")->b);
  assert_false(sky_jv_get(v, "f")->b);
  const sky_jv *k = sky_jv_get(sky_jv_get(v, "o"), "k");
  assert_int_equal(k->n, 2);
  assert_int_equal(k->items[0].type, SKY_JV_ARRAY);
  assert_int_equal(k->items[1].type, SKY_JV_OBJECT);
  assert_null(sky_jv_get(v, "missing"));
  assert_null(sky_jv_get(k, "k"));
  /* Embedded NUL survives with its length. */
  v = parse_json(&a, "\"a\\u0000b\"", 10);
  assert_int_equal(v->len, 3);
  sky_arena_free(&a);
}

static void test_json_malformed(void **state) {
  (void)state;
  const char *bad[] = {"",        "{",         "[1,]",      "{\"a\":}",   "{\"a\" 1}", "{a:1}",      "[1 2]",
                       "01",      "1.",        "-",         "1e",         "\"abc",     "\"\\x\"",    "\"\\u12\"",
                       "tru",     "nul",       "[] []",     "\"a\nb\"",   "{\"a\":1,}", "+1",        "[\"\\ud800\\u\"]",
                       "\"\\",    "{\"k\":1 x", "\"\\ud800!\"", "\"\\udc00\"", "\"\\ud83d\\u0041\""};
  char err[160];
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    sky_arena a;
    sky_arena_init(&a);
    if (sky_jv_parse(bad[i], strlen(bad[i]), &a, err, sizeof err)) fail_msg("accepted: %s", bad[i]);
    assert_non_null(strstr(err, "at byte"));
    sky_arena_free(&a);
  }
  /* Depth is bounded. */
  char deep[400];
  memset(deep, '[', 200);
  memset(deep + 200, ']', 200);
  sky_arena a;
  sky_arena_init(&a);
  assert_null(sky_jv_parse(deep, 400, &a, err, sizeof err));
  assert_non_null(strstr(err, "nesting"));
  assert_non_null(sky_jv_parse(deep + 200 - 60, 120, &a, err, sizeof err));
  sky_arena_free(&a);
}

static void test_reply_parse(void **state) {
  (void)state;
  sky_reply r;
  char err[200];
  const char *ok = "{\"ok\":true,\"columns\":[\"plan\",\"count()\"],\"rows\":[[null,3],[\"pro\",17]],\"elapsed_ms\":1.84}";
  assert_int_equal(sky_reply_parse(ok, strlen(ok), &r, err, sizeof err), 0);
  assert_true(r.ok);
  assert_int_equal(r.columns->n, 2);
  assert_int_equal(r.rows->n, 2);
  assert_true(r.elapsed_ms > 1.83 && r.elapsed_ms < 1.85);
  assert_string_equal(r.code, "");
  assert_null(r.types); /* a server from before "types" */
  sky_reply_free(&r);
  const char *typed = "{\"ok\":true,\"columns\":[\"t\",\"d\"],\"types\":[\"TIMESTAMP\",\"DURATION\"],\"rows\":[[0,1]]}";
  assert_int_equal(sky_reply_parse(typed, strlen(typed), &r, err, sizeof err), 0);
  assert_non_null(r.types);
  assert_int_equal(r.types->n, 2);
  assert_string_equal(r.types->items[0].str, "TIMESTAMP");
  assert_string_equal(r.types->items[1].str, "DURATION");
  sky_reply_free(&r);
  const char *fail = "{\"ok\":false,\"error\":{\"code\":\"syntax_error\",\"message\":\"unexpected 'GROUP'\","
                     "\"line\":1,\"column\":24}}";
  assert_int_equal(sky_reply_parse(fail, strlen(fail), &r, err, sizeof err), 0);
  assert_false(r.ok);
  assert_string_equal(r.code, "syntax_error");
  assert_string_equal(r.message, "unexpected 'GROUP'");
  assert_int_equal(r.line, 1);
  assert_int_equal(r.column, 24);
  assert_null(r.field);
  sky_reply_free(&r);
  const char *load = "{\"ok\":true,\"message\":\"loaded 2 events\",\"rows_affected\":2,\"errors\":[{\"line\":3,"
                     "\"field\":\"price\",\"code\":\"bad_value\",\"message\":\"m\"}]}";
  assert_int_equal(sky_reply_parse(load, strlen(load), &r, err, sizeof err), 0);
  assert_true(r.has_rows_affected);
  assert_int_equal(r.rows_affected, 2);
  assert_int_equal(r.errors->n, 1);
  assert_string_equal(r.message, "loaded 2 events");
  sky_reply_free(&r);
  sky_reply_free(&r); /* twice is fine */
  assert_int_equal(sky_reply_parse("{\"ok\":true,\"ready\":true}", 24, &r, err, sizeof err), 0);
  assert_true(r.ready);
  sky_reply_free(&r);
  assert_int_equal(sky_reply_parse("[1]", 3, &r, err, sizeof err), -1);
  assert_int_equal(sky_reply_parse("{\"ok\":1}", 8, &r, err, sizeof err), -1);
  assert_int_equal(sky_reply_parse("not json", 8, &r, err, sizeof err), -1);
  sky_reply_free(&r);
}

/* ---- streamed replies --------------------------------------------------------- */

/* Feeds `line`, its "\n" and a pipelined reply after it to a reader in
 * pieces of `chunk` bytes. Returns 0 with `r` and `seen` filled, or -1
 * with `err`. The reader must stop right after the newline. */
static int stream_in_chunks(const char *line, size_t chunk, rows_seen *seen, sky_reply *r, char *err,
                            size_t err_len) {
  sky_buf text;
  sky_buf_init(&text);
  sky_buf_puts(&text, line);
  sky_buf_puts(&text, "\n{\"ok\":true}\n");
  sky_row_sink sink = {seen_begin, seen_row, seen};
  sky_reply_reader *rd = sky_reply_reader_create(&sink);
  assert_non_null(rd);
  size_t at = 0;
  bool done = false;
  int rc = 0;
  while (!done) {
    size_t n = text.len - at < chunk ? text.len - at : chunk;
    ptrdiff_t used = sky_reply_reader_feed(rd, text.data + at, n, &done, err, err_len);
    if (used < 0) {
      rc = -1;
      break;
    }
    assert_true(done || (size_t)used == n);
    at += (size_t)used;
  }
  if (rc == 0) {
    assert_int_equal(at, strlen(line) + 1);
    rc = sky_reply_reader_finish(rd, r, err, err_len);
    assert_int_equal(sky_reply_reader_rows(rd), seen->n);
  }
  sky_reply_reader_free(rd);
  sky_buf_free(&text);
  return rc;
}

static const size_t g_chunks[] = {1, 2, 3, 5, 7, 13, 64, 65536};
#define N_CHUNKS (sizeof g_chunks / sizeof *g_chunks)

/* Whatever the pieces, the rows and the rest equal sky_reply_parse's. */
static void check_streams_like_parse(const char *line) {
  char err[200];
  sky_reply whole;
  if (sky_reply_parse(line, strlen(line), &whole, err, sizeof err) != 0) fail_msg("parse: %s: %s", err, line);
  for (size_t k = 0; k < N_CHUNKS; k++) {
    rows_seen seen;
    seen_init(&seen);
    sky_reply r;
    if (stream_in_chunks(line, g_chunks[k], &seen, &r, err, sizeof err) != 0)
      fail_msg("pieces of %zu: %s: %s", g_chunks[k], err, line);
    assert_same_streamed(&whole, &seen, &r);
    sky_reply_free(&r);
    sky_arena_free(&seen.arena);
  }
  sky_reply_free(&whole);
}

static void test_reply_stream(void **state) {
  (void)state;
  static const char *const lines[] = {
      /* Escapes of every kind, brackets and commas inside strings, a
       * surrogate pair, raw UTF-8: with 1-byte pieces each is split at
       * every byte. */
      "{\"ok\":true,\"columns\":[\"s\",\"n\"],\"types\":[\"STRING\",\"INT\"],\"rows\":[[\"a\\\"]b,[c\",1],"
      "[\"\\\\\",-2],[\"caf\\u00e9 \\ud83d\\ude00 \\/ \\b\\f\\n\\r\\t\",18446744073709551615],[null,1.5e3],"
      "[\"h\xc3\xa9\\\\\\\"\",true],[\"\",false]],\"elapsed_ms\":1.840}",
      "{\"ok\":true,\"columns\":[\"a\"],\"types\":[\"INT\"],\"rows\":[],\"elapsed_ms\":0.5}",
      /* Whitespace between every token. */
      "{ \"ok\" : true , \"columns\" : [ \"a\" ] , \"rows\" : [ [ 1 ] , [ \"x\" ] ,[2] ] , \"elapsed_ms\" : 2 }",
      /* An escaped name is still "rows"; members in another order. */
      "{\"ok\":true,\"elapsed_ms\":3.5,\"columns\":[\"a\"],\"r\\u006fws\":[[1],[2]],\"types\":[\"INT\"]}",
      /* "rows" inside strings and nested objects is not the rows. */
      "{\"ok\":true,\"message\":\"\\\"rows\\\":[1]\",\"columns\":[\"a\"],\"meta\":{\"rows\":[1,2]},"
      "\"rows\":[[{\"rows\":[3]}],[[[4]]]]}",
      /* Elements that are not arrays reach the sink as they are. */
      "{\"ok\":true,\"columns\":[\"a\"],\"rows\":[1,\"x]\",null,[2],-0.5e-3,{\"k\":\"}\"}]}",
      /* A second "rows" is ordinary text (the first one counts). */
      "{\"ok\":true,\"columns\":[\"a\"],\"rows\":[[1]],\"rows\":[[2]]}",
      /* Replies without rows. */
      "{\"ok\":true,\"message\":\"loaded 2 events\",\"rows_affected\":2,\"errors\":[{\"line\":3,\"field\":\"price\","
      "\"code\":\"bad_value\",\"message\":\"m [\\\"\"}],\"elapsed_ms\":9.000}",
      "{\"ok\":false,\"error\":{\"code\":\"syntax_error\",\"message\":\"unexpected 'rows'\",\"line\":1,\"column\":24},"
      "\"elapsed_ms\":0.210}",
      "{\"ok\":true,\"ready\":true}",
      "{\"ok\":true,\"pong\":true}",
      "{\"ok\":true,\"columns\":[\"a\"],\"rows\":null}",
  };
  for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) check_streams_like_parse(lines[i]);
}

/* A broken reply is an error, whatever the pieces; so is a sink that stops. */
static void check_stream_fails(const char *line, size_t stop_at, const char *want) {
  for (size_t k = 0; k < N_CHUNKS; k++) {
    char err[200] = "";
    rows_seen seen;
    seen_init(&seen);
    seen.stop_at = stop_at;
    sky_reply r;
    if (stream_in_chunks(line, g_chunks[k], &seen, &r, err, sizeof err) == 0) fail_msg("accepted: %s", line);
    if (!strstr(err, want)) fail_msg("pieces of %zu: '%s' does not say '%s'", g_chunks[k], err, want);
    sky_arena_free(&seen.arena);
  }
}

static void test_reply_stream_errors(void **state) {
  (void)state;
  check_stream_fails("{\"ok\":true,\"columns\":[\"a\"],\"rows\":[[1],[2,}]]}", 0, "row 2");
  check_stream_fails("{\"ok\":true,\"columns\":[\"a\"],\"rows\":[[\"\\x\"]]}", 0, "bad escape");
  check_stream_fails("{\"ok\":true,\"columns\":[\"a\"],\"rows\":[[\"\\ud800\"]]}", 0, "surrogate");
  check_stream_fails("{\"ok\":true,\"columns\":[\"a\"],\"rows\":[[1],[2]", 0, "the line ended inside \"rows\"");
  check_stream_fails("{\"ok\":true,\"rows\":[[1]],\"columns\":[\"a\"]}", 0, "\"rows\" without \"columns\"");
  check_stream_fails("{\"ok\":1,\"columns\":[\"a\"],\"rows\":[[1]]}", 0, "no \"ok\" member");
  check_stream_fails("{\"ok\":true,\"message\":\"abc", 0, "unterminated string");
  check_stream_fails("not json", 0, "malformed reply");
  check_stream_fails("{\"ok\":true,\"columns\":[\"a\"],\"rows\":[[1],[2],[3]]}", 2, "interrupted");
}

/* Many rows: each reaches the sink, none is kept by the reader. */
static void test_reply_stream_many(void **state) {
  (void)state;
  sky_buf line;
  sky_buf_init(&line);
  sky_buf_puts(&line, "{\"ok\":true,\"columns\":[\"o\",\"s\"],\"types\":[\"INT\",\"STRING\"],\"rows\":[");
  for (int i = 0; i < 200000; i++) sky_buf_printf(&line, "%s[%d,\"v\\u00e9\\\"%d\"]", i ? "," : "", i, i % 97);
  sky_buf_puts(&line, "],\"elapsed_ms\":1.0}");
  assert_false(line.failed);
  char err[200];
  rows_seen seen;
  seen_init(&seen);
  seen.count_only = true;
  sky_reply r;
  assert_int_equal(stream_in_chunks(line.data, 65536, &seen, &r, err, sizeof err), 0);
  assert_int_equal(seen.n, 200000);
  assert_non_null(r.columns);
  assert_null(r.rows);
  assert_true(r.elapsed_ms == 1.0);
  sky_reply_free(&r);
  sky_buf_free(&line);
}

/* ---- shell statement splitting ----------------------------------------------------- */

typedef struct collected {
  char text[8][128];
  size_t parts[8];
  int n;
} collected;

static void collect(void *ctx, const skysh_stmt *st) {
  collected *c = ctx;
  assert_true(c->n < 8);
  snprintf(c->text[c->n], sizeof c->text[c->n], "%.*s", (int)st->len, st->text);
  c->parts[c->n] = st->n_parts;
  c->n++;
}

static void feed(skysh_splitter *s, const char *line, int no, collected *c) {
  assert_int_equal(skysh_split_feed(s, line, strlen(line), no, collect, c), 0);
}

static void test_split(void **state) {
  (void)state;
  skysh_splitter s;
  skysh_split_init(&s);
  collected c = {.n = 0};
  feed(&s, "SELECT count()", 1, &c);
  assert_true(skysh_split_pending(&s));
  feed(&s, "  FROM t -- a comment; not the end", 2, &c);
  assert_int_equal(c.n, 0);
  feed(&s, "WHERE action = 'a;b' AND \"we;ird\" = 1;  SHOW TABLES; ", 3, &c);
  assert_int_equal(c.n, 2);
  assert_string_equal(c.text[0], "SELECT count()   FROM t  WHERE action = 'a;b' AND \"we;ird\" = 1");
  assert_int_equal(c.parts[0], 3);
  assert_string_equal(c.text[1], "  SHOW TABLES");
  assert_false(skysh_split_pending(&s));
  /* A string running over a line end keeps the scanner inside it. */
  feed(&s, "INSERT INTO t (object, action) VALUES (1, 'it''s;", 4, &c);
  feed(&s, "fine');", 5, &c);
  assert_int_equal(c.n, 3);
  assert_string_equal(c.text[2], "INSERT INTO t (object, action) VALUES (1, 'it''s; fine')");
  feed(&s, ";;  ;", 6, &c); /* empty statements are skipped */
  assert_int_equal(c.n, 3);
  feed(&s, "SHOW TABLES", 7, &c);
  skysh_split_flush(&s, collect, &c);
  assert_int_equal(c.n, 4);
  skysh_split_flush(&s, collect, &c);
  assert_int_equal(c.n, 4);
  skysh_split_free(&s);
}

static void locate_case(void **state) {
  (void)state;
  skysh_splitter s;
  skysh_split_init(&s);
  const char *text = NULL;
  size_t len = 0;
  collected c = {.n = 0};
  feed(&s, "SELECT x", 10, &c);
  feed(&s, "FROM t GROPU BY y", 11, &c);
  /* Build a statement view over the pending text, as flush would. */
  text = s.text.data;
  len = s.text.len;
  skysh_stmt st = {text, len, s.n_parts, s.starts, s.lines};
  size_t part, off;
  skysh_stmt_locate(&st, 1, &part, &off);
  assert_int_equal(part, 0);
  assert_int_equal(off, 0);
  skysh_stmt_locate(&st, 17, &part, &off); /* "GROPU" in the joined "SELECT x FROM t GROPU BY y" */
  assert_int_equal(part, 1);
  assert_int_equal(off, 7);
  assert_int_equal(st.lines[part], 11);
  skysh_stmt_locate(&st, (int)len + 1, &part, &off); /* one past the end */
  assert_int_equal(part, 1);
  assert_int_equal(off, strlen("FROM t GROPU BY y"));
  skysh_stmt_locate(&st, 1000, &part, &off); /* beyond: clamped */
  assert_int_equal(off, strlen("FROM t GROPU BY y"));
  skysh_split_free(&s);
  /* Columns count code points, not bytes. */
  skysh_split_init(&s);
  feed(&s, "SELECT '\xc3\xa9\xc3\xa9' x", 1, &c);
  skysh_stmt utf = {s.text.data, s.text.len, s.n_parts, s.starts, s.lines};
  skysh_stmt_locate(&utf, 13, &part, &off); /* the 'x' after two 2-byte characters */
  assert_int_equal(off, 14);
  assert_int_equal(utf.text[off], 'x');
  skysh_split_free(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_frame_lines),
      cmocka_unit_test(test_frame_byte_by_byte),
      cmocka_unit_test(test_frame_too_long),
      cmocka_unit_test(test_frame_space_and_stream_end),
      cmocka_unit_test(test_frame_peek_and_consume),
      cmocka_unit_test(test_request_commands),
      cmocka_unit_test(test_request_auth_and_text),
      cmocka_unit_test(test_request_bad_bytes),
      cmocka_unit_test(test_request_http),
      cmocka_unit_test(test_reply_lines),
      cmocka_unit_test(test_config_values),
      cmocka_unit_test(test_config_file),
      cmocka_unit_test(test_config_args),
      cmocka_unit_test(test_addresses),
      cmocka_unit_test(test_users_file),
      cmocka_unit_test(test_workers),
      cmocka_unit_test(test_auth_keys),
      cmocka_unit_test(test_auth_backoff),
      cmocka_unit_test(test_auth_addresses_bounded),
      cmocka_unit_test(test_json_numbers),
      cmocka_unit_test(test_json_strings_and_nesting),
      cmocka_unit_test(test_json_malformed),
      cmocka_unit_test(test_reply_parse),
      cmocka_unit_test(test_reply_from_result),
      cmocka_unit_test(test_reply_stream),
      cmocka_unit_test(test_reply_stream_errors),
      cmocka_unit_test(test_reply_stream_many),
      cmocka_unit_test(test_split),
      cmocka_unit_test(locate_case),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
