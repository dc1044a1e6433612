/* bind_cmp.c — comparisons, IN and LIKE: where literals take their meaning
 * from what they are compared with.
 *
 * A literal next to a bound operand is bound as that operand's counterpart:
 *  - an integer against `object` is an OBJECT constant (up to 2^64-1); a
 *    negative one makes the comparison a constant, since object ids are
 *    never negative (nor NULL);
 *  - a string against a timestamp-valued INT is an ISO-8601 instant;
 *  - a string against day()/week() or month() that spells a bucket
 *    canonically is a constant of that bucket's domain;
 *  - a string against a dictionary string is a runtime constant: its code
 *    (= and !=) or its rank (ordering, through RANK on the other side).
 * Every other pair of strings is compared by bytes: STR_CMP(a, b) op 0.
 * IN follows the = rules item by item: all literals against a dictionary
 * string make one DICT_MATCH set lookup; more than SKY_IN_SET_MIN_ITEMS
 * constant items of the operand's type make one IN_SET membership test
 * (plan_set.c); items that cannot share the operand's domain turn the IN
 * into a balanced OR of comparisons, which has exactly SQL's NULL
 * semantics.
 */
#include <string.h>

#include "common/error.h"
#include "common/timeutil.h"
#include "parser/bind.h"

static bool is_ordering(sky_op op) { return op == SKY_OP_LT || op == SKY_OP_LE || op == SKY_OP_GT || op == SKY_OP_GE; }

static sky_expr *cmp_node(bind_ctx *b, sky_op op, sky_expr *l, sky_expr *r, const ast_expr *node) {
  return bx_binary(b, op, SKY_VT_BOOL, SKY_DOM_NONE, l, r, node);
}

static sky_expr *rconst(bind_ctx *b, const sky_rc *rc, sky_vtype type, uint32_t dom, const ast_expr *src) {
  int64_t idx = bind_rc(b, rc);
  sky_expr *e = idx < 0 ? NULL : bx_new(b, SKY_OP_RCONST, type, dom, src);
  if (e) e->index = (uint32_t)idx;
  return e;
}

/* RANK(e) through the order table of e's dictionary. */
static sky_expr *ranked(bind_ctx *b, sky_expr *e) {
  int64_t idx = bind_rc(b, &(sky_rc){.kind = SKY_RC_RANKS, .dict = e->dom});
  return idx < 0 ? NULL : bx_wrap(b, SKY_OP_RANK, SKY_VT_INT, SKY_DOM_NONE, (uint32_t)idx, e);
}

/* Both operands bound: the type rules of = != < <= > >=. */
static sky_expr *compare_bound(bind_ctx *b, sky_op op, sky_expr *l, sky_expr *r, const ast_expr *node) {
  if (!l || !r) return NULL;
  if (l->type == SKY_VT_NULL && r->type == SKY_VT_NULL) bx_type_null(l, SKY_VT_INT, 0), bx_type_null(r, SKY_VT_INT, 0);
  bx_type_null(l, r->type, r->dom);
  bx_type_null(r, l->type, l->dom);
  bool lnum = l->type == SKY_VT_INT || l->type == SKY_VT_FLOAT, rnum = r->type == SKY_VT_INT || r->type == SKY_VT_FLOAT;
  if (lnum && rnum && l->type != r->type) l = bx_to_float(b, l), r = bx_to_float(b, r);
  if (l->type != r->type) {
    char dl[112], dr[112];
    return bind_fail(b, SKY_ERR_TYPE, node, "cannot compare %s with %s", bind_describe(l, dl), bind_describe(r, dr));
  }
  if (l->type != SKY_VT_STRING) return cmp_node(b, op, l, r, node);
  if (l->dom == r->dom && l->dom != SKY_DOM_LITERAL) {
    if (sky_dom_is_bucket(l->dom) || !is_ordering(op)) return cmp_node(b, op, l, r, node);
    return cmp_node(b, op, ranked(b, l), ranked(b, r), node);
  }
  sky_expr *diff = bx_binary(b, SKY_OP_STR_CMP, SKY_VT_INT, SKY_DOM_NONE, l, r, node);
  return cmp_node(b, op, diff, bx_int(b, 0, node), node);
}

/* A string literal against a timestamp: the instant it spells. */
static sky_expr *iso_literal(bind_ctx *b, const ast_expr *lit) {
  int64_t ts;
  if (sky_parse_iso8601(lit->s, lit->len, &ts) != 0) {
    char q[80];
    return bind_fail(b, SKY_ERR_TYPE, lit, "%s is not a timestamp", bind_quote(bind_src(b, lit), q));
  }
  return bx_int(b, ts, lit);
}

/* A string literal against a day/month bucket: a bucket constant when the
 * text is canonical, else a plain literal (compared by bytes). */
static sky_expr *bucket_literal(bind_ctx *b, const ast_expr *lit, uint32_t dom) {
  int64_t v;
  int rc = sky_bucket_parse(dom, lit->s, lit->len, &v);
  if (rc == 0) return bx_const(b, SKY_VT_STRING, dom, false, (uint64_t)v, lit);
  return bind_generic(b, lit);
}

/* Binds literal `lit` as the counterpart of the bound operand `other` (see
 * the top of the file). Returns the bound literal, or sets *whole to the
 * complete comparison when the rewrite involves both sides. */
static sky_expr *counterpart(bind_ctx *b, sky_op op, const ast_expr *node, const ast_expr *lit, sky_expr *other,
                             bool lit_left, sky_expr **whole) {
  *whole = NULL;
  if (lit->kind == AST_INT) {
    if (other->type != SKY_VT_OBJECT) return bind_int_literal(b, lit);
    if (!lit->neg || lit->u == 0) return bx_const(b, SKY_VT_OBJECT, SKY_DOM_NONE, false, lit->u, lit);
    /* object ids are >= 1, never NULL: the answer is known */
    bool truth = op == SKY_OP_NE || (lit_left ? (op == SKY_OP_LT || op == SKY_OP_LE) : (op == SKY_OP_GT || op == SKY_OP_GE));
    *whole = bx_bool(b, truth, node);
    return NULL;
  }
  if (other->type == SKY_VT_INT && bx_is_ts(b, other)) return iso_literal(b, lit);
  if (other->type != SKY_VT_STRING) return bind_generic(b, lit);
  if (sky_dom_is_bucket(other->dom)) return bucket_literal(b, lit, other->dom);
  if (!bx_is_dict(other)) return bind_generic(b, lit);
  sky_rc rc = {.kind = is_ordering(op) ? SKY_RC_RANK : SKY_RC_CODE, .dict = other->dom, .str = lit->s, .len = lit->len};
  if (!is_ordering(op)) return rconst(b, &rc, SKY_VT_STRING, other->dom, lit);
  sky_expr *rank = rconst(b, &rc, SKY_VT_INT, SKY_DOM_NONE, lit);
  sky_expr *side = ranked(b, other);
  *whole = lit_left ? cmp_node(b, op, rank, side, node) : cmp_node(b, op, side, rank, node);
  return NULL;
}

static bool is_special_literal(const ast_expr *a) { return a->kind == AST_INT || a->kind == AST_STRING; }

/* comparison: expr ('=' | '!=' | '<>' | '<' | '<=' | '>' | '>=') expr */
sky_expr *bind_compare(bind_ctx *b, sky_op op, const ast_expr *node, const ast_expr *L, const ast_expr *R) {
  sky_expr *l = is_special_literal(L) ? NULL : bind_expr(b, L);
  sky_expr *r = is_special_literal(R) || b->failed ? NULL : bind_expr(b, R);
  if (b->failed) return NULL;
  sky_expr *whole = NULL;
  if (!l && !r) {
    l = bind_generic(b, L);
    r = bind_generic(b, R);
  } else if (!l) {
    l = counterpart(b, op, node, L, r, true, &whole);
  } else if (!r) {
    r = counterpart(b, op, node, R, l, false, &whole);
  }
  if (whole || b->failed) return whole;
  return compare_bound(b, op, l, r, node);
}

/* ---- IN ------------------------------------------------------------------------ */

/* A balanced OR of the comparisons x = items[lo..hi). */
static sky_expr *or_tree(bind_ctx *b, sky_expr *x, sky_expr **items, uint32_t lo, uint32_t hi, const ast_expr *node) {
  if (hi - lo == 1) return compare_bound(b, SKY_OP_EQ, x, items[lo], node);
  uint32_t mid = lo + (hi - lo) / 2;
  sky_expr *l = or_tree(b, x, items, lo, mid, node);
  sky_expr *r = l ? or_tree(b, x, items, mid, hi, node) : NULL;
  return bx_binary(b, SKY_OP_OR, SKY_VT_BOOL, SKY_DOM_NONE, l, r, node);
}

/* A balanced OR of parts[lo..hi) (OR evaluates left to right either way). */
static sky_expr *or_parts(bind_ctx *b, sky_expr **parts, uint32_t lo, uint32_t hi, const ast_expr *node) {
  if (hi - lo == 1) return parts[lo];
  uint32_t mid = lo + (hi - lo) / 2;
  sky_expr *l = or_parts(b, parts, lo, mid, node);
  sky_expr *r = l ? or_parts(b, parts, mid, hi, node) : NULL;
  return r ? bx_binary(b, SKY_OP_OR, SKY_VT_BOOL, SKY_DOM_NONE, l, r, node) : NULL;
}

/* x IN ('a', 'b'[, NULL]) with x a dictionary string: one set lookup. */
static sky_expr *in_dict_set(bind_ctx *b, sky_expr *x, const ast_expr *node) {
  uint32_t n = 0;
  bool has_null = false;
  const char **strs = sky_arena_alloc(b->arena, sizeof *strs * node->n_args);
  size_t *lens = sky_arena_alloc(b->arena, sizeof *lens * node->n_args);
  if (!strs || !lens) return bind_oom(b);
  for (uint32_t i = 1; i < node->n_args; i++) {
    const ast_expr *it = node->args[i];
    if (it->kind == AST_NULL) has_null = true;
    else strs[n] = it->s, lens[n++] = it->len;
  }
  int64_t idx = bind_rc(b, &(sky_rc){.kind = SKY_RC_IN_SET, .dict = x->dom, .n_strs = n, .strs = strs, .lens = lens});
  sky_expr *m = idx < 0 ? NULL : bx_unary(b, SKY_OP_DICT_MATCH, SKY_VT_BOOL, SKY_DOM_NONE, x, node);
  if (!m) return NULL;
  m->index = (uint32_t)idx;
  if (!has_null) return m;
  /* no match against a list holding NULL is NULL, not FALSE */
  sky_expr *null = bx_const(b, SKY_VT_BOOL, SKY_DOM_NONE, true, 0, node);
  return bx_binary(b, SKY_OP_OR, SKY_VT_BOOL, SKY_DOM_NONE, m, null, node);
}

static bool all_set_literals(const ast_expr *node) {
  bool any = false;
  for (uint32_t i = 1; i < node->n_args; i++) {
    if (node->args[i]->kind == AST_STRING) any = true;
    else if (node->args[i]->kind != AST_NULL) return false;
  }
  return any;
}

/* Can x and item stand in one IN node (same type, one string domain)? */
static bool direct(const sky_expr *x, const sky_expr *item) {
  if (x->type != item->type) return false;
  return x->type != SKY_VT_STRING || (x->dom == item->dom && x->dom != SKY_DOM_LITERAL);
}

/* A bound item that can never equal a non-NULL x: text that is not a
 * canonical label, against a time bucket (compared by bytes, it differs
 * from every label). */
static bool never_equal(const sky_expr *x, const sky_expr *item) {
  return sky_dom_is_bucket(x->dom) && item->type == SKY_VT_STRING && item->dom == SKY_DOM_LITERAL &&
         item->op == SKY_OP_CONST && !item->value.is_null;
}

/* Binds the items of x IN (...) as counterparts of x; *n_out of them
 * remain. Items that can never equal x are dropped; the first that can
 * never equal a non-NULL x is kept aside in *never (x = *never is FALSE,
 * or NULL when x is NULL, so the list keeps its meaning in one comparison
 * however many such items it had). */
static sky_expr **bind_items(bind_ctx *b, sky_expr *x, const ast_expr *node, uint32_t *n_out, sky_expr **never) {
  sky_expr **items = sky_arena_alloc(b->arena, sizeof *items * node->n_args);
  if (!items) return bind_oom(b);
  uint32_t n = 0;
  *never = NULL;
  for (uint32_t i = 1; i < node->n_args; i++) {
    const ast_expr *it = node->args[i];
    sky_expr *whole = NULL, *e;
    e = is_special_literal(it) ? counterpart(b, SKY_OP_EQ, it, it, x, false, &whole) : bind_expr(b, it);
    if (b->failed) return NULL;
    if (whole) continue; /* a constant outcome is always FALSE here: never equal */
    if (never_equal(x, e)) {
      if (!*never) *never = e;
      continue;
    }
    items[n++] = e;
  }
  *n_out = n;
  return items;
}

/* The value of a constant item: a CONST, or an INT CONST made FLOAT
 * (as TO_FLOAT evaluates it). False for anything else. */
static bool const_item(const sky_expr *e, sky_const *out) {
  if (e->op == SKY_OP_TO_FLOAT && e->args[0]->op == SKY_OP_CONST) {
    const sky_const *v = &e->args[0]->value;
    double d = (double)(int64_t)v->word;
    out->is_null = v->is_null;
    memcpy(&out->word, &d, sizeof d);
    if (v->is_null) out->word = 0;
    return true;
  }
  if (e->op != SKY_OP_CONST) return false;
  *out = e->value;
  return true;
}

/* x IN (items): one inline IN node (items of x's type and domain). */
static sky_expr *in_node(bind_ctx *b, sky_expr *x, sky_expr **items, uint32_t n, const ast_expr *node) {
  sky_expr *res = bx_new(b, SKY_OP_IN, SKY_VT_BOOL, SKY_DOM_NONE, node);
  if (res && !(res->args = sky_arena_alloc(b->arena, sizeof *res->args * (n + 1)))) return bind_oom(b);
  if (res) {
    res->n_args = n + 1;
    res->args[0] = x;
    memcpy(res->args + 1, items, sizeof *items * n);
  }
  return res;
}

/* x IN (items) with long runs of constants: a run of more than
 * SKY_IN_SET_MIN_ITEMS constants is one IN_SET node, the items between
 * runs stay inline IN nodes, and the parts are ORed in the items' order.
 * IN tests its items in order and stops at the first equal one (later
 * items' errors do not count), and OR evaluates left to right and stops
 * at TRUE, so the parts keep the answer, NULLs and errors of the whole.
 * NULL when no run is long enough (or out of memory: b->failed). */
static sky_expr *in_runs(bind_ctx *b, sky_expr *x, sky_expr **items, uint32_t n, const ast_expr *node) {
  sky_const *vals = sky_arena_alloc(b->arena, sizeof *vals * n);
  sky_expr **parts = sky_arena_alloc(b->arena, sizeof *parts * n);
  if (!vals || !parts) return bind_oom(b);
  uint32_t n_parts = 0, inline_from = 0, i = 0;
  bool any_set = false;
  while (i < n) {
    uint32_t run = 0;
    while (i + run < n && const_item(items[i + run], &vals[run])) run++;
    if (run <= SKY_IN_SET_MIN_ITEMS) {
      i += run ? run : 1; /* short run or an expression: stays inline */
      continue;
    }
    if (i > inline_from && !(parts[n_parts++] = in_node(b, x, items + inline_from, i - inline_from, node))) return NULL;
    int64_t idx = bind_in_set(b, x->type, vals, run);
    sky_expr *set = idx < 0 ? NULL : bx_unary(b, SKY_OP_IN_SET, SKY_VT_BOOL, SKY_DOM_NONE, x, node);
    if (!set) return NULL;
    set->index = (uint32_t)idx;
    parts[n_parts++] = set;
    any_set = true;
    i += run;
    inline_from = i;
  }
  if (!any_set) return NULL;
  if (n > inline_from && !(parts[n_parts++] = in_node(b, x, items + inline_from, n - inline_from, node))) return NULL;
  return or_parts(b, parts, 0, n_parts, node);
}

/* A literal IN literals ('zz' IN ('a', 'b', NULL)): the answer is known
 * when binding (texts compared, SQL's NULL rules), instead of a chain of
 * text comparisons per event. NULL when x or an item is no literal. */
static sky_expr *fold_literal_in(bind_ctx *b, const sky_expr *x, sky_expr **items, uint32_t n, const ast_expr *node) {
  if (x->op != SKY_OP_CONST || x->type != SKY_VT_STRING || x->dom != SKY_DOM_LITERAL) return NULL;
  for (uint32_t i = 0; i < n; i++)
    if (items[i]->op != SKY_OP_CONST || items[i]->type != SKY_VT_STRING ||
        (items[i]->dom != SKY_DOM_LITERAL && !items[i]->value.is_null))
      return NULL;
  bool saw_null = x->value.is_null;
  const sky_literal *lits = b->plan->literals, *xl = saw_null ? NULL : &lits[x->value.word];
  for (uint32_t i = 0; i < n; i++) {
    if (items[i]->value.is_null) {
      saw_null = true;
      continue;
    }
    const sky_literal *il = &lits[items[i]->value.word];
    if (xl && il->len == xl->len && memcmp(il->str, xl->str, xl->len) == 0) return bx_bool(b, true, node);
  }
  return saw_null ? bx_const(b, SKY_VT_BOOL, SKY_DOM_NONE, true, 0, node) : bx_bool(b, false, node);
}

/* x IN (items) / x NOT IN (items) */
sky_expr *bind_in(bind_ctx *b, const ast_expr *node) {
  const ast_expr *xa = node->args[0];
  sky_expr *x = is_special_literal(xa) ? bind_generic(b, xa) : bind_expr(b, xa);
  if (!x) return NULL;
  sky_expr *res;
  if (bx_is_dict(x) && all_set_literals(node)) {
    res = in_dict_set(b, x, node);
  } else {
    uint32_t n = 0;
    sky_expr *never = NULL;
    sky_expr **items = bind_items(b, x, node, &n, &never);
    if (!items) return NULL;
    for (uint32_t i = 0; i < n && x->type == SKY_VT_NULL; i++) bx_type_null(x, items[i]->type, items[i]->dom);
    bx_type_null(x, SKY_VT_INT, 0);
    bool floats = x->type == SKY_VT_FLOAT, ok = true;
    for (uint32_t i = 0; i < n; i++) floats |= items[i]->type == SKY_VT_FLOAT && x->type == SKY_VT_INT;
    if (floats) x = bx_to_float(b, x);
    for (uint32_t i = 0; i < n; i++) {
      bx_type_null(items[i], x->type, x->dom);
      if (floats) items[i] = bx_to_float(b, items[i]);
    }
    for (uint32_t i = 0; i < n && ok; i++) ok = direct(x, items[i]);
    if (n == 0) {
      res = bx_bool(b, false, node);
    } else if ((res = fold_literal_in(b, x, items, n, node)) != NULL) {
      /* known when binding */
    } else if (ok && n > SKY_IN_SET_MIN_ITEMS && (res = in_runs(b, x, items, n, node)) != NULL) {
      /* one membership test */
    } else if (b->failed) {
      return NULL;
    } else if (ok) {
      res = in_node(b, x, items, n, node);
    } else {
      res = or_tree(b, x, items, 0, n, node);
    }
    if (res && never) {
      sky_expr *cmp = compare_bound(b, SKY_OP_EQ, x, never, node);
      res = n == 0 ? cmp : bx_binary(b, SKY_OP_OR, SKY_VT_BOOL, SKY_DOM_NONE, res, cmp, node);
    }
  }
  if (!res || !node->neg) return res;
  return bx_unary(b, SKY_OP_NOT, SKY_VT_BOOL, SKY_DOM_NONE, res, node);
}

/* ---- LIKE ------------------------------------------------------------------------ */

/* expr [NOT] LIKE 'pattern' */
sky_expr *bind_like(bind_ctx *b, const ast_expr *node) {
  const ast_expr *pat = node->args[1];
  const char *op = node->neg ? "NOT LIKE" : "LIKE";
  if (pat->kind != AST_STRING) {
    char q[80];
    return bind_fail(b, SKY_ERR_TYPE, pat, "the pattern of %s must be a string literal, not %s", op,
                     bind_quote(bind_src(b, pat), q));
  }
  sky_expr *x = bind_expr(b, node->args[0]);
  if (!x) return NULL;
  bx_type_null(x, SKY_VT_STRING, SKY_DOM_LITERAL);
  if (x->type != SKY_VT_STRING) {
    char d[112];
    return bind_fail(b, SKY_ERR_TYPE, node->args[0], "%s takes a STRING, not %s", op, bind_describe(x, d));
  }
  sky_expr *m;
  if (bx_is_dict(x)) {
    int64_t idx = bind_rc(b, &(sky_rc){.kind = SKY_RC_LIKE, .dict = x->dom, .str = pat->s, .len = pat->len});
    m = idx < 0 ? NULL : bx_unary(b, SKY_OP_DICT_MATCH, SKY_VT_BOOL, SKY_DOM_NONE, x, node);
    if (m) m->index = (uint32_t)idx;
  } else {
    int64_t idx = bind_literal(b, pat->s, pat->len);
    m = idx < 0 ? NULL : bx_unary(b, SKY_OP_LIKE, SKY_VT_BOOL, SKY_DOM_NONE, x, node);
    if (m) m->index = (uint32_t)idx;
  }
  if (!m || !node->neg) return m;
  return bx_unary(b, SKY_OP_NOT, SKY_VT_BOOL, SKY_DOM_NONE, m, node);
}
