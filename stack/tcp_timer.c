/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP timers. Each block has two: the retransmission timer, which is also
 * the SYN, persist, keepalive, FIN-WAIT-2 and TIME-WAIT timer (only one of
 * them can be due in any state), and the delayed-ACK timer, which also
 * releases corked data.
 *
 * Implements: RFC 6298 RTO (Karn's rule is in tcp_in.c: samples come only
 * from segments never retransmitted), exponential backoff capped at 120 s,
 * SYN and SYN-ACK retries, zero-window probing (RFC 9293 3.8.6.1),
 * keepalive (RFC 1122 4.2.3.6, Linux's TCP_KEEPIDLE/INTVL/CNT),
 * TCP_USER_TIMEOUT (RFC 5482), TIME-WAIT of 2*MSL (RFC 9293 3.6.1),
 * orphaned FIN-WAIT-2 after 60 s (as Linux's tcp_fin_timeout), and the
 * delayed ACK (RFC 1122 4.2.3.2, 40 ms like Linux's minimum).
 *
 * Tail loss probes (RFC 8985 7): with SACK, when data is outstanding
 * outside recovery, a probe timeout of 2*SRTT (plus the worst-case
 * delayed ACK when one segment is in flight) comes before the RTO; it
 * sends one new segment, or the last one again, so a tail loss is
 * repaired by SACK recovery instead of a timeout.
 *
 * A reordering timer (TF_REO, tcp_in.c's nlrs__tcp_lost_rxt_check) also
 * rides on the retransmission timer.
 *
 * Not implemented: full RACK (RFC 8985 6) for every segment; F-RTO (RFC
 * 5682).
 */
#include "tcp.h"

#define RTO_MIN 200000u     /* Linux's TCP_RTO_MIN; RFC 6298 2.4 says 1 s */
#define RTO_MAX 120000000u  /* RFC 6298 2.5: at least 60 s */
#define RETRIES_MAX 15      /* Linux's tcp_retries2: ~15 minutes of backoff */
#define SYNACK_RETRIES 5    /* Linux's tcp_synack_retries */
#define FIN_TIMEOUT NLRS_SEC(60)
#define DELACK NLRS_MSEC(40)

nlrs_time_t nlrs__tcp_rto(const struct nlrs_tcb *tp)
{
	uint64_t rto = tp->rto;
	for (unsigned i = 0; i < tp->backoff && rto < RTO_MAX; i++)
		rto <<= 1; /* RFC 6298 5.5 */
	if (rto > RTO_MAX)
		rto = RTO_MAX;
	if (rto < RTO_MIN)
		rto = RTO_MIN;
	return rto;
}

void nlrs__tcp_rtt_sample(struct nlrs_stack *s, struct nlrs_tcb *tp, uint32_t r)
{
	(void)s;
	if (!r)
		r = 1;
	if (r < tp->rtt_min)
		tp->rtt_min = r;
	if (!tp->srtt) {
		/* RFC 6298 2.2 */
		tp->srtt = r;
		tp->rttvar = r / 2u;
	} else {
		/* RFC 6298 2.3: beta = 1/4, alpha = 1/8 */
		uint32_t d = tp->srtt > r ? tp->srtt - r : r - tp->srtt;
		tp->rttvar = tp->rttvar - tp->rttvar / 4u + d / 4u;
		tp->srtt = tp->srtt - tp->srtt / 8u + r / 8u;
		if (!tp->srtt)
			tp->srtt = 1;
	}
	/* RFC 6298 2.3: RTO = SRTT + max(G, 4*RTTVAR), G = 1 ms here. */
	uint32_t var4 = tp->rttvar * 4u;
	tp->rto = tp->srtt + (var4 > 1000u ? var4 : 1000u);
	if (tp->rto < RTO_MIN)
		tp->rto = RTO_MIN;
	/* RFC 6298 5.7 spirit: a fresh sample ends the backoff. */
	tp->backoff = 0;
}

void nlrs__tcp_rtx_arm(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	tp->flags &= ~(TF_PTO | TF_REO);
	nlrs__timer_arm(&s->wheel, &tp->rtx_timer, s->now + nlrs__tcp_rto(tp));
}

void nlrs__tcp_rtx_arm_data(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	/* RFC 8985 7.2: schedule a PTO when SACK is on, an RTT is known,
	 * no recovery is under way and no probe is already out. */
	if (!(tp->flags & TF_SACK_OK) || !tp->srtt ||
	    (tp->flags & (TF_IN_RECOVERY | TF_IN_LOSS | TF_TLP_SENT)) || tp->backoff ||
	    (tp->state != NLRS_TCPS_ESTABLISHED && tp->state != NLRS_TCPS_CLOSE_WAIT)) {
		nlrs__tcp_rtx_arm(s, tp);
		return;
	}
	nlrs_time_t pto = 2u * (nlrs_time_t)tp->srtt;
	if (tp->snd_max - tp->snd_una <= tp->mss)
		pto += NLRS_MSEC(200); /* RFC 8985 7.2: WCDelAckT */
	if (pto < NLRS_MSEC(10))
		pto = NLRS_MSEC(10);
	nlrs_time_t rto = nlrs__tcp_rto(tp);
	if (pto > rto)
		pto = rto;
	tp->flags |= TF_PTO;
	nlrs__timer_arm(&s->wheel, &tp->rtx_timer, s->now + pto);
}

/* RFC 8985 7.3: the probe: new data if the window allows, else the last
 * segment again. The RTO follows. */
static void tail_loss_probe(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	tp->flags &= ~TF_PTO;
	tp->flags |= TF_TLP_SENT;
	NLRS_INC(s, tcp_tlp);
	uint32_t off = tp->snd_nxt - tp->snd_una;
	uint32_t avail = tp->snd_queued > off ? tp->snd_queued - off : 0;
	uint32_t room = tp->snd_wnd > off ? tp->snd_wnd - off : 0;
	uint32_t n = avail < room ? avail : room;
	if (n > tp->mss)
		n = tp->mss;
	if (n && tp->snd_nxt == tp->snd_max) {
		if (!nlrs__tcp_send_seg(s, tp, tp->snd_nxt, n, NLRS_TCP_ACK | NLRS_TCP_PSH)) {
			tp->snd_nxt += n;
			tp->snd_max = tp->snd_nxt;
		}
	} else {
		uint32_t data_end = tp->snd_una + tp->snd_queued;
		uint32_t end = nlrs_seq_lt(data_end, tp->snd_max) ? data_end : tp->snd_max;
		uint32_t len = end - tp->snd_una;
		if (len > tp->mss)
			len = tp->mss;
		uint16_t fl = NLRS_TCP_ACK;
		if ((tp->flags & TF_FIN_SENT) && end != tp->snd_max) {
			fl |= NLRS_TCP_FIN; /* the FIN was the last thing sent */
		}
		if (len || (fl & NLRS_TCP_FIN))
			nlrs__tcp_send_seg(s, tp, end - len, len, fl);
	}
	nlrs__tcp_rtx_arm(s, tp);
}

static bool data_waiting(const struct nlrs_tcb *tp)
{
	return tp->snd_queued > tp->snd_nxt - tp->snd_una ||
	       ((tp->flags & TF_FIN_QUEUED) && !(tp->flags & TF_FIN_SENT));
}

void nlrs__tcp_idle_arm(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	switch (tp->state) {
	case NLRS_TCPS_TIME_WAIT:
		/* RFC 9293 3.6.1: wait 2 MSL before forgetting the connection. */
		nlrs__timer_arm(&s->wheel, &tp->rtx_timer, s->now + 2u * s->cfg.tcp_msl);
		return;
	case NLRS_TCPS_FIN_WAIT_2:
		if (tp->flags & TF_ORPHAN) {
			/* Nobody can read any more: do not wait forever for
			 * the peer's FIN (Linux's tcp_fin_timeout). */
			nlrs__timer_arm(&s->wheel, &tp->rtx_timer, s->now + FIN_TIMEOUT);
			return;
		}
		break;
	case NLRS_TCPS_ESTABLISHED:
	case NLRS_TCPS_CLOSE_WAIT:
	case NLRS_TCPS_FIN_WAIT_1:
	case NLRS_TCPS_CLOSING:
	case NLRS_TCPS_LAST_ACK:
		break;
	default:
		return;
	}
	if (tp->snd_una != tp->snd_max)
		return; /* the retransmission timer is running */
	if (data_waiting(tp) && tp->snd_wnd == 0) {
		/* RFC 9293 3.8.6.1: probe a zero window. */
		if (!nlrs__timer_pending(&tp->rtx_timer))
			nlrs__tcp_rtx_arm(s, tp);
		return;
	}
	if ((tp->flags & TF_KEEPALIVE) &&
	    (tp->state == NLRS_TCPS_ESTABLISHED || tp->state == NLRS_TCPS_CLOSE_WAIT ||
	     tp->state == NLRS_TCPS_FIN_WAIT_2)) {
		nlrs_time_t at = tp->last_rcv + NLRS_SEC(tp->keepidle);
		if (tp->keep_probes)
			at = s->now + NLRS_SEC(tp->keepintvl);
		nlrs__timer_arm(&s->wheel, &tp->rtx_timer, at);
		return;
	}
	nlrs__timer_cancel(&s->wheel, &tp->rtx_timer);
}

static void give_up(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	/* A soft error seen meanwhile (an ICMP unreachable) says more than
	 * "timed out", as on Linux. */
	int err = tp->soft_err ? tp->soft_err : -NLRS_ETIMEDOUT;
	if (tp->state == NLRS_TCPS_SYN_SENT)
		NLRS_INC(s, tcp_attempt_fails);
	nlrs__tcp_drop(s, tp, err);
}

static bool user_timeout_passed(const struct nlrs_stack *s, const struct nlrs_tcb *tp)
{
	/* RFC 5482 / RFC 9293 3.8.3: how long data may stay unacknowledged. */
	return tp->user_timeout && s->now - tp->rtx_first >= NLRS_MSEC(tp->user_timeout);
}

static void retransmit_timeout(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	uint32_t flight = tp->snd_max - tp->snd_una;
	bool probe = tp->snd_wnd == 0 && (tp->flags & TF_SYN_ACKED);
	if (probe) {
		/* Zero-window probe outstanding: RFC 1122 4.2.2.17 keeps the
		 * connection open as long as the peer answers; keep_probes
		 * counts probes nobody acknowledged. */
		if (tp->keep_probes >= RETRIES_MAX || user_timeout_passed(s, tp)) {
			give_up(s, tp);
			return;
		}
		tp->keep_probes++;
		if (tp->backoff < RETRIES_MAX)
			tp->backoff++;
		NLRS_INC(s, tcp_zero_window_probes);
		nlrs__tcp_send_seg(s, tp, tp->snd_una, 1, NLRS_TCP_ACK);
		nlrs__tcp_rtx_arm(s, tp);
		return;
	}
	if (tp->backoff >= RETRIES_MAX || user_timeout_passed(s, tp)) {
		give_up(s, tp);
		return;
	}
	NLRS_INC(s, tcp_timeouts);
	/* RFC 5681 3.1 (4) / RFC 9438 4.8: the loss window. */
	if (!(tp->flags & TF_IN_LOSS) || tp->backoff == 0 || nlrs__tcp_bbr(tp))
		nlrs__cc_on_rto(&tp->cc, flight, s->now); /* BBR: its floor each time */
	else
		tp->cc.cwnd = tp->mss;
	tp->backoff++;
	tp->flags |= TF_IN_LOSS;
	tp->flags &= ~(TF_IN_RECOVERY | TF_RTT_TIMING);
	tp->dupacks = 0;
	/* RFC 6675 5.1: RecoveryPoint = HighData; retransmission restarts
	 * from SND.UNA, skipping what the scoreboard says arrived. */
	tp->recover = tp->snd_max;
	tp->high_rxt = tp->snd_una;
	tp->snd_nxt = tp->snd_una;
	if (tp->flags & TF_FIN_SENT) {
		/* The FIN is sent again after the data. */
		tp->flags &= ~TF_FIN_SENT;
	}
	nlrs__tcp_output(s, tp);
	if (!nlrs__timer_pending(&tp->rtx_timer))
		nlrs__tcp_rtx_arm(s, tp);
}

static void keepalive(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	nlrs_time_t idle = s->now - tp->last_rcv;
	if (!tp->keep_probes && idle < NLRS_SEC(tp->keepidle)) {
		nlrs__tcp_idle_arm(s, tp);
		return;
	}
	if (tp->keep_probes >= tp->keepcnt ||
	    (tp->user_timeout && idle >= NLRS_MSEC(tp->user_timeout) && tp->keep_probes)) {
		give_up(s, tp);
		return;
	}
	/* RFC 1122 4.2.3.6: a probe is a segment with SEG.SEQ = SND.NXT-1 and
	 * no data, which any live peer must acknowledge. */
	tp->keep_probes++;
	NLRS_INC(s, tcp_keepalive_probes);
	nlrs__tcp_send_seg(s, tp, tp->snd_una - 1u, 0, NLRS_TCP_ACK);
	nlrs__timer_arm(&s->wheel, &tp->rtx_timer, s->now + NLRS_SEC(tp->keepintvl));
}

static void rtx_fire(void *arg, struct nlrs_timer *t)
{
	(void)t;
	struct nlrs_tcb *tp = arg;
	struct nlrs_stack *s = tp->stack;
	switch (tp->state) {
	case NLRS_TCPS_TIME_WAIT:
		nlrs__tcp_drop(s, tp, 0);
		return;
	case NLRS_TCPS_SYN_SENT:
		if (tp->syn_retries >= tp->syncnt || user_timeout_passed(s, tp)) {
			give_up(s, tp);
			return;
		}
		tp->syn_retries++;
		tp->backoff++;
		NLRS_INC(s, tcp_retrans);
		tp->total_retrans++;
		nlrs__tcp_send_seg(s, tp, tp->iss, 0, NLRS_TCP_SYN);
		nlrs__tcp_rtx_arm(s, tp);
		return;
	case NLRS_TCPS_SYN_RECEIVED:
		if (tp->syn_retries >= SYNACK_RETRIES) {
			give_up(s, tp);
			return;
		}
		tp->syn_retries++;
		tp->backoff++;
		NLRS_INC(s, tcp_retrans);
		tp->total_retrans++;
		nlrs__tcp_send_synack(s, tp);
		nlrs__tcp_rtx_arm(s, tp);
		return;
	case NLRS_TCPS_FIN_WAIT_2:
		if ((tp->flags & TF_ORPHAN) && tp->snd_una == tp->snd_max) {
			nlrs__tcp_drop(s, tp, 0);
			return;
		}
		break;
	case NLRS_TCPS_ESTABLISHED:
	case NLRS_TCPS_CLOSE_WAIT:
	case NLRS_TCPS_FIN_WAIT_1:
	case NLRS_TCPS_CLOSING:
	case NLRS_TCPS_LAST_ACK:
		break;
	default:
		return;
	}
	if (tp->flags & TF_REO) {
		tp->flags &= ~TF_REO;
		if (tp->snd_una != tp->snd_max && tp->reo_una == tp->snd_una)
			nlrs__tcp_lost_rxt_check(s, tp, true);
		else if (tp->snd_una != tp->snd_max)
			nlrs__tcp_rtx_arm(s, tp);
	} else if (tp->snd_una != tp->snd_max && (tp->flags & TF_PTO)) {
		tail_loss_probe(s, tp);
	} else if (tp->snd_una != tp->snd_max) {
		retransmit_timeout(s, tp);
	} else if (data_waiting(tp) && tp->snd_wnd == 0) {
		/* RFC 9293 3.8.6.1: the first probe carries one new octet; it
		 * is then retransmitted (as a probe) until the window opens. */
		NLRS_INC(s, tcp_zero_window_probes);
		tp->keep_probes = 1;
		tp->backoff = 1;
		uint32_t len = tp->snd_queued > tp->snd_nxt - tp->snd_una ? 1u : 0u;
		uint16_t fl = NLRS_TCP_ACK;
		if (!len) {
			/* only the FIN is waiting: it does not need window */
			nlrs__tcp_output(s, tp);
		} else {
			nlrs__tcp_send_seg(s, tp, tp->snd_nxt, len, fl);
			tp->snd_nxt += len;
			if (nlrs_seq_gt(tp->snd_nxt, tp->snd_max))
				tp->snd_max = tp->snd_nxt;
			tp->rtx_first = s->now;
			nlrs__tcp_rtx_arm(s, tp);
		}
	} else if (tp->flags & TF_KEEPALIVE) {
		keepalive(s, tp);
	}
	nlrs__tcp_notify(s, tp);
}

static void dack_fire(void *arg, struct nlrs_timer *t)
{
	(void)t;
	struct nlrs_tcb *tp = arg;
	struct nlrs_stack *s = tp->stack;
	if (tp->flags & TF_DELACK) {
		NLRS_INC(s, tcp_delayed_acks);
		tp->flags |= TF_ACKNOW;
	}
	/* A cork or MSG_MORE hold has run out: send what is there. */
	if (tp->cork_until && s->now >= tp->cork_until) {
		tp->cork_until = 0;
		tp->flags &= ~TF_MORE;
	}
	nlrs__tcp_output(s, tp);
	nlrs__tcp_notify(s, tp);
}

/* Pacing release (tcp_bbr.c): the next paced segment may leave. */
static void pace_fire(void *arg, struct nlrs_timer *t)
{
	(void)t;
	struct nlrs_tcb *tp = arg;
	struct nlrs_stack *s = tp->stack;
	nlrs__tcp_output(s, tp);
	nlrs__tcp_notify(s, tp);
}

void nlrs__tcp_timers_init(struct nlrs_tcb *tp)
{
	nlrs__timer_init(&tp->rtx_timer, rtx_fire, tp);
	nlrs__timer_init(&tp->dack_timer, dack_fire, tp);
	nlrs__timer_init(&tp->pace_timer, pace_fire, tp);
}

void nlrs__tcp_timers_cancel(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	nlrs__timer_cancel(&s->wheel, &tp->rtx_timer);
	nlrs__timer_cancel(&s->wheel, &tp->dack_timer);
	nlrs__timer_cancel(&s->wheel, &tp->pace_timer);
}

void nlrs__tcp_ack_later(struct nlrs_stack *s, struct nlrs_tcb *tp, bool full_seg)
{
	/* RFC 1122 4.2.3.2 / RFC 5681 4.2: an ACK at least for every second
	 * full-sized segment, and never later than 500 ms (40 ms here). */
	if (full_seg)
		tp->unacked_segs++;
	if (tp->quickacks) {
		tp->quickacks--;
		tp->flags |= TF_ACKNOW;
		return;
	}
	if (tp->unacked_segs >= 2) {
		tp->flags |= TF_ACKNOW;
		return;
	}
	if (!(tp->flags & TF_DELACK)) {
		tp->flags |= TF_DELACK;
		nlrs__timer_arm(&s->wheel, &tp->dack_timer, s->now + DELACK);
	}
}
