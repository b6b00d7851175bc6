/* SPDX-License-Identifier: BSD-2-Clause */
/* TLS (RFC 8446 5.1, RFC 5246 6.2) and SSL 3.0 records, handshake
 * message headers (RFC 8446 4), and the ClientHello/ServerHello fields a
 * capture reader wants: SNI (RFC 6066 3), ALPN (RFC 7301 3.1),
 * supported_versions (RFC 8446 4.2.1). */
#ifndef NLRS_WIRE_TLS_H
#define NLRS_WIRE_TLS_H

#include "wire.h"

#define NLRS_TLS_RECORD_HLEN 5
#define NLRS_TLS_MAX_RECORD (16384 + 2048) /* RFC 5246 6.2.3: TLSCiphertext bound */
#define NLRS_TLS_HS_HLEN 4

#define NLRS_TLS_CCS 20
#define NLRS_TLS_ALERT 21
#define NLRS_TLS_HANDSHAKE 22
#define NLRS_TLS_APPDATA 23
#define NLRS_TLS_HEARTBEAT 24

#define NLRS_TLS_CLIENT_HELLO 1
#define NLRS_TLS_SERVER_HELLO 2

struct nlrs_tls_record {
	uint8_t type;
	uint16_t version;
	uint16_t length;
	const uint8_t *frag;  /* body in the buffer */
	uint16_t flen;        /* body bytes present (< length when cut) */
	bool cut;
};

/* Cursor over records in p[0..len) (captured) of a stream segment whose
 * claimed size is wire_len (>= len). *off starts at 0. A record header
 * must have type 20-24, major version 3, and a length <=
 * NLRS_TLS_MAX_RECORD (NLRS_WIRE_BAD_FORMAT / NLRS_WIRE_BAD_LEN). A record
 * running past len is returned once with cut set, then the walk ends; so
 * does a header cut short (NLRS_WIRE_SHORT when even the header is cut).
 * Returns 1, 0 at the end, or the error. */
int nlrs_tls_record_next(const uint8_t *p, size_t len, size_t *off, struct nlrs_tls_record *r);

/* The cheap heuristic: a valid record header at p. */
bool nlrs_tls_looks(const uint8_t *p, size_t len);

struct nlrs_tls_hello {
	uint8_t hs_type;
	uint32_t hs_len;
	bool hello;              /* a ClientHello or ServerHello body was read */
	uint16_t version;        /* legacy_version */
	uint16_t ncipher_suites; /* ClientHello */
	uint16_t cipher_suite;   /* ServerHello */
	const uint8_t *sni;      /* first host_name entry */
	uint16_t sni_len;
	const uint8_t *alpn;     /* ProtocolNameList contents */
	uint16_t alpn_len;
	uint16_t supported_version; /* ClientHello: highest non-GREASE offered; ServerHello: selected */
	bool cut;                /* the message runs past the bytes given */
};

/* Read the handshake message at p[0..len) (the body of a handshake
 * record, possibly cut): its header, and for Client/ServerHello the
 * fields above as far as they were captured. Every inner length is
 * checked against its container (NLRS_WIRE_BAD_LEN) - lies found in the
 * part that is there are errors, a cut is not. Returns 4 + the bytes
 * read, or NLRS_WIRE_SHORT (fewer than 4 bytes). */
int nlrs_tls_hs_parse(const uint8_t *p, size_t len, struct nlrs_tls_hello *h);

#endif
