/* gen.c — the event generator of gen.h. One object's path is drawn at a
 * time (its timestamps into a buffer of at most the cap), then emitted event
 * by event. Randomness is xoshiro256** seeded through splitmix64; choices
 * from weighted tables use integer cumulative weights, so only the gap and
 * price draws touch floating point.
 */
#include "storage/gen.h"

#include <math.h>
#include <string.h>

#include "common/alloc.h"

#define PARETO_ALPHA 1.25
#define EVENTS_MIN 5
#define EVENTS_CAP 20000
#define SESSION_EVENTS 6.0
#define IN_SESSION_GAP_S 90.0
#define SESSION_BREAK_US (INT64_C(31) * 60 * 1000000)
#define BETWEEN_MEAN_US (2.0 * 86400 * 1e6)
#define SPAN_MAX_US (SKY_GEN_WINDOW_US - INT64_C(1000000))
#define P_PLAN_FIRST 700 /* per mille of objects with a plan on their first event */
#define P_NO_ACTION 50   /* per 10,000 later events: plan change, no action */
#define P_PLAN_LATER 160 /* per 10,000 later events setting the plan (no-action ones included) */

typedef struct weighted {
  const char *name;
  uint32_t weight;
} weighted;

static const weighted k_actions[] = {
    {"view", 3050},       {"click", 1500},           {"scroll", 900},   {"search", 700},
    {"add_to_cart", 500}, {"remove_from_cart", 150}, {"checkout", 300}, {"purchase", 200},
    {"login", 400},       {"logout", 300},           {"signup", 50},    {"share", 200},
    {"like", 450},        {"comment", 200},          {"rate", 100},     {"play_video", 400},
    {"pause_video", 200}, {"download", 200},         {"settings", 100}, {"help", 100},
};
#define PURCHASE_INDEX 7

static const weighted k_plans[] = {{"free", 45}, {"basic", 30}, {"pro", 18}, {"enterprise", 7}};

/* Country codes by popularity; weights ~ 1000 / rank^1.1, precomputed. */
static const weighted k_countries[] = {
    {"US", 1000}, {"GB", 467}, {"DE", 298}, {"FR", 218}, {"IN", 170}, {"BR", 139}, {"CA", 118}, {"JP", 101}, {"AU", 89},
    {"ES", 79},   {"IT", 71},  {"NL", 65},  {"MX", 59},  {"KR", 55},  {"SE", 51},  {"PL", 47},  {"TR", 44},  {"ID", 42},
    {"RU", 39},   {"CH", 37},  {"BE", 35},  {"AR", 33},  {"AT", 32},  {"NO", 30},  {"DK", 29},  {"FI", 28},  {"IE", 27},
    {"PT", 26},   {"CZ", 25},  {"IL", 24},  {"SG", 23},  {"NZ", 22},  {"ZA", 21},  {"CO", 21},  {"CL", 20},  {"PH", 19},
    {"TH", 19},   {"MY", 18},  {"VN", 18},  {"EG", 17},  {"NG", 17},  {"UA", 16},  {"RO", 16},  {"GR", 15},  {"HU", 15},
    {"PK", 14},   {"SA", 14},  {"AE", 14},  {"HK", 13},  {"TW", 13},
};

#define N_OF(a) (sizeof(a) / sizeof *(a))

struct sky_gen {
  uint64_t s[4];        /* xoshiro256** state */
  uint64_t left;        /* events still to produce */
  uint64_t obj;         /* current object id */
  int64_t *ts;          /* [EVENTS_CAP] the current path's timestamps */
  double *brk;          /* [EVENTS_CAP] scratch: variable part of each gap */
  uint32_t n, i;        /* events in the current path, next to emit */
  const char *plan_now; /* the object's plan so far, NULL before any */
  bool header_done;
  uint32_t act_total, plan_total, country_total;
};

static uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t next_u64(sky_gen *g) {
  uint64_t *s = g->s, r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return r;
}

/* Uniform in (0, 1]: never 0, so logs are finite. */
static double unit(sky_gen *g) { return (double)((next_u64(g) >> 11) + 1) * 0x1.0p-53; }
static uint32_t below(sky_gen *g, uint32_t n) { return (uint32_t)(((next_u64(g) >> 32) * n) >> 32); }
static double expo(sky_gen *g, double mean) { return -log(unit(g)) * mean; }

static const char *pick(sky_gen *g, const weighted *w, size_t n, uint32_t total) {
  uint32_t r = below(g, total);
  for (size_t i = 0; i < n; i++) {
    if (r < w[i].weight) return w[i].name;
    r -= w[i].weight;
  }
  return w[n - 1].name;
}

static uint32_t total_of(const weighted *w, size_t n) {
  uint32_t t = 0;
  for (size_t i = 0; i < n; i++) t += w[i].weight;
  return t;
}

sky_gen *sky_gen_create(uint64_t seed, uint64_t n_events) {
  sky_gen *g = sky_calloc(1, sizeof *g);
  if (!g) return NULL;
  g->ts = sky_malloc(sizeof *g->ts * EVENTS_CAP);
  g->brk = sky_malloc(sizeof *g->brk * EVENTS_CAP);
  if (!g->ts || !g->brk) {
    sky_gen_free(g);
    return NULL;
  }
  uint64_t x = seed;
  for (int i = 0; i < 4; i++) g->s[i] = splitmix(&x);
  g->left = n_events;
  g->obj = 1000 + below(g, 1000);
  g->act_total = total_of(k_actions, N_OF(k_actions));
  g->plan_total = total_of(k_plans, N_OF(k_plans));
  g->country_total = total_of(k_countries, N_OF(k_countries));
  return g;
}

void sky_gen_free(sky_gen *g) {
  if (!g) return;
  sky_free(g->ts);
  sky_free(g->brk);
  sky_free(g);
}

/* Draws the next object's path: its size, sessions and timestamps. */
static void new_path(sky_gen *g) {
  double x = EVENTS_MIN * pow(unit(g), -1.0 / PARETO_ALPHA);
  uint32_t n = x >= EVENTS_CAP ? EVENTS_CAP : (uint32_t)x;
  g->n = n; /* the whole path is drawn even when fewer events are left, so
             * N events are always a prefix of N+M events */
  g->i = 0;
  g->obj += 1 + below(g, 64);
  g->plan_now = NULL;

  /* Heavy paths get longer sessions so that their fixed gaps fit. */
  double sess = n / 1000.0 > SESSION_EVENTS ? n / 1000.0 : SESSION_EVENTS;
  double n_sess = n / sess;
  double budget = (double)SPAN_MAX_US * 0.9 - n * IN_SESSION_GAP_S * 1e6 - n_sess * (double)SESSION_BREAK_US;
  double between = budget / n_sess < BETWEEN_MEAN_US ? budget / n_sess : BETWEEN_MEAN_US;
  if (between < 0) between = 0;
  /* A break after a gap with probability (n/sess - 1)/(n - 1): n/sess
   * sessions expected (one at least). */
  double p_break = n > 1 && n > sess ? (n / sess - 1.0) / (n - 1.0) : 0.0;
  uint32_t break_below = (uint32_t)(p_break * UINT32_MAX);

  /* Gaps are drawn once: ts[k] gets the fixed part of gap k (in-session
   * gaps, the 31 min of a break) and brk[k] the exponential part of a break,
   * scaled down when the path would not fit the window. */
  int64_t fixed = 0;
  double var_total = 0;
  for (uint32_t k = 1; k < n; k++) {
    if ((uint32_t)(next_u64(g) >> 32) < break_below) {
      g->brk[k] = expo(g, between);
      var_total += g->brk[k];
      g->ts[k] = SESSION_BREAK_US;
    } else {
      g->brk[k] = 0;
      g->ts[k] = (int64_t)llround(expo(g, IN_SESSION_GAP_S)) * 1000000 + below(g, 1000000) + 1;
    }
    fixed += g->ts[k];
  }
  double scale = fixed + var_total > (double)SPAN_MAX_US ? ((double)SPAN_MAX_US - fixed) / var_total : 1.0;
  int64_t t = 0;
  g->ts[0] = 0;
  for (uint32_t k = 1; k < n; k++) {
    t += g->ts[k] + (int64_t)(g->brk[k] * scale);
    g->ts[k] = t;
  }
  int64_t span = g->ts[n - 1];
  int64_t room = SKY_GEN_WINDOW_US - span;
  int64_t start = SKY_GEN_START_US + (room > 1 ? (int64_t)(unit(g) * (double)(room - 1)) : 0);
  for (uint32_t k = 0; k < n; k++) g->ts[k] += start;
}

int sky_gen_next(sky_gen *g, sky_gen_event *ev) {
  if (g->left == 0) return 0;
  if (g->i >= g->n) new_path(g);
  uint32_t k = g->i++;
  g->left--;
  ev->obj = g->obj;
  ev->ts = g->ts[k];
  ev->plan = NULL;
  ev->country = NULL;
  ev->price_cents = -1;
  if (k == 0) {
    ev->action = pick(g, k_actions, N_OF(k_actions), g->act_total);
    ev->country = pick(g, k_countries, N_OF(k_countries), g->country_total);
    if (below(g, 1000) < P_PLAN_FIRST) ev->plan = pick(g, k_plans, N_OF(k_plans), g->plan_total);
  } else {
    uint32_t r = below(g, 10000);
    ev->action = r < P_NO_ACTION ? NULL : pick(g, k_actions, N_OF(k_actions), g->act_total);
    if (r < P_PLAN_LATER) {
      ev->plan = pick(g, k_plans, N_OF(k_plans), g->plan_total);
      if (ev->plan == g->plan_now) /* a change: the next plan in the list */
        for (size_t i = 0; i < N_OF(k_plans); i++)
          if (k_plans[i].name == ev->plan) {
            ev->plan = k_plans[(i + 1) % N_OF(k_plans)].name;
            break;
          }
    }
  }
  if (ev->action == k_actions[PURCHASE_INDEX].name) {
    /* Log-normal around $30: exp(3.4 + 0.9 N(0,1)), Box-Muller. */
    double z = sqrt(-2.0 * log(unit(g))) * cos(6.283185307179586 * unit(g));
    int64_t cents = llround(exp(3.4 + 0.9 * z) * 100.0);
    ev->price_cents = cents < 99 ? 99 : cents;
  }
  if (ev->plan) g->plan_now = ev->plan;
  return 1;
}

/* ---- formatting ------------------------------------------------------------------ */

static char *put_u64(char *o, uint64_t v) {
  char tmp[24];
  int n = 0;
  do tmp[n++] = (char)('0' + v % 10), v /= 10;
  while (v);
  while (n) *o++ = tmp[--n];
  return o;
}

static char *put_i64(char *o, int64_t v) {
  if (v < 0) *o++ = '-', v = -v;
  return put_u64(o, (uint64_t)v);
}

static char *put_str(char *o, const char *s) {
  size_t n = strlen(s);
  memcpy(o, s, n);
  return o + n;
}

static char *put_price(char *o, int64_t cents) {
  o = put_i64(o, cents / 100);
  *o++ = '.';
  *o++ = (char)('0' + (cents % 100) / 10);
  *o++ = (char)('0' + cents % 10);
  return o;
}

size_t sky_gen_header(sky_gen_format fmt, char *out) {
  if (fmt != SKY_GEN_CSV) return out[0] = '\0', 0;
  static const char h[] = "object,timestamp,action,plan,country,price\n";
  memcpy(out, h, sizeof h);
  return sizeof h - 1;
}

static char *json_key(char *o, const char *key, bool first) {
  if (!first) *o++ = ',';
  *o++ = '"';
  o = put_str(o, key);
  *o++ = '"';
  *o++ = ':';
  return o;
}

static char *json_str(char *o, const char *key, const char *v) {
  o = json_key(o, key, false);
  *o++ = '"';
  o = put_str(o, v);
  *o++ = '"';
  return o;
}

size_t sky_gen_format_event(sky_gen_format fmt, const sky_gen_event *ev, char *out) {
  char *o = out;
  if (fmt == SKY_GEN_CSV) {
    o = put_u64(o, ev->obj);
    *o++ = ',';
    o = put_i64(o, ev->ts);
    *o++ = ',';
    if (ev->action) o = put_str(o, ev->action);
    *o++ = ',';
    if (ev->plan) o = put_str(o, ev->plan);
    *o++ = ',';
    if (ev->country) o = put_str(o, ev->country);
    *o++ = ',';
    if (ev->price_cents >= 0) o = put_price(o, ev->price_cents);
  } else {
    *o++ = '{';
    o = put_u64(json_key(o, "object", true), ev->obj);
    o = put_i64(json_key(o, "timestamp", false), ev->ts);
    if (ev->action) o = json_str(o, "action", ev->action);
    if (ev->plan) o = json_str(o, "plan", ev->plan);
    if (ev->country) o = json_str(o, "country", ev->country);
    if (ev->price_cents >= 0) o = put_price(json_key(o, "price", false), ev->price_cents);
    *o++ = '}';
  }
  *o++ = '\n';
  return (size_t)(o - out);
}

size_t sky_gen_fill(sky_gen *g, sky_gen_format fmt, char *out, size_t cap) {
  size_t used = 0;
  if (!g->header_done) {
    used = sky_gen_header(fmt, out);
    g->header_done = true;
  }
  sky_gen_event ev;
  while (cap - used >= SKY_GEN_MAX_LINE && sky_gen_next(g, &ev)) used += sky_gen_format_event(fmt, &ev, out + used);
  return used;
}

char *sky_gen_buffer(uint64_t seed, uint64_t n_events, sky_gen_format fmt, size_t *len_out) {
  sky_gen *g = sky_gen_create(seed, n_events);
  if (!g) return NULL;
  size_t cap = (size_t)1 << 20, len = 0;
  char *buf = sky_malloc(cap);
  for (;;) {
    if (!buf) break;
    if (cap - len < (size_t)1 << 16) {
      char *nb = sky_realloc(buf, cap * 2);
      if (!nb) {
        sky_free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
    size_t n = sky_gen_fill(g, fmt, buf + len, cap - len);
    if (n == 0) break;
    len += n;
  }
  sky_gen_free(g);
  if (buf) *len_out = len;
  return buf;
}

const char *sky_gen_ddl(void) {
  return "CREATE TABLE events (plan STATE STRING, country STATE STRING, price EVENT FLOAT)";
}

sky_schema *sky_gen_schema_create(void) {
  sky_schema s = {.table_uid = 1, .version = 1, .n_props = 3};
  sky_prop props[3] = {
      {.name = "plan", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING},
      {.name = "country", .kind = SKY_KIND_STATE, .type = SKY_PTYPE_STRING},
      {.name = "price", .kind = SKY_KIND_EVENT, .type = SKY_PTYPE_FLOAT},
  };
  s.props = props;
  return sky_schema_clone(&s);
}
