/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SACK seen from outside: the blocks the stack reports for out-of-order
 * data (RFC 2018 4: the first block holds the most recent segment), D-SACK
 * for duplicates (RFC 2883 4), and SACK-driven retransmission of exactly
 * the missing segments (RFC 6675).
 */
#include "seg.h"

static struct peer P;
static uint8_t data[65536];

static const struct cap *ooo(uint32_t off, size_t len)
{
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK);
	t.seq = P.snd_nxt + off;
	t.data = data;
	t.len = len;
	seg_inject(&t);
	return cap_tcp();
}

SEG_TEST(seg_sack, out_of_order_data_is_acked_at_once_with_a_sack_block)
{
	seg_start(NULL);
	peer_init(&P);
	seg_passive_open(&P, 80);
	uint32_t base = P.snd_nxt;
	const struct cap *c = ooo(1000, 500);
	cr_assert_eq(c->flags, NLRS_TCP_ACK);
	cr_assert_eq(c->ack, base, "a duplicate ACK (RFC 5681 4.2)");
	cr_assert_eq(c->o.nsack, 1);
	cr_assert_eq(c->o.sack[0].left, base + 1000);
	cr_assert_eq(c->o.sack[0].right, base + 1500);
}

SEG_TEST(seg_sack, first_sack_block_is_the_most_recent)
{
	seg_start(NULL);
	peer_init(&P);
	seg_passive_open(&P, 80);
	uint32_t base = P.snd_nxt;
	ooo(1000, 100);
	ooo(3000, 100);
	const struct cap *c = ooo(5000, 100);
	cr_assert_eq(c->o.nsack, 3);
	cr_assert_eq(c->o.sack[0].left, base + 5000, "RFC 2018 4: the newest first");
	cr_assert_eq(c->o.sack[1].left, base + 3000);
	cr_assert_eq(c->o.sack[2].left, base + 1000);
	/* a segment joining the oldest block brings that block to the front */
	c = ooo(1100, 100);
	cr_assert_eq(c->o.sack[0].left, base + 1000);
	cr_assert_eq(c->o.sack[0].right, base + 1200, "merged with its neighbour");
	cr_assert_eq(c->o.sack[1].left, base + 5000);
	cr_assert_eq(c->o.sack[2].left, base + 3000);
}

SEG_TEST(seg_sack, filling_the_hole_acks_everything_without_blocks)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	for (unsigned i = 0; i < 2000; i++)
		data[i] = (uint8_t)(i * 3);
	uint32_t base = P.snd_nxt;
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK);
	t.seq = base + 1000;
	t.data = data + 1000;
	t.len = 1000;
	seg_inject(&t);
	cap_clear();
	peer_send(&P, NLRS_TCP_ACK, data, 1000);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->ack, base + 2000, "RFC 5681 4.2: an immediate ACK when a hole fills");
	cr_assert_eq(c->o.nsack, 0);
	uint8_t got[4096];
	cr_assert_eq(nlrs_sock_recv(S, sd, got, sizeof(got), 0), 2000);
	cr_assert(memcmp(got, data, 2000) == 0);
}

SEG_TEST(seg_sack, duplicate_data_below_rcv_nxt_is_reported_as_dsack)
{
	seg_start(NULL);
	peer_init(&P);
	seg_passive_open(&P, 80);
	uint32_t base = P.snd_nxt;
	peer_send(&P, NLRS_TCP_ACK, data, 100);
	cap_clear();
	P.snd_nxt = base; /* the peer sends it again */
	peer_send(&P, NLRS_TCP_ACK, data, 100);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->ack, base + 100);
	cr_assert_eq(c->o.nsack, 1);
	cr_assert_eq(c->o.sack[0].left, base, "RFC 2883 4: the duplicate, below the ACK");
	cr_assert_eq(c->o.sack[0].right, base + 100);
}

SEG_TEST(seg_sack, duplicate_out_of_order_segment_is_reported_first_as_dsack)
{
	seg_start(NULL);
	peer_init(&P);
	seg_passive_open(&P, 80);
	uint32_t base = P.snd_nxt;
	ooo(2000, 300);
	ooo(4000, 300);
	const struct cap *c = ooo(2000, 300);
	cr_assert_eq(c->ack, base);
	cr_assert(c->o.nsack >= 2);
	cr_assert_eq(c->o.sack[0].left, base + 2000, "RFC 2883 4.1.2: D-SACK block first");
	cr_assert_eq(c->o.sack[0].right, base + 2300);
	/* and the D-SACK is reported once only */
	c = ooo(6000, 100);
	cr_assert_eq(c->o.sack[0].left, base + 6000);
}

SEG_TEST(seg_sack, sack_blocks_are_not_sent_when_not_negotiated)
{
	seg_start(NULL);
	peer_init(&P);
	P.sack = false;
	seg_passive_open(&P, 80);
	const struct cap *c = ooo(1000, 500);
	cr_assert_eq(c->o.nsack, 0);
	cr_assert_eq(seg_info(P.sd).options & NLRS_TCPI_OPT_SACK, 0);
}

/* ---- the sender side ---- */

/* Established, MSS 1448, n full segments sent and read from the capture:
 * sent[i] is the sequence number of each. */
static uint32_t sent[64];

static void send_segments(int sd, unsigned n)
{
	struct nlrs_tcp_info ti = seg_info(sd);
	cr_assert_eq(ti.snd_mss, 1448);
	seg_send(sd, (size_t)n * 1448u);
	for (unsigned i = 0; i < n; i++) {
		const struct cap *c = cap_tcp();
		cr_assert_eq(c->dlen, 1448, "segment %u: %u bytes", i, c->dlen);
		sent[i] = c->seq;
	}
	cr_assert_eq(cap_count(), 0);
}

/* A duplicate ACK at SND.UNA=una with SACK blocks */
static void sack_ack(uint32_t una, unsigned nblk, const uint32_t (*blk)[2])
{
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK);
	t.ack = una;
	t.o.nsack = (uint8_t)nblk;
	for (unsigned i = 0; i < nblk; i++) {
		t.o.sack[i].left = blk[i][0];
		t.o.sack[i].right = blk[i][1];
	}
	seg_inject(&t);
}

static const struct cap *first_retransmission(uint32_t snd_max)
{
	for (;;) {
		const struct cap *c = cap_next();
		if (!c)
			return NULL;
		if (c->tcp && c->dlen && nlrs_seq_lt(c->seq, snd_max))
			return c;
	}
}

SEG_TEST(seg_sack, sack_recovery_retransmits_the_missing_segment)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	send_segments(sd, 10);
	uint32_t end = sent[9] + 1448;
	/* segment 1 is lost; 2, 3, 4 arrive */
	peer_ack_to(&P, sent[1]);
	cap_clear();
	for (unsigned k = 2; k <= 4; k++) {
		uint32_t blk[1][2] = { { sent[2], sent[k] + 1448 } };
		sack_ack(sent[1], 1, blk);
	}
	const struct cap *c = first_retransmission(end);
	cr_assert(c, "no retransmission after three SACKs");
	cr_assert_eq(c->seq, sent[1], "the hole is resent, not anything else");
	cr_assert_eq(c->dlen, 1448);
	struct nlrs_tcp_info ti = seg_info(sd);
	cr_assert_eq(ti.ca_state, 3, "fast recovery");
	cr_assert_eq(ti.sacked, 3 * 1448);
}

SEG_TEST(seg_sack, sack_recovery_skips_sacked_data_and_fills_each_hole)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	send_segments(sd, 10);
	uint32_t end = sent[9] + 1448;
	/* segments 0 and 3 are lost, everything else arrives */
	uint32_t blk[2][2] = { { sent[4], end }, { sent[1], sent[3] } };
	sack_ack(sent[0], 2, blk);
	/* the stack has seen IsLost for both holes: 0 first, then 3 */
	seg_advance(NLRS_MSEC(1));
	uint32_t got[8];
	unsigned n = 0;
	for (const struct cap *c; (c = cap_next()) && n < 8;)
		if (c->tcp && c->dlen && nlrs_seq_lt(c->seq, end))
			got[n++] = c->seq;
	cr_assert(n >= 2, "%u retransmissions", n);
	cr_assert_eq(got[0], sent[0]);
	cr_assert_eq(got[1], sent[3], "the second hole next; SACKed segments are skipped");
	for (unsigned i = 0; i < n; i++)
		cr_assert(got[i] == sent[0] || got[i] == sent[3], "resent a SACKed segment %u", i);
	(void)sd;
}

SEG_TEST(seg_sack, dsack_from_peer_is_counted_and_not_taken_as_loss)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	send_segments(sd, 2);
	peer_ack_to(&P, sent[1] + 1448);
	uint64_t d = seg_counter("tcp_dsack_rx");
	uint32_t blk[1][2] = { { sent[0], sent[0] + 1448 } };
	sack_ack(sent[1] + 1448, 1, blk);
	cr_assert_eq(seg_counter("tcp_dsack_rx"), d + 1);
	struct nlrs_tcp_info ti = seg_info(sd);
	cr_assert_eq(ti.sacked, 0, "RFC 2883: a D-SACK block does not enter the scoreboard");
	cr_assert_eq(ti.ca_state, 0);
	cr_assert_eq(cap_count(), 0);
}
