/* SPDX-License-Identifier: BSD-2-Clause */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>
#include "nlrs/stack.h"

static int log_level = NLRS_LOG_INFO;
static bool log_syslog;

void nlrsd_log_init(int level, bool use_syslog)
{
	log_level = level;
	if (use_syslog)
		nlrsd_log_to_syslog();
}

void nlrsd_log_to_syslog(void)
{
	if (log_syslog)
		return;
	openlog("nlrsd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_syslog = true;
}

static const char *level_name(int level)
{
	switch (level) {
	case NLRS_LOG_ERR:
		return "error";
	case NLRS_LOG_WARN:
		return "warning";
	case NLRS_LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

static void vlog(int level, const char *fmt, va_list ap)
{
	struct timespec ts;
	struct tm tm;
	char stamp[32];

	if (level > log_level)
		return;
	if (log_syslog) {
		/* NLRS_LOG_* carry the syslog priority values */
		vsyslog(level, fmt, ap);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ldZ nlrsd %s: ", stamp, ts.tv_nsec / 1000000L, level_name(level));
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void nlrsd_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void nlrsd_log_stack(void *ctx, int level, const char *msg, uint32_t a, uint32_t b)
{
	(void)ctx;
	nlrsd_log(level, "stack: %s (%u, %u)", msg, (unsigned)a, (unsigned)b);
}
