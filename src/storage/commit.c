/* commit.c — publishing new table states: the manifest swap shared by
 * every writer, WAL rotation, memtable flushes, and writing merged
 * segments (flush and compaction).
 *
 * Every publish goes through sky_commit_version under commit_mu: persist
 * the dictionaries' new strings (so every code a new segment uses is
 * durable), write the manifest (the commit point), then swap the in-memory
 * state under state_mu. A failure before the manifest rename leaves the
 * table as it was: new segment files are removed by the caller, dictionary
 * bytes past the committed length are overwritten by the next commit or cut
 * at the next open.
 */
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/error.h"
#include "storage/io.h"
#include "storage/table_int.h"
#include "storage/wal.h"

/* The insert path's group commit, used to drain the WAL before rotating. */
void sky_wal_drain(sky_table *t);

uint64_t sky_table_new_seg_id(sky_table *t) { return atomic_fetch_add(&t->next_seg_id, 1); }

static int persist_dicts(sky_table *t, sky_version *nv, sky_error *err) {
  for (uint32_t id = 0; id < nv->n_dicts; id++) {
    sky_dict *d = t->dicts[id];
    if (!d) continue;
    uint32_t upto = sky_dict_count(d);
    if (upto <= nv->dicts[id].count) continue;
    char *path = sky_table_file(t, "dict-%" PRIu64 ".dat", id);
    if (!path) return sky_error_oom(err);
    int rc = sky_dict_persist(d, path, upto, &nv->dicts[id].len, &nv->dicts[id].count, err);
    sky_free(path);
    if (rc != 0) return -1;
  }
  return 0;
}

static void remove_wals(sky_table *t, uint64_t from, uint64_t to) {
  for (uint64_t g = from; g < to; g++) {
    char *p = sky_table_file(t, "wal-%016" PRIx64 ".log", g);
    if (p) unlink(p);
    sky_free(p);
  }
}

int sky_commit_version(sky_table *t, sky_version *nv, const sky_publish *pub, sky_error *err) {
  if (sky_table_check(t, err) != 0 || persist_dicts(t, nv, err) != 0) {
    sky_version_unref(nv);
    return -1;
  }
  uint64_t next = atomic_load(&t->next_seg_id);
  if (nv->next_seg_id < next) nv->next_seg_id = next;
  nv->generation = t->v->generation + 1;
  if (sky_manifest_write(t->dir, nv, err) != 0) {
    sky_version_unref(nv);
    return -1;
  }
  sky_memtable *gone[SKY_MAX_FROZEN + 1];
  pthread_mutex_lock(&t->state_mu);
  sky_version *old = t->v;
  t->v = nv;
  uint32_t n = pub ? pub->n_flushed : 0;
  memcpy(gone, t->frozen, n * sizeof *gone);
  memmove(t->frozen, t->frozen + n, (t->n_frozen - n) * sizeof *t->frozen);
  t->n_frozen -= n;
  for (uint32_t p = 0; pub && p < SKY_PARTITIONS; p++) {
    if (pub->content[p]) t->content_id[p] = sky_store_new_id(t->st);
    if (pub->content[p] || pub->layout[p]) t->layout_id[p] = sky_store_new_id(t->st);
  }
  pthread_mutex_unlock(&t->state_mu);
  for (uint32_t i = 0; i < n; i++) sky_memtable_unref(gone[i]);
  if (old->wal_gen < nv->wal_gen) remove_wals(t, old->wal_gen, nv->wal_gen);
  sky_version_unref(old);
  sky_store_kick_compactor(t->st);
  return 0;
}

int sky_rotate_wal(sky_table *t, const sky_schema *schema, sky_error *err) {
  pthread_mutex_lock(&t->wal_mu);
  sky_wal_drain(t);
  uint64_t gen = t->wal_gen + 1;
  char *path = sky_table_file(t, "wal-%016" PRIx64 ".log", gen);
  sky_memtable *m = sky_memtable_create(gen, schema);
  uint8_t hdr[SKY_WAL_HEADER_BYTES];
  sky_wal_file_header(hdr, gen);
  int fd = -1, rc = -1;
  if (!path || !m) {
    sky_error_oom(err);
  } else if (sky_table_check(t, err) == 0 && sky_io_create(path, &fd, err) == 0) {
    rc = sky_io_pwrite(fd, hdr, sizeof hdr, 0, path, err);
    if (rc == 0) rc = sky_io_fsync(fd, path, err);
    if (rc == 0) rc = sky_io_fsync_dir(t->dir, err);
    if (rc != 0) {
      sky_io_close(fd);
      unlink(path);
    }
  }
  if (rc != 0) {
    pthread_mutex_unlock(&t->wal_mu);
    sky_free(path);
    sky_memtable_unref(m);
    return -1;
  }
  pthread_mutex_lock(&t->state_mu);
  t->frozen[t->n_frozen++] = t->active;
  t->active = m;
  pthread_mutex_unlock(&t->state_mu);
  sky_io_close(fd); /* the next group commit opens it through the cache */
  sky_wal_fd_close(t);
  sky_free(t->wal_path);
  t->wal_path = path;
  t->wal_gen = gen;
  t->wal_off = SKY_WAL_HEADER_BYTES;
  t->wal_seq = t->wal_durable = 0;
  t->wal_v1 = false;
  pthread_mutex_unlock(&t->wal_mu);
  return 0;
}

/* ---- writing merged segments ------------------------------------------------ */

typedef struct merge_job {
  const sky_schema *schema;
  sky_pview *views;
  sky_prop_type *types;
  uint32_t parts[SKY_PARTITIONS];
  sky_buf bufs[SKY_PARTITIONS];
  sky_section metas[SKY_PARTITIONS];
  bool has[SKY_PARTITIONS];
  int rc[SKY_PARTITIONS];
  sky_error errs[SKY_PARTITIONS];
} merge_job;

static int merge_one(merge_job *j, uint32_t slot, sky_error *err) {
  const sky_pview *v = &j->views[j->parts[slot]];
  uint32_t n_props = j->schema->n_props;
  sky_prows *rows = NULL;
  void **vals = sky_calloc(n_props + 1, sizeof *vals);
  uint8_t **pres = sky_calloc(n_props + 1, sizeof *pres);
  void *action = NULL;
  int rc = -1;
  if (!vals || !pres) {
    sky_error_oom(err);
    goto out;
  }
  if (sky_prows_build(v, true, &rows, err) != 0) goto out;
  if (rows->n_events == 0) {
    rc = 0;
    goto out;
  }
  if (sky_pcol_decode(v, rows, SKY_COL_ACTION, &action, NULL, err) != 0) goto out;
  for (uint32_t p = 0; p < n_props; p++)
    if (sky_pcol_decode(v, rows, SKY_COL_PROP0 + p, &vals[p], &pres[p], err) != 0) goto out;
  sky_part_data in = {.n_objects = rows->n_objects, .n_events = rows->n_events, .obj_id = rows->obj_id,
                      .obj_start = rows->obj_start, .ts = rows->ts, .action = action, .n_props = n_props,
                      .vals = (const void *const *)vals, .pres = (const uint8_t *const *)pres};
  if (sky_section_encode(&in, j->types, &j->bufs[slot], &j->metas[slot]) != 0) {
    sky_error_oom(err);
    goto out;
  }
  j->has[slot] = true;
  rc = 0;
out:
  for (uint32_t p = 0; vals && pres && p < n_props; p++) {
    sky_afree(vals[p]);
    sky_afree(pres[p]);
  }
  sky_free(vals);
  sky_free(pres);
  sky_afree(action);
  sky_prows_free(rows);
  return rc;
}

static void merge_task(void *arg, size_t task, unsigned worker) {
  merge_job *j = arg;
  j->rc[task] = merge_one(j, (uint32_t)task, &j->errs[task]);
}

int sky_write_merged(sky_table *t, const sky_schema *schema, sky_pview *views, const bool *use, sky_segment **seg,
                     sky_error *err) {
  *seg = NULL;
  merge_job *j = sky_calloc(1, sizeof *j);
  sky_prop_type *types = sky_calloc(schema->n_props + 1, sizeof *types);
  uint64_t id = sky_table_new_seg_id(t);
  char *path = sky_table_seg_path(t, id);
  sky_segw sw;
  if (!j || !types || !path) {
    sky_free(j), sky_free(types), sky_free(path);
    return sky_error_oom(err);
  }
  for (uint32_t p = 0; p < schema->n_props; p++) types[p] = schema->props[p].type;
  j->schema = schema;
  j->views = views;
  j->types = types;
  int rc = sky_segw_open(&sw, path, id, t->uid, schema->n_props, schema->props, err);
  uint32_t batch = sky_pool_width(t->st->pool) * 2, n_sections = 0;
  for (uint32_t start = 0; rc == 0 && start < SKY_PARTITIONS; start += batch) {
    uint32_t n = 0;
    for (uint32_t p = start; p < start + batch && p < SKY_PARTITIONS; p++)
      if (use[p]) j->parts[n++] = p;
    for (uint32_t s = 0; s < n; s++) sky_buf_init(&j->bufs[s]), j->has[s] = false;
    sky_pool_run(t->st->pool, n, merge_task, j);
    for (uint32_t s = 0; s < n; s++) {
      if (rc == 0 && j->rc[s] != 0) *err = j->errs[s], rc = -1;
      if (rc == 0 && j->has[s]) rc = sky_segw_add(&sw, j->parts[s], &j->bufs[s], &j->metas[s], err), n_sections++;
      else if (j->has[s]) sky_section_free(&j->metas[s]);
      sky_buf_free(&j->bufs[s]);
    }
    if (rc != 0) sky_segw_abort(&sw);
  }
  if (rc == 0 && n_sections == 0) sky_segw_abort(&sw);
  else if (rc == 0 && sky_segw_finish(&sw, NULL, err) != 0) rc = -1;
  if (rc == 0 && n_sections > 0) {
    *seg = sky_segment_open(path, id, err);
    if (!*seg) rc = -1;
    else if ((*seg)->broken) {
      rc = sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "%s", (*seg)->broken);
      sky_segment_unlink(*seg);
      sky_segment_unref(*seg);
      *seg = NULL;
    }
  }
  sky_free(path);
  sky_free(types);
  sky_free(j);
  return rc;
}

/* ---- memtable flush ------------------------------------------------------ */

int sky_flush_prepare(sky_table *t, bool all, sky_segment **seg, uint32_t *n_flushed, sky_error *err) {
  *seg = NULL;
  *n_flushed = 0;
  if (all) {
    pthread_mutex_lock(&t->wal_mu);
    bool rows = t->active->n_rows > 0 || t->wal_pending.len > 0;
    pthread_mutex_unlock(&t->wal_mu);
    if (rows && sky_rotate_wal(t, t->v->schema, err) != 0) return -1;
  }
  sky_memtable *mems[SKY_MAX_FROZEN + 1];
  uint64_t rows[SKY_MAX_FROZEN + 1][SKY_PARTITIONS];
  uint32_t limits[SKY_MAX_PROPS + 1];
  pthread_mutex_lock(&t->state_mu);
  uint32_t n = t->n_frozen;
  for (uint32_t i = 0; i < n; i++) {
    mems[i] = t->frozen[i];
    for (uint32_t p = 0; p < SKY_PARTITIONS; p++) rows[i][p] = mems[i]->part[p].visible;
  }
  pthread_mutex_unlock(&t->state_mu);
  if (n == 0) return 0;
  const sky_schema *schema = t->v->schema; /* stable: commit_mu is held */
  for (uint32_t d = 0; d <= schema->n_props; d++) limits[d] = t->dicts[d] ? sky_dict_count(t->dicts[d]) : 0;
  sky_pview views[SKY_PARTITIONS];
  sky_src srcs[SKY_PARTITIONS][SKY_MAX_FROZEN + 1];
  bool use[SKY_PARTITIONS];
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) {
    views[p] = (sky_pview){.part = p, .schema = schema, .dict_limit = limits, .src = srcs[p]};
    for (uint32_t i = 0; i < n; i++)
      if (rows[i][p]) srcs[p][views[p].n_src++] = (sky_src){.mt = mems[i], .n_rows = rows[i][p]};
    use[p] = views[p].n_src > 0;
  }
  if (sky_write_merged(t, schema, views, use, seg, err) != 0) return -1;
  *n_flushed = n;
  return 0;
}

int sky_flush_locked(sky_table *t, bool all, sky_error *err) {
  sky_segment *seg;
  uint32_t n;
  if (sky_flush_prepare(t, all, &seg, &n, err) != 0) return -1;
  if (n == 0) return 0;
  sky_version *nv = sky_version_clone(t->v);
  sky_publish pub = {.n_flushed = n};
  int rc = nv ? 0 : sky_error_oom(err);
  if (rc == 0 && seg) {
    uint64_t seq = nv->next_seq++;
    rc = sky_version_add_seg(nv, seg) == 0 ? 0 : sky_error_oom(err);
    for (uint32_t p = 0; rc == 0 && p < SKY_PARTITIONS; p++) {
      if (seg->part_sec[p] < 0) continue;
      if (sky_version_push_src(nv, p, seg, seq) != 0) rc = sky_error_oom(err);
      pub.layout[p] = true;
    }
  }
  if (rc == 0) {
    pthread_mutex_lock(&t->state_mu);
    nv->wal_gen = n < t->n_frozen ? t->frozen[n]->wal_gen : t->active->wal_gen;
    pthread_mutex_unlock(&t->state_mu);
    rc = sky_commit_version(t, nv, &pub, err);
  } else {
    sky_version_unref(nv);
  }
  if (seg) {
    if (rc != 0) sky_segment_unlink(seg);
    sky_segment_unref(seg);
  }
  return rc;
}
