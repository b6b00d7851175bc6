/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer: the SLIP stream decoder (netdev/slip_codec.c). The input is
 * cut into reads of sizes taken from its first byte; every frame handed
 * out must fit the buffer, re-encode, and decode back to itself. */
#include "fuzz.h"
#include "slip_priv.h"

#define CAP 300

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[CAP], buf2[CAP], enc[NLRS__SLIP_ENCODED_MAX(CAP)];
	struct nlrs__slip_rx rx, rx2;
	size_t step, off = 1;

	if (size < 1)
		return 0;
	step = (size_t)(data[0] % 17u) + 1u;
	nlrs__slip_rx_init(&rx, buf, CAP);
	rx.min_frame = data[0] & 1u ? 3 : 20;
	while (off < size) {
		size_t n = size - off < step ? size - off : step;
		uint8_t *chunk = fuzz_dup(data + off, n); /* over-reads show */
		size_t used = 0;

		while (used < n) {
			size_t fl;
			unsigned errs;
			size_t k = nlrs__slip_rx_feed(&rx, chunk + used, n - used, &fl, &errs);

			FUZZ_CHECK(k <= n - used);
			used += k;
			if (!fl) {
				FUZZ_CHECK(used == n);
				continue;
			}
			FUZZ_CHECK(fl <= CAP && fl >= rx.min_frame);
			size_t e = nlrs__slip_encode(rx.buf, fl, enc, sizeof(enc));
			FUZZ_CHECK(e >= fl + 2);
			nlrs__slip_rx_init(&rx2, buf2, CAP);
			rx2.min_frame = 1;
			size_t fl2;
			FUZZ_CHECK(nlrs__slip_rx_feed(&rx2, enc, e, &fl2, NULL) == e);
			FUZZ_CHECK(fl2 == fl && !memcmp(buf2, rx.buf, fl));
		}
		free(chunk);
		off += n;
	}
	return 0;
}
