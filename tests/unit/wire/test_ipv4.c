/* SPDX-License-Identifier: BSD-2-Clause */
/* IPv4 header view (RFC 791). */
#include <criterion/criterion.h>

#include "wire/ipv4.h"
#include "wire_test.h"

static int parse_guarded(const uint8_t *p, size_t len, struct nlrs_ipv4_hdr *h, bool verify)
{
	return nlrs_ipv4_parse(guard_copy(p, len), len, h, verify);
}

/* The real DNS query's IPv4 datagram (84 bytes) in a writable copy. */
static uint8_t dg[84];
static void load_dns(void)
{
	memcpy(dg, frame_dns_query + ETH_OFF, sizeof dg);
}

Test(ipv4, parse_accepts_real_udp_datagram)
{
	struct nlrs_ipv4_hdr h;

	load_dns();
	cr_assert_eq(parse_guarded(dg, sizeof dg, &h, true), 20);
	cr_assert_eq(h.hlen, 20);
	cr_assert_eq(h.tos, 0);
	cr_assert_eq(h.tot_len, 84);
	cr_assert_eq(h.id, 0x59cd);
	cr_assert_eq(h.df, 0);
	cr_assert_eq(h.mf, 0);
	cr_assert_eq(h.frag_off, 0);
	cr_assert_eq(h.ttl, 64);
	cr_assert_eq(h.proto, 17);
	cr_assert_eq(h.csum, 0x94ae);
	cr_assert_eq(h.src, 0xc0a8010b); /* 192.168.1.11 */
	cr_assert_eq(h.dst, 0xd157f912); /* 209.87.249.18 */
	cr_assert_null(h.opts);
	cr_assert_eq(h.optlen, 0);
}

Test(ipv4, parse_reads_df_flag_of_real_ping)
{
	struct nlrs_ipv4_hdr h;

	cr_assert_eq(parse_guarded(frame_ping + ETH_OFF, 48, &h, true), 20);
	cr_assert_eq(h.df, 1);
	cr_assert_eq(h.mf, 0);
	cr_assert_eq(h.proto, 1);
	cr_assert_eq(h.tot_len, 48);
}

Test(ipv4, parse_accepts_real_router_alert_option_and_ignores_link_padding)
{
	struct nlrs_ipv4_hdr h;
	const uint8_t *p = guard_copy(frame_igmp_ra + ETH_OFF, 46);

	/* 46 bytes after Ethernet (padded frame), total length 32 */
	cr_assert_eq(nlrs_ipv4_parse(p, 46, &h, true), 24);
	cr_assert_eq(h.hlen, 24);
	cr_assert_eq(h.tot_len, 32);
	cr_assert_eq(h.optlen, 4);
	cr_assert_eq(h.opts, p + 20);
	cr_assert_eq(h.opts[0], 0x94); /* RFC 2113 router alert */
	cr_assert_eq(h.proto, 2);
	cr_assert_eq(h.dst, 0xe0000001);
	cr_assert(nlrs_ipv4_is_multicast(h.dst));
}

Test(ipv4, parse_rejects_every_truncation_with_the_right_error)
{
	struct nlrs_ipv4_hdr h;
	const uint8_t *ra = frame_igmp_ra + ETH_OFF;

	load_dns();
	for (size_t n = 0; n < sizeof dg; n++) {
		int want = n < 20 ? NLRS_WIRE_SHORT : NLRS_WIRE_BAD_LEN;
		cr_assert_eq(parse_guarded(dg, n, &h, true), want, "len %zu", n);
	}
	/* with options: 20..23 bytes hold the fixed header but not the IHL */
	for (size_t n = 0; n < 32; n++) {
		int want = n < 20 ? NLRS_WIRE_SHORT :
			   n < 24 ? NLRS_WIRE_BAD_HLEN :
				    NLRS_WIRE_BAD_LEN;
		cr_assert_eq(parse_guarded(ra, n, &h, true), want, "len %zu", n);
	}
}

Test(ipv4, parse_rejects_versions_other_than_4)
{
	struct nlrs_ipv4_hdr h;

	load_dns();
	for (unsigned v = 0; v < 16; v++) {
		if (v == 4)
			continue;
		dg[0] = (uint8_t)(v << 4 | 5);
		t_fix_ipv4_csum(dg);
		cr_assert_eq(parse_guarded(dg, sizeof dg, &h, true), NLRS_WIRE_BAD_VERSION, "v%u",
			     v);
	}
}

Test(ipv4, parse_rejects_ihl_below_5)
{
	struct nlrs_ipv4_hdr h;

	load_dns();
	for (unsigned ihl = 0; ihl < 5; ihl++) {
		dg[0] = (uint8_t)(0x40 | ihl);
		cr_assert_eq(parse_guarded(dg, sizeof dg, &h, true), NLRS_WIRE_BAD_HLEN, "ihl %u",
			     ihl);
		cr_assert_eq(parse_guarded(dg, sizeof dg, &h, false), NLRS_WIRE_BAD_HLEN, "ihl %u",
			     ihl);
	}
}

Test(ipv4, parse_rejects_ihl_past_buffer)
{
	struct nlrs_ipv4_hdr h;

	load_dns();
	dg[0] = 0x4f; /* 60-byte header */
	nlrs_wr16(dg + 2, 60);
	cr_assert_eq(parse_guarded(dg, 59, &h, false), NLRS_WIRE_BAD_HLEN);
	cr_assert_eq(parse_guarded(dg, 40, &h, false), NLRS_WIRE_BAD_HLEN);
	cr_assert_eq(parse_guarded(dg, 20, &h, false), NLRS_WIRE_BAD_HLEN);
}

Test(ipv4, parse_rejects_total_length_below_ihl)
{
	struct nlrs_ipv4_hdr h;
	uint8_t ra[32];

	load_dns();
	for (unsigned tot = 0; tot < 20; tot++) {
		nlrs_wr16(dg + 2, (uint16_t)tot);
		t_fix_ipv4_csum(dg);
		cr_assert_eq(parse_guarded(dg, sizeof dg, &h, true), NLRS_WIRE_BAD_LEN, "tot %u",
			     tot);
	}
	/* with options: total length covering the fixed part but not the IHL */
	memcpy(ra, frame_igmp_ra + ETH_OFF, sizeof ra);
	nlrs_wr16(ra + 2, 22);
	t_fix_ipv4_csum(ra);
	cr_assert_eq(parse_guarded(ra, sizeof ra, &h, true), NLRS_WIRE_BAD_LEN);
}

Test(ipv4, parse_rejects_total_length_past_buffer)
{
	struct nlrs_ipv4_hdr h;

	load_dns();
	nlrs_wr16(dg + 2, 85);
	t_fix_ipv4_csum(dg);
	cr_assert_eq(parse_guarded(dg, sizeof dg, &h, true), NLRS_WIRE_BAD_LEN);
	nlrs_wr16(dg + 2, 0xffff);
	t_fix_ipv4_csum(dg);
	cr_assert_eq(parse_guarded(dg, sizeof dg, &h, true), NLRS_WIRE_BAD_LEN);
}

Test(ipv4, parse_accepts_total_length_equal_to_ihl)
{
	struct nlrs_ipv4_hdr h;

	load_dns();
	nlrs_wr16(dg + 2, 20);
	t_fix_ipv4_csum(dg);
	cr_assert_eq(parse_guarded(dg, 20, &h, true), 20);
	cr_assert_eq(h.tot_len, 20);
}

Test(ipv4, parse_rejects_bad_header_checksum_only_when_verifying)
{
	struct nlrs_ipv4_hdr h;

	load_dns();
	dg[8] = 63; /* TTL changed without fixing the checksum */
	cr_assert_eq(parse_guarded(dg, sizeof dg, &h, true), NLRS_WIRE_BAD_CSUM);
	cr_assert_eq(parse_guarded(dg, sizeof dg, &h, false), 20);
	cr_assert_eq(h.ttl, 63);
	load_dns();
	dg[11] ^= 1; /* the checksum field itself */
	cr_assert_eq(parse_guarded(dg, sizeof dg, &h, true), NLRS_WIRE_BAD_CSUM);
}

Test(ipv4, parse_checksum_covers_options)
{
	struct nlrs_ipv4_hdr h;
	uint8_t ra[32];

	memcpy(ra, frame_igmp_ra + ETH_OFF, sizeof ra);
	ra[23] ^= 0x10; /* router alert value, inside the IHL */
	cr_assert_eq(parse_guarded(ra, sizeof ra, &h, true), NLRS_WIRE_BAD_CSUM);
	ra[23] ^= 0x10;
	ra[24] ^= 0x10; /* payload: not covered */
	cr_assert_eq(parse_guarded(ra, sizeof ra, &h, true), 24);
}

/* A 32-byte header with 12 option bytes, checksum fixed, then parsed. */
static int parse_opts(const uint8_t opts[12])
{
	uint8_t p[40];
	struct nlrs_ipv4_hdr h;

	memcpy(p, frame_dns_query + ETH_OFF, 20);
	p[0] = 0x48;
	nlrs_wr16(p + 2, 40);
	memcpy(p + 20, opts, 12);
	memset(p + 32, 0, 8);
	t_fix_ipv4_csum(p);
	return parse_guarded(p, 40, &h, true);
}

Test(ipv4, parse_rejects_option_length_0_and_1)
{
	static const uint8_t len0[12] = { 0x07, 0x00 };
	static const uint8_t len1[12] = { 0x01, 0x01, 0x44, 0x01 };

	cr_assert_eq(parse_opts(len0), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(parse_opts(len1), NLRS_WIRE_BAD_OPTION);
}

Test(ipv4, parse_rejects_option_running_past_ihl)
{
	/* record route claiming 39 bytes in a 12-byte options area */
	static const uint8_t rr[12] = { 0x07, 39, 4 };
	/* 8-byte option at offset 8: its last 4 bytes lie past the IHL (still
	 * inside the buffer) */
	static const uint8_t late[12] = { 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x44, 8 };

	cr_assert_eq(parse_opts(rr), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(parse_opts(late), NLRS_WIRE_BAD_OPTION);
}

Test(ipv4, parse_rejects_option_missing_its_length_byte)
{
	static const uint8_t last[12] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0x94 };

	cr_assert_eq(parse_opts(last), NLRS_WIRE_BAD_OPTION);
}

Test(ipv4, parse_accepts_nops_options_and_garbage_after_eol)
{
	static const uint8_t ok1[12] = {
		0x01, 0x94, 0x04, 0x00, 0x00, 0x01, 0x07, 0x03, 0x04, 0x00
	};
	static const uint8_t ok2[12] = { 0x00, 0xff, 0x00, 0xff, 0xff, 0xff };
	static const uint8_t exact[12] = { 0x44, 12, 5, 0 }; /* timestamp filling the area */

	cr_assert_eq(parse_opts(ok1), 32);
	cr_assert_eq(parse_opts(ok2), 32);
	cr_assert_eq(parse_opts(exact), 32);
}

Test(ipv4, opts_check_walks_area_exactly)
{
	static const uint8_t nops[3] = { 1, 1, 1 };
	static const uint8_t two[2] = { 0x88, 2 };
	static const uint8_t over[2] = { 0x88, 3 };

	cr_assert_eq(nlrs_ipv4_opts_check(guard_copy(nops, 0), 0), 0);
	cr_assert_eq(nlrs_ipv4_opts_check(guard_copy(nops, 3), 3), 0);
	cr_assert_eq(nlrs_ipv4_opts_check(guard_copy(two, 2), 2), 0);
	cr_assert_eq(nlrs_ipv4_opts_check(guard_copy(over, 2), 2), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(nlrs_ipv4_opts_check(guard_copy(two, 1), 1), NLRS_WIRE_BAD_OPTION);
}

Test(ipv4, parse_reads_fragment_fields)
{
	struct nlrs_ipv4_hdr h;

	load_dns();
	nlrs_wr16(dg + 6, NLRS_IPV4_MF | 185); /* offset 1480 bytes */
	t_fix_ipv4_csum(dg);
	cr_assert_eq(parse_guarded(dg, sizeof dg, &h, true), 20);
	cr_assert_eq(h.mf, 1);
	cr_assert_eq(h.df, 0);
	cr_assert_eq(h.frag_off, 1480);
	nlrs_wr16(dg + 6, NLRS_IPV4_DF | NLRS_IPV4_OFFMASK);
	t_fix_ipv4_csum(dg);
	cr_assert_eq(parse_guarded(dg, sizeof dg, &h, true), 20);
	cr_assert_eq(h.df, 1);
	cr_assert_eq(h.frag_off, 0x1fff * 8);
}

Test(ipv4, parse_leaves_output_untouched_on_error)
{
	struct nlrs_ipv4_hdr h, before;

	load_dns();
	dg[9] = 6;
	memset(&h, 0x3c, sizeof h);
	before = h;
	cr_assert_eq(parse_guarded(dg, sizeof dg, &h, true), NLRS_WIRE_BAD_CSUM);
	cr_assert_eq(memcmp(&h, &before, sizeof h), 0);
}

Test(ipv4, emit_reproduces_real_headers)
{
	const uint8_t *hdrs[] = { frame_dns_query + ETH_OFF, frame_ping + ETH_OFF,
				  frame_igmp_ra + ETH_OFF, frame_vlan_udp + 18 };
	const size_t lens[] = { 84, 48, 46, 100 };

	for (size_t i = 0; i < 4; i++) {
		struct nlrs_ipv4_hdr h;
		/* parsed in place: h.opts must stay valid while out is written */
		int hl = nlrs_ipv4_parse(hdrs[i], lens[i], &h, true);
		uint8_t *out;

		cr_assert_gt(hl, 0, "hdr %zu: %d", i, hl);
		out = t_guard_out((size_t)hl);
		cr_assert_eq(nlrs_ipv4_emit(out, (size_t)hl, &h), hl);
		/* checksum recomputed, so it must match the one on the wire */
		cr_assert_arr_eq(out, hdrs[i], (size_t)hl, "hdr %zu", i);
	}
}

Test(ipv4, emit_then_parse_round_trips_with_options)
{
	static const uint8_t opts[8] = { 0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00 };
	struct nlrs_ipv4_hdr h = { .tos = 0xb8,
				   .tot_len = 1500,
				   .id = 0xbeef,
				   .df = 0,
				   .mf = 1,
				   .frag_off = 2960,
				   .ttl = 1,
				   .proto = 17,
				   .src = 0xc0000202,
				   .dst = 0xcb007101,
				   .opts = opts,
				   .optlen = 8 };
	struct nlrs_ipv4_hdr b;
	uint8_t buf[28];

	cr_assert_eq(nlrs_ipv4_emit(buf, sizeof buf, &h), 28);
	nlrs_wr16(buf + 2, 28); /* parse needs tot_len <= buffer */
	t_fix_ipv4_csum(buf);
	cr_assert_eq(parse_guarded(buf, sizeof buf, &b, true), 28);
	cr_assert_eq(b.tos, h.tos);
	cr_assert_eq(b.id, h.id);
	cr_assert_eq(b.df, 0);
	cr_assert_eq(b.mf, 1);
	cr_assert_eq(b.frag_off, 2960);
	cr_assert_eq(b.ttl, 1);
	cr_assert_eq(b.proto, 17);
	cr_assert_eq(b.src, h.src);
	cr_assert_eq(b.dst, h.dst);
	cr_assert_eq(b.optlen, 8);
	cr_assert_arr_eq(b.opts, opts, 8);
}

Test(ipv4, emit_copies_options_that_live_in_the_output_buffer)
{
	uint8_t buf[32];
	struct nlrs_ipv4_hdr h;

	memcpy(buf, frame_igmp_ra + ETH_OFF, sizeof buf);
	cr_assert_eq(nlrs_ipv4_parse(buf, sizeof buf, &h, true), 24);
	h.ttl = 9; /* reflect in place: opts points into buf */
	cr_assert_eq(nlrs_ipv4_emit(buf, sizeof buf, &h), 24);
	cr_assert_arr_eq(buf + 20, frame_igmp_ra + ETH_OFF + 20, 4);
	cr_assert_eq(nlrs_ipv4_parse(buf, sizeof buf, &h, true), 24);
	cr_assert_eq(h.ttl, 9);
}

Test(ipv4, emit_into_too_small_buffer_returns_nospace)
{
	static const uint8_t opts[4] = { 1, 1, 1, 0 };
	struct nlrs_ipv4_hdr h = { .tot_len = 24, .ttl = 64, .proto = 1, .opts = opts, .optlen = 4 };

	for (size_t n = 0; n < 24; n++)
		cr_assert_eq(nlrs_ipv4_emit(t_guard_out(n), n, &h), NLRS_WIRE_NOSPACE, "len %zu",
			     n);
	cr_assert_eq(nlrs_ipv4_emit(t_guard_out(24), 24, &h), 24);
}

Test(ipv4, emit_rejects_unpadded_or_oversized_options)
{
	static const uint8_t opts[44];
	struct nlrs_ipv4_hdr h = { .tot_len = 64, .ttl = 64, .opts = opts };
	uint8_t buf[64];

	h.optlen = 3;
	cr_assert_eq(nlrs_ipv4_emit(buf, sizeof buf, &h), NLRS_WIRE_BAD_OPTION);
	h.optlen = 44;
	cr_assert_eq(nlrs_ipv4_emit(buf, sizeof buf, &h), NLRS_WIRE_BAD_OPTION);
	h.optlen = 4;
	h.opts = NULL;
	cr_assert_eq(nlrs_ipv4_emit(buf, sizeof buf, &h), NLRS_WIRE_BAD_OPTION);
	h.opts = opts;
	h.optlen = 40;
	cr_assert_eq(nlrs_ipv4_emit(buf, sizeof buf, &h), 60);
	cr_assert_eq(buf[0], 0x4f);
}

Test(ipv4, emit_rejects_fragment_offset_not_multiple_of_8)
{
	struct nlrs_ipv4_hdr h = { .tot_len = 20, .frag_off = 1481 };
	uint8_t buf[20];

	cr_assert_eq(nlrs_ipv4_emit(buf, sizeof buf, &h), NLRS_WIRE_BAD_FORMAT);
}

Test(ipv4, parse_quoted_accepts_header_cut_short_of_total_length)
{
	struct nlrs_ipv4_hdr h;

	load_dns();
	dg[8] = 1; /* a router changed TTL: checksum stale, not checked */
	cr_assert_eq(nlrs_ipv4_parse_quoted(guard_copy(dg, 28), 28, &h), 20);
	cr_assert_eq(h.tot_len, 84);
	cr_assert_eq(h.ttl, 1);
	cr_assert_eq(h.proto, 17);
}

Test(ipv4, parse_quoted_rejects_lying_version_and_ihl)
{
	struct nlrs_ipv4_hdr h;

	load_dns();
	for (size_t n = 0; n < 20; n++)
		cr_assert_eq(nlrs_ipv4_parse_quoted(guard_copy(dg, n), n, &h), NLRS_WIRE_SHORT);
	dg[0] = 0x44;
	cr_assert_eq(nlrs_ipv4_parse_quoted(guard_copy(dg, 28), 28, &h), NLRS_WIRE_BAD_HLEN);
	dg[0] = 0x48; /* 32-byte header in a 28-byte quote */
	cr_assert_eq(nlrs_ipv4_parse_quoted(guard_copy(dg, 28), 28, &h), NLRS_WIRE_BAD_HLEN);
	dg[0] = 0x65;
	cr_assert_eq(nlrs_ipv4_parse_quoted(guard_copy(dg, 28), 28, &h), NLRS_WIRE_BAD_VERSION);
}

Test(ipv4, address_class_helpers)
{
	cr_assert(nlrs_ipv4_is_multicast(0xe0000001));
	cr_assert(!nlrs_ipv4_is_multicast(0xc0000201));
	cr_assert(nlrs_ipv4_is_limited_bcast(0xffffffff));
	cr_assert(nlrs_ipv4_is_loopback(0x7f000001));
	cr_assert(nlrs_ipv4_is_zeronet(0x00000001));
	cr_assert(nlrs_ipv4_is_class_e(0xf0000001));
	cr_assert(!nlrs_ipv4_is_class_e(0xffffffff));
}
