/* SPDX-License-Identifier: BSD-2-Clause */
/* ARP for IPv4 over Ethernet (RFC 826). */
#ifndef NLRS_WIRE_ARP_H
#define NLRS_WIRE_ARP_H

#include "wire.h"

#define NLRS_ARP_LEN 28
#define NLRS_ARP_REQUEST 1
#define NLRS_ARP_REPLY 2

struct nlrs_arp_pkt {
	uint16_t op;
	uint8_t sha[6];
	uint32_t spa;   /* host order */
	uint8_t tha[6];
	uint32_t tpa;   /* host order */
};

/* Parse; returns 28 or a negative error. Hardware type other than 1
 * (Ethernet), protocol type other than 0x0800, hlen != 6 or plen != 4 is
 * NLRS_WIRE_BAD_FORMAT; op other than request/reply is NLRS_WIRE_BAD_FORMAT;
 * fewer than 28 bytes is NLRS_WIRE_SHORT. Trailing padding is ignored. */
int nlrs_arp_parse(const uint8_t *p, size_t len, struct nlrs_arp_pkt *a);

/* Write 28 bytes; returns 28 or NLRS_WIRE_NOSPACE. */
int nlrs_arp_emit(uint8_t *p, size_t len, const struct nlrs_arp_pkt *a);

#endif
