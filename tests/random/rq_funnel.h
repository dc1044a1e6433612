/* rq_funnel.h — the brute-force FUNNEL checker (PATHS.md §1), built on the
 * random-query checker's vocabulary (rq.h).
 *
 * A funnel is held in its own small struct whose expressions are rq_nodes
 * living in an rq_query's node pool (so rq_render.c prints them and
 * rq_eval.c evaluates them at one event). rq_funnel_gen.c builds random
 * funnels over the rq dataset's schema, rq_funnel_render.c prints the
 * statement, and rq_funnel_eval.c answers it by enumerating chains straight
 * from the definitions. Like the rest of tests/random/ it shares no code with
 * Sky: nothing here includes src/parser, src/codegen or src/storage headers.
 */
#ifndef SKY_TESTS_RQ_FUNNEL_H
#define SKY_TESTS_RQ_FUNNEL_H

#include "random/rq.h"

#define RQF_MAX_STEPS 65 /* 64 allowed; 65 only in deliberately invalid funnels */
#define RQF_MAX_EXCL 4
#define RQF_MAX_HOLD 2
#define RQF_MAX_KEYS 2
#define RQF_MAX_COLS (RQF_MAX_HOLD + RQF_MAX_KEYS + 9)

/* Clauses the generator may use (SKY_FUNNEL_CLAUSES, default all). A clear
 * bit keeps the clause out of every generated funnel, valid or not. */
enum {
  RQF_C_STRICT = 1 << 0,
  RQF_C_ANY_ORDER = 1 << 1,
  RQF_C_EXCLUDE = 1 << 2,
  RQF_C_EXCLUDE_RANGE = 1 << 3, /* BETWEEN STEP i AND j (needs EXCLUDE) */
  RQF_C_HOLDING = 1 << 4,
  RQF_C_WHERE = 1 << 5,
  RQF_C_SESSION = 1 << 6,
  RQF_C_GROUP = 1 << 7,        /* GROUP BY properties, action, session.number */
  RQF_C_GROUP_TIME = 1 << 8,   /* GROUP BY hour/day/week/month(timestamp) */
  RQF_C_OBJECTS = 1 << 9,      /* RETURN OBJECTS */
  RQF_C_OBJECTS_FILTER = 1 << 10, /* REACHED i, DROPPED AFTER i */
  RQF_C_TIMES = 1 << 11,       /* RETURN TIMES ... BUCKET d */
  RQF_C_HAVING = 1 << 12,
  RQF_C_ORDER = 1 << 13,
  RQF_C_LIMIT = 1 << 14,
  RQF_C_LONG = 1 << 15,        /* 7..64 steps */
  RQF_C_ALIAS = 1 << 16,       /* step AS name */
  RQF_C_PROPS = 1 << 17,       /* property conditions in steps (else action only) */
  RQF_C_INVALID = 1 << 18,     /* deliberately invalid funnels (expected error codes) */
  RQF_C_COSMETIC = 1 << 19,    /* FROM t, lower-case keywords, newlines, RETURN STEPS spelled, ';' */
  RQF_C_ALL = (1 << 20) - 1,
};

typedef enum rqf_order { RQF_ORDERED, RQF_STRICT, RQF_ANY } rqf_order;
typedef enum rqf_return { RQF_STEPS, RQF_OBJECTS, RQF_TIMES } rqf_return;
typedef enum rqf_filter { RQF_ALL, RQF_REACHED, RQF_DROPPED } rqf_filter;

typedef struct rqf_exclude {
  rq_node *cond;
  bool between; /* BETWEEN STEP i AND j written */
  int i, j;     /* 1-based; 1 and k when not written */
} rqf_exclude;

typedef struct rqf_funnel {
  rq_query *q; /* node pool, keyword case; owned */
  int n_steps;
  rq_node *step[RQF_MAX_STEPS];
  char alias[RQF_MAX_STEPS][16]; /* "" = none */
  int64_t within_us;
  char within_text[32];
  rqf_order order;
  int n_excl;
  rqf_exclude excl[RQF_MAX_EXCL];
  int n_hold;
  rq_node *hold[RQF_MAX_HOLD];
  bool from;
  rq_node *where;
  bool has_session;
  int64_t session_us;
  char session_text[32];
  int n_keys;
  rq_node *keys[RQF_MAX_KEYS];
  rqf_return ret;
  bool ret_spelled;   /* "RETURN STEPS" written out */
  rqf_filter filter;
  int filter_step;
  bool times_range;   /* FROM STEP i TO STEP j written */
  int times_i, times_j;
  int64_t bucket_us;
  char bucket_text[32];
  rq_tail tail;       /* HAVING, ORDER BY, LIMIT (rq_tail.c) */
  bool semicolon;
  rq_expect expect;   /* ROWS, or CODE with expect_code, or ERROR */
  int expect_code;
  bool exhaustive;    /* evaluator self-test: enumerate every chain, no memo (small paths only) */
  char raw[64];       /* invalid funnels: text spliced in as is (see rq_funnel_gen.c) */
  int raw_at;         /* where: 0 none, 1 replaces the steps, 2 after WITHIN, 3 a step */
} rqf_funnel;

rqf_funnel *rqf_create(void);
void rqf_free(rqf_funnel *f);
/* Resets `f` to an empty funnel (no steps, WITHIN 0) with a fresh node pool. */
void rqf_reset(rqf_funnel *f);
/* A deep-enough copy: the node pool is copied and pointers re-based. */
void rqf_copy(rqf_funnel *dst, const rqf_funnel *src);

/* A random funnel over `ds` using only clauses in `clauses`. Deterministic
 * in (ds, seed, clauses). */
void rqf_generate(rqf_funnel *f, const rq_dataset *ds, uint64_t seed, unsigned clauses);

/* The printed form of a duration (µs) in the statement's own syntax. */
void rqf_duration_text(char *out, size_t cap, int64_t us);

/* The statement text. */
void rqf_render(rq_buf *b, const rqf_funnel *f);
/* The text of one step's condition (its default `name`). */
void rqf_step_text(rq_buf *b, const rqf_funnel *f, int step);

/* ---- the brute-force evaluator ---------------------------------------------- */

typedef struct rqf_answer {
  int n_cols;
  rq_name names[RQF_MAX_COLS];
  bool is_float[RQF_MAX_COLS]; /* FLOAT columns (printing) */
  size_t n_rows;
  rq_val *cells; /* row-major; owned */
  /* Step names may be longer than an rq_val string: the `name` column's
   * cells hold the 1-based step number (INT) and `step_names` the text. */
  int name_col;       /* -1: none */
  int n_names;
  char **step_names;  /* owned */
} rqf_answer;

/* The result columns of `f` (names and count) — also when it is invalid. */
void rqf_columns(const rqf_funnel *f, rqf_answer *out);
/* Answers a valid funnel `f` over `ds`. The caller frees with rqf_answer_free. */
void rqf_evaluate(const rq_dataset *ds, const rqf_funnel *f, rqf_answer *out);
void rqf_answer_free(rqf_answer *a);
void rqf_answer_print(rq_buf *b, const rqf_answer *a);

/* One entry of the evaluator (exposed for the unit tests): object, key
 * values (HOLDING then GROUP BY), level and reach(1..level). */
typedef struct rqf_entry {
  uint64_t obj;
  rq_val key[RQF_MAX_HOLD + RQF_MAX_KEYS];
  int level;
  int64_t reach[RQF_MAX_STEPS + 1]; /* 1-based */
} rqf_entry;

/* The entries of `f` over `ds`, sorted by key then object; caller frees. */
rqf_entry *rqf_entries(const rq_dataset *ds, const rqf_funnel *f, size_t *n_out);

#endif
