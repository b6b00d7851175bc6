/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The IPv4 route table: longest prefix match (RFC 1812 5.2.4.3), then the
 * lowest metric. Connected routes come from interface addresses; a gateway
 * route must name a gateway reachable through a connected prefix.
 * A linear table: sized for tens of routes, not a full Internet table.
 */
#include "core.h"

static uint32_t mask_of(uint8_t plen)
{
	return plen ? 0xffffffffu << (32 - plen) : 0;
}

static int route_insert(struct nlrs_stack *s, uint32_t dst, uint8_t plen, uint32_t gw,
			int ifindex, uint16_t metric, bool connected)
{
	uint32_t m = mask_of(plen);
	struct nlrs_route *free_slot = NULL;
	for (unsigned i = 0; i < s->cfg.routes; i++) {
		struct nlrs_route *r = &s->routes[i];
		if (!r->used) {
			if (!free_slot)
				free_slot = r;
			continue;
		}
		if (r->dst == (dst & m) && r->plen == plen && r->gw == gw &&
		    r->ifindex == ifindex && r->metric == metric)
			return -NLRS_EEXIST;
	}
	if (!free_slot)
		return -NLRS_ENOSPC;
	free_slot->used = true;
	free_slot->connected = connected;
	free_slot->dst = dst & m;
	free_slot->mask = m;
	free_slot->plen = plen;
	free_slot->gw = gw;
	free_slot->ifindex = (int16_t)ifindex;
	free_slot->metric = metric;
	return 0;
}

int nlrs__route_add_connected(struct nlrs_stack *s, int ifindex, uint32_t addr, uint8_t plen)
{
	int rc = route_insert(s, addr, plen, 0, ifindex, 0, true);
	return rc == -NLRS_EEXIST ? 0 : rc;
}

void nlrs__route_del_connected(struct nlrs_stack *s, int ifindex, uint32_t addr, uint8_t plen)
{
	uint32_t m = mask_of(plen);
	/* Another address of the same interface may still hold the prefix. */
	const struct nlrs_iface *ifp = &s->ifaces[ifindex];
	unsigned holders = 0;
	for (unsigned j = 0; j < ifp->naddr; j++)
		if (ifp->plen[j] == plen && (ifp->addr[j] & m) == (addr & m))
			holders++;
	if (holders > 1)
		return;
	for (unsigned i = 0; i < s->cfg.routes; i++) {
		struct nlrs_route *r = &s->routes[i];
		if (r->used && r->connected && r->ifindex == ifindex && r->plen == plen &&
		    r->dst == (addr & m))
			r->used = false;
	}
}

int nlrs_route_add(struct nlrs_stack *s, uint32_t dst, uint8_t plen, uint32_t gw, int ifindex,
		   uint16_t metric)
{
	if (plen > 32)
		return -NLRS_EINVAL;
	if (ifindex >= 0 && !nlrs__iface(s, ifindex))
		return -NLRS_ENODEV;
	if (gw) {
		/* The gateway itself must be on a connected prefix. */
		int gif = -1;
		uint32_t best_mask = 0;
		bool found = false;
		for (unsigned i = 0; i < s->cfg.routes; i++) {
			const struct nlrs_route *r = &s->routes[i];
			if (!r->used || !r->connected || (gw & r->mask) != r->dst)
				continue;
			if (ifindex >= 0 && r->ifindex != ifindex)
				continue;
			if (!found || r->mask > best_mask) {
				gif = r->ifindex;
				best_mask = r->mask;
				found = true;
			}
		}
		if (!found)
			return -NLRS_ENETUNREACH;
		ifindex = gif;
	} else if (ifindex < 0) {
		return -NLRS_EINVAL;
	}
	return route_insert(s, dst, plen, gw, ifindex, metric, false);
}

int nlrs_route_del(struct nlrs_stack *s, uint32_t dst, uint8_t plen, uint32_t gw)
{
	uint32_t m = mask_of(plen);
	for (unsigned i = 0; i < s->cfg.routes; i++) {
		struct nlrs_route *r = &s->routes[i];
		if (r->used && !r->connected && r->dst == (dst & m) && r->plen == plen &&
		    r->gw == gw) {
			r->used = false;
			return 0;
		}
	}
	return -NLRS_ENOENT;
}

int nlrs__route_lookup(const struct nlrs_stack *s, uint32_t dst, int *ifindex, uint32_t *nexthop)
{
	const struct nlrs_route *best = NULL;
	for (unsigned i = 0; i < s->cfg.routes; i++) {
		const struct nlrs_route *r = &s->routes[i];
		if (!r->used || (dst & r->mask) != r->dst)
			continue;
		const struct nlrs_iface *ifp = &s->ifaces[r->ifindex];
		if (!ifp->used || !ifp->up)
			continue;
		if (!best || r->plen > best->plen ||
		    (r->plen == best->plen && r->metric < best->metric))
			best = r;
	}
	if (!best)
		return -NLRS_ENETUNREACH;
	*ifindex = best->ifindex;
	*nexthop = best->gw ? best->gw : dst;
	return 0;
}

int nlrs_route_info(const struct nlrs_stack *s, unsigned idx, struct nlrs_route_info *out)
{
	unsigned n = 0;
	for (unsigned i = 0; i < s->cfg.routes; i++) {
		const struct nlrs_route *r = &s->routes[i];
		if (!r->used)
			continue;
		if (n++ != idx)
			continue;
		out->dst = r->dst;
		out->prefixlen = r->plen;
		out->gw = r->gw;
		out->ifindex = r->ifindex;
		out->metric = r->metric;
		out->connected = r->connected;
		return 0;
	}
	return -NLRS_ENOENT;
}
