/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One Netloom stack driven by crafted segments and a virtual clock, for
 * tests of the TCP state machine against the RFCs.
 *
 *      test code (the "peer", 192.0.2.1)           stack S (192.0.2.2/24)
 *   seg_inject() -- IPv4+TCP, checksummed --> nlrs_stack_input
 *   cap_next()   <-- copies of every frame -- transmit hook (RAWIP iface)
 *
 * seg_run_until()/seg_advance() move the clock, firing nlrs_stack_poll at
 * every deadline the stack asks for. Each frame the stack sends is copied
 * and parsed (IPv4 and TCP checked views, options, payload) into a FIFO
 * the test reads with cap_next().
 *
 * struct peer is a minimal TCP endpoint kept by hand: its sequence
 * numbers, what it acknowledges, its window and options, so a test can
 * say "send 100 bytes" and the harness fills seq/ack/window/timestamps.
 *
 * Criterion runs each test in its own process; the globals are private
 * to it. SEG_TEST ends each test with seg_end(), which checks that every
 * packet buffer went back to the pool.
 */
#ifndef NLRS_TEST_TCP_SEG_H
#define NLRS_TEST_TCP_SEG_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nlrs/socket.h"
#include "nlrs/stack.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

#define PEER_IP NLRS_IP4(192, 0, 2, 1)
#define LOCAL_IP NLRS_IP4(192, 0, 2, 2)

extern struct nlrs_stack *S;
extern int SIF;       /* the interface index */
extern nlrs_time_t NOW; /* the virtual clock, microseconds */
extern nlrs_time_t HS_RTT; /* seg_active_open's SYN to SYN-ACK delay (10 ms) */

/* ---- the stack ---- */

/* cfg NULL: defaults. The clock starts at 1 s. */
void seg_start(const struct nlrs_stack_config *cfg);
/* Free captures, finish the stack, assert every buffer is back. */
void seg_end(void);
/* Advance the clock to t (absolute), polling at every deadline. */
void seg_run_until(nlrs_time_t t);
void seg_advance(nlrs_time_t dt);
/* Advance until the stack transmits something or `limit` (absolute) is
 * reached. Returns true when a packet is waiting in the capture. */
bool seg_run_until_tx(nlrs_time_t limit);
/* A counter by name (asserts it exists). */
uint64_t seg_counter(const char *name);

/* ---- capture ---- */

struct cap {
	nlrs_time_t at;          /* clock when the stack sent it */
	size_t len;
	uint8_t *pkt;            /* the IPv4 packet */
	struct nlrs_ipv4_hdr ip;
	bool tcp;                /* a TCP segment that parsed */
	bool csum_ok;            /* TCP checksum verifies */
	struct nlrs_tcp_hdr th;
	struct nlrs_tcp_opts o;
	uint32_t seq, ack;
	uint16_t flags, win;
	const uint8_t *data;     /* payload, inside pkt */
	uint32_t dlen;
};

unsigned cap_count(void);
/* The oldest captured packet, removed from the queue; NULL if none. Valid
 * until the next cap_next/cap_clear. */
const struct cap *cap_next(void);
/* Next captured packet that is TCP; asserts there is one. */
const struct cap *cap_tcp(void);
void cap_clear(void);
/* Last TSval seen from the stack (echoed by peers). */
extern uint32_t CAP_TSVAL;

/* ---- injection ---- */

struct tseg {
	uint32_t src, dst;       /* 0: PEER_IP -> LOCAL_IP */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t flags;
	uint16_t win;
	uint16_t urg;
	struct nlrs_tcp_opts o;  /* written Linux-style by nlrs_tcp_opts_emit */
	const uint8_t *rawopts;  /* if set: these option bytes instead of o */
	uint8_t rawlen;          /* a multiple of 4, <= 40 */
	const void *data;
	size_t len;
	bool bad_csum;           /* corrupt the TCP checksum */
};

/* Build IPv4 + TCP with correct checksums and feed it to the stack at NOW. */
void seg_inject(const struct tseg *t);
/* Feed a raw IPv4 packet. */
void seg_inject_raw(const uint8_t *pkt, size_t len);
/* ICMP destination unreachable / fragmentation needed (type 3 code 4)
 * quoting the first 28+ bytes of `orig` (a packet the stack sent). */
void seg_inject_frag_needed(const struct cap *orig, uint16_t mtu);

/* ---- a hand-kept peer ---- */

struct peer {
	uint16_t port;           /* the peer's port */
	uint16_t sport;          /* the stack's port */
	uint32_t iss, snd_nxt;   /* the peer's sequence space */
	uint32_t rcv_nxt;        /* next stack sequence number expected (our ACK) */
	uint32_t st_iss;         /* the stack's ISS */
	uint16_t win;            /* window field sent */
	uint16_t mss;            /* MSS offered in our SYN; 0: none */
	int ws;                  /* wscale offered; -1: none */
	bool sack, ts;           /* offered */
	uint32_t ts_base;        /* TSval = ts_base + NOW / 1000 */
	uint8_t st_ws;           /* the stack's window scale (its SYN) */
	bool st_ts, st_sack;     /* the stack's SYN carried them */
	uint16_t st_mss;
	int sd, lsd;             /* accepted/connected socket, listener */
};

/* Defaults: port 40000, MSS 1460, WS 7, SACK, timestamps, window 65535. */
void peer_init(struct peer *p);
/* A segment from the peer with seq/ack/window/timestamps filled in; the
 * caller may change anything before seg_inject. Does not advance snd_nxt. */
struct tseg peer_seg(const struct peer *p, uint16_t flags);
/* Send flags + data at snd_nxt and advance it (SYN/FIN count one). */
void peer_send(struct peer *p, uint16_t flags, const void *data, size_t len);
/* ACK of what the peer has seen (p->rcv_nxt). */
void peer_ack(struct peer *p);
/* ACK up to `ack` (sets rcv_nxt). */
void peer_ack_to(struct peer *p, uint32_t ack);

/* The stack listens on lport (backlog 8); the peer sends its SYN; the
 * SYN-ACK is checked and read; the peer ACKs; the connection is
 * accepted. The capture is empty afterwards. Returns the socket. */
int seg_passive_open(struct peer *p, uint16_t lport);
/* The stack connects to the peer (port p->port); the SYN is read; the
 * peer answers SYN-ACK HS_RTT later (the stack's first RTT sample); the
 * stack's ACK is checked. Returns the socket. */
int seg_active_open(struct peer *p);
/* The socket's TCP state. */
int seg_state(int sd);
struct nlrs_tcp_info seg_info(int sd);
/* Queue n bytes of a pattern on sd (asserts they are all taken). */
void seg_send(int sd, size_t n);
/* Read everything waiting on sd; returns the count. */
size_t seg_recv_all(int sd);

#define SEG_TEST(suite, name)              \
	static void suite##__##name(void); \
	Test(suite, name)                  \
	{                                  \
		suite##__##name();         \
		seg_end();                 \
	}                                  \
	static void suite##__##name(void)

/* A test that shows a bug in the stack: kept, not run; the comment above
 * it says what is wrong. */
#define SEG_TEST_DISABLED(suite, name)           \
	static void suite##__##name(void);       \
	Test(suite, name, .disabled = true)      \
	{                                        \
		suite##__##name();               \
		seg_end();                       \
	}                                        \
	static void suite##__##name(void)

#endif
