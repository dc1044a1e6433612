/* rq_tail.c — HAVING, ORDER BY and LIMIT on the result columns of a path
 * statement (FUNNEL, RETENTION, LIFECYCLE, STICKINESS): generating them,
 * printing them and applying them to the checker's own rows.
 *
 * PATHS.md §0: these clauses work on a statement's columns as on a SELECT
 * result. The checker's forms are deliberately few: HAVING is one
 * comparison of a non-key column with a literal, or IS [NOT] NULL; ORDER BY
 * names one or two columns (keys by number, others by name or number);
 * LIMIT a small count. Applying them follows the language: HAVING keeps the
 * rows whose comparison is TRUE (NULL never is), ORDER BY sorts with NULL
 * first ascending and last descending, ties keeping the statement's default
 * order, and LIMIT cuts. Column names that are keywords ("objects",
 * "bucket") are written as quoted identifiers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random/rq.h"

/* ---- generating ------------------------------------------------------------------ */

static void having_text(rq_having *h) {
  rq_buf b;
  rq_buf_init(&b);
  switch (h->lit.t) {
  case RQ_FLOAT: rq_float_text(&b, h->lit.f); break;
  case RQ_OBJ: rq_buf_printf(&b, "%llu", (unsigned long long)h->lit.u); break;
  case RQ_STR: rq_buf_sql_string(&b, h->lit.s, h->lit.len); break;
  default: rq_buf_printf(&b, "%lld", (long long)h->lit.i); break;
  }
  snprintf(h->text, sizeof h->text, "%s", b.data);
  rq_buf_free(&b);
}

static void gen_having(rq_tail *t, rq_rng *r, const rq_tail_cols *c) {
  int col;
  do col = (int)rq_range(r, c->n_keys, c->n_cols - 1);
  while (c->no_having[col]);
  rq_having *h = &t->having;
  h->on = true;
  h->col = col;
  if (rq_chance(r, 20)) {
    h->op = rq_chance(r, 50) ? -1 : -2;
    return;
  }
  static const int ops[] = {RQ_EQ, RQ_NE, RQ_NE2, RQ_LT, RQ_LE, RQ_GT, RQ_GE};
  h->op = ops[rq_below(r, 7)];
  h->lit = c->lit(c->ctx, col);
  having_text(h);
}

static void gen_order(rq_tail *t, rq_rng *r, const rq_tail_cols *c) {
  int want = rq_chance(r, 70) ? 1 : 2;
  for (int tries = 0; t->n_sort < want && tries < 10; tries++) {
    int col = (int)rq_range(r, 0, c->n_cols - 1);
    if (c->no_sort[col]) continue;
    bool dup = false;
    for (int i = 0; i < t->n_sort; i++) dup = dup || t->sort[i].col == col;
    if (dup) continue;
    rq_sort *o = &t->sort[t->n_sort++];
    o->col = col;
    o->by_number = col < c->n_keys || rq_chance(r, 30);
    o->desc = rq_chance(r, 50);
    o->explicit_dir = o->desc || rq_chance(r, 40);
  }
}

void rq_tail_generate(rq_tail *t, rq_rng *r, const rq_tail_cols *c, bool having_ok, bool order_ok, bool limit_ok) {
  bool any_having = false;
  for (int col = c->n_keys; col < c->n_cols; col++) any_having = any_having || !c->no_having[col];
  if (having_ok && any_having && rq_chance(r, 15)) gen_having(t, r, c);
  if (order_ok && rq_chance(r, 25)) gen_order(t, r, c);
  if (limit_ok && rq_chance(r, 15)) t->limit = rq_chance(r, 10) ? 100 : rq_range(r, 0, 10);
}

/* ---- printing -------------------------------------------------------------------- */

void rq_column_ref(rq_buf *b, const char *name) {
  if (strcmp(name, "objects") == 0 || strcmp(name, "bucket") == 0)
    rq_buf_printf(b, "\"%s\"", name);
  else
    rq_buf_puts(b, name);
}

void rq_tail_render(rq_buf *b, const rq_tail *t, const rq_name *names, bool lower, const char *sep) {
  if (t->having.on) {
    rq_buf_printf(b, "%s%s ", sep, lower ? "having" : "HAVING");
    rq_column_ref(b, names[t->having.col]);
    if (t->having.op == -1)
      rq_buf_printf(b, " %s", lower ? "is null" : "IS NULL");
    else if (t->having.op == -2)
      rq_buf_printf(b, " %s", lower ? "is not null" : "IS NOT NULL");
    else {
      static const char *const ops[] = {[RQ_EQ] = "=", [RQ_NE] = "!=", [RQ_NE2] = "<>", [RQ_LT] = "<",
                                        [RQ_LE] = "<=", [RQ_GT] = ">", [RQ_GE] = ">="};
      rq_buf_printf(b, " %s %s", ops[t->having.op], t->having.text);
    }
  }
  for (int i = 0; i < t->n_sort; i++) {
    const rq_sort *o = &t->sort[i];
    rq_buf_puts(b, i ? ", " : sep);
    if (!i) rq_buf_printf(b, "%s ", lower ? "order by" : "ORDER BY");
    if (o->by_number)
      rq_buf_printf(b, "%d", o->col + 1);
    else
      rq_column_ref(b, names[o->col]);
    if (o->explicit_dir) rq_buf_printf(b, " %s", o->desc ? (lower ? "desc" : "DESC") : (lower ? "asc" : "ASC"));
  }
  if (t->limit >= 0) rq_buf_printf(b, "%s%s %lld", sep, lower ? "limit" : "LIMIT", (long long)t->limit);
}

/* ---- applying -------------------------------------------------------------------- */

bool rq_having_keeps(const rq_having *h, const rq_val *v) {
  if (h->op == -1) return v->t == RQ_NULL;
  if (h->op == -2) return v->t != RQ_NULL;
  if (v->t == RQ_NULL) return false;
  int c = rq_val_cmp(v, &h->lit);
  switch (h->op) {
  case RQ_EQ: return c == 0;
  case RQ_NE: case RQ_NE2: return c != 0;
  case RQ_LT: return c < 0;
  case RQ_LE: return c <= 0;
  case RQ_GT: return c > 0;
  default: return c >= 0;
  }
}

typedef struct ordered_row {
  const rq_val *cells;
  size_t index; /* position in the default order */
} ordered_row;

static const rq_tail *sort_tail; /* qsort has no context argument: set around each sort only */

static int by_sort(const void *a, const void *b) {
  const ordered_row *x = a, *y = b;
  for (int i = 0; i < sort_tail->n_sort; i++) {
    const rq_sort *o = &sort_tail->sort[i];
    int c = rq_val_cmp(&x->cells[o->col], &y->cells[o->col]);
    if (c) return o->desc ? -c : c;
  }
  return (x->index > y->index) - (x->index < y->index);
}

void rq_tail_apply(const rq_tail *t, int n_cols, rq_val **cells, size_t *n_rows) {
  size_t nc = (size_t)n_cols, kept = 0;
  ordered_row *o = calloc(*n_rows ? *n_rows : 1, sizeof *o);
  if (!o) abort();
  for (size_t r = 0; r < *n_rows; r++)
    if (!t->having.on || rq_having_keeps(&t->having, &(*cells)[r * nc + (size_t)t->having.col]))
      o[kept].cells = &(*cells)[r * nc], o[kept].index = kept, kept++;
  sort_tail = t;
  if (kept) qsort(o, kept, sizeof *o, by_sort);
  sort_tail = NULL;
  if (t->limit >= 0 && (size_t)t->limit < kept) kept = (size_t)t->limit;
  rq_val *out = calloc(kept ? kept * nc : 1, sizeof *out);
  if (!out) abort();
  for (size_t r = 0; r < kept; r++) memcpy(&out[r * nc], o[r].cells, nc * sizeof *out);
  free(o);
  free(*cells);
  *cells = out;
  *n_rows = kept;
}
