/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fast.c - the fixed-layout fast path: Ethernet (0-2 tags) or raw IP,
 * IPv4 or IPv6, TCP or UDP, into one caller-owned struct.
 *
 * Implements: nlrs_pkt_fast_decode / _ip on the same checked views as the
 * full decoder (eth.c, ipv4.c, ipv6.c, tcp.c, udp.c), with no layer
 * array, no allocation, no checksum verification and no application
 * recognition. Anything else (ARP, ICMP, fragments, IPv6 extension
 * headers, cut or lying headers) is refused so the caller can fall back
 * to nlrs_pkt_decode.
 * Freestanding C11: no OS headers, no allocation.
 */
/*
 * The views this file runs are compiled into it, under file-private
 * names: the same source as stack/wire/ (still the one parser of each
 * header), but in this translation unit, so the compiler can inline it.
 * Calling the views across object files costs more than half of the
 * fast path's time (call overhead and a struct copy per header), and the
 * project does not build with link-time optimisation. The decoders below
 * are flattened (every call inlined) to make sure it happens.
 */
#define nlrs_eth_parse fast_eth_parse
#define nlrs_eth_emit fast_eth_emit
#define nlrs_ipv4_opts_check fast_ipv4_opts_check
#define nlrs_ipv4_parse fast_ipv4_parse
#define nlrs_ipv4_parse_quoted fast_ipv4_parse_quoted
#define nlrs_ipv4_emit fast_ipv4_emit
#define nlrs_ipv6_parse fast_ipv6_parse
#define nlrs_ipv6_emit fast_ipv6_emit
#define nlrs_ipv6_walk fast_ipv6_walk
#define nlrs_ipv6_opts_walk fast_ipv6_opts_walk
#define nlrs_ipv6_rthdr_parse fast_ipv6_rthdr_parse
#define nlrs_ipv6_frag_parse fast_ipv6_frag_parse
#define nlrs_ipv6_frag_emit fast_ipv6_frag_emit
#define nlrs_csum_pseudo6 fast_csum_pseudo6
#define nlrs_tcp_parse fast_tcp_parse
#define nlrs_tcp_opts_parse fast_tcp_opts_parse
#define nlrs_tcp_opts_check fast_tcp_opts_check
#define nlrs_tcp_emit fast_tcp_emit
#define nlrs_tcp_opts_emit fast_tcp_opts_emit
#define nlrs_tcp_flags_str fast_tcp_flags_str
#define nlrs_udp_parse fast_udp_parse
#define nlrs_udp_emit fast_udp_emit
/* hidden: not interposable in the shared library, so inlinable */
#pragma GCC visibility push(hidden)
#include "wire/eth.c"
#include "wire/ipv4.c"
#include "wire/ipv6.c"
#include "wire/tcp.c"
#include "wire/udp.c"
#pragma GCC visibility pop

#include "packet_priv.h"

static int l4(const uint8_t *frame, size_t off, size_t len, uint8_t proto,
	      struct nlrs_pkt_fast *f)
{
	const uint8_t *p = frame + off;
	int r;

	f->proto = proto;
	f->l4off = (uint16_t)off;
	if (proto == NLRS_IPPROTO_TCP) {
		struct nlrs_tcp_hdr t;

		r = nlrs_tcp_parse(p, len, &t);
		if (r < 0)
			return -NLRS_EINVAL;
		f->sport = t.sport;
		f->dport = t.dport;
		f->seq = t.seq;
		f->ack = t.ack;
		f->tcp_flags = t.flags;
		f->window = t.window;
		f->l4hlen = t.hlen;
		f->payload_off = (uint16_t)(off + t.hlen);
		f->payload_len = (uint16_t)(len - t.hlen);
		return 0;
	}
	if (proto == NLRS_IPPROTO_UDP) {
		struct nlrs_udp_hdr u;

		r = nlrs_udp_parse(p, len, &u);
		if (r < 0)
			return -NLRS_EINVAL;
		f->sport = u.sport;
		f->dport = u.dport;
		f->seq = f->ack = 0;
		f->tcp_flags = f->window = 0;
		f->l4hlen = NLRS_UDP_HLEN;
		f->payload_off = (uint16_t)(off + NLRS_UDP_HLEN);
		f->payload_len = (uint16_t)(u.len - NLRS_UDP_HLEN);
		return 0;
	}
	return -NLRS_EPROTONOSUPPORT;
}

static int ip(const uint8_t *frame, size_t off, size_t len, struct nlrs_pkt_fast *f)
{
	const uint8_t *p = frame + off;
	int r;

	if (len < 1)
		return -NLRS_EINVAL;
	f->l3off = (uint16_t)off;
	if ((p[0] >> 4) == 4) {
		struct nlrs_ipv4_hdr h;

		r = nlrs_ipv4_parse(p, len, &h, false);
		if (r < 0)
			return -NLRS_EINVAL;
		if (h.mf || h.frag_off)
			return -NLRS_EPROTONOSUPPORT;
		f->ipver = 4;
		f->ttl = h.ttl;
		f->tos = h.tos;
		f->ip_len = h.tot_len;
		f->src4 = h.src;
		f->dst4 = h.dst;
		f->src6 = f->dst6 = NULL;
		return l4(frame, off + h.hlen, (size_t)h.tot_len - h.hlen, h.proto, f);
	}
	if ((p[0] >> 4) == 6) {
		struct nlrs_ipv6_hdr h;

		r = nlrs_ipv6_parse(p, len, &h);
		if (r < 0)
			return -NLRS_EINVAL;
		f->ipver = 6;
		f->ttl = h.hlim;
		f->tos = h.tclass;
		f->ip_len = (uint16_t)(NLRS_IPV6_HLEN + h.plen);
		f->src4 = f->dst4 = 0;
		/* the view copied the addresses; the fast path points at the frame */
		f->src6 = p + 8;
		f->dst6 = p + 24;
		return l4(frame, off + NLRS_IPV6_HLEN, h.plen, h.next, f);
	}
	return -NLRS_EPROTONOSUPPORT;
}

/* flatten: every call in it inlined, the views included (GCC, Clang) */
#if defined(__GNUC__)
#define FLATTEN __attribute__((flatten))
#else
#define FLATTEN
#endif

FLATTEN int nlrs_pkt_fast_decode(const uint8_t *frame, size_t len, struct nlrs_pkt_fast *f)
{
	struct nlrs_eth_hdr e;
	int r;

	/* offsets are 16-bit */
	if (len > 65535)
		len = 65535;
	r = nlrs_eth_parse(frame, len, &e);
	if (r < 0)
		return r == NLRS_WIRE_BAD_FORMAT ? -NLRS_EPROTONOSUPPORT : -NLRS_EINVAL;
	f->ethertype = e.type;
	f->nvlan = e.ntags;
	f->vlan_tci[0] = e.tci[0];
	f->vlan_tci[1] = e.tci[1];
	if (e.type != NLRS_ETHERTYPE_IPV4 && e.type != NLRS_ETHERTYPE_IPV6)
		return -NLRS_EPROTONOSUPPORT;
	r = ip(frame, e.hlen, len - e.hlen, f);
	/* the version nibble must match the EtherType */
	if (r == 0 && (f->ipver == 4) != (e.type == NLRS_ETHERTYPE_IPV4))
		return -NLRS_EINVAL;
	return r;
}

FLATTEN int nlrs_pkt_fast_decode_ip(const uint8_t *pkt, size_t len, struct nlrs_pkt_fast *f)
{
	if (len > 65535)
		len = 65535;
	f->ethertype = 0;
	f->nvlan = 0;
	f->vlan_tci[0] = f->vlan_tci[1] = 0;
	return ip(pkt, 0, len, f);
}

/* How many frames ahead to prefetch: enough to cover a miss to memory
 * (~100 ns) at ~10-20 ns a frame. */
#define PREFETCH_AHEAD 8

unsigned nlrs_pkt_fast_decode_burst(const uint8_t *const *frames, const uint32_t *lens, unsigned n,
				    struct nlrs_pkt_fast *out, int *rc)
{
	unsigned ok = 0;

	for (unsigned i = 0; i < n && i < PREFETCH_AHEAD; i++)
		__builtin_prefetch(frames[i]);
	for (unsigned i = 0; i < n; i++) {
		int r;

		if (i + PREFETCH_AHEAD < n) {
			__builtin_prefetch(frames[i + PREFETCH_AHEAD]);
			if (lens[i + PREFETCH_AHEAD] > 64)
				__builtin_prefetch(frames[i + PREFETCH_AHEAD] + 64);
		}
		r = nlrs_pkt_fast_decode(frames[i], lens[i], &out[i]);
		if (rc)
			rc[i] = r;
		ok += r == 0;
	}
	return ok;
}
