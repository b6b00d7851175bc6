/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * udp.c - the UDP header.
 *
 * Implements: parse and emit of the 8-byte RFC 768 header (source port,
 * destination port, length, checksum) with the length field checked
 * against the header size and the buffer.
 * Does not implement: checksum verification or computation - it covers the
 * IPv4 pseudo-header (RFC 768 "Fields"; nlrs_csum_pseudo4), which this view
 * does not see, so the caller does it; a zero checksum meaning "none" is
 * the caller's to honour (RFC 768, RFC 1122 4.1.3.4); UDP-Lite (RFC 3828);
 * jumbograms (RFC 2675). The caller trims bytes past the length field
 * (IP-layer padding).
 * Freestanding C11: no OS headers, no allocation.
 */
#include "udp.h"

int nlrs_udp_parse(const uint8_t *p, size_t len, struct nlrs_udp_hdr *h)
{
	uint16_t ulen;

	/* Lie: a datagram too short for its own header. */
	if (len < NLRS_UDP_HLEN)
		return NLRS_WIRE_SHORT;
	ulen = nlrs_rd16(p + 4);
	/* Lie: RFC 768 "Length ... the minimum value of the length is eight";
	 * anything less would put the payload before the header's end. */
	if (ulen < NLRS_UDP_HLEN)
		return NLRS_WIRE_BAD_LEN;
	/* Lie: a length field claiming more than IP delivered; trusting it
	 * would read the payload's tail from outside the datagram. */
	if (ulen > len)
		return NLRS_WIRE_BAD_LEN;

	h->sport = nlrs_rd16(p);
	h->dport = nlrs_rd16(p + 2);
	h->len = ulen;
	h->csum = nlrs_rd16(p + 6);
	return NLRS_UDP_HLEN;
}

int nlrs_udp_emit(uint8_t *p, size_t len, const struct nlrs_udp_hdr *h)
{
	if (len < NLRS_UDP_HLEN)
		return NLRS_WIRE_NOSPACE;
	nlrs_wr16(p, h->sport);
	nlrs_wr16(p + 2, h->dport);
	nlrs_wr16(p + 4, h->len);
	nlrs_wr16(p + 6, h->csum);
	return NLRS_UDP_HLEN;
}
