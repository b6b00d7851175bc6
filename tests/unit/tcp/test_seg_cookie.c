/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SYN cookies (RFC 4987 3.6): when a listener's SYN queue is full the
 * SYN-ACK carries a cookie as its ISN; the third ACK rebuilds the
 * connection with the MSS from the cookie's table and, with timestamps,
 * the window scale and SACK-permitted from the low bits of TSecr.
 */
#include "seg.h"

static struct peer A, B;
static int lsd;

/* A listener with backlog 1 whose SYN queue holds A's embryonic
 * connection; B's SYN then gets a cookie. Returns the cookie SYN-ACK's
 * sequence number (the cookie). */
static uint32_t cookie_synack(void)
{
	lsd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = 80 };
	cr_assert_eq(nlrs_sock_bind(S, lsd, &ep), 0);
	cr_assert_eq(nlrs_sock_listen(S, lsd, 1), 0);
	peer_init(&A);
	A.sport = 80;
	peer_send(&A, NLRS_TCP_SYN, NULL, 0);
	cr_assert_eq(cap_tcp()->flags, NLRS_TCP_SYN | NLRS_TCP_ACK);
	uint64_t sent = seg_counter("tcp_syncookies_sent");
	B.sport = 80;
	B.port = 40001;
	B.iss = B.snd_nxt = 0x22220000u;
	peer_send(&B, NLRS_TCP_SYN, NULL, 0);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_SYN | NLRS_TCP_ACK);
	cr_assert_eq(c->ack, B.iss + 1u);
	cr_assert_eq(seg_counter("tcp_syncookies_sent"), sent + 1, "the SYN queue was full");
	B.st_iss = c->seq;
	B.rcv_nxt = c->seq + 1u;
	B.st_ts = c->o.has_ts;
	B.st_ws = c->o.has_wscale ? c->o.wscale : 0;
	B.st_sack = c->o.sack_ok;
	return c->seq;
}

SEG_TEST(seg_cookie, cookie_ack_creates_connection_with_the_cookie_mss)
{
	seg_start(NULL);
	peer_init(&B);
	B.mss = 1300; /* the cookie table holds 536, 1220, 1440, 1460 */
	cookie_synack();
	uint64_t ok = seg_counter("tcp_syncookies_ok");
	peer_ack(&B);
	cr_assert_eq(seg_counter("tcp_syncookies_ok"), ok + 1);
	int sd = nlrs_sock_accept(S, lsd, NULL);
	cr_assert(sd >= 0, "the cookie made a connection");
	struct nlrs_tcp_info ti = seg_info(sd);
	cr_assert_eq(ti.state, NLRS_TCPS_ESTABLISHED);
	cr_assert_eq(ti.remote_port, 40001);
	cr_assert_eq(ti.snd_mss, 1220 - 12, "the largest table MSS not above 1300, less TS");
	cr_assert_eq(ti.options,
		     NLRS_TCPI_OPT_TIMESTAMPS | NLRS_TCPI_OPT_SACK | NLRS_TCPI_OPT_WSCALE,
		     "options came back in TSecr");
	cr_assert_eq(ti.snd_wscale, 7);
	/* and it carries data both ways */
	peer_send(&B, NLRS_TCP_ACK | NLRS_TCP_PSH, "ping", 4);
	char got[8];
	cr_assert_eq(nlrs_sock_recv(S, sd, got, sizeof(got), 0), 4);
	cap_clear();
	seg_send(sd, 2000);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->seq, B.rcv_nxt);
	cr_assert_eq(c->dlen, 1208);
}

SEG_TEST(seg_cookie, cookie_with_full_size_mss_keeps_1460)
{
	seg_start(NULL);
	peer_init(&B);
	cookie_synack();
	peer_ack(&B);
	int sd = nlrs_sock_accept(S, lsd, NULL);
	cr_assert(sd >= 0);
	cr_assert_eq(seg_info(sd).snd_mss, 1448);
}

SEG_TEST(seg_cookie, cookie_without_timestamps_offers_no_wscale_or_sack)
{
	seg_start(NULL);
	peer_init(&B);
	B.ts = false;
	B.mss = 1460;
	cookie_synack();
	cr_assert_eq(B.st_ts, false);
	cr_assert_eq(B.st_ws, 0);
	cr_assert_eq(B.st_sack, false, "RFC 4987 3.6: nowhere to keep them");
	peer_ack(&B);
	int sd = nlrs_sock_accept(S, lsd, NULL);
	cr_assert(sd >= 0);
	struct nlrs_tcp_info ti = seg_info(sd);
	cr_assert_eq(ti.options, 0);
	cr_assert_eq(ti.snd_mss, 1460);
}

SEG_TEST(seg_cookie, forged_cookie_ack_gets_rst_and_no_connection)
{
	seg_start(NULL);
	peer_init(&B);
	cookie_synack();
	uint64_t bad = seg_counter("tcp_syncookies_bad");
	B.rcv_nxt += 12345; /* not our cookie */
	peer_ack(&B);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_RST);
	cr_assert_eq(c->seq, B.rcv_nxt, "<SEQ=SEG.ACK><CTL=RST>");
	cr_assert_eq(seg_counter("tcp_syncookies_bad"), bad + 1);
	cr_assert_eq(nlrs_sock_accept(S, lsd, NULL), -NLRS_EAGAIN);
}

SEG_TEST(seg_cookie, cookie_ack_with_other_isn_is_rejected)
{
	seg_start(NULL);
	peer_init(&B);
	cookie_synack();
	B.snd_nxt += 1000; /* the hash covers the peer's ISN */
	peer_ack(&B);
	cr_assert_eq(cap_tcp()->flags, NLRS_TCP_RST);
	cr_assert_eq(nlrs_sock_accept(S, lsd, NULL), -NLRS_EAGAIN);
}

SEG_TEST(seg_cookie, stale_cookie_is_rejected)
{
	seg_start(NULL);
	peer_init(&B);
	cookie_synack();
	seg_advance(NLRS_SEC(300));
	cap_clear(); /* A's SYN-ACK retransmissions */
	peer_ack(&B);
	cr_assert_eq(cap_tcp()->flags, NLRS_TCP_RST, "cookies live about two minutes");
	cr_assert_eq(nlrs_sock_accept(S, lsd, NULL), -NLRS_EAGAIN);
}

SEG_TEST(seg_cookie, no_cookies_when_disabled_the_syn_is_dropped)
{
	struct nlrs_stack_config cfg;
	nlrs_stack_config_default(&cfg);
	cfg.tcp_syncookies = false;
	seg_start(&cfg);
	lsd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = 80 };
	nlrs_sock_bind(S, lsd, &ep);
	nlrs_sock_listen(S, lsd, 1);
	peer_init(&A);
	A.sport = 80;
	peer_send(&A, NLRS_TCP_SYN, NULL, 0);
	cap_clear();
	peer_init(&B);
	B.sport = 80;
	B.port = 40001;
	peer_send(&B, NLRS_TCP_SYN, NULL, 0);
	cr_assert_eq(cap_count(), 0, "the SYN queue is full: the SYN waits for a retry");
}
