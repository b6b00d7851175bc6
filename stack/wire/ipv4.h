/* SPDX-License-Identifier: BSD-2-Clause */
/* IPv4 header (RFC 791), options walked but not acted on. */
#ifndef NLRS_WIRE_IPV4_H
#define NLRS_WIRE_IPV4_H

#include "wire.h"

#define NLRS_IPV4_HLEN 20
#define NLRS_IPV4_MAX_HLEN 60
#define NLRS_IPV4_DF 0x4000
#define NLRS_IPV4_MF 0x2000
#define NLRS_IPV4_OFFMASK 0x1fff

/* Option types (RFC 791 3.1) */
#define NLRS_IPOPT_EOL 0
#define NLRS_IPOPT_NOP 1

struct nlrs_ipv4_hdr {
	uint8_t hlen;       /* bytes, 20..60 */
	uint8_t tos;
	uint16_t tot_len;
	uint16_t id;
	uint8_t df, mf;
	uint16_t frag_off;  /* bytes (field * 8) */
	uint8_t ttl;
	uint8_t proto;
	uint16_t csum;      /* as found (parse) */
	uint32_t src, dst;  /* host order */
	const uint8_t *opts; /* inside the parsed buffer; NULL if none */
	uint8_t optlen;
};

/* Full check of a received header: len >= 20, version 4, 20 <= IHL*4 <= len,
 * IHL*4 <= total length <= len, header checksum verifies (when verify_csum),
 * options well formed (nlrs_ipv4_opts_check). Returns hlen or an error.
 * Bytes past tot_len (link padding) are the caller's to trim. */
int nlrs_ipv4_parse(const uint8_t *p, size_t len, struct nlrs_ipv4_hdr *h, bool verify_csum);

/* Looser check for the header quoted inside an ICMP error (RFC 792): the
 * quote is cut short, so total length is not checked against len and the
 * checksum is not verified. Version and IHL are. */
int nlrs_ipv4_parse_quoted(const uint8_t *p, size_t len, struct nlrs_ipv4_hdr *h);

/* Walk options: EOL ends, NOP is one byte, every other option has a length
 * byte >= 2 that must not run past optlen. 0 or NLRS_WIRE_BAD_OPTION. */
int nlrs_ipv4_opts_check(const uint8_t *opts, size_t optlen);

/* Write a header of 20 + h->optlen bytes (optlen a multiple of 4, <= 40)
 * with the checksum computed. h->hlen and h->csum are ignored. Returns the
 * header length, NLRS_WIRE_NOSPACE, NLRS_WIRE_BAD_OPTION, or
 * NLRS_WIRE_BAD_FORMAT if frag_off is not a multiple of 8. */
int nlrs_ipv4_emit(uint8_t *p, size_t len, const struct nlrs_ipv4_hdr *h);

/* Address classes (host order). */
static inline int nlrs_ipv4_is_multicast(uint32_t a) { return (a >> 28) == 0xe; }
static inline int nlrs_ipv4_is_limited_bcast(uint32_t a) { return a == 0xffffffffu; }
static inline int nlrs_ipv4_is_loopback(uint32_t a) { return (a >> 24) == 127; }
static inline int nlrs_ipv4_is_zeronet(uint32_t a) { return (a >> 24) == 0; }
static inline int nlrs_ipv4_is_class_e(uint32_t a) { return (a >> 28) == 0xf && a != 0xffffffffu; }

#endif
