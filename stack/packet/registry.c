/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * registry.c - custom decoders registered by EtherType, IP protocol,
 * port, layer type or heuristic.
 *
 * Implements: a caller-owned fixed table (no allocation), replace on
 * re-registration, linear lookup (tables are small; decode looks up only
 * when a registry is passed).
 * Freestanding C11: no OS headers, no allocation.
 */
#include "packet_priv.h"

void nlrs_pkt_registry_init(struct nlrs_pkt_registry *reg)
{
	nlrs_memset(reg, 0, sizeof *reg);
}

int nlrs_pkt_register(struct nlrs_pkt_registry *reg, enum nlrs_pkt_hook hook, uint32_t key,
		      const struct nlrs_pkt_decoder *dec)
{
	if (!reg || !dec || !dec->decode || dec->layer_type < NLRS_LAYER_USER ||
	    (unsigned)hook > NLRS_HOOK_LAYER || (hook == NLRS_HOOK_HEURISTIC && !dec->probe))
		return -NLRS_EINVAL;
	if (hook == NLRS_HOOK_HEURISTIC)
		key = 0;
	for (unsigned i = 0; i < reg->n; i++) {
		if (reg->e[i].hook == hook && reg->e[i].key == key &&
		    (hook != NLRS_HOOK_HEURISTIC || reg->e[i].dec == dec)) {
			reg->e[i].dec = dec;
			return 0;
		}
	}
	if (reg->n >= NLRS_PKT_REGISTRY_MAX)
		return -NLRS_ENOSPC;
	reg->e[reg->n].hook = (uint8_t)hook;
	reg->e[reg->n].key = key;
	reg->e[reg->n].dec = dec;
	reg->n++;
	return 0;
}

int nlrs_pkt_unregister(struct nlrs_pkt_registry *reg, enum nlrs_pkt_hook hook, uint32_t key)
{
	for (unsigned i = 0; reg && i < reg->n; i++) {
		if (reg->e[i].hook == hook && (hook == NLRS_HOOK_HEURISTIC || reg->e[i].key == key)) {
			nlrs_memmove(&reg->e[i], &reg->e[i + 1], (reg->n - i - 1) * sizeof reg->e[0]);
			reg->n--;
			return 0;
		}
	}
	return -NLRS_ENOENT;
}

const struct nlrs_pkt_decoder *nlrs__reg_find(const struct nlrs_pkt_registry *reg,
					      enum nlrs_pkt_hook hook, uint32_t key)
{
	if (!reg)
		return NULL;
	for (unsigned i = 0; i < reg->n && i < NLRS_PKT_REGISTRY_MAX; i++)
		if (reg->e[i].hook == hook && reg->e[i].key == key)
			return reg->e[i].dec;
	return NULL;
}

const struct nlrs_pkt_decoder *nlrs__reg_heuristic(const struct nlrs_pkt_registry *reg,
						   unsigned *it)
{
	if (!reg)
		return NULL;
	while (*it < reg->n && *it < NLRS_PKT_REGISTRY_MAX) {
		unsigned i = (*it)++;

		if (reg->e[i].hook == NLRS_HOOK_HEURISTIC)
			return reg->e[i].dec;
	}
	return NULL;
}
