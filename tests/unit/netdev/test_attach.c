/* SPDX-License-Identifier: BSD-2-Clause */
/* nlrs_netdev_attach and the hosted port, against a real stack instance. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include "nlrs/netdev.h"
#include "netdev_priv.h"

static struct nlrs_stack *s;
static void *mem;

static void setup(void)
{
	struct nlrs_stack_config cfg;
	nlrs_stack_config_default(&cfg);
	cfg.buffers = 256;
	nlrs_port_hosted(&cfg.port);
	size_t need = nlrs_stack_mem_size(&cfg);
	mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
	cr_assert_not_null(mem);
	cr_assert_eq(nlrs_stack_init(&s, &cfg, mem, need), 0);
}

static void teardown(void)
{
	nlrs_stack_fini(s);
	free(mem);
}

TestSuite(attach, .init = setup, .fini = teardown);

Test(attach, rawip_device_becomes_an_interface)
{
	struct nlrs_netdev *lo;
	struct nlrs_iface_info info;
	cr_assert_eq(nlrs_loopback_open(&lo, "lo7", nlrs_stack_pool(s), 1280), 0);
	int ifx = nlrs_netdev_attach(s, lo, NULL, NULL);
	cr_assert_geq(ifx, 0);
	cr_assert_eq(nlrs_iface_find(s, "lo7"), ifx);
	cr_assert_eq(nlrs_iface_info(s, ifx, &info), 0);
	cr_assert_eq(info.link, NLRS_LINK_RAWIP);
	cr_assert_eq(info.mtu, 1280);
	nlrs_netdev_close(lo);
}

Test(attach, mtu_clamped_to_what_the_pool_holds)
{
	struct nlrs_netdev *lo;
	struct nlrs_iface_info info;
	cr_assert_eq(nlrs_loopback_open(&lo, "lo", nlrs_stack_pool(s), 0), 0);
	cr_assert_eq(lo->mtu, 65535);
	int ifx = nlrs_netdev_attach(s, lo, "big", NULL);
	cr_assert_geq(ifx, 0);
	cr_assert_eq(nlrs_iface_info(s, ifx, &info), 0);
	cr_assert_str_eq(info.name, "big");
	cr_assert_eq(info.mtu, nlrs_stack_pool(s)->bufsize - NLRS_BUF_HEADROOM);
	nlrs_netdev_close(lo);
}

Test(attach, ethernet_gets_random_locally_administered_mac)
{
	struct nlrs_netdev *a, *b;
	struct nlrs_iface_info ia, ib;
	cr_assert_eq(nlrs_loopback_open(&a, "e0", nlrs_stack_pool(s), 1500), 0);
	cr_assert_eq(nlrs_loopback_open(&b, "e1", nlrs_stack_pool(s), 1500), 0);
	a->link = b->link = NLRS_LINK_ETHERNET; /* stand-ins for TAPs */
	int xa = nlrs_netdev_attach(s, a, NULL, NULL);
	int xb = nlrs_netdev_attach(s, b, NULL, NULL);
	cr_assert_geq(xa, 0);
	cr_assert_geq(xb, 0);
	nlrs_iface_info(s, xa, &ia);
	nlrs_iface_info(s, xb, &ib);
	cr_assert_eq(ia.link, NLRS_LINK_ETHERNET);
	cr_assert_eq(ia.mac[0], 0x02);
	cr_assert_eq(ib.mac[0], 0x02);
	cr_assert_neq(memcmp(ia.mac, ib.mac, 6), 0, "two random MACs collided");
	nlrs_netdev_close(a);
	nlrs_netdev_close(b);
}

Test(attach, given_mac_is_used)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
	struct nlrs_netdev *a;
	struct nlrs_iface_info ia;
	cr_assert_eq(nlrs_loopback_open(&a, "e0", nlrs_stack_pool(s), 1500), 0);
	a->link = NLRS_LINK_ETHERNET;
	int xa = nlrs_netdev_attach(s, a, NULL, mac);
	cr_assert_geq(xa, 0);
	nlrs_iface_info(s, xa, &ia);
	cr_assert_eq(memcmp(ia.mac, mac, 6), 0);
	nlrs_netdev_close(a);
}

Test(attach, stack_transmit_reaches_the_device)
{
	/* Bringing an Ethernet interface with an address up sends a
	 * gratuitous ARP; it must come out of the device. */
	struct nlrs_netdev *a;
	int err;
	cr_assert_eq(nlrs_loopback_open(&a, "e0", nlrs_stack_pool(s), 1500), 0);
	a->link = NLRS_LINK_ETHERNET;
	int xa = nlrs_netdev_attach(s, a, NULL, NULL);
	cr_assert_geq(xa, 0);
	cr_assert_eq(nlrs_iface_addr_add(s, xa, NLRS_IP4(192, 0, 2, 2), 24), 0);
	cr_assert_eq(nlrs_iface_set_up(s, xa, true), 0);
	nlrs_stack_poll(s, nlrs_clock_now());
	struct nlrs_buf *b = nlrs_netdev_recv(a, 0, &err);
	cr_assert_not_null(b, "no frame reached the device");
	uint8_t h[14];
	cr_assert_eq(nlrs_buf_copy_out(b, 0, h, 14), 14u);
	cr_assert_eq(h[12], 0x08);
	cr_assert_eq(h[13], 0x06, "gratuitous ARP expected");
	nlrs_buf_free(b);
	nlrs_netdev_close(a);
}

Test(port, clock_is_monotonic_microseconds_and_random_fills)
{
	struct nlrs_port p;
	nlrs_port_hosted(&p);
	cr_assert_not_null(p.random);
	cr_assert_not_null(p.log);
	nlrs_time_t a = nlrs_clock_now();
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	nlrs_time_t b = nlrs_clock_now();
	cr_assert_geq(b - a, 20000u);
	cr_assert_lt(b - a, 2000000u);
	uint8_t x[64], y[64];
	memset(x, 0, sizeof(x));
	memset(y, 0, sizeof(y));
	p.random(p.ctx, x, sizeof(x));
	p.random(p.ctx, y, sizeof(y));
	cr_assert_neq(memcmp(x, y, sizeof(x)), 0);
}

Test(port, log_names_the_level_on_stderr, .init = cr_redirect_stderr)
{
	struct nlrs_port p;
	unsetenv("NLRS_LOG_LEVEL");
	nlrs_port_hosted(&p);
	p.log(p.ctx, NLRS_LOG_WARN, "arp conflict", 3232236034u, 7);
	p.log(p.ctx, NLRS_LOG_DEBUG, "not shown at the default level", 0, 0);
	p.log(p.ctx, NLRS_LOG_ERR, "boom", 0, 1);
	fflush(stderr);
	cr_assert_stderr_eq_str("nlrs: warn: arp conflict (3232236034, 7)\n"
				"nlrs: err: boom (0, 1)\n");
}
