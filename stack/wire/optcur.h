/* SPDX-License-Identifier: BSD-2-Clause */
/* A cursor over kind-length option lists where kinds 0 (End of Option
 * List) and 1 (No-Operation) are one octet: IPv4 options (RFC 791 3.1)
 * and TCP options (RFC 9293 3.2). The checks live in ipv4.c and tcp.c;
 * this walks one option at a time for printers. */
#ifndef NLRS_WIRE_OPTCUR_H
#define NLRS_WIRE_OPTCUR_H

#include "wire.h"

struct nlrs_kl_opt {
	uint8_t kind;
	uint8_t len;          /* whole option; 1 for EOL and NOP */
	const uint8_t *data;  /* after kind and length; NULL when none */
	uint8_t dlen;
};

/* *off starts at 0. Returns 1 with *o filled, 0 at the end (the area's
 * end, or after handing back an EOL: what follows it is padding), or
 * NLRS_WIRE_BAD_OPTION (length octet missing, below 2, or running past
 * len); *off is then len. */
int nlrs_kl_opt_next(const uint8_t *opts, size_t len, size_t *off, struct nlrs_kl_opt *o);

#endif
