/* SPDX-License-Identifier: BSD-2-Clause */
/* UDP sockets (stack/udp.c, stack/socket.c). */
#include "harness.h"

TestSuite(udp, .init = h_setup_peer, .fini = h_teardown);

static int sock_bound(uint32_t addr, uint16_t port)
{
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_DGRAM, 0);
	cr_assert_geq(sd, 0);
	struct nlrs_endpoint me = { .family = NLRS_AF_INET, .v4 = addr, .port = port };
	cr_assert_eq(nlrs_sock_bind(S, sd, &me), 0);
	return sd;
}

static int bind_rc(uint32_t addr, uint16_t port)
{
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_DGRAM, 0);
	cr_assert_geq(sd, 0);
	struct nlrs_endpoint me = { .family = NLRS_AF_INET, .v4 = addr, .port = port };
	return nlrs_sock_bind(S, sd, &me);
}

/* A datagram from src:sport to dst:dport, in a frame to edst. */
static void inject_udp_to(const uint8_t edst[6], uint32_t src, uint16_t sport, uint32_t dst,
			  uint16_t dport, const void *data, size_t n)
{
	uint8_t u[8 + 1500];
	size_t un = h_udp(u, src, dst, sport, dport, data, n);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	ip.src = src;
	ip.dst = dst;
	h_inject_ip_to(edst, &ip, u, un);
}

static void inject_udp(uint16_t sport, uint16_t dport, const void *data, size_t n)
{
	inject_udp_to(OUR_MAC, PEER_IP, sport, OUR_IP, dport, data, n);
}

CORE_TEST(udp, second_bind_to_same_port_refused)
{
	sock_bound(0, 5000);
	cr_assert_eq(bind_rc(0, 5000), -NLRS_EADDRINUSE);
	cr_assert_eq(bind_rc(OUR_IP, 5000), -NLRS_EADDRINUSE, "wildcard holds every address");
	cr_assert_eq(bind_rc(0, 5001), 0);
}

CORE_TEST(udp, wildcard_bind_refused_after_specific_bind)
{
	sock_bound(OUR_IP, 5000);
	cr_assert_eq(bind_rc(0, 5000), -NLRS_EADDRINUSE);
}

CORE_TEST(udp, bind_to_foreign_address_refused)
{
	cr_assert_eq(bind_rc(NLRS_IP4(203, 0, 113, 1), 5000), -NLRS_EADDRNOTAVAIL);
}

CORE_TEST(udp, bind_twice_refused)
{
	int sd = sock_bound(0, 5000);
	struct nlrs_endpoint me = { .family = NLRS_AF_INET, .port = 5001 };
	cr_assert_eq(nlrs_sock_bind(S, sd, &me), -NLRS_EINVAL);
}

CORE_TEST(udp, port_zero_picks_distinct_ephemeral_ports)
{
	uint16_t seen[20];
	for (unsigned i = 0; i < 20; i++) {
		int sd = sock_bound(0, 0);
		struct nlrs_endpoint me;
		cr_assert_eq(nlrs_sock_getname(S, sd, &me, NULL), 0);
		cr_assert_geq(me.port, 49152);
		cr_assert_leq(me.port, 65535);
		for (unsigned j = 0; j < i; j++)
			cr_assert_neq(me.port, seen[j], "ephemeral port reused");
		seen[i] = me.port;
	}
}

CORE_TEST(udp, sendto_from_unbound_socket_binds_ephemeral_port)
{
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_DGRAM, 0);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 7, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, "hello", 5, &to), 5);
	struct nlrs_endpoint me;
	nlrs_sock_getname(S, sd, &me, NULL);
	cr_assert_geq(me.port, 49152);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(r.ip.proto, NLRS_IPPROTO_UDP);
	cr_assert_eq(r.ip.src, OUR_IP);
	cr_assert_eq(r.ip.dst, PEER_IP);
	cr_assert_eq(r.ip.ttl, 64);
	cr_assert_eq(nlrs_rd16(r.l4), me.port);
	cr_assert_eq(nlrs_rd16(r.l4 + 2), 7);
	cr_assert_eq(nlrs_rd16(r.l4 + 4), 13);
	cr_assert_neq(nlrs_rd16(r.l4 + 6), 0, "checksum computed");
	cr_assert(h_udp_csum_ok(OUR_IP, PEER_IP, r.l4, r.l4len));
	cr_assert_eq(memcmp(r.l4 + 8, "hello", 5), 0);
	cr_assert_eq(CTR(udp_tx), 1);
}

CORE_TEST(udp, ttl_option_sets_outgoing_ttl)
{
	int sd = sock_bound(0, 5000);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_IP_TTL, 3), 0);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 7, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, "x", 1, &to), 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(r.ip.ttl, 3);
}

CORE_TEST(udp, recvfrom_returns_data_and_source)
{
	int sd = sock_bound(0, 5000);
	uint8_t data[100], got[200];
	h_pattern(data, sizeof data, 1);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
	cr_assert_eq(nlrs_sock_events(S, sd) & NLRS_EV_READ, 0);
	inject_udp(4444, 5000, data, sizeof data);
	cr_assert_eq(CTR(udp_rx), 1);
	cr_assert(nlrs_sock_events(S, sd) & NLRS_EV_READ);
	struct nlrs_endpoint from = { 0 };
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, &from, 0), 100);
	cr_assert_eq(memcmp(got, data, 100), 0);
	cr_assert_eq(from.family, NLRS_AF_INET);
	cr_assert_eq(from.v4, PEER_IP);
	cr_assert_eq(from.port, 4444);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(udp, datagrams_received_in_order)
{
	int sd = sock_bound(0, 5000);
	inject_udp(4444, 5000, "one", 3);
	inject_udp(4444, 5000, "two!", 4);
	char got[16];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 3);
	cr_assert_eq(memcmp(got, "one", 3), 0);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 4);
	cr_assert_eq(memcmp(got, "two!", 4), 0);
}

CORE_TEST(udp, zero_length_datagram_delivered)
{
	int sd = sock_bound(0, 5000);
	inject_udp(4444, 5000, NULL, 0);
	char got[4];
	struct nlrs_endpoint from;
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, &from, 0), 0);
	cr_assert_eq(from.port, 4444);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
}

CORE_TEST(udp, msg_peek_leaves_datagram_queued)
{
	int sd = sock_bound(0, 5000);
	inject_udp(4444, 5000, "peekaboo", 8);
	char got[16];
	struct nlrs_endpoint from;
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, &from, NLRS_MSG_PEEK), 8);
	cr_assert_eq(memcmp(got, "peekaboo", 8), 0);
	cr_assert_eq(from.port, 4444);
	memset(got, 0, sizeof got);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 8);
	cr_assert_eq(memcmp(got, "peekaboo", 8), 0);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
}

CORE_TEST(udp, short_buffer_truncates_and_msg_trunc_reports_real_length)
{
	int sd = sock_bound(0, 5000);
	uint8_t data[100], got[10];
	h_pattern(data, sizeof data, 2);
	inject_udp(4444, 5000, data, sizeof data);
	inject_udp(4444, 5000, data, sizeof data);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, NLRS_MSG_TRUNC), 100);
	cr_assert_eq(memcmp(got, data, 10), 0);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 10);
	cr_assert_eq(memcmp(got, data, 10), 0);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN,
		     "the rest of a truncated datagram is discarded");
}

CORE_TEST(udp, connected_socket_ignores_other_sources)
{
	int sd = sock_bound(0, 5000);
	struct nlrs_endpoint peer = { .family = NLRS_AF_INET, .port = 4444, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_connect(S, sd, &peer), 0);
	inject_udp(4445, 5000, "wrong port", 10);
	inject_udp_to(OUR_MAC, NLRS_IP4(192, 0, 2, 9), 4444, OUR_IP, 5000, "wrong host", 10);
	inject_udp(4444, 5000, "right", 5);
	char got[16];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 5);
	cr_assert_eq(memcmp(got, "right", 5), 0);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
	cr_assert_eq(CTR(udp_rx_no_port), 2);
}

CORE_TEST(udp, full_receive_buffer_drops_and_counts)
{
	int sd = sock_bound(0, 5000);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_SO_RCVBUF, 4 * 2048), 0);
	for (int i = 0; i < 6; i++) {
		uint8_t d = (uint8_t)i;
		inject_udp(4444, 5000, &d, 1);
	}
	cr_assert_eq(CTR(udp_rx_queue_full), 2);
	uint8_t got[4];
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 1);
		cr_assert_eq(got[0], i, "the first datagrams are kept");
	}
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
	/* Room again after reading. */
	inject_udp(4444, 5000, "z", 1);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 1);
}

CORE_TEST(udp, bad_checksum_counted_and_dropped)
{
	int sd = sock_bound(0, 5000);
	uint8_t u[8 + 4];
	size_t un = h_udp(u, PEER_IP, OUR_IP, 4444, 5000, "data", 4);
	u[9] ^= 0x20;
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	h_inject_ip(&ip, u, un);
	cr_assert_eq(CTR(udp_rx_bad_checksum), 1);
	char got[8];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(udp, zero_checksum_accepted)
{
	int sd = sock_bound(0, 5000);
	uint8_t u[8 + 4];
	size_t un = h_udp(u, PEER_IP, OUR_IP, 4444, 5000, "data", 4);
	nlrs_wr16(u + 6, 0);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	h_inject_ip(&ip, u, un);
	char got[8];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 4);
	cr_assert_eq(memcmp(got, "data", 4), 0);
	cr_assert_eq(CTR(udp_rx_bad_checksum), 0);
}

CORE_TEST(udp, length_field_past_ip_payload_counted_bad_len)
{
	int sd = sock_bound(0, 5000);
	uint8_t u[8 + 4];
	size_t un = h_udp(u, PEER_IP, OUR_IP, 4444, 5000, "data", 4);
	nlrs_wr16(u + 4, 13);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	h_inject_ip(&ip, u, un);
	cr_assert_eq(CTR(udp_rx_bad_len), 1);
	char got[8];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
}

CORE_TEST(udp, length_field_below_8_counted_bad_len)
{
	int sd = sock_bound(0, 5000);
	uint8_t u[8 + 4];
	size_t un = h_udp(u, PEER_IP, OUR_IP, 4444, 5000, "data", 4);
	nlrs_wr16(u + 4, 7);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	h_inject_ip(&ip, u, un);
	cr_assert_eq(CTR(udp_rx_bad_len), 1);
	char got[8];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
}

CORE_TEST(udp, length_field_shorter_than_payload_trims_datagram)
{
	int sd = sock_bound(0, 5000);
	uint8_t u[8 + 8];
	/* A valid 8 + 4 datagram followed by 4 bytes the UDP length excludes. */
	h_udp(u, PEER_IP, OUR_IP, 4444, 5000, "data", 4);
	memcpy(u + 12, "JUNK", 4);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	h_inject_ip(&ip, u, sizeof u);
	char got[16];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 4);
	cr_assert_eq(memcmp(got, "data", 4), 0);
}

CORE_TEST(udp, datagram_shorter_than_header_counted_short)
{
	uint8_t u[6] = { 0x11, 0x5c, 0x13, 0x88, 0, 6 };
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	h_inject_ip(&ip, u, sizeof u);
	cr_assert_eq(CTR(udp_rx_short), 1);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(udp, port_unreachable_from_peer_reported_once_on_connected_socket)
{
	int sd = sock_bound(0, 5000);
	struct nlrs_endpoint peer = { .family = NLRS_AF_INET, .port = 7, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_connect(S, sd, &peer), 0);
	cr_assert_eq(nlrs_sock_sendto(S, sd, "ping", 4, NULL), 4);
	cr_assert_eq(NTX, 1);
	/* The peer answers with a port unreachable quoting what we sent. */
	struct h_rx r;
	h_parse(0, &r);
	uint8_t msg[8 + 64];
	size_t qlen = r.ip.tot_len;
	size_t mn = h_icmp(msg, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_PORT_UNREACH, 0, r.l3, qlen);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	h_inject_ip(&ip, msg, mn);
	cr_assert_eq(CTR(icmp_rx_errors), 1);
	cr_assert(nlrs_sock_events(S, sd) & NLRS_EV_ERROR);
	char got[8];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_ECONNREFUSED);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN,
		     "the error is reported once");
	cr_assert_eq(nlrs_sock_events(S, sd) & NLRS_EV_ERROR, 0);
}

CORE_TEST(udp, port_unreachable_ignored_by_unconnected_socket)
{
	int sd = sock_bound(0, 5000);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 7, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, "ping", 4, &to), 4);
	struct h_rx r;
	h_parse(0, &r);
	uint8_t msg[8 + 64];
	size_t mn =
		h_icmp(msg, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_PORT_UNREACH, 0, r.l3, r.ip.tot_len);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	h_inject_ip(&ip, msg, mn);
	char got[8];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
}

CORE_TEST(udp, broadcast_delivered_to_wildcard_socket_not_to_unicast_bound_one)
{
	int wild = sock_bound(0, 5000);
	int uni = sock_bound(OUR_IP, 5001);
	inject_udp_to(BCAST_MAC, PEER_IP, 4444, NET_BCAST, 5000, "b1", 2);
	inject_udp_to(BCAST_MAC, PEER_IP, 4444, 0xffffffffu, 5001, "b2", 2);
	char got[8];
	struct nlrs_endpoint from;
	cr_assert_eq(nlrs_sock_recvfrom(S, wild, got, sizeof got, &from, 0), 2);
	cr_assert_eq(memcmp(got, "b1", 2), 0);
	cr_assert_eq(from.v4, PEER_IP);
	cr_assert_eq(nlrs_sock_recvfrom(S, uni, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
	cr_assert_eq(NTX, 0, "no port unreachable about a broadcast");
}

CORE_TEST(udp, broadcast_delivered_to_every_listener)
{
	/* Two listeners on one port need SO_REUSEADDR, which the API does
	 * not offer yet: the second binding is made by hand here so the
	 * fan-out path is exercised. */
	int a = sock_bound(0, 5000);
	int b = sock_bound(0, 5002);
	S->socks[b].local.port = 5000;
	inject_udp_to(BCAST_MAC, PEER_IP, 4444, NET_BCAST, 5000, "all", 3);
	char got[8];
	struct nlrs_endpoint from;
	cr_assert_eq(nlrs_sock_recvfrom(S, a, got, sizeof got, &from, 0), 3);
	cr_assert_eq(memcmp(got, "all", 3), 0);
	cr_assert_eq(from.v4, PEER_IP);
	cr_assert_eq(from.port, 4444);
	cr_assert_eq(nlrs_sock_recvfrom(S, b, got, sizeof got, &from, 0), 3);
	cr_assert_eq(memcmp(got, "all", 3), 0);
	cr_assert_eq(from.v4, PEER_IP);
	cr_assert_eq(from.port, 4444);
}

CORE_TEST(udp, send_to_broadcast_needs_so_broadcast)
{
	int sd = sock_bound(0, 5000);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 7, .v4 = NET_BCAST };
	cr_assert_eq(nlrs_sock_sendto(S, sd, "b", 1, &to), -NLRS_EACCES);
	cr_assert_eq(NTX, 0);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_SO_BROADCAST, 1), 0);
	cr_assert_eq(nlrs_sock_sendto(S, sd, "b", 1, &to), 1);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(memcmp(r.eth.dst, BCAST_MAC, 6), 0);
	cr_assert_eq(r.ip.dst, NET_BCAST);
}

CORE_TEST(udp, send_to_own_address_delivered_through_poll)
{
	int rx = sock_bound(0, 5000);
	int tx = sock_bound(0, 6000);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 5000, .v4 = OUR_IP };
	cr_assert_eq(nlrs_sock_sendto(S, tx, "loop", 4, &to), 4);
	cr_assert_eq(NTX, 0, "nothing goes to the device");
	char got[8];
	cr_assert_eq(nlrs_sock_recvfrom(S, rx, got, sizeof got, NULL, 0), -NLRS_EAGAIN,
		     "delivered at the next poll, not inside sendto");
	h_poll();
	struct nlrs_endpoint from;
	cr_assert_eq(nlrs_sock_recvfrom(S, rx, got, sizeof got, &from, 0), 4);
	cr_assert_eq(memcmp(got, "loop", 4), 0);
	cr_assert_eq(from.v4, OUR_IP);
	cr_assert_eq(from.port, 6000);
	cr_assert_eq(CTR(ip_loopback), 1);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(udp, loopback_error_waits_for_next_poll_which_is_due_now)
{
	/* A datagram to a closed local port: delivering it (first poll)
	 * queues a port unreachable to ourselves, so that poll asks to be
	 * called again at once; the second poll delivers the error. */
	int sd = sock_bound(0, 6000);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 5999, .v4 = OUR_IP };
	cr_assert_eq(nlrs_sock_connect(S, sd, &to), 0);
	cr_assert_eq(nlrs_sock_sendto(S, sd, "x", 1, NULL), 1);
	cr_assert_eq(nlrs_stack_poll(S, NOW), NOW);
	cr_assert_eq(CTR(udp_rx_no_port), 1);
	char got[4];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
	cr_assert_gt(nlrs_stack_poll(S, NOW), NOW, "nothing left to do now");
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_ECONNREFUSED);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(udp, closing_socket_frees_its_queue)
{
	int sd = sock_bound(0, 5000);
	for (int i = 0; i < 5; i++)
		inject_udp(4444, 5000, "q", 1);
	cr_assert_lt(S->pool.avail, S->pool.count);
	cr_assert_eq(nlrs_sock_close(S, sd), 0);
	cr_assert_eq(S->pool.avail, S->pool.count);
	cr_assert_eq(nlrs_sock_close(S, sd), -NLRS_EBADF);
}

static unsigned cb_calls, cb_events;
static void on_event(void *ctx, int sd, unsigned ev)
{
	(void)ctx;
	(void)sd;
	cb_calls++;
	cb_events = ev;
}

CORE_TEST(udp, callback_told_when_datagram_arrives)
{
	int sd = sock_bound(0, 5000);
	cr_assert_eq(nlrs_sock_set_callback(S, sd, on_event, NULL), 0);
	inject_udp(4444, 5000, "cb", 2);
	cr_assert_eq(cb_calls, 1);
	cr_assert(cb_events & NLRS_EV_READ);
}

CORE_TEST(udp, connect_to_directed_broadcast_needs_so_broadcast)
{
	/* Linux (ip4_datagram_connect) refuses a broadcast peer without
	 * SO_BROADCAST; sendto would refuse it later anyway. */
	int sd = sock_bound(0, 5000);
	struct nlrs_endpoint bc = { .family = NLRS_AF_INET, .port = 7, .v4 = NET_BCAST };
	cr_assert_eq(nlrs_sock_connect(S, sd, &bc), -NLRS_EACCES);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_SO_BROADCAST, 1), 0);
	cr_assert_eq(nlrs_sock_connect(S, sd, &bc), 0);
}

CORE_TEST(udp, connect_to_limited_broadcast_needs_so_broadcast)
{
	int sd = sock_bound(0, 5000);
	struct nlrs_endpoint bc = { .family = NLRS_AF_INET, .port = 7, .v4 = 0xffffffffu };
	cr_assert_eq(nlrs_sock_connect(S, sd, &bc), -NLRS_EACCES);
}

CORE_TEST(udp, socket_bound_to_all_hosts_group_receives_it)
{
	/* bind() accepts a multicast address (the usual way to hear only
	 * one group); 224.0.0.1 is always joined, so its datagrams must
	 * reach a socket bound to it. */
	const uint32_t all_hosts = NLRS_IP4(224, 0, 0, 1);
	const uint8_t mc_mac[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	int sd = sock_bound(all_hosts, 5000);
	inject_udp_to(mc_mac, PEER_IP, 4444, all_hosts, 5000, "group", 5);
	char got[8];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 5);
	cr_assert_eq(memcmp(got, "group", 5), 0);
}

CORE_TEST(udp, wildcard_socket_receives_all_hosts_multicast)
{
	const uint32_t all_hosts = NLRS_IP4(224, 0, 0, 1);
	const uint8_t mc_mac[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	int sd = sock_bound(0, 5000);
	inject_udp_to(mc_mac, PEER_IP, 4444, all_hosts, 5000, "group", 5);
	char got[8];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 5);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(udp, sendto_without_destination_on_unconnected_socket_refused)
{
	int sd = sock_bound(0, 5000);
	cr_assert_eq(nlrs_sock_sendto(S, sd, "x", 1, NULL), -NLRS_EDESTADDRREQ);
	struct nlrs_endpoint peer;
	cr_assert_eq(nlrs_sock_getname(S, sd, NULL, &peer), -NLRS_ENOTCONN);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 0, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, "x", 1, &to), -NLRS_EINVAL, "port 0");
	cr_assert_eq(NTX, 0);
}

CORE_TEST(udp, connect_sets_local_address_and_disconnect_accepts_all_again)
{
	int sd = sock_bound(0, 5000);
	struct nlrs_endpoint peer = { .family = NLRS_AF_INET, .port = 4444, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_connect(S, sd, &peer), 0);
	struct nlrs_endpoint me, p;
	cr_assert_eq(nlrs_sock_getname(S, sd, &me, &p), 0);
	cr_assert_eq(me.v4, OUR_IP);
	cr_assert_eq(me.port, 5000);
	cr_assert_eq(p.v4, PEER_IP);
	cr_assert_eq(p.port, 4444);
	struct nlrs_endpoint unspec = { .family = 0 };
	cr_assert_eq(nlrs_sock_connect(S, sd, &unspec), 0);
	inject_udp(4999, 5000, "any", 3);
	char got[8];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 3);
}

CORE_TEST(udp, open_rejects_unsupported_kinds_and_runs_out)
{
	cr_assert_eq(nlrs_sock_open(S, NLRS_AF_INET6, NLRS_SOCK_DGRAM, 0), -NLRS_EAFNOSUPPORT);
	cr_assert_eq(nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, NLRS_IPPROTO_UDP),
		     -NLRS_EPROTONOSUPPORT);
	cr_assert_eq(nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_DGRAM, NLRS_IPPROTO_TCP),
		     -NLRS_EPROTONOSUPPORT);
	cr_assert_eq(nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_RAW, 0), -NLRS_EPROTONOSUPPORT);
	struct nlrs_stack_config c = h_config();
	c.sockets = 2;
	h_restart(&c);
	cr_assert_geq(nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_DGRAM, 0), 0);
	cr_assert_geq(nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_RAW, 1), 0);
	cr_assert_eq(nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_DGRAM, 0), -NLRS_EMFILE);
	cr_assert_eq(nlrs_sock_bind(S, 7, &(struct nlrs_endpoint){ .family = NLRS_AF_INET }),
		     -NLRS_EBADF);
}

CORE_TEST(udp, large_datagram_to_self_delivered_whole)
{
	static uint8_t data[8000], got[8100];
	h_pattern(data, sizeof data, 9);
	int rx = sock_bound(0, 5000);
	int tx = sock_bound(0, 6000);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 5000, .v4 = OUR_IP };
	cr_assert_eq(nlrs_sock_sendto(S, tx, data, sizeof data, &to), (int)sizeof data);
	h_poll();
	cr_assert_eq(CTR(udp_rx_bad_checksum), 0);
	cr_assert_eq(nlrs_sock_recvfrom(S, rx, got, sizeof got, NULL, 0), (int)sizeof data);
	cr_assert_eq(memcmp(got, data, sizeof data), 0);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(udp, limited_broadcast_send_leaves_with_interface_address)
{
	int sd = sock_bound(0, 5000);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_SO_BROADCAST, 1), 0);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 67, .v4 = 0xffffffffu };
	cr_assert_eq(nlrs_sock_sendto(S, sd, "disc", 4, &to), 4);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(memcmp(r.eth.dst, BCAST_MAC, 6), 0);
	cr_assert_eq(r.ip.dst, 0xffffffffu);
	cr_assert_eq(r.ip.src, OUR_IP);
	cr_assert(h_udp_csum_ok(r.ip.src, r.ip.dst, r.l4, r.l4len));
}

CORE_TEST(udp, source_address_follows_output_interface)
{
	int if1 = h_add_if1();
	const uint8_t far_mac[6] = { 0x02, 0, 0, 0, 1, 0x09 };
	h_learn_on(if1, NLRS_IP4(198, 51, 100, 9), far_mac, IF1_IP);
	int sd = sock_bound(0, 5000);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET,
				    .port = 7,
				    .v4 = NLRS_IP4(198, 51, 100, 9) };
	cr_assert_eq(nlrs_sock_sendto(S, sd, "x", 1, &to), 1);
	cr_assert_eq(NTX, 1);
	cr_assert_eq(TX[0].ifx, if1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(r.ip.src, IF1_IP);
	cr_assert_eq(memcmp(r.eth.dst, far_mac, 6), 0);
}

CORE_TEST(udp, computed_zero_checksum_sent_as_all_ones)
{
	/* RFC 768: a checksum that computes to zero is sent as 0xffff.
	 * Pick two payload bytes that make the sum come out to zero. */
	int sd = sock_bound(0, 5000);
	uint8_t u[8] = { 0x13, 0x88, 0x00, 0x07, 0x00, 10, 0, 0 };
	uint32_t sum = nlrs_csum_pseudo4(OUR_IP, PEER_IP, NLRS_IPPROTO_UDP, 10);
	sum = nlrs_csum_add(sum, u, 8);
	uint16_t partial = (uint16_t)~nlrs_csum_fold(sum); /* folded, uncomplemented */
	uint8_t payload[2];
	nlrs_wr16(payload, (uint16_t)~partial);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 7, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, payload, 2, &to), 2);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(nlrs_rd16(r.l4 + 6), 0xffff);
	cr_assert(h_udp_csum_ok(OUR_IP, PEER_IP, r.l4, r.l4len));
}

CORE_TEST(udp, multicast_to_closed_port_gets_no_port_unreachable)
{
	const uint8_t mc_mac[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	inject_udp_to(mc_mac, PEER_IP, 4444, NLRS_IP4(224, 0, 0, 1), 5000, "m", 1);
	cr_assert_eq(CTR(udp_rx_no_port), 1);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(udp, socket_bound_to_group_sends_from_a_unicast_address)
{
	/* Binding to a group address filters what is received; it cannot be
	 * a source address (RFC 1122 3.2.1.3), so the route chooses one, as
	 * Linux does (inet_bind leaves inet_saddr 0 for such addresses). */
	int sd = sock_bound(NLRS_IP4(224, 0, 0, 1), 5000);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 7, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, "src", 3, &to), 3);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(r.ip.src, OUR_IP, "sent from %#x", r.ip.src);
	cr_assert(h_udp_csum_ok(r.ip.src, r.ip.dst, r.l4, r.l4len));
}

CORE_TEST(udp, ttl_option_takes_1_to_255_and_minus_1_for_default)
{
	/* socket.h: IP_TTL is 1..255 (Linux: -1 restores the default). */
	int sd = sock_bound(0, 5000);
	int v = 0;
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_IP_TTL, 256), -NLRS_EINVAL);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_IP_TTL, 0), -NLRS_EINVAL);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_IP_TTL, 255), 0);
	cr_assert_eq(nlrs_sock_getopt(S, sd, NLRS_IP_TTL, &v), 0);
	cr_assert_eq(v, 255);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_IP_TTL, -1), 0);
	cr_assert_eq(nlrs_sock_getopt(S, sd, NLRS_IP_TTL, &v), 0);
	cr_assert_eq(v, 64);
}

CORE_TEST(udp, so_error_reports_pending_error_once)
{
	int sd = sock_bound(0, 5000);
	struct nlrs_endpoint peer = { .family = NLRS_AF_INET, .port = 7, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_connect(S, sd, &peer), 0);
	cr_assert_eq(nlrs_sock_sendto(S, sd, "ping", 4, NULL), 4);
	struct h_rx r;
	h_parse(0, &r);
	uint8_t msg[8 + 64];
	size_t mn =
		h_icmp(msg, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_PORT_UNREACH, 0, r.l3, r.ip.tot_len);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	h_inject_ip(&ip, msg, mn);
	int v = -1;
	cr_assert_eq(nlrs_sock_getopt(S, sd, NLRS_SO_ERROR, &v), 0);
	cr_assert_eq(v, NLRS_ECONNREFUSED);
	cr_assert_eq(nlrs_sock_getopt(S, sd, NLRS_SO_ERROR, &v), 0);
	cr_assert_eq(v, 0);
	char got[4];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
}

CORE_TEST(udp, error_quoting_later_fragment_not_reported_to_socket)
{
	/* The second fragment's first bytes are payload, not ports; make
	 * them look like this socket's ports so that a check by port alone
	 * would be fooled. */
	static uint8_t data[3000];
	h_pattern(data, sizeof data, 5);
	nlrs_wr16(data + 1472, 5000); /* UDP offset 1480: fragment 2's start */
	nlrs_wr16(data + 1474, 7);
	int sd = sock_bound(0, 5000);
	struct nlrs_endpoint peer = { .family = NLRS_AF_INET, .port = 7, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_connect(S, sd, &peer), 0);
	cr_assert_eq(nlrs_sock_sendto(S, sd, data, sizeof data, NULL), (int)sizeof data);
	cr_assert_eq(NTX, 3);
	struct h_rx r;
	h_parse(1, &r);
	cr_assert_eq(r.ip.frag_off, 1480);
	uint8_t msg[8 + 64];
	size_t mn = h_icmp(msg, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_PORT_UNREACH, 0, r.l3, 28);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	h_inject_ip(&ip, msg, mn);
	char got[4];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
	/* The same error quoting the first fragment is reported. */
	h_parse(0, &r);
	mn = h_icmp(msg, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_PORT_UNREACH, 0, r.l3, 28);
	h_inject_ip(&ip, msg, mn);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_ECONNREFUSED);
}
