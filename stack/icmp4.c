/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ICMP for IPv4 (RFC 792, RFC 1122 3.2.2).
 *
 * Implements: echo reply (RFC 792; any size, fragmented requests too),
 * destination unreachable (protocol, port, net, fragmentation needed with
 * the RFC 1191 next-hop MTU), time exceeded (TTL when forwarding, and
 * reassembly timeout), the RFC 1122 3.2.2 rules for when an error must not
 * be sent, a token-bucket rate limit on errors (RFC 1812 4.3.2.8), and
 * delivery of received errors to the UDP socket that caused them.
 *
 * Not implemented: timestamp and address mask replies (RFC 1122 3.2.2.8
 * and 3.2.2.9 make them optional), acting on redirects, source quench
 * (deprecated by RFC 6633), echo to broadcast addresses (ignored, as
 * Linux does by default).
 */
#include "core.h"
#include "wire/checksum.h"
#include "wire/icmp4.h"

/* RFC 1812 4.3.2.3: quote as much as fits in a 576-byte datagram. */
#define ICMP_QUOTE_MAX (576 - NLRS_IPV4_HLEN - NLRS_ICMP4_HLEN)

static int err_from_icmp(uint8_t type, uint8_t code)
{
	if (type == NLRS_ICMP_DEST_UNREACH) {
		switch (code) {
		case NLRS_ICMP_NET_UNREACH: return -NLRS_ENETUNREACH;
		case NLRS_ICMP_PROT_UNREACH: return -NLRS_ENOPROTOOPT;
		case NLRS_ICMP_PORT_UNREACH: return -NLRS_ECONNREFUSED;
		case NLRS_ICMP_FRAG_NEEDED: return -NLRS_EMSGSIZE;
		default: return -NLRS_EHOSTUNREACH;
		}
	}
	if (type == NLRS_ICMP_PARAMPROB)
		return -NLRS_EPROTOTYPE;
	return -NLRS_EHOSTUNREACH; /* time exceeded, as Linux reports it */
}

static void handle_error(struct nlrs_stack *s, struct nlrs_buf *b, const struct nlrs_icmp4_hdr *ic,
			 size_t len)
{
	uint8_t quote[NLRS_IPV4_MAX_HLEN + 8];
	size_t qlen = len - NLRS_ICMP4_HLEN;
	if (qlen > sizeof(quote))
		qlen = sizeof(quote);
	nlrs_buf_copy_out(b, NLRS_ICMP4_HLEN, quote, qlen);
	struct nlrs_ipv4_hdr inner;
	const uint8_t *l4;
	size_t l4len;
	/* The quote must be a datagram we sent: our source address. */
	if (nlrs_icmp4_quote(quote, qlen, &inner, &l4, &l4len) < 0 ||
	    !nlrs__addr_is_local(s, inner.src, NULL)) {
		NLRS_INC(s, icmp_rx_bad_quote);
		return;
	}
	NLRS_INC(s, icmp_rx_errors);
	/* Only a first fragment carries the transport ports. */
	if (inner.proto == NLRS_IPPROTO_UDP && inner.frag_off == 0)
		nlrs__udp_icmp_error(s, &inner, l4, l4len, err_from_icmp(ic->type, ic->code));
	else if (inner.proto == NLRS_IPPROTO_TCP && inner.frag_off == 0)
		nlrs__tcp_icmp_error(s, &inner, l4, l4len, ic->type, ic->code, ic->un.frag.mtu);
}

/* Consumes b (data at the ICMP header, len bytes). */
static void echo_reply(struct nlrs_stack *s, struct nlrs_buf *b, const struct nlrs_ipv4_hdr *ih,
		       size_t len)
{
	struct nlrs_buf *r = b;
	/* The request becomes the reply in place when nobody else holds it
	 * and the IPv4 and (tagged) Ethernet headers fit in front; otherwise
	 * the reply is a copy with full headroom. */
	if (nlrs_buf_shared(b) || nlrs_buf_headroom(b) < NLRS_IPV4_HLEN + 18u) {
		r = nlrs_buf_alloc(&s->pool, NLRS_BUF_HEADROOM);
		for (const struct nlrs_buf *seg = b; r && seg; seg = seg->next) {
			if (nlrs_buf_append(r, seg->data, seg->len)) {
				nlrs_buf_free(r);
				r = NULL;
			}
		}
		nlrs_buf_free(b);
		if (!r) {
			NLRS_INC(s, buf_alloc_fail);
			return;
		}
	}
	r->flags = 0;
	r->l3off = 0;
	nlrs_buf_trim(r, (uint32_t)len);
	/* RFC 792: swap addresses, type 0, recompute the checksum (here by
	 * RFC 1624 since only the type changed). */
	uint16_t old = nlrs_rd16(r->data);
	r->data[0] = NLRS_ICMP_ECHOREPLY;
	nlrs_wr16(r->data + 2, nlrs_csum_update16(nlrs_rd16(r->data + 2), old, nlrs_rd16(r->data)));
	struct nlrs_ip_out o = {
		.src = ih->dst,
		.dst = ih->src,
		.proto = NLRS_IPPROTO_ICMP,
		.tos = ih->tos,
		.ifindex = -1,
	};
	if (nlrs__ip_output(s, r, &o) == 0)
		NLRS_INC(s, icmp_echo_replies);
}

void nlrs__icmp_input(struct nlrs_stack *s, struct nlrs_buf *b, const struct nlrs_ipv4_hdr *ih)
{
	NLRS_INC(s, icmp_rx);
	nlrs_buf_pull(b, ih->hlen);
	size_t len = b->tot_len;
	uint8_t hdr[NLRS_ICMP4_HLEN];
	struct nlrs_icmp4_hdr ic;
	if (len < NLRS_ICMP4_HLEN) {
		NLRS_INC(s, icmp_rx_short);
		goto out;
	}
	nlrs_buf_copy_out(b, 0, hdr, sizeof(hdr));
	if (nlrs_icmp4_parse(hdr, sizeof(hdr), &ic) < 0) {
		NLRS_INC(s, icmp_rx_short);
		goto out;
	}
	if (nlrs_csum_fold(nlrs__buf_csum(b, 0, len, 0)) != 0) {
		NLRS_INC(s, icmp_rx_bad_checksum);
		goto out;
	}
	switch (ic.type) {
	case NLRS_ICMP_ECHO:
		/* RFC 1122 3.2.2.6 allows ignoring echo to broadcast. */
		if (nlrs__addr_is_bcast(s, b->ifindex, ih->dst) || nlrs_ipv4_is_multicast(ih->dst)) {
			NLRS_INC(s, icmp_rx_bcast_echo);
			goto out;
		}
		echo_reply(s, b, ih, len);
		return; /* b consumed */
	case NLRS_ICMP_DEST_UNREACH:
	case NLRS_ICMP_TIME_EXCEEDED:
	case NLRS_ICMP_PARAMPROB:
		handle_error(s, b, &ic, len);
		break;
	case NLRS_ICMP_ECHOREPLY:
		break; /* for raw ICMP sockets (ping), already delivered */
	default:
		NLRS_INC(s, icmp_rx_unhandled);
		break;
	}
out:
	nlrs_buf_free(b);
}

void nlrs__icmp_error(struct nlrs_stack *s, const struct nlrs_buf *orig, uint8_t type, uint8_t code,
		      uint32_t info)
{
	struct nlrs_ipv4_hdr h;
	if (nlrs__ip_hdr_parse(orig, &h, false) < 0)
		return;
	/* RFC 1122 3.2.2: never about an ICMP error, a broadcast or
	 * multicast (IP or link layer), a non-initial fragment, or a source
	 * that is not one host. */
	if (h.frag_off || (orig->flags & NLRS_BUFF_L2BCAST) || nlrs_ipv4_is_multicast(h.dst) ||
	    nlrs__addr_is_bcast(s, orig->ifindex, h.dst) || !h.src ||
	    nlrs_ipv4_is_multicast(h.src) || nlrs_ipv4_is_limited_bcast(h.src) ||
	    nlrs_ipv4_is_class_e(h.src) || nlrs__addr_is_bcast(s, orig->ifindex, h.src))
		return;
	if (h.proto == NLRS_IPPROTO_ICMP) {
		uint8_t t;
		if (nlrs_buf_copy_out(orig, h.hlen, &t, 1) != 1 || nlrs_icmp4_is_error(t) ||
		    (t != NLRS_ICMP_ECHO && t != NLRS_ICMP_ECHOREPLY && t != NLRS_ICMP_TIMESTAMP &&
		     t != NLRS_ICMP_TIMESTAMPREPLY))
			return; /* RFC 1812 4.3.2.7: unknown types count as errors */
	}
	if (!nlrs__bucket_take(&s->icmp_bucket, s->now, s->cfg.icmp_rate, s->cfg.icmp_burst)) {
		NLRS_INC(s, icmp_rate_limited);
		return;
	}
	struct nlrs_buf *b = nlrs_buf_alloc(&s->pool, NLRS_BUF_HEADROOM);
	if (!b) {
		NLRS_INC(s, buf_alloc_fail);
		return;
	}
	size_t qlen = h.tot_len < orig->tot_len ? h.tot_len : orig->tot_len;
	if (qlen > ICMP_QUOTE_MAX)
		qlen = ICMP_QUOTE_MAX;
	struct nlrs_icmp4_hdr ic = { .type = type, .code = code };
	if (type == NLRS_ICMP_DEST_UNREACH && code == NLRS_ICMP_FRAG_NEEDED)
		ic.un.frag.mtu = (uint16_t)info;
	else if (type == NLRS_ICMP_PARAMPROB)
		ic.un.pointer = (uint8_t)info;
	uint8_t *p = nlrs_buf_put(b, (uint16_t)(NLRS_ICMP4_HLEN + qlen));
	nlrs_icmp4_emit(p, NLRS_ICMP4_HLEN, &ic);
	nlrs_buf_copy_out(orig, 0, p + NLRS_ICMP4_HLEN, qlen);
	nlrs_wr16(p + 2, nlrs_csum_fold(nlrs_csum_add(0, p, NLRS_ICMP4_HLEN + qlen)));
	/* Answer from the address the datagram was sent to if it is ours,
	 * else (forwarding) from our address on the arrival interface. */
	uint32_t src = nlrs__addr_is_local(s, h.dst, NULL) ? h.dst
							    : nlrs__iface_src(s, orig->ifindex, h.src);
	struct nlrs_ip_out o = {
		.src = src,
		.dst = h.src,
		.proto = NLRS_IPPROTO_ICMP,
		.tos = 0xc0, /* RFC 1812 4.3.2.5: internetwork control precedence */
		.ifindex = -1,
	};
	if (nlrs__ip_output(s, b, &o) == 0)
		NLRS_INC(s, icmp_errors_sent);
}
