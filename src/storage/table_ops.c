/* table_ops.c — ALTER TABLE ADD and DELETE OBJECT.
 *
 * ALTER never rewrites data: it appends the property to a new schema
 * version. Segments written before it lack the column and read NULL; the
 * memtable is rotated first, so rows of the new schema go to a memtable
 * (and WAL file) that has the column.
 *
 * DELETE OBJECT records a tombstone (object, seq) in the manifest: the
 * object's events in sources older than seq are dropped at read time and
 * physically by compaction. In-memory rows are never subject to tombstones:
 * when the memtable holds rows of the object, it is flushed first, so those
 * rows land in a segment older than the tombstone, and rows inserted later
 * stay visible.
 */
#include <string.h>

#include "common/alloc.h"
#include "common/error.h"
#include "storage/table_int.h"

int sky_check_prop(const sky_prop *p, sky_error *err); /* store.c */

static sky_schema *schema_add(const sky_schema *s, const sky_prop *prop) {
  sky_schema *n = sky_calloc(1, sizeof *n);
  if (!n) return NULL;
  *n = *s;
  n->props = sky_calloc((size_t)s->n_props + 1, sizeof *n->props);
  if (!n->props) {
    sky_free(n);
    return NULL;
  }
  memcpy(n->props, s->props, s->n_props * sizeof *n->props);
  n->props[n->n_props++] = *prop;
  n->version++;
  return n;
}

static int add_locked(sky_table *t, const sky_prop *prop, sky_error *err) {
  const sky_schema *cur = t->v->schema;
  if (sky_schema_find(cur, prop->name, strlen(prop->name)) >= 0)
    return sky_error_set(err, SKY_ERR_ALREADY_EXISTS, 0, 0, "property '%s' already exists", prop->name);
  if (cur->n_props >= SKY_MAX_PROPS) return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "too many properties");
  uint32_t dict_id = sky_prop_dict(cur->n_props);
  if (prop->type == SKY_PTYPE_STRING && !t->dicts[dict_id] && !(t->dicts[dict_id] = sky_dict_create()))
    return sky_error_oom(err);
  /* A STRING TO literal gets its code now: the commit below persists the
   * dictionary before the manifest that names the property (schema.h). */
  uint32_t to_code;
  if (prop->type == SKY_PTYPE_STRING && prop->has_to &&
      sky_dict_intern(t->dicts[dict_id], prop->to_str, prop->to_len, &to_code, err) != 0)
    return -1;
  sky_schema *ns = schema_add(cur, prop);
  if (!ns) return sky_error_oom(err);
  int rc = 0;
  if (t->n_frozen >= SKY_MAX_FROZEN) rc = sky_flush_locked(t, false, err);
  if (rc == 0) rc = sky_rotate_wal(t, ns, err);
  sky_version *nv = rc == 0 ? sky_version_clone(t->v) : NULL;
  sky_dictmeta *dicts = nv ? sky_realloc(nv->dicts, ((size_t)nv->n_dicts + 1) * sizeof *dicts) : NULL;
  if (rc == 0 && !dicts) rc = sky_error_oom(err);
  if (rc != 0) {
    sky_version_unref(nv);
    sky_schema_free(ns);
    return -1;
  }
  nv->dicts = dicts;
  nv->dicts[nv->n_dicts++] = (sky_dictmeta){0, 0};
  sky_schema_free(nv->schema);
  nv->schema = ns;
  return sky_commit_version(t, nv, NULL, err);
}

int sky_table_add_property(sky_table *t, const sky_prop *prop, sky_error *err) {
  if (sky_check_prop(prop, err) != 0) return -1;
  pthread_mutex_lock(&t->commit_mu);
  int rc = sky_table_check(t, err) == 0 ? add_locked(t, prop, err) : -1;
  pthread_mutex_unlock(&t->commit_mu);
  return rc;
}

static bool mem_has(const sky_snapshot *s, uint32_t part, uint64_t obj) {
  for (uint32_t m = 0; m < s->n_mem; m++)
    for (uint64_t i = 0; i < s->mem_rows[m][part]; i++)
      if (*(const uint64_t *)sky_cvec_at(&s->mem[m]->part[part].obj, i) == obj) return true;
  return false;
}

/* Whether obj has visible events, and whether some are in memory. */
static int find_object(sky_table *t, uint64_t obj, bool *found, bool *in_mem, sky_error *err) {
  sky_snapshot *s = sky_table_snapshot(t, err);
  if (!s) return -1;
  uint32_t part = sky_partition_of(obj);
  sky_centry *e;
  int rc = sky_snapshot_rows(s, part, false, &e, err);
  if (rc == 0) {
    const sky_prows *rows = sky_centry_data(e);
    uint64_t lo = 0, hi = rows->n_objects;
    while (lo < hi) {
      uint64_t mid = lo + (hi - lo) / 2;
      if (rows->obj_id[mid] < obj) lo = mid + 1;
      else hi = mid;
    }
    *found = lo < rows->n_objects && rows->obj_id[lo] == obj;
    *in_mem = *found && mem_has(s, part, obj);
    sky_cache_unpin(t->st->cache, e);
  }
  sky_snapshot_release(s);
  return rc;
}

static int delete_locked(sky_table *t, uint64_t obj, bool *existed, sky_error *err) {
  bool in_mem = false;
  if (find_object(t, obj, existed, &in_mem, err) != 0) return -1;
  if (!*existed) return 0;
  if (in_mem && sky_flush_locked(t, true, err) != 0) return -1;
  sky_version *nv = sky_version_clone(t->v);
  if (!nv || sky_version_put_tomb(nv, obj, nv->next_seq) != 0) {
    sky_version_unref(nv);
    return sky_error_oom(err);
  }
  nv->next_seq++;
  sky_publish pub = {0};
  pub.content[sky_partition_of(obj)] = true;
  return sky_commit_version(t, nv, &pub, err);
}

int sky_table_delete_object(sky_table *t, uint64_t obj, bool *existed, sky_error *err) {
  *existed = false;
  if (sky_table_check(t, err) != 0) return -1;
  if (obj == 0) return 0; /* never stored */
  pthread_mutex_lock(&t->commit_mu);
  int rc = sky_table_check(t, err) == 0 ? delete_locked(t, obj, existed, err) : -1;
  pthread_mutex_unlock(&t->commit_mu);
  if (rc != 0) *existed = false;
  return rc;
}
