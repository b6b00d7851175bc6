/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Handshake corners and the ways a connection ends besides the FIN
 * exchange: SYN-RECEIVED acceptability, the simultaneous-open SYN-ACK
 * (RFC 9293 3.5 Figure 8), abortive closes (RFC 9293 3.10.4, RFC 2525
 * 2.17, SO_LINGER 0), orphaned FIN-WAIT-2, ICMP hard errors (RFC 1122
 * 4.2.3.9).
 */
#include "seg.h"

static struct peer P;
static uint8_t data[4096];

static unsigned count_blocks(void)
{
	unsigned n = 0;
	struct nlrs_tcp_info ti;
	for (unsigned i = 0;; i++) {
		int r = nlrs_tcp_conn_info(S, i, &ti);
		if (r < 0)
			break;
		n += r == 1;
	}
	return n;
}

static int sock_error(int sd)
{
	int e = -1;
	cr_assert_eq(nlrs_sock_getopt(S, sd, NLRS_SO_ERROR, &e), 0);
	return e;
}

static void listener(void)
{
	P.sport = 80;
	P.lsd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = 80 };
	cr_assert_eq(nlrs_sock_bind(S, P.lsd, &ep), 0);
	cr_assert_eq(nlrs_sock_listen(S, P.lsd, 4), 0);
}

SEG_TEST(seg_close, syn_received_unacceptable_ack_gets_rst)
{
	seg_start(NULL);
	peer_init(&P);
	listener();
	peer_send(&P, NLRS_TCP_SYN, NULL, 0);
	const struct cap *c = cap_tcp();
	P.rcv_nxt = c->seq + 100u; /* acknowledges more than the SYN-ACK */
	P.st_ts = true;
	peer_ack(&P);
	c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_RST, "RFC 9293 3.10.7.4: <SEQ=SEG.ACK><CTL=RST>");
	cr_assert_eq(c->seq, P.rcv_nxt);
	cr_assert_eq(nlrs_sock_accept(S, P.lsd, NULL), -NLRS_EAGAIN);
}

SEG_TEST(seg_close, retransmitted_syn_in_syn_received_gets_the_synack_again)
{
	seg_start(NULL);
	peer_init(&P);
	listener();
	peer_send(&P, NLRS_TCP_SYN, NULL, 0);
	uint32_t iss = cap_tcp()->seq;
	P.snd_nxt = P.iss;
	peer_send(&P, NLRS_TCP_SYN, NULL, 0);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_SYN | NLRS_TCP_ACK);
	cr_assert_eq(c->seq, iss, "the same ISS");
}

SEG_TEST(seg_close, synack_is_retransmitted_then_embryo_given_up)
{
	seg_start(NULL);
	peer_init(&P);
	listener();
	peer_send(&P, NLRS_TCP_SYN, NULL, 0);
	cap_tcp();
	seg_advance(NLRS_SEC(200));
	unsigned n = 0;
	for (const struct cap *c; (c = cap_next());)
		n += c->tcp && c->flags == (NLRS_TCP_SYN | NLRS_TCP_ACK);
	cr_assert_eq(n, 5, "five SYN-ACK retransmissions (%u)", n);
	cr_assert_eq(count_blocks(), 1, "only the listener is left");
}

/* Regression (a bug this test found, fixed): RFC 9293 3.5 Figure 8 line 6: in a simultaneous open, the
 * peer's SYN-ACK <SEQ=IRS><ACK=ISS+1> moves SYN-RECEIVED to ESTABLISHED
 * (Linux accepts it too: tcp_validate_incoming's simultaneous-open
 * exception). tcp_in.c synchronized_input (~1002, "the peer did not hear
 * our SYN-ACK: send it again") treats it as a retransmitted SYN: the
 * stack stays SYN-RECEIVED and sends its SYN-ACK again; the connection
 * only completes one round trip later, when the peer's ACK to that
 * duplicate arrives. Observed: SYN-RECEIVED + a SYN-ACK sent; expected:
 * ESTABLISHED (and at most an ACK). */
SEG_TEST(seg_close, simultaneous_open_peer_synack_establishes)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = P.port, .v4 = PEER_IP };
	nlrs_sock_connect(S, sd, &ep);
	const struct cap *c = cap_tcp();
	P.sport = c->th.sport;
	P.rcv_nxt = c->seq + 1u;
	P.st_ts = true;
	peer_send(&P, NLRS_TCP_SYN, NULL, 0);
	cap_clear();
	cr_assert_eq(seg_state(sd), NLRS_TCPS_SYN_RECEIVED);
	/* the peer's own SYN-ACK: its SYN again, now acknowledging ours */
	P.snd_nxt = P.iss;
	peer_send(&P, NLRS_TCP_SYN | NLRS_TCP_ACK, NULL, 0);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_ESTABLISHED);
}

SEG_TEST(seg_close, close_with_unread_data_sends_rst)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	peer_send(&P, NLRS_TCP_ACK, data, 100);
	cap_clear();
	cr_assert_eq(nlrs_sock_close(S, sd), 0);
	const struct cap *c = cap_tcp();
	cr_assert(c->flags & NLRS_TCP_RST, "RFC 2525 2.17: unread data lost, tell the peer");
	cr_assert_eq(c->seq, P.rcv_nxt);
	cr_assert_eq(count_blocks(), 1, "only the listener is left");
}

SEG_TEST(seg_close, linger_zero_close_sends_rst)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_SO_LINGER, 0), 0);
	cr_assert_eq(nlrs_sock_close(S, sd), 0);
	const struct cap *c = cap_tcp();
	cr_assert(c->flags & NLRS_TCP_RST);
	cr_assert_eq(c->seq, P.rcv_nxt);
	cr_assert_eq(cap_count(), 0, "no FIN");
}

SEG_TEST(seg_close, close_sends_queued_data_then_fin)
{
	seg_start(NULL);
	peer_init(&P);
	P.win = 0;
	int sd = seg_passive_open(&P, 80);
	peer_ack(&P);
	seg_send(sd, 500);
	cr_assert_eq(nlrs_sock_close(S, sd), 0);
	cr_assert_eq(cap_count(), 0, "the window is closed");
	P.win = 1000;
	peer_ack(&P);
	seg_advance(NLRS_MSEC(1));
	uint32_t bytes = 0;
	bool fin = false;
	for (const struct cap *c; (c = cap_next());) {
		bytes += c->dlen;
		fin |= (c->flags & NLRS_TCP_FIN) != 0;
	}
	cr_assert_eq(bytes, 500);
	cr_assert(fin, "RFC 9293 3.10.4: the FIN follows the data");
}

SEG_TEST(seg_close, data_after_close_is_answered_with_rst)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	cr_assert_eq(nlrs_sock_close(S, sd), 0);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_FIN | NLRS_TCP_ACK);
	peer_ack_to(&P, c->seq + 1u);
	cr_assert_eq(count_blocks(), 2, "listener + the orphan in FIN-WAIT-2");
	peer_send(&P, NLRS_TCP_ACK, data, 10);
	c = cap_tcp();
	cr_assert(c->flags & NLRS_TCP_RST, "RFC 2525 2.17: nobody will read it");
	cr_assert_eq(count_blocks(), 1);
}

SEG_TEST(seg_close, orphan_in_fin_wait_2_is_freed_after_timeout)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_close(S, sd);
	const struct cap *c = cap_tcp();
	peer_ack_to(&P, c->seq + 1u);
	cr_assert_eq(count_blocks(), 2);
	seg_advance(NLRS_SEC(59));
	cr_assert_eq(count_blocks(), 2);
	seg_advance(NLRS_SEC(2));
	cr_assert_eq(count_blocks(), 1, "a FIN-WAIT-2 nobody can read does not last forever");
}

SEG_TEST(seg_close, fin_wait_2_with_open_socket_waits_for_the_peer)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = seg_passive_open(&P, 80);
	nlrs_sock_shutdown(S, sd, NLRS_SHUT_WR);
	const struct cap *c = cap_tcp();
	peer_ack_to(&P, c->seq + 1u);
	seg_advance(NLRS_SEC(600));
	cr_assert_eq(seg_state(sd), NLRS_TCPS_FIN_WAIT_2, "half-close: the peer may still send");
	peer_send(&P, NLRS_TCP_ACK, "late", 4);
	char got[8];
	cr_assert_eq(nlrs_sock_recv(S, sd, got, sizeof(got), 0), 4);
}

SEG_TEST(seg_close, fin_in_syn_received_moves_to_close_wait)
{
	seg_start(NULL);
	peer_init(&P);
	listener();
	peer_send(&P, NLRS_TCP_SYN, NULL, 0);
	const struct cap *c = cap_tcp();
	P.rcv_nxt = c->seq + 1u;
	P.st_ts = true;
	/* the third ACK carries data and the FIN */
	peer_send(&P, NLRS_TCP_ACK | NLRS_TCP_FIN | NLRS_TCP_PSH, "bye", 3);
	int sd = nlrs_sock_accept(S, P.lsd, NULL);
	cr_assert(sd >= 0);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSE_WAIT);
	char got[8];
	cr_assert_eq(nlrs_sock_recv(S, sd, got, sizeof(got), 0), 3);
	cr_assert_eq(nlrs_sock_recv(S, sd, got, sizeof(got), 0), 0);
	c = cap_tcp();
	cr_assert_eq(c->ack, P.snd_nxt);
}

/* Regression (a bug this test found, fixed): data (and a FIN) on a SYN-ACK are thrown away. RFC 9293 3.10.7.3
 * (SYN-SENT, fifth): "If there are other controls or text in the
 * segment, continue processing at the sixth step", i.e. the text is
 * accepted within the window our SYN offered. tcp_in.c syn_sent_input
 * (~404) sets rcv_adv = rcv_nxt, so the window synchronized_input then
 * computes is zero and its zero-window branch (~986) trims the payload
 * and the FIN (counted as tcp_rx_rcvbuf_full). Observed: ESTABLISHED,
 * ACK = IRS + 1, nothing readable; expected: CLOSE-WAIT, "hi" readable,
 * ACK = IRS + 1 + 2 + 1. Linux accepts it (TFO servers send data there).
 * Fix idea: rcv_adv = rcv_nxt + the (unscaled) window sent in our SYN. */
SEG_TEST(seg_close, synack_carrying_data_and_fin_is_taken)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = P.port, .v4 = PEER_IP };
	nlrs_sock_connect(S, sd, &ep);
	const struct cap *c = cap_tcp();
	P.sport = c->th.sport;
	P.rcv_nxt = c->seq + 1u;
	P.st_ts = true;
	peer_send(&P, NLRS_TCP_SYN | NLRS_TCP_ACK | NLRS_TCP_FIN, "hi", 2);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSE_WAIT);
	char got[8];
	cr_assert_eq(nlrs_sock_recv(S, sd, got, sizeof(got), 0), 2);
	c = cap_tcp();
	cr_assert_eq(c->ack, P.snd_nxt, "SYN, data and FIN acknowledged");
}

SEG_TEST(seg_close, icmp_port_unreachable_refuses_a_connect)
{
	seg_start(NULL);
	peer_init(&P);
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = P.port, .v4 = PEER_IP };
	nlrs_sock_connect(S, sd, &ep);
	const struct cap *c = cap_tcp();
	uint8_t pkt[20 + 8 + 80];
	size_t q = c->len < 60 ? c->len : 60;
	struct nlrs_ipv4_hdr ih = { .tot_len = (uint16_t)(28 + q), .id = 3, .ttl = 64,
				    .proto = NLRS_IPPROTO_ICMP, .src = PEER_IP, .dst = LOCAL_IP };
	nlrs_ipv4_emit(pkt, 20, &ih);
	memset(pkt + 20, 0, 8);
	pkt[20] = 3;
	pkt[21] = 3; /* port unreachable: a hard error (RFC 1122 4.2.3.9) */
	memcpy(pkt + 28, c->pkt, q);
	/* checksum of the ICMP message */
	uint32_t sum = 0;
	for (size_t i = 0; i < 8 + q; i += 2)
		sum += (uint32_t)(pkt[20 + i] << 8) | (i + 1 < 8 + q ? pkt[21 + i] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	pkt[22] = (uint8_t)(~sum >> 8);
	pkt[23] = (uint8_t)~sum;
	seg_inject_raw(pkt, 28 + q);
	cr_assert_eq(seg_state(sd), NLRS_TCPS_CLOSED);
	cr_assert_eq(sock_error(sd), NLRS_ECONNREFUSED);
}
