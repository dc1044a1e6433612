/* reader.h — the parsing half of LOAD: CSV and NDJSON text into row batches.
 *
 * Two ways in, one parser behind both:
 *  - a streaming reader (sky_reader_*) fed arbitrary slices of the input
 *    (LOAD ... FROM STDIN: lines may be split at any byte between calls);
 *  - a whole-input path (sky_reader_read_buffer / _read_file) for LOAD
 *    'file': the file is read with pread and cut into chunks at record boundaries
 *    (guessed from quote parity, then verified), chunks are parsed on the
 *    pool's threads and their batches handed to a callback one at a time,
 *    in input order.
 * Both give the same rows, the same skipped-row list and the same first
 * fatal error for the same input.
 *
 * Input rules (docs/LOAD.md): RFC 4180 CSV with a header naming object,
 * timestamp, action and properties in any order; NDJSON with one flat
 * object per line. A bad row is a row error (bad_value, or
 * unknown_property for an unknown NDJSON key) with `line` = the physical line
 * where the row starts and `field` = its column when known. Under MAX ERRORS
 * n the first n bad rows are skipped and recorded; the (n+1)-th ends the load
 * with its error. Header errors, out of memory and I/O errors always end it.
 *
 * Nothing here touches a table: rows go into sky_batch values (batch.h) that
 * the caller hands to the storage engine.
 */
#ifndef SKY_STORAGE_READER_H
#define SKY_STORAGE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/pool.h"
#include "sky.h"
#include "storage/batch.h"
#include "storage/schema.h"

/* A streamed record (one CSV row, which may span lines, or one NDJSON line)
 * longer than this ends the load with bad_value: it bounds the memory that
 * an unterminated quote can make the streaming reader hold. */
#define SKY_READER_MAX_RECORD ((size_t)64 << 20)

/* The input formats LOAD reads (the parser names them in LOAD statements). */
typedef enum sky_load_format {
  SKY_FORMAT_AUTO = 0, /* from the file name's extension */
  SKY_FORMAT_CSV,
  SKY_FORMAT_NDJSON,
} sky_load_format;

/* ---- streaming reader ---------------------------------------------------- */

typedef struct sky_reader sky_reader;

/* A reader of `fmt` (CSV or NDJSON; AUTO is bad_request) for rows of
 * `schema`, which must outlive the reader. `max_errors` <= 0 means the first
 * bad row fails. NULL with `err` filled on failure. */
sky_reader *sky_reader_create(const sky_schema *schema, sky_load_format fmt, int64_t max_errors, sky_error *err);
void sky_reader_free(sky_reader *r);

/* Parses `data` (any slice of the input). Every row completed by it is
 * appended to `out` (a batch of the same schema; the caller may drain and
 * reset it between calls, which keeps memory bounded when the input is fed
 * in bounded slices). Returns 0, or -1 with `err` filled when the load must
 * fail; after -1 every later call fails the same way. */
int sky_reader_feed(sky_reader *r, const char *data, size_t len, sky_batch *out, sky_error *err);
/* End of input: parses the last record (which needs no final newline). An
 * open quote here is bad_value at the line where its field began. */
int sky_reader_finish(sky_reader *r, sky_batch *out, sky_error *err);

/* Rows appended so far, and rows skipped under MAX ERRORS (their errors in
 * input order; pointers valid until the next feed/finish or free). */
uint64_t sky_reader_rows(const sky_reader *r);
size_t sky_reader_skipped(const sky_reader *r);
const sky_error *sky_reader_skipped_error(const sky_reader *r, size_t i);

/* ---- whole input ---------------------------------------------------------- */

/* Receives each batch, in input order, never two at once (possibly on a pool
 * thread). The batch is reset when the callback returns. A nonzero return
 * (with `err` filled) ends the load with that error. */
typedef int (*sky_reader_batch_fn)(void *arg, const sky_batch *batch, sky_error *err);

typedef struct sky_read_options {
  sky_load_format format; /* CSV or NDJSON (resolve AUTO first) */
  int64_t max_errors;     /* as for sky_reader_create */
  sky_pool *pool;         /* parse on its threads; NULL = the caller only */
  size_t chunk_bytes;     /* input bytes per batch; 0 = default (16 MiB in memory, 2 MiB from a file) */
} sky_read_options;

/* What a whole-input read produced. */
typedef struct sky_read_result {
  uint64_t rows;      /* rows handed to the callback */
  size_t n_skipped;   /* rows skipped under MAX ERRORS */
  sky_error *skipped; /* [n_skipped], in input order; owned, see _free */
} sky_read_result;

void sky_read_options_init(sky_read_options *opt);

/* Parses data[0..len) and hands the batches to `fn`. Returns 0 with `res`
 * filled, or -1 with `err` filled (then `res` holds what was skipped before
 * the failure). The caller frees `res` with sky_read_result_free() either
 * way. */
int sky_reader_read_buffer(const sky_schema *schema, const char *data, size_t len, const sky_read_options *opt,
                           sky_reader_batch_fn fn, void *arg, sky_read_result *res, sky_error *err);
/* Same for a regular file, read chunk by chunk with pread (never mapped).
 * io_error naming the path when it cannot be opened or read, when it is not
 * a regular file (refused without blocking: FIFOs, devices, directories), or
 * when it shrinks while it is read. */
int sky_reader_read_file(const sky_schema *schema, const char *path, const sky_read_options *opt,
                         sky_reader_batch_fn fn, void *arg, sky_read_result *res, sky_error *err);
void sky_read_result_free(sky_read_result *res);

/* FORMAT AUTO: CSV for a name ending in .csv, NDJSON for .ndjson or .jsonl
 * (any case); any other `fmt` is returned as is. Otherwise bad_request
 * "cannot tell the format of 'x'; add FORMAT CSV or FORMAT NDJSON". */
int sky_reader_resolve_format(const char *path, size_t path_len, sky_load_format fmt, sky_load_format *out,
                              sky_error *err);

#endif
