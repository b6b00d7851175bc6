/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to netdev/: per-device counters that the public contract
 * (include/nlrs/netdev.h) does not carry, and helpers shared by the drivers.
 * Tests include it; it is not installed.
 */
#ifndef NLRS_NETDEV_PRIV_H
#define NLRS_NETDEV_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "nlrs/netdev.h"

/* Fill out[0..len) from getrandom(2); falls back to the clock only if the
 * kernel refuses (no entropy source is a setup bug, not a packet-path one). */
void nlrs__random_bytes(void *out, size_t len);

struct nlrs__tap_stats {
	uint64_t rx_frames, rx_truncated, rx_nobufs;
	uint64_t tx_frames, tx_errors, tx_again;
};
/* d must come from nlrs_tap_open. */
void nlrs__tap_stats(const struct nlrs_netdev *d, struct nlrs__tap_stats *out);

struct nlrs__loopback_stats {
	uint64_t frames, queue_full, nobufs;
	uint32_t queued;
};
/* d must come from nlrs_loopback_open. */
void nlrs__loopback_stats(const struct nlrs_netdev *d, struct nlrs__loopback_stats *out);

/* Most frames the loopback holds at once; more are dropped (-NLRS_ENOBUFS). */
#define NLRS_LOOPBACK_QLEN 1024u

struct nlrs__capture_stats {
	uint64_t frames, bytes;
	uint64_t write_errors; /* frames not recorded because the file failed */
};
/* d must come from nlrs_capture_wrap. */
void nlrs__capture_stats(const struct nlrs_netdev *d, struct nlrs__capture_stats *out);

struct nlrs__pcapdev_stats {
	uint64_t rx_frames;
	uint64_t rx_own;       /* our own source MAC: not ours to take */
	uint64_t rx_truncated; /* longer than the snaplen or a buffer */
	uint64_t rx_runts;     /* shorter than an Ethernet header */
	uint64_t rx_nobufs;
	uint64_t rx_errors;    /* pcap_dispatch failures */
	uint64_t tx_frames, tx_oversize, tx_again, tx_errors;
	uint64_t kernel_drops; /* pcap_stats ps_drop: the capture ring was full */
	uint64_t if_drops;     /* pcap_stats ps_ifdrop: the interface's own drops */
	uint8_t uc_filter_failed; /* PACKET_MR_UNICAST refused */
};
/* d must come from nlrs_pcapdev_open. */
void nlrs__pcapdev_stats(const struct nlrs_netdev *d, struct nlrs__pcapdev_stats *out);
/* The default MAC of nlrs_pcapdev_open: unicast, locally administered,
 * a hash of the name and the interface's MAC hw, never equal to hw. */
void nlrs__pcapdev_derive_mac(const char *ifname, const uint8_t hw[6], uint8_t out[6]);

/* Headroom left in front of received frames (Ethernet needs none; it lets a
 * stack that turns a frame around push a header without copying). */
#define NLRS_NETDEV_RX_HEADROOM 64u

#endif
