/* SPDX-License-Identifier: BSD-2-Clause */
/* TFTP packets (RFC 1350 5) and option extension (RFC 2347). */
#ifndef NLRS_WIRE_TFTP_H
#define NLRS_WIRE_TFTP_H

#include "wire.h"

#define NLRS_TFTP_PORT 69
#define NLRS_TFTP_RRQ 1
#define NLRS_TFTP_WRQ 2
#define NLRS_TFTP_DATA 3
#define NLRS_TFTP_ACK 4
#define NLRS_TFTP_ERROR 5
#define NLRS_TFTP_OACK 6

struct nlrs_tftp_pkt {
	uint16_t opcode;
	const uint8_t *file, *mode;  /* RRQ/WRQ, without their NUL */
	uint16_t file_len, mode_len;
	const uint8_t *opts;         /* RRQ/WRQ/OACK option area (NUL-terminated pairs) */
	uint16_t optlen;
	uint16_t block;              /* DATA, ACK */
	const uint8_t *data;         /* DATA */
	uint16_t data_len;
	uint16_t err_code;           /* ERROR */
	const uint8_t *msg;          /* ERROR text without NUL */
	uint16_t msg_len;
};

/* Parse p[0..len). Returns len, or NLRS_WIRE_SHORT (fewer than 4 bytes,
 * or a string without its terminating NUL), NLRS_WIRE_BAD_FORMAT (opcode
 * outside 1-6), NLRS_WIRE_BAD_OPTION (an option name without a value).
 * DATA longer than 512 bytes is not refused (RFC 2348 blksize). */
int nlrs_tftp_parse(const uint8_t *p, size_t len, struct nlrs_tftp_pkt *t);

/* Cursor over option pairs: 1 with name/value (without NULs), 0 at the
 * end, NLRS_WIRE_BAD_OPTION (a name or value without NUL). */
int nlrs_tftp_opt_next(const uint8_t *opts, size_t len, size_t *off, const uint8_t **name,
		       uint16_t *name_len, const uint8_t **value, uint16_t *value_len);

#endif
