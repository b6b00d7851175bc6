/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP header view, options, emit and sequence arithmetic (RFC 9293 3.1,
 * 3.2, 3.4; RFC 7323; RFC 2018; RFC 7413; RFC 6994). Real IPv4 datagrams
 * from tcpdump's test captures (../shared/peers/tcpdump-tests), extracted
 * once with scapy (IP header onwards, trimmed to the total length), and one
 * crafted with scapy where no capture had it (timestamps + three SACK
 * blocks across the sequence wrap). The TCP header starts at byte 20.
 */
#include <criterion/criterion.h>

#include "wire/tcp.h"
#include "wire_test.h"

#define T 20 /* IPv4 header length in every fixture */

/* dns_tcp.pcap frame 1 */

static const uint8_t ip_linux_syn[60] = {
	0x45, 0x00, 0x00, 0x3c, 0x9b, 0x28, 0x40, 0x00, 0x40, 0x06, 0x13, 0x76, 0xc0, 0xa8, 0x01,
	0x0b, 0xd1, 0x57, 0xf9, 0x12, 0x83, 0xf3, 0x00, 0x35, 0x23, 0xfe, 0xc8, 0x0c, 0x00, 0x00,
	0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0, 0x0c, 0x41, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04,
	0x02, 0x08, 0x0a, 0x79, 0xe2, 0xca, 0x9a, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};
/* ssh.pcap frame 1 */

static const uint8_t ip_mac_syn[64] = {
	0x45, 0x00, 0x00, 0x40, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x03, 0x44, 0xca,
	0x6c, 0x57, 0xa5, 0xdf, 0x84, 0x35, 0xde, 0xf2, 0xc2, 0x00, 0x16, 0xf3, 0x51,
	0xf1, 0x58, 0x00, 0x00, 0x00, 0x00, 0xb0, 0x02, 0xff, 0xff, 0xec, 0x12, 0x00,
	0x00, 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x06, 0x01, 0x01, 0x08, 0x0a,
	0x74, 0x22, 0xc7, 0xce, 0x00, 0x00, 0x00, 0x00, 0x04, 0x02, 0x00, 0x00,
};
/* ssh.pcap frame 48 */

static const uint8_t ip_sack_ack[64] = {
	0x45, 0x48, 0x00, 0x40, 0xe2, 0x02, 0x40, 0x00, 0x36, 0x06, 0x2a, 0xf9, 0xdf,
	0x84, 0x35, 0xde, 0xca, 0x6c, 0x57, 0xa5, 0x00, 0x16, 0xf2, 0xc2, 0x92, 0x57,
	0xb8, 0x36, 0xf3, 0x52, 0x05, 0x9a, 0xb0, 0x10, 0x01, 0x54, 0xe1, 0xf3, 0x00,
	0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x05, 0x0a, 0xf3, 0x52, 0x05, 0xfa, 0xf3, 0x52, 0x05, 0xfb,
};
/* tfo-5c1fa7f9ae91.pcap frame 4 */

static const uint8_t ip_tfo_synack[56] = {
	0x45, 0x00, 0x00, 0x38, 0x00, 0x02, 0x00, 0x00, 0xfe, 0x06, 0xf5, 0xab, 0x03, 0x03,
	0x03, 0x03, 0xc0, 0xa8, 0x00, 0x64, 0x32, 0xfe, 0x32, 0xf7, 0xf0, 0x87, 0x33, 0xf5,
	0x0d, 0x05, 0xaf, 0x65, 0x90, 0x12, 0x05, 0x78, 0x49, 0xd3, 0x00, 0x00, 0x02, 0x04,
	0x05, 0xdc, 0xfe, 0x0a, 0xf9, 0x89, 0x09, 0x09, 0x09, 0x09, 0x00, 0x00, 0x01, 0x01,
};
/* mptcp-v0.pcap frame 1 */

static const uint8_t ip_mptcp_syn[72] = {
	0x45, 0x00, 0x00, 0x48, 0x32, 0xe9, 0x40, 0x00, 0x40, 0x06, 0xf1, 0xc0, 0x0a, 0x02, 0x01,
	0x02, 0x0a, 0x01, 0x01, 0x02, 0x8c, 0x79, 0x00, 0x16, 0xad, 0x98, 0x93, 0x59, 0x00, 0x00,
	0x00, 0x00, 0xd0, 0x02, 0x39, 0x08, 0xda, 0x99, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04,
	0x02, 0x08, 0x0a, 0xff, 0xff, 0xa1, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x06,
	0x1e, 0x0c, 0x00, 0x81, 0x9c, 0x9e, 0xab, 0xd1, 0xe4, 0x6a, 0x33, 0xb2,
};
/* crafted with scapy: 10.0.0.2:443 > 10.0.0.1:51000 ACK seq 0xfffffff0,
 * NOP NOP TS(0x8a3b1c20, 0x00c0ffee) NOP NOP SACK 3 blocks, one across 0 */
static const uint8_t ip_ts_sack3[80] = {
	0x45, 0x00, 0x00, 0x50, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x0a, 0x60, 0x0a, 0x00,
	0x00, 0x02, 0x0a, 0x00, 0x00, 0x01, 0x01, 0xbb, 0xc7, 0x38, 0xff, 0xff, 0xff, 0xf0,
	0x00, 0x00, 0x01, 0x00, 0xf0, 0x10, 0x01, 0xf5, 0x6d, 0x0e, 0x00, 0x00, 0x01, 0x01,
	0x08, 0x0a, 0x8a, 0x3b, 0x1c, 0x20, 0x00, 0xc0, 0xff, 0xee, 0x01, 0x01, 0x05, 0x1a,
	0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00,
	0x00, 0x10, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x80,
};

struct fixture {
	const uint8_t *ip;
	size_t len;
};
static const struct fixture fixtures[] = {
	{ ip_linux_syn, sizeof ip_linux_syn }, { ip_mac_syn, sizeof ip_mac_syn },
	{ ip_sack_ack, sizeof ip_sack_ack },   { ip_tfo_synack, sizeof ip_tfo_synack },
	{ ip_mptcp_syn, sizeof ip_mptcp_syn }, { ip_ts_sack3, sizeof ip_ts_sack3 },
};
#define NFIX (sizeof fixtures / sizeof fixtures[0])

static int parse_guarded(const uint8_t *p, size_t len, struct nlrs_tcp_hdr *h)
{
	return nlrs_tcp_parse(guard_copy(p, len), len, h);
}

/* Parse an options area on a guard page; check() must agree with parse(). */
static int opts_guarded(const uint8_t *a, size_t len, struct nlrs_tcp_opts *o)
{
	const uint8_t *g = guard_copy(a, len);
	int r = nlrs_tcp_opts_parse(g, len, o);

	cr_assert_eq(nlrs_tcp_opts_check(g, len), r, "check disagrees with parse");
	return r;
}

/* RFC 9293 3.1 checksum over the IPv4 pseudo-header and the segment. */
static uint16_t tcp_verify(const uint8_t *ip, const uint8_t *seg, size_t len)
{
	uint32_t s = nlrs_csum_pseudo4(nlrs_rd32(ip + 12), nlrs_rd32(ip + 16), 6, (uint32_t)len);

	return nlrs_csum_fold(nlrs_csum_add(s, seg, len));
}

/* Options area of a fixture, parsed from a guarded copy of its header. */
static struct nlrs_tcp_opts fixture_opts(const uint8_t *ip, size_t len)
{
	struct nlrs_tcp_hdr h;
	struct nlrs_tcp_opts o;

	cr_assert_gt(parse_guarded(ip + T, len - T, &h), 0);
	cr_assert_eq(nlrs_tcp_opts_parse(h.opts, h.optlen, &o), 0);
	return o;
}

Test(tcp, parse_reads_real_linux_syn_header)
{
	struct nlrs_tcp_hdr h;
	const uint8_t *p = guard_copy(ip_linux_syn + T, 40);

	cr_assert_eq(nlrs_tcp_parse(p, 40, &h), 40);
	cr_assert_eq(h.sport, 33779);
	cr_assert_eq(h.dport, 53);
	cr_assert_eq(h.seq, 0x23fec80c);
	cr_assert_eq(h.ack, 0);
	cr_assert_eq(h.hlen, 40);
	cr_assert_eq(h.flags, NLRS_TCP_SYN);
	cr_assert_eq(h.window, 64240);
	cr_assert_eq(h.csum, 0x0c41);
	cr_assert_eq(h.urg, 0);
	cr_assert_eq(h.optlen, 20);
	cr_assert_eq(h.opts, p + 20);
}

Test(tcp, opts_parse_reads_real_linux_syn_options)
{
	struct nlrs_tcp_opts o = fixture_opts(ip_linux_syn, sizeof ip_linux_syn);

	cr_assert(o.has_mss);
	cr_assert_eq(o.mss, 1460);
	cr_assert(o.sack_ok);
	cr_assert(o.has_ts);
	cr_assert_eq(o.tsval, 0x79e2ca9a);
	cr_assert_eq(o.tsecr, 0);
	cr_assert(o.has_wscale);
	cr_assert_eq(o.wscale, 7);
	cr_assert_eq(o.nsack, 0);
	cr_assert(!o.has_md5 && !o.has_ao && !o.has_fastopen);
}

Test(tcp, opts_parse_reads_real_macos_syn_with_eol_padding)
{
	struct nlrs_tcp_opts o = fixture_opts(ip_mac_syn, sizeof ip_mac_syn);

	cr_assert(o.has_mss && o.mss == 1460);
	cr_assert(o.has_wscale && o.wscale == 6);
	cr_assert(o.has_ts && o.tsval == 0x7422c7ce && o.tsecr == 0);
	cr_assert(o.sack_ok);
}

Test(tcp, opts_parse_reads_real_sack_block_after_nops)
{
	struct nlrs_tcp_hdr h;
	struct nlrs_tcp_opts o;

	cr_assert_eq(parse_guarded(ip_sack_ack + T, 44, &h), 44);
	cr_assert_eq(h.flags, NLRS_TCP_ACK);
	cr_assert_eq(h.ack, 0xf352059a);
	cr_assert_eq(nlrs_tcp_opts_parse(h.opts, h.optlen, &o), 0);
	cr_assert_eq(o.nsack, 1);
	cr_assert_eq(o.sack[0].left, 0xf35205fa);
	cr_assert_eq(o.sack[0].right, 0xf35205fb);
	cr_assert(!o.has_ts && !o.has_mss);
}

Test(tcp, opts_parse_reads_timestamps_and_three_sack_blocks)
{
	struct nlrs_tcp_opts o = fixture_opts(ip_ts_sack3, sizeof ip_ts_sack3);

	cr_assert(o.has_ts && o.tsval == 0x8a3b1c20 && o.tsecr == 0x00c0ffee);
	cr_assert_eq(o.nsack, 3);
	cr_assert(o.sack[0].left == 0x200 && o.sack[0].right == 0x300);
	cr_assert(o.sack[1].left == 0xffffff00 && o.sack[1].right == 0x10);
	cr_assert(o.sack[2].left == 0x400 && o.sack[2].right == 0x480);
}

Test(tcp, opts_parse_reads_real_experimental_fastopen_cookie)
{
	struct nlrs_tcp_hdr h;
	struct nlrs_tcp_opts o;

	cr_assert_eq(parse_guarded(ip_tfo_synack + T, 36, &h), 36);
	cr_assert_eq(h.flags, NLRS_TCP_SYN | NLRS_TCP_ACK);
	cr_assert_eq(nlrs_tcp_opts_parse(h.opts, h.optlen, &o), 0);
	cr_assert(o.has_mss && o.mss == 1500);
	cr_assert(o.has_fastopen);
	cr_assert_eq(o.fastopen_len, 6);
	cr_assert_eq(o.fastopen, h.opts + 8);
	cr_assert_arr_eq(o.fastopen, ((uint8_t[]){ 9, 9, 9, 9, 0, 0 }), 6);
}

Test(tcp, opts_parse_skips_real_mptcp_option)
{
	struct nlrs_tcp_opts o = fixture_opts(ip_mptcp_syn, sizeof ip_mptcp_syn);

	cr_assert(o.has_mss && o.mss == 1460);
	cr_assert(o.has_ts && o.tsval == 0xffffa1b0);
	cr_assert(o.has_wscale && o.wscale == 6);
	cr_assert(o.sack_ok);
}

Test(tcp, checksum_of_real_segments_verifies_with_pseudo_header)
{
	for (size_t i = 0; i < NFIX; i++) {
		const uint8_t *ip = fixtures[i].ip;
		size_t n = fixtures[i].len - T;

		cr_assert_eq(tcp_verify(ip, guard_copy(ip + T, n), n), 0, "fixture %zu", i);
	}
}

Test(tcp, corrupted_segment_or_pseudo_header_fails_checksum)
{
	uint8_t seg[60], ip[20];

	memcpy(seg, ip_ts_sack3 + T, sizeof seg);
	seg[45] ^= 0x01; /* one bit of a SACK edge */
	cr_assert_neq(tcp_verify(ip_ts_sack3, seg, sizeof seg), 0);
	memcpy(seg, ip_ts_sack3 + T, sizeof seg);
	memcpy(ip, ip_ts_sack3, sizeof ip);
	ip[15] ^= 1; /* wrong source address */
	cr_assert_neq(tcp_verify(ip, seg, sizeof seg), 0);
}

Test(tcp, parse_rejects_every_truncation_with_the_right_error)
{
	struct nlrs_tcp_hdr h;

	for (size_t i = 0; i < NFIX; i++) {
		const uint8_t *seg = fixtures[i].ip + T;
		size_t full = fixtures[i].len - T;
		size_t hl = (size_t)(seg[12] >> 4) * 4;

		for (size_t n = 0; n < hl; n++) {
			int want = n < 20 ? NLRS_WIRE_SHORT : NLRS_WIRE_BAD_HLEN;
			cr_assert_eq(parse_guarded(seg, n, &h), want, "fixture %zu len %zu", i, n);
		}
		for (size_t n = hl; n <= full; n++)
			cr_assert_eq(parse_guarded(seg, n, &h), (int)hl, "fixture %zu len %zu", i,
				     n);
	}
}

Test(tcp, parse_rejects_data_offset_below_5)
{
	struct nlrs_tcp_hdr h;
	uint8_t seg[40];

	memcpy(seg, ip_linux_syn + T, sizeof seg);
	for (unsigned off = 0; off < 5; off++) {
		seg[12] = (uint8_t)(off << 4);
		cr_assert_eq(parse_guarded(seg, sizeof seg, &h), NLRS_WIRE_BAD_HLEN, "off %u", off);
	}
}

Test(tcp, parse_rejects_data_offset_past_buffer)
{
	struct nlrs_tcp_hdr h;
	uint8_t seg[40];

	memcpy(seg, ip_linux_syn + T, sizeof seg);
	seg[12] = 0xf0; /* 60 bytes */
	cr_assert_eq(parse_guarded(seg, 40, &h), NLRS_WIRE_BAD_HLEN);
	cr_assert_eq(parse_guarded(seg, 20, &h), NLRS_WIRE_BAD_HLEN);
	seg[12] = 0xb0; /* 44 bytes */
	cr_assert_eq(parse_guarded(seg, 40, &h), NLRS_WIRE_BAD_HLEN);
}

Test(tcp, parse_accepts_header_without_options)
{
	struct nlrs_tcp_hdr h;
	uint8_t seg[20];

	memcpy(seg, ip_linux_syn + T, sizeof seg);
	seg[12] = 0x50;
	cr_assert_eq(parse_guarded(seg, sizeof seg, &h), 20);
	cr_assert_eq(h.hlen, 20);
	cr_assert_eq(h.optlen, 0);
	cr_assert_null(h.opts);
}

Test(tcp, parse_reports_every_control_bit_and_ignores_reserved_bits)
{
	struct nlrs_tcp_hdr h;
	uint8_t seg[20];

	memcpy(seg, ip_linux_syn + T, sizeof seg);
	seg[12] = 0x5f; /* data offset 5, three reserved bits, NS */
	seg[13] = 0xff;
	cr_assert_eq(parse_guarded(seg, sizeof seg, &h), 20);
	cr_assert_eq(h.flags, 0x1ff);
	seg[12] = 0x5e; /* reserved bits only */
	seg[13] = NLRS_TCP_ECE | NLRS_TCP_CWR | NLRS_TCP_SYN;
	cr_assert_eq(parse_guarded(seg, sizeof seg, &h), 20);
	cr_assert_eq(h.flags, NLRS_TCP_ECE | NLRS_TCP_CWR | NLRS_TCP_SYN);
}

Test(tcp, parse_rejects_malformed_option_inside_data_offset)
{
	struct nlrs_tcp_hdr h;
	uint8_t seg[40];

	memcpy(seg, ip_linux_syn + T, sizeof seg);
	seg[21] = 0; /* MSS length 0 */
	cr_assert_eq(parse_guarded(seg, sizeof seg, &h), NLRS_WIRE_BAD_OPTION);
	memcpy(seg, ip_linux_syn + T, sizeof seg);
	seg[38] = 4; /* window scale length 4 runs past the area */
	cr_assert_eq(parse_guarded(seg, sizeof seg, &h), NLRS_WIRE_BAD_OPTION);
}

Test(tcp, parse_leaves_output_untouched_on_error)
{
	struct nlrs_tcp_hdr h, before;

	memset(&h, 0x77, sizeof h);
	before = h;
	cr_assert_eq(parse_guarded(ip_linux_syn + T, 39, &h), NLRS_WIRE_BAD_HLEN);
	cr_assert_eq(memcmp(&h, &before, sizeof h), 0);
}

Test(tcp, opts_reject_length_0_and_1)
{
	static const uint8_t kinds[] = { 2, 3, 4, 5, 8, 19, 29, 30, 34, 99, 254 };
	struct nlrs_tcp_opts o;

	for (size_t i = 0; i < sizeof kinds; i++)
		for (uint8_t l = 0; l < 2; l++) {
			uint8_t a[8] = { 1, 1, kinds[i], l, 1, 1, 1, 1 };
			cr_assert_eq(opts_guarded(a, sizeof a, &o), NLRS_WIRE_BAD_OPTION,
				     "kind %u len %u", kinds[i], l);
		}
}

Test(tcp, opts_reject_option_missing_its_length_byte)
{
	static const uint8_t a[4] = { 1, 1, 1, 2 };
	static const uint8_t b[1] = { 99 };
	struct nlrs_tcp_opts o;

	cr_assert_eq(opts_guarded(a, sizeof a, &o), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(opts_guarded(b, sizeof b, &o), NLRS_WIRE_BAD_OPTION);
}

Test(tcp, opts_reject_option_running_past_the_area)
{
	static const uint8_t a[8] = { 1, 1, 30, 12, 0, 0, 0, 0 };
	static const uint8_t b[4] = { 1, 99, 255, 0 };
	struct nlrs_tcp_opts o;

	cr_assert_eq(opts_guarded(a, sizeof a, &o), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(opts_guarded(b, sizeof b, &o), NLRS_WIRE_BAD_OPTION);
}

Test(tcp, opts_reject_area_ending_mid_option)
{
	/* Linux SYN options: MSS at 0, SACK-perm at 4, TS at 6, NOP at 16,
	 * WS at 17; every other cut lands inside an option. */
	const uint8_t *a = ip_linux_syn + T + 20;
	struct nlrs_tcp_opts o;

	for (size_t n = 0; n <= 20; n++) {
		bool boundary = n == 0 || n == 4 || n == 6 || n == 16 || n == 17 || n == 20;
		cr_assert_eq(opts_guarded(a, n, &o), boundary ? 0 : NLRS_WIRE_BAD_OPTION, "len %zu",
			     n);
	}
}

/* Every length 2..12 of `kind` except `good` is malformed. */
static void wrong_lengths_rejected(uint8_t kind, uint8_t good)
{
	struct nlrs_tcp_opts o;

	for (uint8_t l = 2; l <= 12; l++) {
		uint8_t a[12] = { 0 };

		if (l == good)
			continue;
		a[0] = kind;
		a[1] = l;
		cr_assert_eq(opts_guarded(a, l, &o), NLRS_WIRE_BAD_OPTION, "kind %u len %u", kind,
			     l);
	}
}

Test(tcp, opts_reject_mss_length_other_than_4)
{
	wrong_lengths_rejected(NLRS_TCPOPT_MSS, 4);
}

Test(tcp, opts_reject_wscale_length_other_than_3)
{
	wrong_lengths_rejected(NLRS_TCPOPT_WSCALE, 3);
}

Test(tcp, opts_reject_sack_permitted_length_other_than_2)
{
	wrong_lengths_rejected(NLRS_TCPOPT_SACK_PERM, 2);
}

Test(tcp, opts_reject_timestamps_length_other_than_10)
{
	wrong_lengths_rejected(NLRS_TCPOPT_TS, 10);
}

Test(tcp, opts_reject_sack_without_whole_blocks)
{
	struct nlrs_tcp_opts o;

	for (uint8_t l = 2; l <= 40; l++) {
		uint8_t a[40] = { 0 };

		if ((l - 2) % 8 == 0 && l > 2)
			continue;
		a[0] = NLRS_TCPOPT_SACK;
		a[1] = l;
		cr_assert_eq(opts_guarded(a, l, &o), NLRS_WIRE_BAD_OPTION, "len %u", l);
	}
}

Test(tcp, opts_reject_sack_with_five_blocks)
{
	uint8_t a[42] = { NLRS_TCPOPT_SACK, 42 };
	struct nlrs_tcp_opts o;

	cr_assert_eq(opts_guarded(a, sizeof a, &o), NLRS_WIRE_BAD_OPTION);
}

Test(tcp, opts_accept_sack_with_one_to_four_blocks)
{
	struct nlrs_tcp_opts o;

	for (uint8_t n = 1; n <= 4; n++) {
		uint8_t a[34] = { NLRS_TCPOPT_SACK, (uint8_t)(2 + 8 * n) };

		for (uint8_t b = 0; b < n; b++) {
			nlrs_wr32(a + 2 + 8 * b, 1000u * b);
			nlrs_wr32(a + 6 + 8 * b, 1000u * b + 500);
		}
		cr_assert_eq(opts_guarded(a, (size_t)2 + 8 * n, &o), 0, "%u blocks", n);
		cr_assert_eq(o.nsack, n);
		cr_assert_eq(o.sack[n - 1].left, 1000u * (n - 1));
		cr_assert_eq(o.sack[n - 1].right, 1000u * (n - 1) + 500);
	}
}

Test(tcp, opts_skip_unknown_kinds_by_their_length)
{
	static const uint8_t a[16] = { 99,  6, 2,    4,    5, 0xb4, 20,   2,
				       253, 4, 0x12, 0x34, 2, 4,    0x05, 0x78 };
	struct nlrs_tcp_opts o;

	cr_assert_eq(opts_guarded(a, sizeof a, &o), 0);
	/* the MSS-looking bytes inside kind 99 are its value, not an option */
	cr_assert(o.has_mss);
	cr_assert_eq(o.mss, 0x0578);
	cr_assert(!o.has_fastopen);
}

Test(tcp, opts_eol_ends_the_list_and_bytes_after_it_are_not_read)
{
	static const uint8_t a[8] = { 1, 0, 2, 0, 99, 255, 5, 1 };
	struct nlrs_tcp_opts o;

	memset(&o, 0x55, sizeof o);
	cr_assert_eq(opts_guarded(a, sizeof a, &o), 0);
	cr_assert(!o.has_mss && o.nsack == 0 && !o.has_ts);
}

Test(tcp, opts_empty_or_nop_only_area_reads_as_no_options)
{
	static const uint8_t nops[4] = { 1, 1, 1, 1 };
	struct nlrs_tcp_opts o;

	memset(&o, 0x55, sizeof o);
	cr_assert_eq(opts_guarded(nops, 0, &o), 0);
	cr_assert(!o.has_mss && !o.has_wscale && !o.sack_ok && !o.has_ts && o.nsack == 0);
	cr_assert(!o.has_md5 && !o.has_ao && !o.has_fastopen && o.fastopen == NULL);
	memset(&o, 0x55, sizeof o);
	cr_assert_eq(opts_guarded(nops, sizeof nops, &o), 0);
	cr_assert(!o.has_mss && !o.has_wscale && !o.sack_ok && !o.has_ts && o.nsack == 0);
}

Test(tcp, opts_clamp_window_scale_above_14)
{
	struct nlrs_tcp_opts o;

	for (unsigned s = 0; s < 256; s++) {
		uint8_t a[4] = { 1, NLRS_TCPOPT_WSCALE, 3, (uint8_t)s };

		cr_assert_eq(opts_guarded(a, sizeof a, &o), 0);
		cr_assert(o.has_wscale);
		cr_assert_eq(o.wscale, s > 14 ? 14 : s, "shift %u", s);
	}
}

Test(tcp, opts_duplicate_options_first_wins)
{
	static const uint8_t a[34] = {
		2, 4,  0x05, 0xb4, 2, 4, 0x02, 0x18,       /* MSS 1460, MSS 536 */
		3, 3,  7,    3,    3, 2,                   /* WS 7, WS 2 */
		8, 10, 0,    0,    0, 1, 0,    0,    0, 2, /* TS 1 2 */
		8, 10, 0,    0,    0, 3, 0,    0,    0, 4, /* TS 3 4 */
	};
	uint8_t b[28] = { 5, 10, 0, 0, 0, 5, 0, 0, 0, 6, 5, 18 }; /* SACK 5-6, SACK x2 */
	struct nlrs_tcp_opts o;

	cr_assert_eq(opts_guarded(a, sizeof a, &o), 0);
	cr_assert_eq(o.mss, 1460);
	cr_assert_eq(o.wscale, 7);
	cr_assert(o.tsval == 1 && o.tsecr == 2);
	memset(b + 12, 0x11, 16);
	cr_assert_eq(opts_guarded(b, sizeof b, &o), 0);
	cr_assert_eq(o.nsack, 1);
	cr_assert(o.sack[0].left == 5 && o.sack[0].right == 6);
}

Test(tcp, opts_duplicate_with_wrong_length_is_still_rejected)
{
	static const uint8_t a[8] = { 2, 4, 0x05, 0xb4, 2, 3, 0x05, 1 };
	struct nlrs_tcp_opts o;

	cr_assert_eq(opts_guarded(a, sizeof a, &o), NLRS_WIRE_BAD_OPTION);
}

Test(tcp, opts_recognise_md5_and_ao_without_interpreting_them)
{
	uint8_t md5[20] = { 1, 1, NLRS_TCPOPT_MD5, 18 };
	uint8_t ao[8] = { NLRS_TCPOPT_AO, 6, 1, 2, 3, 4, 1, 1 };
	struct nlrs_tcp_opts o;

	cr_assert_eq(opts_guarded(md5, sizeof md5, &o), 0);
	cr_assert(o.has_md5 && !o.has_ao);
	cr_assert_eq(opts_guarded(ao, sizeof ao, &o), 0);
	cr_assert(o.has_ao && !o.has_md5);
}

Test(tcp, opts_read_fastopen_request_and_cookie)
{
	static const uint8_t req[4] = { 1, 1, NLRS_TCPOPT_FASTOPEN, 2 };
	static const uint8_t ck[12] = { NLRS_TCPOPT_FASTOPEN, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1 };
	struct nlrs_tcp_opts o;

	cr_assert_eq(opts_guarded(req, sizeof req, &o), 0);
	cr_assert(o.has_fastopen);
	cr_assert_eq(o.fastopen_len, 0);
	cr_assert_null(o.fastopen);
	cr_assert_eq(opts_guarded(ck, sizeof ck, &o), 0);
	cr_assert(o.has_fastopen);
	cr_assert_eq(o.fastopen_len, 8);
	cr_assert_arr_eq(o.fastopen, ck + 2, 8);
}

Test(tcp, opts_ignore_fastopen_cookie_outside_4_to_16_bytes)
{
	struct nlrs_tcp_opts o;

	for (uint8_t c = 1; c <= 20; c++) {
		uint8_t a[24] = { NLRS_TCPOPT_FASTOPEN, (uint8_t)(2 + c) };
		bool ok = c >= 4 && c <= 16;

		cr_assert_eq(opts_guarded(a, (size_t)2 + c, &o), 0, "cookie %u", c);
		cr_assert_eq(o.has_fastopen, ok, "cookie %u", c);
		cr_assert_eq(o.fastopen_len, ok ? c : 0, "cookie %u", c);
	}
}

Test(tcp, opts_skip_experimental_options_of_other_experiments)
{
	static const uint8_t other[4] = { 254, 4, 0x12, 0x34 };
	static const uint8_t noexid[5] = { 254, 2, 254, 3, 0xf9 };
	static const uint8_t tfo253[8] = { 253, 8, 0xf9, 0x89, 1, 2, 3, 4 };
	struct nlrs_tcp_opts o;

	cr_assert_eq(opts_guarded(other, sizeof other, &o), 0);
	cr_assert(!o.has_fastopen);
	cr_assert_eq(opts_guarded(noexid, sizeof noexid, &o), 0); /* ExID cut short */
	cr_assert(!o.has_fastopen);
	cr_assert_eq(opts_guarded(tfo253, sizeof tfo253, &o), 0);
	cr_assert(o.has_fastopen && o.fastopen_len == 4);
}

Test(tcp, opts_parse_leaves_output_untouched_on_error)
{
	static const uint8_t a[8] = { 2, 4, 0x05, 0xb4, 3, 3, 7, 5 };
	struct nlrs_tcp_opts o, before;

	memset(&o, 0x77, sizeof o);
	before = o;
	cr_assert_eq(opts_guarded(a, sizeof a, &o), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(memcmp(&o, &before, sizeof o), 0);
}

Test(tcp, emit_reproduces_real_headers)
{
	for (size_t i = 0; i < NFIX; i++) {
		const uint8_t *seg = fixtures[i].ip + T;
		size_t hl = (size_t)(seg[12] >> 4) * 4;
		struct nlrs_tcp_hdr h;
		uint8_t *out;

		cr_assert_eq(nlrs_tcp_parse(seg, hl, &h), (int)hl);
		out = t_guard_out(hl);
		cr_assert_eq(nlrs_tcp_emit(out, hl, &h), (int)hl, "fixture %zu", i);
		cr_assert_arr_eq(out, seg, hl, "fixture %zu", i);
	}
}

Test(tcp, emit_then_checksum_then_parse_round_trips)
{
	static const uint8_t opts[12] = { 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 8 };
	static const uint8_t payload[5] = { 'h', 'e', 'l', 'l', 'o' };
	struct nlrs_tcp_hdr h = { .sport = 80,
				  .dport = 40000,
				  .seq = 0xfffffffe,
				  .ack = 7,
				  .flags = NLRS_TCP_ACK | NLRS_TCP_PSH | NLRS_TCP_NS,
				  .window = 1024,
				  .urg = 3,
				  .opts = opts,
				  .optlen = 12 };
	struct nlrs_tcp_hdr b;
	struct nlrs_tcp_opts o;
	uint8_t ip[20] = { 0x45 };
	uint8_t buf[37];

	nlrs_wr32(ip + 12, 0xc0000202);
	nlrs_wr32(ip + 16, 0xc0000201);
	cr_assert_eq(nlrs_tcp_emit(buf, sizeof buf, &h), 32);
	memcpy(buf + 32, payload, sizeof payload);
	nlrs_wr16(buf + 16, tcp_verify(ip, buf, sizeof buf));
	cr_assert_eq(tcp_verify(ip, buf, sizeof buf), 0);
	cr_assert_eq(parse_guarded(buf, sizeof buf, &b), 32);
	cr_assert(b.sport == 80 && b.dport == 40000 && b.seq == 0xfffffffe && b.ack == 7);
	cr_assert_eq(b.flags, h.flags);
	cr_assert(b.window == 1024 && b.urg == 3 && b.hlen == 32 && b.optlen == 12);
	cr_assert_eq(nlrs_tcp_opts_parse(b.opts, b.optlen, &o), 0);
	cr_assert(o.has_ts && o.tsval == 9 && o.tsecr == 8);
}

Test(tcp, emit_copies_options_that_live_in_the_output_buffer)
{
	uint8_t buf[40];
	struct nlrs_tcp_hdr h;

	memcpy(buf, ip_linux_syn + T, sizeof buf);
	cr_assert_eq(nlrs_tcp_parse(buf, sizeof buf, &h), 40);
	h.sport = 1; /* reflect in place */
	cr_assert_eq(nlrs_tcp_emit(buf, sizeof buf, &h), 40);
	cr_assert_arr_eq(buf + 20, ip_linux_syn + T + 20, 20);
	cr_assert_eq(nlrs_rd16(buf), 1);
}

Test(tcp, emit_into_too_small_buffer_returns_nospace)
{
	static const uint8_t opts[8] = { 2, 4, 5, 0xb4, 1, 3, 3, 7 };
	struct nlrs_tcp_hdr h = { .sport = 1, .dport = 2, .flags = NLRS_TCP_SYN };

	for (size_t n = 0; n < 20; n++)
		cr_assert_eq(nlrs_tcp_emit(t_guard_out(n), n, &h), NLRS_WIRE_NOSPACE, "len %zu", n);
	h.opts = opts;
	h.optlen = 8;
	for (size_t n = 0; n < 28; n++)
		cr_assert_eq(nlrs_tcp_emit(t_guard_out(n), n, &h), NLRS_WIRE_NOSPACE, "len %zu", n);
	cr_assert_eq(nlrs_tcp_emit(t_guard_out(28), 28, &h), 28);
}

Test(tcp, emit_rejects_unpadded_oversized_or_missing_options)
{
	static const uint8_t opts[44] = { 0 };
	struct nlrs_tcp_hdr h = { .opts = opts };
	uint8_t buf[80];

	for (uint8_t l = 1; l <= 44; l++) {
		h.optlen = l;
		if (l % 4 == 0 && l <= 40)
			continue;
		cr_assert_eq(nlrs_tcp_emit(buf, sizeof buf, &h), NLRS_WIRE_BAD_OPTION, "optlen %u",
			     l);
	}
	h.opts = NULL;
	h.optlen = 4;
	cr_assert_eq(nlrs_tcp_emit(buf, sizeof buf, &h), NLRS_WIRE_BAD_OPTION);
}

Test(tcp, emit_rejects_flags_outside_the_control_bits)
{
	struct nlrs_tcp_hdr h = { .flags = 0x200 | NLRS_TCP_ACK };
	uint8_t buf[20];

	cr_assert_eq(nlrs_tcp_emit(buf, sizeof buf, &h), NLRS_WIRE_BAD_FORMAT);
}

Test(tcp, opts_emit_reproduces_real_linux_syn_options)
{
	struct nlrs_tcp_opts o = { .has_mss = true,
				   .mss = 1460,
				   .sack_ok = true,
				   .has_ts = true,
				   .tsval = 0x79e2ca9a,
				   .has_wscale = true,
				   .wscale = 7 };
	uint8_t *out = t_guard_out(20);

	cr_assert_eq(nlrs_tcp_opts_emit(out, 20, &o), 20);
	cr_assert_arr_eq(out, ip_linux_syn + T + 20, 20);
}

Test(tcp, opts_emit_reproduces_timestamps_and_sack_blocks)
{
	struct nlrs_tcp_opts o = fixture_opts(ip_ts_sack3, sizeof ip_ts_sack3);
	uint8_t *out = t_guard_out(40);

	cr_assert_eq(nlrs_tcp_opts_emit(out, 40, &o), 40);
	cr_assert_arr_eq(out, ip_ts_sack3 + T + 20, 40);
}

Test(tcp, opts_emit_packs_sack_permitted_without_timestamps_after_nops)
{
	struct nlrs_tcp_opts o = { .has_mss = true, .mss = 536, .sack_ok = true };
	static const uint8_t want[8] = { 2, 4, 0x02, 0x18, 1, 1, 4, 2 };
	uint8_t *out = t_guard_out(8);

	cr_assert_eq(nlrs_tcp_opts_emit(out, 8, &o), 8);
	cr_assert_arr_eq(out, want, 8);
}

Test(tcp, opts_emit_with_nothing_to_write_returns_0)
{
	struct nlrs_tcp_opts o = { .has_md5 = true, .has_ao = true };

	cr_assert_eq(nlrs_tcp_opts_emit(t_guard_out(0), 0, &o), 0);
}

Test(tcp, opts_emit_then_parse_round_trips_every_combination)
{
	static const uint8_t cookie[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	static const uint8_t clens[] = { 0, 4, 5, 6, 7, 16 };
	unsigned fitted = 0, refused = 0;

	for (unsigned m = 0; m < 32; m++)
		for (uint8_t ns = 0; ns <= 4; ns++)
			for (size_t ci = 0; ci < sizeof clens; ci++) {
				struct nlrs_tcp_opts o = { 0 }, b;
				uint8_t buf[40];
				int n;

				o.has_mss = m & 1;
				o.mss = 1400;
				o.sack_ok = m & 2;
				o.has_ts = m & 4;
				o.tsval = 0xdeadbeef;
				o.tsecr = 0x01020304;
				o.has_wscale = m & 8;
				o.wscale = 14;
				o.has_fastopen = m & 16;
				o.fastopen_len = o.has_fastopen ? clens[ci] : 0;
				o.fastopen = o.fastopen_len ? cookie : NULL;
				o.nsack = ns;
				for (unsigned i = 0; i < ns; i++) {
					o.sack[i].left = 0xfffffff0u + 100 * i;
					o.sack[i].right = 0xfffffff0u + 100 * i + 50;
				}
				n = nlrs_tcp_opts_emit(buf, sizeof buf, &o);
				if (n == NLRS_WIRE_BAD_FORMAT) {
					refused++;
					continue;
				}
				fitted++;
				cr_assert(n >= 0 && n % 4 == 0 && n <= 40, "m %u ns %u: %d", m, ns,
					  n);
				cr_assert_eq(opts_guarded(buf, (size_t)n, &b), 0, "m %u ns %u", m,
					     ns);
				cr_assert_eq(b.has_mss, o.has_mss);
				cr_assert_eq(b.sack_ok, o.sack_ok);
				cr_assert_eq(b.has_ts, o.has_ts);
				cr_assert_eq(b.has_wscale, o.has_wscale);
				cr_assert_eq(b.has_fastopen, o.has_fastopen);
				cr_assert_eq(b.fastopen_len, o.fastopen_len);
				cr_assert_eq(b.nsack, ns);
				if (o.has_mss)
					cr_assert_eq(b.mss, 1400);
				if (o.has_ts)
					cr_assert(b.tsval == o.tsval && b.tsecr == o.tsecr);
				if (o.has_wscale)
					cr_assert_eq(b.wscale, 14);
				if (o.fastopen_len)
					cr_assert_arr_eq(b.fastopen, cookie, o.fastopen_len);
				for (unsigned i = 0; i < ns; i++)
					cr_assert(b.sack[i].left == o.sack[i].left &&
						  b.sack[i].right == o.sack[i].right);
			}
	cr_assert_gt(fitted, 0);
	cr_assert_gt(refused, 0);
}

Test(tcp, opts_emit_rejects_more_than_40_bytes)
{
	/* MSS 4 + TS 12 + WS 4 + SACK 3 blocks 28 = 48 */
	struct nlrs_tcp_opts o = { .has_mss = true, .has_ts = true, .has_wscale = true, .nsack = 3 };
	uint8_t buf[64];

	cr_assert_eq(nlrs_tcp_opts_emit(buf, sizeof buf, &o), NLRS_WIRE_BAD_FORMAT);
	o.has_mss = o.has_wscale = false; /* TS 12 + SACK 28 = 40 fits */
	cr_assert_eq(nlrs_tcp_opts_emit(buf, sizeof buf, &o), 40);
}

Test(tcp, opts_emit_rejects_values_it_cannot_write)
{
	static const uint8_t cookie[20] = { 0 };
	struct nlrs_tcp_opts o = { .has_wscale = true, .wscale = 15 };
	uint8_t buf[40];

	cr_assert_eq(nlrs_tcp_opts_emit(buf, sizeof buf, &o), NLRS_WIRE_BAD_FORMAT);
	o = (struct nlrs_tcp_opts){ .nsack = 5 };
	cr_assert_eq(nlrs_tcp_opts_emit(buf, sizeof buf, &o), NLRS_WIRE_BAD_FORMAT);
	for (uint8_t c = 1; c <= 20; c++) {
		if (c >= 4 && c <= 16)
			continue;
		o = (struct nlrs_tcp_opts){ .has_fastopen = true,
					    .fastopen_len = c,
					    .fastopen = cookie };
		cr_assert_eq(nlrs_tcp_opts_emit(buf, sizeof buf, &o), NLRS_WIRE_BAD_FORMAT,
			     "cookie %u", c);
	}
	o = (struct nlrs_tcp_opts){ .has_fastopen = true, .fastopen_len = 8 };
	cr_assert_eq(nlrs_tcp_opts_emit(buf, sizeof buf, &o), NLRS_WIRE_BAD_FORMAT);
}

Test(tcp, opts_emit_into_too_small_buffer_returns_nospace_and_writes_nothing)
{
	struct nlrs_tcp_opts o = { .has_mss = true,
				   .mss = 1460,
				   .sack_ok = true,
				   .has_ts = true,
				   .has_wscale = true,
				   .wscale = 7 };

	for (size_t n = 0; n < 20; n++) {
		uint8_t *out = t_guard_out(n);

		cr_assert_eq(nlrs_tcp_opts_emit(out, n, &o), NLRS_WIRE_NOSPACE, "len %zu", n);
		for (size_t i = 0; i < n; i++)
			cr_assert_eq(out[i], 0, "len %zu byte %zu", n, i);
	}
}

Test(tcp, seq_comparisons_hold_across_wraparound)
{
	cr_assert(nlrs_seq_lt(0xfffffff0u, 0x10));
	cr_assert(!nlrs_seq_lt(0x10, 0xfffffff0u));
	cr_assert(nlrs_seq_gt(0x10, 0xfffffff0u));
	cr_assert(nlrs_seq_leq(0xffffffffu, 0));
	cr_assert(nlrs_seq_geq(0, 0xffffffffu));
	cr_assert(nlrs_seq_lt(0x7fffffffu, 0x80000000u));
	cr_assert(nlrs_seq_lt(0, 0x7fffffffu));
	cr_assert(!nlrs_seq_lt(0x7fffffffu, 0));
}

Test(tcp, seq_equal_numbers_are_leq_and_geq_but_not_lt_or_gt)
{
	static const uint32_t v[] = { 0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu };

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		cr_assert(!nlrs_seq_lt(v[i], v[i]) && !nlrs_seq_gt(v[i], v[i]));
		cr_assert(nlrs_seq_leq(v[i], v[i]) && nlrs_seq_geq(v[i], v[i]));
	}
}

Test(tcp, seq_numbers_half_the_space_apart_have_no_order)
{
	/* RFC 1982 3.2 leaves it undefined; like Linux's before(), both say lt */
	cr_assert(nlrs_seq_lt(0, 0x80000000u));
	cr_assert(nlrs_seq_lt(0x80000000u, 0));
}

Test(tcp, seq_between_includes_both_ends_across_wraparound)
{
	cr_assert(nlrs_seq_between(0xfffffff0u, 0xfffffff0u, 0x10));
	cr_assert(nlrs_seq_between(0, 0xfffffff0u, 0x10));
	cr_assert(nlrs_seq_between(0x10, 0xfffffff0u, 0x10));
	cr_assert(!nlrs_seq_between(0x11, 0xfffffff0u, 0x10));
	cr_assert(!nlrs_seq_between(0xffffffefu, 0xfffffff0u, 0x10));
	cr_assert(nlrs_seq_between(5, 5, 5));
	cr_assert(!nlrs_seq_between(6, 5, 5));
	/* a window of 2^31 and more still works */
	cr_assert(nlrs_seq_between(0xc0000000u, 0, 0xfffffff0u));
}

Test(tcp, flags_str_spells_flags_like_tcpdump)
{
	char b[NLRS_TCP_FLAGS_STRLEN];

	cr_assert_str_eq(nlrs_tcp_flags_str(NLRS_TCP_SYN, b), "S");
	cr_assert_str_eq(nlrs_tcp_flags_str(NLRS_TCP_SYN | NLRS_TCP_ACK, b), "S.");
	cr_assert_str_eq(nlrs_tcp_flags_str(NLRS_TCP_FIN | NLRS_TCP_PSH | NLRS_TCP_ACK, b), "FP.");
	cr_assert_str_eq(nlrs_tcp_flags_str(NLRS_TCP_SYN | NLRS_TCP_ECE | NLRS_TCP_CWR, b), "SEW");
	cr_assert_str_eq(nlrs_tcp_flags_str(0, b), "none");
	cr_assert_str_eq(nlrs_tcp_flags_str(NLRS_TCP_FLAGS_MASK, b), "FSRP.UEWe");
}
