/* io.h — every file operation of the storage engine goes through here.
 *
 * One place turns errno into io_error values that name the file, and one
 * place implements the disk-full test hook (sky_io_fail_after in
 * storage.h): operations that may need new space on the device (create,
 * mkdir, link, rename, write, pwrite, fsync, directory fsync) count as
 * "writes" and fail with ENOSPC from the n-th one on. Operations that only
 * release space or restore a previous name (unlink, shrinking truncate, the
 * undo of a rename) are never failed by the hook: they are how a failed
 * commit puts the directory back as it was, and a full disk does not stop
 * them in reality either.
 *
 * Nothing here prints; every failure is an error value.
 */
#ifndef SKY_STORAGE_IO_H
#define SKY_STORAGE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sky.h"

/* Counted operations so far (a test aid: group commit shares fsyncs). */
uint64_t sky_io_write_ops(void);

/* Fails with io_error "<what> '<path>': <strerror>" from errno. Returns -1. */
int sky_io_errno(sky_error *err, const char *what, const char *path);

/* Opening. Every fd is O_CLOEXEC. */
int sky_io_open_read(const char *path, int *fd, sky_error *err);
int sky_io_open_rw(const char *path, int *fd, sky_error *err);          /* existing file */
int sky_io_create(const char *path, int *fd, sky_error *err);           /* O_EXCL; counted */
int sky_io_mkdir(const char *path, sky_error *err);                     /* counted */
int sky_io_link(const char *from, const char *to, sky_error *err);      /* counted */
int sky_io_rename(const char *from, const char *to, sky_error *err);    /* counted */
int sky_io_rename_undo(const char *from, const char *to, sky_error *err); /* not counted */
void sky_io_close(int fd);

/* Writing (counted). Short writes are retried; a full write or an error. */
int sky_io_pwrite(int fd, const void *data, size_t len, uint64_t off, const char *path, sky_error *err);
int sky_io_fsync(int fd, const char *path, sky_error *err);
int sky_io_fdatasync(int fd, const char *path, sky_error *err);
int sky_io_fsync_dir(const char *dir, sky_error *err);
/* Overwrites bytes inside a file's existing extent, without a sync and
 * ignoring failure: for hints whose loss only weakens a check (the WAL's
 * acknowledged mark). Not counted: it needs no new space. */
void sky_io_overwrite_hint(int fd, const void *data, size_t len, uint64_t off);
/* Shrinks a file (not counted: it frees space). */
int sky_io_truncate(int fd, uint64_t len, const char *path, sky_error *err);

/* Reading. pread_all fails with io_error "... truncated" on a short read. */
int sky_io_pread_all(int fd, void *buf, size_t len, uint64_t off, const char *path, sky_error *err);
int sky_io_file_size(int fd, uint64_t *size, const char *path, sky_error *err);
/* Reads a whole file into a sky_malloc'ed buffer (NUL-terminated). */
int sky_io_read_file(const char *path, char **data, size_t *len, sky_error *err);

/* Writes `data` to dir/name durably and atomically: dir/name.tmp, fsync,
 * rename over dir/name, fsync dir. On failure the old dir/name is intact. */
int sky_io_replace_file(const char *dir, const char *name, const void *data, size_t len, sky_error *err);

/* Removes a directory tree (best effort, not counted). */
void sky_io_remove_tree(const char *path);
bool sky_io_exists(const char *path);

/* A buffered sequential writer for new files (segments): appends go to a
 * buffer of `cap` bytes written with pwrite when full. */
typedef struct sky_io_writer {
  int fd;
  const char *path; /* not owned */
  uint64_t off;     /* bytes handed to the kernel */
  char *buf;
  size_t len, cap;
} sky_io_writer;

int sky_io_writer_init(sky_io_writer *w, int fd, const char *path, size_t cap, sky_error *err);
int sky_io_writer_append(sky_io_writer *w, const void *data, size_t len, sky_error *err);
int sky_io_writer_flush(sky_io_writer *w, sky_error *err);
uint64_t sky_io_writer_pos(const sky_io_writer *w); /* bytes appended so far */
void sky_io_writer_free(sky_io_writer *w);         /* does not close fd */

/* Path helper: "a/b" into a sky_malloc'ed string, NULL when out of memory. */
char *sky_path_join(const char *a, const char *b);

#endif
