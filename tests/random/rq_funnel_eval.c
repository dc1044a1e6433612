/* rq_funnel_eval.c — the brute-force FUNNEL evaluator: the checker's own
 * answer to a funnel, written from PATHS.md §0 and §1 alone.
 *
 * Per object: sort its events by (timestamp, arrival), carry state, cut
 * sessions on all events (a gap > d starts one), then keep the matching
 * events E (WHERE true). For every step-1 event e1 of E, a recursive search
 * walks the chains e1 < e2 < ... explicitly, checking at each extension the
 * step predicate, STRICT adjacency in E, the window ts(e) - ts(e1) <= w, the
 * session, HOLDING equality (NULL = NULL) and every EXCLUDE whose range
 * covers that transition. It records which events end a valid chain of
 * which length. One memo makes it affordable on objects of a few hundred
 * events: whether a chain can continue from (length m, last event x)
 * depends only on e1, m and x, never on e2..e(m-1), so each (m, x) is
 * explored once per e1 — the set of (length, end event) pairs found is
 * exactly the one full enumeration finds. Entries, levels, the reported
 * attempt and every result column then follow the text of §1 literally,
 * by sorting and linear scans. No incremental state, no registers: nothing
 * that resembles the engine's plan.
 *
 * Readings where PATHS.md leaves room (the lead aligns the engine or asks
 * for a change):
 *  R1. E is per session: chains, ANY ORDER windows and EXCLUDE "between"
 *      never cross a session boundary. Sessions are cut on all events
 *      before WHERE (§0). EXCLUDE conditions are tested on matching events
 *      only (E), as §1 says "no matching event satisfying X".
 *  R2. A chain of length 1 is any step-1 event of E (window 0 <= w), so
 *      every step-1 event makes an entry of level >= 1; the entry's key is
 *      (HOLDING values at e1, GROUP BY values at e1); the object and key
 *      make the entry. The level is the maximum over all that entry's e1
 *      in all sessions.
 *  R3. The reported attempt: eL* is the earliest event (path order, across
 *      sessions) ending a valid chain of length L whose e1 has the entry's
 *      key; e1* is the latest such e1 whose chain of length L may end at
 *      eL*; reach(j) is the timestamp of the earliest event ending a valid
 *      chain of length j from e1* (its own prefix window and exclusions
 *      only; it need not lie on a chain to eL*).
 *  R4. EXCLUDE BETWEEN STEP i AND j applies to the transitions m -> m+1
 *      with i <= m < j that a chain has; a chain shorter than j is checked
 *      on the transitions it has. Under STRICT nothing lies between two
 *      steps, so EXCLUDE never invalidates a STRICT chain.
 *  R5. ANY ORDER: start events are events of E satisfying any step; their
 *      level counts distinct steps satisfied by events of E at or after e0
 *      in path order (e0 included), in e0's session, within w of ts(e0).
 *      The entry key is the GROUP BY value at e0. Time columns are NULL.
 *  R6. RETURN STEPS: one set of k rows per key of some entry; with no key
 *      column at all (no HOLDING, no GROUP BY) the k rows always exist.
 *      With key columns and no entry, there are no rows. At step 1:
 *      step_conversion 1.0 (also with 0 objects), median_time 0 and
 *      avg_time 0.0 when objects > 0. conversion and step_conversion are
 *      (double)a / (double)b, NULL when b = 0. avg_time is the double
 *      nearest the exact mean (the generator keeps sums of times below
 *      2^53, where (double)sum / (double)n is that double).
 *  R7. RETURN OBJECTS: one row per entry (an object with two keys has two
 *      rows); `object` is an OBJECT (unsigned), `started`/`converted` INT µs.
 *      REACHED i and DROPPED AFTER i need 1 <= i <= k (else semantic_error);
 *      DROPPED AFTER k lists the entries that converted fully.
 *  R8. RETURN TIMES: time = reach(j) - reach(i) >= 0, bucket = floor(time /
 *      d) * d. FROM STEP i TO STEP j needs 1 <= i < j <= k; without it a
 *      1-step funnel (i = j = 1) is not generated (undecided). Likewise an
 *      EXCLUDE without BETWEEN on a 1-step funnel is not generated.
 *  R9. HAVING and ORDER BY name non-key result columns; `objects` and
 *      `bucket` are reserved words, so they are written as quoted
 *      identifiers ("objects", "bucket"); `object` is written bare.
 *      ORDER BY n is the n-th result column (keys included). NULL sorts
 *      first ascending, last descending; ties keep the default order.
 *  R10. Key column names are the source text of each HOLDING expression,
 *      then each GROUP BY expression; step names the alias or the step's
 *      condition text as written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random/rq_funnel.h"

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) abort();
  return p;
}

/* ---- one object's events ------------------------------------------------------ */

typedef struct fev {
  const rq_event *e;
  int64_t session;
  bool sat[RQF_MAX_STEPS];      /* step i+1 holds */
  bool excl[RQF_MAX_EXCL];      /* EXCLUDE condition holds */
  rq_val key[RQF_MAX_HOLD + RQF_MAX_KEYS]; /* HOLDING values, then GROUP BY values */
} fev;

static bool holds(const rqf_funnel *f, const rq_event *e, const rq_val *carried, const int64_t *set_ts, int64_t session,
                  const rq_node *n) {
  bool overflow = false;
  rq_val v = rq_eval_at(f->q, e, carried, set_ts, session, n, &overflow);
  return v.t == RQ_BOOL && v.b;
}

/* E of one object: its matching events in path order, each with what the
 * search needs. `evs` are the object's events in path order. */
static fev *matching_events(const rq_dataset *ds, const rqf_funnel *f, const rq_event **evs, size_t n,
                            size_t *n_out) {
  fev *out = xcalloc(n, sizeof *out);
  size_t m = 0;
  rq_val carried[RQ_N_PROPS], raw[RQ_N_PROPS];
  int64_t set_ts[RQ_N_PROPS];
  int64_t session = 0;
  for (size_t i = 0; i < n; i++) {
    const rq_event *e = evs[i];
    rq_carry(ds, e, i == 0, raw, set_ts, carried); /* lapsed states read their TO value */
    if (i > 0 && f->has_session && e->ts - evs[i - 1]->ts > f->session_us) session++;
    if (f->where && !holds(f, e, carried, set_ts, session, f->where)) continue;
    fev *x = &out[m++];
    x->e = e;
    x->session = session;
    for (int s = 0; s < f->n_steps; s++) x->sat[s] = holds(f, e, carried, set_ts, session, f->step[s]);
    for (int c = 0; c < f->n_excl; c++) x->excl[c] = holds(f, e, carried, set_ts, session, f->excl[c].cond);
    bool overflow = false;
    for (int h = 0; h < f->n_hold; h++) x->key[h] = rq_eval_at(f->q, e, carried, set_ts, session, f->hold[h], &overflow);
    for (int k = 0; k < f->n_keys; k++)
      x->key[f->n_hold + k] = rq_eval_at(f->q, e, carried, set_ts, session, f->keys[k], &overflow);
  }
  *n_out = m;
  return out;
}

static bool same_vals(const rq_val *a, const rq_val *b, int n) {
  for (int i = 0; i < n; i++)
    if (!rq_val_same(&a[i], &b[i])) return false;
  return true;
}

/* ---- chains ---------------------------------------------------------------------- */

typedef struct search {
  const rqf_funnel *f;
  const fev *E;
  size_t n;
  size_t e1;     /* index of the chain's first event in E */
  bool *ends;    /* ends[m * n + x]: x ends a valid chain of length m from e1 */
} search;

/* Is there an event of E satisfying some EXCLUDE that covers transition
 * m -> m+1 (1-based m) strictly between E[x] and E[y]? */
static bool excluded(const search *s, int m, size_t x, size_t y) {
  for (int c = 0; c < s->f->n_excl; c++) {
    const rqf_exclude *ex = &s->f->excl[c];
    if (m < ex->i || m >= ex->j) continue;
    for (size_t z = x + 1; z < y; z++)
      if (s->E[z].excl[c]) return true;
  }
  return false;
}

/* The chain so far has length m and ends at E[x]; try every next step. */
static void extend(search *s, int m, size_t x) {
  if (s->ends[(size_t)m * s->n + x] && !s->f->exhaustive) return; /* explored from here already (file comment) */
  s->ends[(size_t)m * s->n + x] = true;
  if (m == s->f->n_steps) return;
  const fev *first = &s->E[s->e1];
  for (size_t y = x + 1; y < s->n; y++) {
    const fev *ev = &s->E[y];
    if (ev->session != first->session) break;
    if (ev->e->ts - first->e->ts > s->f->within_us) break; /* path order: later events are later */
    if (s->f->order == RQF_STRICT && y != x + 1) break;
    if (!ev->sat[m]) continue;
    if (!same_vals(ev->key, first->key, s->f->n_hold)) continue;
    if (excluded(s, m, x, y)) continue;
    extend(s, m + 1, y);
  }
}

/* ANY ORDER: the distinct steps satisfied from E[i0] on, within w, in its session. */
static int any_order_level(const rqf_funnel *f, const fev *E, size_t n, size_t i0) {
  bool seen[RQF_MAX_STEPS] = {false};
  for (size_t y = i0; y < n && E[y].session == E[i0].session && E[y].e->ts - E[i0].e->ts <= f->within_us; y++)
    for (int s = 0; s < f->n_steps; s++) seen[s] = seen[s] || E[y].sat[s];
  int level = 0;
  for (int s = 0; s < f->n_steps; s++) level += seen[s];
  return level;
}

/* ---- entries ------------------------------------------------------------------- */

typedef struct entries {
  rqf_entry *v;
  size_t n, cap;
} entries;

static rqf_entry *new_entry(entries *es) {
  if (es->n == es->cap) {
    es->cap = es->cap ? es->cap * 2 : 16;
    es->v = realloc(es->v, es->cap * sizeof *es->v);
    if (!es->v) abort();
  }
  rqf_entry *x = &es->v[es->n++];
  memset(x, 0, sizeof *x);
  return x;
}

static int first_end(const bool *ends, size_t n, int m) {
  for (size_t x = 0; x < n; x++)
    if (ends[(size_t)m * n + x]) return (int)x;
  return -1;
}

/* The entries of one object, from its matching events E. */
static void object_entries(const rqf_funnel *f, const fev *E, size_t n, entries *es) {
  int k = f->n_steps, nk = f->n_hold + f->n_keys;
  bool any = f->order == RQF_ANY;
  size_t plane = (size_t)(k + 1) * n;
  bool *ends = xcalloc(plane * n, sizeof *ends); /* per start index: its ends[] */
  int *level = xcalloc(n, sizeof *level);
  bool *start = xcalloc(n, sizeof *start);
  for (size_t a = 0; a < n; a++) {
    bool is_start = E[a].sat[0];
    for (int s = 1; any && s < k; s++) is_start = is_start || E[a].sat[s];
    if (!is_start) continue;
    start[a] = true;
    if (any) {
      level[a] = any_order_level(f, E, n, a);
      continue;
    }
    search s = {.f = f, .E = E, .n = n, .e1 = a, .ends = ends + a * plane};
    extend(&s, 1, a);
    for (int m = 1; m <= k; m++)
      if (first_end(s.ends, n, m) >= 0) level[a] = m;
  }
  bool *done = xcalloc(n, sizeof *done);
  for (size_t a = 0; a < n; a++) {
    if (!start[a] || done[a]) continue;
    /* The entry of E[a]'s key: every start with the same key. */
    rqf_entry *x = new_entry(es);
    x->obj = E[a].e->obj;
    memcpy(x->key, E[a].key, (size_t)nk * sizeof *x->key);
    for (size_t b = a; b < n; b++)
      if (start[b] && same_vals(E[b].key, E[a].key, nk)) {
        done[b] = true;
        if (level[b] > x->level) x->level = level[b];
      }
    if (any) continue;
    int L = x->level, eL = -1;
    for (size_t b = a; b < n; b++)
      if (start[b] && same_vals(E[b].key, E[a].key, nk)) {
        int e = first_end(ends + b * plane, n, L);
        if (e >= 0 && (eL < 0 || e < eL)) eL = e;
      }
    size_t e1 = a;
    for (size_t b = a; b < n; b++)
      if (start[b] && same_vals(E[b].key, E[a].key, nk) && ends[b * plane + (size_t)L * n + (size_t)eL]) e1 = b;
    for (int j = 1; j <= L; j++) x->reach[j] = E[first_end(ends + e1 * plane, n, j)].e->ts;
  }
  free(done);
  free(start);
  free(level);
  free(ends);
}

static int nk_of(const rqf_funnel *f) { return f->n_hold + f->n_keys; }

static const rqf_funnel *sort_funnel; /* qsort has no context argument: set around each sort only */

static int by_key_object(const void *a, const void *b) {
  const rqf_entry *x = a, *y = b;
  for (int i = 0; i < nk_of(sort_funnel); i++) {
    int c = rq_val_cmp(&x->key[i], &y->key[i]);
    if (c) return c;
  }
  return (x->obj > y->obj) - (x->obj < y->obj);
}

rqf_entry *rqf_entries(const rq_dataset *ds, const rqf_funnel *f, size_t *n_out) {
  const rq_event **order = rq_path_order(ds);
  entries es = {0};
  for (size_t i = 0; i < ds->n_ev;) {
    size_t j = i;
    while (j < ds->n_ev && order[j]->obj == order[i]->obj) j++;
    size_t n;
    fev *E = matching_events(ds, f, order + i, j - i, &n);
    object_entries(f, E, n, &es);
    free(E);
    i = j;
  }
  free(order);
  sort_funnel = f;
  if (es.n) qsort(es.v, es.n, sizeof *es.v, by_key_object);
  sort_funnel = NULL;
  *n_out = es.n;
  return es.v;
}

/* ---- result columns ------------------------------------------------------------ */

static void add_col(rqf_answer *a, const char *name, bool is_float) {
  snprintf(a->names[a->n_cols], sizeof a->names[a->n_cols], "%s", name);
  a->is_float[a->n_cols++] = is_float;
}

void rqf_columns(const rqf_funnel *f, rqf_answer *out) {
  memset(out, 0, sizeof *out);
  out->name_col = -1;
  rq_buf b;
  rq_buf_init(&b);
  for (int i = 0; i < f->n_hold + f->n_keys; i++) {
    rq_buf_reset(&b);
    rq_node_render(&b, f->q, i < f->n_hold ? f->hold[i] : f->keys[i - f->n_hold]);
    add_col(out, b.data, false);
  }
  rq_buf_free(&b);
  switch (f->ret) {
  case RQF_STEPS:
    add_col(out, "step", false), add_col(out, "name", false), add_col(out, "objects", false);
    out->name_col = out->n_cols - 2;
    out->n_names = f->n_steps;
    out->step_names = xcalloc((size_t)f->n_steps, sizeof *out->step_names);
    for (int i = 0; i < f->n_steps; i++) {
      rq_buf_init(&b);
      rqf_step_text(&b, f, i);
      out->step_names[i] = b.data; /* the buffer's storage becomes the name */
    }
    add_col(out, "conversion", true), add_col(out, "step_conversion", true), add_col(out, "median_time", false);
    add_col(out, "avg_time", true), add_col(out, "median_step_time", false);
    break;
  case RQF_OBJECTS:
    add_col(out, "object", false), add_col(out, "level", false), add_col(out, "started", false);
    add_col(out, "converted", false);
    break;
  case RQF_TIMES: add_col(out, "bucket", false), add_col(out, "objects", false); break;
  }
}

/* ---- rows ------------------------------------------------------------------------ */

typedef struct rows {
  rqf_answer *a;
  size_t cap;
} rows;

static rq_val *new_row(rows *r) { return rq_rows_add(&r->a->cells, &r->a->n_rows, &r->cap, r->a->n_cols); }

static int by_int(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static rq_val lower_median(int64_t *v, size_t n) {
  if (!n) return rq_null();
  qsort(v, n, sizeof *v, by_int);
  return rq_int(v[(n - 1) / 2]);
}

static rq_val ratio(int64_t a, int64_t b) { return b == 0 ? rq_null() : rq_float((double)a / (double)b); }

/* The k rows of one group: entries es[lo..hi) share its key (or there are
 * none and `key` is NULL-free and empty). */
static void step_rows(const rqf_funnel *f, const rqf_entry *es, size_t lo, size_t hi, rows *out) {
  int nk = nk_of(f), k = f->n_steps;
  int64_t *t = xcalloc(hi - lo, sizeof *t), *dt = xcalloc(hi - lo, sizeof *dt);
  int64_t prev_objects = 0, first_objects = 0;
  for (int s = 1; s <= k; s++) {
    rq_val *row = new_row(out);
    for (int i = 0; i < nk; i++) row[i] = es[lo].key[i];
    size_t n = 0;
    __int128 sum = 0;
    for (size_t e = lo; e < hi; e++)
      if (es[e].level >= s) {
        t[n] = es[e].reach[s] - es[e].reach[1];
        dt[n] = s > 1 ? es[e].reach[s] - es[e].reach[s - 1] : 0;
        sum += t[n];
        n++;
      }
    if (s == 1) first_objects = (int64_t)n;
    row[nk] = rq_int(s);
    row[nk + 1] = rq_int(s); /* the name: see rqf_answer */
    row[nk + 2] = rq_int((int64_t)n);
    row[nk + 3] = ratio((int64_t)n, first_objects);
    row[nk + 4] = s == 1 ? rq_float(1.0) : ratio((int64_t)n, prev_objects);
    if (n && f->order != RQF_ANY) {
      row[nk + 5] = lower_median(t, n);
      /* Below 2^53 both operands are exact and the division rounds once
       * (R6); beyond, long double keeps the error far below a ulp. */
      row[nk + 6] = sum < ((__int128)1 << 53) ? rq_float((double)(int64_t)sum / (double)n)
                                              : rq_float((double)((long double)sum / (long double)n));
      row[nk + 7] = s > 1 ? lower_median(dt, n) : rq_null();
    }
    prev_objects = (int64_t)n;
  }
  free(t);
  free(dt);
}

static void steps_result(const rqf_funnel *f, const rqf_entry *es, size_t n, rows *out) {
  int nk = nk_of(f);
  if (nk == 0) {
    step_rows(f, es, 0, n, out);
    return;
  }
  for (size_t lo = 0; lo < n;) {
    size_t hi = lo;
    while (hi < n && same_vals(es[hi].key, es[lo].key, nk)) hi++;
    step_rows(f, es, lo, hi, out);
    lo = hi;
  }
}

static void objects_result(const rqf_funnel *f, const rqf_entry *es, size_t n, rows *out) {
  int nk = nk_of(f);
  for (size_t e = 0; e < n; e++) {
    int L = es[e].level;
    if (f->filter == RQF_REACHED && L < f->filter_step) continue;
    if (f->filter == RQF_DROPPED && L != f->filter_step) continue;
    rq_val *row = new_row(out);
    for (int i = 0; i < nk; i++) row[i] = es[e].key[i];
    row[nk] = rq_obj(es[e].obj);
    row[nk + 1] = rq_int(L);
    row[nk + 2] = rq_int(es[e].reach[1]);
    row[nk + 3] = rq_int(es[e].reach[L]);
  }
}

static void times_result(const rqf_funnel *f, const rqf_entry *es, size_t n, rows *out) {
  int nk = nk_of(f), i = f->times_i, j = f->times_j;
  int64_t *b = xcalloc(n, sizeof *b);
  for (size_t lo = 0; lo < n;) {
    size_t hi = lo, m = 0;
    while (hi < n && same_vals(es[hi].key, es[lo].key, nk)) hi++;
    for (size_t e = lo; e < hi; e++)
      if (es[e].level >= j) {
        int64_t t = es[e].reach[j] - es[e].reach[i];
        b[m++] = rq_floor_div(t, f->bucket_us) * f->bucket_us;
      }
    qsort(b, m, sizeof *b, by_int);
    for (size_t x = 0; x < m;) {
      size_t y = x;
      while (y < m && b[y] == b[x]) y++;
      rq_val *row = new_row(out);
      for (int c = 0; c < nk; c++) row[c] = es[lo].key[c];
      row[nk] = rq_int(b[x]);
      row[nk + 1] = rq_int((int64_t)(y - x));
      x = y;
    }
    lo = hi;
  }
  free(b);
}

void rqf_evaluate(const rq_dataset *ds, const rqf_funnel *f, rqf_answer *out) {
  rqf_columns(f, out);
  size_t n;
  rqf_entry *es = rqf_entries(ds, f, &n);
  rows r = {.a = out};
  switch (f->ret) {
  case RQF_STEPS: steps_result(f, es, n, &r); break;
  case RQF_OBJECTS: objects_result(f, es, n, &r); break;
  case RQF_TIMES: times_result(f, es, n, &r); break;
  }
  free(es);
  rq_tail_apply(&f->tail, out->n_cols, &out->cells, &out->n_rows);
}

void rqf_answer_free(rqf_answer *a) {
  free(a->cells);
  for (int i = 0; i < a->n_names; i++) free(a->step_names[i]);
  free(a->step_names);
  a->cells = NULL;
  a->step_names = NULL;
  a->n_rows = 0;
  a->n_names = 0;
}

void rqf_answer_print(rq_buf *b, const rqf_answer *a) {
  rq_buf_puts(b, "{\"columns\":[");
  for (int i = 0; i < a->n_cols; i++) {
    if (i) rq_buf_puts(b, ",");
    rq_buf_json_text(b, a->names[i], strlen(a->names[i]));
  }
  rq_buf_puts(b, "],\"rows\":[");
  for (size_t r = 0; r < a->n_rows; r++) {
    rq_buf_puts(b, r ? ",[" : "[");
    for (int i = 0; i < a->n_cols; i++) {
      if (i) rq_buf_puts(b, ",");
      const rq_val *v = &a->cells[r * (size_t)a->n_cols + (size_t)i];
      if (i == a->name_col)
        rq_buf_json_text(b, a->step_names[v->i - 1], strlen(a->step_names[v->i - 1]));
      else
        rq_val_print(b, v);
    }
    rq_buf_puts(b, "]");
  }
  rq_buf_puts(b, "]}");
}
