/* SPDX-License-Identifier: BSD-2-Clause */
/* Internet checksum (RFC 1071) and incremental update (RFC 1624). */
#include <criterion/criterion.h>

#include "wire_test.h"

/* Byte-at-a-time reference, straight from RFC 1071 4.1. */
static uint16_t ref_csum(uint32_t seed, const uint8_t *p, size_t len)
{
	uint64_t sum = seed;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

Test(checksum, rfc1071_example_gives_220d)
{
	/* RFC 1071 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (folded). */
	static const uint8_t d[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint32_t s = nlrs_csum_add(0, guard_copy(d, sizeof d), sizeof d);

	cr_assert_eq(nlrs_csum_fold(s), 0x220d);
	/* unfolded value is the 2ddf0 of the RFC, modulo 0xffff */
	cr_assert_eq(s % 0xffff, 0x2ddf0 % 0xffff);
}

Test(checksum, odd_length_pads_last_byte_as_high_byte)
{
	static const uint8_t one[] = { 0x01 };
	static const uint8_t three[] = { 0x00, 0x01, 0xf2 };

	cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(0, guard_copy(one, 1), 1)), 0xfeff);
	cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(0, guard_copy(three, 3), 3)), 0x0dfe);
}

Test(checksum, empty_buffer_leaves_sum_unchanged)
{
	cr_assert_eq(nlrs_csum_add(0x1234, guard_copy("", 0), 0), 0x1234);
	cr_assert_eq(nlrs_csum_fold(0), 0xffff);
}

Test(checksum, matches_reference_for_every_alignment_and_length)
{
	uint8_t buf[512 + 8];
	uint32_t rs = 0x2545f491;

	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)t_rand(&rs);
	for (size_t off = 0; off < 8; off++) {
		for (size_t len = 0; len <= 512; len++) {
			uint32_t seed = t_rand(&rs) & 0xfffff;
			uint16_t want = ref_csum(seed, buf + off, len);

			/* unaligned in the middle of a buffer ... */
			cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(seed, buf + off, len)), want,
				     "off %zu len %zu", off, len);
			/* ... and ending right before an unmapped page */
			cr_assert_eq(nlrs_csum_fold(
					     nlrs_csum_add(seed, guard_copy(buf + off, len), len)),
				     want, "guarded off %zu len %zu", off, len);
		}
	}
}

Test(checksum, all_ones_data_carries_correctly)
{
	static uint8_t ff[70000];

	memset(ff, 0xff, sizeof ff);
	for (size_t len = 0; len < 80; len++)
		cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(0, ff + 1, len)),
			     ref_csum(0, ff + 1, len));
	cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(0, ff, sizeof ff)), ref_csum(0, ff, sizeof ff));
	cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(0, ff + 3, sizeof ff - 3)),
		     ref_csum(0, ff + 3, sizeof ff - 3));
}

Test(checksum, running_sum_near_overflow_does_not_wrap)
{
	static const uint8_t d[] = { 0xff, 0xff, 0xff, 0xff, 0x12, 0x34 };
	uint32_t s = nlrs_csum_add(0xffffffffu, d, sizeof d);

	/* 0xffffffff is 0xffff+0xffff -> 0x1fffe -> 0xffff (-0) in 16 bits;
	 * adding -0 twice and 0x1234 gives 0x1234 */
	cr_assert_eq(nlrs_csum_fold(s), (uint16_t)~0x1234);
}

Test(checksum, chained_even_pieces_equal_one_pass)
{
	const uint8_t *ip = frame_dns_query + ETH_OFF;
	uint32_t s = nlrs_csum_add(0, ip, 6);

	s = nlrs_csum_add(s, ip + 6, 14);
	cr_assert_eq(nlrs_csum_fold(s), 0);
	cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(0, ip, 20)), 0);
}

Test(checksum, real_ipv4_header_verifies_to_zero)
{
	const uint8_t *ip = guard_copy(frame_ping + ETH_OFF, 20);

	cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(0, ip, 20)), 0);
}

Test(checksum, corrupted_ipv4_header_does_not_verify)
{
	uint8_t ip[20];

	memcpy(ip, frame_ping + ETH_OFF, 20);
	for (size_t i = 0; i < 20; i++) {
		for (int bit = 0; bit < 8; bit++) {
			ip[i] ^= (uint8_t)(1u << bit);
			cr_assert_neq(nlrs_csum_fold(nlrs_csum_add(0, ip, 20)), 0,
				      "byte %zu bit %d", i, bit);
			ip[i] ^= (uint8_t)(1u << bit);
		}
	}
}

Test(checksum, pseudo4_verifies_real_udp_datagram)
{
	const uint8_t *ip = frame_dns_query + ETH_OFF;
	const uint8_t *udp = ip + 20;
	uint16_t ulen = nlrs_rd16(udp + 4);
	uint32_t s = nlrs_csum_pseudo4(nlrs_rd32(ip + 12), nlrs_rd32(ip + 16), 17, ulen);

	cr_assert_eq(ulen, 64);
	cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(s, guard_copy(udp, ulen), ulen)), 0);
}

Test(checksum, pseudo4_sums_words_of_addresses_protocol_and_length)
{
	/* 192.0.2.1 -> 198.51.100.2, proto 17, len 0x1_0008 (all terms) */
	uint32_t s = nlrs_csum_pseudo4(0xc0000201, 0xc6336402, 17, 0x10008);

	cr_assert_eq(s, 0xc000u + 0x0201u + 0xc633u + 0x6402u + 17u + 1u + 8u);
}

Test(checksum, update16_matches_rfc1624_example)
{
	/* RFC 1624 4: HC 0xdd2f, m 0x5555 -> m' 0x3285: eqn. 3 gives 0x0000 */
	cr_assert_eq(nlrs_csum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
}

Test(checksum, update16_equals_full_recompute_for_random_data)
{
	uint32_t rs = 0x9e3779b9;
	uint8_t d[64];

	for (int round = 0; round < 5000; round++) {
		size_t n = 2 + 2 * (t_rand(&rs) % 31); /* even, 2..62 */
		size_t w = 2 * (t_rand(&rs) % (n / 2));
		uint16_t old, neu, before, upd, full;

		for (size_t i = 0; i < n; i++)
			d[i] = (uint8_t)t_rand(&rs);
		if (round % 7 == 0) /* exercise the carry edges too */
			memset(d, 0xff, n);
		before = nlrs_csum_fold(nlrs_csum_add(0, d, n));
		old = nlrs_rd16(d + w);
		neu = (uint16_t)t_rand(&rs);
		if (round % 11 == 0)
			neu = 0xffff;
		nlrs_wr16(d + w, neu);
		upd = nlrs_csum_update16(before, old, neu);
		full = nlrs_csum_fold(nlrs_csum_add(0, d, n));
		/* All-zero data is the one case where +0 and -0 both verify. */
		bool all_zero = true;
		for (size_t i = 0; i < n; i++)
			all_zero = all_zero && d[i] == 0;
		if (all_zero)
			cr_assert(upd == 0 || upd == 0xffff);
		else
			cr_assert_eq(upd, full, "round %d n %zu w %zu", round, n, w);
	}
}

Test(checksum, update16_after_ttl_decrement_keeps_real_header_valid)
{
	uint8_t ip[20];
	uint16_t old, neu;

	memcpy(ip, frame_dns_query + ETH_OFF, 20);
	old = nlrs_rd16(ip + 8);
	ip[8]--; /* TTL, the forwarding case of RFC 1624 */
	neu = nlrs_rd16(ip + 8);
	nlrs_wr16(ip + 10, nlrs_csum_update16(nlrs_rd16(ip + 10), old, neu));
	cr_assert_eq(nlrs_csum_fold(nlrs_csum_add(0, ip, 20)), 0);
	cr_assert_eq(nlrs_rd16(ip + 10), 0x95ae);
}

Test(wire, strerror_names_every_error)
{
	static const int errs[] = { NLRS_WIRE_SHORT,      NLRS_WIRE_BAD_VERSION,
				    NLRS_WIRE_BAD_HLEN,   NLRS_WIRE_BAD_LEN,
				    NLRS_WIRE_BAD_CSUM,   NLRS_WIRE_BAD_FORMAT,
				    NLRS_WIRE_BAD_OPTION, NLRS_WIRE_NOSPACE };

	for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
		const char *s = nlrs_wire_strerror(errs[i]);
		cr_assert_str_neq(s, "unknown error");
		for (size_t j = 0; j < i; j++)
			cr_assert_str_neq(s, nlrs_wire_strerror(errs[j]));
	}
	cr_assert_str_eq(nlrs_wire_strerror(-99), "unknown error");
	cr_assert_str_eq(nlrs_wire_strerror(20), "ok");
}
