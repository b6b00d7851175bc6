/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pcap device against the real kernel. A TAP device serves as the
 * Ethernet interface the pcap device joins: a frame written to the TAP's fd
 * arrives on the interface (the capture sees it come in), and a frame the
 * pcap device sends leaves by the interface (the TAP's fd reads it). Each
 * test that needs root first moves its process into a new network
 * namespace (as test_tap.c); skipped when not root.
 *
 *   [ test: TAP fd ] <--> [ kernel: nlpc0 ] <--> [ nlrs_pcapdev_open(nlpc0) ]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include "netdev_test.h"
#include "netdev_priv.h"

#define IFNAME "nlpc0"

static const uint8_t our_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x02 };
static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x09 };
static const uint8_t other_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x77 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct nlrs_netdev *tap, *pd;

static void setup_ns(void)
{
	t_pool_setup();
	if (unshare(CLONE_NEWNET) != 0)
		cr_skip_test("cannot make a network namespace (%s): needs root", strerror(errno));
	if (access("/dev/net/tun", R_OK | W_OK) != 0)
		cr_skip_test("no /dev/net/tun");
	cr_assert_eq(nlrs_tap_open(&tap, IFNAME, &t_pool), 0);
	cr_assert_eq(nlrs_pcapdev_open(&pd, IFNAME, &t_pool, our_mac, 0, NULL, 0), 0);
}

static void teardown_ns(void)
{
	nlrs_netdev_close(pd);
	nlrs_netdev_close(tap);
}

TestSuite(pcapdev, .init = t_pool_setup);
TestSuite(pcapdev_kernel, .init = setup_ns, .fini = teardown_ns);

/* An Ethernet frame dst <- src, a private EtherType, a payload tagged n. */
static void put_frame(const uint8_t dst[6], const uint8_t src[6], uint8_t n)
{
	uint8_t f[60];

	memset(f, 0, sizeof(f));
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88; /* IEEE 802 local experimental EtherType 88b5 */
	f[13] = 0xb5;
	f[14] = n;
	cr_assert_eq(write(tap->fd, f, sizeof(f)), (ssize_t)sizeof(f), "%s", strerror(errno));
}

/* Every frame the pcap device hands up within ~wait_ms, tags in order. */
static unsigned drain(uint8_t *tags, unsigned max, int wait_ms)
{
	unsigned n = 0;
	struct pollfd p = { .fd = pd->fd, .events = POLLIN };

	while (poll(&p, 1, wait_ms) > 0) {
		for (;;) {
			int err = 0;
			struct nlrs_buf *b = nlrs_netdev_recv(pd, 0, &err);

			cr_assert_eq(err, 0);
			if (!b)
				break;
			cr_assert_geq(b->len, 15);
			if (n < max)
				tags[n] = b->data[14];
			n++;
			nlrs_buf_free(b);
		}
	}
	return n;
}

Test(pcapdev, derived_mac_is_stable_unicast_local_and_not_the_kernels)
{
	const uint8_t hw[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	uint8_t a[6], b[6], c[6], d[6];

	nlrs__pcapdev_derive_mac("eth0", hw, a);
	nlrs__pcapdev_derive_mac("eth0", hw, b);
	nlrs__pcapdev_derive_mac("eth1", hw, c);
	nlrs__pcapdev_derive_mac("eth0", (const uint8_t[6]){ 0x52, 0x54, 0, 0x12, 0x34, 0x57 }, d);
	cr_assert_arr_eq(a, b, 6, "not stable");
	cr_assert_arr_neq(a, c, 6, "the name makes no difference");
	cr_assert_arr_neq(a, d, 6, "the interface's MAC makes no difference");
	cr_assert_eq(a[0] & 0x01, 0, "multicast");
	cr_assert_eq(a[0] & 0x02, 0x02, "not locally administered");
	cr_assert_arr_neq(a, hw, 6);
}

Test(pcapdev, open_refuses_bad_arguments_and_missing_interfaces)
{
	struct nlrs_netdev *d = (void *)1;
	char why[256];

	cr_assert_eq(nlrs_pcapdev_open(&d, "a-name-far-too-long", &t_pool, NULL, 0, NULL, 0),
		     -NLRS_EINVAL);
	cr_assert_null(d);
	cr_assert_eq(nlrs_pcapdev_open(&d, "eth0", &t_pool,
				       (const uint8_t[6]){ 0x01, 0, 0x5e, 0, 0, 1 }, 0, NULL, 0),
		     -NLRS_EINVAL);
	cr_assert_eq(nlrs_pcapdev_open(&d, "nlrs-none9", &t_pool, NULL, 0, why, sizeof(why)),
		     -NLRS_ENODEV);
	cr_assert_null(d);
	/* lo is not Ethernet */
	cr_assert_eq(nlrs_pcapdev_open(&d, "lo", &t_pool, NULL, 0, why, sizeof(why)), -NLRS_EINVAL);
	cr_assert_str_eq(why, "not an Ethernet interface");
	t_pool_check();
}

Test(pcapdev_kernel, opens_with_the_interface_mtu_and_our_mac)
{
	cr_assert_eq(pd->link, NLRS_LINK_ETHERNET);
	cr_assert_str_eq(pd->name, IFNAME);
	cr_assert_eq(pd->mtu, tap->mtu);
	cr_assert_arr_eq(pd->mac, our_mac, 6);
	cr_assert_geq(pd->fd, 0);
}

Test(pcapdev_kernel, takes_frames_to_us_and_broadcast_only)
{
	uint8_t tags[16];
	struct nlrs__pcapdev_stats st;

	put_frame(our_mac, peer_mac, 1);
	put_frame(other_mac, peer_mac, 2); /* another host's: filtered in the kernel */
	put_frame(bcast, peer_mac, 3);
	put_frame((const uint8_t[6]){ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, peer_mac, 4);
	put_frame(bcast, our_mac, 5); /* our own source: never ours to take */
	cr_assert_eq(drain(tags, 16, 200), 3);
	cr_assert_eq(tags[0], 1);
	cr_assert_eq(tags[1], 3);
	cr_assert_eq(tags[2], 4);
	nlrs__pcapdev_stats(pd, &st);
	cr_assert_eq(st.rx_frames, 3);
	cr_assert_eq(st.kernel_drops, 0);
}

Test(pcapdev_kernel, sends_frames_out_of_the_interface_and_never_hears_them_back)
{
	uint8_t f[64], got[128];
	struct nlrs_buf *b = nlrs_buf_alloc(&t_pool, 64);
	struct pollfd p = { .fd = tap->fd, .events = POLLIN };
	ssize_t n = -1;
	uint8_t tags[4];

	memcpy(f, peer_mac, 6);
	memcpy(f + 6, our_mac, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (unsigned i = 14; i < sizeof(f); i++)
		f[i] = (uint8_t)i;
	memcpy(nlrs_buf_put(b, sizeof(f)), f, sizeof(f));
	cr_assert_eq(nlrs_netdev_send(pd, b, 0), 0);
	/* the TAP's fd reads what left the interface: skip the kernel's own
	 * chatter (none in a fresh namespace, but be sure) */
	for (int k = 0; k < 20 && poll(&p, 1, 200) > 0; k++) {
		n = read(tap->fd, got, sizeof(got));
		if (n == (ssize_t)sizeof(f) && !memcmp(got + 6, our_mac, 6))
			break;
	}
	cr_assert_eq(n, (ssize_t)sizeof(f));
	cr_assert_arr_eq(got, f, sizeof(f));
	cr_assert_eq(drain(tags, 4, 100), 0, "heard our own frame");
}

Test(pcapdev_kernel, refuses_a_frame_longer_than_the_link)
{
	struct nlrs_buf *b = nlrs_buf_alloc(&t_pool, 0);
	struct nlrs_dev_counters c;

	nlrs_buf_put(b, (uint16_t)(pd->mtu + 14 + 4 + 1));
	memset(b->data, 0, b->len);
	cr_assert_eq(nlrs_netdev_send(pd, b, 0), -NLRS_EMSGSIZE);
	nlrs_netdev_counters(pd, &c);
	cr_assert_eq(c.tx_drops, 1);
}
