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

static void setup(void)
{
	struct nlrs_stack_config sc;
	struct nlrs_pool_info pi;
	size_t need;

	nlrs_stack_config_default(&sc);
	sc.buffers = 256;
	need = nlrs_stack_mem_size(&sc);
	cr_assert_eq(posix_memalign(&mem, 64, need), 0);
	cr_assert_eq(nlrs_stack_init(&stk, &sc, mem, need), 0);
	add_iface("tap0", NLRS_LINK_ETHERNET, NLRS_IP4(192, 0, 2, 2), 24);
	add_iface("lo1", NLRS_LINK_RAWIP, NLRS_IP4(203, 0, 113, 1), 32);
	cr_assert_eq(nlrs_route_add(stk, 0, 0, NLRS_IP4(192, 0, 2, 1), -1, 0), 0);
	nlrs_stack_poll(stk, NLRS_SEC(1));
	nlrs_stack_pool_info(stk, &pi);
	pool_start = pi.avail;
	nlrsd_sb_init(&sb, 1u << 20);
}

static void teardown(void)
{
	struct nlrs_pool_info pi;

	nlrs_stack_pool_info(stk, &pi);
	/* criterion 2.4 ignores assertions in .fini: fail loudly instead. */
	if (pi.avail != pool_start) {
		fprintf(stderr, "rendering must not hold buffers: %u free, %u at start\n",
			(unsigned)pi.avail, (unsigned)pool_start);
		abort();
	}
	nlrsd_sb_free(&sb);
	nlrs_stack_fini(stk);
	free(mem);
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
		"assert set(d)=={\"interfaces\",\"addresses\",\"routes\",\"arp\",\"counters\",\"pools\",\"status\"}, d.keys()\n"
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
	static const char *const what[] = { "interfaces", "addresses", "routes", "arp", "counters",
					    "pools", "status" };
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
					      "ARP cache:", "Counters", "Pools:" };

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
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		cr_assert_eq(nlrsd_request_parse(bad[i], &rq, err, sizeof(err)), -1, "accepted '%s'",
			     bad[i]);
		cr_assert_neq(err[0], 0);
	}
}
