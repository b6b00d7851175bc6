/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared bits of the libFuzzer harnesses: the entry point's prototype and a
 * check that stops the run with a crash libFuzzer records. */
#ifndef NLRS_FUZZ_H
#define NLRS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a finding: trap so libFuzzer saves the input. */
#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

/* An exact-size heap copy, so ASan sees a read one byte past the end. */
static inline uint8_t *fuzz_dup(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);

	FUZZ_CHECK(q != NULL);
	if (n)
		memcpy(q, p, n);
	return q;
}

#endif
