/* schema.h — a table's property schema: names, kinds (STATE/EVENT) and types.
 *
 * A schema value is immutable once published: ALTER TABLE makes a new schema
 * with `version` + 1 and the new property appended (existing data is never
 * rewritten; segments written before it simply lack the column, read as
 * NULL). Property indexes are stable for the life of the table.
 *
 * String columns are dictionary-encoded; dictionary ids are fixed by the
 * schema: SKY_DICT_ACTION for `action`, sky_prop_dict(i) for property i.
 */
#ifndef SKY_STORAGE_SCHEMA_H
#define SKY_STORAGE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sky.h"

typedef enum sky_prop_kind { SKY_KIND_STATE = 0, SKY_KIND_EVENT = 1 } sky_prop_kind;

typedef enum sky_prop_type {
  SKY_PTYPE_INT = 0,    /* int64 */
  SKY_PTYPE_FLOAT = 1,  /* double */
  SKY_PTYPE_BOOL = 2,   /* stored as uint8 0/1 */
  SKY_PTYPE_STRING = 3, /* dictionary code (uint32, 1-based; 0 = NULL) */
} sky_prop_type;

#define SKY_MAX_PROPS 1024
#define SKY_MAX_NAME 128 /* bytes in a table or property name */

#define SKY_MAX_TO_STR 256 /* bytes in a STRING property's EXPIRES ... TO literal */

/* A STATE property may lapse (PATHS.md §8, EXPIRES AFTER d [TO literal]):
 * a value set at s reads as the TO value (NULL without TO) at instants
 * t with t - s > d, until the property is set again. A STRING TO literal
 * is interned in the property's dictionary when the property is created
 * (store.c, table_ops.c), so a lapsed value is an ordinary dictionary code
 * and compares, groups and orders like any other value. */
typedef struct sky_prop {
  char name[SKY_MAX_NAME + 1];
  sky_prop_kind kind;
  sky_prop_type type;
  int64_t expires_us; /* EXPIRES AFTER, µs, > 0; 0 = never lapses (EVENT: always 0) */
  bool has_to;        /* a TO literal; else a lapsed value reads NULL */
  uint64_t to_word;   /* INT, FLOAT (bits), BOOL (0/1): the TO value */
  uint32_t to_len;    /* STRING: bytes of to_str */
  char to_str[SKY_MAX_TO_STR + 1];
} sky_prop;

typedef struct sky_schema {
  uint64_t table_uid; /* random at CREATE TABLE: distinguishes a re-created table */
  uint64_t version;   /* 1 at creation, +1 per ALTER */
  uint32_t n_props;
  sky_prop *props;    /* [n_props], declaration order */
} sky_schema;

#define SKY_DICT_ACTION 0u
static inline uint32_t sky_prop_dict(uint32_t prop) { return prop + 1; }

/* Index of property `name` (exact, case-sensitive), or -1. */
int sky_schema_find(const sky_schema *s, const char *name, size_t len);
/* "STATE"/"EVENT", "INT"/"FLOAT"/"BOOL"/"STRING". */
const char *sky_prop_kind_name(sky_prop_kind k);
const char *sky_prop_type_name(sky_prop_type t);
/* Bytes per value in decoded columns: 8, 8, 1, 4. */
size_t sky_prop_type_width(sky_prop_type t);
/* Names reserved by the language (object timestamp action state event
 * session): not allowed as property names. Case-insensitive. */
bool sky_name_is_reserved(const char *name, size_t len);
/* Is a value set at `set_us` lapsed at instant `t_us` under EXPIRES AFTER
 * `after_us` (0: never lapses)? The one definition of PATHS.md §8's
 * `t - s <= d` (still valid) for every engine and statement; the JIT emits
 * the same comparison (jit_expr.c). Exact for any int64 instants. */
static inline bool sky_state_lapsed(int64_t after_us, int64_t set_us, int64_t t_us) {
  return after_us > 0 && t_us > set_us && (uint64_t)t_us - (uint64_t)set_us > (uint64_t)after_us;
}

/* Does any property lapse (EXPIRES)? Such a schema is stored in the
 * manifest's format 2 (docs/FORMAT.md); others keep format 1. */
bool sky_schema_has_expiry(const sky_schema *s);
/* Deep copy / free of a schema value (props array owned). */
sky_schema *sky_schema_clone(const sky_schema *s);
void sky_schema_free(sky_schema *s);

#endif
