/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stack-side sockets: TCP streams, UDP datagrams and raw IP. A socket is a
 * small integer descriptor local to one stack instance. Calls never block:
 * they return -NLRS_EAGAIN (or -NLRS_EINPROGRESS for a TCP connect), and
 * the event callback (or nlrs_sock_events) says when to try again.
 */
#ifndef NLRS_SOCKET_H
#define NLRS_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include "nlrs/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NLRS_AF_INET 2
#define NLRS_AF_INET6 10

#define NLRS_SOCK_STREAM 1
#define NLRS_SOCK_DGRAM 2
#define NLRS_SOCK_RAW 3

#define NLRS_IPPROTO_ICMP 1
#define NLRS_IPPROTO_TCP 6
#define NLRS_IPPROTO_UDP 17

struct nlrs_endpoint {
	uint16_t family;  /* NLRS_AF_INET */
	uint16_t port;    /* host order; 0 for raw sockets */
	uint32_t v4;      /* host order; 0 = any */
};

/* Event bits */
#define NLRS_EV_READ 0x1u   /* data, a datagram, end of stream, a connection to
			     * accept, or an error is waiting */
#define NLRS_EV_WRITE 0x2u  /* a send would not fail for lack of space; a TCP
			     * connect has finished (check NLRS_SO_ERROR) */
#define NLRS_EV_ERROR 0x4u  /* NLRS_SO_ERROR would return non-zero */
#define NLRS_EV_HUP 0x8u    /* TCP: both directions are finished (or reset) */
#define NLRS_EV_RDHUP 0x10u /* TCP: the peer has closed its side (FIN) */

/* send/recv flags (Linux values) */
#define NLRS_MSG_PEEK 0x2u
#define NLRS_MSG_TRUNC 0x20u    /* return the datagram's real length */
#define NLRS_MSG_DONTWAIT 0x40u /* accepted; every call is non-blocking anyway */
#define NLRS_MSG_WAITALL 0x100u /* TCP recv: -EAGAIN unless len bytes (or EOF) are there */
#define NLRS_MSG_NOSIGNAL 0x4000u /* accepted; the stack raises no signals */
#define NLRS_MSG_MORE 0x8000u   /* TCP send: more follows, hold a partial segment */

/* shutdown how */
#define NLRS_SHUT_RD 0
#define NLRS_SHUT_WR 1
#define NLRS_SHUT_RDWR 2

/* Options (level is implied by the name) */
enum nlrs_sockopt {
	NLRS_SO_RCVBUF = 1,     /* bytes */
	NLRS_SO_BROADCAST,      /* 0/1: may send to broadcast addresses */
	NLRS_IP_TTL,            /* 1..255 */
	NLRS_IP_HDRINCL,        /* raw: caller supplies the IPv4 header */
	NLRS_SO_ERROR,          /* get only: pending error, cleared */
	NLRS_IP_DF,             /* 0/1: set Don't Fragment on output */
	NLRS_SO_SNDBUF,         /* TCP: send buffer bytes (also fixes it: no auto-tuning) */
	NLRS_SO_KEEPALIVE,      /* TCP: 0/1 */
	NLRS_SO_LINGER,         /* TCP: -1 off (default); N >= 0 seconds; 0 = abortive close */
	NLRS_SO_REUSEADDR,      /* TCP: 0/1: bind may reuse a port held in TIME-WAIT */
	NLRS_SO_ACCEPTCONN,     /* get only: 1 on a listening socket */
	NLRS_SO_TYPE,           /* get only: NLRS_SOCK_* */
	NLRS_TCP_NODELAY,       /* 0/1: no Nagle */
	NLRS_TCP_CORK,          /* 0/1: hold partial segments (200 ms at most) */
	NLRS_TCP_QUICKACK,      /* 0/1: acknowledge every segment now (one-shot like Linux) */
	NLRS_TCP_KEEPIDLE,      /* seconds idle before the first probe (default 7200) */
	NLRS_TCP_KEEPINTVL,     /* seconds between probes (default 75) */
	NLRS_TCP_KEEPCNT,       /* unanswered probes before reset (default 9) */
	NLRS_TCP_USER_TIMEOUT,  /* ms data may stay unacknowledged (0: RTO rules) */
	NLRS_TCP_MAXSEG,        /* MSS to announce / cap on the send MSS */
	NLRS_TCP_CONGESTION,    /* NLRS_CC_CUBIC (default) or NLRS_CC_NEWRENO */
	NLRS_TCP_SYNCNT,        /* SYN retransmissions before giving up (default 6) */
	NLRS_TCP_DEFER_ACCEPT,  /* accepted and ignored */
};

enum nlrs_cc_algo {
	NLRS_CC_CUBIC = 0,   /* RFC 9438, loss-based (default) */
	NLRS_CC_NEWRENO = 1, /* RFC 5681 / RFC 6582 */
	NLRS_CC_BBR = 2,     /* model-based (BBR v1 after draft-cardwell-iccrg-bbr),
			      * with pacing: for lossy or policed paths */
};

typedef void (*nlrs_sock_cb)(void *ctx, int sd, unsigned events);

/* type NLRS_SOCK_STREAM (protocol 0 or TCP), NLRS_SOCK_DGRAM (protocol 0
 * or UDP) or NLRS_SOCK_RAW (protocol = the IP protocol number, 1..254).
 * Returns sd >= 0 or -errno. */
int nlrs_sock_open(struct nlrs_stack *s, int family, int type, int protocol);
/* Frees the descriptor at once. A TCP connection lives on, orphaned, to
 * send what is queued and close gracefully (FIN), unless SO_LINGER is 0 or
 * unread data is waiting: then it is reset (RFC 9293 3.10.4, RFC 2525 2.17). */
int nlrs_sock_close(struct nlrs_stack *s, int sd);
/* port 0 picks an ephemeral port (49152..65535, randomised). */
int nlrs_sock_bind(struct nlrs_stack *s, int sd, const struct nlrs_endpoint *local);
/* Datagram/raw: sets the default destination and filters receive to it;
 * family 0 undoes. TCP: starts the handshake and returns -NLRS_EINPROGRESS;
 * NLRS_EV_WRITE comes when it ends, NLRS_SO_ERROR says how (0, or
 * ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH ...). -NLRS_EALREADY while under
 * way, -NLRS_EISCONN after. */
int nlrs_sock_connect(struct nlrs_stack *s, int sd, const struct nlrs_endpoint *peer);
/* TCP: listen with room for `backlog` established connections waiting for
 * accept (1..65535; larger is capped); the SYN queue holds as many again,
 * and SYN cookies answer when it is full. */
int nlrs_sock_listen(struct nlrs_stack *s, int sd, int backlog);
/* TCP: the next established connection as a new descriptor, or
 * -NLRS_EAGAIN. peer may be NULL. */
int nlrs_sock_accept(struct nlrs_stack *s, int sd, struct nlrs_endpoint *peer);
/* TCP: queue up to len bytes for sending; returns bytes taken (maybe fewer
 * than len), -NLRS_EAGAIN when the send buffer is full, -NLRS_EPIPE after
 * shutdown(WR) or close by reset, -NLRS_ENOTCONN before the connection is
 * up, or a pending error. flags: NLRS_MSG_MORE. Datagram sockets: as
 * nlrs_sock_sendto(to = NULL). */
int nlrs_sock_send(struct nlrs_stack *s, int sd, const void *data, size_t len, unsigned flags);
/* TCP: copy up to len bytes; 0 at end of stream; -NLRS_EAGAIN if nothing
 * is there yet; a pending error (-NLRS_ECONNRESET ...). flags: PEEK,
 * WAITALL. Datagram sockets: as nlrs_sock_recvfrom(from = NULL). */
int nlrs_sock_recv(struct nlrs_stack *s, int sd, void *data, size_t len, unsigned flags);
/* TCP: NLRS_SHUT_RD / WR / RDWR. -NLRS_ENOTCONN if not connected. */
int nlrs_sock_shutdown(struct nlrs_stack *s, int sd, int how);
/* One datagram; `to` NULL for a connected socket. Returns len or -errno
 * (-NLRS_EMSGSIZE over 65507 bytes or with DF set over the path MTU). */
int nlrs_sock_sendto(struct nlrs_stack *s, int sd, const void *data, size_t len,
		     const struct nlrs_endpoint *to);
/* One datagram into data[0..len); returns bytes copied (or the full length
 * with NLRS_MSG_TRUNC), -NLRS_EAGAIN if none, or a pending -errno. */
int nlrs_sock_recvfrom(struct nlrs_stack *s, int sd, void *data, size_t len,
		       struct nlrs_endpoint *from, unsigned flags);
unsigned nlrs_sock_events(struct nlrs_stack *s, int sd);
int nlrs_sock_setopt(struct nlrs_stack *s, int sd, enum nlrs_sockopt opt, int value);
int nlrs_sock_getopt(struct nlrs_stack *s, int sd, enum nlrs_sockopt opt, int *value);
int nlrs_sock_getname(struct nlrs_stack *s, int sd, struct nlrs_endpoint *local,
		      struct nlrs_endpoint *peer);

/* TCP states (RFC 9293 3.3.2), numbered as Linux numbers them for TCP_INFO. */
enum nlrs_tcp_state {
	NLRS_TCPS_ESTABLISHED = 1, NLRS_TCPS_SYN_SENT, NLRS_TCPS_SYN_RECEIVED,
	NLRS_TCPS_FIN_WAIT_1, NLRS_TCPS_FIN_WAIT_2, NLRS_TCPS_TIME_WAIT, NLRS_TCPS_CLOSED,
	NLRS_TCPS_CLOSE_WAIT, NLRS_TCPS_LAST_ACK, NLRS_TCPS_LISTEN, NLRS_TCPS_CLOSING,
};
const char *nlrs_tcp_state_name(int state);

/* Options in use on a connection (nlrs_tcp_info.options) */
#define NLRS_TCPI_OPT_TIMESTAMPS 0x1u
#define NLRS_TCPI_OPT_SACK 0x2u
#define NLRS_TCPI_OPT_WSCALE 0x4u

/* A snapshot of one TCP connection, like Linux's TCP_INFO. Times in
 * microseconds, windows in bytes. */
struct nlrs_tcp_info {
	uint8_t state;          /* enum nlrs_tcp_state */
	uint8_t ca_state;       /* 0 open, 1 disorder, 3 recovery, 4 loss (Linux's numbering) */
	uint8_t retransmits;    /* consecutive timeouts of the current segment */
	uint8_t backoff;
	uint8_t options;        /* NLRS_TCPI_OPT_* */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t cc_algo;        /* enum nlrs_cc_algo */
	uint32_t rto, rtt, rttvar;
	uint32_t snd_mss, rcv_mss, pmtu;
	uint32_t snd_cwnd, snd_ssthresh; /* bytes */
	uint32_t unacked, sacked, lost, retrans; /* bytes */
	uint32_t snd_wnd, rcv_wnd;
	uint32_t sndbuf, rcvbuf;
	uint32_t total_retrans;  /* segments retransmitted over the life */
	uint64_t bytes_sent, bytes_retrans, bytes_acked, bytes_received;
	uint64_t segs_out, segs_in;
	uint32_t local_v4, remote_v4;
	uint16_t local_port, remote_port;
	uint64_t pacing_rate;   /* bytes/s; 0 = not pacing (only BBR paces) */
	uint64_t delivery_rate; /* bytes/s: the last delivery rate sample (BBR) */
	uint64_t btl_bw;        /* bytes/s: BBR's bottleneck bandwidth (a policer's rate when one was found) */
	uint32_t min_rtt;       /* us: BBR's minimum RTT estimate; 0 = none */
};
/* 0, -NLRS_EBADF, or -NLRS_EOPNOTSUPP for a socket that is not TCP. */
int nlrs_tcp_info(struct nlrs_stack *s, int sd, struct nlrs_tcp_info *out);
/* Walk every TCP control block, including orphans (closed descriptors in
 * FIN-WAIT or TIME-WAIT) and embryonic ones: 1 = out filled, 0 = slot idx
 * unused, -NLRS_ENOENT past the end. */
int nlrs_tcp_conn_info(const struct nlrs_stack *s, unsigned idx, struct nlrs_tcp_info *out);
/* Called from inside the stack whenever events on sd may have changed.
 * The callback must not call back into the stack (no nlrs_sock_* or
 * nlrs_stack_* calls): note the events and act once the stack call that
 * invoked it has returned. */
int nlrs_sock_set_callback(struct nlrs_stack *s, int sd, nlrs_sock_cb cb, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
