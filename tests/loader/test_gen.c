/* test_gen.c — the event generator: byte-identical output for the same seed
 * (and prefixes for smaller counts), different output for another seed, and
 * the reference shape measured on 2M events: events per object, action and
 * plan shares, countries and prices where they belong, sessions and gaps,
 * the 90-day window, ascending sparse ids. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "common/alloc.h"
#include "storage/gen.h"

static void test_determinism(void **state) {
  (void)state;
  for (int f = 0; f < 2; f++) {
    sky_gen_format fmt = f ? SKY_GEN_NDJSON : SKY_GEN_CSV;
    size_t a_len, b_len, c_len, d_len;
    char *a = sky_gen_buffer(12345, 100000, fmt, &a_len);
    char *b = sky_gen_buffer(12345, 100000, fmt, &b_len);
    char *c = sky_gen_buffer(12346, 100000, fmt, &c_len);
    char *d = sky_gen_buffer(12345, 60000, fmt, &d_len);
    assert_non_null(a);
    assert_true(a_len == b_len && memcmp(a, b, a_len) == 0);
    assert_false(a_len == c_len && memcmp(a, c, a_len) == 0);
    assert_true(d_len < a_len && memcmp(a, d, d_len) == 0); /* a prefix */
    size_t lines = 0;
    for (size_t i = 0; i < a_len; i++) lines += a[i] == '\n';
    assert_int_equal(lines, 100000 + (f ? 0 : 1));
    if (!f) assert_memory_equal(a, "object,timestamp,action,plan,country,price\n", 43);
    sky_free(a);
    sky_free(b);
    sky_free(c);
    sky_free(d);
  }
  /* fill() in small blocks writes the same bytes as one buffer. */
  size_t len;
  char *whole = sky_gen_buffer(5, 3000, SKY_GEN_CSV, &len);
  sky_gen *g = sky_gen_create(5, 3000);
  char *out = sky_malloc(len + SKY_GEN_MAX_LINE);
  size_t pos = 0, n;
  while ((n = sky_gen_fill(g, SKY_GEN_CSV, out + pos, SKY_GEN_MAX_LINE + 17)) > 0) pos += n;
  assert_int_equal(pos, len);
  assert_memory_equal(out, whole, len);
  sky_free(out);
  sky_free(whole);
  sky_gen_free(g);
}

typedef struct shape {
  uint64_t events, objects, purchases, no_action, plan_first, plan_later, priced, countries;
  uint64_t in_gaps, breaks;
  double in_gap_sum_s;
} shape;

static void test_shape(void **state) {
  (void)state;
  const uint64_t n = 2000000;
  sky_gen *g = sky_gen_create(2026, n);
  shape s;
  memset(&s, 0, sizeof s);
  sky_gen_event ev, prev;
  memset(&prev, 0, sizeof prev);
  uint64_t country_hits[64] = {0};
  const char *country_names[64] = {0};
  size_t n_countries = 0;
  while (sky_gen_next(g, &ev)) {
    s.events++;
    assert_true(ev.ts >= SKY_GEN_START_US && ev.ts < SKY_GEN_START_US + SKY_GEN_WINDOW_US);
    bool first = s.events == 1 || ev.obj != prev.obj;
    if (first) {
      assert_true(s.events == 1 || ev.obj > prev.obj); /* ascending */
      s.objects++;
      assert_non_null(ev.country);
      assert_non_null(ev.action);
      s.plan_first += ev.plan != NULL;
      size_t i = 0;
      while (i < n_countries && strcmp(country_names[i], ev.country) != 0) i++;
      if (i == n_countries) country_names[n_countries++] = ev.country;
      country_hits[i]++;
    } else {
      assert_null(ev.country);
      assert_true(ev.ts >= prev.ts); /* a path in time order */
      s.plan_later += ev.plan != NULL;
      int64_t gap = ev.ts - prev.ts;
      if (gap < 31 * 60 * INT64_C(1000000))
        s.in_gaps++, s.in_gap_sum_s += gap / 1e6;
      else
        s.breaks++;
    }
    if (!ev.action) {
      assert_non_null(ev.plan); /* a plan change only */
      s.no_action++;
    }
    bool purchase = ev.action && strcmp(ev.action, "purchase") == 0;
    s.purchases += purchase;
    assert_true(purchase == (ev.price_cents >= 0));
    s.priced += ev.price_cents >= 0;
    prev = ev;
  }
  sky_gen_free(g);
  assert_int_equal(s.events, n);
  double per_obj = (double)s.events / s.objects;
  double later = (double)(s.events - s.objects);
  print_message(
      "events/object %.2f, purchases %.3f%%, no action %.3f%%, plan first %.1f%%, plan later %.2f%%, "
      "countries %zu, in-session gap %.1fs, events/session %.2f\n",
      per_obj, 100.0 * s.purchases / s.events, 100.0 * s.no_action / s.events, 100.0 * s.plan_first / s.objects,
      100.0 * s.plan_later / later, n_countries, s.in_gap_sum_s / s.in_gaps, (double)s.events / (s.objects + s.breaks));
  assert_true(per_obj > 18 && per_obj < 26);
  assert_true(s.purchases > 0.017 * s.events && s.purchases < 0.023 * s.events);
  assert_true(s.no_action > 0.0035 * s.events && s.no_action < 0.0065 * s.events);
  assert_true(s.plan_first > 0.67 * s.objects && s.plan_first < 0.73 * s.objects);
  assert_true(s.plan_later > 0.014 * later && s.plan_later < 0.018 * later);
  assert_true(n_countries >= 45 && n_countries <= 50);
  assert_true(country_hits[0] > 4 * country_hits[n_countries - 1]); /* skewed */
  double mean_gap = s.in_gap_sum_s / s.in_gaps;
  assert_true(mean_gap > 80 && mean_gap < 100);
  double per_session = (double)s.events / (s.objects + s.breaks);
  assert_true(per_session > 5 && per_session < 8);
}

static void test_formats(void **state) {
  (void)state;
  sky_gen_event ev = {.obj = 18446744073709551615ULL,
                      .ts = 1767571200000001,
                      .action = "purchase",
                      .plan = "pro",
                      .country = "US",
                      .price_cents = 1205};
  char out[SKY_GEN_MAX_LINE];
  size_t n = sky_gen_format_event(SKY_GEN_CSV, &ev, out);
  assert_int_equal(n, strlen("18446744073709551615,1767571200000001,purchase,pro,US,12.05\n"));
  assert_memory_equal(out, "18446744073709551615,1767571200000001,purchase,pro,US,12.05\n", n);
  n = sky_gen_format_event(SKY_GEN_NDJSON, &ev, out);
  const char *want =
      "{\"object\":18446744073709551615,\"timestamp\":1767571200000001,\"action\":\"purchase\","
      "\"plan\":\"pro\",\"country\":\"US\",\"price\":12.05}\n";
  assert_int_equal(n, strlen(want));
  assert_memory_equal(out, want, n);
  sky_gen_event bare = {.obj = 5, .ts = 6, .plan = "free", .price_cents = -1};
  n = sky_gen_format_event(SKY_GEN_CSV, &bare, out);
  assert_memory_equal(out, "5,6,,free,,\n", n);
  n = sky_gen_format_event(SKY_GEN_NDJSON, &bare, out);
  assert_memory_equal(out, "{\"object\":5,\"timestamp\":6,\"plan\":\"free\"}\n", n);
  sky_schema *s = sky_gen_schema_create();
  assert_int_equal(s->n_props, 3);
  assert_string_equal(s->props[2].name, "price");
  assert_int_equal(s->props[2].type, SKY_PTYPE_FLOAT);
  assert_int_equal(s->props[0].kind, SKY_KIND_STATE);
  sky_schema_free(s);
  assert_non_null(strstr(sky_gen_ddl(), "price EVENT FLOAT"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_determinism),
      cmocka_unit_test(test_shape),
      cmocka_unit_test(test_formats),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
