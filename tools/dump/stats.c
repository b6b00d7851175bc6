/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --stats: instead of a line a packet, one summary at the end:
 *
 *   the packets and bytes (on the wire) in all;
 *   per protocol (every layer type the library decoded): packets, bytes;
 *   the top conversations by bytes: a transport flow (TCP/UDP/SCTP ports)
 *     or a network flow, both directions counted together (the library's
 *     symmetric flow hash, A->B and B->A one entry);
 *   the top talkers by bytes sent: network sources (IPv4/IPv6).
 *
 * Tables grow by doubling (an allocation per doubling, not per packet)
 * and stop at 1,048,576 entries; packets of conversations or talkers past
 * that are counted under "(others)".
 */
#include "dump.h"

#include <nlrs/packet.h>
#include <stdlib.h>

#define MAX_ENTRIES (1u << 20)
#define TOP 20

struct conv {
	struct nlrs_flow_key k; /* as first seen */
	bool used, has_tp;
	uint64_t pkts[2], bytes[2]; /* [0] in the first-seen direction */
};

struct talker {
	struct nlrs_pkt_endpoint ep;
	bool used;
	uint64_t pkts, bytes;
};

static struct nlrs_pkt spkt;
static struct {
	uint64_t pkts, bytes, caplen;
	uint64_t proto_pkts[NLRS_LAYER__BUILTIN_END], proto_bytes[NLRS_LAYER__BUILTIN_END];
	struct conv *conv;
	size_t conv_cap, conv_n;
	uint64_t conv_other_pkts, conv_other_bytes;
	struct talker *tk;
	size_t tk_cap, tk_n;
	uint64_t tk_other_pkts, tk_other_bytes;
} st;

static struct conv *conv_slot(struct conv *t, size_t cap, const struct nlrs_flow_key *k,
			      bool *rev)
{
	struct nlrs_flow_key r;
	size_t i = (size_t)nlrs_flow_key_hash_sym(k) & (cap - 1);

	nlrs_flow_key_reverse(k, &r);
	for (;; i = (i + 1) & (cap - 1)) {
		if (!t[i].used)
			return &t[i];
		if (nlrs_flow_key_equal(&t[i].k, k)) {
			*rev = false;
			return &t[i];
		}
		if (nlrs_flow_key_equal(&t[i].k, &r)) {
			*rev = true;
			return &t[i];
		}
	}
}

static struct conv *conv_find(const struct nlrs_flow_key *k, bool *rev)
{
	struct conv *e;

	if (st.conv_n * 2 >= st.conv_cap) {
		size_t ncap = st.conv_cap ? st.conv_cap * 2 : 1024;
		struct conv *nt = ncap <= 2 * MAX_ENTRIES ? calloc(ncap, sizeof(*nt)) : NULL;
		if (nt) {
			for (size_t i = 0; i < st.conv_cap; i++) {
				bool r;
				if (st.conv[i].used)
					*conv_slot(nt, ncap, &st.conv[i].k, &r) = st.conv[i];
			}
			free(st.conv);
			st.conv = nt;
			st.conv_cap = ncap;
		}
		if (st.conv_n + 1 >= st.conv_cap)
			return NULL; /* full and cannot grow */
	}
	*rev = false;
	e = conv_slot(st.conv, st.conv_cap, k, rev);
	if (!e->used) {
		if (st.conv_n >= MAX_ENTRIES)
			return NULL;
		memset(e, 0, sizeof(*e));
		e->used = true;
		e->k = *k;
		st.conv_n++;
	}
	return e;
}

static struct talker *tk_slot(struct talker *t, size_t cap, const struct nlrs_pkt_endpoint *ep)
{
	size_t i = (size_t)nlrs_pkt_endpoint_hash(ep) & (cap - 1);

	for (;; i = (i + 1) & (cap - 1))
		if (!t[i].used || !nlrs_pkt_endpoint_cmp(&t[i].ep, ep))
			return &t[i];
}

static struct talker *tk_find(const struct nlrs_pkt_endpoint *ep)
{
	struct talker *e;

	if (st.tk_n * 2 >= st.tk_cap) {
		size_t ncap = st.tk_cap ? st.tk_cap * 2 : 1024;
		struct talker *nt = ncap <= 2 * MAX_ENTRIES ? calloc(ncap, sizeof(*nt)) : NULL;
		if (nt) {
			for (size_t i = 0; i < st.tk_cap; i++)
				if (st.tk[i].used)
					*tk_slot(nt, ncap, &st.tk[i].ep) = st.tk[i];
			free(st.tk);
			st.tk = nt;
			st.tk_cap = ncap;
		}
		if (st.tk_n + 1 >= st.tk_cap)
			return NULL;
	}
	e = tk_slot(st.tk, st.tk_cap, ep);
	if (!e->used) {
		if (st.tk_n >= MAX_ENTRIES)
			return NULL;
		e->used = true;
		e->ep = *ep;
		st.tk_n++;
	}
	return e;
}

void stats_packet(const struct dump_pkt *p)
{
	struct nlrs_flow_key k;
	struct nlrs_flow nf;
	uint16_t seen[NLRS_PKT_MAX_LAYERS];
	int nseen = 0;

	st.pkts++;
	st.bytes += p->len;
	st.caplen += p->caplen;
	nlrs_pkt_decode(&spkt, (uint32_t)p->linktype, p->data, p->caplen, p->len, NULL);
	for (const struct nlrs_pkt_layer *l = nlrs_pkt_first(&spkt); l; l = nlrs_pkt_next(&spkt, l)) {
		bool dup = false;
		if (l->type >= NLRS_LAYER__BUILTIN_END)
			continue;
		for (int i = 0; i < nseen; i++)
			if (seen[i] == l->type)
				dup = true;
		if (dup)
			continue; /* a packet counts once per protocol */
		seen[nseen++] = l->type;
		st.proto_pkts[l->type]++;
		st.proto_bytes[l->type] += p->len;
	}

	memset(&k, 0, sizeof(k));
	if (nlrs_pkt_net_flow(&spkt, &k.net) == 0) {
		struct conv *c;
		bool rev = false;
		bool tp = nlrs_pkt_transport_flow(&spkt, &k.tp) == 0;
		if (!tp)
			memset(&k.tp, 0, sizeof(k.tp));
		c = conv_find(&k, &rev);
		if (c) {
			c->has_tp = tp;
			c->pkts[rev]++;
			c->bytes[rev] += p->len;
		} else {
			st.conv_other_pkts++;
			st.conv_other_bytes += p->len;
		}
	}
	if (nlrs_pkt_net_flow(&spkt, &nf) == 0) {
		struct nlrs_pkt_endpoint src;
		struct talker *t;
		nlrs_flow_src(&nf, &src);
		t = tk_find(&src);
		if (t) {
			t->pkts++;
			t->bytes += p->len;
		} else {
			st.tk_other_pkts++;
			st.tk_other_bytes += p->len;
		}
	}
}

static int by_conv_bytes(const void *a, const void *b)
{
	const struct conv *x = *(const struct conv *const *)a, *y = *(const struct conv *const *)b;
	uint64_t bx = x->bytes[0] + x->bytes[1], by = y->bytes[0] + y->bytes[1];

	return bx < by ? 1 : bx > by ? -1 : 0;
}

static int by_tk_bytes(const void *a, const void *b)
{
	const struct talker *x = *(const struct talker *const *)a;
	const struct talker *y = *(const struct talker *const *)b;

	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : 0;
}

static void endpoint_pair(const struct nlrs_flow *net, const struct nlrs_flow *tp, bool has_tp,
			  bool src)
{
	struct nlrs_pkt_endpoint ip, port;
	char buf[NLRS_ADDRSTRLEN + 8];

	if (src)
		nlrs_flow_src(net, &ip);
	else
		nlrs_flow_dst(net, &ip);
	nlrs_pkt_endpoint_str(&ip, buf, sizeof(buf));
	if (ip.type == NLRS_EP_IPV6 && has_tp)
		out_printf("[%s]", buf);
	else
		out_str(buf);
	if (has_tp) {
		if (src)
			nlrs_flow_src(tp, &port);
		else
			nlrs_flow_dst(tp, &port);
		nlrs_pkt_endpoint_str(&port, buf, sizeof(buf));
		out_char(':');
		out_str(buf);
	}
}

static const char *tp_name(const struct nlrs_flow *tp, bool has_tp)
{
	if (!has_tp)
		return "ip";
	switch (tp->type) {
	case NLRS_EP_TCP:
		return "tcp";
	case NLRS_EP_UDP:
		return "udp";
	case NLRS_EP_SCTP:
		return "sctp";
	default:
		return "ip";
	}
}

void stats_print(void)
{
	struct conv **cv = NULL;
	struct talker **tv = NULL;
	size_t n = 0;

	out_printf("%llu packets, %llu bytes on the wire, %llu bytes captured\n",
		   (unsigned long long)st.pkts, (unsigned long long)st.bytes,
		   (unsigned long long)st.caplen);
	out_lit("\nprotocols (packets that have the layer, their bytes):\n");
	for (int t = 1; t < NLRS_LAYER__BUILTIN_END; t++)
		if (st.proto_pkts[t])
			out_printf("  %-13s %12llu packets %16llu bytes\n", nlrs_layer_name((uint16_t)t),
				   (unsigned long long)st.proto_pkts[t],
				   (unsigned long long)st.proto_bytes[t]);

	if (st.conv_n)
		cv = malloc(st.conv_n * sizeof(*cv));
	if (cv) {
		for (size_t i = 0; i < st.conv_cap; i++)
			if (st.conv[i].used)
				cv[n++] = &st.conv[i];
		qsort(cv, n, sizeof(*cv), by_conv_bytes);
		out_printf("\nconversations: %zu; top %d by bytes (A > B packets/bytes, B > A packets/bytes):\n",
			   n, n < TOP ? (int)n : TOP);
		for (size_t i = 0; i < n && i < TOP; i++) {
			const struct conv *c = cv[i];
			out_printf("  %-4s ", tp_name(&c->k.tp, c->has_tp));
			endpoint_pair(&c->k.net, &c->k.tp, c->has_tp, true);
			out_lit(" <> ");
			endpoint_pair(&c->k.net, &c->k.tp, c->has_tp, false);
			out_printf("  %llu/%llu  %llu/%llu\n", (unsigned long long)c->pkts[0],
				   (unsigned long long)c->bytes[0], (unsigned long long)c->pkts[1],
				   (unsigned long long)c->bytes[1]);
		}
		if (st.conv_other_pkts)
			out_printf("  (others) %llu packets %llu bytes\n",
				   (unsigned long long)st.conv_other_pkts,
				   (unsigned long long)st.conv_other_bytes);
		free(cv);
	}
	n = 0;
	if (st.tk_n)
		tv = malloc(st.tk_n * sizeof(*tv));
	if (tv) {
		for (size_t i = 0; i < st.tk_cap; i++)
			if (st.tk[i].used)
				tv[n++] = &st.tk[i];
		qsort(tv, n, sizeof(*tv), by_tk_bytes);
		out_printf("\ntop talkers by bytes sent (of %zu):\n", n);
		for (size_t i = 0; i < n && i < TOP; i++) {
			char buf[NLRS_ADDRSTRLEN];
			nlrs_pkt_endpoint_str(&tv[i]->ep, buf, sizeof(buf));
			out_printf("  %-39s %12llu packets %16llu bytes\n", buf,
				   (unsigned long long)tv[i]->pkts, (unsigned long long)tv[i]->bytes);
		}
		if (st.tk_other_pkts)
			out_printf("  (others) %llu packets %llu bytes\n",
				   (unsigned long long)st.tk_other_pkts,
				   (unsigned long long)st.tk_other_bytes);
		free(tv);
	}
	free(st.conv);
	free(st.tk);
	memset(&st, 0, sizeof(st));
}
