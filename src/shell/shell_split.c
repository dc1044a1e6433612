/* shell_split.c — statement splitting; see shell_split.h. The scanner keeps
 * only the quote state across lines: that is all it needs to know whether
 * a ';' ends a statement. */
#include "shell/shell_split.h"

#include <string.h>

#include "common/alloc.h"

void skysh_split_init(skysh_splitter *s) { memset(s, 0, sizeof *s); }

void skysh_split_free(skysh_splitter *s) {
  sky_buf_free(&s->text);
  sky_free(s->starts);
  sky_free(s->lines);
  memset(s, 0, sizeof *s);
}

void skysh_split_reset(skysh_splitter *s) {
  sky_buf_reset(&s->text);
  s->n_parts = 0;
  s->in_string = s->in_ident = false;
}

static bool blank_text(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return false;
  return true;
}

bool skysh_split_pending(const skysh_splitter *s) { return !blank_text(s->text.data, s->text.len); }

/* Starts a new part (a piece of one input line) of the statement. */
static int begin_part(skysh_splitter *s, int line_no) {
  void *p = s->starts;
  size_t cap = s->cap_parts;
  if (sky_grow(&p, &cap, s->n_parts + 1, sizeof *s->starts) != 0) return -1;
  s->starts = p;
  p = s->lines;
  size_t cap2 = s->cap_parts;
  if (sky_grow(&p, &cap2, s->n_parts + 1, sizeof *s->lines) != 0) return -1;
  s->lines = p;
  s->cap_parts = cap < cap2 ? cap : cap2;
  if (s->n_parts > 0) sky_buf_putc(&s->text, ' ');
  s->starts[s->n_parts] = s->text.len;
  s->lines[s->n_parts] = line_no;
  s->n_parts++;
  return 0;
}

static void emit_stmt(skysh_splitter *s, skysh_emit_fn emit, void *ctx) {
  /* Trim blanks; part starts stay valid because only the ends move. */
  size_t len = s->text.len;
  while (len > 0 && (s->text.data[len - 1] == ' ' || s->text.data[len - 1] == '\t' || s->text.data[len - 1] == '\r'))
    len--;
  if (!blank_text(s->text.data, len)) {
    skysh_stmt st = {s->text.data, len, s->n_parts, s->starts, s->lines};
    emit(ctx, &st);
  }
  skysh_split_reset(s);
}

int skysh_split_feed(skysh_splitter *s, const char *line, size_t len, int line_no, skysh_emit_fn emit, void *ctx) {
  size_t i = 0, seg = 0;
  bool part_open = false;
  while (i <= len) {
    char c = i < len ? line[i] : '\0';
    bool at_end = i == len;
    bool comment = !s->in_string && !s->in_ident && c == '-' && i + 1 < len && line[i + 1] == '-';
    bool ends = !at_end && !s->in_string && !s->in_ident && c == ';';
    if (at_end || comment || ends) {
      /* Flush line[seg, i) into the statement. */
      if (i > seg && (part_open || !blank_text(line + seg, i - seg) || s->n_parts > 0)) {
        if (!part_open && begin_part(s, line_no) != 0) return -1;
        part_open = true;
        sky_buf_append(&s->text, line + seg, i - seg);
      }
      if (s->text.failed) return -1;
      if (ends) {
        emit_stmt(s, emit, ctx);
        part_open = false;
        seg = i + 1;
        i++;
        continue;
      }
      break; /* end of line, or a comment that runs to it */
    }
    if (s->in_string) {
      if (c == '\'') s->in_string = false; /* '' re-enters on the next quote */
    } else if (s->in_ident) {
      if (c == '"') s->in_ident = false;
    } else if (c == '\'') {
      s->in_string = true;
    } else if (c == '"') {
      s->in_ident = true;
    }
    i++;
  }
  return 0;
}

void skysh_split_flush(skysh_splitter *s, skysh_emit_fn emit, void *ctx) { emit_stmt(s, emit, ctx); }

void skysh_stmt_locate(const skysh_stmt *st, int column, size_t *part, size_t *offset) {
  /* Columns count code points; find the byte they start at. */
  size_t off = 0;
  for (int cp = 1; cp < column && off < st->len; cp++) {
    off++;
    while (off < st->len && ((unsigned char)st->text[off] & 0xC0) == 0x80) off++;
  }
  size_t k = 0;
  while (k + 1 < st->n_parts && st->starts[k + 1] <= off) k++;
  *part = k;
  *offset = off - (st->n_parts ? st->starts[k] : 0);
}
