/* exec_read.c — statements that read: SELECT (through the JIT or the
 * interpreter), EXPLAIN, EXPLAIN IR and GET OBJECT [AS OF].
 *
 * A SELECT binds against the schema of the snapshot it will read, so the
 * plan and the data always agree even while ALTER TABLE runs.
 */
#include <stdio.h>
#include <string.h>

#include "codegen/select.h"
#include "common/alloc.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/timeutil.h"
#include "db/db_internal.h"

int sky_exec_prop_cell(sky_result *r, sky_value *cell, sky_snapshot *snap, uint32_t prop, const sky_chunk *c,
                       uint64_t i) {
  const sky_chunk_col *col = &c->cols[prop];
  if (!col->present || !col->present[i]) return 0; /* NULL */
  switch (sky_snapshot_schema(snap)->props[prop].type) {
  case SKY_PTYPE_INT:
    cell->type = SKY_TYPE_INT;
    cell->as.i = ((const int64_t *)col->values)[i];
    return 0;
  case SKY_PTYPE_FLOAT:
    cell->type = SKY_TYPE_FLOAT;
    cell->as.f = ((const double *)col->values)[i];
    return 0;
  case SKY_PTYPE_BOOL:
    cell->type = SKY_TYPE_BOOL;
    cell->as.b = ((const uint8_t *)col->values)[i] != 0;
    return 0;
  case SKY_PTYPE_STRING: {
    const char *s;
    size_t len;
    sky_snapshot_dict_string(snap, sky_prop_dict(prop), ((const uint32_t *)col->values)[i], &s, &len);
    return sky_result_set_string(r, cell, s, len);
  }
  }
  return 0;
}

/* The display type of a property's column. */
static sky_column_type prop_column_type(const sky_prop *prop) {
  switch (prop->type) {
  case SKY_PTYPE_INT: return SKY_COLUMN_INT;
  case SKY_PTYPE_FLOAT: return SKY_COLUMN_FLOAT;
  case SKY_PTYPE_BOOL: return SKY_COLUMN_BOOL;
  case SKY_PTYPE_STRING: return SKY_COLUMN_STRING;
  }
  return SKY_COLUMN_STRING;
}

static int set_prop_column(sky_result *r, uint32_t col, const sky_prop *prop) {
  return sky_result_set_column(r, col, prop->name, strlen(prop->name), prop_column_type(prop));
}

/* A result with one text column and one row per line of `text`. */
static sky_result *lines_result(const char *column, const char *text, size_t len, sky_error *err) {
  sky_result *r = sky_result_new_rows(1);
  if (!r || sky_result_set_column(r, 0, column, strlen(column), SKY_COLUMN_STRING) != 0) goto oom;
  size_t start = 0;
  while (start < len) {
    const char *nl = memchr(text + start, '\n', len - start);
    size_t end = nl ? (size_t)(nl - text) : len;
    sky_value *row = sky_result_append_row(r);
    if (!row || sky_result_set_string(r, &row[0], text + start, end - start) != 0) goto oom;
    start = end + 1;
  }
  return r;
oom:
  sky_result_free(r);
  sky_error_oom(err);
  return NULL;
}

static sky_result *run_select(sky_conn *conn, const sky_stmt *stmt, const sky_plan *plan, sky_snapshot *snap,
                              sky_error *err) {
  sky_db *db = conn->db;
  sky_select_opts opts = {
      .pool = db->pool,
      .memory_limit = db->opt.query_memory_bytes,
      .cancel = &conn->cancel,
      .max_result_rows = db->opt.max_result_rows,
      .deadline_ns = conn->deadline_ns,
  };
  sky_jit_query *q = NULL;
  /* A plan of a kind the JIT does not compile, or over the compile budget,
   * runs on the interpreter (jit.h). */
  if (conn->engine == SKY_ENGINE_JIT && sky_jit_compiles(plan) && sky_jit_within_budget(plan)) {
    q = sky_jit_get(db->jit, plan, stmt->normalized, err);
    if (!q) return NULL;
    if (sky_exec_check(conn, err) != 0) { /* compiling took the time left */
      sky_jit_query_release(q);
      return NULL;
    }
    opts.scan = sky_jit_query_fn(q);
  } else {
    opts.scan = sky_interp_scan;
  }
  sky_result *r = sky_select_run(plan, snap, &opts, err);
  if (q) sky_jit_query_release(q);
  return r;
}

/* Every query statement: bound by its row's binder, then run, or its plan
 * or IR shown (EXPLAIN [IR]). */
sky_result *sky_exec_query(sky_conn *conn, const sky_stmt *stmt, sky_error *err) {
  sky_table *t = sky_exec_table(conn, stmt, err);
  if (!t) return NULL;
  sky_snapshot *snap = sky_table_snapshot(t, err);
  sky_table_release(t);
  if (!snap) return NULL;
  sky_arena arena;
  sky_arena_init(&arena);
  sky_plan *plan = NULL;
  sky_result *r = NULL;
  if (sky_bind_query(stmt, sky_snapshot_schema(snap), &arena, &plan, err) == 0 && sky_exec_check(conn, err) == 0) {
    sky_groups_layout(plan);
    if (stmt->explain == SKY_EXPLAIN_NONE) {
      r = run_select(conn, stmt, plan, snap, err);
    } else {
      sky_buf text;
      sky_buf_init(&text);
      int rc = 0;
      if (stmt->explain == SKY_EXPLAIN_PLAN) sky_plan_explain(plan, sky_snapshot_schema(snap), &text);
      else rc = sky_jit_explain_ir(conn->db->jit, plan, &text, err);
      if (rc == 0 && text.failed) rc = sky_error_oom(err);
      if (rc == 0)
        r = lines_result(stmt->explain == SKY_EXPLAIN_PLAN ? "plan" : "ir", text.data ? text.data : "", text.len, err);
      sky_buf_free(&text);
    }
  }
  sky_arena_free(&arena);
  sky_snapshot_release(snap);
  return r;
}

/* AS OF's instant: integer µs or an ISO-8601 string. */
static int as_of_instant(const sky_stmt *stmt, int64_t *ts, sky_error *err) {
  const sky_lit *l = &stmt->as_of;
  if (l->kind == SKY_LIT_INT) {
    *ts = l->i;
    return 0;
  }
  if (l->kind == SKY_LIT_STRING && sky_parse_iso8601(l->s, l->len, ts) == 0) return 0;
  char q[72];
  sky_error_quote(q, l->kind == SKY_LIT_STRING ? l->s : "", l->kind == SKY_LIT_STRING ? l->len : 0);
  return sky_error_set(err, SKY_ERR_BAD_VALUE, l->pos.line, l->pos.column,
                       "AS OF needs a timestamp (integer microseconds or ISO-8601), got '%s'", q);
}

static sky_result *path_rows(sky_snapshot *snap, const sky_chunk *c, sky_error *err) {
  const sky_schema *schema = sky_snapshot_schema(snap);
  sky_result *r = sky_result_new_rows(2 + schema->n_props);
  if (!r || sky_result_set_column(r, 0, "timestamp", 9, SKY_COLUMN_TIMESTAMP) ||
      sky_result_set_column(r, 1, "action", 6, SKY_COLUMN_STRING))
    goto oom;
  for (uint32_t p = 0; p < schema->n_props; p++)
    if (set_prop_column(r, 2 + p, &schema->props[p])) goto oom;
  for (uint64_t i = 0; i < c->n_events; i++) {
    sky_value *row = sky_result_append_row(r);
    if (!row) goto oom;
    row[0].type = SKY_TYPE_INT;
    row[0].as.i = c->ts[i];
    if (c->action[i]) {
      const char *s;
      size_t len;
      sky_snapshot_dict_string(snap, SKY_DICT_ACTION, c->action[i], &s, &len);
      if (sky_result_set_string(r, &row[1], s, len)) goto oom;
    }
    for (uint32_t p = 0; p < schema->n_props; p++)
      if (sky_exec_prop_cell(r, &row[2 + p], snap, p, c, i)) goto oom;
  }
  return r;
oom:
  sky_result_free(r);
  sky_error_oom(err);
  return NULL;
}

/* A lapsed property's TO value (NULL without TO). */
static int lapsed_cell(sky_result *r, sky_value *cell, const sky_prop *prop) {
  if (!prop->has_to) return 0;
  switch (prop->type) {
  case SKY_PTYPE_INT: cell->type = SKY_TYPE_INT, cell->as.i = (int64_t)prop->to_word; return 0;
  case SKY_PTYPE_FLOAT: cell->type = SKY_TYPE_FLOAT, memcpy(&cell->as.f, &prop->to_word, sizeof cell->as.f); return 0;
  case SKY_PTYPE_BOOL: cell->type = SKY_TYPE_BOOL, cell->as.b = prop->to_word != 0; return 0;
  case SKY_PTYPE_STRING: return sky_result_set_string(r, cell, prop->to_str, prop->to_len);
  }
  return 0;
}

/* One row: the last event at or before ts, and each STATE property's value
 * at ts: the latest non-NULL value up to that event, or its TO value when
 * it has lapsed by ts (PATHS.md §8, storage/schema.h's sky_state_lapsed;
 * the instant is ts itself, not the last event's time). */
static sky_result *state_row(sky_snapshot *snap, const sky_chunk *c, int64_t ts, sky_error *err) {
  const sky_schema *schema = sky_snapshot_schema(snap);
  sky_result *r = NULL;
  uint32_t col = 1;
  uint32_t n_state = 0;
  for (uint32_t p = 0; p < schema->n_props; p++) n_state += schema->props[p].kind == SKY_KIND_STATE;
  r = sky_result_new_rows(1 + n_state);
  if (!r || sky_result_set_column(r, 0, "timestamp", 9, SKY_COLUMN_TIMESTAMP)) goto oom;
  for (uint32_t p = 0; p < schema->n_props; p++)
    if (schema->props[p].kind == SKY_KIND_STATE && set_prop_column(r, col++, &schema->props[p])) goto oom;
  uint64_t n = sky_ts_upto(c->ts, 0, c->n_events, ts); /* events at or before ts */
  if (n == 0) return r; /* nothing known yet at ts */
  sky_value *row = sky_result_append_row(r);
  if (!row) goto oom;
  row[0].type = SKY_TYPE_INT;
  row[0].as.i = c->ts[n - 1];
  col = 1;
  for (uint32_t p = 0; p < schema->n_props; p++) {
    if (schema->props[p].kind != SKY_KIND_STATE) continue;
    uint64_t i = sky_col_last(&c->cols[p], 0, n); /* the event that set it */
    const sky_prop *prop = &schema->props[p];
    if (i != UINT64_MAX && sky_state_lapsed(prop->expires_us, c->ts[i], ts)) {
      if (lapsed_cell(r, &row[col], prop)) goto oom;
    } else if (i != UINT64_MAX && sky_exec_prop_cell(r, &row[col], snap, p, c, i)) {
      goto oom;
    }
    col++;
  }
  return r;
oom:
  sky_result_free(r);
  sky_error_oom(err);
  return NULL;
}

sky_result *sky_exec_get_object(sky_conn *conn, const sky_stmt *stmt, sky_error *err) {
  int64_t ts = 0;
  if (stmt->has_as_of && as_of_instant(stmt, &ts, err) != 0) return NULL;
  sky_table *t = sky_exec_table(conn, stmt, err);
  if (!t) return NULL;
  sky_snapshot *snap = sky_table_snapshot(t, err);
  sky_table_release(t);
  if (!snap) return NULL;
  sky_chunk c;
  sky_result *r = NULL;
  uint64_t max_rows = conn->db->opt.max_result_rows;
  if (sky_snapshot_read_object(snap, stmt->object, &c, err) == 0) {
    /* The row limit of every result (a path is a row per event). */
    if (!stmt->has_as_of && max_rows && c.n_events > max_rows)
      sky_error_set(err, SKY_ERR_RESULT_TOO_LARGE, 0, 0, "result has more than %llu rows",
                    (unsigned long long)max_rows);
    else
      r = stmt->has_as_of ? state_row(snap, &c, ts, err) : path_rows(snap, &c, err);
    sky_chunk_release(&c);
  }
  sky_snapshot_release(snap);
  return r;
}
