/* chunk_at.c — a path read at an instant (GET OBJECT ... AS OF and
 * SELECT ... AS OF, PATHS.md §6): which events are at or before it, and
 * which of them last carried a column.
 *
 * One definition for the statement layer's GET OBJECT ... AS OF and the
 * compiled AS OF scan (the interpreter, the oracle, walks the path
 * directly). Both are binary searches: an object's events are in path
 * order, so its timestamps ascend, and a sparse column's `pos` list is
 * ascending; a dense column is scanned backwards from the cut, where the
 * answer is near. A scan visiting objects in chunk order walks `pos` with a
 * cursor instead (sky_col_last_from): sequential, where a binary search
 * over the whole list per object missed the cache at every step.
 */
#include "storage/storage.h"

uint64_t sky_ts_upto(const int64_t *ts, uint64_t first, uint64_t end, int64_t t) {
  if (end <= first || ts[first] > t) return first;
  if (ts[end - 1] <= t) return end; /* most objects lie wholly before or after t */
  /* branch-free: the step is a conditional move, not a mispredicted jump */
  uint64_t base = first, n = end - first;
  while (n > 1) {
    uint64_t half = n / 2;
    base = ts[base + half] <= t ? base + half : base;
    n -= half;
  }
  return base + (ts[base] <= t);
}

uint64_t sky_col_last(const sky_chunk_col *col, uint64_t first, uint64_t cut) {
  if (!col->present || cut <= first) return UINT64_MAX;
  if (col->pos) {
    /* the number of listed events before cut; the one before it, if in range */
    uint64_t lo = 0, hi = col->n_pos;
    while (lo < hi) {
      uint64_t mid = lo + (hi - lo) / 2;
      if (col->pos[mid] < cut) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && col->pos[lo - 1] >= first ? col->pos[lo - 1] : UINT64_MAX;
  }
  for (uint64_t i = cut; i > first; i--)
    if (col->present[i - 1]) return i - 1;
  return UINT64_MAX;
}

uint64_t sky_col_last_from(const sky_chunk_col *col, uint64_t first, uint64_t cut, uint64_t *cursor) {
  if (!col->pos) return sky_col_last(col, first, cut);
  uint64_t j = *cursor;
  while (j < col->n_pos && col->pos[j] < first) j++;
  *cursor = j; /* the object's first listed event: later objects start here or after */
  uint64_t at = UINT64_MAX;
  for (; j < col->n_pos && col->pos[j] < cut; j++) at = col->pos[j];
  return at;
}
