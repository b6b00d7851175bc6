/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * udp_echo: the smallest complete Netloom program, in the spirit of
 * smoltcp's examples/server.rs. It opens a TAP device, gives the stack an
 * address on it and answers
 *   - ICMP echo (ping): the stack core does that by itself;
 *   - UDP datagrams on PORT: sent back to where they came from (RFC 862).
 *
 *   usage: udp_echo TAPNAME CIDR PORT [--count N]
 *   e.g.   udp_echo tap0 192.0.2.2/24 7
 *          (then, on the host: ip addr add 192.0.2.1/24 dev tap0;
 *           ping 192.0.2.2; echo hi | nc -u -w1 192.0.2.2 7)
 *
 * It prints "udp_echo: ready ..." on stdout once it listens, and exits 0 on
 * SIGTERM/SIGINT or after echoing N datagrams (--count). Bad arguments exit
 * 2, a failure to set up exits 1.
 *
 * Only the public API (include/nlrs/) is used. The loop is the usual one
 * for a single-threaded stack: wait for the device fd or the next deadline,
 * feed every waiting frame in, run timers, serve the socket.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "nlrs/netdev.h"
#include "nlrs/socket.h"
#include "nlrs/stack.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *to)
{
	fprintf(to, "usage: udp_echo TAPNAME CIDR PORT [--count N]\n"
		    "  TAPNAME  TAP device to create or attach to (link set up)\n"
		    "  CIDR     the stack's IPv4 address, e.g. 192.0.2.2/24\n"
		    "  PORT     UDP port to echo on (1-65535)\n"
		    "  --count N  exit 0 after echoing N datagrams\n");
}

static int parse_cidr(const char *s, uint32_t *addr, uint8_t *plen)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	struct in_addr in;
	char *end;

	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = 0;
	if (inet_pton(AF_INET, buf, &in) != 1)
		return -1;
	errno = 0;
	long p = strtol(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end || p < 0 || p > 32)
		return -1;
	*addr = ntohl(in.s_addr);
	*plen = (uint8_t)p;
	return 0;
}

static int parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Are replies still waiting for an ARP answer? */
static bool arp_pending(const struct nlrs_stack *s)
{
	struct nlrs_arp_info ai;
	int r;

	for (unsigned i = 0; (r = nlrs_arp_info(s, i, &ai)) >= 0; i++)
		if (r == 1 && ai.queued)
			return true;
	return false;
}

/* Echo every waiting datagram; returns how many. */
static unsigned long serve(struct nlrs_stack *s, int sd)
{
	static uint8_t data[65536];
	struct nlrs_endpoint from;
	unsigned long n = 0;
	int len;

	while ((len = nlrs_sock_recvfrom(s, sd, data, sizeof(data), &from, 0)) >= 0) {
		int r = nlrs_sock_sendto(s, sd, data, (size_t)len, &from);
		if (r < 0)
			fprintf(stderr, "udp_echo: sendto: %s\n", strerror(-r));
		n++;
	}
	if (len != -NLRS_EAGAIN)
		fprintf(stderr, "udp_echo: recvfrom: %s\n", strerror(-len));
	return n;
}

int main(int argc, char **argv)
{
	unsigned long port, count = 0, echoed = 0;
	uint32_t addr;
	uint8_t plen;
	struct nlrs_stack_config cfg;
	struct nlrs_stack *s;
	struct nlrs_netdev *tap;
	void *mem;
	int ifx, sd, rc, status = 1;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc != 4 && argc != 6) {
		usage(stderr);
		return 2;
	}
	if (strlen(argv[1]) == 0 || strlen(argv[1]) >= NLRS_IFNAMSIZ) {
		fprintf(stderr, "udp_echo: bad TAP name '%s'\n", argv[1]);
		return 2;
	}
	if (parse_cidr(argv[2], &addr, &plen)) {
		fprintf(stderr, "udp_echo: bad CIDR '%s' (want A.B.C.D/LEN)\n", argv[2]);
		return 2;
	}
	if (parse_ulong(argv[3], 1, 65535, &port)) {
		fprintf(stderr, "udp_echo: bad PORT '%s'\n", argv[3]);
		return 2;
	}
	if (argc == 6 && (strcmp(argv[4], "--count") || parse_ulong(argv[5], 1, ULONG_MAX, &count))) {
		fprintf(stderr, "udp_echo: expected --count N, got '%s %s'\n", argv[4], argv[5]);
		return 2;
	}

	/* Signals are blocked except inside ppoll, so a SIGTERM can never slip
	 * in between the check of `stop` and the wait. */
	sigset_t block, waitmask;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);

	/* 1. The stack, in one block of memory, with the hosted port. */
	nlrs_stack_config_default(&cfg);
	nlrs_port_hosted(&cfg.port);
	size_t need = nlrs_stack_mem_size(&cfg);
	mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
	if (!mem) {
		fprintf(stderr, "udp_echo: out of memory\n");
		return 1;
	}
	rc = nlrs_stack_init(&s, &cfg, mem, need);
	if (rc) {
		fprintf(stderr, "udp_echo: stack init: %s\n", strerror(-rc));
		goto err_free_mem;
	}

	/* 2. The device, receiving into the stack's pool, as an interface. */
	rc = nlrs_tap_open(&tap, argv[1], nlrs_stack_pool(s));
	if (rc) {
		fprintf(stderr, "udp_echo: open TAP %s: %s\n", argv[1], strerror(-rc));
		goto err_fini;
	}
	ifx = nlrs_netdev_attach(s, tap, NULL, NULL);
	if (ifx < 0) {
		rc = ifx;
		fprintf(stderr, "udp_echo: attach %s: %s\n", argv[1], strerror(-rc));
		goto err_close_tap;
	}
	rc = nlrs_iface_addr_add(s, ifx, addr, plen);
	if (rc) {
		fprintf(stderr, "udp_echo: address %s: %s\n", argv[2], strerror(-rc));
		goto err_close_tap;
	}
	rc = nlrs_iface_set_up(s, ifx, true);
	if (rc) {
		fprintf(stderr, "udp_echo: bring %s up: %s\n", argv[1], strerror(-rc));
		goto err_close_tap;
	}

	/* 3. The echo socket, on any local address. */
	sd = nlrs_sock_open(s, NLRS_AF_INET, NLRS_SOCK_DGRAM, 0);
	if (sd < 0) {
		rc = sd;
		fprintf(stderr, "udp_echo: socket: %s\n", strerror(-rc));
		goto err_close_tap;
	}
	struct nlrs_endpoint local = { .family = NLRS_AF_INET, .port = (uint16_t)port, .v4 = 0 };
	rc = nlrs_sock_bind(s, sd, &local);
	if (rc) {
		fprintf(stderr, "udp_echo: bind port %lu: %s\n", port, strerror(-rc));
		goto err_close_sock;
	}

	printf("udp_echo: ready on %s %s udp port %lu\n", tap->name, argv[2], port);
	fflush(stdout);

	/* 4. The loop. After the last of --count datagrams, linger (up to two
	 * seconds) while a reply still waits for ARP, so that it goes out. */
	nlrs_time_t linger_until = NLRS_TIME_NEVER;
	while (!stop) {
		nlrs_time_t now = nlrs_clock_now();
		if (count && echoed >= count) {
			if (linger_until == NLRS_TIME_NEVER)
				linger_until = now + NLRS_SEC(2);
			if (!arp_pending(s) || now >= linger_until)
				break;
		}
		struct nlrs_buf *f;
		int err = 0;

		while ((f = nlrs_netdev_recv(tap, now, &err)) != NULL)
			nlrs_stack_input(s, ifx, f, now);
		if (err) {
			fprintf(stderr, "udp_echo: %s: receive: %s\n", tap->name, strerror(-err));
			goto err_close_sock;
		}

		nlrs_time_t deadline = nlrs_stack_poll(s, now);
		nlrs_time_t dev_deadline = nlrs_netdev_poll(tap, now);
		if (dev_deadline < deadline)
			deadline = dev_deadline;

		echoed += serve(s, sd);
		if (count && echoed >= count && !arp_pending(s))
			break;
		/* Replies may have armed timers (ARP resolution, say). */
		nlrs_time_t again = nlrs_stack_poll(s, now);
		if (again < deadline)
			deadline = again;

		struct timespec ts, *tsp = NULL;
		if (deadline != NLRS_TIME_NEVER) {
			nlrs_time_t wait = deadline > now ? deadline - now : 0;
			ts.tv_sec = (time_t)(wait / 1000000u);
			ts.tv_nsec = (long)(wait % 1000000u) * 1000;
			tsp = &ts;
		}
		struct pollfd pfd = { .fd = tap->fd, .events = POLLIN };
		if (ppoll(&pfd, 1, tsp, &waitmask) < 0 && errno != EINTR) {
			fprintf(stderr, "udp_echo: poll: %s\n", strerror(errno));
			goto err_close_sock;
		}
	}
	fprintf(stderr, "udp_echo: %lu datagram%s echoed, exiting\n", echoed, echoed == 1 ? "" : "s");
	status = 0;

	/* The last replies were handed to the device inside sendto already. */
err_close_sock:
	nlrs_sock_close(s, sd);
err_close_tap:
	nlrs_netdev_close(tap);
err_fini:
	nlrs_stack_fini(s);
err_free_mem:
	free(mem);
	return status;
}
