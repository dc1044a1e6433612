/* plan.h — the typed, name-free plan of a SELECT: the single place where a
 * query's meaning is decided.
 *
 * The binder (bind.c) turns the AST into a plan; the reference interpreter
 * and the LLVM back end both execute it and must agree exactly; EXPLAIN
 * prints it. Everything an engine needs is explicit here: which columns are
 * read, which STATE properties are carried in registers, the session cut,
 * the per-event filter, the group keys, the aggregates, and the
 * post-aggregation items (output, HAVING, ORDER BY, LIMIT) that shared C
 * code evaluates after the partial aggregates are merged.
 *
 * Values at run time are 64-bit words plus a NULL flag:
 *   BOOL   0/1                 INT    int64 (timestamps are INT µs)
 *   FLOAT  double bits         OBJECT uint64 object id
 *   STRING a word whose meaning depends on the expression's string domain
 *          `dom`: a dictionary code (dom = dictionary id, see schema.h;
 *          code 0 never appears as a value, NULL is the flag), an index
 *          into plan->literals (SKY_DOM_LITERAL), a day number
 *          (SKY_DOM_DAY: day() and week()), or a month number
 *          (SKY_DOM_MONTH). Two STRING values of the same domain are equal
 *          exactly when their words are equal.
 *
 * Invariants the binder guarantees (engines may rely on them, never check):
 *  - Operands of comparisons and arithmetic have the same vtype (INT/FLOAT
 *    mixes are made explicit with SKY_OP_TO_FLOAT); DIV has FLOAT operands.
 *  - EQ/NE/IN on STRING operands have the same `dom`. Ordering comparisons
 *    (LT LE GT GE) see STRING operands only when both are SKY_DOM_DAY or both
 *    SKY_DOM_MONTH, and then compare the words as signed integers (which is
 *    the order of their text for years 0000-9999, the only ones stored);
 *    dictionary strings are ordered through SKY_OP_RANK (INT), anything else
 *    through SKY_OP_STR_CMP (INT -1/0/1 compared with 0).
 *  - LIKE and IN over a dictionary string with literal operands are
 *    SKY_OP_DICT_MATCH lookups prepared per snapshot.
 *  - An IN of more than SKY_IN_SET_MIN_ITEMS constant items is SKY_OP_IN_SET:
 *    one membership test in a sorted word set (plan->sets) of the operand's
 *    type, which both engines run through one C helper; a list mixing such
 *    runs of constants with other items is an OR, in the items' order, of
 *    IN_SET nodes and inline IN nodes.
 *  - Per-event expressions (filter, keys, aggregate filters and arguments)
 *    never contain KEY_REF or AGG_REF, and aggregate filters no OBJ_AGG; post-aggregation expressions (outputs, HAVING,
 *    ORDER BY) reach per-event values only through KEY_REF and AGG_REF.
 */
#ifndef SKY_PARSER_PLAN_H
#define SKY_PARSER_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/buf.h"
#include "common/timeutil.h"
#include "sky.h"
#include "storage/schema.h"

typedef enum sky_vtype {
  SKY_VT_NULL = 0, /* only the type of an untyped NULL constant */
  SKY_VT_BOOL,
  SKY_VT_INT,
  SKY_VT_FLOAT,
  SKY_VT_STRING,
  SKY_VT_OBJECT,
} sky_vtype;

/* What an INT or FLOAT value means, for display only (bind_units.c): an
 * instant or a length of time, both in µs, or a plain number. Engines
 * never look at units. */
typedef enum sky_unit {
  SKY_UNIT_NONE = 0,
  SKY_UNIT_TIMESTAMP,
  SKY_UNIT_DURATION,
} sky_unit;

/* Engine limits, checked by the binder (semantic_error naming the limit, at
 * the first item over it) so that no engine meets a plan beyond them: the
 * group table's NULL mask has one bit per key in a word beside the tag bit,
 * the JIT keeps every aggregate's argument in registers at once, and a
 * result row is built whole. PROTOCOL.md lists them. */
#define SKY_PLAN_MAX_KEYS 63   /* GROUP BY keys */
#define SKY_PLAN_MAX_AGGS 256  /* distinct aggregates in one SELECT */
#define SKY_PLAN_MAX_ITEMS 1024 /* SELECT items */

/* String domains beyond the dictionary ids (which are < SKY_DOM_LITERAL). */
#define SKY_DOM_LITERAL 0xFFFFFF01u /* word = index into plan->literals */
#define SKY_DOM_DAY 0xFFFFFF02u     /* word = day number (formatted YYYY-MM-DD) */
#define SKY_DOM_MONTH 0xFFFFFF03u   /* word = months since 1970-01 (YYYY-MM) */
#define SKY_DOM_HOUR 0xFFFFFF04u    /* word = hours since the epoch (YYYY-MM-DDTHH) */
#define SKY_DOM_NONE 0xFFFFFFFFu    /* not a string */

/* The time-bucket domains (day, month, hour numbers): their words order and
 * compare like their text, and format and parse through timeutil.h. */
static inline bool sky_dom_is_bucket(uint32_t dom) {
  return dom == SKY_DOM_DAY || dom == SKY_DOM_MONTH || dom == SKY_DOM_HOUR;
}
/* The text of bucket `word` (out: 32 bytes); its length. */
static inline size_t sky_bucket_format(uint32_t dom, uint64_t word, char *out) {
  return dom == SKY_DOM_DAY     ? sky_format_day((int64_t)word, out)
         : dom == SKY_DOM_MONTH ? sky_format_month((int64_t)word, out)
                                : sky_format_hour((int64_t)word, out);
}
/* A canonical bucket text to its word: 0, or -1 when it is not one. */
static inline int sky_bucket_parse(uint32_t dom, const char *s, size_t len, int64_t *word) {
  return dom == SKY_DOM_DAY     ? sky_parse_day(s, len, word)
         : dom == SKY_DOM_MONTH ? sky_parse_month(s, len, word)
                                : sky_parse_hour(s, len, word);
}
/* The domain naming periods of `unit` (WEEK: its Monday, a day). */
static inline uint32_t sky_period_dom(sky_period unit) {
  return unit == SKY_PERIOD_HOUR ? SKY_DOM_HOUR : unit == SKY_PERIOD_MONTH ? SKY_DOM_MONTH : SKY_DOM_DAY;
}

/* Operators: X(name, arity (-1 = variable), EXPLAIN spelling). */
#define SKY_OPS(X)                                                                       \
  /* leaves */                                                                           \
  X(CONST, 0, "const")                 /* e->value */                                    \
  X(OBJECT, 0, "object")                                                                 \
  X(TIMESTAMP, 0, "timestamp")                                                           \
  X(ACTION, 0, "action")               /* STRING, dom SKY_DICT_ACTION */                 \
  X(PROP_EVENT, 0, "event")            /* e->index = property: value this event carries */ \
  X(PROP_STATE, 0, "state")            /* e->index = property: carried-forward value */  \
  X(SESSION_NUMBER, 0, "session.number")                                                 \
  X(RCONST, 0, "rconst")               /* e->index = runtime constant (plan->rcs) */     \
  X(KEY_REF, 0, "key")                 /* post-aggregation: group key e->index */        \
  X(AGG_REF, 0, "agg")                 /* post-aggregation: aggregate e->index */        \
  X(ENTRY, 0, "entry")                 /* a path statement's entry row: field e->index */ \
  X(OBJ_AGG, 0, "object agg")          /* agg(x) OVER OBJECT: plan->obj_aggs[e->index] */ \
  X(PATH_FN, 0, "path fn")             /* next/prev/nth: plan->path_fns[e->index] */    \
  /* unary */                                                                            \
  X(NOT, 1, "NOT")                                                                       \
  X(NEG, 1, "-")                       /* INT overflow (-INT64_MIN) is an error */       \
  X(IS_NULL, 1, "IS NULL")                                                               \
  X(IS_NOT_NULL, 1, "IS NOT NULL")                                                       \
  X(TO_FLOAT, 1, "float")              /* INT -> FLOAT */                                \
  X(RANK, 1, "rank")                   /* dict STRING -> INT order rank; e->index = RC_RANKS */ \
  X(DICT_MATCH, 1, "match")            /* dict STRING -> BOOL; e->index = RC_MATCH */    \
  X(LIKE, 1, "LIKE")                   /* any STRING -> BOOL; e->index = literal pattern (helper) */ \
  X(HOUR, 1, "hour")                   /* INT ts -> INT 0..23 */                         \
  X(WEEKDAY, 1, "weekday")             /* INT ts -> INT 0..6, 0 = Monday */              \
  X(DAY, 1, "day")                     /* INT ts -> STRING dom DAY */                    \
  X(WEEK, 1, "week")                   /* INT ts -> STRING dom DAY (its Monday) */       \
  X(MONTH, 1, "month")                 /* INT ts -> STRING dom MONTH */                  \
  X(IN_SET, 1, "IN set")               /* args[0] IN constants; e->index = plan->sets */ \
  /* binary */                                                                           \
  X(AND, 2, "AND")                     /* SQL three-valued logic */                      \
  X(OR, 2, "OR")                                                                         \
  X(EQ, 2, "=")                                                                          \
  X(NE, 2, "!=")                                                                         \
  X(LT, 2, "<")                                                                          \
  X(LE, 2, "<=")                                                                         \
  X(GT, 2, ">")                                                                          \
  X(GE, 2, ">=")                                                                         \
  X(ADD, 2, "+")                       /* INT: overflow is an error */                   \
  X(SUB, 2, "-")                                                                         \
  X(MUL, 2, "*")                                                                         \
  X(DIV, 2, "/")                       /* FLOAT only; x / 0 is NULL */                   \
  X(MOD, 2, "%")                       /* INT or FLOAT; x % 0 is NULL; sign of dividend */ \
  X(STR_CMP, 2, "strcmp")              /* any STRINGs -> INT -1/0/1 by UTF-8 bytes (helper) */ \
  /* ternary */                                                                          \
  X(IF, 3, "if")                       /* args[0] ? args[1] : args[2] (NULL condition: \
                                          args[2]); only the chosen branch is evaluated; \
                                          made up by the binder: post-aggregation, and \
                                          per event in PATHS's anchor (WHERE folded in) */ \
  /* n-ary */                                                                            \
  X(IN, -1, "IN")                      /* args[0] IN (args[1..]); SQL NULL rules */         \
  /* leaves read at an instant (PATHS.md §7 age(), §8) */                                \
  X(STATE_AGE, 0, "age")               /* INT µs since property e->index was last set at \
                                          or before the current event; NULL if never */ \
  X(PIECE_DURATION, 0, "duration")     /* DURING: INT µs, the current piece's length */

typedef enum sky_op {
#define SKY_X_OP(name, arity, text) SKY_OP_##name,
  SKY_OPS(SKY_X_OP)
#undef SKY_X_OP
  SKY_OP_COUNT_
} sky_op;

/* A constant value (CONST nodes). STRING constants are literals: word is
 * the literal index (dom SKY_DOM_LITERAL) or a day/month number. */
typedef struct sky_const {
  bool is_null;
  uint64_t word;
} sky_const;

typedef struct sky_expr {
  sky_op op;
  sky_vtype type;
  uint32_t dom;          /* STRING: its domain; SKY_DOM_NONE otherwise */
  uint32_t index;        /* op-specific: property, key, aggregate, rconst, literal */
  sky_const value;       /* CONST */
  sky_unit unit;         /* CONST: SKY_UNIT_DURATION for a duration literal; other
                            nodes: unused (sky_expr_unit() derives it) */
  uint32_t id;           /* unique per plan, 0..plan->n_exprs-1 (errors, IR names) */
  uint32_t n_args;
  struct sky_expr **args;
  int line, column;      /* position of the expression in the statement */
  const char *text;      /* its source text, trimmed (error messages, names) */
} sky_expr;

/* What an aggregate's call takes (the binder's rule for its row). */
typedef enum sky_agg_args {
  SKY_AARGS_NONE,     /* f(): nothing */
  SKY_AARGS_COUNT,    /* count(), count(*), count(x), count(DISTINCT x): picks
                         COUNT_ALL, COUNT, COUNT_DISTINCT or OBJECTS */
  SKY_AARGS_ANY,      /* f(x), x of any type */
  SKY_AARGS_NUMERIC,  /* f(x), x INT or FLOAT */
  SKY_AARGS_FRACTION, /* f(x, q): x INT or FLOAT, q a decimal literal in [0, 1],
                         kept exactly as sky_agg.q_num / q_den */
} sky_agg_args;

/* An aggregate's result type. */
typedef enum sky_agg_result {
  SKY_ARES_INT,   /* a count */
  SKY_ARES_FLOAT, /* a mean or deviation */
  SKY_ARES_ARG,   /* the argument's type (and string domain) */
} sky_agg_result;

/* Row flags: what an aggregate reads besides its argument. */
enum {
  SKY_AGGF_OBJECT = 1,  /* the object id (distinct objects) */
  SKY_AGGF_SESSION = 2, /* the session number: needs WITHIN SESSION */
  SKY_AGGF_OVER_ONLY = 4, /* only as agg(x) OVER OBJECT (first, last) */
};

/* What an aggregate's result means in time (bind_units.c): the argument is
 * an instant (TIMESTAMP), a length (DURATION) or a plain number. */
typedef enum sky_agg_unit {
  SKY_AUNIT_NONE,   /* a count: a plain number */
  SKY_AUNIT_ARG,    /* the argument's: one of the inputs (min, median) or their mean */
  SKY_AUNIT_SUM,    /* a length stays a length; a sum of instants means nothing */
  SKY_AUNIT_SPREAD, /* a length when the argument is a time or a length */
} sky_agg_unit;

/* Aggregates, one row each — the single definition every layer is driven
 * from: X(NAME, EXPLAIN spelling, function name (NULL: reached only
 * through another row's function, as count(DISTINCT x) is), arguments,
 * result type, unit of time, flags). The binder reads the row
 * (sky_agg_defs); the engines' half — state words, update, merge, result —
 * is one implementation per row in codegen/agg_*.c, gathered into
 * codegen/aggs.h's table by this same list, so a row without its
 * implementation does not link. */
#define SKY_AGGS(X)                                                                                       \
  X(COUNT_ALL, "count", NULL, SKY_AARGS_NONE, SKY_ARES_INT, SKY_AUNIT_NONE, 0) /* count(): matching events */ \
  X(COUNT, "count", "count", SKY_AARGS_COUNT, SKY_ARES_INT, SKY_AUNIT_NONE, 0) /* count(x): non-NULL x */     \
  X(COUNT_DISTINCT, "count_distinct", NULL, SKY_AARGS_ANY, SKY_ARES_INT, SKY_AUNIT_NONE, 0) /* a set of x */    \
  X(OBJECTS, "objects", "objects", SKY_AARGS_NONE, SKY_ARES_INT, SKY_AUNIT_NONE, SKY_AGGF_OBJECT)               \
  X(SESSIONS, "sessions", "sessions", SKY_AARGS_NONE, SKY_ARES_INT, SKY_AUNIT_NONE,                             \
    SKY_AGGF_OBJECT | SKY_AGGF_SESSION)                                                                          \
  X(SUM, "sum", "sum", SKY_AARGS_NUMERIC, SKY_ARES_ARG, SKY_AUNIT_SUM, 0)                                       \
  X(AVG, "avg", "avg", SKY_AARGS_NUMERIC, SKY_ARES_FLOAT, SKY_AUNIT_ARG, 0)                                     \
  X(MIN, "min", "min", SKY_AARGS_ANY, SKY_ARES_ARG, SKY_AUNIT_ARG, 0)                                           \
  X(MAX, "max", "max", SKY_AARGS_ANY, SKY_ARES_ARG, SKY_AUNIT_ARG, 0)                                           \
  X(MEDIAN, "median", "median", SKY_AARGS_NUMERIC, SKY_ARES_ARG, SKY_AUNIT_ARG, 0) /* lower median */          \
  X(QUANTILE, "quantile", "quantile", SKY_AARGS_FRACTION, SKY_ARES_ARG, SKY_AUNIT_ARG, 0) /* floor(q(n-1)) */  \
  X(STDDEV, "stddev", "stddev", SKY_AARGS_NUMERIC, SKY_ARES_FLOAT, SKY_AUNIT_SPREAD, 0) /* population */   \
  X(FIRST, "first", "first", SKY_AARGS_ANY, SKY_ARES_ARG, SKY_AUNIT_ARG, SKY_AGGF_OVER_ONLY) /* first non-NULL */ \
  X(LAST, "last", "last", SKY_AARGS_ANY, SKY_ARES_ARG, SKY_AUNIT_ARG, SKY_AGGF_OVER_ONLY)    /* last non-NULL */

typedef enum sky_agg_kind {
#define SKY_X_AGG(name, text, fn, args, result, unit, flags) SKY_AGG_##name,
  SKY_AGGS(SKY_X_AGG)
#undef SKY_X_AGG
  SKY_AGG_COUNT_
} sky_agg_kind;

/* The binder's half of a row of SKY_AGGS. */
typedef struct sky_agg_def {
  const char *explain; /* EXPLAIN spelling */
  const char *fn;      /* function name, or NULL */
  sky_agg_args args;
  sky_agg_result result;
  sky_agg_unit unit;
  unsigned flags; /* SKY_AGGF_* */
} sky_agg_def;

extern const sky_agg_def sky_agg_defs[SKY_AGG_COUNT_];

typedef struct sky_agg {
  sky_agg_kind kind;
  sky_expr *arg;          /* NULL for COUNT_ALL, OBJECTS, SESSIONS */
  sky_expr *filter;       /* FILTER (WHERE c): BOOL per event, the aggregate sees
                             only matching events where it is TRUE; NULL = all.
                             Evaluated before the argument, which is evaluated
                             only where the filter is TRUE */
  sky_vtype type;         /* result type: INT for counts, FLOAT for avg, the
                             argument's type for sum (INT/FLOAT), min, max */
  uint32_t dom;           /* STRING min/max: the argument's domain */
  uint64_t q_num, q_den;  /* SKY_AARGS_FRACTION: q = q_num / q_den exactly (q_den a power of 10) */
  int32_t rank_rc;        /* MIN/MAX over a dictionary STRING: RC_RANKS index, else -1 */
  uint32_t word;          /* offset of this aggregate's state in a group slot (groups.h) */
  const char *text;       /* e.g. "count()" */
} sky_agg;

/* Runtime constants: values that depend on the snapshot's dictionaries,
 * resolved by sky_runtime_prepare() before a run and read by the engines
 * from the runtime (so compiled code is reusable across snapshots). */
typedef enum sky_rc_kind {
  SKY_RC_CODE,   /* code of `str` in `dict`, or SKY_CODE_MISSING (never equals a value) */
  SKY_RC_RANK,   /* even order rank of `str` among `dict`'s strings (see RANKS) */
  SKY_RC_RANKS,  /* table code -> odd rank: 2*(position in byte order)+1 */
  SKY_RC_LIKE,   /* table code -> 0/1: string LIKE pattern `str` */
  SKY_RC_IN_SET, /* table code -> 0/1: string is one of `strs` */
} sky_rc_kind;

#define SKY_CODE_MISSING 0xFFFFFFFFu

typedef struct sky_rc {
  sky_rc_kind kind;
  uint32_t dict;
  const char *str;    /* CODE, RANK, LIKE */
  size_t len;
  uint32_t n_strs;    /* IN_SET */
  const char **strs;
  const size_t *lens;
} sky_rc;

/* The constant items of a large IN (SKY_OP_IN_SET), as a set of 64-bit
 * keys sorted as unsigned words, each once: the item's word, except that a
 * FLOAT -0 is +0 and a FLOAT NaN is left out (NaN equals nothing, -0 equals
 * 0: the = of the plan). A NULL item only sets has_null: x IN (...) is then
 * NULL, not FALSE, when x is not in the set (and always when x is NULL). */
typedef struct sky_in_set {
  sky_vtype type;       /* the operand's type */
  bool has_null;        /* a NULL item was listed */
  uint32_t n;           /* keys */
  const uint64_t *keys; /* [n], ascending, distinct */
} sky_in_set;

/* IN lists longer than this with constant items become SKY_OP_IN_SET
 * (shorter ones stay SKY_OP_IN, which the JIT inlines): a set test costs a
 * call and a binary search, and a long inline list costs LLVM time that
 * grows faster than its length (BENCHMARKS.md). */
#define SKY_IN_SET_MIN_ITEMS 16

/* Builds the set of `n` constant items of type `type` into `arena`.
 * Returns 0, or -1 when out of memory. (plan_set.c) */
int sky_in_set_build(sky_in_set *set, sky_vtype type, const sky_const *items, uint32_t n, sky_arena *arena);
/* Is the non-NULL value `word` of the set's type one of its items (by =)?
 * The one definition of membership: both engines call it (through
 * runtime.h's sky_rt_in_set). */
bool sky_in_set_contains(const sky_in_set *set, uint64_t word);

typedef struct sky_literal {
  const char *str;
  size_t len;
} sky_literal;

typedef struct sky_order {
  sky_expr *expr; /* post-aggregation expression */
  bool desc;
} sky_order;

/* What a plan computes, one row per query statement's shape: X(NAME,
 * EXPLAIN spelling). A SELECT adds matching events into groups; the path
 * statements (PATHS.md) add kinds whose per-object state the same scan
 * skeleton advances and flushes into the same mergeable group tables. */
#define SKY_PLAN_KINDS(X)                                                           \
  X(SELECT, "SELECT") X(FUNNEL, "FUNNEL") X(RETENTION, "RETENTION") X(LIFECYCLE, "LIFECYCLE") \
  X(STICKINESS, "STICKINESS") X(PATHS, "PATHS")

typedef enum sky_plan_kind {
#define SKY_X_PLAN_KIND(name, text) SKY_PLAN_##name,
  SKY_PLAN_KINDS(SKY_X_PLAN_KIND)
#undef SKY_X_PLAN_KIND
  SKY_PLAN_KIND_COUNT_
} sky_plan_kind;

/* ---- FUNNEL (PATHS.md §1) ----------------------------------------------------
 *
 * A FUNNEL plan reads each object's matching events (plan->filter is its
 * WHERE) with the per-event expressions of sky_funnel, concludes the
 * object's entries at its end, and adds each entry into the group table as
 * one or more *entry rows*: plan->keys and the aggregate arguments are then
 * expressions over ENTRY leaves (the fields below), so grouping, merging,
 * finalizing, HAVING, ORDER BY and LIMIT are the SELECT machinery. */
#define SKY_FUNNEL_MAX_STEPS 64
#define SKY_FUNNEL_MAX_EXCLUDES 64 /* one bit each in an event's mask */

typedef enum sky_funnel_order {
  SKY_FUNNEL_GAPS = 0,  /* other events may come between steps */
  SKY_FUNNEL_STRICT,    /* each step is the next matching event */
  SKY_FUNNEL_ANY_ORDER, /* distinct steps within the window, no chain */
} sky_funnel_order;

typedef enum sky_funnel_return {
  SKY_FUNNEL_RETURN_STEPS = 0, /* one row per group and step */
  SKY_FUNNEL_RETURN_OBJECTS,   /* one row per entry */
  SKY_FUNNEL_RETURN_TIMES,     /* one row per group and time bucket */
} sky_funnel_return;

/* EXCLUDE cond BETWEEN STEP from AND to: no matching event satisfying cond
 * strictly between the events of steps m and m+1, from <= m < to. */
typedef struct sky_funnel_exclude {
  sky_expr *cond;
  uint32_t from, to; /* 1-based steps */
} sky_funnel_exclude;

/* The fields of an entry row, X(NAME, column name). Entry keys (HOLDING
 * values, then GROUP BY values) follow as SKY_ENTRY_KEY0 + i. */
#define SKY_ENTRY_FIELDS(X)                                                           \
  X(OBJECT, "object")             /* the entry's object */                          \
  X(LEVEL, "level")               /* its level, 1..k */                             \
  X(STEP, "step")                 /* RETURN STEPS: the row's step, 1..k */          \
  X(NAME, "name")                 /* the step's name (a literal string) */          \
  X(REACHED, "reached")           /* 1 when level >= step, else NULL */             \
  X(REACHED_PREV, "reached_prev") /* 1 when level >= step - 1, else NULL */         \
  X(TIME, "time")                 /* reach(step) - reach(1), NULL past the level */ \
  X(STEP_TIME, "step_time")       /* reach(step) - reach(step - 1); NULL at 1 */    \
  X(STARTED, "started")           /* reach(1) */                                    \
  X(CONVERTED, "converted")       /* reach(level) */                                \
  X(BUCKET, "bucket")             /* RETURN TIMES: the time's bucket lower bound */ \
  /* RETENTION, LIFECYCLE, STICKINESS (sky_cohort): an entry row stands for    \
     `size` entries or objects, so that a scan may add several at once */        \
  X(COHORT, "cohort")             /* a period's label word (sky_period_dom) */      \
  X(PERIOD, "period")             /* RETENTION: the row's period index k */         \
  X(SIZE, "size")                 /* entries (objects) the row stands for */        \
  X(RETAINED, "retained")         /* RETENTION: of those, retained at k */          \
  X(NEW, "new")                   /* LIFECYCLE: objects new in the period, ... */   \
  X(RETURNING, "returning")                                                         \
  X(RESURRECTING, "resurrecting")                                                   \
  X(DORMANT, "dormant")                                                             \
  X(PERIODS, "periods")           /* STICKINESS: an object's active periods */   \
  /* PATHS (sky_paths): one row per edge; its step is STEP, its time TIME */   \
  X(SOURCE, "source")             /* the edge's earlier value */                    \
  X(TARGET, "target")             /* the edge's later value */

typedef enum sky_entry_field {
#define SKY_X_ENTRY(name, text) SKY_ENTRY_##name,
  SKY_ENTRY_FIELDS(SKY_X_ENTRY)
#undef SKY_X_ENTRY
  SKY_ENTRY_KEY0
} sky_entry_field;

const char *sky_entry_field_name(uint32_t field);

typedef struct sky_funnel {
  uint32_t n_steps;
  sky_expr **steps;         /* BOOL per event */
  const char **step_names;  /* alias or source text */
  uint32_t *step_literals;  /* the names as plan->literals indexes (the NAME field) */
  int64_t window_us;        /* WITHIN: ts(last) - ts(first) <= window */
  sky_funnel_order order;
  uint32_t n_excludes;
  sky_funnel_exclude *excludes;
  uint32_t n_hold;
  sky_expr **hold;          /* HOLDING: equal (NULL = NULL) at every step */
  uint32_t n_group;
  sky_expr **group;         /* GROUP BY, evaluated at the entry's step-1 event */
  sky_funnel_return ret;
  uint32_t min_level;       /* RETURN OBJECTS: entries with level >= this ... */
  uint32_t max_level;       /* ... and <= this (DROPPED AFTER i: both i) */
  uint32_t time_from, time_to; /* RETURN TIMES FROM STEP i TO STEP j */
  int64_t bucket_us;        /* RETURN TIMES ... BUCKET d (> 0) */
} sky_funnel;

/* ---- RETENTION, LIFECYCLE, STICKINESS (PATHS.md §2, §3) -------------------------
 *
 * Per object, calendar periods of its matching events (plan->filter is the
 * WHERE): RETENTION's entries (the first start event, or the first of each
 * period with RECURRING) and the periods of their returns; LIFECYCLE's and
 * STICKINESS's active periods. What an object concludes becomes entry rows
 * (SKY_ENTRY_COHORT ...), summed by the SELECT machinery as FUNNEL's are. */
#define SKY_RETENTION_MAX_PERIODS 1000

enum { SKY_COHORT_START = 0, SKY_COHORT_RETURN = 1 };

typedef struct sky_cohort {
  sky_period unit;          /* EVERY */
  /* RETENTION */
  bool recurring;           /* an entry per period holding a start event */
  bool rolling;             /* index floor((ts(e) - ts(s)) / sky_period_us) */
  bool on_or_after;         /* retained at k: a return of index >= k */
  uint32_t n_periods;       /* FOR n: k = 0 .. n-1 */
  sky_expr *conds[2];       /* [SKY_COHORT_START] FROM, [SKY_COHORT_RETURN] TO:
                               BOOL per event (none outside RETENTION) */
  uint32_t n_group;
  sky_expr **group;         /* GROUP BY, evaluated at the entry's start event */
} sky_cohort;

/* ---- PATHS (PATHS.md §4) -------------------------------------------------------------
 *
 * Per object, the whole path (not only matching events): every event's
 * value (OF, default action) and whether it is an anchor — a matching
 * event satisfying the condition. The plan has no filter: WHERE is folded
 * into `anchor` as IF(WHERE, condition, FALSE), so that the engines hand
 * over every event. For each anchor a and i = 1..k, the i-th event after
 * (before) a in the same session gives an edge between x(i-1) and x(i),
 * left out when the far end x(i) is NULL. Each edge is one entry row:
 * STEP i (BEFORE: -i), SOURCE and TARGET in time order, TIME the gap
 * between their events (>= 0). */
#define SKY_PATHS_MAX_STEPS 64

typedef struct sky_paths {
  bool before;              /* BEFORE: steps -1 .. -k */
  uint32_t n_steps;         /* STEPS k, 1..SKY_PATHS_MAX_STEPS */
  sky_expr *anchor;         /* BOOL per event: WHERE and the condition */
  sky_expr *value;          /* OF expr, per event (every event) */
} sky_paths;

/* ---- next, prev, nth (PATHS.md §4) ----------------------------------------------
 *
 * Functions of the object's whole path (before WHERE; within the session
 * under WITHIN SESSION), read per event by PATH_FN leaves. Before an
 * object's events are walked, both engines evaluate every path function's
 * argument and condition at each of its events (all of them: an INT
 * overflow there is an error even where no result needs it), then one C
 * definition (codegen/pathfn.c) resolves each function's value at every
 * event in linear time. dwell() is bound as next(timestamp) - timestamp.
 * X(NAME, function name). */
#define SKY_PATH_FNS(X) X(NEXT, "next") X(PREV, "prev") X(NTH, "nth")

typedef enum sky_path_fn_kind {
#define SKY_X_PATH_FN(name, text) SKY_PATH_FN_##name,
  SKY_PATH_FNS(SKY_X_PATH_FN)
#undef SKY_X_PATH_FN
  SKY_PATH_FN_COUNT_
} sky_path_fn_kind;

#define SKY_PATH_FN_MAX_N 64 /* next(x, n): n in 1..64 */

typedef struct sky_path_fn {
  sky_path_fn_kind kind;
  sky_expr *arg;   /* NEXT, PREV: x (its value at the target event); NTH: NULL */
  sky_expr *cond;  /* BOOL: the counted events are those where it is TRUE
                      (NEXT/PREV ... WHERE c; NTH's condition); NULL = all */
  bool distinct;   /* NEXT/PREV DISTINCT: counted where x IS DISTINCT FROM
                      its value at the event before (NEXT) / after (PREV) */
  uint32_t n;      /* the n-th counted event, 1..SKY_PATH_FN_MAX_N */
  sky_vtype type;  /* the result: x's type (INT for NTH) */
  uint32_t dom;
  const char *text;
} sky_path_fn;

const char *sky_path_fn_name(sky_path_fn_kind k);

/* ---- STATE set times and lapses (PATHS.md §7 age(), §8 EXPIRES) ------------------
 *
 * A register that is timed keeps, beside its value, the time of the latest
 * event (at or before the current one, in path order) that carried a value
 * for its property: its *set time*, SKY_STATE_NEVER before any. A heartbeat
 * (the same value again) moves the set time. Two readings are defined on
 * (value, set time) at an instant t, once, in codegen/runtime.h:
 *  - the value read at t (sky_rt_state_at): the TO value when the property
 *    lapses and t - set > after_us (sky_state_lapsed, storage/schema.h),
 *    else the register's value (NULL when never set);
 *  - age at t (sky_rt_state_age): t - set, NULL when never set; never
 *    affected by a lapse.
 * t is the current event's timestamp, or under AS OF plan->as_of_us;
 * DURING reads the same pair at its instant. A plan whose properties never lapse and that reads
 * no age() has state_lapse NULL and no engine does any of this. */
#define SKY_STATE_NEVER INT64_MIN /* the set time of a register never set */

typedef struct sky_state_lapse {
  bool timed;        /* the set time is kept (a lapse or an age() reads it) */
  sky_vtype type;    /* the property's value type */
  int64_t after_us;  /* EXPIRES AFTER (> 0), or 0: the value never lapses */
  bool to_null;      /* a lapsed value is NULL (no TO literal) */
  uint64_t to_word;  /* INT, FLOAT, BOOL: the lapsed value's word */
  int32_t to_rc;     /* STRING with TO: the runtime constant (SKY_RC_CODE) holding the
                        TO string's code in the property's dictionary (interned there
                        when the property was created, so never missing); else -1 */
} sky_state_lapse;

/* ---- SELECT ... DURING (PATHS.md §7) -----------------------------------------------
 *
 * The rows of a DURING SELECT are *pieces* of time, not events: each event
 * of an object's path covers [its timestamp, the next event's) — the last
 * one [its timestamp, to_us) — clipped to [from_us, to_us) and cut at every
 * boundary of `every` and at every lapse instant (set time + EXPIRES AFTER)
 * of each lapsing STATE property of the table (the binder gives each one a
 * timed register, read or not); empty pieces are dropped. A piece is
 * evaluated at its event (action, event.p) with `timestamp` = its start,
 * STATE read at its start under the piece rule (a value set at s covers
 * [s, s + d): sky_rt_state_in_piece), age() at its start and
 * PIECE_DURATION = its length. */
typedef struct sky_during {
  int64_t from_us, to_us; /* from_us < to_us */
  int every;              /* sky_period, or -1: no calendar cut */
} sky_during;

typedef struct sky_plan {
  sky_plan_kind kind;
  sky_funnel *funnel;                  /* SKY_PLAN_FUNNEL: the per-object part */
  sky_cohort *cohort;                  /* RETENTION, LIFECYCLE, STICKINESS: theirs */
  sky_paths *paths;                    /* SKY_PLAN_PATHS: its per-object part */
  /* inputs */
  uint64_t schema_uid, schema_version; /* what the plan was bound against */
  uint32_t n_props;                    /* schema's property count at bind time */
  bool need_ts;                        /* timestamps (time refs, buckets, sessions) */
  bool need_action;
  uint8_t *need_props;                 /* [n_props]: raw column read (event.p or state.p) */
  uint32_t n_state;                    /* STATE registers, in this order */
  uint32_t *state_props;               /* [n_state] property indexes */
  sky_state_lapse *state_lapse;        /* [n_state], or NULL when no register is timed */
  int64_t session_gap_us;              /* WITHIN SESSION gap; -1 when absent */
  bool uses_session_number;            /* session.number or sessions() */
  /* AS OF (PATHS.md §6): per object one row, at its last event at or
   * before as_of_us (none: the object is left out), STATE values and age()
   * read at as_of_us itself; no sessions, path functions or OVER OBJECT */
  bool as_of;
  int64_t as_of_us;

  /* per object, before its events (agg(x) OVER OBJECT, PATHS.md §5): over
   * the object's matching events; read per event by OBJ_AGG leaves */
  uint32_t n_obj_aggs;
  sky_agg *obj_aggs;                   /* word = offset in the object's state */
  uint32_t obj_words;                  /* words of state of all of them */

  /* per object, before everything else (next, prev, nth): over all its
   * events; read per event by PATH_FN leaves */
  uint32_t n_path_fns;
  sky_path_fn *path_fns;

  /* per event */
  sky_expr *filter;                    /* NULL = every event matches */
  uint32_t n_keys;
  sky_expr **keys;                     /* GROUP BY, in order */
  uint32_t n_aggs;
  sky_agg *aggs;
  uint32_t slot_words;                 /* words per group slot (groups.h) */

  /* post aggregation */
  uint32_t n_outputs;
  sky_expr **outputs;                  /* SELECT items */
  const char **output_names;           /* alias or source text */
  sky_column_type *output_types;       /* display types (bind_units.c) */
  sky_expr *having;                    /* NULL = none */
  uint32_t n_order;
  sky_order *order;                    /* explicit ORDER BY; default order is by keys */
  int64_t limit;                       /* -1 = none */

  /* tables */
  uint32_t n_rcs;
  sky_rc *rcs;
  uint32_t n_literals;
  sky_literal *literals;
  uint32_t n_sets;
  sky_in_set *sets;                    /* IN_SET operands' constant sets */
  uint32_t n_exprs;                    /* ids are 0..n_exprs-1 */
  sky_during *during;                  /* SELECT ... DURING: rows are pieces; else NULL */
} sky_plan;

/* The per-event expressions of a path statement's per-object part, in the
 * order an event evaluates them — FUNNEL: steps, exclusions, HOLDING,
 * GROUP BY; RETENTION: FROM, TO, GROUP BY; PATHS: the anchor, then the
 * value — each passed to fn (none for a
 * SELECT). The plan's keys and aggregates then read entry rows. */
void sky_plan_each_path_expr(const sky_plan *p, void (*fn)(sky_expr *e, void *ctx), void *ctx);

/* The statement a plan kind answers ("FUNNEL"). */
const char *sky_plan_kind_name(sky_plan_kind kind);
/* Spelling of an operator / aggregate for EXPLAIN and IR names. */
const char *sky_op_name(sky_op op);
int sky_op_arity(sky_op op);
const char *sky_agg_name(sky_agg_kind k);
const char *sky_vtype_name(sky_vtype t);

/* bind_units.c: the unit of an expression of a bound plan, and the display
 * type of a SELECT item (TIMESTAMP/DURATION for time-valued numbers). */
sky_unit sky_expr_unit(const sky_plan *p, const sky_expr *e);
sky_column_type sky_expr_column_type(const sky_plan *p, const sky_expr *e);
/* Fills p->output_types (in `arena`). 0, or -1 when out of memory. */
int sky_plan_output_types(sky_plan *p, sky_arena *arena);

/* Prints the plan readably (EXPLAIN): one line per part, expressions as
 * trees with their types. Stable text: golden tests diff it. */
void sky_plan_explain(const sky_plan *plan, const sky_schema *schema, sky_buf *out);

#endif
