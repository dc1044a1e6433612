/* io.c — file operations with errors as values and the ENOSPC injection
 * hook; see io.h. The hook is a process-wide test aid: two relaxed atomic
 * counters, like the allocation-failure hook in common/alloc.c. */
#include "storage/io.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/error.h"
#include "storage/storage.h"

static _Atomic uint64_t g_io_ops;
static _Atomic uint64_t g_io_fail_at; /* 0 = never */

void sky_io_fail_after(uint64_t n) {
  uint64_t now = atomic_load_explicit(&g_io_ops, memory_order_relaxed);
  atomic_store_explicit(&g_io_fail_at, n ? now + n : 0, memory_order_relaxed);
}

uint64_t sky_io_write_ops(void) { return atomic_load_explicit(&g_io_ops, memory_order_relaxed); }

/* True when this counted operation must fail (errno is then ENOSPC). */
static bool injected(void) {
  uint64_t n = atomic_fetch_add_explicit(&g_io_ops, 1, memory_order_relaxed) + 1;
  uint64_t at = atomic_load_explicit(&g_io_fail_at, memory_order_relaxed);
  if (at != 0 && n >= at) {
    errno = ENOSPC;
    return true;
  }
  return false;
}

int sky_io_errno(sky_error *err, const char *what, const char *path) {
  int e = errno;
  return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "%s '%s': %s", what, path, strerror(e));
}

int sky_io_open_read(const char *path, int *fd, sky_error *err) {
  *fd = open(path, O_RDONLY | O_CLOEXEC);
  return *fd < 0 ? sky_io_errno(err, "cannot open", path) : 0;
}

int sky_io_open_rw(const char *path, int *fd, sky_error *err) {
  *fd = open(path, O_RDWR | O_CLOEXEC);
  return *fd < 0 ? sky_io_errno(err, "cannot open", path) : 0;
}

int sky_io_create(const char *path, int *fd, sky_error *err) {
  *fd = -1;
  if (injected()) return sky_io_errno(err, "cannot create", path);
  *fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  return *fd < 0 ? sky_io_errno(err, "cannot create", path) : 0;
}

int sky_io_mkdir(const char *path, sky_error *err) {
  if (injected() || mkdir(path, 0755) != 0) return sky_io_errno(err, "cannot create directory", path);
  return 0;
}

int sky_io_link(const char *from, const char *to, sky_error *err) {
  if (injected() || link(from, to) != 0) return sky_io_errno(err, "cannot link", to);
  return 0;
}

int sky_io_rename(const char *from, const char *to, sky_error *err) {
  if (injected() || rename(from, to) != 0) return sky_io_errno(err, "cannot rename", from);
  return 0;
}

int sky_io_rename_undo(const char *from, const char *to, sky_error *err) {
  if (rename(from, to) != 0) return sky_io_errno(err, "cannot rename", from);
  return 0;
}

void sky_io_close(int fd) {
  if (fd >= 0) close(fd);
}

int sky_io_pwrite(int fd, const void *data, size_t len, uint64_t off, const char *path, sky_error *err) {
  if (injected()) return sky_io_errno(err, "cannot write", path);
  const char *p = data;
  while (len > 0) {
    ssize_t n = pwrite(fd, p, len, (off_t)off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return sky_io_errno(err, "cannot write", path);
    }
    p += n;
    off += (uint64_t)n;
    len -= (size_t)n;
  }
  return 0;
}

void sky_io_overwrite_hint(int fd, const void *data, size_t len, uint64_t off) {
  ssize_t n;
  do n = pwrite(fd, data, len, (off_t)off);
  while (n < 0 && errno == EINTR);
}

int sky_io_fsync(int fd, const char *path, sky_error *err) {
  if (injected() || fsync(fd) != 0) return sky_io_errno(err, "cannot fsync", path);
  return 0;
}

int sky_io_fdatasync(int fd, const char *path, sky_error *err) {
  if (injected() || fdatasync(fd) != 0) return sky_io_errno(err, "cannot fsync", path);
  return 0;
}

int sky_io_fsync_dir(const char *dir, sky_error *err) {
  if (injected()) return sky_io_errno(err, "cannot fsync directory", dir);
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return sky_io_errno(err, "cannot open directory", dir);
  int rc = fsync(fd);
  int e = errno;
  close(fd);
  errno = e;
  return rc != 0 ? sky_io_errno(err, "cannot fsync directory", dir) : 0;
}

int sky_io_truncate(int fd, uint64_t len, const char *path, sky_error *err) {
  if (ftruncate(fd, (off_t)len) != 0) return sky_io_errno(err, "cannot truncate", path);
  return 0;
}

int sky_io_pread_all(int fd, void *buf, size_t len, uint64_t off, const char *path, sky_error *err) {
  char *p = buf;
  while (len > 0) {
    ssize_t n = pread(fd, p, len, (off_t)off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return sky_io_errno(err, "cannot read", path);
    }
    if (n == 0) return sky_error_set(err, SKY_ERR_IO_ERROR, 0, 0, "file '%s' is truncated", path);
    p += n;
    off += (uint64_t)n;
    len -= (size_t)n;
  }
  return 0;
}

int sky_io_file_size(int fd, uint64_t *size, const char *path, sky_error *err) {
  struct stat st;
  if (fstat(fd, &st) != 0) return sky_io_errno(err, "cannot stat", path);
  *size = (uint64_t)st.st_size;
  return 0;
}

int sky_io_read_file(const char *path, char **data, size_t *len, sky_error *err) {
  int fd;
  if (sky_io_open_read(path, &fd, err) != 0) return -1;
  uint64_t size;
  if (sky_io_file_size(fd, &size, path, err) != 0) {
    close(fd);
    return -1;
  }
  char *buf = sky_malloc((size_t)size + 1);
  if (!buf) {
    close(fd);
    return sky_error_oom(err);
  }
  int rc = sky_io_pread_all(fd, buf, (size_t)size, 0, path, err);
  close(fd);
  if (rc != 0) {
    sky_free(buf);
    return -1;
  }
  buf[size] = '\0';
  *data = buf;
  *len = (size_t)size;
  return 0;
}

int sky_io_replace_file(const char *dir, const char *name, const void *data, size_t len, sky_error *err) {
  char *path = sky_path_join(dir, name);
  size_t plen = path ? strlen(path) : 0;
  char *tmp = path ? sky_malloc(plen + 5) : NULL;
  if (!tmp) {
    sky_free(path);
    return sky_error_oom(err);
  }
  memcpy(tmp, path, plen);
  memcpy(tmp + plen, ".tmp", 5);
  unlink(tmp); /* a leftover of a crash */
  int fd = -1, rc = -1;
  if (sky_io_create(tmp, &fd, err) != 0) goto out;
  if (sky_io_pwrite(fd, data, len, 0, tmp, err) != 0 || sky_io_fsync(fd, tmp, err) != 0) {
    close(fd);
    unlink(tmp);
    goto out;
  }
  close(fd);
  if (sky_io_rename(tmp, path, err) != 0) {
    unlink(tmp);
    goto out;
  }
  rc = sky_io_fsync_dir(dir, err);
out:
  sky_free(tmp);
  sky_free(path);
  return rc;
}

void sky_io_remove_tree(const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    unlink(path);
    return;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char *sub = sky_path_join(path, e->d_name);
    if (!sub) continue;
    if (e->d_type == DT_DIR) sky_io_remove_tree(sub);
    else unlink(sub);
    sky_free(sub);
  }
  closedir(d);
  rmdir(path);
}

bool sky_io_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

int sky_io_writer_init(sky_io_writer *w, int fd, const char *path, size_t cap, sky_error *err) {
  memset(w, 0, sizeof *w);
  w->fd = fd;
  w->path = path;
  w->cap = cap;
  w->buf = sky_malloc(cap);
  return w->buf ? 0 : sky_error_oom(err);
}

int sky_io_writer_flush(sky_io_writer *w, sky_error *err) {
  if (w->len == 0) return 0;
  if (sky_io_pwrite(w->fd, w->buf, w->len, w->off, w->path, err) != 0) return -1;
  w->off += w->len;
  w->len = 0;
  return 0;
}

int sky_io_writer_append(sky_io_writer *w, const void *data, size_t len, sky_error *err) {
  const char *p = data;
  if (w->len + len > w->cap && sky_io_writer_flush(w, err) != 0) return -1;
  if (len >= w->cap) { /* large pieces go straight to the file */
    if (sky_io_pwrite(w->fd, p, len, w->off, w->path, err) != 0) return -1;
    w->off += len;
    return 0;
  }
  memcpy(w->buf + w->len, p, len);
  w->len += len;
  return 0;
}

uint64_t sky_io_writer_pos(const sky_io_writer *w) { return w->off + w->len; }

void sky_io_writer_free(sky_io_writer *w) {
  sky_free(w->buf);
  w->buf = NULL;
}

char *sky_path_join(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *p = sky_malloc(la + lb + 2);
  if (!p) return NULL;
  memcpy(p, a, la);
  p[la] = '/';
  memcpy(p + la + 1, b, lb + 1);
  return p;
}
