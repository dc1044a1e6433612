/* dump.c — sky_stmt_dump(): a statement's syntax tree as stable text, for
 * the parser's golden tests and for debugging.
 *
 * Statements print one field per line; expressions print as one-line
 * S-expressions, `(= action 'purchase')`, so precedence and
 * parenthesization are visible at a glance. Names that are not plain
 * identifiers are shown "double quoted"; strings are re-quoted with ''.
 * Positions are printed as @line:column where the statement layer uses
 * them (tables, columns, object ids, properties).
 */
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "parser/ast.h"

static void put_pos(sky_buf *b, sky_pos p) { sky_buf_printf(b, " @%d:%d", p.line, p.column); }

static void put_name(sky_buf *b, const char *s, size_t len) {
  bool plain = len > 0 && !(s[0] >= '0' && s[0] <= '9');
  for (size_t i = 0; i < len && plain; i++)
    plain = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_';
  if (plain) {
    sky_buf_append(b, s, len);
    return;
  }
  sky_buf_putc(b, '"');
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '"') sky_buf_putc(b, '"');
    sky_buf_putc(b, s[i]);
  }
  sky_buf_putc(b, '"');
}

static void put_string(sky_buf *b, const char *s, size_t len) {
  sky_buf_putc(b, '\'');
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '\'') sky_buf_putc(b, '\'');
    sky_buf_putc(b, s[i]);
  }
  sky_buf_putc(b, '\'');
}

/* A double that always reads as a float: 1.0, not 1. */
static void put_float(sky_buf *b, double d) {
  char tmp[40];
  size_t n = sky_format_double(d, tmp);
  tmp[n] = '\0';
  sky_buf_puts(b, tmp);
  if (!strpbrk(tmp, ".eni")) sky_buf_puts(b, ".0");
}

/* ---- expressions ---------------------------------------------------------------- */

static void put_expr(sky_buf *b, const ast_expr *e);

static void put_args(sky_buf *b, const ast_expr *e, uint32_t from) {
  for (uint32_t i = from; i < e->n_args; i++) {
    sky_buf_putc(b, ' ');
    put_expr(b, e->args[i]);
  }
}

static void put_expr(sky_buf *b, const ast_expr *e) {
  switch (e->kind) {
  case AST_INT: sky_buf_printf(b, "%s%llu", e->neg ? "-" : "", (unsigned long long)e->u); break;
  case AST_FLOAT: put_float(b, e->f); break;
  case AST_DURATION: sky_buf_printf(b, "%s%lluus", e->neg ? "-" : "", (unsigned long long)e->u); break;
  case AST_STRING: put_string(b, e->s, e->len); break;
  case AST_BOOL: sky_buf_puts(b, e->b ? "TRUE" : "FALSE"); break;
  case AST_NULL: sky_buf_puts(b, "NULL"); break;
  case AST_OBJECT: sky_buf_puts(b, "object"); break;
  case AST_TIMESTAMP: sky_buf_puts(b, "timestamp"); break;
  case AST_ACTION: sky_buf_puts(b, "action"); break;
  case AST_NAME: put_name(b, e->s, e->len); break;
  case AST_STATE:
  case AST_EVENT:
  case AST_SESSION:
    sky_buf_printf(b, "%s.", ast_kind_name(e->kind));
    put_name(b, e->s, e->len);
    break;
  case AST_OP:
    sky_buf_printf(b, "(%s", e->op == SKY_OP_NEG ? "neg" : sky_op_name(e->op));
    put_args(b, e, 0);
    sky_buf_putc(b, ')');
    break;
  case AST_LIKE:
  case AST_IN:
    sky_buf_printf(b, "(%s%s", e->neg ? "NOT " : "", e->kind == AST_LIKE ? "LIKE" : "IN");
    put_args(b, e, 0);
    sky_buf_putc(b, ')');
    break;
  case AST_CALL:
    sky_buf_putc(b, '(');
    put_name(b, e->s, e->len);
    if (e->star) sky_buf_puts(b, " *");
    if (e->distinct) sky_buf_puts(b, " DISTINCT");
    put_args(b, e, 0);
    if (e->where) {
      sky_buf_puts(b, " WHERE ");
      put_expr(b, e->where);
    }
    sky_buf_putc(b, ')');
    if (e->filter) {
      sky_buf_puts(b, " FILTER (WHERE ");
      put_expr(b, e->filter);
      sky_buf_putc(b, ')');
    }
    if (e->over) sky_buf_puts(b, " OVER OBJECT");
    break;
  case AST_KIND_COUNT_: break;
  }
}

/* ---- statements ------------------------------------------------------------------ */

static void put_lit(sky_buf *b, const sky_lit *l) {
  switch (l->kind) {
  case SKY_LIT_NULL: sky_buf_puts(b, "NULL"); break;
  case SKY_LIT_INT: sky_buf_printf(b, "%lld", (long long)l->i); break;
  case SKY_LIT_UINT: sky_buf_printf(b, "uint:%llu", (unsigned long long)l->u); break;
  case SKY_LIT_FLOAT: put_float(b, l->f); break;
  case SKY_LIT_STRING: put_string(b, l->s, l->len); break;
  case SKY_LIT_BOOL: sky_buf_puts(b, l->b ? "TRUE" : "FALSE"); break;
  }
}

static void put_table(sky_buf *b, const char *prefix, const sky_stmt *s) {
  if (!s->table) return;
  sky_buf_printf(b, "%s", prefix);
  put_name(b, s->table, strlen(s->table));
  put_pos(b, s->table_pos);
}

static void put_props(sky_buf *b, const sky_stmt *s) {
  for (uint32_t i = 0; i < s->n_props; i++) {
    const sky_prop *p = &s->props[i].prop;
    sky_buf_puts(b, "\n  property ");
    put_name(b, p->name, strlen(p->name));
    sky_buf_printf(b, " %s %s", sky_prop_kind_name(p->kind), sky_prop_type_name(p->type));
    put_pos(b, s->props[i].pos);
    const sky_propdef *d = &s->props[i];
    if (!d->has_expires) continue;
    sky_buf_printf(b, " EXPIRES AFTER %lluus", (unsigned long long)d->expires_us);
    put_pos(b, d->expires_at);
    if (!d->to) continue;
    sky_buf_puts(b, " TO ");
    put_lit(b, d->to);
    put_pos(b, d->to->pos);
  }
}

static void put_insert(sky_buf *b, const sky_stmt *s) {
  sky_buf_puts(b, "INSERT INTO");
  put_table(b, " ", s);
  sky_buf_puts(b, "\n  columns");
  for (uint32_t c = 0; c < s->n_columns; c++) {
    sky_buf_putc(b, ' ');
    put_name(b, s->columns[c], strlen(s->columns[c]));
    put_pos(b, s->column_pos[c]);
  }
  for (uint32_t r = 0; r < s->n_rows; r++) {
    sky_buf_printf(b, "\n  row %u:", r + 1);
    for (uint32_t c = 0; c < s->n_columns; c++) {
      sky_buf_putc(b, ' ');
      put_lit(b, &s->rows[r][c]);
    }
  }
}

static void put_load(sky_buf *b, const sky_stmt *s) {
  static const char *const formats[] = {"AUTO", "CSV", "NDJSON"};
  sky_buf_puts(b, "LOAD ");
  if (s->from_stdin) sky_buf_puts(b, "FROM STDIN");
  else put_string(b, s->path, s->path_len);
  put_table(b, " INTO ", s);
  sky_buf_printf(b, " FORMAT %s MAX ERRORS %lld", formats[s->format], (long long)s->max_errors);
}

static void put_object(sky_buf *b, const sky_stmt *s, const char *verb) {
  sky_buf_printf(b, "%s OBJECT %llu", verb, (unsigned long long)s->object);
  put_pos(b, s->object_pos);
  put_table(b, " FROM ", s);
  if (s->has_as_of) {
    sky_buf_puts(b, " AS OF ");
    put_lit(b, &s->as_of);
    put_pos(b, s->as_of.pos);
  }
}

static void put_explain(sky_buf *b, const sky_stmt *s) {
  static const char *const heads[] = {[SKY_EXPLAIN_NONE] = "", [SKY_EXPLAIN_PLAN] = "EXPLAIN ",
                                      [SKY_EXPLAIN_IR] = "EXPLAIN IR "};
  sky_buf_puts(b, heads[s->explain]);
}

/* ---- one dump per statement row (stmt.h) ----------------------------------------- */

/* FROM, WHERE, GROUP BY, WITHIN SESSION: shared by SELECT and FUNNEL. */
static void put_sources(sky_buf *b, const sky_stmt *s) {
  const sky_select *q = s->select;
  put_table(b, "\n  from ", s);
  if (q->during) {
    static const char *const every[] = {"HOUR", "DAY", "WEEK", "MONTH"};
    sky_buf_puts(b, "\n  during "), put_lit(b, q->during->from), sky_buf_puts(b, " to "), put_lit(b, q->during->to);
    if (q->during->every >= 0) sky_buf_printf(b, " every %s", every[q->during->every]);
  }
  if (q->has_as_of) {
    sky_buf_puts(b, "\n  as of ");
    put_lit(b, &q->as_of);
    put_pos(b, q->as_of.pos);
  }
  if (q->where) sky_buf_puts(b, "\n  where "), put_expr(b, q->where);
  for (uint32_t i = 0; i < q->n_group; i++) sky_buf_puts(b, "\n  group "), put_expr(b, q->group[i]);
  if (q->session) sky_buf_puts(b, "\n  within session "), put_expr(b, q->session);
}

/* HAVING, ORDER BY, LIMIT and the normalized text: shared by SELECT and FUNNEL. */
static void put_result_clauses(sky_buf *b, const sky_stmt *s) {
  const sky_select *q = s->select;
  if (q->having) sky_buf_puts(b, "\n  having "), put_expr(b, q->having);
  for (uint32_t i = 0; i < q->n_order; i++) {
    sky_buf_puts(b, "\n  order ");
    put_expr(b, q->order[i]->expr);
    sky_buf_puts(b, q->order[i]->desc ? " DESC" : " ASC");
  }
  if (q->limit) sky_buf_puts(b, "\n  limit "), put_expr(b, q->limit);
  sky_buf_printf(b, "\n  normalized %s", s->normalized ? s->normalized : "");
}

static void dump_select(sky_buf *b, const sky_stmt *s) {
  const sky_select *q = s->select;
  put_explain(b, s);
  sky_buf_puts(b, "SELECT");
  for (uint32_t i = 0; i < q->n_items; i++) {
    const ast_item *it = q->items[i];
    sky_buf_puts(b, "\n  item ");
    put_expr(b, it->expr);
    sky_buf_puts(b, " text=");
    put_string(b, q->text + it->expr->loc.start, it->expr->loc.end - it->expr->loc.start);
    if (it->has_alias) {
      sky_buf_puts(b, " AS ");
      put_name(b, it->alias.s, it->alias.len);
    }
  }
  put_sources(b, s);
  put_result_clauses(b, s);
}

static void put_stepno(sky_buf *b, const char *what, ast_stepno n) {
  if (n.given) sky_buf_printf(b, " %s %llu", what, (unsigned long long)n.n);
}

/* FUNNEL: its own clauses, then the ones it shares with SELECT. */
static void dump_funnel(sky_buf *b, const sky_stmt *s) {
  const sky_select *q = s->select;
  const ast_funnel *f = q->funnel;
  static const char *const orders[] = {"", " STRICT", " ANY ORDER"};
  static const char *const returns[] = {"STEPS", "OBJECTS", "TIMES"};
  static const char *const objects[] = {"", " REACHED", " DROPPED AFTER"};
  put_explain(b, s);
  sky_buf_puts(b, "FUNNEL");
  for (uint32_t i = 0; i < f->n_steps; i++) {
    const ast_item *it = f->steps[i];
    sky_buf_printf(b, "\n  step %u ", i + 1);
    put_expr(b, it->expr);
    if (it->has_alias) sky_buf_puts(b, " AS "), put_name(b, it->alias.s, it->alias.len);
  }
  sky_buf_puts(b, "\n  within "), put_expr(b, f->window);
  sky_buf_puts(b, orders[f->order]);
  for (uint32_t i = 0; i < f->n_excludes; i++) {
    sky_buf_puts(b, "\n  exclude "), put_expr(b, f->excludes[i]->cond);
    put_stepno(b, "between step", f->excludes[i]->from);
    put_stepno(b, "and", f->excludes[i]->to);
  }
  for (uint32_t i = 0; i < f->n_holding; i++) sky_buf_puts(b, "\n  holding "), put_expr(b, f->holding[i]);
  put_sources(b, s);
  const ast_return *r = &f->ret;
  sky_buf_printf(b, "\n  return %s%s", returns[r->kind], objects[r->objects]);
  if (r->at.given) sky_buf_printf(b, " %llu", (unsigned long long)r->at.n);
  put_stepno(b, "from step", r->from);
  put_stepno(b, "to step", r->to);
  if (r->bucket) sky_buf_puts(b, " bucket "), put_expr(b, r->bucket);
  put_result_clauses(b, s);
}

/* RETENTION, LIFECYCLE, STICKINESS: their own clauses, then the shared ones. */
static void dump_cohort(sky_buf *b, const sky_stmt *s) {
  const ast_cohort *c = s->select->cohort;
  static const char *const units[] = {"HOUR", "DAY", "WEEK", "MONTH"};
  put_explain(b, s);
  sky_buf_puts(b, sky_stmt_name(s->kind));
  if (s->kind == SKY_STMT_RETENTION) {
    sky_buf_puts(b, c->recurring ? " RECURRING" : " FIRST");
    sky_buf_puts(b, "\n  start "), put_expr(b, c->start);
    sky_buf_puts(b, "\n  return "), put_expr(b, c->ret);
  }
  sky_buf_printf(b, "\n  every %s%s", units[c->unit], c->rolling ? " ROLLING" : "");
  if (c->n) sky_buf_puts(b, "\n  for "), put_expr(b, c->n), sky_buf_puts(b, c->on_or_after ? " ON OR AFTER" : "");
  put_sources(b, s);
  put_result_clauses(b, s);
}

#define dump_retention dump_cohort
#define dump_lifecycle dump_cohort
#define dump_stickiness dump_cohort

/* PATHS: its own clauses, then the shared ones. */
static void dump_paths(sky_buf *b, const sky_stmt *s) {
  const ast_paths *h = s->select->paths;
  put_explain(b, s);
  sky_buf_puts(b, h->before ? "PATHS BEFORE" : "PATHS AFTER");
  sky_buf_puts(b, "\n  anchor "), put_expr(b, h->cond);
  sky_buf_puts(b, "\n  steps "), put_expr(b, h->k);
  if (h->of) sky_buf_puts(b, "\n  of "), put_expr(b, h->of);
  put_sources(b, s);
  put_result_clauses(b, s);
}

static void dump_create_table(sky_buf *b, const sky_stmt *s) {
  sky_buf_puts(b, "CREATE TABLE");
  put_table(b, " ", s);
  put_props(b, s);
}

static void dump_alter_add(sky_buf *b, const sky_stmt *s) {
  sky_buf_puts(b, "ALTER TABLE");
  put_table(b, " ", s);
  sky_buf_puts(b, " ADD");
  put_props(b, s);
}

/* DROP TABLE t, USE t, DESCRIBE t, SHOW TABLES: the spelling and the table. */
static void dump_named(sky_buf *b, const sky_stmt *s) {
  sky_buf_puts(b, sky_stmt_name(s->kind));
  put_table(b, " ", s);
}

#define dump_drop_table dump_named
#define dump_use dump_named
#define dump_show_tables dump_named
#define dump_describe dump_named
#define dump_insert put_insert
#define dump_load put_load

static void dump_delete_object(sky_buf *b, const sky_stmt *s) { put_object(b, s, "DELETE"); }
static void dump_get_object(sky_buf *b, const sky_stmt *s) { put_object(b, s, "GET"); }

static void (*const g_dumps[SKY_STMT_COUNT_])(sky_buf *, const sky_stmt *) = {
#define SKY_X_DUMP(NAME, name, text) [SKY_STMT_##NAME] = dump_##name,
    SKY_COMMAND_STMTS(SKY_X_DUMP) SKY_QUERY_STMTS(SKY_X_DUMP)
#undef SKY_X_DUMP
};

void sky_stmt_dump(const sky_stmt *s, sky_buf *out) {
  g_dumps[s->kind](out, s);
  sky_buf_putc(out, '\n');
}
