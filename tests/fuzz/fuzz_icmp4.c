/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness for the ICMP view (stack/wire/icmp4.c): header parse,
 * emit -> parse round trip per type, and the quoted-datagram parse of error
 * messages with its pointers checked against the input's bounds. */
#include "fuzz.h"
#include "wire/icmp4.h"

static void check_quote(const uint8_t *body, size_t len)
{
	struct nlrs_ipv4_hdr in;
	const uint8_t *l4 = NULL;
	size_t l4len = 0;
	int r = nlrs_icmp4_quote(body, len, &in, &l4, &l4len);

	if (r < 0) {
		FUZZ_CHECK(r == NLRS_WIRE_SHORT || r == NLRS_WIRE_BAD_VERSION ||
			   r == NLRS_WIRE_BAD_HLEN || r == NLRS_WIRE_BAD_LEN);
		FUZZ_CHECK(l4 == NULL && l4len == 0);
		return;
	}
	FUZZ_CHECK(r == in.hlen && r >= NLRS_IPV4_HLEN && (size_t)r <= len);
	FUZZ_CHECK(l4 == body + r);
	FUZZ_CHECK(l4len >= 8 && l4len <= len - (size_t)r);
	FUZZ_CHECK(l4len <= (size_t)in.tot_len - (size_t)r);
	/* touch every byte we were pointed at: ASan flags any out of bounds */
	{
		volatile uint8_t x = 0;
		for (size_t i = 0; i < l4len; i++)
			x ^= l4[i];
		(void)x;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlrs_icmp4_hdr h, b;
	uint8_t out[NLRS_ICMP4_HLEN];
	int r = nlrs_icmp4_parse(data, size, &h);

	if (r < 0) {
		FUZZ_CHECK(r == NLRS_WIRE_SHORT && size < NLRS_ICMP4_HLEN);
		/* a quote of anything must still be safe */
		check_quote(data, size);
		return 0;
	}
	FUZZ_CHECK(r == NLRS_ICMP4_HLEN);
	FUZZ_CHECK(h.type == data[0] && h.code == data[1] && h.csum == nlrs_rd16(data + 2));
	check_quote(data + NLRS_ICMP4_HLEN, size - NLRS_ICMP4_HLEN);

	FUZZ_CHECK(nlrs_icmp4_emit(out, sizeof out - 1, &h) == NLRS_WIRE_NOSPACE);
	FUZZ_CHECK(nlrs_icmp4_emit(out, sizeof out, &h) == NLRS_ICMP4_HLEN);
	if (h.type == NLRS_ICMP_PARAMPROB) {
		/* only the pointer is kept; the rest is sent as zero */
		FUZZ_CHECK(memcmp(out, data, 5) == 0 && out[5] == 0 && out[6] == 0 && out[7] == 0);
	} else {
		FUZZ_CHECK(memcmp(out, data, NLRS_ICMP4_HLEN) == 0);
	}
	FUZZ_CHECK(nlrs_icmp4_parse(out, sizeof out, &b) == NLRS_ICMP4_HLEN);
	FUZZ_CHECK(b.type == h.type && b.code == h.code && b.csum == h.csum);
	FUZZ_CHECK(memcmp(&b.un, &h.un, sizeof b.un) == 0);
	return 0;
}
