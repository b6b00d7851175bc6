/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cut.c - the IPv6, UDP and TCP views for captured packets cut short.
 *
 * Implements: for each header, a call of the stack's own view (ipv6.c,
 * udp.c, tcp.c) on a private copy of the fixed header whose length field
 * is set to a value that fits, after which the real length field is read
 * back from the same offset and checked against the length the link
 * delivered (wire_len) instead of the bytes captured. So a capture cut by
 * its snap length still yields addresses, ports and flags, and the only
 * parser of each header stays the original view.
 * Does not implement: anything the views do not (see their files).
 * Freestanding C11: no OS headers, no allocation.
 */
#include "cut.h"

int nlrs_ipv6_parse_cut(const uint8_t *p, size_t len, size_t wire_len, struct nlrs_ipv6_hdr *h)
{
	uint8_t c[NLRS_IPV6_HLEN];
	struct nlrs_ipv6_hdr x;
	uint16_t plen;
	int r;

	if (len < NLRS_IPV6_HLEN)
		return NLRS_WIRE_SHORT;
	if (wire_len < len)
		wire_len = len;
	nlrs_memcpy(c, p, sizeof c);
	plen = nlrs_rd16(c + 4);
	nlrs_wr16(c + 4, 0); /* a payload the copy can hold */
	r = nlrs_ipv6_parse(c, sizeof c, &x);
	if (r < 0)
		return r;
	/* Lie: a payload length past what the link delivered. */
	if ((size_t)plen > wire_len - NLRS_IPV6_HLEN)
		return NLRS_WIRE_BAD_LEN;
	x.plen = plen;
	*h = x;
	return NLRS_IPV6_HLEN;
}

int nlrs_udp_parse_cut(const uint8_t *p, size_t len, size_t wire_len, struct nlrs_udp_hdr *h)
{
	uint8_t c[NLRS_UDP_HLEN];
	struct nlrs_udp_hdr x;
	uint16_t ulen;
	int r;

	if (len < NLRS_UDP_HLEN)
		return NLRS_WIRE_SHORT;
	if (wire_len < len)
		wire_len = len;
	nlrs_memcpy(c, p, sizeof c);
	ulen = nlrs_rd16(c + 4);
	/* Lie: RFC 768 - a length below the header's own 8 octets. */
	if (ulen < NLRS_UDP_HLEN)
		return NLRS_WIRE_BAD_LEN;
	/* Lie: a length past the datagram the IP layer delivered. */
	if ((size_t)ulen > wire_len)
		return NLRS_WIRE_BAD_LEN;
	nlrs_wr16(c + 4, NLRS_UDP_HLEN);
	r = nlrs_udp_parse(c, sizeof c, &x);
	if (r < 0)
		return r;
	x.len = ulen;
	*h = x;
	return NLRS_UDP_HLEN;
}

int nlrs_tcp_parse_cut(const uint8_t *p, size_t len, struct nlrs_tcp_hdr *h, bool *opts_ok)
{
	uint8_t c[NLRS_TCP_HLEN];
	struct nlrs_tcp_hdr x;
	size_t hl, have;
	int r;

	if (len < NLRS_TCP_HLEN)
		return NLRS_WIRE_SHORT;
	nlrs_memcpy(c, p, sizeof c);
	hl = (size_t)(c[12] >> 4) * 4;
	c[12] = (uint8_t)(0x50 | (c[12] & 0x0f)); /* no options in the copy */
	r = nlrs_tcp_parse(c, sizeof c, &x);
	if (r < 0)
		return r;
	x.hlen = (uint8_t)hl;
	have = hl > len ? len : hl;
	x.optlen = (uint8_t)(have > NLRS_TCP_HLEN ? have - NLRS_TCP_HLEN : 0);
	x.opts = x.optlen ? p + NLRS_TCP_HLEN : NULL;
	*opts_ok = hl >= NLRS_TCP_HLEN && hl <= len &&
		   nlrs_tcp_opts_check(p + NLRS_TCP_HLEN, hl - NLRS_TCP_HLEN) == 0;
	*h = x;
	return (int)hl;
}

int nlrs_ipv4_parse_cut(const uint8_t *p, size_t len, struct nlrs_ipv4_hdr *h)
{
	uint8_t c[NLRS_IPV4_HLEN];
	struct nlrs_ipv4_hdr x;
	size_t hl, have;
	int r;

	if (len < NLRS_IPV4_HLEN)
		return NLRS_WIRE_SHORT;
	nlrs_memcpy(c, p, sizeof c);
	hl = (size_t)(c[0] & 0x0f) * 4;
	/* Lie: RFC 791 3.1 - IHL below 5 words. */
	if (hl < NLRS_IPV4_HLEN && (c[0] >> 4) == 4)
		return NLRS_WIRE_BAD_HLEN;
	c[0] = (uint8_t)((c[0] & 0xf0) | 5); /* no options in the copy */
	r = nlrs_ipv4_parse_quoted(c, sizeof c, &x);
	if (r < 0)
		return r;
	have = hl > len ? len : hl;
	x.hlen = (uint8_t)hl;
	x.optlen = (uint8_t)(have - NLRS_IPV4_HLEN);
	x.opts = x.optlen ? p + NLRS_IPV4_HLEN : NULL;
	*h = x;
	return (int)hl;
}

int nlrs_tcp_parse_partial(const uint8_t *p, size_t len, struct nlrs_tcp_hdr *h)
{
	uint8_t c[NLRS_TCP_HLEN];
	struct nlrs_tcp_hdr x;
	int r;

	if (len == 0 || len >= NLRS_TCP_HLEN)
		return NLRS_WIRE_BAD_LEN;
	nlrs_memset(c, 0, sizeof c);
	nlrs_memcpy(c, p, len);
	/* data offset as found when present, else 5 so the view reads it */
	if (len <= 12 || (c[12] >> 4) != 5) {
		uint8_t keep = c[12];

		c[12] = (uint8_t)(0x50 | (c[12] & 0x0f));
		r = nlrs_tcp_parse(c, sizeof c, &x);
		if (r < 0)
			return r;
		x.hlen = len > 12 ? (uint8_t)((keep >> 4) * 4) : 0;
	} else {
		r = nlrs_tcp_parse(c, sizeof c, &x);
		if (r < 0)
			return r;
	}
	x.opts = NULL;
	x.optlen = 0;
	*h = x;
	return (int)len;
}

int nlrs_udp_parse_partial(const uint8_t *p, size_t len, struct nlrs_udp_hdr *h)
{
	uint8_t c[NLRS_UDP_HLEN];
	struct nlrs_udp_hdr x;
	uint16_t ulen;
	int r;

	if (len == 0 || len >= NLRS_UDP_HLEN)
		return NLRS_WIRE_BAD_LEN;
	nlrs_memset(c, 0, sizeof c);
	nlrs_memcpy(c, p, len);
	ulen = len >= 6 ? nlrs_rd16(c + 4) : 0;
	nlrs_wr16(c + 4, NLRS_UDP_HLEN);
	r = nlrs_udp_parse(c, sizeof c, &x);
	if (r < 0)
		return r;
	x.len = ulen;
	*h = x;
	return (int)len;
}
