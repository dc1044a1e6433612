/* compact.c — merging a partition's sources into one.
 *
 * A compaction picks, per partition, a contiguous range of its sources
 * (sky_table_compact: all of them; the background compactor: a size-tiered
 * suffix, so each event is rewritten O(log n) times), merges each range in
 * path order with deletions applied into one new segment, and swaps the
 * ranges for the new sections. Because a range is contiguous and the
 * merged section keeps the merged order, arrival order is preserved; the
 * merged source takes the largest seq of its range, which keeps every
 * tombstone's meaning (one newer than all of the range still applies,
 * those inside it were applied by the merge).
 *
 * The long part runs under compact_mu only: loads, inserts and readers go
 * on; sources published meanwhile are appended after the range, so the
 * range is still in place at the final swap (under commit_mu). Column
 * caches stay valid: the content ids do not change, only the layout ids.
 */
#include <string.h>

#include "common/alloc.h"
#include "common/error.h"
#include "storage/table_int.h"

typedef struct range {
  bool use;
  uint32_t lo, hi;
} range;

static bool sources_ok(const sky_pstate *ps, uint32_t p, uint32_t lo, uint32_t hi) {
  for (uint32_t k = lo; k < hi; k++)
    if (ps->src[k].seg->broken || ps->src[k].seg->part_sec[p] < 0) return false;
  return true;
}

static uint64_t src_events(const sky_pstate *ps, uint32_t p, uint32_t k) {
  const sky_segment *s = ps->src[k].seg;
  return s->sections[s->part_sec[p]].n_events;
}

/* Size-tiered choice: the newest sources, extended to older ones while an
 * older source is at most twice everything newer. */
static bool pick_background(const sky_pstate *ps, uint32_t p, range *r) {
  uint32_t n = ps->n_src;
  bool tombs = ps->n_tombs >= SKY_COMPACT_TOMBS && n > 0;
  if ((n < SKY_COMPACT_TRIGGER && !tombs) || !sources_ok(ps, p, 0, n)) return false;
  r->hi = n;
  if (n > SKY_COMPACT_MAX_SOURCES || tombs) { /* all of it: deletions are applied only then */
    r->lo = 0;
    return true;
  }
  uint64_t sum = src_events(ps, p, n - 1);
  uint32_t i = n - 1;
  while (i > 0 && src_events(ps, p, i - 1) <= 2 * sum) sum += src_events(ps, p, --i);
  r->lo = n - i < 4 ? n - 4 : i;
  return true;
}

static bool pick(const sky_pstate *ps, uint32_t p, bool force, range *r) {
  if (!force) return pick_background(ps, p, r);
  if (ps->n_src > 1 || (ps->n_src == 1 && ps->n_tombs > 0)) {
    r->lo = 0;
    r->hi = ps->n_src;
    return true;
  }
  return false;
}

bool sky_table_wants_compaction(sky_table *t) {
  if (t->broken) return false;
  bool want = false;
  pthread_mutex_lock(&t->state_mu);
  for (uint32_t p = 0; p < SKY_PARTITIONS && !want; p++)
    want = t->v->part[p].n_src >= SKY_COMPACT_TRIGGER || t->v->part[p].n_tombs >= SKY_COMPACT_TOMBS;
  pthread_mutex_unlock(&t->state_mu);
  return want;
}

/* Replaces partition p's range in nv with the merged section. */
static int swap_range(sky_version *nv, const sky_version *v, uint32_t p, const range *r, sky_segment *seg) {
  sky_pstate *cur = &nv->part[p];
  const sky_pstate *old = &v->part[p];
  if (cur->n_src < r->hi) return -1;
  uint64_t max_seq = 0;
  for (uint32_t k = r->lo; k < r->hi; k++) {
    if (cur->src[k].seg_id != old->src[k].seg_id) return -1;
    if (cur->src[k].seq > max_seq) max_seq = cur->src[k].seq;
  }
  bool has = seg && seg->part_sec[p] >= 0;
  uint32_t n = 0;
  for (uint32_t k = 0; k < cur->n_src; k++) {
    if (k == r->lo && has) cur->src[n++] = (sky_psrc){.seg_id = seg->id, .seq = max_seq, .seg = seg};
    if (k < r->lo || k >= r->hi) cur->src[n++] = cur->src[k];
  }
  cur->n_src = n;
  if (r->lo == 0 && r->hi == old->n_src) { /* every tombstone known then was applied */
    uint32_t keep = 0;
    for (uint32_t k = 0; k < cur->n_tombs; k++) {
      uint64_t seen = sky_pstate_tomb(old, cur->tombs[k].obj);
      if (seen == 0 || cur->tombs[k].seq > seen) cur->tombs[keep++] = cur->tombs[k];
    }
    cur->n_tombs = keep;
  }
  return 0;
}

static int publish(sky_table *t, const sky_version *v, const range *ranges, sky_segment *seg, sky_error *err) {
  sky_version *nv = sky_version_clone(t->v);
  if (!nv) return sky_error_oom(err);
  sky_publish pub = {0};
  int rc = seg && sky_version_add_seg(nv, seg) != 0 ? sky_error_oom(err) : 0;
  for (uint32_t p = 0; rc == 0 && p < SKY_PARTITIONS; p++) {
    if (!ranges[p].use) continue;
    if (swap_range(nv, v, p, &ranges[p], seg) != 0)
      rc = sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "partition %u changed during compaction", p);
    pub.layout[p] = true;
  }
  sky_segment **dropped = NULL;
  uint32_t n_dropped = 0;
  if (rc == 0) {
    sky_version_drop_unused(nv, &dropped, &n_dropped);
    rc = sky_commit_version(t, nv, &pub, err);
  } else {
    sky_version_unref(nv);
  }
  for (uint32_t i = 0; i < n_dropped; i++) {
    if (rc == 0) sky_segment_unlink(dropped[i]); /* mapped until its last reader is done */
    sky_segment_unref(dropped[i]);
  }
  sky_free(dropped);
  return rc;
}

static int compact_locked(sky_table *t, bool force, sky_error *err) {
  if (force) {
    pthread_mutex_lock(&t->commit_mu);
    int rc = sky_table_check(t, err) == 0 ? sky_flush_locked(t, true, err) : -1;
    pthread_mutex_unlock(&t->commit_mu);
    if (rc != 0) return -1;
  }
  pthread_mutex_lock(&t->state_mu);
  sky_version *v = t->v;
  sky_version_ref(v);
  uint32_t limits[SKY_MAX_PROPS + 1];
  for (uint32_t d = 0; d < v->n_dicts; d++) limits[d] = t->dicts[d] ? sky_dict_count(t->dicts[d]) : 0;
  pthread_mutex_unlock(&t->state_mu);
  range ranges[SKY_PARTITIONS] = {0};
  sky_pview views[SKY_PARTITIONS];
  sky_src *srcs = sky_calloc((size_t)v->n_segs * SKY_PARTITIONS + 1, sizeof *srcs);
  bool use[SKY_PARTITIONS], any = false;
  int rc = srcs ? 0 : sky_error_oom(err);
  for (uint32_t p = 0; rc == 0 && p < SKY_PARTITIONS; p++) {
    const sky_pstate *ps = &v->part[p];
    views[p] = (sky_pview){.part = p, .schema = v->schema, .dict_limit = limits, .src = srcs + (size_t)p * v->n_segs,
                           .tombs = ps->tombs, .n_tombs = ps->n_tombs};
    use[p] = ranges[p].use = pick(ps, p, force, &ranges[p]);
    for (uint32_t k = ranges[p].lo; use[p] && k < ranges[p].hi; k++) {
      const sky_section *sec = sky_segment_section(ps->src[k].seg, p, err);
      if (!sec) rc = -1;
      else views[p].src[views[p].n_src++] = (sky_src){.seg = ps->src[k].seg, .sec = sec, .seq = ps->src[k].seq};
    }
    any |= use[p];
  }
  sky_segment *seg = NULL;
  if (rc == 0 && any) rc = sky_write_merged(t, v->schema, views, use, &seg, err);
  if (rc == 0 && any) {
    pthread_mutex_lock(&t->commit_mu);
    rc = publish(t, v, ranges, seg, err);
    pthread_mutex_unlock(&t->commit_mu);
  }
  if (seg) {
    if (rc != 0) sky_segment_unlink(seg);
    sky_segment_unref(seg);
  }
  sky_free(srcs);
  sky_version_unref(v);
  return rc;
}

int sky_table_compact_run(sky_table *t, bool force, sky_error *err) {
  if (sky_table_check(t, err) != 0) return -1;
  pthread_mutex_lock(&t->compact_mu);
  int rc = compact_locked(t, force, err);
  pthread_mutex_unlock(&t->compact_mu);
  return rc;
}

int sky_table_compact(sky_table *t, sky_error *err) { return sky_table_compact_run(t, true, err); }
