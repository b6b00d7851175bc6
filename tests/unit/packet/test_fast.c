/* SPDX-License-Identifier: BSD-2-Clause */
/* The fixed-layout fast path agrees with the full decoder wherever it
 * answers, refuses what it does not cover, and never over-reads. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "pkt_test.h"
#include "nlrs/pcapfile.h"
#include "wire/wire.h"

/* Compare a fast-path result with the full decode of the same frame. */
static void agree(const struct nlrs_pkt_fast *f, const struct nlrs_pkt *p)
{
	const struct nlrs_pkt_layer *n = nlrs_pkt_network(p), *t = nlrs_pkt_transport(p);

	cr_assert_not_null(n);
	cr_assert_not_null(t);
	if (f->ipver == 4) {
		cr_assert_eq(n->type, NLRS_LAYER_IPV4);
		cr_assert_eq(f->src4, n->u.ipv4.src);
		cr_assert_eq(f->dst4, n->u.ipv4.dst);
		cr_assert_eq(f->ttl, n->u.ipv4.ttl);
		cr_assert_eq(f->ip_len, n->u.ipv4.tot_len);
	} else {
		cr_assert_eq(n->type, NLRS_LAYER_IPV6);
		cr_assert_eq(memcmp(f->src6, n->u.ipv6.src, 16), 0);
		cr_assert_eq(memcmp(f->dst6, n->u.ipv6.dst, 16), 0);
	}
	cr_assert_eq(f->l3off, n->off);
	cr_assert_eq(f->l4off, t->off);
	if (f->proto == NLRS_IPPROTO_TCP) {
		cr_assert_eq(t->type, NLRS_LAYER_TCP);
		cr_assert_eq(f->sport, t->u.tcp.sport);
		cr_assert_eq(f->dport, t->u.tcp.dport);
		cr_assert_eq(f->seq, t->u.tcp.seq);
		cr_assert_eq(f->ack, t->u.tcp.ack);
		cr_assert_eq(f->tcp_flags, t->u.tcp.flags);
		cr_assert_eq(f->window, t->u.tcp.window);
		cr_assert_eq(f->l4hlen, t->u.tcp.hlen);
	} else {
		cr_assert_eq(t->type, NLRS_LAYER_UDP);
		cr_assert_eq(f->sport, t->u.udp.sport);
		cr_assert_eq(f->dport, t->u.udp.dport);
	}
	cr_assert_eq(f->payload_off, t->off + t->hlen);
	cr_assert_eq(f->payload_len, t->wire_plen);
}

Test(fast, built_frames_agree_with_full_decode)
{
	uint8_t f[256];
	struct nlrs_pkt p;
	struct nlrs_pkt_fast fp;
	int n;

	n = t_build_tcp4(f, sizeof f, 1234, 80, NLRS_TCPF_SYN, "GET", 3);
	cr_assert_eq(nlrs_pkt_fast_decode(guard_copy(f, (size_t)n), (size_t)n, &fp), 0);
	nlrs_pkt_decode(&p, 1, f, (size_t)n, (size_t)n, NULL);
	agree(&fp, &p);
	cr_assert_eq(fp.payload_len, 3);
	n = t_build_udp4(f, sizeof f, 53, 5353, "x", 1);
	cr_assert_eq(nlrs_pkt_fast_decode(guard_copy(f, (size_t)n), (size_t)n, &fp), 0);
	nlrs_pkt_decode(&p, 1, f, (size_t)n, (size_t)n, NULL);
	agree(&fp, &p);
	cr_assert_eq(nlrs_pkt_fast_decode(guard_copy(frame_vlan_udp, frame_vlan_udp_len),
					  frame_vlan_udp_len, &fp), 0);
	cr_assert_eq(fp.nvlan, 1);
	cr_assert_eq(fp.vlan_tci[0] & 0xfff, 2580);
	nlrs_pkt_decode(&p, 1, frame_vlan_udp, frame_vlan_udp_len, frame_vlan_udp_len, NULL);
	agree(&fp, &p);
	/* raw IP entry */
	cr_assert_eq(nlrs_pkt_fast_decode_ip(guard_copy(f + 14, (size_t)n - 14), (size_t)n - 14, &fp), 0);
	cr_assert_eq(fp.l3off, 0);
	cr_assert_eq(fp.sport, 53);
}

Test(fast, refuses_what_it_does_not_cover)
{
	uint8_t f[256];
	struct nlrs_pkt_fast fp;
	struct nlrs_pkt_builder b;
	int n;

	cr_assert_eq(nlrs_pkt_fast_decode(frame_arp_reply, frame_arp_reply_len, &fp),
		     -NLRS_EPROTONOSUPPORT);
	cr_assert_eq(nlrs_pkt_fast_decode(frame_ping, frame_ping_len, &fp), -NLRS_EPROTONOSUPPORT);
	/* a fragment */
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ 0 }, 0);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 1, .mf = true }, 0);
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 1, .dport = 2 }, 0);
	n = nlrs_pkt_build_finish(&b);
	cr_assert_eq(nlrs_pkt_fast_decode(f, (size_t)n, &fp), -NLRS_EPROTONOSUPPORT);
	/* IPv6 with an extension header */
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ 0 }, 0);
	nlrs_pkt_build_ipv6(&b, &(struct nlrs_pkt_ipv6){ .hlim = 1 }, 0);
	nlrs_pkt_build_ipv6ext(&b, NLRS_LAYER_IPV6_DSTOPTS, &(struct nlrs_pkt_ipv6ext){ 0 }, 0);
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 1, .dport = 2 }, 0);
	n = nlrs_pkt_build_finish(&b);
	cr_assert_eq(nlrs_pkt_fast_decode(f, (size_t)n, &fp), -NLRS_EPROTONOSUPPORT);
	/* every cut of a TCP frame: refused as truncated, never read past */
	n = t_build_tcp4(f, sizeof f, 1, 2, NLRS_TCPF_ACK, "data", 4);
	for (int cut = 0; cut < n; cut++)
		cr_assert_eq(nlrs_pkt_fast_decode(guard_copy(f, (size_t)cut), (size_t)cut, &fp),
			     -NLRS_EINVAL, "cut %d", cut);
	/* an IPv6 EtherType carrying IPv4 */
	f[12] = 0x86;
	f[13] = 0xdd;
	cr_assert_eq(nlrs_pkt_fast_decode(f, (size_t)n, &fp), -NLRS_EINVAL);
}

Test(fast, flows_of_the_fast_path_equal_the_full_ones)
{
	uint8_t f[256];
	struct nlrs_pkt p;
	struct nlrs_pkt_fast fp;
	struct nlrs_flow a, b;
	int n = t_build_tcp4(f, sizeof f, 1234, 80, NLRS_TCPF_SYN, NULL, 0);

	nlrs_pkt_fast_decode(f, (size_t)n, &fp);
	nlrs_pkt_decode(&p, 1, f, (size_t)n, (size_t)n, NULL);
	nlrs_pkt_fast_net_flow(&fp, &a);
	nlrs_pkt_net_flow(&p, &b);
	cr_assert(nlrs_flow_equal(&a, &b));
	nlrs_pkt_fast_transport_flow(&fp, &a);
	nlrs_pkt_transport_flow(&p, &b);
	cr_assert(nlrs_flow_equal(&a, &b));
}

/* Every Ethernet frame of the tcpdump captures: where the fast path
 * answers, the full decoder says the same. */
Test(fast, real_captures_agree_with_full_decode)
{
	DIR *dir = opendir(NLRS_PEERS_DIR);
	struct dirent *de;
	unsigned answered = 0;

	if (!dir)
		cr_skip_test("no %s", NLRS_PEERS_DIR);
	while ((de = readdir(dir)) != NULL) {
		char path[1024];
		struct nlrs_pcap_reader *r;
		struct nlrs_pcap_rec rec;
		size_t nl = strlen(de->d_name);

		if (nl < 5 || strcmp(de->d_name + nl - 5, ".pcap") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", NLRS_PEERS_DIR, de->d_name);
		if (nlrs_pcap_open(&r, path) < 0)
			continue;
		while (nlrs_pcap_next(r, &rec) > 0) {
			struct nlrs_pkt_fast fp;
			struct nlrs_pkt p;

			if (rec.linktype != NLRS_LINKTYPE_ETHERNET)
				break;
			if (nlrs_pkt_fast_decode(guard_copy(rec.data, rec.caplen), rec.caplen, &fp) != 0)
				continue;
			nlrs_pkt_decode(&p, 1, rec.data, rec.caplen, rec.wirelen, NULL);
			agree(&fp, &p);
			answered++;
		}
		nlrs_pcap_close(r);
	}
	closedir(dir);
	cr_assert_gt(answered, 1000);
}
