/* SPDX-License-Identifier: BSD-2-Clause */
/* Ethernet II view with 802.1Q / 802.1ad tags. */
#include <criterion/criterion.h>

#include "wire/eth.h"
#include "wire_test.h"

static int parse_guarded(const uint8_t *p, size_t len, struct nlrs_eth_hdr *h)
{
	return nlrs_eth_parse(guard_copy(p, len), len, h);
}

Test(eth, parse_accepts_real_untagged_ipv4_frame)
{
	struct nlrs_eth_hdr h;
	static const uint8_t dst[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x66 };
	static const uint8_t src[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

	cr_assert_eq(parse_guarded(frame_dns_query, frame_dns_query_len, &h), 14);
	cr_assert_eq(h.hlen, 14);
	cr_assert_eq(h.type, NLRS_ETHERTYPE_IPV4);
	cr_assert_eq(h.ntags, 0);
	cr_assert_arr_eq(h.dst, dst, 6);
	cr_assert_arr_eq(h.src, src, 6);
}

Test(eth, parse_accepts_real_8021q_tagged_frame)
{
	struct nlrs_eth_hdr h;

	cr_assert_eq(parse_guarded(frame_vlan_udp, frame_vlan_udp_len, &h), 18);
	cr_assert_eq(h.ntags, 1);
	cr_assert_eq(h.tpid[0], NLRS_ETHERTYPE_VLAN);
	cr_assert_eq(h.tci[0] & 0x0fff, 2580);
	cr_assert_eq(h.type, NLRS_ETHERTYPE_IPV4);
	cr_assert_eq(h.hlen, 18);
	cr_assert(nlrs_eth_is_broadcast(h.dst));
}

Test(eth, parse_accepts_real_8021ad_s_tagged_arp)
{
	struct nlrs_eth_hdr h;

	cr_assert_eq(parse_guarded(frame_qinq_arp, frame_qinq_arp_len, &h), 18);
	cr_assert_eq(h.ntags, 1);
	cr_assert_eq(h.tpid[0], NLRS_ETHERTYPE_QINQ);
	cr_assert_eq(h.tci[0], 200);
	cr_assert_eq(h.type, NLRS_ETHERTYPE_ARP);
}

/* S-tag VID 100, C-tag PCP 5 VID 42, then IPv4. */
static const uint8_t two_tags[] = {
	0x02, 0,    0,    0,    0,    1,    0x02, 0,    0,    0,    0,    2,
	0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0xa0, 0x2a, 0x08, 0x00, 0x45, 0x00,
};

Test(eth, parse_accepts_two_stacked_tags_outermost_first)
{
	struct nlrs_eth_hdr h;

	cr_assert_eq(parse_guarded(two_tags, sizeof two_tags, &h), 22);
	cr_assert_eq(h.ntags, 2);
	cr_assert_eq(h.tpid[0], NLRS_ETHERTYPE_QINQ);
	cr_assert_eq(h.tci[0], 100);
	cr_assert_eq(h.tpid[1], NLRS_ETHERTYPE_VLAN);
	cr_assert_eq(h.tci[1] >> 13, 5);
	cr_assert_eq(h.tci[1] & 0xfff, 42);
	cr_assert_eq(h.type, NLRS_ETHERTYPE_IPV4);
}

Test(eth, parse_accepts_header_with_no_payload)
{
	struct nlrs_eth_hdr h;

	cr_assert_eq(parse_guarded(frame_dns_query, 14, &h), 14);
	cr_assert_eq(parse_guarded(two_tags, 22, &h), 22);
}

Test(eth, parse_rejects_every_truncation_of_untagged_header)
{
	struct nlrs_eth_hdr h;

	for (size_t n = 0; n < 14; n++)
		cr_assert_eq(parse_guarded(frame_dns_query, n, &h), NLRS_WIRE_SHORT, "len %zu", n);
}

Test(eth, parse_rejects_every_truncation_of_tagged_headers)
{
	struct nlrs_eth_hdr h;

	for (size_t n = 0; n < 18; n++)
		cr_assert_eq(parse_guarded(frame_vlan_udp, n, &h), NLRS_WIRE_SHORT, "len %zu", n);
	for (size_t n = 0; n < 22; n++)
		cr_assert_eq(parse_guarded(two_tags, n, &h), NLRS_WIRE_SHORT, "len %zu", n);
}

Test(eth, parse_rejects_three_tags)
{
	static const uint8_t three[] = {
		0x02, 0,    0,    0,    0,    1,    0x02, 0,    0,    0,    0,
		2,    0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x2a, 0x81, 0x00,
		0x00, 0x2b, 0x08, 0x00, 0x45, 0x00, 0,    0,    0,    0,
	};
	struct nlrs_eth_hdr h;

	cr_assert_eq(parse_guarded(three, sizeof three, &h), NLRS_WIRE_BAD_FORMAT);
	/* even when the third tag itself is cut off: the depth is the lie */
	cr_assert_eq(parse_guarded(three, 22, &h), NLRS_WIRE_BAD_FORMAT);
}

Test(eth, parse_rejects_tag_cut_short)
{
	uint8_t f[18];
	struct nlrs_eth_hdr h;

	memcpy(f, frame_vlan_udp, 18);
	/* TPID present, TCI and inner type missing or partial */
	cr_assert_eq(parse_guarded(f, 14, &h), NLRS_WIRE_SHORT);
	cr_assert_eq(parse_guarded(f, 16, &h), NLRS_WIRE_SHORT);
	cr_assert_eq(parse_guarded(f, 17, &h), NLRS_WIRE_SHORT);
}

Test(eth, parse_rejects_8023_length_in_type_field)
{
	uint8_t f[60];
	struct nlrs_eth_hdr h;
	static const uint16_t lens[] = { 0x0000, 0x002e, 0x05dc, 0x05dd, 0x05ff };

	memcpy(f, frame_arp_request, sizeof f);
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		nlrs_wr16(f + 12, lens[i]);
		cr_assert_eq(parse_guarded(f, sizeof f, &h), NLRS_WIRE_BAD_FORMAT, "type %#x",
			     lens[i]);
	}
	nlrs_wr16(f + 12, 0x0600);
	cr_assert_eq(parse_guarded(f, sizeof f, &h), 14);
	cr_assert_eq(h.type, 0x0600);
}

Test(eth, parse_rejects_8023_length_after_a_tag)
{
	uint8_t f[118];
	struct nlrs_eth_hdr h;

	memcpy(f, frame_vlan_udp, sizeof f);
	nlrs_wr16(f + 16, 100);
	cr_assert_eq(parse_guarded(f, sizeof f, &h), NLRS_WIRE_BAD_FORMAT);
}

Test(eth, parse_leaves_output_untouched_on_error)
{
	struct nlrs_eth_hdr h, before;

	memset(&h, 0xa5, sizeof h);
	before = h;
	cr_assert_eq(parse_guarded(two_tags, 20, &h), NLRS_WIRE_SHORT);
	cr_assert_eq(memcmp(&h, &before, sizeof h), 0);
}

Test(eth, emit_reproduces_real_headers)
{
	const uint8_t *frames[] = { frame_dns_query, frame_vlan_udp, frame_qinq_arp, two_tags };
	const size_t lens[] = { frame_dns_query_len, frame_vlan_udp_len, frame_qinq_arp_len,
				sizeof two_tags };

	for (size_t i = 0; i < 4; i++) {
		struct nlrs_eth_hdr h;
		int hl = parse_guarded(frames[i], lens[i], &h);
		uint8_t *out;

		cr_assert_gt(hl, 0);
		out = t_guard_out((size_t)hl);
		cr_assert_eq(nlrs_eth_emit(out, (size_t)hl, &h), hl);
		cr_assert_arr_eq(out, frames[i], (size_t)hl, "frame %zu", i);
	}
}

Test(eth, emit_then_parse_round_trips)
{
	struct nlrs_eth_hdr h = { .dst = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
				  .src = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 },
				  .type = NLRS_ETHERTYPE_ARP,
				  .ntags = 2,
				  .tpid = { NLRS_ETHERTYPE_QINQ, NLRS_ETHERTYPE_VLAN },
				  .tci = { 0x1001, 0xefff } };
	struct nlrs_eth_hdr back;
	uint8_t buf[64];

	cr_assert_eq(nlrs_eth_emit(buf, sizeof buf, &h), 22);
	cr_assert_eq(parse_guarded(buf, 22, &back), 22);
	cr_assert_arr_eq(back.dst, h.dst, 6);
	cr_assert_arr_eq(back.src, h.src, 6);
	cr_assert_eq(back.type, h.type);
	cr_assert_eq(back.ntags, 2);
	cr_assert_eq(back.tci[0], 0x1001);
	cr_assert_eq(back.tci[1], 0xefff);
	cr_assert_eq(back.tpid[1], NLRS_ETHERTYPE_VLAN);
}

Test(eth, emit_into_too_small_buffer_returns_nospace)
{
	struct nlrs_eth_hdr h = { .type = NLRS_ETHERTYPE_IPV4,
				  .ntags = 1,
				  .tpid = { NLRS_ETHERTYPE_VLAN },
				  .tci = { 7 } };

	for (size_t n = 0; n < 18; n++) {
		uint8_t *out = t_guard_out(n);
		cr_assert_eq(nlrs_eth_emit(out, n, &h), NLRS_WIRE_NOSPACE, "len %zu", n);
	}
	h.ntags = 0;
	cr_assert_eq(nlrs_eth_emit(t_guard_out(13), 13, &h), NLRS_WIRE_NOSPACE);
	cr_assert_eq(nlrs_eth_emit(t_guard_out(14), 14, &h), 14);
}

Test(eth, emit_rejects_more_than_two_tags)
{
	struct nlrs_eth_hdr h = { .type = NLRS_ETHERTYPE_IPV4, .ntags = 3 };
	uint8_t buf[64];

	cr_assert_eq(nlrs_eth_emit(buf, sizeof buf, &h), NLRS_WIRE_BAD_FORMAT);
}

Test(eth, address_class_helpers_classify_real_addresses)
{
	static const uint8_t zero[6];

	cr_assert(nlrs_eth_is_broadcast(frame_arp_request + 0) == 0);
	cr_assert(nlrs_eth_is_broadcast(frame_vlan_udp));
	cr_assert(nlrs_eth_is_multicast(frame_igmp_ra)); /* 01:00:5e:00:00:01 */
	cr_assert(!nlrs_eth_is_multicast(frame_dns_query));
	cr_assert(nlrs_eth_is_zero(zero));
	cr_assert(!nlrs_eth_is_zero(frame_dns_query + 6));
}
