/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The embeddable stack: one instance, its pools, its interfaces, its routes,
 * advanced by nlrs_stack_poll(now). Single-threaded: every call on one
 * instance must come from one thread at a time.
 *
 * Addresses: IPv4 addresses are uint32_t in host byte order
 * (NLRS_IP4(192, 0, 2, 1)). Time: nlrs_time_t microseconds from any
 * monotonic origin, always passed in by the caller.
 *
 * Typical use (see man libnlrs.3 and tests/examples/udp_echo.c):
 *
 *   struct nlrs_stack_config cfg; nlrs_stack_config_default(&cfg);
 *   size_t need = nlrs_stack_mem_size(&cfg);
 *   struct nlrs_stack *s; nlrs_stack_init(&s, &cfg, mem, need);
 *   int ifx = nlrs_iface_add(s, &icfg);       // your device callbacks
 *   nlrs_iface_addr_add(s, ifx, NLRS_IP4(192,0,2,2), 24);
 *   nlrs_iface_set_up(s, ifx, true);
 *   loop: nlrs_stack_input(s, ifx, frame, now) for each received frame;
 *         deadline = nlrs_stack_poll(s, now); sleep until then or input.
 */
#ifndef NLRS_STACK_H
#define NLRS_STACK_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "nlrs/buf.h"
#include "nlrs/errno.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t nlrs_time_t;
#define NLRS_TIME_NEVER UINT64_MAX
#define NLRS_MSEC(ms) ((nlrs_time_t)(ms) * 1000u)
#define NLRS_SEC(s) ((nlrs_time_t)(s) * 1000000u)

#define NLRS_IP4(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

#define NLRS_IFNAMSIZ 16
#define NLRS_MAX_IFADDRS 4

enum nlrs_log_level { NLRS_LOG_ERR = 3, NLRS_LOG_WARN = 4, NLRS_LOG_INFO = 6, NLRS_LOG_DEBUG = 7 };

/* How the core reaches the world. Any hook may be NULL. */
struct nlrs_port {
	void *ctx;
	/* Fill out[0..len) with unpredictable bytes (ISNs, ports, IP IDs). */
	void (*random)(void *ctx, void *out, size_t len);
	/* One event; msg is a constant string, a and b its numbers. */
	void (*log)(void *ctx, int level, const char *msg, uint32_t a, uint32_t b);
};

struct nlrs_stack_config {
	uint32_t buffers;        /* packet buffers in the pool (default 2048) */
	uint16_t buf_size;       /* storage bytes per buffer (default 2048) */
	uint16_t max_ifaces;     /* default 8 */
	uint16_t routes;         /* route table slots (default 64) */
	uint16_t arp_entries;    /* default 128 */
	uint16_t arp_queue_len;  /* packets held per unresolved neighbour (default 64) */
	uint8_t arp_retries;     /* requests before giving up (default 3) */
	uint16_t arp_rate;       /* ARP requests per second, stack-wide (default 100) */
	nlrs_time_t arp_reachable; /* entry lifetime after a reply (default 60 s) */
	nlrs_time_t arp_retry;   /* time between requests (default 1 s) */
	uint16_t reasm_slots;    /* datagrams under reassembly at once (default 16) */
	uint32_t reasm_max_bytes; /* fragment bytes held, stack-wide (default 512 KiB) */
	nlrs_time_t reasm_timeout; /* RFC 791/1122: 30 s by default (Linux: 30 s) */
	uint16_t sockets;        /* socket descriptors, all kinds (default 256) */
	uint32_t sock_rcvbuf;    /* default receive buffer bytes per socket (212992) */
	uint16_t tcp_conns;      /* TCP control blocks: connections, listeners,
				  * SYN queues, TIME-WAIT (default 512) */
	uint32_t tcp_sndbuf;     /* initial TCP send buffer (default 262144) */
	uint32_t tcp_rcvbuf;     /* initial TCP receive buffer (default 131072) */
	uint32_t tcp_rmem_max;   /* receive auto-tuning ceiling (default 4 MiB) */
	uint32_t tcp_wmem_max;   /* send auto-tuning ceiling (default 4 MiB) */
	nlrs_time_t tcp_msl;     /* RFC 9293 3.4.2 MSL; TIME-WAIT lasts 2*MSL (default 30 s) */
	uint16_t tcp_mss_default; /* send MSS when the peer sends none (RFC 9293 3.7.1: 536) */
	bool tcp_syncookies;     /* answer with SYN cookies when a SYN queue is full (on) */
	bool tcp_no_sack;        /* do not offer or accept SACK (RFC 2018); default off */
	bool tcp_no_timestamps;  /* do not offer or accept timestamps (RFC 7323 3) */
	bool tcp_no_wscale;      /* do not offer or accept window scaling (RFC 7323 2) */
	uint8_t tcp_cc;          /* enum nlrs_cc_algo: default congestion control (CUBIC) */
	uint8_t ttl;             /* default TTL (64) */
	bool forwarding;         /* forward IPv4 between/through interfaces (off) */
	uint16_t icmp_rate;      /* ICMP error tokens per second (1000) */
	uint16_t icmp_burst;     /* ICMP error bucket depth (50) */
	struct nlrs_port port;
};

struct nlrs_stack;

void nlrs_stack_config_default(struct nlrs_stack_config *cfg);

/* Bytes of memory nlrs_stack_init needs for this configuration. */
size_t nlrs_stack_mem_size(const struct nlrs_stack_config *cfg);

/* Build a stack inside mem (nlrs_stack_mem_size bytes, 16-byte aligned).
 * The stack never allocates afterwards. Returns 0, -NLRS_EINVAL for a bad
 * configuration, -NLRS_ENOMEM if memlen is too small. */
int nlrs_stack_init(struct nlrs_stack **out, const struct nlrs_stack_config *cfg,
		    void *mem, size_t memlen);

/* Release every buffer still held (queues, sockets, reassembly). After this
 * the memory may be reused. */
void nlrs_stack_fini(struct nlrs_stack *s);

/* Run timers due at `now`, deliver looped-back packets; returns the next
 * time the stack wants to be polled (NLRS_TIME_NEVER if none). */
nlrs_time_t nlrs_stack_poll(struct nlrs_stack *s, nlrs_time_t now);

/* The pool devices receive into. */
struct nlrs_pool *nlrs_stack_pool(struct nlrs_stack *s);

/* ---- interfaces ---- */

enum nlrs_link {
	NLRS_LINK_ETHERNET = 1, /* Ethernet II frames, ARP */
	NLRS_LINK_RAWIP = 2,    /* bare IP packets: TUN, SLIP, loopback */
};

/* Drops that happened in the device layer, below the stack: frames too
 * big for a buffer, no buffer free, a full device queue, injected faults. */
struct nlrs_dev_counters {
	uint64_t rx_drops;    /* received frames the device could not hand up */
	uint64_t tx_drops;    /* frames the device could not send */
	uint64_t fault_drops; /* frames a fault injector dropped on purpose */
};
typedef void (*nlrs_dev_counters_fn)(void *ctx, struct nlrs_dev_counters *out);

/* Hand one frame to the device. The device consumes `frame` (it frees it,
 * now or after it is sent). Return 0, or -errno (counted as a tx error). */
typedef int (*nlrs_transmit_fn)(void *ctx, struct nlrs_buf *frame);

/* Offloads a device takes on (nlrs_iface_config.offloads) */
#define NLRS_OFFLOAD_TX_CSUM 0x1u /* completes NLRS_CSUM_PARTIAL checksums */
#define NLRS_OFFLOAD_TSO4 0x2u    /* cuts NLRS_GSO_TCPV4 packets (needs TX_CSUM) */

struct nlrs_iface_config {
	const char *name;
	enum nlrs_link link;
	uint8_t mac[6];        /* Ethernet only */
	uint16_t mtu;          /* IP MTU; 0 means 1500 */
	uint32_t offloads;     /* NLRS_OFFLOAD_* */
	nlrs_transmit_fn transmit;
	void *ctx;
	nlrs_dev_counters_fn counters; /* optional; called with ctx */
};

/* Returns the new interface index (>= 0) or -errno. Interfaces start down. */
int nlrs_iface_add(struct nlrs_stack *s, const struct nlrs_iface_config *cfg);
/* Bring up or down. Going up sends a gratuitous ARP for each address. */
int nlrs_iface_set_up(struct nlrs_stack *s, int ifindex, bool up);
int nlrs_iface_set_mtu(struct nlrs_stack *s, int ifindex, uint16_t mtu);
/* Add an address and its connected route. */
int nlrs_iface_addr_add(struct nlrs_stack *s, int ifindex, uint32_t addr, uint8_t prefixlen);
int nlrs_iface_addr_del(struct nlrs_stack *s, int ifindex, uint32_t addr);
/* Interface index by name, or -NLRS_ENODEV. */
int nlrs_iface_find(struct nlrs_stack *s, const char *name);
/* An IEEE 802.1Q VLAN sub-interface `name` of the Ethernet interface
 * `parent` for VLAN `vid` (1..4094): it shares the parent's device and
 * MAC; frames tagged with vid arriving on the parent are its input, and
 * what it sends leaves the parent's device tagged with vid (PCP 0). It
 * starts down, passes frames only while the parent is up too, and has
 * the parent's MTU (the tag rides outside it). Returns the new
 * interface index or -errno (-NLRS_EINVAL: bad vid, parent not Ethernet
 * or itself a VLAN; -NLRS_EEXIST: name or (parent, vid) taken). */
int nlrs_iface_add_vlan(struct nlrs_stack *s, int parent, uint16_t vid, const char *name);

/* Feed one received frame (link header first for Ethernet interfaces).
 * The stack consumes it. `now` also advances the stack's clock. */
void nlrs_stack_input(struct nlrs_stack *s, int ifindex, struct nlrs_buf *frame,
		      nlrs_time_t now);

/* ---- routes ---- */

/* dst/prefixlen via gateway `gw` (0: directly connected) out of ifindex
 * (-1: the interface whose connected prefix holds gw). Longest prefix wins,
 * then the lower metric. */
int nlrs_route_add(struct nlrs_stack *s, uint32_t dst, uint8_t prefixlen, uint32_t gw,
		   int ifindex, uint16_t metric);
int nlrs_route_del(struct nlrs_stack *s, uint32_t dst, uint8_t prefixlen, uint32_t gw);

/* ---- introspection (nlrsctl, tests) ---- */

struct nlrs_iface_info {
	char name[NLRS_IFNAMSIZ];
	enum nlrs_link link;
	uint8_t mac[6];
	uint16_t mtu;
	bool up;
	uint8_t naddr;
	uint32_t addr[NLRS_MAX_IFADDRS];
	uint8_t prefixlen[NLRS_MAX_IFADDRS];
	uint64_t rx_packets, rx_bytes, rx_drops;
	uint64_t tx_packets, tx_bytes, tx_errors;
	struct nlrs_dev_counters dev; /* zero if the device reports none */
};
int nlrs_iface_count(const struct nlrs_stack *s);
int nlrs_iface_info(const struct nlrs_stack *s, int ifindex, struct nlrs_iface_info *out);

struct nlrs_route_info {
	uint32_t dst;
	uint8_t prefixlen;
	uint32_t gw;
	int ifindex;
	uint16_t metric;
	bool connected; /* made by an interface address */
};
/* Fills the idx-th route; -NLRS_ENOENT past the end. */
int nlrs_route_info(const struct nlrs_stack *s, unsigned idx, struct nlrs_route_info *out);

enum nlrs_arp_state { NLRS_ARP_FREE, NLRS_ARP_INCOMPLETE, NLRS_ARP_REACHABLE, NLRS_ARP_STALE,
		      NLRS_ARP_FAILED };
struct nlrs_arp_info {
	uint32_t ip;
	uint8_t mac[6];
	int ifindex;
	enum nlrs_arp_state state;
	nlrs_time_t expires;  /* when the current state ends */
	uint16_t queued;      /* packets waiting for resolution */
};
/* Walks the cache: 1 = out filled, 0 = slot idx is empty, -NLRS_ENOENT past end. */
int nlrs_arp_info(const struct nlrs_stack *s, unsigned idx, struct nlrs_arp_info *out);

/* Counters: a fixed, named list; every drop reason is one of them. */
unsigned nlrs_counter_count(void);
const char *nlrs_counter_name(unsigned idx);
const char *nlrs_counter_help(unsigned idx);
uint64_t nlrs_counter_get(const struct nlrs_stack *s, unsigned idx);
/* Value by name; -1 (all ones) if there is no such counter. */
uint64_t nlrs_counter_by_name(const struct nlrs_stack *s, const char *name);

struct nlrs_pool_info { uint32_t count, avail, min_avail; uint16_t bufsize; uint64_t alloc_fail; };
void nlrs_stack_pool_info(const struct nlrs_stack *s, struct nlrs_pool_info *out);

#ifdef __cplusplus
}
#endif
#endif
