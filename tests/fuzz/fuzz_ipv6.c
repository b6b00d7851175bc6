/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness for the IPv6 view (stack/wire/ipv6.c): parse -> emit
 * gives back the same 40 bytes; the extension-header walk stays inside the
 * payload, agrees with the fragment and routing header views and with its
 * own max_headers limit; the options of a hop-by-hop header, and the input
 * itself read as an options area, are walked with a callback that touches
 * every byte it is handed; the pseudo-header sum matches a sum over a
 * pseudo-header laid out in memory. */
#include "fuzz.h"
#include "wire/checksum.h"
#include "wire/ipv6.h"


struct touch {
	const uint8_t *area;
	size_t len;
	size_t last_end;
};

static int touch_opt(void *ctx, uint8_t type, const uint8_t *data, uint8_t dlen, size_t off)
{
	struct touch *t = ctx;
	volatile uint8_t x = type;

	FUZZ_CHECK(type != NLRS_IPV6_OPT_PAD1 && type != NLRS_IPV6_OPT_PADN);
	FUZZ_CHECK(off >= t->last_end && off + 2 + dlen <= t->len);
	FUZZ_CHECK(t->area[off] == type && t->area[off + 1] == dlen);
	FUZZ_CHECK(dlen ? data == t->area + off + 2 : data == NULL);
	for (size_t i = 0; i < dlen; i++)
		x ^= data[i];
	(void)x;
	t->last_end = off + 2 + dlen;
	return 0;
}

static void walk_opts(const uint8_t *area, size_t len)
{
	struct touch t = { area, len, 0 };
	int r = nlrs_ipv6_opts_walk(area, len, touch_opt, &t);

	FUZZ_CHECK(r == 0 || r == NLRS_WIRE_BAD_OPTION);
	FUZZ_CHECK(nlrs_ipv6_opts_walk(area, len, NULL, NULL) == r);
}

static void check_walk(const uint8_t *data, size_t size, const struct nlrs_ipv6_hdr *h)
{
	struct nlrs_ipv6_ext_walk w, w2;
	size_t end = NLRS_IPV6_HLEN + (size_t)h->plen;
	int r = nlrs_ipv6_walk(data, size, h, 64, &w);

	if (r < 0) {
		FUZZ_CHECK(r == NLRS_WIRE_BAD_LEN || r == NLRS_WIRE_BAD_FORMAT);
		return;
	}
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(w.off >= NLRS_IPV6_HLEN && w.off <= end);
	FUZZ_CHECK(w.off >= NLRS_IPV6_HLEN + 8u * w.nexts); /* each step >= 8 */
	FUZZ_CHECK(w.nexts <= 64 && (w.nexts == 0) == (w.off == NLRS_IPV6_HLEN));
	FUZZ_CHECK(w.proto != NLRS_IPV6_NH_HOPOPTS && w.proto != NLRS_IPV6_NH_ROUTING &&
		   w.proto != NLRS_IPV6_NH_FRAGMENT && w.proto != NLRS_IPV6_NH_DSTOPTS &&
		   w.proto != NLRS_IPV6_NH_AH);
	/* the limit is exact */
	FUZZ_CHECK(nlrs_ipv6_walk(data, size, h, w.nexts, &w2) == 0);
	FUZZ_CHECK(w2.off == w.off && w2.proto == w.proto && w2.nexts == w.nexts);
	if (w.nexts)
		FUZZ_CHECK(nlrs_ipv6_walk(data, size, h, w.nexts - 1u, &w2) ==
			   NLRS_WIRE_BAD_FORMAT);
	else
		FUZZ_CHECK(w.proto == h->next);

	if (w.hbh_off) {
		size_t hl;

		FUZZ_CHECK(w.hbh_off == NLRS_IPV6_HLEN && h->next == NLRS_IPV6_NH_HOPOPTS);
		hl = ((size_t)data[w.hbh_off + 1] + 1) * 8;
		FUZZ_CHECK(w.hbh_off + hl <= w.off);
		walk_opts(data + w.hbh_off + 2, hl - 2);
	} else {
		FUZZ_CHECK(h->next != NLRS_IPV6_NH_HOPOPTS);
	}
	if (w.has_frag) {
		struct nlrs_ipv6_frag f;
		uint8_t out[8];

		FUZZ_CHECK(w.frag_hdr_off >= NLRS_IPV6_HLEN && w.frag_hdr_off + 8 <= w.off);
		FUZZ_CHECK(nlrs_ipv6_frag_parse(data + w.frag_hdr_off, end - w.frag_hdr_off, &f) ==
			   8);
		FUZZ_CHECK(f.off == w.frag_off && f.more == w.frag_more && f.id == w.frag_id);
		FUZZ_CHECK(f.off % 8 == 0);
		FUZZ_CHECK(nlrs_ipv6_frag_emit(out, sizeof out, &f) == 8);
		/* only the reserved bits may differ */
		FUZZ_CHECK(out[0] == data[w.frag_hdr_off] && out[1] == 0);
		FUZZ_CHECK(out[2] == data[w.frag_hdr_off + 2]);
		FUZZ_CHECK(out[3] == (data[w.frag_hdr_off + 3] & 0xf9));
		FUZZ_CHECK(memcmp(out + 4, data + w.frag_hdr_off + 4, 4) == 0);
	} else {
		FUZZ_CHECK(w.frag_hdr_off == 0);
	}
	if (w.rt_off) {
		struct nlrs_ipv6_rthdr rt;
		int n = nlrs_ipv6_rthdr_parse(data + w.rt_off, end - w.rt_off, &rt);

		FUZZ_CHECK(n >= 8 && w.rt_off + (size_t)n <= w.off);
		FUZZ_CHECK(rt.data == data + w.rt_off + 4 && rt.dlen == (size_t)n - 4);
		{
			volatile uint8_t x = 0;
			for (size_t i = 0; i < rt.dlen; i++)
				x ^= rt.data[i];
			(void)x;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlrs_ipv6_hdr h, b;
	uint8_t out[NLRS_IPV6_HLEN], ph[40], sn[16], mac[6];
	int r = nlrs_ipv6_parse(data, size, &h);

	/* the input read as an options area and as bare extension headers */
	walk_opts(data, size);
	{
		struct nlrs_ipv6_rthdr rt;
		struct nlrs_ipv6_frag f;
		int n = nlrs_ipv6_rthdr_parse(data, size, &rt);

		FUZZ_CHECK(n == NLRS_WIRE_SHORT || n == NLRS_WIRE_BAD_LEN ||
			   (n >= 8 && (size_t)n <= size && n % 8 == 0));
		n = nlrs_ipv6_frag_parse(data, size, &f);
		FUZZ_CHECK(n == (size < 8 ? NLRS_WIRE_SHORT : 8));
	}
	if (r < 0) {
		FUZZ_CHECK(r == NLRS_WIRE_SHORT || r == NLRS_WIRE_BAD_VERSION ||
			   r == NLRS_WIRE_BAD_LEN);
		return 0;
	}
	FUZZ_CHECK(r == NLRS_IPV6_HLEN && NLRS_IPV6_HLEN + (size_t)h.plen <= size);
	FUZZ_CHECK(h.flow <= 0xfffff && h.next == data[6] && h.hlim == data[7]);

	FUZZ_CHECK(nlrs_ipv6_emit(out, sizeof out - 1, &h) == NLRS_WIRE_NOSPACE);
	FUZZ_CHECK(nlrs_ipv6_emit(out, sizeof out, &h) == NLRS_IPV6_HLEN);
	FUZZ_CHECK(memcmp(out, data, NLRS_IPV6_HLEN) == 0);
	FUZZ_CHECK(nlrs_ipv6_parse(data, size, &b) == NLRS_IPV6_HLEN);

	check_walk(data, size, &h);

	/* RFC 8200 8.1 pseudo-header, laid out byte by byte */
	memcpy(ph, h.src, 16);
	memcpy(ph + 16, h.dst, 16);
	nlrs_wr32(ph + 32, h.plen);
	nlrs_wr32(ph + 36, h.next);
	FUZZ_CHECK(nlrs_csum_fold(nlrs_csum_pseudo6(h.src, h.dst, h.next, h.plen)) ==
		   nlrs_csum_fold(nlrs_csum_add(0, ph, sizeof ph)));

	nlrs_ipv6_solicited_node(h.dst, sn);
	FUZZ_CHECK(nlrs_ipv6_is_multicast(sn) && memcmp(sn + 13, h.dst + 13, 3) == 0);
	nlrs_ipv6_mcast_mac(sn, mac);
	FUZZ_CHECK(mac[0] == 0x33 && mac[1] == 0x33 && mac[2] == 0xff);
	return 0;
}
