/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nlrsd logging: stderr with a timestamp, or syslog. Messages above the
 * configured level are dropped.
 */
#ifndef NLRSD_LOG_H
#define NLRSD_LOG_H

#include <stdbool.h>
#include <stdint.h>

void nlrsd_log_init(int level, bool use_syslog);
/* Switch to syslog (after daemonizing: stderr is /dev/null then). */
void nlrsd_log_to_syslog(void);
void nlrsd_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The stack port's log hook: msg is a constant string, a and b its numbers. */
void nlrsd_log_stack(void *ctx, int level, const char *msg, uint32_t a, uint32_t b);

#endif
