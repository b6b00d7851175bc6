/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hosted (Linux) port: random bytes from getrandom(2), log lines on
 * stderr, and the monotonic clock the stack is driven by.
 *
 * Log threshold: NLRS_LOG_LEVEL in the environment (err, warn, info, debug;
 * default info), read once on the first message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/random.h>

#include "nlrs/netdev.h"
#include "netdev_priv.h"

void nlrs__random_bytes(void *out, size_t len)
{
	uint8_t *p = out;

	while (len) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (len) {
		/* getrandom(2) missing (ENOSYS in an old sandbox): mix the clock.
		 * Not unpredictable, but the stack only needs it to not repeat. */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		uint64_t x = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec;
		while (len--) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			*p++ = (uint8_t)x;
		}
	}
}

static void hosted_random(void *ctx, void *out, size_t len)
{
	(void)ctx;
	nlrs__random_bytes(out, len);
}

static int log_threshold = -1;

static int threshold(void)
{
	if (log_threshold < 0) {
		const char *e = getenv("NLRS_LOG_LEVEL");
		log_threshold = NLRS_LOG_INFO;
		if (e) {
			if (!strcasecmp(e, "err") || !strcasecmp(e, "error"))
				log_threshold = NLRS_LOG_ERR;
			else if (!strcasecmp(e, "warn") || !strcasecmp(e, "warning"))
				log_threshold = NLRS_LOG_WARN;
			else if (!strcasecmp(e, "debug"))
				log_threshold = NLRS_LOG_DEBUG;
		}
	}
	return log_threshold;
}

static const char *level_name(int level)
{
	switch (level) {
	case NLRS_LOG_ERR: return "err";
	case NLRS_LOG_WARN: return "warn";
	case NLRS_LOG_INFO: return "info";
	case NLRS_LOG_DEBUG: return "debug";
	default: return level < NLRS_LOG_ERR ? "crit" : "debug";
	}
}

static void hosted_log(void *ctx, int level, const char *msg, uint32_t a, uint32_t b)
{
	(void)ctx;
	if (level > threshold())
		return;
	fprintf(stderr, "nlrs: %s: %s (%lu, %lu)\n", level_name(level), msg ? msg : "?",
		(unsigned long)a, (unsigned long)b);
}

void nlrs_port_hosted(struct nlrs_port *port)
{
	memset(port, 0, sizeof(*port));
	port->random = hosted_random;
	port->log = hosted_log;
}

nlrs_time_t nlrs_clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (nlrs_time_t)ts.tv_sec * 1000000u + (nlrs_time_t)ts.tv_nsec / 1000u;
}
