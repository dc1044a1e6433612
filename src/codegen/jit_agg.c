/* jit_agg.c — group addressing and aggregate updates of the generated scan,
 * writing exactly the slot words groups.h specifies (so the table compares
 * word for word with the interpreter's).
 *
 * Two addressing modes:
 *  - register mode (no GROUP BY, no COUNT DISTINCT set): the one group's
 *    words live in a local slot (an alloca SROA turns into registers), so
 *    flat loops vectorize; the local slot starts from the table's group if
 *    it exists and is written back once at the end, the group being
 *    created only if some event matched (as the interpreter would).
 *  - table mode: per matching event the key words and NULL mask are
 *    compared with the last group's (a one-entry cache: keys like
 *    state.country or month(ts) rarely change along a path); on a miss the
 *    hash (sky_groups_hash, emitted from hash.h's steps) is probed inline over the
 *    table and only an insertion calls sky_groups_upsert, after which the
 *    table's base and mask are reloaded (inserting may grow it).
 *
 * Updates: the hottest aggregate rows have inline IR here (INLINE_UPDATE,
 * writing exactly what their C definitions in agg_*.c write, which the
 * differential tests check); every other row calls its C update. Inputs that are NULL
 * change nothing; in table mode a nullable input skips the update with a
 * branch (sparse EVENT properties), in register mode selects keep loops
 * branch-free. An aggregate's FILTER (WHERE c) makes its input NULL where
 * c is not TRUE (update_agg). FLOAT sums add in path order: never
 * reassociated.
 */
#include <stddef.h>

#include "codegen/groups.h"
#include "codegen/jit_internal.h"

/* ---- slot words ------------------------------------------------------------ */

static LLVMValueRef ldw(jit_cg *cg, LLVMValueRef w, uint32_t k) {
  return LLVMBuildLoad2(cg->b, cg->t_i64, jit_slot_word_ptr(cg, w, k), "");
}

static void stw(jit_cg *cg, LLVMValueRef w, uint32_t k, LLVMValueRef v) {
  LLVMBuildStore(cg->b, v, jit_slot_word_ptr(cg, w, k));
}

static LLVMValueRef zext64(jit_cg *cg, LLVMValueRef i1) { return LLVMBuildZExt(cg->b, i1, cg->t_i64, ""); }

static void add_to(jit_cg *cg, LLVMValueRef w, uint32_t k, LLVMValueRef inc) {
  stw(cg, w, k, LLVMBuildAdd(cg->b, ldw(cg, w, k), inc, ""));
}

/* ---- aggregate updates ----------------------------------------------------- */

typedef void (*agg_fn)(jit_cg *cg, const sky_agg *a, LLVMValueRef w, jit_val x);

static LLVMValueRef valid_of(jit_cg *cg, jit_val x) { return LLVMBuildNot(cg->b, x.null, "valid"); }

/* Adds the i1 `inc` to a count: the block counter when there is one. */
static void count_up(jit_cg *cg, const sky_agg *a, LLVMValueRef w, LLVMValueRef inc) {
  LLVMValueRef blk = cg->blk_count ? cg->blk_count[a - cg->plan->aggs] : NULL;
  if (!blk) {
    add_to(cg, w, 0, zext64(cg, inc));
    return;
  }
  LLVMValueRef n = LLVMBuildLoad2(cg->b, cg->t_i32, blk, "");
  LLVMBuildStore(cg->b, LLVMBuildAdd(cg->b, n, LLVMBuildZExt(cg->b, inc, cg->t_i32, ""), ""), blk);
}

static void upd_count_all(jit_cg *cg, const sky_agg *a, LLVMValueRef w, jit_val x) {
  count_up(cg, a, w, jit_const_i1(cg, true));
}

static void upd_count(jit_cg *cg, const sky_agg *a, LLVMValueRef w, jit_val x) { count_up(cg, a, w, valid_of(cg, x)); }

static void upd_distinct(jit_cg *cg, const sky_agg *a, LLVMValueRef w, jit_val x) {
  LLVMBasicBlockRef add = jit_block(cg, "distinct.add"), done = jit_block(cg, "distinct.done");
  LLVMBuildCondBr(cg->b, x.null, done, add);
  LLVMPositionBuilderAtEnd(cg->b, add);
  LLVMValueRef args[3] = {jit_slot_word_ptr(cg, w, 0), jit_word(cg, x, a->arg->type, true), cg->budget};
  LLVMValueRef rc = jit_call(cg, JIT_H_DISTINCT_ADD, args, 3, "");
  jit_br_unlikely(cg, LLVMBuildICmp(cg->b, LLVMIntNE, rc, LLVMConstInt(cg->t_i32, 0, 0), ""), cg->nomem_bb, done);
  LLVMPositionBuilderAtEnd(cg->b, done);
}

/* OBJECTS [n, last_obj], SESSIONS [n, last_obj, last_session]: counts when
 * the (object[, session]) differs from the last one counted here. In table
 * mode that is rare along a path, so a branch skips the stores. */
static void upd_objects(jit_cg *cg, const sky_agg *a, LLVMValueRef w, jit_val x) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef ne = LLVMBuildICmp(b, LLVMIntNE, cg->obj, ldw(cg, w, 1), "");
  LLVMValueRef s = NULL;
  if (a->kind == SKY_AGG_SESSIONS) {
    s = LLVMBuildLoad2(b, cg->t_i64, cg->session, "");
    ne = LLVMBuildOr(b, ne, LLVMBuildICmp(b, LLVMIntNE, s, ldw(cg, w, 2), ""), "");
  }
  LLVMBasicBlockRef done = NULL;
  if (!cg->reg_mode) {
    LLVMBasicBlockRef count = jit_block(cg, "count.new");
    done = jit_block(cg, "count.done");
    jit_br_unlikely(cg, ne, count, done);
    LLVMPositionBuilderAtEnd(b, count);
  }
  if (s) stw(cg, w, 2, s);
  add_to(cg, w, 0, zext64(cg, ne));
  stw(cg, w, 1, cg->obj);
  if (done) {
    LLVMBuildBr(b, done);
    LLVMPositionBuilderAtEnd(b, done);
  }
}

/* SUM/AVG of INT [lo, hi, n]: 128-bit two's complement, never overflows
 * within a scan; of FLOAT [sum, n], in path order. */
static void upd_sum(jit_cg *cg, const sky_agg *a, LLVMValueRef w, jit_val x) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef valid = valid_of(cg, x);
  if (a->arg->type == SKY_VT_FLOAT) {
    LLVMValueRef s = LLVMBuildBitCast(b, ldw(cg, w, 0), cg->t_f64, "sum");
    s = LLVMBuildSelect(b, valid, LLVMBuildFAdd(b, s, x.v, ""), s, "");
    stw(cg, w, 0, LLVMBuildBitCast(b, s, cg->t_i64, ""));
    add_to(cg, w, 1, zext64(cg, valid));
    return;
  }
  LLVMValueRef v = LLVMBuildSelect(b, valid, jit_word(cg, x, a->arg->type, false), jit_const_i64(cg, 0), "");
  LLVMValueRef lo = ldw(cg, w, 0);
  LLVMValueRef lo2 = LLVMBuildAdd(b, lo, v, "");
  LLVMValueRef carry = zext64(cg, LLVMBuildICmp(b, LLVMIntULT, lo2, lo, ""));
  LLVMValueRef sign = LLVMBuildAShr(b, v, jit_const_i64(cg, 63), "");
  stw(cg, w, 0, lo2);
  stw(cg, w, 1, LLVMBuildAdd(b, LLVMBuildAdd(b, ldw(cg, w, 1), sign, ""), carry, ""));
  add_to(cg, w, 2, zext64(cg, valid));
}

/* x < cur (MIN) or x > cur (MAX) for the aggregate's argument type; cur
 * is a word, 0 when no input was seen yet (`first`). */
static LLVMValueRef better(jit_cg *cg, const sky_agg *a, jit_val x, LLVMValueRef cur, LLVMValueRef valid,
                           LLVMValueRef first) {
  LLVMBuilderRef b = cg->b;
  bool min = a->kind == SKY_AGG_MIN;
  sky_vtype t = a->arg->type;
  if (t == SKY_VT_FLOAT)
    return LLVMBuildFCmp(b, min ? LLVMRealOLT : LLVMRealOGT, x.v, LLVMBuildBitCast(b, cur, cg->t_f64, ""), "");
  LLVMValueRef xw = jit_word(cg, x, t, false);
  if (t == SKY_VT_STRING && a->rank_rc >= 0) {
    LLVMValueRef table = LLVMBuildIntToPtr(b, cg->rc[a->rank_rc], cg->t_ptr, "ranks");
    LLVMValueRef xi = LLVMBuildSelect(b, valid, xw, jit_const_i64(cg, 0), "");
    LLVMValueRef rx = LLVMBuildLoad2(b, cg->t_i32, LLVMBuildGEP2(b, cg->t_i32, table, &xi, 1, ""), "");
    LLVMValueRef rc = LLVMBuildLoad2(b, cg->t_i32, LLVMBuildGEP2(b, cg->t_i32, table, &cur, 1, ""), "");
    return LLVMBuildICmp(b, min ? LLVMIntULT : LLVMIntUGT, rx, rc, "");
  }
  if (t == SKY_VT_STRING && !sky_dom_is_bucket(a->dom)) {
    /* Other strings compare by bytes through the helper, only when needed. */
    LLVMBasicBlockRef from = LLVMGetInsertBlock(b);
    LLVMBasicBlockRef call = jit_block(cg, "minmax.cmp"), join = jit_block(cg, "minmax.cmp.done");
    LLVMBuildCondBr(b, LLVMBuildAnd(b, valid, LLVMBuildNot(b, first, ""), ""), call, join);
    LLVMPositionBuilderAtEnd(b, call);
    LLVMValueRef dom = LLVMConstInt(cg->t_i32, a->dom, 0);
    LLVMValueRef args[5] = {cg->a_rt, dom, xw, dom, cur};
    LLVMValueRef c = jit_call(cg, JIT_H_STR_CMP, args, 5, "");
    LLVMValueRef r = LLVMBuildICmp(b, min ? LLVMIntSLT : LLVMIntSGT, c, jit_const_i64(cg, 0), "");
    LLVMBuildBr(b, join);
    LLVMPositionBuilderAtEnd(b, join);
    LLVMValueRef phi = LLVMBuildPhi(b, cg->t_i1, "");
    LLVMValueRef no = jit_const_i1(cg, false);
    LLVMAddIncoming(phi, &no, &from, 1);
    LLVMAddIncoming(phi, &r, &call, 1);
    return phi;
  }
  bool is_unsigned = t == SKY_VT_BOOL || t == SKY_VT_OBJECT;
  LLVMIntPredicate p = min ? (is_unsigned ? LLVMIntULT : LLVMIntSLT) : (is_unsigned ? LLVMIntUGT : LLVMIntSGT);
  return LLVMBuildICmp(b, p, xw, cur, "");
}

/* MIN/MAX [value, n]: NULL and NaN inputs are ignored. */
static void upd_minmax(jit_cg *cg, const sky_agg *a, LLVMValueRef w, jit_val x) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef valid = valid_of(cg, x);
  if (a->arg->type == SKY_VT_FLOAT) valid = LLVMBuildAnd(b, valid, LLVMBuildFCmp(b, LLVMRealORD, x.v, x.v, ""), "");
  LLVMValueRef cur = ldw(cg, w, 0), n = ldw(cg, w, 1);
  LLVMValueRef first = LLVMBuildICmp(b, LLVMIntEQ, n, jit_const_i64(cg, 0), "");
  LLVMValueRef take = LLVMBuildAnd(b, valid, LLVMBuildOr(b, first, better(cg, a, x, cur, valid, first), ""), "");
  stw(cg, w, 0, LLVMBuildSelect(b, take, jit_word(cg, x, a->arg->type, true), cur, ""));
  stw(cg, w, 1, LLVMBuildAdd(b, n, zext64(cg, valid), ""));
}

/* The C definition of aggregate `a`'s update (aggs.h), called per event:
 * rows without an inline form here, and the reference for those with one. */
static void upd_call(jit_cg *cg, const sky_agg *a, LLVMValueRef w, jit_val x) {
  LLVMBuilderRef b = cg->b;
  uint32_t index = (uint32_t)(a - cg->plan->aggs);
  LLVMValueRef word = a->arg ? jit_word(cg, x, a->arg->type, false) : jit_const_i64(cg, 0);
  LLVMValueRef null = LLVMBuildZExt(b, x.null, cg->t_i32, "");
  LLVMValueRef obj = cg->obj ? cg->obj : jit_const_i64(cg, 0);
  LLVMValueRef session = cg->session ? LLVMBuildLoad2(b, cg->t_i64, cg->session, "") : jit_const_i64(cg, 0);
  LLVMValueRef args[8] = {cg->a_rt, LLVMConstInt(cg->t_i32, index, 0), w, word, null, cg->budget, obj, session};
  LLVMValueRef rc = jit_call(cg, JIT_H_AGG_UPDATE, args, 8, "");
  LLVMBasicBlockRef done = jit_block(cg, "agg.called");
  jit_br_unlikely(cg, LLVMBuildICmp(b, LLVMIntNE, rc, LLVMConstInt(cg->t_i32, 0, 0), ""), cg->nomem_bb, done);
  LLVMPositionBuilderAtEnd(b, done);
}

/* Inline IR for the rows on the hot path; every other row calls its C
 * update (upd_call). */
static const agg_fn INLINE_UPDATE[SKY_AGG_COUNT_] = {
    [SKY_AGG_COUNT_ALL] = upd_count_all, [SKY_AGG_COUNT] = upd_count, [SKY_AGG_COUNT_DISTINCT] = upd_distinct,
    [SKY_AGG_OBJECTS] = upd_objects,     [SKY_AGG_SESSIONS] = upd_objects, [SKY_AGG_SUM] = upd_sum,
    [SKY_AGG_AVG] = upd_sum,             [SKY_AGG_MIN] = upd_minmax,   [SKY_AGG_MAX] = upd_minmax,
};

static agg_fn update_of(const sky_agg *a) { return INLINE_UPDATE[a->kind] ? INLINE_UPDATE[a->kind] : upd_call; }

/* Updates aggregate `a` of `slot` with its argument's value `x`, where
 * `on` (i1; NULL when the aggregate has no FILTER) holds. An aggregate
 * with an argument ignores a NULL input (aggs.h), so its filter folds into
 * the NULL flag and register mode stays branch-free; count() adds `on`;
 * the other argless rows (objects, sessions) are skipped with a branch. */
static void update_agg(jit_cg *cg, const sky_agg *a, LLVMValueRef slot, jit_val x, LLVMValueRef on) {
  LLVMValueRef w = jit_slot_word_ptr(cg, slot, a->word);
  agg_fn update = update_of(a);
  if (on && a->arg) {
    x = jv(x.v, LLVMBuildOr(cg->b, x.null, LLVMBuildNot(cg->b, on, ""), "filtered.null"));
  } else if (on && a->kind == SKY_AGG_COUNT_ALL) {
    count_up(cg, a, w, on);
    return;
  } else if (on) {
    LLVMBasicBlockRef upd = jit_block(cg, "agg.filtered"), done = jit_block(cg, "agg.filtered.done");
    LLVMBuildCondBr(cg->b, on, upd, done);
    LLVMPositionBuilderAtEnd(cg->b, upd);
    update(cg, a, w, x);
    LLVMBuildBr(cg->b, done);
    LLVMPositionBuilderAtEnd(cg->b, done);
    return;
  }
  bool skip_null = a->arg && !cg->reg_mode && !LLVMIsConstant(x.null) && a->kind != SKY_AGG_COUNT_DISTINCT;
  if (!skip_null) {
    update(cg, a, w, x);
    return;
  }
  LLVMBasicBlockRef upd = jit_block(cg, "agg.update"), done = jit_block(cg, "agg.done");
  LLVMBuildCondBr(cg->b, x.null, done, upd);
  LLVMPositionBuilderAtEnd(cg->b, upd);
  x.null = jit_const_i1(cg, false);
  update(cg, a, w, x);
  LLVMBuildBr(cg->b, done);
  LLVMPositionBuilderAtEnd(cg->b, done);
}

/* ---- keys, hash, probe ----------------------------------------------------- */

/* hash.h's mix, emitted from its steps. */
static LLVMValueRef hash_u64(jit_cg *cg, LLVMValueRef x) {
  LLVMBuilderRef b = cg->b;
  for (int i = 0; i < SKY_HASH_MIX_STEPS; i++) {
    const sky_hash_step s = sky_hash_mix_steps[i];
    x = s.mul ? LLVMBuildMul(b, x, jit_const_i64(cg, s.k), "")
              : LLVMBuildXor(b, x, LLVMBuildLShr(b, x, jit_const_i64(cg, s.k), ""), "");
  }
  return x;
}

/* sky_groups_tag(sky_groups_hash(keys, n, mask)), from the same seed,
 * combine and mix as groups.h and hash.h. */
static LLVMValueRef key_tag(jit_cg *cg, LLVMValueRef *keys, uint32_t n, LLVMValueRef mask) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef h = hash_u64(cg, LLVMBuildXor(b, mask, jit_const_i64(cg, SKY_GROUPS_HASH_SEED), ""));
  for (uint32_t j = 0; j < n; j++) {
    LLVMValueRef v = LLVMBuildAdd(b, keys[j], jit_const_i64(cg, SKY_HASH_COMBINE_ADD), "");
    v = LLVMBuildAdd(b, v, LLVMBuildShl(b, h, jit_const_i64(cg, SKY_HASH_COMBINE_SHL), ""), "");
    v = LLVMBuildAdd(b, v, LLVMBuildLShr(b, h, jit_const_i64(cg, SKY_HASH_COMBINE_SHR), ""), "");
    h = hash_u64(cg, LLVMBuildXor(b, h, v, ""));
  }
  return LLVMBuildOr(b, h, jit_const_i64(cg, UINT64_C(1) << 63), "tag");
}

/* i1: the slot at `slot` holds exactly these keys and mask (tag given). */
static LLVMValueRef slot_matches(jit_cg *cg, LLVMValueRef slot, LLVMValueRef *keys, uint32_t n, LLVMValueRef mask) {
  LLVMValueRef eq = LLVMBuildICmp(cg->b, LLVMIntEQ, ldw(cg, slot, n + 1), mask, "");
  for (uint32_t j = 0; j < n; j++)
    eq = LLVMBuildAnd(cg->b, eq, LLVMBuildICmp(cg->b, LLVMIntEQ, ldw(cg, slot, 1 + j), keys[j], ""), "");
  return eq;
}

/* Finds or inserts the group; returns its slot pointer (in a new block). */
static LLVMValueRef probe(jit_cg *cg, LLVMValueRef *keys, uint32_t n, LLVMValueRef mask) {
  LLVMBuilderRef b = cg->b;
  LLVMValueRef tag = key_tag(cg, keys, n, mask);
  LLVMValueRef slots = LLVMBuildLoad2(b, cg->t_ptr, cg->slots_a, "slots");
  LLVMValueRef cap_mask = LLVMBuildLoad2(b, cg->t_i64, cg->mask_a, "cap.mask");
  LLVMValueRef stride = jit_const_i64(cg, (uint64_t)cg->plan->slot_words * 8);
  LLVMBasicBlockRef from = LLVMGetInsertBlock(b);
  LLVMBasicBlockRef loop = jit_block(cg, "probe"), cmp = jit_block(cg, "probe.tag"), next = jit_block(cg, "probe.next");
  LLVMBasicBlockRef empty = jit_block(cg, "probe.empty"), insert = jit_block(cg, "insert");
  LLVMBasicBlockRef found = jit_block(cg, "probe.found");
  LLVMValueRef idx0 = LLVMBuildAnd(b, tag, cap_mask, "");
  LLVMBuildBr(b, loop);

  LLVMPositionBuilderAtEnd(b, loop);
  LLVMValueRef idx = LLVMBuildPhi(b, cg->t_i64, "idx");
  LLVMValueRef slot = jit_gep8(cg, slots, LLVMBuildMul(b, idx, stride, ""), "slot");
  LLVMValueRef t = ldw(cg, slot, 0);
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, t, tag, ""), cmp, empty);
  LLVMPositionBuilderAtEnd(b, cmp);
  LLVMBuildCondBr(b, slot_matches(cg, slot, keys, n, mask), found, next);
  LLVMPositionBuilderAtEnd(b, empty);
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, t, jit_const_i64(cg, 0), ""), insert, next);
  LLVMPositionBuilderAtEnd(b, next);
  LLVMValueRef idx1 = LLVMBuildAnd(b, LLVMBuildAdd(b, idx, jit_const_i64(cg, 1), ""), cap_mask, "");
  LLVMBuildBr(b, loop);
  LLVMAddIncoming(idx, &idx0, &from, 1);
  LLVMAddIncoming(idx, &idx1, &next, 1);

  /* New group: sky_groups_upsert inserts (growing the table if due). */
  LLVMPositionBuilderAtEnd(b, insert);
  for (uint32_t j = 0; j < n; j++)
    LLVMBuildStore(b, keys[j], jit_gep8(cg, cg->keys_tmp, jit_const_i64(cg, 8 * (uint64_t)j), ""));
  LLVMValueRef args[3] = {cg->a_g, cg->keys_tmp, mask};
  LLVMValueRef ins = jit_call(cg, JIT_H_UPSERT, args, 3, "new.slot");
  LLVMBasicBlockRef inserted = jit_block(cg, "inserted");
  jit_br_unlikely(cg, LLVMBuildIsNull(b, ins, ""), cg->nomem_bb, inserted);
  LLVMPositionBuilderAtEnd(b, inserted);
  LLVMBuildStore(b, jit_load_at(cg, cg->t_ptr, cg->a_g, offsetof(sky_groups, slots), "slots"), cg->slots_a);
  LLVMValueRef cap = jit_load_at(cg, cg->t_i64, cg->a_g, offsetof(sky_groups, capacity), "cap");
  LLVMBuildStore(b, LLVMBuildSub(b, cap, jit_const_i64(cg, 1), ""), cg->mask_a);
  LLVMBuildBr(b, found);

  LLVMPositionBuilderAtEnd(b, found);
  LLVMValueRef res = LLVMBuildPhi(b, cg->t_ptr, "group");
  LLVMAddIncoming(res, &slot, &cmp, 1);
  LLVMAddIncoming(res, &ins, &inserted, 1);
  return res;
}

enum { MAX_KEYS = SKY_PLAN_MAX_KEYS }; /* the NULL mask has a bit per key */

/* One event's group key: the words and NULL mask of groups.h, and what the
 * last-group cache compares: per key the raw word (before NULL is made 0)
 * when the NULL flag follows from it or is never set, else the word, plus
 * the mask when some key's NULL flag does not follow from its word. */
typedef struct key_set {
  LLVMValueRef words[MAX_KEYS], raw[MAX_KEYS], null[MAX_KEYS], mask;
  bool covered[MAX_KEYS]; /* raw word decides the NULL flag */
  bool need_mask;
  int host; /* a covered dictionary key: its raw word is 32-bit */
} key_set;

/* Evaluates the keys: raw words and NULL flags (the words and mask proper
 * are made by key_finish, where they are needed). */
static bool key_words(jit_cg *cg, key_set *k) {
  const sky_plan *p = cg->plan;
  if (p->n_keys > MAX_KEYS) return jit_fail(cg, "more than %d group keys", MAX_KEYS), false;
  k->need_mask = false;
  k->host = -1;
  for (uint32_t j = 0; j < p->n_keys; j++) {
    const sky_expr *e = p->keys[j];
    jit_val v = jit_expr(cg, e, jit_const_i1(cg, true));
    bool never_null = LLVMIsConstant(v.null) && LLVMConstIntGetZExtValue(v.null) == 0;
    k->raw[j] = jit_word(cg, v, e->type, true);
    k->null[j] = v.null;
    k->covered[j] = never_null || v.null_of_v;
    k->need_mask |= !k->covered[j];
    if (k->host < 0 && v.null_of_v && e->type == SKY_VT_STRING && e->dom < SKY_DOM_LITERAL) k->host = (int)j;
  }
  return true;
}

/* Words (NULL keys 0) and the NULL mask, at the builder's position. */
static void key_finish(jit_cg *cg, key_set *k, bool words) {
  LLVMBuilderRef b = cg->b;
  k->mask = jit_const_i64(cg, 0);
  for (uint32_t j = 0; j < cg->plan->n_keys; j++) {
    if (words) k->words[j] = LLVMBuildSelect(b, k->null[j], jit_const_i64(cg, 0), k->raw[j], "key");
    k->mask = LLVMBuildOr(b, k->mask, LLVMBuildShl(b, zext64(cg, k->null[j]), jit_const_i64(cg, j), ""), "");
  }
}

/* The value the cache keeps for key j: the raw word when it decides the
 * NULL flag, else the word (NULL as 0, the mask telling). */
static LLVMValueRef cached_form(jit_cg *cg, const key_set *k, uint32_t j) {
  if (k->covered[j]) return k->raw[j];
  return LLVMBuildSelect(cg->b, k->null[j], jit_const_i64(cg, 0), k->raw[j], "");
}

/* The last-group cache, then the probe. The cache starts impossible: mask
 * ~0 (at most 63 keys), every key UINT64_MAX (never a dictionary code);
 * without a mask compare nor a dictionary key, a null slot pointer tells.
 * One OR of XORs compares everything at once. */
static LLVMValueRef find_group(jit_cg *cg, key_set *k) {
  LLVMBuilderRef b = cg->b;
  uint32_t n = cg->plan->n_keys;
  LLVMValueRef cached = LLVMBuildLoad2(b, cg->t_ptr, cg->cache_slot, "last.group");
  LLVMValueRef diff = jit_const_i64(cg, 0);
  if (k->need_mask) {
    key_finish(cg, k, false);
    diff = LLVMBuildXor(b, LLVMBuildLoad2(b, cg->t_i64, cg->cache_mask, ""), k->mask, "");
  } else if (k->host < 0)
    diff = LLVMBuildZExt(b, LLVMBuildIsNull(b, cached, ""), cg->t_i64, "");
  for (uint32_t j = 0; j < n; j++) {
    LLVMValueRef c = LLVMBuildLoad2(b, cg->t_i64, cg->cache_key[j], "");
    diff = LLVMBuildOr(b, diff, LLVMBuildXor(b, c, cached_form(cg, k, j), ""), "");
  }
  LLVMValueRef hit = LLVMBuildICmp(b, LLVMIntEQ, diff, jit_const_i64(cg, 0), "same.group");
  LLVMBasicBlockRef from = LLVMGetInsertBlock(b);
  LLVMBasicBlockRef miss = jit_block(cg, "group.miss"), join = jit_block(cg, "group");
  jit_br_unlikely(cg, LLVMBuildNot(b, hit, ""), miss, join);
  LLVMPositionBuilderAtEnd(b, miss);
  key_finish(cg, k, true);
  LLVMValueRef slot = probe(cg, k->words, n, k->mask);
  LLVMBuildStore(b, slot, cg->cache_slot);
  LLVMBuildStore(b, k->mask, cg->cache_mask);
  for (uint32_t j = 0; j < n; j++) LLVMBuildStore(b, cached_form(cg, k, j), cg->cache_key[j]);
  LLVMBasicBlockRef miss_end = LLVMGetInsertBlock(b);
  LLVMBuildBr(b, join);
  LLVMPositionBuilderAtEnd(b, join);
  LLVMValueRef res = LLVMBuildPhi(b, cg->t_ptr, "slot");
  LLVMAddIncoming(res, &cached, &from, 1);
  LLVMAddIncoming(res, &slot, &miss_end, 1);
  return res;
}

/* The interpreter's order: keys, then per aggregate its FILTER and its
 * argument (computed branch-free, but raising an overflow only where the
 * filter is TRUE), then the group (upsert), then the updates; an overflow
 * therefore wins over a refused insertion. */
void jit_groups_event(jit_cg *cg) {
  const sky_plan *p = cg->plan;
  enum { MAX_AGGS = SKY_PLAN_MAX_AGGS };
  if (p->n_aggs > MAX_AGGS) {
    jit_fail(cg, "more than %d aggregates", MAX_AGGS);
    return;
  }
  key_set keys;
  if (!cg->reg_mode && !key_words(cg, &keys)) return;
  jit_val args[MAX_AGGS];
  LLVMValueRef on[MAX_AGGS];
  for (uint32_t a = 0; a < p->n_aggs; a++) {
    const sky_agg *g = &p->aggs[a];
    on[a] = g->filter ? jit_truth(cg, jit_expr(cg, g->filter, jit_const_i1(cg, true))) : NULL;
    args[a] = jv(NULL, jit_const_i1(cg, true));
    if (g->arg) args[a] = jit_expr(cg, g->arg, on[a] ? on[a] : jit_const_i1(cg, true));
  }
  LLVMValueRef slot;
  if (cg->reg_mode) {
    slot = cg->local;
    if (cg->blk_match) {
      LLVMValueRef n = LLVMBuildLoad2(cg->b, cg->t_i32, cg->blk_match, "");
      LLVMBuildStore(cg->b, LLVMBuildAdd(cg->b, n, LLVMConstInt(cg->t_i32, 1, 0), ""), cg->blk_match);
    } else if (cg->n_match) {
      LLVMValueRef n = LLVMBuildLoad2(cg->b, cg->t_i64, cg->n_match, "");
      LLVMBuildStore(cg->b, LLVMBuildAdd(cg->b, n, jit_const_i64(cg, 1), ""), cg->n_match);
    }
  } else {
    slot = find_group(cg, &keys);
  }
  for (uint32_t a = 0; a < p->n_aggs; a++) update_agg(cg, &p->aggs[a], slot, args[a], on[a]);
}

/* ---- setup and write-back -------------------------------------------------- */

/* An unfiltered count(): its word tells whether any event matched. */
static int count_all_agg(const sky_plan *p) {
  for (uint32_t a = 0; a < p->n_aggs; a++)
    if (p->aggs[a].kind == SKY_AGG_COUNT_ALL && !p->aggs[a].filter) return (int)a;
  return -1;
}

void jit_block_counters_create(jit_cg *cg) {
  const sky_plan *p = cg->plan;
  if (!cg->reg_mode) return;
  for (uint32_t a = 0; a < p->n_aggs; a++) {
    if (p->aggs[a].kind != SKY_AGG_COUNT_ALL && p->aggs[a].kind != SKY_AGG_COUNT) continue;
    cg->blk_count[a] = jit_entry_alloca(cg, cg->t_i32, "block.count");
  }
  if (cg->n_match) cg->blk_match = jit_entry_alloca(cg, cg->t_i32, "block.match");
}

void jit_block_counters_reset(jit_cg *cg) {
  for (uint32_t a = 0; cg->reg_mode && a < cg->plan->n_aggs; a++)
    if (cg->blk_count[a]) LLVMBuildStore(cg->b, LLVMConstInt(cg->t_i32, 0, 0), cg->blk_count[a]);
  if (cg->blk_match) LLVMBuildStore(cg->b, LLVMConstInt(cg->t_i32, 0, 0), cg->blk_match);
}

void jit_block_counters_flush(jit_cg *cg) {
  LLVMBuilderRef b = cg->b;
  for (uint32_t a = 0; cg->reg_mode && a < cg->plan->n_aggs; a++) {
    if (!cg->blk_count[a]) continue;
    LLVMValueRef n = LLVMBuildZExt(b, LLVMBuildLoad2(b, cg->t_i32, cg->blk_count[a], ""), cg->t_i64, "");
    add_to(cg, cg->local, cg->plan->aggs[a].word, n);
  }
  if (cg->blk_match) {
    LLVMValueRef n = LLVMBuildZExt(b, LLVMBuildLoad2(b, cg->t_i32, cg->blk_match, ""), cg->t_i64, "");
    LLVMBuildStore(b, LLVMBuildAdd(b, LLVMBuildLoad2(b, cg->t_i64, cg->n_match, ""), n, ""), cg->n_match);
  }
}

/* The no-key group's slot in the table (found or inserted). */
static LLVMValueRef upsert_no_key(jit_cg *cg, const char *name) {
  LLVMValueRef args[3] = {cg->a_g, cg->keys_tmp, jit_const_i64(cg, 0)};
  LLVMValueRef slot = jit_call(cg, JIT_H_UPSERT, args, 3, name);
  LLVMBasicBlockRef ok = jit_block(cg, "upsert.ok");
  jit_br_unlikely(cg, LLVMBuildIsNull(cg->b, slot, ""), cg->nomem_bb, ok);
  LLVMPositionBuilderAtEnd(cg->b, ok);
  return slot;
}

static void copy_agg_words(jit_cg *cg, LLVMValueRef dst, LLVMValueRef src) {
  for (uint32_t k = cg->plan->n_keys + 2; k < cg->plan->slot_words; k++) stw(cg, dst, k, ldw(cg, src, k));
}

void jit_groups_prepare(jit_cg *cg) {
  LLVMBuilderRef b = cg->b;
  const sky_plan *p = cg->plan;
  uint32_t nk = p->n_keys ? p->n_keys : 1;
  cg->keys_tmp = jit_entry_alloca(cg, LLVMArrayType(cg->t_i64, nk), "keys.tmp");
  if (cg->reg_mode) {
    cg->local = jit_entry_alloca(cg, LLVMArrayType(cg->t_i64, p->slot_words), "local.slot");
    for (uint32_t k = 0; k < p->slot_words; k++) stw(cg, cg->local, k, jit_const_i64(cg, 0));
    if (count_all_agg(p) < 0) {
      cg->n_match = jit_entry_alloca(cg, cg->t_i64, "n.match");
      LLVMBuildStore(b, jit_const_i64(cg, 0), cg->n_match);
    }
    LLVMValueRef count = jit_load_at(cg, cg->t_i64, cg->a_g, offsetof(sky_groups, count), "groups");
    cg->existed = LLVMBuildICmp(b, LLVMIntNE, count, jit_const_i64(cg, 0), "existed");
    LLVMBasicBlockRef load = jit_block(cg, "local.load"), go = jit_block(cg, "local.ready");
    jit_br_unlikely(cg, cg->existed, load, go);
    LLVMPositionBuilderAtEnd(b, load);
    copy_agg_words(cg, cg->local, upsert_no_key(cg, "group"));
    LLVMBuildBr(b, go);
    LLVMPositionBuilderAtEnd(b, go);
    return;
  }
  cg->slots_a = jit_entry_alloca(cg, cg->t_ptr, "slots");
  cg->mask_a = jit_entry_alloca(cg, cg->t_i64, "cap.mask");
  cg->cache_slot = jit_entry_alloca(cg, cg->t_ptr, "last.slot");
  cg->cache_mask = jit_entry_alloca(cg, cg->t_i64, "last.mask");
  LLVMBuildStore(b, jit_load_at(cg, cg->t_ptr, cg->a_g, offsetof(sky_groups, slots), "slots"), cg->slots_a);
  LLVMValueRef cap = jit_load_at(cg, cg->t_i64, cg->a_g, offsetof(sky_groups, capacity), "cap");
  LLVMBuildStore(b, LLVMBuildSub(b, cap, jit_const_i64(cg, 1), ""), cg->mask_a);
  LLVMBuildStore(b, LLVMConstNull(cg->t_ptr), cg->cache_slot);
  LLVMBuildStore(b, jit_const_i64(cg, UINT64_MAX), cg->cache_mask);
  for (uint32_t j = 0; j < p->n_keys; j++) {
    cg->cache_key[j] = jit_entry_alloca(cg, cg->t_i64, "last.key");
    LLVMBuildStore(b, jit_const_i64(cg, UINT64_MAX), cg->cache_key[j]); /* see find_group */
  }
}

/* Register mode: the group exists at the end if it existed at the start
 * or some event matched (a count() word, from 0, tells as well). */
void jit_groups_finish(jit_cg *cg) {
  if (!cg->reg_mode) return;
  LLVMBuilderRef b = cg->b;
  int ca = count_all_agg(cg->plan);
  LLVMValueRef n = ca < 0 ? LLVMBuildLoad2(b, cg->t_i64, cg->n_match, "") : ldw(cg, cg->local, cg->plan->aggs[ca].word);
  LLVMValueRef any = LLVMBuildOr(b, cg->existed, LLVMBuildICmp(b, LLVMIntNE, n, jit_const_i64(cg, 0), ""), "");
  LLVMBasicBlockRef store = jit_block(cg, "local.store"), done = jit_block(cg, "local.stored");
  LLVMBuildCondBr(b, any, store, done);
  LLVMPositionBuilderAtEnd(b, store);
  copy_agg_words(cg, upsert_no_key(cg, "group"), cg->local);
  LLVMBuildBr(b, done);
  LLVMPositionBuilderAtEnd(b, done);
}
