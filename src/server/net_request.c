/* net_request.c — request recognition; see net_request.h.
 *
 * PING and QUIT match case-insensitively, alone on the line, with an
 * optional trailing ';' (sky-shell users type them like statements). AUTH
 * takes the first word after it as the user name and everything after the
 * next run of blanks, verbatim, as the password, so passwords may contain
 * spaces and ';'.
 *
 * HTTP: a request line is METHOD SP target SP HTTP/d[.d] (the method in
 * upper case letters, as every browser and HTTP client sends it; this also
 * covers a WebSocket upgrade GET), and a header line is a field name of
 * letters, digits and '-' followed at once by ':' ("Host: ..."). Neither
 * shape is a statement of the query language, whose statements begin with a
 * keyword followed by a blank or '(' and never consist of three words
 * ending in HTTP/1.1; a statement that merely contains such text, in a
 * string, is not affected. Checked before UTF-8 validity, since header
 * values need not be UTF-8. */
#include "server/net_request.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/utf8.h"

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

static bool word_is(const char *s, size_t len, const char *word) {
  return len == strlen(word) && strncasecmp(s, word, len) == 0;
}

static void set_bad(sky_request *req, const char *msg) {
  req->kind = SKY_REQUEST_BAD;
  snprintf(req->message, sizeof req->message, "%s", msg);
}

/* AUTH user password: `p` points past "AUTH" and its blanks. */
static void parse_auth(const char *p, const char *end, sky_request *req) {
  const char *user = p;
  while (p < end && !is_blank(*p)) p++;
  size_t user_len = (size_t)(p - user);
  while (p < end && is_blank(*p)) p++;
  if (user_len == 0 || p == end) {
    set_bad(req, "usage: AUTH user password");
    return;
  }
  if (user_len > SKY_USER_NAME_MAX) {
    set_bad(req, "user name too long");
    return;
  }
  req->kind = SKY_REQUEST_AUTH;
  req->user = user;
  req->user_len = user_len;
  req->password = p;
  req->password_len = (size_t)(end - p);
}

static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }

/* METHOD SP target SP HTTP/d[.d], optionally followed by blanks. */
static bool is_http_request_line(const char *p, const char *end) {
  const char *m = p;
  while (p < end && is_upper(*p)) p++;
  if (p == m || p - m > 32 || p == end || *p != ' ') return false;
  p++;
  const char *target = p;
  while (p < end && *p != ' ' && *p != '\t') p++;
  if (p == target || p == end) return false;
  p++;
  if (end - p < 6 || memcmp(p, "HTTP/", 5) != 0 || !is_digit(p[5])) return false;
  p += 6;
  if (p + 1 < end && *p == '.' && is_digit(p[1])) p += 2;
  while (p < end && is_blank(*p)) p++;
  return p == end;
}

/* A header field name immediately followed by ':'. */
static bool is_http_header_line(const char *p, const char *end) {
  const char *name = p;
  if (p == end || !is_alpha(*p)) return false;
  while (p < end && (is_alpha(*p) || is_digit(*p) || *p == '-')) p++;
  return p < end && *p == ':' && p - name <= 64;
}

void sky_request_parse(const char *line, size_t len, sky_request *req) {
  memset(req, 0, sizeof *req);
  if (is_http_request_line(line, line + len) || is_http_header_line(line, line + len)) {
    set_bad(req, "HTTP request on the line port");
    req->kind = SKY_REQUEST_HTTP;
    return;
  }
  size_t bad_at = 0;
  if (!sky_utf8_valid(line, len, &bad_at)) {
    req->kind = SKY_REQUEST_BAD;
    snprintf(req->message, sizeof req->message, "request is not valid UTF-8 (byte %zu)", bad_at + 1);
    return;
  }
  if (memchr(line, '\0', len)) {
    set_bad(req, "request holds a NUL byte");
    return;
  }
  const char *p = line, *end = line + len;
  while (p < end && is_blank(*p)) p++;
  while (end > p && is_blank(end[-1])) end--;
  if (p == end) {
    set_bad(req, "empty request");
    return;
  }
  const char *w = p;
  while (w < end && !is_blank(*w) && *w != ';') w++;
  size_t wlen = (size_t)(w - p);
  if (word_is(p, wlen, "AUTH") && w < end && is_blank(*w)) {
    while (w < end && is_blank(*w)) w++;
    parse_auth(w, line + len, req);
    return;
  }
  if (word_is(p, wlen, "AUTH")) {
    set_bad(req, "usage: AUTH user password");
    return;
  }
  /* PING / QUIT alone, optionally followed by blanks and one ';'. */
  const char *rest = w;
  while (rest < end && is_blank(*rest)) rest++;
  if (rest < end && *rest == ';') rest++;
  if (rest == end && word_is(p, wlen, "PING")) {
    req->kind = SKY_REQUEST_PING;
    return;
  }
  if (rest == end && word_is(p, wlen, "QUIT")) {
    req->kind = SKY_REQUEST_QUIT;
    return;
  }
  /* Leading blanks stay, so that error columns count from the line's start. */
  req->kind = SKY_REQUEST_STATEMENT;
  req->text = line;
  req->len = (size_t)(end - line);
}
