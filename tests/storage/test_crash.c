/* test_crash.c — SIGKILL at random moments. A child process commits loads
 * (load k has 1000 + k rows, all with action "L<k>", so a partial load
 * would show in its count) and 3-row inserts (action "I<j>"), with small
 * memtables and background compaction so flushes and compactions are cut
 * too, and reports each acknowledged one through a pipe. The parent kills
 * it after a random delay, reopens the store and checks that every load
 * and insert is entirely present or absent, and that every acknowledged
 * one is present. 60 rounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"
#include "storage/helpers.h"

enum { ROUNDS = 60, MAX_IDS = 100000 };

static uint64_t g_rng;
static uint64_t rnd(void) {
  g_rng ^= g_rng << 13, g_rng ^= g_rng >> 7, g_rng ^= g_rng << 17;
  return g_rng;
}

static void report(int fd, char kind, int k) {
  char line[32];
  int n = snprintf(line, sizeof line, "%c %d\n", kind, k);
  if (write(fd, line, (size_t)n) != n) _exit(9);
}

static void child(const char *dir, int fd, int next_load, int next_insert, uint64_t seed) {
  sky_store_options opt;
  sky_store_options_init(&opt);
  opt.memtable_max_rows = 200;
  opt.cache_bytes = 16u << 20;
  sky_error err;
  sky_store *st = sky_store_open(dir, &opt, &err);
  if (!st) _exit(2);
  sky_table *t = sky_store_table(st, "c", &err);
  if (!t) _exit(3);
  g_rng = seed;
  th_row *rows = calloc(3000, sizeof *rows);
  char action[32];
  for (;;) {
    if (rnd() % 3 == 0) {
      int k = next_load++;
      snprintf(action, sizeof action, "L%d", k);
      int n = 1000 + k;
      for (int i = 0; i < n; i++)
        rows[i] = (th_row){.obj = rnd() % 5000 + 1, .ts = (int64_t)(rnd() % 100000), .action = action,
                           .has_qty = true, .qty = k};
      if (th_load(t, rows, (size_t)n, &err) != 0) _exit(4);
      report(fd, 'L', k);
    } else {
      int j = next_insert++;
      snprintf(action, sizeof action, "I%d", j);
      for (int i = 0; i < 3; i++) rows[i] = (th_row){.obj = rnd() % 5000 + 1, .ts = j, .action = action};
      if (th_insert(t, rows, 3, &err) != 0) _exit(5);
      report(fd, 'I', j);
    }
  }
}

/* Counts events per action string "L<k>" / "I<j>". */
static void count_actions(const char *dir, int *loads, int *inserts) {
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  sky_table *t = sky_store_table(st, "c", &err);
  if (!t) fail_msg("reopen: %s", err.message);
  sky_snapshot *s = sky_table_snapshot(t, &err);
  uint32_t n_codes = sky_snapshot_dict_size(s, SKY_DICT_ACTION);
  uint64_t *per_code = calloc(n_codes + 1, sizeof *per_code);
  sky_colset need = {.action = true};
  for (uint32_t p = 0; p < SKY_PARTITIONS; p++) {
    sky_chunk c;
    if (sky_snapshot_read_partition(s, p, &need, &c, &err) != 0) fail_msg("read: %s", err.message);
    for (uint64_t i = 0; i < c.n_events; i++) {
      assert_true(c.action[i] >= 1 && c.action[i] <= n_codes);
      per_code[c.action[i]]++;
    }
    sky_chunk_release(&c);
  }
  for (uint32_t code = 1; code <= n_codes; code++) {
    const char *str;
    size_t len;
    sky_snapshot_dict_string(s, SKY_DICT_ACTION, code, &str, &len);
    int k = atoi(str + 1);
    assert_true(k >= 0 && k < MAX_IDS);
    if (str[0] == 'L') loads[k] += (int)per_code[code];
    else inserts[k] += (int)per_code[code];
  }
  free(per_code);
  sky_snapshot_release(s);
  sky_table_release(t);
  sky_store_close(st);
}

/* Parses "L k" / "I j" lines; returns the bytes of an unfinished line
 * kept at the start of buf. */
static size_t parse_acks(char *buf, size_t have, bool *load_acked, bool *insert_acked) {
  buf[have] = '\0';
  char *line = buf, *nl;
  while ((nl = strchr(line, '\n'))) {
    *nl = '\0';
    int k = atoi(line + 2);
    assert_true(k >= 0 && k < MAX_IDS);
    if (line[0] == 'L') load_acked[k] = true;
    else insert_acked[k] = true;
    line = nl + 1;
  }
  size_t rest = (size_t)(buf + have - line);
  memmove(buf, line, rest);
  return rest;
}

/* Reads acknowledgements: once (blocking) when `once`, else until EOF. */
static void read_acks(int fd, bool once, char *buf, size_t *have, bool *load_acked, bool *insert_acked) {
  for (;;) {
    ssize_t n = read(fd, buf + *have, 65536 - *have - 1);
    if (n <= 0) break;
    *have = parse_acks(buf, *have + (size_t)n, load_acked, insert_acked);
    if (once) break;
  }
}

static void test_crash(void **state) {
  (void)state;
  char *dir = th_dir("crash");
  sky_store *st = th_open(dir, false, 0);
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "c", th_props, TH_NPROPS, &err), 0);
  sky_store_close(st);
  bool *load_acked = calloc(MAX_IDS, 1), *insert_acked = calloc(MAX_IDS, 1);
  int *loads = calloc(MAX_IDS, sizeof *loads), *inserts = calloc(MAX_IDS, sizeof *inserts);
  uint64_t seed = (uint64_t)time(NULL);
  print_message("seed %llu\n", (unsigned long long)seed);
  g_rng = seed | 1;
  int next_load = 0, next_insert = 0, acked_loads = 0, acked_inserts = 0;
  double start = th_now();
  for (int round = 0; round < ROUNDS; round++) {
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    uint64_t child_seed = rnd() | 1;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      close(pfd[0]);
      child(dir, pfd[1], next_load, next_insert, child_seed);
    }
    close(pfd[1]);
    /* Kill at a random moment once the child is making progress. */
    char buf[65536];
    size_t have = 0;
    if (rnd() % 8) read_acks(pfd[0], true, buf, &have, load_acked, insert_acked); /* else maybe mid-recovery */
    usleep((useconds_t)(rnd() % 150000));
    kill(pid, SIGKILL);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) fail_msg("child failed: status %d", status);
    read_acks(pfd[0], false, buf, &have, load_acked, insert_acked);
    close(pfd[0]);
    memset(loads, 0, MAX_IDS * sizeof *loads);
    memset(inserts, 0, MAX_IDS * sizeof *inserts);
    count_actions(dir, loads, inserts);
    acked_loads = acked_inserts = 0;
    for (int k = 0; k < MAX_IDS; k++) {
      if (loads[k] != 0 && loads[k] != 1000 + k) fail_msg("load %d has %d of %d rows", k, loads[k], 1000 + k);
      if (inserts[k] != 0 && inserts[k] != 3) fail_msg("insert %d has %d of 3 rows", k, inserts[k]);
      if (load_acked[k] && !loads[k]) fail_msg("acknowledged load %d is missing", k);
      if (insert_acked[k] && !inserts[k]) fail_msg("acknowledged insert %d is missing", k);
      if (loads[k] || load_acked[k]) next_load = k + 1 > next_load ? k + 1 : next_load;
      if (inserts[k] || insert_acked[k]) next_insert = k + 1 > next_insert ? k + 1 : next_insert;
      acked_loads += load_acked[k];
      acked_inserts += insert_acked[k];
    }
  }
  print_message("%d kills in %.1f s: %d loads and %d inserts acknowledged, all present\n", ROUNDS, th_now() - start,
                acked_loads, acked_inserts);
  assert_true(acked_loads >= ROUNDS / 2 && acked_inserts >= ROUNDS);
  free(load_acked), free(insert_acked), free(loads), free(inserts);
  th_rmtree(dir);
  sky_free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_crash)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
