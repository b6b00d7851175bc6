/* SPDX-License-Identifier: BSD-2-Clause */
/* IEEE 802.3 length-field framing and the IEEE 802.2 LLC header with the
 * SNAP extension (RFC 1042). Ethernet II (type field) is eth.h. */
#ifndef NLRS_WIRE_LLC_H
#define NLRS_WIRE_LLC_H

#include "wire.h"

#define NLRS_ETH8023_HLEN 14
#define NLRS_ETH8023_MAXLEN 1500 /* IEEE 802.3 3.2.6: largest length value */
#define NLRS_LLC_SAP_SNAP 0xaa
#define NLRS_LLC_SAP_STP 0x42
#define NLRS_LLC_UI 0x03

struct nlrs_eth8023_hdr {
	uint8_t dst[6], src[6];
	uint16_t length; /* bytes of LLC data after the header */
};

/* The 802.3 header: len >= 14, length field <= 1500 (values 1501-1535
 * are undefined and >= 1536 is an EtherType: NLRS_WIRE_BAD_FORMAT), and
 * 14 + length <= wire_len, the frame's length on the wire (NLRS_WIRE_BAD_LEN;
 * the captured len may be less: a cut capture is not a lie). Returns 14. */
int nlrs_eth8023_parse(const uint8_t *p, size_t len, size_t wire_len, struct nlrs_eth8023_hdr *h);
int nlrs_eth8023_emit(uint8_t *p, size_t len, const struct nlrs_eth8023_hdr *h);

struct nlrs_llc_hdr {
	uint8_t dsap, ssap;
	uint16_t control;  /* 1 byte for U frames (low bits 11), else 2 */
	uint8_t ctl_len;
	bool snap;         /* DSAP = SSAP = 0xaa, control UI: OUI and type follow */
	uint8_t oui[3];
	uint16_t type;     /* SNAP protocol id (an EtherType when OUI is 0) */
	uint8_t hlen;      /* 3, 4 or 8 */
};

/* Returns the header length or NLRS_WIRE_SHORT (fewer bytes than the
 * control field or the SNAP header need). */
int nlrs_llc_parse(const uint8_t *p, size_t len, struct nlrs_llc_hdr *h);
/* Write DSAP, SSAP, control (ctl_len 1 or 2, else NLRS_WIRE_BAD_FORMAT)
 * and, when snap, OUI and type. Returns bytes written or NLRS_WIRE_NOSPACE. */
int nlrs_llc_emit(uint8_t *p, size_t len, const struct nlrs_llc_hdr *h);

#endif
