/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nlrsd's process state, shared by main.c (set-up and tear-down) and
 * loop.c (the event loop).
 */
#ifndef NLRSD_NLRSD_H
#define NLRSD_NLRSD_H

#include <stdbool.h>
#include <stdint.h>
#include "config.h"
#include "control.h"
#include "echo.h"
#include "session.h"
#include "nlrs/netdev.h"
#include "nlrs/stack.h"

#ifndef NLRSD_VERSION
#define NLRSD_VERSION "0.1.0"
#endif

/* Frames taken from one device per wake, so one busy device cannot starve
 * the others, the timers or the control socket. */
#define NLRSD_RX_BATCH 256

struct nlrsd_dev {
	struct nlrs_netdev *dev; /* top of the wrapper chain */
	struct nlrs_netdev *fault; /* the fault injector in the chain, or NULL */
	int ifindex;
	unsigned err_streak;     /* consecutive receive errors */
	bool failed;             /* given up on: no longer polled */
};

struct nlrsd {
	const struct nlrsd_config *cfg;
	void *mem;
	struct nlrs_stack *s;
	struct nlrsd_dev dev[NLRSD_MAX_IFACES];
	unsigned ndev;
	struct nlrsd_control ctl;
	struct nlrsd_echo echo;
	struct nlrsd_sessions sess; /* apps over shared memory (session.h) */
	int epfd;
	int sigfd;
	nlrs_time_t started;
};

/* epoll data tags */
#define NLRSD_TAG_SIGNAL 1u
#define NLRSD_TAG_LISTEN 2u
#define NLRSD_TAG_DEV 0x100u    /* + device index */
#define NLRSD_TAG_CLIENT 0x200u /* + client slot */
/* NLRSD_TAG_APP_LISTEN (3) and NLRSD_TAG_APP (0x10000 + ...): session.h */

/* Run until SIGTERM or SIGINT. 0 on a clean stop, -errno on a fatal error. */
int nlrsd_loop_run(struct nlrsd *d);

#endif
