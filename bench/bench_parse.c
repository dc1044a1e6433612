/* bench_parse.c — the language front end's cost per statement: parse
 * alone, parse + bind, and parse + bind + EXPLAIN, for the five benchmark
 * queries, each in a fresh arena as the statement layer does it.
 * Usage: bench_parse [iterations per query, default 200000]
 * Prints one line per query and phase: mean and best-of-10-batches µs/op.
 * The target: parse + bind of a typical query well under 100 µs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/arena.h"
#include "common/buf.h"
#include "common/clock.h"
#include "parser/stmt.h"

static const char *const g_queries[] = {
    "SELECT count() WHERE action = 'purchase'",
    "SELECT count(), objects() WHERE action = 'purchase' GROUP BY state.plan",
    "SELECT sessions() GROUP BY state.country WITHIN SESSION 30m",
    "SELECT count(), avg(event.price) WHERE event.price > 100 GROUP BY hour(timestamp)",
    "SELECT state.plan, month(timestamp), sum(price) GROUP BY state.plan, month(timestamp) ORDER BY 3 DESC LIMIT 10",
};

static double now_us(void) { return (double)sky_clock_ns() / 1e3; }

enum { PHASE_PARSE, PHASE_BIND, PHASE_EXPLAIN };

/* One statement through `phase`; returns nonzero on error. */
static int once(const char *q, size_t len, const sky_schema *schema, int phase, sky_buf *out) {
  sky_arena arena;
  sky_arena_init(&arena);
  sky_stmt *stmt;
  sky_plan *plan;
  sky_error err;
  int rc = sky_parse(q, len, &arena, &stmt, &err);
  if (rc == 0 && phase >= PHASE_BIND) rc = sky_bind_query(stmt, schema, &arena, &plan, &err);
  if (rc == 0 && phase >= PHASE_EXPLAIN) {
    sky_buf_reset(out);
    sky_plan_explain(plan, schema, out);
  }
  if (rc != 0) fprintf(stderr, "%s: %s\n", q, err.message);
  sky_arena_free(&arena);
  return rc;
}

int main(int argc, char **argv) {
  long iters = argc > 1 ? atol(argv[1]) : 200000;
  if (iters < 10) iters = 10;
  sky_prop props[3] = {{.name = "plan", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING},
                       {.name = "country", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING},
                       {.name = "price", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_FLOAT}};
  sky_schema schema = {.table_uid = 1, .version = 1, .n_props = 3, .props = props};
  static const char *const phases[] = {"parse", "parse+bind", "parse+bind+explain"};
  sky_buf out;
  sky_buf_init(&out);
  printf("iterations per query and phase: %ld\n", iters);
  for (size_t q = 0; q < sizeof g_queries / sizeof *g_queries; q++) {
    const char *text = g_queries[q];
    size_t len = strlen(text);
    for (int phase = PHASE_PARSE; phase <= PHASE_EXPLAIN; phase++) {
      for (long i = 0; i < iters / 10; i++) /* warm up */
        if (once(text, len, &schema, phase, &out)) return 1;
      double best = 1e30, total = 0;
      long batch = iters / 10;
      for (int k = 0; k < 10; k++) {
        double t0 = now_us();
        for (long i = 0; i < batch; i++) once(text, len, &schema, phase, &out);
        double per = (now_us() - t0) / (double)batch;
        total += per;
        if (per < best) best = per;
      }
      printf("Q%zu %-19s mean %6.2f us  best %6.2f us\n", q + 1, phases[phase], total / 10, best);
    }
  }
  sky_buf_free(&out);
  return 0;
}
