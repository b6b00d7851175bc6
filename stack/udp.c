/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * UDP (RFC 768, RFC 1122 4.1).
 *
 * Implements: checksum verification (a zero checksum means none, RFC 768)
 * and generation (a computed zero is sent as all ones), demultiplexing to
 * the most specific socket (connected, then bound address, then wildcard),
 * delivery of broadcasts to every matching socket, ICMP port unreachable
 * for unicast datagrams to closed ports (RFC 1122 4.1.3.1), and ICMP
 * errors reported to connected sockets (as Linux does without IP_RECVERR).
 *
 * Not implemented: multicast group membership, UDP-Lite, SO_REUSEADDR /
 * SO_REUSEPORT sharing of a port.
 */
#include "core.h"
#include "wire/checksum.h"
#include "wire/udp.h"
#include "wire/icmp4.h"

/* Score a socket for (dst, dport) from (src, sport); -1 if it does not match. */
static int match(const struct nlrs_sock *so, uint32_t src, uint16_t sport, uint32_t dst,
		 uint16_t dport)
{
	if (so->type != NLRS_SOCK_DGRAM || !(so->flags & NLRS_SOCKF_BOUND) || so->local.port != dport)
		return -1;
	int score = 0;
	if (so->local.v4) {
		/* A socket bound to a unicast address does not hear broadcasts;
		 * one bound to a group or broadcast address hears only that. */
		if (so->local.v4 != dst)
			return -1;
		score += 1;
	}
	if (so->flags & NLRS_SOCKF_CONNECTED) {
		if (so->peer.v4 != src || so->peer.port != sport)
			return -1;
		score += 2;
	}
	return score;
}

static void deliver(struct nlrs_stack *s, int sd, struct nlrs_buf *b)
{
	if (!nlrs__sock_enqueue(s, sd, b))
		NLRS_INC(s, udp_rx_queue_full);
}

void nlrs__udp_input(struct nlrs_stack *s, struct nlrs_buf *b, const struct nlrs_ipv4_hdr *ih)
{
	NLRS_INC(s, udp_rx);
	uint32_t ulen = (uint32_t)ih->tot_len - ih->hlen;
	struct nlrs_udp_hdr uh;
	if (ulen < NLRS_UDP_HLEN || b->len < (size_t)ih->hlen + NLRS_UDP_HLEN) {
		NLRS_INC(s, udp_rx_short);
		goto drop;
	}
	/* The view reads the 8-byte header from the first segment and checks
	 * the length field against the whole IP payload. */
	int rc = nlrs_udp_parse(b->data + ih->hlen, ulen, &uh);
	if (rc < 0) {
		NLRS_INC(s, udp_rx_bad_len);
		goto drop;
	}
	/* RFC 768: octets past the UDP length are not part of the datagram. */
	nlrs_buf_trim(b, (uint32_t)ih->hlen + uh.len);
	if (uh.csum && b->csum == NLRS_CSUM_NONE) { /* a device may have checked it */
		uint32_t sum = nlrs_csum_pseudo4(ih->src, ih->dst, NLRS_IPPROTO_UDP, uh.len);
		if (nlrs_csum_fold(nlrs__buf_csum(b, ih->hlen, uh.len, sum)) != 0) {
			NLRS_INC(s, udp_rx_bad_checksum);
			goto drop;
		}
	}
	bool bcast = nlrs__addr_is_bcast(s, b->ifindex, ih->dst) || nlrs_ipv4_is_multicast(ih->dst);

	int best = -1, best_score = -1;
	for (unsigned i = 0; i < s->cfg.sockets; i++) {
		int sc = match(&s->socks[i], ih->src, uh.sport, ih->dst, uh.dport);
		if (sc < 0)
			continue;
		if (bcast && best >= 0) {
			/* Every listener gets a broadcast: give the earlier one a copy. */
			struct nlrs_buf *c = nlrs_buf_clone(&s->pool, b);
			if (c) {
				nlrs_buf_pull(c, (uint16_t)(ih->hlen + NLRS_UDP_HLEN));
				c->l3off = (uint16_t)(ih->hlen + NLRS_UDP_HLEN);
				deliver(s, best, c);
			} else {
				NLRS_INC(s, buf_alloc_fail);
			}
			best = (int)i;
			continue;
		}
		if (sc > best_score) {
			best = (int)i;
			best_score = sc;
		}
	}
	if (best < 0) {
		NLRS_INC(s, udp_rx_no_port);
		if (!bcast)
			nlrs__icmp_error(s, b, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_PORT_UNREACH, 0);
		goto drop;
	}
	/* Leave the headers in the headroom: recvfrom reads the source back
	 * from them (l3off = distance from the IP header to the payload). */
	nlrs_buf_pull(b, (uint16_t)(ih->hlen + NLRS_UDP_HLEN));
	b->l3off = (uint16_t)(ih->hlen + NLRS_UDP_HLEN);
	deliver(s, best, b);
	return;
drop:
	nlrs_buf_free(b);
}

void nlrs__udp_icmp_error(struct nlrs_stack *s, const struct nlrs_ipv4_hdr *inner,
			  const uint8_t *l4, size_t l4len, int err)
{
	if (l4len < 4)
		return;
	uint16_t sport = nlrs_rd16(l4), dport = nlrs_rd16(l4 + 2);
	for (unsigned i = 0; i < s->cfg.sockets; i++) {
		struct nlrs_sock *so = &s->socks[i];
		if (so->type != NLRS_SOCK_DGRAM || !(so->flags & NLRS_SOCKF_CONNECTED) ||
		    so->local.port != sport || so->peer.port != dport || so->peer.v4 != inner->dst)
			continue;
		nlrs__sock_set_error(s, (int)i, err);
		return;
	}
}

int nlrs__udp_output(struct nlrs_stack *s, int sd, const void *data, size_t len,
		     const struct nlrs_endpoint *to)
{
	struct nlrs_sock *so = &s->socks[sd];
	/* RFC 1122 3.2.1.3: a group or broadcast address bound for receiving
	 * is never a source; the route picks one, as on Linux. */
	uint32_t src = so->local.v4 && !nlrs_ipv4_is_multicast(so->local.v4) &&
				!nlrs_ipv4_is_limited_bcast(so->local.v4) &&
				nlrs__addr_is_local(s, so->local.v4, NULL)
			       ? so->local.v4
			       : nlrs__ip_select_src(s, to->v4);
	if (!src && !nlrs_ipv4_is_limited_bcast(to->v4)) {
		NLRS_INC(s, ip_tx_no_route);
		return -NLRS_ENETUNREACH;
	}
	if (!src) {
		/* Limited broadcast: from the interface it leaves by. */
		int bif = nlrs__ip_bcast_iface(s);
		if (bif < 0)
			return -NLRS_ENETUNREACH;
		src = s->ifaces[bif].addr[0];
	}
	struct nlrs_buf *b = nlrs_buf_alloc(&s->pool, NLRS_BUF_HEADROOM);
	if (!b) {
		NLRS_INC(s, buf_alloc_fail);
		return -NLRS_ENOBUFS;
	}
	uint8_t *p = nlrs_buf_put(b, NLRS_UDP_HLEN);
	if (nlrs_buf_append(b, data, len)) {
		NLRS_INC(s, buf_alloc_fail);
		nlrs_buf_free(b);
		return -NLRS_ENOBUFS;
	}
	uint16_t ulen = (uint16_t)(NLRS_UDP_HLEN + len);
	struct nlrs_udp_hdr uh = { .sport = so->local.port, .dport = to->port, .len = ulen };
	nlrs_udp_emit(p, NLRS_UDP_HLEN, &uh);
	uint32_t sum = nlrs_csum_pseudo4(src, to->v4, NLRS_IPPROTO_UDP, ulen);
	uint16_t c = nlrs_csum_fold(nlrs__buf_csum(b, 0, ulen, sum));
	nlrs_wr16(p + 6, c ? c : 0xffff); /* RFC 768: zero is sent as all ones */
	struct nlrs_ip_out o = {
		.src = src,
		.dst = to->v4,
		.proto = NLRS_IPPROTO_UDP,
		.ttl = so->ttl,
		.df = (so->flags & NLRS_SOCKF_DF) != 0,
		.allow_bcast = (so->flags & NLRS_SOCKF_BROADCAST) != 0,
		.ifindex = -1,
	};
	int rc = nlrs__ip_output(s, b, &o);
	if (rc < 0)
		return rc;
	NLRS_INC(s, udp_tx);
	return (int)len;
}
