/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ARP (RFC 826) with a neighbour cache.
 *
 * Implements: the RFC 826 packet reception algorithm (merge, then answer
 * requests for our addresses); a fixed cache whose entries go
 * INCOMPLETE -> REACHABLE -> STALE -> freed; a bounded queue of packets per
 * unresolved neighbour; request retries (RFC 1122 2.3.2.1: at most one
 * request per second per destination) and a stack-wide request rate limit;
 * a unicast refresh of STALE entries in use (RFC 1122 2.3.2.1, "unicast
 * poll"); gratuitous ARP announcements (RFC 5227 3) when an address comes
 * up; counting of address conflicts.
 *
 * Not implemented: RFC 5227 probing before using an address and address
 * defence beyond one announcement, proxy ARP, ARP for other hardware types.
 */
#include "core.h"
#include "wire/arp.h"
#include "wire/eth.h"
#include "wire/icmp4.h"

static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void entry_timeout(void *arg, struct nlrs_timer *t);

static struct nlrs_arp_entry *entry_find(struct nlrs_stack *s, int ifindex, uint32_t ip)
{
	for (unsigned i = 0; i < s->cfg.arp_entries; i++) {
		struct nlrs_arp_entry *e = &s->arp[i];
		if (e->state != NLRS_ARP_FREE && e->ifindex == ifindex && e->ip == ip)
			return e;
	}
	return NULL;
}

static void entry_drop_queue(struct nlrs_stack *s, struct nlrs_arp_entry *e, bool notify)
{
	struct nlrs_buf *q = e->qhead;
	e->qhead = e->qtail = NULL;
	s->arp_queued -= e->qlen;
	e->qlen = 0;
	while (q) {
		struct nlrs_buf *b = q;
		q = q->qnext;
		b->qnext = NULL;
		NLRS_INC(s, arp_resolve_failed);
		if (notify) {
			/* RFC 1812 5.2.7.1: a forwarded packet whose next hop
			 * never answered gets host unreachable. Our own packets
			 * need none: the sender is us. */
			if (b->len >= NLRS_IPV4_HLEN && !nlrs__addr_is_local(s, nlrs_rd32(b->data + 12), NULL))
				nlrs__icmp_error(s, b, NLRS_ICMP_DEST_UNREACH, NLRS_ICMP_HOST_UNREACH, 0);
		}
		nlrs_buf_free(b);
	}
}

static void entry_free(struct nlrs_stack *s, struct nlrs_arp_entry *e)
{
	nlrs__timer_cancel(&s->wheel, &e->timer);
	entry_drop_queue(s, e, false); /* flush or eviction: no ICMP */
	e->state = NLRS_ARP_FREE;
	e->ifindex = -1;
}

static struct nlrs_arp_entry *entry_alloc(struct nlrs_stack *s, int ifindex, uint32_t ip)
{
	struct nlrs_arp_entry *victim = NULL;
	for (unsigned i = 0; i < s->cfg.arp_entries; i++) {
		struct nlrs_arp_entry *e = &s->arp[i];
		if (e->state == NLRS_ARP_FREE) {
			victim = e;
			break;
		}
		/* Evict the STALE or FAILED entry closest to its end. */
		if ((e->state == NLRS_ARP_STALE || e->state == NLRS_ARP_FAILED) &&
		    (!victim || e->expires < victim->expires))
			victim = e;
	}
	if (!victim) {
		NLRS_INC(s, arp_cache_full);
		return NULL;
	}
	if (victim->state != NLRS_ARP_FREE)
		entry_free(s, victim);
	nlrs__timer_init(&victim->timer, entry_timeout, victim);
	victim->ifindex = (int16_t)ifindex;
	victim->ip = ip;
	victim->tries = 0;
	victim->qlen = 0;
	victim->qhead = victim->qtail = NULL;
	nlrs_memset(victim->mac, 0, 6);
	return victim;
}

static void set_state(struct nlrs_stack *s, struct nlrs_arp_entry *e, uint8_t state,
		      nlrs_time_t lifetime)
{
	e->state = state;
	e->expires = s->now + lifetime;
	nlrs__timer_arm(&s->wheel, &e->timer, e->expires);
}

static int arp_send(struct nlrs_stack *s, int ifindex, uint16_t op, const uint8_t *eth_dst,
		    const uint8_t *tha, uint32_t spa, uint32_t tpa)
{
	struct nlrs_iface *ifp = nlrs__iface(s, ifindex);
	if (!ifp)
		return -NLRS_ENODEV;
	struct nlrs_buf *b = nlrs_buf_alloc(&s->pool, NLRS_BUF_HEADROOM);
	if (!b) {
		NLRS_INC(s, buf_alloc_fail);
		return -NLRS_ENOBUFS;
	}
	struct nlrs_arp_pkt a = { .op = op, .spa = spa, .tpa = tpa };
	nlrs_memcpy(a.sha, ifp->mac, 6);
	nlrs_memcpy(a.tha, tha, 6);
	uint8_t *p = nlrs_buf_put(b, NLRS_ARP_LEN);
	nlrs_arp_emit(p, NLRS_ARP_LEN, &a);
	return nlrs__eth_output(s, ifindex, eth_dst, NLRS_ETHERTYPE_ARP, b);
}

/* A request for e->ip, broadcast or (STALE refresh) unicast. Subject to the
 * stack-wide rate limit; false if held back. */
static bool send_request(struct nlrs_stack *s, struct nlrs_arp_entry *e, bool unicast)
{
	static const uint8_t zero[6] = { 0 };
	if (!nlrs__bucket_take(&s->arp_bucket, s->now, s->cfg.arp_rate, s->cfg.arp_rate)) {
		NLRS_INC(s, arp_rate_limited);
		return false;
	}
	uint32_t spa = nlrs__iface_src(s, e->ifindex, e->ip);
	if (arp_send(s, e->ifindex, NLRS_ARP_REQUEST, unicast ? e->mac : bcast_mac, zero, spa,
		     e->ip) == 0)
		NLRS_INC(s, arp_requests_sent);
	return true;
}

static void flush_queue(struct nlrs_stack *s, struct nlrs_arp_entry *e)
{
	struct nlrs_buf *q = e->qhead;
	e->qhead = e->qtail = NULL;
	s->arp_queued -= e->qlen;
	e->qlen = 0;
	while (q) {
		struct nlrs_buf *b = q;
		q = q->qnext;
		b->qnext = NULL;
		nlrs__eth_output(s, e->ifindex, e->mac, NLRS_ETHERTYPE_IPV4, b);
	}
}

static void entry_timeout(void *arg, struct nlrs_timer *t)
{
	struct nlrs_arp_entry *e = arg;
	struct nlrs_stack *s = e->stack;
	(void)t;
	switch (e->state) {
	case NLRS_ARP_INCOMPLETE:
		if (e->tries < s->cfg.arp_retries) {
			if (send_request(s, e, false))
				e->tries++;
			set_state(s, e, NLRS_ARP_INCOMPLETE, s->cfg.arp_retry);
			return;
		}
		/* Nobody answered: drop what waited and remember the failure
		 * for one retry interval so a burst does not re-ask at once. */
		entry_drop_queue(s, e, true);
		set_state(s, e, NLRS_ARP_FAILED, s->cfg.arp_retry);
		return;
	case NLRS_ARP_REACHABLE:
		e->tries = 0;
		set_state(s, e, NLRS_ARP_STALE, s->cfg.arp_reachable);
		return;
	default: /* STALE or FAILED ran out */
		entry_free(s, e);
		return;
	}
}

int nlrs__arp_output(struct nlrs_stack *s, int ifindex, uint32_t nexthop, struct nlrs_buf *b)
{
	struct nlrs_arp_entry *e = entry_find(s, ifindex, nexthop);
	if (e) {
		switch (e->state) {
		case NLRS_ARP_REACHABLE:
			return nlrs__eth_output(s, ifindex, e->mac, NLRS_ETHERTYPE_IPV4, b);
		case NLRS_ARP_STALE:
			if (!e->tries && send_request(s, e, true))
				e->tries = 1;
			return nlrs__eth_output(s, ifindex, e->mac, NLRS_ETHERTYPE_IPV4, b);
		case NLRS_ARP_FAILED:
			NLRS_INC(s, arp_resolve_failed);
			nlrs_buf_free(b);
			return -NLRS_EHOSTUNREACH;
		default:
			break; /* INCOMPLETE: queue below */
		}
	} else {
		e = entry_alloc(s, ifindex, nexthop);
		if (!e) {
			nlrs_buf_free(b);
			return -NLRS_ENOBUFS;
		}
		set_state(s, e, NLRS_ARP_INCOMPLETE, s->cfg.arp_retry);
		if (send_request(s, e, false))
			e->tries = 1;
	}
	/* Per neighbour, and stack-wide: waiting packets may hold at most a
	 * quarter of the pool, so a burst to dead hosts cannot drain it. */
	if (e->qlen >= s->cfg.arp_queue_len || s->arp_queued >= s->cfg.buffers / 4u) {
		NLRS_INC(s, arp_queue_full);
		nlrs_buf_free(b);
		return -NLRS_ENOBUFS;
	}
	b->qnext = NULL;
	if (e->qtail)
		e->qtail->qnext = b;
	else
		e->qhead = b;
	e->qtail = b;
	e->qlen++;
	s->arp_queued++;
	return 0;
}

void nlrs__arp_input(struct nlrs_stack *s, int ifindex, struct nlrs_buf *b)
{
	struct nlrs_iface *ifp = &s->ifaces[ifindex];
	struct nlrs_arp_pkt a;
	NLRS_INC(s, arp_rx);
	int rc = nlrs_arp_parse(b->data, b->len, &a);
	if (rc < 0) {
		if (rc == NLRS_WIRE_SHORT)
			NLRS_INC(s, arp_rx_short);
		else
			NLRS_INC(s, arp_rx_bad_format);
		goto drop;
	}
	if (nlrs_eth_is_multicast(a.sha) || nlrs_eth_is_zero(a.sha) ||
	    nlrs_ipv4_is_multicast(a.spa) || nlrs_ipv4_is_limited_bcast(a.spa) ||
	    nlrs__addr_is_bcast(s, ifindex, a.spa)) {
		NLRS_INC(s, arp_rx_bad_sender);
		goto drop;
	}
	if (!nlrs_memcmp(a.sha, ifp->mac, 6)) {
		NLRS_INC(s, arp_rx_bad_sender); /* our own packet looped back */
		goto drop;
	}
	int local_if;
	if (a.spa && nlrs__addr_is_local(s, a.spa, &local_if)) {
		/* Someone else uses one of our addresses (RFC 5227 2.4):
		 * count it and announce ours once, rate-limited. */
		NLRS_INC(s, arp_conflict);
		nlrs__log(s, NLRS_LOG_WARN, "arp: address conflict", a.spa, 0);
		if (nlrs__bucket_take(&s->arp_bucket, s->now, s->cfg.arp_rate, s->cfg.arp_rate))
			nlrs__arp_announce(s, ifindex, a.spa);
		goto drop;
	}

	/* RFC 826 "Packet Reception": merge into an existing entry first. */
	bool merged = false;
	struct nlrs_arp_entry *e = a.spa ? entry_find(s, ifindex, a.spa) : NULL;
	if (e && e->state != NLRS_ARP_FAILED) {
		bool was_incomplete = e->state == NLRS_ARP_INCOMPLETE;
		nlrs_memcpy(e->mac, a.sha, 6);
		e->tries = 0;
		set_state(s, e, NLRS_ARP_REACHABLE, s->cfg.arp_reachable);
		if (was_incomplete)
			flush_queue(s, e);
		merged = true;
	}

	int tif;
	bool for_us = nlrs__addr_is_local(s, a.tpa, &tif) && tif == ifindex;
	if (!for_us) {
		NLRS_INC(s, arp_rx_not_for_us);
		goto drop;
	}
	/* ... then add the sender if the packet was for us. An RFC 5227 probe
	 * (sender 0.0.0.0) is answered but not cached. */
	/* A new entry only for a sender on one of our prefixes (as Linux):
	 * we would never route to an off-link neighbour directly. */
	if (!merged && a.spa && nlrs__addr_on_link(s, ifindex, a.spa)) {
		if (e) /* FAILED entry: the neighbour is back */
			entry_free(s, e);
		e = entry_alloc(s, ifindex, a.spa);
		if (e) {
			nlrs_memcpy(e->mac, a.sha, 6);
			set_state(s, e, NLRS_ARP_REACHABLE, s->cfg.arp_reachable);
		}
	}
	if (a.op == NLRS_ARP_REQUEST) {
		if (arp_send(s, ifindex, NLRS_ARP_REPLY, a.sha, a.sha, a.tpa, a.spa) == 0)
			NLRS_INC(s, arp_replies_sent);
	}
	nlrs_buf_free(b);
	return;
drop:
	nlrs_buf_free(b);
}

void nlrs__arp_announce(struct nlrs_stack *s, int ifindex, uint32_t addr)
{
	static const uint8_t zero[6] = { 0 };
	struct nlrs_iface *ifp = nlrs__iface(s, ifindex);
	if (!ifp || ifp->link != NLRS_LINK_ETHERNET || !ifp->up)
		return;
	/* RFC 5227 3: an announcement is a request with sender and target
	 * both set to the address being announced. */
	if (arp_send(s, ifindex, NLRS_ARP_REQUEST, bcast_mac, zero, addr, addr) == 0)
		NLRS_INC(s, arp_gratuitous_sent);
}

void nlrs__arp_flush_iface(struct nlrs_stack *s, int ifindex)
{
	for (unsigned i = 0; i < s->cfg.arp_entries; i++) {
		struct nlrs_arp_entry *e = &s->arp[i];
		if (e->state != NLRS_ARP_FREE && e->ifindex == ifindex)
			entry_free(s, e);
	}
}

int nlrs_arp_info(const struct nlrs_stack *s, unsigned idx, struct nlrs_arp_info *out)
{
	if (idx >= s->cfg.arp_entries)
		return -NLRS_ENOENT;
	const struct nlrs_arp_entry *e = &s->arp[idx];
	if (e->state == NLRS_ARP_FREE)
		return 0;
	out->ip = e->ip;
	nlrs_memcpy(out->mac, e->mac, 6);
	out->ifindex = e->ifindex;
	out->state = (enum nlrs_arp_state)e->state;
	out->expires = e->expires;
	out->queued = e->qlen;
	return 1;
}
