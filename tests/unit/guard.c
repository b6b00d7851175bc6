/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS under -std=c11 */
#endif
#include "guard.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUARD_DATA_PAGES 32u

static uint8_t *guard_base;
static size_t guard_page;

const uint8_t *guard_copy(const void *p, size_t len)
{
	if (!guard_base) {
		guard_page = (size_t)sysconf(_SC_PAGESIZE);
		guard_base = mmap(NULL, (GUARD_DATA_PAGES + 1) * guard_page, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (guard_base == MAP_FAILED)
			abort();
		if (mprotect(guard_base + GUARD_DATA_PAGES * guard_page, guard_page, PROT_NONE))
			abort();
	}
	if (len > GUARD_DATA_PAGES * guard_page)
		abort();
	uint8_t *dst = guard_base + GUARD_DATA_PAGES * guard_page - len;
	if (len)
		memcpy(dst, p, len);
	return dst;
}
