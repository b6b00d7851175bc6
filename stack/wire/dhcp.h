/* SPDX-License-Identifier: BSD-2-Clause */
/* BOOTP (RFC 951) and DHCPv4 (RFC 2131 2, 3) messages and options
 * (RFC 2132). */
#ifndef NLRS_WIRE_DHCP_H
#define NLRS_WIRE_DHCP_H

#include "wire.h"

#define NLRS_BOOTP_FIXED_LEN 236   /* op .. file */
#define NLRS_DHCP_COOKIE 0x63825363u /* 99.130.83.99, RFC 2131 3 */
#define NLRS_BOOTP_SERVER_PORT 67
#define NLRS_BOOTP_CLIENT_PORT 68

/* Options (RFC 2132) used by the view */
#define NLRS_DHCP_OPT_PAD 0
#define NLRS_DHCP_OPT_OVERLOAD 52
#define NLRS_DHCP_OPT_MSG_TYPE 53
#define NLRS_DHCP_OPT_END 255

struct nlrs_dhcp_hdr {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	const uint8_t *sname;  /* 64 bytes in the buffer */
	const uint8_t *file;   /* 128 bytes in the buffer */
	bool has_cookie;
	const uint8_t *opts;   /* after the cookie; NULL without one */
	uint16_t optlen;       /* bytes from opts to the end of the buffer */
	uint8_t msg_type;      /* option 53 in the options field, 0 if none */
	uint8_t overload;      /* option 52, 0 if none */
};

/* len >= 236 (NLRS_WIRE_SHORT); the cookie is optional (plain BOOTP, or
 * a message cut right after the fixed part). The options are walked to
 * find 52 and 53 and must be well formed (NLRS_WIRE_BAD_OPTION; a cut
 * capture ending inside an option is BAD_OPTION too: callers that know
 * the capture was cut read opts themselves). Returns 236 or 240. */
int nlrs_dhcp_parse(const uint8_t *p, size_t len, struct nlrs_dhcp_hdr *h);

struct nlrs_dhcp_opt {
	uint8_t code;
	uint8_t len;
	const uint8_t *data;
};
/* Cursor over an options area: pad octets are skipped, END stops (0).
 * Returns 1 with *o, 0 at the end, or NLRS_WIRE_BAD_OPTION (length octet
 * missing or data past len; *off is then len). */
int nlrs_dhcp_opt_next(const uint8_t *opts, size_t len, size_t *off, struct nlrs_dhcp_opt *o);

#endif
