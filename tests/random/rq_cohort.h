/* rq_cohort.h — the brute-force checker of RETENTION, LIFECYCLE and
 * STICKINESS (PATHS.md §0, §2, §3), built on the random-query checker's
 * vocabulary (rq.h).
 *
 * A statement is held in its own small struct whose expressions are
 * rq_nodes in an rq_query's pool (so rq_render.c prints them and rq_eval.c
 * evaluates them at one event). rq_cohort_gen.c builds random datasets
 * shaped for calendar periods and random statements over the rq schema,
 * valid and deliberately invalid; rq_cohort_render.c prints them;
 * rq_cohort_eval.c answers them by enumerating entries, returns and periods
 * straight from the definitions. Like the rest of tests/random/ it shares
 * no code with Sky: nothing here includes src/parser, src/codegen or
 * src/storage headers.
 */
#ifndef SKY_TESTS_RQ_COHORT_H
#define SKY_TESTS_RQ_COHORT_H

#include "random/rq.h"

#define RQC_MAX_KEYS 2
#define RQC_MAX_COLS (RQC_MAX_KEYS + 5)
#define RQC_MAX_N 1000 /* FOR n: 1..1000 */

/* Clauses the generator may use (SKY_COHORT_CLAUSES, default all). A clear
 * bit keeps the clause out of every generated statement, valid or not. */
enum {
  RQC_C_RETENTION = 1 << 0,
  RQC_C_LIFECYCLE = 1 << 1,
  RQC_C_STICKINESS = 1 << 2,
  RQC_C_RECURRING = 1 << 3,   /* RETENTION RECURRING (FIRST is the default) */
  RQC_C_ROLLING = 1 << 4,
  RQC_C_ON_OR_AFTER = 1 << 5,
  RQC_C_WHERE = 1 << 6,
  RQC_C_GROUP = 1 << 7,       /* RETENTION GROUP BY properties, action, state.x */
  RQC_C_GROUP_TIME = 1 << 8,  /* RETENTION GROUP BY hour/day/week/month(timestamp) */
  RQC_C_HAVING = 1 << 9,
  RQC_C_ORDER = 1 << 10,
  RQC_C_LIMIT = 1 << 11,
  RQC_C_PROPS = 1 << 12,      /* property and time conditions (else action only) */
  RQC_C_LONG = 1 << 13,       /* FOR 100..1000 */
  RQC_C_INVALID = 1 << 14,    /* deliberately invalid statements (expected error codes) */
  RQC_C_COSMETIC = 1 << 15,   /* FROM t, FIRST spelled, lower-case keywords, newlines, ';' */
  RQC_C_ALL = (1 << 16) - 1,
};

typedef enum rqc_kind { RQC_RETENTION, RQC_LIFECYCLE, RQC_STICKINESS } rqc_kind;
typedef enum rqc_unit { RQC_HOUR, RQC_DAY, RQC_WEEK, RQC_MONTH } rqc_unit;

/* Where a deliberately invalid statement splices its raw text. */
typedef enum rqc_raw {
  RQC_RAW_NONE,
  RQC_RAW_UNIT,      /* replaces the unit after EVERY */
  RQC_RAW_FOR,       /* replaces "FOR n" (RETENTION) */
  RQC_RAW_AFTER_FOR, /* after "FOR n" (replaces ON OR AFTER) */
  RQC_RAW_MODE,      /* before FROM cond (RETENTION) or after the unit */
  RQC_RAW_CLAUSE,    /* after WHERE: WITHIN SESSION, GROUP BY ... */
  RQC_RAW_TAIL,      /* replaces HAVING / ORDER BY */
} rqc_raw;

typedef struct rqc_stmt {
  rq_query *q; /* node pool and keyword case; owned */
  rqc_kind kind;
  bool recurring;
  bool first_spelled; /* FIRST written out */
  rq_node *start, *ret; /* RETENTION FROM cond TO cond */
  rqc_unit unit;
  bool rolling;
  int n;              /* FOR n */
  bool on_or_after;
  bool from;          /* FROM t */
  rq_node *where;
  int n_keys;
  rq_node *keys[RQC_MAX_KEYS];
  rq_tail tail;       /* HAVING, ORDER BY, LIMIT (rq_tail.c) */
  bool semicolon;
  rq_expect expect;   /* ROWS, or CODE with expect_code, or ERROR */
  int expect_code;
  rqc_raw raw_at;
  char raw[64];
} rqc_stmt;

rqc_stmt *rqc_create(void);
void rqc_free(rqc_stmt *c);
/* An empty RETENTION FROM TRUE TO TRUE EVERY DAY FOR 1 with a fresh pool. */
void rqc_reset(rqc_stmt *c);
/* A deep-enough copy: the node pool is copied and pointers re-based. */
void rqc_copy(rqc_stmt *dst, const rqc_stmt *src);

/* A dataset for cohorts: rq_dataset_generate's objects, ties, arrival
 * orders and loads, re-timed per object so that calendar periods matter
 * (see rq_cohort_gen.c). Deterministic in `seed`. */
void rqc_dataset_generate(rq_dataset *ds, uint64_t seed);

/* A random statement over `ds` using only clauses in `clauses`.
 * Deterministic in (ds, seed, clauses). */
void rqc_generate(rqc_stmt *c, const rq_dataset *ds, uint64_t seed, unsigned clauses);

/* The statement text. */
void rqc_render(rq_buf *b, const rqc_stmt *c);
/* The keyword of a unit ("HOUR", ...). */
const char *rqc_unit_name(rqc_unit u);

/* ---- calendar periods (UTC, weeks from Monday) ------------------------------------- */

/* The index of the period holding `ts`: hours, days, weeks or months since
 * the epoch's (floor), so that index(b) - index(a) is the calendar
 * difference of PATHS.md §2. */
int64_t rqc_period(rqc_unit u, int64_t ts);
/* The label of period `index` ('YYYY-MM-DDTHH', 'YYYY-MM-DD' (WEEK: its
 * Monday), 'YYYY-MM'); NULL when its year is outside 0000-9999, where the
 * language defines no text. */
rq_val rqc_period_label(rqc_unit u, int64_t index);
/* The ROLLING period length P, µs (1h, 1d, 7d, 30d). */
int64_t rqc_rolling_us(rqc_unit u);

/* ---- the brute-force evaluator ------------------------------------------------------- */

typedef struct rqc_answer {
  int n_cols;
  rq_name names[RQC_MAX_COLS];
  size_t n_rows;
  rq_val *cells; /* row-major; owned */
  /* A period label outside years 0000-9999 was needed: the language gives
   * it no text, so only the engines are compared. */
  bool undefined_label;
} rqc_answer;

/* The result columns of `c` (names and count), also when it is invalid. */
void rqc_columns(const rqc_stmt *c, rqc_answer *out);
/* Answers a valid statement `c` over `ds`. The caller frees with
 * rqc_answer_free. */
void rqc_evaluate(const rq_dataset *ds, const rqc_stmt *c, rqc_answer *out);
void rqc_answer_free(rqc_answer *a);

/* One RETENTION entry (exposed for the unit tests). */
typedef struct rqc_entry {
  uint64_t obj;
  rq_val key[RQC_MAX_KEYS]; /* GROUP BY values at the start event */
  int64_t start_ts;         /* ts(s) */
  uint32_t start_seq;       /* arrival of s */
  int64_t cohort;           /* period index of s */
  bool retained[RQC_MAX_N]; /* retained at k = 0 .. n-1 */
} rqc_entry;

/* The RETENTION entries of `c` over `ds`, in (object, start) order; the
 * caller frees. */
rqc_entry *rqc_entries(const rq_dataset *ds, const rqc_stmt *c, size_t *n_out);

#endif
