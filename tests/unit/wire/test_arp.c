/* SPDX-License-Identifier: BSD-2-Clause */
/* ARP for IPv4 over Ethernet (RFC 826). */
#include <criterion/criterion.h>

#include "wire/arp.h"
#include "wire_test.h"

static int parse_guarded(const uint8_t *p, size_t len, struct nlrs_arp_pkt *a)
{
	return nlrs_arp_parse(guard_copy(p, len), len, a);
}

Test(arp, parse_accepts_real_padded_request)
{
	struct nlrs_arp_pkt a;
	static const uint8_t sha[6] = { 0xa6, 0x82, 0x4b, 0xc9, 0xa1, 0xa7 };
	static const uint8_t zero[6];

	/* 46 bytes after the Ethernet header: 28 of ARP, 18 of padding */
	cr_assert_eq(parse_guarded(frame_arp_request + ETH_OFF, frame_arp_request_len - ETH_OFF,
				   &a),
		     28);
	cr_assert_eq(a.op, NLRS_ARP_REQUEST);
	cr_assert_arr_eq(a.sha, sha, 6);
	cr_assert_eq(a.spa, 0x0a280203); /* 10.40.2.3 */
	cr_assert_arr_eq(a.tha, zero, 6);
	cr_assert_eq(a.tpa, 0x0a280101); /* 10.40.1.1 */
}

Test(arp, parse_accepts_real_unpadded_reply)
{
	struct nlrs_arp_pkt a;
	static const uint8_t sha[6] = { 0x74, 0x83, 0xef, 0x07, 0xd0, 0xa9 };

	cr_assert_eq(parse_guarded(frame_arp_reply + ETH_OFF, 28, &a), 28);
	cr_assert_eq(a.op, NLRS_ARP_REPLY);
	cr_assert_arr_eq(a.sha, sha, 6);
	cr_assert_eq(a.spa, 0x0a280101);
	cr_assert_eq(a.tpa, 0x0a280203);
}

Test(arp, parse_accepts_real_request_inside_s_tag)
{
	struct nlrs_arp_pkt a;

	cr_assert_eq(parse_guarded(frame_qinq_arp + 18, frame_qinq_arp_len - 18, &a), 28);
	cr_assert_eq(a.spa, 0xac110014); /* 172.17.0.20 */
	cr_assert_eq(a.tpa, 0xac110002);
}

Test(arp, parse_rejects_every_truncation)
{
	struct nlrs_arp_pkt a;

	for (size_t n = 0; n < 28; n++)
		cr_assert_eq(parse_guarded(frame_arp_reply + ETH_OFF, n, &a), NLRS_WIRE_SHORT,
			     "len %zu", n);
}

/* Mutate one byte of the real reply and expect BAD_FORMAT. */
static void expect_bad_format(size_t off, uint8_t val)
{
	uint8_t p[28];
	struct nlrs_arp_pkt a;

	memcpy(p, frame_arp_reply + ETH_OFF, 28);
	p[off] = val;
	cr_assert_eq(parse_guarded(p, 28, &a), NLRS_WIRE_BAD_FORMAT, "byte %zu = %u", off, val);
}

Test(arp, parse_rejects_hardware_length_other_than_6)
{
	expect_bad_format(4, 0);
	expect_bad_format(4, 5);
	expect_bad_format(4, 7);
	expect_bad_format(4, 20); /* InfiniBand-sized */
	expect_bad_format(4, 255);
}

Test(arp, parse_rejects_protocol_length_other_than_4)
{
	expect_bad_format(5, 0);
	expect_bad_format(5, 3);
	expect_bad_format(5, 16); /* IPv6-sized */
}

Test(arp, parse_rejects_foreign_hardware_and_protocol_types)
{
	expect_bad_format(1, 6);    /* hrd 6: IEEE 802 */
	expect_bad_format(0, 1);    /* hrd 0x0101 */
	expect_bad_format(2, 0x86); /* pro 0x8600 */
	expect_bad_format(3, 0x06); /* pro 0x0806 */
}

Test(arp, parse_rejects_ops_other_than_request_and_reply)
{
	expect_bad_format(7, 0);
	expect_bad_format(7, 3); /* RARP request */
	expect_bad_format(7, 8); /* InARP request */
	expect_bad_format(6, 1); /* op 0x0102 */
}

Test(arp, parse_rejects_real_frames_with_lying_op_and_lengths)
{
	/* From tcpdump's arp-oobr.pcap: hln/pln 6/4 but op 0x3001 and 0x5901. */
	static const uint8_t op3001[] = {
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x30, 0x01, 0x00, 0x1f, 0x29, 0xda, 0x2d, 0x79,
		0xc0, 0xa8, 0x01, 0x68, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x01,
	};
	struct nlrs_arp_pkt a;
	uint8_t p[28];

	cr_assert_eq(parse_guarded(op3001, sizeof op3001, &a), NLRS_WIRE_BAD_FORMAT);
	memcpy(p, op3001, 28);
	p[6] = 0x59;
	cr_assert_eq(parse_guarded(p, 28, &a), NLRS_WIRE_BAD_FORMAT);
}

Test(arp, parse_leaves_output_untouched_on_error)
{
	struct nlrs_arp_pkt a, before;
	uint8_t p[28];

	memcpy(p, frame_arp_reply + ETH_OFF, 28);
	p[5] = 16;
	memset(&a, 0x5a, sizeof a);
	before = a;
	cr_assert_eq(parse_guarded(p, 28, &a), NLRS_WIRE_BAD_FORMAT);
	cr_assert_eq(memcmp(&a, &before, sizeof a), 0);
}

Test(arp, emit_reproduces_real_packets)
{
	const uint8_t *pkts[] = { frame_arp_reply + ETH_OFF, frame_arp_request + ETH_OFF,
				  frame_qinq_arp + 18 };

	for (size_t i = 0; i < 3; i++) {
		struct nlrs_arp_pkt a;
		uint8_t *out;

		cr_assert_eq(parse_guarded(pkts[i], 28, &a), 28);
		out = t_guard_out(28);
		cr_assert_eq(nlrs_arp_emit(out, 28, &a), 28);
		cr_assert_arr_eq(out, pkts[i], 28, "packet %zu", i);
	}
}

Test(arp, emit_then_parse_round_trips)
{
	struct nlrs_arp_pkt a = { .op = NLRS_ARP_REPLY,
				  .sha = { 0x02, 0, 0, 0, 0, 2 },
				  .spa = 0xc0000202,
				  .tha = { 0x02, 0, 0, 0, 0, 1 },
				  .tpa = 0xc0000201 };
	struct nlrs_arp_pkt b;
	uint8_t buf[60];

	memset(buf, 0xee, sizeof buf);
	cr_assert_eq(nlrs_arp_emit(buf, sizeof buf, &a), 28);
	cr_assert_eq(buf[28], 0xee); /* nothing written past the packet */
	cr_assert_eq(parse_guarded(buf, sizeof buf, &b), 28);
	cr_assert_eq(b.op, a.op);
	cr_assert_arr_eq(b.sha, a.sha, 6);
	cr_assert_arr_eq(b.tha, a.tha, 6);
	cr_assert_eq(b.spa, a.spa);
	cr_assert_eq(b.tpa, a.tpa);
}

Test(arp, emit_into_too_small_buffer_returns_nospace)
{
	struct nlrs_arp_pkt a = { .op = NLRS_ARP_REQUEST };

	for (size_t n = 0; n < 28; n++)
		cr_assert_eq(nlrs_arp_emit(t_guard_out(n), n, &a), NLRS_WIRE_NOSPACE, "len %zu", n);
}
