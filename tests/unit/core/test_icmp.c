/* SPDX-License-Identifier: BSD-2-Clause */
/* ICMP (stack/icmp4.c): echo, the errors we send and the rules for when
 * we must not (RFC 792, RFC 1122 3.2.2, RFC 1812 4.3.2). */
#include "harness.h"

TestSuite(icmp, .init = h_setup_peer, .fini = h_teardown);

static void inject_echo(uint32_t dst, const uint8_t edst[6], const uint8_t *data, size_t n)
{
	uint8_t icmp[8 + 256];
	size_t in = h_echo(icmp, 0x1234, 7, data, n);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	ip.dst = dst;
	h_inject_ip_to(edst, &ip, icmp, in);
}

/* UDP from the peer to us; returns the IP packet in pkt (for quote checks). */
static size_t inject_udp(uint32_t dst, const uint8_t edst[6], uint16_t dport, uint8_t *pkt)
{
	uint8_t u[8 + 10], data[10];
	h_pattern(data, sizeof data, 3);
	size_t un = h_udp(u, PEER_IP, dst, 5555, dport, data, sizeof data);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	ip.dst = dst;
	size_t n = h_ipv4(pkt, &ip, u, un);
	h_inject_ip_to(edst, &ip, u, un);
	return n;
}

/* Check frame i is an ICMP error (type, code) to the peer quoting orig. */
static void assert_error(unsigned i, uint8_t type, uint8_t code, const uint8_t *orig,
			 size_t orig_len)
{
	struct h_rx r;
	h_parse(i, &r);
	cr_assert(r.is_ip);
	cr_assert_eq(memcmp(r.eth.dst, PEER_MAC, 6), 0);
	cr_assert_eq(r.ip.proto, NLRS_IPPROTO_ICMP);
	cr_assert_eq(r.ip.src, OUR_IP);
	cr_assert_eq(r.ip.dst, PEER_IP);
	cr_assert_eq(r.l4[0], type);
	cr_assert_eq(r.l4[1], code);
	cr_assert(h_csum_ok(r.l4, r.l4len), "ICMP checksum");
	/* RFC 792: the quote is the original header and at least 8 bytes of
	 * what it carried; RFC 1812 4.3.2.3 allows more, up to 576 in all. */
	size_t quote = r.l4len - 8;
	size_t want = orig_len < 576 - 28 ? orig_len : 576 - 28;
	cr_assert_geq(quote, 28);
	cr_assert_eq(quote, want, "quote of %zu bytes, expected %zu", quote, want);
	cr_assert_eq(memcmp(r.l4 + 8, orig, quote), 0, "quote differs from the original");
	cr_assert_leq(r.ip.tot_len, 576);
}

CORE_TEST(icmp, echo_reply_echoes_payload_with_valid_checksums)
{
	uint8_t data[56];
	h_pattern(data, sizeof data, 11);
	inject_echo(OUR_IP, OUR_MAC, data, sizeof data);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert(r.is_ip, "header checksum verified by h_parse");
	cr_assert_eq(memcmp(r.eth.dst, PEER_MAC, 6), 0);
	cr_assert_eq(r.ip.src, OUR_IP);
	cr_assert_eq(r.ip.dst, PEER_IP);
	cr_assert_eq(r.ip.proto, NLRS_IPPROTO_ICMP);
	cr_assert_eq(r.ip.ttl, 64);
	cr_assert_eq(r.ip.mf, 0);
	cr_assert_eq(r.ip.frag_off, 0);
	cr_assert_eq(r.l4len, 8 + sizeof data);
	cr_assert_eq(r.l4[0], NLRS_ICMP_ECHOREPLY);
	cr_assert_eq(r.l4[1], 0);
	cr_assert_eq(nlrs_rd16(r.l4 + 4), 0x1234);
	cr_assert_eq(nlrs_rd16(r.l4 + 6), 7);
	cr_assert_eq(memcmp(r.l4 + 8, data, sizeof data), 0);
	cr_assert(h_csum_ok(r.l4, r.l4len), "ICMP checksum");
	cr_assert_eq(CTR(icmp_rx), 1);
	cr_assert_eq(CTR(icmp_echo_replies), 1);
}

CORE_TEST(icmp, echo_with_odd_length_payload_answered_correctly)
{
	uint8_t data[33];
	h_pattern(data, sizeof data, 12);
	inject_echo(OUR_IP, OUR_MAC, data, sizeof data);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(r.l4len, 8 + sizeof data);
	cr_assert_eq(memcmp(r.l4 + 8, data, sizeof data), 0);
	cr_assert(h_csum_ok(r.l4, r.l4len));
}

CORE_TEST(icmp, bad_checksum_counted_and_not_answered)
{
	uint8_t icmp[8 + 16], data[16];
	h_pattern(data, sizeof data, 1);
	size_t in = h_echo(icmp, 1, 1, data, sizeof data);
	icmp[9] ^= 0x40;
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	h_inject_ip(&ip, icmp, in);
	cr_assert_eq(CTR(icmp_rx_bad_checksum), 1);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(icmp, message_shorter_than_8_counted_short)
{
	uint8_t icmp[4] = { NLRS_ICMP_ECHO, 0, 0xf7, 0xff };
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	h_inject_ip(&ip, icmp, sizeof icmp);
	cr_assert_eq(CTR(icmp_rx_short), 1);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(icmp, echo_to_directed_broadcast_ignored)
{
	inject_echo(NET_BCAST, BCAST_MAC, (const uint8_t *)"hello", 5);
	cr_assert_eq(CTR(icmp_rx_bcast_echo), 1);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(icmp, echo_to_limited_broadcast_ignored)
{
	inject_echo(0xffffffffu, BCAST_MAC, (const uint8_t *)"hello", 5);
	cr_assert_eq(CTR(icmp_rx_bcast_echo), 1);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(icmp, udp_to_closed_port_gets_port_unreachable_quoting_datagram)
{
	uint8_t pkt[64];
	size_t n = inject_udp(OUR_IP, OUR_MAC, 9, pkt);
	cr_assert_eq(CTR(udp_rx_no_port), 1);
	cr_assert_eq(CTR(icmp_errors_sent), 1);
	cr_assert_eq(NTX, 1);
	assert_error(0, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_PORT_UNREACH, pkt, n);
}

CORE_TEST(icmp, long_datagram_quote_capped_at_576_bytes)
{
	uint8_t data[1000], u[1008], pkt[1100];
	h_pattern(data, sizeof data, 4);
	size_t un = h_udp(u, PEER_IP, OUR_IP, 5555, 9, data, sizeof data);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	size_t n = h_ipv4(pkt, &ip, u, un);
	h_inject_ip(&ip, u, un);
	cr_assert_eq(NTX, 1);
	assert_error(0, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_PORT_UNREACH, pkt, n);
}

CORE_TEST(icmp, unknown_protocol_gets_protocol_unreachable)
{
	uint8_t payload[12], pkt[64];
	h_pattern(payload, sizeof payload, 5);
	struct h_ip ip = h_ip_from_peer(200);
	size_t n = h_ipv4(pkt, &ip, payload, sizeof payload);
	h_inject_ip(&ip, payload, sizeof payload);
	cr_assert_eq(CTR(ip_rx_unknown_proto), 1);
	cr_assert_eq(NTX, 1);
	assert_error(0, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_PROT_UNREACH, pkt, n);
}

CORE_TEST(icmp, no_error_about_udp_to_directed_broadcast)
{
	uint8_t pkt[64];
	inject_udp(NET_BCAST, BCAST_MAC, 9, pkt);
	cr_assert_eq(CTR(udp_rx_no_port), 1);
	cr_assert_eq(NTX, 0);
	cr_assert_eq(CTR(icmp_errors_sent), 0);
}

CORE_TEST(icmp, no_error_about_unicast_ip_in_link_broadcast)
{
	uint8_t pkt[64];
	inject_udp(OUR_IP, BCAST_MAC, 9, pkt);
	cr_assert_eq(CTR(udp_rx_no_port), 1);
	cr_assert_eq(NTX, 0, "RFC 1122 3.2.2: not about a link-layer broadcast");
}

CORE_TEST(icmp, no_error_about_icmp_error)
{
	/* An ICMP error whose first fragment times out: the time exceeded
	 * it would cause is an error about an error. */
	uint8_t body[56], msg[64];
	memset(body, 0x11, sizeof body);
	size_t mn =
		h_icmp(msg, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_HOST_UNREACH, 0, body, sizeof body);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	ip.mf = true;
	h_inject_ip(&ip, msg, mn);
	h_advance(S->cfg.reasm_timeout);
	cr_assert_eq(CTR(frag_timeout), 1);
	cr_assert_eq(NTX, 0);
	cr_assert_eq(CTR(icmp_errors_sent), 0);
}

CORE_TEST(icmp, errors_rate_limited_after_burst_and_refilled_with_time)
{
	struct nlrs_stack_config c = h_config();
	c.icmp_burst = 5;
	c.icmp_rate = 1000;
	h_restart(&c);
	h_learn_peer();
	uint8_t pkt[64];
	for (int i = 0; i < 8; i++)
		inject_udp(OUR_IP, OUR_MAC, 9, pkt);
	cr_assert_eq(NTX, 5);
	cr_assert_eq(CTR(icmp_errors_sent), 5);
	cr_assert_eq(CTR(icmp_rate_limited), 3);
	cr_assert_eq(CTR(udp_rx_no_port), 8);
	/* 1000 tokens/s: 3 ms later, three more. */
	NOW += NLRS_MSEC(3);
	h_clear();
	for (int i = 0; i < 4; i++)
		inject_udp(OUR_IP, OUR_MAC, 9, pkt);
	cr_assert_eq(NTX, 3);
	cr_assert_eq(CTR(icmp_rate_limited), 4);
	/* A long pause refills only up to the burst. (The peer's ARP entry
	 * went stale meanwhile, so count IP frames: a refresh goes out too.) */
	NOW += NLRS_SEC(100);
	h_clear();
	for (int i = 0; i < 8; i++)
		inject_udp(OUR_IP, OUR_MAC, 9, pkt);
	cr_assert_eq(h_count_ip(), 5);
}

CORE_TEST(icmp, echo_replies_are_not_rate_limited)
{
	struct nlrs_stack_config c = h_config();
	c.icmp_burst = 2;
	h_restart(&c);
	h_learn_peer();
	for (int i = 0; i < 10; i++)
		inject_echo(OUR_IP, OUR_MAC, (const uint8_t *)"abc", 3);
	cr_assert_eq(NTX, 10);
	cr_assert_eq(CTR(icmp_rate_limited), 0);
}

CORE_TEST(icmp, error_quoting_foreign_datagram_counted_bad_quote)
{
	/* A port unreachable quoting a datagram we never sent (source is
	 * not ours): ignored. */
	uint8_t q[28], msg[8 + 28];
	struct h_ip in = { .src = NLRS_IP4(203, 0, 113, 5), .dst = PEER_IP, .proto = 17, .ttl = 1 };
	uint8_t u[8];
	h_udp(u, in.src, in.dst, 1000, 2000, NULL, 0);
	h_ipv4(q, &in, u, 8);
	size_t mn = h_icmp(msg, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_PORT_UNREACH, 0, q, 28);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	h_inject_ip(&ip, msg, mn);
	cr_assert_eq(CTR(icmp_rx_bad_quote), 1);
	cr_assert_eq(CTR(icmp_rx_errors), 0);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(icmp, tokens_accrue_when_errors_are_triggered_more_often_than_rate)
{
	/* 10 errors per second, bucket of 1: triggered every 50 us for
	 * 250 ms, about 2 more errors are due after the first. Fractions of
	 * a token earned between calls must not be thrown away. */
	struct nlrs_stack_config c = h_config();
	c.icmp_burst = 1;
	c.icmp_rate = 10;
	h_restart(&c);
	h_learn_peer();
	uint8_t pkt[64];
	for (unsigned i = 0; i < 5000; i++) {
		inject_udp(OUR_IP, OUR_MAC, 9, pkt);
		NOW += 50;
	}
	cr_assert_eq(CTR(udp_rx_no_port), 5000);
	cr_assert_geq(CTR(icmp_errors_sent), 3, "only %llu error(s) sent in 250 ms at 10/s",
		      (unsigned long long)CTR(icmp_errors_sent));
	cr_assert_leq(CTR(icmp_errors_sent), 4);
}

CORE_TEST(icmp, echo_reply_checksum_valid_for_many_requests)
{
	/* The reply's checksum is updated incrementally (RFC 1624); try
	 * many requests, including ones whose checksum field is 0x0000 and
	 * 0xffff. */
	uint32_t x = 99;
	for (unsigned k = 0; k < 1500; k++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		uint8_t data[66], icmp[8 + 66];
		size_t dn = 2 + x % 64;
		h_pattern(data, dn, x);
		uint16_t id = (uint16_t)x, seq = (uint16_t)(x >> 16);
		if (k % 3 != 2) {
			/* choose the first data word so the checksum is 0x0000:
			 * the word equal to the complement of the rest's sum */
			nlrs_wr16(data, 0);
			uint8_t hdr[8] = { NLRS_ICMP_ECHO, 0, 0, 0 };
			nlrs_wr16(hdr + 4, id);
			nlrs_wr16(hdr + 6, seq);
			uint32_t sum = nlrs_csum_add(nlrs_csum_add(0, hdr, 8), data, dn);
			nlrs_wr16(data, nlrs_csum_fold(sum));
		}
		size_t in = h_echo(icmp, id, seq, data, dn);
		if (k % 3 != 2)
			cr_assert_eq(nlrs_rd16(icmp + 2), 0);
		if (k % 3 == 1)
			nlrs_wr16(icmp + 2, 0xffff); /* the other zero: also valid */
		h_clear();
		struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
		h_inject_ip(&ip, icmp, in);
		cr_assert_eq(NTX, 1, "request %u not answered", k);
		struct h_rx r;
		h_parse(0, &r);
		cr_assert_eq(r.l4len, in);
		cr_assert(h_csum_ok(r.l4, r.l4len), "request %u: reply checksum %#x", k,
			  nlrs_rd16(r.l4 + 2));
		cr_assert_eq(memcmp(r.l4 + 4, icmp + 4, in - 4), 0);
	}
}

CORE_TEST(icmp, unknown_type_counted_unhandled_and_not_answered)
{
	uint8_t icmp[28];
	uint8_t data[12] = { 0 };
	size_t in = h_icmp(icmp, NLRS_ICMP_TIMESTAMP, 0, 0x00010001, data, sizeof data);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	h_inject_ip(&ip, icmp, in);
	cr_assert_eq(CTR(icmp_rx_unhandled), 1);
	cr_assert_eq(NTX, 0);
}
