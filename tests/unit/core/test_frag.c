/* SPDX-License-Identifier: BSD-2-Clause */
/* IPv4 reassembly and fragmentation (stack/ipv4_frag.c), RFC 791 3.2,
 * RFC 1122 3.3.2, RFC 5722-style overlap handling. */
#include "harness.h"

#include <stdlib.h>

TestSuite(frag, .init = h_setup_peer, .fini = h_teardown);

#define FRAG 1480u /* payload per fragment at MTU 1500 */

/* An echo request of icmp_len bytes (header included) in a malloc'd buffer. */
static uint8_t *echo_msg(size_t icmp_len, uint16_t seq, unsigned seed)
{
	uint8_t *m = malloc(icmp_len);
	uint8_t *d = malloc(icmp_len);
	cr_assert(m && d);
	h_pattern(d, icmp_len - 8, seed);
	h_echo(m, 0xbeef, seq, d, icmp_len - 8);
	free(d);
	return m;
}

static struct h_ip frag_ip(uint16_t id)
{
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	ip.id = id;
	return ip;
}

/* The echo reply to msg must come out fragmented to 1500 and rebuild to
 * msg with the type changed. */
static void assert_echo_reply(const uint8_t *msg, size_t icmp_len)
{
	int first = h_nth_ip(0);
	cr_assert_geq(first, 0, "no reply");
	struct h_rx r;
	h_parse((unsigned)first, &r);
	cr_assert_eq(r.ip.proto, NLRS_IPPROTO_ICMP);
	uint8_t *out = malloc(65536);
	unsigned nfrag;
	struct nlrs_ipv4_hdr fh;
	size_t n = h_reassemble(NLRS_IPPROTO_ICMP, r.ip.id, 1500, out, 65536, &nfrag, &fh);
	cr_assert_eq(n, icmp_len, "reply of %zu bytes for a request of %zu", n, icmp_len);
	cr_assert_eq(nfrag, (icmp_len + FRAG - 1) / FRAG);
	cr_assert_eq(fh.src, OUR_IP);
	cr_assert_eq(fh.dst, PEER_IP);
	cr_assert_eq(out[0], NLRS_ICMP_ECHOREPLY);
	cr_assert_eq(out[1], 0);
	cr_assert_eq(memcmp(out + 4, msg + 4, icmp_len - 4), 0, "reply payload differs");
	cr_assert(h_csum_ok(out, n), "ICMP checksum of the reassembled reply");
	free(out);
}

CORE_TEST(frag, in_order_fragments_reassemble_and_reply_is_fragmented)
{
	const size_t len = 8 + 4000;
	uint8_t *m = echo_msg(len, 1, 1);
	struct h_ip ip = frag_ip(100);
	cr_assert_eq(h_fragments(&ip, m, len, FRAG, NULL, 3), 3);
	cr_assert_eq(CTR(frag_rx), 3);
	cr_assert_eq(CTR(frag_reassembled), 1);
	cr_assert_eq(CTR(icmp_echo_replies), 1);
	assert_echo_reply(m, len);
	cr_assert_eq(CTR(frag_tx), 3);
	free(m);
}

CORE_TEST(frag, out_of_order_fragments_reassemble)
{
	const size_t len = 8 + 4000;
	const unsigned order[3] = { 2, 0, 1 };
	uint8_t *m = echo_msg(len, 2, 2);
	struct h_ip ip = frag_ip(101);
	h_fragments(&ip, m, len, FRAG, order, 3);
	cr_assert_eq(CTR(frag_reassembled), 1);
	assert_echo_reply(m, len);
	free(m);
}

CORE_TEST(frag, largest_echo_reassembles_from_44_fragments_in_reverse)
{
	const size_t len = 65000 - 20;
	uint8_t *m = echo_msg(len, 3, 3);
	struct h_ip ip = frag_ip(102);
	unsigned order[44];
	for (unsigned i = 0; i < 44; i++)
		order[i] = 43 - i;
	cr_assert_eq(h_fragments(&ip, m, len, FRAG, order, 44), 44);
	cr_assert_eq(CTR(frag_reassembled), 1);
	cr_assert_eq(CTR(icmp_echo_replies), 1);
	assert_echo_reply(m, len);
	free(m);
}

CORE_TEST(frag, maximum_size_datagram_reassembles)
{
	const size_t len = 65535 - 20;
	uint8_t *m = echo_msg(len, 4, 4);
	struct h_ip ip = frag_ip(103);
	unsigned n = h_fragments(&ip, m, len, FRAG, NULL, 45);
	cr_assert_eq(n, 45);
	cr_assert_eq(CTR(frag_too_big), 0);
	cr_assert_eq(CTR(frag_reassembled), 1);
	assert_echo_reply(m, len);
	free(m);
}

CORE_TEST(frag, exact_duplicate_dropped_alone_and_datagram_completes)
{
	const size_t len = 8 + 4000;
	const unsigned order[4] = { 0, 0, 1, 2 };
	uint8_t *m = echo_msg(len, 5, 5);
	struct h_ip ip = frag_ip(104);
	h_fragments(&ip, m, len, FRAG, order, 4);
	cr_assert_eq(CTR(frag_dup), 1);
	cr_assert_eq(CTR(frag_overlap), 0);
	cr_assert_eq(CTR(frag_reassembled), 1);
	assert_echo_reply(m, len);
	free(m);
}

CORE_TEST(frag, overlapping_fragment_drops_whole_datagram)
{
	const size_t len = 8 + 4000;
	uint8_t *m = echo_msg(len, 6, 6);
	struct h_ip ip = frag_ip(105);
	const unsigned first[1] = { 0 };
	h_fragments(&ip, m, len, FRAG, first, 1);
	/* 1000..1800 overlaps the tail of the first fragment. */
	struct h_ip o = ip;
	o.frag_off = 1000;
	o.mf = true;
	h_inject_ip(&o, m + 1000, 800);
	cr_assert_eq(CTR(frag_overlap), 1);
	for (unsigned i = 0; i < S->cfg.reasm_slots; i++)
		cr_assert_not(S->reasm[i].used, "the datagram is still held");
	cr_assert_eq(S->reasm_bytes, 0);
	const unsigned rest[2] = { 1, 2 };
	h_fragments(&ip, m, len, FRAG, rest, 2);
	cr_assert_eq(CTR(frag_reassembled), 0, "later fragments completed a condemned datagram");
	cr_assert_eq(NTX, 0);
	free(m);
}

CORE_TEST(frag, overlap_from_the_left_also_drops_datagram)
{
	const size_t len = 8 + 4000;
	uint8_t *m = echo_msg(len, 7, 7);
	struct h_ip ip = frag_ip(106);
	const unsigned second[1] = { 1 };
	h_fragments(&ip, m, len, FRAG, second, 1);
	struct h_ip o = ip;
	o.frag_off = 0;
	o.mf = true;
	h_inject_ip(&o, m, 1488); /* 0..1488 runs 8 bytes into 1480.. */
	cr_assert_eq(CTR(frag_overlap), 1);
	const unsigned rest[2] = { 0, 2 };
	h_fragments(&ip, m, len, FRAG, rest, 2);
	cr_assert_eq(CTR(frag_reassembled), 0);
	cr_assert_eq(NTX, 0);
	free(m);
}

CORE_TEST(frag, two_last_fragments_with_different_ends_drop_datagram)
{
	const size_t len = 8 + 4000;
	uint8_t *m = echo_msg(len, 8, 8);
	struct h_ip ip = frag_ip(107);
	const unsigned last[1] = { 2 };
	h_fragments(&ip, m, len, FRAG, last, 1);
	struct h_ip o = ip;
	o.frag_off = 2960;
	o.mf = false;
	h_inject_ip(&o, m + 2960, 16);
	cr_assert_eq(CTR(frag_overlap), 1);
	free(m);
}

CORE_TEST(frag, middle_fragment_not_multiple_of_8_counted_bad_len)
{
	uint8_t data[1001];
	h_pattern(data, sizeof data, 9);
	struct h_ip ip = frag_ip(108);
	ip.mf = true;
	ip.frag_off = 1480;
	h_inject_ip(&ip, data, sizeof data);
	cr_assert_eq(CTR(frag_bad_len), 1);
	cr_assert_eq(S->reasm_bytes, 0);
	cr_assert_eq(S->pool.avail, S->pool.count);
}

CORE_TEST(frag, fragment_ending_past_65535_counted_too_big)
{
	uint8_t data[16];
	h_pattern(data, sizeof data, 10);
	struct h_ip ip = frag_ip(109);
	ip.frag_off = 65528; /* the largest offset the field can hold */
	h_inject_ip(&ip, data, sizeof data);
	cr_assert_eq(CTR(frag_too_big), 1);
	cr_assert_eq(S->reasm_bytes, 0);
	for (unsigned i = 0; i < S->cfg.reasm_slots; i++)
		cr_assert_not(S->reasm[i].used);
}

CORE_TEST(frag, timeout_frees_fragments_and_sends_time_exceeded_when_first_came)
{
	const size_t len = 8 + 4000;
	uint8_t *m = echo_msg(len, 11, 11);
	struct h_ip ip = frag_ip(110);
	const unsigned got[2] = { 0, 2 };
	h_fragments(&ip, m, len, FRAG, got, 2);
	cr_assert_lt(S->pool.avail, S->pool.count);
	h_advance(S->cfg.reasm_timeout - 1);
	cr_assert_eq(CTR(frag_timeout), 0);
	cr_assert_eq(NTX, 0);
	h_advance(1);
	cr_assert_eq(CTR(frag_timeout), 1);
	cr_assert_eq(S->pool.avail, S->pool.count, "fragments freed at the timeout");
	cr_assert_eq(S->reasm_bytes, 0);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert(r.is_ip);
	cr_assert_eq(r.ip.dst, PEER_IP);
	cr_assert_eq(r.ip.proto, NLRS_IPPROTO_ICMP);
	cr_assert_eq(r.l4[0], NLRS_ICMP_TIME_EXCEEDED);
	cr_assert_eq(r.l4[1], NLRS_ICMP_EXC_FRAGTIME);
	cr_assert(h_csum_ok(r.l4, r.l4len));
	/* The quote starts with the first fragment's header and data. */
	uint8_t first[20 + FRAG];
	struct h_ip f0 = ip;
	f0.mf = true;
	h_ipv4(first, &f0, m, FRAG);
	cr_assert_geq(r.l4len, 8 + 28);
	cr_assert_eq(memcmp(r.l4 + 8, first, r.l4len - 8), 0);
	free(m);
}

CORE_TEST(frag, timeout_without_first_fragment_sends_nothing)
{
	const size_t len = 8 + 4000;
	uint8_t *m = echo_msg(len, 12, 12);
	struct h_ip ip = frag_ip(111);
	const unsigned got[2] = { 1, 2 };
	h_fragments(&ip, m, len, FRAG, got, 2);
	h_advance(S->cfg.reasm_timeout);
	cr_assert_eq(CTR(frag_timeout), 1);
	cr_assert_eq(NTX, 0);
	cr_assert_eq(S->pool.avail, S->pool.count);
	free(m);
}

CORE_TEST(frag, no_free_slot_evicts_oldest_datagram)
{
	struct nlrs_stack_config c = h_config();
	c.reasm_slots = 2;
	h_restart(&c);
	h_learn_peer();
	const size_t len = 8 + 4000;
	uint8_t *m[3];
	const unsigned first[1] = { 0 };
	for (unsigned i = 0; i < 3; i++) {
		m[i] = echo_msg(len, (uint16_t)(20 + i), 20 + i);
		struct h_ip ip = frag_ip((uint16_t)(200 + i));
		h_fragments(&ip, m[i], len, FRAG, first, 1);
		NOW += NLRS_MSEC(1);
	}
	cr_assert_eq(CTR(frag_no_slot), 1);
	for (unsigned i = 0; i < S->cfg.reasm_slots; i++)
		cr_assert_not(S->reasm[i].used && S->reasm[i].id == 200,
			      "the oldest datagram should have gone");
	/* The newest completes. */
	const unsigned rest[2] = { 1, 2 };
	struct h_ip ip2 = frag_ip(202);
	h_fragments(&ip2, m[2], len, FRAG, rest, 2);
	cr_assert_eq(CTR(frag_reassembled), 1);
	assert_echo_reply(m[2], len);
	for (unsigned i = 0; i < 3; i++)
		free(m[i]);
}

CORE_TEST(frag, byte_limit_refuses_fragments_and_counts)
{
	struct nlrs_stack_config c = h_config();
	c.reasm_max_bytes = 3u * c.buf_size;
	h_restart(&c);
	h_learn_peer();
	const size_t len = 8 + 5 * FRAG;
	uint8_t *m = echo_msg(len, 30, 30);
	struct h_ip ip = frag_ip(300);
	h_fragments(&ip, m, len, FRAG, NULL, 4);
	cr_assert_eq(CTR(frag_mem_limit), 1);
	cr_assert_leq(S->reasm_bytes, S->cfg.reasm_max_bytes);
	cr_assert_eq(S->reasm_bytes, 3u * c.buf_size);
	free(m);
}

/* ---- fragmentation on output ---- */

static int udp_sock(void)
{
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_DGRAM, 0);
	cr_assert_geq(sd, 0);
	struct nlrs_endpoint me = { .family = NLRS_AF_INET, .port = 4000 };
	cr_assert_eq(nlrs_sock_bind(S, sd, &me), 0);
	return sd;
}

static void assert_udp_fragmented(size_t len, unsigned want_frags)
{
	uint8_t *data = malloc(len);
	h_pattern(data, len, 40);
	int sd = udp_sock();
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 9999, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, data, len, &to), (int)len);
	cr_assert_eq(NTX, want_frags);
	struct h_rx r;
	h_parse(0, &r);
	uint8_t *out = malloc(65536);
	unsigned nfrag;
	size_t n = h_reassemble(NLRS_IPPROTO_UDP, r.ip.id, 1500, out, 65536, &nfrag, NULL);
	cr_assert_eq(nfrag, want_frags);
	cr_assert_eq(n, 8 + len);
	cr_assert_eq(nlrs_rd16(out), 4000);
	cr_assert_eq(nlrs_rd16(out + 2), 9999);
	cr_assert_eq(nlrs_rd16(out + 4), 8 + len);
	cr_assert(h_udp_csum_ok(OUR_IP, PEER_IP, out, n), "UDP checksum over the datagram");
	cr_assert_eq(memcmp(out + 8, data, len), 0, "fragment payloads do not add up");
	cr_assert_eq(CTR(frag_tx), want_frags);
	for (unsigned i = 0; i < NTX; i++) {
		h_parse(i, &r);
		cr_assert_eq(memcmp(r.eth.dst, PEER_MAC, 6), 0);
		cr_assert_eq(r.ip.df, 0);
	}
	free(out);
	free(data);
}

CORE_TEST(frag, udp_send_of_8000_bytes_fragmented_to_mtu)
{
	assert_udp_fragmented(8000, 6);
}

CORE_TEST(frag, udp_send_of_largest_datagram_fragmented)
{
	assert_udp_fragmented(65507, 45);
}

CORE_TEST(frag, udp_send_over_65507_bytes_refused)
{
	static uint8_t data[65508];
	int sd = udp_sock();
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 9999, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, data, sizeof data, &to), -NLRS_EMSGSIZE);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(frag, df_socket_option_gives_emsgsize)
{
	uint8_t data[8000];
	memset(data, 1, sizeof data);
	int sd = udp_sock();
	cr_assert_eq(nlrs_sock_setopt(S, sd, NLRS_IP_DF, 1), 0);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 9999, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, data, sizeof data, &to), -NLRS_EMSGSIZE);
	cr_assert_eq(CTR(ip_tx_frag_needed), 1);
	cr_assert_eq(NTX, 0);
	/* A datagram that fits goes out with DF set. */
	cr_assert_eq(nlrs_sock_sendto(S, sd, data, 1472, &to), 1472);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(r.ip.df, 1);
	cr_assert_eq(r.ip.tot_len, 1500);
}

CORE_TEST(frag, smaller_mtu_gives_smaller_fragments)
{
	cr_assert_eq(nlrs_iface_set_mtu(S, IFX, 576), 0);
	uint8_t data[2000];
	h_pattern(data, sizeof data, 41);
	int sd = udp_sock();
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 9999, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, data, sizeof data, &to), 2000);
	struct h_rx r;
	h_parse(0, &r);
	uint8_t out[4096];
	unsigned nfrag;
	size_t n = h_reassemble(NLRS_IPPROTO_UDP, r.ip.id, 576, out, sizeof out, &nfrag, NULL);
	cr_assert_eq(n, 2008);
	cr_assert_eq(nfrag, 4); /* 552 * 3 + 352 */
	cr_assert_eq(memcmp(out + 8, data, 2000), 0);
}

CORE_TEST(frag, fragmented_udp_datagram_delivered_whole_to_socket)
{
	uint8_t data[3000], u[3008], got[3100];
	h_pattern(data, sizeof data, 42);
	int sd = udp_sock();
	size_t un = h_udp(u, PEER_IP, OUR_IP, 1234, 4000, data, sizeof data);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_UDP);
	ip.id = 500;
	const unsigned order[3] = { 1, 2, 0 };
	h_fragments(&ip, u, un, FRAG, order, 3);
	cr_assert_eq(CTR(frag_reassembled), 1);
	struct nlrs_endpoint from;
	cr_assert_eq(nlrs_sock_recvfrom(S, sd, got, sizeof got, &from, 0), 3000);
	cr_assert_eq(memcmp(got, data, 3000), 0);
	cr_assert_eq(from.v4, PEER_IP);
	cr_assert_eq(from.port, 1234);
}

/* ---- random cuts, orders and duplicates ---- */

static uint32_t f_rng = 2024;
static uint32_t f_rand(void)
{
	f_rng ^= f_rng << 13;
	f_rng ^= f_rng >> 17;
	f_rng ^= f_rng << 5;
	return f_rng;
}

CORE_TEST(frag, random_cuts_orders_and_duplicates_reassemble_exactly)
{
	for (unsigned round = 0; round < 40; round++) {
		size_t len = 8 + 100 + f_rand() % 12000;
		uint8_t *m = echo_msg(len, (uint16_t)round, 50 + round);
		/* cut points: multiples of 8, pieces of 8..1480 bytes, at
		 * least two pieces (a whole datagram is not a fragment) */
		size_t off[2000], n = 0;
		unsigned units = (unsigned)((len - 1) / 8) < 185 ? (unsigned)((len - 1) / 8) : 185;
		for (size_t o = 0; o < len; n++) {
			off[n] = o;
			o += 8 * (1 + f_rand() % units);
		}
		off[n] = len;
		unsigned order[3000], k = 0;
		for (unsigned i = 0; i < n; i++)
			order[k++] = i;
		for (unsigned i = 0; i < n / 3; i++) /* some exact duplicates */
			order[k++] = f_rand() % (unsigned)n;
		for (unsigned i = k; i-- > 1;) {
			unsigned j = f_rand() % (i + 1);
			unsigned t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		h_clear();
		uint64_t done = CTR(frag_reassembled);
		struct h_ip ip = frag_ip((uint16_t)(1000 + round));
		for (unsigned q = 0; q < k && CTR(frag_reassembled) == done; q++) {
			unsigned i = order[q];
			struct h_ip f = ip;
			f.frag_off = (uint16_t)off[i];
			f.mf = i + 1 < n;
			h_inject_ip(&f, m + off[i], off[i + 1] - off[i]);
		}
		cr_assert_eq(CTR(frag_reassembled), done + 1, "round %u: %zu bytes in %zu pieces",
			     round, len, n);
		cr_assert_eq(CTR(frag_overlap), 0);
		if (len + 20 > 1500)
			assert_echo_reply(m, len);
		free(m);
	}
	cr_assert_eq(S->reasm_bytes, 0);
}

CORE_TEST(frag, no_leak_when_pool_runs_dry_at_any_point)
{
	/* A 16-buffer pool; before each run, hold all but `left` buffers,
	 * then feed a 3-fragment echo. Wherever allocation fails (input,
	 * reassembly, the reply, its fragments) nothing may leak: the
	 * restart checks the pool is full again. */
	const size_t len = 8 + 4000;
	uint8_t *m = echo_msg(len, 60, 60);
	for (unsigned left = 0; left <= 16; left++) {
		struct nlrs_stack_config c = h_config();
		c.buffers = 16;
		h_restart(&c);
		h_learn_peer();
		struct nlrs_buf *hold = NULL, *b;
		while (S->pool.avail > left && (b = nlrs_buf_alloc(&S->pool, 0)) != NULL) {
			b->qnext = hold;
			hold = b;
		}
		struct h_ip ip = frag_ip((uint16_t)(700 + left));
		for (unsigned i = 0; i < 3; i++) {
			uint8_t f[1600];
			struct h_ip fi = ip;
			fi.frag_off = (uint16_t)(i * FRAG);
			fi.mf = i < 2;
			size_t plen = i < 2 ? FRAG : len - 2 * FRAG;
			size_t n = h_ipv4(f + 14, &fi, m + i * FRAG, plen);
			h_eth(f, OUR_MAC, PEER_MAC, NLRS_ETHERTYPE_IPV4, NULL, 0);
			struct nlrs_buf *fb = nlrs_buf_from(&S->pool, 0, f, 14 + n);
			if (fb)
				nlrs_stack_input(S, IFX, fb, NOW);
		}
		h_advance(S->cfg.reasm_timeout);
		nlrs_buf_free_queue(hold);
		if (left >= 12)
			cr_assert_eq(CTR(icmp_echo_replies), 1, "enough buffers (%u) for a reply",
				     left);
	}
	free(m);
}
