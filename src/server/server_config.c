/* server_config.c — skyd settings; see server_config.h.
 *
 * The option table is the single list of settings: adding one is one line
 * here plus a field in skyd_config. Values are parsed strictly (a typo is an
 * error naming the file and line, never a silent default). */
#include "server/server_config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/alloc.h"

typedef enum opt_type { OPT_STRING, OPT_COUNT, OPT_SIZE, OPT_DURATION } opt_type;

typedef struct opt_def {
  const char *name; /* config key; the long option is the same with '-' */
  opt_type type;
  size_t offset;
  uint64_t min, max; /* numeric limits */
  const char *arg;
  const char *help;
} opt_def;

#define F(field) offsetof(skyd_config, field)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)
#define DAY_MS UINT64_C(86400000)

static const opt_def g_opts[] = {
    {"data", OPT_STRING, F(data_dir), 0, 0, "DIR", "data directory (created if missing; default ./data)"},
    {"listen", OPT_STRING, F(listen), 0, 0, "ADDR:PORT", "address to listen on (default 127.0.0.1:8585)"},
    {"users", OPT_STRING, F(users_file), 0, 0, "FILE", "users file made with sky-user (enables AUTH)"},
    {"load_dir", OPT_STRING, F(load_dir), 0, 0, "DIR", "base of relative LOAD paths (default: working dir)"},
    {"threads", OPT_COUNT, F(threads), 0, 4096, "N", "query threads (default 0: one per core)"},
    {"workers", OPT_COUNT, F(workers), 0, 4096, "N", "statement threads (default 0: max(8, 4 x cores))"},
    {"auth_workers", OPT_COUNT, F(auth_workers), 0, 64, "N",
     "password check threads (default 0: 1, or 2 with 4 cores or more)"},
    {"max_clients", OPT_COUNT, F(max_clients), 1, 1000000, "N", "connections at once (default 1024)"},
    {"max_line", OPT_SIZE, F(max_line), 64, GiB, "SIZE", "longest request or LOAD line (default 1MiB)"},
    {"idle_timeout", OPT_DURATION, F(idle_timeout_ms), 0, 365 * DAY_MS, "TIME",
     "close connections idle this long (default 600s; 0 = never)"},
    {"request_timeout", OPT_DURATION, F(request_timeout_ms), 0, 365 * DAY_MS, "TIME",
     "a request or LOAD line must end this long after its first byte (default 30s; 0 = never)"},
    {"auth_timeout", OPT_DURATION, F(auth_timeout_ms), 0, 365 * DAY_MS, "TIME",
     "with users: close connections not authenticated this long (default 10s; 0 = never)"},
    {"auth_backoff", OPT_DURATION, F(auth_backoff_ms), 0, DAY_MS, "TIME",
     "wait before an address's check after 3 failed AUTHs, doubling (default 250ms; 0 = off)"},
    {"auth_backoff_max", OPT_DURATION, F(auth_backoff_max_ms), 0, DAY_MS, "TIME",
     "longest wait between an address's checks (default 8s)"},
    {"max_result_rows", OPT_COUNT, F(max_result_rows), 0, UINT64_MAX, "N",
     "rows a result may hold (default 0: 1,000,000)"},
    {"query_timeout", OPT_DURATION, F(query_timeout_ms), 0, 365 * DAY_MS, "TIME",
     "per-statement time limit (default 0: none)"},
    {"query_memory", OPT_SIZE, F(query_memory), 0, UINT64_MAX, "SIZE",
     "per-query memory limit (default 0: 4GiB)"},
    {"cache_size", OPT_SIZE, F(cache_size), 0, UINT64_MAX, "SIZE", "decoded column cache (default 0: automatic)"},
    {"kdf_ops", OPT_COUNT, F(kdf_ops), 1, 1000, "N", "Argon2id passes for password hashes (default 2)"},
    {"kdf_mem", OPT_SIZE, F(kdf_mem), 8192, 4 * GiB, "SIZE", "Argon2id memory for password hashes (default 64MiB)"},
    {"slow_query", OPT_DURATION, F(slow_query_ms), 0, 365 * DAY_MS, "TIME",
     "log statements slower than this (default 1s)"},
    {"shutdown_grace", OPT_DURATION, F(shutdown_grace_ms), 0, DAY_MS, "TIME",
     "on SIGTERM, cancel statements still running after this (default 5s)"},
};
#define N_OPTS (sizeof g_opts / sizeof *g_opts)

void skyd_config_init(skyd_config *c) {
  memset(c, 0, sizeof *c);
  c->max_clients = 1024;
  c->max_line = MiB;
  c->idle_timeout_ms = 600 * 1000;
  c->request_timeout_ms = 30 * 1000;
  c->auth_timeout_ms = 10 * 1000;
  c->auth_backoff_ms = 250;
  c->auth_backoff_max_ms = 8 * 1000;
  c->kdf_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  c->kdf_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  c->slow_query_ms = 1000;
  c->shutdown_grace_ms = 5000;
}

void skyd_config_free(skyd_config *c) {
  for (size_t i = 0; i < N_OPTS; i++)
    if (g_opts[i].type == OPT_STRING) sky_free(*(char **)((char *)c + g_opts[i].offset));
  sky_free(c->config_file);
  memset(c, 0, sizeof *c);
}

static int set_err(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int set_err(char *err, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, n, fmt, ap);
  va_end(ap);
  return -1;
}

/* Parses digits with an optional unit; `units` maps suffixes to factors. */
typedef struct unit {
  const char *suffix;
  uint64_t factor;
} unit;

static int parse_with_units(const char *s, const unit *units, size_t n_units, uint64_t *out) {
  while (isspace((unsigned char)*s)) s++;
  if (!isdigit((unsigned char)*s)) return -1;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno) return -1;
  while (isspace((unsigned char)*end)) end++;
  size_t len = strlen(end);
  while (len > 0 && isspace((unsigned char)end[len - 1])) len--;
  for (size_t i = 0; i < n_units; i++) {
    if (strlen(units[i].suffix) == len && strncasecmp(end, units[i].suffix, len) == 0) {
      if (units[i].factor && v > UINT64_MAX / units[i].factor) return -1;
      *out = (uint64_t)v * units[i].factor;
      return 0;
    }
  }
  return -1;
}

int skyd_parse_size(const char *s, uint64_t *out) {
  static const unit units[] = {{"", 1},          {"b", 1},         {"k", 1 << 10},   {"kb", 1 << 10},
                               {"kib", 1 << 10}, {"m", MiB},       {"mb", MiB},      {"mib", MiB},
                               {"g", GiB},       {"gb", GiB},      {"gib", GiB},     {"t", GiB << 10},
                               {"tb", GiB << 10}, {"tib", GiB << 10}};
  return parse_with_units(s, units, sizeof units / sizeof *units, out);
}

int skyd_parse_duration_ms(const char *s, uint64_t *out) {
  static const unit units[] = {{"", 1000},       {"ms", 1},         {"s", 1000},  {"sec", 1000},
                               {"m", 60 * 1000}, {"min", 60 * 1000}, {"h", 3600 * 1000},
                               {"d", DAY_MS}};
  return parse_with_units(s, units, sizeof units / sizeof *units, out);
}

static const opt_def *find_opt(const char *key, size_t len) {
  for (size_t i = 0; i < N_OPTS; i++) {
    const char *name = g_opts[i].name;
    if (strlen(name) != len) continue;
    size_t k = 0;
    while (k < len && (key[k] == name[k] || (key[k] == '-' && name[k] == '_'))) k++;
    if (k == len) return &g_opts[i];
  }
  return NULL;
}

int skyd_config_set(skyd_config *c, const char *key, size_t key_len, const char *value, char *err,
                    size_t err_len) {
  const opt_def *o = find_opt(key, key_len);
  if (!o) return set_err(err, err_len, "unknown setting '%.*s'", (int)(key_len > 64 ? 64 : key_len), key);
  void *field = (char *)c + o->offset;
  if (o->type == OPT_STRING) {
    char *copy = value[0] ? sky_strdup(value) : NULL;
    if (value[0] && !copy) return set_err(err, err_len, "out of memory");
    sky_free(*(char **)field);
    *(char **)field = copy;
    return 0;
  }
  uint64_t v = 0;
  int rc = o->type == OPT_SIZE       ? skyd_parse_size(value, &v)
           : o->type == OPT_DURATION ? skyd_parse_duration_ms(value, &v)
                                     : parse_with_units(value, (const unit[]){{"", 1}}, 1, &v);
  const char *what = o->type == OPT_SIZE ? "a size such as 64MiB" : o->type == OPT_DURATION ? "a duration such as 30s or 500ms" : "a whole number";
  if (rc != 0) return set_err(err, err_len, "%s: '%.64s' is not %s", o->name, value, what);
  if (v < o->min || v > o->max)
    return set_err(err, err_len, "%s: %llu is out of range [%llu, %llu]", o->name, (unsigned long long)v,
                   (unsigned long long)o->min, (unsigned long long)o->max);
  *(uint64_t *)field = v;
  return 0;
}

/* One config line: blank, "# comment", or key = value [# comment]. A value
 * may be double-quoted to keep '#' or surrounding blanks. */
static int parse_line(skyd_config *c, char *line, char *err, size_t err_len) {
  char *p = line;
  while (isspace((unsigned char)*p)) p++;
  if (*p == '\0' || *p == '#') return 0;
  char *key = p;
  while (*p && (isalnum((unsigned char)*p) || *p == '_' || *p == '-')) p++;
  size_t key_len = (size_t)(p - key);
  while (*p == ' ' || *p == '\t') p++;
  if (key_len == 0 || *p != '=') return set_err(err, err_len, "expected 'key = value'");
  p++;
  while (*p == ' ' || *p == '\t') p++;
  char *val = p, *end;
  if (*p == '"') {
    val = ++p;
    end = strchr(p, '"');
    if (!end) return set_err(err, err_len, "unterminated quoted value");
    char *q = end + 1;
    while (*q == ' ' || *q == '\t') q++;
    if (*q && *q != '#') return set_err(err, err_len, "unexpected text after quoted value");
  } else {
    end = p;
    while (*end && !(*end == '#' && (end == val || end[-1] == ' ' || end[-1] == '\t'))) end++;
    while (end > val && isspace((unsigned char)end[-1])) end--;
  }
  *end = '\0';
  return skyd_config_set(c, key, key_len, val, err, err_len);
}

int skyd_config_parse(skyd_config *c, const char *text, size_t len, const char *source, char *err, size_t err_len) {
  size_t pos = 0;
  int line_no = 0;
  char msg[256];
  while (pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
    line_no++;
    if (memchr(text + pos, '\0', n)) return set_err(err, err_len, "%s:%d: NUL byte", source, line_no);
    char *line = sky_strndup(text + pos, n);
    if (!line) return set_err(err, err_len, "%s: out of memory", source);
    if (n > 0 && line[n - 1] == '\r') line[n - 1] = '\0';
    int rc = parse_line(c, line, msg, sizeof msg);
    sky_free(line);
    if (rc != 0) return set_err(err, err_len, "%s:%d: %s", source, line_no, msg);
    pos += n + (nl ? 1 : 0);
  }
  return 0;
}

int skyd_config_load(skyd_config *c, const char *path, char *err, size_t err_len) {
  FILE *f = fopen(path, "rb");
  if (!f) return set_err(err, err_len, "%s: %s", path, strerror(errno));
  char *text = NULL;
  size_t len = 0, cap = 0;
  char chunk[4096];
  size_t got;
  int rc = 0;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (len + got > (1u << 20)) {
      rc = set_err(err, err_len, "%s: config file larger than 1 MiB", path);
      break;
    }
    if (sky_grow((void **)&text, &cap, len + got, 1) != 0) {
      rc = set_err(err, err_len, "%s: out of memory", path);
      break;
    }
    memcpy(text + len, chunk, got);
    len += got;
  }
  if (rc == 0 && ferror(f)) rc = set_err(err, err_len, "%s: read error", path);
  fclose(f);
  if (rc == 0) rc = skyd_config_parse(c, text ? text : "", len, path, err, err_len);
  sky_free(text);
  return rc;
}

/* "--name=value" or "--name value"; returns the number of argv entries used. */
static int take_option(skyd_config *c, int argc, char **argv, int i, char *err, size_t err_len) {
  const char *name = argv[i] + 2;
  const char *eq = strchr(name, '=');
  size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
  const char *value = eq ? eq + 1 : NULL;
  int used = 1;
  if (!value) {
    if (i + 1 >= argc) return set_err(err, err_len, "option %s needs a value", argv[i]);
    value = argv[i + 1];
    used = 2;
  }
  if (strncmp(name, "config", name_len) == 0 && name_len == 6) return used; /* applied first */
  if (skyd_config_set(c, name, name_len, value, err, err_len) != 0) return -1;
  return used;
}

skyd_args_result skyd_config_args(skyd_config *c, int argc, char **argv, char *err, size_t err_len) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return SKYD_ARGS_HELP;
    if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) return SKYD_ARGS_VERSION;
  }
  for (int i = 1; i < argc; i++) {
    const char *path = NULL;
    if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) path = argv[i + 1];
    else if (strncmp(argv[i], "--config=", 9) == 0) path = argv[i] + 9;
    if (!path) continue;
    sky_free(c->config_file);
    c->config_file = sky_strdup(path);
    if (!c->config_file || skyd_config_load(c, path, err, err_len) != 0) {
      if (!c->config_file) set_err(err, err_len, "out of memory");
      return SKYD_ARGS_ERROR;
    }
  }
  for (int i = 1; i < argc;) {
    if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
      set_err(err, err_len, "unexpected argument '%.64s' (see --help)", argv[i]);
      return SKYD_ARGS_ERROR;
    }
    int used = take_option(c, argc, argv, i, err, err_len);
    if (used < 0) return SKYD_ARGS_ERROR;
    i += used;
  }
  return SKYD_ARGS_RUN;
}

int skyd_config_check(const skyd_config *c, char *err, size_t err_len) {
  char host[256], port[32];
  const char *listen = skyd_config_listen(c);
  if (skyd_split_hostport(listen, host, sizeof host, port, sizeof port) != 0)
    return set_err(err, err_len, "listen: '%.64s' is not ADDR:PORT", listen);
  char *end;
  unsigned long p = strtoul(port, &end, 10);
  if (*end || p > 65535) return set_err(err, err_len, "listen: bad port '%s'", port);
  /* Directories named wrongly are mistakes of the command line too, found
   * before anything starts (a missing data directory is created). */
  struct stat st;
  const char *data = skyd_config_data(c);
  if (stat(data, &st) == 0 && !S_ISDIR(st.st_mode))
    return set_err(err, err_len, "data: '%.200s' is not a directory", data);
  if (c->load_dir) {
    int e = stat(c->load_dir, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (e) return set_err(err, err_len, "load_dir: '%.200s': %s", c->load_dir, strerror(e));
  }
  return 0;
}

void skyd_config_usage(FILE *out) {
  fprintf(out,
          "usage: skyd [--data DIR] [--listen ADDR:PORT] [--threads N] [--config FILE]\n"
          "            [--users FILE] [--load-dir DIR] [--SETTING VALUE ...]\n"
          "\n"
          "Runs the Sky server in the foreground; logs go to stderr.\n"
          "\n"
          "  --config FILE           read settings from FILE ('key = value' lines, # comments)\n"
          "  --help, --version\n"
          "\n"
          "Settings (command line or config file; '-' and '_' are the same):\n");
  for (size_t i = 0; i < N_OPTS; i++) {
    char flag[64];
    snprintf(flag, sizeof flag, "--%s %s", g_opts[i].name, g_opts[i].arg);
    for (char *p = flag + 2; *p && *p != ' '; p++)
      if (*p == '_') *p = '-';
    fprintf(out, "  %-26s %s\n", flag, g_opts[i].help);
  }
  fprintf(out,
          "\nSIZE takes K, M, G (binary) suffixes; TIME takes ms, s, m, h, d (bare: seconds).\n"
          "A non-loopback --listen needs --users.\n");
}

int skyd_split_hostport(const char *s, char *host, size_t host_len, char *port, size_t port_len) {
  const char *colon;
  const char *h = s;
  size_t hlen;
  if (s[0] == '[') {
    const char *close = strchr(s, ']');
    if (!close || close[1] != ':') return -1;
    h = s + 1;
    hlen = (size_t)(close - h);
    colon = close + 1;
  } else {
    colon = strrchr(s, ':');
    if (!colon || memchr(s, ':', (size_t)(colon - s))) return -1; /* bare IPv6 needs brackets */
    hlen = (size_t)(colon - s);
  }
  const char *p = colon + 1;
  size_t plen = strlen(p);
  if (plen == 0 || hlen >= host_len || plen >= port_len) return -1;
  for (size_t i = 0; i < plen; i++)
    if (!isdigit((unsigned char)p[i])) return -1;
  memcpy(host, h, hlen);
  host[hlen] = '\0';
  memcpy(port, p, plen + 1);
  return 0;
}

bool skyd_addr_is_loopback(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (sa->sa_family == AF_INET6) {
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(a)) return true;
    return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
  }
  return false;
}
