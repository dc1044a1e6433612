/* finalize.c — from the merged group table of a run to its result rows:
 * aggregate results, HAVING, the SELECT items, ORDER BY, LIMIT, and the
 * conversion of run-time values to result values. Shared by both engines:
 * the JIT fills the same table, so this code decides every post-aggregation
 * semantic once.
 *
 * Groups are first put in the default order (GROUP BY keys in order,
 * ascending, NULL first; see sky_interp_sort_cmp). Then each group, in that
 * order, has its aggregates computed, HAVING tested (only TRUE keeps it),
 * and its items and ORDER BY values evaluated with the same evaluator as
 * the scan (interp_eval.c) — so the first post-aggregation error never
 * depends on the table's layout. An explicit ORDER BY then sorts the kept
 * rows, ties keeping the default order. A query without GROUP BY always has
 * its one group, even over no data.
 */
#include <stdlib.h>
#include <string.h>

#include "codegen/aggs.h"
#include "codegen/interp.h"
#include "common/alloc.h"
#include "common/error.h"
#include "common/result.h"

/* ---- aggregate results ---------------------------------------------------------- */

void sky_final_aggs(const sky_plan *plan, const uint64_t *slot, sky_ival *vals, uint8_t *overflow) {
  for (uint32_t a = 0; a < plan->n_aggs; a++) {
    const sky_agg *agg = &plan->aggs[a];
    overflow[a] = 0;
    vals[a] = sky_agg_impl_of(agg->kind)->result(agg, slot + agg->word, &overflow[a]);
  }
}

/* ---- the finalizer's working state ------------------------------------------------- */

typedef struct fin {
  const sky_runtime *rt;
  const sky_plan *plan;
  const uint64_t **groups; /* [n_groups] slots, in default order */
  size_t n_groups;
  uint64_t *empty_slot;    /* the one group of a query without GROUP BY over no data */
  sky_ival *agg_vals;      /* [n_aggs] results of the current group */
  uint8_t *agg_overflow;   /* [n_aggs] */
  size_t row_width;        /* values per row: n_outputs + n_order */
  sky_ival *vals;          /* [n_groups * row_width], kept rows first */
  size_t *order;           /* [n_rows] indexes of kept rows, in output order */
  size_t n_rows;
  sky_budget *budget;      /* the query's memory budget, or NULL */
} fin;

/* A result cell's JSON text beyond its string bytes: a number or a literal
 * takes at most this many bytes. Strings are charged as they are copied,
 * twice their length (the copy and its text). */
#define JSON_CELL_BYTES 24

/* Reserves `n` bytes of the query's budget; false with out_of_memory. */
static bool charge(fin *f, size_t n, sky_error *err) {
  if (!f->budget || sky_budget_take(f->budget, n)) return true;
  sky_error_set(err, SKY_ERR_OUT_OF_MEMORY, 0, 0, "query memory limit exceeded");
  return false;
}

static void fin_free(fin *f) {
  sky_free(f->groups);
  sky_free(f->empty_slot);
  sky_free(f->agg_vals);
  sky_free(f->agg_overflow);
  sky_free(f->vals);
  sky_free(f->order);
}

/* Default order of two group slots: keys in GROUP BY order, then (for a
 * total order) the raw words. */
static int cmp_groups(const void *x, const void *y, void *arg) {
  const fin *f = arg;
  const uint64_t *a = *(const uint64_t *const *)x, *b = *(const uint64_t *const *)y;
  uint32_t n = f->plan->n_keys;
  for (uint32_t j = 0; j < n; j++) {
    const sky_expr *k = f->plan->keys[j];
    sky_ival va = {a[1 + j], (a[n + 1] >> j) & 1}, vb = {b[1 + j], (b[n + 1] >> j) & 1};
    int c = sky_interp_sort_cmp(f->rt, k->type, k->dom, va, vb);
    if (c) return c;
  }
  return memcmp(a + 1, b + 1, (n + 1) * sizeof(uint64_t));
}

static int collect_groups(fin *f, const sky_groups *merged) {
  const sky_plan *p = f->plan;
  size_t n = merged->count;
  if (p->n_keys == 0 && n == 0) {
    f->empty_slot = sky_calloc(p->slot_words, sizeof(uint64_t));
    if (!f->empty_slot) return -1;
    n = 1;
  }
  f->groups = sky_calloc(n + 1, sizeof *f->groups);
  f->vals = sky_calloc(n * f->row_width + 1, sizeof *f->vals);
  f->order = sky_calloc(n + 1, sizeof *f->order);
  if (!f->groups || !f->vals || !f->order) return -1;
  if (f->empty_slot) {
    f->groups[0] = f->empty_slot;
  } else {
    for (uint64_t s = 0; s < merged->capacity; s++) {
      const uint64_t *slot = merged->slots + s * merged->words;
      if (slot[0]) f->groups[f->n_groups++] = slot;
    }
  }
  f->n_groups = n;
  return 0;
}

/* ---- evaluation -------------------------------------------------------------------- */

static int eval_error(const fin *f, const sky_eval_env *env, int rc, sky_error *err) {
  const sky_expr *e = sky_interp_find_expr(f->plan, env->err_expr);
  const char *text = e && e->text ? e->text : "?";
  if (rc == SKY_EVAL_AGG_OVERFLOW && e) text = f->plan->aggs[e->index].text ? f->plan->aggs[e->index].text : "?";
  return sky_error_set(err, SKY_ERR_NUMERIC_OVERFLOW, e ? e->line : 0, e ? e->column : 0,
                       "integer overflow in '%s'", text);
}

enum { STOP_CHECK = 65536 };

/* Whether the statement was stopped (deadline or cancel): its error. */
static bool stopped(const fin *f, sky_error *err) {
  if (!sky_rt_should_stop(f->rt)) return false;
  sky_rt_stop_error(f->rt, err);
  return true;
}

/* HAVING, items and ORDER BY values of every group, in default order. */
static int eval_rows(fin *f, sky_error *err) {
  const sky_plan *p = f->plan;
  sky_eval_env env = {.rt = f->rt, .aggs = f->agg_vals, .agg_overflow = f->agg_overflow};
  for (size_t g = 0; g < f->n_groups; g++) {
    if (g % STOP_CHECK == STOP_CHECK - 1 && stopped(f, err)) return -1;
    env.slot = f->groups[g];
    sky_final_aggs(p, env.slot, f->agg_vals, f->agg_overflow);
    sky_ival v;
    int rc;
    if (p->having) {
      if ((rc = sky_interp_eval(&env, p->having, &v)) != SKY_EVAL_OK) return eval_error(f, &env, rc, err);
      if (v.null || !v.w) continue;
    }
    sky_ival *row = f->vals + f->n_rows * f->row_width;
    for (uint32_t i = 0; i < p->n_outputs; i++)
      if ((rc = sky_interp_eval(&env, p->outputs[i], &row[i])) != SKY_EVAL_OK) return eval_error(f, &env, rc, err);
    for (uint32_t o = 0; o < p->n_order; o++)
      if ((rc = sky_interp_eval(&env, p->order[o].expr, &row[p->n_outputs + o])) != SKY_EVAL_OK)
        return eval_error(f, &env, rc, err);
    f->order[f->n_rows] = f->n_rows;
    f->n_rows++;
  }
  return 0;
}

/* ORDER BY: NULL smallest (first ascending, last descending), ties in the
 * default order (the rows' indexes). */
static int cmp_rows(const void *x, const void *y, void *arg) {
  const fin *f = arg;
  size_t a = *(const size_t *)x, b = *(const size_t *)y;
  const sky_ival *ra = f->vals + a * f->row_width + f->plan->n_outputs;
  const sky_ival *rb = f->vals + b * f->row_width + f->plan->n_outputs;
  for (uint32_t o = 0; o < f->plan->n_order; o++) {
    const sky_order *ord = &f->plan->order[o];
    int c = sky_interp_sort_cmp(f->rt, ord->expr->type, ord->expr->dom, ra[o], rb[o]);
    if (c) return ord->desc ? -c : c;
  }
  return a < b ? -1 : a > b;
}

/* ---- output ---------------------------------------------------------------------------- */

static int set_cell(const fin *f, sky_result *r, sky_value *cell, const sky_expr *e, sky_ival v) {
  if (v.null) {
    cell->type = SKY_TYPE_NULL;
    return 0;
  }
  switch (e->type) {
  case SKY_VT_BOOL: cell->type = SKY_TYPE_BOOL, cell->as.b = v.w != 0; return 0;
  case SKY_VT_INT: cell->type = SKY_TYPE_INT, cell->as.i = (int64_t)v.w; return 0;
  case SKY_VT_OBJECT: cell->type = SKY_TYPE_OBJECT, cell->as.u = v.w; return 0;
  case SKY_VT_FLOAT: cell->type = SKY_TYPE_FLOAT, memcpy(&cell->as.f, &v.w, sizeof cell->as.f); return 0;
  case SKY_VT_STRING: {
    char tmp[32];
    const char *s;
    size_t len;
    sky_rt_string(f->rt, e->dom, v.w, tmp, &s, &len);
    return sky_result_set_string(r, cell, s, len);
  }
  default: cell->type = SKY_TYPE_NULL; return 0;
  }
}

static sky_result *build_result(fin *f, size_t n_out, sky_error *err) {
  const sky_plan *p = f->plan;
  sky_result *r = sky_result_new_rows(p->n_outputs);
  if (!r) goto oom;
  for (uint32_t i = 0; i < p->n_outputs; i++) {
    const char *name = p->output_names && p->output_names[i] ? p->output_names[i] : p->outputs[i]->text;
    if (!name) name = "";
    if (sky_result_set_column(r, i, name, strlen(name), p->output_types[i]) != 0) goto oom;
  }
  for (size_t k = 0; k < n_out; k++) {
    const sky_ival *vals = f->vals + f->order[k] * f->row_width;
    sky_value *cells = sky_result_append_row(r);
    if (!cells) goto oom;
    for (uint32_t i = 0; i < p->n_outputs; i++) {
      if (set_cell(f, r, &cells[i], p->outputs[i], vals[i]) != 0) goto oom;
      if (cells[i].type == SKY_TYPE_STRING && !charge(f, 2 * cells[i].as.s.len, err)) {
        sky_result_free(r);
        return NULL;
      }
    }
  }
  return r;
oom:
  sky_result_free(r);
  sky_error_oom(err);
  return NULL;
}

sky_result *sky_finalize(const sky_runtime *rt, sky_budget *budget, const sky_groups *merged, uint64_t max_rows,
                         sky_error *err) {
  const sky_plan *p = rt->plan;
  fin f = {.rt = rt, .plan = p, .row_width = (size_t)p->n_outputs + p->n_order, .budget = budget};
  sky_result *r = NULL;
  /* The arrays collect_groups makes, per group (given back at the end). */
  size_t fin_bytes = 0, cell_bytes = 0, per_group = f.row_width * sizeof(sky_ival) + sizeof(size_t) + sizeof(void *);
  if (__builtin_mul_overflow((size_t)merged->count + 1, per_group, &fin_bytes)) fin_bytes = SIZE_MAX;
  if (!charge(&f, fin_bytes, err)) {
    fin_bytes = 0;
    goto done;
  }
  f.agg_vals = sky_calloc(p->n_aggs + 1, sizeof *f.agg_vals);
  f.agg_overflow = sky_calloc(p->n_aggs + 1, sizeof *f.agg_overflow);
  if (!f.agg_vals || !f.agg_overflow || collect_groups(&f, merged) != 0) {
    sky_error_oom(err);
    goto done;
  }
  /* The deadline and cancellation hold here too: millions of groups take
   * a while to sort, evaluate and order (checked between the steps and
   * every STOP_CHECK groups). */
  if (stopped(&f, err)) goto done;
  qsort_r(f.groups, f.n_groups, sizeof *f.groups, cmp_groups, &f);
  if (stopped(&f, err) || eval_rows(&f, err) != 0 || stopped(&f, err)) goto done;
  if (p->n_order) qsort_r(f.order, f.n_rows, sizeof *f.order, cmp_rows, &f);
  if (stopped(&f, err)) goto done;
  size_t n_out = f.n_rows;
  if (p->limit >= 0 && (uint64_t)p->limit < n_out) n_out = (size_t)p->limit;
  if (max_rows && n_out > max_rows) {
    sky_error_set(err, SKY_ERR_RESULT_TOO_LARGE, 0, 0, "result has more than %llu rows",
                  (unsigned long long)max_rows);
    goto done;
  }
  /* The result's cells and their text, before any is made. */
  if (__builtin_mul_overflow(n_out, (size_t)p->n_outputs * (sizeof(sky_value) + JSON_CELL_BYTES), &cell_bytes))
    cell_bytes = SIZE_MAX;
  if (charge(&f, cell_bytes, err)) r = build_result(&f, n_out, err);
done:
  fin_free(&f);
  if (budget) sky_budget_give(budget, fin_bytes);
  return r;
}
