/* run_golden.c — statement → reply golden tests through the public API.
 *
 * Each tests/golden/cases/NAME.sql holds one statement per line (lines
 * starting with "--" are comments, blank lines are skipped) and runs in a
 * fresh data directory whose LOAD directory is tests/golden/data. The
 * expected file NAME.out interleaves "> statement" lines with the JSON reply
 * (without elapsed_ms). Every query (SELECT, the path statements, EXPLAIN) runs on both engines, the interpreter
 * and the JIT, whose replies must be identical. SKY_GOLDEN_UPDATE=1 rewrites
 * the .out files; review their diff like code.
 *
 * Usage: run_golden [case-name ...] (default: every case).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "sky.h"

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *d = malloc((size_t)n + 1);
  *len = fread(d, 1, (size_t)n, f);
  d[*len] = '\0';
  fclose(f);
  return d;
}

/* The LOAD directory as it appears in replies; written as <data> so that
 * the expected files do not depend on where the tree is checked out. */
static const char *g_load_dir;

static void reply_line(sky_conn *conn, const char *stmt, sky_buf *out) {
  sky_error err;
  sky_result *r = sky_exec(conn, stmt, strlen(stmt), &err);
  size_t len;
  char *json = r ? sky_result_to_json(r, -1, &len) : sky_error_to_json(&err, &len);
  size_t dl = strlen(g_load_dir);
  for (char *p = json; *p;) {
    char *hit = strstr(p, g_load_dir);
    if (!hit) {
      sky_buf_puts(out, p);
      break;
    }
    sky_buf_append(out, p, (size_t)(hit - p));
    sky_buf_puts(out, "<data>");
    p = hit + dl;
  }
  free(json);
  sky_result_free(r);
}

static int is_query(const char *stmt) {
  static const char *const words[] = {"SELECT", "FUNNEL", "RETENTION", "LIFECYCLE", "STICKINESS", "EXPLAIN", "PATHS"};
  while (*stmt == ' ') stmt++;
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (strncasecmp(stmt, words[i], strlen(words[i])) == 0) return 1;
  return 0;
}

/* Runs one case; returns the number of failures. */
static int run_case(const char *dir, const char *name, const char *tmp) {
  char path[4400], data_dir[4400], load_dir[4400];
  snprintf(path, sizeof path, "%s/cases/%s.sql", dir, name);
  snprintf(load_dir, sizeof load_dir, "%s/data", dir);
  g_load_dir = load_dir;
  snprintf(data_dir, sizeof data_dir, "%s/golden-%s-%d", tmp, name, (int)getpid());
  char cmd[9000];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", data_dir);
  if (system(cmd) != 0) return 1;
  size_t len;
  char *sql = read_file(path, &len);
  if (!sql) {
    fprintf(stderr, "%s: cannot read\n", path);
    return 1;
  }
  sky_db_options opt;
  sky_db_options_init(&opt);
  opt.load_dir = load_dir;
  opt.threads = 2;
  sky_error err;
  sky_db *db = sky_db_open(data_dir, &opt, &err);
  if (!db) {
    fprintf(stderr, "%s: open: %s\n", name, err.message);
    free(sql);
    return 1;
  }
  sky_conn *jit = sky_conn_create(db), *interp = sky_conn_create(db);
  sky_conn_set_engine(interp, SKY_ENGINE_INTERP);
  sky_buf out, a, b;
  sky_buf_init(&out);
  sky_buf_init(&a);
  sky_buf_init(&b);
  int failures = 0;
  for (char *line = strtok(sql, "\n"); line; line = strtok(NULL, "\n")) {
    if (line[0] == '\0' || strncmp(line, "--", 2) == 0) continue;
    sky_buf_printf(&out, "> %s\n", line);
    sky_buf_reset(&a);
    reply_line(interp, line, &a);
    if (is_query(line)) {
      sky_buf_reset(&b);
      reply_line(jit, line, &b);
      if (strcmp(a.data, b.data) != 0) {
        fprintf(stderr, "%s: engines differ on: %s\n  interpreter: %s\n  jit:         %s\n", name, line, a.data, b.data);
        failures++;
      }
    } else {
      /* USE and other session statements must reach both connections. */
      sky_buf_reset(&b);
      if (strncasecmp(line, "USE", 3) == 0) reply_line(jit, line, &b);
    }
    sky_buf_printf(&out, "%s\n", a.data);
  }
  sky_conn_free(jit);
  sky_conn_free(interp);
  sky_db_close(db);
  free(sql);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", data_dir);
  if (system(cmd) != 0) failures++;

  snprintf(path, sizeof path, "%s/cases/%s.out", dir, name);
  if (getenv("SKY_GOLDEN_UPDATE")) {
    FILE *f = fopen(path, "wb");
    fwrite(out.data, 1, out.len, f);
    fclose(f);
  } else {
    char *expected = read_file(path, &len);
    if (!expected || strcmp(expected, out.data) != 0) {
      snprintf(path, sizeof path, "%s/golden-%s.actual", tmp, name);
      FILE *f = fopen(path, "wb");
      fwrite(out.data, 1, out.len, f);
      fclose(f);
      fprintf(stderr, "%s: output differs from %s/cases/%s.out (actual in %s)\n", name, dir, name, path);
      failures++;
    }
    free(expected);
  }
  sky_buf_free(&out);
  sky_buf_free(&a);
  sky_buf_free(&b);
  return failures;
}

int main(int argc, char **argv) {
  const char *src = getenv("SKY_SOURCE_DIR"), *tmp = getenv("SKY_TEST_TMP");
  if (!src || !tmp) {
    fprintf(stderr, "SKY_SOURCE_DIR and SKY_TEST_TMP must be set\n");
    return 2;
  }
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/tests/golden", src);
  int failures = 0, cases = 0;
  if (argc > 1) {
    for (int i = 1; i < argc; i++, cases++) failures += run_case(dir, argv[i], tmp);
  } else {
    char cases_dir[4200];
    snprintf(cases_dir, sizeof cases_dir, "%s/cases", dir);
    struct dirent **names;
    int n = scandir(cases_dir, &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
      size_t l = strlen(names[i]->d_name);
      if (l > 4 && strcmp(names[i]->d_name + l - 4, ".sql") == 0) {
        names[i]->d_name[l - 4] = '\0';
        failures += run_case(dir, names[i]->d_name, tmp);
        cases++;
      }
      free(names[i]);
    }
    free(names);
  }
  printf("%d golden case files, %d failures\n", cases, failures);
  return failures ? 1 : 0;
}
