/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nlrs-client-test: the client library (include/nlrs/client.h) driven
 * from the command line, for tests/integration/client_*.sh and
 * tests/bench/client_bench.sh. Every command talks to nlrsd through
 * $NLRS_APP_SOCKET / $NLRS_SOCKET (or --app-socket PATH).
 *
 *   send HOST PORT            connect, send stdin, shutdown(WR), wait for EOF
 *   recv HOST PORT            connect, write what arrives to stdout until EOF
 *   serve PORT send|recv      listen, accept one, then as send / recv
 *   udp-echo-server PORT N    echo N datagrams back to their senders
 *   udp-client HOST PORT N    N datagrams of 1..1400 bytes, each echo checked
 *   hold HOST PORT BYTES      connect, send BYTES, print "held", sleep (to be killed)
 *   block-recv HOST PORT      connect, print "blocked", block in recv; print
 *                             the result and the ms it took once it returns
 *   isolation SLOTS           try socket ids 0..SLOTS-1 this client never
 *                             opened: every call must say EBADF
 *   garbage requests|record   a raw session that writes garbage requests,
 *                             then a lying ring index (or a datagram record
 *                             longer than what it published): nlrsd must
 *                             answer the first with errors, then disconnect
 *   pingpong HOST PORT N SIZE N round trips of SIZE bytes; prints p50/p99 us
 *   pong PORT                 accept one, echo until EOF
 *   stream HOST PORT MIB      send MIB MiB as fast as possible; prints MB/s
 *   api                       local checks of argument errors (no network)
 *   threads HOST PORT N       against an echo server: N threads, each its own
 *                             connection and 500 checked round trips, while
 *                             two more threads share one connection (one
 *                             sends 8 MiB, the other reads the echo back)
 *   evloop HOST PORT          non-blocking connect and echo of 4 MiB driven
 *                             by the kernel's poll() on nlrs_client_fd()
 *   serve-many PORT N         accept N connections on one thread, serve each
 *                             (echo until EOF, close) on a pool of 4 others
 *   fork HOST PORT            connect to an echo server, fork; the child
 *                             forgets the inherited client, connects its
 *                             own and echoes on a connection of its own; then
 *                             the parent's connection still echoes
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nlrs/client.h"
#include "ring.h"

static const char *app_path;

static void die(const char *what, long rc)
{
	fprintf(stderr, "nlrs-client-test: %s: %s\n", what, rc < 0 ? strerror((int)-rc) : "failed");
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static struct nlrs_client *cl_open(void)
{
	struct nlrs_client *c;
	int rc = nlrs_client_connect(&c, app_path);

	if (rc)
		die("nlrs_client_connect", rc);
	return c;
}

static struct sockaddr_in sin_of(const char *host, const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };

	if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
		fprintf(stderr, "nlrs-client-test: bad address %s\n", host);
		exit(2);
	}
	return a;
}

static int tcp_connect(struct nlrs_client *c, const char *host, const char *port)
{
	struct sockaddr_in a = sin_of(host, port);
	int sd = nlrs_socket(c, AF_INET, SOCK_STREAM, 0);
	int rc;

	if (sd < 0)
		die("socket", sd);
	rc = nlrs_connect(c, sd, (struct sockaddr *)&a, sizeof(a));
	if (rc)
		die("connect", rc);
	return sd;
}

static int tcp_accept_one(struct nlrs_client *c, const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);
	int one = 1, ls = nlrs_socket(c, AF_INET, SOCK_STREAM, 0), sd, rc;

	if (ls < 0)
		die("socket", ls);
	nlrs_setsockopt(c, ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	rc = nlrs_bind(c, ls, (struct sockaddr *)&a, sizeof(a));
	if (rc)
		die("bind", rc);
	rc = nlrs_listen(c, ls, 8);
	if (rc)
		die("listen", rc);
	fprintf(stderr, "listening\n"); /* stdout may be the data */
	sd = nlrs_accept(c, ls, (struct sockaddr *)&peer, &plen, 0);
	if (sd < 0)
		die("accept", sd);
	fprintf(stderr, "accepted %s:%u\n", inet_ntoa(peer.sin_addr), ntohs(peer.sin_port));
	nlrs_close(c, ls);
	return sd;
}

static void do_send(struct nlrs_client *c, int sd)
{
	static char buf[1 << 16];
	ssize_t n;
	long long total = 0;

	while ((n = read(0, buf, sizeof(buf))) > 0) {
		ssize_t w = nlrs_send(c, sd, buf, (size_t)n, 0);

		if (w != n)
			die("send", w < 0 ? w : -EIO);
		total += n;
	}
	n = nlrs_shutdown(c, sd, SHUT_WR);
	if (n)
		die("shutdown", n);
	/* wait for the peer's EOF, so every byte is acknowledged */
	while ((n = nlrs_recv(c, sd, buf, sizeof(buf), 0)) > 0)
		;
	if (n < 0)
		die("recv (waiting for EOF)", n);
	fprintf(stderr, "sent %lld bytes\n", total);
	nlrs_close(c, sd);
}

static void do_recv(struct nlrs_client *c, int sd)
{
	static char buf[1 << 16];
	ssize_t n;
	long long total = 0;

	while ((n = nlrs_recv(c, sd, buf, sizeof(buf), 0)) > 0) {
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			die("stdout", -EIO);
		total += n;
	}
	if (n < 0)
		die("recv", n);
	fflush(stdout);
	fprintf(stderr, "received %lld bytes\n", total);
	nlrs_close(c, sd);
}

static void udp_echo_server(struct nlrs_client *c, const char *port, long count)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	static char buf[65536];
	int sd = nlrs_socket(c, AF_INET, SOCK_DGRAM, 0), rc;

	if (sd < 0)
		die("socket", sd);
	rc = nlrs_bind(c, sd, (struct sockaddr *)&a, sizeof(a));
	if (rc)
		die("bind", rc);
	printf("listening\n");
	fflush(stdout);
	for (long i = 0; i < count; i++) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = nlrs_recvfrom(c, sd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);

		if (n < 0)
			die("recvfrom", n);
		n = nlrs_sendto(c, sd, buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
		if (n < 0)
			die("sendto", n);
	}
	printf("echoed %ld\n", count);
	nlrs_close(c, sd);
}

static void fill(char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (char)((i * 31u + seed * 7u) & 0xff);
}

static void udp_client(struct nlrs_client *c, const char *host, const char *port, long count)
{
	struct sockaddr_in a = sin_of(host, port);
	static char out[2000], in[2000];
	struct timeval tv = { .tv_sec = 1 };
	int sd = nlrs_socket(c, AF_INET, SOCK_DGRAM, 0);
	long ok = 0, lost = 0;

	if (sd < 0)
		die("socket", sd);
	nlrs_setsockopt(c, sd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (long i = 0; i < count; i++) {
		size_t len = 1 + (size_t)(i * 137 % 1400);
		ssize_t n;

		fill(out, len, (unsigned)i);
		n = nlrs_sendto(c, sd, out, len, 0, (struct sockaddr *)&a, sizeof(a));
		if (n != (ssize_t)len)
			die("sendto", n);
		n = nlrs_recv(c, sd, in, sizeof(in), 0);
		if (n == -EAGAIN) {
			lost++;
			continue;
		}
		if (n < 0)
			die("recv", n);
		if ((size_t)n != len || memcmp(in, out, len)) {
			fprintf(stderr, "datagram %ld: echo differs (%zd bytes, sent %zu)\n", i, n, len);
			exit(1);
		}
		ok++;
	}
	printf("udp ok=%ld lost=%ld\n", ok, lost);
	nlrs_close(c, sd);
}

static void hold(struct nlrs_client *c, const char *host, const char *port, long bytes)
{
	static char buf[1 << 16];
	int sd = tcp_connect(c, host, port);

	while (bytes > 0) {
		size_t k = bytes < (long)sizeof(buf) ? (size_t)bytes : sizeof(buf);
		ssize_t n;

		fill(buf, k, 1);
		n = nlrs_send(c, sd, buf, k, 0);
		if (n < 0)
			die("send", n);
		bytes -= n;
	}
	printf("held\n");
	fflush(stdout);
	for (;;)
		pause();
}

static void block_recv(struct nlrs_client *c, const char *host, const char *port)
{
	char buf[100];
	int sd = tcp_connect(c, host, port);
	double t0;
	ssize_t n;

	printf("blocked\n");
	fflush(stdout);
	t0 = now_us();
	n = nlrs_recv(c, sd, buf, sizeof(buf), 0);
	printf("recv=%zd (%s) after_ms=%.0f\n", n, n < 0 ? strerror((int)-n) : "data",
	       (now_us() - t0) / 1000.0);
	/* and every later call fails too, at once */
	n = nlrs_send(c, sd, "x", 1, 0);
	printf("send=%zd (%s)\n", n, n < 0 ? strerror((int)-n) : "ok");
	n = nlrs_socket(c, AF_INET, SOCK_STREAM, 0);
	printf("socket=%zd (%s)\n", n, n < 0 ? strerror((int)-n) : "ok");
	fflush(stdout);
}

static void isolation(struct nlrs_client *c, long slots)
{
	char buf[16];
	long bad = 0;

	for (long sd = 0; sd < slots; sd++) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		socklen_t alen = sizeof(a);

		if (nlrs_recv(c, (int)sd, buf, sizeof(buf), MSG_DONTWAIT) != -EBADF ||
		    nlrs_send(c, (int)sd, buf, 1, MSG_DONTWAIT) != -EBADF ||
		    nlrs_getpeername(c, (int)sd, (struct sockaddr *)&a, &alen) != -EBADF ||
		    nlrs_close(c, (int)sd) != -EBADF)
			bad++;
	}
	printf("isolation checked=%ld bad=%ld\n", slots, bad);
}

/* A raw session with no client library: what a hostile app could do. */
static void garbage(const char *kind)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct nlrs_ipc_hello h = { .magic = NLRS_IPC_MAGIC, .version = NLRS_IPC_VERSION };
	struct nlrs_ipc_welcome w;
	union {
		struct cmsghdr hd;
		char b[CMSG_SPACE(3 * sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = &w, .iov_len = sizeof(w) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			    .msg_controllen = sizeof(u.b) };
	struct nlrs_ipc_region *r;
	struct nlrs_ipc_geom g;
	struct nlrs_ring rq, cq;
	int fds[3], fd, errors = 0;
	uint64_t one = 1;
	void *map;
	char def[108];
	struct pollfd p;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s",
		 app_path ? app_path : nlrs_client_default_path(def, sizeof(def)));
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    send(fd, &h, sizeof(h), 0) != sizeof(h) || recvmsg(fd, &m, 0) != sizeof(w))
		die("raw hello", -errno);
	memcpy(fds, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(fds));
	/* the region is sealed: an app cannot shrink it under nlrsd */
	if (ftruncate(fds[0], 4096) == 0)
		die("ftruncate of the region succeeded (not sealed)", -EIO);
	map = mmap(NULL, w.size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
	if (map == MAP_FAILED)
		die("mmap", -errno);
	r = map;
	if (nlrs_ipc_geom_from_region(&g, r, w.size))
		die("region header", -EPROTO);
	nlrs_ring_init(&rq, &r->rq, (uint8_t *)map + g.rq_off, g.rq_entries, sizeof(struct nlrs_ipc_req), 0);
	nlrs_ring_init(&cq, &r->cq, (uint8_t *)map + g.cq_off, g.cq_entries, sizeof(struct nlrs_ipc_cqe), 0);

	if (!strcmp(kind, "record")) {
		/* a UDP socket, then a datagram record whose length runs past
		 * what was published */
		struct nlrs_ipc_req *e = nlrs_ring_entry(&rq, 0);
		struct nlrs_ipc_cqe *ce;
		struct nlrs_rec_hdr hd = { .len = 60000 };
		struct nlrs_ipc_slot *sl;
		int slot;

		memset(e, 0, sizeof(*e));
		e->op = NLRS_IPC_OP_SOCKET;
		e->arg[0] = NLRS_SOCK_DGRAM;
		e->tag = 1;
		nlrs_ring_publish(&rq, 1);
		(void)!write(fds[1], &one, sizeof(one));
		for (int t = 0; t < 2000 && nlrs_ring_avail(&cq) == 0; t++)
			usleep(1000);
		ce = nlrs_ring_entry(&cq, 0);
		if (nlrs_ring_avail(&cq) <= 0 || ce->res < 0)
			die("socket on the raw session", -EIO);
		slot = ce->res;
		nlrs_ring_release(&cq, 1);
		sl = nlrs_ipc_slot_at(map, &g, (uint32_t)slot);
		memcpy(nlrs_ipc_txbuf(map, &g, (uint32_t)slot), &hd, sizeof(hd));
		atomic_store(&sl->tx.prod, 32u);
		(void)!write(fds[1], &one, sizeof(one));
		goto wait_hup;
	}
	/* 1. garbage requests: bad ops, bad slots, bad arguments */
	srand(7);
	for (int i = 0; i < 200; i++) {
		struct nlrs_ipc_req *e = nlrs_ring_entry(&rq, 0);
		unsigned char *b = (unsigned char *)e;

		for (size_t k = 0; k < sizeof(*e); k++)
			b[k] = (unsigned char)rand();
		if (i % 3 == 0)
			e->op = NLRS_IPC_OP_SOCKET + (uint32_t)(rand() % 10);
		if (e->op == NLRS_IPC_OP_SOCKET)
			e->op = NLRS_IPC_OP_MAX + 5; /* no sockets: keep the test bounded */
		e->tag = (uint64_t)i + 1;
		nlrs_ring_publish(&rq, 1);
		(void)!write(fds[1], &one, sizeof(one));
		for (int t = 0; t < 2000 && nlrs_ring_avail(&cq) == 0; t++)
			usleep(1000);
		if (nlrs_ring_avail(&cq) <= 0)
			die("no completion for a garbage request", -ETIMEDOUT);
		{
			struct nlrs_ipc_cqe *ce = nlrs_ring_entry(&cq, 0);

			if (ce->tag != (uint64_t)i + 1)
				die("completion tag", -EPROTO);
			if (ce->res < 0)
				errors++;
			nlrs_ring_release(&cq, 1);
		}
	}
	printf("garbage requests=200 errors=%d\n", errors);
	/* 2. a request index that lies: far beyond what the ring holds */
	atomic_store(&r->rq.prod, rq.mine + 100000u);
	(void)!write(fds[1], &one, sizeof(one));
wait_hup:
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, 5000) != 1 || !(p.revents & (POLLHUP | POLLIN)))
		die("nlrsd did not disconnect a lying app", -ETIMEDOUT);
	printf("disconnected dead=%u\n", atomic_load(&r->dead));
	fflush(stdout);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void pingpong(struct nlrs_client *c, const char *host, const char *port, long n, long size)
{
	int sd = tcp_connect(c, host, port), one = 1;
	double *t = calloc((size_t)n, sizeof(double));
	char buf[65536];

	nlrs_setsockopt(c, sd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof(one));
	memset(buf, 'p', sizeof(buf));
	for (long i = 0; i < n; i++) {
		double t0 = now_us();
		ssize_t r = nlrs_send(c, sd, buf, (size_t)size, 0);

		if (r != size)
			die("send", r);
		r = nlrs_recv(c, sd, buf, (size_t)size, MSG_WAITALL);
		if (r != size)
			die("recv", r < 0 ? r : -EIO);
		t[i] = now_us() - t0;
	}
	qsort(t, (size_t)n, sizeof(double), cmp_d);
	printf("pingpong n=%ld size=%ld p50_us=%.1f p99_us=%.1f\n", n, size, t[n / 2], t[n * 99 / 100]);
	nlrs_close(c, sd);
	free(t);
}

static void pong(struct nlrs_client *c, const char *port)
{
	int sd = tcp_accept_one(c, port), one = 1;
	char buf[65536];
	ssize_t n;

	nlrs_setsockopt(c, sd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof(one));
	while ((n = nlrs_recv(c, sd, buf, sizeof(buf), 0)) > 0)
		if (nlrs_send(c, sd, buf, (size_t)n, 0) != n)
			die("send", -EIO);
	nlrs_close(c, sd);
}

static void stream(struct nlrs_client *c, const char *host, const char *port, long mib)
{
	static char buf[1 << 17];
	int sd = tcp_connect(c, host, port);
	long long left = (long long)mib << 20;
	double t0 = now_us();
	ssize_t n;

	memset(buf, 's', sizeof(buf));
	while (left > 0) {
		n = nlrs_send(c, sd, buf, left < (long long)sizeof(buf) ? (size_t)left : sizeof(buf), 0);
		if (n < 0)
			die("send", n);
		left -= n;
	}
	nlrs_shutdown(c, sd, SHUT_WR);
	while ((n = nlrs_recv(c, sd, buf, sizeof(buf), 0)) > 0)
		;
	printf("stream mib=%ld MBps=%.1f\n", mib, (double)(mib << 20) / (now_us() - t0));
	nlrs_close(c, sd);
}

struct thr {
	struct nlrs_client *c;
	const char *host, *port;
	int sd, id;
	long errors;
};

static void *thr_rr(void *arg)
{
	struct thr *t = arg;
	int sd = tcp_connect(t->c, t->host, t->port);
	char out[3000], in[3000];

	for (int i = 0; i < 500; i++) {
		size_t len = 1 + (size_t)((i * 613 + t->id * 101) % (int)sizeof(out));
		ssize_t n;

		fill(out, len, (unsigned)(i + t->id));
		if (nlrs_send(t->c, sd, out, len, 0) != (ssize_t)len) {
			t->errors++;
			break;
		}
		n = nlrs_recv(t->c, sd, in, len, MSG_WAITALL);
		if (n != (ssize_t)len || memcmp(in, out, len))
			t->errors++;
	}
	nlrs_close(t->c, sd);
	return NULL;
}

static void *thr_tx(void *arg)
{
	struct thr *t = arg;
	static char buf[1 << 16];

	for (long off = 0; off < (8l << 20); off += (long)sizeof(buf)) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (char)(((size_t)off + i) * 13u >> 3);
		if (nlrs_send(t->c, t->sd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf)) {
			t->errors++;
			break;
		}
	}
	nlrs_shutdown(t->c, t->sd, SHUT_WR);
	return NULL;
}

static void *thr_rx(void *arg)
{
	struct thr *t = arg;
	static char buf[50000];
	long off = 0;
	ssize_t n;

	while ((n = nlrs_recv(t->c, t->sd, buf, sizeof(buf), 0)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != (char)(((size_t)off + (size_t)i) * 13u >> 3))
				t->errors++;
		off += n;
	}
	if (n < 0 || off != (8l << 20))
		t->errors++;
	return NULL;
}

static void threads(struct nlrs_client *c, const char *host, const char *port, int n)
{
	pthread_t th[66];
	struct thr t[66];
	long errors = 0;

	if (n < 1 || n > 64)
		die("threads: 1..64", -EINVAL);
	for (int i = 0; i < n; i++) {
		t[i] = (struct thr){ .c = c, .host = host, .port = port, .id = i };
		pthread_create(&th[i], NULL, thr_rr, &t[i]);
	}
	t[n] = (struct thr){ .c = c, .sd = tcp_connect(c, host, port) };
	t[n + 1] = t[n];
	pthread_create(&th[n], NULL, thr_tx, &t[n]);
	pthread_create(&th[n + 1], NULL, thr_rx, &t[n + 1]);
	for (int i = 0; i < n + 2; i++) {
		pthread_join(th[i], NULL);
		errors += t[i].errors;
	}
	nlrs_close(c, t[n].sd);
	printf("threads n=%d errors=%ld\n", n, errors);
}

/* The program's own poll loop: kernel poll() on nlrs_client_fd(). */
static void evloop(struct nlrs_client *c, const char *host, const char *port)
{
	struct sockaddr_in a = sin_of(host, port);
	static char out[4 << 20], in[4 << 20];
	size_t sent = 0, got = 0;
	int fd = nlrs_client_fd(c), wakes = 0, rc;
	int sd = nlrs_socket(c, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0 || sd < 0)
		die("evloop set-up", fd < 0 ? fd : sd);
	fill(out, sizeof(out), 5);
	rc = nlrs_connect(c, sd, (struct sockaddr *)&a, sizeof(a));
	if (rc != -EINPROGRESS)
		die("non-blocking connect (want EINPROGRESS)", rc ? rc : -EIO);
	while (got < sizeof(in)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		short re = nlrs_revents(c, sd, POLLIN | POLLOUT);

		if (re & POLLERR)
			die("evloop: socket error", -ECONNRESET);
		if (re & POLLHUP) /* both ways shut: what is left is readable */
			re |= POLLIN;
		if ((re & POLLOUT) && sent < sizeof(out)) {
			ssize_t n = nlrs_send(c, sd, out + sent, sizeof(out) - sent, 0);

			if (n > 0)
				sent += (size_t)n;
			else if (n != -EAGAIN)
				die("evloop send", n);
			if (sent == sizeof(out))
				nlrs_shutdown(c, sd, SHUT_WR);
			continue;
		}
		if (re & POLLIN) {
			ssize_t n = nlrs_recv(c, sd, in + got, sizeof(in) - got, 0);

			if (n > 0) {
				got += (size_t)n;
				continue;
			}
			if (n == 0)
				break;
			if (n != -EAGAIN)
				die("evloop recv", n);
		}
		if (poll(&p, 1, 5000) != 1)
			die("evloop: poll on nlrs_client_fd timed out", -ETIMEDOUT);
		nlrs_client_clear(c);
		wakes++;
	}
	printf("evloop sent=%zu got=%zu same=%d wakes>0=%d\n", sent, got,
	       got == sizeof(in) && !memcmp(in, out, sizeof(in)), wakes > 0);
	nlrs_close(c, sd);
}

/* accept on one thread, serve on others: a queue of accepted sockets */
struct pool {
	struct nlrs_client *c;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int q[64], head, tail, done;
	long served, errors;
};

static void *pool_worker(void *arg)
{
	struct pool *p = arg;
	char buf[16384];

	for (;;) {
		int sd;
		ssize_t n;

		pthread_mutex_lock(&p->mu);
		while (p->head == p->tail && !p->done)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->head == p->tail) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		sd = p->q[p->head++ % 64];
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		while ((n = nlrs_recv(p->c, sd, buf, sizeof(buf), 0)) > 0)
			if (nlrs_send(p->c, sd, buf, (size_t)n, 0) != n)
				break;
		pthread_mutex_lock(&p->mu);
		if (n < 0)
			p->errors++;
		p->served++;
		pthread_mutex_unlock(&p->mu);
		nlrs_close(p->c, sd);
	}
}

static void serve_many(struct nlrs_client *c, const char *port, long n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	struct pool p = { .c = c };
	pthread_t th[4];
	int one = 1, ls = nlrs_socket(c, AF_INET, SOCK_STREAM, 0), rc;

	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	if (ls < 0)
		die("socket", ls);
	nlrs_setsockopt(c, ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if ((rc = nlrs_bind(c, ls, (struct sockaddr *)&a, sizeof(a))) || (rc = nlrs_listen(c, ls, 64)))
		die("bind/listen", rc);
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, pool_worker, &p);
	fprintf(stderr, "listening\n");
	for (long i = 0; i < n; i++) {
		int sd = nlrs_accept(c, ls, NULL, NULL, 0);

		if (sd < 0)
			die("accept", sd);
		pthread_mutex_lock(&p.mu);
		while (p.tail - p.head >= 64)
			pthread_cond_wait(&p.cv, &p.mu);
		p.q[p.tail++ % 64] = sd;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
	}
	pthread_mutex_lock(&p.mu);
	p.done = 1;
	pthread_cond_broadcast(&p.cv);
	pthread_mutex_unlock(&p.mu);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	nlrs_close(c, ls);
	printf("served=%ld errors=%ld\n", p.served, p.errors);
}

static int echo_once(struct nlrs_client *c, int sd, const char *msg)
{
	char buf[64];
	size_t len = strlen(msg);

	if (nlrs_send(c, sd, msg, len, 0) != (ssize_t)len)
		return -1;
	if (nlrs_recv(c, sd, buf, len, MSG_WAITALL) != (ssize_t)len || memcmp(buf, msg, len))
		return -1;
	return 0;
}

static void forked(struct nlrs_client *c, const char *host, const char *port)
{
	int sd = tcp_connect(c, host, port), st = 0;
	pid_t pid;

	if (echo_once(c, sd, "parent before fork"))
		die("parent echo before fork", -EIO);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork", -errno);
	if (pid == 0) {
		struct nlrs_client *mine;
		int csd;

		nlrs_client_forget(c);
		mine = cl_open();
		csd = tcp_connect(mine, host, port);
		if (echo_once(mine, csd, "child on its own client"))
			_exit(3);
		nlrs_close(mine, csd);
		nlrs_client_close(mine);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	printf("fork child=%d parent_after=%s\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1,
	       echo_once(c, sd, "parent after the child") ? "broken" : "ok");
	nlrs_close(c, sd);
}

/* Argument errors, checked without touching the network. */
static void api(struct nlrs_client *c)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a = { .sin_family = AF_INET };
	char buf[8];
	int fails = 0, sd, u, v = 0;
	socklen_t vl = sizeof(v);

#define EXPECT(what, got, want) do { long g_ = (long)(got); if (g_ != (long)(want)) { \
	fprintf(stderr, "api: %s: got %ld, want %ld\n", what, g_, (long)(want)); fails++; } } while (0)
	EXPECT("socket AF_INET6", nlrs_socket(c, AF_INET6, SOCK_STREAM, 0), -EAFNOSUPPORT);
	EXPECT("socket AF_UNIX", nlrs_socket(c, AF_UNIX, SOCK_STREAM, 0), -EAFNOSUPPORT);
	EXPECT("socket stream/udp", nlrs_socket(c, AF_INET, SOCK_STREAM, IPPROTO_UDP), -EPROTONOSUPPORT);
	sd = nlrs_socket(c, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	EXPECT("socket ok", sd >= 0, 1);
	EXPECT("nonblock flag", nlrs_get_nonblock(c, sd), 1);
	EXPECT("bind AF_INET6", nlrs_bind(c, sd, (struct sockaddr *)&a6, sizeof(a6)), -EAFNOSUPPORT);
	EXPECT("bind short", nlrs_bind(c, sd, (struct sockaddr *)&a, 4), -EINVAL);
	EXPECT("recv unconnected", nlrs_recv(c, sd, buf, sizeof(buf), 0), -ENOTCONN);
	EXPECT("send unconnected", nlrs_send(c, sd, buf, 1, 0), -ENOTCONN);
	EXPECT("accept not listening", nlrs_accept(c, sd, NULL, NULL, 0), -EINVAL);
	EXPECT("getpeername unconnected", nlrs_getpeername(c, sd, (struct sockaddr *)&a, &vl), -ENOTCONN);
	EXPECT("getsockopt unknown", nlrs_getsockopt(c, sd, SOL_SOCKET, 12345, &v, &vl), -ENOPROTOOPT);
	vl = sizeof(v);
	EXPECT("SO_TYPE", nlrs_getsockopt(c, sd, SOL_SOCKET, SO_TYPE, &v, &vl), 0);
	EXPECT("SO_TYPE value", v, SOCK_STREAM);
	EXPECT("shutdown bad how", nlrs_shutdown(c, sd, 7), -EINVAL);
	EXPECT("listen", nlrs_listen(c, sd, 4), 0);
	EXPECT("accept nonblock empty", nlrs_accept(c, sd, NULL, NULL, 0), -EAGAIN);
	EXPECT("close", nlrs_close(c, sd), 0);
	EXPECT("close again", nlrs_close(c, sd), -EBADF);
	EXPECT("send closed", nlrs_send(c, sd, buf, 1, 0), -EBADF);
	EXPECT("send bad sd", nlrs_send(c, 100000, buf, 1, 0), -EBADF);
	EXPECT("send negative sd", nlrs_send(c, -1, buf, 1, 0), -EBADF);
	u = nlrs_socket(c, AF_INET, SOCK_DGRAM, 0);
	EXPECT("udp socket", u >= 0, 1);
	EXPECT("udp send no dest", nlrs_send(c, u, buf, 1, 0), -EDESTADDRREQ);
	EXPECT("udp too big", nlrs_sendto(c, u, NULL, 70000, 0, (struct sockaddr *)&a, sizeof(a)), -EFAULT);
	{
		static char big[70000];

		a.sin_port = htons(9);
		a.sin_addr.s_addr = htonl(0xc0000201);
		EXPECT("udp 70000 bytes", nlrs_sendto(c, u, big, sizeof(big), 0, (struct sockaddr *)&a, sizeof(a)),
		       -EMSGSIZE);
	}
	EXPECT("udp recv nonblock", nlrs_recv(c, u, buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN);
	{
		struct nlrs_pollfd pf = { .sd = u, .events = POLLIN };

		EXPECT("poll timeout", nlrs_poll(c, &pf, 1, 50), 0);
		pf.events = POLLOUT;
		EXPECT("poll udp writable", nlrs_poll(c, &pf, 1, 0), 1);
	}
	EXPECT("udp close", nlrs_close(c, u), 0);
	printf("api fails=%d\n", fails);
	if (fails)
		exit(1);
}

int main(int argc, char **argv)
{
	struct nlrs_client *c;
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "--app-socket")) {
		app_path = argv[2];
		i = 3;
	}
	argc -= i;
	argv += i;
	if (argc < 1) {
		fprintf(stderr, "usage: nlrs-client-test [--app-socket PATH] COMMAND ARGS...\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[0], "garbage") && argc == 2) {
		garbage(argv[1]);
		return 0;
	}
	c = cl_open();
	if (!strcmp(argv[0], "send") && argc == 3)
		do_send(c, tcp_connect(c, argv[1], argv[2]));
	else if (!strcmp(argv[0], "recv") && argc == 3)
		do_recv(c, tcp_connect(c, argv[1], argv[2]));
	else if (!strcmp(argv[0], "serve") && argc == 3 && !strcmp(argv[2], "send"))
		do_send(c, tcp_accept_one(c, argv[1]));
	else if (!strcmp(argv[0], "serve") && argc == 3 && !strcmp(argv[2], "recv"))
		do_recv(c, tcp_accept_one(c, argv[1]));
	else if (!strcmp(argv[0], "udp-echo-server") && argc == 3)
		udp_echo_server(c, argv[1], atol(argv[2]));
	else if (!strcmp(argv[0], "udp-client") && argc == 4)
		udp_client(c, argv[1], argv[2], atol(argv[3]));
	else if (!strcmp(argv[0], "hold") && argc == 4)
		hold(c, argv[1], argv[2], atol(argv[3]));
	else if (!strcmp(argv[0], "block-recv") && argc == 3)
		block_recv(c, argv[1], argv[2]);
	else if (!strcmp(argv[0], "isolation") && argc == 2)
		isolation(c, atol(argv[1]));
	else if (!strcmp(argv[0], "pingpong") && argc == 5)
		pingpong(c, argv[1], argv[2], atol(argv[3]), atol(argv[4]));
	else if (!strcmp(argv[0], "pong") && argc == 2)
		pong(c, argv[1]);
	else if (!strcmp(argv[0], "stream") && argc == 4)
		stream(c, argv[1], argv[2], atol(argv[3]));
	else if (!strcmp(argv[0], "api") && argc == 1)
		api(c);
	else if (!strcmp(argv[0], "threads") && argc == 4)
		threads(c, argv[1], argv[2], atoi(argv[3]));
	else if (!strcmp(argv[0], "evloop") && argc == 3)
		evloop(c, argv[1], argv[2]);
	else if (!strcmp(argv[0], "serve-many") && argc == 3)
		serve_many(c, argv[1], atol(argv[2]));
	else if (!strcmp(argv[0], "fork") && argc == 3)
		forked(c, argv[1], argv[2]);
	else {
		fprintf(stderr, "nlrs-client-test: bad command line\n");
		return 2;
	}
	nlrs_client_close(c);
	return 0;
}
