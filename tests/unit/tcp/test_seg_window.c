/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The receive window: never shrunk (RFC 9293 3.8.6.2.2, RFC 7323 2.4),
 * receiver silly-window avoidance, a full buffer closing the window and a
 * read reopening it with a window update, zero-window probes from the
 * peer; and TIME-WAIT reuse by a newer SYN (RFC 6191).
 */
#include "seg.h"

static struct peer P;
static uint8_t data[8192];

/* A connection whose receive buffer is 4608 bytes (SO_RCVBUF 2304, doubled)
 * and no window scaling. */
static int small_buffer(void)
{
	peer_init(&P);
	P.ws = -1;
	P.sport = 80;
	P.lsd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = 80 };
	nlrs_sock_bind(S, P.lsd, &ep);
	cr_assert_eq(nlrs_sock_setopt(S, P.lsd, NLRS_SO_RCVBUF, 2304), 0);
	nlrs_sock_listen(S, P.lsd, 4);
	int sd = seg_passive_open(&P, 80);
	cr_assert_eq(seg_info(sd).rcv_wnd, 4608);
	return sd;
}

/* Regression (a bug this test found, fixed): with window scaling the announced right edge moves back by
 * up to 2^shift - 1 bytes. tcp_out.c announce() (~120) keeps space >=
 * the current window but then truncates it, wnd = space >> rcv_wscale,
 * so ack + (wnd << shift) falls below the edge announced before (seen:
 * 88 bytes back with shift 7 after one 1448-byte segment). RFC 9293
 * 3.8.6.2.2 (SHLD-14) and the function's own comment say the right edge
 * must not move left; Linux rounds the window up in that case
 * (tcp_select_window: ALIGN(cur_win, 1 << rcv_wscale)). No data is lost
 * (rcv_adv keeps the larger edge internally); a peer sees a shrinking
 * window. */
SEG_TEST(seg_window, right_edge_of_the_window_never_moves_back)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	uint32_t edge = 0;
	for (unsigned i = 0; i < 40; i++) {
		peer_send(&P, NLRS_TCP_ACK, data, 1448);
		seg_advance(NLRS_MSEC(1));
		for (const struct cap *c; (c = cap_next());) {
			uint32_t e = c->ack + ((uint32_t)c->win << P.st_ws);
			if (edge)
				cr_assert(nlrs_seq_geq(e, edge), "the window shrank at segment %u", i);
			edge = e;
		}
	}
	cr_assert_gt(edge, 0);
	cr_assert_eq(seg_recv_all(sd), 40u * 1448u);
}

SEG_TEST(seg_window, right_edge_moves_back_less_than_one_scale_unit)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	uint32_t edge = 0;
	for (unsigned i = 0; i < 40; i++) {
		peer_send(&P, NLRS_TCP_ACK, data, 1448);
		seg_advance(NLRS_MSEC(1));
		for (const struct cap *c; (c = cap_next());) {
			uint32_t e = c->ack + ((uint32_t)c->win << P.st_ws);
			if (edge)
				cr_assert(nlrs_seq_geq(e + (1u << P.st_ws), edge),
					  "the window shrank by a whole unit at segment %u", i);
			if (!edge || nlrs_seq_gt(e, edge))
				edge = e;
		}
	}
	cr_assert_eq(seg_recv_all(sd), 40u * 1448u, "every byte taken");
}

SEG_TEST(seg_window, full_buffer_closes_the_window)
{
	seg_start(NULL);
	int sd = small_buffer();
	peer_send(&P, NLRS_TCP_ACK, data, 4608);
	seg_advance(NLRS_MSEC(50));
	unsigned n = 0;
	uint32_t ack = 0;
	uint16_t win = 1;
	for (const struct cap *k; (k = cap_next());) {
		n++;
		ack = k->ack;
		win = k->win;
	}
	cr_assert_gt(n, 0);
	cr_assert_eq(ack, P.snd_nxt);
	cr_assert_eq(win, 0, "window %u", win);
	(void)sd;
}

SEG_TEST(seg_window, data_into_a_zero_window_is_dropped_and_acked)
{
	seg_start(NULL);
	int sd = small_buffer();
	peer_send(&P, NLRS_TCP_ACK, data, 4608);
	seg_advance(NLRS_MSEC(50));
	cap_clear();
	/* the peer probes with one new octet */
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK);
	t.data = "x";
	t.len = 1;
	seg_inject(&t);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->ack, P.snd_nxt, "RFC 9293 3.10.7.4: ACK with the current RCV.NXT");
	cr_assert_eq(c->win, 0);
	cr_assert_eq(seg_recv_all(sd), 4608, "the probe octet was not taken");
}

SEG_TEST(seg_window, reading_a_little_does_not_open_a_silly_window)
{
	seg_start(NULL);
	int sd = small_buffer();
	peer_send(&P, NLRS_TCP_ACK, data, 4608);
	seg_advance(NLRS_MSEC(50));
	cap_clear();
	uint8_t got[100];
	cr_assert_eq(nlrs_sock_recv(S, sd, got, sizeof(got), 0), 100);
	seg_advance(NLRS_MSEC(50));
	for (const struct cap *c; (c = cap_next());)
		cr_assert_eq(c->win, 0, "RFC 9293 3.8.6.2.2: no window of %u bytes", c->win);
}

SEG_TEST(seg_window, reading_the_buffer_sends_a_window_update)
{
	seg_start(NULL);
	int sd = small_buffer();
	peer_send(&P, NLRS_TCP_ACK, data, 4608);
	seg_advance(NLRS_MSEC(50));
	cap_clear();
	cr_assert_eq(seg_recv_all(sd), 4608);
	seg_advance(NLRS_MSEC(1));
	const struct cap *c = cap_next();
	cr_assert(c, "a window update once the buffer is empty");
	cr_assert_eq(c->ack, P.snd_nxt);
	cr_assert_geq(c->win, 2304, "window %u", c->win);
}

SEG_TEST(seg_window, newer_syn_reopens_a_connection_in_time_wait)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	const struct cap *c = cap_tcp();
	P.rcv_nxt = c->seq + 1u;
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_TIME_WAIT);
	nlrs_sock_close(S, sd);
	cap_clear();
	seg_advance(NLRS_SEC(1));
	/* the same ports, a later ISN and a later timestamp */
	int lsd = P.lsd;
	uint32_t old = P.snd_nxt;
	peer_init(&P);
	P.lsd = lsd;
	P.iss = P.snd_nxt = old + 100000u;
	P.ts_base += 5000;
	int sd2 = seg_passive_open(&P, 80);
	cr_assert_eq(seg_state(sd2), NLRS_TCPS_ESTABLISHED, "RFC 6191: TIME-WAIT gives way");
}

SEG_TEST(seg_window, old_syn_in_time_wait_does_not_reopen)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	const struct cap *c = cap_tcp();
	P.rcv_nxt = c->seq + 1u;
	peer_send(&P, NLRS_TCP_FIN | NLRS_TCP_ACK, NULL, 0);
	cap_clear();
	/* an old duplicate SYN: earlier timestamp */
	struct tseg t = peer_seg(&P, NLRS_TCP_SYN);
	t.seq = P.iss;
	t.o.tsval -= 100000;
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_TIME_WAIT);
	for (const struct cap *k; (k = cap_next());)
		cr_assert_eq(k->flags & NLRS_TCP_SYN, 0, "no new connection for an old SYN");
}
