/* loader_util.h — helpers of the loader tests: a test schema, a canonical
 * text dump of batches (one line per row, strings JSON-escaped), and runs of
 * the streaming reader over an input cut at given offsets. Header-only
 * (static functions) so each test file stays one executable. */
#ifndef SKY_TESTS_LOADER_UTIL_H
#define SKY_TESTS_LOADER_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/json.h"
#include "storage/batch.h"
#include "storage/reader.h"
#include "storage/schema.h"

/* plan STATE STRING, n EVENT INT, price EVENT FLOAT, ok EVENT BOOL,
 * name EVENT STRING. */
static inline sky_schema *test_schema(void) {
  static const struct {
    const char *name;
    sky_prop_kind kind;
    sky_prop_type type;
  } defs[] = {{.name = "plan", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING},
              {.name = "n", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_INT},
              {.name = "price", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_FLOAT},
              {.name = "ok", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_BOOL},
              {.name = "name", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_STRING}};
  sky_prop props[5];
  memset(props, 0, sizeof props);
  for (int i = 0; i < 5; i++) {
    snprintf(props[i].name, sizeof props[i].name, "%s", defs[i].name);
    props[i].kind = defs[i].kind;
    props[i].type = defs[i].type;
  }
  sky_schema s = {.table_uid = 7, .version = 1, .n_props = 5, .props = props};
  return sky_schema_clone(&s);
}

static inline void dump_string(sky_buf *out, const sky_batch_dict *d, uint32_t code) {
  sky_json_string(out, d->strs[code - 1], d->lens[code - 1]);
}

/* One line per row: obj ts action props..., NULL as "-". */
static inline void dump_batch(const sky_batch *b, sky_buf *out) {
  for (size_t r = 0; r < b->n_rows; r++) {
    sky_buf_printf(out, "%llu %lld ", (unsigned long long)b->obj[r], (long long)b->ts[r]);
    if (b->action[r])
      dump_string(out, &b->action_dict, b->action[r]);
    else
      sky_buf_putc(out, '-');
    for (uint32_t p = 0; p < b->schema->n_props; p++) {
      const sky_batch_col *c = &b->cols[p];
      sky_buf_putc(out, ' ');
      if (!c->present[r]) {
        sky_buf_putc(out, '-');
        continue;
      }
      switch (b->schema->props[p].type) {
      case SKY_PTYPE_INT: sky_buf_printf(out, "%lld", (long long)((const int64_t *)c->values)[r]); break;
      case SKY_PTYPE_FLOAT: sky_buf_printf(out, "%.17g", ((const double *)c->values)[r]); break;
      case SKY_PTYPE_BOOL: sky_buf_puts(out, ((const uint8_t *)c->values)[r] ? "true" : "false"); break;
      case SKY_PTYPE_STRING: dump_string(out, &c->dict, ((const uint32_t *)c->values)[r]); break;
      }
    }
    sky_buf_putc(out, '\n');
  }
}

static inline void dump_error(sky_buf *out, const sky_error *e) {
  sky_buf_printf(out, "%d|%s|%s|%s\n", e->line, e->field, sky_code_name(e->code), e->message);
}

typedef struct run_out {
  int rc;
  sky_error err;
  sky_buf rows;    /* dump of every row */
  sky_buf skipped; /* dump of every skipped row's error */
  uint64_t n_rows;
  size_t n_skipped;
} run_out;

static inline void run_out_free(run_out *o) {
  sky_buf_free(&o->rows);
  sky_buf_free(&o->skipped);
}

/* Streams data through a reader, feeding the pieces between the sorted
 * offsets cuts[0..n_cuts), draining the batch after each feed. */
static inline void run_stream_cuts(const sky_schema *s, sky_load_format fmt, int64_t max_errors, const char *data,
                                   size_t len, const size_t *cuts, size_t n_cuts, run_out *o) {
  memset(o, 0, sizeof *o);
  sky_buf_init(&o->rows);
  sky_buf_init(&o->skipped);
  sky_reader *r = sky_reader_create(s, fmt, max_errors, &o->err);
  if (!r) {
    o->rc = -1;
    return;
  }
  sky_batch *b = sky_batch_create(s);
  if (!b) {
    sky_reader_free(r);
    o->rc = -1;
    sky_error_oom(&o->err);
    return;
  }
  size_t pos = 0;
  for (size_t i = 0; i <= n_cuts && o->rc == 0; i++) {
    size_t to = i < n_cuts ? cuts[i] : len;
    o->rc = sky_reader_feed(r, data + pos, to - pos, b, &o->err);
    pos = to;
    dump_batch(b, &o->rows);
    sky_batch_reset(b);
  }
  if (o->rc == 0) o->rc = sky_reader_finish(r, b, &o->err);
  dump_batch(b, &o->rows);
  o->n_rows = sky_reader_rows(r);
  o->n_skipped = sky_reader_skipped(r);
  for (size_t i = 0; i < sky_reader_skipped(r); i++) dump_error(&o->skipped, sky_reader_skipped_error(r, i));
  sky_batch_free(b);
  sky_reader_free(r);
}

static inline void run_stream(const sky_schema *s, sky_load_format fmt, int64_t max_errors, const char *data,
                              run_out *o) {
  run_stream_cuts(s, fmt, max_errors, data, strlen(data), NULL, 0, o);
}

/* The whole-input path, collecting rows through the callback. */
static inline int collect_batch(void *arg, const sky_batch *b, sky_error *err) {
  (void)err;
  dump_batch(b, (sky_buf *)arg);
  return 0;
}

static inline void run_buffer(const sky_schema *s, const sky_read_options *opt, const char *data, size_t len,
                              run_out *o) {
  memset(o, 0, sizeof *o);
  sky_buf_init(&o->rows);
  sky_buf_init(&o->skipped);
  sky_read_result res;
  o->rc = sky_reader_read_buffer(s, data, len, opt, collect_batch, &o->rows, &res, &o->err);
  o->n_rows = res.rows;
  o->n_skipped = res.n_skipped;
  for (size_t i = 0; i < res.n_skipped; i++) dump_error(&o->skipped, &res.skipped[i]);
  sky_read_result_free(&res);
}

static inline const char *rows_text(const run_out *o) { return o->rows.data ? o->rows.data : ""; }
static inline const char *skipped_text(const run_out *o) { return o->skipped.data ? o->skipped.data : ""; }

#endif
