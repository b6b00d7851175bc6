/* SPDX-License-Identifier: BSD-2-Clause */
/* Endpoints and flows: values, order, directional and symmetric hashes,
 * reverse, endpoints of a flow, flows of packets, text forms. */
#include <criterion/criterion.h>

#include "pkt_test.h"
#include "wire/wire.h"

static void mkflow(struct nlrs_flow *f, uint32_t a, uint32_t b)
{
	struct nlrs_pkt_endpoint x, y;

	nlrs_pkt_endpoint_ipv4(&x, a);
	nlrs_pkt_endpoint_ipv4(&y, b);
	cr_assert_eq(nlrs_flow_make(f, &x, &y), 0);
}

Test(flow, symmetric_hash_agrees_both_ways_and_only_then)
{
	uint32_t s = 0x1234567;

	for (int i = 0; i < 2000; i++) {
		struct nlrs_flow f, r, g;
		uint32_t a, b;

		s = s * 1103515245u + 12345u;
		a = s;
		s = s * 1103515245u + 12345u;
		b = s;
		mkflow(&f, a, b);
		nlrs_flow_reverse(&f, &r);
		cr_assert_eq(nlrs_flow_hash_sym(&f), nlrs_flow_hash_sym(&r));
		if (a != b) {
			cr_assert_neq(nlrs_flow_hash(&f), nlrs_flow_hash(&r));
			cr_assert_not(nlrs_flow_equal(&f, &r));
		}
		mkflow(&g, a, b + 1);
		cr_assert_neq(nlrs_flow_hash_sym(&f), nlrs_flow_hash_sym(&g));
	}
}

Test(flow, symmetric_hash_spreads)
{
	/* 4096 distinct flows into 4096 buckets: far from all colliding */
	static uint8_t seen[4096];
	unsigned used = 0;

	for (uint32_t i = 0; i < 4096; i++) {
		struct nlrs_flow f;
		uint64_t h;

		mkflow(&f, NLRS_IP4(10, 0, 0, 1), NLRS_IP4(10, 0, i >> 8, i & 0xff));
		h = nlrs_flow_hash_sym(&f) & 4095;
		used += !seen[h];
		seen[h] = 1;
	}
	cr_assert_gt(used, 2400); /* a uniform hash fills about 63% */
}

Test(flow, reverse_endpoints_and_order)
{
	struct nlrs_flow f, r, rr;
	struct nlrs_pkt_endpoint a, b, x;

	nlrs_pkt_endpoint_port(&a, NLRS_EP_TCP, 443);
	nlrs_pkt_endpoint_port(&b, NLRS_EP_TCP, 50000);
	cr_assert_eq(nlrs_flow_make(&f, &b, &a), 0);
	nlrs_flow_reverse(&f, &r);
	nlrs_flow_src(&r, &x);
	cr_assert_eq(nlrs_pkt_endpoint_cmp(&x, &a), 0);
	nlrs_flow_dst(&r, &x);
	cr_assert_eq(nlrs_pkt_endpoint_cmp(&x, &b), 0);
	nlrs_flow_reverse(&r, &rr);
	cr_assert(nlrs_flow_equal(&rr, &f));
	cr_assert_eq(memcmp(&rr, &f, sizeof f), 0); /* plain values */
	cr_assert_lt(nlrs_pkt_endpoint_cmp(&a, &b), 0);
	cr_assert_gt(nlrs_flow_cmp(&f, &r), 0);
	/* in place */
	nlrs_flow_reverse(&f, &f);
	cr_assert(nlrs_flow_equal(&f, &r));
	/* types must match */
	nlrs_pkt_endpoint_ipv4(&x, 1);
	cr_assert_eq(nlrs_flow_make(&f, &a, &x), -NLRS_EINVAL);
	cr_assert_neq(nlrs_pkt_endpoint_hash(&a), nlrs_pkt_endpoint_hash(&b));
	/* same bytes, other type: not equal */
	nlrs_pkt_endpoint_port(&x, NLRS_EP_UDP, 443);
	cr_assert_neq(nlrs_pkt_endpoint_cmp(&x, &a), 0);
}

Test(flow, packet_flows_and_keys)
{
	uint8_t f1[128], f2[128];
	struct nlrs_pkt p1, p2;
	struct nlrs_flow n1, n2, t1, t2, l1;
	struct nlrs_flow_key k1, k2, kr;
	char s[80];
	int a, b;

	a = t_build_tcp4(f1, sizeof f1, 40000, 80, NLRS_TCPF_SYN, NULL, 0);
	nlrs_pkt_decode(&p1, 1, f1, (size_t)a, (size_t)a, NULL);
	/* the reply: swap everything */
	{
		struct nlrs_pkt_builder bb;

		nlrs_pkt_build_init(&bb, f2, sizeof f2);
		nlrs_pkt_build_eth(&bb, &(struct nlrs_pkt_eth){ .dst = { 2, 0, 0, 0, 0, 0xa },
								.src = { 2, 0, 0, 0, 0, 0xb } }, 0);
		nlrs_pkt_build_ipv4(&bb, &(struct nlrs_pkt_ipv4){ .ttl = 1, .src = T_IP_B, .dst = T_IP_A }, 0);
		nlrs_pkt_build_tcp(&bb, &(struct nlrs_pkt_tcp){ .sport = 80, .dport = 40000, .flags = 0x12 }, 0);
		b = nlrs_pkt_build_finish(&bb);
	}
	nlrs_pkt_decode(&p2, 1, f2, (size_t)b, (size_t)b, NULL);
	cr_assert_eq(nlrs_pkt_net_flow(&p1, &n1), 0);
	cr_assert_eq(nlrs_pkt_net_flow(&p2, &n2), 0);
	cr_assert_eq(nlrs_pkt_transport_flow(&p1, &t1), 0);
	cr_assert_eq(nlrs_pkt_transport_flow(&p2, &t2), 0);
	cr_assert_eq(nlrs_flow_hash_sym(&n1), nlrs_flow_hash_sym(&n2));
	cr_assert_eq(nlrs_flow_hash_sym(&t1), nlrs_flow_hash_sym(&t2));
	cr_assert_eq(nlrs_pkt_flow_key(&p1, &k1), 0);
	cr_assert_eq(nlrs_pkt_flow_key(&p2, &k2), 0);
	cr_assert_eq(nlrs_flow_key_hash_sym(&k1), nlrs_flow_key_hash_sym(&k2));
	nlrs_flow_key_reverse(&k2, &kr);
	cr_assert(nlrs_flow_key_equal(&k1, &kr));
	cr_assert_not(nlrs_flow_key_equal(&k1, &k2));
	cr_assert_eq(nlrs_pkt_link_flow(&p1, &l1), 0);
	nlrs_flow_str(&l1, s, sizeof s);
	cr_assert_str_eq(s, "02:00:00:00:00:0a>02:00:00:00:00:0b");
	nlrs_flow_str(&n1, s, sizeof s);
	cr_assert_str_eq(s, "192.0.2.1>198.51.100.2");
	nlrs_flow_str(&t1, s, sizeof s);
	cr_assert_str_eq(s, "40000>80");
	/* an ARP frame has no network flow */
	nlrs_pkt_decode(&p1, 1, frame_arp_reply, frame_arp_reply_len, frame_arp_reply_len, NULL);
	cr_assert_eq(nlrs_pkt_net_flow(&p1, &n1), -NLRS_ENOENT);
	cr_assert_eq(nlrs_pkt_transport_flow(&p1, &n1), -NLRS_ENOENT);
}

Test(flow, ipv6_text_is_rfc5952)
{
	static const struct {
		uint8_t a[16];
		const char *s;
	} c[] = {
		{ { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, "2001:db8::1" },
		{ { [15] = 1 }, "::1" },
		{ { 0 }, "::" },
		{ { 0xfe, 0x80, [8] = 0x02, [9] = 0x15, [10] = 0x17, [11] = 0xff, [12] = 0xfe,
		    [13] = 0xcc, [14] = 0xe5, [15] = 0x46 }, "fe80::215:17ff:fecc:e546" },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 }, "2001:db8:0:1::1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 }, "2001:db8::1:0:0:1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 }, "2001:db8:1:1:1:1:1:1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 }, "2001:db8:0:1:1:1:1:1" },
		{ { [10] = 0xff, [11] = 0xff, 192, 0, 2, 1 }, "::ffff:192.0.2.1" },
		{ { 0xff, 0x02, [15] = 0x16 }, "ff02::16" },
		{ { 1, 0, [14] = 0, [15] = 0 }, "100::" },
	};
	char s[NLRS_ADDRSTRLEN];

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		int n = nlrs_ip6_str(c[i].a, s, sizeof s);

		cr_assert_str_eq(s, c[i].s);
		cr_assert_eq(n, (int)strlen(c[i].s));
	}
	/* cut to the buffer, full length returned */
	cr_assert_eq(nlrs_ip6_str(c[3].a, s, 6), 24);
	cr_assert_str_eq(s, "fe80:");
	cr_assert_eq(nlrs_ip4_str(NLRS_IP4(255, 255, 255, 255), s, sizeof s), 15);
	cr_assert_str_eq(s, "255.255.255.255");
	cr_assert_eq(nlrs_mac_str((const uint8_t *)"\xde\xad\xbe\xef\x00\x01", s, sizeof s), 17);
	cr_assert_str_eq(s, "de:ad:be:ef:00:01");
}
