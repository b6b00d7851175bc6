/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to netdev/: the SLIP byte-stream codec (RFC 1055, slip_codec.c)
 * and the Van Jacobson TCP/IP header compressor (RFC 1144, cslip.c), both
 * pure (no OS calls, no allocation) so that unit tests and the fuzz
 * harnesses drive them without a device. slip.c puts them on a file
 * descriptor.
 *
 * The packet-type values are those of RFC 1144 3.2, the same numbers as
 * NLRS_SLIP_TYPE_* in stack/wire/slip.h (libpcap's SLIP pseudo-header):
 * netdev/ may not include the core's wire headers, so the unit test
 * test_cslip.c checks the two agree.
 */
#ifndef NLRS_SLIP_PRIV_H
#define NLRS_SLIP_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 1055 special characters */
#define NLRS__SLIP_END 0300     /* 0xc0: frame end (sent at both ends) */
#define NLRS__SLIP_ESC 0333     /* 0xdb: escape */
#define NLRS__SLIP_ESC_END 0334 /* 0xdc: ESC ESC_END stands for a data END */
#define NLRS__SLIP_ESC_ESC 0335 /* 0xdd: ESC ESC_ESC stands for a data ESC */

/* RFC 1055: "the maximum size of a SLIP packet is 1006 bytes" (Berkeley) */
#define NLRS__SLIP_MTU_DEFAULT 1006u

/* ---- framing (slip_codec.c) ---- */

struct nlrs__slip_rx_stats {
	uint64_t frames;      /* complete frames handed out */
	uint64_t bytes;       /* bytes of those frames (decoded) */
	uint64_t oversize;    /* frames longer than the buffer: dropped */
	uint64_t bad_escape;  /* ESC followed by neither ESC_END nor ESC_ESC */
	uint64_t runt;        /* frames shorter than an IPv4 header */
	uint64_t empty;       /* END END: nothing between (not an error) */
};

enum nlrs__slip_rx_state {
	NLRS__SLIP_RX_DATA = 0, /* inside a frame */
	NLRS__SLIP_RX_ESC,      /* the previous byte was ESC */
	NLRS__SLIP_RX_DISCARD,  /* after an error: skip to the next END */
};

/* Incremental decoder: bytes in, frames out. Frames are decoded into the
 * caller's buffer buf[0..cap); a frame longer than cap is dropped and
 * counted, and so is a frame with a bad escape; decoding resumes at the
 * next END (RFC 1055 has no other resynchronisation point). */
struct nlrs__slip_rx {
	uint8_t *buf;
	size_t cap;
	size_t len;
	enum nlrs__slip_rx_state state;
	size_t min_frame; /* shorter frames are runts (default 20, IPv4's header) */
	struct nlrs__slip_rx_stats st;
};

void nlrs__slip_rx_init(struct nlrs__slip_rx *rx, uint8_t *buf, size_t cap);

/* Feed in[0..len). Stops after the first complete frame: returns the bytes
 * consumed and sets *frame_len to the frame's length (the frame is in
 * rx->buf, valid until the next call), or consumes everything and sets
 * *frame_len to 0. *errors (may be NULL) gets the number of frames lost to
 * framing errors during this call (the caller tells CSLIP, RFC 1144 4.2). */
size_t nlrs__slip_rx_feed(struct nlrs__slip_rx *rx, const uint8_t *in, size_t len,
			  size_t *frame_len, unsigned *errors);

/* Most bytes nlrs__slip_encode writes for a len-byte frame. */
#define NLRS__SLIP_ENCODED_MAX(len) (2u * (size_t)(len) + 2u)

/* Encode one frame: END, the bytes with END and ESC escaped, END
 * (RFC 1055: the leading END flushes line noise at the receiver). Returns
 * the encoded length, or 0 if out[0..cap) is too small. */
size_t nlrs__slip_encode(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

/* ---- CSLIP (cslip.c) ---- */

#define NLRS__CSLIP_TYPE_IP 0x40               /* RFC 1144 3.2 */
#define NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP 0x70
#define NLRS__CSLIP_TYPE_COMPRESSED_TCP 0x80
#define NLRS__CSLIP_TYPE_ERROR 0x00            /* a bad packet: nothing to send */

#define NLRS__CSLIP_SLOTS 16   /* connection states each way (RFC 1144 3.2.2: 3..256) */
#define NLRS__CSLIP_MAX_HDR 128 /* IP + TCP header, options included (RFC 1144 A.1) */

struct nlrs__cslip_slot {
	uint8_t hdr[NLRS__CSLIP_MAX_HDR];
	uint8_t hlen;
	bool valid;
	uint32_t lru; /* compressor: use stamp */
};

struct nlrs__cslip_stats {
	uint64_t tx_ip, tx_uncompressed, tx_compressed;
	uint64_t tx_searches, tx_misses; /* slot look-ups, and those that took a new slot */
	uint64_t rx_ip, rx_uncompressed, rx_compressed;
	uint64_t rx_errors; /* bad packets: unknown slot, truncated, bad type */
	uint64_t rx_tossed; /* compressed packets discarded while in toss state (4.2) */
};

struct nlrs__cslip {
	struct nlrs__cslip_slot tx[NLRS__CSLIP_SLOTS];
	struct nlrs__cslip_slot rx[NLRS__CSLIP_SLOTS];
	uint32_t tx_clock;
	uint8_t last_xmit; /* slot of the last packet sent (0xff: none) */
	uint8_t last_recv; /* slot of the last packet received (0xff: none) */
	bool toss;         /* RFC 1144 4.2: discard until a C bit or UNCOMPRESSED_TCP */
	bool no_cid_compress; /* always send the C bit */
	struct nlrs__cslip_stats st;
};

void nlrs__cslip_init(struct nlrs__cslip *c);

/* Compress the IPv4 datagram pkt[0..len) in place. Returns the packet
 * type and sets *off: the packet to send is pkt[*off..len) (a compressed
 * header is written just before the payload). TYPE_IP: unchanged.
 * UNCOMPRESSED_TCP: the protocol field holds the slot, the first byte's
 * high nibble is 7. */
uint8_t nlrs__cslip_compress(struct nlrs__cslip *c, uint8_t *pkt, size_t len, size_t *off);

/* Rebuild one received packet in[0..len). On success returns 0, writes the
 * rebuilt IP+TCP header to hdr (NLRS__CSLIP_MAX_HDR bytes) and its length
 * to *hlen, and *payload_off: the datagram is hdr[0..*hlen) followed by
 * in[*payload_off..len). For TYPE_IP *hlen is 0 and *payload_off 0.
 * -1: a bad packet (counted; the state now tosses compressed packets until
 * a fresh reference, RFC 1144 4.2); -2: tossed while in that state. */
int nlrs__cslip_uncompress(struct nlrs__cslip *c, const uint8_t *in, size_t len, uint8_t *hdr,
			   size_t *hlen, size_t *payload_off);

/* The framer lost a frame (framing error, overrun): RFC 1144 4.2 says the
 * decompressor must discard until the next explicit connection number. */
void nlrs__cslip_toss(struct nlrs__cslip *c);

#endif
