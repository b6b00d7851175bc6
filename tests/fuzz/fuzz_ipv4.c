/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness for the IPv4 view (stack/wire/ipv4.c): full and quoted
 * parses agree with each other and with the options walk; a header whose
 * checksum is repaired parses with verification on; emit -> parse gives
 * the same fields, and the same bytes apart from the reserved flag bit. */
#include "fuzz.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"

static int same(const struct nlrs_ipv4_hdr *a, const struct nlrs_ipv4_hdr *b)
{
	return a->hlen == b->hlen && a->tos == b->tos && a->tot_len == b->tot_len &&
	       a->id == b->id && a->df == b->df && a->mf == b->mf && a->frag_off == b->frag_off &&
	       a->ttl == b->ttl && a->proto == b->proto && a->src == b->src && a->dst == b->dst &&
	       a->optlen == b->optlen &&
	       (a->optlen == 0 || memcmp(a->opts, b->opts, a->optlen) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlrs_ipv4_hdr h, hv, q, b;
	int r = nlrs_ipv4_parse(data, size, &h, false);
	int rv = nlrs_ipv4_parse(data, size, &hv, true);
	int rq = nlrs_ipv4_parse_quoted(data, size, &q);
	uint8_t *c;
	int w;

	/* the quoted parse is strictly looser */
	if (r >= 0)
		FUZZ_CHECK(rq == r && same(&q, &h) && q.csum == h.csum);
	/* verification only ever adds BAD_CSUM */
	FUZZ_CHECK(rv == r || (r >= 0 && rv == NLRS_WIRE_BAD_CSUM) ||
		   (r == NLRS_WIRE_BAD_OPTION && rv == NLRS_WIRE_BAD_CSUM));
	if (rq >= 0) {
		FUZZ_CHECK(rq >= NLRS_IPV4_HLEN && rq <= NLRS_IPV4_MAX_HLEN && (size_t)rq <= size);
		FUZZ_CHECK(q.hlen == rq && q.optlen == rq - NLRS_IPV4_HLEN);
		FUZZ_CHECK(q.optlen ? q.opts == data + NLRS_IPV4_HLEN : q.opts == NULL);
	}
	if (r < 0) {
		FUZZ_CHECK(r >= NLRS_WIRE_BAD_OPTION && r != NLRS_WIRE_BAD_CSUM);
		return 0;
	}
	FUZZ_CHECK(h.tot_len >= h.hlen && h.tot_len <= size);
	FUZZ_CHECK(nlrs_ipv4_opts_check(h.opts, h.optlen) == 0);
	if (rv >= 0)
		FUZZ_CHECK(same(&hv, &h));

	/* emit over a copy: only the reserved bit and possibly -0/+0 of the
	 * checksum may differ from the input */
	c = fuzz_dup(data, size);
	FUZZ_CHECK(nlrs_ipv4_emit(c, (size_t)r - 1, &h) == NLRS_WIRE_NOSPACE);
	w = nlrs_ipv4_emit(c, size, &h);
	FUZZ_CHECK(w == r);
	FUZZ_CHECK(c[0] == data[0] && c[1] == data[1] && memcmp(c + 2, data + 2, 4) == 0);
	FUZZ_CHECK(c[6] == (data[6] & 0x7f) && c[7] == data[7]);
	FUZZ_CHECK(memcmp(c + 8, data + 8, 2) == 0 &&
		   memcmp(c + 12, data + 12, (size_t)r - 12) == 0);
	if (rv >= 0 && !(data[6] & 0x80))
		FUZZ_CHECK(nlrs_rd16(c + 10) == h.csum || h.csum == 0xffff);
	/* what we emit always verifies */
	FUZZ_CHECK(nlrs_ipv4_parse(c, size, &b, true) == r);
	FUZZ_CHECK(same(&b, &h));
	free(c);
	return 0;
}
