/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Raw IPv4 sockets, with Linux's semantics: a raw socket of protocol P
 * receives a copy of every datagram of protocol P addressed to us (IP
 * header included), filtered by its bound and connected addresses; it
 * sends its payload under an IPv4 header the stack writes, or with
 * IP_HDRINCL its own header (the stack fills in a zero ID, the total length
 * and the checksum, and a zero source).
 */
#include "core.h"
#include "wire/checksum.h"

bool nlrs__raw_input(struct nlrs_stack *s, const struct nlrs_buf *b, const struct nlrs_ipv4_hdr *ih)
{
	bool any = false;
	for (unsigned i = 0; i < s->cfg.sockets; i++) {
		struct nlrs_sock *so = &s->socks[i];
		if (so->type != NLRS_SOCK_RAW || so->proto != ih->proto)
			continue;
		if (so->local.v4 && so->local.v4 != ih->dst)
			continue;
		if ((so->flags & NLRS_SOCKF_CONNECTED) && so->peer.v4 != ih->src)
			continue;
		any = true;
		/* A private copy: the transport above will change b. */
		struct nlrs_buf *c = nlrs_buf_clone(&s->pool, b);
		if (!c) {
			NLRS_INC(s, buf_alloc_fail);
			continue;
		}
		c->l3off = 0;
		if (nlrs__sock_enqueue(s, (int)i, c))
			NLRS_INC(s, raw_rx);
		else
			NLRS_INC(s, raw_rx_queue_full);
	}
	return any;
}

int nlrs__raw_output(struct nlrs_stack *s, int sd, const void *data, size_t len,
		     const struct nlrs_endpoint *to)
{
	struct nlrs_sock *so = &s->socks[sd];
	if (!(so->flags & NLRS_SOCKF_HDRINCL)) {
		if (len > 65535 - NLRS_IPV4_HLEN)
			return -NLRS_EMSGSIZE;
		struct nlrs_buf *b = nlrs_buf_from(&s->pool, NLRS_BUF_HEADROOM, data, len);
		if (!b) {
			NLRS_INC(s, buf_alloc_fail);
			return -NLRS_ENOBUFS;
		}
		struct nlrs_ip_out o = {
			/* RFC 1122 3.2.1.3: never a group or broadcast source */
			.src = nlrs__addr_is_local(s, so->local.v4, NULL) ? so->local.v4 : 0,
			.dst = to->v4,
			.proto = so->proto,
			.ttl = so->ttl,
			.df = (so->flags & NLRS_SOCKF_DF) != 0,
			.allow_bcast = (so->flags & NLRS_SOCKF_BROADCAST) != 0,
			.ifindex = -1,
		};
		int rc = nlrs__ip_output(s, b, &o);
		if (rc < 0)
			return rc;
		NLRS_INC(s, raw_tx);
		return (int)len;
	}

	/* IP_HDRINCL: the caller's header, checked like input would be. */
	if (len < NLRS_IPV4_HLEN || len > 65535)
		return -NLRS_EINVAL;
	const uint8_t *in = data;
	unsigned hl = (unsigned)(in[0] & 0xfu) * 4u;
	if ((in[0] >> 4) != 4 || hl < NLRS_IPV4_HLEN || hl > len)
		return -NLRS_EINVAL;
	struct nlrs_buf *b = nlrs_buf_from(&s->pool, NLRS_BUF_HEADROOM, data, len);
	if (!b) {
		NLRS_INC(s, buf_alloc_fail);
		return -NLRS_ENOBUFS;
	}
	uint8_t *p = b->data;
	uint32_t dst = nlrs_rd32(p + 16);
	nlrs_wr16(p + 2, (uint16_t)len);
	if (!nlrs_rd16(p + 4))
		nlrs_wr16(p + 4, s->ip_id++);
	if (!nlrs_rd32(p + 12)) {
		uint32_t src = nlrs__ip_select_src(s, dst);
		nlrs_wr32(p + 12, src);
	}
	nlrs_wr16(p + 10, 0);
	nlrs_wr16(p + 10, nlrs_csum_fold(nlrs_csum_add(0, p, hl)));
	int ifindex;
	uint32_t nexthop = dst;
	if (nlrs__addr_is_local(s, dst, &ifindex)) {
		nlrs__ip_loop(s, b, ifindex);
		NLRS_INC(s, raw_tx);
		return (int)len;
	}
	if (nlrs__route_lookup(s, dst, &ifindex, &nexthop)) {
		NLRS_INC(s, ip_tx_no_route);
		nlrs_buf_free(b);
		return -NLRS_ENETUNREACH;
	}
	int rc = nlrs__ip_output_hdr(s, b, ifindex, nexthop);
	if (rc < 0)
		return rc;
	NLRS_INC(s, raw_tx);
	return (int)len;
}
