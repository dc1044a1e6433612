/* runtime.c — preparing one run of a plan against a snapshot (runtime
 * constants: literal codes, rank tables, LIKE and IN tables) and the rare
 * C helpers both engines call (string comparison across domains, LIKE on
 * computed strings, membership in a large IN's set, the stop check).
 *
 * Rank tables give every dictionary code an odd rank 2*p+1, p being the
 * string's position in byte order; a literal absent from the dictionary gets
 * the even rank between its neighbours. Comparing ranks is then exactly
 * comparing the strings, with one integer compare per event.
 */
#include "codegen/runtime.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/timeutil.h"

/* Tables built by prepare, freed with the runtime. */
typedef struct rt_owned {
  void **tables;
  size_t n, cap;
} rt_owned;

static void *own_table(sky_runtime *rt, size_t bytes) {
  rt_owned *o = rt->owned_;
  void *t = sky_calloc(1, bytes ? bytes : 1);
  if (!t) return NULL;
  void *arr = o->tables;
  if (sky_grow(&arr, &o->cap, o->n + 1, sizeof(void *)) != 0) {
    sky_free(t);
    return NULL;
  }
  o->tables = arr;
  o->tables[o->n++] = t;
  return t;
}

/* Sorting dictionary codes by their strings. */
typedef struct sort_ctx {
  const sky_snapshot *snap;
  uint32_t dict;
} sort_ctx;

static int cmp_bytes(const char *a, size_t la, const char *b, size_t lb) {
  int c = memcmp(a, b, la < lb ? la : lb);
  if (c) return c;
  return la < lb ? -1 : la > lb;
}

static int cmp_codes(const void *x, const void *y, void *arg) {
  const sort_ctx *c = arg;
  const char *a, *b;
  size_t la, lb;
  sky_snapshot_dict_string(c->snap, c->dict, *(const uint32_t *)x, &a, &la);
  sky_snapshot_dict_string(c->snap, c->dict, *(const uint32_t *)y, &b, &lb);
  return cmp_bytes(a, la, b, lb);
}

/* Codes of `dict` sorted by string, and the rank table. */
static uint32_t *sorted_codes(sky_runtime *rt, uint32_t dict, uint32_t n) {
  uint32_t *codes = own_table(rt, (size_t)n * sizeof(uint32_t));
  if (!codes) return NULL;
  for (uint32_t i = 0; i < n; i++) codes[i] = i + 1;
  sort_ctx ctx = {rt->snap, dict};
  qsort_r(codes, n, sizeof(uint32_t), cmp_codes, &ctx);
  return codes;
}

static int prepare_rank_table(sky_runtime *rt, const sky_rc *rc, uint64_t *out) {
  uint32_t n = sky_snapshot_dict_size(rt->snap, rc->dict);
  uint32_t *sorted = sorted_codes(rt, rc->dict, n);
  uint32_t *rank = own_table(rt, ((size_t)n + 1) * sizeof(uint32_t));
  if (!sorted || !rank) return -1;
  for (uint32_t p = 0; p < n; p++) rank[sorted[p]] = 2 * p + 1;
  *out = (uint64_t)(uintptr_t)rank;
  return 0;
}

/* Even rank of a string among the dictionary's, or the odd rank of its own
 * code when present. */
static int prepare_rank_of(sky_runtime *rt, const sky_rc *rc, uint64_t *out) {
  uint32_t n = sky_snapshot_dict_size(rt->snap, rc->dict);
  uint32_t *sorted = sorted_codes(rt, rc->dict, n);
  if (!sorted) return -1;
  uint32_t lo = 0, hi = n; /* first position whose string is >= rc->str */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    const char *s;
    size_t len;
    sky_snapshot_dict_string(rt->snap, rc->dict, sorted[mid], &s, &len);
    if (cmp_bytes(s, len, rc->str, rc->len) < 0) lo = mid + 1;
    else hi = mid;
  }
  uint64_t r = 2 * (uint64_t)lo;
  if (lo < n) {
    const char *s;
    size_t len;
    sky_snapshot_dict_string(rt->snap, rc->dict, sorted[lo], &s, &len);
    if (cmp_bytes(s, len, rc->str, rc->len) == 0) r = 2 * (uint64_t)lo + 1;
  }
  *out = r;
  return 0;
}

static int prepare_match_table(sky_runtime *rt, const sky_rc *rc, uint64_t *out) {
  uint32_t n = sky_snapshot_dict_size(rt->snap, rc->dict);
  uint8_t *t = own_table(rt, (size_t)n + 1);
  if (!t) return -1;
  for (uint32_t code = 1; code <= n; code++) {
    const char *s;
    size_t len;
    sky_snapshot_dict_string(rt->snap, rc->dict, code, &s, &len);
    if (rc->kind == SKY_RC_LIKE) {
      t[code] = sky_like_match(s, len, rc->str, rc->len);
    } else {
      for (uint32_t k = 0; k < rc->n_strs && !t[code]; k++)
        t[code] = rc->lens[k] == len && memcmp(rc->strs[k], s, len) == 0;
    }
  }
  *out = (uint64_t)(uintptr_t)t;
  return 0;
}

int sky_runtime_prepare(sky_runtime *rt, const sky_plan *plan, sky_snapshot *snap, size_t memory_limit,
                        sky_error *err) {
  memset(rt, 0, sizeof *rt);
  rt->plan = plan;
  rt->snap = snap;
  rt->budget.limit = memory_limit;
  rt->owned_ = sky_calloc(1, sizeof(rt_owned));
  rt->rc = sky_calloc(plan->n_rcs ? plan->n_rcs : 1, sizeof(uint64_t));
  if (!rt->owned_ || !rt->rc) goto oom;
  for (uint32_t i = 0; i < plan->n_rcs; i++) {
    const sky_rc *rc = &plan->rcs[i];
    int rcode = 0;
    switch (rc->kind) {
    case SKY_RC_CODE: {
      uint32_t code = sky_snapshot_dict_find(snap, rc->dict, rc->str, rc->len);
      rt->rc[i] = code ? code : SKY_CODE_MISSING;
      break;
    }
    case SKY_RC_RANK: rcode = prepare_rank_of(rt, rc, &rt->rc[i]); break;
    case SKY_RC_RANKS: rcode = prepare_rank_table(rt, rc, &rt->rc[i]); break;
    case SKY_RC_LIKE:
    case SKY_RC_IN_SET: rcode = prepare_match_table(rt, rc, &rt->rc[i]); break;
    }
    if (rcode != 0) goto oom;
  }
  return 0;
oom:
  sky_runtime_free(rt);
  return sky_error_set(err, SKY_ERR_OUT_OF_MEMORY, 0, 0, "out of memory preparing the query");
}

void sky_runtime_free(sky_runtime *rt) {
  rt_owned *o = rt->owned_;
  if (o) {
    for (size_t i = 0; i < o->n; i++) sky_free(o->tables[i]);
    sky_free(o->tables);
    sky_free(o);
  }
  sky_free(rt->rc);
  rt->owned_ = NULL;
  rt->rc = NULL;
}

int sky_rt_should_stop(const sky_runtime *rt) {
  if (rt->cancel && atomic_load_explicit(rt->cancel, memory_order_relaxed)) return 1;
  if (rt->deadline_ns && sky_clock_ns() >= rt->deadline_ns) return 1;
  return 0;
}

void sky_rt_stop_error(const sky_runtime *rt, sky_error *err) {
  if (rt->cancel && atomic_load(rt->cancel))
    sky_error_set(err, SKY_ERR_TIMEOUT, 0, 0, "query cancelled");
  else
    sky_error_set(err, SKY_ERR_TIMEOUT, 0, 0, "query exceeded its time limit");
}

void sky_rt_string(const sky_runtime *rt, uint32_t dom, uint64_t word, char *tmp, const char **s, size_t *len) {
  if (sky_dom_is_bucket(dom)) {
    *len = sky_bucket_format(dom, word, tmp);
    *s = tmp;
  } else if (dom == SKY_DOM_LITERAL) {
    *s = rt->plan->literals[word].str;
    *len = rt->plan->literals[word].len;
  } else {
    sky_snapshot_dict_string(rt->snap, dom, (uint32_t)word, s, len);
  }
}

int64_t sky_rt_str_cmp(const sky_runtime *rt, uint32_t dom_a, uint64_t a, uint32_t dom_b, uint64_t b) {
  char ta[32], tb[32];
  const char *sa, *sb;
  size_t la, lb;
  sky_rt_string(rt, dom_a, a, ta, &sa, &la);
  sky_rt_string(rt, dom_b, b, tb, &sb, &lb);
  int c = cmp_bytes(sa, la, sb, lb);
  return c < 0 ? -1 : c > 0;
}

int64_t sky_rt_in_set(const sky_runtime *rt, uint32_t set, uint64_t word) {
  return sky_in_set_contains(&rt->plan->sets[set], word);
}

int64_t sky_rt_like(const sky_runtime *rt, uint32_t dom, uint64_t word, uint32_t pattern) {
  char tmp[32];
  const char *s;
  size_t len;
  sky_rt_string(rt, dom, word, tmp, &s, &len);
  const sky_literal *p = &rt->plan->literals[pattern];
  return sky_like_match(s, len, p->str, p->len);
}

/* Bytes in the UTF-8 character starting with byte c (1 for stray bytes). */
static size_t utf8_char_len(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

bool sky_like_match(const char *s, size_t slen, const char *p, size_t plen) {
  /* Greedy matching with backtracking to the last '%': linear for patterns
   * with one '%', O(n*m) worst case, never exponential. */
  size_t si = 0, pi = 0, star_p = SIZE_MAX, star_s = 0;
  while (si < slen) {
    if (pi < plen && p[pi] == '%') {
      star_p = ++pi;
      star_s = si;
    } else if (pi < plen && p[pi] == '_') {
      si += utf8_char_len((unsigned char)s[si]);
      pi++;
    } else if (pi < plen && p[pi] == s[si]) {
      si++;
      pi++;
    } else if (star_p != SIZE_MAX) {
      star_s += utf8_char_len((unsigned char)s[star_s]);
      si = star_s;
      pi = star_p;
    } else {
      return false;
    }
  }
  if (si > slen) return false; /* '_' ran past a truncated character */
  while (pi < plen && p[pi] == '%') pi++;
  return pi == plen;
}
