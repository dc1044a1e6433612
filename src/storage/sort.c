/* sort.c — stable (object, timestamp) ordering of rows; see sort.h. */
#include "storage/sort.h"

#include <string.h>

#include "common/alloc.h"

typedef struct kv {
  uint64_t key;
  uint32_t idx;
} kv;

/* Stable LSD radix sort of perm by obj, 8 bits per pass; bytes equal in
 * every key are skipped. */
static int radix_by_obj(const uint64_t *obj, size_t n, uint32_t *perm) {
  kv *a = sky_malloc(n * sizeof *a), *b = sky_malloc(n * sizeof *b);
  if (!a || !b) {
    sky_free(a);
    sky_free(b);
    return -1;
  }
  uint64_t diff = 0;
  for (size_t i = 0; i < n; i++) {
    a[i].key = obj[i];
    a[i].idx = (uint32_t)i;
    diff |= obj[i] ^ obj[0];
  }
  for (unsigned shift = 0; shift < 64; shift += 8) {
    if (((diff >> shift) & 0xff) == 0) continue;
    size_t count[257] = {0};
    for (size_t i = 0; i < n; i++) count[((a[i].key >> shift) & 0xff) + 1]++;
    for (unsigned d = 0; d < 256; d++) count[d + 1] += count[d];
    for (size_t i = 0; i < n; i++) b[count[(a[i].key >> shift) & 0xff]++] = a[i];
    kv *t = a;
    a = b;
    b = t;
  }
  for (size_t i = 0; i < n; i++) perm[i] = a[i].idx;
  sky_free(a);
  sky_free(b);
  return 0;
}

/* Stable sort of p[0..n) by ts[p[i]]; tmp holds n entries. */
static void sort_run_by_ts(const int64_t *ts, uint32_t *p, size_t n, uint32_t *tmp) {
  if (n <= 32) {
    for (size_t i = 1; i < n; i++) {
      uint32_t x = p[i];
      size_t j = i;
      while (j > 0 && ts[p[j - 1]] > ts[x]) {
        p[j] = p[j - 1];
        j--;
      }
      p[j] = x;
    }
    return;
  }
  size_t h = n / 2;
  sort_run_by_ts(ts, p, h, tmp);
  sort_run_by_ts(ts, p + h, n - h, tmp);
  if (ts[p[h - 1]] <= ts[p[h]]) return;
  memcpy(tmp, p, n * sizeof *p);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) p[k++] = ts[tmp[j]] < ts[tmp[i]] ? tmp[j++] : tmp[i++];
  while (i < h) p[k++] = tmp[i++];
  while (j < n) p[k++] = tmp[j++];
}

int sky_sort_perm(const uint64_t *obj, const int64_t *ts, size_t n, uint32_t *perm, bool *identity) {
  bool sorted = true, obj_sorted = true;
  for (size_t i = 1; i < n; i++) {
    if (obj[i - 1] > obj[i]) {
      sorted = obj_sorted = false;
      break;
    }
    if (obj[i - 1] == obj[i] && ts[i - 1] > ts[i]) sorted = false;
  }
  *identity = sorted;
  if (sorted || obj_sorted) {
    for (size_t i = 0; i < n; i++) perm[i] = (uint32_t)i;
    if (sorted) return 0;
  } else if (radix_by_obj(obj, n, perm) != 0) {
    return -1;
  }
  uint32_t *tmp = NULL;
  for (size_t s = 0; s < n;) {
    size_t e = s + 1;
    bool run_sorted = true;
    while (e < n && obj[perm[e]] == obj[perm[s]]) {
      if (ts[perm[e - 1]] > ts[perm[e]]) run_sorted = false;
      e++;
    }
    if (!run_sorted) {
      if (!tmp && !(tmp = sky_malloc(n * sizeof *tmp))) return -1;
      sort_run_by_ts(ts, perm + s, e - s, tmp);
    }
    s = e;
  }
  sky_free(tmp);
  return 0;
}
