/* SPDX-License-Identifier: BSD-2-Clause */
/* The core test fixture (see harness.h). */
#include "harness.h"

#include <stdlib.h>

const uint8_t OUR_MAC[6] = { 0x02, 0, 0, 0, 0, 0x02 };
const uint8_t PEER_MAC[6] = { 0x02, 0, 0, 0, 0, 0x01 };
const uint8_t BCAST_MAC[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
const uint8_t IF1_MAC[6] = { 0x02, 0, 0, 0, 1, 0x02 };

struct nlrs_stack *S;
int IFX;
nlrs_time_t NOW;
struct h_frame *TX;
unsigned NTX;

static void *mem;
static uint32_t rng_state;

/* Deterministic "randomness": the same bytes in every run. */
static void det_random(void *ctx, void *out, size_t len)
{
	(void)ctx;
	uint8_t *p = out;
	for (size_t i = 0; i < len; i++) {
		rng_state = rng_state * 1103515245u + 12345u;
		p[i] = (uint8_t)(rng_state >> 16);
	}
}

static int capture(void *ctx, struct nlrs_buf *frame)
{
	int ifx = (int)(intptr_t)ctx;
	cr_assert_lt(NTX, H_MAX_FRAMES, "capture array full");
	cr_assert_leq(frame->tot_len, H_FRAME_MAX, "frame of %u bytes", (unsigned)frame->tot_len);
	struct h_frame *f = &TX[NTX++];
	f->ifx = ifx;
	f->len = nlrs_buf_copy_out(frame, 0, f->d, frame->tot_len);
	cr_assert_eq(f->len, frame->tot_len);
	nlrs_buf_free(frame);
	return 0;
}

struct nlrs_stack_config h_config(void)
{
	struct nlrs_stack_config c;
	nlrs_stack_config_default(&c);
	c.port.random = det_random;
	return c;
}

void h_start(const struct nlrs_stack_config *cfg)
{
	struct nlrs_stack_config c = cfg ? *cfg : h_config();
	if (!c.port.random)
		c.port.random = det_random;
	rng_state = 1;
	if (!TX)
		TX = calloc(H_MAX_FRAMES, sizeof(*TX));
	cr_assert_not_null(TX);
	NTX = 0;
	size_t need = nlrs_stack_mem_size(&c);
	cr_assert_gt(need, 0, "bad test config");
	mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
	cr_assert_not_null(mem);
	cr_assert_eq(nlrs_stack_init(&S, &c, mem, need), 0);
	NOW = NLRS_SEC(10);
	struct nlrs_iface_config ic = {
		.name = "eth0",
		.link = NLRS_LINK_ETHERNET,
		.mtu = 1500,
		.transmit = capture,
		.ctx = (void *)(intptr_t)0,
	};
	memcpy(ic.mac, OUR_MAC, 6);
	IFX = nlrs_iface_add(S, &ic);
	cr_assert_eq(IFX, 0);
	cr_assert_eq(nlrs_iface_addr_add(S, IFX, OUR_IP, 24), 0);
	cr_assert_eq(nlrs_iface_set_up(S, IFX, true), 0);
	h_poll();
	h_clear();
}

int h_add_if1(void)
{
	struct nlrs_iface_config ic = {
		.name = "eth1",
		.link = NLRS_LINK_ETHERNET,
		.mtu = 1500,
		.transmit = capture,
	};
	memcpy(ic.mac, IF1_MAC, 6);
	int ifx = nlrs_iface_add(S, &ic);
	cr_assert_geq(ifx, 0);
	S->ifaces[ifx].ctx = (void *)(intptr_t)ifx;
	cr_assert_eq(nlrs_iface_addr_add(S, ifx, IF1_IP, 24), 0);
	cr_assert_eq(nlrs_iface_set_up(S, ifx, true), 0);
	h_clear();
	return ifx;
}

static void stop(void)
{
	if (!S)
		return;
	nlrs_stack_fini(S);
	cr_assert_eq(S->wheel.count, 0, "timers still armed after fini: %u", S->wheel.count);
	uint32_t avail = S->pool.avail, count = S->pool.count;
	free(mem);
	mem = NULL;
	S = NULL;
	cr_assert_eq(avail, count, "pool not back to its start level: %u of %u buffers free", avail,
		     count);
}

void h_setup(void)
{
	h_start(NULL);
}

void h_setup_peer(void)
{
	h_start(NULL);
	h_learn_peer();
}

void h_end(void)
{
	stop();
}

void h_teardown(void)
{
	/* Only reached with a live stack when the test failed already. */
	if (S) {
		nlrs_stack_fini(S);
		free(mem);
		mem = NULL;
		S = NULL;
	}
	free(TX);
	TX = NULL;
}

void h_restart(const struct nlrs_stack_config *cfg)
{
	stop();
	h_start(cfg);
}

void h_clear(void)
{
	NTX = 0;
}

void h_poll(void)
{
	nlrs_stack_poll(S, NOW);
}

void h_advance(nlrs_time_t dt)
{
	NOW += dt;
	nlrs_stack_poll(S, NOW);
}

void h_inject_on(int ifx, const void *frame, size_t len)
{
	struct nlrs_buf *b = nlrs_buf_from(nlrs_stack_pool(S), 0, frame, len);
	cr_assert_not_null(b, "pool empty while injecting");
	nlrs_stack_input(S, ifx, b, NOW);
}

void h_inject(const void *frame, size_t len)
{
	h_inject_on(IFX, frame, len);
}

size_t h_eth(uint8_t *out, const uint8_t dst[6], const uint8_t src[6], uint16_t type,
	     const void *payload, size_t plen)
{
	struct nlrs_eth_hdr eh = { .type = type };
	memcpy(eh.dst, dst, 6);
	memcpy(eh.src, src, 6);
	cr_assert_eq(nlrs_eth_emit(out, NLRS_ETH_HLEN, &eh), NLRS_ETH_HLEN);
	if (plen)
		memcpy(out + NLRS_ETH_HLEN, payload, plen);
	return NLRS_ETH_HLEN + plen;
}

size_t h_arp(uint8_t *out, const uint8_t edst[6], const uint8_t esrc[6], uint16_t op,
	     const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
	struct nlrs_arp_pkt a = { .op = op, .spa = spa, .tpa = tpa };
	uint8_t p[NLRS_ARP_LEN];
	memcpy(a.sha, sha, 6);
	memcpy(a.tha, tha, 6);
	cr_assert_eq(nlrs_arp_emit(p, sizeof p, &a), NLRS_ARP_LEN);
	return h_eth(out, edst, esrc, NLRS_ETHERTYPE_ARP, p, sizeof p);
}

void h_learn_on(int ifx, uint32_t ip, const uint8_t mac[6], uint32_t our_ip)
{
	uint8_t f[64];
	const uint8_t *ours = ifx == IFX ? OUR_MAC : S->ifaces[ifx].mac;
	size_t n = h_arp(f, ours, mac, NLRS_ARP_REPLY, mac, ip, ours, our_ip);
	unsigned before = h_count_arp();
	h_inject_on(ifx, f, n);
	cr_assert_eq(h_count_arp(), before, "an ARP reply must not be answered");
}

void h_learn_peer(void)
{
	h_learn_on(IFX, PEER_IP, PEER_MAC, OUR_IP);
}

size_t h_ipv4(uint8_t *out, const struct h_ip *ip, const void *payload, size_t plen)
{
	struct nlrs_ipv4_hdr h = {
		.tos = ip->tos,
		.tot_len = (uint16_t)(NLRS_IPV4_HLEN + ip->optlen + plen),
		.id = ip->id,
		.df = ip->df,
		.mf = ip->mf,
		.frag_off = ip->frag_off,
		.ttl = ip->ttl,
		.proto = ip->proto,
		.src = ip->src,
		.dst = ip->dst,
		.opts = ip->opts,
		.optlen = ip->optlen,
	};
	int hl = nlrs_ipv4_emit(out, NLRS_IPV4_MAX_HLEN, &h);
	cr_assert_gt(hl, 0);
	if (plen)
		memcpy(out + hl, payload, plen);
	return (size_t)hl + plen;
}

void h_inject_ip_to(const uint8_t edst[6], const struct h_ip *ip, const void *payload, size_t plen)
{
	uint8_t *f = malloc(NLRS_ETH_HLEN + NLRS_IPV4_MAX_HLEN + plen);
	cr_assert_not_null(f);
	size_t n = h_ipv4(f + NLRS_ETH_HLEN, ip, payload, plen);
	h_eth(f, edst, PEER_MAC, NLRS_ETHERTYPE_IPV4, NULL, 0);
	h_inject(f, NLRS_ETH_HLEN + n);
	free(f);
}

void h_inject_ip(const struct h_ip *ip, const void *payload, size_t plen)
{
	h_inject_ip_to(OUR_MAC, ip, payload, plen);
}

struct h_ip h_ip_from_peer(uint8_t proto)
{
	struct h_ip ip = { .src = PEER_IP, .dst = OUR_IP, .proto = proto, .ttl = 64, .id = 1 };
	return ip;
}

size_t h_icmp(uint8_t *out, uint8_t type, uint8_t code, uint32_t rest, const void *data, size_t n)
{
	out[0] = type;
	out[1] = code;
	nlrs_wr16(out + 2, 0);
	nlrs_wr32(out + 4, rest);
	if (n)
		memcpy(out + 8, data, n);
	nlrs_wr16(out + 2, nlrs_csum_fold(nlrs_csum_add(0, out, 8 + n)));
	return 8 + n;
}

size_t h_echo(uint8_t *out, uint16_t id, uint16_t seq, const void *data, size_t n)
{
	return h_icmp(out, NLRS_ICMP_ECHO, 0, (uint32_t)id << 16 | seq, data, n);
}

size_t h_udp(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
	     const void *data, size_t n)
{
	struct nlrs_udp_hdr uh = { .sport = sport, .dport = dport, .len = (uint16_t)(8 + n) };
	cr_assert_eq(nlrs_udp_emit(out, 8, &uh), 8);
	if (n)
		memcpy(out + 8, data, n);
	uint32_t sum = nlrs_csum_pseudo4(src, dst, NLRS_IPPROTO_UDP, (uint32_t)(8 + n));
	uint16_t c = nlrs_csum_fold(nlrs_csum_add(sum, out, 8 + n));
	nlrs_wr16(out + 6, c ? c : 0xffff);
	return 8 + n;
}

unsigned h_fragments(const struct h_ip *ip, const uint8_t *payload, size_t plen, size_t fragsize,
		     const unsigned *order, unsigned n)
{
	cr_assert_eq(fragsize % 8, 0);
	unsigned total = (unsigned)((plen + fragsize - 1) / fragsize);
	for (unsigned k = 0; k < n; k++) {
		unsigned i = order ? order[k] : k;
		cr_assert_lt(i, total);
		size_t off = (size_t)i * fragsize;
		size_t len = plen - off < fragsize ? plen - off : fragsize;
		struct h_ip f = *ip;
		f.frag_off = (uint16_t)(ip->frag_off + off);
		f.mf = i + 1 < total ? true : ip->mf;
		h_inject_ip(&f, payload + off, len);
	}
	return total;
}

void h_pattern(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7u + (i >> 8) * 13u + seed * 31u + 1u);
}

void h_parse(unsigned i, struct h_rx *r)
{
	cr_assert_lt(i, NTX, "frame %u not captured (only %u)", i, NTX);
	const struct h_frame *f = &TX[i];
	memset(r, 0, sizeof(*r));
	int hl = nlrs_eth_parse(f->d, f->len, &r->eth);
	cr_assert_eq(hl, NLRS_ETH_HLEN, "frame %u: bad Ethernet header", i);
	cr_assert_geq(f->len, 60, "frame %u: %zu bytes, below the Ethernet minimum", i, f->len);
	cr_assert_eq(memcmp(r->eth.src, f->ifx == IFX ? OUR_MAC : IF1_MAC, 6), 0,
		     "frame %u: wrong source MAC", i);
	const uint8_t *p = f->d + hl;
	size_t n = f->len - (size_t)hl;
	if (r->eth.type == NLRS_ETHERTYPE_ARP) {
		r->is_arp = true;
		cr_assert_eq(nlrs_arp_parse(p, n, &r->arp), NLRS_ARP_LEN, "frame %u: bad ARP", i);
	} else if (r->eth.type == NLRS_ETHERTYPE_IPV4) {
		r->is_ip = true;
		int ihl = nlrs_ipv4_parse(p, n, &r->ip, true);
		cr_assert_gt(ihl, 0, "frame %u: bad IPv4 header (%d)", i, ihl);
		r->l3 = p;
		r->l4 = p + ihl;
		r->l4len = r->ip.tot_len - (size_t)ihl;
	} else {
		cr_assert_fail("frame %u: unexpected EtherType %#x", i, r->eth.type);
	}
}

unsigned h_count_arp(void)
{
	unsigned c = 0;
	for (unsigned i = 0; i < NTX; i++)
		if (TX[i].len >= 14 && nlrs_rd16(TX[i].d + 12) == NLRS_ETHERTYPE_ARP)
			c++;
	return c;
}

unsigned h_count_ip(void)
{
	unsigned c = 0;
	for (unsigned i = 0; i < NTX; i++)
		if (TX[i].len >= 14 && nlrs_rd16(TX[i].d + 12) == NLRS_ETHERTYPE_IPV4)
			c++;
	return c;
}

int h_nth_ip(unsigned n)
{
	for (unsigned i = 0; i < NTX; i++)
		if (TX[i].len >= 14 && nlrs_rd16(TX[i].d + 12) == NLRS_ETHERTYPE_IPV4 && n-- == 0)
			return (int)i;
	return -1;
}

size_t h_reassemble(uint8_t proto, uint16_t id, uint16_t mtu, uint8_t *out, size_t cap,
		    unsigned *nfrag, struct nlrs_ipv4_hdr *first)
{
	size_t have = 0, total = 0;
	unsigned n = 0;
	bool seen_last = false, seen_first = false;
	uint8_t *mark = calloc(cap ? cap : 1, 1);
	cr_assert_not_null(mark);
	for (unsigned i = 0; i < NTX; i++) {
		if (nlrs_rd16(TX[i].d + 12) != NLRS_ETHERTYPE_IPV4)
			continue;
		struct h_rx r;
		h_parse(i, &r);
		if (r.ip.proto != proto || r.ip.id != id)
			continue;
		n++;
		cr_assert_leq(r.ip.tot_len, mtu, "fragment of %u bytes over MTU %u", r.ip.tot_len,
			      mtu);
		cr_assert_eq(r.ip.frag_off % 8, 0);
		if (r.ip.mf)
			cr_assert_eq(r.l4len % 8, 0, "non-final fragment of %zu bytes", r.l4len);
		else {
			cr_assert_not(seen_last, "two last fragments");
			seen_last = true;
			total = r.ip.frag_off + r.l4len;
		}
		if (r.ip.frag_off == 0) {
			seen_first = true;
			if (first)
				*first = r.ip;
		}
		cr_assert_leq(r.ip.frag_off + r.l4len, cap);
		for (size_t k = 0; k < r.l4len; k++) {
			cr_assert_not(mark[r.ip.frag_off + k], "overlap at %zu", r.ip.frag_off + k);
			mark[r.ip.frag_off + k] = 1;
		}
		memcpy(out + r.ip.frag_off, r.l4, r.l4len);
		have += r.l4len;
	}
	free(mark);
	cr_assert(seen_first && seen_last, "first or last fragment missing");
	cr_assert_eq(have, total, "gap: %zu of %zu bytes", have, total);
	if (nfrag)
		*nfrag = n;
	return total;
}

bool h_csum_ok(const void *p, size_t n)
{
	return nlrs_csum_fold(nlrs_csum_add(0, p, n)) == 0;
}

bool h_udp_csum_ok(uint32_t src, uint32_t dst, const uint8_t *udp, size_t n)
{
	uint32_t sum = nlrs_csum_pseudo4(src, dst, NLRS_IPPROTO_UDP, (uint32_t)n);
	return nlrs_csum_fold(nlrs_csum_add(sum, udp, n)) == 0;
}
