/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP congestion control: NewReno (RFC 5681, with RFC 3465 byte counting,
 * L = 2 SMSS) and CUBIC (RFC 9438), in integer arithmetic (no floating
 * point: the core builds for Cortex-M without an FPU).
 *
 * CUBIC implements: the cubic window W_cubic(t) = C (t - K)^3 + W_max
 * with C = 0.4 and beta_cubic = 0.7 (RFC 9438 4.2, 4.6), the Reno-friendly
 * estimate W_est with alpha_cubic = 3(1 - beta)/(1 + beta) (4.3), the
 * target clamped to [cwnd, 1.5 cwnd] one RTT ahead (4.4/4.5), fast
 * convergence (4.7), and the timeout response (4.8).
 * Not implemented: HyStart++ (RFC 9406), the spurious-congestion undo of
 * 4.9, pacing.
 */
#include "tcp.h"

#define BETA_NUM 7u  /* beta_cubic = 0.7 (RFC 9438 4.6) */
#define BETA_DEN 10u

static uint32_t initial_window(uint32_t mss)
{
	/* RFC 6928 2: min(10*MSS, max(2*MSS, 14600)) */
	uint32_t iw = 14600u > 2u * mss ? 14600u : 2u * mss;
	return iw < 10u * mss ? iw : 10u * mss;
}

void nlrs__cc_init(struct nlrs_cc *cc, uint8_t algo, uint32_t mss)
{
	nlrs_memset(cc, 0, sizeof(*cc));
	cc->algo = algo;
	cc->mss = mss ? mss : 536u;
	cc->cwnd = initial_window(cc->mss);
	cc->ssthresh = UINT32_MAX; /* RFC 5681 3.1: arbitrarily high */
}

void nlrs__cc_set_mss(struct nlrs_cc *cc, uint32_t mss)
{
	if (!mss || mss == cc->mss)
		return;
	if (!cc->mss || !cc->cwnd) { /* not started yet */
		cc->mss = mss;
		return;
	}
	uint64_t segs = cc->cwnd / cc->mss;
	cc->mss = mss;
	cc->cwnd = (uint32_t)(segs * mss);
	if (cc->cwnd < mss)
		cc->cwnd = mss;
}

/* Integer cube root (floor). */
static uint64_t icbrt(uint64_t x)
{
	uint64_t y = 0;
	for (int s = 63; s >= 0; s -= 3) {
		y <<= 1;
		uint64_t b = 3u * y * (y + 1u) + 1u;
		if ((x >> s) >= b) {
			x -= b << s;
			y++;
		}
	}
	return y;
}

static void reno_ca(struct nlrs_cc *cc, uint32_t acked)
{
	/* RFC 5681 3.1 eq. 3 with byte counting: one SMSS per cwnd acked. */
	cc->bytes_acked += acked;
	if (cc->bytes_acked >= cc->cwnd) {
		cc->bytes_acked -= cc->cwnd;
		cc->cwnd += cc->mss;
	}
}

static void cubic_ca(struct nlrs_cc *cc, uint32_t acked, uint32_t srtt_us, nlrs_time_t now)
{
	if (!cc->epoch) {
		/* RFC 9438 4.2: a new congestion-avoidance epoch */
		cc->epoch = now ? now : 1;
		cc->cwnd_epoch = cc->cwnd;
		cc->w_est = cc->cwnd;
		if (cc->w_max > cc->cwnd) {
			/* K = cbrt((W_max - cwnd_epoch) / C), in ms: with C = 0.4
			 * and t in seconds, K_ms^3 = (dW/mss) * 2.5e9. */
			uint64_t dw = cc->w_max - cc->cwnd;
			cc->k_us = (uint32_t)(icbrt(dw * 2500000000ull / cc->mss) * 1000u);
		} else {
			cc->k_us = 0;
			cc->w_max = cc->cwnd;
		}
	}
	/* RFC 9438 4.3: W_est grows by alpha_cubic segments per cwnd acked;
	 * alpha = 3 * 0.3 / 1.7 = 9/17. */
	cc->bytes_acked += acked;
	uint64_t per = (uint64_t)cc->w_est * 17u / 9u;
	while (per && cc->bytes_acked >= per) {
		cc->bytes_acked -= (uint32_t)per;
		cc->w_est += cc->mss;
		per = (uint64_t)cc->w_est * 17u / 9u;
	}
	/* RFC 9438 4.4: target = W_cubic(t + RTT) */
	nlrs_time_t t = now - cc->epoch + (srtt_us ? srtt_us : 1000u);
	int64_t d_ms = ((int64_t)t - (int64_t)cc->k_us) / 1000;
	if (d_ms > 30000)
		d_ms = 30000; /* 30 s past K is far enough; keeps the cube in 64 bits */
	if (d_ms < -30000)
		d_ms = -30000;
	/* C * mss * d^3 with d in seconds: 0.4 * mss * d_ms^3 / 1e9 */
	int64_t delta = (int64_t)cc->mss * 4 * d_ms * d_ms * d_ms / 10000000000ll;
	int64_t w_cubic = (int64_t)cc->w_max + delta;
	if (w_cubic < (int64_t)cc->w_est) {
		/* Reno-friendly region */
		if (cc->w_est > cc->cwnd)
			cc->cwnd = cc->w_est;
		return;
	}
	/* 4.4: the target lies between cwnd and 1.5 cwnd */
	uint64_t target = (uint64_t)w_cubic;
	if (target < cc->cwnd)
		target = cc->cwnd;
	if (target > (uint64_t)cc->cwnd * 3u / 2u)
		target = (uint64_t)cc->cwnd * 3u / 2u;
	/* cwnd += (target - cwnd) / cwnd per SMSS acked */
	uint64_t inc = (target - cc->cwnd) * (uint64_t)acked / cc->cwnd;
	if (inc > cc->mss * 2u)
		inc = cc->mss * 2u;
	cc->cwnd += (uint32_t)inc;
}

void nlrs__cc_on_ack(struct nlrs_cc *cc, uint32_t acked, uint32_t in_flight, uint32_t srtt_us,
		     nlrs_time_t now)
{
	if (!acked)
		return;
	/* RFC 7661 spirit: grow only a window that is being used. */
	if ((uint64_t)in_flight + cc->mss < cc->cwnd)
		return;
	if (cc->cwnd < cc->ssthresh) {
		/* RFC 5681 3.1 / RFC 3465: slow start, at most 2 SMSS per ACK */
		uint32_t inc = acked < 2u * cc->mss ? acked : 2u * cc->mss;
		cc->cwnd = cc->cwnd + inc > cc->cwnd ? cc->cwnd + inc : UINT32_MAX;
		return;
	}
	if (cc->algo == NLRS_CC_CUBIC)
		cubic_ca(cc, acked, srtt_us, now);
	else
		reno_ca(cc, acked);
}

static uint32_t reduced(struct nlrs_cc *cc, uint32_t in_flight)
{
	uint32_t floor = 2u * cc->mss;
	uint32_t w;
	if (cc->algo == NLRS_CC_CUBIC) {
		/* RFC 9438 4.7 fast convergence, 4.6 multiplicative decrease */
		uint32_t cw = cc->cwnd;
		if (cw < cc->w_max)
			cc->w_max = (uint32_t)((uint64_t)cw * (BETA_DEN + BETA_NUM) / (2u * BETA_DEN));
		else
			cc->w_max = cw;
		w = (uint32_t)((uint64_t)cw * BETA_NUM / BETA_DEN);
		cc->epoch = 0;
	} else {
		/* RFC 5681 3.1 eq. 4: max(FlightSize / 2, 2*SMSS) */
		w = in_flight / 2u;
	}
	return w > floor ? w : floor;
}

void nlrs__cc_on_loss(struct nlrs_cc *cc, uint32_t in_flight, nlrs_time_t now)
{
	(void)now;
	cc->ssthresh = reduced(cc, in_flight);
	cc->cwnd = cc->ssthresh;
	cc->bytes_acked = 0;
}

void nlrs__cc_on_recovery_end(struct nlrs_cc *cc, uint32_t in_flight)
{
	/* RFC 6582 3.2 step 3 (option 1, with the guard of option 2) */
	uint32_t w = in_flight + cc->mss;
	cc->cwnd = cc->ssthresh < w ? cc->ssthresh : w;
	if (cc->cwnd < cc->mss)
		cc->cwnd = cc->mss;
}

void nlrs__cc_on_rto(struct nlrs_cc *cc, uint32_t in_flight, nlrs_time_t now)
{
	(void)now;
	/* RFC 5681 3.1 eq. 4 and 5 / RFC 9438 4.8 */
	cc->ssthresh = reduced(cc, in_flight);
	cc->cwnd = cc->mss;
	cc->bytes_acked = 0;
	cc->epoch = 0;
}

void nlrs__cc_on_idle(struct nlrs_cc *cc)
{
	/* RFC 5681 4.1: restart window = min(IW, cwnd) */
	uint32_t iw = initial_window(cc->mss);
	if (cc->cwnd > iw)
		cc->cwnd = iw;
	cc->epoch = 0;
}
