/* SPDX-License-Identifier: BSD-2-Clause */
/* UDP header (RFC 768). */
#ifndef NLRS_WIRE_UDP_H
#define NLRS_WIRE_UDP_H

#include "wire.h"

#define NLRS_UDP_HLEN 8

struct nlrs_udp_hdr {
	uint16_t sport, dport;
	uint16_t len;   /* header + payload, from the header */
	uint16_t csum;  /* as found; 0 = not computed (IPv4 only) */
};

/* len >= 8, 8 <= h->len <= len; returns 8 or an error (NLRS_WIRE_SHORT,
 * NLRS_WIRE_BAD_LEN). The checksum is the caller's (pseudo-header). Bytes
 * past h->len are the caller's to trim. */
int nlrs_udp_parse(const uint8_t *p, size_t len, struct nlrs_udp_hdr *h);

/* Write 8 bytes as given (csum included; compute it after). */
int nlrs_udp_emit(uint8_t *p, size_t len, const struct nlrs_udp_hdr *h);

#endif
