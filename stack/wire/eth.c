/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * eth.c - Ethernet II framing with VLAN tags.
 *
 * Implements: parse and emit of the Ethernet II header (destination, source,
 * type: IEEE 802.3 clause 3.2.6 with the field >= 0x0600 read as an
 * EtherType, RFC 894), with up to NLRS_ETH_MAX_TAGS stacked tags of
 * IEEE 802.1Q (C-tag, TPID 0x8100) and IEEE 802.1ad (S-tag, TPID 0x88a8),
 * each a 2-byte TPID followed by a 2-byte TCI (PCP 3, DEI 1, VID 12;
 * IEEE 802.1Q 9.6).
 * Does not implement: 802.3 length frames with LLC/SNAP (RFC 1042) -
 * rejected as NLRS_WIRE_BAD_FORMAT; the FCS (devices strip it); minimum
 * frame padding (RFC 894: the caller pads to 60 bytes on transmit and
 * trims by the network-layer length on receive); the old
 * 0x9100 "QinQ" TPID; more than two tags.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "eth.h"

/* First value of the type/length field that is an EtherType; below it is an
 * IEEE 802.3 length (<= 1500) or undefined (1501..1535). IEEE 802.3 3.2.6. */
#define ETH_TYPE_MIN 0x0600

static int is_tag_tpid(uint16_t t)
{
	return t == NLRS_ETHERTYPE_VLAN || t == NLRS_ETHERTYPE_QINQ;
}

int nlrs_eth_parse(const uint8_t *p, size_t len, struct nlrs_eth_hdr *h)
{
	struct nlrs_eth_hdr e;
	size_t off = NLRS_ETH_HLEN;

	/* Lie: a runt shorter than two addresses and a type. */
	if (len < NLRS_ETH_HLEN)
		return NLRS_WIRE_SHORT;

	nlrs_memcpy(e.dst, p, NLRS_ETH_ALEN);
	nlrs_memcpy(e.src, p + NLRS_ETH_ALEN, NLRS_ETH_ALEN);
	e.type = nlrs_rd16(p + 12);
	e.ntags = 0;
	e.tpid[0] = e.tpid[1] = 0;
	e.tci[0] = e.tci[1] = 0;

	while (is_tag_tpid(e.type)) {
		/* Lie: a tag stack deeper than we read (a third tag would hide
		 * the real type from the checks below). */
		if (e.ntags == NLRS_ETH_MAX_TAGS)
			return NLRS_WIRE_BAD_FORMAT;
		/* Lie: a TPID that announces a tag the frame does not hold
		 * (TCI or inner type cut off). */
		if (len - off < 4)
			return NLRS_WIRE_SHORT;
		e.tpid[e.ntags] = e.type;
		e.tci[e.ntags] = nlrs_rd16(p + off);
		e.type = nlrs_rd16(p + off + 2);
		e.ntags++;
		off += 4;
	}

	/* An 802.3 length field (LLC follows), not an EtherType. */
	if (e.type < ETH_TYPE_MIN)
		return NLRS_WIRE_BAD_FORMAT;

	e.hlen = (uint16_t)off;
	*h = e;
	return (int)off;
}

int nlrs_eth_emit(uint8_t *p, size_t len, const struct nlrs_eth_hdr *h)
{
	size_t need;
	uint8_t *q;

	if (h->ntags > NLRS_ETH_MAX_TAGS)
		return NLRS_WIRE_BAD_FORMAT;
	need = NLRS_ETH_HLEN + 4u * h->ntags;
	if (len < need)
		return NLRS_WIRE_NOSPACE;

	nlrs_memmove(p, h->dst, NLRS_ETH_ALEN);
	nlrs_memmove(p + NLRS_ETH_ALEN, h->src, NLRS_ETH_ALEN);
	q = p + 12;
	for (unsigned i = 0; i < h->ntags; i++) {
		nlrs_wr16(q, h->tpid[i]);
		nlrs_wr16(q + 2, h->tci[i]);
		q += 4;
	}
	nlrs_wr16(q, h->type);
	return (int)need;
}
