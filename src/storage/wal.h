/* wal.h — write-ahead log files of INSERT batches: framing, the batch
 * payload, and replay. The group commit that writes them lives with the
 * table (insert.c); layout in docs/FORMAT.md ("WAL files").
 *
 * A record is a 28-byte header (magic, payload length, sequence number,
 * the highest sequence number known durable when it was written, CRC-32C)
 * and its payload. Sequence numbers start at 1 in each file and are
 * consecutive. Replay stops at the first bad record; that is a torn tail
 * and is cut off — unless some later intact record says that the bad one
 * had been made durable (its `durable` field is at least the bad record's
 * sequence number), which proves an acknowledged record was damaged: then
 * replay fails with io_error naming the file.
 */
#ifndef SKY_STORAGE_WAL_H
#define SKY_STORAGE_WAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "storage/batch.h"

#define SKY_WAL_HEADER_BYTES 16u
#define SKY_WAL_REC_HEADER_BYTES 28u

/* The 16-byte file header for generation `gen`. */
void sky_wal_file_header(uint8_t out[SKY_WAL_HEADER_BYTES], uint64_t gen);
/* Appends one framed record to `out`. */
void sky_wal_frame(sky_buf *out, uint64_t seq, uint64_t durable, const void *payload, size_t len);

/* The payload of an INSERT: the batch, its strings included (so replay
 * does not depend on dictionary files). */
int sky_wal_encode_batch(const sky_batch *b, sky_buf *out);
/* Rebuilds a batch against `schema` (records written before an ALTER have
 * fewer properties; the rest read NULL). -1 and err on malformed input. */
sky_batch *sky_wal_decode_batch(const sky_schema *schema, const void *data, size_t len, sky_error *err);
/* The same into an existing batch of that schema (reset first; its memory
 * is reused, which makes replaying many small records cheap). */
int sky_wal_decode_into(sky_batch *b, const void *data, size_t len, sky_error *err);

typedef int (*sky_wal_apply_fn)(void *ctx, const uint8_t *payload, size_t len, sky_error *err);

/* Replays `path`: calls `apply` for each good record in order. *good_len is
 * the byte length of the good prefix (where appends continue) and *last_seq
 * the last good sequence number. */
int sky_wal_replay(const char *path, uint64_t gen, sky_wal_apply_fn apply, void *ctx, uint64_t *good_len,
                   uint64_t *last_seq, sky_error *err);

#endif
