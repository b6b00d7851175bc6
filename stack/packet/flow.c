/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * flow.c - endpoints and flows as plain comparable, hashable values, and
 * their text forms.
 *
 * Implements: endpoints (MAC, IPv4, IPv6, TCP/UDP/SCTP port) and flows
 * (a pair of endpoints of one type) with unused bytes always zero, a
 * total order, a directional and a symmetric 64-bit hash (the symmetric
 * one hashes the two endpoints in sorted order, so A->B and B->A hash
 * alike and only they do), flow keys (network + transport flow), and
 * RFC 5952 text for IPv6.
 * Does not implement: hashes stable across builds or hosts (the hash is
 * for in-memory tables; it reads words in host byte order).
 * Freestanding C11: no OS headers, no allocation.
 */
#include "packet_priv.h"

#define K1 0x9e3779b97f4a7c15ull
#define K2 0xbf58476d1ce4e5b9ull
#define K3 0x94d049bb133111ebull

static uint64_t fmix(uint64_t x)
{
	/* splitmix64's finaliser */
	x ^= x >> 30;
	x *= K2;
	x ^= x >> 27;
	x *= K3;
	x ^= x >> 31;
	return x;
}

/* The library's calls go to these file-local versions: the public
 * functions are interposable in the shared library, so calls to them are
 * never inlined. */
static inline uint64_t hash_bytes(uint64_t h, const uint8_t *p, size_t n)
{
	while (n >= 8) {
		uint64_t w;

		nlrs_memcpy(&w, p, 8);
		h = (h ^ fmix(w + K1)) * K1;
		p += 8;
		n -= 8;
	}
	if (n) {
		uint64_t w = 0;

		/* byte by byte: a memcpy of a variable length is a libc call */
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)p[i] << (8 * i);
		h = (h ^ fmix(w + K1 + n)) * K1;
	}
	return fmix(h);
}

uint64_t nlrs__hash_bytes(uint64_t h, const uint8_t *p, size_t n)
{
	return hash_bytes(h, p, n);
}

static uint8_t ep_len(enum nlrs_pkt_endpoint_type t)
{
	switch (t) {
	case NLRS_EP_MAC:
		return 6;
	case NLRS_EP_IPV4:
		return 4;
	case NLRS_EP_IPV6:
		return 16;
	case NLRS_EP_TCP:
	case NLRS_EP_UDP:
	case NLRS_EP_SCTP:
		return 2;
	default:
		return 0;
	}
}

static inline void flow_set(struct nlrs_flow *f, uint8_t type, uint8_t len, const uint8_t *src,
			    const uint8_t *dst)
{
	nlrs_memset(f, 0, sizeof *f);
	f->type = type;
	f->len = len;
	nlrs_memcpy(f->src, src, len);
	nlrs_memcpy(f->dst, dst, len);
}

static inline uint64_t flow_hash_sym(const struct nlrs_flow *f)
{
	const uint8_t *a = f->src, *b = f->dst;
	uint64_t h;

	for (unsigned i = 0; i < f->len && i < 16; i++) {
		if (a[i] != b[i]) {
			if (a[i] > b[i]) {
				a = f->dst;
				b = f->src;
			}
			break;
		}
	}
	h = hash_bytes(K2 * (f->type + 1u), a, f->len);
	return hash_bytes(h, b, f->len);
}

void nlrs_pkt_endpoint_ipv4(struct nlrs_pkt_endpoint *e, uint32_t a)
{
	nlrs_memset(e, 0, sizeof *e);
	e->type = NLRS_EP_IPV4;
	e->len = 4;
	nlrs_wr32(e->addr, a);
}

void nlrs_pkt_endpoint_ipv6(struct nlrs_pkt_endpoint *e, const uint8_t a[16])
{
	nlrs_memset(e, 0, sizeof *e);
	e->type = NLRS_EP_IPV6;
	e->len = 16;
	nlrs_memcpy(e->addr, a, 16);
}

void nlrs_pkt_endpoint_mac(struct nlrs_pkt_endpoint *e, const uint8_t mac[6])
{
	nlrs_memset(e, 0, sizeof *e);
	e->type = NLRS_EP_MAC;
	e->len = 6;
	nlrs_memcpy(e->addr, mac, 6);
}

void nlrs_pkt_endpoint_port(struct nlrs_pkt_endpoint *e, enum nlrs_pkt_endpoint_type type, uint16_t port)
{
	nlrs_memset(e, 0, sizeof *e);
	e->type = (uint8_t)type;
	e->len = ep_len(type);
	nlrs_wr16(e->addr, port);
}

int nlrs_flow_make(struct nlrs_flow *f, const struct nlrs_pkt_endpoint *src,
		   const struct nlrs_pkt_endpoint *dst)
{
	if (src->type != dst->type || src->len != dst->len || src->len > 16)
		return -NLRS_EINVAL;
	nlrs_memset(f, 0, sizeof *f);
	f->type = src->type;
	f->len = src->len;
	nlrs_memcpy(f->src, src->addr, src->len);
	nlrs_memcpy(f->dst, dst->addr, dst->len);
	return 0;
}

void nlrs_flow_src(const struct nlrs_flow *f, struct nlrs_pkt_endpoint *e)
{
	nlrs_memset(e, 0, sizeof *e);
	e->type = f->type;
	e->len = f->len;
	nlrs_memcpy(e->addr, f->src, 16);
}

void nlrs_flow_dst(const struct nlrs_flow *f, struct nlrs_pkt_endpoint *e)
{
	nlrs_memset(e, 0, sizeof *e);
	e->type = f->type;
	e->len = f->len;
	nlrs_memcpy(e->addr, f->dst, 16);
}

void nlrs_flow_reverse(const struct nlrs_flow *f, struct nlrs_flow *out)
{
	uint8_t t[16];

	nlrs_memcpy(t, f->src, 16);
	out->type = f->type;
	out->len = f->len;
	nlrs_memmove(out->src, f->dst, 16);
	nlrs_memcpy(out->dst, t, 16);
}

int nlrs_pkt_endpoint_cmp(const struct nlrs_pkt_endpoint *a, const struct nlrs_pkt_endpoint *b)
{
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	return nlrs_memcmp(a->addr, b->addr, 16);
}

int nlrs_flow_cmp(const struct nlrs_flow *a, const struct nlrs_flow *b)
{
	int c;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	c = nlrs_memcmp(a->src, b->src, 16);
	return c ? c : nlrs_memcmp(a->dst, b->dst, 16);
}

bool nlrs_flow_equal(const struct nlrs_flow *a, const struct nlrs_flow *b)
{
	return nlrs_flow_cmp(a, b) == 0;
}

uint64_t nlrs_pkt_endpoint_hash(const struct nlrs_pkt_endpoint *e)
{
	return hash_bytes(K1 * (e->type + 1u), e->addr, e->len);
}

uint64_t nlrs_flow_hash(const struct nlrs_flow *f)
{
	uint64_t h = hash_bytes(K1 * (f->type + 1u), f->src, f->len);

	return hash_bytes(h, f->dst, f->len);
}

uint64_t nlrs_flow_hash_sym(const struct nlrs_flow *f)
{
	return flow_hash_sym(f);
}

static const struct nlrs_pkt_layer *outer(const struct nlrs_pkt *pkt, int8_t idx)
{
	return idx >= 0 && idx < pkt->nlayers && !(pkt->layers[idx].flags & NLRS_LF_NOFIELDS)
		       ? &pkt->layers[idx] : NULL;
}

int nlrs_pkt_link_flow(const struct nlrs_pkt *pkt, struct nlrs_flow *f)
{
	const struct nlrs_pkt_layer *l = outer(pkt, pkt->link);
	struct nlrs_pkt_endpoint a, b;

	if (!l || l->type != NLRS_LAYER_ETH)
		return -NLRS_ENOENT;
	nlrs_pkt_endpoint_mac(&a, l->u.eth.src);
	nlrs_pkt_endpoint_mac(&b, l->u.eth.dst);
	return nlrs_flow_make(f, &a, &b);
}

int nlrs_pkt_net_flow(const struct nlrs_pkt *pkt, struct nlrs_flow *f)
{
	const struct nlrs_pkt_layer *l = outer(pkt, pkt->net);
	struct nlrs_pkt_endpoint a, b;

	if (!l)
		return -NLRS_ENOENT;
	if (l->type == NLRS_LAYER_IPV4) {
		nlrs_pkt_endpoint_ipv4(&a, l->u.ipv4.src);
		nlrs_pkt_endpoint_ipv4(&b, l->u.ipv4.dst);
	} else if (l->type == NLRS_LAYER_IPV6) {
		nlrs_pkt_endpoint_ipv6(&a, l->u.ipv6.src);
		nlrs_pkt_endpoint_ipv6(&b, l->u.ipv6.dst);
	} else {
		return -NLRS_ENOENT;
	}
	return nlrs_flow_make(f, &a, &b);
}

int nlrs_pkt_transport_flow(const struct nlrs_pkt *pkt, struct nlrs_flow *f)
{
	const struct nlrs_pkt_layer *l = outer(pkt, pkt->transport);
	struct nlrs_pkt_endpoint a, b;
	enum nlrs_pkt_endpoint_type t;
	uint16_t sp, dp;

	if (!l)
		return -NLRS_ENOENT;
	switch (l->type) {
	case NLRS_LAYER_TCP:
		t = NLRS_EP_TCP;
		sp = l->u.tcp.sport;
		dp = l->u.tcp.dport;
		break;
	case NLRS_LAYER_UDP:
		t = NLRS_EP_UDP;
		sp = l->u.udp.sport;
		dp = l->u.udp.dport;
		break;
	case NLRS_LAYER_SCTP:
		t = NLRS_EP_SCTP;
		sp = l->u.sctp.sport;
		dp = l->u.sctp.dport;
		break;
	default:
		return -NLRS_ENOENT;
	}
	nlrs_pkt_endpoint_port(&a, t, sp);
	nlrs_pkt_endpoint_port(&b, t, dp);
	return nlrs_flow_make(f, &a, &b);
}

void nlrs_pkt_fast_net_flow(const struct nlrs_pkt_fast *fp, struct nlrs_flow *f)
{
	uint8_t a[4], b[4];

	if (fp->ipver == 6) {
		flow_set(f, NLRS_EP_IPV6, 16, fp->src6, fp->dst6);
		return;
	}
	nlrs_wr32(a, fp->src4);
	nlrs_wr32(b, fp->dst4);
	flow_set(f, NLRS_EP_IPV4, 4, a, b);
}

void nlrs_pkt_fast_transport_flow(const struct nlrs_pkt_fast *fp, struct nlrs_flow *f)
{
	uint8_t a[2], b[2];

	nlrs_wr16(a, fp->sport);
	nlrs_wr16(b, fp->dport);
	flow_set(f, fp->proto == NLRS_IPPROTO_TCP ? NLRS_EP_TCP : NLRS_EP_UDP, 2, a, b);
}

int nlrs_pkt_flow_key(const struct nlrs_pkt *pkt, struct nlrs_flow_key *k)
{
	int r = nlrs_pkt_net_flow(pkt, &k->net);

	if (r < 0)
		return r;
	return nlrs_pkt_transport_flow(pkt, &k->tp);
}

void nlrs_flow_key_reverse(const struct nlrs_flow_key *k, struct nlrs_flow_key *out)
{
	nlrs_flow_reverse(&k->net, &out->net);
	nlrs_flow_reverse(&k->tp, &out->tp);
}

bool nlrs_flow_key_equal(const struct nlrs_flow_key *a, const struct nlrs_flow_key *b)
{
	return nlrs_flow_cmp(&a->net, &b->net) == 0 && nlrs_flow_cmp(&a->tp, &b->tp) == 0;
}

uint64_t nlrs_flow_key_hash_sym(const struct nlrs_flow_key *k)
{
	/* Sort the two (address, port) endpoints together, so that a key
	 * and its reverse agree and nothing else is forced to. */
	uint8_t a[18], b[18];
	uint64_t h;

	nlrs_memcpy(a, k->net.src, 16);
	nlrs_memcpy(a + 16, k->tp.src, 2);
	nlrs_memcpy(b, k->net.dst, 16);
	nlrs_memcpy(b + 16, k->tp.dst, 2);
	if (nlrs_memcmp(a, b, sizeof a) > 0) {
		h = hash_bytes(K3 * (k->net.type + 1u) + k->tp.type, b, sizeof b);
		return hash_bytes(h, a, sizeof a);
	}
	h = hash_bytes(K3 * (k->net.type + 1u) + k->tp.type, a, sizeof a);
	return hash_bytes(h, b, sizeof b);
}

/* ---- text ---- */

struct out {
	char *p;
	size_t cap, n;
};

static void oc(struct out *o, char c)
{
	if (o->n + 1 < o->cap)
		o->p[o->n] = c;
	o->n++;
}

static void os(struct out *o, const char *s)
{
	while (*s)
		oc(o, *s++);
}

static void odec(struct out *o, uint32_t v)
{
	char t[10];
	int n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		oc(o, t[--n]);
}

static void ohex(struct out *o, uint32_t v, int min)
{
	static const char hx[] = "0123456789abcdef";
	char t[8];
	int n = 0;

	do {
		t[n++] = hx[v & 15];
		v >>= 4;
	} while (v || n < min);
	while (n)
		oc(o, t[--n]);
}

static int oend(struct out *o)
{
	if (o->cap)
		o->p[o->n < o->cap ? o->n : o->cap - 1] = '\0';
	return (int)o->n;
}

static void o_ip4(struct out *o, uint32_t a)
{
	for (int i = 3; i >= 0; i--) {
		odec(o, a >> (8 * i) & 0xff);
		if (i)
			oc(o, '.');
	}
}

int nlrs_ip4_str(uint32_t a, char *p, size_t cap)
{
	struct out o = { p, cap, 0 };

	o_ip4(&o, a);
	return oend(&o);
}

static void o_ip6(struct out *o, const uint8_t a[16])
{
	uint16_t w[8];
	int best = -1, bestlen = 0;

	for (int i = 0; i < 8; i++)
		w[i] = nlrs_rd16(a + 2 * i);
	/* RFC 5952 4.2: the longest run of two or more zero words, the first if tied */
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && w[j] == 0)
			j++;
		if (j - i > bestlen && j - i >= 2) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	/* RFC 5952 5: IPv4-mapped (and, as inet_ntop and so tcpdump print
	 * them, IPv4-compatible) addresses keep the dotted quad. */
	if (best == 0 && (bestlen == 6 || (bestlen == 5 && w[5] == 0xffff))) {
		os(o, bestlen == 5 ? "::ffff:" : "::");
		o_ip4(o, nlrs_rd32(a + 12));
		return;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			os(o, "::");
			i += bestlen - 1;
			continue;
		}
		if (i && i != best + bestlen)
			oc(o, ':');
		ohex(o, w[i], 1);
	}
}

int nlrs_ip6_str(const uint8_t a[16], char *p, size_t cap)
{
	struct out o = { p, cap, 0 };

	o_ip6(&o, a);
	return oend(&o);
}

static void o_mac(struct out *o, const uint8_t m[6])
{
	for (int i = 0; i < 6; i++) {
		if (i)
			oc(o, ':');
		ohex(o, m[i], 2);
	}
}

int nlrs_mac_str(const uint8_t mac[6], char *p, size_t cap)
{
	struct out o = { p, cap, 0 };

	o_mac(&o, mac);
	return oend(&o);
}

static void o_ep(struct out *o, uint8_t type, const uint8_t *addr)
{
	switch (type) {
	case NLRS_EP_MAC:
		o_mac(o, addr);
		break;
	case NLRS_EP_IPV4:
		o_ip4(o, nlrs_rd32(addr));
		break;
	case NLRS_EP_IPV6:
		o_ip6(o, addr);
		break;
	case NLRS_EP_TCP:
	case NLRS_EP_UDP:
	case NLRS_EP_SCTP:
		odec(o, nlrs_rd16(addr));
		break;
	default:
		os(o, "?");
	}
}

int nlrs_pkt_endpoint_str(const struct nlrs_pkt_endpoint *e, char *p, size_t cap)
{
	struct out o = { p, cap, 0 };

	o_ep(&o, e->type, e->addr);
	return oend(&o);
}

int nlrs_flow_str(const struct nlrs_flow *f, char *p, size_t cap)
{
	struct out o = { p, cap, 0 };

	o_ep(&o, f->type, f->src);
	oc(&o, '>');
	o_ep(&o, f->type, f->dst);
	return oend(&o);
}
