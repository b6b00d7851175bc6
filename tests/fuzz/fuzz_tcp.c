/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness for the TCP view (stack/wire/tcp.c): header parse on an
 * exact-size copy; options parse agreeing with the check; header emit ->
 * same bytes -> parse again; options emit -> parse -> same values; the
 * options area also fed to the options walk on its own. */
#include "fuzz.h"
#include "wire/tcp.h"

static void check_opts_round_trip(const struct nlrs_tcp_opts *o)
{
	struct nlrs_tcp_opts e = *o, b;
	uint8_t out[NLRS_TCP_MAX_OPTLEN];
	int n;

	/* Drop what emit cannot carry in the 40 bytes, largest first. */
	e.has_md5 = e.has_ao = false;
	n = nlrs_tcp_opts_emit(out, sizeof out, &e);
	while (n == NLRS_WIRE_BAD_FORMAT && e.nsack > 0) {
		e.nsack--;
		n = nlrs_tcp_opts_emit(out, sizeof out, &e);
	}
	if (n == NLRS_WIRE_BAD_FORMAT) {
		e.has_fastopen = false;
		e.fastopen_len = 0;
		e.fastopen = NULL;
		n = nlrs_tcp_opts_emit(out, sizeof out, &e);
	}
	FUZZ_CHECK(n >= 0 && n <= NLRS_TCP_MAX_OPTLEN && n % 4 == 0);
	if (n > 0)
		FUZZ_CHECK(nlrs_tcp_opts_emit(out, (size_t)n - 1, &e) == NLRS_WIRE_NOSPACE);
	FUZZ_CHECK(nlrs_tcp_opts_parse(out, (size_t)n, &b) == 0);
	FUZZ_CHECK(b.has_mss == e.has_mss && (!e.has_mss || b.mss == e.mss));
	FUZZ_CHECK(b.has_wscale == e.has_wscale && (!e.has_wscale || b.wscale == e.wscale));
	FUZZ_CHECK(b.sack_ok == e.sack_ok);
	FUZZ_CHECK(b.has_ts == e.has_ts &&
		   (!e.has_ts || (b.tsval == e.tsval && b.tsecr == e.tsecr)));
	FUZZ_CHECK(b.nsack == e.nsack);
	for (unsigned i = 0; i < e.nsack; i++)
		FUZZ_CHECK(b.sack[i].left == e.sack[i].left && b.sack[i].right == e.sack[i].right);
	FUZZ_CHECK(b.has_fastopen == e.has_fastopen && b.fastopen_len == e.fastopen_len);
	if (e.fastopen_len)
		FUZZ_CHECK(memcmp(b.fastopen, e.fastopen, e.fastopen_len) == 0);
	FUZZ_CHECK(!b.has_md5 && !b.has_ao);
}

/* The options walk alone, on the raw input: parse and check agree, and
 * what parse reports lies inside the area. */
static void check_opts_area(const uint8_t *data, size_t size)
{
	uint8_t *c = fuzz_dup(data, size);
	struct nlrs_tcp_opts o;
	int r = nlrs_tcp_opts_parse(c, size, &o);

	FUZZ_CHECK(r == 0 || r == NLRS_WIRE_BAD_OPTION);
	FUZZ_CHECK(nlrs_tcp_opts_check(c, size) == r);
	if (r == 0) {
		FUZZ_CHECK(o.nsack <= NLRS_TCP_MAX_SACK);
		FUZZ_CHECK(!o.has_wscale || o.wscale <= NLRS_TCP_MAX_WSCALE);
		if (o.fastopen_len)
			FUZZ_CHECK(o.fastopen >= c && o.fastopen + o.fastopen_len <= c + size &&
				   o.fastopen_len >= NLRS_TCP_FASTOPEN_MIN &&
				   o.fastopen_len <= NLRS_TCP_FASTOPEN_MAX);
		if (size <= NLRS_TCP_MAX_OPTLEN)
			check_opts_round_trip(&o);
	}
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlrs_tcp_hdr h, b;
	struct nlrs_tcp_opts o;
	uint8_t out[NLRS_TCP_MAX_HLEN];
	uint8_t *c = fuzz_dup(data, size);
	int r = nlrs_tcp_parse(c, size, &h);

	check_opts_area(data, size);
	if (r < 0) {
		FUZZ_CHECK((r == NLRS_WIRE_SHORT) == (size < NLRS_TCP_HLEN));
		FUZZ_CHECK(r == NLRS_WIRE_SHORT || r == NLRS_WIRE_BAD_HLEN ||
			   r == NLRS_WIRE_BAD_OPTION);
		free(c);
		return 0;
	}
	FUZZ_CHECK(r == h.hlen && h.hlen >= NLRS_TCP_HLEN && h.hlen <= NLRS_TCP_MAX_HLEN &&
		   (size_t)h.hlen <= size && h.hlen % 4 == 0);
	FUZZ_CHECK(h.optlen == h.hlen - NLRS_TCP_HLEN);
	FUZZ_CHECK(h.optlen ? h.opts == c + NLRS_TCP_HLEN : h.opts == NULL);
	FUZZ_CHECK((h.flags & ~NLRS_TCP_FLAGS_MASK) == 0);
	FUZZ_CHECK(nlrs_tcp_opts_parse(h.opts, h.optlen, &o) == 0);

	/* emit gives back the header, reserved bits cleared */
	FUZZ_CHECK(nlrs_tcp_emit(out, (size_t)h.hlen - 1, &h) == NLRS_WIRE_NOSPACE);
	FUZZ_CHECK(nlrs_tcp_emit(out, sizeof out, &h) == h.hlen);
	FUZZ_CHECK(memcmp(out, c, 12) == 0 && memcmp(out + 13, c + 13, (size_t)h.hlen - 13) == 0);
	FUZZ_CHECK(out[12] == (c[12] & 0xf1));
	FUZZ_CHECK(nlrs_tcp_parse(out, h.hlen, &b) == h.hlen);
	FUZZ_CHECK(b.sport == h.sport && b.dport == h.dport && b.seq == h.seq && b.ack == h.ack &&
		   b.flags == h.flags && b.window == h.window && b.csum == h.csum &&
		   b.urg == h.urg && b.optlen == h.optlen);

	/* emit in place (options aliasing the output) changes nothing */
	FUZZ_CHECK(nlrs_tcp_emit(c, size, &h) == h.hlen);
	FUZZ_CHECK(memcmp(c, out, h.hlen) == 0);

	{
		char s[NLRS_TCP_FLAGS_STRLEN];

		FUZZ_CHECK(strlen(nlrs_tcp_flags_str(h.flags, s)) < sizeof s);
	}
	free(c);
	return 0;
}
