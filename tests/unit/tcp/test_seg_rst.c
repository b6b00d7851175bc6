/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RST, SYN and ACK acceptability: RFC 9293 3.10.7 and RFC 5961 (blind
 * reset and SYN attacks: challenge ACKs and their rate limit, ACK
 * acceptability 5.2), and the sequence-number table of RFC 9293 3.10.7.4.
 */
#include "seg.h"

static struct peer P;
static uint8_t data[8192];

static int sock_error(int sd)
{
	int e = -1;
	cr_assert_eq(nlrs_sock_getopt(S, sd, NLRS_SO_ERROR, &e), 0);
	return e;
}

/* A connect whose SYN has been read; the peer knows the stack's ISS. */
static int syn_sent(void)
{
	peer_init(&P);
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = P.port, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_connect(S, sd, &ep), -NLRS_EINPROGRESS);
	const struct cap *c = cap_tcp();
	P.sport = c->th.sport;
	P.st_iss = c->seq;
	P.rcv_nxt = c->seq + 1u;
	return sd;
}

/* ---- LISTEN (RFC 9293 3.10.7.2) ---- */

SEG_TEST(seg_rst, listen_rejects_bare_ack_with_rst)
{
	struct nlrs_stack_config cfg;
	nlrs_stack_config_default(&cfg);
	cfg.tcp_syncookies = false;
	seg_start(&cfg);
	peer_init(&P);
	P.sport = 80;
	int l = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = 80 };
	nlrs_sock_bind(S, l, &ep);
	nlrs_sock_listen(S, l, 4);
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK);
	t.ack = 0xabcdef01u;
	seg_inject(&t);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_RST, "<SEQ=SEG.ACK><CTL=RST>");
	cr_assert_eq(c->seq, 0xabcdef01u);
	cr_assert_eq(seg_state(l), NLRS_TCPS_LISTEN);
}

SEG_TEST(seg_rst, listen_ignores_rst)
{
	seg_start(NULL);
	peer_init(&P);
	P.sport = 80;
	int l = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = 80 };
	nlrs_sock_bind(S, l, &ep);
	nlrs_sock_listen(S, l, 4);
	struct tseg t = peer_seg(&P, NLRS_TCP_RST);
	seg_inject(&t);
	cr_assert_eq(cap_count(), 0);
	cr_assert_eq(seg_state(l), NLRS_TCPS_LISTEN);
}

SEG_TEST(seg_rst, closed_port_answers_syn_with_rst_ack)
{
	seg_start(NULL);
	peer_init(&P);
	P.sport = 81;
	peer_send(&P, NLRS_TCP_SYN, NULL, 0);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_RST | NLRS_TCP_ACK);
	cr_assert_eq(c->seq, 0);
	cr_assert_eq(c->ack, P.iss + 1u, "<SEQ=0><ACK=SEG.SEQ+SEG.LEN>");
}

/* ---- SYN-SENT (RFC 9293 3.10.7.3, RFC 5961 3) ---- */

SEG_TEST(seg_rst, syn_sent_unacceptable_ack_gets_rst)
{
	seg_start(NULL);
	int sd = syn_sent();
	struct tseg t = peer_seg(&P, NLRS_TCP_SYN | NLRS_TCP_ACK);
	t.ack = P.st_iss + 5u; /* acknowledges more than the SYN */
	seg_inject(&t);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_RST);
	cr_assert_eq(c->seq, P.st_iss + 5u, "<SEQ=SEG.ACK><CTL=RST>");
	cr_assert_eq(seg_state(sd), NLRS_TCPS_SYN_SENT, "the attempt goes on");
}

SEG_TEST(seg_rst, syn_sent_ack_of_iss_itself_gets_rst)
{
	seg_start(NULL);
	int sd = syn_sent();
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK);
	t.ack = P.st_iss; /* SEG.ACK =< ISS */
	seg_inject(&t);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_RST);
	cr_assert_eq(c->seq, P.st_iss);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_SYN_SENT);
}

SEG_TEST(seg_rst, syn_sent_rst_with_acceptable_ack_refuses_connection)
{
	seg_start(NULL);
	int sd = syn_sent();
	struct tseg t = peer_seg(&P, NLRS_TCP_RST | NLRS_TCP_ACK);
	t.seq = 0;
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED);
	cr_assert_eq(sock_error(sd), NLRS_ECONNREFUSED);
	cr_assert_eq(cap_count(), 0);
}

SEG_TEST(seg_rst, syn_sent_rst_without_ack_is_ignored)
{
	seg_start(NULL);
	int sd = syn_sent();
	struct tseg t = peer_seg(&P, NLRS_TCP_RST);
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_SYN_SENT);
	cr_assert_eq(cap_count(), 0);
}

SEG_TEST(seg_rst, syn_sent_rst_with_unacceptable_ack_is_ignored)
{
	seg_start(NULL);
	int sd = syn_sent();
	struct tseg t = peer_seg(&P, NLRS_TCP_RST | NLRS_TCP_ACK);
	t.ack = P.st_iss + 1000u;
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_SYN_SENT);
	cr_assert_eq(cap_count(), 0, "never answer a reset");
}

/* ---- synchronized states (RFC 5961 3.2, 4.2, 5.2) ---- */

SEG_TEST(seg_rst, in_window_rst_with_exact_seq_resets)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	struct tseg t = peer_seg(&P, NLRS_TCP_RST);
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED);
	cr_assert_eq(sock_error(sd), NLRS_ECONNRESET);
}

SEG_TEST(seg_rst, in_window_rst_not_exact_gets_challenge_ack)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	uint64_t ch = seg_counter("tcp_challenge_ack");
	struct tseg t = peer_seg(&P, NLRS_TCP_RST);
	t.seq += 100;
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_ACK, "RFC 5961 3.2: a challenge ACK");
	cr_assert_eq(c->seq, P.rcv_nxt);
	cr_assert_eq(c->ack, P.snd_nxt);
	cr_assert_eq(seg_counter("tcp_challenge_ack"), ch + 1);
	/* the true owner answers with the exact sequence number */
	t = peer_seg(&P, NLRS_TCP_RST);
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED);
}

SEG_TEST(seg_rst, rst_outside_window_is_dropped)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	struct tseg t = peer_seg(&P, NLRS_TCP_RST);
	t.seq += 0x40000000u;
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
	cr_assert_eq(cap_count(), 0, "RFC 5961 3.2: silently dropped");
	t = peer_seg(&P, NLRS_TCP_RST);
	t.seq -= 1; /* just left of RCV.NXT */
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
	cr_assert_eq(cap_count(), 0);
}

SEG_TEST(seg_rst, syn_in_established_gets_challenge_ack)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	struct tseg t = peer_seg(&P, NLRS_TCP_SYN);
	t.seq += 10; /* in the window */
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED, "RFC 5961 4.2: no reset");
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_ACK);
	cr_assert_eq(c->ack, P.snd_nxt);
	cr_assert_eq(cap_count(), 0);
}

SEG_TEST(seg_rst, syn_outside_window_in_established_gets_ack)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	struct tseg t = peer_seg(&P, NLRS_TCP_SYN);
	t.seq -= 5000;
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_ACK);
	cr_assert_eq(c->ack, P.snd_nxt);
}

SEG_TEST(seg_rst, ack_beyond_snd_nxt_is_dropped_and_acked)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK | NLRS_TCP_PSH);
	t.ack = P.rcv_nxt + 1000u; /* acknowledges data never sent */
	t.data = "hello";
	t.len = 5;
	seg_inject(&t);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_ACK, "RFC 5961 5.2 / RFC 9293: send an ACK");
	cr_assert_eq(c->ack, P.snd_nxt, "and drop the segment: its data is not taken");
	cr_assert_eq(nlrs_sock_recv(S, sd, data, sizeof(data), 0), -NLRS_EAGAIN);
}

SEG_TEST(seg_rst, ack_too_old_is_dropped_with_challenge_ack)
{
	seg_start(NULL);
	peer_init(&P);
	P.ws = -1; /* MAX.SND.WND stays 65535 */
	int sd = seg_passive_open(&P, 80);
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK | NLRS_TCP_PSH);
	t.ack = P.rcv_nxt - 70000u; /* below SND.UNA - MAX.SND.WND */
	t.data = "hello";
	t.len = 5;
	seg_inject(&t);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_ACK);
	cr_assert_eq(c->ack, P.snd_nxt, "the data is not acknowledged");
	cr_assert_eq(nlrs_sock_recv(S, sd, data, sizeof(data), 0), -NLRS_EAGAIN,
		     "RFC 5961 5.2: the segment is discarded");
}

SEG_TEST(seg_rst, old_ack_inside_max_window_is_accepted)
{
	seg_start(NULL);
	peer_init(&P);
	P.ws = -1;
	int sd = seg_passive_open(&P, 80);
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK | NLRS_TCP_PSH);
	t.ack = P.rcv_nxt - 1000u; /* old, but within SND.UNA - MAX.SND.WND */
	t.data = "hello";
	t.len = 5;
	seg_inject(&t);
	cr_assert_eq(nlrs_sock_recv(S, sd, data, sizeof(data), 0), 5);
}

SEG_TEST(seg_rst, challenge_acks_are_rate_limited)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	uint64_t lim = seg_counter("tcp_challenge_ack_limited");
	/* all at the same instant: the bucket holds 1000 */
	for (unsigned i = 0; i < 1100; i++) {
		struct tseg t = peer_seg(&P, NLRS_TCP_RST);
		t.seq += 1 + i;
		seg_inject(&t);
	}
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
	cr_assert_eq(cap_count(), 1000, "RFC 5961 7: %u challenge ACKs", cap_count());
	cr_assert_eq(seg_counter("tcp_challenge_ack_limited"), lim + 100);
	cap_clear();
	/* tokens come back with time: 1000 per second */
	seg_advance(NLRS_MSEC(10));
	struct tseg t = peer_seg(&P, NLRS_TCP_RST);
	t.seq += 7;
	seg_inject(&t);
	cr_assert_eq(cap_count(), 1);
}

SEG_TEST(seg_rst, segment_entirely_outside_window_gets_ack)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK);
	t.seq += 0x10000000u;
	t.data = "far";
	t.len = 3;
	seg_inject(&t);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_ACK, "RFC 9293 3.10.7.4: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>");
	cr_assert_eq(c->seq, P.rcv_nxt);
	cr_assert_eq(c->ack, P.snd_nxt);
	cr_assert_eq(nlrs_sock_recv(S, sd, data, sizeof(data), 0), -NLRS_EAGAIN);
}

SEG_TEST(seg_rst, data_beyond_window_is_trimmed)
{
	seg_start(NULL);
	peer_init(&P);
	P.ws = -1;
	/* a small receive buffer: SO_RCVBUF 2304 doubles to 4608 */
	P.sport = 80;
	P.lsd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = 80 };
	nlrs_sock_bind(S, P.lsd, &ep);
	cr_assert_eq(nlrs_sock_setopt(S, P.lsd, NLRS_SO_RCVBUF, 2304), 0);
	nlrs_sock_listen(S, P.lsd, 4);
	int sd = seg_passive_open(&P, 80);
	uint32_t wnd = seg_info(sd).rcv_wnd;
	cr_assert_eq(wnd, 4608, "window %u", wnd);
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	peer_send(&P, NLRS_TCP_ACK | NLRS_TCP_PSH, data, 6000);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->ack, P.iss + 1u + wnd, "only the bytes inside the window are taken");
	uint8_t got[8192];
	cr_assert_eq(nlrs_sock_recv(S, sd, got, sizeof(got), 0), (int)wnd);
	cr_assert(memcmp(got, data, wnd) == 0);
}

SEG_TEST(seg_rst, bad_checksum_is_dropped_silently)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	uint64_t bad = seg_counter("tcp_rx_bad_checksum");
	struct tseg t = peer_seg(&P, NLRS_TCP_RST);
	t.bad_csum = true;
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
	cr_assert_eq(cap_count(), 0);
	cr_assert_eq(seg_counter("tcp_rx_bad_checksum"), bad + 1);
}

SEG_TEST(seg_rst, segment_without_ack_bit_is_dropped)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	peer_send(&P, NLRS_TCP_PSH, "abc", 3);
	cr_assert_eq(nlrs_sock_recv(S, sd, data, sizeof(data), 0), -NLRS_EAGAIN,
		     "RFC 9293 3.10.7.4 fifth: no ACK bit, drop");
	cr_assert_eq(cap_count(), 0);
}

SEG_TEST(seg_rst, syn_received_rst_not_exact_gets_challenge_ack)
{
	seg_start(NULL);
	peer_init(&P);
	P.sport = 80;
	int l = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = 80 };
	nlrs_sock_bind(S, l, &ep);
	nlrs_sock_listen(S, l, 4);
	peer_send(&P, NLRS_TCP_SYN, NULL, 0);
	const struct cap *c = cap_tcp();
	P.rcv_nxt = c->seq + 1u;
	P.st_ts = true;
	struct tseg t = peer_seg(&P, NLRS_TCP_RST);
	t.seq += 5;
	seg_inject(&t);
	c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_ACK, "RFC 5961 3.2 applies in SYN-RECEIVED too");
	cr_assert_eq(c->ack, P.snd_nxt);
	/* the embryonic connection survives and completes */
	peer_ack(&P);
	cr_assert(nlrs_sock_accept(S, l, NULL) >= 0);
}

SEG_TEST(seg_rst, rst_with_data_in_window_exact_resets)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	struct tseg t = peer_seg(&P, NLRS_TCP_RST | NLRS_TCP_ACK);
	t.data = "diagnostic";
	t.len = 10;
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED, "RFC 9293 3.5.3: RST may carry text");
	cr_assert_eq(cap_count(), 0);
}
