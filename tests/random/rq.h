/* rq.h — the shared vocabulary of the independent random-query checker.
 *
 * The checker (tests/random/) builds a small random dataset and random
 * queries, answers each query with a deliberately naive row-by-row evaluator
 * and compares that answer with Sky's, reached only through src/sky.h. To be
 * an independent oracle it shares no code with Sky's parser, binder, plan,
 * engines or storage: the dataset lives in this module's own arrays, queries
 * in its own small AST (rendered to SQL text for Sky), values in its own
 * struct, and the UTC calendar is re-derived here. Nothing in tests/random/
 * may include src/parser, src/codegen or src/storage headers.
 *
 * Pieces: rq_util.c (random numbers, values, calendar, text buffers),
 * rq_data.c (datasets and their INSERT/CSV/NDJSON forms), rq_gen.c (typed
 * random queries), rq_render.c (query → SQL text), rq_eval.c (the naive
 * evaluator), test_random_queries.c (the driver that talks to Sky).
 */
#ifndef SKY_TESTS_RQ_H
#define SKY_TESTS_RQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- random numbers (splitmix64: tiny, seedable, reproducible) ---------- */

typedef struct rq_rng {
  uint64_t s;
} rq_rng;

void rq_rng_seed(rq_rng *r, uint64_t seed);
uint64_t rq_next(rq_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t rq_below(rq_rng *r, uint64_t n);
/* Uniform in [lo, hi]. */
int64_t rq_range(rq_rng *r, int64_t lo, int64_t hi);
/* True with probability pct/100. */
bool rq_chance(rq_rng *r, unsigned pct);

/* ---- text buffers ------------------------------------------------------- */

typedef struct rq_buf {
  char *data; /* NUL-terminated; owned */
  size_t len, cap;
} rq_buf;

void rq_buf_init(rq_buf *b);
void rq_buf_free(rq_buf *b);
void rq_buf_reset(rq_buf *b);
void rq_buf_add(rq_buf *b, const char *s, size_t len);
void rq_buf_puts(rq_buf *b, const char *s);
void rq_buf_printf(rq_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 'text' with quotes doubled (SQL literal). */
void rq_buf_sql_string(rq_buf *b, const char *s, size_t len);
/* "text" with " and \ escaped (JSON-ish, for reports). */
void rq_buf_json_text(rq_buf *b, const char *s, size_t len);
/* A multiple of 0.25 as a decimal literal with at least one fraction digit. */
void rq_float_text(rq_buf *b, double f);

/* ---- values ------------------------------------------------------------- */

typedef enum rq_type {
  RQ_NULL = 0, /* a NULL value, or the static type of an untyped NULL */
  RQ_BOOL,
  RQ_INT,   /* int64; timestamps are INT µs */
  RQ_FLOAT, /* double */
  RQ_STR,
  RQ_OBJ, /* uint64 object id */
} rq_type;

#define RQ_STR_MAX 40

typedef struct rq_val {
  rq_type t; /* RQ_NULL when the value is NULL, whatever its static type */
  uint8_t len;
  bool b;
  int64_t i;
  uint64_t u;
  double f;
  char s[RQ_STR_MAX];
} rq_val;

rq_val rq_null(void);
rq_val rq_bool(bool b);
rq_val rq_int(int64_t i);
rq_val rq_float(double f);
rq_val rq_obj(uint64_t u);
rq_val rq_str(const char *s, size_t len);
/* Total order used for sorting: NULL first, FALSE < TRUE, numbers by value
 * (INT and FLOAT mixed), strings by bytes, objects unsigned. */
int rq_val_cmp(const rq_val *a, const rq_val *b);
/* Grouping equality: NULL equals NULL, 0.0 equals -0.0. */
bool rq_val_same(const rq_val *a, const rq_val *b);
/* JSON-ish rendering for reports (floats with %.17g). */
void rq_val_print(rq_buf *b, const rq_val *v);
/* Appends a row of n_cols NULLs to the row-major table *cells of *n_rows
 * rows (room for *cap, grown as needed) and returns it. */
rq_val *rq_rows_add(rq_val **cells, size_t *n_rows, size_t *cap, int n_cols);

/* ---- UTC calendar (civil from days after H. Hinnant), µs ----------------- */

#define RQ_US_PER_SEC INT64_C(1000000)
#define RQ_US_PER_MIN (60 * RQ_US_PER_SEC)
#define RQ_US_PER_HOUR (60 * RQ_US_PER_MIN)
#define RQ_US_PER_DAY (24 * RQ_US_PER_HOUR)

int64_t rq_days_from_civil(int64_t y, int m, int d);
void rq_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
int64_t rq_floor_div(int64_t a, int64_t b);
/* µs of y-m-d hh:mm:ss UTC. */
int64_t rq_utc(int64_t y, int m, int d, int hh, int mi, int ss);
/* An ISO-8601 rendering of `ts`; `style` picks among the accepted forms
 * (date only when at midnight, 'T'/' ' separator, Z/offset, fraction). */
void rq_format_iso(rq_buf *b, int64_t ts, unsigned style);

/* ---- the dataset -------------------------------------------------------- */

enum {
  RQ_P_S1, /* s1 STATE STRING */
  RQ_P_S2, /* s2 STATE INT */
  RQ_P_SB, /* sb STATE BOOL */
  RQ_P_SF, /* sf STATE FLOAT */
  RQ_P_E1, /* e1 EVENT STRING */
  RQ_P_EF, /* ef EVENT FLOAT */
  RQ_P_EI, /* ei EVENT INT */
  RQ_P_EB, /* eb EVENT BOOL */
  RQ_N_PROPS
};

typedef struct rq_prop {
  const char *name;
  bool state;
  rq_type type;
} rq_prop;

extern const rq_prop rq_props[RQ_N_PROPS];

/* Strings the data and the queries draw from ('' , non-ASCII, a comma, a
 * quote, LIKE metacharacters, a leading space). */
extern const char *const rq_string_pool[];
extern const size_t rq_string_pool_len;
extern const char *const rq_action_pool[];
extern const size_t rq_action_pool_len;

typedef enum rq_load_method { RQ_LOAD_INSERT, RQ_LOAD_CSV, RQ_LOAD_NDJSON } rq_load_method;

typedef struct rq_event {
  uint64_t obj;
  int64_t ts;
  rq_val action;           /* RQ_STR or RQ_NULL */
  rq_val v[RQ_N_PROPS];    /* what the row carries; RQ_NULL = not carried */
  uint32_t seq;            /* arrival order, 0-based, global */
  uint8_t batch;           /* which load batch carried it */
  uint8_t ts_style;        /* how its timestamp is written */
} rq_event;

#define RQ_MAX_BATCHES 5

typedef struct rq_dataset {
  uint64_t seed;
  rq_event *ev; /* in arrival order; owned */
  size_t n_ev;
  int n_batches;
  rq_load_method method[RQ_MAX_BATCHES];
  int64_t session_us; /* the gap the data is built around (and 1 µs more) */
  /* EXPIRES AFTER expires_us[p] TO expires_to[p] (PATHS.md §8) on STATE
   * properties: 0 = never lapses; an RQ_NULL expires_to = no TO literal. */
  int64_t expires_us[RQ_N_PROPS];
  rq_val expires_to[RQ_N_PROPS];
} rq_dataset;

/* The set time of a property never set on the path so far. */
#define RQ_NEVER_SET INT64_MIN

/* Carries one path's state to its next event `e` (`first`: e starts the
 * path): raw[p] the latest non-NULL value up to and including e, set_ts[p]
 * the time of the event that carried it (a heartbeat moves it;
 * RQ_NEVER_SET before any), and carried[p] what a read at e sees — the
 * EXPIRES TO value (or NULL) once e->ts - set_ts[p] exceeds the property's
 * EXPIRES AFTER (PATHS.md §8), else raw[p]. */
void rq_carry(const rq_dataset *ds, const rq_event *e, bool first, rq_val *raw, int64_t *set_ts, rq_val *carried);

void rq_dataset_generate(rq_dataset *ds, uint64_t seed);
void rq_dataset_free(rq_dataset *ds);
/* The events of `ds` in path order: by object, then (timestamp, arrival).
 * The caller frees the array. */
const rq_event **rq_path_order(const rq_dataset *ds);
/* Hand-made paths (unit tests): appends an event in batch 0, arriving after
 * all others, with `action` (NULL: none) and no properties; returns it for
 * setting e->v[...]. Start from a zeroed dataset; free with rq_dataset_free. */
rq_event *rq_dataset_append(rq_dataset *ds, uint64_t obj, int64_t ts, const char *action);
/* A copy keeping only events with keep[i] (arrival order preserved). */
void rq_dataset_subset(rq_dataset *dst, const rq_dataset *src, const bool *keep);
/* "CREATE TABLE t (...)", with the dataset's EXPIRES clauses. */
void rq_render_create(rq_buf *b, const rq_dataset *ds);
/* Batch `k` as one INSERT statement (whatever its load method). Returns
 * false when the batch is empty. `style` varies column order. */
bool rq_render_insert(rq_buf *b, const rq_dataset *ds, int k);
/* Batch `k` as a CSV or NDJSON file body. */
void rq_render_csv(rq_buf *b, const rq_dataset *ds, int k);
void rq_render_ndjson(rq_buf *b, const rq_dataset *ds, int k);

/* ---- the query AST ------------------------------------------------------ */

typedef enum rq_kind {
  RQ_E_LIT,      /* val; text holds its spelling (ISO strings, durations) */
  RQ_E_OBJECT,
  RQ_E_TIMESTAMP,
  RQ_E_ACTION,
  RQ_E_PROP,     /* prop; ref: 0 bare, 1 state., 2 event. */
  RQ_E_SESSNUM,
  RQ_E_NEG,
  RQ_E_NOT,
  RQ_E_ISNULL,   /* neg: IS NOT NULL */
  RQ_E_BIN,      /* op */
  RQ_E_IN,       /* args[0] IN (args[1..]); neg: NOT IN */
  RQ_E_LIKE,     /* args[0] LIKE text; neg: NOT LIKE */
  RQ_E_BUCKET,   /* fn over args[0] */
  RQ_E_AGG,      /* agg over args[0] (none for count(), objects(), sessions()), maybe FILTER (WHERE filter) */
  RQ_E_OVER,     /* agg [FILTER (WHERE filter)] OVER OBJECT over args[0] (none for count()): one value
                    per object, per event */
  RQ_E_KEY,      /* post-aggregation: GROUP BY key number `index` */
  RQ_E_ALIAS,    /* HAVING: the value of SELECT item `index`, named by its alias */
  RQ_E_PATH,     /* next / prev (x = args[0], n = index (0: not written), WHERE filter, or
                    distinct), nth (args[0] the condition), dwell (): PATHS.md §4 */
  RQ_E_RAW,      /* mutants only: text as is, never evaluated */
  RQ_E_AGE,      /* age(prop): µs since the STATE property was last set (PATHS.md §7) */
  RQ_E_DURATION, /* duration(): the DURING piece's length (rq_during.c) */
} rq_kind;

typedef enum rq_op {
  RQ_ADD, RQ_SUB, RQ_MUL, RQ_DIV, RQ_MOD,
  RQ_EQ, RQ_NE, RQ_NE2 /* <> */, RQ_LT, RQ_LE, RQ_GT, RQ_GE,
  RQ_AND, RQ_OR,
} rq_op;

typedef enum rq_path { RQ_NEXT, RQ_PREV, RQ_NTH, RQ_DWELL } rq_path;

typedef enum rq_bucket { RQ_HOUR, RQ_WEEKDAY, RQ_DAY, RQ_WEEK, RQ_MONTH } rq_bucket;

typedef enum rq_agg {
  RQ_COUNT_ALL, RQ_COUNT, RQ_COUNT_DISTINCT, RQ_OBJECTS, RQ_COUNT_DISTINCT_OBJECT,
  RQ_SESSIONS, RQ_SUM, RQ_AVG, RQ_MIN, RQ_MAX,
  RQ_MEDIAN, RQ_QUANTILE, RQ_STDDEV,
  RQ_FIRST, RQ_LAST, /* only OVER OBJECT */
} rq_agg;

#define RQ_MAX_ARGS 6
#define RQ_TEXT_MAX 96

typedef struct rq_node {
  rq_kind kind;
  rq_type type;     /* static type (RQ_NULL: untyped NULL literal) */
  int op;           /* rq_op, rq_bucket or rq_agg by kind */
  int prop, ref;    /* RQ_E_PROP */
  int index;        /* RQ_E_KEY */
  bool neg;         /* IS NOT NULL, NOT IN, NOT LIKE */
  bool paren;       /* render with extra parentheses */
  bool upper;       /* function / keyword spelling in upper case */
  bool quoted;      /* property name written "quoted" */
  bool distinct;    /* RQ_E_PATH: next(DISTINCT x) / prev(DISTINCT x) */
  rq_val val;       /* RQ_E_LIT */
  char text[RQ_TEXT_MAX]; /* literal spelling, LIKE pattern (value), raw text, quantile's q */
  uint64_t q_num, q_den;  /* quantile: q = q_num / q_den */
  int n_args;
  struct rq_node *args[RQ_MAX_ARGS];
  struct rq_node *filter; /* RQ_E_AGG, RQ_E_OVER: FILTER (WHERE filter); RQ_E_PATH: next(x WHERE
                             filter); or NULL */
} rq_node;

#define RQ_MAX_NODES 600
#define RQ_MAX_ITEMS 6
#define RQ_MAX_KEYS 2
#define RQ_MAX_ORDER 3

typedef enum rq_expect {
  RQ_EXPECT_ROWS,      /* the naive evaluator's answer */
  RQ_EXPECT_CODE,      /* an error with exactly `expect_code` */
  RQ_EXPECT_ERROR,     /* some error */
  RQ_EXPECT_UNKNOWN,   /* only the engines are compared */
} rq_expect;

typedef struct rq_order {
  rq_node *expr;  /* NULL when by item number */
  int item;       /* 1-based item number, or 0 */
  int alias_of;   /* render the alias of this 1-based item, or 0 */
  bool desc, explicit_dir;
} rq_order;

typedef struct rq_query {
  rq_node nodes[RQ_MAX_NODES];
  int n_nodes;
  bool overflowed; /* ran out of nodes: the generator starts over */
  int n_items;
  rq_node *items[RQ_MAX_ITEMS];
  char alias[RQ_MAX_ITEMS][8]; /* "" = none */
  uint8_t pad[RQ_MAX_ITEMS];    /* extra spaces around the item (bit 0: before, bit 1: after) */
  rq_node *where;
  int n_keys;
  rq_node *keys[RQ_MAX_KEYS];
  int key_alias_item[RQ_MAX_KEYS]; /* GROUP BY written as this item's alias (1-based), 0 = text */
  bool has_session;
  int64_t session_us;
  char session_text[32];
  bool session_before_group;
  rq_node *having;
  int n_order;
  rq_order order[RQ_MAX_ORDER];
  int64_t limit; /* -1 = none */
  bool from, semicolon, lower_keywords;
  bool newlines; /* clauses on lines of their own */
  rq_expect expect;
  int expect_code; /* sky_code, for RQ_EXPECT_CODE */
  char truncate_at_pct; /* mutant: cut the text (0 = no) */
  /* DURING during_from TO during_to [EVERY during_every] (rq_during.c) */
  bool during;
  int64_t during_from, during_to;
  int during_every; /* rq_bucket RQ_HOUR, RQ_DAY, RQ_WEEK, RQ_MONTH; -1 none */
  char during_text[2][64];
  /* AS OF (PATHS.md §6): one row per object, at its last event at or
   * before as_of_us, states and age() read at as_of_us */
  bool has_as_of;
  int64_t as_of_us;
  char as_of_text[48]; /* as written: µs or a quoted ISO string */
} rq_query;

/* A fresh well-typed random query over the dataset (or, rarely, a mutant
 * with an expected error). Deterministic in (ds, seed). */
void rq_query_generate(rq_query *q, const rq_dataset *ds, uint64_t seed);
/* The SQL text of the query. */
void rq_query_render(rq_buf *b, const rq_query *q);
/* The text of one expression as it appears in the statement. */
void rq_node_render(rq_buf *b, const rq_query *q, const rq_node *n);
/* The column name the query's item `i` must get (alias or its text). */
void rq_item_name(rq_buf *b, const rq_query *q, int i);
/* Whether the statement holds OVER OBJECT, first() or last() (as a key or
 * a deliberate misuse), for the driver's counts. */
bool rq_query_uses_over(const rq_query *q);
/* Whether it holds age() (lapse false), or reads a STATE property that
 * lapses in `ds` (lapse true), in its keys, items or WHERE. */
bool rq_query_uses_state_time(const rq_query *q, const rq_dataset *ds, bool lapse);
/* Whether it holds an aggregate FILTER (WHERE ...) (or a misuse of one). */
bool rq_query_uses_filter(const rq_query *q);
/* Whether it holds next, prev, nth or dwell (or a misuse of one). */
bool rq_query_uses_path(const rq_query *q);

/* ---- SELECT ... DURING (rq_during.c, PATHS.md §7) ------------------------- */

/* Sometimes turns a freshly generated query into a DURING query (when it
 * holds nothing DURING forbids): a range cutting through the data, an EVERY
 * every time bucket of the query allows, and duration() items or WHERE. */
void rq_during_maybe(rq_query *q, const rq_dataset *ds, rq_rng *r);
/* A piece: [start, start + len) of the interval of path-order event `at`. */
typedef struct rq_piece {
  size_t at;
  int64_t start, len;
} rq_piece;
/* The pieces of the events in path order (`order`, n events, each object's
 * events adjacent, `set_ts[i][p]` the set times after event i), from
 * PATHS.md §7 alone: per object, every cut instant (t1, t2, its events'
 * timestamps, the EVERY boundaries in the range, and each lapse instant
 * s + d still current there), sorted; consecutive cuts from the object's
 * first event on make the pieces, each belonging to the last event at or
 * before its start. *n_out pieces; the caller frees the array. */
rq_piece *rq_during_pieces(const rq_dataset *ds, const rq_query *q, const rq_event *const *order,
                           const int64_t (*set_ts)[RQ_N_PROPS], size_t n, size_t *n_out);

/* ---- building expressions (rq_build.c) ------------------------------------ */

/* Node builders over `q`'s pool. On exhaustion they set q->overflowed and
 * hand out a spare node (the generator starts over). */
rq_node *rqb_node(rq_query *q, rq_kind kind, rq_type type);
rq_node *rqb_lit(rq_query *q, rq_val v);
/* Makes `n` the literal `v`, spelled in `q`'s keyword case. */
void rqb_set_lit(const rq_query *q, rq_node *n, rq_val v);
rq_node *rqb_prop(rq_query *q, int prop, int ref);
rq_node *rqb_cmp(rq_query *q, int op, rq_node *a, rq_node *b);
rq_node *rqb_isnull(rq_query *q, rq_node *a, bool negated);
rq_node *rqb_not(rq_query *q, rq_node *a);
rq_node *rqb_action_is(rq_query *q, const char *action);
/* fn(timestamp), fn an rq_bucket. */
rq_node *rqb_bucket(rq_query *q, int fn);
/* Text printed as is (deliberately invalid statements only). */
rq_node *rqb_raw(rq_query *q, const char *text);
/* dst := src with the pointers between nodes re-based into dst's pool
 * (statement structs copy their own node pointers with rqb_rebase). */
void rqb_pool_copy(rq_query *dst, const rq_query *src);
/* `n` (a node of src's pool, or NULL) as the same node of dst's pool. */
rq_node *rqb_rebase(const rq_query *src, rq_query *dst, const rq_node *n);
/* Do `a` and `b` print the same? */
bool rqb_same_text(const rq_query *q, const rq_node *a, const rq_node *b);

/* Random expressions for path statements: a random source, the pool the
 * nodes go to and the dataset literals are drawn from. */
typedef struct rq_picker {
  rq_rng *r;
  rq_query *q;
  const rq_dataset *ds;
} rq_picker;

const rq_event *rqb_some_event(rq_picker *p);
/* An action seen in the data or in the pool (rarely one matching nothing). */
rq_val rqb_action_val(rq_picker *p);
/* A value of property `prop` seen in the data (or, rarely, any of its type). */
rq_val rqb_prop_val(rq_picker *p, int prop);
/* 0 bare, 1 state., 2 event. */
int rqb_random_ref(rq_picker *p);
/* A step-like condition; `props`: property conditions too (else action only). */
rq_node *rqb_condition(rq_picker *p, bool props);
/* A WHERE: mostly mild (keeps most events), sometimes any condition. */
rq_node *rqb_where_condition(rq_picker *p, bool props);
/* A GROUP BY / HOLDING key: properties and action (`plain_ok`), time buckets
 * of the timestamp (`time_ok`), session.number when `sessions`. */
rq_node *rqb_key_expr(rq_picker *p, bool time_ok, bool plain_ok, bool sessions);

/* ---- HAVING, ORDER BY, LIMIT on result columns (rq_tail.c) --------------- */

#define RQ_TAIL_MAX_SORT 2
#define RQ_TAIL_MAX_COLS 16

/* A result column's name (path statements: keys are at most RQ_TEXT_MAX). */
typedef char rq_name[RQ_TEXT_MAX + 8];

/* HAVING: one comparison of a result column with a literal, or IS [NOT] NULL. */
typedef struct rq_having {
  bool on;
  int col;      /* result column (0-based, never a key column) */
  int op;       /* rq_op comparison, or -1: IS NULL, -2: IS NOT NULL */
  rq_val lit;
  char text[40];
} rq_having;

typedef struct rq_sort {
  int col;      /* result column, 0-based */
  bool by_number, desc, explicit_dir;
} rq_sort;

typedef struct rq_tail {
  rq_having having;
  int n_sort;
  rq_sort sort[RQ_TAIL_MAX_SORT];
  int64_t limit; /* -1 = none */
} rq_tail;

/* What the generator may refer to: columns [0, n_keys) are key columns
 * (ORDER BY them by number only, never HAVING), `lit` a literal for a
 * HAVING on column `col`. */
typedef struct rq_tail_cols {
  int n_keys, n_cols;
  bool no_having[RQ_TAIL_MAX_COLS];
  bool no_sort[RQ_TAIL_MAX_COLS];
  rq_val (*lit)(void *ctx, int col);
  void *ctx;
} rq_tail_cols;

/* Adds a random HAVING (15%), ORDER BY (25%) and LIMIT (15%) to `t` (which
 * starts empty, limit -1), each only when allowed. */
void rq_tail_generate(rq_tail *t, rq_rng *r, const rq_tail_cols *c, bool having_ok, bool order_ok, bool limit_ok);
/* A result column as HAVING and ORDER BY name it. */
void rq_column_ref(rq_buf *b, const char *name);
/* " HAVING ... ORDER BY ... LIMIT n", each clause after `sep`; `names`
 * are the statement's result columns. */
void rq_tail_render(rq_buf *b, const rq_tail *t, const rq_name *names, bool lower, const char *sep);
bool rq_having_keeps(const rq_having *h, const rq_val *v);
/* Applies `t` to the n_rows x n_cols cells (row-major, in the statement's
 * default order), replacing them. */
void rq_tail_apply(const rq_tail *t, int n_cols, rq_val **cells, size_t *n_rows);

/* ---- the naive evaluator ------------------------------------------------- */

typedef struct rq_answer {
  bool overflow;  /* the query must fail with numeric_overflow */
  int n_cols;
  size_t n_rows;
  rq_val *cells; /* row-major; owned */
} rq_answer;

/* Answers `q` over `ds` row by row. The caller frees with rq_answer_free. */
void rq_evaluate(const rq_dataset *ds, const rq_query *q, rq_answer *out);
void rq_answer_free(rq_answer *a);
/* One per-event expression of `q`'s node pool at event `e`, whose carried
 * state (what a read at `e` sees, rq_carry) is `carried`, whose set times
 * are `set_ts` (rq_carry; read by age()) and whose 0-based session is
 * `session`. Sets *overflow on INT overflow. Used by the FUNNEL and cohort
 * checkers for steps, conditions, keys and filters. */
rq_val rq_eval_at(const rq_query *q, const rq_event *e, const rq_val *carried, const int64_t *set_ts, int64_t session,
                  const rq_node *n, bool *overflow);

#endif
