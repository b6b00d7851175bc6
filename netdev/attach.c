/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Glue between a hosted device and a stack instance: registers the device
 * as an interface whose transmit hook is nlrs_netdev_send.
 */
#define _GNU_SOURCE
#include <string.h>

#include "nlrs/netdev.h"
#include "netdev_priv.h"

static int attach_transmit(void *ctx, struct nlrs_buf *frame)
{
	return nlrs_netdev_send(ctx, frame, nlrs_clock_now());
}

void nlrs_netdev_counters(const struct nlrs_netdev *d, struct nlrs_dev_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (; d; d = d->lower)
		if (d->ops->counters)
			d->ops->counters(d, out);
}

static void attach_counters(void *ctx, struct nlrs_dev_counters *out)
{
	nlrs_netdev_counters(ctx, out);
}

int nlrs_netdev_attach(struct nlrs_stack *s, struct nlrs_netdev *d, const char *name,
		       const uint8_t mac[6])
{
	struct nlrs_iface_config ic;

	if (!s || !d)
		return -NLRS_EINVAL;
	memset(&ic, 0, sizeof(ic));
	ic.name = name ? name : d->name;
	ic.link = d->link;
	ic.mtu = d->mtu;
	/* The stack refuses an MTU its buffers cannot hold with headers in
	 * front; a device may well report more (loopback: 65535, jumbo TAP). */
	if (d->pool && d->pool->bufsize > NLRS_BUF_HEADROOM &&
	    ic.mtu > d->pool->bufsize - NLRS_BUF_HEADROOM)
		ic.mtu = (uint16_t)(d->pool->bufsize - NLRS_BUF_HEADROOM);
	ic.offloads = d->offloads;
	ic.transmit = attach_transmit;
	ic.counters = attach_counters;
	ic.ctx = d;
	if (d->link == NLRS_LINK_ETHERNET) {
		if (mac) {
			memcpy(ic.mac, mac, 6);
		} else {
			/* Random, unicast, locally administered (IEEE 802 U/L
			 * bit set): 02:xx:xx:xx:xx:xx, distinct from the kernel
			 * side's MAC in d->mac. */
			do {
				nlrs__random_bytes(ic.mac + 1, 5);
				ic.mac[0] = 0x02;
			} while (!memcmp(ic.mac, d->mac, 6));
		}
	}
	return nlrs_iface_add(s, &ic);
}
