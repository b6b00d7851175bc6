/* SPDX-License-Identifier: BSD-2-Clause */
/* Ethernet II (IEEE 802.3 clause 3.2.6 type field) with 802.1Q/802.1ad tags. */
#ifndef NLRS_WIRE_ETH_H
#define NLRS_WIRE_ETH_H

#include "wire.h"

#define NLRS_ETH_ALEN 6
#define NLRS_ETH_HLEN 14
#define NLRS_ETH_MAX_TAGS 2
#define NLRS_ETHERTYPE_IPV4 0x0800
#define NLRS_ETHERTYPE_ARP 0x0806
#define NLRS_ETHERTYPE_VLAN 0x8100  /* 802.1Q C-tag */
#define NLRS_ETHERTYPE_QINQ 0x88a8  /* 802.1ad S-tag */
#define NLRS_ETHERTYPE_IPV6 0x86dd

struct nlrs_eth_hdr {
	uint8_t dst[NLRS_ETH_ALEN];
	uint8_t src[NLRS_ETH_ALEN];
	uint16_t type;                  /* EtherType after any tags */
	uint8_t ntags;                  /* 0..NLRS_ETH_MAX_TAGS */
	uint16_t tpid[NLRS_ETH_MAX_TAGS]; /* outermost first */
	uint16_t tci[NLRS_ETH_MAX_TAGS];  /* PCP(3) DEI(1) VID(12) */
	uint16_t hlen;                  /* bytes of header including tags */
};

/* Parse; returns hlen (>= 14) or a negative nlrs_wire_err. A type/length
 * field below 0x0600 (an 802.3 length, LLC) is NLRS_WIRE_BAD_FORMAT; more
 * than NLRS_ETH_MAX_TAGS tags is NLRS_WIRE_BAD_FORMAT; a tag cut short is
 * NLRS_WIRE_SHORT. */
int nlrs_eth_parse(const uint8_t *p, size_t len, struct nlrs_eth_hdr *h);

/* Write the header (with h->ntags tags); returns bytes written
 * (14 + 4 * ntags), NLRS_WIRE_NOSPACE, or NLRS_WIRE_BAD_FORMAT if
 * ntags > NLRS_ETH_MAX_TAGS. h->hlen is ignored. */
int nlrs_eth_emit(uint8_t *p, size_t len, const struct nlrs_eth_hdr *h);

static inline int nlrs_eth_is_broadcast(const uint8_t *mac)
{
	return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}
static inline int nlrs_eth_is_multicast(const uint8_t *mac) { return mac[0] & 1; }
static inline int nlrs_eth_is_zero(const uint8_t *mac)
{
	return (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0;
}

#endif
