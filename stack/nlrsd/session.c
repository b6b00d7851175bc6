/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * App sessions (session.h): the nlrsd side of the shared-memory IPC of
 * shim/ring.h. Implements: the hello on the app socket with SO_PEERCRED,
 * one sealed memfd region and two eventfds per app, the request ring
 * (every op of enum nlrs_ipc_op), byte rings for TCP and record rings for
 * UDP/raw, socket state posted in the slot table, doorbells only to a
 * sleeping side, and reclaiming an app's sockets when it dies.
 * Not implemented: IPv6 endpoints (the stack has none), passing sockets
 * between apps.
 *
 * Nothing the app writes is trusted: request fields are range-checked and
 * answered with -errno; a ring index or record that lies disconnects the
 * app (counted, logged); nlrsd itself never faults on the region because
 * it is sealed against shrinking.
 */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "nlrs/errno.h"
#include "nlrs/netdev.h"
#include "nlrs/socket.h"
#include "ring.h"

#define REQ_BATCH 64            /* requests per app per run */
#define DGRAM_BATCH 64          /* datagrams per socket per run and direction */
#define CLOSE_LINGER NLRS_SEC(30) /* a closed socket's unsent bytes: at most this long */
#define HELLO_TIMEOUT NLRS_SEC(5) /* a connection that never says hello */
#define SPIN_MIN_US 5u
#define SPIN_MAX_US 200u
#define SPIN_SMALL_US 10u /* the cap on machines of 1 or 2 cores */

struct app_sock {
	struct nlrsd_app *app;
	int sd;          /* stack descriptor, -1: none */
	bool busy;       /* slot allocated (open, or closing) */
	uint8_t type;
	bool listening, connecting, connected, closing;
	bool shut_wr_pending, shut_rd, wr_closed, eof, hup;
	bool tx_stalled; /* the stack's send buffer was full: wait for EV_WRITE */
	bool rx_full;    /* the rx ring was full */
	bool dirty;      /* the stack said something changed */
	uint32_t state;  /* last state posted */
	struct nlrs_ipc_slot *slot;
	struct nlrs_ring rx, tx;
	nlrs_time_t close_deadline;
};

struct nlrsd_app {
	struct nlrsd_sessions *ss;
	unsigned idx;
	int fd, efd_d, efd_a;
	long pid;
	long uid;
	bool live;  /* hello done, region mapped */
	bool dying; /* the app hung up: only closing its sockets */
	bool bad;   /* broke the protocol: to be dropped */
	bool posted;
	void *map;
	struct nlrs_ipc_region *r;
	struct nlrs_ipc_geom g;
	struct nlrs_ring rq, cq;
	struct app_sock *sk;
	nlrs_time_t deadline;
};

static int futex_wake(_Atomic uint32_t *addr)
{
	/* shared mapping: not FUTEX_PRIVATE_FLAG */
	return (int)syscall(SYS_futex, addr, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

void nlrsd_sessions_init(struct nlrsd_sessions *ss)
{
	memset(ss, 0, sizeof(*ss));
	ss->fd = -1;
	ss->epfd = -1;
	ss->gid = (gid_t)-1;
	ss->def_slots = NLRS_IPC_SLOTS_DEFAULT;
	ss->def_ring = NLRS_IPC_RING_DEFAULT;
	{
		/* Spinning pays when a core is free for it; on a machine of
		 * two cores or fewer it mostly steals time from the app and
		 * the peer. NLRSD_SPIN_US overrides the cap (0: never spin). */
		const char *e = getenv("NLRSD_SPIN_US");
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

		if (e && *e)
			ss->spin_max = (nlrs_time_t)strtoul(e, NULL, 10);
		else
			ss->spin_max = ncpu > 2 ? SPIN_MAX_US : SPIN_SMALL_US;
		ss->spin = ss->spin_max < 50 ? ss->spin_max : 50;
	}
}

int nlrsd_sessions_open(struct nlrsd_sessions *ss, const char *path, struct nlrs_stack *s, int epfd)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = NLRSD_TAG_APP_LISTEN };
	struct stat st;
	mode_t old;
	int rc;

	ss->s = s;
	ss->epfd = epfd;
	ss->uid = geteuid();
	{
		/* NLRSD_APP_GROUP: members of this group (name or number) are
		 * served too */
		const char *g = getenv("NLRSD_APP_GROUP");

		if (g && *g) {
			struct group *gr = getgrnam(g);
			char *end;
			unsigned long n = strtoul(g, &end, 10);

			if (gr)
				ss->gid = gr->gr_gid;
			else if (!*end && n < (gid_t)-1)
				ss->gid = (gid_t)n;
			else {
				nlrsd_log(NLRS_LOG_ERR, "NLRSD_APP_GROUP %s: no such group", g);
				return -EINVAL;
			}
		}
	}
	if (strlen(path) >= sizeof(addr.sun_path)) {
		nlrsd_log(NLRS_LOG_ERR, "app socket %s: path too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	snprintf(ss->path, sizeof(ss->path), "%s", path);
	if (lstat(path, &st) == 0) {
		int probe;

		if (!S_ISSOCK(st.st_mode)) {
			nlrsd_log(NLRS_LOG_ERR, "app socket %s: exists and is not a socket", path);
			return -EEXIST;
		}
		probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
			close(probe);
			nlrsd_log(NLRS_LOG_ERR, "app socket %s: another nlrsd is serving it", path);
			return -EADDRINUSE;
		}
		if (probe >= 0)
			close(probe);
		unlink(path);
	}
	ss->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ss->fd < 0)
		goto err;
	/* anyone may connect; SO_PEERCRED decides who is served */
	old = umask(0111);
	rc = bind(ss->fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (rc)
		goto err_close;
	ss->bound = true;
	if (chmod(path, 0666) || listen(ss->fd, 64) || epoll_ctl(epfd, EPOLL_CTL_ADD, ss->fd, &ev))
		goto err_close;
	nlrsd_log(NLRS_LOG_INFO, "app socket %s: serving apps (client library, shim)", path);
	return 0;

err_close:
	rc = -errno;
	close(ss->fd);
	ss->fd = -1;
	if (ss->bound)
		unlink(path);
	ss->bound = false;
	errno = -rc;
err:
	rc = -errno;
	nlrsd_log(NLRS_LOG_ERR, "app socket %s: %s", path, strerror(-rc));
	return rc;
}

/* ------------------------------------------------------------ app set-up */

static void app_free(struct nlrsd_sessions *ss, struct nlrsd_app *a, bool abortive)
{
	if (a->sk) {
		for (uint32_t i = 0; i < a->g.nslots; i++) {
			struct app_sock *sk = &a->sk[i];

			/* busy, not sd >= 0: a table that failed half-way
			 * through set-up holds zeroes, and stack socket 0 is
			 * someone else's */
			if (!sk->busy || sk->sd < 0)
				continue;
			nlrs_sock_set_callback(ss->s, sk->sd, NULL, NULL);
			if (abortive && sk->type == NLRS_SOCK_STREAM)
				nlrs_sock_setopt(ss->s, sk->sd, NLRS_SO_LINGER, 0);
			nlrs_sock_close(ss->s, sk->sd);
			sk->sd = -1;
		}
		free(a->sk);
	}
	if (a->fd >= 0) {
		epoll_ctl(ss->epfd, EPOLL_CTL_DEL, a->fd, NULL);
		close(a->fd);
	}
	if (a->efd_d >= 0) {
		epoll_ctl(ss->epfd, EPOLL_CTL_DEL, a->efd_d, NULL);
		close(a->efd_d);
	}
	if (a->efd_a >= 0)
		close(a->efd_a);
	if (a->map)
		munmap(a->map, a->g.size);
	ss->app[a->idx] = NULL;
	free(a);
}

/* Is the peer in group gid (its primary group, or a supplementary one
 * from SO_PEERGROUPS)? */
static bool peer_in_group(int fd, const struct ucred *cred, gid_t gid)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);

	if (gid == (gid_t)-1)
		return false;
	if (cred->gid == gid)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len))
		return false; /* more than 256 groups: primary group only */
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == gid)
			return true;
	return false;
}

void nlrsd_sessions_accept(struct nlrsd_sessions *ss)
{
	for (int k = 0; k < 16; k++) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
		struct ucred cred;
		socklen_t clen = sizeof(cred);
		struct nlrsd_app *a;
		unsigned idx;
		int fd = accept4(ss->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				nlrsd_log(NLRS_LOG_WARN, "app socket: accept: %s", strerror(errno));
			return;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) || clen != sizeof(cred)) {
			close(fd);
			ss->refused++;
			continue;
		}
		if (cred.uid != 0 && cred.uid != ss->uid && !peer_in_group(fd, &cred, ss->gid)) {
			nlrsd_log(NLRS_LOG_WARN, "app socket: refused pid %ld uid %ld (allowed: root, uid %ld%s)",
				  (long)cred.pid, (long)cred.uid, (long)ss->uid,
				  ss->gid == (gid_t)-1 ? "" : ", the app group");
			ss->refused++;
			close(fd); /* the app sees the hang-up: EACCES on its side */
			continue;
		}
		for (idx = 0; idx < NLRSD_APPS_MAX && ss->app[idx]; idx++)
			;
		if (idx == NLRSD_APPS_MAX || !(a = calloc(1, sizeof(*a)))) {
			nlrsd_log(NLRS_LOG_WARN, "app socket: refused pid %ld: %s", (long)cred.pid,
				  idx == NLRSD_APPS_MAX ? "too many apps" : "out of memory");
			ss->refused++;
			close(fd);
			continue;
		}
		a->ss = ss;
		a->idx = idx;
		a->fd = fd;
		a->efd_d = a->efd_a = -1;
		a->pid = (long)cred.pid;
		a->uid = (long)cred.uid;
		a->deadline = nlrs_clock_now() + HELLO_TIMEOUT;
		ev.data.u64 = NLRSD_TAG_APP + 2u * idx;
		if (epoll_ctl(ss->epfd, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd);
			free(a);
			continue;
		}
		ss->app[idx] = a;
	}
}

static uint32_t pow2_clamp(uint32_t v, uint32_t dflt, uint32_t lo, uint32_t hi)
{
	uint32_t p = lo;

	if (!v)
		v = dflt;
	if (v > hi)
		v = hi;
	while (p < v)
		p <<= 1;
	return p;
}

static void welcome_send(struct nlrsd_app *a, int status, int memfd)
{
	struct nlrs_ipc_welcome w = { .magic = NLRS_IPC_MAGIC, .version = NLRS_IPC_VERSION,
				       .status = status, .size = a->g.size };
	struct iovec iov = { .iov_base = &w, .iov_len = sizeof(w) };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (status == 0) {
		int fds[3] = { memfd, a->efd_d, a->efd_a };
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		m.msg_control = u.buf;
		m.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(c), fds, sizeof(fds));
	}
	if (sendmsg(a->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)sizeof(w))
		a->bad = true;
}

/* The app's hello: make its region and answer. */
static void app_hello(struct nlrsd_sessions *ss, struct nlrsd_app *a)
{
	struct nlrs_ipc_hello h;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = NLRSD_TAG_APP + 2u * a->idx + 1u };
	struct nlrs_ipc_region *r;
	ssize_t n = recv(a->fd, &h, sizeof(h), MSG_DONTWAIT);
	int memfd = -1, rc;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n != (ssize_t)sizeof(h) || h.magic != NLRS_IPC_MAGIC || h.version != NLRS_IPC_VERSION) {
		nlrsd_log(NLRS_LOG_WARN, "app pid %ld: bad hello (%zd bytes)", a->pid, n);
		if (n > 0)
			welcome_send(a, -EPROTO, -1);
		a->bad = true;
		return;
	}
	a->g.rq_entries = a->g.cq_entries = NLRS_IPC_RQ_ENTRIES;
	a->g.nslots = h.nslots ? (h.nslots > NLRS_IPC_SLOTS_MAX ? NLRS_IPC_SLOTS_MAX : h.nslots)
			       : ss->def_slots;
	a->g.ring_size = pow2_clamp(h.ring_size, ss->def_ring, NLRS_IPC_RING_MIN, NLRS_IPC_RING_MAX);
	rc = nlrs_ipc_geom_layout(&a->g);
	if (rc) {
		welcome_send(a, rc, -1);
		a->bad = true;
		return;
	}
	a->sk = calloc(a->g.nslots, sizeof(*a->sk));
	memfd = memfd_create("nlrs-app", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	a->efd_d = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	a->efd_a = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!a->sk || memfd < 0 || a->efd_d < 0 || a->efd_a < 0) {
		rc = -ENOMEM;
		goto fail;
	}
	/* sealed: the app can neither shrink the region under us (SIGBUS
	 * in nlrsd) nor grow it */
	if (ftruncate(memfd, (off_t)a->g.size) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
		rc = -errno;
		goto fail;
	}
	a->map = mmap(NULL, a->g.size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (a->map == MAP_FAILED) {
		a->map = NULL;
		rc = -errno;
		goto fail;
	}
	r = a->r = a->map;
	r->magic = NLRS_IPC_MAGIC;
	r->version = NLRS_IPC_VERSION;
	r->size = a->g.size;
	r->rq_off = a->g.rq_off;
	r->rq_entries = a->g.rq_entries;
	r->cq_off = a->g.cq_off;
	r->cq_entries = a->g.cq_entries;
	r->slot_off = a->g.slot_off;
	r->nslots = a->g.nslots;
	r->data_off = a->g.data_off;
	r->ring_size = a->g.ring_size;
	nlrs_ring_init(&a->rq, &r->rq, (uint8_t *)a->map + a->g.rq_off, a->g.rq_entries,
		       sizeof(struct nlrs_ipc_req), 0);
	nlrs_ring_init(&a->cq, &r->cq, (uint8_t *)a->map + a->g.cq_off, a->g.cq_entries,
		       sizeof(struct nlrs_ipc_cqe), 0);
	if (epoll_ctl(ss->epfd, EPOLL_CTL_ADD, a->efd_d, &ev)) {
		rc = -errno;
		goto fail;
	}
	for (uint32_t i = 0; i < a->g.nslots; i++) {
		a->sk[i].app = a;
		a->sk[i].sd = -1;
		a->sk[i].slot = nlrs_ipc_slot_at(a->map, &a->g, i);
	}
	welcome_send(a, 0, memfd);
	close(memfd);
	if (a->bad)
		return;
	a->live = true;
	ss->accepted++;
	nlrsd_log(NLRS_LOG_INFO, "app pid %ld uid %ld: connected, region %llu KiB (%u sockets, %u KiB rings)",
		  a->pid, a->uid, (unsigned long long)(a->g.size >> 10), a->g.nslots,
		  a->g.ring_size >> 10);
	return;

fail:
	nlrsd_log(NLRS_LOG_WARN, "app pid %ld: cannot set up its region: %s", a->pid, strerror(-rc));
	if (memfd >= 0)
		close(memfd);
	welcome_send(a, rc, -1);
	a->bad = true;
}

/* --------------------------------------------------------------- sockets */

static void sock_cb(void *ctx, int sd, unsigned events)
{
	struct app_sock *sk = ctx;

	(void)sd;
	sk->dirty = true;
	if (events & NLRS_EV_WRITE)
		sk->tx_stalled = false;
}

static void post_state(struct app_sock *sk, uint32_t state)
{
	if (state == sk->state)
		return;
	sk->state = state;
	atomic_store_explicit(&sk->slot->state, state, memory_order_release);
	sk->app->posted = true;
}

/* A new error for the app: err first, then the sequence (release). */
static void post_err(struct app_sock *sk, int e)
{
	atomic_store_explicit(&sk->slot->err, (uint32_t)e, memory_order_relaxed);
	atomic_fetch_add_explicit(&sk->slot->err_seq, 1u, memory_order_release);
	sk->app->posted = true;
}

/* Give slot i to stack descriptor sd: fresh rings and state. */
static int sock_attach(struct nlrsd_app *a, int sd, uint8_t type, uint32_t state)
{
	struct nlrs_stack *s = a->ss->s;
	struct app_sock *sk = NULL;
	struct nlrs_ipc_slot *sl;
	uint32_t i;

	for (i = 0; i < a->g.nslots; i++) {
		if (!a->sk[i].busy) {
			sk = &a->sk[i];
			break;
		}
	}
	if (!sk)
		return -EMFILE;
	sl = sk->slot;
	memset(sk, 0, sizeof(*sk));
	sk->app = a;
	sk->slot = sl;
	sk->sd = sd;
	sk->busy = true;
	sk->type = type;
	/* the slot's words are reset before the completion that names the
	 * slot is published (release): the app sees them reset */
	atomic_store_explicit(&sl->err, 0, memory_order_relaxed);
	atomic_store_explicit(&sl->err_seq, 0, memory_order_relaxed);
	atomic_store_explicit(&sl->rx_blocked, 0, memory_order_relaxed);
	atomic_store_explicit(&sl->rx.prod, 0, memory_order_relaxed);
	atomic_store_explicit(&sl->rx.cons, 0, memory_order_relaxed);
	atomic_store_explicit(&sl->tx.prod, 0, memory_order_relaxed);
	atomic_store_explicit(&sl->tx.cons, 0, memory_order_relaxed);
	sl->type = type;
	nlrs_ring_init(&sk->rx, &sl->rx, nlrs_ipc_rxbuf(a->map, &a->g, i), a->g.ring_size, 1, 0);
	nlrs_ring_init(&sk->tx, &sl->tx, nlrs_ipc_txbuf(a->map, &a->g, i), a->g.ring_size, 1, 0);
	sk->state = state;
	atomic_store_explicit(&sl->state, state, memory_order_relaxed);
	if (type == NLRS_SOCK_STREAM && (state & NLRS_IPC_S_CONNECTED))
		sk->connected = true;
	nlrs_sock_set_callback(s, sd, sock_cb, sk);
	return (int)i;
}

static void pump_tx_dgram(struct app_sock *sk);

static void sock_release(struct app_sock *sk, bool abortive)
{
	struct nlrs_stack *s = sk->app->ss->s;

	if (sk->sd >= 0) {
		nlrs_sock_set_callback(s, sk->sd, NULL, NULL);
		if (abortive && sk->type == NLRS_SOCK_STREAM)
			nlrs_sock_setopt(s, sk->sd, NLRS_SO_LINGER, 0);
		nlrs_sock_close(s, sk->sd);
	}
	sk->sd = -1;
	sk->busy = false;
	sk->closing = false;
	atomic_store_explicit(&sk->slot->state, 0, memory_order_release);
	sk->state = 0;
}

/*
 * close() by the app, or the app died. Like Linux at close/exit: unread
 * received data means an abortive close (RFC 2525 2.17, as the stack does
 * for its own buffer); otherwise what the app already wrote is sent, then
 * FIN (the stack's graceful close), bounded by CLOSE_LINGER.
 */
static void sock_begin_close(struct app_sock *sk, nlrs_time_t now)
{
	int64_t unread;

	if (sk->type != NLRS_SOCK_STREAM) {
		/* datagrams the app sent before close still go out */
		for (int k = 0; k < 64 && !sk->app->bad && nlrs_ring_avail(&sk->tx) > 0; k++)
			pump_tx_dgram(sk);
		sock_release(sk, false);
		return;
	}
	if (!sk->connected || sk->listening) {
		sock_release(sk, false);
		return;
	}
	unread = (int64_t)(sk->rx.mine - atomic_load_explicit(&sk->rx.idx->cons, memory_order_acquire));
	if (unread != 0) {
		sock_release(sk, true);
		return;
	}
	sk->closing = true;
	sk->close_deadline = now + CLOSE_LINGER;
}

/* --------------------------------------------------------- data movement */

static void pump_tx_stream(struct app_sock *sk, unsigned ev)
{
	struct nlrs_stack *s = sk->app->ss->s;
	int64_t used = nlrs_ring_avail(&sk->tx);

	if (used < 0) {
		sk->app->bad = true;
		return;
	}
	if (sk->wr_closed) {
		if (used) { /* nothing can be sent any more: hand the space back */
			nlrs_ring_release(&sk->tx, (uint32_t)used);
			sk->app->posted = true;
		}
		return;
	}
	if (sk->tx_stalled && (ev & NLRS_EV_WRITE))
		sk->tx_stalled = false;
	while (used > 0 && !sk->tx_stalled) {
		uint32_t contig;
		uint8_t *p = nlrs_bring_run(&sk->tx, &contig);
		int n = nlrs_sock_send(s, sk->sd, p, contig < used ? contig : (uint32_t)used, 0);

		if (n > 0) {
			nlrs_ring_release(&sk->tx, (uint32_t)n);
			used -= n;
			sk->app->posted = true;
		} else if (n == -NLRS_EAGAIN || n == 0) {
			sk->tx_stalled = true;
		} else {
			post_err(sk, -n);
			sk->wr_closed = true;
			nlrs_ring_release(&sk->tx, (uint32_t)used);
			used = 0;
		}
	}
	if (used == 0 && sk->shut_wr_pending) {
		/* the FIN goes after every byte the app wrote before shutdown */
		sk->shut_wr_pending = false;
		sk->wr_closed = true;
		nlrs_sock_shutdown(s, sk->sd, NLRS_SHUT_WR);
	}
}

static void pump_rx_stream(struct app_sock *sk)
{
	struct nlrs_stack *s = sk->app->ss->s;
	int64_t space;
	bool full;

	if (sk->eof)
		return;
	space = nlrs_ring_space(&sk->rx);
	if (space < 0) {
		sk->app->bad = true;
		return;
	}
	while (space > 0) {
		uint32_t contig;
		uint8_t *p = nlrs_bring_run(&sk->rx, &contig);
		int n = nlrs_sock_recv(s, sk->sd, p, contig < space ? contig : (uint32_t)space, 0);

		if (n > 0) {
			nlrs_ring_publish(&sk->rx, (uint32_t)n);
			space -= n;
			sk->app->posted = true;
		} else if (n == 0) {
			sk->eof = true;
			break;
		} else if (n == -NLRS_EAGAIN) {
			break;
		} else {
			/* reset, timeout: the connection is over both ways */
			post_err(sk, -n);
			sk->eof = sk->hup = sk->wr_closed = true;
			break;
		}
	}
	full = space == 0 && !sk->eof;
	if (full != sk->rx_full) {
		sk->rx_full = full;
		atomic_store_explicit(&sk->slot->rx_blocked, full, memory_order_relaxed);
	}
}

static void pump_tx_dgram(struct app_sock *sk)
{
	struct nlrs_stack *s = sk->app->ss->s;

	for (int k = 0; k < DGRAM_BATCH; k++) {
		struct nlrs_rec_hdr h;
		const uint8_t *p;
		int rc = nlrs_rec_peek(&sk->tx, &h, &p);

		if (rc < 0) {
			sk->app->bad = true;
			return;
		}
		if (rc == 0)
			return;
		if (h.ep.family)
			rc = nlrs_sock_sendto(s, sk->sd, p, h.len, &h.ep);
		else
			rc = nlrs_sock_send(s, sk->sd, p, h.len, 0);
		/* an error of a datagram already handed over is reported
		 * later, as Linux reports ICMP errors (SO_ERROR) */
		if (rc < 0 && rc != -NLRS_EAGAIN)
			post_err(sk, -rc);
		nlrs_rec_consume(&sk->tx, &h);
		sk->app->posted = true;
	}
}

static void pump_rx_dgram(struct app_sock *sk)
{
	struct nlrs_stack *s = sk->app->ss->s;
	bool full = false;

	for (int k = 0; k < DGRAM_BATCH; k++) {
		struct nlrs_endpoint from;
		uint8_t dummy;
		int err;
		void *p;
		int n = nlrs_sock_recvfrom(s, sk->sd, &dummy, 0, &from, NLRS_MSG_PEEK | NLRS_MSG_TRUNC);

		if (n == -NLRS_EAGAIN)
			break;
		if (n < 0) { /* a pending error, consumed by that call */
			post_err(sk, -n);
			continue;
		}
		p = nlrs_rec_reserve(&sk->rx, (uint32_t)n, &err);
		if (!p && err == -EPROTO) {
			sk->app->bad = true;
			return;
		}
		if (!p && err) { /* cannot be carried (raw, > 65507): drop it */
			nlrs_sock_recvfrom(s, sk->sd, &dummy, 0, NULL, 0);
			continue;
		}
		if (!p) {
			full = true;
			break;
		}
		n = nlrs_sock_recvfrom(s, sk->sd, p, (size_t)n, &from, 0);
		if (n < 0)
			continue;
		nlrs_rec_commit(&sk->rx, (uint32_t)n, 0, &from);
		sk->app->posted = true;
	}
	if (full != sk->rx_full) {
		sk->rx_full = full;
		atomic_store_explicit(&sk->slot->rx_blocked, full, memory_order_relaxed);
	}
}

static void sock_pump(struct app_sock *sk, nlrs_time_t now)
{
	struct nlrs_stack *s = sk->app->ss->s;
	uint32_t st = sk->state;
	unsigned ev;
	int e;

	if (!sk->busy || sk->sd < 0)
		return;
	sk->dirty = false;
	ev = nlrs_sock_events(s, sk->sd);
	if (sk->type != NLRS_SOCK_STREAM) {
		pump_tx_dgram(sk);
		if (!sk->closing)
			pump_rx_dgram(sk);
		return;
	}
	if (sk->listening) {
		st = (ev & NLRS_EV_READ) ? (st | NLRS_IPC_S_ACCEPT) : (st & ~NLRS_IPC_S_ACCEPT);
		post_state(sk, st);
		return;
	}
	if (sk->connecting) {
		if (!(ev & (NLRS_EV_WRITE | NLRS_EV_ERROR | NLRS_EV_HUP)))
			return;
		e = 0;
		nlrs_sock_getopt(s, sk->sd, NLRS_SO_ERROR, &e);
		sk->connecting = false;
		if (e == 0 && (ev & NLRS_EV_WRITE)) {
			sk->connected = true;
			st |= NLRS_IPC_S_CONNECTED;
		} else {
			post_err(sk, e ? e : NLRS_ECONNREFUSED);
			sk->eof = sk->hup = sk->wr_closed = true;
			st |= NLRS_IPC_S_CONNFAIL | NLRS_IPC_S_EOF | NLRS_IPC_S_HUP | NLRS_IPC_S_WRCLOSED;
			post_state(sk, st);
			return;
		}
	}
	if (!sk->connected)
		return;
	pump_tx_stream(sk, ev);
	if (!sk->closing)
		pump_rx_stream(sk);
	if ((ev & NLRS_EV_ERROR) && !sk->hup) {
		e = 0;
		nlrs_sock_getopt(s, sk->sd, NLRS_SO_ERROR, &e);
		if (e) {
			post_err(sk, e);
			sk->eof = sk->hup = sk->wr_closed = true;
		}
	}
	if ((ev & NLRS_EV_HUP) && sk->eof)
		sk->hup = true;
	/* state after the data it describes: EOF only once every byte
	 * before it is published */
	if (sk->eof)
		st |= NLRS_IPC_S_EOF;
	if (sk->hup)
		st |= NLRS_IPC_S_HUP | NLRS_IPC_S_EOF;
	if (sk->wr_closed)
		st |= NLRS_IPC_S_WRCLOSED;
	post_state(sk, st);
	if (sk->closing) {
		int64_t left = nlrs_ring_avail(&sk->tx);

		if (left == 0 || sk->wr_closed)
			sock_release(sk, false);
		else if (left < 0 || now >= sk->close_deadline)
			sock_release(sk, true);
	}
}

/* -------------------------------------------------------------- requests */

static int ep_check(const struct nlrs_endpoint *ep)
{
	return ep->family == NLRS_AF_INET ? 0 : -NLRS_EAFNOSUPPORT;
}

static void do_req(struct nlrsd_app *a, const struct nlrs_ipc_req *rq, struct nlrs_ipc_cqe *c,
		   nlrs_time_t now)
{
	struct nlrs_stack *s = a->ss->s;
	struct app_sock *sk = NULL;
	int rc, v;

	if (rq->op == NLRS_IPC_OP_SOCKET) {
		int type = rq->arg[0];

		if (type != NLRS_SOCK_STREAM && type != NLRS_SOCK_DGRAM && type != NLRS_SOCK_RAW) {
			c->res = -NLRS_EPROTONOSUPPORT;
			return;
		}
		rc = nlrs_sock_open(s, NLRS_AF_INET, type, rq->arg[1]);
		if (rc >= 0) {
			int sd = rc;

			rc = sock_attach(a, sd, (uint8_t)type, NLRS_IPC_S_OPEN);
			if (rc < 0)
				nlrs_sock_close(s, sd);
		}
		c->res = rc;
		return;
	}
	if (rq->op == 0 || rq->op >= NLRS_IPC_OP_MAX) {
		c->res = -NLRS_EINVAL;
		return;
	}
	if (rq->slot >= a->g.nslots || !a->sk[rq->slot].busy || a->sk[rq->slot].closing ||
	    a->sk[rq->slot].sd < 0) {
		c->res = -NLRS_EBADF;
		return;
	}
	sk = &a->sk[rq->slot];
	switch (rq->op) {
	case NLRS_IPC_OP_BIND:
		c->res = ep_check(&rq->ep) ? ep_check(&rq->ep) : nlrs_sock_bind(s, sk->sd, &rq->ep);
		break;
	case NLRS_IPC_OP_LISTEN:
		rc = nlrs_sock_listen(s, sk->sd, rq->arg[0] < 1 ? 1 : rq->arg[0]);
		if (rc == 0 && !sk->listening) {
			sk->listening = true;
			post_state(sk, sk->state | NLRS_IPC_S_LISTEN);
		}
		c->res = rc;
		break;
	case NLRS_IPC_OP_ACCEPT: {
		struct nlrs_endpoint peer = { 0 };

		if (!sk->listening) {
			c->res = -NLRS_EINVAL;
			break;
		}
		rc = nlrs_sock_accept(s, sk->sd, &peer);
		if (rc >= 0) {
			int nsd = rc;

			rc = sock_attach(a, nsd, NLRS_SOCK_STREAM, NLRS_IPC_S_OPEN | NLRS_IPC_S_CONNECTED);
			if (rc < 0) {
				nlrs_sock_setopt(s, nsd, NLRS_SO_LINGER, 0);
				nlrs_sock_close(s, nsd);
			} else {
				sock_pump(&a->sk[rc], now);
			}
		}
		c->res = rc;
		c->ep[0] = peer;
		sock_pump(sk, now); /* the listener's ACCEPT bit */
		break;
	}
	case NLRS_IPC_OP_CONNECT:
		if (rq->ep.family && ep_check(&rq->ep)) {
			c->res = ep_check(&rq->ep);
			break;
		}
		if (sk->type == NLRS_SOCK_STREAM && (sk->connected || sk->connecting)) {
			c->res = sk->connected ? -NLRS_EISCONN : -NLRS_EALREADY;
			break;
		}
		if (sk->type == NLRS_SOCK_STREAM && sk->listening) {
			c->res = -NLRS_EISCONN;
			break;
		}
		pump_tx_dgram(sk); /* datagrams queued before it go where they were sent */
		rc = nlrs_sock_connect(s, sk->sd, &rq->ep);
		if (sk->type == NLRS_SOCK_STREAM) {
			if (rc == -NLRS_EINPROGRESS)
				sk->connecting = true;
			else if (rc == 0)
				sk->connected = true;
			sock_pump(sk, now);
		}
		c->res = rc;
		break;
	case NLRS_IPC_OP_SHUTDOWN:
		v = rq->arg[0];
		if (v < NLRS_SHUT_RD || v > NLRS_SHUT_RDWR) {
			c->res = -NLRS_EINVAL;
			break;
		}
		if (sk->type == NLRS_SOCK_STREAM) {
			if (!sk->connected) {
				c->res = -NLRS_ENOTCONN;
				break;
			}
			if (v != NLRS_SHUT_WR && !sk->shut_rd) {
				sk->shut_rd = true;
				nlrs_sock_shutdown(s, sk->sd, NLRS_SHUT_RD);
			}
			if (v != NLRS_SHUT_RD && !sk->wr_closed)
				sk->shut_wr_pending = true;
			sock_pump(sk, now);
			c->res = 0;
		} else {
			c->res = nlrs_sock_shutdown(s, sk->sd, v);
		}
		break;
	case NLRS_IPC_OP_CLOSE:
		sock_begin_close(sk, now);
		c->res = 0;
		break;
	case NLRS_IPC_OP_SETOPT:
		c->res = nlrs_sock_setopt(s, sk->sd, (enum nlrs_sockopt)rq->arg[0], rq->arg[1]);
		break;
	case NLRS_IPC_OP_GETOPT:
		v = 0;
		c->res = nlrs_sock_getopt(s, sk->sd, (enum nlrs_sockopt)rq->arg[0], &v);
		c->val = v;
		break;
	case NLRS_IPC_OP_GETNAME:
		c->res = nlrs_sock_getname(s, sk->sd, &c->ep[0], &c->ep[1]);
		break;
	default:
		c->res = -NLRS_EINVAL;
		break;
	}
}

static void run_requests(struct nlrsd_app *a, nlrs_time_t now)
{
	int64_t n = nlrs_ring_avail(&a->rq);
	int64_t room = nlrs_ring_space(&a->cq);
	uint32_t todo;

	if (n < 0 || room < 0) {
		a->bad = true;
		return;
	}
	todo = (uint32_t)(n < room ? n : room);
	if (todo > REQ_BATCH)
		todo = REQ_BATCH;
	for (uint32_t k = 0; k < todo; k++) {
		struct nlrs_ipc_req rq;
		struct nlrs_ipc_cqe c;

		/* copied out once: the app may scribble on the entry meanwhile */
		memcpy(&rq, nlrs_ring_entry(&a->rq, k), sizeof(rq));
		memset(&c, 0, sizeof(c));
		c.tag = rq.tag;
		do_req(a, &rq, &c, now);
		memcpy(nlrs_ring_entry(&a->cq, k), &c, sizeof(c));
	}
	if (todo) {
		/* batch publish: one release store per ring */
		nlrs_ring_release(&a->rq, todo);
		nlrs_ring_publish(&a->cq, todo);
		a->posted = true;
	}
}

/* ------------------------------------------------------------------ loop */

static void app_wake(struct nlrsd_app *a)
{
	struct nlrs_ipc_region *r = a->r;
	uint64_t one = 1;

	atomic_fetch_add_explicit(&r->app_seq, 1u, memory_order_seq_cst);
	if (atomic_load_explicit(&r->app_waiters, memory_order_seq_cst))
		futex_wake(&r->app_seq);
	if (atomic_load_explicit(&r->app_efd_want, memory_order_seq_cst) &&
	    !atomic_exchange_explicit(&r->app_efd_pending, 1u, memory_order_seq_cst))
		(void)!write(a->efd_a, &one, sizeof(one));
}

/* The app hung up: stop serving requests, close its sockets. */
static void app_gone(struct nlrsd_sessions *ss, struct nlrsd_app *a, nlrs_time_t now)
{
	unsigned n = 0;

	if (!a->live) {
		app_free(ss, a, true);
		return;
	}
	if (a->dying)
		return;
	a->dying = true;
	a->deadline = now + CLOSE_LINGER;
	epoll_ctl(ss->epfd, EPOLL_CTL_DEL, a->fd, NULL);
	epoll_ctl(ss->epfd, EPOLL_CTL_DEL, a->efd_d, NULL);
	for (uint32_t i = 0; i < a->g.nslots; i++) {
		if (a->sk[i].busy && !a->sk[i].closing) {
			n++;
			sock_begin_close(&a->sk[i], now);
		}
	}
	nlrsd_log(NLRS_LOG_INFO, "app pid %ld uid %ld: gone, closing its %u socket%s", a->pid, a->uid, n,
		  n == 1 ? "" : "s");
}

static void app_drop_bad(struct nlrsd_sessions *ss, struct nlrsd_app *a)
{
	ss->dropped_bad++;
	nlrsd_log(NLRS_LOG_WARN, "app pid %ld uid %ld: protocol violation (a ring index or record "
		  "that lies): disconnected, its sockets reset", a->pid, a->uid);
	if (a->r) {
		atomic_store_explicit(&a->r->dead, 1u, memory_order_seq_cst);
		app_wake(a);
	}
	app_free(ss, a, true);
}

void nlrsd_sessions_event(struct nlrsd_sessions *ss, uint64_t tag, uint32_t events)
{
	uint64_t k = tag - NLRSD_TAG_APP;
	struct nlrsd_app *a;

	if (k / 2 >= NLRSD_APPS_MAX || !(a = ss->app[k / 2]))
		return;
	if (k & 1) { /* the doorbell: drain it, the run does the work */
		uint64_t v;

		(void)!read(a->efd_d, &v, sizeof(v));
		return;
	}
	if (!a->live && !(events & (EPOLLHUP | EPOLLERR))) {
		app_hello(ss, a);
		if (a->bad)
			app_free(ss, a, true);
		return;
	}
	if (events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR)) {
		app_gone(ss, a, nlrs_clock_now());
		return;
	}
	for (int i = 0; i < 4; i++) { /* the app has nothing to say after hello */
		char junk[64];
		ssize_t n = recv(a->fd, junk, sizeof(junk), MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			app_gone(ss, a, nlrs_clock_now());
			return;
		}
		if (n < 0)
			return;
	}
}

void nlrsd_sessions_run(struct nlrsd_sessions *ss, nlrs_time_t now)
{
	bool work = false;

	for (unsigned i = 0; i < NLRSD_APPS_MAX; i++) {
		struct nlrsd_app *a = ss->app[i];
		bool any = false;

		if (!a)
			continue;
		if (!a->live) {
			if (now >= a->deadline) {
				nlrsd_log(NLRS_LOG_WARN, "app pid %ld: no hello within 5 s, disconnected", a->pid);
				app_free(ss, a, true);
			}
			continue;
		}
		if (!a->dying)
			run_requests(a, now);
		for (uint32_t k = 0; k < a->g.nslots && !a->bad; k++) {
			if (a->sk[k].busy) {
				any = true;
				sock_pump(&a->sk[k], now);
			}
		}
		if (a->bad) {
			app_drop_bad(ss, a);
			work = true;
			continue;
		}
		if (a->posted) {
			a->posted = false;
			work = true;
			if (!a->dying)
				app_wake(a);
		}
		if (a->dying && (!any || now >= a->deadline)) {
			nlrsd_log(NLRS_LOG_DEBUG, "app pid %ld: sockets closed, region freed", a->pid);
			app_free(ss, a, true);
		}
	}
	if (work) {
		/* work found while spinning: spin longer next time */
		if (now - ss->last_work < ss->spin && ss->spin * 2 <= ss->spin_max)
			ss->spin *= 2;
		ss->last_work = now;
	}
	ss->work = work;
}

/* Is there anything for nlrsd to do for app a? (after the fence) */
static bool app_pending(struct nlrsd_app *a)
{
	int64_t n = nlrs_ring_avail(&a->rq);

	if (n != 0)
		return true; /* requests, or a lie to act on */
	for (uint32_t k = 0; k < a->g.nslots; k++) {
		struct app_sock *sk = &a->sk[k];

		if (!sk->busy)
			continue;
		if (sk->dirty)
			return true;
		if (!sk->tx_stalled && !sk->wr_closed && nlrs_ring_avail(&sk->tx) != 0)
			return true;
		if (sk->rx_full && nlrs_ring_space(&sk->rx) != 0)
			return true;
	}
	return false;
}

int nlrsd_sessions_timeout(struct nlrsd_sessions *ss, nlrs_time_t now, int timeout)
{
	bool pending = false;
	bool any = false;

	if (timeout == 0)
		return 0;
	if (ss->work || now - ss->last_work < ss->spin)
		return 0; /* the short spin: the app is likely to come back at once */
	if (ss->spin / 2 >= SPIN_MIN_US)
		ss->spin /= 2; /* spun for nothing: spin less next time */
	for (unsigned i = 0; i < NLRSD_APPS_MAX; i++) {
		struct nlrsd_app *a = ss->app[i];

		if (!a)
			continue;
		if (!a->live || a->dying) {
			/* closing sockets move with the stack's own events;
			 * the deadline bounds them */
			int ms = a->deadline <= now ? 0 : (int)((a->deadline - now + 999u) / 1000u);

			if (timeout < 0 || ms < timeout)
				timeout = ms;
			continue;
		}
		any = true;
		atomic_store_explicit(&a->r->d_sleeping, 1u, memory_order_relaxed);
	}
	if (!any)
		return timeout;
	/* the fence pairs with the app's fence between publishing and
	 * reading d_sleeping: either it sees our flag or we see its index */
	atomic_thread_fence(memory_order_seq_cst);
	for (unsigned i = 0; i < NLRSD_APPS_MAX && !pending; i++) {
		struct nlrsd_app *a = ss->app[i];

		if (a && a->live && !a->dying && app_pending(a))
			pending = true;
	}
	if (pending) {
		nlrsd_sessions_awake(ss);
		return 0;
	}
	return timeout;
}

void nlrsd_sessions_awake(struct nlrsd_sessions *ss)
{
	for (unsigned i = 0; i < NLRSD_APPS_MAX; i++) {
		struct nlrsd_app *a = ss->app[i];

		if (a && a->live && atomic_load_explicit(&a->r->d_sleeping, memory_order_relaxed))
			atomic_store_explicit(&a->r->d_sleeping, 0u, memory_order_relaxed);
	}
}

void nlrsd_sessions_close(struct nlrsd_sessions *ss)
{
	for (unsigned i = 0; i < NLRSD_APPS_MAX; i++) {
		struct nlrsd_app *a = ss->app[i];

		if (!a)
			continue;
		if (a->live) {
			atomic_store_explicit(&a->r->dead, 1u, memory_order_seq_cst);
			app_wake(a);
		}
		app_free(ss, a, true);
	}
	if (ss->fd >= 0) {
		if (ss->epfd >= 0)
			epoll_ctl(ss->epfd, EPOLL_CTL_DEL, ss->fd, NULL);
		close(ss->fd);
		ss->fd = -1;
	}
	if (ss->bound) {
		unlink(ss->path);
		ss->bound = false;
	}
	if (ss->accepted || ss->refused || ss->dropped_bad)
		nlrsd_log(NLRS_LOG_INFO, "apps: %llu served, %llu refused, %llu disconnected for bad input",
			  (unsigned long long)ss->accepted, (unsigned long long)ss->refused,
			  (unsigned long long)ss->dropped_bad);
}

unsigned nlrsd_sessions_count(const struct nlrsd_sessions *ss, unsigned *sockets)
{
	unsigned n = 0, k = 0;

	for (unsigned i = 0; i < NLRSD_APPS_MAX; i++) {
		const struct nlrsd_app *a = ss->app[i];

		if (!a || !a->live)
			continue;
		n++;
		for (uint32_t j = 0; j < a->g.nslots; j++)
			k += a->sk[j].busy;
	}
	if (sockets)
		*sockets = k;
	return n;
}
