/* server_workers.c — statement worker threads; see server_workers.h. One
 * mutex guards both lists: jobs are coarse (a statement, a LOAD chunk), so
 * the lock is never the bottleneck, and one lock keeps the shutdown order
 * simple (stop is seen only once the queue is empty). */
#include "server/server_workers.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/alloc.h"

struct skyd_workers {
  pthread_mutex_t mu;
  pthread_cond_t work;
  skyd_job *queue_head, *queue_tail;
  skyd_job *done_head, *done_tail;
  bool stop;
  int event_fd;
  unsigned n_threads;
  pthread_t *threads;
};

static void *worker_main(void *arg) {
  skyd_workers *w = arg;
  pthread_mutex_lock(&w->mu);
  for (;;) {
    while (!w->queue_head && !w->stop) pthread_cond_wait(&w->work, &w->mu);
    skyd_job *job = w->queue_head;
    if (!job) break; /* stop, and nothing left to run */
    w->queue_head = job->next;
    if (!w->queue_head) w->queue_tail = NULL;
    pthread_mutex_unlock(&w->mu);

    job->run(job);

    pthread_mutex_lock(&w->mu);
    job->next = NULL;
    bool was_empty = !w->done_head;
    if (w->done_tail) w->done_tail->next = job;
    else w->done_head = job;
    w->done_tail = job;
    if (was_empty) {
      uint64_t one = 1;
      ssize_t r;
      do r = write(w->event_fd, &one, sizeof one);
      while (r < 0 && errno == EINTR);
    }
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

skyd_workers *skyd_workers_create(unsigned n) {
  if (n == 0) n = 1;
  skyd_workers *w = sky_calloc(1, sizeof *w);
  if (!w) return NULL;
  w->threads = sky_calloc(n, sizeof *w->threads);
  w->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (!w->threads || w->event_fd < 0) goto fail;
  pthread_mutex_init(&w->mu, NULL);
  pthread_cond_init(&w->work, NULL);
  for (unsigned i = 0; i < n; i++) {
    if (pthread_create(&w->threads[i], NULL, worker_main, w) != 0) {
      skyd_workers_free(w);
      return NULL;
    }
    w->n_threads++;
  }
  return w;
fail:
  if (w->event_fd >= 0) close(w->event_fd);
  sky_free(w->threads);
  sky_free(w);
  return NULL;
}

void skyd_workers_free(skyd_workers *w) {
  if (!w) return;
  pthread_mutex_lock(&w->mu);
  w->stop = true;
  pthread_cond_broadcast(&w->work);
  pthread_mutex_unlock(&w->mu);
  for (unsigned i = 0; i < w->n_threads; i++) pthread_join(w->threads[i], NULL);
  pthread_cond_destroy(&w->work);
  pthread_mutex_destroy(&w->mu);
  close(w->event_fd);
  sky_free(w->threads);
  sky_free(w);
}

int skyd_workers_fd(const skyd_workers *w) { return w->event_fd; }

void skyd_workers_submit(skyd_workers *w, skyd_job *job) {
  job->next = NULL;
  pthread_mutex_lock(&w->mu);
  if (w->queue_tail) w->queue_tail->next = job;
  else w->queue_head = job;
  w->queue_tail = job;
  pthread_cond_signal(&w->work);
  pthread_mutex_unlock(&w->mu);
}

skyd_job *skyd_workers_take_done(skyd_workers *w) {
  uint64_t count;
  ssize_t r;
  do r = read(w->event_fd, &count, sizeof count);
  while (r < 0 && errno == EINTR);
  pthread_mutex_lock(&w->mu);
  skyd_job *list = w->done_head;
  w->done_head = w->done_tail = NULL;
  pthread_mutex_unlock(&w->mu);
  return list;
}
