/* parse.c — sky_parse(): one statement's text to a sky_stmt.
 *
 * It owns the parse context (statement copy, scanner, token log), the
 * parser's token stream (raw tokens with NOT LIKE / NOT IN merged into one
 * token, as PostgreSQL does, so they take the precedence of LIKE and IN,
 * and AS OF into one, so that `SELECT x AS OF ts` is not read as an alias),
 * the wording of syntax errors, and the normalized text of a query.
 *
 * Syntax errors read "unexpected 'GROUP', expected expression": the token
 * as written (a string literal as `string 'abc'`, the end as "end of
 * input") and the exact set of tokens the parser could accept there (LAC),
 * with long sets folded into the words an analyst thinks in: "expression"
 * for everything that can start an expression, "operator" for every
 * operator that could continue one, "identifier" for the non-reserved
 * keywords that are names there. The message never contains the position:
 * line and column are fields of the error.
 */
#include <stdio.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "parser/lexer.h"
#include "sky_parser.h"

/* ---- the parser's token stream ----------------------------------------------- */

int sky_lex_next(sky_parse_ctx *ctx, sky_tokval *val, sky_loc *loc) {
  int kind;
  if (ctx->has_peek) {
    ctx->has_peek = false;
    kind = ctx->peek_kind;
    *val = ctx->peek_val;
    *loc = ctx->peek_loc;
    ctx->peek_error = false;
  } else {
    kind = sky_scanner_next(ctx, val, loc);
  }
  if (kind != KW_NOT && kind != KW_AS) return kind;
  int next = sky_scanner_next(ctx, &ctx->peek_val, &ctx->peek_loc);
  if (kind == KW_NOT && (next == KW_LIKE || next == KW_IN)) {
    loc->end = ctx->peek_loc.end;
    return next == KW_LIKE ? T_NOT_LIKE : T_NOT_IN;
  }
  if (kind == KW_AS && next == KW_OF) {
    loc->end = ctx->peek_loc.end;
    return T_AS_OF;
  }
  ctx->has_peek = true;
  ctx->peek_kind = next;
  /* a lexical error in the peeked token is not the first error if the
   * parser rejects the NOT before reaching it */
  ctx->peek_error = next == SKY_YYerror;
  return kind;
}

/* ---- syntax errors ----------------------------------------------------------- */

static const char *const g_expr_start[] = {"identifier", "integer", "number", "duration", "string",
                                           "'('",        "'-'",     "NOT",    "TRUE",     "FALSE",
                                           "NULL",       "OBJECT",  "TIMESTAMP", "ACTION", "STATE",
                                           "EVENT",      "SESSION"};
static const char *const g_operators[] = {"'='", "'!='", "'<'", "'<='", "'>'", "'>='", "'+'", "'-'", "'*'",
                                          "'/'", "'%'",  "AND", "OR",   "IS",  "IN",   "LIKE", "NOT IN",
                                          "NOT LIKE"};

#define N_OF(a) (sizeof(a) / sizeof *(a))

static bool in_set(const char *name, const char *const *set, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(name, set[i]) == 0) return true;
  return false;
}

static bool expects(const char *const *names, int n, const char *name) { return in_set(name, names, (size_t)n); }

/* "A", "A or B", "A, B or C" */
static void put_choice(sky_buf *b, const char *const *words, int n) {
  for (int i = 0; i < n; i++) {
    if (i > 0) sky_buf_puts(b, i == n - 1 ? " or " : ", ");
    sky_buf_puts(b, words[i]);
  }
}

/* The expected tokens in an analyst's words. Returns how many. */
static int friendly_expected(const char *const *names, int n, const char **out) {
  bool in_expr = expects(names, n, "'('") && expects(names, n, "integer") && expects(names, n, "identifier");
  bool in_op = expects(names, n, "'+'"); /* only ever a binary '+' */
  bool names_ok = expects(names, n, "identifier");
  int k = 0;
  if (in_expr) out[k++] = "expression";
  if (in_op) out[k++] = "operator";
  for (int i = 0; i < n; i++) {
    const char *nm = names[i];
    if (strcmp(nm, "';'") == 0 || strcmp(nm, "end of input") == 0) continue;
    if (in_expr && in_set(nm, g_expr_start, N_OF(g_expr_start))) continue;
    if (in_op && in_set(nm, g_operators, N_OF(g_operators))) continue;
    if ((in_expr || names_ok) && sky_lex_nonreserved(nm)) continue;
    /* reserved words are accepted as property names only to be refused
     * with a semantic_error; an analyst still expects "identifier" there */
    if (names_ok && in_set(nm, g_expr_start + 11, 6)) continue;
    out[k++] = nm;
  }
  if (expects(names, n, "end of input")) out[k++] = "end of input";
  return k;
}

void sky_parse_syntax_error(sky_parse_ctx *ctx, const sky_loc *loc, bool at_end, const char *const *expected,
                            int n_expected) {
  if (ctx->failed && !ctx->peek_error) return;
  ctx->failed = false;
  char found[96], q[80];
  if (at_end) {
    snprintf(found, sizeof found, "end of input");
  } else {
    const char *tok = ctx->text + loc->start;
    sky_error_quote(q, tok, loc->end - loc->start);
    snprintf(found, sizeof found, tok[0] == '\'' ? "string %s" : "'%s'", q);
  }
  const char *words[128];
  int n = friendly_expected(expected, n_expected < 128 ? n_expected : 128, words);
  sky_buf b;
  sky_buf_init(&b);
  sky_buf_printf(&b, "unexpected %s", found);
  if (n > 0) {
    sky_buf_puts(&b, ", expected ");
    put_choice(&b, words, n);
  }
  if (b.failed) {
    sky_buf_free(&b);
    ast_oom(ctx);
    return;
  }
  ast_fail(ctx, SKY_ERR_SYNTAX, loc, "%s", b.data);
  sky_buf_free(&b);
}

/* ---- the normalized text --------------------------------------------------------- */

/* Tokens from the query's first keyword (SELECT, FUNNEL) to the end, one
 * space apart, keywords upper case, everything else as written, the final
 * ';' dropped: EXPLAIN [IR] of a query shares the query's key. */
static const char *normalize(sky_parse_ctx *ctx) {
  uint32_t i = 0, n = ctx->n_toks;
  if (i < n && ctx->toks[i].kind == KW_EXPLAIN) i++;
  if (i < n && ctx->toks[i].kind == KW_IR) i++;
  size_t size = 1;
  for (uint32_t k = i; k < n; k++) size += ctx->toks[k].end - ctx->toks[k].start + 1;
  char *out = sky_arena_alloc(ctx->arena, size);
  if (!out) return ast_oom(ctx);
  size_t len = 0;
  for (; i < n; i++) {
    const sky_tok *t = &ctx->toks[i];
    if (t->kind == ';') continue;
    if (len) out[len++] = ' ';
    for (uint32_t c = t->start; c < t->end; c++) {
      char ch = ctx->text[c];
      out[len++] = (char)(t->keyword && ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
    }
  }
  out[len] = '\0';
  return out;
}

/* ---- sky_parse --------------------------------------------------------------- */

#define SKY_MAX_STATEMENT (UINT32_MAX / 2)

int sky_parse(const char *text, size_t len, sky_arena *arena, sky_stmt **out, sky_error *err) {
  sky_error local;
  if (!err) err = &local;
  sky_error_clear(err);
  *out = NULL;
  if (len > SKY_MAX_STATEMENT) return sky_error_set(err, SKY_ERR_BAD_VALUE, 0, 0, "statement is too long");
  sky_parse_ctx *ctx = sky_arena_calloc(arena, sizeof *ctx);
  char *copy = sky_arena_alloc(arena, len + 2);
  if (!ctx || !copy) return sky_error_oom(err);
  if (len) memcpy(copy, text, len);
  copy[len] = copy[len + 1] = '\0'; /* flex's end-of-buffer marks */
  ctx->arena = arena;
  ctx->err = err;
  ctx->text = copy;
  ctx->src = text;
  ctx->len = (uint32_t)len;
  ctx->line = ctx->column = 1;

  int rc = sky_scanner_open(ctx) == 0 ? sky_yyparse(ctx) : 2;
  sky_scanner_close(ctx);
  if (ctx->c_locale) freelocale(ctx->c_locale);
  if (rc == 0 && !ctx->failed && ctx->stmt && sky_stmt_is_query(ctx->stmt->kind))
    ctx->stmt->normalized = normalize(ctx);
  if (rc != 0 || ctx->failed || !ctx->stmt) {
    if (!ctx->failed) sky_error_oom(err); /* the scanner could not start */
    return -1;
  }
  *out = ctx->stmt;
  return 0;
}
