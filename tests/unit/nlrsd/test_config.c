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
	expect_cli_error((const char *const[]){ "--addr", "192.0.2.2/24", NULL }, "no --tap or --loopback");
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
	cr_assert_eq(cfg.log_level, first.log_level);
	cr_assert_eq(cfg.udp_echo, first.udp_echo);
	free(text);
}
