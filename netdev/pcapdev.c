/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcap device: the stack joins an existing Ethernet interface (a veth end,
 * a bridge port, a NIC) as a host of its own, with its own MAC, next to
 * the kernel's stack on the same interface.
 *
 * Implements:
 *  - receive by libpcap capture (pcap_create/pcap_activate) in immediate
 *    mode, non-blocking, snaplen = interface MTU + Ethernet header + one
 *    802.1Q tag; a BPF filter compiled into the kernel,
 *      (ether dst OURMAC or ether broadcast or ether multicast)
 *        and not ether src OURMAC
 *    so only the stack's own traffic is copied up, and
 *    pcap_setdirection(PCAP_D_IN) so frames leaving the interface (the
 *    kernel's and ours) are not; frames with our source MAC that still
 *    arrive are dropped and counted (a loop, or a BPF-less fallback);
 *  - frames batched: one pcap_dispatch per empty queue fills up to
 *    PCAPDEV_BATCH pool buffers, recv hands them out one by one;
 *  - send by a separate AF_PACKET SOCK_RAW socket bound to the interface,
 *    non-blocking, one sendmsg(2) per frame with an iovec per buffer
 *    segment. pcap_inject(3PCAP) is itself a send(2) on libpcap's packet
 *    socket: measured on a veth (300k 60-byte frames, 5 alternating runs
 *    on a loaded 2-core machine) neither was faster beyond the noise
 *    (medians ~195k vs ~180k frames/s, each spread 58k..430k). The raw
 *    socket is used for what it adds: O_NONBLOCK (libpcap leaves its
 *    socket blocking in mmap mode, and a full queue would stall the event
 *    loop) and scatter-gather of buffer chains without a copy;
 *  - our MAC added to the interface's unicast filter with
 *    PACKET_ADD_MEMBERSHIP/PACKET_MR_UNICAST (a NIC then delivers our
 *    frames without full promiscuous mode; the kernel stack ignores
 *    them: they are PACKET_OTHERHOST to it) unless NLRS_PCAPDEV_PROMISC
 *    puts the interface in promiscuous mode instead;
 *  - counters: frames, own-source drops, truncated/oversize drops, pool
 *    exhaustion, and pcap_stats' ps_drop (ring full) / ps_ifdrop.
 * Does not: checksum or segmentation offloads. The capture sees frames as
 * the kernel holds them: a sender on the same host (the veth peer) with
 * transmit checksum offload hands over frames whose TCP/UDP checksums are
 * only partial (the stack drops them as bad), and GRO on a receiving NIC
 * merges segments past the MTU (dropped as oversize). Turn those off on
 * that path (`ethtool -K DEV tx off` on the veth peer, `gro off` on a
 * NIC). No multi-queue, no TPACKET ring of our own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>

#include "nlrs/netdev.h"
#include "netdev_priv.h"

#define PCAPDEV_BATCH 64          /* frames per pcap_dispatch */
#define PCAPDEV_MAX_IOV 64        /* segments one sendmsg may carry */
#define PCAPDEV_RING (4u << 20)   /* capture buffer: ~2800 full frames */
#define PCAPDEV_L2 (14u + 4u)     /* Ethernet header and one 802.1Q tag */

struct pcapdev {
	struct nlrs_netdev dev; /* first: the ops get a struct nlrs_netdev * */
	pcap_t *p;
	int txfd;
	int ifindex;
	bool promisc;
	uint32_t snaplen;
	/* frames taken by the last pcap_dispatch, not yet handed out */
	struct nlrs_buf *q[PCAPDEV_BATCH];
	unsigned qhead, qlen;
	nlrs_time_t now; /* for the dispatch callback */
	struct nlrs__pcapdev_stats st;
};

static struct pcapdev *to_pd(struct nlrs_netdev *d) { return (struct pcapdev *)d; }

/* FNV-1a, 64 bits: stable across runs and builds. */
static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

void nlrs__pcapdev_derive_mac(const char *ifname, const uint8_t hw[6], uint8_t out[6])
{
	uint64_t h = fnv1a(0xcbf29ce484222325ull, ifname, strlen(ifname));

	/* The interface's own MAC keeps two hosts that both join "eth0"
	 * apart; the name keeps two interfaces of one host apart. */
	h = fnv1a(h, hw, 6);
	for (int i = 1; i < 6; i++)
		out[i] = (uint8_t)(h >> (8 * i));
	/* IEEE 802: unicast (I/G bit clear), locally administered (U/L set) */
	out[0] = (uint8_t)((h & 0xfcu) | 0x02u);
	if (!memcmp(out, hw, 6))
		out[5] ^= 0x01; /* never the kernel's own MAC */
}

static void dispatch_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct pcapdev *t = (struct pcapdev *)(void *)user; /* was a struct pcapdev * */
	struct nlrs_buf *b;

	if (h->caplen < h->len) {
		/* Longer than the snaplen (a GRO'd super-frame, or an MTU
		 * raised after open): a cut frame is useless. */
		t->st.rx_truncated++;
		return;
	}
	if (h->caplen < 14) {
		t->st.rx_runts++;
		return;
	}
	/* IEEE 802.3 3.2.3: the source is a station address; our own
	 * frames coming back (a loop, or a kernel without PCAP_D_IN) would
	 * look like a duplicate host to ARP. */
	if (!memcmp(bytes + 6, t->dev.mac, 6)) {
		t->st.rx_own++;
		return;
	}
	if (t->qlen == PCAPDEV_BATCH) {
		/* pcap_dispatch was asked for at most PCAPDEV_BATCH */
		t->st.rx_nobufs++;
		return;
	}
	b = nlrs_buf_alloc(t->dev.pool, NLRS_NETDEV_RX_HEADROOM);
	if (!b) {
		t->st.rx_nobufs++;
		return;
	}
	if (h->caplen > nlrs_buf_tailroom(b)) {
		t->st.rx_truncated++;
		nlrs_buf_free(b);
		return;
	}
	memcpy(nlrs_buf_put(b, (uint16_t)h->caplen), bytes, h->caplen);
	b->tstamp = t->now;
	t->q[(t->qhead + t->qlen) % PCAPDEV_BATCH] = b;
	t->qlen++;
	t->st.rx_frames++;
}

static struct nlrs_buf *pcapdev_recv(struct nlrs_netdev *d, nlrs_time_t now, int *err)
{
	struct pcapdev *t = to_pd(d);
	struct nlrs_buf *b;

	*err = 0;
	if (!t->qlen) {
		int n;

		t->qhead = 0;
		t->now = now;
		n = pcap_dispatch(t->p, PCAPDEV_BATCH, dispatch_cb, (u_char *)t);
		if (n < 0 && !t->qlen) {
			/* PCAP_ERROR: the interface went down or away
			 * (ENETDOWN, ENXIO); the caller gives up after a
			 * streak of these. */
			t->st.rx_errors++;
			if (n == PCAP_ERROR_BREAK)
				*err = 0;
			else if (n != PCAP_ERROR_IFACE_NOT_UP && !if_nametoindex(d->name))
				*err = -NLRS_ENODEV; /* deleted (ip link del): for good */
			else
				*err = -NLRS_EIO; /* down: comes back with the link */
			return NULL;
		}
		if (!t->qlen)
			return NULL;
	}
	b = t->q[t->qhead];
	t->q[t->qhead] = NULL;
	t->qhead = (t->qhead + 1) % PCAPDEV_BATCH;
	t->qlen--;
	return b;
}

static int pcapdev_send(struct nlrs_netdev *d, struct nlrs_buf *frame, nlrs_time_t now)
{
	struct pcapdev *t = to_pd(d);
	struct iovec iov[PCAPDEV_MAX_IOV];
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = t->ifindex };
	struct msghdr mh = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = iov };
	int niov = 0, ret = 0;

	(void)now;
	/* skb->protocol from the frame's EtherType (the socket has none):
	 * qdiscs and drivers classify by it */
	if (frame->len >= 14)
		memcpy(&to.sll_protocol, frame->data + 12, 2);
	if (frame->tot_len > t->snaplen) {
		/* larger than the link carries: the kernel would refuse it */
		t->st.tx_oversize++;
		ret = -NLRS_EMSGSIZE;
		goto out;
	}
	for (struct nlrs_buf *s = frame; s; s = s->next) {
		if (!s->len)
			continue;
		if (niov == PCAPDEV_MAX_IOV) {
			t->st.tx_oversize++;
			ret = -NLRS_EMSGSIZE;
			goto out;
		}
		iov[niov].iov_base = s->data;
		iov[niov].iov_len = s->len;
		niov++;
	}
	mh.msg_iovlen = (size_t)niov;
	for (;;) {
		if (sendmsg(t->txfd, &mh, MSG_DONTWAIT) >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
			/* socket or qdisc queue full: lost, as on a full ring */
			t->st.tx_again++;
			ret = -NLRS_EAGAIN;
		} else {
			t->st.tx_errors++;
			ret = -errno;
		}
		goto out;
	}
	t->st.tx_frames++;
out:
	nlrs_buf_free(frame);
	return ret;
}

static void pcapdev_close(struct nlrs_netdev *d)
{
	struct pcapdev *t = to_pd(d);

	while (t->qlen) {
		nlrs_buf_free(t->q[t->qhead]);
		t->qhead = (t->qhead + 1) % PCAPDEV_BATCH;
		t->qlen--;
	}
	if (t->p)
		pcap_close(t->p); /* leaves promiscuous mode if it set it */
	if (t->txfd >= 0)
		close(t->txfd); /* drops the unicast filter membership */
	free(t);
}

static void pcapdev_counters(const struct nlrs_netdev *d, struct nlrs_dev_counters *acc)
{
	struct nlrs__pcapdev_stats st;

	nlrs__pcapdev_stats(d, &st);
	/* rx_own is not a loss: those frames were never ours to take */
	acc->rx_drops += st.rx_truncated + st.rx_runts + st.rx_nobufs + st.kernel_drops;
	acc->tx_drops += st.tx_oversize + st.tx_again + st.tx_errors;
}

static const struct nlrs_netdev_ops pcapdev_ops = {
	.recv = pcapdev_recv,
	.send = pcapdev_send,
	.poll = NULL,
	.close = pcapdev_close,
	.counters = pcapdev_counters,
};

void nlrs__pcapdev_stats(const struct nlrs_netdev *d, struct nlrs__pcapdev_stats *out)
{
	const struct pcapdev *t = (const struct pcapdev *)d;
	struct pcap_stat ps;

	*out = t->st;
	/* ps_drop: the kernel's ring was full; ps_ifdrop: the interface
	 * dropped (all its traffic, since open; not only ours) */
	if (t->p && pcap_stats(t->p, &ps) == 0) {
		out->kernel_drops = ps.ps_drop;
		out->if_drops = ps.ps_ifdrop;
	}
}

/* MTU, MAC and index of ifname. 0 or -errno. */
static int if_query(const char *ifname, uint16_t *mtu, uint8_t hw[6], int *ifindex)
{
	struct ifreq ifr;
	int ctl, ret = 0;

	ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ctl < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(ctl, SIOCGIFINDEX, &ifr) < 0) {
		ret = -errno;
		goto out;
	}
	*ifindex = ifr.ifr_ifindex;
	if (ioctl(ctl, SIOCGIFHWADDR, &ifr) < 0) {
		ret = -errno;
		goto out;
	}
	if (ifr.ifr_hwaddr.sa_family != 1 /* ARPHRD_ETHER */) {
		ret = -NLRS_EINVAL; /* not an Ethernet interface */
		goto out;
	}
	memcpy(hw, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(ctl, SIOCGIFMTU, &ifr) < 0) {
		ret = -errno;
		goto out;
	}
	*mtu = ifr.ifr_mtu >= 68 && ifr.ifr_mtu <= 65535 - (int)PCAPDEV_L2 ? (uint16_t)ifr.ifr_mtu
									    : 1500;
out:
	close(ctl);
	return ret;
}

/* libpcap's activation result as -errno. */
static int pcap_err(int rc)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return -NLRS_ENODEV;
	case PCAP_ERROR_PERM_DENIED:
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		return -EPERM;
	case PCAP_ERROR_IFACE_NOT_UP:
		return -ENETDOWN;
	default:
		return -NLRS_EIO;
	}
}

int nlrs_pcapdev_open(struct nlrs_netdev **out, const char *ifname, struct nlrs_pool *pool,
		      const uint8_t mac[6], unsigned flags, char *errbuf, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	char filter[160];
	struct bpf_program prog;
	struct sockaddr_ll sll;
	uint8_t hw[6];
	struct pcapdev *t;
	const uint8_t *m;
	int ret;

	*out = NULL;
	if (errbuf && errlen)
		errbuf[0] = 0;
	if (!ifname || !pool || !*ifname || strlen(ifname) >= IFNAMSIZ ||
	    strlen(ifname) >= NLRS_IFNAMSIZ)
		return -NLRS_EINVAL;
	if (mac && ((mac[0] & 1u) || !memcmp(mac, "\0\0\0\0\0\0", 6)))
		return -NLRS_EINVAL; /* a station address is unicast and not zero */

	t = calloc(1, sizeof(*t));
	if (!t)
		return -NLRS_ENOMEM;
	t->dev.ops = &pcapdev_ops;
	t->dev.pool = pool;
	t->dev.link = NLRS_LINK_ETHERNET;
	t->dev.fd = -1;
	t->txfd = -1;
	t->promisc = flags & NLRS_PCAPDEV_PROMISC;
	memcpy(t->dev.name, ifname, strlen(ifname));

	ret = if_query(ifname, &t->dev.mtu, hw, &t->ifindex);
	if (ret) {
		if (errbuf)
			snprintf(errbuf, errlen, "%s", ret == -NLRS_EINVAL ? "not an Ethernet interface"
									  : strerror(-ret));
		goto err_free;
	}
	if (mac)
		memcpy(t->dev.mac, mac, 6);
	else
		nlrs__pcapdev_derive_mac(ifname, hw, t->dev.mac);
	if (!memcmp(t->dev.mac, hw, 6)) {
		/* sharing the kernel's MAC would split its traffic in two */
		if (errbuf)
			snprintf(errbuf, errlen, "the MAC is the interface's own");
		ret = -NLRS_EINVAL;
		goto err_free;
	}
	t->snaplen = (uint32_t)t->dev.mtu + PCAPDEV_L2;

	t->p = pcap_create(ifname, perr);
	if (!t->p) {
		if (errbuf)
			snprintf(errbuf, errlen, "%s", perr);
		ret = -NLRS_EIO;
		goto err_free;
	}
	if (pcap_set_snaplen(t->p, (int)t->snaplen) || pcap_set_immediate_mode(t->p, 1) ||
	    pcap_set_promisc(t->p, t->promisc) || pcap_set_buffer_size(t->p, PCAPDEV_RING) ||
	    pcap_set_timeout(t->p, 1)) {
		ret = -NLRS_EIO;
		goto err_pcap;
	}
	ret = pcap_activate(t->p);
	if (ret < 0) {
		if (errbuf)
			snprintf(errbuf, errlen, "%s", pcap_geterr(t->p));
		ret = pcap_err(ret);
		goto err_pcap;
	}
	if (pcap_datalink(t->p) != DLT_EN10MB) {
		if (errbuf)
			snprintf(errbuf, errlen, "not an Ethernet interface (link type %d)",
				 pcap_datalink(t->p));
		ret = -NLRS_EINVAL;
		goto err_pcap;
	}
	/* Linux: PACKET_IGNORE_OUTGOING (4.20+) or a check per frame; a
	 * platform without it leaves the source-MAC filter below. */
	(void)pcap_setdirection(t->p, PCAP_D_IN);
	m = t->dev.mac;
	snprintf(filter, sizeof(filter),
		 "(ether dst %02x:%02x:%02x:%02x:%02x:%02x or ether broadcast or ether multicast)"
		 " and not ether src %02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5], m[0], m[1], m[2], m[3], m[4], m[5]);
	if (pcap_compile(t->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN)) {
		if (errbuf)
			snprintf(errbuf, errlen, "filter: %s", pcap_geterr(t->p));
		ret = -NLRS_EIO;
		goto err_pcap;
	}
	ret = pcap_setfilter(t->p, &prog);
	pcap_freecode(&prog);
	if (ret) {
		if (errbuf)
			snprintf(errbuf, errlen, "filter: %s", pcap_geterr(t->p));
		ret = -NLRS_EIO;
		goto err_pcap;
	}
	if (pcap_setnonblock(t->p, 1, perr)) {
		if (errbuf)
			snprintf(errbuf, errlen, "%s", perr);
		ret = -NLRS_EIO;
		goto err_pcap;
	}
	t->dev.fd = pcap_get_selectable_fd(t->p);
	if (t->dev.fd < 0) {
		ret = -NLRS_EINVAL;
		goto err_pcap;
	}

	/* Protocol 0: this socket sends only; nothing is queued to it. */
	t->txfd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->txfd < 0) {
		ret = -errno;
		if (errbuf)
			snprintf(errbuf, errlen, "packet socket: %s", strerror(errno));
		goto err_pcap;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = t->ifindex;
	sll.sll_protocol = 0;
	if (bind(t->txfd, (struct sockaddr *)&sll, sizeof(sll))) {
		ret = -errno;
		if (errbuf)
			snprintf(errbuf, errlen, "bind packet socket: %s", strerror(errno));
		goto err_close_tx;
	}
	if (!t->promisc) {
		/* Best effort: a NIC whose unicast filter cannot take it
		 * falls back to promiscuous mode in the kernel; a veth or
		 * bridge port passes every frame up anyway. */
		struct packet_mreq mr = { .mr_ifindex = t->ifindex, .mr_type = PACKET_MR_UNICAST,
					  .mr_alen = 6 };
		memcpy(mr.mr_address, t->dev.mac, 6);
		if (setsockopt(t->txfd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)))
			t->st.uc_filter_failed = 1;
	}

	*out = &t->dev;
	return 0;

err_close_tx:
	close(t->txfd);
err_pcap:
	pcap_close(t->p);
err_free:
	free(t);
	return ret;
}
