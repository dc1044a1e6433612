/* client_json.h — a small JSON reader for reply lines (sky-shell, tests,
 * bench).
 *
 * Parses one JSON text into a tree allocated in an arena (one free for the
 * whole tree). Numbers keep their exact source text next to the parsed
 * value, so 64-bit object ids and sums beyond 2^53 print back unchanged;
 * integers that fit are also available as int64/uint64. Strings are decoded
 * (escapes, surrogate pairs; a lone surrogate is an error, as for the
 * NDJSON loader: common/utf8.h decodes both). Nesting is
 * limited, so a hostile server cannot exhaust the stack. Prefix sky_jv_:
 * sky_json_ belongs to the writer in common/json.h.
 */
#ifndef SKY_CLIENT_CLIENT_JSON_H
#define SKY_CLIENT_CLIENT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"

#define SKY_JV_MAX_DEPTH 64

typedef enum sky_jv_type {
  SKY_JV_NULL,
  SKY_JV_BOOL,
  SKY_JV_NUMBER,
  SKY_JV_STRING,
  SKY_JV_ARRAY,
  SKY_JV_OBJECT,
} sky_jv_type;

typedef struct sky_jv sky_jv;
struct sky_jv {
  sky_jv_type type;
  bool b;
  /* NUMBER: `str`/`len` hold the number's text as written; `is_int` when
   * it has no fraction or exponent and fits int64 (`i`) or uint64 (`u`). */
  bool is_int, is_uint;
  int64_t i;
  uint64_t u;
  double d;
  /* STRING (decoded, NUL-terminated) or NUMBER text */
  const char *str;
  size_t len;
  /* ARRAY / OBJECT: `n` items; OBJECT keys in `keys` (decoded). */
  size_t n;
  sky_jv *items;
  const char **keys;
  size_t *key_lens;
};

/* Parses `text` (whitespace around the value allowed, nothing else).
 * Returns the root, or NULL with a message (and byte offset) in `err`. */
sky_jv *sky_jv_parse(const char *text, size_t len, sky_arena *arena, char *err, size_t err_len);
/* Sets *dst to a deep copy of `src` whose strings and items live in
 * `arena` (sky-shell keeps streamed rows it must see again). False when
 * out of memory; *dst is then unusable. */
bool sky_jv_copy(sky_jv *dst, const sky_jv *src, sky_arena *arena);
/* The member `key` of an object, or NULL. */
const sky_jv *sky_jv_get(const sky_jv *obj, const char *key);

#endif
