/* csv.c — the CSV half of the reader: RFC 4180 records (quoted fields hold
 * commas, "" and newlines; LF or CRLF line ends), the header that maps
 * columns to object/timestamp/action/properties, and rows into staged values.
 *
 * Framing follows RFC 4180's state machine: a quote opens a quoted field only
 * at the start of a field, newlines inside quoted fields belong to the
 * record. A malformed record (a quote inside an unquoted field, text after a
 * closing quote) ends at the next newline, so one stray quote (a 55" screen)
 * costs one bad row, never the rest of the file. sky_rd_csv_frame() is the
 * same machine run byte by byte, for the streaming reader's carried partial
 * record and the parallel reader's checks. The tokenizer walks a record once:
 * memchr for quoted content, a table lookup per byte of unquoted content;
 * fields point into the input.
 *
 * Quote parity (an even number of '"' before a newline) agrees with that
 * machine on well-formed input; the parallel reader uses it only to guess cut
 * points and checks each guess (readfile.c).
 */
#include <string.h>

#include "common/alloc.h"
#include "common/error.h"
#include "common/utf8.h"
#include "storage/reader_impl.h"

/* Bytes that end an unquoted field's run: ',' '\n' '"'. */
static const uint8_t k_special[256] = {[','] = 1, ['\n'] = 1, ['"'] = 1};

#define ONES 0x0101010101010101ULL
#define LOW7 0x7F7F7F7F7F7F7F7FULL

/* 0x80 in each byte of x that is zero, nothing else (exact, so the lowest
 * set bit finds the first zero byte). */
static inline uint64_t zero_bytes(uint64_t x) { return ~(((x & LOW7) + LOW7) | x) & ~LOW7; }

/* The first byte in [q, end) that ends an unquoted field's run, 8 bytes at
 * a time; `end` when there is none. */
static inline const char *scan_unquoted(const char *q, const char *end) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  while (end - q >= 8) {
    uint64_t w;
    memcpy(&w, q, 8);
    uint64_t m = zero_bytes(w ^ (ONES * ',')) | zero_bytes(w ^ (ONES * '\n')) | zero_bytes(w ^ (ONES * '"'));
    if (m) return q + (__builtin_ctzll(m) >> 3);
    q += 8;
  }
#endif
  while (q < end && !k_special[(uint8_t)*q]) q++;
  return q;
}

/* True when p[0..n) is all ASCII (then it is valid UTF-8). */
static inline bool all_ascii(const char *p, size_t n) {
  uint64_t acc = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    acc |= w;
  }
  for (; i < n; i++) acc |= (uint8_t)p[i];
  return (acc & 0x8080808080808080ULL) == 0;
}

typedef struct csv_rec {
  const char *start; /* first byte of the record */
  const char *end;   /* end of its content (before "\n" or "\r\n") */
  size_t n_fields;
  uint64_t inner_lf;     /* newlines inside the record (in quoted fields) */
  bool has_nl;           /* a newline terminates it (else it ends the input) */
  const char *malformed; /* what is wrong, or NULL */
  bool unterminated;     /* a quote still open at the end of input */
  uint64_t bad_lf;       /* newlines before the bad spot, within the record */
  size_t bad_field;      /* index of the field where it went wrong */
} csv_rec;

static size_t count_lf(const char *p, const char *end) {
  size_t n = 0;
  while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) n++, p++;
  return n;
}

int sky_rd_quote_parity(const char *p, size_t n) {
  /* Bytes equal to '"' become 0x80 in a word; XOR-folding the words keeps
   * the parity of each bit position, so the popcount of the fold has the
   * parity of the number of quotes. */
  uint64_t fold = 0;
  size_t i = 0, tail = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    fold ^= zero_bytes(w ^ (ONES * '"'));
  }
  for (; i < n; i++) tail += p[i] == '"';
  uint64_t v = fold; /* popcount parity without a popcount instruction */
  v ^= v >> 32, v ^= v >> 16, v ^= v >> 8, v ^= v >> 4, v ^= v >> 2, v ^= v >> 1;
  return (int)((v ^ tail) & 1);
}

size_t sky_rd_csv_guess_end(const char *p, size_t n, int parity) {
  const char *s = p, *end = p + n;
  while (s < end) {
    if (parity) {
      const char *dq = memchr(s, '"', (size_t)(end - s));
      if (!dq) break;
      parity = 0;
      s = dq + 1;
      continue;
    }
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    const char *stop = nl ? nl : end;
    const char *dq = memchr(s, '"', (size_t)(stop - s));
    if (dq) {
      parity = 1;
      s = dq + 1;
      continue;
    }
    if (!nl) break;
    return (size_t)(nl - p) + 1;
  }
  return SIZE_MAX;
}

enum { FR_FIELD = 0, FR_UNQUOTED, FR_QUOTED, FR_QUOTE, FR_CR, FR_BAD };

size_t sky_rd_csv_frame(const char *p, size_t n, int *state) {
  int st = *state;
  for (size_t i = 0; i < n; i++) {
    char c = p[i];
    switch (st) {
    case FR_FIELD: /* at the start of a field */
      if (c == '\n') goto end;
      st = c == '"' ? FR_QUOTED : c == ',' ? FR_FIELD : FR_UNQUOTED;
      break;
    case FR_UNQUOTED:
      if (c == '\n') goto end;
      st = c == ',' ? FR_FIELD : c == '"' ? FR_BAD : FR_UNQUOTED;
      break;
    case FR_QUOTED: { /* newlines here are data */
      const char *dq = memchr(p + i, '"', n - i);
      if (!dq)
        i = n - 1;
      else
        i = (size_t)(dq - p), st = FR_QUOTE;
      break;
    }
    case FR_QUOTE: /* just after a quote inside a quoted field */
      if (c == '\n') goto end;
      st = c == '"' ? FR_QUOTED : c == ',' ? FR_FIELD : c == '\r' ? FR_CR : FR_BAD;
      break;
    case FR_CR: /* closing quote, then CR */
      if (c == '\n') goto end;
      st = FR_BAD;
      break;
    default: { /* malformed: the record ends at the next newline */
      const char *nl = memchr(p + i, '\n', n - i);
      if (!nl)
        i = n - 1;
      else
        return *state = FR_FIELD, (size_t)(nl - p) + 1;
      break;
    }
    }
    continue;
  end:
    *state = FR_FIELD;
    return i + 1;
  }
  *state = st;
  return SIZE_MAX;
}

/* Past a malformed spot at q: the record ends at the next newline. NULL
 * when that is not in the buffer yet. */
static const char *skip_line(const char *q, const char *end, bool at_eof, csv_rec *rec) {
  const char *nl = memchr(q, '\n', (size_t)(end - q));
  if (nl) {
    rec->end = nl;
    rec->has_nl = true;
    return nl + 1;
  }
  if (!at_eof) return NULL;
  rec->end = end;
  return end;
}

static inline int add_field(sky_rparse *P, size_t i, const char *p, size_t len, bool quoted, bool escaped) {
  if (i >= P->cap_fields) {
    void *f = P->fields;
    if (sky_grow(&f, &P->cap_fields, i + 1, sizeof *P->fields) != 0) return sky_rd_oom(P);
    P->fields = f;
  }
  P->fields[i] = (sky_rfield){p, len, quoted, escaped};
  return 0;
}

/* A quoted field at q ('"'). Returns where it ends (just past the closing
 * quote), `end` with rec->unterminated set, or NULL (needs more input). */
static const char *quoted_field(sky_rparse *P, const char *q, const char *end, bool at_eof, csv_rec *rec) {
  const char *c = q + 1, *close;
  bool esc = false;
  for (;;) {
    const char *dq = memchr(c, '"', (size_t)(end - c));
    if (!dq) {
      if (!at_eof) return NULL;
      rec->unterminated = true;
      rec->bad_lf = rec->inner_lf;
      rec->bad_field = rec->n_fields;
      rec->inner_lf += count_lf(q, end);
      rec->end = end;
      return end;
    }
    if (dq + 1 < end && dq[1] == '"') {
      esc = true;
      c = dq + 2;
      continue;
    }
    if (dq + 1 == end && !at_eof) return NULL;
    close = dq;
    break;
  }
  rec->inner_lf += count_lf(q + 1, close);
  if (add_field(P, rec->n_fields++, q + 1, (size_t)(close - q - 1), true, esc) != 0) return NULL;
  return close + 1;
}

/* Tokenizes the record at p into P->fields. Returns the position after it,
 * or NULL when it is incomplete (or on OOM, with P->stop set). */
static const char *tokenize(sky_rparse *P, const char *p, const char *end, bool at_eof, csv_rec *rec) {
  memset(rec, 0, sizeof *rec);
  rec->start = p;
  const char *q = p;
  for (;;) {
    if (q < end && *q == '"') {
      q = quoted_field(P, q, end, at_eof, rec);
      if (!q || rec->unterminated) return q;
      if (q == end) {
        if (!at_eof) return NULL;
        rec->end = end;
        return end;
      }
      if (*q == ',') {
        q++;
        continue;
      }
      if (*q == '\n' || (*q == '\r' && q + 1 < end && q[1] == '\n')) {
        rec->end = q;
        rec->has_nl = true;
        return q + (*q == '\r' ? 2 : 1);
      }
      if (*q == '\r' && q + 1 == end) {
        if (!at_eof) return NULL;
        rec->end = q;
        return end;
      }
      rec->malformed = "text after a closing quote";
      rec->bad_field = rec->n_fields - 1;
      rec->bad_lf = rec->inner_lf;
      return skip_line(q, end, at_eof, rec);
    }
    const char *fs = q;
    q = scan_unquoted(q, end);
    if (q == end || *q == '\n') {
      if (q == end && !at_eof) return NULL;
      const char *fe = q;
      if (fe > fs && fe[-1] == '\r') fe--;
      if (add_field(P, rec->n_fields++, fs, (size_t)(fe - fs), false, false) != 0) return NULL;
      rec->end = fe;
      rec->has_nl = q < end;
      return q < end ? q + 1 : end;
    }
    if (*q == ',') {
      if (add_field(P, rec->n_fields++, fs, (size_t)(q - fs), false, false) != 0) return NULL;
      q++;
      continue;
    }
    rec->malformed = "a quote inside an unquoted field (quote the whole field and double its quotes)";
    rec->bad_field = rec->n_fields;
    rec->bad_lf = rec->inner_lf;
    return skip_line(q, end, at_eof, rec);
  }
}

/* The content of field f with "" turned into ", in scratch when escaped. */
static const char *field_text(sky_rparse *P, const sky_rfield *f, size_t *len) {
  if (!f->escaped) {
    *len = f->len;
    return f->p;
  }
  char *out = sky_rd_scratch(P), *o = out;
  for (size_t i = 0; i < f->len; i++) {
    *o++ = f->p[i];
    if (f->p[i] == '"') i++; /* the second quote of a pair */
  }
  *len = (size_t)(o - out);
  sky_rd_scratch_used(P, *len);
  return out;
}

static size_t field_at(const sky_rparse *P, const csv_rec *rec, const char *x) {
  size_t i = 0;
  while (i + 1 < rec->n_fields && P->fields[i + 1].p <= x) i++;
  return i;
}

static int header_error(sky_rparse *P, uint64_t line, const csv_rec *rec) {
  if (rec->unterminated)
    return sky_rd_fatal(P, SKY_ERR_BAD_VALUE, line + rec->bad_lf, NULL, "unterminated quoted field in the header");
  if (rec->malformed) return sky_rd_fatal(P, SKY_ERR_BAD_VALUE, line, NULL, "malformed header: %s", rec->malformed);
  return sky_rd_fatal(P, SKY_ERR_BAD_VALUE, line, NULL, "invalid UTF-8 in the header");
}

/* The header: each column names object, timestamp, action or a property. */
static int csv_header(sky_rparse *P, const csv_rec *rec, uint64_t line) {
  sky_rlayout *lay = P->lay;
  if (rec->unterminated || rec->malformed || !sky_utf8_valid(rec->start, (size_t)(rec->end - rec->start), NULL))
    return header_error(P, line, rec);
  if (sky_rd_row_begin(P, line, (size_t)(rec->end - rec->start)) != 0) return -1;
  uint32_t *cols = sky_calloc(rec->n_fields, sizeof *cols);
  uint8_t *used = sky_calloc(lay->n_targets, 1);
  int rc = 0;
  if (!cols || !used) rc = sky_rd_oom(P);
  for (size_t i = 0; rc == 0 && i < rec->n_fields; i++) {
    size_t len;
    const char *name = field_text(P, &P->fields[i], &len);
    char q[72], field[64];
    sky_error_quote(q, name, len);
    sky_rd_copy_field(field, sizeof field, name, len);
    int t = sky_rd_lookup(lay, name, len);
    if (t < 0 && memchr(name, '\r', len))
      rc = sky_rd_fatal(P, SKY_ERR_BAD_VALUE, line, field,
                        "header column '%s' holds a carriage return: lines must end in LF or CRLF (CR-only line "
                        "endings are not supported)",
                        q);
    else if (t < 0)
      rc =
          sky_rd_fatal(P, SKY_ERR_UNKNOWN_PROPERTY, line, field, "unknown column '%s': not a property of the table", q);
    else if (used[t])
      rc = sky_rd_fatal(P, SKY_ERR_BAD_VALUE, line, field, "duplicate column '%s' in the header", q);
    else
      used[t] = 1, cols[i] = (uint32_t)t;
  }
  for (uint32_t t = SKY_RT_OBJECT; rc == 0 && t <= SKY_RT_TS; t++)
    if (!used[t])
      rc = sky_rd_fatal(P, SKY_ERR_BAD_VALUE, line, lay->names[t], "the header has no '%s' column", lay->names[t]);
  sky_free(used);
  if (rc != 0) {
    sky_free(cols);
    return rc;
  }
  lay->col_target = cols;
  lay->n_cols = (uint32_t)rec->n_fields;
  lay->has_header = true;
  return 0;
}

static const char *col_name(const sky_rparse *P, size_t i) {
  return i < P->lay->n_cols ? P->lay->names[P->lay->col_target[i]] : NULL;
}

static int csv_row(sky_rparse *P, const csv_rec *rec, uint64_t line) {
  const sky_rlayout *lay = P->lay;
  if (sky_rd_row_begin(P, line, (size_t)(rec->end - rec->start)) != 0) return -1;
  if (rec->unterminated) {
    P->row_line = line + rec->bad_lf;
    return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, col_name(P, rec->bad_field),
                            "unterminated quoted field (no closing quote before the end of input)");
  }
  if (rec->malformed) {
    P->row_line = line + rec->bad_lf;
    return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, col_name(P, rec->bad_field), "malformed CSV: %s", rec->malformed);
  }
  if (rec->n_fields != lay->n_cols)
    return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, NULL, "row has %zu fields, the header has %u", rec->n_fields,
                            lay->n_cols);
  size_t bad, rec_len = (size_t)(rec->end - rec->start);
  if (!all_ascii(rec->start, rec_len) && !sky_utf8_valid(rec->start, rec_len, &bad)) {
    size_t i = field_at(P, rec, rec->start + bad);
    return sky_rd_row_error(P, SKY_ERR_BAD_VALUE, col_name(P, i), "invalid UTF-8 in the value of '%s'", col_name(P, i));
  }
  for (size_t i = 0; i < lay->n_cols; i++) {
    const sky_rfield *f = &P->fields[i];
    if (f->len == 0 && !f->quoted) continue; /* NULL */
    size_t len;
    const char *s = field_text(P, f, &len);
    if (sky_rd_put_text(P, lay->col_target[i], s, len) != 0) return -1;
  }
  return sky_rd_row_commit(P);
}

const char *sky_rd_csv_records(sky_rparse *P, const char *p, const char *end, bool at_eof) {
  while (p < end && !P->stop) {
    csv_rec rec;
    const char *next = tokenize(P, p, end, at_eof, &rec);
    if (!next) return p;
    uint64_t line = P->line;
    P->line += rec.inner_lf + (rec.has_nl ? 1 : 0);
    p = next;
    bool blank = rec.n_fields == 1 && !rec.malformed && !P->fields[0].quoted && P->fields[0].len == 0;
    if (blank) continue;
    if (!P->lay->has_header)
      csv_header(P, &rec, line);
    else
      csv_row(P, &rec, line);
  }
  return p;
}
