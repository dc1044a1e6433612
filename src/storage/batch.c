/* batch.c — columnar row batches with batch-local string dictionaries; see
 * batch.h. Columns grow together (one capacity for all). */
#include "storage/batch.h"

#include <string.h>

#include "common/alloc.h"
#include "common/hash.h"

sky_batch *sky_batch_create(const sky_schema *schema) {
  sky_batch *b = sky_calloc(1, sizeof *b);
  if (!b) return NULL;
  b->schema = schema;
  sky_arena_init(&b->strings);
  b->cols = sky_calloc(schema->n_props ? schema->n_props : 1, sizeof *b->cols);
  if (!b->cols) {
    sky_free(b);
    return NULL;
  }
  return b;
}

static void dict_free(sky_batch_dict *d) {
  sky_free(d->strs);
  sky_free(d->lens);
  sky_free(d->slots);
  memset(d, 0, sizeof *d);
}

static void dict_reset(sky_batch_dict *d) {
  d->n = 0;
  if (d->slots) memset(d->slots, 0, sizeof(uint32_t) * d->n_slots);
}

void sky_batch_free(sky_batch *b) {
  if (!b) return;
  sky_free(b->obj);
  sky_free(b->ts);
  sky_free(b->action);
  dict_free(&b->action_dict);
  for (uint32_t i = 0; i < b->schema->n_props; i++) {
    sky_free(b->cols[i].values);
    sky_free(b->cols[i].present);
    dict_free(&b->cols[i].dict);
  }
  sky_free(b->cols);
  sky_arena_free(&b->strings);
  sky_free(b);
}

void sky_batch_reset(sky_batch *b) {
  b->n_rows = 0;
  dict_reset(&b->action_dict);
  for (uint32_t i = 0; i < b->schema->n_props; i++) dict_reset(&b->cols[i].dict);
  sky_arena_free(&b->strings);
  sky_arena_init(&b->strings);
}

static int grow_to(void **p, size_t cap, size_t elem) {
  void *n = sky_realloc(*p, cap * elem);
  if (!n) return -1;
  *p = n;
  return 0;
}

static int ensure_rows(sky_batch *b, size_t need) {
  if (need <= b->cap) return 0;
  size_t cap = b->cap ? b->cap * 2 : 1024;
  while (cap < need) cap *= 2;
  if (grow_to((void **)&b->obj, cap, 8) || grow_to((void **)&b->ts, cap, 8) || grow_to((void **)&b->action, cap, 4))
    return -1;
  for (uint32_t i = 0; i < b->schema->n_props; i++) {
    size_t w = sky_prop_type_width(b->schema->props[i].type);
    if (grow_to(&b->cols[i].values, cap, w) || grow_to((void **)&b->cols[i].present, cap, 1)) return -1;
  }
  b->cap = cap;
  return 0;
}

int64_t sky_batch_add_row(sky_batch *b, uint64_t obj, int64_t ts) {
  if (ensure_rows(b, b->n_rows + 1) != 0) return -1;
  size_t r = b->n_rows++;
  b->obj[r] = obj;
  b->ts[r] = ts;
  b->action[r] = 0;
  /* Absent values are zeroed too, so a batch's bytes never depend on
   * uninitialized memory. This runs per row: no width lookups, no memset. */
  const sky_prop *props = b->schema->props;
  for (uint32_t i = 0; i < b->schema->n_props; i++) {
    sky_batch_col *c = &b->cols[i];
    c->present[r] = 0;
    switch (props[i].type) {
    case SKY_PTYPE_INT: ((int64_t *)c->values)[r] = 0; break;
    case SKY_PTYPE_FLOAT: ((uint64_t *)c->values)[r] = 0; break;
    case SKY_PTYPE_BOOL: ((uint8_t *)c->values)[r] = 0; break;
    case SKY_PTYPE_STRING: ((uint32_t *)c->values)[r] = 0; break;
    }
  }
  return (int64_t)r;
}

void sky_batch_drop_last(sky_batch *b) {
  if (b->n_rows) b->n_rows--;
}

static int dict_rehash(sky_batch_dict *d, uint32_t n_slots) {
  uint32_t *slots = sky_calloc(n_slots, sizeof *slots);
  if (!slots) return -1;
  for (uint32_t code = 1; code <= d->n; code++) {
    uint64_t h = sky_hash_bytes(d->strs[code - 1], d->lens[code - 1]);
    uint32_t i = (uint32_t)h & (n_slots - 1);
    while (slots[i]) i = (i + 1) & (n_slots - 1);
    slots[i] = code;
  }
  sky_free(d->slots);
  d->slots = slots;
  d->n_slots = n_slots;
  return 0;
}

uint32_t sky_batch_dict_intern(sky_batch *b, sky_batch_dict *d, const char *s, size_t len) {
  if (d->n_slots == 0 || (uint64_t)(d->n + 1) * 2 > d->n_slots) {
    if (dict_rehash(d, d->n_slots ? d->n_slots * 2 : 64) != 0) return 0;
  }
  uint64_t h = sky_hash_bytes(s, len);
  uint32_t i = (uint32_t)h & (d->n_slots - 1);
  for (;;) {
    uint32_t code = d->slots[i];
    if (!code) break;
    if (d->lens[code - 1] == len && memcmp(d->strs[code - 1], s, len) == 0) return code;
    i = (i + 1) & (d->n_slots - 1);
  }
  if (d->n == UINT32_MAX - 1) return 0;
  size_t cap_strs = d->cap, cap_lens = d->cap;
  void *strs = d->strs, *lens = d->lens;
  if (sky_grow(&strs, &cap_strs, d->n + 1, sizeof(char *)) != 0) return 0;
  d->strs = strs;
  if (sky_grow(&lens, &cap_lens, d->n + 1, sizeof(uint32_t)) != 0) return 0;
  d->lens = lens;
  d->cap = cap_strs < cap_lens ? cap_strs : cap_lens;
  char *copy = sky_arena_strndup(&b->strings, s, len);
  if (!copy) return 0;
  d->strs[d->n] = copy;
  d->lens[d->n] = (uint32_t)len;
  d->n++;
  d->slots[i] = d->n;
  return d->n;
}

int sky_batch_set_action(sky_batch *b, size_t row, const char *s, size_t len) {
  uint32_t code = sky_batch_dict_intern(b, &b->action_dict, s, len);
  if (!code) return -1;
  b->action[row] = code;
  return 0;
}

void sky_batch_set_int(sky_batch *b, size_t row, uint32_t prop, int64_t v) {
  ((int64_t *)b->cols[prop].values)[row] = v;
  b->cols[prop].present[row] = 1;
}

void sky_batch_set_float(sky_batch *b, size_t row, uint32_t prop, double v) {
  ((double *)b->cols[prop].values)[row] = v;
  b->cols[prop].present[row] = 1;
}

void sky_batch_set_bool(sky_batch *b, size_t row, uint32_t prop, bool v) {
  ((uint8_t *)b->cols[prop].values)[row] = v ? 1 : 0;
  b->cols[prop].present[row] = 1;
}

int sky_batch_set_string(sky_batch *b, size_t row, uint32_t prop, const char *s, size_t len) {
  uint32_t code = sky_batch_dict_intern(b, &b->cols[prop].dict, s, len);
  if (!code) return -1;
  ((uint32_t *)b->cols[prop].values)[row] = code;
  b->cols[prop].present[row] = 1;
  return 0;
}

bool sky_batch_row_has_content(const sky_batch *b, size_t row) {
  if (b->action[row]) return true;
  for (uint32_t i = 0; i < b->schema->n_props; i++)
    if (b->cols[i].present[row]) return true;
  return false;
}
