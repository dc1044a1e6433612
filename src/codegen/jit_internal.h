/* jit_internal.h — what the parts of the LLVM back end share: the LLVM
 * session (target machine, ORC LLJIT, helper symbols: jit_llvm.c), the
 * per-compile code generator state (jit_cg) used by the loop structure
 * (jit_loop.c), expression codegen (jit_expr.c) and group/aggregate codegen
 * (jit_agg.c), and the compile driver (jit_compile.c) that the cache
 * (jit.c) calls.
 *
 * Values during codegen are typed SSA values plus a NULL flag (jit_val):
 * BOOL is i1, INT/OBJECT/STRING are i64 words, FLOAT is double. Mutable
 * state of the scan (state registers, session number, caches, aggregate
 * accumulators in register mode) lives in allocas of the entry block that
 * SROA/mem2reg promote. Nothing here is visible outside src/codegen/jit*.c.
 */
#ifndef SKY_CODEGEN_JIT_INTERNAL_H
#define SKY_CODEGEN_JIT_INTERNAL_H

#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/TargetMachine.h>
#include <stdbool.h>
#include <stdint.h>

#include "codegen/jit.h"
#include "common/buf.h"
#include "parser/plan.h"

/* ---- C helpers the generated code calls ---------------------------------
 * X(id, symbol, signature): signature is the return type then the argument
 * types, one letter each: v void, i i32, l i64, d double, p pointer. The
 * same list defines the absolute symbols of the JIT and the declarations
 * the generator emits, so they cannot disagree; memcpy .. fmod are there
 * for the calls LLVM itself may emit (frem is a call to fmod). */
#define JIT_HELPERS(X)                      \
  X(UPSERT, sky_groups_upsert, "pppl")      \
  X(DISTINCT_ADD, sky_distinct_add, "iplp") \
  X(AGG_UPDATE, sky_agg_call_update, "ipiplipll") \
  X(STR_CMP, sky_rt_str_cmp, "lpilil")      \
  X(LIKE, sky_rt_like, "lpili")             \
  X(IN_SET, sky_rt_in_set, "lpil")          \
  X(SHOULD_STOP, sky_rt_should_stop, "ip")  \
  X(MONTH, sky_jit_month_range, "llp")      \
  X(MEMCPY, memcpy, "pppl")                 \
  X(MEMMOVE, memmove, "pppl")               \
  X(MEMSET, memset, "ppil")                 \
  X(FMOD, fmod, "ddd")                      \
  X(PATH_OPEN, sky_path_jit_open, "pppp")   \
  X(PATH_CLOSE, sky_path_jit_close, "vp")   \
  X(PATH_BEGIN, sky_path_jit_begin, "vpl")  \
  X(PATH_PUSH, sky_path_jit_push, "ipllllp") \
  X(PATH_FLUSH, sky_path_jit_flush, "ip")   \
  X(PATH_FINISH, sky_path_jit_finish, "ip") \
  X(COHORT_ENTRY, sky_cohort_jit_entry, "iplplp") \
  X(COHORT_PERIOD, sky_cohort_jit_period, "ipl") \
  X(OBJ_AGG_UPDATE, sky_obj_agg_call_update, "ipiplipll") \
  X(OBJ_AGGS_CONCLUDE, sky_obj_aggs_conclude, "ippppp") \
  X(OBJ_AGGS_RELEASE, sky_obj_aggs_release, "vppp") \
  X(PATHFN_OPEN, sky_pathfn_jit_open, "pp") \
  X(PATHFN_CLOSE, sky_pathfn_jit_close, "vp") \
  X(PATHFN_RESERVE, sky_pathfn_jit_reserve, "pppl") \
  X(PATHFN_RESOLVE, sky_pathfn_jit_resolve, "vppl") \
  X(PERIOD_NEXT, sky_jit_period_next, "lil") \
  X(TS_UPTO, sky_ts_upto, "lplll")          \
  X(COL_LAST, sky_col_last_from, "lpllp")

/* month(ts) out of line: the month number, and in range[0..1] the µs
 * range [lo, hi) of that month (empty when it overflows int64). The one
 * definition is timeutil.c's; inlined, the civil-date arithmetic doubled
 * the compile time of a month query for a call once per month change. */
int64_t sky_jit_month_range(int64_t ts_us, int64_t *range);
/* DURING: the first EVERY boundary (sky_period `every`) after ts_us. */
int64_t sky_jit_period_next(int32_t every, int64_t ts_us);

typedef enum jit_helper_id {
#define JIT_X_ID(id, sym, sig) JIT_H_##id,
  JIT_HELPERS(JIT_X_ID)
#undef JIT_X_ID
  JIT_H_COUNT_
} jit_helper_id;

/* ---- LLVM session: target and ORC LLJIT (jit_llvm.c) -------------------- */

typedef struct jit_llvm {
  LLVMOrcLLJITRef lljit;
  LLVMOrcJITDylibRef jd;
  LLVMTargetRef target;
  char *triple, *cpu, *features;
  const char *passes; /* the optimization pipeline (LLVMRunPasses text) */
  int codegen_level;  /* LLVMCodeGenOptLevel of machine code generation */
  void *mu;           /* pthread_mutex_t: guards what follows */
  /* Target machines idle between compiles (one compile uses one at a
   * time; a reused one keeps its subtarget: ~3M instructions saved per
   * compile). */
  LLVMTargetMachineRef idle_tms[8];
  unsigned n_idle_tms;
  /* Errors ORC reports outside any call (asynchronous materialization):
   * counted and the last message kept, never printed. */
  uint64_t reported_errors;
  char last_report[256];
} jit_llvm;

/* Initializes the native target once per process, then builds the LLJIT
 * with the helper symbols defined. `cpu`/`features` NULL = the host's.
 * Returns 0, or -1 with err (internal). */
int jit_llvm_init(jit_llvm *L, const char *cpu, const char *features, sky_error *err);
void jit_llvm_free(jit_llvm *L);

/* A target machine of the session's target for one compile (target
 * machines are never used by two threads at once): an idle one or a new
 * one. NULL on failure. Give it back with jit_llvm_release_tm(). */
LLVMTargetMachineRef jit_llvm_acquire_tm(jit_llvm *L, sky_error *err);
void jit_llvm_release_tm(jit_llvm *L, LLVMTargetMachineRef tm);
/* Sets the module's triple and data layout from `tm`. */
void jit_llvm_prepare_module(LLVMModuleRef mod, LLVMTargetMachineRef tm);
/* Verifies, then runs the optimization pipeline. 0 or -1 with err. */
int jit_llvm_optimize(const jit_llvm *L, LLVMModuleRef mod, LLVMTargetMachineRef tm, sky_error *err);
/* Machine code for the module as an object file in memory. */
int jit_llvm_emit(LLVMModuleRef mod, LLVMTargetMachineRef tm, LLVMMemoryBufferRef *obj, sky_error *err);
/* Links the object (ownership moves) under a new resource tracker and
 * returns the address of `symbol`. */
int jit_llvm_load(jit_llvm *L, LLVMMemoryBufferRef obj, const char *symbol, LLVMOrcResourceTrackerRef *tracker,
                  void **addr, sky_error *err);
/* Frees the code of a tracker (and the tracker). */
void jit_llvm_unload(jit_llvm *L, LLVMOrcResourceTrackerRef tracker);
/* Consumes `e` into err (internal): "<what>: <LLVM message>". Returns -1. */
int jit_llvm_error(sky_error *err, LLVMErrorRef e, const char *what);

/* ---- compiling one plan (jit_compile.c) ---------------------------------- */

/* Milliseconds spent in each step of the last compile. */
typedef struct jit_timing {
  double build_ms, optimize_ms, emit_ms, link_ms, total_ms;
} jit_timing;

/* Compiles `plan` into the session as function `symbol`: *fn and its
 * *tracker (free with jit_llvm_unload). With `ir_out`, stops after
 * optimizing and appends the module's IR text instead (nothing loaded). */
int jit_compile(jit_llvm *L, const sky_plan *plan, const char *symbol, sky_buf *ir_out, sky_scan_fn *fn,
                LLVMOrcResourceTrackerRef *tracker, jit_timing *timing, sky_error *err);

/* A sky_jit for another CPU than the host's (golden IR tests pin one so
 * the text does not depend on the machine). `features` may be "". */
sky_jit *sky_jit_create_for_cpu(size_t cache_entries, const char *cpu, const char *features, sky_error *err);
/* Timing of the last compile of this jit. */
void sky_jit_last_timing(sky_jit *jit, jit_timing *out);
/* Benchmarks only: another optimization pipeline (LLVMRunPasses text; NULL
 * keeps the default) and machine code level (LLVMCodeGenOptLevel; < 0
 * keeps it), for measuring the choice made in jit_llvm.c. Call before any
 * compile. */
void sky_jit_tune(sky_jit *jit, const char *passes, int codegen_level);

/* ---- code generation (jit_loop.c, jit_expr.c, jit_agg.c) ----------------- */

typedef struct jit_val {
  LLVMValueRef v;     /* i1 BOOL, double FLOAT, i64 otherwise */
  LLVMValueRef null;  /* i1 */
  LLVMValueRef truth; /* BOOL only, optional: i1 "TRUE and not NULL" when a
                         cheaper form is known (x = 'code' needs no NULL test) */
  bool null_of_v;     /* the NULL flag is a function of v alone (a code 0, a
                         bucket out of range): equal v, equal NULL flags */
} jit_val;

static inline jit_val jv(LLVMValueRef v, LLVMValueRef null) { return (jit_val){v, null, NULL, false}; }
static inline jit_val jv3(LLVMValueRef v, LLVMValueRef null, LLVMValueRef truth) {
  return (jit_val){v, null, truth, false};
}
static inline jit_val jvf(LLVMValueRef v, LLVMValueRef null) { return (jit_val){v, null, NULL, true}; }

/* Where an aggregate state lives: a group slot in the table, or the local
 * slot of register mode (an alloca SROA splits into registers). */
typedef struct jit_cg {
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  LLVMValueRef fn;
  const sky_plan *plan;
  sky_error *err;
  bool failed; /* first codegen error is in err */

  LLVMTypeRef t_i1, t_i8, t_i32, t_i64, t_f64, t_ptr;
  LLVMTypeRef helper_ty[JIT_H_COUNT_];
  LLVMValueRef helper_fn[JIT_H_COUNT_];
  unsigned md_prof; /* metadata kind "prof" */
  LLVMValueRef md_unlikely;

  /* arguments */
  LLVMValueRef a_rt, a_chunk, a_g, a_err;

  /* hoisted in the entry block */
  LLVMBasicBlockRef entry;
  LLVMValueRef ts, action, obj_ids, obj_starts;
  LLVMValueRef *col_values, *col_present; /* [plan->n_props] or NULL entries */
  LLVMValueRef *rc;                       /* [plan->n_rcs] i64 words */
  LLVMValueRef budget;                    /* g->budget */

  /* columns read sparsely (behind a branch): prefetched ahead */
  unsigned n_prefetch;
  LLVMValueRef prefetch_base[8];
  unsigned prefetch_width[8];

  /* current event */
  LLVMValueRef ev;                                  /* i64 event index */
  LLVMValueRef obj;                                 /* i64 object id (per-object loops) */
  LLVMValueRef session;                             /* alloca i64: session number, or NULL */
  LLVMValueRef *reg_v, *reg_null;                   /* allocas per state register */
  LLVMValueRef *reg_set;                            /* timed registers: set time (i64 µs, plan.h) */
  LLVMValueRef *bucket_lo, *bucket_hi, *bucket_val; /* allocas per time bucket expr id */
  LLVMValueRef month_tmp;                           /* alloca [2 x i64]: the month helper's range */
  LLVMValueRef obj_end;                             /* i64: one past the object's last event */
  LLVMValueRef piece_t, piece_len;                  /* DURING: the current piece's start and length
                                                       (timestamp, state and age read at piece_t) */
  LLVMValueRef piece_cur, piece_next;               /* DURING: allocas i64 of the piece walk */
  LLVMValueRef period_lo, period_hi;                /* DURING EVERY: allocas, the cached period */

  /* group addressing */
  bool reg_mode;           /* no keys: aggregates in the local slot */
  LLVMValueRef local;      /* alloca [slot_words x i64] (register mode) */
  LLVMValueRef n_match;    /* alloca i64: matching events (register mode,
                              when no count() word already tells) */
  LLVMValueRef *blk_count; /* [n_aggs] allocas i32 or NULL: counts of the
                              current 64K block (flat register mode) */
  LLVMValueRef blk_match;
  LLVMValueRef existed;                /* i1: the table held the no-key group at entry */
  LLVMValueRef slots_a, mask_a;        /* allocas: g->slots, capacity - 1 */
  LLVMValueRef cache_slot;             /* alloca ptr: last group's slot or null */
  LLVMValueRef *cache_key, cache_mask; /* allocas */
  LLVMValueRef keys_tmp;               /* alloca [n_keys x i64] passed to upsert */

  /* agg(x) OVER OBJECT (jit_object.c) */
  LLVMValueRef obj_state; /* alloca [obj_words + 1 x i64]: the object's aggregate states */
  LLVMValueRef obj_vals;  /* alloca [2 n + 2 x i64]: their values as sky_ival */

  /* next, prev, nth (jit_pathfn.c): allocas */
  LLVMValueRef pf_buf;   /* ptr: the heap buffer (pathfn.h), NULL until opened */
  LLVMValueRef pf_base;  /* ptr: its arrays for the current object */
  LLVMValueRef pf_m;     /* i64: the object's events */
  LLVMValueRef pf_start; /* i64: the chunk index of its first event */
  LLVMValueRef pf_end;   /* i64: the chunk index after its last event */

  /* path statements (jit_path.c) */
  LLVMValueRef path_w;    /* alloca ptr: the walk state (interp.h) */
  LLVMValueRef path_vals; /* alloca [2 nv + 2 x i64]: the event's values as sky_ival */
  /* RETENTION, LIFECYCLE, STICKINESS (jit_cohort.c): allocas */
  LLVMValueRef co_started;   /* i64 0/1: the object's entry has started */
  LLVMValueRef co_start_ts;  /* its start event's timestamp */
  LLVMValueRef co_start_period;
  LLVMValueRef co_top;       /* the largest return index, -1 none */
  LLVMValueRef co_retained;  /* [words x i64]: bit k set when a return had index k */
  LLVMValueRef co_done;      /* µs end of the last return's index range (INT64_MIN: none yet) */
  LLVMValueRef co_vals;      /* [2 nv + 2 x i64]: the start event's GROUP BY values */
  LLVMValueRef co_until;     /* LIFECYCLE, STICKINESS: the µs end of the last period handed over */
  LLVMValueRef co_range;     /* [3 x i64]: the last period's µs [lo, hi) and number */

  /* exits */
  LLVMBasicBlockRef ovf_bb, nomem_bb, stop_bb;
  LLVMBasicBlockRef ovf_stored_bb; /* overflow whose expression a helper stored */
  LLVMValueRef ovf_phi;
} jit_cg;

/* Builds the scan function `name` for cg->plan into cg->mod.
 * Returns 0, or -1 with cg->err (internal: a construct the back end
 * cannot compile is a bug, reported, never a fallback). */
int jit_codegen_scan(jit_cg *cg, const char *name);

/* jit_loop.c: small IR utilities shared by the codegen files. */
LLVMValueRef jit_const_i64(jit_cg *cg, uint64_t v);
LLVMValueRef jit_const_i1(jit_cg *cg, bool v);
LLVMValueRef jit_entry_alloca(jit_cg *cg, LLVMTypeRef ty, const char *name);
LLVMBasicBlockRef jit_block(jit_cg *cg, const char *name);
/* Conditional branch marked unlikely to take `then`. */
void jit_br_unlikely(jit_cg *cg, LLVMValueRef cond, LLVMBasicBlockRef then, LLVMBasicBlockRef otherwise);
/* The plan's WHERE at the current event (or piece): branches to `next`
 * unless it is TRUE and leaves the builder on the matching side; nothing
 * without a filter (jit_loop.c). */
void jit_filter(jit_cg *cg, LLVMBasicBlockRef next);
/* A prefetch (read, high locality) of element `i` of the `width`-byte array at `base` (jit_loop.c). */
void jit_prefetch_at(jit_cg *cg, LLVMValueRef base, LLVMValueRef i, unsigned width);
LLVMValueRef jit_call(jit_cg *cg, jit_helper_id h, LLVMValueRef *args, unsigned n, const char *name);
/* Pointer + byte offset, and a typed load/store through it. */
LLVMValueRef jit_gep8(jit_cg *cg, LLVMValueRef base, LLVMValueRef off, const char *name);
LLVMValueRef jit_load_at(jit_cg *cg, LLVMTypeRef ty, LLVMValueRef base, uint64_t byte_off, const char *name);
/* Word `w` (constant) of a slot pointer. */
LLVMValueRef jit_slot_word_ptr(jit_cg *cg, LLVMValueRef slot, uint32_t w);
int jit_fail(jit_cg *cg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* jit_object.c: the OVER OBJECT pre-pass over an object's events. */
/* The object's states, zeroed at the function's entry (before any exit
 * can be taken), and their release at an exit (an error mid-object). */
void jit_object_state(jit_cg *cg);
void jit_object_release(jit_cg *cg);
void jit_object_prepare(jit_cg *cg);
jit_val jit_object_value(jit_cg *cg, const sky_expr *e);
void jit_object_prepass(jit_cg *cg, LLVMValueRef start, LLVMValueRef end, LLVMValueRef prev_ts,
                        void (*per_event)(jit_cg *cg, LLVMValueRef prev_ts), void (*reset)(jit_cg *cg));

/* jit_pathfn.c: next, prev, nth: the pre-pass over an object's events
 * and the leaves that read its results. state: allocas (entry, before any
 * exit); prepare: the buffer (after the exits exist); close: at every exit. */
void jit_pathfn_state(jit_cg *cg);
void jit_pathfn_prepare(jit_cg *cg);
void jit_pathfn_close(jit_cg *cg);
jit_val jit_pathfn_value(jit_cg *cg, const sky_expr *e);
/* The current object's events [start, end), at its start (every plan with
 * path functions); whether any of them needs the pre-pass (the others read
 * their x at an offset). */
void jit_pathfn_object(jit_cg *cg, LLVMValueRef start, LLVMValueRef end);
bool jit_pathfn_needs_prepass(const sky_plan *p);
void jit_pathfn_prepass(jit_cg *cg, LLVMValueRef start, LLVMValueRef end, LLVMValueRef prev_ts,
                        void (*per_event)(jit_cg *cg, LLVMValueRef prev_ts), void (*reset)(jit_cg *cg));

/* jit_path.c: a path statement's per-event part and its hand-over to C. */
bool jit_path_plan(const jit_cg *cg);
void jit_path_prepare(jit_cg *cg);
void jit_path_close(jit_cg *cg);
void jit_path_begin(jit_cg *cg);
void jit_path_event(jit_cg *cg, LLVMBasicBlockRef next);
void jit_path_flush(jit_cg *cg);
/* After the last object (the success exit): the kind's finish. */
void jit_path_finish(jit_cg *cg);
/* A helper's SKY_SCAN_* code: on to `ok`, or to the matching exit. */
void jit_path_check_rc(jit_cg *cg, LLVMValueRef rc, LLVMBasicBlockRef ok);
/* The event's values (path_vals) of each group whose `when` the bits meet. */
struct sky_path_parts;
void jit_path_values(jit_cg *cg, const struct sky_path_parts *pp, LLVMValueRef bits);
/* The bits of `n` conditions (all evaluated, in order). */
LLVMValueRef jit_path_mask(jit_cg *cg, uint32_t n, sky_expr *const *conds, size_t stride);

/* jit_cohort.c: RETENTION, LIFECYCLE, STICKINESS inside the loop. */
/* True when the loop concludes the plan's objects itself (RETENTION
 * without RECURRING); the rest goes through jit_path.c's push. */
bool jit_cohort_inline(const jit_cg *cg);
void jit_cohort_prepare(jit_cg *cg);
void jit_cohort_begin(jit_cg *cg);
void jit_cohort_event(jit_cg *cg, LLVMBasicBlockRef next);
void jit_cohort_flush(jit_cg *cg);
/* LIFECYCLE, STICKINESS: on to `next` when the event's period is the one
 * already handed over for this object (only distinct periods matter). */
void jit_cohort_next_period(jit_cg *cg, LLVMBasicBlockRef next);
/* i64 period number of timestamp `ts` (timeutil.h sky_period_of). */
LLVMValueRef jit_cohort_period(jit_cg *cg, LLVMValueRef ts);

/* jit_expr.c */
/* Emits `e` for the current event. Overflow raises only where `guard`
 * (i1) holds: an operand SQL logic would not evaluate never errors. */
jit_val jit_expr(jit_cg *cg, const sky_expr *e, LLVMValueRef guard);
/* floor(x / d), d > 0 a constant. */
LLVMValueRef jit_floor_div(jit_cg *cg, LLVMValueRef x, int64_t d);
/* i1: the value is TRUE (not NULL). */
LLVMValueRef jit_truth(jit_cg *cg, jit_val v);
/* The i64 word of a value of type t (BOOL 0/1, FLOAT canonical bits when
 * `canon`, else raw bits). */
LLVMValueRef jit_word(jit_cg *cg, jit_val v, sky_vtype t, bool canon);
/* Emits the canonical bits of a double (groups.h sky_canon_float). */
LLVMValueRef jit_canon_float(jit_cg *cg, LLVMValueRef d);
/* Reads property column p at the current event: typed value and NULL flag. */
jit_val jit_column(jit_cg *cg, uint32_t prop, sky_vtype t);
/* Initializes the per-expression time bucket caches (entry block). */
void jit_expr_prepare(jit_cg *cg);

/* jit_agg.c */
/* Allocas and entry code of the group addressing mode. */
void jit_groups_prepare(jit_cg *cg);
/* For a matching event: computes keys, finds or inserts the group, updates
 * every aggregate. Continues in the current block. */
void jit_groups_event(jit_cg *cg);
/* At the end of a successful scan (register mode: writes the local slot
 * into the table). Continues in the current block. */
void jit_groups_finish(jit_cg *cg);
/* Flat register-mode loops count in 32-bit block counters (the vectorizer
 * then works on 8 lanes instead of 4): create them (entry), reset them
 * (block start), add them into the local slot (block end). */
void jit_block_counters_create(jit_cg *cg);
void jit_block_counters_reset(jit_cg *cg);
void jit_block_counters_flush(jit_cg *cg);

/* jit_as_of.c */
/* SELECT ... AS OF (PATHS.md §6): per object, the one row at its last
 * event at or before the instant; branches to `done` after the last. */
void jit_as_of_loop(jit_cg *cg, LLVMBasicBlockRef done);
/* The instant a STATE read at the current event is at: its timestamp, or
 * the plan's AS OF instant (interp.h sky_rt_read_instant). */
LLVMValueRef jit_read_instant(jit_cg *cg);

#endif
