/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipv4.c - the IPv4 header.
 *
 * Implements:
 *   - full parse of a received header (RFC 791 3.1): version, IHL,
 *     total length, header checksum (RFC 791 3.1 "Header Checksum",
 *     RFC 1071), flags and fragment offset, and a walk of the options
 *     area that checks every option's length (RFC 791 3.1 "Options";
 *     RFC 1122 3.2.1.8 has hosts skip the options they do not know, which
 *     is only safe once every length octet has been checked);
 *   - a looser parse of the header quoted in an ICMP error (RFC 792,
 *     RFC 1812 4.3.2.3): version and IHL only;
 *   - emit of a header with options copied verbatim and the checksum
 *     computed.
 * Does not implement: acting on options (source route, record route,
 * timestamp, router alert are walked, never followed - RFC 1122 3.2.1.8
 * lets a host ignore the ones it does not support; source-routed datagrams
 * are the stack's decision); the reserved flag bit (RFC 791 3.1, "must be
 * zero") is not checked on receive and is always written as zero;
 * reassembly and fragmentation, including the 65535-byte bound on
 * fragment offset + length (stack/); address-class policy
 * (RFC 1122 3.2.1.3) beyond the inline helpers in ipv4.h; IPv6.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "ipv4.h"
#include "checksum.h"

/* Fields common to both parses, read once the length checks passed. */
static void fill(const uint8_t *p, unsigned hl, struct nlrs_ipv4_hdr *h)
{
	uint16_t ff = nlrs_rd16(p + 6);

	h->hlen = (uint8_t)hl;
	h->tos = p[1];
	h->tot_len = nlrs_rd16(p + 2);
	h->id = nlrs_rd16(p + 4);
	h->df = (ff & NLRS_IPV4_DF) != 0;
	h->mf = (ff & NLRS_IPV4_MF) != 0;
	h->frag_off = (uint16_t)((ff & NLRS_IPV4_OFFMASK) * 8u);
	h->ttl = p[8];
	h->proto = p[9];
	h->csum = nlrs_rd16(p + 10);
	h->src = nlrs_rd32(p + 12);
	h->dst = nlrs_rd32(p + 16);
	h->optlen = (uint8_t)(hl - NLRS_IPV4_HLEN);
	h->opts = h->optlen ? p + NLRS_IPV4_HLEN : NULL;
}

/* Length-first checks shared by both parses; returns the header length in
 * bytes or an error. */
static int check_fixed(const uint8_t *p, size_t len)
{
	unsigned hl;

	/* Lie: a buffer too short for the fixed header. */
	if (len < NLRS_IPV4_HLEN)
		return NLRS_WIRE_SHORT;
	/* RFC 791 3.1 "Version"; RFC 1122 3.2.1.1: silently discard others. */
	if ((p[0] >> 4) != 4)
		return NLRS_WIRE_BAD_VERSION;
	hl = (p[0] & 0x0fu) * 4u;
	/* Lie: IHL below 5 words (RFC 791 3.1: "the minimum value for a
	 * correct header is 5") would put the options or payload inside the
	 * fixed header. */
	if (hl < NLRS_IPV4_HLEN)
		return NLRS_WIRE_BAD_HLEN;
	/* Lie: IHL announcing options the buffer does not hold. */
	if (hl > len)
		return NLRS_WIRE_BAD_HLEN;
	return (int)hl;
}

int nlrs_ipv4_opts_check(const uint8_t *opts, size_t optlen)
{
	size_t i = 0;

	while (i < optlen) {
		uint8_t type = opts[i];
		uint8_t olen;

		/* RFC 791 3.1 "End of Option list": the rest is padding. */
		if (type == NLRS_IPOPT_EOL)
			return 0;
		/* RFC 791 3.1 "No Operation": a single octet. */
		if (type == NLRS_IPOPT_NOP) {
			i++;
			continue;
		}
		/* Lie: a multi-octet option whose length octet is missing. */
		if (optlen - i < 2)
			return NLRS_WIRE_BAD_OPTION;
		olen = opts[i + 1];
		/* Lie: length 0 or 1 cannot cover its own type and length
		 * octets (0 would also loop forever). */
		if (olen < 2)
			return NLRS_WIRE_BAD_OPTION;
		/* Lie: an option running past the options area (IHL). */
		if (olen > optlen - i)
			return NLRS_WIRE_BAD_OPTION;
		i += olen;
	}
	return 0;
}

int nlrs_ipv4_parse(const uint8_t *p, size_t len, struct nlrs_ipv4_hdr *h, bool verify_csum)
{
	int hl = check_fixed(p, len);
	uint16_t tot;

	if (hl < 0)
		return hl;
	tot = nlrs_rd16(p + 2);
	/* Lie: a total length smaller than the header it includes
	 * (RFC 791 3.1 "Total Length ... including internet header"). */
	if (tot < (unsigned)hl)
		return NLRS_WIRE_BAD_LEN;
	/* Lie: a total length past what the link delivered (a truncated
	 * datagram must not be read as whole). */
	if (tot > len)
		return NLRS_WIRE_BAD_LEN;
	/* RFC 791 3.1 "Header Checksum", RFC 1122 3.2.1.2: a header whose
	 * checksum (field included) does not sum to zero is discarded. */
	if (verify_csum && nlrs_csum_fold(nlrs_csum_add(0, p, (size_t)hl)) != 0)
		return NLRS_WIRE_BAD_CSUM;
	if (nlrs_ipv4_opts_check(p + NLRS_IPV4_HLEN, (size_t)hl - NLRS_IPV4_HLEN) < 0)
		return NLRS_WIRE_BAD_OPTION;
	fill(p, (unsigned)hl, h);
	return hl;
}

int nlrs_ipv4_parse_quoted(const uint8_t *p, size_t len, struct nlrs_ipv4_hdr *h)
{
	int hl = check_fixed(p, len);

	if (hl < 0)
		return hl;
	/* The quote is cut to "internet header + 64 bits" (RFC 792) or more
	 * (RFC 1812 4.3.2.3), so total length may exceed len; the checksum
	 * may have been changed by routers on the way (TTL) and is not
	 * checked; options are not walked, since a parameter problem may
	 * quote the very option that was malformed. */
	fill(p, (unsigned)hl, h);
	return hl;
}

int nlrs_ipv4_emit(uint8_t *p, size_t len, const struct nlrs_ipv4_hdr *h)
{
	size_t hl;
	uint16_t ff;

	/* RFC 791 3.1 "Padding": the options area ends on a 32-bit boundary,
	 * and IHL (4 bits of words) caps it at 40 bytes. */
	if (h->optlen % 4 != 0 || h->optlen > NLRS_IPV4_MAX_HLEN - NLRS_IPV4_HLEN ||
	    (h->optlen && !h->opts))
		return NLRS_WIRE_BAD_OPTION;
	/* The fragment offset is in 8-octet units (RFC 791 3.1). */
	if (h->frag_off % 8 != 0)
		return NLRS_WIRE_BAD_FORMAT;
	hl = NLRS_IPV4_HLEN + (size_t)h->optlen;
	if (len < hl)
		return NLRS_WIRE_NOSPACE;

	ff = (uint16_t)((h->df ? NLRS_IPV4_DF : 0) | (h->mf ? NLRS_IPV4_MF : 0) |
			(h->frag_off / 8u));
	/* Options first: the caller may hand back options that live in the
	 * buffer being written (reflecting a header in place). */
	if (h->optlen)
		nlrs_memmove(p + NLRS_IPV4_HLEN, h->opts, h->optlen);
	p[0] = (uint8_t)(0x40 | hl / 4);
	p[1] = h->tos;
	nlrs_wr16(p + 2, h->tot_len);
	nlrs_wr16(p + 4, h->id);
	nlrs_wr16(p + 6, ff);
	p[8] = h->ttl;
	p[9] = h->proto;
	nlrs_wr16(p + 10, 0);
	nlrs_wr32(p + 12, h->src);
	nlrs_wr32(p + 16, h->dst);
	nlrs_wr16(p + 10, nlrs_csum_fold(nlrs_csum_add(0, p, hl)));
	return (int)hl;
}
