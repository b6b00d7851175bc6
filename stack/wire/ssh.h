/* SPDX-License-Identifier: BSD-2-Clause */
/* The SSH identification string (RFC 4253 4.2). */
#ifndef NLRS_WIRE_SSH_H
#define NLRS_WIRE_SSH_H

#include "wire.h"

#define NLRS_SSH_MAX_BANNER 255 /* RFC 4253 4.2, CR LF included */

struct nlrs_ssh_banner {
	const uint8_t *proto, *software, *comments;
	uint16_t proto_len, software_len, comments_len;
	uint16_t len; /* the line with its CR LF (or LF) */
};

/* "SSH-" protoversion "-" softwareversion [SP comments] CR LF at p.
 * Returns the line length, NLRS_WIRE_SHORT (no line end yet within 255
 * bytes, or fewer than 4 bytes), or NLRS_WIRE_BAD_FORMAT (not "SSH-",
 * no "-" after the version, an empty version, control characters, or no
 * line end within 255 bytes). A bare LF ends the line too (RFC 4253 4.2
 * allows it for compatibility). */
int nlrs_ssh_banner_parse(const uint8_t *p, size_t len, struct nlrs_ssh_banner *b);

#endif
