/* store.c — the data directory: its lock, the table catalog (CREATE, DROP,
 * listing), the shared decoded-chunk cache and worker pool, and the
 * background compactor.
 *
 * Layout: <dir>/LOCK (flock'ed by the owning process), one directory per
 * table named from the table name (t_<name> when the name is only
 * [A-Za-z0-9_], else x_<base64url of the name bytes>, so any name is a safe
 * file name and decodes back), and temporaries: tmp-* (a CREATE in
 * progress) and drop-* (a DROP in progress), removed at open. CREATE builds
 * the table directory under a tmp- name and renames it into place; DROP
 * renames it to a drop- name and then deletes it: each is one atomic
 * rename followed by a directory fsync, so a crash never leaves half a
 * table.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/error.h"
#include "storage/io.h"
#include "storage/table_int.h"

uint32_t sky_partition_of(uint64_t obj) {
  /* splitmix64's finalizer: fixed forever, it decides where data lives. */
  uint64_t x = obj;
  x ^= x >> 30;
  x *= UINT64_C(0xbf58476d1ce4e5b9);
  x ^= x >> 27;
  x *= UINT64_C(0x94d049bb133111eb);
  x ^= x >> 31;
  return (uint32_t)(x % SKY_PARTITIONS);
}

void sky_store_options_init(sky_store_options *opt) {
  memset(opt, 0, sizeof *opt);
  opt->background_compaction = true;
}

uint64_t sky_store_new_id(sky_store *st) { return atomic_fetch_add(&st->next_id, 1); }

void sky_store_log(sky_store *st, const char *fmt, ...) {
  if (!st->opt.log) return;
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  st->opt.log(st->opt.log_ctx, line);
}

/* ---- names ---------------------------------------------------------------- */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static bool plain_name(const char *s) {
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return false;
  return true;
}

static char *encode_name(const char *name) {
  size_t n = strlen(name);
  char *out = sky_malloc(3 + (n * 4 + 2) / 3 + 1);
  if (!out) return NULL;
  if (plain_name(name)) {
    memcpy(out, "t_", 2);
    memcpy(out + 2, name, n + 1);
    return out;
  }
  const unsigned char *s = (const unsigned char *)name;
  size_t o = 0;
  out[o++] = 'x', out[o++] = '_';
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
    out[o++] = B64[v >> 18];
    out[o++] = B64[(v >> 12) & 63];
    if (i + 1 < n) out[o++] = B64[(v >> 6) & 63];
    if (i + 2 < n) out[o++] = B64[v & 63];
  }
  out[o] = '\0';
  return out;
}

/* The table name of a directory entry, or NULL when it is not a table. */
static char *decode_name(const char *d) {
  if (strncmp(d, "t_", 2) == 0) return d[2] && plain_name(d + 2) ? sky_strdup(d + 2) : NULL;
  if (strncmp(d, "x_", 2) != 0) return NULL;
  const char *s = d + 2;
  size_t n = strlen(s);
  char *out = sky_malloc(n + 1);
  if (!out) return NULL;
  size_t o = 0;
  uint32_t acc = 0;
  unsigned bits = 0;
  for (size_t i = 0; i < n; i++) {
    const char *p = memchr(B64, s[i], 64);
    if (!p || !s[i]) {
      sky_free(out);
      return NULL;
    }
    acc = acc << 6 | (uint32_t)(p - B64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (char)((acc >> bits) & 0xff);
    }
  }
  out[o] = '\0';
  /* Only the canonical spelling names a table (no NUL, no plain name). */
  if (o == 0 || memchr(out, '\0', o) || plain_name(out)) {
    sky_free(out);
    return NULL;
  }
  return out;
}

static uint64_t random_u64(void) {
  uint64_t v = 0;
  if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    v = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 32);
  }
  return v ? v : 1;
}

/* ---- catalog ------------------------------------------------------------------ */

static size_t find_slot(const sky_store *st, const char *name, bool *found) {
  size_t lo = 0, hi = st->n_tables;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(st->tables[mid]->name, name);
    if (c == 0) {
      *found = true;
      return mid;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  *found = false;
  return lo;
}

static int catalog_insert(sky_store *st, sky_table *t) {
  bool found;
  size_t at = find_slot(st, t->name, &found);
  void *arr = st->tables;
  if (sky_grow(&arr, &st->cap_tables, st->n_tables + 1, sizeof *st->tables) != 0) return -1;
  st->tables = arr;
  memmove(&st->tables[at + 1], &st->tables[at], (st->n_tables - at) * sizeof *st->tables);
  st->tables[at] = t;
  st->n_tables++;
  return 0;
}

static int open_table_dir(sky_store *st, const char *entry, sky_error *err) {
  char *name = decode_name(entry);
  if (!name) return 0; /* not a table directory */
  char *path = sky_path_join(st->dir, entry);
  sky_table *t = path ? sky_table_open(st, path, name, err) : NULL;
  sky_free(path);
  sky_free(name);
  if (!t) return -1;
  if (catalog_insert(st, t) != 0) {
    sky_table_release(t);
    return sky_error_oom(err);
  }
  return 0;
}

static int scan_dir(sky_store *st, sky_error *err) {
  DIR *d = opendir(st->dir);
  if (!d) return sky_io_errno(err, "cannot open directory", st->dir);
  struct dirent *e;
  int rc = 0;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    if (strncmp(e->d_name, "tmp-", 4) == 0 || strncmp(e->d_name, "drop-", 5) == 0) {
      char *p = sky_path_join(st->dir, e->d_name);
      if (p) sky_io_remove_tree(p);
      sky_free(p);
    } else {
      rc = open_table_dir(st, e->d_name, err);
    }
  }
  closedir(d);
  return rc;
}

/* ---- background compaction ------------------------------------------------------ */

void sky_store_kick_compactor(sky_store *st) {
  pthread_mutex_lock(&st->bg_mu);
  st->bg_kick = true;
  pthread_cond_signal(&st->bg_cv);
  pthread_mutex_unlock(&st->bg_mu);
}

/* Compacts every table that wants it; false when the store is stopping. */
static void bg_round(sky_store *st) {
  pthread_mutex_lock(&st->mu);
  size_t n = st->n_tables;
  sky_table **ts = sky_malloc((n ? n : 1) * sizeof *ts);
  for (size_t i = 0; ts && i < n; i++) {
    ts[i] = st->tables[i];
    sky_table_ref(ts[i]);
  }
  pthread_mutex_unlock(&st->mu);
  if (!ts) return;
  for (size_t i = 0; i < n; i++) {
    pthread_mutex_lock(&st->bg_mu);
    bool stop = st->bg_stop;
    pthread_mutex_unlock(&st->bg_mu);
    sky_error e;
    if (!stop && sky_table_wants_compaction(ts[i])) sky_table_compact_run(ts[i], false, &e); /* retried later */
    sky_table_release(ts[i]);
  }
  sky_free(ts);
}

static void *bg_main(void *arg) {
  sky_store *st = arg;
  pthread_mutex_lock(&st->bg_mu);
  while (!st->bg_stop) {
    if (!st->bg_kick) {
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_sec += 1;
      pthread_cond_timedwait(&st->bg_cv, &st->bg_mu, &until);
    }
    if (st->bg_stop) break;
    st->bg_kick = false;
    pthread_mutex_unlock(&st->bg_mu);
    bg_round(st);
    pthread_mutex_lock(&st->bg_mu);
  }
  pthread_mutex_unlock(&st->bg_mu);
  return NULL;
}

/* ---- open / close ------------------------------------------------------------------ */

static int lock_dir(sky_store *st, sky_error *err) {
  if (mkdir(st->dir, 0755) != 0 && errno != EEXIST) return sky_io_errno(err, "cannot create directory", st->dir);
  char *path = sky_path_join(st->dir, "LOCK");
  if (!path) return sky_error_oom(err);
  st->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (st->lock_fd < 0) {
    sky_io_errno(err, "cannot open", path);
    sky_free(path);
    return -1;
  }
  sky_free(path);
  if (flock(st->lock_fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "data directory '%s' is in use", st->dir);
    return sky_io_errno(err, "cannot lock", st->dir);
  }
  return 0;
}

static size_t default_cache_bytes(void) {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || size <= 0) return (size_t)1 << 30;
  return (size_t)pages * (size_t)size / 4;
}

sky_store *sky_store_open(const char *dir, const sky_store_options *opt, sky_error *err) {
  sky_store *st = sky_calloc(1, sizeof *st);
  if (!st) {
    sky_error_oom(err);
    return NULL;
  }
  st->lock_fd = -1;
  if (opt) st->opt = *opt;
  else sky_store_options_init(&st->opt);
  if (st->opt.cache_bytes == 0) st->opt.cache_bytes = default_cache_bytes();
  if (st->opt.memtable_max_rows == 0) st->opt.memtable_max_rows = 1000000;
  if (st->opt.max_wal_fds == 0) st->opt.max_wal_fds = 64;
  const char *slice = getenv("SKY_STREAM_SLICE");
  if (slice && *slice) st->opt.stream_slice = strtoll(slice, NULL, 10);
  atomic_init(&st->next_id, 1);
  pthread_mutex_init(&st->mu, NULL);
  pthread_mutex_init(&st->bg_mu, NULL);
  pthread_mutex_init(&st->fd_mu, NULL);
  pthread_cond_init(&st->bg_cv, NULL);
  unsigned cpus = sky_cpu_count();
  st->dir = sky_strdup(dir);
  st->cache = sky_cache_create(st->opt.cache_bytes);
  st->pool = sky_pool_create(cpus > 1 ? cpus - 1 : 0);
  if (!st->dir || !st->cache || !st->pool) {
    sky_error_oom(err);
    goto fail;
  }
  if (lock_dir(st, err) != 0 || scan_dir(st, err) != 0) goto fail;
  if (st->opt.background_compaction) {
    if (pthread_create(&st->bg, NULL, bg_main, st) != 0) {
      sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "cannot start the compaction thread");
      goto fail;
    }
    st->bg_running = true;
  }
  return st;
fail:
  sky_store_close(st);
  return NULL;
}

/* Test hook: close without flushing memtables, as a crash would leave the
 * directory (the WAL keeps the rows). */
static atomic_bool g_close_as_crash;
void sky_test_close_as_crash(bool on) { atomic_store(&g_close_as_crash, on); }

/* Test hook: a pause inside DROP, between its rename and its mark. Set
 * before the threads that drop start. */
static void (*g_drop_hook)(void *ctx);
static void *g_drop_hook_ctx;
void sky_test_set_drop_hook(void (*hook)(void *ctx), void *ctx) {
  g_drop_hook = hook;
  g_drop_hook_ctx = ctx;
}

void sky_store_close(sky_store *st) {
  if (!st) return;
  if (st->bg_running) {
    pthread_mutex_lock(&st->bg_mu);
    st->bg_stop = true;
    pthread_cond_signal(&st->bg_cv);
    pthread_mutex_unlock(&st->bg_mu);
    pthread_join(st->bg, NULL);
  }
  bool crash = atomic_load(&g_close_as_crash);
  for (size_t i = 0; i < st->n_tables; i++) {
    if (crash) {
      sky_wal_fd_close(st->tables[i]); /* a table still referenced must not outlive the cache */
      sky_table_release(st->tables[i]);
    } else {
      sky_table_shutdown(st->tables[i]);
    }
  }
  sky_free(st->tables);
  sky_pool_free(st->pool);
  sky_cache_free(st->cache);
  if (st->lock_fd >= 0) close(st->lock_fd); /* releases the flock */
  pthread_mutex_destroy(&st->mu);
  pthread_mutex_destroy(&st->bg_mu);
  pthread_mutex_destroy(&st->fd_mu);
  pthread_cond_destroy(&st->bg_cv);
  sky_free(st->dir);
  sky_free(st);
}

int sky_store_list_tables(sky_store *st, char ***names, size_t *n, sky_error *err) {
  pthread_mutex_lock(&st->mu);
  char **out = sky_calloc(st->n_tables ? st->n_tables : 1, sizeof *out);
  for (size_t i = 0; out && i < st->n_tables; i++) {
    out[i] = sky_strdup(st->tables[i]->name);
    if (!out[i]) {
      for (size_t k = 0; k < i; k++) sky_free(out[k]);
      sky_free(out);
      out = NULL;
    }
  }
  size_t count = st->n_tables;
  pthread_mutex_unlock(&st->mu);
  if (!out) return sky_error_oom(err);
  *names = out;
  *n = count;
  return 0;
}

sky_table *sky_store_table(sky_store *st, const char *name, sky_error *err) {
  pthread_mutex_lock(&st->mu);
  bool found;
  size_t at = find_slot(st, name, &found);
  sky_table *t = found ? st->tables[at] : NULL;
  if (t && t->broken) {
    sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "table '%s' cannot be read: %s", name, t->broken);
    t = NULL;
  } else if (t) {
    sky_table_ref(t);
  } else {
    sky_error_set(err, SKY_ERR_UNKNOWN_TABLE, 0, 0, "unknown table '%s'", name);
  }
  pthread_mutex_unlock(&st->mu);
  return t;
}

/* ---- CREATE / DROP / ALTER ------------------------------------------------------------ */

int sky_check_prop(const sky_prop *p, sky_error *err) {
  size_t len = strnlen(p->name, SKY_MAX_NAME + 1);
  if (len == 0 || len > SKY_MAX_NAME)
    return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "property names must have 1 to %d bytes", SKY_MAX_NAME);
  if (sky_name_is_reserved(p->name, len))
    return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "'%s' is a reserved name", p->name);
  if ((unsigned)p->kind > SKY_KIND_EVENT || (unsigned)p->type > SKY_PTYPE_STRING)
    return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "property '%s' has an unknown kind or type", p->name);
  if (p->expires_us < 0 || (p->expires_us > 0 && p->kind != SKY_KIND_STATE) || (p->has_to && p->expires_us == 0) ||
      p->to_len > SKY_MAX_TO_STR || (p->type == SKY_PTYPE_BOOL && p->has_to && p->to_word > 1))
    return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "property '%s' has an invalid EXPIRES", p->name);
  return 0;
}

static int check_create(const char *name, const sky_prop *props, uint32_t n_props, sky_error *err) {
  size_t len = strlen(name);
  if (len == 0 || len > SKY_MAX_NAME)
    return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "table names must have 1 to %d bytes", SKY_MAX_NAME);
  if (n_props > SKY_MAX_PROPS) return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "too many properties");
  for (uint32_t i = 0; i < n_props; i++) {
    if (sky_check_prop(&props[i], err) != 0) return -1;
    for (uint32_t k = 0; k < i; k++)
      if (strcmp(props[k].name, props[i].name) == 0)
        return sky_error_set(err, SKY_ERR_SEMANTIC, 0, 0, "property '%s' is declared twice", props[i].name);
  }
  return 0;
}

/* Builds the table directory under a temporary name and renames it in. */
static int create_dir(sky_store *st, const char *name, const sky_schema *schema, char **final_out, sky_error *err) {
  char tmpname[40];
  snprintf(tmpname, sizeof tmpname, "tmp-%016llx", (unsigned long long)random_u64());
  char *enc = encode_name(name);
  char *tmp = sky_path_join(st->dir, tmpname), *final = enc ? sky_path_join(st->dir, enc) : NULL;
  sky_free(enc);
  int rc = -1;
  if (!tmp || !final) {
    sky_error_oom(err);
  } else if (sky_io_mkdir(tmp, err) == 0) {
    if (sky_table_init_dir(tmp, name, schema, err) == 0 && sky_io_rename(tmp, final, err) == 0) {
      rc = sky_io_fsync_dir(st->dir, err);
      if (rc != 0) sky_io_rename_undo(final, tmp, NULL);
    }
    if (rc != 0) sky_io_remove_tree(tmp);
  }
  sky_free(tmp);
  if (rc == 0) *final_out = final;
  else sky_free(final);
  return rc;
}

int sky_store_create_table(sky_store *st, const char *name, const sky_prop *props, uint32_t n_props, sky_error *err) {
  if (check_create(name, props, n_props, err) != 0) return -1;
  sky_schema schema = {.table_uid = random_u64(), .version = 1, .n_props = n_props, .props = (sky_prop *)props};
  pthread_mutex_lock(&st->mu);
  bool found;
  find_slot(st, name, &found);
  char *final = NULL;
  int rc = found ? sky_error_set(err, SKY_ERR_ALREADY_EXISTS, 0, 0, "table '%s' already exists", name)
                 : create_dir(st, name, &schema, &final, err);
  if (rc == 0) {
    sky_table *t = sky_table_open(st, final, name, err);
    if (!t || catalog_insert(st, t) != 0) { /* on disk but not loaded: found at next open */
      sky_table_release(t);
      rc = sky_error_oom(err);
    } else if (t->broken) {
      rc = sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "%s", t->broken);
    }
  }
  pthread_mutex_unlock(&st->mu);
  sky_free(final);
  return rc;
}

int sky_store_drop_table(sky_store *st, const char *name, sky_error *err) {
  pthread_mutex_lock(&st->mu);
  bool found;
  size_t at = find_slot(st, name, &found);
  if (!found) {
    pthread_mutex_unlock(&st->mu);
    return sky_error_set(err, SKY_ERR_UNKNOWN_TABLE, 0, 0, "unknown table '%s'", name);
  }
  sky_table *t = st->tables[at];
  char dropname[64];
  snprintf(dropname, sizeof dropname, "drop-%016llx-%llu", (unsigned long long)t->uid,
           (unsigned long long)++st->drop_counter);
  char *dropped = sky_path_join(st->dir, dropname);
  if (!dropped) {
    pthread_mutex_unlock(&st->mu);
    return sky_error_oom(err);
  }
  pthread_mutex_lock(&t->commit_mu);
  int rc = sky_io_rename(t->dir, dropped, err);
  if (rc == 0 && sky_io_fsync_dir(st->dir, err) != 0) {
    sky_io_rename_undo(dropped, t->dir, NULL);
    rc = -1;
  }
  if (rc == 0 && g_drop_hook) g_drop_hook(g_drop_hook_ctx);
  if (rc == 0) sky_table_mark_dropped(t);
  pthread_mutex_unlock(&t->commit_mu);
  if (rc == 0) {
    memmove(&st->tables[at], &st->tables[at + 1], (st->n_tables - at - 1) * sizeof *st->tables);
    st->n_tables--;
  }
  pthread_mutex_unlock(&st->mu);
  if (rc == 0) {
    sky_io_remove_tree(dropped); /* files stay mapped for snapshots that still use them */
    sky_table_release(t);
  }
  sky_free(dropped);
  return rc;
}
