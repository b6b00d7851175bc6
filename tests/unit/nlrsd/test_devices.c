/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Several devices in one nlrsd: --tap/--pcap/--loopback each followed by
 * their own --addr/--mtu/--mac, the same from [interface NAME] sections
 * with `type =`, the pcap device's --promisc, and the control request
 * "iface NAME up|down".
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "render.h"

static struct nlrsd_config cfg;
static char err[8192];

static void setup(void)
{
	nlrsd_config_init(&cfg, NULL);
	err[0] = 0;
}

TestSuite(nlrsd_devices, .init = setup);

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

static int parse_text(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	cr_assert_not_null(f);
	rc = nlrsd_config_parse_file(&cfg, f, "test.conf", err, sizeof(err));
	fclose(f);
	return rc;
}

Test(nlrsd_devices, each_device_option_takes_the_options_after_it)
{
	const char *const args[] = { "--tap", "tap0", "--addr", "198.51.100.2/24", "--mtu", "1400",
				     "--pcap", "veth0", "--addr", "192.0.2.2/24", "--addr",
				     "192.0.2.3/24", "--mac", "02:00:5e:00:00:01", "--promisc",
				     "--loopback", "lo1", "--addr", "203.0.113.1/32", NULL };

	cr_assert_eq(parse_argv(args), NLRSD_ARGS_RUN, "%s", err);
	cr_assert_eq(cfg.niface, 3);
	cr_assert_eq(cfg.iface[0].type, NLRSD_IF_TAP);
	cr_assert_str_eq(cfg.iface[0].name, "tap0");
	cr_assert_eq(cfg.iface[0].naddr, 1);
	cr_assert_eq(cfg.iface[0].mtu, 1400);
	cr_assert_not(cfg.iface[0].promisc);
	cr_assert_eq(cfg.iface[1].type, NLRSD_IF_PCAP);
	cr_assert_str_eq(cfg.iface[1].name, "veth0");
	cr_assert_eq(cfg.iface[1].naddr, 2);
	cr_assert_eq(cfg.iface[1].addr[1], NLRS_IP4(192, 0, 2, 3));
	cr_assert_eq(cfg.iface[1].mtu, 0);
	cr_assert(cfg.iface[1].mac_set);
	cr_assert_eq(cfg.iface[1].mac[5], 1);
	cr_assert(cfg.iface[1].promisc);
	cr_assert_eq(cfg.iface[2].type, NLRSD_IF_LOOPBACK);
	cr_assert_eq(cfg.iface[2].naddr, 1);
}

Test(nlrsd_devices, pcap_from_the_config_file_and_printed_back)
{
	char out[4096] = "";
	FILE *f;

	cr_assert_eq(parse_text("[interface eth1]\ntype = pcap\naddr = 192.0.2.2/24\n"
				"promisc = yes\nmtu = 1400\n"
				"[interface tap0]\naddr = 198.51.100.2/24\n"),
		     0, "%s", err);
	cr_assert_eq(cfg.niface, 2);
	cr_assert_eq(cfg.iface[0].type, NLRSD_IF_PCAP);
	cr_assert(cfg.iface[0].promisc);
	cr_assert_eq(cfg.iface[0].mtu, 1400);
	cr_assert_eq(cfg.iface[1].type, NLRSD_IF_TAP);
	f = fmemopen(out, sizeof(out) - 1, "w");
	nlrsd_config_print(&cfg, f);
	fclose(f);
	cr_assert_not_null(strstr(out, "[interface eth1]\ntype = pcap\naddr = 192.0.2.2/24\n"), "%s", out);
	cr_assert_not_null(strstr(out, "promisc = yes\n"), "%s", out);
	/* what it prints reads back the same */
	setup();
	cr_assert_eq(parse_text(out), 0, "%s", err);
	cr_assert_eq(cfg.niface, 2);
	cr_assert_eq(cfg.iface[0].type, NLRSD_IF_PCAP);
	cr_assert(cfg.iface[0].promisc);
}

Test(nlrsd_devices, command_line_pcap_overrides_the_file_type)
{
	static const char text[] = "[interface veth0]\ntype = tap\naddr = 192.0.2.2/24\n";
	char path[] = "/tmp/nlrsd-unit-dev-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	const char *const args[] = { "-c", path, "--pcap", "veth0", NULL };
	cr_assert_eq(parse_argv(args), NLRSD_ARGS_RUN, "%s", err);
	unlink(path);
	cr_assert_eq(cfg.niface, 1);
	cr_assert_eq(cfg.iface[0].type, NLRSD_IF_PCAP);
	cr_assert_eq(cfg.iface[0].naddr, 1); /* no --addr: the file's stays */
}

Test(nlrsd_devices, type_names)
{
	cr_assert_str_eq(nlrsd_iface_type_name(NLRSD_IF_TAP), "tap");
	cr_assert_str_eq(nlrsd_iface_type_name(NLRSD_IF_PCAP), "pcap");
	cr_assert_str_eq(nlrsd_iface_type_name(NLRSD_IF_LOOPBACK), "loopback");
	cr_assert_str_eq(nlrsd_iface_type_name(NLRSD_IF_VLAN), "vlan");
	cr_assert_null(nlrsd_iface_type_name((enum nlrsd_iface_type)0));
	cr_assert_null(nlrsd_iface_type_name((enum nlrsd_iface_type)200));
}

static void expect_error(const char *const *args, const char *needle)
{
	setup();
	cr_assert_eq(parse_argv(args), NLRSD_ARGS_ERROR, "accepted");
	cr_assert_not_null(strstr(err, needle), "want '%s' in: %s", needle, err);
}

Test(nlrsd_devices, bad_device_options_are_refused)
{
	expect_error((const char *const[]){ "--promisc", NULL }, "--promisc: no --pcap before it");
	expect_error((const char *const[]){ "--tap", "tap0", "--promisc", NULL },
		     "only a pcap device has --promisc");
	expect_error((const char *const[]){ "--pcap", "bad/name", NULL }, "not a valid interface name");
	expect_error((const char *const[]){ "--pcap", NULL }, "--pcap: missing value");
	expect_error((const char *const[]){ "--pcap", "eth0", "--mac", "01:00:5e:00:00:01", NULL },
		     "multicast MAC");
	expect_error((const char *const[]){ "--pcap", "eth0", "--pcap", "eth0", NULL },
		     "interface eth0 is given twice");
	setup();
	cr_assert_eq(parse_text("[interface x0]\ntype = slipper\n"), -1);
	cr_assert_not_null(strstr(err, "is not an interface type (tap, loopback, pcap"), "%s", err);
}

Test(nlrsd_devices, more_devices_than_the_table_are_refused)
{
	const char *args[2 * NLRSD_MAX_IFACES + 4];
	char names[NLRSD_MAX_IFACES + 1][8];
	int n = 0;

	for (int i = 0; i <= NLRSD_MAX_IFACES; i++) {
		snprintf(names[i], sizeof(names[i]), "d%d", i);
		args[n++] = i % 2 ? "--pcap" : "--tap";
		args[n++] = names[i];
	}
	args[n] = NULL;
	cr_assert_eq(parse_argv(args), NLRSD_ARGS_ERROR);
	cr_assert_not_null(strstr(err, "too many interfaces"), "%s", err);
}

Test(nlrsd_devices, iface_request_parses)
{
	struct nlrsd_request rq;
	char e[160];

	cr_assert_eq(nlrsd_request_parse("iface veth0 down\n", &rq, e, sizeof(e)), 0, "%s", e);
	cr_assert(rq.set_iface);
	cr_assert_not(rq.up);
	cr_assert_str_eq(rq.iface, "veth0");
	cr_assert_eq(nlrsd_request_parse("iface tap0 up", &rq, e, sizeof(e)), 0, "%s", e);
	cr_assert(rq.set_iface && rq.up);
	cr_assert_eq(nlrsd_request_parse("show interfaces text", &rq, e, sizeof(e)), 0);
	cr_assert_not(rq.set_iface);
	cr_assert_eq(nlrsd_request_parse("iface tap0", &rq, e, sizeof(e)), -1);
	cr_assert_str_eq(e, "usage: iface NAME up|down");
	cr_assert_eq(nlrsd_request_parse("iface tap0 sideways", &rq, e, sizeof(e)), -1);
	cr_assert_eq(nlrsd_request_parse("iface tap0 up now", &rq, e, sizeof(e)), -1);
	cr_assert_eq(nlrsd_request_parse("iface a-name-much-too-long-for-an-interface up", &rq, e,
					 sizeof(e)), -1);
}

Test(nlrsd_devices, vlan_rides_on_a_tap_or_pcap_device)
{
	const char *const args[] = { "--vlan", "veth0.100", "--addr", "203.0.113.2/24", "--pcap",
				     "veth0", "--addr", "192.0.2.2/24", NULL };
	char parent[NLRS_IFNAMSIZ];
	uint16_t vid;

	cr_assert_eq(parse_argv(args), NLRSD_ARGS_RUN, "%s", err);
	cr_assert_eq(cfg.niface, 2);
	cr_assert_eq(cfg.iface[0].type, NLRSD_IF_VLAN);
	cr_assert_str_eq(cfg.iface[0].name, "veth0.100");
	cr_assert_eq(cfg.iface[0].naddr, 1);
	cr_assert_eq(nlrsd_vlan_split("veth0.100", parent, &vid), 0);
	cr_assert_str_eq(parent, "veth0");
	cr_assert_eq(vid, 100);
	cr_assert_eq(nlrsd_vlan_split("a.b.4094", parent, &vid), 0);
	cr_assert_str_eq(parent, "a.b");
	cr_assert_eq(nlrsd_vlan_split("eth0.0", parent, &vid), -1);
	cr_assert_eq(nlrsd_vlan_split("eth0.4095", parent, &vid), -1);
	cr_assert_eq(nlrsd_vlan_split("eth0.", parent, &vid), -1);
	cr_assert_eq(nlrsd_vlan_split(".5", parent, &vid), -1);
	cr_assert_eq(nlrsd_vlan_split("eth0", parent, &vid), -1);
	cr_assert_eq(nlrsd_vlan_split("eth0.1x", parent, &vid), -1);
}

Test(nlrsd_devices, bad_vlans_are_refused)
{
	expect_error((const char *const[]){ "--vlan", "eth0.100", NULL }, "no TAP or pcap device eth0");
	expect_error((const char *const[]){ "--loopback", "lo1", "--vlan", "lo1.5", NULL },
		     "no TAP or pcap device lo1");
	expect_error((const char *const[]){ "--tap", "tap0", "--vlan", "tap0.4095", NULL },
		     "PARENT.VID, VID 1..4094");
	expect_error((const char *const[]){ "--tap", "tap0", "--vlan", "tap0.7", "--mac",
					    "02:00:00:00:00:01", NULL },
		     "a VLAN has its parent's MAC");
	setup();
	cr_assert_eq(parse_text("[interface tap0]\n[interface tap0.7]\ntype = vlan\n"
				"addr = 203.0.113.2/24\n"), 0, "%s", err);
	cr_assert_eq(nlrsd_config_validate(&cfg, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(cfg.iface[1].type, NLRSD_IF_VLAN);
}
