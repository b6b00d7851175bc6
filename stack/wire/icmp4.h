/* SPDX-License-Identifier: BSD-2-Clause */
/* ICMP for IPv4 (RFC 792, RFC 1122 3.2.2, RFC 1191). */
#ifndef NLRS_WIRE_ICMP4_H
#define NLRS_WIRE_ICMP4_H

#include "wire.h"
#include "ipv4.h"

#define NLRS_ICMP4_HLEN 8
#define NLRS_ICMP_ECHOREPLY 0
#define NLRS_ICMP_DEST_UNREACH 3
#define NLRS_ICMP_SOURCE_QUENCH 4
#define NLRS_ICMP_REDIRECT 5
#define NLRS_ICMP_ECHO 8
#define NLRS_ICMP_TIME_EXCEEDED 11
#define NLRS_ICMP_PARAMPROB 12
#define NLRS_ICMP_TIMESTAMP 13
#define NLRS_ICMP_TIMESTAMPREPLY 14

/* Destination unreachable codes */
#define NLRS_ICMP_NET_UNREACH 0
#define NLRS_ICMP_HOST_UNREACH 1
#define NLRS_ICMP_PROT_UNREACH 2
#define NLRS_ICMP_PORT_UNREACH 3
#define NLRS_ICMP_FRAG_NEEDED 4
/* Time exceeded codes */
#define NLRS_ICMP_EXC_TTL 0
#define NLRS_ICMP_EXC_FRAGTIME 1

struct nlrs_icmp4_hdr {
	uint8_t type, code;
	uint16_t csum;
	union {
		struct { uint16_t id, seq; } echo;
		struct { uint16_t unused, mtu; } frag; /* RFC 1191 next-hop MTU */
		uint8_t pointer;                        /* parameter problem */
		uint32_t gateway;                       /* redirect */
		uint32_t raw;
	} un;
};

/* len >= 8; returns 8 or NLRS_WIRE_SHORT. The checksum covers the whole
 * message and is checked by the caller (it may span buffers). */
int nlrs_icmp4_parse(const uint8_t *p, size_t len, struct nlrs_icmp4_hdr *h);

/* Write the 8-byte header with csum as given in h (compute it afterwards
 * over header + data); returns 8 or NLRS_WIRE_NOSPACE. */
int nlrs_icmp4_emit(uint8_t *p, size_t len, const struct nlrs_icmp4_hdr *h);

/* True for the error types that quote an offending datagram (3, 4, 5, 11, 12). */
bool nlrs_icmp4_is_error(uint8_t type);

/* For an error message body (after the 8-byte ICMP header): parse the
 * quoted IPv4 header and point at the first bytes of what it carried
 * (at least 8 are needed by RFC 792). Returns the quoted header length or
 * an error (NLRS_WIRE_SHORT if fewer than 8 transport bytes are quoted). */
int nlrs_icmp4_quote(const uint8_t *body, size_t len, struct nlrs_ipv4_hdr *inner,
		     const uint8_t **l4, size_t *l4len);

#endif
