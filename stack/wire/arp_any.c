/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arp_any.c - ARP messages of any hardware/protocol type.
 *
 * Implements: the RFC 826 packet format with variable address lengths:
 * ar$hrd, ar$pro, ar$hln, ar$pln, ar$op, then sender hardware, sender
 * protocol, target hardware, target protocol addresses; every operation
 * code (request/reply, RFC 903 RARP 3/4, RFC 2390 InARP 8/9).
 * Does not implement: the ARP state machine (stack/arp.c, on the strict
 * view in arp.c); ATM ARP's split lengths (RFC 2225).
 * Freestanding C11: no OS headers, no allocation.
 */
#include "arp_any.h"

int nlrs_arp_any_parse(const uint8_t *p, size_t len, struct nlrs_arp_any *a)
{
	size_t need;
	uint8_t hl, pl;

	/* Lie: shorter than the fixed part that holds the lengths. */
	if (len < NLRS_ARP_FIXED_LEN)
		return NLRS_WIRE_SHORT;
	hl = p[4];
	pl = p[5];
	need = NLRS_ARP_FIXED_LEN + 2u * ((size_t)hl + pl);
	/* Lie: address lengths announcing more addresses than the message holds. */
	if (need > len)
		return NLRS_WIRE_SHORT;
	a->htype = nlrs_rd16(p);
	a->ptype = nlrs_rd16(p + 2);
	a->hlen = hl;
	a->plen = pl;
	a->op = nlrs_rd16(p + 6);
	a->sha = p + 8;
	a->spa = a->sha + hl;
	a->tha = a->spa + pl;
	a->tpa = a->tha + hl;
	a->len = (uint16_t)need;
	return (int)need;
}

static void put(uint8_t *q, const uint8_t *src, size_t n)
{
	if (src)
		nlrs_memmove(q, src, n);
	else
		nlrs_memset(q, 0, n);
}

int nlrs_arp_any_emit(uint8_t *p, size_t len, const struct nlrs_arp_any *a)
{
	size_t need = NLRS_ARP_FIXED_LEN + 2u * ((size_t)a->hlen + a->plen);
	uint8_t *q;

	if (len < need)
		return NLRS_WIRE_NOSPACE;
	nlrs_wr16(p, a->htype);
	nlrs_wr16(p + 2, a->ptype);
	p[4] = a->hlen;
	p[5] = a->plen;
	nlrs_wr16(p + 6, a->op);
	q = p + 8;
	put(q, a->sha, a->hlen);
	q += a->hlen;
	put(q, a->spa, a->plen);
	q += a->plen;
	put(q, a->tha, a->hlen);
	q += a->hlen;
	put(q, a->tpa, a->plen);
	return (int)need;
}
