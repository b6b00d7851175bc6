/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vlan.c - a lone 802.1Q tag.
 *
 * Implements: the tag control information (IEEE 802.1Q 9.6: PCP 3 bits,
 * DEI 1, VID 12) and the type after it, for tags whose TPID sat in a
 * non-Ethernet header (eth.c reads tags inside Ethernet headers).
 * Does not implement: VID 0/4095 rules, priority mapping.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "vlan.h"

int nlrs_vlan_parse(const uint8_t *p, size_t len, struct nlrs_vlan_tag *t)
{
	/* Lie: a TPID announcing a tag the frame does not hold. */
	if (len < NLRS_VLAN_TAG_LEN)
		return NLRS_WIRE_SHORT;
	t->tci = nlrs_rd16(p);
	t->type = nlrs_rd16(p + 2);
	return NLRS_VLAN_TAG_LEN;
}

int nlrs_vlan_emit(uint8_t *p, size_t len, const struct nlrs_vlan_tag *t)
{
	if (len < NLRS_VLAN_TAG_LEN)
		return NLRS_WIRE_NOSPACE;
	nlrs_wr16(p, t->tci);
	nlrs_wr16(p + 2, t->type);
	return NLRS_VLAN_TAG_LEN;
}
