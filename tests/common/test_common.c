/* test_common.c — unit tests of src/common (checksums, time, UTF-8, JSON,
 * arena, buffers, the worker pool, allocation-failure injection) and of the
 * row batch's string interning. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "common/alloc.h"
#include "common/arena.h"
#include "common/buf.h"
#include "common/crc32c.h"
#include "common/error.h"
#include "common/json.h"
#include "common/pool.h"
#include "common/timeutil.h"
#include "common/utf8.h"
#include "storage/batch.h"

static void test_crc32c(void **state) {
  (void)state;
  assert_int_equal(sky_crc32c(0, "123456789", 9), 0xE3069283u);
  assert_int_equal(sky_crc32c_sw(0, "123456789", 9), 0xE3069283u);
  char buf[1000];
  for (int i = 0; i < 1000; i++) buf[i] = (char)(i * 7 + 3);
  for (size_t n = 0; n < 1000; n += 37) assert_int_equal(sky_crc32c(0, buf, n), sky_crc32c_sw(0, buf, n));
  /* Continuation equals one pass. */
  assert_int_equal(sky_crc32c(sky_crc32c(0, buf, 100), buf + 100, 900), sky_crc32c(0, buf, 1000));
}

static int64_t iso(const char *s) {
  int64_t v = 0;
  assert_int_equal(sky_parse_iso8601(s, strlen(s), &v), 0);
  return v;
}

static void test_time(void **state) {
  (void)state;
  assert_int_equal(sky_days_from_civil(1970, 1, 1), 0);
  assert_int_equal(sky_days_from_civil(2000, 3, 1), 11017);
  for (int64_t d = -800000; d < 3000000; d += 997) {
    int64_t y;
    unsigned m, dd;
    sky_civil_from_days(d, &y, &m, &dd);
    assert_int_equal(sky_days_from_civil(y, m, dd), d);
  }
  assert_int_equal(iso("1970-01-01"), 0);
  assert_int_equal(iso("2026-03-01T10:00:00Z"), iso("2026-03-01") + 10 * SKY_US_PER_HOUR);
  assert_int_equal(iso("2026-03-01T10:00:00.123456Z") - iso("2026-03-01T10:00:00Z"), 123456);
  assert_int_equal(iso("2026-03-01T10:00:00.5"), iso("2026-03-01T10:00:00Z") + 500000);
  assert_int_equal(iso("2026-03-01T12:00:00+02:00"), iso("2026-03-01T10:00:00Z"));
  assert_int_equal(iso("2026-03-01T08:30-01:30"), iso("2026-03-01T10:00:00Z"));
  assert_int_equal(iso("2026-03-01 10:00"), iso("2026-03-01T10:00:00Z"));
  int64_t v;
  const char *bad[] = {"2026-02-30", "2026-13-01", "2026-3-1", "2026-03-01T25:00", "2026-03-01T10:00:00.1234567",
                       "2026-03-01x", "", "20260301", "2026-03-01T10:00:00+2"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_int_equal(sky_parse_iso8601(bad[i], strlen(bad[i]), &v), -1);
  assert_int_equal(sky_parse_iso8601("2024-02-29", 10, &v), 0);
  assert_int_equal(sky_parse_iso8601("2023-02-29", 10, &v), -1);

  /* Buckets, including before the epoch. 2026-03-01 is a Sunday. */
  int64_t t = iso("2026-03-01T23:59:59.999999Z");
  assert_int_equal(sky_bucket_hour(t), 23);
  assert_int_equal(sky_bucket_weekday(t), 6);
  char out[48];
  sky_format_day(sky_bucket_week(t), out);
  assert_string_equal(out, "2026-02-23");
  sky_format_day(sky_bucket_day(t + 1), out);
  assert_string_equal(out, "2026-03-02");
  sky_format_month(sky_bucket_month(t), out);
  assert_string_equal(out, "2026-03");
  sky_format_month(sky_bucket_month(-1), out);
  assert_string_equal(out, "1969-12");
  assert_int_equal(sky_bucket_hour(-1), 23);
  assert_int_equal(sky_bucket_weekday(-1), 2); /* 1969-12-31 was a Wednesday */
  sky_format_timestamp(iso("2026-03-01T10:00:00.000120Z"), out);
  assert_string_equal(out, "2026-03-01T10:00:00.000120Z");
  int64_t day, month;
  assert_int_equal(sky_parse_day("2026-03-01", 10, &day), 0);
  assert_int_equal(day, sky_bucket_day(iso("2026-03-01")));
  assert_int_equal(sky_parse_month("2026-03", 7, &month), 0);
  assert_int_equal(month, sky_bucket_month(iso("2026-03-15")));
  assert_int_equal(sky_parse_day("2026-03", 7, &day), -1);
  assert_int_equal(iso("0000-01-01"), SKY_TS_MIN);
  assert_int_equal(iso("9999-12-31T23:59:59.999999Z"), SKY_TS_MAX);
  assert_true(sky_ts_valid(SKY_TS_MAX) && !sky_ts_valid(SKY_TS_MAX + 1) && !sky_ts_valid(SKY_TS_MIN - 1));
  assert_int_equal(SKY_DAY_MIN, sky_days_from_civil(0, 1, 1));
  assert_int_equal(SKY_DAY_MAX, sky_days_from_civil(9999, 12, 31));
  assert_int_equal(SKY_MONTH_MIN, sky_bucket_month(SKY_TS_MIN));
  assert_int_equal(SKY_MONTH_MAX, sky_bucket_month(SKY_TS_MAX));
  assert_int_equal(SKY_DAY_MIN, sky_bucket_day(SKY_TS_MIN));
  assert_int_equal(SKY_DAY_MAX, sky_bucket_day(SKY_TS_MAX));
}

static void test_utf8(void **state) {
  (void)state;
  size_t at = 99;
  assert_true(sky_utf8_valid("plain ascii text, long enough", 29, NULL));
  assert_true(sky_utf8_valid("Zürich 東京 🎉", strlen("Zürich 東京 🎉"), NULL));
  assert_false(sky_utf8_valid("ab\xC0\xAF", 4, &at)); /* overlong */
  assert_int_equal(at, 2);
  assert_false(sky_utf8_valid("\xED\xA0\x80", 3, NULL)); /* surrogate */
  assert_false(sky_utf8_valid("\xF4\x90\x80\x80", 4, NULL)); /* > U+10FFFF */
  assert_false(sky_utf8_valid("abcdefgh\xE6\x9D", 10, &at)); /* truncated */
  assert_int_equal(at, 8);
}

/* Quoted values in messages: control bytes escaped (a NUL no longer ends
 * the message), 64 output bytes at most, cut at whole characters. */
static void test_error_quote(void **state) {
  (void)state;
  char q[72];
  sky_error_quote(q, "ab\0cd", 5);
  assert_string_equal(q, "ab\\0cd");
  sky_error_quote(q, "price\r1\t\n\x01\x7f", 11);
  assert_string_equal(q, "price\\r1\\t\\n\\x01\\x7f");
  char long_text[100];
  memset(long_text, 'x', sizeof long_text);
  sky_error_quote(q, long_text, 64);
  assert_int_equal(strlen(q), 64);
  sky_error_quote(q, long_text, 65);
  assert_int_equal(strlen(q), 67);
  assert_string_equal(q + 64, "...");
  memset(long_text, 0, sizeof long_text); /* 100 NULs: 32 escapes, then "..." */
  sky_error_quote(q, long_text, sizeof long_text);
  assert_int_equal(strlen(q), 67);
  sky_error_quote(q, "\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1"
                     "\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1"
                     "\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1\xE6\x9D\xB1",
                  66);
  assert_int_equal(strlen(q), 63 + 3); /* 21 whole characters, then "..." */
}

static void test_json(void **state) {
  (void)state;
  sky_buf b;
  sky_buf_init(&b);
  sky_json_string(&b, "a\"b\\c\n\x01\xFFz", 9);
  assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001\\ufffdz\"");
  sky_buf_reset(&b);
  sky_json_double(&b, 0.1);
  sky_buf_putc(&b, ' ');
  sky_json_double(&b, 3);
  sky_buf_putc(&b, ' ');
  sky_json_double(&b, 0.0 / 0.0);
  sky_buf_putc(&b, ' ');
  sky_json_uint(&b, UINT64_MAX);
  sky_buf_putc(&b, ' ');
  sky_json_int(&b, INT64_MIN);
  assert_string_equal(b.data, "0.1 3.0 null 18446744073709551615 -9223372036854775808");
  sky_buf_free(&b);
}

static void test_arena_buf(void **state) {
  (void)state;
  sky_arena a;
  sky_arena_init(&a);
  for (int i = 0; i < 10000; i++) {
    char *p = sky_arena_printf(&a, "item-%d", i);
    assert_non_null(p);
    assert_int_equal(((uintptr_t)p) % 16, 0);
  }
  void *big = sky_arena_alloc(&a, 5u << 20);
  assert_non_null(big);
  sky_arena_free(&a);

  sky_buf b;
  sky_buf_init(&b);
  for (int i = 0; i < 1000; i++) sky_buf_printf(&b, "%d,", i);
  assert_false(b.failed);
  assert_int_equal(strncmp(b.data, "0,1,2,", 6), 0);
  size_t len;
  char *s = sky_buf_take(&b, &len);
  assert_int_equal(strlen(s), len);
  sky_free(s);
}

static void add_task(void *arg, size_t task, unsigned worker) {
  (void)worker;
  atomic_fetch_add((_Atomic uint64_t *)arg, task + 1);
}

static void test_pool(void **state) {
  (void)state;
  sky_pool *p = sky_pool_create(3);
  assert_non_null(p);
  assert_int_equal(sky_pool_width(p), 4);
  for (int round = 0; round < 200; round++) {
    _Atomic uint64_t sum = 0;
    size_t n = (size_t)round % 70;
    sky_pool_run(p, n, add_task, &sum);
    assert_int_equal(atomic_load(&sum), n * (n + 1) / 2);
  }
  sky_pool_free(p);
  sky_pool *none = sky_pool_create(0);
  _Atomic uint64_t sum = 0;
  sky_pool_run(none, 10, add_task, &sum);
  assert_int_equal(atomic_load(&sum), 55);
  sky_pool_free(none);
}

static void test_alloc_failure(void **state) {
  (void)state;
  sky_alloc_fail_after(2);
  void *a = sky_malloc(10);
  void *b = sky_malloc(10);
  sky_alloc_fail_after(0);
  assert_non_null(a);
  assert_null(b);
  sky_free(a);
  void *c = sky_malloc(10);
  assert_non_null(c);
  sky_free(c);
}

static void test_batch(void **state) {
  (void)state;
  sky_prop props[2] = {{.name = "plan", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING},
                       {.name = "price", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_FLOAT}};
  sky_schema schema = {.table_uid = 1, .version = 1, .n_props = 2, .props = props};
  sky_batch *b = sky_batch_create(&schema);
  assert_non_null(b);
  char name[32];
  for (int i = 0; i < 5000; i++) {
    int64_t r = sky_batch_add_row(b, (uint64_t)i + 1, i);
    assert_int_equal(r, i);
    snprintf(name, sizeof name, "a%d", i % 300);
    assert_int_equal(sky_batch_set_action(b, (size_t)r, name, strlen(name)), 0);
    if (i % 2) sky_batch_set_float(b, (size_t)r, 1, i * 0.5);
  }
  assert_int_equal(b->n_rows, 5000);
  assert_int_equal(b->action_dict.n, 300);
  assert_int_equal(b->action[299], 300);
  assert_int_equal(b->action[300], 1);
  assert_string_equal(b->action_dict.strs[b->action[4999] - 1], "a199");
  assert_true(sky_batch_row_has_content(b, 0));
  int64_t r = sky_batch_add_row(b, 9, 9);
  assert_false(sky_batch_row_has_content(b, (size_t)r));
  sky_batch_drop_last(b);
  sky_batch_reset(b);
  assert_int_equal(b->n_rows, 0);
  assert_int_equal(sky_batch_dict_intern(b, &b->action_dict, "x", 1), 1);
  sky_batch_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_crc32c), cmocka_unit_test(test_time),         cmocka_unit_test(test_utf8), cmocka_unit_test(test_error_quote),
      cmocka_unit_test(test_json),   cmocka_unit_test(test_arena_buf),    cmocka_unit_test(test_pool),
      cmocka_unit_test(test_alloc_failure), cmocka_unit_test(test_batch),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
