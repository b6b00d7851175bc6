/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Control replies: request parsing, JSON validity and shape (checked by
 * python3's json module, the same reader the integration tests use), and
 * text table alignment, rendered from a real stack instance.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render.h"
#include "nlrs/socket.h"
#include "nlrs/stack.h"

static struct nlrs_stack *stk;
static void *mem;
static unsigned frames_sent;
static uint32_t pool_start;
static struct nlrsd_sb sb;

static int tx(void *ctx, struct nlrs_buf *frame)
{
	(void)ctx;
	frames_sent++;
	nlrs_buf_free(frame);
	return 0;
}

static int add_iface(const char *name, enum nlrs_link link, uint32_t addr, uint8_t plen)
{
	struct nlrs_iface_config ic = { .name = name, .link = link, .mac = { 2, 0, 0, 0, 0, 2 },
					.mtu = 1500, .transmit = tx };
	int ifx = nlrs_iface_add(stk, &ic);

	cr_assert_geq(ifx, 0);
	cr_assert_eq(nlrs_iface_addr_add(stk, ifx, addr, plen), 0);
	cr_assert_eq(nlrs_iface_set_up(stk, ifx, true), 0);
	return ifx;
}

/* Build the stack under test from sc (buffers: 256) with tap0, lo1 and a
 * default route. */
static void stack_up(struct nlrs_stack_config *sc)
{
	struct nlrs_pool_info pi;
	size_t need;

	sc->buffers = 256;
	need = nlrs_stack_mem_size(sc);
	cr_assert_eq(posix_memalign(&mem, 64, need), 0);
	cr_assert_eq(nlrs_stack_init(&stk, sc, mem, need), 0);
	add_iface("tap0", NLRS_LINK_ETHERNET, NLRS_IP4(192, 0, 2, 2), 24);
	add_iface("lo1", NLRS_LINK_RAWIP, NLRS_IP4(203, 0, 113, 1), 32);
	cr_assert_eq(nlrs_route_add(stk, 0, 0, NLRS_IP4(192, 0, 2, 1), -1, 0), 0);
	nlrs_stack_poll(stk, NLRS_SEC(1));
	nlrs_stack_pool_info(stk, &pi);
	pool_start = pi.avail;
}

static void stack_down(void)
{
	struct nlrs_pool_info pi;

	nlrs_stack_pool_info(stk, &pi);
	/* criterion 2.4 ignores assertions in .fini: fail loudly instead. */
	if (pi.avail != pool_start) {
		fprintf(stderr, "rendering must not hold buffers: %u free, %u at start\n",
			(unsigned)pi.avail, (unsigned)pool_start);
		abort();
	}
	nlrs_stack_fini(stk);
	free(mem);
	stk = NULL;
	mem = NULL;
}

static void setup(void)
{
	struct nlrs_stack_config sc;

	nlrs_stack_config_default(&sc);
	stack_up(&sc);
	nlrsd_sb_init(&sb, 1u << 20);
}

static void teardown(void)
{
	stack_down();
	nlrsd_sb_free(&sb);
}

TestSuite(nlrsd_render, .init = setup, .fini = teardown);

static const struct nlrsd_status status = { .version = "0.1.0", .pid = 4242,
					    .started = NLRS_SEC(1), .now = NLRS_SEC(6) };

static void render(const char *line)
{
	struct nlrsd_request rq;
	char err[160];

	cr_assert_eq(nlrsd_request_parse(line, &rq, err, sizeof(err)), 0, "%s: %s", line, err);
	nlrsd_sb_reset(&sb);
	nlrsd_render(&sb, stk, &status, &rq);
	cr_assert(!sb.full);
	cr_assert_gt(sb.len, 0);
}

/* Run a python3 check over the reply; the script exits 0 on success. */
static void python_check(const char *script)
{
	char path[] = "/tmp/nlrsd-render-XXXXXX";
	char cmd[8192];
	int fd = mkstemp(path), rc;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, sb.p, sb.len), (ssize_t)sb.len);
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys\nd=json.load(open(sys.argv[1]))\n%s' %s", script, path);
	rc = system(cmd);
	unlink(path);
	cr_assert_eq(rc, 0, "python3 check failed (%d) on:\n%.*s\nscript:\n%s", rc, (int)sb.len,
		     sb.p, script);
}

Test(nlrsd_render, show_all_json_has_every_section_with_spec_shapes)
{
	render("show all json\n");
	cr_assert_eq(sb.p[sb.len - 1], '\n');
	python_check(
		"assert set(d)=={\"interfaces\",\"addresses\",\"routes\",\"arp\",\"tcp\",\"counters\",\"pools\",\"status\"}, d.keys()\n"
		"i=d[\"interfaces\"][0]\n"
		"assert i==dict(index=0,name=\"tap0\",link=\"ethernet\",mac=\"02:00:00:00:00:02\",mtu=1500,up=True,"
		"addresses=[\"192.0.2.2/24\"],rx_packets=0,rx_bytes=0,rx_drops=0,tx_packets=i[\"tx_packets\"],"
		"tx_bytes=i[\"tx_bytes\"],tx_errors=0,\n"
		"dev_rx_drops=0,dev_tx_drops=0,fault_drops=0), i\n"
		"assert i[\"tx_packets\"]>=1\n"
		"l=d[\"interfaces\"][1]\n"
		"assert l[\"name\"]==\"lo1\" and l[\"mac\"] is None and l[\"addresses\"]==[\"203.0.113.1/32\"]\n"
		"r={x[\"destination\"]:x for x in d[\"routes\"]}\n"
		"assert r[\"192.0.2.0/24\"]==dict(destination=\"192.0.2.0/24\",gateway=None,interface=\"tap0\",metric=0,connected=True), r\n"
		"assert r[\"0.0.0.0/0\"][\"gateway\"]==\"192.0.2.1\" and r[\"0.0.0.0/0\"][\"connected\"] is False\n"
		"assert r[\"0.0.0.0/0\"][\"interface\"]==\"tap0\"\n"
		"assert d[\"arp\"]==[]\n"
		"assert d[\"tcp\"]==[], d[\"tcp\"]\n"
		"c=d[\"counters\"]\n"
		"assert all(type(v) is int for v in c.values())\n"
		"assert \"ip_rx_bad_checksum\" in c and \"udp_rx_no_port\" in c and \"frag_overlap\" in c\n"
		"assert c[\"arp_gratuitous_sent\"]>=1\n"
		"p=d[\"pools\"][\"buffers\"]\n"
		"assert p[\"count\"]==256 and p[\"size\"]==2048 and p[\"alloc_fail\"]==0 and p[\"available\"]<=256\n"
		"assert d[\"status\"]==dict(version=\"0.1.0\",pid=4242,uptime_ms=5000), d[\"status\"]\n"
		"assert d[\"addresses\"][0]==dict(interface=\"tap0\",address=\"192.0.2.2/24\")\n");
}

Test(nlrsd_render, json_counters_list_every_counter_including_zeros)
{
	char script[256];

	render("show counters json");
	snprintf(script, sizeof(script),
		 "assert list(d)==[\"counters\"]\nassert len(d[\"counters\"])==%u, len(d[\"counters\"])\n"
		 "assert d[\"counters\"][\"%s\"]==0\n",
		 nlrs_counter_count(), "ip_rx_bad_checksum");
	python_check(script);
}

Test(nlrsd_render, show_one_json_returns_only_that_key)
{
	static const char *const what[] = { "interfaces", "addresses", "routes", "arp", "tcp",
					    "counters", "pools", "status" };
	char line[64], script[128];

	for (unsigned i = 0; i < sizeof(what) / sizeof(what[0]); i++) {
		snprintf(line, sizeof(line), "show %s json", what[i]);
		render(line);
		snprintf(script, sizeof(script), "assert list(d)==[\"%s\"], list(d)\n", what[i]);
		python_check(script);
	}
	render("status json");
	python_check("assert list(d)==[\"status\"]\n");
}

Test(nlrsd_render, json_escapes_names)
{
	struct nlrs_iface_config ic = { .name = "q\"b\\", .link = NLRS_LINK_RAWIP, .mtu = 1500,
					.transmit = tx };

	cr_assert_geq(nlrs_iface_add(stk, &ic), 0);
	render("show interfaces json");
	python_check("assert d[\"interfaces\"][2][\"name\"]==\"q\\\"b\\\\\", d[\"interfaces\"][2]\n");
}

/* Every row of a table starts each column at the header's offset. */
static void check_aligned(const char *text, const char *head, const char *col)
{
	const char *h = strstr(text, head);
	size_t off;
	const char *line;

	cr_assert_not_null(h, "no header '%s' in:\n%s", head, text);
	off = (size_t)(strstr(h, col) - h);
	line = strchr(h, '\n') + 1;
	cr_assert(*line && *line != '\n', "table has no rows:\n%s", text);
	for (; *line && *line != '\n'; line = strchr(line, '\n') + 1) {
		cr_assert_gt(strchr(line, '\n') - line, (long)off, "short row: %s", line);
		cr_assert(line[off - 1] == ' ' && line[off - 2] == ' ' && line[off] != ' ',
			  "column '%s' misaligned at offset %zu:\n%s", col, off, text);
	}
}

Test(nlrsd_render, text_tables_are_aligned)
{
	render("show routes text");
	check_aligned(sb.p, "DESTINATION", "GATEWAY");
	check_aligned(sb.p, "DESTINATION", "INTERFACE");
	cr_assert_not_null(strstr(sb.p, "0.0.0.0/0"));
	cr_assert_not_null(strstr(sb.p, "192.0.2.1"));
	render("show addresses text");
	check_aligned(sb.p, "INTERFACE", "ADDRESS");
	cr_assert_not_null(strstr(sb.p, "203.0.113.1/32"));
	render("show interfaces text");
	check_aligned(sb.p, "INDEX", "NAME");
	check_aligned(sb.p, "INDEX", "LINK");
	cr_assert_not_null(strstr(sb.p, "02:00:00:00:00:02"));
}

Test(nlrsd_render, text_counters_hide_zeros_unless_all)
{
	render("show counters text");
	cr_assert_not_null(strstr(sb.p, "arp_gratuitous_sent"));
	cr_assert_null(strstr(sb.p, "ip_rx_bad_checksum"), "zero counter shown:\n%s", sb.p);
	check_aligned(sb.p, "COUNTER", "DESCRIPTION");
	render("show counters text all");
	cr_assert_not_null(strstr(sb.p, "ip_rx_bad_checksum"));
	check_aligned(sb.p, "COUNTER", "DESCRIPTION");
}

Test(nlrsd_render, show_all_text_has_every_section)
{
	static const char *const titles[] = { "Status:", "Interfaces:", "Addresses:", "Routes:",
					      "ARP cache:", "TCP:", "Counters", "Pools:" };

	render("show all text");
	for (unsigned i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		cr_assert_not_null(strstr(sb.p, titles[i]), "no %s in:\n%s", titles[i], sb.p);
	cr_assert_not_null(strstr(sb.p, "nlrsd 0.1.0, pid 4242, up 5.000 s"));
}

Test(nlrsd_render, reply_cap_marks_full_instead_of_growing)
{
	struct nlrsd_request rq = { .what = NLRSD_SHOW_ALL, .json = true };
	struct nlrsd_sb small;

	nlrsd_sb_init(&small, 100);
	nlrsd_render(&small, stk, &status, &rq);
	cr_assert(small.full);
	cr_assert_leq(small.len, 100);
	nlrsd_sb_free(&small);
}

Test(nlrsd_render, request_parser)
{
	struct nlrsd_request rq;
	char err[160];
	static const char *const bad[] = { "", "\n", "show", "show arp", "show arp xml",
					   "show everything json", "status", "status json all",
					   "show arp json all extra", "show arp json some", "delete all",
					   "show  arp text all a b c d" };

	cr_assert_eq(nlrsd_request_parse("show counters text all\r\n", &rq, err, sizeof(err)), 0);
	cr_assert(rq.what == NLRSD_SHOW_COUNTERS && !rq.json && rq.all);
	cr_assert_eq(nlrsd_request_parse("status json\n", &rq, err, sizeof(err)), 0);
	cr_assert(rq.what == NLRSD_SHOW_STATUS && rq.json && !rq.all);
	cr_assert_eq(nlrsd_request_parse("show all json", &rq, err, sizeof(err)), 0);
	cr_assert_eq(rq.what, NLRSD_SHOW_ALL);
	cr_assert(rq.what & NLRSD_SHOW_TCP, "show all includes tcp");
	cr_assert_eq(nlrsd_request_parse("show tcp text", &rq, err, sizeof(err)), 0);
	cr_assert(rq.what == NLRSD_SHOW_TCP && !rq.json);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		cr_assert_eq(nlrsd_request_parse(bad[i], &rq, err, sizeof(err)), -1, "accepted '%s'",
			     bad[i]);
		cr_assert_neq(err[0], 0);
	}
}

/* ---- TCP control blocks ---- */

static nlrs_time_t now_us = NLRS_SEC(1);
static int lsd, csd, asd;

/* Advance the virtual clock in 1 ms steps (at most `ms` of them) until
 * done() holds; loopback traffic to the stack's own address moves on
 * every poll. */
static bool run_until(unsigned ms, bool (*done)(void))
{
	for (unsigned i = 0; i < ms; i++) {
		if (done && done())
			return true;
		now_us += NLRS_MSEC(1);
		nlrs_stack_poll(stk, now_us);
	}
	return done ? done() : true;
}

static bool accepted(void)
{
	if (asd < 0)
		asd = nlrs_sock_accept(stk, lsd, NULL);
	return asd >= 0;
}

static char rx[4096];
static size_t rx_got;

static bool all_read(void)
{
	int n;

	while ((n = nlrs_sock_recv(stk, asd, rx + rx_got, sizeof(rx) - rx_got, 0)) > 0)
		rx_got += (size_t)n;
	return rx_got >= 3000;
}

static struct nlrs_tcp_info ci_acked;

static bool client_acked(void)
{
	return nlrs_tcp_info(stk, csd, &ci_acked) == 0 && ci_acked.bytes_acked >= 3000 &&
	       ci_acked.unacked == 0;
}

/* A listener on *:80 and a connection from the stack to its own address
 * (192.0.2.2, delivered through the stack's loopback queue) with 3000
 * bytes sent from the connecting side. */
static void tcp_connection(void)
{
	struct nlrs_endpoint any80 = { .family = NLRS_AF_INET, .port = 80 };
	struct nlrs_endpoint to80 = { .family = NLRS_AF_INET, .port = 80,
				      .v4 = NLRS_IP4(192, 0, 2, 2) };
	char data[3000];

	lsd = nlrs_sock_open(stk, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	cr_assert_geq(lsd, 0);
	cr_assert_eq(nlrs_sock_bind(stk, lsd, &any80), 0);
	cr_assert_eq(nlrs_sock_listen(stk, lsd, 4), 0);
	csd = nlrs_sock_open(stk, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	cr_assert_geq(csd, 0);
	cr_assert_eq(nlrs_sock_setopt(stk, csd, NLRS_TCP_CONGESTION, NLRS_CC_NEWRENO), 0);
	cr_assert_eq(nlrs_sock_connect(stk, csd, &to80), -NLRS_EINPROGRESS);
	asd = -1;
	cr_assert(run_until(2000, accepted), "the stack did not accept its own connection");
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	cr_assert_eq(nlrs_sock_send(stk, csd, data, sizeof(data), 0), (int)sizeof(data));
	rx_got = 0;
	cr_assert(run_until(2000, all_read), "received %zu of 3000 bytes", rx_got);
	cr_assert(run_until(2000, client_acked), "3000 bytes never acknowledged");
	cr_assert_eq(memcmp(rx, data, sizeof(data)), 0);
}

/* Abortive close of everything (SO_LINGER 0), so the suite's pool check
 * finds every buffer back. */
static void tcp_close_all(void)
{
	cr_assert_eq(nlrs_sock_setopt(stk, csd, NLRS_SO_LINGER, 0), 0);
	cr_assert_eq(nlrs_sock_setopt(stk, asd, NLRS_SO_LINGER, 0), 0);
	cr_assert_eq(nlrs_sock_close(stk, csd), 0);
	cr_assert_eq(nlrs_sock_close(stk, asd), 0);
	cr_assert_eq(nlrs_sock_close(stk, lsd), 0);
	run_until(100, NULL);
}

Test(nlrsd_render, json_tcp_lists_every_control_block_with_its_figures)
{
	struct nlrs_tcp_info c, a;
	char script[4096];
	uint16_t eport;

	tcp_connection();
	cr_assert_eq(nlrs_tcp_info(stk, csd, &c), 0);
	cr_assert_eq(nlrs_tcp_info(stk, asd, &a), 0);
	eport = c.local_port;
	cr_assert_eq(a.remote_port, eport);
	render("show tcp json");
	/* the rows must carry exactly what nlrs_tcp_info says */
	snprintf(script, sizeof(script),
		 "assert list(d)==[\"tcp\"], list(d)\n"
		 "t=d[\"tcp\"]\n"
		 "assert len(t)==3, t\n"
		 "keys={\"state\",\"ca_state\",\"local_address\",\"local_port\",\"remote_address\",\"remote_port\","
		 "\"unacked\",\"sacked\",\"lost\",\"retrans\",\"cwnd\",\"ssthresh\",\"rtt_us\",\"rttvar_us\",\"rto_us\","
		 "\"mss\",\"rcv_mss\",\"pmtu\",\"snd_wnd\",\"rcv_wnd\",\"sndbuf\",\"rcvbuf\",\"snd_wscale\",\"rcv_wscale\","
		 "\"retransmits\",\"backoff\",\"total_retrans\",\"bytes_sent\",\"bytes_retrans\",\"bytes_acked\","
		 "\"bytes_received\",\"segs_out\",\"segs_in\",\"options\",\"cc\"}\n"
		 "for r in t: assert set(r)==keys, set(r)^keys\n"
		 "L=[r for r in t if r[\"state\"]==\"LISTEN\"]\n"
		 "assert len(L)==1 and L[0][\"local_port\"]==80 and L[0][\"local_address\"]==\"0.0.0.0\", L\n"
		 "assert L[0][\"remote_address\"] is None and L[0][\"remote_port\"] is None, L\n"
		 "C=[r for r in t if r[\"state\"]==\"ESTABLISHED\" and r[\"remote_port\"]==80]\n"
		 "A=[r for r in t if r[\"state\"]==\"ESTABLISHED\" and r[\"local_port\"]==80]\n"
		 "assert len(C)==1 and len(A)==1, t\n"
		 "c=C[0]; a=A[0]\n"
		 "assert c[\"local_address\"]==c[\"remote_address\"]==\"192.0.2.2\", c\n"
		 "assert c[\"local_port\"]==%u and a[\"remote_port\"]==%u, (c, a)\n"
		 "assert c[\"bytes_sent\"]==3000 and c[\"bytes_acked\"]==3000 and c[\"unacked\"]==0, c\n"
		 "assert a[\"bytes_received\"]==3000 and a[\"bytes_sent\"]==0, a\n"
		 "assert c[\"cc\"]==\"newreno\" and a[\"cc\"]==\"cubic\", (c[\"cc\"], a[\"cc\"])\n"
		 "assert c[\"ca_state\"]==\"open\"\n"
		 "assert c[\"cwnd\"]==%u and c[\"rtt_us\"]==%u and c[\"rttvar_us\"]==%u and c[\"rto_us\"]==%u, c\n"
		 "assert c[\"mss\"]==%u and c[\"rcv_mss\"]==%u and c[\"pmtu\"]==%u, c\n"
		 "assert c[\"snd_wnd\"]==%u and c[\"sndbuf\"]==%u and c[\"rcvbuf\"]==%u, c\n"
		 "assert c[\"segs_out\"]==%u and c[\"segs_in\"]==%u, c\n"
		 "assert c[\"ssthresh\"]==(None if %u==0xffffffff else %u), c\n"
		 "assert c[\"snd_wscale\"]==%u and c[\"rcv_wscale\"]==%u, c\n"
		 "o=set()\n"
		 "if %u: o.add(\"ts\")\n"
		 "if %u: o.add(\"sack\")\n"
		 "if %u: o.add(\"wscale\")\n"
		 "assert set(c[\"options\"])==o and len(c[\"options\"])==len(o), (c[\"options\"], o)\n"
		 "assert o=={\"ts\",\"sack\",\"wscale\"}, o\n"
		 "assert all(type(r[k]) is int for r in (c, a) for k in keys - {\"state\",\"ca_state\","
		 "\"local_address\",\"remote_address\",\"options\",\"cc\",\"ssthresh\"})\n",
		 eport, eport, c.snd_cwnd, c.rtt, c.rttvar, c.rto, c.snd_mss, c.rcv_mss, c.pmtu,
		 c.snd_wnd, c.sndbuf, c.rcvbuf, (unsigned)c.segs_out, (unsigned)c.segs_in,
		 c.snd_ssthresh, c.snd_ssthresh, c.snd_wscale, c.rcv_wscale,
		 c.options & NLRS_TCPI_OPT_TIMESTAMPS, c.options & NLRS_TCPI_OPT_SACK,
		 c.options & NLRS_TCPI_OPT_WSCALE);
	python_check(script);
	tcp_close_all();
}

/* Split the table row starting at `row` into white-space separated
 * fields (copies in a static buffer); returns the count. */
static int split_row(const char *row, char *f[24])
{
	static char line[512];
	size_t n = strcspn(row, "\n");
	char *save = NULL, *t;
	int k = 0;

	cr_assert_lt(n, sizeof(line));
	memcpy(line, row, n);
	line[n] = 0;
	for (t = strtok_r(line, " ", &save); t && k < 24; t = strtok_r(NULL, " ", &save))
		f[k++] = t;
	return k;
}

Test(nlrsd_render, text_tcp_is_an_aligned_table_like_ss)
{
	struct nlrs_tcp_info c;
	char want[64], *f[24];
	const char *row;

	tcp_connection();
	cr_assert_eq(nlrs_tcp_info(stk, csd, &c), 0);
	render("show tcp text");
	check_aligned(sb.p, "STATE", "LOCAL");
	check_aligned(sb.p, "STATE", "REMOTE");
	check_aligned(sb.p, "STATE", "OPTIONS");
	check_aligned(sb.p, "STATE", "CC");
	cr_assert_eq(strncmp(sb.p, "STATE", 5), 0, "one object: no section title:\n%s", sb.p);
	/* the listener: no remote end, no per-connection figures */
	row = strstr(sb.p, "\nLISTEN ");
	cr_assert_not_null(row, "%s", sb.p);
	cr_assert_not_null(strstr(row, "0.0.0.0:80"), "%s", sb.p);
	cr_assert_not_null(strstr(row, "0.0.0.0:*"), "%s", sb.p);
	/* the connecting side, field by field */
	snprintf(want, sizeof(want), "\nESTABLISHED  192.0.2.2:%u ", c.local_port);
	row = strstr(sb.p, want);
	cr_assert_not_null(row, "no '%s' in:\n%s", want + 1, sb.p);
	cr_assert_eq(split_row(row + 1, f), 16, "%s", sb.p);
	snprintf(want, sizeof(want), "192.0.2.2:%u", c.local_port);
	cr_assert_str_eq(f[1], want);
	cr_assert_str_eq(f[2], "192.0.2.2:80");
	cr_assert_str_eq(f[3], "0", "UNACKED");
	snprintf(want, sizeof(want), "%u", c.snd_cwnd);
	cr_assert_str_eq(f[4], want, "CWND");
	snprintf(want, sizeof(want), "%u.%03u", c.rtt / 1000u, c.rtt % 1000u);
	cr_assert_str_eq(f[6], want, "RTT-MS");
	snprintf(want, sizeof(want), "%u.%03u", c.rto / 1000u, c.rto % 1000u);
	cr_assert_str_eq(f[8], want, "RTO-MS");
	snprintf(want, sizeof(want), "%u", c.snd_mss);
	cr_assert_str_eq(f[9], want, "MSS");
	cr_assert_str_eq(f[11], "3000", "SENT");
	cr_assert_str_eq(f[12], "3000", "ACKED");
	cr_assert_str_eq(f[13], "0", "RECEIVED");
	snprintf(want, sizeof(want), "ts,sack,wscale:%u/%u", c.snd_wscale, c.rcv_wscale);
	cr_assert_str_eq(f[14], want, "OPTIONS");
	cr_assert_str_eq(f[15], "newreno", "CC");
	/* the accepted side received the 3000 bytes */
	snprintf(want, sizeof(want), "\nESTABLISHED  192.0.2.2:80 ");
	row = strstr(sb.p, want);
	cr_assert_not_null(row, "%s", sb.p);
	cr_assert_eq(split_row(row + 1, f), 16, "%s", sb.p);
	cr_assert_str_eq(f[11], "0", "SENT");
	cr_assert_str_eq(f[13], "3000", "RECEIVED");
	cr_assert_str_eq(f[15], "cubic", "CC");
	/* inside "show all" it has its title */
	render("show all text");
	cr_assert_not_null(strstr(sb.p, "\nTCP:\nSTATE "), "%s", sb.p);
	tcp_close_all();
}

Test(nlrsd_render, text_tcp_with_no_connections_is_the_header_only)
{
	render("show tcp text");
	cr_assert_eq(strncmp(sb.p, "STATE ", 6), 0, "%s", sb.p);
	cr_assert_eq(strchr(sb.p, '\n') - sb.p + 1, (long)sb.len, "rows in:\n%s", sb.p);
}

Test(nlrsd_render, tcp_without_options_shows_none)
{
	struct nlrs_stack_config sc;
	struct nlrs_tcp_info c;
	char want[64], *f[24];
	const char *row;

	stack_down();
	nlrs_stack_config_default(&sc);
	sc.tcp_no_sack = sc.tcp_no_timestamps = sc.tcp_no_wscale = true;
	stack_up(&sc);
	tcp_connection();
	cr_assert_eq(nlrs_tcp_info(stk, csd, &c), 0);
	cr_assert_eq(c.options, 0);
	render("show tcp json");
	python_check("t=d[\"tcp\"]\n"
		     "assert len(t)==3, t\n"
		     "for r in t: assert r[\"options\"]==[] and r[\"snd_wscale\"]==0 and r[\"rcv_wscale\"]==0, r\n");
	render("show tcp text");
	snprintf(want, sizeof(want), "\nESTABLISHED  192.0.2.2:%u ", c.local_port);
	row = strstr(sb.p, want);
	cr_assert_not_null(row, "%s", sb.p);
	cr_assert_eq(split_row(row + 1, f), 16, "%s", sb.p);
	cr_assert_str_eq(f[14], "-", "OPTIONS");
	tcp_close_all();
}
