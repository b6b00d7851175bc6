/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The stack-side socket layer for datagram and raw sockets: descriptors,
 * binding and ephemeral ports, receive queues bounded by SO_RCVBUF
 * (charged by buffer memory, as Linux charges skb truesize), pending
 * errors, and event callbacks. Transports plug in below (udp.c, raw.c);
 * stream sockets hand every call to TCP (tcp.c).
 */
#include "core.h"
#include "wire/wire.h"

#define EPHEMERAL_LO 49152u /* RFC 6335 6: the dynamic port range */
#define EPHEMERAL_N 16384u

struct nlrs_sock *nlrs__sock(struct nlrs_stack *s, int sd)
{
	if (sd < 0 || sd >= s->cfg.sockets || !s->socks[sd].type)
		return NULL;
	return &s->socks[sd];
}

static unsigned events_of(const struct nlrs_stack *s, const struct nlrs_sock *so)
{
	unsigned ev = 0;
	if (so->rxq_head || so->err)
		ev |= NLRS_EV_READ;
	if (so->err)
		ev |= NLRS_EV_ERROR;
	/* Writable while the pool can take a full-size datagram or so. */
	if (s->pool.avail > 48u || s->pool.avail * 8u > s->pool.count)
		ev |= NLRS_EV_WRITE;
	return ev;
}

void nlrs__sock_notify(struct nlrs_stack *s, int sd)
{
	struct nlrs_sock *so = &s->socks[sd];
	if (so->cb)
		so->cb(so->cbctx, sd,
		       so->type == NLRS_SOCK_STREAM ? nlrs__tcp_sock_events(s, sd) : events_of(s, so));
}

void nlrs__sock_set_error(struct nlrs_stack *s, int sd, int err)
{
	s->socks[sd].err = (int16_t)err;
	nlrs__sock_notify(s, sd);
}

bool nlrs__sock_enqueue(struct nlrs_stack *s, int sd, struct nlrs_buf *b)
{
	struct nlrs_sock *so = &s->socks[sd];
	uint32_t charge = nlrs_buf_segments(b) * (uint32_t)s->pool.bufsize;
	/* Like Linux, admit one datagram past an empty buffer's limit. */
	if (so->rx_bytes && so->rx_bytes + charge > so->rcvbuf) {
		nlrs_buf_free(b);
		return false;
	}
	b->qnext = NULL;
	if (so->rxq_tail)
		so->rxq_tail->qnext = b;
	else
		so->rxq_head = b;
	so->rxq_tail = b;
	so->rx_bytes += charge;
	so->rx_count++;
	nlrs__sock_notify(s, sd);
	return true;
}

int nlrs_sock_open(struct nlrs_stack *s, int family, int type, int protocol)
{
	if (family != NLRS_AF_INET)
		return -NLRS_EAFNOSUPPORT;
	if (type == NLRS_SOCK_DGRAM) {
		if (protocol != 0 && protocol != NLRS_IPPROTO_UDP)
			return -NLRS_EPROTONOSUPPORT;
		protocol = NLRS_IPPROTO_UDP;
	} else if (type == NLRS_SOCK_RAW) {
		if (protocol <= 0 || protocol >= 255)
			return -NLRS_EPROTONOSUPPORT;
	} else if (type == NLRS_SOCK_STREAM) {
		if (protocol != 0 && protocol != NLRS_IPPROTO_TCP)
			return -NLRS_EPROTONOSUPPORT;
		protocol = NLRS_IPPROTO_TCP;
	} else {
		return -NLRS_EINVAL;
	}
	int sd = nlrs__sock_slot(s);
	if (sd < 0)
		return sd;
	struct nlrs_sock *so = &s->socks[sd];
	so->type = (uint8_t)type;
	so->proto = (uint8_t)protocol;
	so->rcvbuf = type == NLRS_SOCK_STREAM ? s->cfg.tcp_rcvbuf : s->cfg.sock_rcvbuf;
	so->local.family = NLRS_AF_INET;
	if (type == NLRS_SOCK_STREAM) {
		int rc = nlrs__tcp_open(s, sd);
		if (rc) {
			so->type = 0;
			return rc;
		}
	}
	return sd;
}

int nlrs__sock_slot(struct nlrs_stack *s)
{
	for (unsigned i = 0; i < s->cfg.sockets; i++) {
		struct nlrs_sock *so = &s->socks[i];
		if (so->type)
			continue;
		nlrs_memset(so, 0, sizeof(*so));
		return (int)i;
	}
	return -NLRS_EMFILE;
}

int nlrs_sock_close(struct nlrs_stack *s, int sd)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (!so)
		return -NLRS_EBADF;
	if (so->type == NLRS_SOCK_STREAM)
		nlrs__tcp_close(s, sd);
	nlrs_buf_free_queue(so->rxq_head);
	nlrs_memset(so, 0, sizeof(*so));
	return 0;
}

static bool port_in_use(const struct nlrs_stack *s, uint8_t type, uint16_t port, uint32_t addr)
{
	for (unsigned i = 0; i < s->cfg.sockets; i++) {
		const struct nlrs_sock *o = &s->socks[i];
		if (o->type == type && (o->flags & NLRS_SOCKF_BOUND) && o->local.port == port &&
		    (!o->local.v4 || !addr || o->local.v4 == addr))
			return true;
	}
	return false;
}

static int pick_port(struct nlrs_stack *s, uint8_t type, uint32_t addr, uint16_t *port)
{
	/* RFC 6056 algorithm 1 flavour: a random start, then a linear scan. */
	uint32_t start = nlrs__rand32(s) % EPHEMERAL_N;
	for (uint32_t i = 0; i < EPHEMERAL_N; i++) {
		uint16_t p = (uint16_t)(EPHEMERAL_LO + (start + i) % EPHEMERAL_N);
		if (!port_in_use(s, type, p, addr)) {
			*port = p;
			return 0;
		}
	}
	return -NLRS_EADDRINUSE;
}

int nlrs_sock_bind(struct nlrs_stack *s, int sd, const struct nlrs_endpoint *local)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (!so)
		return -NLRS_EBADF;
	if (!local || local->family != NLRS_AF_INET)
		return -NLRS_EAFNOSUPPORT;
	if (so->flags & NLRS_SOCKF_BOUND)
		return -NLRS_EINVAL;
	if (so->type == NLRS_SOCK_STREAM) {
		/* RFC 1122 4.2.3.10: TCP never uses a broadcast or group address. */
		if (local->v4 && !nlrs__addr_is_local(s, local->v4, NULL))
			return -NLRS_EADDRNOTAVAIL;
		return nlrs__tcp_bind(s, sd, local);
	}
	if (local->v4 && !nlrs__addr_is_local(s, local->v4, NULL) &&
	    !nlrs_ipv4_is_multicast(local->v4) && !nlrs_ipv4_is_limited_bcast(local->v4))
		return -NLRS_EADDRNOTAVAIL;
	uint16_t port = local->port;
	if (so->type == NLRS_SOCK_DGRAM) {
		if (!port) {
			int rc = pick_port(s, so->type, local->v4, &port);
			if (rc)
				return rc;
		} else if (port_in_use(s, so->type, port, local->v4)) {
			return -NLRS_EADDRINUSE;
		}
	} else {
		port = 0;
	}
	so->local.v4 = local->v4;
	so->local.port = port;
	so->flags |= NLRS_SOCKF_BOUND;
	return 0;
}

static int autobind(struct nlrs_stack *s, int sd)
{
	struct nlrs_sock *so = &s->socks[sd];
	if (so->flags & NLRS_SOCKF_BOUND)
		return 0;
	struct nlrs_endpoint any = { .family = NLRS_AF_INET };
	return nlrs_sock_bind(s, sd, &any);
}

int nlrs_sock_connect(struct nlrs_stack *s, int sd, const struct nlrs_endpoint *peer)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (!so)
		return -NLRS_EBADF;
	if (!peer)
		return -NLRS_EINVAL;
	if (so->type == NLRS_SOCK_STREAM)
		return nlrs__tcp_connect(s, sd, peer);
	if (peer->family == 0) { /* AF_UNSPEC: dissolve the association */
		so->flags &= (uint8_t)~NLRS_SOCKF_CONNECTED;
		nlrs_memset(&so->peer, 0, sizeof(so->peer));
		return 0;
	}
	if (peer->family != NLRS_AF_INET)
		return -NLRS_EAFNOSUPPORT;
	if (so->type == NLRS_SOCK_DGRAM && !peer->port)
		return -NLRS_EINVAL;
	if (!(so->flags & NLRS_SOCKF_BROADCAST)) {
		for (int i = -1; i < s->cfg.max_ifaces; i++)
			if (nlrs__addr_is_bcast(s, i, peer->v4))
				return -NLRS_EACCES;
	}
	int rc = autobind(s, sd);
	if (rc)
		return rc;
	if (!so->local.v4 && so->type == NLRS_SOCK_DGRAM) {
		/* Like Linux: the source the route gives becomes the local
		 * address, so getsockname tells the truth. */
		uint32_t src = nlrs__ip_select_src(s, peer->v4);
		if (!src)
			return -NLRS_ENETUNREACH;
		so->local.v4 = src;
	}
	so->peer = *peer;
	so->peer.family = NLRS_AF_INET;
	so->flags |= NLRS_SOCKF_CONNECTED;
	return 0;
}

int nlrs_sock_sendto(struct nlrs_stack *s, int sd, const void *data, size_t len,
		     const struct nlrs_endpoint *to)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (!so)
		return -NLRS_EBADF;
	if (so->type == NLRS_SOCK_STREAM)
		return nlrs__tcp_send(s, sd, data, len, 0); /* Linux ignores `to` on a stream */
	if (so->err) { /* a pending error is reported once, by the next call */
		int e = so->err;
		so->err = 0;
		return e;
	}
	if (!to) {
		if (!(so->flags & NLRS_SOCKF_CONNECTED))
			return -NLRS_EDESTADDRREQ;
		to = &so->peer;
	} else if (to->family != NLRS_AF_INET) {
		return -NLRS_EAFNOSUPPORT;
	}
	if (!data && len)
		return -NLRS_EFAULT;
	if (so->type == NLRS_SOCK_DGRAM) {
		/* 65535 - 20 (IPv4) - 8 (UDP) */
		if (len > 65507)
			return -NLRS_EMSGSIZE;
		if (!to->port)
			return -NLRS_EINVAL;
		int rc = autobind(s, sd);
		if (rc)
			return rc;
		return nlrs__udp_output(s, sd, data, len, to);
	}
	return nlrs__raw_output(s, sd, data, len, to);
}

int nlrs_sock_recvfrom(struct nlrs_stack *s, int sd, void *data, size_t len,
		       struct nlrs_endpoint *from, unsigned flags)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (!so)
		return -NLRS_EBADF;
	if (so->type == NLRS_SOCK_STREAM) {
		int n = nlrs__tcp_recv(s, sd, data, len, flags);
		if (n >= 0 && from)
			nlrs__tcp_getname(s, sd, NULL, from);
		return n;
	}
	struct nlrs_buf *b = so->rxq_head;
	if (!b) {
		if (so->err) {
			int e = so->err;
			so->err = 0;
			return e;
		}
		return -NLRS_EAGAIN;
	}
	if (from) {
		/* The headers are still in the headroom, l3off bytes back. */
		const uint8_t *ip = b->data - b->l3off;
		from->family = NLRS_AF_INET;
		from->v4 = nlrs_rd32(ip + 12);
		from->port = so->type == NLRS_SOCK_DGRAM ? nlrs_rd16(b->data - 8) : 0;
	}
	size_t full = b->tot_len;
	size_t n = nlrs_buf_copy_out(b, 0, data, len < full ? len : full);
	if (!(flags & NLRS_MSG_PEEK)) {
		so->rxq_head = b->qnext;
		if (!so->rxq_head)
			so->rxq_tail = NULL;
		b->qnext = NULL;
		so->rx_bytes -= nlrs_buf_segments(b) * (uint32_t)s->pool.bufsize;
		so->rx_count--;
		nlrs_buf_free(b);
	}
	return (int)((flags & NLRS_MSG_TRUNC) ? full : n);
}

unsigned nlrs_sock_events(struct nlrs_stack *s, int sd)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (so && so->type == NLRS_SOCK_STREAM)
		return nlrs__tcp_sock_events(s, sd);
	return so ? events_of(s, so) : NLRS_EV_ERROR;
}

int nlrs_sock_send(struct nlrs_stack *s, int sd, const void *data, size_t len, unsigned flags)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (!so)
		return -NLRS_EBADF;
	if (so->type == NLRS_SOCK_STREAM)
		return nlrs__tcp_send(s, sd, data, len, flags);
	return nlrs_sock_sendto(s, sd, data, len, NULL);
}

int nlrs_sock_recv(struct nlrs_stack *s, int sd, void *data, size_t len, unsigned flags)
{
	return nlrs_sock_recvfrom(s, sd, data, len, NULL, flags);
}

int nlrs_sock_setopt(struct nlrs_stack *s, int sd, enum nlrs_sockopt opt, int value)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (!so)
		return -NLRS_EBADF;
	if (so->type == NLRS_SOCK_STREAM)
		return nlrs__tcp_setopt(s, sd, opt, value);
	switch (opt) {
	case NLRS_SO_RCVBUF:
		if (value < 0)
			return -NLRS_EINVAL;
		/* Linux doubles the request for bookkeeping; a floor keeps
		 * one full-size datagram admissible. */
		so->rcvbuf = (uint32_t)value < 2304u ? 2304u : (uint32_t)value;
		return 0;
	case NLRS_SO_BROADCAST:
		so->flags = value ? (so->flags | NLRS_SOCKF_BROADCAST)
				  : (so->flags & (uint8_t)~NLRS_SOCKF_BROADCAST);
		return 0;
	case NLRS_IP_TTL:
		/* Linux: 1..255, or -1 for the default; 0 is EINVAL. */
		if (value == -1) {
			so->ttl = 0;
			return 0;
		}
		if (value < 1 || value > 255)
			return -NLRS_EINVAL;
		so->ttl = (uint8_t)value;
		return 0;
	case NLRS_IP_HDRINCL:
		if (so->type != NLRS_SOCK_RAW)
			return -NLRS_ENOPROTOOPT;
		so->flags = value ? (so->flags | NLRS_SOCKF_HDRINCL)
				  : (so->flags & (uint8_t)~NLRS_SOCKF_HDRINCL);
		return 0;
	case NLRS_IP_DF:
		so->flags = value ? (so->flags | NLRS_SOCKF_DF)
				  : (so->flags & (uint8_t)~NLRS_SOCKF_DF);
		return 0;
	default:
		return -NLRS_ENOPROTOOPT;
	}
}

int nlrs_sock_getopt(struct nlrs_stack *s, int sd, enum nlrs_sockopt opt, int *value)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (!so)
		return -NLRS_EBADF;
	if (opt == NLRS_SO_TYPE) {
		*value = so->type;
		return 0;
	}
	if (so->type == NLRS_SOCK_STREAM)
		return nlrs__tcp_getopt(s, sd, opt, value);
	switch (opt) {
	case NLRS_SO_RCVBUF: *value = (int)so->rcvbuf; return 0;
	case NLRS_SO_BROADCAST: *value = !!(so->flags & NLRS_SOCKF_BROADCAST); return 0;
	case NLRS_IP_TTL: *value = so->ttl ? so->ttl : s->cfg.ttl; return 0;
	case NLRS_IP_HDRINCL: *value = !!(so->flags & NLRS_SOCKF_HDRINCL); return 0;
	case NLRS_IP_DF: *value = !!(so->flags & NLRS_SOCKF_DF); return 0;
	case NLRS_SO_ERROR:
		*value = -so->err;
		so->err = 0;
		return 0;
	case NLRS_SO_ACCEPTCONN:
		*value = 0;
		return 0;
	default:
		return -NLRS_ENOPROTOOPT;
	}
}

int nlrs_sock_getname(struct nlrs_stack *s, int sd, struct nlrs_endpoint *local,
		      struct nlrs_endpoint *peer)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (!so)
		return -NLRS_EBADF;
	if (so->type == NLRS_SOCK_STREAM)
		return nlrs__tcp_getname(s, sd, local, peer);
	if (local)
		*local = so->local;
	if (peer) {
		if (!(so->flags & NLRS_SOCKF_CONNECTED))
			return -NLRS_ENOTCONN;
		*peer = so->peer;
	}
	return 0;
}

int nlrs_sock_set_callback(struct nlrs_stack *s, int sd, nlrs_sock_cb cb, void *ctx)
{
	struct nlrs_sock *so = nlrs__sock(s, sd);
	if (!so)
		return -NLRS_EBADF;
	so->cb = cb;
	so->cbctx = ctx;
	return 0;
}
