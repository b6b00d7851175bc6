/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A stack instance: configuration, the one-time carving of the caller's
 * memory into pools and tables, the poll loop, and small shared helpers
 * (random numbers, token buckets, chain checksums).
 */
#include "core.h"
#include "tcp.h"
#include "wire/checksum.h"

void nlrs_stack_config_default(struct nlrs_stack_config *c)
{
	nlrs_memset(c, 0, sizeof(*c));
	c->buffers = 2048;
	c->buf_size = 2048;
	c->max_ifaces = 8;
	c->routes = 64;
	c->arp_entries = 128;
	c->arp_queue_len = 64;
	c->arp_retries = 3;
	c->arp_rate = 100;
	c->arp_reachable = NLRS_SEC(60);
	c->arp_retry = NLRS_SEC(1);
	c->reasm_slots = 16;
	c->reasm_max_bytes = 512u * 1024u;
	c->reasm_timeout = NLRS_SEC(30);
	c->sockets = 256;
	c->sock_rcvbuf = 212992;
	c->ttl = 64;
	c->forwarding = false;
	c->icmp_rate = 1000;
	c->icmp_burst = 50;
	c->tcp_conns = 512;
	c->tcp_sndbuf = 262144;
	c->tcp_rcvbuf = 131072;
	c->tcp_rmem_max = 4u << 20;
	c->tcp_wmem_max = 4u << 20;
	c->tcp_msl = NLRS_SEC(30);
	c->tcp_mss_default = 536;
	c->tcp_syncookies = true;
	c->tcp_cc = NLRS_CC_CUBIC;
}

#define ALIGN16(x) (((x) + 15u) & ~(size_t)15u)

struct layout {
	size_t stack, ifaces, routes, arp, reasm, socks, tcbs, tcp_hash, pool, total;
	uint32_t hash_size;
};

static void compute_layout(const struct nlrs_stack_config *c, struct layout *l)
{
	size_t off = 0;
	l->stack = off;
	off = ALIGN16(off + sizeof(struct nlrs_stack));
	l->ifaces = off;
	off = ALIGN16(off + (size_t)c->max_ifaces * sizeof(struct nlrs_iface));
	l->routes = off;
	off = ALIGN16(off + (size_t)c->routes * sizeof(struct nlrs_route));
	l->arp = off;
	off = ALIGN16(off + (size_t)c->arp_entries * sizeof(struct nlrs_arp_entry));
	l->reasm = off;
	off = ALIGN16(off + (size_t)c->reasm_slots * sizeof(struct nlrs_reasm));
	l->socks = off;
	off = ALIGN16(off + (size_t)c->sockets * sizeof(struct nlrs_sock));
	l->tcbs = off;
	/* one extra block: the scratch for stateless SYN-ACKs */
	off = ALIGN16(off + ((size_t)c->tcp_conns + 1u) * sizeof(struct nlrs_tcb));
	l->hash_size = 16;
	while (l->hash_size < c->tcp_conns)
		l->hash_size <<= 1;
	l->tcp_hash = off;
	off = ALIGN16(off + (size_t)l->hash_size * sizeof(struct nlrs_tcb *));
	off = (off + 63u) & ~(size_t)63u;
	l->pool = off;
	off += nlrs_pool_mem_size(c->buffers, c->buf_size);
	l->total = off + 64; /* slack to align a caller's 16-aligned block to 64 */
}

static int config_check(const struct nlrs_stack_config *c)
{
	if (c->buffers < 16 || c->buf_size < 1600 || c->max_ifaces < 1 || c->max_ifaces > 255 ||
	    c->routes < 1 || c->arp_entries < 1 || c->arp_queue_len < 1 || c->arp_retries < 1 ||
	    c->reasm_slots < 1 || c->sockets < 1 || c->sockets > 32767 || c->ttl < 1 ||
	    c->icmp_burst < 1 || c->arp_rate < 1 || c->reasm_timeout < NLRS_MSEC(1) ||
	    c->tcp_conns < 1 || c->tcp_sndbuf < 4096 ||
	    c->tcp_rcvbuf < 4096 || c->tcp_rmem_max < c->tcp_rcvbuf ||
	    c->tcp_wmem_max < c->tcp_sndbuf || c->tcp_msl < NLRS_MSEC(1) ||
	    c->tcp_mss_default < 64 || c->tcp_cc > NLRS_CC_BBR)
		return -NLRS_EINVAL;
	return 0;
}

size_t nlrs_stack_mem_size(const struct nlrs_stack_config *cfg)
{
	struct layout l;
	if (config_check(cfg))
		return 0;
	compute_layout(cfg, &l);
	return l.total;
}

static void rng_seed(struct nlrs_stack *s)
{
	s->rng[0] = 0x9e3779b97f4a7c15ull;
	s->rng[1] = 0xbf58476d1ce4e5b9ull;
	if (s->cfg.port.random) {
		uint64_t seed[2];
		s->cfg.port.random(s->cfg.port.ctx, seed, sizeof(seed));
		s->rng[0] ^= seed[0];
		s->rng[1] ^= seed[1];
	}
	if (!s->rng[0] && !s->rng[1])
		s->rng[0] = 1;
}

/* xorshift128+: not for secrets (ISNs get a keyed hash with the TCP issue),
 * only for IP IDs, ephemeral ports and jitter. */
uint32_t nlrs__rand32(struct nlrs_stack *s)
{
	uint64_t x = s->rng[0];
	uint64_t const y = s->rng[1];
	s->rng[0] = y;
	x ^= x << 23;
	s->rng[1] = x ^ y ^ (x >> 17) ^ (y >> 26);
	return (uint32_t)((s->rng[1] + y) >> 32);
}

int nlrs_stack_init(struct nlrs_stack **out, const struct nlrs_stack_config *cfg, void *mem,
		    size_t memlen)
{
	struct layout l;
	if (!out || !cfg || !mem || config_check(cfg))
		return -NLRS_EINVAL;
	compute_layout(cfg, &l);
	if (memlen < l.total || ((uintptr_t)mem & 15u))
		return -NLRS_ENOMEM;
	uint8_t *base = mem;
	nlrs_memset(base, 0, l.pool);
	struct nlrs_stack *s = (struct nlrs_stack *)(void *)(base + l.stack);
	s->cfg = *cfg;
	s->ifaces = (struct nlrs_iface *)(void *)(base + l.ifaces);
	s->routes = (struct nlrs_route *)(void *)(base + l.routes);
	s->arp = (struct nlrs_arp_entry *)(void *)(base + l.arp);
	s->reasm = (struct nlrs_reasm *)(void *)(base + l.reasm);
	s->socks = (struct nlrs_sock *)(void *)(base + l.socks);
	s->tcbs = (struct nlrs_tcb *)(void *)(base + l.tcbs);
	s->tcp_scratch = &s->tcbs[cfg->tcp_conns];
	s->tcp_hash = (struct nlrs_tcb **)(void *)(base + l.tcp_hash);
	s->tcp_hash_mask = l.hash_size - 1u;
	uint8_t *pmem = base + l.pool;
	pmem = (uint8_t *)(((uintptr_t)pmem + 63u) & ~(uintptr_t)63u);
	int rc = nlrs_pool_init(&s->pool, pmem, nlrs_pool_mem_size(cfg->buffers, cfg->buf_size),
				cfg->buffers, cfg->buf_size);
	if (rc)
		return rc;
	nlrs__wheel_init(&s->wheel, 0);
	rng_seed(s);
	s->ip_id = (uint16_t)nlrs__rand32(s);
	s->next_port = (uint16_t)(49152u + nlrs__rand32(s) % 16384u);
	s->icmp_bucket.tokens = (uint32_t)cfg->icmp_burst * 1000u;
	s->arp_bucket.tokens = (uint32_t)cfg->arp_rate * 1000u;
	for (unsigned i = 0; i < cfg->arp_entries; i++) {
		s->arp[i].stack = s;
		s->arp[i].ifindex = -1;
	}
	for (unsigned i = 0; i < cfg->reasm_slots; i++)
		s->reasm[i].stack = s;
	nlrs__tcp_init(s);
	*out = s;
	return 0;
}

void nlrs_stack_fini(struct nlrs_stack *s)
{
	for (unsigned i = 0; i < s->cfg.sockets; i++)
		if (s->socks[i].type)
			nlrs_sock_close(s, (int)i);
	nlrs__tcp_fini(s);
	for (int i = 0; i < s->cfg.max_ifaces; i++)
		if (s->ifaces[i].used)
			nlrs__arp_flush_iface(s, i);
	nlrs__reasm_flush(s);
	nlrs_buf_free_queue(s->loopq_head);
	s->loopq_head = s->loopq_tail = NULL;
}

struct nlrs_pool *nlrs_stack_pool(struct nlrs_stack *s)
{
	return &s->pool;
}

static void clock_advance(struct nlrs_stack *s, nlrs_time_t now)
{
	if (now > s->now)
		s->now = now;
}

nlrs_time_t nlrs_stack_poll(struct nlrs_stack *s, nlrs_time_t now)
{
	clock_advance(s, now);
	nlrs__wheel_run(&s->wheel, s->now);

	/* Deliver what we sent to ourselves. Take the queue as it is now:
	 * replies generated during delivery wait for the next poll, so a
	 * ping-pong between two local sockets cannot spin here forever. */
	struct nlrs_buf *q = s->loopq_head;
	s->loopq_head = s->loopq_tail = NULL;
	while (q) {
		struct nlrs_buf *b = q;
		q = q->qnext;
		b->qnext = NULL;
		nlrs__ip_input(s, b->ifindex, b);
	}
	if (s->loopq_head)
		return s->now;
	return nlrs__wheel_next(&s->wheel);
}

bool nlrs__bucket_take(struct nlrs_bucket *b, nlrs_time_t now, uint32_t rate, uint32_t burst)
{
	uint64_t cap = (uint64_t)burst * 1000u;
	if (now > b->last) {
		/* rate tokens per second = rate milli-tokens per millisecond.
		 * Advance `last` only by the time actually converted, so that
		 * frequent calls do not throw fractions of a token away. */
		uint64_t add = (now - b->last) * rate / 1000u;
		uint64_t t = b->tokens + add;
		if (t >= cap) {
			b->tokens = (uint32_t)cap;
			b->last = now;
		} else if (add) {
			b->tokens = (uint32_t)t;
			b->last += (add * 1000u + rate - 1) / rate; /* round up: never mint twice */
		}
	}
	if (b->tokens < 1000u)
		return false;
	b->tokens -= 1000u;
	return true;
}

uint32_t nlrs__buf_csum(const struct nlrs_buf *b, size_t off, size_t len, uint32_t sum)
{
	/* RFC 1071: a segment that starts at an odd offset of the whole sum
	 * contributes its bytes swapped; fold that in with a byte swap. */
	size_t pos = 0;
	for (; b && len; b = b->next) {
		if (off >= b->len) {
			off -= b->len;
			continue;
		}
		size_t k = b->len - off;
		if (k > len)
			k = len;
		uint32_t part = nlrs_csum_add(0, b->data + off, k);
		if (pos & 1) {
			part = (part & 0xffffu) + (part >> 16);
			part = (part & 0xffffu) + (part >> 16);
			part = ((part & 0xffu) << 8) | (part >> 8);
		}
		sum += part;
		if (sum < part)
			sum++;
		pos += k;
		len -= k;
		off = 0;
	}
	return sum;
}

void nlrs__log(struct nlrs_stack *s, int level, const char *msg, uint32_t a, uint32_t b)
{
	if (s->cfg.port.log)
		s->cfg.port.log(s->cfg.port.ctx, level, msg, a, b);
}

void nlrs_stack_pool_info(const struct nlrs_stack *s, struct nlrs_pool_info *out)
{
	out->count = s->pool.count;
	out->avail = s->pool.avail;
	out->min_avail = s->pool.min_avail;
	out->bufsize = s->pool.bufsize;
	out->alloc_fail = s->pool.alloc_fail;
}

void nlrs_stack_input(struct nlrs_stack *s, int ifindex, struct nlrs_buf *frame, nlrs_time_t now)
{
	clock_advance(s, now);
	/* Let timers that are already due act before new input is judged. */
	if (s->wheel.count)
		nlrs__wheel_run(&s->wheel, s->now);
	struct nlrs_iface *ifp = nlrs__iface(s, ifindex);
	NLRS_INC(s, link_rx);
	if (!ifp) {
		NLRS_INC(s, link_rx_iface_down);
		nlrs_buf_free(frame);
		return;
	}
	ifp->rx_packets++;
	ifp->rx_bytes += frame->tot_len;
	if (!ifp->up) {
		NLRS_INC(s, link_rx_iface_down);
		ifp->rx_drops++;
		nlrs_buf_free(frame);
		return;
	}
	frame->ifindex = (uint16_t)ifindex;
	frame->qnext = NULL;
	if (ifp->link == NLRS_LINK_ETHERNET)
		nlrs__eth_input(s, ifindex, frame);
	else
		nlrs__ip_input(s, ifindex, frame);
}
