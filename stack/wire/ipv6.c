/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipv6.c - the IPv6 header and its extension headers.
 *
 * Implements:
 *   - parse and emit of the fixed header (RFC 8200 3): version, traffic
 *     class, flow label, payload length checked against the buffer;
 *   - a walk of the extension-header chain (RFC 8200 4, 4.1): hop-by-hop
 *     options (first only), routing (RFC 8200 4.4), fragment (RFC 8200
 *     4.5, 8 fixed bytes), destination options (RFC 8200 4.6) and the
 *     authentication header (RFC 4302 2.2, length in 4-octet units), each
 *     checked against the payload length, with a cap on how many it steps;
 *   - a walk of the TLV options of hop-by-hop and destination options
 *     headers (RFC 8200 4.2): Pad1, PadN, and every other option's length;
 *   - views of the routing header (type and segments left, so the stack
 *     can refuse type 0, RFC 5095 3) and of the fragment header, with an
 *     emit for the latter;
 *   - the upper-layer pseudo-header sum (RFC 8200 8.1); address classes,
 *     the solicited-node group (RFC 4291 2.7.1) and the Ethernet mapping
 *     of multicast (RFC 2464 7) are inline in ipv6.h.
 * Does not implement: jumbograms (RFC 2675; payload length 0 means an
 * empty payload, so a hop-by-hop header announced with it runs past the
 * payload); acting on options (the stack reads the action bits, RFC 8200
 * 4.2); routing header types and their addresses (RFC 6554, RFC 8754 SRH
 * are stepped over, not read); the rules on the order and repetition of
 * extension headers beyond hop-by-hop-first (RFC 8200 4.1 "should" only);
 * RFC 8200 4.5's requirement that the first fragment carry the whole
 * chain (the reassembler checks it, RFC 7112); ESP (RFC 4303: the walk
 * stops there); reassembly (stack/).
 * Freestanding C11: no OS headers, no allocation.
 */
#include "ipv6.h"
#include "checksum.h"

int nlrs_ipv6_parse(const uint8_t *p, size_t len, struct nlrs_ipv6_hdr *h)
{
	uint32_t w0;
	uint16_t plen;

	/* Lie: a buffer too short for the fixed header. */
	if (len < NLRS_IPV6_HLEN)
		return NLRS_WIRE_SHORT;
	/* RFC 8200 3 "Version": 6. */
	if ((p[0] >> 4) != 6)
		return NLRS_WIRE_BAD_VERSION;
	plen = nlrs_rd16(p + 4);
	/* Lie: a payload length past what the link delivered (a truncated
	 * datagram must not be read as whole). */
	if ((size_t)plen > len - NLRS_IPV6_HLEN)
		return NLRS_WIRE_BAD_LEN;

	w0 = nlrs_rd32(p);
	h->tclass = (uint8_t)(w0 >> 20);
	h->flow = w0 & 0xfffffu;
	h->plen = plen;
	h->next = p[6];
	h->hlim = p[7];
	nlrs_memcpy(h->src, p + 8, 16);
	nlrs_memcpy(h->dst, p + 24, 16);
	return NLRS_IPV6_HLEN;
}

int nlrs_ipv6_emit(uint8_t *p, size_t len, const struct nlrs_ipv6_hdr *h)
{
	/* RFC 8200 3: the flow label is 20 bits. */
	if (h->flow > 0xfffffu)
		return NLRS_WIRE_BAD_FORMAT;
	if (len < NLRS_IPV6_HLEN)
		return NLRS_WIRE_NOSPACE;
	/* Addresses first, with memmove: the caller may reflect a header in
	 * place (swapping src and dst needs its own copy). */
	nlrs_memmove(p + 8, h->src, 16);
	nlrs_memmove(p + 24, h->dst, 16);
	nlrs_wr32(p, (uint32_t)6 << 28 | (uint32_t)h->tclass << 20 | h->flow);
	nlrs_wr16(p + 4, h->plen);
	p[6] = h->next;
	p[7] = h->hlim;
	return NLRS_IPV6_HLEN;
}

int nlrs_ipv6_walk(const uint8_t *p, size_t len, const struct nlrs_ipv6_hdr *h,
		   unsigned max_headers, struct nlrs_ipv6_ext_walk *w)
{
	size_t end, off = NLRS_IPV6_HLEN;
	uint8_t nh = h->next;
	struct nlrs_ipv6_ext_walk r;

	/* Lie: a header struct that does not describe this buffer (parse
	 * checks it; the walk does not trust its caller to have). */
	if (len < NLRS_IPV6_HLEN || (size_t)h->plen > len - NLRS_IPV6_HLEN)
		return NLRS_WIRE_BAD_LEN;
	end = NLRS_IPV6_HLEN + (size_t)h->plen;
	nlrs_memset(&r, 0, sizeof r);

	for (;;) {
		size_t hl;

		switch (nh) {
		case NLRS_IPV6_NH_HOPOPTS:
			/* RFC 8200 4.1: hop-by-hop "MUST immediately follow
			 * the IPv6 header"; elsewhere RFC 8200 4 has the
			 * node send a parameter problem. */
			if (off != NLRS_IPV6_HLEN)
				return NLRS_WIRE_BAD_FORMAT;
			/* fall through */
		case NLRS_IPV6_NH_ROUTING:
		case NLRS_IPV6_NH_DSTOPTS:
		case NLRS_IPV6_NH_FRAGMENT:
		case NLRS_IPV6_NH_AH:
			break;
		default:
			/* Upper layer, ESP, NONE, or a header we do not know:
			 * the caller decides (RFC 8200 4: unknown ->
			 * parameter problem code 1). */
			r.proto = nh;
			r.off = off;
			*w = r;
			return 0;
		}
		if (r.nexts >= max_headers || r.nexts == UINT8_MAX)
			return NLRS_WIRE_BAD_FORMAT;
		/* Lie: an extension header announced but not carried: every
		 * one has at least 8 bytes (RFC 8200 4: "integer multiple of
		 * 8 octets"; RFC 4302 2: 12 fixed bytes, padded to 8). */
		if (end - off < 8)
			return NLRS_WIRE_BAD_LEN;
		if (nh == NLRS_IPV6_NH_FRAGMENT) {
			hl = NLRS_IPV6_FRAG_HLEN; /* RFC 8200 4.5: fixed */
			if (!r.has_frag) {
				uint16_t om = nlrs_rd16(p + off + 2);

				r.has_frag = true;
				r.frag_hdr_off = off;
				r.frag_off = (uint16_t)(om & NLRS_IPV6_FRAG_OFFMASK);
				r.frag_more = (om & NLRS_IPV6_FRAG_MF) != 0;
				r.frag_id = nlrs_rd32(p + off + 4);
			}
		} else if (nh == NLRS_IPV6_NH_AH) {
			/* RFC 4302 2.2: "Payload Len" in 32-bit words, minus
			 * 2; for IPv6 the header is a multiple of 8 octets.
			 * Lie: shorter than the 12 fixed bytes, or not on an
			 * 8-octet boundary. */
			hl = ((size_t)p[off + 1] + 2) * 4;
			if (hl < 12 || hl % 8 != 0)
				return NLRS_WIRE_BAD_FORMAT;
		} else {
			/* RFC 8200 4.3, 4.4, 4.6: "Hdr Ext Len" in 8-octet
			 * units, not including the first 8. */
			hl = ((size_t)p[off + 1] + 1) * 8;
			if (nh == NLRS_IPV6_NH_HOPOPTS)
				r.hbh_off = off;
			else if (nh == NLRS_IPV6_NH_ROUTING && r.rt_off == 0)
				r.rt_off = off;
		}
		/* Lie: a header length running past the payload length. */
		if (hl > end - off)
			return NLRS_WIRE_BAD_LEN;
		nh = p[off];
		off += hl; /* >= 8: the walk always ends */
		r.nexts++;
	}
}

int nlrs_ipv6_opts_walk(const uint8_t *opts, size_t len, nlrs_ipv6_opt_cb cb, void *ctx)
{
	size_t i = 0;

	while (i < len) {
		uint8_t type = opts[i];
		uint8_t dlen;

		/* RFC 8200 4.2 Pad1: a single octet, no length. */
		if (type == NLRS_IPV6_OPT_PAD1) {
			i++;
			continue;
		}
		/* Lie: an option whose length octet is missing. */
		if (len - i < 2)
			return NLRS_WIRE_BAD_OPTION;
		dlen = opts[i + 1];
		/* Lie: option data (PadN's included) running past the area. */
		if (dlen > len - i - 2)
			return NLRS_WIRE_BAD_OPTION;
		if (type != NLRS_IPV6_OPT_PADN && cb) {
			int rc = cb(ctx, type, dlen ? opts + i + 2 : NULL, dlen, i);

			if (rc)
				return rc;
		}
		i += 2 + (size_t)dlen;
	}
	return 0;
}

int nlrs_ipv6_rthdr_parse(const uint8_t *p, size_t len, struct nlrs_ipv6_rthdr *r)
{
	size_t hl;

	/* Lie: shorter than the smallest routing header (RFC 8200 4.4). */
	if (len < 8)
		return NLRS_WIRE_SHORT;
	hl = ((size_t)p[1] + 1) * 8;
	/* Lie: a "Hdr Ext Len" past the bytes we have. */
	if (hl > len)
		return NLRS_WIRE_BAD_LEN;
	r->next = p[0];
	r->len = (uint16_t)hl;
	r->type = p[2];
	r->segs_left = p[3];
	r->data = p + 4;
	r->dlen = hl - 4;
	return (int)hl;
}

int nlrs_ipv6_frag_parse(const uint8_t *p, size_t len, struct nlrs_ipv6_frag *f)
{
	uint16_t om;

	if (len < NLRS_IPV6_FRAG_HLEN)
		return NLRS_WIRE_SHORT;
	om = nlrs_rd16(p + 2);
	f->next = p[0];
	f->off = (uint16_t)(om & NLRS_IPV6_FRAG_OFFMASK);
	f->more = (om & NLRS_IPV6_FRAG_MF) != 0;
	f->id = nlrs_rd32(p + 4);
	return NLRS_IPV6_FRAG_HLEN;
}

int nlrs_ipv6_frag_emit(uint8_t *p, size_t len, const struct nlrs_ipv6_frag *f)
{
	/* RFC 8200 4.5: the offset is in 8-octet units. */
	if (f->off % 8 != 0)
		return NLRS_WIRE_BAD_FORMAT;
	if (len < NLRS_IPV6_FRAG_HLEN)
		return NLRS_WIRE_NOSPACE;
	p[0] = f->next;
	p[1] = 0; /* reserved */
	nlrs_wr16(p + 2, (uint16_t)(f->off | (f->more ? NLRS_IPV6_FRAG_MF : 0)));
	nlrs_wr32(p + 4, f->id);
	return NLRS_IPV6_FRAG_HLEN;
}

uint32_t nlrs_csum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t next,
			   uint32_t len)
{
	uint32_t sum = nlrs_csum_add(0, src, 16);

	sum = nlrs_csum_add(sum, dst, 16);
	/* RFC 8200 8.1: 32-bit length, then 24 zero bits and next header.
	 * Two nlrs_csum_add calls from 0 leave sum < 2^17; three more terms
	 * < 2^16 cannot overflow 32 bits. */
	sum += len >> 16;
	sum += len & 0xffffu;
	sum += next;
	return sum;
}
