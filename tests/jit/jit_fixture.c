/* jit_fixture.c — see jit_fixture.h. Allocation failures here abort: this
 * is test and benchmark scaffolding, never library code. */
#include "jit_fixture.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/aggs.h"
#include "common/alloc.h"

static void *must(void *p) {
  if (!p) {
    fprintf(stderr, "jit_fixture: out of memory\n");
    abort();
  }
  return p;
}

static void *zalloc(jf_plan *f, size_t n) { return must(sky_arena_calloc(&f->arena, n ? n : 1)); }

void jf_plan_init(jf_plan *f, uint32_t n_props) {
  sky_arena_init(&f->arena);
  sky_plan *p = zalloc(f, sizeof *p);
  p->n_props = n_props;
  p->need_props = zalloc(f, n_props);
  p->state_props = zalloc(f, (n_props + 1) * sizeof(uint32_t));
  p->session_gap_us = -1;
  p->limit = -1;
  p->keys = zalloc(f, JF_MAX * sizeof(sky_expr *));
  p->aggs = zalloc(f, JF_MAX * sizeof(sky_agg));
  p->rcs = zalloc(f, JF_MAX * sizeof(sky_rc));
  p->literals = zalloc(f, JF_MAX * sizeof(sky_literal));
  p->schema_uid = 1;
  p->schema_version = 1;
  f->plan = p;
}

void jf_plan_free(jf_plan *f) { sky_arena_free(&f->arena); }

static const char *op_text(sky_op op) {
  static const char *const names[] = {
#define JF_X_OP(name, arity, text) text,
      SKY_OPS(JF_X_OP)
#undef JF_X_OP
  };
  return names[op];
}

static const char *agg_text(sky_agg_kind k) { return sky_agg_defs[k].explain; }

static sky_expr *node(jf_plan *f, sky_op op, sky_vtype type, uint32_t dom) {
  sky_expr *e = zalloc(f, sizeof *e);
  e->op = op;
  e->type = type;
  e->dom = dom;
  e->line = 1;
  e->column = 1;
  e->text = op_text(op);
  return e;
}

sky_expr *jf_leaf(jf_plan *f, sky_op op, sky_vtype type, uint32_t dom, uint32_t index) {
  sky_expr *e = node(f, op, type, dom);
  e->index = index;
  return e;
}

static sky_expr *constant(jf_plan *f, sky_vtype type, uint32_t dom, uint64_t word, bool is_null) {
  sky_expr *e = node(f, SKY_OP_CONST, type, dom);
  e->value.word = word;
  e->value.is_null = is_null;
  return e;
}

sky_expr *jf_int(jf_plan *f, int64_t v) { return constant(f, SKY_VT_INT, SKY_DOM_NONE, (uint64_t)v, false); }

sky_expr *jf_float(jf_plan *f, double v) {
  uint64_t w;
  memcpy(&w, &v, 8);
  return constant(f, SKY_VT_FLOAT, SKY_DOM_NONE, w, false);
}

sky_expr *jf_bool(jf_plan *f, bool v) { return constant(f, SKY_VT_BOOL, SKY_DOM_NONE, v, false); }
sky_expr *jf_null(jf_plan *f, sky_vtype type) { return constant(f, type, SKY_DOM_NONE, 0, true); }
sky_expr *jf_str(jf_plan *f, uint32_t dom, uint64_t word) { return constant(f, SKY_VT_STRING, dom, word, false); }

uint32_t jf_literal(jf_plan *f, const char *s) {
  sky_plan *p = f->plan;
  p->literals[p->n_literals] = (sky_literal){sky_arena_strndup(&f->arena, s, strlen(s)), strlen(s)};
  return p->n_literals++;
}

sky_expr *jf_op(jf_plan *f, sky_op op, sky_vtype type, uint32_t dom, uint32_t n_args, ...) {
  sky_expr *e = node(f, op, type, dom);
  e->n_args = n_args;
  e->args = zalloc(f, n_args * sizeof(sky_expr *));
  va_list ap;
  va_start(ap, n_args);
  for (uint32_t k = 0; k < n_args; k++) e->args[k] = va_arg(ap, sky_expr *);
  va_end(ap);
  return e;
}

uint32_t jf_rc(jf_plan *f, sky_rc_kind kind, uint32_t dict) {
  sky_plan *p = f->plan;
  p->rcs[p->n_rcs] = (sky_rc){.kind = kind, .dict = dict};
  return p->n_rcs++;
}

void jf_filter(jf_plan *f, sky_expr *e) { f->plan->filter = e; }
void jf_key(jf_plan *f, sky_expr *e) { f->plan->keys[f->plan->n_keys++] = e; }

void jf_agg(jf_plan *f, sky_agg_kind kind, sky_expr *arg, int32_t rank_rc) {
  sky_plan *p = f->plan;
  sky_agg *a = &p->aggs[p->n_aggs++];
  a->kind = kind;
  a->arg = arg;
  a->rank_rc = rank_rc;
  a->text = agg_text(kind);
  a->dom = arg ? arg->dom : SKY_DOM_NONE;
  switch (kind) {
  case SKY_AGG_SUM:
  case SKY_AGG_MIN:
  case SKY_AGG_MAX: a->type = arg->type; break;
  case SKY_AGG_AVG: a->type = SKY_VT_FLOAT; break;
  default: a->type = SKY_VT_INT; break;
  }
}

void jf_session(jf_plan *f, int64_t gap_us) {
  f->plan->session_gap_us = gap_us;
  f->plan->uses_session_number = true;
  f->plan->need_ts = true;
}

/* Columns, registers and ids, as the binder derives them. */
static void derive(jf_plan *f, sky_expr *e) {
  if (!e) return;
  sky_plan *p = f->plan;
  e->id = p->n_exprs++;
  if (e->op == SKY_OP_ACTION) p->need_action = true;
  if (e->op == SKY_OP_TIMESTAMP) p->need_ts = true;
  if (e->op == SKY_OP_PROP_EVENT || e->op == SKY_OP_PROP_STATE) p->need_props[e->index] = 1;
  if (e->op == SKY_OP_SESSION_NUMBER) p->uses_session_number = true;
  if (e->op == SKY_OP_PROP_STATE) {
    bool known = false;
    for (uint32_t r = 0; r < p->n_state; r++) known |= p->state_props[r] == e->index;
    if (!known) p->state_props[p->n_state++] = e->index;
  }
  for (uint32_t k = 0; k < e->n_args; k++) derive(f, e->args[k]);
}

void jf_plan_finish(jf_plan *f) {
  sky_plan *p = f->plan;
  derive(f, p->filter);
  for (uint32_t j = 0; j < p->n_keys; j++) derive(f, p->keys[j]);
  for (uint32_t a = 0; a < p->n_aggs; a++) {
    derive(f, p->aggs[a].arg);
    if (p->aggs[a].kind == SKY_AGG_SESSIONS) p->uses_session_number = true;
  }
  sky_groups_layout(p);
}

/* ---- chunks ------------------------------------------------------------------ */

static size_t type_width(sky_prop_type t) { return t == SKY_PTYPE_BOOL ? 1 : t == SKY_PTYPE_STRING ? 4 : 8; }

static void grow(void **arr, size_t old_n, size_t new_n, size_t elem) {
  void *p = must(sky_realloc(*arr, new_n * elem));
  memset((char *)p + old_n * elem, 0, (new_n - old_n) * elem);
  *arr = p;
}

void jf_chunk_init(jf_chunk *ch, uint32_t n_props, const sky_prop_type *types) {
  memset(ch, 0, sizeof *ch);
  ch->n_props = n_props;
  ch->types = must(sky_calloc(n_props + 1, sizeof *ch->types));
  memcpy(ch->types, types, n_props * sizeof *types);
  ch->cols = must(sky_calloc(n_props + 1, sizeof *ch->cols));
  ch->cap_obj = 16;
  ch->obj_start = must(sky_calloc(ch->cap_obj + 1, 8));
  ch->obj_id = must(sky_calloc(ch->cap_obj, 8));
}

void jf_chunk_index(jf_chunk *ch) {
  for (uint32_t k = 0; k < ch->n_props; k++) {
    sky_chunk_col *col = &ch->cols[k];
    sky_positions_free((uint32_t *)col->pos);
    col->pos = NULL;
    col->n_pos = 0;
    if (ch->types[k] == SKY_PTYPE_STRING || !col->present) continue;
    col->pos = must(sky_positions_build(col->present, ch->c.n_events, ch->c.n_events, &col->n_pos));
  }
}

void jf_chunk_free(jf_chunk *ch) {
  for (uint32_t k = 0; k < ch->n_props; k++) {
    sky_free((void *)ch->cols[k].values);
    sky_free((void *)ch->cols[k].present);
    sky_positions_free((uint32_t *)ch->cols[k].pos);
  }
  sky_free(ch->cols);
  sky_free(ch->types);
  sky_free(ch->obj_id);
  sky_free(ch->obj_start);
  sky_free(ch->ts);
  sky_free(ch->action);
  memset(ch, 0, sizeof *ch);
}

static void sync_view(jf_chunk *ch) {
  ch->c.obj_id = ch->obj_id;
  ch->c.obj_start = ch->obj_start;
  ch->c.ts = ch->ts;
  ch->c.action = ch->action;
  ch->c.cols = ch->cols;
}

void jf_chunk_event(jf_chunk *ch, uint64_t obj, int64_t ts, uint32_t action) {
  sky_chunk *c = &ch->c;
  if (c->n_events == ch->cap_ev) {
    size_t cap = ch->cap_ev ? ch->cap_ev * 2 : 64;
    grow((void **)&ch->ts, ch->cap_ev, cap, 8);
    grow((void **)&ch->action, ch->cap_ev, cap, 4);
    for (uint32_t k = 0; k < ch->n_props; k++) {
      void *v = (void *)ch->cols[k].values, *pr = (void *)ch->cols[k].present;
      grow(&v, ch->cap_ev, cap, type_width(ch->types[k]));
      grow(&pr, ch->cap_ev, cap, 1);
      ch->cols[k].values = v;
      ch->cols[k].present = pr;
    }
    ch->cap_ev = cap;
  }
  if (c->n_objects == 0 || ch->obj_id[c->n_objects - 1] != obj) {
    if (c->n_objects == ch->cap_obj) {
      grow((void **)&ch->obj_id, ch->cap_obj, ch->cap_obj * 2, 8);
      grow((void **)&ch->obj_start, ch->cap_obj + 1, ch->cap_obj * 2 + 1, 8);
      ch->cap_obj *= 2;
    }
    ch->obj_id[c->n_objects] = obj;
    ch->obj_start[c->n_objects] = c->n_events;
    c->n_objects++;
  }
  ch->ts[c->n_events] = ts;
  ch->action[c->n_events] = action;
  c->n_events++;
  ch->obj_start[c->n_objects] = c->n_events;
  sync_view(ch);
}

void jf_chunk_set(jf_chunk *ch, uint32_t prop, uint64_t word) {
  uint64_t i = ch->c.n_events - 1;
  sky_chunk_col *col = &ch->cols[prop];
  ((uint8_t *)col->present)[i] = 1;
  switch (ch->types[prop]) {
  case SKY_PTYPE_BOOL: ((uint8_t *)col->values)[i] = (uint8_t)word; break;
  case SKY_PTYPE_STRING: ((uint32_t *)col->values)[i] = (uint32_t)word; break;
  default: ((uint64_t *)col->values)[i] = word; break;
  }
}

void jf_chunk_set_float(jf_chunk *ch, uint32_t prop, double v) {
  uint64_t w;
  memcpy(&w, &v, 8);
  jf_chunk_set(ch, prop, w);
}

void jf_runtime(sky_runtime *rt, const sky_plan *plan, uint64_t *rc, size_t memory_limit) {
  memset(rt, 0, sizeof *rt);
  rt->plan = plan;
  rt->rc = rc;
  rt->budget.limit = memory_limit;
}

/* ---- comparing tables --------------------------------------------------------- */

/* NaN payloads and signs of FLOAT sums are not part of the contract: LLVM
 * may fold -(x / y) into (-x) / y, which flips the sign of a NaN quotient. */
static bool is_nan_bits(uint64_t w) {
  return (w & UINT64_C(0x7ff0000000000000)) == UINT64_C(0x7ff0000000000000) && (w << 12);
}

const char *jf_groups_diff(const sky_groups *a, const sky_groups *b) {
  static char msg[256];
  if (a->capacity != b->capacity || a->count != b->count || a->words != b->words) {
    snprintf(msg, sizeof msg, "shape: capacity %llu/%llu count %llu/%llu", (unsigned long long)a->capacity,
             (unsigned long long)b->capacity, (unsigned long long)a->count, (unsigned long long)b->count);
    return msg;
  }
  const sky_plan *p = a->plan;
  for (uint64_t s = 0; s < a->capacity; s++) {
    const uint64_t *x = a->slots + s * a->words, *y = b->slots + s * b->words;
    for (uint32_t w = 0; w < a->words; w++) {
      const sky_agg *owner = NULL; /* an aggregate whose state owns memory: compare its results */
      bool float_sum = false;
      for (uint32_t k = 0; k < p->n_aggs; k++) {
        const sky_agg *g = &p->aggs[k];
        if (sky_agg_impl_of(g->kind)->release && g->word == w) owner = g;
        float_sum |= (g->kind == SKY_AGG_SUM || g->kind == SKY_AGG_AVG) && g->arg->type == SKY_VT_FLOAT && g->word == w;
      }
      uint64_t vx = x[w], vy = y[w];
      if (owner && x[0] && y[0]) {
        uint8_t ov;
        sky_ival rx = sky_agg_impl_of(owner->kind)->result(owner, x + w, &ov);
        sky_ival ry = sky_agg_impl_of(owner->kind)->result(owner, y + w, &ov);
        vx = rx.null ? UINT64_MAX : rx.w;
        vy = ry.null ? UINT64_MAX : ry.w;
      }
      if (float_sum && is_nan_bits(vx) && is_nan_bits(vy)) continue;
      if (vx != vy) {
        snprintf(msg, sizeof msg, "slot %llu word %u: %#llx vs %#llx", (unsigned long long)s, w, (unsigned long long)vx,
                 (unsigned long long)vy);
        return msg;
      }
    }
  }
  return NULL;
}

/* ---- dumping ----------------------------------------------------------------- */

static void dump_expr(const sky_expr *e, sky_buf *out) {
  if (!e) {
    sky_buf_puts(out, "-");
    return;
  }
  static const char *const types[] = {"null", "bool", "int", "float", "string", "object"};
  sky_buf_printf(out, "(%s:%s#%u", op_text(e->op), types[e->type], e->id);
  if (e->op == SKY_OP_CONST)
    sky_buf_printf(out, " %s%#llx", e->value.is_null ? "NULL " : "", (unsigned long long)e->value.word);
  if (e->dom != SKY_DOM_NONE) sky_buf_printf(out, " dom=%#x", e->dom);
  if (e->op == SKY_OP_PROP_EVENT || e->op == SKY_OP_PROP_STATE || e->op == SKY_OP_RCONST || e->op == SKY_OP_LIKE ||
      e->op == SKY_OP_RANK || e->op == SKY_OP_DICT_MATCH || e->op == SKY_OP_IN_SET)
    sky_buf_printf(out, " [%u]", e->index);
  for (uint32_t k = 0; k < e->n_args; k++) {
    sky_buf_putc(out, ' ');
    dump_expr(e->args[k], out);
  }
  sky_buf_putc(out, ')');
}

void jf_plan_dump(const sky_plan *p, sky_buf *out) {
  sky_buf_printf(out, "session %lld\nfilter ", (long long)p->session_gap_us);
  dump_expr(p->filter, out);
  for (uint32_t j = 0; j < p->n_keys; j++) {
    sky_buf_printf(out, "\nkey %u ", j);
    dump_expr(p->keys[j], out);
  }
  for (uint32_t a = 0; a < p->n_aggs; a++) {
    sky_buf_printf(out, "\nagg %u %s rank_rc=%d ", a, agg_text(p->aggs[a].kind), p->aggs[a].rank_rc);
    dump_expr(p->aggs[a].arg, out);
  }
  sky_buf_putc(out, '\n');
}
