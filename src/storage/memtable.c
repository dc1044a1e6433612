/* memtable.c — in-memory rows of INSERTs; see memtable.h. */
#include "storage/memtable.h"

#include <string.h>

#include "common/alloc.h"
#include "common/error.h"

sky_memtable *sky_memtable_create(uint64_t wal_gen, const sky_schema *schema) {
  sky_memtable *m = sky_calloc(1, sizeof *m);
  if (!m) return NULL;
  atomic_init(&m->refs, 1);
  m->wal_gen = wal_gen;
  m->n_props = schema->n_props;
  m->types = sky_calloc(m->n_props ? m->n_props : 1, sizeof *m->types);
  if (!m->types) goto fail;
  for (uint32_t p = 0; p < m->n_props; p++) m->types[p] = schema->props[p].type;
  for (uint32_t q = 0; q < SKY_PARTITIONS; q++) {
    sky_mempart *mp = &m->part[q];
    sky_cvec_init(&mp->obj, 8);
    sky_cvec_init(&mp->ts, 8);
    sky_cvec_init(&mp->action, 4);
    mp->vals = sky_calloc(m->n_props ? m->n_props : 1, sizeof *mp->vals);
    mp->pres = sky_calloc(m->n_props ? m->n_props : 1, sizeof *mp->pres);
    if (!mp->vals || !mp->pres) goto fail;
    for (uint32_t p = 0; p < m->n_props; p++) {
      sky_cvec_init(&mp->vals[p], sky_prop_type_width(m->types[p]));
      sky_cvec_init(&mp->pres[p], 1);
    }
  }
  return m;
fail:
  m->refs = 1;
  sky_memtable_unref(m);
  return NULL;
}

void sky_memtable_ref(sky_memtable *m) { atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed); }

void sky_memtable_unref(sky_memtable *m) {
  if (!m || atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) != 1) return;
  for (uint32_t q = 0; q < SKY_PARTITIONS; q++) {
    sky_mempart *mp = &m->part[q];
    sky_cvec_free(&mp->obj);
    sky_cvec_free(&mp->ts);
    sky_cvec_free(&mp->action);
    for (uint32_t p = 0; mp->vals && mp->pres && p < m->n_props; p++) {
      sky_cvec_free(&mp->vals[p]);
      sky_cvec_free(&mp->pres[p]);
    }
    sky_free(mp->vals);
    sky_free(mp->pres);
  }
  sky_free(m->types);
  sky_free(m);
}

static int reserve_part(sky_memtable *m, sky_mempart *mp, uint64_t n) {
  if (sky_cvec_reserve(&mp->obj, n) || sky_cvec_reserve(&mp->ts, n) || sky_cvec_reserve(&mp->action, n)) return -1;
  for (uint32_t p = 0; p < m->n_props; p++)
    if (sky_cvec_reserve(&mp->vals[p], n) || sky_cvec_reserve(&mp->pres[p], n)) return -1;
  return 0;
}

static void put_row(sky_memtable *m, sky_mempart *mp, const sky_batch *b, size_t r, const uint32_t *action_map,
                    uint32_t *const *prop_maps) {
  uint64_t i = mp->n++;
  *(uint64_t *)sky_cvec_at(&mp->obj, i) = b->obj[r];
  *(int64_t *)sky_cvec_at(&mp->ts, i) = b->ts[r];
  *(uint32_t *)sky_cvec_at(&mp->action, i) = b->action[r] ? action_map[b->action[r]] : 0;
  for (uint32_t p = 0; p < m->n_props; p++) {
    uint8_t present = p < b->schema->n_props ? b->cols[p].present[r] : 0;
    *(uint8_t *)sky_cvec_at(&mp->pres[p], i) = present;
    size_t w = sky_prop_type_width(m->types[p]);
    void *dst = sky_cvec_at(&mp->vals[p], i);
    if (!present) {
      memset(dst, 0, w);
    } else if (m->types[p] == SKY_PTYPE_STRING) {
      *(uint32_t *)dst = prop_maps[p][((const uint32_t *)b->cols[p].values)[r]];
    } else {
      memcpy(dst, (const char *)b->cols[p].values + r * w, w);
    }
  }
}

int sky_memtable_append(sky_memtable *m, const sky_batch *b, const uint32_t *action_map, uint32_t *const *prop_maps,
                        sky_error *err) {
  uint64_t need[SKY_PARTITIONS] = {0};
  uint8_t small[256];
  uint8_t *parts = b->n_rows <= sizeof small ? small : sky_malloc(b->n_rows);
  if (!parts) return sky_error_oom(err);
  for (size_t r = 0; r < b->n_rows; r++) {
    parts[r] = (uint8_t)sky_partition_of(b->obj[r]);
    need[parts[r]]++;
  }
  for (uint32_t q = 0; q < SKY_PARTITIONS; q++) {
    if (need[q] && reserve_part(m, &m->part[q], m->part[q].n + need[q]) != 0) {
      if (parts != small) sky_free(parts);
      return sky_error_oom(err);
    }
  }
  for (size_t r = 0; r < b->n_rows; r++) put_row(m, &m->part[parts[r]], b, r, action_map, prop_maps);
  m->n_rows += b->n_rows;
  if (parts != small) sky_free(parts);
  return 0;
}

void sky_memtable_rollback(sky_memtable *m) {
  for (uint32_t q = 0; q < SKY_PARTITIONS; q++) {
    m->n_rows -= m->part[q].n - m->part[q].visible;
    m->part[q].n = m->part[q].visible;
  }
}

void sky_memtable_mark(const sky_memtable *m, uint64_t mark[SKY_PARTITIONS]) {
  for (uint32_t q = 0; q < SKY_PARTITIONS; q++) mark[q] = m->part[q].n;
}

void sky_memtable_publish(sky_memtable *m, const uint64_t mark[SKY_PARTITIONS], bool changed[SKY_PARTITIONS]) {
  for (uint32_t q = 0; q < SKY_PARTITIONS; q++) {
    changed[q] = mark[q] > m->part[q].visible;
    if (changed[q]) m->part[q].visible = mark[q];
  }
}

uint64_t sky_memtable_visible(const sky_memtable *m) {
  uint64_t n = 0;
  for (uint32_t q = 0; q < SKY_PARTITIONS; q++) n += m->part[q].visible;
  return n;
}
