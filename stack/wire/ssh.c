/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ssh.c - SSH protocol version exchange line.
 *
 * Implements: RFC 4253 4.2 "SSH-protoversion-softwareversion SP comments
 * CR LF", at most 255 characters, printable US-ASCII except in comments;
 * a bare LF as line end.
 * Does not implement: the binary packet protocol (RFC 4253 6: encrypted
 * once keys are exchanged) or the lines a server may send before the
 * identification string.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "ssh.h"

int nlrs_ssh_banner_parse(const uint8_t *p, size_t len, struct nlrs_ssh_banner *b)
{
	size_t n = len < NLRS_SSH_MAX_BANNER ? len : NLRS_SSH_MAX_BANNER, lf = 0, end, dash, sp;

	if (len < 4)
		return nlrs_memcmp(p, "SSH-", len) == 0 ? NLRS_WIRE_SHORT : NLRS_WIRE_BAD_FORMAT;
	if (nlrs_memcmp(p, "SSH-", 4) != 0)
		return NLRS_WIRE_BAD_FORMAT;
	while (lf < n && p[lf] != '\n')
		lf++;
	if (lf == n)
		/* Lie: RFC 4253 4.2 - longer than 255 characters. */
		return n < NLRS_SSH_MAX_BANNER ? NLRS_WIRE_SHORT : NLRS_WIRE_BAD_FORMAT;
	end = lf > 0 && p[lf - 1] == '\r' ? lf - 1 : lf;
	for (dash = 4; dash < end && p[dash] != '-'; dash++)
		if (p[dash] <= 0x20 || p[dash] >= 0x7f)
			return NLRS_WIRE_BAD_FORMAT;
	/* Lie: no protoversion, or no softwareversion after it. */
	if (dash == 4 || dash >= end)
		return NLRS_WIRE_BAD_FORMAT;
	for (sp = dash + 1; sp < end && p[sp] != ' '; sp++)
		if (p[sp] <= 0x20 || p[sp] >= 0x7f)
			return NLRS_WIRE_BAD_FORMAT;
	if (sp == dash + 1)
		return NLRS_WIRE_BAD_FORMAT;
	b->proto = p + 4;
	b->proto_len = (uint16_t)(dash - 4);
	b->software = p + dash + 1;
	b->software_len = (uint16_t)(sp - dash - 1);
	b->comments = sp + 1 < end ? p + sp + 1 : NULL;
	b->comments_len = (uint16_t)(sp + 1 < end ? end - sp - 1 : 0);
	b->len = (uint16_t)(lf + 1);
	return (int)(lf + 1);
}
