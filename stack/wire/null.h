/* SPDX-License-Identifier: BSD-2-Clause */
/* BSD loopback encapsulation: LINKTYPE_NULL (4-byte address family in the
 * capturing host's byte order) and LINKTYPE_LOOP (network byte order). */
#ifndef NLRS_WIRE_NULL_H
#define NLRS_WIRE_NULL_H

#include "wire.h"

#define NLRS_NULL_HLEN 4
/* Address families found in these headers (the BSDs and Linux differ). */
#define NLRS_NULL_AF_INET 2
#define NLRS_NULL_AF_INET6_LINUX 10
#define NLRS_NULL_AF_INET6_BSD 24     /* NetBSD, OpenBSD, BSD/OS */
#define NLRS_NULL_AF_INET6_FREEBSD 28
#define NLRS_NULL_AF_INET6_DARWIN 30

struct nlrs_null_hdr {
	uint32_t family;
	bool swapped; /* read big-endian although the header is little-endian-first (NULL only) */
};

/* network_order: true for LINKTYPE_LOOP. For LINKTYPE_NULL the family is
 * read little-endian and, when that puts bits in the upper half (no AF
 * value is that large), big-endian instead - the capturing host's order
 * is not recorded anywhere. Returns 4 or NLRS_WIRE_SHORT. */
int nlrs_null_parse(const uint8_t *p, size_t len, bool network_order, struct nlrs_null_hdr *h);
/* Write the family big-endian (network_order) or little-endian. */
int nlrs_null_emit(uint8_t *p, size_t len, bool network_order, uint32_t family);
/* 4 for AF_INET, 6 for the IPv6 values above, 0 otherwise. */
int nlrs_null_ipver(uint32_t family);

#endif
