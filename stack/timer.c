/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A hashed timing wheel (Varghese & Lauck, scheme 6): 256 slots of 1 ms.
 * A timer sits in the slot of its expiry tick; a slot may hold timers of
 * later rounds, which are skipped until their time comes. Arming and
 * cancelling are O(1); a run visits at most one slot per elapsed tick and
 * never more than one full round.
 */
#include "core.h"

void nlrs__wheel_init(struct nlrs_wheel *w, nlrs_time_t now)
{
	for (unsigned i = 0; i < NLRS_WHEEL_SLOTS; i++)
		w->slot[i] = NULL;
	w->now = now;
	w->tick = now / NLRS_WHEEL_TICK;
	w->count = 0;
}

void nlrs__timer_init(struct nlrs_timer *t, nlrs_timer_fn fn, void *arg)
{
	t->next = NULL;
	t->pprev = NULL;
	t->expires = 0;
	t->fn = fn;
	t->arg = arg;
}

static void unlink_timer(struct nlrs_timer *t)
{
	*t->pprev = t->next;
	if (t->next)
		t->next->pprev = t->pprev;
	t->next = NULL;
	t->pprev = NULL;
}

static void link_timer(struct nlrs_timer **head, struct nlrs_timer *t)
{
	t->next = *head;
	if (t->next)
		t->next->pprev = &t->next;
	*head = t;
	t->pprev = head;
}

void nlrs__timer_arm(struct nlrs_wheel *w, struct nlrs_timer *t, nlrs_time_t expires)
{
	if (t->pprev) {
		unlink_timer(t);
		w->count--;
	}
	t->expires = expires;
	uint64_t tick = expires / NLRS_WHEEL_TICK;
	/* A slot already run this round would only be seen a round later. */
	if (tick <= w->tick)
		tick = w->tick + 1;
	link_timer(&w->slot[tick % NLRS_WHEEL_SLOTS], t);
	w->count++;
}

void nlrs__timer_cancel(struct nlrs_wheel *w, struct nlrs_timer *t)
{
	if (!t->pprev)
		return;
	unlink_timer(t);
	w->count--;
}

unsigned nlrs__wheel_run(struct nlrs_wheel *w, nlrs_time_t now)
{
	if (now < w->now)
		now = w->now; /* the clock must not go backwards */
	w->now = now;
	uint64_t target = now / NLRS_WHEEL_TICK;
	if (!w->count) {
		if (target > w->tick)
			w->tick = target;
		return 0;
	}

	/* Collect first, then fire: callbacks may arm and cancel freely. */
	struct nlrs_timer *due = NULL;
	uint64_t steps = target > w->tick ? target - w->tick : 0;
	if (steps >= NLRS_WHEEL_SLOTS)
		steps = NLRS_WHEEL_SLOTS - 2;
	/* Visit the current slot and the one after the target too: timers
	 * armed for a past time are clamped there and may be due. Their count
	 * stays in w->count until they fire, so a callback may cancel them. */
	for (uint64_t i = 0; i <= steps + 1; i++) {
		struct nlrs_timer **pp = &w->slot[(w->tick + i) % NLRS_WHEEL_SLOTS];
		while (*pp) {
			struct nlrs_timer *t = *pp;
			if (t->expires <= now) {
				unlink_timer(t);
				/* Keep the due list in expiry order (ties: arming order
				 * is not promised). Due lists are short. */
				struct nlrs_timer **dp = &due;
				while (*dp && (*dp)->expires <= t->expires)
					dp = &(*dp)->next;
				link_timer(dp, t);
			} else {
				pp = &t->next;
			}
		}
	}
	if (target > w->tick)
		w->tick = target;

	unsigned fired = 0;
	while (due) {
		struct nlrs_timer *t = due;
		unlink_timer(t);
		w->count--;
		fired++;
		t->fn(t->arg, t);
	}
	return fired;
}

nlrs_time_t nlrs__wheel_next(const struct nlrs_wheel *w)
{
	if (!w->count)
		return NLRS_TIME_NEVER;
	nlrs_time_t best = NLRS_TIME_NEVER;
	/* Walk one round from the current tick; a timer due within the round
	 * is found in its own slot, so the first round hit is the answer. */
	for (uint64_t i = 0; i <= NLRS_WHEEL_SLOTS; i++) {
		uint64_t tick = w->tick + i;
		const struct nlrs_timer *t = w->slot[tick % NLRS_WHEEL_SLOTS];
		for (; t; t = t->next)
			if (t->expires < best)
				best = t->expires;
		/* Timers armed for a past time sit one slot ahead of the
		 * current one: look at both before answering. */
		if (i >= 1 && best != NLRS_TIME_NEVER && best / NLRS_WHEEL_TICK <= tick)
			return best;
	}
	return best;
}
