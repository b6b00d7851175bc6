/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --fields: one tab-separated record a packet of what the packet library
 * decoded, named and written as tshark's `-T fields` writes the fields of
 * the same names, so that the two can be compared field by field (the
 * peer suite does). A field that occurs in several layers of a packet
 * (IP in IP, the datagram an ICMP error quotes) lists its values
 * outermost first, comma-separated, as tshark does; a layer whose fixed
 * header the library could not read contributes nothing.
 *
 * Text forms are tshark's: addresses dotted / RFC 5952, numbers decimal,
 * tcp.flags as 0x%04x of the flag bits the library decodes (the nine
 * defined bits; the three reserved bits are not decoded).
 */
#include "dump.h"

#include <nlrs/packet.h>
#include <stdlib.h>

enum fcol {
	F_IP_SRC,
	F_IP_DST,
	F_IP_PROTO,
	F_IP_LEN,
	F_IP6_SRC,
	F_IP6_DST,
	F_IP6_PLEN,
	F_IP6_NXT,
	F_TCP_SPORT,
	F_TCP_DPORT,
	F_TCP_FLAGS,
	F_TCP_SEQ,
	F_TCP_ACK,
	F_TCP_LEN,
	F_UDP_SPORT,
	F_UDP_DPORT,
	F_UDP_LEN,
	F_ICMP_TYPE,
	F_ICMP_CODE,
	F_ICMP6_TYPE,
	F_ICMP6_CODE,
	F_ARP_OP,
	F_ARP_SPA,
	F_ARP_TPA,
	F_NCOLS
};

static const char *const names[F_NCOLS] = {
	"ip.src",      "ip.dst",      "ip.proto",      "ip.len",         "ipv6.src",
	"ipv6.dst",    "ipv6.plen",   "ipv6.nxt",      "tcp.srcport",    "tcp.dstport",
	"tcp.flags",   "tcp.seq_raw", "tcp.ack_raw",   "tcp.len",        "udp.srcport",
	"udp.dstport", "udp.length",  "icmp.type",     "icmp.code",      "icmpv6.type",
	"icmpv6.code", "arp.opcode",  "arp.src.proto_ipv4", "arp.dst.proto_ipv4",
};

/* Values are gathered per column in a small buffer first (a packet's
 * columns come out in the fixed column order, its layers in another). */
#define CELL 512
static char cell[F_NCOLS][CELL];
static size_t cell_len[F_NCOLS];
static struct nlrs_pkt fpkt;

static void add(enum fcol f, const char *s, size_t n)
{
	size_t at = cell_len[f];

	if (at + n + 1 > CELL)
		return; /* absurdly many nested layers: the rest is left out */
	if (at)
		cell[f][at++] = ',';
	memcpy(cell[f] + at, s, n);
	cell_len[f] = at + n;
}

static void add_u32(enum fcol f, uint32_t v)
{
	char b[12];

	add(f, b, (size_t)(fmt_u32(b, v) - b));
}

static void add_ip4(enum fcol f, uint32_t a)
{
	uint8_t x[4] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a };
	char b[16];

	add(f, b, (size_t)(fmt_ip4(b, x) - b));
}

static void add_ip6(enum fcol f, const uint8_t *a)
{
	char b[48];

	add(f, b, (size_t)(fmt_ip6(b, a) - b));
}

void fields_header(void)
{
	out_lit("num");
	for (int f = 0; f < F_NCOLS; f++) {
		out_char('\t');
		out_str(names[f]);
	}
	out_char('\n');
}

void fields_packet(const struct dump_pkt *p, uint64_t num)
{
	const struct nlrs_pkt_layer *l;

	memset(cell_len, 0, sizeof(cell_len));
	static const struct nlrs_pkt_opts fopts = { .flags = NLRS_PKT_NO_APP | NLRS_PKT_NO_HEURISTIC };

	nlrs_pkt_decode(&fpkt, (uint32_t)p->linktype, p->data, p->caplen, p->len, &fopts);
	for (l = nlrs_pkt_first(&fpkt); l; l = nlrs_pkt_next(&fpkt, l)) {
		if (l->flags & NLRS_LF_NOFIELDS)
			continue;
		switch (l->type) {
		case NLRS_LAYER_IPV4:
			add_ip4(F_IP_SRC, l->u.ipv4.src);
			add_ip4(F_IP_DST, l->u.ipv4.dst);
			add_u32(F_IP_PROTO, l->u.ipv4.proto);
			add_u32(F_IP_LEN, l->u.ipv4.tot_len);
			break;
		case NLRS_LAYER_IPV6:
			add_ip6(F_IP6_SRC, l->u.ipv6.src);
			add_ip6(F_IP6_DST, l->u.ipv6.dst);
			add_u32(F_IP6_PLEN, l->u.ipv6.plen);
			add_u32(F_IP6_NXT, l->u.ipv6.next);
			break;
		case NLRS_LAYER_TCP: {
			char b[8] = "0x";
			add_u32(F_TCP_SPORT, l->u.tcp.sport);
			add_u32(F_TCP_DPORT, l->u.tcp.dport);
			add(F_TCP_FLAGS, b, (size_t)(fmt_hex_w(b + 2, l->u.tcp.flags & 0x1ff, 4) - b));
			add_u32(F_TCP_SEQ, l->u.tcp.seq);
			add_u32(F_TCP_ACK, l->u.tcp.ack);
			add_u32(F_TCP_LEN, l->wire_plen);
			break;
		}
		case NLRS_LAYER_UDP:
			add_u32(F_UDP_SPORT, l->u.udp.sport);
			add_u32(F_UDP_DPORT, l->u.udp.dport);
			add_u32(F_UDP_LEN, l->u.udp.len);
			break;
		case NLRS_LAYER_ICMP4:
			add_u32(F_ICMP_TYPE, l->u.icmp4.type);
			add_u32(F_ICMP_CODE, l->u.icmp4.code);
			break;
		case NLRS_LAYER_ICMP6:
			add_u32(F_ICMP6_TYPE, l->u.icmp6.type);
			add_u32(F_ICMP6_CODE, l->u.icmp6.code);
			break;
		case NLRS_LAYER_ARP:
			/* hardware type 19 is ATMARP (RFC 2225), another layout
			 * that the library reads as plain ARP: not claimed */
			if (l->u.arp.htype == 19)
				break;
			add_u32(F_ARP_OP, l->u.arp.op);
			if (l->u.arp.ptype == 0x0800 && l->u.arp.plen == 4) {
				add_ip4(F_ARP_SPA, l->u.arp.spa4);
				add_ip4(F_ARP_TPA, l->u.arp.tpa4);
			}
			break;
		default:
			break;
		}
	}
	out_u64(num);
	for (int f = 0; f < F_NCOLS; f++) {
		out_char('\t');
		out_write(cell[f], cell_len[f]);
	}
	out_char('\n');
}
