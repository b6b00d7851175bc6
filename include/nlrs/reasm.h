/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP stream reassembly for captured traffic: per connection, two ordered
 * byte streams (client to server and back) handed to callbacks, with
 * retransmissions and overlaps removed, gaps reported, and connections
 * whose handshake was not seen picked up in the middle. Memory is
 * bounded: per-direction and total caps on buffered out-of-order bytes,
 * and a cap on connections. Hosted (malloc). Part of libnlrs.
 *
 *   struct nlrs_reasm_config c; nlrs_reasm_config_default(&c);
 *   c.data = on_data; c.ctx = me;
 *   struct nlrs_reasm *ra = nlrs_reasm_new(&c);
 *   for each packet: nlrs_pkt_decode(&pkt, ...); nlrs_reasm_add(ra, &pkt, ts_us);
 *   nlrs_reasm_flush_all(ra); nlrs_reasm_free(ra);
 *
 * Policies:
 *  - Direction: the sender of the first SYN (without ACK) is the client.
 *    With no SYN seen, the sender of a SYN+ACK is the server; with
 *    neither, the sender of the first segment seen is the client.
 *  - Start: after a SYN the stream starts at ISN + 1. With no SYN, at the
 *    sequence number of the first segment seen in that direction
 *    (NLRS_REASM_F_MIDSTREAM on the stream); bytes before it are never
 *    delivered.
 *  - Retransmission and overlap: the first copy of a byte wins (data
 *    already delivered or buffered is not replaced). Bytes that arrive
 *    again are counted in stats.dup_bytes; overlapping bytes that differ
 *    from the first copy in stats.overlap_conflicts.
 *  - Gaps: out-of-order data waits until the hole fills. When a
 *    direction's buffer passes max_buffered_per_dir, when the total
 *    passes max_buffered_total (the least recently active connection's
 *    lowest hole is skipped), on RST, on idle expiry and on flush, the
 *    hole is skipped: the data callback gets gap = its size with the
 *    bytes after it. Bytes a capture cut from a segment (its snap
 *    length) are a gap too.
 *  - End: after FIN in both directions with every byte before each FIN
 *    delivered (with holes left it waits for retransmissions), RST,
 *    idle longer than idle_timeout, or flush, close is called once and
 *    the connection forgotten. A SYN on a closed key starts a new one.
 *  - Sequence numbers wrap (RFC 9293 3.4); a segment more than 1 GiB away
 *    from the next expected byte is treated as from another incarnation
 *    and counted in stats.out_of_window, not buffered.
 */
#ifndef NLRS_REASM_H
#define NLRS_REASM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "nlrs/packet.h"

#ifdef __cplusplus
extern "C" {
#endif

enum nlrs_reasm_dir { NLRS_REASM_C2S = 0, NLRS_REASM_S2C = 1 };

enum nlrs_reasm_end {
	NLRS_REASM_END_FIN = 1,  /* both sides finished */
	NLRS_REASM_END_RST,
	NLRS_REASM_END_IDLE,     /* idle_timeout passed (nlrs_reasm_expire or add) */
	NLRS_REASM_END_FLUSH,    /* nlrs_reasm_flush_all / nlrs_reasm_free */
	NLRS_REASM_END_EVICT,    /* max_conns reached: the least recently used went */
};

#define NLRS_REASM_F_SYN 0x01       /* SYN seen in this direction */
#define NLRS_REASM_F_FIN 0x02       /* FIN seen */
#define NLRS_REASM_F_RST 0x04
#define NLRS_REASM_F_MIDSTREAM 0x08 /* started without a SYN */

/* What callbacks see of a connection. The library owns it; `user` is
 * the caller's (set it in open, free what it points to in close). */
struct nlrs_reasm_stream {
	struct nlrs_flow_key key;     /* as sent by the client */
	uint8_t dflags[2];            /* NLRS_REASM_F_* per direction */
	uint64_t delivered[2];        /* bytes handed to the data callback */
	uint64_t gap_bytes[2];        /* bytes skipped as holes */
	uint64_t first_ts, last_ts;   /* timestamps given to add */
	void *user;
};

struct nlrs_reasm_stats {
	uint64_t segments;            /* TCP segments taken in */
	uint64_t not_tcp;             /* packets given with no TCP layer (or unreadable) */
	uint64_t conns, closed, evicted;
	uint64_t delivered_bytes;
	uint64_t dup_bytes;           /* retransmitted bytes dropped */
	uint64_t overlap_conflicts;   /* of those, bytes that differed from the first copy */
	uint64_t ooo_segments;        /* segments buffered out of order */
	uint64_t gaps, gap_bytes;
	uint64_t out_of_window;
	uint64_t buffered_now, buffered_peak; /* out-of-order bytes held */
};

struct nlrs_reasm_config {
	uint32_t max_conns;           /* default 65536 */
	uint32_t max_buffered_per_dir; /* default 1 MiB of out-of-order bytes */
	uint64_t max_buffered_total;  /* default 64 MiB */
	uint64_t idle_timeout;        /* in the caller's time unit; default 120 s in us; 0 = never */
	void *ctx;
	/* A new connection (before its first data). May set s->user. */
	void (*open)(void *ctx, struct nlrs_reasm_stream *s);
	/* In-order bytes of one direction: gap bytes were lost before p
	 * (0 normally); len may be 0 (p NULL) when only a gap is reported,
	 * at close. Callbacks must not call into the reassembler. */
	void (*data)(void *ctx, struct nlrs_reasm_stream *s, enum nlrs_reasm_dir dir,
		     const uint8_t *p, size_t len, uint64_t gap);
	/* The connection ends (once); s is freed after this returns. */
	void (*close)(void *ctx, struct nlrs_reasm_stream *s, enum nlrs_reasm_end why);
};

void nlrs_reasm_config_default(struct nlrs_reasm_config *c);

struct nlrs_reasm;

/* NULL on allocation failure or a zero cap. The config is copied. */
struct nlrs_reasm *nlrs_reasm_new(const struct nlrs_reasm_config *c);
/* Take one decoded packet (its outermost TCP layer outside quotes; the
 * payload is the captured part, and a capture cut short in the payload
 * leaves a gap of the missing bytes). ts: the caller's monotonic time,
 * used for idle expiry. Returns 1 if it was TCP and taken, 0 if it was
 * not TCP (or its TCP header was unreadable), -NLRS_ENOMEM. Callbacks
 * run inside this call. */
int nlrs_reasm_add(struct nlrs_reasm *ra, const struct nlrs_pkt *pkt, uint64_t ts);
/* The same from parts (for fast-path users): key as sent (src->dst). */
int nlrs_reasm_add_segment(struct nlrs_reasm *ra, const struct nlrs_flow_key *key, uint32_t seq,
			   uint16_t tcp_flags, const uint8_t *payload, size_t len, size_t missing,
			   uint64_t ts);
/* Close connections idle since before now - idle_timeout. */
void nlrs_reasm_expire(struct nlrs_reasm *ra, uint64_t now);
/* Deliver what is buffered (skipping holes) and close every connection. */
void nlrs_reasm_flush_all(struct nlrs_reasm *ra);
size_t nlrs_reasm_conns(const struct nlrs_reasm *ra);
void nlrs_reasm_get_stats(const struct nlrs_reasm *ra, struct nlrs_reasm_stats *st);
/* flush_all, then free everything. NULL is fine. */
void nlrs_reasm_free(struct nlrs_reasm *ra);

#ifdef __cplusplus
}
#endif
#endif
