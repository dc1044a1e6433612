/* fuzz_reader.h — the body of the CSV and NDJSON reader harnesses.
 *
 * Input: byte 0 picks MAX ERRORS (0-3) and the chunk size of the
 * whole-input path, byte 1 where the streamed input is split in two feeds
 * (and, when odd, that the whole-input path runs on two threads);
 * the rest is the data. Checked on every input: no crash, leak or sanitizer
 * report; the two-feed stream, the one-feed stream and the chunked
 * whole-input path agree on success, rows, skipped rows and the error; rows
 * obey the value rules (object != 0, timestamp in years 0000-9999); skipped
 * rows never exceed MAX ERRORS. A violation aborts. */
#ifndef SKY_FUZZ_READER_H
#define SKY_FUZZ_READER_H

#include <stdlib.h>

#include "common/pool.h"
#include "loader/loader_util.h"

/* One pool for the whole run (odd byte 1: the chunks are parsed on two
 * threads). */
static sky_pool *fuzz_pool(void) {
  static sky_pool *pool;
  if (!pool) pool = sky_pool_create(1);
  return pool;
}

static void fuzz_check(bool ok) {
  if (!ok) abort();
}

static void check_rows_valid(const char *dump) {
  /* each line: "obj ts ..." */
  for (const char *p = dump; *p;) {
    char *end;
    unsigned long long obj = strtoull(p, &end, 10);
    long long ts = strtoll(end, &end, 10);
    fuzz_check(obj != 0 && ts >= -62167219200000000LL && ts <= 253402300799999999LL);
    const char *nl = strchr(p, '\n');
    if (!nl) break;
    p = nl + 1;
  }
}

static size_t count_lines(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

static int fuzz_reader(sky_load_format fmt, const uint8_t *in, size_t size) {
  if (size < 2) return 0;
  int64_t max_errors = in[0] & 3;
  size_t chunk = 1 + (in[0] >> 2) * 3;
  const char *data = (const char *)in + 2;
  size_t len = size - 2;
  size_t cut = len * in[1] / 256;
  sky_schema *s = test_schema();
  if (!s) return 0;

  run_out two, one, whole;
  run_stream_cuts(s, fmt, max_errors, data, len, &cut, 1, &two);
  run_stream_cuts(s, fmt, max_errors, data, len, NULL, 0, &one);
  sky_read_options opt;
  sky_read_options_init(&opt);
  opt.format = fmt;
  opt.max_errors = max_errors;
  opt.chunk_bytes = chunk;
  opt.pool = in[1] & 1 ? fuzz_pool() : NULL;
  run_buffer(s, &opt, data, len, &whole);

  fuzz_check(two.rc == one.rc && whole.rc == one.rc);
  fuzz_check(strcmp(rows_text(&two), rows_text(&one)) == 0);
  fuzz_check(strcmp(skipped_text(&two), skipped_text(&one)) == 0);
  fuzz_check(strcmp(skipped_text(&whole), skipped_text(&one)) == 0);
  fuzz_check(one.n_skipped <= (size_t)max_errors && whole.n_skipped == one.n_skipped);
  if (one.rc == 0) {
    fuzz_check(strcmp(rows_text(&whole), rows_text(&one)) == 0);
    fuzz_check(whole.n_rows == one.n_rows && count_lines(rows_text(&one)) == one.n_rows);
    check_rows_valid(rows_text(&one));
  } else {
    fuzz_check(one.err.code != SKY_ERR_OK && whole.err.code == one.err.code && whole.err.line == one.err.line);
    fuzz_check(strcmp(whole.err.message, one.err.message) == 0 && strcmp(two.err.message, one.err.message) == 0);
  }
  run_out_free(&two);
  run_out_free(&one);
  run_out_free(&whole);
  sky_schema_free(s);
  return 0;
}

#endif
