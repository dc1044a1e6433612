/* interp.h — internals of the reference interpreter and the query runner,
 * shared by interp*.c, finalize*.c, select.c and their unit tests.
 *
 * One expression evaluator serves both phases of a query: per event (the
 * filter, group keys and aggregate arguments, reading the chunk, the state
 * registers and the session number) and after aggregation (outputs, HAVING,
 * ORDER BY, reading group keys and aggregate results through KEY_REF and
 * AGG_REF). The JIT is tested against it, so its rules are the contract:
 *
 *  - Operands are evaluated left to right, all of them, except that AND
 *    stops after a FALSE left operand, OR after a TRUE left operand, IN
 *    at the first item equal to its operand, and IF evaluates its
 *    condition and then only the chosen branch. An INT overflow in any
 *    evaluated operand is an error even when the result would be NULL.
 *  - Per event: the filter (WHERE), then the group keys in order, then
 *    for each aggregate in aggregate order its FILTER condition and, only
 *    where that is TRUE (or absent), its argument; keys, filters and
 *    arguments only for matching events. The first error in path order
 *    ends the scan. (OVER OBJECT aggregates: the same per aggregate, in the
 *    pre-pass over the object's matching events.)
 *  - After aggregation: groups in the default (key) order; per group HAVING,
 *    then the SELECT items, then the ORDER BY items (items only for groups
 *    HAVING keeps). A SUM that does not fit int64 is an error when an
 *    AGG_REF reads it.
 *  - FLOAT comparisons are IEEE (any comparison with NaN is false except
 *    `!=`); sorting places NaN after every other number.
 */
#ifndef SKY_CODEGEN_INTERP_H
#define SKY_CODEGEN_INTERP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "codegen/pathfn.h"
#include "codegen/runtime.h"
#include "codegen/select.h"
#include "parser/plan.h"
#include "storage/storage.h"
#include "storage/stream.h"

/* A run-time value: the 64-bit word of plan.h plus the NULL flag (the word
 * of a NULL is 0). */
typedef struct sky_ival {
  uint64_t w;
  bool null;
} sky_ival;

/* ---- a STATE register at an instant (plan.h, "STATE set times") ------------ */

/* The TO value of timed register `reg` of the run's plan (its NULL, a word,
 * or a STRING's code from the runtime constants). */
static inline sky_ival sky_rt_state_to(const sky_runtime *rt, uint32_t reg) {
  const sky_state_lapse *l = &rt->plan->state_lapse[reg];
  if (l->to_null) return (sky_ival){0, true};
  uint64_t w = l->to_rc >= 0 ? rt->rc[l->to_rc] : l->to_word;
  if (l->to_rc >= 0 && (w == 0 || w == SKY_CODE_MISSING)) return (sky_ival){0, true}; /* never: interned at DDL */
  return (sky_ival){w, false};
}

/* The value register `reg` reads at instant t_us, holding `raw` (NULL:
 * never set) set at `set_us`: PATHS.md §8's one definition, used by the
 * interpreter and to be used by AS OF and DURING; the JIT emits the same
 * (jit_expr.c op_prop_state). */
static inline sky_ival sky_rt_state_at(const sky_runtime *rt, uint32_t reg, sky_ival raw, int64_t set_us,
                                       int64_t t_us) {
  const sky_state_lapse *l = rt->plan->state_lapse ? &rt->plan->state_lapse[reg] : NULL;
  if (raw.null || !l || !sky_state_lapsed(l->after_us, set_us, t_us)) return raw;
  return sky_rt_state_to(rt, reg);
}

/* The instant a STATE read at an event with timestamp `event_ts` is at:
 * that time, or under AS OF (PATHS.md §6) the plan's instant. */
static inline int64_t sky_rt_read_instant(const sky_plan *p, int64_t event_ts) {
  return p->as_of ? p->as_of_us : event_ts;
}

/* age(p) at instant t_us (PATHS.md §7): µs since the set time, NULL when
 * never set. A lapse does not change it. */
static inline sky_ival sky_rt_state_age(int64_t set_us, int64_t t_us) {
  if (set_us == SKY_STATE_NEVER) return (sky_ival){0, true};
  return (sky_ival){(uint64_t)t_us - (uint64_t)set_us, false};
}

/* The value register `reg` reads during a DURING piece starting at
 * start_us (PATHS.md §8): a value set at s covers [s, s + d), so a piece
 * starting at s + d or later reads the TO value. */
static inline sky_ival sky_rt_state_in_piece(const sky_runtime *rt, uint32_t reg, sky_ival raw, int64_t set_us,
                                             int64_t start_us) {
  const sky_state_lapse *l = rt->plan->state_lapse ? &rt->plan->state_lapse[reg] : NULL;
  if (raw.null || !l || l->after_us <= 0 || start_us <= set_us) return raw;
  if ((uint64_t)start_us - (uint64_t)set_us < (uint64_t)l->after_us) return raw;
  return sky_rt_state_to(rt, reg);
}

/* Evaluation outcomes. */
enum {
  SKY_EVAL_OK = 0,
  SKY_EVAL_OVERFLOW = 1,     /* INT overflow in expression env->err_expr */
  SKY_EVAL_AGG_OVERFLOW = 2, /* AGG_REF env->err_expr read a SUM beyond int64 */
};

/* What an expression can read. Per-event fields are set by the scan, the
 * post-aggregation fields by the finalizer; the other half is unused. */
typedef struct sky_eval_env {
  const sky_runtime *rt;
  /* per event */
  const sky_chunk *chunk;
  uint64_t event;          /* index into the chunk's columns */
  uint64_t obj;            /* the event's object id */
  const sky_ival *regs;    /* STATE registers, in plan->state_props order */
  const int64_t *set_us;   /* [n_state] their set times when plan->state_lapse, else NULL */
  const int32_t *reg_of;   /* [plan->n_props]: register of a property, -1 none */
  int64_t session;         /* 0-based session number within the path */
  const sky_ival *entry;   /* FUNNEL: the entry row's fields (SKY_ENTRY_*) */
  const sky_ival *obj_vals; /* [plan->n_obj_aggs] the object's OVER OBJECT values */
  const uint64_t *path_base; /* next, prev, nth: the object's resolved arrays (pathfn.h) */
  uint64_t path_first;       /* the chunk index of the object's first event */
  uint64_t path_m;           /* its events */
  bool in_piece;             /* DURING: the row is a piece of the event's interval */
  int64_t piece_start, piece_len; /* its start (`timestamp`, the STATE reading instant) and length */
  /* post aggregation */
  const uint64_t *slot;        /* the group's slot (groups.h layout) */
  const sky_ival *aggs;        /* [plan->n_aggs] aggregate results */
  const uint8_t *agg_overflow; /* [plan->n_aggs] nonzero: SUM beyond int64 */
  /* out */
  uint32_t err_expr; /* id of the failing expression */
} sky_eval_env;

/* Evaluates `e`. Returns SKY_EVAL_*; on failure env->err_expr is set. */
int sky_interp_eval(sky_eval_env *env, const sky_expr *e, sky_ival *out);

/* A property column's value at `event` as a run-time value of `type`
 * (absent, or a STRING code 0, is NULL). */
sky_ival sky_interp_read_col(const sky_chunk_col *col, sky_vtype type, uint64_t event);

/* Total order of two values of one type and domain, for sorting: NULL
 * first, FALSE before TRUE, INT signed, OBJECT unsigned, FLOAT numerically
 * with -0 = 0 and NaN last, day/month strings by number, other strings by
 * UTF-8 bytes of their text. Returns <0, 0, >0. */
int sky_interp_sort_cmp(const sky_runtime *rt, sky_vtype type, uint32_t dom, sky_ival a, sky_ival b);

/* The expression with id `id` among the plan's per-event and
 * post-aggregation expressions, or NULL. */
const sky_expr *sky_interp_find_expr(const sky_plan *plan, uint32_t id);

/* ---- the object walk (interp.c) ------------------------------------------- */

/* ---- a path statement's events (interp.c) --------------------------------
 *
 * Every path statement reads a matching event the same way, in both
 * engines: its conditions into the bits of a mask (FUNNEL's steps;
 * RETENTION's FROM and TO), FUNNEL's EXCLUDE conditions into a second
 * mask, all of them in order, then each group of values (HOLDING, GROUP BY)
 * when the bits meet that group's `when`. An event with no bit is handed
 * over only when the statement keeps every matching event. The interpreter
 * evaluates this in sky_path_walk_event, the compiled scan in jit_path.c;
 * both hand the event to the plan kind's `push` through sky_path_push. */
typedef struct sky_path_values {
  sky_expr *const *exprs;
  uint32_t n;
  uint64_t when; /* evaluated when (bits & when) != 0 */
  bool always;   /* evaluated on every kept event (PATHS's value) */
} sky_path_values;

typedef struct sky_path_parts {
  uint32_t n_conds;
  sky_expr *const *conds;          /* bit i of an event's bits */
  uint32_t n_excl;
  const sky_funnel_exclude *excl;  /* bit x of its excl */
  bool keep_all;                   /* every matching event, not only those with a bit */
  sky_path_values vals[2];         /* values [0, vals[0].n), then vals[1]'s */
  uint32_t n_vals;
} sky_path_parts;

sky_path_parts sky_path_parts_of(const sky_plan *p);

/* A matching event as a plan kind's `push` receives it. */
typedef struct sky_path_event {
  int64_t ts;
  int64_t session;
  uint64_t bits, excl;
} sky_path_event;

typedef struct sky_walk_kind sky_walk_kind;

/* One interpreter scan of a chunk: the plan, its group table, the
 * evaluation environment of the current event (registers, session) and
 * the plan kind's own state. */
typedef struct sky_walk {
  const sky_walk_kind *kind;
  const sky_runtime *rt;
  const sky_plan *plan;
  sky_groups *g;
  sky_eval_env env;
  sky_ival *regs;      /* [n_state] */
  int64_t *set_us;     /* [n_state] set times (plan.h), kept when plan->state_lapse */
  sky_vtype *reg_type; /* [n_state]: type of each register's property */
  int32_t *reg_of;     /* [n_props]: register of a property, -1 none */
  uint64_t *keys;      /* [n_keys] key words of the current row */
  sky_ival *args;      /* [n_aggs] aggregate arguments of the current row */
  bool *agg_on;        /* [n_aggs] the current row counts for the aggregate (its FILTER holds) */
  uint64_t *obj_state; /* [plan->obj_words] OVER OBJECT states of the object */
  sky_ival *obj_vals;  /* [plan->n_obj_aggs] their results */
  sky_path_parts parts; /* a path statement's per-event part */
  sky_ival *path_vals;  /* [parts.n_vals] the event's values */
  sky_pathfn_buf pathfn; /* next, prev, nth: the object's arrays */
  uint64_t obj_end;     /* one past the current object's last event */
  void *state;         /* the plan kind's */
  size_t charged;      /* bytes the kind's state took from the budget (sky_walk_charge) */
} sky_walk;

/* Takes `bytes` from the query budget for the plan kind's state; given back
 * when the walk ends. False when the budget refuses. */
bool sky_walk_charge(sky_walk *w, size_t bytes);

/* What a plan kind does on the walk (SKY_PLAN_KINDS; one definition each,
 * sky_walk_kind_<NAME>): init/free its state for a scan, begin at each
 * object, event at each of its events in path order (env.event, the
 * registers and env.session set), flush after its last event. A path
 * statement's `event` is sky_path_walk_event, which hands each kept event
 * to its `push` (so does the compiled scan); `conclude` is the compiled
 * scan's flush when it differs from the interpreter's. Only `event` is
 * required. Each returns a SKY_SCAN_* code. */
struct sky_walk_kind {
  int (*init)(sky_walk *w);
  void (*free)(sky_walk *w);
  void (*begin)(sky_walk *w);
  int (*event)(sky_walk *w);
  int (*flush)(sky_walk *w);
  int (*push)(sky_walk *w, const sky_path_event *e, const sky_ival *vals);
  int (*conclude)(sky_walk *w);
  /* after the chunk's last object, on either engine: rows the kind held
   * back (the compiled scan's tallies) */
  int (*finish)(sky_walk *w);
  /* groups the result has whatever the data: added to the merged table
   * before finalizing, on either engine (0, or -1 out of memory) */
  int (*seed)(const sky_plan *p, sky_groups *merged);
};

/* The plan kind's seed of the merged table (none: 0). */
int sky_walk_seed(const sky_plan *p, sky_groups *merged);

#define SKY_X_WALK_DECL(name, text) extern const sky_walk_kind sky_walk_kind_##name;
SKY_PLAN_KINDS(SKY_X_WALK_DECL)
#undef SKY_X_WALK_DECL

/* A walk of `chunk` on the heap, for compiled scans that hand a plan
 * kind's per-object work to C (jit_path.c): NULL when out of memory. */
sky_walk *sky_walk_open(const sky_runtime *rt, const sky_chunk *chunk, sky_groups *g);
void sky_walk_close(sky_walk *w);

/* The interpreter's event of a path statement (sky_path_parts). */
int sky_path_walk_event(sky_walk *w);
/* Hands a matching event and its n_vals values (NULL where not evaluated)
 * to the plan kind's push, values made canonical (a NULL's word 0, FLOATs
 * canonical, BOOLs 0/1), when the event is kept. */
int sky_path_push(sky_walk *w, sky_path_event e, sky_ival *vals);
/* Makes `n` values of the expressions `exprs` canonical, as sky_path_push. */
void sky_path_canon(sky_expr *const *exprs, uint32_t n, sky_ival *vals);

/* A path statement in a compiled scan (jit_path.c): the scan evaluates
 * WHERE and each matching event's sky_path_parts and hands them over; the
 * object is concluded at its end by the plan kind's C code, so both
 * engines share one definition. The int32 results are SKY_SCAN_* codes. */
void *sky_path_jit_open(const sky_runtime *rt, const sky_chunk *chunk, sky_groups *g);
void sky_path_jit_close(void *w);
void sky_path_jit_begin(void *w, uint64_t obj);
int32_t sky_path_jit_push(void *w, int64_t ts, int64_t session, uint64_t bits, uint64_t excl, sky_ival *vals);
int32_t sky_path_jit_flush(void *w);
/* After the chunk's last object: the kind's `finish`. */
int32_t sky_path_jit_finish(void *w);

/* RETENTION without RECURRING concluded in the compiled loop (cohort.c):
 * the object's entry, at period `period` with the GROUP BY values of its
 * start event; retained[k / 64] bit k % 64 set when a return had index k,
 * `top` the largest index (-1: none). */
int32_t sky_cohort_jit_entry(void *w, int64_t period, const uint64_t *retained, int64_t top, const sky_ival *vals);
/* LIFECYCLE and STICKINESS on a compiled scan (cohort.c): the object's
 * next distinct period, ascending, each once; the flush concludes. */
int32_t sky_cohort_jit_period(void *w, int64_t period);

/* agg(x) OVER OBJECT (interp.c), one definition for both engines: one
 * event's argument into object aggregate `a`'s state, and the object's
 * values from the states (which it frees and zeroes); SKY_SCAN_* codes,
 * OVERFLOW with *err_expr set (a SUM beyond int64). */
int sky_obj_agg_call_update(const sky_runtime *rt, uint32_t a, uint64_t *st, uint64_t w, uint32_t null,
                            sky_budget *budget, uint64_t obj, int64_t session);
int32_t sky_obj_aggs_conclude(const sky_runtime *rt, uint64_t *state, sky_ival *vals, sky_budget *budget,
                              uint32_t *err_expr);
/* Frees what the states own (an object left half-way by an error or a
 * stop) and zeroes them; zeroed states are left alone. */
void sky_obj_aggs_release(const sky_runtime *rt, uint64_t *state, sky_groups *g);

/* Evaluates `e` in the walk's environment: SKY_SCAN_OK or _OVERFLOW. */
int sky_walk_eval(sky_walk *w, const sky_expr *e, sky_ival *v);
/* Adds the current row (env: an event, or FUNNEL's entry row) into the
 * group table: the keys, the aggregate arguments, upsert, updates. */
int sky_walk_add_row(sky_walk *w);

/* ---- finalizer (finalize.c) ----------------------------------------------- */

/* The results of every aggregate of a group slot: vals[a], and overflow[a]
 * nonzero for a SUM of INT whose total does not fit int64. */
void sky_final_aggs(const sky_plan *plan, const uint64_t *slot, sky_ival *vals, uint8_t *overflow);

/* Turns the merged table of a run into its ROWS result: HAVING, outputs,
 * ORDER BY, LIMIT. `max_rows` 0 = unlimited. The finalizer's arrays, the
 * result and an estimate of its JSON text are charged to `budget` (NULL =
 * none) before they are built; the result's share stays charged. NULL with
 * err on failure (numeric_overflow, out_of_memory, result_too_large). */
sky_result *sky_finalize(const sky_runtime *rt, sky_budget *budget, const sky_groups *merged, uint64_t max_rows,
                         sky_error *err);

/* ---- query runner over any partition source (select.c) -------------------- */

/* Where a run reads its partitions: the snapshot in production, arrays of
 * chunks in unit tests. */
typedef struct sky_part_source {
  uint32_t n_parts;
  int (*read)(void *ctx, uint32_t part, const sky_colset *need, sky_chunk *out, sky_error *err);
  void (*release)(void *ctx, sky_chunk *chunk);
  void *ctx;
  /* Optional: a partition as slices of whole objects (storage/stream.h);
   * *it = NULL means read it whole with `read`. *spare: the worker's last
   * finished stream, whose buffers a new one takes over. */
  int (*stream)(void *ctx, uint32_t part, const sky_colset *need, sky_pstream **spare, sky_pstream **it,
                sky_error *err);
} sky_part_source;

/* Runs rt->plan over every partition of `src` (rt prepared, its deadline
 * and cancel flag set), merges in partition order and finalizes. NULL with
 * err on failure: the error of the lowest-numbered failing partition. */
sky_result *sky_select_run_source(sky_runtime *rt, const sky_part_source *src, const sky_colset *need,
                                  const sky_select_opts *opts, sky_error *err);

/* A FLOAT travels in a 64-bit word (sky_ival.w); these move between the two. */
static inline double as_double(uint64_t w) {
  double d;
  memcpy(&d, &w, sizeof d);
  return d;
}

static inline uint64_t double_bits(double d) {
  uint64_t w;
  memcpy(&w, &d, sizeof w);
  return w;
}

#endif
