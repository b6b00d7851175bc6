/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Congestion control (stack/tcp_cc.c), driven directly with a virtual
 * clock: RFC 6928 initial window, RFC 5681 + RFC 3465 slow start and
 * congestion avoidance, RFC 9438 CUBIC against its formulas evaluated here
 * in double precision (the module itself is integer-only).
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include "tcp.h"

#define MSS 1460u
#define SEC 1000000ull
#define T0 (5 * SEC) /* the clock does not start at 0 */

/* cube root by Newton's method (no libm needed) */
static double cbrt_d(double x)
{
	if (x <= 0)
		return 0;
	double y = x > 1 ? x / 3 : 1;
	for (int i = 0; i < 200; i++)
		y = (2 * y + x / (y * y)) / 3;
	return y;
}

static double absd(double x)
{
	return x < 0 ? -x : x;
}

/* RFC 9438 4.2: K = cbrt((W_max - cwnd_epoch) / C), seconds, windows in
 * segments; W_cubic(t) = C (t - K)^3 + W_max. */
static double rfc_k(double wmax_seg, double epoch_seg)
{
	return cbrt_d((wmax_seg - epoch_seg) / 0.4);
}
static double rfc_w(double t, double k, double wmax_seg)
{
	double d = t - k;
	return 0.4 * d * d * d + wmax_seg;
}

/* A sender that keeps its window full: before every ACK the flight is
 * cwnd. Acknowledges one window's worth in ACKs of `per_ack` bytes,
 * spread over one RTT starting at `start`. */
static void ack_window(struct nlrs_cc *cc, uint32_t per_ack, uint32_t rtt, nlrs_time_t start)
{
	uint32_t total = cc->cwnd, n = (total + per_ack - 1) / per_ack, i = 0;
	for (uint32_t done = 0; done < total; done += per_ack, i++) {
		uint32_t a = total - done < per_ack ? total - done : per_ack;
		nlrs__cc_on_ack(cc, a, cc->cwnd, rtt, start + (nlrs_time_t)rtt * i / n);
	}
}

/* ---- common ---- */

Test(tcp_cc, initial_window_follows_rfc6928)
{
	static const uint32_t mss[] = { 536, 1000, 1460, 4000, 8960, 9000, 65535 };
	for (unsigned algo = 0; algo < 2; algo++) {
		for (unsigned i = 0; i < sizeof(mss) / sizeof(mss[0]); i++) {
			struct nlrs_cc cc;
			nlrs__cc_init(&cc, (uint8_t)algo, mss[i]);
			uint64_t lo = 2ull * mss[i] > 14600 ? 2ull * mss[i] : 14600;
			uint64_t iw = lo < 10ull * mss[i] ? lo : 10ull * mss[i];
			cr_assert_eq(cc.cwnd, iw, "mss %u: cwnd %u", mss[i], cc.cwnd);
			cr_assert_eq(cc.ssthresh, UINT32_MAX);
			cr_assert_eq(cc.mss, mss[i]);
			cr_assert_eq(cc.algo, algo);
		}
	}
	struct nlrs_cc cc;
	nlrs__cc_init(&cc, NLRS_CC_CUBIC, 1460);
	cr_assert_eq(cc.cwnd, 14600, "10 segments of 1460");
	nlrs__cc_init(&cc, NLRS_CC_CUBIC, 536);
	cr_assert_eq(cc.cwnd, 5360, "10 segments of 536");
	nlrs__cc_init(&cc, NLRS_CC_CUBIC, 9000);
	cr_assert_eq(cc.cwnd, 18000, "2 segments of 9000");
	nlrs__cc_init(&cc, NLRS_CC_NEWRENO, 0);
	cr_assert_eq(cc.mss, 536, "no MSS: the RFC 9293 default");
	cr_assert_eq(cc.cwnd, 5360);
}

Test(tcp_cc, slow_start_doubles_per_rtt_with_every_segment_acked)
{
	for (unsigned algo = 0; algo < 2; algo++) {
		struct nlrs_cc cc;
		nlrs__cc_init(&cc, (uint8_t)algo, MSS);
		nlrs_time_t now = T0;
		for (unsigned r = 0; r < 6; r++) {
			uint32_t before = cc.cwnd;
			ack_window(&cc, MSS, 100000, now);
			now += 100000;
			cr_assert_eq(cc.cwnd, 2 * before, "algo %u round %u: %u -> %u", algo, r,
				     before, cc.cwnd);
		}
		cr_assert_eq(cc.cwnd, 64u * 14600u);
	}
}

Test(tcp_cc, slow_start_doubles_per_rtt_with_delayed_acks_thanks_to_abc)
{
	/* RFC 3465 2.2/2.3: with L = 2 SMSS an ACK for two segments grows
	 * cwnd by two, so delayed ACKs do not slow slow start to 1.5x */
	for (unsigned algo = 0; algo < 2; algo++) {
		struct nlrs_cc cc;
		nlrs__cc_init(&cc, (uint8_t)algo, MSS);
		nlrs_time_t now = T0;
		for (unsigned r = 0; r < 6; r++) {
			uint32_t before = cc.cwnd;
			ack_window(&cc, 2 * MSS, 100000, now);
			now += 100000;
			cr_assert_eq(cc.cwnd, 2 * before, "algo %u round %u", algo, r);
		}
	}
}

Test(tcp_cc, slow_start_counts_at_most_two_smss_per_ack)
{
	struct nlrs_cc cc;
	nlrs__cc_init(&cc, NLRS_CC_NEWRENO, MSS);
	nlrs__cc_on_ack(&cc, 10 * MSS, cc.cwnd, 0, T0);
	cr_assert_eq(cc.cwnd, 12 * MSS, "RFC 3465: min(N, 2 SMSS)");
	nlrs__cc_on_ack(&cc, 100, cc.cwnd, 0, T0);
	cr_assert_eq(cc.cwnd, 12 * MSS + 100, "a partial segment counts its bytes");
}

Test(tcp_cc, no_growth_while_the_window_is_not_used)
{
	for (unsigned algo = 0; algo < 2; algo++) {
		struct nlrs_cc cc;
		nlrs__cc_init(&cc, (uint8_t)algo, MSS);
		nlrs__cc_on_ack(&cc, MSS, cc.cwnd - 2 * MSS, 0, T0);
		cr_assert_eq(cc.cwnd, 14600, "application-limited: no growth");
		nlrs__cc_on_ack(&cc, MSS, cc.cwnd - MSS, 0, T0);
		cr_assert_eq(cc.cwnd, 14600 + MSS, "one segment short of cwnd is in use");
		nlrs__cc_on_ack(&cc, 0, cc.cwnd, 0, T0);
		cr_assert_eq(cc.cwnd, 14600 + MSS, "nothing acknowledged");
	}
}

Test(tcp_cc, slow_start_hands_the_rest_of_an_ack_to_congestion_avoidance)
{
	struct nlrs_cc cc;
	nlrs__cc_init(&cc, NLRS_CC_NEWRENO, MSS);
	cc.ssthresh = cc.cwnd + MSS / 2;
	nlrs__cc_on_ack(&cc, 2 * MSS, cc.cwnd, 0, T0);
	cr_assert_eq(cc.cwnd, cc.ssthresh);
	cr_assert_eq(cc.bytes_acked, 2 * MSS - MSS / 2);
}

Test(tcp_cc, idle_restart_returns_to_the_initial_window)
{
	for (unsigned algo = 0; algo < 2; algo++) {
		struct nlrs_cc cc;
		nlrs__cc_init(&cc, (uint8_t)algo, MSS);
		cc.cwnd = 100 * MSS;
		cc.ssthresh = 80 * MSS;
		cc.epoch = T0;
		nlrs__cc_on_idle(&cc);
		cr_assert_eq(cc.cwnd, 14600, "RFC 5681 4.1: min(IW, cwnd)");
		cr_assert_eq(cc.ssthresh, 80 * MSS, "ssthresh kept");
		cr_assert_eq(cc.epoch, 0, "RFC 9438 5.8: idle time is not in t");
		cc.cwnd = 3 * MSS;
		nlrs__cc_on_idle(&cc);
		cr_assert_eq(cc.cwnd, 3 * MSS, "a smaller window stays");
	}
}

Test(tcp_cc, recovery_end_deflates_to_ssthresh_or_the_flight)
{
	for (unsigned algo = 0; algo < 2; algo++) {
		struct nlrs_cc cc;
		nlrs__cc_init(&cc, (uint8_t)algo, MSS);
		cc.ssthresh = 20 * MSS;
		cc.cwnd = 35 * MSS; /* inflated during recovery */
		nlrs__cc_on_recovery_end(&cc, 30 * MSS);
		cr_assert_eq(cc.cwnd, 20 * MSS);
		cc.cwnd = 35 * MSS;
		nlrs__cc_on_recovery_end(&cc, 5 * MSS);
		cr_assert_eq(cc.cwnd, 6 * MSS, "RFC 6582 3.2 (1): FlightSize + SMSS");
		nlrs__cc_on_recovery_end(&cc, 0);
		cr_assert_eq(cc.cwnd, 2 * MSS, "max(FlightSize, SMSS) + SMSS");
	}
}

Test(tcp_cc, mss_change_keeps_the_window_in_segments)
{
	struct nlrs_cc cc;
	nlrs__cc_init(&cc, NLRS_CC_CUBIC, 1460);
	cc.cwnd = 20 * 1460;
	cc.ssthresh = 40 * 1460;
	cc.w_max = 50 * 1460;
	nlrs__cc_set_mss(&cc, 1000);
	cr_assert_eq(cc.mss, 1000);
	cr_assert_eq(cc.cwnd, 20000);
	cr_assert_eq(cc.ssthresh, 40000);
	cr_assert_eq(cc.w_max, 50000);
	nlrs__cc_set_mss(&cc, 0);
	cr_assert_eq(cc.mss, 1000, "0 ignored");
	/* a zeroed block (before nlrs__cc_init) only records the MSS */
	cc = (struct nlrs_cc){ 0 };
	nlrs__cc_set_mss(&cc, 1400);
	cr_assert_eq(cc.mss, 1400);
	cr_assert_eq(cc.cwnd, 0);
	nlrs__cc_init(&cc, NLRS_CC_NEWRENO, 1460);
	nlrs__cc_set_mss(&cc, 536);
	cr_assert_eq(cc.cwnd, 5360);
	cr_assert_eq(cc.ssthresh, UINT32_MAX, "the initial ssthresh stays infinite");
}

/* ---- NewReno ---- */

Test(tcp_cc, newreno_loss_sets_ssthresh_to_half_the_flight)
{
	struct nlrs_cc cc;
	nlrs__cc_init(&cc, NLRS_CC_NEWRENO, MSS);
	cc.cwnd = 50 * MSS;
	nlrs__cc_on_loss(&cc, 40 * MSS, T0);
	cr_assert_eq(cc.ssthresh, 20 * MSS, "RFC 5681 (4): FlightSize / 2");
	cr_assert_eq(cc.cwnd, 20 * MSS);
	nlrs__cc_on_loss(&cc, 3 * MSS, T0);
	cr_assert_eq(cc.ssthresh, 2 * MSS, "floor of 2 SMSS");
	cr_assert_eq(cc.cwnd, 2 * MSS);
}

Test(tcp_cc, newreno_congestion_avoidance_adds_one_smss_per_rtt)
{
	for (unsigned delack = 0; delack < 2; delack++) {
		struct nlrs_cc cc;
		nlrs__cc_init(&cc, NLRS_CC_NEWRENO, MSS);
		nlrs__cc_on_loss(&cc, 40 * MSS, T0);
		cr_assert_eq(cc.cwnd, 20 * MSS);
		nlrs_time_t now = T0;
		for (unsigned r = 1; r <= 10; r++) {
			ack_window(&cc, delack ? 2 * MSS : MSS, 100000, now);
			now += 100000;
			cr_assert_eq(cc.cwnd, (20 + r) * MSS, "delack %u round %u: %u", delack, r,
				     cc.cwnd);
		}
	}
}

Test(tcp_cc, newreno_rto_gives_one_smss)
{
	struct nlrs_cc cc;
	nlrs__cc_init(&cc, NLRS_CC_NEWRENO, MSS);
	cc.cwnd = 50 * MSS;
	nlrs__cc_on_rto(&cc, 40 * MSS, T0);
	cr_assert_eq(cc.cwnd, MSS, "RFC 5681 (5): loss window");
	cr_assert_eq(cc.ssthresh, 20 * MSS);
	/* then slow start again */
	ack_window(&cc, MSS, 100000, T0);
	cr_assert_eq(cc.cwnd, 2 * MSS);
}

/* ---- CUBIC ---- */

Test(tcp_cc, cubic_loss_multiplies_by_0_7)
{
	struct nlrs_cc cc;
	nlrs__cc_init(&cc, NLRS_CC_CUBIC, MSS);
	cc.cwnd = 100 * MSS;
	/* the flight does not matter: ssthresh comes from cwnd (RFC 9438
	 * 4.6 allows it given no growth while the window is unused) */
	nlrs__cc_on_loss(&cc, 50 * MSS, T0);
	cr_assert_eq(cc.ssthresh, 70 * MSS);
	cr_assert_eq(cc.cwnd, 70 * MSS);
	cr_assert_eq(cc.w_max, 100 * MSS, "first loss: W_max = cwnd");
	cr_assert_eq(cc.w_last_max, 100 * MSS, "cwnd_prior");
	cr_assert_eq(cc.epoch, 0);
	cc.cwnd = 2 * MSS;
	nlrs__cc_on_loss(&cc, 2 * MSS, T0);
	cr_assert_eq(cc.ssthresh, 2 * MSS, "floor of 2 SMSS");
}

Test(tcp_cc, cubic_fast_convergence_lowers_w_max)
{
	struct nlrs_cc cc;
	nlrs__cc_init(&cc, NLRS_CC_CUBIC, MSS);
	cc.cwnd = 100 * MSS;
	nlrs__cc_on_loss(&cc, 100 * MSS, T0);
	cr_assert_eq(cc.w_max, 100 * MSS);
	/* the next loss comes before cwnd got back to W_max */
	cc.cwnd = 90 * MSS;
	nlrs__cc_on_loss(&cc, 90 * MSS, T0);
	cr_assert_eq(cc.w_max, 90 * MSS * 17 / 20, "RFC 9438 4.7: cwnd (1 + beta) / 2");
	cr_assert_eq(cc.ssthresh, 63 * MSS);
	cr_assert_eq(cc.w_last_max, 90 * MSS);
	/* past W_max: W_max is the window */
	cc.cwnd = 120 * MSS;
	nlrs__cc_on_loss(&cc, 120 * MSS, T0);
	cr_assert_eq(cc.w_max, 120 * MSS);
	cr_assert_eq(cc.ssthresh, 84 * MSS);
}

/* Start a congestion-avoidance epoch from cwnd c and W_max w (bytes) at
 * time `at` with a small ACK, and return K as the module computed it. */
static uint32_t epoch_k(struct nlrs_cc *cc, uint32_t mss, uint32_t c, uint32_t w, nlrs_time_t at)
{
	nlrs__cc_init(cc, NLRS_CC_CUBIC, mss);
	cc->cwnd = c;
	cc->ssthresh = c;
	cc->w_max = w;
	cc->w_last_max = w;
	nlrs__cc_on_ack(cc, 1, cc->cwnd, 0, at);
	cr_assert_eq(cc->epoch, at);
	cr_assert_eq(cc->cwnd_epoch, c);
	return cc->k_us;
}

Test(tcp_cc, cubic_k_matches_the_rfc_formula)
{
	static const uint32_t mss[] = { 536, 1460, 9000 };
	static const uint32_t segs[] = { 3, 10, 100, 1000, 10000, 100000 };
	for (unsigned i = 0; i < 3; i++) {
		for (unsigned j = 0; j < 6; j++) {
			uint64_t w = (uint64_t)segs[j] * mss[i];
			if (w > (1u << 30))
				continue;
			struct nlrs_cc cc;
			nlrs__cc_init(&cc, NLRS_CC_CUBIC, mss[i]);
			cc.cwnd = (uint32_t)w;
			nlrs__cc_on_loss(&cc, cc.cwnd, T0);
			nlrs__cc_on_ack(&cc, mss[i], cc.cwnd, 0, T0 + 1000);
			double k =
				rfc_k((double)cc.w_max / mss[i], (double)cc.cwnd_epoch / mss[i]) *
				1e6;
			double tol = k * 1e-4 > 2 ? k * 1e-4 : 2;
			cr_assert(absd(cc.k_us - k) <= tol,
				  "mss %u W_max %u segs: K %u us, RFC %.1f us", mss[i], segs[j],
				  cc.k_us, k);
		}
	}
	/* one byte below W_max; and the largest gap there can be */
	struct nlrs_cc cc;
	uint32_t k = epoch_k(&cc, MSS, 100 * MSS, 100 * MSS + 1, T0);
	double kr = rfc_k(1.0 / MSS, 0) * 1e6;
	cr_assert(absd(k - kr) <= kr * 1e-4, "K %u us, RFC %.1f us", k, kr);
	k = epoch_k(&cc, 536, 536, 1u << 30, T0);
	kr = rfc_k((double)(1u << 30) / 536, 1) * 1e6;
	cr_assert(absd(k - kr) <= kr * 1e-4, "K %u us, RFC %.1f us", k, kr);
	/* cwnd already at W_max: K = 0 */
	cr_assert_eq(epoch_k(&cc, MSS, 100 * MSS, 100 * MSS, T0), 0);
	cr_assert_eq(epoch_k(&cc, MSS, 100 * MSS, 50 * MSS, T0), 0);
	cr_assert_eq(cc.w_max, 100 * MSS, "W_max raised to cwnd_epoch");
}

Test(tcp_cc, cubic_window_follows_w_cubic)
{
	/* W_max 1000 segments, loss to 700, RTT 100 ms. At each point t an
	 * ACK for the whole window takes cwnd to the target W_cubic(t +
	 * RTT) (RFC 9438 4.2: target clamped to [cwnd, 1.5 cwnd]); the
	 * points cover the concave region, K, and the convex region. */
	const uint32_t rtt = 100000;
	struct nlrs_cc cc;
	nlrs__cc_init(&cc, NLRS_CC_CUBIC, MSS);
	cc.cwnd = 1000 * MSS;
	nlrs__cc_on_loss(&cc, cc.cwnd, T0);
	cr_assert_eq(cc.cwnd, 700 * MSS);
	nlrs_time_t e = T0 + 20000; /* first ACK after recovery: the epoch */
	nlrs__cc_on_ack(&cc, MSS, cc.cwnd, rtt, e);
	cr_assert_eq(cc.epoch, e);
	double wmax = (double)cc.w_max / MSS;
	double k = rfc_k(wmax, (double)cc.cwnd_epoch / MSS);
	cr_assert(absd(k - 9.0856) < 0.001, "K = cbrt(300 / 0.4) = %f", k);
	static const double ts[] = { 0.5, 1, 2, 4, 6, 8, 9.0856, 10, 12, 15, 20 };
	for (unsigned i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		double before = cc.cwnd;
		nlrs_time_t now = e + (nlrs_time_t)(ts[i] * 1e6);
		/* the cubic region: W_cubic(t) above the Reno estimate */
		cr_assert_gt(rfc_w(ts[i], k, wmax) * MSS, cc.w_est);
		nlrs__cc_on_ack(&cc, cc.cwnd, cc.cwnd, rtt, now);
		double want = rfc_w(ts[i] + rtt / 1e6, k, wmax) * MSS;
		if (want < before)
			want = before;
		if (want > 1.5 * before)
			want = 1.5 * before;
		/* t is taken in 100 us steps, K to a few us: within 48 bytes */
		cr_assert(absd(cc.cwnd - want) <= 48, "t = %.4f s: cwnd %u, RFC %.0f (%.2f segs)",
			  ts[i], cc.cwnd, want, want / MSS);
	}
	cr_assert_gt(cc.cwnd, 1500 * MSS, "well into the convex region");
}

Test(tcp_cc, cubic_window_per_ack_matches_the_rfc_increment)
{
	/* Per ACK of one segment: cwnd += (target - cwnd) / cwnd segments
	 * (RFC 9438 4.4). */
	const uint32_t rtt = 50000;
	struct nlrs_cc cc;
	nlrs__cc_init(&cc, NLRS_CC_CUBIC, MSS);
	cc.cwnd = 200 * MSS;
	nlrs__cc_on_loss(&cc, cc.cwnd, T0);
	nlrs__cc_on_ack(&cc, MSS, cc.cwnd, rtt, T0);
	double wmax = (double)cc.w_max / MSS, k = rfc_k(wmax, (double)cc.cwnd_epoch / MSS);
	nlrs_time_t now = T0 + 2 * SEC;
	double c = cc.cwnd;
	double target = rfc_w(2.0 + rtt / 1e6, k, wmax) * MSS;
	nlrs__cc_on_ack(&cc, MSS, cc.cwnd, rtt, now);
	double want = c + (target - c) / c * MSS;
	cr_assert(absd(cc.cwnd - want) <= 2, "cwnd %u, RFC %.1f", cc.cwnd, want);
}

Test(tcp_cc, cubic_target_is_clamped_to_one_and_a_half_cwnd)
{
	struct nlrs_cc cc;
	/* far below W_max: W_cubic(t + RTT) is hundreds of segments up */
	epoch_k(&cc, MSS, 10 * MSS, 1000 * MSS, T0);
	nlrs__cc_on_ack(&cc, cc.cwnd, cc.cwnd, 100000, T0 + 5 * SEC);
	cr_assert_eq(cc.cwnd, 15 * MSS, "RFC 9438 4.2: at most 1.5 cwnd per window");
	nlrs__cc_on_ack(&cc, cc.cwnd, cc.cwnd, 100000, T0 + 5 * SEC + 1);
	cr_assert_eq(cc.cwnd, 15 * MSS * 3 / 2);
}

/* Four RTTs of 200 ms with every segment acknowledged, from an epoch at
 * cwnd = W_max = 100 segments (K = 0): W_cubic(0.8 s) = 100.2 segments
 * while W_est has grown by alpha per RTT: the Reno-friendly region. */
static uint32_t reno_region_run(uint32_t cwnd_prior)
{
	struct nlrs_cc cc;
	epoch_k(&cc, MSS, 100 * MSS, 0, T0);
	cr_assert_eq(cc.k_us, 0);
	cc.w_last_max = cwnd_prior;
	for (unsigned r = 0; r < 4; r++)
		ack_window(&cc, MSS, 200000, T0 + r * 200000ull);
	cr_assert_eq(cc.cwnd, cc.w_est, "RFC 9438 4.3: cwnd = W_est");
	return cc.cwnd;
}

Test(tcp_cc, cubic_reno_friendly_region_grows_by_alpha)
{
	/* alpha_cubic = 9/17 until W_est reaches cwnd_prior: ~2.1 segments */
	double segs = (double)reno_region_run(200 * MSS) / MSS - 100;
	cr_assert(absd(segs - 4 * 9.0 / 17) <= 1.0, "grew %.2f segments", segs);
	/* W_est past cwnd_prior: alpha = 1, ~4 segments */
	segs = (double)reno_region_run(50 * MSS) / MSS - 100;
	cr_assert(absd(segs - 4) <= 1.0, "grew %.2f segments", segs);
}

Test(tcp_cc, cubic_rto_then_slow_start_then_k_zero)
{
	struct nlrs_cc cc;
	nlrs__cc_init(&cc, NLRS_CC_CUBIC, MSS);
	cc.cwnd = 50 * MSS;
	nlrs__cc_on_rto(&cc, 10 * MSS, T0);
	cr_assert_eq(cc.cwnd, MSS, "RFC 9438 4.8 / RFC 5681 (5): one segment");
	cr_assert_eq(cc.ssthresh, 35 * MSS, "ssthresh by beta_cubic");
	cr_assert_eq(cc.epoch, 0);
	nlrs_time_t now = T0 + SEC;
	for (unsigned r = 0; r < 5; r++, now += 100000)
		ack_window(&cc, MSS, 100000, now);
	cr_assert_eq(cc.cwnd, 32 * MSS, "1, 2, 4, 8, 16, 32");
	cr_assert_eq(cc.epoch, 0);
	/* the next window reaches ssthresh after three ACKs; the rest
	 * begins congestion avoidance with K = 0 and W_max = cwnd_epoch */
	ack_window(&cc, MSS, 100000, now);
	cr_assert_neq(cc.epoch, 0);
	cr_assert_eq(cc.k_us, 0);
	cr_assert_eq(cc.w_max, 35 * MSS);
	cr_assert_eq(cc.cwnd_epoch, 35 * MSS);
	/* convex from there: one window acknowledged 1 s later */
	nlrs_time_t e = cc.epoch;
	nlrs__cc_on_ack(&cc, cc.cwnd, cc.cwnd, 100000, e + SEC);
	double want = rfc_w(1.1, 0, 35) * MSS;
	cr_assert(absd(cc.cwnd - want) <= 64, "cwnd %u, RFC %.0f", cc.cwnd, want);
}

Test(tcp_cc, cubic_application_limited_ack_restarts_the_epoch)
{
	struct nlrs_cc cc;
	epoch_k(&cc, MSS, 70 * MSS, 100 * MSS, T0);
	uint32_t c = cc.cwnd;
	nlrs__cc_on_ack(&cc, MSS, 10 * MSS, 100000, T0 + 3 * SEC);
	cr_assert_eq(cc.cwnd, c, "no growth");
	cr_assert_eq(cc.epoch, 0, "RFC 9438 5.8: the time off does not count");
	/* a whole window acknowledged a minute later: with the old epoch
	 * the target would be far past W_max (clamped to 1.5 cwnd, +35
	 * segments); from the new one it is W_cubic(RTT), ~2 segments up */
	nlrs__cc_on_ack(&cc, cc.cwnd, cc.cwnd, 100000, T0 + 60 * SEC);
	cr_assert_eq(cc.epoch, T0 + 60 * SEC);
	cr_assert_eq(cc.w_max, 100 * MSS, "W_max kept");
	cr_assert_gt(cc.cwnd, c);
	cr_assert_lt(cc.cwnd, c + 3 * MSS, "no jump for the minute spent idle");
}

Test(tcp_cc, stays_in_range_under_extreme_inputs)
{
	for (unsigned algo = 0; algo < 2; algo++) {
		struct nlrs_cc cc;
		nlrs__cc_init(&cc, (uint8_t)algo, 65535);
		nlrs_time_t now = T0;
		uint32_t prev = cc.cwnd;
		for (unsigned i = 0; i < 2000; i++) {
			nlrs__cc_on_ack(&cc, 0x7fffffffu, UINT32_MAX, 10 * SEC, now);
			cr_assert_geq(cc.cwnd, prev, "an ACK never shrinks cwnd");
			cr_assert_leq(cc.cwnd, 1u << 30);
			prev = cc.cwnd;
			now += 3600 * SEC;
			if (i == 500) {
				nlrs__cc_on_loss(&cc, UINT32_MAX, now);
				cr_assert_geq(cc.ssthresh, 2 * 65535u);
				prev = cc.cwnd;
			}
		}
		if (algo == NLRS_CC_CUBIC)
			cr_assert_eq(cc.cwnd, 1u << 30, "saturates at 2^30");
		nlrs__cc_on_rto(&cc, UINT32_MAX, now);
		cr_assert_eq(cc.cwnd, 65535u);
	}
}
