/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Options and the path: timestamps and PAWS (RFC 7323 3-5), window
 * scaling (RFC 7323 2), MSS (RFC 9293 3.7.1), PMTU from ICMP
 * fragmentation needed (RFC 1191, RFC 5927), urgent data (RFC 6093).
 */
#include "seg.h"

static struct peer P;
static uint8_t data[8192];

/* ---- timestamps ---- */

SEG_TEST(seg_opts, ack_echoes_the_tsval_of_the_segment_acked)
{
	seg_start(NULL);
	peer_init(&P);
	seg_passive_open(&P, 80);
	seg_advance(NLRS_MSEC(7));
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK);
	t.o.tsval = 0x01234567u;
	t.data = "abc";
	t.len = 3;
	P.ts_base = 0x01234567u - (uint32_t)(NOW / 1000u);
	seg_inject(&t);
	P.snd_nxt += 3;
	const struct cap *c = cap_tcp();
	cr_assert(c->o.has_ts);
	cr_assert_eq(c->o.tsecr, 0x01234567u, "RFC 7323 3.2: TSecr = TS.Recent");
}

SEG_TEST(seg_opts, stack_tsval_follows_a_millisecond_clock)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = P.port, .v4 = PEER_IP };
	nlrs_sock_connect(S, sd, &ep);
	uint32_t ts0 = cap_tcp()->o.tsval;
	cr_assert(seg_run_until_tx(NOW + NLRS_SEC(5)));
	uint32_t ts1 = cap_tcp()->o.tsval; /* the SYN again, 1 s later */
	cr_assert_eq(ts1 - ts0, 1000, "RFC 7323 5.4: 1 ms ticks (%u)", ts1 - ts0);
}

SEG_TEST(seg_opts, paws_drops_old_timestamp_and_acks)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	seg_advance(NLRS_MSEC(100));
	uint64_t paws = seg_counter("tcp_rx_paws");
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK);
	t.o.tsval -= 1000; /* older than TS.Recent */
	t.data = "old";
	t.len = 3;
	seg_inject(&t);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_ACK, "RFC 7323 5.3 R1: send an ACK");
	cr_assert_eq(c->ack, P.snd_nxt, "and drop the segment");
	cr_assert_eq(nlrs_sock_recv(S, sd, data, sizeof(data), 0), -NLRS_EAGAIN);
	cr_assert_eq(seg_counter("tcp_rx_paws"), paws + 1);
	/* the same bytes with a current timestamp are taken */
	peer_send(&P, NLRS_TCP_ACK, "new", 3);
	cr_assert_eq(nlrs_sock_recv(S, sd, data, sizeof(data), 0), 3);
}

SEG_TEST(seg_opts, paws_does_not_apply_to_rst)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	seg_advance(NLRS_MSEC(100));
	struct tseg t = peer_seg(&P, NLRS_TCP_RST);
	t.o.tsval -= 1000;
	seg_inject(&t);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED, "RFC 7323 5.3: RSTs are exempt from R1");
}

SEG_TEST(seg_opts, out_of_order_segment_does_not_update_ts_recent)
{
	seg_start(NULL);
	peer_init(&P);
	seg_passive_open(&P, 80);
	seg_advance(NLRS_MSEC(5));
	uint32_t in_order_ts = P.ts_base + (uint32_t)(NOW / 1000u);
	peer_send(&P, NLRS_TCP_ACK, data, 100);
	cr_assert_eq(cap_tcp()->o.tsecr, in_order_ts);
	seg_advance(NLRS_MSEC(5));
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK);
	t.seq += 1000;
	t.data = data;
	t.len = 100;
	seg_inject(&t);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->o.tsecr, in_order_ts,
		     "RFC 7323 4.3: TS.Recent only from a segment covering Last.ACK.sent");
}

SEG_TEST(seg_opts, timestamps_not_sent_when_peer_did_not_offer)
{
	seg_start(NULL);
	peer_init(&P);
	P.ts = false;
	int sd = seg_passive_open(&P, 80);
	struct nlrs_tcp_info ti = seg_info(sd);
	cr_assert_eq(ti.options & NLRS_TCPI_OPT_TIMESTAMPS, 0);
	cr_assert_eq(ti.snd_mss, 1460, "no room kept for timestamps");
	peer_send(&P, NLRS_TCP_ACK, data, 10);
	cr_assert_eq(cap_tcp()->o.has_ts, false);
}

/* ---- window scaling and MSS ---- */

SEG_TEST(seg_opts, advertised_window_is_scaled_by_our_shift)
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
	cr_assert(c->o.has_wscale);
	uint8_t shift = c->o.wscale;
	cr_assert_eq(shift, 7, "enough for a 4 MiB buffer (RFC 7323 2.3)");
	cr_assert_leq(c->win, 65535, "RFC 7323 2.2: the SYN-ACK window is not scaled");
	P.rcv_nxt = c->seq + 1u;
	P.st_ts = true;
	peer_ack(&P);
	int sd = nlrs_sock_accept(S, P.lsd, NULL);
	cr_assert(sd >= 0);
	peer_send(&P, NLRS_TCP_ACK, data, 100);
	c = cap_tcp();
	struct nlrs_tcp_info ti = seg_info(sd);
	cr_assert_eq(ti.rcv_wscale, 7);
	cr_assert_eq((uint32_t)c->win << shift, ti.rcv_wnd, "window field %u << 7 vs %u", c->win,
		     ti.rcv_wnd);
	cr_assert_gt(ti.rcv_wnd, 65535u, "a scaled window beyond 64 KiB");
}

SEG_TEST(seg_opts, peer_window_is_scaled_by_its_shift)
{
	seg_start(NULL);
	peer_init(&P);
	P.ws = 3;
	int sd = seg_passive_open(&P, 80);
	cr_assert_eq(seg_info(sd).snd_wscale, 3);
	P.win = 1000;
	peer_ack(&P);
	cr_assert_eq(seg_info(sd).snd_wnd, 8000, "RFC 7323 2.3: SEG.WND << Snd.Wind.Shift");
}

SEG_TEST(seg_opts, stack_sends_no_more_than_the_scaled_peer_window)
{
	seg_start(NULL);
	peer_init(&P);
	P.ws = 2;
	int sd = seg_passive_open(&P, 80);
	P.win = 1000; /* 4000 bytes */
	peer_ack(&P);
	seg_send(sd, 10000);
	uint32_t bytes = 0;
	for (const struct cap *c; (c = cap_next());)
		bytes += c->dlen;
	cr_assert_gt(bytes, 0);
	cr_assert_leq(bytes, 4000, "sent %u", bytes);
}

SEG_TEST(seg_opts, no_window_scaling_without_the_peer_option)
{
	seg_start(NULL);
	peer_init(&P);
	P.ws = -1;
	int sd = seg_passive_open(&P, 80);
	struct nlrs_tcp_info ti = seg_info(sd);
	cr_assert_eq(ti.options & NLRS_TCPI_OPT_WSCALE, 0);
	cr_assert_eq(ti.rcv_wscale, 0);
	cr_assert_eq(ti.snd_wscale, 0);
	cr_assert_leq(ti.rcv_wnd, 65535);
}

SEG_TEST(seg_opts, segments_respect_the_peer_mss)
{
	seg_start(NULL);
	peer_init(&P);
	P.mss = 600;
	int sd = seg_passive_open(&P, 80);
	cr_assert_eq(seg_info(sd).snd_mss, 600 - 12);
	seg_send(sd, 3000);
	for (const struct cap *c; (c = cap_next());)
		cr_assert_leq(c->dlen, 588);
}

SEG_TEST(seg_opts, missing_mss_option_means_536)
{
	seg_start(NULL);
	peer_init(&P);
	P.mss = 0;
	P.ts = false;
	int sd = seg_passive_open(&P, 80);
	cr_assert_eq(seg_info(sd).snd_mss, 536, "RFC 9293 3.7.1");
}

/* ---- path MTU ---- */

static struct cap copy_of(const struct cap *c, uint8_t *buf)
{
	struct cap k = *c;
	memcpy(buf, c->pkt, c->len);
	k.pkt = buf;
	return k;
}

SEG_TEST(seg_opts, icmp_frag_needed_lowers_mss_and_resends_smaller)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	seg_send(sd, 3 * 1448);
	uint8_t buf[1600];
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->len, 1500);
	cr_assert(c->ip.df, "RFC 1191 3: DF on every segment");
	struct cap first = copy_of(c, buf);
	cap_clear();
	seg_inject_frag_needed(&first, 1280);
	struct nlrs_tcp_info ti = seg_info(sd);
	cr_assert_eq(ti.pmtu, 1280);
	cr_assert_eq(ti.snd_mss, 1280 - 40 - 12);
	c = cap_tcp();
	cr_assert_eq(c->seq, first.seq, "RFC 1191 6.3: what was too big goes again at once");
	cr_assert_eq(c->dlen, 1228);
	cr_assert_eq(c->len, 1280);
	for (; (c = cap_next());)
		cr_assert_leq(c->len, 1280);
}

SEG_TEST(seg_opts, icmp_frag_needed_for_data_not_in_flight_is_ignored)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	seg_send(sd, 1448);
	uint8_t buf[1600];
	struct cap first = copy_of(cap_tcp(), buf);
	peer_ack_to(&P, first.seq + 1448);
	uint64_t bad = seg_counter("icmp_rx_bad_quote");
	seg_inject_frag_needed(&first, 1280);
	cr_assert_eq(seg_info(sd).snd_mss, 1448, "RFC 5927 4.1: the quote is not in flight");
	cr_assert_eq(seg_counter("icmp_rx_bad_quote"), bad + 1);
}

SEG_TEST(seg_opts, icmp_frag_needed_with_tiny_mtu_is_floored)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	seg_send(sd, 1448);
	uint8_t buf[1600];
	struct cap first = copy_of(cap_tcp(), buf);
	seg_inject_frag_needed(&first, 100);
	cr_assert_eq(seg_info(sd).pmtu, 576, "a tiny MTU is taken as 576");
}

/* ---- urgent data ---- */

SEG_TEST(seg_opts, urgent_data_is_delivered_inline)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	uint64_t urg = seg_counter("tcp_rx_urg");
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK | NLRS_TCP_URG | NLRS_TCP_PSH);
	t.urg = 5;
	t.data = "hello world";
	t.len = 11;
	seg_inject(&t);
	P.snd_nxt += 11;
	char got[32] = { 0 };
	cr_assert_eq(nlrs_sock_recv(S, sd, got, sizeof(got), 0), 11);
	cr_assert_str_eq(got, "hello world", "RFC 6093: the urgent byte stays in the stream");
	cr_assert_eq(seg_counter("tcp_rx_urg"), urg + 1);
}

SEG_TEST(seg_opts, urgent_pointer_beyond_the_data_does_no_harm)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	struct tseg t = peer_seg(&P, NLRS_TCP_ACK | NLRS_TCP_URG);
	t.urg = 65535;
	t.data = "xy";
	t.len = 2;
	seg_inject(&t);
	P.snd_nxt += 2;
	t = peer_seg(&P, NLRS_TCP_ACK | NLRS_TCP_URG);
	t.urg = 0;
	seg_inject(&t);
	cr_assert_eq(nlrs_sock_recv(S, sd, data, sizeof(data), 0), 2);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
}
