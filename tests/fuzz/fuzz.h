/* fuzz: what the fuzz targets share. Each target defines
 * LLVMFuzzerTestOneInput; it is linked with libFuzzer for `make fuzz` and
 * with replay.c for `make test`, which runs every committed input again. */
#ifndef REVIEWPACK_FUZZ_H
#define REVIEWPACK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A finding: print what broke and abort, so that libFuzzer keeps the input. */
#define FUZZ_CHECK(cond)                                                                   \
	do {                                                                               \
		if (!(cond))                                                               \
			util_bug(__FILE__, __LINE__, "fuzz check failed: " #cond);         \
	} while (0)

/* Split data at the first occurrence of sep: *head is data[0..k) and
 * *tail what follows sep. Returns 0 when sep is absent (head is all of
 * data, tail empty). */
static inline int fuzz_split(const uint8_t *data, size_t size, const char *sep,
			     const uint8_t **tail, size_t *head_len, size_t *tail_len)
{
	size_t n = strlen(sep);
	for (size_t i = 0; n && i + n <= size; i++)
		if (!memcmp(data + i, sep, n)) {
			*head_len = i;
			*tail = data + i + n;
			*tail_len = size - i - n;
			return 1;
		}
	*head_len = size;
	*tail = data + size;
	*tail_len = 0;
	return 0;
}

#endif
