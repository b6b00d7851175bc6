/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness for the ICMPv6 view (stack/wire/icmp6.c): header parse
 * -> emit gives back the same bytes; each Neighbor Discovery view accepts
 * exactly when the type, code, fixed length and options walk allow it; the
 * options walk hands out options that tile the area, touched byte by byte;
 * every option parser runs on every option and agrees with its length. */
#include "fuzz.h"
#include "wire/icmp6.h"


struct tile {
	const uint8_t *area;
	size_t len;
	size_t next; /* where the next option must start */
	int n;
};

static int touch_opt(void *ctx, uint8_t type, const uint8_t *opt, size_t optlen)
{
	struct tile *t = ctx;
	volatile uint8_t x = type;
	uint8_t mac[6];
	struct nlrs_nd_prefix pi;
	struct nlrs_nd_route_info ri;
	uint32_t mtu;
	int r;

	FUZZ_CHECK(opt == t->area + t->next && optlen >= 8 && optlen % 8 == 0);
	FUZZ_CHECK(optlen <= t->len - t->next);
	FUZZ_CHECK(opt[0] == type && (size_t)opt[1] * 8 == optlen);
	for (size_t i = 0; i < optlen; i++)
		x ^= opt[i];
	(void)x;
	t->next += optlen;
	t->n++;

	/* every parser on every option: right type and length or an error */
	r = nlrs_nd_opt_lladdr(opt, optlen, mac);
	FUZZ_CHECK(r == 0 ? (type == 1 || type == 2) && optlen == 8 && !memcmp(mac, opt + 2, 6)
			  : r == NLRS_WIRE_BAD_FORMAT || r == NLRS_WIRE_BAD_OPTION);
	r = nlrs_nd_opt_mtu(opt, optlen, &mtu);
	FUZZ_CHECK(r == 0 ? type == NLRS_ND_OPT_MTU && optlen == 8 && mtu == nlrs_rd32(opt + 4)
			  : r == NLRS_WIRE_BAD_FORMAT || r == NLRS_WIRE_BAD_OPTION);
	r = nlrs_nd_opt_prefix(opt, optlen, &pi);
	if (r == 0) {
		FUZZ_CHECK(type == NLRS_ND_OPT_PREFIX && optlen == 32 && pi.plen <= 128);
		for (unsigned b = pi.plen; b < 128; b++)
			FUZZ_CHECK(!(pi.prefix[b / 8] & (0x80 >> (b % 8))));
	} else {
		FUZZ_CHECK(r == NLRS_WIRE_BAD_FORMAT || r == NLRS_WIRE_BAD_OPTION);
	}
	r = nlrs_nd_opt_route_info(opt, optlen, &ri);
	if (r == 0) {
		FUZZ_CHECK(type == NLRS_ND_OPT_ROUTE_INFO && optlen >= 8 && optlen <= 24);
		FUZZ_CHECK(ri.plen <= 128 && ri.plen <= (optlen - 8) * 8 && ri.prf <= 3);
		for (unsigned b = ri.plen; b < 128; b++)
			FUZZ_CHECK(!(ri.prefix[b / 8] & (0x80 >> (b % 8))));
	} else {
		FUZZ_CHECK(r == NLRS_WIRE_BAD_FORMAT || r == NLRS_WIRE_BAD_OPTION);
	}
	return 0;
}

/* Walk p[0..len) as an options area; returns the walk's result. */
static int walk(const uint8_t *p, size_t len)
{
	struct tile t = { p, len, 0, 0 };
	int r = nlrs_nd_opts_walk(p, len, touch_opt, &t);

	FUZZ_CHECK(r == 0 || r == NLRS_WIRE_BAD_OPTION);
	FUZZ_CHECK(r != 0 || t.next == len);
	FUZZ_CHECK((size_t)t.n <= len / 8);
	FUZZ_CHECK(nlrs_nd_opts_walk(p, len, NULL, NULL) == r);
	return r;
}

/* What a view must return given type, code, fixed length and the walk. */
static void check_view(const uint8_t *data, size_t size, int r, uint8_t type, size_t fixed,
		       const struct nlrs_nd_opts *o)
{
	int want;

	if (size < fixed)
		want = NLRS_WIRE_SHORT;
	else if (data[0] != type || data[1] != 0)
		want = NLRS_WIRE_BAD_FORMAT;
	else if (walk(data + fixed, size - fixed) < 0)
		want = NLRS_WIRE_BAD_OPTION;
	else
		want = (int)fixed;
	FUZZ_CHECK(r == want);
	if (r >= 0)
		FUZZ_CHECK(o->len == size - fixed &&
			   (o->len ? o->p == data + fixed : o->p == NULL));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlrs_icmp6_hdr h, b;
	uint8_t out[NLRS_ICMP6_HLEN];
	struct nlrs_nd_rs rs;
	struct nlrs_nd_ra ra;
	struct nlrs_nd_ns ns;
	struct nlrs_nd_na na;
	struct nlrs_nd_redirect rd;
	int r = nlrs_icmp6_parse(data, size, &h);

	/* the input as a bare options area */
	walk(data, size);

	check_view(data, size, nlrs_nd_rs_parse(data, size, &rs), NLRS_ICMP6_ND_RS,
		   NLRS_ND_RS_LEN, &rs.opts);
	r = nlrs_nd_ra_parse(data, size, &ra);
	check_view(data, size, r, NLRS_ICMP6_ND_RA, NLRS_ND_RA_LEN, &ra.opts);
	if (r >= 0)
		FUZZ_CHECK(ra.cur_hlim == data[4] && ra.flags == data[5] &&
			   ra.managed == !!(data[5] & 0x80) && ra.other == !!(data[5] & 0x40) &&
			   ra.lifetime == nlrs_rd16(data + 6) && ra.reachable == nlrs_rd32(data + 8) &&
			   ra.retrans == nlrs_rd32(data + 12));
	r = nlrs_nd_ns_parse(data, size, &ns);
	check_view(data, size, r, NLRS_ICMP6_ND_NS, NLRS_ND_NS_LEN, &ns.opts);
	if (r >= 0)
		FUZZ_CHECK(!memcmp(ns.target, data + 8, 16));
	r = nlrs_nd_na_parse(data, size, &na);
	check_view(data, size, r, NLRS_ICMP6_ND_NA, NLRS_ND_NA_LEN, &na.opts);
	if (r >= 0)
		FUZZ_CHECK(!memcmp(na.target, data + 8, 16) && na.router == !!(data[4] & 0x80) &&
			   na.solicited == !!(data[4] & 0x40) && na.override == !!(data[4] & 0x20));
	r = nlrs_nd_redirect_parse(data, size, &rd);
	check_view(data, size, r, NLRS_ICMP6_ND_REDIRECT, NLRS_ND_REDIRECT_LEN, &rd.opts);
	if (r >= 0)
		FUZZ_CHECK(!memcmp(rd.target, data + 8, 16) && !memcmp(rd.dst, data + 24, 16));

	r = nlrs_icmp6_parse(data, size, &h);
	if (r < 0) {
		FUZZ_CHECK(r == NLRS_WIRE_SHORT && size < NLRS_ICMP6_HLEN);
		return 0;
	}
	FUZZ_CHECK(r == (size >= NLRS_ICMP6_HLEN ? NLRS_ICMP6_HLEN : NLRS_ICMP6_MIN_HLEN));
	FUZZ_CHECK(h.type == data[0] && h.code == data[1] && h.csum == nlrs_rd16(data + 2));
	FUZZ_CHECK(nlrs_icmp6_is_error(h.type) == (h.type < 128));
	FUZZ_CHECK(nlrs_icmp6_emit(out, sizeof out - 1, &h) == NLRS_WIRE_NOSPACE);
	FUZZ_CHECK(nlrs_icmp6_emit(out, sizeof out, &h) == NLRS_ICMP6_HLEN);
	FUZZ_CHECK(memcmp(out, data, (size_t)r) == 0);
	if (r == NLRS_ICMP6_MIN_HLEN)
		FUZZ_CHECK(h.data == 0 && nlrs_rd32(out + 4) == 0);
	FUZZ_CHECK(nlrs_icmp6_parse(out, sizeof out, &b) == NLRS_ICMP6_HLEN);
	FUZZ_CHECK(b.type == h.type && b.code == h.code && b.csum == h.csum && b.data == h.data);
	return 0;
}
