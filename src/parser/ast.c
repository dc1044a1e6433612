/* ast.c — the constructors the grammar's actions call, one per construct.
 *
 * Each constructor allocates in the statement's arena and returns NULL
 * (with the parse's error set) when it cannot: out of memory, an
 * expression nested deeper than SKY_AST_MAX_DEPTH, or a value the grammar
 * cannot reject by shape alone (an INSERT row of the wrong width, a name
 * longer than a property name may be). Names and string values in the tree
 * point into the statement text where they need no unescaping; everything
 * a sky_stmt exposes to the statement layer is a NUL-terminated copy.
 */
#include "parser/ast.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "parser/funcs.h"

/* ---- errors ---------------------------------------------------------------- */

void *ast_fail(sky_parse_ctx *ctx, sky_code code, const sky_loc *loc, const char *fmt, ...) {
  if (ctx->failed) return NULL;
  ctx->failed = true;
  sky_error *err = ctx->err;
  memset(err, 0, sizeof *err);
  err->code = code;
  err->line = loc ? loc->line : 0;
  err->column = loc ? loc->column : 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return NULL;
}

void *ast_oom(sky_parse_ctx *ctx) {
  if (!ctx->failed) {
    ctx->failed = true;
    sky_error_set(ctx->err, SKY_ERR_OUT_OF_MEMORY, 0, 0, "out of memory");
  }
  return NULL;
}

static void *alloc0(sky_parse_ctx *ctx, size_t n) {
  void *p = sky_arena_calloc(ctx->arena, n);
  return p ? p : ast_oom(ctx);
}

static char *dup_str(sky_parse_ctx *ctx, const char *s, size_t len) {
  char *d = sky_arena_strndup(ctx->arena, s ? s : "", s ? len : 0);
  return d ? d : ast_oom(ctx);
}

/* ---- lists ----------------------------------------------------------------- */

/* items, exprs, propdefs, columns, rows, values, order_items: first element */
ast_list *ast_list_new(sky_parse_ctx *ctx, void *first) {
  if (!first) return NULL;
  ast_list *l = alloc0(ctx, sizeof *l);
  if (!l) return NULL;
  return ast_list_push(ctx, l, first);
}

/* ... ',' element */
ast_list *ast_list_push(sky_parse_ctx *ctx, ast_list *list, void *item) {
  if (!list || !item) return NULL;
  if (list->n == list->cap) {
    uint32_t cap = list->cap ? list->cap * 2 : 4;
    void **v = sky_arena_alloc(ctx->arena, sizeof *v * cap);
    if (!v) return ast_oom(ctx);
    if (list->n) memcpy(v, list->v, sizeof *v * list->n);
    list->v = v;
    list->cap = cap;
  }
  list->v[list->n++] = item;
  return list;
}

/* ---- expressions ----------------------------------------------------------- */

static ast_expr *node(sky_parse_ctx *ctx, ast_kind kind, const sky_loc *loc) {
  if (ctx->failed) return NULL;
  ast_expr *e = alloc0(ctx, sizeof *e);
  if (!e) return NULL;
  e->kind = kind;
  e->loc = *loc;
  e->depth = 1;
  return e;
}

/* Gives `e` its children and checks the depth limit. */
static ast_expr *with_args(sky_parse_ctx *ctx, ast_expr *e, uint32_t n, ast_expr **args) {
  if (!e) return NULL;
  uint32_t depth = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (!args[i]) return NULL;
    if (args[i]->depth > depth) depth = args[i]->depth;
  }
  if (depth + 1 > SKY_AST_MAX_DEPTH)
    return ast_fail(ctx, SKY_ERR_SYNTAX, &e->loc, "expression is nested too deeply (more than %d levels)",
                    SKY_AST_MAX_DEPTH);
  e->depth = (uint16_t)(depth + 1);
  e->n_args = n;
  e->args = args;
  return e;
}

static ast_expr *with_list(sky_parse_ctx *ctx, ast_expr *e, ast_expr *first, ast_list *rest) {
  if (!e) return NULL;
  uint32_t n = (first ? 1 : 0) + (rest ? rest->n : 0);
  ast_expr **args = n ? sky_arena_alloc(ctx->arena, sizeof *args * n) : NULL;
  if (n && !args) return ast_oom(ctx);
  uint32_t k = 0;
  if (first) args[k++] = first;
  for (uint32_t i = 0; rest && i < rest->n; i++) args[k++] = rest->v[i];
  return with_args(ctx, e, n, args);
}

/* literal: T_INTEGER (also LIMIT n, WITHIN SESSION n) */
ast_expr *ast_int(sky_parse_ctx *ctx, const sky_tokval *v, const sky_loc *loc) {
  ast_expr *e = node(ctx, AST_INT, loc);
  if (e) e->u = v->u;
  return e;
}

/* literal: T_FLOAT */
ast_expr *ast_float(sky_parse_ctx *ctx, const sky_tokval *v, const sky_loc *loc) {
  ast_expr *e = node(ctx, AST_FLOAT, loc);
  if (e) e->f = v->f;
  return e;
}

/* literal: T_DURATION (also WITHIN SESSION d) */
ast_expr *ast_duration(sky_parse_ctx *ctx, const sky_tokval *v, const sky_loc *loc) {
  ast_expr *e = node(ctx, AST_DURATION, loc);
  if (e) e->u = v->u;
  return e;
}

/* literal: T_STRING */
ast_expr *ast_string(sky_parse_ctx *ctx, const sky_tokval *v, const sky_loc *loc) {
  ast_expr *e = node(ctx, AST_STRING, loc);
  if (e) e->s = v->str.s, e->len = v->str.len;
  return e;
}

/* literal: TRUE | FALSE */
ast_expr *ast_bool(sky_parse_ctx *ctx, bool b, const sky_loc *loc) {
  ast_expr *e = node(ctx, AST_BOOL, loc);
  if (e) e->b = b;
  return e;
}

/* literal: NULL */
ast_expr *ast_null(sky_parse_ctx *ctx, const sky_loc *loc) { return node(ctx, AST_NULL, loc); }

/* primary: OBJECT | TIMESTAMP | ACTION */
ast_expr *ast_column(sky_parse_ctx *ctx, ast_kind kind, const sky_loc *loc) { return node(ctx, kind, loc); }

/* primary: ident | STATE '.' ident | EVENT '.' ident | SESSION '.' ident */
ast_expr *ast_ref(sky_parse_ctx *ctx, ast_kind kind, const ast_ident *name, const sky_loc *loc) {
  ast_expr *e = node(ctx, kind, loc);
  if (e) e->s = name->s, e->len = name->len;
  return e;
}

/* expr: NOT expr | expr IS [NOT] NULL | '-' expr (not a literal) */
ast_expr *ast_op1(sky_parse_ctx *ctx, sky_op op, ast_expr *a, const sky_loc *loc) {
  if (!a) return NULL;
  ast_expr *e = node(ctx, AST_OP, loc);
  if (!e) return NULL;
  e->op = op;
  return with_list(ctx, e, a, NULL);
}

/* expr: expr (OR | AND | comparison | arithmetic) expr */
ast_expr *ast_op2(sky_parse_ctx *ctx, sky_op op, ast_expr *a, ast_expr *b, const sky_loc *loc) {
  if (!a || !b) return NULL;
  ast_expr *e = node(ctx, AST_OP, loc);
  ast_expr **args = sky_arena_alloc(ctx->arena, sizeof *args * 2);
  if (!e || !args) return ast_oom(ctx);
  e->op = op;
  args[0] = a;
  args[1] = b;
  return with_args(ctx, e, 2, args);
}

/* expr: '-' expr */
ast_expr *ast_neg(sky_parse_ctx *ctx, ast_expr *a, const sky_loc *loc) {
  if (!a) return NULL;
  bool number = a->kind == AST_INT || a->kind == AST_FLOAT || a->kind == AST_DURATION;
  if (number && !a->paren && !a->neg) { /* -5 is a literal, not an operation */
    a->neg = true;
    if (a->kind == AST_FLOAT) a->f = -a->f;
    a->loc = *loc;
    return a;
  }
  return ast_op1(ctx, SKY_OP_NEG, a, loc);
}

/* expr: expr [NOT] LIKE expr */
ast_expr *ast_like(sky_parse_ctx *ctx, ast_expr *a, ast_expr *pattern, bool negated, const sky_loc *loc) {
  if (!a || !pattern) return NULL;
  ast_expr *e = node(ctx, AST_LIKE, loc);
  ast_expr **args = sky_arena_alloc(ctx->arena, sizeof *args * 2);
  if (!e || !args) return ast_oom(ctx);
  e->neg = negated;
  args[0] = a;
  args[1] = pattern;
  return with_args(ctx, e, 2, args);
}

/* expr: expr [NOT] IN '(' exprs ')' */
ast_expr *ast_in(sky_parse_ctx *ctx, ast_expr *a, ast_list *items, bool negated, const sky_loc *loc) {
  if (!a || !items) return NULL;
  ast_expr *e = node(ctx, AST_IN, loc);
  if (e) e->neg = negated;
  return with_list(ctx, e, a, items);
}

/* primary: ident '(' [ '*' | exprs | DISTINCT expr ] ')' */
ast_expr *ast_call(sky_parse_ctx *ctx, const ast_ident *name, ast_list *args, bool distinct, bool star,
                   const sky_loc *loc) {
  ast_expr *e = node(ctx, AST_CALL, loc);
  if (!e) return NULL;
  e->s = name->s;
  e->len = name->len;
  e->distinct = distinct;
  e->star = star;
  return with_list(ctx, e, NULL, args);
}

/* filtered_call: call FILTER '(' WHERE expr ')': the call, spanning the
 * whole text, with its condition (which counts towards its depth) */
ast_expr *ast_filter(sky_parse_ctx *ctx, ast_expr *call, ast_expr *cond, const sky_loc *loc) {
  if (!call || !cond) return NULL;
  if (cond->depth + 1 > SKY_AST_MAX_DEPTH)
    return ast_fail(ctx, SKY_ERR_SYNTAX, loc, "expression is nested too deeply (more than %d levels)",
                    SKY_AST_MAX_DEPTH);
  if (cond->depth + 1 > call->depth) call->depth = (uint16_t)(cond->depth + 1);
  call->filter = cond;
  call->loc = *loc;
  return call;
}

/* call: ident '(' exprs WHERE expr ')' (next, prev): the call with the
 * condition that chooses its counted events (counted in its depth) */
ast_expr *ast_call_where(sky_parse_ctx *ctx, const ast_ident *name, ast_list *args, ast_expr *cond,
                         const sky_loc *loc) {
  if (!cond) return NULL;
  ast_expr *e = ast_call(ctx, name, args, false, false, loc);
  if (!e) return NULL;
  if (cond->depth + 1 > SKY_AST_MAX_DEPTH)
    return ast_fail(ctx, SKY_ERR_SYNTAX, loc, "expression is nested too deeply (more than %d levels)",
                    SKY_AST_MAX_DEPTH);
  if (cond->depth + 1 > e->depth) e->depth = (uint16_t)(cond->depth + 1);
  e->where = cond;
  return e;
}

/* call: ident '(' DISTINCT expr ',' expr ')' (next, prev with n) */
ast_expr *ast_call_distinct_n(sky_parse_ctx *ctx, const ast_ident *name, ast_expr *x, ast_expr *n,
                              const sky_loc *loc) {
  if (!x || !n) return NULL;
  ast_list *args = ast_list_new(ctx, x);
  if (!args || !ast_list_push(ctx, args, n)) return NULL;
  return ast_call(ctx, name, args, true, false, loc);
}

/* primary: filtered_call OVER OBJECT: the call, marked, spanning the whole text */
ast_expr *ast_over_object(sky_parse_ctx *ctx, ast_expr *call, const sky_loc *loc) {
  (void)ctx;
  if (!call) return NULL;
  call->over = true;
  call->loc = *loc;
  return call;
}

/* primary: '(' expr ')' */
ast_expr *ast_paren(sky_parse_ctx *ctx, ast_expr *a, const sky_loc *loc) {
  (void)ctx;
  if (!a) return NULL;
  a->paren = true;
  a->loc = *loc;
  return a;
}

/* ---- identifiers ----------------------------------------------------------- */

/* ident: T_IDENT */
ast_ident ast_ident_of(const sky_tokval *v, const sky_loc *loc) {
  return (ast_ident){.s = v->str.s, .len = v->str.len, .loc = *loc};
}

/* opt_from, opt_into: %empty */
ast_ident ast_ident_none(void) { return (ast_ident){0}; }

/* ident: nonreserved */
ast_ident ast_ident_kw(sky_parse_ctx *ctx, const sky_loc *loc) {
  /* the token log is sorted by offset: find this token, spell it as written */
  uint32_t lo = 0, hi = ctx->n_toks;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (ctx->toks[mid].start < loc->start) lo = mid + 1;
    else hi = mid;
  }
  if (lo < ctx->n_toks && ctx->toks[lo].start == loc->start) ctx->toks[lo].keyword = false;
  return (ast_ident){.s = ctx->text + loc->start, .len = loc->end - loc->start, .loc = *loc};
}

/* column: OBJECT | TIMESTAMP | ACTION */
ast_ident ast_ident_fixed(const char *name, const sky_loc *loc) {
  return (ast_ident){.s = name, .len = (uint32_t)strlen(name), .loc = *loc};
}

/* columns: column */
ast_ident *ast_ident_new(sky_parse_ctx *ctx, const ast_ident *id) {
  ast_ident *p = alloc0(ctx, sizeof *p);
  if (p) *p = *id;
  return p;
}

/* ---- SELECT ---------------------------------------------------------------- */

/* item: expr [AS ident] */
ast_item *ast_item_new(sky_parse_ctx *ctx, ast_expr *e, const ast_ident *alias) {
  if (!e) return NULL;
  ast_item *it = alloc0(ctx, sizeof *it);
  if (!it) return NULL;
  it->expr = e;
  if (alias) it->has_alias = true, it->alias = *alias;
  return it;
}

/* order_item: expr opt_dir */
ast_order *ast_order_new(sky_parse_ctx *ctx, ast_expr *e, bool desc) {
  if (!e) return NULL;
  ast_order *o = alloc0(ctx, sizeof *o);
  if (o) o->expr = e, o->desc = desc;
  return o;
}

/* group_session: [group_by] [session], in either order */
ast_gs ast_gs_make(ast_list *group, ast_expr *session) { return (ast_gs){.group = group, .session = session}; }

static sky_stmt *new_stmt(sky_parse_ctx *ctx, sky_stmt_kind kind) {
  if (ctx->failed) return NULL;
  sky_stmt *s = alloc0(ctx, sizeof *s);
  if (!s) return NULL;
  s->kind = kind;
  s->text = ctx->text;
  return s;
}

/* The table named by a statement (FROM/INTO/t), when there is one. */
static bool set_table(sky_parse_ctx *ctx, sky_stmt *s, const ast_ident *table) {
  if (!table || !table->s) return true;
  s->table = dup_str(ctx, table->s, table->len);
  s->table_pos = (sky_pos){table->loc.line, table->loc.column};
  return s->table != NULL;
}

/* The clauses SELECT and FUNNEL share: FROM, WHERE, GROUP BY, WITHIN
 * SESSION, HAVING, ORDER BY, LIMIT. */
static sky_stmt *new_query(sky_parse_ctx *ctx, sky_stmt_kind kind, const ast_ident *from, ast_expr *where, ast_gs gs,
                           ast_expr *having, ast_list *order, ast_expr *limit) {
  if (ctx->failed) return NULL;
  sky_stmt *s = new_stmt(ctx, kind);
  sky_select *sel = alloc0(ctx, sizeof *sel);
  if (!s || !sel || !set_table(ctx, s, from)) return NULL;
  sel->text = ctx->text;
  sel->where = where;
  if (gs.group) sel->n_group = gs.group->n, sel->group = (ast_expr **)gs.group->v;
  sel->session = gs.session;
  sel->having = having;
  if (order) sel->n_order = order->n, sel->order = (ast_order **)order->v;
  sel->limit = limit;
  s->select = sel;
  return s;
}

/* select: SELECT items opt_from opt_where group_session opt_having opt_order opt_limit */
sky_stmt *ast_select(sky_parse_ctx *ctx, ast_list *items, const ast_ident *from, ast_expr *where, ast_gs gs,
                     ast_expr *having, ast_list *order, ast_expr *limit) {
  if (!items) return NULL;
  sky_stmt *s = new_query(ctx, SKY_STMT_SELECT, from, where, gs, having, order, limit);
  if (!s) return NULL;
  s->select->n_items = items->n;
  s->select->items = (ast_item **)items->v;
  return s;
}

/* select: SELECT items opt_from AS OF as_of_value ... */
sky_stmt *ast_select_as_of(sky_parse_ctx *ctx, sky_stmt *s, sky_lit *as_of, const sky_loc *at) {
  (void)ctx;
  if (!s || !as_of) return NULL;
  s->select->has_as_of = true;
  s->select->as_of = *as_of;
  s->select->as_of_at = *at;
  return s;
}

/* stmt: EXPLAIN [IR] query */
sky_stmt *ast_explain(sky_parse_ctx *ctx, sky_stmt *query, bool ir) {
  (void)ctx;
  if (!query) return NULL;
  query->explain = ir ? SKY_EXPLAIN_IR : SKY_EXPLAIN_PLAN;
  return query;
}

/* ---- FUNNEL ------------------------------------------------------------------ */

ast_stepno ast_stepno_of(const sky_tokval *v, const sky_loc *loc) {
  return (ast_stepno){.n = v->u, .loc = *loc, .given = true};
}

ast_stepno ast_stepno_none(void) { return (ast_stepno){.given = false}; }

/* exclude: EXCLUDE expr [BETWEEN STEP i AND j] */
ast_exclude *ast_exclude_new(sky_parse_ctx *ctx, ast_expr *cond, ast_stepno from, ast_stepno to) {
  ast_exclude *x = cond ? alloc0(ctx, sizeof *x) : NULL;
  if (x) x->cond = cond, x->from = from, x->to = to;
  return x;
}

ast_return ast_return_make(ast_funnel_return kind, ast_objects_filter objects, ast_stepno at, ast_stepno from,
                           ast_stepno to, ast_expr *bucket, const sky_loc *loc) {
  return (ast_return){.kind = kind, .objects = objects, .at = at, .from = from, .to = to, .bucket = bucket,
                      .loc = loc ? *loc : (sky_loc){0, 0, 0, 0}};
}

/* FUNNEL steps WITHIN window [STRICT | ANY ORDER] [EXCLUDE ...]... [HOLDING exprs] */
ast_funnel *ast_funnel_head(sky_parse_ctx *ctx, ast_list *steps, ast_expr *window, int order, const sky_loc *order_loc,
                            ast_list *excludes, ast_list *holding, const sky_loc *loc) {
  if (!steps || !window || ctx->failed) return NULL;
  ast_funnel *f = alloc0(ctx, sizeof *f);
  if (!f) return NULL;
  f->loc = *loc;
  f->n_steps = steps->n;
  f->steps = (ast_item **)steps->v;
  f->window = window;
  f->order = (ast_funnel_order)order;
  f->order_loc = *order_loc;
  if (excludes) f->n_excludes = excludes->n, f->excludes = (ast_exclude **)excludes->v;
  if (holding) f->n_holding = holding->n, f->holding = (ast_expr **)holding->v;
  return f;
}

/* funnel: head [FROM t] [WHERE c] group_session [RETURN ...] [HAVING] [ORDER BY] [LIMIT] */
sky_stmt *ast_funnel_stmt(sky_parse_ctx *ctx, ast_funnel *head, const ast_ident *from, ast_expr *where, ast_gs gs,
                          ast_return ret, ast_expr *having, ast_list *order, ast_expr *limit) {
  if (!head) return NULL;
  sky_stmt *s = new_query(ctx, SKY_STMT_FUNNEL, from, where, gs, having, order, limit);
  if (!s) return NULL;
  head->ret = ret;
  s->select->funnel = head;
  return s;
}

/* ---- RETENTION, LIFECYCLE, STICKINESS ------------------------------------------ */

/* DURING t1 TO t2 [EVERY period] */
ast_during *ast_during_new(sky_parse_ctx *ctx, const sky_lit *from, const sky_lit *to, int every, const sky_loc *loc,
                           const sky_loc *every_loc) {
  if (ctx->failed || !from || !to) return NULL;
  ast_during *d = alloc0(ctx, sizeof *d);
  if (!d) return NULL;
  d->loc = *loc;
  d->from = from;
  d->to = to;
  d->every = every;
  d->every_loc = *every_loc;
  return d;
}

sky_stmt *ast_select_during(sky_parse_ctx *ctx, sky_stmt *s, ast_during *during) {
  (void)ctx;
  if (s) s->select->during = during;
  return s;
}

ast_cohort *ast_period_head(sky_parse_ctx *ctx, int unit, const sky_loc *loc) {
  if (ctx->failed) return NULL;
  ast_cohort *c = alloc0(ctx, sizeof *c);
  if (!c) return NULL;
  c->loc = *loc;
  c->unit = unit;
  return c;
}

ast_cohort *ast_retention_head(sky_parse_ctx *ctx, bool recurring, ast_expr *start, ast_expr *ret, int unit,
                               bool rolling, ast_expr *n, bool on_or_after, const sky_loc *loc) {
  if (!start || !ret || !n) return NULL;
  ast_cohort *c = ast_period_head(ctx, unit, loc);
  if (!c) return NULL;
  c->recurring = recurring;
  c->start = start;
  c->ret = ret;
  c->rolling = rolling;
  c->n = n;
  c->on_or_after = on_or_after;
  return c;
}

/* retention | lifecycle | stickiness: head [FROM t] [WHERE c] group_session [HAVING] [ORDER BY] [LIMIT] */
sky_stmt *ast_cohort_stmt(sky_parse_ctx *ctx, sky_stmt_kind kind, ast_cohort *head, const ast_ident *from,
                          ast_expr *where, ast_gs gs, ast_expr *having, ast_list *order, ast_expr *limit) {
  if (!head) return NULL;
  sky_stmt *s = new_query(ctx, kind, from, where, gs, having, order, limit);
  if (s) s->select->cohort = head;
  return s;
}

/* ---- PATHS ------------------------------------------------------------------- */

ast_paths *ast_paths_head(sky_parse_ctx *ctx, int before, ast_expr *cond, ast_expr *k, ast_expr *of,
                          const sky_loc *loc) {
  if (!cond || !k || ctx->failed) return NULL;
  ast_paths *h = alloc0(ctx, sizeof *h);
  if (!h) return NULL;
  h->loc = *loc;
  h->before = before != 0;
  h->cond = cond;
  h->k = k;
  h->of = of;
  return h;
}

/* paths: PATHS AFTER|BEFORE cond STEPS k [OF expr] [FROM t] [WHERE c] group_session [HAVING] [ORDER BY] [LIMIT] */
sky_stmt *ast_paths_stmt(sky_parse_ctx *ctx, ast_paths *head, const ast_ident *from, ast_expr *where, ast_gs gs,
                         ast_expr *having, ast_list *order, ast_expr *limit) {
  if (!head) return NULL;
  sky_stmt *s = new_query(ctx, SKY_STMT_PATHS, from, where, gs, having, order, limit);
  if (s) s->select->paths = head;
  return s;
}

/* ---- other statements ------------------------------------------------------ */

/* propdef: ident kind type */
sky_propdef *ast_propdef(sky_parse_ctx *ctx, const ast_ident *name, sky_prop_kind kind, sky_prop_type type) {
  if (name->len > SKY_MAX_NAME) {
    char q[80];
    sky_error_quote(q, name->s, name->len);
    return ast_fail(ctx, SKY_ERR_BAD_VALUE, &name->loc, "property name '%s' is longer than %d bytes", q,
                    SKY_MAX_NAME);
  }
  sky_propdef *d = alloc0(ctx, sizeof *d);
  if (!d) return NULL;
  memcpy(d->prop.name, name->s, name->len);
  d->prop.name[name->len] = '\0';
  d->prop.kind = kind;
  d->prop.type = type;
  d->pos = (sky_pos){name->loc.line, name->loc.column};
  return d;
}

/* propdef: ident kind type EXPIRES AFTER span [TO value] */
sky_propdef *ast_propdef_expires(sky_parse_ctx *ctx, sky_propdef *def, const ast_expr *after, const sky_loc *loc,
                                 const sky_lit *to) {
  if (!def || !after) return NULL;
  def->has_expires = true;
  def->expires_pos = (sky_pos){loc->line, loc->column};
  def->expires_us = after->u;
  def->expires_at = (sky_pos){after->loc.line, after->loc.column};
  def->to = to;
  return def;
}

/* stmt: CREATE TABLE ident [ '(' propdefs ')' ] */
sky_stmt *ast_create_table(sky_parse_ctx *ctx, const ast_ident *table, ast_list *propdefs) {
  sky_stmt *s = new_stmt(ctx, SKY_STMT_CREATE_TABLE);
  if (!s || !set_table(ctx, s, table)) return NULL;
  if (propdefs) {
    s->props = sky_arena_alloc(ctx->arena, sizeof *s->props * propdefs->n);
    if (!s->props) return ast_oom(ctx);
    for (uint32_t i = 0; i < propdefs->n; i++) s->props[i] = *(sky_propdef *)propdefs->v[i];
    s->n_props = propdefs->n;
  }
  return s;
}

/* stmt: ALTER TABLE ident ADD propdef */
sky_stmt *ast_alter_add(sky_parse_ctx *ctx, const ast_ident *table, sky_propdef *def) {
  if (!def) return NULL;
  sky_stmt *s = new_stmt(ctx, SKY_STMT_ALTER_ADD);
  if (!s || !set_table(ctx, s, table)) return NULL;
  s->n_props = 1;
  s->props = def;
  return s;
}

/* stmt: DROP TABLE ident | USE ident | DESCRIBE ident */
sky_stmt *ast_table_stmt(sky_parse_ctx *ctx, sky_stmt_kind kind, const ast_ident *table) {
  sky_stmt *s = new_stmt(ctx, kind);
  if (!s || !set_table(ctx, s, table)) return NULL;
  return s;
}

/* stmt: SHOW TABLES */
sky_stmt *ast_show_tables(sky_parse_ctx *ctx) { return new_stmt(ctx, SKY_STMT_SHOW_TABLES); }

/* INSERT INTO t (columns) VALUES rows: every row as wide as the column list. */
sky_stmt *ast_insert(sky_parse_ctx *ctx, const ast_ident *table, ast_list *columns, ast_list *rows) {
  if (!columns || !rows) return NULL;
  sky_stmt *s = new_stmt(ctx, SKY_STMT_INSERT);
  if (!s || !set_table(ctx, s, table)) return NULL;
  uint32_t nc = columns->n;
  s->n_columns = nc;
  s->columns = sky_arena_alloc(ctx->arena, sizeof *s->columns * nc);
  s->column_pos = sky_arena_alloc(ctx->arena, sizeof *s->column_pos * nc);
  s->rows = sky_arena_alloc(ctx->arena, sizeof *s->rows * rows->n);
  if (!s->columns || !s->column_pos || !s->rows) return ast_oom(ctx);
  for (uint32_t c = 0; c < nc; c++) {
    const ast_ident *id = columns->v[c];
    if (!(s->columns[c] = dup_str(ctx, id->s, id->len))) return NULL;
    s->column_pos[c] = (sky_pos){id->loc.line, id->loc.column};
  }
  for (uint32_t r = 0; r < rows->n; r++) {
    const ast_list *row = rows->v[r];
    const sky_lit *first = row->v[0];
    if (row->n != nc)
      return ast_fail(ctx, SKY_ERR_SYNTAX, &(sky_loc){first->pos.line, first->pos.column, 0, 0},
                      "row %u has %u value%s but %u column%s named", r + 1, row->n, row->n == 1 ? "" : "s", nc,
                      nc == 1 ? " is" : "s are");
    if (!(s->rows[r] = sky_arena_alloc(ctx->arena, sizeof(sky_lit) * nc))) return ast_oom(ctx);
    for (uint32_t c = 0; c < nc; c++) s->rows[r][c] = *(const sky_lit *)row->v[c];
  }
  s->n_rows = rows->n;
  return s;
}

static sky_lit *new_lit(sky_parse_ctx *ctx, sky_lit_kind kind, const sky_loc *loc) {
  sky_lit *l = alloc0(ctx, sizeof *l);
  if (l) l->kind = kind, l->pos = (sky_pos){loc->line, loc->column};
  return l;
}

/* value, as_of_value: ['-'] T_INTEGER */
sky_lit *ast_lit_int(sky_parse_ctx *ctx, const sky_tokval *v, bool neg, const sky_loc *loc) {
  uint64_t u = v->u;
  if (neg && u > (UINT64_C(1) << 63))
    return ast_fail(ctx, SKY_ERR_BAD_VALUE, loc, "integer '-%llu' is out of range", (unsigned long long)u);
  sky_lit *l = new_lit(ctx, SKY_LIT_INT, loc);
  if (!l) return NULL;
  if (neg) l->i = (int64_t)(0 - u);
  else if (u <= INT64_MAX) l->i = (int64_t)u;
  else l->kind = SKY_LIT_UINT, l->u = u;
  return l;
}

/* value: ['-'] T_FLOAT */
sky_lit *ast_lit_float(sky_parse_ctx *ctx, const sky_tokval *v, bool neg, const sky_loc *loc) {
  sky_lit *l = new_lit(ctx, SKY_LIT_FLOAT, loc);
  if (l) l->f = neg ? -v->f : v->f;
  return l;
}

/* value, as_of_value: T_STRING */
sky_lit *ast_lit_string(sky_parse_ctx *ctx, const sky_tokval *v, const sky_loc *loc) {
  sky_lit *l = new_lit(ctx, SKY_LIT_STRING, loc);
  if (!l) return NULL;
  l->len = v->str.len;
  l->s = dup_str(ctx, v->str.s, v->str.len);
  return l->s ? l : NULL;
}

/* value: TRUE | FALSE */
sky_lit *ast_lit_bool(sky_parse_ctx *ctx, bool b, const sky_loc *loc) {
  sky_lit *l = new_lit(ctx, SKY_LIT_BOOL, loc);
  if (l) l->b = b;
  return l;
}

/* value: NULL */
sky_lit *ast_lit_null(sky_parse_ctx *ctx, const sky_loc *loc) { return new_lit(ctx, SKY_LIT_NULL, loc); }

/* load_max: %empty */
ast_loadopt ast_loadopt_none(void) { return (ast_loadopt){.format = SKY_FORMAT_AUTO}; }

/* load_max: MAX ERRORS T_INTEGER */
ast_loadopt ast_loadopt_max(const sky_tokval *max_errors, const sky_loc *max_loc) {
  return (ast_loadopt){.has_max = true, .max_errors = max_errors->u, .max_loc = *max_loc};
}

/* load_opts: opt_format load_max */
ast_loadopt ast_loadopt_format(ast_loadopt opt, sky_load_format format) {
  opt.format = format;
  return opt;
}

static sky_stmt *load_stmt(sky_parse_ctx *ctx, const ast_ident *into, ast_loadopt opt) {
  if (opt.has_max && opt.max_errors > INT64_MAX)
    return ast_fail(ctx, SKY_ERR_BAD_VALUE, &opt.max_loc, "MAX ERRORS %llu is out of range",
                    (unsigned long long)opt.max_errors);
  sky_stmt *s = new_stmt(ctx, SKY_STMT_LOAD);
  if (!s || !set_table(ctx, s, into)) return NULL;
  s->format = opt.format;
  s->max_errors = (int64_t)opt.max_errors;
  return s;
}

/* stmt: LOAD T_STRING opt_into load_opts */
sky_stmt *ast_load_file(sky_parse_ctx *ctx, const sky_tokval *path, const ast_ident *into, ast_loadopt opt) {
  sky_stmt *s = load_stmt(ctx, into, opt);
  if (!s) return NULL;
  s->path_len = path->str.len;
  s->path = dup_str(ctx, path->str.s, path->str.len);
  return s->path ? s : NULL;
}

/* stmt: LOAD INTO ident FORMAT format FROM STDIN load_max */
sky_stmt *ast_load_stdin(sky_parse_ctx *ctx, const ast_ident *into, sky_load_format format, ast_loadopt opt) {
  opt.format = format;
  sky_stmt *s = load_stmt(ctx, into, opt);
  if (s) s->from_stdin = true;
  return s;
}

/* stmt: DELETE OBJECT T_INTEGER opt_from */
sky_stmt *ast_delete_object(sky_parse_ctx *ctx, const sky_tokval *obj, const sky_loc *obj_loc,
                            const ast_ident *from) {
  sky_stmt *s = new_stmt(ctx, SKY_STMT_DELETE_OBJECT);
  if (!s || !set_table(ctx, s, from)) return NULL;
  s->object = obj->u;
  s->object_pos = (sky_pos){obj_loc->line, obj_loc->column};
  return s;
}

/* stmt: GET OBJECT T_INTEGER opt_from opt_as_of */
sky_stmt *ast_get_object(sky_parse_ctx *ctx, const sky_tokval *obj, const sky_loc *obj_loc, const ast_ident *from,
                         sky_lit *as_of) {
  sky_stmt *s = ast_delete_object(ctx, obj, obj_loc, from);
  if (!s) return NULL;
  s->kind = SKY_STMT_GET_OBJECT;
  if (as_of) s->has_as_of = true, s->as_of = *as_of;
  return s;
}

/* input: stmt opt_semi */
void ast_finish(sky_parse_ctx *ctx, sky_stmt *stmt) { ctx->stmt = stmt; }

/* ---- for the binder and the printers ---------------------------------------- */

const char *ast_kind_name(ast_kind k) {
  static const char *const names[] = {
#define AST_X_NAME(name, label) label,
      AST_KINDS(AST_X_NAME)
#undef AST_X_NAME
  };
  return (unsigned)k < AST_KIND_COUNT_ ? names[k] : "?";
}

/* agg(x) OVER OBJECT is a per-event value (the object's), not an aggregate of the group. */
bool ast_is_aggregate(const ast_expr *e) {
  return e->kind == AST_CALL && !e->over && sky_fn_is_aggregate(sky_fn_find(e->s, e->len));
}
