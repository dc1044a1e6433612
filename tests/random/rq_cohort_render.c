/* rq_cohort_render.c — a random cohort statement printed as RETENTION,
 * LIFECYCLE or STICKINESS text.
 *
 * Clause order follows the grammars of PATHS.md §2 and §3; expressions
 * print through rq_render.c, so a key column's name is exactly the text
 * that stands in the statement; HAVING / ORDER BY / LIMIT through
 * rq_tail.c. Rendering is a pure function of the statement. Deliberately
 * invalid statements splice their raw text in at one of a few fixed places
 * (rqc_stmt.raw_at).
 */
#include <string.h>

#include "random/rq_cohort.h"

static const char *kw(const rqc_stmt *c, const char *upper, const char *lower) {
  return c->q->lower_keywords ? lower : upper;
}

static const char *sep(const rqc_stmt *c) { return c->q->newlines ? "\n" : " "; }

const char *rqc_unit_name(rqc_unit u) {
  static const char *const names[] = {"HOUR", "DAY", "WEEK", "MONTH"};
  return names[u];
}

static void raw_at(rq_buf *b, const rqc_stmt *c, rqc_raw where) {
  if (c->raw_at == where && c->raw[0]) rq_buf_printf(b, " %s", c->raw);
}

/* EVERY unit (ROLLING and the raw unit included). */
static void render_every(rq_buf *b, const rqc_stmt *c) {
  static const char *const lower[] = {"hour", "day", "week", "month"};
  rq_buf_printf(b, "%s%s ", sep(c), kw(c, "EVERY", "every"));
  if (c->raw_at == RQC_RAW_UNIT)
    rq_buf_puts(b, c->raw);
  else
    rq_buf_puts(b, c->q->lower_keywords ? lower[c->unit] : rqc_unit_name(c->unit));
  if (c->rolling) rq_buf_printf(b, " %s", kw(c, "ROLLING", "rolling"));
}

static void render_retention(rq_buf *b, const rqc_stmt *c) {
  rq_buf_puts(b, kw(c, "RETENTION", "retention"));
  if (c->recurring)
    rq_buf_printf(b, " %s", kw(c, "RECURRING", "recurring"));
  else if (c->first_spelled)
    rq_buf_printf(b, " %s", kw(c, "FIRST", "first"));
  raw_at(b, c, RQC_RAW_MODE);
  rq_buf_printf(b, " %s ", kw(c, "FROM", "from"));
  rq_node_render(b, c->q, c->start);
  rq_buf_printf(b, " %s ", kw(c, "TO", "to"));
  rq_node_render(b, c->q, c->ret);
  render_every(b, c);
  if (c->raw_at == RQC_RAW_FOR) {
    if (c->raw[0]) rq_buf_printf(b, " %s", c->raw);
  } else {
    rq_buf_printf(b, " %s %d", kw(c, "FOR", "for"), c->n);
  }
  if (c->on_or_after) rq_buf_printf(b, " %s", kw(c, "ON OR AFTER", "on or after"));
  raw_at(b, c, RQC_RAW_AFTER_FOR);
}

void rqc_render(rq_buf *b, const rqc_stmt *c) {
  if (c->kind == RQC_RETENTION) {
    render_retention(b, c);
  } else {
    rq_buf_puts(b, c->kind == RQC_LIFECYCLE ? kw(c, "LIFECYCLE", "lifecycle") : kw(c, "STICKINESS", "stickiness"));
    render_every(b, c);
    raw_at(b, c, RQC_RAW_MODE);
  }
  if (c->from) rq_buf_printf(b, "%s%s t", sep(c), kw(c, "FROM", "from"));
  if (c->where) {
    rq_buf_printf(b, "%s%s ", sep(c), kw(c, "WHERE", "where"));
    rq_node_render(b, c->q, c->where);
  }
  raw_at(b, c, RQC_RAW_CLAUSE);
  for (int i = 0; i < c->n_keys; i++) {
    rq_buf_puts(b, i ? ", " : sep(c));
    if (!i) rq_buf_printf(b, "%s ", kw(c, "GROUP BY", "group by"));
    rq_node_render(b, c->q, c->keys[i]);
  }
  if (c->raw_at == RQC_RAW_TAIL) {
    rq_buf_printf(b, " %s", c->raw);
  } else {
    rqc_answer cols;
    rqc_columns(c, &cols);
    rq_tail_render(b, &c->tail, cols.names, c->q->lower_keywords, sep(c));
    rqc_answer_free(&cols);
  }
  if (c->semicolon) rq_buf_puts(b, ";");
}
