/* pool.h — a fixed pool of worker threads running parallel-for jobs.
 *
 * Queries split into partition tasks; sky_pool_run() hands out task indexes
 * dynamically (an atomic counter), so a slow partition does not leave a core
 * idle. The calling thread works too, so a pool of N-1 threads uses N cores
 * and a job can never wait behind itself. Several jobs may run at once (from
 * several connections); workers take them in arrival order.
 */
#ifndef SKY_COMMON_POOL_H
#define SKY_COMMON_POOL_H

#include <stddef.h>

typedef struct sky_pool sky_pool;

/* `fn(arg, task, worker)`: `worker` is in [0, sky_pool_width()) and is unique
 * among the threads running the same job at one time (for per-thread state). */
typedef void (*sky_pool_fn)(void *arg, size_t task, unsigned worker);

/* Creates `n_threads` background threads (0 is allowed: all work is then
 * done by callers). Returns NULL when out of resources. */
sky_pool *sky_pool_create(unsigned n_threads);
/* Joins the threads; no job may be running. */
void sky_pool_free(sky_pool *p);
/* Threads that may run one job's tasks at once: background threads + 1. */
unsigned sky_pool_width(const sky_pool *p);
/* Runs fn for task = 0 .. n_tasks-1 and returns when all are done. */
void sky_pool_run(sky_pool *p, size_t n_tasks, sky_pool_fn fn, void *arg);
/* Number of online CPUs (at least 1). */
unsigned sky_cpu_count(void);

#endif
