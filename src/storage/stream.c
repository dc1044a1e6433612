/* stream.c — streaming partition reads (stream.h): a single-source
 * partition decoded slice by slice, straight from the mapped segment into
 * buffers sized for a slice, so a scan's memory no longer grows with the
 * table and nothing is left in the decoded cache.
 *
 * Every column of a section can be decoded incrementally: PFor works in
 * blocks of 128 values, so a cursor decodes one block at a time (pcur);
 * when two PFor runs share a block (OBJECTS: ids then counts; TS: firsts
 * then deltas; SPARSE presence then values) the second one's start is found
 * once, at open, by decoding past the first. Bit-packed columns (ACTION,
 * BITMAP presence, BOOL values) and raw doubles are read at any offset.
 *
 * The checks of the whole-section decoders (segment_read.c) are all made:
 * checksums at open, ids ascending, counts adding up, dictionary codes in
 * range, and every run ending exactly at its block's end (checked after the
 * last slice), so a malformed block is an io_error naming the file.
 */
#include "storage/stream.h"

#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/crc32c.h"
#include "common/error.h"
#include "storage/codec.h"
#include "storage/part.h"
#include "storage/table_int.h"

/* ---- PFor cursor ---------------------------------------------------------- */

typedef struct pcur {
  sky_rd r;
  uint64_t left;    /* values not yet decoded */
  uint32_t len, at; /* the decoded block and the next value in it */
  uint64_t buf[SKY_PFOR_BLOCK];
} pcur;

static void pcur_init(pcur *c, const sky_rd *r, uint64_t n) {
  c->r = *r;
  c->left = n;
  c->len = c->at = 0;
}

static int pcur_fill(pcur *c) {
  uint32_t m = c->left < SKY_PFOR_BLOCK ? (uint32_t)c->left : SKY_PFOR_BLOCK;
  if (m == 0 || sky_pfor_decode(&c->r, c->buf, m) != 0) return -1;
  c->left -= m;
  c->len = m;
  c->at = 0;
  return 0;
}

static inline int pcur_peek(pcur *c, uint64_t *v) {
  if (c->at == c->len && pcur_fill(c) != 0) return -1;
  *v = c->buf[c->at];
  return 0;
}

static inline int pcur_next(pcur *c, uint64_t *v) {
  if (pcur_peek(c, v) != 0) return -1;
  c->at++;
  return 0;
}

/* The next n values into out. */
static int pcur_take(pcur *c, uint64_t *out, uint64_t n) {
  while (n) {
    if (c->at == c->len && pcur_fill(c) != 0) return -1;
    uint64_t k = c->len - c->at < n ? c->len - c->at : n;
    memcpy(out, c->buf + c->at, k * sizeof *out);
    c->at += (uint32_t)k;
    out += k;
    n -= k;
  }
  return 0;
}

/* Every value consumed and the run ends at `end`. */
static bool pcur_done(const pcur *c, const uint8_t *end) { return c->left == 0 && c->at == c->len && c->r.p == end; }

/* Advances r past a PFor run of n values. */
static int pfor_skip(sky_rd *r, uint64_t n) {
  uint64_t tmp[SKY_PFOR_BLOCK];
  while (n) {
    uint32_t m = n < SKY_PFOR_BLOCK ? (uint32_t)n : SKY_PFOR_BLOCK;
    if (sky_pfor_decode(r, tmp, m) != 0) return -1;
    n -= m;
  }
  return 0;
}

/* Values [start, start + n) of a bitpack of width w <= 32 (nbytes long). */
static void unpack_range32(const uint8_t *p, size_t nbytes, uint64_t start, size_t n, unsigned w, uint32_t *out) {
  if (w == 0) {
    memset(out, 0, n * sizeof *out);
    return;
  }
  uint64_t mask = (UINT64_C(1) << w) - 1, bit = start * w;
  for (size_t i = 0; i < n; i++, bit += w) {
    size_t byte = (size_t)(bit >> 3);
    uint64_t x = 0;
    if (byte + 8 <= nbytes) {
      memcpy(&x, p + byte, 8);
    } else {
      for (size_t k = 0; byte + k < nbytes; k++) x |= (uint64_t)p[byte + k] << (8 * k);
    }
    out[i] = (uint32_t)((x >> (bit & 7)) & mask);
  }
}

static inline uint8_t bit_at(const uint8_t *bits, uint64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }

/* ---- the stream ------------------------------------------------------------ */

static const double k_pow10[10] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

enum { VAL_PFOR_INT, VAL_PFOR_STRING, VAL_PFOR_DEC, VAL_RAW_FLOAT, VAL_BITS };

typedef struct scol {
  uint32_t prop;
  sky_prop_type type;
  size_t w;
  bool absent; /* no block: NULL everywhere */
  uint32_t dict_limit;
  const uint8_t *end; /* of the block */
  /* presence */
  uint8_t pmode;
  const uint8_t *bitmap;
  pcur gaps;         /* SPARSE */
  uint64_t next_pos; /* SPARSE: index of the next present event, UINT64_MAX when none is left */
  /* values */
  int vmode;
  uint64_t n_values, v_at; /* values in the block, values consumed */
  uint64_t vmin;
  unsigned scale;
  const uint8_t *raw; /* VAL_RAW_FLOAT doubles, VAL_BITS bits */
  pcur vals;
  /* slice buffers */
  void *out_vals;
  uint8_t *out_pres;
  uint32_t *out_pos;
} scol;

struct sky_pstream {
  const sky_segment *seg;
  const sky_section *sec;
  uint64_t slice_events;
  uint64_t obj_done, ev_done; /* consumed before the next slice */
  uint64_t prev_id;
  /* OBJECTS */
  pcur ids, counts;
  const uint8_t *ids_end, *obj_end;
  /* TS */
  bool want_ts;
  pcur firsts, deltas;
  const uint8_t *firsts_end, *ts_end;
  uint64_t prev_first;
  /* ACTION */
  bool want_action, have_action;
  unsigned action_w;
  const uint8_t *action_bits;
  size_t action_bytes;
  uint32_t action_limit;
  /* properties */
  uint32_t n_cols;
  scol *cols;
  uint32_t n_props; /* of the schema: the chunk's cols array */
  sky_chunk_col *chunk_cols;
  /* slice buffers: objects up to obj_cap, events up to ev_cap */
  uint64_t obj_cap, ev_cap;
  uint64_t *obj_id, *obj_start;
  int64_t *ts;
  uint32_t *action;
  uint64_t *scratch; /* [ev_cap] decoded values before they are placed */
};

static int corrupt(const sky_pstream *ps, uint32_t col, const char *what, sky_error *err) {
  return sky_seg_corrupt(ps->seg, ps->sec, col, what, err);
}

void sky_pstream_close(sky_pstream *ps) {
  if (!ps) return;
  for (uint32_t i = 0; i < ps->n_cols; i++) {
    sky_afree(ps->cols[i].out_vals);
    sky_afree(ps->cols[i].out_pres);
    sky_afree(ps->cols[i].out_pos);
  }
  sky_free(ps->cols);
  sky_free(ps->chunk_cols);
  sky_afree(ps->obj_id);
  sky_afree(ps->obj_start);
  sky_afree(ps->ts);
  sky_afree(ps->action);
  sky_afree(ps->scratch);
  sky_free(ps);
}

/* The checked bytes of block `col`; *have = false when the section has none. */
static int open_block(const sky_pstream *ps, uint32_t col, sky_rd *r, bool *have, sky_error *err) {
  *have = false;
  for (uint32_t b = 0; b < ps->sec->n_blocks; b++) {
    const sky_block_ref *br = &ps->sec->blocks[b];
    if (br->col != col) continue;
    const uint8_t *p = ps->seg->map + br->off;
    if (sky_crc32c(0, p, (size_t)br->len) != br->crc) return corrupt(ps, col, "checksum mismatch", err);
    sky_rd_init(r, p, (size_t)br->len);
    *have = true;
    return 0;
  }
  return 0;
}

/* Two PFor runs back to back filling block `col`: cursors on both. */
static int open_two_runs(sky_pstream *ps, uint32_t col, uint64_t n1, uint64_t n2, pcur *c1, pcur *c2,
                         const uint8_t **mid, const uint8_t **end, sky_error *err) {
  sky_rd r;
  bool have;
  if (open_block(ps, col, &r, &have, err) != 0) return -1;
  if (!have) return corrupt(ps, col, "block missing", err);
  pcur_init(c1, &r, n1);
  if (pfor_skip(&r, n1) != 0) return corrupt(ps, col, "malformed block", err);
  *mid = r.p;
  *end = r.end;
  pcur_init(c2, &r, n2);
  return 0;
}

static int open_action(sky_pstream *ps, const uint32_t *dict_limit, sky_error *err) {
  sky_rd r;
  if (open_block(ps, SKY_COL_ACTION, &r, &ps->have_action, err) != 0) return -1;
  ps->action_limit = dict_limit[0];
  if (!ps->have_action) return 0;
  ps->action_w = sky_rd_u8(&r);
  uint64_t n = ps->sec->n_events;
  if (r.bad || ps->action_w > 32 || (size_t)(r.end - r.p) != (n * ps->action_w + 7) / 8)
    return corrupt(ps, SKY_COL_ACTION, "malformed block", err);
  ps->action_bits = r.p;
  ps->action_bytes = (size_t)(r.end - r.p);
  return 0;
}

static uint64_t popcount_bits(const uint8_t *bits, uint64_t n) {
  uint64_t c = 0, full = n / 8;
  for (uint64_t i = 0; i < full; i++) c += (uint64_t)__builtin_popcount(bits[i]);
  for (uint64_t i = full * 8; i < n; i++) c += bit_at(bits, i);
  return c;
}

/* Parses a property block's presence and value headers. */
static int open_prop(sky_pstream *ps, scol *c, sky_error *err) {
  uint32_t col = SKY_COL_PROP0 + c->prop;
  uint64_t n = ps->sec->n_events;
  if (c->prop >= ps->seg->n_props) { /* added after this file was written */
    c->absent = true;
    return 0;
  }
  if (ps->seg->types[c->prop] != c->type) return corrupt(ps, col, "property type differs from the schema", err);
  sky_rd r;
  bool have;
  if (open_block(ps, col, &r, &have, err) != 0) return -1;
  if (!have) {
    c->absent = true;
    return 0;
  }
  c->end = r.end;
  c->pmode = sky_rd_u8(&r);
  if (c->pmode == SKY_PRES_ALL) {
    c->n_values = n;
  } else if (c->pmode == SKY_PRES_BITMAP) {
    c->bitmap = sky_rd_bytes(&r, (size_t)((n + 7) / 8));
    if (c->bitmap) c->n_values = popcount_bits(c->bitmap, n);
  } else if (c->pmode == SKY_PRES_SPARSE) {
    c->n_values = sky_rd_uvarint(&r);
    if (!r.bad && c->n_values <= n) {
      pcur_init(&c->gaps, &r, c->n_values); /* the first index is pulled once the block is parsed */
      pfor_skip(&r, c->n_values);          /* sets r.bad when malformed */
    } else {
      r.bad = true;
    }
  } else {
    r.bad = true;
  }
  if (r.bad) return corrupt(ps, col, "malformed block", err);
  uint64_t nv = c->n_values;
  if (c->type == SKY_PTYPE_BOOL) {
    c->vmode = VAL_BITS;
    c->raw = sky_rd_bytes(&r, (size_t)((nv + 7) / 8));
  } else if (c->type == SKY_PTYPE_STRING) {
    c->vmode = VAL_PFOR_STRING;
    c->vmin = (uint64_t)sky_unzigzag(sky_rd_uvarint(&r));
    pcur_init(&c->vals, &r, nv);
    if (!r.bad) pfor_skip(&r, nv);
  } else {
    uint8_t mode = sky_rd_u8(&r);
    if (c->type == SKY_PTYPE_INT && mode == 0) {
      c->vmode = VAL_PFOR_INT;
    } else if (c->type == SKY_PTYPE_FLOAT && mode == 0) {
      c->vmode = VAL_RAW_FLOAT;
      c->raw = sky_rd_bytes(&r, (size_t)(nv * 8));
    } else if (c->type == SKY_PTYPE_FLOAT && mode == 1) {
      c->vmode = VAL_PFOR_DEC;
      c->scale = sky_rd_u8(&r);
      if (c->scale > 9) r.bad = true;
    } else {
      r.bad = true;
    }
    if (!r.bad && c->vmode != VAL_RAW_FLOAT) {
      c->vmin = (uint64_t)sky_unzigzag(sky_rd_uvarint(&r));
      pcur_init(&c->vals, &r, nv);
      if (!r.bad) pfor_skip(&r, nv);
    }
  }
  /* The value run must end exactly at the block's end. */
  if (r.bad || r.p != r.end) return corrupt(ps, col, "malformed block", err);
  return 0;
}

/* SPARSE: the next present index into c->next_pos (UINT64_MAX when done). */
static int sparse_pull(sky_pstream *ps, scol *c, uint64_t prev, bool first, sky_error *err) {
  if (c->gaps.left == 0 && c->gaps.at == c->gaps.len) {
    c->next_pos = UINT64_MAX;
    return 0;
  }
  uint64_t g;
  if (pcur_next(&c->gaps, &g) != 0) return corrupt(ps, SKY_COL_PROP0 + c->prop, "malformed block", err);
  uint64_t at = first ? g : prev + 1 + g;
  if (at >= ps->sec->n_events || (!first && at <= prev))
    return corrupt(ps, SKY_COL_PROP0 + c->prop, "malformed block", err);
  c->next_pos = at;
  return 0;
}

static int grow_events(sky_pstream *ps, uint64_t need) {
  if (need <= ps->ev_cap) return 0;
  uint64_t cap = ps->ev_cap ? ps->ev_cap : 64;
  while (cap < need) cap *= 2;
  sky_afree(ps->ts), sky_afree(ps->action), sky_afree(ps->scratch);
  ps->ts = ps->want_ts ? sky_aalloc(cap * 8) : NULL;
  ps->action = ps->want_action ? sky_aalloc(cap * 4) : NULL;
  ps->scratch = sky_aalloc(cap * 8);
  if ((ps->want_ts && !ps->ts) || (ps->want_action && !ps->action) || !ps->scratch) return -1;
  for (uint32_t i = 0; i < ps->n_cols; i++) {
    scol *c = &ps->cols[i];
    sky_afree(c->out_vals), sky_afree(c->out_pres), sky_afree(c->out_pos);
    c->out_vals = sky_aalloc(cap * c->w);
    c->out_pres = sky_aalloc(cap);
    c->out_pos = sky_aalloc(cap * 4);
    if (!c->out_vals || !c->out_pres || !c->out_pos) return -1;
  }
  ps->ev_cap = cap;
  return 0;
}

/* Moves the slice buffers of `old` (a finished stream of the same columns)
 * into `ps`, so a scan allocates them once per worker, not per partition. */
static void recycle_buffers(sky_pstream *ps, sky_pstream *old) {
  if (!old || old->want_ts != ps->want_ts || old->want_action != ps->want_action || old->n_cols != ps->n_cols)
    return;
  for (uint32_t i = 0; i < ps->n_cols; i++)
    if (old->cols[i].w != ps->cols[i].w) return;
  for (uint32_t i = 0; i < ps->n_cols; i++) {
    ps->cols[i].out_vals = old->cols[i].out_vals, ps->cols[i].out_pres = old->cols[i].out_pres;
    ps->cols[i].out_pos = old->cols[i].out_pos;
    old->cols[i].out_vals = NULL, old->cols[i].out_pres = NULL, old->cols[i].out_pos = NULL;
  }
  ps->obj_cap = old->obj_cap, ps->obj_id = old->obj_id, ps->obj_start = old->obj_start;
  ps->ev_cap = old->ev_cap, ps->ts = old->ts, ps->action = old->action, ps->scratch = old->scratch;
  old->obj_id = old->obj_start = old->scratch = NULL;
  old->ts = NULL;
  old->action = NULL;
}

int sky_section_stream(const sky_segment *seg, const sky_section *sec, const sky_schema *schema,
                       const uint32_t *dict_limit, const sky_colset *need, uint64_t slice_events, sky_pstream *recycle,
                       sky_pstream **out, sky_error *err) {
  *out = NULL;
  sky_pstream *ps = sky_calloc(1, sizeof *ps);
  if (!ps) {
    sky_pstream_close(recycle);
    return sky_error_oom(err);
  }
  ps->seg = seg;
  ps->sec = sec;
  ps->slice_events = slice_events ? slice_events : 1;
  ps->want_ts = need->ts;
  ps->want_action = need->action;
  ps->n_props = schema->n_props;
  ps->chunk_cols = sky_calloc(schema->n_props ? schema->n_props : 1, sizeof *ps->chunk_cols);
  ps->cols = sky_calloc(schema->n_props ? schema->n_props : 1, sizeof *ps->cols);
  if (!ps->chunk_cols || !ps->cols) {
    sky_pstream_close(recycle);
    goto oom;
  }
  for (uint32_t p = 0; need->props && p < schema->n_props; p++) {
    if (!need->props[p]) continue;
    scol *c = &ps->cols[ps->n_cols++];
    c->prop = p;
    c->type = schema->props[p].type;
    c->w = sky_prop_type_width(c->type);
    c->dict_limit = dict_limit[p + 1];
    c->next_pos = UINT64_MAX;
  }
  recycle_buffers(ps, recycle);
  sky_pstream_close(recycle);
  recycle = NULL;
  uint64_t n_obj = sec->n_objects, n_ev = sec->n_events;
  if (open_two_runs(ps, SKY_COL_OBJECTS, n_obj, n_obj, &ps->ids, &ps->counts, &ps->ids_end, &ps->obj_end, err) != 0)
    goto fail;
  if (ps->want_ts && open_two_runs(ps, SKY_COL_TS, n_obj, n_ev - n_obj, &ps->firsts, &ps->deltas, &ps->firsts_end,
                                   &ps->ts_end, err) != 0)
    goto fail;
  if (ps->want_action && open_action(ps, dict_limit, err) != 0) goto fail;
  for (uint32_t i = 0; i < ps->n_cols; i++) {
    scol *c = &ps->cols[i];
    if (open_prop(ps, c, err) != 0) goto fail;
    if (!c->absent && c->pmode == SKY_PRES_SPARSE && sparse_pull(ps, c, 0, true, err) != 0) goto fail;
  }
  uint64_t obj_need = ps->slice_events < n_obj ? ps->slice_events : n_obj;
  if (!ps->obj_id || ps->obj_cap < obj_need) {
    sky_afree(ps->obj_id), sky_afree(ps->obj_start);
    ps->obj_cap = obj_need;
    ps->obj_id = sky_aalloc(ps->obj_cap * 8);
    ps->obj_start = sky_aalloc((ps->obj_cap + 1) * 8);
  }
  if (!ps->obj_id || !ps->obj_start || grow_events(ps, ps->slice_events < n_ev ? ps->slice_events : n_ev) != 0)
    goto oom;
  *out = ps;
  return 0;
oom:
  sky_error_oom(err);
fail:
  sky_pstream_close(ps);
  return -1;
}

/* ---- one slice --------------------------------------------------------------- */

/* Object runs of the next slice; *n_obj objects, *n_ev events. */
static int slice_objects(sky_pstream *ps, uint64_t *n_obj, uint64_t *n_ev, sky_error *err) {
  const sky_section *sec = ps->sec;
  uint64_t k = 0, ev = 0;
  ps->obj_start[0] = 0;
  while (ps->obj_done + k < sec->n_objects && k < ps->obj_cap) {
    uint64_t gap, cnt;
    if (pcur_peek(&ps->counts, &cnt) != 0) return corrupt(ps, SKY_COL_OBJECTS, "malformed block", err);
    cnt += 1;
    if (cnt == 0 || cnt > sec->n_events - ps->ev_done - ev)
      return corrupt(ps, SKY_COL_OBJECTS, "event counts do not add up", err);
    if (k > 0 && ev + cnt > ps->slice_events) break;
    ps->counts.at++;
    if (pcur_next(&ps->ids, &gap) != 0) return corrupt(ps, SKY_COL_OBJECTS, "malformed block", err);
    bool first = ps->obj_done + k == 0;
    uint64_t id = first ? gap : ps->prev_id + 1 + gap;
    if (id == 0 || (!first && id <= ps->prev_id)) return corrupt(ps, SKY_COL_OBJECTS, "object ids out of order", err);
    ps->prev_id = id;
    ps->obj_id[k] = id;
    ev += cnt;
    ps->obj_start[++k] = ev;
  }
  *n_obj = k;
  *n_ev = ev;
  return 0;
}

static int slice_ts(sky_pstream *ps, uint64_t n_obj, sky_error *err) {
  uint64_t *t = (uint64_t *)ps->ts;
  for (uint64_t k = 0; k < n_obj; k++) {
    uint64_t f, b = ps->obj_start[k], e = ps->obj_start[k + 1];
    if (pcur_next(&ps->firsts, &f) != 0 || pcur_take(&ps->deltas, t + b + 1, e - b - 1) != 0)
      return corrupt(ps, SKY_COL_TS, "malformed block", err);
    uint64_t v = ps->prev_first + (uint64_t)sky_unzigzag(f);
    ps->prev_first = v;
    t[b] = v;
    for (uint64_t i = b + 1; i < e; i++) t[i] = v += t[i];
  }
  return 0;
}

static int slice_action(sky_pstream *ps, uint64_t n, sky_error *err) {
  if (!ps->have_action) {
    memset(ps->action, 0, n * 4);
    return 0;
  }
  unpack_range32(ps->action_bits, ps->action_bytes, ps->ev_done, (size_t)n, ps->action_w, ps->action);
  uint32_t bad = 0, lim = ps->action_limit;
  for (uint64_t i = 0; i < n; i++) bad |= ps->action[i] > lim;
  return bad ? corrupt(ps, SKY_COL_ACTION, "unknown dictionary code", err) : 0;
}

/* Presence of events [e0, e0 + n) into out_pres; returns the count, or -1. */
static int64_t slice_presence(sky_pstream *ps, scol *c, uint64_t e0, uint64_t n, sky_error *err) {
  uint8_t *pres = c->out_pres;
  if (c->pmode == SKY_PRES_ALL) {
    memset(pres, 1, n);
    return (int64_t)n;
  }
  if (c->pmode == SKY_PRES_BITMAP) {
    uint64_t m = 0;
    for (uint64_t i = 0; i < n; i++) m += pres[i] = bit_at(c->bitmap, e0 + i);
    return (int64_t)m;
  }
  memset(pres, 0, n);
  uint64_t m = 0;
  while (c->next_pos < e0 + n) {
    uint64_t at = c->next_pos;
    pres[at - e0] = 1;
    m++;
    if (sparse_pull(ps, c, at, false, err) != 0) return -1;
  }
  return (int64_t)m;
}

/* The next m values, placed at the present events of the slice. */
static int slice_values(sky_pstream *ps, scol *c, uint64_t n, uint64_t m, sky_error *err) {
  uint32_t col = SKY_COL_PROP0 + c->prop;
  if (m > c->n_values - c->v_at) return corrupt(ps, col, "malformed block", err);
  uint64_t *v = ps->scratch;
  if (c->vmode == VAL_PFOR_INT || c->vmode == VAL_PFOR_STRING || c->vmode == VAL_PFOR_DEC) {
    if (pcur_take(&c->vals, v, m) != 0) return corrupt(ps, col, "malformed block", err);
    for (uint64_t j = 0; j < m; j++) v[j] += c->vmin;
  }
  if (c->vmode == VAL_PFOR_STRING) {
    for (uint64_t j = 0; j < m; j++)
      if (v[j] == 0 || v[j] > UINT32_MAX) return corrupt(ps, col, "malformed block", err);
      else if (v[j] > c->dict_limit) return corrupt(ps, col, "unknown dictionary code", err);
  }
  memset(c->out_vals, 0, n * c->w);
  const uint8_t *pres = c->out_pres;
  uint64_t j = 0;
  switch (c->vmode) {
  case VAL_PFOR_INT: {
    int64_t *o = c->out_vals;
    for (uint64_t i = 0; i < n; i++)
      if (pres[i]) o[i] = (int64_t)v[j++];
    break;
  }
  case VAL_PFOR_STRING: {
    uint32_t *o = c->out_vals;
    for (uint64_t i = 0; i < n; i++)
      if (pres[i]) o[i] = (uint32_t)v[j++];
    break;
  }
  case VAL_PFOR_DEC: {
    double *o = c->out_vals, div = k_pow10[c->scale];
    for (uint64_t i = 0; i < n; i++)
      if (pres[i]) o[i] = (double)(int64_t)v[j++] / div;
    break;
  }
  case VAL_RAW_FLOAT: {
    double *o = c->out_vals;
    const uint8_t *src = c->raw + c->v_at * 8;
    for (uint64_t i = 0; i < n; i++)
      if (pres[i]) memcpy(&o[i], src + 8 * j++, 8);
    break;
  }
  default: { /* VAL_BITS */
    uint8_t *o = c->out_vals;
    for (uint64_t i = 0; i < n; i++)
      if (pres[i]) o[i] = bit_at(c->raw, c->v_at + j++);
    break;
  }
  }
  c->v_at += m;
  return 0;
}

static int slice_prop(sky_pstream *ps, scol *c, uint64_t n, sky_error *err) {
  sky_chunk_col *out = &ps->chunk_cols[c->prop];
  int64_t m = 0;
  if (c->absent) {
    memset(c->out_pres, 0, n);
    memset(c->out_vals, 0, n * c->w);
  } else {
    m = slice_presence(ps, c, ps->ev_done, n, err);
    if (m < 0 || slice_values(ps, c, n, (uint64_t)m, err) != 0) return -1;
  }
  out->values = c->out_vals;
  out->present = c->out_pres;
  out->pos = NULL;
  out->n_pos = 0;
  if ((uint64_t)m <= n / SKY_SPARSE_RATIO && n <= UINT32_MAX) { /* as the cache does for a whole column */
    uint64_t k = 0;
    for (uint64_t i = 0; i < n && k < (uint64_t)m; i++)
      if (c->out_pres[i]) c->out_pos[k++] = (uint32_t)i;
    out->pos = c->out_pos;
    out->n_pos = k;
  }
  return 0;
}

/* After the last slice: every run consumed exactly. */
static int check_end(sky_pstream *ps, sky_error *err) {
  if (ps->ev_done != ps->sec->n_events || ps->ids.r.p != ps->ids_end || !pcur_done(&ps->ids, ps->ids_end) ||
      !pcur_done(&ps->counts, ps->obj_end))
    return corrupt(ps, SKY_COL_OBJECTS, "event counts do not add up", err);
  if (ps->want_ts && (!pcur_done(&ps->firsts, ps->firsts_end) || !pcur_done(&ps->deltas, ps->ts_end)))
    return corrupt(ps, SKY_COL_TS, "malformed block", err);
  for (uint32_t i = 0; i < ps->n_cols; i++) {
    scol *c = &ps->cols[i];
    if (c->absent) continue;
    bool ok = c->v_at == c->n_values && c->next_pos == UINT64_MAX;
    if (c->pmode == SKY_PRES_SPARSE) ok = ok && c->gaps.left == 0 && c->gaps.at == c->gaps.len;
    if (ok && c->vmode != VAL_RAW_FLOAT && c->vmode != VAL_BITS) ok = pcur_done(&c->vals, c->end);
    if (!ok) return corrupt(ps, SKY_COL_PROP0 + c->prop, "malformed block", err);
  }
  return 0;
}

int sky_pstream_next(sky_pstream *ps, sky_chunk *out, sky_error *err) {
  memset(out, 0, sizeof *out);
  if (ps->obj_done == ps->sec->n_objects) return 0;
  uint64_t peek, n_obj = 0, n = 0;
  if (pcur_peek(&ps->counts, &peek) != 0) return corrupt(ps, SKY_COL_OBJECTS, "malformed block", err);
  if (peek + 1 > ps->ev_cap && peek < ps->sec->n_events && grow_events(ps, peek + 1) != 0)
    return sky_error_oom(err);
  if (slice_objects(ps, &n_obj, &n, err) != 0) return -1;
  if (ps->want_ts && slice_ts(ps, n_obj, err) != 0) return -1;
  if (ps->want_action && slice_action(ps, n, err) != 0) return -1;
  for (uint32_t i = 0; i < ps->n_cols; i++)
    if (slice_prop(ps, &ps->cols[i], n, err) != 0) return -1;
  ps->obj_done += n_obj;
  ps->ev_done += n;
  if (ps->obj_done == ps->sec->n_objects && check_end(ps, err) != 0) return -1;
  out->n_objects = n_obj;
  out->n_events = n;
  out->obj_id = ps->obj_id;
  out->obj_start = ps->obj_start;
  out->ts = ps->want_ts ? ps->ts : NULL;
  out->action = ps->want_action ? ps->action : NULL;
  out->cols = ps->chunk_cols;
  return 1;
}

/* ---- the snapshot's policy ------------------------------------------------------ */

/* Decoded bytes of the needed columns of every partition of the snapshot. */
static uint64_t decoded_bytes(const sky_snapshot *s, const sky_colset *need) {
  const sky_schema *schema = s->v->schema;
  uint64_t per_event = (need->ts ? 8 : 0) + (need->action ? 4 : 0), objects = 0, events = 0;
  for (uint32_t p = 0; need->props && p < schema->n_props; p++)
    if (need->props[p]) per_event += sky_prop_type_width(schema->props[p].type) + 1;
  for (uint32_t part = 0; part < SKY_PARTITIONS; part++) {
    const sky_pstate *st = &s->v->part[part];
    for (uint32_t k = 0; k < st->n_src; k++) {
      const sky_segment *seg = st->src[k].seg;
      int32_t i = seg->part_sec[part];
      if (seg->broken || i < 0) continue;
      objects += seg->sections[i].n_objects;
      events += seg->sections[i].n_events;
    }
    for (uint32_t m = 0; m < s->n_mem; m++) events += s->mem_rows[m][part];
  }
  return events * per_event + objects * 16;
}

/* Whether the partition's rows and needed columns are all in the cache. */
static bool all_cached(const sky_snapshot *s, uint32_t part, const sky_colset *need) {
  sky_cache *cache = s->t->st->cache;
  sky_ckey k = {s->t->uid, s->layout_id[part], part, SKY_CKEY_ROWS};
  if (!sky_cache_has(cache, &k)) return false;
  k.id = s->content_id[part];
  if (need->ts && !(k.col = SKY_COL_TS, sky_cache_has(cache, &k))) return false;
  if (need->action && !(k.col = SKY_COL_ACTION, sky_cache_has(cache, &k))) return false;
  for (uint32_t p = 0; need->props && p < s->v->schema->n_props; p++)
    if (need->props[p] && !(k.col = SKY_COL_PROP0 + p, sky_cache_has(cache, &k))) return false;
  return true;
}

int sky_snapshot_stream(sky_snapshot *s, uint32_t part, const sky_colset *need, sky_pstream **spare, sky_pstream **out,
                        sky_error *err) {
  *out = NULL;
  int64_t mode = s->t->st->opt.stream_slice;
  if (mode < 0 || part >= SKY_PARTITIONS) return 0;
  const sky_pstate *st = &s->v->part[part];
  if (st->n_src != 1) return 0; /* empty, or a merge: read whole */
  for (uint32_t m = 0; m < s->n_mem; m++)
    if (s->mem_rows[m][part]) return 0;
  for (uint32_t i = 0; i < st->n_tombs; i++)
    if (st->tombs[i].seq > st->src[0].seq) return 0;
  if (mode == 0 && (all_cached(s, part, need) || decoded_bytes(s, need) <= sky_cache_capacity(s->t->st->cache)))
    return 0;
  const sky_section *sec = sky_segment_section(st->src[0].seg, part, err);
  if (!sec) return -1;
  sky_pstream *recycle = spare ? *spare : NULL;
  if (spare) *spare = NULL;
  return sky_section_stream(st->src[0].seg, sec, s->v->schema, s->dict_limit, need,
                            mode > 0 ? (uint64_t)mode : SKY_STREAM_SLICE_DEFAULT, recycle, out, err);
}
