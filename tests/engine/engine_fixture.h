/* engine_fixture.h — hand-built plans and chunks for the engine tests.
 *
 * A tplan assembles a sky_plan the way the binder would (unique expression
 * ids, literals deduplicated, sky_groups_layout at the end) without the
 * parser; a tchunk holds a synthetic partition (objects, their events in
 * path order, property columns with presence flags). The helpers run the
 * interpreter's scan, the evaluator on one event, or the whole runner over
 * an array of chunks standing for partitions. Everything is test-only and
 * aborts the test (cmocka assertions) on misuse.
 */
#ifndef SKY_TESTS_ENGINE_FIXTURE_H
#define SKY_TESTS_ENGINE_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdint.h>

#include "codegen/groups.h"
#include "codegen/interp.h"
#include "parser/plan.h"
#include "storage/storage.h"

#define TP_MAX 64 /* keys, aggregates, outputs, order items, literals, rcs */

typedef struct tplan {
  sky_arena arena;
  sky_plan p;
  uint64_t rc_words[TP_MAX]; /* the runtime constants tests hand to a runtime */
} tplan;

void tp_init(tplan *t, uint32_t n_props);
void tp_free(tplan *t);
/* Finishes the plan (aggregate layout). */
void tp_done(tplan *t);

/* Expressions. Every node gets the next id, its op name as text, 1:1 as
 * position; tp_at sets text and position for error-message tests. */
sky_expr *tp_op(tplan *t, sky_op op, sky_vtype type, uint32_t n_args, ...);
sky_expr *tp_at(sky_expr *e, const char *text, int line, int column);
sky_expr *tp_int(tplan *t, int64_t v);
sky_expr *tp_float(tplan *t, double v);
sky_expr *tp_bool(tplan *t, bool v);
sky_expr *tp_null(tplan *t, sky_vtype type);
sky_expr *tp_str(tplan *t, const char *s);           /* a literal string */
sky_expr *tp_day(tplan *t, const char *yyyy_mm_dd);  /* a day constant */
sky_expr *tp_event(tplan *t, uint32_t prop, sky_vtype type);
sky_expr *tp_state(tplan *t, uint32_t prop, sky_vtype type); /* adds the register once */
sky_expr *tp_action(tplan *t);
sky_expr *tp_rconst(tplan *t, uint32_t rc, sky_vtype type, uint32_t dom);
uint32_t tp_add_rc(tplan *t, sky_rc rc, uint64_t word); /* word: what a test runtime reads */
sky_expr *tp_in(tplan *t, sky_expr *operand, uint32_t n_items, sky_expr **items);

/* Per event and post aggregation parts. */
void tp_filter(tplan *t, sky_expr *e);
uint32_t tp_key(tplan *t, sky_expr *e);
uint32_t tp_agg(tplan *t, sky_agg_kind kind, sky_expr *arg, const char *text);
sky_expr *tp_key_ref(tplan *t, uint32_t key);
sky_expr *tp_agg_ref(tplan *t, uint32_t agg);
void tp_output(tplan *t, sky_expr *e, const char *name);
void tp_order(tplan *t, sky_expr *e, bool desc);
void tp_having(tplan *t, sky_expr *e);
void tp_session(tplan *t, int64_t gap_us);

/* A synthetic partition. Property types are given at init. */
typedef struct tchunk {
  sky_chunk c;
  uint32_t n_props;
  sky_prop_type types[16];
  size_t cap_events, cap_objects;
  uint64_t *obj_id, *obj_start;
  int64_t *ts;
  uint32_t *action;
  sky_chunk_col cols[16];
  void *values[16];
  uint8_t *present[16];
} tchunk;

tchunk *tc_new(uint32_t n_props, const sky_prop_type *types);
void tc_free(tchunk *c);
void tc_object(tchunk *c, uint64_t id);
/* Appends an event to the current object; returns its index. */
uint64_t tc_event(tchunk *c, int64_t ts, uint32_t action);
void tc_int(tchunk *c, uint32_t prop, int64_t v);   /* on the last event */
void tc_float(tchunk *c, uint32_t prop, double v);
void tc_bool(tchunk *c, uint32_t prop, bool v);
void tc_code(tchunk *c, uint32_t prop, uint32_t code);

/* A runtime over a hand-built plan: rc = t->rc_words, no snapshot. */
void tp_runtime(tplan *t, sky_runtime *rt, size_t memory_limit);

/* Evaluates `e` as a per-event expression at event `i` of object `k` of
 * `c` (registers and session from a scan up to that event are not
 * modelled: only leaves of the event itself). */
int tp_eval_event(tplan *t, const tchunk *c, uint64_t k, uint64_t i, const sky_expr *e, sky_ival *out);
/* Evaluates a constant expression (no chunk). */
int tp_eval(tplan *t, const sky_expr *e, sky_ival *out);

/* Runs the whole query (runner + finalizer) over `n` chunks standing for
 * partitions (NULL = empty partition). */
sky_result *tp_run(tplan *t, tchunk **parts, uint32_t n, const sky_select_opts *opts, sky_error *err);
/* Same with default options (interpreter, no pool, no limits); the test
 * fails if the query fails. */
sky_result *tp_run_ok(tplan *t, tchunk **parts, uint32_t n);

/* Result checks. */
void expect_cols(const sky_result *r, size_t n_rows, size_t n_cols);
void expect_int(const sky_result *r, size_t row, size_t col, int64_t v);
void expect_uint(const sky_result *r, size_t row, size_t col, uint64_t v); /* OBJECT */
void expect_float(const sky_result *r, size_t row, size_t col, double v);  /* exact bits */
void expect_bool(const sky_result *r, size_t row, size_t col, bool v);
void expect_str(const sky_result *r, size_t row, size_t col, const char *s);
void expect_null(const sky_result *r, size_t row, size_t col);

#endif
