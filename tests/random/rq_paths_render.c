/* rq_paths_render.c — a random PATHS statement printed as text, clauses in
 * the order of PATHS.md §4's grammar; expressions through rq_render.c,
 * HAVING / ORDER BY / LIMIT through rq_tail.c. A pure function of the
 * statement. */
#include "random/rq_paths.h"

const rq_name rqp_names[RQP_COLS] = {"step", "source", "target", "count", "objects", "avg_time"};

static const char *kw(const rqp_stmt *s, const char *upper, const char *lower) {
  return s->q->lower_keywords ? lower : upper;
}

void rqp_render(rq_buf *b, const rqp_stmt *s) {
  const char *sep = s->q->newlines ? "\n" : " ";
  rq_buf_printf(b, "%s %s ", kw(s, "PATHS", "paths"), s->before ? kw(s, "BEFORE", "before") : kw(s, "AFTER", "after"));
  rq_node_render(b, s->q, s->cond);
  rq_buf_printf(b, "%s%s ", sep, kw(s, "STEPS", "steps"));
  if (s->k_text[0])
    rq_buf_puts(b, s->k_text);
  else
    rq_buf_printf(b, "%d", s->k);
  if (s->of) {
    rq_buf_printf(b, "%s%s ", sep, kw(s, "OF", "of"));
    rq_node_render(b, s->q, s->of);
  }
  if (s->from) rq_buf_printf(b, "%s%s t", sep, kw(s, "FROM", "from"));
  if (s->where) {
    rq_buf_printf(b, "%s%s ", sep, kw(s, "WHERE", "where"));
    rq_node_render(b, s->q, s->where);
  }
  if (s->has_session) rq_buf_printf(b, "%s%s %s", sep, kw(s, "WITHIN SESSION", "within session"), s->session_text);
  if (s->group_raw[0]) rq_buf_printf(b, " %s", s->group_raw);
  rq_tail_render(b, &s->tail, rqp_names, s->q->lower_keywords, sep);
  if (s->semicolon) rq_buf_puts(b, ";");
}
