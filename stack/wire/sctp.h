/* SPDX-License-Identifier: BSD-2-Clause */
/* SCTP common header and chunks (RFC 9260 3), the CRC32c checksum
 * (RFC 9260 6.8, appendix A). */
#ifndef NLRS_WIRE_SCTP_H
#define NLRS_WIRE_SCTP_H

#include "wire.h"

#define NLRS_SCTP_HLEN 12
#define NLRS_SCTP_CHUNK_HLEN 4

/* Chunk types (RFC 9260 3.2) */
#define NLRS_SCTP_DATA 0
#define NLRS_SCTP_INIT 1
#define NLRS_SCTP_INIT_ACK 2
#define NLRS_SCTP_SACK 3
#define NLRS_SCTP_HEARTBEAT 4
#define NLRS_SCTP_HEARTBEAT_ACK 5
#define NLRS_SCTP_ABORT 6
#define NLRS_SCTP_SHUTDOWN 7
#define NLRS_SCTP_SHUTDOWN_ACK 8
#define NLRS_SCTP_ERROR 9
#define NLRS_SCTP_COOKIE_ECHO 10
#define NLRS_SCTP_COOKIE_ACK 11
#define NLRS_SCTP_SHUTDOWN_COMPLETE 14

struct nlrs_sctp_hdr {
	uint16_t sport, dport;
	uint32_t vtag;
	uint32_t csum;   /* the field's four octets read big-endian */
};

/* len >= 12; returns 12 or NLRS_WIRE_SHORT. */
int nlrs_sctp_parse(const uint8_t *p, size_t len, struct nlrs_sctp_hdr *h);
int nlrs_sctp_emit(uint8_t *p, size_t len, const struct nlrs_sctp_hdr *h);

struct nlrs_sctp_chunk {
	uint8_t type, flags;
	uint16_t len;          /* length field: header + value, no padding */
	const uint8_t *value;  /* after the chunk header; NULL when empty */
	uint16_t vlen;         /* value bytes present (len - 4, or fewer if cut) */
	bool cut;              /* the chunk runs past the data given (truncated capture) */
	/* filled for the types below when their fixed fields are present */
	uint32_t tsn;          /* DATA */
	uint16_t stream, ssn;
	uint32_t ppid;
	uint32_t init_tag, a_rwnd; /* INIT, INIT ACK; a_rwnd also SACK */
	uint16_t n_out, n_in;
	uint32_t init_tsn;
	uint32_t cum_tsn;      /* SACK */
	uint16_t ngaps, ndups;
};

/* Cursor over the chunks after the common header: chunks = the bytes
 * after it, len = how many were captured, wire_len = how many the packet
 * had (>= len). *off starts at 0. Returns 1 with *c filled, 0 at the end,
 * or an error (off then len): NLRS_WIRE_BAD_LEN (chunk length below 4,
 * or past wire_len), NLRS_WIRE_BAD_FORMAT (a DATA, INIT, INIT ACK or SACK
 * chunk whose length is below its fixed fields, or a SACK whose gap and
 * duplicate counts run past it). A chunk cut by the capture is returned
 * once with cut set, then the walk ends. The next chunk starts at the
 * length rounded up to 4 (RFC 9260 3.2). */
int nlrs_sctp_chunk_next(const uint8_t *chunks, size_t len, size_t wire_len, size_t *off,
			 struct nlrs_sctp_chunk *c);

/* CRC32c (Castagnoli) update over p[0..len); start with 0xffffffff. */
uint32_t nlrs_crc32c(uint32_t crc, const uint8_t *p, size_t len);
/* The checksum of a whole SCTP packet p[0..len) (len >= 12) computed
 * with its checksum field taken as zero, in the form struct
 * nlrs_sctp_hdr.csum holds (the four octets as written, read
 * big-endian). */
uint32_t nlrs_sctp_csum(const uint8_t *p, size_t len);

#endif
