/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arp.c - ARP packets for IPv4 over Ethernet.
 *
 * Implements: parse and emit of the RFC 826 packet with ar$hrd = 1
 * (Ethernet), ar$pro = 0x0800 (IPv4), ar$hln = 6, ar$pln = 4, ar$op
 * request (1) or reply (2): the 28-byte layout of RFC 826 "Packet format".
 * Does not implement: other hardware or protocol types (IEEE 1394,
 * InfiniBand, AppleTalk AARP) or RARP/InARP ops (RFC 903, RFC 2390) - all
 * NLRS_WIRE_BAD_FORMAT; the ARP cache and the RFC 826 "Packet reception"
 * algorithm (stack/arp.c); gratuitous-ARP and RFC 5227 conflict rules.
 * Link padding after the 28 bytes (frames are padded to 60) is ignored.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "arp.h"

#define ARP_HRD_ETHER 1
#define ARP_PRO_IPV4 0x0800

int nlrs_arp_parse(const uint8_t *p, size_t len, struct nlrs_arp_pkt *a)
{
	uint16_t op;

	/* Lie: a frame too short to hold the Ethernet/IPv4 ARP packet. */
	if (len < NLRS_ARP_LEN)
		return NLRS_WIRE_SHORT;
	/* Lie: address lengths other than 6/4 would move every field after
	 * them (RFC 826: the addresses are ar$hln and ar$pln bytes long), so
	 * reading the fixed layout would take the wrong bytes. Check the
	 * lengths before trusting any offset past byte 8. */
	if (nlrs_rd16(p) != ARP_HRD_ETHER || nlrs_rd16(p + 2) != ARP_PRO_IPV4 || p[4] != 6 ||
	    p[5] != 4)
		return NLRS_WIRE_BAD_FORMAT;
	op = nlrs_rd16(p + 6);
	if (op != NLRS_ARP_REQUEST && op != NLRS_ARP_REPLY)
		return NLRS_WIRE_BAD_FORMAT;

	a->op = op;
	nlrs_memcpy(a->sha, p + 8, 6);
	a->spa = nlrs_rd32(p + 14);
	nlrs_memcpy(a->tha, p + 18, 6);
	a->tpa = nlrs_rd32(p + 24);
	return NLRS_ARP_LEN;
}

int nlrs_arp_emit(uint8_t *p, size_t len, const struct nlrs_arp_pkt *a)
{
	if (len < NLRS_ARP_LEN)
		return NLRS_WIRE_NOSPACE;
	nlrs_wr16(p, ARP_HRD_ETHER);
	nlrs_wr16(p + 2, ARP_PRO_IPV4);
	p[4] = 6;
	p[5] = 4;
	nlrs_wr16(p + 6, a->op);
	nlrs_memmove(p + 8, a->sha, 6);
	nlrs_wr32(p + 14, a->spa);
	nlrs_memmove(p + 18, a->tha, 6);
	nlrs_wr32(p + 24, a->tpa);
	return NLRS_ARP_LEN;
}
