/* SPDX-License-Identifier: BSD-2-Clause */
/* TCP stream reassembly: in-order and out-of-order delivery, both
 * directions, retransmissions, overlaps (first copy wins), gaps, missing
 * handshakes, FIN/RST/idle/eviction, bounded memory, sequence wrap. */
#include <criterion/criterion.h>

#include <stdlib.h>

#include "pkt_test.h"
#include "nlrs/reasm.h"
#include "wire/wire.h"

struct sink {
	char data[2][4096];
	size_t len[2];
	uint64_t gaps[2];
	int opens, closes, calls;
	enum nlrs_reasm_end why;
	struct nlrs_flow_key key;
};

static void on_open(void *ctx, struct nlrs_reasm_stream *s)
{
	struct sink *k = ctx;

	k->opens++;
	k->key = s->key;
	s->user = k;
}

static void on_data(void *ctx, struct nlrs_reasm_stream *s, enum nlrs_reasm_dir dir,
		    const uint8_t *p, size_t len, uint64_t gap)
{
	struct sink *k = ctx;

	cr_assert_eq(s->user, k);
	k->calls++;
	k->gaps[dir] += gap;
	for (uint64_t i = 0; i < gap && k->len[dir] < sizeof k->data[dir]; i++)
		k->data[dir][k->len[dir]++] = '_';
	cr_assert_leq(k->len[dir] + len, sizeof k->data[dir]);
	if (len)
		memcpy(k->data[dir] + k->len[dir], p, len);
	k->len[dir] += len;
}

static void on_close(void *ctx, struct nlrs_reasm_stream *s, enum nlrs_reasm_end why)
{
	struct sink *k = ctx;

	(void)s;
	k->closes++;
	k->why = why;
}

static struct sink S;
static struct nlrs_reasm *RA;
static struct nlrs_flow_key C2S, S2C;

static void setup(void)
{
	struct nlrs_reasm_config c;
	struct nlrs_pkt_endpoint a, b, pa, pb;

	memset(&S, 0, sizeof S);
	nlrs_reasm_config_default(&c);
	c.max_buffered_per_dir = 64;
	c.max_buffered_total = 256;
	c.max_conns = 4;
	c.idle_timeout = 1000;
	c.ctx = &S;
	c.open = on_open;
	c.data = on_data;
	c.close = on_close;
	RA = nlrs_reasm_new(&c);
	cr_assert_not_null(RA);
	nlrs_pkt_endpoint_ipv4(&a, T_IP_A);
	nlrs_pkt_endpoint_ipv4(&b, T_IP_B);
	nlrs_pkt_endpoint_port(&pa, NLRS_EP_TCP, 40000);
	nlrs_pkt_endpoint_port(&pb, NLRS_EP_TCP, 80);
	nlrs_flow_make(&C2S.net, &a, &b);
	nlrs_flow_make(&C2S.tp, &pa, &pb);
	nlrs_flow_key_reverse(&C2S, &S2C);
}

static void teardown(void)
{
	nlrs_reasm_free(RA);
}

TestSuite(reasm, .init = setup, .fini = teardown);

static void seg(const struct nlrs_flow_key *k, uint32_t seq, uint16_t fl, const char *d, uint64_t ts)
{
	size_t n = d ? strlen(d) : 0;

	cr_assert_eq(nlrs_reasm_add_segment(RA, k, seq, fl, (const uint8_t *)d, n, 0, ts), 1);
}

#define SYN NLRS_TCPF_SYN
#define ACK NLRS_TCPF_ACK
#define FIN NLRS_TCPF_FIN
#define RST NLRS_TCPF_RST

static void handshake(uint32_t cisn, uint32_t sisn)
{
	seg(&C2S, cisn, SYN, NULL, 1);
	seg(&S2C, sisn, SYN | ACK, NULL, 2);
	seg(&C2S, cisn + 1, ACK, NULL, 3);
}

Test(reasm, in_order_both_directions_close_on_fins)
{
	struct nlrs_reasm_stats st;

	handshake(100, 900);
	seg(&C2S, 101, ACK, "GET / HTTP/1.1\r\n\r\n", 4);
	seg(&S2C, 901, ACK, "HTTP/1.1 200 OK\r\n", 5);
	seg(&S2C, 918, ACK | FIN, "\r\nhi", 6);
	cr_assert_eq(S.closes, 0);
	seg(&C2S, 119, ACK | FIN, NULL, 7);
	cr_assert_eq(S.closes, 1);
	cr_assert_eq(S.why, NLRS_REASM_END_FIN);
	cr_assert_eq(S.opens, 1);
	cr_assert(nlrs_flow_key_equal(&S.key, &C2S));
	cr_assert_eq(S.len[0], 18);
	cr_assert_eq(memcmp(S.data[0], "GET / HTTP/1.1\r\n\r\n", 18), 0);
	cr_assert_eq(S.len[1], 21);
	cr_assert_eq(memcmp(S.data[1], "HTTP/1.1 200 OK\r\n\r\nhi", 21), 0);
	cr_assert_eq(nlrs_reasm_conns(RA), 0);
	nlrs_reasm_get_stats(RA, &st);
	cr_assert_eq(st.delivered_bytes, 39);
	cr_assert_eq(st.dup_bytes, 0);
	cr_assert_eq(st.gaps, 0);
}

Test(reasm, out_of_order_and_retransmissions)
{
	struct nlrs_reasm_stats st;

	handshake(1000, 5000);
	seg(&C2S, 1007, ACK, "world", 4);  /* ahead */
	seg(&C2S, 1006, ACK, " ", 5);      /* ahead, after the hole */
	cr_assert_eq(S.len[0], 0);
	seg(&C2S, 1001, ACK, "hello", 6);  /* fills: everything flows */
	cr_assert_eq(S.len[0], 11);
	seg(&C2S, 1007, ACK, "abcd", 7);   /* overlaps the first copy: ignored */
	seg(&C2S, 1001, ACK, "hello", 8);  /* a retransmission */
	seg(&C2S, 1007, ACK, "world!", 9); /* one new byte */
	cr_assert_eq(S.len[0], 12);
	cr_assert_eq(memcmp(S.data[0], "hello world!", 12), 0);
	nlrs_reasm_get_stats(RA, &st);
	cr_assert_eq(st.ooo_segments, 2);
	cr_assert_eq(st.dup_bytes, 4 + 5 + 5);
	cr_assert_eq(st.gaps, 0);
}

Test(reasm, overlapping_buffered_copies_first_wins_and_conflicts_counted)
{
	struct nlrs_reasm_stats st;

	handshake(0, 0);
	seg(&C2S, 6, ACK, "XXXX", 4);   /* buffered [6,10) */
	seg(&C2S, 4, ACK, "abCDEFgh", 5); /* [4,12): 6..9 already held, 2 bytes new each side */
	seg(&C2S, 1, ACK, "123", 6);
	cr_assert_eq(S.len[0], 11);
	cr_assert_eq(memcmp(S.data[0], "123abXXXXgh", 11), 0);
	nlrs_reasm_get_stats(RA, &st);
	cr_assert_eq(st.overlap_conflicts, 4);
	cr_assert_eq(st.dup_bytes, 4);
}

Test(reasm, missing_handshake_starts_midstream)
{
	seg(&S2C, 77777, ACK, "response", 1); /* first seen: its sender is the client */
	seg(&C2S, 5, ACK, "request", 2);
	cr_assert_eq(S.opens, 1);
	cr_assert(nlrs_flow_key_equal(&S.key, &S2C));
	cr_assert_eq(S.len[0], 8);
	cr_assert_eq(S.len[1], 7);
	/* a bare ACK of a connection never seen opens nothing */
	nlrs_reasm_flush_all(RA);
	memset(&S, 0, sizeof S);
	seg(&C2S, 5, ACK, NULL, 3);
	cr_assert_eq(S.opens, 0);
	cr_assert_eq(nlrs_reasm_conns(RA), 0);
}

Test(reasm, syn_ack_first_names_the_server)
{
	seg(&S2C, 900, SYN | ACK, NULL, 1);
	seg(&C2S, 101, ACK, "abc", 2);
	cr_assert(nlrs_flow_key_equal(&S.key, &C2S));
	cr_assert_eq(S.len[NLRS_REASM_C2S], 3);
}

Test(reasm, buffer_cap_skips_the_hole_as_a_gap)
{
	char big[41];
	struct nlrs_reasm_stats st;

	memset(big, 'b', 40);
	big[40] = '\0';
	handshake(0, 0);
	seg(&C2S, 1, ACK, "aa", 2);
	seg(&C2S, 11, ACK, big, 3);  /* 40 buffered, hole [3,11) */
	cr_assert_eq(S.len[0], 2);
	seg(&C2S, 51, ACK, big, 4);  /* 80 > 64: the hole is skipped */
	cr_assert_eq(S.gaps[0], 8);
	cr_assert_eq(S.len[0], 2 + 8 + 80);
	cr_assert_eq(S.data[0][2], '_');
	cr_assert_eq(S.data[0][10], 'b');
	nlrs_reasm_get_stats(RA, &st);
	cr_assert_eq(st.gaps, 1);
	cr_assert_eq(st.gap_bytes, 8);
	cr_assert_eq(st.buffered_now, 0);
	cr_assert_leq(st.buffered_peak, 80);
}

Test(reasm, gaps_left_at_flush_and_rst)
{
	handshake(0, 0);
	seg(&C2S, 6, ACK, "later", 2);
	cr_assert_eq(S.len[0], 0);
	seg(&C2S, 1, RST, NULL, 3);
	cr_assert_eq(S.closes, 1);
	cr_assert_eq(S.why, NLRS_REASM_END_RST);
	cr_assert_eq(S.gaps[0], 5);
	cr_assert_eq(S.len[0], 10);
	/* a flushed connection with a hole */
	memset(&S, 0, sizeof S);
	handshake(0, 0);
	seg(&S2C, 3, ACK, "tail", 4);
	nlrs_reasm_flush_all(RA);
	cr_assert_eq(S.why, NLRS_REASM_END_FLUSH);
	cr_assert_eq(S.gaps[1], 2);
	cr_assert_eq(memcmp(S.data[1], "__tail", 6), 0);
}

Test(reasm, fin_waits_for_the_bytes_before_it)
{
	handshake(0, 0);
	seg(&C2S, 4, ACK | FIN, "def", 2); /* FIN at 7, bytes 1..3 missing */
	seg(&S2C, 1, ACK | FIN, NULL, 3);
	cr_assert_eq(S.closes, 0);
	seg(&C2S, 1, ACK, "abc", 4);       /* the retransmission arrives */
	cr_assert_eq(S.closes, 1);
	cr_assert_eq(S.why, NLRS_REASM_END_FIN);
	cr_assert_eq(memcmp(S.data[0], "abcdef", 6), 0);
	cr_assert_eq(S.gaps[0], 0);
}

Test(reasm, idle_expiry_and_eviction)
{
	struct nlrs_flow_key k[5];
	struct nlrs_reasm_stats st;

	handshake(0, 0);
	nlrs_reasm_expire(RA, 500);
	cr_assert_eq(S.closes, 0);
	nlrs_reasm_expire(RA, 5000);
	cr_assert_eq(S.closes, 1);
	cr_assert_eq(S.why, NLRS_REASM_END_IDLE);
	/* five connections with room for four: the oldest goes */
	for (int i = 0; i < 5; i++) {
		k[i] = C2S;
		nlrs_wr16(k[i].tp.src, (uint16_t)(1000 + i));
		cr_assert_eq(nlrs_reasm_add_segment(RA, &k[i], 0, SYN, NULL, 0, 0, 6000 + i), 1);
	}
	cr_assert_eq(nlrs_reasm_conns(RA), 4);
	cr_assert_eq(S.why, NLRS_REASM_END_EVICT);
	nlrs_reasm_get_stats(RA, &st);
	cr_assert_eq(st.evicted, 1);
	cr_assert_eq(st.conns, 6);
}

Test(reasm, sequence_numbers_wrap)
{
	handshake(0xfffffffdu, 10);
	seg(&C2S, 0xfffffffeu, ACK, "ab", 2);
	seg(&C2S, 2, ACK, "ef", 3); /* ahead, across the wrap */
	seg(&C2S, 0, ACK, "cd", 4);
	cr_assert_eq(S.len[0], 6);
	cr_assert_eq(memcmp(S.data[0], "abcdef", 6), 0);
}

Test(reasm, far_away_segments_are_not_buffered)
{
	struct nlrs_reasm_stats st;

	handshake(0, 0);
	seg(&C2S, 0x60000000u, ACK, "zz", 2);
	nlrs_reasm_get_stats(RA, &st);
	cr_assert_eq(st.out_of_window, 1);
	cr_assert_eq(st.buffered_now, 0);
}

Test(reasm, decoded_packets_and_cut_captures)
{
	uint8_t f[256];
	struct nlrs_pkt p;
	int n;

	n = t_build_tcp4(f, sizeof f, 40000, 80, NLRS_TCPF_SYN, NULL, 0);
	nlrs_pkt_decode(&p, 1, f, (size_t)n, (size_t)n, NULL);
	cr_assert_eq(nlrs_reasm_add(RA, &p, 1), 1);
	/* seq 1000 from the helper: data at 1001 after the SYN */
	{
		struct nlrs_pkt_builder b;

		nlrs_pkt_build_init(&b, f, sizeof f);
		nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ 0 }, 0);
		nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 1, .src = T_IP_A, .dst = T_IP_B }, 0);
		nlrs_pkt_build_tcp(&b, &(struct nlrs_pkt_tcp){ .sport = 40000, .dport = 80, .seq = 1001,
							       .flags = ACK }, 0);
		nlrs_pkt_build_payload(&b, "0123456789", 10);
		n = nlrs_pkt_build_finish(&b);
	}
	/* captured 4 of the 10 payload bytes: 6 become a gap */
	nlrs_pkt_decode(&p, 1, f, (size_t)n - 6, (size_t)n, NULL);
	cr_assert_eq(nlrs_reasm_add(RA, &p, 2), 1);
	nlrs_pkt_decode(&p, 1, frame_arp_reply, frame_arp_reply_len, frame_arp_reply_len, NULL);
	cr_assert_eq(nlrs_reasm_add(RA, &p, 3), 0);
	nlrs_reasm_flush_all(RA);
	cr_assert_eq(memcmp(S.data[0], "0123______", 10), 0);
	cr_assert_eq(S.gaps[0], 6);
}

Test(reasm, bad_config_and_arguments)
{
	struct nlrs_reasm_config c;

	nlrs_reasm_config_default(&c);
	c.max_conns = 0;
	cr_assert_null(nlrs_reasm_new(&c));
	cr_assert_null(nlrs_reasm_new(NULL));
	cr_assert_eq(nlrs_reasm_add_segment(RA, NULL, 0, 0, NULL, 0, 0, 0), -NLRS_EINVAL);
	cr_assert_eq(nlrs_reasm_add_segment(RA, &C2S, 0, 0, NULL, 5, 0, 0), -NLRS_EINVAL);
	nlrs_reasm_free(NULL);
}
