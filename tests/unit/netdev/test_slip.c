/* SPDX-License-Identifier: BSD-2-Clause */
/* SLIP framing (netdev/slip_codec.c, RFC 1055) and the SLIP device
 * (netdev/slip.c) over a pseudo-terminal and a Unix socket. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <criterion/criterion.h>
#include "netdev_test.h"
#include "netdev_priv.h"
#include "slip_priv.h"

#define END 0xc0
#define ESC 0xdb
#define ESC_END 0xdc
#define ESC_ESC 0xdd

static uint8_t fbuf[2048];
static struct nlrs__slip_rx rx;

static void setup(void)
{
	nlrs__slip_rx_init(&rx, fbuf, 1006);
}

TestSuite(slip_codec, .init = setup);

/* Feed everything; collect up to 8 frames' lengths and copies. */
struct got {
	unsigned n;
	size_t len[16];
	uint8_t data[16][2048];
	unsigned errors;
};

static void feed_all(struct nlrs__slip_rx *r, const uint8_t *in, size_t len, struct got *g)
{
	while (len) {
		size_t fl;
		unsigned e;
		size_t used = nlrs__slip_rx_feed(r, in, len, &fl, &e);

		cr_assert_leq(used, len);
		g->errors += e;
		if (fl) {
			cr_assert_lt(g->n, 16u);
			g->len[g->n] = fl;
			memcpy(g->data[g->n], r->buf, fl);
			g->n++;
		} else {
			cr_assert_eq(used, len, "no frame yet all input must be consumed");
		}
		in += used;
		len -= used;
	}
}

static void pattern(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7u + seed);
}

Test(slip_codec, encode_escapes_end_and_esc_and_frames_with_end_at_both_ends)
{
	const uint8_t in[] = { 0x01, END, ESC, 0x02, ESC_END, ESC_ESC };
	const uint8_t want[] = { END, 0x01, ESC, ESC_END, ESC, ESC_ESC, 0x02, ESC_END, ESC_ESC, END };
	uint8_t out[32];

	cr_assert_eq(nlrs__slip_encode(in, sizeof(in), out, sizeof(out)), sizeof(want));
	cr_assert_arr_eq(out, want, sizeof(want));
}

Test(slip_codec, encode_refuses_a_too_small_output_buffer)
{
	uint8_t in[4] = { END, END, END, END }, out[10];

	cr_assert_eq(nlrs__slip_encode(in, 4, out, 9), 0);
	cr_assert_eq(nlrs__slip_encode(in, 4, out, 10), 10);
	cr_assert_eq(nlrs__slip_encode(in, 0, out, 1), 0);
	cr_assert_eq(nlrs__slip_encode(in, 0, out, 2), 2);
}

Test(slip_codec, decodes_every_escape_case)
{
	uint8_t frame[40], enc[100];
	struct got g = { 0 };

	pattern(frame, sizeof(frame), 3);
	frame[0] = END;
	frame[5] = ESC;
	frame[6] = ESC_END; /* plain bytes that look like escape codes */
	frame[7] = ESC_ESC;
	frame[39] = ESC;
	size_t n = nlrs__slip_encode(frame, sizeof(frame), enc, sizeof(enc));
	feed_all(&rx, enc, n, &g);
	cr_assert_eq(g.n, 1);
	cr_assert_eq(g.len[0], sizeof(frame));
	cr_assert_arr_eq(g.data[0], frame, sizeof(frame));
	cr_assert_eq(rx.st.frames, 1);
	cr_assert_eq(rx.st.bytes, sizeof(frame));
	cr_assert_eq(g.errors, 0);
}

Test(slip_codec, raw_end_inside_data_ends_the_frame_there)
{
	uint8_t in[60];
	struct got g = { 0 };

	pattern(in, sizeof(in), 1);
	for (size_t i = 0; i < sizeof(in); i++)
		if (in[i] == END || in[i] == ESC)
			in[i] = 0;
	in[0] = END;
	in[25] = END; /* splits into 24 + 33 */
	in[59] = END;
	feed_all(&rx, in, sizeof(in), &g);
	cr_assert_eq(g.n, 2);
	cr_assert_eq(g.len[0], 24);
	cr_assert_eq(g.len[1], 33);
	cr_assert_arr_eq(g.data[1], in + 26, 33);
}

Test(slip_codec, esc_followed_by_a_bad_byte_drops_the_frame_and_resyncs)
{
	uint8_t good[30], enc[200];
	size_t n = 0;
	struct got g = { 0 };

	pattern(good, sizeof(good), 9);
	for (size_t i = 0; i < sizeof(good); i++)
		if (good[i] == END || good[i] == ESC)
			good[i] = 1;
	enc[n++] = END;
	memcpy(enc + n, good, 10);
	n += 10;
	enc[n++] = ESC;
	enc[n++] = 0x41; /* not ESC_END / ESC_ESC */
	memcpy(enc + n, good, 20);
	n += 20;
	n += nlrs__slip_encode(good, sizeof(good), enc + n, sizeof(enc) - n);
	feed_all(&rx, enc, n, &g);
	cr_assert_eq(g.n, 1);
	cr_assert_arr_eq(g.data[0], good, sizeof(good));
	cr_assert_eq(rx.st.bad_escape, 1);
	cr_assert_eq(g.errors, 1);
}

Test(slip_codec, esc_then_end_is_a_bad_escape)
{
	uint8_t good[20], enc[100];
	size_t n = 0;
	struct got g = { 0 };

	memset(good, 0x45, sizeof(good));
	enc[n++] = END;
	memcpy(enc + n, good, 20);
	n += 20;
	enc[n++] = ESC;
	n += nlrs__slip_encode(good, sizeof(good), enc + n, sizeof(enc) - n);
	feed_all(&rx, enc, n, &g);
	cr_assert_eq(g.n, 1);
	cr_assert_eq(rx.st.bad_escape, 1);
}

Test(slip_codec, oversize_frame_is_dropped_whole_and_counted_once)
{
	static uint8_t big[3000], enc[7000];
	uint8_t ok[1006];
	size_t n;
	struct got g = { 0 };

	memset(big, 0x45, sizeof(big));
	pattern(ok, sizeof(ok), 5);
	n = nlrs__slip_encode(big, 1007, enc, sizeof(enc));
	n += nlrs__slip_encode(ok, sizeof(ok), enc + n, sizeof(enc) - n); /* exactly the MTU */
	n += nlrs__slip_encode(big, 3000, enc + n, sizeof(enc) - n);
	n += nlrs__slip_encode(ok, 100, enc + n, sizeof(enc) - n);
	feed_all(&rx, enc, n, &g);
	cr_assert_eq(g.n, 2);
	cr_assert_eq(g.len[0], 1006);
	cr_assert_arr_eq(g.data[0], ok, 1006);
	cr_assert_eq(g.len[1], 100);
	cr_assert_eq(rx.st.oversize, 2);
	cr_assert_eq(g.errors, 2);
}

Test(slip_codec, garbage_between_frames_costs_no_good_frame)
{
	const uint8_t junk[] = { 0x13, ESC, 0x99, 0x00, ESC, ESC, 0x7f, 0x55, 0xff };
	uint8_t f[64], enc[600];
	size_t n = 0;
	struct got g = { 0 };

	pattern(f, sizeof(f), 2);
	n += nlrs__slip_encode(f, sizeof(f), enc + n, sizeof(enc) - n);
	memcpy(enc + n, junk, sizeof(junk)); /* noise on the line */
	n += sizeof(junk);
	n += nlrs__slip_encode(f, sizeof(f), enc + n, sizeof(enc) - n);
	enc[n++] = 0x13; /* three bytes of noise: a runt */
	enc[n++] = 0x00;
	enc[n++] = 0x7f;
	n += nlrs__slip_encode(f, 21, enc + n, sizeof(enc) - n);
	feed_all(&rx, enc, n, &g);
	cr_assert_eq(g.n, 3);
	cr_assert_eq(g.len[0], 64);
	cr_assert_eq(g.len[1], 64);
	cr_assert_eq(g.len[2], 21);
	cr_assert_arr_eq(g.data[1], f, 64);
	/* the junk ended at the next frame's leading END: a bad escape and a runt */
	cr_assert_eq(rx.st.bad_escape, 1);
	cr_assert_eq(rx.st.runt, 1);
}

Test(slip_codec, short_frames_are_runts_unless_min_frame_allows)
{
	uint8_t f[5] = { 1, 2, 3, 4, 5 }, enc[20];
	size_t n = nlrs__slip_encode(f, 5, enc, sizeof(enc));
	struct got g = { 0 };

	feed_all(&rx, enc, n, &g);
	cr_assert_eq(g.n, 0);
	cr_assert_eq(rx.st.runt, 1);
	rx.min_frame = 3; /* CSLIP */
	feed_all(&rx, enc, n, &g);
	cr_assert_eq(g.n, 1);
}

Test(slip_codec, empty_frames_are_ignored_without_error)
{
	const uint8_t in[] = { END, END, END, END };
	struct got g = { 0 };

	feed_all(&rx, in, sizeof(in), &g);
	cr_assert_eq(g.n, 0);
	cr_assert_eq(g.errors, 0);
	cr_assert_eq(rx.st.empty, 4);
	cr_assert_eq(rx.st.runt + rx.st.bad_escape + rx.st.oversize, 0);
}

Test(slip_codec, frames_split_across_reads_at_every_byte_position)
{
	uint8_t f1[48], f2[33], enc[300];
	size_t n = 0;

	pattern(f1, sizeof(f1), 0xb0); /* covers 0xc0 and 0xdb */
	pattern(f2, sizeof(f2), 0xd0);
	n += nlrs__slip_encode(f1, sizeof(f1), enc + n, sizeof(enc) - n);
	n += nlrs__slip_encode(f2, sizeof(f2), enc + n, sizeof(enc) - n);
	for (size_t cut = 0; cut <= n; cut++) {
		struct got g = { 0 };

		nlrs__slip_rx_init(&rx, fbuf, 1006);
		feed_all(&rx, enc, cut, &g);
		feed_all(&rx, enc + cut, n - cut, &g);
		cr_assert_eq(g.n, 2, "cut at %zu", cut);
		cr_assert_arr_eq(g.data[0], f1, sizeof(f1));
		cr_assert_arr_eq(g.data[1], f2, sizeof(f2));
	}
	/* and one byte per read */
	struct got g = { 0 };

	nlrs__slip_rx_init(&rx, fbuf, 1006);
	for (size_t i = 0; i < n; i++)
		feed_all(&rx, enc + i, 1, &g);
	cr_assert_eq(g.n, 2);
	cr_assert_arr_eq(g.data[1], f2, sizeof(f2));
}

Test(slip_codec, every_byte_value_round_trips)
{
	uint8_t f[256], enc[600];
	struct got g = { 0 };

	for (unsigned i = 0; i < 256; i++)
		f[i] = (uint8_t)i;
	size_t n = nlrs__slip_encode(f, 256, enc, sizeof(enc));
	cr_assert_eq(n, 256 + 2 + 2);
	feed_all(&rx, enc, n, &g);
	cr_assert_eq(g.n, 1);
	cr_assert_arr_eq(g.data[0], f, 256);
}

/* ---- the device ---- */

TestSuite(slip_dev, .init = t_pool_setup);

static int open_pty(char *slave, size_t len)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	cr_assert_geq(m, 0);
	cr_assert_eq(grantpt(m), 0);
	cr_assert_eq(unlockpt(m), 0);
	cr_assert_eq(ptsname_r(m, slave, len), 0);
	return m;
}

static bool readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static struct nlrs_buf *recv_wait(struct nlrs_netdev *d)
{
	for (int i = 0; i < 200; i++) {
		int err = 0;
		struct nlrs_buf *b = nlrs_netdev_recv(d, 1, &err);

		cr_assert_eq(err, 0);
		if (b)
			return b;
		readable(d->fd, 10);
	}
	return NULL;
}

Test(slip_dev, check_path_accepts_the_four_forms_and_rejects_bad_ones)
{
	cr_assert_eq(nlrs_slip_check_path("/dev/ttyS0"), 0);
	cr_assert_eq(nlrs_slip_check_path("/dev/ttyS0:115200"), 0);
	cr_assert_eq(nlrs_slip_check_path("unix:/tmp/q.sock"), 0);
	cr_assert_eq(nlrs_slip_check_path("tcp:localhost:4321"), 0);
	cr_assert_eq(nlrs_slip_check_path("tcp:[::1]:4321"), 0);
	cr_assert_eq(nlrs_slip_check_path("/dev/ttyS0:12345"), -NLRS_EINVAL);
	cr_assert_eq(nlrs_slip_check_path(""), -NLRS_EINVAL);
	cr_assert_eq(nlrs_slip_check_path("unix:"), -NLRS_EINVAL);
	cr_assert_eq(nlrs_slip_check_path("tcp:host"), -NLRS_EINVAL);
	cr_assert_eq(nlrs_slip_check_path("tcp:host:0"), -NLRS_EINVAL);
	cr_assert_eq(nlrs_slip_check_path("tcp:host:70000"), -NLRS_EINVAL);
	cr_assert_eq(nlrs_slip_check_path("tcp::80"), -NLRS_EINVAL);
}

Test(slip_dev, pty_both_ways_with_mtu_enforced)
{
	char slave[64];
	int m = open_pty(slave, sizeof(slave));
	char path[80];
	struct nlrs_netdev *d = NULL;
	struct nlrs_slip_config cfg = { .path = path, .name = "sl7", .mtu = 576 };
	uint8_t pkt[600], enc[1400], got[1400];
	struct nlrs_slip_stats st;
	char why[128];

	snprintf(path, sizeof(path), "%s:115200", slave);
	cr_assert_eq(nlrs_slip_open(&d, &cfg, &t_pool, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(d->link, NLRS_LINK_RAWIP);
	cr_assert_eq(d->mtu, 576);
	cr_assert_str_eq(d->name, "sl7");

	/* in: two frames in one write, then one split in two writes */
	size_t plen = t_ipv4_udp(pkt, 0xc6336401u, 100);
	size_t n = nlrs__slip_encode(pkt, plen, enc, sizeof(enc));
	memcpy(enc + n, enc, n);
	cr_assert_eq(write(m, enc, 2 * n), (ssize_t)(2 * n));
	for (int k = 0; k < 2; k++) {
		struct nlrs_buf *b = recv_wait(d);

		cr_assert_not_null(b);
		cr_assert_eq(b->tot_len, plen);
		cr_assert_arr_eq(b->data, pkt, plen);
		nlrs_buf_free(b);
	}
	cr_assert_eq(write(m, enc, 7), 7);
	int err = 0;
	cr_assert_null(nlrs_netdev_recv(d, 1, &err));
	cr_assert_eq(write(m, enc + 7, n - 7), (ssize_t)(n - 7));
	struct nlrs_buf *b = recv_wait(d);
	cr_assert_not_null(b);
	nlrs_buf_free(b);

	/* out: END, escaped bytes, END */
	b = nlrs_buf_from(&t_pool, 64, pkt, plen);
	cr_assert_eq(nlrs_netdev_send(d, b, 1), 0);
	cr_assert(readable(m, 1000));
	ssize_t r = read(m, got, sizeof(got));
	cr_assert_eq(r, (ssize_t)n);
	cr_assert_arr_eq(got, enc, n);

	/* above the MTU: refused both ways */
	memset(pkt, 0x45, sizeof(pkt));
	b = nlrs_buf_from(&t_pool, 64, pkt, 577);
	cr_assert_eq(nlrs_netdev_send(d, b, 1), -NLRS_EMSGSIZE);
	n = nlrs__slip_encode(pkt, 577, enc, sizeof(enc));
	cr_assert_eq(write(m, enc, n), (ssize_t)n);
	readable(d->fd, 1000);
	cr_assert_null(nlrs_netdev_recv(d, 1, &err));
	cr_assert_eq(nlrs_slip_stats(d, &st), 0);
	cr_assert_eq(st.rx_frames, 3);
	cr_assert_eq(st.tx_frames, 1);
	cr_assert_eq(st.rx_oversize, 1);
	cr_assert_eq(st.tx_oversize, 1);

	struct nlrs_dev_counters c = { 0 };
	nlrs_netdev_counters(d, &c);
	cr_assert_eq(c.rx_drops, 1);
	cr_assert_eq(c.tx_drops, 1);
	nlrs_netdev_close(d);
	close(m);
	t_pool_check();
}

Test(slip_dev, unix_socket_and_peer_close_reports_enotconn)
{
	char path[108];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int ls = socket(AF_UNIX, SOCK_STREAM, 0), cs;
	struct nlrs_netdev *d = NULL;
	char spec[120];
	struct nlrs_slip_config cfg = { .path = spec };
	uint8_t pkt[200], enc[500];

	snprintf(path, sizeof(path), "/tmp/nlrs-slip-test-%d.sock", getpid());
	unlink(path);
	memcpy(sun.sun_path, path, strlen(path));
	cr_assert_eq(bind(ls, (struct sockaddr *)&sun, sizeof(sun)), 0);
	cr_assert_eq(listen(ls, 1), 0);
	snprintf(spec, sizeof(spec), "unix:%s", path);
	cr_assert_eq(nlrs_slip_open(&d, &cfg, &t_pool, NULL, 0), 0);
	cr_assert_str_eq(d->name, "sl0");
	cr_assert_eq(d->mtu, 1006);
	cs = accept(ls, NULL, NULL);
	cr_assert_geq(cs, 0);
	size_t plen = t_ipv4_udp(pkt, 0xc6336402u, 50);
	size_t n = nlrs__slip_encode(pkt, plen, enc, sizeof(enc));
	cr_assert_eq(write(cs, enc, n), (ssize_t)n);
	struct nlrs_buf *b = recv_wait(d);
	cr_assert_not_null(b);
	cr_assert_arr_eq(b->data, pkt, plen);
	nlrs_buf_free(b);
	close(cs);
	readable(d->fd, 1000);
	int err = 0;
	cr_assert_null(nlrs_netdev_recv(d, 1, &err));
	cr_assert_eq(err, -ENOTCONN);
	nlrs_netdev_close(d);
	close(ls);
	unlink(path);
	t_pool_check();
}

Test(slip_dev, open_fails_cleanly)
{
	struct nlrs_netdev *d = (void *)1;
	struct nlrs_slip_config cfg = { .path = "/nonexistent/tty" };
	char why[128] = "";

	cr_assert_eq(nlrs_slip_open(&d, &cfg, &t_pool, why, sizeof(why)), -ENOENT);
	cr_assert_null(d);
	cr_assert(strstr(why, "/nonexistent/tty"));
	cfg.path = "/dev/null"; /* not a terminal */
	cr_assert_eq(nlrs_slip_open(&d, &cfg, &t_pool, why, sizeof(why)), -ENOTTY);
	cfg.path = "/dev/ttyS0:123";
	cr_assert_eq(nlrs_slip_open(&d, &cfg, &t_pool, why, sizeof(why)), -NLRS_EINVAL);
	cfg.path = "unix:/nonexistent.sock";
	cr_assert_lt(nlrs_slip_open(&d, &cfg, &t_pool, why, sizeof(why)), 0);
	cfg.path = "/dev/ptmx";
	cfg.mtu = 67;
	cr_assert_eq(nlrs_slip_open(&d, &cfg, &t_pool, why, sizeof(why)), -NLRS_EINVAL);
	t_pool_check();
}

Test(slip_dev, tcp_connects_and_frames_both_ways)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001u) };
	socklen_t sl = sizeof(sin);
	int ls = socket(AF_INET, SOCK_STREAM, 0), cs;
	struct nlrs_netdev *d = NULL;
	char spec[64];
	struct nlrs_slip_config cfg = { .path = spec, .flags = NLRS_SLIP_CSLIP };
	uint8_t pkt[200], enc[500], got[500];

	cr_assert_eq(bind(ls, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(listen(ls, 1), 0);
	cr_assert_eq(getsockname(ls, (struct sockaddr *)&sin, &sl), 0);
	snprintf(spec, sizeof(spec), "tcp:127.0.0.1:%u", ntohs(sin.sin_port));
	cr_assert_eq(nlrs_slip_open(&d, &cfg, &t_pool, NULL, 0), 0);
	cs = accept(ls, NULL, NULL);
	cr_assert_geq(cs, 0);
	/* a UDP datagram goes through CSLIP as TYPE_IP, unchanged */
	size_t plen = t_ipv4_udp(pkt, 0xc6336403u, 30);
	struct nlrs_buf *b = nlrs_buf_from(&t_pool, 64, pkt, plen);
	cr_assert_eq(nlrs_netdev_send(d, b, 1), 0);
	size_t n = nlrs__slip_encode(pkt, plen, enc, sizeof(enc));
	size_t have = 0;
	while (have < n && readable(cs, 1000)) {
		ssize_t r = read(cs, got + have, sizeof(got) - have);
		cr_assert_gt(r, 0);
		have += (size_t)r;
	}
	cr_assert_eq(have, n);
	cr_assert_arr_eq(got, enc, n);
	cr_assert_eq(write(cs, enc, n), (ssize_t)n);
	b = recv_wait(d);
	cr_assert_not_null(b);
	cr_assert_eq(b->tot_len, plen);
	cr_assert_arr_eq(b->data, pkt, plen);
	nlrs_buf_free(b);
	struct nlrs_slip_stats st;
	cr_assert_eq(nlrs_slip_stats(d, &st), 0);
	cr_assert_eq(st.cslip_tx_ip, 1);
	nlrs_netdev_close(d);
	close(cs);
	close(ls);
	t_pool_check();
}
