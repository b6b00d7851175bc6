/* SPDX-License-Identifier: BSD-2-Clause */
/* Forwarding (stack/ipv4_in.c, stack/ipv4_out.c): RFC 1812 5.2/5.3 - TTL,
 * ICMP errors, fragmentation on the way out, what must not be forwarded.
 *
 *   peer 192.0.2.1 --- eth0 192.0.2.2 [stack] eth1 198.51.100.2 --- 198.51.100.9
 */
#include "harness.h"

/* A raw-IP (TUN-like) link's transmit: frames are only counted. */
static unsigned tun_frames;
static int tun_tx(void *ctx, struct nlrs_buf *b)
{
	(void)ctx;
	tun_frames++;
	nlrs_buf_free(b);
	return 0;
}

TestSuite(fwd, .init = h_setup_peer, .fini = h_teardown);

static const uint8_t FAR_MAC[6] = { 0x02, 0, 0, 0, 1, 0x09 };
#define FAR_IP NLRS_IP4(198, 51, 100, 9)

/* A forwarding stack with eth1 on 198.51.100.0/24 where FAR_IP is known. */
static int fwd_start(void)
{
	struct nlrs_stack_config c = h_config();
	c.forwarding = true;
	h_restart(&c);
	h_learn_peer();
	int if1 = h_add_if1();
	h_learn_on(if1, FAR_IP, FAR_MAC, IF1_IP);
	return if1;
}

static size_t inject_echo_via(uint8_t ttl, uint8_t *pkt)
{
	uint8_t icmp[8 + 24], data[24];
	h_pattern(data, sizeof data, 4);
	size_t in = h_echo(icmp, 9, 9, data, sizeof data);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	ip.dst = FAR_IP;
	ip.ttl = ttl;
	size_t n = h_ipv4(pkt, &ip, icmp, in);
	h_inject_ip(&ip, icmp, in);
	return n;
}

CORE_TEST(fwd, packet_with_ttl_1_gets_time_exceeded)
{
	fwd_start();
	uint8_t pkt[64];
	size_t n = inject_echo_via(1, pkt);
	cr_assert_eq(CTR(ip_fwd_ttl_exceeded), 1);
	cr_assert_eq(CTR(ip_fwd), 0);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(TX[0].ifx, IFX, "answered on the arrival side");
	cr_assert_eq(r.ip.dst, PEER_IP);
	cr_assert_eq(r.ip.src, OUR_IP);
	cr_assert_eq(r.ip.proto, NLRS_IPPROTO_ICMP);
	cr_assert_eq(r.l4[0], NLRS_ICMP_TIME_EXCEEDED);
	cr_assert_eq(r.l4[1], NLRS_ICMP_EXC_TTL);
	cr_assert(h_csum_ok(r.l4, r.l4len));
	cr_assert_eq(r.l4len, 8 + n);
	cr_assert_eq(memcmp(r.l4 + 8, pkt, n), 0, "quotes the packet as received");
}

CORE_TEST(fwd, packet_with_ttl_5_forwarded_with_ttl_4)
{
	int if1 = fwd_start();
	uint8_t pkt[64];
	size_t n = inject_echo_via(5, pkt);
	cr_assert_eq(CTR(ip_fwd), 1);
	cr_assert_eq(NTX, 1);
	cr_assert_eq(TX[0].ifx, if1);
	struct h_rx r;
	h_parse(0, &r); /* verifies the updated header checksum */
	cr_assert_eq(memcmp(r.eth.dst, FAR_MAC, 6), 0);
	cr_assert_eq(r.ip.ttl, 4);
	cr_assert_eq(r.ip.src, PEER_IP);
	cr_assert_eq(r.ip.dst, FAR_IP);
	cr_assert_eq(r.ip.tot_len, n);
	cr_assert_eq(memcmp(r.l4, pkt + 20, n - 20), 0, "payload unchanged");
	cr_assert_eq(CTR(icmp_echo_replies), 0, "not answered as if for us");
}

CORE_TEST(fwd, no_time_exceeded_about_icmp_error)
{
	fwd_start();
	uint8_t body[28], msg[64];
	memset(body, 0x22, sizeof body);
	size_t mn =
		h_icmp(msg, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_PORT_UNREACH, 0, body, sizeof body);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	ip.dst = FAR_IP;
	ip.ttl = 1;
	h_inject_ip(&ip, msg, mn);
	cr_assert_eq(CTR(ip_fwd_ttl_exceeded), 1);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(fwd, no_time_exceeded_about_non_first_fragment)
{
	fwd_start();
	uint8_t data[64];
	h_pattern(data, sizeof data, 5);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	ip.dst = FAR_IP;
	ip.ttl = 1;
	ip.frag_off = 1480;
	h_inject_ip(&ip, data, sizeof data);
	cr_assert_eq(CTR(ip_fwd_ttl_exceeded), 1);
	cr_assert_eq(NTX, 0);
	/* The first fragment does get one. */
	ip.frag_off = 0;
	ip.mf = true;
	h_inject_ip(&ip, data, sizeof data);
	cr_assert_eq(NTX, 1);
}

CORE_TEST(fwd, without_forwarding_packet_not_for_us_dropped)
{
	h_learn_on(h_add_if1(), FAR_IP, FAR_MAC, IF1_IP);
	uint8_t pkt[64];
	inject_echo_via(5, pkt);
	cr_assert_eq(CTR(ip_rx_not_for_us), 1);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(fwd, no_route_gives_net_unreachable)
{
	fwd_start();
	uint8_t icmp[16];
	size_t in = h_echo(icmp, 1, 1, "abcdefgh", 8);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	ip.dst = NLRS_IP4(203, 0, 113, 9);
	h_inject_ip(&ip, icmp, in);
	cr_assert_eq(CTR(ip_tx_no_route), 1);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(r.l4[0], NLRS_ICMP_DEST_UNREACH);
	cr_assert_eq(r.l4[1], NLRS_ICMP_NET_UNREACH);
}

CORE_TEST(fwd, df_packet_over_next_hop_mtu_gets_frag_needed_with_mtu)
{
	int if1 = fwd_start();
	cr_assert_eq(nlrs_iface_set_mtu(S, if1, 1000), 0);
	uint8_t data[1200];
	h_pattern(data, sizeof data, 6);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	ip.dst = FAR_IP;
	ip.df = true;
	h_inject_ip(&ip, data, sizeof data);
	cr_assert_eq(CTR(ip_tx_frag_needed), 1);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(TX[0].ifx, IFX);
	cr_assert_eq(r.l4[0], NLRS_ICMP_DEST_UNREACH);
	cr_assert_eq(r.l4[1], NLRS_ICMP_FRAG_NEEDED);
	cr_assert_eq(nlrs_rd16(r.l4 + 6), 1000, "RFC 1191 next-hop MTU");
}

CORE_TEST(fwd, packet_over_next_hop_mtu_fragmented)
{
	int if1 = fwd_start();
	cr_assert_eq(nlrs_iface_set_mtu(S, if1, 1000), 0);
	uint8_t data[1200];
	h_pattern(data, sizeof data, 7);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	ip.dst = FAR_IP;
	ip.id = 777;
	h_inject_ip(&ip, data, sizeof data);
	cr_assert_eq(NTX, 2);
	uint8_t out[2048];
	unsigned nfrag;
	struct nlrs_ipv4_hdr fh;
	cr_assert_eq(h_reassemble(NLRS_IPPROTO_UDP, 777, 1000, out, sizeof out, &nfrag, &fh), 1200);
	cr_assert_eq(memcmp(out, data, 1200), 0);
	cr_assert_eq(fh.ttl, 63);
	cr_assert_eq(fh.src, PEER_IP);
}

CORE_TEST(fwd, packet_from_raw_ip_link_without_headroom_forwarded_to_ethernet)
{
	/* nlrs_stack_input asks nothing of a frame's headroom; a TUN-like
	 * device may hand a packet that starts at its buffer's first byte.
	 * Forwarded onto Ethernet it still needs a link header. */
	fwd_start();
	struct nlrs_iface_config ic = { .name = "tun0",
					.link = NLRS_LINK_RAWIP,
					.transmit = tun_tx };
	int tun = nlrs_iface_add(S, &ic);
	cr_assert_geq(tun, 0);
	cr_assert_eq(nlrs_iface_addr_add(S, tun, NLRS_IP4(203, 0, 113, 2), 24), 0);
	cr_assert_eq(nlrs_iface_set_up(S, tun, true), 0);
	uint8_t data[32], pkt[64];
	h_pattern(data, sizeof data, 8);
	struct h_ip ip = {
		.src = NLRS_IP4(203, 0, 113, 1), .dst = PEER_IP, .proto = 253, .ttl = 9, .id = 6
	};
	size_t n = h_ipv4(pkt, &ip, data, sizeof data);
	h_inject_on(tun, pkt, n); /* nlrs_buf_from(pool, 0, ...): no headroom */
	cr_assert_eq(CTR(ip_fwd), 1);
	cr_assert_eq(CTR(buf_alloc_fail), 0, "the pool is not empty");
	cr_assert_eq(NTX, 1, "not forwarded onto eth0");
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(memcmp(r.eth.dst, PEER_MAC, 6), 0);
	cr_assert_eq(r.ip.ttl, 8);
	cr_assert_eq(memcmp(r.l4, data, sizeof data), 0);
	cr_assert_eq(tun_frames, 0);
}

CORE_TEST(fwd, fragmenting_copies_only_copied_options_after_first_fragment)
{
	/* RFC 791 3.1: options with the copied flag (LSRR, 0x83) go in every
	 * fragment; others (record route, 0x07) only in the first. */
	int if1 = fwd_start();
	cr_assert_eq(nlrs_iface_set_mtu(S, if1, 600), 0);
	const uint8_t opts[16] = { 0x83, 7, 4, 198, 51, 100, 9, NLRS_IPOPT_NOP,
				   0x07, 7, 4, 0,   0,  0,   0, NLRS_IPOPT_EOL };
	uint8_t data[1200];
	h_pattern(data, sizeof data, 12);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	ip.dst = FAR_IP;
	ip.id = 4321;
	ip.opts = opts;
	ip.optlen = sizeof opts;
	h_inject_ip(&ip, data, sizeof data);
	cr_assert_eq(CTR(ip_fwd), 1);
	cr_assert_eq(NTX, 3);
	uint8_t out[2048];
	unsigned nfrag;
	cr_assert_eq(h_reassemble(NLRS_IPPROTO_UDP, 4321, 600, out, sizeof out, &nfrag, NULL),
		     1200);
	cr_assert_eq(memcmp(out, data, sizeof data), 0);
	for (unsigned i = 0; i < NTX; i++) {
		struct h_rx r;
		h_parse(i, &r);
		if (r.ip.frag_off == 0) {
			cr_assert_eq(r.ip.optlen, 16);
			cr_assert_eq(memcmp(r.ip.opts, opts, 16), 0);
		} else {
			cr_assert_eq(r.ip.optlen, 8, "fragment at %u: %u option bytes",
				     r.ip.frag_off, r.ip.optlen);
			cr_assert_eq(memcmp(r.ip.opts, opts, 7), 0, "LSRR copied");
		}
	}
}

static unsigned frames_on(int ifx)
{
	unsigned n = 0;
	for (unsigned i = 0; i < NTX; i++)
		n += TX[i].ifx == ifx;
	return n;
}

static void inject_udp_via(uint32_t dst)
{
	uint8_t data[16];
	h_pattern(data, sizeof data, 13);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	ip.dst = dst;
	h_inject_ip(&ip, data, sizeof data);
}

CORE_TEST(fwd, loopback_destination_never_forwarded)
{
	/* RFC 1812 5.3.7: 127/8 is not forwarded, even with a default route. */
	int if1 = fwd_start();
	cr_assert_eq(nlrs_route_add(S, 0, 0, NLRS_IP4(198, 51, 100, 9), if1, 0), 0);
	inject_udp_via(NLRS_IP4(127, 0, 0, 1));
	cr_assert_eq(CTR(ip_fwd), 0);
	cr_assert_eq(frames_on(if1), 0);
}

CORE_TEST(fwd, zero_network_and_class_e_destinations_never_forwarded)
{
	/* RFC 1812 5.3.7: 0/8 and 240/4 destinations are not forwarded. */
	int if1 = fwd_start();
	cr_assert_eq(nlrs_route_add(S, 0, 0, NLRS_IP4(198, 51, 100, 9), if1, 0), 0);
	inject_udp_via(NLRS_IP4(0, 1, 2, 3));
	inject_udp_via(NLRS_IP4(240, 0, 0, 1));
	cr_assert_eq(CTR(ip_fwd), 0);
	cr_assert_eq(frames_on(if1), 0);
}

CORE_TEST(fwd, directed_broadcast_of_other_subnet_not_forwarded)
{
	/* RFC 2644 / RFC 1812 5.3.5.2: forwarding directed broadcasts is off
	 * by default (it makes the router a smurf amplifier). */
	int if1 = fwd_start();
	inject_udp_via(NLRS_IP4(198, 51, 100, 255));
	cr_assert_eq(CTR(ip_fwd), 0);
	cr_assert_eq(frames_on(if1), 0, "broadcast onto eth1");
}

CORE_TEST(fwd, header_checksum_stays_valid_for_every_ttl)
{
	/* The RFC 1624 update after the TTL decrement, over all TTLs and a
	 * spread of IDs (so the old checksum takes many values, 0 and 0xffff
	 * neighbourhoods included). */
	fwd_start();
	uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	for (unsigned ttl = 2; ttl <= 255; ttl++) {
		for (unsigned k = 0; k < 8; k++) {
			h_clear();
			struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
			ip.dst = FAR_IP;
			ip.ttl = (uint8_t)ttl;
			ip.id = (uint16_t)(ttl * 8191u + k * 9973u);
			h_inject_ip(&ip, data, sizeof data);
			cr_assert_eq(NTX, 1);
			struct h_rx r;
			h_parse(0, &r); /* asserts the header checksum verifies */
			cr_assert_eq(r.ip.ttl, ttl - 1);
		}
	}
}

CORE_TEST(fwd, unresolvable_next_hop_answered_with_host_unreachable)
{
	/* RFC 1812 4.3.3.1 / 5.2.7.1: a router that cannot deliver a packet
	 * because the next hop does not answer ARP SHOULD send ICMP
	 * destination unreachable, code 1 (host), to the source. */
	int if1 = fwd_start();
	uint8_t data[16];
	h_pattern(data, sizeof data, 14);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	ip.dst = NLRS_IP4(198, 51, 100, 77); /* nobody */
	h_inject_ip(&ip, data, sizeof data);
	cr_assert_eq(CTR(ip_fwd), 1);
	cr_assert_eq(frames_on(if1), 1, "one ARP request");
	for (unsigned i = 0; i < S->cfg.arp_retries; i++)
		h_advance(S->cfg.arp_retry);
	cr_assert_eq(CTR(arp_resolve_failed), 1);
	unsigned icmp = 0;
	for (unsigned i = 0; i < NTX; i++) {
		if (TX[i].ifx != IFX)
			continue;
		struct h_rx r;
		h_parse(i, &r);
		if (r.is_ip && r.ip.proto == NLRS_IPPROTO_ICMP && r.ip.dst == PEER_IP &&
		    r.l4[0] == NLRS_ICMP_DEST_UNREACH && r.l4[1] == NLRS_ICMP_HOST_UNREACH)
			icmp++;
	}
	cr_assert_eq(icmp, 1, "no host unreachable sent to the source");
}
