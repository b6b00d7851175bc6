/* SPDX-License-Identifier: BSD-2-Clause */
/* Van Jacobson TCP/IP header compression (netdev/cslip.c, RFC 1144):
 * round trips of TCP header sequences through a compressor and a
 * decompressor, every special-case encoding, and lying input. */
#include <string.h>
#include <criterion/criterion.h>
#include "slip_priv.h"
#include "wire/slip.h" /* the packet types as libpcap's SLIP view knows them */

static struct nlrs__cslip tx, rx;

static void setup(void)
{
	nlrs__cslip_init(&tx);
	nlrs__cslip_init(&rx);
}

TestSuite(cslip, .init = setup);

struct tcpp {
	uint32_t src, dst;
	uint16_t sport, dport, id, win, urp;
	uint32_t seq, ack;
	uint8_t flags, ttl, tos;
	size_t optlen; /* TCP options (NOPs + a timestamp-like blob) */
	uint32_t optval;
	size_t payload;
};

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* An IPv4/TCP packet; the TCP checksum is a made-up value (CSLIP carries
 * it as is), the IP checksum is right (CSLIP recomputes it). */
static size_t mk(uint8_t *p, const struct tcpp *t)
{
	size_t thl = 20 + t->optlen, len = 20 + thl + t->payload;

	memset(p, 0, len);
	p[0] = 0x45;
	p[1] = t->tos;
	wr16(p + 2, (uint16_t)len);
	wr16(p + 4, t->id);
	wr16(p + 6, 0x4000); /* DF */
	p[8] = t->ttl ? t->ttl : 64;
	p[9] = 6;
	wr32(p + 12, t->src);
	wr32(p + 16, t->dst);
	uint8_t *th = p + 20;
	wr16(th, t->sport);
	wr16(th + 2, t->dport);
	wr32(th + 4, t->seq);
	wr32(th + 8, t->ack);
	th[12] = (uint8_t)((thl / 4) << 4);
	th[13] = t->flags;
	wr16(th + 14, t->win);
	wr16(th + 16, (uint16_t)(t->seq * 31u + t->ack + t->id)); /* "checksum" */
	wr16(th + 18, t->urp);
	for (size_t i = 0; i < t->optlen; i++)
		th[20 + i] = 1;
	if (t->optlen >= 8) {
		th[20 + t->optlen - 4] = (uint8_t)(t->optval >> 24);
		th[20 + t->optlen - 3] = (uint8_t)(t->optval >> 16);
		th[20 + t->optlen - 2] = (uint8_t)(t->optval >> 8);
		th[20 + t->optlen - 1] = (uint8_t)t->optval;
	}
	for (size_t i = 0; i < t->payload; i++)
		th[thl + i] = (uint8_t)(i + t->seq);
	wr16(p + 10, csum(p, 20));
	return len;
}

/* Send through the compressor, decompress, check the rebuilt datagram is
 * byte for byte the original. Returns the type; *clen the wire length and
 * *cbyte the first wire byte. */
static uint8_t trip(const struct tcpp *t, size_t *clen, uint8_t *cbyte)
{
	uint8_t orig[2000], work[2000], hdr[NLRS__CSLIP_MAX_HDR], out[2100];
	size_t len = mk(orig, t), off, hl, po;

	memcpy(work, orig, len);
	uint8_t type = nlrs__cslip_compress(&tx, work, len, &off);
	if (type == NLRS__CSLIP_TYPE_COMPRESSED_TCP)
		cr_assert(work[off] & 0x80);
	else
		cr_assert_eq(work[off] & 0xf0, type);
	int rc = nlrs__cslip_uncompress(&rx, work + off, len - off, hdr, &hl, &po);
	cr_assert_eq(rc, 0, "type %#x rejected", type);
	memcpy(out, hdr, hl);
	memcpy(out + hl, work + off + po, len - off - po);
	if (hl == 0)
		memcpy(out, work + off, len - off);
	cr_assert_eq(hl + (len - off - po), len);
	cr_assert_arr_eq(out, orig, len, "rebuilt datagram differs (type %#x)", type);
	if (clen)
		*clen = len - off;
	if (cbyte)
		*cbyte = work[off];
	return type;
}

static struct tcpp base(void)
{
	struct tcpp t = { .src = 0xc0000201u, .dst = 0xc0000202u, .sport = 40000, .dport = 80,
			  .id = 100, .win = 8192, .seq = 1000, .ack = 5000, .flags = 0x10 };
	return t;
}

Test(cslip, packet_types_agree_with_the_wire_view)
{
	cr_assert_eq(NLRS__CSLIP_TYPE_IP, NLRS_SLIP_TYPE_IP);
	cr_assert_eq(NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP, NLRS_SLIP_TYPE_UNCOMPRESSED_TCP);
	cr_assert_eq(NLRS__CSLIP_TYPE_COMPRESSED_TCP, NLRS_SLIP_TYPE_COMPRESSED_TCP);
}

Test(cslip, first_packet_is_uncompressed_then_one_way_data_is_special_d)
{
	struct tcpp t = base();
	size_t clen;
	uint8_t c;

	t.payload = 512;
	cr_assert_eq(trip(&t, &clen, &c), NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
	for (int i = 0; i < 10; i++) {
		t.seq += 512;
		t.id++;
		cr_assert_eq(trip(&t, &clen, &c), NLRS__CSLIP_TYPE_COMPRESSED_TCP);
		cr_assert_eq(c & 0x0f, 0x0f, "SPECIAL_D is S A W U");
		/* change byte + checksum only (the slot is the last one sent) */
		cr_assert_eq(clen - 512, 3u);
	}
	cr_assert_eq(tx.st.tx_compressed, 10);
	cr_assert_eq(rx.st.rx_compressed, 10);
}

Test(cslip, echoed_interactive_traffic_is_special_i)
{
	struct tcpp t = base();
	uint8_t c;

	t.payload = 1;
	trip(&t, NULL, NULL);
	t.seq += 1;
	t.ack += 1; /* the echo of the one byte */
	t.id++;
	cr_assert_eq(trip(&t, NULL, &c), NLRS__CSLIP_TYPE_COMPRESSED_TCP);
	cr_assert_eq(c & 0x0f, 0x0b, "SPECIAL_I is S W U");
}

Test(cslip, each_field_change_and_the_long_delta_form)
{
	struct tcpp t = base();
	size_t clen;
	uint8_t c;

	trip(&t, NULL, NULL); /* pure ACK */
	t.ack += 1460;        /* > 255: zero then two bytes */
	t.id++;
	cr_assert_eq(trip(&t, &clen, &c), NLRS__CSLIP_TYPE_COMPRESSED_TCP);
	cr_assert_eq(c & 0x7f, 0x04);
	cr_assert_eq(clen, 1 + 2 + 3);
	t.win = 8000; /* negative window delta, sent as a 16-bit difference */
	t.id++;
	cr_assert_eq(trip(&t, &clen, &c), NLRS__CSLIP_TYPE_COMPRESSED_TCP);
	cr_assert_eq(c & 0x7f, 0x02);
	t.ack += 100;
	t.win = 8100;
	t.id += 7; /* IP id jump: I */
	cr_assert_eq(trip(&t, &clen, &c), NLRS__CSLIP_TYPE_COMPRESSED_TCP);
	cr_assert_eq(c & 0x7f, 0x20 | 0x04 | 0x02);
	t.flags = 0x10 | 0x20; /* URG */
	t.urp = 5;
	t.payload = 10;
	t.id++;
	cr_assert_eq(trip(&t, &clen, &c), NLRS__CSLIP_TYPE_COMPRESSED_TCP);
	cr_assert_eq(c & 0x01, 0x01);
	t.flags = 0x10 | 0x08; /* PSH; URG gone and the pointer zeroed: */
	t.urp = 0;            /* a change without URG cannot be sent compressed */
	t.seq += 10;
	t.id++;
	cr_assert_eq(trip(&t, &clen, &c), NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
	t.seq += 10;
	t.id++;
	cr_assert_eq(trip(&t, &clen, &c), NLRS__CSLIP_TYPE_COMPRESSED_TCP);
	cr_assert_eq(c & 0x10, 0x10);
	t.seq += 10;
	t.id = 0; /* id wraps through zero: 16-bit difference */
	trip(&t, NULL, NULL);
}

Test(cslip, real_changes_that_spell_a_special_case_go_uncompressed)
{
	struct tcpp t = base();

	t.payload = 100;
	trip(&t, NULL, NULL);
	/* S, A, W and U all change: S A W U is SPECIAL_D's mask */
	t.seq += 7;
	t.ack += 9;
	t.win += 3;
	t.flags |= 0x20;
	t.urp = 1;
	t.id++;
	cr_assert_eq(trip(&t, NULL, NULL), NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
	/* S W U: SPECIAL_I's mask */
	t.seq += 7;
	t.win += 3;
	t.urp = 2;
	t.id++;
	cr_assert_eq(trip(&t, NULL, NULL), NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
}

Test(cslip, what_is_not_compressed)
{
	struct tcpp t = base();

	t.flags = 0x02; /* SYN */
	cr_assert_eq(trip(&t, NULL, NULL), NLRS__CSLIP_TYPE_IP);
	t.flags = 0x11; /* FIN */
	cr_assert_eq(trip(&t, NULL, NULL), NLRS__CSLIP_TYPE_IP);
	t.flags = 0x10;
	cr_assert_eq(trip(&t, NULL, NULL), NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
	t.payload = 50;
	t.id++;
	trip(&t, NULL, NULL);
	/* retransmission: nothing changed but the id */
	t.id++;
	cr_assert_eq(trip(&t, NULL, NULL), NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
	/* a sequence jump past 65535 */
	t.seq += 70000;
	t.id++;
	cr_assert_eq(trip(&t, NULL, NULL), NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
	/* TTL, TOS and TCP option changes */
	t.seq += 50;
	t.ttl = 9;
	t.id++;
	cr_assert_eq(trip(&t, NULL, NULL), NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
	t.seq += 50;
	t.tos = 0x10;
	t.id++;
	cr_assert_eq(trip(&t, NULL, NULL), NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
	t.seq += 50;
	t.optlen = 12;
	t.optval = 1;
	t.id++;
	cr_assert_eq(trip(&t, NULL, NULL), NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
	t.seq += 50;
	t.optval = 2; /* timestamps change every segment */
	t.id++;
	cr_assert_eq(trip(&t, NULL, NULL), NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
	t.seq += 50;
	t.id++; /* constant options: compressed */
	cr_assert_eq(trip(&t, NULL, NULL), NLRS__CSLIP_TYPE_COMPRESSED_TCP);
	/* not TCP, or a fragment */
	uint8_t p[200];
	size_t off, len = mk(p, &t);
	p[9] = 17;
	cr_assert_eq(nlrs__cslip_compress(&tx, p, len, &off), NLRS__CSLIP_TYPE_IP);
	len = mk(p, &t);
	wr16(p + 6, 0x2000);
	cr_assert_eq(nlrs__cslip_compress(&tx, p, len, &off), NLRS__CSLIP_TYPE_IP);
	cr_assert_eq(nlrs__cslip_compress(&tx, p, 30, &off), NLRS__CSLIP_TYPE_IP);
}

Test(cslip, many_connections_switch_slots_and_evict_the_least_recent)
{
	struct tcpp t[20];
	uint8_t c;

	for (int i = 0; i < 20; i++) {
		t[i] = base();
		t[i].sport = (uint16_t)(1000 + i);
		t[i].payload = 10;
		cr_assert_eq(trip(&t[i], NULL, NULL), NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
	}
	/* the four oldest were evicted; the others compress, each with C
	 * since the slot changes every packet */
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 20; i++) {
			t[i].seq += 10;
			t[i].id++;
			uint8_t ty = trip(&t[i], NULL, &c);
			if (ty == NLRS__CSLIP_TYPE_COMPRESSED_TCP)
				cr_assert(c & 0x40);
		}
	/* the same connection twice in a row: no C the second time */
	t[5].seq += 10;
	t[5].id++;
	trip(&t[5], NULL, NULL);
	t[5].seq += 10;
	t[5].id++;
	cr_assert_eq(trip(&t[5], NULL, &c), NLRS__CSLIP_TYPE_COMPRESSED_TCP);
	cr_assert_eq(c & 0x40, 0);
}

/* ---- lying input ---- */

static size_t compressed_pair(uint8_t *wire)
{
	struct tcpp t = base();
	uint8_t p[600];
	size_t off, len;

	t.payload = 20;
	trip(&t, NULL, NULL);
	t.seq += 300; /* not the special case: explicit deltas */
	t.ack += 2;
	t.win += 1000;
	t.id += 3;
	len = mk(p, &t);
	cr_assert_eq(nlrs__cslip_compress(&tx, p, len, &off), NLRS__CSLIP_TYPE_COMPRESSED_TCP);
	memcpy(wire, p + off, len - off);
	return len - off;
}

Test(cslip, toss_state_at_start_and_unknown_slots)
{
	uint8_t hdr[NLRS__CSLIP_MAX_HDR], p[8] = { 0x80 | 0x04, 0, 0, 5 };
	size_t hl, po;

	/* no reference yet: compressed without C is tossed (4.2) */
	cr_assert_eq(nlrs__cslip_uncompress(&rx, p, 4, hdr, &hl, &po), -2);
	/* C naming a slot never set up, or past the table */
	uint8_t q[8] = { 0x80 | 0x40 | 0x04, 3, 0, 0, 5 };
	cr_assert_eq(nlrs__cslip_uncompress(&rx, q, 5, hdr, &hl, &po), -1);
	q[1] = 200;
	cr_assert_eq(nlrs__cslip_uncompress(&rx, q, 5, hdr, &hl, &po), -1);
	cr_assert_eq(rx.st.rx_errors, 2);
	cr_assert_eq(rx.st.rx_tossed, 1);
	cr_assert_eq(nlrs__cslip_uncompress(&rx, p, 0, hdr, &hl, &po), -1);
}

Test(cslip, truncated_compressed_headers_are_errors_and_leave_the_slot_alone)
{
	uint8_t wire[600], hdr[NLRS__CSLIP_MAX_HDR];
	size_t n = compressed_pair(wire), hl, po;
	/* header: change byte (no C: same slot), 2 checksum, W 0+2, A 1,
	 * S 0+2, I 1 */
	size_t chl = 1 + 2 + 3 + 1 + 3 + 1;

	cr_assert_eq(n, chl + 20);
	for (size_t cut = 1; cut < chl; cut++) {
		struct nlrs__cslip save = rx;

		cr_assert_eq(nlrs__cslip_uncompress(&rx, wire, cut, hdr, &hl, &po), -1, "cut %zu",
			     cut);
		cr_assert(rx.toss);
		cr_assert_arr_eq(rx.rx[0].hdr, save.rx[0].hdr, save.rx[0].hlen);
		rx = save;
	}
	/* the whole packet still decodes afterwards */
	cr_assert_eq(nlrs__cslip_uncompress(&rx, wire, n, hdr, &hl, &po), 0);
	cr_assert_eq(po, chl);
}

Test(cslip, after_an_error_compressed_packets_are_tossed_until_a_fresh_reference)
{
	struct tcpp t = base();
	uint8_t p[600], hdr[NLRS__CSLIP_MAX_HDR];
	size_t off, len, hl, po;

	t.payload = 100;
	trip(&t, NULL, NULL);
	t.seq += 100;
	t.id++;
	trip(&t, NULL, NULL); /* last_xmit is now this slot: next has no C */
	nlrs__cslip_toss(&rx); /* the framer lost a frame */
	t.seq += 100;
	t.id++;
	len = mk(p, &t);
	cr_assert_eq(nlrs__cslip_compress(&tx, p, len, &off), NLRS__CSLIP_TYPE_COMPRESSED_TCP);
	cr_assert_eq(p[off] & 0x40, 0);
	cr_assert_eq(nlrs__cslip_uncompress(&rx, p + off, len - off, hdr, &hl, &po), -2);
	/* the sender's retransmission goes uncompressed and resyncs */
	t.id++;
	cr_assert_eq(trip(&t, NULL, NULL), NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
	t.seq += 100;
	t.id++;
	cr_assert_eq(trip(&t, NULL, NULL), NLRS__CSLIP_TYPE_COMPRESSED_TCP);
}

Test(cslip, lying_uncompressed_packets_are_errors)
{
	struct tcpp t = base();
	uint8_t p[600], hdr[NLRS__CSLIP_MAX_HDR];
	size_t off, len, hl, po;

	len = mk(p, &t);
	cr_assert_eq(nlrs__cslip_compress(&tx, p, len, &off), NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP);
	uint8_t q[600];
	memcpy(q, p, len);
	q[9] = 16; /* slot past the table */
	cr_assert_eq(nlrs__cslip_uncompress(&rx, q, len, hdr, &hl, &po), -1);
	memcpy(q, p, len);
	q[0] = 0x73; /* IHL 3 */
	cr_assert_eq(nlrs__cslip_uncompress(&rx, q, len, hdr, &hl, &po), -1);
	memcpy(q, p, len);
	q[32] = 0x40; /* TCP header length 16 */
	cr_assert_eq(nlrs__cslip_uncompress(&rx, q, len, hdr, &hl, &po), -1);
	memcpy(q, p, len);
	q[32] = 0xf0; /* TCP header length 60, past the packet */
	cr_assert_eq(nlrs__cslip_uncompress(&rx, q, len, hdr, &hl, &po), -1);
	cr_assert_eq(nlrs__cslip_uncompress(&rx, p, 39, hdr, &hl, &po), -1);
	cr_assert_eq(nlrs__cslip_uncompress(&rx, p, len, hdr, &hl, &po), 0);
	cr_assert_eq(rx.st.rx_errors, 4 + 1);
}
