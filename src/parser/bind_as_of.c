/* bind_as_of.c — SELECT ... AS OF ts (PATHS.md §6): the instant and the
 * constructs that have no meaning at one.
 *
 * The instant is a literal, as GET OBJECT's AS OF: INT microseconds or an
 * ISO-8601 string (anything else the grammar refuses), fixed when binding
 * into plan->as_of_us. The plan is then an ordinary SELECT with
 * plan->as_of set: each object contributes one row, at its last event at or
 * before the instant, with STATE values and age() read at the instant
 * (engines: interp.c, jit_as_of.c). What reads more than one event of a
 * path — WITHIN SESSION (and so sessions() and session.number), next, prev,
 * nth, dwell, OVER OBJECT — is a semantic_error naming AS OF at its
 * position; the checks sit where those constructs are bound and call
 * bind_as_of_refuse.
 */
#include <stdio.h>

#include "common/error.h"
#include "common/timeutil.h"
#include "parser/bind.h"

bool bind_as_of(bind_ctx *b) {
  const sky_select *sel = b->sel;
  sky_plan *p = b->plan;
  if (!sel->has_as_of) return true;
  const sky_lit *l = &sel->as_of;
  ast_expr at = {.loc = {.line = l->pos.line, .column = l->pos.column}};
  int64_t ts = 0;
  if (l->kind == SKY_LIT_INT) {
    ts = l->i;
  } else if (l->kind != SKY_LIT_STRING || sky_parse_iso8601(l->s, l->len, &ts) != 0) {
    char q[72];
    sky_error_quote(q, l->kind == SKY_LIT_STRING ? l->s : "", l->kind == SKY_LIT_STRING ? l->len : 0);
    return bind_fail(b, SKY_ERR_SEMANTIC, &at, "AS OF needs a timestamp (integer microseconds or ISO-8601), got '%s'",
                     q),
           false;
  }
  if (sel->session) return bind_as_of_refuse(b, sel->session, "WITHIN SESSION"), false;
  p->as_of = true;
  p->as_of_us = ts;
  p->need_ts = true; /* the last event at or before the instant */
  return true;
}

void *bind_as_of_refuse(bind_ctx *b, const ast_expr *a, const char *what) {
  char q[80];
  return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s is not allowed with AS OF (one row per object at an instant)",
                   what ? what : bind_quote(bind_src(b, a), q));
}
