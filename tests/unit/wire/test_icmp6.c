/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ICMPv6 header view, Neighbor Discovery message views and options
 * (RFC 4443, RFC 4861, RFC 4191). Real datagrams from tcpdump's test
 * captures (../shared/peers/tcpdump-tests), extracted once with scapy: the
 * IPv6 header onwards, trimmed to 40 + payload length.
 */
#include <criterion/criterion.h>

#include "wire/icmp6.h"
#include "wire/ipv6.h"
#include "wire_test.h"

/* dcb_ets.pcap frame 8: fe80::a00:27ff:fe46:e884 > ff02::2, router solicitation with SLLA 08:00:27:46:e8:84 */
static const uint8_t v6_rs[56] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x0a, 0x00, 0x27, 0xff, 0xfe, 0x46, 0xe8, 0x84, 0xff, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x85, 0x00,
	0x4b, 0x98, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x00, 0x27, 0x46, 0xe8, 0x84
};

/* ipv6-bad-version.pcap frame 1 (version nibble zeroed by the capture's author; restored to 6 here): neighbor advertisement with TLLA 24:84:3f:eb:3c:ee */
static const uint8_t v6_na[72] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x0c, 0x29, 0xff, 0xfe, 0x76, 0x6c, 0x14, 0xff, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0x00,
	0xab, 0x13, 0x00, 0x00, 0x00, 0x00, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x0c, 0x29, 0xff, 0xfe, 0x76, 0x6c, 0x14, 0x02, 0x01, 0x24, 0x84, 0x3f, 0xeb,
	0x3c, 0xee
};

/* icmpv6_opt24.pcap frame 0: router advertisement with SLLA, MTU 1500, prefix fd8d:4fb3:5b2e::/64, route information fd8d:4fb3:5b2e::/48, RDNSS, DNSSL */
static const uint8_t v6_ra_rio[160] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x78, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x16, 0xcf, 0x92, 0xff, 0xfe, 0x87, 0x23, 0xd6, 0xff, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x86, 0x00,
	0x68, 0x82, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x14, 0xcf, 0x92, 0x87, 0x23, 0xd6, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x05, 0xdc, 0x03, 0x04, 0x40, 0xc0, 0x00, 0x00, 0x1c, 0x20, 0x00, 0x00, 0x07, 0x08,
	0x00, 0x00, 0x00, 0x00, 0xfd, 0x8d, 0x4f, 0xb3, 0x5b, 0x2e, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18, 0x02, 0x30, 0x00, 0x00, 0x00, 0x1c, 0x20,
	0xfd, 0x8d, 0x4f, 0xb3, 0x5b, 0x2e, 0x00, 0x00, 0x19, 0x03, 0x00, 0x00, 0x00, 0x00,
	0x07, 0x08, 0xfd, 0x8d, 0x4f, 0xb3, 0x5b, 0x2e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x1f, 0x02, 0x00, 0x00, 0x00, 0x00, 0x07, 0x08, 0x03, 0x6c,
	0x61, 0x6e, 0x00, 0x00, 0x00, 0x00
};

/* ICMPv6 messages inside the datagrams above. */
#define RA_MSG (v6_ra + 40)
#define RA_LEN 176u
#define RIO_MSG (v6_ra_rio + 40)
#define RIO_LEN 120u
#define NS_MSG (v6_ns + 40)
#define NS_LEN 24u
#define RS_MSG (v6_rs + 40)
#define RS_LEN 16u
#define NA_MSG (v6_na + 40)
#define NA_LEN 32u
#define ECHO_MSG (v6_rthdr_echo + 64)
#define ECHO_LEN 8u
#define PP_MSG (v6_pp_frag + 40)
#define PP_LEN 72u
#define MLD_MSG (v6_mld + 48)
#define MLD_LEN 28u

static int parse_guarded(const uint8_t *p, size_t len, struct nlrs_icmp6_hdr *h)
{
	return nlrs_icmp6_parse(guard_copy(p, len), len, h);
}

/* ---- header ---- */

Test(icmp6, parse_reads_real_echo_request)
{
	struct nlrs_icmp6_hdr h;

	cr_assert_eq(parse_guarded(ECHO_MSG, ECHO_LEN, &h), 8);
	cr_assert_eq(h.type, NLRS_ICMP6_ECHO_REQUEST);
	cr_assert_eq(h.code, 0);
	cr_assert_eq(h.csum, 0xd3ab);
	cr_assert_eq(h.data, 0); /* id 0, seq 0 */
	cr_assert(!nlrs_icmp6_is_error(h.type));
}

Test(icmp6, parse_reads_real_parameter_problem_pointer)
{
	struct nlrs_icmp6_hdr h;

	cr_assert_eq(parse_guarded(PP_MSG, PP_LEN, &h), 8);
	cr_assert_eq(h.type, NLRS_ICMP6_PARAMPROB);
	cr_assert_eq(h.code, 3); /* RFC 7112: incomplete header chain */
	cr_assert_eq(h.csum, 0x994c);
	cr_assert_eq(h.data, 48);
	cr_assert(nlrs_icmp6_is_error(h.type));
}

Test(icmp6, parse_reads_real_mld_report)
{
	struct nlrs_icmp6_hdr h;

	cr_assert_eq(parse_guarded(MLD_MSG, MLD_LEN, &h), 8);
	cr_assert_eq(h.type, NLRS_ICMP6_MLD2_REPORT);
	cr_assert_eq(h.data, 1); /* reserved 0, one record */
}

Test(icmp6, parse_rejects_known_types_cut_before_the_data_word)
{
	const uint8_t known[] = { 1, 2, 3, 4, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 143 };
	struct nlrs_icmp6_hdr h;
	uint8_t m[8] = { 0, 0, 0x12, 0x34, 1, 2, 3, 4 };

	for (size_t i = 0; i < sizeof known; i++) {
		m[0] = known[i];
		for (size_t n = 0; n < 8; n++)
			cr_assert_eq(parse_guarded(m, n, &h), NLRS_WIRE_SHORT, "type %u len %zu",
				     known[i], n);
		cr_assert_eq(parse_guarded(m, 8, &h), 8, "type %u", known[i]);
		cr_assert_eq(h.data, 0x01020304);
	}
}

Test(icmp6, parse_accepts_unknown_type_with_only_4_bytes)
{
	struct nlrs_icmp6_hdr h;
	const uint8_t m[8] = { 200, 7, 0xab, 0xcd, 9, 9, 9, 9 };

	for (size_t n = 0; n < 4; n++)
		cr_assert_eq(parse_guarded(m, n, &h), NLRS_WIRE_SHORT, "len %zu", n);
	for (size_t n = 4; n < 8; n++) {
		cr_assert_eq(parse_guarded(m, n, &h), 4, "len %zu", n);
		cr_assert_eq(h.type, 200);
		cr_assert_eq(h.code, 7);
		cr_assert_eq(h.csum, 0xabcd);
		cr_assert_eq(h.data, 0);
	}
	cr_assert_eq(parse_guarded(m, 8, &h), 8);
	cr_assert_eq(h.data, 0x09090909);
}

Test(icmp6, emit_reproduces_real_headers)
{
	const uint8_t *msgs[] = { ECHO_MSG, PP_MSG, RA_MSG, NS_MSG, RS_MSG, NA_MSG, MLD_MSG };
	const size_t lens[] = { ECHO_LEN, PP_LEN, RA_LEN, NS_LEN, RS_LEN, NA_LEN, MLD_LEN };

	for (size_t i = 0; i < 7; i++) {
		struct nlrs_icmp6_hdr h;
		uint8_t *out;

		cr_assert_eq(parse_guarded(msgs[i], lens[i], &h), 8, "msg %zu", i);
		out = t_guard_out(8);
		cr_assert_eq(nlrs_icmp6_emit(out, 8, &h), 8);
		cr_assert_arr_eq(out, msgs[i], 8, "msg %zu", i);
	}
}

Test(icmp6, emit_then_parse_round_trips_and_checksum_verifies)
{
	/* echo reply to the real request, from its final destination */
	static const uint8_t a[16] = { 0x22, 0, 0, 0, 0, 0, 0x02, 0x40, 0, 0x02, 0, 0, 0, 0, 0, 0x04 };
	static const uint8_t b[16] = { 0x22, 0, 0, 0, 0, 0, 0x02, 0x44,
				       0x02, 0x12, 0x3f, 0xff, 0xfe, 0xae, 0x22, 0xf7 };
	struct nlrs_icmp6_hdr h = { .type = NLRS_ICMP6_ECHO_REPLY, .data = 0x12340007 };
	struct nlrs_icmp6_hdr back;
	uint8_t m[12] = { [8] = 'p', 'i', 'n', 'g' };

	cr_assert_eq(nlrs_icmp6_emit(m, sizeof m, &h), 8);
	h.csum = nlrs_csum_fold(nlrs_csum_add(nlrs_csum_pseudo6(a, b, 58, sizeof m), m, sizeof m));
	cr_assert_eq(nlrs_icmp6_emit(m, sizeof m, &h), 8);
	cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(nlrs_csum_pseudo6(a, b, 58, sizeof m),
						  guard_copy(m, sizeof m), sizeof m)),
		     0);
	cr_assert_eq(parse_guarded(m, sizeof m, &back), 8);
	cr_assert_eq(back.type, NLRS_ICMP6_ECHO_REPLY);
	cr_assert_eq(back.csum, h.csum);
	cr_assert_eq(back.data, 0x12340007);
}

Test(icmp6, emit_into_too_small_buffer_returns_nospace)
{
	struct nlrs_icmp6_hdr h = { .type = NLRS_ICMP6_ECHO_REQUEST };

	for (size_t n = 0; n < 8; n++)
		cr_assert_eq(nlrs_icmp6_emit(t_guard_out(n), n, &h), NLRS_WIRE_NOSPACE, "len %zu",
			     n);
	cr_assert_eq(nlrs_icmp6_emit(t_guard_out(8), 8, &h), 8);
}

Test(icmp6, is_error_is_type_below_128)
{
	for (unsigned t = 0; t < 256; t++)
		cr_assert_eq(nlrs_icmp6_is_error((uint8_t)t), t < 128, "type %u", t);
}

/* ---- ND messages ---- */

Test(icmp6, ra_parse_reads_real_router_advertisement)
{
	struct nlrs_nd_ra m;
	const uint8_t *g = guard_copy(RA_MSG, RA_LEN);

	cr_assert_eq(nlrs_nd_ra_parse(g, RA_LEN, &m), 16);
	cr_assert_eq(m.cur_hlim, 64);
	cr_assert_eq(m.flags, 0x20); /* H (RFC 6275), neither M nor O */
	cr_assert(!m.managed);
	cr_assert(!m.other);
	cr_assert_eq(m.lifetime, 15);
	cr_assert_eq(m.reachable, 0);
	cr_assert_eq(m.retrans, 0);
	cr_assert_eq(m.opts.p, g + 16);
	cr_assert_eq(m.opts.len, 160);
}

Test(icmp6, ra_parse_reads_managed_and_other_flags)
{
	struct nlrs_nd_ra m;

	cr_assert_eq(nlrs_nd_ra_parse(guard_copy(RIO_MSG, RIO_LEN), RIO_LEN, &m), 16);
	cr_assert_eq(m.flags, 0xc0);
	cr_assert(m.managed);
	cr_assert(m.other);
	cr_assert_eq(m.cur_hlim, 0);
	cr_assert_eq(m.lifetime, 0);
	cr_assert_eq(m.opts.len, 104);
}

Test(icmp6, rs_parse_reads_real_solicitation_with_slla)
{
	struct nlrs_nd_rs m;
	const uint8_t *g = guard_copy(RS_MSG, RS_LEN);

	cr_assert_eq(nlrs_nd_rs_parse(g, RS_LEN, &m), 8);
	cr_assert_eq(m.opts.p, g + 8);
	cr_assert_eq(m.opts.len, 8);
}

Test(icmp6, ns_parse_reads_real_dad_probe_without_options)
{
	struct nlrs_nd_ns m;

	cr_assert_eq(nlrs_nd_ns_parse(guard_copy(NS_MSG, NS_LEN), NS_LEN, &m), 24);
	cr_assert_arr_eq(m.target, NS_MSG + 8, 16);
	cr_assert_eq(m.target[0], 0xfe);
	cr_assert_null(m.opts.p);
	cr_assert_eq(m.opts.len, 0);
}

Test(icmp6, na_parse_reads_real_advertisement_and_flags)
{
	struct nlrs_nd_na m;
	uint8_t na[32];

	cr_assert_eq(nlrs_nd_na_parse(guard_copy(NA_MSG, NA_LEN), NA_LEN, &m), 24);
	cr_assert(!m.router && !m.solicited && !m.override);
	cr_assert_arr_eq(m.target, NA_MSG + 8, 16);
	cr_assert_eq(m.opts.len, 8);
	memcpy(na, NA_MSG, sizeof na);
	na[4] = 0xe0;
	cr_assert_eq(nlrs_nd_na_parse(guard_copy(na, 32), 32, &m), 24);
	cr_assert(m.router && m.solicited && m.override);
	na[4] = 0x40;
	cr_assert_eq(nlrs_nd_na_parse(guard_copy(na, 32), 32, &m), 24);
	cr_assert(!m.router && m.solicited && !m.override);
}

/* A redirect (no real capture at hand): target fe80::1, destination
 * 2001:db8::5, TLLA 02:00:00:00:00:01. */
static const uint8_t redirect[48] = {
	137, 0, 0, 0, 0, 0, 0, 0,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5,
	2, 1, 2, 0, 0, 0, 0, 1,
};

Test(icmp6, redirect_parse_reads_target_and_destination)
{
	struct nlrs_nd_redirect m;
	const uint8_t *g = guard_copy(redirect, sizeof redirect);

	cr_assert_eq(nlrs_nd_redirect_parse(g, sizeof redirect, &m), 40);
	cr_assert_arr_eq(m.target, redirect + 8, 16);
	cr_assert_arr_eq(m.dst, redirect + 24, 16);
	cr_assert_eq(m.opts.p, g + 40);
	cr_assert_eq(m.opts.len, 8);
}

Test(icmp6, nd_parse_rejects_every_truncation_of_the_fixed_part)
{
	struct nlrs_nd_rs rs;
	struct nlrs_nd_ra ra;
	struct nlrs_nd_ns ns;
	struct nlrs_nd_na na;
	struct nlrs_nd_redirect rd;

	for (size_t n = 0; n < 40; n++) {
		if (n < 8)
			cr_assert_eq(nlrs_nd_rs_parse(guard_copy(RS_MSG, n), n, &rs),
				     NLRS_WIRE_SHORT);
		if (n < 16)
			cr_assert_eq(nlrs_nd_ra_parse(guard_copy(RA_MSG, n), n, &ra),
				     NLRS_WIRE_SHORT);
		if (n < 24) {
			cr_assert_eq(nlrs_nd_ns_parse(guard_copy(NS_MSG, n), n, &ns),
				     NLRS_WIRE_SHORT);
			cr_assert_eq(nlrs_nd_na_parse(guard_copy(NA_MSG, n), n, &na),
				     NLRS_WIRE_SHORT);
		}
		cr_assert_eq(nlrs_nd_redirect_parse(guard_copy(redirect, n), n, &rd),
			     NLRS_WIRE_SHORT, "len %zu", n);
	}
}

Test(icmp6, nd_parse_rejects_cut_options_after_a_whole_fixed_part)
{
	struct nlrs_nd_ra ra;
	struct nlrs_nd_rs rs;

	/* RA: every length that cuts one of its seven options */
	for (size_t n = 17; n < RA_LEN; n++) {
		static const size_t ends[] = { 48, 88, 144, 152, 160, 168 };
		int whole = 0;

		for (size_t i = 0; i < 6; i++)
			whole |= n == ends[i];
		cr_assert_eq(nlrs_nd_ra_parse(guard_copy(RA_MSG, n), n, &ra),
			     whole ? 16 : NLRS_WIRE_BAD_OPTION, "len %zu", n);
	}
	for (size_t n = 9; n < RS_LEN; n++)
		cr_assert_eq(nlrs_nd_rs_parse(guard_copy(RS_MSG, n), n, &rs), NLRS_WIRE_BAD_OPTION);
}

Test(icmp6, nd_parse_rejects_wrong_type_and_nonzero_code)
{
	struct nlrs_nd_ns ns;
	struct nlrs_nd_na na;
	uint8_t m[24];

	memcpy(m, NS_MSG, sizeof m);
	cr_assert_eq(nlrs_nd_na_parse(guard_copy(m, 24), 24, &na), NLRS_WIRE_BAD_FORMAT);
	m[1] = 1; /* RFC 4861 7.1.1: ICMP Code is 0 */
	cr_assert_eq(nlrs_nd_ns_parse(guard_copy(m, 24), 24, &ns), NLRS_WIRE_BAD_FORMAT);
}

Test(icmp6, nd_parse_rejects_zero_length_option)
{
	struct nlrs_nd_rs rs;
	uint8_t m[16];

	memcpy(m, RS_MSG, sizeof m);
	m[9] = 0;
	cr_assert_eq(nlrs_nd_rs_parse(guard_copy(m, 16), 16, &rs), NLRS_WIRE_BAD_OPTION);
}

/* ---- ND options ---- */

struct seen {
	int n;
	uint8_t type[16];
	size_t len[16];
	int stop_at;
};
static int record(void *ctx, uint8_t type, const uint8_t *opt, size_t optlen)
{
	struct seen *s = ctx;
	volatile uint8_t x = 0;

	for (size_t i = 0; i < optlen; i++)
		x ^= opt[i]; /* the guard page catches over-reads */
	(void)x;
	cr_assert_eq(opt[0], type);
	cr_assert_eq((size_t)opt[1] * 8, optlen);
	if (s->n < 16) {
		s->type[s->n] = type;
		s->len[s->n] = optlen;
	}
	s->n++;
	return s->n == s->stop_at ? 77 : 0;
}

static int opts_guarded(const uint8_t *p, size_t len, struct seen *s)
{
	return nlrs_nd_opts_walk(guard_copy(p, len), len, record, s);
}

Test(icmp6, nd_opts_walk_reports_every_real_router_advertisement_option)
{
	static const uint8_t types[7] = { 3, 25, 31, 5, 1, 7, 8 };
	static const size_t lens[7] = { 32, 40, 56, 8, 8, 8, 8 };
	struct seen s = { 0 };

	cr_assert_eq(opts_guarded(RA_MSG + 16, RA_LEN - 16, &s), 0);
	cr_assert_eq(s.n, 7);
	for (int i = 0; i < 7; i++) {
		cr_assert_eq(s.type[i], types[i], "opt %d", i);
		cr_assert_eq(s.len[i], lens[i], "opt %d", i);
	}
	cr_assert_eq(nlrs_nd_opts_walk(guard_copy(RA_MSG + 16, 160), 160, NULL, NULL), 0);
	cr_assert_eq(nlrs_nd_opts_walk(guard_copy(RA_MSG, 0), 0, record, &s), 0);
}

Test(icmp6, nd_opts_walk_rejects_length_zero_without_looping)
{
	/* a good SLLA, then an option of length 0 */
	static const uint8_t o[24] = { 1, 1, 2, 0, 0, 0, 0, 1, 14, 0 };
	struct seen s = { 0 };

	cr_assert_eq(opts_guarded(o, sizeof o, &s), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(s.n, 1);
	memset(&s, 0, sizeof s);
	cr_assert_eq(opts_guarded(o + 8, 16, &s), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(s.n, 0);
}

Test(icmp6, nd_opts_walk_rejects_option_running_past_the_end)
{
	struct seen s = { 0 };
	uint8_t o[16];

	/* the real SLLA claiming 2 units in 8 bytes, and 3 in 16 */
	memcpy(o, RS_MSG + 8, 8);
	o[1] = 2;
	cr_assert_eq(opts_guarded(o, 8, &s), NLRS_WIRE_BAD_OPTION);
	memcpy(o + 8, RS_MSG + 8, 8);
	o[1] = 1;
	o[9] = 255;
	cr_assert_eq(opts_guarded(o, 16, &s), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(s.n, 1);
}

Test(icmp6, nd_opts_walk_rejects_trailing_bytes_shorter_than_an_option)
{
	struct seen s = { 0 };

	for (size_t n = 1; n < 8; n++) {
		memset(&s, 0, sizeof s);
		cr_assert_eq(opts_guarded(RS_MSG + 8, n, &s), NLRS_WIRE_BAD_OPTION, "len %zu", n);
		cr_assert_eq(s.n, 0);
	}
}

Test(icmp6, nd_opts_walk_stops_with_the_callback_value)
{
	struct seen s = { .stop_at = 3 };

	cr_assert_eq(opts_guarded(RA_MSG + 16, 160, &s), 77);
	cr_assert_eq(s.n, 3);
}

/* Find the first option of `type` in the real RA `msg` (16-byte fixed part). */
struct find {
	uint8_t type;
	const uint8_t *opt;
	size_t len;
};
static int find_cb(void *ctx, uint8_t type, const uint8_t *opt, size_t optlen)
{
	struct find *f = ctx;

	if (type != f->type)
		return 0;
	f->opt = opt;
	f->len = optlen;
	return 1;
}
static struct find find_opt(const uint8_t *msg, size_t len, uint8_t type)
{
	struct find f = { .type = type };
	const uint8_t *g = guard_copy(msg, len);

	cr_assert_eq(nlrs_nd_opts_walk(g + 16, len - 16, find_cb, &f), 1, "type %u", type);
	return f;
}

Test(icmp6, opt_lladdr_reads_real_source_and_target_addresses)
{
	static const uint8_t slla[6] = { 0xb0, 0x99, 0x28, 0xc8, 0xd6, 0x6c };
	static const uint8_t tlla[6] = { 0x24, 0x84, 0x3f, 0xeb, 0x3c, 0xee };
	struct find f = find_opt(RA_MSG, RA_LEN, NLRS_ND_OPT_SLLA);
	uint8_t mac[6];

	cr_assert_eq(nlrs_nd_opt_lladdr(f.opt, f.len, mac), 0);
	cr_assert_arr_eq(mac, slla, 6);
	cr_assert_eq(nlrs_nd_opt_lladdr(guard_copy(NA_MSG + 24, 8), 8, mac), 0);
	cr_assert_arr_eq(mac, tlla, 6);
}

Test(icmp6, opt_lladdr_rejects_other_lengths_and_types)
{
	uint8_t o[16] = { 1, 2, 1, 2, 3, 4, 5, 6 };
	uint8_t mac[6];

	cr_assert_eq(nlrs_nd_opt_lladdr(guard_copy(o, 16), 16, mac), NLRS_WIRE_BAD_OPTION);
	o[1] = 1;
	cr_assert_eq(nlrs_nd_opt_lladdr(guard_copy(o, 16), 16, mac), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(nlrs_nd_opt_lladdr(guard_copy(o, 1), 1, mac), NLRS_WIRE_BAD_OPTION);
	o[0] = NLRS_ND_OPT_MTU;
	cr_assert_eq(nlrs_nd_opt_lladdr(guard_copy(o, 8), 8, mac), NLRS_WIRE_BAD_FORMAT);
}

Test(icmp6, opt_prefix_reads_real_prefix_information)
{
	static const uint8_t want[16] = { 0x22, 0x22, 0x33, 0x33, 0x44, 0x44, 0x55, 0x55, 0x66 };
	static const uint8_t want2[16] = { 0xfd, 0x8d, 0x4f, 0xb3, 0x5b, 0x2e };
	struct find f = find_opt(RA_MSG, RA_LEN, NLRS_ND_OPT_PREFIX);
	struct nlrs_nd_prefix pi;

	cr_assert_eq(nlrs_nd_opt_prefix(f.opt, f.len, &pi), 0);
	cr_assert_eq(pi.plen, 72);
	cr_assert(pi.onlink);
	cr_assert(pi.autonomous);
	cr_assert_eq(pi.valid, 2592000);
	cr_assert_eq(pi.preferred, 604800);
	cr_assert_arr_eq(pi.prefix, want, 16);
	f = find_opt(RIO_MSG, RIO_LEN, NLRS_ND_OPT_PREFIX);
	cr_assert_eq(nlrs_nd_opt_prefix(f.opt, f.len, &pi), 0);
	cr_assert_eq(pi.plen, 64);
	cr_assert_eq(pi.valid, 7200);
	cr_assert_eq(pi.preferred, 1800);
	cr_assert_arr_eq(pi.prefix, want2, 16);
}

Test(icmp6, opt_prefix_rejects_bad_length_and_prefix_length)
{
	uint8_t o[40];
	struct nlrs_nd_prefix pi;
	struct find f = find_opt(RA_MSG, RA_LEN, NLRS_ND_OPT_PREFIX);

	memcpy(o, f.opt, 32);
	o[1] = 3;
	cr_assert_eq(nlrs_nd_opt_prefix(guard_copy(o, 24), 24, &pi), NLRS_WIRE_BAD_OPTION);
	o[1] = 5;
	cr_assert_eq(nlrs_nd_opt_prefix(guard_copy(o, 40), 40, &pi), NLRS_WIRE_BAD_OPTION);
	o[1] = 4;
	cr_assert_eq(nlrs_nd_opt_prefix(guard_copy(o, 24), 24, &pi), NLRS_WIRE_BAD_OPTION);
	o[2] = 129;
	cr_assert_eq(nlrs_nd_opt_prefix(guard_copy(o, 32), 32, &pi), NLRS_WIRE_BAD_FORMAT);
	o[2] = 128;
	cr_assert_eq(nlrs_nd_opt_prefix(guard_copy(o, 32), 32, &pi), 0);
}

Test(icmp6, opt_prefix_ignores_bits_past_the_prefix_length)
{
	uint8_t o[32];
	struct nlrs_nd_prefix pi;
	struct find f = find_opt(RA_MSG, RA_LEN, NLRS_ND_OPT_PREFIX);

	memcpy(o, f.opt, 32);
	memset(o + 16, 0xff, 16);
	o[2] = 61;
	cr_assert_eq(nlrs_nd_opt_prefix(guard_copy(o, 32), 32, &pi), 0);
	cr_assert_eq(pi.prefix[6], 0xff);
	cr_assert_eq(pi.prefix[7], 0xf8);
	cr_assert_eq(pi.prefix[8], 0);
	cr_assert_eq(pi.prefix[15], 0);
}

Test(icmp6, opt_mtu_reads_real_values_and_rejects_other_lengths)
{
	struct find f = find_opt(RIO_MSG, RIO_LEN, NLRS_ND_OPT_MTU);
	uint32_t mtu;
	uint8_t o[16];

	cr_assert_eq(nlrs_nd_opt_mtu(f.opt, f.len, &mtu), 0);
	cr_assert_eq(mtu, 1500);
	f = find_opt(RA_MSG, RA_LEN, NLRS_ND_OPT_MTU);
	cr_assert_eq(nlrs_nd_opt_mtu(f.opt, f.len, &mtu), 0);
	cr_assert_eq(mtu, 100);
	memcpy(o, f.opt, 8);
	memset(o + 8, 0, 8);
	o[1] = 2;
	cr_assert_eq(nlrs_nd_opt_mtu(guard_copy(o, 16), 16, &mtu), NLRS_WIRE_BAD_OPTION);
	o[1] = 1;
	cr_assert_eq(nlrs_nd_opt_mtu(guard_copy(o, 16), 16, &mtu), NLRS_WIRE_BAD_OPTION);
	o[0] = NLRS_ND_OPT_SLLA;
	cr_assert_eq(nlrs_nd_opt_mtu(guard_copy(o, 8), 8, &mtu), NLRS_WIRE_BAD_FORMAT);
}

Test(icmp6, opt_route_info_reads_real_option)
{
	static const uint8_t want[16] = { 0xfd, 0x8d, 0x4f, 0xb3, 0x5b, 0x2e };
	struct find f = find_opt(RIO_MSG, RIO_LEN, NLRS_ND_OPT_ROUTE_INFO);
	struct nlrs_nd_route_info ri;

	cr_assert_eq(f.len, 16);
	cr_assert_eq(nlrs_nd_opt_route_info(f.opt, f.len, &ri), 0);
	cr_assert_eq(ri.plen, 48);
	cr_assert_eq(ri.prf, 0);
	cr_assert_eq(ri.lifetime, 7200);
	cr_assert_arr_eq(ri.prefix, want, 16);
}

/* A route information option of `units` 8-octet units, prefix length plen,
 * prefix bytes all 0xff, preference bits `prf`. */
static int rio(uint8_t units, uint8_t plen, uint8_t prf, struct nlrs_nd_route_info *ri)
{
	uint8_t o[24];

	memset(o, 0xff, sizeof o);
	o[0] = NLRS_ND_OPT_ROUTE_INFO;
	o[1] = units;
	o[2] = plen;
	o[3] = (uint8_t)(prf << 3);
	nlrs_wr32(o + 4, 600);
	return nlrs_nd_opt_route_info(guard_copy(o, (size_t)units * 8), (size_t)units * 8, ri);
}

Test(icmp6, opt_route_info_checks_length_against_prefix_length)
{
	struct nlrs_nd_route_info ri;

	cr_assert_eq(rio(1, 0, 1, &ri), 0);
	cr_assert_eq(ri.prf, 1);
	cr_assert_eq(ri.lifetime, 600);
	for (int i = 0; i < 16; i++)
		cr_assert_eq(ri.prefix[i], 0);
	cr_assert_eq(rio(1, 1, 0, &ri), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(rio(2, 64, 3, &ri), 0);
	cr_assert_eq(ri.prf, 3);
	cr_assert_eq(ri.prefix[7], 0xff);
	cr_assert_eq(ri.prefix[8], 0);
	cr_assert_eq(rio(2, 65, 0, &ri), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(rio(3, 128, 0, &ri), 0);
	cr_assert_eq(ri.prefix[15], 0xff);
	cr_assert_eq(rio(3, 0, 0, &ri), 0);
	cr_assert_eq(rio(3, 129, 0, &ri), NLRS_WIRE_BAD_FORMAT);
	cr_assert_eq(rio(2, 33, 0, &ri), 0);
	cr_assert_eq(ri.prefix[4], 0x80);
}

Test(icmp6, opt_route_info_rejects_length_0_and_above_3)
{
	uint8_t o[32] = { NLRS_ND_OPT_ROUTE_INFO, 0 };
	struct nlrs_nd_route_info ri;

	cr_assert_eq(nlrs_nd_opt_route_info(guard_copy(o, 8), 8, &ri), NLRS_WIRE_BAD_OPTION);
	o[1] = 4;
	cr_assert_eq(nlrs_nd_opt_route_info(guard_copy(o, 32), 32, &ri), NLRS_WIRE_BAD_OPTION);
	o[1] = 2; /* disagrees with the 8 bytes handed over */
	cr_assert_eq(nlrs_nd_opt_route_info(guard_copy(o, 8), 8, &ri), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(nlrs_nd_opt_route_info(guard_copy(o, 1), 1, &ri), NLRS_WIRE_BAD_OPTION);
}

Test(icmp6, checksum_of_real_neighbor_discovery_verifies)
{
	const uint8_t *pkts[] = { v6_ra, v6_ra_rio, v6_ns, v6_rs, v6_na };
	const size_t lens[] = { sizeof v6_ra, sizeof v6_ra_rio, sizeof v6_ns, sizeof v6_rs,
				sizeof v6_na };

	for (size_t i = 0; i < 5; i++) {
		const uint8_t *g = guard_copy(pkts[i], lens[i]);
		struct nlrs_ipv6_hdr h;

		cr_assert_eq(nlrs_ipv6_parse(g, lens[i], &h), 40);
		cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(nlrs_csum_pseudo6(h.src, h.dst, 58, h.plen),
							  g + 40, h.plen)),
			     0, "pkt %zu", i);
	}
}
