/* SPDX-License-Identifier: BSD-2-Clause */
/* DNS messages (RFC 1035 4.1): header, names with compression
 * (RFC 1035 4.1.4) read with loop protection, question and resource
 * record walk. */
#ifndef NLRS_WIRE_DNS_H
#define NLRS_WIRE_DNS_H

#include "wire.h"

#define NLRS_DNS_HLEN 12
#define NLRS_DNS_MAX_NAME 255   /* RFC 1035 2.3.4: octets of a name on the wire */
#define NLRS_DNS_MAX_LABELS 128 /* a 255-octet name holds at most 127 labels + root */
/* Error beyond enum nlrs_wire_err: a compression pointer that does not
 * point strictly before the previous one (a loop, or a way to build one),
 * or a name longer than NLRS_DNS_MAX_NAME / NLRS_DNS_MAX_LABELS. */
#define NLRS_WIRE_LOOP (-9)

/* Header flag bits (RFC 1035 4.1.1, RFC 4035 3.2 AD/CD) */
#define NLRS_DNS_QR 0x8000
#define NLRS_DNS_AA 0x0400
#define NLRS_DNS_TC 0x0200
#define NLRS_DNS_RD 0x0100
#define NLRS_DNS_RA 0x0080
#define NLRS_DNS_AD 0x0020
#define NLRS_DNS_CD 0x0010

struct nlrs_dns_hdr {
	uint16_t id, flags;
	uint16_t qdcount, ancount, nscount, arcount;
};

/* len >= 12; returns 12 or NLRS_WIRE_SHORT. */
int nlrs_dns_parse(const uint8_t *p, size_t len, struct nlrs_dns_hdr *h);
int nlrs_dns_emit(uint8_t *p, size_t len, const struct nlrs_dns_hdr *h);

static inline uint8_t nlrs_dns_opcode(uint16_t flags) { return (uint8_t)(flags >> 11 & 0xf); }
static inline uint8_t nlrs_dns_rcode(uint16_t flags) { return (uint8_t)(flags & 0xf); }

/* Step over the name at msg[off]: *end is set to the offset just after
 * it as it sits in place (after its root label or its first pointer).
 * Every pointer is followed to check the whole name reads. Returns 0,
 * NLRS_WIRE_SHORT (runs past len), NLRS_WIRE_BAD_FORMAT (label types 01
 * and 10, RFC 6891 / RFC 2673) or NLRS_WIRE_LOOP. */
int nlrs_dns_name_skip(const uint8_t *msg, size_t len, size_t off, size_t *end);

/* The name at msg[off] as text: labels joined by '.', "." for the root;
 * printable ASCII kept except '.' and '\' (written "\." and "\\"), other
 * octets as "\DDD". Writes at most outlen bytes including the NUL (out
 * may be NULL when outlen is 0). Returns the full text length, or an
 * error of nlrs_dns_name_skip. */
int nlrs_dns_name_text(const uint8_t *msg, size_t len, size_t off, char *out, size_t outlen);

enum { NLRS_DNS_SEC_QD, NLRS_DNS_SEC_AN, NLRS_DNS_SEC_NS, NLRS_DNS_SEC_AR };

struct nlrs_dns_rr {
	uint8_t section;
	uint16_t name_off;
	uint16_t type, rclass;
	uint32_t ttl;
	uint16_t rdlen;
	uint16_t rdata_off;    /* 0 for questions */
};

/* Cursor: *off (0 to start: then the walk begins after the header) and
 * *idx (0) name the next record. Returns 1 with *rr, 0 after the last
 * record the header counts, or an error (a name that does not read, a
 * record or its rdata running past len: NLRS_WIRE_SHORT); the walk
 * should stop at the first error. len is the message length (at most
 * 65535). */
int nlrs_dns_rr_next(const uint8_t *msg, size_t len, const struct nlrs_dns_hdr *h, size_t *off,
		     uint32_t *idx, struct nlrs_dns_rr *rr);

#endif
