/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Linux side of the TCP benchmark (tests/bench/tcp_bench.sh): the same
 * program talks to the Linux kernel over veth (the reference) and to the
 * Netloom stack over TAP, so both are measured with one client.
 *
 *   tcp_kernel server ADDR PORT echo|sink   serve until killed (epoll, many
 *                                           connections; sink discards)
 *   tcp_kernel send ADDR PORT BYTES         send BYTES, shutdown, wait for
 *                                           the peer's close; prints
 *                                           "<bytes> <seconds> <Gbit/s>"
 *   tcp_kernel rr ADDR PORT COUNT [SIZE]    one connection, COUNT round trips
 *                                           of SIZE bytes (64); prints
 *                                           "<trans/s> <p50 us> <p99 us>"
 *   tcp_kernel crr ADDR PORT COUNT [PAR]    COUNT connections (PAR at once,
 *                                           default 4), each connect, 64 B
 *                                           out, 64 B back, close; prints
 *                                           "<conns/s> <p50 us> <p99 us>"
 * Exit 0, 1 on a failure, 2 bad usage. Every run is bounded (60 s).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LIMIT_S 60.0

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static struct sockaddr_in sa;

static int dial(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "tcp_kernel: connect to %s:%u: %s\n", inet_ntoa(sa.sin_addr),
			ntohs(sa.sin_port), strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int xfer_all(int fd, char *p, size_t n, bool out)
{
	while (n) {
		ssize_t r = out ? send(fd, p, n, MSG_NOSIGNAL) : recv(fd, p, n, 0);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int serve(const char *mode)
{
	bool echo = !strcmp(mode, "echo");
	int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
	static char buf[1 << 18];

	if (!echo && strcmp(mode, "sink"))
		return 2;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&sa, sizeof(sa)) || listen(l, 1024)) {
		perror("tcp_kernel: bind/listen");
		return 1;
	}
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = l }, evs[64];
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	for (;;) {
		int n = epoll_wait(ep, evs, 64, -1);
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == l) {
				int c;
				while ((c = accept4(l, NULL, NULL, 0)) >= 0) {
					setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					ev.events = EPOLLIN;
					ev.data.fd = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			/* blocking sockets: echo writes back all it read */
			ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r > 0) {
				if (echo && xfer_all(fd, buf, (size_t)r, true))
					r = 0;
				else
					continue;
			}
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
			close(fd);
		}
	}
}

static int do_send(uint64_t bytes)
{
	static char buf[1 << 20];
	int fd = dial();
	if (fd < 0)
		return 1;
	memset(buf, 0xa5, sizeof(buf));
	double t0 = now_s();
	uint64_t left = bytes;
	while (left) {
		size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		ssize_t r = send(fd, buf, n, MSG_NOSIGNAL);
		if (r <= 0) {
			perror("tcp_kernel: send");
			return 1;
		}
		left -= (uint64_t)r;
		if (now_s() - t0 > LIMIT_S) {
			fprintf(stderr, "tcp_kernel: send: over %.0f s\n", LIMIT_S);
			return 1;
		}
	}
	shutdown(fd, SHUT_WR);
	while (recv(fd, buf, sizeof(buf), 0) > 0)
		;
	double dt = now_s() - t0;
	printf("%llu %.3f %.2f\n", (unsigned long long)bytes, dt, (double)bytes * 8 / dt / 1e9);
	close(fd);
	return 0;
}

static int do_rr(long count, size_t size)
{
	char out[65536], in[65536];
	double *lat = calloc((size_t)count, sizeof(double));
	int fd = dial();
	long i;

	if (fd < 0 || !lat || size > sizeof(out))
		return 1;
	memset(out, 0x5a, size);
	double t0 = now_s();
	for (i = 0; i < count && now_s() - t0 < LIMIT_S; i++) {
		double t = now_s();
		if (xfer_all(fd, out, size, true) || xfer_all(fd, in, size, false)) {
			fprintf(stderr, "tcp_kernel: rr: connection lost after %ld round trips\n", i);
			return 1;
		}
		lat[i] = (now_s() - t) * 1e6;
	}
	double dt = now_s() - t0;
	close(fd);
	qsort(lat, (size_t)i, sizeof(double), cmp_double);
	printf("%.0f %.1f %.1f\n", (double)i / dt, lat[i / 2], lat[(i * 99) / 100]);
	return 0;
}

static long crr_total, crr_next;
static double *crr_lat;
static pthread_mutex_t crr_mu = PTHREAD_MUTEX_INITIALIZER;
static int crr_fail;

static void *crr_worker(void *arg)
{
	char buf[64];
	(void)arg;
	memset(buf, 1, sizeof(buf));
	for (;;) {
		pthread_mutex_lock(&crr_mu);
		long k = crr_next < crr_total && !crr_fail ? crr_next++ : -1;
		pthread_mutex_unlock(&crr_mu);
		if (k < 0)
			return NULL;
		double t = now_s();
		int fd = dial();
		if (fd < 0 || xfer_all(fd, buf, sizeof(buf), true) || xfer_all(fd, buf, sizeof(buf), false)) {
			crr_fail = 1;
			if (fd >= 0)
				close(fd);
			return NULL;
		}
		close(fd);
		crr_lat[k] = (now_s() - t) * 1e6;
	}
}

static int do_crr(long count, int par)
{
	pthread_t th[64];

	crr_total = count;
	crr_lat = calloc((size_t)count, sizeof(double));
	if (!crr_lat || par < 1 || par > 64)
		return 2;
	double t0 = now_s();
	for (int i = 0; i < par; i++)
		pthread_create(&th[i], NULL, crr_worker, NULL);
	for (int i = 0; i < par; i++)
		pthread_join(th[i], NULL);
	double dt = now_s() - t0;
	if (crr_fail) {
		fprintf(stderr, "tcp_kernel: crr: a connection failed\n");
		return 1;
	}
	qsort(crr_lat, (size_t)count, sizeof(double), cmp_double);
	printf("%.0f %.1f %.1f\n", (double)count / dt, crr_lat[count / 2], crr_lat[(count * 99) / 100]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: tcp_kernel server ADDR PORT echo|sink | send ADDR PORT BYTES |\n"
				"       rr ADDR PORT COUNT [SIZE] | crr ADDR PORT COUNT [PAR]\n");
		return 2;
	}
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1) {
		fprintf(stderr, "tcp_kernel: bad address %s\n", argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "server"))
		return serve(argv[4]);
	if (!strcmp(argv[1], "send"))
		return do_send(strtoull(argv[4], NULL, 10));
	if (!strcmp(argv[1], "rr"))
		return do_rr(atol(argv[4]), argc > 5 ? (size_t)atol(argv[5]) : 64);
	if (!strcmp(argv[1], "crr"))
		return do_crr(atol(argv[4]), argc > 5 ? atoi(argv[5]) : 4);
	return 2;
}
