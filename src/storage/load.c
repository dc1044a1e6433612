/* load.c — LOAD transactions: buffering batches, encoding segments, and
 * the atomic commit.
 *
 * Adding a batch scatters its rows straight into per-partition buffers, in
 * arrival order, with strings remapped to table codes (one dictionary
 * lookup per distinct string of the batch) and property values kept dense
 * (only the present ones, beside a presence array). Each buffer tracks
 * whether its rows are still in (object, timestamp) order, which is the
 * usual case for generated data and makes sorting a no-op. When the
 * buffers pass the spill threshold they are written out as a segment file
 * that is not yet published, so memory stays bounded.
 *
 * Writing a segment encodes every partition's buffer on the store's worker
 * pool (sorting the ones that need it), then appends the sections to one
 * file, fsynced once.
 *
 * Commit takes the table's commit mutex, flushes the memtable into a
 * segment first (earlier INSERTs arrive before this LOAD), and publishes
 * the flushed segment and the load's segments, in that order, with one
 * manifest swap. Any failure removes the files the transaction wrote; the
 * published state is untouched.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <string.h>

#include "common/alloc.h"
#include "common/error.h"
#include "storage/segment.h"
#include "storage/sort.h"
#include "storage/table_int.h"

/* One partition's buffered rows. */
typedef struct pbuf {
  size_t n, cap;
  uint64_t *obj;
  int64_t *ts;
  uint32_t *action;
  uint8_t **pres;    /* [n_props], [cap]; NULL while no row carries it */
  char **dense;      /* [n_props], present values only */
  size_t *n_dense, *cap_dense;
  bool unsorted;     /* some row is out of (object, timestamp) order */
} pbuf;

struct sky_load_txn {
  sky_table *t;
  sky_schema *schema; /* as of begin */
  size_t *width;      /* [n_props] value bytes */
  pbuf parts[SKY_PARTITIONS];
  size_t n;           /* buffered rows */
  size_t bytes;       /* buffered bytes */
  bool failed;        /* an add failed: the transaction can only be aborted */
  uint64_t total_rows;
  uint32_t n_segs;
  sky_segment **segs; /* written, not published */
};

static void pbuf_free(pbuf *b, uint32_t np) {
  sky_free(b->obj), sky_free(b->ts), sky_free(b->action);
  for (uint32_t p = 0; b->pres && b->dense && p < np; p++) sky_free(b->pres[p]), sky_free(b->dense[p]);
  sky_free(b->pres), sky_free(b->dense), sky_free(b->n_dense), sky_free(b->cap_dense);
  memset(b, 0, sizeof *b);
}

static void free_rows(sky_load_txn *tx) {
  for (uint32_t q = 0; q < SKY_PARTITIONS; q++) pbuf_free(&tx->parts[q], tx->schema->n_props);
  tx->n = tx->bytes = 0;
}

sky_load_txn *sky_table_load_begin(sky_table *t, sky_error *err) {
  if (sky_table_check(t, err) != 0) return NULL;
  sky_load_txn *tx = sky_calloc(1, sizeof *tx);
  if (!tx) {
    sky_error_oom(err);
    return NULL;
  }
  pthread_mutex_lock(&t->state_mu);
  tx->schema = sky_schema_clone(t->v->schema);
  pthread_mutex_unlock(&t->state_mu);
  tx->width = tx->schema ? sky_calloc(tx->schema->n_props + 1, sizeof *tx->width) : NULL;
  if (!tx->width) {
    sky_schema_free(tx->schema);
    sky_free(tx);
    sky_error_oom(err);
    return NULL;
  }
  for (uint32_t p = 0; p < tx->schema->n_props; p++) tx->width[p] = sky_prop_type_width(tx->schema->props[p].type);
  sky_table_ref(t);
  tx->t = t;
  return tx;
}

static void txn_free(sky_load_txn *tx, bool remove_files) {
  for (uint32_t i = 0; i < tx->n_segs; i++) {
    if (remove_files) sky_segment_unlink(tx->segs[i]);
    sky_segment_unref(tx->segs[i]);
  }
  sky_free(tx->segs);
  free_rows(tx);
  sky_free(tx->width);
  sky_schema_free(tx->schema);
  sky_table_release(tx->t);
  sky_free(tx);
}

void sky_load_txn_abort(sky_load_txn *tx) {
  if (tx) txn_free(tx, true);
}

/* Test hook: the spill threshold (0 = SKY_LOAD_SPILL_BYTES). */
static _Atomic size_t g_spill_bytes;
void sky_test_set_load_spill_bytes(size_t bytes) { atomic_store(&g_spill_bytes, bytes); }
static size_t spill_bytes(void) {
  size_t b = atomic_load(&g_spill_bytes);
  return b ? b : SKY_LOAD_SPILL_BYTES;
}

/* ---- writing a segment ---------------------------------------------------- */

typedef struct enc_job {
  sky_load_txn *tx;
  sky_prop_type *types;
  sky_buf bufs[SKY_PARTITIONS];
  sky_section metas[SKY_PARTITIONS];
  int rc[SKY_PARTITIONS];
} enc_job;

/* Reorders a buffer's rows by perm (new row k is old row perm[k]). */
static int permute(pbuf *b, uint32_t np, const size_t *width, const uint32_t *perm) {
  size_t m = b->n;
  uint64_t *obj = sky_malloc(m * 8);
  int64_t *ts = sky_malloc(m * 8);
  uint32_t *action = sky_malloc(m * 4), *rank = sky_malloc(m * 4);
  int rc = obj && ts && action && rank ? 0 : -1;
  for (size_t k = 0; rc == 0 && k < m; k++) obj[k] = b->obj[perm[k]], ts[k] = b->ts[perm[k]], action[k] = b->action[perm[k]];
  if (rc == 0) {
    sky_free(b->obj), sky_free(b->ts), sky_free(b->action);
    b->obj = obj, b->ts = ts, b->action = action;
    obj = NULL, ts = NULL, action = NULL;
  }
  for (uint32_t p = 0; rc == 0 && p < np; p++) {
    if (!b->pres[p]) continue;
    size_t w = width[p], r = 0;
    for (size_t k = 0; k < m; k++) rank[k] = (uint32_t)r, r += b->pres[p][k];
    uint8_t *pres = sky_malloc(m);
    char *dense = sky_malloc(b->n_dense[p] * w + 1);
    if (!pres || !dense) {
      sky_free(pres), sky_free(dense);
      rc = -1;
      break;
    }
    size_t n = 0;
    for (size_t k = 0; k < m; k++) {
      pres[k] = b->pres[p][perm[k]];
      if (pres[k]) memcpy(dense + n++ * w, b->dense[p] + (size_t)rank[perm[k]] * w, w);
    }
    sky_free(b->pres[p]), sky_free(b->dense[p]);
    b->pres[p] = pres, b->dense[p] = dense;
  }
  sky_free(obj), sky_free(ts), sky_free(action), sky_free(rank);
  return rc;
}

static int encode_part(enc_job *j, uint32_t part) {
  sky_load_txn *tx = j->tx;
  pbuf *b = &tx->parts[part];
  uint32_t np = tx->schema->n_props;
  size_t m = b->n;
  int rc = 0;
  if (b->unsorted) {
    uint32_t *perm = sky_malloc(m * 4);
    bool identity;
    rc = perm && sky_sort_perm(b->obj, b->ts, m, perm, &identity) == 0 ? permute(b, np, tx->width, perm) : -1;
    sky_free(perm);
  }
  uint64_t *obj_id = sky_malloc(m * 8), *obj_start = sky_malloc((m + 1) * 8);
  if (rc == 0 && obj_id && obj_start) {
    uint64_t n_obj = 0;
    for (size_t k = 0; k < m; k++)
      if (n_obj == 0 || obj_id[n_obj - 1] != b->obj[k]) obj_id[n_obj] = b->obj[k], obj_start[n_obj++] = k;
    obj_start[n_obj] = m;
    sky_part_data in = {.n_objects = n_obj, .n_events = m, .obj_id = obj_id, .obj_start = obj_start, .ts = b->ts,
                        .action = b->action, .n_props = np, .vals = (const void *const *)b->dense,
                        .pres = (const uint8_t *const *)b->pres, .dense = true};
    sky_buf_reserve(&j->bufs[part], m * 6 + 256);
    rc = sky_section_encode(&in, j->types, &j->bufs[part], &j->metas[part]);
  } else {
    rc = -1;
  }
  sky_free(obj_id), sky_free(obj_start);
  return rc;
}

static void enc_task(void *arg, size_t task, unsigned worker) {
  enc_job *j = arg;
  uint32_t part = (uint32_t)task;
  j->rc[part] = j->tx->parts[part].n ? encode_part(j, part) : 0;
}

static int write_sections(enc_job *j, sky_segw *sw, sky_error *err) {
  int rc = 0;
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) {
    if (j->tx->parts[p].n == 0) continue;
    if (rc == 0 && j->rc[p] != 0) rc = sky_error_oom(err);
    if (rc == 0) rc = sky_segw_add(sw, p, &j->bufs[p], &j->metas[p], err);
    else if (j->rc[p] == 0) sky_section_free(&j->metas[p]);
    sky_buf_free(&j->bufs[p]);
  }
  return rc;
}

static int spill(sky_load_txn *tx, sky_error *err) {
  if (tx->n == 0) return 0;
  sky_table *t = tx->t;
  enc_job *j = sky_calloc(1, sizeof *j);
  sky_prop_type *types = sky_calloc(tx->schema->n_props + 1, sizeof *types);
  sky_segment **segs = sky_realloc(tx->segs, ((size_t)tx->n_segs + 1) * sizeof *segs);
  if (segs) tx->segs = segs;
  uint64_t id = sky_table_new_seg_id(t);
  char *path = sky_table_seg_path(t, id);
  int rc = -1;
  if (!j || !types || !segs || !path) {
    sky_error_oom(err);
    goto out;
  }
  for (uint32_t p = 0; p < tx->schema->n_props; p++) types[p] = tx->schema->props[p].type;
  j->tx = tx;
  j->types = types;
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) sky_buf_init(&j->bufs[p]);
  sky_pool_run(t->st->pool, SKY_PARTITIONS, enc_task, j);
  sky_segw sw;
  if (sky_segw_open(&sw, path, id, t->uid, tx->schema->n_props, tx->schema->props, err) != 0) {
    for (uint32_t p = 0; p < SKY_PARTITIONS; p++) {
      sky_buf_free(&j->bufs[p]);
      if (tx->parts[p].n && j->rc[p] == 0) sky_section_free(&j->metas[p]);
    }
    goto out;
  }
  if (write_sections(j, &sw, err) != 0) {
    sky_segw_abort(&sw);
    goto out;
  }
  if (sky_segw_finish(&sw, NULL, err) != 0) goto out;
  sky_segment *seg = sky_segment_open(path, id, err);
  if (!seg) goto out;
  tx->segs[tx->n_segs++] = seg;
  if (seg->broken) {
    sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "%s", seg->broken);
    goto out;
  }
  tx->total_rows += tx->n;
  free_rows(tx);
  rc = 0;
out:
  sky_free(path);
  sky_free(types);
  sky_free(j);
  return rc;
}

/* ---- adding batches --------------------------------------------------------- */

static int remap(sky_table *t, uint32_t dict_id, const sky_batch_dict *bd, uint32_t **map, sky_error *err) {
  *map = sky_calloc((size_t)bd->n + 1, sizeof **map);
  if (!*map) return sky_error_oom(err);
  sky_dict *d = bd->n ? sky_table_dict(t, dict_id, err) : NULL;
  if (bd->n && !d) return -1;
  for (uint32_t k = 0; k < bd->n; k++)
    if (sky_dict_intern(d, bd->strs[k], bd->lens[k], &(*map)[k + 1], err) != 0) return -1;
  return 0;
}

static int grow_arr(void **p, size_t old_n, size_t n, size_t w, bool zero) {
  void *a = sky_realloc(*p, n * w);
  if (!a) return -1;
  if (zero) memset((char *)a + old_n * w, 0, (n - old_n) * w);
  *p = a;
  return 0;
}

/* Room for `need` rows in b. Capacity grows fourfold: fewer copies, and
 * the untouched tail of a large allocation costs no memory. */
static int pbuf_reserve(sky_load_txn *tx, pbuf *b, size_t need) {
  uint32_t np = tx->schema->n_props;
  if (!b->pres) {
    b->pres = sky_calloc(np + 1, sizeof *b->pres);
    b->dense = sky_calloc(np + 1, sizeof *b->dense);
    b->n_dense = sky_calloc(np + 1, sizeof *b->n_dense);
    b->cap_dense = sky_calloc(np + 1, sizeof *b->cap_dense);
    if (!b->pres || !b->dense || !b->n_dense || !b->cap_dense) return -1;
  }
  if (need <= b->cap) return 0;
  size_t cap = b->cap ? b->cap * 4 : 4096;
  while (cap < need) cap *= 4;
  if (grow_arr((void **)&b->obj, b->cap, cap, 8, false) || grow_arr((void **)&b->ts, b->cap, cap, 8, false) ||
      grow_arr((void **)&b->action, b->cap, cap, 4, false))
    return -1;
  for (uint32_t p = 0; p < np; p++)
    if (b->pres[p] && grow_arr((void **)&b->pres[p], b->cap, cap, 1, true)) return -1;
  b->cap = cap;
  return 0;
}

/* Appends present value v of property p to b's row k. */
static int put_value(sky_load_txn *tx, pbuf *b, uint32_t p, size_t k, const void *v) {
  size_t w = tx->width[p];
  if (!b->pres[p] && !(b->pres[p] = sky_calloc(b->cap, 1))) return -1;
  if (b->n_dense[p] == b->cap_dense[p]) {
    size_t cap = b->cap_dense[p] ? b->cap_dense[p] * 2 : 64;
    char *d = sky_realloc(b->dense[p], cap * w);
    if (!d) return -1;
    b->dense[p] = d;
    b->cap_dense[p] = cap;
  }
  b->pres[p][k] = 1;
  memcpy(b->dense[p] + b->n_dense[p]++ * w, v, w);
  return 0;
}

static size_t row_bytes(const sky_load_txn *tx) {
  size_t b = 21; /* obj, ts, action, partition */
  for (uint32_t p = 0; p < tx->schema->n_props; p++) b += tx->width[p] / 4 + 1;
  return b;
}

#define SLICE_ROWS 65536u

/* Scatters batch rows [r0, r0 + m) into the partition buffers, column by
 * column: partitions first, one reservation per partition, then the fixed
 * columns, then each property's present values. */
static int add_slice(sky_load_txn *tx, const sky_batch *b, size_t r0, size_t m, const uint32_t *amap,
                     uint32_t *const *pmaps, uint8_t *part, uint32_t *rowk) {
  uint64_t count[SKY_PARTITIONS] = {0};
  for (size_t i = 0; i < m; i++) count[part[i] = (uint8_t)sky_partition_of(b->obj[r0 + i])]++;
  for (uint32_t q = 0; q < SKY_PARTITIONS; q++)
    if (count[q] && pbuf_reserve(tx, &tx->parts[q], tx->parts[q].n + count[q]) != 0) return -1;
  for (size_t i = 0; i < m; i++) {
    pbuf *pb = &tx->parts[part[i]];
    size_t k = pb->n++, r = r0 + i;
    uint64_t obj = b->obj[r];
    int64_t ts = b->ts[r];
    if (k && (pb->obj[k - 1] > obj || (pb->obj[k - 1] == obj && pb->ts[k - 1] > ts))) pb->unsorted = true;
    pb->obj[k] = obj;
    pb->ts[k] = ts;
    pb->action[k] = amap[b->action[r]];
    rowk[i] = (uint32_t)k;
  }
  for (uint32_t p = 0; p < tx->schema->n_props; p++) {
    const uint8_t *present = b->cols[p].present + r0;
    if (!memchr(present, 1, m)) continue;
    const char *vals = (const char *)b->cols[p].values + r0 * tx->width[p];
    for (size_t i = 0; i < m; i++) {
      if (!present[i]) continue;
      const char *v = vals + i * tx->width[p];
      uint32_t code;
      if (pmaps[p]) code = pmaps[p][*(const uint32_t *)v], v = (const char *)&code;
      if (put_value(tx, &tx->parts[part[i]], p, rowk[i], v) != 0) return -1;
    }
  }
  return 0;
}

static int add_rows(sky_load_txn *tx, const sky_batch *b, const uint32_t *amap, uint32_t *const *pmaps,
                    sky_error *err) {
  size_t rb = row_bytes(tx);
  uint8_t *part = sky_malloc(SLICE_ROWS);
  uint32_t *rowk = sky_malloc(SLICE_ROWS * sizeof *rowk);
  int rc = part && rowk ? 0 : sky_error_oom(err);
  for (size_t r = 0; rc == 0 && r < b->n_rows; r += SLICE_ROWS) {
    size_t m = b->n_rows - r < SLICE_ROWS ? b->n_rows - r : SLICE_ROWS;
    bool full = tx->bytes >= spill_bytes();
    for (uint32_t q = 0; q < SKY_PARTITIONS && !full; q++) full = tx->parts[q].n + m >= UINT32_MAX;
    if (full && spill(tx, err) != 0) rc = -1;
    else if (add_slice(tx, b, r, m, amap, pmaps, part, rowk) != 0) rc = sky_error_oom(err);
    tx->n += m;
    tx->bytes += m * rb;
  }
  sky_free(part);
  sky_free(rowk);
  return rc;
}

int sky_load_txn_add(sky_load_txn *tx, const sky_batch *b, sky_error *err) {
  const sky_schema *s = tx->schema;
  if (tx->failed) return sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "the load already failed");
  if (b->schema->table_uid != s->table_uid || b->schema->version != s->version)
    return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "table changed: '%s' has a new schema", tx->t->name);
  for (size_t r = 0; r < b->n_rows; r++)
    if (b->obj[r] == 0) return sky_error_set_field(err, SKY_ERR_BAD_VALUE, (int)(r + 1), "object", "object id 0 is not allowed");
  uint32_t *amap = NULL;
  uint32_t **pmaps = sky_calloc(s->n_props + 1, sizeof *pmaps);
  int rc = pmaps ? remap(tx->t, SKY_DICT_ACTION, &b->action_dict, &amap, err) : sky_error_oom(err);
  for (uint32_t p = 0; rc == 0 && p < s->n_props; p++)
    if (s->props[p].type == SKY_PTYPE_STRING) rc = remap(tx->t, sky_prop_dict(p), &b->cols[p].dict, &pmaps[p], err);
  if (rc == 0) rc = add_rows(tx, b, amap, pmaps, err);
  for (uint32_t p = 0; pmaps && p < s->n_props; p++) sky_free(pmaps[p]);
  sky_free(pmaps);
  sky_free(amap);
  if (rc != 0) {
    tx->failed = true; /* part of the batch may be buffered */
    sky_table_prefer_dropped(tx->t, err);
  }
  return rc;
}

/* ---- commit ------------------------------------------------------------------ */

static int publish(sky_load_txn *tx, sky_error *err) {
  sky_table *t = tx->t;
  if (sky_table_check(t, err) != 0) return -1;
  if (t->v->schema->version != tx->schema->version)
    return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "table changed: '%s' has a new schema", t->name);
  sky_segment *flushed = NULL;
  uint32_t n_flushed = 0;
  if (sky_flush_prepare(t, true, &flushed, &n_flushed, err) != 0) return -1;
  sky_version *nv = sky_version_clone(t->v);
  sky_publish pub = {.n_flushed = n_flushed};
  int rc = nv ? 0 : sky_error_oom(err);
  for (uint32_t i = 0; rc == 0 && i < tx->n_segs + 1; i++) {
    sky_segment *seg = i == 0 ? flushed : tx->segs[i - 1];
    if (!seg) continue;
    uint64_t seq = nv->next_seq++;
    if (sky_version_add_seg(nv, seg) != 0) rc = sky_error_oom(err);
    for (uint32_t p = 0; rc == 0 && p < SKY_PARTITIONS; p++) {
      if (seg->part_sec[p] < 0) continue;
      if (sky_version_push_src(nv, p, seg, seq) != 0) rc = sky_error_oom(err);
      pub.layout[p] = true;
      pub.content[p] |= i > 0;
    }
  }
  if (rc == 0 && n_flushed) {
    pthread_mutex_lock(&t->state_mu);
    nv->wal_gen = n_flushed < t->n_frozen ? t->frozen[n_flushed]->wal_gen : t->active->wal_gen;
    pthread_mutex_unlock(&t->state_mu);
  }
  if (rc == 0) rc = sky_commit_version(t, nv, &pub, err);
  else sky_version_unref(nv);
  if (flushed) {
    if (rc != 0) sky_segment_unlink(flushed); /* the memtable keeps its rows */
    sky_segment_unref(flushed);
  }
  return rc;
}

int sky_load_txn_commit(sky_load_txn *tx, uint64_t *rows_out, sky_error *err) {
  int rc = tx->failed ? sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "the load already failed") : spill(tx, err);
  if (rc == 0 && tx->n_segs > 0) {
    pthread_mutex_lock(&tx->t->commit_mu);
    rc = publish(tx, err);
    pthread_mutex_unlock(&tx->t->commit_mu);
  }
  if (rc != 0) sky_table_prefer_dropped(tx->t, err);
  if (rc == 0 && rows_out) *rows_out = tx->total_rows;
  txn_free(tx, rc != 0);
  return rc;
}
