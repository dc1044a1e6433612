/* pool.c — worker pool; see pool.h. Jobs wait in a FIFO; every idle worker
 * joins the oldest job that still has unclaimed tasks. A job leaves the
 * queue once all its tasks are claimed; its caller waits for completion. */
#include "common/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>

#include "common/alloc.h"

typedef struct pool_job {
  sky_pool_fn fn;
  void *arg;
  size_t n_tasks;
  atomic_size_t next;      /* next unclaimed task */
  size_t done;             /* finished tasks, under pool mutex */
  unsigned joined;         /* workers that joined (caller is worker 0) */
  unsigned active;         /* background workers still touching the job */
  struct pool_job *qnext;  /* FIFO link */
  pthread_cond_t finished; /* signalled when done == n_tasks */
} pool_job;

struct sky_pool {
  pthread_mutex_t mu;
  pthread_cond_t work;
  pool_job *head, *tail;
  bool stop;
  unsigned n_threads;
  pthread_t *threads;
};

static void dequeue_if_claimed(sky_pool *p, pool_job *job) {
  if (atomic_load(&job->next) < job->n_tasks) return;
  pool_job **link = &p->head, *prev = NULL;
  while (*link && *link != job) prev = *link, link = &(*link)->qnext;
  if (!*link) return;
  *link = job->qnext;
  if (p->tail == job) p->tail = prev;
}

/* Runs tasks of `job` as worker `id` until none is left; called unlocked. */
static size_t work_on(pool_job *job, unsigned id) {
  size_t n = 0;
  for (;;) {
    size_t t = atomic_fetch_add(&job->next, 1);
    if (t >= job->n_tasks) break;
    job->fn(job->arg, t, id);
    n++;
  }
  return n;
}

static void finish_tasks(sky_pool *p, pool_job *job, size_t n) {
  pthread_mutex_lock(&p->mu);
  dequeue_if_claimed(p, job);
  job->done += n;
  job->active--;
  if (job->done == job->n_tasks && job->active == 0) pthread_cond_broadcast(&job->finished);
  pthread_mutex_unlock(&p->mu);
}

static void *worker_main(void *arg) {
  sky_pool *p = arg;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->stop && !p->head) pthread_cond_wait(&p->work, &p->mu);
    if (p->stop) break;
    pool_job *job = p->head;
    unsigned id = ++job->joined;
    job->active++;
    pthread_mutex_unlock(&p->mu);
    size_t n = work_on(job, id);
    finish_tasks(p, job, n); /* also dequeues the job once fully claimed */
    pthread_mutex_lock(&p->mu);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

unsigned sky_cpu_count(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 1;
}

sky_pool *sky_pool_create(unsigned n_threads) {
  sky_pool *p = sky_calloc(1, sizeof *p);
  if (!p) return NULL;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->work, NULL);
  p->threads = sky_calloc(n_threads ? n_threads : 1, sizeof(pthread_t));
  if (!p->threads) {
    sky_pool_free(p);
    return NULL;
  }
  for (unsigned i = 0; i < n_threads; i++) {
    if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0) {
      sky_pool_free(p);
      return NULL;
    }
    p->n_threads++;
  }
  return p;
}

void sky_pool_free(sky_pool *p) {
  if (!p) return;
  pthread_mutex_lock(&p->mu);
  p->stop = true;
  pthread_cond_broadcast(&p->work);
  pthread_mutex_unlock(&p->mu);
  for (unsigned i = 0; i < p->n_threads; i++) pthread_join(p->threads[i], NULL);
  pthread_cond_destroy(&p->work);
  pthread_mutex_destroy(&p->mu);
  sky_free(p->threads);
  sky_free(p);
}

unsigned sky_pool_width(const sky_pool *p) { return p->n_threads + 1; }

void sky_pool_run(sky_pool *p, size_t n_tasks, sky_pool_fn fn, void *arg) {
  if (n_tasks == 0) return;
  pool_job job = {.fn = fn, .arg = arg, .n_tasks = n_tasks};
  atomic_init(&job.next, 0);
  pthread_cond_init(&job.finished, NULL);
  bool shared = p->n_threads > 0 && n_tasks > 1;
  if (shared) {
    pthread_mutex_lock(&p->mu);
    if (p->tail) p->tail->qnext = &job;
    else p->head = &job;
    p->tail = &job;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
  }
  size_t n = work_on(&job, 0);
  if (!shared) {
    pthread_cond_destroy(&job.finished);
    return;
  }
  pthread_mutex_lock(&p->mu);
  dequeue_if_claimed(p, &job);
  job.done += n;
  while (job.done < job.n_tasks || job.active > 0) pthread_cond_wait(&job.finished, &p->mu);
  pthread_mutex_unlock(&p->mu);
  pthread_cond_destroy(&job.finished);
}
