/* shell_edit.c — libedit integration and completion; see shell_edit.h.
 *
 * The native histedit API is used rather than its readline emulation so
 * that the completion callback reaches its state through EL_CLIENTDATA
 * instead of a global. Names are fetched lazily, on the first Tab after
 * start or after DDL, so a session that never completes never asks.
 */
#include "shell/shell_edit.h"

#include <ctype.h>
#include <errno.h>
#include <histedit.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "common/alloc.h"
#include "shell/shell_interrupt.h"
#include "sky.h"

typedef struct name_list {
  char **items;
  size_t n, cap;
} name_list;

struct skysh_edit {
  EditLine *el;
  History *hist;
  skysh_session *session;
  char *history_path;
  const char *prompt;
  char *line; /* the last line read, without "\n" */
  name_list tables, props;
  name_list keywords;  /* upper case: the language's and the protocol's */
  name_list functions; /* "count(" ... */
  bool stale;
};

/* Names of the language that are not keywords or functions, completed as
 * written. Keywords and functions come from libsky (sky_keyword_at,
 * sky_function_at), so the shell never keeps its own copy of the language. */
static const char *const g_names[] = {"object", "timestamp", "action", "state.", "event.", "session.number"};
/* The protocol's own commands, completed like keywords. */
static const char *const g_protocol_words[] = {"PING", "QUIT"};
static const char *const g_commands[] = {"\\q", "\\help", "\\format", "\\set", "\\timing", "\\pivot", "\\load"};
static const char *const g_formats[] = {"table", "csv", "json"};
static const char *const g_settings[] = {"timestamps", "bars", "pivot"};
static const char *const g_on_off[] = {"on", "off"};
static const char *const g_time_modes[] = {"iso", "raw"};

static void names_clear(name_list *l) {
  for (size_t i = 0; i < l->n; i++) sky_free(l->items[i]);
  sky_free(l->items);
  memset(l, 0, sizeof *l);
}

static void names_add(name_list *l, const char *s) {
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->items[i], s) == 0) return;
  char *copy = sky_strdup(s);
  if (!copy || sky_grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items) != 0) {
    sky_free(copy);
    return;
  }
  l->items[l->n++] = copy;
}

/* Adds column 0 of every row of `stmt`'s result to `l`. */
static void fetch_column(skysh_edit *e, const char *stmt, name_list *l) {
  sky_reply r;
  char err[256];
  if (skysh_session_exec(e->session, stmt, strlen(stmt), NULL, &r, err, sizeof err) != 0) return;
  for (size_t i = 0; r.ok && r.rows && i < r.rows->n; i++) {
    const sky_jv *row = &r.rows->items[i];
    if (row->type == SKY_JV_ARRAY && row->n > 0 && row->items[0].type == SKY_JV_STRING) names_add(l, row->items[0].str);
  }
  sky_reply_free(&r);
}

static void refresh_names(skysh_edit *e) {
  if (!e->stale) return;
  e->stale = false;
  names_clear(&e->tables);
  names_clear(&e->props);
  fetch_column(e, "SHOW TABLES", &e->tables);
  for (size_t i = 0; i < e->tables.n && i < 200; i++) {
    char stmt[512];
    snprintf(stmt, sizeof stmt, "DESCRIBE \"%s\"", e->tables.items[i]);
    fetch_column(e, stmt, &e->props);
  }
}

static bool word_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* The word before `end`, skipping blanks, into out (upper case). */
static void previous_word(const char *buf, const char *end, char *out, size_t n) {
  while (end > buf && isspace((unsigned char)end[-1])) end--;
  const char *s = end;
  while (s > buf && word_char(s[-1])) s--;
  size_t len = (size_t)(end - s) < n - 1 ? (size_t)(end - s) : n - 1;
  for (size_t i = 0; i < len; i++) out[i] = (char)toupper((unsigned char)s[i]);
  out[len] = '\0';
}

typedef struct matches {
  const char *items[512];
  size_t n;
  bool lower; /* keywords in lower case: the user typed them so */
} matches;

static void match_list(matches *m, const char *const *cands, size_t n, const char *prefix, size_t plen) {
  for (size_t i = 0; i < n && m->n < 512; i++)
    if (strncasecmp(cands[i], prefix, plen) == 0) m->items[m->n++] = cands[i];
}

/* Decides what may follow the cursor's context and collects candidates. */
static void collect(skysh_edit *e, const LineInfo *li, const char *start, const char *prefix, size_t plen,
                    matches *m) {
  const char *buf = li->buffer;
  char prev[32];
  const char *lead = buf;
  while (lead < start && isspace((unsigned char)*lead)) lead++;
  if (start > buf && start[-1] == '\\' && start - 1 == lead) {
    match_list(m, g_commands, sizeof g_commands / sizeof *g_commands, prefix - 1, plen + 1);
    return;
  }
  if (*lead == '\\') {
    if (strncmp(lead, "\\format", 7) == 0) match_list(m, g_formats, 3, prefix, plen);
    if (strncmp(lead, "\\pivot", 6) == 0) match_list(m, g_on_off, 2, prefix, plen);
    if (strncmp(lead, "\\set", 4) == 0) {
      char prev[32];
      previous_word(buf, start, prev, sizeof prev);
      if (strcmp(prev, "SET") == 0) match_list(m, g_settings, 3, prefix, plen);
      else if (strcmp(prev, "TIMESTAMPS") == 0) match_list(m, g_time_modes, 2, prefix, plen);
      else if (strcmp(prev, "BARS") == 0 || strcmp(prev, "PIVOT") == 0) match_list(m, g_on_off, 2, prefix, plen);
    }
    return;
  }
  refresh_names(e);
  if (start > buf && start[-1] == '.') {
    previous_word(buf, start - 1, prev, sizeof prev);
    if (strcmp(prev, "STATE") == 0 || strcmp(prev, "EVENT") == 0)
      match_list(m, (const char *const *)e->props.items, e->props.n, prefix, plen);
    else if (strcmp(prev, "SESSION") == 0)
      match_list(m, (const char *const[]){"number"}, 1, prefix, plen);
    return;
  }
  previous_word(buf, start, prev, sizeof prev);
  bool table_context = strcmp(prev, "FROM") == 0 || strcmp(prev, "INTO") == 0 || strcmp(prev, "TABLE") == 0 ||
                       strcmp(prev, "DESCRIBE") == 0 || strcmp(prev, "USE") == 0;
  match_list(m, (const char *const *)e->tables.items, e->tables.n, prefix, plen);
  if (table_context) return;
  match_list(m, (const char *const *)e->props.items, e->props.n, prefix, plen);
  match_list(m, (const char *const *)e->functions.items, e->functions.n, prefix, plen);
  match_list(m, g_names, sizeof g_names / sizeof *g_names, prefix, plen);
  m->lower = plen > 0 && islower((unsigned char)prefix[0]);
  match_list(m, (const char *const *)e->keywords.items, e->keywords.n, prefix, plen);
}

static bool is_keyword(const skysh_edit *e, const char *s) {
  for (size_t i = 0; i < e->keywords.n; i++)
    if (e->keywords.items[i] == s) return true;
  return false;
}

/* The completion words of the language, from libsky. */
static void load_language(skysh_edit *e) {
  char word[64];
  const char *w;
  for (size_t i = 0; (w = sky_keyword_at(i)) != NULL; i++) {
    size_t n = 0;
    for (; w[n] && n + 1 < sizeof word; n++) word[n] = (char)toupper((unsigned char)w[n]);
    word[n] = '\0';
    names_add(&e->keywords, word);
  }
  for (size_t i = 0; i < sizeof g_protocol_words / sizeof *g_protocol_words; i++)
    names_add(&e->keywords, g_protocol_words[i]);
  for (size_t i = 0; (w = sky_function_at(i)) != NULL; i++) {
    snprintf(word, sizeof word, "%s(", w);
    names_add(&e->functions, word);
  }
}

/* Inserts cand[from..to) in the case the user types keywords in. */
static void insert_part(const skysh_edit *e, EditLine *el, const char *cand, size_t from, size_t to, bool lower,
                        const char *suffix) {
  char text[300];
  size_t n = 0;
  bool keyword = lower && is_keyword(e, cand);
  for (size_t i = from; i < to && n + 2 < sizeof text; i++)
    text[n++] = keyword ? (char)tolower((unsigned char)cand[i]) : cand[i];
  for (const char *s = suffix; *s && n + 1 < sizeof text; s++) text[n++] = *s;
  text[n] = '\0';
  if (n) el_insertstr(el, text);
}

static void list_matches(const matches *m) {
  fputc('\n', stdout);
  size_t width = 0;
  for (size_t i = 0; i < m->n; i++)
    if (strlen(m->items[i]) > width) width = strlen(m->items[i]);
  size_t per_line = 78 / (width + 2);
  if (per_line == 0) per_line = 1;
  for (size_t i = 0; i < m->n; i++)
    printf("%-*s%s", (int)width + 2, m->items[i], (i + 1) % per_line == 0 || i + 1 == m->n ? "\n" : "");
  fflush(stdout);
}

static unsigned char complete(EditLine *el, int ch) {
  (void)ch;
  skysh_edit *e = NULL;
  el_get(el, EL_CLIENTDATA, &e);
  const LineInfo *li = el_line(el);
  const char *start = li->cursor;
  while (start > li->buffer && word_char(start[-1])) start--;
  size_t plen = (size_t)(li->cursor - start);
  matches m = {.n = 0};
  collect(e, li, start, start, plen, &m);
  if (start > li->buffer && start[-1] == '\\') plen++; /* commands match with their backslash */
  if (m.n == 0) return CC_ERROR;
  if (m.n == 1) {
    const char *c = m.items[0];
    size_t len = strlen(c);
    bool open = len > 0 && (c[len - 1] == '(' || c[len - 1] == '.');
    insert_part(e, el, c, plen, len, m.lower, open ? "" : " ");
    return CC_REFRESH;
  }
  size_t common = strlen(m.items[0]);
  for (size_t i = 1; i < m.n; i++) {
    size_t k = 0;
    while (k < common && tolower((unsigned char)m.items[i][k]) == tolower((unsigned char)m.items[0][k])) k++;
    common = k;
  }
  if (common > plen) {
    insert_part(e, el, m.items[0], plen, common, m.lower, "");
    return CC_REFRESH;
  }
  list_matches(&m);
  return CC_REDISPLAY;
}

/* libedit's character reader: waits on the terminal in slices that notice
 * Ctrl-C (then returns -1, and el_gets returns NULL with the line
 * discarded), 0 at end of input. Bytes are decoded with mbrtowc as libedit
 * itself does; a byte that decodes to nothing is passed on as it is.
 * A Ctrl-C flushes the terminal's input queue, possibly between poll()
 * saying "readable" and the read: so the read happens only when bytes
 * are queued (FIONREAD), else the wait starts over. */
static int read_char(EditLine *el, wchar_t *wc) {
  (void)el;
  mbstate_t st;
  memset(&st, 0, sizeof st);
  for (;;) {
    int ready = skysh_wait_fd(STDIN_FILENO, POLLIN);
    if (ready <= 0) return -1;
    int queued = 0;
    struct pollfd hup = {.fd = STDIN_FILENO, .events = POLLIN};
    if (ioctl(STDIN_FILENO, FIONREAD, &queued) == 0 && queued == 0 && poll(&hup, 1, 0) >= 0 &&
        !(hup.revents & (POLLHUP | POLLERR | POLLNVAL)))
      continue; /* flushed by a Ctrl-C: nothing to read after all */
    char b;
    ssize_t got = read(STDIN_FILENO, &b, 1);
    if (got == 0) return 0;
    if (got < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    size_t r = mbrtowc(wc, &b, 1, &st);
    if (r == (size_t)-2) continue; /* more bytes to come */
    if (r == (size_t)-1) *wc = (wchar_t)(unsigned char)b;
    return 1;
  }
}

static char *prompt_fn(EditLine *el) {
  skysh_edit *e = NULL;
  el_get(el, EL_CLIENTDATA, &e);
  return (char *)(e && e->prompt ? e->prompt : "sky> ");
}

skysh_edit *skysh_edit_open(skysh_session *session, const char *history_path) {
  skysh_edit *e = sky_calloc(1, sizeof *e);
  if (!e) return NULL;
  e->session = session;
  e->stale = true;
  load_language(e);
  e->el = el_init("sky-shell", stdin, stdout, stderr);
  e->hist = history_init();
  if (!e->el || !e->hist) {
    skysh_edit_close(e);
    return NULL;
  }
  HistEvent ev;
  history(e->hist, &ev, H_SETSIZE, 2000);
  history(e->hist, &ev, H_SETUNIQUE, 1);
  if (history_path) {
    e->history_path = sky_strdup(history_path);
    history(e->hist, &ev, H_LOAD, history_path);
  }
  el_set(e->el, EL_CLIENTDATA, e);
  el_set(e->el, EL_EDITOR, "emacs");
  el_set(e->el, EL_SIGNAL, 1);
  el_set(e->el, EL_GETCFN, read_char);
  el_set(e->el, EL_PROMPT, prompt_fn);
  el_set(e->el, EL_HIST, history, e->hist);
  /* The wide call: libedit's narrow EL_ADDFN leaks its copies of the names. */
  el_wset(e->el, EL_ADDFN, L"sky-complete", L"complete a name or keyword", complete);
  el_set(e->el, EL_BIND, "^I", "sky-complete", NULL);
  el_source(e->el, NULL);
  return e;
}

void skysh_edit_close(skysh_edit *e) {
  if (!e) return;
  if (e->el) el_end(e->el);
  if (e->hist) history_end(e->hist);
  names_clear(&e->tables);
  names_clear(&e->props);
  names_clear(&e->keywords);
  names_clear(&e->functions);
  sky_free(e->history_path);
  sky_free(e->line);
  sky_free(e);
}

const char *skysh_edit_read(skysh_edit *e, const char *prompt, size_t *len) {
  e->prompt = prompt;
  int count = 0;
  const char *s = el_gets(e->el, &count);
  if (!s || count <= 0) return NULL;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
  sky_free(e->line);
  e->line = sky_strndup(s, n);
  if (!e->line) return NULL;
  *len = n;
  return e->line;
}

void skysh_edit_remember(skysh_edit *e, const char *text, size_t len) {
  char *entry = sky_strndup(text, len);
  if (!entry) return;
  HistEvent ev;
  history(e->hist, &ev, H_ENTER, entry);
  sky_free(entry);
  if (e->history_path) {
    history(e->hist, &ev, H_SAVE, e->history_path);
    chmod(e->history_path, 0600);
  }
}

void skysh_edit_names_stale(skysh_edit *e) { e->stale = true; }
