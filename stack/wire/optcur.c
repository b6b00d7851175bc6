/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * optcur.c - one-at-a-time walk of IPv4 and TCP options.
 *
 * Implements: the option layout RFC 791 3.1 and RFC 9293 3.2 share: kind
 * 0 ends the list, kind 1 is a single octet, every other kind carries a
 * length octet counting kind and length.
 * Does not implement: per-kind length rules (tcp.c nlrs_tcp_opts_parse,
 * ipv4.c nlrs_ipv4_opts_check) or meanings.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "optcur.h"

int nlrs_kl_opt_next(const uint8_t *opts, size_t len, size_t *off, struct nlrs_kl_opt *o)
{
	size_t i = *off;
	uint8_t l;

	if (i >= len)
		return 0;
	o->kind = opts[i];
	if (o->kind == 0 || o->kind == 1) {
		o->len = 1;
		o->data = NULL;
		o->dlen = 0;
		/* After EOL the rest of the area is padding. */
		*off = o->kind == 0 ? len : i + 1;
		return 1;
	}
	/* Lie: a multi-octet option whose length octet is missing. */
	if (len - i < 2)
		goto bad;
	l = opts[i + 1];
	/* Lie: a length that cannot cover kind and length (0 would loop). */
	if (l < 2)
		goto bad;
	/* Lie: an option running past the area. */
	if ((size_t)l > len - i)
		goto bad;
	o->len = l;
	o->dlen = (uint8_t)(l - 2);
	o->data = o->dlen ? opts + i + 2 : NULL;
	*off = i + l;
	return 1;
bad:
	*off = len;
	return NLRS_WIRE_BAD_OPTION;
}
