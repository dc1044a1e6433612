/* rq_data.c — random datasets for the random-query checker, and their
 * written forms (CREATE TABLE, INSERT statements, CSV and NDJSON files).
 *
 * A dataset is a list of events in arrival order, split into load batches;
 * one in ten is larger (up to 40 objects, some with hundreds of events).
 * It is built to hit the edges the language defines: equal timestamps
 * (arrival order decides path order), gaps of exactly the session duration
 * and of 1 µs more, UTC day/week/month/year boundaries, object ids near
 * 2^63 and 2^64-1, NULLs everywhere, strings with '', non-ASCII bytes, a
 * comma, quotes and LIKE metacharacters, FLOATs that are multiples of 0.25
 * (so any summation order is exact) and small INTs (no overflow).
 * Rendering is deterministic in (dataset, batch): a mismatch report prints
 * exactly what was loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random/rq.h"
#include "storage/storage.h"

const rq_prop rq_props[RQ_N_PROPS] = {
    [RQ_P_S1] = {"s1", true, RQ_STR},    [RQ_P_S2] = {"s2", true, RQ_INT},
    [RQ_P_SB] = {"sb", true, RQ_BOOL},   [RQ_P_SF] = {"sf", true, RQ_FLOAT},
    [RQ_P_E1] = {"e1", false, RQ_STR},   [RQ_P_EF] = {"ef", false, RQ_FLOAT},
    [RQ_P_EI] = {"ei", false, RQ_INT},   [RQ_P_EB] = {"eb", false, RQ_BOOL},
};

const char *const rq_string_pool[] = {
    "", "a", "ab", "b", "pro", "free", "Zürich", "東京", "x,y", "He said \"hi\"", "it's", "a%b", "a_b", " lead", "Z",
    /* equal 8- and 16-byte prefixes, and a string longer than any inline buffer */
    "abcdefgh1", "abcdefgh2", "abcdefghijklmnop", "abcdefghijklmnoq", "a longer string of thirty-six bytes", "ä",
};
const size_t rq_string_pool_len = sizeof rq_string_pool / sizeof *rq_string_pool;

const char *const rq_action_pool[] = {"view", "click", "purchase", "add_to_cart", "signup", "café"};
const size_t rq_action_pool_len = sizeof rq_action_pool / sizeof *rq_action_pool;

/* Session gaps the data is built around (µs). */
static const int64_t session_gaps[] = {30 * RQ_US_PER_MIN, 90 * RQ_US_PER_SEC, RQ_US_PER_HOUR, 10 * RQ_US_PER_SEC,
                                       500000, RQ_US_PER_DAY};

#define TS_MIN (rq_utc(0, 1, 1, 0, 0, 0))
#define TS_MAX (rq_utc(9999, 12, 31, 23, 59, 59) + 999999)

static int64_t anchor(rq_rng *r) {
  if (rq_chance(r, 6)) { /* before the epoch, and the edges of years 0000-9999 */
    switch (rq_below(r, 4)) {
    case 0: return rq_utc(1969, 12, 31, 23, 30, 0);
    case 1: return rq_utc(1900, 2, 28, 23, 0, 0);
    case 2: return TS_MIN + rq_range(r, 0, 2) * RQ_US_PER_HOUR;
    default: return TS_MAX - rq_range(r, 0, 2) * RQ_US_PER_HOUR;
    }
  }
  switch (rq_below(r, 7)) {
  case 0: return rq_utc(2026, 3, 1, 0, 0, 0);   /* month edge, a Sunday */
  case 1: return rq_utc(2026, 3, 2, 0, 0, 0);   /* Monday: week edge */
  case 2: return rq_utc(2026, 2, 28, 23, 0, 0); /* just before the month edge */
  case 3: return rq_utc(2025, 12, 31, 23, 59, 0); /* year edge */
  case 4: return rq_utc(2026, 3, 31, 23, 30, 0); /* March → April */
  case 5: return rq_utc(2024, 2, 29, 12, 0, 0);  /* a leap day */
  default: return rq_utc(2026, 3, 8, 23, 59, 59); /* Sunday night → Monday */
  }
}

static int64_t next_gap(rq_rng *r, int64_t sess) {
  switch (rq_below(r, 20)) {
  case 0: case 1: case 2: return 0;
  case 3: case 4: case 5: return sess;
  case 6: case 7: case 8: return sess + 1;
  case 9: return sess - 1;
  case 10: return 1;
  case 11: case 12: case 13: return rq_range(r, 1, sess / 2 + 1);
  case 14: case 15: return rq_range(r, 1, 4) * RQ_US_PER_HOUR;
  case 16: return rq_range(r, 1, 3) * RQ_US_PER_DAY + rq_range(r, 0, 1000);
  default: return rq_range(r, 1, 60) * RQ_US_PER_SEC;
  }
}

static uint64_t pick_object_id(rq_rng *r) {
  switch (rq_below(r, 6)) {
  case 0: return UINT64_MAX - rq_below(r, 3);
  case 1: return (UINT64_C(1) << 63) - 1 + rq_below(r, 3);
  default: return 1 + rq_below(r, 60);
  }
}

static void generate_expiry(rq_dataset *ds, uint64_t seed);

/* SKY_RQ_ONE_LOAD (streamed scans): the small ids 1..1000 become the 1st,
 * 2nd, ... ids of object 1's partition, keeping their order, so that one
 * partition holds many objects and slices hold several (the huge edge ids
 * stay as they are). */
static uint64_t same_partition_id(uint64_t id) {
  if (id > 1000) return id;
  uint32_t part = sky_partition_of(1);
  uint64_t c = 0;
  for (uint64_t k = 0; k < id;)
    if (sky_partition_of(++c) == part) k++;
  return c;
}

static rq_val random_value(rq_rng *r, rq_type t) {
  switch (t) {
  case RQ_STR: {
    const char *s = rq_string_pool[rq_below(r, rq_string_pool_len)];
    return rq_str(s, strlen(s));
  }
  case RQ_INT: return rq_int(rq_chance(r, 15) ? 0 : rq_range(r, -20, 20));
  case RQ_FLOAT: return rq_float(rq_chance(r, 10) ? 0.0 : (double)rq_range(r, -400, 400) * 0.25);
  case RQ_BOOL: return rq_bool(rq_chance(r, 50));
  default: return rq_null();
  }
}

static void random_payload(rq_rng *r, rq_event *e) {
  e->action = rq_null();
  if (!rq_chance(r, 20)) {
    const char *a = rq_action_pool[rq_below(r, rq_action_pool_len)];
    e->action = rq_str(a, strlen(a));
  }
  bool any = e->action.t != RQ_NULL;
  unsigned pct_null = 35 + (unsigned)rq_below(r, 40);
  for (int p = 0; p < RQ_N_PROPS; p++) {
    e->v[p] = rq_chance(r, pct_null) ? rq_null() : random_value(r, rq_props[p].type);
    any = any || e->v[p].t != RQ_NULL;
  }
  if (!any) { /* an event must carry an action or a property */
    int p = (int)rq_below(r, RQ_N_PROPS);
    e->v[p] = random_value(r, rq_props[p].type);
  }
}

static void add_event(rq_dataset *ds, size_t *cap, const rq_event *e) {
  if (ds->n_ev == *cap) {
    *cap = *cap ? *cap * 2 : 64;
    ds->ev = realloc(ds->ev, *cap * sizeof *ds->ev);
    if (!ds->ev) abort();
  }
  ds->ev[ds->n_ev++] = *e;
}

static void generate_object(rq_rng *r, rq_dataset *ds, size_t *cap, uint64_t id, bool large) {
  int n = rq_chance(r, 10) ? 0 : (int)rq_range(r, 1, large ? 60 : rq_chance(r, 30) ? 40 : 12);
  if (large && rq_chance(r, 15)) n = (int)rq_range(r, 120, 300); /* across storage blocks of 128 rows */
  int64_t ts = anchor(r) + rq_range(r, -3, 3) * ds->session_us + (rq_chance(r, 50) ? rq_range(r, -999999, 999999) : 0);
  for (int i = 0; i < n; i++) {
    rq_event e;
    memset(&e, 0, sizeof e);
    e.obj = id;
    if (i > 0) ts += rq_chance(r, 8) ? anchor(r) - ts - rq_range(r, 0, 1) : next_gap(r, ds->session_us);
    ts = ts < TS_MIN ? TS_MIN : ts > TS_MAX ? TS_MAX : ts; /* stored timestamps are years 0000-9999 */
    e.ts = ts;
    e.ts_style = rq_chance(r, 70) ? 0 : (uint8_t)(1 + rq_below(r, 127));
    random_payload(r, &e);
    add_event(ds, cap, &e);
  }
}

void rq_dataset_generate(rq_dataset *ds, uint64_t seed) {
  rq_rng r;
  rq_rng_seed(&r, seed);
  memset(ds, 0, sizeof *ds);
  ds->seed = seed;
  ds->session_us = session_gaps[rq_below(&r, sizeof session_gaps / sizeof *session_gaps)];
  size_t cap = 0;
  /* One dataset in ten is larger: more groups, fuller partitions. */
  bool large = rq_chance(&r, 10);
  int n_objs = (int)rq_range(&r, 1, large ? 40 : 12);
  uint64_t ids[40];
  for (int k = 0; k < n_objs; k++) {
    uint64_t id;
    bool dup;
    do {
      id = pick_object_id(&r);
      dup = false;
      for (int j = 0; j < k; j++) dup = dup || ids[j] == id;
    } while (dup);
    ids[k] = id;
    generate_object(&r, ds, &cap, id, large);
  }
  /* Arrival order: a random permutation, so equal timestamps of one object
   * arrive in any order and across batches. */
  for (size_t i = ds->n_ev; i > 1; i--) {
    size_t j = rq_below(&r, i);
    rq_event t = ds->ev[i - 1];
    ds->ev[i - 1] = ds->ev[j];
    ds->ev[j] = t;
  }
  ds->n_batches = (int)rq_range(&r, 1, RQ_MAX_BATCHES - 1);
  for (int k = 0; k < ds->n_batches; k++) ds->method[k] = (rq_load_method)rq_below(&r, 3);
  for (size_t i = 0; i < ds->n_ev; i++) {
    ds->ev[i].seq = (uint32_t)i;
    ds->ev[i].batch = (uint8_t)(ds->n_ev ? i * (size_t)ds->n_batches / ds->n_ev : 0);
  }
  const char *one = getenv("SKY_RQ_ONE_LOAD");
  if (one && *one && strcmp(one, "0") != 0) { /* after the draws: the seed's data does not change */
    ds->n_batches = 1;
    for (size_t i = 0; i < ds->n_ev; i++) {
      ds->ev[i].batch = 0;
      ds->ev[i].obj = same_partition_id(ds->ev[i].obj);
    }
  }
  generate_expiry(ds, seed);
}

static int path_cmp(const void *a, const void *b) {
  const rq_event *x = *(const rq_event *const *)a, *y = *(const rq_event *const *)b;
  if (x->obj != y->obj) return x->obj < y->obj ? -1 : 1;
  if (x->ts != y->ts) return x->ts < y->ts ? -1 : 1;
  return (x->seq > y->seq) - (x->seq < y->seq);
}

const rq_event **rq_path_order(const rq_dataset *ds) {
  const rq_event **order = calloc(ds->n_ev ? ds->n_ev : 1, sizeof *order);
  if (!order) abort();
  for (size_t i = 0; i < ds->n_ev; i++) order[i] = &ds->ev[i];
  qsort(order, ds->n_ev, sizeof *order, path_cmp);
  return order;
}

rq_event *rq_dataset_append(rq_dataset *ds, uint64_t obj, int64_t ts, const char *action) {
  rq_event *ev = realloc(ds->ev, (ds->n_ev + 1) * sizeof *ds->ev);
  if (!ev) abort();
  ds->ev = ev;
  if (ds->n_batches < 1) ds->n_batches = 1;
  rq_event *e = &ds->ev[ds->n_ev];
  memset(e, 0, sizeof *e);
  e->obj = obj;
  e->ts = ts;
  e->action = action ? rq_str(action, strlen(action)) : rq_null();
  e->seq = (uint32_t)ds->n_ev++;
  return e;
}

void rq_dataset_free(rq_dataset *ds) {
  free(ds->ev);
  memset(ds, 0, sizeof *ds);
}

void rq_dataset_subset(rq_dataset *dst, const rq_dataset *src, const bool *keep) {
  *dst = *src;
  dst->ev = malloc((src->n_ev ? src->n_ev : 1) * sizeof *dst->ev);
  if (!dst->ev) abort();
  dst->n_ev = 0;
  for (size_t i = 0; i < src->n_ev; i++)
    if (keep[i]) {
      dst->ev[dst->n_ev] = src->ev[i];
      dst->ev[dst->n_ev].seq = (uint32_t)dst->n_ev;
      dst->n_ev++;
    }
}

/* ---- rendering ------------------------------------------------------------ */

void rq_render_create(rq_buf *b, const rq_dataset *ds) {
  rq_buf_puts(b, "CREATE TABLE t (");
  static const char *const type_names[] = {[RQ_BOOL] = "BOOL", [RQ_INT] = "INT", [RQ_FLOAT] = "FLOAT",
                                           [RQ_STR] = "STRING"};
  for (int p = 0; p < RQ_N_PROPS; p++) {
    rq_buf_printf(b, "%s%s %s %s", p ? ", " : "", rq_props[p].name, rq_props[p].state ? "STATE" : "EVENT",
                  type_names[rq_props[p].type]);
    if (!ds->expires_us[p]) continue;
    rq_buf_printf(b, " EXPIRES AFTER %lld", (long long)ds->expires_us[p]);
    const rq_val *to = &ds->expires_to[p];
    if (to->t == RQ_NULL) continue;
    rq_buf_puts(b, " TO ");
    switch (to->t) {
    case RQ_BOOL: rq_buf_puts(b, to->b ? "TRUE" : "FALSE"); break;
    case RQ_INT: rq_buf_printf(b, "%lld", (long long)to->i); break;
    case RQ_FLOAT: rq_float_text(b, to->f); break;
    default: rq_buf_sql_string(b, to->s, to->len); break;
    }
  }
  rq_buf_puts(b, ")");
}

void rq_carry(const rq_dataset *ds, const rq_event *e, bool first, rq_val *raw, int64_t *set_ts, rq_val *carried) {
  for (int p = 0; p < RQ_N_PROPS; p++) {
    if (first) raw[p] = rq_null(), set_ts[p] = RQ_NEVER_SET;
    if (e->v[p].t != RQ_NULL) raw[p] = e->v[p], set_ts[p] = e->ts;
    /* still valid while ts - set <= d; timestamps are years 0000-9999, so no overflow */
    bool lapsed = raw[p].t != RQ_NULL && ds->expires_us[p] > 0 && e->ts - set_ts[p] > ds->expires_us[p];
    carried[p] = lapsed ? ds->expires_to[p] : raw[p];
  }
}

/* Which STATE properties lapse, after how long, to what: drawn from a
 * generator of its own so that the events of a seed stay as they were.
 * Durations sit on the data's gaps (the session gap, one µs either side
 * of it, 1 µs, seconds, hours) so that reads exactly at s + d and just
 * after happen; a STRING TO is often a string no event carries. */
static void generate_expiry(rq_dataset *ds, uint64_t seed) {
  rq_rng r;
  rq_rng_seed(&r, seed ^ UINT64_C(0x6578706972657321));
  if (rq_chance(&r, 30)) return; /* a table without EXPIRES */
  for (int p = 0; p < RQ_N_PROPS; p++) {
    if (!rq_props[p].state || !rq_chance(&r, 60)) continue;
    int64_t s = ds->session_us;
    int64_t choices[] = {s, s, s + 1, s - 1 > 0 ? s - 1 : 1, 1, rq_range(&r, 1, 60) * RQ_US_PER_SEC, RQ_US_PER_HOUR,
                         2 * RQ_US_PER_DAY};
    ds->expires_us[p] = choices[rq_below(&r, sizeof choices / sizeof *choices)];
    ds->expires_to[p] = rq_null();
    if (rq_chance(&r, 40)) continue;
    if (rq_props[p].type == RQ_STR && rq_chance(&r, 50)) {
      ds->expires_to[p] = rq_str("lapsed", 6); /* in no event: only the TO value */
    } else {
      ds->expires_to[p] = random_value(&r, rq_props[p].type);
    }
  }
}

static void ts_text(rq_buf *b, const rq_event *e, bool quote) {
  if (!e->ts_style) {
    rq_buf_printf(b, "%lld", (long long)e->ts);
    return;
  }
  if (quote) rq_buf_puts(b, "'");
  rq_format_iso(b, e->ts, e->ts_style);
  if (quote) rq_buf_puts(b, "'");
}

/* Column order of a batch: object and timestamp first, then action and the
 * properties in a per-batch order; `cols` gets -1 for action. */
static int batch_columns(const rq_dataset *ds, int k, bool omit_empty, int *cols) {
  rq_rng r;
  rq_rng_seed(&r, ds->seed * 31 + (uint64_t)k);
  int n = 0;
  for (int c = -1; c < RQ_N_PROPS; c++) {
    bool used = !omit_empty;
    for (size_t i = 0; i < ds->n_ev && !used; i++)
      if (ds->ev[i].batch == k) used = c < 0 ? ds->ev[i].action.t != RQ_NULL : ds->ev[i].v[c].t != RQ_NULL;
    if (used) cols[n++] = c;
  }
  for (int i = n; i > 1; i--) {
    int j = (int)rq_below(&r, (uint64_t)i);
    int t = cols[i - 1];
    cols[i - 1] = cols[j];
    cols[j] = t;
  }
  return n;
}

static void sql_value(rq_buf *b, const rq_val *v, int variant) {
  switch (v->t) {
  case RQ_NULL: rq_buf_puts(b, "NULL"); break;
  case RQ_STR: rq_buf_sql_string(b, v->s, v->len); break;
  case RQ_INT: rq_buf_printf(b, "%lld", (long long)v->i); break;
  case RQ_FLOAT: rq_float_text(b, v->f); break;
  case RQ_BOOL: rq_buf_puts(b, v->b ? (variant & 1 ? "true" : "TRUE") : (variant & 1 ? "false" : "FALSE")); break;
  default: break;
  }
}

bool rq_render_insert(rq_buf *b, const rq_dataset *ds, int k) {
  int cols[RQ_N_PROPS + 1];
  int n = batch_columns(ds, k, (ds->seed + (uint64_t)k) % 3 != 0, cols);
  rq_buf_puts(b, "INSERT INTO t (object, timestamp");
  for (int c = 0; c < n; c++) rq_buf_printf(b, ", %s", cols[c] < 0 ? "action" : rq_props[cols[c]].name);
  rq_buf_puts(b, ") VALUES ");
  bool any = false;
  for (size_t i = 0; i < ds->n_ev; i++) {
    const rq_event *e = &ds->ev[i];
    if (e->batch != k) continue;
    rq_buf_printf(b, "%s(%llu, ", any ? ", " : "", (unsigned long long)e->obj);
    ts_text(b, e, true);
    for (int c = 0; c < n; c++) {
      rq_buf_puts(b, ", ");
      sql_value(b, cols[c] < 0 ? &e->action : &e->v[cols[c]], (int)i);
    }
    rq_buf_puts(b, ")");
    any = true;
  }
  return any;
}

static void csv_field(rq_buf *b, const rq_val *v, int variant) {
  static const char *const bools[2][4] = {{"false", "0", "FALSE", "False"}, {"true", "1", "TRUE", "tRuE"}};
  switch (v->t) {
  case RQ_NULL: break; /* an unquoted empty field is NULL */
  case RQ_STR: {
    bool quote = v->len == 0 || memchr(v->s, ',', v->len) || memchr(v->s, '"', v->len) || v->s[0] == ' ' ||
                 (variant % 4 == 0);
    if (!quote) {
      rq_buf_add(b, v->s, v->len);
      break;
    }
    rq_buf_puts(b, "\"");
    for (size_t i = 0; i < v->len; i++) {
      if (v->s[i] == '"') rq_buf_puts(b, "\"");
      rq_buf_add(b, v->s + i, 1);
    }
    rq_buf_puts(b, "\"");
    break;
  }
  case RQ_INT: rq_buf_printf(b, "%lld", (long long)v->i); break;
  case RQ_FLOAT: rq_float_text(b, v->f); break;
  case RQ_BOOL: rq_buf_puts(b, bools[v->b][variant % 4]); break;
  default: break;
  }
}

void rq_render_csv(rq_buf *b, const rq_dataset *ds, int k) {
  int cols[RQ_N_PROPS + 1];
  int n = batch_columns(ds, k, false, cols);
  rq_buf_puts(b, "object,timestamp");
  for (int c = 0; c < n; c++) rq_buf_printf(b, ",%s", cols[c] < 0 ? "action" : rq_props[cols[c]].name);
  rq_buf_puts(b, "\n");
  for (size_t i = 0; i < ds->n_ev; i++) {
    const rq_event *e = &ds->ev[i];
    if (e->batch != k) continue;
    rq_buf_printf(b, "%llu,", (unsigned long long)e->obj);
    ts_text(b, e, false);
    for (int c = 0; c < n; c++) {
      rq_buf_puts(b, ",");
      csv_field(b, cols[c] < 0 ? &e->action : &e->v[cols[c]], (int)(i + (size_t)c));
    }
    rq_buf_puts(b, "\n");
  }
}

static void json_value(rq_buf *b, const rq_val *v) {
  switch (v->t) {
  case RQ_NULL: rq_buf_puts(b, "null"); break;
  case RQ_STR:
    rq_buf_puts(b, "\"");
    for (size_t i = 0; i < v->len; i++) {
      if (v->s[i] == '"' || v->s[i] == '\\') rq_buf_puts(b, "\\");
      rq_buf_add(b, v->s + i, 1);
    }
    rq_buf_puts(b, "\"");
    break;
  case RQ_INT: rq_buf_printf(b, "%lld", (long long)v->i); break;
  case RQ_FLOAT: rq_float_text(b, v->f); break;
  case RQ_BOOL: rq_buf_puts(b, v->b ? "true" : "false"); break;
  default: break;
  }
}

void rq_render_ndjson(rq_buf *b, const rq_dataset *ds, int k) {
  int cols[RQ_N_PROPS + 1];
  int n = batch_columns(ds, k, false, cols);
  for (size_t i = 0; i < ds->n_ev; i++) {
    const rq_event *e = &ds->ev[i];
    if (e->batch != k) continue;
    rq_buf_printf(b, "{\"object\":%llu,\"timestamp\":", (unsigned long long)e->obj);
    if (e->ts_style) rq_buf_puts(b, "\"");
    ts_text(b, e, false);
    if (e->ts_style) rq_buf_puts(b, "\"");
    for (int c = 0; c < n; c++) {
      const rq_val *v = cols[c] < 0 ? &e->action : &e->v[cols[c]];
      if (v->t == RQ_NULL && (i + (size_t)c) % 2) continue; /* missing and null both mean NULL */
      rq_buf_printf(b, ",\"%s\":", cols[c] < 0 ? "action" : rq_props[cols[c]].name);
      json_value(b, v);
    }
    rq_buf_puts(b, "}\n");
  }
}
