/* SPDX-License-Identifier: BSD-2-Clause */
/* The hashed timer wheel (stack/timer.c), driven directly. */
#include "harness.h"

#define MS(x) NLRS_MSEC(x)

static struct nlrs_wheel W;

struct rec {
	unsigned n;
	nlrs_time_t at[64]; /* wheel time of each firing */
	struct nlrs_timer *who[64];
};
static struct rec R;

static void on_fire(void *arg, struct nlrs_timer *t)
{
	(void)arg;
	if (R.n < 64) {
		R.at[R.n] = W.now;
		R.who[R.n] = t;
	}
	R.n++;
}

static void wheel_setup(void)
{
	memset(&R, 0, sizeof R);
	nlrs__wheel_init(&W, 0);
}

TestSuite(timer, .init = wheel_setup);

Test(timer, fires_at_expiry_not_before)
{
	struct nlrs_timer t;
	nlrs__timer_init(&t, on_fire, NULL);
	nlrs__timer_arm(&W, &t, MS(5) + 500);
	cr_assert(nlrs__timer_pending(&t));
	cr_assert_eq(nlrs__wheel_run(&W, MS(5)), 0);
	cr_assert_eq(nlrs__wheel_run(&W, MS(5) + 499), 0);
	cr_assert_eq(R.n, 0);
	cr_assert_eq(nlrs__wheel_run(&W, MS(5) + 500), 1);
	cr_assert_eq(R.n, 1);
	cr_assert_not(nlrs__timer_pending(&t));
	cr_assert_eq(W.count, 0);
	cr_assert_eq(nlrs__wheel_run(&W, MS(100)), 0, "fires once");
}

Test(timer, many_timers_fire_in_expiry_order_when_polled_each_ms)
{
	enum { N = 40 };
	struct nlrs_timer t[N];
	/* Expiries scattered over 0.5 s, some sharing a slot a round apart. */
	for (unsigned i = 0; i < N; i++) {
		nlrs__timer_init(&t[i], on_fire, NULL);
		nlrs__timer_arm(&W, &t[i], MS(1 + (i * 37u) % 500u));
	}
	for (nlrs_time_t now = 0; now <= MS(600); now += MS(1))
		nlrs__wheel_run(&W, now);
	cr_assert_eq(R.n, N);
	for (unsigned k = 0; k < N; k++) {
		cr_assert_eq(R.at[k], R.who[k]->expires, "timer fired at %llu, due %llu",
			     (unsigned long long)R.at[k], (unsigned long long)R.who[k]->expires);
		if (k)
			cr_assert_leq(R.at[k - 1], R.at[k]);
	}
}

Test(timer, timers_due_in_one_run_fire_in_expiry_order)
{
	struct nlrs_timer t[5];
	for (unsigned i = 0; i < 5; i++) {
		nlrs__timer_init(&t[i], on_fire, NULL);
		nlrs__timer_arm(&W, &t[i], MS(1 + i));
	}
	cr_assert_eq(nlrs__wheel_run(&W, MS(10)), 5);
	for (unsigned k = 0; k < 5; k++)
		cr_assert_eq(R.who[k], &t[k], "position %u fired timer due at %llu ms", k,
			     (unsigned long long)R.who[k]->expires / 1000);
}

static struct nlrs_timer periodic;

static void rearm_self(void *arg, struct nlrs_timer *t)
{
	(void)arg;
	on_fire(NULL, t);
	if (R.n < 3)
		nlrs__timer_arm(&W, t, W.now + MS(10));
}

Test(timer, rearm_inside_callback_makes_periodic_timer)
{
	nlrs__timer_init(&periodic, rearm_self, NULL);
	nlrs__timer_arm(&W, &periodic, MS(10));
	for (nlrs_time_t now = 0; now <= MS(100); now += MS(1))
		nlrs__wheel_run(&W, now);
	cr_assert_eq(R.n, 3);
	cr_assert_eq(R.at[0], MS(10));
	cr_assert_eq(R.at[1], MS(20));
	cr_assert_eq(R.at[2], MS(30));
	cr_assert_eq(W.count, 0);
}

static struct nlrs_timer pair[2];

/* Each of the pair cancels the other: whichever runs first, the other,
 * though already collected as due in the same run, must not run. */
static void cancel_other(void *arg, struct nlrs_timer *t)
{
	on_fire(NULL, t);
	nlrs__timer_cancel(&W, &pair[(intptr_t)arg ^ 1]);
}

Test(timer, cancel_inside_callback_stops_timer_due_in_same_run)
{
	nlrs__timer_init(&pair[0], cancel_other, (void *)(intptr_t)0);
	nlrs__timer_init(&pair[1], cancel_other, (void *)(intptr_t)1);
	nlrs__timer_arm(&W, &pair[0], MS(8));
	nlrs__timer_arm(&W, &pair[1], MS(9));
	cr_assert_eq(nlrs__wheel_run(&W, MS(20)), 1);
	cr_assert_eq(R.n, 1);
	cr_assert_eq(W.count, 0);
	cr_assert_not(nlrs__timer_pending(&pair[0]));
	cr_assert_not(nlrs__timer_pending(&pair[1]));
}

Test(timer, cancel_before_expiry_prevents_firing)
{
	struct nlrs_timer t;
	nlrs__timer_init(&t, on_fire, NULL);
	nlrs__timer_arm(&W, &t, MS(50));
	nlrs__timer_cancel(&W, &t);
	nlrs__timer_cancel(&W, &t); /* twice is harmless */
	cr_assert_eq(W.count, 0);
	cr_assert_eq(nlrs__wheel_run(&W, MS(100)), 0);
	cr_assert_eq(nlrs__wheel_next(&W), NLRS_TIME_NEVER);
}

Test(timer, rearm_moves_pending_timer)
{
	struct nlrs_timer t;
	nlrs__timer_init(&t, on_fire, NULL);
	nlrs__timer_arm(&W, &t, MS(50));
	nlrs__timer_arm(&W, &t, MS(80));
	cr_assert_eq(W.count, 1);
	cr_assert_eq(nlrs__wheel_run(&W, MS(79)), 0);
	cr_assert_eq(nlrs__wheel_run(&W, MS(80)), 1);
}

Test(timer, timers_beyond_one_round_fire_on_time)
{
	struct nlrs_timer a, b, c;
	nlrs__timer_init(&a, on_fire, NULL);
	nlrs__timer_init(&b, on_fire, NULL);
	nlrs__timer_init(&c, on_fire, NULL);
	nlrs__timer_arm(&W, &a, NLRS_SEC(30));
	nlrs__timer_arm(&W, &b, NLRS_SEC(60));
	nlrs__timer_arm(&W, &c, MS(256 + 3)); /* same slot as 3 ms, next round */
	for (nlrs_time_t now = 0; now <= NLRS_SEC(61); now += MS(1))
		nlrs__wheel_run(&W, now);
	cr_assert_eq(R.n, 3);
	cr_assert_eq(R.who[0], &c);
	cr_assert_eq(R.at[0], MS(259));
	cr_assert_eq(R.who[1], &a);
	cr_assert_eq(R.at[1], NLRS_SEC(30));
	cr_assert_eq(R.who[2], &b);
	cr_assert_eq(R.at[2], NLRS_SEC(60));
}

Test(timer, timers_beyond_one_round_with_coarse_polling)
{
	struct nlrs_timer a, b;
	nlrs__timer_init(&a, on_fire, NULL);
	nlrs__timer_init(&b, on_fire, NULL);
	nlrs__timer_arm(&W, &a, NLRS_SEC(30));
	nlrs__timer_arm(&W, &b, NLRS_SEC(60));
	/* Poll every 700 ms: more than a round per step. */
	nlrs_time_t fired_a = 0, fired_b = 0;
	for (nlrs_time_t now = 0; now <= NLRS_SEC(62); now += MS(700)) {
		nlrs__wheel_run(&W, now);
		if (!fired_a && !nlrs__timer_pending(&a))
			fired_a = now;
		if (!fired_b && !nlrs__timer_pending(&b))
			fired_b = now;
	}
	cr_assert_eq(R.n, 2);
	/* The first poll at or after the expiry. */
	cr_assert_eq(fired_a, MS(30100));
	cr_assert_eq(fired_b, MS(60200));
}

Test(timer, clock_jump_of_hours_fires_each_due_timer_once)
{
	struct nlrs_timer t[6], later;
	const nlrs_time_t due[6] = {
		MS(1), MS(255), MS(256), MS(300), NLRS_SEC(30), NLRS_SEC(7200)
	};
	for (unsigned i = 0; i < 6; i++) {
		nlrs__timer_init(&t[i], on_fire, NULL);
		nlrs__timer_arm(&W, &t[i], due[i]);
	}
	nlrs__timer_init(&later, on_fire, NULL);
	nlrs__timer_arm(&W, &later, NLRS_SEC(5 * 3600));
	cr_assert_eq(nlrs__wheel_run(&W, NLRS_SEC(3 * 3600)), 6);
	cr_assert_eq(R.n, 6);
	for (unsigned i = 0; i < 6; i++) {
		unsigned seen = 0;
		for (unsigned k = 0; k < R.n; k++)
			seen += R.who[k] == &t[i];
		cr_assert_eq(seen, 1, "timer %u fired %u times", i, seen);
	}
	cr_assert_eq(nlrs__wheel_run(&W, NLRS_SEC(3 * 3600) + MS(1)), 0);
	cr_assert(nlrs__timer_pending(&later));
	cr_assert_eq(nlrs__wheel_next(&W), NLRS_SEC(5 * 3600));
	cr_assert_eq(nlrs__wheel_run(&W, NLRS_SEC(5 * 3600) - 1), 0);
	cr_assert_eq(nlrs__wheel_run(&W, NLRS_SEC(5 * 3600)), 1);
}

Test(timer, next_returns_earliest_expiry)
{
	struct nlrs_timer a, b, c, d;
	cr_assert_eq(nlrs__wheel_next(&W), NLRS_TIME_NEVER);
	nlrs__timer_init(&a, on_fire, NULL);
	nlrs__timer_init(&b, on_fire, NULL);
	nlrs__timer_init(&c, on_fire, NULL);
	nlrs__timer_init(&d, on_fire, NULL);
	nlrs__timer_arm(&W, &a, NLRS_SEC(30));
	cr_assert_eq(nlrs__wheel_next(&W), NLRS_SEC(30));
	nlrs__timer_arm(&W, &b, MS(300) + 7);
	cr_assert_eq(nlrs__wheel_next(&W), MS(300) + 7);
	nlrs__timer_arm(&W, &c, MS(100) + 1);
	cr_assert_eq(nlrs__wheel_next(&W), MS(100) + 1);
	/* Same slot as c, a round earlier is impossible; a round later: */
	nlrs__timer_arm(&W, &d, MS(100 + 256));
	cr_assert_eq(nlrs__wheel_next(&W), MS(100) + 1);
	nlrs__timer_cancel(&W, &c);
	cr_assert_eq(nlrs__wheel_next(&W), MS(300) + 7);
	nlrs__wheel_run(&W, MS(299));
	cr_assert_eq(nlrs__wheel_next(&W), MS(300) + 7);
}

Test(timer, next_after_later_round_timer_in_earlier_slot)
{
	/* 259 ms sits in slot 3; 10 ms in slot 10: the walk meets 259 first. */
	struct nlrs_timer a, b;
	nlrs__timer_init(&a, on_fire, NULL);
	nlrs__timer_init(&b, on_fire, NULL);
	nlrs__timer_arm(&W, &a, MS(259));
	nlrs__timer_arm(&W, &b, MS(10));
	cr_assert_eq(nlrs__wheel_next(&W), MS(10));
}

Test(timer, past_time_arm_fires_at_next_run)
{
	struct nlrs_timer t;
	nlrs__wheel_run(&W, MS(50));
	nlrs__timer_init(&t, on_fire, NULL);
	nlrs__timer_arm(&W, &t, MS(20));
	cr_assert_leq(nlrs__wheel_next(&W), MS(50));
	cr_assert_eq(nlrs__wheel_run(&W, MS(50)), 1, "due already: fires at the next run");
	cr_assert_eq(R.n, 1);
}

static void arm_past(void *arg, struct nlrs_timer *t)
{
	(void)arg;
	on_fire(NULL, t);
	if (R.n == 1)
		nlrs__timer_arm(&W, t, W.now - MS(1));
}

Test(timer, past_time_arm_inside_callback_waits_for_next_run)
{
	struct nlrs_timer t;
	nlrs__timer_init(&t, arm_past, NULL);
	nlrs__timer_arm(&W, &t, MS(5));
	cr_assert_eq(nlrs__wheel_run(&W, MS(5)), 1, "no endless loop within one run");
	cr_assert_eq(nlrs__wheel_run(&W, MS(5)), 1);
	cr_assert_eq(R.n, 2);
}

Test(timer, clock_going_backwards_is_ignored)
{
	struct nlrs_timer t;
	nlrs__timer_init(&t, on_fire, NULL);
	nlrs__wheel_run(&W, MS(100));
	nlrs__timer_arm(&W, &t, MS(105));
	cr_assert_eq(nlrs__wheel_run(&W, MS(10)), 0);
	cr_assert_eq(W.now, MS(100));
	cr_assert_eq(nlrs__wheel_run(&W, MS(105)), 1);
}

/* ---- against a model: random arms, cancels and runs ---- */

#define M_N 64
static struct nlrs_timer mt[M_N];
static bool m_pending[M_N];
static nlrs_time_t m_exp[M_N];
static unsigned m_fired[M_N];
static uint32_t m_rng = 12345;

static uint32_t m_rand(void)
{
	m_rng ^= m_rng << 13;
	m_rng ^= m_rng >> 17;
	m_rng ^= m_rng << 5;
	return m_rng;
}

static void m_fire(void *arg, struct nlrs_timer *t)
{
	(void)t;
	unsigned i = (unsigned)(uintptr_t)arg;
	cr_assert(m_pending[i], "timer %u fired while not armed", i);
	cr_assert_leq(m_exp[i], W.now, "timer %u fired early: due %llu, now %llu", i,
		      (unsigned long long)m_exp[i], (unsigned long long)W.now);
	m_pending[i] = false;
	m_fired[i]++;
}

Test(timer, random_operations_match_model)
{
	nlrs_time_t now = 0;
	for (unsigned i = 0; i < M_N; i++)
		nlrs__timer_init(&mt[i], m_fire, (void *)(uintptr_t)i);
	for (unsigned step = 0; step < 20000; step++) {
		uint32_t r = m_rand();
		unsigned i = (r >> 8) % M_N;
		switch (r % 8) {
		case 0:
		case 1:
		case 2: {
			/* arm: mostly near, sometimes rounds away, sometimes past */
			uint32_t k = m_rand();
			nlrs_time_t when;
			if (k % 10 == 0)
				when = now > 5000 ? now - (k >> 8) % 5000 : 0;
			else if (k % 10 < 7)
				when = now + (k >> 8) % NLRS_MSEC(300);
			else
				when = now + (k >> 8) % NLRS_SEC(70);
			nlrs__timer_arm(&W, &mt[i], when);
			m_pending[i] = true;
			m_exp[i] = when;
			break;
		}
		case 3:
			nlrs__timer_cancel(&W, &mt[i]);
			m_pending[i] = false;
			break;
		default: {
			uint32_t k = m_rand();
			if (k % 50 == 0)
				now += NLRS_SEC(3600);
			else if (k % 5 == 0)
				now += (k >> 8) % NLRS_SEC(2);
			else
				now += (k >> 8) % 3000;
			bool due[M_N];
			for (unsigned j = 0; j < M_N; j++)
				due[j] = m_pending[j] && m_exp[j] <= now;
			nlrs__wheel_run(&W, now);
			for (unsigned j = 0; j < M_N; j++) {
				cr_assert_not(due[j] && m_pending[j],
					      "step %u: timer %u due at %llu not fired at %llu",
					      step, j, (unsigned long long)m_exp[j],
					      (unsigned long long)now);
				cr_assert_eq(nlrs__timer_pending(&mt[j]), m_pending[j]);
			}
			break;
		}
		}
		unsigned armed = 0;
		nlrs_time_t min = NLRS_TIME_NEVER;
		for (unsigned j = 0; j < M_N; j++) {
			if (m_pending[j]) {
				armed++;
				if (m_exp[j] < min)
					min = m_exp[j];
			}
		}
		cr_assert_eq(W.count, armed, "step %u", step);
		nlrs_time_t next = nlrs__wheel_next(&W);
		/* Exact when nothing is due. A timer armed in the past may be
		 * reported up to one tick late (pinned separately by
		 * next_reports_past_armed_timer_as_due), not more. */
		if (min > W.now)
			cr_assert_eq(next, min, "step %u: next %llu, earliest %llu", step,
				     (unsigned long long)next, (unsigned long long)min);
		else
			cr_assert_lt(next, (W.now / NLRS_WHEEL_TICK + 1) * NLRS_WHEEL_TICK,
				     "step %u: a due timer (%llu) reported at %llu", step,
				     (unsigned long long)min, (unsigned long long)next);
	}
}

Test(timer, next_reports_past_armed_timer_as_due)
{
	/* t sits in the current tick's slot, due later in that tick; p is
	 * armed for a time already past (clamped to the next slot). The
	 * earliest expiry is p's, and it is due now. */
	struct nlrs_timer t, p;
	nlrs__timer_init(&t, on_fire, NULL);
	nlrs__timer_init(&p, on_fire, NULL);
	nlrs__timer_arm(&W, &t, MS(100) + 700);
	cr_assert_eq(nlrs__wheel_run(&W, MS(100) + 200), 0);
	nlrs__timer_arm(&W, &p, MS(50));
	cr_assert_eq(nlrs__wheel_next(&W), MS(50), "next %llu us",
		     (unsigned long long)nlrs__wheel_next(&W));
}
