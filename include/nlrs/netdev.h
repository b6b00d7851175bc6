/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hosted devices (Linux): TAP, pcap, SLIP, loopback, and two wrappers that
 * stack on any device: the fault injector and the capture writer.
 *
 *   stack <-> capture <-> fault <-> tap
 *
 * A device hands received frames out as buffers from the pool it was opened
 * with and consumes the frames it is given to send. Wrappers own the device
 * below them and close it when they are closed.
 */
#ifndef NLRS_NETDEV_H
#define NLRS_NETDEV_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "nlrs/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

struct nlrs_netdev;

struct nlrs_netdev_ops {
	/* One received frame, or NULL with *err = 0 when nothing is waiting,
	 * or NULL with *err = -errno on a device error. A wrapper may have
	 * frames due even when fd is not readable (the fault injector holds
	 * frames back): call recv after every deadline poll returned too. */
	struct nlrs_buf *(*recv)(struct nlrs_netdev *d, nlrs_time_t now, int *err);
	/* Send one frame; consumes it. 0 or -errno. */
	int (*send)(struct nlrs_netdev *d, struct nlrs_buf *frame, nlrs_time_t now);
	/* Release held frames that are due; returns the next deadline
	 * (NLRS_TIME_NEVER if none). May be NULL. */
	nlrs_time_t (*poll)(struct nlrs_netdev *d, nlrs_time_t now);
	void (*close)(struct nlrs_netdev *d);
	/* Add this layer's own drops to *acc (not the layer below's).
	 * May be NULL. */
	void (*counters)(const struct nlrs_netdev *d, struct nlrs_dev_counters *acc);
};

struct nlrs_netdev {
	const struct nlrs_netdev_ops *ops;
	struct nlrs_pool *pool;      /* receive buffers come from here */
	struct nlrs_netdev *lower;   /* wrapped device, or NULL */
	enum nlrs_link link;
	uint16_t mtu;                /* IP MTU */
	uint8_t mac[6];              /* TAP: the kernel side's MAC (informational);
				      * pcap: the stack's own (it filters on it) */
	int fd;                      /* pollable for input, or -1 */
	uint32_t offloads;           /* NLRS_OFFLOAD_* it takes on (wrappers: 0) */
	char name[NLRS_IFNAMSIZ];
};

static inline struct nlrs_buf *nlrs_netdev_recv(struct nlrs_netdev *d, nlrs_time_t now, int *err)
{
	return d->ops->recv(d, now, err);
}
static inline int nlrs_netdev_send(struct nlrs_netdev *d, struct nlrs_buf *f, nlrs_time_t now)
{
	return d->ops->send(d, f, now);
}
static inline nlrs_time_t nlrs_netdev_poll(struct nlrs_netdev *d, nlrs_time_t now)
{
	return d->ops->poll ? d->ops->poll(d, now) : NLRS_TIME_NEVER;
}
static inline void nlrs_netdev_close(struct nlrs_netdev *d)
{
	if (d)
		d->ops->close(d);
}

/* Drops of the whole chain: every layer's counters added up. */
void nlrs_netdev_counters(const struct nlrs_netdev *d, struct nlrs_dev_counters *out);

/* Create (or attach to an existing) TAP device `ifname` in the current
 * network namespace, non-blocking, and set its link up. Returns 0 or -errno. */
int nlrs_tap_open(struct nlrs_netdev **out, const char *ifname, struct nlrs_pool *pool);

/* nlrs_tap_open with options. NLRS_TAP_OFFLOAD: IFF_VNET_HDR with checksum
 * and TCP segmentation offload both ways (TUNSETOFFLOAD): the stack may
 * send 64 KiB TCP super-segments with partial checksums, and the kernel
 * hands up GRO'd super-segments (received into buffer chains) whose
 * checksums it vouches for. Falls back to plain frames, with d->offloads
 * 0, when the kernel refuses. Do not combine with the fault injector
 * (corruption would go unseen behind a checksum the device computes). */
#define NLRS_TAP_OFFLOAD 0x1u
int nlrs_tap_open_ex(struct nlrs_netdev **out, const char *ifname, struct nlrs_pool *pool,
		     unsigned flags);

/* Set the TAP device's link MTU, the kernel side's too (both ends share
 * one link; SIOCSIFMTU needs CAP_NET_ADMIN). d must come from nlrs_tap_open,
 * not a wrapper. Returns 0 or -errno (-NLRS_EINVAL below 68). */
int nlrs_tap_set_mtu(struct nlrs_netdev *d, uint16_t mtu);

/* Join an existing Ethernet interface `ifname` (a veth end, a bridge port,
 * a NIC) as a host of its own: libpcap capture in immediate, non-blocking
 * mode with a BPF filter for frames to `mac` plus broadcast/multicast
 * (and not from `mac`), sent through a raw AF_PACKET socket. `mac` NULL:
 * a locally administered MAC derived from the interface's name and
 * hardware address (the same on every run). d->mac holds the stack's MAC
 * (pass it to nlrs_netdev_attach), d->mtu the interface's MTU. The kernel
 * stack on the interface keeps working. Needs CAP_NET_RAW. On failure
 * errbuf (may be NULL) gets libpcap's reason. Returns 0 or -errno. */
#define NLRS_PCAPDEV_PROMISC 0x1u /* put the interface in promiscuous mode */
int nlrs_pcapdev_open(struct nlrs_netdev **out, const char *ifname, struct nlrs_pool *pool,
		      const uint8_t mac[6], unsigned flags, char *errbuf, size_t errlen);

/* SLIP (RFC 1055) on a serial line, a raw-IP device. cfg->path is one of
 *   PATH[:BAUD]     a tty or pty (termios raw, 8N1, no flow control; the
 *                   speed is left as found without BAUD)
 *   unix:SOCKET     connect to a Unix stream socket (QEMU -serial unix:..,server)
 *   tcp:HOST:PORT   connect over TCP (QEMU -serial tcp:..,server); [v6]:PORT
 * d->fd is the non-blocking line. Frames longer than the MTU (default
 * 1006) are dropped both ways and counted; line noise costs the frames it
 * touches (resynchronisation at the next END). NLRS_SLIP_CSLIP adds Van
 * Jacobson TCP/IP header compression (RFC 1144, 16 slots each way). On
 * failure errbuf (may be NULL) gets the reason. Returns 0 or -errno. */
#define NLRS_SLIP_CSLIP 0x1u
struct nlrs_slip_config {
	const char *path;
	const char *name; /* device name; NULL: "sl0" */
	uint16_t mtu;     /* IP MTU, 0: 1006 (68..65535) */
	unsigned flags;   /* NLRS_SLIP_* */
};
int nlrs_slip_open(struct nlrs_netdev **out, const struct nlrs_slip_config *cfg,
		   struct nlrs_pool *pool, char *errbuf, size_t errlen);

/* Syntax check of a SLIP path (above) without opening it: 0 or -NLRS_EINVAL
 * (an unknown baud rate, an empty path, tcp: without a port). */
int nlrs_slip_check_path(const char *path);

/* SLIP device counters. The rx_* framing errors each lost one frame. */
struct nlrs_slip_stats {
	uint64_t rx_frames, rx_bytes;  /* frames handed up, and their bytes */
	uint64_t rx_line_bytes;        /* bytes read off the line */
	uint64_t rx_oversize;          /* longer than the MTU */
	uint64_t rx_bad_escape;        /* ESC not followed by ESC_END/ESC_ESC */
	uint64_t rx_runt;              /* shorter than an IP header (CSLIP: 3 bytes) */
	uint64_t rx_empty;             /* END END (harmless, not a drop) */
	uint64_t rx_nobufs;            /* no pool buffer */
	uint64_t rx_cslip_errors;      /* RFC 1144: bad compressed packets */
	uint64_t rx_cslip_tossed;      /* RFC 1144 4.2: discarded after an error */
	uint64_t tx_frames, tx_bytes;  /* frames queued for the line, line bytes written */
	uint64_t tx_oversize;          /* longer than the MTU */
	uint64_t tx_queue_full;        /* the line is slower than the stack */
	uint64_t tx_errors;            /* write(2) failed */
	uint64_t cslip_tx_compressed, cslip_tx_uncompressed, cslip_tx_ip;
};
/* d: a SLIP device or a wrapper chain over one. 0, or -NLRS_ENODEV (and
 * *out zeroed) when the bottom of the chain is not a SLIP device. */
int nlrs_slip_stats(const struct nlrs_netdev *d, struct nlrs_slip_stats *out);

/* A raw-IP loopback: what is sent comes back on recv. fd is an eventfd that
 * is readable while frames wait. */
int nlrs_loopback_open(struct nlrs_netdev **out, const char *name, struct nlrs_pool *pool,
		       uint16_t mtu);

/* smoltcp-compatible fault injector options. Chances are percent (0..100). */
struct nlrs_fault_config {
	unsigned drop_chance;
	unsigned corrupt_chance;    /* flip one random bit of one random octet */
	unsigned reorder_chance;    /* hold a frame back behind the next one */
	unsigned dup_chance;        /* deliver a frame twice */
	unsigned size_limit;        /* drop frames longer than this (0: none) */
	unsigned tx_rate_limit;     /* frames per shaping interval (0: none) */
	unsigned rx_rate_limit;
	unsigned shaping_interval_ms; /* default 50 */
};

/* Wrap `lower` (ownership passes to the wrapper). seed 0 picks one. */
int nlrs_fault_wrap(struct nlrs_netdev **out, struct nlrs_netdev *lower,
		    const struct nlrs_fault_config *cfg, uint64_t seed);

/* Counters of a fault wrapper (for tests and nlrsctl). */
struct nlrs_fault_stats {
	uint64_t dropped, corrupted, reordered, duplicated, oversize, rate_limited;
};
void nlrs_fault_stats(const struct nlrs_netdev *fault, struct nlrs_fault_stats *out);

/* Record every frame passing through, both directions, to a pcap file
 * (LINKTYPE_ETHERNET or LINKTYPE_RAW by the device's link, microsecond
 * timestamps, snaplen 262144). The file is flushed at least once a second
 * and on close. */
int nlrs_capture_wrap(struct nlrs_netdev **out, struct nlrs_netdev *lower, const char *path);

/* Attach a device to a stack as interface `name` (the device's name if
 * NULL); returns the interface index or -errno. The stack's transmit goes to
 * nlrs_netdev_send. */
int nlrs_netdev_attach(struct nlrs_stack *s, struct nlrs_netdev *d, const char *name,
		       const uint8_t mac[6]);

/* Hosted port: getrandom(2) for random bytes, log to stderr. */
void nlrs_port_hosted(struct nlrs_port *port);
/* CLOCK_MONOTONIC in microseconds. */
nlrs_time_t nlrs_clock_now(void);

#ifdef __cplusplus
}
#endif
#endif
