/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Odds and ends of RFC 9293 and RFC 7323: option negotiation corners,
 * FIN retransmission, overlapping and out-of-order text with a FIN.
 */
#include "seg.h"

static struct peer P;
static uint8_t data[8192];

SEG_TEST(seg_misc, synack_without_options_turns_them_off)
{
	seg_start(NULL);
	peer_init(&P);
	P.ws = -1;
	P.sack = false;
	P.ts = false;
	P.mss = 1000;
	int sd = seg_active_open(&P);
	struct nlrs_tcp_info ti = seg_info(sd);
	cr_assert_eq(ti.options, 0, "RFC 7323 2.2/3.2, RFC 2018 2: only what both offered");
	cr_assert_eq(ti.snd_mss, 1000);
	cr_assert_eq(ti.rcv_wscale, 0, "no scaling of our window either");
	seg_send(sd, 10);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->o.has_ts, false);
	cr_assert_leq(c->win, 65535);
}

SEG_TEST(seg_misc, wscale_above_14_is_taken_as_14)
{
	seg_start(NULL);
	peer_init(&P);
	P.ts = false;
	P.sport = 80;
	P.lsd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = 80 };
	nlrs_sock_bind(S, P.lsd, &ep);
	nlrs_sock_listen(S, P.lsd, 4);
	static const uint8_t opts[8] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 15 }; /* MSS 1460, WS 15 */
	struct tseg t = peer_seg(&P, NLRS_TCP_SYN);
	t.rawopts = opts;
	t.rawlen = sizeof(opts);
	seg_inject(&t);
	P.snd_nxt++;
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_SYN | NLRS_TCP_ACK);
	P.rcv_nxt = c->seq + 1u;
	peer_ack(&P);
	int sd = nlrs_sock_accept(S, P.lsd, NULL);
	cr_assert(sd >= 0);
	cr_assert_eq(seg_info(sd).snd_wscale, 14, "RFC 7323 2.3: MUST use 14");
}

SEG_TEST(seg_misc, tcp_maxseg_caps_the_announced_mss)
{
	seg_start(NULL);
	peer_init(&P);
	P.sport = 80;
	P.lsd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = 80 };
	nlrs_sock_bind(S, P.lsd, &ep);
	cr_assert_eq(nlrs_sock_setopt(S, P.lsd, NLRS_TCP_MAXSEG, 1000), 0);
	nlrs_sock_listen(S, P.lsd, 4);
	peer_send(&P, NLRS_TCP_SYN, NULL, 0);
	const struct cap *c = cap_tcp();
	cr_assert(c->o.has_mss);
	cr_assert_eq(c->o.mss, 1000);
}

SEG_TEST(seg_misc, fin_is_retransmitted_on_timeout)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	const struct cap *c = cap_tcp();
	uint32_t fin = c->seq;
	cr_assert(seg_run_until_tx(NOW + NLRS_SEC(5)));
	c = cap_tcp();
	cr_assert(c->flags & NLRS_TCP_FIN, "the FIN again");
	cr_assert_eq(c->seq, fin);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_FIN_WAIT_1);
}

SEG_TEST(seg_misc, fin_is_retransmitted_in_last_ack)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	cap_clear();
	nlrs_sock_close(S, sd);
	const struct cap *c = cap_tcp();
	uint32_t fin = c->seq;
	cr_assert(seg_run_until_tx(NOW + NLRS_SEC(5)));
	c = cap_tcp();
	cr_assert(c->flags & NLRS_TCP_FIN);
	cr_assert_eq(c->seq, fin);
	peer_ack_to(&P, fin + 1u);
	struct nlrs_tcp_info ti;
	unsigned n = 0;
	for (unsigned i = 0; nlrs_tcp_conn_info(S, i, &ti) >= 0; i++)
		n += nlrs_tcp_conn_info(S, i, &ti) == 1;
	cr_assert_eq(n, 1, "LAST-ACK ended: only the listener is left");
}

SEG_TEST(seg_misc, overlapping_segment_delivers_only_new_bytes)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	for (unsigned i = 0; i < 300; i++)
		data[i] = (uint8_t)(i + 1);
	uint32_t base = P.snd_nxt;
	peer_send(&P, NLRS_TCP_ACK, data, 100);
	/* bytes 50..199: half old, half new */
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK);
	t.seq = base + 50;
	t.data = data + 50;
	t.len = 150;
	seg_inject(&t);
	P.snd_nxt = base + 200;
	uint8_t got[400];
	cr_assert_eq(nlrs_sock_recv(S, sd, got, sizeof(got), 0), 200);
	cr_assert(memcmp(got, data, 200) == 0, "RFC 9293 3.10.7.4: only the new part is taken");
}

SEG_TEST(seg_misc, out_of_order_fin_is_held_until_the_hole_fills)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	uint32_t base = P.snd_nxt;
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK | NLRS_TCP_FIN);
	t.seq = base + 100;
	t.data = data;
	t.len = 100;
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED, "the FIN is not in order yet");
	cap_clear();
	peer_send(&P, NLRS_TCP_ACK, data, 100);
	P.snd_nxt = base + 201;
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSE_WAIT);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->ack, P.snd_nxt, "data and FIN acknowledged together");
	cr_assert_eq(seg_recv_all(sd), 200);
}

SEG_TEST(seg_misc, many_tiny_out_of_order_segments_are_bounded)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	uint32_t base = P.snd_nxt;
	struct nlrs_pool_info pi0, pi1;
	nlrs_stack_pool_info(S, &pi0);
	/* one byte every other byte: each would pin a buffer */
	for (unsigned i = 0; i < 3000; i++) {
		struct tseg t = peer_seg(&P, NLRS_TCP_ACK);
		t.seq = base + 2 + 2 * i;
		t.data = data;
		t.len = 1;
		seg_inject(&t);
	}
	cap_clear();
	nlrs_stack_pool_info(S, &pi1);
	cr_assert_lt(pi0.avail - pi1.avail, 1000u, "%u buffers held for tiny segments",
		     pi0.avail - pi1.avail);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
}
