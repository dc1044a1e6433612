/* schema.c — property schema helpers; see schema.h. */
#include "storage/schema.h"

#include <string.h>
#include <strings.h>

#include "common/alloc.h"

int sky_schema_find(const sky_schema *s, const char *name, size_t len) {
  for (uint32_t i = 0; i < s->n_props; i++)
    if (strlen(s->props[i].name) == len && memcmp(s->props[i].name, name, len) == 0) return (int)i;
  return -1;
}

const char *sky_prop_kind_name(sky_prop_kind k) { return k == SKY_KIND_STATE ? "STATE" : "EVENT"; }

const char *sky_prop_type_name(sky_prop_type t) {
  static const char *const names[] = {"INT", "FLOAT", "BOOL", "STRING"};
  return (unsigned)t < 4 ? names[t] : "?";
}

size_t sky_prop_type_width(sky_prop_type t) {
  static const size_t widths[] = {8, 8, 1, 4};
  return widths[t];
}

bool sky_name_is_reserved(const char *name, size_t len) {
  static const char *const reserved[] = {"object", "timestamp", "action", "state", "event", "session"};
  for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
    if (strlen(reserved[i]) == len && strncasecmp(reserved[i], name, len) == 0) return true;
  return false;
}

bool sky_schema_has_expiry(const sky_schema *s) {
  for (uint32_t i = 0; i < s->n_props; i++)
    if (s->props[i].expires_us > 0) return true;
  return false;
}

sky_schema *sky_schema_clone(const sky_schema *s) {
  sky_schema *c = sky_malloc(sizeof *c);
  if (!c) return NULL;
  *c = *s;
  c->props = sky_malloc(sizeof(sky_prop) * (s->n_props ? s->n_props : 1));
  if (!c->props) {
    sky_free(c);
    return NULL;
  }
  if (s->n_props) memcpy(c->props, s->props, sizeof(sky_prop) * s->n_props);
  return c;
}

void sky_schema_free(sky_schema *s) {
  if (!s) return;
  sky_free(s->props);
  sky_free(s);
}
