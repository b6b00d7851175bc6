/* SPDX-License-Identifier: BSD-2-Clause */
/* IPv4 input checks (stack/ipv4_in.c): each malformed or unwanted packet is
 * dropped silently with its own counter. Echo requests are used as the
 * payload so that a packet wrongly accepted would show up as a reply. */
#include "harness.h"

TestSuite(ipv4, .init = h_setup_peer, .fini = h_teardown);

/* An echo request from the peer as raw IPv4 bytes in p; returns its length. */
static size_t echo_packet(uint8_t *p, uint32_t src, uint32_t dst)
{
	uint8_t icmp[8 + 16], data[16];
	h_pattern(data, sizeof data, 1);
	size_t n = h_echo(icmp, 0x42, 1, data, sizeof data);
	struct h_ip ip = { .src = src, .dst = dst, .proto = NLRS_IPPROTO_ICMP, .ttl = 64, .id = 9 };
	return h_ipv4(p, &ip, icmp, n);
}

static void fix_csum(uint8_t *p, size_t hl)
{
	nlrs_wr16(p + 10, 0);
	nlrs_wr16(p + 10, nlrs_csum_fold(nlrs_csum_add(0, p, hl)));
}

static void inject_raw(const uint8_t *ip, size_t n, const uint8_t edst[6])
{
	uint8_t f[1600];
	size_t len = h_eth(f, edst, PEER_MAC, NLRS_ETHERTYPE_IPV4, ip, n);
	h_inject(f, len);
}

static void assert_dropped_by(uint64_t counter, const char *name)
{
	cr_assert_eq(counter, 1, "%s is %llu", name, (unsigned long long)counter);
	cr_assert_eq(NTX, 0, "a dropped packet was answered");
	cr_assert_eq(CTR(icmp_rx), 0);
	cr_assert_eq(CTR(icmp_echo_replies), 0);
}

CORE_TEST(ipv4, valid_echo_is_answered)
{
	uint8_t p[64];
	size_t n = echo_packet(p, PEER_IP, OUR_IP);
	inject_raw(p, n, OUR_MAC);
	cr_assert_eq(CTR(ip_rx), 1);
	cr_assert_eq(CTR(icmp_echo_replies), 1);
	cr_assert_eq(NTX, 1);
}

CORE_TEST(ipv4, packet_shorter_than_header_counted_short)
{
	uint8_t p[64];
	echo_packet(p, PEER_IP, OUR_IP);
	inject_raw(p, 19, OUR_MAC);
	assert_dropped_by(CTR(ip_rx_short), "ip_rx_short");
}

CORE_TEST(ipv4, version_6_counted_bad_version)
{
	uint8_t p[64];
	size_t n = echo_packet(p, PEER_IP, OUR_IP);
	p[0] = 0x65;
	fix_csum(p, 20);
	inject_raw(p, n, OUR_MAC);
	assert_dropped_by(CTR(ip_rx_bad_version), "ip_rx_bad_version");
}

CORE_TEST(ipv4, header_length_below_20_counted_bad_hlen)
{
	uint8_t p[64];
	size_t n = echo_packet(p, PEER_IP, OUR_IP);
	p[0] = 0x44;
	fix_csum(p, 16);
	inject_raw(p, n, OUR_MAC);
	assert_dropped_by(CTR(ip_rx_bad_hlen), "ip_rx_bad_hlen");
}

CORE_TEST(ipv4, header_length_past_packet_counted_bad_hlen)
{
	uint8_t p[64];
	size_t n = echo_packet(p, PEER_IP, OUR_IP); /* 44 bytes */
	p[0] = 0x4f;                                /* 60-byte header */
	inject_raw(p, n, OUR_MAC);
	assert_dropped_by(CTR(ip_rx_bad_hlen), "ip_rx_bad_hlen");
}

CORE_TEST(ipv4, total_length_below_header_counted_bad_len)
{
	uint8_t p[64];
	size_t n = echo_packet(p, PEER_IP, OUR_IP);
	nlrs_wr16(p + 2, 19);
	fix_csum(p, 20);
	inject_raw(p, n, OUR_MAC);
	assert_dropped_by(CTR(ip_rx_bad_len), "ip_rx_bad_len");
}

CORE_TEST(ipv4, total_length_past_frame_counted_bad_len)
{
	uint8_t p[64];
	size_t n = echo_packet(p, PEER_IP, OUR_IP);
	nlrs_wr16(p + 2, (uint16_t)(n + 1));
	fix_csum(p, 20);
	inject_raw(p, n, OUR_MAC);
	assert_dropped_by(CTR(ip_rx_bad_len), "ip_rx_bad_len");
}

CORE_TEST(ipv4, wrong_header_checksum_counted)
{
	uint8_t p[64];
	size_t n = echo_packet(p, PEER_IP, OUR_IP);
	p[10] ^= 0x01;
	inject_raw(p, n, OUR_MAC);
	assert_dropped_by(CTR(ip_rx_bad_checksum), "ip_rx_bad_checksum");
}

CORE_TEST(ipv4, option_running_past_header_counted_bad_options)
{
	/* Record route claiming 9 bytes in a 4-byte options area. */
	const uint8_t opts[4] = { 0x07, 0x09, 0x04, 0x00 };
	uint8_t icmp[16], p[64];
	size_t in = h_echo(icmp, 1, 1, "abcdefgh", 8);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	ip.opts = opts;
	ip.optlen = 4;
	size_t n = h_ipv4(p, &ip, icmp, in);
	inject_raw(p, n, OUR_MAC);
	assert_dropped_by(CTR(ip_rx_bad_options), "ip_rx_bad_options");
}

CORE_TEST(ipv4, well_formed_options_are_skipped_and_counted)
{
	const uint8_t opts[4] = { NLRS_IPOPT_NOP, NLRS_IPOPT_NOP, NLRS_IPOPT_NOP, NLRS_IPOPT_EOL };
	uint8_t icmp[16], p[64];
	size_t in = h_echo(icmp, 1, 1, "abcdefgh", 8);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	ip.opts = opts;
	ip.optlen = 4;
	size_t n = h_ipv4(p, &ip, icmp, in);
	inject_raw(p, n, OUR_MAC);
	cr_assert_eq(CTR(ip_rx_options), 1);
	cr_assert_eq(CTR(icmp_echo_replies), 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(r.l4len, 16);
	cr_assert_eq(memcmp(r.l4 + 8, "abcdefgh", 8), 0);
}

CORE_TEST(ipv4, multicast_source_counted_bad_source)
{
	uint8_t p[64];
	size_t n = echo_packet(p, NLRS_IP4(224, 0, 0, 5), OUR_IP);
	inject_raw(p, n, OUR_MAC);
	assert_dropped_by(CTR(ip_rx_bad_source), "ip_rx_bad_source");
}

CORE_TEST(ipv4, limited_broadcast_source_counted_bad_source)
{
	uint8_t p[64];
	size_t n = echo_packet(p, 0xffffffffu, OUR_IP);
	inject_raw(p, n, OUR_MAC);
	assert_dropped_by(CTR(ip_rx_bad_source), "ip_rx_bad_source");
}

CORE_TEST(ipv4, directed_broadcast_source_counted_bad_source)
{
	uint8_t p[64];
	size_t n = echo_packet(p, NET_BCAST, OUR_IP);
	inject_raw(p, n, OUR_MAC);
	assert_dropped_by(CTR(ip_rx_bad_source), "ip_rx_bad_source");
}

CORE_TEST(ipv4, own_address_as_source_counted_bad_source)
{
	uint8_t p[64];
	size_t n = echo_packet(p, OUR_IP, OUR_IP);
	inject_raw(p, n, OUR_MAC);
	assert_dropped_by(CTR(ip_rx_bad_source), "ip_rx_bad_source");
}

CORE_TEST(ipv4, loopback_source_from_device_counted_bad_source)
{
	uint8_t p[64];
	size_t n = echo_packet(p, NLRS_IP4(127, 0, 0, 1), OUR_IP);
	inject_raw(p, n, OUR_MAC);
	assert_dropped_by(CTR(ip_rx_bad_source), "ip_rx_bad_source");
}

CORE_TEST(ipv4, other_destination_counted_not_for_us)
{
	uint8_t p[64];
	size_t n = echo_packet(p, PEER_IP, NLRS_IP4(192, 0, 2, 77));
	inject_raw(p, n, OUR_MAC);
	assert_dropped_by(CTR(ip_rx_not_for_us), "ip_rx_not_for_us");
}

CORE_TEST(ipv4, ethernet_padding_trimmed_and_reply_has_right_length)
{
	/* 20 + 8 + 4 = 32 bytes of IP in a 60-byte frame padded with junk. */
	uint8_t icmp[12], ip[64], f[60];
	size_t in = h_echo(icmp, 7, 3, "ping", 4);
	struct h_ip h = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	size_t n = h_ipv4(ip, &h, icmp, in);
	cr_assert_eq(n, 32);
	memset(f, 0xa5, sizeof f);
	h_eth(f, OUR_MAC, PEER_MAC, NLRS_ETHERTYPE_IPV4, ip, n);
	h_inject(f, sizeof f);
	cr_assert_eq(CTR(icmp_rx_bad_checksum), 0, "padding was summed into the ICMP checksum");
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert(r.is_ip);
	cr_assert_eq(r.ip.tot_len, 32);
	cr_assert_eq(r.l4len, 12);
	cr_assert_eq(r.l4[0], NLRS_ICMP_ECHOREPLY);
	cr_assert_eq(memcmp(r.l4 + 4, icmp + 4, 8), 0, "id, seq and data echoed");
	cr_assert(h_csum_ok(r.l4, r.l4len));
	cr_assert_eq(TX[0].len, 60);
}

CORE_TEST(ipv4, frame_on_interface_that_is_down_is_dropped)
{
	uint8_t p[64];
	size_t n = echo_packet(p, PEER_IP, OUR_IP);
	nlrs_iface_set_up(S, IFX, false);
	h_clear();
	inject_raw(p, n, OUR_MAC);
	cr_assert_eq(CTR(link_rx_iface_down), 1);
	cr_assert_eq(CTR(ip_rx), 0);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(ipv4, frame_for_another_mac_is_dropped)
{
	const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x77 };
	uint8_t p[64];
	size_t n = echo_packet(p, PEER_IP, OUR_IP);
	inject_raw(p, n, other);
	cr_assert_eq(CTR(eth_rx_not_for_us), 1);
	cr_assert_eq(CTR(ip_rx), 0);
	cr_assert_eq(NTX, 0);
}

static size_t tagged_echo(uint8_t *f, uint16_t tci)
{
	uint8_t icmp[16], ip[64];
	size_t in = h_echo(icmp, 2, 2, "tagged!!", 8);
	struct h_ip h = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	size_t n = h_ipv4(ip, &h, icmp, in);
	struct nlrs_eth_hdr eh = { .type = NLRS_ETHERTYPE_IPV4, .ntags = 1 };
	eh.tpid[0] = NLRS_ETHERTYPE_VLAN;
	eh.tci[0] = tci;
	memcpy(eh.dst, OUR_MAC, 6);
	memcpy(eh.src, PEER_MAC, 6);
	int hl = nlrs_eth_emit(f, 18, &eh);
	cr_assert_eq(hl, 18);
	memcpy(f + hl, ip, n);
	return (size_t)hl + n;
}

CORE_TEST(ipv4, priority_tagged_frame_accepted_as_untagged)
{
	uint8_t f[128];
	size_t n = tagged_echo(f, 0x2000); /* PCP 1, VID 0: IEEE 802.1Q 9.6 */
	h_inject(f, n);
	cr_assert_eq(CTR(eth_rx_vlan), 0);
	cr_assert_eq(CTR(icmp_echo_replies), 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert(r.is_ip);
	cr_assert_eq(r.eth.ntags, 0, "the reply is untagged");
}

CORE_TEST(ipv4, vlan_tagged_frame_dropped_and_counted)
{
	uint8_t f[128];
	size_t n = tagged_echo(f, 5);
	h_inject(f, n);
	cr_assert_eq(CTR(eth_rx_vlan), 1);
	cr_assert_eq(CTR(ip_rx), 0);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(ipv4, frame_from_our_own_mac_dropped_as_bad_source)
{
	uint8_t icmp[16], ip[64], f[128];
	size_t in = h_echo(icmp, 2, 2, "loop!!!!", 8);
	struct h_ip h = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	size_t n = h_ipv4(ip, &h, icmp, in);
	size_t len = h_eth(f, OUR_MAC, OUR_MAC, NLRS_ETHERTYPE_IPV4, ip, n);
	h_inject(f, len);
	cr_assert_eq(CTR(eth_rx_bad_source), 1);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(ipv4, unknown_ethertype_and_short_frame_counted)
{
	uint8_t f[64];
	memset(f, 0, sizeof f);
	size_t len = h_eth(f, OUR_MAC, PEER_MAC, NLRS_ETHERTYPE_IPV6, NULL, 0);
	h_inject(f, len + 40);
	cr_assert_eq(CTR(eth_rx_unknown_type), 1);
	h_inject(f, 13);
	cr_assert_eq(CTR(eth_rx_short), 1);
	cr_assert_eq(NTX, 0);
}
