/* sort.h — ordering rows by (object, timestamp, arrival), the order of
 * every segment section.
 *
 * Input usually arrives sorted (generators write object by object) or in
 * time order (event logs); both are fast: a sortedness check, then when
 * needed a stable LSD radix sort on the object id (skipping bytes that are
 * equal in every key) and a stable per-object sort of timestamps only where
 * an object's run is out of order. Stability keeps arrival order for equal
 * (object, timestamp).
 */
#ifndef SKY_STORAGE_SORT_H
#define SKY_STORAGE_SORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fills perm[0..n) with the stable sorting permutation of the keys
 * (obj[i], ts[i]); *identity tells when the input was already sorted (perm
 * is then 0..n-1). -1 when out of memory. n < 2^32. */
int sky_sort_perm(const uint64_t *obj, const int64_t *ts, size_t n, uint32_t *perm, bool *identity);

#endif
