/* SPDX-License-Identifier: BSD-2-Clause */
/* One IEEE 802.1Q / 802.1ad tag on its own: the 2-byte TCI and the
 * 2-byte type that follows it, where the TPID was the type field of an
 * outer header that is not Ethernet's (Linux cooked captures carry
 * 0x8100 in their protocol field, tunnels carry tagged frames). Tags
 * inside an Ethernet header are read by eth.h. */
#ifndef NLRS_WIRE_VLAN_H
#define NLRS_WIRE_VLAN_H

#include "wire.h"

#define NLRS_VLAN_TAG_LEN 4

struct nlrs_vlan_tag {
	uint16_t tci;  /* PCP(3) DEI(1) VID(12) */
	uint16_t type; /* what follows */
};

/* Returns 4 or NLRS_WIRE_SHORT. */
int nlrs_vlan_parse(const uint8_t *p, size_t len, struct nlrs_vlan_tag *t);
/* Write TCI and type (no TPID: the outer header carries it). */
int nlrs_vlan_emit(uint8_t *p, size_t len, const struct nlrs_vlan_tag *t);

static inline uint8_t nlrs_vlan_pcp(uint16_t tci) { return (uint8_t)(tci >> 13); }
static inline bool nlrs_vlan_dei(uint16_t tci) { return (tci & 0x1000) != 0; }
static inline uint16_t nlrs_vlan_vid(uint16_t tci) { return (uint16_t)(tci & 0x0fff); }

#endif
