/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * telnet.c - Telnet command sequences.
 *
 * Implements: RFC 854 "TELNET COMMAND STRUCTURE": IAC (255) followed by a
 * command; WILL/WONT/DO/DONT take an option code (RFC 855); SB opens
 * subnegotiation parameters closed by IAC SE (RFC 855); IAC IAC stands
 * for a data byte 255.
 * Does not implement: the option negotiation state machine (RFC 1143),
 * NVT character handling, option-specific parameter formats.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "telnet.h"

int nlrs_telnet_next(const uint8_t *p, size_t len, size_t *off, struct nlrs_telnet_cmd *c,
		     uint32_t *data)
{
	size_t i = *off;
	uint32_t d = 0;
	int r = 0;

	while (i < len) {
		uint8_t cmd;

		if (p[i] != NLRS_TELNET_IAC) {
			i++;
			d++;
			continue;
		}
		/* A lone IAC at the end: the command is in the next segment. */
		if (len - i < 2) {
			r = NLRS_WIRE_SHORT;
			i = len;
			break;
		}
		cmd = p[i + 1];
		if (cmd == NLRS_TELNET_IAC) { /* escaped data byte */
			i += 2;
			d++;
			continue;
		}
		/* RFC 854: command codes are 240..255. */
		if (cmd < NLRS_TELNET_SE) {
			r = NLRS_WIRE_BAD_FORMAT;
			i = len;
			break;
		}
		nlrs_memset(c, 0, sizeof *c);
		c->cmd = cmd;
		c->off = (uint32_t)i;
		if (cmd >= NLRS_TELNET_WILL) {
			if (len - i < 3) {
				r = NLRS_WIRE_SHORT;
				i = len;
				break;
			}
			c->opt = p[i + 2];
			c->len = 3;
		} else if (cmd == NLRS_TELNET_SB) {
			size_t j = i + 3;

			if (len - i < 3) {
				r = NLRS_WIRE_SHORT;
				i = len;
				break;
			}
			c->opt = p[i + 2];
			/* parameters run to IAC SE; IAC IAC inside is data */
			while (j + 1 < len && !(p[j] == NLRS_TELNET_IAC && p[j + 1] == NLRS_TELNET_SE))
				j += p[j] == NLRS_TELNET_IAC && p[j + 1] == NLRS_TELNET_IAC ? 2 : 1;
			if (j + 1 >= len) {
				r = NLRS_WIRE_SHORT;
				i = len;
				break;
			}
			c->sb = p + i + 3;
			c->sb_len = (uint16_t)(j - i - 3 > 65535 ? 65535 : j - i - 3);
			c->len = (uint32_t)(j + 2 - i);
		} else {
			c->len = 2;
		}
		i += c->len;
		r = 1;
		break;
	}
	if (data)
		*data += d;
	*off = i;
	return r;
}
