/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * icmp_msg.c - bodies of a few ICMP messages the headers do not cover.
 *
 * Implements: ICMPv4 timestamp and timestamp reply (RFC 792: originate,
 * receive, transmit timestamps), address mask request/reply (RFC 950
 * appendix I); MLDv1 query/report/done (RFC 2710 3: maximum response
 * delay, multicast address), MLDv2 query (RFC 3810 5.1: number of
 * sources, checked against the length) and report (RFC 3810 5.2: each
 * multicast address record's length checked).
 * Does not implement: the semantics (timers, group state) - a capture
 * reader only reports; the exponent form of the v2 maximum response code
 * is kept as found.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "icmp_msg.h"

int nlrs_icmp4_ts_parse(const uint8_t *p, size_t len, struct nlrs_icmp4_ts *ts)
{
	/* Lie: a timestamp message cut before its three timestamps. */
	if (len < NLRS_ICMP4_TS_LEN)
		return NLRS_WIRE_SHORT;
	if (p[0] != 13 && p[0] != 14)
		return NLRS_WIRE_BAD_FORMAT;
	ts->orig = nlrs_rd32(p + 8);
	ts->recv = nlrs_rd32(p + 12);
	ts->xmit = nlrs_rd32(p + 16);
	return NLRS_ICMP4_TS_LEN;
}

int nlrs_icmp4_mask_parse(const uint8_t *p, size_t len, uint32_t *mask)
{
	/* Lie: an address-mask message without its mask. */
	if (len < NLRS_ICMP4_MASK_LEN)
		return NLRS_WIRE_SHORT;
	if (p[0] != NLRS_ICMP_ADDRMASK && p[0] != NLRS_ICMP_ADDRMASKREPLY)
		return NLRS_WIRE_BAD_FORMAT;
	*mask = nlrs_rd32(p + 8);
	return NLRS_ICMP4_MASK_LEN;
}

int nlrs_mld_parse(const uint8_t *p, size_t len, struct nlrs_mld *m)
{
	struct nlrs_mld r;
	size_t off;

	if (len < 8)
		return NLRS_WIRE_SHORT;
	nlrs_memset(&r, 0, sizeof r);
	r.type = p[0];
	switch (r.type) {
	case 130: /* query */
	case 131: /* v1 report */
	case 132: /* done */
		/* Lie: an MLD message cut before its multicast address. */
		if (len < NLRS_MLD_LEN)
			return NLRS_WIRE_SHORT;
		r.max_delay = nlrs_rd16(p + 4);
		nlrs_memcpy(r.addr, p + 8, 16);
		off = NLRS_MLD_LEN;
		/* RFC 3810 8.1: a query of 28 octets or more is MLDv2. */
		if (r.type == 130 && len >= NLRS_MLD2_QUERY_MIN) {
			r.v2 = true;
			r.nsrc = nlrs_rd16(p + 26);
			off = NLRS_MLD2_QUERY_MIN + 16u * r.nsrc;
			/* Lie: more sources announced than the message holds. */
			if (off > len)
				return NLRS_WIRE_BAD_LEN;
		}
		break;
	case 143: /* v2 report, RFC 3810 5.2 */
		r.v2 = true;
		r.nrec = nlrs_rd16(p + 6);
		off = 8;
		for (unsigned i = 0; i < r.nrec; i++) {
			size_t rl;

			/* Lie: a record count past the records present. */
			if (len - off < 20)
				return NLRS_WIRE_BAD_LEN;
			/* record: type, aux data len (words), nsrc, address,
			 * sources, aux data */
			rl = 20 + 16u * nlrs_rd16(p + off + 2) + 4u * p[off + 1];
			/* Lie: a record's sources or aux data past the message. */
			if (rl > len - off)
				return NLRS_WIRE_BAD_LEN;
			off += rl;
		}
		break;
	default:
		return NLRS_WIRE_BAD_FORMAT;
	}
	*m = r;
	return (int)off;
}
