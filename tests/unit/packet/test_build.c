/* SPDX-License-Identifier: BSD-2-Clause */
/* Builder: build -> decode -> the same fields, for every layer; lengths,
 * next-protocol fields and checksums computed unless kept; wrong values
 * kept on request; errors. */
#include <criterion/criterion.h>

#include "pkt_test.h"
#include "wire/wire.h"

Test(build, ethernet_vlan_ipv4_tcp_round_trip)
{
	uint8_t f[256];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	struct nlrs_pkt_eth e = { .dst = { 1, 2, 3, 4, 5, 6 }, .src = { 2, 3, 4, 5, 6, 7 } };
	struct nlrs_pkt_vlan v = { .pcp = 3, .dei = true, .vid = 4000 };
	struct nlrs_pkt_ipv4 ip = { .tos = 0x10, .id = 0xbeef, .df = true, .ttl = 63, .src = T_IP_A,
				    .dst = T_IP_B, .opts = (const uint8_t *)"\x94\x04\x00\x00",
				    .optlen = 4 };
	struct nlrs_pkt_tcp t = { .sport = 22, .dport = 50000, .seq = 1, .ack = 2,
				  .flags = NLRS_TCPF_PSH | NLRS_TCPF_ACK | NLRS_TCPF_ECE, .window = 501,
				  .urg = 0 };
	const struct nlrs_pkt_layer *l;
	int n;

	t.o.has_ts = true;
	t.o.tsval = 10;
	t.o.tsecr = 20;
	nlrs_pkt_build_init(&b, f, sizeof f);
	cr_assert_eq(nlrs_pkt_build_eth(&b, &e, 0), 0);
	cr_assert_eq(nlrs_pkt_build_vlan(&b, &v, 0), 0);
	cr_assert_eq(nlrs_pkt_build_ipv4(&b, &ip, 0), 0);
	cr_assert_eq(nlrs_pkt_build_tcp(&b, &t, 0), 0);
	cr_assert_eq(nlrs_pkt_build_payload(&b, "SSH-2.0-x\r\n", 11), 0);
	n = nlrs_pkt_build_finish(&b);
	cr_assert_eq(n, 14 + 4 + 24 + 32 + 11);
	cr_assert_eq(t_decode(&p, 1, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM), 5);
	cr_assert(T_TYPES(&p, NLRS_LAYER_ETH, NLRS_LAYER_VLAN, NLRS_LAYER_IPV4, NLRS_LAYER_TCP,
			  NLRS_LAYER_SSH));
	cr_assert_eq(memcmp(p.layers[0].u.eth.dst, e.dst, 6), 0);
	cr_assert_eq(memcmp(p.layers[0].u.eth.src, e.src, 6), 0);
	cr_assert_eq(p.layers[0].u.eth.type, 0x8100);
	l = &p.layers[1];
	cr_assert(l->u.vlan.pcp == 3 && l->u.vlan.dei && l->u.vlan.vid == 4000);
	cr_assert_eq(l->u.vlan.type, 0x0800);
	l = &p.layers[2];
	cr_assert(l->flags & NLRS_LF_CSUM_OK);
	cr_assert_eq(l->u.ipv4.tos, 0x10);
	cr_assert_eq(l->u.ipv4.id, 0xbeef);
	cr_assert(l->u.ipv4.df && !l->u.ipv4.mf);
	cr_assert_eq(l->u.ipv4.ttl, 63);
	cr_assert_eq(l->u.ipv4.proto, 6);
	cr_assert_eq(l->u.ipv4.tot_len, 24 + 32 + 11);
	cr_assert_eq(l->u.ipv4.hlen, 24);
	l = &p.layers[3];
	cr_assert(l->flags & NLRS_LF_CSUM_OK);
	cr_assert_eq(l->u.tcp.sport, 22);
	cr_assert_eq(l->u.tcp.ack, 2);
	cr_assert_eq(l->u.tcp.flags, t.flags);
	cr_assert_eq(l->u.tcp.window, 501);
	cr_assert(l->u.tcp.o.has_ts && l->u.tcp.o.tsval == 10 && l->u.tcp.o.tsecr == 20);
	cr_assert_eq(p.flags & (NLRS_LF_MALFORMED | NLRS_LF_TRUNC | NLRS_LF_CSUM_BAD), 0);
}

Test(build, qinq_tpid_comes_from_the_tag)
{
	uint8_t f[128];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	int n;

	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ 0 }, 0);
	nlrs_pkt_build_vlan(&b, &(struct nlrs_pkt_vlan){ .tpid = 0x88a8, .vid = 100 }, 0);
	nlrs_pkt_build_vlan(&b, &(struct nlrs_pkt_vlan){ .vid = 200 }, 0);
	nlrs_pkt_build_ipv6(&b, &(struct nlrs_pkt_ipv6){ .hlim = 1, .next = 59 }, NLRS_BUILD_KEEP_NEXT);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, 1, f, (size_t)n, (size_t)n, 0);
	cr_assert(T_TYPES(&p, NLRS_LAYER_ETH, NLRS_LAYER_VLAN, NLRS_LAYER_VLAN, NLRS_LAYER_IPV6));
	cr_assert_eq(p.layers[0].u.eth.type, 0x88a8);
	cr_assert_eq(p.layers[1].u.vlan.vid, 100);
	cr_assert_eq(p.layers[1].u.vlan.type, 0x8100);
	cr_assert_eq(p.layers[2].u.vlan.vid, 200);
	cr_assert_eq(p.layers[2].u.vlan.type, 0x86dd);
}

Test(build, ipv6_extensions_udp_round_trip)
{
	uint8_t f[256];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	struct nlrs_pkt_ipv6 ip = { .tclass = 0xb8, .flow = 0xabcde, .hlim = 255, .src = T_IP6_A,
				    .dst = T_IP6_B };
	uint8_t ra[4] = { 5, 2, 0, 0 }; /* router alert */
	uint8_t addr[20] = { 0 };
	int n;

	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv6(&b, &ip, 0);
	nlrs_pkt_build_ipv6ext(&b, NLRS_LAYER_IPV6_HOPOPTS,
			       &(struct nlrs_pkt_ipv6ext){ .data = ra, .dlen = 4 }, 0);
	nlrs_pkt_build_ipv6ext(&b, NLRS_LAYER_IPV6_ROUTING,
			       &(struct nlrs_pkt_ipv6ext){ .rt_type = 4, .segs_left = 0, .data = addr,
							   .dlen = 20 }, 0);
	nlrs_pkt_build_ipv6ext(&b, NLRS_LAYER_IPV6_DSTOPTS, &(struct nlrs_pkt_ipv6ext){ 0 }, 0);
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 547, .dport = 546 }, 0);
	nlrs_pkt_build_payload(&b, "dhcp6", 5);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert(T_TYPES(&p, NLRS_LAYER_IPV6, NLRS_LAYER_IPV6_HOPOPTS, NLRS_LAYER_IPV6_ROUTING,
			  NLRS_LAYER_IPV6_DSTOPTS, NLRS_LAYER_UDP, NLRS_LAYER_PAYLOAD));
	cr_assert_eq(p.layers[0].u.ipv6.tclass, 0xb8);
	cr_assert_eq(p.layers[0].u.ipv6.flow, 0xabcde);
	cr_assert_eq(p.layers[0].u.ipv6.next, 0);
	cr_assert_eq(p.layers[0].u.ipv6.plen, n - 40);
	cr_assert_eq(p.layers[1].u.ipv6ext.next, 43);
	cr_assert_eq(p.layers[2].u.ipv6ext.len, 24);
	cr_assert_eq(p.layers[2].u.ipv6ext.rt_type, 4);
	cr_assert_eq(p.layers[3].u.ipv6ext.next, 17);
	cr_assert(p.layers[4].flags & NLRS_LF_CSUM_OK);
	cr_assert_eq(p.layers[4].u.udp.len, 13);
	cr_assert_eq(p.flags & NLRS_LF_MALFORMED, 0);
}

Test(build, icmp_errors_quote_what_follows)
{
	uint8_t f[256];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	int n;

	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 64, .src = T_IP_B, .dst = T_IP_A }, 0);
	nlrs_pkt_build_icmp4(&b, &(struct nlrs_pkt_icmp4){ .type = 3, .code = 4, .mtu = 1400 }, 0);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 1, .src = T_IP_A, .dst = T_IP_B }, 0);
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 33434, .dport = 33435 }, 0);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert(T_TYPES(&p, NLRS_LAYER_IPV4, NLRS_LAYER_ICMP4, NLRS_LAYER_IPV4, NLRS_LAYER_UDP));
	cr_assert(p.layers[1].flags & NLRS_LF_CSUM_OK);
	cr_assert_eq(p.layers[1].u.icmp4.mtu, 1400);
	cr_assert(p.layers[3].flags & NLRS_LF_QUOTED);
	cr_assert_eq(p.layers[3].u.udp.dport, 33435);

	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv6(&b, &(struct nlrs_pkt_ipv6){ .hlim = 64, .src = T_IP6_B, .dst = T_IP6_A }, 0);
	nlrs_pkt_build_icmp6(&b, &(struct nlrs_pkt_icmp6){ .type = 2, .mtu = 1280 }, 0);
	nlrs_pkt_build_ipv6(&b, &(struct nlrs_pkt_ipv6){ .hlim = 1, .src = T_IP6_A, .dst = T_IP6_B }, 0);
	nlrs_pkt_build_tcp(&b, &(struct nlrs_pkt_tcp){ .sport = 1, .dport = 2, .flags = 2 }, 0);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert(T_TYPES(&p, NLRS_LAYER_IPV6, NLRS_LAYER_ICMP6, NLRS_LAYER_IPV6, NLRS_LAYER_TCP));
	cr_assert(p.layers[1].flags & NLRS_LF_CSUM_OK);
	cr_assert_eq(p.layers[1].u.icmp6.mtu, 1280);
	cr_assert_eq(p.layers[3].u.tcp.flags, 2);
}

Test(build, kept_wrong_lengths_and_checksums_are_written_as_given)
{
	uint8_t f[128];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	int n;

	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 9, .tot_len = 30, .csum = 0x1234,
							 .proto = 99 },
			    NLRS_BUILD_KEEP_LEN | NLRS_BUILD_KEEP_CSUM | NLRS_BUILD_KEEP_NEXT);
	nlrs_pkt_build_tcp(&b, &(struct nlrs_pkt_tcp){ .sport = 1, .dport = 2, .csum = 0xdead },
			   NLRS_BUILD_KEEP_CSUM);
	nlrs_pkt_build_payload(&b, "0123456789", 10);
	n = nlrs_pkt_build_finish(&b);
	cr_assert_eq(nlrs_rd16(f + 2), 30);
	cr_assert_eq(nlrs_rd16(f + 10), 0x1234);
	cr_assert_eq(f[9], 99);
	cr_assert_eq(nlrs_rd16(f + 36), 0xdead);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert(p.layers[0].flags & NLRS_LF_CSUM_BAD);
	cr_assert_eq(p.layers[0].u.ipv4.tot_len, 30);
	cr_assert_eq(p.layers[0].u.ipv4.csum, 0x1234);
	/* protocol 99: payload, 10 bytes by the lying length */
	cr_assert_eq(p.layers[1].type, NLRS_LAYER_PAYLOAD);
	cr_assert_eq(p.layers[1].hlen, 10);
	cr_assert(p.layers[0].flags & NLRS_LF_PADDED || p.nlayers == 2);
	/* the TCP checksum: wrong when kept */
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 9 }, 0);
	nlrs_pkt_build_tcp(&b, &(struct nlrs_pkt_tcp){ .sport = 1, .dport = 2, .csum = 0xdead },
			   NLRS_BUILD_KEEP_CSUM);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert(p.layers[0].flags & NLRS_LF_CSUM_OK);
	cr_assert(p.layers[1].flags & NLRS_LF_CSUM_BAD);
	cr_assert_eq(p.layers[1].u.tcp.csum, 0xdead);
}

Test(build, kept_header_lengths_disagree_with_the_options)
{
	uint8_t f[128];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	int n;

	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 9, .hlen = 60 }, NLRS_BUILD_KEEP_HLEN);
	nlrs_pkt_build_payload(&b, "abcdefgh", 8);
	n = nlrs_pkt_build_finish(&b);
	cr_assert_eq(f[0], 0x4f);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	cr_assert(p.layers[0].flags & NLRS_LF_MALFORMED);
	cr_assert(p.layers[0].flags & NLRS_LF_PARTIAL);
	cr_assert_eq(p.layers[0].u.ipv4.hlen, 60);
}

Test(build, errors_stick)
{
	uint8_t f[30];
	struct nlrs_pkt_builder b;

	nlrs_pkt_build_init(&b, f, sizeof f);
	cr_assert_eq(nlrs_pkt_build_vlan(&b, &(struct nlrs_pkt_vlan){ .vid = 1 }, 0), -NLRS_EINVAL);
	cr_assert_eq(nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ 0 }, 0), -NLRS_EINVAL);
	cr_assert_eq(nlrs_pkt_build_finish(&b), -NLRS_EINVAL);

	nlrs_pkt_build_init(&b, f, sizeof f);
	cr_assert_eq(nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ 0 }, 0), 0);
	cr_assert_eq(nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 1 }, 0), -NLRS_ENOSPC);
	cr_assert_eq(nlrs_pkt_build_finish(&b), -NLRS_ENOSPC);

	nlrs_pkt_build_init(&b, f, sizeof f);
	cr_assert_eq(nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ 0 }, 0), 0);
	cr_assert_eq(nlrs_pkt_build_vlan(&b, &(struct nlrs_pkt_vlan){ .vid = 4096 }, 0), -NLRS_EINVAL);

	nlrs_pkt_build_init(&b, f, sizeof f);
	cr_assert_eq(nlrs_pkt_build_tcp(&b, &(struct nlrs_pkt_tcp){ .opts = f, .optlen = 3 }, 0),
		     -NLRS_EINVAL);
	nlrs_pkt_build_init(&b, f, sizeof f);
	cr_assert_eq(nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .frag_off = 5 }, 0), -NLRS_EINVAL);
	cr_assert_eq(b.len, 0);
	{
		uint8_t big[2048];

		nlrs_pkt_build_init(&b, big, sizeof big);
		for (int i = 0; i < NLRS_PKT_MAX_LAYERS; i++)
			cr_assert_eq(nlrs_pkt_build_payload(&b, "x", 1), 0);
		cr_assert_eq(nlrs_pkt_build_payload(&b, "x", 1), -NLRS_EMSGSIZE);
	}
}

Test(build, arp_with_numeric_addresses)
{
	uint8_t f[64];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	static const uint8_t sha[6] = { 2, 0, 0, 0, 0, 1 };
	int n;

	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ .dst = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } }, 0);
	nlrs_pkt_build_arp(&b, &(struct nlrs_pkt_arp){ .htype = 1, .ptype = 0x0800, .hlen = 6,
						       .plen = 4, .op = 1, .sha = sha, .spa4 = T_IP_A,
						       .tpa4 = T_IP_B });
	n = nlrs_pkt_build_finish(&b);
	cr_assert_eq(n, 42);
	cr_assert_eq(nlrs_rd16(f + 12), 0x0806);
	t_decode(&p, 1, f, (size_t)n, (size_t)n, 0);
	cr_assert_eq(p.layers[1].u.arp.spa4, T_IP_A);
	cr_assert_eq(p.layers[1].u.arp.tpa4, T_IP_B);
	cr_assert_eq(memcmp(p.layers[1].u.arp.sha, sha, 6), 0);
	cr_assert_eq(p.layers[1].u.arp.tha[0], 0);
}
