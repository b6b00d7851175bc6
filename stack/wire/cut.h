/* SPDX-License-Identifier: BSD-2-Clause */
/* Headers of captured packets that were cut short (snap length) or whose
 * options lie: the fields the existing views refuse to report, obtained
 * from those same views (no second parser). For capture readers; the
 * stack never sees a cut packet. */
#ifndef NLRS_WIRE_CUT_H
#define NLRS_WIRE_CUT_H

#include "wire.h"
#include "ipv4.h"
#include "ipv6.h"
#include "tcp.h"
#include "udp.h"

/* IPv6 header with only the 40 fixed bytes captured-checked: len >= 40,
 * version 6 (as nlrs_ipv6_parse), and 40 + payload length <= wire_len,
 * the datagram's length as the link delivered it (NLRS_WIRE_BAD_LEN).
 * Returns 40. */
int nlrs_ipv6_parse_cut(const uint8_t *p, size_t len, size_t wire_len, struct nlrs_ipv6_hdr *h);

/* UDP header: len >= 8, 8 <= length field <= wire_len (NLRS_WIRE_BAD_LEN).
 * Returns 8. */
int nlrs_udp_parse_cut(const uint8_t *p, size_t len, size_t wire_len, struct nlrs_udp_hdr *h);

/* TCP header fields from the 20 fixed bytes (len >= 20) whatever the
 * options say: h->hlen is the data offset as found (may be < 20, or past
 * len), h->opts/optlen cover the options present in p[0..len). *opts_ok
 * is whether the options area is whole and well formed. Returns
 * h->hlen, or NLRS_WIRE_SHORT. */
int nlrs_tcp_parse_cut(const uint8_t *p, size_t len, struct nlrs_tcp_hdr *h, bool *opts_ok);

/* IPv4 header whose options run past the captured len (len >= 20):
 * version checked, IHL >= 5 (NLRS_WIRE_BAD_HLEN), fields from the fixed
 * 20 bytes; h->hlen is IHL * 4 as found, h->opts/optlen cover the
 * options present. Total length and options are the caller's to check.
 * Returns h->hlen. */
int nlrs_ipv4_parse_cut(const uint8_t *p, size_t len, struct nlrs_ipv4_hdr *h);

/* The fields of a TCP or UDP header cut inside its fixed part
 * (0 < len < 20 or 8): the bytes present, zeros after them, read by the
 * view. Only fields wholly inside p[0..len) mean anything. Returns len. */
int nlrs_tcp_parse_partial(const uint8_t *p, size_t len, struct nlrs_tcp_hdr *h);
int nlrs_udp_parse_partial(const uint8_t *p, size_t len, struct nlrs_udp_hdr *h);

#endif
