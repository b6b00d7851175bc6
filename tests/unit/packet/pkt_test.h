/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the packet library tests. */
#ifndef NLRS_TEST_PKT_TEST_H
#define NLRS_TEST_PKT_TEST_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "nlrs/packet.h"
#include "guard.h"
#include "wire/frames.h"

/* Decode a copy of data[0..cap) that ends right before an unmapped page. */
static inline int t_decode(struct nlrs_pkt *pkt, uint32_t lt, const void *data, size_t cap,
			   size_t wire, unsigned flags)
{
	struct nlrs_pkt_opts o = { flags, NULL };

	return nlrs_pkt_decode(pkt, lt, guard_copy(data, cap), cap, wire, &o);
}

/* Check the invariants every decode keeps: each layer inside the
 * captured bytes, in order, and the class indexes right. Returns 0 or the
 * index of the first bad layer + 1. */
static inline int t_layers_sane(const struct nlrs_pkt *pkt)
{
	uint32_t prev = 0;

	for (unsigned i = 0; i < pkt->nlayers; i++) {
		const struct nlrs_pkt_layer *l = &pkt->layers[i];

		if (l->hdr != pkt->data + l->off || l->off > pkt->caplen ||
		    l->hlen > pkt->caplen - l->off || l->payload != l->hdr + l->hlen ||
		    l->plen > pkt->caplen - l->off - l->hlen || l->off < prev)
			return (int)i + 1;
		if ((pkt->flags & l->flags) != l->flags)
			return (int)i + 1;
		prev = l->off;
	}
	return 0;
}

/* Layer types in order, terminated by NLRS_LAYER_NONE: 1 when they match. */
static inline int t_types(const struct nlrs_pkt *pkt, const uint16_t *want)
{
	unsigned i = 0;

	for (; want[i] != NLRS_LAYER_NONE; i++)
		if (i >= pkt->nlayers || pkt->layers[i].type != want[i])
			return 0;
	return i == pkt->nlayers;
}
#define T_TYPES(pkt, ...) t_types((pkt), (const uint16_t[]){ __VA_ARGS__, NLRS_LAYER_NONE })

#define T_IP_A NLRS_IP4(192, 0, 2, 1)
#define T_IP_B NLRS_IP4(198, 51, 100, 2)
#define T_IP6_A { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }
#define T_IP6_B { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 }

#ifndef NLRS_IP4
#define NLRS_IP4(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
#endif

/* Ethernet / IPv4 / UDP / payload, lengths and checksums computed. */
static inline int t_build_udp4(uint8_t *buf, size_t cap, uint16_t sport, uint16_t dport,
			       const void *payload, size_t plen)
{
	struct nlrs_pkt_builder b;

	nlrs_pkt_build_init(&b, buf, cap);
	nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ .dst = { 2, 0, 0, 0, 0, 0xb },
						       .src = { 2, 0, 0, 0, 0, 0xa } }, 0);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 64, .src = T_IP_A, .dst = T_IP_B }, 0);
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = sport, .dport = dport }, 0);
	nlrs_pkt_build_payload(&b, payload, plen);
	return nlrs_pkt_build_finish(&b);
}

/* Ethernet / IPv4 / TCP / payload. */
static inline int t_build_tcp4(uint8_t *buf, size_t cap, uint16_t sport, uint16_t dport,
			       uint16_t flags, const void *payload, size_t plen)
{
	struct nlrs_pkt_builder b;

	nlrs_pkt_build_init(&b, buf, cap);
	nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ .dst = { 2, 0, 0, 0, 0, 0xb },
						       .src = { 2, 0, 0, 0, 0, 0xa } }, 0);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 64, .src = T_IP_A, .dst = T_IP_B }, 0);
	nlrs_pkt_build_tcp(&b, &(struct nlrs_pkt_tcp){ .sport = sport, .dport = dport, .seq = 1000,
						       .ack = 2000, .flags = flags, .window = 512 }, 0);
	nlrs_pkt_build_payload(&b, payload, plen);
	return nlrs_pkt_build_finish(&b);
}

#endif
