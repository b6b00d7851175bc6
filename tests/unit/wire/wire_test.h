/* SPDX-License-Identifier: BSD-2-Clause */
/* Small helpers shared by the wire view tests. */
#ifndef NLRS_TEST_WIRE_TEST_H
#define NLRS_TEST_WIRE_TEST_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "wire/checksum.h"
#include "wire/wire.h"
#include "guard.h"
#include "frames.h"

/* Offsets in the captured frames. */
#define ETH_OFF 14

/* Deterministic xorshift32, so a failure reproduces. */
static inline uint32_t t_rand(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* Recompute the IPv4 header checksum of a mutated header in place. */
static inline void t_fix_ipv4_csum(uint8_t *ip)
{
	size_t hl = (size_t)(ip[0] & 0x0f) * 4;
	ip[10] = ip[11] = 0;
	nlrs_wr16(ip + 10, nlrs_csum_fold(nlrs_csum_add(0, ip, hl)));
}

/* Writable copy placed right before the guard page (for emit tests: a
 * write past `len` faults). */
static inline uint8_t *t_guard_out(size_t len)
{
	static const uint8_t zero[256];
	return (uint8_t *)guard_copy(zero, len);
}

#endif
