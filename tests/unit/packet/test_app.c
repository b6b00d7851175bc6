/* SPDX-License-Identifier: BSD-2-Clause */
/* Application layers: DNS (UDP and TCP, compression, loops), DHCP/BOOTP
 * options, TFTP, HTTP/1.x, TLS ClientHello SNI, Telnet, SSH banner; port
 * and content recognition. */
#include <criterion/criterion.h>

#include "pkt_test.h"
#include "wire/wire.h"

static struct nlrs_pkt P;

static const struct nlrs_pkt_layer *udp_app(uint16_t sport, uint16_t dport, const void *msg,
					    size_t len)
{
	uint8_t f[1600];
	int n = t_build_udp4(f, sizeof f, sport, dport, msg, len);

	cr_assert_gt(n, 0);
	t_decode(&P, 1, f, (size_t)n, (size_t)n, 0);
	cr_assert_eq(t_layers_sane(&P), 0);
	return nlrs_pkt_application(&P);
}

static const struct nlrs_pkt_layer *tcp_app(uint16_t sport, uint16_t dport, const void *msg,
					    size_t len, unsigned flags)
{
	uint8_t f[1600];
	int n = t_build_tcp4(f, sizeof f, sport, dport, NLRS_TCPF_ACK | NLRS_TCPF_PSH, msg, len);

	cr_assert_gt(n, 0);
	t_decode(&P, 1, f, (size_t)n, (size_t)n, flags);
	cr_assert_eq(t_layers_sane(&P), 0);
	return nlrs_pkt_application(&P);
}

/* A response for www.example.com with a CNAME and an A record, names
 * compressed. */
static const uint8_t dns_resp[] = {
	0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
	0xc0, 12, 0, 5, 0, 1, 0, 0, 0x0e, 0x10, 0, 6, 3, 'c', 'd', 'n', 0xc0, 16,
	0xc0, 45, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7,
};

Test(app, dns_query_real_frame)
{
	struct nlrs_pkt p;
	const struct nlrs_pkt_layer *d;
	char name[64];

	t_decode(&p, 1, frame_dns_query, frame_dns_query_len, frame_dns_query_len, 0);
	d = nlrs_pkt_application(&p);
	cr_assert_eq(d->type, NLRS_LAYER_DNS);
	cr_assert_not(d->u.dns.qr);
	cr_assert_eq(d->u.dns.qdcount, 1);
	cr_assert_eq(d->u.dns.qtype, 1);
	cr_assert_eq(nlrs_pkt_dns_name(d, d->u.dns.qname_off, name, sizeof name), 15);
	cr_assert_str_eq(name, "www.tcpdump.org");
}

Test(app, dns_response_records_and_compressed_names)
{
	const struct nlrs_pkt_layer *d = udp_app(53, 33000, dns_resp, sizeof dns_resp);
	struct nlrs_pkt_dns_rr rr;
	char name[64];
	size_t pos = 0;

	cr_assert_eq(d->type, NLRS_LAYER_DNS);
	cr_assert(d->u.dns.qr && d->u.dns.rd && d->u.dns.ra);
	cr_assert_eq(d->u.dns.id, 0x1234);
	cr_assert_eq(d->u.dns.ancount, 2);
	cr_assert_eq(nlrs_pkt_dns_rr_next(d, &pos, &rr), 1);
	cr_assert_eq(rr.section, NLRS_DNS_QD);
	cr_assert_eq(nlrs_pkt_dns_rr_next(d, &pos, &rr), 1);
	cr_assert_eq(rr.section, NLRS_DNS_AN);
	cr_assert_eq(rr.type, 5);
	cr_assert_eq(rr.ttl, 3600);
	nlrs_pkt_dns_name(d, rr.name_off, name, sizeof name);
	cr_assert_str_eq(name, "www.example.com");
	nlrs_pkt_dns_name(d, rr.rdata_off, name, sizeof name);
	cr_assert_str_eq(name, "cdn.example.com");
	cr_assert_eq(nlrs_pkt_dns_rr_next(d, &pos, &rr), 1);
	cr_assert_eq(rr.type, 1);
	cr_assert_eq(rr.rdlen, 4);
	cr_assert_eq(memcmp(rr.rdata, "\xc0\x00\x02\x07", 4), 0);
	nlrs_pkt_dns_name(d, rr.name_off, name, sizeof name);
	cr_assert_str_eq(name, "cdn.example.com");
	cr_assert_eq(nlrs_pkt_dns_rr_next(d, &pos, &rr), 0);
	/* a small buffer cuts the text but says how long it is */
	cr_assert_eq(nlrs_pkt_dns_name(d, 12, name, 4), 15);
	cr_assert_str_eq(name, "www");
}

Test(app, dns_compression_loops_and_lies)
{
	/* a pointer to itself, a pointer forward, and two pointing at each other */
	static const uint8_t self[] = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1 };
	static const uint8_t fwd[] = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 14, 0, 0, 1, 0, 1 };
	static const uint8_t pair[] = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
					1, 'a', 0xc0, 17, 0, 1, 'b', 0xc0, 12, 0, 1, 0, 1 };
	static const uint8_t label[] = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 'x', 0, 0, 1, 0, 1 };
	static const uint8_t past[] = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 30, 'x', 'y' };
	const struct nlrs_pkt_layer *d;
	struct nlrs_pkt_dns_rr rr;
	size_t pos;
	char name[64];

	d = udp_app(1000, 53, self, sizeof self);
	pos = 0;
	cr_assert_eq(nlrs_pkt_dns_rr_next(d, &pos, &rr), NLRS_PKT_ERR_LOOP);
	cr_assert(d->flags & NLRS_LF_MALFORMED);
	cr_assert_eq(nlrs_pkt_dns_name(d, 12, name, sizeof name), NLRS_PKT_ERR_LOOP);
	d = udp_app(1000, 53, fwd, sizeof fwd);
	cr_assert_eq(nlrs_pkt_dns_name(d, 12, name, sizeof name), NLRS_PKT_ERR_LOOP);
	d = udp_app(1000, 53, pair, sizeof pair);
	cr_assert_eq(nlrs_pkt_dns_name(d, 12, name, sizeof name), NLRS_PKT_ERR_LOOP);
	cr_assert_eq(nlrs_pkt_dns_name(d, 17, name, sizeof name), NLRS_PKT_ERR_LOOP);
	d = udp_app(1000, 53, label, sizeof label);
	cr_assert_eq(nlrs_pkt_dns_name(d, 12, name, sizeof name), NLRS_PKT_ERR_BAD_FORMAT);
	d = udp_app(1000, 53, past, sizeof past);
	cr_assert_eq(nlrs_pkt_dns_name(d, 12, name, sizeof name), NLRS_PKT_ERR_SHORT);
	cr_assert(d->flags & NLRS_LF_MALFORMED);
	/* a header of 11 bytes */
	d = udp_app(1000, 53, self, 11);
	cr_assert(d->flags & NLRS_LF_NOFIELDS);
	cr_assert(d->flags & NLRS_LF_MALFORMED);
}

Test(app, dns_name_of_255_octets_reads_256_does_not)
{
	uint8_t m[12 + 300 + 4] = { 0, 1, 0, 0, 0, 1 };
	const struct nlrs_pkt_layer *d;
	char name[300];
	size_t o = 12;

	/* 4 labels of 62 + 1 of 2: 4*63 + 3 + 1 = 256 octets with the root */
	for (int i = 0; i < 4; i++) {
		m[o++] = 62;
		memset(m + o, 'a', 62);
		o += 62;
	}
	m[o++] = 1;
	m[o++] = 'b';
	m[o++] = 0;
	d = udp_app(1, 53, m, o + 4);
	cr_assert_eq(nlrs_pkt_dns_name(d, 12, name, sizeof name), 253);
	m[12 + 4 * 63] = 2;
	m[12 + 4 * 63 + 2] = 'c';
	m[12 + 4 * 63 + 3] = 0;
	d = udp_app(1, 53, m, o + 5);
	cr_assert_eq(nlrs_pkt_dns_name(d, 12, name, sizeof name), NLRS_PKT_ERR_LOOP);
}

Test(app, dns_over_tcp_length_prefix)
{
	uint8_t m[2 + sizeof dns_resp];
	const struct nlrs_pkt_layer *d;
	struct nlrs_pkt_dns_rr rr;
	size_t pos = 0;
	int n = 0;

	nlrs_wr16(m, sizeof dns_resp);
	memcpy(m + 2, dns_resp, sizeof dns_resp);
	d = tcp_app(53, 40000, m, sizeof m, 0);
	cr_assert_eq(d->type, NLRS_LAYER_DNS);
	cr_assert(d->u.dns.over_tcp);
	cr_assert_eq(d->u.dns.tcp_len, sizeof dns_resp);
	while (nlrs_pkt_dns_rr_next(d, &pos, &rr) == 1)
		n++;
	cr_assert_eq(n, 3);
}

static size_t dhcp_msg(uint8_t *m, uint8_t type, bool overload)
{
	size_t o = 240;

	memset(m, 0, 300);
	m[0] = 1;
	m[1] = 1;
	m[2] = 6;
	nlrs_wr32(m + 4, 0xcafe0001);
	nlrs_wr32(m + 12, 0);
	memcpy(m + 28, "\x02\x00\x00\x00\x00\x05", 6);
	nlrs_wr32(m + 236, 0x63825363);
	m[o++] = 53;
	m[o++] = 1;
	m[o++] = type;
	m[o++] = 0; /* pad */
	m[o++] = 50;
	m[o++] = 4;
	nlrs_wr32(m + o, NLRS_IP4(192, 0, 2, 50));
	o += 4;
	if (overload) {
		m[o++] = 52;
		m[o++] = 1;
		m[o++] = 1;
		/* file field holds option 12 (host name) */
		m[108] = 12;
		m[109] = 3;
		memcpy(m + 110, "box", 3);
		m[113] = 255;
	}
	m[o++] = 255;
	return o;
}

Test(app, dhcp_discover_options_and_overload)
{
	uint8_t m[300];
	size_t n = dhcp_msg(m, 1, true);
	const struct nlrs_pkt_layer *d = udp_app(68, 67, m, n);
	struct nlrs_pkt_opt o;
	size_t pos = 0;
	int codes[8], nc = 0;

	cr_assert_eq(d->type, NLRS_LAYER_DHCP);
	cr_assert_eq(d->u.dhcp.op, 1);
	cr_assert_eq(d->u.dhcp.xid, 0xcafe0001);
	cr_assert_eq(d->u.dhcp.chaddr[5], 5);
	cr_assert(d->u.dhcp.has_cookie);
	cr_assert_eq(d->u.dhcp.msg_type, 1);
	cr_assert_eq(d->u.dhcp.overload, 1);
	while (nlrs_pkt_dhcp_opt_next(d, &pos, &o) == 1 && nc < 8)
		codes[nc++] = o.kind;
	cr_assert_eq(nc, 4);
	cr_assert_eq(codes[0], 53);
	cr_assert_eq(codes[1], 50);
	cr_assert_eq(codes[2], 52);
	cr_assert_eq(codes[3], 12); /* from the file field */
	cr_assert_eq(nlrs_pkt_dhcp_opt_find(d, 50, &o), 1);
	cr_assert_eq(nlrs_rd32(o.data), NLRS_IP4(192, 0, 2, 50));
	cr_assert_eq(nlrs_pkt_dhcp_opt_find(d, 61, &o), 0);
}

Test(app, dhcp_lies_and_cuts)
{
	uint8_t m[300];
	size_t n = dhcp_msg(m, 3, false);
	const struct nlrs_pkt_layer *d;
	uint8_t f[600];
	int fl;

	/* an option running past the message */
	m[245] = 200;
	d = udp_app(68, 67, m, n);
	cr_assert(d->flags & NLRS_LF_MALFORMED);
	cr_assert_eq(d->err, NLRS_PKT_ERR_BAD_OPTION);
	/* shorter than BOOTP */
	d = udp_app(68, 67, m, 100);
	cr_assert(d->flags & NLRS_LF_NOFIELDS);
	cr_assert(d->flags & NLRS_LF_MALFORMED);
	/* cut by the capture inside the options: fixed part read */
	n = dhcp_msg(m, 3, false);
	fl = t_build_udp4(f, sizeof f, 68, 67, m, n);
	t_decode(&P, 1, f, 42 + 243, (size_t)fl, 0);
	d = nlrs_pkt_application(&P);
	cr_assert_eq(d->u.dhcp.xid, 0xcafe0001);
	cr_assert(d->flags & NLRS_LF_TRUNC);
	cr_assert_eq(d->flags & NLRS_LF_MALFORMED, 0);
}

Test(app, tftp_requests_data_errors)
{
	static const uint8_t rrq[] = "\x00\x01" "boot.img\0octet\0blksize\0" "1428\0";
	static const uint8_t data[] = { 0, 3, 0, 9, 'x', 'y', 'z' };
	static const uint8_t err[] = "\x00\x05\x00\x01" "File not found\0";
	static const uint8_t bad[] = { 0, 1, 'n', 'o', 'n', 'u', 'l' };
	const struct nlrs_pkt_layer *t;
	struct nlrs_pkt_text_pair kv;
	size_t pos = 0;

	t = udp_app(3000, 69, rrq, sizeof rrq - 1);
	cr_assert_eq(t->type, NLRS_LAYER_TFTP);
	cr_assert_eq(t->u.tftp.opcode, 1);
	cr_assert_eq(t->u.tftp.file_len, 8);
	cr_assert_eq(memcmp(t->u.tftp.file, "boot.img", 8), 0);
	cr_assert_eq(memcmp(t->u.tftp.mode, "octet", 5), 0);
	cr_assert_eq(nlrs_pkt_tftp_opt_next(t, &pos, &kv), 1);
	cr_assert_eq(memcmp(kv.name, "blksize", 7), 0);
	cr_assert_eq(memcmp(kv.value, "1428", 4), 0);
	cr_assert_eq(nlrs_pkt_tftp_opt_next(t, &pos, &kv), 0);
	t = udp_app(69, 3000, data, sizeof data);
	cr_assert_eq(t->u.tftp.block, 9);
	cr_assert_eq(t->u.tftp.data_len, 3);
	cr_assert_eq(t->hlen, 4);
	cr_assert_eq(t->plen, 3);
	t = udp_app(69, 3000, err, sizeof err - 1);
	cr_assert_eq(t->u.tftp.err_code, 1);
	cr_assert_eq(t->u.tftp.msg_len, 14);
	t = udp_app(69, 3000, bad, sizeof bad);
	cr_assert(t->flags & NLRS_LF_MALFORMED);
}

Test(app, http_request_headers)
{
	static const char req[] = "GET /index.html HTTP/1.1\r\nHost: example.com\r\n"
				  "User-Agent:  curl/7.88\r\nContent-Length: 0\r\n"
				  "X-Folded: a\r\n b\r\n\r\nbody";
	const struct nlrs_pkt_layer *h = tcp_app(40000, 80, req, sizeof req - 1, 0);
	struct nlrs_pkt_text_pair kv;
	size_t pos = 0;
	int n = 0;

	cr_assert_eq(h->type, NLRS_LAYER_HTTP);
	cr_assert(h->u.http.request);
	cr_assert(h->u.http.complete);
	cr_assert_eq(h->u.http.method_len, 3);
	cr_assert_eq(memcmp(h->u.http.target, "/index.html", 11), 0);
	cr_assert_eq(h->u.http.ver_minor, 1);
	cr_assert_eq(h->u.http.nheaders, 4);
	cr_assert_eq(h->u.http.content_length, 0);
	cr_assert_eq(h->plen, 4); /* the body */
	while (nlrs_pkt_http_header_next(h, &pos, &kv) == 1)
		n++;
	cr_assert_eq(n, 4);
	cr_assert_eq(nlrs_pkt_http_header_find(h, "user-agent", &kv), 1);
	cr_assert_eq(kv.value_len, 9);
	cr_assert_eq(memcmp(kv.value, "curl/7.88", 9), 0);
	cr_assert_eq(nlrs_pkt_http_header_find(h, "cookie", &kv), 0);
}

Test(app, http_response_partial_and_lies)
{
	static const char resp[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 12\r\nServ";
	static const char bad[] = "GET /x HTTP/1.1\r\nBad Header: x\r\n\r\n";
	static const char cl[] = "HTTP/1.0 200 OK\nContent-Length: 5\nContent-Length: 6\n\n";
	static const char body[] = "\x89PNG continuation of a body";
	const struct nlrs_pkt_layer *h;

	h = tcp_app(80, 40000, resp, sizeof resp - 1, 0);
	cr_assert_eq(h->type, NLRS_LAYER_HTTP);
	cr_assert_not(h->u.http.request);
	cr_assert_eq(h->u.http.status, 404);
	cr_assert_eq(h->u.http.reason_len, 9);
	cr_assert_not(h->u.http.complete);
	cr_assert_eq(h->u.http.nheaders, 1);
	cr_assert_eq(h->u.http.content_length, 12);
	/* whitespace before the colon: not HTTP */
	h = tcp_app(40000, 80, bad, sizeof bad - 1, 0);
	cr_assert_eq(h, NULL);
	cr_assert_eq(P.layers[P.nlayers - 1].type, NLRS_LAYER_PAYLOAD);
	/* two different lengths: unusable; bare LF lines are fine */
	h = tcp_app(80, 40000, cl, sizeof cl - 1, 0);
	cr_assert(h->u.http.complete);
	cr_assert_eq(h->u.http.content_length, -1);
	/* a body segment on port 80 is payload */
	h = tcp_app(80, 40000, body, sizeof body - 1, 0);
	cr_assert_null(h);
}

Test(app, http_recognised_by_content_on_other_ports)
{
	static const char req[] = "POST /api HTTP/1.1\r\nHost: x\r\n\r\n";
	const struct nlrs_pkt_layer *h = tcp_app(40000, 3128, req, sizeof req - 1, 0);

	cr_assert_eq(h->type, NLRS_LAYER_HTTP);
	cr_assert(h->flags & NLRS_LF_HEURISTIC);
	h = tcp_app(40000, 3128, req, sizeof req - 1, NLRS_PKT_NO_HEURISTIC);
	cr_assert_null(h);
	h = tcp_app(40000, 80, req, sizeof req - 1, NLRS_PKT_NO_APP);
	cr_assert_null(h);
	cr_assert_eq(P.layers[P.nlayers - 1].type, NLRS_LAYER_PAYLOAD);
}

/* A ClientHello: record, handshake, version 3.3, random, session id of
 * 32, 2 suites, 1 compression method, extensions SNI, ALPN h2+http/1.1,
 * supported_versions with GREASE, 1.3 and 1.2. */
static size_t client_hello(uint8_t *m, const char *host)
{
	size_t o = 0, hs, ext, hl = strlen(host);

	m[o++] = 22;
	m[o++] = 3;
	m[o++] = 1;
	o += 2; /* record length */
	hs = o;
	m[o++] = 1;
	o += 3; /* handshake length */
	m[o++] = 3;
	m[o++] = 3;
	memset(m + o, 0x11, 32);
	o += 32;
	m[o++] = 32;
	memset(m + o, 0x22, 32);
	o += 32;
	nlrs_wr16(m + o, 4);
	nlrs_wr16(m + o + 2, 0x1301);
	nlrs_wr16(m + o + 4, 0xc02f);
	o += 6;
	m[o++] = 1;
	m[o++] = 0;
	ext = o;
	o += 2;
	/* server_name */
	nlrs_wr16(m + o, 0);
	nlrs_wr16(m + o + 2, (uint16_t)(hl + 5));
	nlrs_wr16(m + o + 4, (uint16_t)(hl + 3));
	m[o + 6] = 0;
	nlrs_wr16(m + o + 7, (uint16_t)hl);
	memcpy(m + o + 9, host, hl);
	o += 9 + hl;
	/* ALPN */
	nlrs_wr16(m + o, 16);
	nlrs_wr16(m + o + 2, 14);
	nlrs_wr16(m + o + 4, 12);
	memcpy(m + o + 6, "\x02h2\x08http/1.1", 12);
	o += 18;
	/* supported_versions */
	nlrs_wr16(m + o, 43);
	nlrs_wr16(m + o + 2, 7);
	m[o + 4] = 6;
	nlrs_wr16(m + o + 5, 0x7a7a);
	nlrs_wr16(m + o + 7, 0x0304);
	nlrs_wr16(m + o + 9, 0x0303);
	o += 11;
	nlrs_wr16(m + ext, (uint16_t)(o - ext - 2));
	nlrs_wr16(m + 3, (uint16_t)(o - 5));
	m[hs + 1] = 0;
	nlrs_wr16(m + hs + 2, (uint16_t)(o - hs - 4));
	return o;
}

Test(app, tls_client_hello_sni_alpn_versions)
{
	uint8_t m[512];
	size_t n = client_hello(m, "www.example.org");
	const struct nlrs_pkt_layer *t = tcp_app(50000, 443, m, n, 0);
	struct nlrs_pkt_tls_record r;
	size_t pos = 0;

	cr_assert_eq(t->type, NLRS_LAYER_TLS);
	cr_assert_eq(t->u.tls.content_type, 22);
	cr_assert_eq(t->u.tls.version, 0x0301);
	cr_assert_eq(t->u.tls.nrecords, 1);
	cr_assert(t->u.tls.has_hs);
	cr_assert_eq(t->u.tls.hs_type, 1);
	cr_assert_eq(t->u.tls.hello_version, 0x0303);
	cr_assert_eq(t->u.tls.ncipher_suites, 2);
	cr_assert_eq(t->u.tls.sni_len, 15);
	cr_assert_eq(memcmp(t->u.tls.sni, "www.example.org", 15), 0);
	cr_assert_eq(t->u.tls.alpn_len, 12);
	cr_assert_eq(t->u.tls.supported_version, 0x0304);
	cr_assert_eq(nlrs_pkt_tls_record_next(t, &pos, &r), 1);
	cr_assert(r.has_hs);
	cr_assert_eq(nlrs_pkt_tls_record_next(t, &pos, &r), 0);
	/* the same on port 8888 by its record header */
	t = tcp_app(50000, 8888, m, n, 0);
	cr_assert_eq(t->type, NLRS_LAYER_TLS);
	cr_assert(t->flags & NLRS_LF_HEURISTIC);
}

Test(app, tls_client_hello_cut_and_lying)
{
	uint8_t m[512];
	size_t n = client_hello(m, "a.example");
	const struct nlrs_pkt_layer *t;

	/* cut before the extensions: fields up to there, no lie */
	t = tcp_app(50000, 443, m, 60, 0);
	cr_assert_eq(t->type, NLRS_LAYER_TLS);
	cr_assert_eq(t->flags & NLRS_LF_MALFORMED, 0);
	cr_assert_eq(t->u.tls.nrecords, 0);
	cr_assert_eq(t->u.tls.hello_version, 0x0303);
	cr_assert_null(t->u.tls.sni);
	/* session id of 40 */
	m[5 + 4 + 34] = 40;
	t = tcp_app(50000, 443, m, n, 0);
	cr_assert(t->flags & NLRS_LF_MALFORMED);
	/* SNI name longer than its list */
	n = client_hello(m, "a.example");
	nlrs_wr16(m + 5 + 4 + 2 + 32 + 33 + 6 + 2 + 2 + 7, 200);
	t = tcp_app(50000, 443, m, n, 0);
	cr_assert(t->flags & NLRS_LF_MALFORMED);
	cr_assert_null(t->u.tls.sni);
	/* a record of type 99 on 443 is not TLS */
	m[0] = 99;
	t = tcp_app(50000, 443, m, n, 0);
	cr_assert_null(t);
}

Test(app, tls_several_records_in_a_segment)
{
	static const uint8_t recs[] = { 20, 3, 3, 0, 1, 1, 23, 3, 3, 0, 3, 'a', 'b', 'c', 23, 3, 3, 0, 9, 'x' };
	const struct nlrs_pkt_layer *t = tcp_app(443, 50000, recs, sizeof recs, 0);
	struct nlrs_pkt_tls_record r;
	size_t pos = 0;

	cr_assert_eq(t->u.tls.content_type, 20);
	cr_assert_eq(t->u.tls.nrecords, 2);
	cr_assert_eq(nlrs_pkt_tls_record_next(t, &pos, &r), 1);
	cr_assert_eq(nlrs_pkt_tls_record_next(t, &pos, &r), 1);
	cr_assert_eq(r.content_type, 23);
	cr_assert_eq(r.flen, 3);
	cr_assert_eq(nlrs_pkt_tls_record_next(t, &pos, &r), 1);
	cr_assert_eq(r.flen, 1);
	cr_assert_eq(r.length, 9);
	cr_assert_eq(nlrs_pkt_tls_record_next(t, &pos, &r), 0);
}

Test(app, telnet_commands_and_data)
{
	static const uint8_t t1[] = { 255, 253, 24, 255, 250, 24, 1, 255, 240, 'l', 'o', 255, 255,
				      'g', 255, 241 };
	const struct nlrs_pkt_layer *t = tcp_app(40000, 23, t1, sizeof t1, 0);
	struct nlrs_pkt_telnet_cmd c;
	size_t pos = 0;

	cr_assert_eq(t->type, NLRS_LAYER_TELNET);
	cr_assert_eq(t->u.telnet.ncmds, 3);
	cr_assert_eq(t->u.telnet.data_bytes, 4);
	cr_assert_eq(nlrs_pkt_telnet_next(t, &pos, &c), 1);
	cr_assert_eq(c.cmd, 253);
	cr_assert_eq(c.opt, 24);
	cr_assert_eq(nlrs_pkt_telnet_next(t, &pos, &c), 1);
	cr_assert_eq(c.cmd, 250);
	cr_assert_eq(c.sb_len, 1);
	cr_assert_eq(nlrs_pkt_telnet_next(t, &pos, &c), 1);
	cr_assert_eq(c.cmd, 241);
	cr_assert_eq(nlrs_pkt_telnet_next(t, &pos, &c), 0);
	/* IAC followed by a code below 240 */
	t = tcp_app(40000, 23, "\xff\x10", 2, 0);
	cr_assert(t->flags & NLRS_LF_MALFORMED);
	/* SB with no IAC SE yet: continues in the next segment */
	t = tcp_app(40000, 23, "\xff\xfa\x18\x01", 4, 0);
	cr_assert_eq(t->flags & NLRS_LF_MALFORMED, 0);
}

Test(app, ssh_banner)
{
	static const char b[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2\r\n";
	const struct nlrs_pkt_layer *s = tcp_app(22, 40000, b, sizeof b - 1, 0);

	cr_assert_eq(s->type, NLRS_LAYER_SSH);
	cr_assert_eq(s->u.ssh.proto_len, 3);
	cr_assert_eq(memcmp(s->u.ssh.proto, "2.0", 3), 0);
	cr_assert_eq(memcmp(s->u.ssh.software, "OpenSSH_9.2p1", 13), 0);
	cr_assert_eq(s->u.ssh.comments_len, 16);
	s = tcp_app(2222, 40000, b, sizeof b - 1, 0);
	cr_assert_eq(s->type, NLRS_LAYER_SSH);
	cr_assert(s->flags & NLRS_LF_HEURISTIC);
	/* binary packets on port 22 are payload */
	s = tcp_app(22, 40000, "\x00\x00\x01\x0c\x0a\x14", 6, 0);
	cr_assert_null(s);
	/* no version */
	s = tcp_app(22, 40000, "SSH--x\r\n", 8, 0);
	cr_assert_null(s);
}
