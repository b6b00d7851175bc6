/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness for the Ethernet view (stack/wire/eth.c): parse, then
 * emit -> bytes identical -> parse again -> same header. */
#include "fuzz.h"
#include "wire/eth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlrs_eth_hdr h, b;
	uint8_t out[NLRS_ETH_HLEN + 4 * NLRS_ETH_MAX_TAGS];
	int r = nlrs_eth_parse(data, size, &h);
	int w;

	if (r < 0) {
		FUZZ_CHECK(r == NLRS_WIRE_SHORT || r == NLRS_WIRE_BAD_FORMAT);
		return 0;
	}
	FUZZ_CHECK(h.ntags <= NLRS_ETH_MAX_TAGS);
	FUZZ_CHECK(r == h.hlen && (size_t)r <= size && r == NLRS_ETH_HLEN + 4 * h.ntags);
	FUZZ_CHECK(h.type >= 0x0600 && h.type != NLRS_ETHERTYPE_VLAN &&
		   h.type != NLRS_ETHERTYPE_QINQ);

	/* every too-small output is refused */
	FUZZ_CHECK(nlrs_eth_emit(out, (size_t)r - 1, &h) == NLRS_WIRE_NOSPACE);
	w = nlrs_eth_emit(out, sizeof out, &h);
	FUZZ_CHECK(w == r);
	/* every field of the header is kept, so emit reproduces the input */
	FUZZ_CHECK(memcmp(out, data, (size_t)r) == 0);
	FUZZ_CHECK(nlrs_eth_parse(out, (size_t)w, &b) == r);
	FUZZ_CHECK(memcmp(b.dst, h.dst, 6) == 0 && memcmp(b.src, h.src, 6) == 0);
	FUZZ_CHECK(b.type == h.type && b.ntags == h.ntags && b.hlen == h.hlen);
	for (unsigned i = 0; i < h.ntags; i++)
		FUZZ_CHECK(b.tpid[i] == h.tpid[i] && b.tci[i] == h.tci[i]);
	return 0;
}
