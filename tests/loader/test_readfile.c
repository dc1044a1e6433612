/* test_readfile.c — the whole-input path: chunked parallel parsing gives the
 * same rows, skipped rows and first error as the sequential streaming reader
 * (on generator data, and on random dirty CSV with stray quotes and
 * multi-line fields cut at every kind of place), from memory and from a file
 * read with pread; FIFOs and devices refused without blocking, a file that
 * shrinks while it loads, I/O errors, callback errors, and FORMAT AUTO. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/pool.h"
#include "loader/loader_util.h"
#include "storage/gen.h"

static sky_schema *g_schema;
static sky_pool *g_pool;

static int setup(void **state) {
  (void)state;
  g_schema = test_schema();
  g_pool = sky_pool_create(1);
  return g_schema && g_pool ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  sky_pool_free(g_pool);
  sky_schema_free(g_schema);
  return 0;
}

static const char *tmp_path(char *buf, size_t cap, const char *name) {
  const char *dir = getenv("SKY_TEST_TMP");
  snprintf(buf, cap, "%s/%s", dir ? dir : "/tmp", name);
  return buf;
}

/* run_buffer through a file: the same input written out and read back. */
static void run_file(const sky_schema *s, const sky_read_options *opt, const char *data, size_t len, run_out *o) {
  char path[512];
  tmp_path(path, sizeof path, "loader_same.csv");
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
  memset(o, 0, sizeof *o);
  sky_buf_init(&o->rows);
  sky_buf_init(&o->skipped);
  sky_read_result res;
  o->rc = sky_reader_read_file(s, path, opt, collect_batch, &o->rows, &res, &o->err);
  o->n_rows = res.rows;
  o->n_skipped = res.n_skipped;
  for (size_t i = 0; i < res.n_skipped; i++) dump_error(&o->skipped, &res.skipped[i]);
  sky_read_result_free(&res);
  unlink(path);
}

/* Sequential streaming vs whole input (from memory, then from a file) with
 * this chunk size and pool. */
static void check_same(const sky_schema *s, sky_load_format fmt, int64_t max_errors, const char *data, size_t len,
                       size_t chunk, sky_pool *pool) {
  run_out seq;
  run_stream_cuts(s, fmt, max_errors, data, len, NULL, 0, &seq);
  sky_read_options opt;
  sky_read_options_init(&opt);
  opt.format = fmt;
  opt.max_errors = max_errors;
  opt.pool = pool;
  opt.chunk_bytes = chunk;
  for (int from_file = 0; from_file < 2; from_file++) {
  run_out par;
  if (from_file)
    run_file(s, &opt, data, len, &par);
  else
    run_buffer(s, &opt, data, len, &par);
  if (par.rc != seq.rc) fail_msg("chunk %zu: rc %d vs %d (%s)", chunk, par.rc, seq.rc, par.err.message);
  /* After a failure the rows already handed over do not matter (the load is
   * aborted): the sequential reader got further into the failing chunk. */
  if (seq.rc == 0) assert_string_equal(rows_text(&par), rows_text(&seq));
  assert_string_equal(skipped_text(&par), skipped_text(&seq));
  if (seq.rc) {
    assert_int_equal(par.err.line, seq.err.line);
    assert_int_equal(par.err.code, seq.err.code);
    assert_string_equal(par.err.field, seq.err.field);
    assert_string_equal(par.err.message, seq.err.message);
  } else {
    assert_int_equal(par.n_rows, seq.n_rows);
  }
  run_out_free(&par);
  }
  run_out_free(&seq);
}

static void test_generator_data(void **state) {
  (void)state;
  sky_schema *gs = sky_gen_schema_create();
  for (int f = 0; f < 2; f++) {
    size_t len;
    char *data = sky_gen_buffer(42, 20000, f ? SKY_GEN_NDJSON : SKY_GEN_CSV, &len);
    assert_non_null(data);
    sky_load_format fmt = f ? SKY_FORMAT_NDJSON : SKY_FORMAT_CSV;
    size_t chunks[] = {0, 100000, 4096, 333, 40};
    for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
      check_same(gs, fmt, 0, data, len, chunks[i], g_pool);
      check_same(gs, fmt, 0, data, len, chunks[i], NULL);
    }
    sky_free(data);
  }
  sky_schema_free(gs);
}

/* The same events through CSV and NDJSON give the same rows. */
static void test_generator_formats_agree(void **state) {
  (void)state;
  sky_schema *gs = sky_gen_schema_create();
  run_out o[2];
  for (int f = 0; f < 2; f++) {
    size_t len;
    char *data = sky_gen_buffer(7, 5000, f ? SKY_GEN_NDJSON : SKY_GEN_CSV, &len);
    sky_read_options opt;
    sky_read_options_init(&opt);
    opt.format = f ? SKY_FORMAT_NDJSON : SKY_FORMAT_CSV;
    opt.pool = g_pool;
    opt.chunk_bytes = 8192;
    run_buffer(gs, &opt, data, len, &o[f]);
    assert_int_equal(o[f].rc, 0);
    assert_int_equal(o[f].n_rows, 5000);
    sky_free(data);
  }
  assert_string_equal(rows_text(&o[0]), rows_text(&o[1]));
  run_out_free(&o[0]);
  run_out_free(&o[1]);
  sky_schema_free(gs);
}

static uint64_t rnd(uint64_t *x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

/* Random CSV with good rows, bad values, blank lines, CRLF, multi-line
 * quoted fields and stray quotes (which break parity-based cut guesses). */
static char *dirty_csv(uint64_t seed, size_t n_rows, size_t *len) {
  sky_buf b;
  sky_buf_init(&b);
  sky_buf_puts(&b, "object,timestamp,action,name,n\n");
  uint64_t x = seed | 1;
  for (size_t i = 0; i < n_rows; i++) {
    switch (rnd(&x) % 12) {
    case 0: sky_buf_printf(&b, "%zu,%zu,\"multi\nline \"\"%zu\"\"\r\nend\",x,1\n", i + 1, i, i); break;
    case 1: sky_buf_printf(&b, "%zu,%zu,view,55\" screen,2\n", i + 1, i); break; /* stray quote */
    case 2: sky_buf_printf(&b, "%zu,%zu,\"view\"s,y,3\n", i + 1, i); break;      /* text after quote */
    case 3: sky_buf_puts(&b, "\n"); break;
    case 4: sky_buf_printf(&b, "%zu,bad,view,z,4\r\n", i + 1); break;
    case 5: sky_buf_printf(&b, "0,%zu,view,z,5\n", i); break;
    case 6: sky_buf_printf(&b, "%zu,%zu,\"a,b\",\"c\"\"d\",6\r\n", i + 1, i); break;
    case 7: sky_buf_printf(&b, "%zu,%zu,\"open\n", i + 1, i); break; /* swallows to the next quote */
    default: sky_buf_printf(&b, "%zu,%zu,click,w%zu,%zu\n", i + 1, i, i % 7, i); break;
    }
  }
  if (rnd(&x) % 2) sky_buf_puts(&b, "999,1,last,no newline,1");
  return sky_buf_take(&b, len);
}

static void test_dirty_equivalence(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 12; seed++) {
    size_t len;
    char *data = dirty_csv(seed * 7919, 300, &len);
    size_t chunks[] = {1, 7, 31, 64, 200, 1000, 5000};
    for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
      check_same(g_schema, SKY_FORMAT_CSV, 1000000, data, len, chunks[i], g_pool);
      check_same(g_schema, SKY_FORMAT_CSV, 20, data, len, chunks[i], g_pool);
      check_same(g_schema, SKY_FORMAT_CSV, 0, data, len, chunks[i], g_pool);
      check_same(g_schema, SKY_FORMAT_CSV, 20, data, len, chunks[i], NULL);
    }
    sky_free(data);
  }
}

static void test_ndjson_dirty_equivalence(void **state) {
  (void)state;
  sky_buf b;
  sky_buf_init(&b);
  for (int i = 0; i < 400; i++) {
    if (i % 9 == 0)
      sky_buf_puts(&b, "{\"object\":0,\"timestamp\":1,\"action\":\"a\"}\n");
    else if (i % 13 == 0)
      sky_buf_puts(&b, "\r\n");
    else if (i % 17 == 0)
      sky_buf_puts(&b, "{\"object\":1,\"timestamp\":1,\"zzz\":1}\n");
    else
      sky_buf_printf(&b, "{\"object\":%d,\"timestamp\":%d,\"name\":\"n\\u00e9%d\",\"n\":%d}\n", i + 1, i, i, i);
  }
  for (size_t chunk = 1; chunk < 3000; chunk = chunk * 3 + 1) {
    check_same(g_schema, SKY_FORMAT_NDJSON, 100000, b.data, b.len, chunk, g_pool);
    check_same(g_schema, SKY_FORMAT_NDJSON, 30, b.data, b.len, chunk, g_pool);
  }
  sky_buf_free(&b);
}

static void test_header_only_and_empty(void **state) {
  (void)state;
  const char *inputs[] = {"",
                          "\n\n",
                          "object,timestamp,action\n",
                          "\xEF\xBB\xBFobject,timestamp,action",
                          "object,timestamp,oops\n1,2,3\n",
                          "\xEF\xBB\xBF\n\nobject,timestamp,action\n\n1,2,a\n"};
  for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++)
    for (size_t chunk = 1; chunk < 40; chunk += 3)
      check_same(g_schema, SKY_FORMAT_CSV, 0, inputs[i], strlen(inputs[i]), chunk, g_pool);
  /* A head longer than the first read of a file (64 KiB): blank lines, then
   * a header with a 100 KB quoted column name, then rows. */
  sky_buf b;
  sky_buf_init(&b);
  for (int i = 0; i < 70000; i++) sky_buf_puts(&b, "\r\n");
  sky_buf_puts(&b, "object,timestamp,action,\"");
  for (int i = 0; i < 100000; i++) sky_buf_puts(&b, "x");
  sky_buf_puts(&b, "\"\n1,2,a,v\n");
  check_same(g_schema, SKY_FORMAT_CSV, 0, b.data, b.len, 0, g_pool);
  check_same(g_schema, SKY_FORMAT_CSV, 5, b.data, b.len, 7, NULL);
  sky_buf_free(&b);
}

static void test_files(void **state) {
  (void)state;
  char path[512];
  tmp_path(path, sizeof path, "loader_test.csv");
  const char *csv = "object,timestamp,action\n1,1,a\n2,2,b\n";
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(csv, f);
  fclose(f);
  sky_read_options opt;
  sky_read_options_init(&opt);
  opt.pool = g_pool;
  sky_buf rows;
  sky_buf_init(&rows);
  sky_read_result res;
  sky_error err;
  assert_int_equal(sky_reader_read_file(g_schema, path, &opt, collect_batch, &rows, &res, &err), 0);
  assert_int_equal(res.rows, 2);
  assert_string_equal(rows.data, "1 1 \"a\" - - - - -\n2 2 \"b\" - - - - -\n");
  sky_read_result_free(&res);
  /* Empty file. */
  f = fopen(path, "wb");
  fclose(f);
  assert_int_equal(sky_reader_read_file(g_schema, path, &opt, collect_batch, &rows, &res, &err), 0);
  assert_int_equal(res.rows, 0);
  sky_read_result_free(&res);
  unlink(path);
  /* Missing file and a directory: io_error naming the path. */
  assert_int_equal(sky_reader_read_file(g_schema, path, &opt, collect_batch, &rows, &res, &err), -1);
  assert_int_equal(err.code, SKY_ERR_IO_ERROR);
  assert_non_null(strstr(err.message, "loader_test.csv"));
  sky_read_result_free(&res);
  tmp_path(path, sizeof path, "");
  assert_int_equal(sky_reader_read_file(g_schema, path, &opt, collect_batch, &rows, &res, &err), -1);
  assert_int_equal(err.code, SKY_ERR_IO_ERROR);
  sky_read_result_free(&res);
  sky_buf_free(&rows);
}

/* A FIFO (with no writer: opening it for reading would block) and a
 * character device are refused at once, naming what they are. */
static void test_not_regular(void **state) {
  (void)state;
  char path[512];
  tmp_path(path, sizeof path, "loader_test.fifo");
  unlink(path);
  assert_int_equal(mkfifo(path, 0600), 0);
  sky_read_options opt;
  sky_read_options_init(&opt);
  sky_buf rows;
  sky_buf_init(&rows);
  sky_read_result res;
  sky_error err;
  assert_int_equal(sky_reader_read_file(g_schema, path, &opt, collect_batch, &rows, &res, &err), -1);
  assert_int_equal(err.code, SKY_ERR_IO_ERROR);
  assert_non_null(strstr(err.message, "loader_test.fifo': it is a FIFO; LOAD reads regular files"));
  sky_read_result_free(&res);
  unlink(path);
  assert_int_equal(sky_reader_read_file(g_schema, "/dev/zero", &opt, collect_batch, &rows, &res, &err), -1);
  assert_int_equal(err.code, SKY_ERR_IO_ERROR);
  assert_string_equal(err.message,
                      "cannot load '/dev/zero': it is a character device; LOAD reads regular files (or FROM STDIN)");
  sky_read_result_free(&res);
  assert_int_equal(rows.len, 0);
  sky_buf_free(&rows);
}

typedef struct shrinker {
  const char *path;
  int calls;
} shrinker;

/* Cuts the file being loaded down to 10 bytes at the first batch. */
static int shrink_batch(void *arg, const sky_batch *b, sky_error *err) {
  (void)b, (void)err;
  shrinker *sh = arg;
  if (sh->calls++ == 0) assert_int_equal(truncate(sh->path, 10), 0);
  return 0;
}

/* A file that shrinks while it loads is an io_error (a mapped file would
 * raise SIGBUS here). */
static void test_file_shrinks(void **state) {
  (void)state;
  char path[512];
  tmp_path(path, sizeof path, "loader_shrink.csv");
  sky_schema *gs = sky_gen_schema_create();
  size_t len;
  char *data = sky_gen_buffer(5, 50000, SKY_GEN_CSV, &len);
  for (int with_pool = 0; with_pool < 2; with_pool++) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    sky_read_options opt;
    sky_read_options_init(&opt);
    opt.pool = with_pool ? g_pool : NULL;
    opt.chunk_bytes = 4096;
    shrinker sh = {path, 0};
    sky_read_result res;
    sky_error err;
    assert_int_equal(sky_reader_read_file(gs, path, &opt, shrink_batch, &sh, &res, &err), -1);
    assert_int_equal(err.code, SKY_ERR_IO_ERROR);
    assert_non_null(strstr(err.message, "loader_shrink.csv': the file shrank while it was loading"));
    assert_true(res.rows < 50000);
    sky_read_result_free(&res);
  }
  unlink(path);
  sky_free(data);
  sky_schema_free(gs);
}

static int failing_batch(void *arg, const sky_batch *b, sky_error *err) {
  int *calls = arg;
  if (++*calls == 2) return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "disk full"), -1;
  (void)b;
  return 0;
}

static void test_callback_error(void **state) {
  (void)state;
  size_t len;
  sky_schema *gs = sky_gen_schema_create();
  char *data = sky_gen_buffer(3, 3000, SKY_GEN_CSV, &len);
  sky_read_options opt;
  sky_read_options_init(&opt);
  opt.pool = g_pool;
  opt.chunk_bytes = 4096;
  int calls = 0;
  sky_read_result res;
  sky_error err;
  assert_int_equal(sky_reader_read_buffer(gs, data, len, &opt, failing_batch, &calls, &res, &err), -1);
  assert_int_equal(err.code, SKY_ERR_IO_ERROR);
  assert_string_equal(err.message, "disk full");
  assert_int_equal(calls, 2); /* nothing delivered after the failure */
  sky_read_result_free(&res);
  sky_free(data);
  sky_schema_free(gs);
}

static void test_resolve_format(void **state) {
  (void)state;
  sky_load_format f;
  sky_error err;
  assert_int_equal(sky_reader_resolve_format("a/b.csv", 7, SKY_FORMAT_AUTO, &f, &err), 0);
  assert_int_equal(f, SKY_FORMAT_CSV);
  assert_int_equal(sky_reader_resolve_format("x.NDJSON", 8, SKY_FORMAT_AUTO, &f, &err), 0);
  assert_int_equal(f, SKY_FORMAT_NDJSON);
  assert_int_equal(sky_reader_resolve_format("x.jsonl", 7, SKY_FORMAT_AUTO, &f, &err), 0);
  assert_int_equal(f, SKY_FORMAT_NDJSON);
  assert_int_equal(sky_reader_resolve_format("x.txt", 5, SKY_FORMAT_CSV, &f, &err), 0);
  assert_int_equal(f, SKY_FORMAT_CSV);
  assert_int_equal(sky_reader_resolve_format("data.csv.gz", 11, SKY_FORMAT_AUTO, &f, &err), -1);
  assert_int_equal(err.code, SKY_ERR_BAD_REQUEST);
  assert_string_equal(err.message, "cannot tell the format of 'data.csv.gz'; add FORMAT CSV or FORMAT NDJSON");
  sky_read_options opt;
  sky_read_options_init(&opt);
  opt.format = SKY_FORMAT_AUTO;
  sky_read_result res;
  assert_int_equal(sky_reader_read_buffer(g_schema, "", 0, &opt, collect_batch, NULL, &res, &err), -1);
  assert_int_equal(err.code, SKY_ERR_BAD_REQUEST);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_generator_data),
      cmocka_unit_test(test_generator_formats_agree),
      cmocka_unit_test(test_dirty_equivalence),
      cmocka_unit_test(test_ndjson_dirty_equivalence),
      cmocka_unit_test(test_header_only_and_empty),
      cmocka_unit_test(test_files),
      cmocka_unit_test(test_not_regular),
      cmocka_unit_test(test_file_shrinks),
      cmocka_unit_test(test_callback_error),
      cmocka_unit_test(test_resolve_format),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
