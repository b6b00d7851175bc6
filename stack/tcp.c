/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP control blocks and the stream-socket calls (RFC 9293 3.10.1-3.10.6:
 * OPEN, SEND, RECEIVE, CLOSE, ABORT, STATUS as socket operations).
 *
 * Implements: a fixed pool of control blocks, a connection hash (listeners
 * hash with a zero remote end), RFC 6528 initial sequence numbers from a
 * keyed SipHash-2-4, port binding with SO_REUSEADDR and TIME-WAIT recycling
 * when the pool is short, send and receive buffers with auto-tuning, the
 * options of include/nlrs/socket.h and the TCP_INFO-like snapshot.
 *
 * Not implemented here: SO_LINGER > 0 does not block (close never blocks;
 * the connection closes gracefully in the background), urgent data is
 * delivered inline (no out-of-band byte), TCP Fast Open.
 */
#include "tcp.h"

#define EPHEMERAL_LO 49152u /* RFC 6335 6 */
#define EPHEMERAL_N 16384u

/* ---- SipHash-2-4 (Aumasson and Bernstein), for ISNs and SYN cookies ---- */

static inline uint64_t rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64u - b));
}

#define SIPROUND()                                                                       \
	do {                                                                             \
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);               \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                                   \
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                                   \
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);               \
	} while (0)

uint64_t nlrs__siphash(const uint64_t key[2], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v0 = 0x736f6d6570736575ull ^ key[0];
	uint64_t v1 = 0x646f72616e646f6dull ^ key[1];
	uint64_t v2 = 0x6c7967656e657261ull ^ key[0];
	uint64_t v3 = 0x7465646279746573ull ^ key[1];
	uint64_t b = (uint64_t)len << 56;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t m = 0;
		for (unsigned k = 0; k < 8; k++)
			m |= (uint64_t)p[i + k] << (8 * k);
		v3 ^= m;
		SIPROUND();
		SIPROUND();
		v0 ^= m;
	}
	for (unsigned k = 0; i + k < len; k++)
		b |= (uint64_t)p[i + k] << (8 * k);
	v3 ^= b;
	SIPROUND();
	SIPROUND();
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND();
	SIPROUND();
	SIPROUND();
	SIPROUND();
	return v0 ^ v1 ^ v2 ^ v3;
}

uint32_t nlrs__tcp_isn(struct nlrs_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
		       uint16_t rport)
{
	/* RFC 6528 3: ISN = M + F(localip, localport, remoteip, remoteport,
	 * secretkey), M a 4-microsecond timer, F a keyed PRF. */
	uint8_t t[12];
	nlrs_wr32(t, laddr);
	nlrs_wr32(t + 4, raddr);
	nlrs_wr16(t + 8, lport);
	nlrs_wr16(t + 10, rport);
	uint32_t f = (uint32_t)nlrs__siphash(s->tcp_key, t, sizeof(t));
	return f + (uint32_t)(s->now / 4u);
}

const char *nlrs_tcp_state_name(int st)
{
	static const char *const names[] = {
		"FREE", "ESTABLISHED", "SYN-SENT", "SYN-RECEIVED", "FIN-WAIT-1", "FIN-WAIT-2",
		"TIME-WAIT", "CLOSED", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING",
	};
	if (st < 0 || st > NLRS_TCPS_CLOSING)
		return "?";
	return names[st];
}

/* ---- blocks and the hash ---- */

void nlrs__tcp_init(struct nlrs_stack *s)
{
	for (unsigned i = 0; i < s->cfg.tcp_conns; i++) {
		s->tcbs[i].stack = s;
		s->tcbs[i].sd = -1;
	}
	s->tcp_nfree = s->cfg.tcp_conns;
	if (s->cfg.port.random)
		s->cfg.port.random(s->cfg.port.ctx, s->tcp_key, sizeof(s->tcp_key));
	/* Mixed with the xorshift state so a port without randomness still
	 * gets a per-instance key (weaker, and said so in the README). */
	s->tcp_key[0] ^= ((uint64_t)nlrs__rand32(s) << 32) | nlrs__rand32(s);
	s->tcp_key[1] ^= ((uint64_t)nlrs__rand32(s) << 32) | nlrs__rand32(s);
	s->tcp_chack_bucket.tokens = 1000u * 1000u;
}

void nlrs__tcp_fini(struct nlrs_stack *s)
{
	for (unsigned i = 0; i < s->cfg.tcp_conns; i++) {
		struct nlrs_tcb *tp = &s->tcbs[i];
		if (!tp->state)
			continue;
		tp->sd = -1;
		nlrs__tcp_drop(s, tp, 0);
	}
}

static uint32_t hash4(const struct nlrs_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
		      uint16_t rport)
{
	/* Not keyed: chains are short and bounded by the pool; the keyed
	 * hash would cost more than it saves here. */
	uint32_t h = laddr * 0x9e3779b1u ^ raddr * 0x85ebca77u ^
		     ((uint32_t)lport << 16 | rport) * 0xc2b2ae3du;
	h ^= h >> 15;
	return h & s->tcp_hash_mask;
}

void nlrs__tcb_hash(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	uint32_t h = hash4(s, tp->laddr, tp->lport, tp->raddr, tp->rport);
	tp->hnext = s->tcp_hash[h];
	s->tcp_hash[h] = tp;
}

void nlrs__tcb_unhash(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	uint32_t h = hash4(s, tp->laddr, tp->lport, tp->raddr, tp->rport);
	for (struct nlrs_tcb **pp = &s->tcp_hash[h]; *pp; pp = &(*pp)->hnext) {
		if (*pp == tp) {
			*pp = tp->hnext;
			tp->hnext = NULL;
			return;
		}
	}
}

struct nlrs_tcb *nlrs__tcb_lookup(struct nlrs_stack *s, uint32_t laddr, uint16_t lport,
				  uint32_t raddr, uint16_t rport)
{
	for (struct nlrs_tcb *tp = s->tcp_hash[hash4(s, laddr, lport, raddr, rport)]; tp;
	     tp = tp->hnext)
		if (tp->lport == lport && tp->rport == rport && tp->raddr == raddr &&
		    tp->laddr == laddr && tp->state != NLRS_TCPS_LISTEN)
			return tp;
	return NULL;
}

struct nlrs_tcb *nlrs__tcb_listener(struct nlrs_stack *s, uint32_t laddr, uint16_t lport)
{
	for (int pass = 0; pass < 2; pass++) {
		uint32_t a = pass ? 0 : laddr;
		for (struct nlrs_tcb *tp = s->tcp_hash[hash4(s, a, lport, 0, 0)]; tp; tp = tp->hnext)
			if (tp->state == NLRS_TCPS_LISTEN && tp->lport == lport && tp->laddr == a)
				return tp;
	}
	return NULL;
}

void nlrs__tcb_defaults(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	tp->ttl = 0;
	tp->cc_algo = s->cfg.tcp_cc;
	tp->sndbuf = s->cfg.tcp_sndbuf;
	tp->rcvbuf = s->cfg.tcp_rcvbuf;
	tp->rto = 1000000u;  /* RFC 6298 2.1: 1 second before any measurement */
	tp->keepidle = 7200; /* RFC 1122 4.2.3.6: no less than two hours */
	tp->keepintvl = 75;
	tp->keepcnt = 9;
	tp->linger = -1;
	tp->syncnt = 6;
	tp->rtt_min = UINT32_MAX;
	nlrs__sack_sb_reset(&tp->sb);
	nlrs__sack_rcv_reset(&tp->sack_rcv);
	nlrs__tcp_timers_init(tp);
}

struct nlrs_tcb *nlrs__tcb_alloc(struct nlrs_stack *s)
{
	struct nlrs_tcb *tw = NULL;
	for (unsigned i = 0; i < s->cfg.tcp_conns; i++) {
		struct nlrs_tcb *tp = &s->tcbs[i];
		if (!tp->state) {
			nlrs_memset(tp, 0, sizeof(*tp));
			tp->stack = s;
			tp->sd = -1;
			tp->state = NLRS_TCPS_CLOSED;
			s->tcp_nfree--;
			nlrs__tcb_defaults(s, tp);
			return tp;
		}
		if (tp->state == NLRS_TCPS_TIME_WAIT &&
		    (!tw || tp->rtx_timer.expires < tw->rtx_timer.expires))
			tw = tp;
	}
	if (!tw) {
		NLRS_INC(s, tcp_no_tcb);
		return NULL;
	}
	/* The pool is short: the TIME-WAIT block closest to its end gives
	 * way, as Linux does when tcp_max_tw_buckets overflows. */
	NLRS_INC(s, tcp_tw_recycled);
	nlrs__tcp_drop(s, tw, 0);
	return nlrs__tcb_alloc(s);
}

void nlrs__tcb_free(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	nlrs__tcp_timers_cancel(s, tp);
	tp->state = 0;
	tp->sd = -1;
	s->tcp_nfree++;
}

static void free_queues(struct nlrs_tcb *tp)
{
	nlrs_buf_free_queue(tp->sndq_head);
	tp->sndq_head = tp->sndq_tail = NULL;
	tp->snd_hint = NULL;
	tp->snd_queued = 0;
	nlrs_buf_free_queue(tp->rcvq_head);
	tp->rcvq_head = tp->rcvq_tail = NULL;
	tp->rcv_queued = 0;
	nlrs_buf_free_queue(tp->ooo_head);
	tp->ooo_head = NULL;
	tp->ooo_bytes = tp->ooo_bufs = 0;
}

/* Take tp off its listener's SYN or accept queue. */
static void unlink_listener(struct nlrs_tcb *tp)
{
	struct nlrs_tcb *l = tp->listener;
	if (!l)
		return;
	if (tp->flags & TF_LISTEN_SYNQ) {
		for (struct nlrs_tcb **pp = &l->synq; *pp; pp = &(*pp)->qnext)
			if (*pp == tp) {
				*pp = tp->qnext;
				l->synq_len--;
				break;
			}
	} else if (tp->flags & TF_LISTEN_ACCQ) {
		struct nlrs_tcb *prev = NULL;
		for (struct nlrs_tcb *q = l->accq_head; q; prev = q, q = q->qnext)
			if (q == tp) {
				if (prev)
					prev->qnext = q->qnext;
				else
					l->accq_head = q->qnext;
				if (l->accq_tail == q)
					l->accq_tail = prev;
				l->accq_len--;
				break;
			}
	}
	tp->flags &= ~(TF_LISTEN_SYNQ | TF_LISTEN_ACCQ);
	tp->listener = NULL;
	tp->qnext = NULL;
}

void nlrs__tcp_drop(struct nlrs_stack *s, struct nlrs_tcb *tp, int err)
{
	if (tp->state == NLRS_TCPS_LISTEN) {
		/* Connections nobody accepted go with their listener; the
		 * established ones are told (Linux resets them too). */
		while (tp->synq) {
			struct nlrs_tcb *c = tp->synq;
			nlrs__tcp_drop(s, c, 0);
		}
		while (tp->accq_head) {
			struct nlrs_tcb *c = tp->accq_head;
			nlrs__tcp_send_rst(s, c);
			nlrs__tcp_drop(s, c, 0);
		}
	}
	unlink_listener(tp);
	if (tp->state != NLRS_TCPS_CLOSED || tp->lport)
		nlrs__tcb_unhash(s, tp);
	nlrs__tcp_timers_cancel(s, tp);
	free_queues(tp);
	tp->state = NLRS_TCPS_CLOSED;
	if (err)
		tp->err = (int16_t)err;
	if (tp->sd >= 0) {
		/* The descriptor keeps the block until it is closed; it reads
		 * end of stream or the error. */
		tp->flags |= TF_NOTIFY;
		nlrs__tcp_notify(s, tp);
		return;
	}
	nlrs__tcb_free(s, tp);
}

void nlrs__tcp_set_state(struct nlrs_stack *s, struct nlrs_tcb *tp, uint8_t state)
{
	(void)s;
	tp->state = state;
	tp->flags |= TF_NOTIFY;
}

unsigned nlrs__tcp_events(struct nlrs_stack *s, const struct nlrs_tcb *tp)
{
	(void)s;
	unsigned ev = 0;
	if (tp->err)
		ev |= NLRS_EV_ERROR | NLRS_EV_READ | NLRS_EV_WRITE;
	switch (tp->state) {
	case NLRS_TCPS_LISTEN:
		if (tp->accq_head)
			ev |= NLRS_EV_READ;
		return ev;
	case NLRS_TCPS_SYN_SENT:
	case NLRS_TCPS_SYN_RECEIVED:
		return ev;
	case NLRS_TCPS_CLOSED:
		/* Never connected, or finished: Linux reports POLLHUP (and
		 * POLLOUT) for a closed stream socket. */
		return ev | NLRS_EV_HUP | NLRS_EV_WRITE | (tp->flags & TF_RESET ? NLRS_EV_READ : 0) |
		       (tp->rcv_queued || (tp->flags & TF_RCVD_FIN) ? NLRS_EV_READ | NLRS_EV_RDHUP : 0);
	default:
		break;
	}
	if (tp->rcv_queued || (tp->flags & (TF_RCVD_FIN | TF_SHUT_RD)))
		ev |= NLRS_EV_READ;
	if (tp->flags & TF_RCVD_FIN)
		ev |= NLRS_EV_RDHUP;
	if (!(tp->flags & TF_FIN_QUEUED)) {
		/* Writable once a third of the buffer is free, as Linux's
		 * sk_stream_wspace() test, so small writes do not ping-pong. */
		uint32_t room = tp->sndbuf > tp->snd_queued ? tp->sndbuf - tp->snd_queued : 0;
		if (room >= tp->sndbuf / 3u)
			ev |= NLRS_EV_WRITE;
	} else {
		ev |= NLRS_EV_WRITE; /* a write fails at once with EPIPE */
	}
	if ((tp->flags & TF_RCVD_FIN) && (tp->flags & TF_FIN_QUEUED))
		ev |= NLRS_EV_HUP;
	return ev;
}

void nlrs__tcp_notify(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	if (!(tp->flags & TF_NOTIFY))
		return;
	tp->flags &= ~TF_NOTIFY;
	if (tp->sd >= 0)
		nlrs__sock_notify(s, tp->sd);
	else if (tp->listener && (tp->flags & TF_LISTEN_ACCQ) && tp->listener->sd >= 0)
		nlrs__sock_notify(s, tp->listener->sd);
}

/* ---- MSS and windows ---- */

uint16_t nlrs__tcp_adv_mss(struct nlrs_stack *s, const struct nlrs_tcb *tp)
{
	/* RFC 9293 3.7.1 / RFC 6691: MSS = MTU of the interface towards the
	 * peer minus the fixed IPv4 and TCP headers. */
	uint32_t mtu = nlrs__ip_mtu(s, tp->raddr);
	if (nlrs__addr_is_local(s, tp->raddr, NULL))
		mtu = 65535u;
	uint32_t mss = mtu > 40u + 64u ? mtu - 40u : 64u;
	if (tp->user_mss && tp->user_mss < mss)
		mss = tp->user_mss;
	return (uint16_t)(mss > 65495u ? 65495u : mss);
}

void nlrs__tcp_update_mss(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	uint32_t mss = nlrs__tcp_adv_mss(s, tp);
	if (tp->pmtu && tp->pmtu > 40u + 64u && tp->pmtu - 40u < mss)
		mss = tp->pmtu - 40u;
	if (tp->peer_mss && tp->peer_mss < mss)
		mss = tp->peer_mss;
	/* RFC 7323 3.2 / RFC 6691: room for the options every segment carries. */
	if (tp->flags & TF_TS_OK)
		mss -= 12u;
	if (mss < 64u)
		mss = 64u; /* a lying MSS of 0 or 1 must not make segments of nothing */
	tp->mss = (uint16_t)mss;
	if (tp->cc.mss != mss)
		nlrs__cc_set_mss(&tp->cc, mss);
}

uint32_t nlrs__tcp_rcv_space(struct nlrs_stack *s, const struct nlrs_tcb *tp)
{
	uint32_t used = tp->rcv_queued + tp->ooo_bytes;
	uint32_t space = tp->rcvbuf > used ? tp->rcvbuf - used : 0;
	/* Never offer what the shared pool could not hold: each full-size
	 * segment costs one buffer, and an eighth of the pool stays for
	 * everyone else (ACKs, ARP, other connections). */
	uint32_t reserve = s->pool.count / 8u;
	uint32_t bufs = s->pool.avail > reserve ? s->pool.avail - reserve : 0;
	uint64_t poolroom = (uint64_t)bufs * (tp->mss ? tp->mss : 536u);
	if (poolroom < space)
		space = (uint32_t)poolroom;
	return space;
}

/* ---- sockets ---- */

static struct nlrs_tcb *stream(struct nlrs_stack *s, int sd)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	return so && so->type == NLRS_SOCK_STREAM ? so->tcb : NULL;
}

int nlrs__tcp_open(struct nlrs_stack *s, int sd)
{
	struct nlrs_tcb *tp = nlrs__tcb_alloc(s);
	if (!tp)
		return -NLRS_ENOBUFS;
	tp->sd = sd;
	s->socks[sd].tcb = tp;
	return 0;
}

void nlrs__tcp_close(struct nlrs_stack *s, int sd)
{
	struct nlrs_tcb *tp = s->socks[sd].tcb;
	s->socks[sd].tcb = NULL;
	if (!tp)
		return;
	tp->sd = -1;
	tp->flags |= TF_ORPHAN | TF_SHUT_RD;
	switch (tp->state) {
	case NLRS_TCPS_CLOSED:
	case NLRS_TCPS_LISTEN:
	case NLRS_TCPS_SYN_SENT:
		nlrs__tcp_drop(s, tp, 0);
		return;
	default:
		break;
	}
	if (tp->rcv_queued || tp->ooo_bytes || tp->linger == 0) {
		/* RFC 9293 3.10.4 / RFC 2525 2.17: closing with data unread
		 * loses it, so the peer must learn by a reset; linger 0 asks
		 * for the abortive close. */
		nlrs__tcp_send_rst(s, tp);
		nlrs__tcp_drop(s, tp, 0);
		return;
	}
	nlrs__tcp_fin_queue(s, tp);
	if (tp->state == NLRS_TCPS_FIN_WAIT_2)
		nlrs__tcp_idle_arm(s, tp); /* the orphan's FIN-WAIT-2 timeout */
}

void nlrs__tcp_fin_queue(struct nlrs_stack *s, struct nlrs_tcb *tp)
{
	if (tp->flags & TF_FIN_QUEUED)
		return;
	/* RFC 9293 3.10.4 CLOSE: the FIN follows the queued data;
	 * ESTABLISHED goes to FIN-WAIT-1, CLOSE-WAIT to LAST-ACK, and a
	 * SYN-RECEIVED connection sends it once established. */
	switch (tp->state) {
	case NLRS_TCPS_ESTABLISHED:
		nlrs__tcp_set_state(s, tp, NLRS_TCPS_FIN_WAIT_1);
		break;
	case NLRS_TCPS_CLOSE_WAIT:
		nlrs__tcp_set_state(s, tp, NLRS_TCPS_LAST_ACK);
		break;
	case NLRS_TCPS_SYN_RECEIVED:
		break;
	default:
		return;
	}
	tp->flags |= TF_FIN_QUEUED | TF_NOTIFY;
	tp->flags &= ~(TF_CORK | TF_MORE);
	tp->cork_until = 0;
	nlrs__tcp_output(s, tp);
}

static bool port_busy(struct nlrs_stack *s, const struct nlrs_tcb *self, uint16_t port,
		      uint32_t addr, bool reuse)
{
	for (unsigned i = 0; i < s->cfg.tcp_conns; i++) {
		const struct nlrs_tcb *o = &s->tcbs[i];
		if (o == self || !o->state || o->lport != port)
			continue;
		if (o->laddr && addr && o->laddr != addr)
			continue;
		/* SO_REUSEADDR (Linux semantics): any holder but a listener
		 * may share, when both sides asked for it, and TIME-WAIT
		 * never blocks a socket that asked. */
		if (reuse && o->state == NLRS_TCPS_TIME_WAIT)
			continue;
		if (reuse && (o->flags & TF_REUSEADDR) && o->state != NLRS_TCPS_LISTEN)
			continue;
		return true;
	}
	return false;
}

int nlrs__tcp_bind(struct nlrs_stack *s, int sd, const struct nlrs_endpoint *local)
{
	struct nlrs_tcb *tp = s->socks[sd].tcb;
	if (tp->state != NLRS_TCPS_CLOSED || tp->lport)
		return -NLRS_EINVAL;
	uint16_t port = local->port;
	bool reuse = tp->flags & TF_REUSEADDR;
	if (!port) {
		uint32_t start = nlrs__rand32(s) % EPHEMERAL_N;
		uint32_t i;
		for (i = 0; i < EPHEMERAL_N; i++) {
			port = (uint16_t)(EPHEMERAL_LO + (start + i) % EPHEMERAL_N);
			if (!port_busy(s, tp, port, local->v4, false))
				break;
		}
		if (i == EPHEMERAL_N)
			return -NLRS_EADDRINUSE;
	} else if (port_busy(s, tp, port, local->v4, reuse)) {
		return -NLRS_EADDRINUSE;
	}
	tp->laddr = local->v4;
	tp->lport = port;
	struct nlrs_sock *so = &s->socks[sd];
	so->local.v4 = local->v4;
	so->local.port = port;
	so->flags |= NLRS_SOCKF_BOUND;
	return 0;
}

int nlrs__tcp_connect(struct nlrs_stack *s, int sd, const struct nlrs_endpoint *peer)
{
	struct nlrs_tcb *tp = s->socks[sd].tcb;
	switch (tp->state) {
	case NLRS_TCPS_CLOSED:
		break;
	case NLRS_TCPS_SYN_SENT:
	case NLRS_TCPS_SYN_RECEIVED:
		return -NLRS_EALREADY;
	case NLRS_TCPS_LISTEN:
		return -NLRS_EINVAL;
	default:
		return -NLRS_EISCONN;
	}
	if (tp->err) {
		/* A finished connection: Linux lets a new connect start over;
		 * we report the old error once first. */
		int e = tp->err;
		tp->err = 0;
		return e;
	}
	if (tp->flags & (TF_RCVD_FIN | TF_FIN_QUEUED | TF_RESET))
		return -NLRS_EISCONN;
	if (peer->family != NLRS_AF_INET)
		return -NLRS_EAFNOSUPPORT;
	if (!peer->port || !peer->v4 || nlrs_ipv4_is_multicast(peer->v4) ||
	    nlrs_ipv4_is_limited_bcast(peer->v4))
		return -NLRS_ENETUNREACH;
	for (int i = 0; i < s->cfg.max_ifaces; i++)
		if (nlrs__addr_is_bcast(s, i, peer->v4))
			return -NLRS_ENETUNREACH;
	uint32_t src = tp->laddr ? tp->laddr : nlrs__ip_select_src(s, peer->v4);
	if (!src)
		return -NLRS_ENETUNREACH;
	struct nlrs_sock *so = &s->socks[sd];
	if (!tp->lport) {
		struct nlrs_endpoint any = { .family = NLRS_AF_INET, .v4 = 0 };
		int rc = nlrs__tcp_bind(s, sd, &any);
		if (rc)
			return rc;
	}
	if (nlrs__tcb_lookup(s, src, tp->lport, peer->v4, peer->port))
		return -NLRS_EADDRNOTAVAIL;
	tp->laddr = src;
	tp->raddr = peer->v4;
	tp->rport = peer->port;
	so->local.v4 = src;
	so->peer = *peer;
	so->flags |= NLRS_SOCKF_CONNECTED;
	tp->iss = nlrs__tcp_isn(s, tp->laddr, tp->lport, tp->raddr, tp->rport);
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->ts_offset = nlrs__rand32(s);
	/* RFC 7323 2.2: the shift we offer in the SYN is the one we use if
	 * the peer agrees (syn_options keeps it, or zeroes both). */
	tp->rcv_wscale = s->cfg.tcp_no_wscale ? 0 : nlrs__tcp_wscale(s);
	tp->adv_mss = nlrs__tcp_adv_mss(s, tp);
	tp->mss = tp->adv_mss;
	nlrs__cc_init(&tp->cc, tp->cc_algo, tp->mss);
	nlrs__tcb_hash(s, tp);
	nlrs__tcp_set_state(s, tp, NLRS_TCPS_SYN_SENT);
	NLRS_INC(s, tcp_active_opens);
	tp->rtx_first = s->now;
	int rc = nlrs__tcp_send_seg(s, tp, tp->iss, 0, NLRS_TCP_SYN);
	(void)rc; /* a lost first SYN is retransmitted by the timer */
	tp->snd_nxt = tp->snd_max = tp->iss + 1;
	nlrs__tcp_rtx_arm(s, tp);
	return -NLRS_EINPROGRESS;
}

int nlrs_sock_listen(struct nlrs_stack *s, int sd, int backlog)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (!so)
		return -NLRS_EBADF;
	if (so->type != NLRS_SOCK_STREAM)
		return -NLRS_EOPNOTSUPP;
	struct nlrs_tcb *tp = so->tcb;
	if (tp->state == NLRS_TCPS_LISTEN) {
		tp->backlog = (uint16_t)(backlog < 1 ? 1 : backlog > 4096 ? 4096 : backlog);
		return 0;
	}
	if (tp->state != NLRS_TCPS_CLOSED || tp->err || (tp->flags & TF_RESET))
		return -NLRS_EINVAL;
	if (!tp->lport) {
		struct nlrs_endpoint any = { .family = NLRS_AF_INET, .v4 = 0 };
		int rc = nlrs__tcp_bind(s, sd, &any);
		if (rc)
			return rc;
	}
	/* Another listener on the same address and port? */
	if (nlrs__tcb_listener(s, tp->laddr, tp->lport) &&
	    nlrs__tcb_listener(s, tp->laddr, tp->lport)->laddr == tp->laddr)
		return -NLRS_EADDRINUSE;
	/* Linux caps the backlog at somaxconn (4096). */
	tp->backlog = (uint16_t)(backlog < 1 ? 1 : backlog > 4096 ? 4096 : backlog);
	tp->raddr = 0;
	tp->rport = 0;
	tp->state = NLRS_TCPS_LISTEN;
	nlrs__tcb_hash(s, tp);
	return 0;
}

int nlrs_sock_accept(struct nlrs_stack *s, int sd, struct nlrs_endpoint *peer)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (!so)
		return -NLRS_EBADF;
	if (so->type != NLRS_SOCK_STREAM)
		return -NLRS_EOPNOTSUPP;
	struct nlrs_tcb *l = so->tcb;
	if (l->state != NLRS_TCPS_LISTEN)
		return -NLRS_EINVAL;
	struct nlrs_tcb *c = l->accq_head;
	if (!c)
		return -NLRS_EAGAIN;
	int nsd = nlrs__sock_slot(s);
	if (nsd < 0)
		return nsd; /* the connection stays queued, as on Linux */
	unlink_listener(c);
	struct nlrs_sock *ns = &s->socks[nsd];
	ns->type = NLRS_SOCK_STREAM;
	ns->proto = NLRS_IPPROTO_TCP;
	ns->rcvbuf = c->rcvbuf;
	ns->local.family = NLRS_AF_INET;
	ns->local.v4 = c->laddr;
	ns->local.port = c->lport;
	ns->peer.family = NLRS_AF_INET;
	ns->peer.v4 = c->raddr;
	ns->peer.port = c->rport;
	ns->flags = NLRS_SOCKF_BOUND | NLRS_SOCKF_CONNECTED;
	ns->tcb = c;
	c->sd = nsd;
	if (peer)
		*peer = ns->peer;
	NLRS_INC(s, tcp_passive_opens);
	return nsd;
}

/* Append data to the send queue; returns bytes taken. */
static uint32_t sndq_append(struct nlrs_stack *s, struct nlrs_tcb *tp, const uint8_t *data,
			    uint32_t len)
{
	uint32_t done = 0;
	while (done < len) {
		struct nlrs_buf *t = tp->sndq_tail;
		if (!t || !nlrs_buf_tailroom(t)) {
			/* Keep an eighth of the pool for input and control. */
			if (s->pool.avail <= s->pool.count / 8u)
				break;
			t = nlrs_buf_alloc(&s->pool, 0);
			if (!t)
				break;
			if (tp->sndq_tail)
				tp->sndq_tail->qnext = t;
			else {
				tp->sndq_head = t;
				tp->sndq_off = 0;
			}
			tp->sndq_tail = t;
		}
		uint32_t n = nlrs_buf_tailroom(t);
		if (n > len - done)
			n = len - done;
		nlrs_memcpy(nlrs_buf_put(t, (uint16_t)n), data + done, n);
		done += n;
	}
	tp->snd_queued += done;
	return done;
}

int nlrs__tcp_send(struct nlrs_stack *s, int sd, const void *data, size_t len, unsigned flags)
{
	struct nlrs_tcb *tp = s->socks[sd].tcb;
	if (tp->err) {
		int e = tp->err;
		tp->err = 0;
		return e;
	}
	switch (tp->state) {
	case NLRS_TCPS_ESTABLISHED:
	case NLRS_TCPS_CLOSE_WAIT:
		break;
	case NLRS_TCPS_SYN_SENT:
	case NLRS_TCPS_SYN_RECEIVED:
		return -NLRS_EAGAIN; /* Linux waits for the handshake; non-blocking says EAGAIN */
	case NLRS_TCPS_CLOSED:
		return (tp->flags & (TF_RESET | TF_RCVD_FIN | TF_FIN_QUEUED)) ? -NLRS_EPIPE
									       : -NLRS_ENOTCONN;
	case NLRS_TCPS_LISTEN:
		return -NLRS_ENOTCONN;
	default:
		return -NLRS_EPIPE;
	}
	if (tp->flags & TF_FIN_QUEUED)
		return -NLRS_EPIPE;
	if (!data && len)
		return -NLRS_EFAULT;
	if (!len)
		return 0;
	uint32_t room = tp->sndbuf > tp->snd_queued ? tp->sndbuf - tp->snd_queued : 0;
	if (!room)
		return -NLRS_EAGAIN;
	uint32_t n = len > room ? room : (uint32_t)len;
	n = sndq_append(s, tp, data, n);
	if (!n)
		return -NLRS_EAGAIN;
	if (flags & NLRS_MSG_MORE)
		tp->flags |= TF_MORE;
	else
		tp->flags &= ~TF_MORE;
	if ((tp->flags & (TF_MORE | TF_CORK)) && !nlrs__timer_pending(&tp->dack_timer))
		tp->cork_until = s->now + NLRS_MSEC(200);
	nlrs__tcp_output(s, tp);
	nlrs__tcp_notify(s, tp);
	return (int)n;
}

/* Remove n bytes from the front of the receive queue. */
static void rcvq_consume(struct nlrs_stack *s, struct nlrs_tcb *tp, uint32_t n)
{
	(void)s;
	tp->rcv_queued -= n;
	while (n) {
		struct nlrs_buf *b = tp->rcvq_head;
		if (n < b->len) {
			uint32_t tot = b->tot_len - n;
			nlrs_buf_pull(b, (uint16_t)n);
			b->tot_len = tot;
			return;
		}
		n -= b->len;
		struct nlrs_buf *nx = b->next;
		if (nx) {
			/* A chained segment: the rest of the chain becomes the head. */
			nx->tot_len = b->tot_len - b->len;
			nx->qnext = b->qnext;
			b->next = NULL;
			if (tp->rcvq_tail == b)
				tp->rcvq_tail = nx;
			tp->rcvq_head = nx;
		} else {
			tp->rcvq_head = b->qnext;
			if (tp->rcvq_tail == b)
				tp->rcvq_tail = NULL;
		}
		b->qnext = NULL;
		nlrs_buf_free(b);
	}
}

/* Receive-buffer auto-tuning, in the spirit of Linux's DRS: once per RTT,
 * the buffer grows to twice what the application drained in that RTT
 * times two (room for the next RTT's growth), so the window never limits
 * a reader that keeps up. */
static void rcvbuf_tune(struct nlrs_stack *s, struct nlrs_tcb *tp, uint32_t copied)
{
	if (tp->flags & TF_RCVBUF_LOCK)
		return;
	tp->rcvq_space += copied;
	nlrs_time_t rtt = tp->srtt ? tp->srtt : NLRS_MSEC(1);
	if (rtt < 200u)
		rtt = 200u;
	if (s->now - tp->rcvq_space_time < rtt)
		return;
	uint64_t want = (uint64_t)tp->rcvq_space * 4u;
	if (want > s->cfg.tcp_rmem_max)
		want = s->cfg.tcp_rmem_max;
	if (want > tp->rcvbuf)
		tp->rcvbuf = (uint32_t)want;
	tp->rcvq_space = 0;
	tp->rcvq_space_time = s->now;
}

int nlrs__tcp_recv(struct nlrs_stack *s, int sd, void *data, size_t len, unsigned flags)
{
	struct nlrs_tcb *tp = s->socks[sd].tcb;
	if (!tp->rcv_queued) {
		if (tp->err) {
			int e = tp->err;
			tp->err = 0;
			return e;
		}
		if (tp->flags & (TF_RCVD_FIN | TF_SHUT_RD))
			return 0;
		switch (tp->state) {
		case NLRS_TCPS_CLOSED:
			return (tp->flags & TF_RESET) ? 0 : -NLRS_ENOTCONN;
		case NLRS_TCPS_LISTEN:
			return -NLRS_ENOTCONN;
		default:
			return -NLRS_EAGAIN;
		}
	}
	if (!data && len)
		return -NLRS_EFAULT;
	if ((flags & NLRS_MSG_WAITALL) && tp->rcv_queued < len && !(tp->flags & TF_RCVD_FIN) &&
	    tp->rcv_queued < tp->rcvbuf / 2u)
		return -NLRS_EAGAIN;
	uint32_t n = len > tp->rcv_queued ? tp->rcv_queued : (uint32_t)len;
	uint32_t got = 0;
	for (struct nlrs_buf *b = tp->rcvq_head; b && got < n; b = b->qnext) {
		size_t k = nlrs_buf_copy_out(b, 0, (uint8_t *)data + got, n - got);
		got += (uint32_t)k;
	}
	if (flags & NLRS_MSG_PEEK)
		return (int)got;
	uint32_t before = nlrs__tcp_rcv_space(s, tp);
	rcvq_consume(s, tp, got);
	rcvbuf_tune(s, tp, got);
	/* RFC 9293 3.8.6.2.2 (receiver SWS avoidance): announce the opened
	 * window once it has grown by a full segment or half the buffer. */
	uint32_t after = nlrs__tcp_rcv_space(s, tp);
	/* Only what the window field can carry counts: without window
	 * scaling, room above 65535 bytes cannot be announced, and an ACK
	 * that repeats the same window is a duplicate ACK to the peer
	 * (RFC 5681 2), three of which start a spurious fast retransmit. */
	uint32_t wmax = 65535u << tp->rcv_wscale;
	if (after > wmax)
		after = wmax;
	uint32_t adv = tp->rcv_adv - tp->rcv_nxt;
	if (after > adv) {
		uint32_t thresh = tp->rcvbuf / 2u < 2u * tp->mss ? tp->rcvbuf / 2u : 2u * tp->mss;
		if (after - adv >= thresh || (before < tp->mss && after >= tp->mss)) {
			tp->flags |= TF_WINUPD;
			nlrs__tcp_output(s, tp);
		}
	}
	return (int)got;
}

int nlrs_sock_shutdown(struct nlrs_stack *s, int sd, int how)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (!so)
		return -NLRS_EBADF;
	if (how < NLRS_SHUT_RD || how > NLRS_SHUT_RDWR)
		return -NLRS_EINVAL;
	if (so->type != NLRS_SOCK_STREAM)
		return (so->flags & NLRS_SOCKF_CONNECTED) ? 0 : -NLRS_ENOTCONN;
	struct nlrs_tcb *tp = so->tcb;
	switch (tp->state) {
	case NLRS_TCPS_CLOSED:
	case NLRS_TCPS_LISTEN:
	case NLRS_TCPS_SYN_SENT:
		if (tp->state == NLRS_TCPS_LISTEN && how != NLRS_SHUT_WR) {
			/* Linux: shutdown(RD) on a listener stops it. */
			nlrs__tcp_drop(s, tp, 0);
			return 0;
		}
		if (tp->state == NLRS_TCPS_SYN_SENT) {
			nlrs__tcp_drop(s, tp, 0);
			return 0;
		}
		return -NLRS_ENOTCONN;
	default:
		break;
	}
	if (how != NLRS_SHUT_WR) {
		tp->flags |= TF_SHUT_RD | TF_NOTIFY;
	}
	if (how != NLRS_SHUT_RD)
		nlrs__tcp_fin_queue(s, tp);
	nlrs__tcp_notify(s, tp);
	return 0;
}

unsigned nlrs__tcp_sock_events(struct nlrs_stack *s, int sd)
{
	return nlrs__tcp_events(s, s->socks[sd].tcb);
}

int nlrs__tcp_getname(struct nlrs_stack *s, int sd, struct nlrs_endpoint *local,
		      struct nlrs_endpoint *peer)
{
	struct nlrs_tcb *tp = s->socks[sd].tcb;
	if (local) {
		local->family = NLRS_AF_INET;
		local->v4 = tp->laddr;
		local->port = tp->lport;
	}
	if (peer) {
		if (tp->state == NLRS_TCPS_CLOSED || tp->state == NLRS_TCPS_LISTEN ||
		    tp->state == NLRS_TCPS_SYN_SENT)
			return -NLRS_ENOTCONN;
		peer->family = NLRS_AF_INET;
		peer->v4 = tp->raddr;
		peer->port = tp->rport;
	}
	return 0;
}

static void set_flag(struct nlrs_tcb *tp, uint32_t f, int on)
{
	if (on)
		tp->flags |= f;
	else
		tp->flags &= ~f;
}

int nlrs__tcp_setopt(struct nlrs_stack *s, int sd, enum nlrs_sockopt opt, int v)
{
	struct nlrs_tcb *tp = s->socks[sd].tcb;
	switch (opt) {
	case NLRS_SO_RCVBUF:
		if (v < 0)
			return -NLRS_EINVAL;
		/* Linux doubles the value; the floor keeps a window of a few segments. */
		tp->rcvbuf = (uint32_t)v * 2u < 4608u ? 4608u : (uint32_t)v * 2u;
		tp->flags |= TF_RCVBUF_LOCK;
		s->socks[sd].rcvbuf = tp->rcvbuf;
		return 0;
	case NLRS_SO_SNDBUF:
		if (v < 0)
			return -NLRS_EINVAL;
		tp->sndbuf = (uint32_t)v * 2u < 4608u ? 4608u : (uint32_t)v * 2u;
		tp->flags |= TF_SNDBUF_LOCK;
		return 0;
	case NLRS_SO_KEEPALIVE:
		set_flag(tp, TF_KEEPALIVE, v);
		nlrs__tcp_idle_arm(s, tp);
		return 0;
	case NLRS_SO_LINGER:
		tp->linger = v < 0 ? -1 : v;
		return 0;
	case NLRS_SO_REUSEADDR:
		set_flag(tp, TF_REUSEADDR, v);
		return 0;
	case NLRS_TCP_NODELAY:
		set_flag(tp, TF_NODELAY, v);
		if (v) {
			/* tcp(7): setting TCP_NODELAY flushes pending output
			 * even while TCP_CORK is set (which stays set). */
			uint32_t cork = tp->flags & (TF_CORK | TF_MORE);
			tp->flags &= ~(TF_CORK | TF_MORE);
			nlrs__tcp_output(s, tp);
			tp->flags |= cork;
		}
		return 0;
	case NLRS_TCP_CORK:
		set_flag(tp, TF_CORK, v);
		if (v) {
			tp->cork_until = s->now + NLRS_MSEC(200);
		} else {
			/* tcp(7): clearing TCP_CORK sends the queued partial
			 * segment now, whatever Nagle would say. */
			uint32_t nd = tp->flags & TF_NODELAY;
			tp->flags &= ~TF_MORE;
			tp->flags |= TF_NODELAY;
			nlrs__tcp_output(s, tp);
			if (!nd)
				tp->flags &= ~TF_NODELAY;
		}
		return 0;
	case NLRS_TCP_QUICKACK:
		if (v) {
			tp->quickacks = 16;
			if (tp->flags & TF_DELACK) {
				tp->flags |= TF_ACKNOW;
				nlrs__tcp_output(s, tp);
			}
		} else {
			tp->quickacks = 0;
		}
		return 0;
	case NLRS_TCP_KEEPIDLE:
		if (v < 1 || v > 32767)
			return -NLRS_EINVAL;
		tp->keepidle = (uint32_t)v;
		nlrs__tcp_idle_arm(s, tp);
		return 0;
	case NLRS_TCP_KEEPINTVL:
		if (v < 1 || v > 32767)
			return -NLRS_EINVAL;
		tp->keepintvl = (uint32_t)v;
		return 0;
	case NLRS_TCP_KEEPCNT:
		if (v < 1 || v > 127)
			return -NLRS_EINVAL;
		tp->keepcnt = (uint8_t)v;
		return 0;
	case NLRS_TCP_USER_TIMEOUT:
		if (v < 0)
			return -NLRS_EINVAL;
		tp->user_timeout = (uint32_t)v;
		return 0;
	case NLRS_TCP_MAXSEG:
		/* Linux accepts 88..32767 (and 0 for "no cap"). */
		if (v && (v < 88 || v > 32767))
			return -NLRS_EINVAL;
		tp->user_mss = (uint16_t)v;
		if (tp->state != NLRS_TCPS_CLOSED && tp->state != NLRS_TCPS_LISTEN)
			nlrs__tcp_update_mss(s, tp);
		return 0;
	case NLRS_TCP_CONGESTION:
		if (v != NLRS_CC_CUBIC && v != NLRS_CC_NEWRENO && v != NLRS_CC_BBR)
			return -NLRS_ENOENT; /* Linux: unknown algorithm name */
		tp->cc_algo = (uint8_t)v;
		/* BBR starts over (or stops) with its model and pacing */
		tp->bbr.mode = 0;
		tp->nmarks = 0;
		tp->pacing_rate = 0;
		tp->app_limited = 0;
		if (tp->state != NLRS_TCPS_CLOSED && tp->state != NLRS_TCPS_LISTEN) {
			uint32_t cwnd = tp->cc.cwnd, ssth = tp->cc.ssthresh;
			nlrs__cc_init(&tp->cc, tp->cc_algo, tp->mss);
			tp->cc.cwnd = cwnd;
			tp->cc.ssthresh = ssth;
		}
		return 0;
	case NLRS_TCP_SYNCNT:
		if (v < 1 || v > 127)
			return -NLRS_EINVAL;
		tp->syncnt = (uint8_t)v;
		return 0;
	case NLRS_TCP_DEFER_ACCEPT:
		return 0;
	case NLRS_IP_TTL:
		if (v == -1) {
			tp->ttl = 0;
			return 0;
		}
		if (v < 1 || v > 255)
			return -NLRS_EINVAL;
		tp->ttl = (uint8_t)v;
		return 0;
	case NLRS_SO_BROADCAST:
		return 0; /* Linux accepts it on TCP sockets and ignores it */
	default:
		return -NLRS_ENOPROTOOPT;
	}
}

int nlrs__tcp_getopt(struct nlrs_stack *s, int sd, enum nlrs_sockopt opt, int *v)
{
	struct nlrs_tcb *tp = s->socks[sd].tcb;
	switch (opt) {
	case NLRS_SO_RCVBUF: *v = (int)tp->rcvbuf; return 0;
	case NLRS_SO_SNDBUF: *v = (int)tp->sndbuf; return 0;
	case NLRS_SO_KEEPALIVE: *v = !!(tp->flags & TF_KEEPALIVE); return 0;
	case NLRS_SO_LINGER: *v = tp->linger; return 0;
	case NLRS_SO_REUSEADDR: *v = !!(tp->flags & TF_REUSEADDR); return 0;
	case NLRS_SO_ACCEPTCONN: *v = tp->state == NLRS_TCPS_LISTEN; return 0;
	case NLRS_TCP_NODELAY: *v = !!(tp->flags & TF_NODELAY); return 0;
	case NLRS_TCP_CORK: *v = !!(tp->flags & TF_CORK); return 0;
	case NLRS_TCP_QUICKACK: *v = tp->quickacks > 0; return 0;
	case NLRS_TCP_KEEPIDLE: *v = (int)tp->keepidle; return 0;
	case NLRS_TCP_KEEPINTVL: *v = (int)tp->keepintvl; return 0;
	case NLRS_TCP_KEEPCNT: *v = tp->keepcnt; return 0;
	case NLRS_TCP_USER_TIMEOUT: *v = (int)tp->user_timeout; return 0;
	case NLRS_TCP_MAXSEG:
		*v = tp->mss ? tp->mss : (tp->user_mss ? tp->user_mss : 536);
		return 0;
	case NLRS_TCP_CONGESTION: *v = tp->cc_algo; return 0;
	case NLRS_TCP_SYNCNT: *v = tp->syncnt; return 0;
	case NLRS_TCP_DEFER_ACCEPT: *v = 0; return 0;
	case NLRS_IP_TTL: *v = tp->ttl ? tp->ttl : s->cfg.ttl; return 0;
	case NLRS_SO_ERROR:
		*v = -tp->err;
		tp->err = 0;
		return 0;
	default:
		return -NLRS_ENOPROTOOPT;
	}
}

static void fill_info(const struct nlrs_stack *s, const struct nlrs_tcb *tp,
		      struct nlrs_tcp_info *o)
{
	nlrs_memset(o, 0, sizeof(*o));
	o->state = tp->state;
	o->ca_state = (tp->flags & TF_IN_LOSS) ? 4 : (tp->flags & TF_IN_RECOVERY) ? 3
						: tp->dupacks ? 1 : 0;
	o->retransmits = tp->backoff;
	o->backoff = tp->backoff;
	o->options = (uint8_t)(((tp->flags & TF_TS_OK) ? NLRS_TCPI_OPT_TIMESTAMPS : 0) |
			       ((tp->flags & TF_SACK_OK) ? NLRS_TCPI_OPT_SACK : 0) |
			       ((tp->flags & TF_WS_OK) ? NLRS_TCPI_OPT_WSCALE : 0));
	o->snd_wscale = tp->snd_wscale;
	o->rcv_wscale = tp->rcv_wscale;
	o->cc_algo = tp->cc_algo;
	o->rto = (uint32_t)nlrs__tcp_rto(tp);
	o->rtt = tp->srtt;
	o->rttvar = tp->rttvar;
	o->snd_mss = tp->mss;
	o->rcv_mss = tp->adv_mss;
	o->pmtu = tp->pmtu ? tp->pmtu : (tp->raddr ? nlrs__ip_mtu(s, tp->raddr) : 0);
	o->snd_cwnd = tp->cc.cwnd;
	o->snd_ssthresh = tp->cc.ssthresh;
	o->unacked = tp->snd_max - tp->snd_una;
	o->sacked = tp->sb.sacked;
	o->lost = nlrs__sack_sb_lost_bytes(&tp->sb, tp->snd_una, tp->mss ? tp->mss : 536u);
	o->retrans = nlrs_seq_gt(tp->high_rxt, tp->snd_una) ? tp->high_rxt - tp->snd_una : 0;
	o->snd_wnd = tp->snd_wnd;
	o->rcv_wnd = tp->rcv_adv - tp->rcv_nxt;
	o->sndbuf = tp->sndbuf;
	o->rcvbuf = tp->rcvbuf;
	o->total_retrans = tp->total_retrans;
	o->bytes_sent = tp->bytes_sent;
	o->bytes_retrans = tp->bytes_retrans;
	o->bytes_acked = tp->bytes_acked;
	o->bytes_received = tp->bytes_received;
	o->segs_out = tp->segs_out;
	o->segs_in = tp->segs_in;
	o->local_v4 = tp->laddr;
	o->remote_v4 = tp->raddr;
	o->local_port = tp->lport;
	o->remote_port = tp->rport;
	o->pacing_rate = tp->pacing_rate;
	o->delivery_rate = tp->last_rate;
	o->btl_bw = tp->bbr.lt_use_bw ? tp->bbr.lt_bw : tp->bbr.btl_bw;
	o->min_rtt = tp->bbr.mode && tp->bbr.min_rtt != UINT32_MAX ? tp->bbr.min_rtt : 0;
}

int nlrs_tcp_info(struct nlrs_stack *s, int sd, struct nlrs_tcp_info *out)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (!so)
		return -NLRS_EBADF;
	struct nlrs_tcb *tp = stream(s, sd);
	if (!tp)
		return -NLRS_EOPNOTSUPP;
	fill_info(s, tp, out);
	return 0;
}

int nlrs_tcp_conn_info(const struct nlrs_stack *s, unsigned idx, struct nlrs_tcp_info *out)
{
	if (idx >= s->cfg.tcp_conns)
		return -NLRS_ENOENT;
	const struct nlrs_tcb *tp = &s->tcbs[idx];
	if (!tp->state)
		return 0;
	fill_info(s, tp, out);
	return 1;
}
