/* SPDX-License-Identifier: BSD-2-Clause */
/* TCP header (RFC 9293 3.1), options (RFC 9293 3.2, RFC 7323, RFC 2018,
 * RFC 7413) and sequence-number arithmetic (RFC 9293 3.4). */
#ifndef NLRS_WIRE_TCP_H
#define NLRS_WIRE_TCP_H

#include "wire.h"

#define NLRS_TCP_HLEN 20
#define NLRS_TCP_MAX_HLEN 60
#define NLRS_TCP_MAX_OPTLEN 40

/* Control bits (RFC 9293 3.1, RFC 3168 6.1 for ECE and CWR). NS (RFC 3540)
 * is historic (RFC 8311); the bit is kept as found, for AccECN's AE. */
#define NLRS_TCP_FIN 0x001
#define NLRS_TCP_SYN 0x002
#define NLRS_TCP_RST 0x004
#define NLRS_TCP_PSH 0x008
#define NLRS_TCP_ACK 0x010
#define NLRS_TCP_URG 0x020
#define NLRS_TCP_ECE 0x040
#define NLRS_TCP_CWR 0x080
#define NLRS_TCP_NS 0x100
#define NLRS_TCP_FLAGS_MASK 0x1ff

/* Option kinds (IANA "TCP Option Kind Numbers"). */
#define NLRS_TCPOPT_EOL 0       /* RFC 9293 3.2 */
#define NLRS_TCPOPT_NOP 1       /* RFC 9293 3.2 */
#define NLRS_TCPOPT_MSS 2       /* RFC 9293 3.2, length 4 */
#define NLRS_TCPOPT_WSCALE 3    /* RFC 7323 2.2, length 3 */
#define NLRS_TCPOPT_SACK_PERM 4 /* RFC 2018 2, length 2 */
#define NLRS_TCPOPT_SACK 5      /* RFC 2018 3, length 2 + 8n */
#define NLRS_TCPOPT_TS 8        /* RFC 7323 3.2, length 10 */
#define NLRS_TCPOPT_MD5 19      /* RFC 2385, length 18 */
#define NLRS_TCPOPT_AO 29       /* RFC 5925 2.2, length >= 4 */
#define NLRS_TCPOPT_FASTOPEN 34 /* RFC 7413 4.1.1, length 2 + cookie */
#define NLRS_TCPOPT_EXP1 253    /* RFC 6994, 16-bit ExID follows the length */
#define NLRS_TCPOPT_EXP2 254
#define NLRS_TCPOPT_EXID_FASTOPEN 0xf989 /* pre-RFC 7413 TFO, RFC 7413 4.1.1 */

#define NLRS_TCP_MAX_WSCALE 14  /* RFC 7323 2.3 */
#define NLRS_TCP_MAX_SACK 4     /* blocks that fit in 40 bytes (RFC 2018 3) */
#define NLRS_TCP_FASTOPEN_MIN 4 /* cookie bytes, RFC 7413 4.1.1 */
#define NLRS_TCP_FASTOPEN_MAX 16

struct nlrs_tcp_hdr {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t hlen;    /* bytes, 20..60 (data offset * 4); ignored by emit */
	uint16_t flags;  /* NLRS_TCP_FIN ... NLRS_TCP_NS; reserved bits dropped */
	uint16_t window; /* as found, unscaled */
	uint16_t csum;   /* as found (parse), as given (emit) */
	uint16_t urg;
	const uint8_t *opts; /* inside the parsed buffer; NULL if none */
	uint8_t optlen;      /* hlen - 20 */
};

/* Options of one segment, host order. Absent options are false/0. */
struct nlrs_tcp_opts {
	bool has_mss;
	uint16_t mss;
	bool has_wscale;
	uint8_t wscale; /* clamped to 14 (RFC 7323 2.3) */
	bool sack_ok;   /* SACK-permitted seen */
	bool has_ts;
	uint32_t tsval, tsecr;
	uint8_t nsack; /* SACK blocks, 0..4 */
	struct {
		uint32_t left, right;
	} sack[NLRS_TCP_MAX_SACK];
	bool has_md5, has_ao;    /* seen, not interpreted */
	bool has_fastopen;       /* a TFO option (kind 34 or experimental 0xf989) */
	uint8_t fastopen_len;    /* cookie bytes; 0 = cookie request */
	const uint8_t *fastopen; /* the cookie, inside the parsed area; NULL if none */
};

/* Parse a received segment's header: len >= 20, data offset >= 5 words
 * and <= len, options well formed (nlrs_tcp_opts_check). Returns hlen or
 * NLRS_WIRE_SHORT, NLRS_WIRE_BAD_HLEN, NLRS_WIRE_BAD_OPTION; *h is written
 * only on success. The checksum is the caller's (it covers the IPv4/IPv6
 * pseudo-header and a payload that may be chained). Bytes past the header
 * are the payload, whose length only the IP layer knows. */
int nlrs_tcp_parse(const uint8_t *p, size_t len, struct nlrs_tcp_hdr *h);

/* Read the options area opts[0..len) into *o (written only on success).
 * EOL ends the list, NOP is one byte; every other option needs a length
 * byte >= 2 that stays inside the area, and the kinds this view knows must
 * have their fixed length (MSS 4, WS 3, SACK-perm 2, TS 10, SACK 2 + 8n
 * with n 1..4). Unknown kinds are skipped by their length. Where an option
 * appears twice the first one wins. Returns 0 or NLRS_WIRE_BAD_OPTION. */
int nlrs_tcp_opts_parse(const uint8_t *opts, size_t len, struct nlrs_tcp_opts *o);

/* The checks of nlrs_tcp_opts_parse without the output. 0 or
 * NLRS_WIRE_BAD_OPTION. */
int nlrs_tcp_opts_check(const uint8_t *opts, size_t len);

/* Write a header of 20 + h->optlen bytes, options copied from h->opts
 * (which may alias p + 20). h->hlen is ignored; h->csum is written as
 * given (compute it over pseudo-header and segment afterwards). Returns the
 * header length, NLRS_WIRE_NOSPACE, NLRS_WIRE_BAD_OPTION (optlen not a
 * multiple of 4, over 40, or no opts pointer) or NLRS_WIRE_BAD_FORMAT
 * (flags outside NLRS_TCP_FLAGS_MASK). */
int nlrs_tcp_emit(uint8_t *p, size_t len, const struct nlrs_tcp_hdr *h);

/* Write the options of *o in the order and packing Linux uses (MSS;
 * SACK-perm,TS or NOP,NOP,TS; NOP,NOP,SACK-perm without TS; NOP,WS;
 * NOP,NOP,SACK blocks; TFO cookie padded with NOPs), a multiple of 4 bytes.
 * MD5 and AO are not written (has_md5/has_ao are ignored). Returns the
 * length (0..40), NLRS_WIRE_BAD_FORMAT (more than 40 bytes, wscale > 14,
 * nsack > 4, a cookie length outside 0 or 4..16, or a cookie with no
 * pointer) or NLRS_WIRE_NOSPACE. Nothing is written on error. */
int nlrs_tcp_opts_emit(uint8_t *p, size_t len, const struct nlrs_tcp_opts *o);

/* tcpdump's flag letters (FSRP.UEWe order; "none" for no flags) into buf,
 * which holds at least NLRS_TCP_FLAGS_STRLEN bytes. Returns buf. */
#define NLRS_TCP_FLAGS_STRLEN 10
char *nlrs_tcp_flags_str(uint16_t flags, char *buf);

/*
 * Sequence-number comparisons modulo 2^32 (RFC 9293 3.4, RFC 1982): a is
 * "before" b when b - a, taken mod 2^32, is in 1..2^31-1. Numbers exactly
 * 2^31 apart have no order; lt() then holds both ways, as Linux's before().
 */
static inline bool nlrs_seq_lt(uint32_t a, uint32_t b)
{
	return (uint32_t)(a - b) >= 0x80000000u;
}
static inline bool nlrs_seq_leq(uint32_t a, uint32_t b)
{
	return a == b || nlrs_seq_lt(a, b);
}
static inline bool nlrs_seq_gt(uint32_t a, uint32_t b)
{
	return nlrs_seq_lt(b, a);
}
static inline bool nlrs_seq_geq(uint32_t a, uint32_t b)
{
	return a == b || nlrs_seq_lt(b, a);
}
/* lo <= s <= hi in sequence space, both ends included: true when s lies on
 * the arc that starts at lo and runs forward hi - lo (mod 2^32) numbers,
 * so any window below 2^32 works. RFC 9293 3.10.7.4's half-open tests
 * (RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND) pass hi - 1; a zero window
 * then wraps to the whole space, so it keeps the RFC's own test. */
static inline bool nlrs_seq_between(uint32_t s, uint32_t lo, uint32_t hi)
{
	return (uint32_t)(s - lo) <= (uint32_t)(hi - lo);
}

#endif
