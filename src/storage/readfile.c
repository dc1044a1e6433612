/* readfile.c — the whole-input path of LOAD 'file': mmap, cut into chunks at
 * record boundaries, parse chunks on the pool's threads, hand batches to the
 * caller's callback in input order; and FORMAT AUTO.
 *
 * Cuts are guessed, then checked. A worker claiming the next chunk counts
 * the '"' bytes of the next chunk_bytes (their parity, 8 bytes at a time) and cuts at the
 * first newline after them at even quote parity: on well-formed CSV (and
 * always for NDJSON, cut at any newline) that is a record boundary. A chunk
 * whose last record runs past its cut proves the guess wrong (a malformed
 * quote upstream): it is delivered up to that record, the epoch is bumped,
 * chunks parsed from the wrong cut are dropped, and claiming resumes at the
 * record's start. So the result is always the sequential parse, and one bad
 * quote costs at most a few chunks of wasted work.
 *
 * The pipeline is an ordered ring of RING slots, each with its own batch and
 * parse context. A worker claims the next chunk when a slot is free, parses
 * it, and whoever finishes a chunk delivers every ready chunk in order (one
 * deliverer at a time): line numbers are rebased (a chunk counts lines from
 * 1), row errors are merged in input order against MAX ERRORS, and the batch
 * goes to the callback. Memory stays at RING batches whatever the input
 * size. With one thread the same code runs with a ring of one.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/error.h"
#include "storage/reader_impl.h"

#define DEFAULT_CHUNK ((size_t)16 << 20)
#define RING 4
#define STREAM_READ ((size_t)1 << 20)
#define STREAM_FLUSH_ROWS 262144

void sky_read_options_init(sky_read_options *opt) {
  memset(opt, 0, sizeof *opt);
  opt->format = SKY_FORMAT_CSV;
}

void sky_read_result_free(sky_read_result *res) {
  if (!res) return;
  sky_free(res->skipped);
  memset(res, 0, sizeof *res);
}

int sky_reader_resolve_format(const char *path, size_t len, sky_load_format fmt, sky_load_format *out, sky_error *err) {
  if (fmt != SKY_FORMAT_AUTO) return *out = fmt, 0;
  static const struct {
    const char *ext;
    sky_load_format fmt;
  } k_ext[] = {{".csv", SKY_FORMAT_CSV}, {".ndjson", SKY_FORMAT_NDJSON}, {".jsonl", SKY_FORMAT_NDJSON}};
  for (size_t i = 0; i < sizeof k_ext / sizeof *k_ext; i++) {
    size_t n = strlen(k_ext[i].ext);
    if (len >= n && strncasecmp(path + len - n, k_ext[i].ext, n) == 0) return *out = k_ext[i].fmt, 0;
  }
  char q[72];
  sky_error_quote(q, path, len);
  return sky_error_set(err, SKY_ERR_BAD_REQUEST, 0, 0,
                       "cannot tell the format of '%s'; add FORMAT CSV or FORMAT NDJSON", q);
}

/* ---- the pipeline --------------------------------------------------------- */

typedef enum { SLOT_FREE, SLOT_BUSY, SLOT_READY } slot_state;

typedef struct slot {
  slot_state state;
  size_t seq;       /* chunk sequence number */
  uint64_t epoch;   /* pipeline epoch when claimed */
  size_t a, b;      /* the chunk: data[a..b) */
  const char *stop; /* where its parse stopped */
  sky_batch *batch;
  sky_rparse P;
} slot;

typedef struct pipeline {
  const char *data;
  size_t len;
  sky_load_format fmt;
  size_t chunk_bytes;
  int64_t max_errors;
  sky_reader_batch_fn fn;
  void *arg;
  sky_read_result *res;

  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t next_claim, next_deliver; /* sequence numbers */
  size_t claim_pos;                /* where the next chunk starts */
  bool claiming;                   /* a worker is choosing the next cut */
  uint64_t epoch;                  /* bumped when a guessed cut proves wrong */
  bool delivering, stop;
  slot slots[RING];
  size_t ring; /* slots in use: RING, or 1 with one thread */

  uint64_t line_base; /* absolute line where the next delivered chunk starts */
  size_t cap_skipped;
  bool failed;
  sky_error error;
} pipeline;

static void pipe_fail(pipeline *pl, const sky_error *e) {
  pl->failed = true;
  pl->error = *e;
}

static void rebase(sky_error *e, uint64_t base) {
  uint64_t line = e->line > 0 ? base + (uint64_t)e->line - 1 : 0;
  e->line = line > INT32_MAX ? INT32_MAX : (int)line;
}

static void merge_errors(pipeline *pl, const slot *s) {
  sky_read_result *res = pl->res;
  for (size_t i = 0; i < s->P.n_errors && !pl->failed; i++) {
    sky_error e = s->P.errors[i];
    rebase(&e, pl->line_base);
    if ((int64_t)res->n_skipped >= pl->max_errors) {
      pipe_fail(pl, &e);
      return;
    }
    void *sk = res->skipped;
    if (sky_grow(&sk, &pl->cap_skipped, res->n_skipped + 1, sizeof e) != 0) {
      sky_error oom;
      sky_error_oom(&oom);
      pipe_fail(pl, &oom);
      return;
    }
    res->skipped = sk;
    res->skipped[res->n_skipped++] = e;
  }
  if (!pl->failed && s->P.has_fatal) {
    sky_error e = s->P.fatal;
    rebase(&e, pl->line_base);
    pipe_fail(pl, &e);
  }
}

/* Hands one chunk of the current epoch to the caller; called by the one
 * deliverer, unlocked. Returns where parsing must resume when the chunk's
 * end was a wrong guess (its last record runs past it), else SIZE_MAX. */
static size_t deliver(pipeline *pl, slot *s) {
  merge_errors(pl, s);
  if (!pl->failed && s->batch->n_rows) {
    sky_error e;
    sky_error_clear(&e);
    if (pl->fn(pl->arg, s->batch, &e) != 0) {
      if (e.code == SKY_ERR_OK) sky_error_set(&e, SKY_ERR_INTERNAL, 0, 0, "loading a batch failed");
      pipe_fail(pl, &e);
    } else {
      pl->res->rows += s->batch->n_rows;
    }
  }
  pl->line_base += s->P.line - 1;
  sky_batch_reset(s->batch);
  bool short_parse = s->stop < pl->data + s->b;
  return !pl->failed && short_parse ? (size_t)(s->stop - pl->data) : SIZE_MAX;
}

/* Delivers ready chunks in order unless someone else is at it; drops
 * chunks of an old epoch (parsed from a wrong cut). Locked. */
static void deliver_ready(pipeline *pl) {
  if (pl->delivering) return;
  pl->delivering = true;
  while (!pl->stop && pl->next_deliver < pl->next_claim) {
    slot *s = &pl->slots[pl->next_deliver % pl->ring];
    if (s->state != SLOT_READY || s->seq != pl->next_deliver) break;
    if (s->epoch == pl->epoch) {
      pthread_mutex_unlock(&pl->mu);
      size_t resume = deliver(pl, s);
      pthread_mutex_lock(&pl->mu);
      if (pl->failed) pl->stop = true;
      if (resume != SIZE_MAX) {
        pl->epoch++;
        pl->claim_pos = resume;
      }
    } else {
      sky_batch_reset(s->batch);
    }
    s->state = SLOT_FREE;
    pl->next_deliver++;
    pthread_cond_broadcast(&pl->cv);
  }
  pl->delivering = false;
  pthread_cond_broadcast(&pl->cv);
}

/* The end of a chunk starting at record boundary a: about chunk_bytes on,
 * at a guessed record end (checked when the chunk is delivered). */
static size_t guess_cut(const pipeline *pl, size_t a) {
  if (pl->len - a <= pl->chunk_bytes) return pl->len;
  size_t x = a + pl->chunk_bytes, off;
  if (pl->fmt == SKY_FORMAT_CSV) {
    int parity = sky_rd_quote_parity(pl->data + a, x - a);
    off = sky_rd_csv_guess_end(pl->data + x, pl->len - x, parity);
  } else {
    const char *nl = memchr(pl->data + x, '\n', pl->len - x);
    off = nl ? (size_t)(nl - (pl->data + x)) + 1 : SIZE_MAX;
  }
  return off == SIZE_MAX ? pl->len : x + off;
}

/* Claims the next chunk, cuts and parses it, then delivers. Locked on entry
 * and exit. */
static void claim_and_parse(pipeline *pl) {
  size_t seq = pl->next_claim++;
  slot *s = &pl->slots[seq % pl->ring];
  s->state = SLOT_BUSY;
  s->seq = seq;
  s->epoch = pl->epoch;
  s->a = pl->claim_pos;
  pl->claiming = true;
  pthread_mutex_unlock(&pl->mu);
  s->b = guess_cut(pl, s->a);
  pthread_mutex_lock(&pl->mu);
  if (s->epoch == pl->epoch) pl->claim_pos = s->b;
  pl->claiming = false;
  pthread_cond_broadcast(&pl->cv);
  pthread_mutex_unlock(&pl->mu);

  sky_rparse *P = &s->P;
  sky_rd_parse_reset(P);
  P->line = 1;
  P->out = s->batch;
  s->stop = sky_rd_records(P, pl->data + s->a, pl->data + s->b, s->b == pl->len);

  pthread_mutex_lock(&pl->mu);
  s->state = SLOT_READY;
  pthread_cond_broadcast(&pl->cv);
  deliver_ready(pl);
}

static void worker(void *arg, size_t task, unsigned id) {
  pipeline *pl = arg;
  pthread_mutex_lock(&pl->mu);
  while (!pl->stop) {
    if (!pl->claiming && pl->claim_pos < pl->len && pl->next_claim < pl->next_deliver + pl->ring) {
      claim_and_parse(pl);
      continue;
    }
    if (!pl->claiming && pl->claim_pos >= pl->len && pl->next_deliver == pl->next_claim) break;
    const slot *head = &pl->slots[pl->next_deliver % pl->ring];
    if (!pl->delivering && pl->next_deliver < pl->next_claim && head->state == SLOT_READY &&
        head->seq == pl->next_deliver) {
      deliver_ready(pl);
      continue;
    }
    pthread_cond_wait(&pl->cv, &pl->mu);
  }
  pthread_mutex_unlock(&pl->mu);
}

/* ---- whole buffer ------------------------------------------------------------ */

/* Parses the CSV header (after any blank lines) with its own context.
 * Returns where the data starts, or SIZE_MAX with `err` filled. */
static size_t read_header(sky_rlayout *lay, const char *data, size_t len, uint64_t *line, sky_error *err) {
  sky_rparse hp;
  if (sky_rd_parse_init(&hp, lay, 0, err) != 0) return SIZE_MAX;
  size_t pos = 0;
  while (pos < len && !lay->has_header && !hp.stop) {
    int state = 0;
    size_t off = sky_rd_csv_frame(data + pos, len - pos, &state);
    size_t end = off == SIZE_MAX ? len : pos + off;
    sky_rd_records(&hp, data + pos, data + end, end == len);
    pos = end;
  }
  *line = hp.line;
  if (hp.stop) {
    *err = *sky_rd_stop_error(&hp);
    pos = SIZE_MAX;
  }
  sky_rd_parse_free(&hp);
  return pos;
}

static int run_pipeline(pipeline *pl, sky_rlayout *lay, sky_pool *pool, sky_error *err) {
  pthread_mutex_init(&pl->mu, NULL);
  pthread_cond_init(&pl->cv, NULL);
  int rc = 0;
  size_t max_chunks = (pl->len - pl->claim_pos + pl->chunk_bytes - 1) / pl->chunk_bytes;
  size_t width = pool ? sky_pool_width(pool) : 1;
  if (width > max_chunks) width = max_chunks;
  size_t n_slots = pl->ring = width > 1 ? RING : 1;
  for (size_t i = 0; i < n_slots && rc == 0; i++) {
    pl->slots[i].batch = sky_batch_create(lay->schema);
    if (!pl->slots[i].batch)
      rc = sky_error_oom(err);
    else if (sky_rd_parse_init(&pl->slots[i].P, lay, pl->max_errors, err) != 0)
      rc = -1;
  }
  if (rc == 0) {
    if (width > 1)
      sky_pool_run(pool, width, worker, pl);
    else
      worker(pl, 0, 0);
    if (pl->failed) rc = -1, *err = pl->error;
  }
  for (size_t i = 0; i < n_slots; i++) {
    if (pl->slots[i].batch) sky_batch_free(pl->slots[i].batch);
    sky_rd_parse_free(&pl->slots[i].P);
  }
  pthread_cond_destroy(&pl->cv);
  pthread_mutex_destroy(&pl->mu);
  return rc;
}

int sky_reader_read_buffer(const sky_schema *schema, const char *data, size_t len, const sky_read_options *opt,
                           sky_reader_batch_fn fn, void *arg, sky_read_result *res, sky_error *err) {
  memset(res, 0, sizeof *res);
  if (opt->format != SKY_FORMAT_CSV && opt->format != SKY_FORMAT_NDJSON)
    return sky_error_set(err, SKY_ERR_BAD_REQUEST, 0, 0, "LOAD needs FORMAT CSV or FORMAT NDJSON");
  sky_rlayout lay;
  if (sky_rd_layout_init(&lay, schema, opt->format, err) != 0) return -1;
  size_t start = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  uint64_t line = 1;
  if (opt->format == SKY_FORMAT_CSV) {
    size_t data_start = read_header(&lay, data + start, len - start, &line, err);
    if (data_start == SIZE_MAX) {
      sky_rd_layout_free(&lay);
      return -1;
    }
    start += data_start;
  }
  int rc = 0;
  if (start < len) {
    pipeline pl;
    memset(&pl, 0, sizeof pl);
    pl.data = data;
    pl.len = len;
    pl.fmt = opt->format;
    pl.chunk_bytes = opt->chunk_bytes ? opt->chunk_bytes : DEFAULT_CHUNK;
    pl.max_errors = opt->max_errors > 0 ? opt->max_errors : 0;
    pl.fn = fn;
    pl.arg = arg;
    pl.res = res;
    pl.claim_pos = start;
    pl.line_base = line;
    rc = run_pipeline(&pl, &lay, opt->pool, err);
  }
  sky_rd_layout_free(&lay);
  return rc;
}

/* ---- files ----------------------------------------------------------------------- */

static int io_error(sky_error *err, const char *what, const char *path) {
  char q[72];
  int e = errno;
  sky_error_quote(q, path, strlen(path));
  return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "cannot %s '%s': %s", what, q, strerror(e));
}

static int flush_stream(sky_batch *b, sky_reader_batch_fn fn, void *arg, sky_read_result *res, sky_error *err) {
  if (!b->n_rows) return 0;
  sky_error_clear(err);
  if (fn(arg, b, err) != 0) {
    if (err->code == SKY_ERR_OK) sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "loading a batch failed");
    return -1;
  }
  res->rows += b->n_rows;
  sky_batch_reset(b);
  return 0;
}

/* Pipes, FIFOs and character devices: the streaming reader, in slices. */
static int read_stream(const sky_schema *schema, int fd, const char *path, const sky_read_options *opt,
                       sky_reader_batch_fn fn, void *arg, sky_read_result *res, sky_error *err) {
  sky_reader *r = sky_reader_create(schema, opt->format, opt->max_errors, err);
  if (!r) return -1;
  sky_batch *b = sky_batch_create(schema);
  char *buf = sky_malloc(STREAM_READ);
  int rc = 0;
  if (!b || !buf) rc = sky_error_oom(err);
  while (rc == 0) {
    ssize_t n = read(fd, buf, STREAM_READ);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      rc = io_error(err, "read", path);
    else if (n == 0)
      break;
    else if (sky_reader_feed(r, buf, (size_t)n, b, err) != 0)
      rc = -1;
    else if (b->n_rows >= STREAM_FLUSH_ROWS)
      rc = flush_stream(b, fn, arg, res, err);
  }
  if (rc == 0 && sky_reader_finish(r, b, err) != 0) rc = -1;
  if (rc == 0) rc = flush_stream(b, fn, arg, res, err);
  size_t n_sk = sky_reader_skipped(r);
  if (n_sk) {
    res->skipped = sky_malloc(n_sk * sizeof *res->skipped);
    if (res->skipped) {
      for (size_t i = 0; i < n_sk; i++) res->skipped[i] = *sky_reader_skipped_error(r, i);
      res->n_skipped = n_sk;
    } else if (rc == 0) {
      rc = sky_error_oom(err);
    }
  }
  sky_free(buf);
  if (b) sky_batch_free(b);
  sky_reader_free(r);
  return rc;
}

int sky_reader_read_file(const sky_schema *schema, const char *path, const sky_read_options *opt,
                         sky_reader_batch_fn fn, void *arg, sky_read_result *res, sky_error *err) {
  memset(res, 0, sizeof *res);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error(err, "open", path);
  struct stat st;
  int rc;
  if (fstat(fd, &st) != 0) {
    rc = io_error(err, "stat", path);
  } else if (S_ISDIR(st.st_mode)) {
    errno = EISDIR;
    rc = io_error(err, "load", path);
  } else if (!S_ISREG(st.st_mode)) {
    rc = read_stream(schema, fd, path, opt, fn, arg, res, err);
  } else if (st.st_size == 0) {
    rc = sky_reader_read_buffer(schema, "", 0, opt, fn, arg, res, err);
  } else {
    size_t len = (size_t)st.st_size;
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
      rc = io_error(err, "map", path);
    } else {
      madvise(map, len, MADV_WILLNEED);
      rc = sky_reader_read_buffer(schema, map, len, opt, fn, arg, res, err);
      munmap(map, len);
    }
  }
  close(fd);
  return rc;
}
