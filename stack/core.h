/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to the stack core: the layout of a stack instance and the calls
 * the protocol files make into each other (nlrs__ prefix). Not installed.
 */
#ifndef NLRS_CORE_H
#define NLRS_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "nlrs/stack.h"
#include "nlrs/socket.h"
#include "counters.h"
#include "wire/wire.h"
#include "wire/ipv4.h"

#define NLRS_INC(s, name) ((s)->ctr[NLRS_CTR_##name]++)
#define NLRS_ADD(s, name, n) ((s)->ctr[NLRS_CTR_##name] += (n))

#ifdef NLRS_DEBUG_ASSERT
#define NLRS_ASSERT(x) do { if (!(x)) __builtin_trap(); } while (0)
#else
#define NLRS_ASSERT(x) do { (void)sizeof(x); } while (0)
#endif

/* ---- timers: a hashed wheel of 1 ms ticks (timer.c) ---- */

#define NLRS_WHEEL_SLOTS 256u
#define NLRS_WHEEL_TICK 1000u /* microseconds */

struct nlrs_timer;
typedef void (*nlrs_timer_fn)(void *arg, struct nlrs_timer *t);

struct nlrs_timer {
	struct nlrs_timer *next;
	struct nlrs_timer **pprev; /* NULL when not linked anywhere */
	nlrs_time_t expires;
	nlrs_timer_fn fn;
	void *arg;
};

struct nlrs_wheel {
	struct nlrs_timer *slot[NLRS_WHEEL_SLOTS];
	nlrs_time_t now;   /* time of the last run */
	uint64_t tick;     /* every slot up to this tick has been run */
	uint32_t count;    /* timers armed */
};

void nlrs__wheel_init(struct nlrs_wheel *w, nlrs_time_t now);
void nlrs__timer_init(struct nlrs_timer *t, nlrs_timer_fn fn, void *arg);
/* (Re)arm for absolute time `expires`; a time already past fires at the next run. */
void nlrs__timer_arm(struct nlrs_wheel *w, struct nlrs_timer *t, nlrs_time_t expires);
void nlrs__timer_cancel(struct nlrs_wheel *w, struct nlrs_timer *t);
static inline bool nlrs__timer_pending(const struct nlrs_timer *t) { return t->pprev != NULL; }
/* Fire every timer with expires <= now; returns how many fired. */
unsigned nlrs__wheel_run(struct nlrs_wheel *w, nlrs_time_t now);
/* Earliest expiry armed, or NLRS_TIME_NEVER. */
nlrs_time_t nlrs__wheel_next(const struct nlrs_wheel *w);

/* ---- interfaces ---- */

struct nlrs_iface {
	bool used;
	bool up;
	enum nlrs_link link;
	uint16_t mtu;
	uint32_t offloads;  /* NLRS_OFFLOAD_* the device takes on */
	uint8_t mac[6];
	uint8_t naddr;
	uint32_t addr[NLRS_MAX_IFADDRS];
	uint8_t plen[NLRS_MAX_IFADDRS];
	nlrs_transmit_fn transmit;
	nlrs_dev_counters_fn counters;
	void *ctx;
	char name[NLRS_IFNAMSIZ];
	uint16_t vid;       /* 802.1Q VLAN sub-interface of `parent`; 0: none */
	int16_t parent;
	uint64_t rx_packets, rx_bytes, rx_drops;
	uint64_t tx_packets, tx_bytes, tx_errors;
};

struct nlrs_route {
	bool used;
	bool connected;
	uint8_t plen;
	int16_t ifindex;
	uint16_t metric;
	uint32_t dst, mask, gw;
};

struct nlrs_arp_entry {
	uint8_t state;        /* enum nlrs_arp_state */
	uint8_t tries;
	int16_t ifindex;
	uint32_t ip;
	uint8_t mac[6];
	uint16_t qlen;
	nlrs_time_t expires;
	struct nlrs_buf *qhead, *qtail; /* IP packets waiting, linked via qnext */
	struct nlrs_timer timer;
	struct nlrs_stack *stack;
};

/* One datagram under reassembly (ipv4_frag.c). */
struct nlrs_reasm {
	bool used;
	uint8_t proto;
	uint16_t id;
	uint16_t nfrags;
	int16_t ifindex;
	uint32_t src, dst;
	uint32_t total;       /* payload length once the last fragment is seen, else 0 */
	uint32_t have;        /* payload bytes held */
	uint32_t held;        /* buffer bytes charged against reasm_max_bytes */
	struct nlrs_buf *frags; /* sorted by offset, qnext-linked, data at payload */
	struct nlrs_timer timer;
	struct nlrs_stack *stack;
};

/* Socket flags */
#define NLRS_SOCKF_BOUND 0x01u
#define NLRS_SOCKF_CONNECTED 0x02u
#define NLRS_SOCKF_BROADCAST 0x04u
#define NLRS_SOCKF_HDRINCL 0x08u
#define NLRS_SOCKF_DF 0x10u

struct nlrs_tcb;

struct nlrs_sock {
	uint8_t type;       /* 0: free, NLRS_SOCK_STREAM, NLRS_SOCK_DGRAM, NLRS_SOCK_RAW */
	uint8_t proto;
	uint8_t ttl;
	uint8_t flags;
	int16_t err;        /* pending -errno, reported once */
	uint16_t rx_count;
	uint32_t rx_bytes;
	uint32_t rcvbuf;
	struct nlrs_endpoint local, peer;
	struct nlrs_buf *rxq_head, *rxq_tail; /* datagrams, qnext-linked */
	nlrs_sock_cb cb;
	void *cbctx;
	struct nlrs_tcb *tcb; /* NLRS_SOCK_STREAM */
};

struct nlrs_bucket {
	uint32_t tokens;   /* in thousandths of a token */
	nlrs_time_t last;
};

struct nlrs_stack {
	struct nlrs_stack_config cfg;
	nlrs_time_t now;
	struct nlrs_pool pool;
	struct nlrs_wheel wheel;
	struct nlrs_iface *ifaces;
	struct nlrs_route *routes;
	struct nlrs_arp_entry *arp;
	struct nlrs_reasm *reasm;
	uint32_t reasm_bytes;
	uint32_t arp_queued;  /* packets waiting for ARP, all neighbours */
	struct nlrs_sock *socks;
	struct nlrs_buf *loopq_head, *loopq_tail;
	struct nlrs_bucket icmp_bucket, arp_bucket, tcp_chack_bucket;
	struct nlrs_tcb *tcbs;      /* cfg.tcp_conns blocks */
	struct nlrs_tcb *tcp_scratch; /* a block for stateless replies (SYN cookies) */
	struct nlrs_tcb **tcp_hash; /* connection hash, tcp_hash_mask + 1 chains */
	uint32_t tcp_hash_mask;
	uint32_t tcp_nfree;         /* blocks free */
	uint64_t tcp_key[2];        /* RFC 6528 / RFC 4987 secret */
	uint16_t ip_id;
	uint16_t next_port;
	uint64_t rng[2];
	uint64_t ctr[NLRS_CTR_MAX];
};

/* ---- misc (stack.c) ---- */
uint32_t nlrs__rand32(struct nlrs_stack *s);
/* Token bucket: rate per second, burst depth; true if a token was taken. */
bool nlrs__bucket_take(struct nlrs_bucket *b, nlrs_time_t now, uint32_t rate, uint32_t burst);
/* Sum of bytes [off, off+len) of a chain, for the Internet checksum. */
uint32_t nlrs__buf_csum(const struct nlrs_buf *b, size_t off, size_t len, uint32_t sum);
void nlrs__log(struct nlrs_stack *s, int level, const char *msg, uint32_t a, uint32_t b);

/* ---- interfaces and routes (iface.c, route.c) ---- */
struct nlrs_iface *nlrs__iface(struct nlrs_stack *s, int ifindex);
/* Is addr one of ours (any interface)? Sets *ifindex if so. */
bool nlrs__addr_is_local(const struct nlrs_stack *s, uint32_t addr, int *ifindex);
/* Directed broadcast of one of ifindex's prefixes, or 255.255.255.255. */
bool nlrs__addr_is_bcast(const struct nlrs_stack *s, int ifindex, uint32_t addr);
/* Is addr inside one of ifindex's connected prefixes? */
bool nlrs__addr_on_link(const struct nlrs_stack *s, int ifindex, uint32_t addr);
/* A source address of ifindex for talking to dst (same prefix first). 0 if none. */
uint32_t nlrs__iface_src(const struct nlrs_stack *s, int ifindex, uint32_t dst);
/* Route lookup: output interface and next hop; 0 or -NLRS_ENETUNREACH. */
int nlrs__route_lookup(const struct nlrs_stack *s, uint32_t dst, int *ifindex, uint32_t *nexthop);
int nlrs__route_add_connected(struct nlrs_stack *s, int ifindex, uint32_t addr, uint8_t plen);
void nlrs__route_del_connected(struct nlrs_stack *s, int ifindex, uint32_t addr, uint8_t plen);

/* ---- link layer (iface.c: Ethernet framing, arp.c) ---- */
/* Send an IP packet (data at the IP header) to next hop on ifindex;
 * resolves with ARP on Ethernet. Consumes b. 0 or -errno. */
int nlrs__link_output(struct nlrs_stack *s, int ifindex, uint32_t nexthop, struct nlrs_buf *b);
/* Frame with an Ethernet header in front of b to dst. Consumes b. */
int nlrs__eth_output(struct nlrs_stack *s, int ifindex, const uint8_t dst[6], uint16_t type,
		     struct nlrs_buf *b);
/* Hand a finished frame to the device. Consumes b. */
int nlrs__dev_transmit(struct nlrs_stack *s, int ifindex, struct nlrs_buf *b);
void nlrs__eth_input(struct nlrs_stack *s, int ifindex, struct nlrs_buf *b);
void nlrs__arp_input(struct nlrs_stack *s, int ifindex, struct nlrs_buf *b);
int nlrs__arp_output(struct nlrs_stack *s, int ifindex, uint32_t nexthop, struct nlrs_buf *b);
void nlrs__arp_announce(struct nlrs_stack *s, int ifindex, uint32_t addr);
void nlrs__arp_flush_iface(struct nlrs_stack *s, int ifindex);

/* Buffer flags */
#define NLRS_BUFF_L2BCAST 0x0001u /* arrived as a link-layer broadcast/multicast */
#define NLRS_BUFF_LOOPED 0x0002u  /* sent by this stack to itself */

/* ---- IPv4 (ipv4_in.c, ipv4_out.c, ipv4_frag.c) ---- */
void nlrs__ip_input(struct nlrs_stack *s, int ifindex, struct nlrs_buf *b);
/* Parse the IPv4 header at b->data, checking that it lies within the first
 * segment (chains keep headers there). Returns hlen or a nlrs_wire_err. */
int nlrs__ip_hdr_parse(const struct nlrs_buf *b, struct nlrs_ipv4_hdr *h, bool verify_csum);

struct nlrs_ip_out {
	uint32_t src;     /* 0: chosen from the route */
	uint32_t dst;
	uint8_t proto;
	uint8_t ttl;      /* 0: stack default */
	uint8_t tos;
	bool df;
	bool allow_bcast; /* SO_BROADCAST */
	int ifindex;      /* -1: by route */
};
/* b holds the transport header and payload, with headroom for IP and link.
 * Adds the IPv4 header, fragments if needed (or -NLRS_EMSGSIZE with DF),
 * and sends. Consumes b in every case. */
int nlrs__ip_output(struct nlrs_stack *s, struct nlrs_buf *b, const struct nlrs_ip_out *o);
/* Send a packet whose IPv4 header is already at b->data (raw HDRINCL,
 * forwarding). Fills in id/checksum when zero (hdrincl). Consumes b. */
int nlrs__ip_output_hdr(struct nlrs_stack *s, struct nlrs_buf *b, int ifindex, uint32_t nexthop);
/* Fragment and send: h is the header to copy (its options, DF, and the
 * offset/MF of the datagram being cut, which may itself be a fragment),
 * payload is everything after the header. Consumes payload. */
int nlrs__ip_fragment(struct nlrs_stack *s, int ifindex, uint32_t nexthop,
		      const struct nlrs_ipv4_hdr *h, struct nlrs_buf *payload, uint16_t mtu);
/* Queue a complete IP packet (data at its header) for delivery to
 * ourselves at the next poll. Consumes b. */
void nlrs__ip_loop(struct nlrs_stack *s, struct nlrs_buf *b, int ifindex);
/* The first up interface with an address: where a limited broadcast
 * (255.255.255.255) leaves. -1 if none. */
int nlrs__ip_bcast_iface(const struct nlrs_stack *s);
/* Choose the source address for dst (route lookup); 0 if unroutable. */
uint32_t nlrs__ip_select_src(const struct nlrs_stack *s, uint32_t dst);
/* Offloads of the interface a packet to dst leaves by (0 for ourselves
 * or no route). */
uint32_t nlrs__ip_offloads(const struct nlrs_stack *s, uint32_t dst);
/* Finish an NLRS_CSUM_PARTIAL transport checksum in software (data at the
 * IPv4 header), for paths whose device cannot. */
void nlrs__csum_finish(struct nlrs_buf *b);
/* Path MTU towards dst (the route's interface MTU). */
uint16_t nlrs__ip_mtu(const struct nlrs_stack *s, uint32_t dst);
/* Take a fragment (data at IP header, h its parsed header). Returns the
 * whole datagram (data at IP header, header rewritten unfragmented) when it
 * completes, else NULL. Consumes b. */
struct nlrs_buf *nlrs__reasm_input(struct nlrs_stack *s, struct nlrs_buf *b,
				   const struct nlrs_ipv4_hdr *h);
void nlrs__reasm_flush(struct nlrs_stack *s);

/* ---- ICMP (icmp4.c) ---- */
void nlrs__icmp_input(struct nlrs_stack *s, struct nlrs_buf *b, const struct nlrs_ipv4_hdr *ih);
/* Send an ICMP error about `orig` (data at its IPv4 header; not consumed).
 * Applies RFC 1122 3.2.2 "never send in reply to" rules and the rate limit. */
void nlrs__icmp_error(struct nlrs_stack *s, const struct nlrs_buf *orig, uint8_t type,
		      uint8_t code, uint32_t info);

/* ---- transports (udp.c, raw.c) ---- */
/* b: data at the IP header; ih parsed. Consume b. */
void nlrs__udp_input(struct nlrs_stack *s, struct nlrs_buf *b, const struct nlrs_ipv4_hdr *ih);
/* An ICMP error quoted a UDP datagram we sent. */
void nlrs__udp_icmp_error(struct nlrs_stack *s, const struct nlrs_ipv4_hdr *inner,
			  const uint8_t *l4, size_t l4len, int err);
/* Send one datagram from socket sd to `to` (checked by the caller). */
int nlrs__udp_output(struct nlrs_stack *s, int sd, const void *data, size_t len,
		     const struct nlrs_endpoint *to);
int nlrs__raw_output(struct nlrs_stack *s, int sd, const void *data, size_t len,
		     const struct nlrs_endpoint *to);
/* Give raw sockets of ih->proto a copy; returns true if any took one. b is not consumed. */
bool nlrs__raw_input(struct nlrs_stack *s, const struct nlrs_buf *b, const struct nlrs_ipv4_hdr *ih);

/* TCP (tcp*.c; private details in tcp.h) */
void nlrs__tcp_input(struct nlrs_stack *s, struct nlrs_buf *b, const struct nlrs_ipv4_hdr *ih);
void nlrs__tcp_icmp_error(struct nlrs_stack *s, const struct nlrs_ipv4_hdr *inner,
			  const uint8_t *l4, size_t l4len, uint8_t type, uint8_t code,
			  uint32_t info);
void nlrs__tcp_init(struct nlrs_stack *s);
void nlrs__tcp_fini(struct nlrs_stack *s);
/* Stream socket calls from socket.c */
int nlrs__tcp_open(struct nlrs_stack *s, int sd);
void nlrs__tcp_close(struct nlrs_stack *s, int sd);
int nlrs__tcp_bind(struct nlrs_stack *s, int sd, const struct nlrs_endpoint *local);
int nlrs__tcp_connect(struct nlrs_stack *s, int sd, const struct nlrs_endpoint *peer);
int nlrs__tcp_send(struct nlrs_stack *s, int sd, const void *data, size_t len, unsigned flags);
int nlrs__tcp_recv(struct nlrs_stack *s, int sd, void *data, size_t len, unsigned flags);
unsigned nlrs__tcp_sock_events(struct nlrs_stack *s, int sd);
int nlrs__tcp_setopt(struct nlrs_stack *s, int sd, enum nlrs_sockopt opt, int value);
int nlrs__tcp_getopt(struct nlrs_stack *s, int sd, enum nlrs_sockopt opt, int *value);
int nlrs__tcp_getname(struct nlrs_stack *s, int sd, struct nlrs_endpoint *local,
		      struct nlrs_endpoint *peer);

/* ---- sockets (socket.c) ---- */
/* A free descriptor slot, or -NLRS_EMFILE. */
int nlrs__sock_slot(struct nlrs_stack *s);
struct nlrs_sock *nlrs__sock(struct nlrs_stack *s, int sd);
/* Queue a datagram on a socket if it fits rcvbuf; consumes b. false if dropped. */
bool nlrs__sock_enqueue(struct nlrs_stack *s, int sd, struct nlrs_buf *b);
void nlrs__sock_notify(struct nlrs_stack *s, int sd);
void nlrs__sock_set_error(struct nlrs_stack *s, int sd, int err);

#endif
