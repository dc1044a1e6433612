/* loader_splits.h — the split-invariance check of the loader tests (CMocka
 * assertions; include cmocka.h and loader_util.h first). */
#ifndef SKY_TESTS_LOADER_SPLITS_H
#define SKY_TESTS_LOADER_SPLITS_H

/* Every split of the input into two feeds, and byte-by-byte feeding, give
 * the same rows, skipped errors and final error as one feed. */
static inline void check_all_splits(const sky_schema *schema, sky_load_format fmt, int64_t max_errors,
                                    const char *input) {
  size_t len = strlen(input);
  run_out whole;
  run_stream(schema, fmt, max_errors, input, &whole);
  for (size_t cut = 0; cut <= len; cut++) {
    run_out o;
    run_stream_cuts(schema, fmt, max_errors, input, len, &cut, 1, &o);
    assert_int_equal(o.rc, whole.rc);
    assert_string_equal(rows_text(&o), rows_text(&whole));
    assert_string_equal(skipped_text(&o), skipped_text(&whole));
    if (o.rc) {
      assert_int_equal(o.err.line, whole.err.line);
      assert_string_equal(o.err.message, whole.err.message);
    }
    run_out_free(&o);
  }
  size_t *cuts = malloc(sizeof *cuts * (len + 1));
  for (size_t i = 0; i < len; i++) cuts[i] = i + 1;
  run_out o;
  run_stream_cuts(schema, fmt, max_errors, input, len, cuts, len, &o);
  assert_int_equal(o.rc, whole.rc);
  assert_string_equal(rows_text(&o), rows_text(&whole));
  assert_string_equal(skipped_text(&o), skipped_text(&whole));
  free(cuts);
  run_out_free(&o);
  run_out_free(&whole);
}

#endif
