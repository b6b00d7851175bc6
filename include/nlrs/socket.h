/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stack-side sockets: UDP and raw IP for now (TCP joins later). A socket is
 * a small integer descriptor local to one stack instance. Calls never
 * block: they return -NLRS_EAGAIN, and the event callback (or
 * nlrs_sock_events) says when to try again.
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
#define NLRS_EV_READ 0x1u   /* a datagram (or an error) is waiting */
#define NLRS_EV_WRITE 0x2u  /* a send would not fail for lack of buffers */
#define NLRS_EV_ERROR 0x4u  /* nlrs_sock_error would return non-zero */

/* recv flags */
#define NLRS_MSG_PEEK 0x2u
#define NLRS_MSG_TRUNC 0x20u  /* return the datagram's real length */

/* Options (level is implied by the name) */
enum nlrs_sockopt {
	NLRS_SO_RCVBUF = 1,     /* bytes */
	NLRS_SO_BROADCAST,      /* 0/1: may send to broadcast addresses */
	NLRS_IP_TTL,            /* 1..255 */
	NLRS_IP_HDRINCL,        /* raw: caller supplies the IPv4 header */
	NLRS_SO_ERROR,          /* get only: pending error, cleared */
	NLRS_IP_DF,             /* 0/1: set Don't Fragment on output */
};

typedef void (*nlrs_sock_cb)(void *ctx, int sd, unsigned events);

/* type NLRS_SOCK_DGRAM (protocol 0 or UDP) or NLRS_SOCK_RAW (protocol =
 * the IP protocol number, 1..254). Returns sd >= 0 or -errno. */
int nlrs_sock_open(struct nlrs_stack *s, int family, int type, int protocol);
int nlrs_sock_close(struct nlrs_stack *s, int sd);
/* port 0 picks an ephemeral port (49152..65535, randomised). */
int nlrs_sock_bind(struct nlrs_stack *s, int sd, const struct nlrs_endpoint *local);
/* Sets the default destination and filters receive to it; family 0 undoes. */
int nlrs_sock_connect(struct nlrs_stack *s, int sd, const struct nlrs_endpoint *peer);
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
/* Called from inside the stack whenever events on sd may have changed.
 * The callback must not call back into the stack (no nlrs_sock_* or
 * nlrs_stack_* calls): note the events and act once the stack call that
 * invoked it has returned. */
int nlrs_sock_set_callback(struct nlrs_stack *s, int sd, nlrs_sock_cb cb, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
