/* SPDX-License-Identifier: BSD-2-Clause */
/* Transport layers: TCP (every option, lies, cuts), UDP (length lies,
 * checksums), SCTP chunks and CRC32c. */
#include <criterion/criterion.h>

#include "pkt_test.h"
#include "wire/wire.h"

static int build_syn(uint8_t *f, size_t cap, const struct nlrs_pkt_tcp *t, unsigned keep)
{
	struct nlrs_pkt_builder b;

	nlrs_pkt_build_init(&b, f, cap);
	nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ .src = { 2, 0, 0, 0, 0, 1 } }, 0);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 64, .src = T_IP_A, .dst = T_IP_B }, 0);
	nlrs_pkt_build_tcp(&b, t, keep);
	return nlrs_pkt_build_finish(&b);
}

Test(l4, tcp_every_option_the_view_knows)
{
	static const uint8_t cookie[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct nlrs_pkt_tcp t = { .sport = 40000, .dport = 443, .seq = 0xfffffff0u, .flags = NLRS_TCPF_SYN,
				  .window = 65535 };
	uint8_t f[128];
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *l;
	int n;

	t.o.has_mss = true;
	t.o.mss = 1460;
	t.o.has_wscale = true;
	t.o.wscale = 7;
	t.o.sack_ok = true;
	t.o.has_ts = true;
	t.o.tsval = 123456;
	t.o.tsecr = 0;
	t.o.has_fastopen = true;
	t.o.fastopen_len = 8;
	t.o.fastopen = cookie;
	n = build_syn(f, sizeof f, &t, 0);
	t_decode(&p, 1, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	l = nlrs_pkt_transport(&p);
	cr_assert_eq(l->type, NLRS_LAYER_TCP);
	cr_assert(l->flags & NLRS_LF_CSUM_OK);
	cr_assert_eq(l->u.tcp.seq, 0xfffffff0u);
	cr_assert_eq(l->u.tcp.flags, NLRS_TCPF_SYN);
	cr_assert(l->u.tcp.o.has_mss && l->u.tcp.o.mss == 1460);
	cr_assert(l->u.tcp.o.has_wscale && l->u.tcp.o.wscale == 7);
	cr_assert(l->u.tcp.o.sack_ok);
	cr_assert(l->u.tcp.o.has_ts && l->u.tcp.o.tsval == 123456);
	cr_assert(l->u.tcp.o.has_fastopen && l->u.tcp.o.fastopen_len == 8);
	cr_assert_eq(memcmp(l->u.tcp.o.fastopen, cookie, 8), 0);
	cr_assert_eq(l->u.tcp.hlen, 20 + l->u.tcp.optlen);
	cr_assert_eq(l->u.tcp.o.nunknown, 0);
	/* no payload: no application layer */
	cr_assert_null(nlrs_pkt_application(&p));
}

Test(l4, tcp_raw_options_sack_mptcp_and_unknown_walk)
{
	/* NOP NOP SACK(2 blocks) MPTCP(len 4) kind 99 (len 2) EOL pad */
	uint8_t opts[32] = { 1, 1, 5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
			     30, 4, 0, 0, 99, 2, 0, 0 };
	struct nlrs_pkt_tcp t = { .sport = 1, .dport = 2, .flags = NLRS_TCPF_ACK, .opts = opts,
				  .optlen = 28 };
	uint8_t f[128];
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *l;
	struct nlrs_pkt_opt o;
	size_t pos = 0;
	int kinds[8], nk = 0, r;
	int n = build_syn(f, sizeof f, &t, 0);

	t_decode(&p, 1, f, (size_t)n, (size_t)n, 0);
	l = nlrs_pkt_transport(&p);
	cr_assert_eq(l->u.tcp.o.nsack, 2);
	cr_assert_eq(l->u.tcp.o.sack[1].left, 3);
	cr_assert_eq(l->u.tcp.o.sack[1].right, 4);
	cr_assert(l->u.tcp.o.has_mptcp);
	cr_assert_eq(l->u.tcp.o.nunknown, 2);
	while ((r = nlrs_pkt_tcp_opt_next(l, &pos, &o)) == 1 && nk < 8)
		kinds[nk++] = o.kind;
	cr_assert_eq(r, 0);
	cr_assert_eq(nk, 6);
	cr_assert_eq(kinds[2], 5);
	cr_assert_eq(kinds[3], 30);
	cr_assert_eq(kinds[4], 99);
	cr_assert_eq(kinds[5], 0);
}

Test(l4, tcp_bad_options_keep_the_header)
{
	uint8_t opts[4] = { 2, 9, 5, 0xb4 }; /* MSS with length 9 in a 4-byte area */
	struct nlrs_pkt_tcp t = { .sport = 80, .dport = 5555, .seq = 9, .flags = NLRS_TCPF_SYN | NLRS_TCPF_ACK,
				  .opts = opts, .optlen = 4 };
	uint8_t f[128];
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *l;
	int n = build_syn(f, sizeof f, &t, 0);

	t_decode(&p, 1, f, (size_t)n, (size_t)n, 0);
	l = nlrs_pkt_transport(&p);
	cr_assert(l->flags & NLRS_LF_OPTS_BAD);
	cr_assert_eq(l->err, NLRS_PKT_ERR_BAD_OPTION);
	cr_assert_eq(l->u.tcp.sport, 80);
	cr_assert_eq(l->u.tcp.flags, NLRS_TCPF_SYN | NLRS_TCPF_ACK);
	cr_assert_eq(l->u.tcp.hlen, 24);
	cr_assert_eq(l->flags & NLRS_LF_NOFIELDS, 0);
}

Test(l4, tcp_data_offset_lies)
{
	struct nlrs_pkt_tcp t = { .sport = 1, .dport = 2, .hlen = 12 };
	uint8_t f[128];
	struct nlrs_pkt p;
	int n = build_syn(f, sizeof f, &t, NLRS_BUILD_KEEP_HLEN);

	t_decode(&p, 1, f, (size_t)n, (size_t)n, 0);
	cr_assert_eq(p.layers[2].err, NLRS_PKT_ERR_BAD_HLEN);
	cr_assert_eq(p.layers[2].u.tcp.hlen, 12);
	/* data offset past the segment */
	t.hlen = 60;
	n = build_syn(f, sizeof f, &t, NLRS_BUILD_KEEP_HLEN);
	t_decode(&p, 1, f, (size_t)n, (size_t)n, 0);
	cr_assert_eq(p.layers[2].err, NLRS_PKT_ERR_BAD_HLEN);
	cr_assert(p.layers[2].flags & NLRS_LF_MALFORMED);
	/* ... or past a capture cut short, where IP says the segment is
	 * that long: not a lie */
	{
		struct nlrs_pkt_builder b;

		nlrs_pkt_build_init(&b, f, sizeof f);
		nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ 0 }, 0);
		nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 1, .tot_len = 80 },
				    NLRS_BUILD_KEEP_LEN);
		nlrs_pkt_build_tcp(&b, &t, NLRS_BUILD_KEEP_HLEN);
		n = nlrs_pkt_build_finish(&b);
	}
	t_decode(&p, 1, f, (size_t)n, 14 + 80, 0);
	cr_assert_eq(p.layers[2].flags & NLRS_LF_MALFORMED, 0);
	cr_assert(p.layers[2].flags & NLRS_LF_TRUNC);
	cr_assert_eq(p.layers[2].u.tcp.hlen, 60);
}

Test(l4, tcp_cut_inside_the_fixed_header_keeps_ports)
{
	uint8_t f[128];
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *l;
	int n = t_build_tcp4(f, sizeof f, 4321, 80, NLRS_TCPF_ACK, "hello", 5);

	for (size_t cut = 1; cut < 20; cut++) {
		t_decode(&p, 1, f, 34 + cut, (size_t)n, 0);
		l = &p.layers[2];
		cr_assert_eq(l->type, NLRS_LAYER_TCP);
		cr_assert(l->flags & NLRS_LF_PARTIAL);
		cr_assert(l->flags & NLRS_LF_TRUNC);
		cr_assert_eq(l->flags & NLRS_LF_MALFORMED, 0);
		cr_assert_eq(l->hlen, cut);
		if (cut >= 4)
			cr_assert_eq(l->u.tcp.dport, 80, "cut %zu", cut);
		if (cut >= 8)
			cr_assert_eq(l->u.tcp.seq, 1000);
		if (cut >= 14)
			cr_assert_eq(l->u.tcp.flags, NLRS_TCPF_ACK);
	}
}

Test(l4, udp_length_lies_and_cuts)
{
	uint8_t f[128];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	int n;

	/* length 5: below the header */
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 1 }, 0);
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 53, .dport = 53, .len = 5 },
			   NLRS_BUILD_KEEP_LEN);
	nlrs_pkt_build_payload(&b, "abcdefgh", 8);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	cr_assert(p.layers[1].flags & NLRS_LF_MALFORMED);
	cr_assert_eq(p.layers[1].err, NLRS_PKT_ERR_BAD_LEN);
	cr_assert_eq(p.nlayers, 2);
	/* length 100 in a 16-byte datagram */
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 1 }, 0);
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 5, .dport = 6, .len = 100 },
			   NLRS_BUILD_KEEP_LEN);
	nlrs_pkt_build_payload(&b, "abcdefgh", 8);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	cr_assert(p.layers[1].flags & NLRS_LF_MALFORMED);
	cr_assert_eq(p.layers[1].u.udp.len, 100);
	cr_assert_eq(p.layers[1].u.udp.dport, 6);
	/* shorter than the IP payload: the rest is not UDP's */
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 1 }, 0);
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 5, .dport = 6, .len = 10 },
			   NLRS_BUILD_KEEP_LEN);
	nlrs_pkt_build_payload(&b, "abcdefgh", 8);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	cr_assert_eq(p.layers[1].flags & NLRS_LF_MALFORMED, 0);
	cr_assert_eq(p.layers[2].hlen, 2);
	/* cut inside the header */
	n = t_build_udp4(f, sizeof f, 1111, 2222, "x", 1);
	t_decode(&p, 1, f, 34 + 5, (size_t)n, 0);
	cr_assert(p.layers[2].flags & NLRS_LF_PARTIAL);
	cr_assert_eq(p.layers[2].u.udp.sport, 1111);
	cr_assert_eq(p.layers[2].u.udp.dport, 2222);
}

Test(l4, udp_checksums_good_bad_none)
{
	uint8_t f[128];
	struct nlrs_pkt_builder b;
	struct nlrs_pkt p;
	int n = t_build_udp4(f, sizeof f, 1, 2, "payload", 7);

	t_decode(&p, 1, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert(p.layers[2].flags & NLRS_LF_CSUM_OK);
	f[n - 1] ^= 0x40;
	t_decode(&p, 1, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert(p.layers[2].flags & NLRS_LF_CSUM_BAD);
	/* not verified unless asked */
	t_decode(&p, 1, f, (size_t)n, (size_t)n, 0);
	cr_assert_eq(p.layers[2].flags & (NLRS_LF_CSUM_BAD | NLRS_LF_CSUM_OK), 0);
	/* a cut segment cannot be verified */
	t_decode(&p, 1, f, (size_t)n - 1, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert_eq(p.layers[2].flags & (NLRS_LF_CSUM_BAD | NLRS_LF_CSUM_OK), 0);
	/* zero: none over IPv4, an error over IPv6 (RFC 8200 8.1) */
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 1 }, 0);
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 5, .dport = 6 }, NLRS_BUILD_KEEP_CSUM);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert_eq(p.layers[1].flags & (NLRS_LF_CSUM_BAD | NLRS_LF_CSUM_OK), 0);
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_ipv6(&b, &(struct nlrs_pkt_ipv6){ .hlim = 1 }, 0);
	nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 5, .dport = 6 }, NLRS_BUILD_KEEP_CSUM);
	n = nlrs_pkt_build_finish(&b);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert(p.layers[1].flags & NLRS_LF_CSUM_BAD);
}

static int build_sctp(uint8_t *f, size_t cap, unsigned keep)
{
	static const uint8_t data[] = { 0, 0, 0, 42, 0, 1, 0, 5, 0, 0, 0, 51, 'h', 'i', '!' };
	static const uint8_t init[] = { 0xde, 0xad, 0xbe, 0xef, 0, 1, 0, 0, 0, 10, 0, 10, 0, 0, 0, 1 };
	struct nlrs_pkt_builder b;

	nlrs_pkt_build_init(&b, f, cap);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 64, .src = T_IP_A, .dst = T_IP_B }, 0);
	nlrs_pkt_build_sctp(&b, &(struct nlrs_pkt_sctp){ .sport = 5000, .dport = 5001, .vtag = 77 }, keep);
	nlrs_pkt_build_sctp_chunk(&b, &(struct nlrs_pkt_sctp_chunk){ .type = 1, .value = init,
								      .vlen = sizeof init }, 0);
	nlrs_pkt_build_sctp_chunk(&b, &(struct nlrs_pkt_sctp_chunk){ .type = 0, .flags = 3,
								      .value = data, .vlen = sizeof data }, 0);
	return nlrs_pkt_build_finish(&b);
}

Test(l4, sctp_chunks_and_crc32c)
{
	uint8_t f[128];
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *l;
	struct nlrs_pkt_sctp_chunk c;
	size_t pos = 0;
	int n = build_sctp(f, sizeof f, 0);

	cr_assert_eq(n, 20 + 12 + 20 + 20); /* 4 + 15 padded to 20 */
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	l = nlrs_pkt_transport(&p);
	cr_assert_eq(l->type, NLRS_LAYER_SCTP);
	cr_assert(l->flags & NLRS_LF_CSUM_OK);
	cr_assert_eq(l->u.sctp.vtag, 77);
	cr_assert_eq(l->u.sctp.nchunks, 2);
	cr_assert_eq(nlrs_pkt_sctp_chunk_next(l, &pos, &c), 1);
	cr_assert_eq(c.type, 1);
	cr_assert_eq(c.init_tag, 0xdeadbeef);
	cr_assert_eq(c.a_rwnd, 0x10000);
	cr_assert_eq(c.n_out, 10);
	cr_assert_eq(nlrs_pkt_sctp_chunk_next(l, &pos, &c), 1);
	cr_assert_eq(c.type, 0);
	cr_assert_eq(c.flags, 3);
	cr_assert_eq(c.len, 19);
	cr_assert_eq(c.tsn, 42);
	cr_assert_eq(c.stream, 1);
	cr_assert_eq(c.ssn, 5);
	cr_assert_eq(c.ppid, 51);
	cr_assert_eq(nlrs_pkt_sctp_chunk_next(l, &pos, &c), 0);
	/* a flipped bit: CRC32c catches it */
	f[n - 2] ^= 1;
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, NLRS_PKT_VERIFY_CSUM);
	cr_assert(nlrs_pkt_transport(&p)->flags & NLRS_LF_CSUM_BAD);
}

Test(l4, sctp_chunk_lies)
{
	uint8_t f[128];
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *l;
	struct nlrs_pkt_sctp_chunk c;
	size_t pos = 0;
	int n = build_sctp(f, sizeof f, 0);

	/* first chunk length 2: below its own header */
	nlrs_wr16(f + 32 + 2, 2);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	l = nlrs_pkt_transport(&p);
	cr_assert(l->flags & NLRS_LF_MALFORMED);
	cr_assert_eq(l->u.sctp.nchunks, 0);
	cr_assert_eq(nlrs_pkt_sctp_chunk_next(l, &pos, &c), NLRS_PKT_ERR_BAD_LEN);
	/* length past the packet */
	n = build_sctp(f, sizeof f, 0);
	nlrs_wr16(f + 32 + 2, 400);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	cr_assert(nlrs_pkt_transport(&p)->flags & NLRS_LF_MALFORMED);
	/* INIT too short for its fields */
	n = build_sctp(f, sizeof f, 0);
	nlrs_wr16(f + 32 + 2, 8);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n, (size_t)n, 0);
	cr_assert(nlrs_pkt_transport(&p)->flags & NLRS_LF_MALFORMED);
	/* cut by the capture: the chunk is reported cut, nothing lies */
	n = build_sctp(f, sizeof f, 0);
	t_decode(&p, NLRS_LINKTYPE_RAW, f, (size_t)n - 2, (size_t)n, 0);
	l = nlrs_pkt_transport(&p);
	cr_assert_eq(l->flags & NLRS_LF_MALFORMED, 0);
	cr_assert_eq(l->u.sctp.nchunks, 1);
	pos = 0;
	cr_assert_eq(nlrs_pkt_sctp_chunk_next(l, &pos, &c), 1);
	cr_assert_eq(nlrs_pkt_sctp_chunk_next(l, &pos, &c), 1);
	cr_assert_eq(c.tsn, 42);
	cr_assert_eq(nlrs_pkt_sctp_chunk_next(l, &pos, &c), 0);
}

Test(l4, tcp_flag_strings_match_tcpdump)
{
	char s[10];

	cr_assert_str_eq(nlrs_pkt_tcp_flags_str(NLRS_TCPF_SYN, s), "S");
	cr_assert_str_eq(nlrs_pkt_tcp_flags_str(NLRS_TCPF_SYN | NLRS_TCPF_ACK, s), "S.");
	cr_assert_str_eq(nlrs_pkt_tcp_flags_str(NLRS_TCPF_PSH | NLRS_TCPF_ACK, s), "P.");
	cr_assert_str_eq(nlrs_pkt_tcp_flags_str(NLRS_TCPF_FIN | NLRS_TCPF_ACK, s), "F.");
	cr_assert_str_eq(nlrs_pkt_tcp_flags_str(0, s), "none");
	cr_assert_str_eq(nlrs_pkt_tcp_flags_str(0x1ff, s), "FSRP.UEWe");
}
