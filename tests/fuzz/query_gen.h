/* query_gen.h — the statement generator of the query-shape fuzzer
 * (fuzz_query.c): the fuzzer's bytes are choices, not text. Each byte picks
 * among the forms the grammar allows at one point (docs/LANGUAGE.md), so
 * almost every input is a well-typed SELECT or FUNNEL over the harness's
 * table, and mutating a byte changes one choice. When the bytes run out
 * every choice is the first, simplest one, so generation always ends. */
#ifndef SKY_TESTS_FUZZ_QUERY_GEN_H
#define SKY_TESTS_FUZZ_QUERY_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* The table the statements read: every property kind and type. */
#define QG_TABLE_DDL                                                                                          \
  "CREATE TABLE t (plan STATE STRING, country STATE STRING, vip STATE BOOL, age STATE INT, score STATE FLOAT, " \
  "price EVENT FLOAT, qty EVENT INT, note EVENT STRING, flag EVENT BOOL)"

/* Appends to `out` the statement that `data` chooses (NUL-terminated, no
 * trailing ';'). */
void qg_generate(const uint8_t *data, size_t size, sky_buf *out);

#endif
