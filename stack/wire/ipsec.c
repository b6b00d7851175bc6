/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipsec.c - the IPsec headers a capture can read.
 *
 * Implements: the Authentication Header (RFC 4302 2: next header, payload
 * length in 32-bit words minus 2, SPI, sequence number, ICV) with its
 * length checked, and the SPI and sequence number that open an ESP packet
 * (RFC 4303 2).
 * Does not implement: ICV verification, decryption, ESP trailers
 * (padding, next header: encrypted), extended sequence numbers (never on
 * the wire, RFC 4303 2.2.1).
 * Freestanding C11: no OS headers, no allocation.
 */
#include "ipsec.h"

int nlrs_ah_parse(const uint8_t *p, size_t len, struct nlrs_ah_hdr *h)
{
	size_t hl;

	/* Lie: shorter than AH's fixed fields. */
	if (len < NLRS_AH_MIN_LEN)
		return NLRS_WIRE_SHORT;
	hl = ((size_t)p[1] + 2) * 4;
	/* Lie: RFC 4302 2.2 - a length below the fixed 12 octets would put
	 * the next header inside this one. */
	if (hl < NLRS_AH_MIN_LEN)
		return NLRS_WIRE_BAD_LEN;
	/* Lie: an ICV running past the packet. */
	if (hl > len)
		return NLRS_WIRE_BAD_LEN;
	h->next = p[0];
	h->len = (uint16_t)hl;
	h->spi = nlrs_rd32(p + 4);
	h->seq = nlrs_rd32(p + 8);
	h->icvlen = (uint16_t)(hl - NLRS_AH_MIN_LEN);
	h->icv = h->icvlen ? p + NLRS_AH_MIN_LEN : NULL;
	return (int)hl;
}

int nlrs_esp_parse(const uint8_t *p, size_t len, struct nlrs_esp_hdr *h)
{
	/* Lie: too short for SPI and sequence number. */
	if (len < NLRS_ESP_HLEN)
		return NLRS_WIRE_SHORT;
	h->spi = nlrs_rd32(p);
	h->seq = nlrs_rd32(p + 4);
	return NLRS_ESP_HLEN;
}
