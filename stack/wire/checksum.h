/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 * Sums are carried unfolded in 32 bits between calls; fold at the end.
 */
#ifndef NLRS_WIRE_CHECKSUM_H
#define NLRS_WIRE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add p[0..len) to `sum` as a sequence of big-endian 16-bit words; an odd
 * trailing byte counts as the high byte of a word padded with zero
 * (RFC 1071 4.1). Any alignment of p is fine. */
uint32_t nlrs_csum_add(uint32_t sum, const void *p, size_t len);

/* Fold to 16 bits and complement: the value to store in a header. A header
 * whose checksum field is included verifies when this returns 0. */
uint16_t nlrs_csum_fold(uint32_t sum);

/* IPv4 pseudo-header (RFC 768, RFC 9293 3.1) sum, unfolded. */
uint32_t nlrs_csum_pseudo4(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len);

/* RFC 1624 eqn. 3: new checksum after a 16-bit field changes old -> new. */
uint16_t nlrs_csum_update16(uint16_t csum, uint16_t old_word, uint16_t new_word);

#endif
