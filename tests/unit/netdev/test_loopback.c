/* SPDX-License-Identifier: BSD-2-Clause */
#include <poll.h>
#include <criterion/criterion.h>
#include "netdev_test.h"
#include "netdev_priv.h"

static struct nlrs_netdev *lo;

static void setup(void)
{
	t_pool_setup();
	cr_assert_eq(nlrs_loopback_open(&lo, "lo0", &t_pool, 1500), 0);
}

TestSuite(loopback, .init = setup);

static int fd_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

Test(loopback, open_reports_rawip_link_name_mtu_and_fd)
{
	cr_assert_eq(lo->link, NLRS_LINK_RAWIP);
	cr_assert_str_eq(lo->name, "lo0");
	cr_assert_eq(lo->mtu, 1500);
	cr_assert_geq(lo->fd, 0);
	cr_assert_null(lo->lower);
	nlrs_netdev_close(lo);
	t_pool_check();
}

Test(loopback, rejects_long_name)
{
	struct nlrs_netdev *d = (void *)1;
	cr_assert_eq(nlrs_loopback_open(&d, "a-name-far-too-long", &t_pool, 0), -NLRS_EINVAL);
	cr_assert_null(d);
	nlrs_netdev_close(lo);
}

Test(loopback, sent_frames_come_back_in_order_with_timestamp)
{
	int err = 1;
	cr_assert_null(nlrs_netdev_recv(lo, 5, &err));
	cr_assert_eq(err, 0);
	for (uint32_t i = 0; i < 10; i++)
		cr_assert_eq(nlrs_netdev_send(lo, t_frame(i, 60 + i), 0), 0);
	for (uint32_t i = 0; i < 10; i++) {
		struct nlrs_buf *b = nlrs_netdev_recv(lo, 1000 + i, &err);
		cr_assert_not_null(b);
		cr_assert(t_frame_ok(b, i, 60 + i));
		cr_assert_eq(b->tstamp, 1000 + i);
		cr_assert_null(b->qnext);
		nlrs_buf_free(b);
	}
	cr_assert_null(nlrs_netdev_recv(lo, 2000, &err));
	cr_assert_eq(err, 0);
	nlrs_netdev_close(lo);
	t_pool_check();
}

Test(loopback, eventfd_readable_exactly_while_frames_wait)
{
	int err;
	cr_assert_not(fd_readable(lo->fd));
	nlrs_netdev_send(lo, t_frame(1, 64), 0);
	nlrs_netdev_send(lo, t_frame(2, 64), 0);
	cr_assert(fd_readable(lo->fd));
	nlrs_buf_free(nlrs_netdev_recv(lo, 0, &err));
	cr_assert(fd_readable(lo->fd), "one frame still queued");
	nlrs_buf_free(nlrs_netdev_recv(lo, 0, &err));
	cr_assert_not(fd_readable(lo->fd));
	nlrs_netdev_send(lo, t_frame(3, 64), 0);
	cr_assert(fd_readable(lo->fd));
	nlrs_netdev_close(lo);
	t_pool_check();
}

Test(loopback, queue_is_bounded_and_drops_beyond)
{
	struct nlrs__loopback_stats st;
	int err;
	for (unsigned i = 0; i < NLRS_LOOPBACK_QLEN; i++)
		cr_assert_eq(nlrs_netdev_send(lo, t_frame(i, 64), 0), 0);
	unsigned avail = t_pool.avail;
	cr_assert_eq(nlrs_netdev_send(lo, t_frame(9999, 64), 0), -NLRS_ENOBUFS);
	cr_assert_eq(t_pool.avail, avail, "the dropped frame was freed");
	nlrs__loopback_stats(lo, &st);
	cr_assert_eq(st.queue_full, 1);
	cr_assert_eq(st.queued, NLRS_LOOPBACK_QLEN);
	struct nlrs_buf *r = nlrs_netdev_recv(lo, 0, &err);
	cr_assert(t_frame_ok(r, 0, 64));
	nlrs_buf_free(r);
	cr_assert_eq(nlrs_netdev_send(lo, t_frame(1024, 64), 0), 0, "room again");
	nlrs_netdev_close(lo); /* frees the rest of the queue */
	t_pool_check();
}

Test(loopback, shared_frame_is_queued_as_a_private_copy)
{
	int err;
	struct nlrs_buf *b = t_frame(7, 64);
	cr_assert_eq(nlrs_netdev_send(lo, nlrs_buf_ref(b), 0), 0);
	cr_assert_eq(nlrs_netdev_send(lo, nlrs_buf_ref(b), 0), 0);
	cr_assert_eq(b->refcnt, 1, "the device let go of the sender's frame");
	for (int i = 0; i < 2; i++) {
		struct nlrs_buf *r = nlrs_netdev_recv(lo, 0, &err);
		cr_assert_not_null(r);
		cr_assert_neq(r, b);
		cr_assert(t_frame_ok(r, 7, 64));
		cr_assert_eq(r->refcnt, 1);
		nlrs_buf_free(r);
	}
	cr_assert_null(nlrs_netdev_recv(lo, 0, &err));
	nlrs_buf_free(b);
	nlrs_netdev_close(lo);
	t_pool_check();
}

Test(loopback, unshared_frame_is_handed_up_without_copy)
{
	int err;
	struct nlrs_buf *b = t_frame(9, 100);
	nlrs_netdev_send(lo, b, 0);
	struct nlrs_buf *r = nlrs_netdev_recv(lo, 0, &err);
	cr_assert_eq(r, b);
	nlrs_buf_free(r);
	nlrs_netdev_close(lo);
	t_pool_check();
}
