/* crc32c.h — CRC-32C (Castagnoli), the checksum of every stored block, WAL
 * record and manifest. Uses the SSE4.2 instruction when the CPU has it and a
 * table otherwise; both give the same values (tested). */
#ifndef SKY_COMMON_CRC32C_H
#define SKY_COMMON_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Continues a CRC: pass 0 to start. */
uint32_t sky_crc32c(uint32_t crc, const void *data, size_t len);
/* The portable table version, exposed for tests. */
uint32_t sky_crc32c_sw(uint32_t crc, const void *data, size_t len);

#endif
