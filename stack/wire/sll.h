/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux "cooked" capture headers: LINKTYPE_LINUX_SLL (v1, 16 bytes) and
 * LINKTYPE_LINUX_SLL2 (v2, 20 bytes), as libpcap writes them for the
 * "any" device. */
#ifndef NLRS_WIRE_SLL_H
#define NLRS_WIRE_SLL_H

#include "wire.h"

#define NLRS_SLL_HLEN 16
#define NLRS_SLL2_HLEN 20
#define NLRS_SLL_ADDRLEN 8

/* Packet types (Linux PACKET_*) */
#define NLRS_SLL_HOST 0
#define NLRS_SLL_BROADCAST 1
#define NLRS_SLL_MULTICAST 2
#define NLRS_SLL_OTHERHOST 3
#define NLRS_SLL_OUTGOING 4

/* Protocol values that are not EtherTypes (Linux ETH_P_*, < 0x0600). */
#define NLRS_SLL_P_802_3 0x0001 /* Novell 802.3 frames without 802.2 LLC */
#define NLRS_SLL_P_802_2 0x0004 /* 802.2 LLC follows */

struct nlrs_sll_hdr {
	uint8_t version;  /* 1 or 2 */
	uint16_t pkttype; /* v2 carries one byte */
	uint16_t hatype;  /* ARPHRD_* */
	uint16_t halen;   /* as found; v2 carries one byte */
	uint8_t addr[NLRS_SLL_ADDRLEN]; /* the first min(halen, 8) bytes, rest zero */
	uint16_t proto;
	uint32_t ifindex; /* v2 only */
};

/* v1: pkttype(2) hatype(2) halen(2) addr(8) protocol(2). Returns 16 or
 * NLRS_WIRE_SHORT. A halen above 8 is not a lie: the address field holds
 * its first 8 bytes (libpcap cuts it). */
int nlrs_sll_parse(const uint8_t *p, size_t len, struct nlrs_sll_hdr *h);
/* v2: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1)
 * addr(8). Returns 20 or NLRS_WIRE_SHORT. */
int nlrs_sll2_parse(const uint8_t *p, size_t len, struct nlrs_sll_hdr *h);
/* Emit v1 / v2 (h->version ignored); bytes written or NLRS_WIRE_NOSPACE. */
int nlrs_sll_emit(uint8_t *p, size_t len, const struct nlrs_sll_hdr *h);
int nlrs_sll2_emit(uint8_t *p, size_t len, const struct nlrs_sll_hdr *h);

#endif
