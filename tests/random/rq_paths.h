/* rq_paths.h — the brute-force checker of PATHS AFTER | BEFORE (PATHS.md
 * §0, §4), built on the random-query checker's vocabulary (rq.h).
 *
 * A statement is its own small struct whose expressions are rq_nodes in an
 * rq_query's pool (so rq_render.c prints them and rq_eval.c evaluates them
 * at one event). rq_paths_gen.c builds random statements over the rq
 * schema (valid and deliberately invalid) for rq_data.c's datasets (ties of
 * equal timestamps, one-event and long objects, sparse properties, long
 * gaps); rq_paths_render.c prints them; rq_paths_eval.c answers them by
 * walking each object's path from every anchor, straight from the
 * definition. Like the rest of tests/random/ it shares no code with Sky.
 */
#ifndef SKY_TESTS_RQ_PATHS_H
#define SKY_TESTS_RQ_PATHS_H

#include "random/rq.h"

#define RQP_COLS 6 /* step, source, target, count, objects, avg_time */

/* Clauses the generator may use (SKY_PATHS_CLAUSES, default all). */
enum {
  RQP_C_BEFORE = 1 << 0,
  RQP_C_OF = 1 << 1,      /* OF expr (else the action) */
  RQP_C_WHERE = 1 << 2,
  RQP_C_SESSION = 1 << 3,
  RQP_C_HAVING = 1 << 4,
  RQP_C_ORDER = 1 << 5,
  RQP_C_LIMIT = 1 << 6,
  RQP_C_PROPS = 1 << 7,   /* property and time conditions (else action only) */
  RQP_C_LONG = 1 << 8,    /* STEPS 6..64 */
  RQP_C_INVALID = 1 << 9, /* deliberately invalid statements */
  RQP_C_COSMETIC = 1 << 10, /* FROM t, lower-case keywords, newlines, ';' */
  RQP_C_ALL = (1 << 11) - 1,
};

typedef struct rqp_stmt {
  rq_query *q; /* node pool and keyword case; owned */
  bool before;
  rq_node *cond;     /* the anchor condition */
  int k;             /* STEPS k */
  char k_text[32];   /* how k is written ("" = the number) */
  rq_node *of;       /* OF expr, or NULL (action) */
  bool from;         /* FROM t */
  rq_node *where;
  bool has_session;
  int64_t session_us;
  char session_text[32];
  char group_raw[64]; /* invalid: a GROUP BY clause after WHERE */
  rq_tail tail;
  bool semicolon;
  rq_expect expect;  /* ROWS, or CODE with expect_code */
  int expect_code;
} rqp_stmt;

rqp_stmt *rqp_create(void);
void rqp_free(rqp_stmt *s);
/* PATHS AFTER TRUE STEPS 1 with a fresh pool. */
void rqp_reset(rqp_stmt *s);
void rqp_copy(rqp_stmt *dst, const rqp_stmt *src);

/* A random statement over `ds` using only clauses in `clauses`.
 * Deterministic in (ds, seed, clauses). */
void rqp_generate(rqp_stmt *s, const rq_dataset *ds, uint64_t seed, unsigned clauses);
/* The statement text. */
void rqp_render(rq_buf *b, const rqp_stmt *s);
/* The result column names. */
extern const rq_name rqp_names[RQP_COLS];

typedef struct rqp_answer {
  bool overflow; /* an evaluated expression overflows: numeric_overflow */
  size_t n_rows;
  rq_val *cells; /* row-major, RQP_COLS per row; owned */
} rqp_answer;

/* Answers a valid statement over `ds`; free with rqp_answer_free. */
void rqp_evaluate(const rq_dataset *ds, const rqp_stmt *s, rqp_answer *out);
void rqp_answer_free(rqp_answer *a);

#endif
