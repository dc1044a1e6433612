/* exec_load.c — LOAD 'file' and LOAD ... FROM STDIN (sky_loader).
 *
 * Both parse with the storage readers into batches that go straight into
 * one load transaction, so memory stays bounded whatever the input size and
 * the load is atomic: the transaction commits (durably) only after the whole
 * input parsed within MAX ERRORS; any failure aborts it and nothing shows.
 * Server-side paths are resolved against the LOAD directory; when the
 * database restricts LOAD to that directory, a path that resolves outside it
 * (after following symlinks) is refused, with the same answer whether or
 * not the file exists.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/error.h"
#include "db/db_internal.h"
#include "storage/reader.h"

/* Rows a streamed load accumulates before handing a batch to storage. */
#define STREAM_BATCH_ROWS 1000000

struct sky_loader {
  sky_table *table;
  sky_snapshot *snap; /* pins the schema the reader parses against */
  sky_reader *reader;
  sky_batch *batch;
  sky_load_txn *tx;
  int failed;         /* the load has failed; further data is discarded */
  sky_error error;
};

static int add_batch(void *arg, const sky_batch *b, sky_error *err) {
  return b->n_rows ? sky_load_txn_add(arg, b, err) : 0;
}

static sky_result *load_result(uint64_t rows, size_t n_skipped, const sky_error *(*skipped)(const void *, size_t),
                               const void *src, sky_error *err) {
  char msg[64];
  snprintf(msg, sizeof msg, "loaded %llu event%s", (unsigned long long)rows, rows == 1 ? "" : "s");
  sky_result *r = sky_result_new_message(msg, (int64_t)rows);
  for (size_t i = 0; r && i < n_skipped; i++)
    if (sky_result_add_load_error(r, skipped(src, i)) != 0) {
      sky_result_free(r);
      r = NULL;
    }
  if (!r) sky_error_oom(err);
  return r;
}

/* `path` made absolute (against the working directory) with "." and ".."
 * applied and repeated slashes dropped, without looking at the file system.
 * -1 when it does not fit. */
static int lexical_path(const char *path, char *out, size_t cap) {
  size_t n = 0;
  if (path[0] != '/') {
    if (!getcwd(out, cap)) return -1;
    n = strlen(out);
    if (n == 1) n = 0; /* "/" */
  }
  for (const char *p = path; *p;) {
    while (*p == '/') p++;
    const char *q = p;
    while (*q && *q != '/') q++;
    size_t len = (size_t)(q - p);
    if (len == 0 || (len == 1 && p[0] == '.')) {
      /* nothing */
    } else if (len == 2 && p[0] == '.' && p[1] == '.') {
      while (n > 0 && out[n - 1] != '/') n--;
      if (n > 0) n--;
    } else {
      if (n + 1 + len + 1 > cap) return -1;
      out[n++] = '/';
      memcpy(out + n, p, len);
      n += len;
    }
    p = q;
  }
  if (n == 0) out[n++] = '/';
  out[n] = '\0';
  return 0;
}

static bool under(const char *path, const char *dir) {
  size_t n = strlen(dir);
  if (n == 1 && dir[0] == '/') return path[0] == '/';
  return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* The file a server-side LOAD reads, or -1 with err. When LOAD is
 * restricted to the load directory, a path that names a place outside it
 * gets one answer whether or not anything is there: it is judged by its
 * text first (against the directory as given and as resolved), and only a
 * path inside is resolved (a symlink inside that leads out is refused the
 * same way); "cannot open" is only ever said of paths inside. */
static int resolve_path(const sky_db *db, const sky_stmt *stmt, char *out, size_t cap, sky_error *err) {
  const char *base = db->opt.load_dir;
  if (stmt->path[0] == '/' || !base) snprintf(out, cap, "%.*s", (int)stmt->path_len, stmt->path);
  else snprintf(out, cap, "%s/%.*s", base, (int)stmt->path_len, stmt->path);
  if (!db->opt.load_dir_only) return 0;
  char real_base[PATH_MAX], lex_base[PATH_MAX], lex_file[PATH_MAX], real_file[PATH_MAX];
  if (!realpath(base ? base : ".", real_base) || lexical_path(base ? base : ".", lex_base, sizeof lex_base) != 0)
    return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "cannot open the load directory");
  bool inside = lexical_path(out, lex_file, sizeof lex_file) == 0 &&
                (under(lex_file, lex_base) || under(lex_file, real_base));
  if (inside && !realpath(out, real_file)) {
    /* Missing: judged by its nearest existing ancestor, so a missing file
     * behind a symlink that leads out is refused like an existing one. */
    char anc[PATH_MAX];
    bool out_of_base = false;
    snprintf(anc, sizeof anc, "%s", lex_file);
    for (char *slash = strrchr(anc, '/'); slash && slash > anc; slash = strrchr(anc, '/')) {
      *slash = '\0';
      if (realpath(anc, real_file)) {
        out_of_base = !under(real_file, real_base);
        break;
      }
    }
    if (!out_of_base) return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "cannot open '%s'", out);
    inside = false;
  }
  if (!inside || !under(real_file, real_base))
    return sky_error_set(err, SKY_ERR_BAD_REQUEST, 0, 0, "LOAD may only read files under the load directory");
  return 0;
}

static const sky_error *read_result_error(const void *res, size_t i) {
  return &((const sky_read_result *)res)->skipped[i];
}

static const sky_error *reader_error(const void *reader, size_t i) { return sky_reader_skipped_error(reader, i); }

static sky_result *load_file(sky_conn *conn, const sky_stmt *stmt, sky_table *t, sky_snapshot *snap,
                             sky_error *err) {
  char path[PATH_MAX + SKY_MAX_NAME];
  sky_read_options opt;
  sky_read_options_init(&opt);
  opt.max_errors = stmt->max_errors;
  opt.pool = conn->db->pool;
  if (resolve_path(conn->db, stmt, path, sizeof path, err) != 0 ||
      sky_reader_resolve_format(stmt->path, stmt->path_len, stmt->format, &opt.format, err) != 0)
    return NULL;
  sky_load_txn *tx = sky_table_load_begin(t, err);
  if (!tx) return NULL;
  sky_read_result res = {0};
  sky_result *r = NULL;
  uint64_t rows = 0;
  if (sky_reader_read_file(sky_snapshot_schema(snap), path, &opt, add_batch, tx, &res, err) != 0) {
    sky_load_txn_abort(tx);
  } else if (sky_load_txn_commit(tx, &rows, err) == 0) {
    r = load_result(rows, res.n_skipped, read_result_error, &res, err);
  }
  sky_read_result_free(&res);
  return r;
}

static void loader_free(sky_loader *ld) {
  if (ld->tx) sky_load_txn_abort(ld->tx);
  sky_reader_free(ld->reader);
  sky_batch_free(ld->batch);
  if (ld->snap) sky_snapshot_release(ld->snap);
  if (ld->table) sky_table_release(ld->table);
  sky_free(ld);
}

/* Starts LOAD ... FROM STDIN; the loader takes over `t` and `snap`. */
static sky_result *load_stream(const sky_stmt *stmt, sky_table *t, sky_snapshot *snap, sky_error *err) {
  sky_loader *ld = sky_calloc(1, sizeof *ld);
  if (!ld) {
    sky_snapshot_release(snap);
    sky_table_release(t);
    return sky_error_oom(err), NULL;
  }
  ld->table = t;
  ld->snap = snap;
  sky_result *r = NULL;
  if (stmt->format == SKY_FORMAT_AUTO) {
    sky_error_set(err, SKY_ERR_BAD_REQUEST, 0, 0, "LOAD ... FROM STDIN needs FORMAT CSV or FORMAT NDJSON");
    goto fail;
  }
  ld->reader = sky_reader_create(sky_snapshot_schema(snap), stmt->format, stmt->max_errors, err);
  if (!ld->reader) goto fail;
  ld->batch = sky_batch_create(sky_snapshot_schema(snap));
  if (!ld->batch) {
    sky_error_oom(err);
    goto fail;
  }
  ld->tx = sky_table_load_begin(t, err);
  if (!ld->tx) goto fail;
  r = sky_result_new_stream(ld, sky_loader_abort);
  if (r) return r;
  sky_error_oom(err);
fail:
  loader_free(ld);
  return NULL;
}

sky_result *sky_exec_load(sky_conn *conn, const sky_stmt *stmt, sky_error *err) {
  sky_table *t = sky_exec_table(conn, stmt, err);
  if (!t) return NULL;
  sky_snapshot *snap = sky_table_snapshot(t, err);
  if (!snap) {
    sky_table_release(t);
    return NULL;
  }
  if (stmt->from_stdin) return load_stream(stmt, t, snap, err); /* the loader owns t and snap */
  sky_result *r = load_file(conn, stmt, t, snap, err);
  sky_snapshot_release(snap);
  sky_table_release(t);
  return r;
}

/* Hands the accumulated batch to the transaction once it is big enough (or
 * at the end, with `force`). */
static int drain(sky_loader *ld, bool force) {
  if (ld->batch->n_rows == 0 || (!force && ld->batch->n_rows < STREAM_BATCH_ROWS)) return 0;
  if (sky_load_txn_add(ld->tx, ld->batch, &ld->error) != 0) return -1;
  sky_batch_reset(ld->batch);
  return 0;
}

int sky_loader_write(sky_loader *ld, const char *data, size_t len) {
  if (ld->failed) return 0;
  if (sky_reader_feed(ld->reader, data, len, ld->batch, &ld->error) != 0 || drain(ld, false) != 0) ld->failed = 1;
  return 0;
}

sky_result *sky_loader_finish(sky_loader *ld, sky_error *err) {
  sky_result *r = NULL;
  if (!ld->failed && (sky_reader_finish(ld->reader, ld->batch, &ld->error) != 0 || drain(ld, true) != 0))
    ld->failed = 1;
  if (ld->failed) {
    *err = ld->error;
  } else {
    uint64_t rows = 0;
    sky_load_txn *tx = ld->tx;
    ld->tx = NULL;
    if (sky_load_txn_commit(tx, &rows, err) == 0)
      r = load_result(rows, sky_reader_skipped(ld->reader), reader_error, ld->reader, err);
  }
  loader_free(ld);
  return r;
}

void sky_loader_abort(sky_loader *ld) { loader_free(ld); }
