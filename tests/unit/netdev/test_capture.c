/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Capture writer over the loopback. The file is checked by hand (header)
 * and by tshark as the decoding oracle (records, lengths, addresses).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include "netdev_test.h"
#include "netdev_priv.h"

static char path[64];
static struct nlrs_netdev *lo, *cap;

static void setup(void)
{
	t_pool_setup();
	snprintf(path, sizeof(path), "/tmp/nlrs-capture-test-%d.pcap", (int)getpid());
}

static void teardown(void)
{
	unlink(path);
}

TestSuite(capture, .init = setup, .fini = teardown);

static int have_tshark(void)
{
	return system("command -v tshark >/dev/null 2>&1") == 0;
}

/* Run tshark on the capture; returns its output (malloc'd). */
static char *tshark_fields(const char *fields)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "tshark -r %s -T fields %s 2>/dev/null", path, fields);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	size_t cap_ = 65536, n = 0;
	char *out = calloc(1, cap_);
	size_t k;
	while ((k = fread(out + n, 1, cap_ - 1 - n, p)) > 0)
		n += k;
	int st = pclose(p);
	cr_assert_eq(st, 0, "tshark failed on %s", path);
	return out;
}

static long file_size(void)
{
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	return (long)st.st_size;
}

static struct nlrs_buf *ip_frame(uint32_t src, size_t payload)
{
	uint8_t pkt[2048];
	size_t n = t_ipv4_udp(pkt, src, payload);
	struct nlrs_buf *b = nlrs_buf_from(&t_pool, 0, pkt, n);
	cr_assert_not_null(b);
	return b;
}

Test(capture, header_is_classic_pcap_raw_for_rawip)
{
	cr_assert_eq(nlrs_loopback_open(&lo, "lo0", &t_pool, 1500), 0);
	cr_assert_eq(nlrs_capture_wrap(&cap, lo, path), 0);
	cr_assert_eq(cap->fd, lo->fd);
	cr_assert_eq(cap->link, NLRS_LINK_RAWIP);
	/* The header is on disk at once. */
	FILE *fp = fopen(path, "rb");
	cr_assert_not_null(fp);
	uint32_t h[6];
	cr_assert_eq(fread(h, 4, 6, fp), 6u);
	fclose(fp);
	cr_assert_eq(h[0], 0xa1b2c3d4u);
	cr_assert_eq(h[1], 2u | 4u << 16); /* version 2.4, little-endian host */
	cr_assert_eq(h[2], 0u);
	cr_assert_eq(h[3], 0u);
	cr_assert_eq(h[4], 262144u);
	cr_assert_eq(h[5], 101u);
	nlrs_netdev_close(cap);
	cr_assert_eq(file_size(), 24);
	t_pool_check();
}

Test(capture, both_directions_recorded_and_decoded_by_tshark)
{
	if (!have_tshark())
		cr_skip_test("tshark not installed");
	struct nlrs__capture_stats st;
	int err;
	cr_assert_eq(nlrs_loopback_open(&lo, "lo0", &t_pool, 1500), 0);
	cr_assert_eq(nlrs_capture_wrap(&cap, lo, path), 0);
	/* Sent through the wrapper: recorded on the way down; received
	 * back through it: recorded again on the way up. */
	cr_assert_eq(nlrs_netdev_send(cap, ip_frame(NLRS_IP4(192, 0, 2, 2), 10), 0), 0);
	cr_assert_eq(nlrs_netdev_send(cap, ip_frame(NLRS_IP4(198, 51, 100, 7), 100), 0), 0);
	cr_assert_eq(nlrs_netdev_send(cap, ip_frame(NLRS_IP4(203, 0, 113, 9), 1000), 0), 0);
	for (int i = 0; i < 3; i++) {
		struct nlrs_buf *b = nlrs_netdev_recv(cap, 0, &err);
		cr_assert_not_null(b);
		nlrs_buf_free(b);
	}
	nlrs__capture_stats(cap, &st);
	cr_assert_eq(st.frames, 6);
	cr_assert_eq(st.bytes, 2 * (38 + 128 + 1028));
	cr_assert_eq(st.write_errors, 0);
	nlrs_netdev_close(cap);

	char *out = tshark_fields("-e frame.len -e ip.src -e udp.length");
	cr_assert_str_eq(out,
			 "38\t192.0.2.2\t18\n"
			 "128\t198.51.100.7\t108\n"
			 "1028\t203.0.113.9\t1008\n"
			 "38\t192.0.2.2\t18\n"
			 "128\t198.51.100.7\t108\n"
			 "1028\t203.0.113.9\t1008\n");
	free(out);
	t_pool_check();
}

Test(capture, chained_frame_recorded_whole_with_ethernet_linktype)
{
	if (!have_tshark())
		cr_skip_test("tshark not installed");
	cr_assert_eq(nlrs_loopback_open(&lo, "eth0", &t_pool, 1500), 0);
	lo->link = NLRS_LINK_ETHERNET; /* stands in for an Ethernet device */
	cr_assert_eq(nlrs_capture_wrap(&cap, lo, path), 0);
	cr_assert_eq(cap->link, NLRS_LINK_ETHERNET);

	uint8_t frame[14 + 2048];
	memcpy(frame, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00", 14);
	size_t n = 14 + t_ipv4_udp(frame + 14, NLRS_IP4(192, 0, 2, 2), 1900);
	/* Two segments: a small head and the rest. */
	struct nlrs_buf *b = nlrs_buf_from(&t_pool, 0, frame, 20);
	cr_assert_not_null(b);
	struct nlrs_buf *tail = nlrs_buf_from(&t_pool, 0, frame + 20, n - 20);
	cr_assert_not_null(tail);
	nlrs_buf_cat(b, tail);
	cr_assert_eq(nlrs_buf_segments(b), 2);
	cr_assert_eq(nlrs_netdev_send(cap, b, 0), 0);
	nlrs_netdev_close(cap);

	char *out = tshark_fields("-e frame.len -e eth.src -e ip.src -e udp.length");
	char want[128];
	snprintf(want, sizeof(want), "%zu\t02:00:00:00:00:02\t192.0.2.2\t%d\n", n, 1908);
	cr_assert_str_eq(out, want);
	free(out);
	t_pool_check();
}

Test(capture, poll_flushes_once_a_second)
{
	int err;
	nlrs_time_t t0 = NLRS_SEC(10);
	cr_assert_eq(nlrs_loopback_open(&lo, "lo0", &t_pool, 1500), 0);
	cr_assert_eq(nlrs_capture_wrap(&cap, lo, path), 0);
	nlrs_netdev_poll(cap, t0); /* starts the flush clock */
	nlrs_netdev_send(cap, ip_frame(NLRS_IP4(192, 0, 2, 2), 10), t0);
	nlrs_buf_free(nlrs_netdev_recv(cap, t0, &err));
	cr_assert_eq(file_size(), 24, "records wait in the buffer");
	/* Something is buffered: poll asks to be called at the flush time. */
	cr_assert_eq(nlrs_netdev_poll(cap, t0 + NLRS_MSEC(500)), t0 + NLRS_SEC(1));
	cr_assert_eq(file_size(), 24);
	cr_assert_eq(nlrs_netdev_poll(cap, t0 + NLRS_SEC(1)), NLRS_TIME_NEVER);
	cr_assert_eq(file_size(), 24 + 2 * (16 + 38));
	nlrs_netdev_close(cap);
	t_pool_check();
}

Test(capture, unwritable_path_fails_open)
{
	cr_assert_eq(nlrs_loopback_open(&lo, "lo0", &t_pool, 1500), 0);
	cr_assert_lt(nlrs_capture_wrap(&cap, lo, "/nonexistent-dir/x.pcap"), 0);
	cr_assert_null(cap);
	nlrs_netdev_close(lo);
	t_pool_check();
}

static void setup_quiet(void)
{
	setup();
	cr_redirect_stderr();
}

Test(capture, full_disk_is_counted_logged_once_and_traffic_goes_on, .init = setup_quiet)
{
	/* RLIMIT_FSIZE stands in for a full disk: writes past 4 KiB fail
	 * with EFBIG (the signal is ignored). Only the soft limit moves, and
	 * it is put back before the end: sanitizer runtimes write reports at
	 * exit and must not die of it. */
	struct rlimit old_rl, rl;
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old_rl), 0);
	rl = old_rl;
	rl.rlim_cur = 4096;
	struct nlrs__capture_stats st;
	int err;
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(nlrs_loopback_open(&lo, "lo0", &t_pool, 1500), 0);
	cr_assert_eq(nlrs_capture_wrap(&cap, lo, path), 0);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	unsigned got = 0;
	for (int i = 0; i < 50; i++) {
		cr_assert_eq(nlrs_netdev_send(cap, ip_frame(NLRS_IP4(192, 0, 2, 2), 500), 0), 0);
		struct nlrs_buf *b = nlrs_netdev_recv(cap, 0, &err);
		if (b)
			got++;
		nlrs_buf_free(b);
		nlrs_netdev_poll(cap, NLRS_SEC(2) * (nlrs_time_t)(i + 1));
	}
	cr_assert_eq(got, 50, "capture failures never touch traffic");
	nlrs__capture_stats(cap, &st);
	cr_assert_gt(st.write_errors, 0);
	cr_assert_lt(st.frames, 100);
	nlrs_netdev_close(cap);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old_rl), 0);
	cr_assert_leq(file_size(), 4096);
	char want[160];
	snprintf(want, sizeof(want), "nlrs: capture %s: write failed: %s; capture stopped\n", path,
		 strerror(EFBIG));
	fflush(stderr);
	cr_assert_stderr_eq_str(want);
	t_pool_check();
}
