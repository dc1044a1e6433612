/* table.c — a table's lifecycle: creating its directory, opening it with
 * crash recovery, and closing it. The write paths are in commit.c,
 * insert.c, load.c and compact.c; reads in snapshot.c.
 *
 * Recovery reads the manifest, removes files no committed state refers to
 * (temporaries, segments of loads that never published, WAL files already
 * flushed), cuts dictionary files back to their committed length, maps the
 * segments (reading only their footers), and replays the WAL files still
 * live into memtables: the newest becomes the active memtable, all older
 * ones one frozen memtable awaiting flush. It never reads segment bodies,
 * so opening takes the same time whatever the data size.
 *
 * A table whose recovery fails (a corrupt manifest, dictionary or WAL) is
 * kept in the catalog as "broken": every use of it returns the io_error
 * naming the file, and DROP TABLE still works.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/error.h"
#include "storage/io.h"
#include "storage/table_int.h"
#include "storage/wal.h"

char *sky_table_file(const sky_table *t, const char *fmt, uint64_t n) {
  char name[64];
  snprintf(name, sizeof name, fmt, n);
  return sky_path_join(t->dir, name);
}

char *sky_table_seg_path(const sky_table *t, uint64_t id) {
  char name[64];
  snprintf(name, sizeof name, "seg-%016" PRIx64 "-%016" PRIx64 ".sky", t->uid, id);
  return sky_path_join(t->dir, name);
}

/* A segment file name of this table: seg-<uid>-<id>.sky. Segments of any
 * other uid are leftovers of a dropped table of the same name. */
static bool parse_seg_name(const sky_table *t, const char *name, uint64_t *id, bool *other) {
  uint64_t uid;
  size_t n = strlen(name);
  if (n != 4 + 16 + 1 + 16 + 4 || strncmp(name, "seg-", 4) != 0 || name[20] != '-' || strcmp(name + 37, ".sky") != 0)
    return false;
  char hex[17];
  memcpy(hex, name + 4, 16);
  hex[16] = '\0';
  char *end;
  uid = strtoull(hex, &end, 16);
  if (*end) return false;
  memcpy(hex, name + 21, 16);
  *id = strtoull(hex, &end, 16);
  if (*end) return false;
  *other = uid != t->uid;
  return true;
}

void sky_table_ref(sky_table *t) { atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed); }

static void table_free(sky_table *t) {
  sky_version_unref(t->v);
  for (uint32_t i = 0; i < t->n_frozen; i++) sky_memtable_unref(t->frozen[i]);
  sky_memtable_unref(t->active);
  for (uint32_t i = 0; i <= SKY_MAX_PROPS; i++) sky_dict_free(t->dicts[i]);
  sky_wal_fd_close(t);
  sky_buf_free(&t->wal_pending);
  pthread_mutex_destroy(&t->compact_mu);
  pthread_mutex_destroy(&t->commit_mu);
  pthread_mutex_destroy(&t->wal_mu);
  pthread_cond_destroy(&t->wal_cv);
  pthread_mutex_destroy(&t->state_mu);
  sky_free(t->wal_path);
  sky_free(t->broken);
  sky_free(t->name);
  sky_free(t->dir);
  sky_free(t);
}

void sky_table_release(sky_table *t) {
  if (t && atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) == 1) table_free(t);
}

const char *sky_table_name(const sky_table *t) { return t->name; }

int sky_table_check(sky_table *t, sky_error *err) {
  if (t->broken) return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "%s", t->broken);
  pthread_mutex_lock(&t->state_mu);
  bool dropped = t->dropped;
  pthread_mutex_unlock(&t->state_mu);
  if (dropped) return sky_error_set(err, SKY_ERR_UNKNOWN_TABLE, 0, 0, "table '%s' was dropped", t->name);
  return 0;
}

void sky_table_prefer_dropped(sky_table *t, sky_error *err) {
  sky_error e;
  sky_error_clear(&e);
  pthread_mutex_lock(&t->commit_mu);
  int rc = sky_table_check(t, &e);
  pthread_mutex_unlock(&t->commit_mu);
  if (rc != 0 && e.code == SKY_ERR_UNKNOWN_TABLE) *err = e;
}

sky_dict *sky_table_dict(sky_table *t, uint32_t dict_id, sky_error *err) {
  sky_dict *d = t->dicts[dict_id];
  if (!d) sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "dictionary %u does not exist", dict_id);
  return d;
}

/* ---- creation -------------------------------------------------------------- */

static int create_wal(const char *path, uint64_t gen, sky_error *err) {
  uint8_t hdr[SKY_WAL_HEADER_BYTES];
  sky_wal_file_header(hdr, gen);
  int fd;
  if (sky_io_create(path, &fd, err) != 0) return -1;
  if (sky_io_pwrite(fd, hdr, sizeof hdr, 0, path, err) != 0 || sky_io_fsync(fd, path, err) != 0) {
    sky_io_close(fd);
    unlink(path);
    return -1;
  }
  sky_io_close(fd);
  return 0;
}

/* Each STRING property's EXPIRES ... TO literal becomes code 1 of its new
 * dictionary, written before the first manifest (schema.h). */
static int init_to_strings(const char *dir, sky_version *v, sky_error *err) {
  const sky_schema *s = v->schema;
  for (uint32_t p = 0; p < s->n_props; p++) {
    const sky_prop *prop = &s->props[p];
    if (prop->type != SKY_PTYPE_STRING || !prop->has_to) continue;
    uint32_t id = sky_prop_dict(p), code;
    char file[48];
    snprintf(file, sizeof file, "dict-%" PRIu32 ".dat", id);
    sky_dict *d = sky_dict_create();
    char *path = sky_path_join(dir, file);
    int rc = !d || !path ? sky_error_oom(err) : sky_dict_intern(d, prop->to_str, prop->to_len, &code, err);
    if (rc == 0) rc = sky_dict_persist(d, path, sky_dict_count(d), &v->dicts[id].len, &v->dicts[id].count, err);
    sky_dict_free(d);
    sky_free(path);
    if (rc != 0) return -1;
  }
  return 0;
}

int sky_table_init_dir(const char *dir, const char *name, const sky_schema *schema, sky_error *err) {
  sky_version *v = sky_version_create(name, schema);
  char *wal = sky_path_join(dir, "wal-0000000000000001.log");
  int rc = -1;
  if (!v || !wal) sky_error_oom(err);
  else if (create_wal(wal, 1, err) == 0 && init_to_strings(dir, v, err) == 0)
    rc = sky_manifest_write(dir, v, err); /* also fsyncs dir */
  sky_version_unref(v);
  sky_free(wal);
  return rc;
}

/* ---- recovery -------------------------------------------------------------- */

static bool parse_hex_name(const char *name, const char *prefix, const char *suffix, uint64_t *n) {
  size_t lp = strlen(prefix), ls = strlen(suffix), ln = strlen(name);
  if (ln != lp + 16 + ls || strncmp(name, prefix, lp) != 0 || strcmp(name + lp + 16, suffix) != 0) return false;
  char hex[17];
  memcpy(hex, name + lp, 16);
  hex[16] = '\0';
  char *end;
  *n = strtoull(hex, &end, 16);
  return *end == '\0';
}

static bool has_id(const uint64_t *ids, uint32_t n, uint64_t id) {
  for (uint32_t i = 0; i < n; i++)
    if (ids[i] == id) return true;
  return false;
}

/* Removes what no committed state refers to; collects live WAL gens. */
static int sweep_dir(sky_table *t, uint64_t **wal_gens, uint32_t *n_wal, sky_error *err) {
  DIR *d = opendir(t->dir);
  if (!d) return sky_io_errno(err, "cannot open directory", t->dir);
  size_t cap = 0;
  struct dirent *e;
  int rc = 0;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    uint64_t n;
    bool remove = false, other;
    if (strcmp(e->d_name, "MANIFEST.tmp") == 0 || strcmp(e->d_name, "MANIFEST.prev") == 0) {
      remove = true;
    } else if (parse_seg_name(t, e->d_name, &n, &other)) {
      remove = other || !has_id(t->v->seg_ids, t->v->n_segs, n);
    } else if (parse_hex_name(e->d_name, "wal-", ".log", &n)) {
      if (n < t->v->wal_gen) {
        remove = true;
      } else {
        void *arr = *wal_gens;
        if (sky_grow(&arr, &cap, (size_t)*n_wal + 1, sizeof(uint64_t)) != 0) rc = sky_error_oom(err);
        else (*wal_gens = arr)[(*n_wal)++] = n;
      }
    }
    if (remove) {
      char *p = sky_path_join(t->dir, e->d_name);
      if (p) unlink(p);
      sky_free(p);
    }
  }
  closedir(d);
  for (uint32_t i = 1; i < *n_wal; i++) /* ascending */
    for (uint32_t j = i; j > 0 && (*wal_gens)[j - 1] > (*wal_gens)[j]; j--) {
      uint64_t x = (*wal_gens)[j];
      (*wal_gens)[j] = (*wal_gens)[j - 1];
      (*wal_gens)[j - 1] = x;
    }
  return rc;
}

static int load_dicts(sky_table *t, sky_error *err) {
  const sky_schema *s = t->v->schema;
  for (uint32_t id = 0; id < t->v->n_dicts; id++) {
    if (id > 0 && s->props[id - 1].type != SKY_PTYPE_STRING) continue;
    t->dicts[id] = sky_dict_create();
    char *path = sky_table_file(t, "dict-%" PRIu64 ".dat", id);
    if (!t->dicts[id] || !path) {
      sky_free(path);
      return sky_error_oom(err);
    }
    int rc = sky_dict_load(t->dicts[id], path, t->v->dicts[id].len, t->v->dicts[id].count, err);
    sky_free(path);
    if (rc != 0) return -1;
  }
  return 0;
}

static int open_segments(sky_table *t, sky_error *err) {
  sky_version *v = t->v;
  v->segs = sky_calloc(v->n_segs ? v->n_segs : 1, sizeof *v->segs);
  if (!v->segs) return sky_error_oom(err);
  for (uint32_t i = 0; i < v->n_segs; i++) {
    char *path = sky_table_seg_path(t, v->seg_ids[i]);
    v->segs[i] = path ? sky_segment_open(path, v->seg_ids[i], err) : NULL;
    sky_free(path);
    if (!v->segs[i]) {
      v->n_segs = i; /* only the opened ones are released */
      return sky_error_oom(err);
    }
  }
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++)
    for (uint32_t k = 0; k < v->part[p].n_src; k++)
      for (uint32_t i = 0; i < v->n_segs; i++)
        if (v->seg_ids[i] == v->part[p].src[k].seg_id) v->part[p].src[k].seg = v->segs[i];
  return 0;
}

typedef struct replay_ctx {
  sky_table *t;
  sky_memtable *m;
  sky_batch *b; /* reused for every record */
} replay_ctx;

static int replay_one(void *ctx, const uint8_t *payload, size_t len, sky_error *err) {
  replay_ctx *rc = ctx;
  if (sky_wal_decode_into(rc->b, payload, len, err) != 0) return -1;
  rc->m->n_records++;
  return sky_table_apply_batch(rc->t, rc->m, rc->b, err); /* made visible after the file */
}

/* WAL files gens[0..n) must be the manifest's generation and every later
 * one up to the newest: each was created durable (header, fsync, directory
 * fsync) before any manifest or later file referred to it, so a missing
 * one was lost after it was durable. */
static int check_wal_gens(sky_table *t, const uint64_t *gens, uint32_t n, sky_error *err) {
  uint32_t i = 0;
  while (i < n && gens[i] == t->v->wal_gen + i) i++;
  if (n > 0 && i == n) return 0;
  char *p = sky_table_file(t, "wal-%016" PRIx64 ".log", t->v->wal_gen + i);
  if (!p) return sky_error_oom(err);
  sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "WAL file '%s' is missing: the manifest needs WAL generation %" PRIu64
                " and every later one up to the newest present",
                p, t->v->wal_gen + i);
  sky_free(p);
  return -1;
}

/* The recovery log line of one replayed file; silent for an empty file
 * read to its end. */
static void log_replay(sky_table *t, uint64_t gen, const sky_wal_replay_info *in) {
  if (in->n_records == 0 && !in->torn_creation && in->good_len == in->file_len) return;
  sky_store_log(t->st, "table '%s': replayed %" PRIu64 " records (%" PRIu64 " bytes) from wal-%016" PRIx64
                       ".log; stopped at offset %" PRIu64 ": %s",
                t->name, in->n_records, in->good_len > in->header_bytes ? in->good_len - in->header_bytes : 0, gen,
                in->good_len, in->stop);
}

static int replay_wals(sky_table *t, const uint64_t *gens, uint32_t n, sky_error *err) {
  if (check_wal_gens(t, gens, n, err) != 0) return -1;
  uint64_t last_gen = gens[n - 1];
  char *path = sky_table_file(t, "wal-%016" PRIx64 ".log", last_gen);
  if (!path) return sky_error_oom(err);
  t->wal_path = path;
  t->wal_gen = last_gen;
  t->active = sky_memtable_create(last_gen, t->v->schema);
  sky_memtable *older = n > 1 ? sky_memtable_create(gens[n - 2], t->v->schema) : NULL;
  if (!t->active || (n > 1 && !older)) {
    sky_memtable_unref(older);
    return sky_error_oom(err);
  }
  if (older) t->frozen[t->n_frozen++] = older;
  sky_batch *batch = sky_batch_create(t->v->schema);
  if (!batch) return sky_error_oom(err);
  for (uint32_t i = 0; i < n; i++) {
    replay_ctx ctx = {t, i + 1 == n ? t->active : older, batch};
    char *p = sky_table_file(t, "wal-%016" PRIx64 ".log", gens[i]);
    /* Only the newest file, created after the manifest was written, may
     * be a creation torn by a crash. */
    bool may_be_new = i + 1 == n && gens[i] > t->v->wal_gen;
    sky_wal_replay_info info;
    int rc = p ? sky_wal_replay(p, gens[i], may_be_new, replay_one, &ctx, &info, err) : sky_error_oom(err);
    sky_free(p);
    if (rc != 0) {
      sky_batch_free(batch);
      return -1;
    }
    log_replay(t, gens[i], &info);
    uint64_t mark[SKY_PARTITIONS];
    bool changed[SKY_PARTITIONS];
    sky_memtable_mark(ctx.m, mark);
    sky_memtable_publish(ctx.m, mark, changed);
    if (i + 1 == n) {
      t->wal_off = info.torn_creation ? 0 : info.good_len;
      t->wal_seq = t->wal_durable = info.last_seq;
      t->wal_v1 = !info.torn_creation && info.header_bytes == SKY_WAL_V1_HEADER_BYTES;
    }
  }
  sky_batch_free(batch);
  /* The descriptor is opened again by the first group commit (walfd.c). */
  int fd;
  if (sky_io_open_rw(t->wal_path, &fd, err) != 0) return -1;
  int rc;
  if (t->wal_off > 0) {
    rc = sky_io_truncate(fd, t->wal_off, t->wal_path, err); /* cut a torn tail */
  } else { /* the file's creation was torn by a crash (see sky_wal_replay): redo it */
    uint8_t hdr[SKY_WAL_HEADER_BYTES];
    sky_wal_file_header(hdr, t->wal_gen);
    t->wal_off = SKY_WAL_HEADER_BYTES;
    rc = sky_io_truncate(fd, 0, t->wal_path, err);
    if (rc == 0) rc = sky_io_pwrite(fd, hdr, sizeof hdr, 0, t->wal_path, err);
    if (rc == 0) rc = sky_io_fsync(fd, t->wal_path, err);
  }
  sky_io_close(fd);
  return rc;
}

static int recover(sky_table *t, sky_error *err) {
  t->v = sky_manifest_read(t->dir, err);
  if (!t->v) return -1;
  if (strcmp(t->v->name, t->name) != 0)
    return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "manifest of '%s' names another table", t->dir);
  t->uid = t->v->schema->table_uid;
  atomic_store(&t->next_seg_id, t->v->next_seg_id);
  uint64_t *gens = NULL;
  uint32_t n_wal = 0;
  int rc = sweep_dir(t, &gens, &n_wal, err);
  if (rc == 0) rc = load_dicts(t, err);
  if (rc == 0) rc = open_segments(t, err);
  if (rc == 0) rc = replay_wals(t, gens, n_wal, err);
  sky_free(gens);
  return rc;
}

sky_table *sky_table_open(sky_store *st, const char *dir, const char *name, sky_error *err) {
  sky_table *t = sky_calloc(1, sizeof *t);
  if (!t) {
    sky_error_oom(err);
    return NULL;
  }
  atomic_init(&t->refs, 1);
  t->st = st;
  t->wal_fd = -1;
  pthread_mutex_init(&t->compact_mu, NULL);
  pthread_mutex_init(&t->commit_mu, NULL);
  pthread_mutex_init(&t->wal_mu, NULL);
  pthread_cond_init(&t->wal_cv, NULL);
  pthread_mutex_init(&t->state_mu, NULL);
  sky_buf_init(&t->wal_pending);
  t->name = sky_strdup(name);
  t->dir = sky_strdup(dir);
  if (!t->name || !t->dir) {
    table_free(t);
    sky_error_oom(err);
    return NULL;
  }
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) {
    t->layout_id[p] = sky_store_new_id(st);
    t->content_id[p] = sky_store_new_id(st);
  }
  sky_error e;
  if (recover(t, &e) != 0) {
    if (e.code == SKY_ERR_OUT_OF_MEMORY) {
      table_free(t);
      *err = e;
      return NULL;
    }
    t->broken = sky_strdup(e.message);
    sky_store_log(st, "table '%s' cannot be opened: %s", name, e.message);
    if (!t->broken) {
      table_free(t);
      sky_error_oom(err);
      return NULL;
    }
  }
  return t;
}

void sky_table_mark_dropped(sky_table *t) {
  pthread_mutex_lock(&t->wal_mu);
  while (t->wal_leader) pthread_cond_wait(&t->wal_cv, &t->wal_mu);
  pthread_mutex_lock(&t->state_mu);
  t->dropped = true;
  pthread_mutex_unlock(&t->state_mu);
  sky_wal_fd_close(t);
  pthread_mutex_unlock(&t->wal_mu);
}

void sky_table_shutdown(sky_table *t) {
  if (!t->broken) {
    pthread_mutex_lock(&t->compact_mu);
    pthread_mutex_lock(&t->commit_mu);
    sky_error e;
    if (sky_table_check(t, &e) == 0) sky_flush_locked(t, true, &e); /* on failure the WAL still has the rows */
    pthread_mutex_unlock(&t->commit_mu);
    pthread_mutex_unlock(&t->compact_mu);
  }
  sky_wal_fd_close(t); /* the cache dies with the store; the table may be referenced longer */
  sky_table_release(t);
}
