/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cslip.c - Van Jacobson TCP/IP header compression (RFC 1144) for SLIP.
 *
 * Implements: the three packet types (3.2: TYPE_IP, UNCOMPRESSED_TCP,
 * COMPRESSED_TCP); 16 connection states each way; the change mask
 * C I P S A W U with the delta encoding of 3.2.3 (one byte 1..255, else a
 * zero then two bytes); the special cases SPECIAL_I (echoed interactive
 * traffic, S and A both advance by the last segment's length) and
 * SPECIAL_D (unidirectional data, S advances by it) of 3.2.3, and the
 * reason a sender never uses the masks that spell them (SA W U / S A W U)
 * for a real change; connection-number elision (C bit omitted when the
 * slot is the last one sent); the error rules of 4.1/4.2: an error or a
 * frame the framer lost puts the decompressor in toss state, which drops
 * compressed packets until one carries an explicit connection number (C)
 * or an UNCOMPRESSED_TCP packet arrives.
 * What the compressor leaves alone (3.2.2/3.2.3): non-TCP and IP
 * fragments, packets with SYN/FIN/RST or without ACK (TYPE_IP); a change
 * in TOS, fragment field, TTL, IP or TCP options, header length, urgent
 * pointer without URG, or a sequence/acknowledgement jump past 65535
 * (UNCOMPRESSED_TCP, which refreshes the state).
 * Input is untrusted: every reference is checked (a slot never set up, a
 * slot number past 15, a header that does not fit, deltas running past the
 * packet, a rebuilt length past 65535 are all errors that toss); on error
 * the slot is left as it was (a rebuilt header is committed only when the
 * whole packet decoded).
 * Does not: IPv6 (RFC 2507), the negotiation of slots (PPP's IPCP; SLIP
 * has none: both ends are configured with 16).
 * No OS calls, no allocation.
 */
#include <string.h>

#include "slip_priv.h"

/* change mask bits (RFC 1144 3.2.2, A.2) */
#define NEW_C 0x40
#define NEW_I 0x20
#define TCP_PUSH_BIT 0x10
#define NEW_S 0x08
#define NEW_A 0x04
#define NEW_W 0x02
#define NEW_U 0x01
/* the two masks no real change produces (3.2.3) */
#define SPECIAL_I (NEW_S | NEW_W | NEW_U)
#define SPECIAL_D (NEW_S | NEW_A | NEW_W | NEW_U)
#define SPECIALS_MASK (NEW_S | NEW_A | NEW_W | NEW_U)

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PUSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20

#define NO_SLOT 0xff

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* RFC 1071 over an IPv4 header whose checksum field is zero. */
static uint16_t ip_csum(const uint8_t *h, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += rd16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void nlrs__cslip_init(struct nlrs__cslip *c)
{
	memset(c, 0, sizeof(*c));
	c->last_xmit = NO_SLOT;
	c->last_recv = NO_SLOT;
	/* 4.2: nothing to refer to yet, so compressed packets without C are
	 * discarded until a reference arrives */
	c->toss = true;
}

void nlrs__cslip_toss(struct nlrs__cslip *c)
{
	c->toss = true;
}

/* ---- compressor ---- */

/* 3.2.3: a delta of 1..255 is one byte; 0 or 256..65535 is a zero then
 * two bytes. `z` says a zero value is possible (urgent pointer, IP id). */
static uint8_t *encode(uint8_t *p, uint16_t v)
{
	if (v == 0 || v > 255) {
		*p++ = 0;
		*p++ = (uint8_t)(v >> 8);
		*p++ = (uint8_t)v;
	} else {
		*p++ = (uint8_t)v;
	}
	return p;
}

static struct nlrs__cslip_slot *tx_lookup(struct nlrs__cslip *c, const uint8_t *ip, size_t ihl,
					  uint8_t *slot, bool *hit)
{
	struct nlrs__cslip_slot *lru = NULL;
	unsigned lru_i = 0;

	c->st.tx_searches++;
	for (unsigned i = 0; i < NLRS__CSLIP_SLOTS; i++) {
		struct nlrs__cslip_slot *s = &c->tx[i];

		if (s->valid) {
			size_t oihl = (size_t)(s->hdr[0] & 0x0f) * 4u;

			/* a connection: addresses and ports (3.2.2) */
			if (!memcmp(s->hdr + 12, ip + 12, 8) && !memcmp(s->hdr + oihl, ip + ihl, 4)) {
				*slot = (uint8_t)i;
				*hit = true;
				return s;
			}
		}
		if (!lru || (lru->valid && (!s->valid || s->lru < lru->lru))) {
			lru = s;
			lru_i = i;
		}
	}
	c->st.tx_misses++;
	*slot = (uint8_t)lru_i;
	*hit = false;
	return lru;
}

uint8_t nlrs__cslip_compress(struct nlrs__cslip *c, uint8_t *pkt, size_t len, size_t *off)
{
	struct nlrs__cslip_slot *s;
	uint8_t deltas[16], *dp = deltas, *o, *oth, *th, changes = 0, slot;
	size_t ihl, thl, hlen, n, clen;
	uint32_t da = 0, ds = 0;
	uint16_t csum, otot;
	bool hit;

	*off = 0;
	/* 3.2.2: only TCP over IPv4, unfragmented, ACK set, no SYN/FIN/RST */
	if (len < 40 || (pkt[0] >> 4) != 4 || pkt[9] != 6 || (rd16(pkt + 6) & 0x3fff))
		goto type_ip;
	ihl = (size_t)(pkt[0] & 0x0f) * 4u;
	if (ihl < 20 || rd16(pkt + 2) != len || len < ihl + 20)
		goto type_ip;
	th = pkt + ihl;
	thl = (size_t)(th[12] >> 4) * 4u;
	if (thl < 20 || ihl + thl > len)
		goto type_ip;
	hlen = ihl + thl;
	if ((th[13] & (TH_SYN | TH_FIN | TH_RST | TH_ACK)) != TH_ACK)
		goto type_ip;

	s = tx_lookup(c, pkt, ihl, &slot, &hit);
	s->lru = ++c->tx_clock;
	if (!hit)
		goto uncompressed;
	o = s->hdr;
	oth = o + ihl;
	/* 3.2.3: fields expected to stay constant; a change is sent in full */
	if (s->hlen != hlen || o[0] != pkt[0] || o[1] != pkt[1] || rd16(o + 6) != rd16(pkt + 6) ||
	    o[8] != pkt[8] || oth[12] != th[12] ||
	    /* flags other than PSH and URG (ECE, CWR: RFC 3168 came later)
	     * are not in the change mask */
	    ((oth[13] ^ th[13]) & (uint8_t)~(TH_PUSH | TH_URG)) ||
	    (ihl > 20 && memcmp(o + 20, pkt + 20, ihl - 20)) ||
	    (thl > 20 && memcmp(oth + 20, th + 20, thl - 20)))
		goto uncompressed;

	if (th[13] & TH_URG) {
		dp = encode(dp, rd16(th + 18));
		changes |= NEW_U;
	} else if (rd16(th + 18) != rd16(oth + 18)) {
		/* an urgent pointer without URG: no way to say it */
		goto uncompressed;
	}
	{
		uint16_t dw = (uint16_t)(rd16(th + 14) - rd16(oth + 14));

		if (dw) {
			dp = encode(dp, dw);
			changes |= NEW_W;
		}
	}
	da = rd32(th + 8) - rd32(oth + 8);
	if (da) {
		if (da > 0xffff)
			goto uncompressed;
		dp = encode(dp, (uint16_t)da);
		changes |= NEW_A;
	}
	ds = rd32(th + 4) - rd32(oth + 4);
	if (ds) {
		if (ds > 0xffff)
			goto uncompressed;
		dp = encode(dp, (uint16_t)ds);
		changes |= NEW_S;
	}
	otot = rd16(o + 2);
	switch (changes) {
	case 0:
		/* Nothing changed: data after a pure ACK (interactive) goes
		 * compressed; anything else is probably a retransmission or a
		 * window probe: sent whole, in case the peer missed the
		 * compressed original (A.3). */
		if (len != otot && otot == hlen)
			break;
		goto uncompressed;
	case SPECIAL_I:
	case SPECIAL_D:
		/* a real change that reads as a special case: send it whole */
		goto uncompressed;
	case NEW_S | NEW_A:
		if (ds == da && ds == (uint32_t)(otot - hlen)) {
			changes = SPECIAL_I; /* echoed terminal traffic */
			dp = deltas;
		}
		break;
	case NEW_S:
		if (ds == (uint32_t)(otot - hlen)) {
			changes = SPECIAL_D; /* one-way data */
			dp = deltas;
		}
		break;
	default:
		break;
	}
	{
		uint16_t di = (uint16_t)(rd16(pkt + 4) - rd16(o + 4));

		if (di != 1) {
			dp = encode(dp, di);
			changes |= NEW_I;
		}
	}
	if (th[13] & TH_PUSH)
		changes |= TCP_PUSH_BIT;
	csum = rd16(th + 16);
	memcpy(s->hdr, pkt, hlen);

	n = (size_t)(dp - deltas);
	clen = 1 + 2 + n;
	if (c->no_cid_compress || c->last_xmit != slot) {
		changes |= NEW_C;
		clen++;
	}
	c->last_xmit = slot;
	/* the compressed header ends where the payload starts */
	*off = hlen - clen;
	o = pkt + *off;
	*o++ = (uint8_t)(NLRS__CSLIP_TYPE_COMPRESSED_TCP | changes);
	if (changes & NEW_C)
		*o++ = slot;
	wr16(o, csum);
	memcpy(o + 2, deltas, n);
	c->st.tx_compressed++;
	return NLRS__CSLIP_TYPE_COMPRESSED_TCP;

uncompressed:
	memcpy(s->hdr, pkt, hlen);
	s->hlen = (uint8_t)hlen;
	s->valid = true;
	c->last_xmit = slot;
	pkt[9] = slot;
	pkt[0] = (uint8_t)((pkt[0] & 0x0f) | NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
	c->st.tx_uncompressed++;
	return NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP;

type_ip:
	c->st.tx_ip++;
	return NLRS__CSLIP_TYPE_IP;
}

/* ---- decompressor ---- */

/* Cursor over the compressed header: fails closed. */
struct cur {
	const uint8_t *p;
	size_t left;
};

static int get8(struct cur *k, uint8_t *v)
{
	if (k->left < 1)
		return -1;
	*v = *k->p++;
	k->left--;
	return 0;
}

/* a 3.2.3 delta: 1..255 in one byte, else 0 and two bytes */
static int get_delta(struct cur *k, uint16_t *v)
{
	uint8_t b, hi, lo;

	if (get8(k, &b))
		return -1;
	if (b) {
		*v = b;
		return 0;
	}
	if (get8(k, &hi) || get8(k, &lo))
		return -1;
	*v = (uint16_t)(hi << 8 | lo);
	return 0;
}

static int rx_uncompressed(struct nlrs__cslip *c, const uint8_t *in, size_t len, uint8_t *hdr,
			   size_t *hlen, size_t *payload_off)
{
	size_t ihl, thl;
	uint8_t slot;

	/* Lies caught: a header length below the minimum or past the packet,
	 * a slot number past the table. */
	if (len < 40)
		return -1;
	ihl = (size_t)(in[0] & 0x0f) * 4u;
	if (ihl < 20 || len < ihl + 20)
		return -1;
	thl = (size_t)(in[ihl + 12] >> 4) * 4u;
	if (thl < 20 || len < ihl + thl)
		return -1;
	slot = in[9];
	if (slot >= NLRS__CSLIP_SLOTS)
		return -1;
	memcpy(hdr, in, ihl + thl);
	hdr[0] = (uint8_t)(0x40 | (in[0] & 0x0f));
	hdr[9] = 6;
	memcpy(c->rx[slot].hdr, hdr, ihl + thl);
	c->rx[slot].hlen = (uint8_t)(ihl + thl);
	c->rx[slot].valid = true;
	c->last_recv = slot;
	c->toss = false; /* 4.2: a fresh reference ends the toss state */
	*hlen = ihl + thl;
	*payload_off = ihl + thl;
	c->st.rx_uncompressed++;
	return 0;
}

static int rx_compressed(struct nlrs__cslip *c, const uint8_t *in, size_t len, uint8_t *hdr,
			 size_t *hlen, size_t *payload_off)
{
	struct cur k = { in, len };
	struct nlrs__cslip_slot *s;
	uint8_t changes, slot, *th, b1, b2;
	uint16_t v;
	size_t ihl, total;

	if (get8(&k, &changes))
		return -1;
	if (changes & NEW_C) {
		if (get8(&k, &slot) || slot >= NLRS__CSLIP_SLOTS || !c->rx[slot].valid)
			return -1; /* a slot never set up: nothing to rebuild from */
		c->toss = false;
		c->last_recv = slot;
	} else {
		if (c->toss) {
			/* 4.2: an earlier packet was lost; this delta may
			 * refer to it */
			c->st.rx_tossed++;
			return -2;
		}
		slot = c->last_recv;
		if (slot >= NLRS__CSLIP_SLOTS || !c->rx[slot].valid)
			return -1;
	}
	s = &c->rx[slot];
	/* work on a copy: the slot changes only if the whole packet decodes */
	memcpy(hdr, s->hdr, s->hlen);
	ihl = (size_t)(hdr[0] & 0x0f) * 4u;
	th = hdr + ihl;
	if (get8(&k, &b1) || get8(&k, &b2))
		return -1;
	th[16] = b1; /* the TCP checksum, sent as is */
	th[17] = b2;
	if (changes & TCP_PUSH_BIT)
		th[13] |= TH_PUSH;
	else
		th[13] &= (uint8_t)~TH_PUSH;

	switch (changes & SPECIALS_MASK) {
	case SPECIAL_I: {
		uint32_t d = (uint32_t)(rd16(hdr + 2) - s->hlen);

		wr32(th + 8, rd32(th + 8) + d);
		wr32(th + 4, rd32(th + 4) + d);
		break;
	}
	case SPECIAL_D:
		wr32(th + 4, rd32(th + 4) + (uint32_t)(rd16(hdr + 2) - s->hlen));
		break;
	default:
		if (changes & NEW_U) {
			th[13] |= TH_URG;
			if (get_delta(&k, &v))
				return -1;
			wr16(th + 18, v);
		} else {
			th[13] &= (uint8_t)~TH_URG;
		}
		if (changes & NEW_W) {
			if (get_delta(&k, &v))
				return -1;
			wr16(th + 14, (uint16_t)(rd16(th + 14) + v));
		}
		if (changes & NEW_A) {
			if (get_delta(&k, &v))
				return -1;
			wr32(th + 8, rd32(th + 8) + v);
		}
		if (changes & NEW_S) {
			if (get_delta(&k, &v))
				return -1;
			wr32(th + 4, rd32(th + 4) + v);
		}
		break;
	}
	if (changes & NEW_I) {
		if (get_delta(&k, &v))
			return -1;
		wr16(hdr + 4, (uint16_t)(rd16(hdr + 4) + v));
	} else {
		wr16(hdr + 4, (uint16_t)(rd16(hdr + 4) + 1));
	}
	/* Lie caught: a payload that would make the datagram longer than
	 * IPv4 can say. */
	total = s->hlen + k.left;
	if (total > 65535)
		return -1;
	wr16(hdr + 2, (uint16_t)total);
	wr16(hdr + 10, 0);
	wr16(hdr + 10, ip_csum(hdr, ihl));
	memcpy(s->hdr, hdr, s->hlen);
	*hlen = s->hlen;
	*payload_off = len - k.left;
	c->st.rx_compressed++;
	return 0;
}

int nlrs__cslip_uncompress(struct nlrs__cslip *c, const uint8_t *in, size_t len, uint8_t *hdr,
			   size_t *hlen, size_t *payload_off)
{
	int rc;

	*hlen = 0;
	*payload_off = 0;
	if (len == 0) {
		rc = -1;
	} else if (in[0] & NLRS__CSLIP_TYPE_COMPRESSED_TCP) {
		rc = rx_compressed(c, in, len, hdr, hlen, payload_off);
	} else if (in[0] >= NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP) {
		rc = rx_uncompressed(c, in, len, hdr, hlen, payload_off);
	} else {
		/* TYPE_IP (and any other version nibble: IPv6 passes through
		 * as Linux's slhc lets it; the stack judges the datagram) */
		c->st.rx_ip++;
		return 0;
	}
	if (rc == -1) {
		c->st.rx_errors++;
		c->toss = true; /* 4.1: resync on the next explicit reference */
		*hlen = 0;
		*payload_off = 0;
	}
	return rc;
}
