/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Interfaces and the link layer below IP. Two kinds of link: Ethernet II
 * (frames with a MAC header, neighbours found with ARP) and raw IP (TUN,
 * SLIP, loopback: the packet is the frame, there are no neighbours).
 *
 * VLAN sub-interfaces (IEEE 802.1Q): one C-tag, demultiplexed on input by
 * (arrival interface, VID) and pushed on output; priority-tagged VID 0
 * frames are accepted as untagged (802.1Q 9.6); a VID with no
 * sub-interface, and stacked tags (802.1ad) carrying a VID, are counted
 * and dropped. Not implemented: PCP on output (always 0), multicast MAC
 * filtering beyond "is it multicast".
 */
#include "core.h"
#include "wire/eth.h"

struct nlrs_iface *nlrs__iface(struct nlrs_stack *s, int ifindex)
{
	if (ifindex < 0 || ifindex >= s->cfg.max_ifaces || !s->ifaces[ifindex].used)
		return NULL;
	return &s->ifaces[ifindex];
}

static const struct nlrs_iface *iface_c(const struct nlrs_stack *s, int ifindex)
{
	if (ifindex < 0 || ifindex >= s->cfg.max_ifaces || !s->ifaces[ifindex].used)
		return NULL;
	return &s->ifaces[ifindex];
}

int nlrs_iface_add(struct nlrs_stack *s, const struct nlrs_iface_config *cfg)
{
	if (!cfg || !cfg->transmit || !cfg->name || !cfg->name[0] ||
	    (cfg->link != NLRS_LINK_ETHERNET && cfg->link != NLRS_LINK_RAWIP))
		return -NLRS_EINVAL;
	if (cfg->mtu && (cfg->mtu < 68 || cfg->mtu > s->cfg.buf_size - NLRS_BUF_HEADROOM))
		return -NLRS_EINVAL; /* RFC 791: every host must take 68-byte datagrams */
	if (cfg->link == NLRS_LINK_ETHERNET &&
	    (nlrs_eth_is_multicast(cfg->mac) || nlrs_eth_is_zero(cfg->mac)))
		return -NLRS_EINVAL;
	if (nlrs_iface_find(s, cfg->name) >= 0)
		return -NLRS_EEXIST;
	for (int i = 0; i < s->cfg.max_ifaces; i++) {
		struct nlrs_iface *ifp = &s->ifaces[i];
		if (ifp->used)
			continue;
		nlrs_memset(ifp, 0, sizeof(*ifp));
		ifp->used = true;
		ifp->link = cfg->link;
		ifp->mtu = cfg->mtu ? cfg->mtu : 1500;
		if (ifp->mtu > s->cfg.buf_size - NLRS_BUF_HEADROOM)
			ifp->mtu = (uint16_t)(s->cfg.buf_size - NLRS_BUF_HEADROOM);
		nlrs_memcpy(ifp->mac, cfg->mac, 6);
		ifp->transmit = cfg->transmit;
		ifp->counters = cfg->counters;
		ifp->ctx = cfg->ctx;
		/* TSO needs the device to finish checksums too. */
		ifp->offloads = cfg->offloads & NLRS_OFFLOAD_TX_CSUM ? cfg->offloads : 0;
		size_t n = 0;
		while (cfg->name[n] && n < NLRS_IFNAMSIZ - 1) {
			ifp->name[n] = cfg->name[n];
			n++;
		}
		ifp->name[n] = 0;
		return i;
	}
	return -NLRS_ENOSPC;
}

static bool name_eq(const char *a, const char *b)
{
	size_t i = 0;
	for (; i < NLRS_IFNAMSIZ && a[i] && a[i] == b[i]; i++)
		;
	return i == NLRS_IFNAMSIZ || a[i] == b[i];
}

int nlrs_iface_find(struct nlrs_stack *s, const char *name)
{
	for (int i = 0; i < s->cfg.max_ifaces; i++)
		if (s->ifaces[i].used && name_eq(s->ifaces[i].name, name))
			return i;
	return -NLRS_ENODEV;
}

int nlrs_iface_add_vlan(struct nlrs_stack *s, int parent, uint16_t vid, const char *name)
{
	struct nlrs_iface *pp = nlrs__iface(s, parent);
	struct nlrs_iface_config ic;

	/* 802.1Q 9.6: VID 0 is priority-only, 4095 reserved */
	if (!pp || pp->link != NLRS_LINK_ETHERNET || pp->vid || vid == 0 || vid > 4094)
		return -NLRS_EINVAL;
	for (int i = 0; i < s->cfg.max_ifaces; i++)
		if (s->ifaces[i].used && s->ifaces[i].vid == vid && s->ifaces[i].parent == parent)
			return -NLRS_EEXIST;
	nlrs_memset(&ic, 0, sizeof(ic));
	ic.name = name;
	ic.link = NLRS_LINK_ETHERNET;
	nlrs_memcpy(ic.mac, pp->mac, 6);
	ic.mtu = pp->mtu;
	ic.transmit = pp->transmit; /* the parent's device; the tag is ours */
	ic.ctx = pp->ctx;
	int ifx = nlrs_iface_add(s, &ic);
	if (ifx < 0)
		return ifx;
	s->ifaces[ifx].vid = vid;
	s->ifaces[ifx].parent = (int16_t)parent;
	return ifx;
}

/* The VLAN sub-interface of `parent` for vid, or -1. */
static int vlan_find(const struct nlrs_stack *s, int parent, uint16_t vid)
{
	for (int i = 0; i < s->cfg.max_ifaces; i++)
		if (s->ifaces[i].used && s->ifaces[i].vid == vid && s->ifaces[i].parent == parent)
			return i;
	return -1;
}

int nlrs_iface_set_up(struct nlrs_stack *s, int ifindex, bool up)
{
	struct nlrs_iface *ifp = nlrs__iface(s, ifindex);
	if (!ifp)
		return -NLRS_ENODEV;
	if (ifp->up == up)
		return 0;
	ifp->up = up;
	if (up) {
		for (unsigned i = 0; i < ifp->naddr; i++)
			nlrs__arp_announce(s, ifindex, ifp->addr[i]);
	} else {
		nlrs__arp_flush_iface(s, ifindex);
	}
	return 0;
}

int nlrs_iface_set_mtu(struct nlrs_stack *s, int ifindex, uint16_t mtu)
{
	struct nlrs_iface *ifp = nlrs__iface(s, ifindex);
	if (!ifp)
		return -NLRS_ENODEV;
	if (mtu < 68 || mtu > s->cfg.buf_size - NLRS_BUF_HEADROOM)
		return -NLRS_EINVAL;
	ifp->mtu = mtu;
	return 0;
}

int nlrs_iface_addr_add(struct nlrs_stack *s, int ifindex, uint32_t addr, uint8_t plen)
{
	struct nlrs_iface *ifp = nlrs__iface(s, ifindex);
	if (!ifp)
		return -NLRS_ENODEV;
	if (plen > 32 || addr == 0 || nlrs_ipv4_is_multicast(addr) ||
	    nlrs_ipv4_is_limited_bcast(addr) || nlrs_ipv4_is_class_e(addr))
		return -NLRS_EINVAL;
	if (nlrs__addr_is_local(s, addr, NULL))
		return -NLRS_EEXIST;
	if (ifp->naddr >= NLRS_MAX_IFADDRS)
		return -NLRS_ENOSPC;
	int rc = nlrs__route_add_connected(s, ifindex, addr, plen);
	if (rc)
		return rc;
	ifp->addr[ifp->naddr] = addr;
	ifp->plen[ifp->naddr] = plen;
	ifp->naddr++;
	if (ifp->up)
		nlrs__arp_announce(s, ifindex, addr);
	return 0;
}

int nlrs_iface_addr_del(struct nlrs_stack *s, int ifindex, uint32_t addr)
{
	struct nlrs_iface *ifp = nlrs__iface(s, ifindex);
	if (!ifp)
		return -NLRS_ENODEV;
	for (unsigned i = 0; i < ifp->naddr; i++) {
		if (ifp->addr[i] != addr)
			continue;
		nlrs__route_del_connected(s, ifindex, addr, ifp->plen[i]);
		for (unsigned j = i + 1; j < ifp->naddr; j++) {
			ifp->addr[j - 1] = ifp->addr[j];
			ifp->plen[j - 1] = ifp->plen[j];
		}
		ifp->naddr--;
		return 0;
	}
	return -NLRS_EADDRNOTAVAIL;
}

int nlrs_iface_count(const struct nlrs_stack *s)
{
	int n = 0;
	for (int i = 0; i < s->cfg.max_ifaces; i++)
		if (s->ifaces[i].used)
			n = i + 1;
	return n;
}

int nlrs_iface_info(const struct nlrs_stack *s, int ifindex, struct nlrs_iface_info *out)
{
	const struct nlrs_iface *ifp = iface_c(s, ifindex);
	if (!ifp)
		return -NLRS_ENODEV;
	nlrs_memset(out, 0, sizeof(*out));
	nlrs_memcpy(out->name, ifp->name, NLRS_IFNAMSIZ);
	out->link = ifp->link;
	nlrs_memcpy(out->mac, ifp->mac, 6);
	out->mtu = ifp->mtu;
	out->up = ifp->up;
	out->naddr = ifp->naddr;
	for (unsigned i = 0; i < ifp->naddr; i++) {
		out->addr[i] = ifp->addr[i];
		out->prefixlen[i] = ifp->plen[i];
	}
	out->rx_packets = ifp->rx_packets;
	out->rx_bytes = ifp->rx_bytes;
	out->rx_drops = ifp->rx_drops;
	out->tx_packets = ifp->tx_packets;
	out->tx_bytes = ifp->tx_bytes;
	out->tx_errors = ifp->tx_errors;
	if (ifp->counters)
		ifp->counters(ifp->ctx, &out->dev);
	return 0;
}

bool nlrs__addr_is_local(const struct nlrs_stack *s, uint32_t addr, int *ifindex)
{
	for (int i = 0; i < s->cfg.max_ifaces; i++) {
		const struct nlrs_iface *ifp = &s->ifaces[i];
		if (!ifp->used)
			continue;
		for (unsigned j = 0; j < ifp->naddr; j++) {
			if (ifp->addr[j] == addr) {
				if (ifindex)
					*ifindex = i;
				return true;
			}
		}
	}
	return false;
}

static uint32_t prefix_mask(uint8_t plen)
{
	return plen ? 0xffffffffu << (32 - plen) : 0;
}

bool nlrs__addr_is_bcast(const struct nlrs_stack *s, int ifindex, uint32_t addr)
{
	if (nlrs_ipv4_is_limited_bcast(addr))
		return true;
	const struct nlrs_iface *ifp = iface_c(s, ifindex);
	if (!ifp)
		return false;
	for (unsigned j = 0; j < ifp->naddr; j++) {
		uint32_t m = prefix_mask(ifp->plen[j]);
		/* RFC 1122 3.3.6: the all-ones host part of a connected prefix
		 * (not for /31 and /32, RFC 3021). */
		if (ifp->plen[j] < 31 && addr == ((ifp->addr[j] & m) | ~m))
			return true;
	}
	return false;
}

bool nlrs__addr_on_link(const struct nlrs_stack *s, int ifindex, uint32_t addr)
{
	const struct nlrs_iface *ifp = iface_c(s, ifindex);
	if (!ifp)
		return false;
	for (unsigned j = 0; j < ifp->naddr; j++) {
		uint32_t m = prefix_mask(ifp->plen[j]);
		if ((addr & m) == (ifp->addr[j] & m))
			return true;
	}
	return false;
}

uint32_t nlrs__iface_src(const struct nlrs_stack *s, int ifindex, uint32_t dst)
{
	const struct nlrs_iface *ifp = iface_c(s, ifindex);
	if (!ifp || !ifp->naddr)
		return 0;
	for (unsigned j = 0; j < ifp->naddr; j++) {
		uint32_t m = prefix_mask(ifp->plen[j]);
		if ((dst & m) == (ifp->addr[j] & m))
			return ifp->addr[j];
	}
	return ifp->addr[0];
}

/* ---- Ethernet ---- */

void nlrs__eth_input(struct nlrs_stack *s, int ifindex, struct nlrs_buf *b)
{
	struct nlrs_iface *ifp = &s->ifaces[ifindex];
	struct nlrs_eth_hdr eh;
	int hl = nlrs_eth_parse(b->data, b->len, &eh);
	if (hl < 0) {
		if (hl == NLRS_WIRE_SHORT)
			NLRS_INC(s, eth_rx_short);
		else
			NLRS_INC(s, eth_rx_bad_format);
		goto drop;
	}
	if (!nlrs_eth_is_multicast(eh.dst) && nlrs_memcmp(eh.dst, ifp->mac, 6) != 0) {
		NLRS_INC(s, eth_rx_not_for_us);
		goto drop;
	}
	/* IEEE 802.3 3.2.3: a source address is never a group address; our
	 * own source means a loop. */
	if (nlrs_eth_is_multicast(eh.src) || nlrs_memcmp(eh.src, ifp->mac, 6) == 0) {
		NLRS_INC(s, eth_rx_bad_source);
		goto drop;
	}
	for (unsigned i = 0; i < eh.ntags; i++) {
		uint16_t vid = eh.tci[i] & 0x0fffu;
		int vx;

		if (!vid)
			continue; /* VID 0 = priority tag only */
		/* one C-tag with a VID: the sub-interface's frame */
		vx = eh.ntags == 1 && eh.tpid[0] == 0x8100 ? vlan_find(s, ifindex, vid) : -1;
		if (vx < 0) {
			NLRS_INC(s, eth_rx_vlan);
			goto drop;
		}
		ifindex = vx;
		ifp = &s->ifaces[vx];
		ifp->rx_packets++;
		ifp->rx_bytes += b->tot_len;
		if (!ifp->up) {
			NLRS_INC(s, link_rx_iface_down);
			goto drop;
		}
		b->ifindex = (uint16_t)vx;
	}
	if (nlrs_eth_is_multicast(eh.dst))
		b->flags |= NLRS_BUFF_L2BCAST;
	nlrs_buf_pull(b, (uint16_t)hl);
	switch (eh.type) {
	case NLRS_ETHERTYPE_ARP:
		nlrs__arp_input(s, ifindex, b);
		return;
	case NLRS_ETHERTYPE_IPV4:
		nlrs__ip_input(s, ifindex, b);
		return;
	default:
		NLRS_INC(s, eth_rx_unknown_type);
		goto drop;
	}
drop:
	ifp->rx_drops++;
	nlrs_buf_free(b);
}

int nlrs__dev_transmit(struct nlrs_stack *s, int ifindex, struct nlrs_buf *b)
{
	struct nlrs_iface *ifp = nlrs__iface(s, ifindex);
	if (!ifp || !ifp->up || (ifp->vid && !s->ifaces[ifp->parent].up)) {
		NLRS_INC(s, link_tx_iface_down);
		nlrs_buf_free(b);
		return -NLRS_ENETDOWN;
	}
	uint32_t len = b->tot_len;
	NLRS_INC(s, link_tx);
	int rc = ifp->transmit(ifp->ctx, b);
	if (rc < 0) {
		NLRS_INC(s, link_tx_errors);
		ifp->tx_errors++;
		return rc;
	}
	ifp->tx_packets++;
	ifp->tx_bytes += len;
	return 0;
}

#define ETH_MIN_FRAME 60 /* without FCS: IEEE 802.3 minimum of 64 less 4 */

int nlrs__eth_output(struct nlrs_stack *s, int ifindex, const uint8_t dst[6], uint16_t type,
		     struct nlrs_buf *b)
{
	struct nlrs_iface *ifp = nlrs__iface(s, ifindex);
	if (!ifp) {
		nlrs_buf_free(b);
		return -NLRS_ENODEV;
	}
	/* 802.1Q 9.3: the tag goes between the source MAC and the type */
	uint16_t hlen = (uint16_t)(ifp->vid ? NLRS_ETH_HLEN + 4 : NLRS_ETH_HLEN);
	uint8_t *p = nlrs_buf_push(b, hlen);
	if (!p) {
		/* No headroom (a packet from a raw-IP link being forwarded):
		 * put the link header in a segment of its own. */
		struct nlrs_buf *h = nlrs_buf_alloc(&s->pool, NLRS_BUF_HEADROOM);
		if (!h) {
			NLRS_INC(s, buf_alloc_fail);
			nlrs_buf_free(b);
			return -NLRS_ENOBUFS;
		}
		h->flags = b->flags;
		h->ifindex = b->ifindex;
		nlrs_buf_cat(h, b);
		b = h;
		p = nlrs_buf_push(b, hlen);
	}
	struct nlrs_eth_hdr eh = { .type = type };
	nlrs_memcpy(eh.dst, dst, 6);
	nlrs_memcpy(eh.src, ifp->mac, 6);
	if (ifp->vid) {
		eh.ntags = 1;
		eh.tpid[0] = 0x8100;
		eh.tci[0] = ifp->vid;
	}
	nlrs_eth_emit(p, hlen, &eh);
	/* 802.1Q 6.9.1: a tagged frame's minimum grows by the tag */
	uint32_t min = ETH_MIN_FRAME + (ifp->vid ? 4u : 0u);
	if (b->tot_len < min) {
		uint16_t pad = (uint16_t)(min - b->tot_len);
		uint8_t *t = nlrs_buf_put(b, pad);
		if (t)
			nlrs_memset(t, 0, pad);
	}
	return nlrs__dev_transmit(s, ifindex, b);
}

int nlrs__link_output(struct nlrs_stack *s, int ifindex, uint32_t nexthop, struct nlrs_buf *b)
{
	struct nlrs_iface *ifp = nlrs__iface(s, ifindex);
	if (!ifp) {
		nlrs_buf_free(b);
		return -NLRS_ENODEV;
	}
	if (ifp->link == NLRS_LINK_RAWIP)
		return nlrs__dev_transmit(s, ifindex, b);
	if (nlrs__addr_is_bcast(s, ifindex, nexthop)) {
		static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
		return nlrs__eth_output(s, ifindex, bcast, NLRS_ETHERTYPE_IPV4, b);
	}
	if (nlrs_ipv4_is_multicast(nexthop)) {
		/* RFC 1112 6.4: 01:00:5e + low 23 bits of the group */
		uint8_t mc[6] = { 0x01, 0x00, 0x5e, (uint8_t)((nexthop >> 16) & 0x7f),
				  (uint8_t)(nexthop >> 8), (uint8_t)nexthop };
		return nlrs__eth_output(s, ifindex, mc, NLRS_ETHERTYPE_IPV4, b);
	}
	return nlrs__arp_output(s, ifindex, nexthop, b);
}
