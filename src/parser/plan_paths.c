/* plan_paths.c — what every engine and printer asks of a path statement's
 * plan (plan.h): the names of the entry-row fields, and the per-event
 * expressions of its per-object part, visited in one order everywhere
 * (numbering ids, registers, the JIT's inputs and cost).
 */
#include "parser/plan.h"

const char *sky_entry_field_name(uint32_t field) {
  static const char *const names[] = {
#define SKY_X_ENTRY(name, text) text,
      SKY_ENTRY_FIELDS(SKY_X_ENTRY)
#undef SKY_X_ENTRY
  };
  return field < SKY_ENTRY_KEY0 ? names[field] : "key";
}

void sky_plan_each_path_expr(const sky_plan *p, void (*fn)(sky_expr *e, void *ctx), void *ctx) {
  const sky_funnel *f = p->funnel;
  for (uint32_t i = 0; f && i < f->n_steps; i++) fn(f->steps[i], ctx);
  for (uint32_t i = 0; f && i < f->n_excludes; i++) fn(f->excludes[i].cond, ctx);
  for (uint32_t i = 0; f && i < f->n_hold; i++) fn(f->hold[i], ctx);
  for (uint32_t i = 0; f && i < f->n_group; i++) fn(f->group[i], ctx);
  const sky_cohort *c = p->cohort;
  for (uint32_t i = 0; c && i < 2; i++)
    if (c->conds[i]) fn(c->conds[i], ctx);
  for (uint32_t i = 0; c && i < c->n_group; i++) fn(c->group[i], ctx);
  const sky_paths *ps = p->paths;
  if (ps) fn(ps->anchor, ctx), fn(ps->value, ctx);
}
