/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness for the builder (build.c): header fields taken from
 * the input build Ethernet [+ VLAN] + IPv4 or IPv6 + TCP, UDP or SCTP +
 * payload; decoding the frame gives back every field given, with the
 * lengths and checksums the builder computed verifying; the fast path
 * agrees where it answers. */
#include "fuzz_packet.h"

struct rd {
	const uint8_t *p;
	size_t n;
};

static uint32_t take(struct rd *r, unsigned bytes)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		v = v << 8 | (r->n ? *r->p : 0);
		if (r->n) {
			r->p++;
			r->n--;
		}
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t f[4096];
	struct rd r = { data, size };
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	struct nlrs_pkt_opts o = { NLRS_PKT_VERIFY_CSUM | NLRS_PKT_NO_APP, NULL };
	struct nlrs_pkt_eth eth;
	struct nlrs_pkt_vlan vlan;
	struct nlrs_pkt_ipv4 ip4;
	struct nlrs_pkt_ipv6 ip6;
	struct nlrs_pkt_tcp tcp;
	struct nlrs_pkt_udp udp;
	uint8_t sel = (uint8_t)take(&r, 1);
	bool v6 = sel & 1, tagged = sel & 2;
	unsigned l4 = (sel >> 2) % 3;
	const struct nlrs_pkt_layer *l;
	size_t plen;
	int n, li = 1;

	memset(&eth, 0, sizeof eth);
	for (int i = 0; i < 6; i++)
		eth.dst[i] = (uint8_t)take(&r, 1);
	memset(&vlan, 0, sizeof vlan);
	vlan.vid = (uint16_t)(take(&r, 2) & 0xfff);
	vlan.pcp = (uint8_t)(vlan.vid & 7);
	memset(&ip4, 0, sizeof ip4);
	ip4.tos = (uint8_t)take(&r, 1);
	ip4.id = (uint16_t)take(&r, 2);
	ip4.df = ip4.id & 1;
	ip4.ttl = (uint8_t)take(&r, 1);
	ip4.src = take(&r, 4);
	ip4.dst = take(&r, 4);
	memset(&ip6, 0, sizeof ip6);
	ip6.tclass = ip4.tos;
	ip6.flow = ip4.id | (uint32_t)(ip4.ttl & 0xf) << 16;
	ip6.hlim = ip4.ttl;
	for (int i = 0; i < 16; i++)
		ip6.src[i] = (uint8_t)(ip4.src >> (i % 4 * 8));
	ip6.dst[15] = 1;
	memset(&tcp, 0, sizeof tcp);
	tcp.sport = (uint16_t)take(&r, 2);
	tcp.dport = (uint16_t)take(&r, 2);
	tcp.seq = take(&r, 4);
	tcp.ack = take(&r, 4);
	tcp.flags = (uint16_t)(take(&r, 2) & 0x1ff);
	tcp.window = (uint16_t)take(&r, 2);
	tcp.o.has_mss = tcp.flags & 2;
	tcp.o.mss = (uint16_t)tcp.ack;
	tcp.o.has_ts = tcp.flags & 0x10;
	tcp.o.tsval = tcp.seq;
	memset(&udp, 0, sizeof udp);
	udp.sport = tcp.sport;
	udp.dport = tcp.dport;
	plen = r.n;

	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_eth(&b, &eth, 0);
	if (tagged)
		nlrs_pkt_build_vlan(&b, &vlan, 0);
	if (v6)
		nlrs_pkt_build_ipv6(&b, &ip6, 0);
	else
		nlrs_pkt_build_ipv4(&b, &ip4, 0);
	if (l4 == 0)
		nlrs_pkt_build_tcp(&b, &tcp, 0);
	else if (l4 == 1)
		nlrs_pkt_build_udp(&b, &udp, 0);
	else
		nlrs_pkt_build_sctp(&b, &(struct nlrs_pkt_sctp){ .sport = udp.sport, .dport = udp.dport,
								 .vtag = tcp.seq }, 0);
	if (l4 == 2) /* SCTP carries chunks: one of a type with no fixed fields */
		nlrs_pkt_build_sctp_chunk(&b, &(struct nlrs_pkt_sctp_chunk){ .type = 200, .value = r.p,
									      .vlen = (uint16_t)plen }, 0);
	else
		nlrs_pkt_build_payload(&b, r.p, plen);
	n = nlrs_pkt_build_finish(&b);
	if (n < 0) {
		FUZZ_CHECK(n == -NLRS_ENOSPC || (l4 == 2 && n == -NLRS_EINVAL));
		return 0;
	}
	{
		uint8_t *c = fuzz_dup(f, (size_t)n);

		nlrs_pkt_decode(&p, NLRS_LINKTYPE_ETHERNET, c, (size_t)n, (size_t)n, &o);
		fp_check(&p);
		FUZZ_CHECK(!(p.flags & (NLRS_LF_MALFORMED | NLRS_LF_TRUNC | NLRS_LF_CSUM_BAD)));
		FUZZ_CHECK(memcmp(p.layers[0].u.eth.dst, eth.dst, 6) == 0);
		if (tagged) {
			FUZZ_CHECK(p.layers[1].type == NLRS_LAYER_VLAN && p.layers[1].u.vlan.vid == vlan.vid);
			li++;
		}
		l = &p.layers[li];
		if (v6) {
			FUZZ_CHECK(l->type == NLRS_LAYER_IPV6 && l->u.ipv6.hlim == ip6.hlim &&
				   l->u.ipv6.flow == ip6.flow && memcmp(l->u.ipv6.src, ip6.src, 16) == 0);
		} else {
			FUZZ_CHECK(l->type == NLRS_LAYER_IPV4 && (l->flags & NLRS_LF_CSUM_OK) &&
				   l->u.ipv4.src == ip4.src && l->u.ipv4.dst == ip4.dst &&
				   l->u.ipv4.id == ip4.id && l->u.ipv4.ttl == ip4.ttl &&
				   l->u.ipv4.tos == ip4.tos && l->u.ipv4.df == ip4.df);
		}
		l = &p.layers[li + 1];
		FUZZ_CHECK(l->flags & NLRS_LF_CSUM_OK);
		if (l4 == 0) {
			FUZZ_CHECK(l->type == NLRS_LAYER_TCP && l->u.tcp.seq == tcp.seq &&
				   l->u.tcp.ack == tcp.ack && l->u.tcp.flags == tcp.flags &&
				   l->u.tcp.window == tcp.window && l->u.tcp.sport == tcp.sport);
			FUZZ_CHECK(l->u.tcp.o.has_mss == tcp.o.has_mss &&
				   (!tcp.o.has_mss || l->u.tcp.o.mss == tcp.o.mss));
			FUZZ_CHECK(l->u.tcp.o.has_ts == tcp.o.has_ts &&
				   (!tcp.o.has_ts || l->u.tcp.o.tsval == tcp.o.tsval));
		} else if (l4 == 1) {
			FUZZ_CHECK(l->type == NLRS_LAYER_UDP && l->u.udp.dport == udp.dport &&
				   l->u.udp.len == 8 + plen);
		} else {
			FUZZ_CHECK(l->type == NLRS_LAYER_SCTP && l->u.sctp.vtag == tcp.seq &&
				   l->u.sctp.nchunks == 1);
		}
		FUZZ_CHECK(l->wire_plen == (l4 == 2 ? (4 + plen + 3) / 4 * 4 : plen));
		if (l4 != 2) {
			struct nlrs_pkt_fast fp;

			FUZZ_CHECK(nlrs_pkt_fast_decode(c, (size_t)n, &fp) == 0);
			FUZZ_CHECK(fp.sport == tcp.sport && fp.dport == tcp.dport &&
				   fp.payload_len == plen);
		}
		free(c);
	}
	return 0;
}
