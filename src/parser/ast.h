/* ast.h — the parser-private syntax tree and the state of one parse.
 *
 * The Bison grammar (grammar/sky.y) builds this tree through the ast_*
 * constructors below, one call per grammar action; the binder (bind*.c)
 * reads it to build the plan; dump.c prints it. Nothing here looks up
 * tables or properties: names stay names until binding.
 *
 * Every node carries a sky_loc: the 1-based line/column of its first token
 * and its byte span [start, end) in the statement text, parentheses
 * included, so that a node's source text is exactly what was written.
 * Everything lives in the statement's arena; a constructor that cannot
 * allocate sets an out_of_memory error and returns NULL (the grammar then
 * aborts). Expression depth is capped (SKY_AST_MAX_DEPTH) so the recursive
 * binder, printers and engines never exhaust the C stack.
 */
#ifndef SKY_PARSER_AST_H
#define SKY_PARSER_AST_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "parser/stmt.h"
#include "sky.h"

#define SKY_AST_MAX_DEPTH 256

/* A token's or node's position: first line/column, byte span. */
typedef struct sky_loc {
  int line, column;
  uint32_t start, end;
} sky_loc;

/* The value the lexer attaches to a token. */
typedef struct sky_tokval {
  union {
    struct {
      const char *s; /* IDENT: the name (unquoted); STRING: the value */
      uint32_t len;
    } str;
    uint64_t u; /* INTEGER: the value; DURATION: µs */
    double f;   /* FLOAT */
  };
} sky_tokval;

/* An identifier with its position (names of tables, properties, aliases). */
typedef struct ast_ident {
  const char *s;
  uint32_t len;
  sky_loc loc;
} ast_ident;

/* Expression node kinds: X(name, dump label). */
#define AST_KINDS(X)                                                   \
  X(INT, "int")           /* u (magnitude), neg */                     \
  X(FLOAT, "float")       /* f (sign applied) */                       \
  X(DURATION, "duration") /* u (magnitude in µs), neg */               \
  X(STRING, "string")     /* s, len: the value */                      \
  X(BOOL, "bool")         /* b */                                      \
  X(NULL, "null")                                                      \
  X(OBJECT, "object")                                                  \
  X(TIMESTAMP, "timestamp")                                            \
  X(ACTION, "action")                                                  \
  X(NAME, "name")         /* bare property name (or alias) s, len */   \
  X(STATE, "state")       /* state.s */                                \
  X(EVENT, "event")       /* event.s */                                \
  X(SESSION, "session")   /* session.s */                              \
  X(OP, "op")             /* op (sky_op) over args */                  \
  X(LIKE, "like")         /* args[0] LIKE args[1]; neg = NOT LIKE */   \
  X(IN, "in")             /* args[0] IN (args[1..]); neg = NOT IN */   \
  X(CALL, "call")         /* s(args), distinct, star */

typedef enum ast_kind {
#define AST_X_KIND(name, label) AST_##name,
  AST_KINDS(AST_X_KIND)
#undef AST_X_KIND
  AST_KIND_COUNT_
} ast_kind;

typedef struct ast_expr {
  ast_kind kind;
  sky_op op;      /* AST_OP: NOT NEG IS_NULL IS_NOT_NULL AND OR EQ..GE ADD..MOD */
  bool neg;       /* INT/DURATION: negative; LIKE/IN: negated */
  bool paren;     /* written in parentheses */
  bool distinct;  /* CALL: f(DISTINCT x) */
  bool star;      /* CALL: f(*) */
  bool over;      /* CALL: f(...) OVER OBJECT */
  bool b;         /* BOOL */
  uint16_t depth; /* 1 for leaves */
  sky_loc loc;
  const char *s;
  uint32_t len;
  uint64_t u;
  double f;
  uint32_t n_args;
  struct ast_expr **args;
  struct ast_expr *filter; /* CALL: f(...) FILTER (WHERE filter), or NULL */
  struct ast_expr *where;  /* CALL: f(args WHERE where) (next, prev), or NULL */
} ast_expr;

/* A growable list of pointers (items, keys, rows, ...). */
typedef struct ast_list {
  uint32_t n, cap;
  void **v;
} ast_list;

typedef struct ast_item {
  ast_expr *expr;
  bool has_alias;
  ast_ident alias;
} ast_item;

typedef struct ast_order {
  ast_expr *expr;
  bool desc;
} ast_order;

/* GROUP BY and WITHIN SESSION, which may come in either order. */
typedef struct ast_gs {
  ast_list *group;
  ast_expr *session;
} ast_gs;

/* Options of LOAD: FORMAT and MAX ERRORS. */
typedef struct ast_loadopt {
  sky_load_format format;
  bool has_max;
  uint64_t max_errors;
  sky_loc max_loc;
} ast_loadopt;

/* FUNNEL (PATHS.md §1): the parts beyond what it shares with SELECT. */
typedef enum ast_funnel_order { AST_FUNNEL_ANY_GAP = 0, AST_FUNNEL_STRICT, AST_FUNNEL_ANY_ORDER } ast_funnel_order;
typedef enum ast_funnel_return {
  AST_RETURN_STEPS = 0,
  AST_RETURN_OBJECTS,
  AST_RETURN_TIMES,
} ast_funnel_return;
typedef enum ast_objects_filter { AST_OBJECTS_ALL = 0, AST_OBJECTS_REACHED, AST_OBJECTS_DROPPED } ast_objects_filter;

/* A step number as written (EXCLUDE ... BETWEEN STEP i AND j, REACHED i,
 * FROM STEP i TO STEP j): the binder checks its range. */
typedef struct ast_stepno {
  uint64_t n;
  sky_loc loc;
  bool given;
} ast_stepno;

typedef struct ast_exclude {
  ast_expr *cond;
  ast_stepno from, to; /* both given, or neither */
} ast_exclude;

typedef struct ast_return {
  ast_funnel_return kind;
  ast_objects_filter objects; /* RETURN OBJECTS [REACHED i | DROPPED AFTER i] */
  ast_stepno at;              /* i of REACHED / DROPPED AFTER */
  ast_stepno from, to;        /* RETURN TIMES FROM STEP i TO STEP j */
  ast_expr *bucket;           /* RETURN TIMES ... BUCKET d */
  sky_loc loc;                /* of RETURN */
} ast_return;

typedef struct ast_funnel {
  sky_loc loc;             /* of FUNNEL */
  uint32_t n_steps;
  ast_item **steps;        /* condition [AS name] */
  ast_expr *window;        /* WITHIN d: INT or DURATION literal */
  ast_funnel_order order;
  sky_loc order_loc;
  uint32_t n_excludes;
  ast_exclude **excludes;
  uint32_t n_holding;
  ast_expr **holding;
  ast_return ret;
} ast_funnel;

/* RETENTION, LIFECYCLE, STICKINESS (PATHS.md §2, §3): the parts beyond
 * what they share with SELECT. */
typedef struct ast_cohort {
  sky_loc loc;             /* of the statement's keyword */
  int unit;                /* sky_period of EVERY */
  bool recurring;          /* RETENTION RECURRING (FIRST is the default) */
  bool rolling;            /* EVERY ... ROLLING */
  bool on_or_after;        /* FOR n ON OR AFTER */
  ast_expr *start, *ret;   /* RETENTION FROM start TO ret */
  ast_expr *n;             /* FOR n: an INT literal */
} ast_cohort;

/* PATHS AFTER | BEFORE cond STEPS k [OF expr] (PATHS.md §4): the parts
 * beyond what it shares with SELECT. */
typedef struct ast_paths {
  sky_loc loc;             /* of PATHS */
  bool before;             /* BEFORE (AFTER is false) */
  ast_expr *cond;          /* the anchor condition */
  ast_expr *k;             /* STEPS k: an INT literal */
  ast_expr *of;            /* OF expr, or NULL (action) */
} ast_paths;

/* SELECT, and the clauses the path statements share with it. */
/* SELECT ... DURING t1 TO t2 [EVERY period] (PATHS.md §7). */
typedef struct ast_during {
  sky_loc loc;           /* of DURING */
  const sky_lit *from, *to;
  int every;             /* sky_period, or -1 */
  sky_loc every_loc;     /* of the EVERY clause */
} ast_during;

struct sky_select {
  const char *text; /* the statement text (item source text, positions) */
  ast_funnel *funnel; /* FUNNEL: its own clauses; the items are unused */
  ast_cohort *cohort; /* RETENTION, LIFECYCLE, STICKINESS: theirs; no items */
  ast_paths *paths;   /* PATHS: its own clauses; no items */
  uint32_t n_items;
  ast_item **items;
  ast_expr *where;
  uint32_t n_group;
  ast_expr **group;
  ast_expr *session; /* INT or DURATION literal, or NULL */
  ast_expr *having;
  uint32_t n_order;
  ast_order **order;
  ast_expr *limit; /* INT literal, or NULL */
  ast_during *during; /* SELECT ... DURING, or NULL */
  /* SELECT ... AS OF ts (PATHS.md §6): the literal as written (INT µs or
   * ISO-8601 STRING) and where AS OF is */
  bool has_as_of;
  sky_lit as_of;
  sky_loc as_of_at;
};

/* One lexed token, kept for the normalized text. */
typedef struct sky_tok {
  int kind;      /* token kind (grammar) */
  uint32_t start, end;
  bool keyword;  /* spelled canonically upper case in the normalized text */
} sky_tok;

/* The state of one sky_parse() call: lexer position, token log, result. */
typedef struct sky_parse_ctx {
  sky_arena *arena;
  sky_error *err;
  const char *text; /* arena copy, NUL-terminated, followed by one more NUL;
                       flex scans it in place and masks the byte after the
                       current token while an action runs */
  const char *src;  /* the caller's text, unmasked (during sky_parse only) */
  uint32_t len;
  void *scanner;    /* the reentrant flex scanner */

  /* lexer position: line/column of byte `off` */
  int line, column;
  uint32_t off;

  /* token log */
  sky_tok *toks;
  uint32_t n_toks, cap_toks;

  /* one token of lookahead, to merge NOT LIKE / NOT IN */
  bool has_peek;
  int peek_kind;
  sky_tokval peek_val;
  sky_loc peek_loc;
  bool peek_error;   /* the peeked token is a lexical error (recorded) */

  locale_t c_locale; /* strtod_l: the decimal point is always '.' */
  bool failed;       /* err is set */
  sky_stmt *stmt;    /* the result */

  /* flex's own few allocations (scanner, buffer state) come from here, so
   * the scanner never meets an allocation failure it cannot report */
  size_t pool_used;
  _Alignas(16) unsigned char pool[1536];
} sky_parse_ctx;

/* ---- errors ---------------------------------------------------------------- */

/* Sets a positioned error on the parse (first error wins). Returns NULL. */
void *ast_fail(sky_parse_ctx *ctx, sky_code code, const sky_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void *ast_oom(sky_parse_ctx *ctx);

/* ---- lists ----------------------------------------------------------------- */

ast_list *ast_list_new(sky_parse_ctx *ctx, void *first);
ast_list *ast_list_push(sky_parse_ctx *ctx, ast_list *list, void *item);

/* ---- expressions ----------------------------------------------------------- */

ast_expr *ast_int(sky_parse_ctx *ctx, const sky_tokval *v, const sky_loc *loc);
ast_expr *ast_float(sky_parse_ctx *ctx, const sky_tokval *v, const sky_loc *loc);
ast_expr *ast_duration(sky_parse_ctx *ctx, const sky_tokval *v, const sky_loc *loc);
ast_expr *ast_string(sky_parse_ctx *ctx, const sky_tokval *v, const sky_loc *loc);
ast_expr *ast_bool(sky_parse_ctx *ctx, bool b, const sky_loc *loc);
ast_expr *ast_null(sky_parse_ctx *ctx, const sky_loc *loc);
/* object, timestamp, action */
ast_expr *ast_column(sky_parse_ctx *ctx, ast_kind kind, const sky_loc *loc);
/* p, state.p, event.p, session.p */
ast_expr *ast_ref(sky_parse_ctx *ctx, ast_kind kind, const ast_ident *name, const sky_loc *loc);
ast_expr *ast_op1(sky_parse_ctx *ctx, sky_op op, ast_expr *a, const sky_loc *loc);
ast_expr *ast_op2(sky_parse_ctx *ctx, sky_op op, ast_expr *a, ast_expr *b, const sky_loc *loc);
/* '-' e: folds into a numeric literal written right after the sign */
ast_expr *ast_neg(sky_parse_ctx *ctx, ast_expr *a, const sky_loc *loc);
ast_expr *ast_like(sky_parse_ctx *ctx, ast_expr *a, ast_expr *pattern, bool negated, const sky_loc *loc);
ast_expr *ast_in(sky_parse_ctx *ctx, ast_expr *a, ast_list *items, bool negated, const sky_loc *loc);
/* f(), f(*), f(args), f(DISTINCT x) */
ast_expr *ast_call(sky_parse_ctx *ctx, const ast_ident *name, ast_list *args, bool distinct, bool star,
                   const sky_loc *loc);
ast_expr *ast_paren(sky_parse_ctx *ctx, ast_expr *a, const sky_loc *loc);
/* call FILTER (WHERE cond) */
ast_expr *ast_filter(sky_parse_ctx *ctx, ast_expr *call, ast_expr *cond, const sky_loc *loc);
ast_expr *ast_call_where(sky_parse_ctx *ctx, const ast_ident *name, ast_list *args, ast_expr *cond,
                         const sky_loc *loc);
ast_expr *ast_call_distinct_n(sky_parse_ctx *ctx, const ast_ident *name, ast_expr *x, ast_expr *n,
                              const sky_loc *loc);
/* call OVER OBJECT */
ast_expr *ast_over_object(sky_parse_ctx *ctx, ast_expr *call, const sky_loc *loc);

/* ---- identifiers ----------------------------------------------------------- */

ast_ident ast_ident_of(const sky_tokval *v, const sky_loc *loc);
/* An omitted name (optional FROM / INTO). */
ast_ident ast_ident_none(void);
/* A non-reserved keyword used as a name: spelled as written. */
ast_ident ast_ident_kw(sky_parse_ctx *ctx, const sky_loc *loc);
/* The column keywords of INSERT: "object", "timestamp", "action". */
ast_ident ast_ident_fixed(const char *name, const sky_loc *loc);

/* ---- SELECT ---------------------------------------------------------------- */

ast_item *ast_item_new(sky_parse_ctx *ctx, ast_expr *e, const ast_ident *alias);
ast_order *ast_order_new(sky_parse_ctx *ctx, ast_expr *e, bool desc);
ast_gs ast_gs_make(ast_list *group, ast_expr *session);
sky_stmt *ast_select(sky_parse_ctx *ctx, ast_list *items, const ast_ident *from, ast_expr *where, ast_gs gs,
                     ast_expr *having, ast_list *order, ast_expr *limit);
/* SELECT ... AS OF ts: `s` with its instant (passes a NULL `s` on). */
sky_stmt *ast_select_as_of(sky_parse_ctx *ctx, sky_stmt *s, sky_lit *as_of, const sky_loc *at);
sky_stmt *ast_explain(sky_parse_ctx *ctx, sky_stmt *select, bool ir);

/* ---- FUNNEL ---------------------------------------------------------------- */

ast_stepno ast_stepno_of(const sky_tokval *v, const sky_loc *loc);
ast_stepno ast_stepno_none(void);
ast_exclude *ast_exclude_new(sky_parse_ctx *ctx, ast_expr *cond, ast_stepno from, ast_stepno to);
ast_return ast_return_make(ast_funnel_return kind, ast_objects_filter objects, ast_stepno at, ast_stepno from,
                           ast_stepno to, ast_expr *bucket, const sky_loc *loc);
/* The FUNNEL head: steps, window, order, exclusions, HOLDING. */
ast_funnel *ast_funnel_head(sky_parse_ctx *ctx, ast_list *steps, ast_expr *window, int order, const sky_loc *order_loc,
                            ast_list *excludes, ast_list *holding, const sky_loc *loc);
sky_stmt *ast_funnel_stmt(sky_parse_ctx *ctx, ast_funnel *head, const ast_ident *from, ast_expr *where, ast_gs gs,
                          ast_return ret, ast_expr *having, ast_list *order, ast_expr *limit);

/* ---- RETENTION, LIFECYCLE, STICKINESS ------------------------------------------ */

/* RETENTION [FIRST | RECURRING] FROM start TO ret EVERY unit [ROLLING] FOR n [ON OR AFTER] */
ast_cohort *ast_retention_head(sky_parse_ctx *ctx, bool recurring, ast_expr *start, ast_expr *ret, int unit,
                               bool rolling, ast_expr *n, bool on_or_after, const sky_loc *loc);
/* LIFECYCLE / STICKINESS EVERY unit */
ast_cohort *ast_period_head(sky_parse_ctx *ctx, int unit, const sky_loc *loc);
ast_during *ast_during_new(sky_parse_ctx *ctx, const sky_lit *from, const sky_lit *to, int every, const sky_loc *loc,
                           const sky_loc *every_loc);
sky_stmt *ast_select_during(sky_parse_ctx *ctx, sky_stmt *s, ast_during *during);
sky_stmt *ast_cohort_stmt(sky_parse_ctx *ctx, sky_stmt_kind kind, ast_cohort *head, const ast_ident *from,
                          ast_expr *where, ast_gs gs, ast_expr *having, ast_list *order, ast_expr *limit);

/* ---- PATHS ------------------------------------------------------------------- */

/* PATHS AFTER | BEFORE cond STEPS k [OF expr] */
ast_paths *ast_paths_head(sky_parse_ctx *ctx, int before, ast_expr *cond, ast_expr *k, ast_expr *of,
                          const sky_loc *loc);
sky_stmt *ast_paths_stmt(sky_parse_ctx *ctx, ast_paths *head, const ast_ident *from, ast_expr *where, ast_gs gs,
                         ast_expr *having, ast_list *order, ast_expr *limit);

/* ---- other statements ------------------------------------------------------ */

sky_stmt *ast_create_table(sky_parse_ctx *ctx, const ast_ident *table, ast_list *propdefs);
sky_stmt *ast_alter_add(sky_parse_ctx *ctx, const ast_ident *table, sky_propdef *def);
sky_propdef *ast_propdef(sky_parse_ctx *ctx, const ast_ident *name, sky_prop_kind kind, sky_prop_type type);
sky_propdef *ast_propdef_expires(sky_parse_ctx *ctx, sky_propdef *def, const ast_expr *after, const sky_loc *loc,
                                 const sky_lit *to);
sky_stmt *ast_table_stmt(sky_parse_ctx *ctx, sky_stmt_kind kind, const ast_ident *table);
sky_stmt *ast_show_tables(sky_parse_ctx *ctx);
ast_ident *ast_ident_new(sky_parse_ctx *ctx, const ast_ident *id);
sky_stmt *ast_insert(sky_parse_ctx *ctx, const ast_ident *table, ast_list *columns, ast_list *rows);
/* row values of INSERT and AS OF */
sky_lit *ast_lit_int(sky_parse_ctx *ctx, const sky_tokval *v, bool neg, const sky_loc *loc);
sky_lit *ast_lit_float(sky_parse_ctx *ctx, const sky_tokval *v, bool neg, const sky_loc *loc);
sky_lit *ast_lit_string(sky_parse_ctx *ctx, const sky_tokval *v, const sky_loc *loc);
sky_lit *ast_lit_bool(sky_parse_ctx *ctx, bool b, const sky_loc *loc);
sky_lit *ast_lit_null(sky_parse_ctx *ctx, const sky_loc *loc);
ast_loadopt ast_loadopt_none(void);
ast_loadopt ast_loadopt_max(const sky_tokval *max_errors, const sky_loc *max_loc);
ast_loadopt ast_loadopt_format(ast_loadopt opt, sky_load_format format);
sky_stmt *ast_load_file(sky_parse_ctx *ctx, const sky_tokval *path, const ast_ident *into, ast_loadopt opt);
sky_stmt *ast_load_stdin(sky_parse_ctx *ctx, const ast_ident *into, sky_load_format format, ast_loadopt opt);
sky_stmt *ast_delete_object(sky_parse_ctx *ctx, const sky_tokval *obj, const sky_loc *obj_loc,
                            const ast_ident *from);
sky_stmt *ast_get_object(sky_parse_ctx *ctx, const sky_tokval *obj, const sky_loc *obj_loc, const ast_ident *from,
                         sky_lit *as_of);

/* The statement is complete: records it as the parse's result. */
void ast_finish(sky_parse_ctx *ctx, sky_stmt *stmt);

/* ---- for the binder and the printers ---------------------------------------- */

const char *ast_kind_name(ast_kind k);
/* True when the call node names an aggregate (by the function table). */
bool ast_is_aggregate(const ast_expr *e);

#endif
