/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * null.c - BSD loopback ("null") and OpenBSD loop link headers.
 *
 * Implements: the 4-byte address-family header of LINKTYPE_NULL (host
 * byte order of the machine that captured, guessed from the value as
 * tcpdump does) and LINKTYPE_LOOP (network byte order), and the mapping
 * of the AF values the BSDs, Darwin and Linux use to IPv4/IPv6.
 * Does not implement: other families (OSI, IPX, AppleTalk): reported,
 * not decoded.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "null.h"

static uint32_t rd32le(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

int nlrs_null_parse(const uint8_t *p, size_t len, bool network_order, struct nlrs_null_hdr *h)
{
	uint32_t v;

	/* Lie: a frame shorter than its family field. */
	if (len < NLRS_NULL_HLEN)
		return NLRS_WIRE_SHORT;
	h->swapped = false;
	if (network_order) {
		v = nlrs_rd32(p);
	} else {
		v = rd32le(p);
		/* AF values are small; bits in the upper half mean the
		 * capturing host was big-endian. */
		if (v & 0xffff0000u) {
			v = nlrs_rd32(p);
			h->swapped = true;
		}
	}
	h->family = v;
	return NLRS_NULL_HLEN;
}

int nlrs_null_emit(uint8_t *p, size_t len, bool network_order, uint32_t family)
{
	if (len < NLRS_NULL_HLEN)
		return NLRS_WIRE_NOSPACE;
	if (network_order) {
		nlrs_wr32(p, family);
	} else {
		p[0] = (uint8_t)family;
		p[1] = (uint8_t)(family >> 8);
		p[2] = (uint8_t)(family >> 16);
		p[3] = (uint8_t)(family >> 24);
	}
	return NLRS_NULL_HLEN;
}

int nlrs_null_ipver(uint32_t family)
{
	switch (family) {
	case NLRS_NULL_AF_INET:
		return 4;
	case NLRS_NULL_AF_INET6_LINUX:
	case NLRS_NULL_AF_INET6_BSD:
	case NLRS_NULL_AF_INET6_FREEBSD:
	case NLRS_NULL_AF_INET6_DARWIN:
		return 6;
	default:
		return 0;
	}
}
