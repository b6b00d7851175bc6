/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linux TAP device (Documentation/networking/tuntap.rst): Ethernet frames
 * through /dev/net/tun with IFF_TAP | IFF_NO_PI, non-blocking.
 *
 * Implements: create or attach by name, link up, MTU and the kernel side's
 * MAC read at open, one read(2) per received frame into one pool buffer,
 * one writev(2) per sent frame (an iovec per segment). With
 * NLRS_TAP_OFFLOAD: a virtio_net_hdr in front of every frame
 * (IFF_VNET_HDR), checksum offload both ways and TCP segmentation offload
 * both ways (TUNSETOFFLOAD TUN_F_CSUM | TUN_F_TSO4): frames up to 64 KiB,
 * received into a buffer chain (the part past the first buffer copied
 * from a scratch area).
 * Does not: multi-queue (IFF_MULTI_QUEUE); batched I/O (liburing); without
 * offload, a frame longer than one buffer's storage minus
 * NLRS_NETDEV_RX_HEADROOM is counted and dropped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "nlrs/netdev.h"
#include "netdev_priv.h"

/* Segments one writev may carry; a longer chain is refused (-NLRS_EMSGSIZE). */
#define TAP_MAX_IOV 64

#define TAP_VNET_MAX 65536u /* a GSO frame's largest size */

struct tap {
	struct nlrs_netdev dev; /* first: the ops get a struct nlrs_netdev * */
	struct nlrs__tap_stats st;
	bool vnet;        /* a virtio_net_hdr precedes every frame */
	uint8_t *scratch; /* vnet: where the part of a big frame past the first buffer lands */
};

static struct tap *to_tap(struct nlrs_netdev *d) { return (struct tap *)d; }

/* Receive with a virtio_net_hdr: frames up to 64 KiB (GRO'd TCP), the
 * first buffer filled by readv, the rest copied into chained buffers. */
static struct nlrs_buf *tap_recv_vnet(struct tap *t, nlrs_time_t now, int *err)
{
	struct nlrs_netdev *d = &t->dev;
	struct virtio_net_hdr vh;
	struct iovec iov[3];
	for (;;) {
		struct nlrs_buf *b = nlrs_buf_alloc(d->pool, NLRS_NETDEV_RX_HEADROOM);
		uint16_t room = b ? nlrs_buf_tailroom(b) : 0;
		iov[0].iov_base = &vh;
		iov[0].iov_len = sizeof(vh);
		iov[1].iov_base = b ? b->data : t->scratch;
		iov[1].iov_len = room;
		iov[2].iov_base = t->scratch;
		iov[2].iov_len = TAP_VNET_MAX;
		ssize_t n = readv(d->fd, iov, 3);
		if (n < 0) {
			nlrs_buf_free(b);
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return NULL;
			*err = -errno;
			return NULL;
		}
		if (!b) {
			/* pool empty: the frame is gone, as on a full ring */
			t->st.rx_nobufs++;
			return NULL;
		}
		if ((size_t)n <= sizeof(vh)) {
			nlrs_buf_free(b);
			continue;
		}
		size_t flen = (size_t)n - sizeof(vh);
		if (flen <= room) {
			nlrs_buf_put(b, (uint16_t)flen);
		} else {
			nlrs_buf_put(b, room);
			if (nlrs_buf_append(b, t->scratch, flen - room)) {
				t->st.rx_nobufs++;
				nlrs_buf_free(b);
				return NULL;
			}
		}
		/* virtio 1.x 5.1.6.4: NEEDS_CSUM means the checksum is partial
		 * (the data is good, it came from this host's stack);
		 * DATA_VALID means it was checked. */
		if (vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
			b->csum = NLRS_CSUM_PARTIAL;
		else if (vh.flags & VIRTIO_NET_HDR_F_DATA_VALID)
			b->csum = NLRS_CSUM_VALID;
		if ((vh.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) == VIRTIO_NET_HDR_GSO_TCPV4) {
			b->gso_type = NLRS_GSO_TCPV4;
			b->gso_size = vh.gso_size;
		}
		b->tstamp = now;
		t->st.rx_frames++;
		return b;
	}
}

static struct nlrs_buf *tap_recv(struct nlrs_netdev *d, nlrs_time_t now, int *err)
{
	struct tap *t = to_tap(d);
	if (t->vnet) {
		*err = 0;
		return tap_recv_vnet(t, now, err);
	}
	/* Bytes past the buffer land here, so that a frame longer than the
	 * buffer shows as n > room instead of being silently cut. */
	uint8_t spill[64];
	struct iovec iov[2];
	struct nlrs_buf *b;
	ssize_t n;

	*err = 0;
	for (;;) {
		b = nlrs_buf_alloc(d->pool, NLRS_NETDEV_RX_HEADROOM);
		if (!b) {
			/* Pool empty: take the frame off the queue anyway, or
			 * the fd stays readable and the caller spins. */
			n = read(d->fd, spill, sizeof(spill));
			if (n >= 0) {
				t->st.rx_nobufs++;
				return NULL;
			}
			goto rd_error;
		}
		uint16_t room = nlrs_buf_tailroom(b);
		iov[0].iov_base = b->data;
		iov[0].iov_len = room;
		iov[1].iov_base = spill;
		iov[1].iov_len = sizeof(spill);
		n = readv(d->fd, iov, 2);
		if (n < 0) {
			nlrs_buf_free(b);
			goto rd_error;
		}
		if ((size_t)n > room) {
			/* Longer than a buffer (the kernel side's MTU is above
			 * what the pool was sized for): drop, try the next one. */
			t->st.rx_truncated++;
			nlrs_buf_free(b);
			continue;
		}
		if (n == 0) {
			nlrs_buf_free(b);
			continue;
		}
		nlrs_buf_put(b, (uint16_t)n);
		b->tstamp = now;
		t->st.rx_frames++;
		return b;
	}

rd_error:
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return NULL;
	*err = -errno;
	return NULL;
}

static int tap_send(struct nlrs_netdev *d, struct nlrs_buf *frame, nlrs_time_t now)
{
	struct tap *t = to_tap(d);
	struct iovec iov[TAP_MAX_IOV];
	int niov = 0;
	int ret = 0;

	(void)now;
	struct virtio_net_hdr vh;
	if (t->vnet) {
		memset(&vh, 0, sizeof(vh));
		if (frame->csum == NLRS_CSUM_PARTIAL || frame->gso_type) {
			/* Where the transport header starts: Ethernet (one
			 * 802.1Q tag at most here), then the IPv4 header. */
			const uint8_t *f = frame->data;
			size_t l2 = 14;
			if (frame->len >= 18 && f[12] == 0x81 && f[13] == 0x00)
				l2 = 18;
			if (frame->len >= l2 + 20 && f[l2 - 2] == 0x08 && f[l2 - 1] == 0x00) {
				size_t ihl = (size_t)(f[l2] & 0xfu) * 4u;
				uint8_t proto = f[l2 + 9];
				size_t l4 = l2 + ihl;
				if (frame->csum == NLRS_CSUM_PARTIAL && (proto == 6 || proto == 17)) {
					vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
					vh.csum_start = (uint16_t)l4;
					vh.csum_offset = proto == 6 ? 16 : 6;
				}
				if (frame->gso_type == NLRS_GSO_TCPV4 && proto == 6 &&
				    frame->len >= l4 + 13) {
					vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
					vh.gso_size = frame->gso_size;
					vh.hdr_len = (uint16_t)(l4 + (size_t)(f[l4 + 12] >> 4) * 4u);
				}
			}
		}
		iov[niov].iov_base = &vh;
		iov[niov].iov_len = sizeof(vh);
		niov++;
	}
	for (struct nlrs_buf *s = frame; s; s = s->next) {
		if (!s->len)
			continue;
		if (niov == TAP_MAX_IOV) {
			ret = -NLRS_EMSGSIZE;
			goto out;
		}
		iov[niov].iov_base = s->data;
		iov[niov].iov_len = s->len;
		niov++;
	}
	for (;;) {
		ssize_t n = writev(d->fd, iov, niov);
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		ret = -errno;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			/* The TAP queue is full: the frame is lost, like a
			 * full NIC ring. */
			t->st.tx_again++;
			ret = -NLRS_EAGAIN;
		}
		goto out;
	}
	t->st.tx_frames++;
out:
	if (ret)
		t->st.tx_errors++;
	nlrs_buf_free(frame);
	return ret;
}

static void tap_close(struct nlrs_netdev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	free(to_tap(d)->scratch);
	free(to_tap(d));
}

static void tap_counters(const struct nlrs_netdev *d, struct nlrs_dev_counters *acc)
{
	struct nlrs__tap_stats st;
	nlrs__tap_stats(d, &st);
	acc->rx_drops += st.rx_truncated + st.rx_nobufs;
	acc->tx_drops += st.tx_errors + st.tx_again;
}

static const struct nlrs_netdev_ops tap_ops = {
	.recv = tap_recv,
	.send = tap_send,
	.poll = NULL,
	.close = tap_close,
	.counters = tap_counters,
};

void nlrs__tap_stats(const struct nlrs_netdev *d, struct nlrs__tap_stats *out)
{
	*out = ((const struct tap *)d)->st;
}

int nlrs_tap_set_mtu(struct nlrs_netdev *d, uint16_t mtu)
{
	struct ifreq ifr;
	int ctl, ret = 0;

	if (!d || d->ops != &tap_ops || mtu < 68) /* RFC 791: 68 at least */
		return -NLRS_EINVAL;
	ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ctl < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, d->name, strnlen(d->name, IFNAMSIZ - 1));
	ifr.ifr_mtu = mtu;
	if (ioctl(ctl, SIOCSIFMTU, &ifr) < 0)
		ret = -errno;
	else
		d->mtu = mtu;
	close(ctl);
	return ret;
}

int nlrs_tap_open(struct nlrs_netdev **out, const char *ifname, struct nlrs_pool *pool)
{
	return nlrs_tap_open_ex(out, ifname, pool, 0);
}

int nlrs_tap_open_ex(struct nlrs_netdev **out, const char *ifname, struct nlrs_pool *pool,
		     unsigned flags)
{
	struct ifreq ifr;
	struct tap *t;
	int ctl, ret;

	*out = NULL;
	if (!ifname || !pool || strlen(ifname) >= IFNAMSIZ || strlen(ifname) >= NLRS_IFNAMSIZ)
		return -NLRS_EINVAL;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -NLRS_ENOMEM;
	t->dev.ops = &tap_ops;
	t->dev.pool = pool;
	t->dev.link = NLRS_LINK_ETHERNET;

	t->dev.fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->dev.fd < 0) {
		ret = -errno;
		goto err_free;
	}

	/* TUNSETIFF creates the device, or attaches to an existing TAP of that
	 * name (persistent, or made by `ip tuntap add`) that nobody holds. */
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | ((flags & NLRS_TAP_OFFLOAD) ? IFF_VNET_HDR : 0);
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(t->dev.fd, TUNSETIFF, &ifr) < 0) {
		ret = -errno;
		goto err_close_tap;
	}
	if (flags & NLRS_TAP_OFFLOAD) {
		int sz = (int)sizeof(struct virtio_net_hdr);
		t->scratch = malloc(TAP_VNET_MAX);
		if (!t->scratch) {
			ret = -NLRS_ENOMEM;
			goto err_close_tap;
		}
		t->vnet = true;
		/* What the kernel may hand us: partial checksums and TCPv4
		 * super-segments. A kernel that refuses leaves plain frames
		 * (behind a zero header) and no offloads. */
		if (ioctl(t->dev.fd, TUNSETVNETHDRSZ, &sz) == 0 &&
		    ioctl(t->dev.fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4) == 0)
			t->dev.offloads = NLRS_OFFLOAD_TX_CSUM | NLRS_OFFLOAD_TSO4;
	} else {
		/* A persistent TAP keeps the offloads an earlier user set;
		 * without a vnet header we can take plain frames only. */
		(void)ioctl(t->dev.fd, TUNSETOFFLOAD, 0);
	}
	/* The kernel may have expanded a pattern such as "tap%d". */
	memcpy(t->dev.name, ifr.ifr_name, sizeof(t->dev.name) - 1);

	ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ctl < 0) {
		ret = -errno;
		goto err_close_tap;
	}
	if (ioctl(ctl, SIOCGIFFLAGS, &ifr) < 0) {
		ret = -errno;
		goto err_close_ctl;
	}
	if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(ctl, SIOCSIFFLAGS, &ifr) < 0) {
			ret = -errno;
			goto err_close_ctl;
		}
	}
	if (ioctl(ctl, SIOCGIFMTU, &ifr) < 0) {
		ret = -errno;
		goto err_close_ctl;
	}
	/* The interface MTU is the IP MTU; Ethernet frames are 14 bytes longer. */
	t->dev.mtu = ifr.ifr_mtu > 0 && ifr.ifr_mtu <= 65535 ? (uint16_t)ifr.ifr_mtu : 1500;
	if (ioctl(ctl, SIOCGIFHWADDR, &ifr) < 0) {
		ret = -errno;
		goto err_close_ctl;
	}
	memcpy(t->dev.mac, ifr.ifr_hwaddr.sa_data, 6);
	close(ctl);

	*out = &t->dev;
	return 0;

err_close_ctl:
	close(ctl);
err_close_tap:
	close(t->dev.fd);
err_free:
	free(t->scratch);
	free(t);
	return ret;
}
