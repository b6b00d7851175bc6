/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv4 input (RFC 791, RFC 1122 3.2.1): header checks, delivery to the
 * transports, reassembly hand-off, and forwarding when enabled (RFC 1812
 * 5.2: TTL decrement, ICMP time exceeded, fragmentation).
 *
 * Options are checked for sane lengths and skipped, never acted on (no
 * source routing, record route or timestamps). Not implemented: multicast
 * group membership (only 224.0.0.1 is received), ICMP redirects when
 * forwarding back out the arrival interface (RFC 1812 5.2.7.2).
 */
#include "core.h"
#include "wire/checksum.h"
#include "wire/icmp4.h"

static void count_parse_error(struct nlrs_stack *s, int rc)
{
	switch (rc) {
	case NLRS_WIRE_SHORT: NLRS_INC(s, ip_rx_short); break;
	case NLRS_WIRE_BAD_VERSION: NLRS_INC(s, ip_rx_bad_version); break;
	case NLRS_WIRE_BAD_HLEN: NLRS_INC(s, ip_rx_bad_hlen); break;
	case NLRS_WIRE_BAD_CSUM: NLRS_INC(s, ip_rx_bad_checksum); break;
	case NLRS_WIRE_BAD_OPTION: NLRS_INC(s, ip_rx_bad_options); break;
	default: NLRS_INC(s, ip_rx_bad_len); break;
	}
}

#define ALL_HOSTS_GROUP NLRS_IP4(224, 0, 0, 1)

static void forward(struct nlrs_stack *s, struct nlrs_buf *b, const struct nlrs_ipv4_hdr *h)
{
	/* RFC 1812 5.3.7: never forward to loopback, 0/8 or class E. */
	if (nlrs_ipv4_is_loopback(h->dst) || nlrs_ipv4_is_zeronet(h->dst) ||
	    nlrs_ipv4_is_class_e(h->dst)) {
		NLRS_INC(s, ip_fwd_bad_dest);
		goto drop;
	}
	/* RFC 1812 5.3.1: a packet whose TTL would reach zero is answered
	 * with time exceeded, code 0, and not forwarded. */
	if (h->ttl <= 1) {
		NLRS_INC(s, ip_fwd_ttl_exceeded);
		nlrs__icmp_error(s, b, NLRS_ICMP_TIME_EXCEEDED, NLRS_ICMP_EXC_TTL, 0);
		goto drop;
	}
	int ifindex;
	uint32_t nexthop;
	if (nlrs__route_lookup(s, h->dst, &ifindex, &nexthop)) {
		NLRS_INC(s, ip_tx_no_route);
		nlrs__icmp_error(s, b, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_NET_UNREACH, 0);
		goto drop;
	}
	/* RFC 2644: directed broadcasts are not forwarded by default. */
	if (nlrs__addr_is_bcast(s, ifindex, h->dst)) {
		NLRS_INC(s, ip_fwd_bad_dest);
		goto drop;
	}
	if (nlrs_buf_shared(b)) {
		struct nlrs_buf *c = nlrs_buf_clone(&s->pool, b);
		nlrs_buf_free(b);
		if (!c) {
			NLRS_INC(s, buf_alloc_fail);
			return;
		}
		b = c;
	}
	/* TTL and protocol share a 16-bit word: RFC 1624 update. */
	uint8_t *p = b->data;
	uint16_t old = nlrs_rd16(p + 8);
	p[8]--;
	nlrs_wr16(p + 10, nlrs_csum_update16(nlrs_rd16(p + 10), old, nlrs_rd16(p + 8)));
	NLRS_INC(s, ip_fwd);
	/* A device handed us a partial checksum (offload): whoever receives
	 * the forwarded packet needs a whole one. */
	nlrs__csum_finish(b);
	nlrs__ip_output_hdr(s, b, ifindex, nexthop);
	return;
drop:
	nlrs_buf_free(b);
}

int nlrs__ip_hdr_parse(const struct nlrs_buf *b, struct nlrs_ipv4_hdr *h, bool verify_csum)
{
	/* A chain must hold the whole header in its first segment: the view
	 * reads the header as one contiguous run of tot_len's first bytes. */
	if (b->len < b->tot_len) {
		if (b->len < NLRS_IPV4_HLEN)
			return NLRS_WIRE_SHORT;
		if ((size_t)(b->data[0] & 0xfu) * 4u > b->len)
			return NLRS_WIRE_BAD_HLEN;
	}
	return nlrs_ipv4_parse(b->data, b->tot_len, h, verify_csum);
}

void nlrs__ip_input(struct nlrs_stack *s, int ifindex, struct nlrs_buf *b)
{
	struct nlrs_ipv4_hdr h;
	NLRS_INC(s, ip_rx);
	int rc = nlrs__ip_hdr_parse(b, &h, true);
	if (rc < 0) {
		count_parse_error(s, rc);
		goto drop;
	}
	/* Link-layer padding past the total length is not ours to read. */
	nlrs_buf_trim(b, h.tot_len);
	b->ifindex = (uint16_t)ifindex;
	if (h.optlen)
		NLRS_INC(s, ip_rx_options);

	/* RFC 1122 3.2.1.3: discard packets from broadcast, multicast,
	 * class E, or (from a device) our own and loopback addresses. */
	bool looped = b->flags & NLRS_BUFF_LOOPED;
	if (nlrs_ipv4_is_multicast(h.src) || nlrs_ipv4_is_limited_bcast(h.src) ||
	    nlrs_ipv4_is_class_e(h.src) || nlrs__addr_is_bcast(s, ifindex, h.src) ||
	    (!looped && (nlrs_ipv4_is_loopback(h.src) || nlrs__addr_is_local(s, h.src, NULL)))) {
		NLRS_INC(s, ip_rx_bad_source);
		goto drop;
	}

	bool bcast = nlrs__addr_is_bcast(s, ifindex, h.dst);
	bool local = bcast || h.dst == ALL_HOSTS_GROUP || nlrs__addr_is_local(s, h.dst, NULL);
	if (!h.src && !bcast) { /* 0.0.0.0 only while a host boots (DHCP) */
		NLRS_INC(s, ip_rx_bad_source);
		goto drop;
	}
	if (!local) {
		if (s->cfg.forwarding && !looped && !nlrs_ipv4_is_multicast(h.dst) &&
		    !(b->flags & NLRS_BUFF_L2BCAST) && h.src) {
			forward(s, b, &h);
			return;
		}
		NLRS_INC(s, ip_rx_not_for_us);
		goto drop;
	}

	if (h.mf || h.frag_off) {
		NLRS_INC(s, frag_rx);
		b = nlrs__reasm_input(s, b, &h);
		if (!b)
			return;
		/* The rebuilt header is valid by construction; read it again. */
		if (nlrs__ip_hdr_parse(b, &h, false) < 0) {
			NLRS_INC(s, ip_rx_bad_len);
			goto drop;
		}
	}

	bool raw = nlrs__raw_input(s, b, &h);
	switch (h.proto) {
	case NLRS_IPPROTO_ICMP:
		nlrs__icmp_input(s, b, &h);
		return;
	case NLRS_IPPROTO_UDP:
		nlrs__udp_input(s, b, &h);
		return;
	case NLRS_IPPROTO_TCP:
		nlrs__tcp_input(s, b, &h);
		return;
	default:
		if (!raw) {
			/* RFC 1122 3.2.2.1: protocol unreachable */
			NLRS_INC(s, ip_rx_unknown_proto);
			nlrs__icmp_error(s, b, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_PROT_UNREACH, 0);
		}
		goto drop;
	}
drop:
	nlrs_buf_free(b);
}
