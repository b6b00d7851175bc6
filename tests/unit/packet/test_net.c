/* SPDX-License-Identifier: BSD-2-Clause */
/* Network layers: IPv4 (options, lies, fragments, tunnels), IPv6 and its
 * extension headers, AH, ESP, ICMPv4 and ICMPv6 with quotes, ND and MLD. */
#include <criterion/criterion.h>

#include "pkt_test.h"
#include "wire/wire.h"
#include "wire/checksum.h"

Test(net, ipv4_router_alert_option_walks)
{
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *ip;
	struct nlrs_pkt_opt o;
	size_t pos = 0;

	t_decode(&p, 1, frame_igmp_ra, frame_igmp_ra_len, frame_igmp_ra_len, NLRS_PKT_VERIFY_CSUM);
	ip = nlrs_pkt_network(&p);
	cr_assert_eq(ip->u.ipv4.hlen, 24);
	cr_assert_eq(ip->u.ipv4.optlen, 4);
	cr_assert(ip->flags & NLRS_LF_CSUM_OK);
	cr_assert(p.layers[0].flags & NLRS_LF_PADDED);
	cr_assert_eq(nlrs_pkt_ip4opt_next(ip, &pos, &o), 1);
	cr_assert_eq(o.kind, 148); /* router alert */
	cr_assert_eq(o.len, 4);
	cr_assert_eq(o.dlen, 2);
	cr_assert_eq(nlrs_pkt_ip4opt_next(ip, &pos, &o), 0);
	/* IGMP (2) is not decoded: a payload layer */
	cr_assert_eq(p.layers[2].type, NLRS_LAYER_PAYLOAD);
}

static void ping_copy(uint8_t *f)
{
	memcpy(f, frame_ping, frame_ping_len);
}

static void fix_ip_csum(uint8_t *ip)
{
	size_t hl = (size_t)(ip[0] & 0x0f) * 4;

	ip[10] = ip[11] = 0;
	nlrs_wr16(ip + 10, nlrs_csum_fold(nlrs_csum_add(0, ip, hl)));
}

Test(net, ipv4_total_length_lies)
{
	uint8_t f[62];
	struct nlrs_pkt p;

	/* below the header */
	ping_copy(f);
	nlrs_wr16(f + 16, 19);
	fix_ip_csum(f + 14);
	t_decode(&p, 1, f, sizeof f, sizeof f, NLRS_PKT_VERIFY_CSUM);
	cr_assert(T_TYPES(&p, NLRS_LAYER_ETH, NLRS_LAYER_IPV4));
	cr_assert_eq(p.layers[1].err, NLRS_PKT_ERR_BAD_LEN);
	cr_assert_eq(p.layers[1].u.ipv4.tot_len, 19);
	/* past the frame: the link's length bounds what follows */
	ping_copy(f);
	nlrs_wr16(f + 16, 1000);
	fix_ip_csum(f + 14);
	t_decode(&p, 1, f, sizeof f, sizeof f, 0);
	cr_assert(p.layers[1].flags & NLRS_LF_MALFORMED);
	cr_assert_eq(p.layers[1].err, NLRS_PKT_ERR_BAD_LEN);
	cr_assert_eq(p.layers[1].wire_plen, 48 - 20);
	cr_assert_eq(p.layers[2].type, NLRS_LAYER_ICMP4);
	/* IHL below 5 */
	ping_copy(f);
	f[14] = 0x44;
	t_decode(&p, 1, f, sizeof f, sizeof f, 0);
	cr_assert(p.layers[1].flags & NLRS_LF_NOFIELDS);
	cr_assert_eq(p.layers[1].err, NLRS_PKT_ERR_BAD_HLEN);
	/* bad header checksum */
	ping_copy(f);
	f[24] ^= 1;
	t_decode(&p, 1, f, sizeof f, sizeof f, NLRS_PKT_VERIFY_CSUM);
	cr_assert(p.layers[1].flags & NLRS_LF_CSUM_BAD);
	cr_assert_eq(p.layers[1].flags & NLRS_LF_MALFORMED, 0);
}

Test(net, ipv4_options_lie_or_cut)
{
	uint8_t f[80];
	struct nlrs_pkt p;

	memcpy(f, frame_igmp_ra, 60);
	f[14 + 21] = 9; /* router alert length 9 in a 4-byte area */
	fix_ip_csum(f + 14);
	t_decode(&p, 1, f, 60, 60, 0);
	cr_assert(p.layers[1].flags & NLRS_LF_OPTS_BAD);
	cr_assert_eq(p.layers[1].err, NLRS_PKT_ERR_BAD_OPTION);
	cr_assert_eq(p.layers[1].u.ipv4.src, nlrs_rd32(f + 26));
	/* options cut by the snap length: fields from the fixed part */
	memcpy(f, frame_igmp_ra, 60);
	t_decode(&p, 1, f, 36, 60, 0);
	cr_assert_eq(p.nlayers, 2);
	cr_assert(p.layers[1].flags & NLRS_LF_PARTIAL);
	cr_assert(p.layers[1].flags & NLRS_LF_TRUNC);
	cr_assert_eq(p.layers[1].flags & NLRS_LF_MALFORMED, 0);
	cr_assert_eq(p.layers[1].u.ipv4.hlen, 24);
	cr_assert_eq(p.layers[1].u.ipv4.optlen, 2);
	cr_assert_eq(p.layers[1].hlen, 22);
}

Test(net, ipv4_fragments)
{
	uint8_t f[128], pl[40];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	int n;

	memset(pl, 'a', sizeof pl);
	/* first fragment: UDP header read, its length covers later fragments */
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 9, .mf = true, .id = 7 }, 0);
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 1, .dport = 2, .len = 1000 },
			   NLRS_BUILD_KEEP_LEN | NLRS_BUILD_KEEP_CSUM);
	nlrs_pkt_build_payload(&b, pl, sizeof pl);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert(T_TYPES(&p, NLRS_LAYER_IPV4, NLRS_LAYER_UDP, NLRS_LAYER_PAYLOAD));
	cr_assert(p.layers[0].flags & NLRS_LF_FRAGMENT);
	cr_assert_eq(p.layers[1].u.udp.len, 1000);
	cr_assert_eq(p.layers[1].flags & (NLRS_LF_MALFORMED | NLRS_LF_CSUM_BAD | NLRS_LF_CSUM_OK), 0);
	/* a later fragment carries no UDP header */
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 9, .frag_off = 48, .proto = 17 }, 0);
	nlrs_pkt_build_payload(&b, pl, sizeof pl);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	cr_assert(T_TYPES(&p, NLRS_LAYER_IPV4, NLRS_LAYER_PAYLOAD));
	cr_assert_eq(p.layers[0].u.ipv4.frag_off, 48);
	cr_assert(p.layers[0].flags & NLRS_LF_FRAGMENT);
}

Test(net, ip_in_ip_inner_layers_follow)
{
	uint8_t f[128];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	int n;

	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 9, .src = 1, .dst = 2 }, 0);
	nlrs_pkt_build_ipv6(&b, &(struct nlrs_pkt_ipv6){ .hlim = 5, .src = T_IP6_A, .dst = T_IP6_B }, 0);
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 7, .dport = 9 }, 0);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert(T_TYPES(&p, NLRS_LAYER_IPV4, NLRS_LAYER_IPV6, NLRS_LAYER_UDP));
	cr_assert_eq(p.layers[0].u.ipv4.proto, 41);
	cr_assert_eq(nlrs_pkt_network(&p), &p.layers[0]);
	cr_assert(p.layers[2].flags & NLRS_LF_CSUM_OK); /* pseudo-header of the inner IPv6 */
}

Test(net, ipv6_hop_by_hop_then_mldv2)
{
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *h, *m;
	struct nlrs_pkt_opt o;
	size_t pos = 0;
	int saw_ra = 0;

	t_decode(&p, NLRS_LINKTYPE_RAW, v6_mld, sizeof v6_mld, sizeof v6_mld, NLRS_PKT_VERIFY_CSUM);
	cr_assert(T_TYPES(&p, NLRS_LAYER_IPV6, NLRS_LAYER_IPV6_HOPOPTS, NLRS_LAYER_ICMP6));
	h = &p.layers[1];
	cr_assert_eq(h->u.ipv6ext.next, 58);
	cr_assert_eq(h->u.ipv6ext.len, 8);
	while (nlrs_pkt_ip6opt_next(h, &pos, &o) == 1)
		saw_ra |= o.kind == 5 && o.dlen == 2;
	cr_assert(saw_ra);
	m = &p.layers[2];
	cr_assert_eq(m->u.icmp6.type, 143);
	cr_assert(m->u.icmp6.mld2_nrec >= 1);
	cr_assert(m->flags & NLRS_LF_CSUM_OK);
	cr_assert_eq(nlrs_pkt_network(&p), &p.layers[0]);
	cr_assert_eq(nlrs_pkt_transport(&p), m);
}

Test(net, ipv6_routing_header_then_echo)
{
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *r, *e;

	t_decode(&p, NLRS_LINKTYPE_RAW, v6_rthdr_echo, sizeof v6_rthdr_echo, sizeof v6_rthdr_echo,
		 NLRS_PKT_VERIFY_CSUM);
	cr_assert(T_TYPES(&p, NLRS_LAYER_IPV6, NLRS_LAYER_IPV6_ROUTING, NLRS_LAYER_ICMP6));
	r = &p.layers[1];
	cr_assert_eq(r->u.ipv6ext.rt_type, 0);
	cr_assert_eq(r->u.ipv6ext.segs_left, 1);
	cr_assert_eq(r->u.ipv6ext.dlen, 20);
	e = &p.layers[2];
	cr_assert_eq(e->u.icmp6.type, 128);
	/* segments left: the checksum's destination is elsewhere, not judged */
	cr_assert_eq(e->flags & (NLRS_LF_CSUM_OK | NLRS_LF_CSUM_BAD), 0);
}

Test(net, icmpv6_param_problem_quotes_a_fragment)
{
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *q;

	t_decode(&p, NLRS_LINKTYPE_RAW, v6_pp_frag, sizeof v6_pp_frag, sizeof v6_pp_frag, 0);
	cr_assert_eq(p.layers[1].type, NLRS_LAYER_ICMP6);
	cr_assert_eq(p.layers[1].u.icmp6.type, 4);
	cr_assert_eq(p.layers[1].u.icmp6.code, 3);
	q = nlrs_pkt_find_next(&p, &p.layers[0], NLRS_LAYER_IPV6);
	cr_assert_not_null(q);
	cr_assert(q->flags & NLRS_LF_QUOTED);
	cr_assert_eq(q->depth, 1);
	q = nlrs_pkt_find(&p, NLRS_LAYER_IPV6_FRAGMENT);
	cr_assert_not_null(q);
	cr_assert(q->flags & NLRS_LF_QUOTED);
	cr_assert_eq(q->u.ipv6ext.next, 41);
	cr_assert_eq(t_layers_sane(&p), 0);
}

Test(net, neighbor_solicitation_and_router_advertisement)
{
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *l;
	struct nlrs_pkt_nd_opt o;
	size_t pos = 0;
	int prefix = 0, mtu = 0, slla = 0, n = 0, r;

	t_decode(&p, NLRS_LINKTYPE_RAW, v6_ns, sizeof v6_ns, sizeof v6_ns, NLRS_PKT_VERIFY_CSUM);
	l = nlrs_pkt_transport(&p);
	cr_assert_eq(l->u.icmp6.type, 135);
	cr_assert_eq(l->u.icmp6.target[0], 0xfe);
	cr_assert_eq(l->u.icmp6.target[15], 0x84);
	cr_assert(l->flags & NLRS_LF_CSUM_OK);
	cr_assert_eq(nlrs_pkt_nd_opt_next(l, &pos, &o), 0); /* DAD: no options */

	t_decode(&p, NLRS_LINKTYPE_RAW, v6_ra, sizeof v6_ra, sizeof v6_ra, 0);
	l = nlrs_pkt_transport(&p);
	cr_assert_eq(l->u.icmp6.type, 134);
	cr_assert_eq(l->u.icmp6.ra_hlim, 64);
	cr_assert_not_null(l->u.icmp6.nd_opts);
	pos = 0;
	while ((r = nlrs_pkt_nd_opt_next(l, &pos, &o)) == 1) {
		n++;
		if (o.type == 3) {
			prefix = 1;
			cr_assert_eq(o.prefix_len, 72); /* tcpdump: 2222:3333:4444:5555:6600::/72 */
		}
		if (o.type == 5) {
			mtu = 1;
			cr_assert_eq(o.mtu, 100); /* as tcpdump's icmpv6.out reads it */
		}
		if (o.type == 1) {
			slla = 1;
			cr_assert(o.has_lladdr);
		}
	}
	cr_assert_eq(r, 0);
	cr_assert(prefix && mtu && slla);
	cr_assert_eq(n, 7);
}

Test(net, icmpv4_echo_and_error_quote)
{
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *l, *q;

	t_decode(&p, 1, frame_ping, frame_ping_len, frame_ping_len, NLRS_PKT_VERIFY_CSUM);
	l = nlrs_pkt_transport(&p);
	cr_assert_eq(l->u.icmp4.type, 8);
	cr_assert_eq(l->u.icmp4.id, 0x4024);
	cr_assert_eq(l->u.icmp4.seq, 0);
	cr_assert(l->flags & NLRS_LF_CSUM_OK);

	t_decode(&p, 1, frame_host_unreach, frame_host_unreach_len, frame_host_unreach_len,
		 NLRS_PKT_VERIFY_CSUM);
	cr_assert(T_TYPES(&p, NLRS_LAYER_ETH, NLRS_LAYER_IPV4, NLRS_LAYER_ICMP4, NLRS_LAYER_IPV4,
			  NLRS_LAYER_ICMP4));
	l = &p.layers[2];
	cr_assert_eq(l->u.icmp4.type, 3);
	cr_assert_eq(l->u.icmp4.code, 1);
	q = &p.layers[4];
	cr_assert(q->flags & NLRS_LF_QUOTED);
	cr_assert_eq(q->u.icmp4.type, 8);
	cr_assert_eq(q->u.icmp4.id, 0x4024);
	cr_assert_eq(p.layers[3].u.ipv4.dst, NLRS_IP4(10, 30, 4, 4));
	/* the quoted layers are not the packet's own */
	cr_assert_eq(nlrs_pkt_transport(&p), l);
	/* unless asked not to, the quote is decoded */
	t_decode(&p, 1, frame_host_unreach, frame_host_unreach_len, frame_host_unreach_len,
		 NLRS_PKT_NO_QUOTED);
	cr_assert_eq(p.nlayers, 3);
}

Test(net, icmpv4_timestamp_fields)
{
	uint8_t f[64], body[12];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	int n;

	nlrs_wr32(body, 1);
	nlrs_wr32(body + 4, 2);
	nlrs_wr32(body + 8, 3);
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 9 }, 0);
	nlrs_pkt_build_icmp4(&b, &(struct nlrs_pkt_icmp4){ .type = 13, .id = 5, .seq = 6 }, 0);
	nlrs_pkt_build_payload(&b, body, sizeof body);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert_eq(p.layers[1].u.icmp4.id, 5);
	cr_assert_eq(p.layers[1].u.icmp4.ts_orig, 1);
	cr_assert_eq(p.layers[1].u.icmp4.ts_xmit, 3);
	cr_assert(p.layers[1].flags & NLRS_LF_CSUM_OK);
}

Test(net, ah_and_esp)
{
	uint8_t f[128], icv[12] = { 0 }, esp[24];
	struct nlrs_pkt p;
	struct nlrs_pkt_builder b;
	int n;

	/* AH by hand (the builder has no AH entry): next 17, len (24/4)-2 */
	uint8_t ah[24] = { 17, 4, 0, 0, 0, 0, 0x10, 0x01, 0, 0, 0, 9 };

	memcpy(ah + 12, icv, sizeof icv);
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 9, .proto = 51 },
			    NLRS_BUILD_KEEP_NEXT);
	nlrs_pkt_build_payload(&b, ah, sizeof ah);
	nlrs_pkt_build_payload(&b, "\x00\x07\x00\x09\x00\x08\x00\x00", 8);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	cr_assert(T_TYPES(&p, NLRS_LAYER_IPV4, NLRS_LAYER_AH, NLRS_LAYER_UDP));
	cr_assert_eq(p.layers[1].u.ah.spi, 0x1001);
	cr_assert_eq(p.layers[1].u.ah.seq, 9);
	cr_assert_eq(p.layers[1].u.ah.icvlen, 12);
	cr_assert_eq(p.layers[2].u.udp.dport, 9);
	/* AH whose length runs past the packet */
	ah[1] = 40;
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 9, .proto = 51 }, NLRS_BUILD_KEEP_NEXT);
	nlrs_pkt_build_payload(&b, ah, sizeof ah);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	cr_assert(p.layers[1].flags & NLRS_LF_MALFORMED);
	/* ESP: SPI and sequence, the rest opaque */
	memset(esp, 0xee, sizeof esp);
	nlrs_wr32(esp, 0xabcdef01);
	nlrs_wr32(esp + 4, 77);
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv6(&b, &(struct nlrs_pkt_ipv6){ .hlim = 1, .next = 50 }, NLRS_BUILD_KEEP_NEXT);
	nlrs_pkt_build_payload(&b, esp, sizeof esp);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	cr_assert(T_TYPES(&p, NLRS_LAYER_IPV6, NLRS_LAYER_ESP));
	cr_assert_eq(p.layers[1].u.esp.spi, 0xabcdef01);
	cr_assert_eq(p.layers[1].u.esp.seq, 77);
	cr_assert_eq(p.layers[1].hlen, sizeof esp);
}

Test(net, ipv6_extension_chain_lies)
{
	uint8_t f[128];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	int n;

	/* destination options then a hop-by-hop: HBH not first */
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv6(&b, &(struct nlrs_pkt_ipv6){ .hlim = 1 }, 0);
	nlrs_pkt_build_ipv6ext(&b, NLRS_LAYER_IPV6_DSTOPTS, &(struct nlrs_pkt_ipv6ext){ 0 }, 0);
	nlrs_pkt_build_ipv6ext(&b, NLRS_LAYER_IPV6_HOPOPTS, &(struct nlrs_pkt_ipv6ext){ .next = 59 },
			       NLRS_BUILD_KEEP_NEXT);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	cr_assert(T_TYPES(&p, NLRS_LAYER_IPV6, NLRS_LAYER_IPV6_DSTOPTS, NLRS_LAYER_IPV6_HOPOPTS));
	cr_assert_eq(p.layers[1].flags & NLRS_LF_MALFORMED, 0);
	cr_assert(p.layers[2].flags & NLRS_LF_MALFORMED);
	cr_assert_eq(p.layers[2].err, NLRS_PKT_ERR_BAD_FORMAT);
	/* an options header longer than the payload */
	f[41] = 10;
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	cr_assert(p.layers[1].flags & NLRS_LF_MALFORMED);
	/* payload length past the frame */
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv6(&b, &(struct nlrs_pkt_ipv6){ .hlim = 1, .plen = 500, .next = 59 },
			    NLRS_BUILD_KEEP_LEN | NLRS_BUILD_KEEP_NEXT);
	nlrs_pkt_build_payload(&b, "abcd", 4);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	cr_assert(p.layers[0].flags & NLRS_LF_MALFORMED);
	cr_assert_eq(p.layers[0].u.ipv6.plen, 500);
	cr_assert_eq(p.layers[0].wire_plen, 4);
	/* ... the same but cut by the capture: not a lie */
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, 540, 0);
	cr_assert_eq(p.layers[0].flags & NLRS_LF_MALFORMED, 0);
	cr_assert(p.layers[0].flags & NLRS_LF_TRUNC);
}

Test(net, ipv6_fragments)
{
	uint8_t f[128];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	int n;

	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv6(&b, &(struct nlrs_pkt_ipv6){ .hlim = 1 }, 0);
	nlrs_pkt_build_ipv6ext(&b, NLRS_LAYER_IPV6_FRAGMENT,
			       &(struct nlrs_pkt_ipv6ext){ .frag_off = 1232, .frag_id = 99, .next = 17 },
			       NLRS_BUILD_KEEP_NEXT);
	nlrs_pkt_build_payload(&b, "0123456789", 10);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	cr_assert(T_TYPES(&p, NLRS_LAYER_IPV6, NLRS_LAYER_IPV6_FRAGMENT, NLRS_LAYER_PAYLOAD));
	cr_assert_eq(p.layers[1].u.ipv6ext.frag_off, 1232);
	cr_assert_eq(p.layers[1].u.ipv6ext.frag_id, 99);
	cr_assert(p.layers[0].flags & NLRS_LF_FRAGMENT);
}
