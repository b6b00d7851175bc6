/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Congestion window evolution seen through segments and nlrs_tcp_info:
 * RFC 6928 IW10, RFC 5681 slow start with RFC 3465 byte counting (L = 2),
 * fast retransmit after three duplicate ACKs with RFC 9438 beta 0.7
 * (CUBIC) or FlightSize/2 (NewReno, RFC 5681 3.2 / RFC 6582), and the
 * loss window of one segment after a timeout (RFC 5681 3.1 (4)).
 *
 * The peer offers no SACK, so duplicate ACKs are the classic ones, and
 * MSS 1460 with timestamps gives the stack an MSS of 1448.
 */
#include "seg.h"

#define MSS 1448u

static struct peer P;
static uint32_t sent[64];

static int open_conn(int cc)
{
	peer_init(&P);
	P.sack = false;
	HS_RTT = NLRS_MSEC(50);
	int sd = seg_active_open(&P);
	/* The SYN-ACK's window is unscaled; an ACK with the scaled window
	 * settles it, so later duplicates carry an unchanged window (RFC
	 * 5681 2: a duplicate ACK does not change the window). */
	peer_ack(&P);
	cr_assert_eq(cap_count(), 0);
	if (cc >= 0)
		cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_TCP_CONGESTION, cc), 0);
	return sd;
}

/* Read every data segment captured; returns how many. */
static unsigned read_data(unsigned from)
{
	unsigned n = from;
	for (const struct cap *c; (c = cap_next());)
		if (c->tcp && c->dlen) {
			cr_assert_lt(n, 64u);
			sent[n++] = c->seq;
		}
	return n - from;
}

static void dupack(void)
{
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK);
	seg_inject(&t);
}

SEG_TEST(seg_cc, initial_window_is_ten_segments)
{
	seg_start(NULL);
	int sd = open_conn(-1);
	struct nlrs_tcp_info ti = seg_info(sd);
	cr_assert_eq(ti.snd_mss, MSS);
	cr_assert_eq(ti.snd_cwnd, 10 * MSS, "RFC 6928: min(10 MSS, max(2 MSS, 14600))");
	seg_send(sd, 40 * MSS);
	cr_assert_eq(read_data(0), 10, "ten segments before the first ACK");
	seg_advance(NLRS_MSEC(5));
	cr_assert_eq(cap_count(), 0);
}

SEG_TEST(seg_cc, slow_start_grows_by_each_segment_acked)
{
	seg_start(NULL);
	int sd = open_conn(-1);
	seg_send(sd, 40 * MSS);
	read_data(0);
	peer_ack_to(&P, sent[1]); /* one segment */
	cr_assert_eq(seg_info(sd).snd_cwnd, 11 * MSS, "RFC 5681 3.1: cwnd += SMSS");
	cr_assert_eq(read_data(10), 2, "one segment replaced, one more for growth");
	peer_ack_to(&P, sent[3]); /* two segments */
	cr_assert_eq(seg_info(sd).snd_cwnd, 13 * MSS);
	cr_assert_eq(read_data(12), 4);
}

SEG_TEST(seg_cc, slow_start_counts_at_most_two_segments_per_ack)
{
	seg_start(NULL);
	int sd = open_conn(-1);
	seg_send(sd, 40 * MSS);
	read_data(0);
	peer_ack_to(&P, sent[5]); /* five segments in one ACK */
	cr_assert_eq(seg_info(sd).snd_cwnd, 12 * MSS, "RFC 3465 2.3: L = 2 SMSS");
}

SEG_TEST(seg_cc, cubic_fast_retransmit_after_three_dupacks_reduces_by_beta)
{
	seg_start(NULL);
	int sd = open_conn(-1);
	seg_send(sd, 10 * MSS);
	cr_assert_eq(read_data(0), 10);
	dupack();
	dupack();
	cr_assert_eq(read_data(10), 0, "no retransmission before the third duplicate");
	cr_assert_eq(seg_info(sd).ca_state, 1, "disorder");
	dupack();
		const struct cap *c = cap_tcp();
	cr_assert_eq(c->seq, sent[0], "fast retransmit of SND.UNA");
	cr_assert_eq(c->dlen, MSS);
	struct nlrs_tcp_info ti = seg_info(sd);
	cr_assert_eq(ti.ca_state, 3);
	cr_assert_eq(ti.snd_ssthresh, 10 * MSS * 7 / 10, "RFC 9438 4.6: beta_cubic 0.7 (%u)",
		     ti.snd_ssthresh);
	cr_assert_eq(ti.snd_cwnd, ti.snd_ssthresh + 3 * MSS,
		     "RFC 5681 3.2 step 3: inflated by the three segments that left");
}

SEG_TEST(seg_cc, newreno_fast_retransmit_halves_the_flight)
{
	seg_start(NULL);
	int sd = open_conn(NLRS_CC_NEWRENO);
	seg_send(sd, 10 * MSS);
	read_data(0);
	dupack();
	dupack();
	dupack();
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->seq, sent[0]);
	struct nlrs_tcp_info ti = seg_info(sd);
	cr_assert_eq(ti.snd_ssthresh, 5 * MSS, "RFC 5681 (4): FlightSize / 2");
	cr_assert_eq(ti.snd_cwnd, 8 * MSS);
	/* each further duplicate inflates by one segment (RFC 5681 3.2 step 4) */
	dupack();
	cr_assert_eq(seg_info(sd).snd_cwnd, 9 * MSS);
	/* the full ACK ends recovery: cwnd deflates to ssthresh */
	peer_ack_to(&P, sent[9] + MSS);
	ti = seg_info(sd);
	cr_assert_eq(ti.ca_state, 0);
	cr_assert_leq(ti.snd_cwnd, 5 * MSS);
}

SEG_TEST(seg_cc, newreno_partial_ack_retransmits_next_hole)
{
	seg_start(NULL);
	int sd = open_conn(NLRS_CC_NEWRENO);
	seg_send(sd, 10 * MSS);
	read_data(0);
	dupack();
	dupack();
	dupack();
	cap_clear();
	/* RFC 6582 3.2 step 4: segment 0 repaired, segment 4 also lost */
	peer_ack_to(&P, sent[4]);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->seq, sent[4], "the next hole goes at once");
	cr_assert_eq(seg_info(sd).ca_state, 3, "still in recovery");
}

SEG_TEST(seg_cc, rto_collapses_cwnd_to_one_segment)
{
	seg_start(NULL);
	int sd = open_conn(-1);
	seg_send(sd, 10 * MSS);
	read_data(0);
	cr_assert(seg_run_until_tx(NOW + NLRS_SEC(2)));
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->seq, sent[0]);
	cr_assert_eq(cap_count(), 0, "one segment only");
	struct nlrs_tcp_info ti = seg_info(sd);
	cr_assert_eq(ti.snd_cwnd, MSS, "RFC 5681 3.1 (4): LW = 1 SMSS");
	cr_assert_eq(ti.snd_ssthresh, 10 * MSS * 7 / 10);
	cr_assert_eq(ti.ca_state, 4, "loss");
	/* slow start again: the ACK of the retransmission opens 2 segments */
	peer_ack_to(&P, sent[1]);
	cr_assert_eq(seg_info(sd).snd_cwnd, 2 * MSS);
	cr_assert_eq(read_data(0), 2);
}

/* Segments in flight, oldest first, by their end sequence number. */
static uint32_t fifo[512];
static unsigned fh, ft;

static void collect(void)
{
	for (const struct cap *c; (c = cap_next());)
		if (c->tcp && c->dlen)
			fifo[ft++ % 512u] = c->seq + c->dlen;
}

static void ack_one(void)
{
	collect();
	cr_assert_lt(fh, ft, "nothing in flight to acknowledge");
	peer_ack_to(&P, fifo[fh++ % 512u]);
}

SEG_TEST(seg_cc, congestion_avoidance_grows_one_segment_per_window)
{
	seg_start(NULL);
	int sd = open_conn(NLRS_CC_NEWRENO);
	seg_send(sd, 10 * MSS);
	read_data(0);
	dupack();
	dupack();
	dupack();
	peer_ack_to(&P, sent[9] + MSS);
	cap_clear();
	struct nlrs_tcp_info ti = seg_info(sd);
	uint32_t ssthresh = ti.snd_ssthresh;
	cr_assert_eq(ssthresh, 5 * MSS);
	seg_send(sd, 150 * MSS);
	/* slow start up to ssthresh, one ACK per segment */
	for (unsigned i = 0; i < 50 && seg_info(sd).snd_cwnd < ssthresh; i++)
		ack_one();
	uint32_t cw = seg_info(sd).snd_cwnd;
	cr_assert_geq(cw, ssthresh, "reached congestion avoidance");
	cr_assert_eq(seg_info(sd).snd_ssthresh, ssthresh);
	/* one window's worth acknowledged, segment by segment */
	for (uint32_t acked = 0; acked < cw; acked += MSS)
		ack_one();
	uint32_t grown = seg_info(sd).snd_cwnd - cw;
	cr_assert_leq(grown, MSS, "RFC 5681 3.1: at most one SMSS per RTT, grew %u", grown);
	cr_assert_gt(grown, 0, "but it grows");
}
