/* SPDX-License-Identifier: BSD-2-Clause */
/* ARP in its general form (RFC 826 "Packet format"): any hardware and
 * protocol type and address lengths, any operation (RARP, RFC 903;
 * InARP, RFC 2390). arp.h is the strict Ethernet/IPv4 view the stack uses. */
#ifndef NLRS_WIRE_ARP_ANY_H
#define NLRS_WIRE_ARP_ANY_H

#include "wire.h"

#define NLRS_ARP_FIXED_LEN 8

struct nlrs_arp_any {
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t op;
	/* addresses inside the parsed buffer, hlen/plen bytes each */
	const uint8_t *sha, *spa, *tha, *tpa;
	uint16_t len;   /* 8 + 2 * (hlen + plen) */
};

/* len >= 8 and >= 8 + 2 * (hlen + plen) (NLRS_WIRE_SHORT otherwise);
 * returns the message length. No value of htype/ptype/op is refused. */
int nlrs_arp_any_parse(const uint8_t *p, size_t len, struct nlrs_arp_any *a);
/* Write the message with the addresses from a's pointers (which must hold
 * hlen/plen bytes; NULL writes zeros). Returns its length or
 * NLRS_WIRE_NOSPACE. */
int nlrs_arp_any_emit(uint8_t *p, size_t len, const struct nlrs_arp_any *a);

#endif
