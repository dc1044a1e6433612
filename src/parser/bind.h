/* bind.h — the binder's private interface, shared by its files:
 *
 *   bind.c       sky_bind_select(): clauses, keys, outputs, HAVING, ORDER BY,
 *                LIMIT, session gap, expression ids
 *   bind_funnel.c sky_bind_funnel(): steps, window, exclusions, HOLDING
 *   bind_cohort.c sky_bind_retention / _lifecycle / _stickiness: periods,
 *                FROM / TO conditions
 *   bind_paths.c sky_bind_paths: the anchor, OF, the edges' columns
 *   bind_entry.c the path statements' result half: entry rows' keys,
 *                aggregates and result columns, HAVING / ORDER BY over them
 *   bind_util.c  plan building blocks: nodes, constants, literal and
 *                runtime-constant tables, structural equality, errors
 *   bind_expr.c  names, literals, logic, arithmetic, time buckets
 *   bind_cmp.c   comparisons, string domains, ISO literals, IN, LIKE
 *   bind_call.c  aggregates and post-aggregation expressions
 *   bind_units.c timestamps and durations: units and display types
 *   bind_pathfn.c next, prev, nth, dwell
 *   bind_state.c age(p); timed STATE registers and their lapses
 *   bind_during.c SELECT ... DURING: pieces' instants, duration(), misuses
 *
 * An expression is bound in one of two modes. EVENT: a per-event value
 * (WHERE, GROUP BY, aggregate arguments); aggregates are errors there.
 * POST: a value of a finished group (SELECT items, HAVING, ORDER BY);
 * aggregates become AGG_REF, sub-expressions equal to a group key become
 * KEY_REF, and any other per-event value is an error. The binder checks
 * every type once; the plan it returns satisfies plan.h's invariants.
 */
#ifndef SKY_PARSER_BIND_H
#define SKY_PARSER_BIND_H

#include "parser/ast.h"
#include "parser/funcs.h"
#include "parser/plan.h"

typedef enum bind_mode { BIND_EVENT, BIND_POST } bind_mode;

typedef struct bind_ctx {
  sky_arena *arena; /* the plan's */
  const sky_schema *schema;
  const sky_select *sel;
  sky_error *err;
  bool failed;
  sky_plan *plan;
  bind_mode mode;
  const char *clause;       /* EVENT mode: "WHERE" or "GROUP BY" (misplaced aggregates) */
  const ast_expr *in_agg;   /* EVENT mode: the aggregate whose argument is bound */
  const ast_expr *in_path;  /* the path function (next, ...) whose arguments are bound */
  bool aliases;             /* HAVING / ORDER BY: a bare name may be a SELECT alias */
  sky_expr **items;         /* bound SELECT items (what aliases refer to) */
  bool alias_outputs;       /* aliases are plan->output_names (FUNNEL's columns) */
  sky_expr **match_keys;    /* [n_keys] or NULL: what a key is recognized by
                               after aggregation, when not plan->keys (FUNNEL:
                               the HOLDING / GROUP BY expressions; NULL entries
                               match nothing) */
  sky_loc entry_loc;         /* path statements: where made-up nodes point */
  const ast_expr *text_of;  /* bx_new: the source node whose text `text` is */
  const char *text;
  const char *statement;    /* path statements: "FUNNEL", "RETENTION", ... */
  uint32_t cap_keys, cap_aggs, cap_rcs, cap_literals, cap_sets, cap_state;
  uint8_t *aged;            /* [schema->n_props] or NULL: age(p) read p (bind_state.c) */
} bind_ctx;

/* ---- bind.c -------------------------------------------------------------------- */

sky_plan *bind_new_plan(bind_ctx *b, const sky_schema *schema, sky_plan_kind kind);
/* WITHIN SESSION d of b->sel. */
bool bind_session(bind_ctx *b);
/* A condition (WHERE, HAVING, a FUNNEL step): BOOL, or an untyped NULL. */
sky_expr *bind_condition(bind_ctx *b, sky_expr *e, const ast_expr *a, const char *clause);
bool bind_is_constant(const ast_expr *a);
bool bind_order(bind_ctx *b);
/* HAVING, ORDER BY and LIMIT of b->sel, display types, expression ids;
 * *out = the plan. 0, or -1 with the error set. */
int bind_finish(bind_ctx *b, sky_plan **out);
void bind_number_all(sky_plan *p);

/* ---- bind_util.c --------------------------------------------------------------- */

/* Records an error at `at` (first error wins). Returns NULL. */
void *bind_fail(bind_ctx *b, sky_code code, const ast_expr *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void *bind_oom(bind_ctx *b);
/* The source text of `a` (a copy in the plan's arena; "" when out of memory,
 * with the error set). */
const char *bind_src(bind_ctx *b, const ast_expr *a);
/* `text` quoted for a message: 'price', or a string literal as written. */
const char *bind_quote(const char *text, char out[80]);
/* "INT 'price'": an expression's type and text, for type errors. */
const char *bind_describe(const sky_expr *e, char out[112]);

/* A new node standing for source node `src` (its position and text). */
sky_expr *bx_new(bind_ctx *b, sky_op op, sky_vtype type, uint32_t dom, const ast_expr *src);
sky_expr *bx_unary(bind_ctx *b, sky_op op, sky_vtype type, uint32_t dom, sky_expr *a, const ast_expr *src);
sky_expr *bx_binary(bind_ctx *b, sky_op op, sky_vtype type, uint32_t dom, sky_expr *l, sky_expr *r,
                    const ast_expr *src);
sky_expr *bx_const(bind_ctx *b, sky_vtype type, uint32_t dom, bool is_null, uint64_t word, const ast_expr *src);
static inline sky_expr *bx_int(bind_ctx *b, int64_t v, const ast_expr *src) {
  return bx_const(b, SKY_VT_INT, SKY_DOM_NONE, false, (uint64_t)v, src);
}
static inline sky_expr *bx_bool(bind_ctx *b, bool v, const ast_expr *src) {
  return bx_const(b, SKY_VT_BOOL, SKY_DOM_NONE, false, v, src);
}
/* A unary node over `e` that stands for the same source (TO_FLOAT, RANK). */
sky_expr *bx_wrap(bind_ctx *b, sky_op op, sky_vtype type, uint32_t dom, uint32_t index, sky_expr *e);
/* INT -> FLOAT; other types unchanged. */
sky_expr *bx_to_float(bind_ctx *b, sky_expr *e);
/* Gives an untyped NULL constant a type (and domain); others unchanged. */
void bx_type_null(sky_expr *e, sky_vtype type, uint32_t dom);

/* Index of the literal string (deduplicated), or -1 when out of memory. */
int64_t bind_literal(bind_ctx *b, const char *s, size_t len);
/* Index of the runtime constant (deduplicated; strings copied), or -1. */
int64_t bind_rc(bind_ctx *b, const sky_rc *rc);
/* Index of the set of a large IN's constant items (plan.h sky_in_set;
 * equal sets deduplicated), or -1 when out of memory. */
int64_t bind_in_set(bind_ctx *b, sky_vtype type, const sky_const *items, uint32_t n);
/* Structural equality of two bound expressions (ids, text, positions ignored). */
bool bx_equal(const sky_expr *a, const sky_expr *b);
/* True for a timestamp-valued INT (bind_units.c): the timestamp column,
 * ts ± INT or duration, and keys / min / max of those. */
bool bx_is_ts(const bind_ctx *b, const sky_expr *e);
static inline bool bx_is_dict(const sky_expr *e) { return e->type == SKY_VT_STRING && e->dom < SKY_DOM_LITERAL; }

/* ---- bind_expr.c --------------------------------------------------------------- */

/* Binds `a` in the current mode. NULL on error. */
sky_expr *bind_expr(bind_ctx *b, const ast_expr *a);
/* The operator and literal rules shared by both modes. */
sky_expr *bind_generic(bind_ctx *b, const ast_expr *a);
/* An integer literal as INT (an error when it does not fit). */
sky_expr *bind_int_literal(bind_ctx *b, const ast_expr *a);
/* object, timestamp, action, p, state.p, event.p, session.p */
bool ast_is_leaf_ref(const ast_expr *a);

/* ---- bind_cmp.c ---------------------------------------------------------------- */

sky_expr *bind_compare(bind_ctx *b, sky_op op, const ast_expr *node, const ast_expr *l, const ast_expr *r);
sky_expr *bind_in(bind_ctx *b, const ast_expr *node);
sky_expr *bind_like(bind_ctx *b, const ast_expr *node);

/* ---- bind_state.c -------------------------------------------------------------- */

/* age(p): a SKY_FN_STATE function. */
sky_expr *bind_state_fn(bind_ctx *b, const sky_fn *fn, const ast_expr *a);
/* Fills plan->state_lapse when a register lapses or its age is read (and
 * then reads timestamps). false with the error set (out of memory). */
bool bind_state_lapses(bind_ctx *b);

/* ---- bind_during.c ------------------------------------------------------------- */

/* DURING t1 TO t2 [EVERY period] of b->sel: plan->during and a timed
 * register per lapsing STATE property. false with the error set. */
bool bind_during(bind_ctx *b);
/* duration(): a SKY_FN_PIECE function (only with DURING). */
sky_expr *bind_piece_fn(bind_ctx *b, const sky_fn *fn, const ast_expr *a);
/* f(...) in a DURING query: false (error set) for OVER OBJECT, a path
 * function, or a time bucket EVERY does not cut at. */
bool bind_during_call(bind_ctx *b, const sky_fn *fn, const ast_expr *a);

/* ---- bind_call.c --------------------------------------------------------------- */

/* f(...): a time bucket, or an aggregate (POST mode: AGG_REF). */
sky_expr *bind_call(bind_ctx *b, const ast_expr *a);
/* POST mode: aggregates, aliases and group keys; *done is false when the
 * node is left to the generic rules. */
sky_expr *bind_post(bind_ctx *b, const ast_expr *a, bool *done);
/* Adds aggregate `g` (kind, arg, type filled; its text set) to the plan, or
 * finds an identical one: its index, or -1 (error at `at`). */
int64_t bind_agg_add(bind_ctx *b, const sky_agg *g, const ast_expr *at);
/* Binds `a` as a per-event expression for `clause`. */
sky_expr *bind_event_expr(bind_ctx *b, const ast_expr *a, const char *clause);

/* ---- bind_pathfn.c ------------------------------------------------------------- */

/* next(...), prev(...), nth(c), dwell(): a PATH_FN leaf (dwell: an
 * expression over one). */
sky_expr *bind_path_call(bind_ctx *b, const sky_fn *fn, const ast_expr *a);

/* ---- bind_entry.c: the path statements' result half ---------------------------------
 *
 * A path statement's plan is a SELECT-shaped plan over entry rows (plan.h,
 * SKY_ENTRY_FIELDS): these build its keys, aggregates and result columns
 * from ENTRY leaves, and finish it so that HAVING and ORDER BY name result
 * columns and take no aggregates of their own. Made-up nodes point at
 * b->entry_loc; b->statement names the statement in errors. */

/* A position-only node, for errors at a keyword or a number. */
const ast_expr *bind_at_loc(ast_expr *tmp, const sky_loc *loc);
/* A made-up node with `n_args` argument slots. */
sky_expr *bind_synth(bind_ctx *b, sky_op op, sky_vtype type, uint32_t dom, const char *text, uint32_t n_args);
sky_expr *bind_entry_leaf(bind_ctx *b, uint32_t field, sky_vtype type, uint32_t dom, const char *text);
/* Per-event HOLDING or GROUP BY expressions (not constants) into *out. */
bool bind_event_keys(bind_ctx *b, ast_expr *const *src, uint32_t n, const char *clause, sky_expr ***out);
/* Room for `cap` keys and result columns. */
bool bind_entry_columns(bind_ctx *b, uint32_t cap);
/* A group key over entry field `field`, also a result column `name`
 * (KEY_REF), recognized after aggregation by `match` (or nothing). */
bool bind_entry_key(bind_ctx *b, uint32_t field, sky_vtype type, uint32_t dom, const char *name, sky_expr *match);
/* Entry key #i: the value of per-event expression `src`, named by its text. */
bool bind_entry_key_of(bind_ctx *b, uint32_t i, sky_expr *src);
bool bind_entry_output(bind_ctx *b, sky_expr *e, const char *name);
/* An aggregate over entry field `field` (none for one without arguments:
 * count(), objects()); its AGG_REF. */
sky_expr *bind_entry_agg(bind_ctx *b, sky_agg_kind kind, uint32_t field, sky_vtype type, const char *text);
/* FLOAT num / den. */
sky_expr *bind_ratio(bind_ctx *b, sky_expr *num, sky_expr *den, const char *text);
uint64_t bind_float_word(double d);
/* HAVING, ORDER BY (no aggregates: they name result columns), LIMIT. */
int bind_entry_finish(bind_ctx *b, sky_plan **out);

/* ---- bind_as_of.c --------------------------------------------------------------- */

/* AS OF ts of b->sel, when given: plan->as_of and its instant. */
bool bind_as_of(bind_ctx *b);
/* semantic_error: `what` (NULL: a's text) is not allowed with AS OF. */
void *bind_as_of_refuse(bind_ctx *b, const ast_expr *a, const char *what);

#endif
