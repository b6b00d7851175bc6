/* SPDX-License-Identifier: BSD-2-Clause */
/* ICMPv6 (RFC 4443) and Neighbor Discovery messages and options (RFC 4861,
 * RFC 4191 route information). */
#ifndef NLRS_WIRE_ICMP6_H
#define NLRS_WIRE_ICMP6_H

#include "wire.h"

#define NLRS_ICMP6_HLEN 8     /* type, code, checksum, 32-bit data word */
#define NLRS_ICMP6_MIN_HLEN 4 /* type, code, checksum */

/* Errors (RFC 4443 3) */
#define NLRS_ICMP6_DEST_UNREACH 1
#define NLRS_ICMP6_PKT_TOO_BIG 2
#define NLRS_ICMP6_TIME_EXCEEDED 3
#define NLRS_ICMP6_PARAMPROB 4
/* Informational (RFC 4443 4, RFC 2710, RFC 3810, RFC 4861) */
#define NLRS_ICMP6_ECHO_REQUEST 128
#define NLRS_ICMP6_ECHO_REPLY 129
#define NLRS_ICMP6_MLD_QUERY 130
#define NLRS_ICMP6_MLD_REPORT 131
#define NLRS_ICMP6_MLD_DONE 132
#define NLRS_ICMP6_ND_RS 133
#define NLRS_ICMP6_ND_RA 134
#define NLRS_ICMP6_ND_NS 135
#define NLRS_ICMP6_ND_NA 136
#define NLRS_ICMP6_ND_REDIRECT 137
#define NLRS_ICMP6_MLD2_REPORT 143

/* Destination unreachable codes (RFC 4443 3.1) */
#define NLRS_ICMP6_UNREACH_NOROUTE 0
#define NLRS_ICMP6_UNREACH_ADMIN 1
#define NLRS_ICMP6_UNREACH_BEYOND_SCOPE 2
#define NLRS_ICMP6_UNREACH_ADDR 3
#define NLRS_ICMP6_UNREACH_PORT 4
/* Parameter problem codes (RFC 4443 3.4) */
#define NLRS_ICMP6_PARAMPROB_HEADER 0
#define NLRS_ICMP6_PARAMPROB_NEXTHEADER 1
#define NLRS_ICMP6_PARAMPROB_OPTION 2

struct nlrs_icmp6_hdr {
	uint8_t type, code;
	uint16_t csum;
	uint32_t data; /* echo: id << 16 | seq; too big: MTU; param. problem: pointer */
};

/* Parse the ICMPv6 header. Every type this file names (errors 1-4, echo,
 * MLD, ND) has the 32-bit data word (RFC 4443 2.1, 3, 4; RFC 4861 4):
 * it needs len >= 8 and returns 8. Other types need only the 4 bytes every
 * message has (RFC 4443 2.1); they return 8 with data read when len >= 8,
 * else 4 with data 0. Short input: NLRS_WIRE_SHORT. The checksum covers
 * the pseudo-header and the whole message and is the caller's to verify
 * (nlrs_csum_pseudo6 in ipv6.h). */
int nlrs_icmp6_parse(const uint8_t *p, size_t len, struct nlrs_icmp6_hdr *h);

/* Write the 8-byte header with csum as given in h; returns 8 or
 * NLRS_WIRE_NOSPACE. */
int nlrs_icmp6_emit(uint8_t *p, size_t len, const struct nlrs_icmp6_hdr *h);

/* RFC 4443 2.1: error messages have types 0-127. */
bool nlrs_icmp6_is_error(uint8_t type);

/* ---- Neighbor Discovery messages (RFC 4861 4) ----
 * Each parse takes the whole ICMPv6 message (from its type octet), checks
 * type, code 0 and the fixed length, and that every option has a nonzero
 * length inside the message (RFC 4861 6.1.1, 6.1.2, 7.1.1, 7.1.2, 8.1).
 * It returns the fixed length (where the options start), or
 * NLRS_WIRE_SHORT / NLRS_WIRE_BAD_FORMAT (wrong type or code) /
 * NLRS_WIRE_BAD_OPTION. The hop limit 255, checksum and source-address
 * rules of those sections need the IPv6 header: the stack checks them. */

#define NLRS_ND_RS_LEN 8
#define NLRS_ND_RA_LEN 16
#define NLRS_ND_NS_LEN 24
#define NLRS_ND_NA_LEN 24
#define NLRS_ND_REDIRECT_LEN 40

struct nlrs_nd_opts {
	const uint8_t *p; /* inside the parsed message; NULL if none */
	size_t len;
};

struct nlrs_nd_rs {
	struct nlrs_nd_opts opts;
};

#define NLRS_ND_RA_MANAGED 0x80
#define NLRS_ND_RA_OTHER 0x40
struct nlrs_nd_ra {
	uint8_t cur_hlim;
	uint8_t flags;       /* raw octet: M, O, and RFC 5175 / RFC 4191 bits */
	bool managed, other; /* M and O (RFC 4861 4.2) */
	uint16_t lifetime;   /* seconds */
	uint32_t reachable;  /* ms */
	uint32_t retrans;    /* ms */
	struct nlrs_nd_opts opts;
};

struct nlrs_nd_ns {
	uint8_t target[16];
	struct nlrs_nd_opts opts;
};

#define NLRS_ND_NA_ROUTER 0x80
#define NLRS_ND_NA_SOLICITED 0x40
#define NLRS_ND_NA_OVERRIDE 0x20
struct nlrs_nd_na {
	bool router, solicited, override; /* R, S, O (RFC 4861 4.4) */
	uint8_t target[16];
	struct nlrs_nd_opts opts;
};

struct nlrs_nd_redirect {
	uint8_t target[16];
	uint8_t dst[16];
	struct nlrs_nd_opts opts;
};

int nlrs_nd_rs_parse(const uint8_t *p, size_t len, struct nlrs_nd_rs *m);
int nlrs_nd_ra_parse(const uint8_t *p, size_t len, struct nlrs_nd_ra *m);
int nlrs_nd_ns_parse(const uint8_t *p, size_t len, struct nlrs_nd_ns *m);
int nlrs_nd_na_parse(const uint8_t *p, size_t len, struct nlrs_nd_na *m);
int nlrs_nd_redirect_parse(const uint8_t *p, size_t len, struct nlrs_nd_redirect *m);

/* ---- Neighbor Discovery options (RFC 4861 4.6) ---- */
#define NLRS_ND_OPT_SLLA 1
#define NLRS_ND_OPT_TLLA 2
#define NLRS_ND_OPT_PREFIX 3
#define NLRS_ND_OPT_REDIRECTED 4
#define NLRS_ND_OPT_MTU 5
#define NLRS_ND_OPT_ROUTE_INFO 24 /* RFC 4191 2.3 */
#define NLRS_ND_OPT_RDNSS 25      /* RFC 8106, not parsed here */

/* Option callback: the option's type, and the whole option (type and
 * length octets included) of optlen bytes (a multiple of 8, >= 8). A
 * nonzero return stops the walk and is returned. */
typedef int (*nlrs_nd_opt_cb)(void *ctx, uint8_t type, const uint8_t *opt, size_t optlen);

/* Walk the options area p[0..len): each option's length octet counts
 * 8-octet units. Length 0 (RFC 4861 4.6: "MUST silently discard") and an
 * option running past len (a trailing fragment of fewer than 2 bytes
 * included) are NLRS_WIRE_BAD_OPTION. Returns 0, the callback's value, or
 * that error. cb may be NULL (check only). */
int nlrs_nd_opts_walk(const uint8_t *p, size_t len, nlrs_nd_opt_cb cb, void *ctx);

/* Option parsers: opt and optlen as handed to the walk callback. Each
 * checks the type (NLRS_WIRE_BAD_FORMAT if it is another option) and the
 * fixed length (NLRS_WIRE_BAD_OPTION), and returns 0. */

/* Source/target link-layer address for Ethernet: length 1 (RFC 4861
 * 4.6.1, RFC 2464 6). Other link layers' lengths are refused. */
int nlrs_nd_opt_lladdr(const uint8_t *opt, size_t optlen, uint8_t mac[6]);

#define NLRS_ND_PREFIX_ONLINK 0x80
#define NLRS_ND_PREFIX_AUTO 0x40
struct nlrs_nd_prefix {
	uint8_t plen;         /* 0..128 (NLRS_WIRE_BAD_FORMAT above) */
	bool onlink, autonomous; /* L, A */
	uint32_t valid, preferred; /* seconds, 0xffffffff = infinity */
	uint8_t prefix[16];
};
/* Prefix information: length 4 (RFC 4861 4.6.2). */
int nlrs_nd_opt_prefix(const uint8_t *opt, size_t optlen, struct nlrs_nd_prefix *pi);

/* MTU: length 1 (RFC 4861 4.6.4). */
int nlrs_nd_opt_mtu(const uint8_t *opt, size_t optlen, uint32_t *mtu);

struct nlrs_nd_route_info {
	uint8_t plen;
	uint8_t prf;       /* 2 bits: 1 high, 0 medium, 3 low, 2 reserved */
	uint32_t lifetime; /* seconds */
	uint8_t prefix[16]; /* bytes not carried are zero */
};
/* Route information (RFC 4191 2.3): length 1, 2 or 3, prefix length
 * <= 128 (NLRS_WIRE_BAD_FORMAT) and consistent with the length: above 64
 * needs 3, above 0 needs 2 or 3 (NLRS_WIRE_BAD_OPTION). */
int nlrs_nd_opt_route_info(const uint8_t *opt, size_t optlen, struct nlrs_nd_route_info *ri);

#endif
