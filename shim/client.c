/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The client library (include/nlrs/client.h): the app side of the IPC in
 * shim/ring.h. Control operations (socket, bind, connect, ...) go through
 * the request ring, one at a time under a mutex, and wait for their
 * completion; nlrsd never blocks on one, so the mutex is held for one
 * round trip. Data goes through the per-socket rings without nlrsd's
 * involvement in the call: send copies in, recv copies out, and the
 * doorbell is rung only when nlrsd said it sleeps.
 *
 * Waiting: nlrsd bumps region->app_seq after posting anything for us.
 * A thread that must wait snapshots app_seq, re-checks its condition,
 * spins briefly, then sleeps in FUTEX_WAIT on app_seq (after announcing
 * itself in app_waiters, so nlrsd knows to FUTEX_WAKE). Sleeps are cut
 * into 100 ms slices; between slices the thread checks that nlrsd is
 * alive (region->dead, and a hang-up on the app socket), so a dead nlrsd
 * never leaves a thread blocked.
 */
#include "nlrs/client.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ring.h"

#define SLICE_NS 100000000ull /* sleep slice between liveness checks */
#define SPIN_MIN_NS 1000u      /* the adaptive spin before sleeping, down to */
#define SPIN_DEFAULT_NS 20000u /* its default cap (NLRS_CLIENT_SPIN_US) */

struct csock {
	pthread_mutex_t rxl, txl;
	_Atomic uint32_t gen;     /* bumped by close: a waiter on the old socket leaves */
	_Atomic bool open;
	_Atomic bool nonblock;
	_Atomic uint32_t err_seen; /* the slot's err_seq we have reported */
	int type, protocol;
	/* flags any thread may read while another sets them */
	_Atomic bool connecting;   /* stream: connect under way */
	_Atomic bool shut_rd, shut_wr;
	_Atomic bool dgram_connected;
	_Atomic bool reuseport;
	_Atomic int rcvtimeo_ms, sndtimeo_ms; /* 0: no limit */
	struct nlrs_ipc_slot *slot;
	struct nlrs_ring rx, tx;   /* rx: we consume; tx: we produce */
};

struct nlrs_client {
	int fd;          /* the app socket: its hang-up means nlrsd is gone */
	int efd_d;       /* doorbell to nlrsd */
	int efd_a;       /* nlrsd's notifications (nlrs_client_fd) */
	int epfd;        /* nlrs_client_fd: efd_a + fd; -1 until asked for */
	void *map;
	struct nlrs_ipc_region *r;
	struct nlrs_ipc_geom g;
	pthread_mutex_t reql; /* request and completion rings */
	struct nlrs_ring rq, cq;
	uint64_t tag;
	_Atomic bool dead;
	_Atomic uint32_t spin;    /* ns to spin before sleeping (adaptive) */
	uint32_t spin_max;        /* ns; 0: never spin */
	struct csock *sk;
};

/* ------------------------------------------------------------ primitives */

/* The system calls the library makes on its own fds. The LD_PRELOAD shim
 * replaces them with the real libc functions (its own wrappers of these
 * names would otherwise be called: recursion). */
static struct nlrs_client_sys sys = {
	.socket = socket, .connect = connect, .close = close, .read = read, .write = write,
	.send = send, .recvmsg = recvmsg, .poll = poll, .setsockopt = setsockopt,
	.epoll_create1 = epoll_create1, .epoll_ctl = epoll_ctl,
};
#define SYS(f) (sys.f)

void nlrs_client_set_sys(const struct nlrs_client_sys *s)
{
	/* before any client exists: members are read without a lock */
	if (s->socket) sys.socket = s->socket;
	if (s->connect) sys.connect = s->connect;
	if (s->close) sys.close = s->close;
	if (s->read) sys.read = s->read;
	if (s->write) sys.write = s->write;
	if (s->send) sys.send = s->send;
	if (s->recvmsg) sys.recvmsg = s->recvmsg;
	if (s->poll) sys.poll = s->poll;
	if (s->setsockopt) sys.setsockopt = s->setsockopt;
	if (s->epoll_create1) sys.epoll_create1 = s->epoll_create1;
	if (s->epoll_ctl) sys.epoll_ctl = s->epoll_ctl;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t deadline_of(int ms)
{
	return ms > 0 ? now_ns() + (uint64_t)ms * 1000000ull : 0;
}

/* nlrsd is gone: remember it and wake every waiting thread of ours. */
static void mark_dead(struct nlrs_client *c)
{
	if (atomic_exchange(&c->dead, true))
		return;
	atomic_fetch_add(&c->r->app_seq, 1u);
	syscall(SYS_futex, &c->r->app_seq, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static bool is_dead(struct nlrs_client *c)
{
	if (atomic_load_explicit(&c->dead, memory_order_relaxed))
		return true;
	if (atomic_load_explicit(&c->r->dead, memory_order_acquire)) {
		mark_dead(c);
		return true;
	}
	return false;
}

/* A system call: has the app socket hung up? */
static bool check_hup(struct nlrs_client *c)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };

	if (is_dead(c))
		return true;
	if (SYS(poll)(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLIN))) {
		/* nlrsd sends nothing after the welcome: readable = EOF */
		mark_dead(c);
		return true;
	}
	return false;
}

/* Ring nlrsd's doorbell if it sleeps. The fence pairs with nlrsd's
 * between storing d_sleeping and re-checking the rings. */
static void doorbell(struct nlrs_client *c)
{
	uint64_t one = 1;

	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&c->r->d_sleeping, memory_order_relaxed))
		(void)!SYS(write)(c->efd_d, &one, sizeof(one));
}

/* Wait until app_seq differs from seq, the deadline (ns, 0: none)
 * passes, or nlrsd is gone. 0, -ETIMEDOUT, -ENETDOWN or -EINTR. */
static int wait_seq(struct nlrs_client *c, uint32_t seq, uint64_t deadline)
{
	struct nlrs_ipc_region *r = c->r;
	uint32_t spin = atomic_load_explicit(&c->spin, memory_order_relaxed);

	if (spin) {
		uint64_t until = now_ns() + spin;

		for (uint32_t i = 1;; i++) {
			if (atomic_load_explicit(&r->app_seq, memory_order_acquire) != seq) {
				/* spinning paid off: spin longer next time */
				if (spin < c->spin_max)
					atomic_store_explicit(&c->spin, spin * 2 < c->spin_max ? spin * 2 : c->spin_max,
							      memory_order_relaxed);
				return 0;
			}
			cpu_relax();
			if (!(i & 31) && now_ns() >= until)
				break;
		}
		if (spin > SPIN_MIN_NS) /* spun for nothing: spin less */
			atomic_store_explicit(&c->spin, spin / 2, memory_order_relaxed);
	}
	for (;;) {
		uint64_t now, slice = SLICE_NS;
		struct timespec ts;
		long rc = 0;
		int e = 0;

		if (is_dead(c))
			return -ENETDOWN;
		now = now_ns();
		if (deadline && now >= deadline)
			return -ETIMEDOUT;
		if (deadline && deadline - now < slice)
			slice = deadline - now;
		ts.tv_sec = (time_t)(slice / 1000000000ull);
		ts.tv_nsec = (long)(slice % 1000000000ull);
		atomic_fetch_add(&r->app_waiters, 1u);
		if (atomic_load(&r->app_seq) == seq) {
			rc = syscall(SYS_futex, &r->app_seq, FUTEX_WAIT, seq, &ts, NULL, 0);
			e = rc ? errno : 0;
		}
		atomic_fetch_sub(&r->app_waiters, 1u);
		if (atomic_load_explicit(&r->app_seq, memory_order_acquire) != seq)
			return 0;
		if (e == EINTR)
			return -EINTR;
		if (e == ETIMEDOUT && check_hup(c))
			return -ENETDOWN;
	}
}

/* One request, one completion: 0.. or -errno; *out gets the completion. */
static int call(struct nlrs_client *c, struct nlrs_ipc_req *rq, struct nlrs_ipc_cqe *out)
{
	int rc = 0;

	pthread_mutex_lock(&c->reql);
	for (;;) {
		uint32_t seq = atomic_load_explicit(&c->r->app_seq, memory_order_acquire);
		int64_t room;

		if (is_dead(c)) {
			rc = -ENETDOWN;
			goto out;
		}
		room = nlrs_ring_space(&c->rq);
		if (room < 0) {
			rc = -EIO;
			goto out;
		}
		if (room > 0)
			break;
		rc = wait_seq(c, seq, 0);
		if (rc == -ENETDOWN)
			goto out;
	}
	rq->tag = ++c->tag;
	memcpy(nlrs_ring_entry(&c->rq, 0), rq, sizeof(*rq));
	nlrs_ring_publish(&c->rq, 1);
	doorbell(c);
	for (;;) {
		uint32_t seq = atomic_load_explicit(&c->r->app_seq, memory_order_acquire);
		int64_t n = nlrs_ring_avail(&c->cq);

		if (n < 0) {
			rc = -EIO;
			goto out;
		}
		while (n-- > 0) {
			struct nlrs_ipc_cqe e;

			memcpy(&e, nlrs_ring_entry(&c->cq, 0), sizeof(e));
			nlrs_ring_release(&c->cq, 1);
			if (e.tag == rq->tag) {
				*out = e;
				rc = e.res;
				goto out;
			}
		}
		rc = wait_seq(c, seq, 0);
		if (rc == -ENETDOWN)
			goto out;
	}
out:
	pthread_mutex_unlock(&c->reql);
	return rc;
}

static int call_simple(struct nlrs_client *c, uint32_t op, int sd, int a0, int a1,
		       struct nlrs_ipc_cqe *out)
{
	struct nlrs_ipc_req rq = { .op = op, .slot = (uint32_t)sd, .arg = { a0, a1 } };
	struct nlrs_ipc_cqe tmp;

	return call(c, &rq, out ? out : &tmp);
}

/* --------------------------------------------------------------- connect */

const char *nlrs_client_default_path(char *buf, size_t len)
{
	const char *p = getenv("NLRS_APP_SOCKET");
	const char *s = getenv("NLRS_SOCKET");

	if (p && *p)
		snprintf(buf, len, "%s", p);
	else if (s && *s)
		snprintf(buf, len, "%s.app", s);
	else
		snprintf(buf, len, "/run/nlrs/nlrsd.sock.app");
	return buf;
}

int nlrs_client_connect(struct nlrs_client **out, const char *path)
{
	return nlrs_client_connect_opts(out, path, NULL);
}

static int welcome_recv(int fd, struct nlrs_ipc_welcome *w, int fds[3])
{
	struct iovec iov = { .iov_base = w, .iov_len = sizeof(*w) };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	ssize_t n;
	int got = 0;

	do
		n = SYS(recvmsg)(fd, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int k = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			for (int i = 0; i < k; i++) {
				int f;

				memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
				if (got < 3)
					fds[got++] = f;
				else
					SYS(close)(f);
			}
		}
	}
	/* nlrsd hung up without a word: SO_PEERCRED refused us */
	if (n == 0 || (n < 0 && errno == ECONNRESET))
		return -EACCES;
	if (n < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	if (n != (ssize_t)sizeof(*w) || w->magic != NLRS_IPC_MAGIC || w->version != NLRS_IPC_VERSION)
		return -EPROTO;
	if (w->status < 0)
		return w->status;
	return got == 3 ? 0 : -EPROTO;
}

int nlrs_client_connect_opts(struct nlrs_client **out, const char *path,
			     const struct nlrs_client_opts *opts)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct nlrs_ipc_hello h = { .magic = NLRS_IPC_MAGIC, .version = NLRS_IPC_VERSION };
	struct nlrs_ipc_welcome w;
	struct timeval tv = { .tv_sec = 5 };
	char def[sizeof(addr.sun_path)];
	int fds[3] = { -1, -1, -1 };
	struct nlrs_client *c;
	struct stat st;
	int rc;

	*out = NULL;
	if (!path)
		path = nlrs_client_default_path(def, sizeof(def));
	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	if (opts) {
		h.nslots = opts->sockets;
		h.ring_size = opts->ring_size;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->epfd = c->efd_d = c->efd_a = -1;
	c->fd = SYS(socket)(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		rc = -errno;
		goto err_free;
	}
	SYS(setsockopt)(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (SYS(connect)(c->fd, (struct sockaddr *)&addr, sizeof(addr))) {
		rc = -errno;
		goto err_close;
	}
	if (SYS(send)(c->fd, &h, sizeof(h), MSG_NOSIGNAL) != (ssize_t)sizeof(h)) {
		/* nlrsd hangs up at once only on a peer SO_PEERCRED refused
		 * (or when it serves too many apps) */
		rc = errno == EPIPE || errno == ECONNRESET ? -EACCES : -errno;
		goto err_close;
	}
	rc = welcome_recv(c->fd, &w, fds);
	if (rc)
		goto err_fds;
	c->efd_d = fds[1];
	c->efd_a = fds[2];
	if (fstat(fds[0], &st) || (uint64_t)st.st_size != w.size || w.size > NLRS_IPC_REGION_MAX) {
		rc = -EPROTO;
		goto err_fds;
	}
	c->map = mmap(NULL, w.size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
	SYS(close)(fds[0]);
	fds[0] = -1;
	if (c->map == MAP_FAILED) {
		c->map = NULL;
		rc = -errno;
		goto err_fds;
	}
	c->r = c->map;
	rc = nlrs_ipc_geom_from_region(&c->g, c->r, w.size);
	if (rc) {
		munmap(c->map, w.size);
		goto err_fds;
	}
	c->sk = calloc(c->g.nslots, sizeof(*c->sk));
	if (!c->sk) {
		munmap(c->map, c->g.size);
		rc = -ENOMEM;
		goto err_fds;
	}
	for (uint32_t i = 0; i < c->g.nslots; i++) {
		pthread_mutex_init(&c->sk[i].rxl, NULL);
		pthread_mutex_init(&c->sk[i].txl, NULL);
		c->sk[i].slot = nlrs_ipc_slot_at(c->map, &c->g, i);
	}
	pthread_mutex_init(&c->reql, NULL);
	nlrs_ring_init(&c->rq, &c->r->rq, (uint8_t *)c->map + c->g.rq_off, c->g.rq_entries,
		       sizeof(struct nlrs_ipc_req), 0);
	nlrs_ring_init(&c->cq, &c->r->cq, (uint8_t *)c->map + c->g.cq_off, c->g.cq_entries,
		       sizeof(struct nlrs_ipc_cqe), 0);
	{
		/* NLRS_CLIENT_SPIN_US: cap of the spin before sleeping (0: none) */
		const char *e = getenv("NLRS_CLIENT_SPIN_US");
		long us = e && *e ? strtol(e, NULL, 10)
				  : sysconf(_SC_NPROCESSORS_ONLN) > 1 ? SPIN_DEFAULT_NS / 1000 : 0;

		c->spin_max = us <= 0 ? 0 : us > 1000 ? 1000000u : (uint32_t)us * 1000u;
		atomic_store(&c->spin, c->spin_max < SPIN_MIN_NS * 8 ? c->spin_max : SPIN_MIN_NS * 8);
	}
	*out = c;
	return 0;

err_fds:
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			SYS(close)(fds[i]);
	c->efd_d = c->efd_a = -1;
err_close:
	SYS(close)(c->fd);
err_free:
	free(c);
	return rc;
}

void nlrs_client_close(struct nlrs_client *c)
{
	if (!c)
		return;
	for (uint32_t i = 0; i < c->g.nslots; i++)
		if (atomic_load(&c->sk[i].open))
			nlrs_close(c, (int)i);
	for (uint32_t i = 0; i < c->g.nslots; i++) {
		pthread_mutex_destroy(&c->sk[i].rxl);
		pthread_mutex_destroy(&c->sk[i].txl);
	}
	pthread_mutex_destroy(&c->reql);
	if (c->epfd >= 0)
		SYS(close)(c->epfd);
	SYS(close)(c->efd_d);
	SYS(close)(c->efd_a);
	SYS(close)(c->fd);
	munmap(c->map, c->g.size);
	free(c->sk);
	free(c);
}

void nlrs_client_forget(struct nlrs_client *c)
{
	if (!c)
		return;
	/* the mutexes may be held by parent threads that do not exist
	 * here: neither locked nor destroyed */
	if (c->epfd >= 0)
		SYS(close)(c->epfd);
	SYS(close)(c->efd_d);
	SYS(close)(c->efd_a);
	SYS(close)(c->fd);
	munmap(c->map, c->g.size);
	free(c->sk);
	free(c);
}

bool nlrs_client_alive(struct nlrs_client *c)
{
	return !check_hup(c);
}

unsigned nlrs_client_slots(const struct nlrs_client *c)
{
	return c->g.nslots;
}

int nlrs_client_fd(struct nlrs_client *c)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd;

	pthread_mutex_lock(&c->reql);
	if (c->epfd >= 0) {
		fd = c->epfd;
		goto out;
	}
	fd = SYS(epoll_create1)(EPOLL_CLOEXEC);
	if (fd < 0) {
		fd = -errno;
		goto out;
	}
	if (SYS(epoll_ctl)(fd, EPOLL_CTL_ADD, c->efd_a, &ev) ||
	    (ev.events = EPOLLIN | EPOLLRDHUP, SYS(epoll_ctl)(fd, EPOLL_CTL_ADD, c->fd, &ev))) {
		int e = -errno;

		SYS(close)(fd);
		fd = e;
		goto out;
	}
	c->epfd = fd;
	atomic_store(&c->r->app_efd_want, 1u);
out:
	pthread_mutex_unlock(&c->reql);
	return fd;
}

void nlrs_client_clear(struct nlrs_client *c)
{
	uint64_t v;

	/* drain first, then clear the flag: a post after the clear writes
	 * the eventfd again, and one before it is seen by the caller's
	 * check that follows (the fence). The other order could drain a
	 * write made after the clear and leave the flag set for good: no
	 * more wake-ups. */
	(void)!SYS(read)(c->efd_a, &v, sizeof(v));
	atomic_store(&c->r->app_efd_pending, 0u);
	atomic_thread_fence(memory_order_seq_cst);
	check_hup(c);
}

/* --------------------------------------------------------------- sockets */

/* Bytes (or record bytes) waiting in the rx ring, and room in the tx
 * ring, from the shared indices only: callable without the socket's
 * locks (poll, FIONREAD). */
static uint32_t rx_waiting(const struct csock *s)
{
	uint32_t n = atomic_load_explicit(&s->slot->rx.prod, memory_order_acquire) -
		     atomic_load_explicit(&s->slot->rx.cons, memory_order_relaxed);

	return n > s->rx.size ? 0 : n;
}

static uint32_t tx_room(const struct csock *s)
{
	uint32_t used = atomic_load_explicit(&s->slot->tx.prod, memory_order_relaxed) -
			atomic_load_explicit(&s->slot->tx.cons, memory_order_acquire);

	return used > s->tx.size ? 0 : s->tx.size - used;
}

static struct csock *sock_get(struct nlrs_client *c, int sd)
{
	if (sd < 0 || (uint32_t)sd >= c->g.nslots || !atomic_load(&c->sk[sd].open))
		return NULL;
	return &c->sk[sd];
}

/* A slot nlrsd just gave us: fresh private state. */
static struct csock *sock_setup(struct nlrs_client *c, int sd, int type, int protocol,
				bool nonblock)
{
	struct csock *s = &c->sk[sd];

	pthread_mutex_lock(&s->rxl);
	pthread_mutex_lock(&s->txl);
	nlrs_ring_init(&s->rx, &s->slot->rx, nlrs_ipc_rxbuf(c->map, &c->g, (uint32_t)sd),
		       c->g.ring_size, 1, 0);
	nlrs_ring_init(&s->tx, &s->slot->tx, nlrs_ipc_txbuf(c->map, &c->g, (uint32_t)sd),
		       c->g.ring_size, 1, 0);
	s->type = type;
	s->protocol = protocol;
	s->connecting = s->shut_rd = s->shut_wr = s->dgram_connected = s->reuseport = false;
	s->rcvtimeo_ms = s->sndtimeo_ms = 0;
	atomic_store(&s->err_seen, 0u);
	atomic_store(&s->nonblock, nonblock);
	atomic_store(&s->open, true);
	pthread_mutex_unlock(&s->txl);
	pthread_mutex_unlock(&s->rxl);
	return s;
}

/* Report the slot's newest error once: its errno, or 0. */
static int take_err(struct csock *s, uint32_t eseq)
{
	uint32_t seen = atomic_load(&s->err_seen);

	if (eseq == seen)
		return 0;
	if (!atomic_compare_exchange_strong(&s->err_seen, &seen, eseq))
		return 0; /* another thread reported it */
	return (int)atomic_load_explicit(&s->slot->err, memory_order_relaxed);
}

static bool err_pending(struct csock *s)
{
	return atomic_load_explicit(&s->slot->err_seq, memory_order_acquire) != atomic_load(&s->err_seen);
}

static int to_ep(const struct sockaddr *a, socklen_t len, struct nlrs_endpoint *ep, bool unspec_ok)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)a;

	if (!a)
		return -EFAULT;
	if (len >= sizeof(sa_family_t) && a->sa_family == AF_UNSPEC && unspec_ok) {
		memset(ep, 0, sizeof(*ep));
		return 0;
	}
	if (len < sizeof(sa_family_t))
		return -EINVAL;
	if (a->sa_family == AF_INET6)
		return -EAFNOSUPPORT;
	if (a->sa_family != AF_INET)
		return -EAFNOSUPPORT;
	if (len < sizeof(struct sockaddr_in))
		return -EINVAL;
	ep->family = NLRS_AF_INET;
	ep->port = ntohs(in->sin_port);
	ep->v4 = ntohl(in->sin_addr.s_addr);
	return 0;
}

static void from_ep(const struct nlrs_endpoint *ep, struct sockaddr *a, socklen_t *len)
{
	struct sockaddr_in in = { .sin_family = AF_INET };

	if (!a || !len)
		return;
	in.sin_port = htons(ep->port);
	in.sin_addr.s_addr = htonl(ep->v4);
	memcpy(a, &in, *len < sizeof(in) ? *len : sizeof(in));
	*len = sizeof(in); /* the real length, as POSIX: may exceed what was given */
}

int nlrs_socket(struct nlrs_client *c, int domain, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int nt, rc;

	if (domain == AF_INET6)
		return -EAFNOSUPPORT;
	if (domain != AF_INET)
		return -EAFNOSUPPORT;
	if (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC | 0xf))
		return -EINVAL;
	switch (base) {
	case SOCK_STREAM:
		if (protocol && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		nt = NLRS_SOCK_STREAM;
		break;
	case SOCK_DGRAM:
		if (protocol && protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
		nt = NLRS_SOCK_DGRAM;
		break;
	case SOCK_RAW:
		if (protocol <= 0 || protocol > 254)
			return -EPROTONOSUPPORT;
		nt = NLRS_SOCK_RAW;
		break;
	default:
		return -ESOCKTNOSUPPORT;
	}
	rc = call_simple(c, NLRS_IPC_OP_SOCKET, 0, nt, protocol, NULL);
	if (rc < 0)
		return rc;
	if ((uint32_t)rc >= c->g.nslots)
		return -EIO;
	sock_setup(c, rc, nt, protocol, (type & SOCK_NONBLOCK) != 0);
	return rc;
}

int nlrs_bind(struct nlrs_client *c, int sd, const struct sockaddr *addr, socklen_t len)
{
	struct nlrs_ipc_req rq = { .op = NLRS_IPC_OP_BIND, .slot = (uint32_t)sd };
	struct nlrs_ipc_cqe ce;
	int rc;

	if (!sock_get(c, sd))
		return -EBADF;
	rc = to_ep(addr, len, &rq.ep, false);
	if (rc)
		return rc;
	return call(c, &rq, &ce);
}

int nlrs_listen(struct nlrs_client *c, int sd, int backlog)
{
	struct csock *s = sock_get(c, sd);

	if (!s)
		return -EBADF;
	if (s->type != NLRS_SOCK_STREAM)
		return -EOPNOTSUPP;
	if (backlog < 1)
		backlog = 1;
	if (backlog > 65535)
		backlog = 65535;
	return call_simple(c, NLRS_IPC_OP_LISTEN, sd, backlog, 0, NULL);
}

static uint32_t slot_state(struct csock *s)
{
	return atomic_load_explicit(&s->slot->state, memory_order_acquire);
}

int nlrs_accept(struct nlrs_client *c, int sd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct csock *s = sock_get(c, sd);
	uint64_t deadline;
	uint32_t gen;

	if (!s)
		return -EBADF;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (s->type != NLRS_SOCK_STREAM)
		return -EOPNOTSUPP;
	if (!(slot_state(s) & NLRS_IPC_S_LISTEN))
		return -EINVAL;
	gen = atomic_load(&s->gen);
	deadline = deadline_of(s->rcvtimeo_ms);
	for (;;) {
		struct nlrs_ipc_cqe ce;
		uint32_t seq;
		int rc = call_simple(c, NLRS_IPC_OP_ACCEPT, sd, 0, 0, &ce);

		if (rc >= 0) {
			if ((uint32_t)rc >= c->g.nslots)
				return -EIO;
			sock_setup(c, rc, NLRS_SOCK_STREAM, IPPROTO_TCP, (flags & SOCK_NONBLOCK) != 0);
			from_ep(&ce.ep[0], addr, len);
			return rc;
		}
		if (rc != -EAGAIN)
			return rc;
		if (atomic_load(&s->nonblock) || check_hup(c))
			return is_dead(c) ? -ENETDOWN : -EAGAIN;
		/* snapshot after the call (whose completion bumped app_seq):
		 * nlrsd sets ACCEPT and then bumps it */
		seq = atomic_load_explicit(&c->r->app_seq, memory_order_acquire);
		if (slot_state(s) & NLRS_IPC_S_ACCEPT)
			continue;
		rc = wait_seq(c, seq, deadline);
		if (rc == -ETIMEDOUT)
			return -EAGAIN;
		if (rc == -EINTR || rc == -ENETDOWN)
			return rc;
		if (atomic_load(&s->gen) != gen)
			return -EBADF;
	}
}

int nlrs_connect(struct nlrs_client *c, int sd, const struct sockaddr *addr, socklen_t len)
{
	struct nlrs_ipc_req rq = { .op = NLRS_IPC_OP_CONNECT, .slot = (uint32_t)sd };
	struct csock *s = sock_get(c, sd);
	struct nlrs_ipc_cqe ce;
	uint64_t deadline;
	uint32_t gen;
	int rc;

	if (!s)
		return -EBADF;
	rc = to_ep(addr, len, &rq.ep, s->type != NLRS_SOCK_STREAM);
	if (rc)
		return rc;
	if (s->type != NLRS_SOCK_STREAM) {
		rc = call(c, &rq, &ce);
		if (rc == 0)
			s->dgram_connected = rq.ep.family != 0;
		return rc;
	}
	if (s->connecting) {
		uint32_t st = slot_state(s);

		if (st & NLRS_IPC_S_CONNFAIL) {
			int e = take_err(s, atomic_load(&s->slot->err_seq));

			s->connecting = false;
			return e ? -e : -ECONNREFUSED;
		}
		if (st & NLRS_IPC_S_CONNECTED) {
			s->connecting = false;
			return -EISCONN;
		}
		if (atomic_load(&s->nonblock))
			return -EALREADY;
	} else {
		rc = call(c, &rq, &ce);
		if (rc == 0)
			return 0;
		if (rc != -EINPROGRESS)
			return rc;
		s->connecting = true;
		if (atomic_load(&s->nonblock))
			return -EINPROGRESS;
	}
	gen = atomic_load(&s->gen);
	deadline = deadline_of(s->sndtimeo_ms);
	for (;;) {
		uint32_t seq = atomic_load_explicit(&c->r->app_seq, memory_order_acquire);
		uint32_t st = slot_state(s);

		if (st & NLRS_IPC_S_CONNECTED) {
			s->connecting = false;
			return 0;
		}
		if (st & NLRS_IPC_S_CONNFAIL) {
			int e = take_err(s, atomic_load(&s->slot->err_seq));

			s->connecting = false;
			return e ? -e : -ECONNREFUSED;
		}
		rc = wait_seq(c, seq, deadline);
		if (rc == -ETIMEDOUT)
			return -EINPROGRESS;
		if (rc == -EINTR || rc == -ENETDOWN)
			return rc;
		if (atomic_load(&s->gen) != gen)
			return -EBADF;
	}
}

/* ------------------------------------------------------------- data path */

static size_t iov_total(const struct msghdr *m)
{
	size_t t = 0;

	for (size_t i = 0; i < (size_t)m->msg_iovlen; i++)
		t += m->msg_iov[i].iov_len;
	return t;
}

/* Copy bytes [off, off+n) of the message's iovecs from/to a ring. */
static void ring_gather(struct nlrs_ring *r, const struct msghdr *m, size_t off, uint32_t n)
{
	for (size_t i = 0; i < (size_t)m->msg_iovlen && n; i++) {
		const struct iovec *v = &m->msg_iov[i];
		uint32_t k;

		if (off >= v->iov_len) {
			off -= v->iov_len;
			continue;
		}
		k = v->iov_len - off < n ? (uint32_t)(v->iov_len - off) : n;
		{
			uint32_t o = r->mine & (r->size - 1), first = r->size - o;

			if (first > k)
				first = k;
			memcpy(r->base + o, (const uint8_t *)v->iov_base + off, first);
			if (k > first)
				memcpy(r->base, (const uint8_t *)v->iov_base + off + first, k - first);
			r->mine += k; /* published by the caller, once */
		}
		n -= k;
		off = 0;
	}
}

static void ring_scatter(const struct nlrs_ring *r, uint32_t skip, const struct msghdr *m,
			 size_t off, uint32_t n)
{
	for (size_t i = 0; i < (size_t)m->msg_iovlen && n; i++) {
		const struct iovec *v = &m->msg_iov[i];
		uint32_t k;

		if (off >= v->iov_len) {
			off -= v->iov_len;
			continue;
		}
		k = v->iov_len - off < n ? (uint32_t)(v->iov_len - off) : n;
		nlrs_bring_copy_out(r, skip, (uint8_t *)v->iov_base + off, k);
		skip += k;
		n -= k;
		off = 0;
	}
}

static ssize_t stream_send(struct nlrs_client *c, struct csock *s, const struct msghdr *m,
			   int flags)
{
	size_t len = iov_total(m), sent = 0;
	bool nb = atomic_load(&s->nonblock) || (flags & MSG_DONTWAIT);
	uint32_t gen = atomic_load(&s->gen);
	uint64_t deadline = deadline_of(s->sndtimeo_ms);
	ssize_t ret;

	pthread_mutex_lock(&s->txl);
	for (;;) {
		uint32_t seq = atomic_load_explicit(&c->r->app_seq, memory_order_acquire);
		uint32_t st = slot_state(s);
		uint32_t eseq = atomic_load_explicit(&s->slot->err_seq, memory_order_acquire);
		int64_t space;
		int rc;

		if (atomic_load(&s->gen) != gen) {
			ret = sent ? (ssize_t)sent : -EBADF;
			break;
		}
		if (s->shut_wr || (st & NLRS_IPC_S_WRCLOSED)) {
			int e = take_err(s, eseq);

			ret = sent ? (ssize_t)sent : (e ? -e : -EPIPE);
			break;
		}
		if (is_dead(c)) {
			ret = sent ? (ssize_t)sent : -EPIPE;
			break;
		}
		if (!(st & NLRS_IPC_S_CONNECTED)) {
			if (!s->connecting || (st & NLRS_IPC_S_CONNFAIL)) {
				ret = sent ? (ssize_t)sent : -ENOTCONN;
				break;
			}
			space = 0; /* wait for the handshake */
		} else {
			space = nlrs_ring_space(&s->tx);
			if (space < 0) {
				ret = -EIO;
				break;
			}
		}
		if (space > 0) {
			uint32_t n = len - sent < (uint64_t)space ? (uint32_t)(len - sent) : (uint32_t)space;

			ring_gather(&s->tx, m, sent, n);
			atomic_store_explicit(&s->tx.idx->prod, s->tx.mine, memory_order_release);
			doorbell(c);
			sent += n;
			if (sent == len) {
				ret = (ssize_t)sent;
				break;
			}
			continue;
		}
		if (nb) {
			check_hup(c);
			ret = sent ? (ssize_t)sent : -EAGAIN;
			break;
		}
		rc = wait_seq(c, seq, deadline);
		if (rc == -ETIMEDOUT || rc == -EINTR) {
			ret = sent ? (ssize_t)sent : (rc == -EINTR ? -EINTR : -EAGAIN);
			break;
		}
	}
	pthread_mutex_unlock(&s->txl);
	return ret;
}

/* Consumed rx bytes or records: nlrsd may be waiting for the room. */
static void rx_freed(struct nlrs_client *c, struct csock *s)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&s->slot->rx_blocked, memory_order_relaxed))
		doorbell(c);
}

static ssize_t stream_recv(struct nlrs_client *c, struct csock *s, struct msghdr *m, int flags)
{
	size_t len = iov_total(m), got = 0;
	bool nb = atomic_load(&s->nonblock) || (flags & MSG_DONTWAIT);
	bool peek = flags & MSG_PEEK;
	bool waitall = (flags & MSG_WAITALL) && !peek;
	uint32_t gen = atomic_load(&s->gen);
	uint64_t deadline = deadline_of(s->rcvtimeo_ms);
	ssize_t ret;

	if (len == 0)
		return 0;
	pthread_mutex_lock(&s->rxl);
	for (;;) {
		uint32_t seq = atomic_load_explicit(&c->r->app_seq, memory_order_acquire);
		/* state and error before the data: nlrsd publishes bytes
		 * before the EOF or error that follows them */
		uint32_t st = slot_state(s);
		uint32_t eseq = atomic_load_explicit(&s->slot->err_seq, memory_order_acquire);
		int64_t avail = nlrs_ring_avail(&s->rx);
		int e, rc;

		if (atomic_load(&s->gen) != gen) {
			ret = got ? (ssize_t)got : -EBADF;
			break;
		}
		if (avail < 0) {
			ret = -EIO;
			break;
		}
		if (avail > 0 && !s->shut_rd) {
			uint32_t n = len - got < (uint64_t)avail ? (uint32_t)(len - got) : (uint32_t)avail;

			ring_scatter(&s->rx, 0, m, got, n);
			got += n;
			if (!peek) {
				nlrs_ring_release(&s->rx, n);
				rx_freed(c, s);
			}
			if (!waitall || got == len) {
				ret = (ssize_t)got;
				break;
			}
			continue;
		}
		if (got) { /* MSG_WAITALL cut short by EOF or an error */
			if ((st & NLRS_IPC_S_EOF) || eseq != atomic_load(&s->err_seen) || is_dead(c) || nb) {
				ret = (ssize_t)got;
				break;
			}
		}
		e = take_err(s, eseq);
		if (e) {
			ret = -e;
			break;
		}
		if (s->shut_rd || (st & NLRS_IPC_S_EOF)) {
			ret = 0;
			break;
		}
		if (is_dead(c)) {
			ret = -ECONNRESET;
			break;
		}
		if (!(st & NLRS_IPC_S_CONNECTED) && !s->connecting) {
			ret = -ENOTCONN;
			break;
		}
		if (nb) {
			ret = check_hup(c) ? -ECONNRESET : -EAGAIN;
			break;
		}
		rc = wait_seq(c, seq, deadline);
		if (rc == -ETIMEDOUT || rc == -EINTR) {
			ret = got ? (ssize_t)got : (rc == -EINTR ? -EINTR : -EAGAIN);
			break;
		}
	}
	pthread_mutex_unlock(&s->rxl);
	return ret;
}

static ssize_t dgram_send(struct nlrs_client *c, struct csock *s, const struct msghdr *m,
			  int flags)
{
	size_t len = iov_total(m);
	bool nb = atomic_load(&s->nonblock) || (flags & MSG_DONTWAIT);
	uint32_t gen = atomic_load(&s->gen);
	uint64_t deadline = deadline_of(s->sndtimeo_ms);
	struct nlrs_endpoint ep = { 0 };
	ssize_t ret;

	if (m->msg_name) {
		int rc = to_ep(m->msg_name, m->msg_namelen, &ep, false);

		if (rc)
			return rc;
	} else if (!s->dgram_connected) {
		return -EDESTADDRREQ;
	}
	if (len > NLRS_REC_MAX)
		return -EMSGSIZE;
	pthread_mutex_lock(&s->txl);
	for (;;) {
		uint32_t seq = atomic_load_explicit(&c->r->app_seq, memory_order_acquire);
		int err, rc;
		uint8_t *p;

		if (atomic_load(&s->gen) != gen) {
			ret = -EBADF;
			break;
		}
		if (is_dead(c)) {
			ret = -ENETDOWN;
			break;
		}
		p = nlrs_rec_reserve(&s->tx, (uint32_t)len, &err);
		if (p) {
			size_t off = 0;

			for (size_t i = 0; i < (size_t)m->msg_iovlen; i++) {
				memcpy(p + off, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
				off += m->msg_iov[i].iov_len;
			}
			nlrs_rec_commit(&s->tx, (uint32_t)len, 0, m->msg_name ? &ep : NULL);
			doorbell(c);
			ret = (ssize_t)len;
			break;
		}
		if (err) {
			ret = err == -EPROTO ? -EIO : err;
			break;
		}
		if (nb) {
			check_hup(c);
			ret = -EAGAIN;
			break;
		}
		rc = wait_seq(c, seq, deadline);
		if (rc == -ETIMEDOUT || rc == -EINTR) {
			ret = rc == -EINTR ? -EINTR : -EAGAIN;
			break;
		}
	}
	pthread_mutex_unlock(&s->txl);
	return ret;
}

static ssize_t dgram_recv(struct nlrs_client *c, struct csock *s, struct msghdr *m, int flags)
{
	bool nb = atomic_load(&s->nonblock) || (flags & MSG_DONTWAIT);
	uint32_t gen = atomic_load(&s->gen);
	uint64_t deadline = deadline_of(s->rcvtimeo_ms);
	size_t len = iov_total(m);
	ssize_t ret;

	m->msg_flags = 0;
	pthread_mutex_lock(&s->rxl);
	for (;;) {
		uint32_t seq = atomic_load_explicit(&c->r->app_seq, memory_order_acquire);
		uint32_t eseq = atomic_load_explicit(&s->slot->err_seq, memory_order_acquire);
		struct nlrs_rec_hdr h;
		const uint8_t *p;
		int rc, e;

		if (atomic_load(&s->gen) != gen) {
			ret = -EBADF;
			break;
		}
		rc = nlrs_rec_peek(&s->rx, &h, &p);
		if (rc < 0) {
			ret = -EIO;
			break;
		}
		if (rc == 1) {
			size_t n = h.len < len ? h.len : len, off = 0;
			socklen_t nl = m->msg_namelen;

			for (size_t i = 0; i < (size_t)m->msg_iovlen && off < n; i++) {
				size_t k = m->msg_iov[i].iov_len < n - off ? m->msg_iov[i].iov_len : n - off;

				memcpy(m->msg_iov[i].iov_base, p + off, k);
				off += k;
			}
			if (m->msg_name) {
				from_ep(&h.ep, m->msg_name, &nl);
				m->msg_namelen = nl;
			}
			if (h.len > len)
				m->msg_flags |= MSG_TRUNC;
			ret = (flags & MSG_TRUNC) ? (ssize_t)h.len : (ssize_t)n;
			if (!(flags & MSG_PEEK)) {
				nlrs_rec_consume(&s->rx, &h);
				rx_freed(c, s);
			}
			break;
		}
		e = take_err(s, eseq);
		if (e) {
			ret = -e;
			break;
		}
		if (is_dead(c)) {
			ret = -ENETDOWN;
			break;
		}
		if (nb) {
			ret = check_hup(c) ? -ENETDOWN : -EAGAIN;
			break;
		}
		rc = wait_seq(c, seq, deadline);
		if (rc == -ETIMEDOUT || rc == -EINTR) {
			ret = rc == -EINTR ? -EINTR : -EAGAIN;
			break;
		}
	}
	pthread_mutex_unlock(&s->rxl);
	return ret;
}

ssize_t nlrs_sendmsg(struct nlrs_client *c, int sd, const struct msghdr *msg, int flags)
{
	struct csock *s = sock_get(c, sd);

	if (!s)
		return -EBADF;
	if (!msg || (msg->msg_iovlen && !msg->msg_iov))
		return -EFAULT;
	if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE | MSG_EOR))
		return -EOPNOTSUPP;
	if (s->type == NLRS_SOCK_STREAM)
		return stream_send(c, s, msg, flags);
	return dgram_send(c, s, msg, flags);
}

ssize_t nlrs_recvmsg(struct nlrs_client *c, int sd, struct msghdr *msg, int flags)
{
	struct csock *s = sock_get(c, sd);

	if (!s)
		return -EBADF;
	if (!msg || (msg->msg_iovlen && !msg->msg_iov))
		return -EFAULT;
	if (flags & ~(MSG_DONTWAIT | MSG_PEEK | MSG_WAITALL | MSG_TRUNC | MSG_NOSIGNAL | MSG_CMSG_CLOEXEC))
		return -EOPNOTSUPP;
	msg->msg_controllen = 0;
	if (s->type == NLRS_SOCK_STREAM) {
		msg->msg_flags = 0;
		if (msg->msg_name) {
			/* as Linux: no address on a connected stream */
			msg->msg_namelen = 0;
		}
		return stream_recv(c, s, msg, flags);
	}
	return dgram_recv(c, s, msg, flags);
}

ssize_t nlrs_send(struct nlrs_client *c, int sd, const void *buf, size_t len, int flags)
{
	return nlrs_sendto(c, sd, buf, len, flags, NULL, 0);
}

ssize_t nlrs_sendto(struct nlrs_client *c, int sd, const void *buf, size_t len, int flags,
		    const struct sockaddr *to, socklen_t tolen)
{
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_name = (void *)(uintptr_t)to,
			    .msg_namelen = tolen };
	struct csock *s = sock_get(c, sd);

	if (s && s->type == NLRS_SOCK_STREAM)
		m.msg_name = NULL; /* Linux ignores it on a connected stream */
	if (!buf && len)
		return -EFAULT;
	return nlrs_sendmsg(c, sd, &m, flags);
}

ssize_t nlrs_recv(struct nlrs_client *c, int sd, void *buf, size_t len, int flags)
{
	return nlrs_recvfrom(c, sd, buf, len, flags, NULL, NULL);
}

ssize_t nlrs_recvfrom(struct nlrs_client *c, int sd, void *buf, size_t len, int flags,
		      struct sockaddr *from, socklen_t *fromlen)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct sockaddr_in tmp;
	ssize_t n;

	if (!buf && len)
		return -EFAULT;
	if (from && fromlen) {
		m.msg_name = &tmp;
		m.msg_namelen = sizeof(tmp);
	}
	n = nlrs_recvmsg(c, sd, &m, flags);
	if (n >= 0 && from && fromlen) {
		if (m.msg_namelen) {
			memcpy(from, &tmp, *fromlen < sizeof(tmp) ? *fromlen : sizeof(tmp));
			*fromlen = sizeof(tmp);
		} else {
			*fromlen = 0;
		}
	}
	return n;
}

int nlrs_close(struct nlrs_client *c, int sd)
{
	struct csock *s = sock_get(c, sd);
	bool was = true;
	int rc;

	if (!s || !atomic_compare_exchange_strong(&s->open, &was, false))
		return -EBADF;
	atomic_fetch_add(&s->gen, 1u);
	rc = call_simple(c, NLRS_IPC_OP_CLOSE, sd, 0, 0, NULL);
	/* threads blocked on the socket: look again (they see gen moved) */
	atomic_fetch_add(&c->r->app_seq, 1u);
	if (atomic_load(&c->r->app_waiters))
		syscall(SYS_futex, &c->r->app_seq, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	return rc == -ENETDOWN ? 0 : rc; /* closing after nlrsd died is not an error */
}

int nlrs_shutdown(struct nlrs_client *c, int sd, int how)
{
	struct csock *s = sock_get(c, sd);
	int rc;

	if (!s)
		return -EBADF;
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	rc = call_simple(c, NLRS_IPC_OP_SHUTDOWN, sd, how, 0, NULL);
	if (rc == 0 && s->type == NLRS_SOCK_STREAM) {
		if (how != SHUT_WR)
			s->shut_rd = true;
		if (how != SHUT_RD)
			s->shut_wr = true;
		/* blocked readers/writers of this socket: look again */
		atomic_fetch_add(&c->r->app_seq, 1u);
		syscall(SYS_futex, &c->r->app_seq, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	}
	return rc;
}

/* ----------------------------------------------------------------- names */

static int getname(struct nlrs_client *c, int sd, struct sockaddr *addr, socklen_t *len, int which)
{
	struct nlrs_ipc_cqe ce;
	int rc;

	if (!sock_get(c, sd))
		return -EBADF;
	if (!addr || !len)
		return -EFAULT;
	rc = call_simple(c, NLRS_IPC_OP_GETNAME, sd, 0, 0, &ce);
	if (rc < 0)
		return rc;
	if (which == 1 && ce.ep[1].family == 0)
		return -ENOTCONN;
	if (which == 1 && c->sk[sd].type == NLRS_SOCK_STREAM &&
	    !(slot_state(&c->sk[sd]) & NLRS_IPC_S_CONNECTED))
		return -ENOTCONN;
	from_ep(&ce.ep[which], addr, len);
	return 0;
}

int nlrs_getsockname(struct nlrs_client *c, int sd, struct sockaddr *addr, socklen_t *len)
{
	return getname(c, sd, addr, len, 0);
}

int nlrs_getpeername(struct nlrs_client *c, int sd, struct sockaddr *addr, socklen_t *len)
{
	return getname(c, sd, addr, len, 1);
}

/* --------------------------------------------------------------- options */

static int opt_map(int level, int name, enum nlrs_sockopt *o)
{
	static const struct {
		int level, name;
		enum nlrs_sockopt o;
	} map[] = {
		{ SOL_SOCKET, SO_RCVBUF, NLRS_SO_RCVBUF },
		{ SOL_SOCKET, SO_SNDBUF, NLRS_SO_SNDBUF },
		{ SOL_SOCKET, SO_BROADCAST, NLRS_SO_BROADCAST },
		{ SOL_SOCKET, SO_KEEPALIVE, NLRS_SO_KEEPALIVE },
		{ SOL_SOCKET, SO_REUSEADDR, NLRS_SO_REUSEADDR },
		{ SOL_SOCKET, SO_ACCEPTCONN, NLRS_SO_ACCEPTCONN },
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

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].level == level && map[i].name == name) {
			*o = map[i].o;
			return 0;
		}
	}
	return -ENOPROTOOPT;
}

static int put_int(void *val, socklen_t *len, int v)
{
	if (!val || !len)
		return -EFAULT;
	if (*len < sizeof(int)) {
		/* Linux copies what fits of a small int option */
		if (*len == 0)
			return -EINVAL;
		memcpy(val, &v, *len);
		return 0;
	}
	memcpy(val, &v, sizeof(int));
	*len = sizeof(int);
	return 0;
}

static int ms_of(const void *val, socklen_t len, int *ms)
{
	struct timeval tv;

	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if (tv.tv_sec < 0) {
		*ms = 0; /* Linux: a negative timeout means none */
		return 0;
	}
	*ms = tv.tv_sec > INT_MAX / 1000 - 1 ? INT_MAX : (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
	return 0;
}

static int put_tv(void *val, socklen_t *len, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	if (!val || !len)
		return -EFAULT;
	if (*len < sizeof(tv))
		return -EINVAL;
	memcpy(val, &tv, sizeof(tv));
	*len = sizeof(tv);
	return 0;
}

int nlrs_getsockopt(struct nlrs_client *c, int sd, int level, int name, void *val, socklen_t *len)
{
	struct csock *s = sock_get(c, sd);
	struct nlrs_ipc_cqe ce;
	enum nlrs_sockopt o;
	int rc;

	if (!s)
		return -EBADF;
	if (!val || !len)
		return -EFAULT;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_ERROR: {
			int e = take_err(s, atomic_load_explicit(&s->slot->err_seq, memory_order_acquire));

			if (!e && is_dead(c))
				e = ENETDOWN;
			if (!e) {
				rc = call_simple(c, NLRS_IPC_OP_GETOPT, sd, NLRS_SO_ERROR, 0, &ce);
				e = rc < 0 ? 0 : ce.val;
			}
			return put_int(val, len, e);
		}
		case SO_TYPE:
			return put_int(val, len, s->type == NLRS_SOCK_STREAM ? SOCK_STREAM
					   : s->type == NLRS_SOCK_DGRAM ? SOCK_DGRAM : SOCK_RAW);
		case SO_DOMAIN:
			return put_int(val, len, AF_INET);
		case SO_PROTOCOL:
			return put_int(val, len, s->type == NLRS_SOCK_STREAM ? IPPROTO_TCP
					   : s->type == NLRS_SOCK_DGRAM ? IPPROTO_UDP : s->protocol);
		case SO_REUSEPORT:
			return put_int(val, len, s->reuseport);
		case SO_RCVTIMEO:
			return put_tv(val, len, s->rcvtimeo_ms);
		case SO_SNDTIMEO:
			return put_tv(val, len, s->sndtimeo_ms);
		case SO_LINGER: {
			struct linger l = { 0 };

			if (*len < sizeof(l))
				return -EINVAL;
			rc = call_simple(c, NLRS_IPC_OP_GETOPT, sd, NLRS_SO_LINGER, 0, &ce);
			if (rc < 0)
				return rc;
			l.l_onoff = ce.val >= 0;
			l.l_linger = ce.val >= 0 ? ce.val : 0;
			memcpy(val, &l, sizeof(l));
			*len = sizeof(l);
			return 0;
		}
		default:
			break;
		}
	}
	rc = opt_map(level, name, &o);
	if (rc)
		return rc;
	rc = call_simple(c, NLRS_IPC_OP_GETOPT, sd, (int)o, 0, &ce);
	if (rc < 0)
		return rc;
	return put_int(val, len, ce.val);
}

int nlrs_setsockopt(struct nlrs_client *c, int sd, int level, int name, const void *val,
		    socklen_t len)
{
	struct csock *s = sock_get(c, sd);
	enum nlrs_sockopt o;
	int v, rc;

	if (!s)
		return -EBADF;
	if (!val && len)
		return -EFAULT;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_RCVTIMEO:
		case SO_SNDTIMEO: {
			int ms = 0;

			rc = ms_of(val, len, &ms);
			if (rc == 0)
				atomic_store(name == SO_RCVTIMEO ? &s->rcvtimeo_ms : &s->sndtimeo_ms, ms);
			return rc;
		}
		case SO_LINGER: {
			struct linger l;

			if (len < sizeof(l))
				return -EINVAL;
			memcpy(&l, val, sizeof(l));
			return call_simple(c, NLRS_IPC_OP_SETOPT, sd, NLRS_SO_LINGER,
					   l.l_onoff ? (l.l_linger < 0 ? 0 : l.l_linger) : -1, NULL);
		}
		case SO_REUSEPORT:
			if (len < sizeof(int))
				return -EINVAL;
			memcpy(&v, val, sizeof(v));
			s->reuseport = v != 0;
			return 0;
		case SO_ERROR:
		case SO_TYPE:
		case SO_DOMAIN:
		case SO_PROTOCOL:
		case SO_ACCEPTCONN:
			return -ENOPROTOOPT;
		default:
			break;
		}
	}
	rc = opt_map(level, name, &o);
	if (rc)
		return rc;
	if (len < sizeof(int)) {
		/* Linux takes a single byte for many int options */
		if (len < 1)
			return -EINVAL;
		v = *(const unsigned char *)val;
	} else {
		memcpy(&v, val, sizeof(v));
	}
	return call_simple(c, NLRS_IPC_OP_SETOPT, sd, (int)o, v, NULL);
}

int nlrs_set_nonblock(struct nlrs_client *c, int sd, bool on)
{
	struct csock *s = sock_get(c, sd);

	if (!s)
		return -EBADF;
	atomic_store(&s->nonblock, on);
	return 0;
}

int nlrs_get_nonblock(struct nlrs_client *c, int sd)
{
	struct csock *s = sock_get(c, sd);

	return s ? (int)atomic_load(&s->nonblock) : -EBADF;
}

int nlrs_readable_bytes(struct nlrs_client *c, int sd)
{
	struct csock *s = sock_get(c, sd);
	int64_t n;

	if (!s)
		return -EBADF;
	if (s->type == NLRS_SOCK_STREAM) {
		n = rx_waiting(s);
		return n > INT_MAX ? INT_MAX : (int)n;
	}
	{
		struct nlrs_rec_hdr h;
		const uint8_t *p;
		int rc;

		pthread_mutex_lock(&s->rxl);
		rc = nlrs_rec_peek(&s->rx, &h, &p);
		pthread_mutex_unlock(&s->rxl);
		return rc < 0 ? -EIO : rc == 0 ? 0 : (int)h.len;
	}
}

/* ------------------------------------------------------------------ poll */

short nlrs_revents(struct nlrs_client *c, int sd, short events)
{
	struct csock *s = sock_get(c, sd);
	short re = 0;
	uint32_t st;

	if (!s)
		return POLLNVAL;
	st = slot_state(s);
	if (is_dead(c))
		return (short)((POLLERR | POLLHUP | POLLIN | POLLOUT) & (events | POLLERR | POLLHUP));
	if (err_pending(s))
		re |= POLLERR;
	if (s->type == NLRS_SOCK_STREAM) {
		if (st & NLRS_IPC_S_LISTEN) {
			if (st & NLRS_IPC_S_ACCEPT)
				re |= POLLIN;
		} else if (st & NLRS_IPC_S_CONNFAIL) {
			re |= POLLOUT | POLLHUP | POLLERR;
		} else if (st & NLRS_IPC_S_CONNECTED) {
			if (rx_waiting(s) || (st & NLRS_IPC_S_EOF) || s->shut_rd)
				re |= POLLIN;
			if (st & NLRS_IPC_S_EOF)
				re |= POLLRDHUP;
			if (!(st & NLRS_IPC_S_WRCLOSED) && !s->shut_wr && tx_room(s))
				re |= POLLOUT;
			if ((st & NLRS_IPC_S_HUP) || ((st & NLRS_IPC_S_EOF) && s->shut_wr))
				re |= POLLHUP;
			if (re & POLLERR)
				re |= POLLIN;
		} else if (!s->connecting) {
			re |= POLLOUT | POLLHUP; /* as Linux for a fresh TCP socket */
		}
	} else {
		if (rx_waiting(s) || (re & POLLERR))
			re |= POLLIN;
		if (tx_room(s) >= nlrs_rec_total(NLRS_REC_MAX) * 2u)
			re |= POLLOUT;
	}
	return (short)(re & (events | POLLERR | POLLHUP));
}

int nlrs_poll(struct nlrs_client *c, struct nlrs_pollfd *fds, unsigned n, int timeout_ms)
{
	uint64_t deadline = timeout_ms > 0 ? deadline_of(timeout_ms) : 0;

	for (;;) {
		uint32_t seq = atomic_load_explicit(&c->r->app_seq, memory_order_acquire);
		int ready = 0, rc;

		for (unsigned i = 0; i < n; i++) {
			fds[i].revents = fds[i].sd < 0 ? 0 : nlrs_revents(c, fds[i].sd, fds[i].events);
			if (fds[i].revents)
				ready++;
		}
		if (ready || timeout_ms == 0)
			return ready;
		rc = wait_seq(c, seq, deadline);
		if (rc == -ETIMEDOUT)
			return 0;
		if (rc == -EINTR)
			return rc;
		/* -ENETDOWN: the next pass reports every socket as failed */
	}
}
