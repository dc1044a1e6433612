/* jit_loop.c — the shape of a generated scan: its entry (every loop
 * invariant hoisted: chunk arrays, column bases, runtime constants, the
 * table's base), its loops, the per-event sequence (state registers,
 * session cut, filter, group, aggregates) and its exits (SKY_SCAN_* codes).
 *
 * Two loop shapes, chosen from the plan:
 *  - flat: when nothing depends on the object (no state registers, no
 *    sessions, no object(), no OBJECTS/SESSIONS), one loop over all events
 *    in blocks of 64K; with register-mode aggregates (jit_agg.c) the inner
 *    loop is branch-free and vectorizes, counts in 32-bit block counters
 *    (Q1, count where action = c: 8 lanes, at memory bandwidth). When
 *    the filter needs an EVENT property whose column lists its present
 *    events, a second loop walks that list instead ("sparse driver").
 *  - per object: objects in order, registers and session reset per object,
 *    the event loop inside; the inner loop is cut at every 64K-th event
 *    of the chunk to check sky_rt_should_stop, so long paths are checked
 *    too and the per-event code carries no counter.
 * Columns read only on some events are prefetched ahead (see "sparse
 * columns" below).
 *
 * Also here: the small IR utilities the other codegen files share.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "codegen/aggs.h"
#include "codegen/groups.h"
#include "codegen/jit_internal.h"
#include "codegen/runtime.h"
#include "common/alloc.h"
#include "common/error.h"

enum { STOP_EVERY = 65536 }; /* events between two sky_rt_should_stop checks */
enum { REG_MODE_MAX_WORDS = 64 }; /* state words a scan without keys keeps in registers */

/* ---- utilities ------------------------------------------------------------- */

int jit_fail(jit_cg *cg, const char *fmt, ...) {
  if (cg->failed) return -1;
  cg->failed = true;
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return sky_error_set(cg->err, SKY_ERR_INTERNAL, 0, 0, "JIT cannot compile the plan: %s", msg);
}

LLVMValueRef jit_const_i64(jit_cg *cg, uint64_t v) { return LLVMConstInt(cg->t_i64, v, 0); }
LLVMValueRef jit_const_i1(jit_cg *cg, bool v) { return LLVMConstInt(cg->t_i1, v, 0); }

LLVMValueRef jit_entry_alloca(jit_cg *cg, LLVMTypeRef ty, const char *name) {
  LLVMBuilderRef tmp = LLVMCreateBuilderInContext(cg->ctx);
  LLVMValueRef first = LLVMGetFirstInstruction(cg->entry);
  if (first)
    LLVMPositionBuilderBefore(tmp, first);
  else
    LLVMPositionBuilderAtEnd(tmp, cg->entry);
  LLVMValueRef a = LLVMBuildAlloca(tmp, ty, name);
  LLVMDisposeBuilder(tmp);
  return a;
}

LLVMBasicBlockRef jit_block(jit_cg *cg, const char *name) {
  return LLVMAppendBasicBlockInContext(cg->ctx, cg->fn, name);
}

void jit_br_unlikely(jit_cg *cg, LLVMValueRef cond, LLVMBasicBlockRef then, LLVMBasicBlockRef otherwise) {
  LLVMValueRef br = LLVMBuildCondBr(cg->b, cond, then, otherwise);
  LLVMSetMetadata(br, cg->md_prof, cg->md_unlikely);
}

static LLVMTypeRef sig_type(jit_cg *cg, char c) {
  switch (c) {
  case 'i': return cg->t_i32;
  case 'l': return cg->t_i64;
  case 'd': return cg->t_f64;
  case 'p': return cg->t_ptr;
  default: return LLVMVoidTypeInContext(cg->ctx);
  }
}

LLVMValueRef jit_call(jit_cg *cg, jit_helper_id h, LLVMValueRef *args, unsigned n, const char *name) {
  static const struct {
    const char *sym, *sig;
  } HELPERS[] = {
#define JIT_X_DECL(id, sym, sig) {#sym, sig},
      JIT_HELPERS(JIT_X_DECL)
#undef JIT_X_DECL
  };
  if (!cg->helper_fn[h]) {
    const char *sig = HELPERS[h].sig;
    LLVMTypeRef params[8];
    unsigned np = (unsigned)strlen(sig) - 1;
    for (unsigned k = 0; k < np; k++) params[k] = sig_type(cg, sig[k + 1]);
    cg->helper_ty[h] = LLVMFunctionType(sig_type(cg, sig[0]), params, np, 0);
    cg->helper_fn[h] = LLVMAddFunction(cg->mod, HELPERS[h].sym, cg->helper_ty[h]);
    unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
    LLVMAddAttributeAtIndex(cg->helper_fn[h], LLVMAttributeFunctionIndex,
                            LLVMCreateEnumAttribute(cg->ctx, nounwind, 0));
  }
  return LLVMBuildCall2(cg->b, cg->helper_ty[h], cg->helper_fn[h], args, n, name);
}

LLVMValueRef jit_gep8(jit_cg *cg, LLVMValueRef base, LLVMValueRef off, const char *name) {
  return LLVMBuildGEP2(cg->b, cg->t_i8, base, &off, 1, name);
}

LLVMValueRef jit_load_at(jit_cg *cg, LLVMTypeRef ty, LLVMValueRef base, uint64_t byte_off, const char *name) {
  LLVMValueRef p = byte_off ? jit_gep8(cg, base, jit_const_i64(cg, byte_off), "") : base;
  return LLVMBuildLoad2(cg->b, ty, p, name);
}

LLVMValueRef jit_slot_word_ptr(jit_cg *cg, LLVMValueRef slot, uint32_t w) {
  if (!w) return slot;
  LLVMValueRef idx = jit_const_i64(cg, w);
  return LLVMBuildGEP2(cg->b, cg->t_i64, slot, &idx, 1, "");
}

static LLVMValueRef load_elem(jit_cg *cg, LLVMTypeRef ty, LLVMValueRef base, LLVMValueRef idx, const char *name) {
  return LLVMBuildLoad2(cg->b, ty, LLVMBuildGEP2(cg->b, ty, base, &idx, 1, ""), name);
}

/* ---- what the plan needs --------------------------------------------------- */

typedef void (*expr_visit_fn)(jit_cg *cg, const sky_expr *e, void *arg);

static void walk(jit_cg *cg, const sky_expr *e, expr_visit_fn fn, void *arg) {
  if (!e) return;
  fn(cg, e, arg);
  for (uint32_t k = 0; k < e->n_args; k++) walk(cg, e->args[k], fn, arg);
}

typedef struct path_walk {
  jit_cg *cg;
  expr_visit_fn fn;
  void *arg;
} path_walk;

static void walk_path_expr(sky_expr *e, void *ctx) {
  path_walk *pw = ctx;
  walk(pw->cg, e, pw->fn, pw->arg);
}

/* Visits every per-event expression: filter, keys, aggregate filters and
 * arguments; of a path statement, the filter and its per-object part's
 * expressions (its keys and aggregates read entry rows, in C). */
static void walk_plan(jit_cg *cg, expr_visit_fn fn, void *arg) {
  const sky_plan *p = cg->plan;
  walk(cg, p->filter, fn, arg);
  for (uint32_t f = 0; f < p->n_path_fns; f++) {
    walk(cg, p->path_fns[f].arg, fn, arg);
    walk(cg, p->path_fns[f].cond, fn, arg);
  }
  for (uint32_t a = 0; a < p->n_obj_aggs; a++) {
    walk(cg, p->obj_aggs[a].filter, fn, arg);
    walk(cg, p->obj_aggs[a].arg, fn, arg);
  }
  if (p->kind != SKY_PLAN_SELECT) {
    path_walk pw = {cg, fn, arg};
    sky_plan_each_path_expr(p, walk_path_expr, &pw);
    return;
  }
  for (uint32_t j = 0; j < p->n_keys; j++) walk(cg, p->keys[j], fn, arg);
  for (uint32_t a = 0; a < p->n_aggs; a++) {
    walk(cg, p->aggs[a].filter, fn, arg);
    walk(cg, p->aggs[a].arg, fn, arg);
  }
}

typedef struct shape {
  bool per_object; /* the scan needs object boundaries */
  bool session;    /* session numbers are computed */
  bool bad_id;     /* a time bucket's expression id out of range */
} shape;

static void note_expr(jit_cg *cg, const sky_expr *e, void *arg) {
  shape *s = arg;
  const sky_plan *p = cg->plan;
  bool state = e->op == SKY_OP_PROP_STATE || e->op == SKY_OP_STATE_AGE;
  if (e->op == SKY_OP_OBJECT || state) s->per_object = true;
  if (e->op == SKY_OP_SESSION_NUMBER) s->per_object = s->session = true;
  if (state) {
    for (uint32_t r = 0; r < p->n_state; r++) {
      if (p->state_props[r] != e->index || cg->reg_v[r]) continue;
      /* age(p) alone reads the register too: its type is the property's */
      sky_vtype t = e->op == SKY_OP_PROP_STATE ? e->type : p->state_lapse[r].type;
      LLVMTypeRef ty = t == SKY_VT_BOOL ? cg->t_i1 : t == SKY_VT_FLOAT ? cg->t_f64 : cg->t_i64;
      cg->reg_v[r] = jit_entry_alloca(cg, ty, "reg");
      /* STRING registers hold code 0 for NULL: no separate flag. */
      if (t != SKY_VT_STRING) cg->reg_null[r] = jit_entry_alloca(cg, cg->t_i1, "reg.null");
      if (p->state_lapse && p->state_lapse[r].timed) cg->reg_set[r] = jit_entry_alloca(cg, cg->t_i64, "reg.set");
    }
  }
  if (e->op >= SKY_OP_HOUR && e->op <= SKY_OP_MONTH) { /* the time buckets */
    if (e->id >= p->n_exprs) {
      s->bad_id = true;
      return;
    }
    if (!cg->bucket_lo[e->id]) {
      cg->bucket_lo[e->id] = jit_entry_alloca(cg, cg->t_i64, "bucket.lo");
      cg->bucket_hi[e->id] = jit_entry_alloca(cg, cg->t_i64, "bucket.hi");
      cg->bucket_val[e->id] = jit_entry_alloca(cg, cg->t_i64, "bucket.val");
    }
    if (e->op == SKY_OP_MONTH && !cg->month_tmp)
      cg->month_tmp = jit_entry_alloca(cg, LLVMArrayType(cg->t_i64, 2), "month.range");
  }
}

static shape plan_shape(jit_cg *cg) {
  const sky_plan *p = cg->plan;
  shape s = {0};
  walk_plan(cg, note_expr, &s);
  for (uint32_t a = 0; a < p->n_aggs; a++) {
    unsigned flags = sky_agg_defs[p->aggs[a].kind].flags;
    if (flags & SKY_AGGF_OBJECT) s.per_object = true;
    if (flags & SKY_AGGF_SESSION) s.per_object = s.session = true;
  }
  if (p->n_obj_aggs) s.per_object = true; /* the OVER OBJECT pre-pass */
  if (p->n_path_fns) { /* the path functions' pre-pass, within sessions */
    s.per_object = true;
    if (p->session_gap_us >= 0) s.session = true;
  }
  if (p->kind != SKY_PLAN_SELECT) { /* objects in path order, sessions when asked */
    s.per_object = true;
    s.session = p->session_gap_us >= 0;
  }
  if (p->during) { /* pieces end at the next event; every lapse cuts, read or not */
    s.per_object = true;
    if (p->during->every >= 0) { /* the EVERY period of the last piece (jit_expr_prepare empties it) */
      cg->period_lo = jit_entry_alloca(cg, cg->t_i64, "period.lo");
      cg->period_hi = jit_entry_alloca(cg, cg->t_i64, "period.hi");
    }
    for (uint32_t r = 0; p->state_lapse && r < p->n_state; r++) {
      if (cg->reg_v[r] || p->state_lapse[r].after_us <= 0) continue;
      sky_vtype t = p->state_lapse[r].type;
      cg->reg_v[r] = jit_entry_alloca(cg, t == SKY_VT_BOOL ? cg->t_i1 : t == SKY_VT_FLOAT ? cg->t_f64 : cg->t_i64, "reg");
      if (t != SKY_VT_STRING) cg->reg_null[r] = jit_entry_alloca(cg, cg->t_i1, "reg.null");
      cg->reg_set[r] = jit_entry_alloca(cg, cg->t_i64, "reg.set");
    }
  }
  if (s.bad_id) jit_fail(cg, "expression id out of range");
  if (s.session && p->session_gap_us < 0) jit_fail(cg, "session numbers without WITHIN SESSION");
  /* Register mode keeps every state word live across the loop: past
   * REG_MODE_MAX_WORDS the register allocator's time grows steeply (no
   * keys and 64 INT sums, 192 words: 0.4 s to compile; 128 sums 2.4 s;
   * 256 sums 33 s, against 0.2, 0.5 and 1.0 s in table mode). */
  cg->reg_mode = p->n_keys == 0 && p->slot_words <= REG_MODE_MAX_WORDS && p->kind == SKY_PLAN_SELECT;
  for (uint32_t a = 0; a < p->n_aggs; a++) /* state that owns memory stays in the table */
    if (sky_agg_impl_of(p->aggs[a].kind)->release) cg->reg_mode = false;
  return s;
}

/* ---- sparse columns ------------------------------------------------------------
 * A column read only on some events (an EVENT property's values behind its
 * presence test, the timestamp of matching events only) defeats the
 * hardware prefetcher: every such read is a cache miss (measured: 3.6x
 * slower on Q4). Those columns are prefetched PREFETCH_AHEAD events ahead,
 * one instruction per event. Columns read on every event need nothing, and
 * a loop without prefetches stays vectorizable. */

enum { PREFETCH_AHEAD = 128 }; /* events; best of 16..256 measured */

typedef struct reads {
  bool values[SKY_MAX_PROPS]; /* INT/FLOAT values whose value is used */
  bool ts, action;            /* read by keys/arguments or a later filter leaf */
  bool ts_always, action_always;
  bool seen_filter_leaf;
} reads;

static void note_read(jit_cg *cg, const sky_expr *e, const sky_expr *parent, reads *r, bool in_filter) {
  bool first = in_filter && !r->seen_filter_leaf;
  bool leaf = e->op == SKY_OP_ACTION || e->op == SKY_OP_TIMESTAMP || e->op == SKY_OP_PROP_EVENT;
  if (leaf && in_filter) r->seen_filter_leaf = true;
  bool value_unused = parent && (parent->op == SKY_OP_IS_NULL || parent->op == SKY_OP_IS_NOT_NULL);
  if (e->op == SKY_OP_PROP_EVENT && e->index < SKY_MAX_PROPS && !value_unused &&
      (e->type == SKY_VT_INT || e->type == SKY_VT_FLOAT))
    r->values[e->index] = true;
  if (e->op == SKY_OP_TIMESTAMP) *(first ? &r->ts_always : &r->ts) = true;
  if (e->op == SKY_OP_ACTION) *(first ? &r->action_always : &r->action) = true;
  for (uint32_t k = 0; k < e->n_args; k++) note_read(cg, e->args[k], e, r, in_filter);
}

static void add_prefetch(jit_cg *cg, LLVMValueRef base, unsigned width) {
  if (base && cg->n_prefetch < sizeof cg->prefetch_base / sizeof *cg->prefetch_base) {
    cg->prefetch_base[cg->n_prefetch] = base;
    cg->prefetch_width[cg->n_prefetch++] = width;
  }
}

/* After hoist(): chooses the prefetched columns. */
static void plan_prefetch(jit_cg *cg) {
  const sky_plan *p = cg->plan;
  reads r;
  memset(&r, 0, sizeof r);
  if (p->filter) note_read(cg, p->filter, NULL, &r, true);
  for (uint32_t j = 0; j < p->n_keys; j++) note_read(cg, p->keys[j], NULL, &r, false);
  for (uint32_t a = 0; a < p->n_aggs; a++) {
    if (p->aggs[a].filter) note_read(cg, p->aggs[a].filter, NULL, &r, false);
    if (p->aggs[a].arg && p->aggs[a].kind != SKY_AGG_COUNT) note_read(cg, p->aggs[a].arg, NULL, &r, false);
  }
  for (uint32_t k = 0; k < p->n_state; k++) {
    uint32_t prop = p->state_props[k];
    if (cg->reg_null[k] && LLVMGetAllocatedType(cg->reg_v[k]) != cg->t_i1 && prop < SKY_MAX_PROPS)
      r.values[prop] = true;
  }
  for (uint32_t k = 0; k < p->n_props && k < SKY_MAX_PROPS; k++)
    if (r.values[k]) add_prefetch(cg, cg->col_values[k], 8);
  /* Without a filter, keys and arguments read ts/action on every event. */
  if (p->filter && r.ts && !r.ts_always && !cg->session) add_prefetch(cg, cg->ts, 8);
  if (p->filter && r.action && !r.action_always) add_prefetch(cg, cg->action, 4);
}

void jit_prefetch_at(jit_cg *cg, LLVMValueRef base, LLVMValueRef i, unsigned width) {
  if (!base) return;
  const char *name = "llvm.prefetch";
  unsigned iid = LLVMLookupIntrinsicID(name, strlen(name));
  LLVMTypeRef ty = cg->t_ptr;
  LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cg->mod, iid, &ty, 1);
  LLVMTypeRef fty = LLVMIntrinsicGetType(cg->ctx, iid, &ty, 1);
  LLVMValueRef off = LLVMBuildMul(cg->b, i, jit_const_i64(cg, width), "");
  LLVMValueRef args[4] = {jit_gep8(cg, base, off, "ahead"), LLVMConstInt(cg->t_i32, 0, 0),
                          LLVMConstInt(cg->t_i32, 3, 0), LLVMConstInt(cg->t_i32, 1, 0)};
  LLVMBuildCall2(cg->b, fty, fn, args, 4, "");
}

static void emit_prefetches(jit_cg *cg) {
  for (unsigned k = 0; k < cg->n_prefetch; k++) {
    LLVMValueRef ahead = LLVMBuildAdd(cg->b, cg->ev, jit_const_i64(cg, PREFETCH_AHEAD), "");
    jit_prefetch_at(cg, cg->prefetch_base[k], ahead, cg->prefetch_width[k]);
  }
}

/* ---- entry: hoisted loads -------------------------------------------------- */

static void hoist(jit_cg *cg) {
  const sky_plan *p = cg->plan;
  cg->obj_ids = jit_load_at(cg, cg->t_ptr, cg->a_chunk, offsetof(sky_chunk, obj_id), "obj.ids");
  cg->obj_starts = jit_load_at(cg, cg->t_ptr, cg->a_chunk, offsetof(sky_chunk, obj_start), "obj.starts");
  if (p->need_ts || cg->session) cg->ts = jit_load_at(cg, cg->t_ptr, cg->a_chunk, offsetof(sky_chunk, ts), "ts.col");
  if (p->need_action) cg->action = jit_load_at(cg, cg->t_ptr, cg->a_chunk, offsetof(sky_chunk, action), "action.col");
  LLVMValueRef cols = jit_load_at(cg, cg->t_ptr, cg->a_chunk, offsetof(sky_chunk, cols), "cols");
  for (uint32_t k = 0; k < p->n_props; k++) {
    if (!p->need_props || !p->need_props[k]) continue;
    uint64_t off = (uint64_t)k * sizeof(sky_chunk_col);
    cg->col_values[k] = jit_load_at(cg, cg->t_ptr, cols, off + offsetof(sky_chunk_col, values), "col.values");
    cg->col_present[k] = jit_load_at(cg, cg->t_ptr, cols, off + offsetof(sky_chunk_col, present), "col.present");
  }
  if (p->n_rcs) {
    LLVMValueRef rc = jit_load_at(cg, cg->t_ptr, cg->a_rt, offsetof(sky_runtime, rc), "rc");
    for (uint32_t k = 0; k < p->n_rcs; k++) cg->rc[k] = jit_load_at(cg, cg->t_i64, rc, 8 * (uint64_t)k, "rconst");
  }
  cg->budget = jit_load_at(cg, cg->t_ptr, cg->a_g, offsetof(sky_groups, budget), "budget");
}

/* ---- per event ------------------------------------------------------------- */

/* STATE registers take the event's own value when it carries one. */
static void update_registers(jit_cg *cg) {
  const sky_plan *p = cg->plan;
  LLVMBuilderRef b = cg->b;
  for (uint32_t r = 0; r < p->n_state; r++) {
    if (!cg->reg_v[r]) continue;
    LLVMTypeRef ty = LLVMGetAllocatedType(cg->reg_v[r]);
    sky_vtype t = !cg->reg_null[r]  ? SKY_VT_STRING
                  : ty == cg->t_i1  ? SKY_VT_BOOL
                  : ty == cg->t_f64 ? SKY_VT_FLOAT
                                    : SKY_VT_INT;
    jit_val v = jit_column(cg, p->state_props[r], t);
    LLVMValueRef old = LLVMBuildLoad2(b, ty, cg->reg_v[r], "");
    LLVMBuildStore(b, LLVMBuildSelect(b, v.null, old, v.v, ""), cg->reg_v[r]);
    if (cg->reg_set[r]) { /* a timed register: a carried value (a heartbeat too) sets it now */
      LLVMValueRef old_set = LLVMBuildLoad2(b, cg->t_i64, cg->reg_set[r], "");
      LLVMValueRef now = load_elem(cg, cg->t_i64, cg->ts, cg->ev, "ts");
      LLVMBuildStore(b, LLVMBuildSelect(b, v.null, old_set, now, ""), cg->reg_set[r]);
    }
    if (cg->reg_null[r]) {
      LLVMValueRef old_null = LLVMBuildLoad2(b, cg->t_i1, cg->reg_null[r], "");
      LLVMBuildStore(b, LLVMBuildAnd(b, old_null, v.null, ""), cg->reg_null[r]);
    }
  }
}

static void reset_registers(jit_cg *cg) {
  for (uint32_t r = 0; r < cg->plan->n_state; r++) {
    if (!cg->reg_v[r]) continue;
    LLVMBuildStore(cg->b, LLVMConstNull(LLVMGetAllocatedType(cg->reg_v[r])), cg->reg_v[r]);
    if (cg->reg_null[r]) LLVMBuildStore(cg->b, jit_const_i1(cg, true), cg->reg_null[r]);
    if (cg->reg_set[r]) LLVMBuildStore(cg->b, jit_const_i64(cg, (uint64_t)SKY_STATE_NEVER), cg->reg_set[r]);
  }
}

/* A gap greater than the session gap starts a new session (a gap equal to
 * it does not). Timestamps are in path order, so the unsigned difference
 * is exact. */
static void update_session(jit_cg *cg, LLVMValueRef prev_ts) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef t = load_elem(cg, cg->t_i64, cg->ts, cg->ev, "ts");
  LLVMValueRef prev = LLVMBuildLoad2(b, cg->t_i64, prev_ts, "prev.ts");
  LLVMValueRef gap = LLVMBuildSub(b, t, prev, "gap");
  LLVMValueRef cut = LLVMBuildICmp(b, LLVMIntUGT, gap, jit_const_i64(cg, (uint64_t)cg->plan->session_gap_us), "cut");
  LLVMValueRef s = LLVMBuildLoad2(b, cg->t_i64, cg->session, "");
  LLVMBuildStore(b, LLVMBuildAdd(b, s, LLVMBuildZExt(b, cut, cg->t_i64, ""), ""), cg->session);
  LLVMBuildStore(b, t, prev_ts);
}

/* The OVER OBJECT pre-pass's view of an event: its registers and session. */
static void pre_event(jit_cg *cg, LLVMValueRef prev_ts) {
  update_registers(cg);
  if (prev_ts) update_session(cg, prev_ts);
}

static LLVMValueRef smin(jit_cg *cg, LLVMValueRef x, LLVMValueRef y) {
  return LLVMBuildSelect(cg->b, LLVMBuildICmp(cg->b, LLVMIntSLT, x, y, ""), x, y, "");
}

/* DURING (plan.h): the pieces of the event's interval [ts, next ts or t2)
 * clipped to [t1, t2), in time order: from `cur`, the next cut is the
 * nearest of the interval's end, the next EVERY boundary (a helper call)
 * and each lapsing register's set + after beyond cur; each piece runs the
 * filter and the group update with piece_t / piece_len set, as the
 * interpreter's during_event does. Ends with a branch to `next`. */
static void during_event(jit_cg *cg, LLVMBasicBlockRef next) {
  const sky_plan *p = cg->plan;
  const sky_during *d = p->during;
  LLVMBuilderRef b = cg->b;
  if (!cg->piece_cur) cg->piece_cur = jit_entry_alloca(cg, cg->t_i64, "piece.cur");
  if (!cg->piece_next) cg->piece_next = jit_entry_alloca(cg, cg->t_i64, "piece.next");
  if (d->every >= 0 && !cg->period_lo) {
    jit_fail(cg, "DURING EVERY without its period cache");
    return;
  }
  LLVMValueRef t1 = jit_const_i64(cg, (uint64_t)d->from_us), t2 = jit_const_i64(cg, (uint64_t)d->to_us);
  LLVMValueRef ts = load_elem(cg, cg->t_i64, cg->ts, cg->ev, "ts");
  LLVMValueRef i1 = LLVMBuildAdd(b, cg->ev, jit_const_i64(cg, 1), "");
  LLVMValueRef has_next = LLVMBuildICmp(b, LLVMIntULT, i1, cg->obj_end, "");
  /* the next event's timestamp, read only when there is one */
  LLVMValueRef at = LLVMBuildSelect(b, has_next, i1, cg->ev, "");
  LLVMValueRef ts_next = LLVMBuildSelect(b, has_next, load_elem(cg, cg->t_i64, cg->ts, at, "ts.next"), t2, "");
  LLVMValueRef lo = LLVMBuildSelect(b, LLVMBuildICmp(b, LLVMIntSLT, ts, t1, ""), t1, ts, "lo");
  LLVMValueRef hi = smin(cg, ts_next, t2);
  LLVMBuildStore(b, lo, cg->piece_cur);
  LLVMBasicBlockRef piece = jit_block(cg, "piece"), piece_next = jit_block(cg, "piece.next");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntSLT, lo, hi, ""), piece, next);

  LLVMPositionBuilderAtEnd(b, piece);
  LLVMValueRef cur = LLVMBuildLoad2(b, cg->t_i64, cg->piece_cur, "piece.start");
  LLVMValueRef cut = hi;
  if (d->every >= 0) { /* the helper only when cur leaves the cached period [lo, hi) */
    LLVMValueRef lo_a = cg->period_lo, hi_a = cg->period_hi;
    LLVMValueRef in = LLVMBuildAnd(b, LLVMBuildICmp(b, LLVMIntSGE, cur, LLVMBuildLoad2(b, cg->t_i64, lo_a, ""), ""),
                                   LLVMBuildICmp(b, LLVMIntSLT, cur, LLVMBuildLoad2(b, cg->t_i64, hi_a, ""), ""), "");
    LLVMBasicBlockRef miss = jit_block(cg, "period.miss"), have = jit_block(cg, "period.have");
    jit_br_unlikely(cg, LLVMBuildNot(b, in, ""), miss, have);
    LLVMPositionBuilderAtEnd(b, miss);
    LLVMValueRef args[2] = {LLVMConstInt(cg->t_i32, (uint64_t)d->every, 0), cur};
    LLVMBuildStore(b, cur, lo_a); /* a lower bound of the period is enough */
    LLVMBuildStore(b, jit_call(cg, JIT_H_PERIOD_NEXT, args, 2, "boundary"), hi_a);
    LLVMBuildBr(b, have);
    LLVMPositionBuilderAtEnd(b, have);
    cut = smin(cg, cut, LLVMBuildLoad2(b, cg->t_i64, hi_a, "boundary"));
  }
  for (uint32_t r = 0; p->state_lapse && r < p->n_state; r++) {
    int64_t after = p->state_lapse[r].after_us;
    if (after <= 0 || !cg->reg_set[r]) continue;
    LLVMValueRef set = LLVMBuildLoad2(b, cg->t_i64, cg->reg_set[r], "set");
    LLVMValueRef when = LLVMBuildAdd(b, set, jit_const_i64(cg, (uint64_t)after), "lapse");
    /* never set, or beyond int64 (the sum wrapped below set): no cut */
    LLVMValueRef ok = LLVMBuildAnd(b, LLVMBuildICmp(b, LLVMIntNE, set, jit_const_i64(cg, (uint64_t)SKY_STATE_NEVER), ""),
                                   LLVMBuildICmp(b, LLVMIntSGT, when, set, ""), "");
    ok = LLVMBuildAnd(b, ok, LLVMBuildICmp(b, LLVMIntSGT, when, cur, ""), "");
    ok = LLVMBuildAnd(b, ok, LLVMBuildICmp(b, LLVMIntSLT, when, cut, ""), "");
    cut = LLVMBuildSelect(b, ok, when, cut, "");
  }
  LLVMBuildStore(b, cut, cg->piece_next);
  cg->piece_t = cur;
  cg->piece_len = LLVMBuildSub(b, cut, cur, "piece.len");
  jit_filter(cg, piece_next);
  jit_groups_event(cg);
  LLVMBuildBr(b, piece_next);
  cg->piece_t = cg->piece_len = NULL;

  LLVMPositionBuilderAtEnd(b, piece_next);
  LLVMValueRef nx = LLVMBuildLoad2(b, cg->t_i64, cg->piece_next, "");
  LLVMBuildStore(b, nx, cg->piece_cur);
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntSLT, nx, hi, ""), piece, next);
}

void jit_filter(jit_cg *cg, LLVMBasicBlockRef next) {
  if (!cg->plan->filter) return;
  jit_val f = jit_expr(cg, cg->plan->filter, jit_const_i1(cg, true));
  LLVMBasicBlockRef match = jit_block(cg, "match");
  LLVMBuildCondBr(cg->b, jit_truth(cg, f), match, next);
  LLVMPositionBuilderAtEnd(cg->b, match);
}

/* The work of one event; ends with a branch to `next`. */
static void emit_event(jit_cg *cg, LLVMValueRef prev_ts, LLVMBasicBlockRef next) {
  emit_prefetches(cg);
  update_registers(cg);
  if (prev_ts) update_session(cg, prev_ts);
  if (cg->plan->during) {
    during_event(cg, next);
    return;
  }
  jit_filter(cg, next);
  if (jit_path_plan(cg)) {
    jit_path_event(cg, next);
    return;
  }
  jit_groups_event(cg);
  LLVMBuildBr(cg->b, next);
}

/* ---- loops ------------------------------------------------------------------ */

static void call_should_stop(jit_cg *cg, LLVMBasicBlockRef go_on) {
  LLVMValueRef stop = jit_call(cg, JIT_H_SHOULD_STOP, &cg->a_rt, 1, "stop");
  jit_br_unlikely(cg, LLVMBuildICmp(cg->b, LLVMIntNE, stop, LLVMConstInt(cg->t_i32, 0, 0), ""), cg->stop_bb, go_on);
}

static LLVMValueRef umin(jit_cg *cg, LLVMValueRef x, LLVMValueRef y) {
  return LLVMBuildSelect(cg->b, LLVMBuildICmp(cg->b, LLVMIntULT, x, y, ""), x, y, "");
}

/* ---- sparse driver ------------------------------------------------------------
 * A flat scan whose filter can be TRUE only on events that carry EVENT
 * property p (`event.price > 100`), and can raise no error on the others
 * (no INT arithmetic in it: evaluation order, LANGUAGE.md decision 23),
 * needs only the events that carry p. When the chunk lists them
 * (sky_chunk_col.pos, kept for sparse columns) the loop walks that list,
 * prefetching every column of the event PREFETCH_POS positions ahead;
 * otherwise the ordinary flat loop runs. The per-event code is the same. */

enum { PREFETCH_POS = 16 }; /* positions ahead */

/* NULL whenever event p is NULL. */
static bool strict_in(const sky_expr *e, uint32_t prop) {
  switch (e->op) {
  case SKY_OP_PROP_EVENT: return e->index == prop && e->type != SKY_VT_STRING;
  case SKY_OP_NOT: case SKY_OP_NEG: case SKY_OP_TO_FLOAT: case SKY_OP_RANK: case SKY_OP_DICT_MATCH:
  case SKY_OP_LIKE: case SKY_OP_HOUR: case SKY_OP_WEEKDAY: case SKY_OP_DAY: case SKY_OP_WEEK: case SKY_OP_MONTH:
  case SKY_OP_IN: case SKY_OP_IN_SET: return strict_in(e->args[0], prop);
  case SKY_OP_EQ: case SKY_OP_NE: case SKY_OP_LT: case SKY_OP_LE: case SKY_OP_GT: case SKY_OP_GE:
  case SKY_OP_ADD: case SKY_OP_SUB: case SKY_OP_MUL: case SKY_OP_DIV: case SKY_OP_MOD: case SKY_OP_STR_CMP:
    return strict_in(e->args[0], prop) || strict_in(e->args[1], prop);
  default: return false;
  }
}

/* Never TRUE whenever event p is NULL. */
static bool needs_prop(const sky_expr *e, uint32_t prop) {
  switch (e->op) {
  case SKY_OP_AND: return needs_prop(e->args[0], prop) || needs_prop(e->args[1], prop);
  case SKY_OP_OR: return needs_prop(e->args[0], prop) && needs_prop(e->args[1], prop);
  case SKY_OP_IS_NOT_NULL: return strict_in(e->args[0], prop);
  default: return strict_in(e, prop);
  }
}

static bool may_raise(const sky_expr *e) {
  bool int_arith = e->op == SKY_OP_ADD || e->op == SKY_OP_SUB || e->op == SKY_OP_MUL || e->op == SKY_OP_NEG;
  if (int_arith && e->type == SKY_VT_INT) return true;
  for (uint32_t k = 0; k < e->n_args; k++)
    if (may_raise(e->args[k])) return true;
  return false;
}

enum { MAX_DRIVERS = 4 };

/* The properties whose positions could drive a flat scan (at most
 * MAX_DRIVERS); returns how many. */
static uint32_t sparse_drivers(jit_cg *cg, uint32_t *drv) {
  const sky_expr *f = cg->plan->filter;
  if (!f || may_raise(f)) return 0;
  uint32_t n = 0;
  for (uint32_t k = 0; k < cg->plan->n_props && n < MAX_DRIVERS; k++)
    if (cg->col_values[k] && needs_prop(f, k)) drv[n++] = k;
  return n;
}

typedef struct col_reads {
  unsigned width[SKY_MAX_PROPS]; /* bytes of a value read, 0 = not read */
} col_reads;

static void note_width(jit_cg *cg, const sky_expr *e, void *arg) {
  (void)cg;
  col_reads *r = arg;
  if ((e->op != SKY_OP_PROP_EVENT) || e->index >= SKY_MAX_PROPS) return;
  r->width[e->index] = e->type == SKY_VT_BOOL ? 1 : e->type == SKY_VT_STRING ? 4 : 8;
}

/* Prefetches every column the event code reads at event `i`. */
static void prefetch_event(jit_cg *cg, LLVMValueRef i) {
  col_reads r;
  memset(&r, 0, sizeof r);
  walk_plan(cg, note_width, &r);
  jit_prefetch_at(cg, cg->ts, i, 8);
  jit_prefetch_at(cg, cg->action, i, 4);
  for (uint32_t k = 0; k < cg->plan->n_props && k < SKY_MAX_PROPS; k++) {
    if (!r.width[k]) continue;
    jit_prefetch_at(cg, cg->col_values[k], i, r.width[k]);
    if (r.width[k] != 4) jit_prefetch_at(cg, cg->col_present[k], i, 1);
  }
}

/* for (base = 0; base < n; base = lim) { stop check; for (j = base; j < lim; j++) event }
 * where event j is j itself, or pos[j] when `pos` is given (the sparse
 * driver: n is then the length of pos). */
static void blocked_loop(jit_cg *cg, LLVMBasicBlockRef done, LLVMValueRef n, LLVMValueRef pos) {
  LLVMBuilderRef b = cg->b;
  bool sp = pos != NULL;
  LLVMBasicBlockRef from = LLVMGetInsertBlock(b);
  LLVMBasicBlockRef head = jit_block(cg, sp ? "pos.block" : "block"), pre = jit_block(cg, sp ? "pos.pre" : "block.pre");
  LLVMBasicBlockRef ev = jit_block(cg, sp ? "pos.event" : "event"), next = jit_block(cg, sp ? "pos.next" : "event.next");
  LLVMBasicBlockRef end = jit_block(cg, sp ? "pos.end" : "block.end"), stop = jit_block(cg, sp ? "pos.stop" : "block.stop");
  LLVMBuildBr(b, head);

  LLVMPositionBuilderAtEnd(b, head);
  LLVMValueRef base = LLVMBuildPhi(b, cg->t_i64, "base");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, base, n, ""), stop, done);
  LLVMPositionBuilderAtEnd(b, stop);
  call_should_stop(cg, pre);
  LLVMPositionBuilderAtEnd(b, pre);
  LLVMValueRef lim = umin(cg, LLVMBuildAdd(b, base, jit_const_i64(cg, STOP_EVERY), ""), n);
  jit_block_counters_reset(cg);
  LLVMBuildBr(b, ev);

  LLVMPositionBuilderAtEnd(b, ev);
  LLVMValueRef j = LLVMBuildPhi(b, cg->t_i64, sp ? "j" : "i");
  unsigned n_prefetch = cg->n_prefetch;
  if (sp) {
    LLVMValueRef pj = LLVMBuildGEP2(b, cg->t_i32, pos, &j, 1, "");
    cg->ev = LLVMBuildZExt(b, LLVMBuildLoad2(b, cg->t_i32, pj, "pos"), cg->t_i64, "i");
    LLVMValueRef last = LLVMBuildSub(b, n, jit_const_i64(cg, 1), "last");
    LLVMValueRef a = umin(cg, LLVMBuildAdd(b, j, jit_const_i64(cg, PREFETCH_POS), ""), last);
    LLVMValueRef pa = LLVMBuildGEP2(b, cg->t_i32, pos, &a, 1, "");
    prefetch_event(cg, LLVMBuildZExt(b, LLVMBuildLoad2(b, cg->t_i32, pa, "pos.ahead"), cg->t_i64, ""));
    cg->n_prefetch = 0; /* the event-ahead prefetches mean nothing here */
  } else {
    cg->ev = j;
  }
  emit_event(cg, NULL, next);
  cg->n_prefetch = n_prefetch;
  LLVMPositionBuilderAtEnd(b, next);
  LLVMValueRef j1 = LLVMBuildAdd(b, j, jit_const_i64(cg, 1), "");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, j1, lim, ""), ev, end);
  LLVMAddIncoming(j, &base, &pre, 1);
  LLVMAddIncoming(j, &j1, &next, 1);

  LLVMPositionBuilderAtEnd(b, end);
  jit_block_counters_flush(cg);
  LLVMBuildBr(b, head);
  LLVMValueRef zero = jit_const_i64(cg, 0);
  LLVMAddIncoming(base, &zero, &from, 1);
  LLVMAddIncoming(base, &lim, &end, 1);
}

/* Every event of the chunk. */
static void flat_loop(jit_cg *cg, LLVMBasicBlockRef done) {
  LLVMValueRef n = jit_load_at(cg, cg->t_i64, cg->a_chunk, offsetof(sky_chunk, n_events), "n.events");
  blocked_loop(cg, done, n, NULL);
}

/* The flat shape: the sparse loop when the plan allows it and the chunk
 * lists the positions of a driver (of the shortest list when several do),
 * the loop over every event otherwise. */
static void flat_scan(jit_cg *cg, LLVMBasicBlockRef done) {
  jit_block_counters_create(cg);
  uint32_t drv[MAX_DRIVERS];
  uint32_t n_drv = sparse_drivers(cg, drv);
  if (n_drv == 0) {
    flat_loop(cg, done);
    return;
  }
  LLVMBuilderRef b = cg->b;
  LLVMValueRef cols = jit_load_at(cg, cg->t_ptr, cg->a_chunk, offsetof(sky_chunk, cols), "cols");
  LLVMValueRef pos = LLVMConstNull(cg->t_ptr), n_pos = jit_const_i64(cg, UINT64_MAX);
  for (uint32_t d = 0; d < n_drv; d++) {
    uint64_t off = (uint64_t)drv[d] * sizeof(sky_chunk_col);
    LLVMValueRef p = jit_load_at(cg, cg->t_ptr, cols, off + offsetof(sky_chunk_col, pos), "col.pos");
    LLVMValueRef n = jit_load_at(cg, cg->t_i64, cols, off + offsetof(sky_chunk_col, n_pos), "col.npos");
    LLVMValueRef take = LLVMBuildAnd(b, LLVMBuildIsNotNull(b, p, ""), LLVMBuildICmp(b, LLVMIntULT, n, n_pos, ""), "");
    pos = LLVMBuildSelect(b, take, p, pos, "");
    n_pos = LLVMBuildSelect(b, take, n, n_pos, "");
  }
  LLVMBasicBlockRef dense = jit_block(cg, "dense"), sparse = jit_block(cg, "sparse");
  LLVMBuildCondBr(b, LLVMBuildIsNull(b, pos, ""), dense, sparse);
  LLVMPositionBuilderAtEnd(b, sparse);
  blocked_loop(cg, done, n_pos, pos);
  LLVMPositionBuilderAtEnd(b, dense);
  flat_loop(cg, done);
}

typedef struct obj_loop {
  LLVMValueRef k_a, i_a, check_a, prev_ts; /* allocas */
  LLVMValueRef end;                        /* current object's end */
} obj_loop;

/* Events [i, min(end, next check)) of the current object, then the stop
 * check when due; loops until the object's end. */
static void object_events(jit_cg *cg, obj_loop *L, LLVMBasicBlockRef obj_next) {
  LLVMBuilderRef b = cg->b;
  LLVMBasicBlockRef seg = jit_block(cg, "segment"), ev = jit_block(cg, "event"), next = jit_block(cg, "event.next");
  LLVMBasicBlockRef seg_exit = jit_block(cg, "segment.exit"), seg_end = jit_block(cg, "segment.end");
  LLVMBasicBlockRef stop = jit_block(cg, "segment.stop"), stop_ok = jit_block(cg, "segment.go"),
                    more = jit_block(cg, "segment.more");
  LLVMBuildBr(b, seg);

  LLVMPositionBuilderAtEnd(b, seg);
  LLVMValueRef i0 = LLVMBuildLoad2(b, cg->t_i64, L->i_a, "i0");
  LLVMValueRef lim = umin(cg, L->end, LLVMBuildLoad2(b, cg->t_i64, L->check_a, ""));
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, i0, lim, ""), ev, seg_end);

  LLVMPositionBuilderAtEnd(b, ev);
  LLVMValueRef i = LLVMBuildPhi(b, cg->t_i64, "i");
  cg->ev = i;
  cg->obj_end = L->end;
  emit_event(cg, cg->session ? L->prev_ts : NULL, next);
  LLVMPositionBuilderAtEnd(b, next);
  LLVMValueRef i1 = LLVMBuildAdd(b, i, jit_const_i64(cg, 1), "");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, i1, lim, ""), ev, seg_exit);
  LLVMAddIncoming(i, &i0, &seg, 1);
  LLVMAddIncoming(i, &i1, &next, 1);
  LLVMPositionBuilderAtEnd(b, seg_exit);
  LLVMBuildStore(b, i1, L->i_a);
  LLVMBuildBr(b, seg_end);

  LLVMPositionBuilderAtEnd(b, seg_end);
  LLVMValueRef at = LLVMBuildLoad2(b, cg->t_i64, L->i_a, "");
  LLVMValueRef due = LLVMBuildICmp(b, LLVMIntUGE, at, LLVMBuildLoad2(b, cg->t_i64, L->check_a, ""), "");
  jit_br_unlikely(cg, due, stop, more);
  LLVMPositionBuilderAtEnd(b, stop);
  call_should_stop(cg, stop_ok);
  LLVMPositionBuilderAtEnd(b, stop_ok);
  LLVMBuildStore(b, LLVMBuildAdd(b, at, jit_const_i64(cg, STOP_EVERY), ""), L->check_a);
  LLVMBuildBr(b, more);
  LLVMPositionBuilderAtEnd(b, more);
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, at, L->end, ""), seg, obj_next);
}

static void object_loop(jit_cg *cg, LLVMBasicBlockRef done) {
  LLVMBuilderRef b = cg->b;
  obj_loop L = {0};
  L.k_a = jit_entry_alloca(cg, cg->t_i64, "k");
  L.i_a = jit_entry_alloca(cg, cg->t_i64, "i");
  L.check_a = jit_entry_alloca(cg, cg->t_i64, "next.check");
  if (cg->session) L.prev_ts = jit_entry_alloca(cg, cg->t_i64, "prev.ts");
  LLVMValueRef n_obj = jit_load_at(cg, cg->t_i64, cg->a_chunk, offsetof(sky_chunk, n_objects), "n.objects");
  LLVMBuildStore(b, jit_const_i64(cg, 0), L.k_a);
  LLVMBuildStore(b, jit_const_i64(cg, 0), L.check_a); /* check before the first event */
  LLVMBasicBlockRef head = jit_block(cg, "object"), first = jit_block(cg, "object.first");
  LLVMBasicBlockRef obj_next = jit_block(cg, "object.next");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, n_obj, jit_const_i64(cg, 0), ""), done, head);

  LLVMPositionBuilderAtEnd(b, head);
  LLVMValueRef k = LLVMBuildLoad2(b, cg->t_i64, L.k_a, "k");
  LLVMValueRef k1 = LLVMBuildAdd(b, k, jit_const_i64(cg, 1), "");
  LLVMValueRef start = load_elem(cg, cg->t_i64, cg->obj_starts, k, "start");
  L.end = load_elem(cg, cg->t_i64, cg->obj_starts, k1, "end");
  cg->obj = load_elem(cg, cg->t_i64, cg->obj_ids, k, "obj");
  if (cg->plan->n_path_fns) jit_pathfn_object(cg, start, L.end);
  if (cg->plan->n_path_fns && jit_pathfn_needs_prepass(cg->plan))
    jit_pathfn_prepass(cg, start, L.end, cg->session ? L.prev_ts : NULL, pre_event, reset_registers);
  if (cg->plan->n_obj_aggs) jit_object_prepass(cg, start, L.end, cg->session ? L.prev_ts : NULL, pre_event, reset_registers);
  reset_registers(cg);
  if (jit_path_plan(cg)) jit_path_begin(cg);
  if (cg->session) LLVMBuildStore(b, jit_const_i64(cg, 0), cg->session);
  LLVMBuildStore(b, start, L.i_a);
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, start, L.end, ""), first, obj_next);

  LLVMPositionBuilderAtEnd(b, first);
  if (cg->session) LLVMBuildStore(b, load_elem(cg, cg->t_i64, cg->ts, start, "ts0"), L.prev_ts);
  object_events(cg, &L, obj_next);

  LLVMPositionBuilderAtEnd(b, obj_next);
  if (jit_path_plan(cg)) jit_path_flush(cg);
  LLVMBuildStore(b, k1, L.k_a);
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, k1, n_obj, ""), head, done);
}

/* ---- the function ------------------------------------------------------------ */

static void build_exits(jit_cg *cg) {
  LLVMBuilderRef b = cg->b;
  LLVMBasicBlockRef at = LLVMGetInsertBlock(b);
  cg->ovf_bb = jit_block(cg, "overflow.exit");
  cg->nomem_bb = jit_block(cg, "nomem.exit");
  cg->stop_bb = jit_block(cg, "stop.exit");
  bool path = jit_path_plan(cg), obj = cg->plan->n_obj_aggs > 0, pf = cg->plan->n_path_fns > 0;
  if (obj) jit_object_state(cg);
  if (pf) jit_pathfn_state(cg);
  if (path) {
    cg->path_w = jit_entry_alloca(cg, cg->t_ptr, "path.w");
    LLVMBuildStore(b, LLVMConstNull(cg->t_ptr), cg->path_w);
  }
  LLVMPositionBuilderAtEnd(b, cg->ovf_bb);
  cg->ovf_phi = LLVMBuildPhi(b, cg->t_i32, "overflow.expr");
  LLVMBuildStore(b, cg->ovf_phi, cg->a_err);
  if (obj) jit_object_release(cg);
  if (path) jit_path_close(cg);
  if (pf) jit_pathfn_close(cg);
  LLVMBuildRet(b, LLVMConstInt(cg->t_i32, SKY_SCAN_OVERFLOW, 0));
  cg->ovf_stored_bb = jit_block(cg, "overflow.stored.exit");
  LLVMPositionBuilderAtEnd(b, cg->ovf_stored_bb);
  if (obj) jit_object_release(cg);
  if (path) jit_path_close(cg);
  if (pf) jit_pathfn_close(cg);
  LLVMBuildRet(b, LLVMConstInt(cg->t_i32, SKY_SCAN_OVERFLOW, 0));
  LLVMPositionBuilderAtEnd(b, cg->nomem_bb);
  if (obj) jit_object_release(cg);
  if (path) jit_path_close(cg);
  if (pf) jit_pathfn_close(cg);
  LLVMBuildRet(b, LLVMConstInt(cg->t_i32, SKY_SCAN_NO_MEMORY, 0));
  LLVMPositionBuilderAtEnd(b, cg->stop_bb);
  if (obj) jit_object_release(cg);
  if (path) jit_path_close(cg);
  if (pf) jit_pathfn_close(cg);
  LLVMBuildRet(b, LLVMConstInt(cg->t_i32, SKY_SCAN_STOPPED, 0));
  LLVMPositionBuilderAtEnd(b, at);
}

static void add_attr(jit_cg *cg, unsigned idx, const char *name) {
  unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
  LLVMAddAttributeAtIndex(cg->fn, idx, LLVMCreateEnumAttribute(cg->ctx, kind, 0));
}

static void create_function(jit_cg *cg, const char *name) {
  cg->t_i1 = LLVMInt1TypeInContext(cg->ctx);
  cg->t_i8 = LLVMInt8TypeInContext(cg->ctx);
  cg->t_i32 = LLVMInt32TypeInContext(cg->ctx);
  cg->t_i64 = LLVMInt64TypeInContext(cg->ctx);
  cg->t_f64 = LLVMDoubleTypeInContext(cg->ctx);
  cg->t_ptr = LLVMPointerTypeInContext(cg->ctx, 0);
  LLVMTypeRef params[4] = {cg->t_ptr, cg->t_ptr, cg->t_ptr, cg->t_ptr};
  cg->fn = LLVMAddFunction(cg->mod, name, LLVMFunctionType(cg->t_i32, params, 4, 0));
  add_attr(cg, LLVMAttributeFunctionIndex, "nounwind");
  for (unsigned k = 1; k <= 4; k++) add_attr(cg, k, "noalias");
  cg->a_rt = LLVMGetParam(cg->fn, 0);
  cg->a_chunk = LLVMGetParam(cg->fn, 1);
  cg->a_g = LLVMGetParam(cg->fn, 2);
  cg->a_err = LLVMGetParam(cg->fn, 3);
  LLVMSetValueName2(cg->a_rt, "rt", 2);
  LLVMSetValueName2(cg->a_chunk, "chunk", 5);
  LLVMSetValueName2(cg->a_g, "groups", 6);
  LLVMSetValueName2(cg->a_err, "err_expr", 8);
  cg->md_prof = LLVMGetMDKindIDInContext(cg->ctx, "prof", 4);
  LLVMMetadataRef w[3] = {LLVMMDStringInContext2(cg->ctx, "branch_weights", 14),
                          LLVMValueAsMetadata(LLVMConstInt(cg->t_i32, 1, 0)),
                          LLVMValueAsMetadata(LLVMConstInt(cg->t_i32, 2000, 0))};
  cg->md_unlikely = LLVMMetadataAsValue(cg->ctx, LLVMMDNodeInContext2(cg->ctx, w, 3));
  cg->entry = jit_block(cg, "entry");
  LLVMPositionBuilderAtEnd(cg->b, cg->entry);
}

/* Arrays of the generator indexed by property, rconst, register, expr id
 * and key: one allocation. */
static void *alloc_tables(jit_cg *cg) {
  const sky_plan *p = cg->plan;
  size_t n =
      2 * (size_t)p->n_props + p->n_rcs + 3 * (size_t)p->n_state + 3 * (size_t)p->n_exprs + p->n_keys + p->n_aggs + 1;
  LLVMValueRef *t = sky_calloc(n, sizeof *t);
  if (!t) return NULL;
  LLVMValueRef *q = t;
  cg->col_values = q, q += p->n_props;
  cg->col_present = q, q += p->n_props;
  cg->rc = q, q += p->n_rcs;
  cg->reg_v = q, q += p->n_state;
  cg->reg_null = q, q += p->n_state;
  cg->reg_set = q, q += p->n_state;
  cg->bucket_lo = q, q += p->n_exprs;
  cg->bucket_hi = q, q += p->n_exprs;
  cg->bucket_val = q, q += p->n_exprs;
  cg->cache_key = q, q += p->n_keys;
  cg->blk_count = q;
  return t;
}

int jit_codegen_scan(jit_cg *cg, const char *name) {
  void *tables = alloc_tables(cg);
  if (!tables) return sky_error_oom(cg->err);
  cg->b = LLVMCreateBuilderInContext(cg->ctx);
  create_function(cg, name);
  shape s = plan_shape(cg);
  if (s.session) cg->session = jit_entry_alloca(cg, cg->t_i64, "session");
  build_exits(cg);
  /* An empty chunk changes nothing and may carry no arrays at all. */
  LLVMPositionBuilderAtEnd(cg->b, cg->entry);
  LLVMValueRef n_events = jit_load_at(cg, cg->t_i64, cg->a_chunk, offsetof(sky_chunk, n_events), "n.events");
  LLVMBasicBlockRef empty = jit_block(cg, "empty"), scan = jit_block(cg, "scan");
  LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, n_events, jit_const_i64(cg, 0), ""), empty, scan);
  LLVMPositionBuilderAtEnd(cg->b, empty);
  LLVMBuildRet(cg->b, LLVMConstInt(cg->t_i32, SKY_SCAN_OK, 0));
  LLVMPositionBuilderAtEnd(cg->b, scan);
  hoist(cg);
  plan_prefetch(cg);
  jit_expr_prepare(cg);
  if (cg->plan->n_obj_aggs) jit_object_prepare(cg);
  if (cg->plan->n_path_fns) jit_pathfn_prepare(cg);
  if (jit_path_plan(cg)) jit_path_prepare(cg);
  else jit_groups_prepare(cg);
  LLVMBasicBlockRef done = jit_block(cg, "done");
  if (cg->plan->as_of)
    jit_as_of_loop(cg, done);
  else if (s.per_object)
    object_loop(cg, done);
  else
    flat_scan(cg, done);
  LLVMPositionBuilderAtEnd(cg->b, done);
  if (jit_path_plan(cg)) {
    jit_path_finish(cg);
    jit_path_close(cg);
  } else {
    jit_groups_finish(cg);
  }
  if (cg->plan->n_path_fns) jit_pathfn_close(cg);
  LLVMBuildRet(cg->b, LLVMConstInt(cg->t_i32, SKY_SCAN_OK, 0));
  if (LLVMCountIncoming(cg->ovf_phi) == 0) LLVMDeleteBasicBlock(cg->ovf_bb);
  LLVMDisposeBuilder(cg->b);
  cg->b = NULL;
  sky_free(tables);
  return cg->failed ? -1 : 0;
}
