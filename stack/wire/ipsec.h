/* SPDX-License-Identifier: BSD-2-Clause */
/* IPsec headers as seen on the wire: Authentication Header (RFC 4302 2)
 * and the cleartext start of ESP (RFC 4303 2). */
#ifndef NLRS_WIRE_IPSEC_H
#define NLRS_WIRE_IPSEC_H

#include "wire.h"

#define NLRS_AH_MIN_LEN 12
#define NLRS_ESP_HLEN 8

struct nlrs_ah_hdr {
	uint8_t next;
	uint16_t len;        /* bytes: (Payload Len + 2) * 4 */
	uint32_t spi, seq;
	const uint8_t *icv;  /* inside the parsed buffer; NULL when empty */
	uint16_t icvlen;     /* len - 12 */
};

/* len >= 12, 12 <= (Payload Len + 2) * 4 <= len. Returns the header
 * length or NLRS_WIRE_SHORT / NLRS_WIRE_BAD_LEN. */
int nlrs_ah_parse(const uint8_t *p, size_t len, struct nlrs_ah_hdr *h);

struct nlrs_esp_hdr {
	uint32_t spi, seq;
};
/* len >= 8; returns 8 or NLRS_WIRE_SHORT. The rest is encrypted. */
int nlrs_esp_parse(const uint8_t *p, size_t len, struct nlrs_esp_hdr *h);

#endif
