/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The event loop: one thread, run to completion, never blocking except in
 * epoll_wait. It waits on the devices' fds, the control socket and a
 * signalfd, with a timeout at the earliest of the stack's timer deadline,
 * the devices' deadlines (fault injector hold-backs, rate shaping) and the
 * control clients' deadlines.
 */
#include "nlrsd.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include "log.h"

/* Feed up to NLRSD_RX_BATCH frames of one device to the stack.
 * Returns true if the batch was used up (more may be waiting). */
static bool dev_drain(struct nlrsd *d, struct nlrsd_dev *dv, nlrs_time_t now)
{
	for (int k = 0; k < NLRSD_RX_BATCH; k++) {
		int err = 0;
		struct nlrs_buf *b = nlrs_netdev_recv(dv->dev, now, &err);

		if (!b) {
			if (err == 0 || err == -EINTR || err == -EAGAIN)
				return false;
			if (dv->err_streak++ == 0)
				nlrsd_log(NLRS_LOG_WARN, "%s: receive error: %s", dv->dev->name,
					  strerror(-err));
			/* EBADFD/ENODEV: the device went away (ip link del) */
			if (dv->err_streak >= 1000 || err == -EBADFD || err == -ENODEV) {
				/* a device that only fails would spin a level-triggered loop */
				nlrsd_log(NLRS_LOG_ERR, "%s: giving up on the device after %u receive error%s",
					  dv->dev->name, dv->err_streak, dv->err_streak == 1 ? "" : "s");
				if (dv->dev->fd >= 0)
					epoll_ctl(d->epfd, EPOLL_CTL_DEL, dv->dev->fd, NULL);
				nlrs_iface_set_up(d->s, dv->ifindex, false);
				dv->failed = true;
			}
			return false;
		}
		dv->err_streak = 0;
		nlrs_stack_input(d->s, dv->ifindex, b, now);
	}
	return true;
}

static bool handle_signals(struct nlrsd *d)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(d->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			nlrsd_log(NLRS_LOG_INFO, "%s from pid %u: shutting down",
				  si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT", si.ssi_pid);
			stop = true;
			break;
		case SIGHUP:
			nlrsd_log(NLRS_LOG_INFO, "SIGHUP: nothing to reload (restart to apply a new configuration)");
			break;
		default:
			break;
		}
	}
	return stop;
}

static int timeout_ms(nlrs_time_t deadline, nlrs_time_t now)
{
	nlrs_time_t us;

	if (deadline == NLRS_TIME_NEVER)
		return -1;
	if (deadline <= now)
		return 0;
	us = deadline - now;
	if (us > NLRS_SEC(3600))
		return 3600 * 1000;
	return (int)((us + 999u) / 1000u); /* round up: never wake early and spin */
}

int nlrsd_loop_run(struct nlrsd *d)
{
	struct epoll_event evs[32];
	bool more = false;

	for (;;) {
		nlrs_time_t now = nlrs_clock_now();
		nlrs_time_t deadline = nlrs_stack_poll(d->s, now);
		nlrs_time_t t;
		int n;

		for (unsigned i = 0; i < d->ndev; i++) {
			if (d->dev[i].failed)
				continue;
			t = nlrs_netdev_poll(d->dev[i].dev, now);
			if (t < deadline)
				deadline = t;
		}
		t = nlrsd_control_expire(&d->ctl, now);
		if (t < deadline)
			deadline = t;
		if (more || nlrsd_echo_pending(&d->echo))
			deadline = now;

		n = epoll_wait(d->epfd, evs, (int)(sizeof(evs) / sizeof(evs[0])),
			       nlrsd_sessions_timeout(&d->sess, now, timeout_ms(deadline, now)));
		nlrsd_sessions_awake(&d->sess);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			nlrsd_log(NLRS_LOG_ERR, "epoll_wait: %s", strerror(errno));
			return -errno;
		}
		now = nlrs_clock_now();
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;

			if (tag == NLRSD_TAG_SIGNAL) {
				if (handle_signals(d))
					return 0;
			} else if (tag == NLRSD_TAG_LISTEN) {
				nlrsd_control_accept(&d->ctl, now);
			} else if (tag == NLRSD_TAG_APP_LISTEN) {
				nlrsd_sessions_accept(&d->sess);
			} else if (tag >= NLRSD_TAG_APP) {
				nlrsd_sessions_event(&d->sess, tag, evs[i].events);
			} else if (tag >= NLRSD_TAG_CLIENT) {
				nlrsd_control_event(&d->ctl, (unsigned)(tag - NLRSD_TAG_CLIENT), evs[i].events);
			}
			/* device fds need nothing here: every device is drained below */
		}

		/* Drain every device, not only those whose fd fired: a wrapper
		 * (fault injector) may release held frames on its own clock. */
		more = false;
		for (unsigned i = 0; i < d->ndev; i++)
			if (!d->dev[i].failed && dev_drain(d, &d->dev[i], now))
				more = true;
		if (nlrsd_echo_pending(&d->echo))
			nlrsd_echo_run(&d->echo);
		nlrsd_sessions_run(&d->sess, now);
	}
}
