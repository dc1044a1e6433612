/* dict.c — append-only string dictionaries; see dict.h.
 *
 * The hash index is an open-addressing table of codes. Growing it builds a
 * new table and publishes it with a release store; the old table is kept
 * (linked from the new one) until the dictionary is freed, so a reader that
 * is still probing it stays safe. The old tables add up to less than the
 * current one. */
#include "storage/dict.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/arena.h"
#include "common/buf.h"
#include "common/crc32c.h"
#include "common/error.h"
#include "common/hash.h"
#include "storage/codec.h"
#include "storage/cvec.h"
#include "storage/io.h"

#define DICT_FILE_MAGIC "SKYDICT1"
#define DICT_BLOCK_MAGIC 0x4B4C4244u /* "DBLK" */
#define DICT_HEADER_BYTES 16u
#define DICT_MAX_CODES (UINT32_MAX - 1u)

typedef struct dict_entry {
  const char *s;
  uint32_t len;
} dict_entry;

typedef struct dict_index {
  struct dict_index *older; /* retired tables, freed with the dictionary */
  uint32_t n_slots;         /* power of two */
  _Atomic uint32_t slots[]; /* code or 0 */
} dict_index;

struct sky_dict {
  pthread_mutex_t mu; /* writers */
  _Atomic uint32_t count;
  sky_cvec entries; /* dict_entry, [count] */
  sky_arena strings;
  _Atomic(dict_index *) index;
};

sky_dict *sky_dict_create(void) {
  sky_dict *d = sky_calloc(1, sizeof *d);
  if (!d) return NULL;
  pthread_mutex_init(&d->mu, NULL);
  sky_cvec_init(&d->entries, sizeof(dict_entry));
  sky_arena_init(&d->strings);
  atomic_init(&d->count, 0);
  atomic_init(&d->index, NULL);
  return d;
}

void sky_dict_free(sky_dict *d) {
  if (!d) return;
  dict_index *idx = atomic_load(&d->index);
  while (idx) {
    dict_index *older = idx->older;
    sky_free(idx);
    idx = older;
  }
  sky_cvec_free(&d->entries);
  sky_arena_free(&d->strings);
  pthread_mutex_destroy(&d->mu);
  sky_free(d);
}

uint32_t sky_dict_count(const sky_dict *d) {
  return atomic_load_explicit(&((sky_dict *)d)->count, memory_order_acquire);
}

void sky_dict_get(const sky_dict *d, uint32_t code, const char **s, size_t *len) {
  if (code == 0 || code > sky_dict_count(d)) {
    *s = "";
    *len = 0;
    return;
  }
  const dict_entry *e = sky_cvec_at(&d->entries, code - 1);
  *s = e->s;
  *len = e->len;
}

uint32_t sky_dict_find(const sky_dict *d, const char *s, size_t len, uint32_t limit) {
  dict_index *idx = atomic_load_explicit(&((sky_dict *)d)->index, memory_order_acquire);
  if (!idx) return 0;
  uint32_t mask = idx->n_slots - 1;
  uint32_t i = (uint32_t)sky_hash_bytes(s, len) & mask;
  for (;;) {
    uint32_t code = atomic_load_explicit(&idx->slots[i], memory_order_acquire);
    if (code == 0) return 0;
    if (code <= limit) {
      const dict_entry *e = sky_cvec_at(&d->entries, code - 1);
      if (e->len == len && memcmp(e->s, s, len) == 0) return code;
    }
    i = (i + 1) & mask;
  }
}

static void index_put(dict_index *idx, const dict_entry *e, uint32_t code) {
  uint32_t mask = idx->n_slots - 1;
  uint32_t i = (uint32_t)sky_hash_bytes(e->s, e->len) & mask;
  while (atomic_load_explicit(&idx->slots[i], memory_order_relaxed) != 0) i = (i + 1) & mask;
  atomic_store_explicit(&idx->slots[i], code, memory_order_release);
}

/* Makes room for one more code; called with the mutex held. */
static int index_grow(sky_dict *d, uint32_t count) {
  dict_index *old = atomic_load_explicit(&d->index, memory_order_relaxed);
  if (old && (uint64_t)(count + 1) * 2 <= old->n_slots) return 0;
  uint64_t n_slots = old ? (uint64_t)old->n_slots * 2 : 64;
  if (n_slots > (UINT64_C(1) << 32)) return -1;
  dict_index *idx = sky_calloc(1, sizeof *idx + (size_t)n_slots * sizeof(uint32_t));
  if (!idx) return -1;
  idx->n_slots = (uint32_t)n_slots;
  idx->older = old;
  for (uint32_t c = 1; c <= count; c++) index_put(idx, sky_cvec_at(&d->entries, c - 1), c);
  atomic_store_explicit(&d->index, idx, memory_order_release);
  return 0;
}

int sky_dict_intern(sky_dict *d, const char *s, size_t len, uint32_t *code, sky_error *err) {
  pthread_mutex_lock(&d->mu);
  uint32_t count = atomic_load_explicit(&d->count, memory_order_relaxed);
  uint32_t found = sky_dict_find(d, s, len, count);
  if (found) {
    pthread_mutex_unlock(&d->mu);
    *code = found;
    return 0;
  }
  if (count >= DICT_MAX_CODES || len > UINT32_MAX) {
    pthread_mutex_unlock(&d->mu);
    return sky_error_set(err, SKY_ERR_BAD_VALUE, 0, 0, "string dictionary is full");
  }
  char *copy = NULL;
  if (sky_cvec_reserve(&d->entries, (size_t)count + 1) != 0 || index_grow(d, count) != 0 ||
      !(copy = sky_arena_strndup(&d->strings, s, len))) {
    pthread_mutex_unlock(&d->mu);
    return sky_error_oom(err);
  }
  dict_entry *e = sky_cvec_at(&d->entries, count);
  e->s = copy;
  e->len = (uint32_t)len;
  index_put(atomic_load_explicit(&d->index, memory_order_relaxed), e, count + 1);
  atomic_store_explicit(&d->count, count + 1, memory_order_release);
  pthread_mutex_unlock(&d->mu);
  *code = count + 1;
  return 0;
}

/* ---- file ------------------------------------------------------------------ */

static int corrupt(sky_error *err, const char *path, const char *what) {
  return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "dictionary file '%s' is corrupt: %s", path, what);
}

static int load_blocks(sky_dict *d, const char *path, const uint8_t *data, uint64_t len, uint32_t want,
                       sky_error *err) {
  uint32_t ver[2] = {0, 1};
  if (len >= DICT_HEADER_BYTES) memcpy(ver, data + 8, 8);
  if (len < DICT_HEADER_BYTES || memcmp(data, DICT_FILE_MAGIC, 8) != 0 || ver[0] != 1 || ver[1] != 0)
    return corrupt(err, path, "bad header");
  sky_rd r;
  sky_rd_init(&r, data + DICT_HEADER_BYTES, (size_t)(len - DICT_HEADER_BYTES));
  uint32_t have = 0;
  while (r.p < r.end) {
    const uint8_t *hdr = r.p;
    uint32_t magic = sky_rd_u32(&r), n = sky_rd_u32(&r), plen = sky_rd_u32(&r), crc = sky_rd_u32(&r);
    const uint8_t *payload = sky_rd_bytes(&r, plen);
    if (r.bad || magic != DICT_BLOCK_MAGIC) return corrupt(err, path, "bad block header");
    if (sky_crc32c(sky_crc32c(0, hdr + 4, 8), payload, plen) != crc) return corrupt(err, path, "checksum mismatch");
    sky_rd pr;
    sky_rd_init(&pr, payload, plen);
    for (uint32_t k = 0; k < n; k++) {
      uint64_t slen = sky_rd_uvarint(&pr);
      const uint8_t *s = pr.bad ? NULL : sky_rd_bytes(&pr, (size_t)slen);
      if (!s) return corrupt(err, path, "bad string");
      uint32_t code;
      if (sky_dict_intern(d, (const char *)s, (size_t)slen, &code, err) != 0) return -1;
      if (code != have + 1) return corrupt(err, path, "duplicate string");
      have++;
    }
    if (pr.p != pr.end) return corrupt(err, path, "bad block length");
  }
  if (have != want) return corrupt(err, path, "wrong string count");
  return 0;
}

int sky_dict_load(sky_dict *d, const char *path, uint64_t committed_len, uint32_t committed_count, sky_error *err) {
  if (committed_len == 0) {
    if (committed_count != 0) return corrupt(err, path, "wrong string count");
    unlink(path); /* a leftover of a commit that never published */
    return 0;
  }
  int fd;
  if (sky_io_open_rw(path, &fd, err) != 0) return -1;
  uint64_t size;
  if (sky_io_file_size(fd, &size, path, err) != 0) goto fail;
  if (size < committed_len) {
    sky_io_close(fd);
    return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "dictionary file '%s' is truncated", path);
  }
  uint8_t *data = sky_malloc((size_t)committed_len);
  if (!data) {
    sky_io_close(fd);
    return sky_error_oom(err);
  }
  int rc = sky_io_pread_all(fd, data, (size_t)committed_len, 0, path, err);
  if (rc == 0) rc = load_blocks(d, path, data, committed_len, committed_count, err);
  sky_free(data);
  if (rc == 0 && size > committed_len) rc = sky_io_truncate(fd, committed_len, path, err);
  sky_io_close(fd);
  return rc;
fail:
  sky_io_close(fd);
  return -1;
}

static int build_block(sky_dict *d, uint32_t from, uint32_t upto, sky_buf *b) {
  sky_buf payload;
  sky_buf_init(&payload);
  for (uint32_t c = from + 1; c <= upto; c++) {
    const dict_entry *e = sky_cvec_at(&d->entries, c - 1);
    sky_put_uvarint(&payload, e->len);
    sky_buf_append(&payload, e->s, e->len);
  }
  uint32_t hdr[4] = {DICT_BLOCK_MAGIC, upto - from, (uint32_t)payload.len, 0};
  hdr[3] = sky_crc32c(sky_crc32c(0, &hdr[1], 8), payload.data ? payload.data : "", payload.len);
  sky_buf_append(b, hdr, sizeof hdr);
  if (payload.len) sky_buf_append(b, payload.data, payload.len);
  bool failed = payload.failed || payload.len > UINT32_MAX;
  sky_buf_free(&payload);
  return failed || b->failed ? -1 : 0;
}

int sky_dict_persist(sky_dict *d, const char *path, uint32_t upto, uint64_t *len, uint32_t *count, sky_error *err) {
  if (upto <= *count) return 0;
  sky_buf b;
  sky_buf_init(&b);
  if (*len == 0) {
    uint32_t ver[2] = {1, 0};
    sky_buf_append(&b, DICT_FILE_MAGIC, 8);
    sky_buf_append(&b, ver, 8);
  }
  if (build_block(d, *count, upto, &b) != 0) {
    sky_buf_free(&b);
    return sky_error_oom(err);
  }
  int fd = -1, rc = -1;
  if (*len == 0) {
    unlink(path);
    if (sky_io_create(path, &fd, err) != 0) goto out;
  } else if (sky_io_open_rw(path, &fd, err) != 0) {
    goto out;
  }
  if (sky_io_pwrite(fd, b.data, b.len, *len, path, err) != 0 || sky_io_fsync(fd, path, err) != 0) {
    sky_error keep = *err;
    if (*len == 0) unlink(path);
    else sky_io_truncate(fd, *len, path, NULL);
    *err = keep;
    goto out;
  }
  *len += b.len;
  *count = upto;
  rc = 0;
out:
  sky_io_close(fd);
  sky_buf_free(&b);
  return rc;
}
