/* SPDX-License-Identifier: BSD-2-Clause */
/* Telnet commands and option negotiation in a data stream (RFC 854,
 * RFC 855). */
#ifndef NLRS_WIRE_TELNET_H
#define NLRS_WIRE_TELNET_H

#include "wire.h"

#define NLRS_TELNET_SE 240
#define NLRS_TELNET_SB 250
#define NLRS_TELNET_WILL 251
#define NLRS_TELNET_WONT 252
#define NLRS_TELNET_DO 253
#define NLRS_TELNET_DONT 254
#define NLRS_TELNET_IAC 255

struct nlrs_telnet_cmd {
	uint8_t cmd;          /* 240..254 */
	uint8_t opt;          /* WILL/WONT/DO/DONT/SB */
	const uint8_t *sb;    /* SB: parameters up to IAC SE (doubled IACs left doubled) */
	uint16_t sb_len;
	uint32_t off;         /* offset of the IAC */
	uint32_t len;         /* bytes of the whole command */
};

/* Cursor over p[0..len): skips data bytes (counted in *data, which may
 * be NULL) and returns 1 for the next command, 0 at the end. A command
 * cut by the end of p (IAC alone, IAC DO without option, SB without IAC
 * SE) is NLRS_WIRE_SHORT - in a stream it may continue in the next
 * segment; an unknown command code (below 240) is NLRS_WIRE_BAD_FORMAT.
 * IAC IAC is a data byte 255. */
int nlrs_telnet_next(const uint8_t *p, size_t len, size_t *off, struct nlrs_telnet_cmd *c,
		     uint32_t *data);

#endif
