/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RFC 9293 3.3.2 state transitions, each driven by crafted segments and
 * checked three ways: nlrs_tcp_info's state, socket events/errors, and the
 * segments the stack sends.
 */
#include "seg.h"

static struct peer P;

/* The embryonic (SYN-RECEIVED) blocks and listeners, by walking every block. */
static unsigned count_state(int state)
{
	unsigned n = 0;
	struct nlrs_tcp_info ti;
	for (unsigned i = 0;; i++) {
		int r = nlrs_tcp_conn_info(S, i, &ti);
		if (r < 0)
			break;
		if (r == 1 && ti.state == state)
			n++;
	}
	return n;
}

static int sock_error(int sd)
{
	int e = -1;
	cr_assert_eq(nlrs_sock_getopt(S, sd, NLRS_SO_ERROR, &e), 0);
	return e;
}

/* ---- opening ---- */

SEG_TEST(seg_state, listen_syn_moves_to_syn_received_and_ack_establishes)
{
	seg_start(NULL);
	peer_init(&P);
	P.sport = 80;
	P.lsd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = 80 };
	cr_assert_eq(nlrs_sock_bind(S, P.lsd, &ep), 0);
	cr_assert_eq(nlrs_sock_listen(S, P.lsd, 4), 0);
	cr_assert_eq(seg_state(P.lsd), NLRS_TCPS_LISTEN);
	peer_send(&P, NLRS_TCP_SYN, NULL, 0);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_SYN | NLRS_TCP_ACK);
	cr_assert_eq(c->ack, P.iss + 1u, "SYN-ACK acknowledges the SYN");
	cr_assert(c->o.has_mss && c->o.has_wscale && c->o.sack_ok && c->o.has_ts,
		  "the SYN-ACK answers every option the SYN offered");
	cr_assert_eq(c->o.tsecr, P.ts_base + (uint32_t)(NOW / 1000u), "TSecr echoes the SYN's TSval");
	P.st_iss = c->seq;
	P.rcv_nxt = c->seq + 1u;
	P.st_ts = true;
	cr_assert_eq(count_state(NLRS_TCPS_SYN_RECEIVED), 1);
	cr_assert_eq(nlrs_sock_accept(S, P.lsd, NULL), -NLRS_EAGAIN, "nothing to accept yet");
	peer_ack(&P);
	cr_assert_eq(cap_count(), 0, "the third ACK is not answered");
	cr_assert(nlrs_sock_events(S, P.lsd) & NLRS_EV_READ, "the listener is readable");
	int sd = nlrs_sock_accept(S, P.lsd, NULL);
	cr_assert(sd >= 0);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
	cr_assert_eq(count_state(NLRS_TCPS_SYN_RECEIVED), 0);
}

SEG_TEST(seg_state, connect_sends_syn_and_synack_establishes)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = P.port, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_connect(S, sd, &ep), -NLRS_EINPROGRESS);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_SYN_SENT);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_SYN);
	cr_assert(c->o.has_mss && c->o.has_wscale && c->o.sack_ok && c->o.has_ts);
	cr_assert_eq(c->o.mss, 1460, "MTU 1500 - 40");
	cr_assert_eq(c->o.tsecr, 0);
	cr_assert_eq(nlrs_sock_events(S, sd) & NLRS_EV_WRITE, 0, "not writable while SYN-SENT");
	P.sport = c->th.sport;
	P.st_iss = c->seq;
	P.rcv_nxt = c->seq + 1u;
	P.st_ts = true;
	peer_send(&P, NLRS_TCP_SYN | NLRS_TCP_ACK, NULL, 0);
	c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_ACK);
	cr_assert_eq(c->seq, P.st_iss + 1u);
	cr_assert_eq(c->ack, P.iss + 1u);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
	cr_assert(nlrs_sock_events(S, sd) & NLRS_EV_WRITE, "connect done: writable");
	cr_assert_eq(sock_error(sd), 0);
}

SEG_TEST(seg_state, simultaneous_open_syn_in_syn_sent_moves_to_syn_received)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = P.port, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_connect(S, sd, &ep), -NLRS_EINPROGRESS);
	const struct cap *c = cap_tcp();
	P.sport = c->th.sport;
	P.st_iss = c->seq;
	P.rcv_nxt = c->seq + 1u;
	P.st_ts = true;
	/* RFC 9293 3.5 Figure 7: the SYNs cross */
	peer_send(&P, NLRS_TCP_SYN, NULL, 0);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_SYN_RECEIVED);
	c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_SYN | NLRS_TCP_ACK);
	cr_assert_eq(c->seq, P.st_iss, "the SYN again, with our ISS");
	cr_assert_eq(c->ack, P.iss + 1u);
	peer_ack(&P);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
	cr_assert_eq(sock_error(sd), 0);
}

/* ---- closing ---- */

SEG_TEST(seg_state, shutdown_in_established_sends_fin_and_moves_to_fin_wait_1)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	cr_assert_eq(nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR), 0);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_FIN | NLRS_TCP_ACK);
	cr_assert_eq(c->seq, P.rcv_nxt);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_FIN_WAIT_1);
}

SEG_TEST(seg_state, ack_of_fin_moves_fin_wait_1_to_fin_wait_2)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	cap_tcp();
	peer_ack_to(&P, P.rcv_nxt + 1u);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_FIN_WAIT_2);
	cr_assert_eq(cap_count(), 0);
}

SEG_TEST(seg_state, fin_in_fin_wait_2_is_acked_and_moves_to_time_wait)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	cap_tcp();
	peer_ack_to(&P, P.rcv_nxt + 1u);
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_ACK);
	cr_assert_eq(c->ack, P.snd_nxt, "the FIN is acknowledged");
	cr_assert_eq(seg_state(sd), NLRS_TCPS_TIME_WAIT);
	cr_assert_eq(nlrs_sock_recv(S, sd, (uint8_t[4]){ 0 }, 4, 0), 0, "end of stream");
}

SEG_TEST(seg_state, time_wait_lasts_two_msl_then_closed)
{
	struct nlrs_stack_config cfg;
	nlrs_stack_config_default(&cfg);
	cfg.tcp_msl = NLRS_SEC(5);
	seg_start(&cfg);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	cap_tcp();
	peer_ack_to(&P, P.rcv_nxt + 1u);
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	cap_tcp();
	nlrs_time_t t0 = NOW;
	seg_run_until(t0 + NLRS_SEC(10) - NLRS_MSEC(5));
	cr_assert_eq(seg_state(sd), NLRS_TCPS_TIME_WAIT, "still TIME-WAIT just before 2*MSL");
	seg_run_until(t0 + NLRS_SEC(10) + NLRS_MSEC(5));
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED, "RFC 9293 3.6.1: CLOSED after 2*MSL");
	cr_assert_eq(cap_count(), 0, "TIME-WAIT ends silently");
}

SEG_TEST(seg_state, retransmitted_fin_in_time_wait_is_acked_and_restarts_2msl)
{
	struct nlrs_stack_config cfg;
	nlrs_stack_config_default(&cfg);
	cfg.tcp_msl = NLRS_SEC(5);
	seg_start(&cfg);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	cap_tcp();
	peer_ack_to(&P, P.rcv_nxt + 1u);
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	cap_tcp();
	seg_advance(NLRS_SEC(8));
	/* the peer did not get our ACK: its FIN comes again */
	P.snd_nxt--;
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_ACK);
	cr_assert_eq(c->ack, P.snd_nxt);
	nlrs_time_t t1 = NOW;
	seg_run_until(t1 + NLRS_SEC(10) - NLRS_MSEC(5));
	cr_assert_eq(seg_state(sd), NLRS_TCPS_TIME_WAIT, "the 2*MSL timer restarted");
	seg_run_until(t1 + NLRS_SEC(10) + NLRS_MSEC(5));
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED);
}

SEG_TEST(seg_state, fin_without_ack_of_our_fin_moves_fin_wait_1_to_closing_then_time_wait)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	const struct cap *c = cap_tcp();
	uint32_t fin_seq = c->seq;
	/* RFC 9293 Figure 13: the FINs cross; the peer's acknowledges
	 * nothing new */
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSING);
	c = cap_tcp();
	cr_assert(c->flags & NLRS_TCP_ACK);
	cr_assert_eq(c->ack, P.snd_nxt);
	peer_ack_to(&P, fin_seq + 1u);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_TIME_WAIT);
}

SEG_TEST(seg_state, fin_ack_of_our_fin_moves_fin_wait_1_to_time_wait)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	const struct cap *c = cap_tcp();
	P.rcv_nxt = c->seq + 1u;
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_TIME_WAIT);
	c = cap_tcp();
	cr_assert_eq(c->ack, P.snd_nxt);
}

SEG_TEST(seg_state, peer_fin_moves_established_to_close_wait)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_ACK);
	cr_assert_eq(c->ack, P.snd_nxt);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSE_WAIT);
	unsigned ev = nlrs_sock_events(S, sd);
	cr_assert(ev & NLRS_EV_RDHUP);
	cr_assert(ev & NLRS_EV_READ);
	cr_assert_eq(nlrs_sock_recv(S, sd, (uint8_t[4]){ 0 }, 4, 0), 0);
	/* half-close: we may still send */
	cr_assert_eq(nlrs_sock_send(S, sd, "abc", 3, 0), 3);
	c = cap_tcp();
	cr_assert_eq(c->dlen, 3);
}

SEG_TEST(seg_state, close_in_close_wait_sends_fin_last_ack_then_closed)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	cap_tcp();
	cr_assert_eq(nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR), 0);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_FIN | NLRS_TCP_ACK);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_LAST_ACK);
	peer_ack_to(&P, c->seq + 1u);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED);
	cr_assert(nlrs_sock_events(S, sd) & NLRS_EV_HUP);
	cr_assert_eq(sock_error(sd), 0, "a clean close has no error");
}

/* ---- resets in every synchronized state (RFC 9293 3.10.7.4 second) ---- */

static void rst_exact(void)
{
	struct tseg t = peer_seg(&P, NLRS_TCP_RST);
	seg_inject(&t);
}

SEG_TEST(seg_state, rst_in_established_closes_with_econnreset)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	rst_exact();
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED);
	cr_assert_eq(cap_count(), 0, "a reset is never answered");
	cr_assert(nlrs_sock_events(S, sd) & NLRS_EV_ERROR);
	cr_assert_eq(nlrs_sock_recv(S, sd, (uint8_t[4]){ 0 }, 4, 0), -NLRS_ECONNRESET);
}

SEG_TEST(seg_state, rst_in_fin_wait_1_closes_with_econnreset)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	cap_tcp();
	rst_exact();
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED);
	cr_assert_eq(sock_error(sd), NLRS_ECONNRESET);
}

SEG_TEST(seg_state, rst_in_fin_wait_2_closes_with_econnreset)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	cap_tcp();
	peer_ack_to(&P, P.rcv_nxt + 1u);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_FIN_WAIT_2);
	rst_exact();
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED);
	cr_assert_eq(sock_error(sd), NLRS_ECONNRESET);
}

SEG_TEST(seg_state, rst_in_close_wait_closes_with_econnreset)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	cap_tcp();
	rst_exact();
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED);
	cr_assert_eq(sock_error(sd), NLRS_ECONNRESET);
}

SEG_TEST(seg_state, rst_in_closing_closes)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	cap_tcp();
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSING);
	cap_clear();
	rst_exact();
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED);
	cr_assert_eq(cap_count(), 0);
}

SEG_TEST(seg_state, rst_in_last_ack_closes)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	cap_clear();
	cr_assert_eq(seg_state(sd), NLRS_TCPS_LAST_ACK);
	rst_exact();
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED);
	cr_assert_eq(cap_count(), 0);
}

SEG_TEST(seg_state, rst_in_time_wait_closes)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	const struct cap *c = cap_tcp();
	P.rcv_nxt = c->seq + 1u;
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	cap_clear();
	cr_assert_eq(seg_state(sd), NLRS_TCPS_TIME_WAIT);
	/* RFC 9293 3.10.7.4: RST in TIME-WAIT enters CLOSED */
	rst_exact();
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED);
	cr_assert_eq(cap_count(), 0);
}

SEG_TEST(seg_state, rst_in_passive_syn_received_returns_to_listen)
{
	seg_start(NULL);
	peer_init(&P);
	P.sport = 80;
	P.lsd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = 80 };
	nlrs_sock_bind(S, P.lsd, &ep);
	nlrs_sock_listen(S, P.lsd, 4);
	peer_send(&P, NLRS_TCP_SYN, NULL, 0);
	const struct cap *c = cap_tcp();
	P.rcv_nxt = c->seq + 1u;
	cr_assert_eq(count_state(NLRS_TCPS_SYN_RECEIVED), 1);
	rst_exact();
	cr_assert_eq(count_state(NLRS_TCPS_SYN_RECEIVED), 0, "the embryonic connection is gone");
	cr_assert_eq(seg_state(P.lsd), NLRS_TCPS_LISTEN);
	cr_assert_eq(nlrs_sock_accept(S, P.lsd, NULL), -NLRS_EAGAIN);
	cr_assert_eq(cap_count(), 0);
	/* the listener still takes the next SYN */
	int lsd = P.lsd;
	peer_init(&P);
	P.port = 40001;
	P.lsd = lsd;
	int sd = seg_passive_open(&P, 80);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
}

SEG_TEST(seg_state, rst_in_active_syn_received_refuses_connect)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = P.port, .v4 = PEER_IP };
	nlrs_sock_connect(S, sd, &ep);
	const struct cap *c = cap_tcp();
	P.sport = c->th.sport;
	P.rcv_nxt = c->seq + 1u;
	peer_send(&P, NLRS_TCP_SYN, NULL, 0);
	cap_clear();
	cr_assert_eq(seg_state(sd), NLRS_TCPS_SYN_RECEIVED);
	rst_exact();
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED);
	cr_assert_eq(sock_error(sd), NLRS_ECONNREFUSED);
}
