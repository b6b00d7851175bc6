/* SPDX-License-Identifier: BSD-2-Clause */
/* ICMP for IPv4 header view and error quotes (RFC 792). */
#include <criterion/criterion.h>

#include "wire/icmp4.h"
#include "wire_test.h"

/* In the captured frames: Ethernet 14 + IPv4 20. */
#define ICMP_OFF 34
#define PING_ICMP_LEN 28    /* echo request: 8 header + 20 data */
#define UNREACH_ICMP_LEN 56 /* host unreachable: 8 header + 48 quote */

static int parse_guarded(const uint8_t *p, size_t len, struct nlrs_icmp4_hdr *h)
{
	return nlrs_icmp4_parse(guard_copy(p, len), len, h);
}

static int quote_guarded(const uint8_t *body, size_t len, struct nlrs_ipv4_hdr *in,
			 const uint8_t **l4, size_t *l4len)
{
	return nlrs_icmp4_quote(guard_copy(body, len), len, in, l4, l4len);
}

Test(icmp4, parse_reads_real_echo_request_and_checksum_verifies)
{
	struct nlrs_icmp4_hdr h;
	const uint8_t *m = frame_ping + ICMP_OFF;

	cr_assert_eq(parse_guarded(m, PING_ICMP_LEN, &h), 8);
	cr_assert_eq(h.type, NLRS_ICMP_ECHO);
	cr_assert_eq(h.code, 0);
	cr_assert_eq(h.csum, 0xb7db);
	cr_assert_eq(h.un.echo.id, 0x4024);
	cr_assert_eq(h.un.echo.seq, 0);
	cr_assert(!nlrs_icmp4_is_error(h.type));
	/* the caller's check: over the whole message */
	cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(0, guard_copy(m, PING_ICMP_LEN), PING_ICMP_LEN)),
		     0);
}

Test(icmp4, corrupted_echo_request_fails_checksum)
{
	uint8_t m[PING_ICMP_LEN];

	memcpy(m, frame_ping + ICMP_OFF, sizeof m);
	m[PING_ICMP_LEN - 1] ^= 0x01; /* last data byte */
	cr_assert_neq(nlrs_csum_fold(nlrs_csum_add(0, m, sizeof m)), 0);
}

Test(icmp4, parse_reads_real_host_unreachable)
{
	struct nlrs_icmp4_hdr h;
	const uint8_t *m = frame_host_unreach + ICMP_OFF;

	cr_assert_eq(parse_guarded(m, UNREACH_ICMP_LEN, &h), 8);
	cr_assert_eq(h.type, NLRS_ICMP_DEST_UNREACH);
	cr_assert_eq(h.code, NLRS_ICMP_HOST_UNREACH);
	cr_assert_eq(h.un.frag.unused, 0);
	cr_assert_eq(h.un.frag.mtu, 0);
	cr_assert(nlrs_icmp4_is_error(h.type));
	cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(0, m, UNREACH_ICMP_LEN)), 0);
}

Test(icmp4, quote_of_real_host_unreachable_points_at_quoted_echo)
{
	const uint8_t *body;
	struct nlrs_ipv4_hdr in;
	const uint8_t *l4;
	size_t l4len;
	struct nlrs_icmp4_hdr qh;

	body = guard_copy(frame_host_unreach + ICMP_OFF + 8, UNREACH_ICMP_LEN - 8);
	cr_assert_eq(nlrs_icmp4_quote(body, UNREACH_ICMP_LEN - 8, &in, &l4, &l4len), 20);
	cr_assert_eq(in.src, 0x0a280203);
	cr_assert_eq(in.dst, 0x0a1e0404);
	cr_assert_eq(in.proto, 1);
	cr_assert_eq(in.ttl, 63); /* decremented by the router, checksum stale */
	cr_assert_eq(in.id, 0x61b4);
	cr_assert_eq(l4, body + 20);
	cr_assert_eq(l4len, 28);
	cr_assert_eq(nlrs_icmp4_parse(l4, l4len, &qh), 8);
	cr_assert_eq(qh.type, NLRS_ICMP_ECHO);
	cr_assert_eq(qh.un.echo.id, 0x4024);
}

Test(icmp4, parse_rejects_every_truncation)
{
	struct nlrs_icmp4_hdr h;

	for (size_t n = 0; n < 8; n++)
		cr_assert_eq(parse_guarded(frame_ping + ICMP_OFF, n, &h), NLRS_WIRE_SHORT,
			     "len %zu", n);
}

Test(icmp4, quote_rejects_every_truncation_below_header_plus_8)
{
	const uint8_t *body = frame_host_unreach + ICMP_OFF + 8;
	struct nlrs_ipv4_hdr in;
	const uint8_t *l4;
	size_t l4len;

	/* below 20 the header is cut, from 20 to 27 the 64 data bits are */
	for (size_t n = 0; n < 28; n++)
		cr_assert_eq(quote_guarded(body, n, &in, &l4, &l4len), NLRS_WIRE_SHORT, "len %zu",
			     n);
	/* exactly RFC 792's "internet header + 64 bits" is enough */
	cr_assert_eq(quote_guarded(body, 28, &in, &l4, &l4len), 20);
	cr_assert_eq(l4len, 8);
}

/* The real quote in a writable copy. */
static uint8_t q[48];
static void load_quote(void)
{
	memcpy(q, frame_host_unreach + ICMP_OFF + 8, sizeof q);
}

Test(icmp4, quote_rejects_quoted_ihl_below_5)
{
	struct nlrs_ipv4_hdr in;
	const uint8_t *l4;
	size_t l4len;

	load_quote();
	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		q[0] = (uint8_t)(0x40 | ihl);
		cr_assert_eq(quote_guarded(q, sizeof q, &in, &l4, &l4len), NLRS_WIRE_BAD_HLEN);
	}
}

Test(icmp4, quote_rejects_quoted_ihl_past_quote)
{
	struct nlrs_ipv4_hdr in;
	const uint8_t *l4;
	size_t l4len;

	load_quote();
	q[0] = 0x4f; /* 60-byte header in a 48-byte quote */
	cr_assert_eq(quote_guarded(q, sizeof q, &in, &l4, &l4len), NLRS_WIRE_BAD_HLEN);
	q[0] = 0x4a; /* 40-byte header fits a 47-byte quote but leaves 7 data bytes */
	cr_assert_eq(quote_guarded(q, 47, &in, &l4, &l4len), NLRS_WIRE_SHORT);
}

Test(icmp4, quote_rejects_quoted_version_other_than_4)
{
	struct nlrs_ipv4_hdr in;
	const uint8_t *l4;
	size_t l4len;

	load_quote();
	q[0] = 0x65;
	cr_assert_eq(quote_guarded(q, sizeof q, &in, &l4, &l4len), NLRS_WIRE_BAD_VERSION);
}

Test(icmp4, quote_rejects_quoted_total_length_below_ihl)
{
	struct nlrs_ipv4_hdr in;
	const uint8_t *l4;
	size_t l4len;

	load_quote();
	nlrs_wr16(q + 2, 19);
	cr_assert_eq(quote_guarded(q, sizeof q, &in, &l4, &l4len), NLRS_WIRE_BAD_LEN);
}

Test(icmp4, quote_rejects_original_datagram_too_small_for_8_bytes)
{
	struct nlrs_ipv4_hdr in;
	const uint8_t *l4;
	size_t l4len;

	load_quote();
	nlrs_wr16(q + 2, 27); /* original carried 7 bytes: no ports to match */
	cr_assert_eq(quote_guarded(q, sizeof q, &in, &l4, &l4len), NLRS_WIRE_SHORT);
}

Test(icmp4, quote_stops_at_quoted_total_length)
{
	uint8_t big[64];
	struct nlrs_ipv4_hdr in;
	const uint8_t *l4;
	size_t l4len;

	load_quote();
	memcpy(big, q, sizeof q);
	memset(big + sizeof q, 0xaa, sizeof big - sizeof q); /* trailer past the datagram */
	cr_assert_eq(quote_guarded(big, sizeof big, &in, &l4, &l4len), 20);
	cr_assert_eq(l4len, 28);
}

Test(icmp4, quote_accepts_total_length_larger_than_quote)
{
	struct nlrs_ipv4_hdr in;
	const uint8_t *l4;
	size_t l4len;

	load_quote();
	nlrs_wr16(q + 2, 1500); /* original was big, the quote is cut */
	cr_assert_eq(quote_guarded(q, 28, &in, &l4, &l4len), 20);
	cr_assert_eq(l4len, 8);
	cr_assert_eq(in.tot_len, 1500);
}

Test(icmp4, quote_skips_quoted_options)
{
	uint8_t opt[52];
	struct nlrs_ipv4_hdr in;
	const uint8_t *l4;
	size_t l4len;

	load_quote();
	memcpy(opt, q, 20);
	opt[0] = 0x46;
	nlrs_wr16(opt + 2, 52);
	memcpy(opt + 20, "\x94\x04\x00\x00", 4);
	memcpy(opt + 24, q + 20, 28);
	cr_assert_eq(quote_guarded(opt, sizeof opt, &in, &l4, &l4len), 24);
	cr_assert_eq(in.optlen, 4);
	cr_assert_eq(l4len, 28);
	cr_assert_eq(l4[0], NLRS_ICMP_ECHO);
}

Test(icmp4, quote_leaves_outputs_untouched_on_error)
{
	struct nlrs_ipv4_hdr in, before;
	const uint8_t *l4 = (const uint8_t *)1;
	size_t l4len = 77;

	load_quote();
	memset(&in, 0x11, sizeof in);
	before = in;
	cr_assert_eq(quote_guarded(q, 27, &in, &l4, &l4len), NLRS_WIRE_SHORT);
	cr_assert_eq(memcmp(&in, &before, sizeof in), 0);
	cr_assert_eq(l4, (const uint8_t *)1);
	cr_assert_eq(l4len, 77);
}

Test(icmp4, emit_reproduces_real_headers)
{
	const uint8_t *ms[] = { frame_ping + ICMP_OFF, frame_host_unreach + ICMP_OFF };

	for (size_t i = 0; i < 2; i++) {
		struct nlrs_icmp4_hdr h;
		uint8_t *out;

		cr_assert_eq(parse_guarded(ms[i], 8, &h), 8);
		out = t_guard_out(8);
		cr_assert_eq(nlrs_icmp4_emit(out, 8, &h), 8);
		cr_assert_arr_eq(out, ms[i], 8);
	}
}

static struct nlrs_icmp4_hdr round_trip(const struct nlrs_icmp4_hdr *h, uint8_t wire[8])
{
	struct nlrs_icmp4_hdr b;

	cr_assert_eq(nlrs_icmp4_emit(wire, 8, h), 8);
	cr_assert_eq(parse_guarded(wire, 8, &b), 8);
	cr_assert_eq(b.type, h->type);
	cr_assert_eq(b.code, h->code);
	cr_assert_eq(b.csum, h->csum);
	return b;
}

Test(icmp4, emit_then_parse_round_trips_every_second_word_kind)
{
	struct nlrs_icmp4_hdr h = { .type = NLRS_ICMP_ECHOREPLY, .csum = 0x1234 };
	struct nlrs_icmp4_hdr b;
	uint8_t w[8];

	h.un.echo.id = 0xabcd;
	h.un.echo.seq = 7;
	b = round_trip(&h, w);
	cr_assert_eq(b.un.echo.id, 0xabcd);
	cr_assert_eq(b.un.echo.seq, 7);
	cr_assert_arr_eq(w + 4, "\xab\xcd\x00\x07", 4);

	h.type = NLRS_ICMP_DEST_UNREACH;
	h.code = NLRS_ICMP_FRAG_NEEDED;
	h.un.raw = 0;
	h.un.frag.mtu = 1280;
	b = round_trip(&h, w);
	cr_assert_eq(b.un.frag.mtu, 1280);
	cr_assert_eq(b.un.frag.unused, 0);
	cr_assert_arr_eq(w + 4, "\x00\x00\x05\x00", 4);

	h.type = NLRS_ICMP_PARAMPROB;
	h.code = 0;
	h.un.raw = 0;
	h.un.pointer = 9;
	b = round_trip(&h, w);
	cr_assert_eq(b.un.pointer, 9);
	cr_assert_arr_eq(w + 4, "\x09\x00\x00\x00", 4);

	h.type = NLRS_ICMP_REDIRECT;
	h.code = 1;
	h.un.gateway = 0xc0000201;
	b = round_trip(&h, w);
	cr_assert_eq(b.un.gateway, 0xc0000201);
	cr_assert_arr_eq(w + 4, "\xc0\x00\x02\x01", 4);

	h.type = NLRS_ICMP_TIME_EXCEEDED;
	h.code = NLRS_ICMP_EXC_TTL;
	h.un.raw = 0x01020304;
	b = round_trip(&h, w);
	cr_assert_eq(b.un.raw, 0x01020304);
	cr_assert_arr_eq(w + 4, "\x01\x02\x03\x04", 4);
}

Test(icmp4, emit_into_too_small_buffer_returns_nospace)
{
	struct nlrs_icmp4_hdr h = { .type = NLRS_ICMP_ECHO };

	for (size_t n = 0; n < 8; n++)
		cr_assert_eq(nlrs_icmp4_emit(t_guard_out(n), n, &h), NLRS_WIRE_NOSPACE, "len %zu",
			     n);
}

Test(icmp4, is_error_classifies_every_type)
{
	for (unsigned t = 0; t < 256; t++) {
		bool want = t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
		cr_assert_eq(nlrs_icmp4_is_error((uint8_t)t), want, "type %u", t);
	}
}
