/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * llc.c - IEEE 802.3 length framing, IEEE 802.2 LLC and SNAP.
 *
 * Implements: the 802.3 MAC header whose type/length field is a length
 * (IEEE 802.3 3.2.6: values up to 1500), checked against the frame's wire
 * length; the LLC header (IEEE 802.2 3.3: DSAP, SSAP, and a control field
 * of one octet for U-format PDUs or two for I/S-format); the SNAP header
 * (RFC 1042: DSAP = SSAP = 0xaa, UI, 3-octet OUI, 2-octet protocol id).
 * Does not implement: the protocols above LLC (STP, CDP, IPX, NetBIOS):
 * callers see the SAPs and the SNAP type; Novell "raw 802.3" (no LLC);
 * the group/response bits are kept in dsap/ssap as found.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "llc.h"

int nlrs_eth8023_parse(const uint8_t *p, size_t len, size_t wire_len, struct nlrs_eth8023_hdr *h)
{
	uint16_t l;

	/* Lie: a runt shorter than two addresses and a length. */
	if (len < NLRS_ETH8023_HLEN)
		return NLRS_WIRE_SHORT;
	if (wire_len < len)
		wire_len = len;
	l = nlrs_rd16(p + 12);
	/* Not a length: an EtherType (>= 0x600) or the undefined range. */
	if (l > NLRS_ETH8023_MAXLEN)
		return NLRS_WIRE_BAD_FORMAT;
	/* Lie: a length past the end of the frame (padding may follow a
	 * short one, so only "more than there is" is a lie). */
	if (l > wire_len - NLRS_ETH8023_HLEN)
		return NLRS_WIRE_BAD_LEN;
	nlrs_memcpy(h->dst, p, 6);
	nlrs_memcpy(h->src, p + 6, 6);
	h->length = l;
	return NLRS_ETH8023_HLEN;
}

int nlrs_eth8023_emit(uint8_t *p, size_t len, const struct nlrs_eth8023_hdr *h)
{
	if (len < NLRS_ETH8023_HLEN)
		return NLRS_WIRE_NOSPACE;
	nlrs_memmove(p, h->dst, 6);
	nlrs_memmove(p + 6, h->src, 6);
	nlrs_wr16(p + 12, h->length);
	return NLRS_ETH8023_HLEN;
}

int nlrs_llc_parse(const uint8_t *p, size_t len, struct nlrs_llc_hdr *h)
{
	struct nlrs_llc_hdr l;

	/* Lie: too short for DSAP, SSAP and a one-octet control field. */
	if (len < 3)
		return NLRS_WIRE_SHORT;
	nlrs_memset(&l, 0, sizeof l);
	l.dsap = p[0];
	l.ssap = p[1];
	/* IEEE 802.2 5.2: U-format control fields end in binary 11 and are
	 * one octet; I- and S-format are two. */
	if ((p[2] & 0x03) == 0x03) {
		l.control = p[2];
		l.ctl_len = 1;
	} else {
		/* Lie: an I/S-format PDU cut before its second control octet. */
		if (len < 4)
			return NLRS_WIRE_SHORT;
		l.control = nlrs_rd16(p + 2);
		l.ctl_len = 2;
	}
	l.hlen = (uint8_t)(2 + l.ctl_len);
	if (l.dsap == NLRS_LLC_SAP_SNAP && l.ssap == NLRS_LLC_SAP_SNAP && l.ctl_len == 1 &&
	    l.control == NLRS_LLC_UI) {
		/* Lie: SNAP announced but OUI and protocol id missing. */
		if (len < 8)
			return NLRS_WIRE_SHORT;
		l.snap = true;
		nlrs_memcpy(l.oui, p + 3, 3);
		l.type = nlrs_rd16(p + 6);
		l.hlen = 8;
	}
	*h = l;
	return l.hlen;
}

int nlrs_llc_emit(uint8_t *p, size_t len, const struct nlrs_llc_hdr *h)
{
	size_t need;

	if (h->ctl_len != 1 && h->ctl_len != 2)
		return NLRS_WIRE_BAD_FORMAT;
	need = 2u + h->ctl_len + (h->snap ? 5u : 0u);
	if (len < need)
		return NLRS_WIRE_NOSPACE;
	p[0] = h->dsap;
	p[1] = h->ssap;
	if (h->ctl_len == 1)
		p[2] = (uint8_t)h->control;
	else
		nlrs_wr16(p + 2, h->control);
	if (h->snap) {
		nlrs_memmove(p + 2 + h->ctl_len, h->oui, 3);
		nlrs_wr16(p + 5 + h->ctl_len, h->type);
	}
	return (int)need;
}
