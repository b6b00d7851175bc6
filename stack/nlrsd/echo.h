/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The --udp-echo service: RFC 862 over a stack UDP socket.
 */
#ifndef NLRSD_ECHO_H
#define NLRSD_ECHO_H

#include <stdbool.h>
#include <stdint.h>
#include "nlrs/stack.h"

struct nlrsd_echo {
	struct nlrs_stack *s;
	int sd;
	bool pending;         /* the socket said it is readable */
	uint64_t echoed, send_failed;
};

/* Open and bind the service socket on `port`, any address. 0 or -errno. */
int nlrsd_echo_start(struct nlrsd_echo *e, struct nlrs_stack *s, uint16_t port);
/* Answer what is waiting. Called by the loop outside the stack's own
 * call chain (the socket callback only marks the service pending). */
void nlrsd_echo_run(struct nlrsd_echo *e);
static inline bool nlrsd_echo_pending(const struct nlrsd_echo *e) { return e->sd >= 0 && e->pending; }
void nlrsd_echo_stop(struct nlrsd_echo *e);

#endif
