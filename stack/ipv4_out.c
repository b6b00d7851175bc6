/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv4 output (RFC 791, RFC 1122 3.3): source selection, the header, local
 * delivery to ourselves, and hand-off to fragmentation or the link.
 */
#include "core.h"
#include "wire/checksum.h"
#include "wire/icmp4.h"

uint32_t nlrs__ip_select_src(const struct nlrs_stack *s, uint32_t dst)
{
	if (nlrs__addr_is_local(s, dst, NULL))
		return dst;
	int ifindex;
	uint32_t nexthop;
	if (nlrs__route_lookup(s, dst, &ifindex, &nexthop))
		return 0;
	return nlrs__iface_src(s, ifindex, nexthop);
}

uint32_t nlrs__ip_offloads(const struct nlrs_stack *s, uint32_t dst)
{
	int ifindex;
	uint32_t nexthop;
	if (nlrs__addr_is_local(s, dst, NULL) || nlrs__route_lookup(s, dst, &ifindex, &nexthop))
		return 0;
	return s->ifaces[ifindex].offloads;
}

void nlrs__csum_finish(struct nlrs_buf *b)
{
	if (b->csum != NLRS_CSUM_PARTIAL || b->len < NLRS_IPV4_HLEN)
		return;
	uint32_t hlen = (uint32_t)(b->data[0] & 0x0fu) * 4u;
	uint32_t tot = nlrs_rd16(b->data + 2);
	uint8_t proto = b->data[9];
	uint32_t off = proto == NLRS_IPPROTO_TCP ? 16u : proto == NLRS_IPPROTO_UDP ? 6u : 0u;
	if (!off || hlen < NLRS_IPV4_HLEN || tot > b->tot_len || hlen + off + 2u > b->len ||
	    tot < hlen + off + 2u)
		return;
	/* The field holds the pseudo-header sum: summing over the segment
	 * with it in place and complementing gives the full checksum. */
	uint16_t c = nlrs_csum_fold(nlrs__buf_csum(b, hlen, tot - hlen, 0));
	if (proto == NLRS_IPPROTO_UDP && !c)
		c = 0xffff;
	nlrs_wr16(b->data + hlen + off, c);
	b->csum = NLRS_CSUM_NONE;
}

uint16_t nlrs__ip_mtu(const struct nlrs_stack *s, uint32_t dst)
{
	int ifindex;
	uint32_t nexthop;
	if (nlrs__route_lookup(s, dst, &ifindex, &nexthop))
		return 576; /* RFC 1122 3.3.3 default */
	return s->ifaces[ifindex].mtu;
}

int nlrs__ip_bcast_iface(const struct nlrs_stack *s)
{
	for (int i = 0; i < s->cfg.max_ifaces; i++)
		if (s->ifaces[i].used && s->ifaces[i].up && s->ifaces[i].naddr)
			return i;
	return -1;
}

void nlrs__ip_loop(struct nlrs_stack *s, struct nlrs_buf *b, int ifindex)
{
	b->flags |= NLRS_BUFF_LOOPED;
	b->ifindex = (uint16_t)(ifindex < 0 ? 0 : ifindex);
	b->qnext = NULL;
	if (s->loopq_tail)
		s->loopq_tail->qnext = b;
	else
		s->loopq_head = b;
	s->loopq_tail = b;
	NLRS_INC(s, ip_loopback);
}

int nlrs__ip_output(struct nlrs_stack *s, struct nlrs_buf *b, const struct nlrs_ip_out *o)
{
	int rc;
	int ifindex = -1;
	uint32_t nexthop = o->dst;
	bool to_self = nlrs__addr_is_local(s, o->dst, &ifindex);
	NLRS_INC(s, ip_tx);

	if (!to_self) {
		if (nlrs_ipv4_is_limited_bcast(o->dst)) {
			ifindex = o->ifindex >= 0 ? o->ifindex : nlrs__ip_bcast_iface(s);
			if (ifindex < 0) {
				rc = -NLRS_ENETUNREACH;
				goto noroute;
			}
		} else if (o->ifindex >= 0 && nlrs_ipv4_is_multicast(o->dst)) {
			ifindex = o->ifindex;
		} else if (nlrs__route_lookup(s, o->dst, &ifindex, &nexthop)) {
			rc = -NLRS_ENETUNREACH;
			goto noroute;
		}
		/* RFC 1122 3.3.6: broadcasts need the sender's consent
		 * (SO_BROADCAST); Linux says EACCES. */
		if (!o->allow_bcast && nlrs__addr_is_bcast(s, ifindex, o->dst)) {
			nlrs_buf_free(b);
			return -NLRS_EACCES;
		}
	}
	uint32_t src = o->src ? o->src : (to_self ? o->dst : nlrs__iface_src(s, ifindex, o->dst));
	if (!src) {
		nlrs_buf_free(b);
		return -NLRS_EADDRNOTAVAIL;
	}
	uint32_t len = NLRS_IPV4_HLEN + b->tot_len;
	if (len > 65535) {
		nlrs_buf_free(b);
		return -NLRS_EMSGSIZE;
	}
	struct nlrs_ipv4_hdr h = {
		.tos = o->tos,
		.tot_len = (uint16_t)len,
		.id = s->ip_id++,
		.df = o->df,
		.ttl = o->ttl ? o->ttl : s->cfg.ttl,
		.proto = o->proto,
		.src = src,
		.dst = o->dst,
	};
	uint16_t mtu = to_self ? 0xffff : s->ifaces[ifindex].mtu;
	/* A TSO super-segment is cut by the device (which must offer it:
	 * TCP asks nlrs__ip_offloads first). */
	if (b->gso_type && !to_self && (s->ifaces[ifindex].offloads & NLRS_OFFLOAD_TSO4))
		mtu = 0xffff;
	if (len > mtu) {
		if (o->df) {
			NLRS_INC(s, ip_tx_frag_needed);
			nlrs_buf_free(b);
			return -NLRS_EMSGSIZE;
		}
		return nlrs__ip_fragment(s, ifindex, nexthop, &h, b, mtu);
	}
	uint8_t *p = nlrs_buf_push(b, NLRS_IPV4_HLEN);
	if (!p) {
		NLRS_INC(s, buf_alloc_fail);
		nlrs_buf_free(b);
		return -NLRS_ENOBUFS;
	}
	nlrs_ipv4_emit(p, NLRS_IPV4_HLEN, &h);
	if (to_self) {
		nlrs__ip_loop(s, b, ifindex);
		return 0;
	}
	return nlrs__link_output(s, ifindex, nexthop, b);
noroute:
	NLRS_INC(s, ip_tx_no_route);
	nlrs_buf_free(b);
	return rc;
}

int nlrs__ip_output_hdr(struct nlrs_stack *s, struct nlrs_buf *b, int ifindex, uint32_t nexthop)
{
	struct nlrs_iface *ifp = nlrs__iface(s, ifindex);
	if (!ifp) {
		nlrs_buf_free(b);
		return -NLRS_ENODEV;
	}
	if (b->tot_len <= ifp->mtu)
		return nlrs__link_output(s, ifindex, nexthop, b);
	struct nlrs_ipv4_hdr h;
	if (nlrs__ip_hdr_parse(b, &h, false) < 0) {
		NLRS_INC(s, ip_rx_bad_len);
		nlrs_buf_free(b);
		return -NLRS_EINVAL;
	}
	if (h.df) {
		/* RFC 1191 3: tell the sender the next-hop MTU. */
		NLRS_INC(s, ip_tx_frag_needed);
		if (!(b->flags & NLRS_BUFF_LOOPED) && !nlrs__addr_is_local(s, h.src, NULL))
			nlrs__icmp_error(s, b, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_FRAG_NEEDED, ifp->mtu);
		nlrs_buf_free(b);
		return -NLRS_EMSGSIZE;
	}
	/* Options stay readable: pull only moves the data pointer. */
	nlrs_buf_pull(b, h.hlen);
	return nlrs__ip_fragment(s, ifindex, nexthop, &h, b, ifp->mtu);
}
