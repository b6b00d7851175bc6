/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv6 header view, extension-header walk, options walk, routing and
 * fragment headers, pseudo-header checksum and address helpers
 * (RFC 8200, RFC 4302, RFC 4291, RFC 2464). Real datagrams from tcpdump's
 * test captures (../shared/peers/tcpdump-tests), extracted once with scapy:
 * the IPv6 header onwards, trimmed to 40 + payload length.
 */
#include <criterion/criterion.h>

#include "wire/ipv6.h"
#include "wire_test.h"

/* OSPFv3_with_AH.pcap frame 0: fe80::1 > ff02::5, AH (payload len 4: 24 bytes) + OSPFv3 hello */
static const uint8_t v6_ah[100] = {
	0x6e, 0x00, 0x00, 0x00, 0x00, 0x3c, 0x33, 0x01, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x59, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x13, 0x21, 0xd3, 0xa9, 0x5c,
	0x5f, 0xfd, 0x4d, 0x18, 0x46, 0x22, 0xb9, 0xf8, 0x03, 0x01, 0x00, 0x24, 0x01, 0x01,
	0x01, 0x01, 0x00, 0x00, 0x00, 0x01, 0xfb, 0x86, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
	0x01, 0x00, 0x00, 0x13, 0x00, 0x0a, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00
};

static int parse_guarded(const uint8_t *p, size_t len, struct nlrs_ipv6_hdr *h)
{
	return nlrs_ipv6_parse(guard_copy(p, len), len, h);
}

/* Parse then walk one guarded copy of p[0..len). Returns the walk's result,
 * or the parse error. */
static int walk_guarded(const uint8_t *p, size_t len, unsigned max, struct nlrs_ipv6_ext_walk *w)
{
	const uint8_t *g = guard_copy(p, len);
	struct nlrs_ipv6_hdr h;
	int rc = nlrs_ipv6_parse(g, len, &h);

	if (rc < 0)
		return rc;
	return nlrs_ipv6_walk(g, len, &h, max, w);
}

/* A datagram built in a test: the RA's fixed header (fe80:: > ff02::1),
 * then `n` payload bytes, next header `next`, payload length n. */
static uint8_t dg[256];
static size_t build(uint8_t next, const uint8_t *payload, size_t n)
{
	memcpy(dg, v6_ra, NLRS_IPV6_HLEN);
	dg[6] = next;
	nlrs_wr16(dg + 4, (uint16_t)n);
	if (n) /* memcpy from NULL is undefined even for 0 bytes */
		memcpy(dg + NLRS_IPV6_HLEN, payload, n);
	return NLRS_IPV6_HLEN + n;
}

static const uint8_t ll_router[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
				       0xb2, 0x99, 0x28, 0xff, 0xfe, 0xc8, 0xd6, 0x6c };
static const uint8_t all_nodes[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

/* ---- fixed header ---- */

Test(ipv6, parse_accepts_real_router_advertisement)
{
	struct nlrs_ipv6_hdr h;

	cr_assert_eq(parse_guarded(v6_ra, sizeof v6_ra, &h), 40);
	cr_assert_eq(h.tclass, 0);
	cr_assert_eq(h.flow, 0);
	cr_assert_eq(h.plen, 176);
	cr_assert_eq(h.next, NLRS_IPV6_NH_ICMPV6);
	cr_assert_eq(h.hlim, 255);
	cr_assert_arr_eq(h.src, ll_router, 16);
	cr_assert_arr_eq(h.dst, all_nodes, 16);
}

Test(ipv6, parse_reads_traffic_class_and_flow_label)
{
	struct nlrs_ipv6_hdr h;
	uint8_t p[40];

	/* OSPFv3 with AH: traffic class 0xe0 (CS7) */
	cr_assert_eq(parse_guarded(v6_ah, sizeof v6_ah, &h), 40);
	cr_assert_eq(h.tclass, 0xe0);
	cr_assert_eq(h.flow, 0);
	cr_assert_eq(h.next, NLRS_IPV6_NH_AH);
	memcpy(p, v6_ra, 40);
	nlrs_wr32(p, 0x6abfedcbu); /* tclass 0xab, flow 0xfedcb */
	nlrs_wr16(p + 4, 0);
	cr_assert_eq(parse_guarded(p, 40, &h), 40);
	cr_assert_eq(h.tclass, 0xab);
	cr_assert_eq(h.flow, 0xfedcb);
}

Test(ipv6, parse_rejects_every_truncation_with_the_right_error)
{
	const uint8_t *pkts[] = { v6_ra, v6_mld, v6_ns, v6_rthdr_echo, v6_ah };
	const size_t lens[] = { sizeof v6_ra, sizeof v6_mld, sizeof v6_ns, sizeof v6_rthdr_echo,
				sizeof v6_ah };
	struct nlrs_ipv6_hdr h;

	for (size_t i = 0; i < 5; i++) {
		for (size_t n = 0; n < lens[i]; n++) {
			int want = n < 40 ? NLRS_WIRE_SHORT : NLRS_WIRE_BAD_LEN;

			cr_assert_eq(parse_guarded(pkts[i], n, &h), want, "pkt %zu len %zu", i, n);
		}
		cr_assert_eq(parse_guarded(pkts[i], lens[i], &h), 40, "pkt %zu", i);
	}
}

Test(ipv6, parse_rejects_versions_other_than_6)
{
	struct nlrs_ipv6_hdr h;
	uint8_t p[64];

	memcpy(p, v6_ns, sizeof p);
	for (unsigned v = 0; v < 16; v++) {
		if (v == 6)
			continue;
		p[0] = (uint8_t)(v << 4);
		cr_assert_eq(parse_guarded(p, sizeof p, &h), NLRS_WIRE_BAD_VERSION, "v%u", v);
	}
}

Test(ipv6, parse_rejects_payload_length_past_buffer)
{
	struct nlrs_ipv6_hdr h;
	uint8_t p[64];

	memcpy(p, v6_ns, sizeof p);
	nlrs_wr16(p + 4, 25); /* one byte more than carried */
	cr_assert_eq(parse_guarded(p, sizeof p, &h), NLRS_WIRE_BAD_LEN);
	nlrs_wr16(p + 4, 0xffff);
	cr_assert_eq(parse_guarded(p, sizeof p, &h), NLRS_WIRE_BAD_LEN);
}

Test(ipv6, parse_accepts_link_padding_past_payload)
{
	struct nlrs_ipv6_hdr h;
	uint8_t p[80];

	/* a short datagram in a padded frame: payload length rules */
	memset(p, 0xee, sizeof p);
	memcpy(p, v6_ns, sizeof v6_ns);
	cr_assert_eq(parse_guarded(p, sizeof p, &h), 40);
	cr_assert_eq(h.plen, 24);
}

Test(ipv6, parse_accepts_zero_payload_length_as_empty)
{
	struct nlrs_ipv6_hdr h;
	struct nlrs_ipv6_ext_walk w;

	build(NLRS_IPV6_NH_NONE, NULL, 0);
	cr_assert_eq(parse_guarded(dg, 40, &h), 40);
	cr_assert_eq(h.plen, 0);
	cr_assert_eq(walk_guarded(dg, 40, 8, &w), 0);
	cr_assert_eq(w.proto, NLRS_IPV6_NH_NONE);
	cr_assert_eq(w.off, 40);
}

Test(ipv6, walk_rejects_jumbogram_zero_payload_length_with_hop_by_hop)
{
	struct nlrs_ipv6_ext_walk w;
	uint8_t p[76];

	/* RFC 2675 jumbogram shape: plen 0, hop-by-hop follows. Not
	 * supported: the hop-by-hop header lies past the (empty) payload. */
	memcpy(p, v6_mld, sizeof p);
	nlrs_wr16(p + 4, 0);
	cr_assert_eq(walk_guarded(p, sizeof p, 8, &w), NLRS_WIRE_BAD_LEN);
}

Test(ipv6, parse_leaves_output_untouched_on_error)
{
	struct nlrs_ipv6_hdr h, before;

	memset(&h, 0x3c, sizeof h);
	before = h;
	cr_assert_eq(parse_guarded(v6_ns, 63, &h), NLRS_WIRE_BAD_LEN);
	cr_assert_eq(memcmp(&h, &before, sizeof h), 0);
}

Test(ipv6, emit_reproduces_real_headers)
{
	const uint8_t *pkts[] = { v6_ra, v6_mld, v6_ns, v6_rthdr_echo, v6_ah, v6_pp_frag };
	const size_t lens[] = { sizeof v6_ra, sizeof v6_mld, sizeof v6_ns,
				sizeof v6_rthdr_echo, sizeof v6_ah, sizeof v6_pp_frag };

	for (size_t i = 0; i < 6; i++) {
		struct nlrs_ipv6_hdr h;
		uint8_t *out;

		cr_assert_eq(parse_guarded(pkts[i], lens[i], &h), 40, "pkt %zu", i);
		out = t_guard_out(40);
		cr_assert_eq(nlrs_ipv6_emit(out, 40, &h), 40);
		cr_assert_arr_eq(out, pkts[i], 40, "pkt %zu", i);
	}
}

Test(ipv6, emit_then_parse_round_trips)
{
	struct nlrs_ipv6_hdr h = { .tclass = 0xb8, .flow = 0xfffff, .plen = 1460,
				   .next = NLRS_IPV6_NH_TCP, .hlim = 1 };
	struct nlrs_ipv6_hdr b;
	uint8_t buf[40];

	memcpy(h.src, ll_router, 16);
	memcpy(h.dst, all_nodes, 16);
	cr_assert_eq(nlrs_ipv6_emit(buf, sizeof buf, &h), 40);
	cr_assert_eq(buf[0], 0x6b);
	nlrs_wr16(buf + 4, 0); /* parse needs the payload in the buffer */
	cr_assert_eq(parse_guarded(buf, sizeof buf, &b), 40);
	cr_assert_eq(b.tclass, 0xb8);
	cr_assert_eq(b.flow, 0xfffff);
	cr_assert_eq(b.next, NLRS_IPV6_NH_TCP);
	cr_assert_eq(b.hlim, 1);
	cr_assert_arr_eq(b.src, ll_router, 16);
	cr_assert_arr_eq(b.dst, all_nodes, 16);
}

Test(ipv6, emit_into_too_small_buffer_returns_nospace)
{
	struct nlrs_ipv6_hdr h = { .next = NLRS_IPV6_NH_UDP, .hlim = 64 };

	for (size_t n = 0; n < 40; n++)
		cr_assert_eq(nlrs_ipv6_emit(t_guard_out(n), n, &h), NLRS_WIRE_NOSPACE, "len %zu",
			     n);
	cr_assert_eq(nlrs_ipv6_emit(t_guard_out(40), 40, &h), 40);
}

Test(ipv6, emit_rejects_flow_label_over_20_bits)
{
	struct nlrs_ipv6_hdr h = { .flow = 0x100000 };
	uint8_t buf[40];

	cr_assert_eq(nlrs_ipv6_emit(buf, sizeof buf, &h), NLRS_WIRE_BAD_FORMAT);
}

Test(ipv6, emit_swaps_addresses_in_place)
{
	uint8_t buf[64];
	struct nlrs_ipv6_hdr h;
	uint8_t tmp[16];

	memcpy(buf, v6_ns, sizeof buf);
	cr_assert_eq(nlrs_ipv6_parse(buf, sizeof buf, &h), 40);
	memcpy(tmp, h.src, 16);
	memcpy(h.src, h.dst, 16);
	memcpy(h.dst, tmp, 16);
	cr_assert_eq(nlrs_ipv6_emit(buf, sizeof buf, &h), 40);
	cr_assert_arr_eq(buf + 8, v6_ns + 24, 16);
	cr_assert_arr_eq(buf + 24, v6_ns + 8, 16);
}

/* ---- extension-header walk ---- */

Test(ipv6, walk_without_extension_headers_points_at_upper_layer)
{
	struct nlrs_ipv6_ext_walk w;

	cr_assert_eq(walk_guarded(v6_ra, sizeof v6_ra, 8, &w), 0);
	cr_assert_eq(w.proto, NLRS_IPV6_NH_ICMPV6);
	cr_assert_eq(w.off, 40);
	cr_assert_eq(w.nexts, 0);
	cr_assert_eq(w.hbh_off, 0);
	cr_assert(!w.has_frag);
	/* no extension header: even max_headers 0 is enough */
	cr_assert_eq(walk_guarded(v6_ra, sizeof v6_ra, 0, &w), 0);
}

Test(ipv6, walk_steps_over_real_hop_by_hop)
{
	struct nlrs_ipv6_ext_walk w;

	cr_assert_eq(walk_guarded(v6_mld, sizeof v6_mld, 8, &w), 0);
	cr_assert_eq(w.proto, NLRS_IPV6_NH_ICMPV6);
	cr_assert_eq(w.off, 48);
	cr_assert_eq(w.hbh_off, 40);
	cr_assert_eq(w.nexts, 1);
	cr_assert(!w.has_frag);
}

Test(ipv6, walk_steps_over_real_routing_header)
{
	struct nlrs_ipv6_ext_walk w;

	cr_assert_eq(walk_guarded(v6_rthdr_echo, sizeof v6_rthdr_echo, 8, &w), 0);
	cr_assert_eq(w.proto, NLRS_IPV6_NH_ICMPV6);
	cr_assert_eq(w.off, 64);
	cr_assert_eq(w.rt_off, 40);
	cr_assert_eq(w.hbh_off, 0);
	cr_assert_eq(w.nexts, 1);
}

Test(ipv6, walk_steps_over_real_ah_in_4_octet_units)
{
	struct nlrs_ipv6_ext_walk w;

	/* Payload Len 4: (4 + 2) * 4 = 24 bytes (RFC 4302 2.2) */
	cr_assert_eq(walk_guarded(v6_ah, sizeof v6_ah, 8, &w), 0);
	cr_assert_eq(w.proto, 89); /* OSPF */
	cr_assert_eq(w.off, 64);
	cr_assert_eq(w.nexts, 1);
}

Test(ipv6, walk_rejects_ah_not_a_multiple_of_8_or_below_12_bytes)
{
	struct nlrs_ipv6_ext_walk w;
	uint8_t ah[24] = { NLRS_IPV6_NH_NONE, 1 }; /* (1 + 2) * 4 = 12 bytes */
	size_t n = build(NLRS_IPV6_NH_AH, ah, sizeof ah);

	cr_assert_eq(walk_guarded(dg, n, 8, &w), NLRS_WIRE_BAD_FORMAT);
	dg[41] = 0; /* 8 bytes: shorter than AH's 12 fixed bytes */
	cr_assert_eq(walk_guarded(dg, n, 8, &w), NLRS_WIRE_BAD_FORMAT);
	dg[41] = 2; /* 16 bytes */
	cr_assert_eq(walk_guarded(dg, n, 8, &w), 0);
	cr_assert_eq(w.off, 56);
	cr_assert_eq(w.proto, NLRS_IPV6_NH_NONE);
	dg[41] = 6; /* 32 bytes, past the 24-byte payload */
	cr_assert_eq(walk_guarded(dg, n, 8, &w), NLRS_WIRE_BAD_LEN);
}

Test(ipv6, walk_reads_real_fragment_header)
{
	struct nlrs_ipv6_ext_walk w;
	/* the datagram quoted in the parameter problem: 40 + 24 bytes */
	const uint8_t *q = v6_pp_frag + 48;

	cr_assert_eq(walk_guarded(q, 64, 8, &w), 0);
	cr_assert(w.has_frag);
	cr_assert_eq(w.frag_hdr_off, 40);
	cr_assert_eq(w.frag_off, 0);
	cr_assert(w.frag_more);
	cr_assert_eq(w.frag_id, 0xd6b1);
	cr_assert_eq(w.proto, 41); /* IPv6-in-IPv6, cut by the fragmentation */
	cr_assert_eq(w.off, 48);
}

Test(ipv6, walk_reads_fragment_offset_in_bytes_and_more_flag)
{
	struct nlrs_ipv6_ext_walk w;
	uint8_t frag[16] = { NLRS_IPV6_NH_UDP, 0, 0x05, 0xc8, 0x12, 0x34, 0x56, 0x78 };
	size_t n = build(NLRS_IPV6_NH_FRAGMENT, frag, sizeof frag);

	/* 0x05c8: offset 185 units = 1480 bytes, M = 0 */
	cr_assert_eq(walk_guarded(dg, n, 8, &w), 0);
	cr_assert(w.has_frag);
	cr_assert_eq(w.frag_off, 1480);
	cr_assert(!w.frag_more);
	cr_assert_eq(w.frag_id, 0x12345678);
	cr_assert_eq(w.proto, NLRS_IPV6_NH_UDP);
	cr_assert_eq(w.off, 48);
	/* reserved bits (byte 1, bits 1-2 of byte 3) are ignored */
	dg[41] = 0xff;
	dg[43] |= 0x07;
	cr_assert_eq(walk_guarded(dg, n, 8, &w), 0);
	cr_assert_eq(w.frag_off, 1480);
	cr_assert(w.frag_more);
}

Test(ipv6, walk_reports_only_the_first_fragment_header)
{
	struct nlrs_ipv6_ext_walk w;
	uint8_t two[24] = { NLRS_IPV6_NH_FRAGMENT, 0, 0x00, 0x11, 0, 0, 0, 1,
			    NLRS_IPV6_NH_TCP,      0, 0x00, 0x20, 0, 0, 0, 2 };
	size_t n = build(NLRS_IPV6_NH_FRAGMENT, two, sizeof two);

	cr_assert_eq(walk_guarded(dg, n, 8, &w), 0);
	cr_assert_eq(w.frag_hdr_off, 40);
	cr_assert_eq(w.frag_off, 16);
	cr_assert(w.frag_more);
	cr_assert_eq(w.frag_id, 1);
	cr_assert_eq(w.nexts, 2);
	cr_assert_eq(w.off, 56);
	cr_assert_eq(w.proto, NLRS_IPV6_NH_TCP);
}

Test(ipv6, walk_rejects_hop_by_hop_not_first)
{
	struct nlrs_ipv6_ext_walk w;
	/* destination options, then hop-by-hop (RFC 8200 4.1) */
	uint8_t chain[24] = { NLRS_IPV6_NH_HOPOPTS, 0, 1, 4, 0, 0, 0, 0,
			      NLRS_IPV6_NH_UDP,     0, 1, 4, 0, 0, 0, 0 };
	size_t n = build(NLRS_IPV6_NH_DSTOPTS, chain, sizeof chain);

	cr_assert_eq(walk_guarded(dg, n, 8, &w), NLRS_WIRE_BAD_FORMAT);
	/* two hop-by-hop headers: the second is not first either */
	n = build(NLRS_IPV6_NH_HOPOPTS, chain, sizeof chain);
	cr_assert_eq(walk_guarded(dg, n, 8, &w), NLRS_WIRE_BAD_FORMAT);
	/* the same with the first replaced: fine */
	chain[0] = NLRS_IPV6_NH_DSTOPTS;
	n = build(NLRS_IPV6_NH_HOPOPTS, chain, sizeof chain);
	cr_assert_eq(walk_guarded(dg, n, 8, &w), 0);
	cr_assert_eq(w.hbh_off, 40);
	cr_assert_eq(w.off, 56);
}

Test(ipv6, walk_rejects_chain_running_past_payload)
{
	struct nlrs_ipv6_ext_walk w;
	uint8_t p[76];

	/* every payload length that cuts the real hop-by-hop header */
	for (uint16_t pl = 0; pl < 8; pl++) {
		memcpy(p, v6_mld, sizeof p);
		nlrs_wr16(p + 4, pl);
		cr_assert_eq(walk_guarded(p, sizeof p, 8, &w), NLRS_WIRE_BAD_LEN, "plen %u", pl);
	}
	/* Hdr Ext Len claiming 16 bytes in a 36-byte payload with only 8
	 * left in the buffer after it: past the payload, not just the header */
	memcpy(p, v6_mld, sizeof p);
	nlrs_wr16(p + 4, 8);
	p[41] = 1;
	cr_assert_eq(walk_guarded(p, 48, 8, &w), NLRS_WIRE_BAD_LEN);
	/* a routing header whose length runs one unit past the payload */
	memcpy(p, v6_rthdr_echo, 72);
	p[41] = 4; /* 40 bytes, payload is 32 */
	cr_assert_eq(walk_guarded(p, 72, 8, &w), NLRS_WIRE_BAD_LEN);
	/* a fragment header cut short */
	memcpy(p, v6_pp_frag + 48, 64);
	nlrs_wr16(p + 4, 7);
	cr_assert_eq(walk_guarded(p, 64, 8, &w), NLRS_WIRE_BAD_LEN);
}

Test(ipv6, walk_limits_the_number_of_extension_headers)
{
	struct nlrs_ipv6_ext_walk w;
	uint8_t chain[5 * 8];
	size_t n;

	/* five destination options headers, then UDP */
	memset(chain, 0, sizeof chain);
	for (int i = 0; i < 5; i++) {
		chain[i * 8] = i < 4 ? NLRS_IPV6_NH_DSTOPTS : NLRS_IPV6_NH_UDP;
		chain[i * 8 + 2] = NLRS_IPV6_OPT_PADN;
		chain[i * 8 + 3] = 4;
	}
	n = build(NLRS_IPV6_NH_DSTOPTS, chain, sizeof chain);
	cr_assert_eq(walk_guarded(dg, n, 5, &w), 0);
	cr_assert_eq(w.nexts, 5);
	cr_assert_eq(w.off, 80);
	cr_assert_eq(w.proto, NLRS_IPV6_NH_UDP);
	cr_assert_eq(walk_guarded(dg, n, 4, &w), NLRS_WIRE_BAD_FORMAT);
	cr_assert_eq(walk_guarded(dg, n, 0, &w), NLRS_WIRE_BAD_FORMAT);
}

Test(ipv6, walk_stops_at_esp_none_and_unknown_headers)
{
	struct nlrs_ipv6_ext_walk w;
	const uint8_t stops[] = { NLRS_IPV6_NH_ESP, NLRS_IPV6_NH_NONE, NLRS_IPV6_NH_MOBILITY,
				  253 };
	uint8_t d[16] = { 0, 0, 1, 4, 0, 0, 0, 0 };

	for (size_t i = 0; i < sizeof stops; i++) {
		size_t n;

		d[0] = stops[i];
		n = build(NLRS_IPV6_NH_DSTOPTS, d, sizeof d);
		cr_assert_eq(walk_guarded(dg, n, 8, &w), 0, "nh %u", stops[i]);
		cr_assert_eq(w.proto, stops[i]);
		cr_assert_eq(w.off, 48);
	}
}

Test(ipv6, walk_rejects_header_struct_claiming_more_than_the_buffer)
{
	struct nlrs_ipv6_hdr h;
	struct nlrs_ipv6_ext_walk w;
	const uint8_t *g = guard_copy(v6_mld, sizeof v6_mld);

	cr_assert_eq(nlrs_ipv6_parse(g, sizeof v6_mld, &h), 40);
	h.plen = 37;
	cr_assert_eq(nlrs_ipv6_walk(g, sizeof v6_mld, &h, 8, &w), NLRS_WIRE_BAD_LEN);
	cr_assert_eq(nlrs_ipv6_walk(g, 39, &h, 8, &w), NLRS_WIRE_BAD_LEN);
}

/* ---- options ---- */

struct seen {
	int n;
	uint8_t type[8], dlen[8];
	size_t off[8];
	int stop_at;
};
static int record(void *ctx, uint8_t type, const uint8_t *data, uint8_t dlen, size_t off)
{
	struct seen *s = ctx;
	volatile uint8_t x = 0;

	for (uint8_t i = 0; i < dlen; i++)
		x ^= data[i]; /* touch every byte: the guard page catches over-reads */
	(void)x;
	cr_assert((dlen == 0) == (data == NULL));
	if (s->n < 8) {
		s->type[s->n] = type;
		s->dlen[s->n] = dlen;
		s->off[s->n] = off;
	}
	s->n++;
	return s->n == s->stop_at ? 99 : 0;
}

static int opts_guarded(const uint8_t *o, size_t len, struct seen *s)
{
	return nlrs_ipv6_opts_walk(guard_copy(o, len), len, record, s);
}

Test(ipv6, opts_walk_reports_real_router_alert_and_skips_padding)
{
	struct seen s = { 0 };

	/* hop-by-hop of the MLD report: router alert (5, 2 bytes 0), PadN 0 */
	cr_assert_eq(opts_guarded(v6_mld + 42, 6, &s), 0);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.type[0], NLRS_IPV6_OPT_ROUTER_ALERT);
	cr_assert_eq(s.dlen[0], 2);
	cr_assert_eq(s.off[0], 0);
}

Test(ipv6, opts_walk_accepts_pad1_and_an_option_filling_the_area)
{
	static const uint8_t o[15] = { 0, 0, 0x3e, 2, 0xaa, 0xbb, 0, 0x01, 0, 0xc2, 4, 1, 2, 3, 4 };
	struct seen s = { 0 };

	cr_assert_eq(opts_guarded(o, 15, &s), 0);
	cr_assert_eq(s.n, 2);
	cr_assert_eq(s.type[0], 0x3e);
	cr_assert_eq(s.off[0], 2);
	cr_assert_eq(s.type[1], 0xc2);
	cr_assert_eq(s.off[1], 9);
	cr_assert_eq(s.dlen[1], 4);
	/* zero-length area, and a check-only walk */
	cr_assert_eq(nlrs_ipv6_opts_walk(guard_copy(o, 0), 0, NULL, NULL), 0);
	cr_assert_eq(nlrs_ipv6_opts_walk(guard_copy(o, 15), 15, NULL, NULL), 0);
}

Test(ipv6, opts_walk_rejects_padn_running_past_the_area)
{
	static const uint8_t o[6] = { 0x01, 5, 0, 0, 0, 0 };
	struct seen s = { 0 };

	cr_assert_eq(opts_guarded(o, 6, &s), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(nlrs_ipv6_opts_walk(guard_copy(o, 6), 6, NULL, NULL), NLRS_WIRE_BAD_OPTION);
}

Test(ipv6, opts_walk_rejects_option_data_running_past_the_area)
{
	static const uint8_t o[6] = { 0x05, 2, 0, 0, 0x3e, 1 };
	struct seen s = { 0 };

	cr_assert_eq(opts_guarded(o, 6, &s), NLRS_WIRE_BAD_OPTION);
	cr_assert_eq(s.n, 1); /* the first option was good */
	for (size_t n = 1; n < 4; n++) {
		memset(&s, 0, sizeof s);
		cr_assert_eq(opts_guarded(o, n, &s), NLRS_WIRE_BAD_OPTION, "len %zu", n);
		cr_assert_eq(s.n, 0);
	}
}

Test(ipv6, opts_walk_rejects_option_missing_its_length_octet)
{
	static const uint8_t o[4] = { 0, 0, 0, 0x05 };
	struct seen s = { 0 };

	cr_assert_eq(opts_guarded(o, 4, &s), NLRS_WIRE_BAD_OPTION);
}

Test(ipv6, opts_walk_stops_with_the_callback_value)
{
	static const uint8_t o[8] = { 0x3e, 0, 0x3f, 0, 0x3d, 0, 0x3c, 0 };
	struct seen s = { .stop_at = 2 };

	cr_assert_eq(opts_guarded(o, 8, &s), 99);
	cr_assert_eq(s.n, 2);
}

Test(ipv6, opt_action_is_the_two_high_bits)
{
	cr_assert_eq(nlrs_ipv6_opt_action(NLRS_IPV6_OPT_ROUTER_ALERT), NLRS_IPV6_OPT_ACT_SKIP);
	cr_assert_eq(nlrs_ipv6_opt_action(0x7f), NLRS_IPV6_OPT_ACT_DISCARD);
	cr_assert_eq(nlrs_ipv6_opt_action(0x80), NLRS_IPV6_OPT_ACT_ICMP);
	cr_assert_eq(nlrs_ipv6_opt_action(NLRS_IPV6_OPT_JUMBO), NLRS_IPV6_OPT_ACT_ICMP_UCAST);
	cr_assert(nlrs_ipv6_opt_may_change(0x3e));
	cr_assert(!nlrs_ipv6_opt_may_change(0xdf));
}

/* ---- routing and fragment headers ---- */

Test(ipv6, rthdr_parse_reads_real_type_0_header)
{
	struct nlrs_ipv6_rthdr r;
	const uint8_t *g = guard_copy(v6_rthdr_echo + 40, 32);

	cr_assert_eq(nlrs_ipv6_rthdr_parse(g, 32, &r), 24);
	cr_assert_eq(r.next, NLRS_IPV6_NH_ICMPV6);
	cr_assert_eq(r.len, 24);
	cr_assert_eq(r.type, 0); /* RFC 5095: the stack refuses it */
	cr_assert_eq(r.segs_left, 1);
	cr_assert_eq(r.data, g + 4);
	cr_assert_eq(r.dlen, 20);
	cr_assert_eq(r.data[4], 0x22); /* the address, after 4 reserved bytes */
}

Test(ipv6, rthdr_parse_rejects_every_truncation)
{
	struct nlrs_ipv6_rthdr r;

	for (size_t n = 0; n < 24; n++) {
		int want = n < 8 ? NLRS_WIRE_SHORT : NLRS_WIRE_BAD_LEN;

		cr_assert_eq(nlrs_ipv6_rthdr_parse(guard_copy(v6_rthdr_echo + 40, n), n, &r), want,
			     "len %zu", n);
	}
}

Test(ipv6, frag_parse_reads_real_header_and_rejects_truncation)
{
	struct nlrs_ipv6_frag f;
	const uint8_t *fh = v6_pp_frag + 88;

	for (size_t n = 0; n < 8; n++)
		cr_assert_eq(nlrs_ipv6_frag_parse(guard_copy(fh, n), n, &f), NLRS_WIRE_SHORT);
	cr_assert_eq(nlrs_ipv6_frag_parse(guard_copy(fh, 8), 8, &f), 8);
	cr_assert_eq(f.next, 41);
	cr_assert_eq(f.off, 0);
	cr_assert(f.more);
	cr_assert_eq(f.id, 0xd6b1);
}

Test(ipv6, frag_emit_round_trips_real_header)
{
	struct nlrs_ipv6_frag f, b;
	const uint8_t *fh = v6_pp_frag + 88;
	uint8_t *out;

	cr_assert_eq(nlrs_ipv6_frag_parse(guard_copy(fh, 8), 8, &f), 8);
	out = t_guard_out(8);
	cr_assert_eq(nlrs_ipv6_frag_emit(out, 8, &f), 8);
	cr_assert_arr_eq(out, fh, 8);
	f.off = 0xfff8;
	f.more = false;
	f.id = 0xffffffff;
	cr_assert_eq(nlrs_ipv6_frag_emit(out, 8, &f), 8);
	cr_assert_eq(nlrs_ipv6_frag_parse(out, 8, &b), 8);
	cr_assert_eq(b.off, 0xfff8);
	cr_assert(!b.more);
	cr_assert_eq(b.id, 0xffffffff);
}

Test(ipv6, frag_emit_rejects_small_buffer_and_unaligned_offset)
{
	struct nlrs_ipv6_frag f = { .next = NLRS_IPV6_NH_UDP, .off = 1480 };

	for (size_t n = 0; n < 8; n++)
		cr_assert_eq(nlrs_ipv6_frag_emit(t_guard_out(n), n, &f), NLRS_WIRE_NOSPACE);
	f.off = 1481;
	cr_assert_eq(nlrs_ipv6_frag_emit(t_guard_out(8), 8, &f), NLRS_WIRE_BAD_FORMAT);
}

/* ---- checksum ---- */

/* Sum of the pseudo-header and the upper-layer bytes at `off`. */
static uint16_t verify(const uint8_t *pkt, size_t len, size_t off)
{
	struct nlrs_ipv6_hdr h;
	size_t ulen;
	const uint8_t *g;

	cr_assert_eq(nlrs_ipv6_parse(pkt, len, &h), 40);
	ulen = 40 + (size_t)h.plen - off;
	g = guard_copy(pkt + off, ulen);
	return nlrs_csum_fold(nlrs_csum_add(nlrs_csum_pseudo6(h.src, h.dst, 58, (uint32_t)ulen), g,
					    ulen));
}

Test(ipv6, pseudo6_checksum_of_real_icmpv6_verifies)
{
	/* RA (even length), NS from ::, MLD after hop-by-hop, param. problem */
	cr_assert_eq(verify(v6_ra, sizeof v6_ra, 40), 0);
	cr_assert_eq(verify(v6_ns, sizeof v6_ns, 40), 0);
	cr_assert_eq(verify(v6_mld, sizeof v6_mld, 48), 0);
	cr_assert_eq(verify(v6_pp_frag, sizeof v6_pp_frag, 40), 0);
}

Test(ipv6, pseudo6_covers_addresses_length_and_next_header)
{
	struct nlrs_ipv6_hdr h;
	uint32_t body;
	const uint8_t *g = guard_copy(v6_ns, sizeof v6_ns);

	cr_assert_eq(nlrs_ipv6_parse(g, sizeof v6_ns, &h), 40);
	body = nlrs_csum_add(0, g + 40, 24);
	cr_assert_eq(nlrs_csum_fold(nlrs_csum_pseudo6(h.src, h.dst, 58, 24) + body), 0);
	cr_assert_neq(nlrs_csum_fold(nlrs_csum_pseudo6(h.src, h.dst, 17, 24) + body), 0);
	cr_assert_neq(nlrs_csum_fold(nlrs_csum_pseudo6(h.src, h.dst, 58, 24 + 0x10000) + body), 0);
	h.dst[15] ^= 1;
	cr_assert_neq(nlrs_csum_fold(nlrs_csum_pseudo6(h.src, h.dst, 58, 24) + body), 0);
}

/* ---- addresses ---- */

Test(ipv6, address_class_helpers)
{
	static const uint8_t unspec[16];
	static const uint8_t lo[16] = { [15] = 1 };
	static const uint8_t v4m[16] = { [10] = 0xff, [11] = 0xff, 192, 0, 2, 1 };
	static const uint8_t febf[16] = { 0xfe, 0xbf, [15] = 1 };
	static const uint8_t fec0[16] = { 0xfe, 0xc0, [15] = 1 };
	static const uint8_t one0[16] = { 1 };

	cr_assert(nlrs_ipv6_is_unspecified(unspec));
	cr_assert(!nlrs_ipv6_is_unspecified(lo));
	cr_assert(nlrs_ipv6_is_loopback(lo));
	cr_assert(!nlrs_ipv6_is_loopback(unspec));
	cr_assert(!nlrs_ipv6_is_loopback(one0));
	cr_assert(nlrs_ipv6_is_multicast(all_nodes));
	cr_assert(!nlrs_ipv6_is_multicast(ll_router));
	cr_assert(nlrs_ipv6_is_link_local(ll_router));
	cr_assert(nlrs_ipv6_is_link_local(febf));
	cr_assert(!nlrs_ipv6_is_link_local(fec0));
	cr_assert(nlrs_ipv6_is_v4mapped(v4m));
	cr_assert(!nlrs_ipv6_is_v4mapped(lo));
}

Test(ipv6, solicited_node_and_mac_of_real_neighbor_solicitation)
{
	uint8_t sn[16], mac[6];
	static const uint8_t want_mac[6] = { 0x33, 0x33, 0xff, 0x46, 0xe8, 0x84 };

	/* the DAD probe is sent to the target's solicited-node group */
	nlrs_ipv6_solicited_node(v6_ns + 48, sn);
	cr_assert_arr_eq(sn, v6_ns + 24, 16);
	nlrs_ipv6_mcast_mac(sn, mac);
	cr_assert_arr_eq(mac, want_mac, 6);
	/* in place */
	memcpy(sn, v6_ns + 48, 16);
	nlrs_ipv6_solicited_node(sn, sn);
	cr_assert_arr_eq(sn, v6_ns + 24, 16);
}
