/* bind_during.c — SELECT ... DURING t1 TO t2 [EVERY period] and duration()
 * (PATHS.md §7): the plan's sky_during and the rules that make a DURING
 * query mean something.
 *
 * A DURING SELECT is an ordinary SELECT plan whose rows are pieces of time
 * (plan.h "SELECT ... DURING"). Binding it: the instants (integer µs or
 * ISO-8601), t1 < t2, and one timed register for every lapsing STATE
 * property of the table (so the set of pieces, which lapses cut, does not
 * depend on what the query reads). The misuses are errors at their
 * position: WITHIN SESSION, agg() OVER OBJECT, next/prev/nth/dwell, a time
 * bucket whose boundaries EVERY does not cut at, and duration() without
 * DURING.
 */
#include <string.h>

#include "common/error.h"
#include "parser/bind.h"

/* A node standing at `loc` (errors only). */
static ast_expr at_loc(int line, int column) {
  ast_expr a;
  memset(&a, 0, sizeof a);
  a.loc.line = line;
  a.loc.column = column;
  return a;
}

/* t1 or t2: integer µs or ISO-8601, in the years 0000..9999 (or the instant
 * just after them), where calendar cuts are defined. */
static bool instant(bind_ctx *b, const sky_lit *l, int64_t *ts) {
  ast_expr at = at_loc(l->pos.line, l->pos.column);
  if (l->kind == SKY_LIT_INT || (l->kind == SKY_LIT_STRING && sky_parse_iso8601(l->s, l->len, ts) == 0)) {
    if (l->kind == SKY_LIT_INT) *ts = l->i;
    if (*ts >= SKY_TS_MIN && *ts <= SKY_TS_MAX + 1) return true;
    bind_fail(b, SKY_ERR_SEMANTIC, &at, "DURING instant %lld is outside the years 0000..9999", (long long)*ts);
    return false;
  }
  char q[72];
  sky_error_quote(q, l->kind == SKY_LIT_STRING ? l->s : "", l->kind == SKY_LIT_STRING ? l->len : 0);
  bind_fail(b, SKY_ERR_SEMANTIC, &at, "DURING needs a timestamp (integer microseconds or ISO-8601), got '%s'", q);
  return false;
}

bool bind_during(bind_ctx *b) {
  const ast_during *d = b->sel->during;
  if (!d) return true;
  sky_plan *p = b->plan;
  ast_expr at = at_loc(d->loc.line, d->loc.column);
  if (b->sel->session)
    return bind_fail(b, SKY_ERR_SEMANTIC, b->sel->session, "WITHIN SESSION cannot be used with DURING"), false;
  if (b->sel->has_as_of) return bind_as_of_refuse(b, &at, "DURING"), false; /* PATHS.md §6 */
  sky_during *pd = sky_arena_calloc(b->arena, sizeof *pd);
  if (!pd) return bind_oom(b), false;
  if (!instant(b, d->from, &pd->from_us) || !instant(b, d->to, &pd->to_us)) return false;
  if (pd->from_us >= pd->to_us) {
    ast_expr t1 = at_loc(d->from->pos.line, d->from->pos.column);
    return bind_fail(b, SKY_ERR_SEMANTIC, &t1, "DURING t1 TO t2 needs t1 < t2 (%lld >= %lld)",
                     (long long)pd->from_us, (long long)pd->to_us),
           false;
  }
  pd->every = d->every;
  p->during = pd;
  p->need_ts = true;
  /* Every lapsing STATE property: a register (timed by bind_state_lapses). */
  for (uint32_t i = 0; i < b->schema->n_props; i++) {
    const sky_prop *prop = &b->schema->props[i];
    if (prop->kind != SKY_KIND_STATE || prop->expires_us <= 0) continue;
    ast_expr name = at;
    name.kind = AST_STATE;
    name.s = prop->name;
    name.len = (uint32_t)strlen(prop->name);
    if (!bind_generic(b, &name)) return false;
  }
  return !b->failed;
}

/* duration(): the current piece's length. */
sky_expr *bind_piece_fn(bind_ctx *b, const sky_fn *fn, const ast_expr *a) {
  if (!b->plan->during)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s() is only allowed with DURING (it is a piece's length)", fn->name);
  if (a->distinct) return bind_fail(b, SKY_ERR_SEMANTIC, a, "DISTINCT is only allowed in count()");
  if (a->star || a->n_args != 0) return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s() takes no argument", fn->name);
  return bx_new(b, (sky_op)fn->code, fn->type, fn->dom, a);
}

/* A call that DURING forbids (OVER OBJECT, a path function), or a time
 * bucket EVERY does not cut at: false with the error set. */
bool bind_during_call(bind_ctx *b, const sky_fn *fn, const ast_expr *a) {
  const sky_during *d = b->plan->during;
  if (!d) return true;
  char q[80];
  if (a->over)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "OVER OBJECT cannot be used with DURING (%s)", bind_quote(bind_src(b, a), q)),
           false;
  if (fn->cls == SKY_FN_PATH)
    return bind_fail(b, SKY_ERR_SEMANTIC, a, "%s() cannot be used with DURING", fn->name), false;
  if (fn->cls != SKY_FN_BUCKET || b->mode != BIND_EVENT) return true;
  /* Which EVERY cuts pieces at the bucket's boundaries. */
  static const char *const every[] = {"HOUR", "DAY", "WEEK", "MONTH"};
  bool ok;
  const char *need;
  switch ((sky_op)fn->code) {
  case SKY_OP_HOUR: ok = d->every == SKY_PERIOD_HOUR, need = "EVERY HOUR"; break;
  case SKY_OP_DAY:
  case SKY_OP_WEEKDAY:
    ok = d->every == SKY_PERIOD_HOUR || d->every == SKY_PERIOD_DAY, need = "EVERY HOUR or DAY";
    break;
  case SKY_OP_WEEK:
    ok = d->every >= 0 && d->every != SKY_PERIOD_MONTH, need = "EVERY HOUR, DAY or WEEK";
    break;
  default: ok = d->every >= 0 && d->every != SKY_PERIOD_WEEK, need = "EVERY HOUR, DAY or MONTH"; break;
  }
  if (ok) return true;
  bind_fail(b, SKY_ERR_SEMANTIC, a, "%s() with DURING needs %s (pieces are cut at its boundaries); the query has %s%s",
            fn->name, need, d->every < 0 ? "no EVERY" : "EVERY ", d->every < 0 ? "" : every[d->every]);
  return false;
}
