/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * checksum.c - the Internet checksum.
 *
 * Implements:
 *   - RFC 1071 one's-complement sum over any byte range (nlrs_csum_add),
 *     any alignment, odd lengths padded with a zero low byte (RFC 1071 4.1,
 *     RFC 791 3.1 "header checksum", RFC 768 "checksum").
 *   - the fold-and-complement that yields the stored value (nlrs_csum_fold);
 *   - the IPv4 pseudo-header sum (RFC 768, RFC 9293 3.1) (nlrs_csum_pseudo4);
 *   - incremental update after one 16-bit word changes, RFC 1624 eqn. 3
 *     (nlrs_csum_update16).
 * Does not implement: chaining of odd-length fragments (a sum that stopped
 * on an odd byte cannot be continued with nlrs_csum_add; the caller keeps
 * its pieces even, or sums a copy), IPv6 pseudo-headers, hardware offload.
 *
 * Speed: the body is summed as native-endian 32-bit words into a 64-bit
 * accumulator, 32 bytes per loop turn, and the folded 16-bit result is
 * byte-swapped on little-endian hosts. RFC 1071 2(B) ("byte order
 * independence") is what makes this legal; RFC 1071 2(C) ("parallel
 * summation") is why 32-bit words in a wider register are fine.
 * Any start address works: sum_native() aligns first (see there), so the
 * word loads are aligned on every target.
 */
#include "checksum.h"
#include "wire.h"

#if !defined(__BYTE_ORDER__) || !defined(__ORDER_LITTLE_ENDIAN__)
#error "checksum.c needs the compiler's __BYTE_ORDER__ (gcc or clang)"
#endif

/* Aligned loads through may_alias types: the caller has aligned p, and
 * __builtin_assume_aligned lets the compiler use a plain word load even on
 * targets without unaligned access (Cortex-M0), with no cast that
 * -Wcast-align would flag. */
typedef uint32_t __attribute__((may_alias)) u32_alias;
typedef uint16_t __attribute__((may_alias)) u16_alias;

static inline uint32_t load32a(const uint8_t *p)
{
	const u32_alias *w = __builtin_assume_aligned(p, 4);
	return *w;
}

static inline uint16_t load16a(const uint8_t *p)
{
	const u16_alias *w = __builtin_assume_aligned(p, 2);
	return *w;
}

static inline uint16_t swap16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

/* One's-complement fold of a 64-bit accumulator down to 16 bits. Each step
 * adds the carries back in (end-around carry), so the value mod 0xffff is
 * kept. */
static inline uint16_t fold64(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return (uint16_t)s;
}

/* Largest run summed before the accumulator is folded: 2^30 bytes is 2^28
 * 32-bit words, far below the 2^32 words a 64-bit accumulator can hold
 * without overflow. Packets never get near it; the cap keeps the function
 * correct for any size_t. */
#define CSUM_CHUNK ((size_t)1 << 30)

/* Native-endian one's-complement sum of p[0..len), folded to 16 bits.
 * An odd trailing byte is the first byte of a zero-padded word.
 *
 * Alignment: an odd start is summed as if a zero byte preceded it (which
 * moves every byte to the other half of its word) and the result is
 * swapped back at the end (RFC 1071 2(B)); then one 16-bit word brings p to
 * a 4-byte boundary, and the body is read in aligned 32-bit words. */
static uint16_t sum_native(const uint8_t *p, size_t len)
{
	uint64_t acc = 0;
	uint64_t a = 0;
	bool odd_start = false;
	uint16_t r;

	if (len > 0 && ((uintptr_t)p & 1)) {
		/* p[0] is the second byte of the word (0, p[0]) */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		a += (uint32_t)p[0] << 8;
#else
		a += p[0];
#endif
		p++;
		len--;
		odd_start = true;
	}
	if (len >= 2 && ((uintptr_t)p & 2)) {
		a += load16a(p);
		p += 2;
		len -= 2;
	}
	while (len > 0) {
		size_t n = len < CSUM_CHUNK ? len : CSUM_CHUNK;

		len -= n;
		while (n >= 32) {
			a += load32a(p);
			a += load32a(p + 4);
			a += load32a(p + 8);
			a += load32a(p + 12);
			a += load32a(p + 16);
			a += load32a(p + 20);
			a += load32a(p + 24);
			a += load32a(p + 28);
			p += 32;
			n -= 32;
		}
		while (n >= 4) {
			a += load32a(p);
			p += 4;
			n -= 4;
		}
		if (n >= 2) {
			a += load16a(p);
			p += 2;
			n -= 2;
		}
		if (n) {
			/* RFC 1071 4.1: the odd byte is the high-order byte of a
			 * big-endian word, i.e. the byte at the lower address. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			a += p[0];
#else
			a += (uint32_t)p[0] << 8;
#endif
			p += 1;
		}
		acc += fold64(a);
		a = 0;
	}
	acc += a; /* only the odd-start byte and a 16-bit word, if len ran out */
	r = fold64(acc);
	return odd_start ? swap16(r) : r;
}

uint32_t nlrs_csum_add(uint32_t sum, const void *p, size_t len)
{
	uint16_t s = sum_native((const uint8_t *)p, len);
	uint64_t t;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* RFC 1071 2(B): the sum of byte-swapped words is the byte-swapped sum. */
	s = swap16(s);
#endif
	/* Keep the running sum unfolded but never let it wrap: fold the
	 * carry out of bit 31 back in. */
	t = (uint64_t)sum + s;
	t = (t & 0xffffffffu) + (t >> 32);
	return (uint32_t)t;
}

uint16_t nlrs_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t nlrs_csum_pseudo4(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len)
{
	/* RFC 768: source address, destination address, zero, protocol,
	 * UDP length, as 16-bit words. Each term is < 2^16, so six of them
	 * cannot overflow 32 bits. */
	return (src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu) + proto + (len >> 16) +
	       (len & 0xffffu);
}

uint16_t nlrs_csum_update16(uint16_t csum, uint16_t old_word, uint16_t new_word)
{
	/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). Unlike RFC 1141's
	 * HC + m + ~m' (RFC 1624 eqn. 2) it gives 0x0000, as a recomputation
	 * does, where the old form gave 0xffff (RFC 1624 section 4 example). */
	uint32_t s = (uint32_t)(uint16_t)~csum + (uint16_t)~old_word + new_word;

	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return (uint16_t)~s;
}
