/* bind_util.c — the binder's building blocks: plan nodes that remember the
 * source they stand for, constants, the deduplicated literal and
 * runtime-constant tables, structural equality (group-key matching and
 * aggregate sharing), the timestamp test behind ISO literals, and errors.
 *
 * Every node a rule creates, synthetic ones included (TO_FLOAT, RANK,
 * RCONST, STR_CMP's zero), carries the line, column and source text of the
 * source node it stands for, so a run-time error ("integer overflow in
 * 'a * b'") names what the user wrote. Ids are given later, once, by
 * bind.c. Everything lives in the plan's arena: the plan never points into
 * the statement.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "parser/bind.h"

/* ---- errors ------------------------------------------------------------------- */

void *bind_fail(bind_ctx *b, sky_code code, const ast_expr *at, const char *fmt, ...) {
  if (b->failed) return NULL;
  b->failed = true;
  memset(b->err, 0, sizeof *b->err);
  b->err->code = code;
  b->err->line = at ? at->loc.line : 0;
  b->err->column = at ? at->loc.column : 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(b->err->message, sizeof b->err->message, fmt, ap);
  va_end(ap);
  return NULL;
}

void *bind_oom(bind_ctx *b) {
  if (!b->failed) {
    b->failed = true;
    sky_error_oom(b->err);
  }
  return NULL;
}

const char *bind_quote(const char *text, char out[80]) {
  char q[72];
  sky_error_quote(q, text, strlen(text));
  snprintf(out, 80, text[0] == '\'' ? "%s" : "'%s'", q);
  return out;
}

const char *bind_describe(const sky_expr *e, char out[112]) {
  char q[80];
  snprintf(out, 112, "%s %s", sky_vtype_name(e->type), bind_quote(e->text, q));
  return out;
}

const char *bind_src(bind_ctx *b, const ast_expr *a) {
  char *t = sky_arena_strndup(b->arena, b->sel->text + a->loc.start, a->loc.end - a->loc.start);
  if (!t) bind_oom(b);
  return t ? t : "";
}

/* ---- nodes ---------------------------------------------------------------------- */

sky_expr *bx_new(bind_ctx *b, sky_op op, sky_vtype type, uint32_t dom, const ast_expr *src) {
  sky_expr *e = sky_arena_calloc(b->arena, sizeof *e);
  /* Nodes made for one source node share its text (x IN (n items) as an
   * OR of n comparisons would otherwise copy the whole list n times). */
  if (b->text_of != src) {
    b->text = sky_arena_strndup(b->arena, b->sel->text + src->loc.start, src->loc.end - src->loc.start);
    b->text_of = b->text ? src : NULL;
  }
  const char *text = b->text;
  if (!e || !text) return bind_oom(b);
  e->op = op;
  e->type = type;
  e->dom = type == SKY_VT_STRING ? dom : SKY_DOM_NONE;
  e->id = UINT32_MAX;
  e->line = src->loc.line;
  e->column = src->loc.column;
  e->text = text;
  return e;
}

static sky_expr *with_args(bind_ctx *b, sky_expr *e, uint32_t n, sky_expr *x, sky_expr *y) {
  if (!e) return NULL;
  e->args = sky_arena_alloc(b->arena, sizeof *e->args * n);
  if (!e->args) return bind_oom(b);
  e->n_args = n;
  e->args[0] = x;
  if (n > 1) e->args[1] = y;
  return e;
}

sky_expr *bx_unary(bind_ctx *b, sky_op op, sky_vtype type, uint32_t dom, sky_expr *a, const ast_expr *src) {
  if (!a) return NULL;
  return with_args(b, bx_new(b, op, type, dom, src), 1, a, NULL);
}

sky_expr *bx_binary(bind_ctx *b, sky_op op, sky_vtype type, uint32_t dom, sky_expr *l, sky_expr *r,
                    const ast_expr *src) {
  if (!l || !r) return NULL;
  return with_args(b, bx_new(b, op, type, dom, src), 2, l, r);
}

sky_expr *bx_const(bind_ctx *b, sky_vtype type, uint32_t dom, bool is_null, uint64_t word, const ast_expr *src) {
  sky_expr *e = bx_new(b, SKY_OP_CONST, type, dom, src);
  if (e) e->value = (sky_const){.is_null = is_null, .word = is_null ? 0 : word};
  return e;
}

sky_expr *bx_wrap(bind_ctx *b, sky_op op, sky_vtype type, uint32_t dom, uint32_t index, sky_expr *e) {
  if (!e) return NULL;
  sky_expr *w = sky_arena_calloc(b->arena, sizeof *w);
  if (!w) return bind_oom(b);
  w->op = op;
  w->type = type;
  w->dom = type == SKY_VT_STRING ? dom : SKY_DOM_NONE;
  w->index = index;
  w->id = UINT32_MAX;
  w->line = e->line; /* the wrapped expression's position and text */
  w->column = e->column;
  w->text = e->text;
  return with_args(b, w, 1, e, NULL);
}

sky_expr *bx_to_float(bind_ctx *b, sky_expr *e) {
  if (!e || e->type != SKY_VT_INT) return e;
  return bx_wrap(b, SKY_OP_TO_FLOAT, SKY_VT_FLOAT, SKY_DOM_NONE, 0, e);
}

void bx_type_null(sky_expr *e, sky_vtype type, uint32_t dom) {
  if (!e || e->type != SKY_VT_NULL) return;
  e->type = type;
  e->dom = type == SKY_VT_STRING ? dom : SKY_DOM_NONE;
}

/* ---- tables ----------------------------------------------------------------------- */

/* Makes room for one more element in an arena array (copy on growth). */
static bool grow(bind_ctx *b, void **arr, uint32_t n, uint32_t *cap, size_t elem) {
  if (n < *cap) return true;
  uint32_t ncap = *cap ? *cap * 2 : 8;
  void *p = sky_arena_alloc(b->arena, elem * ncap);
  if (!p) return bind_oom(b), false;
  if (n) memcpy(p, *arr, elem * n);
  *arr = p;
  *cap = ncap;
  return true;
}

int64_t bind_literal(bind_ctx *b, const char *s, size_t len) {
  sky_plan *p = b->plan;
  for (uint32_t i = 0; i < p->n_literals; i++)
    if (p->literals[i].len == len && memcmp(p->literals[i].str, s, len) == 0) return i;
  if (!grow(b, (void **)&p->literals, p->n_literals, &b->cap_literals, sizeof *p->literals)) return -1;
  char *copy = sky_arena_strndup(b->arena, s, len);
  if (!copy) return bind_oom(b), -1;
  p->literals[p->n_literals] = (sky_literal){copy, len};
  return p->n_literals++;
}

static bool same_str(const char *a, size_t alen, const char *b, size_t blen) {
  return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static bool rc_equal(const sky_rc *a, const sky_rc *b) {
  if (a->kind != b->kind || a->dict != b->dict || !same_str(a->str, a->len, b->str, b->len) ||
      a->n_strs != b->n_strs)
    return false;
  for (uint32_t i = 0; i < a->n_strs; i++)
    if (!same_str(a->strs[i], a->lens[i], b->strs[i], b->lens[i])) return false;
  return true;
}

int64_t bind_rc(bind_ctx *b, const sky_rc *rc) {
  sky_plan *p = b->plan;
  for (uint32_t i = 0; i < p->n_rcs; i++)
    if (rc_equal(&p->rcs[i], rc)) return i;
  if (!grow(b, (void **)&p->rcs, p->n_rcs, &b->cap_rcs, sizeof *p->rcs)) return -1;
  sky_rc c = *rc;
  if (rc->str && !(c.str = sky_arena_strndup(b->arena, rc->str, rc->len))) return bind_oom(b), -1;
  if (rc->n_strs) {
    const char **strs = sky_arena_alloc(b->arena, sizeof *strs * rc->n_strs);
    size_t *lens = sky_arena_alloc(b->arena, sizeof *lens * rc->n_strs);
    if (!strs || !lens) return bind_oom(b), -1;
    for (uint32_t i = 0; i < rc->n_strs; i++) {
      if (!(strs[i] = sky_arena_strndup(b->arena, rc->strs[i], rc->lens[i]))) return bind_oom(b), -1;
      lens[i] = rc->lens[i];
    }
    c.strs = strs;
    c.lens = lens;
  }
  p->rcs[p->n_rcs] = c;
  return p->n_rcs++;
}

/* Index of the IN set of `n` constant items of type `type` (equal sets
 * share one index, so equal IN expressions stay structurally equal), or -1. */
int64_t bind_in_set(bind_ctx *b, sky_vtype type, const sky_const *items, uint32_t n) {
  sky_plan *p = b->plan;
  sky_in_set set;
  if (sky_in_set_build(&set, type, items, n, b->arena) != 0) return bind_oom(b), -1;
  for (uint32_t i = 0; i < p->n_sets; i++) {
    const sky_in_set *o = &p->sets[i];
    if (o->type == set.type && o->has_null == set.has_null && o->n == set.n &&
        (set.n == 0 || memcmp(o->keys, set.keys, sizeof *set.keys * set.n) == 0))
      return i;
  }
  if (!grow(b, (void **)&p->sets, p->n_sets, &b->cap_sets, sizeof *p->sets)) return -1;
  p->sets[p->n_sets] = set;
  return p->n_sets++;
}

/* ---- structure ---------------------------------------------------------------------- */

bool bx_equal(const sky_expr *a, const sky_expr *b) {
  if (a == b) return true;
  if (a->op != b->op || a->type != b->type || a->dom != b->dom || a->index != b->index || a->n_args != b->n_args)
    return false;
  if (a->op == SKY_OP_CONST &&
      (a->value.is_null != b->value.is_null || a->value.word != b->value.word || a->unit != b->unit))
    return false;
  for (uint32_t i = 0; i < a->n_args; i++)
    if (!bx_equal(a->args[i], b->args[i])) return false;
  return true;
}

bool bx_is_ts(const bind_ctx *b, const sky_expr *e) {
  return e->type == SKY_VT_INT && sky_expr_unit(b->plan, e) == SKY_UNIT_TIMESTAMP;
}
