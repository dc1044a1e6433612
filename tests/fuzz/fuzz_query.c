/* fuzz_query.c — the query-shape fuzzer (issue 13): statements generated
 * from the input's bytes (query_gen.c: SELECT, FUNNEL, RETENTION,
 * LIFECYCLE, STICKINESS and PATHS, every clause, aggregate and operator,
 * long IN lists, wide and deeply chained shapes)
 * run through the real statement layer (sky.h) on both engines.
 *
 * Once per process: a database in a scratch directory, table t with every
 * property kind and type, a few hundred events over 14 objects (equal
 * timestamps, NULLs, extremes, instants from year 0 to 9999), half of them
 * in segments (the database is reopened) and half in the memtable, and one
 * object deleted. Then per input, the statement runs on the interpreter and
 * on the JIT. The harness aborts, printing the statement, when
 *   - either engine takes more than the limit (2 s; SKY_FUZZ_QUERY_LIMIT_MS)
 *     of CPU time, all threads together, from sky_exec to the encoded reply
 *     (CPU time, so that a busy host does not make a statement slow), or
 *     stops at the db's own statement timeout (ten times the limit, wall
 *     clock);
 *   - the two replies differ (results and errors alike, as JSON);
 *   - either answers `internal` (a user's statement is never the server's
 *     fault);
 * and, through the sanitizers, on any crash, leak or undefined behavior.
 * Other errors (syntax, binding, overflow, limits) are fine answers.
 * SKY_FUZZ_QUERY_PRINT=1 prints every statement, its time and its answer;
 * SKY_FUZZ_QUERY_TEXT=1 takes each input as the statement's text instead
 * of choices, to check a statement by hand (a report, a shrunk repro).
 */
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "fuzz/query_gen.h"
#include "sky.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The harness's fixture: one database for the whole process. */
typedef struct fq_fixture {
  sky_db *db;
  sky_conn *interp, *jit;
  char dir[512];
  double limit_s;
  bool print;
  bool text; /* inputs are statement texts, not choices */
} fq_fixture;

static fq_fixture g_fx;

static void fail(const char *why, const char *text, const char *a, const char *b) {
  fprintf(stderr, "fuzz_query: %s\nstatement: %s\n", why, text);
  if (a) fprintf(stderr, "interpreter: %s\n", a);
  if (b) fprintf(stderr, "jit:         %s\n", b);
  abort();
}

/* ---- the dataset -------------------------------------------------------------------- */

static uint64_t next_rand(uint64_t *s) {
  uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

#define ONE_OF(s, arr) ((arr)[next_rand(s) % (sizeof(arr) / sizeof((arr)[0]))])

/* One INSERT row: every column, most of them NULL. */
static void add_row(sky_buf *b, uint64_t *s, const char *obj, int64_t ts) {
  static const char *const acts[] = {"'view'", "'view'", "'cart'", "'buy'", "'remove'", "'signup'", "NULL"};
  static const char *const plans[] = {"'free'", "'pro'", "'basic'", "''"};
  static const char *const countries[] = {"'FR'", "'US'", "'DE'", "'C\xc3\xb4te d''Ivoire'"};
  static const char *const prices[] = {"19.99", "0.0", "-0.0", "100.5", "5", "1e308", "-2.5", "0.1"};
  static const char *const qtys[] = {"1", "2", "-3", "0", "7", "1000000"};
  static const char *const notes[] = {"'a'", "'two\nlines'", "'Z\xc3\xbcrich'", "''"};
  static const char *const bools[] = {"TRUE", "FALSE"};
  const char *act = ONE_OF(s, acts);
  const char *plan = next_rand(s) % 4 ? "NULL" : ONE_OF(s, plans);
  if (!strcmp(act, "NULL")) plan = "'pro'"; /* a row needs an action or a value */
  sky_buf_printf(b, "(%s, %lld, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", obj, (long long)ts, act, plan,
                 next_rand(s) % 5 ? "NULL" : ONE_OF(s, countries), next_rand(s) % 6 ? "NULL" : ONE_OF(s, bools),
                 next_rand(s) % 6 ? "NULL" : "30", next_rand(s) % 6 ? "NULL" : "0.75",
                 next_rand(s) % 3 ? "NULL" : ONE_OF(s, prices), next_rand(s) % 3 ? "NULL" : ONE_OF(s, qtys),
                 next_rand(s) % 5 ? "NULL" : ONE_OF(s, notes), next_rand(s) % 4 ? "NULL" : ONE_OF(s, bools));
}

/* Events of objects [first, end) of the table below as one INSERT. */
static void dataset(sky_buf *b, int first, int end) {
  static const char *const objs[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
                                     "9223372036854775808", "18446744073709551615"};
  static const int64_t steps[] = {0, 0, 1, 1000000, 300000000, 1800000000, 1800000001, 7200000000, 86400000000,
                                  691200000000};
  sky_buf_puts(b, "INSERT INTO t (object, timestamp, action, plan, country, vip, age, score, price, qty, note, flag) "
                  "VALUES ");
  for (int o = first; o < end; o++) {
    uint64_t s = (uint64_t)o * 7919 + 1;
    int64_t ts = INT64_C(1772323200000000) + (int64_t)(next_rand(&s) % 86400) * 1000000;
    if (o == 4) ts = INT64_C(-62167219200000000); /* 0000-01-01 */
    if (o == 12) ts = INT64_C(253402297199000000); /* 9999-12-31 23:00 */
    int n = 5 + (int)(next_rand(&s) % 36);
    for (int k = 0; k < n; k++) {
      if (o > first || k) sky_buf_puts(b, ", ");
      add_row(b, &s, objs[o], ts);
      ts += ONE_OF(&s, steps) / (o == 12 ? 1000 : 1); /* object 12 stays before year 10000 */
    }
  }
  if (first == 0) sky_buf_puts(b, ", (7, 1772323200000000, 'buy', NULL, NULL, NULL, NULL, NULL, NULL, -9223372036854775807, NULL, NULL)");
}

static void setup_exec(sky_conn *c, const char *text) {
  sky_error err;
  sky_result *r = sky_exec(c, text, strlen(text), &err);
  if (!r) {
    fprintf(stderr, "fuzz_query: setup failed: %s: %s\n%.300s\n", sky_code_name(err.code), err.message, text);
    abort();
  }
  sky_result_free(r);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

static void fixture_close(void) {
  sky_conn_free(g_fx.interp);
  sky_conn_free(g_fx.jit);
  sky_db_close(g_fx.db);
  g_fx.interp = g_fx.jit = NULL;
  g_fx.db = NULL;
}

static void fixture_remove(void) {
  fixture_close();
  if (g_fx.dir[0]) nftw(g_fx.dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void fixture_connect(void) {
  sky_db_options opt;
  sky_db_options_init(&opt);
  opt.threads = 2;
  opt.query_memory_bytes = (size_t)1 << 30;
  opt.query_timeout_ms = (uint64_t)(g_fx.limit_s * 10000);
  sky_error err;
  g_fx.db = sky_db_open(g_fx.dir, &opt, &err);
  if (!g_fx.db) {
    fprintf(stderr, "fuzz_query: cannot open %s: %s\n", g_fx.dir, err.message);
    abort();
  }
  g_fx.interp = sky_conn_create(g_fx.db);
  g_fx.jit = sky_conn_create(g_fx.db);
  if (!g_fx.interp || !g_fx.jit) abort();
  sky_conn_set_engine(g_fx.interp, SKY_ENGINE_INTERP);
  sky_conn_set_engine(g_fx.jit, SKY_ENGINE_JIT);
}

static void fixture_open(void) {
  const char *tmp = getenv("SKY_TEST_TMP");
  snprintf(g_fx.dir, sizeof g_fx.dir, "%s/fuzz_query-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(g_fx.dir)) {
    perror(g_fx.dir);
    abort();
  }
  const char *limit = getenv("SKY_FUZZ_QUERY_LIMIT_MS");
  g_fx.limit_s = limit && *limit ? atof(limit) / 1000 : 2.0;
  const char *print = getenv("SKY_FUZZ_QUERY_PRINT");
  g_fx.print = print && *print && *print != '0';
  const char *as_text = getenv("SKY_FUZZ_QUERY_TEXT");
  g_fx.text = as_text && *as_text && *as_text != '0';
  atexit(fixture_remove);
  fixture_connect();
  sky_buf b;
  sky_buf_init(&b);
  setup_exec(g_fx.interp, QG_TABLE_DDL);
  dataset(&b, 0, 8);
  setup_exec(g_fx.interp, b.data);
  fixture_close(); /* closing flushes the memtable: these events are read from segments */
  fixture_connect();
  sky_buf_reset(&b);
  dataset(&b, 8, 14);
  setup_exec(g_fx.interp, b.data);
  setup_exec(g_fx.interp, "DELETE OBJECT 3 FROM t");
  setup_exec(g_fx.interp, "USE t");
  setup_exec(g_fx.jit, "USE t");
  sky_buf_free(&b);
}

/* ---- one statement ------------------------------------------------------------------- */

typedef struct answer {
  char *json;
  sky_code code; /* SKY_ERR_OK for a result */
  double secs; /* CPU time of the process */
} answer;

static double cpu_secs(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void run(sky_conn *c, const char *text, size_t len, answer *a) {
  sky_error err;
  double t0 = cpu_secs();
  sky_result *r = sky_exec(c, text, len, &err);
  size_t n;
  a->json = r ? sky_result_to_json(r, -1, &n) : sky_error_to_json(&err, &n);
  a->secs = cpu_secs() - t0;
  a->code = r ? SKY_ERR_OK : err.code;
  sky_result_free(r);
  if (!a->json) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!g_fx.db) fixture_open();
  sky_buf text;
  sky_buf_init(&text);
  if (g_fx.text) sky_buf_append(&text, data, size);
  else qg_generate(data, size, &text);
  if (text.failed || !text.data) abort();
  answer ai, aj;
  run(g_fx.interp, text.data, text.len, &ai);
  run(g_fx.jit, text.data, text.len, &aj);
  if (g_fx.print)
    printf("%.3f s / %.3f s  %s  %s\n  -> %.200s\n", ai.secs, aj.secs, sky_code_name(ai.code), text.data, aj.json);
  char why[160];
  for (int e = 0; e < 2; e++) {
    const answer *a = e ? &aj : &ai;
    const char *engine = e ? "JIT" : "interpreter";
    if (a->code == SKY_ERR_TIMEOUT || a->secs > g_fx.limit_s) {
      snprintf(why, sizeof why, "the %s took %.2f s of CPU (limit %.2f s)", engine, a->secs, g_fx.limit_s);
      fail(why, text.data, ai.json, aj.json);
    }
    if (a->code == SKY_ERR_INTERNAL) {
      snprintf(why, sizeof why, "the %s answered internal", engine);
      fail(why, text.data, ai.json, aj.json);
    }
  }
  if (strcmp(ai.json, aj.json) != 0) fail("the engines' answers differ", text.data, ai.json, aj.json);
  free(ai.json);
  free(aj.json);
  sky_buf_free(&text);
  return 0;
}
