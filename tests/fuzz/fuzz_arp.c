/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness for the ARP view (stack/wire/arp.c): parse, then emit ->
 * the same 28 bytes -> parse again -> same packet. */
#include "fuzz.h"
#include "wire/arp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlrs_arp_pkt a, b;
	uint8_t out[NLRS_ARP_LEN];
	int r = nlrs_arp_parse(data, size, &a);

	if (r < 0) {
		FUZZ_CHECK(r == NLRS_WIRE_SHORT || r == NLRS_WIRE_BAD_FORMAT);
		FUZZ_CHECK((r == NLRS_WIRE_SHORT) == (size < NLRS_ARP_LEN));
		return 0;
	}
	FUZZ_CHECK(r == NLRS_ARP_LEN && size >= NLRS_ARP_LEN);
	FUZZ_CHECK(a.op == NLRS_ARP_REQUEST || a.op == NLRS_ARP_REPLY);

	FUZZ_CHECK(nlrs_arp_emit(out, sizeof out - 1, &a) == NLRS_WIRE_NOSPACE);
	FUZZ_CHECK(nlrs_arp_emit(out, sizeof out, &a) == NLRS_ARP_LEN);
	FUZZ_CHECK(memcmp(out, data, NLRS_ARP_LEN) == 0);
	FUZZ_CHECK(nlrs_arp_parse(out, sizeof out, &b) == NLRS_ARP_LEN);
	FUZZ_CHECK(b.op == a.op && b.spa == a.spa && b.tpa == a.tpa);
	FUZZ_CHECK(memcmp(b.sha, a.sha, 6) == 0 && memcmp(b.tha, a.tha, 6) == 0);
	return 0;
}
