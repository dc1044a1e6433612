/* reader_impl.h — internals shared by the reader's files (reader.c: layout,
 * staging, values and the streaming driver; csv.c and ndjson.c: the two
 * record parsers; readfile.c: the parallel whole-input path). Not part of
 * any public API.
 *
 * The shape: a read-only *layout* (column names → targets, the CSV header's
 * column order) shared by every thread, and one *parse context* per thread
 * (or per chunk) holding its batch, its line counter, its row errors and its
 * scratch. A row is parsed in two phases: every field is checked and staged
 * first, and only a row found good is appended to the batch, so a bad row
 * leaves nothing behind (not even strings in the batch's dictionaries).
 */
#ifndef SKY_STORAGE_READER_IMPL_H
#define SKY_STORAGE_READER_IMPL_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/reader.h"

/* Targets of a column or key: object, timestamp, action, then property i at
 * SKY_RT_PROP0 + i. */
enum { SKY_RT_OBJECT = 0, SKY_RT_TS = 1, SKY_RT_ACTION = 2, SKY_RT_PROP0 = 3 };

typedef struct sky_rlayout {
  const sky_schema *schema;
  sky_load_format fmt;
  uint32_t n_targets;  /* 3 + n_props */
  const char **names;  /* [n_targets] column/key names (NUL-terminated) */
  uint32_t *name_lens; /* [n_targets] */
  uint8_t *types;      /* [n_targets] sky_prop_type of property targets */
  uint32_t *str_slot;  /* [n_targets] index among string targets (action, STRING) */
  uint32_t n_str_targets;
  uint32_t *slots;      /* name hash: target + 1, or 0 */
  uint32_t n_slots;     /* power of two */
  bool has_header;      /* CSV: header parsed */
  uint32_t n_cols;      /* CSV: header columns */
  uint32_t *col_target; /* CSV: [n_cols] */
  locale_t c_locale;    /* for strtod_l: the decimal point is always '.' */
} sky_rlayout;

/* log2 of the entries per string target in a context's cache of
 * dictionary codes. */
#define SKY_RD_STRCACHE_BITS 8

/* One staged value of the row being parsed. */
typedef struct sky_rval {
  uint64_t gen;  /* == parse context's row_gen when set in this row */
  uint64_t seen; /* == row_gen when named in this row (NDJSON: duplicate keys) */
  union {
    uint64_t u;
    int64_t i;
    double f;
    bool b;
  } v;
  const char *s; /* strings: into the input or the context's scratch */
  size_t len;
} sky_rval;

/* One CSV field of the current record. */
typedef struct sky_rfield {
  const char *p; /* content (without the quotes) */
  size_t len;
  bool quoted;
  bool escaped; /* quoted and holds "" pairs: unescape before use */
} sky_rfield;

typedef struct sky_rparse {
  sky_rlayout *lay;   /* mutated only while the CSV header is parsed */
  sky_batch *out;     /* rows go here */
  uint64_t line;      /* physical line of the next record, 1-based */
  uint64_t row_line;  /* line where the current row starts */
  int64_t max_errors; /* >= 0 */
  uint64_t rows;      /* rows appended */

  sky_error *errors; /* row errors, in input order (at most max_errors + 1) */
  size_t n_errors, cap_errors;
  bool stop;      /* too many row errors, or `fatal` is set */
  bool has_fatal; /* a non-row error (header, OOM, size) ends the load */
  sky_error fatal;

  uint64_t row_gen;   /* bumped per row; tags staged values */
  sky_rval *vals;     /* [n_targets] */
  uint32_t *set_list; /* targets staged in this row, in order */
  uint32_t n_set;
  uint32_t *str_cache; /* [n_str_targets][1 << SKY_RD_STRCACHE_BITS] recent codes */

  sky_rfield *fields; /* CSV fields of the current record */
  size_t cap_fields;
  char *scratch; /* unescaped strings of the current row */
  size_t scratch_len, scratch_cap;
} sky_rparse;

/* ---- reader.c: layout, context, staging ---------------------------------- */

int sky_rd_layout_init(sky_rlayout *lay, const sky_schema *schema, sky_load_format fmt, sky_error *err);
void sky_rd_layout_free(sky_rlayout *lay);
/* Target of a column/key name (exact bytes), or -1. */
int sky_rd_lookup(const sky_rlayout *lay, const char *name, size_t len);

int sky_rd_parse_init(sky_rparse *P, sky_rlayout *lay, int64_t max_errors, sky_error *err);
void sky_rd_parse_free(sky_rparse *P);
/* Forgets row errors and the stop state (a context reused for a new chunk). */
void sky_rd_parse_reset(sky_rparse *P);

/* A fatal (non-row) error: stops the context. Returns -1. */
int sky_rd_fatal(sky_rparse *P, sky_code code, uint64_t line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int sky_rd_oom(sky_rparse *P);
/* A row error at P->row_line: recorded in order, stops the context when more
 * than max_errors have been seen. `field` may be NULL. Returns -1. */
int sky_rd_row_error(sky_rparse *P, sky_code code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The error that ends a stopped context (fatal, or the (n+1)-th row error). */
const sky_error *sky_rd_stop_error(const sky_rparse *P);

/* Starts a row beginning at `line` whose record is `rec_len` bytes long
 * (scratch is sized so unescaped strings never move). -1 on OOM. */
int sky_rd_row_begin(sky_rparse *P, uint64_t line, size_t rec_len);
/* Room in scratch for an unescaped string of at most `n` bytes. */
static inline char *sky_rd_scratch(sky_rparse *P) { return P->scratch + P->scratch_len; }
static inline void sky_rd_scratch_used(sky_rparse *P, size_t n) { P->scratch_len += n; }

/* Stagers: parse `s` as the target's type and stage it. Text rules:
 * object 1..2^64-1 decimal, timestamp integer µs or ISO-8601 within years
 * 0000..9999, INT decimal int64, FLOAT decimal/exponent finite, BOOL
 * true/false/1/0 any case, strings as they are. Return 0, or -1 after
 * recording a row error. */
int sky_rd_put_text(sky_rparse *P, uint32_t target, const char *s, size_t len);
static inline bool sky_rd_is_set(const sky_rparse *P, uint32_t target) { return P->vals[target].gen == P->row_gen; }
/* Checks object, timestamp and content, then appends the row to P->out.
 * -1 after a row error (nothing appended) or a fatal one. */
int sky_rd_row_commit(sky_rparse *P);

/* Parses the complete records in [p, end) (the last one may end at `end`
 * without a newline only when `at_eof`). Returns where parsing stopped: the
 * start of an incomplete record, or `end`. Check P->stop afterwards. */
const char *sky_rd_records(sky_rparse *P, const char *p, const char *end, bool at_eof);

/* Copies a field name for an error (cut at a UTF-8 boundary to fit). */
void sky_rd_copy_field(char *dst, size_t cap, const char *s, size_t len);

/* ---- csv.c ---------------------------------------------------------------- */

const char *sky_rd_csv_records(sky_rparse *P, const char *p, const char *end, bool at_eof);
/* The framing machine of csv.c run over p[0..n), continuing from *state (0
 * at the start of a record): returns the offset just past the newline that
 * ends the record, or SIZE_MAX when it does not end within p (then *state
 * says where it stands). */
size_t sky_rd_csv_frame(const char *p, size_t n, int *state);
/* A guess at a record end after a cut at p with `parity` quotes (mod 2)
 * before it since a record boundary: the first newline at even parity.
 * Offset past it, or SIZE_MAX. Exact on well-formed input only. */
size_t sky_rd_csv_guess_end(const char *p, size_t n, int parity);
/* The parity (0/1) of the number of '"' bytes in p[0..n). */
int sky_rd_quote_parity(const char *p, size_t n);

/* ---- ndjson.c ------------------------------------------------------------- */

const char *sky_rd_ndjson_records(sky_rparse *P, const char *p, const char *end, bool at_eof);

#endif
