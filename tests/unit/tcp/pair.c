/* SPDX-License-Identifier: BSD-2-Clause */
#include "pair.h"

#include <stdlib.h>

struct nlrs_stack *SA, *SB;
nlrs_time_t PNOW;
nlrs_time_t DELAY;
pair_filter_fn FILTER;
unsigned NPKT_AB, NPKT_BA;

static void *mem_a, *mem_b;
static int ifa, ifb;

#define QMAX 8192u
#define PKT_MAX 66000u

struct pkt {
	nlrs_time_t at;
	bool to_b;
	size_t len;
	uint8_t *d;
};

static struct pkt q[QMAX];
static unsigned qn;
static unsigned seen_ab, seen_ba;

#define HIST 64u
static uint8_t hist[2][HIST][2048];
static size_t hist_len[2][HIST];
static unsigned hist_n[2];

static int xmit(void *ctx, struct nlrs_buf *frame)
{
	bool from_a = ctx == (void *)&ifa;
	size_t len = frame->tot_len;
	cr_assert(len <= PKT_MAX);
	uint8_t *d = malloc(len ? len : 1);
	nlrs_buf_copy_out(frame, 0, d, len);
	nlrs_buf_free(frame);
	unsigned n = from_a ? seen_ab++ : seen_ba++;
	if (FILTER && !FILTER(from_a, d, len, n)) {
		free(d);
		return 0;
	}
	unsigned h = hist_n[from_a] % HIST;
	hist_len[from_a][h] = len < 2048 ? len : 2048;
	memcpy(hist[from_a][h], d, hist_len[from_a][h]);
	hist_n[from_a]++;
	if (from_a)
		NPKT_AB++;
	else
		NPKT_BA++;
	cr_assert(qn < QMAX, "wire queue overflow");
	q[qn++] = (struct pkt){ .at = PNOW + DELAY, .to_b = from_a, .len = len, .d = d };
	return 0;
}

static void rnd(void *ctx, void *out, size_t len)
{
	static uint32_t x = 0x12345678u;
	(void)ctx;
	uint8_t *o = out;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		o[i] = (uint8_t)x;
	}
}

static struct nlrs_stack *mk(const struct nlrs_stack_config *cfg, void **mem, int *ifx,
			     uint32_t addr, const char *name)
{
	struct nlrs_stack_config c;
	if (cfg)
		c = *cfg;
	else
		nlrs_stack_config_default(&c);
	c.port.random = rnd;
	size_t need = nlrs_stack_mem_size(&c);
	cr_assert(need > 0);
	*mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
	struct nlrs_stack *s;
	cr_assert_eq(nlrs_stack_init(&s, &c, *mem, need), 0);
	struct nlrs_iface_config ic = { .name = name, .link = NLRS_LINK_RAWIP, .mtu = 1500,
					.transmit = xmit, .ctx = ifx };
	*ifx = nlrs_iface_add(s, &ic);
	cr_assert(*ifx >= 0);
	cr_assert_eq(nlrs_iface_addr_add(s, *ifx, addr, 24), 0);
	cr_assert_eq(nlrs_iface_set_up(s, *ifx, true), 0);
	return s;
}

void pair_start(const struct nlrs_stack_config *cfg)
{
	PNOW = 1000000;
	DELAY = 1000;
	SA = mk(cfg, &mem_a, &ifa, A_IP, "a0");
	SB = mk(cfg, &mem_b, &ifb, B_IP, "b0");
	/* the stacks' clocks start where the wire's does */
	nlrs_stack_poll(SA, PNOW);
	nlrs_stack_poll(SB, PNOW);
}

static void check_pool(struct nlrs_stack *s, const char *who)
{
	struct nlrs_pool_info pi;
	nlrs_stack_pool_info(s, &pi);
	cr_assert_eq(pi.avail, pi.count, "%s: %u of %u buffers back in the pool", who, pi.avail,
		     pi.count);
}

void pair_end(void)
{
	for (unsigned i = 0; i < qn; i++)
		free(q[i].d);
	qn = 0;
	nlrs_stack_fini(SA);
	nlrs_stack_fini(SB);
	check_pool(SA, "A");
	check_pool(SB, "B");
	free(mem_a);
	free(mem_b);
}

static void deliver(struct pkt *p)
{
	struct nlrs_stack *s = p->to_b ? SB : SA;
	int ifx = p->to_b ? ifb : ifa;
	struct nlrs_buf *b = nlrs_buf_from(nlrs_stack_pool(s), 64, p->d, p->len);
	free(p->d);
	if (b)
		nlrs_stack_input(s, ifx, b, PNOW);
}

bool pair_run(nlrs_time_t until, bool (*done)(void))
{
	for (;;) {
		if (done && done())
			return true;
		nlrs_time_t na = nlrs_stack_poll(SA, PNOW);
		nlrs_time_t nb = nlrs_stack_poll(SB, PNOW);
		/* the earliest packet due */
		nlrs_time_t next = na < nb ? na : nb;
		for (unsigned i = 0; i < qn; i++)
			if (q[i].at < next)
				next = q[i].at;
		if (next <= PNOW) {
			/* deliver everything due now, in order */
			unsigned w = 0;
			struct pkt due[QMAX];
			unsigned nd = 0;
			for (unsigned i = 0; i < qn; i++) {
				if (q[i].at <= PNOW)
					due[nd++] = q[i];
				else
					q[w++] = q[i];
			}
			qn = w;
			for (unsigned i = 0; i < nd; i++)
				deliver(&due[i]);
			if (!nd && na > PNOW && nb > PNOW)
				PNOW++;
			continue;
		}
		if (next == NLRS_TIME_NEVER || next > until) {
			PNOW = until;
			nlrs_stack_poll(SA, PNOW);
			nlrs_stack_poll(SB, PNOW);
			return done ? done() : true;
		}
		PNOW = next;
	}
}

size_t pair_last(bool from_a, unsigned back, uint8_t *out, size_t cap)
{
	if (back >= hist_n[from_a] || back >= HIST)
		return 0;
	unsigned h = (hist_n[from_a] - 1 - back) % HIST;
	size_t n = hist_len[from_a][h] < cap ? hist_len[from_a][h] : cap;
	memcpy(out, hist[from_a][h], n);
	return n;
}
