/* SPDX-License-Identifier: BSD-2-Clause */
/* Internals shared by the files of the packet library (stack/packet/). */
#ifndef NLRS_PACKET_PRIV_H
#define NLRS_PACKET_PRIV_H

#include "nlrs/packet.h"
#include "wire/wire.h"

/* Offsets inside an nlrs_pkt_dns_rr_next cursor: record index above bit
 * 17, message offset below (messages are at most 65535 + 2 bytes). */
#define NLRS__DNS_POS_SHIFT 17
#define NLRS__DNS_POS_MASK ((1u << NLRS__DNS_POS_SHIFT) - 1)

/* Registry lookups (registry.c); NULL when nothing is registered. */
const struct nlrs_pkt_decoder *nlrs__reg_find(const struct nlrs_pkt_registry *reg,
					      enum nlrs_pkt_hook hook, uint32_t key);
/* i-th heuristic registration (in order), NULL past the last. */
const struct nlrs_pkt_decoder *nlrs__reg_heuristic(const struct nlrs_pkt_registry *reg,
						   unsigned *it);

/* 64-bit hashing (flow.c). */
uint64_t nlrs__hash_bytes(uint64_t seed, const uint8_t *p, size_t n);

#endif
