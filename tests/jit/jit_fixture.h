/* jit_fixture.h — building plans and chunks by hand for the JIT's tests
 * and benchmark, without the parser, binder or storage: a plan builder
 * that fills the plan's derived fields (columns read, STATE registers,
 * layout) the way the binder does, a growable in-memory chunk, a runtime
 * over an explicit runtime-constant array, and a word-for-word comparison
 * of two group tables.
 *
 * Everything a builder returns lives until its *_free().
 */
#ifndef SKY_TESTS_JIT_FIXTURE_H
#define SKY_TESTS_JIT_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codegen/groups.h"
#include "codegen/runtime.h"
#include "common/arena.h"
#include "common/buf.h"
#include "parser/plan.h"
#include "storage/storage.h"

enum { JF_MAX = 64 }; /* keys, aggregates, rconsts, literals per plan */

typedef struct jf_plan {
  sky_arena arena;
  sky_plan *plan;
} jf_plan;

/* A plan over `n_props` properties with no filter, keys or aggregates. */
void jf_plan_init(jf_plan *f, uint32_t n_props);
void jf_plan_free(jf_plan *f);

/* Expressions. Leaves take their type (and string domain) explicitly. */
sky_expr *jf_leaf(jf_plan *f, sky_op op, sky_vtype type, uint32_t dom, uint32_t index);
sky_expr *jf_int(jf_plan *f, int64_t v);
sky_expr *jf_float(jf_plan *f, double v);
sky_expr *jf_bool(jf_plan *f, bool v);
sky_expr *jf_null(jf_plan *f, sky_vtype type);
/* A STRING constant of domain `dom` (literal index, day or month number). */
sky_expr *jf_str(jf_plan *f, uint32_t dom, uint64_t word);
/* A literal string: its index in plan->literals. */
uint32_t jf_literal(jf_plan *f, const char *s);
/* An operator node; `dom` SKY_DOM_NONE unless the result is a STRING. */
sky_expr *jf_op(jf_plan *f, sky_op op, sky_vtype type, uint32_t dom, uint32_t n_args, ...);
/* A runtime constant slot of the plan; tests fill rt->rc themselves. */
uint32_t jf_rc(jf_plan *f, sky_rc_kind kind, uint32_t dict);

void jf_filter(jf_plan *f, sky_expr *e);
void jf_key(jf_plan *f, sky_expr *e);
void jf_agg(jf_plan *f, sky_agg_kind kind, sky_expr *arg, int32_t rank_rc);
void jf_session(jf_plan *f, int64_t gap_us);
/* Derives columns, registers, expression ids and the slot layout. */
void jf_plan_finish(jf_plan *f);

/* A chunk built event by event. Property columns have the given types. */
typedef struct jf_chunk {
  sky_chunk c;
  uint32_t n_props;
  sky_prop_type *types;
  size_t cap_ev, cap_obj;
  uint64_t *obj_id, *obj_start;
  int64_t *ts;
  uint32_t *action;
  sky_chunk_col *cols;
} jf_chunk;

void jf_chunk_init(jf_chunk *ch, uint32_t n_props, const sky_prop_type *types);
void jf_chunk_free(jf_chunk *ch);
/* Lists the present events of every non-STRING column (sky_chunk_col.pos),
 * whatever their density, so that scans may take the sparse path. */
void jf_chunk_index(jf_chunk *ch);
/* Appends an event (a new object when `obj` differs from the last one). */
void jf_chunk_event(jf_chunk *ch, uint64_t obj, int64_t ts, uint32_t action);
/* Sets property `prop` on the last event: INT/FLOAT bits, BOOL 0/1, code. */
void jf_chunk_set(jf_chunk *ch, uint32_t prop, uint64_t word);
void jf_chunk_set_float(jf_chunk *ch, uint32_t prop, double v);

/* A runtime for `plan` reading runtime constants from `rc` (not copied). */
void jf_runtime(sky_runtime *rt, const sky_plan *plan, uint64_t *rc, size_t memory_limit);

/* Appends a readable S-expression of the plan's per-event parts (for
 * failure messages of random tests). */
void jf_plan_dump(const sky_plan *plan, sky_buf *out);

/* Compares two tables of one plan slot by slot (positions included).
 * COUNT DISTINCT words are compared by set size, FLOAT sums that are NaN
 * in both tables as equal (NaN payloads are unspecified). Returns NULL when equal,
 * else a static description of the first difference. */
const char *jf_groups_diff(const sky_groups *a, const sky_groups *b);

#endif
