/* part.c — merging a partition's sources and decoding its columns; see
 * part.h. Works on plain memory, knows nothing of caching: the snapshot
 * layer caches what this builds, compaction and flushes use it directly. */
#include "storage/part.h"

#include <string.h>
#include <sys/mman.h>

#include "common/alloc.h"
#include "common/error.h"
#include "storage/sort.h"

void *sky_aalloc(size_t bytes) {
  size_t total = bytes + 64 + sizeof(void *);
  if (total < bytes) return NULL;
  char *raw = sky_calloc(1, total);
  if (!raw) return NULL;
  uintptr_t a = ((uintptr_t)raw + sizeof(void *) + 63) & ~(uintptr_t)63;
  ((void **)a)[-1] = raw;
#ifdef MADV_HUGEPAGE
  /* Decoded partitions are large and written once: huge pages turn
   * hundreds of page faults into one (advice only; failure is harmless). */
  const uintptr_t huge = (uintptr_t)2 << 20;
  uintptr_t lo = ((uintptr_t)raw + huge - 1) & ~(huge - 1), hi = ((uintptr_t)raw + total) & ~(huge - 1);
  if (bytes >= ((size_t)4 << 20) && hi > lo) madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#endif
  return (void *)a;
}

void sky_afree(void *p) {
  if (p) sky_free(((void **)p)[-1]);
}

/* One source in sorted order, ready to merge. */
typedef struct sview {
  uint64_t n_obj, n_ev;
  uint64_t *obj_id, *obj_start;
  int64_t *ts;    /* sorted order, when loaded */
  uint32_t *perm; /* memtable: sorted position -> native row; NULL = identity */
  bool mem;
  uint64_t seq;
} sview;

static void sview_free(sview *s) {
  sky_free(s->obj_id);
  sky_free(s->obj_start);
  sky_free(s->ts);
  sky_free(s->perm);
}

static int load_seg(const sky_src *src, bool need_ts, sview *s, sky_error *err) {
  s->n_obj = src->sec->n_objects;
  s->n_ev = src->sec->n_events;
  s->seq = src->seq;
  s->obj_id = sky_malloc(s->n_obj * sizeof *s->obj_id);
  s->obj_start = sky_malloc((s->n_obj + 1) * sizeof *s->obj_start);
  if (need_ts) s->ts = sky_malloc(s->n_ev * sizeof *s->ts);
  if (!s->obj_id || !s->obj_start || (need_ts && !s->ts)) return sky_error_oom(err);
  if (sky_seg_decode_objects(src->seg, src->sec, s->obj_id, s->obj_start, err) != 0) return -1;
  if (need_ts && sky_seg_decode_ts(src->seg, src->sec, s->obj_start, s->ts, err) != 0) return -1;
  return 0;
}

static int load_mem(const sky_src *src, uint32_t part, sview *s, sky_error *err) {
  const sky_mempart *mp = &src->mt->part[part];
  uint64_t n = src->n_rows;
  s->mem = true;
  s->n_ev = n;
  uint64_t *obj = sky_malloc(n * sizeof *obj);
  int64_t *ts = sky_malloc(n * sizeof *ts);
  s->perm = sky_malloc(n * sizeof *s->perm);
  s->ts = sky_malloc(n * sizeof *s->ts);
  s->obj_id = sky_malloc(n * sizeof *s->obj_id);
  s->obj_start = sky_malloc((n + 1) * sizeof *s->obj_start);
  bool identity;
  int rc = -1;
  if (!obj || !ts || !s->perm || !s->ts || !s->obj_id || !s->obj_start) goto out;
  for (uint64_t i = 0; i < n; i++) {
    obj[i] = *(const uint64_t *)sky_cvec_at(&mp->obj, i);
    ts[i] = *(const int64_t *)sky_cvec_at(&mp->ts, i);
  }
  if (sky_sort_perm(obj, ts, n, s->perm, &identity) != 0) goto out;
  for (uint64_t k = 0; k < n; k++) {
    uint64_t o = obj[s->perm[k]];
    s->ts[k] = ts[s->perm[k]];
    if (s->n_obj == 0 || s->obj_id[s->n_obj - 1] != o) {
      s->obj_id[s->n_obj] = o;
      s->obj_start[s->n_obj++] = k;
    }
  }
  s->obj_start[s->n_obj] = n;
  rc = 0;
out:
  sky_free(obj);
  sky_free(ts);
  return rc == 0 ? 0 : sky_error_oom(err);
}

static sky_prows *prows_alloc(uint32_t n_src, uint64_t max_obj, uint64_t max_ev, bool with_ts) {
  sky_prows *r = sky_calloc(1, sizeof *r);
  if (!r) return NULL;
  r->n_src = n_src;
  r->dest = sky_calloc(n_src ? n_src : 1, sizeof *r->dest);
  r->src_rows = sky_calloc(n_src ? n_src : 1, sizeof *r->src_rows);
  r->obj_id = sky_aalloc(max_obj * 8);
  r->obj_start = sky_aalloc((max_obj + 1) * 8);
  if (with_ts) r->ts = sky_aalloc(max_ev * 8);
  r->bytes = sizeof *r + max_obj * 16 + (with_ts ? max_ev * 8 : 0);
  if (!r->dest || !r->src_rows || !r->obj_id || !r->obj_start || (with_ts && !r->ts)) {
    sky_prows_free(r);
    return NULL;
  }
  return r;
}

void sky_prows_free(sky_prows *r) {
  if (!r) return;
  for (uint32_t s = 0; r->dest && s < r->n_src; s++) sky_free(r->dest[s]);
  sky_free(r->dest);
  sky_free(r->src_rows);
  sky_afree(r->obj_id);
  sky_afree(r->obj_start);
  sky_afree(r->ts);
  sky_free(r);
}

/* Emits the rows of the live runs of one object, merged by timestamp (ties
 * to the earlier source). run_s/run_b/run_e: source and sorted range. */
static void emit_object(sky_prows *r, sview *sv, const uint32_t *run_s, uint64_t *run_b, const uint64_t *run_e,
                        uint32_t n_live, bool with_ts) {
  for (;;) {
    int best = -1;
    for (uint32_t l = 0; l < n_live; l++) {
      if (run_b[l] == run_e[l]) continue;
      if (best < 0 || sv[run_s[l]].ts[run_b[l]] < sv[run_s[best]].ts[run_b[best]]) best = (int)l;
    }
    if (best < 0) return;
    if (n_live == 1) { /* the common case: copy the whole run */
      sview *s = &sv[run_s[0]];
      for (uint64_t k = run_b[0]; k < run_e[0]; k++) {
        uint64_t native = s->perm ? s->perm[k] : k;
        r->dest[run_s[0]][native] = (uint32_t)r->n_events;
        if (with_ts) r->ts[r->n_events] = s->ts[k];
        r->n_events++;
      }
      return;
    }
    sview *s = &sv[run_s[best]];
    uint64_t k = run_b[best]++;
    r->dest[run_s[best]][s->perm ? s->perm[k] : k] = (uint32_t)r->n_events;
    if (with_ts) r->ts[r->n_events] = s->ts[k];
    r->n_events++;
  }
}

static int merge(const sky_pview *v, sview *sv, bool with_ts, sky_prows **out, sky_error *err) {
  uint64_t max_obj = 0, max_ev = 0;
  for (uint32_t s = 0; s < v->n_src; s++) max_obj += sv[s].n_obj, max_ev += sv[s].n_ev;
  if (max_ev >= SKY_DEST_DELETED)
    return sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "partition %u holds too many events", v->part);
  sky_prows *r = prows_alloc(v->n_src, max_obj, max_ev, with_ts);
  uint64_t *cur = sky_calloc(v->n_src, sizeof *cur), *run_b = sky_calloc(v->n_src, 8), *run_e = sky_calloc(v->n_src, 8);
  uint32_t *run_s = sky_calloc(v->n_src, 4);
  if (!r || !cur || !run_b || !run_e || !run_s) goto oom;
  for (uint32_t s = 0; s < v->n_src; s++) {
    r->src_rows[s] = sv[s].n_ev;
    r->dest[s] = sky_malloc((sv[s].n_ev ? sv[s].n_ev : 1) * sizeof(uint32_t));
    if (!r->dest[s]) goto oom;
  }
  r->bytes += max_ev * 4;
  uint32_t ti = 0;
  for (;;) {
    bool any = false;
    uint64_t min = 0;
    for (uint32_t s = 0; s < v->n_src; s++)
      if (cur[s] < sv[s].n_obj && (!any || sv[s].obj_id[cur[s]] < min)) min = sv[s].obj_id[cur[s]], any = true;
    if (!any) break;
    while (ti < v->n_tombs && v->tombs[ti].obj < min) ti++;
    uint64_t tseq = ti < v->n_tombs && v->tombs[ti].obj == min ? v->tombs[ti].seq : 0;
    uint32_t n_live = 0;
    for (uint32_t s = 0; s < v->n_src; s++) {
      if (cur[s] >= sv[s].n_obj || sv[s].obj_id[cur[s]] != min) continue;
      uint64_t b = sv[s].obj_start[cur[s]], e = sv[s].obj_start[cur[s] + 1];
      cur[s]++;
      if (!sv[s].mem && sv[s].seq < tseq) { /* deleted */
        for (uint64_t k = b; k < e; k++) r->dest[s][sv[s].perm ? sv[s].perm[k] : k] = SKY_DEST_DELETED;
        continue;
      }
      run_s[n_live] = s, run_b[n_live] = b, run_e[n_live] = e;
      n_live++;
    }
    if (n_live == 0) continue;
    r->obj_id[r->n_objects] = min;
    r->obj_start[r->n_objects++] = r->n_events;
    emit_object(r, sv, run_s, run_b, run_e, n_live, with_ts);
  }
  r->obj_start[r->n_objects] = r->n_events;
  sky_free(cur), sky_free(run_b), sky_free(run_e), sky_free(run_s);
  *out = r;
  return 0;
oom:
  sky_prows_free(r);
  sky_free(cur), sky_free(run_b), sky_free(run_e), sky_free(run_s);
  return sky_error_oom(err);
}

/* One segment source and nothing of it deleted: the section is the output. */
static bool is_identity(const sky_pview *v) {
  if (v->n_src != 1 || !v->src[0].seg) return false;
  for (uint32_t i = 0; i < v->n_tombs; i++)
    if (v->tombs[i].seq > v->src[0].seq) return false;
  return true;
}

static int build_identity(const sky_pview *v, bool want_ts, sky_prows **out, sky_error *err) {
  const sky_src *src = &v->src[0];
  sky_prows *r = prows_alloc(1, src->sec->n_objects, src->sec->n_events, want_ts);
  if (!r) return sky_error_oom(err);
  r->n_objects = src->sec->n_objects;
  r->n_events = src->sec->n_events;
  r->src_rows[0] = r->n_events;
  if (sky_seg_decode_objects(src->seg, src->sec, r->obj_id, r->obj_start, err) != 0 ||
      (want_ts && sky_seg_decode_ts(src->seg, src->sec, r->obj_start, r->ts, err) != 0)) {
    sky_prows_free(r);
    return -1;
  }
  *out = r;
  return 0;
}

int sky_prows_build(const sky_pview *v, bool want_ts, sky_prows **out, sky_error *err) {
  *out = NULL;
  if (is_identity(v)) return build_identity(v, want_ts, out, err);
  /* Merging orders by timestamp whenever an object may span sources. */
  bool need_ts = want_ts || v->n_src > 1;
  sview *sv = sky_calloc(v->n_src ? v->n_src : 1, sizeof *sv);
  if (!sv) return sky_error_oom(err);
  int rc = 0;
  for (uint32_t s = 0; rc == 0 && s < v->n_src; s++)
    rc = v->src[s].seg ? load_seg(&v->src[s], need_ts, &sv[s], err) : load_mem(&v->src[s], v->part, &sv[s], err);
  if (rc == 0) rc = merge(v, sv, need_ts, out, err);
  for (uint32_t s = 0; s < v->n_src; s++) sview_free(&sv[s]);
  sky_free(sv);
  if (rc == 0 && !want_ts) { /* computed for the merge only */
    sky_afree((*out)->ts);
    (*out)->ts = NULL;
  }
  return rc;
}

/* ---- columns ------------------------------------------------------------- */

static size_t col_width(const sky_schema *schema, uint32_t col) {
  if (col == SKY_COL_TS) return 8;
  if (col == SKY_COL_ACTION) return 4;
  return sky_prop_type_width(schema->props[col - SKY_COL_PROP0].type);
}

size_t sky_pcol_bytes(const sky_schema *schema, uint32_t col, uint64_t n) {
  return (size_t)n * (col_width(schema, col) + (col >= SKY_COL_PROP0 ? 1 : 0));
}

static uint32_t col_dict_limit(const sky_pview *v, uint32_t col) {
  return col == SKY_COL_ACTION ? v->dict_limit[0] : v->dict_limit[col - SKY_COL_PROP0 + 1];
}

/* Decodes a segment source's column in its own order into vals/pres. */
static int seg_col(const sky_pview *v, const sky_src *src, uint32_t col, void *vals, uint8_t *pres, sky_error *err) {
  if (col == SKY_COL_ACTION) return sky_seg_decode_action(src->seg, src->sec, col_dict_limit(v, col), vals, err);
  if (col >= SKY_COL_PROP0) {
    uint32_t p = col - SKY_COL_PROP0;
    return sky_seg_decode_prop(src->seg, src->sec, p, v->schema->props[p].type, col_dict_limit(v, col), vals, pres,
                               err);
  }
  uint64_t *obj_id = sky_malloc(src->sec->n_objects * 8), *obj_start = sky_malloc((src->sec->n_objects + 1) * 8);
  int rc = -1;
  if (!obj_id || !obj_start) sky_error_oom(err);
  else if (sky_seg_decode_objects(src->seg, src->sec, obj_id, obj_start, err) == 0)
    rc = sky_seg_decode_ts(src->seg, src->sec, obj_start, vals, err);
  sky_free(obj_id);
  sky_free(obj_start);
  return rc;
}

/* Scatters a memtable source's column straight from its chunked arrays. */
static void mem_col(const sky_pview *v, const sky_src *src, const uint32_t *dest, uint32_t col, char *vals,
                    uint8_t *pres) {
  const sky_mempart *mp = &src->mt->part[v->part];
  size_t w = col_width(v->schema, col);
  uint32_t p = col - SKY_COL_PROP0;
  const sky_cvec *cv = col == SKY_COL_TS ? &mp->ts : col == SKY_COL_ACTION ? &mp->action : NULL;
  if (col >= SKY_COL_PROP0) {
    if (p >= src->mt->n_props) return; /* added after this memtable began */
    cv = &mp->vals[p];
  }
  for (uint64_t i = 0; i < src->n_rows; i++) {
    uint32_t d = dest[i];
    if (d == SKY_DEST_DELETED) continue;
    memcpy(vals + (size_t)d * w, sky_cvec_at(cv, i), w);
    if (col >= SKY_COL_PROP0) pres[d] = *(const uint8_t *)sky_cvec_at(&mp->pres[p], i);
  }
}

static int scatter_seg(const sky_pview *v, const sky_src *src, const uint32_t *dest, uint32_t col, char *vals,
                       uint8_t *pres, sky_error *err) {
  size_t w = col_width(v->schema, col);
  uint64_t n = src->sec->n_events;
  char *tv = sky_calloc(n ? n : 1, w);
  uint8_t *tp = col >= SKY_COL_PROP0 ? sky_malloc(n ? n : 1) : NULL;
  int rc = -1;
  if (!tv || (col >= SKY_COL_PROP0 && !tp)) sky_error_oom(err);
  else rc = seg_col(v, src, col, tv, tp, err);
  for (uint64_t i = 0; rc == 0 && i < n; i++) {
    uint32_t d = dest[i];
    if (d == SKY_DEST_DELETED) continue;
    memcpy(vals + (size_t)d * w, tv + i * w, w);
    if (tp) pres[d] = tp[i];
  }
  sky_free(tv);
  sky_free(tp);
  return rc;
}

int sky_pcol_decode(const sky_pview *v, const sky_prows *r, uint32_t col, void **vals_out, uint8_t **pres_out,
                    sky_error *err) {
  size_t w = col_width(v->schema, col);
  bool is_prop = col >= SKY_COL_PROP0;
  char *vals = sky_aalloc((size_t)r->n_events * w);
  uint8_t *pres = is_prop ? sky_aalloc((size_t)r->n_events) : NULL;
  if (!vals || (is_prop && !pres)) {
    sky_afree(vals);
    sky_afree(pres);
    return sky_error_oom(err);
  }
  int rc = 0;
  for (uint32_t s = 0; rc == 0 && s < v->n_src; s++) {
    const sky_src *src = &v->src[s];
    if (!r->dest[s]) rc = seg_col(v, src, col, vals, pres, err); /* identity */
    else if (src->seg) rc = scatter_seg(v, src, r->dest[s], col, vals, pres, err);
    else mem_col(v, src, r->dest[s], col, vals, pres);
  }
  if (rc != 0) {
    sky_afree(vals);
    sky_afree(pres);
    return -1;
  }
  *vals_out = vals;
  if (pres_out) *pres_out = pres;
  return 0;
}
