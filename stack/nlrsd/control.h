/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The control socket: a Unix stream socket; each client writes one request
 * line, gets one reply, and is closed. Everything is non-blocking and
 * driven by the event loop's epoll set, so a slow or silent client costs a
 * slot until its deadline and never stalls the stack.
 */
#ifndef NLRSD_CONTROL_H
#define NLRSD_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "nlrs/stack.h"
#include "render.h"

#define NLRSD_CTL_CLIENTS 16
#define NLRSD_CTL_LINE_MAX 256            /* request line cap, newline included */
/* reply cap: a full TCP table (65535 control blocks, at most ~900 bytes of
 * JSON each) fits; memory is taken only as a reply grows */
#define NLRSD_CTL_REPLY_MAX (64u << 20)
#define NLRSD_CTL_TIMEOUT NLRS_SEC(5)     /* whole exchange, per client */

struct nlrsd_ctl_client {
	int fd;            /* -1: free slot */
	char in[NLRSD_CTL_LINE_MAX];
	size_t inlen;
	struct nlrsd_sb out;
	size_t outoff;
	enum { NLRSD_CL_READ, NLRSD_CL_WRITE, NLRSD_CL_DRAIN } state;
	bool denied;       /* SO_PEERCRED check failed: the reply is an error */
	nlrs_time_t deadline;
};

struct nlrsd_control {
	int fd;           /* listener, -1 when closed */
	int epfd;
	uint64_t tag_listen;  /* epoll data for the listener */
	uint64_t tag_client;  /* epoll data base for clients: tag_client + slot */
	char path[108];
	bool bound;           /* we created path: unlink it on close */
	uid_t uid;            /* peers allowed: root and this uid */
	struct nlrs_stack *s;
	struct nlrsd_status status;
	struct nlrsd_ctl_client cl[NLRSD_CTL_CLIENTS];
};

/* No listener, no clients: nlrsd_control_close is then a no-op. */
void nlrsd_control_init(struct nlrsd_control *c);
/* Before any device is opened: mkdir -p the parent, refuse a path another
 * live nlrsd serves, remove a stale socket. 0 or -errno (reason logged). */
int nlrsd_control_check(const char *path);
/* Once the stack is ready: bind, listen, chmod 0660, add to epfd, so the
 * socket appears only when nlrsd serves. 0 or -errno (reason logged). */
int nlrsd_control_open(struct nlrsd_control *c, const char *path, int epfd, uint64_t tag_listen,
		       uint64_t tag_client);
void nlrsd_control_set_stack(struct nlrsd_control *c, struct nlrs_stack *s, const char *version,
			     nlrs_time_t started);
/* The listener is readable. */
void nlrsd_control_accept(struct nlrsd_control *c, nlrs_time_t now);
/* Client `slot` has epoll events. */
void nlrsd_control_event(struct nlrsd_control *c, unsigned slot, uint32_t events);
/* Close clients past their deadline; returns the next client deadline. */
nlrs_time_t nlrsd_control_expire(struct nlrsd_control *c, nlrs_time_t now);
/* Close every client and the listener; unlink the socket path. */
void nlrsd_control_close(struct nlrsd_control *c);

#endif
