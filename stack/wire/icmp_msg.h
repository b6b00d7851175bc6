/* SPDX-License-Identifier: BSD-2-Clause */
/* Message bodies of ICMPv4 timestamp and address-mask messages (RFC 792,
 * RFC 950) and of MLD (RFC 2710 3, RFC 3810 5). The headers are in
 * icmp4.h and icmp6.h. */
#ifndef NLRS_WIRE_ICMP_MSG_H
#define NLRS_WIRE_ICMP_MSG_H

#include "wire.h"

#define NLRS_ICMP_ADDRMASK 17
#define NLRS_ICMP_ADDRMASKREPLY 18
#define NLRS_ICMP4_TS_LEN 20
#define NLRS_ICMP4_MASK_LEN 12

struct nlrs_icmp4_ts {
	uint32_t orig, recv, xmit; /* ms since midnight UT */
};
/* p: the whole ICMP message (type 13/14). len >= 20, else NLRS_WIRE_SHORT;
 * another type is NLRS_WIRE_BAD_FORMAT. Returns 20. */
int nlrs_icmp4_ts_parse(const uint8_t *p, size_t len, struct nlrs_icmp4_ts *ts);
/* p: the whole message (type 17/18), len >= 12. Returns 12. */
int nlrs_icmp4_mask_parse(const uint8_t *p, size_t len, uint32_t *mask);

#define NLRS_MLD_LEN 24
#define NLRS_MLD2_QUERY_MIN 28

struct nlrs_mld {
	uint8_t type;
	uint16_t max_delay;  /* query: max response code (RFC 3810 5.1.3 for v2) */
	uint8_t addr[16];    /* multicast address (zero for a general query) */
	bool v2;             /* an MLDv2 query (>= 28 bytes) or report (143) */
	uint16_t nsrc;       /* v2 query: number of sources */
	uint16_t nrec;       /* v2 report: number of records */
};
/* p: the whole ICMPv6 message of type 130-132 or 143. v1 messages and
 * queries need 24 bytes (v2 queries 28 + 16 * nsrc), v2 reports 8 +
 * their records, each checked against len (NLRS_WIRE_SHORT /
 * NLRS_WIRE_BAD_LEN); another type is NLRS_WIRE_BAD_FORMAT. Returns the
 * message length the fields account for. */
int nlrs_mld_parse(const uint8_t *p, size_t len, struct nlrs_mld *m);

#endif
