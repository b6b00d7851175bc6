/* SPDX-License-Identifier: BSD-2-Clause */
/* One IPv6 extension header at a time (RFC 8200 4.3, 4.6 hop-by-hop and
 * destination options headers; the routing and fragment headers are in
 * ipv6.h), and the option-by-option cursor over their options area. */
#ifndef NLRS_WIRE_IPV6_EXT_H
#define NLRS_WIRE_IPV6_EXT_H

#include "wire.h"

struct nlrs_ipv6_opthdr {
	uint8_t next;
	uint16_t len;          /* bytes, (Hdr Ext Len + 1) * 8 */
	const uint8_t *opts;   /* the options area after the first two bytes */
	uint16_t optlen;       /* len - 2 */
};

/* A hop-by-hop or destination options header at p[0..len): len >= 8 and
 * >= its length (NLRS_WIRE_SHORT / NLRS_WIRE_BAD_LEN). The options are not
 * walked (nlrs_ipv6_opts_walk, or nlrs_ipv6_opt_next). Returns len. */
int nlrs_ipv6_opthdr_parse(const uint8_t *p, size_t len, struct nlrs_ipv6_opthdr *h);

/* Length in bytes of the generic extension header at p (routing,
 * options: (p[1] + 1) * 8), or NLRS_WIRE_SHORT when len < 2. */
int nlrs_ipv6_ext_len(const uint8_t *p, size_t len);

struct nlrs_ipv6_opt {
	uint8_t type;
	uint16_t len;          /* whole option: 1 for Pad1, else 2 + data length */
	const uint8_t *data;   /* NULL when no data */
	uint8_t dlen;
};
/* Cursor over an options area (RFC 8200 4.2): *off starts at 0. Returns
 * 1 with *o filled (Pad1 and PadN included), 0 at the end, or
 * NLRS_WIRE_BAD_OPTION (length octet missing or running past len). */
int nlrs_ipv6_opt_next(const uint8_t *opts, size_t len, size_t *off, struct nlrs_ipv6_opt *o);

#endif
