/* net_reply.h — reply lines skyd writes itself.
 *
 * Statement results and statement errors are encoded by the statement layer
 * (sky_result_to_json / sky_error_to_json); this module writes the replies
 * that belong to the protocol alone (pong, ok, ready, the protocol's error
 * codes) and adds "elapsed_ms" to an encoded error. Every function appends
 * one complete line, "\n" included, to `out`; out-of-memory shows as
 * out->failed, which the caller treats as fatal for that connection only.
 */
#ifndef SKY_SERVER_NET_REPLY_H
#define SKY_SERVER_NET_REPLY_H

#include <stddef.h>

#include "common/buf.h"
#include "sky.h"

/* {"ok":false,"error":{"code":...,"message":...}} */
void skyd_reply_error(sky_buf *out, sky_code code, const char *message);
/* A literal reply such as {"ok":true,"pong":true}. */
void skyd_reply_raw(sky_buf *out, const char *json);
/* {"ok":true,"message":...} */
void skyd_reply_message(sky_buf *out, const char *message);
/* Appends an encoded JSON object (no newline) with ,"elapsed_ms":ms added
 * before its closing brace. */
void skyd_reply_with_elapsed(sky_buf *out, const char *json, size_t len, double elapsed_ms);
/* Formats milliseconds the way the statement layer's replies carry them:
 * three decimals ("1.840"). `out` holds 32 bytes. */
size_t skyd_format_ms(double ms, char *out);

#endif
