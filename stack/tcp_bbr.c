/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Delivery rate estimation, BBR congestion control and pacing.
 *
 * Implements:
 *   - Delivery rate samples after draft-cheng-iccrg-delivery-rate-
 *     estimation-02 (3.1-3.5): C.delivered counts every byte once, when it
 *     is first cumulatively ACKed or SACKed; a sample is taken from the
 *     most recently sent segment an ACK delivers, over the longer of its
 *     send and ACK intervals (3.3), and is marked application-limited
 *     when the sender had nothing to send (3.4). Unlike the draft, the
 *     per-packet state is kept for NLRS_TCP_RATE_MARKS segments in flight,
 *     not all of them: when the marks run out the oldest is forgotten (it
 *     is usually a lost one), which costs samples, not correctness.
 *   - BBR v1 after draft-cardwell-iccrg-bbr-congestion-control-00: the
 *     BtlBw max filter over 10 round trips (4.1.1), the RTprop min filter
 *     over 10 s (4.1.2), Startup with gain 2/ln 2 and its exit after three
 *     rounds without 25% growth (4.3.2), Drain (4.3.3), ProbeBW's eight-
 *     phase gain cycle 5/4, 3/4, 1 x 6 (4.3.4), ProbeRTT with a 4-segment
 *     window for 200 ms and a round (4.3.5), pacing_rate = pacing_gain x
 *     BtlBw (4.2.1) and cwnd = cwnd_gain x BDP plus a send quantum
 *     allowance (4.2.3). Loss does not lower the model; a retransmission
 *     timeout sets cwnd to one segment and the window from before is
 *     restored when the episode ends (4.2.3.4).
 *   - Pacing: data segments leave no earlier than pacing_rate allows,
 *     with up to 1 ms of bursts (the timer wheel's granularity) so fast
 *     paths are not capped by the tick.
 *   - Policer detection, as Linux's BBR v1 does it (lt_bw sampling; the
 *     draft leaves it out): a token-bucket policer lets bursts through at
 *     line rate and drops the rest, so per-ACK samples overstate the
 *     bandwidth and BBR keeps overrunning the bucket. When two consecutive
 *     intervals with at least 20% loss deliver at rates within 1/8 of
 *     each other, BBR paces at their average (the policer's rate). Unlike
 *     Linux (which probes again after 48 rounds, overrunning the bucket
 *     each time: per-segment samples after a pacing gap measure the link,
 *     not the bucket), it then climbs by loss: see lt_climb. An
 *     interval spans at least 4 rounds and, unlike Linux, at least 250 ms:
 *     rounds on a short path can be shorter than a policer's refill period.
 * Not implemented: BBR v2/v3's loss and ECN bounds; packet conservation in
 * the first round of fast recovery (4.2.3.4: here cwnd is kept, the pacing
 * rate does the limiting).
 *
 * Why BBR here: on a path with heavy random loss and a policer (the fault
 * injector's 15% drop, 15% corruption and 4 frames per 50 ms), a loss-based
 * controller halves per loss and still sends its window in bursts that the
 * policer cuts; BBR paces at the measured delivery rate instead.
 *
 * Rates are bytes per second in 64 bits; gains are fixed point x 256.
 */
#include "tcp.h"

enum { BBR_STARTUP = 1, BBR_DRAIN, BBR_PROBE_BW, BBR_PROBE_RTT };

#define BBR_UNIT 256u
#define BBR_HIGH_GAIN 739u   /* 2/ln(2) = 2.885 x 256 (4.3.2.1) */
#define BBR_DRAIN_GAIN 89u   /* 1/2.885 x 256 (4.3.3) */
#define BBR_CWND_GAIN 512u   /* 2 (4.3.4.2) */
#define BBR_CYCLE_LEN 8u
static const uint16_t cycle_gain[BBR_CYCLE_LEN] = { 320, 192, 256, 256, 256, 256, 256, 256 };
#define RTPROP_WINDOW NLRS_SEC(10)   /* 4.1.2.1 RTpropFilterLen */
#define PROBE_RTT_TIME NLRS_MSEC(200) /* 4.3.5 ProbeRTTDuration */
#define PACE_BURST_US 1000u          /* the timer wheel's tick */

static uint32_t min_cwnd(const struct nlrs_tcb *tp)
{
	return 4u * tp->mss; /* 4.3.5 MinPipeCwnd */
}

static uint32_t in_flight(const struct nlrs_tcb *tp)
{
	uint32_t out = tp->snd_max - tp->snd_una;
	return out > tp->sb.sacked ? out - tp->sb.sacked : 0;
}

#define LT_MIN_ROUNDS 4u
#define LT_MAX_ROUNDS 16u
#define LT_MIN_TIME NLRS_MSEC(250)

/* The probe's gain: 5/4, growing to 3/2 and 2 after climbs that paid off
 * (a policer's rate may be far above the first estimate, which was taken
 * while the bucket was being overrun). */
static uint32_t lt_probe_gain(const struct nlrs_bbr *b)
{
	static const uint16_t g[4] = { 320, 384, 512, 512 };
	return g[b->lt_climbs];
}

/* The bandwidth the model works with: the policer's when one was found. */
static uint64_t model_bw(const struct nlrs_bbr *b)
{
	return b->lt_use_bw ? b->lt_bw : b->btl_bw;
}

static uint64_t bdp(const struct nlrs_tcb *tp, uint32_t gain)
{
	const struct nlrs_bbr *b = &tp->bbr;
	uint64_t bw = model_bw(b);
	if (!bw || b->min_rtt == UINT32_MAX)
		return 0;
	return bw * b->min_rtt / 1000000u * gain / BBR_UNIT;
}

static void set_pacing(struct nlrs_stack *s, struct nlrs_tcb *tp, bool init)
{
	struct nlrs_bbr *b = &tp->bbr;
	uint64_t rate;
	uint64_t bw = model_bw(b);
	if (!bw) {
		/* 4.2.1 BBRInitPacingRate: cwnd over the handshake RTT, or
		 * 1 ms when no RTT is known yet. */
		uint32_t rtt = tp->srtt ? tp->srtt : 1000u;
		rate = (uint64_t)tp->cc.cwnd * 1000000u / rtt;
		rate = rate * b->pacing_gain / BBR_UNIT;
	} else {
		/* 4.2.1: pacing_gain x BtlBw, 1% below to keep queues short */
		uint32_t gain = !b->lt_use_bw ? b->pacing_gain : b->lt_probing ? lt_probe_gain(b) : BBR_UNIT;
		rate = bw * gain / BBR_UNIT * 99u / 100u;
	}
	if (!rate)
		rate = 1;
	/* Startup never lowers the rate (4.2.1 BBRSetPacingRateWithGain). */
	if (init || b->filled_pipe || rate > tp->pacing_rate)
		tp->pacing_rate = rate;
	(void)s;
}

static void bbr_start(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	struct nlrs_bbr *b = &tp->bbr;
	nlrs_memset(b, 0, sizeof(*b));
	b->mode = BBR_STARTUP;
	b->pacing_gain = BBR_HIGH_GAIN;
	b->cwnd_gain = BBR_HIGH_GAIN;
	b->min_rtt = tp->srtt ? tp->srtt : UINT32_MAX;
	b->min_rtt_stamp = s->now;
	b->next_round_delivered = tp->delivered;
	set_pacing(s, tp, true);
}

void nlrs__tcp_rate_sent(struct nlrs_stack *s, struct nlrs_tcb *tp, uint32_t seq, uint32_t len)
{
	if (!len || !nlrs__tcp_bbr(tp))
		return;
	if (!tp->bbr.mode)
		bbr_start(s, tp);
	/* 3.2: when nothing is in flight, the send and ACK intervals start now. */
	if (tp->snd_una == tp->snd_max) {
		tp->first_sent_time = s->now;
		tp->delivered_time = s->now;
	}
	uint32_t end = seq + len;
	/* A retransmission supersedes the marks of what it covers. */
	unsigned w = 0;
	for (unsigned i = 0; i < tp->nmarks; i++) {
		const struct nlrs_rate_mark *m = &tp->marks[i];
		if (nlrs_seq_lt(m->seq, end) && nlrs_seq_gt(m->end, seq))
			continue;
		tp->marks[w++] = *m;
	}
	tp->nmarks = (uint8_t)w;
	if (tp->nmarks == NLRS_TCP_RATE_MARKS) {
		for (unsigned i = 1; i < tp->nmarks; i++)
			tp->marks[i - 1] = tp->marks[i];
		tp->nmarks--;
	}
	tp->marks[tp->nmarks++] = (struct nlrs_rate_mark){
		.seq = seq,
		.end = end,
		.app_limited = tp->app_limited != 0,
		.rexmit = nlrs_seq_lt(seq, tp->snd_max),
		.pacing_rate = tp->pacing_rate,
		.delivered = tp->delivered,
		.delivered_time = tp->delivered_time,
		.first_sent_time = tp->first_sent_time,
		.sent_time = s->now,
	};

	/* Pacing budget: the segment's bytes at pacing_rate. */
	if (tp->pacing_rate) {
		nlrs_time_t base = tp->pace_next > s->now ? tp->pace_next : s->now;
		uint64_t wire = (uint64_t)len + 40u;
		tp->pace_next = base + wire * 1000000u / tp->pacing_rate;
	}
}

void nlrs__tcp_rate_app_limited(struct nlrs_tcb *tp)
{
	if (!nlrs__tcp_bbr(tp))
		return;
	/* 3.4: app-limited until what is in flight now has been delivered. */
	uint64_t v = tp->delivered + in_flight(tp);
	tp->app_limited = v ? v : 1;
}

bool nlrs__tcp_pace_hold(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	if (!nlrs__tcp_bbr(tp) || !tp->pacing_rate)
		return false;
	if (tp->pace_next <= s->now + PACE_BURST_US)
		return false;
	if (!nlrs__timer_pending(&tp->pace_timer) || tp->pace_timer.expires > tp->pace_next)
		nlrs__timer_arm(&s->wheel, &tp->pace_timer, tp->pace_next - PACE_BURST_US);
	return true;
}

struct rate_sample {
	uint64_t rate;          /* bytes/s; 0 = no sample */
	uint64_t prior_delivered;
	uint32_t rtt;           /* us; 0 = none */
	bool app_limited;
};

/* 3.3: the sample of this ACK, from the most recently sent segment it
 * delivered; marks it delivered are removed. */
static void take_sample(struct nlrs_stack *s, struct nlrs_tcb *tp, struct rate_sample *rs)
{
	const struct nlrs_rate_mark *best = NULL;
	struct nlrs_rate_mark pick = { 0 };
	unsigned w = 0;
	for (unsigned i = 0; i < tp->nmarks; i++) {
		const struct nlrs_rate_mark *m = &tp->marks[i];
		bool done = nlrs_seq_leq(m->end, tp->snd_una) ||
			    (nlrs__sack_sb_is_sacked(&tp->sb, m->seq) &&
			     nlrs__sack_sb_is_sacked(&tp->sb, m->end - 1u));
		if (!done) {
			tp->marks[w++] = *m;
			continue;
		}
		if (!best || m->sent_time >= pick.sent_time) {
			pick = *m;
			best = &pick;
		}
	}
	tp->nmarks = (uint8_t)w;
	if (!best)
		return;
	rs->prior_delivered = pick.delivered;
	rs->app_limited = pick.app_limited;
	tp->first_sent_time = pick.sent_time;
	uint64_t delivered = tp->delivered - pick.delivered;
	nlrs_time_t send_elapsed = pick.sent_time - pick.first_sent_time;
	nlrs_time_t ack_elapsed = s->now - pick.delivered_time;
	nlrs_time_t interval = send_elapsed > ack_elapsed ? send_elapsed : ack_elapsed;
	/* Paced data cannot arrive faster than it was sent. The draft's
	 * send_elapsed says so for a flight, but a segment sent alone after
	 * a pacing gap has none, and its ACK an RTT later would claim the
	 * line rate: through a token-bucket policer such samples are all
	 * bursts the bucket let by, never the policed rate. */
	if (pick.pacing_rate) {
		nlrs_time_t paced = delivered * 1000000u / pick.pacing_rate;
		if (interval < paced)
			interval = paced;
	}
	/* Karn (RFC 6298 3): a retransmission's RTT is ambiguous */
	if (!pick.rexmit)
		rs->rtt = (uint32_t)(s->now - pick.sent_time);
	/* 3.3: an interval shorter than the minimum RTT cannot be trusted
	 * (ACK compression); none at all gives no sample. */
	if (!interval || !delivered ||
	    (tp->bbr.min_rtt != UINT32_MAX && interval < tp->bbr.min_rtt))
		return;
	rs->rate = delivered * 1000000u / interval;
	tp->last_rate = rs->rate;
}

static void update_model(struct nlrs_stack *s, struct nlrs_tcb *tp, const struct rate_sample *rs)
{
	struct nlrs_bbr *b = &tp->bbr;
	/* 4.1.1.3 round counting */
	b->round_start = false;
	if (rs->prior_delivered >= b->next_round_delivered && (rs->rate || rs->rtt)) {
		b->next_round_delivered = tp->delivered;
		b->round_count++;
		b->round_start = true;
		b->bw_round[b->round_count % NLRS_BBR_BW_ROUNDS] = 0;
	}
	/* 4.1.1.5 BtlBw: app-limited samples only when they raise it */
	if (rs->rate && (!rs->app_limited || rs->rate >= b->btl_bw)) {
		uint64_t *slot = &b->bw_round[b->round_count % NLRS_BBR_BW_ROUNDS];
		if (rs->rate > *slot)
			*slot = rs->rate;
	}
	uint64_t bw = 0;
	for (unsigned i = 0; i < NLRS_BBR_BW_ROUNDS; i++)
		if (b->bw_round[i] > bw)
			bw = b->bw_round[i];
	b->btl_bw = bw;
	/* 4.1.2.3 RTprop */
	bool rtprop_expired = s->now > b->min_rtt_stamp + RTPROP_WINDOW;
	if (rs->rtt && (rs->rtt <= b->min_rtt || rtprop_expired)) {
		b->min_rtt = rs->rtt;
		b->min_rtt_stamp = s->now;
	}
}

static void enter_probe_bw(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	struct nlrs_bbr *b = &tp->bbr;
	b->mode = BBR_PROBE_BW;
	b->cwnd_gain = BBR_CWND_GAIN;
	/* 4.3.4.3: start at a random phase other than the draining one */
	b->cycle_idx = (uint8_t)(2u + (uint32_t)(tp->delivered ^ (uint64_t)s->now) % 6u);
	b->pacing_gain = cycle_gain[b->cycle_idx];
	b->cycle_stamp = s->now;
}

static void update_state(struct nlrs_stack *s, struct nlrs_tcb *tp, const struct rate_sample *rs,
			 bool lost)
{
	struct nlrs_bbr *b = &tp->bbr;
	uint32_t inflight = in_flight(tp);
	/* 4.3.2.2 filled pipe */
	if (!b->filled_pipe && b->round_start && !rs->app_limited) {
		if (b->btl_bw >= b->full_bw * 5u / 4u) {
			b->full_bw = b->btl_bw;
			b->full_bw_cnt = 0;
		} else if (++b->full_bw_cnt >= 3) {
			b->filled_pipe = true;
		}
	}
	if (b->mode == BBR_STARTUP && b->filled_pipe) {
		b->mode = BBR_DRAIN; /* 4.3.3 */
		b->pacing_gain = BBR_DRAIN_GAIN;
		b->cwnd_gain = BBR_HIGH_GAIN;
	}
	if (b->mode == BBR_DRAIN && inflight <= bdp(tp, BBR_UNIT))
		enter_probe_bw(s, tp);
	/* 4.3.4.4 gain cycling: a phase lasts an RTprop; the probing phase
	 * also runs until loss or its inflight target, the draining one ends
	 * early once inflight is down to the BDP. */
	if (b->mode == BBR_PROBE_BW) {
		uint32_t rtprop = b->min_rtt == UINT32_MAX ? 1000u : b->min_rtt;
		bool elapsed = s->now - b->cycle_stamp > rtprop;
		bool next;
		if (b->pacing_gain > BBR_UNIT)
			next = elapsed && (lost || inflight >= bdp(tp, b->pacing_gain));
		else if (b->pacing_gain < BBR_UNIT)
			next = elapsed || inflight <= bdp(tp, BBR_UNIT);
		else
			next = elapsed;
		if (next) {
			b->cycle_idx = (uint8_t)((b->cycle_idx + 1u) % BBR_CYCLE_LEN);
			b->pacing_gain = cycle_gain[b->cycle_idx];
			b->cycle_stamp = s->now;
		}
	}
	/* 4.3.5 ProbeRTT: RTprop not refreshed for 10 s */
	if (b->mode != BBR_PROBE_RTT && s->now > b->min_rtt_stamp + RTPROP_WINDOW &&
	    b->min_rtt != UINT32_MAX) {
		b->mode = BBR_PROBE_RTT;
		b->pacing_gain = BBR_UNIT;
		b->cwnd_gain = BBR_UNIT;
		b->probe_rtt_prior_cwnd = tp->cc.cwnd;
		b->probe_rtt_done = 0;
	}
	if (b->mode == BBR_PROBE_RTT) {
		if (!b->probe_rtt_done && inflight <= min_cwnd(tp)) {
			b->probe_rtt_done = s->now + PROBE_RTT_TIME;
			b->probe_rtt_round_done = false;
			b->next_round_delivered = tp->delivered;
		} else if (b->probe_rtt_done) {
			if (b->round_start)
				b->probe_rtt_round_done = true;
			if (b->probe_rtt_round_done && s->now >= b->probe_rtt_done) {
				b->min_rtt_stamp = s->now;
				if (tp->cc.cwnd < b->probe_rtt_prior_cwnd)
					tp->cc.cwnd = b->probe_rtt_prior_cwnd;
				if (b->filled_pipe) {
					enter_probe_bw(s, tp);
				} else {
					b->mode = BBR_STARTUP;
					b->pacing_gain = BBR_HIGH_GAIN;
					b->cwnd_gain = BBR_HIGH_GAIN;
				}
			}
		}
	}
}

static void set_cwnd(struct nlrs_tcb *tp, uint32_t acked)
{
	struct nlrs_bbr *b = &tp->bbr;
	struct nlrs_cc *cc = &tp->cc;
	/* 4.2.3.4: the episode after a timeout is over: restore the window */
	if (cc->prior_cwnd && !(tp->flags & TF_IN_LOSS)) {
		if (cc->cwnd < cc->prior_cwnd)
			cc->cwnd = cc->prior_cwnd;
		cc->prior_cwnd = 0;
	}
	/* 4.2.3.2: cwnd_gain x BDP, plus three send quanta for delayed and
	 * stretched ACKs (4.2.3.3 with a quantum of one segment here) */
	uint64_t target = bdp(tp, b->cwnd_gain) + 3u * tp->mss;
	if (!model_bw(b))
		target = 0;
	uint64_t w = cc->cwnd;
	if (b->filled_pipe) {
		w += acked;
		if (target && w > target)
			w = target;
	} else if (!target || w < target || tp->delivered < 10u * tp->mss) {
		w += acked;
	}
	if (w < min_cwnd(tp))
		w = min_cwnd(tp);
	if (b->mode == BBR_PROBE_RTT && w > min_cwnd(tp))
		w = min_cwnd(tp);
	if (w > (1u << 30))
		w = 1u << 30;
	cc->cwnd = (uint32_t)w;
	cc->ssthresh = cc->cwnd; /* not used by BBR; keeps tcp_info sane */
}

static void lt_interval_start(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	struct nlrs_bbr *b = &tp->bbr;
	b->lt_last_stamp = s->now;
	b->lt_last_delivered = tp->delivered;
	b->lt_last_lost = tp->bytes_retrans;
	b->lt_rtt_cnt = 0;
}

static void lt_reset(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	struct nlrs_bbr *b = &tp->bbr;
	b->lt_bw = 0;
	b->lt_use_bw = false;
	b->lt_is_sampling = false;
	lt_interval_start(s, tp);
}

/* Loss in permille of what was sent over an interval. */
static uint32_t loss_pm(uint64_t lost, uint64_t delivered)
{
	uint64_t sent = lost + delivered;
	return sent ? (uint32_t)(lost * 1000u / sent) : 0;
}

/* Policed: hold the policer's rate, and climb towards it when it was
 * underestimated. Each period (LT_CRUISE) at lt_bw measures the loss
 * there; a probe period (LT_PROBE) at 5/4 of it (more after successes,
 * lt_probe_gain) follows, and the higher
 * rate is kept when its loss is no worse than the cruise's plus 5 points:
 * random loss does not depend on the rate, a policer's drops do. A cruise
 * whose loss rose by 10 points means the policer's rate fell: back off by
 * a fifth. The mode is not left: ordinary probing would overrun the
 * bucket again, and if the policer goes away the climb (its steps growing
 * to 2x) finds the new rate within a few periods. */
#define LT_CRUISE NLRS_SEC(2)

#define LT_PROBE NLRS_SEC(1)
static void lt_climb(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	struct nlrs_bbr *b = &tp->bbr;
	nlrs_time_t span = s->now - b->lt_last_stamp;
	if (span < (b->lt_probing ? LT_PROBE : LT_CRUISE))
		return;
	uint32_t pm = loss_pm(tp->bytes_retrans - b->lt_last_lost, tp->delivered - b->lt_last_delivered);
	if (b->lt_probing) {
		b->lt_probing = false;
		if (pm <= b->lt_base_pm + 50u) {
			b->lt_bw = b->lt_bw * lt_probe_gain(b) / BBR_UNIT;
			if (b->lt_climbs < 3)
				b->lt_climbs++;
		} else {
			b->lt_climbs = 0;
		}
	} else {
		if (b->lt_base_pm && pm > b->lt_base_pm + 100u)
			b->lt_bw = b->lt_bw * 4u / 5u;
		b->lt_base_pm = pm;
		b->lt_probing = true;
	}
	lt_interval_start(s, tp);
}

/* Long-term bandwidth sampling (policer detection). Losses are counted as
 * the bytes retransmitted, the only loss tally the sender keeps. */
static void lt_sampling(struct nlrs_stack *s, struct nlrs_tcb *tp, const struct rate_sample *rs)
{
	struct nlrs_bbr *b = &tp->bbr;
	bool lost_now = tp->bytes_retrans != b->lt_prev_lost;
	b->lt_prev_lost = tp->bytes_retrans;
	if (b->lt_use_bw) {
		lt_climb(s, tp);
		return;
	}
	if (!b->lt_is_sampling) {
		if (!lost_now)
			return;
		lt_interval_start(s, tp);
		b->lt_is_sampling = true;
		return;
	}
	if (rs->app_limited) {
		lt_reset(s, tp);
		return;
	}
	if (b->round_start)
		b->lt_rtt_cnt++;
	nlrs_time_t span = s->now - b->lt_last_stamp;
	if (b->lt_rtt_cnt < LT_MIN_ROUNDS || span < LT_MIN_TIME)
		return;
	if (b->lt_rtt_cnt > 4u * LT_MAX_ROUNDS && span > 4u * LT_MIN_TIME) {
		lt_reset(s, tp); /* too long to be one policer episode */
		return;
	}
	uint64_t lost = tp->bytes_retrans - b->lt_last_lost;
	uint64_t delivered = tp->delivered - b->lt_last_delivered;
	if (!delivered || lost * 5u < delivered)
		return; /* under 20% loss: not policed (yet); keep going */
	uint64_t bw = delivered * 1000000u / span;
	if (b->lt_bw) {
		uint64_t diff = bw > b->lt_bw ? bw - b->lt_bw : b->lt_bw - bw;
		if (diff * 8u <= b->lt_bw || diff <= 500u) {
			b->lt_bw = (bw + b->lt_bw) / 2u;
			b->lt_use_bw = true;
			b->lt_probing = false;
			b->lt_base_pm = 0;
			b->lt_climbs = 0;
			lt_interval_start(s, tp);
			return;
		}
	}
	b->lt_bw = bw;
	lt_interval_start(s, tp);
}

void nlrs__tcp_rate_ack(struct nlrs_stack *s, struct nlrs_tcb *tp, uint32_t delivered)
{
	if (!nlrs__tcp_bbr(tp))
		return;
	if (!tp->bbr.mode)
		bbr_start(s, tp);
	if (delivered) {
		tp->delivered += delivered;
		tp->delivered_time = s->now;
	}
	if (tp->app_limited && tp->delivered > tp->app_limited)
		tp->app_limited = 0;
	struct rate_sample rs = { 0 };
	take_sample(s, tp, &rs);
	update_model(s, tp, &rs);
	lt_sampling(s, tp, &rs);
	update_state(s, tp, &rs, (tp->flags & (TF_IN_RECOVERY | TF_IN_LOSS)) != 0);
	set_pacing(s, tp, false);
	set_cwnd(tp, delivered);
}
