/* server_workers.h — the threads that run statements for skyd.
 *
 * The event loop never blocks: anything that may take time (a statement, a
 * chunk of LOAD data, a password check) becomes a job. A worker runs the
 * job's function, then puts it on the done list and wakes the loop through
 * an eventfd; the loop takes finished jobs back with skyd_workers_take_done().
 * Jobs are owned by their submitter (skyd embeds one in each connection) and
 * are never freed here. The eventfd is written only when the done list goes
 * from empty to non-empty, so a burst of completions costs one wake-up.
 */
#ifndef SKY_SERVER_SERVER_WORKERS_H
#define SKY_SERVER_SERVER_WORKERS_H

#include <stddef.h>

typedef struct skyd_job skyd_job;
struct skyd_job {
  void (*run)(skyd_job *job); /* called on a worker thread */
  skyd_job *next;             /* queue link, owned by the pool */
};

typedef struct skyd_workers skyd_workers;

/* Starts `n` threads (at least 1). Returns NULL when out of resources. */
skyd_workers *skyd_workers_create(unsigned n);
/* Waits for queued and running jobs, then joins the threads. */
void skyd_workers_free(skyd_workers *w);
/* The eventfd that becomes readable when jobs are done. */
int skyd_workers_fd(const skyd_workers *w);
void skyd_workers_submit(skyd_workers *w, skyd_job *job);
/* Finished jobs in completion order (linked by `next`), or NULL. Clears
 * the eventfd. Loop thread only. */
skyd_job *skyd_workers_take_done(skyd_workers *w);

#endif
