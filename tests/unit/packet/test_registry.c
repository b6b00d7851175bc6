/* SPDX-License-Identifier: BSD-2-Clause */
/* Custom decoders registered by EtherType, IP protocol, port, layer type
 * and heuristic take part in decoding; precedence; replacing and removing. */
#include <criterion/criterion.h>

#include "pkt_test.h"
#include "wire/wire.h"

#define L_VXLAN (NLRS_LAYER_USER + 1)
#define L_MYPROTO (NLRS_LAYER_USER + 2)
#define L_MAGIC (NLRS_LAYER_USER + 3)

struct vxlan {
	uint32_t vni;
};

/* VXLAN (RFC 7348): 8 bytes, then an Ethernet frame. */
static int vxlan_decode(void *ctx, struct nlrs_pkt_layer *l, const uint8_t *p, size_t len,
			size_t wire, enum nlrs_pkt_next_kind *next, uint32_t *val)
{
	struct vxlan v;

	(void)ctx;
	(void)wire;
	if (len < 8)
		return NLRS_PKT_ERR_SHORT;
	v.vni = nlrs_rd32(p + 4) >> 8;
	memcpy(l->u.user, &v, sizeof v);
	l->hlen = 8;
	*next = NLRS_NEXT_LINKTYPE;
	*val = NLRS_LINKTYPE_ETHERNET;
	return 0;
}

static const struct nlrs_pkt_decoder vxlan = { "vxlan", L_VXLAN, NLRS_CLASS_LINK, vxlan_decode,
					       NULL, NULL };

/* A 2-byte header carrying an IP protocol number. */
static int my_decode(void *ctx, struct nlrs_pkt_layer *l, const uint8_t *p, size_t len, size_t wire,
		     enum nlrs_pkt_next_kind *next, uint32_t *val)
{
	int *calls = ctx;

	(void)wire;
	(*calls)++;
	if (len < 2)
		return NLRS_PKT_ERR_SHORT;
	l->hlen = 2;
	*next = NLRS_NEXT_IPPROTO;
	*val = p[1];
	return 0;
}

static bool magic_probe(void *ctx, const uint8_t *p, size_t len)
{
	(void)ctx;
	return len >= 4 && memcmp(p, "MAGC", 4) == 0;
}

static int magic_decode(void *ctx, struct nlrs_pkt_layer *l, const uint8_t *p, size_t len,
			size_t wire, enum nlrs_pkt_next_kind *next, uint32_t *val)
{
	(void)ctx;
	(void)p;
	(void)wire;
	(void)val;
	l->hlen = (uint32_t)len;
	*next = NLRS_NEXT_NONE;
	return 0;
}

static const struct nlrs_pkt_decoder magic = { "magic", L_MAGIC, NLRS_CLASS_APPLICATION,
					       magic_decode, magic_probe, NULL };

static int build_vxlan(uint8_t *f, size_t cap)
{
	uint8_t inner[64], vx[8] = { 0x08, 0, 0, 0, 0, 0x12, 0x34, 0 };
	int in = t_build_udp4(inner, sizeof inner, 1, 2, "in", 2);
	struct nlrs_pkt_builder b;

	nlrs_pkt_build_init(&b, f, cap);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 9, .src = 1, .dst = 2 }, 0);
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 60000, .dport = 4789 }, 0);
	nlrs_pkt_build_payload(&b, vx, 8);
	nlrs_pkt_build_payload(&b, inner, (size_t)in);
	return nlrs_pkt_build_finish(&b);
}

Test(registry, udp_port_decoder_continues_into_a_link_type)
{
	struct nlrs_pkt_registry reg;
	struct nlrs_pkt_opts o = { 0, &reg };
	struct nlrs_pkt p;
	uint8_t f[256];
	int n = build_vxlan(f, sizeof f);

	nlrs_pkt_registry_init(&reg);
	cr_assert_eq(nlrs_pkt_register(&reg, NLRS_HOOK_UDP_PORT, 4789, &vxlan), 0);
	nlrs_pkt_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, &o);
	cr_assert(T_TYPES(&p, NLRS_LAYER_IPV4, NLRS_LAYER_UDP, L_VXLAN, NLRS_LAYER_ETH, NLRS_LAYER_IPV4,
			  NLRS_LAYER_UDP, NLRS_LAYER_PAYLOAD));
	{
		struct vxlan v;

		memcpy(&v, p.layers[2].u.user, sizeof v);
		cr_assert_eq(v.vni, 0x1234);
	}
	cr_assert_eq(p.layers[2].hlen, 8);
	cr_assert_str_eq(nlrs_pkt_layer_name_reg(&reg, L_VXLAN), "vxlan");
	cr_assert_eq(nlrs_pkt_transport(&p), &p.layers[1]);
	/* without the registry: payload */
	nlrs_pkt_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, NULL);
	cr_assert(T_TYPES(&p, NLRS_LAYER_IPV4, NLRS_LAYER_UDP, NLRS_LAYER_PAYLOAD));
	/* removed: payload again */
	cr_assert_eq(nlrs_pkt_unregister(&reg, NLRS_HOOK_UDP_PORT, 4789), 0);
	cr_assert_eq(nlrs_pkt_unregister(&reg, NLRS_HOOK_UDP_PORT, 4789), -NLRS_ENOENT);
	nlrs_pkt_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, &o);
	cr_assert_eq(p.nlayers, 3);
}

Test(registry, ethertype_and_ipproto_hooks_replace_builtins)
{
	struct nlrs_pkt_registry reg;
	struct nlrs_pkt_opts o = { 0, &reg };
	struct nlrs_pkt p;
	int calls = 0;
	struct nlrs_pkt_decoder d = { "myproto", L_MYPROTO, NLRS_CLASS_NETWORK, my_decode, NULL, &calls };
	uint8_t f[128];
	struct nlrs_pkt_builder b;
	int n;

	nlrs_pkt_registry_init(&reg);
	cr_assert_eq(nlrs_pkt_register(&reg, NLRS_HOOK_ETHERTYPE, 0x88b5, &d), 0);
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ .type = 0x88b5 }, 0);
	nlrs_pkt_build_payload(&b, "\x00\x11", 2); /* next: UDP */
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 7, .dport = 8 }, 0);
	n = nlrs_pkt_build_finish(&b);
	nlrs_pkt_decode(&p, 1, f, (size_t)n, (size_t)n, &o);
	cr_assert(T_TYPES(&p, NLRS_LAYER_ETH, L_MYPROTO, NLRS_LAYER_UDP));
	cr_assert_eq(nlrs_pkt_network(&p), &p.layers[1]);
	cr_assert_eq(p.layers[2].u.udp.dport, 8);
	cr_assert_eq(calls, 1);
	/* an IP protocol hook takes over protocol 17 */
	cr_assert_eq(nlrs_pkt_register(&reg, NLRS_HOOK_IPPROTO, 17, &d), 0);
	n = t_build_udp4(f, sizeof f, 1, 2, "\x00\x3b", 2); /* UDP header read as myproto */
	nlrs_pkt_decode(&p, 1, f, (size_t)n, (size_t)n, &o);
	cr_assert_eq(p.layers[2].type, L_MYPROTO);
	cr_assert_eq(calls, 2);
}

Test(registry, heuristics_run_after_ports)
{
	struct nlrs_pkt_registry reg;
	struct nlrs_pkt_opts o = { 0, &reg };
	struct nlrs_pkt p;
	uint8_t f[128];
	int n;

	nlrs_pkt_registry_init(&reg);
	cr_assert_eq(nlrs_pkt_register(&reg, NLRS_HOOK_HEURISTIC, 0, &magic), 0);
	n = t_build_tcp4(f, sizeof f, 40000, 9999, NLRS_TCPF_ACK, "MAGC1234", 8);
	nlrs_pkt_decode(&p, 1, f, (size_t)n, (size_t)n, &o);
	cr_assert_eq(nlrs_pkt_application(&p)->type, L_MAGIC);
	/* a built-in port decoder comes first: SSH on 22 */
	n = t_build_tcp4(f, sizeof f, 40000, 22, NLRS_TCPF_ACK, "SSH-2.0-x\r\n", 11);
	nlrs_pkt_decode(&p, 1, f, (size_t)n, (size_t)n, &o);
	cr_assert_eq(nlrs_pkt_application(&p)->type, NLRS_LAYER_SSH);
	/* no match: payload */
	n = t_build_tcp4(f, sizeof f, 40000, 9999, NLRS_TCPF_ACK, "nothing", 7);
	nlrs_pkt_decode(&p, 1, f, (size_t)n, (size_t)n, &o);
	cr_assert_null(nlrs_pkt_application(&p));
	/* heuristics off */
	o.flags = NLRS_PKT_NO_HEURISTIC;
	n = t_build_tcp4(f, sizeof f, 40000, 9999, NLRS_TCPF_ACK, "MAGC1234", 8);
	nlrs_pkt_decode(&p, 1, f, (size_t)n, (size_t)n, &o);
	cr_assert_null(nlrs_pkt_application(&p));
	cr_assert_eq(nlrs_pkt_unregister(&reg, NLRS_HOOK_HEURISTIC, 0), 0);
}

Test(registry, registered_port_wins_over_builtin)
{
	struct nlrs_pkt_registry reg;
	struct nlrs_pkt_opts o = { 0, &reg };
	struct nlrs_pkt p;
	uint8_t f[128];
	int n = t_build_udp4(f, sizeof f, 53, 40000, "whatever", 8);

	nlrs_pkt_registry_init(&reg);
	cr_assert_eq(nlrs_pkt_register(&reg, NLRS_HOOK_UDP_PORT, 53, &magic), 0);
	nlrs_pkt_decode(&p, 1, f, (size_t)n, (size_t)n, &o);
	cr_assert_eq(nlrs_pkt_application(&p)->type, L_MAGIC);
}

static int bad_decode(void *ctx, struct nlrs_pkt_layer *l, const uint8_t *p, size_t len,
		      size_t wire, enum nlrs_pkt_next_kind *next, uint32_t *val)
{
	(void)ctx;
	(void)p;
	(void)len;
	(void)wire;
	(void)val;
	l->hlen = 100000; /* more than there is: clamped */
	*next = NLRS_NEXT_PAYLOAD;
	return 0;
}

static int failing_decode(void *ctx, struct nlrs_pkt_layer *l, const uint8_t *p, size_t len,
			  size_t wire, enum nlrs_pkt_next_kind *next, uint32_t *val)
{
	(void)ctx;
	(void)l;
	(void)p;
	(void)len;
	(void)wire;
	(void)next;
	(void)val;
	return NLRS_PKT_ERR_BAD_FORMAT;
}

Test(registry, decoders_cannot_claim_bytes_that_are_not_there)
{
	struct nlrs_pkt_registry reg;
	struct nlrs_pkt_opts o = { 0, &reg };
	struct nlrs_pkt_decoder bad = { "bad", L_MYPROTO, NLRS_CLASS_APPLICATION, bad_decode, NULL, NULL };
	struct nlrs_pkt_decoder fail = { "fail", L_MAGIC, NLRS_CLASS_APPLICATION, failing_decode, NULL,
					 NULL };
	struct nlrs_pkt p;
	uint8_t f[128];
	int n = t_build_udp4(f, sizeof f, 1, 7777, "abc", 3);

	nlrs_pkt_registry_init(&reg);
	nlrs_pkt_register(&reg, NLRS_HOOK_UDP_PORT, 7777, &bad);
	nlrs_pkt_decode(&p, 1, guard_copy(f, (size_t)n), (size_t)n, (size_t)n, &o);
	cr_assert_eq(p.layers[3].hlen, 3);
	cr_assert_eq(t_layers_sane(&p), 0);
	nlrs_pkt_register(&reg, NLRS_HOOK_UDP_PORT, 7777, &fail); /* replaces */
	cr_assert_eq(reg.n, 1);
	nlrs_pkt_decode(&p, 1, f, (size_t)n, (size_t)n, &o);
	cr_assert(p.layers[3].flags & NLRS_LF_MALFORMED);
	cr_assert_eq(p.layers[3].err, NLRS_PKT_ERR_BAD_FORMAT);
}

Test(registry, register_refuses_bad_entries_and_fills_up)
{
	struct nlrs_pkt_registry reg;
	struct nlrs_pkt_decoder lowtype = { "x", 5, 0, magic_decode, NULL, NULL };
	struct nlrs_pkt_decoder noprobe = { "x", L_MAGIC, 0, magic_decode, NULL, NULL };

	nlrs_pkt_registry_init(&reg);
	cr_assert_eq(nlrs_pkt_register(&reg, NLRS_HOOK_ETHERTYPE, 1, &lowtype), -NLRS_EINVAL);
	cr_assert_eq(nlrs_pkt_register(&reg, NLRS_HOOK_HEURISTIC, 0, &noprobe), -NLRS_EINVAL);
	cr_assert_eq(nlrs_pkt_register(&reg, (enum nlrs_pkt_hook)99, 0, &magic), -NLRS_EINVAL);
	for (uint32_t i = 0; i < NLRS_PKT_REGISTRY_MAX; i++)
		cr_assert_eq(nlrs_pkt_register(&reg, NLRS_HOOK_TCP_PORT, i, &magic), 0);
	cr_assert_eq(nlrs_pkt_register(&reg, NLRS_HOOK_TCP_PORT, 9999, &magic), -NLRS_ENOSPC);
}
