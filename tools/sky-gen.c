/* sky-gen — writes deterministic synthetic events (storage/gen.h) as CSV or
 * NDJSON, or the DDL of their table. The same seed and count give the same
 * bytes. Usage:
 *   sky-gen --events N [--seed S] [--format csv|ndjson] [--out FILE]
 *   sky-gen --ddl
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "storage/gen.h"

#define BLOCK ((size_t)1 << 20)

static int usage(FILE *f, int rc) {
  fprintf(f,
          "usage: sky-gen --events N [--seed S] [--format csv|ndjson] [--out FILE]\n"
          "       sky-gen --ddl\n"
          "Writes N synthetic events of the reference shape (table `events`) to FILE\n"
          "or stdout; --ddl prints the CREATE TABLE statement of that table.\n");
  return rc;
}

/* A command-line mistake: says what is wrong (fmt takes up to two %s),
 * points at --help, exit status 2. */
static int bad(const char *fmt, const char *x, const char *y) {
  fputs("sky-gen: ", stderr);
  fprintf(stderr, fmt, x, y);
  fputs(" (see --help)\n", stderr);
  return 2;
}

static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || *end || s[0] == '-') return -1;
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  uint64_t events = 0, seed = 1;
  bool have_events = false, ddl = false;
  sky_gen_format fmt = SKY_GEN_CSV;
  const char *out_path = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) return usage(stdout, 0);
    if (!strcmp(a, "--ddl")) {
      ddl = true;
      continue;
    }
    bool known = !strcmp(a, "--events") || !strcmp(a, "--seed") || !strcmp(a, "--format") || !strcmp(a, "--out");
    if (!known) return bad(a[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'", a, NULL);
    if (!v) return bad("missing value for '%s'", a, NULL);
    i++;
    if (!strcmp(a, "--events")) {
      if (parse_u64(v, &events) != 0) return bad("invalid value '%s' for %s (a whole number of events)", v, a);
      have_events = true;
    } else if (!strcmp(a, "--seed")) {
      if (parse_u64(v, &seed) != 0) return bad("invalid value '%s' for %s (a whole number)", v, a);
    } else if (!strcmp(a, "--format")) {
      if (!strcmp(v, "csv")) fmt = SKY_GEN_CSV;
      else if (!strcmp(v, "ndjson")) fmt = SKY_GEN_NDJSON;
      else return bad("invalid value '%s' for %s (csv or ndjson)", v, a);
    } else {
      out_path = v;
    }
  }
  if (ddl) return printf("%s;\n", sky_gen_ddl()) < 0;
  if (!have_events) return bad("%s", "--events N is required", NULL);
  FILE *out = out_path ? fopen(out_path, "wb") : stdout;
  if (!out) {
    fprintf(stderr, "sky-gen: cannot open '%s': %s\n", out_path, strerror(errno));
    return 1;
  }
  sky_gen *g = sky_gen_create(seed, events);
  char *buf = sky_malloc(BLOCK);
  if (!g || !buf) {
    fprintf(stderr, "sky-gen: out of memory\n");
    return 1;
  }
  int rc = 0;
  size_t n;
  while ((n = sky_gen_fill(g, fmt, buf, BLOCK)) > 0)
    if (fwrite(buf, 1, n, out) != n) {
      rc = 1;
      break;
    }
  if ((out != stdout ? fclose(out) : fflush(out)) != 0) rc = 1;
  if (rc) fprintf(stderr, "sky-gen: write failed: %s\n", strerror(errno));
  sky_free(buf);
  sky_gen_free(g);
  return rc;
}
