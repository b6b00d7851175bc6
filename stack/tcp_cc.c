/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP congestion control: NewReno's window arithmetic (RFC 5681 with
 * RFC 3465 byte counting; the recovery procedure of RFC 6582 is tcp_in.c's)
 * and CUBIC (RFC 9438). Integer arithmetic only, in 64 bits where products
 * can grow: no floating point and no libm, so the core builds for
 * Cortex-M parts without an FPU.
 *
 * Implements:
 *   - RFC 6928 initial window min(10 SMSS, max(2 SMSS, 14600)); restart
 *     after idle (RFC 5681 4.1); loss window of 1 SMSS after an RTO and
 *     ssthresh floor of 2 SMSS (RFC 5681 3.1 (4), (5)).
 *   - Slow start with Appropriate Byte Counting, L = 2 SMSS (RFC 3465 2.2,
 *     2.3); congestion avoidance counting acknowledged bytes and adding
 *     one SMSS per cwnd acknowledged (RFC 5681 3.1 (3), RFC 3465 2.1).
 *   - Growth only while the window is in use (RFC 7661 spirit, and the
 *     "other measures" RFC 9438 4.6 asks of a CUBIC computing ssthresh
 *     from cwnd).
 *   - CUBIC: W_cubic(t) = C (t - K)^3 + W_max with C = 0.4, K from an
 *     integer cube root (4.2); target W_cubic(t + RTT) clamped to
 *     [cwnd, 1.5 cwnd] and approached by (target - cwnd) / cwnd per SMSS
 *     acknowledged, in the concave and convex regions alike (4.2, 4.4,
 *     4.5); the Reno-friendly W_est with alpha_cubic = 3(1 - beta)/(1 +
 *     beta) = 9/17, switching to 1 once W_est reaches cwnd_prior (4.3);
 *     beta_cubic = 0.7 (4.6); fast convergence (4.7); the timeout
 *     response (4.8: K = 0 and W_max = W_est = cwnd at the start of the
 *     next congestion avoidance); no growth while application-limited,
 *     the epoch restarting when the window is next in use (5.8).
 * Not implemented: HyStart++ (RFC 9406; slow start here is plain RFC 5681
 * + ABC), the spurious-congestion undo of RFC 9438 4.9, pacing, ECN
 * reaction (RFC 3168 6.1.2 would call nlrs__cc_on_loss).
 *
 * Units: windows in bytes, times in microseconds. CUBIC's formulas are in
 * segments; here W_cubic is scaled by SMSS, which is the same curve.
 */
#include "tcp.h"

/* RFC 7323 2.3: no window beyond 2^30 bytes can be used; capping cwnd
 * there keeps every sum below in range. */
#define CWND_MAX (1u << 30)

#define BETA_NUM 7u /* beta_cubic = 0.7, RFC 9438 4.6 */
#define BETA_DEN 10u
#define ALPHA_NUM 9u /* alpha_cubic = 3 (1 - 0.7) / (1 + 0.7) = 9/17, RFC 9438 4.3 */
#define ALPHA_DEN 17u
#define ABC_L 2u /* RFC 3465 2.3: L = 2 SMSS */

/* W_cubic is evaluated with t - K in units of 100 us; up to 2^21 of them
 * (about 210 s) the cube stays inside 63 bits. Further from K the curve
 * is flat at that value: 210 s past K, CUBIC is already above 3.7
 * million segments, far over CWND_MAX for any real SMSS. */
#define TQ_US 100
#define TQ_MAX (1ll << 21)

static uint32_t clamp_cwnd(uint64_t w)
{
	return w > CWND_MAX ? CWND_MAX : (uint32_t)w;
}

static bool is_cubic(const struct nlrs_cc *cc)
{
	return cc->algo == NLRS_CC_CUBIC;
}

/* BBR keeps its own window (tcp_bbr.c); these hooks only do what it asks
 * of loss events. */
static bool is_bbr(const struct nlrs_cc *cc)
{
	return cc->algo == NLRS_CC_BBR;
}

static uint32_t initial_window(uint32_t mss)
{
	/* RFC 6928 2: IW = min(10*MSS, max(2*MSS, 14600)) */
	uint64_t iw = 2ull * mss > 14600u ? 2ull * mss : 14600u;
	if (iw > 10ull * mss)
		iw = 10ull * mss;
	return clamp_cwnd(iw);
}

void nlrs__cc_init(struct nlrs_cc *cc, uint8_t algo, uint32_t mss)
{
	*cc = (struct nlrs_cc){ 0 };
	cc->algo = algo;
	cc->mss = mss ? mss : 536u; /* RFC 9293 3.7.1: the default send MSS */
	cc->cwnd = initial_window(cc->mss);
	cc->ssthresh = UINT32_MAX; /* RFC 5681 3.1: arbitrarily high at first */
}

static uint32_t rescale(uint32_t v, uint32_t from, uint32_t to)
{
	return clamp_cwnd((uint64_t)v * to / from);
}

void nlrs__cc_set_mss(struct nlrs_cc *cc, uint32_t mss)
{
	if (!mss || mss == cc->mss)
		return;
	uint32_t old = cc->mss;
	if (!old || !cc->cwnd) {
		cc->mss = mss; /* not started yet (nlrs__cc_init comes later) */
		return;
	}
	/* Keep every window the same number of segments: CUBIC's K depends
	 * on (W_max - cwnd_epoch) / SMSS only, so it stays valid. */
	cc->cwnd = rescale(cc->cwnd, old, mss);
	if (cc->cwnd < mss)
		cc->cwnd = mss;
	if (cc->ssthresh != UINT32_MAX) {
		cc->ssthresh = rescale(cc->ssthresh, old, mss);
		if (cc->ssthresh < 2u * mss)
			cc->ssthresh = 2u * mss; /* RFC 5681 3.1 (4) floor */
	}
	cc->bytes_acked = rescale(cc->bytes_acked, old, mss);
	cc->w_max = rescale(cc->w_max, old, mss);
	cc->w_last_max = rescale(cc->w_last_max, old, mss);
	cc->cwnd_epoch = rescale(cc->cwnd_epoch, old, mss);
	cc->w_est = rescale(cc->w_est, old, mss);
	cc->mss = mss;
}

/* floor(cbrt(x)): three bits of x per bit of the root, 22 rounds. */
static uint64_t icbrt(uint64_t x)
{
	uint64_t y = 0;
	for (int s = 63; s >= 0; s -= 3) {
		y <<= 1;
		uint64_t b = 3u * y * (y + 1u) + 1u; /* (y+1)^3 - y^3, y doubled */
		if ((x >> s) >= b) {
			x -= b << s;
			y++;
		}
	}
	return y;
}

/* RFC 9438 4.2 (Figure 2): K = cbrt((W_max - cwnd_epoch) / C), windows
 * in segments, C = 0.4. With dw in bytes and K in microseconds:
 * K^3 = dw / SMSS * 2.5 * 1e18 = 5 dw * 1e18 / (2 SMSS). The 1e18 is
 * cut by 8 (the root by 2) until the product fits in 64 bits; the root
 * then keeps at least 12 significant bits. */
static uint32_t cubic_k_us(uint32_t dw, uint32_t mss)
{
	uint64_t num = 5ull * dw, den = 2ull * mss;
	for (unsigned sh = 0; sh < 20u; sh++) {
		uint64_t scale = 1000000000000000000ull >> (3u * sh);
		if (num <= UINT64_MAX / scale) {
			uint64_t k = icbrt(num * scale / den) << sh;
			return k > UINT32_MAX ? UINT32_MAX : (uint32_t)k;
		}
	}
	return UINT32_MAX; /* unreachable: num < 2^35 fits at sh = 10 */
}

/* RFC 9438 4.2 (Figure 1): W_cubic(t) = C (t - K)^3 + W_max, in bytes
 * (C is 0.4 segments per s^3, so 0.4 SMSS bytes per s^3); t in us since
 * the epoch began. Not clamped to CWND_MAX; at most W_max + 2^54. */
static uint64_t w_cubic(const struct nlrs_cc *cc, nlrs_time_t t)
{
	if (t > (1ull << 40))
		t = 1ull << 40; /* 12 days: keeps the subtraction signed-safe */
	int64_t d = ((int64_t)t - (int64_t)cc->k_us) / TQ_US; /* 100 us units */
	bool neg = d < 0;
	uint64_t q = (uint64_t)(neg ? -d : d);
	if (q > (uint64_t)TQ_MAX)
		q = (uint64_t)TQ_MAX;
	uint64_t c = q * q * q; /* (t - K)^3 in 1e-12 s^3, < 2^63 */
	/* times C = 2/5: segments in units of 1e-12 */
	uint64_t e12 = c / 5u * 2u + c % 5u * 2u / 5u;
	/* times SMSS, in two halves so neither product overflows:
	 * u is in 1e-6 segments */
	uint64_t u = e12 / 1000000u;
	uint64_t bytes = u / 1000000u * cc->mss + u % 1000000u * cc->mss / 1000000u;
	if (!neg)
		return (uint64_t)cc->w_max + bytes;
	return bytes >= cc->w_max ? 0 : cc->w_max - bytes;
}

static void reno_ca(struct nlrs_cc *cc, uint32_t acked)
{
	/* RFC 5681 3.1 (3) cwnd += SMSS*SMSS/cwnd per ACK, done exactly as
	 * RFC 3465 2.1 counts it: one SMSS each time a cwnd's worth of
	 * bytes has been acknowledged, about one SMSS per RTT. */
	uint64_t ba = (uint64_t)cc->bytes_acked + acked;
	if (ba >= cc->cwnd) {
		ba -= cc->cwnd;
		cc->cwnd = clamp_cwnd((uint64_t)cc->cwnd + cc->mss);
	}
	/* at most one more increment carried to the next ACK */
	cc->bytes_acked = ba > cc->cwnd ? cc->cwnd : (uint32_t)ba;
}

static void cubic_ca(struct nlrs_cc *cc, uint32_t acked, uint32_t srtt_us, nlrs_time_t now)
{
	if (!cc->epoch) {
		/* RFC 9438 4.2: a congestion avoidance stage begins; t counts
		 * from here, cwnd_epoch is the window now. */
		cc->epoch = now ? now : 1u;
		cc->cwnd_epoch = cc->cwnd;
		cc->w_est = cc->cwnd; /* 4.3: W_est = cwnd_epoch */
		cc->bytes_acked = 0;
		if (cc->w_max > cc->cwnd) {
			cc->k_us = cubic_k_us(cc->w_max - cc->cwnd, cc->mss);
		} else {
			/* 4.8: the first stage after a timeout (W_max was
			 * cleared) has K = 0 and W_max = cwnd_epoch. The same
			 * holds when cwnd already reached W_max (after an
			 * application-limited restart in the convex region):
			 * the curve starts flat at the window we have. */
			cc->w_max = cc->cwnd;
			cc->k_us = 0;
		}
	}
	nlrs_time_t t = now > cc->epoch ? now - cc->epoch : 0;

	/* 4.3 Reno-friendly region: W_est += alpha * segments_acked / cwnd,
	 * i.e. one SMSS per cwnd/alpha bytes acknowledged, counted exactly
	 * in bytes_acked. alpha becomes 1 once W_est >= cwnd_prior (kept in
	 * w_last_max). */
	uint64_t per = (uint64_t)cc->cwnd;
	if (cc->w_est < cc->w_last_max)
		per = per * ALPHA_DEN / ALPHA_NUM;
	uint64_t ba = (uint64_t)cc->bytes_acked + acked;
	uint64_t steps = ba / per;
	cc->w_est = clamp_cwnd((uint64_t)cc->w_est + steps * cc->mss);
	cc->bytes_acked = (uint32_t)(ba - steps * per); /* < per < 2^31 */

	if (w_cubic(cc, t) < cc->w_est) {
		/* 4.3: W_cubic(t) below W_est: cwnd follows W_est (never
		 * shrinking on an ACK) */
		if (cc->w_est > cc->cwnd)
			cc->cwnd = cc->w_est;
		return;
	}
	/* 4.2: target = W_cubic(t + RTT), no less than cwnd and no more than
	 * 1.5 cwnd; 4.4 (concave, cwnd < W_max) and 4.5 (convex) then both
	 * add (target - cwnd) / cwnd per SMSS acknowledged. */
	uint64_t target = w_cubic(cc, t + srtt_us);
	uint64_t lim = (uint64_t)cc->cwnd * 3u / 2u;
	if (target > lim)
		target = lim;
	if (target <= cc->cwnd)
		return;
	uint64_t inc = (target - cc->cwnd) * acked / cc->cwnd; /* < 2^29 * 2^32 */
	if (inc > target - cc->cwnd)
		inc = target - cc->cwnd; /* one ACK for more than cwnd */
	cc->cwnd = clamp_cwnd(cc->cwnd + inc);
}

void nlrs__cc_on_ack(struct nlrs_cc *cc, uint32_t acked, uint32_t in_flight, uint32_t srtt_us,
		     nlrs_time_t now)
{
	if (!acked || is_bbr(cc))
		return;
	if ((uint64_t)in_flight + cc->mss < cc->cwnd) {
		/* Application-limited: the window was not in use, so the ACK
		 * says nothing about whether a larger one would fit (RFC 7661
		 * spirit; RFC 9438 4.6 requires it when ssthresh comes from
		 * cwnd). RFC 9438 5.8: the time spent so does not count in
		 * t; restarting the epoch re-anchors the curve at the current
		 * window with the same W_max. */
		if (is_cubic(cc) && cc->cwnd >= cc->ssthresh)
			cc->epoch = 0;
		return;
	}
	if (cc->cwnd < cc->ssthresh) {
		/* RFC 5681 3.1 slow start, with RFC 3465 2.2 byte counting:
		 * cwnd += min(N, L * SMSS), L = 2 (2.3). */
		uint32_t inc = acked < ABC_L * cc->mss ? acked : ABC_L * cc->mss;
		uint64_t w = (uint64_t)cc->cwnd + inc;
		if (w < cc->ssthresh) {
			cc->cwnd = clamp_cwnd(w);
			return;
		}
		/* Crossing ssthresh: the rest of this ACK counts in
		 * congestion avoidance (RFC 5681 3.1: either may be used at
		 * cwnd == ssthresh). */
		uint32_t used = cc->ssthresh - cc->cwnd;
		cc->cwnd = clamp_cwnd(cc->ssthresh);
		acked -= used;
		if (!acked || cc->cwnd < cc->ssthresh)
			return;
	}
	if (is_cubic(cc))
		cubic_ca(cc, acked, srtt_us, now);
	else
		reno_ca(cc, acked);
}

/* RFC 9438 4.6 and 4.7 for CUBIC; returns the new ssthresh before the
 * 2 SMSS floor. */
static uint32_t cubic_reduce(struct nlrs_cc *cc)
{
	uint32_t cw = cc->cwnd;
	/* 4.7 fast convergence: a window that stopped short of the last
	 * W_max means new flows are taking bandwidth; release some more. */
	if (cw < cc->w_max)
		cc->w_max = (uint32_t)((uint64_t)cw * (BETA_DEN + BETA_NUM) / (2u * BETA_DEN));
	else
		cc->w_max = cw;
	cc->w_last_max = cw; /* 4.6 cwnd_prior, for 4.3's switch of alpha */
	cc->epoch = 0;
	/* 4.6: ssthresh = cwnd * beta_cubic. The RFC writes flight_size
	 * and allows cwnd where growth stops while the window is not used,
	 * which nlrs__cc_on_ack does. */
	return (uint32_t)((uint64_t)cw * BETA_NUM / BETA_DEN);
}

static uint32_t floor2(const struct nlrs_cc *cc, uint32_t ss)
{
	/* RFC 5681 3.1 (4), RFC 9438 4.6: at least 2 SMSS; and no more than
	 * a window can be (a flight reported as 4 GiB is a caller's bug) */
	uint32_t f = clamp_cwnd(2ull * cc->mss);
	return ss > f ? clamp_cwnd(ss) : f;
}

void nlrs__cc_on_loss(struct nlrs_cc *cc, uint32_t in_flight, nlrs_time_t now)
{
	(void)now;
	uint32_t ss;
	if (is_bbr(cc)) {
		/* BBR: loss is not a congestion signal to the model; the
		 * pacing rate already holds the sending rate down. */
		cc->ssthresh = cc->cwnd;
		return;
	}
	if (is_cubic(cc))
		ss = cubic_reduce(cc);
	else
		ss = in_flight / 2u; /* RFC 5681 3.1 (4): FlightSize / 2 */
	cc->ssthresh = floor2(cc, ss);
	/* RFC 6675 5 (4.2) / RFC 9438 4.6: cwnd = ssthresh */
	cc->cwnd = cc->ssthresh;
	cc->bytes_acked = 0;
}

void nlrs__cc_on_recovery_end(struct nlrs_cc *cc, uint32_t in_flight)
{
	/* RFC 6582 3.2 step 3, option (1): cwnd = min(ssthresh,
	 * max(FlightSize, SMSS) + SMSS), so a nearly drained pipe does not
	 * turn into a burst of ssthresh bytes. */
	if (is_bbr(cc))
		return;
	uint64_t w = (uint64_t)(in_flight > cc->mss ? in_flight : cc->mss) + cc->mss;
	cc->cwnd = cc->ssthresh < w ? cc->ssthresh : clamp_cwnd(w);
	cc->bytes_acked = 0;
}

void nlrs__cc_on_rto(struct nlrs_cc *cc, uint32_t in_flight, nlrs_time_t now)
{
	(void)now;
	uint32_t ss;
	if (is_bbr(cc)) {
		/* BBR draft 4.2.3.4 takes cwnd to one segment after a
		 * timeout; here to BBR's floor of four (MinPipeCwnd): the
		 * pacing rate, not the window, holds the rate down, and on a
		 * lossy path one segment at a time turns every lost
		 * retransmission or lost ACK into another backed-off timeout.
		 * The window from before comes back when the episode ends. */
		if (!cc->prior_cwnd)
			cc->prior_cwnd = cc->cwnd;
		cc->cwnd = 4u * cc->mss;
		return;
	}
	if (is_cubic(cc)) {
		/* RFC 9438 4.8: ssthresh by beta_cubic as in 4.6; the next
		 * congestion avoidance starts with K = 0 and W_max =
		 * cwnd_epoch, which a cleared W_max tells cubic_ca. */
		ss = cubic_reduce(cc);
		cc->w_max = 0;
		cc->k_us = 0;
	} else {
		ss = in_flight / 2u; /* RFC 5681 3.1 (4) */
	}
	cc->ssthresh = floor2(cc, ss);
	cc->cwnd = cc->mss; /* RFC 5681 3.1 (5): LW = 1 SMSS */
	cc->bytes_acked = 0;
	cc->epoch = 0;
}

void nlrs__cc_on_idle(struct nlrs_cc *cc)
{
	/* RFC 5681 4.1: after an RTO's worth of silence, restart from
	 * RW = min(IW, cwnd); ssthresh is kept. BBR paces the restart
	 * at its model's rate instead. */
	if (is_bbr(cc))
		return;
	uint32_t iw = initial_window(cc->mss);
	if (cc->cwnd > iw)
		cc->cwnd = iw;
	cc->bytes_acked = 0;
	/* RFC 9438 5.8: the idle time must not count in t */
	cc->epoch = 0;
}
