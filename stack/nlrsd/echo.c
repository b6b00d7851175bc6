/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RFC 862 Echo Protocol, UDP based echo service: "a server listens for UDP
 * datagrams on UDP port 7. When a datagram is received, the data from it is
 * sent back in an answering datagram." The port is configurable.
 *
 * The socket callback runs inside the stack (from nlrs_stack_input); it only
 * marks the service pending, and the loop answers afterwards, so the
 * service never re-enters the stack from inside it.
 */
#include "echo.h"

#include "log.h"
#include "nlrs/socket.h"

/* At most this many datagrams per run, so a flood cannot starve the loop. */
#define ECHO_BATCH 64

static void echo_cb(void *ctx, int sd, unsigned events)
{
	struct nlrsd_echo *e = ctx;

	(void)sd;
	if (events & (NLRS_EV_READ | NLRS_EV_ERROR))
		e->pending = true;
}

int nlrsd_echo_start(struct nlrsd_echo *e, struct nlrs_stack *s, uint16_t port)
{
	struct nlrs_endpoint local = { .family = NLRS_AF_INET, .port = port, .v4 = 0 };
	int sd, rc;

	e->s = s;
	e->sd = -1;
	e->pending = false;
	e->echoed = e->send_failed = 0;
	sd = nlrs_sock_open(s, NLRS_AF_INET, NLRS_SOCK_DGRAM, 0);
	if (sd < 0)
		return sd;
	rc = nlrs_sock_bind(s, sd, &local);
	if (rc == 0)
		rc = nlrs_sock_set_callback(s, sd, echo_cb, e);
	if (rc < 0) {
		nlrs_sock_close(s, sd);
		return rc;
	}
	e->sd = sd;
	return 0;
}

void nlrsd_echo_run(struct nlrsd_echo *e)
{
	/* the largest UDP payload over IPv4: 65535 - 20 - 8 */
	static uint8_t buf[65507];

	if (e->sd < 0)
		return;
	e->pending = false;
	for (int i = 0; i < ECHO_BATCH; i++) {
		struct nlrs_endpoint from;
		int n = nlrs_sock_recvfrom(e->s, e->sd, buf, sizeof(buf), &from, 0);

		if (n == -NLRS_EAGAIN)
			return;
		if (n < 0) {
			/* a pending error (e.g. ICMP unreachable for an earlier
			 * reply): it is consumed by this call, go on */
			nlrsd_log(NLRS_LOG_DEBUG, "udp-echo: receive error %d", -n);
			continue;
		}
		n = nlrs_sock_sendto(e->s, e->sd, buf, (size_t)n, &from);
		if (n < 0) {
			e->send_failed++;
			nlrsd_log(NLRS_LOG_DEBUG, "udp-echo: reply to %u.%u.%u.%u:%u failed: %d",
				  from.v4 >> 24, (from.v4 >> 16) & 255u, (from.v4 >> 8) & 255u,
				  from.v4 & 255u, from.port, -n);
		} else {
			e->echoed++;
		}
	}
	e->pending = true; /* batch used up: more may wait */
}

void nlrsd_echo_stop(struct nlrsd_echo *e)
{
	if (e->sd >= 0)
		nlrs_sock_close(e->s, e->sd);
	e->sd = -1;
}
