/* exec_insert.c — INSERT INTO t (columns) VALUES (...), ... and DELETE OBJECT.
 *
 * An INSERT is checked and converted completely into one batch before the
 * storage engine sees it, so a bad value anywhere rejects the whole
 * statement (all or nothing). Values convert by the column they land in;
 * errors point at the offending literal.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/alloc.h"
#include "common/error.h"
#include "common/timeutil.h"
#include "db/db_internal.h"

enum { COL_OBJECT = -1, COL_TIMESTAMP = -2, COL_ACTION = -3 };

static const char *lit_kind_name(sky_lit_kind k) {
  static const char *const names[] = {"NULL", "integer", "integer", "number", "string", "boolean"};
  return names[k];
}

/* Maps INSERT's column list to COL_* or property indexes. */
static int map_columns(const sky_stmt *stmt, const sky_schema *schema, int *map, sky_error *err) {
  bool have_obj = false, have_ts = false;
  for (uint32_t c = 0; c < stmt->n_columns; c++) {
    const char *name = stmt->columns[c];
    sky_pos pos = stmt->column_pos[c];
    if (strcasecmp(name, "object") == 0) map[c] = COL_OBJECT, have_obj = true;
    else if (strcasecmp(name, "timestamp") == 0) map[c] = COL_TIMESTAMP, have_ts = true;
    else if (strcasecmp(name, "action") == 0) map[c] = COL_ACTION;
    else if ((map[c] = sky_schema_find(schema, name, strlen(name))) < 0)
      return sky_error_set(err, SKY_ERR_UNKNOWN_PROPERTY, pos.line, pos.column, "unknown property '%s'", name);
    for (uint32_t d = 0; d < c; d++)
      if (map[d] == map[c])
        return sky_error_set(err, SKY_ERR_SEMANTIC, pos.line, pos.column, "column '%s' is listed twice", name);
  }
  if (!have_obj || !have_ts)
    return sky_error_set(err, SKY_ERR_SEMANTIC, stmt->table_pos.line, stmt->table_pos.column,
                         "INSERT needs the columns object and timestamp");
  return 0;
}

static int bad(sky_error *err, const sky_lit *l, const char *column, const char *what) {
  return sky_error_set(err, SKY_ERR_BAD_VALUE, l->pos.line, l->pos.column, "%s for column '%s', got %s", what, column,
                       lit_kind_name(l->kind));
}

static int convert_object(const sky_lit *l, uint64_t *obj, sky_error *err) {
  if (l->kind == SKY_LIT_UINT) *obj = l->u;
  else if (l->kind == SKY_LIT_INT && l->i > 0) *obj = (uint64_t)l->i;
  else if (l->kind == SKY_LIT_INT)
    return sky_error_set(err, SKY_ERR_BAD_VALUE, l->pos.line, l->pos.column,
                         "object id must be between 1 and 18446744073709551615, got %lld", (long long)l->i);
  else return bad(err, l, "object", "expected an object id");
  return 0;
}

static int convert_timestamp(const sky_lit *l, int64_t *ts, sky_error *err) {
  if (l->kind == SKY_LIT_INT) {
    *ts = l->i;
  } else if (l->kind == SKY_LIT_STRING) {
    if (sky_parse_iso8601(l->s, l->len, ts) != 0) {
      char q[72];
      sky_error_quote(q, l->s, l->len);
      return sky_error_set(err, SKY_ERR_BAD_VALUE, l->pos.line, l->pos.column, "'%s' is not an ISO-8601 timestamp", q);
    }
  } else {
    return bad(err, l, "timestamp", "expected microseconds or an ISO-8601 string");
  }
  if (!sky_ts_valid(*ts))
    return sky_error_set(err, SKY_ERR_BAD_VALUE, l->pos.line, l->pos.column,
                         "timestamp %lld is outside years 0000-9999", (long long)*ts);
  return 0;
}

/* Stores property value `l` into row `row` of the batch. */
static int set_prop(sky_batch *b, size_t row, uint32_t p, const sky_lit *l, sky_error *err) {
  const sky_prop *prop = &b->schema->props[p];
  if (l->kind == SKY_LIT_NULL) return 0;
  switch (prop->type) {
  case SKY_PTYPE_INT:
    if (l->kind != SKY_LIT_INT) return bad(err, l, prop->name, "expected an INT");
    sky_batch_set_int(b, row, p, l->i);
    return 0;
  case SKY_PTYPE_FLOAT:
    if (l->kind == SKY_LIT_INT) sky_batch_set_float(b, row, p, (double)l->i);
    else if (l->kind == SKY_LIT_FLOAT && isfinite(l->f)) sky_batch_set_float(b, row, p, l->f);
    else return bad(err, l, prop->name, "expected a finite FLOAT");
    return 0;
  case SKY_PTYPE_BOOL:
    if (l->kind != SKY_LIT_BOOL) return bad(err, l, prop->name, "expected a BOOL");
    sky_batch_set_bool(b, row, p, l->b);
    return 0;
  case SKY_PTYPE_STRING:
    if (l->kind != SKY_LIT_STRING) return bad(err, l, prop->name, "expected a STRING");
    return sky_batch_set_string(b, row, p, l->s, l->len) == 0 ? 0 : sky_error_oom(err);
  }
  return 0;
}

static int add_row(sky_batch *b, const sky_stmt *stmt, const int *map, const sky_lit *lits, sky_error *err) {
  uint64_t obj = 0;
  int64_t ts = 0;
  for (uint32_t c = 0; c < stmt->n_columns; c++) {
    if (map[c] == COL_OBJECT && convert_object(&lits[c], &obj, err) != 0) return -1;
    if (map[c] == COL_TIMESTAMP && convert_timestamp(&lits[c], &ts, err) != 0) return -1;
  }
  int64_t row = sky_batch_add_row(b, obj, ts);
  if (row < 0) return sky_error_oom(err);
  for (uint32_t c = 0; c < stmt->n_columns; c++) {
    const sky_lit *l = &lits[c];
    if (map[c] == COL_ACTION) {
      if (l->kind == SKY_LIT_NULL) continue;
      if (l->kind != SKY_LIT_STRING) return bad(err, l, "action", "expected a STRING");
      if (sky_batch_set_action(b, (size_t)row, l->s, l->len) != 0) return sky_error_oom(err);
    } else if (map[c] >= 0 && set_prop(b, (size_t)row, (uint32_t)map[c], l, err) != 0) {
      return -1;
    }
  }
  if (!sky_batch_row_has_content(b, (size_t)row))
    return sky_error_set(err, SKY_ERR_BAD_VALUE, lits[0].pos.line, lits[0].pos.column,
                         "row %zu has no action and no property value", (size_t)row + 1);
  return 0;
}

sky_result *sky_exec_insert(sky_conn *conn, const sky_stmt *stmt, sky_error *err) {
  sky_table *t = sky_exec_table(conn, stmt, err);
  if (!t) return NULL;
  sky_snapshot *snap = sky_table_snapshot(t, err);
  sky_batch *b = NULL;
  int *map = NULL;
  sky_result *r = NULL;
  if (!snap) goto done;
  const sky_schema *schema = sky_snapshot_schema(snap);
  map = sky_calloc(stmt->n_columns ? stmt->n_columns : 1, sizeof *map);
  b = sky_batch_create(schema);
  if (!map || !b) {
    sky_error_oom(err);
    goto done;
  }
  if (map_columns(stmt, schema, map, err) != 0) goto done;
  for (uint32_t i = 0; i < stmt->n_rows; i++)
    if (add_row(b, stmt, map, stmt->rows[i], err) != 0) goto done;
  if (sky_table_insert(t, b, err) != 0) goto done;
  char msg[64];
  snprintf(msg, sizeof msg, "inserted %u event%s", stmt->n_rows, stmt->n_rows == 1 ? "" : "s");
  r = sky_result_new_message(msg, stmt->n_rows);
  if (!r) sky_error_oom(err);
done:
  sky_batch_free(b);
  sky_free(map);
  if (snap) sky_snapshot_release(snap);
  sky_table_release(t);
  return r;
}

sky_result *sky_exec_delete_object(sky_conn *conn, const sky_stmt *stmt, sky_error *err) {
  sky_table *t = sky_exec_table(conn, stmt, err);
  if (!t) return NULL;
  bool existed = false;
  int rc = sky_table_delete_object(t, stmt->object, &existed, err);
  sky_table_release(t);
  if (rc != 0) return NULL;
  char msg[96];
  snprintf(msg, sizeof msg, existed ? "deleted object %llu" : "object %llu has no events",
           (unsigned long long)stmt->object);
  sky_result *r = sky_result_new_message(msg, -1);
  if (!r) sky_error_oom(err);
  return r;
}
