/* test_ndjson.c — the NDJSON reader: keys in any order, missing and null
 * keys, JSON types per column, string escapes with surrogate pairs, unknown,
 * duplicate and nested keys, malformed JSON, UTF-8, MAX ERRORS, and
 * identical results for every split of the input between feeds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "loader/loader_util.h"
#include "loader/loader_splits.h"

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

static void expect_rows(const char *input, const char *rows) {
  run_out o;
  run_stream(g_schema, SKY_FORMAT_NDJSON, 0, input, &o);
  if (o.rc != 0) fail_msg("unexpected error: %d|%s|%s for %s", o.err.line, o.err.field, o.err.message, input);
  assert_string_equal(rows_text(&o), rows);
  run_out_free(&o);
}

static void expect_error(const char *input, int line, const char *field, sky_code code, const char *msg_part) {
  run_out o;
  run_stream(g_schema, SKY_FORMAT_NDJSON, 0, input, &o);
  assert_int_equal(o.rc, -1);
  if (o.err.line != line || strcmp(o.err.field, field) != 0 || o.err.code != code || !strstr(o.err.message, msg_part))
    fail_msg("got %d|%s|%s|%s for %s", o.err.line, o.err.field, sky_code_name(o.err.code), o.err.message, input);
  run_out_free(&o);
}

static void test_basic(void **state) {
  (void)state;
  expect_rows(
      "{\"object\":1,\"timestamp\":100,\"action\":\"view\",\"plan\":\"pro\",\"n\":5,\"price\":2.5,"
      "\"ok\":true,\"name\":\"bob\"}\n"
      "{\"name\":\"x\",\"timestamp\":200,\"object\":2}\n"
      "{ \"object\" : 3 , \"timestamp\" : 300 , \"action\" : null , \"ok\" : false }\r\n"
      "\n   \t\r\n"
      "{\"object\":\"4\",\"timestamp\":\"2026-03-01T12:00:00+02:00\",\"n\":-7,\"price\":1e2,\"ok\":1}",
      "1 100 \"view\" \"pro\" 5 2.5 true \"bob\"\n"
      "2 200 - - - - - \"x\"\n"
      "3 300 - - - - false -\n"
      "4 1772359200000000 - - -7 100 true -\n");
  expect_rows("", "");
  expect_rows("\xEF\xBB\xBF{\"object\":1,\"timestamp\":1,\"action\":\"a\"}\n", "1 1 \"a\" - - - - -\n");
}

static void test_object_ids(void **state) {
  (void)state;
  expect_rows(
      "{\"object\":18446744073709551615,\"timestamp\":1,\"action\":\"a\"}\n"
      "{\"object\":\"18446744073709551614\",\"timestamp\":1,\"action\":\"a\"}\n",
      "18446744073709551615 1 \"a\" - - - - -\n18446744073709551614 1 \"a\" - - - - -\n");
  expect_error("{\"object\":0,\"timestamp\":1,\"action\":\"a\"}", 1, "object", SKY_ERR_BAD_VALUE, "object id 0");
  expect_error("{\"object\":18446744073709551616,\"timestamp\":1,\"action\":\"a\"}", 1, "object", SKY_ERR_BAD_VALUE,
               "larger than 2^64-1");
  expect_error("{\"object\":-1,\"timestamp\":1,\"action\":\"a\"}", 1, "object", SKY_ERR_BAD_VALUE,
               "invalid object id '-1'");
  expect_error("{\"object\":1.0,\"timestamp\":1,\"action\":\"a\"}", 1, "object", SKY_ERR_BAD_VALUE,
               "invalid object id '1.0'");
  expect_error("{\"object\":\"x1\",\"timestamp\":1,\"action\":\"a\"}", 1, "object", SKY_ERR_BAD_VALUE,
               "invalid object id 'x1'");
  expect_error("{\"object\":true,\"timestamp\":1,\"action\":\"a\"}", 1, "object", SKY_ERR_BAD_VALUE,
               "must be an integer or a string of digits, not true");
  expect_error("{\"object\":null,\"timestamp\":1,\"action\":\"a\"}", 1, "object", SKY_ERR_BAD_VALUE,
               "missing object id");
  expect_error("{\"timestamp\":1,\"action\":\"a\"}", 1, "object", SKY_ERR_BAD_VALUE, "missing object id");
  expect_error("{}", 1, "object", SKY_ERR_BAD_VALUE, "missing object id");
}

static void test_values(void **state) {
  (void)state;
  expect_error("{\"object\":1,\"timestamp\":1.5,\"action\":\"a\"}", 1, "timestamp", SKY_ERR_BAD_VALUE,
               "invalid timestamp '1.5'");
  expect_error("{\"object\":1,\"timestamp\":\"10000-01-01\",\"action\":\"a\"}", 1, "timestamp", SKY_ERR_BAD_VALUE,
               "invalid timestamp");
  expect_error("{\"object\":1,\"timestamp\":253402300800000000,\"action\":\"a\"}", 1, "timestamp", SKY_ERR_BAD_VALUE,
               "outside years 0000-9999");
  expect_error("{\"object\":1,\"action\":\"a\"}", 1, "timestamp", SKY_ERR_BAD_VALUE, "missing timestamp");
  expect_error("{\"object\":1,\"timestamp\":1,\"n\":\"5\"}", 1, "n", SKY_ERR_BAD_VALUE,
               "'n' must be a number, not a string");
  expect_error("{\"object\":1,\"timestamp\":1,\"n\":5.5}", 1, "n", SKY_ERR_BAD_VALUE, "invalid INT value '5.5'");
  expect_error("{\"object\":1,\"timestamp\":1,\"n\":9223372036854775808}", 1, "n", SKY_ERR_BAD_VALUE, "out of range");
  expect_error("{\"object\":1,\"timestamp\":1,\"plan\":5}", 1, "plan", SKY_ERR_BAD_VALUE,
               "must be a string, not a number");
  expect_error("{\"object\":1,\"timestamp\":1,\"action\":false}", 1, "action", SKY_ERR_BAD_VALUE, "not false");
  expect_error("{\"object\":1,\"timestamp\":1,\"ok\":\"true\"}", 1, "ok", SKY_ERR_BAD_VALUE, "must be true or false");
  expect_error("{\"object\":1,\"timestamp\":1,\"ok\":2}", 1, "ok", SKY_ERR_BAD_VALUE, "invalid BOOL value '2'");
  expect_error("{\"object\":1,\"timestamp\":1,\"price\":1e999}", 1, "price", SKY_ERR_BAD_VALUE, "out of range");
  expect_error("{\"object\":1,\"timestamp\":1,\"price\":true}", 1, "price", SKY_ERR_BAD_VALUE, "must be a number");
  expect_error("{\"object\":1,\"timestamp\":1}", 1, "", SKY_ERR_BAD_VALUE, "event has no action and no property");
  expect_error("{\"object\":1,\"timestamp\":1,\"action\":null,\"plan\":null}", 1, "", SKY_ERR_BAD_VALUE,
               "no action and no property");
  /* Empty strings are values. */
  expect_rows("{\"object\":1,\"timestamp\":1,\"action\":\"\",\"name\":\"\"}\n", "1 1 \"\" - - - - \"\"\n");
}

static void test_strings(void **state) {
  (void)state;
  expect_rows("{\"object\":1,\"timestamp\":1,\"name\":\"q\\\"b\\\\s\\/n\\n\\r\\t\\b\\f\"}\n",
              "1 1 - - - - - \"q\\\"b\\\\s/n\\n\\r\\t\\b\\f\"\n");
  expect_rows("{\"object\":1,\"timestamp\":1,\"name\":\"\\u00e9\\u6771\\ud83c\\udf89 Zo\xc3\xab\"}\n",
              "1 1 - - - - - \"é東🎉 Zoë\"\n");
  /* \u0000 is a NUL byte inside the string. */
  run_out o;
  run_stream(g_schema, SKY_FORMAT_NDJSON, 0, "{\"object\":1,\"timestamp\":1,\"name\":\"a\\u0000b\"}", &o);
  assert_int_equal(o.rc, 0);
  assert_string_equal(rows_text(&o), "1 1 - - - - - \"a\\u0000b\"\n");
  run_out_free(&o);
  expect_error("{\"object\":1,\"timestamp\":1,\"name\":\"\\ud83c\"}", 1, "name", SKY_ERR_BAD_VALUE,
               "unpaired surrogate");
  expect_error("{\"object\":1,\"timestamp\":1,\"name\":\"\\udf89\\ud83c\"}", 1, "name", SKY_ERR_BAD_VALUE,
               "unpaired surrogate");
  expect_error("{\"object\":1,\"timestamp\":1,\"name\":\"\\x41\"}", 1, "name", SKY_ERR_BAD_VALUE, "invalid escape");
  expect_error("{\"object\":1,\"timestamp\":1,\"name\":\"\\u12g4\"}", 1, "name", SKY_ERR_BAD_VALUE, "invalid escape");
  expect_error("{\"object\":1,\"timestamp\":1,\"name\":\"a\tb\"}", 1, "name", SKY_ERR_BAD_VALUE, "control character");
  expect_error("{\"object\":1,\"timestamp\":1,\"name\":\"abc}", 1, "name", SKY_ERR_BAD_VALUE, "unterminated string");
  expect_error("{\"object\":1,\"timestamp\":1,\"name\":\"b\xff\"}\n", 1, "name", SKY_ERR_BAD_VALUE,
               "invalid UTF-8 in the value of 'name'");
  expect_error("{\"object\":1,\"timestamp\":1,\"name\":\"\\u00e9\xed\xa0\x80\"}\n", 1, "name", SKY_ERR_BAD_VALUE,
               "invalid UTF-8");
  expect_error("{\"object\":1,\"timestamp\":1,\"na\xffme\":\"b\"}\n", 1, "", SKY_ERR_BAD_VALUE,
               "invalid UTF-8 in a key");
  /* Bytes above 0x7F outside strings are a JSON error on their line. */
  expect_error("\n{\"object\":1,\xff\"timestamp\":1}\n", 2, "", SKY_ERR_BAD_VALUE, "expected a key string at byte 13");
}

static void test_keys(void **state) {
  (void)state;
  expect_error("{\"object\":1,\"timestamp\":1,\"action\":\"a\"}\n{\"object\":1,\"timestamp\":1,\"colour\":\"red\"}", 2,
               "colour", SKY_ERR_UNKNOWN_PROPERTY, "unknown property 'colour'");
  expect_error("{\"object\":1,\"timestamp\":1,\"Plan\":\"x\"}", 1, "Plan", SKY_ERR_UNKNOWN_PROPERTY, "'Plan'");
  expect_error("{\"object\":1,\"timestamp\":1,\"plan\":\"x\",\"plan\":null}", 1, "plan", SKY_ERR_BAD_VALUE,
               "duplicate key 'plan'");
  expect_error("{\"object\":1,\"timestamp\":1,\"plan\":{\"a\":1}}", 1, "plan", SKY_ERR_BAD_VALUE, "nested object");
  expect_error("{\"object\":1,\"timestamp\":1,\"n\":[1]}", 1, "n", SKY_ERR_BAD_VALUE, "nested array");
  /* Escaped key names match too. */
  expect_rows("{\"obj\\u0065ct\":1,\"timestamp\":1,\"pl\\u0061n\":\"x\"}", "1 1 - \"x\" - - - -\n");
}

static void test_bad_json(void **state) {
  (void)state;
  const char *bad[] = {
      "[1,2]",
      "{\"object\":1,\"timestamp\":1,\"action\":\"a\",}",
      "{\"object\" 1}",
      "{\"object\":1 \"timestamp\":1}",
      "{\"object\":1,\"timestamp\":1,\"action\":\"a\"} x",
      "{\"object\":1,\"timestamp\":1,\"action\":'a'}",
      "{\"object\":01,\"timestamp\":1,\"action\":\"a\"}",
      "{\"object\":1,\"timestamp\":1,\"price\":NaN}",
      "{\"object\":1,\"timestamp\":1,\"price\":.5}",
      "{\"object\":1,\"timestamp\":1,\"price\":1.}",
      "{\"object\":1,\"timestamp\":1,\"price\":-}",
      "{\"object\":1,\"timestamp\":1,\"ok\":tru}",
      "{\"object\":1,\"timestamp\":1,\"ok\":nul}",
      "{\"object\":1,\"timestamp\":1",
      "{object:1}",
      "\"just a string\"",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    run_out o;
    run_stream(g_schema, SKY_FORMAT_NDJSON, 0, bad[i], &o);
    if (o.rc != -1 || o.err.code != SKY_ERR_BAD_VALUE || o.err.line != 1)
      fail_msg("%s: rc %d code %s", bad[i], o.rc, sky_code_name(o.err.code));
    run_out_free(&o);
  }
  expect_error("{\"object\":1 \"timestamp\":1}", 1, "object", SKY_ERR_BAD_VALUE,
               "invalid JSON: expected ',' or '}' at byte 13 of the line");
}

static void test_max_errors(void **state) {
  (void)state;
  const char *input =
      "{\"object\":1,\"timestamp\":1,\"action\":\"a\"}\n"
      "{\"object\":0,\"timestamp\":1,\"action\":\"a\"}\n"
      "\n"
      "{\"object\":1,\"timestamp\":1,\"zz\":1}\n"
      "{\"object\":2,\"timestamp\":2,\"action\":\"b\"}\n"
      "not json\n"
      "{\"object\":3,\"timestamp\":3,\"action\":\"c\"}";
  run_out o;
  run_stream(g_schema, SKY_FORMAT_NDJSON, 3, input, &o);
  assert_int_equal(o.rc, 0);
  assert_string_equal(rows_text(&o), "1 1 \"a\" - - - - -\n2 2 \"b\" - - - - -\n3 3 \"c\" - - - - -\n");
  assert_string_equal(skipped_text(&o),
                      "2|object|bad_value|object id 0: ids are 1 to 2^64-1\n"
                      "4|zz|unknown_property|unknown property 'zz'\n"
                      "6||bad_value|invalid JSON: expected an object '{' at byte 1 of the line\n");
  run_out_free(&o);
  run_stream(g_schema, SKY_FORMAT_NDJSON, 2, input, &o);
  assert_int_equal(o.rc, -1);
  assert_int_equal(o.err.line, 6);
  assert_int_equal(o.err.code, SKY_ERR_BAD_VALUE);
  run_out_free(&o);
  run_stream(g_schema, SKY_FORMAT_NDJSON, 1, input, &o);
  assert_int_equal(o.rc, -1);
  assert_int_equal(o.err.line, 4);
  assert_int_equal(o.err.code, SKY_ERR_UNKNOWN_PROPERTY);
  assert_string_equal(o.err.field, "zz");
  run_out_free(&o);
}

static void test_splits(void **state) {
  (void)state;
  const char *input =
      "\xEF\xBB\xBF{\"object\":1,\"timestamp\":\"2026-01-05T10:00:00Z\",\"name\":\"\\ud83c\\udf89\"}\r\n"
      "\n"
      "{\"object\":0,\"timestamp\":1,\"action\":\"a\"}\n"
      "{\"object\":18446744073709551615,\"timestamp\":-1,\"price\":0.1,\"ok\":false}\n"
      "{\"object\":2,\"timestamp\":2,\"plan\":\"Zo\xc3\xab\",\"bad\":1}\n"
      "{\"object\":3,\"timestamp\":3,\"action\":\"c\"}";
  check_all_splits(g_schema, SKY_FORMAT_NDJSON, 5, input);
  check_all_splits(g_schema, SKY_FORMAT_NDJSON, 1, input);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_basic),      cmocka_unit_test(test_object_ids), cmocka_unit_test(test_values),
      cmocka_unit_test(test_strings),    cmocka_unit_test(test_keys),       cmocka_unit_test(test_bad_json),
      cmocka_unit_test(test_max_errors), cmocka_unit_test(test_splits),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
