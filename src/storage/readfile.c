/* readfile.c — the whole-input path of LOAD 'file': cut the input into
 * chunks at record boundaries, parse chunks on the pool's threads, hand
 * batches to the caller's callback in input order; and FORMAT AUTO.
 *
 * A file is never mapped: a mapped file that shrinks under us is SIGBUS in
 * whichever thread touches the lost page, which no error path can catch.
 * Each chunk is read with pread() into its slot's own buffer while the
 * claimer looks for its cut, so a file that shrinks mid-load is a short read
 * and an io_error. Only regular files are read (a FIFO or a device could
 * block a worker forever in open() or read()); they are opened with
 * O_NONBLOCK after a stat() says they are regular, and checked again.
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
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/error.h"
#include "storage/reader_impl.h"

#define DEFAULT_CHUNK ((size_t)16 << 20)
/* Files are cut smaller: a chunk is read, cut and parsed by one thread, so
 * at this size its bytes are still in that core's cache when they are
 * parsed, and the copy out of the page cache costs next to nothing (LOAD of
 * 175 MB of CSV, one thread: 0.47-0.53 CPU-s against 0.46-0.50 with 16 MiB
 * mapped chunks; 16 MiB read chunks took 0.54-0.79). */
#define FILE_CHUNK ((size_t)2 << 20)
#define RING 4
/* Bytes read past chunk_bytes to find the cut; doubled while none is found,
 * up to SKY_READER_MAX_RECORD. */
#define CUT_SLACK ((size_t)64 << 10)
/* Bytes of a file read first for the BOM and the CSV header; doubled while
 * the header runs past them. */
#define HEAD_READ ((size_t)64 << 10)

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
  size_t a, b;      /* the chunk: input bytes [a, b) */
  size_t stop;      /* offset where its parse stopped */
  const char *base; /* byte a: into the caller's buffer, or `buf` */
  char *buf;        /* files: the chunk's bytes, read with pread */
  size_t buf_cap;
  bool capped;      /* files: cut where the cut search gave up, not at a record end */
  bool read_failed; /* files: read_err ends the load when this chunk is delivered */
  sky_error read_err;
  sky_batch *batch;
  sky_rparse P;
} slot;

typedef struct pipeline {
  const char *data; /* the input in memory, or NULL: read from fd */
  int fd;
  const char *path; /* fd's name, for errors */
  size_t len;       /* input bytes */
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
  if (!pl->failed && s->read_failed) pipe_fail(pl, &s->read_err);
  if (!pl->failed && s->capped && s->stop == s->a) {
    sky_error e;
    sky_error_set(&e, SKY_ERR_BAD_VALUE, 0, 0, "row longer than %zu MiB (an unterminated quote?)",
                  SKY_READER_MAX_RECORD >> 20);
    e.line = pl->line_base > INT32_MAX ? INT32_MAX : (int)pl->line_base;
    pipe_fail(pl, &e);
  }
  pl->line_base += s->P.line - 1;
  sky_batch_reset(s->batch);
  bool short_parse = s->stop < s->b;
  return !pl->failed && short_parse ? s->stop : SIZE_MAX;
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

/* A guessed record end for a chunk starting at a record boundary, given
 * p[0..avail) from its start (avail > chunk_bytes): the offset just past the
 * first plausible record end after chunk_bytes, or SIZE_MAX when there is
 * none within avail. Checked when the chunk is delivered. */
static size_t guess_end(sky_load_format fmt, const char *p, size_t avail, size_t chunk_bytes) {
  size_t off;
  if (fmt == SKY_FORMAT_CSV) {
    int parity = sky_rd_quote_parity(p, chunk_bytes);
    off = sky_rd_csv_guess_end(p + chunk_bytes, avail - chunk_bytes, parity);
  } else {
    const char *nl = memchr(p + chunk_bytes, '\n', avail - chunk_bytes);
    off = nl ? (size_t)(nl - (p + chunk_bytes)) + 1 : SIZE_MAX;
  }
  return off == SIZE_MAX ? SIZE_MAX : chunk_bytes + off;
}

static int read_error(sky_error *err, const char *path, int e) {
  char q[72];
  sky_error_quote(q, path, strlen(path));
  if (e == 0)
    return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "cannot read '%s': the file shrank while it was loading", q);
  return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "cannot read '%s': %s", q, strerror(e));
}

/* Reads input bytes [off, off + n) into dst. A file that ends early shrank
 * after it was measured: an io_error, like any failed read. So is one that
 * is shorter than off + n once the bytes are in: a truncation racing the
 * read can hand back zeros for bytes it cut (the kernel zeroes the tail of
 * a large page-cache folio before it drops it), and it sets the new size
 * before it zeroes anything, so fstat() after the copy sees it. */
static int read_at(int fd, const char *path, char *dst, size_t off, size_t n, sky_error *err) {
  size_t end = off + n;
  while (n) {
    ssize_t k = pread(fd, dst, n, (off_t)off);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return read_error(err, path, k < 0 ? errno : 0);
    dst += k, off += (size_t)k, n -= (size_t)k;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) return read_error(err, path, errno);
  if ((uint64_t)st.st_size < end) return read_error(err, path, 0);
  return 0;
}

/* Files: reads the slot's bytes [have, want) from its start into its buffer. */
static int fill(const pipeline *pl, slot *s, size_t have, size_t want, sky_error *err) {
  if (want > s->buf_cap) {
    char *nb = sky_realloc(s->buf, want);
    if (!nb) return sky_error_oom(err);
    s->buf = nb, s->buf_cap = want;
  }
  return read_at(pl->fd, pl->path, s->buf + have, s->a + have, want - have, err);
}

/* Sets the chunk's end s->b and its bytes s->base; unlocked, while this
 * thread is the one claiming. In memory the cut is the first guessed record
 * end after chunk_bytes (or the end). From a file the bytes are read as the
 * search goes, and a search that finds no end within SKY_READER_MAX_RECORD
 * cuts there (`capped`): the parse keeps the complete records, and a chunk
 * with none fails in deliver() as a row too long. */
static int cut_chunk(const pipeline *pl, slot *s, sky_error *err) {
  size_t rest = pl->len - s->a, chunk = pl->chunk_bytes;
  s->capped = false;
  if (pl->data) {
    s->base = pl->data + s->a;
    size_t end = rest <= chunk ? SIZE_MAX : guess_end(pl->fmt, s->base, rest, chunk);
    s->b = end == SIZE_MAX ? pl->len : s->a + end;
    return 0;
  }
  size_t have = 0, want = rest <= chunk ? rest : (rest - chunk < CUT_SLACK ? rest : chunk + CUT_SLACK);
  for (;;) {
    if (fill(pl, s, have, want, err) != 0) return -1;
    s->base = s->buf;
    have = want;
    size_t end = rest <= chunk ? SIZE_MAX : guess_end(pl->fmt, s->buf, have, chunk);
    if (end != SIZE_MAX) return s->b = s->a + end, 0;
    if (have == rest) return s->b = pl->len, 0;
    if (have - chunk >= SKY_READER_MAX_RECORD) return s->b = s->a + have, s->capped = true, 0;
    size_t more = 2 * (have - chunk);
    want = rest - have < more ? rest : have + more;
  }
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
  sky_error_clear(&s->read_err);
  s->read_failed = cut_chunk(pl, s, &s->read_err) != 0;
  if (s->read_failed) s->b = pl->len, s->base = NULL; /* nothing to parse; nothing to claim after it */
  pthread_mutex_lock(&pl->mu);
  if (s->epoch == pl->epoch) pl->claim_pos = s->b;
  pl->claiming = false;
  pthread_cond_broadcast(&pl->cv);
  pthread_mutex_unlock(&pl->mu);

  sky_rparse *P = &s->P;
  sky_rd_parse_reset(P);
  P->line = 1;
  P->out = s->batch;
  s->stop = s->b;
  if (!s->read_failed)
    s->stop = s->a + (size_t)(sky_rd_records(P, s->base, s->base + (s->b - s->a), s->b == pl->len) - s->base);

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

/* ---- whole input ------------------------------------------------------------- */

/* read_header's answer when the header may run past the bytes it was given. */
#define NEED_MORE (SIZE_MAX - 1)

/* Parses the CSV header (after any blank lines) with its own context, from
 * data[0..len), which is the whole input when `at_eof`. Returns where the
 * data starts; NEED_MORE when a record runs past `len` before `at_eof`
 * (nothing is changed then); or SIZE_MAX with `err` filled. */
static size_t read_header(sky_rlayout *lay, const char *data, size_t len, bool at_eof, uint64_t *line,
                          sky_error *err) {
  sky_rparse hp;
  if (sky_rd_parse_init(&hp, lay, 0, err) != 0) return SIZE_MAX;
  size_t pos = 0;
  while (pos < len && !lay->has_header && !hp.stop) {
    int state = 0;
    size_t off = sky_rd_csv_frame(data + pos, len - pos, &state);
    if (off == SIZE_MAX && !at_eof) {
      pos = NEED_MORE;
      break;
    }
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
    sky_free(pl->slots[i].buf);
  }
  pthread_cond_destroy(&pl->cv);
  pthread_mutex_destroy(&pl->mu);
  return rc;
}

/* Where the rows start (after a BOM and, for CSV, the header), from the
 * input's head: all of `data`, or the first bytes of the file, read as far
 * as the header needs. SIZE_MAX with `err` filled on failure. */
static size_t skip_head(pipeline *pl, sky_rlayout *lay, uint64_t *line, sky_error *err) {
  char *hbuf = NULL;
  size_t head_len = pl->len, have = 0, pos;
  if (!pl->data) head_len = pl->len < HEAD_READ ? pl->len : HEAD_READ;
  for (;;) {
    const char *head = pl->data;
    if (!pl->data) {
      char *nb = sky_realloc(hbuf, head_len ? head_len : 1);
      if (!nb) {
        sky_error_oom(err);
        pos = SIZE_MAX;
        break;
      }
      hbuf = nb;
      if (read_at(pl->fd, pl->path, hbuf + have, have, head_len - have, err) != 0) {
        pos = SIZE_MAX;
        break;
      }
      head = hbuf, have = head_len;
    }
    size_t start = head_len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    *line = 1;
    if (pl->fmt != SKY_FORMAT_CSV) {
      pos = start;
      break;
    }
    pos = read_header(lay, head + start, head_len - start, head_len == pl->len, line, err);
    if (pos != NEED_MORE) {
      if (pos != SIZE_MAX) pos += start;
      break;
    }
    if (head_len - start >= SKY_READER_MAX_RECORD) {
      sky_error_set(err, SKY_ERR_BAD_VALUE, 1, 0, "header longer than %zu MiB", SKY_READER_MAX_RECORD >> 20);
      pos = SIZE_MAX;
      break;
    }
    head_len = pl->len - head_len < head_len ? pl->len : 2 * head_len;
  }
  sky_free(hbuf);
  return pos;
}

/* The input is pl->data[0..pl->len), or pl->len bytes of pl->fd. */
static int read_input(pipeline *pl, const sky_schema *schema, const sky_read_options *opt, size_t default_chunk,
                      sky_error *err) {
  if (opt->format != SKY_FORMAT_CSV && opt->format != SKY_FORMAT_NDJSON)
    return sky_error_set(err, SKY_ERR_BAD_REQUEST, 0, 0, "LOAD needs FORMAT CSV or FORMAT NDJSON");
  sky_rlayout lay;
  if (sky_rd_layout_init(&lay, schema, opt->format, err) != 0) return -1;
  pl->fmt = opt->format;
  uint64_t line = 1;
  size_t start = skip_head(pl, &lay, &line, err);
  int rc = start == SIZE_MAX ? -1 : 0;
  if (rc == 0 && start < pl->len) {
    pl->chunk_bytes = opt->chunk_bytes ? opt->chunk_bytes : default_chunk;
    pl->max_errors = opt->max_errors > 0 ? opt->max_errors : 0;
    pl->claim_pos = start;
    pl->line_base = line;
    rc = run_pipeline(pl, &lay, opt->pool, err);
  }
  sky_rd_layout_free(&lay);
  return rc;
}

int sky_reader_read_buffer(const sky_schema *schema, const char *data, size_t len, const sky_read_options *opt,
                           sky_reader_batch_fn fn, void *arg, sky_read_result *res, sky_error *err) {
  memset(res, 0, sizeof *res);
  pipeline pl;
  memset(&pl, 0, sizeof pl);
  pl.data = data;
  pl.fd = -1;
  pl.len = len;
  pl.fn = fn, pl.arg = arg, pl.res = res;
  return read_input(&pl, schema, opt, DEFAULT_CHUNK, err);
}

/* ---- files ----------------------------------------------------------------------- */

static int io_error(sky_error *err, const char *what, const char *path) {
  char q[72];
  int e = errno;
  sky_error_quote(q, path, strlen(path));
  return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "cannot %s '%s': %s", what, q, strerror(e));
}

static int not_regular(sky_error *err, const char *path, mode_t mode) {
  const char *what = S_ISDIR(mode)    ? "a directory"
                     : S_ISFIFO(mode) ? "a FIFO"
                     : S_ISCHR(mode)  ? "a character device"
                     : S_ISBLK(mode)  ? "a block device"
                     : S_ISSOCK(mode) ? "a socket"
                                      : "not a regular file";
  char q[72];
  sky_error_quote(q, path, strlen(path));
  return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "cannot load '%s': it is %s; LOAD reads regular files (or FROM STDIN)",
                       q, what);
}

int sky_reader_read_file(const sky_schema *schema, const char *path, const sky_read_options *opt,
                         sky_reader_batch_fn fn, void *arg, sky_read_result *res, sky_error *err) {
  memset(res, 0, sizeof *res);
  /* stat() first: opening some devices has effects; O_NONBLOCK then keeps a
   * FIFO swapped in between from blocking open(), and fstat() catches it. */
  struct stat st;
  if (stat(path, &st) != 0) return io_error(err, "open", path);
  if (!S_ISREG(st.st_mode)) return not_regular(err, path, st.st_mode);
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return io_error(err, "open", path);
  int rc;
  if (fstat(fd, &st) != 0) {
    rc = io_error(err, "stat", path);
  } else if (!S_ISREG(st.st_mode)) {
    rc = not_regular(err, path, st.st_mode);
  } else {
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    pipeline pl;
    memset(&pl, 0, sizeof pl);
    pl.fd = fd;
    pl.path = path;
    pl.len = (size_t)st.st_size;
    pl.fn = fn, pl.arg = arg, pl.res = res;
    rc = read_input(&pl, schema, opt, FILE_CHUNK, err);
  }
  close(fd);
  return rc;
}
