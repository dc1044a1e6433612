/* walfd.c — the store's bounded cache of open WAL file descriptors.
 *
 * A table's active WAL is written only by its group-commit leader, so its
 * descriptor is needed only while a group is written and synced. Keeping
 * one open per table for the server's lifetime made the number of open
 * files grow with the number of tables (about a thousand tables exhausted
 * the usual limit of 1,024). Instead a leader borrows the descriptor
 * (sky_wal_fd_get), opening the file when it is not cached, and returns it
 * when its group is durable (sky_wal_fd_put). Idle descriptors stay open,
 * most recently used first, up to the store's `max_wal_fds`; past that the
 * least recently used idle one is closed.
 *
 * Durability does not depend on which descriptor wrote: fdatasync covers
 * the file, and a descriptor is only closed idle, after its group's sync
 * returned (a failed sync fails the group before the put). Borrowed
 * descriptors are never closed by the cache, so the bound is exceeded only
 * by groups in flight at once, one per table being written.
 *
 * fd_mu is a leaf lock: taken with wal_mu held (rotation, drop) or with no
 * table lock (a leader), and nothing is locked under it. A table's wal_fd,
 * wal_fd_busy and LRU links belong to fd_mu.
 */
#include "common/error.h"
#include "storage/io.h"
#include "storage/table_int.h"

static void lru_unlink(sky_store *st, sky_table *t) {
  if (t->fd_prev) t->fd_prev->fd_next = t->fd_next;
  else st->fd_head = t->fd_next;
  if (t->fd_next) t->fd_next->fd_prev = t->fd_prev;
  else st->fd_tail = t->fd_prev;
  t->fd_prev = t->fd_next = NULL;
}

static void lru_push_front(sky_store *st, sky_table *t) {
  t->fd_prev = NULL;
  t->fd_next = st->fd_head;
  if (st->fd_head) st->fd_head->fd_prev = t;
  else st->fd_tail = t;
  st->fd_head = t;
}

/* Closes idle descriptors, oldest first, while more than the bound are
 * open. fd_mu held. */
static void trim(sky_store *st) {
  while (st->fd_open > st->opt.max_wal_fds && st->fd_tail) {
    sky_table *t = st->fd_tail;
    lru_unlink(st, t);
    sky_io_close(t->wal_fd);
    t->wal_fd = -1;
    st->fd_open--;
  }
}

int sky_wal_fd_get(sky_table *t, int *fd, sky_error *err) {
  sky_store *st = t->st;
  pthread_mutex_lock(&st->fd_mu);
  if (t->wal_fd >= 0) {
    lru_unlink(st, t);
    t->wal_fd_busy = true;
    *fd = t->wal_fd;
    pthread_mutex_unlock(&st->fd_mu);
    return 0;
  }
  pthread_mutex_unlock(&st->fd_mu);
  /* Only this table's leader (or its wal_mu holder) opens its file, so
   * nobody else can install a descriptor meanwhile. */
  int opened;
  if (sky_io_open_rw(t->wal_path, &opened, err) != 0) return -1;
  pthread_mutex_lock(&st->fd_mu);
  t->wal_fd = opened;
  t->wal_fd_busy = true;
  st->fd_open++;
  trim(st);
  pthread_mutex_unlock(&st->fd_mu);
  *fd = opened;
  return 0;
}

void sky_wal_fd_put(sky_table *t) {
  sky_store *st = t->st;
  pthread_mutex_lock(&st->fd_mu);
  t->wal_fd_busy = false;
  lru_push_front(st, t);
  trim(st);
  pthread_mutex_unlock(&st->fd_mu);
}

void sky_wal_fd_close(sky_table *t) {
  sky_store *st = t->st;
  pthread_mutex_lock(&st->fd_mu);
  if (t->wal_fd >= 0) {
    if (!t->wal_fd_busy) lru_unlink(st, t);
    sky_io_close(t->wal_fd);
    t->wal_fd = -1;
    t->wal_fd_busy = false;
    st->fd_open--;
  }
  pthread_mutex_unlock(&st->fd_mu);
}

uint32_t sky_store_open_wal_fds(sky_store *st) {
  pthread_mutex_lock(&st->fd_mu);
  uint32_t n = st->fd_open;
  pthread_mutex_unlock(&st->fd_mu);
  return n;
}
