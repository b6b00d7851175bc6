/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP input: segment checks, demultiplexing, the RFC 9293 3.10.7 event
 * processing for every state, listeners with a SYN queue, an accept queue
 * and SYN cookies, ACK processing with RTT sampling, congestion control,
 * fast retransmit and recovery, and the receive side with out-of-order
 * reassembly.
 *
 * Implements: RFC 9293 3.10.7.1-3.10.7.4 (all eleven states, simultaneous
 * open and close, half-close); RFC 5961 (RST and SYN challenge ACKs with a
 * stack-wide rate limit, ACK acceptability 5.2); RFC 7323 (window scaling,
 * timestamps, PAWS, TS.Recent update rule 4.3); RFC 2018/2883 (SACK blocks
 * received into the scoreboard, D-SACK recognised; SACK blocks and D-SACK
 * generated); RFC 5681/6582 (duplicate ACKs, fast retransmit, NewReno fast
 * recovery with partial ACKs); RFC 6675 (SACK-based recovery entry by
 * DupThresh or IsLost); RFC 3042 limited transmit; RFC 5827 early
 * retransmit; a lost retransmission detected from later SACKs (after RFC
 * 8985 6.2's idea, without full RACK); RFC 6298 RTT sampling
 * with Karn's rule; RFC 1191 PMTU from ICMP fragmentation needed, with the
 * RFC 5927 check that the quoted sequence number is in flight; RFC 1122
 * 4.2.3.9 hard and soft ICMP errors; RFC 4987 3.6 SYN cookies; RFC 6191 /
 * RFC 1122 4.2.2.13 new connections accepted in TIME-WAIT; RFC 2525 2.17
 * reset when data arrives after close.
 *
 * Not implemented: data on a SYN (dropped, the peer sends it again; no
 * TFO), out-of-band urgent data (the urgent pointer is ignored and the
 * bytes stay inline, as SO_OOBINLINE), ECN, IP options on TCP segments
 * (ignored).
 */
#include "tcp.h"
#include "wire/checksum.h"
#include "wire/icmp4.h"

#define NLRS_BUFF_TCP_FIN 0x0100u   /* an out-of-order segment that ends with FIN */
#define OOO_MIN_BUFS 64u            /* out-of-order buffers always allowed */
#define PAWS_IDLE NLRS_SEC(24u * 24u * 3600u) /* RFC 7323 5.5: 24 days */
#define CHACK_RATE 1000u            /* challenge ACKs per second, stack-wide */

/* ---- small helpers ---- */

uint8_t nlrs__tcp_wscale(const struct nlrs_stack *s)
{
	/* RFC 7323 2.3: the smallest shift that lets the largest receive
	 * buffer be offered; Linux picks 7 for its 6 MiB default. */
	uint8_t ws = 0;
	while (ws < NLRS_TCP_MAX_WSCALE && (s->cfg.tcp_rmem_max >> ws) > 65535u)
		ws++;
	return ws;
}

/* Remove n bytes from the front of a (possibly chained) packet; returns the
 * new first segment (NULL if all went). */
static struct nlrs_buf *trim_front(struct nlrs_buf *b, uint32_t n)
{
	while (b && n) {
		if (n < b->len) {
			nlrs_buf_pull(b, (uint16_t)n);
			return b;
		}
		n -= b->len;
		struct nlrs_buf *nx = b->next;
		if (nx)
			nx->tot_len = b->tot_len - b->len;
		b->next = NULL;
		nlrs_buf_free(b);
		b = nx;
	}
	return b;
}

static void challenge_ack(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	/* RFC 5961 7: limit challenge ACKs so they cannot be used to
	 * amplify or probe; Linux's default is 1000 per second. */
	if (!nlrs__bucket_take(&s->tcp_chack_bucket, s->now, CHACK_RATE, CHACK_RATE)) {
		NLRS_INC(s, tcp_challenge_ack_limited);
		return;
	}
	NLRS_INC(s, tcp_challenge_ack);
	nlrs__tcp_send_ack(s, tp);
}

/* Options of a SYN, for a new connection (RFC 7323 2.2, 3.2; RFC 2018 2;
 * RFC 9293 3.7.1). */
static void syn_options(struct nlrs_stack *s, struct nlrs_tcb *tp, const struct nlrs_tcp_seg *seg,
			bool we_offered_all)
{
	const struct nlrs_tcp_opts *o = &seg->opts;
	/* RFC 9293 3.7.1 / RFC 6691: no MSS option means 536. */
	tp->peer_mss = o->has_mss ? o->mss : s->cfg.tcp_mss_default;
	if (o->has_wscale && we_offered_all && !s->cfg.tcp_no_wscale) {
		tp->flags |= TF_WS_OK;
		tp->snd_wscale = o->wscale;
		tp->rcv_wscale = nlrs__tcp_wscale(s);
	} else {
		tp->flags &= ~TF_WS_OK;
		tp->snd_wscale = tp->rcv_wscale = 0;
	}
	if (o->sack_ok && !s->cfg.tcp_no_sack)
		tp->flags |= TF_SACK_OK;
	else
		tp->flags &= ~TF_SACK_OK;
	if (o->has_ts && !s->cfg.tcp_no_timestamps) {
		tp->flags |= TF_TS_OK;
		tp->ts_recent = o->tsval;
		tp->ts_recent_age = s->now;
	} else {
		tp->flags &= ~TF_TS_OK;
	}
}

/* ---- SYN cookies (RFC 4987 3.6) ---- */

static const uint16_t cookie_mss[4] = { 536, 1220, 1440, 1460 };

static uint32_t cookie_hash(struct nlrs_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
			    uint16_t rport, uint32_t isn_peer, uint32_t t, unsigned idx)
{
	uint8_t m[24];
	nlrs_wr32(m, laddr);
	nlrs_wr32(m + 4, raddr);
	nlrs_wr16(m + 8, lport);
	nlrs_wr16(m + 10, rport);
	nlrs_wr32(m + 12, isn_peer);
	nlrs_wr32(m + 16, t);
	nlrs_wr32(m + 20, idx);
	return (uint32_t)nlrs__siphash(s->tcp_key, m, sizeof(m));
}

uint32_t nlrs__syncookie_make(struct nlrs_stack *s, uint32_t laddr, uint16_t lport,
			      uint32_t raddr, uint16_t rport, uint32_t isn_peer, uint16_t *mss)
{
	unsigned idx = 0;
	for (unsigned i = 0; i < 4; i++)
		if (cookie_mss[i] <= *mss)
			idx = i;
	*mss = cookie_mss[idx];
	uint32_t t = (uint32_t)(s->now / NLRS_SEC(64));
	uint32_t h = cookie_hash(s, laddr, lport, raddr, rport, isn_peer, t, idx);
	/* 24 bits of MAC, 2 bits of MSS index, 6 bits of the time counter */
	return (h & 0xffffff00u) | ((uint32_t)idx << 6) | (t & 63u);
}

bool nlrs__syncookie_check(struct nlrs_stack *s, uint32_t laddr, uint16_t lport,
			   uint32_t raddr, uint16_t rport, uint32_t isn_peer, uint32_t cookie,
			   uint16_t *mss)
{
	uint32_t now_t = (uint32_t)(s->now / NLRS_SEC(64));
	uint32_t age = (now_t - (cookie & 63u)) & 63u;
	if (age > 2)
		return false; /* older than about two minutes */
	unsigned idx = (cookie >> 6) & 3u;
	uint32_t h = cookie_hash(s, laddr, lport, raddr, rport, isn_peer, now_t - age, idx);
	if ((h & 0xffffff00u) != (cookie & 0xffffff00u))
		return false;
	*mss = cookie_mss[idx];
	return true;
}

/* Copy the listener's socket options into a new connection. */
static void inherit(struct nlrs_tcb *c, const struct nlrs_tcb *l)
{
	c->flags |= l->flags & (TF_NODELAY | TF_KEEPALIVE | TF_SNDBUF_LOCK | TF_RCVBUF_LOCK |
				TF_REUSEADDR);
	c->cc_algo = l->cc_algo;
	c->sndbuf = l->sndbuf;
	c->rcvbuf = l->rcvbuf;
	c->keepidle = l->keepidle;
	c->keepintvl = l->keepintvl;
	c->keepcnt = l->keepcnt;
	c->user_timeout = l->user_timeout;
	c->user_mss = l->user_mss;
	c->linger = l->linger;
	c->ttl = l->ttl;
	c->tos = l->tos;
}

static void conn_start(struct nlrs_stack *s, struct nlrs_tcb *c, const struct nlrs_tcp_seg *seg)
{
	c->laddr = seg->dst;
	c->lport = seg->th.dport;
	c->raddr = seg->src;
	c->rport = seg->th.sport;
	c->last_rcv = s->now;
	c->adv_mss = nlrs__tcp_adv_mss(s, c);
	c->mss = c->adv_mss;
}

static void send_cookie(struct nlrs_stack *s, const struct nlrs_tcb *l,
			const struct nlrs_tcp_seg *seg)
{
	struct nlrs_tcb *t = s->tcp_scratch;
	nlrs_memset(t, 0, sizeof(*t));
	t->stack = s;
	t->sd = -1;
	nlrs__tcb_defaults(s, t);
	inherit(t, l);
	conn_start(s, t, seg);
	syn_options(s, t, seg, true);
	t->state = NLRS_TCPS_SYN_RECEIVED;
	t->irs = seg->seq;
	t->rcv_nxt = seg->seq + 1u;
	uint16_t mss = t->peer_mss;
	t->iss = nlrs__syncookie_make(s, t->laddr, t->lport, t->raddr, t->rport, seg->seq, &mss);
	if (t->flags & TF_TS_OK) {
		/* The options we agreed to ride in the low bits of TSval. */
		uint32_t bits = NLRS_COOKIE_TS | ((t->flags & TF_SACK_OK) ? NLRS_COOKIE_SACK : 0u) |
				((t->flags & TF_WS_OK) ? (t->snd_wscale & 0xfu) : NLRS_COOKIE_WS_NONE);
		uint32_t now_ms = (uint32_t)(s->now / 1000u);
		t->ts_offset = ((now_ms & ~63u) | bits) - now_ms;
	} else {
		/* Without timestamps the cookie cannot carry window scale or
		 * SACK; offer neither (RFC 4987 3.6 notes this cost). */
		t->flags &= ~(TF_WS_OK | TF_SACK_OK);
		t->snd_wscale = t->rcv_wscale = 0;
	}
	NLRS_INC(s, tcp_syncookies_sent);
	nlrs__tcp_send_synack(s, t);
	t->state = 0;
}

static void enqueue_accept(struct nlrs_tcb *l, struct nlrs_tcb *c)
{
	c->listener = l;
	c->flags |= TF_LISTEN_ACCQ;
	c->qnext = NULL;
	if (l->accq_tail)
		l->accq_tail->qnext = c;
	else
		l->accq_head = c;
	l->accq_tail = c;
	l->accq_len++;
	l->flags |= TF_NOTIFY;
}

static void synchronized_input(struct nlrs_stack *s, struct nlrs_tcb *tp,
			       struct nlrs_tcp_seg *seg, struct nlrs_buf *b);

/* An ACK to a listener: a SYN cookie coming back? */
static void cookie_ack(struct nlrs_stack *s, struct nlrs_tcb *l, struct nlrs_tcp_seg *seg,
		       struct nlrs_buf *b)
{
	uint16_t mss;
	uint32_t cookie = seg->ack - 1u, isn_peer = seg->seq - 1u;
	if ((seg->th.flags & (NLRS_TCP_SYN | NLRS_TCP_RST | NLRS_TCP_FIN)) ||
	    !nlrs__syncookie_check(s, seg->dst, seg->th.dport, seg->src, seg->th.sport, isn_peer,
				   cookie, &mss)) {
		NLRS_INC(s, tcp_syncookies_bad);
		nlrs__tcp_respond_rst(s, seg);
		nlrs_buf_free(b);
		return;
	}
	if (l->accq_len >= l->backlog) {
		NLRS_INC(s, tcp_accq_overflow);
		nlrs_buf_free(b);
		return;
	}
	struct nlrs_tcb *c = nlrs__tcb_alloc(s);
	if (!c) {
		nlrs_buf_free(b);
		return;
	}
	NLRS_INC(s, tcp_syncookies_ok);
	inherit(c, l);
	conn_start(s, c, seg);
	c->flags |= TF_COOKIE | TF_SYN_ACKED;
	c->peer_mss = mss;
	if (seg->opts.has_ts && (seg->opts.tsecr & NLRS_COOKIE_TS)) {
		uint32_t bits = seg->opts.tsecr & 63u;
		c->flags |= TF_TS_OK;
		c->ts_recent = seg->opts.tsval;
		c->ts_recent_age = s->now;
		c->ts_offset = seg->opts.tsecr - (uint32_t)(s->now / 1000u);
		if (bits & NLRS_COOKIE_SACK)
			c->flags |= TF_SACK_OK;
		if ((bits & 0xfu) != NLRS_COOKIE_WS_NONE) {
			c->flags |= TF_WS_OK;
			c->snd_wscale = (uint8_t)((bits & 0xfu) > 14 ? 14 : (bits & 0xfu));
			c->rcv_wscale = nlrs__tcp_wscale(s);
		}
	}
	c->iss = cookie;
	c->snd_una = c->snd_nxt = c->snd_max = seg->ack;
	c->recover = c->snd_una;
	c->irs = isn_peer;
	c->rcv_nxt = seg->seq;
	/* The SYN-ACK offered an unscaled window of at most 64 KiB. */
	uint32_t space = nlrs__tcp_rcv_space(s, c);
	c->rcv_adv = seg->seq + (space > 65535u ? 65535u : space);
	c->snd_wnd = (uint32_t)seg->th.window << c->snd_wscale;
	c->max_sndwnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	nlrs__tcp_update_mss(s, c);
	nlrs__cc_init(&c->cc, c->cc_algo, c->mss);
	c->state = NLRS_TCPS_ESTABLISHED;
	c->quickacks = 8;
	nlrs__tcb_hash(s, c);
	enqueue_accept(l, c);
	nlrs__tcp_notify(s, l);
	/* The ACK may carry data: process it as any segment of the connection. */
	synchronized_input(s, c, seg, b);
}

static void listen_input(struct nlrs_stack *s, struct nlrs_tcb *l, struct nlrs_tcp_seg *seg,
			 struct nlrs_buf *b)
{
	uint16_t fl = seg->th.flags;
	if (fl & NLRS_TCP_RST)
		goto drop; /* RFC 9293 3.10.7.2: ignore */
	if (fl & NLRS_TCP_ACK) {
		if (s->cfg.tcp_syncookies && !(fl & NLRS_TCP_SYN)) {
			cookie_ack(s, l, seg, b);
			return;
		}
		/* RFC 9293 3.10.7.2: <SEQ=SEG.ACK><CTL=RST> */
		nlrs__tcp_respond_rst(s, seg);
		goto drop;
	}
	if (!(fl & NLRS_TCP_SYN))
		goto drop;
	if (l->accq_len >= l->backlog) {
		/* Linux drops SYNs while the accept queue is full: the
		 * client retries once the application catches up. */
		NLRS_INC(s, tcp_accq_overflow);
		goto drop;
	}
	struct nlrs_tcb *c = NULL;
	if (l->synq_len < l->backlog)
		c = nlrs__tcb_alloc(s);
	else
		NLRS_INC(s, tcp_synq_overflow);
	if (!c) {
		if (s->cfg.tcp_syncookies)
			send_cookie(s, l, seg);
		goto drop;
	}
	inherit(c, l);
	conn_start(s, c, seg);
	syn_options(s, c, seg, true);
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1u;
	c->iss = nlrs__tcp_isn(s, c->laddr, c->lport, c->raddr, c->rport);
	c->snd_una = c->snd_nxt = c->iss;
	c->recover = c->iss;
	c->ts_offset = nlrs__rand32(s);
	/* RFC 7323 2.2: the window of a SYN is never scaled. */
	c->snd_wnd = seg->th.window;
	c->max_sndwnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = c->iss;
	nlrs__tcp_update_mss(s, c);
	nlrs__cc_init(&c->cc, c->cc_algo, c->mss);
	c->state = NLRS_TCPS_SYN_RECEIVED;
	c->listener = l;
	c->flags |= TF_LISTEN_SYNQ;
	c->qnext = l->synq;
	l->synq = c;
	l->synq_len++;
	nlrs__tcb_hash(s, c);
	c->rtx_first = s->now;
	nlrs__tcp_send_synack(s, c);
	c->snd_nxt = c->snd_max = c->iss + 1u;
	nlrs__tcp_rtx_arm(s, c);
drop:
	nlrs_buf_free(b);
}

/* ---- SYN-SENT (RFC 9293 3.10.7.3) ---- */

static void syn_sent_input(struct nlrs_stack *s, struct nlrs_tcb *tp, struct nlrs_tcp_seg *seg,
			   struct nlrs_buf *b)
{
	uint16_t fl = seg->th.flags;
	bool ack_ok = false;
	if (fl & NLRS_TCP_ACK) {
		/* first: the ACK must cover our SYN and nothing more */
		if (nlrs_seq_leq(seg->ack, tp->iss) || nlrs_seq_gt(seg->ack, tp->snd_max)) {
			if (!(fl & NLRS_TCP_RST))
				nlrs__tcp_respond_rst(s, seg);
			NLRS_INC(s, tcp_rx_ack_bad);
			goto drop;
		}
		ack_ok = true;
	}
	if (fl & NLRS_TCP_RST) {
		/* second: a reset is believed only with an acceptable ACK
		 * (RFC 9293 3.10.7.3, RFC 5961 3.2 for SYN-SENT) */
		if (ack_ok) {
			NLRS_INC(s, tcp_rst_rx);
			NLRS_INC(s, tcp_attempt_fails);
			tp->flags |= TF_RESET;
			nlrs__tcp_drop(s, tp, -NLRS_ECONNREFUSED);
		} else {
			NLRS_INC(s, tcp_rx_rst_bad);
		}
		goto drop;
	}
	if (!(fl & NLRS_TCP_SYN))
		goto drop;
	syn_options(s, tp, seg, true);
	tp->irs = seg->seq;
	tp->rcv_nxt = seg->seq + 1u;
	{
		/* The window our SYN offered (RFC 7323 2.2: unscaled), so
		 * data riding on the SYN-ACK fits (RFC 9293 3.10.7.3). */
		uint32_t w = nlrs__tcp_rcv_space(s, tp);
		tp->rcv_adv = tp->rcv_nxt + (w > 65535u ? 65535u : w);
	}
	tp->snd_wnd = seg->th.window; /* RFC 7323 2.2: not scaled in a SYN */
	tp->max_sndwnd = tp->snd_wnd;
	tp->snd_wl1 = seg->seq;
	tp->snd_wl2 = seg->ack;
	tp->recover = tp->iss;
	nlrs__tcp_update_mss(s, tp);
	nlrs__cc_init(&tp->cc, tp->cc_algo, tp->mss);
	if (tp->syn_retries) {
		/* RFC 5681 3.1 / RFC 6928 2: a lost SYN leaves an initial
		 * window of one segment; RFC 6298 5.7: with no RTT sample
		 * (Karn), the RTO is reset to 3 s for the data. */
		tp->cc.cwnd = tp->mss;
		if (!tp->srtt)
			tp->rto = 3000000u;
	}
	if (ack_ok) {
		tp->snd_una = seg->ack;
		tp->flags |= TF_SYN_ACKED;
		if ((tp->flags & TF_RTT_TIMING) && !tp->syn_retries)
			nlrs__tcp_rtt_sample(s, tp, (uint32_t)(s->now - tp->rtt_start));
		tp->flags &= ~TF_RTT_TIMING;
		tp->backoff = 0;
		tp->syn_retries = 0;
		nlrs__timer_cancel(&s->wheel, &tp->rtx_timer);
		nlrs__tcp_set_state(s, tp, NLRS_TCPS_ESTABLISHED);
		tp->quickacks = 8;
		tp->flags |= TF_ACKNOW;
		tp->last_rcv = s->now;
		/* Data or FIN riding on the SYN-ACK: continue at step six with
		 * the SYN taken off (RFC 9293 3.10.7.3 "fifth ... continue
		 * processing at the sixth step"). */
		if (seg->plen || (fl & NLRS_TCP_FIN)) {
			seg->seq++;
			seg->th.flags &= (uint16_t)~NLRS_TCP_SYN;
			seg->len--;
			synchronized_input(s, tp, seg, b);
			return;
		}
		nlrs__tcp_output(s, tp);
		nlrs__tcp_idle_arm(s, tp);
		nlrs__tcp_notify(s, tp);
		goto drop;
	}
	/* Simultaneous open: SYN-RECEIVED, SYN-ACK with our ISS. */
	nlrs__tcp_set_state(s, tp, NLRS_TCPS_SYN_RECEIVED);
	tp->snd_nxt = tp->iss;
	nlrs__tcp_send_synack(s, tp);
	tp->snd_nxt = tp->snd_max = tp->iss + 1u;
	nlrs__tcp_rtx_arm(s, tp);
drop:
	nlrs_buf_free(b);
}

/* ---- receive side ---- */

static void rcvq_add(struct nlrs_tcb *tp, struct nlrs_buf *b)
{
	uint32_t n = b->tot_len;
	struct nlrs_buf *t = tp->rcvq_tail;
	tp->rcv_queued += n;
	tp->bytes_received += n;
	b->qnext = NULL;
	/* Small segments are copied into the tail's free room, so a stream
	 * of tiny writes does not pin a pool buffer per byte. */
	if (t && !t->next && !b->next && n <= 512u && !nlrs_buf_shared(t) &&
	    nlrs_buf_tailroom(t) >= n) {
		nlrs_memcpy(nlrs_buf_put(t, (uint16_t)n), b->data, n);
		nlrs_buf_free(b);
		return;
	}
	if (t)
		t->qnext = b;
	else
		tp->rcvq_head = b;
	tp->rcvq_tail = b;
}

static uint32_t seg_seq(const struct nlrs_buf *b)
{
	return (uint32_t)b->tstamp;
}

/* Queue an out-of-order segment [seq, seq + b->tot_len) (+FIN flag).
 * Overlaps with queued segments are trimmed off the new one; a segment
 * wholly covered is a duplicate (D-SACK). Returns false if dropped. */
static bool ooo_insert(struct nlrs_stack *s, struct nlrs_tcb *tp, struct nlrs_buf *b,
		       uint32_t seq, bool fin)
{
	uint32_t len = b->tot_len;
	uint32_t end = seq + len;
	/* Bytes are bounded by the window (the caller trimmed to it); buffers
	 * by what the window could need at half-full segments, so a peer
	 * sending many tiny pieces cannot pin the pool. */
	uint32_t maxbufs = 2u * tp->rcvbuf / (tp->mss ? tp->mss : 536u);
	if (maxbufs < OOO_MIN_BUFS)
		maxbufs = OOO_MIN_BUFS;
	if (tp->ooo_bufs + nlrs_buf_segments(b) > maxbufs) {
		NLRS_INC(s, tcp_rx_ooo_drop);
		nlrs_buf_free(b);
		return false;
	}
	struct nlrs_buf **pp = &tp->ooo_head;
	while (*pp && nlrs_seq_leq(seg_seq(*pp) + (*pp)->tot_len, seq))
		pp = &(*pp)->qnext;
	/* *pp is the first segment that ends after seq. */
	if (*pp && nlrs_seq_leq(seg_seq(*pp), seq) && nlrs_seq_geq(seg_seq(*pp) + (*pp)->tot_len, end) &&
	    !(fin && !((*pp)->flags & NLRS_BUFF_TCP_FIN) && seg_seq(*pp) + (*pp)->tot_len == end)) {
		/* wholly covered: a duplicate (RFC 2883 D-SACK) */
		if (len) {
			tp->dsack_left = seq;
			tp->dsack_right = end;
		}
		NLRS_INC(s, tcp_rx_dup);
		nlrs_buf_free(b);
		return false;
	}
	if (*pp && nlrs_seq_lt(seg_seq(*pp), seq)) {
		/* the one before overlaps our head: cut ours */
		uint32_t cut = seg_seq(*pp) + (*pp)->tot_len - seq;
		b = trim_front(b, cut);
		seq += cut;
		len -= cut;
		pp = &(*pp)->qnext;
		if (!b)
			return false;
	}
	/* ours may overlap the following ones: cut our tail at the next start */
	if (*pp && nlrs_seq_lt(seg_seq(*pp), end)) {
		uint32_t keep = seg_seq(*pp) - seq;
		if (!keep) {
			/* starts where the next one starts: keep the longer */
			nlrs_buf_free(b);
			NLRS_INC(s, tcp_rx_dup);
			return false;
		}
		nlrs_buf_trim(b, keep);
		len = keep;
		fin = false;
	}
	b->tstamp = seq;
	b->flags = (uint16_t)((b->flags & ~NLRS_BUFF_TCP_FIN) | (fin ? NLRS_BUFF_TCP_FIN : 0));
	b->qnext = *pp;
	*pp = b;
	tp->ooo_bytes += len;
	tp->ooo_bufs += nlrs_buf_segments(b);
	NLRS_INC(s, tcp_rx_ooo);
	if (len)
		nlrs__sack_rcv_add(&tp->sack_rcv, seq, seq + len);
	return true;
}

static void fin_received(struct nlrs_stack *s, struct nlrs_tcb *tp);

/* Move segments that became in-order from the out-of-order queue. */
static void ooo_drain(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	while (tp->ooo_head && nlrs_seq_leq(seg_seq(tp->ooo_head), tp->rcv_nxt)) {
		struct nlrs_buf *b = tp->ooo_head;
		tp->ooo_head = b->qnext;
		b->qnext = NULL;
		uint32_t seq = seg_seq(b), len = b->tot_len;
		bool fin = b->flags & NLRS_BUFF_TCP_FIN;
		tp->ooo_bytes -= len;
		tp->ooo_bufs -= nlrs_buf_segments(b);
		if (nlrs_seq_leq(seq + len, tp->rcv_nxt) && !(fin && seq + len == tp->rcv_nxt)) {
			nlrs_buf_free(b);
			continue;
		}
		uint32_t skip = tp->rcv_nxt - seq;
		if (skip)
			b = trim_front(b, skip);
		len -= skip;
		if (b && len) {
			tp->rcv_nxt += len;
			rcvq_add(tp, b);
		} else {
			nlrs_buf_free(b);
		}
		if (fin) {
			fin_received(s, tp);
			break;
		}
	}
	nlrs__sack_rcv_ack(&tp->sack_rcv, tp->rcv_nxt);
}

static void fin_received(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	/* RFC 9293 3.10.7.4 eighth: the FIN takes a sequence number. */
	tp->rcv_nxt++;
	tp->flags |= TF_RCVD_FIN | TF_ACKNOW | TF_NOTIFY;
	nlrs_buf_free_queue(tp->ooo_head);
	tp->ooo_head = NULL;
	tp->ooo_bytes = tp->ooo_bufs = 0;
	switch (tp->state) {
	case NLRS_TCPS_SYN_RECEIVED:
	case NLRS_TCPS_ESTABLISHED:
		nlrs__tcp_set_state(s, tp, NLRS_TCPS_CLOSE_WAIT);
		break;
	case NLRS_TCPS_FIN_WAIT_1:
		/* our FIN not acknowledged yet (else we would be in FIN-WAIT-2) */
		nlrs__tcp_set_state(s, tp, NLRS_TCPS_CLOSING);
		break;
	case NLRS_TCPS_FIN_WAIT_2:
		nlrs__tcp_set_state(s, tp, NLRS_TCPS_TIME_WAIT);
		nlrs__timer_cancel(&s->wheel, &tp->dack_timer);
		nlrs__tcp_idle_arm(s, tp);
		break;
	default:
		break;
	}
}

/* Text and FIN (RFC 9293 3.10.7.4 seventh and eighth). b: data at payload,
 * trimmed to the window; seq its first byte. Consumes b. */
static void text_input(struct nlrs_stack *s, struct nlrs_tcb *tp, struct nlrs_buf *b,
		       uint32_t seq, bool fin)
{
	uint32_t len = b ? b->tot_len : 0;
	switch (tp->state) {
	case NLRS_TCPS_ESTABLISHED:
	case NLRS_TCPS_FIN_WAIT_1:
	case NLRS_TCPS_FIN_WAIT_2:
	case NLRS_TCPS_SYN_RECEIVED:
		break;
	default:
		/* CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer already
		 * sent its FIN; anything more is ignored. */
		nlrs_buf_free(b);
		return;
	}
	if (len && (tp->flags & TF_ORPHAN) && nlrs_seq_geq(seq + len, tp->rcv_nxt)) {
		/* RFC 2525 2.17 (Linux does the same): nobody will read it;
		 * tell the peer with a reset instead of acknowledging. */
		NLRS_INC(s, tcp_rx_after_close);
		nlrs_buf_free(b);
		nlrs__tcp_send_rst(s, tp);
		nlrs__tcp_drop(s, tp, 0);
		return;
	}
	if (seq == tp->rcv_nxt) {
		if (len) {
			tp->rcv_nxt += len;
			rcvq_add(tp, b);
			b = NULL;
			tp->flags |= TF_NOTIFY;
		}
		if (tp->ooo_head) {
			/* RFC 5681 4.2: ACK at once when a segment fills a hole */
			ooo_drain(s, tp);
			tp->flags |= TF_ACKNOW;
		} else if (len) {
			nlrs__tcp_ack_later(s, tp, len >= tp->mss);
		}
		if (fin && !(tp->flags & TF_RCVD_FIN))
			fin_received(s, tp);
		nlrs_buf_free(b);
		return;
	}
	/* Out of order: keep it and send a duplicate ACK now with SACK
	 * blocks (RFC 5681 4.2, RFC 2018 4). */
	tp->flags |= TF_ACKNOW;
	if (!len && !fin) {
		nlrs_buf_free(b);
		return;
	}
	if (!b)
		return;
	ooo_insert(s, tp, b, seq, fin);
}

/* ---- ACK processing (RFC 9293 3.10.7.4 fifth) ---- */

static void enter_recovery(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	uint32_t flight = tp->snd_max - tp->snd_una;
	nlrs__cc_on_loss(&tp->cc, flight, s->now);
	tp->recover = tp->snd_max; /* RFC 6582 3.2 step 2, RFC 6675 5 (4.1) */
	tp->flags |= TF_IN_RECOVERY;
	tp->flags &= ~TF_RTT_TIMING;
	tp->high_rxt = tp->snd_una;
	NLRS_INC(s, tcp_fast_retrans);
	uint32_t n = tp->snd_queued < tp->mss ? tp->snd_queued : tp->mss;
	if (tp->flags & TF_SACK_OK) {
		NLRS_INC(s, tcp_sack_recovery);
		/* RFC 6675 5 (4.3): retransmit the first segment presumed lost. */
		if (n && !nlrs__sack_sb_is_sacked(&tp->sb, tp->snd_una)) {
			nlrs__tcp_send_seg(s, tp, tp->snd_una, n, NLRS_TCP_ACK);
			tp->high_rxt = tp->snd_una + n;
		}
	} else {
		NLRS_INC(s, tcp_reno_recovery);
		/* RFC 6582 3.2 step 2-3 / RFC 5681 3.2 step 3: retransmit, and
		 * inflate by the three segments that left the network. */
		if (n)
			nlrs__tcp_send_seg(s, tp, tp->snd_una, n, NLRS_TCP_ACK);
		tp->cc.cwnd = tp->cc.ssthresh + 3u * tp->mss;
	}
	nlrs__tcp_rtx_arm(s, tp);
}

static void window_update(struct nlrs_stack *s, struct nlrs_tcb *tp, const struct nlrs_tcp_seg *seg)
{
	/* RFC 9293 3.10.7.4: update only from a newer segment, so an old
	 * reordered one cannot shrink the window back. */
	if (nlrs_seq_lt(tp->snd_wl1, seg->seq) ||
	    (tp->snd_wl1 == seg->seq && nlrs_seq_leq(tp->snd_wl2, seg->ack))) {
		uint32_t old = tp->snd_wnd;
		tp->snd_wnd = (uint32_t)seg->th.window << tp->snd_wscale;
		tp->snd_wl1 = seg->seq;
		tp->snd_wl2 = seg->ack;
		if (tp->snd_wnd > tp->max_sndwnd)
			tp->max_sndwnd = tp->snd_wnd;
		if (!old && tp->snd_wnd) {
			/* the window opened: persist probing ends */
			tp->keep_probes = 0;
			tp->backoff = 0;
			if (tp->snd_max - tp->snd_una == 1u && tp->snd_nxt == tp->snd_max &&
			    tp->snd_queued && !(tp->flags & TF_FIN_SENT)) {
				/* RFC 9293 3.8.6.1: the probe's octet, which the
				 * closed window did not take, is not in flight:
				 * send it again with what follows, now, instead
				 * of holding the rest behind it (Nagle) until the
				 * backed-off persist timer turns into an RTO. */
				tp->snd_nxt = tp->snd_una;
				nlrs__timer_cancel(&s->wheel, &tp->rtx_timer);
			}
		}
	}
}

static void sndbuf_tune(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	if (tp->flags & TF_SNDBUF_LOCK)
		return;
	/* Room for two windows, so the application can refill while one is
	 * in flight (Linux's tcp_sndbuf_expand is in the same spirit). */
	uint64_t want = 2ull * (tp->cc.cwnd > tp->snd_wnd ? tp->snd_wnd : tp->cc.cwnd) + 4u * tp->mss;
	if (want > s->cfg.tcp_wmem_max)
		want = s->cfg.tcp_wmem_max;
	if (want > tp->sndbuf)
		tp->sndbuf = (uint32_t)want;
}

void nlrs__tcp_lost_rxt_check(struct nlrs_stack *s, struct nlrs_tcb *tp, bool expired)
{
	/* Time-based loss detection for the segment at SND.UNA, after RFC
	 * 8985 6.2 (RACK): data sent after it has been SACKed, so once it
	 * is older than an RTT plus a reordering allowance it is lost. Its
	 * first transmission is always that old when a SACK for later data
	 * arrives; a retransmission must have had an RTT. This catches the
	 * losses IsLost cannot see with few segments out (no DupThresh
	 * SACKs will come) and lost retransmissions, without waiting for a
	 * backed-off RTO. */
	if (!(tp->flags & TF_SACK_OK) || !tp->sb.n || tp->snd_una == tp->snd_max ||
	    nlrs__sack_sb_is_sacked(&tp->sb, tp->snd_una))
		return;
	/* When the head was last sent: known if we sent it since SND.UNA
	 * moved there, else it is at least an RTT old already. */
	nlrs_time_t reo = (nlrs_time_t)tp->srtt / 4u;
	if (reo < NLRS_MSEC(1))
		reo = NLRS_MSEC(1);
	nlrs_time_t sent = tp->una_rxt_time;
	nlrs_time_t due = sent ? sent + tp->srtt + reo : s->now + reo;
	if (expired && s->now < due && sent)
		expired = false; /* sent again meanwhile: wait for that copy */
	if (expired || (sent && s->now >= due)) {
		tp->flags &= ~TF_REO;
		if (!(tp->flags & (TF_IN_RECOVERY | TF_IN_LOSS)) &&
		    nlrs_seq_geq(tp->snd_una, tp->recover)) {
			NLRS_INC(s, tcp_rack_recovery);
			enter_recovery(s, tp);
		} else {
			NLRS_INC(s, tcp_lost_retrans);
			uint32_t n = tp->snd_queued < tp->mss ? tp->snd_queued : tp->mss;
			if (n)
				nlrs__tcp_send_seg(s, tp, tp->snd_una, n, NLRS_TCP_ACK);
			if (nlrs_seq_lt(tp->high_rxt, tp->snd_una + n))
				tp->high_rxt = tp->snd_una + n;
			nlrs__tcp_rtx_arm(s, tp);
		}
		return;
	}
	if (expired || !(tp->flags & TF_REO) || tp->reo_una != tp->snd_una) {
		tp->flags &= ~TF_PTO;
		tp->flags |= TF_REO;
		tp->reo_una = tp->snd_una;
		nlrs__timer_arm(&s->wheel, &tp->rtx_timer, due);
	}
}

/* Returns false when the connection went away. */
static bool ack_input(struct nlrs_stack *s, struct nlrs_tcb *tp, const struct nlrs_tcp_seg *seg)
{
	uint32_t ack = seg->ack;
	uint32_t new_sacked = 0;
	uint32_t old_wnd = tp->snd_wnd;
	if ((tp->flags & TF_SACK_OK) && seg->opts.nsack) {
		struct nlrs_seq_range blk[NLRS_TCP_MAX_SACK];
		unsigned n = seg->opts.nsack;
		for (unsigned i = 0; i < n; i++) {
			blk[i].left = seg->opts.sack[i].left;
			blk[i].right = seg->opts.sack[i].right;
		}
		/* RFC 2883 4: a first block below the ACK, or inside the
		 * second block, reports a duplicate. */
		if (nlrs_seq_leq(blk[0].right, ack) ||
		    (n > 1 && nlrs_seq_geq(blk[0].left, blk[1].left) &&
		     nlrs_seq_leq(blk[0].right, blk[1].right)))
			NLRS_INC(s, tcp_dsack_rx);
		uint32_t base = nlrs_seq_gt(ack, tp->snd_una) ? ack : tp->snd_una;
		new_sacked = nlrs__sack_sb_update(&tp->sb, blk, n, base, tp->snd_max);
	}
	window_update(s, tp, seg);

	if (nlrs_seq_gt(ack, tp->snd_una)) {
		uint32_t acked = ack - tp->snd_una;
		uint32_t flight = tp->snd_max - tp->snd_una;
		uint32_t data_end = tp->snd_una + tp->snd_queued;
		bool fin_acked = (tp->flags & TF_FIN_SENT) && nlrs_seq_gt(ack, data_end);
		uint32_t data_acked = acked - (fin_acked ? 1u : 0u);
		if (!(tp->flags & TF_SYN_ACKED)) {
			tp->flags |= TF_SYN_ACKED;
			data_acked--; /* the SYN's sequence number */
			tp->snd_una++;
		}
		if (data_acked > tp->snd_queued)
			data_acked = tp->snd_queued;
		nlrs__tcp_sndq_drop(s, tp, data_acked);
		tp->bytes_acked += data_acked;
		/* RFC 6298 3 (Karn): sample only a segment never retransmitted. */
		if ((tp->flags & TF_RTT_TIMING) && nlrs_seq_gt(ack, tp->rtt_seq)) {
			nlrs__tcp_rtt_sample(s, tp, (uint32_t)(s->now - tp->rtt_start));
			tp->flags &= ~TF_RTT_TIMING;
		}
		tp->snd_una = ack;
		tp->una_rxt_time = 0; /* the new head's last send time is unknown */
		if (nlrs_seq_lt(tp->snd_nxt, ack))
			tp->snd_nxt = ack;
		if (nlrs_seq_lt(tp->high_rxt, ack))
			tp->high_rxt = ack;
		uint32_t sacked_before = tp->sb.sacked;
		nlrs__sack_sb_ack(&tp->sb, ack);
		/* Each byte counts once towards delivery: SACKed bytes the
		 * cumulative ACK now covers were counted when SACKed. */
		nlrs__tcp_rate_ack(s, tp, new_sacked + data_acked - (sacked_before - tp->sb.sacked));
		tp->backoff = 0;
		tp->keep_probes = 0;
		tp->rtx_first = s->now;
		tp->flags &= ~TF_TLP_SENT; /* RFC 8985 7.4: the probe's episode ends */
		if (tp->flags & TF_IN_RECOVERY) {
			if (nlrs_seq_geq(ack, tp->recover)) {
				/* RFC 6582 3.2 step 3 / RFC 6675 5 (A): full ACK */
				tp->flags &= ~TF_IN_RECOVERY;
				nlrs__cc_on_recovery_end(&tp->cc, tp->snd_max - tp->snd_una);
				tp->dupacks = 0;
			} else if (!(tp->flags & TF_SACK_OK)) {
				/* RFC 6582 3.2 step 4: partial ACK: retransmit the
				 * next hole, deflate by what left, add one MSS. */
				uint32_t n = tp->snd_queued < tp->mss ? tp->snd_queued : tp->mss;
				if (n)
					nlrs__tcp_send_seg(s, tp, tp->snd_una, n, NLRS_TCP_ACK);
				tp->cc.cwnd = tp->cc.cwnd > data_acked ? tp->cc.cwnd - data_acked : 0;
				if (data_acked >= tp->mss)
					tp->cc.cwnd += tp->mss;
				if (tp->cc.cwnd < tp->mss)
					tp->cc.cwnd = tp->mss;
			}
		} else {
			if ((tp->flags & TF_IN_LOSS) && nlrs_seq_geq(ack, tp->recover))
				tp->flags &= ~TF_IN_LOSS;
			tp->dupacks = 0;
			/* RFC 3465 2.3: slow start after a timeout counts at
			 * most one SMSS per ACK. */
			nlrs__cc_on_ack(&tp->cc,
					(tp->flags & TF_IN_LOSS) && data_acked > tp->mss ? tp->mss
											 : data_acked,
					flight, tp->srtt, s->now);
			/* A cumulative ACK that still leaves a hole the
			 * scoreboard calls lost (RFC 6675 4 IsLost) starts
			 * recovery at once, as Linux does, instead of waiting
			 * for three more duplicates that may never come. */
			if ((tp->flags & (TF_SACK_OK | TF_IN_LOSS)) == TF_SACK_OK && tp->sb.n &&
			    nlrs_seq_geq(tp->snd_una, tp->recover) &&
			    nlrs__sack_sb_is_lost(&tp->sb, tp->snd_una, tp->mss))
				enter_recovery(s, tp);
		}
		sndbuf_tune(s, tp);
		if (tp->snd_una == tp->snd_max) {
			nlrs__timer_cancel(&s->wheel, &tp->rtx_timer);
			nlrs__tcp_idle_arm(s, tp);
		} else {
			nlrs__tcp_rtx_arm_data(s, tp); /* RFC 6298 5.3 */
		}
		tp->flags |= TF_NOTIFY;
		if (fin_acked) {
			switch (tp->state) {
			case NLRS_TCPS_FIN_WAIT_1:
				nlrs__tcp_set_state(s, tp, NLRS_TCPS_FIN_WAIT_2);
				nlrs__tcp_idle_arm(s, tp);
				break;
			case NLRS_TCPS_CLOSING:
				nlrs__tcp_set_state(s, tp, NLRS_TCPS_TIME_WAIT);
				nlrs__timer_cancel(&s->wheel, &tp->rtx_timer);
				nlrs__tcp_idle_arm(s, tp);
				break;
			case NLRS_TCPS_LAST_ACK:
				nlrs__tcp_drop(s, tp, 0);
				return false;
			default:
				break;
			}
		}
		if (tp->sb.n)
			nlrs__tcp_lost_rxt_check(s, tp, false);
		return true;
	}

	if (new_sacked)
		nlrs__tcp_rate_ack(s, tp, new_sacked);
	/* SEG.ACK == SND.UNA: a duplicate? RFC 5681 2 (and RFC 6675 2:
	 * with SACK, one that SACKs new data). */
	if (ack == tp->snd_una && tp->snd_una != tp->snd_max && !seg->plen &&
	    !(seg->th.flags & (NLRS_TCP_SYN | NLRS_TCP_FIN)) &&
	    ((tp->flags & TF_SACK_OK) ? new_sacked > 0 : tp->snd_wnd == old_wnd)) {
		if (tp->dupacks < 255)
			tp->dupacks++;
		if (tp->flags & TF_IN_RECOVERY) {
			if (!(tp->flags & TF_SACK_OK))
				tp->cc.cwnd += tp->mss; /* RFC 5681 3.2 step 4 */
			nlrs__tcp_lost_rxt_check(s, tp, false);
			return true;
		}
		if (tp->flags & TF_IN_LOSS) {
			nlrs__tcp_lost_rxt_check(s, tp, false);
			return true;
		}
		bool lost = (tp->flags & TF_SACK_OK) &&
			    nlrs__sack_sb_is_lost(&tp->sb, tp->snd_una, tp->mss);
		/* RFC 5827 early retransmit: with fewer than four segments
		 * out and nothing new to send, three duplicate ACKs can never
		 * come; the threshold drops to the outstanding segments - 1. */
		uint32_t out = (tp->snd_max - tp->snd_una + tp->mss - 1u) / tp->mss;
		bool nothing_new = tp->snd_queued <= tp->snd_max - tp->snd_una ||
				   tp->snd_wnd <= tp->snd_max - tp->snd_una;
		if (out < 4u && out > 1u && nothing_new && tp->dupacks >= out - 1u) {
			NLRS_INC(s, tcp_early_retrans);
			lost = true;
		}
		if ((tp->dupacks >= NLRS_TCP_DUPTHRESH || lost) &&
		    nlrs_seq_geq(tp->snd_una, tp->recover)) {
			enter_recovery(s, tp);
		} else if (tp->dupacks < NLRS_TCP_DUPTHRESH) {
			/* RFC 3042: limited transmit, one new segment per dup ACK */
			uint32_t saved = tp->cc.cwnd;
			tp->cc.cwnd += (uint32_t)tp->dupacks * tp->mss;
			nlrs__tcp_output(s, tp);
			tp->cc.cwnd = saved;
		}
	}
	if (new_sacked)
		nlrs__tcp_lost_rxt_check(s, tp, false);
	return true;
}

/* ---- the synchronized states (RFC 9293 3.10.7.4) ---- */

static void synchronized_input(struct nlrs_stack *s, struct nlrs_tcb *tp,
			       struct nlrs_tcp_seg *seg, struct nlrs_buf *b)
{
	uint16_t fl = seg->th.flags;
	uint32_t seq = seg->seq;

	if (tp->state == NLRS_TCPS_SYN_RECEIVED && (fl & NLRS_TCP_SYN) && (fl & NLRS_TCP_ACK) &&
	    seq == tp->irs && seg->ack == tp->iss + 1u) {
		/* Simultaneous open (RFC 9293 3.5 Figure 8 line 6): the
		 * peer's SYN-ACK acknowledges our SYN. Its SYN is the one
		 * already received; take it off and process the ACK (and
		 * any data) from the next sequence number on. */
		fl &= (uint16_t)~NLRS_TCP_SYN;
		seg->th.flags = fl;
		seg->seq = ++seq;
		seg->len--;
	}

	/* RFC 7323 5.3 R1: PAWS */
	if ((tp->flags & TF_TS_OK) && seg->opts.has_ts && !(fl & NLRS_TCP_RST) &&
	    nlrs_seq_lt(seg->opts.tsval, tp->ts_recent)) {
		if (s->now - tp->ts_recent_age > PAWS_IDLE) {
			/* RFC 7323 5.5: TS.Recent is too old to trust */
			tp->ts_recent = seg->opts.tsval;
		} else {
			NLRS_INC(s, tcp_rx_paws);
			tp->flags |= TF_ACKNOW;
			goto out_drop;
		}
	}

	/* first: sequence number acceptability (RFC 9293 3.10.7.4 table) */
	uint32_t wnd = nlrs_seq_gt(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
	uint32_t slen = seg->len;
	bool ok;
	if (!slen)
		ok = wnd ? nlrs_seq_between(seq, tp->rcv_nxt, tp->rcv_nxt + wnd - 1u) : seq == tp->rcv_nxt;
	else if (!wnd)
		ok = false;
	else
		ok = nlrs_seq_between(seq, tp->rcv_nxt, tp->rcv_nxt + wnd - 1u) ||
		     nlrs_seq_between(seq + slen - 1u, tp->rcv_nxt, tp->rcv_nxt + wnd - 1u);
	if (!ok && slen && !wnd && seq == tp->rcv_nxt) {
		/* RFC 9293 3.10.7.4: with a zero window, keep processing the
		 * ACK and RST of an in-order segment; its data is dropped. */
		ok = true;
		NLRS_INC(s, tcp_rx_rcvbuf_full);
		b = trim_front(b, seg->plen);
		seg->plen = 0;
		fl &= (uint16_t)~NLRS_TCP_FIN;
		slen = 0;
		tp->flags |= TF_ACKNOW;
	}
	if (!ok) {
		if (fl & NLRS_TCP_RST) {
			NLRS_INC(s, tcp_rx_rst_bad);
			goto drop;
		}
		if (tp->state == NLRS_TCPS_SYN_RECEIVED && (fl & NLRS_TCP_SYN) && seq == tp->irs) {
			/* the peer did not hear our SYN-ACK: send it again */
			nlrs__tcp_send_synack(s, tp);
			goto drop;
		}
		if (nlrs_seq_leq(seq + slen, tp->rcv_nxt)) {
			NLRS_INC(s, tcp_rx_dup);
			if (seg->plen && (tp->flags & TF_SACK_OK)) {
				/* RFC 2883 4.1.1: report the duplicate */
				tp->dsack_left = seq;
				tp->dsack_right = seq + seg->plen;
			}
			if (tp->state == NLRS_TCPS_TIME_WAIT && (fl & NLRS_TCP_FIN))
				nlrs__tcp_idle_arm(s, tp); /* RFC 9293: restart 2 MSL */
		} else {
			NLRS_INC(s, tcp_rx_out_of_window);
		}
		/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
		tp->flags |= TF_ACKNOW;
		goto out_drop;
	}

	/* second: RST (RFC 5961 3.2) */
	if (fl & NLRS_TCP_RST) {
		if (seq != tp->rcv_nxt) {
			challenge_ack(s, tp);
			goto drop;
		}
		NLRS_INC(s, tcp_rst_rx);
		tp->flags |= TF_RESET;
		switch (tp->state) {
		case NLRS_TCPS_SYN_RECEIVED:
			if (tp->listener) {
				/* passive open: back to LISTEN, i.e. forget it */
				nlrs__tcp_drop(s, tp, 0);
			} else {
				NLRS_INC(s, tcp_attempt_fails);
				nlrs__tcp_drop(s, tp, -NLRS_ECONNREFUSED);
			}
			break;
		case NLRS_TCPS_ESTABLISHED:
		case NLRS_TCPS_FIN_WAIT_1:
		case NLRS_TCPS_FIN_WAIT_2:
		case NLRS_TCPS_CLOSE_WAIT:
			NLRS_INC(s, tcp_estab_resets);
			nlrs__tcp_drop(s, tp, -NLRS_ECONNRESET);
			break;
		default:
			nlrs__tcp_drop(s, tp, 0);
			break;
		}
		goto drop;
	}

	/* fourth: SYN in a synchronized state (RFC 5961 4.2) */
	if (fl & NLRS_TCP_SYN) {
		if (tp->state == NLRS_TCPS_SYN_RECEIVED && seq == tp->irs && !(fl & NLRS_TCP_ACK)) {
			nlrs__tcp_send_synack(s, tp);
			goto drop;
		}
		challenge_ack(s, tp);
		goto drop;
	}

	/* fifth: ACK */
	if (!(fl & NLRS_TCP_ACK)) {
		NLRS_INC(s, tcp_rx_no_ack);
		goto drop;
	}
	if (tp->state == NLRS_TCPS_SYN_RECEIVED) {
		if (!nlrs_seq_lt(tp->snd_una, seg->ack) || nlrs_seq_gt(seg->ack, tp->snd_max)) {
			/* <SEQ=SEG.ACK><CTL=RST> */
			nlrs__tcp_respond_rst(s, seg);
			goto drop;
		}
		struct nlrs_tcb *l = tp->listener;
		if (l && l->accq_len >= l->backlog) {
			/* No room to hand it over: stay embryonic; the peer's
			 * retransmission or data will complete it later. */
			NLRS_INC(s, tcp_accq_overflow);
			goto drop;
		}
		tp->snd_wnd = (uint32_t)seg->th.window << tp->snd_wscale;
		tp->max_sndwnd = tp->snd_wnd;
		tp->snd_wl1 = seq;
		tp->snd_wl2 = seg->ack;
		tp->flags |= TF_SYN_ACKED;
		tp->snd_una++;
		if ((tp->flags & TF_RTT_TIMING) && !tp->syn_retries)
			nlrs__tcp_rtt_sample(s, tp, (uint32_t)(s->now - tp->rtt_start));
		tp->flags &= ~TF_RTT_TIMING;
		tp->syn_retries = 0;
		tp->backoff = 0;
		tp->quickacks = 8;
		nlrs__timer_cancel(&s->wheel, &tp->rtx_timer);
		nlrs__tcp_set_state(s, tp, NLRS_TCPS_ESTABLISHED);
		if (tp->flags & TF_FIN_QUEUED) {
			/* closed while embryonic: the FIN goes now */
			tp->flags &= ~TF_FIN_QUEUED;
			nlrs__tcp_fin_queue(s, tp);
		}
		if (l) {
			/* from the SYN queue to the accept queue */
			for (struct nlrs_tcb **pp = &l->synq; *pp; pp = &(*pp)->qnext)
				if (*pp == tp) {
					*pp = tp->qnext;
					l->synq_len--;
					break;
				}
			tp->flags &= ~TF_LISTEN_SYNQ;
			enqueue_accept(l, tp);
			nlrs__tcp_notify(s, l);
		}
	}
	/* RFC 5961 5.2: SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT */
	uint32_t maxwnd = tp->max_sndwnd > 65535u ? tp->max_sndwnd : 65535u;
	if (nlrs_seq_gt(seg->ack, tp->snd_max)) {
		NLRS_INC(s, tcp_rx_ack_bad);
		tp->flags |= TF_ACKNOW;
		goto out_drop;
	}
	if (nlrs_seq_lt(seg->ack, tp->snd_una - maxwnd)) {
		NLRS_INC(s, tcp_rx_ack_bad);
		challenge_ack(s, tp);
		goto drop;
	}
	/* RFC 7323 4.3: TS.Recent from the segment that covers
	 * Last.ACK.sent (checked after the segment is known acceptable). */
	if ((tp->flags & TF_TS_OK) && seg->opts.has_ts &&
	    nlrs_seq_leq(seq, tp->last_ack_sent) &&
	    (nlrs_seq_lt(tp->last_ack_sent, seq + slen) || (!slen && seq == tp->last_ack_sent))) {
		tp->ts_recent = seg->opts.tsval;
		tp->ts_recent_age = s->now;
	}
	tp->last_rcv = s->now;
	tp->keep_probes = tp->snd_wnd ? 0 : tp->keep_probes;
	if (!ack_input(s, tp, seg))
		goto drop; /* LAST-ACK ended */

	if (tp->state == NLRS_TCPS_TIME_WAIT) {
		/* RFC 9293: only a retransmitted FIN can arrive; ACK it and
		 * restart 2 MSL. */
		if (fl & NLRS_TCP_FIN) {
			tp->flags |= TF_ACKNOW;
			nlrs__tcp_idle_arm(s, tp);
		}
		goto out_drop;
	}

	/* sixth: URG, seventh: text, eighth: FIN */
	if (fl & NLRS_TCP_URG)
		NLRS_INC(s, tcp_rx_urg); /* RFC 6093: urgent bytes stay inline */
	if (seg->plen || (fl & NLRS_TCP_FIN)) {
		/* trim to the window: before RCV.NXT and past the right edge */
		uint32_t plen = seg->plen;
		bool fin = fl & NLRS_TCP_FIN;
		if (nlrs_seq_lt(seq, tp->rcv_nxt)) {
			uint32_t skip = tp->rcv_nxt - seq;
			if (skip >= plen) {
				if (plen && (tp->flags & TF_SACK_OK)) {
					tp->dsack_left = seq;
					tp->dsack_right = seq + plen;
				}
				skip = plen;
			}
			b = trim_front(b, skip);
			plen -= skip;
			seq += skip;
			if (!plen && !fin) {
				tp->flags |= TF_ACKNOW;
				goto out_drop;
			}
		}
		uint32_t edge = tp->rcv_nxt + wnd;
		if (plen && nlrs_seq_gt(seq + plen, edge)) {
			uint32_t keep = nlrs_seq_gt(edge, seq) ? edge - seq : 0;
			NLRS_INC(s, tcp_rx_rcvbuf_full);
			if (b)
				nlrs_buf_trim(b, keep);
			plen = keep;
			fin = false; /* the FIN lies past the window */
			tp->flags |= TF_ACKNOW;
		}
		if (!plen) {
			nlrs_buf_free(b);
			b = NULL;
		}
		tp->segs_in++;
		text_input(s, tp, b, seq, fin);
		b = NULL;
		if (!tp->state || tp->state == NLRS_TCPS_CLOSED)
			goto drop;
	}
out_drop:
	nlrs__tcp_output(s, tp);
	nlrs__tcp_notify(s, tp);
drop:
	nlrs_buf_free(b);
}

/* ---- entry ---- */

void nlrs__tcp_input(struct nlrs_stack *s, struct nlrs_buf *b, const struct nlrs_ipv4_hdr *ih)
{
	NLRS_INC(s, tcp_rx);
	struct nlrs_tcp_seg seg;
	uint32_t tlen = (uint32_t)ih->tot_len - ih->hlen;
	if (tlen < NLRS_TCP_HLEN || b->len < (size_t)ih->hlen + NLRS_TCP_HLEN) {
		NLRS_INC(s, tcp_rx_short);
		goto drop;
	}
	/* Header and options must sit in the first segment (the IP layer
	 * keeps headers there); the view checks the data offset against it. */
	size_t first = b->len - ih->hlen;
	int rc = nlrs_tcp_parse(b->data + ih->hlen, first < tlen ? first : tlen, &seg.th);
	if (rc < 0) {
		if (rc == NLRS_WIRE_BAD_OPTION)
			NLRS_INC(s, tcp_rx_bad_option);
		else
			NLRS_INC(s, tcp_rx_short);
		goto drop;
	}
	/* RFC 791: bytes past the IP total length are link padding. */
	nlrs_buf_trim(b, ih->tot_len);
	uint32_t sum = nlrs_csum_pseudo4(ih->src, ih->dst, NLRS_IPPROTO_TCP, tlen);
	/* A device that checked the checksum (or a local sender that left
	 * it partial, NLRS_CSUM_PARTIAL) spares us the pass over the data. */
	if (b->csum == NLRS_CSUM_NONE && nlrs_csum_fold(nlrs__buf_csum(b, ih->hlen, tlen, sum)) != 0) {
		NLRS_INC(s, tcp_rx_bad_checksum);
		goto drop;
	}
	/* RFC 1122 4.2.3.10: no TCP to or from broadcast or multicast. */
	if (nlrs_ipv4_is_multicast(ih->dst) || nlrs__addr_is_bcast(s, b->ifindex, ih->dst) ||
	    nlrs_ipv4_is_multicast(ih->src) || nlrs_ipv4_is_limited_bcast(ih->src) ||
	    (b->flags & NLRS_BUFF_L2BCAST)) {
		NLRS_INC(s, tcp_rx_bad_dest);
		goto drop;
	}
	if (nlrs_tcp_opts_parse(seg.th.opts, seg.th.optlen, &seg.opts) < 0) {
		NLRS_INC(s, tcp_rx_bad_option);
		goto drop;
	}
	seg.src = ih->src;
	seg.dst = ih->dst;
	seg.ttl = ih->ttl;
	seg.seq = seg.th.seq;
	seg.ack = seg.th.ack;
	seg.plen = tlen - seg.th.hlen;
	seg.len = seg.plen + ((seg.th.flags & NLRS_TCP_SYN) ? 1u : 0u) +
		  ((seg.th.flags & NLRS_TCP_FIN) ? 1u : 0u);
	seg.payload_off = (uint16_t)(ih->hlen + seg.th.hlen);
	/* The buffer now holds the payload only. */
	nlrs_buf_pull(b, seg.payload_off);
	b->flags &= (uint16_t)~NLRS_BUFF_TCP_FIN;

	struct nlrs_tcb *tp = nlrs__tcb_lookup(s, seg.dst, seg.th.dport, seg.src, seg.th.sport);
	if (tp && tp->state == NLRS_TCPS_TIME_WAIT && (seg.th.flags & NLRS_TCP_SYN) &&
	    !(seg.th.flags & (NLRS_TCP_ACK | NLRS_TCP_RST))) {
		/* RFC 6191 / RFC 1122 4.2.2.13: a new incarnation may start
		 * from TIME-WAIT when its SYN is provably newer. */
		bool newer = (tp->flags & TF_TS_OK) && seg.opts.has_ts
				     ? nlrs_seq_gt(seg.opts.tsval, tp->ts_recent)
				     : nlrs_seq_gt(seg.seq, tp->rcv_nxt);
		struct nlrs_tcb *l = newer ? nlrs__tcb_listener(s, seg.dst, seg.th.dport) : NULL;
		if (l) {
			NLRS_INC(s, tcp_tw_reuse_syn);
			nlrs__tcp_drop(s, tp, 0);
			tp = NULL;
		}
	}
	if (!tp) {
		tp = nlrs__tcb_listener(s, seg.dst, seg.th.dport);
		if (!tp) {
			NLRS_INC(s, tcp_rx_no_conn);
			nlrs__tcp_respond_rst(s, &seg);
			goto drop;
		}
		listen_input(s, tp, &seg, b);
		return;
	}
	tp->segs_in++;
	switch (tp->state) {
	case NLRS_TCPS_SYN_SENT:
		syn_sent_input(s, tp, &seg, b);
		return;
	case NLRS_TCPS_CLOSED:
		NLRS_INC(s, tcp_rx_no_conn);
		nlrs__tcp_respond_rst(s, &seg);
		goto drop;
	default:
		synchronized_input(s, tp, &seg, b);
		return;
	}
drop:
	nlrs_buf_free(b);
}

/* ---- ICMP errors (RFC 1122 4.2.3.9, RFC 1191, RFC 5927) ---- */

void nlrs__tcp_icmp_error(struct nlrs_stack *s, const struct nlrs_ipv4_hdr *inner,
			  const uint8_t *l4, size_t l4len, uint8_t type, uint8_t code,
			  uint32_t info)
{
	if (l4len < 8)
		return; /* RFC 792: 8 bytes of the datagram: ports and seq */
	uint16_t sport = nlrs_rd16(l4), dport = nlrs_rd16(l4 + 2);
	uint32_t seq = nlrs_rd32(l4 + 4);
	struct nlrs_tcb *tp = nlrs__tcb_lookup(s, inner->src, sport, inner->dst, dport);
	if (!tp)
		return;
	/* RFC 5927 4.1: believe only errors about data in flight. */
	if (!nlrs_seq_between(seq, tp->snd_una, tp->snd_max)) {
		NLRS_INC(s, icmp_rx_bad_quote);
		return;
	}
	NLRS_INC(s, tcp_icmp_errors);
	if (type == NLRS_ICMP_DEST_UNREACH && code == NLRS_ICMP_FRAG_NEEDED) {
		/* RFC 1191 4: lower the path MTU; a zero next-hop MTU (old
		 * routers) steps down the RFC 1191 7 plateau table. */
		uint32_t mtu = info;
		uint32_t cur = tp->pmtu ? tp->pmtu : nlrs__ip_mtu(s, tp->raddr);
		if (!mtu) {
			static const uint16_t plateau[] = { 32000, 17914, 8166, 4352, 2002, 1492,
							    1006, 508, 296, 68 };
			for (unsigned i = 0; i < sizeof(plateau) / sizeof(plateau[0]); i++)
				if (plateau[i] < cur) {
					mtu = plateau[i];
					break;
				}
		}
		if (mtu < 68u || mtu >= cur)
			return;
		if (mtu < 576u)
			mtu = 576u; /* like Linux's min_pmtu: a tiny MTU is likely a lie */
		tp->pmtu = (uint16_t)mtu;
		uint16_t old = tp->mss;
		nlrs__tcp_update_mss(s, tp);
		if (tp->mss < old) {
			NLRS_INC(s, tcp_pmtu_lowered);
			/* resend at once what was too big (RFC 1191 6.3) */
			tp->snd_nxt = tp->snd_una;
			tp->flags &= ~TF_FIN_SENT;
			nlrs__tcp_output(s, tp);
		}
		return;
	}
	int err;
	bool hard = false;
	if (type == NLRS_ICMP_DEST_UNREACH) {
		switch (code) {
		case NLRS_ICMP_PROT_UNREACH:
		case NLRS_ICMP_PORT_UNREACH:
			err = -NLRS_ECONNREFUSED;
			hard = true; /* RFC 1122 4.2.3.9: codes 2 and 3 are hard */
			break;
		case NLRS_ICMP_NET_UNREACH:
			err = -NLRS_ENETUNREACH;
			break;
		default:
			err = -NLRS_EHOSTUNREACH;
			break;
		}
	} else if (type == NLRS_ICMP_TIME_EXCEEDED || type == NLRS_ICMP_PARAMPROB) {
		err = type == NLRS_ICMP_PARAMPROB ? -NLRS_EPROTOTYPE : -NLRS_EHOSTUNREACH;
	} else {
		return;
	}
	if (tp->state == NLRS_TCPS_SYN_SENT && hard) {
		/* Like Linux: a hard error aborts a connection attempt; in a
		 * synchronized state it stays soft (RFC 5461). */
		NLRS_INC(s, tcp_attempt_fails);
		nlrs__tcp_drop(s, tp, err);
		return;
	}
	/* Soft: remembered, reported if the connection times out. */
	tp->soft_err = (int16_t)err;
}
