/* SPDX-License-Identifier: BSD-2-Clause */
/* Raw IPv4 sockets (stack/raw.c) and raw-IP (TUN-like) links. */
#include "harness.h"

TestSuite(raw, .init = h_setup_peer, .fini = h_teardown);

static int raw_sock(int proto)
{
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_RAW, proto);
	cr_assert_geq(sd, 0);
	return sd;
}

CORE_TEST(raw, icmp_socket_receives_echo_request_with_ip_header)
{
	int sd = raw_sock(NLRS_IPPROTO_ICMP);
	uint8_t icmp[8 + 20], data[20], pkt[64];
	h_pattern(data, sizeof data, 1);
	size_t in = h_echo(icmp, 0x77, 1, data, sizeof data);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	size_t n = h_ipv4(pkt, &ip, icmp, in);
	h_inject_ip(&ip, icmp, in);
	uint8_t got[128];
	struct nlrs_endpoint from;
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, &from, 0), (int)n);
	cr_assert_eq(memcmp(got, pkt, n), 0, "the datagram as it arrived, header included");
	cr_assert_eq(from.v4, PEER_IP);
	cr_assert_eq(from.port, 0);
	cr_assert_eq(CTR(raw_rx), 1);
	cr_assert_eq(NTX, 1, "the stack still answers the echo");
	cr_assert_eq(CTR(icmp_echo_replies), 1);
}

CORE_TEST(raw, socket_of_other_protocol_receives_nothing)
{
	int sd = raw_sock(NLRS_IPPROTO_UDP);
	uint8_t icmp[16];
	size_t in = h_echo(icmp, 1, 1, "abcdefgh", 8);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	h_inject_ip(&ip, icmp, in);
	uint8_t got[64];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), -NLRS_EAGAIN);
}

CORE_TEST(raw, socket_for_unknown_protocol_takes_it_without_protocol_unreachable)
{
	int sd = raw_sock(200);
	uint8_t payload[12];
	h_pattern(payload, sizeof payload, 2);
	struct h_ip ip = h_ip_from_peer(200);
	h_inject_ip(&ip, payload, sizeof payload);
	uint8_t got[64];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 32);
	cr_assert_eq(memcmp(got + 20, payload, 12), 0);
	cr_assert_eq(NTX, 0);
	cr_assert_eq(CTR(ip_rx_unknown_proto), 0);
}

CORE_TEST(raw, send_adds_ip_header)
{
	int sd = raw_sock(NLRS_IPPROTO_ICMP);
	uint8_t icmp[16];
	size_t in = h_echo(icmp, 5, 6, "abcdefgh", 8);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, icmp, in, &to), (int)in);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(r.ip.proto, NLRS_IPPROTO_ICMP);
	cr_assert_eq(r.ip.src, OUR_IP);
	cr_assert_eq(r.ip.dst, PEER_IP);
	cr_assert_eq(r.l4len, in);
	cr_assert_eq(memcmp(r.l4, icmp, in), 0);
	cr_assert_eq(CTR(raw_tx), 1);
}

CORE_TEST(raw, hdrincl_send_fills_id_length_source_and_checksum)
{
	int sd = raw_sock(253);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_IP_HDRINCL, 1), 0);
	uint8_t pkt[20 + 16];
	memset(pkt, 0, sizeof pkt);
	pkt[0] = 0x45;
	pkt[8] = 9;   /* TTL */
	pkt[9] = 253; /* protocol: experimentation */
	nlrs_wr32(pkt + 16, PEER_IP);
	h_pattern(pkt + 20, 16, 3);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, pkt, sizeof pkt, &to), (int)sizeof pkt);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r); /* verifies the header checksum */
	cr_assert_neq(r.ip.id, 0, "a zero ID is filled in");
	cr_assert_eq(r.ip.tot_len, sizeof pkt);
	cr_assert_eq(r.ip.src, OUR_IP, "a zero source is filled in");
	cr_assert_eq(r.ip.dst, PEER_IP);
	cr_assert_eq(r.ip.ttl, 9, "the caller's TTL is kept");
	cr_assert_eq(r.ip.proto, 253);
	cr_assert_eq(memcmp(r.l4, pkt + 20, 16), 0);
}

CORE_TEST(raw, hdrincl_send_keeps_callers_id)
{
	int sd = raw_sock(253);
	nlrs_sock_setopt(S, sd, NLRS_IP_HDRINCL, 1);
	uint8_t pkt[20 + 4] = { 0x45 };
	nlrs_wr16(pkt + 4, 0x4242);
	pkt[8] = 64;
	pkt[9] = 253;
	nlrs_wr32(pkt + 12, OUR_IP);
	nlrs_wr32(pkt + 16, PEER_IP);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, pkt, sizeof pkt, &to), (int)sizeof pkt);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(r.ip.id, 0x4242);
}

CORE_TEST(raw, hdrincl_send_rejects_bad_header)
{
	int sd = raw_sock(253);
	nlrs_sock_setopt(S, sd, NLRS_IP_HDRINCL, 1);
	uint8_t pkt[24] = { 0x65 };
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, pkt, sizeof pkt, &to), -NLRS_EINVAL);
	pkt[0] = 0x47; /* 28-byte header in 24 bytes */
	cr_assert_eq(nlrs_sock_sendto(S, sd, pkt, sizeof pkt, &to), -NLRS_EINVAL);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(raw, ping_to_own_address_answered_through_polls)
{
	int sd = raw_sock(NLRS_IPPROTO_ICMP);
	uint8_t icmp[16], got[64];
	size_t in = h_echo(icmp, 0x99, 1, "selfping", 8);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .v4 = OUR_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, icmp, in, &to), (int)in);
	h_poll(); /* delivers the request (the socket sees it), queues the reply */
	h_poll(); /* delivers the reply */
	cr_assert_eq(NTX, 0);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 20 + (int)in);
	cr_assert_eq(got[20], NLRS_ICMP_ECHO);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 20 + (int)in);
	cr_assert_eq(got[20], NLRS_ICMP_ECHOREPLY);
	cr_assert_eq(memcmp(got + 24, icmp + 4, in - 4), 0);
	cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(0, got + 20, in)), 0);
}

CORE_TEST(raw, full_receive_buffer_counted)
{
	int sd = raw_sock(200);
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_SO_RCVBUF, 0), 0); /* floor: one buffer */
	struct h_ip ip = h_ip_from_peer(200);
	h_inject_ip(&ip, "aaaa", 4);
	h_inject_ip(&ip, "bbbb", 4);
	cr_assert_eq(CTR(raw_rx), 1);
	cr_assert_eq(CTR(raw_rx_queue_full), 1);
	uint8_t got[64];
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 24);
	cr_assert_eq(memcmp(got + 20, "aaaa", 4), 0);
}

/* ---- raw IP links (TUN-like): no Ethernet, no ARP ---- */

static struct h_frame *rawip_last;
static unsigned rawip_n;
static int rawip_tx(void *ctx, struct nlrs_buf *b)
{
	(void)ctx;
	static struct h_frame f;
	f.len = nlrs_buf_copy_out(b, 0, f.d, sizeof f.d);
	rawip_last = &f;
	rawip_n++;
	nlrs_buf_free(b);
	return 0;
}

CORE_TEST(raw, rawip_interface_sends_bare_ip_without_arp)
{
	struct nlrs_iface_config ic = { .name = "tun0",
					.link = NLRS_LINK_RAWIP,
					.transmit = rawip_tx };
	int tun = nlrs_iface_add(S, &ic);
	cr_assert_geq(tun, 0);
	cr_assert_eq(nlrs_iface_addr_add(S, tun, NLRS_IP4(203, 0, 113, 2), 24), 0);
	cr_assert_eq(nlrs_iface_set_up(S, tun, true), 0);
	cr_assert_eq(rawip_n, 0, "no gratuitous ARP on a raw IP link");
	/* An echo request in, a bare IP echo reply out. */
	uint8_t icmp[16], pkt[64];
	size_t in = h_echo(icmp, 3, 4, "tunnel!!", 8);
	struct h_ip ip = { .src = NLRS_IP4(203, 0, 113, 1),
			   .dst = NLRS_IP4(203, 0, 113, 2),
			   .proto = NLRS_IPPROTO_ICMP,
			   .ttl = 64,
			   .id = 5 };
	size_t n = h_ipv4(pkt, &ip, icmp, in);
	h_inject_on(tun, pkt, n);
	cr_assert_eq(rawip_n, 1);
	struct nlrs_ipv4_hdr h;
	cr_assert_eq(nlrs_ipv4_parse(rawip_last->d, rawip_last->len, &h, true), 20);
	cr_assert_eq(rawip_last->len, n, "no link header, no padding");
	cr_assert_eq(h.dst, NLRS_IP4(203, 0, 113, 1));
	cr_assert_eq(rawip_last->d[20], NLRS_ICMP_ECHOREPLY);
	cr_assert_eq(CTR(arp_requests_sent), 0);
	cr_assert_eq(NTX, 0, "nothing on eth0");
}

CORE_TEST(raw, icmp_socket_receives_echo_replies_for_ping)
{
	int sd = raw_sock(NLRS_IPPROTO_ICMP);
	uint8_t icmp[16], got[64];
	size_t in = h_icmp(icmp, NLRS_ICMP_ECHOREPLY, 0, 0x00420001, "pingpong", 8);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	h_inject_ip(&ip, icmp, in);
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, NULL, 0), 20 + (int)in);
	cr_assert_eq(got[20], NLRS_ICMP_ECHOREPLY);
	cr_assert_eq(CTR(icmp_rx_unhandled), 0);
	cr_assert_eq(NTX, 0);
}
