/* server_users.c — the users file; see server_users.h. */
#include "server/server_users.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/buf.h"

typedef struct user_entry {
  char name[65];
  char hash[crypto_pwhash_STRBYTES];
} user_entry;

struct skyd_users {
  user_entry *users;
  size_t n, cap;
  char dummy[crypto_pwhash_STRBYTES];
};

static int set_err(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int set_err(char *err, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, n, fmt, ap);
  va_end(ap);
  return -1;
}

bool skyd_user_name_valid(const char *name, size_t len) {
  if (len == 0 || len > 64) return false;
  for (size_t i = 0; i < len; i++) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

const char *skyd_password_problem(const char *password, size_t len) {
  if (len == 0) return "the password is empty";
  if (len > 1024) return "the password is longer than 1024 bytes";
  if (password[0] == ' ' || password[0] == '\t') return "the password starts with a blank";
  for (size_t i = 0; i < len; i++)
    if (password[i] == '\n' || password[i] == '\r' || password[i] == '\0')
      return "the password holds a line end or NUL byte";
  return NULL;
}

int skyd_users_hash(const char *password, size_t len, uint64_t kdf_ops, uint64_t kdf_mem, char *out) {
  return crypto_pwhash_str(out, password, len, kdf_ops, (size_t)kdf_mem) == 0 ? 0 : -1;
}

/* Reads a whole (small) file. A missing file gives an empty text when
 * `missing_ok`. The caller frees *text with sky_free. */
static int read_text(const char *path, bool missing_ok, char **text, size_t *len, char *err, size_t err_len) {
  *text = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (missing_ok && errno == ENOENT) return 0;
    return set_err(err, err_len, "%s: %s", path, strerror(errno));
  }
  sky_buf b;
  sky_buf_init(&b);
  char chunk[4096];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (16u << 20)) sky_buf_append(&b, chunk, got);
  bool bad = ferror(f) || b.failed || b.len >= (16u << 20);
  fclose(f);
  if (bad) {
    sky_buf_free(&b);
    return set_err(err, err_len, "%s: cannot read (or larger than 16 MiB)", path);
  }
  *text = sky_buf_take(&b, len);
  return *text ? 0 : set_err(err, err_len, "out of memory");
}

/* Splits "name:hash". Returns 0 for a user line, 1 for blank/comment, -1 bad. */
static int split_line(const char *line, size_t len, const char **name, size_t *name_len, const char **hash,
                      size_t *hash_len) {
  size_t i = 0;
  while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
  if (i == len || line[i] == '#') return 1;
  const char *colon = memchr(line + i, ':', len - i);
  if (!colon) return -1;
  *name = line + i;
  *name_len = (size_t)(colon - (line + i));
  *hash = colon + 1;
  *hash_len = len - (size_t)(colon + 1 - line);
  while (*hash_len > 0 && ((*hash)[*hash_len - 1] == ' ' || (*hash)[*hash_len - 1] == '\t')) (*hash_len)--;
  return 0;
}

static int parse_users(skyd_users *u, const char *path, const char *text, size_t len, char *err, size_t err_len) {
  size_t pos = 0;
  int line_no = 0;
  while (pos < len) {
    const char *line = text + pos;
    const char *nl = memchr(line, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - line) : len - pos;
    pos += n + (nl ? 1 : 0);
    line_no++;
    if (n > 0 && line[n - 1] == '\r') n--;
    const char *name, *hash;
    size_t name_len, hash_len;
    int kind = split_line(line, n, &name, &name_len, &hash, &hash_len);
    if (kind == 1) continue;
    if (kind < 0 || !skyd_user_name_valid(name, name_len))
      return set_err(err, err_len, "%s:%d: expected 'name:hash' with a name of [A-Za-z0-9_.@-]", path, line_no);
    if (hash_len == 0 || hash_len >= crypto_pwhash_STRBYTES || hash[0] != '$' || memchr(hash, '\0', hash_len))
      return set_err(err, err_len, "%s:%d: malformed password hash", path, line_no);
    for (size_t k = 0; k < u->n; k++)
      if (strlen(u->users[k].name) == name_len && memcmp(u->users[k].name, name, name_len) == 0)
        return set_err(err, err_len, "%s:%d: user '%.*s' appears twice", path, line_no, (int)name_len, name);
    if (sky_grow((void **)&u->users, &u->cap, u->n + 1, sizeof *u->users) != 0)
      return set_err(err, err_len, "out of memory");
    user_entry *e = &u->users[u->n++];
    memset(e, 0, sizeof *e);
    memcpy(e->name, name, name_len);
    memcpy(e->hash, hash, hash_len);
  }
  return 0;
}

int skyd_users_load(const char *path, uint64_t kdf_ops, uint64_t kdf_mem, skyd_users **out, char *err,
                    size_t err_len) {
  *out = NULL;
  char *text;
  size_t len;
  if (read_text(path, false, &text, &len, err, err_len) != 0) return -1;
  skyd_users *u = sky_calloc(1, sizeof *u);
  if (!u) {
    sky_free(text);
    return set_err(err, err_len, "out of memory");
  }
  int rc = parse_users(u, path, text, len, err, err_len);
  sky_free(text);
  if (rc == 0) {
    unsigned char noise[32];
    randombytes_buf(noise, sizeof noise);
    if (skyd_users_hash((const char *)noise, sizeof noise, kdf_ops, kdf_mem, u->dummy) != 0)
      rc = set_err(err, err_len, "cannot make the dummy password hash (kdf_mem too large?)");
  }
  if (rc != 0) {
    skyd_users_free(u);
    return -1;
  }
  *out = u;
  return 0;
}

void skyd_users_free(skyd_users *u) {
  if (!u) return;
  if (u->users) sodium_memzero(u->users, u->cap * sizeof *u->users);
  sky_free(u->users);
  sky_free(u);
}

size_t skyd_users_count(const skyd_users *u) { return u ? u->n : 0; }

size_t skyd_users_stale(const skyd_users *u, uint64_t kdf_ops, uint64_t kdf_mem) {
  size_t n = 0;
  for (size_t i = 0; u && i < u->n; i++)
    if (crypto_pwhash_str_needs_rehash(u->users[i].hash, kdf_ops, (size_t)kdf_mem) != 0) n++;
  return n;
}

bool skyd_users_verify(const skyd_users *u, const char *user, size_t user_len, const char *password,
                       size_t password_len) {
  const char *hash = u->dummy;
  bool known = false;
  for (size_t i = 0; i < u->n; i++) {
    if (strlen(u->users[i].name) == user_len && memcmp(u->users[i].name, user, user_len) == 0) {
      hash = u->users[i].hash;
      known = true;
    }
  }
  bool match = crypto_pwhash_str_verify(hash, password, password_len) == 0;
  return known && match;
}

/* Writes `text` to path atomically: temp file in the same directory, fsync,
 * rename, fsync of the directory. */
static int write_atomic(const char *path, const char *text, size_t len, char *err, size_t err_len) {
  char tmp[4096], dir[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
    return set_err(err, err_len, "path too long");
  snprintf(dir, sizeof dir, "%s", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return set_err(err, err_len, "%s: %s", tmp, strerror(errno));
  size_t off = 0;
  while (off < len) {
    ssize_t w = write(fd, text + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    off += (size_t)w;
  }
  int rc = off == len && fsync(fd) == 0 ? 0 : -1;
  int saved = errno;
  close(fd);
  if (rc == 0 && rename(tmp, path) != 0) rc = -1, saved = errno;
  if (rc != 0) {
    unlink(tmp);
    return set_err(err, err_len, "%s: %s", path, strerror(saved));
  }
  int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return 0;
}

/* Rewrites the file without `user`'s line, then with `hash` (if not NULL)
 * appended. Returns the number of lines removed, or -1. */
static int rewrite(const char *path, const char *user, const char *hash, bool create, char *err, size_t err_len) {
  char *text;
  size_t len;
  if (read_text(path, create, &text, &len, err, err_len) != 0) return -1;
  if (!text && !create) return set_err(err, err_len, "%s: no such file", path);
  sky_buf out;
  sky_buf_init(&out);
  if (len == 0) sky_buf_puts(&out, "# Sky users: one name:argon2id-hash per line (edit with sky-user).\n");
  int removed = 0;
  size_t pos = 0;
  while (pos < len) {
    const char *line = text + pos;
    const char *nl = memchr(line, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - line) : len - pos;
    pos += n + (nl ? 1 : 0);
    const char *name, *h;
    size_t name_len, h_len;
    if (split_line(line, n, &name, &name_len, &h, &h_len) == 0 && name_len == strlen(user) &&
        memcmp(name, user, name_len) == 0) {
      removed++;
      continue;
    }
    sky_buf_append(&out, line, n);
    sky_buf_putc(&out, '\n');
  }
  if (hash) sky_buf_printf(&out, "%s:%s\n", user, hash);
  sky_free(text);
  int rc = out.failed ? set_err(err, err_len, "out of memory") : write_atomic(path, out.data, out.len, err, err_len);
  sky_buf_free(&out);
  return rc != 0 ? -1 : removed;
}

int skyd_users_file_put(const char *path, const char *user, const char *hash, char *err, size_t err_len) {
  if (!skyd_user_name_valid(user, strlen(user)))
    return set_err(err, err_len, "invalid user name '%.64s' (1-64 of A-Z a-z 0-9 _ . @ -)", user);
  return rewrite(path, user, hash, true, err, err_len) < 0 ? -1 : 0;
}

int skyd_users_file_del(const char *path, const char *user, char *err, size_t err_len) {
  int removed = rewrite(path, user, NULL, false, err, err_len);
  return removed < 0 ? -1 : removed > 0 ? 1 : 0;
}
