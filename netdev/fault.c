/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fault injector: a wrapper that makes any device a bad link, on purpose,
 * for tests. The knobs and their meaning follow smoltcp's FaultInjector
 * (src/phy/fault_injector.rs); reorder and duplicate are additions.
 *
 * Every frame, in either direction, goes through the same checks in this
 * order, each direction with its own token bucket and reorder slot:
 *
 *   1. drop_chance %          -> dropped      (stats.dropped)
 *   2. longer than size_limit -> dropped      (stats.oversize)
 *   3. no token left          -> dropped      (stats.rate_limited)
 *      The bucket holds tx/rx_rate_limit tokens and is refilled to full
 *      when a shaping interval has passed since the last refill.
 *   4. corrupt_chance %       -> one random bit of one random octet flipped
 *      (a private copy first if the frame is shared)   (stats.corrupted)
 *   5. dup_chance %           -> a copy follows the frame (stats.duplicated)
 *   6. reorder_chance %       -> the frame is held back and released right
 *      after the next frame in the same direction, or when one shaping
 *      interval has passed without one (stats.reordered). One frame is
 *      held per direction at most; a duplicated frame is never held.
 *
 * A dropped transmit still returns 0: on a lossy link the sender does not
 * learn of the loss. Randomness is a xorshift64* generator seeded by the
 * caller (fixed seeds make test runs repeatable).
 *
 * Held frames and the delivery of duplicates live in this wrapper:
 * poll() sends a due held transmit frame and returns the time the next
 * held frame is due. A held receive frame is handed out by the first
 * recv() at or after its deadline, so a caller must call recv once the
 * deadline poll() returned has passed even if the fd did not wake it.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "nlrs/netdev.h"
#include "netdev_priv.h"

struct fault_dir {
	unsigned rate;          /* tokens per interval; 0 = unlimited */
	uint32_t tokens;
	bool primed;            /* the bucket has been filled once */
	nlrs_time_t refilled;
	struct nlrs_buf *held;  /* reordered frame waiting, or NULL */
	nlrs_time_t held_until;
};

struct fault {
	struct nlrs_netdev dev; /* first */
	struct nlrs_fault_config cfg;
	nlrs_time_t interval;
	uint64_t rng;
	struct fault_dir rx, tx;
	struct nlrs_buf *ready_head, *ready_tail; /* received frames to hand up next */
	struct nlrs_fault_stats st;
};

static const struct nlrs_netdev_ops fault_ops;

static struct fault *to_fault(struct nlrs_netdev *d) { return (struct fault *)d; }

/* xorshift64* (Vigna): small, fast, good enough to pick frames. */
static uint32_t rnd(struct fault *f)
{
	uint64_t x = f->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	f->rng = x;
	return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

static bool maybe(struct fault *f, unsigned pct)
{
	if (!pct)
		return false;
	return rnd(f) % 100u < pct;
}

static bool take_token(struct fault *f, struct fault_dir *dr, nlrs_time_t now)
{
	if (!dr->rate)
		return true;
	if (!dr->primed || now >= dr->refilled + f->interval) {
		dr->tokens = dr->rate;
		dr->refilled = now;
		dr->primed = true;
	}
	if (!dr->tokens)
		return false;
	dr->tokens--;
	return true;
}

/* Flip one random bit of one random octet. Returns the frame to go on with
 * (a private copy if b was shared). */
static struct nlrs_buf *corrupt(struct fault *f, struct nlrs_buf *b)
{
	uint8_t octet;

	if (!b->tot_len)
		return b;
	if (nlrs_buf_shared(b)) {
		struct nlrs_buf *c = nlrs_buf_clone(b->pool, b);
		if (!c)
			return b; /* no buffer for a copy: pass it on intact */
		nlrs_buf_free(b);
		b = c;
	}
	size_t off = rnd(f) % b->tot_len;
	uint8_t bit = (uint8_t)(1u << (rnd(f) % 8u));
	nlrs_buf_copy_out(b, off, &octet, 1);
	octet ^= bit;
	nlrs_buf_copy_in(b, off, &octet, 1);
	f->st.corrupted++;
	return b;
}

/* Steps 1-5 of the file comment. Consumes b; returns it (or its corrupted
 * copy) or NULL if it was dropped. *dup gets a copy to deliver after it. */
static struct nlrs_buf *impair(struct fault *f, struct fault_dir *dr, struct nlrs_buf *b,
			       nlrs_time_t now, struct nlrs_buf **dup)
{
	*dup = NULL;
	if (maybe(f, f->cfg.drop_chance)) {
		f->st.dropped++;
		goto drop;
	}
	if (f->cfg.size_limit && b->tot_len > f->cfg.size_limit) {
		f->st.oversize++;
		goto drop;
	}
	if (!take_token(f, dr, now)) {
		f->st.rate_limited++;
		goto drop;
	}
	if (maybe(f, f->cfg.corrupt_chance))
		b = corrupt(f, b);
	if (maybe(f, f->cfg.dup_chance)) {
		*dup = nlrs_buf_clone(b->pool, b);
		if (*dup)
			f->st.duplicated++;
	}
	return b;
drop:
	nlrs_buf_free(b);
	return NULL;
}

static void ready_push(struct fault *f, struct nlrs_buf *b)
{
	b->qnext = NULL;
	if (f->ready_tail)
		f->ready_tail->qnext = b;
	else
		f->ready_head = b;
	f->ready_tail = b;
}

static struct nlrs_buf *fault_recv(struct nlrs_netdev *d, nlrs_time_t now, int *err)
{
	struct fault *f = to_fault(d);
	struct nlrs_buf *b, *dup;

	*err = 0;
	if ((b = f->ready_head) != NULL) {
		f->ready_head = b->qnext;
		if (!f->ready_head)
			f->ready_tail = NULL;
		b->qnext = NULL;
		return b;
	}
	if (f->rx.held && now >= f->rx.held_until) {
		b = f->rx.held;
		f->rx.held = NULL;
		return b;
	}
	for (;;) {
		b = nlrs_netdev_recv(d->lower, now, err);
		if (!b)
			return NULL;
		b = impair(f, &f->rx, b, now, &dup);
		if (!b)
			continue;
		if (dup) {
			ready_push(f, dup);
		} else if (!f->rx.held && maybe(f, f->cfg.reorder_chance)) {
			f->rx.held = b;
			f->rx.held_until = now + f->interval;
			f->st.reordered++;
			continue;
		}
		if (f->rx.held) {
			/* b overtook the held frame; the held one follows it. */
			ready_push(f, f->rx.held);
			f->rx.held = NULL;
		}
		return b;
	}
}

static int fault_send(struct nlrs_netdev *d, struct nlrs_buf *frame, nlrs_time_t now)
{
	struct fault *f = to_fault(d);
	struct nlrs_buf *b, *dup, *held;
	int ret;

	b = impair(f, &f->tx, frame, now, &dup);
	if (!b)
		return 0;
	if (!dup && !f->tx.held && maybe(f, f->cfg.reorder_chance)) {
		f->tx.held = b;
		f->tx.held_until = now + f->interval;
		f->st.reordered++;
		return 0;
	}
	ret = nlrs_netdev_send(d->lower, b, now);
	if (dup)
		(void)nlrs_netdev_send(d->lower, dup, now);
	if ((held = f->tx.held) != NULL) {
		f->tx.held = NULL;
		(void)nlrs_netdev_send(d->lower, held, now);
	}
	return ret;
}

static nlrs_time_t fault_poll(struct nlrs_netdev *d, nlrs_time_t now)
{
	struct fault *f = to_fault(d);
	nlrs_time_t next;

	if (f->tx.held && now >= f->tx.held_until) {
		struct nlrs_buf *h = f->tx.held;
		f->tx.held = NULL;
		(void)nlrs_netdev_send(d->lower, h, now);
	}
	next = nlrs_netdev_poll(d->lower, now);
	if (f->tx.held && f->tx.held_until < next)
		next = f->tx.held_until;
	if (f->rx.held && f->rx.held_until < next)
		next = f->rx.held_until;
	if (f->ready_head)
		next = now;
	return next;
}

static void fault_close(struct nlrs_netdev *d)
{
	struct fault *f = to_fault(d);

	nlrs_buf_free(f->rx.held);
	nlrs_buf_free(f->tx.held);
	nlrs_buf_free_queue(f->ready_head);
	nlrs_netdev_close(d->lower);
	free(f);
}

static void fault_counters(const struct nlrs_netdev *d, struct nlrs_dev_counters *acc)
{
	struct nlrs_fault_stats st;
	nlrs_fault_stats(d, &st);
	acc->fault_drops += st.dropped + st.oversize + st.rate_limited;
}

static const struct nlrs_netdev_ops fault_ops = {
	.recv = fault_recv,
	.send = fault_send,
	.poll = fault_poll,
	.close = fault_close,
	.counters = fault_counters,
};

void nlrs_fault_stats(const struct nlrs_netdev *d, struct nlrs_fault_stats *out)
{
	if (!d || d->ops != &fault_ops) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = ((const struct fault *)d)->st;
}

int nlrs_fault_wrap(struct nlrs_netdev **out, struct nlrs_netdev *lower,
		    const struct nlrs_fault_config *cfg, uint64_t seed)
{
	struct fault *f;

	*out = NULL;
	if (!lower || !cfg)
		return -NLRS_EINVAL;
	if (cfg->drop_chance > 100 || cfg->corrupt_chance > 100 || cfg->reorder_chance > 100 ||
	    cfg->dup_chance > 100)
		return -NLRS_EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -NLRS_ENOMEM;
	f->dev.ops = &fault_ops;
	f->dev.pool = lower->pool;
	f->dev.lower = lower;
	f->dev.link = lower->link;
	f->dev.mtu = lower->mtu;
	memcpy(f->dev.mac, lower->mac, sizeof(f->dev.mac));
	f->dev.fd = lower->fd;
	memcpy(f->dev.name, lower->name, sizeof(f->dev.name));
	f->cfg = *cfg;
	f->interval = NLRS_MSEC(cfg->shaping_interval_ms ? cfg->shaping_interval_ms : 50u);
	f->rx.rate = cfg->rx_rate_limit;
	f->tx.rate = cfg->tx_rate_limit;
	while (!seed)
		nlrs__random_bytes(&seed, sizeof(seed));
	f->rng = seed;
	*out = &f->dev;
	return 0;
}
