/* exec_ddl.c — CREATE/ALTER/DROP TABLE, SHOW TABLES and DESCRIBE.
 *
 * Counts (events and objects per table, per property) are computed from the
 * same decoded partitions queries read, so they are exact and reflect every
 * acknowledged write; the decoded-chunk cache makes repeated calls cheap.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/error.h"
#include "db/db_internal.h"

static sky_result *message(const char *msg, sky_error *err) {
  sky_result *r = sky_result_new_message(msg, -1);
  if (!r) sky_error_oom(err);
  return r;
}

/* Property definitions must not use reserved names or repeat a name. */
static int check_propdefs(const sky_stmt *stmt, sky_error *err) {
  for (uint32_t i = 0; i < stmt->n_props; i++) {
    const sky_propdef *d = &stmt->props[i];
    if (sky_name_is_reserved(d->prop.name, strlen(d->prop.name)))
      return sky_error_set(err, SKY_ERR_SEMANTIC, d->pos.line, d->pos.column,
                           "'%s' is a reserved name and cannot be a property", d->prop.name);
    for (uint32_t j = 0; j < i; j++)
      if (strcmp(stmt->props[j].prop.name, d->prop.name) == 0)
        return sky_error_set(err, SKY_ERR_ALREADY_EXISTS, d->pos.line, d->pos.column, "property '%s' is declared twice",
                             d->prop.name);
  }
  return 0;
}

/* propdef ... EXPIRES AFTER d [TO literal] (PATHS.md §8): the stored
 * property. Only a STATE property lapses; d > 0; the TO literal has the
 * property's type (an INT literal is also a FLOAT, as in INSERT; TO NULL is
 * the default). */
static int propdef_prop(const sky_propdef *d, sky_prop *out, sky_error *err) {
  *out = d->prop;
  if (!d->has_expires) return 0;
  if (d->prop.kind != SKY_KIND_STATE)
    return sky_error_set(err, SKY_ERR_SEMANTIC, d->expires_pos.line, d->expires_pos.column,
                         "EXPIRES applies to STATE properties; '%s' is an EVENT property", d->prop.name);
  if (d->expires_us == 0 || d->expires_us > INT64_MAX)
    return sky_error_set(err, SKY_ERR_SEMANTIC, d->expires_at.line, d->expires_at.column,
                         "EXPIRES AFTER of '%s' must be a positive duration", d->prop.name);
  out->expires_us = (int64_t)d->expires_us;
  const sky_lit *l = d->to;
  if (!l || l->kind == SKY_LIT_NULL) return 0;
  const char *want = sky_prop_type_name(d->prop.type);
  bool ok = true;
  switch (d->prop.type) {
  case SKY_PTYPE_INT: ok = l->kind == SKY_LIT_INT, out->to_word = (uint64_t)l->i; break;
  case SKY_PTYPE_FLOAT: {
    double f = l->kind == SKY_LIT_INT ? (double)l->i : l->f;
    ok = (l->kind == SKY_LIT_INT || l->kind == SKY_LIT_FLOAT) && isfinite(f);
    memcpy(&out->to_word, &f, sizeof f);
    break;
  }
  case SKY_PTYPE_BOOL: ok = l->kind == SKY_LIT_BOOL, out->to_word = l->b; break;
  case SKY_PTYPE_STRING:
    ok = l->kind == SKY_LIT_STRING;
    if (ok && l->len > SKY_MAX_TO_STR)
      return sky_error_set(err, SKY_ERR_SEMANTIC, l->pos.line, l->pos.column,
                           "the TO literal of '%s' is longer than %d bytes", d->prop.name, SKY_MAX_TO_STR);
    if (ok) memcpy(out->to_str, l->s, l->len), out->to_str[l->len] = '\0', out->to_len = (uint32_t)l->len;
    break;
  }
  if (!ok)
    return sky_error_set(err, SKY_ERR_SEMANTIC, l->pos.line, l->pos.column, "the TO literal of '%s' must be %s %s",
                         d->prop.name, d->prop.type == SKY_PTYPE_INT ? "an" : "a", want);
  out->has_to = true;
  return 0;
}

static void locate(sky_error *err, sky_pos pos) {
  if (err->line == 0) {
    err->line = pos.line;
    err->column = pos.column;
  }
}

sky_result *sky_exec_create_table(sky_conn *conn, const sky_stmt *stmt, sky_error *err) {
  if (check_propdefs(stmt, err) != 0) return NULL;
  sky_prop *props = sky_calloc(stmt->n_props ? stmt->n_props : 1, sizeof *props);
  if (!props) return sky_error_oom(err), NULL;
  for (uint32_t i = 0; i < stmt->n_props; i++)
    if (propdef_prop(&stmt->props[i], &props[i], err) != 0) {
      sky_free(props);
      return NULL;
    }
  int rc = sky_store_create_table(conn->db->store, stmt->table, props, stmt->n_props, err);
  sky_free(props);
  if (rc != 0) {
    if (err->code == SKY_ERR_ALREADY_EXISTS) locate(err, stmt->table_pos);
    return NULL;
  }
  char msg[SKY_MAX_NAME + 32];
  snprintf(msg, sizeof msg, "created table %s", stmt->table);
  return message(msg, err);
}

sky_result *sky_exec_alter_add(sky_conn *conn, const sky_stmt *stmt, sky_error *err) {
  if (check_propdefs(stmt, err) != 0) return NULL;
  sky_prop prop;
  if (propdef_prop(&stmt->props[0], &prop, err) != 0) return NULL;
  sky_table *t = sky_exec_table(conn, stmt, err);
  if (!t) return NULL;
  int rc = sky_table_add_property(t, &prop, err);
  sky_table_release(t);
  if (rc != 0) {
    locate(err, stmt->props[0].pos);
    return NULL;
  }
  char msg[2 * SKY_MAX_NAME + 32];
  snprintf(msg, sizeof msg, "added property %s to %s", stmt->props[0].prop.name, stmt->table);
  return message(msg, err);
}

sky_result *sky_exec_drop_table(sky_conn *conn, const sky_stmt *stmt, sky_error *err) {
  if (sky_store_drop_table(conn->db->store, stmt->table, err) != 0) {
    if (err->code == SKY_ERR_UNKNOWN_TABLE) locate(err, stmt->table_pos);
    return NULL;
  }
  char msg[SKY_MAX_NAME + 32];
  snprintf(msg, sizeof msg, "dropped table %s", stmt->table);
  return message(msg, err);
}

/* Per-table or per-property counts gathered over every partition. */
typedef struct counts {
  uint64_t events, objects;
  uint64_t *prop_events, *prop_objects; /* [n_props] or NULL */
} counts;

static void count_props(const sky_chunk *c, uint32_t n_props, counts *out) {
  for (uint32_t p = 0; p < n_props; p++) {
    const uint8_t *present = c->cols[p].present;
    if (!present) continue;
    for (uint64_t k = 0; k < c->n_objects; k++) {
      uint64_t n = 0;
      for (uint64_t i = c->obj_start[k]; i < c->obj_start[k + 1]; i++) n += present[i];
      out->prop_events[p] += n;
      out->prop_objects[p] += n > 0;
    }
  }
}

static int count_table(sky_snapshot *snap, bool per_prop, counts *out, sky_error *err) {
  const sky_schema *schema = sky_snapshot_schema(snap);
  uint8_t *need = NULL;
  if (per_prop && schema->n_props) {
    need = sky_malloc(schema->n_props);
    if (!need) return sky_error_oom(err);
    memset(need, 1, schema->n_props);
  }
  sky_colset cols = {.props = need};
  int rc = 0;
  for (uint32_t part = 0; part < SKY_PARTITIONS && rc == 0; part++) {
    sky_chunk c;
    rc = sky_snapshot_read_partition(snap, part, &cols, &c, err);
    if (rc != 0) break;
    out->events += c.n_events;
    out->objects += c.n_objects;
    if (per_prop) count_props(&c, schema->n_props, out);
    sky_chunk_release(&c);
  }
  sky_free(need);
  return rc;
}

static int add_int(sky_value *cell, uint64_t v) {
  cell->type = SKY_TYPE_INT;
  cell->as.i = (int64_t)v;
  return 0;
}

static int table_row(sky_conn *conn, sky_result *r, const char *name, sky_error *err) {
  sky_table *t = sky_store_table(conn->db->store, name, err);
  if (!t) return err->code == SKY_ERR_UNKNOWN_TABLE ? 0 : -1; /* dropped meanwhile */
  sky_snapshot *snap = sky_table_snapshot(t, err);
  sky_table_release(t);
  if (!snap) return -1;
  counts n = {0};
  int rc = count_table(snap, false, &n, err);
  sky_snapshot_release(snap);
  if (rc != 0) return -1;
  sky_value *row = sky_result_append_row(r);
  if (!row || sky_result_set_string(r, &row[0], name, strlen(name)) != 0) return sky_error_oom(err);
  add_int(&row[1], n.events);
  add_int(&row[2], n.objects);
  return 0;
}

static sky_result *new_rows(const char *const *names, const sky_column_type *types, uint32_t n, sky_error *err) {
  sky_result *r = sky_result_new_rows(n);
  for (uint32_t i = 0; r && i < n; i++)
    if (sky_result_set_column(r, i, names[i], strlen(names[i]), types[i]) != 0) {
      sky_result_free(r);
      r = NULL;
    }
  if (!r) sky_error_oom(err);
  return r;
}

sky_result *sky_exec_show_tables(sky_conn *conn, const sky_stmt *stmt, sky_error *err) {
  (void)stmt;
  static const char *const cols[] = {"table", "events", "objects"};
  static const sky_column_type types[] = {SKY_COLUMN_STRING, SKY_COLUMN_INT, SKY_COLUMN_INT};
  char **names = NULL;
  size_t n = 0;
  if (sky_store_list_tables(conn->db->store, &names, &n, err) != 0) return NULL;
  sky_result *r = new_rows(cols, types, 3, err);
  for (size_t i = 0; r && i < n; i++) {
    if (table_row(conn, r, names[i], err) != 0) {
      sky_result_free(r);
      r = NULL;
    }
  }
  for (size_t i = 0; i < n; i++) sky_free(names[i]);
  sky_free(names);
  return r;
}

/* DESCRIBE's expires_to: the TO literal as it would be written (strings
 * quoted, '' doubled), so 'NULL' and NULL stay apart; NULL without TO. */
static int to_text(sky_result *r, sky_value *cell, const sky_prop *prop) {
  sky_buf b;
  sky_buf_init(&b);
  double f;
  switch (prop->type) {
  case SKY_PTYPE_INT: sky_buf_printf(&b, "%lld", (long long)(int64_t)prop->to_word); break;
  case SKY_PTYPE_FLOAT: { /* the shortest text that reads back as the same double, with a '.' */
    char s[40];
    memcpy(&f, &prop->to_word, sizeof f);
    for (int digits = 1; digits <= 17; digits++)
      if (snprintf(s, sizeof s, "%.*g", digits, f), strtod(s, NULL) == f) break;
    sky_buf_printf(&b, "%s%s", s, strpbrk(s, ".eni") ? "" : ".0");
    break;
  }
  case SKY_PTYPE_BOOL: sky_buf_puts(&b, prop->to_word ? "TRUE" : "FALSE"); break;
  case SKY_PTYPE_STRING:
    sky_buf_putc(&b, '\'');
    for (uint32_t i = 0; i < prop->to_len; i++) {
      if (prop->to_str[i] == '\'') sky_buf_putc(&b, '\'');
      sky_buf_putc(&b, prop->to_str[i]);
    }
    sky_buf_putc(&b, '\'');
    break;
  }
  int rc = b.failed ? -1 : sky_result_set_string(r, cell, b.data ? b.data : "", b.len);
  sky_buf_free(&b);
  return rc;
}

sky_result *sky_exec_describe(sky_conn *conn, const sky_stmt *stmt, sky_error *err) {
  static const char *const cols[] = {"property", "kind", "type", "events", "objects", "expires", "expires_to"};
  static const sky_column_type types[] = {SKY_COLUMN_STRING, SKY_COLUMN_STRING, SKY_COLUMN_STRING, SKY_COLUMN_INT,
                                          SKY_COLUMN_INT,    SKY_COLUMN_DURATION, SKY_COLUMN_STRING};
  sky_table *t = sky_exec_table(conn, stmt, err);
  if (!t) return NULL;
  sky_snapshot *snap = sky_table_snapshot(t, err);
  sky_table_release(t);
  if (!snap) return NULL;
  const sky_schema *schema = sky_snapshot_schema(snap);
  counts n = {0};
  n.prop_events = sky_calloc(schema->n_props + 1, sizeof(uint64_t));
  n.prop_objects = sky_calloc(schema->n_props + 1, sizeof(uint64_t));
  sky_result *r = NULL;
  if (!n.prop_events || !n.prop_objects) {
    sky_error_oom(err);
  } else if (count_table(snap, true, &n, err) == 0) {
    r = new_rows(cols, types, 7, err);
    for (uint32_t p = 0; r && p < schema->n_props; p++) {
      const sky_prop *prop = &schema->props[p];
      const char *kind = sky_prop_kind_name(prop->kind), *type = sky_prop_type_name(prop->type);
      sky_value *row = sky_result_append_row(r);
      if (!row || sky_result_set_string(r, &row[0], prop->name, strlen(prop->name)) ||
          sky_result_set_string(r, &row[1], kind, strlen(kind)) ||
          sky_result_set_string(r, &row[2], type, strlen(type))) {
        sky_result_free(r);
        r = NULL;
        sky_error_oom(err);
        break;
      }
      add_int(&row[3], n.prop_events[p]);
      add_int(&row[4], n.prop_objects[p]);
      if (prop->expires_us > 0) add_int(&row[5], (uint64_t)prop->expires_us);
      if (prop->has_to && to_text(r, &row[6], prop) != 0) {
        sky_result_free(r);
        r = NULL;
        sky_error_oom(err);
      }
    }
  }
  sky_free(n.prop_events);
  sky_free(n.prop_objects);
  sky_snapshot_release(snap);
  return r;
}
