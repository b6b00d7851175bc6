/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer: the CSLIP decompressor (netdev/cslip.c, RFC 1144) on a
 * sequence of lying packets (each: a length byte, then that many bytes),
 * with a framing error (toss) whenever the length byte is 0; and the
 * compressor on the same packets, whose output the decompressor of a
 * second pair must rebuild exactly when the input was a well-formed
 * TCP/IPv4 datagram. */
#include "fuzz.h"
#include "slip_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nlrs__cslip c, tx, rx;
	uint8_t hdr[NLRS__CSLIP_MAX_HDR];
	size_t off = 0;

	nlrs__cslip_init(&c);
	nlrs__cslip_init(&tx);
	nlrs__cslip_init(&rx);
	while (off < size) {
		size_t n = data[off++], hl, po;

		if (n == 0) {
			nlrs__cslip_toss(&c);
			continue;
		}
		if (n > size - off)
			n = size - off;
		uint8_t *p = fuzz_dup(data + off, n);
		int rc = nlrs__cslip_uncompress(&c, p, n, hdr, &hl, &po);

		FUZZ_CHECK(rc == 0 || rc == -1 || rc == -2);
		if (rc == 0) {
			FUZZ_CHECK(hl <= NLRS__CSLIP_MAX_HDR && po <= n);
			FUZZ_CHECK(hl + (n - po) <= 65535);
		}
		/* compressor: a datagram whose total length is right */
		if (n >= 40 && (p[0] >> 4) == 4 && (size_t)(p[2] << 8 | p[3]) == n) {
			uint8_t work[256], orig[256], out[256 + NLRS__CSLIP_MAX_HDR];
			size_t coff;

			memcpy(orig, p, n);
			memcpy(work, p, n);
			nlrs__cslip_compress(&tx, work, n, &coff);
			FUZZ_CHECK(coff < n);
			rc = nlrs__cslip_uncompress(&rx, work + coff, n - coff, hdr, &hl, &po);
			if (rc == 0 && hl) {
				memcpy(out, hdr, hl);
				memcpy(out + hl, work + coff + po, n - coff - po);
				FUZZ_CHECK(hl + n - coff - po == n);
				/* the IP checksum is rebuilt: compare around it */
				FUZZ_CHECK(!memcmp(out, orig, 10) && !memcmp(out + 12, orig + 12, n - 12));
			}
		}
		free(p);
		off += n;
	}
	return 0;
}
