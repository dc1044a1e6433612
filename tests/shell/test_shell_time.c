/* test_shell_time.c — sky-shell's readable timestamps and durations at
 * every boundary of their units: zero, sub-second, a whole second, minute,
 * hour and day, negative values, instants before 1970, the first and last
 * representable years, values beyond them, INT64_MIN/MAX, and FLOAT cells.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "shell/shell_time.h"

static void check_ts(int64_t us, const char *want) {
  char out[SKYSH_TIME_TEXT];
  size_t n = skysh_format_timestamp(us, out);
  if (strcmp(out, want) != 0 || n != strlen(want)) fail_msg("timestamp %lld: got '%s', want '%s'", (long long)us, out, want);
}

static void check_dur(int64_t us, const char *want) {
  char out[SKYSH_TIME_TEXT];
  size_t n = skysh_format_duration(us, out);
  if (strcmp(out, want) != 0 || n != strlen(want)) fail_msg("duration %lld: got '%s', want '%s'", (long long)us, out, want);
}

static void test_timestamps(void **state) {
  (void)state;
  check_ts(0, "1970-01-01 00:00:00");
  check_ts(1, "1970-01-01 00:00:00.000001");
  check_ts(500000, "1970-01-01 00:00:00.5");
  check_ts(1000000, "1970-01-01 00:00:01");
  check_ts(86400000000, "1970-01-02 00:00:00");
  check_ts(86399999999, "1970-01-01 23:59:59.999999");
  /* the examples */
  check_ts(1767571200000000, "2026-01-05 00:00:00");
  check_ts(1767571200576082, "2026-01-05 00:00:00.576082");
  check_ts(1775347199576046, "2026-04-04 23:59:59.576046");
  /* before 1970: the fraction counts forward from the second before */
  check_ts(-1, "1969-12-31 23:59:59.999999");
  check_ts(-1000000, "1969-12-31 23:59:59");
  check_ts(-86400000000, "1969-12-31 00:00:00");
  check_ts(-86400000001, "1969-12-30 23:59:59.999999");
  /* leap day, and the ends of the stored range */
  check_ts(951782400000000, "2000-02-29 00:00:00");
  check_ts(INT64_C(-62167219200000000), "0000-01-01 00:00:00");
  check_ts(INT64_C(253402300799999999), "9999-12-31 23:59:59.999999");
  check_ts(INT64_C(253402300800000000), "253402300800000000"); /* year 10000: the integer */
  check_ts(INT64_C(-62167219200000001), "-62167219200000001");
  check_ts(INT64_MAX, "9223372036854775807");
  check_ts(INT64_MIN, "-9223372036854775808");
}

static void test_durations(void **state) {
  (void)state;
  check_dur(0, "00:00:00");
  check_dur(1, "00:00:00.000001");
  check_dur(500000, "00:00:00.5");
  check_dur(999999, "00:00:00.999999");
  check_dur(1000000, "00:00:01");
  check_dur(60000000, "00:01:00");
  check_dur(3600000000, "01:00:00");
  check_dur(86399999999, "23:59:59.999999");
  check_dur(86400000000, "1d 00:00:00");
  check_dur(90061000001, "1d 01:01:01.000001"); /* the example */
  check_dur(7 * 86400000000, "7d 00:00:00");
  check_dur(-1, "-00:00:00.000001");
  check_dur(-500000, "-00:00:00.5");
  check_dur(-86400000000, "-1d 00:00:00");
  check_dur(-90061000001, "-1d 01:01:01.000001");
  check_dur(INT64_MAX, "106751991d 04:00:54.775807");
  check_dur(INT64_MIN, "-106751991d 04:00:54.775808");
}

static void test_float_cells(void **state) {
  (void)state;
  int64_t us = 0;
  assert_true(skysh_time_from_double(1767571200576082.4, &us));
  assert_int_equal(us, 1767571200576082);
  assert_true(skysh_time_from_double(-0.6, &us));
  assert_int_equal(us, -1);
  assert_true(skysh_time_from_double(45030211959.5, &us)); /* a half: to even */
  assert_int_equal(us, 45030211960);
  assert_false(skysh_time_from_double(NAN, &us));
  assert_false(skysh_time_from_double(INFINITY, &us));
  assert_false(skysh_time_from_double(1e19, &us));
  assert_false(skysh_time_from_double(-1e19, &us));
  assert_true(skysh_time_from_double(-9223372036854775808.0, &us));
  assert_true(us == INT64_MIN);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_timestamps),
      cmocka_unit_test(test_durations),
      cmocka_unit_test(test_float_cells),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
