/* test_csv.c — the CSV reader: RFC 4180 quoting, headers, every value rule
 * with its exact error (line, field, code), MAX ERRORS, blank lines, BOM,
 * UTF-8, unterminated quotes, and identical results for every split of the
 * input between feeds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>

#include "loader/loader_util.h"
#include "loader/loader_splits.h"

#define H "object,timestamp,action,plan,n,price,ok,name\n"

static sky_schema *g_schema;

static int setup(void **state) {
  (void)state;
  g_schema = test_schema();
  return g_schema ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  sky_schema_free(g_schema);
  return 0;
}

/* Loads `input` (CSV) and expects exactly `rows`. */
static void expect_rows(const char *input, const char *rows) {
  run_out o;
  run_stream(g_schema, SKY_FORMAT_CSV, 0, input, &o);
  if (o.rc != 0) fail_msg("unexpected error: %d|%s|%s", o.err.line, o.err.field, o.err.message);
  assert_string_equal(rows_text(&o), rows);
  run_out_free(&o);
}

/* Loads `input` and expects the load to fail with this error. */
static void expect_error(const char *input, int line, const char *field, sky_code code, const char *msg_part) {
  run_out o;
  run_stream(g_schema, SKY_FORMAT_CSV, 0, input, &o);
  assert_int_equal(o.rc, -1);
  if (o.err.line != line || strcmp(o.err.field, field) != 0 || o.err.code != code || !strstr(o.err.message, msg_part))
    fail_msg("got %d|%s|%s|%s for %s", o.err.line, o.err.field, sky_code_name(o.err.code), o.err.message, input);
  run_out_free(&o);
}

static void test_basic(void **state) {
  (void)state;
  expect_rows(H
              "1,100,view,pro,5,2.5,true,bob\n"
              "2,200,,,,,,x\n",
              "1 100 \"view\" \"pro\" 5 2.5 true \"bob\"\n"
              "2 200 - - - - - \"x\"\n");
  /* No final newline; CRLF line ends. */
  expect_rows(H "1,100,view,,,,,\r\n2,200,click,,,,,", "1 100 \"view\" - - - - -\n2 200 \"click\" - - - - -\n");
  /* A header only, or nothing at all: no rows, no error. */
  expect_rows(H, "");
  expect_rows("", "");
}

static void test_header_variants(void **state) {
  (void)state;
  /* Any order, optional columns left out. */
  expect_rows("n,timestamp,object\n7,100,1\n", "1 100 - - 7 - - -\n");
  expect_rows("timestamp,object,action\r\n100,1,a\r\n", "1 100 \"a\" - - - - -\n");
  /* Quoted header names. */
  expect_rows("\"object\",\"timestamp\",\"plan\"\n1,2,x\n", "1 2 - \"x\" - - - -\n");
  expect_error("object,timestamp,colour\n1,2,red\n", 1, "colour", SKY_ERR_UNKNOWN_PROPERTY, "unknown column 'colour'");
  expect_error("object,timestamp,Plan\n", 1, "Plan", SKY_ERR_UNKNOWN_PROPERTY, "'Plan'");
  expect_error("object,timestamp,\n", 1, "", SKY_ERR_UNKNOWN_PROPERTY, "unknown column ''");
  expect_error("object,timestamp,plan,plan\n", 1, "plan", SKY_ERR_BAD_VALUE, "duplicate column 'plan'");
  expect_error("object,action\n1,a\n", 1, "timestamp", SKY_ERR_BAD_VALUE, "no 'timestamp' column");
  expect_error("timestamp,action\n1,a\n", 1, "object", SKY_ERR_BAD_VALUE, "no 'object' column");
  /* Header errors are fatal even under MAX ERRORS. */
  run_out o;
  run_stream(g_schema, SKY_FORMAT_CSV, 100, "object,timestamp,bogus\n1,2,3\n", &o);
  assert_int_equal(o.rc, -1);
  assert_int_equal(o.err.code, SKY_ERR_UNKNOWN_PROPERTY);
  run_out_free(&o);
  /* Blank lines before the header are skipped; its line is physical. */
  expect_error("\n\nobject,timestamp,zz\n", 3, "zz", SKY_ERR_UNKNOWN_PROPERTY, "zz");
  /* A UTF-8 byte order mark is not part of the first name. */
  expect_rows("\xEF\xBB\xBFobject,timestamp,action\n1,2,a\n", "1 2 \"a\" - - - - -\n");
}

static void test_quoting(void **state) {
  (void)state;
  expect_rows(H "1,100,\"a,b\",\"say \"\"hi\"\"\",,,,\"\"\n", "1 100 \"a,b\" \"say \\\"hi\\\"\" - - - \"\"\n");
  /* Newlines (LF and CRLF) inside quotes; quoted numbers. */
  expect_rows(H "\"1\",\"100\",\"multi\nline\",,\"3\",\"1.5\",\"FALSE\",\"x\r\ny\"\r\n",
              "1 100 \"multi\\nline\" - 3 1.5 false \"x\\r\\ny\"\n");
  /* Unquoted empty is NULL, quoted empty is the empty string. */
  expect_rows(H "1,100,,\"\",,,,\n", "1 100 - \"\" - - - -\n");
  expect_rows(H "1,100,\"\",,,,,\n", "1 100 \"\" - - - - -\n");
  /* A row spanning lines: later errors still name physical lines. */
  expect_error(H "1,100,\"a\nb\nc\",,,,,\n2,0x,a,,,,,\n", 5, "timestamp", SKY_ERR_BAD_VALUE, "invalid timestamp '0x'");
  /* Quotes in the wrong places. */
  expect_error(H "1,100,ab\"c,,,,,\n", 2, "action", SKY_ERR_BAD_VALUE, "quote inside an unquoted field");
  expect_error(H "1,100,\"ab\"c,,,,,\n", 2, "action", SKY_ERR_BAD_VALUE, "text after a closing quote");
  /* Spaces are data: " 5" is not an INT. */
  expect_error(H "1,100,,,\" 5\",,,\n", 2, "n", SKY_ERR_BAD_VALUE, "invalid INT value ' 5'");
}

static void test_blank_lines(void **state) {
  (void)state;
  expect_rows(H "\n1,100,a,,,,,\n\r\n\n2,200,b,,,,,\n\n", "1 100 \"a\" - - - - -\n2 200 \"b\" - - - - -\n");
  expect_error(H "\n\n1,100,a,,,,,\n\n2,x,b,,,,,\n", 6, "timestamp", SKY_ERR_BAD_VALUE, "'x'");
}

static void test_field_count(void **state) {
  (void)state;
  expect_error(H "1,100,a\n", 2, "", SKY_ERR_BAD_VALUE, "row has 3 fields, the header has 8");
  expect_error(H "1,100,a,,,,,,\n", 2, "", SKY_ERR_BAD_VALUE, "row has 9 fields, the header has 8");
  /* A whitespace-only line is a row (of one field), not a blank line. */
  expect_error(H " \n", 2, "", SKY_ERR_BAD_VALUE, "row has 1 fields");
}

static void test_object_ids(void **state) {
  (void)state;
  expect_rows("object,timestamp,action\n18446744073709551615,1,a\n00042,1,a\n",
              "18446744073709551615 1 \"a\" - - - - -\n42 1 \"a\" - - - - -\n");
  expect_error("object,timestamp,action\n0,1,a\n", 2, "object", SKY_ERR_BAD_VALUE, "object id 0");
  expect_error("object,timestamp,action\n18446744073709551616,1,a\n", 2, "object", SKY_ERR_BAD_VALUE,
               "'18446744073709551616' is larger than 2^64-1");
  expect_error("object,timestamp,action\n-1,1,a\n", 2, "object", SKY_ERR_BAD_VALUE, "invalid object id '-1'");
  expect_error("object,timestamp,action\n4.0,1,a\n", 2, "object", SKY_ERR_BAD_VALUE, "invalid object id '4.0'");
  expect_error("object,timestamp,action\n+4,1,a\n", 2, "object", SKY_ERR_BAD_VALUE, "invalid object id");
  expect_error("object,timestamp,action\n,1,a\n", 2, "object", SKY_ERR_BAD_VALUE, "missing object id");
  expect_error("object,timestamp,action\n\"\",1,a\n", 2, "object", SKY_ERR_BAD_VALUE, "invalid object id ''");
}

/* Object ids of every length, with a non-digit at every position, against
 * strtoull (the 8-digits-at-a-time path and its tail). */
static void test_object_digits(void **state) {
  (void)state;
  sky_reader *r = sky_reader_create(g_schema, SKY_FORMAT_CSV, 1000000, NULL);
  sky_batch *b = sky_batch_create(g_schema);
  sky_error err;
  const char *h = "object,timestamp,action\n";
  assert_int_equal(sky_reader_feed(r, h, strlen(h), b, &err), 0);
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (int len = 1; len <= 21; len++) {
    for (int bad = -1; bad < len; bad++) {
      char digits[32], line[64];
      for (int i = 0; i < len; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        digits[i] = (char)('0' + x % 10);
      }
      if (bad >= 0) digits[bad] = bad % 2 ? 'x' : '/';
      digits[len] = '\0';
      snprintf(line, sizeof line, "%s,1,a\n", digits);
      size_t before = b->n_rows, skipped = sky_reader_skipped(r);
      assert_int_equal(sky_reader_feed(r, line, strlen(line), b, &err), 0);
      errno = 0;
      char *end;
      unsigned long long want = strtoull(digits, &end, 10);
      bool ok = bad < 0 && errno == 0 && want != 0;
      if (ok) {
        assert_int_equal(b->n_rows, before + 1);
        assert_true(b->obj[before] == want);
      } else {
        assert_int_equal(b->n_rows, before);
        assert_int_equal(sky_reader_skipped(r), skipped + 1);
      }
    }
  }
  sky_batch_free(b);
  sky_reader_free(r);
}

/* A streamed record may not grow past SKY_READER_MAX_RECORD: an open quote
 * fed forever fails the load instead of holding all of it. */
static void test_record_limit(void **state) {
  (void)state;
  sky_reader *r = sky_reader_create(g_schema, SKY_FORMAT_CSV, 1000, NULL);
  sky_batch *b = sky_batch_create(g_schema);
  sky_error err;
  const char *start = "object,timestamp,name\n1,1,ok\n2,2,\"open";
  assert_int_equal(sky_reader_feed(r, start, strlen(start), b, &err), 0);
  size_t piece = (size_t)1 << 20;
  char *junk = malloc(piece);
  memset(junk, 'a', piece);
  int rc = 0;
  for (size_t fed = 0; rc == 0 && fed <= SKY_READER_MAX_RECORD; fed += piece)
    rc = sky_reader_feed(r, junk, piece, b, &err);
  assert_int_equal(rc, -1);
  assert_int_equal(err.code, SKY_ERR_BAD_VALUE);
  assert_int_equal(err.line, 3);
  assert_non_null(strstr(err.message, "longer than 64 MiB"));
  free(junk);
  sky_batch_free(b);
  sky_reader_free(r);
}

static void test_timestamps(void **state) {
  (void)state;
  expect_rows(
      "object,timestamp,action\n"
      "1,2026-03-01T12:00:00+02:00,a\n"
      "1,2026-03-01T10:00:00.5Z,a\n"
      "1,2026-03-01,a\n"
      "1,-5,a\n"
      "1,9999-12-31T23:59:59.999999Z,a\n"
      "1,0000-01-01,a\n",
      "1 1772359200000000 \"a\" - - - - -\n"
      "1 1772359200500000 \"a\" - - - - -\n"
      "1 1772323200000000 \"a\" - - - - -\n"
      "1 -5 \"a\" - - - - -\n"
      "1 253402300799999999 \"a\" - - - - -\n"
      "1 -62167219200000000 \"a\" - - - - -\n");
  expect_error("object,timestamp,action\n1,253402300800000000,a\n", 2, "timestamp", SKY_ERR_BAD_VALUE,
               "outside years 0000-9999");
  expect_error("object,timestamp,action\n1,-62167219200000001,a\n", 2, "timestamp", SKY_ERR_BAD_VALUE, "outside years");
  expect_error("object,timestamp,action\n1,0000-01-01T00:00:00+01:00,a\n", 2, "timestamp", SKY_ERR_BAD_VALUE,
               "outside years");
  expect_error("object,timestamp,action\n1,99999999999999999999,a\n", 2, "timestamp", SKY_ERR_BAD_VALUE,
               "outside years");
  expect_error("object,timestamp,action\n1,2026-02-30,a\n", 2, "timestamp", SKY_ERR_BAD_VALUE,
               "invalid timestamp '2026-02-30'");
  expect_error("object,timestamp,action\n1,,a\n", 2, "timestamp", SKY_ERR_BAD_VALUE, "missing timestamp");
  expect_error("object,timestamp,action\n1,1.5,a\n", 2, "timestamp", SKY_ERR_BAD_VALUE, "invalid timestamp '1.5'");
}

static void test_ints_bools(void **state) {
  (void)state;
  expect_rows(
      "object,timestamp,n,ok\n"
      "1,1,9223372036854775807,TRUE\n"
      "1,1,-9223372036854775808,0\n"
      "1,1,+7,1\n"
      "1,1,-0,fAlSe\n",
      "1 1 - - 9223372036854775807 - true -\n"
      "1 1 - - -9223372036854775808 - false -\n"
      "1 1 - - 7 - true -\n"
      "1 1 - - 0 - false -\n");
  expect_error("object,timestamp,n\n1,1,9223372036854775808\n", 2, "n", SKY_ERR_BAD_VALUE,
               "INT value '9223372036854775808' is out of range");
  expect_error("object,timestamp,n\n1,1,-9223372036854775809\n", 2, "n", SKY_ERR_BAD_VALUE, "out of range");
  expect_error("object,timestamp,n\n1,1,1.0\n", 2, "n", SKY_ERR_BAD_VALUE, "invalid INT value '1.0'");
  expect_error("object,timestamp,n\n1,1,\"\"\n", 2, "n", SKY_ERR_BAD_VALUE, "invalid INT value ''");
  expect_error("object,timestamp,ok\n1,1,yes\n", 2, "ok", SKY_ERR_BAD_VALUE, "invalid BOOL value 'yes'");
  expect_error("object,timestamp,ok\n1,1,2\n", 2, "ok", SKY_ERR_BAD_VALUE, "invalid BOOL value '2'");
}

static double parse_one_float(const char *text, int *rc) {
  char input[256];
  snprintf(input, sizeof input, "object,timestamp,price\n1,1,%s\n", text);
  sky_reader *r = sky_reader_create(g_schema, SKY_FORMAT_CSV, 0, NULL);
  sky_batch *b = sky_batch_create(g_schema);
  sky_error err;
  *rc = sky_reader_feed(r, input, strlen(input), b, &err);
  if (*rc == 0) *rc = sky_reader_finish(r, b, &err);
  double v = *rc == 0 && b->n_rows == 1 ? ((double *)b->cols[2].values)[0] : NAN;
  sky_batch_free(b);
  sky_reader_free(r);
  return v;
}

static void test_floats(void **state) {
  (void)state;
  /* Exactly what strtod gives, fast path or not. */
  const char *ok[] = {"0",
                      "-0.0",
                      "1.5",
                      "12.34",
                      ".5",
                      "5.",
                      "1e10",
                      "1E-5",
                      "+2.25",
                      "0.1",
                      "0.3",
                      "123456789012345678",
                      "9007199254740993",
                      "1.7976931348623157e308",
                      "4.9e-324",
                      "2.2250738585072014e-308",
                      "0.000000000000000000000000000001",
                      "3.141592653589793238462643383279",
                      "1e22",
                      "1e23",
                      "8.589973e9",
                      "1e-400"};
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    int rc;
    double v = parse_one_float(ok[i], &rc);
    assert_int_equal(rc, 0);
    double want = strtod(ok[i], NULL);
    if (memcmp(&v, &want, sizeof v) != 0) fail_msg("%s: got %.17g want %.17g", ok[i], v, want);
  }
  /* Random decimals with up to 17 significant digits round-trip exactly. */
  uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < 20000; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    char text[64];
    int digits = 1 + (int)(x % 17);
    uint64_t mant = (x >> 8) % 100000000000000000ULL;
    int exp = (int)((x >> 40) % 60) - 30;
    snprintf(text, sizeof text, "%.*g", digits, (double)mant * pow(10, exp - 8));
    int rc;
    double v = parse_one_float(text, &rc);
    assert_int_equal(rc, 0);
    double want = strtod(text, NULL);
    if (memcmp(&v, &want, sizeof v) != 0) fail_msg("%s: got %.17g want %.17g", text, v, want);
  }
  const char *bad[] = {"nan", "inf", "-inf", "Infinity", "0x1p3", "1e", "e5", ".", "-", "1.2.3", "1e+", " 1", "1,5"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int rc;
    parse_one_float(bad[i], &rc);
    if (rc == 0) fail_msg("accepted '%s'", bad[i]);
  }
  expect_error("object,timestamp,price\n1,1,1e400\n", 2, "price", SKY_ERR_BAD_VALUE,
               "FLOAT value '1e400' is out of range");
  expect_error("object,timestamp,price\n1,1,nan\n", 2, "price", SKY_ERR_BAD_VALUE, "invalid FLOAT value 'nan'");
}

static void test_content_and_strings(void **state) {
  (void)state;
  expect_error(H "1,100,,,,,,\n", 2, "", SKY_ERR_BAD_VALUE, "event has no action and no property");
  /* Non-ASCII strings, kept byte for byte. */
  expect_rows("object,timestamp,name\n1,1,\"Zoë — 東京 🎉\"\n", "1 1 - - - - - \"Zoë — 東京 🎉\"\n");
  /* Invalid UTF-8 names the line and field. */
  expect_error("object,timestamp,action,name\n1,1,a,ok\n1,1,a,b\xff\n", 3, "name", SKY_ERR_BAD_VALUE, "invalid UTF-8");
  expect_error("object,timestamp,action,name\n1,1,\"\xc3\x28\",x\n", 2, "action", SKY_ERR_BAD_VALUE, "invalid UTF-8");
  expect_error("object,timestamp,\xff\n", 1, "", SKY_ERR_BAD_VALUE, "invalid UTF-8 in the header");
  /* Long values are quoted to 64 bytes in messages. */
  char input[512];
  snprintf(input, sizeof input, "object,timestamp,n\n1,1,%s\n",
           "1234567890123456789012345678901234567890123456789012345678901234567890xyz");
  run_out o;
  run_stream(g_schema, SKY_FORMAT_CSV, 0, input, &o);
  assert_int_equal(o.rc, -1);
  assert_non_null(strstr(o.err.message, "'1234567890123456789012345678901234567890123456789012345678901234...'"));
  run_out_free(&o);
}

static void test_unterminated(void **state) {
  (void)state;
  /* Named at the line where the quoted field began. */
  expect_error(H "1,100,a,,,,,\n2,200,b,,,,,\"open\nmore\nstill", 3, "name", SKY_ERR_BAD_VALUE,
               "unterminated quoted field");
  expect_error(H "1,\"100\nx\",\"a\nb", 3, "action", SKY_ERR_BAD_VALUE, "unterminated");
  expect_error("object,\"timestamp\n", 1, "", SKY_ERR_BAD_VALUE, "unterminated quoted field in the header");
}

static void test_max_errors(void **state) {
  (void)state;
  const char *input = H
      "1,1,a,,,,,\n"
      "0,1,a,,,,,\n"   /* line 3: object 0 */
      "1,x,a,,,,,\n"   /* line 4: timestamp */
      "1,1,a,,zz,,,\n" /* line 5: INT */
      "2,2,b,,,,,\n"
      "1,1,,,,,,\n" /* line 7: no content */
      "3,3,c,,,,,\n";
  for (int64_t n = 0; n <= 5; n++) {
    run_out o;
    run_stream(g_schema, SKY_FORMAT_CSV, n, input, &o);
    static const int lines[] = {3, 4, 5, 7};
    if (n >= 4) {
      assert_int_equal(o.rc, 0);
      assert_string_equal(rows_text(&o), "1 1 \"a\" - - - - -\n2 2 \"b\" - - - - -\n3 3 \"c\" - - - - -\n");
      assert_string_equal(skipped_text(&o),
                          "3|object|bad_value|object id 0: ids are 1 to 2^64-1\n"
                          "4|timestamp|bad_value|invalid timestamp 'x': expected integer "
                          "microseconds or ISO-8601\n"
                          "5|n|bad_value|invalid INT value 'zz'\n"
                          "7||bad_value|event has no action and no property\n");
    } else {
      assert_int_equal(o.rc, -1);
      assert_int_equal(o.err.line, lines[n]); /* the (n+1)-th bad row */
      /* exactly n recorded as skipped */
      size_t count = 0;
      for (const char *p = skipped_text(&o); *p; p++) count += *p == '\n';
      assert_int_equal(count, (size_t)n);
    }
    run_out_free(&o);
  }
}

static void test_splits(void **state) {
  (void)state;
  const char *input = "\xEF\xBB\xBF" H
                      "1,100,\"a,\"\"b\"\"\nc\",pro,5,2.5,true,\"Zoë\"\r\n"
                      "\n"
                      "2,2026-01-05T10:00:00Z,view,,,,,\r\n"
                      "0,1,a,,,,,\n"
                      "3,1,a,,x,,,\n"
                      "4,1,\"q\"x,,,,,\n"
                      "5,1,\"\",\"\",,,,\n"
                      "6,1,a\"b,,,,,\n"
                      "18446744073709551615,1,z,,,1e5,0,\"\"\"\"";
  check_all_splits(g_schema, SKY_FORMAT_CSV, 10, input);
  check_all_splits(g_schema, SKY_FORMAT_CSV, 2, input);
  check_all_splits(g_schema, SKY_FORMAT_CSV, 0, H "1,1,a,,,,,\n2,1,\"b\nc");
}

static void test_reader_misc(void **state) {
  (void)state;
  sky_error err;
  assert_null(sky_reader_create(g_schema, SKY_FORMAT_AUTO, 0, &err));
  assert_int_equal(err.code, SKY_ERR_BAD_REQUEST);
  /* After a failure every call fails the same way. */
  sky_reader *r = sky_reader_create(g_schema, SKY_FORMAT_CSV, 0, &err);
  sky_batch *b = sky_batch_create(g_schema);
  const char *in = "object,timestamp,bad\n";
  assert_int_equal(sky_reader_feed(r, in, strlen(in), b, &err), -1);
  sky_error_clear(&err);
  assert_int_equal(sky_reader_feed(r, "1,2,3\n", 6, b, &err), -1);
  assert_int_equal(err.code, SKY_ERR_UNKNOWN_PROPERTY);
  assert_int_equal(sky_reader_finish(r, b, &err), -1);
  sky_reader_free(r);
  sky_batch_free(b);
}

/* Out of memory at every allocation: an error, never a crash or a leak. */
static void test_alloc_failures(void **state) {
  (void)state;
  const char *input = H "1,100,\"a\"\"b\",pro,5,2.5,true,x\n2,200,b,basic,,,,y\n3,x,c,,,,,\n";
  for (uint64_t n = 1; n < 200; n++) {
    sky_alloc_fail_after(n);
    run_out o;
    run_stream(g_schema, SKY_FORMAT_CSV, 5, input, &o);
    sky_alloc_fail_after(0);
    if (o.rc != 0) assert_true(o.err.code == SKY_ERR_OUT_OF_MEMORY);
    run_out_free(&o);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_basic),          cmocka_unit_test(test_header_variants),
      cmocka_unit_test(test_quoting),        cmocka_unit_test(test_blank_lines),
      cmocka_unit_test(test_field_count),    cmocka_unit_test(test_object_ids),
      cmocka_unit_test(test_object_digits),  cmocka_unit_test(test_record_limit),
      cmocka_unit_test(test_timestamps),     cmocka_unit_test(test_ints_bools),
      cmocka_unit_test(test_floats),         cmocka_unit_test(test_content_and_strings),
      cmocka_unit_test(test_unterminated),   cmocka_unit_test(test_max_errors),
      cmocka_unit_test(test_splits),         cmocka_unit_test(test_reader_misc),
      cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
