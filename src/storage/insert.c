/* insert.c — INSERT: the WAL group commit and the memtable.
 *
 * An inserter, under wal_mu, interns its strings, appends its rows to the
 * active memtable (not yet visible), frames its record into the pending
 * buffer and waits. Whoever finds no write in flight becomes the leader:
 * it takes every pending record, writes them with one pwrite and one
 * fdatasync outside the mutex, then makes exactly those rows visible and
 * wakes their inserters. Concurrent inserters thus share one fsync. The
 * leader borrows the WAL's descriptor from the store's cache for the
 * group's write and sync only (walfd.c), so tables hold no descriptors.
 *
 * A DROP renames the table's directory before it marks the table dropped
 * (store.c), so a group caught between the two cannot open the WAL; its
 * inserters report the drop (unknown_table), not that I/O error.
 *
 * If the write fails, every pending record fails with it (rows appended
 * after the failed group cannot be kept without the ones before), the
 * memtable drops its invisible rows, and the file is cut back to its
 * durable length so the next group continues a valid log.
 */
#include <string.h>

#include "common/alloc.h"
#include "common/error.h"
#include "storage/io.h"
#include "storage/table_int.h"
#include "storage/wal.h"

struct sky_wal_waiter {
  sky_wal_waiter *next;
  bool done;
  int rc;
  sky_error err;
};

/* Maps batch-local codes of one dictionary to table codes. */
static int map_dict(sky_table *t, uint32_t dict_id, const sky_batch_dict *bd, uint32_t **map, sky_error *err) {
  *map = sky_calloc((size_t)bd->n + 1, sizeof **map);
  if (!*map) return sky_error_oom(err);
  if (bd->n == 0) return 0;
  sky_dict *d = sky_table_dict(t, dict_id, err);
  if (!d) return -1;
  for (uint32_t k = 0; k < bd->n; k++)
    if (sky_dict_intern(d, bd->strs[k], bd->lens[k], &(*map)[k + 1], err) != 0) return -1;
  return 0;
}

int sky_table_apply_batch(sky_table *t, sky_memtable *m, const sky_batch *b, sky_error *err) {
  uint32_t n_props = b->schema->n_props;
  uint32_t *action_map = NULL;
  uint32_t **maps = sky_calloc(n_props ? n_props : 1, sizeof *maps);
  int rc = maps ? map_dict(t, SKY_DICT_ACTION, &b->action_dict, &action_map, err) : sky_error_oom(err);
  for (uint32_t p = 0; rc == 0 && p < n_props; p++)
    if (b->schema->props[p].type == SKY_PTYPE_STRING) rc = map_dict(t, sky_prop_dict(p), &b->cols[p].dict, &maps[p], err);
  if (rc == 0) rc = sky_memtable_append(m, b, action_map, maps, err);
  for (uint32_t p = 0; maps && p < n_props; p++) sky_free(maps[p]);
  sky_free(maps);
  sky_free(action_map);
  return rc;
}

/* Writes the pending group; called and returns with wal_mu held. */
static void lead_group(sky_table *t) {
  t->wal_leader = true;
  sky_buf buf = t->wal_pending;
  sky_buf_init(&t->wal_pending);
  sky_wal_waiter *group = t->wal_head;
  t->wal_head = t->wal_tail = NULL;
  uint64_t mark[SKY_PARTITIONS];
  sky_memtable *m = t->active;
  sky_memtable_mark(m, mark);
  uint64_t upto = t->wal_seq, off = t->wal_off, gen = t->wal_gen;
  bool marked = !t->wal_v1;
  /* A DROP marks the table under wal_mu once no group is in flight, so a
   * group led after that fails here without touching the file: its path
   * may by now name the WAL of a new table of the same name. */
  sky_error err;
  int rc = sky_table_check(t, &err);
  pthread_mutex_unlock(&t->wal_mu);

  int fd = -1;
  if (rc == 0) rc = sky_wal_fd_get(t, &fd, &err);
  if (rc == 0) rc = sky_io_pwrite(fd, buf.data, buf.len, off, t->wal_path, &err);
  if (rc == 0) rc = sky_io_fdatasync(fd, t->wal_path, &err);
  if (rc == 0 && marked) {
    /* The group is durable: say so in the header, so that a file which
     * later ends before it is known to have lost acknowledged records.
     * No sync of its own: the next group's fdatasync (or writeback)
     * carries it; until then a crash leaves the older mark, which only
     * claims less. */
    uint8_t acked[SKY_WAL_MARK_BYTES];
    sky_wal_mark(acked, gen, upto, off + buf.len);
    sky_io_overwrite_hint(fd, acked, sizeof acked, SKY_WAL_MARK_OFFSET);
  }

  pthread_mutex_lock(&t->wal_mu);
  if (rc == 0) {
    t->wal_off = off + buf.len;
    t->wal_durable = upto;
    bool changed[SKY_PARTITIONS];
    pthread_mutex_lock(&t->state_mu);
    sky_memtable_publish(m, mark, changed);
    for (uint32_t p = 0; p < SKY_PARTITIONS; p++)
      if (changed[p]) t->content_id[p] = sky_store_new_id(t->st), t->layout_id[p] = sky_store_new_id(t->st);
    pthread_mutex_unlock(&t->state_mu);
  } else {
    /* Everything not durable fails: this group and whatever queued since. */
    if (fd >= 0) sky_io_truncate(fd, t->wal_off, t->wal_path, NULL);
    m->n_records = m->n_records > t->wal_seq - t->wal_durable ? m->n_records - (t->wal_seq - t->wal_durable) : 0;
    sky_wal_waiter **tail = &group;
    while (*tail) tail = &(*tail)->next;
    *tail = t->wal_head;
    t->wal_head = t->wal_tail = NULL;
    sky_buf_reset(&t->wal_pending);
    sky_memtable_rollback(m);
    t->wal_seq = t->wal_durable;
  }
  for (sky_wal_waiter *w = group; w; w = w->next) {
    w->done = true;
    w->rc = rc;
    if (rc != 0) w->err = err;
  }
  if (fd >= 0) sky_wal_fd_put(t);
  t->wal_leader = false;
  pthread_cond_broadcast(&t->wal_cv);
  sky_buf_free(&buf);
}

void sky_wal_drain(sky_table *t) {
  while (t->wal_leader || t->wal_head) {
    if (!t->wal_leader) lead_group(t);
    else pthread_cond_wait(&t->wal_cv, &t->wal_mu);
  }
}

static int check_batch(sky_table *t, const sky_batch *b, sky_error *err) {
  for (size_t r = 0; r < b->n_rows; r++)
    if (b->obj[r] == 0) return sky_error_set_field(err, SKY_ERR_BAD_VALUE, (int)(r + 1), "object", "object id 0 is not allowed");
  pthread_mutex_lock(&t->state_mu);
  const sky_schema *s = t->v->schema;
  bool same = b->schema->table_uid == s->table_uid && b->schema->version == s->version;
  pthread_mutex_unlock(&t->state_mu);
  if (!same) return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "table changed: '%s' has a new schema", t->name);
  return 0;
}

/* Appends the record and waits for its group; wal_mu held. */
static int append_and_wait(sky_table *t, const sky_batch *b, const sky_buf *payload, sky_error *err) {
  if (sky_table_check(t, err) != 0 || check_batch(t, b, err) != 0) return -1;
  if (!sky_buf_reserve(&t->wal_pending, payload->len + SKY_WAL_REC_HEADER_BYTES)) {
    t->wal_pending.failed = false;
    return sky_error_oom(err);
  }
  if (sky_table_apply_batch(t, t->active, b, err) != 0) return -1; /* appends nothing on failure */
  t->active->n_records++;
  sky_wal_frame(&t->wal_pending, ++t->wal_seq, t->wal_durable, payload->data, payload->len);
  sky_wal_waiter w = {0};
  if (t->wal_tail) t->wal_tail->next = &w;
  else t->wal_head = &w;
  t->wal_tail = &w;
  while (!w.done) {
    if (!t->wal_leader) lead_group(t);
    else pthread_cond_wait(&t->wal_cv, &t->wal_mu);
  }
  if (w.rc != 0) *err = w.err;
  return w.rc;
}

int sky_table_insert(sky_table *t, const sky_batch *b, sky_error *err) {
  if (sky_table_check(t, err) != 0) return -1;
  if (b->n_rows == 0) return 0;
  sky_buf payload;
  sky_buf_init(&payload);
  if (sky_wal_encode_batch(b, &payload) != 0 || payload.len > UINT32_MAX) {
    sky_buf_free(&payload);
    return sky_error_oom(err);
  }
  pthread_mutex_lock(&t->wal_mu);
  int rc = append_and_wait(t, b, &payload, err);
  bool flush = rc == 0 && (t->active->n_rows >= t->st->opt.memtable_max_rows ||
                           t->active->n_records >= SKY_MEMTABLE_MAX_RECORDS);
  pthread_mutex_unlock(&t->wal_mu);
  sky_buf_free(&payload);
  if (rc != 0) sky_table_prefer_dropped(t, err); /* a WAL gone with a DROP's rename */
  if (flush) {
    sky_error e; /* the insert is durable either way; a failed flush is retried later */
    pthread_mutex_lock(&t->commit_mu);
    if (sky_table_check(t, &e) == 0) sky_flush_locked(t, true, &e);
    pthread_mutex_unlock(&t->commit_mu);
  }
  return rc;
}
