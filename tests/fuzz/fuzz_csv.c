/* fuzz_csv.c — random bytes through the CSV reader (streamed in one and two
 * feeds, and chunked); see fuzz_reader.h for the input layout and checks. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz/fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_reader(SKY_FORMAT_CSV, data, size); }
