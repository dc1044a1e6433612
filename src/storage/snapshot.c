/* snapshot.c — snapshots and the read API of the query engines.
 *
 * Taking a snapshot copies, under the table's state mutex (no I/O inside),
 * a reference to the current version, the memtables with their visible row
 * counts, the dictionaries' sizes, and the partitions' layout and content
 * ids. Everything it refers to is immutable or append-only, so reads need
 * no lock and never block writers.
 *
 * A partition read assembles a sky_chunk from cache entries: the merged row
 * layout (object runs and per-source positions) keyed by layout id, and
 * each requested column keyed by content id. Missing entries are decoded
 * (part.c) and inserted; the chunk pins its entries until released.
 */
#include <string.h>

#include "common/alloc.h"
#include "common/error.h"
#include "storage/table_int.h"

sky_snapshot *sky_table_snapshot(sky_table *t, sky_error *err) {
  if (t->broken) {
    sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "%s", t->broken);
    return NULL;
  }
  sky_snapshot *s = sky_calloc(1, sizeof *s);
  if (!s || !(s->mem_rows = sky_calloc(SKY_MAX_FROZEN + 2, sizeof *s->mem_rows))) goto oom;
  pthread_mutex_lock(&t->state_mu);
  uint32_t n_dicts = t->v->n_dicts;
  s->dict_limit = sky_calloc(n_dicts, sizeof *s->dict_limit);
  if (!s->dict_limit) {
    pthread_mutex_unlock(&t->state_mu);
    goto oom;
  }
  s->v = t->v;
  sky_version_ref(s->v);
  for (uint32_t i = 0; i <= t->n_frozen; i++) {
    sky_memtable *m = i < t->n_frozen ? t->frozen[i] : t->active;
    sky_memtable_ref(m);
    s->mem[s->n_mem] = m;
    for (uint32_t p = 0; p < SKY_PARTITIONS; p++) s->mem_rows[s->n_mem][p] = m->part[p].visible;
    s->n_mem++;
  }
  memcpy(s->layout_id, t->layout_id, sizeof s->layout_id);
  memcpy(s->content_id, t->content_id, sizeof s->content_id);
  /* Read after the rows: every code they use was interned before. */
  for (uint32_t d = 0; d < n_dicts; d++) s->dict_limit[d] = t->dicts[d] ? sky_dict_count(t->dicts[d]) : 0;
  pthread_mutex_unlock(&t->state_mu);
  sky_table_ref(t);
  s->t = t;
  return s;
oom:
  if (s) sky_free(s->mem_rows);
  sky_free(s);
  sky_error_oom(err);
  return NULL;
}

void sky_snapshot_release(sky_snapshot *s) {
  if (!s) return;
  for (uint32_t i = 0; i < s->n_mem; i++) sky_memtable_unref(s->mem[i]);
  sky_version_unref(s->v);
  sky_free(s->mem_rows);
  sky_free(s->dict_limit);
  sky_table_release(s->t);
  sky_free(s);
}

const sky_schema *sky_snapshot_schema(const sky_snapshot *s) { return s->v->schema; }

uint32_t sky_snapshot_dict_size(const sky_snapshot *s, uint32_t dict) {
  return dict < s->v->n_dicts ? s->dict_limit[dict] : 0;
}

void sky_snapshot_dict_string(const sky_snapshot *s, uint32_t dict, uint32_t code, const char **str, size_t *len) {
  if (dict >= s->v->n_dicts || code == 0 || code > s->dict_limit[dict] || !s->t->dicts[dict]) {
    *str = "";
    *len = 0;
    return;
  }
  sky_dict_get(s->t->dicts[dict], code, str, len);
}

uint32_t sky_snapshot_dict_find(const sky_snapshot *s, uint32_t dict, const char *str, size_t len) {
  if (dict >= s->v->n_dicts || !s->t->dicts[dict]) return 0;
  return sky_dict_find(s->t->dicts[dict], str, len, s->dict_limit[dict]);
}

int sky_snapshot_pview(const sky_snapshot *s, uint32_t part, bool with_mem, sky_pview *pv, sky_error *err) {
  const sky_pstate *ps = &s->v->part[part];
  memset(pv, 0, sizeof *pv);
  pv->part = part;
  pv->schema = s->v->schema;
  pv->dict_limit = s->dict_limit;
  pv->tombs = ps->tombs;
  pv->n_tombs = ps->n_tombs;
  pv->src = sky_calloc(ps->n_src + s->n_mem + 1, sizeof *pv->src);
  if (!pv->src) return sky_error_oom(err);
  for (uint32_t k = 0; k < ps->n_src; k++) {
    const sky_section *sec = sky_segment_section(ps->src[k].seg, part, err);
    if (!sec) {
      sky_free(pv->src);
      pv->src = NULL;
      return -1;
    }
    pv->src[pv->n_src++] = (sky_src){.seg = ps->src[k].seg, .sec = sec, .seq = ps->src[k].seq};
  }
  for (uint32_t m = 0; with_mem && m < s->n_mem; m++)
    if (s->mem_rows[m][part]) pv->src[pv->n_src++] = (sky_src){.mt = s->mem[m], .n_rows = s->mem_rows[m][part]};
  return 0;
}

/* ---- cache entries --------------------------------------------------------- */

typedef struct col_data {
  void *vals;
  uint8_t *pres;
  uint32_t *pos; /* a sparse property column's present events, or NULL */
  uint64_t n_pos;
} col_data;

static void col_free(void *p) {
  col_data *c = p;
  sky_afree(c->vals);
  sky_afree(c->pres);
  sky_afree(c->pos);
  sky_free(c);
}

uint32_t *sky_positions_build(const uint8_t *present, uint64_t n, uint64_t max_pos, uint64_t *n_pos) {
  *n_pos = 0;
  if (!present || n > UINT32_MAX) return NULL;
  uint64_t count = 0;
  for (uint64_t i = 0; i < n; i++) count += present[i] != 0;
  if (count > max_pos) return NULL;
  uint32_t *pos = sky_aalloc((count ? count : 1) * sizeof *pos);
  if (!pos) return NULL;
  uint64_t k = 0;
  for (uint64_t i = 0; i < n; i++)
    if (present[i]) pos[k++] = (uint32_t)i;
  *n_pos = count;
  return pos;
}

void sky_positions_free(uint32_t *pos) { sky_afree(pos); }

static void rows_free(void *p) { sky_prows_free(p); }

/* Caches a decoded column of n events; a sparse property column gets its
 * positions too (an allocation failure there only costs the fast path). */
static sky_centry *put_col(sky_snapshot *s, uint32_t part, uint32_t col, void *vals, uint8_t *pres, uint64_t n,
                           size_t bytes, sky_error *err) {
  col_data *c = sky_malloc(sizeof *c);
  if (!c) {
    sky_afree(vals);
    sky_afree(pres);
    sky_error_oom(err);
    return NULL;
  }
  c->vals = vals;
  c->pres = pres;
  c->n_pos = 0;
  c->pos = col >= SKY_COL_PROP0 ? sky_positions_build(pres, n, n / SKY_SPARSE_RATIO, &c->n_pos) : NULL;
  bytes += (size_t)c->n_pos * sizeof *c->pos;
  sky_ckey k = {s->t->uid, s->content_id[part], part, col};
  sky_centry *e = sky_cache_put(s->t->st->cache, &k, c, bytes, col_free);
  if (!e) sky_error_oom(err);
  return e;
}

static int build_rows(sky_snapshot *s, const sky_pview *pv, uint32_t part, bool want_ts, sky_centry **out,
                      sky_error *err) {
  sky_prows *rows;
  if (sky_prows_build(pv, want_ts, &rows, err) != 0) return -1;
  if (rows->ts) { /* the merge produced the timestamp column: keep it too */
    int64_t *ts = rows->ts;
    rows->ts = NULL;
    rows->bytes -= (size_t)rows->n_events * 8;
    sky_centry *e = put_col(s, part, SKY_COL_TS, ts, NULL, rows->n_events, (size_t)rows->n_events * 8, err);
    if (!e) {
      sky_prows_free(rows);
      return -1;
    }
    sky_cache_unpin(s->t->st->cache, e);
  }
  sky_ckey k = {s->t->uid, s->layout_id[part], part, SKY_CKEY_ROWS};
  *out = sky_cache_put(s->t->st->cache, &k, rows, rows->bytes, rows_free);
  return *out ? 0 : sky_error_oom(err);
}

static int get_rows(sky_snapshot *s, const sky_pview *pv, uint32_t part, bool want_ts, sky_centry **out,
                    sky_error *err) {
  sky_ckey k = {s->t->uid, s->layout_id[part], part, SKY_CKEY_ROWS};
  *out = sky_cache_get(s->t->st->cache, &k);
  return *out ? 0 : build_rows(s, pv, part, want_ts, out, err);
}

int sky_snapshot_rows(sky_snapshot *s, uint32_t part, bool want_ts, sky_centry **out, sky_error *err) {
  sky_pview pv;
  if (sky_snapshot_pview(s, part, true, &pv, err) != 0) return -1;
  int rc = get_rows(s, &pv, part, want_ts, out, err);
  sky_free(pv.src);
  return rc;
}

static sky_centry *get_col(sky_snapshot *s, const sky_pview *pv, const sky_prows *rows, uint32_t part, uint32_t col,
                           sky_error *err) {
  sky_ckey k = {s->t->uid, s->content_id[part], part, col};
  sky_centry *e = sky_cache_get(s->t->st->cache, &k);
  if (e) return e;
  void *vals;
  uint8_t *pres = NULL;
  if (sky_pcol_decode(pv, rows, col, &vals, &pres, err) != 0) return NULL;
  return put_col(s, part, col, vals, pres, rows->n_events, sky_pcol_bytes(pv->schema, col, rows->n_events), err);
}

/* ---- chunks ------------------------------------------------------------------ */

typedef struct chunk_pin {
  sky_cache *cache;
  uint32_t n_entries;
  sky_centry **entries;
  uint32_t n_owned;
  void **owned; /* aligned arrays of a copied chunk (read_object) */
  sky_chunk_col *cols;
} chunk_pin;

static chunk_pin *pin_create(sky_cache *cache, uint32_t n_props) {
  chunk_pin *p = sky_calloc(1, sizeof *p);
  if (!p) return NULL;
  p->cache = cache;
  p->entries = sky_calloc(n_props + 3, sizeof *p->entries);
  p->owned = sky_calloc(2 * n_props + 4, sizeof *p->owned);
  p->cols = sky_calloc(n_props ? n_props : 1, sizeof *p->cols);
  if (!p->entries || !p->owned || !p->cols) {
    sky_free(p->entries), sky_free(p->owned), sky_free(p->cols), sky_free(p);
    return NULL;
  }
  return p;
}

void sky_chunk_release(sky_chunk *c) {
  chunk_pin *p = c ? c->pin_ : NULL;
  if (!p) return;
  for (uint32_t i = 0; i < p->n_entries; i++) sky_cache_unpin(p->cache, p->entries[i]);
  for (uint32_t i = 0; i < p->n_owned; i++) sky_afree(p->owned[i]);
  sky_free(p->entries);
  sky_free(p->owned);
  sky_free(p->cols);
  sky_free(p);
  memset(c, 0, sizeof *c);
}

static int read_cols(sky_snapshot *s, const sky_pview *pv, const sky_prows *rows, uint32_t part,
                     const sky_colset *need, chunk_pin *pin, sky_chunk *out, sky_error *err) {
  if (need->ts) {
    sky_centry *e = get_col(s, pv, rows, part, SKY_COL_TS, err);
    if (!e) return -1;
    pin->entries[pin->n_entries++] = e;
    out->ts = ((col_data *)sky_centry_data(e))->vals;
  }
  if (need->action) {
    sky_centry *e = get_col(s, pv, rows, part, SKY_COL_ACTION, err);
    if (!e) return -1;
    pin->entries[pin->n_entries++] = e;
    out->action = ((col_data *)sky_centry_data(e))->vals;
  }
  for (uint32_t k = 0; need->props && k < pv->schema->n_props; k++) {
    if (!need->props[k]) continue;
    sky_centry *e = get_col(s, pv, rows, part, SKY_COL_PROP0 + k, err);
    if (!e) return -1;
    pin->entries[pin->n_entries++] = e;
    const col_data *c = sky_centry_data(e);
    pin->cols[k] = (sky_chunk_col){c->vals, c->pres, c->pos, c->n_pos};
  }
  return 0;
}

int sky_snapshot_read_partition(sky_snapshot *s, uint32_t part, const sky_colset *need, sky_chunk *out,
                                sky_error *err) {
  memset(out, 0, sizeof *out);
  if (part >= SKY_PARTITIONS) return sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "no partition %u", part);
  uint32_t n_props = s->v->schema->n_props;
  chunk_pin *pin = pin_create(s->t->st->cache, n_props);
  if (!pin) return sky_error_oom(err);
  out->pin_ = pin;
  out->cols = pin->cols;
  sky_pview pv;
  if (sky_snapshot_pview(s, part, true, &pv, err) != 0) {
    sky_chunk_release(out);
    return -1;
  }
  sky_centry *re;
  int rc = get_rows(s, &pv, part, need->ts, &re, err);
  if (rc == 0) {
    pin->entries[pin->n_entries++] = re;
    const sky_prows *rows = sky_centry_data(re);
    out->n_objects = rows->n_objects;
    out->n_events = rows->n_events;
    out->obj_id = rows->obj_id;
    out->obj_start = rows->obj_start;
    rc = read_cols(s, &pv, rows, part, need, pin, out, err);
  }
  sky_free(pv.src);
  if (rc != 0) sky_chunk_release(out);
  return rc;
}

/* Copies n elements of w bytes into a new aligned array owned by the pin. */
static const void *own_copy(chunk_pin *pin, const void *src, size_t n, size_t w) {
  void *d = sky_aalloc(n * w);
  if (!d) return NULL;
  if (src) memcpy(d, src, n * w);
  pin->owned[pin->n_owned++] = d;
  return d;
}

static int copy_object(const sky_chunk *c, uint64_t k, uint32_t n_props, const sky_schema *schema, sky_chunk *out) {
  chunk_pin *pin = out->pin_;
  uint64_t b = c->obj_start[k], n = c->obj_start[k + 1] - b;
  uint64_t start[2] = {0, n};
  out->n_objects = 1;
  out->n_events = n;
  out->obj_id = own_copy(pin, &c->obj_id[k], 1, 8);
  out->obj_start = own_copy(pin, start, 2, 8);
  out->ts = own_copy(pin, c->ts + b, n, 8);
  out->action = own_copy(pin, c->action + b, n, 4);
  if (!out->obj_id || !out->obj_start || !out->ts || !out->action) return -1;
  for (uint32_t p = 0; p < n_props; p++) {
    size_t w = sky_prop_type_width(schema->props[p].type);
    pin->cols[p].values = own_copy(pin, (const char *)c->cols[p].values + b * w, n, w);
    pin->cols[p].present = own_copy(pin, c->cols[p].present + b, n, 1);
    if (!pin->cols[p].values || !pin->cols[p].present) return -1;
  }
  return 0;
}

int sky_snapshot_read_object(sky_snapshot *s, uint64_t obj, sky_chunk *out, sky_error *err) {
  memset(out, 0, sizeof *out);
  const sky_schema *schema = s->v->schema;
  uint32_t n_props = schema->n_props;
  uint8_t *all = sky_malloc(n_props ? n_props : 1);
  if (!all) return sky_error_oom(err);
  memset(all, 1, n_props ? n_props : 1);
  sky_colset need = {.ts = true, .action = true, .props = all};
  sky_chunk c;
  int rc = sky_snapshot_read_partition(s, sky_partition_of(obj), &need, &c, err);
  sky_free(all);
  if (rc != 0) return -1;
  chunk_pin *pin = pin_create(s->t->st->cache, n_props);
  if (!pin) {
    sky_chunk_release(&c);
    return sky_error_oom(err);
  }
  out->pin_ = pin;
  out->cols = pin->cols;
  uint64_t lo = 0, hi = c.n_objects;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (c.obj_id[mid] < obj) lo = mid + 1;
    else hi = mid;
  }
  if (lo < c.n_objects && c.obj_id[lo] == obj) {
    rc = copy_object(&c, lo, n_props, schema, out);
  } else { /* an empty chunk with valid arrays */
    uint64_t zero = 0;
    out->obj_id = own_copy(pin, NULL, 0, 8);
    out->obj_start = own_copy(pin, &zero, 1, 8);
    out->ts = own_copy(pin, NULL, 0, 8);
    out->action = own_copy(pin, NULL, 0, 4);
    rc = out->obj_id && out->obj_start && out->ts && out->action ? 0 : -1;
    for (uint32_t p = 0; rc == 0 && p < n_props; p++) {
      pin->cols[p].values = own_copy(pin, NULL, 0, 8);
      pin->cols[p].present = own_copy(pin, NULL, 0, 1);
      if (!pin->cols[p].values || !pin->cols[p].present) rc = -1;
    }
  }
  sky_chunk_release(&c);
  if (rc != 0) {
    sky_chunk_release(out);
    return sky_error_oom(err);
  }
  return 0;
}
