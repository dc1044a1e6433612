/* gen.h — a deterministic generator of realistic behavioral events with the
 * reference shape, so that load and query figures compare across engines.
 *
 * Table `events` (plan and country STATE STRING, price EVENT FLOAT). Objects
 * come with sparse ascending ids, each object's events together and in time
 * order. Events per object are Pareto-distributed (alpha 1.25, min 5, cap
 * 20,000; about 21 on average); paths fall into sessions of about 6 events
 * (longer for the heaviest objects so that a path fits the window), with gaps
 * inside a session exponential with mean 90 s plus microsecond jitter, and
 * between sessions 31 min plus an exponential with mean 2 days, all within
 * 90 days from 2026-01-05. Twenty actions (view, click, ..., purchase about
 * 2%); about 0.5% of events have no action and only change the plan. The
 * plan is set on the first event of about 70% of objects and on about 1.6%
 * of later events; the country (about 50 codes, skewed) on each object's
 * first event; price (2 decimals) on purchases only.
 *
 * Same seed and count, same events, byte for byte (integer arithmetic and a
 * fixed sequence of draws; the few libm calls are the same on one machine).
 */
#ifndef SKY_STORAGE_GEN_H
#define SKY_STORAGE_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "storage/schema.h"

/* Bytes one formatted event never exceeds (CSV or NDJSON). */
#define SKY_GEN_MAX_LINE 256

/* 2026-01-05T00:00:00Z and the 90-day window, µs. */
#define SKY_GEN_START_US INT64_C(1767571200000000)
#define SKY_GEN_WINDOW_US (INT64_C(90) * 86400 * 1000000)

typedef enum sky_gen_format { SKY_GEN_CSV = 0, SKY_GEN_NDJSON = 1 } sky_gen_format;

typedef struct sky_gen_event {
  uint64_t obj;
  int64_t ts;          /* µs */
  const char *action;  /* NULL: none */
  const char *plan;    /* NULL: this event does not set the plan */
  const char *country; /* NULL: not set (only first events set it) */
  int64_t price_cents; /* -1: none (purchases carry a price) */
} sky_gen_event;

typedef struct sky_gen sky_gen;

/* A generator of exactly `n_events` events from `seed`. NULL when out of
 * memory. Free with sky_gen_free(). */
sky_gen *sky_gen_create(uint64_t seed, uint64_t n_events);
void sky_gen_free(sky_gen *g);

/* The next event: 1 with *ev filled (its strings are constants), 0 after
 * the last. */
int sky_gen_next(sky_gen *g, sky_gen_event *ev);

/* Writes the CSV header line ("" for NDJSON) into out (>= 64 bytes). */
size_t sky_gen_header(sky_gen_format fmt, char *out);
/* Formats one event as one line with its '\n'; out holds SKY_GEN_MAX_LINE. */
size_t sky_gen_format_event(sky_gen_format fmt, const sky_gen_event *ev, char *out);
/* Fills out[0..cap) with whole lines, the CSV header first; returns the
 * bytes written, 0 at the end. cap must be at least SKY_GEN_MAX_LINE. */
size_t sky_gen_fill(sky_gen *g, sky_gen_format fmt, char *out, size_t cap);

/* The whole output in one allocated buffer (free with sky_free), or NULL
 * when out of memory. */
char *sky_gen_buffer(uint64_t seed, uint64_t n_events, sky_gen_format fmt, size_t *len_out);

/* The table's DDL (one statement, no trailing newline). */
const char *sky_gen_ddl(void);
/* The table's schema (version 1). Free with sky_schema_free(). */
sky_schema *sky_gen_schema_create(void);

#endif
