/* funnel.h — FUNNEL's per-object state on a walk, shared by the
 * interpreter's definitions (funnel.c) and the compiled scan's register
 * machine (funnel_machine.c). Private to src/codegen.
 */
#ifndef SKY_CODEGEN_FUNNEL_H
#define SKY_CODEGEN_FUNNEL_H

#include "codegen/interp.h"

/* A matching event kept for the object's flush. */
typedef struct fevent {
  int64_t ts;
  int64_t session;
  uint64_t steps; /* bit i: step i + 1 holds */
  uint64_t excl;  /* bit x: EXCLUDE x holds */
} fevent;

/* The register machine's memory, reused from object to object. */
typedef struct funnel_machine {
  struct fnode *nodes; /* chain nodes of the current object */
  size_t n_nodes, cap_nodes;
  struct fmach *mach;  /* one machine per entry key of the current object */
  int64_t *regs;       /* [cap_mach * 2 * (k + 1)]: each machine's registers */
  size_t n_mach, cap_mach;
} funnel_machine;

typedef struct funnel_state {
  const sky_funnel *f;
  uint32_t nv;           /* values per event: HOLDING, then GROUP BY */
  fevent *ev;
  sky_ival *vals;        /* [cap * nv] */
  size_t n, cap;
  uint64_t *excl_at;     /* [k]: EXCLUDE bits that forbid transition j -> j+1 (index j - 1) */
  uint32_t *starts;      /* [cap] candidate start events */
  int64_t *first_end;    /* [k + 1]: first event ending a chain of length j (-1 none) */
  int64_t *reach;        /* [k + 1]: the entry's reach(j) */
  sky_ival *entry;       /* [SKY_ENTRY_KEY0 + nv] the entry row */
  funnel_machine machine;
} funnel_state;

/* funnel.c */
bool sky_funnel_same_values(const sky_ival *a, const sky_ival *b, uint32_t n);
/* Adds the entry's rows: level L, reach(1..L) in fs->reach, keys from the
 * values of event `p`. A SKY_SCAN_* code. */
int sky_funnel_emit_entry(sky_walk *w, size_t p, uint32_t L);

/* funnel_machine.c */
bool sky_funnel_machine_applies(const sky_funnel *f);
int sky_funnel_machine_flush(sky_walk *w);
void sky_funnel_machine_free(funnel_machine *m);

#endif
