/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv6 header (RFC 8200 3), extension-header chain (RFC 8200 4, RFC 4302 2),
 * hop-by-hop / destination options (RFC 8200 4.2), routing and fragment
 * headers (RFC 8200 4.4, 4.5), address classes (RFC 4291) and the
 * upper-layer pseudo-header checksum (RFC 8200 8.1).
 * Jumbograms (RFC 2675) are not supported: see nlrs_ipv6_parse.
 */
#ifndef NLRS_WIRE_IPV6_H
#define NLRS_WIRE_IPV6_H

#include "wire.h"

#define NLRS_IPV6_HLEN 40
#define NLRS_IPV6_FRAG_HLEN 8
#define NLRS_IPV6_MIN_MTU 1280 /* RFC 8200 5 */

/* Next Header values (IANA "Assigned Internet Protocol Numbers"). */
#define NLRS_IPV6_NH_HOPOPTS 0
#define NLRS_IPV6_NH_TCP 6
#define NLRS_IPV6_NH_UDP 17
#define NLRS_IPV6_NH_ROUTING 43
#define NLRS_IPV6_NH_FRAGMENT 44
#define NLRS_IPV6_NH_ESP 50
#define NLRS_IPV6_NH_AH 51
#define NLRS_IPV6_NH_ICMPV6 58
#define NLRS_IPV6_NH_NONE 59
#define NLRS_IPV6_NH_DSTOPTS 60
#define NLRS_IPV6_NH_MOBILITY 135

/* Option types (RFC 8200 4.2, RFC 2711, RFC 2675) */
#define NLRS_IPV6_OPT_PAD1 0x00
#define NLRS_IPV6_OPT_PADN 0x01
#define NLRS_IPV6_OPT_JUMBO 0xc2
#define NLRS_IPV6_OPT_ROUTER_ALERT 0x05

/* Option action (two high bits of the type, RFC 8200 4.2). */
#define NLRS_IPV6_OPT_ACT_SKIP 0       /* skip over this option */
#define NLRS_IPV6_OPT_ACT_DISCARD 1    /* discard the packet */
#define NLRS_IPV6_OPT_ACT_ICMP 2       /* discard, ICMP param. problem code 2 */
#define NLRS_IPV6_OPT_ACT_ICMP_UCAST 3 /* same, only if dst not multicast */

/* Fragment header fields (RFC 8200 4.5) */
#define NLRS_IPV6_FRAG_OFFMASK 0xfff8 /* offset, already in bytes */
#define NLRS_IPV6_FRAG_MF 0x0001

struct nlrs_ipv6_hdr {
	uint8_t tclass;
	uint32_t flow;  /* 20 bits */
	uint16_t plen;  /* payload length, bytes after the 40-byte header */
	uint8_t next;
	uint8_t hlim;
	uint8_t src[16], dst[16];
};

/* Parse a received header (RFC 8200 3): len >= 40, version 6,
 * 40 + payload length <= len. Returns 40 or an error. Bytes past
 * 40 + plen (link padding) are the caller's to trim.
 * Jumbograms (RFC 2675: plen 0 and a hop-by-hop Jumbo Payload option) are
 * not supported: plen 0 means an empty payload, and the chain walk then
 * fails (NLRS_WIRE_BAD_LEN) if next is HOPOPTS, because the hop-by-hop
 * header cannot fit in zero bytes. */
int nlrs_ipv6_parse(const uint8_t *p, size_t len, struct nlrs_ipv6_hdr *h);

/* Write the 40-byte fixed header; returns 40 or NLRS_WIRE_NOSPACE, or
 * NLRS_WIRE_BAD_FORMAT if flow does not fit in 20 bits. */
int nlrs_ipv6_emit(uint8_t *p, size_t len, const struct nlrs_ipv6_hdr *h);

/* Result of the extension-header walk. Offsets count from the first byte of
 * the IPv6 header. */
struct nlrs_ipv6_ext_walk {
	uint8_t proto;       /* final next header: upper layer, unknown, NONE or ESP */
	size_t off;          /* offset of that header (== 40 + plen for NONE) */
	bool has_frag;
	uint16_t frag_off;   /* bytes (a multiple of 8) */
	bool frag_more;
	uint32_t frag_id;
	size_t frag_hdr_off; /* 0 if none */
	size_t hbh_off;      /* 0 if none (it is 40 when present) */
	size_t rt_off;       /* first routing header, 0 if none */
	uint8_t nexts;       /* extension headers walked */
};

/* Walk the extension headers of a datagram already checked by
 * nlrs_ipv6_parse (p, len the same buffer; only p[40..40+h->plen) is read).
 * Hop-by-hop may only come first (RFC 8200 4.1); routing, fragment,
 * destination options and AH (RFC 4302 2.2: length in 4-octet units, minus
 * 2) are stepped over; the walk stops at ESP (its payload is encrypted),
 * NONE, or any other value (an upper layer, or a header this walk does not
 * know - the caller answers with a parameter problem, RFC 8200 4).
 * A second fragment header is stepped over but only the first is reported.
 * Returns 0, NLRS_WIRE_BAD_LEN (a header running past the payload, or a
 * payload shorter than the one it announces), or NLRS_WIRE_BAD_FORMAT
 * (hop-by-hop not first, or more than max_headers extension headers). */
int nlrs_ipv6_walk(const uint8_t *p, size_t len, const struct nlrs_ipv6_hdr *h,
		   unsigned max_headers, struct nlrs_ipv6_ext_walk *w);

/* Option callback: type, its data (NULL when dlen is 0), and the option's
 * offset from the start of the area. A nonzero return stops the walk and
 * is returned. Pad1 and PadN are not passed to it. */
typedef int (*nlrs_ipv6_opt_cb)(void *ctx, uint8_t type, const uint8_t *data, uint8_t dlen,
				size_t off);

/* Walk the options area of a hop-by-hop or destination options header
 * (the bytes after its first two). Returns 0, the callback's nonzero
 * value, or NLRS_WIRE_BAD_OPTION if an option (PadN included) is missing
 * its length octet or runs past the area. cb may be NULL (check only). */
int nlrs_ipv6_opts_walk(const uint8_t *opts, size_t len, nlrs_ipv6_opt_cb cb, void *ctx);

/* RFC 8200 4.2: the two high bits say what to do with an unknown option. */
static inline uint8_t nlrs_ipv6_opt_action(uint8_t type)
{
	return (uint8_t)(type >> 6);
}
/* RFC 8200 4.2: third-highest bit set means the data may change en route. */
static inline bool nlrs_ipv6_opt_may_change(uint8_t type)
{
	return (type & 0x20) != 0;
}

struct nlrs_ipv6_rthdr {
	uint8_t next;
	uint16_t len;        /* bytes, (field + 1) * 8 */
	uint8_t type;        /* 0 is deprecated (RFC 5095): refuse it */
	uint8_t segs_left;
	const uint8_t *data; /* type-specific data after the first 4 bytes */
	size_t dlen;         /* len - 4 */
};

/* Routing header (RFC 8200 4.4) at p[0..len). Returns its length or
 * NLRS_WIRE_SHORT (fewer than 8 bytes) / NLRS_WIRE_BAD_LEN (longer than
 * len). The type-specific data is not interpreted. */
int nlrs_ipv6_rthdr_parse(const uint8_t *p, size_t len, struct nlrs_ipv6_rthdr *r);

struct nlrs_ipv6_frag {
	uint8_t next;
	uint16_t off; /* bytes, a multiple of 8 */
	bool more;
	uint32_t id;
};

/* Fragment header (RFC 8200 4.5): 8 fixed bytes. Parse returns 8 or
 * NLRS_WIRE_SHORT; the reserved fields are not checked (RFC 8200 4.5
 * "ignored on reception"). Emit writes them as zero and returns 8,
 * NLRS_WIRE_NOSPACE, or NLRS_WIRE_BAD_FORMAT if off is not a multiple of 8. */
int nlrs_ipv6_frag_parse(const uint8_t *p, size_t len, struct nlrs_ipv6_frag *f);
int nlrs_ipv6_frag_emit(uint8_t *p, size_t len, const struct nlrs_ipv6_frag *f);

/* Upper-layer pseudo-header sum (RFC 8200 8.1), unfolded: source,
 * destination, 32-bit upper-layer length, 24 zero bits and next header.
 * Add the upper-layer bytes with nlrs_csum_add and fold. */
uint32_t nlrs_csum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t next,
			   uint32_t len);

/* Address classes (RFC 4291 2.4). */
static inline bool nlrs_ipv6_is_unspecified(const uint8_t a[16])
{
	for (int i = 0; i < 16; i++)
		if (a[i])
			return false;
	return true;
}
static inline bool nlrs_ipv6_is_loopback(const uint8_t a[16])
{
	for (int i = 0; i < 15; i++)
		if (a[i])
			return false;
	return a[15] == 1;
}
static inline bool nlrs_ipv6_is_multicast(const uint8_t a[16])
{
	return a[0] == 0xff;
}
/* fe80::/10 (RFC 4291 2.5.6) */
static inline bool nlrs_ipv6_is_link_local(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}
/* ::ffff:0:0/96 (RFC 4291 2.5.5.2) */
static inline bool nlrs_ipv6_is_v4mapped(const uint8_t a[16])
{
	for (int i = 0; i < 10; i++)
		if (a[i])
			return false;
	return a[10] == 0xff && a[11] == 0xff;
}
/* Solicited-node multicast address ff02::1:ffXX:XXXX of a (RFC 4291 2.7.1). */
static inline void nlrs_ipv6_solicited_node(const uint8_t a[16], uint8_t out[16])
{
	static const uint8_t pfx[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };
	uint8_t low[3] = { a[13], a[14], a[15] }; /* a and out may alias */

	nlrs_memcpy(out, pfx, sizeof pfx);
	nlrs_memcpy(out + 13, low, 3);
}
/* Ethernet MAC of a multicast address: 33:33 and its low 32 bits (RFC 2464 7). */
static inline void nlrs_ipv6_mcast_mac(const uint8_t a[16], uint8_t mac[6])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	mac[2] = a[12];
	mac[3] = a[13];
	mac[4] = a[14];
	mac[5] = a[15];
}

#endif
