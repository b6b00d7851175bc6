/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nlrsd configuration: the INI file, the command line, their precedence,
 * and that every bad value is refused with a message naming where it is.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static struct nlrsd_config cfg;
static char err[8192];

static void setup(void)
{
	nlrsd_config_init(&cfg, NULL);
	err[0] = 0;
}

TestSuite(nlrsd_config, .init = setup);

/* Parse `text` as a config file named "test.conf". */
static int parse_text(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	cr_assert_not_null(f);
	rc = nlrsd_config_parse_file(&cfg, f, "test.conf", err, sizeof(err));
	fclose(f);
	return rc;
}

/* Run the argument parser on a NULL-terminated list (argv[0] added). */
static enum nlrsd_args_result parse_argv(const char *const *args)
{
	char *argv[64];
	int argc = 0;

	argv[argc++] = (char *)"nlrsd";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return nlrsd_config_parse_args(&cfg, argc, argv, err, sizeof(err));
}

/* Write text to a temporary file; returns its path (static buffer). */
static const char *write_temp(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	strcpy(path, "/tmp/nlrsd-unit-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static const char spec_example[] =
	"[daemon]\n"
	"socket = /run/nlrs/test.sock\n"
	"log-level = debug\n"
	"pcap-file = /tmp/x.pcap\n"
	"[stack]\n"
	"buffers = 4096\n"
	"forward = yes\n"
	"reasm-timeout = 30000\n"
	"tcp-conns = 2048\n"
	"tcp-sndbuf = 65536\n"
	"tcp-rcvbuf = 32768\n"
	"tcp-rmem-max = 8388608\n"
	"tcp-wmem-max = 16777216\n"
	"tcp-msl = 2000\n"
	"tcp-mss-default = 1220\n"
	"tcp-syncookies = off\n"
	"tcp-sack = no\n"
	"tcp-timestamps = false\n"
	"tcp-wscale = 0\n"
	"tcp-cc = newreno\n"
	"[interface tap0]\n"
	"type = tap            # tap | loopback\n"
	"addr = 192.0.2.2/24   # may repeat\n"
	"addr = 198.51.100.2/24\n"
	"mac = 02:00:00:00:00:02\n"
	"mtu = 1400\n"
	"[interface lo9]\n"
	"type = loopback\n"
	"addr = 203.0.113.9/32\n"
	"# a comment line\n"
	"\n"
	"[route]\n"
	"default = 192.0.2.1\n"
	"203.0.113.0/24 = 198.51.100.1\n"
	"[fault]\n"
	"drop-chance = 5\n"
	"size-limit = 1000\n"
	"[service]\n"
	"udp-echo = 7\n";

Test(nlrsd_config, valid_file_fills_every_field)
{
	cr_assert_eq(parse_text(spec_example), 0, "%s", err);
	cr_assert_str_eq(cfg.socket_path, "/run/nlrs/test.sock");
	cr_assert_eq(cfg.log_level, NLRS_LOG_DEBUG);
	cr_assert_str_eq(cfg.pcap_file, "/tmp/x.pcap");
	cr_assert_eq(cfg.buffers, 4096);
	cr_assert(cfg.forward);
	cr_assert_eq(cfg.reasm_timeout_ms, 30000);
	cr_assert_eq(cfg.tcp_conns, 2048);
	cr_assert_eq(cfg.tcp_sndbuf, 65536);
	cr_assert_eq(cfg.tcp_rcvbuf, 32768);
	cr_assert_eq(cfg.tcp_rmem_max, 8388608);
	cr_assert_eq(cfg.tcp_wmem_max, 16777216);
	cr_assert_eq(cfg.tcp_msl_ms, 2000);
	cr_assert_eq(cfg.tcp_mss_default, 1220);
	cr_assert(!cfg.tcp_syncookies);
	cr_assert(!cfg.tcp_sack && !cfg.tcp_timestamps && !cfg.tcp_wscale);
	cr_assert_eq(cfg.tcp_cc, NLRS_CC_NEWRENO);
	cr_assert_eq(cfg.niface, 2);
	cr_assert_str_eq(cfg.iface[0].name, "tap0");
	cr_assert_eq(cfg.iface[0].type, NLRSD_IF_TAP);
	cr_assert_eq(cfg.iface[0].naddr, 2);
	cr_assert_eq(cfg.iface[0].addr[0], NLRS_IP4(192, 0, 2, 2));
	cr_assert_eq(cfg.iface[0].prefixlen[0], 24);
	cr_assert_eq(cfg.iface[0].addr[1], NLRS_IP4(198, 51, 100, 2));
	cr_assert(cfg.iface[0].mac_set);
	cr_assert_eq(memcmp(cfg.iface[0].mac, "\x02\0\0\0\0\x02", 6), 0);
	cr_assert_eq(cfg.iface[0].mtu, 1400);
	cr_assert_str_eq(cfg.iface[1].name, "lo9");
	cr_assert_eq(cfg.iface[1].type, NLRSD_IF_LOOPBACK);
	cr_assert_eq(cfg.iface[1].prefixlen[0], 32);
	cr_assert_eq(cfg.nroute, 2);
	cr_assert_eq(cfg.route[0].dst, 0);
	cr_assert_eq(cfg.route[0].prefixlen, 0);
	cr_assert_eq(cfg.route[0].gw, NLRS_IP4(192, 0, 2, 1));
	cr_assert_eq(cfg.route[1].dst, NLRS_IP4(203, 0, 113, 0));
	cr_assert_eq(cfg.route[1].prefixlen, 24);
	cr_assert_eq(cfg.route[1].gw, NLRS_IP4(198, 51, 100, 1));
	cr_assert_eq(cfg.fault.drop_chance, 5);
	cr_assert_eq(cfg.fault.size_limit, 1000);
	cr_assert_eq(cfg.fault.shaping_interval_ms, 50, "default kept");
	cr_assert_eq(cfg.udp_echo, 7);
	cr_assert_eq(nlrsd_config_validate(&cfg, err, sizeof(err)), 0, "%s", err);
}

Test(nlrsd_config, defaults_follow_the_stack_and_environment)
{
	struct nlrs_stack_config sc;

	nlrs_stack_config_default(&sc);
	cr_assert_eq(cfg.buffers, sc.buffers);
	cr_assert_eq(cfg.buf_size, sc.buf_size);
	cr_assert_eq(cfg.sockets, sc.sockets);
	cr_assert_eq(cfg.arp_entries, sc.arp_entries);
	cr_assert_eq(cfg.tcp_conns, sc.tcp_conns);
	cr_assert_eq(cfg.tcp_sndbuf, sc.tcp_sndbuf);
	cr_assert_eq(cfg.tcp_rcvbuf, sc.tcp_rcvbuf);
	cr_assert_eq(cfg.tcp_rmem_max, sc.tcp_rmem_max);
	cr_assert_eq(cfg.tcp_wmem_max, sc.tcp_wmem_max);
	cr_assert_eq((uint64_t)cfg.tcp_msl_ms * 1000u, sc.tcp_msl);
	cr_assert_eq(cfg.tcp_mss_default, sc.tcp_mss_default);
	cr_assert_eq(cfg.tcp_syncookies, sc.tcp_syncookies);
	cr_assert_eq(cfg.tcp_sack, !sc.tcp_no_sack);
	cr_assert_eq(cfg.tcp_timestamps, !sc.tcp_no_timestamps);
	cr_assert_eq(cfg.tcp_wscale, !sc.tcp_no_wscale);
	cr_assert(cfg.tcp_sack && cfg.tcp_timestamps && cfg.tcp_wscale, "all on by default");
	cr_assert_eq(cfg.tcp_cc, sc.tcp_cc);
	cr_assert_str_eq(cfg.socket_path, NLRSD_DEFAULT_SOCKET);
	nlrsd_config_init(&cfg, "/tmp/env.sock");
	cr_assert_str_eq(cfg.socket_path, "/tmp/env.sock");
}

/* Each broken line must be reported as test.conf:<its line>. */
static void expect_file_error(const char *text, unsigned line, const char *needle)
{
	char where[32];

	setup();
	cr_assert_eq(parse_text(text), -1, "accepted: %s", text);
	snprintf(where, sizeof(where), "test.conf:%u:", line);
	cr_assert(strncmp(err, where, strlen(where)) == 0, "want %s in: %s", where, err);
	cr_assert_not_null(strstr(err, needle), "want '%s' in: %s", needle, err);
}

Test(nlrsd_config, file_errors_name_the_line)
{
	expect_file_error("[daemon]\nsocket = /x\n[bogus]\n", 3, "unknown section [bogus]");
	expect_file_error("[stack]\n\n# c\nbufers = 10\n", 4, "bufers: unknown key");
	expect_file_error("[stack]\nbuffers = 4096\nudp-echo = 7\n", 3, "belongs in [service]");
	expect_file_error("[stack]\nbuffers 4096\n", 2, "expected key = value");
	expect_file_error("buffers = 4096\n", 1, "outside any section");
	expect_file_error("[stack]\nbuffers =\n", 2, "missing value");
	expect_file_error("[stack]\nbuffers = 12x\n", 2, "buffers: '12x' is not a buffer count");
	expect_file_error("[stack]\nbuffers = 4\n", 2, "(64..1048576)");
	expect_file_error("[stack]\nforward = maybe\n", 2, "not yes or no");
	expect_file_error("[stack]\nbuf-size = 1599\n", 2, "buf-size: '1599' is not a buffer size (1600..65535)");
	expect_file_error("[interface tap0]\n[interface tap0]\n", 2, "defined twice");
	expect_file_error("[interface]\n", 1, "needs a name");
	expect_file_error("[interface tap0]\ntype = tun\n", 2, "not an interface type");
	expect_file_error("[interface tap0]\naddr = 192.0.2.300/24\n", 2, "not an IPv4 CIDR");
	expect_file_error("[interface tap0]\nmac = 02:00:00:00:00\n", 2, "not a MAC address");
	expect_file_error("[interface tap0]\nmtu = 67\n", 2, "(68..65535)");
	expect_file_error("[interface a/b]\n", 1, "not a valid interface name");
	expect_file_error("[route]\n203.0.113.1/24 = 192.0.2.1\n", 2, "host bits set");
	expect_file_error("[route]\ndefault = 224.0.0.1\n", 2, "not a unicast IPv4 gateway");
	expect_file_error("[fault]\ndrop-chance = 101\n", 2, "not a percentage (0..100)");
	expect_file_error("[daemon]\nlog-level = loud\n", 2, "not a log level");
	expect_file_error("[daemon\n", 1, "malformed section header");
	expect_file_error("[service]\nudp-echo = 0\n", 2, "not a UDP port");
	expect_file_error("[stack]\ntcp-cc = vegas\n", 2,
			  "tcp-cc: 'vegas' is not a congestion control algorithm (cubic, newreno or bbr)");
	expect_file_error("[stack]\ntcp-syncookies = sometimes\n", 2,
			  "tcp-syncookies: 'sometimes' is not on or off");
	expect_file_error("[stack]\ntcp-conns = 0\n", 2, "tcp-conns: '0' is not a TCP control block count");
	expect_file_error("[stack]\ntcp-rcvbuf = 1k\n", 2, "tcp-rcvbuf: '1k' is not a buffer size in bytes");
	expect_file_error("[daemon]\ntcp-msl = 1000\n", 2, "belongs in [stack], not [daemon]");
	expect_file_error("[stack]\ntcp-mss = 1000\n", 2, "tcp-mss: unknown key in [stack]");
}

Test(nlrsd_config, overlong_line_is_an_error_not_two_lines)
{
	char text[3000];

	strcpy(text, "[daemon]\nsocket = /");
	memset(text + strlen(text), 'a', 2000);
	strcpy(text + 19 + 2000, "\n");
	expect_file_error(text, 2, "line too long");
}

Test(nlrsd_config, missing_config_file_names_it)
{
	static const char *const args[] = { "-c", "/nonexistent/nlrsd.conf", "--tap", "tap0", NULL };

	cr_assert_eq(parse_argv(args), NLRSD_ARGS_ERROR);
	cr_assert_not_null(strstr(err, "/nonexistent/nlrsd.conf"), "%s", err);
	cr_assert_not_null(strstr(err, "No such file"), "%s", err);
}

Test(nlrsd_config, file_error_through_the_command_line_names_file_and_line)
{
	const char *path = write_temp("[stack]\nbuffers = 4096\n[fault]\ndrop-chance = 150\n");
	const char *args[] = { "-c", path, NULL };
	char want[128];

	cr_assert_eq(parse_argv(args), NLRSD_ARGS_ERROR);
	snprintf(want, sizeof(want), "%s:4: drop-chance: '150' is not a percentage", path);
	cr_assert(strncmp(err, want, strlen(want)) == 0, "got: %s", err);
	unlink(path);
}

Test(nlrsd_config, command_line_overrides_file)
{
	const char *path = write_temp("[daemon]\nsocket = /tmp/file.sock\n"
				      "[stack]\nbuffers = 4096\nforward = yes\n"
				      "[interface tap0]\naddr = 192.0.2.2/24\naddr = 192.0.2.3/24\n"
				      "mtu = 1400\n"
				      "[route]\ndefault = 192.0.2.1\n203.0.113.0/24 = 192.0.2.1\n"
				      "[fault]\ndrop-chance = 5\n");
	const char *args[] = { "--buffers", "1024", "-c", path, "--tap", "tap0", "--addr",
			       "192.0.2.9/24", "--gw", "192.0.2.254", "--socket=/tmp/cli.sock",
			       "--drop-chance", "0", "--route", "203.0.113.0/24,192.0.2.253", NULL };

	cr_assert_eq(parse_argv(args), NLRSD_ARGS_RUN, "%s", err);
	unlink(path);
	cr_assert_eq(cfg.buffers, 1024, "the command line wins wherever it stands");
	cr_assert(cfg.forward, "file value kept when not overridden");
	cr_assert_str_eq(cfg.socket_path, "/tmp/cli.sock");
	cr_assert_eq(cfg.fault.drop_chance, 0);
	cr_assert_eq(cfg.niface, 1, "--tap tap0 selects the file's tap0");
	cr_assert_eq(cfg.iface[0].naddr, 1, "command-line addresses replace the file's");
	cr_assert_eq(cfg.iface[0].addr[0], NLRS_IP4(192, 0, 2, 9));
	cr_assert_eq(cfg.iface[0].mtu, 1400, "file MTU kept");
	cr_assert_eq(cfg.nroute, 2);
	cr_assert_eq(cfg.route[0].gw, NLRS_IP4(192, 0, 2, 254), "--gw replaces [route] default");
	cr_assert_eq(cfg.route[1].gw, NLRS_IP4(192, 0, 2, 253), "--route replaces same prefix");
}

Test(nlrsd_config, interface_options_apply_to_the_device_named_last)
{
	static const char *const args[] = { "--tap", "tap0", "--addr", "192.0.2.2/24", "--mtu",
					    "9000", "--loopback", "lo1", "--addr", "203.0.113.1/32",
					    "--addr", "198.51.100.1/24", NULL };

	cr_assert_eq(parse_argv(args), NLRSD_ARGS_RUN, "%s", err);
	cr_assert_eq(cfg.niface, 2);
	cr_assert_eq(cfg.iface[0].naddr, 1);
	cr_assert_eq(cfg.iface[0].mtu, 9000);
	cr_assert_eq(cfg.iface[1].type, NLRSD_IF_LOOPBACK);
	cr_assert_eq(cfg.iface[1].naddr, 2);
	cr_assert_eq(cfg.iface[1].mtu, 0);
}

/* Each command line must fail naming `needle` (usually the option). */
static void expect_cli_error(const char *const *args, const char *needle)
{
	setup();
	cr_assert_eq(parse_argv(args), NLRSD_ARGS_ERROR, "accepted %s", args[0]);
	cr_assert_not_null(strstr(err, needle), "want '%s' in: %s", needle, err);
}

Test(nlrsd_config, command_line_errors_name_the_option)
{
	expect_cli_error((const char *const[]){ "--tap", "tap0", "--drop-chance", "101", NULL },
			 "--drop-chance: '101' is not a percentage (0..100)");
	expect_cli_error((const char *const[]){ "--tap", "tap0", "--corrupt-chance", "-1", NULL },
			 "--corrupt-chance: '-1' is not a percentage");
	expect_cli_error((const char *const[]){ "--tap", "tap0", "--dup-chance", "5%", NULL },
			 "--dup-chance: '5%' is not a percentage");
	expect_cli_error((const char *const[]){ "--tap", "tap0", "--reorder-chance=", NULL },
			 "--reorder-chance: '' is not a percentage");
	expect_cli_error((const char *const[]){ "--tap", "tap0", "--addr", "192.0.2.2", NULL },
			 "--addr: '192.0.2.2' is not an IPv4 CIDR");
	expect_cli_error((const char *const[]){ "--tap", "tap0", "--mac", "02:00:00:00:00:0g", NULL },
			 "--mac: '02:00:00:00:00:0g' is not a MAC");
	expect_cli_error((const char *const[]){ "--tap", "tap0", "--mac", "00:00:00:00:00:00", NULL },
			 "all-zero");
	expect_cli_error((const char *const[]){ "--tap", "tap0", "--shaping-interval", "0", NULL },
			 "--shaping-interval: '0'");
	expect_cli_error((const char *const[]){ "--tap", "tap0", "--udp-echo", "65536", NULL },
			 "--udp-echo: '65536' is not a UDP port");
	expect_cli_error((const char *const[]){ "--tap", "tap0", "--route", "203.0.113.0/24", NULL },
			 "--route: '203.0.113.0/24' is not CIDR,GATEWAY");
	expect_cli_error((const char *const[]){ "--tap", "tap0", "--mtu", NULL }, "--mtu: missing value");
	expect_cli_error((const char *const[]){ "--tap", "--addr", "192.0.2.2/24", NULL },
			 "--tap: missing value (the next argument, --addr, is an option)");
	expect_cli_error((const char *const[]){ "--tap", "-x", NULL }, "not a valid interface name");
	expect_cli_error((const char *const[]){ "--tap", "tap0", "--frobnicate", NULL },
			 "--frobnicate: unknown option");
	expect_cli_error((const char *const[]){ "--tap", "tap0", "extra", NULL }, "extra: unexpected argument");
	expect_cli_error((const char *const[]){ "--forward=yes", "--tap", "tap0", NULL },
			 "--forward: takes no value");
	expect_cli_error((const char *const[]){ "--addr", "192.0.2.2/24", NULL }, "no device (--tap, --pcap, --loopback)");
	expect_cli_error((const char *const[]){ "--tap", "tap0", "--tap", "tap0", NULL }, "given twice");
	expect_cli_error((const char *const[]){ "--tap", "this-name-is-too-long", NULL },
			 "not a valid interface name");
	expect_cli_error((const char *const[]){ "--loopback", "lo1", "--mac", "02:00:00:00:00:01", NULL },
			 "loopback device has no MAC");
	expect_cli_error((const char *const[]){ "--tap", "tap0", "--addr", "192.0.2.2/24", "--gw",
						"198.51.100.1", NULL },
			 "gateway 198.51.100.1");
	expect_cli_error((const char *const[]){ "--log-level", "verbose", "--tap", "t", NULL },
			 "--log-level: 'verbose' is not a log level");
	expect_cli_error((const char *const[]){ NULL }, "no interface");
}

Test(nlrsd_config, help_and_version_win_over_errors_after_them)
{
	static const char *const h[] = { "--tap", "tap0", "-h", "--drop-chance", "500", NULL };
	static const char *const v[] = { "-V", NULL };

	cr_assert_eq(parse_argv(h), NLRSD_ARGS_HELP);
	setup();
	cr_assert_eq(parse_argv(v), NLRSD_ARGS_VERSION);
}

Test(nlrsd_config, verbose_and_flags)
{
	static const char *const args[] = { "--tap", "tap0", "--log-level", "warn", "-v", "-d",
					    "--syslog", "--forward", "--check-config", NULL };

	cr_assert_eq(parse_argv(args), NLRSD_ARGS_RUN, "%s", err);
	cr_assert_eq(cfg.log_level, NLRS_LOG_INFO, "-v is one step up from warn");
	cr_assert(cfg.daemon && cfg.syslog && cfg.forward && cfg.check_config);

	setup();
	cr_assert_eq(parse_argv((const char *const[]){ "--tap", "t", "--log-level", "err", "-vv", NULL }),
		     NLRSD_ARGS_RUN, "%s", err);
	cr_assert_eq(cfg.log_level, NLRS_LOG_INFO, "-vv is two steps up from err");
	setup();
	cr_assert_eq(parse_argv((const char *const[]){ "--tap", "t", "-vx", NULL }), NLRSD_ARGS_ERROR);
}

Test(nlrsd_config, cidr_parser_rejects_malformed_input)
{
	static const char *const bad[] = { "192.0.2.1", "192.0.2.1/33", "256.0.0.1/24", "1.2.3/24",
					   "01.2.3.4/24", "1.2.3.4/", "1.2.3.4/2x", " 1.2.3.4/24",
					   "1.2.3.4 /24", "1.2.3.4/24 ", "1..3.4/24", "1.2.3.4.5/24",
					   "/24", "", "1.2.3.4/-1", "1.2.3.4/024x", "1234.2.3.4/8" };
	uint32_t a;
	uint8_t p;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(nlrsd_parse_cidr(bad[i], &a, &p), -1, "accepted '%s'", bad[i]);
	cr_assert_eq(nlrsd_parse_cidr("203.0.113.255/32", &a, &p), 0);
	cr_assert_eq(a, NLRS_IP4(203, 0, 113, 255));
	cr_assert_eq(p, 32);
	cr_assert_eq(nlrsd_parse_cidr("0.0.0.0/0", &a, &p), 0);
	cr_assert_eq(a, 0);
	cr_assert_eq(p, 0);
}

Test(nlrsd_config, mac_parser_rejects_malformed_input)
{
	static const char *const bad[] = { "02:00:00:00:00", "02:00:00:00:00:00:00", "2:0:0:0:0:0",
					   "02-00-00-00-00-01", "02:00:00:00:00:0", "0200.0000.0001",
					   "02:00:00:00:00:001", "", "zz:00:00:00:00:01" };
	uint8_t m[6];

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(nlrsd_parse_mac(bad[i], m), -1, "accepted '%s'", bad[i]);
	cr_assert_eq(nlrsd_parse_mac("02:Ab:cD:00:fe:9F", m), 0);
	cr_assert_eq(memcmp(m, "\x02\xab\xcd\x00\xfe\x9f", 6), 0);
}

Test(nlrsd_config, printed_config_reads_back_the_same)
{
	struct nlrsd_config first;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	cr_assert_eq(parse_text(spec_example), 0, "%s", err);
	first = cfg;
	out = open_memstream(&text, &len);
	cr_assert_not_null(out);
	nlrsd_config_print(&first, out);
	fclose(out);

	setup();
	cr_assert_eq(parse_text(text), 0, "%s\n%s", err, text);
	cr_assert_eq(cfg.niface, first.niface);
	for (unsigned i = 0; i < cfg.niface; i++) {
		cr_assert_str_eq(cfg.iface[i].name, first.iface[i].name);
		cr_assert_eq(cfg.iface[i].type, first.iface[i].type);
		cr_assert_eq(cfg.iface[i].naddr, first.iface[i].naddr);
		cr_assert_eq(memcmp(cfg.iface[i].addr, first.iface[i].addr, sizeof(cfg.iface[i].addr)), 0);
		cr_assert_eq(cfg.iface[i].mac_set, first.iface[i].mac_set);
		cr_assert_eq(memcmp(cfg.iface[i].mac, first.iface[i].mac, 6), 0);
		cr_assert_eq(cfg.iface[i].mtu, first.iface[i].mtu);
	}
	cr_assert_eq(cfg.nroute, first.nroute);
	cr_assert_eq(memcmp(cfg.route, first.route, sizeof(cfg.route)), 0);
	cr_assert_eq(memcmp(&cfg.fault, &first.fault, sizeof(cfg.fault)), 0);
	cr_assert_str_eq(cfg.socket_path, first.socket_path);
	cr_assert_str_eq(cfg.pcap_file, first.pcap_file);
	cr_assert_eq(cfg.buffers, first.buffers);
	cr_assert_eq(cfg.forward, first.forward);
	cr_assert_eq(cfg.tcp_conns, first.tcp_conns);
	cr_assert_eq(cfg.tcp_sndbuf, first.tcp_sndbuf);
	cr_assert_eq(cfg.tcp_rcvbuf, first.tcp_rcvbuf);
	cr_assert_eq(cfg.tcp_rmem_max, first.tcp_rmem_max);
	cr_assert_eq(cfg.tcp_wmem_max, first.tcp_wmem_max);
	cr_assert_eq(cfg.tcp_msl_ms, first.tcp_msl_ms);
	cr_assert_eq(cfg.tcp_mss_default, first.tcp_mss_default);
	cr_assert_eq(cfg.tcp_syncookies, first.tcp_syncookies);
	cr_assert_eq(cfg.tcp_sack, first.tcp_sack);
	cr_assert_eq(cfg.tcp_timestamps, first.tcp_timestamps);
	cr_assert_eq(cfg.tcp_wscale, first.tcp_wscale);
	cr_assert(!cfg.tcp_sack && !cfg.tcp_timestamps && !cfg.tcp_wscale);
	cr_assert_eq(cfg.tcp_cc, first.tcp_cc);
	cr_assert_not_null(strstr(text, "tcp-cc = newreno\n"), "%s", text);
	cr_assert_not_null(strstr(text, "tcp-syncookies = off\n"), "%s", text);
	cr_assert_eq(cfg.log_level, first.log_level);
	cr_assert_eq(cfg.udp_echo, first.udp_echo);
	free(text);
}

/* ---- TCP ---- */

Test(nlrsd_config, tcp_options_on_the_command_line)
{
	static const char *const args[] = { "--tap", "tap0", "--tcp-conns", "65535", "--tcp-sndbuf",
					    "4096", "--tcp-rcvbuf=1073741824", "--tcp-rmem-max",
					    "1073741824", "--tcp-wmem-max", "4096", "--tcp-msl", "1",
					    "--tcp-mss-default", "65495", "--tcp-syncookies", "off",
					    "--tcp-sack", "off", "--tcp-timestamps=no", "--tcp-wscale",
					    "0", "--tcp-cc", "newreno", NULL };

	cr_assert_eq(parse_argv(args), NLRSD_ARGS_RUN, "%s", err);
	cr_assert_eq(cfg.tcp_conns, 65535);
	cr_assert_eq(cfg.tcp_sndbuf, 4096);
	cr_assert_eq(cfg.tcp_rcvbuf, 1073741824u);
	cr_assert_eq(cfg.tcp_rmem_max, 1073741824u);
	cr_assert_eq(cfg.tcp_wmem_max, 4096);
	cr_assert_eq(cfg.tcp_msl_ms, 1);
	cr_assert_eq(cfg.tcp_mss_default, 65495);
	cr_assert(!cfg.tcp_syncookies);
	cr_assert(!cfg.tcp_sack && !cfg.tcp_timestamps && !cfg.tcp_wscale);
	cr_assert_eq(cfg.tcp_cc, NLRS_CC_NEWRENO);

	/* the lower ends, and every spelling a yes/no key takes */
	static const char *const on[] = { "on", "yes", "true", "1", "ON" };
	for (unsigned i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		setup();
		cr_assert_eq(parse_argv((const char *const[]){ "--tap", "t", "--tcp-syncookies", "off",
							       "--tcp-syncookies", on[i],
							       "--tcp-sack", "off", "--tcp-sack", on[i],
							       "--tcp-timestamps", on[i],
							       "--tcp-wscale", on[i], "--tcp-cc",
							       "cubic", "--tcp-conns", "1",
							       "--tcp-mss-default", "64",
							       "--tcp-msl", "600000", NULL }),
			     NLRSD_ARGS_RUN, "%s: %s", on[i], err);
		cr_assert(cfg.tcp_syncookies && cfg.tcp_sack && cfg.tcp_timestamps && cfg.tcp_wscale,
			  "%s", on[i]);
		cr_assert_eq(cfg.tcp_cc, NLRS_CC_CUBIC);
		cr_assert_eq(cfg.tcp_conns, 1);
		cr_assert_eq(cfg.tcp_mss_default, 64);
		cr_assert_eq(cfg.tcp_msl_ms, 600000);
	}
}

Test(nlrsd_config, tcp_command_line_overrides_file)
{
	const char *path = write_temp("[stack]\ntcp-cc = newreno\ntcp-conns = 100\n"
				      "tcp-syncookies = no\n");
	const char *args[] = { "-c", path, "--tap", "tap0", "--tcp-conns", "200", NULL };

	cr_assert_eq(parse_argv(args), NLRSD_ARGS_RUN, "%s", err);
	unlink(path);
	cr_assert_eq(cfg.tcp_conns, 200);
	cr_assert_eq(cfg.tcp_cc, NLRS_CC_NEWRENO, "file value kept");
	cr_assert(!cfg.tcp_syncookies, "file value kept");
}

Test(nlrsd_config, tcp_bad_values_are_refused_naming_option_and_value)
{
	static const struct {
		const char *opt, *val, *msg;
	} bad[] = {
		{ "--tcp-conns", "0", "--tcp-conns: '0' is not a TCP control block count (1..65535)" },
		{ "--tcp-conns", "65536", "--tcp-conns: '65536' is not a TCP control block count (1..65535)" },
		{ "--tcp-conns", "-1", "--tcp-conns: '-1' is not a TCP control block count" },
		{ "--tcp-conns", "12x", "--tcp-conns: '12x' is not a TCP control block count" },
		{ "--tcp-conns", " 12", "--tcp-conns: ' 12' is not a TCP control block count" },
		{ "--tcp-sndbuf", "4095", "--tcp-sndbuf: '4095' is not a buffer size in bytes (4096..1073741824)" },
		{ "--tcp-sndbuf", "1073741825", "--tcp-sndbuf: '1073741825' is not a buffer size in bytes" },
		{ "--tcp-sndbuf", "64k", "--tcp-sndbuf: '64k' is not a buffer size in bytes" },
		{ "--tcp-rcvbuf", "0", "--tcp-rcvbuf: '0' is not a buffer size in bytes (4096..1073741824)" },
		{ "--tcp-rcvbuf", "99999999999999999999999", "--tcp-rcvbuf: '99999999999999999999999' is not a buffer size" },
		{ "--tcp-rmem-max", "4095", "--tcp-rmem-max: '4095' is not a buffer size in bytes (4096..1073741824)" },
		{ "--tcp-rmem-max", "2147483648", "--tcp-rmem-max: '2147483648' is not a buffer size in bytes" },
		{ "--tcp-wmem-max", "1", "--tcp-wmem-max: '1' is not a buffer size in bytes (4096..1073741824)" },
		{ "--tcp-wmem-max", "4194304.0", "--tcp-wmem-max: '4194304.0' is not a buffer size in bytes" },
		{ "--tcp-msl", "0", "--tcp-msl: '0' is not a lifetime in milliseconds (1..600000)" },
		{ "--tcp-msl", "600001", "--tcp-msl: '600001' is not a lifetime in milliseconds (1..600000)" },
		{ "--tcp-msl", "30s", "--tcp-msl: '30s' is not a lifetime in milliseconds" },
		{ "--tcp-mss-default", "63", "--tcp-mss-default: '63' is not a segment size (64..65495)" },
		{ "--tcp-mss-default", "65496", "--tcp-mss-default: '65496' is not a segment size (64..65495)" },
		{ "--tcp-syncookies", "maybe", "--tcp-syncookies: 'maybe' is not on or off" },
		{ "--tcp-syncookies", "", "--tcp-syncookies: '' is not on or off" },
		{ "--tcp-sack", "sometimes", "--tcp-sack: 'sometimes' is not on or off" },
		{ "--tcp-timestamps", "2", "--tcp-timestamps: '2' is not on or off" },
		{ "--tcp-wscale", "onn", "--tcp-wscale: 'onn' is not on or off" },
		{ "--tcp-cc", "reno", "--tcp-cc: 'reno' is not a congestion control algorithm (cubic, newreno or bbr)" },
		{ "--tcp-cc", "vegas", "--tcp-cc: 'vegas' is not a congestion control algorithm (cubic, newreno or bbr)" },
		{ "--tcp-cc", "CUBIC", "--tcp-cc: 'CUBIC' is not a congestion control algorithm" },
		{ "--sockets", "32768", "--sockets: '32768' is not a socket count (1..32767)" },
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args[] = { "--tap", "tap0", bad[i].opt, bad[i].val, NULL };

		expect_cli_error(args, bad[i].msg);
		cr_assert_eq(strncmp(err, bad[i].opt, strlen(bad[i].opt)), 0,
			     "message must start with the option: %s", err);
	}
	/* options that take a value refuse to go without one */
	expect_cli_error((const char *const[]){ "--tap", "t", "--tcp-cc", NULL }, "--tcp-cc: missing value");
	expect_cli_error((const char *const[]){ "--tap", "t", "--tcp-syncookies", "--forward", NULL },
			 "--tcp-syncookies: missing value (the next argument, --forward, is an option)");
}

Test(nlrsd_config, tcp_ceilings_below_the_initial_buffers_are_refused)
{
	expect_cli_error((const char *const[]){ "--tap", "t", "--tcp-rcvbuf", "8388608", NULL },
			 "tcp-rmem-max 4194304 is below tcp-rcvbuf 8388608");
	expect_cli_error((const char *const[]){ "--tap", "t", "--tcp-sndbuf", "65536", "--tcp-wmem-max",
						"32768", NULL },
			 "tcp-wmem-max 32768 is below tcp-sndbuf 65536");
	/* the order on the command line does not matter: checked at the end */
	setup();
	cr_assert_eq(parse_argv((const char *const[]){ "--tap", "t", "--tcp-rcvbuf", "8388608",
						       "--tcp-rmem-max", "8388608", NULL }),
		     NLRSD_ARGS_RUN, "%s", err);
	cr_assert_eq(cfg.tcp_rcvbuf, 8388608);
}

/* The defaults --help promises are the stack's own. */
Test(nlrsd_config, help_states_the_stack_tcp_defaults)
{
	struct nlrs_stack_config sc;
	/* the help lines (the synopsis has "]" after the value name) */
	static const char *const opt[] = { "--tcp-conns N ",        "--tcp-sndbuf BYTES ",
					   "--tcp-rcvbuf BYTES ",   "--tcp-rmem-max BYTES ",
					   "--tcp-wmem-max BYTES ", "--tcp-msl MS ",
					   "--tcp-mss-default N " };
	unsigned long want[7];

	nlrs_stack_config_default(&sc);
	want[0] = sc.tcp_conns;
	want[1] = sc.tcp_sndbuf;
	want[2] = sc.tcp_rcvbuf;
	want[3] = sc.tcp_rmem_max;
	want[4] = sc.tcp_wmem_max;
	want[5] = (unsigned long)(sc.tcp_msl / 1000u);
	want[6] = sc.tcp_mss_default;
	for (unsigned i = 0; i < sizeof(opt) / sizeof(opt[0]); i++) {
		const char *at = strstr(nlrsd_usage, opt[i]), *def;

		cr_assert_not_null(at, "--help has no '%s'", opt[i]);
		def = strstr(at + strlen(opt[i]), "default ");
		cr_assert_not_null(def);
		cr_assert_eq(strtoul(def + 8, NULL, 10), want[i], "%s: --help says %.40s", opt[i], def);
	}
	cr_assert(sc.tcp_syncookies);
	cr_assert_not_null(strstr(nlrsd_usage, "SYN queue is full (default on)"));
	cr_assert(!sc.tcp_no_sack && !sc.tcp_no_timestamps && !sc.tcp_no_wscale);
	cr_assert_not_null(strstr(nlrsd_usage, "accept SACK (default on)"));
	cr_assert_not_null(strstr(nlrsd_usage, "accept timestamps (default on)"));
	cr_assert_not_null(strstr(nlrsd_usage, "accept window scaling (default on)"));
	cr_assert_eq(sc.tcp_cc, NLRS_CC_CUBIC);
	cr_assert_not_null(strstr(nlrsd_usage, "cubic (default) or newreno"));
}
