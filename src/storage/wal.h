/* wal.h — write-ahead log files of INSERT batches: framing, the batch
 * payload, and replay. The group commit that writes them lives with the
 * table (insert.c); layout in docs/FORMAT.md ("WAL files").
 *
 * A record is a 28-byte header (magic, payload length, sequence number,
 * the highest sequence number known durable when it was written, CRC-32C)
 * and its payload. Sequence numbers start at 1 in each file and are
 * consecutive. Replay stops at the first bad record; that is a torn tail
 * and is cut off — unless the record had been acknowledged, which makes it
 * io_error naming the file. Two things prove that: a later intact record
 * whose `durable` field reaches the bad record's sequence number, and the
 * file header's acknowledged mark (the last record and length a group
 * commit made durable, rewritten after each group's fdatasync without a
 * sync of its own). A file that ends before its mark lost a tail that had
 * been acknowledged.
 */
#ifndef SKY_STORAGE_WAL_H
#define SKY_STORAGE_WAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "storage/batch.h"

#define SKY_WAL_HEADER_BYTES 40u    /* version 2 (version-1 files, read only, have 16) */
#define SKY_WAL_V1_HEADER_BYTES 16u
#define SKY_WAL_MARK_OFFSET 16u     /* the acknowledged mark within the header */
#define SKY_WAL_MARK_BYTES 24u
#define SKY_WAL_REC_HEADER_BYTES 28u

/* The file header for generation `gen`, its mark saying nothing is
 * acknowledged yet. */
void sky_wal_file_header(uint8_t out[SKY_WAL_HEADER_BYTES], uint64_t gen);
/* The mark of file `gen`: records 1..seq, ending at byte `len`, are
 * durable and acknowledged. Written at SKY_WAL_MARK_OFFSET. */
void sky_wal_mark(uint8_t out[SKY_WAL_MARK_BYTES], uint64_t gen, uint64_t seq, uint64_t len);
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

/* What a replay found, for the caller's log line and its appends. */
typedef struct sky_wal_replay_info {
  uint64_t n_records;     /* records replayed */
  uint64_t good_len;      /* bytes of the good prefix: appends continue here */
  uint64_t last_seq;      /* the last good sequence number */
  uint64_t file_len;
  uint64_t acked_seq;     /* the header's acknowledged mark (0: none, or a version-1 file) */
  uint32_t header_bytes;  /* SKY_WAL_HEADER_BYTES, or 16 for a version-1 file */
  bool torn_creation;     /* the file is empty or shorter than a header: nothing was ever in it */
  char stop[192];         /* why replay stopped where it did */
} sky_wal_replay_info;

/* Replays `path` (generation `gen`): calls `apply` for each good record in
 * order. `may_be_new` says the file may be a creation torn by a crash
 * (only the newest file, younger than the manifest's WAL generation):
 * then an empty or all-zero file is replayed as empty; otherwise it is
 * io_error (the file lost its header after it was made durable). io_error
 * naming the file also when a damaged record is proven acknowledged or
 * the file ends before its acknowledged mark. */
int sky_wal_replay(const char *path, uint64_t gen, bool may_be_new, sky_wal_apply_fn apply, void *ctx,
                   sky_wal_replay_info *info, sky_error *err);

#endif
