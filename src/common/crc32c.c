/* crc32c.c — CRC-32C, hardware (SSE4.2 crc32 instruction) with a
 * byte-table fallback chosen once at first use. */
#include "common/crc32c.h"

#include <stdatomic.h>
#include <string.h>

static uint32_t g_table[256];
static atomic_int g_table_ready;

static void build_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    g_table[i] = c;
  }
  atomic_store(&g_table_ready, 1);
}

uint32_t sky_crc32c_sw(uint32_t crc, const void *data, size_t len) {
  if (!atomic_load(&g_table_ready)) build_table();
  const unsigned char *p = data;
  crc = ~crc;
  while (len--) crc = g_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t crc32c_hw(uint32_t crc, const void *data, size_t len) {
  const unsigned char *p = data;
  uint64_t c = ~crc;
  while (len >= 8) {
    uint64_t v;
    memcpy(&v, p, 8);
    c = __builtin_ia32_crc32di(c, v);
    p += 8;
    len -= 8;
  }
  uint32_t c32 = (uint32_t)c;
  while (len--) c32 = __builtin_ia32_crc32qi(c32, *p++);
  return ~c32;
}

uint32_t sky_crc32c(uint32_t crc, const void *data, size_t len) {
  static int have_hw = -1;
  if (have_hw < 0) {
    __builtin_cpu_init();
    have_hw = __builtin_cpu_supports("sse4.2") ? 1 : 0;
  }
  return have_hw ? crc32c_hw(crc, data, len) : sky_crc32c_sw(crc, data, len);
}
#else
uint32_t sky_crc32c(uint32_t crc, const void *data, size_t len) { return sky_crc32c_sw(crc, data, len); }
#endif
