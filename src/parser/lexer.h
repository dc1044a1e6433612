/* lexer.h — the seam between the generated scanner and parser
 * (grammar/sky.l, grammar/sky.y) and the hand-written front end.
 *
 * The flex rules only recognize token shapes; every action calls one of the
 * sky_lex_* helpers (lexer.c), which compute values (numbers, durations,
 * unescaped strings and quoted names), look up keywords, log the token for
 * the normalized text and report lexical errors as syntax_error with the
 * token's position. Token kinds are the grammar's (the generated
 * sky_parser.h), so only the files that include it see them.
 */
#ifndef SKY_PARSER_LEXER_H
#define SKY_PARSER_LEXER_H

#include "parser/ast.h"

/* The token kind returned for a lexical error (its error is recorded). */
int sky_lex_error_token(void);

/* True when `name` (any case) is a non-reserved keyword: a keyword where a
 * statement needs it, a name everywhere else. */
bool sky_lex_nonreserved(const char *name);
/* The keyword table is in the order its binary search needs (tests). */
bool sky_lex_keywords_sorted(void);

/* ---- the scanner (grammar/sky.l) ---------------------------------------- */

/* Starts scanning ctx->text (ctx->len bytes followed by two NUL bytes).
 * Returns 0, or -1 with the error set. */
int sky_scanner_open(sky_parse_ctx *ctx);
void sky_scanner_close(sky_parse_ctx *ctx);
/* The next raw token: kind (0 at the end), value and location. */
int sky_scanner_next(sky_parse_ctx *ctx, sky_tokval *val, sky_loc *loc);

/* ---- called by the parser (parse.c) --------------------------------------- */

/* The parser's yylex: raw tokens with NOT LIKE / NOT IN merged. */
int sky_lex_next(sky_parse_ctx *ctx, sky_tokval *val, sky_loc *loc);
/* Records a syntax error at `loc`: the token found there and the expected
 * token names (Bison's symbol names). */
void sky_parse_syntax_error(sky_parse_ctx *ctx, const sky_loc *loc, bool at_end, const char *const *expected,
                            int n_expected);

/* ---- called by the scanner's actions (lexer.c) ---------------------------- */

/* Every matched piece of text, blanks and comments included: sets `loc` to
 * its position and advances the line/column counters. */
void sky_lex_advance(sky_parse_ctx *ctx, size_t len, sky_loc *loc);
int sky_lex_word(sky_parse_ctx *ctx, sky_tokval *val, const sky_loc *loc);
int sky_lex_quoted_name(sky_parse_ctx *ctx, sky_tokval *val, const sky_loc *loc);
int sky_lex_string(sky_parse_ctx *ctx, sky_tokval *val, const sky_loc *loc);
int sky_lex_integer(sky_parse_ctx *ctx, sky_tokval *val, const sky_loc *loc);
int sky_lex_float(sky_parse_ctx *ctx, sky_tokval *val, const sky_loc *loc);
/* digits immediately followed by letters: a duration (500ms 90s 30m 2h 7d) or an error */
int sky_lex_duration(sky_parse_ctx *ctx, sky_tokval *val, const sky_loc *loc);
/* a float immediately followed by letters: always an error */
int sky_lex_bad_number(sky_parse_ctx *ctx, const sky_loc *loc);
int sky_lex_punct(sky_parse_ctx *ctx, int kind, const sky_loc *loc);
int sky_lex_unterminated(sky_parse_ctx *ctx, const sky_loc *loc, const char *what);
int sky_lex_bad_char(sky_parse_ctx *ctx, const sky_loc *loc);
int sky_lex_eof(sky_parse_ctx *ctx, sky_loc *loc);

#endif
