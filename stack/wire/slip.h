/* SPDX-License-Identifier: BSD-2-Clause */
/* libpcap's SLIP pseudo-header (LINKTYPE_SLIP): direction, and the CSLIP
 * (RFC 1144) header area, 16 bytes before the IP datagram. */
#ifndef NLRS_WIRE_SLIP_H
#define NLRS_WIRE_SLIP_H

#include "wire.h"

#define NLRS_SLIP_HLEN 16
#define NLRS_SLIP_CHDR_LEN 15
#define NLRS_SLIP_DIR_IN 0
#define NLRS_SLIP_DIR_OUT 1
/* Packet types (RFC 1144 3.2, the high bits of the first CSLIP byte). */
#define NLRS_SLIP_TYPE_IP 0x40
#define NLRS_SLIP_TYPE_UNCOMPRESSED_TCP 0x70
#define NLRS_SLIP_TYPE_COMPRESSED_TCP 0x80

struct nlrs_slip_hdr {
	uint8_t dir;           /* as found: 0 in, 1 out */
	uint8_t type;          /* first CSLIP byte & 0xf0 (0x80 and up: compressed TCP) */
	const uint8_t *chdr;   /* the 15-byte CSLIP area, inside the parsed buffer */
};

/* Returns 16 or NLRS_WIRE_SHORT. */
int nlrs_slip_parse(const uint8_t *p, size_t len, struct nlrs_slip_hdr *h);
/* Write dir, then the 15 bytes at chdr (zeros if NULL) with the first
 * byte's high nibble set to type. Returns 16 or NLRS_WIRE_NOSPACE. */
int nlrs_slip_emit(uint8_t *p, size_t len, uint8_t dir, uint8_t type, const uint8_t *chdr);

#endif
