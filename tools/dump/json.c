/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --json: one JSON object a line for each packet, every layer the packet
 * library decoded with its main fields:
 *
 *   {"num":1,"time":"1700000000.000000","caplen":74,"len":74,"linktype":1,
 *    "layers":[{"layer":"eth","src":"02:00:00:00:00:01",...},
 *              {"layer":"ipv4","src":"192.0.2.1","dst":"192.0.2.2","proto":6,...},
 *              {"layer":"tcp","sport":40000,"dport":8080,"flags":"S",...}]}
 *
 * A layer the capture cuts short has "truncated":true; one whose fields
 * lie has "malformed" with the library's reason; a layer inside an ICMP
 * error's quoted datagram has "quoted":true. Text from the packet (HTTP
 * method and target, TLS server name, DNS name ...) is escaped: control
 * and non-ASCII bytes as \u00XX.
 */
#include "dump.h"

#include <nlrs/packet.h>

static struct nlrs_pkt jpkt;

static void jstr(const uint8_t *s, size_t n)
{
	static const char hx[] = "0123456789abcdef";

	out_char('"');
	for (size_t i = 0; i < n; i++) {
		uint8_t b = s[i];
		if (b == '"' || b == '\\') {
			out_char('\\');
			out_char((char)b);
		} else if (b < 0x20 || b > 0x7e) {
			char *d = out_room(6);
			d[0] = '\\';
			d[1] = 'u';
			d[2] = '0';
			d[3] = '0';
			d[4] = hx[b >> 4];
			d[5] = hx[b & 15];
			out_commit(d + 6);
		} else {
			out_char((char)b);
		}
	}
	out_char('"');
}

static void key(const char *k)
{
	out_lit(",\"");
	out_str(k);
	out_lit("\":");
}

static void kv_u(const char *k, uint64_t v)
{
	key(k);
	out_u64(v);
}

static void kv_b(const char *k, bool v)
{
	key(k);
	out_str(v ? "true" : "false");
}

static void kv_s(const char *k, const char *s)
{
	key(k);
	jstr((const uint8_t *)s, strlen(s));
}

static void kv_t(const char *k, const uint8_t *s, size_t n)
{
	key(k);
	jstr(s, n);
}

static void kv_ip4(const char *k, uint32_t a)
{
	uint8_t b[4] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a };

	key(k);
	out_char('"');
	out_ip4(b);
	out_char('"');
}

static void kv_ip6(const char *k, const uint8_t *a)
{
	key(k);
	out_char('"');
	out_ip6(a);
	out_char('"');
}

static void kv_mac(const char *k, const uint8_t *a)
{
	key(k);
	out_char('"');
	out_mac(a);
	out_char('"');
}

static void tcp_opts(const struct nlrs_pkt_tcp_opts *o)
{
	if (o->has_mss)
		kv_u("mss", o->mss);
	if (o->has_wscale)
		kv_u("wscale", o->wscale);
	if (o->sack_ok)
		kv_b("sack_ok", true);
	if (o->has_ts) {
		kv_u("tsval", o->tsval);
		kv_u("tsecr", o->tsecr);
	}
	if (o->nsack) {
		key("sack");
		out_char('[');
		for (unsigned i = 0; i < o->nsack && i < NLRS_PKT_TCP_MAX_SACK; i++) {
			if (i)
				out_char(',');
			out_char('[');
			out_u32(o->sack[i].left);
			out_char(',');
			out_u32(o->sack[i].right);
			out_char(']');
		}
		out_char(']');
	}
}

static void layer(const struct nlrs_pkt_layer *l)
{
	out_lit("{\"layer\":");
	{
		const char *n = nlrs_layer_name(l->type);
		jstr((const uint8_t *)n, strlen(n));
	}
	kv_u("off", l->off);
	if (l->flags & NLRS_LF_TRUNC)
		kv_b("truncated", true);
	if (l->flags & NLRS_LF_MALFORMED)
		kv_s("malformed", nlrs_pkt_strerror(l->err));
	if (l->flags & NLRS_LF_QUOTED)
		kv_b("quoted", true);
	if (l->flags & NLRS_LF_CSUM_BAD)
		kv_b("bad_checksum", true);
	if (l->flags & NLRS_LF_NOFIELDS) {
		out_char('}');
		return;
	}
	switch (l->type) {
	case NLRS_LAYER_ETH:
		kv_mac("src", l->u.eth.src);
		kv_mac("dst", l->u.eth.dst);
		kv_u("type", l->u.eth.type);
		break;
	case NLRS_LAYER_VLAN:
		kv_u("vid", l->u.vlan.vid);
		kv_u("pcp", l->u.vlan.pcp);
		kv_b("dei", l->u.vlan.dei);
		kv_u("type", l->u.vlan.type);
		break;
	case NLRS_LAYER_LLC:
		kv_u("dsap", l->u.llc.dsap);
		kv_u("ssap", l->u.llc.ssap);
		kv_u("control", l->u.llc.control);
		if (l->u.llc.snap) {
			kv_u("oui", (uint32_t)l->u.llc.oui[0] << 16 | l->u.llc.oui[1] << 8 |
					    l->u.llc.oui[2]);
			kv_u("type", l->u.llc.snap_type);
		}
		break;
	case NLRS_LAYER_SLL:
	case NLRS_LAYER_SLL2:
		kv_u("pkttype", l->u.sll.pkttype);
		kv_u("hatype", l->u.sll.hatype);
		if (l->u.sll.halen == 6)
			kv_mac("addr", l->u.sll.addr);
		kv_u("proto", l->u.sll.proto);
		if (l->type == NLRS_LAYER_SLL2)
			kv_u("ifindex", l->u.sll.ifindex);
		break;
	case NLRS_LAYER_NULL:
		kv_u("family", l->u.null.family);
		break;
	case NLRS_LAYER_ARP:
		kv_u("op", l->u.arp.op);
		kv_u("htype", l->u.arp.htype);
		kv_u("ptype", l->u.arp.ptype);
		if (l->u.arp.hlen == 6) {
			kv_mac("sha", l->u.arp.sha);
			kv_mac("tha", l->u.arp.tha);
		}
		if (l->u.arp.ptype == 0x0800 && l->u.arp.plen == 4) {
			kv_ip4("spa", l->u.arp.spa4);
			kv_ip4("tpa", l->u.arp.tpa4);
		}
		break;
	case NLRS_LAYER_IPV4:
		kv_ip4("src", l->u.ipv4.src);
		kv_ip4("dst", l->u.ipv4.dst);
		kv_u("proto", l->u.ipv4.proto);
		kv_u("ttl", l->u.ipv4.ttl);
		kv_u("tos", l->u.ipv4.tos);
		kv_u("id", l->u.ipv4.id);
		kv_u("len", l->u.ipv4.tot_len);
		kv_b("df", l->u.ipv4.df);
		kv_b("mf", l->u.ipv4.mf);
		kv_u("frag_off", l->u.ipv4.frag_off);
		break;
	case NLRS_LAYER_IPV6:
		kv_ip6("src", l->u.ipv6.src);
		kv_ip6("dst", l->u.ipv6.dst);
		kv_u("next", l->u.ipv6.next);
		kv_u("hlim", l->u.ipv6.hlim);
		kv_u("plen", l->u.ipv6.plen);
		kv_u("tclass", l->u.ipv6.tclass);
		kv_u("flow", l->u.ipv6.flow);
		break;
	case NLRS_LAYER_IPV6_HOPOPTS:
	case NLRS_LAYER_IPV6_ROUTING:
	case NLRS_LAYER_IPV6_FRAGMENT:
	case NLRS_LAYER_IPV6_DSTOPTS:
		kv_u("next", l->u.ipv6ext.next);
		kv_u("len", l->u.ipv6ext.len);
		if (l->type == NLRS_LAYER_IPV6_FRAGMENT) {
			kv_u("frag_off", l->u.ipv6ext.frag_off);
			kv_b("more", l->u.ipv6ext.frag_more);
			kv_u("id", l->u.ipv6ext.frag_id);
		}
		if (l->type == NLRS_LAYER_IPV6_ROUTING) {
			kv_u("rt_type", l->u.ipv6ext.rt_type);
			kv_u("segs_left", l->u.ipv6ext.segs_left);
		}
		break;
	case NLRS_LAYER_AH:
		kv_u("spi", l->u.ah.spi);
		kv_u("seq", l->u.ah.seq);
		kv_u("next", l->u.ah.next);
		break;
	case NLRS_LAYER_ESP:
		kv_u("spi", l->u.esp.spi);
		kv_u("seq", l->u.esp.seq);
		break;
	case NLRS_LAYER_ICMP4:
		kv_u("type", l->u.icmp4.type);
		kv_u("code", l->u.icmp4.code);
		if (l->u.icmp4.type == 0 || l->u.icmp4.type == 8) {
			kv_u("id", l->u.icmp4.id);
			kv_u("seq", l->u.icmp4.seq);
		}
		break;
	case NLRS_LAYER_ICMP6:
		kv_u("type", l->u.icmp6.type);
		kv_u("code", l->u.icmp6.code);
		if (l->u.icmp6.type == 128 || l->u.icmp6.type == 129) {
			kv_u("id", l->u.icmp6.id);
			kv_u("seq", l->u.icmp6.seq);
		}
		if (l->u.icmp6.type >= 135 && l->u.icmp6.type <= 137)
			kv_ip6("target", l->u.icmp6.target);
		break;
	case NLRS_LAYER_TCP: {
		char f[16]; /* nlrs_pkt_tcp_flags_str needs 10 */
		kv_u("sport", l->u.tcp.sport);
		kv_u("dport", l->u.tcp.dport);
		kv_u("seq", l->u.tcp.seq);
		kv_u("ack", l->u.tcp.ack);
		kv_s("flags", nlrs_pkt_tcp_flags_str(l->u.tcp.flags, f));
		kv_u("win", l->u.tcp.window);
		kv_u("hlen", l->u.tcp.hlen);
		kv_u("payload", l->wire_plen);
		tcp_opts(&l->u.tcp.o);
		break;
	}
	case NLRS_LAYER_UDP:
		kv_u("sport", l->u.udp.sport);
		kv_u("dport", l->u.udp.dport);
		kv_u("len", l->u.udp.len);
		break;
	case NLRS_LAYER_SCTP:
		kv_u("sport", l->u.sctp.sport);
		kv_u("dport", l->u.sctp.dport);
		kv_u("vtag", l->u.sctp.vtag);
		kv_u("chunks", l->u.sctp.nchunks);
		break;
	case NLRS_LAYER_DNS: {
		char name[1100];
		kv_u("id", l->u.dns.id);
		kv_b("response", l->u.dns.qr);
		kv_u("opcode", l->u.dns.opcode);
		kv_u("rcode", l->u.dns.rcode);
		kv_u("qdcount", l->u.dns.qdcount);
		kv_u("ancount", l->u.dns.ancount);
		kv_u("nscount", l->u.dns.nscount);
		kv_u("arcount", l->u.dns.arcount);
		if (l->u.dns.qname_off) {
			int n = nlrs_pkt_dns_name(l, l->u.dns.qname_off, name, sizeof(name));
			if (n >= 0) {
				kv_t("qname", (const uint8_t *)name,
				     (size_t)n < sizeof(name) ? (size_t)n : sizeof(name) - 1);
				kv_u("qtype", l->u.dns.qtype);
			}
		}
		break;
	}
	case NLRS_LAYER_DHCP:
		kv_u("op", l->u.dhcp.op);
		kv_u("xid", l->u.dhcp.xid);
		if (l->u.dhcp.msg_type)
			kv_u("msg_type", l->u.dhcp.msg_type);
		if (l->u.dhcp.htype == 1 && l->u.dhcp.hlen == 6)
			kv_mac("chaddr", l->u.dhcp.chaddr);
		break;
	case NLRS_LAYER_TFTP:
		kv_u("opcode", l->u.tftp.opcode);
		if (l->u.tftp.file)
			kv_t("file", l->u.tftp.file, l->u.tftp.file_len);
		if (l->u.tftp.opcode == 3 || l->u.tftp.opcode == 4)
			kv_u("block", l->u.tftp.block);
		break;
	case NLRS_LAYER_HTTP:
		kv_b("request", l->u.http.request);
		if (l->u.http.request) {
			kv_t("method", l->u.http.method, l->u.http.method_len);
			kv_t("target", l->u.http.target, l->u.http.target_len);
		} else {
			kv_u("status", l->u.http.status);
		}
		{
			char v[8] = { (char)('0' + l->u.http.ver_major % 10), '.',
				      (char)('0' + l->u.http.ver_minor % 10), 0 };
			kv_s("version", v);
		}
		break;
	case NLRS_LAYER_TLS:
		kv_u("content_type", l->u.tls.content_type);
		kv_u("version", l->u.tls.version);
		if (l->u.tls.has_hs)
			kv_u("handshake", l->u.tls.hs_type);
		if (l->u.tls.sni)
			kv_t("sni", l->u.tls.sni, l->u.tls.sni_len);
		break;
	case NLRS_LAYER_TELNET:
		kv_u("commands", l->u.telnet.ncmds);
		break;
	case NLRS_LAYER_SSH:
		kv_t("proto", l->u.ssh.proto, l->u.ssh.proto_len);
		kv_t("software", l->u.ssh.software, l->u.ssh.software_len);
		break;
	case NLRS_LAYER_PAYLOAD:
		kv_u("len", l->plen);
		break;
	default:
		break;
	}
	out_char('}');
}

void json_packet(const struct dump_pkt *p, uint64_t num)
{
	char *d;

	nlrs_pkt_decode(&jpkt, (uint32_t)p->linktype, p->data, p->caplen, p->len, NULL);
	out_lit("{\"num\":");
	out_u64(num);
	out_lit(",\"time\":\"");
	if (p->sec < 0) {
		out_char('-');
		out_u64((uint64_t)-p->sec);
	} else {
		out_u64((uint64_t)p->sec);
	}
	d = out_room(10);
	*d++ = '.';
	out_commit(fmt_dec_w(d, p->nsec / 1000, 6));
	out_char('"');
	kv_u("caplen", p->caplen);
	kv_u("len", p->len);
	kv_u("linktype", (uint32_t)p->linktype);
	out_lit(",\"layers\":[");
	for (const struct nlrs_pkt_layer *l = nlrs_pkt_first(&jpkt); l; l = nlrs_pkt_next(&jpkt, l)) {
		if (l != nlrs_pkt_first(&jpkt))
			out_char(',');
		layer(l);
	}
	out_lit("]}\n");
}
