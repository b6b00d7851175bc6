/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Timer-driven behaviour: delayed ACK (RFC 1122 4.2.3.2, RFC 5681 4.2:
 * every second full segment, a 40 ms timer) and TCP_QUICKACK; Nagle
 * (RFC 1122 4.2.3.4) and TCP_NODELAY; keepalive (RFC 1122 4.2.3.6,
 * TCP_KEEPIDLE/INTVL/CNT); zero-window probing with backoff (RFC 9293
 * 3.8.6.1, RFC 1122 4.2.2.17).
 */
#include "seg.h"

#define TOL NLRS_MSEC(2)
#define MSS 1448u

static struct peer P;
static uint8_t data[8192];

static void assert_near(nlrs_time_t got, nlrs_time_t want, const char *what)
{
	nlrs_time_t d = got > want ? got - want : want - got;
	cr_assert_leq(d, TOL, "%s: %llu us, expected %llu us", what, (unsigned long long)got,
		      (unsigned long long)want);
}

static int sock_error(int sd)
{
	int e = -1;
	cr_assert_eq(nlrs_sock_getopt(S, sd, NLRS_SO_ERROR, &e), 0);
	return e;
}

/* ---- delayed ACK ---- */

static int open_no_quickack(void)
{
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	/* the first segments after the handshake are acknowledged at once
	 * (quick-ACK mode, as Linux); this turns it off */
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_TCP_QUICKACK, 0), 0);
	return sd;
}

SEG_TEST(seg_timers, one_full_segment_is_acked_by_the_delack_timer)
{
	seg_start(NULL);
	open_no_quickack();
	nlrs_time_t t0 = NOW;
	peer_send(&P, NLRS_TCP_ACK, data, MSS);
	cr_assert_eq(cap_count(), 0, "no ACK for one segment at once");
	cr_assert(seg_run_until_tx(t0 + NLRS_SEC(1)));
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->ack, P.snd_nxt);
	assert_near(c->at - t0, NLRS_MSEC(40), "delayed ACK");
}

SEG_TEST(seg_timers, second_full_segment_is_acked_at_once)
{
	seg_start(NULL);
	open_no_quickack();
	peer_send(&P, NLRS_TCP_ACK, data, MSS);
	seg_advance(NLRS_MSEC(5));
	cr_assert_eq(cap_count(), 0);
	peer_send(&P, NLRS_TCP_ACK, data, MSS);
	const struct cap *c = cap_next();
	cr_assert(c, "RFC 5681 4.2: an ACK for at least every second full segment");
	cr_assert_eq(c->ack, P.snd_nxt);
	/* and the timer that was running sends nothing more */
	seg_advance(NLRS_MSEC(100));
	cr_assert_eq(cap_count(), 0);
}

SEG_TEST(seg_timers, small_segment_is_also_delayed)
{
	seg_start(NULL);
	open_no_quickack();
	nlrs_time_t t0 = NOW;
	peer_send(&P, NLRS_TCP_ACK | NLRS_TCP_PSH, "hi", 2);
	seg_advance(NLRS_MSEC(30));
	cr_assert_eq(cap_count(), 0);
	cr_assert(seg_run_until_tx(t0 + NLRS_SEC(1)));
	assert_near(cap_tcp()->at - t0, NLRS_MSEC(40), "delayed ACK");
}

SEG_TEST(seg_timers, quickack_acks_each_segment_at_once)
{
	seg_start(NULL);
	int sd = open_no_quickack();
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_TCP_QUICKACK, 1), 0);
	peer_send(&P, NLRS_TCP_ACK, data, MSS);
	const struct cap *c = cap_next();
	cr_assert(c, "TCP_QUICKACK: no delay");
	cr_assert_eq(c->ack, P.snd_nxt);
}

SEG_TEST(seg_timers, quickack_set_while_an_ack_is_delayed_sends_it)
{
	seg_start(NULL);
	int sd = open_no_quickack();
	peer_send(&P, NLRS_TCP_ACK, data, 100);
	cr_assert_eq(cap_count(), 0);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_TCP_QUICKACK, 1), 0);
	const struct cap *c = cap_next();
	cr_assert(c);
	cr_assert_eq(c->ack, P.snd_nxt);
}

SEG_TEST(seg_timers, segments_right_after_the_handshake_are_acked_at_once)
{
	seg_start(NULL);
	peer_init(&P);
	seg_passive_open(&P, 80);
	peer_send(&P, NLRS_TCP_ACK, data, 100);
	cr_assert_eq(cap_count(), 1, "quick-ACK mode at the start (slow start of the peer)");
}

SEG_TEST(seg_timers, delayed_ack_rides_on_data)
{
	seg_start(NULL);
	int sd = open_no_quickack();
	peer_send(&P, NLRS_TCP_ACK, data, 100);
	seg_advance(NLRS_MSEC(10));
	seg_send(sd, 50);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->dlen, 50);
	cr_assert_eq(c->ack, P.snd_nxt, "the data segment carries the ACK");
	seg_advance(NLRS_MSEC(100));
	cr_assert_eq(cap_count(), 0, "no separate delayed ACK follows");
}

/* ---- Nagle ---- */

SEG_TEST(seg_timers, nagle_holds_second_small_segment_until_ack)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	seg_send(sd, 10);
	cr_assert_eq(cap_tcp()->dlen, 10);
	seg_send(sd, 10);
	seg_advance(NLRS_MSEC(100));
	cr_assert_eq(cap_count(), 0, "RFC 1122 4.2.3.4: one small segment outstanding");
	peer_ack_to(&P, P.rcv_nxt + 10);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->dlen, 10);
	cr_assert_eq(c->seq, P.rcv_nxt);
}

SEG_TEST(seg_timers, nagle_coalesces_small_writes_while_waiting)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	seg_send(sd, 10);
	cap_tcp();
	for (int i = 0; i < 5; i++)
		seg_send(sd, 10);
	cr_assert_eq(cap_count(), 0);
	peer_ack_to(&P, P.rcv_nxt + 10);
	cr_assert_eq(cap_tcp()->dlen, 50, "one segment for all that waited");
}

SEG_TEST(seg_timers, nagle_lets_full_segments_go)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	seg_send(sd, 10);
	cap_tcp();
	seg_send(sd, 2 * MSS + 100);
	cr_assert_eq(cap_tcp()->dlen, MSS);
	cr_assert_eq(cap_tcp()->dlen, MSS);
	cr_assert_eq(cap_count(), 0, "the 100-byte tail waits");
}

SEG_TEST(seg_timers, nodelay_sends_small_segments_at_once)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_TCP_NODELAY, 1), 0);
	seg_send(sd, 10);
	seg_send(sd, 10);
	cr_assert_eq(cap_tcp()->dlen, 10);
	cr_assert_eq(cap_tcp()->dlen, 10);
}

SEG_TEST(seg_timers, setting_nodelay_releases_held_data)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	seg_send(sd, 10);
	seg_send(sd, 10);
	cap_tcp();
	cr_assert_eq(cap_count(), 0);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_TCP_NODELAY, 1), 0);
	cr_assert_eq(cap_tcp()->dlen, 10);
}

/* ---- keepalive ---- */

static int open_keepalive(void)
{
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_TCP_KEEPIDLE, 10), 0);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_TCP_KEEPINTVL, 2), 0);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_TCP_KEEPCNT, 3), 0);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_SO_KEEPALIVE, 1), 0);
	return sd;
}

static void assert_probe(const struct cap *c)
{
	cr_assert_eq(c->flags, NLRS_TCP_ACK);
	cr_assert_eq(c->dlen, 0);
	cr_assert_eq(c->seq, P.rcv_nxt - 1u, "RFC 1122 4.2.3.6: SEG.SEQ = SND.NXT - 1");
	cr_assert_eq(c->ack, P.snd_nxt);
}

SEG_TEST(seg_timers, keepalive_probes_at_idle_then_interval_and_resets_after_count)
{
	seg_start(NULL);
	int sd = open_keepalive();
	nlrs_time_t t0 = NOW;
	nlrs_time_t want[3] = { t0 + NLRS_SEC(10), t0 + NLRS_SEC(12), t0 + NLRS_SEC(14) };
	for (unsigned i = 0; i < 3; i++) {
		cr_assert(seg_run_until_tx(t0 + NLRS_SEC(60)), "probe %u", i);
		const struct cap *c = cap_tcp();
		assert_probe(c);
		assert_near(c->at, want[i], "keepalive probe");
	}
	seg_run_until(t0 + NLRS_SEC(16) - NLRS_MSEC(10));
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
	seg_run_until(t0 + NLRS_SEC(16) + NLRS_MSEC(10));
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED, "KEEPCNT probes unanswered");
	cr_assert_eq(sock_error(sd), NLRS_ETIMEDOUT);
}

SEG_TEST(seg_timers, keepalive_answered_probe_restarts_the_idle_time)
{
	seg_start(NULL);
	int sd = open_keepalive();
	nlrs_time_t t0 = NOW;
	cr_assert(seg_run_until_tx(t0 + NLRS_SEC(60)));
	assert_probe(cap_tcp());
	cr_assert(seg_run_until_tx(t0 + NLRS_SEC(60)));
	assert_probe(cap_tcp());
	nlrs_time_t t1 = NOW;
	peer_ack(&P); /* the peer is alive */
	cr_assert(seg_run_until_tx(t1 + NLRS_SEC(60)));
	const struct cap *c = cap_tcp();
	assert_probe(c);
	assert_near(c->at, t1 + NLRS_SEC(10), "next probe after a full idle time");
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
}

SEG_TEST(seg_timers, no_keepalive_without_so_keepalive)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_setopt(S, sd, NLRS_TCP_KEEPIDLE, 10);
	seg_advance(NLRS_SEC(100));
	cr_assert_eq(cap_count(), 0);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
}

/* ---- zero window ---- */

/* Established with a peer whose window is closed and 1000 bytes queued;
 * returns SND.UNA. */
static uint32_t zero_window(int *sd)
{
	peer_init(&P);
	*sd = seg_passive_open(&P, 80);
	P.win = 0;
	peer_ack(&P);
	cr_assert_eq(seg_info(*sd).snd_wnd, 0);
	seg_send(*sd, 1000);
	cr_assert_eq(cap_count(), 0, "nothing fits a zero window");
	return P.rcv_nxt;
}

SEG_TEST(seg_timers, zero_window_is_probed_with_backoff)
{
	seg_start(NULL);
	int sd;
	uint32_t una = zero_window(&sd);
	nlrs_time_t last = NOW, prev_ivl = 0;
	for (unsigned i = 0; i < 5; i++) {
		cr_assert(seg_run_until_tx(NOW + NLRS_SEC(30)), "probe %u", i);
		const struct cap *c = cap_tcp();
		cr_assert_eq(c->seq, una, "the probe is the first unsent byte");
		cr_assert_eq(c->dlen, 1, "one octet (RFC 9293 3.8.6.1)");
		nlrs_time_t ivl = c->at - last;
		if (i)
			assert_near(ivl, 2 * prev_ivl, "the probe interval doubles");
		prev_ivl = ivl;
		last = c->at;
		/* the peer answers, still closed */
		peer_ack(&P);
		cr_assert_eq(cap_count(), 0);
	}
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED,
		     "RFC 1122 4.2.2.17: open as long as the peer answers");
	cr_assert_eq(seg_info(sd).snd_cwnd, 10 * MSS, "probes are not losses");
}

/* Regression (a bug this test found, fixed): after a zero-window probe that carried one new octet (tcp_timer.c
 * ~332), a window update does not resume sending: window_update
 * (tcp_in.c ~711) only clears backoff/keep_probes, and Nagle (tcp_out.c
 * ~503) holds the remaining sub-MSS data because the probe octet is still
 * unacknowledged (SND.NXT != SND.UNA). Nothing moves until the persist
 * timer armed with the last backed-off interval fires (here 3.2 s after
 * the update; up to 120 s after long probing), and then it runs as a
 * retransmission timeout: cwnd collapses to 1 SMSS and ca_state becomes
 * loss. RFC 9293 3.8.6.1 / RFC 1122 4.2.2.17 expect the transfer to resume
 * when the window opens. Observed: first data 3.2 s after the update,
 * cwnd 1448; expected: data at once, cwnd unchanged. */
SEG_TEST(seg_timers, window_update_after_zero_window_probe_resumes_at_once)
{
	seg_start(NULL);
	int sd;
	uint32_t una = zero_window(&sd);
	for (unsigned i = 0; i < 5; i++) {
		cr_assert(seg_run_until_tx(NOW + NLRS_SEC(30)));
		cap_clear();
		peer_ack(&P);
	}
	P.win = 65535;
	peer_ack(&P);
	seg_advance(NLRS_MSEC(1));
	uint32_t end = una;
	for (const struct cap *c; (c = cap_next());)
		if (c->tcp && c->dlen && nlrs_seq_gt(c->seq + c->dlen, end))
			end = c->seq + c->dlen;
	cr_assert_eq(end, una + 1000, "all the data follows the window update");
	cr_assert_eq(seg_info(sd).snd_cwnd, 10 * MSS, "no timeout");
	peer_ack_to(&P, una + 1000);
	cr_assert_eq(seg_info(sd).unacked, 0);
}

SEG_TEST(seg_timers, window_update_without_ack_resumes_sending)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	P.win = 0;
	peer_ack(&P);
	seg_send(sd, 500);
	cr_assert_eq(cap_count(), 0);
	P.win = 100; /* x128 */
	peer_ack(&P);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->dlen, 500);
}
