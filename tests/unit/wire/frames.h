/* SPDX-License-Identifier: BSD-2-Clause */
/* Real captured frames used as test input (see frames.c). */
#ifndef NLRS_TEST_WIRE_FRAMES_H
#define NLRS_TEST_WIRE_FRAMES_H
#include <stddef.h>
#include <stdint.h>

extern const uint8_t frame_dns_query[98];
extern const size_t frame_dns_query_len;
extern const uint8_t frame_ping[62];
extern const size_t frame_ping_len;
extern const uint8_t frame_host_unreach[90];
extern const size_t frame_host_unreach_len;
extern const uint8_t frame_arp_request[60];
extern const size_t frame_arp_request_len;
extern const uint8_t frame_arp_reply[42];
extern const size_t frame_arp_reply_len;
extern const uint8_t frame_igmp_ra[60];
extern const size_t frame_igmp_ra_len;
extern const uint8_t frame_qinq_arp[64];
extern const size_t frame_qinq_arp_len;
extern const uint8_t frame_vlan_udp[118];
extern const size_t frame_vlan_udp_len;

/* IPv6 packets, no link header */
extern const uint8_t v6_mld[76];
extern const uint8_t v6_ns[64];
extern const uint8_t v6_pp_frag[112];
extern const uint8_t v6_ra[216];
extern const uint8_t v6_rthdr_echo[72];

#endif
