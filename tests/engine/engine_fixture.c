/* engine_fixture.c — hand-built plans and synthetic chunks for the engine
 * tests (see engine_fixture.h). */
#include "engine_fixture.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/timeutil.h"
#include "sky.h"

/* ---- plans ------------------------------------------------------------------ */

static void *zalloc(tplan *t, size_t n) {
  void *p = sky_arena_calloc(&t->arena, n);
  assert_non_null(p);
  return p;
}

void tp_init(tplan *t, uint32_t n_props) {
  memset(t, 0, sizeof *t);
  sky_arena_init(&t->arena);
  sky_plan *p = &t->p;
  p->schema_version = 1;
  p->n_props = n_props;
  p->need_props = zalloc(t, n_props + 1);
  p->state_props = zalloc(t, (n_props + 1) * sizeof(uint32_t));
  p->session_gap_us = -1;
  p->keys = zalloc(t, TP_MAX * sizeof(sky_expr *));
  p->aggs = zalloc(t, TP_MAX * sizeof(sky_agg));
  p->outputs = zalloc(t, TP_MAX * sizeof(sky_expr *));
  p->output_names = zalloc(t, TP_MAX * sizeof(char *));
  p->output_types = zalloc(t, TP_MAX * sizeof(sky_column_type));
  p->order = zalloc(t, TP_MAX * sizeof(sky_order));
  p->rcs = zalloc(t, TP_MAX * sizeof(sky_rc));
  p->literals = zalloc(t, TP_MAX * sizeof(sky_literal));
  p->limit = -1;
}

void tp_free(tplan *t) { sky_arena_free(&t->arena); }

void tp_done(tplan *t) { sky_groups_layout(&t->p); }

/* Operator spellings (the parser's sky_op_name is not needed here). */
static const char *const g_op_text[] = {
#define TP_X_OP(name, arity, text) text,
    SKY_OPS(TP_X_OP)
#undef TP_X_OP
};

static sky_expr *node(tplan *t, sky_op op, sky_vtype type) {
  sky_expr *e = zalloc(t, sizeof *e);
  e->op = op;
  e->type = type;
  e->dom = SKY_DOM_NONE;
  e->id = t->p.n_exprs++;
  e->line = 1;
  e->column = 1;
  e->text = g_op_text[op];
  return e;
}

sky_expr *tp_op(tplan *t, sky_op op, sky_vtype type, uint32_t n_args, ...) {
  sky_expr *e = node(t, op, type);
  e->n_args = n_args;
  e->args = zalloc(t, (n_args + 1) * sizeof(sky_expr *));
  va_list ap;
  va_start(ap, n_args);
  for (uint32_t i = 0; i < n_args; i++) {
    e->args[i] = va_arg(ap, sky_expr *);
    if (t->p.need_ts == false && e->args[i]->op == SKY_OP_TIMESTAMP) t->p.need_ts = true;
  }
  va_end(ap);
  return e;
}

sky_expr *tp_at(sky_expr *e, const char *text, int line, int column) {
  e->text = text;
  e->line = line;
  e->column = column;
  return e;
}

sky_expr *tp_int(tplan *t, int64_t v) {
  sky_expr *e = node(t, SKY_OP_CONST, SKY_VT_INT);
  e->value.word = (uint64_t)v;
  return e;
}

sky_expr *tp_float(tplan *t, double v) {
  sky_expr *e = node(t, SKY_OP_CONST, SKY_VT_FLOAT);
  memcpy(&e->value.word, &v, 8);
  return e;
}

sky_expr *tp_bool(tplan *t, bool v) {
  sky_expr *e = node(t, SKY_OP_CONST, SKY_VT_BOOL);
  e->value.word = v;
  return e;
}

sky_expr *tp_null(tplan *t, sky_vtype type) {
  sky_expr *e = node(t, SKY_OP_CONST, type);
  e->value.is_null = true;
  return e;
}

sky_expr *tp_str(tplan *t, const char *s) {
  sky_plan *p = &t->p;
  uint32_t i = 0;
  while (i < p->n_literals && !(p->literals[i].len == strlen(s) && memcmp(p->literals[i].str, s, strlen(s)) == 0)) i++;
  if (i == p->n_literals) {
    assert_true(i < TP_MAX);
    p->literals[i].str = s;
    p->literals[i].len = strlen(s);
    p->n_literals++;
  }
  sky_expr *e = node(t, SKY_OP_CONST, SKY_VT_STRING);
  e->dom = SKY_DOM_LITERAL;
  e->value.word = i;
  return e;
}

sky_expr *tp_day(tplan *t, const char *s) {
  int64_t day;
  assert_int_equal(sky_parse_day(s, strlen(s), &day), 0);
  sky_expr *e = node(t, SKY_OP_CONST, SKY_VT_STRING);
  e->dom = SKY_DOM_DAY;
  e->value.word = (uint64_t)day;
  return e;
}

static void need_prop(tplan *t, uint32_t prop, sky_vtype type, uint32_t *dom) {
  assert_true(prop < t->p.n_props);
  t->p.need_props[prop] = 1;
  if (type == SKY_VT_STRING) *dom = sky_prop_dict(prop);
}

sky_expr *tp_event(tplan *t, uint32_t prop, sky_vtype type) {
  sky_expr *e = node(t, SKY_OP_PROP_EVENT, type);
  e->index = prop;
  need_prop(t, prop, type, &e->dom);
  return e;
}

sky_expr *tp_state(tplan *t, uint32_t prop, sky_vtype type) {
  sky_expr *e = node(t, SKY_OP_PROP_STATE, type);
  e->index = prop;
  need_prop(t, prop, type, &e->dom);
  sky_plan *p = &t->p;
  uint32_t r = 0;
  while (r < p->n_state && p->state_props[r] != prop) r++;
  if (r == p->n_state) p->state_props[p->n_state++] = prop;
  return e;
}

sky_expr *tp_action(tplan *t) {
  sky_expr *e = node(t, SKY_OP_ACTION, SKY_VT_STRING);
  e->dom = SKY_DICT_ACTION;
  t->p.need_action = true;
  return e;
}

sky_expr *tp_rconst(tplan *t, uint32_t rc, sky_vtype type, uint32_t dom) {
  sky_expr *e = node(t, SKY_OP_RCONST, type);
  e->index = rc;
  e->dom = dom;
  return e;
}

uint32_t tp_add_rc(tplan *t, sky_rc rc, uint64_t word) {
  assert_true(t->p.n_rcs < TP_MAX);
  t->rc_words[t->p.n_rcs] = word;
  t->p.rcs[t->p.n_rcs] = rc;
  return t->p.n_rcs++;
}

sky_expr *tp_in(tplan *t, sky_expr *operand, uint32_t n_items, sky_expr **items) {
  sky_expr *e = node(t, SKY_OP_IN, SKY_VT_BOOL);
  e->n_args = n_items + 1;
  e->args = zalloc(t, (n_items + 1) * sizeof(sky_expr *));
  e->args[0] = operand;
  for (uint32_t i = 0; i < n_items; i++) e->args[i + 1] = items[i];
  return e;
}

void tp_filter(tplan *t, sky_expr *e) { t->p.filter = e; }

uint32_t tp_key(tplan *t, sky_expr *e) {
  assert_true(t->p.n_keys < TP_MAX);
  t->p.keys[t->p.n_keys] = e;
  return t->p.n_keys++;
}

uint32_t tp_agg(tplan *t, sky_agg_kind kind, sky_expr *arg, const char *text) {
  sky_plan *p = &t->p;
  assert_true(p->n_aggs < TP_MAX);
  sky_agg *a = &p->aggs[p->n_aggs];
  a->kind = kind;
  a->arg = arg;
  a->text = text;
  a->rank_rc = -1;
  a->dom = SKY_DOM_NONE;
  switch (kind) {
  case SKY_AGG_AVG: a->type = SKY_VT_FLOAT; break;
  case SKY_AGG_SUM:
  case SKY_AGG_MIN:
  case SKY_AGG_MAX:
    a->type = arg->type;
    a->dom = arg->dom;
    break;
  default: a->type = SKY_VT_INT; break;
  }
  if (kind == SKY_AGG_SESSIONS) p->uses_session_number = true;
  return p->n_aggs++;
}

sky_expr *tp_key_ref(tplan *t, uint32_t key) {
  const sky_expr *k = t->p.keys[key];
  sky_expr *e = node(t, SKY_OP_KEY_REF, k->type);
  e->index = key;
  e->dom = k->dom;
  e->text = k->text;
  return e;
}

sky_expr *tp_agg_ref(tplan *t, uint32_t agg) {
  const sky_agg *a = &t->p.aggs[agg];
  sky_expr *e = node(t, SKY_OP_AGG_REF, a->type);
  e->index = agg;
  e->dom = a->dom;
  e->text = a->text;
  return e;
}

void tp_output(tplan *t, sky_expr *e, const char *name) {
  assert_true(t->p.n_outputs < TP_MAX);
  t->p.output_names[t->p.n_outputs] = name;
  t->p.output_types[t->p.n_outputs] = sky_expr_column_type(&t->p, e); /* what the binder's last pass does */
  t->p.outputs[t->p.n_outputs++] = e;
}

void tp_order(tplan *t, sky_expr *e, bool desc) {
  assert_true(t->p.n_order < TP_MAX);
  t->p.order[t->p.n_order].expr = e;
  t->p.order[t->p.n_order++].desc = desc;
}

void tp_having(tplan *t, sky_expr *e) { t->p.having = e; }

void tp_session(tplan *t, int64_t gap_us) {
  t->p.session_gap_us = gap_us;
  t->p.need_ts = true;
}

/* ---- chunks ------------------------------------------------------------------ */

tchunk *tc_new(uint32_t n_props, const sky_prop_type *types) {
  tchunk *c = calloc(1, sizeof *c);
  assert_non_null(c);
  assert_true(n_props <= 16);
  c->n_props = n_props;
  for (uint32_t i = 0; i < n_props; i++) c->types[i] = types[i];
  c->cap_events = 16;
  c->cap_objects = 16;
  c->obj_id = calloc(c->cap_objects, 8);
  c->obj_start = calloc(c->cap_objects + 1, 8);
  c->ts = calloc(c->cap_events, 8);
  c->action = calloc(c->cap_events, 4);
  for (uint32_t i = 0; i < n_props; i++) {
    c->values[i] = calloc(c->cap_events, 8);
    c->present[i] = calloc(c->cap_events, 1);
  }
  return c;
}

void tc_free(tchunk *c) {
  if (!c) return;
  free(c->obj_id);
  free(c->obj_start);
  free(c->ts);
  free(c->action);
  for (uint32_t i = 0; i < c->n_props; i++) {
    free(c->values[i]);
    free(c->present[i]);
  }
  free(c);
}

/* Points the sky_chunk at the current arrays. */
static void tc_sync(tchunk *c) {
  c->c.obj_id = c->obj_id;
  c->c.obj_start = c->obj_start;
  c->c.ts = c->ts;
  c->c.action = c->action;
  for (uint32_t i = 0; i < c->n_props; i++) {
    c->cols[i].values = c->values[i];
    c->cols[i].present = c->present[i];
  }
  c->c.cols = c->cols;
}

void tc_object(tchunk *c, uint64_t id) {
  if (c->c.n_objects == c->cap_objects) {
    c->cap_objects *= 2;
    c->obj_id = realloc(c->obj_id, c->cap_objects * 8);
    c->obj_start = realloc(c->obj_start, (c->cap_objects + 1) * 8);
    assert_true(c->obj_id && c->obj_start);
  }
  c->obj_id[c->c.n_objects] = id;
  c->obj_start[c->c.n_objects] = c->c.n_events;
  c->c.n_objects++;
  c->obj_start[c->c.n_objects] = c->c.n_events;
  tc_sync(c);
}

uint64_t tc_event(tchunk *c, int64_t ts, uint32_t action) {
  assert_true(c->c.n_objects > 0);
  if (c->c.n_events == c->cap_events) {
    size_t old = c->cap_events;
    c->cap_events *= 2;
    c->ts = realloc(c->ts, c->cap_events * 8);
    c->action = realloc(c->action, c->cap_events * 4);
    assert_true(c->ts && c->action);
    for (uint32_t i = 0; i < c->n_props; i++) {
      c->values[i] = realloc(c->values[i], c->cap_events * 8);
      c->present[i] = realloc(c->present[i], c->cap_events);
      assert_true(c->values[i] && c->present[i]);
      memset((char *)c->values[i] + old * 8, 0, old * 8);
      memset(c->present[i] + old, 0, old);
    }
  }
  uint64_t i = c->c.n_events++;
  c->ts[i] = ts;
  c->action[i] = action;
  c->obj_start[c->c.n_objects] = c->c.n_events;
  tc_sync(c);
  return i;
}

static uint64_t last_event(tchunk *c, uint32_t prop, sky_prop_type type) {
  assert_true(c->c.n_events > 0 && prop < c->n_props);
  assert_int_equal(c->types[prop], type);
  uint64_t i = c->c.n_events - 1;
  c->present[prop][i] = 1;
  return i;
}

void tc_int(tchunk *c, uint32_t prop, int64_t v) {
  uint64_t i = last_event(c, prop, SKY_PTYPE_INT);
  ((int64_t *)c->values[prop])[i] = v;
}

void tc_float(tchunk *c, uint32_t prop, double v) {
  uint64_t i = last_event(c, prop, SKY_PTYPE_FLOAT);
  ((double *)c->values[prop])[i] = v;
}

void tc_bool(tchunk *c, uint32_t prop, bool v) {
  uint64_t i = last_event(c, prop, SKY_PTYPE_BOOL);
  ((uint8_t *)c->values[prop])[i] = v;
}

void tc_code(tchunk *c, uint32_t prop, uint32_t code) {
  uint64_t i = last_event(c, prop, SKY_PTYPE_STRING);
  ((uint32_t *)c->values[prop])[i] = code;
}

/* ---- running ------------------------------------------------------------------ */

void tp_runtime(tplan *t, sky_runtime *rt, size_t memory_limit) {
  memset(rt, 0, sizeof *rt);
  rt->plan = &t->p;
  rt->rc = t->rc_words;
  rt->budget.limit = memory_limit;
}

int tp_eval_event(tplan *t, const tchunk *c, uint64_t k, uint64_t i, const sky_expr *e, sky_ival *out) {
  sky_runtime rt;
  tp_runtime(t, &rt, 0);
  sky_eval_env env = {.rt = &rt, .chunk = &c->c, .event = i, .obj = c->obj_id[k]};
  return sky_interp_eval(&env, e, out);
}

int tp_eval(tplan *t, const sky_expr *e, sky_ival *out) {
  sky_runtime rt;
  tp_runtime(t, &rt, 0);
  sky_eval_env env = {.rt = &rt};
  return sky_interp_eval(&env, e, out);
}

typedef struct chunk_source {
  tchunk **parts;
} chunk_source;

static int read_chunk(void *ctx, uint32_t part, const sky_colset *need, sky_chunk *out, sky_error *err) {
  (void)need, (void)err;
  chunk_source *s = ctx;
  static const sky_chunk empty = {0};
  static const uint64_t zero_start[1] = {0};
  if (s->parts[part]) {
    *out = s->parts[part]->c;
  } else {
    *out = empty;
    out->obj_start = zero_start;
  }
  return 0;
}

static void release_chunk(void *ctx, sky_chunk *chunk) { (void)ctx, (void)chunk; }

sky_result *tp_run(tplan *t, tchunk **parts, uint32_t n, const sky_select_opts *opts, sky_error *err) {
  sky_runtime rt;
  tp_runtime(t, &rt, opts->memory_limit);
  rt.deadline_ns = opts->deadline_ns;
  rt.cancel = opts->cancel;
  chunk_source cs = {parts};
  sky_part_source src = {.n_parts = n, .read = read_chunk, .release = release_chunk, .ctx = &cs};
  sky_colset need = {.ts = true, .action = true, .props = t->p.need_props};
  return sky_select_run_source(&rt, &src, &need, opts, err);
}

sky_result *tp_run_ok(tplan *t, tchunk **parts, uint32_t n) {
  sky_select_opts opts = {.scan = sky_interp_scan};
  sky_error err;
  sky_error_clear(&err);
  sky_result *r = tp_run(t, parts, n, &opts, &err);
  if (!r) fail_msg("query failed: %s: %s", sky_code_name(err.code), err.message);
  return r;
}

/* ---- checks --------------------------------------------------------------------- */

void expect_cols(const sky_result *r, size_t n_rows, size_t n_cols) {
  assert_int_equal(sky_result_kind_of(r), SKY_RESULT_ROWS);
  assert_int_equal(sky_result_rows(r), n_rows);
  assert_int_equal(sky_result_columns(r), n_cols);
}

static const sky_value *cell(const sky_result *r, size_t row, size_t col, sky_type type) {
  assert_true(row < sky_result_rows(r) && col < sky_result_columns(r));
  const sky_value *v = sky_result_cell(r, row, col);
  if (v->type != type) fail_msg("row %zu col %zu: type %d, expected %d", row, col, (int)v->type, (int)type);
  return v;
}

void expect_int(const sky_result *r, size_t row, size_t col, int64_t v) {
  const sky_value *c = cell(r, row, col, SKY_TYPE_INT);
  if (c->as.i != v) fail_msg("row %zu col %zu: %lld, expected %lld", row, col, (long long)c->as.i, (long long)v);
}

void expect_uint(const sky_result *r, size_t row, size_t col, uint64_t v) {
  assert_int_equal(cell(r, row, col, SKY_TYPE_OBJECT)->as.u, v);
}

void expect_float(const sky_result *r, size_t row, size_t col, double v) {
  const sky_value *c = cell(r, row, col, SKY_TYPE_FLOAT);
  if (memcmp(&c->as.f, &v, 8) != 0 && !(isnan(v) && isnan(c->as.f)))
    fail_msg("row %zu col %zu: %.17g, expected %.17g", row, col, c->as.f, v);
}

void expect_bool(const sky_result *r, size_t row, size_t col, bool v) {
  assert_int_equal(cell(r, row, col, SKY_TYPE_BOOL)->as.b, v);
}

void expect_str(const sky_result *r, size_t row, size_t col, const char *s) {
  const sky_value *c = cell(r, row, col, SKY_TYPE_STRING);
  if (c->as.s.len != strlen(s) || memcmp(c->as.s.ptr, s, c->as.s.len) != 0)
    fail_msg("row %zu col %zu: '%.*s', expected '%s'", row, col, (int)c->as.s.len, c->as.s.ptr, s);
}

void expect_null(const sky_result *r, size_t row, size_t col) { cell(r, row, col, SKY_TYPE_NULL); }
