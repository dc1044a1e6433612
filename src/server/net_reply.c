/* net_reply.c — protocol-level reply lines; see net_reply.h. */
#include "server/net_reply.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"

void skyd_reply_error(sky_buf *out, sky_code code, const char *message) {
  sky_buf_puts(out, "{\"ok\":false,\"error\":{\"code\":");
  const char *name = sky_code_name(code);
  sky_json_string(out, name, strlen(name));
  sky_buf_puts(out, ",\"message\":");
  sky_json_string(out, message, strlen(message));
  sky_buf_puts(out, "}}\n");
}

void skyd_reply_raw(sky_buf *out, const char *json) {
  sky_buf_puts(out, json);
  sky_buf_putc(out, '\n');
}

void skyd_reply_message(sky_buf *out, const char *message) {
  sky_buf_puts(out, "{\"ok\":true,\"message\":");
  sky_json_string(out, message, strlen(message));
  sky_buf_puts(out, "}\n");
}

size_t skyd_format_ms(double ms, char *out) {
  if (!isfinite(ms) || ms < 0) ms = 0;
  int n = snprintf(out, 32, "%.3f", ms);
  return n < 0 || n >= 32 ? (size_t)snprintf(out, 32, "0") : (size_t)n;
}

void skyd_reply_with_elapsed(sky_buf *out, const char *json, size_t len, double elapsed_ms) {
  while (len > 0 && (json[len - 1] == '\n' || json[len - 1] == ' ')) len--;
  if (len < 2 || json[len - 1] != '}') {
    skyd_reply_error(out, SKY_ERR_INTERNAL, "malformed reply from the statement layer");
    return;
  }
  char ms[32];
  size_t n = skyd_format_ms(elapsed_ms, ms);
  sky_buf_append(out, json, len - 1);
  sky_buf_puts(out, json[len - 2] == '{' ? "\"elapsed_ms\":" : ",\"elapsed_ms\":");
  sky_buf_append(out, ms, n);
  sky_buf_puts(out, "}\n");
}
