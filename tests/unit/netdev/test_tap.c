/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TAP device against the real kernel. Each test first moves its own process
 * (criterion runs every test in a fresh one) into a new, empty network
 * namespace with unshare(CLONE_NEWNET); the namespace and the TAP in it die
 * with the process, so nothing leaks onto the host. Skipped when not root.
 *
 *   [ this test: nlrs_tap_open ] --fd-- [ kernel: nltap0 192.0.2.1/24 ]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_tun.h>
#include <criterion/criterion.h>
#include "netdev_test.h"
#include "netdev_priv.h"

#define TAPNAME "nltap0"

static const uint8_t our_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

static void setup(void)
{
	t_pool_setup();
	if (unshare(CLONE_NEWNET) != 0)
		cr_skip_test("cannot make a network namespace (%s): needs root", strerror(errno));
	if (access("/dev/net/tun", R_OK | W_OK) != 0)
		cr_skip_test("no /dev/net/tun");
}

TestSuite(tap, .init = setup);

static void ifreq_for(struct ifreq *ifr)
{
	memset(ifr, 0, sizeof(*ifr));
	strcpy(ifr->ifr_name, TAPNAME);
}

static void set_v4(unsigned long req, uint32_t addr)
{
	struct ifreq ifr;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(addr) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ifreq_for(&ifr);
	memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
	cr_assert_eq(ioctl(fd, req, &ifr), 0, "ioctl %lx: %s", req, strerror(errno));
	close(fd);
}

/* Give the kernel side 192.0.2.1/24. */
static void kernel_addr(void)
{
	set_v4(SIOCSIFADDR, NLRS_IP4(192, 0, 2, 1));
	set_v4(SIOCSIFNETMASK, NLRS_IP4(255, 255, 255, 0));
}

/* Wait up to ms for a frame; NULL on timeout. */
static struct nlrs_buf *recv_wait(struct nlrs_netdev *d, int ms)
{
	int err;
	for (int waited = 0; waited <= ms; waited += 10) {
		struct nlrs_buf *b = nlrs_netdev_recv(d, 1234, &err);
		cr_assert_eq(err, 0);
		if (b)
			return b;
		struct pollfd p = { .fd = d->fd, .events = POLLIN };
		poll(&p, 1, 10);
	}
	return NULL;
}

Test(tap, open_creates_device_link_up_with_mtu_and_mac)
{
	struct nlrs_netdev *d;
	struct ifreq ifr;
	cr_assert_eq(nlrs_tap_open(&d, TAPNAME, &t_pool), 0);
	cr_assert_str_eq(d->name, TAPNAME);
	cr_assert_eq(d->link, NLRS_LINK_ETHERNET);
	cr_assert_eq(d->mtu, 1500);
	cr_assert_geq(d->fd, 0);
	cr_assert(fcntl(d->fd, F_GETFL) & O_NONBLOCK);

	int s = socket(AF_INET, SOCK_DGRAM, 0);
	ifreq_for(&ifr);
	cr_assert_eq(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	cr_assert(ifr.ifr_flags & IFF_UP, "link not up");
	ifreq_for(&ifr);
	cr_assert_eq(ioctl(s, SIOCGIFHWADDR, &ifr), 0);
	cr_assert_eq(memcmp(d->mac, ifr.ifr_hwaddr.sa_data, 6), 0);
	close(s);

	nlrs_netdev_close(d);
	cr_assert_eq(if_nametoindex(TAPNAME), 0u, "non-persistent TAP gone on close");
	t_pool_check();
}

Test(tap, attaches_to_an_existing_device_and_reads_its_mtu)
{
	struct nlrs_netdev *d;
	cr_assert_eq(nlrs_tap_open(&d, TAPNAME, &t_pool), 0);
	cr_assert_eq(ioctl(d->fd, TUNSETPERSIST, 1), 0);
	unsigned idx = if_nametoindex(TAPNAME);
	cr_assert_neq(idx, 0u);
	nlrs_netdev_close(d);
	cr_assert_eq(if_nametoindex(TAPNAME), idx, "persistent TAP survives");

	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	ifreq_for(&ifr);
	ifr.ifr_mtu = 1400;
	cr_assert_eq(ioctl(s, SIOCSIFMTU, &ifr), 0);
	close(s);

	cr_assert_eq(nlrs_tap_open(&d, TAPNAME, &t_pool), 0);
	cr_assert_eq(if_nametoindex(TAPNAME), idx, "attached, not recreated");
	cr_assert_eq(d->mtu, 1400);
	cr_assert_eq(ioctl(d->fd, TUNSETPERSIST, 0), 0);
	nlrs_netdev_close(d);
	cr_assert_eq(if_nametoindex(TAPNAME), 0u);
	t_pool_check();
}

Test(tap, bad_names_are_refused)
{
	struct nlrs_netdev *d;
	cr_assert_eq(nlrs_tap_open(&d, "name-longer-than-15", &t_pool), -NLRS_EINVAL);
	cr_assert_null(d);
	cr_assert_lt(nlrs_tap_open(&d, "bad name/", &t_pool), 0);
	cr_assert_null(d);
}

static struct nlrs_buf *arp_request(void)
{
	uint8_t f[42];
	memset(f, 0xff, 6);
	memcpy(f + 6, our_mac, 6);
	f[12] = 0x08; f[13] = 0x06;
	uint8_t *a = f + 14;
	a[0] = 0; a[1] = 1; a[2] = 0x08; a[3] = 0; a[4] = 6; a[5] = 4; a[6] = 0; a[7] = 1;
	memcpy(a + 8, our_mac, 6);
	a[14] = 192; a[15] = 0; a[16] = 2; a[17] = 2;
	memset(a + 18, 0, 6);
	a[24] = 192; a[25] = 0; a[26] = 2; a[27] = 1;
	/* Chain it: header and ARP body in separate segments (one writev). */
	struct nlrs_buf *b = nlrs_buf_from(&t_pool, 0, f, 14);
	struct nlrs_buf *t = nlrs_buf_from(&t_pool, 0, f + 14, 28);
	cr_assert(b && t);
	nlrs_buf_cat(b, t);
	return b;
}

Test(tap, kernel_answers_our_arp_request)
{
	struct nlrs_netdev *d;
	struct nlrs__tap_stats st;
	cr_assert_eq(nlrs_tap_open(&d, TAPNAME, &t_pool), 0);
	kernel_addr();
	cr_assert_eq(nlrs_netdev_send(d, arp_request(), 0), 0);

	int found = 0;
	struct nlrs_buf *b;
	while (!found && (b = recv_wait(d, 2000)) != NULL) {
		uint8_t h[42];
		cr_assert_eq(b->tstamp, 1234);
		cr_assert_eq(nlrs_buf_headroom(b), NLRS_NETDEV_RX_HEADROOM);
		if (b->tot_len >= 42 && nlrs_buf_copy_out(b, 0, h, 42) == 42 && h[12] == 0x08 &&
		    h[13] == 0x06 && h[21] == 2) {
			cr_assert_eq(memcmp(h, our_mac, 6), 0, "reply to our MAC");
			cr_assert_eq(memcmp(h + 6, d->mac, 6), 0, "from the kernel side's MAC");
			cr_assert_eq(memcmp(h + 22, d->mac, 6), 0);
			cr_assert_eq(memcmp(h + 28, "\xc0\x00\x02\x01", 4), 0);
			found = 1;
		}
		nlrs_buf_free(b);
	}
	cr_assert(found, "no ARP reply from the kernel");
	nlrs__tap_stats(d, &st);
	cr_assert_eq(st.tx_frames, 1);
	cr_assert_geq(st.rx_frames, 1);
	nlrs_netdev_close(d);
	t_pool_check();
}

Test(tap, frame_longer_than_a_buffer_is_counted_and_dropped)
{
	/* Buffers of 256 bytes hold frames up to 192 after the headroom. */
	static struct nlrs_pool small;
	size_t need = nlrs_pool_mem_size(16, 256);
	void *mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
	cr_assert_eq(nlrs_pool_init(&small, mem, need, 16, 256), 0);

	struct nlrs_netdev *d;
	struct nlrs__tap_stats st;
	cr_assert_eq(nlrs_tap_open(&d, TAPNAME, &small), 0);
	kernel_addr();
	/* A permanent neighbour entry, so the kernel sends at once. */
	struct arpreq ar;
	memset(&ar, 0, sizeof(ar));
	struct sockaddr_in *pa = (struct sockaddr_in *)(void *)&ar.arp_pa;
	pa->sin_family = AF_INET;
	pa->sin_addr.s_addr = htonl(NLRS_IP4(192, 0, 2, 2));
	ar.arp_ha.sa_family = ARPHRD_ETHER;
	memcpy(ar.arp_ha.sa_data, our_mac, 6);
	ar.arp_flags = ATF_COM | ATF_PERM;
	strcpy(ar.arp_dev, TAPNAME);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	cr_assert_eq(ioctl(s, SIOCSARP, &ar), 0, "SIOCSARP: %s", strerror(errno));

	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9),
				  .sin_addr.s_addr = htonl(NLRS_IP4(192, 0, 2, 2)) };
	static const char big[600], little[10];
	cr_assert_eq(sendto(s, big, sizeof(big), 0, (struct sockaddr *)&to, sizeof(to)),
		     (ssize_t)sizeof(big));
	cr_assert_eq(sendto(s, little, sizeof(little), 0, (struct sockaddr *)&to, sizeof(to)),
		     (ssize_t)sizeof(little));
	close(s);

	int found = 0;
	struct nlrs_buf *b;
	while (!found && (b = recv_wait(d, 2000)) != NULL) {
		uint8_t h[14 + 20 + 8];
		if (nlrs_buf_copy_out(b, 0, h, sizeof(h)) == sizeof(h) && h[12] == 0x08 &&
		    h[13] == 0x00 && h[23] == 17) {
			cr_assert_eq(b->tot_len, 14 + 20 + 8 + 10, "only the small datagram fits");
			found = 1;
		}
		nlrs_buf_free(b);
	}
	cr_assert(found);
	nlrs__tap_stats(d, &st);
	cr_assert_eq(st.rx_truncated, 1);
	nlrs_netdev_close(d);
	cr_assert_eq(small.avail, small.count);
	free(mem);
	t_pool_check();
}

Test(tap, empty_pool_drains_the_frame_instead_of_spinning)
{
	static struct nlrs_pool one;
	size_t need = nlrs_pool_mem_size(1, 2048);
	void *mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
	cr_assert_eq(nlrs_pool_init(&one, mem, need, 1, 2048), 0);
	struct nlrs_netdev *d;
	struct nlrs__tap_stats st;
	int err;
	cr_assert_eq(nlrs_tap_open(&d, TAPNAME, &one), 0);
	kernel_addr();
	struct nlrs_buf *hold = nlrs_buf_alloc(&one, 0); /* the pool is now empty */
	cr_assert_not_null(hold);
	cr_assert_eq(nlrs_netdev_send(d, arp_request(), 0), 0);
	struct pollfd p = { .fd = d->fd, .events = POLLIN };
	cr_assert_eq(poll(&p, 1, 2000), 1);
	cr_assert_null(nlrs_netdev_recv(d, 0, &err));
	cr_assert_eq(err, 0);
	nlrs__tap_stats(d, &st);
	cr_assert_geq(st.rx_nobufs, 1);
	nlrs_buf_free(hold);
	nlrs_netdev_close(d);
	free(mem);
	t_pool_check();
}
