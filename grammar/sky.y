/* sky.y — the grammar of the Sky query language (LANGUAGE.md).
 *
 * A pure, reentrant LALR(1) parser with locations and no conflicts
 * (%expect 0). Every action is one call into an ast_* constructor
 * (src/parser/ast.c); a constructor that fails has already recorded the
 * error, and A() aborts the parse. The grammar never looks up tables,
 * properties or functions: f(...) is any identifier followed by '(' and the
 * binder decides what it means.
 *
 * Syntax errors use Bison's custom reporting with LAC, so the expected
 * tokens are exact; src/parser/parse.c turns them into friendly text
 * ("unexpected 'GROUP', expected expression"). The lexer (sky.l) merges
 * NOT LIKE and NOT IN into single tokens, as PostgreSQL does, so they sit
 * at the precedence of LIKE and IN without conflicts.
 *
 * The path statements (PATHS.md) are alternatives of `query`: FUNNEL,
 * RETENTION, LIFECYCLE, STICKINESS; next()/prev()/nth()/dwell() are calls,
 * with `WHERE c` inside next's and prev's parentheses; `f(...) FILTER (WHERE c) OVER OBJECT` is one primary (FILTER
 * is non-reserved: nothing else may follow a call, so `filter` stays a
 * name); AS OF (GET OBJECT's and SELECT's, PATHS.md §6) is one merged
 * T_AS_OF token from the lexer (one token of lookahead, like NOT LIKE), so
 * that `SELECT x AS OF ts` is no alias.
 */

%code requires {
#include "parser/ast.h"
}

%code {
#include "common/alloc.h"
#include "parser/lexer.h"

/* The parser's stack lives on the C stack and never grows: exceeding it is
 * "nested too deeply", never an allocation failure. */
#define YYINITDEPTH 600
#define YYMAXDEPTH 600
#define YYMALLOC sky_malloc
#define YYFREE sky_free

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                          \
  do {                                                                       \
    if (N) {                                                                 \
      (Cur).line = YYRHSLOC(Rhs, 1).line;                                    \
      (Cur).column = YYRHSLOC(Rhs, 1).column;                                \
      (Cur).start = YYRHSLOC(Rhs, 1).start;                                  \
      (Cur).end = YYRHSLOC(Rhs, N).end;                                      \
    } else {                                                                 \
      (Cur).line = YYRHSLOC(Rhs, 0).line;                                    \
      (Cur).column = YYRHSLOC(Rhs, 0).column;                                \
      (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;                        \
    }                                                                        \
  } while (0)

/* A constructor returned NULL: its error is recorded, stop. */
#define A(x)          \
  do {                \
    if (!(x)) YYABORT; \
  } while (0)

static int yylex(SKY_YYSTYPE *val, sky_loc *loc, sky_parse_ctx *ctx) { return sky_lex_next(ctx, &val->tok, loc); }

static void yyerror(sky_loc *loc, sky_parse_ctx *ctx, const char *msg) {
  (void)msg; /* only "memory exhausted": the fixed stack is full */
  ast_fail(ctx, SKY_ERR_SYNTAX, loc, "statement is nested too deeply");
}
}

%define api.pure full
%define api.prefix {sky_yy}
%define api.location.type {sky_loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {sky_parse_ctx *ctx}

%union {
  sky_tokval tok;
  ast_ident id;
  ast_expr *expr;
  ast_list *list;
  ast_item *item;
  ast_order *ord;
  ast_gs gs;
  ast_loadopt lopt;
  sky_stmt *stmt;
  sky_lit *lit;
  sky_propdef *def;
  int ival;
  ast_funnel *funnel;
  ast_exclude *excl;
  ast_return ret;
  ast_stepno stepno;
  ast_cohort *cohort;
  bool flag;
  ast_during *during;
}

%token YYEOF 0 "end of input"
%token <tok> T_IDENT "identifier" T_STRING "string" T_INTEGER "integer" T_FLOAT "number" T_DURATION "duration"
%token T_NE "'!='" T_LE "'<='" T_GE "'>='" T_NOT_LIKE "NOT LIKE" T_NOT_IN "NOT IN" T_AS_OF "AS OF"

/* Reserved keywords (never names). */
%token KW_ACTION "ACTION" KW_ALTER "ALTER" KW_AND "AND" KW_AS "AS" KW_ASC "ASC" KW_BY "BY"
%token KW_CREATE "CREATE" KW_DELETE "DELETE" KW_DESC "DESC" KW_DESCRIBE "DESCRIBE"
%token KW_DISTINCT "DISTINCT" KW_DROP "DROP" KW_EVENT "EVENT" KW_EXPLAIN "EXPLAIN" KW_FALSE "FALSE"
%token KW_FROM "FROM" KW_GET "GET" KW_GROUP "GROUP" KW_HAVING "HAVING" KW_IN "IN" KW_INSERT "INSERT"
%token KW_INTO "INTO" KW_IS "IS" KW_LIKE "LIKE" KW_LIMIT "LIMIT" KW_LOAD "LOAD" KW_NOT "NOT"
%token KW_NULL "NULL" KW_OBJECT "OBJECT" KW_OF "OF" KW_OR "OR" KW_ORDER "ORDER" KW_SELECT "SELECT"
%token KW_SESSION "SESSION" KW_SHOW "SHOW" KW_STATE "STATE" KW_TABLE "TABLE" KW_TIMESTAMP "TIMESTAMP"
%token KW_TRUE "TRUE" KW_USE "USE" KW_VALUES "VALUES" KW_WHERE "WHERE" KW_WITHIN "WITHIN"
/* Non-reserved keywords: keywords where a statement needs them, names elsewhere. */
%token KW_ADD "ADD" KW_BOOL "BOOL" KW_CSV "CSV" KW_ERRORS "ERRORS" KW_FLOAT "FLOAT" KW_FORMAT "FORMAT"
%token KW_INT "INT" KW_IR "IR" KW_MAX "MAX" KW_NDJSON "NDJSON" KW_STDIN "STDIN" KW_STRING "STRING"
%token KW_TABLES "TABLES"
/* FUNNEL (PATHS.md §1): reserved where an expression may end before them,
 * the rest non-reserved so that existing names (and objects()) keep working. */
%token KW_FUNNEL "FUNNEL" KW_THEN "THEN" KW_EXCLUDE "EXCLUDE" KW_HOLDING "HOLDING" KW_RETURN "RETURN"
%token KW_AFTER "AFTER" KW_ANY "ANY" KW_BETWEEN "BETWEEN" KW_BUCKET "BUCKET" KW_DROPPED "DROPPED"
%token KW_OBJECTS "OBJECTS" KW_REACHED "REACHED" KW_STEP "STEP" KW_STEPS "STEPS" KW_STRICT "STRICT"
%token KW_TIMES "TIMES" KW_TO "TO"
/* agg(x) OVER OBJECT (PATHS.md §5) */
%token KW_OVER "OVER"
/* agg(x) FILTER (WHERE c) (PATHS.md §7): non-reserved, so `filter` stays a name */
%token KW_FILTER "FILTER"
/* RETENTION, LIFECYCLE, STICKINESS (PATHS.md §2, §3): non-reserved, so that
 * day(), first() and names keep working */
%token KW_RETENTION "RETENTION" KW_LIFECYCLE "LIFECYCLE" KW_STICKINESS "STICKINESS" KW_FIRST "FIRST"
%token KW_RECURRING "RECURRING" KW_EVERY "EVERY" KW_ROLLING "ROLLING" KW_FOR "FOR" KW_ON "ON"
%token KW_HOUR "HOUR" KW_DAY "DAY" KW_WEEK "WEEK" KW_MONTH "MONTH"
/* PATHS (PATHS.md §4): non-reserved, so that `paths` and `before` stay names */
%token KW_PATHS "PATHS" KW_BEFORE "BEFORE"
/* EXPIRES AFTER d [TO literal] (PATHS.md §8): non-reserved, so `expires` stays a name */
%token KW_EXPIRES "EXPIRES"
/* SELECT ... DURING t1 TO t2 [EVERY period] (PATHS.md §7): reserved */
%token KW_DURING "DURING"

%type <stmt> stmt query select funnel retention lifecycle stickiness paths
%type <cohort> retention_head
%type <during> opt_during
%type <ival> opt_every
%type <flag> retention_mode opt_rolling opt_on_or_after
%type <funnel> funnel_head
%type <list> steps excludes opt_holding
%type <item> step
%type <excl> exclude
%type <ret> opt_return
%type <stepno> stepno
%type <expr> span
%type <id> ident propname opt_from opt_into column
%type <expr> expr primary call filtered_call opt_where opt_having opt_limit session literal
%type <list> items exprs opt_order order_items propdefs columns rows row values group_by
%type <item> item
%type <ord> order_item
%type <gs> group_session
%type <lopt> load_opts load_max
%type <lit> value opt_as_of as_of_value opt_to
%type <def> propdef
%type <ival> opt_dir format opt_format kind type funnel_order period paths_dir
%type <expr> opt_of

%left KW_OR
%left KW_AND
%precedence KW_NOT
%precedence KW_IS
%nonassoc '=' T_NE '<' T_LE '>' T_GE
%nonassoc KW_LIKE T_NOT_LIKE KW_IN T_NOT_IN
%left '+' '-'
%left '*' '/' '%'
%precedence UMINUS

%%

input:
    stmt opt_semi                       { ast_finish(ctx, $1); }
  ;

opt_semi:
    %empty
  | ';'
  ;

stmt:
    query                               { $$ = $1; }
  | KW_EXPLAIN query                    { A($$ = ast_explain(ctx, $2, false)); }
  | KW_EXPLAIN KW_IR query              { A($$ = ast_explain(ctx, $3, true)); }
  | KW_CREATE KW_TABLE ident            { A($$ = ast_create_table(ctx, &$3, NULL)); }
  | KW_CREATE KW_TABLE ident '(' propdefs ')' { A($$ = ast_create_table(ctx, &$3, $5)); }
  | KW_ALTER KW_TABLE ident KW_ADD propdef { A($$ = ast_alter_add(ctx, &$3, $5)); }
  | KW_DROP KW_TABLE ident              { A($$ = ast_table_stmt(ctx, SKY_STMT_DROP_TABLE, &$3)); }
  | KW_USE ident                        { A($$ = ast_table_stmt(ctx, SKY_STMT_USE, &$2)); }
  | KW_SHOW KW_TABLES                   { A($$ = ast_show_tables(ctx)); }
  | KW_DESCRIBE ident                   { A($$ = ast_table_stmt(ctx, SKY_STMT_DESCRIBE, &$2)); }
  | KW_INSERT KW_INTO ident '(' columns ')' KW_VALUES rows { A($$ = ast_insert(ctx, &$3, $5, $8)); }
  | KW_LOAD T_STRING opt_into load_opts { A($$ = ast_load_file(ctx, &$2, &$3, $4)); }
  | KW_LOAD KW_INTO ident KW_FORMAT format KW_FROM KW_STDIN load_max { A($$ = ast_load_stdin(ctx, &$3, $5, $8)); }
  | KW_DELETE KW_OBJECT T_INTEGER opt_from { A($$ = ast_delete_object(ctx, &$3, &@3, &$4)); }
  | KW_GET KW_OBJECT T_INTEGER opt_from opt_as_of { A($$ = ast_get_object(ctx, &$3, &@3, &$4, $5)); }
  ;

/* ---- names ---- */

ident:
    T_IDENT                             { $$ = ast_ident_of(&$1, &@1); }
  | nonreserved                         { $$ = ast_ident_kw(ctx, &@1); }
  ;

nonreserved:
    KW_ADD | KW_BOOL | KW_CSV | KW_ERRORS | KW_FLOAT | KW_FORMAT | KW_INT | KW_IR | KW_MAX | KW_NDJSON
  | KW_STDIN | KW_STRING | KW_TABLES
  | KW_AFTER | KW_ANY | KW_BETWEEN | KW_BUCKET | KW_DROPPED | KW_OBJECTS | KW_REACHED | KW_STEP | KW_STEPS
  | KW_STRICT | KW_TIMES | KW_TO
  | KW_RETENTION | KW_LIFECYCLE | KW_STICKINESS | KW_FIRST | KW_RECURRING | KW_EVERY | KW_ROLLING | KW_FOR | KW_ON
  | KW_HOUR | KW_DAY | KW_WEEK | KW_MONTH
  | KW_FILTER
  | KW_PATHS | KW_BEFORE
  | KW_EXPIRES
  ;

/* ---- CREATE TABLE / ALTER TABLE ---- */

propdefs:
    propdef                             { A($$ = ast_list_new(ctx, $1)); }
  | propdefs ',' propdef                { A($$ = ast_list_push(ctx, $1, $3)); }
  ;

propdef:
    propname kind type                  { A($$ = ast_propdef(ctx, &$1, $2, $3)); }
  | propname kind type KW_EXPIRES KW_AFTER span opt_to
                                        { A($$ = ast_propdef_expires(ctx, ast_propdef(ctx, &$1, $2, $3), $6, &@4, $7)); }
  ;

/* EXPIRES AFTER d [TO literal]: the value a lapsed state reads (NULL without TO) */
opt_to:
    %empty                              { $$ = NULL; }
  | KW_TO value                         { A($$ = $2); }
  ;

/* A reserved word is accepted as a property name here so that the statement
 * layer can reject it with semantic_error, as the language requires. */
propname:
    ident                               { $$ = $1; }
  | reserved_name                       { $$ = ast_ident_kw(ctx, &@1); }
  ;

reserved_name:
    KW_OBJECT | KW_TIMESTAMP | KW_ACTION | KW_STATE | KW_EVENT | KW_SESSION
  ;

kind:
    KW_STATE                            { $$ = SKY_KIND_STATE; }
  | KW_EVENT                            { $$ = SKY_KIND_EVENT; }
  ;

type:
    KW_INT                              { $$ = SKY_PTYPE_INT; }
  | KW_FLOAT                            { $$ = SKY_PTYPE_FLOAT; }
  | KW_BOOL                             { $$ = SKY_PTYPE_BOOL; }
  | KW_STRING                           { $$ = SKY_PTYPE_STRING; }
  ;

/* ---- INSERT ---- */

columns:
    column                              { A($$ = ast_list_new(ctx, ast_ident_new(ctx, &$1))); }
  | columns ',' column                  { A($$ = ast_list_push(ctx, $1, ast_ident_new(ctx, &$3))); }
  ;

column:
    ident                               { $$ = $1; }
  | KW_OBJECT                           { $$ = ast_ident_fixed("object", &@1); }
  | KW_TIMESTAMP                        { $$ = ast_ident_fixed("timestamp", &@1); }
  | KW_ACTION                           { $$ = ast_ident_fixed("action", &@1); }
  ;

rows:
    row                                 { A($$ = ast_list_new(ctx, $1)); }
  | rows ',' row                        { A($$ = ast_list_push(ctx, $1, $3)); }
  ;

row:
    '(' values ')'                      { $$ = $2; }
  ;

values:
    value                               { A($$ = ast_list_new(ctx, $1)); }
  | values ',' value                    { A($$ = ast_list_push(ctx, $1, $3)); }
  ;

value:
    T_INTEGER                           { A($$ = ast_lit_int(ctx, &$1, false, &@$)); }
  | '-' T_INTEGER                       { A($$ = ast_lit_int(ctx, &$2, true, &@$)); }
  | T_FLOAT                             { A($$ = ast_lit_float(ctx, &$1, false, &@$)); }
  | '-' T_FLOAT                         { A($$ = ast_lit_float(ctx, &$2, true, &@$)); }
  | T_STRING                            { A($$ = ast_lit_string(ctx, &$1, &@$)); }
  | KW_TRUE                             { A($$ = ast_lit_bool(ctx, true, &@$)); }
  | KW_FALSE                            { A($$ = ast_lit_bool(ctx, false, &@$)); }
  | KW_NULL                             { A($$ = ast_lit_null(ctx, &@$)); }
  ;

/* ---- LOAD ---- */

opt_into:
    %empty                              { $$ = ast_ident_none(); }
  | KW_INTO ident                       { $$ = $2; }
  ;

load_opts:
    opt_format load_max                 { $$ = ast_loadopt_format($2, $1); }
  ;

opt_format:
    %empty                              { $$ = SKY_FORMAT_AUTO; }
  | KW_FORMAT format                    { $$ = $2; }
  ;

format:
    KW_CSV                              { $$ = SKY_FORMAT_CSV; }
  | KW_NDJSON                           { $$ = SKY_FORMAT_NDJSON; }
  ;

load_max:
    %empty                              { $$ = ast_loadopt_none(); }
  | KW_MAX KW_ERRORS T_INTEGER          { $$ = ast_loadopt_max(&$3, &@3); }
  ;

/* ---- GET OBJECT ---- */

opt_as_of:
    %empty                              { $$ = NULL; }
  | T_AS_OF as_of_value                 { $$ = $2; }
  ;

as_of_value:
    T_INTEGER                           { A($$ = ast_lit_int(ctx, &$1, false, &@$)); }
  | '-' T_INTEGER                       { A($$ = ast_lit_int(ctx, &$2, true, &@$)); }
  | T_STRING                            { A($$ = ast_lit_string(ctx, &$1, &@$)); }
  ;

/* ---- SELECT ---- */

/* The query statements (stmt.h's SKY_QUERY_STMTS): each may follow EXPLAIN. */
query:
    select                              { $$ = $1; }
  | funnel                              { $$ = $1; }
  | retention                           { $$ = $1; }
  | lifecycle                           { $$ = $1; }
  | stickiness                          { $$ = $1; }
  | paths                               { $$ = $1; }
  ;

select:
    KW_SELECT items opt_from opt_during opt_where group_session opt_having opt_order opt_limit
                                        { A($$ = ast_select_during(ctx, ast_select(ctx, $2, &$3, $5, $6, $7, $8, $9), $4)); }
  /* AS OF ts (PATHS.md §6): one row per object at the instant. DURING
   * after it parses so that the binder can name the pair's misuse. */
  | KW_SELECT items opt_from T_AS_OF as_of_value opt_during opt_where group_session opt_having opt_order opt_limit
                                        { A($$ = ast_select_during(ctx, ast_select_as_of(ctx, ast_select(ctx, $2, &$3, $7, $8, $9, $10, $11), $5, &@4), $6)); }
  ;

/* DURING t1 TO t2 [EVERY period] (PATHS.md §7). */
opt_during:
    %empty                              { $$ = NULL; }
  | KW_DURING as_of_value KW_TO as_of_value opt_every
                                        { A($$ = ast_during_new(ctx, $2, $4, $5, &@1, &@5)); }
  ;

opt_every:
    %empty                              { $$ = -1; }
  | KW_EVERY period                     { $$ = $2; }
  ;

items:
    item                                { A($$ = ast_list_new(ctx, $1)); }
  | items ',' item                      { A($$ = ast_list_push(ctx, $1, $3)); }
  ;

item:
    expr                                { A($$ = ast_item_new(ctx, $1, NULL)); }
  | expr KW_AS ident                    { A($$ = ast_item_new(ctx, $1, &$3)); }
  ;

opt_from:
    %empty                              { $$ = ast_ident_none(); }
  | KW_FROM ident                       { $$ = $2; }
  ;

opt_where:
    %empty                              { $$ = NULL; }
  | KW_WHERE expr                       { $$ = $2; }
  ;

/* GROUP BY and WITHIN SESSION, in either order. */
group_session:
    %empty                              { $$ = ast_gs_make(NULL, NULL); }
  | group_by                            { $$ = ast_gs_make($1, NULL); }
  | session                             { $$ = ast_gs_make(NULL, $1); }
  | group_by session                    { $$ = ast_gs_make($1, $2); }
  | session group_by                    { $$ = ast_gs_make($2, $1); }
  ;

group_by:
    KW_GROUP KW_BY exprs                { $$ = $3; }
  ;

session:
    KW_WITHIN KW_SESSION T_DURATION     { A($$ = ast_duration(ctx, &$3, &@3)); }
  | KW_WITHIN KW_SESSION T_INTEGER      { A($$ = ast_int(ctx, &$3, &@3)); }
  ;

opt_having:
    %empty                              { $$ = NULL; }
  | KW_HAVING expr                      { $$ = $2; }
  ;

opt_order:
    %empty                              { $$ = NULL; }
  | KW_ORDER KW_BY order_items          { $$ = $3; }
  ;

order_items:
    order_item                          { A($$ = ast_list_new(ctx, $1)); }
  | order_items ',' order_item          { A($$ = ast_list_push(ctx, $1, $3)); }
  ;

order_item:
    expr opt_dir                        { A($$ = ast_order_new(ctx, $1, $2)); }
  ;

opt_dir:
    %empty                              { $$ = 0; }
  | KW_ASC                              { $$ = 0; }
  | KW_DESC                             { $$ = 1; }
  ;

opt_limit:
    %empty                              { $$ = NULL; }
  | KW_LIMIT T_INTEGER                  { A($$ = ast_int(ctx, &$2, &@2)); }
  ;

/* ---- FUNNEL (PATHS.md §1) ---- */

funnel:
    funnel_head opt_from opt_where group_session opt_return opt_having opt_order opt_limit
                                        { A($$ = ast_funnel_stmt(ctx, $1, &$2, $3, $4, $5, $6, $7, $8)); }
  ;

funnel_head:
    KW_FUNNEL steps KW_WITHIN span funnel_order excludes opt_holding
                                        { A($$ = ast_funnel_head(ctx, $2, $4, $5, &@5, $6, $7, &@1)); }
  ;

steps:
    step                                { A($$ = ast_list_new(ctx, $1)); }
  | steps KW_THEN step                  { A($$ = ast_list_push(ctx, $1, $3)); }
  ;

step:
    expr                                { A($$ = ast_item_new(ctx, $1, NULL)); }
  | expr KW_AS ident                    { A($$ = ast_item_new(ctx, $1, &$3)); }
  ;

/* A duration: a duration literal or an integer number of microseconds. */
span:
    T_DURATION                          { A($$ = ast_duration(ctx, &$1, &@1)); }
  | T_INTEGER                           { A($$ = ast_int(ctx, &$1, &@1)); }
  ;

funnel_order:
    %empty                              { $$ = AST_FUNNEL_ANY_GAP; }
  | KW_STRICT                           { $$ = AST_FUNNEL_STRICT; }
  | KW_ANY KW_ORDER                     { $$ = AST_FUNNEL_ANY_ORDER; }
  ;

excludes:
    %empty                              { $$ = NULL; }
  | excludes exclude                    { A($$ = $1 ? ast_list_push(ctx, $1, $2) : ast_list_new(ctx, $2)); }
  ;

exclude:
    KW_EXCLUDE expr                     { A($$ = ast_exclude_new(ctx, $2, ast_stepno_none(), ast_stepno_none())); }
  | KW_EXCLUDE expr KW_BETWEEN KW_STEP stepno KW_AND stepno
                                        { A($$ = ast_exclude_new(ctx, $2, $5, $7)); }
  ;

stepno:
    T_INTEGER                           { $$ = ast_stepno_of(&$1, &@1); }
  ;

opt_holding:
    %empty                              { $$ = NULL; }
  | KW_HOLDING exprs                    { $$ = $2; }
  ;

opt_return:
    %empty                              { $$ = ast_return_make(AST_RETURN_STEPS, AST_OBJECTS_ALL, ast_stepno_none(), ast_stepno_none(), ast_stepno_none(), NULL, NULL); }
  | KW_RETURN KW_STEPS                  { $$ = ast_return_make(AST_RETURN_STEPS, AST_OBJECTS_ALL, ast_stepno_none(), ast_stepno_none(), ast_stepno_none(), NULL, &@1); }
  | KW_RETURN KW_OBJECTS                { $$ = ast_return_make(AST_RETURN_OBJECTS, AST_OBJECTS_ALL, ast_stepno_none(), ast_stepno_none(), ast_stepno_none(), NULL, &@1); }
  | KW_RETURN KW_OBJECTS KW_REACHED stepno
                                        { $$ = ast_return_make(AST_RETURN_OBJECTS, AST_OBJECTS_REACHED, $4, ast_stepno_none(), ast_stepno_none(), NULL, &@1); }
  | KW_RETURN KW_OBJECTS KW_DROPPED KW_AFTER stepno
                                        { $$ = ast_return_make(AST_RETURN_OBJECTS, AST_OBJECTS_DROPPED, $5, ast_stepno_none(), ast_stepno_none(), NULL, &@1); }
  | KW_RETURN KW_TIMES KW_BUCKET span   { $$ = ast_return_make(AST_RETURN_TIMES, AST_OBJECTS_ALL, ast_stepno_none(), ast_stepno_none(), ast_stepno_none(), $4, &@1); }
  | KW_RETURN KW_TIMES KW_FROM KW_STEP stepno KW_TO KW_STEP stepno KW_BUCKET span
                                        { $$ = ast_return_make(AST_RETURN_TIMES, AST_OBJECTS_ALL, ast_stepno_none(), $5, $8, $10, &@1); }
  ;

/* ---- RETENTION, LIFECYCLE, STICKINESS (PATHS.md §2, §3) ---- */

retention:
    retention_head opt_from opt_where group_session opt_having opt_order opt_limit
                                        { A($$ = ast_cohort_stmt(ctx, SKY_STMT_RETENTION, $1, &$2, $3, $4, $5, $6, $7)); }
  ;

retention_head:
    KW_RETENTION retention_mode KW_FROM expr KW_TO expr KW_EVERY period opt_rolling KW_FOR T_INTEGER opt_on_or_after
                                        { A($$ = ast_retention_head(ctx, $2, $4, $6, $8, $9, ast_int(ctx, &$11, &@11), $12, &@1)); }
  ;

retention_mode:
    %empty                              { $$ = false; }
  | KW_FIRST                            { $$ = false; }
  | KW_RECURRING                        { $$ = true; }
  ;

period:
    KW_HOUR                             { $$ = SKY_PERIOD_HOUR; }
  | KW_DAY                              { $$ = SKY_PERIOD_DAY; }
  | KW_WEEK                             { $$ = SKY_PERIOD_WEEK; }
  | KW_MONTH                            { $$ = SKY_PERIOD_MONTH; }
  ;

opt_rolling:
    %empty                              { $$ = false; }
  | KW_ROLLING                          { $$ = true; }
  ;

opt_on_or_after:
    %empty                              { $$ = false; }
  | KW_ON KW_OR KW_AFTER                { $$ = true; }
  ;

lifecycle:
    KW_LIFECYCLE KW_EVERY period opt_from opt_where group_session opt_having opt_order opt_limit
                                        { A($$ = ast_cohort_stmt(ctx, SKY_STMT_LIFECYCLE, ast_period_head(ctx, $3, &@1), &$4, $5, $6, $7, $8, $9)); }
  ;

stickiness:
    KW_STICKINESS KW_EVERY period opt_from opt_where group_session opt_having opt_order opt_limit
                                        { A($$ = ast_cohort_stmt(ctx, SKY_STMT_STICKINESS, ast_period_head(ctx, $3, &@1), &$4, $5, $6, $7, $8, $9)); }
  ;

/* ---- PATHS (PATHS.md §4) ---- */

paths:
    KW_PATHS paths_dir expr KW_STEPS T_INTEGER opt_of opt_from opt_where group_session opt_having opt_order opt_limit
                                        { A($$ = ast_paths_stmt(ctx, ast_paths_head(ctx, $2, $3, ast_int(ctx, &$5, &@5), $6, &@1), &$7, $8, $9, $10, $11, $12)); }
  ;

paths_dir:
    KW_AFTER                            { $$ = 0; }
  | KW_BEFORE                           { $$ = 1; }
  ;

opt_of:
    %empty                              { $$ = NULL; }
  | KW_OF expr                          { $$ = $2; }
  ;

/* ---- expressions ---- */

exprs:
    expr                                { A($$ = ast_list_new(ctx, $1)); }
  | exprs ',' expr                      { A($$ = ast_list_push(ctx, $1, $3)); }
  ;

expr:
    expr KW_OR expr                     { A($$ = ast_op2(ctx, SKY_OP_OR, $1, $3, &@$)); }
  | expr KW_AND expr                    { A($$ = ast_op2(ctx, SKY_OP_AND, $1, $3, &@$)); }
  | KW_NOT expr                         { A($$ = ast_op1(ctx, SKY_OP_NOT, $2, &@$)); }
  | expr KW_IS KW_NULL %prec KW_IS      { A($$ = ast_op1(ctx, SKY_OP_IS_NULL, $1, &@$)); }
  | expr KW_IS KW_NOT KW_NULL %prec KW_IS { A($$ = ast_op1(ctx, SKY_OP_IS_NOT_NULL, $1, &@$)); }
  | expr '=' expr                       { A($$ = ast_op2(ctx, SKY_OP_EQ, $1, $3, &@$)); }
  | expr T_NE expr                      { A($$ = ast_op2(ctx, SKY_OP_NE, $1, $3, &@$)); }
  | expr '<' expr                       { A($$ = ast_op2(ctx, SKY_OP_LT, $1, $3, &@$)); }
  | expr T_LE expr                      { A($$ = ast_op2(ctx, SKY_OP_LE, $1, $3, &@$)); }
  | expr '>' expr                       { A($$ = ast_op2(ctx, SKY_OP_GT, $1, $3, &@$)); }
  | expr T_GE expr                      { A($$ = ast_op2(ctx, SKY_OP_GE, $1, $3, &@$)); }
  | expr KW_LIKE expr                   { A($$ = ast_like(ctx, $1, $3, false, &@$)); }
  | expr T_NOT_LIKE expr                { A($$ = ast_like(ctx, $1, $3, true, &@$)); }
  | expr KW_IN '(' exprs ')'            { A($$ = ast_in(ctx, $1, $4, false, &@$)); }
  | expr T_NOT_IN '(' exprs ')'         { A($$ = ast_in(ctx, $1, $4, true, &@$)); }
  | expr '+' expr                       { A($$ = ast_op2(ctx, SKY_OP_ADD, $1, $3, &@$)); }
  | expr '-' expr                       { A($$ = ast_op2(ctx, SKY_OP_SUB, $1, $3, &@$)); }
  | expr '*' expr                       { A($$ = ast_op2(ctx, SKY_OP_MUL, $1, $3, &@$)); }
  | expr '/' expr                       { A($$ = ast_op2(ctx, SKY_OP_DIV, $1, $3, &@$)); }
  | expr '%' expr                       { A($$ = ast_op2(ctx, SKY_OP_MOD, $1, $3, &@$)); }
  | '-' expr %prec UMINUS               { A($$ = ast_neg(ctx, $2, &@$)); }
  | primary                             { $$ = $1; }
  ;

primary:
    literal                             { $$ = $1; }
  | KW_OBJECT                           { A($$ = ast_column(ctx, AST_OBJECT, &@$)); }
  | KW_TIMESTAMP                        { A($$ = ast_column(ctx, AST_TIMESTAMP, &@$)); }
  | KW_ACTION                           { A($$ = ast_column(ctx, AST_ACTION, &@$)); }
  | ident                               { A($$ = ast_ref(ctx, AST_NAME, &$1, &@$)); }
  | KW_STATE '.' ident                  { A($$ = ast_ref(ctx, AST_STATE, &$3, &@$)); }
  | KW_EVENT '.' ident                  { A($$ = ast_ref(ctx, AST_EVENT, &$3, &@$)); }
  | KW_SESSION '.' ident                { A($$ = ast_ref(ctx, AST_SESSION, &$3, &@$)); }
  | filtered_call                       { $$ = $1; }
  | filtered_call KW_OVER KW_OBJECT     { A($$ = ast_over_object(ctx, $1, &@$)); }
  | '(' expr ')'                        { A($$ = ast_paren(ctx, $2, &@$)); }
  ;

call:
    ident '(' ')'                       { A($$ = ast_call(ctx, &$1, NULL, false, false, &@$)); }
  | ident '(' '*' ')'                   { A($$ = ast_call(ctx, &$1, NULL, false, true, &@$)); }
  | ident '(' exprs ')'                 { A($$ = ast_call(ctx, &$1, $3, false, false, &@$)); }
  | ident '(' KW_DISTINCT expr ')'      { A($$ = ast_call(ctx, &$1, ast_list_new(ctx, $4), true, false, &@$)); }
  /* next(x [, n] WHERE c), prev(...) and next(DISTINCT x, n) (PATHS.md §4):
   * the binder checks that the function is next or prev */
  | ident '(' exprs KW_WHERE expr ')'   { A($$ = ast_call_where(ctx, &$1, $3, $5, &@$)); }
  | ident '(' KW_DISTINCT expr ',' expr ')' { A($$ = ast_call_distinct_n(ctx, &$1, $4, $6, &@$)); }
  ;

/* agg(x) FILTER (WHERE c): the binder checks that the call is an aggregate. */
filtered_call:
    call                                { $$ = $1; }
  | call KW_FILTER '(' KW_WHERE expr ')' { A($$ = ast_filter(ctx, $1, $5, &@$)); }
  ;

literal:
    T_INTEGER                           { A($$ = ast_int(ctx, &$1, &@$)); }
  | T_FLOAT                             { A($$ = ast_float(ctx, &$1, &@$)); }
  | T_DURATION                          { A($$ = ast_duration(ctx, &$1, &@$)); }
  | T_STRING                            { A($$ = ast_string(ctx, &$1, &@$)); }
  | KW_TRUE                             { A($$ = ast_bool(ctx, true, &@$)); }
  | KW_FALSE                            { A($$ = ast_bool(ctx, false, &@$)); }
  | KW_NULL                             { A($$ = ast_null(ctx, &@$)); }
  ;

%%

/* Custom syntax error report: the token found and the exact expected set
 * (LAC), turned into words by sky_parse_syntax_error(). */
static int yyreport_syntax_error(const yypcontext_t *yyctx, sky_parse_ctx *ctx) {
  yysymbol_kind_t expected[YYNTOKENS];
  const char *names[YYNTOKENS];
  int n = yypcontext_expected_tokens(yyctx, expected, YYNTOKENS);
  if (n < 0) n = 0;
  for (int i = 0; i < n; i++) names[i] = yysymbol_name(expected[i]);
  sky_parse_syntax_error(ctx, yypcontext_location(yyctx), yypcontext_token(yyctx) == YYSYMBOL_YYEOF, names, n);
  return 0;
}
