/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sll.c - Linux cooked capture pseudo-headers.
 *
 * Implements: parse and emit of LINKTYPE_LINUX_SLL (16 bytes: packet type,
 * ARPHRD type, address length, 8 address bytes, protocol) and
 * LINKTYPE_LINUX_SLL2 (20 bytes: protocol, reserved, interface index,
 * ARPHRD type, packet type, address length, 8 address bytes), all fields
 * big-endian (the tcpdump.org link-layer header types registry).
 * Does not implement: interpreting the protocol field (an EtherType, or
 * one of Linux's ETH_P_ values below 0x0600 for 802.3/802.2 frames, CAN,
 * ...) - the caller's; the reserved field of v2 is not checked.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "sll.h"

static void copy_addr(struct nlrs_sll_hdr *h, const uint8_t *a)
{
	size_t n = h->halen < NLRS_SLL_ADDRLEN ? h->halen : NLRS_SLL_ADDRLEN;

	nlrs_memset(h->addr, 0, sizeof h->addr);
	nlrs_memcpy(h->addr, a, n);
}

int nlrs_sll_parse(const uint8_t *p, size_t len, struct nlrs_sll_hdr *h)
{
	/* Lie: a frame too short for the pseudo-header it claims to have. */
	if (len < NLRS_SLL_HLEN)
		return NLRS_WIRE_SHORT;
	h->version = 1;
	h->pkttype = nlrs_rd16(p);
	h->hatype = nlrs_rd16(p + 2);
	/* A length above 8 only says the real address was longer; the
	 * field holds 8 bytes whatever it says, so it is never read past. */
	h->halen = nlrs_rd16(p + 4);
	copy_addr(h, p + 6);
	h->proto = nlrs_rd16(p + 14);
	h->ifindex = 0;
	return NLRS_SLL_HLEN;
}

int nlrs_sll2_parse(const uint8_t *p, size_t len, struct nlrs_sll_hdr *h)
{
	/* Lie: a frame too short for the v2 pseudo-header. */
	if (len < NLRS_SLL2_HLEN)
		return NLRS_WIRE_SHORT;
	h->version = 2;
	h->proto = nlrs_rd16(p);
	h->ifindex = nlrs_rd32(p + 4);
	h->hatype = nlrs_rd16(p + 8);
	h->pkttype = p[10];
	h->halen = p[11];
	copy_addr(h, p + 12);
	return NLRS_SLL2_HLEN;
}

int nlrs_sll_emit(uint8_t *p, size_t len, const struct nlrs_sll_hdr *h)
{
	if (len < NLRS_SLL_HLEN)
		return NLRS_WIRE_NOSPACE;
	nlrs_wr16(p, h->pkttype);
	nlrs_wr16(p + 2, h->hatype);
	nlrs_wr16(p + 4, h->halen);
	nlrs_memmove(p + 6, h->addr, NLRS_SLL_ADDRLEN);
	nlrs_wr16(p + 14, h->proto);
	return NLRS_SLL_HLEN;
}

int nlrs_sll2_emit(uint8_t *p, size_t len, const struct nlrs_sll_hdr *h)
{
	if (len < NLRS_SLL2_HLEN)
		return NLRS_WIRE_NOSPACE;
	nlrs_wr16(p, h->proto);
	nlrs_wr16(p + 2, 0);
	nlrs_wr32(p + 4, h->ifindex);
	nlrs_wr16(p + 8, h->hatype);
	p[10] = (uint8_t)h->pkttype;
	p[11] = (uint8_t)h->halen;
	nlrs_memmove(p + 12, h->addr, NLRS_SLL_ADDRLEN);
	return NLRS_SLL2_HLEN;
}
