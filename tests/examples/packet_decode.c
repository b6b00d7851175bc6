/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * packet_decode - the packet library in one program (man libnlrs-packet.3).
 *
 *   packet_decode --write FILE [--pcapng]   build a few packets, write them
 *   packet_decode FILE                      read pcap/pcapng, one line a packet,
 *                                           then conversations and TCP streams
 *
 * It uses the builder (layer by layer, lengths and checksums computed), the
 * savefile writer and reader, the layered decoder with its accessors and
 * walks, flows with their symmetric hash as keys of a small table, and TCP
 * reassembly with callbacks. Only the public headers are used.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlrs/packet.h>
#include <nlrs/pcapfile.h>
#include <nlrs/reasm.h>

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static int usage(void)
{
	fprintf(stderr, "usage: packet_decode FILE | packet_decode --write FILE [--pcapng]\n");
	return 2;
}

/* ---- writing: a DNS query and answer, and a short HTTP exchange ---- */

static int add(struct nlrs_pcap_writer *w, int64_t sec, const uint8_t *f, int n)
{
	struct nlrs_pcap_rec r = { sec, 0, (uint32_t)n, (uint32_t)n, NLRS_LINKTYPE_ETHERNET, 0, 0, f };

	return n < 0 ? n : nlrs_pcap_write(w, &r);
}

static int tcp_frame(uint8_t *f, size_t cap, bool c2s, uint32_t seq, uint32_t ack, uint16_t flags,
		     const char *data)
{
	static const uint8_t mc[6] = { 2, 0, 0, 0, 0, 1 }, ms[6] = { 2, 0, 0, 0, 0, 2 };
	struct nlrs_pkt_builder b;
	struct nlrs_pkt_eth e = { { 0 }, { 0 }, 0 };
	struct nlrs_pkt_ipv4 ip = { 0 };
	struct nlrs_pkt_tcp t = { 0 };

	memcpy(e.dst, c2s ? ms : mc, 6);
	memcpy(e.src, c2s ? mc : ms, 6);
	ip.ttl = 64;
	ip.src = c2s ? IP4(192, 0, 2, 1) : IP4(198, 51, 100, 80);
	ip.dst = c2s ? IP4(198, 51, 100, 80) : IP4(192, 0, 2, 1);
	t.sport = c2s ? 40000 : 80;
	t.dport = c2s ? 80 : 40000;
	t.seq = seq;
	t.ack = ack;
	t.flags = flags;
	t.window = 65535;
	if (flags & NLRS_TCPF_SYN) {
		t.o.has_mss = true;
		t.o.mss = 1460;
	}
	nlrs_pkt_build_init(&b, f, cap);
	nlrs_pkt_build_eth(&b, &e, 0);
	nlrs_pkt_build_ipv4(&b, &ip, 0);
	nlrs_pkt_build_tcp(&b, &t, 0);
	if (data)
		nlrs_pkt_build_payload(&b, data, strlen(data));
	return nlrs_pkt_build_finish(&b);
}

static int write_demo(const char *path, bool ng)
{
	static const uint8_t query[] = { 0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
					 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
					 0, 1, 0, 1 };
	uint8_t f[512], answer[sizeof query + 16];
	struct nlrs_pcap_wopts o = { ng ? NLRS_PCAP_NG : NLRS_PCAP_CLASSIC, NLRS_LINKTYPE_ETHERNET, 0,
				     false, false, "demo0", "packet_decode" };
	struct nlrs_pcap_writer *w;
	struct nlrs_pkt_builder b;
	int e;

	e = nlrs_pcap_create(&w, path, &o);
	if (e < 0) {
		fprintf(stderr, "packet_decode: %s: error %d\n", path, e);
		return 1;
	}
	/* DNS query, then the answer: the query with QR/RA and one A record
	 * whose name points back at the question (offset 12) */
	for (int i = 0; i < 2; i++) {
		const uint8_t *msg = query;
		size_t len = sizeof query;

		if (i == 1) {
			static const uint8_t rr[16] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4,
							203, 0, 113, 10 };

			memcpy(answer, query, sizeof query);
			answer[2] = 0x81;
			answer[3] = 0x80;
			answer[7] = 1;
			memcpy(answer + sizeof query, rr, sizeof rr);
			msg = answer;
			len = sizeof answer;
		}
		nlrs_pkt_build_init(&b, f, sizeof f);
		nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ { 2, 0, 0, 0, 0, 9 }, { 2, 0, 0, 0, 0, 1 }, 0 }, 0);
		nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 64,
			.src = i ? IP4(198, 51, 100, 53) : IP4(192, 0, 2, 1),
			.dst = i ? IP4(192, 0, 2, 1) : IP4(198, 51, 100, 53) }, 0);
		nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = i ? 53 : 33333,
							       .dport = i ? 33333 : 53 }, 0);
		nlrs_pkt_build_payload(&b, msg, len);
		if ((e = add(w, 1700000000 + i, f, nlrs_pkt_build_finish(&b))) < 0)
			goto err;
	}
	/* an HTTP exchange; the response's second half arrives first */
	e = add(w, 1700000002, f, tcp_frame(f, sizeof f, true, 100, 0, NLRS_TCPF_SYN, NULL));
	e = e ? e : add(w, 1700000002, f, tcp_frame(f, sizeof f, false, 900, 101, NLRS_TCPF_SYN | NLRS_TCPF_ACK, NULL));
	e = e ? e : add(w, 1700000002, f, tcp_frame(f, sizeof f, true, 101, 901, NLRS_TCPF_ACK, NULL));
	e = e ? e : add(w, 1700000003, f, tcp_frame(f, sizeof f, true, 101, 901, NLRS_TCPF_ACK | NLRS_TCPF_PSH,
						      "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"));
	e = e ? e : add(w, 1700000004, f, tcp_frame(f, sizeof f, false, 918, 138, NLRS_TCPF_ACK | NLRS_TCPF_PSH,
						      "Content-Length: 2\r\n\r\nhi"));
	e = e ? e : add(w, 1700000004, f, tcp_frame(f, sizeof f, false, 901, 138, NLRS_TCPF_ACK | NLRS_TCPF_PSH,
						      "HTTP/1.1 200 OK\r\n"));
	e = e ? e : add(w, 1700000005, f, tcp_frame(f, sizeof f, true, 138, 941, NLRS_TCPF_ACK | NLRS_TCPF_FIN, NULL));
	e = e ? e : add(w, 1700000005, f, tcp_frame(f, sizeof f, false, 941, 139, NLRS_TCPF_ACK | NLRS_TCPF_FIN, NULL));
	if (e < 0)
		goto err;
	e = nlrs_pcap_writer_close(w);
	if (e < 0) {
		fprintf(stderr, "packet_decode: %s: write error %d\n", path, e);
		return 1;
	}
	return 0;
err:
	fprintf(stderr, "packet_decode: %s: error %d\n", path, e);
	nlrs_pcap_writer_close(w);
	return 1;
}

/* ---- reading ---- */

/* Conversations: open addressing on the symmetric hash of the key. */
#define NCONV 256
static struct conv {
	bool used;
	struct nlrs_flow_key key;
	unsigned pkts;
} convs[NCONV];

static void count(const struct nlrs_flow_key *k)
{
	uint64_t h = nlrs_flow_key_hash_sym(k);
	struct nlrs_flow_key r;

	nlrs_flow_key_reverse(k, &r);
	for (unsigned i = 0; i < NCONV; i++) {
		struct conv *c = &convs[(h + i) % NCONV];

		if (!c->used) {
			c->used = true;
			c->key = *k;
			c->pkts = 1;
			return;
		}
		if (nlrs_flow_key_equal(&c->key, k) || nlrs_flow_key_equal(&c->key, &r)) {
			c->pkts++;
			return;
		}
	}
}

static void on_data(void *ctx, struct nlrs_reasm_stream *s, enum nlrs_reasm_dir dir,
		    const uint8_t *p, size_t len, uint64_t gap)
{
	(void)ctx;
	(void)s;
	if (gap)
		printf("  stream %s: %" PRIu64 " bytes missing\n", dir ? "s>c" : "c>s", gap);
	if (len)
		printf("  stream %s: \"%.*s\"\n", dir ? "s>c" : "c>s", (int)strcspn((const char *)p, "\r"),
		       (const char *)p);
}

static void on_close(void *ctx, struct nlrs_reasm_stream *s, enum nlrs_reasm_end why)
{
	char f[100];

	(void)ctx;
	nlrs_flow_str(&s->key.net, f, sizeof f);
	printf("  stream %s closed (%s): %" PRIu64 " bytes c>s, %" PRIu64 " bytes s>c\n", f,
	       why == NLRS_REASM_END_FIN ? "fin" : "other", s->delivered[0], s->delivered[1]);
}

/* One line, in the spirit of tcpdump -n. */
static void print_pkt(const struct nlrs_pcap_rec *rec, const struct nlrs_pkt *p)
{
	const struct nlrs_pkt_layer *net = nlrs_pkt_network(p), *tp = nlrs_pkt_transport(p);
	const struct nlrs_pkt_layer *app = nlrs_pkt_application(p);
	char a[NLRS_ADDRSTRLEN] = "?", b[NLRS_ADDRSTRLEN] = "?", fl[10];

	printf("%" PRId64 ".%06u", rec->ts_sec, rec->ts_nsec / 1000);
	if (net && net->type == NLRS_LAYER_IPV4) {
		nlrs_ip4_str(net->u.ipv4.src, a, sizeof a);
		nlrs_ip4_str(net->u.ipv4.dst, b, sizeof b);
	} else if (net && net->type == NLRS_LAYER_IPV6) {
		nlrs_ip6_str(net->u.ipv6.src, a, sizeof a);
		nlrs_ip6_str(net->u.ipv6.dst, b, sizeof b);
	}
	if (tp && tp->type == NLRS_LAYER_TCP) {
		printf(" IP %s.%u > %s.%u: Flags [%s], seq %u, win %u, length %u", a, tp->u.tcp.sport, b,
		       tp->u.tcp.dport, nlrs_pkt_tcp_flags_str(tp->u.tcp.flags, fl), tp->u.tcp.seq,
		       tp->u.tcp.window, tp->wire_plen);
		if (tp->u.tcp.o.has_mss)
			printf(", mss %u", tp->u.tcp.o.mss);
	} else if (tp && tp->type == NLRS_LAYER_UDP) {
		printf(" IP %s.%u > %s.%u: UDP, length %u", a, tp->u.udp.sport, b, tp->u.udp.dport,
		       tp->wire_plen);
	} else if (net) {
		printf(" %s %s > %s", nlrs_layer_name(net->type), a, b);
	} else {
		printf(" %s", p->nlayers ? nlrs_layer_name(p->layers[0].type) : "empty");
	}
	if (app && app->type == NLRS_LAYER_DNS) {
		struct nlrs_pkt_dns_rr rr;
		size_t pos = 0;
		char name[256];

		printf(" | dns id %u %s", app->u.dns.id, app->u.dns.qr ? "answer" : "query");
		while (nlrs_pkt_dns_rr_next(app, &pos, &rr) == 1) {
			nlrs_pkt_dns_name(app, rr.name_off, name, sizeof name);
			if (rr.section == NLRS_DNS_QD)
				printf(" %s?", name);
			else if (rr.type == 1 && rr.rdlen == 4)
				printf(" %s A %u.%u.%u.%u", name, rr.rdata[0], rr.rdata[1], rr.rdata[2],
				       rr.rdata[3]);
		}
	} else if (app && app->type == NLRS_LAYER_HTTP) {
		struct nlrs_pkt_text_pair host;

		if (app->u.http.request)
			printf(" | http %.*s %.*s", app->u.http.method_len,
			       (const char *)app->u.http.method, app->u.http.target_len,
			       (const char *)app->u.http.target);
		else
			printf(" | http %u", app->u.http.status);
		if (nlrs_pkt_http_header_find(app, "host", &host))
			printf(" host %.*s", host.value_len, (const char *)host.value);
	}
	if (p->flags & NLRS_LF_TRUNC)
		printf(" [cut]");
	if (p->flags & NLRS_LF_MALFORMED)
		printf(" [malformed]");
	printf("\n");
}

static int read_file(const char *path)
{
	struct nlrs_pcap_reader *r;
	struct nlrs_pcap_rec rec;
	struct nlrs_pkt_opts opts = { NLRS_PKT_VERIFY_CSUM, NULL };
	struct nlrs_reasm_config rc;
	struct nlrs_reasm *ra;
	struct nlrs_pkt pkt;
	unsigned n = 0;
	int e;

	e = nlrs_pcap_open(&r, path);
	if (e < 0) {
		fprintf(stderr, "packet_decode: %s: cannot read (%d)\n", path, e);
		return 1;
	}
	printf("%s, link type %s\n", nlrs_pcap_reader_format(r) == NLRS_PCAP_NG ? "pcapng" : "pcap",
	       nlrs_linktype_name(nlrs_pcap_reader_linktype(r)) ? nlrs_linktype_name(nlrs_pcap_reader_linktype(r)) : "?");
	nlrs_reasm_config_default(&rc);
	rc.data = on_data;
	rc.close = on_close;
	ra = nlrs_reasm_new(&rc);
	if (!ra) {
		nlrs_pcap_close(r);
		return 1;
	}
	while ((e = nlrs_pcap_next(r, &rec)) > 0) {
		struct nlrs_flow_key k;

		nlrs_pkt_decode(&pkt, rec.linktype, rec.data, rec.caplen, rec.wirelen, &opts);
		print_pkt(&rec, &pkt);
		if (nlrs_pkt_flow_key(&pkt, &k) == 0)
			count(&k);
		nlrs_reasm_add(ra, &pkt, (uint64_t)rec.ts_sec * 1000000u + rec.ts_nsec / 1000u);
		n++;
	}
	nlrs_reasm_free(ra);
	if (e < 0)
		fprintf(stderr, "packet_decode: %s: stopped at a bad record (%d)\n", path, e);
	printf("%u packets\n", n);
	for (unsigned i = 0; i < NCONV; i++) {
		char a[100], b[40];

		if (!convs[i].used)
			continue;
		nlrs_flow_str(&convs[i].key.net, a, sizeof a);
		nlrs_flow_str(&convs[i].key.tp, b, sizeof b);
		printf("conversation %s ports %s: %u packets\n", a, b, convs[i].pkts);
	}
	nlrs_pcap_close(r);
	return e < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--help") != 0)
		return read_file(argv[1]);
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "--write") == 0) {
		if (argc == 4 && strcmp(argv[3], "--pcapng") != 0)
			return usage();
		return write_demo(argv[2], argc == 4);
	}
	return usage();
}
