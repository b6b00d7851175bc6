/* SPDX-License-Identifier: BSD-2-Clause */
/* UDP header view (RFC 768). */
#include <criterion/criterion.h>

#include "wire/udp.h"
#include "wire_test.h"

#define UDP_OFF 34 /* Ethernet 14 + IPv4 20 in the DNS query frame */

static int parse_guarded(const uint8_t *p, size_t len, struct nlrs_udp_hdr *h)
{
	return nlrs_udp_parse(guard_copy(p, len), len, h);
}

/* RFC 768 checksum over pseudo-header + datagram, as the stack does it. */
static uint16_t udp_verify(const uint8_t *ip, const uint8_t *udp, size_t ulen)
{
	uint32_t s = nlrs_csum_pseudo4(nlrs_rd32(ip + 12), nlrs_rd32(ip + 16), 17, (uint32_t)ulen);

	return nlrs_csum_fold(nlrs_csum_add(s, udp, ulen));
}

static uint8_t d[64];
static void load_dns(void)
{
	memcpy(d, frame_dns_query + UDP_OFF, sizeof d);
}

Test(udp, parse_reads_real_dns_query)
{
	struct nlrs_udp_hdr h;

	load_dns();
	cr_assert_eq(parse_guarded(d, sizeof d, &h), 8);
	cr_assert_eq(h.sport, 43966);
	cr_assert_eq(h.dport, 53);
	cr_assert_eq(h.len, 64);
	cr_assert_eq(h.csum, 0x7824);
	cr_assert_eq(udp_verify(frame_dns_query + ETH_OFF, guard_copy(d, h.len), h.len), 0);
}

Test(udp, parse_reads_real_datagram_inside_vlan_tag)
{
	struct nlrs_udp_hdr h;
	const uint8_t *u = frame_vlan_udp + 18 + 20;

	cr_assert_eq(parse_guarded(u, 80, &h), 8);
	cr_assert_eq(h.sport, 698); /* OLSR */
	cr_assert_eq(h.dport, 698);
	cr_assert_eq(h.len, 80);
	cr_assert_eq(udp_verify(frame_vlan_udp + 18, u, 80), 0);
}

Test(udp, corrupted_payload_or_pseudo_header_fails_checksum)
{
	uint8_t ip[20];

	load_dns();
	d[40] ^= 0x20; /* one bit of the query name */
	cr_assert_neq(udp_verify(frame_dns_query + ETH_OFF, d, sizeof d), 0);
	load_dns();
	memcpy(ip, frame_dns_query + ETH_OFF, 20);
	ip[19] ^= 1; /* wrong destination address: the pseudo-header catches it */
	cr_assert_neq(udp_verify(ip, d, sizeof d), 0);
}

Test(udp, parse_rejects_every_truncation)
{
	struct nlrs_udp_hdr h;

	load_dns();
	for (size_t n = 0; n < sizeof d; n++) {
		int want = n < 8 ? NLRS_WIRE_SHORT : NLRS_WIRE_BAD_LEN;
		cr_assert_eq(parse_guarded(d, n, &h), want, "len %zu", n);
	}
}

Test(udp, parse_rejects_length_below_header)
{
	struct nlrs_udp_hdr h;

	load_dns();
	for (uint16_t l = 0; l < 8; l++) {
		nlrs_wr16(d + 4, l);
		cr_assert_eq(parse_guarded(d, sizeof d, &h), NLRS_WIRE_BAD_LEN, "len field %u", l);
	}
}

Test(udp, parse_rejects_length_past_buffer)
{
	struct nlrs_udp_hdr h;

	load_dns();
	nlrs_wr16(d + 4, 65);
	cr_assert_eq(parse_guarded(d, sizeof d, &h), NLRS_WIRE_BAD_LEN);
	nlrs_wr16(d + 4, 0xffff);
	cr_assert_eq(parse_guarded(d, sizeof d, &h), NLRS_WIRE_BAD_LEN);
	nlrs_wr16(d + 4, 9);
	cr_assert_eq(parse_guarded(d, 8, &h), NLRS_WIRE_BAD_LEN);
}

Test(udp, parse_accepts_length_shorter_than_buffer_and_header_only)
{
	struct nlrs_udp_hdr h;

	load_dns();
	nlrs_wr16(d + 4, 8); /* empty payload, the rest is the caller's padding */
	cr_assert_eq(parse_guarded(d, sizeof d, &h), 8);
	cr_assert_eq(h.len, 8);
	cr_assert_eq(parse_guarded(d, 8, &h), 8);
}

Test(udp, parse_reports_zero_checksum_as_found)
{
	struct nlrs_udp_hdr h;

	load_dns();
	nlrs_wr16(d + 6, 0);
	cr_assert_eq(parse_guarded(d, sizeof d, &h), 8);
	cr_assert_eq(h.csum, 0);
}

Test(udp, parse_leaves_output_untouched_on_error)
{
	struct nlrs_udp_hdr h, before;

	load_dns();
	memset(&h, 0x77, sizeof h);
	before = h;
	cr_assert_eq(parse_guarded(d, 63, &h), NLRS_WIRE_BAD_LEN);
	cr_assert_eq(memcmp(&h, &before, sizeof h), 0);
}

Test(udp, emit_reproduces_real_header)
{
	struct nlrs_udp_hdr h;
	uint8_t *out;

	load_dns();
	cr_assert_eq(nlrs_udp_parse(d, sizeof d, &h), 8);
	out = t_guard_out(8);
	cr_assert_eq(nlrs_udp_emit(out, 8, &h), 8);
	cr_assert_arr_eq(out, d, 8);
}

Test(udp, emit_then_checksum_then_parse_round_trips)
{
	static const uint8_t payload[5] = { 'h', 'e', 'l', 'l', 'o' }; /* odd length */
	struct nlrs_udp_hdr h = { .sport = 7, .dport = 40000, .len = 13, .csum = 0 };
	struct nlrs_udp_hdr b;
	uint8_t ip[20] = { 0x45 };
	uint8_t buf[13];

	nlrs_wr32(ip + 12, 0xc0000202);
	nlrs_wr32(ip + 16, 0xc0000201);
	cr_assert_eq(nlrs_udp_emit(buf, sizeof buf, &h), 8);
	memcpy(buf + 8, payload, sizeof payload);
	nlrs_wr16(buf + 6, udp_verify(ip, buf, sizeof buf));
	cr_assert_eq(udp_verify(ip, buf, sizeof buf), 0);
	cr_assert_eq(parse_guarded(buf, sizeof buf, &b), 8);
	cr_assert_eq(b.sport, 7);
	cr_assert_eq(b.dport, 40000);
	cr_assert_eq(b.len, 13);
	cr_assert_neq(b.csum, 0);
}

Test(udp, emit_into_too_small_buffer_returns_nospace)
{
	struct nlrs_udp_hdr h = { .sport = 1, .dport = 2, .len = 8 };

	for (size_t n = 0; n < 8; n++)
		cr_assert_eq(nlrs_udp_emit(t_guard_out(n), n, &h), NLRS_WIRE_NOSPACE, "len %zu", n);
}
