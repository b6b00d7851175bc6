/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * slip.c - the pseudo-header libpcap puts before SLIP captures.
 *
 * Implements: LINKTYPE_SLIP's 16 bytes: a direction byte (0 received,
 * 1 sent) and 15 bytes of the CSLIP header (RFC 1144) whose first byte's
 * high bits give the packet type (IP, uncompressed TCP, compressed TCP).
 * Does not implement: Van Jacobson decompression (RFC 1144 4): the
 * compressed header is reported as bytes; the datagram after the
 * pseudo-header is the caller's to decode.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "slip.h"

int nlrs_slip_parse(const uint8_t *p, size_t len, struct nlrs_slip_hdr *h)
{
	/* Lie: a record shorter than the pseudo-header libpcap always writes. */
	if (len < NLRS_SLIP_HLEN)
		return NLRS_WIRE_SHORT;
	h->dir = p[0];
	h->type = (uint8_t)(p[1] & 0xf0);
	h->chdr = p + 1;
	return NLRS_SLIP_HLEN;
}

int nlrs_slip_emit(uint8_t *p, size_t len, uint8_t dir, uint8_t type, const uint8_t *chdr)
{
	if (len < NLRS_SLIP_HLEN)
		return NLRS_WIRE_NOSPACE;
	if (chdr)
		nlrs_memmove(p + 1, chdr, NLRS_SLIP_CHDR_LEN);
	else
		nlrs_memset(p + 1, 0, NLRS_SLIP_CHDR_LEN);
	p[0] = dir;
	p[1] = (uint8_t)((p[1] & 0x0f) | (type & 0xf0));
	return NLRS_SLIP_HLEN;
}
