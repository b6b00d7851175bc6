/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * UDP request/response client for the benchmarks: sends one datagram,
 * waits for its echo, repeats. Prints one line:
 *   <transactions/s> <p50 us> <p99 us> <lost>
 * Usage: udp_rr ADDR PORT SIZE COUNT
 * A reply that does not come within 200 ms counts as lost; the run stops
 * after COUNT transactions or 30 s, whichever is first.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: udp_rr ADDR PORT SIZE COUNT\n");
		return 2;
	}
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
	if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "udp_rr: bad address %s\n", argv[1]);
		return 2;
	}
	size_t size = (size_t)atol(argv[3]);
	long count = atol(argv[4]);
	if (size < 8 || size > 65507 || count < 1 || count > 10000000) {
		fprintf(stderr, "udp_rr: SIZE must be 8..65507 and COUNT 1..10000000\n");
		return 2;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("udp_rr: socket/connect");
		return 1;
	}
	char *out = calloc(1, size), *in = malloc(size + 1);
	double *lat = calloc((size_t)count, sizeof(double));
	if (!out || !in || !lat)
		return 1;
	long done = 0, lost = 0;
	double t0 = now_us();
	for (long i = 0; i < count && now_us() - t0 < 30e6; i++) {
		memcpy(out, &i, sizeof(i));
		double t = now_us();
		if (send(fd, out, size, 0) < 0) {
			perror("udp_rr: send");
			return 1;
		}
		for (;;) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			if (poll(&p, 1, 200) <= 0) {
				lost++;
				break;
			}
			ssize_t n = recv(fd, in, size + 1, 0);
			if (n == (ssize_t)size && !memcmp(in, &i, sizeof(i))) {
				lat[done++] = now_us() - t;
				break;
			}
			/* a late reply to an earlier, lost request: keep waiting */
		}
	}
	double secs = (now_us() - t0) / 1e6;
	if (!done) {
		printf("0 0 0 %ld\n", lost);
		return 1;
	}
	qsort(lat, (size_t)done, sizeof(double), cmp_double);
	printf("%.0f %.1f %.1f %ld\n", (double)done / secs, lat[done / 2], lat[done * 99 / 100], lost);
	return 0;
}
