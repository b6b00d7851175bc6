/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * build.c - the packet builder: frames made layer by layer, outermost
 * first, with lengths, next-protocol fields and checksums filled in at
 * the end unless the caller keeps its own (wrong ones included).
 *
 * Implements: every header through the emit side of its stack/wire/ view
 * (eth, vlan, llc, sll, null, arp_any, ipv4, ipv6, ipv6 option/routing/
 * fragment headers, icmp4, icmp6, tcp, udp, sctp); nlrs_pkt_build_finish
 * walks the layers innermost first and patches what was not kept:
 * IPv4 total length and checksum, IPv6 payload length, UDP length,
 * TCP/UDP/ICMPv4/ICMPv6 checksums (with the pseudo-header of the nearest
 * IP layer outside), SCTP CRC32c, next-protocol fields from the layer
 * built after each one.
 * Does not implement: application builders (use nlrs_pkt_build_payload),
 * fragmentation, TCP option packing other than the view's.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "packet_priv.h"

#include "wire/arp_any.h"
#include "wire/checksum.h"
#include "wire/eth.h"
#include "wire/icmp4.h"
#include "wire/icmp6.h"
#include "wire/ipv4.h"
#include "wire/ipv6.h"
#include "wire/llc.h"
#include "wire/null.h"
#include "wire/sctp.h"
#include "wire/sll.h"
#include "wire/tcp.h"
#include "wire/udp.h"
#include "wire/vlan.h"

/* Builder-only entry (not a layer type of decode). */
#define B_SCTP_CHUNK 0xfff0

void nlrs_pkt_build_init(struct nlrs_pkt_builder *b, void *buf, size_t cap)
{
	nlrs_memset(b, 0, sizeof *b);
	b->buf = buf;
	b->cap = buf ? cap : 0;
}

/* Reserve n bytes for a new entry; NULL (and b->err) on failure. */
static uint8_t *push(struct nlrs_pkt_builder *b, uint16_t type, unsigned keep, size_t n)
{
	uint8_t *p;

	if (b->err)
		return NULL;
	if (b->n >= NLRS_PKT_MAX_LAYERS) {
		b->err = -NLRS_EMSGSIZE;
		return NULL;
	}
	if (n > b->cap - b->len) {
		b->err = -NLRS_ENOSPC;
		return NULL;
	}
	p = b->buf + b->len;
	b->l[b->n].type = type;
	b->l[b->n].keep = (uint8_t)keep;
	b->l[b->n].aux = 0;
	b->l[b->n].off = (uint32_t)b->len;
	b->l[b->n].hlen = (uint32_t)n;
	b->n++;
	b->len += n;
	return p;
}

static int fail(struct nlrs_pkt_builder *b, int err)
{
	if (!b->err)
		b->err = err;
	return b->err;
}

/* Emit results: a view's NOSPACE cannot happen (room was reserved); any
 * other error is a field that cannot be written. */
static int emitted(struct nlrs_pkt_builder *b, int r)
{
	if (r < 0) {
		/* take back the entry */
		b->n--;
		b->len = b->l[b->n].off;
		return fail(b, -NLRS_EINVAL);
	}
	return 0;
}

int nlrs_pkt_build_eth(struct nlrs_pkt_builder *b, const struct nlrs_pkt_eth *e, unsigned keep)
{
	struct nlrs_eth_hdr h;
	uint8_t *p = push(b, NLRS_LAYER_ETH, keep, NLRS_ETH_HLEN);

	if (!p)
		return b->err;
	nlrs_memset(&h, 0, sizeof h);
	nlrs_memcpy(h.dst, e->dst, 6);
	nlrs_memcpy(h.src, e->src, 6);
	h.type = e->type;
	return emitted(b, nlrs_eth_emit(p, NLRS_ETH_HLEN, &h));
}

int nlrs_pkt_build_vlan(struct nlrs_pkt_builder *b, const struct nlrs_pkt_vlan *v, unsigned keep)
{
	struct nlrs_vlan_tag t;
	uint8_t *p;

	if (v->vid > 0x0fff || v->pcp > 7)
		return fail(b, -NLRS_EINVAL);
	/* a tag needs the header whose type field is its TPID */
	if (b->n == 0)
		return fail(b, -NLRS_EINVAL);
	p = push(b, NLRS_LAYER_VLAN, keep, NLRS_VLAN_TAG_LEN);
	if (!p)
		return b->err;
	b->l[b->n - 1].aux = v->tpid ? v->tpid : NLRS_ETYPE_VLAN;
	t.tci = (uint16_t)(v->pcp << 13 | (v->dei ? 0x1000 : 0) | v->vid);
	t.type = v->type;
	return emitted(b, nlrs_vlan_emit(p, NLRS_VLAN_TAG_LEN, &t));
}

int nlrs_pkt_build_llc(struct nlrs_pkt_builder *b, const struct nlrs_pkt_llc *c, unsigned keep)
{
	struct nlrs_llc_hdr h;
	size_t n = 2u + (c->ctl_len ? c->ctl_len : 1u) + (c->snap ? 5u : 0u);
	uint8_t *p = push(b, NLRS_LAYER_LLC, keep, n);

	if (!p)
		return b->err;
	nlrs_memset(&h, 0, sizeof h);
	h.dsap = c->dsap;
	h.ssap = c->ssap;
	h.control = c->control;
	h.ctl_len = c->ctl_len ? c->ctl_len : 1;
	h.snap = c->snap;
	nlrs_memcpy(h.oui, c->oui, 3);
	h.type = c->snap_type;
	return emitted(b, nlrs_llc_emit(p, n, &h));
}

int nlrs_pkt_build_sll(struct nlrs_pkt_builder *b, int version, const struct nlrs_pkt_sll *s,
		       unsigned keep)
{
	struct nlrs_sll_hdr h;
	uint8_t *p;

	if (version != 1 && version != 2)
		return fail(b, -NLRS_EINVAL);
	p = push(b, version == 2 ? NLRS_LAYER_SLL2 : NLRS_LAYER_SLL, keep,
		 version == 2 ? NLRS_SLL2_HLEN : NLRS_SLL_HLEN);
	if (!p)
		return b->err;
	nlrs_memset(&h, 0, sizeof h);
	h.pkttype = s->pkttype;
	h.hatype = s->hatype;
	h.halen = s->halen;
	nlrs_memcpy(h.addr, s->addr, 8);
	h.proto = s->proto;
	h.ifindex = s->ifindex;
	return emitted(b, version == 2 ? nlrs_sll2_emit(p, NLRS_SLL2_HLEN, &h)
				       : nlrs_sll_emit(p, NLRS_SLL_HLEN, &h));
}

int nlrs_pkt_build_null(struct nlrs_pkt_builder *b, uint32_t linktype,
			const struct nlrs_pkt_null *n, unsigned keep)
{
	bool net = linktype == NLRS_LINKTYPE_LOOP;
	uint8_t *p;

	if (linktype != NLRS_LINKTYPE_LOOP && linktype != NLRS_LINKTYPE_NULL)
		return fail(b, -NLRS_EINVAL);
	p = push(b, NLRS_LAYER_NULL, keep, NLRS_NULL_HLEN);
	if (!p)
		return b->err;
	/* NULL's family is little-endian unless the struct asks for swapped */
	return emitted(b, nlrs_null_emit(p, NLRS_NULL_HLEN, net || n->swapped, n->family));
}

int nlrs_pkt_build_arp(struct nlrs_pkt_builder *b, const struct nlrs_pkt_arp *a)
{
	struct nlrs_arp_any h;
	size_t n = NLRS_ARP_FIXED_LEN + 2u * ((size_t)a->hlen + a->plen);
	uint8_t spa[4], tpa[4];
	uint8_t *p = push(b, NLRS_LAYER_ARP, 0, n);

	if (!p)
		return b->err;
	h.htype = a->htype;
	h.ptype = a->ptype;
	h.hlen = a->hlen;
	h.plen = a->plen;
	h.op = a->op;
	h.sha = a->sha;
	h.tha = a->tha;
	h.spa = a->spa;
	h.tpa = a->tpa;
	/* IPv4 protocol addresses may come as numbers */
	if (a->plen == 4 && !a->spa) {
		nlrs_wr32(spa, a->spa4);
		h.spa = spa;
	}
	if (a->plen == 4 && !a->tpa) {
		nlrs_wr32(tpa, a->tpa4);
		h.tpa = tpa;
	}
	return emitted(b, nlrs_arp_any_emit(p, n, &h));
}

int nlrs_pkt_build_ipv4(struct nlrs_pkt_builder *b, const struct nlrs_pkt_ipv4 *ip, unsigned keep)
{
	struct nlrs_ipv4_hdr h;
	size_t n = NLRS_IPV4_HLEN + (size_t)ip->optlen;
	uint8_t *p = push(b, NLRS_LAYER_IPV4, keep, n);
	int r;

	if (!p)
		return b->err;
	nlrs_memset(&h, 0, sizeof h);
	h.tos = ip->tos;
	h.tot_len = ip->tot_len;
	h.id = ip->id;
	h.df = ip->df;
	h.mf = ip->mf;
	h.frag_off = ip->frag_off;
	h.ttl = ip->ttl;
	h.proto = ip->proto;
	h.src = ip->src;
	h.dst = ip->dst;
	h.opts = ip->opts;
	h.optlen = ip->optlen;
	r = nlrs_ipv4_emit(p, n, &h);
	if (r < 0)
		return emitted(b, r);
	if (ip->rf)
		p[6] |= 0x80;
	/* the view always sums the header; a kept checksum replaces it */
	if (keep & NLRS_BUILD_KEEP_CSUM)
		nlrs_wr16(p + 10, ip->csum);
	if (keep & NLRS_BUILD_KEEP_HLEN)
		p[0] = (uint8_t)(0x40 | ((ip->hlen / 4) & 0x0f));
	return 0;
}

int nlrs_pkt_build_ipv6(struct nlrs_pkt_builder *b, const struct nlrs_pkt_ipv6 *ip, unsigned keep)
{
	struct nlrs_ipv6_hdr h;
	uint8_t *p = push(b, NLRS_LAYER_IPV6, keep, NLRS_IPV6_HLEN);

	if (!p)
		return b->err;
	h.tclass = ip->tclass;
	h.flow = ip->flow;
	h.plen = ip->plen;
	h.next = ip->next;
	h.hlim = ip->hlim;
	nlrs_memcpy(h.src, ip->src, 16);
	nlrs_memcpy(h.dst, ip->dst, 16);
	return emitted(b, nlrs_ipv6_emit(p, NLRS_IPV6_HLEN, &h));
}

int nlrs_pkt_build_ipv6ext(struct nlrs_pkt_builder *b, uint16_t type,
			   const struct nlrs_pkt_ipv6ext *x, unsigned keep)
{
	uint8_t *p;
	size_t n, dl = x->dlen;

	switch (type) {
	case NLRS_LAYER_IPV6_FRAGMENT: {
		struct nlrs_ipv6_frag f = { x->next, x->frag_off, x->frag_more, x->frag_id };

		p = push(b, type, keep, NLRS_IPV6_FRAG_HLEN);
		if (!p)
			return b->err;
		return emitted(b, nlrs_ipv6_frag_emit(p, NLRS_IPV6_FRAG_HLEN, &f));
	}
	case NLRS_LAYER_IPV6_HOPOPTS:
	case NLRS_LAYER_IPV6_DSTOPTS:
	case NLRS_LAYER_IPV6_ROUTING: {
		size_t fixed = type == NLRS_LAYER_IPV6_ROUTING ? 4 : 2;

		/* (Hdr Ext Len + 1) * 8: pad the data up with PadN/zeros */
		n = (fixed + dl + 7) & ~(size_t)7;
		if (n < 8)
			n = 8;
		if (n > 2048 || (dl && !x->data))
			return fail(b, -NLRS_EINVAL);
		p = push(b, type, keep, n);
		if (!p)
			return b->err;
		nlrs_memset(p, 0, n);
		if (dl)
			nlrs_memmove(p + fixed, x->data, dl);
		/* Emitting: the generic extension header layout (RFC 8200 4). */
		p[0] = x->next;
		p[1] = (keep & NLRS_BUILD_KEEP_LEN) ? (uint8_t)(x->len / 8 - (x->len ? 1 : 0))
						    : (uint8_t)(n / 8 - 1);
		if (type == NLRS_LAYER_IPV6_ROUTING) {
			p[2] = x->rt_type;
			p[3] = x->segs_left;
		} else if (n - fixed - dl >= 2) {
			/* RFC 8200 4.2: PadN over the gap (Pad1 if one byte) */
			p[fixed + dl] = 1;
			p[fixed + dl + 1] = (uint8_t)(n - fixed - dl - 2);
		}
		return 0;
	}
	default:
		return fail(b, -NLRS_EINVAL);
	}
}

int nlrs_pkt_build_icmp4(struct nlrs_pkt_builder *b, const struct nlrs_pkt_icmp4 *ic, unsigned keep)
{
	struct nlrs_icmp4_hdr h;
	uint8_t *p = push(b, NLRS_LAYER_ICMP4, keep, NLRS_ICMP4_HLEN);

	if (!p)
		return b->err;
	nlrs_memset(&h, 0, sizeof h);
	h.type = ic->type;
	h.code = ic->code;
	h.csum = ic->csum;
	/* the second word: the one field the type uses, else rest as given */
	if (ic->rest)
		h.un.raw = ic->rest;
	else if (ic->type == NLRS_ICMP_ECHO || ic->type == NLRS_ICMP_ECHOREPLY ||
		 ic->type == NLRS_ICMP_TIMESTAMP || ic->type == NLRS_ICMP_TIMESTAMPREPLY) {
		h.un.echo.id = ic->id;
		h.un.echo.seq = ic->seq;
	} else if (ic->type == NLRS_ICMP_DEST_UNREACH) {
		h.un.frag.mtu = ic->mtu;
	} else if (ic->type == NLRS_ICMP_REDIRECT) {
		h.un.gateway = ic->gateway;
	} else if (ic->type == NLRS_ICMP_PARAMPROB) {
		h.un.pointer = ic->pointer;
	}
	return emitted(b, nlrs_icmp4_emit(p, NLRS_ICMP4_HLEN, &h));
}

int nlrs_pkt_build_icmp6(struct nlrs_pkt_builder *b, const struct nlrs_pkt_icmp6 *ic, unsigned keep)
{
	struct nlrs_icmp6_hdr h;
	uint8_t *p = push(b, NLRS_LAYER_ICMP6, keep, NLRS_ICMP6_HLEN);

	if (!p)
		return b->err;
	h.type = ic->type;
	h.code = ic->code;
	h.csum = ic->csum;
	h.data = ic->data;
	if (!h.data && (ic->type == NLRS_ICMP6_ECHO_REQUEST || ic->type == NLRS_ICMP6_ECHO_REPLY))
		h.data = (uint32_t)ic->id << 16 | ic->seq;
	else if (!h.data && ic->type == NLRS_ICMP6_PKT_TOO_BIG)
		h.data = ic->mtu;
	else if (!h.data && ic->type == NLRS_ICMP6_PARAMPROB)
		h.data = ic->pointer;
	return emitted(b, nlrs_icmp6_emit(p, NLRS_ICMP6_HLEN, &h));
}

int nlrs_pkt_build_tcp(struct nlrs_pkt_builder *b, const struct nlrs_pkt_tcp *t, unsigned keep)
{
	struct nlrs_tcp_hdr h;
	uint8_t opts[NLRS_TCP_MAX_OPTLEN];
	size_t optlen = 0;
	uint8_t *p;
	int r;

	nlrs_memset(&h, 0, sizeof h);
	if (t->optlen) {
		if (!t->opts || t->optlen > NLRS_TCP_MAX_OPTLEN || t->optlen % 4)
			return fail(b, -NLRS_EINVAL);
		nlrs_memcpy(opts, t->opts, t->optlen);
		optlen = t->optlen;
	} else {
		struct nlrs_tcp_opts o;

		nlrs_memset(&o, 0, sizeof o);
		o.has_mss = t->o.has_mss;
		o.mss = t->o.mss;
		o.has_wscale = t->o.has_wscale;
		o.wscale = t->o.wscale;
		o.sack_ok = t->o.sack_ok;
		o.has_ts = t->o.has_ts;
		o.tsval = t->o.tsval;
		o.tsecr = t->o.tsecr;
		o.nsack = t->o.nsack;
		for (unsigned i = 0; i < t->o.nsack && i < NLRS_TCP_MAX_SACK; i++) {
			o.sack[i].left = t->o.sack[i].left;
			o.sack[i].right = t->o.sack[i].right;
		}
		o.has_fastopen = t->o.has_fastopen;
		o.fastopen_len = t->o.fastopen_len;
		o.fastopen = t->o.fastopen;
		r = nlrs_tcp_opts_emit(opts, sizeof opts, &o);
		if (r < 0)
			return fail(b, -NLRS_EINVAL);
		optlen = (size_t)r;
	}
	p = push(b, NLRS_LAYER_TCP, keep, NLRS_TCP_HLEN + optlen);
	if (!p)
		return b->err;
	h.sport = t->sport;
	h.dport = t->dport;
	h.seq = t->seq;
	h.ack = t->ack;
	h.flags = t->flags;
	h.window = t->window;
	h.csum = t->csum;
	h.urg = t->urg;
	h.opts = optlen ? opts : NULL;
	h.optlen = (uint8_t)optlen;
	r = nlrs_tcp_emit(p, NLRS_TCP_HLEN + optlen, &h);
	if (r < 0)
		return emitted(b, r);
	if (keep & NLRS_BUILD_KEEP_HLEN)
		p[12] = (uint8_t)((p[12] & 0x0f) | ((t->hlen / 4) << 4));
	return 0;
}

int nlrs_pkt_build_udp(struct nlrs_pkt_builder *b, const struct nlrs_pkt_udp *u, unsigned keep)
{
	struct nlrs_udp_hdr h = { u->sport, u->dport, u->len, u->csum };
	uint8_t *p = push(b, NLRS_LAYER_UDP, keep, NLRS_UDP_HLEN);

	if (!p)
		return b->err;
	return emitted(b, nlrs_udp_emit(p, NLRS_UDP_HLEN, &h));
}

int nlrs_pkt_build_sctp(struct nlrs_pkt_builder *b, const struct nlrs_pkt_sctp *s, unsigned keep)
{
	struct nlrs_sctp_hdr h = { s->sport, s->dport, s->vtag, s->csum };
	uint8_t *p = push(b, NLRS_LAYER_SCTP, keep, NLRS_SCTP_HLEN);

	if (!p)
		return b->err;
	return emitted(b, nlrs_sctp_emit(p, NLRS_SCTP_HLEN, &h));
}

int nlrs_pkt_build_sctp_chunk(struct nlrs_pkt_builder *b, const struct nlrs_pkt_sctp_chunk *c,
			      unsigned keep)
{
	size_t n = NLRS_SCTP_CHUNK_HLEN + (size_t)c->vlen, padded = (n + 3) & ~(size_t)3;
	uint8_t *p;

	if (b->n == 0 || (c->vlen && !c->value) || n > 65535)
		return fail(b, -NLRS_EINVAL);
	p = push(b, B_SCTP_CHUNK, keep, padded);
	if (!p)
		return b->err;
	nlrs_memset(p, 0, padded);
	if (c->vlen)
		nlrs_memmove(p + 4, c->value, c->vlen);
	/* Emitting the RFC 9260 3.2 chunk header. */
	p[0] = c->type;
	p[1] = c->flags;
	nlrs_wr16(p + 2, (keep & NLRS_BUILD_KEEP_LEN) ? c->len : (uint16_t)n);
	return 0;
}

int nlrs_pkt_build_payload(struct nlrs_pkt_builder *b, const void *data, size_t len)
{
	uint8_t *p;

	if (len && !data)
		return fail(b, -NLRS_EINVAL);
	p = push(b, NLRS_LAYER_PAYLOAD, 0, len);
	if (!p)
		return b->err;
	if (len)
		nlrs_memmove(p, data, len);
	return 0;
}

/* The EtherType that announces entry i, or -1 if it has none. */
static int ethertype_of(const struct nlrs_pkt_builder *b, unsigned i)
{
	switch (b->l[i].type) {
	case NLRS_LAYER_IPV4:
		return NLRS_ETYPE_IPV4;
	case NLRS_LAYER_IPV6:
		return NLRS_ETYPE_IPV6;
	case NLRS_LAYER_ARP:
		return NLRS_ETYPE_ARP;
	case NLRS_LAYER_VLAN:
		return b->l[i].aux;
	default:
		return -1;
	}
}

static int ipproto_of(const struct nlrs_pkt_builder *b, unsigned i)
{
	switch (b->l[i].type) {
	case NLRS_LAYER_IPV4:
		return NLRS_IPPROTO_IPIP;
	case NLRS_LAYER_IPV6:
		return NLRS_IPPROTO_IPV6;
	case NLRS_LAYER_IPV6_HOPOPTS:
		return NLRS_IPPROTO_HOPOPTS;
	case NLRS_LAYER_IPV6_ROUTING:
		return NLRS_IPPROTO_ROUTING;
	case NLRS_LAYER_IPV6_FRAGMENT:
		return NLRS_IPPROTO_FRAGMENT;
	case NLRS_LAYER_IPV6_DSTOPTS:
		return NLRS_IPPROTO_DSTOPTS;
	case NLRS_LAYER_ICMP4:
		return NLRS_IPPROTO_ICMP;
	case NLRS_LAYER_ICMP6:
		return NLRS_IPPROTO_ICMPV6;
	case NLRS_LAYER_TCP:
		return NLRS_IPPROTO_TCP;
	case NLRS_LAYER_UDP:
		return NLRS_IPPROTO_UDP;
	case NLRS_LAYER_SCTP:
		return NLRS_IPPROTO_SCTP;
	default:
		return -1;
	}
}

/* Transport checksum of entry i over [off, end) with the pseudo-header of
 * the nearest IP layer before it (none: a plain sum). */
static uint16_t l4_csum(const struct nlrs_pkt_builder *b, unsigned i, uint8_t proto, size_t end)
{
	const uint8_t *p = b->buf + b->l[i].off;
	size_t len = end - b->l[i].off;
	uint32_t s = 0;

	for (unsigned j = i; j-- > 0;) {
		const uint8_t *ip = b->buf + b->l[j].off;

		if (b->l[j].type == NLRS_LAYER_IPV4) {
			s = nlrs_csum_pseudo4(nlrs_rd32(ip + 12), nlrs_rd32(ip + 16), proto,
					      (uint32_t)len);
			break;
		}
		if (b->l[j].type == NLRS_LAYER_IPV6) {
			s = nlrs_csum_pseudo6(ip + 8, ip + 24, proto, (uint32_t)len);
			break;
		}
	}
	return nlrs_csum_fold(nlrs_csum_add(s, p, len));
}

int nlrs_pkt_build_finish(struct nlrs_pkt_builder *b)
{
	size_t end = b->len;

	if (b->err)
		return b->err;
	for (unsigned i = b->n; i-- > 0;) {
		uint8_t *p = b->buf + b->l[i].off;
		unsigned keep = b->l[i].keep;
		bool has_next = i + 1 < b->n;
		size_t len = end - b->l[i].off; /* this layer and all inside it */
		int nt;

		switch (b->l[i].type) {
		case NLRS_LAYER_ETH:
			if (keep & NLRS_BUILD_KEEP_NEXT || !has_next)
				break;
			if (b->l[i + 1].type == NLRS_LAYER_LLC) {
				/* IEEE 802.3: a length, not a type */
				nlrs_wr16(p + 12, (uint16_t)(len - NLRS_ETH_HLEN));
			} else if ((nt = ethertype_of(b, i + 1)) >= 0) {
				nlrs_wr16(p + 12, (uint16_t)nt);
			}
			break;
		case NLRS_LAYER_VLAN:
		case NLRS_LAYER_SLL:
		case NLRS_LAYER_SLL2: {
			size_t at = b->l[i].type == NLRS_LAYER_VLAN ? 2
				    : b->l[i].type == NLRS_LAYER_SLL ? 14 : 0;

			if (keep & NLRS_BUILD_KEEP_NEXT || !has_next)
				break;
			if (b->l[i + 1].type == NLRS_LAYER_LLC)
				nlrs_wr16(p + at, b->l[i].type == NLRS_LAYER_VLAN
							  ? (uint16_t)(len - NLRS_VLAN_TAG_LEN)
							  : NLRS_SLL_P_802_2);
			else if ((nt = ethertype_of(b, i + 1)) >= 0)
				nlrs_wr16(p + at, (uint16_t)nt);
			break;
		}
		case NLRS_LAYER_IPV4: {
			size_t hl = (size_t)(p[0] & 0x0f) * 4;

			if (!(keep & NLRS_BUILD_KEEP_LEN))
				nlrs_wr16(p + 2, (uint16_t)len);
			if (!(keep & NLRS_BUILD_KEEP_NEXT) && has_next &&
			    (nt = ipproto_of(b, i + 1)) >= 0)
				p[9] = (uint8_t)nt;
			if (!(keep & NLRS_BUILD_KEEP_CSUM)) {
				/* over the header as its IHL says, inside what was built */
				if (hl > b->l[i].hlen)
					hl = b->l[i].hlen;
				nlrs_wr16(p + 10, 0);
				nlrs_wr16(p + 10, nlrs_csum_fold(nlrs_csum_add(0, p, hl)));
			}
			break;
		}
		case NLRS_LAYER_IPV6:
			if (!(keep & NLRS_BUILD_KEEP_LEN))
				nlrs_wr16(p + 4, (uint16_t)(len - NLRS_IPV6_HLEN));
			if (!(keep & NLRS_BUILD_KEEP_NEXT) && has_next &&
			    (nt = ipproto_of(b, i + 1)) >= 0)
				p[6] = (uint8_t)nt;
			break;
		case NLRS_LAYER_IPV6_HOPOPTS:
		case NLRS_LAYER_IPV6_ROUTING:
		case NLRS_LAYER_IPV6_FRAGMENT:
		case NLRS_LAYER_IPV6_DSTOPTS:
			if (!(keep & NLRS_BUILD_KEEP_NEXT) && has_next &&
			    (nt = ipproto_of(b, i + 1)) >= 0)
				p[0] = (uint8_t)nt;
			break;
		case NLRS_LAYER_TCP:
			if (!(keep & NLRS_BUILD_KEEP_CSUM)) {
				nlrs_wr16(p + 16, 0);
				nlrs_wr16(p + 16, l4_csum(b, i, NLRS_IPPROTO_TCP, end));
			}
			break;
		case NLRS_LAYER_UDP:
			if (!(keep & NLRS_BUILD_KEEP_LEN))
				nlrs_wr16(p + 4, (uint16_t)len);
			if (!(keep & NLRS_BUILD_KEEP_CSUM)) {
				uint16_t c;

				nlrs_wr16(p + 6, 0);
				c = l4_csum(b, i, NLRS_IPPROTO_UDP, end);
				/* RFC 768: a computed 0 is sent as all ones */
				nlrs_wr16(p + 6, c ? c : 0xffff);
			}
			break;
		case NLRS_LAYER_ICMP4:
			if (!(keep & NLRS_BUILD_KEEP_CSUM)) {
				nlrs_wr16(p + 2, 0);
				nlrs_wr16(p + 2, nlrs_csum_fold(nlrs_csum_add(0, p, len)));
			}
			break;
		case NLRS_LAYER_ICMP6:
			if (!(keep & NLRS_BUILD_KEEP_CSUM)) {
				nlrs_wr16(p + 2, 0);
				nlrs_wr16(p + 2, l4_csum(b, i, NLRS_IPPROTO_ICMPV6, end));
			}
			break;
		case NLRS_LAYER_SCTP:
			if (!(keep & NLRS_BUILD_KEEP_CSUM))
				nlrs_wr32(p + 8, nlrs_sctp_csum(p, len));
			break;
		default:
			break;
		}
	}
	return b->len > INT32_MAX ? -NLRS_EMSGSIZE : (int)b->len;
}
