/* rq_funnel_render.c — a random funnel printed as a FUNNEL statement.
 *
 * Clause order follows the grammar of PATHS.md §1; expressions print through
 * rq_render.c, so a step's default `name` and a key column's name are
 * exactly the text that stands in the statement. Rendering is a pure
 * function of the funnel. Deliberately invalid funnels splice their raw
 * text in at one of a few fixed places (rqf_funnel.raw_at).
 */
#include <stdio.h>
#include <string.h>

#include "random/rq_funnel.h"

static const char *kw(const rqf_funnel *f, const char *upper, const char *lower) {
  return f->q->lower_keywords ? lower : upper;
}

static const char *sep(const rqf_funnel *f) { return f->q->newlines ? "\n" : " "; }

void rqf_duration_text(char *out, size_t cap, int64_t us) {
  static const char *const units[] = {"d", "h", "m", "s", "ms"};
  static const int64_t unit_us[] = {RQ_US_PER_DAY, RQ_US_PER_HOUR, RQ_US_PER_MIN, RQ_US_PER_SEC, 1000};
  for (int u = 0; u < 5; u++)
    if (us > 0 && us % unit_us[u] == 0) {
      snprintf(out, cap, "%lld%s", (long long)(us / unit_us[u]), units[u]);
      return;
    }
  snprintf(out, cap, "%lld", (long long)us); /* plain microseconds */
}

void rqf_step_text(rq_buf *b, const rqf_funnel *f, int step) {
  if (f->alias[step][0])
    rq_buf_puts(b, f->alias[step]);
  else if (f->raw_at == 3 && step == 0)
    rq_buf_puts(b, f->raw);
  else
    rq_node_render(b, f->q, f->step[step]);
}

static void render_steps(rq_buf *b, const rqf_funnel *f) {
  for (int s = 0; s < f->n_steps; s++) {
    if (s) rq_buf_printf(b, " %s ", kw(f, "THEN", "then"));
    if (f->raw_at == 3 && s == 0)
      rq_buf_puts(b, f->raw);
    else
      rq_node_render(b, f->q, f->step[s]);
    if (f->alias[s][0]) rq_buf_printf(b, " %s %s", kw(f, "AS", "as"), f->alias[s]);
  }
}

static void render_exprs(rq_buf *b, const rqf_funnel *f, const char *upper, const char *lower, rq_node *const *v,
                         int n) {
  for (int i = 0; i < n; i++) {
    if (!i) rq_buf_printf(b, "%s%s ", sep(f), kw(f, upper, lower));
    if (i) rq_buf_puts(b, ", ");
    rq_node_render(b, f->q, v[i]);
  }
}

static void render_return(rq_buf *b, const rqf_funnel *f) {
  switch (f->ret) {
  case RQF_STEPS:
    if (f->ret_spelled) rq_buf_printf(b, "%s%s", sep(f), kw(f, "RETURN STEPS", "return steps"));
    break;
  case RQF_OBJECTS:
    rq_buf_printf(b, "%s%s", sep(f), kw(f, "RETURN OBJECTS", "return objects"));
    if (f->filter == RQF_REACHED) rq_buf_printf(b, " %s %d", kw(f, "REACHED", "reached"), f->filter_step);
    if (f->filter == RQF_DROPPED) rq_buf_printf(b, " %s %d", kw(f, "DROPPED AFTER", "dropped after"), f->filter_step);
    break;
  case RQF_TIMES:
    rq_buf_printf(b, "%s%s", sep(f), kw(f, "RETURN TIMES", "return times"));
    if (f->times_range)
      rq_buf_printf(b, " %s %d %s %d", kw(f, "FROM STEP", "from step"), f->times_i, kw(f, "TO STEP", "to step"),
                    f->times_j);
    rq_buf_printf(b, " %s %s", kw(f, "BUCKET", "bucket"), f->bucket_text);
    break;
  }
}

static void render_tail(rq_buf *b, const rqf_funnel *f) {
  rqf_answer cols;
  rqf_columns(f, &cols);
  rq_tail_render(b, &f->tail, cols.names, f->q->lower_keywords, sep(f));
  rqf_answer_free(&cols);
}

void rqf_render(rq_buf *b, const rqf_funnel *f) {
  rq_buf_printf(b, "%s ", kw(f, "FUNNEL", "funnel"));
  render_steps(b, f);
  if (f->raw_at != 1) rq_buf_printf(b, "%s%s %s", sep(f), kw(f, "WITHIN", "within"), f->within_text);
  if (f->order == RQF_STRICT) rq_buf_printf(b, " %s", kw(f, "STRICT", "strict"));
  if (f->order == RQF_ANY) rq_buf_printf(b, " %s", kw(f, "ANY ORDER", "any order"));
  if (f->raw_at == 2) rq_buf_printf(b, " %s", f->raw);
  for (int c = 0; c < f->n_excl; c++) {
    rq_buf_printf(b, "%s%s ", sep(f), kw(f, "EXCLUDE", "exclude"));
    rq_node_render(b, f->q, f->excl[c].cond);
    if (f->excl[c].between)
      rq_buf_printf(b, " %s %d %s %d", kw(f, "BETWEEN STEP", "between step"), f->excl[c].i, kw(f, "AND", "and"),
                    f->excl[c].j);
  }
  render_exprs(b, f, "HOLDING", "holding", f->hold, f->n_hold);
  if (f->from) rq_buf_printf(b, "%s%s t", sep(f), kw(f, "FROM", "from"));
  if (f->where) {
    rq_buf_printf(b, "%s%s ", sep(f), kw(f, "WHERE", "where"));
    rq_node_render(b, f->q, f->where);
  }
  if (f->has_session) rq_buf_printf(b, "%s%s %s", sep(f), kw(f, "WITHIN SESSION", "within session"), f->session_text);
  render_exprs(b, f, "GROUP BY", "group by", f->keys, f->n_keys);
  render_return(b, f);
  render_tail(b, f);
  if (f->raw_at == 4) rq_buf_printf(b, " %s", f->raw);
  if (f->semicolon) rq_buf_puts(b, ";");
}
