/* SPDX-License-Identifier: BSD-2-Clause */
#include "seg.h"

#include <stdlib.h>

#include "wire/checksum.h"

struct nlrs_stack *S;
int SIF;
nlrs_time_t NOW;
nlrs_time_t HS_RTT;
uint32_t CAP_TSVAL;

static void *mem;

#define CAP_MAX 8192u

static struct cap caps[CAP_MAX];
static unsigned cap_head, cap_tail; /* FIFO [head, tail) */
static struct cap cur;              /* the one handed out by cap_next */

static void parse(struct cap *c)
{
	c->tcp = false;
	int hl = nlrs_ipv4_parse(c->pkt, c->len, &c->ip, true);
	cr_assert(hl > 0, "the stack sent a bad IPv4 header (%d)", hl);
	if (c->ip.proto != NLRS_IPPROTO_TCP)
		return;
	size_t tlen = (size_t)c->ip.tot_len - (size_t)hl;
	const uint8_t *t = c->pkt + hl;
	int th = nlrs_tcp_parse(t, tlen, &c->th);
	cr_assert(th > 0, "the stack sent a bad TCP header (%d)", th);
	cr_assert_eq(nlrs_tcp_opts_parse(c->th.opts, c->th.optlen, &c->o), 0,
		     "the stack sent bad TCP options");
	uint32_t sum = nlrs_csum_pseudo4(c->ip.src, c->ip.dst, NLRS_IPPROTO_TCP, (uint32_t)tlen);
	c->csum_ok = nlrs_csum_fold(nlrs_csum_add(sum, t, tlen)) == 0;
	cr_assert(c->csum_ok, "the stack sent a bad TCP checksum");
	c->tcp = true;
	c->seq = c->th.seq;
	c->ack = c->th.ack;
	c->flags = c->th.flags;
	c->win = c->th.window;
	c->data = t + th;
	c->dlen = (uint32_t)(tlen - (size_t)th);
	if (c->o.has_ts)
		CAP_TSVAL = c->o.tsval;
}

static int xmit(void *ctx, struct nlrs_buf *frame)
{
	(void)ctx;
	size_t len = frame->tot_len;
	cr_assert(cap_tail - cap_head < CAP_MAX, "capture overflow");
	struct cap *c = &caps[cap_tail % CAP_MAX];
	memset(c, 0, sizeof(*c));
	c->pkt = malloc(len ? len : 1);
	c->len = len;
	c->at = NOW;
	nlrs_buf_copy_out(frame, 0, c->pkt, len);
	nlrs_buf_free(frame);
	parse(c);
	cap_tail++;
	return 0;
}

static void rnd(void *ctx, void *out, size_t len)
{
	static uint32_t x = 0x2545f491u;
	(void)ctx;
	uint8_t *o = out;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		o[i] = (uint8_t)x;
	}
}

void seg_start(const struct nlrs_stack_config *cfg)
{
	struct nlrs_stack_config c;
	if (cfg)
		c = *cfg;
	else
		nlrs_stack_config_default(&c);
	c.port.random = rnd;
	NOW = NLRS_SEC(1);
	HS_RTT = NLRS_MSEC(10);
	cap_head = cap_tail = 0;
	CAP_TSVAL = 0;
	size_t need = nlrs_stack_mem_size(&c);
	cr_assert(need > 0);
	mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
	cr_assert_eq(nlrs_stack_init(&S, &c, mem, need), 0);
	struct nlrs_iface_config ic = { .name = "seg0", .link = NLRS_LINK_RAWIP, .mtu = 1500,
					.transmit = xmit };
	SIF = nlrs_iface_add(S, &ic);
	cr_assert(SIF >= 0);
	cr_assert_eq(nlrs_iface_addr_add(S, SIF, LOCAL_IP, 24), 0);
	cr_assert_eq(nlrs_iface_set_up(S, SIF, true), 0);
	nlrs_stack_poll(S, NOW);
	cap_clear();
}

void cap_clear(void)
{
	for (; cap_head != cap_tail; cap_head++)
		free(caps[cap_head % CAP_MAX].pkt);
	free(cur.pkt);
	memset(&cur, 0, sizeof(cur));
}

void seg_end(void)
{
	cap_clear();
	nlrs_stack_fini(S);
	struct nlrs_pool_info pi;
	nlrs_stack_pool_info(S, &pi);
	cr_assert_eq(pi.avail, pi.count, "%u of %u buffers back in the pool", pi.avail, pi.count);
	free(mem);
	mem = NULL;
}

unsigned cap_count(void)
{
	return cap_tail - cap_head;
}

const struct cap *cap_next(void)
{
	free(cur.pkt);
	memset(&cur, 0, sizeof(cur));
	if (cap_head == cap_tail)
		return NULL;
	cur = caps[cap_head % CAP_MAX];
	cap_head++;
	/* data points into pkt, which moved with the struct copy: fine, the
	 * pointer itself is unchanged (pkt is heap memory). */
	return &cur;
}

const struct cap *cap_tcp(void)
{
	for (;;) {
		const struct cap *c = cap_next();
		cr_assert(c, "expected a TCP segment from the stack, none was sent");
		if (c->tcp)
			return c;
	}
}

void seg_run_until(nlrs_time_t t)
{
	for (unsigned guard = 0; guard < 10000000u; guard++) {
		nlrs_time_t next = nlrs_stack_poll(S, NOW);
		if (next <= NOW)
			next = NOW + 1;
		if (next > t) {
			NOW = t;
			nlrs_stack_poll(S, NOW);
			return;
		}
		NOW = next;
	}
	cr_assert_fail("the clock did not reach its target");
}

void seg_advance(nlrs_time_t dt)
{
	seg_run_until(NOW + dt);
}

bool seg_run_until_tx(nlrs_time_t limit)
{
	for (unsigned guard = 0; guard < 10000000u; guard++) {
		nlrs_time_t next = nlrs_stack_poll(S, NOW);
		if (cap_count())
			return true;
		if (next <= NOW)
			next = NOW + 1;
		if (next > limit) {
			NOW = limit;
			nlrs_stack_poll(S, NOW);
			return cap_count() > 0;
		}
		NOW = next;
	}
	cr_assert_fail("the clock did not reach its target");
	return false;
}

uint64_t seg_counter(const char *name)
{
	uint64_t v = nlrs_counter_by_name(S, name);
	cr_assert_neq(v, UINT64_MAX, "no counter %s", name);
	return v;
}

/* ---- injection ---- */

void seg_inject_raw(const uint8_t *pkt, size_t len)
{
	struct nlrs_buf *b = nlrs_buf_from(nlrs_stack_pool(S), 64, pkt, len);
	cr_assert(b, "pool empty");
	nlrs_stack_input(S, SIF, b, NOW);
}

void seg_inject(const struct tseg *t)
{
	uint8_t pkt[20 + 60 + 65536];
	uint8_t opts[NLRS_TCP_MAX_OPTLEN];
	int optlen;
	if (t->rawopts) {
		cr_assert(t->rawlen <= sizeof(opts) && t->rawlen % 4 == 0);
		memcpy(opts, t->rawopts, t->rawlen);
		optlen = t->rawlen;
	} else {
		optlen = nlrs_tcp_opts_emit(opts, sizeof(opts), &t->o);
		cr_assert(optlen >= 0, "options do not fit (%d)", optlen);
	}
	size_t tlen = NLRS_TCP_HLEN + (size_t)optlen + t->len;
	cr_assert(20 + tlen <= sizeof(pkt));
	struct nlrs_ipv4_hdr ih = {
		.tot_len = (uint16_t)(20 + tlen),
		.id = 1,
		.df = 1,
		.ttl = 64,
		.proto = NLRS_IPPROTO_TCP,
		.src = t->src ? t->src : PEER_IP,
		.dst = t->dst ? t->dst : LOCAL_IP,
	};
	cr_assert_eq(nlrs_ipv4_emit(pkt, 20, &ih), 20);
	struct nlrs_tcp_hdr th = {
		.sport = t->sport,
		.dport = t->dport,
		.seq = t->seq,
		.ack = t->ack,
		.flags = t->flags,
		.window = t->win,
		.urg = t->urg,
		.opts = opts,
		.optlen = (uint8_t)optlen,
	};
	cr_assert(nlrs_tcp_emit(pkt + 20, tlen, &th) > 0);
	if (t->len)
		memcpy(pkt + 20 + NLRS_TCP_HLEN + optlen, t->data, t->len);
	uint32_t sum = nlrs_csum_pseudo4(ih.src, ih.dst, NLRS_IPPROTO_TCP, (uint32_t)tlen);
	uint16_t c = nlrs_csum_fold(nlrs_csum_add(sum, pkt + 20, tlen));
	if (t->bad_csum)
		c ^= 0x5a5a;
	pkt[20 + 16] = (uint8_t)(c >> 8);
	pkt[20 + 17] = (uint8_t)c;
	seg_inject_raw(pkt, 20 + tlen);
}

void seg_inject_frag_needed(const struct cap *orig, uint16_t mtu)
{
	uint8_t pkt[20 + 8 + 60 + 60];
	size_t qlen = orig->len < 60u + 20u ? orig->len : 80u;
	if (qlen > sizeof(pkt) - 28)
		qlen = sizeof(pkt) - 28;
	struct nlrs_ipv4_hdr ih = {
		.tot_len = (uint16_t)(28 + qlen),
		.id = 2,
		.ttl = 64,
		.proto = NLRS_IPPROTO_ICMP,
		.src = NLRS_IP4(192, 0, 2, 254), /* a router on the path */
		.dst = LOCAL_IP,
	};
	cr_assert_eq(nlrs_ipv4_emit(pkt, 20, &ih), 20);
	uint8_t *ic = pkt + 20;
	memset(ic, 0, 8);
	ic[0] = 3; /* destination unreachable */
	ic[1] = 4; /* fragmentation needed and DF set (RFC 1191 4) */
	ic[6] = (uint8_t)(mtu >> 8);
	ic[7] = (uint8_t)mtu;
	memcpy(ic + 8, orig->pkt, qlen);
	uint16_t c = nlrs_csum_fold(nlrs_csum_add(0, ic, 8 + qlen));
	ic[2] = (uint8_t)(c >> 8);
	ic[3] = (uint8_t)c;
	seg_inject_raw(pkt, 28 + qlen);
}

/* ---- the peer ---- */

void peer_init(struct peer *p)
{
	memset(p, 0, sizeof(*p));
	p->port = 40000;
	p->iss = 0x10000000u;
	p->snd_nxt = p->iss;
	p->win = 65535;
	p->mss = 1460;
	p->ws = 7;
	p->sack = true;
	p->ts = true;
	p->ts_base = 0x01000000u;
	p->sd = p->lsd = -1;
}

static uint32_t peer_tsval(const struct peer *p)
{
	return p->ts_base + (uint32_t)(NOW / 1000u);
}

struct tseg peer_seg(const struct peer *p, uint16_t flags)
{
	struct tseg t = {
		.sport = p->port,
		.dport = p->sport,
		.seq = p->snd_nxt,
		.ack = (flags & NLRS_TCP_ACK) ? p->rcv_nxt : 0,
		.flags = flags,
		.win = p->win,
	};
	if (flags & NLRS_TCP_SYN) {
		if (p->mss) {
			t.o.has_mss = true;
			t.o.mss = p->mss;
		}
		if (p->ws >= 0) {
			t.o.has_wscale = true;
			t.o.wscale = (uint8_t)p->ws;
		}
		t.o.sack_ok = p->sack;
		if (p->ts) {
			t.o.has_ts = true;
			t.o.tsval = peer_tsval(p);
			t.o.tsecr = (flags & NLRS_TCP_ACK) ? CAP_TSVAL : 0;
		}
	} else if (p->ts && p->st_ts) {
		t.o.has_ts = true;
		t.o.tsval = peer_tsval(p);
		t.o.tsecr = CAP_TSVAL;
	}
	return t;
}

void peer_send(struct peer *p, uint16_t flags, const void *data, size_t len)
{
	struct tseg t = peer_seg(p, flags);
	t.data = data;
	t.len = len;
	p->snd_nxt += (uint32_t)len + ((flags & NLRS_TCP_SYN) ? 1u : 0u) +
		      ((flags & NLRS_TCP_FIN) ? 1u : 0u);
	seg_inject(&t);
}

void peer_ack(struct peer *p)
{
	peer_send(p, NLRS_TCP_ACK, NULL, 0);
}

void peer_ack_to(struct peer *p, uint32_t ack)
{
	p->rcv_nxt = ack;
	peer_ack(p);
}

static void read_syn(struct peer *p, const struct cap *c)
{
	p->st_iss = c->seq;
	p->rcv_nxt = c->seq + 1u;
	p->st_ws = c->o.has_wscale ? c->o.wscale : 0;
	p->st_ts = c->o.has_ts;
	p->st_sack = c->o.sack_ok;
	p->st_mss = c->o.has_mss ? c->o.mss : 536;
}

int seg_passive_open(struct peer *p, uint16_t lport)
{
	p->sport = lport;
	if (p->lsd < 0) {
		p->lsd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
		cr_assert(p->lsd >= 0);
		struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = lport };
		cr_assert_eq(nlrs_sock_bind(S, p->lsd, &ep), 0);
		cr_assert_eq(nlrs_sock_listen(S, p->lsd, 8), 0);
	}
	peer_send(p, NLRS_TCP_SYN, NULL, 0);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_SYN | NLRS_TCP_ACK, "SYN-ACK expected, flags %#x", c->flags);
	cr_assert_eq(c->ack, p->iss + 1u);
	read_syn(p, c);
	peer_ack(p);
	p->sd = nlrs_sock_accept(S, p->lsd, NULL);
	cr_assert(p->sd >= 0, "accept failed: %d", p->sd);
	cr_assert_eq(seg_state(p->sd), NLRS_TCPS_ESTABLISHED);
	cap_clear();
	return p->sd;
}

int seg_active_open(struct peer *p)
{
	p->sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	cr_assert(p->sd >= 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = p->port, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_connect(S, p->sd, &ep), -NLRS_EINPROGRESS);
	const struct cap *c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_SYN);
	p->sport = c->th.sport;
	read_syn(p, c);
	seg_advance(HS_RTT);
	peer_send(p, NLRS_TCP_SYN | NLRS_TCP_ACK, NULL, 0);
	c = cap_tcp();
	cr_assert_eq(c->flags, NLRS_TCP_ACK, "the stack's ACK of the SYN-ACK, flags %#x", c->flags);
	cr_assert_eq(c->ack, p->iss + 1u);
	cr_assert_eq(seg_state(p->sd), NLRS_TCPS_ESTABLISHED);
	cap_clear();
	return p->sd;
}

int seg_state(int sd)
{
	struct nlrs_tcp_info ti;
	cr_assert_eq(nlrs_tcp_info(S, sd, &ti), 0);
	return ti.state;
}

struct nlrs_tcp_info seg_info(int sd)
{
	struct nlrs_tcp_info ti;
	cr_assert_eq(nlrs_tcp_info(S, sd, &ti), 0);
	return ti;
}

void seg_send(int sd, size_t n)
{
	static uint8_t buf[1u << 16];
	size_t done = 0;
	while (done < n) {
		size_t k = n - done > sizeof(buf) ? sizeof(buf) : n - done;
		for (size_t i = 0; i < k; i++)
			buf[i] = (uint8_t)(done + i);
		int r = nlrs_sock_send(S, sd, buf, k, 0);
		cr_assert_eq(r, (int)k, "send took %d of %zu", r, k);
		done += k;
	}
}

size_t seg_recv_all(int sd)
{
	static uint8_t buf[1u << 16];
	size_t got = 0;
	for (;;) {
		int r = nlrs_sock_recv(S, sd, buf, sizeof(buf), 0);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}
