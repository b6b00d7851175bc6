/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Control protocol requests and their replies, rendered from the stack's
 * introspection API as aligned text tables or JSON. No I/O here: the
 * control socket (control.c) reads the request line and writes the reply.
 *
 * Requests (one line):  show <what> <text|json> [all]  |  status <text|json>
 *                       |  iface <NAME> <up|down>
 * what: interfaces addresses routes arp tcp counters pools status all
 * (iface changes state: control.c carries it out, rq->set_iface says so)
 */
#ifndef NLRSD_RENDER_H
#define NLRSD_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include "nlrs/stack.h"

/* A growable string with a hard cap; past the cap it stops growing and
 * sets `full` (the reply is then replaced by an error). */
struct nlrsd_sb {
	char *p;
	size_t len, cap, max;
	bool full;
};

void nlrsd_sb_init(struct nlrsd_sb *sb, size_t max);
void nlrsd_sb_free(struct nlrsd_sb *sb);
void nlrsd_sb_reset(struct nlrsd_sb *sb);
void nlrsd_sb_printf(struct nlrsd_sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

enum nlrsd_what {
	NLRSD_SHOW_INTERFACES = 1u << 0,
	NLRSD_SHOW_ADDRESSES = 1u << 1,
	NLRSD_SHOW_ROUTES = 1u << 2,
	NLRSD_SHOW_ARP = 1u << 3,
	NLRSD_SHOW_COUNTERS = 1u << 4,
	NLRSD_SHOW_POOLS = 1u << 5,
	NLRSD_SHOW_STATUS = 1u << 6,
	NLRSD_SHOW_TCP = 1u << 7,
	NLRSD_SHOW_ALL = (1u << 8) - 1,
};

struct nlrsd_request {
	unsigned what;  /* enum nlrsd_what bits */
	bool json;
	bool all;       /* text counters: include zeros */
	bool set_iface; /* "iface NAME up|down": bring iface up (up) or down */
	bool up;
	char iface[NLRS_IFNAMSIZ];
};

/* Parse one request line (without or with its trailing "\n" / "\r\n").
 * Returns 0, or -1 with a one-line reason in err. */
int nlrsd_request_parse(const char *line, struct nlrsd_request *rq, char *err, size_t errlen);

struct nlrsd_status {
	const char *version;
	long pid;
	nlrs_time_t started; /* stack clock at start */
	nlrs_time_t now;     /* stack clock now */
};

/* Append the reply for rq to sb: one JSON object and "\n", or text. */
void nlrsd_render(struct nlrsd_sb *sb, const struct nlrs_stack *s, const struct nlrsd_status *st,
		  const struct nlrsd_request *rq);

#endif
