/* rq_render.c — the random-query AST rendered as SQL text for Sky.
 *
 * Parentheses are placed by standard SQL precedence (OR < AND < NOT <
 * comparisons, IS, IN, LIKE < + - < * / % < unary minus), so the text also
 * exercises Sky's precedence; a node's `paren` flag adds redundant ones.
 * Rendering is a pure function of the query: a GROUP BY key and the SELECT
 * item naming it print identically, and the expected column name of an item
 * is exactly its printed text (or its alias). `agg(x) [FILTER (WHERE c)]
 * [OVER OBJECT]` is one primary (the grammar's call FILTER ... OVER
 * OBJECT), so it never needs parentheses.
 */
#include <string.h>

#include "random/rq.h"

enum { PREC_OR = 1, PREC_AND = 2, PREC_NOT = 3, PREC_CMP = 4, PREC_ADD = 5, PREC_MUL = 6, PREC_NEG = 7, PREC_ATOM = 9 };

static const char *kw(const rq_query *q, const char *upper, const char *lower) { return q->lower_keywords ? lower : upper; }

/* What stands before a clause keyword. */
static const char *sep(const rq_query *q) { return q->newlines ? "\n" : " "; }

static int bin_prec(int op) {
  switch (op) {
  case RQ_OR: return PREC_OR;
  case RQ_AND: return PREC_AND;
  case RQ_ADD: case RQ_SUB: return PREC_ADD;
  case RQ_MUL: case RQ_DIV: case RQ_MOD: return PREC_MUL;
  default: return PREC_CMP;
  }
}

/* The 1-based item that is key `k` and carries an alias, or 0. */
static int key_alias(const rq_query *q, int k) {
  for (int i = 0; i < q->n_items; i++)
    if (q->items[i] == q->keys[k] && q->alias[i][0]) return i + 1;
  return 0;
}

static int prec(const rq_query *q, const rq_node *n) {
  if (n->paren) return PREC_ATOM;
  switch (n->kind) {
  case RQ_E_LIT: return n->text[0] == '-' ? PREC_NEG : PREC_ATOM;
  case RQ_E_NEG: return PREC_NEG;
  case RQ_E_NOT: return PREC_NOT;
  case RQ_E_ISNULL: case RQ_E_IN: case RQ_E_LIKE: return PREC_CMP;
  case RQ_E_BIN: return bin_prec(n->op);
  case RQ_E_KEY: return (n->ref && key_alias(q, n->index)) ? PREC_ATOM : prec(q, q->keys[n->index]);
  case RQ_E_RAW: return 0;
  default: return PREC_ATOM;
  }
}

static void render(rq_buf *b, const rq_query *q, const rq_node *n);

static void sub(rq_buf *b, const rq_query *q, const rq_node *n, int need) {
  bool wrap = prec(q, n) < need;
  if (wrap) rq_buf_puts(b, "(");
  render(b, q, n);
  if (wrap) rq_buf_puts(b, ")");
}

static const char *const op_text[] = {[RQ_ADD] = "+", [RQ_SUB] = "-", [RQ_MUL] = "*", [RQ_DIV] = "/", [RQ_MOD] = "%",
                                      [RQ_EQ] = "=",  [RQ_NE] = "!=", [RQ_NE2] = "<>", [RQ_LT] = "<", [RQ_LE] = "<=",
                                      [RQ_GT] = ">",  [RQ_GE] = ">="};

static void render_bin(rq_buf *b, const rq_query *q, const rq_node *n) {
  int p = bin_prec(n->op);
  if (p == PREC_CMP) {
    sub(b, q, n->args[0], PREC_ADD);
    rq_buf_printf(b, " %s ", op_text[n->op]);
    sub(b, q, n->args[1], PREC_ADD);
    return;
  }
  sub(b, q, n->args[0], p);
  if (n->op == RQ_AND || n->op == RQ_OR)
    rq_buf_printf(b, " %s ", n->op == RQ_AND ? kw(q, "AND", "and") : kw(q, "OR", "or"));
  else
    rq_buf_printf(b, " %s ", op_text[n->op]);
  sub(b, q, n->args[1], p + 1);
}

static void render_agg(rq_buf *b, const rq_query *q, const rq_node *n) {
  static const char *const names[][2] = {
      [RQ_COUNT_ALL] = {"count", "COUNT"}, [RQ_COUNT] = {"count", "COUNT"}, [RQ_COUNT_DISTINCT] = {"count", "COUNT"},
      [RQ_OBJECTS] = {"objects", "OBJECTS"}, [RQ_COUNT_DISTINCT_OBJECT] = {"count", "COUNT"},
      [RQ_SESSIONS] = {"sessions", "SESSIONS"}, [RQ_SUM] = {"sum", "SUM"}, [RQ_AVG] = {"avg", "AVG"},
      [RQ_MIN] = {"min", "MIN"}, [RQ_MAX] = {"max", "MAX"}, [RQ_MEDIAN] = {"median", "MEDIAN"},
      [RQ_QUANTILE] = {"quantile", "QUANTILE"}, [RQ_STDDEV] = {"stddev", "STDDEV"},
      [RQ_FIRST] = {"first", "FIRST"}, [RQ_LAST] = {"last", "LAST"}};
  rq_buf_printf(b, "%s(", names[n->op][n->upper]);
  if (n->op == RQ_COUNT_DISTINCT || n->op == RQ_COUNT_DISTINCT_OBJECT) rq_buf_printf(b, "%s ", kw(q, "DISTINCT", "distinct"));
  if (n->op == RQ_COUNT_DISTINCT_OBJECT) rq_buf_puts(b, "object");
  if (n->n_args) render(b, q, n->args[0]);
  if (n->op == RQ_QUANTILE) rq_buf_printf(b, ", %s", n->text);
  rq_buf_puts(b, ")");
  if (n->filter) {
    rq_buf_printf(b, " %s ", kw(q, "FILTER (WHERE", "filter (where"));
    render(b, q, n->filter);
    rq_buf_puts(b, ")");
  }
  if (n->kind == RQ_E_OVER) rq_buf_printf(b, " %s", kw(q, "OVER OBJECT", "over object"));
}

/* next([DISTINCT] x [, n] [WHERE c]), prev(...), nth(c), dwell() */
static void render_path(rq_buf *b, const rq_query *q, const rq_node *n) {
  static const char *const names[][2] = {[RQ_NEXT] = {"next", "NEXT"}, [RQ_PREV] = {"prev", "PREV"},
                                         [RQ_NTH] = {"nth", "NTH"}, [RQ_DWELL] = {"dwell", "DWELL"}};
  rq_buf_printf(b, "%s(", names[n->op][n->upper]);
  if (n->distinct) rq_buf_printf(b, "%s ", kw(q, "DISTINCT", "distinct"));
  if (n->n_args) render(b, q, n->args[0]);
  if (n->index) rq_buf_printf(b, ", %d", n->index);
  if (n->filter) {
    rq_buf_printf(b, " %s ", kw(q, "WHERE", "where"));
    render(b, q, n->filter);
  }
  rq_buf_puts(b, ")");
}

static void render_in_like(rq_buf *b, const rq_query *q, const rq_node *n) {
  sub(b, q, n->args[0], PREC_ADD);
  if (n->neg) rq_buf_printf(b, " %s", kw(q, "NOT", "not"));
  if (n->kind == RQ_E_LIKE) {
    rq_buf_printf(b, " %s ", kw(q, "LIKE", "like"));
    rq_buf_sql_string(b, n->text, strlen(n->text));
    return;
  }
  rq_buf_printf(b, " %s (", kw(q, "IN", "in"));
  for (int i = 1; i < n->n_args; i++) {
    if (i > 1) rq_buf_puts(b, ", ");
    render(b, q, n->args[i]);
  }
  rq_buf_puts(b, ")");
}

static void render_bare(rq_buf *b, const rq_query *q, const rq_node *n) {
  static const char *const buckets[][2] = {[RQ_HOUR] = {"hour", "HOUR"}, [RQ_WEEKDAY] = {"weekday", "WEEKDAY"},
                                           [RQ_DAY] = {"day", "DAY"},    [RQ_WEEK] = {"week", "WEEK"},
                                           [RQ_MONTH] = {"month", "MONTH"}};
  switch (n->kind) {
  case RQ_E_LIT: case RQ_E_RAW: rq_buf_puts(b, n->text); break;
  case RQ_E_ALIAS: rq_buf_puts(b, q->alias[n->index]); break;
  case RQ_E_OBJECT: rq_buf_puts(b, "object"); break;
  case RQ_E_TIMESTAMP: rq_buf_puts(b, "timestamp"); break;
  case RQ_E_ACTION: rq_buf_puts(b, "action"); break;
  case RQ_E_SESSNUM: rq_buf_puts(b, "session.number"); break;
  case RQ_E_DURATION: rq_buf_puts(b, n->upper ? "DURATION()" : "duration()"); break;
  case RQ_E_AGE:
    rq_buf_printf(b, "%s(%s", n->upper ? "AGE" : "age", n->ref == 1 ? "state." : "");
    rq_buf_printf(b, n->quoted ? "\"%s\")" : "%s)", rq_props[n->prop].name);
    break;
  case RQ_E_PROP:
    rq_buf_puts(b, n->ref == 1 ? "state." : n->ref == 2 ? "event." : "");
    rq_buf_printf(b, n->quoted ? "\"%s\"" : "%s", rq_props[n->prop].name);
    break;
  case RQ_E_NEG:
    rq_buf_puts(b, "-");
    sub(b, q, n->args[0], PREC_NEG + 1); /* "- -x" would read as a comment: "-(-x)" */
    break;
  case RQ_E_NOT:
    rq_buf_printf(b, "%s ", kw(q, "NOT", "not"));
    sub(b, q, n->args[0], PREC_NOT);
    break;
  case RQ_E_ISNULL:
    sub(b, q, n->args[0], PREC_ADD);
    rq_buf_printf(b, " %s", n->neg ? kw(q, "IS NOT NULL", "is not null") : kw(q, "IS NULL", "is null"));
    break;
  case RQ_E_BIN: render_bin(b, q, n); break;
  case RQ_E_IN: case RQ_E_LIKE: render_in_like(b, q, n); break;
  case RQ_E_BUCKET:
    rq_buf_printf(b, "%s(", buckets[n->op][n->upper]);
    render(b, q, n->args[0]);
    rq_buf_puts(b, ")");
    break;
  case RQ_E_AGG: case RQ_E_OVER: render_agg(b, q, n); break;
  case RQ_E_PATH: render_path(b, q, n); break;
  case RQ_E_KEY: {
    int item = n->ref ? key_alias(q, n->index) : 0;
    if (item)
      rq_buf_puts(b, q->alias[item - 1]);
    else
      render(b, q, q->keys[n->index]);
    break;
  }
  }
}

static void render(rq_buf *b, const rq_query *q, const rq_node *n) {
  if (n->paren) rq_buf_puts(b, "(");
  render_bare(b, q, n);
  if (n->paren) rq_buf_puts(b, ")");
}

void rq_node_render(rq_buf *b, const rq_query *q, const rq_node *n) { render(b, q, n); }

void rq_item_name(rq_buf *b, const rq_query *q, int i) {
  if (q->alias[i][0])
    rq_buf_puts(b, q->alias[i]);
  else
    render(b, q, q->items[i]);
}

static void render_session(rq_buf *b, const rq_query *q) {
  rq_buf_printf(b, "%s%s %s", sep(q), kw(q, "WITHIN SESSION", "within session"), q->session_text);
}

static void render_tail(rq_buf *b, const rq_query *q) {
  if (q->having) {
    rq_buf_printf(b, "%s%s ", sep(q), kw(q, "HAVING", "having"));
    render(b, q, q->having);
  }
  for (int i = 0; i < q->n_order; i++) {
    const rq_order *o = &q->order[i];
    if (!i) rq_buf_printf(b, "%s%s ", sep(q), kw(q, "ORDER BY", "order by"));
    if (i) rq_buf_puts(b, ", ");
    if (o->item)
      rq_buf_printf(b, "%d", o->item);
    else if (o->alias_of)
      rq_buf_puts(b, q->alias[o->alias_of - 1]);
    else
      render(b, q, o->expr);
    if (o->explicit_dir) rq_buf_printf(b, " %s", o->desc ? kw(q, "DESC", "desc") : kw(q, "ASC", "asc"));
  }
  if (q->limit >= 0) rq_buf_printf(b, "%s%s %lld", sep(q), kw(q, "LIMIT", "limit"), (long long)q->limit);
  if (q->semicolon) rq_buf_puts(b, ";");
}

void rq_query_render(rq_buf *b, const rq_query *q) {
  size_t start = b->len;
  rq_buf_printf(b, "%s ", kw(q, "SELECT", "select"));
  for (int i = 0; i < q->n_items; i++) { /* column names are the item text trimmed: pad it */
    if (i) rq_buf_puts(b, ", ");
    if (q->pad[i] & 1) rq_buf_puts(b, "  ");
    render(b, q, q->items[i]);
    if (q->pad[i] & 2) rq_buf_puts(b, "  ");
    if (q->alias[i][0]) rq_buf_printf(b, " %s %s", kw(q, "AS", "as"), q->alias[i]);
  }
  if (q->from) rq_buf_printf(b, "%s%s t", sep(q), kw(q, "FROM", "from"));
  if (q->has_as_of) rq_buf_printf(b, "%s%s %s", sep(q), kw(q, "AS OF", "as of"), q->as_of_text);
  if (q->during) {
    static const char *const every[][2] = {[RQ_HOUR] = {"HOUR", "hour"}, [RQ_DAY] = {"DAY", "day"},
                                           [RQ_WEEK] = {"WEEK", "week"}, [RQ_MONTH] = {"MONTH", "month"}};
    rq_buf_printf(b, "%s%s %s %s %s", sep(q), kw(q, "DURING", "during"), q->during_text[0], kw(q, "TO", "to"),
                  q->during_text[1]);
    if (q->during_every >= 0)
      rq_buf_printf(b, " %s %s", kw(q, "EVERY", "every"), every[q->during_every][q->lower_keywords]);
  }
  if (q->where) {
    rq_buf_printf(b, "%s%s ", sep(q), kw(q, "WHERE", "where"));
    render(b, q, q->where);
  }
  if (q->has_session && (q->session_before_group || q->n_keys == 0)) render_session(b, q);
  for (int k = 0; k < q->n_keys; k++) {
    if (!k) rq_buf_printf(b, "%s%s ", sep(q), kw(q, "GROUP BY", "group by"));
    if (k) rq_buf_puts(b, ", ");
    if (q->key_alias_item[k])
      rq_buf_puts(b, q->alias[q->key_alias_item[k] - 1]);
    else
      render(b, q, q->keys[k]);
  }
  if (q->has_session && !q->session_before_group && q->n_keys > 0) render_session(b, q);
  render_tail(b, q);
  if (q->truncate_at_pct) {
    size_t len = b->len - start;
    b->len = start + len * (size_t)q->truncate_at_pct / 100;
    b->data[b->len] = '\0';
  }
}
