/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * icmp4.c - the ICMP for IPv4 header and error quotes.
 *
 * Implements: parse and emit of the 8-byte ICMP header (RFC 792: type,
 * code, checksum, and the type-specific second word - identifier and
 * sequence for echo, timestamp and information messages; the RFC 1191
 * next-hop MTU for destination unreachable; the pointer for parameter
 * problem; the gateway for redirect), classification of error types
 * (RFC 1122 3.2.2), and parsing of the quoted datagram in an error
 * ("Internet Header + 64 bits of Original Data Datagram", RFC 792; RFC 1122
 * 3.2.2 requires at least that much to demultiplex the error).
 * Does not implement: checksum verification (it covers the whole message,
 * which may span buffers: the caller sums it, RFC 792 "Checksum"); the
 * RFC 4884 extension structure and length octet (bytes 5-7 of a parameter
 * problem are read as unused and written as zero); rate limiting and the
 * rules for when not to send an error (RFC 1122 3.2.2, stack/icmp.c).
 * Freestanding C11: no OS headers, no allocation.
 */
#include "icmp4.h"

/* The second word's meaning per type (RFC 792). */
enum word_kind { WORD_RAW, WORD_ECHO, WORD_FRAG, WORD_POINTER, WORD_GATEWAY };

static enum word_kind word_kind(uint8_t type)
{
	switch (type) {
	case NLRS_ICMP_ECHOREPLY:
	case NLRS_ICMP_ECHO:
	case NLRS_ICMP_TIMESTAMP:
	case NLRS_ICMP_TIMESTAMPREPLY:
	case 15: /* information request (RFC 792, obsolete) */
	case 16: /* information reply */
		return WORD_ECHO;
	case NLRS_ICMP_DEST_UNREACH:
		return WORD_FRAG;
	case NLRS_ICMP_PARAMPROB:
		return WORD_POINTER;
	case NLRS_ICMP_REDIRECT:
		return WORD_GATEWAY;
	default:
		return WORD_RAW;
	}
}

int nlrs_icmp4_parse(const uint8_t *p, size_t len, struct nlrs_icmp4_hdr *h)
{
	/* Lie: a message too short for the header every type has. */
	if (len < NLRS_ICMP4_HLEN)
		return NLRS_WIRE_SHORT;

	h->type = p[0];
	h->code = p[1];
	h->csum = nlrs_rd16(p + 2);
	h->un.raw = 0;
	switch (word_kind(h->type)) {
	case WORD_ECHO:
		h->un.echo.id = nlrs_rd16(p + 4);
		h->un.echo.seq = nlrs_rd16(p + 6);
		break;
	case WORD_FRAG:
		h->un.frag.unused = nlrs_rd16(p + 4);
		h->un.frag.mtu = nlrs_rd16(p + 6);
		break;
	case WORD_POINTER:
		h->un.pointer = p[4];
		break;
	case WORD_GATEWAY:
		h->un.gateway = nlrs_rd32(p + 4);
		break;
	case WORD_RAW:
		h->un.raw = nlrs_rd32(p + 4);
		break;
	}
	return NLRS_ICMP4_HLEN;
}

int nlrs_icmp4_emit(uint8_t *p, size_t len, const struct nlrs_icmp4_hdr *h)
{
	if (len < NLRS_ICMP4_HLEN)
		return NLRS_WIRE_NOSPACE;

	p[0] = h->type;
	p[1] = h->code;
	nlrs_wr16(p + 2, h->csum);
	switch (word_kind(h->type)) {
	case WORD_ECHO:
		nlrs_wr16(p + 4, h->un.echo.id);
		nlrs_wr16(p + 6, h->un.echo.seq);
		break;
	case WORD_FRAG:
		nlrs_wr16(p + 4, h->un.frag.unused);
		nlrs_wr16(p + 6, h->un.frag.mtu);
		break;
	case WORD_POINTER:
		/* RFC 792: pointer, then three unused octets sent as zero. */
		nlrs_wr32(p + 4, (uint32_t)h->un.pointer << 24);
		break;
	case WORD_GATEWAY:
		nlrs_wr32(p + 4, h->un.gateway);
		break;
	case WORD_RAW:
		nlrs_wr32(p + 4, h->un.raw);
		break;
	}
	return NLRS_ICMP4_HLEN;
}

bool nlrs_icmp4_is_error(uint8_t type)
{
	switch (type) {
	case NLRS_ICMP_DEST_UNREACH:
	case NLRS_ICMP_SOURCE_QUENCH:
	case NLRS_ICMP_REDIRECT:
	case NLRS_ICMP_TIME_EXCEEDED:
	case NLRS_ICMP_PARAMPROB:
		return true;
	default:
		return false;
	}
}

/* Bytes of the offending datagram's data an error must quote (RFC 792
 * "64 bits of Data Datagram"): enough for both ports of UDP and TCP. */
#define QUOTE_MIN_L4 8u

int nlrs_icmp4_quote(const uint8_t *body, size_t len, struct nlrs_ipv4_hdr *inner,
		     const uint8_t **l4, size_t *l4len)
{
	struct nlrs_ipv4_hdr ih;
	int hl = nlrs_ipv4_parse_quoted(body, len, &ih);
	size_t n;

	/* Lies caught there: a quote shorter than an IPv4 header, a quoted
	 * version other than 4, a quoted IHL below 5 or past the quote. */
	if (hl < 0)
		return hl;
	/* Lie: the quoted datagram claims to be shorter than its own header;
	 * nothing after the header can be matched to it. */
	if (ih.tot_len < (unsigned)hl)
		return NLRS_WIRE_BAD_LEN;
	n = len - (size_t)hl;
	/* Quote padding or link trailer past the original datagram is not
	 * "what it carried": stop at the quoted total length. */
	if (n > (size_t)ih.tot_len - (size_t)hl)
		n = (size_t)ih.tot_len - (size_t)hl;
	/* Lie: a quote cut below RFC 792's 64 bits of original data (or an
	 * original datagram too small to have carried a transport header). */
	if (n < QUOTE_MIN_L4)
		return NLRS_WIRE_SHORT;

	/* A quoted non-first fragment (inner->frag_off != 0) carries no
	 * transport header: the caller checks before reading ports. */
	*inner = ih;
	*l4 = body + hl;
	*l4len = n;
	return hl;
}
