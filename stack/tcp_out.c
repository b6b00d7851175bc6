/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP output: deciding what to send (windows, Nagle, cork, loss recovery)
 * and building segments.
 *
 * Implements: segmentation of the send queue by the send MSS; the send
 * window as min(peer window, cwnd) (RFC 5681 2); Nagle's algorithm
 * (RFC 9293 3.7.4, RFC 1122 4.2.3.4) with TCP_NODELAY, TCP_CORK and
 * MSG_MORE (held at most 200 ms); sender SWS avoidance (RFC 9293
 * 3.8.6.2.1); receiver SWS avoidance and never shrinking the window (RFC
 * 9293 3.8.6.2.2); SACK-based loss recovery (RFC 6675 5, NextSeg rules 1-3)
 * and the retransmission after a timeout skipping SACKed data; restart
 * after idle (RFC 5681 4.1); options on SYN (MSS, window scale, SACK
 * permitted, timestamps) and on every other segment (timestamps, SACK
 * blocks with a D-SACK first, RFC 2883); RST generation (RFC 9293
 * 3.10.7.1); the DF bit on every segment for path MTU discovery (RFC 1191).
 *
 * Not implemented: TSO/GSO super-segments, ECN (RFC 3168), TCP Fast Open,
 * the rescue retransmission of RFC 6675 NextSeg rule 4, RFC 8985 RACK.
 */
#include "tcp.h"
#include "wire/checksum.h"

uint32_t nlrs__tcp_tsval(struct nlrs_stack *s, const struct nlrs_tcb *tp)
{
	/* RFC 7323 5.4: a 1 ms clock (between 1 ms and 1 s per tick), with a
	 * random offset per connection (RFC 7323 7.1). */
	return (uint32_t)(s->now / 1000u) + tp->ts_offset;
}

/* Copy [seq, seq+len) of the send queue to the end of b. */
static int sndq_copy(struct nlrs_tcb *tp, uint32_t seq, uint32_t len, struct nlrs_buf *b)
{
	struct nlrs_buf *q = tp->sndq_head;
	uint32_t qseq = tp->snd_una - tp->sndq_off; /* seq of q->data[0] */
	if (tp->snd_hint && nlrs_seq_geq(seq, tp->snd_hint_seq) &&
	    nlrs_seq_geq(tp->snd_hint_seq, qseq)) {
		q = tp->snd_hint;
		qseq = tp->snd_hint_seq;
	}
	while (q && nlrs_seq_geq(seq, qseq + q->len)) {
		qseq += q->len;
		q = q->qnext;
	}
	while (len && q) {
		tp->snd_hint = q;
		tp->snd_hint_seq = qseq;
		uint32_t off = seq - qseq;
		uint32_t n = q->len - off;
		if (n > len)
			n = len;
		if (n >= 512u) {
			/* Zero copy: the segment points into the queue buffer
			 * (bytes there never change; the queue only grows). */
			struct nlrs_buf *e = nlrs_buf_external(b->pool, q, (uint16_t)off, (uint16_t)n);
			if (!e)
				return -NLRS_ENOBUFS;
			struct nlrs_buf *t = b;
			while (t->next)
				t = t->next;
			t->next = e;
			b->tot_len += n;
		} else if (nlrs_buf_append(b, q->data + off, n)) {
			return -NLRS_ENOBUFS;
		}
		len -= n;
		seq += n;
		qseq += q->len;
		q = q->qnext;
	}
	return len ? -NLRS_EINVAL : 0;
}

void nlrs__tcp_sndq_drop(struct nlrs_stack *s, struct nlrs_tcb *tp, uint32_t n)
{
	(void)s;
	if (n > tp->snd_queued)
		n = tp->snd_queued;
	tp->snd_queued -= n;
	uint32_t off = tp->sndq_off + n;
	while (tp->sndq_head && off >= tp->sndq_head->len) {
		struct nlrs_buf *b = tp->sndq_head;
		off -= b->len;
		tp->sndq_head = b->qnext;
		if (tp->sndq_tail == b)
			tp->sndq_tail = NULL;
		if (tp->snd_hint == b)
			tp->snd_hint = NULL;
		b->qnext = NULL;
		nlrs_buf_free(b);
	}
	tp->sndq_off = (uint16_t)off;
	if (!tp->sndq_head)
		tp->sndq_off = 0;
}

/* The window to announce, in the units of the window field. */
static uint16_t announce(struct nlrs_stack *s, struct nlrs_tcb *tp, bool syn)
{
	uint32_t space = nlrs__tcp_rcv_space(s, tp);
	uint32_t cur = nlrs_seq_gt(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
	if (space < cur) {
		/* RFC 9293 3.8.6.2.2 / RFC 7323 2.4: never move the right edge
		 * back (shrink the window). */
		space = cur;
	} else {
		/* RFC 9293 3.8.6.2.2 receiver SWS avoidance: raise the right
		 * edge only by min(half the buffer, one MSS) or more. */
		uint32_t step = tp->rcvbuf / 2u < tp->mss ? tp->rcvbuf / 2u : tp->mss;
		if (space - cur < step)
			space = cur;
	}
	uint32_t wnd;
	if (syn) {
		/* RFC 7323 2.2: the window of a SYN is never scaled. */
		wnd = space > 65535u ? 65535u : space;
		tp->rcv_adv = tp->rcv_nxt + wnd;
		return (uint16_t)wnd;
	}
	/* Rounded up: a truncated value would show the peer an edge left
	 * of the one already announced (RFC 9293 3.8.6.2.2), as Linux
	 * rounds too; the extra is under one scaling unit. */
	wnd = (space + (1u << tp->rcv_wscale) - 1u) >> tp->rcv_wscale;
	if (wnd > 65535u)
		wnd = 65535u;
	uint32_t edge = tp->rcv_nxt + (wnd << tp->rcv_wscale);
	if (nlrs_seq_gt(edge, tp->rcv_adv))
		tp->rcv_adv = edge;
	return (uint16_t)wnd;
}

/* Build and send one segment. */
int nlrs__tcp_send_seg(struct nlrs_stack *s, struct nlrs_tcb *tp, uint32_t seq, uint32_t len,
		       uint16_t flags)
{
	struct nlrs_tcp_opts o;
	nlrs_memset(&o, 0, sizeof(o));
	bool syn = flags & NLRS_TCP_SYN;
	if (syn) {
		o.has_mss = true;
		o.mss = tp->adv_mss;
		bool active = tp->state == NLRS_TCPS_SYN_SENT;
		/* A SYN offers everything configured; a SYN-ACK only what the
		 * SYN offered (RFC 7323 2.2 and 3.2, RFC 2018 2). */
		if (active ? !s->cfg.tcp_no_wscale : (tp->flags & TF_WS_OK) != 0) {
			o.has_wscale = true;
			o.wscale = tp->rcv_wscale;
		}
		o.sack_ok = active ? !s->cfg.tcp_no_sack : (tp->flags & TF_SACK_OK) != 0;
		if (active ? !s->cfg.tcp_no_timestamps : (tp->flags & TF_TS_OK) != 0) {
			o.has_ts = true;
			o.tsval = nlrs__tcp_tsval(s, tp);
			o.tsecr = active ? 0 : tp->ts_recent;
		}
	} else {
		if (tp->flags & TF_TS_OK) {
			o.has_ts = true;
			o.tsval = nlrs__tcp_tsval(s, tp);
			o.tsecr = tp->ts_recent;
		}
		if ((tp->flags & TF_SACK_OK) && (flags & NLRS_TCP_ACK) && !(flags & NLRS_TCP_RST)) {
			unsigned max = o.has_ts ? 3u : 4u;
			if (tp->dsack_left != tp->dsack_right) {
				/* RFC 2883 4: the D-SACK block goes first, once. */
				o.sack[0].left = tp->dsack_left;
				o.sack[0].right = tp->dsack_right;
				o.nsack = 1;
				tp->dsack_left = tp->dsack_right;
			}
			for (unsigned i = 0; i < tp->sack_rcv.n && o.nsack < max; i++) {
				o.sack[o.nsack].left = tp->sack_rcv.r[i].left;
				o.sack[o.nsack].right = tp->sack_rcv.r[i].right;
				o.nsack++;
			}
		}
	}
	uint8_t optbuf[NLRS_TCP_MAX_OPTLEN];
	int optlen = nlrs_tcp_opts_emit(optbuf, sizeof(optbuf), &o);
	if (optlen < 0)
		optlen = 0;

	struct nlrs_buf *b = nlrs_buf_alloc(&s->pool, NLRS_BUF_HEADROOM);
	if (!b) {
		NLRS_INC(s, tcp_tx_fail);
		return -NLRS_ENOBUFS;
	}
	uint16_t hlen = (uint16_t)(NLRS_TCP_HLEN + optlen);
	uint8_t *th = nlrs_buf_put(b, hlen);
	if (len > tp->mss) {
		/* A TSO super-segment: the device cuts it into MSS pieces,
		 * each with these headers (nlrs__tcp_output checked it can). */
		b->gso_type = NLRS_GSO_TCPV4;
		b->gso_size = tp->mss;
	}
	b->tot_len = hlen;
	if (len && sndq_copy(tp, seq, len, b) < 0) {
		nlrs_buf_free(b);
		NLRS_INC(s, tcp_tx_fail);
		return -NLRS_ENOBUFS;
	}
	if (flags & NLRS_TCP_ACK) {
		/* Any ACK we send settles the ones owed (RFC 1122 4.2.3.2). */
		tp->flags &= ~(TF_ACKNOW | TF_DELACK | TF_WINUPD);
		tp->unacked_segs = 0;
		nlrs__timer_cancel(&s->wheel, &tp->dack_timer);
		if (tp->cork_until && (tp->flags & (TF_CORK | TF_MORE)))
			nlrs__timer_arm(&s->wheel, &tp->dack_timer, tp->cork_until);
	}
	struct nlrs_tcp_hdr h = {
		.sport = tp->lport,
		.dport = tp->rport,
		.seq = seq,
		.ack = (flags & NLRS_TCP_ACK) ? tp->rcv_nxt : 0,
		.flags = flags,
		.window = (flags & NLRS_TCP_RST) ? 0 : announce(s, tp, syn),
		.opts = optbuf,
		.optlen = (uint8_t)optlen,
	};
	nlrs_tcp_emit(th, hlen, &h);
	uint32_t sum = nlrs_csum_pseudo4(tp->laddr, tp->raddr, NLRS_IPPROTO_TCP, b->tot_len);
	if (tp->offloads & NLRS_OFFLOAD_TX_CSUM) {
		/* the device sums the segment; we leave the pseudo-header sum */
		b->csum = NLRS_CSUM_PARTIAL;
		nlrs_wr16(th + 16, (uint16_t)~nlrs_csum_fold(sum));
	} else {
		nlrs_wr16(th + 16, nlrs_csum_fold(nlrs__buf_csum(b, 0, b->tot_len, sum)));
	}
	if (flags & NLRS_TCP_ACK)
		tp->last_ack_sent = tp->rcv_nxt;

	/* Bookkeeping before the send: the packet may loop back to us. */
	bool rexmit = len && nlrs_seq_lt(seq, tp->snd_max);
	if (len && seq == tp->snd_una)
		tp->una_rxt_time = s->now; /* the head's last transmission */
	if (rexmit) {
		tp->bytes_retrans += len;
		tp->total_retrans++;
		NLRS_INC(s, tcp_retrans);
		/* Karn (RFC 6298 3): no sample from a retransmitted range. */
		if ((tp->flags & TF_RTT_TIMING) && nlrs_seq_leq(seq, tp->rtt_seq))
			tp->flags &= ~TF_RTT_TIMING;
	} else if ((len || syn) && !(tp->flags & TF_RTT_TIMING) && !tp->backoff) {
		tp->flags |= TF_RTT_TIMING;
		tp->rtt_seq = seq;
		tp->rtt_start = s->now;
	}
	if (len) {
		tp->bytes_sent += len;
		tp->last_snd = s->now;
		nlrs__tcp_rate_sent(s, tp, seq, len);
	}
	tp->segs_out++;
	if (flags & NLRS_TCP_RST)
		NLRS_INC(s, tcp_rst_tx);

	struct nlrs_ip_out io = {
		.src = tp->laddr,
		.dst = tp->raddr,
		.proto = NLRS_IPPROTO_TCP,
		.ttl = tp->ttl,
		.tos = tp->tos,
		.df = true, /* RFC 1191 3 */
		.ifindex = -1,
	};
	int rc = nlrs__ip_output(s, b, &io);
	if (rc < 0) {
		NLRS_INC(s, tcp_tx_fail);
		if (rc == -NLRS_EMSGSIZE) {
			/* The route's MTU shrank under us: follow it. */
			tp->pmtu = nlrs__ip_mtu(s, tp->raddr);
			nlrs__tcp_update_mss(s, tp);
		}
		return rc;
	}
	NLRS_INC(s, tcp_tx);
	return 0;
}

int nlrs__tcp_send_ack(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	return nlrs__tcp_send_seg(s, tp, tp->snd_nxt, 0, NLRS_TCP_ACK);
}

int nlrs__tcp_send_synack(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	return nlrs__tcp_send_seg(s, tp, tp->iss, 0, NLRS_TCP_SYN | NLRS_TCP_ACK);
}

int nlrs__tcp_send_rst(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	switch (tp->state) {
	case NLRS_TCPS_CLOSED:
	case NLRS_TCPS_LISTEN:
	case NLRS_TCPS_SYN_SENT:
	case NLRS_TCPS_TIME_WAIT:
		return 0;
	default:
		break;
	}
	tp->flags |= TF_RESET;
	/* RFC 9293 3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>; with the ACK bit,
	 * as Linux sends it, so the peer's RFC 5961 check has an exact match. */
	return nlrs__tcp_send_seg(s, tp, tp->snd_max, 0, NLRS_TCP_RST | NLRS_TCP_ACK);
}

void nlrs__tcp_respond_rst(struct nlrs_stack *s, const struct nlrs_tcp_seg *seg)
{
	if (seg->th.flags & NLRS_TCP_RST)
		return; /* RFC 9293 3.10.7.1: never answer a reset */
	struct nlrs_tcb *t = s->tcp_scratch;
	nlrs_memset(t, 0, sizeof(*t));
	t->stack = s;
	t->sd = -1;
	t->state = NLRS_TCPS_CLOSED;
	t->laddr = seg->dst;
	t->raddr = seg->src;
	t->lport = seg->th.dport;
	t->rport = seg->th.sport;
	t->mss = 536;
	uint32_t seq;
	uint16_t flags;
	if (seg->th.flags & NLRS_TCP_ACK) {
		/* <SEQ=SEG.ACK><CTL=RST> */
		seq = seg->ack;
		flags = NLRS_TCP_RST;
	} else {
		/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
		seq = 0;
		t->rcv_nxt = seg->seq + seg->len;
		flags = NLRS_TCP_RST | NLRS_TCP_ACK;
	}
	nlrs__tcp_send_seg(s, t, seq, 0, flags);
}

/* SACKed bytes in [snd_una, upto). */
static uint32_t sacked_below(const struct nlrs_tcb *tp, uint32_t upto)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < tp->sb.n; i++) {
		uint32_t l = tp->sb.r[i].left, r = tp->sb.r[i].right;
		if (nlrs_seq_geq(l, upto))
			break;
		if (nlrs_seq_gt(r, upto))
			r = upto;
		n += r - l;
	}
	return n;
}

/* RFC 6675 5 (C): send while cwnd - pipe >= 1 SMSS, choosing by NextSeg. */
static bool sack_recovery_send(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	bool sent = false;
	for (unsigned guard = 0; guard < 256; guard++) {
		uint32_t pipe = nlrs__sack_sb_pipe(&tp->sb, tp->snd_una, tp->snd_max, tp->high_rxt,
						   tp->mss);
		if (tp->cc.cwnd <= pipe || tp->cc.cwnd - pipe < tp->mss)
			break;
		if (nlrs__tcp_pace_hold(s, tp))
			break;
		uint32_t from = nlrs_seq_gt(tp->high_rxt, tp->snd_una) ? tp->high_rxt : tp->snd_una;
		uint32_t hs, hl;
		bool hole = nlrs__sack_sb_next_hole(&tp->sb, from, tp->snd_una, &hs, &hl);
		uint32_t data_end = tp->snd_una + tp->snd_queued;
		if (hole && nlrs_seq_gt(hs + hl, data_end))
			hl = nlrs_seq_gt(data_end, hs) ? data_end - hs : 0;
		if (hole && hl && nlrs__sack_sb_is_lost(&tp->sb, hs, tp->mss)) {
			/* Rule 1: the first lost hole above HighRxt. */
			uint32_t n = hl < tp->mss ? hl : tp->mss;
			if (nlrs__tcp_send_seg(s, tp, hs, n, NLRS_TCP_ACK))
				break;
			NLRS_INC(s, tcp_sack_retrans);
			tp->high_rxt = hs + n;
			sent = true;
			continue;
		}
		/* Rule 2: new data, if the receiver's window allows. */
		uint32_t off = tp->snd_nxt - tp->snd_una;
		uint32_t avail = tp->snd_queued > off ? tp->snd_queued - off : 0;
		uint32_t wnd_end = tp->snd_una + tp->snd_wnd;
		uint32_t room = nlrs_seq_gt(wnd_end, tp->snd_nxt) ? wnd_end - tp->snd_nxt : 0;
		uint32_t n = avail < room ? avail : room;
		if (n > tp->mss)
			n = tp->mss;
		if (n && tp->snd_nxt == tp->snd_max) {
			if (nlrs__tcp_send_seg(s, tp, tp->snd_nxt, n, NLRS_TCP_ACK))
				break;
			tp->snd_nxt += n;
			tp->snd_max = tp->snd_nxt;
			sent = true;
			continue;
		}
		/* Rule 3: a hole not yet deemed lost, with SACKed data above. */
		if (hole && hl) {
			n = hl < tp->mss ? hl : tp->mss;
			if (nlrs__tcp_send_seg(s, tp, hs, n, NLRS_TCP_ACK))
				break;
			NLRS_INC(s, tcp_sack_retrans);
			tp->high_rxt = hs + n;
			sent = true;
			continue;
		}
		break;
	}
	return sent;
}

static bool may_send_data(uint8_t state)
{
	switch (state) {
	case NLRS_TCPS_ESTABLISHED:
	case NLRS_TCPS_CLOSE_WAIT:
	case NLRS_TCPS_FIN_WAIT_1:
	case NLRS_TCPS_CLOSING:
	case NLRS_TCPS_LAST_ACK:
		return true;
	default:
		return false;
	}
}

int nlrs__tcp_output(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	bool sent = false;
	int rc = 0;
	if (!may_send_data(tp->state)) {
		if ((tp->flags & TF_ACKNOW) &&
		    (tp->state == NLRS_TCPS_FIN_WAIT_2 || tp->state == NLRS_TCPS_TIME_WAIT))
			rc = nlrs__tcp_send_ack(s, tp);
		return rc;
	}
	if (tp->snd_una == tp->snd_max && tp->last_snd &&
	    s->now - tp->last_snd > nlrs__tcp_rto(tp) && tp->snd_queued)
		nlrs__cc_on_idle(&tp->cc); /* RFC 5681 4.1 */

	/* Offloads of the way out, looked up once per call (routes change
	 * rarely; a stale answer only costs one software checksum). */
	tp->offloads = nlrs__ip_offloads(s, tp->raddr);
	/* TSO: up to 64 KiB of headers and data in one go, whole segments. */
	uint32_t maxlen = tp->mss;
	if ((tp->offloads & NLRS_OFFLOAD_TSO4) && !(tp->flags & (TF_IN_RECOVERY | TF_IN_LOSS))) {
		uint32_t room = 65535u - 20u - NLRS_TCP_MAX_HLEN;
		maxlen = room - room % tp->mss;
	}
	if ((tp->flags & (TF_IN_RECOVERY | TF_SACK_OK)) == (TF_IN_RECOVERY | TF_SACK_OK)) {
		sent = sack_recovery_send(s, tp);
		goto acks;
	}
	for (unsigned guard = 0; guard < 4096; guard++) {
		if ((tp->flags & (TF_IN_LOSS | TF_SACK_OK)) == (TF_IN_LOSS | TF_SACK_OK) &&
		    nlrs_seq_lt(tp->snd_nxt, tp->snd_max) && tp->sb.n) {
			/* RFC 6675 5.1: after a timeout, do not resend what the
			 * receiver holds. */
			uint32_t hs, hl;
			if (nlrs__sack_sb_is_sacked(&tp->sb, tp->snd_nxt)) {
				if (nlrs__sack_sb_next_hole(&tp->sb, tp->snd_nxt, tp->snd_una, &hs, &hl))
					tp->snd_nxt = hs;
				else
					tp->snd_nxt = nlrs__sack_sb_high(&tp->sb, tp->snd_una);
				if (nlrs_seq_gt(tp->snd_nxt, tp->snd_max))
					tp->snd_nxt = tp->snd_max;
			}
		}
		uint32_t off = tp->snd_nxt - tp->snd_una;
		uint32_t avail = tp->snd_queued > off ? tp->snd_queued - off : 0;
		uint32_t wnd = tp->snd_wnd < tp->cc.cwnd ? tp->snd_wnd : tp->cc.cwnd;
		/* Bytes the receiver has SACKed are out of the network (RFC
		 * 6675 SetPipe's view), also outside recovery. */
		uint32_t inflight = off;
		if ((tp->flags & TF_SACK_OK) && tp->sb.n)
			inflight -= sacked_below(tp, tp->snd_nxt);
		uint32_t usable = wnd > inflight ? wnd - inflight : 0;
		/* The peer's window is a hard limit whatever cwnd says. */
		uint32_t rwnd_room = tp->snd_wnd > off ? tp->snd_wnd - off : 0;
		if (usable > rwnd_room)
			usable = rwnd_room;
		uint32_t len = avail < usable ? avail : usable;
		if (len > maxlen)
			len = maxlen;
		if (len > tp->mss && len < avail)
			len -= len % tp->mss; /* whole segments, the tail waits */
		bool fin = (tp->flags & TF_FIN_QUEUED) && off + len == tp->snd_queued &&
			   !(tp->flags & TF_FIN_SENT);
		if (!len && !fin) {
			if (!avail && usable)
				nlrs__tcp_rate_app_limited(tp);
			break;
		}
		if (len && nlrs__tcp_pace_hold(s, tp))
			break;
		if (len < tp->mss && !fin) {
			if (len < avail) {
				/* Window-limited: RFC 9293 3.8.6.2.1 sends only a
				 * segment of at least half the largest window seen. */
				if (len < tp->max_sndwnd / 2u || !tp->max_sndwnd)
					break;
			} else {
				bool corked = (tp->flags & (TF_CORK | TF_MORE)) && tp->cork_until &&
					      s->now < tp->cork_until;
				if (corked) {
					if (!nlrs__timer_pending(&tp->dack_timer))
						nlrs__timer_arm(&s->wheel, &tp->dack_timer,
								tp->cork_until);
					break;
				}
				/* Nagle (RFC 1122 4.2.3.4): one small segment
				 * outstanding at most, unless TCP_NODELAY. */
				if (!(tp->flags & TF_NODELAY) && tp->snd_nxt != tp->snd_una &&
				    !(tp->flags & TF_IN_LOSS))
					break;
			}
		}
		uint16_t flags = NLRS_TCP_ACK;
		if (len && len == avail)
			flags |= NLRS_TCP_PSH;
		if (fin)
			flags |= NLRS_TCP_FIN;
		bool was_idle = tp->snd_una == tp->snd_max;
		rc = nlrs__tcp_send_seg(s, tp, tp->snd_nxt, len, flags);
		if (rc)
			break;
		sent = true;
		tp->snd_nxt += len + (fin ? 1u : 0u);
		if (fin)
			tp->flags |= TF_FIN_SENT;
		if (nlrs_seq_gt(tp->snd_nxt, tp->snd_max))
			tp->snd_max = tp->snd_nxt;
		if (was_idle)
			tp->rtx_first = s->now;
		/* RFC 8985 7.2: start or restart the PTO after each
		 * transmission of new data (an RTO already running is left). */
		if (!nlrs__timer_pending(&tp->rtx_timer) || was_idle || (tp->flags & TF_PTO))
			nlrs__tcp_rtx_arm_data(s, tp);
		if (fin)
			break;
	}
acks:
	if (!sent && (tp->flags & (TF_ACKNOW | TF_WINUPD)))
		rc = nlrs__tcp_send_ack(s, tp);
	if (tp->snd_una == tp->snd_max)
		nlrs__tcp_idle_arm(s, tp);
	return rc;
}
