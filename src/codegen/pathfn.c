/* pathfn.c — the one definition of next, prev and nth (pathfn.h): from
 * each event's x, condition and session number to each event's value.
 *
 * A function counts some events of the path and takes the n-th counted
 * one after (next) or before (prev) the current event, within its session:
 *  - plain: every event is counted: the target is the event n places away;
 *  - WHERE c: the events where c is TRUE;
 *  - next(DISTINCT x): the events where x IS DISTINCT FROM x at the event
 *    before (walking forward from the current event, the counted events are
 *    exactly where x changes); prev(DISTINCT x): where x differs from the
 *    event after.
 * The counted events are listed once per object in path order; one cursor
 * walks the list as the current event advances, so a function costs O(m)
 * for m events whatever n and however rare its counted events are.
 * nth(c) is the running count of c within the session.
 */
#include "codegen/pathfn.h"

#include <string.h>

#include "codegen/runtime.h"
#include "common/alloc.h"

uint64_t *sky_pathfn_reserve(sky_pathfn_buf *pb, const sky_plan *plan, uint64_t m) {
  uint64_t words = ((uint64_t)SKY_PATHFN_ARRAYS * plan->n_path_fns + 2) * (m ? m : 1);
  if (words <= pb->cap_words) return pb->base;
  uint64_t cap = pb->cap_words ? pb->cap_words : 1024;
  while (cap < words) cap *= 2;
  size_t more = (size_t)(cap - pb->cap_words) * sizeof(uint64_t);
  if (pb->budget && !sky_budget_take(pb->budget, more)) return NULL;
  uint64_t *v = sky_malloc((size_t)cap * sizeof *v);
  if (!v) {
    if (pb->budget) sky_budget_give(pb->budget, more);
    return NULL;
  }
  sky_free(pb->base);
  pb->base = v;
  pb->cap_words = cap;
  return v;
}

void sky_pathfn_release(sky_pathfn_buf *pb) {
  if (pb->budget && pb->cap_words) sky_budget_give(pb->budget, (size_t)pb->cap_words * sizeof(uint64_t));
  sky_free(pb->base);
  pb->base = NULL;
  pb->cap_words = 0;
}

/* x at events a and b are distinct (NULL is a value; words canonical). */
static inline bool differ(const uint64_t *x, const uint64_t *xn, uint64_t a, uint64_t b) {
  return xn[a] != xn[b] || x[a] != x[b];
}

/* nth(c): the number of events so far in the session where c holds. */
static void resolve_nth(const uint64_t *c, const uint64_t *sess, uint64_t *out, uint64_t *out_null, uint64_t m) {
  uint64_t n = 0;
  for (uint64_t i = 0; i < m; i++) {
    if (i && sess[i] != sess[i - 1]) n = 0;
    n += c[i] != 0;
    out[i] = n;
    out_null[i] = 0;
  }
}

/* Lists the counted events of f into `list`; their number. */
static uint64_t counted(const sky_path_fn *f, const uint64_t *x, const uint64_t *xn, const uint64_t *c,
                        uint64_t *list, uint64_t m) {
  uint64_t n = 0;
  for (uint64_t k = 0; k < m; k++) {
    bool on;
    if (f->distinct)
      on = f->kind == SKY_PATH_FN_NEXT ? k > 0 && differ(x, xn, k, k - 1) : k + 1 < m && differ(x, xn, k, k + 1);
    else
      on = !f->cond || c[k];
    if (on) list[n++] = k;
  }
  return n;
}

/* The value at event i from its target t (UINT64_MAX: none), written over
 * x[i] (out == x): t is never an event already written. */
static inline void put_value(uint64_t *x, uint64_t *xn, const uint64_t *sess, uint64_t i, uint64_t t) {
  if (t != UINT64_MAX && sess[t] == sess[i] && !xn[t]) {
    x[i] = x[t];
    xn[i] = 0;
  } else {
    x[i] = 0;
    xn[i] = 1;
  }
}

/* next / prev: the target of each event, then x there, in place: next
 * from the first event on (its targets lie later), prev from the last. */
static void resolve_step(const sky_path_fn *f, uint64_t *fb, const uint64_t *sess, uint64_t *list, uint64_t m) {
  uint64_t *x = fb + SKY_PATHFN_X * m, *xn = fb + SKY_PATHFN_X_NULL * m;
  const uint64_t *c = fb + SKY_PATHFN_COND * m;
  uint64_t n_list = counted(f, x, xn, c, list, m), n = f->n;
  if (f->kind == SKY_PATH_FN_NEXT) {
    for (uint64_t i = 0, p = 0; i < m; i++) {
      while (p < n_list && list[p] <= i) p++; /* p: counted events at or before i */
      put_value(x, xn, sess, i, p + n - 1 < n_list ? list[p + n - 1] : UINT64_MAX);
    }
    return;
  }
  for (uint64_t i = m, p = n_list; i-- > 0;) {
    while (p > 0 && list[p - 1] >= i) p--; /* p: counted events before i */
    put_value(x, xn, sess, i, p >= n ? list[p - n] : UINT64_MAX);
  }
}

void sky_pathfn_resolve(const sky_plan *plan, uint64_t *base, uint64_t m) {
  const uint64_t *sess = base + sky_pathfn_at(plan->n_path_fns, 0, m);
  uint64_t *list = base + sky_pathfn_at(plan->n_path_fns, 1, m);
  for (uint32_t f = 0; f < plan->n_path_fns; f++) {
    const sky_path_fn *pf = &plan->path_fns[f];
    uint64_t *fb = base + sky_pathfn_at(f, 0, m);
    if (pf->kind == SKY_PATH_FN_NTH)
      resolve_nth(fb + SKY_PATHFN_COND * m, sess, fb + SKY_PATHFN_OUT * m, fb + SKY_PATHFN_OUT_NULL * m, m);
    else
      resolve_step(pf, fb, sess, list, m);
  }
}

void *sky_pathfn_jit_open(sky_budget *budget) {
  sky_pathfn_buf *pb = sky_calloc(1, sizeof *pb);
  if (pb) pb->budget = budget;
  return pb;
}

void sky_pathfn_jit_close(void *pb) {
  if (!pb) return;
  sky_pathfn_release(pb);
  sky_free(pb);
}

uint64_t *sky_pathfn_jit_reserve(void *pb, const sky_runtime *rt, uint64_t m) {
  return sky_pathfn_reserve(pb, rt->plan, m);
}

void sky_pathfn_jit_resolve(const sky_runtime *rt, uint64_t *base, uint64_t m) { sky_pathfn_resolve(rt->plan, base, m); }
