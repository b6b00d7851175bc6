/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipv6_ext.c - single IPv6 extension headers and an option cursor.
 *
 * Implements: the hop-by-hop and destination options headers one at a
 * time (RFC 8200 4.3, 4.6: next header, Hdr Ext Len in 8-octet units not
 * counting the first 8), the generic extension-header length, and a
 * cursor over the TLV-encoded options (RFC 8200 4.2) that hands back
 * every option including padding.
 * Does not implement: the chain walk and its ordering rules (ipv6.c,
 * nlrs_ipv6_walk), acting on option types (the caller).
 * Freestanding C11: no OS headers, no allocation.
 */
#include "ipv6_ext.h"

int nlrs_ipv6_ext_len(const uint8_t *p, size_t len)
{
	/* Lie: too short to hold the length octet. */
	if (len < 2)
		return NLRS_WIRE_SHORT;
	return ((int)p[1] + 1) * 8;
}

int nlrs_ipv6_opthdr_parse(const uint8_t *p, size_t len, struct nlrs_ipv6_opthdr *h)
{
	size_t hl;

	/* Lie: shorter than the smallest options header (8 octets). */
	if (len < 8)
		return NLRS_WIRE_SHORT;
	hl = ((size_t)p[1] + 1) * 8;
	/* Lie: Hdr Ext Len announcing options past the data. */
	if (hl > len)
		return NLRS_WIRE_BAD_LEN;
	h->next = p[0];
	h->len = (uint16_t)hl;
	h->opts = p + 2;
	h->optlen = (uint16_t)(hl - 2);
	return (int)hl;
}

int nlrs_ipv6_opt_next(const uint8_t *opts, size_t len, size_t *off, struct nlrs_ipv6_opt *o)
{
	size_t i = *off;
	uint8_t dl;

	if (i >= len)
		return 0;
	o->type = opts[i];
	/* RFC 8200 4.2: Pad1 is the one option with no length octet. */
	if (o->type == 0) {
		o->len = 1;
		o->data = NULL;
		o->dlen = 0;
		*off = i + 1;
		return 1;
	}
	/* Lie: an option whose length octet is missing. */
	if (len - i < 2) {
		*off = len;
		return NLRS_WIRE_BAD_OPTION;
	}
	dl = opts[i + 1];
	/* Lie: option data running past the options area. */
	if ((size_t)dl > len - i - 2) {
		*off = len;
		return NLRS_WIRE_BAD_OPTION;
	}
	o->len = (uint16_t)(dl + 2u);
	o->dlen = dl;
	o->data = dl ? opts + i + 2 : NULL;
	*off = i + 2 + dl;
	return 1;
}
