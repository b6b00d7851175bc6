/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fixture for the core tests: one stack in a malloc'd block, a
 * deterministic port, Ethernet interfaces whose transmit callback copies
 * every frame into an array (the buffer is freed at once), and a virtual
 * clock the test advances by hand. Frames are crafted with the wire emit
 * functions and injected through nlrs_stack_input, as a device would.
 *
 *   peer 192.0.2.1 02:00:00:00:00:01 --- eth0 192.0.2.2/24 02:00:00:00:00:02
 *
 * Criterion runs each test in its own process, so the globals below are
 * private to one test. Every test ends with h_end (see CORE_TEST): the
 * stack is finished and every buffer must be back in the pool.
 */
#ifndef NLRS_TEST_CORE_HARNESS_H
#define NLRS_TEST_CORE_HARNESS_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core.h"
#include "nlrs/socket.h"
#include "wire/arp.h"
#include "wire/checksum.h"
#include "wire/eth.h"
#include "wire/icmp4.h"
#include "wire/ipv4.h"
#include "wire/udp.h"

#define OUR_IP NLRS_IP4(192, 0, 2, 2)
#define PEER_IP NLRS_IP4(192, 0, 2, 1)
#define NET_BCAST NLRS_IP4(192, 0, 2, 255)
#define IF1_IP NLRS_IP4(198, 51, 100, 2)

extern const uint8_t OUR_MAC[6];
extern const uint8_t PEER_MAC[6];
extern const uint8_t BCAST_MAC[6];
extern const uint8_t IF1_MAC[6];

/* Counter by its short name: CTR(frag_overlap). */
#define CTR(name) (S->ctr[NLRS_CTR_##name])

#define H_MAX_FRAMES 1024u
#define H_FRAME_MAX 2048u

struct h_frame {
	int ifx;
	size_t len;
	uint8_t d[H_FRAME_MAX];
};

extern struct nlrs_stack *S;
extern int IFX;            /* eth0 */
extern nlrs_time_t NOW;    /* the virtual clock */
extern struct h_frame *TX; /* frames the stack transmitted, in order */
extern unsigned NTX;

/*
 * CORE_TEST(suite, name) { body }: a criterion test whose body is followed
 * by h_end(), which finishes the stack and asserts the pool is full again.
 * (criterion 2.4 reports assertion failures in a .fini hook but still
 * counts the test as passed, so the check must run inside the test.)
 */
#define CORE_TEST(suite, name)             \
	static void suite##__##name(void); \
	Test(suite, name)                  \
	{                                  \
		suite##__##name();         \
		h_end();                   \
	}                                  \
	static void suite##__##name(void)

/* A stack with eth0 (192.0.2.2/24, up), capture emptied. cfg NULL: defaults. */
void h_start(const struct nlrs_stack_config *cfg);
/* Suite hooks: h_setup = h_start(NULL); h_setup_peer also teaches the
 * stack the peer's MAC; h_teardown = fini + pool check + free. */
void h_setup(void);
void h_setup_peer(void);
void h_teardown(void);
/* nlrs_stack_fini, then assert every buffer is back in the pool. */
void h_end(void);
/* Replace the running stack (checked like teardown) with one built from cfg. */
void h_restart(const struct nlrs_stack_config *cfg);
/* Default config, for tests to change before h_restart. */
struct nlrs_stack_config h_config(void);

/* A second Ethernet interface eth1 (198.51.100.2/24, up); returns its index. */
int h_add_if1(void);

/* Forget captured frames. */
void h_clear(void);
/* Advance the clock by dt and poll. */
void h_advance(nlrs_time_t dt);
/* Poll at the current time. */
void h_poll(void);

/* Inject a whole Ethernet frame on ifx at NOW. */
void h_inject_on(int ifx, const void *frame, size_t len);
void h_inject(const void *frame, size_t len);

/* Make an Ethernet frame; returns its length. */
size_t h_eth(uint8_t *out, const uint8_t dst[6], const uint8_t src[6], uint16_t type,
	     const void *payload, size_t plen);
/* ARP packet inside an Ethernet frame from `src` to `edst`. */
size_t h_arp(uint8_t *out, const uint8_t edst[6], const uint8_t esrc[6], uint16_t op,
	     const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa);
/* Tell the stack (by an ARP reply to our address on ifx) that ip is at mac. */
void h_learn_on(int ifx, uint32_t ip, const uint8_t mac[6], uint32_t our_ip);
void h_learn_peer(void);

struct h_ip {
	uint32_t src, dst;
	uint8_t proto, ttl, tos;
	uint16_t id;
	bool df, mf;
	uint16_t frag_off; /* bytes */
	const uint8_t *opts;
	uint8_t optlen;
};
/* An IPv4 packet (header + payload) with a correct header checksum. */
size_t h_ipv4(uint8_t *out, const struct h_ip *ip, const void *payload, size_t plen);
/* Eth (PEER_MAC -> OUR_MAC) + IPv4, injected on eth0. */
void h_inject_ip(const struct h_ip *ip, const void *payload, size_t plen);
/* Same with an explicit Ethernet destination. */
void h_inject_ip_to(const uint8_t edst[6], const struct h_ip *ip, const void *payload, size_t plen);
/* Peer -> us with defaults (ttl 64, id 1). */
struct h_ip h_ip_from_peer(uint8_t proto);

/* ICMP message with checksum; returns 8 + n. */
size_t h_icmp(uint8_t *out, uint8_t type, uint8_t code, uint32_t rest, const void *data, size_t n);
size_t h_echo(uint8_t *out, uint16_t id, uint16_t seq, const void *data, size_t n);
/* UDP datagram with the pseudo-header checksum; returns 8 + n. */
size_t h_udp(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
	     const void *data, size_t n);

/* Send payload[0..plen) as fragments of `fragsize` payload bytes (a
 * multiple of 8), in the order given by `order` (indexes, n of them; NULL
 * for in order). Returns the number of fragments the payload makes. */
unsigned h_fragments(const struct h_ip *ip, const uint8_t *payload, size_t plen, size_t fragsize,
		     const unsigned *order, unsigned n);

/* Fill p with a pattern that depends on seed and the position. */
void h_pattern(uint8_t *p, size_t n, unsigned seed);

/* A captured frame, parsed. Assert-fails on a malformed one. */
struct h_rx {
	struct nlrs_eth_hdr eth;
	bool is_arp, is_ip;
	struct nlrs_arp_pkt arp;
	struct nlrs_ipv4_hdr ip;
	const uint8_t *l3; /* IPv4 header */
	const uint8_t *l4; /* after the IPv4 header */
	size_t l4len;      /* tot_len - hlen */
};
void h_parse(unsigned i, struct h_rx *r);
/* Count captured frames that are ARP / IPv4. */
unsigned h_count_arp(void);
unsigned h_count_ip(void);
/* Index of the n-th (0-based) captured IPv4 frame, or -1. */
int h_nth_ip(unsigned n);

/* Rebuild one datagram from captured fragments (proto, id): checks offsets
 * are multiples of 8, MF on all but the last, no gap or overlap, each
 * packet at most mtu bytes. Returns the payload length (copied to out),
 * *nfrag the fragment count, *first the first fragment's header. */
size_t h_reassemble(uint8_t proto, uint16_t id, uint16_t mtu, uint8_t *out, size_t cap,
		    unsigned *nfrag, struct nlrs_ipv4_hdr *first);

/* Internet checksum of a flat buffer verifies (sums to 0xffff). */
bool h_csum_ok(const void *p, size_t n);
bool h_udp_csum_ok(uint32_t src, uint32_t dst, const uint8_t *udp, size_t n);

#endif
