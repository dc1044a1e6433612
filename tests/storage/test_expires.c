/* test_expires.c — EXPIRES AFTER ... TO in the table schema (PATHS.md §8,
 * docs/FORMAT.md "Manifest"): a data directory written before EXPIRES
 * existed (tests/storage/data/v1_table, made by the previous release with
 * CREATE TABLE old (plan STATE STRING, qty EVENT INT) and a LOAD of three
 * events) still opens; ALTER TABLE ADD ... EXPIRES on it rewrites no
 * segment file and switches the manifest to format 2; the expiry survives
 * reopening; a STRING TO literal has a dictionary code from the start;
 * tables without EXPIRES keep writing format 1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/alloc.h"
#include "storage/helpers.h"

/* Whole contents of `path` (NUL-terminated; *len bytes); caller frees. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n + 4096 + 1 > cap) {
      cap = 2 * cap + 4096 + 1;
      buf = realloc(buf, cap);
      assert_non_null(buf);
    }
    size_t got = fread(buf + n, 1, 4096, f);
    n += got;
    if (got == 0) break;
  }
  fclose(f);
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* out = a "/" b (out holds 1024 bytes). */
static void join(char *out, const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  assert_true(la + 1 + lb < 1024);
  memcpy(out, a, la);
  out[la] = '/';
  memcpy(out + la + 1, b, lb + 1);
}

static void spit(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* The files of `dir` whose names start with `prefix`, as "name size crc\n"
 * lines in name order (enough to tell any rewrite). */
static char *listing(const char *dir, const char *prefix) {
  char names[64][256];
  int n = 0;
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && n < 64) snprintf(names[n++], 256, "%s", e->d_name);
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
  sky_buf out;
  sky_buf_init(&out);
  for (int i = 0; i < n; i++) {
    char path[1024];
    join(path, dir, names[i]);
    size_t len;
    char *data = slurp(path, &len);
    uint64_t h = 1469598103934665603u; /* FNV-1a over every byte */
    for (size_t k = 0; k < len; k++) h = (h ^ (uint8_t)data[k]) * 1099511628211u;
    sky_buf_printf(&out, "%s %zu %016llx\n", names[i], len, (unsigned long long)h);
    free(data);
  }
  if (!out.data) sky_buf_puts(&out, "");
  return out.data;
}

static uint32_t manifest_format(const char *table_dir) {
  char path[1024];
  join(path, table_dir, "MANIFEST");
  size_t len;
  char *m = slurp(path, &len);
  assert_true(len >= 20);
  uint32_t v;
  memcpy(&v, m + 8, 4);
  free(m);
  return v;
}

/* A copy of the old data directory: root/t_old/... */
static char *old_directory(void) {
  const char *src = getenv("SKY_SOURCE_DIR");
  assert_non_null(src);
  char *root = th_dir("expires_v1");
  char from[1024], to[1024];
  join(to, root, "t_old");
  assert_int_equal(mkdir(root, 0755), 0);
  assert_int_equal(mkdir(to, 0755), 0);
  join(from, src, "tests/storage/data/v1_table");
  DIR *d = opendir(from);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char a[1024], b[1024];
    join(a, from, e->d_name);
    join(b, to, e->d_name);
    size_t len;
    char *data = slurp(a, &len);
    spit(b, data, len);
    free(data);
  }
  closedir(d);
  return root;
}

static char *dump(sky_table *t) {
  sky_buf b;
  sky_buf_init(&b);
  sky_error err;
  if (th_dump(t, &b, &err) != 0) fail_msg("dump failed: %s", err.message);
  return b.data;
}

static void check_schema(sky_table *t) {
  sky_error err;
  sky_snapshot *s = sky_table_snapshot(t, &err);
  assert_non_null(s);
  const sky_schema *schema = sky_snapshot_schema(s);
  assert_int_equal(schema->n_props, 4);
  assert_int_equal(schema->props[0].expires_us, 0); /* the old properties never lapse */
  assert_int_equal(schema->props[1].expires_us, 0);
  const sky_prop *online = &schema->props[2], *tier = &schema->props[3];
  assert_string_equal(online->name, "online");
  assert_int_equal(online->expires_us, 300000000);
  assert_true(online->has_to);
  assert_int_equal(online->to_word, 0);
  assert_string_equal(tier->name, "tier");
  assert_int_equal(tier->expires_us, 60000000);
  assert_true(tier->has_to);
  assert_int_equal(tier->to_len, 4);
  assert_string_equal(tier->to_str, "gone");
  /* the TO string is code 1 of the new property's dictionary */
  assert_int_equal(sky_snapshot_dict_find(s, sky_prop_dict(3), "gone", 4), 1);
  sky_snapshot_release(s);
}

static void test_old_directory_and_alter(void **state) {
  (void)state;
  char *root = old_directory();
  char table_dir[1024];
  join(table_dir, root, "t_old");
  assert_int_equal(manifest_format(table_dir), 1);
  sky_store *st = th_open(root, false, 0);
  sky_error err;
  sky_table *t = sky_store_table(st, "old", &err);
  assert_non_null(t);
  char *before = dump(t);
  /* th_dump: partition order, each event's own values */
  assert_string_equal(before, "2 1500000 signup 'pro' 1\n1 1000000 signup 'free' -\n1 2000000 buy - 3\n");
  char *segs = listing(table_dir, "seg-");
  assert_true(strlen(segs) > 0);

  sky_prop online = {.name = "online", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_BOOL, .expires_us = 300000000,
                     .has_to = true, .to_word = 0};
  sky_prop tier = {.name = "tier", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING, .expires_us = 60000000,
                   .has_to = true, .to_len = 4, .to_str = "gone"};
  assert_int_equal(sky_table_add_property(t, &online, &err), 0);
  assert_int_equal(manifest_format(table_dir), 2);
  assert_int_equal(sky_table_add_property(t, &tier, &err), 0);
  char *after = listing(table_dir, "seg-");
  assert_string_equal(segs, after); /* no segment written, removed or changed */
  check_schema(t);
  char *d = dump(t);
  assert_string_equal(d, "2 1500000 signup 'pro' 1 - -\n1 1000000 signup 'free' - - -\n1 2000000 buy - 3 - -\n");
  sky_free(d);
  sky_table_release(t);
  sky_store_close(st);

  st = th_open(root, false, 0); /* reopened: format 2 read back */
  t = sky_store_table(st, "old", &err);
  assert_non_null(t);
  check_schema(t);
  d = dump(t);
  assert_string_equal(d, "2 1500000 signup 'pro' 1 - -\n1 1000000 signup 'free' - - -\n1 2000000 buy - 3 - -\n");
  sky_free(d);
  free(after);
  after = listing(table_dir, "seg-");
  assert_string_equal(segs, after);
  sky_table_release(t);
  sky_store_close(st);
  free(after);
  free(segs);
  sky_free(before);
  th_rmtree(root);
  sky_free(root);
}

/* CREATE TABLE: format 1 without EXPIRES (what older releases read),
 * format 2 with it; invalid expiries are refused by the store too. */
static void test_formats_and_checks(void **state) {
  (void)state;
  char *root = th_dir("expires_fmt");
  sky_store *st = th_open(root, false, 0);
  sky_error err;
  assert_int_equal(sky_store_create_table(st, "plain", th_props, TH_NPROPS, &err), 0);
  sky_prop props[2] = {th_props[0], th_props[2]};
  props[0].expires_us = 1000;
  props[0].has_to = true;
  props[0].to_len = 1;
  memcpy(props[0].to_str, "x", 2);
  assert_int_equal(sky_store_create_table(st, "lapsing", props, 2, &err), 0);
  sky_prop bad[1] = {th_props[2]}; /* an EVENT property cannot lapse */
  bad[0].expires_us = 1000;
  assert_int_equal(sky_store_create_table(st, "bad", bad, 1, &err), -1);
  assert_int_equal(err.code, SKY_ERR_SEMANTIC);
  sky_store_close(st);
  char path[1024];
  join(path, root, "t_plain");
  assert_int_equal(manifest_format(path), 1);
  join(path, root, "t_lapsing");
  assert_int_equal(manifest_format(path), 2);
  st = th_open(root, false, 0);
  sky_table *t = sky_store_table(st, "lapsing", &err);
  assert_non_null(t);
  sky_snapshot *s = sky_table_snapshot(t, &err);
  assert_int_equal(sky_snapshot_schema(s)->props[0].expires_us, 1000);
  assert_int_equal(sky_snapshot_dict_find(s, sky_prop_dict(0), "x", 1), 1);
  sky_snapshot_release(s);
  sky_table_release(t);
  sky_store_close(st);
  th_rmtree(root);
  sky_free(root);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_old_directory_and_alter),
      cmocka_unit_test(test_formats_and_checks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
