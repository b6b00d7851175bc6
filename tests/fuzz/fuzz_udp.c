/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness for the UDP view (stack/wire/udp.c) and the checksum
 * (stack/wire/checksum.c): parse, emit -> same 8 bytes -> parse again; the
 * fast checksum against a byte-at-a-time RFC 1071 reference at every
 * alignment; RFC 1624 incremental update against a recomputation. */
#include "fuzz.h"
#include "wire/checksum.h"
#include "wire/udp.h"

static uint16_t ref_fold(uint32_t seed, const uint8_t *p, size_t len)
{
	uint64_t sum = seed;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void check_csum(const uint8_t *data, size_t size)
{
	uint32_t seed = size >= 4 ? (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
					    (uint32_t)data[2] << 8 | data[3] :
				    0;

	/* every start offset, so every alignment of the loads */
	for (size_t off = 0; off < 4 && off <= size; off++)
		FUZZ_CHECK(nlrs_csum_fold(nlrs_csum_add(seed, data + off, size - off)) ==
			   ref_fold(seed, data + off, size - off));

	/* RFC 1624: changing one word, update == recompute (or the other
	 * zero when the new data sums to zero) */
	if (size >= 4 && size % 2 == 0) {
		uint8_t *c = fuzz_dup(data, size);
		size_t w = 2 * ((size_t)data[0] % (size / 2));
		uint16_t before = nlrs_csum_fold(nlrs_csum_add(0, c, size));
		uint16_t old = nlrs_rd16(c + w);
		uint16_t neu = (uint16_t)~old ^ data[1];
		uint16_t upd, full;

		nlrs_wr16(c + w, neu);
		upd = nlrs_csum_update16(before, old, neu);
		full = nlrs_csum_fold(nlrs_csum_add(0, c, size));
		FUZZ_CHECK(upd == full || (full == 0xffff && upd == 0));
		free(c);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlrs_udp_hdr h, b;
	uint8_t out[NLRS_UDP_HLEN];
	int r = nlrs_udp_parse(data, size, &h);

	check_csum(data, size);
	if (r < 0) {
		FUZZ_CHECK((r == NLRS_WIRE_SHORT) == (size < NLRS_UDP_HLEN));
		FUZZ_CHECK(r == NLRS_WIRE_SHORT || r == NLRS_WIRE_BAD_LEN);
		return 0;
	}
	FUZZ_CHECK(r == NLRS_UDP_HLEN && h.len >= NLRS_UDP_HLEN && h.len <= size);

	FUZZ_CHECK(nlrs_udp_emit(out, sizeof out - 1, &h) == NLRS_WIRE_NOSPACE);
	FUZZ_CHECK(nlrs_udp_emit(out, sizeof out, &h) == NLRS_UDP_HLEN);
	FUZZ_CHECK(memcmp(out, data, NLRS_UDP_HLEN) == 0);
	/* the header alone parses only when it claims no payload */
	FUZZ_CHECK(nlrs_udp_parse(out, sizeof out, &b) ==
		   (h.len == NLRS_UDP_HLEN ? NLRS_UDP_HLEN : NLRS_WIRE_BAD_LEN));
	{
		uint8_t *c = fuzz_dup(data, size);

		memcpy(c, out, sizeof out);
		FUZZ_CHECK(nlrs_udp_parse(c, size, &b) == NLRS_UDP_HLEN);
		FUZZ_CHECK(b.sport == h.sport && b.dport == h.dport && b.len == h.len &&
			   b.csum == h.csum);
		free(c);
	}
	return 0;
}
