/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Raw-IP loopback: every frame sent is queued and comes back on recv, in
 * order, unchanged, with no copy unless the frame is shared (then a
 * private copy is queued, so qnext is never needed twice).
 *
 * The queue holds at most NLRS_LOOPBACK_QLEN frames; send drops beyond that
 * (-NLRS_ENOBUFS), as a full NIC ring would. fd is an eventfd kept readable
 * exactly while the queue is non-empty, so it sits in poll/epoll sets like
 * any device fd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "nlrs/netdev.h"
#include "netdev_priv.h"

struct loopback {
	struct nlrs_netdev dev; /* first */
	struct nlrs_buf *head, *tail; /* linked through qnext */
	struct nlrs__loopback_stats st;
};

static struct loopback *to_lo(struct nlrs_netdev *d) { return (struct loopback *)d; }

static void fd_signal(int fd)
{
	uint64_t one = 1;
	ssize_t n;

	do
		n = write(fd, &one, sizeof(one));
	while (n < 0 && errno == EINTR);
}

static void fd_clear(int fd)
{
	uint64_t v;
	ssize_t n;

	do
		n = read(fd, &v, sizeof(v));
	while (n < 0 && errno == EINTR);
}

static struct nlrs_buf *lo_recv(struct nlrs_netdev *d, nlrs_time_t now, int *err)
{
	struct loopback *lo = to_lo(d);
	struct nlrs_buf *b;

	*err = 0;
	if ((b = lo->head) != NULL) {
		lo->head = b->qnext;
		b->qnext = NULL;
		if (!lo->head) {
			lo->tail = NULL;
			fd_clear(d->fd);
		}
		lo->st.queued--;
		b->tstamp = now;
		return b;
	}
	return NULL;
}

static int lo_send(struct nlrs_netdev *d, struct nlrs_buf *frame, nlrs_time_t now)
{
	struct loopback *lo = to_lo(d);

	(void)now;
	if (lo->st.queued >= NLRS_LOOPBACK_QLEN) {
		lo->st.queue_full++;
		nlrs_buf_free(frame);
		return -NLRS_ENOBUFS;
	}
	if (nlrs_buf_shared(frame)) {
		/* The sender kept a reference (and may queue the frame itself
		 * through qnext); queue a private copy, which the receiver may
		 * also pull headers off. */
		struct nlrs_buf *c = nlrs_buf_clone(d->pool, frame);
		nlrs_buf_free(frame);
		if (!c) {
			lo->st.nobufs++;
			return -NLRS_ENOBUFS;
		}
		frame = c;
	}
	frame->qnext = NULL;
	if (lo->tail)
		lo->tail->qnext = frame;
	else {
		lo->head = frame;
		fd_signal(d->fd);
	}
	lo->tail = frame;
	lo->st.queued++;
	lo->st.frames++;
	return 0;
}

static void lo_close(struct nlrs_netdev *d)
{
	struct loopback *lo = to_lo(d);

	nlrs_buf_free_queue(lo->head);
	close(d->fd);
	free(lo);
}

static void lo_counters(const struct nlrs_netdev *d, struct nlrs_dev_counters *acc)
{
	struct nlrs__loopback_stats st;
	nlrs__loopback_stats(d, &st);
	acc->rx_drops += st.nobufs;
	acc->tx_drops += st.queue_full;
}

static const struct nlrs_netdev_ops lo_ops = {
	.recv = lo_recv,
	.send = lo_send,
	.poll = NULL,
	.close = lo_close,
	.counters = lo_counters,
};

void nlrs__loopback_stats(const struct nlrs_netdev *d, struct nlrs__loopback_stats *out)
{
	*out = ((const struct loopback *)d)->st;
}

int nlrs_loopback_open(struct nlrs_netdev **out, const char *name, struct nlrs_pool *pool,
		       uint16_t mtu)
{
	struct loopback *lo;
	int ret;

	*out = NULL;
	if (!name || !pool || strlen(name) >= NLRS_IFNAMSIZ)
		return -NLRS_EINVAL;
	lo = calloc(1, sizeof(*lo));
	if (!lo)
		return -NLRS_ENOMEM;
	lo->dev.ops = &lo_ops;
	lo->dev.pool = pool;
	lo->dev.link = NLRS_LINK_RAWIP;
	lo->dev.mtu = mtu ? mtu : 65535;
	memcpy(lo->dev.name, name, strlen(name));
	lo->dev.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (lo->dev.fd < 0) {
		ret = -errno;
		free(lo);
		return ret;
	}
	*out = &lo->dev;
	return 0;
}
