/* dict.h — a table-global, append-only string dictionary (one for `action`,
 * one per STRING property), in memory and in its file.
 *
 * Codes are 1..count and never change once given. Readers never lock: the
 * strings, their index and the hash slots live in structures that never
 * move (cvec, arena, hash tables retired but kept until the dictionary is
 * freed), and a reader only considers codes <= the count its snapshot saw.
 * Writers (interning) take the dictionary's mutex.
 *
 * The file (docs/FORMAT.md, "Dictionary files") is a header and a sequence
 * of checksummed blocks, one per commit that added strings. The manifest
 * records each dictionary's committed length and count; bytes past the
 * committed length are leftovers of a failed or interrupted commit and are
 * cut off when the table opens.
 */
#ifndef SKY_STORAGE_DICT_H
#define SKY_STORAGE_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "sky.h"

typedef struct sky_dict sky_dict;

sky_dict *sky_dict_create(void);
void sky_dict_free(sky_dict *d);

/* Codes handed out so far (acquire: entries up to it are readable). */
uint32_t sky_dict_count(const sky_dict *d);
/* The string of `code` (1..count). */
void sky_dict_get(const sky_dict *d, uint32_t code, const char **s, size_t *len);
/* The code of a string when it is <= limit, else 0. Lock-free. */
uint32_t sky_dict_find(const sky_dict *d, const char *s, size_t len, uint32_t limit);
/* The code of a string, adding it when missing. -1 with err when out of
 * memory or the dictionary is full. */
int sky_dict_intern(sky_dict *d, const char *s, size_t len, uint32_t *code, sky_error *err);

/* Reads `path` (committed_len bytes holding committed_count strings),
 * verifying every block's checksum, and cuts the file to committed_len. A
 * missing file is fine when committed_count is 0. */
int sky_dict_load(sky_dict *d, const char *path, uint64_t committed_len, uint32_t committed_count, sky_error *err);

/* Appends the strings with codes in (*count, upto] to the file as one
 * block (creating the file when *len is 0), fsyncs it, and on success sets
 * *len and *count to the new committed values. On failure the file is cut
 * back and *len, *count are unchanged. */
int sky_dict_persist(sky_dict *d, const char *path, uint32_t upto, uint64_t *len, uint32_t *count, sky_error *err);

#endif
