/* SPDX-License-Identifier: BSD-2-Clause */
/* Link layers: Ethernet, 802.1Q/802.1ad, 802.3 + LLC/SNAP, Linux cooked
 * v1/v2, BSD loopback and OpenBSD loop, SLIP, raw IP; truncation at every
 * length; unknown link types. */
#include <criterion/criterion.h>

#include "pkt_test.h"
#include "wire/wire.h"

Test(link, ethernet_ipv4_udp_dns_real_frame)
{
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *e, *ip, *u, *d;

	cr_assert_eq(t_decode(&p, NLRS_LINKTYPE_ETHERNET, frame_dns_query, frame_dns_query_len,
			      frame_dns_query_len, NLRS_PKT_VERIFY_CSUM), 4);
	cr_assert(T_TYPES(&p, NLRS_LAYER_ETH, NLRS_LAYER_IPV4, NLRS_LAYER_UDP, NLRS_LAYER_DNS));
	cr_assert_eq(t_layers_sane(&p), 0);
	e = nlrs_pkt_link(&p);
	ip = nlrs_pkt_network(&p);
	u = nlrs_pkt_transport(&p);
	d = nlrs_pkt_application(&p);
	cr_assert_eq(e->u.eth.type, 0x0800);
	cr_assert_eq(memcmp(e->u.eth.dst, "\x00\x11\x22\x33\x44\x66", 6), 0);
	cr_assert_eq(ip->u.ipv4.src, NLRS_IP4(192, 168, 1, 11));
	cr_assert_eq(ip->u.ipv4.dst, NLRS_IP4(209, 87, 249, 18));
	cr_assert(ip->flags & NLRS_LF_CSUM_OK);
	cr_assert_eq(u->u.udp.sport, 43966);
	cr_assert_eq(u->u.udp.dport, 53);
	cr_assert(u->flags & NLRS_LF_CSUM_OK);
	cr_assert_eq(d->off, 42);
	cr_assert_eq(d->hlen, 56);
	cr_assert_eq(p.flags & (NLRS_LF_TRUNC | NLRS_LF_MALFORMED), 0);
}

Test(link, vlan_tag_becomes_its_own_layer)
{
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *v;

	t_decode(&p, NLRS_LINKTYPE_ETHERNET, frame_vlan_udp, frame_vlan_udp_len, frame_vlan_udp_len, 0);
	cr_assert(T_TYPES(&p, NLRS_LAYER_ETH, NLRS_LAYER_VLAN, NLRS_LAYER_IPV4, NLRS_LAYER_UDP,
			  NLRS_LAYER_PAYLOAD));
	cr_assert_eq(p.layers[0].u.eth.type, 0x8100);
	v = &p.layers[1];
	cr_assert_eq(v->off, 14);
	cr_assert_eq(v->hlen, 4);
	cr_assert_eq(v->u.vlan.vid, 2580);
	cr_assert_eq(v->u.vlan.tpid, 0x8100);
	cr_assert_eq(v->u.vlan.type, 0x0800);
	cr_assert_eq(p.layers[2].off, 18);
	cr_assert_eq(p.layers[3].u.udp.dport, 698);
	cr_assert_eq(t_layers_sane(&p), 0);
}

Test(link, qinq_s_tag_then_arp)
{
	struct nlrs_pkt p;

	t_decode(&p, NLRS_LINKTYPE_ETHERNET, frame_qinq_arp, frame_qinq_arp_len, frame_qinq_arp_len, 0);
	cr_assert_eq(p.layers[0].u.eth.type, 0x88a8);
	cr_assert_eq(p.layers[1].type, NLRS_LAYER_VLAN);
	cr_assert_eq(p.layers[1].u.vlan.tpid, 0x88a8);
	cr_assert_eq(p.layers[1].u.vlan.vid, 200);
	cr_assert_eq(nlrs_pkt_network(&p)->type, NLRS_LAYER_ARP);
}

Test(link, arp_padding_marks_link_padded)
{
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *a;

	t_decode(&p, NLRS_LINKTYPE_ETHERNET, frame_arp_request, frame_arp_request_len,
		 frame_arp_request_len, 0);
	cr_assert(T_TYPES(&p, NLRS_LAYER_ETH, NLRS_LAYER_ARP));
	cr_assert(p.layers[0].flags & NLRS_LF_PADDED);
	a = &p.layers[1];
	cr_assert_eq(a->u.arp.op, 1);
	cr_assert_eq(a->u.arp.tpa4, NLRS_IP4(10, 40, 1, 1));
	cr_assert_eq(a->u.arp.spa4, NLRS_IP4(10, 40, 2, 3));
	cr_assert_eq(a->hlen, 28);
	t_decode(&p, NLRS_LINKTYPE_ETHERNET, frame_arp_reply, frame_arp_reply_len, frame_arp_reply_len, 0);
	cr_assert_eq(p.layers[1].u.arp.op, 2);
	cr_assert_eq(memcmp(p.layers[1].u.arp.sha, "\x74\x83\xef\x07\xd0\xa9", 6), 0);
	cr_assert_eq(p.layers[0].flags & NLRS_LF_PADDED, 0);
}

Test(link, every_truncation_of_a_real_frame_is_marked_not_overread)
{
	struct nlrs_pkt p;

	for (size_t n = 0; n <= frame_dns_query_len; n++) {
		t_decode(&p, NLRS_LINKTYPE_ETHERNET, frame_dns_query, n, frame_dns_query_len, 0);
		cr_assert_eq(t_layers_sane(&p), 0, "cap %zu", n);
		cr_assert_eq(p.flags & NLRS_LF_MALFORMED, 0, "cap %zu: cut is not a lie", n);
		if (n < frame_dns_query_len && n > 0)
			cr_assert(p.flags & NLRS_LF_TRUNC, "cap %zu", n);
	}
	/* the same bytes with a wire length equal to the cut: now they lie */
	t_decode(&p, NLRS_LINKTYPE_ETHERNET, frame_dns_query, 40, 40, 0);
	cr_assert(p.flags & NLRS_LF_MALFORMED);
}

Test(link, cut_ethernet_header_has_no_fields)
{
	struct nlrs_pkt p;

	t_decode(&p, NLRS_LINKTYPE_ETHERNET, frame_ping, 10, 62, 0);
	cr_assert_eq(p.nlayers, 1);
	cr_assert(p.layers[0].flags & NLRS_LF_NOFIELDS);
	cr_assert(p.layers[0].flags & NLRS_LF_TRUNC);
	cr_assert_eq(p.layers[0].hlen, 10);
}

Test(link, ieee8023_llc_snap_carries_an_ethertype)
{
	uint8_t f[64];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	int n;

	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ .dst = { 1, 2, 3, 4, 5, 6 } }, 0);
	nlrs_pkt_build_llc(&b, &(struct nlrs_pkt_llc){ .dsap = 0xaa, .ssap = 0xaa, .control = 3,
						       .ctl_len = 1, .snap = true,
						       .snap_type = 0x0806 }, 0);
	nlrs_pkt_build_arp(&b, &(struct nlrs_pkt_arp){ .htype = 1, .ptype = 0x0800, .hlen = 6,
						       .plen = 4, .op = 1, .spa4 = T_IP_A,
						       .tpa4 = T_IP_B });
	n = nlrs_pkt_build_finish(&b);
	cr_assert_eq(n, 14 + 8 + 28);
	t_decode(&p, NLRS_LINKTYPE_ETHERNET, f, (size_t)n, (size_t)n, 0);
	cr_assert(T_TYPES(&p, NLRS_LAYER_ETH, NLRS_LAYER_LLC, NLRS_LAYER_ARP));
	cr_assert_eq(p.layers[0].u.eth.type, 36); /* a length */
	cr_assert(p.layers[1].u.llc.snap);
	cr_assert_eq(p.layers[1].u.llc.snap_type, 0x0806);
	cr_assert_eq(p.layers[2].u.arp.tpa4, T_IP_B);
}

Test(link, ieee8023_length_past_the_frame_is_a_lie)
{
	uint8_t f[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x05, 0xdc, 0x42, 0x42, 0x03 };
	struct nlrs_pkt p;

	t_decode(&p, NLRS_LINKTYPE_ETHERNET, f, sizeof f, sizeof f, 0);
	cr_assert_eq(p.nlayers, 1);
	cr_assert(p.layers[0].flags & NLRS_LF_MALFORMED);
	cr_assert_eq(p.layers[0].err, NLRS_PKT_ERR_BAD_LEN);
	/* the same header in a frame the capture cut: fine, LLC (STP SAP) */
	t_decode(&p, NLRS_LINKTYPE_ETHERNET, f, sizeof f, 1514, 0);
	cr_assert(T_TYPES(&p, NLRS_LAYER_ETH, NLRS_LAYER_LLC, NLRS_LAYER_PAYLOAD));
	cr_assert_eq(p.layers[1].u.llc.dsap, 0x42);
	cr_assert(p.flags & NLRS_LF_TRUNC);
	cr_assert_eq(p.flags & NLRS_LF_MALFORMED, 0);
}

Test(link, three_tags_are_malformed)
{
	uint8_t f[40] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x81, 0, 0, 1, 0x81, 0, 0, 2,
			  0x81, 0, 0, 3, 0x08, 0x00 };
	struct nlrs_pkt p;

	t_decode(&p, NLRS_LINKTYPE_ETHERNET, f, sizeof f, sizeof f, 0);
	cr_assert_eq(p.nlayers, 1);
	cr_assert(p.layers[0].flags & NLRS_LF_MALFORMED);
	cr_assert(p.layers[0].flags & NLRS_LF_NOFIELDS);
}

static int build_sll(uint8_t *f, size_t cap, int version)
{
	struct nlrs_pkt_builder b;

	nlrs_pkt_build_init(&b, f, cap);
	nlrs_pkt_build_sll(&b, version, &(struct nlrs_pkt_sll){ .pkttype = 4, .hatype = 1,
								 .halen = 6, .addr = { 2, 0, 0, 0, 0, 9 },
								 .ifindex = 7 }, 0);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 1, .src = T_IP_A, .dst = T_IP_B }, 0);
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 5000, .dport = 5001 }, 0);
	nlrs_pkt_build_payload(&b, "xy", 2);
	return nlrs_pkt_build_finish(&b);
}

Test(link, linux_cooked_v1_and_v2)
{
	uint8_t f[128];
	struct nlrs_pkt p;
	int n = build_sll(f, sizeof f, 1);

	cr_assert_eq(n, 16 + 20 + 8 + 2);
	t_decode(&p, NLRS_LINKTYPE_LINUX_SLL, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert(T_TYPES(&p, NLRS_LAYER_SLL, NLRS_LAYER_IPV4, NLRS_LAYER_UDP, NLRS_LAYER_PAYLOAD));
	cr_assert_eq(p.layers[0].u.sll.pkttype, 4);
	cr_assert_eq(p.layers[0].u.sll.proto, 0x0800);
	cr_assert_eq(p.layers[0].u.sll.addr[5], 9);
	cr_assert(p.layers[2].flags & NLRS_LF_CSUM_OK);
	n = build_sll(f, sizeof f, 2);
	cr_assert_eq(n, 20 + 20 + 8 + 2);
	t_decode(&p, NLRS_LINKTYPE_LINUX_SLL2, f, (size_t)n, (size_t)n, 0);
	cr_assert(T_TYPES(&p, NLRS_LAYER_SLL2, NLRS_LAYER_IPV4, NLRS_LAYER_UDP, NLRS_LAYER_PAYLOAD));
	cr_assert_eq(p.layers[0].u.sll.ifindex, 7);
	cr_assert_eq(p.layers[0].u.sll.pkttype, 4);
	cr_assert_eq(p.layers[1].u.ipv4.ttl, 1);
}

Test(link, linux_cooked_with_vlan_protocol_reads_the_tag)
{
	uint8_t f[128];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	int n;

	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_sll(&b, 1, &(struct nlrs_pkt_sll){ .hatype = 1 }, 0);
	nlrs_pkt_build_vlan(&b, &(struct nlrs_pkt_vlan){ .vid = 42, .pcp = 5 }, 0);
	nlrs_pkt_build_ipv6(&b, &(struct nlrs_pkt_ipv6){ .hlim = 9, .next = 59, .src = T_IP6_A,
							 .dst = T_IP6_B }, 0);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_LINUX_SLL, f, (size_t)n, (size_t)n, 0);
	cr_assert(T_TYPES(&p, NLRS_LAYER_SLL, NLRS_LAYER_VLAN, NLRS_LAYER_IPV6));
	cr_assert_eq(p.layers[0].u.sll.proto, 0x8100);
	cr_assert_eq(p.layers[1].u.vlan.vid, 42);
	cr_assert_eq(p.layers[1].u.vlan.pcp, 5);
	cr_assert_eq(p.layers[2].u.ipv6.hlim, 9);
}

Test(link, bsd_null_both_byte_orders_and_openbsd_loop)
{
	uint8_t f[64];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	int n;

	for (int sw = 0; sw < 2; sw++) {
		nlrs_pkt_build_init(&b, f, sizeof f);
		nlrs_pkt_build_null(&b, NLRS_LINKTYPE_NULL,
				    &(struct nlrs_pkt_null){ .family = 24, .swapped = sw }, 0);
		nlrs_pkt_build_ipv6(&b, &(struct nlrs_pkt_ipv6){ .hlim = 3, .next = 59 }, 0);
		n = nlrs_pkt_build_finish(&b);
		cr_assert_eq(f[sw ? 3 : 0], 24);
		t_decode(&p, NLRS_LINKTYPE_NULL, f, (size_t)n, (size_t)n, 0);
		cr_assert(T_TYPES(&p, NLRS_LAYER_NULL, NLRS_LAYER_IPV6));
		cr_assert_eq(p.layers[0].u.null.family, 24);
		cr_assert_eq(p.layers[0].u.null.swapped, sw);
	}
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_null(&b, NLRS_LINKTYPE_LOOP, &(struct nlrs_pkt_null){ .family = 2 }, 0);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 3, .proto = 253 }, 0);
	n = nlrs_pkt_build_finish(&b);
	cr_assert_eq(f[3], 2);
	t_decode(&p, NLRS_LINKTYPE_LOOP, f, (size_t)n, (size_t)n, 0);
	cr_assert(T_TYPES(&p, NLRS_LAYER_NULL, NLRS_LAYER_IPV4));
	cr_assert_eq(p.layers[1].u.ipv4.proto, 253);
}

Test(link, slip_pseudo_header_then_ip)
{
	uint8_t f[16 + 28];
	struct nlrs_pkt p;

	memset(f, 0, sizeof f);
	f[0] = 1;    /* sent */
	f[1] = 0x40; /* TYPE_IP */
	memcpy(f + 16, frame_ping + 14, 28);
	t_decode(&p, NLRS_LINKTYPE_SLIP, f, sizeof f, sizeof f, 0);
	cr_assert(T_TYPES(&p, NLRS_LAYER_SLIP, NLRS_LAYER_IPV4, NLRS_LAYER_ICMP4));
	cr_assert_eq(p.layers[0].u.slip.dir, 1);
	cr_assert_eq(p.layers[0].u.slip.type, 0x40);
	cr_assert_eq(p.layers[2].u.icmp4.type, 8);
}

Test(link, raw_ip_link_types_pick_by_version)
{
	static const uint32_t raw[] = { NLRS_LINKTYPE_RAW, NLRS_LINKTYPE_RAW_DLT,
					NLRS_LINKTYPE_RAW_OBSD };
	struct nlrs_pkt p;

	for (unsigned i = 0; i < 3; i++) {
		t_decode(&p, raw[i], frame_ping + 14, 48, 48, 0);
		cr_assert(T_TYPES(&p, NLRS_LAYER_IPV4, NLRS_LAYER_ICMP4), "lt %u", raw[i]);
		t_decode(&p, raw[i], v6_ns, sizeof v6_ns, sizeof v6_ns, 0);
		cr_assert(T_TYPES(&p, NLRS_LAYER_IPV6, NLRS_LAYER_ICMP6), "lt %u", raw[i]);
	}
	t_decode(&p, NLRS_LINKTYPE_IPV4, frame_ping + 14, 48, 48, 0);
	cr_assert_eq(p.layers[0].type, NLRS_LAYER_IPV4);
	t_decode(&p, NLRS_LINKTYPE_IPV6, v6_ns, sizeof v6_ns, sizeof v6_ns, 0);
	cr_assert_eq(p.layers[0].type, NLRS_LAYER_IPV6);
	/* IPv6 link type with an IPv4 packet: the view says so */
	t_decode(&p, NLRS_LINKTYPE_IPV6, frame_ping + 14, 48, 48, 0);
	cr_assert(p.layers[0].flags & NLRS_LF_MALFORMED);
	cr_assert_eq(p.layers[0].err, NLRS_PKT_ERR_BAD_VERSION);
	/* version 5 on a raw link */
	{
		uint8_t x[20] = { 0x50 };

		t_decode(&p, NLRS_LINKTYPE_RAW, x, sizeof x, sizeof x, 0);
		cr_assert(T_TYPES(&p, NLRS_LAYER_PAYLOAD));
		cr_assert_eq(p.layers[0].err, NLRS_PKT_ERR_BAD_VERSION);
	}
}

Test(link, unknown_link_type_is_one_payload_layer)
{
	struct nlrs_pkt p;

	cr_assert_eq(t_decode(&p, 147, frame_ping, frame_ping_len, frame_ping_len, 0), 1);
	cr_assert_eq(p.layers[0].type, NLRS_LAYER_PAYLOAD);
	cr_assert_eq(p.layers[0].hlen, frame_ping_len);
	cr_assert(!nlrs_linktype_supported(147));
	cr_assert(nlrs_linktype_supported(NLRS_LINKTYPE_LINUX_SLL2));
	cr_assert_str_eq(nlrs_linktype_name(NLRS_LINKTYPE_ETHERNET), "EN10MB");
	cr_assert_str_eq(nlrs_linktype_desc(NLRS_LINKTYPE_LINUX_SLL), "Linux cooked v1");
	cr_assert_null(nlrs_linktype_name(147));
}

Test(link, fcs_bits_in_link_type_are_ignored)
{
	struct nlrs_pkt p;

	t_decode(&p, 0x30000001u, frame_ping, frame_ping_len, frame_ping_len, 0);
	cr_assert_eq(p.linktype, 1);
	cr_assert(T_TYPES(&p, NLRS_LAYER_ETH, NLRS_LAYER_IPV4, NLRS_LAYER_ICMP4));
}

Test(link, bad_arguments_and_empty_frames)
{
	struct nlrs_pkt p;

	cr_assert_eq(nlrs_pkt_decode(NULL, 1, frame_ping, 10, 10, NULL), -NLRS_EINVAL);
	cr_assert_eq(nlrs_pkt_decode(&p, 1, NULL, 10, 10, NULL), -NLRS_EINVAL);
	cr_assert_eq(nlrs_pkt_decode(&p, 1, NULL, 0, 0, NULL), 0);
	cr_assert_null(nlrs_pkt_link(&p));
	cr_assert_null(nlrs_pkt_first(&p));
	/* wirelen below caplen is taken as caplen */
	cr_assert_eq(t_decode(&p, 1, frame_ping, frame_ping_len, 3, 0), 3);
	cr_assert_eq(p.wirelen, frame_ping_len);
	cr_assert_eq(p.flags & NLRS_LF_TRUNC, 0);
}

Test(link, iterate_and_find)
{
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *l;
	unsigned n = 0;

	t_decode(&p, 1, frame_host_unreach, frame_host_unreach_len, frame_host_unreach_len, 0);
	for (l = nlrs_pkt_first(&p); l; l = nlrs_pkt_next(&p, l))
		n++;
	cr_assert_eq(n, p.nlayers);
	l = nlrs_pkt_find(&p, NLRS_LAYER_IPV4);
	cr_assert_eq(l->depth, 0);
	l = nlrs_pkt_find_next(&p, l, NLRS_LAYER_IPV4);
	cr_assert_not_null(l);
	cr_assert(l->flags & NLRS_LF_QUOTED);
	cr_assert_null(nlrs_pkt_find_next(&p, l, NLRS_LAYER_IPV4));
	cr_assert_null(nlrs_pkt_find(&p, NLRS_LAYER_TCP));
	cr_assert_eq(nlrs_pkt_transport(&p)->type, NLRS_LAYER_ICMP4);
	cr_assert_null(nlrs_pkt_application(&p));
	cr_assert_str_eq(nlrs_layer_name(NLRS_LAYER_IPV6_FRAGMENT), "ipv6-frag");
	cr_assert_eq(nlrs_layer_class(NLRS_LAYER_SCTP), NLRS_CLASS_TRANSPORT);
	cr_assert_eq(nlrs_layer_class(NLRS_LAYER_USER + 1), NLRS_CLASS_NONE);
}
