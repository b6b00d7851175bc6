/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libnlrs_packetdrill.so: Netloom's TCP under packetdrill's --so_filename
 * interface. One stack instance, one raw-IP interface (no link header,
 * packetdrill's PACKET_LAYER_3_IP), a virtual clock owned by this object.
 * No TUN, no root, deterministic.
 *
 * The interface (packetdrill.h, so_testing.c in google/packetdrill): the
 * loaded object exports packetdrill_interface_init(flags, ifc) and fills a
 * struct of function pointers, each taking `userdata` first and otherwise
 * the Linux signature. The struct is declared again below, field for field,
 * so that nothing of packetdrill (GPL) is compiled into this file.
 *
 * Time. gettimeofday() returns the virtual clock; each call advances it
 * by 1 us (packetdrill spins on gettimeofday for the last 20 us before an
 * event), except a finished blocking call reading its end time; usleep(n)
 * advances it by n, and netdev_receive()
 * advances it, firing the stack's timers in order, until the stack emits a
 * packet or a horizon (default 1000 s) passes. Every advance goes through
 * advance(), which steps from one timer deadline to the next, so packets
 * carry the exact virtual time they were sent at.
 *
 * Threads. packetdrill runs calls the script marks as blocking
 * (`0...0.1 accept(...)`) on a second thread and expects them to really
 * sleep (it checks /proc/<tid>/stat for 'S'). The stack API never blocks:
 * a blocking call here retries its operation and in between waits on a
 * condition variable. The main thread bumps `gen` after every change it
 * makes (input, timers, time) and then waits until the blocked thread has
 * looked at that change (ack_gen) and, if the call finished, until that
 * thread has read the clock for its end time (`returning`). So virtual time
 * never runs ahead of a blocked call that has become ready, and the end
 * times packetdrill measures are exact. A blocking call made on the main
 * thread (the script did not say it blocks) has nobody to wake it: it
 * advances virtual time itself until it can complete.
 *
 * Descriptors. Each socket (and epoll instance) holds a real descriptor
 * opened on /dev/null, so numbers never collide with packetdrill's own and
 * packetdrill's libc close() of leftovers at the end is harmless. Other
 * descriptors (pipes) are passed to the real system calls.
 *
 * Flags (--so_flags, separated by ',' ';' or spaces):
 *   local_ip=A.B.C.D  the stack's address (default 192.0.2.1; give the same
 *                     as packetdrill's --local_ip)
 *   prefix=N          its prefix length (default 24); a default route
 *                     points out of the interface, so any remote works
 *   mtu=N             interface MTU (default 1500)
 *   horizon=SECONDS   how far netdev_receive looks ahead (default 1000)
 *   cc=cubic|reno|bbr congestion control (default: the stack's, CUBIC)
 *   rmem_max=N wmem_max=N rcvbuf=N sndbuf=N   the stack's tcp_* buffer
 *                     settings (nlrs_stack_config); rmem_max decides the
 *                     window scale offered (Linux: from tcp_rmem[2])
 *   seed=N            seed of the randomness (ISNs, ports; default fixed)
 *   verbose           log each call to stderr
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "nlrs/buf.h"
#include "nlrs/errno.h"
#include "nlrs/socket.h"
#include "nlrs/stack.h"

/* ---- the interface, as packetdrill lays it out ---- */

struct pd_interface {
	void *userdata;
	void (*free)(void *userdata);
	int (*socket)(void *userdata, int domain, int type, int protocol);
	int (*bind)(void *userdata, int sockfd, const struct sockaddr *addr, socklen_t addrlen);
	int (*listen)(void *userdata, int sockfd, int backlog);
	int (*accept)(void *userdata, int sockfd, struct sockaddr *addr, socklen_t *addrlen);
	int (*connect)(void *userdata, int sockfd, const struct sockaddr *addr, socklen_t addrlen);
	ssize_t (*read)(void *userdata, int fd, void *buf, size_t count);
	ssize_t (*readv)(void *userdata, int fd, const struct iovec *iov, int iovcnt);
	ssize_t (*recv)(void *userdata, int sockfd, void *buf, size_t len, int flags);
	ssize_t (*recvfrom)(void *userdata, int sockfd, void *buf, size_t len, int flags,
			    struct sockaddr *src_addr, socklen_t *addrlen);
	ssize_t (*recvmsg)(void *userdata, int sockfd, struct msghdr *msg, int flags);
	ssize_t (*write)(void *userdata, int fd, const void *buf, size_t count);
	ssize_t (*writev)(void *userdata, int fd, const struct iovec *iov, int iovcnt);
	ssize_t (*send)(void *userdata, int sockfd, const void *buf, size_t len, int flags);
	ssize_t (*sendto)(void *userdata, int sockfd, const void *buf, size_t len, int flags,
			  const struct sockaddr *dest_addr, socklen_t addrlen);
	ssize_t (*sendmsg)(void *userdata, int sockfd, const struct msghdr *msg, int flags);
	int (*fcntl)(void *userdata, int fd, int cmd, ...);
	int (*ioctl)(void *userdata, int fd, unsigned long request, ...);
	int (*close)(void *userdata, int fd);
	int (*shutdown)(void *userdata, int sockfd, int how);
	int (*getsockopt)(void *userdata, int sockfd, int level, int optname, void *optval,
			  socklen_t *optlen);
	int (*setsockopt)(void *userdata, int sockfd, int level, int optname, const void *optval,
			  socklen_t optlen);
	int (*poll)(void *userdata, struct pollfd *fds, nfds_t nfds, int timeout);
	int (*netdev_send)(void *userdata, const void *buf, size_t count);
	int (*netdev_receive)(void *userdata, void *buf, size_t *count, long long *time_usecs);
	int (*usleep)(void *userdata, useconds_t usec);
	int (*gettimeofday)(void *userdata, struct timeval *tv, void *tz);
	int (*epoll_create)(void *userdata, int size);
	int (*epoll_ctl)(void *userdata, int epfd, int op, int fd, struct epoll_event *event);
	int (*epoll_wait)(void *userdata, int epfd, struct epoll_event *events, int maxevents,
			  int timeout);
	int (*pipe)(void *userdata, int pipefd[2]);
	int (*splice)(void *userdata, int fd_in, loff_t *off_in, int fd_out, loff_t *off_out,
		      size_t len, unsigned int flags);
};

void packetdrill_interface_init(const char *flags, struct pd_interface *ifc);

/* ---- state ---- */

#define PD_MAXFD 4096
#define PD_EPOLL_MAX 64
#define PD_TICK 1u                 /* us added by each main-thread gettimeofday */
#define PD_SYNC_WAIT_SEC 2         /* real seconds to wait for the blocked thread */

enum fd_kind { FD_NONE, FD_SOCK, FD_EPOLL };

struct ep_item {
	int fd;
	uint32_t events;
	uint64_t data;
};

struct fdent {
	uint8_t kind;
	bool nonblock;
	int sd;
	int type;
	struct ep_item *ep; /* FD_EPOLL: PD_EPOLL_MAX items */
	unsigned nep;
};

struct outpkt {
	struct outpkt *next;
	nlrs_time_t at;
	size_t len;
	uint8_t data[];
};

struct pd {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t main_thread;
	struct nlrs_stack *s;
	void *mem;
	int ifx;
	nlrs_time_t now;
	nlrs_time_t horizon;
	uint64_t rnd;
	bool verbose;
	struct outpkt *qhead, *qtail;
	/* blocked-call handshake, see the top comment */
	uint64_t gen, ack_gen;
	bool in_block, returning;
	pthread_t returning_thread;
	nlrs_time_t wake_at; /* a blocked call's deadline (poll timeout) */
	struct fdent fds[PD_MAXFD];
};

/* ---- plumbing ---- */

static void pd_log(struct pd *pd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pd_log(struct pd *pd, const char *fmt, ...)
{
	if (!pd->verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "nlrs-pd %llu.%06llu: ", (unsigned long long)(pd->now / 1000000u),
		(unsigned long long)(pd->now % 1000000u));
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int fail(int nlrs_err)
{
	errno = nlrs_err; /* NLRS_E* carry the Linux values (nlrs/errno.h) */
	return -1;
}

static bool on_main(const struct pd *pd)
{
	return pthread_equal(pthread_self(), pd->main_thread) != 0;
}

static void rnd_fill(void *ctx, void *out, size_t len)
{
	struct pd *pd = ctx;
	uint8_t *o = out;
	for (size_t i = 0; i < len; i++) {
		pd->rnd ^= pd->rnd << 13;
		pd->rnd ^= pd->rnd >> 7;
		pd->rnd ^= pd->rnd << 17;
		o[i] = (uint8_t)(pd->rnd >> 24);
	}
}

/* The stack transmits: keep a copy, stamped with the virtual time. */
static int xmit(void *ctx, struct nlrs_buf *frame)
{
	struct pd *pd = ctx;
	size_t len = frame->tot_len;
	struct outpkt *p = malloc(sizeof(*p) + len);
	if (!p) {
		nlrs_buf_free(frame);
		return -NLRS_ENOMEM;
	}
	p->next = NULL;
	p->at = pd->now;
	p->len = nlrs_buf_copy_out(frame, 0, p->data, len);
	nlrs_buf_free(frame);
	if (pd->qtail)
		pd->qtail->next = p;
	else
		pd->qhead = p;
	pd->qtail = p;
	return 0;
}

static void abs_deadline(struct timespec *ts, int secs)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += secs;
}

/* Main thread, mu held: something changed; wait until a blocked call has
 * seen it and, if it finished, has read its end time. */
static void sync_waiter(struct pd *pd)
{
	if (!on_main(pd))
		return;
	struct timespec until;
	abs_deadline(&until, PD_SYNC_WAIT_SEC);
	while ((pd->in_block && pd->ack_gen != pd->gen) || pd->returning) {
		if (pthread_cond_timedwait(&pd->cv, &pd->mu, &until) == ETIMEDOUT) {
			fprintf(stderr, "nlrs-pd: blocked call did not react within %d s\n",
				PD_SYNC_WAIT_SEC);
			pd->returning = false;
			pd->ack_gen = pd->gen;
			break;
		}
	}
}

static void notify(struct pd *pd)
{
	pd->gen++;
	pthread_cond_broadcast(&pd->cv);
	sync_waiter(pd);
}

/* Run the stack's timers up to `target`, one deadline at a time (and a
 * blocked call's deadline), then set the clock to target. With
 * stop_on_packet, stop as soon as a packet is queued. */
static void advance(struct pd *pd, nlrs_time_t target, bool stop_on_packet)
{
	unsigned spins = 0;
	for (;;) {
		nlrs_time_t next = nlrs_stack_poll(pd->s, pd->now);
		notify(pd);
		if (stop_on_packet && pd->qhead)
			return;
		if (pd->wake_at != NLRS_TIME_NEVER && pd->wake_at > pd->now && pd->wake_at < next)
			next = pd->wake_at;
		if (next <= pd->now) {
			/* the stack wants another poll at once; bounded */
			if (++spins < 64)
				continue;
			next = pd->now + 1;
		}
		spins = 0;
		if (next == NLRS_TIME_NEVER || next > target) {
			if (stop_on_packet && next == NLRS_TIME_NEVER)
				return; /* nothing will ever come */
			break;
		}
		pd->now = next;
	}
	if (target > pd->now)
		pd->now = target;
	nlrs_stack_poll(pd->s, pd->now);
	notify(pd);
}

/* A call that would block. Returns 0 to retry the operation, or -1 when
 * blocking is over (deadline passed or nothing will ever change).
 * Non-main thread: wait for the next change. Main thread: move virtual time
 * to the next timer (nobody else would). */
static int block_once(struct pd *pd, nlrs_time_t deadline)
{
	if (pd->now >= deadline)
		return -1;
	if (on_main(pd)) {
		nlrs_time_t next = nlrs_stack_poll(pd->s, pd->now);
		if (next == NLRS_TIME_NEVER && deadline == NLRS_TIME_NEVER) {
			fprintf(stderr, "nlrs-pd: a blocking call on the main thread would "
					"wait forever; returning EAGAIN\n");
			return -1;
		}
		nlrs_time_t to = next <= pd->now ? pd->now + 1 : next;
		if (to > deadline)
			to = deadline;
		if (to > pd->now + pd->horizon)
			return -1;
		advance(pd, to, false);
		return 0;
	}
	uint64_t g = pd->gen;
	pd->in_block = true;
	nlrs_time_t saved_wake = pd->wake_at;
	if (deadline < pd->wake_at)
		pd->wake_at = deadline;
	pd->ack_gen = g;
	pthread_cond_broadcast(&pd->cv);
	while (pd->gen == g)
		pthread_cond_wait(&pd->cv, &pd->mu);
	pd->wake_at = saved_wake;
	return 0;
}

/* The blocking call is done (whatever the result): main waits for our
 * clock read. Only if we really blocked. */
static void block_done(struct pd *pd)
{
	if (!pd->in_block || on_main(pd))
		return;
	pd->in_block = false;
	pd->returning = true;
	pd->returning_thread = pthread_self();
	pthread_cond_broadcast(&pd->cv);
}

static struct fdent *sockent(struct pd *pd, int fd)
{
	if (fd < 0 || fd >= PD_MAXFD || pd->fds[fd].kind != FD_SOCK)
		return NULL;
	return &pd->fds[fd];
}

/* Wait for a change on behalf of the socket entry e (see block_once); -1
 * also when another thread closed the descriptor meanwhile. */
static int block_on(struct pd *pd, struct fdent *e, nlrs_time_t deadline)
{
	int sd = e->sd;
	if (block_once(pd, deadline))
		return -1;
	return e->kind == FD_SOCK && e->sd == sd ? 0 : -1;
}

static int reserve_fd(struct pd *pd, uint8_t kind)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fd >= PD_MAXFD) {
		close(fd);
		errno = EMFILE;
		return -1;
	}
	memset(&pd->fds[fd], 0, sizeof(pd->fds[fd]));
	pd->fds[fd].kind = kind;
	pd->fds[fd].sd = -1;
	return fd;
}

static void release_fd(struct pd *pd, int fd)
{
	free(pd->fds[fd].ep);
	memset(&pd->fds[fd], 0, sizeof(pd->fds[fd]));
	close(fd);
}

static int sa_to_ep(const struct sockaddr *sa, socklen_t len, struct nlrs_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	if (!sa || len < sizeof(sa_family_t))
		return -NLRS_EINVAL;
	if (sa->sa_family == AF_UNSPEC)
		return 0;
	if (sa->sa_family == AF_INET6)
		return -NLRS_EAFNOSUPPORT;
	if (sa->sa_family != AF_INET || len < sizeof(struct sockaddr_in))
		return -NLRS_EINVAL;
	struct sockaddr_in sin;
	memcpy(&sin, sa, sizeof(sin));
	ep->family = NLRS_AF_INET;
	ep->port = ntohs(sin.sin_port);
	ep->v4 = ntohl(sin.sin_addr.s_addr);
	return 0;
}

static void ep_to_sa(const struct nlrs_endpoint *ep, struct sockaddr *sa, socklen_t *len)
{
	if (!sa || !len)
		return;
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(ep->port);
	sin.sin_addr.s_addr = htonl(ep->v4);
	size_t n = *len < sizeof(sin) ? *len : sizeof(sin);
	memcpy(sa, &sin, n);
	*len = sizeof(sin);
}

#define LOCK(pd) pthread_mutex_lock(&(pd)->mu)
#define UNLOCK(pd) pthread_mutex_unlock(&(pd)->mu)

/* ---- sockets ---- */

static int pd_socket(void *ud, int domain, int type, int protocol)
{
	struct pd *pd = ud;
	if (domain == AF_INET6)
		return fail(NLRS_EAFNOSUPPORT); /* the stack has no IPv6 yet */
	if (domain != AF_INET)
		return fail(NLRS_EAFNOSUPPORT);
	bool nb = (type & SOCK_NONBLOCK) != 0;
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int t = base == SOCK_STREAM ? NLRS_SOCK_STREAM
		: base == SOCK_DGRAM ? NLRS_SOCK_DGRAM
		: base == SOCK_RAW ? NLRS_SOCK_RAW : -1;
	if (t < 0)
		return fail(NLRS_EPROTONOSUPPORT);
	LOCK(pd);
	int sd = nlrs_sock_open(pd->s, NLRS_AF_INET, t, protocol);
	int fd = -1;
	if (sd < 0) {
		fail(-sd);
	} else {
		fd = reserve_fd(pd, FD_SOCK);
		if (fd < 0) {
			nlrs_sock_close(pd->s, sd);
		} else {
			pd->fds[fd].sd = sd;
			pd->fds[fd].type = t;
			pd->fds[fd].nonblock = nb;
		}
	}
	pd_log(pd, "socket() = %d (sd %d)", fd, sd);
	UNLOCK(pd);
	return fd;
}

static int pd_bind(void *ud, int fd, const struct sockaddr *addr, socklen_t len)
{
	struct pd *pd = ud;
	struct nlrs_endpoint ep;
	int r = sa_to_ep(addr, len, &ep);
	if (r < 0)
		return fail(-r);
	LOCK(pd);
	struct fdent *e = sockent(pd, fd);
	r = e ? nlrs_sock_bind(pd->s, e->sd, &ep) : -NLRS_ENOTSOCK;
	UNLOCK(pd);
	return r < 0 ? fail(-r) : 0;
}

static int pd_listen(void *ud, int fd, int backlog)
{
	struct pd *pd = ud;
	LOCK(pd);
	struct fdent *e = sockent(pd, fd);
	int r = e ? nlrs_sock_listen(pd->s, e->sd, backlog < 1 ? 1 : backlog) : -NLRS_ENOTSOCK;
	notify(pd);
	UNLOCK(pd);
	return r < 0 ? fail(-r) : 0;
}

static int pd_accept(void *ud, int fd, struct sockaddr *addr, socklen_t *len)
{
	struct pd *pd = ud;
	LOCK(pd);
	struct fdent *e = sockent(pd, fd);
	int r;
	struct nlrs_endpoint peer;
	for (;;) {
		r = e ? nlrs_sock_accept(pd->s, e->sd, &peer) : -NLRS_ENOTSOCK;
		if (r != -NLRS_EAGAIN || e->nonblock || block_on(pd, e, NLRS_TIME_NEVER))
			break;
	}
	block_done(pd);
	int nfd = -1;
	if (r >= 0) {
		nfd = reserve_fd(pd, FD_SOCK);
		if (nfd < 0) {
			nlrs_sock_close(pd->s, r);
		} else {
			pd->fds[nfd].sd = r;
			pd->fds[nfd].type = NLRS_SOCK_STREAM;
			ep_to_sa(&peer, addr, len);
		}
	} else {
		fail(-r);
	}
	pd_log(pd, "accept(%d) = %d", fd, nfd);
	UNLOCK(pd);
	return nfd;
}

static int pd_connect(void *ud, int fd, const struct sockaddr *addr, socklen_t len)
{
	struct pd *pd = ud;
	struct nlrs_endpoint ep;
	int r = sa_to_ep(addr, len, &ep);
	if (r < 0)
		return fail(-r);
	LOCK(pd);
	struct fdent *e = sockent(pd, fd);
	r = e ? nlrs_sock_connect(pd->s, e->sd, &ep) : -NLRS_ENOTSOCK;
	notify(pd);
	if (r == -NLRS_EINPROGRESS && !e->nonblock) {
		for (;;) {
			unsigned ev = nlrs_sock_events(pd->s, e->sd);
			if (ev & (NLRS_EV_WRITE | NLRS_EV_ERROR | NLRS_EV_HUP))
				break;
			if (block_on(pd, e, NLRS_TIME_NEVER))
				break;
		}
		block_done(pd);
		int err = 0;
		if (e->kind != FD_SOCK) {
			r = -NLRS_EBADF; /* closed by another thread meanwhile */
		} else {
			nlrs_sock_getopt(pd->s, e->sd, NLRS_SO_ERROR, &err);
			r = err ? -err : 0;
			if (!err && !(nlrs_sock_events(pd->s, e->sd) & NLRS_EV_WRITE))
				r = -NLRS_EINPROGRESS;
		}
	}
	pd_log(pd, "connect(%d) = %d", fd, r);
	UNLOCK(pd);
	return r < 0 ? fail(-r) : 0;
}

/* ---- data ---- */

static size_t iov_total(const struct iovec *iov, int n)
{
	size_t t = 0;
	for (int i = 0; i < n; i++)
		t += iov[i].iov_len;
	return t;
}

static void iov_scatter(const struct iovec *iov, int n, const uint8_t *src, size_t len)
{
	for (int i = 0; i < n && len; i++) {
		size_t k = iov[i].iov_len < len ? iov[i].iov_len : len;
		memcpy(iov[i].iov_base, src, k);
		src += k;
		len -= k;
	}
}

static uint8_t *iov_gather(const struct iovec *iov, int n, size_t *len)
{
	*len = iov_total(iov, n);
	uint8_t *b = malloc(*len ? *len : 1);
	if (!b)
		return NULL;
	size_t off = 0;
	for (int i = 0; i < n; i++) {
		memcpy(b + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	return b;
}

/* The common send path. */
static ssize_t do_send(struct pd *pd, int fd, const uint8_t *data, size_t len, int flags,
		       const struct sockaddr *to, socklen_t tolen)
{
	struct nlrs_endpoint ep;
	if (to) {
		int r = sa_to_ep(to, tolen, &ep);
		if (r < 0)
			return fail(-r);
	}
	LOCK(pd);
	struct fdent *e = sockent(pd, fd);
	if (!e) {
		UNLOCK(pd);
		return fail(NLRS_ENOTSOCK);
	}
	bool nb = e->nonblock || (flags & MSG_DONTWAIT);
	unsigned f = (flags & MSG_MORE) ? NLRS_MSG_MORE : 0;
	ssize_t done = 0;
	int r = 0;
	if (e->type != NLRS_SOCK_STREAM) {
		r = to ? nlrs_sock_sendto(pd->s, e->sd, data, len, &ep)
		       : nlrs_sock_send(pd->s, e->sd, data, len, f);
		done = r > 0 ? r : 0;
	} else {
		for (;;) {
			r = nlrs_sock_send(pd->s, e->sd, data + done, len - (size_t)done, f);
			if (r > 0)
				done += r;
			pd_log(pd, "send(%d): %zd of %zu queued (%d)", fd, done, len, r);
			if ((size_t)done == len && (len > 0 || r >= 0))
				break;
			if (r < 0 && r != -NLRS_EAGAIN)
				break;
			if (nb)
				break;
			notify(pd);
			if (block_on(pd, e, NLRS_TIME_NEVER))
				break;
		}
		block_done(pd);
	}
	notify(pd);
	pd_log(pd, "send(%d, %zu) = %zd (%d)", fd, len, done, r);
	UNLOCK(pd);
	if (done > 0 || (len == 0 && r >= 0))
		return done;
	return fail(r < 0 ? -r : NLRS_EAGAIN);
}

/* The common receive path. */
static ssize_t do_recv(struct pd *pd, int fd, uint8_t *buf, size_t len, int flags,
		       struct sockaddr *from, socklen_t *fromlen, int *msg_flags)
{
	LOCK(pd);
	struct fdent *e = sockent(pd, fd);
	if (!e) {
		UNLOCK(pd);
		return fail(NLRS_ENOTSOCK);
	}
	bool nb = e->nonblock || (flags & MSG_DONTWAIT);
	unsigned f = 0;
	if (flags & MSG_PEEK)
		f |= NLRS_MSG_PEEK;
	if ((flags & MSG_WAITALL) && !nb)
		f |= NLRS_MSG_WAITALL;
	if (flags & MSG_TRUNC)
		f |= NLRS_MSG_TRUNC;
	struct nlrs_endpoint src;
	memset(&src, 0, sizeof(src));
	int r;
	for (;;) {
		if (e->type == NLRS_SOCK_STREAM)
			r = nlrs_sock_recv(pd->s, e->sd, buf, len, f);
		else
			r = nlrs_sock_recvfrom(pd->s, e->sd, buf, len, &src, f);
		if (r != -NLRS_EAGAIN || nb)
			break;
		if (f & NLRS_MSG_WAITALL) {
			/* the stack wants len bytes at once; end of stream or an
			 * error ends the wait with what is there */
			unsigned ev = nlrs_sock_events(pd->s, e->sd);
			if (ev & (NLRS_EV_RDHUP | NLRS_EV_ERROR | NLRS_EV_HUP)) {
				f &= ~NLRS_MSG_WAITALL;
				continue;
			}
		}
		if (block_on(pd, e, NLRS_TIME_NEVER))
			break;
	}
	block_done(pd);
	if (r >= 0 && e->type != NLRS_SOCK_STREAM)
		ep_to_sa(&src, from, fromlen);
	else if (r >= 0 && from && fromlen) {
		struct nlrs_endpoint peer;
		if (nlrs_sock_getname(pd->s, e->sd, NULL, &peer) == 0)
			ep_to_sa(&peer, from, fromlen);
	}
	if (msg_flags)
		*msg_flags = (r >= 0 && e->type != NLRS_SOCK_STREAM && (size_t)r > len) ? MSG_TRUNC : 0;
	notify(pd); /* reading may open the window: an update goes out */
	pd_log(pd, "recv(%d, %zu) = %d", fd, len, r);
	UNLOCK(pd);
	return r < 0 ? fail(-r) : r;
}

static ssize_t pd_read(void *ud, int fd, void *buf, size_t count)
{
	struct pd *pd = ud;
	LOCK(pd);
	bool ours = sockent(pd, fd) != NULL;
	UNLOCK(pd);
	if (!ours)
		return read(fd, buf, count);
	return do_recv(pd, fd, buf, count, 0, NULL, NULL, NULL);
}

static ssize_t recv_iov(struct pd *pd, int fd, const struct iovec *iov, int n, int flags,
			struct sockaddr *from, socklen_t *fromlen, int *msg_flags)
{
	size_t len = iov_total(iov, n);
	uint8_t *b = malloc(len ? len : 1);
	if (!b)
		return fail(NLRS_ENOMEM);
	ssize_t r = do_recv(pd, fd, b, len, flags, from, fromlen, msg_flags);
	if (r > 0)
		iov_scatter(iov, n, b, (size_t)r < len ? (size_t)r : len);
	free(b);
	return r;
}

static ssize_t pd_readv(void *ud, int fd, const struct iovec *iov, int iovcnt)
{
	struct pd *pd = ud;
	LOCK(pd);
	bool ours = sockent(pd, fd) != NULL;
	UNLOCK(pd);
	if (!ours)
		return readv(fd, iov, iovcnt);
	return recv_iov(pd, fd, iov, iovcnt, 0, NULL, NULL, NULL);
}

static ssize_t pd_recv(void *ud, int fd, void *buf, size_t len, int flags)
{
	return do_recv(ud, fd, buf, len, flags, NULL, NULL, NULL);
}

static ssize_t pd_recvfrom(void *ud, int fd, void *buf, size_t len, int flags,
			   struct sockaddr *from, socklen_t *fromlen)
{
	return do_recv(ud, fd, buf, len, flags, from, fromlen, NULL);
}

static ssize_t pd_recvmsg(void *ud, int fd, struct msghdr *msg, int flags)
{
	socklen_t nl = msg->msg_namelen;
	int mf = 0;
	ssize_t r = recv_iov(ud, fd, msg->msg_iov, (int)msg->msg_iovlen, flags,
			     msg->msg_name, msg->msg_name ? &nl : NULL, &mf);
	if (r >= 0) {
		msg->msg_namelen = msg->msg_name ? nl : 0;
		msg->msg_controllen = 0; /* no control messages */
		msg->msg_flags = mf;
	}
	return r;
}

static ssize_t pd_write(void *ud, int fd, const void *buf, size_t count)
{
	struct pd *pd = ud;
	LOCK(pd);
	bool ours = sockent(pd, fd) != NULL;
	UNLOCK(pd);
	if (!ours)
		return write(fd, buf, count);
	return do_send(pd, fd, buf, count, 0, NULL, 0);
}

static ssize_t send_iov(struct pd *pd, int fd, const struct iovec *iov, int n, int flags,
			const struct sockaddr *to, socklen_t tolen)
{
	size_t len;
	uint8_t *b = iov_gather(iov, n, &len);
	if (!b)
		return fail(NLRS_ENOMEM);
	ssize_t r = do_send(pd, fd, b, len, flags, to, tolen);
	free(b);
	return r;
}

static ssize_t pd_writev(void *ud, int fd, const struct iovec *iov, int iovcnt)
{
	struct pd *pd = ud;
	LOCK(pd);
	bool ours = sockent(pd, fd) != NULL;
	UNLOCK(pd);
	if (!ours)
		return writev(fd, iov, iovcnt);
	return send_iov(pd, fd, iov, iovcnt, 0, NULL, 0);
}

static ssize_t pd_send(void *ud, int fd, const void *buf, size_t len, int flags)
{
	return do_send(ud, fd, buf, len, flags, NULL, 0);
}

static ssize_t pd_sendto(void *ud, int fd, const void *buf, size_t len, int flags,
			 const struct sockaddr *to, socklen_t tolen)
{
	return do_send(ud, fd, buf, len, flags, to, tolen);
}

static ssize_t pd_sendmsg(void *ud, int fd, const struct msghdr *msg, int flags)
{
	return send_iov(ud, fd, msg->msg_iov, (int)msg->msg_iovlen, flags, msg->msg_name,
			msg->msg_namelen);
}

/* ---- control ---- */

static int pd_fcntl(void *ud, int fd, int cmd, ...)
{
	struct pd *pd = ud;
	va_list ap;
	va_start(ap, cmd);
	long arg = va_arg(ap, long);
	va_end(ap);
	LOCK(pd);
	struct fdent *e = sockent(pd, fd);
	if (!e) {
		UNLOCK(pd);
		return fcntl(fd, cmd, arg);
	}
	int r = 0;
	switch (cmd) {
	case F_GETFL:
		r = O_RDWR | (e->nonblock ? O_NONBLOCK : 0);
		break;
	case F_SETFL:
		e->nonblock = (arg & O_NONBLOCK) != 0;
		break;
	case F_GETFD:
	case F_SETFD:
		UNLOCK(pd);
		return fcntl(fd, cmd, arg);
	default:
		UNLOCK(pd);
		return fail(NLRS_EINVAL);
	}
	UNLOCK(pd);
	return r;
}

static int pd_ioctl(void *ud, int fd, unsigned long request, ...)
{
	struct pd *pd = ud;
	va_list ap;
	va_start(ap, request);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	LOCK(pd);
	struct fdent *e = sockent(pd, fd);
	if (!e) {
		UNLOCK(pd);
		return ioctl(fd, request, arg);
	}
	int r = -1;
	if (request == FIONREAD && e->type == NLRS_SOCK_STREAM) {
		/* bytes waiting: a peek into a buffer as large as the receive buffer */
		int cap = 0;
		nlrs_sock_getopt(pd->s, e->sd, NLRS_SO_RCVBUF, &cap);
		if (cap < 65536)
			cap = 65536;
		uint8_t *b = malloc((size_t)cap * 4u);
		int n = b ? nlrs_sock_recv(pd->s, e->sd, b, (size_t)cap * 4u, NLRS_MSG_PEEK) : -1;
		free(b);
		*(int *)arg = n > 0 ? n : 0;
		r = 0;
	} else if (request == FIONBIO) {
		e->nonblock = *(int *)arg != 0;
		r = 0;
	} else {
		errno = ENOTTY;
	}
	UNLOCK(pd);
	return r;
}

static int pd_close(void *ud, int fd)
{
	struct pd *pd = ud;
	LOCK(pd);
	if (fd >= 0 && fd < PD_MAXFD && pd->fds[fd].kind != FD_NONE) {
		int r = 0;
		if (pd->fds[fd].kind == FD_SOCK)
			r = nlrs_sock_close(pd->s, pd->fds[fd].sd);
		release_fd(pd, fd);
		notify(pd);
		pd_log(pd, "close(%d) = %d", fd, r);
		UNLOCK(pd);
		return r < 0 ? fail(-r) : 0;
	}
	UNLOCK(pd);
	return close(fd);
}

static int pd_shutdown(void *ud, int fd, int how)
{
	struct pd *pd = ud;
	LOCK(pd);
	struct fdent *e = sockent(pd, fd);
	int r = e ? nlrs_sock_shutdown(pd->s, e->sd, how) : -NLRS_ENOTSOCK;
	notify(pd);
	UNLOCK(pd);
	return r < 0 ? fail(-r) : 0;
}

/* Linux option -> stack option, for plain int options. */
struct optmap {
	int level, name;
	enum nlrs_sockopt opt;
};

static const struct optmap optmap[] = {
	{ SOL_SOCKET, SO_RCVBUF, NLRS_SO_RCVBUF },
	{ SOL_SOCKET, SO_SNDBUF, NLRS_SO_SNDBUF },
	{ SOL_SOCKET, SO_BROADCAST, NLRS_SO_BROADCAST },
	{ SOL_SOCKET, SO_ERROR, NLRS_SO_ERROR },
	{ SOL_SOCKET, SO_KEEPALIVE, NLRS_SO_KEEPALIVE },
	{ SOL_SOCKET, SO_REUSEADDR, NLRS_SO_REUSEADDR },
	{ SOL_SOCKET, SO_ACCEPTCONN, NLRS_SO_ACCEPTCONN },
	{ SOL_SOCKET, SO_TYPE, NLRS_SO_TYPE },
	{ IPPROTO_IP, IP_TTL, NLRS_IP_TTL },
	{ IPPROTO_IP, IP_HDRINCL, NLRS_IP_HDRINCL },
	{ IPPROTO_TCP, TCP_NODELAY, NLRS_TCP_NODELAY },
	{ IPPROTO_TCP, TCP_CORK, NLRS_TCP_CORK },
	{ IPPROTO_TCP, TCP_QUICKACK, NLRS_TCP_QUICKACK },
	{ IPPROTO_TCP, TCP_KEEPIDLE, NLRS_TCP_KEEPIDLE },
	{ IPPROTO_TCP, TCP_KEEPINTVL, NLRS_TCP_KEEPINTVL },
	{ IPPROTO_TCP, TCP_KEEPCNT, NLRS_TCP_KEEPCNT },
	{ IPPROTO_TCP, TCP_USER_TIMEOUT, NLRS_TCP_USER_TIMEOUT },
	{ IPPROTO_TCP, TCP_MAXSEG, NLRS_TCP_MAXSEG },
	{ IPPROTO_TCP, TCP_SYNCNT, NLRS_TCP_SYNCNT },
	{ IPPROTO_TCP, TCP_DEFER_ACCEPT, NLRS_TCP_DEFER_ACCEPT },
};

static const struct optmap *find_opt(int level, int name)
{
	for (size_t i = 0; i < sizeof(optmap) / sizeof(optmap[0]); i++)
		if (optmap[i].level == level && optmap[i].name == name)
			return &optmap[i];
	return NULL;
}

static const char *const cc_names[] = { "cubic", "reno", "bbr" };

static uint32_t segs(uint32_t bytes, uint32_t mss)
{
	return mss ? (bytes + mss - 1) / mss : 0;
}

static int get_tcp_info(struct pd *pd, int sd, void *optval, socklen_t *optlen)
{
	struct nlrs_tcp_info ni;
	int r = nlrs_tcp_info(pd->s, sd, &ni);
	if (r < 0)
		return r;
	struct tcp_info ti;
	memset(&ti, 0, sizeof(ti));
	uint32_t mss = ni.snd_mss ? ni.snd_mss : 536;
	ti.tcpi_state = ni.state;
	ti.tcpi_ca_state = ni.ca_state;
	ti.tcpi_retransmits = ni.retransmits;
	ti.tcpi_backoff = ni.backoff;
	ti.tcpi_options = ni.options; /* same bits as Linux's TCPI_OPT_* */
	ti.tcpi_snd_wscale = ni.snd_wscale & 15u;
	ti.tcpi_rcv_wscale = ni.rcv_wscale & 15u;
	ti.tcpi_rto = ni.rto;
	ti.tcpi_snd_mss = ni.snd_mss;
	ti.tcpi_rcv_mss = ni.rcv_mss;
	/* Linux counts these in segments */
	ti.tcpi_unacked = segs(ni.unacked, mss);
	ti.tcpi_sacked = segs(ni.sacked, mss);
	ti.tcpi_lost = segs(ni.lost, mss);
	ti.tcpi_retrans = segs(ni.retrans, mss);
	ti.tcpi_pmtu = ni.pmtu;
	ti.tcpi_rtt = ni.rtt;
	ti.tcpi_rttvar = ni.rttvar;
	ti.tcpi_snd_ssthresh = ni.snd_ssthresh >= 0x7fffffffu / 2 ? 0x7fffffffu
							      : ni.snd_ssthresh / mss;
	ti.tcpi_snd_cwnd = ni.snd_cwnd / mss;
	ti.tcpi_advmss = ni.rcv_mss;
	ti.tcpi_total_retrans = ni.total_retrans;
	ti.tcpi_pacing_rate = ni.pacing_rate;
	ti.tcpi_bytes_acked = ni.bytes_acked;
	ti.tcpi_bytes_received = ni.bytes_received;
	ti.tcpi_segs_out = (uint32_t)ni.segs_out;
	ti.tcpi_segs_in = (uint32_t)ni.segs_in;
	ti.tcpi_min_rtt = ni.min_rtt;
	ti.tcpi_delivery_rate = ni.delivery_rate;
	ti.tcpi_bytes_sent = ni.bytes_sent;
	ti.tcpi_bytes_retrans = ni.bytes_retrans;
	ti.tcpi_snd_wnd = ni.snd_wnd;
	size_t n = *optlen < sizeof(ti) ? *optlen : sizeof(ti);
	memcpy(optval, &ti, n);
	*optlen = (socklen_t)n;
	return 0;
}

static int pd_getsockopt(void *ud, int fd, int level, int name, void *optval, socklen_t *optlen)
{
	struct pd *pd = ud;
	if (!optval || !optlen)
		return fail(NLRS_EFAULT);
	LOCK(pd);
	struct fdent *e = sockent(pd, fd);
	int r, v = 0;
	if (!e) {
		r = -NLRS_ENOTSOCK;
	} else if (level == IPPROTO_TCP && name == TCP_INFO) {
		r = get_tcp_info(pd, e->sd, optval, optlen);
		UNLOCK(pd);
		return r < 0 ? fail(-r) : 0;
	} else if (level == IPPROTO_TCP && name == TCP_CONGESTION) {
		r = nlrs_sock_getopt(pd->s, e->sd, NLRS_TCP_CONGESTION, &v);
		if (r == 0) {
			const char *n = v >= 0 && v < 3 ? cc_names[v] : "?";
			size_t k = strlen(n) + 1;
			if (k > *optlen)
				k = *optlen;
			memcpy(optval, n, k);
			*optlen = (socklen_t)k;
		}
		UNLOCK(pd);
		return r < 0 ? fail(-r) : 0;
	} else if (level == SOL_SOCKET && name == SO_LINGER) {
		r = nlrs_sock_getopt(pd->s, e->sd, NLRS_SO_LINGER, &v);
		if (r == 0) {
			struct linger l = { .l_onoff = v >= 0, .l_linger = v >= 0 ? v : 0 };
			size_t k = *optlen < sizeof(l) ? *optlen : sizeof(l);
			memcpy(optval, &l, k);
			*optlen = (socklen_t)k;
		}
		UNLOCK(pd);
		return r < 0 ? fail(-r) : 0;
	} else if (level == SOL_SOCKET && (name == SO_DOMAIN || name == SO_PROTOCOL)) {
		v = name == SO_DOMAIN ? AF_INET
				      : e->type == NLRS_SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
		r = 0;
	} else {
		const struct optmap *m = find_opt(level, name);
		r = m ? nlrs_sock_getopt(pd->s, e->sd, m->opt, &v) : -NLRS_ENOPROTOOPT;
		if (r == 0 && m->opt == NLRS_SO_TYPE)
			v = v == NLRS_SOCK_STREAM ? SOCK_STREAM
			    : v == NLRS_SOCK_DGRAM ? SOCK_DGRAM : SOCK_RAW;
	}
	if (r == 0) {
		size_t k = *optlen < sizeof(v) ? *optlen : sizeof(v);
		memcpy(optval, &v, k);
		*optlen = (socklen_t)k;
	}
	UNLOCK(pd);
	return r < 0 ? fail(-r) : 0;
}

static int pd_setsockopt(void *ud, int fd, int level, int name, const void *optval,
			 socklen_t optlen)
{
	struct pd *pd = ud;
	LOCK(pd);
	struct fdent *e = sockent(pd, fd);
	int r, v = 0;
	if (!e) {
		r = -NLRS_ENOTSOCK;
	} else if (!optval) {
		r = -NLRS_EFAULT;
	} else if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger l;
		if (optlen < sizeof(l)) {
			r = -NLRS_EINVAL;
		} else {
			memcpy(&l, optval, sizeof(l));
			r = nlrs_sock_setopt(pd->s, e->sd, NLRS_SO_LINGER,
					     l.l_onoff ? (l.l_linger < 0 ? 0 : l.l_linger) : -1);
		}
	} else if (level == IPPROTO_TCP && name == TCP_CONGESTION) {
		char n[16] = { 0 };
		memcpy(n, optval, optlen < sizeof(n) - 1 ? optlen : sizeof(n) - 1);
		r = -NLRS_ENOENT; /* Linux: unknown algorithm */
		for (int i = 0; i < 3; i++)
			if (!strcmp(n, cc_names[i]))
				r = nlrs_sock_setopt(pd->s, e->sd, NLRS_TCP_CONGESTION, i);
	} else if (level == SOL_SOCKET && name == SO_REUSEPORT) {
		r = 0; /* accepted and ignored, as by the client library */
	} else {
		const struct optmap *m = find_opt(level, name);
		if (!m) {
			r = -NLRS_ENOPROTOOPT;
		} else if (optlen < sizeof(int)) {
			r = -NLRS_EINVAL;
		} else {
			memcpy(&v, optval, sizeof(v));
			r = nlrs_sock_setopt(pd->s, e->sd, m->opt, v);
		}
	}
	notify(pd);
	UNLOCK(pd);
	return r < 0 ? fail(-r) : 0;
}

/* ---- readiness ---- */

static uint32_t ready_bits(struct pd *pd, int fd, uint32_t want)
{
	struct fdent *e = sockent(pd, fd);
	if (!e)
		return POLLNVAL;
	unsigned ev = nlrs_sock_events(pd->s, e->sd);
	pd_log(pd, "events(%d) = %#x", fd, ev);
	uint32_t r = 0;
	if (ev & NLRS_EV_READ)
		r |= POLLIN | POLLRDNORM;
	if (ev & NLRS_EV_WRITE)
		r |= POLLOUT | POLLWRNORM;
	if (ev & NLRS_EV_ERROR)
		r |= POLLERR;
	if (ev & NLRS_EV_HUP)
		r |= POLLHUP;
	if (ev & NLRS_EV_RDHUP)
		r |= POLLRDHUP | POLLIN | POLLRDNORM;
	/* errors and hang-ups are always reported */
	return r & (want | POLLERR | POLLHUP);
}

static nlrs_time_t deadline_ms(struct pd *pd, int timeout)
{
	return timeout < 0 ? NLRS_TIME_NEVER : pd->now + NLRS_MSEC(timeout);
}

static int pd_poll(void *ud, struct pollfd *fds, nfds_t nfds, int timeout)
{
	struct pd *pd = ud;
	LOCK(pd);
	nlrs_time_t until = deadline_ms(pd, timeout);
	int n;
	for (;;) {
		n = 0;
		for (nfds_t i = 0; i < nfds; i++) {
			fds[i].revents = (short)ready_bits(pd, fds[i].fd, (uint16_t)fds[i].events);
			if (fds[i].revents)
				n++;
		}
		if (n || timeout == 0 || block_once(pd, until))
			break;
	}
	block_done(pd);
	UNLOCK(pd);
	return n;
}

static int pd_epoll_create(void *ud, int size)
{
	struct pd *pd = ud;
	if (size <= 0)
		return fail(NLRS_EINVAL);
	LOCK(pd);
	int fd = reserve_fd(pd, FD_EPOLL);
	if (fd >= 0) {
		pd->fds[fd].ep = calloc(PD_EPOLL_MAX, sizeof(struct ep_item));
		if (!pd->fds[fd].ep) {
			release_fd(pd, fd);
			fd = fail(NLRS_ENOMEM);
		}
	}
	UNLOCK(pd);
	return fd;
}

static int pd_epoll_ctl(void *ud, int epfd, int op, int fd, struct epoll_event *event)
{
	struct pd *pd = ud;
	LOCK(pd);
	int r = 0;
	if (epfd < 0 || epfd >= PD_MAXFD || pd->fds[epfd].kind != FD_EPOLL) {
		r = -NLRS_EBADF;
		goto out;
	}
	if (!sockent(pd, fd)) {
		r = -NLRS_EPERM; /* Linux: the target does not support epoll */
		goto out;
	}
	struct fdent *e = &pd->fds[epfd];
	unsigned i;
	for (i = 0; i < e->nep; i++)
		if (e->ep[i].fd == fd)
			break;
	if (op == EPOLL_CTL_ADD) {
		if (i < e->nep)
			r = -NLRS_EEXIST;
		else if (e->nep == PD_EPOLL_MAX)
			r = -NLRS_ENOSPC;
		else
			e->ep[e->nep++] = (struct ep_item){ fd, event->events, event->data.u64 };
	} else if (i == e->nep) {
		r = -NLRS_ENOENT;
	} else if (op == EPOLL_CTL_MOD) {
		e->ep[i].events = event->events;
		e->ep[i].data = event->data.u64;
	} else if (op == EPOLL_CTL_DEL) {
		e->ep[i] = e->ep[--e->nep];
	} else {
		r = -NLRS_EINVAL;
	}
out:
	UNLOCK(pd);
	return r < 0 ? fail(-r) : 0;
}

static int pd_epoll_wait(void *ud, int epfd, struct epoll_event *events, int maxevents,
			 int timeout)
{
	struct pd *pd = ud;
	if (maxevents <= 0)
		return fail(NLRS_EINVAL);
	LOCK(pd);
	if (epfd < 0 || epfd >= PD_MAXFD || pd->fds[epfd].kind != FD_EPOLL) {
		UNLOCK(pd);
		return fail(NLRS_EBADF);
	}
	struct fdent *e = &pd->fds[epfd];
	nlrs_time_t until = deadline_ms(pd, timeout);
	int n;
	for (;;) {
		/* level-triggered; EPOLLET and EPOLLONESHOT are not modelled */
		n = 0;
		for (unsigned i = 0; i < e->nep && n < maxevents; i++) {
			uint32_t r = ready_bits(pd, e->ep[i].fd, e->ep[i].events);
			if (r) {
				events[n].events = r;
				events[n].data.u64 = e->ep[i].data;
				n++;
			}
		}
		if (n || timeout == 0 || block_once(pd, until))
			break;
	}
	block_done(pd);
	UNLOCK(pd);
	return n;
}

static int pd_pipe(void *ud, int pipefd[2])
{
	(void)ud;
	return pipe(pipefd);
}

static int pd_splice(void *ud, int fd_in, loff_t *off_in, int fd_out, loff_t *off_out,
		     size_t len, unsigned int flags)
{
	(void)ud, (void)fd_in, (void)off_in, (void)fd_out, (void)off_out, (void)len, (void)flags;
	return fail(NLRS_EINVAL); /* the stack has no splice */
}

/* ---- the wire and the clock ---- */

static int pd_netdev_send(void *ud, const void *buf, size_t count)
{
	struct pd *pd = ud;
	LOCK(pd);
	sync_waiter(pd);
	struct nlrs_buf *b = nlrs_buf_from(nlrs_stack_pool(pd->s), 64, buf, count);
	if (!b) {
		UNLOCK(pd);
		return -1;
	}
	nlrs_stack_input(pd->s, pd->ifx, b, pd->now);
	nlrs_stack_poll(pd->s, pd->now);
	notify(pd);
	UNLOCK(pd);
	return 0;
}

static int pd_netdev_receive(void *ud, void *buf, size_t *count, long long *time_usecs)
{
	struct pd *pd = ud;
	LOCK(pd);
	sync_waiter(pd);
	if (!pd->qhead)
		advance(pd, pd->now + pd->horizon, true);
	struct outpkt *p = pd->qhead;
	if (!p) {
		fprintf(stderr, "nlrs-pd: the stack sent nothing within %llu s of virtual time\n",
			(unsigned long long)(pd->horizon / 1000000u));
		*count = 0;
		*time_usecs = (long long)pd->now;
		UNLOCK(pd);
		return 0; /* packetdrill fails on the empty packet */
	}
	pd->qhead = p->next;
	if (!pd->qhead)
		pd->qtail = NULL;
	size_t n = p->len < *count ? p->len : *count;
	memcpy(buf, p->data, n);
	*count = n;
	*time_usecs = (long long)p->at;
	free(p);
	UNLOCK(pd);
	return 0;
}

static int pd_usleep(void *ud, useconds_t usec)
{
	struct pd *pd = ud;
	/* Main thread: waiting for the next event. Syscall thread: waiting
	 * for the start of a blocking call (packetdrill's wait_for_event runs
	 * there, while the main thread waits for it). Either way nobody else
	 * moves the clock. */
	LOCK(pd);
	sync_waiter(pd);
	advance(pd, pd->now + usec, false);
	UNLOCK(pd);
	return 0;
}

static int pd_gettimeofday(void *ud, struct timeval *tv, void *tz)
{
	struct pd *pd = ud;
	(void)tz;
	LOCK(pd);
	if (!on_main(pd) && pd->returning &&
	    pthread_equal(pd->returning_thread, pthread_self())) {
		/* a blocked call reads its end time: exact, no tick */
		pd->returning = false;
		pthread_cond_broadcast(&pd->cv);
	} else {
		/* packetdrill spins on the clock for the last 20 us before an
		 * event, on either thread */
		sync_waiter(pd);
		advance(pd, pd->now + PD_TICK, false);
	}
	tv->tv_sec = (time_t)(pd->now / 1000000u);
	tv->tv_usec = (suseconds_t)(pd->now % 1000000u);
	UNLOCK(pd);
	return 0;
}

static void pd_free(void *ud)
{
	struct pd *pd = ud;
	if (!pd)
		return;
	LOCK(pd);
	/* packetdrill has already closed its descriptors with libc close() */
	for (int fd = 0; fd < PD_MAXFD; fd++)
		free(pd->fds[fd].ep);
	nlrs_stack_fini(pd->s);
	free(pd->mem);
	while (pd->qhead) {
		struct outpkt *p = pd->qhead;
		pd->qhead = p->next;
		free(p);
	}
	UNLOCK(pd);
	pthread_mutex_destroy(&pd->mu);
	pthread_cond_destroy(&pd->cv);
	free(pd);
}

/* ---- set-up ---- */

static void parse_flags(struct pd *pd, const char *flags, uint32_t *addr, unsigned *prefix,
			unsigned *mtu, struct nlrs_stack_config *cfg)
{
	if (!flags)
		return;
	char *copy = strdup(flags), *save = NULL;
	for (char *t = strtok_r(copy, ",; \t", &save); t; t = strtok_r(NULL, ",; \t", &save)) {
		char *v = strchr(t, '=');
		if (v)
			*v++ = '\0';
		if (!strcmp(t, "verbose")) {
			pd->verbose = true;
		} else if (v && !strcmp(t, "local_ip")) {
			struct in_addr a;
			if (inet_pton(AF_INET, v, &a) == 1)
				*addr = ntohl(a.s_addr);
			else
				fprintf(stderr, "nlrs-pd: bad local_ip %s\n", v);
		} else if (v && !strcmp(t, "prefix")) {
			*prefix = (unsigned)strtoul(v, NULL, 10);
		} else if (v && !strcmp(t, "mtu")) {
			*mtu = (unsigned)strtoul(v, NULL, 10);
		} else if (v && !strcmp(t, "horizon")) {
			pd->horizon = NLRS_SEC(strtoull(v, NULL, 10));
		} else if (v && !strcmp(t, "seed")) {
			pd->rnd = strtoull(v, NULL, 0) | 1u;
		} else if (v && !strcmp(t, "cc")) {
			for (int i = 0; i < 3; i++)
				if (!strcmp(v, cc_names[i]))
					cfg->tcp_cc = (uint8_t)i;
		} else if (v && !strcmp(t, "rmem_max")) {
			cfg->tcp_rmem_max = (uint32_t)strtoul(v, NULL, 0);
		} else if (v && !strcmp(t, "wmem_max")) {
			cfg->tcp_wmem_max = (uint32_t)strtoul(v, NULL, 0);
		} else if (v && !strcmp(t, "rcvbuf")) {
			cfg->tcp_rcvbuf = (uint32_t)strtoul(v, NULL, 0);
		} else if (v && !strcmp(t, "sndbuf")) {
			cfg->tcp_sndbuf = (uint32_t)strtoul(v, NULL, 0);
		} else {
			fprintf(stderr, "nlrs-pd: unknown flag %s\n", t);
		}
	}
	free(copy);
}

__attribute__((visibility("default"))) void packetdrill_interface_init(const char *flags, struct pd_interface *ifc)
{
	struct pd *pd = calloc(1, sizeof(*pd));
	if (!pd) {
		fprintf(stderr, "nlrs-pd: out of memory\n");
		abort();
	}
	pthread_mutex_init(&pd->mu, NULL);
	pthread_cond_init(&pd->cv, NULL);
	pd->main_thread = pthread_self();
	pd->horizon = NLRS_SEC(1000);
	pd->rnd = 0x9e3779b97f4a7c15ull;
	pd->wake_at = NLRS_TIME_NEVER;
	/* an arbitrary, fixed start: 2023-11-14 22:13:20 UTC */
	pd->now = NLRS_SEC(1700000000);
	uint32_t addr = NLRS_IP4(192, 0, 2, 1);
	unsigned prefix = 24, mtu = 1500;
	struct nlrs_stack_config cfg;
	nlrs_stack_config_default(&cfg);
	parse_flags(pd, flags, &addr, &prefix, &mtu, &cfg);
	cfg.port.ctx = pd;
	cfg.port.random = rnd_fill;
	size_t need = nlrs_stack_mem_size(&cfg);
	pd->mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
	if (!pd->mem || nlrs_stack_init(&pd->s, &cfg, pd->mem, need) != 0) {
		fprintf(stderr, "nlrs-pd: stack init failed\n");
		abort();
	}
	struct nlrs_iface_config ic = { .name = "pd0", .link = NLRS_LINK_RAWIP,
					.mtu = (uint16_t)mtu, .transmit = xmit, .ctx = pd };
	pd->ifx = nlrs_iface_add(pd->s, &ic);
	if (pd->ifx < 0 || nlrs_iface_addr_add(pd->s, pd->ifx, addr, (uint8_t)prefix) != 0 ||
	    nlrs_iface_set_up(pd->s, pd->ifx, true) != 0 ||
	    nlrs_route_add(pd->s, 0, 0, 0, pd->ifx, 100) != 0) {
		fprintf(stderr, "nlrs-pd: interface set-up failed\n");
		abort();
	}
	nlrs_stack_poll(pd->s, pd->now);
	/* anything sent while coming up is not for the script */
	while (pd->qhead) {
		struct outpkt *p = pd->qhead;
		pd->qhead = p->next;
		free(p);
	}
	pd->qtail = NULL;

	memset(ifc, 0, sizeof(*ifc));
	ifc->userdata = pd;
	ifc->free = pd_free;
	ifc->socket = pd_socket;
	ifc->bind = pd_bind;
	ifc->listen = pd_listen;
	ifc->accept = pd_accept;
	ifc->connect = pd_connect;
	ifc->read = pd_read;
	ifc->readv = pd_readv;
	ifc->recv = pd_recv;
	ifc->recvfrom = pd_recvfrom;
	ifc->recvmsg = pd_recvmsg;
	ifc->write = pd_write;
	ifc->writev = pd_writev;
	ifc->send = pd_send;
	ifc->sendto = pd_sendto;
	ifc->sendmsg = pd_sendmsg;
	ifc->fcntl = pd_fcntl;
	ifc->ioctl = pd_ioctl;
	ifc->close = pd_close;
	ifc->shutdown = pd_shutdown;
	ifc->getsockopt = pd_getsockopt;
	ifc->setsockopt = pd_setsockopt;
	ifc->poll = pd_poll;
	ifc->netdev_send = pd_netdev_send;
	ifc->netdev_receive = pd_netdev_receive;
	ifc->usleep = pd_usleep;
	ifc->gettimeofday = pd_gettimeofday;
	ifc->epoll_create = pd_epoll_create;
	ifc->epoll_ctl = pd_epoll_ctl;
	ifc->epoll_wait = pd_epoll_wait;
	ifc->pipe = pd_pipe;
	ifc->splice = pd_splice;
}
