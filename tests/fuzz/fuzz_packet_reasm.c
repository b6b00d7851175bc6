/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness for TCP reassembly (reasm.c): the input is a list of
 * segments (direction, flags, sequence number, length, bytes cut) over a
 * few connections, with small caps; every byte sent at sequence number s
 * is s mod 256, so each direction's delivered stream, gaps counted, must
 * run without a skip or a repeat; the reassembler's memory returns to
 * zero and every opened connection is closed at the end. */
#include "fuzz.h"
#include "nlrs/reasm.h"

struct check {
	int opens, closes;
};

/* Per stream: the last byte delivered in each direction. */
struct stream {
	bool seen[2];
	uint8_t last[2];
};

/* The byte sent at sequence number s. */
static uint8_t byte_at(uint32_t s)
{
	return (uint8_t)s;
}

static void on_open(void *ctx, struct nlrs_reasm_stream *s)
{
	struct check *c = ctx;

	s->user = calloc(1, sizeof(struct stream));
	FUZZ_CHECK(s->user != NULL);
	c->opens++;
}

/* Bytes come in sequence order: each is the one after the last, plus
 * the gap reported before it. */
static void on_data(void *ctx, struct nlrs_reasm_stream *s, enum nlrs_reasm_dir dir,
		    const uint8_t *p, size_t len, uint64_t gap)
{
	struct stream *st = s->user;

	(void)ctx;
	FUZZ_CHECK(len == 0 || p != NULL);
	FUZZ_CHECK(len > 0 || gap > 0);
	if (len == 0) {
		if (st->seen[dir])
			st->last[dir] = (uint8_t)(st->last[dir] + gap);
		return;
	}
	if (st->seen[dir])
		FUZZ_CHECK(p[0] == (uint8_t)(st->last[dir] + 1 + gap));
	for (size_t i = 1; i < len; i++)
		FUZZ_CHECK(p[i] == (uint8_t)(p[i - 1] + 1));
	st->seen[dir] = true;
	st->last[dir] = p[len - 1];
}

static void on_close(void *ctx, struct nlrs_reasm_stream *s, enum nlrs_reasm_end why)
{
	struct check *c = ctx;

	FUZZ_CHECK(why >= NLRS_REASM_END_FIN && why <= NLRS_REASM_END_EVICT);
	free(s->user);
	c->closes++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlrs_reasm_config cfg;
	struct nlrs_reasm_stats st;
	struct nlrs_reasm *ra;
	struct check chk = { 0, 0 };
	static uint8_t payload[2048];
	uint64_t ts = 0;

	for (uint32_t i = 0; i < sizeof payload; i++)
		payload[i] = byte_at(i);
	nlrs_reasm_config_default(&cfg);
	cfg.max_conns = 3;
	cfg.max_buffered_per_dir = 300;
	cfg.max_buffered_total = 700;
	cfg.idle_timeout = 50;
	cfg.ctx = &chk;
	cfg.open = on_open;
	cfg.data = on_data;
	cfg.close = on_close;
	ra = nlrs_reasm_new(&cfg);
	FUZZ_CHECK(ra != NULL);
	/* 6 bytes a segment: conn+dir, flags, seq (2, scaled), len (1), cut (1) */
	for (size_t i = 0; i + 6 <= size; i += 6) {
		struct nlrs_flow_key k;
		struct nlrs_pkt_endpoint a, b, pa, pb;
		uint8_t conn = data[i] & 3, dir = data[i] >> 7 & 1;
		uint16_t flags = data[i + 1] & (NLRS_TCPF_SYN | NLRS_TCPF_FIN | NLRS_TCPF_RST | NLRS_TCPF_ACK);
		uint32_t seq = (uint32_t)(data[i + 2] << 8 | data[i + 3]) * 7u + (data[i] & 0x40 ? 0xffff0000u : 0);
		size_t len = data[i + 4], cut = data[i + 5] & 0x0f;
		uint32_t off = seq % 1024;

		nlrs_pkt_endpoint_ipv4(&a, dir ? 2 : 1);
		nlrs_pkt_endpoint_ipv4(&b, dir ? 1 : 2);
		nlrs_pkt_endpoint_port(&pa, NLRS_EP_TCP, (uint16_t)(dir ? 80 : 1000 + conn));
		nlrs_pkt_endpoint_port(&pb, NLRS_EP_TCP, (uint16_t)(dir ? 1000 + conn : 80));
		nlrs_flow_make(&k.net, &a, &b);
		nlrs_flow_make(&k.tp, &pa, &pb);
		if (cut > len)
			cut = len;
		ts += data[i + 5] >> 4;
		/* data on a SYN starts one sequence number later */
		if (flags & NLRS_TCPF_SYN)
			off++;
		FUZZ_CHECK(nlrs_reasm_add_segment(ra, &k, seq, flags, payload + off, len - cut, cut, ts) == 1);
		nlrs_reasm_get_stats(ra, &st);
		FUZZ_CHECK(st.buffered_now <= cfg.max_buffered_total + 256);
		FUZZ_CHECK(nlrs_reasm_conns(ra) <= cfg.max_conns);
	}
	nlrs_reasm_flush_all(ra);
	nlrs_reasm_get_stats(ra, &st);
	FUZZ_CHECK(st.buffered_now == 0);
	FUZZ_CHECK(nlrs_reasm_conns(ra) == 0);
	FUZZ_CHECK(chk.closes == chk.opens);
	nlrs_reasm_free(ra);
	return 0;
}
