/* funnel_machine.c — FUNNEL's per-object register machine, for the compiled
 * scan: one pass over the object's kept events with O(k) registers per
 * entry key, where the interpreter (funnel.c) follows the definitions
 * start by start. The random checker holds the two to the same answers.
 *
 * It applies when there is no EXCLUDE and the order is not ANY ORDER
 * (those keep the definitions' pass). Per entry key (HOLDING and GROUP BY
 * values of a start event) a machine holds, for the current session and
 * each level j, the latest start whose chain reaches j so far — the latest
 * start leaves the most window for what follows, so it alone decides what
 * can come next — and a node of that chain's events (a linked list through
 * the object's node array, so extending a chain is O(1)):
 *
 *  - an event satisfying step j+1 (and holding the machine's HOLDING
 *    values, within the window of start[j]) extends start[j]'s chain to
 *    level j+1 when start[j+1] is not already that start (a start keeps
 *    the first event that took it to a level: reach(j+1) of the attempt);
 *    levels are visited from k down so one event is never two steps;
 *  - a start event sets start[1] to itself;
 *  - under STRICT only chains ending at the previous kept event can grow:
 *    registers not extended by this event are cleared;
 *  - a new session clears the registers, not the entry's result.
 *
 * The entry's level L is the highest level ever reached; eL* is the event
 * that first reached it (an earlier one would have reached it first), and
 * e1* is start[L-1] at that moment, the latest start able to end there; its
 * node chain is reach(1..L). Without EXCLUDE a start that once stopped
 * being the latest at a level never becomes it again, which is what makes
 * the first event recorded per start the first one of its own chains.
 */
#include <string.h>

#include "codegen/funnel.h"
#include "common/alloc.h"

typedef struct fnode {
  int64_t ts;
  int64_t parent; /* node index, -1 at the start */
} fnode;

typedef struct fmach {
  uint32_t key_at; /* a start event with this machine's key */
  uint32_t level;  /* the entry's level so far (every session) */
  int64_t end;     /* node of the chain that first reached `level` */
  int64_t session; /* session of the registers */
} fmach;

bool sky_funnel_machine_applies(const sky_funnel *f) {
  return f->n_excludes == 0 && f->order != SKY_FUNNEL_ANY_ORDER;
}

void sky_funnel_machine_free(funnel_machine *m) {
  sky_free(m->nodes);
  sky_free(m->mach);
  sky_free(m->regs);
  memset(m, 0, sizeof *m);
}

/* A new chain node, or -1 when the budget refuses. */
static int64_t new_node(sky_walk *w, funnel_machine *m, int64_t ts, int64_t parent) {
  if (m->n_nodes == m->cap_nodes) {
    size_t cap = m->cap_nodes ? m->cap_nodes * 2 : 256;
    if (!sky_walk_charge(w, (cap - m->cap_nodes) * sizeof(fnode))) return -1;
    fnode *v = sky_realloc(m->nodes, cap * sizeof *v);
    if (!v) return -1;
    m->nodes = v;
    m->cap_nodes = cap;
  }
  m->nodes[m->n_nodes] = (fnode){ts, parent};
  return (int64_t)m->n_nodes++;
}

/* Registers of machine i: start[0..k], then node[0..k]. */
static int64_t *regs_of(funnel_machine *m, size_t i, uint32_t k) { return m->regs + i * 2 * (size_t)(k + 1); }

static void clear_regs(int64_t *r, uint32_t k) {
  for (uint32_t j = 0; j <= k; j++) r[j] = -1;
}

/* The machine of start event q's key: found, or new. -1 out of memory. */
static int64_t machine_of(sky_walk *w, funnel_state *fs, size_t q) {
  funnel_machine *m = &fs->machine;
  uint32_t k = fs->f->n_steps;
  const sky_ival *key = fs->vals + q * fs->nv;
  for (size_t i = 0; i < m->n_mach; i++)
    if (sky_funnel_same_values(fs->vals + (size_t)m->mach[i].key_at * fs->nv, key, fs->nv)) return (int64_t)i;
  if (m->n_mach == m->cap_mach) {
    size_t cap = m->cap_mach ? m->cap_mach * 2 : 4;
    size_t per = sizeof(fmach) + 2 * (size_t)(k + 1) * sizeof(int64_t);
    if (!sky_walk_charge(w, (cap - m->cap_mach) * per)) return -1;
    fmach *v = sky_realloc(m->mach, cap * sizeof *v);
    if (v) m->mach = v;
    int64_t *r = sky_realloc(m->regs, cap * 2 * (size_t)(k + 1) * sizeof *r);
    if (r) m->regs = r;
    if (!v || !r) return -1;
    m->cap_mach = cap;
  }
  size_t i = m->n_mach++;
  m->mach[i] = (fmach){.key_at = (uint32_t)q, .level = 0, .end = -1, .session = fs->ev[q].session};
  clear_regs(regs_of(m, i, k), k);
  return (int64_t)i;
}

/* Event q on machine i: continuations, then (when q starts this key) a
 * new start. -1 out of memory. */
static int advance(sky_walk *w, funnel_state *fs, size_t i, size_t q, bool starts_here) {
  const sky_funnel *f = fs->f;
  funnel_machine *m = &fs->machine;
  uint32_t k = f->n_steps;
  fmach *M = &m->mach[i];
  int64_t *start = regs_of(m, i, k), *node = start + (k + 1);
  const fevent *e = &fs->ev[q];
  if (M->session != e->session) {
    clear_regs(start, k);
    M->session = e->session;
  }
  bool strict = f->order == SKY_FUNNEL_STRICT;
  bool holds = sky_funnel_same_values(fs->vals + q * fs->nv, fs->vals + (size_t)M->key_at * fs->nv, f->n_hold);
  uint64_t cont = holds ? e->steps & ~UINT64_C(1) : 0; /* bit j: step j + 1 may extend level j */
  for (uint32_t j = k - 1; j >= 1; j--) {
    int64_t s = start[j];
    bool ext = (cont >> j) & 1 && s >= 0 && e->ts - fs->ev[s].ts <= f->window_us;
    if (!ext) {
      if (strict) start[j + 1] = -1;
      continue;
    }
    if (start[j + 1] == s && !strict) continue; /* already there: keep its first event */
    int64_t nd = new_node(w, m, e->ts, node[j]);
    if (nd < 0) return -1;
    M = &m->mach[i];
    start[j + 1] = s;
    node[j + 1] = nd;
    if (j + 1 > M->level) M->level = j + 1, M->end = nd;
  }
  if (strict) start[1] = -1;
  if (starts_here) {
    int64_t nd = new_node(w, m, e->ts, -1);
    if (nd < 0) return -1;
    M = &m->mach[i];
    start[1] = (int64_t)q;
    node[1] = nd;
    if (M->level == 0) M->level = 1, M->end = nd;
  }
  return 0;
}

int sky_funnel_machine_flush(sky_walk *w) {
  funnel_state *fs = w->state;
  funnel_machine *m = &fs->machine;
  m->n_nodes = m->n_mach = 0;
  for (size_t q = 0; q < fs->n; q++) {
    if (q % 4096 == 4095 && sky_rt_should_stop(w->rt)) return SKY_SCAN_STOPPED;
    const fevent *e = &fs->ev[q];
    int64_t own = -1;
    if (e->steps & 1) { /* a start: its key's machine, made now if new */
      own = machine_of(w, fs, q);
      if (own < 0) return SKY_SCAN_NO_MEMORY;
    }
    if (!e->steps && fs->f->order != SKY_FUNNEL_STRICT) continue;
    for (size_t i = 0; i < m->n_mach; i++)
      if (advance(w, fs, i, q, (int64_t)i == own) != 0) return SKY_SCAN_NO_MEMORY;
  }
  for (size_t i = 0; i < m->n_mach; i++) {
    const fmach *M = &m->mach[i];
    int64_t nd = M->end;
    for (uint32_t j = M->level; j >= 1; j--, nd = m->nodes[nd].parent) fs->reach[j] = m->nodes[nd].ts;
    int rc = sky_funnel_emit_entry(w, M->key_at, M->level);
    if (rc != SKY_SCAN_OK) return rc;
  }
  return SKY_SCAN_OK;
}
