/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcpdump's one-line format from the packet library's decoded layers.
 *
 * The library (nlrs/packet.h) parses; this file only prints, following
 * tcpdump 4.99's text for the protocols both know: Ethernet and 802.1Q,
 * LLC/SNAP, Linux cooked v1/v2, BSD loopback, raw IP, SLIP, ARP, IPv4,
 * IPv6 and its extension headers, ICMP, ICMPv6, TCP (flags, relative
 * sequence numbers, options), UDP, SCTP chunks, DNS, DHCP/BOOTP, TFTP,
 * and HTTP's and SSH's first line. What the library did not decode is
 * shown by its numbers and, as tcpdump does, as a hex dump.
 *
 * Where the library marks a layer truncated (the capture ends inside it)
 * the line ends in "[|proto]", as tcpdump's. Where it marks a layer
 * malformed, the tcpdump messages for the usual lies are printed
 * (bad-hlen, bad-len, truncated-ip, bad hdr length ...), from the bytes
 * the library's layer points at, reading only inside the capture.
 *
 * Speed: one struct nlrs_pkt lives in the printer and is reused; the
 * relative-sequence table grows per new connection, never per packet;
 * numbers and addresses are formatted straight into the output buffer.
 */
#include "dump.h"
#include "resolve.h"

#include <net/if.h>
#include <nlrs/packet.h>
#include <stdlib.h>
#include <string.h>

/* ---- relative TCP sequence numbers (tcpdump's tcp_seq_hash) ---- */

struct seq_ent {
	uint8_t used;
	uint8_t alen;
	uint32_t port;   /* sport << 16 | dport of the canonical direction */
	uint64_t key[4]; /* source then destination address, 16 bytes each */
	uint32_t seq, ack;
};

/* "src.sport > dst.dport: " as last printed for a conversation (-n): a
 * direct-mapped cache, so a packet of a known flow costs one copy. */
#define PFX_SLOTS 4096
struct pfx_ent {
	uint64_t key[4];
	uint32_t ports;
	uint8_t v6, len;
	char s[110];
};

struct dump_printer {
	const struct dump_opts *o;
	struct ts_state ts;
	struct nlrs_pkt_opts dopts;
	struct seq_ent *seq;
	size_t seq_cap, seq_n;
	struct pfx_ent *pfx;
	struct nlrs_pkt_layer optl; /* the fast path's TCP options, for the walker */
	struct nlrs_pkt pkt;
};

/* What a transport printer needs of the IP layer outside it. */
struct ipctx {
	bool v6;
	uint32_t src4, dst4;
	const uint8_t *src6, *dst6;
	bool full_addrs; /* print "addr.port > addr.port" (else the IP printer did) */
	bool fragmented;
	uint32_t length; /* the transport's length as the IP layer claims it */
	const struct nlrs_pkt_layer *ip;
};

struct pctx {
	struct dump_printer *pr;
	const struct dump_opts *o;
	const struct nlrs_pkt *pkt;
	const struct dump_pkt *p;
	uint32_t llhdr; /* link header bytes, for -x/-X/-A */
};

static void print_net(struct pctx *c, int i, uint16_t ethertype, uint32_t length);
static void print_ip4(struct pctx *c, int i, uint32_t length);
static void print_ip6(struct pctx *c, int i, uint32_t length);

#define L(c, i) (&(c)->pkt->layers[(i)])

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Captured bytes from the start of layer l to the end of the capture. */
static inline uint32_t avail(const struct pctx *c, const struct nlrs_pkt_layer *l)
{
	return l->off < c->p->caplen ? c->p->caplen - l->off : 0;
}

/* The layer after i at the same quoting depth, or -1. */
static inline int next_of(const struct pctx *c, int i)
{
	if (i + 1 < c->pkt->nlayers && c->pkt->layers[i + 1].depth == c->pkt->layers[i].depth)
		return i + 1;
	return -1;
}

static inline bool fields_ok(const struct nlrs_pkt_layer *l)
{
	return !(l->flags & NLRS_LF_NOFIELDS);
}

/* tcpdump's nd_print_trunc: " [|proto]" */
static void trunc_mark(const char *proto)
{
	out_lit(" [|");
	out_str(proto);
	out_char(']');
}

/* ---- names ---- */

struct tok {
	uint32_t v;
	const char *s;
};

static const char *tok_find(const struct tok *t, uint32_t v)
{
	for (; t->s; t++)
		if (t->v == v)
			return t->s;
	return NULL;
}

static const struct tok ethertypes[] = {
	{ 0x0800, "IPv4" },
	{ 0x8847, "MPLS unicast" },
	{ 0x8848, "MPLS multicast" },
	{ 0x86dd, "IPv6" },
	{ 0x8100, "802.1Q" },
	{ 0x9100, "802.1Q-9100" },
	{ 0x88a8, "802.1Q-QinQ" },
	{ 0x9200, "802.1Q-9200" },
	{ 0x88e5, "802.1AE MACsec" },
	{ 0x0200, "PUP" },
	{ 0x0806, "ARP" },
	{ 0x8035, "Reverse ARP" },
	{ 0x0600, "NS" },
	{ 0x0500, "Sprite" },
	{ 0x1000, "Trail" },
	{ 0x6001, "MOP DL" },
	{ 0x6002, "MOP RC" },
	{ 0x6003, "DN" },
	{ 0x6004, "LAT" },
	{ 0x6007, "SCA" },
	{ 0x6558, "TEB" },
	{ 0x8038, "Lanbridge" },
	{ 0x803c, "DEC DNS" },
	{ 0x803e, "DEC DTS" },
	{ 0x805b, "VEXP" },
	{ 0x805c, "VPROD" },
	{ 0x809b, "Appletalk" },
	{ 0x80f3, "Appletalk ARP" },
	{ 0x8137, "IPX" },
	{ 0x880b, "PPP" },
	{ 0x8808, "MPCP" },
	{ 0x8809, "Slow Protocols" },
	{ 0x8863, "PPPoE D" },
	{ 0x8864, "PPPoE S" },
	{ 0x888e, "EAPOL" },
	{ 0x8899, "Realtek protocols" },
	{ 0x886f, "MS NLB heartbeat" },
	{ 0x8870, "Jumbo" },
	{ 0x894f, "NSH" },
	{ 0x9000, "Loopback" },
	{ 0xfefe, "OSI" },
	{ 0x00fe, "GRE-OSI" },
	{ 0xabcd, "CFM (old)" },
	{ 0x8902, "CFM" },
	{ 0x893a, "IEEE1905.1" },
	{ 0x88cc, "LLDP" },
	{ 0x88ca, "TIPC" },
	{ 0x0707, "GeoNet (old)" },
	{ 0x8947, "GeoNet" },
	{ 0x1111, "CALM FAST" },
	{ 0x88a2, "AoE" },
	{ 0x88f7, "PTP" },
	{ 0xd28b, "Arista Vendor Specific Protocol" },
	{ 0, NULL },
};

static const struct tok ipprotos[] = {
	{ 0, "Options" }, { 1, "ICMP" },   { 2, "IGMP" },    { 4, "IPIP" },   { 6, "TCP" },
	{ 8, "EGP" },     { 9, "IGRP" },   { 17, "UDP" },    { 33, "DCCP" },  { 41, "IPv6" },
	{ 43, "Routing" }, { 44, "Fragment" }, { 46, "RSVP" }, { 47, "GRE" }, { 50, "ESP" },
	{ 51, "AH" },     { 58, "ICMPv6" }, { 59, "NONE" },  { 60, "DSTOPTS" }, { 88, "EIGRP" },
	{ 89, "OSPF" },   { 94, "ETHERIP" }, { 103, "PIM" }, { 108, "Compressed IP" },
	{ 112, "VRRP" },  { 113, "PGM" },  { 132, "SCTP" },  { 135, "Mobility" },
	{ 0, NULL },
};

static const char *ipproto_str(uint8_t p)
{
	const char *s;

	if (p == 0)
		return "Options";
	s = tok_find(ipprotos + 1, p);
	return s ? s : "unknown";
}

static void ethertype_print(const struct pctx *c, uint16_t type)
{
	const char *n = tok_find(ethertypes, type);

	if (!c->o->qflag) {
		out_lit("ethertype ");
		out_str(n ? n : "Unknown");
		out_lit(" (0x");
		out_hex_w(type, 4);
		out_char(')');
	} else if (n) {
		out_str(n);
	} else {
		out_lit("Unknown Ethertype (0x");
		out_hex_w(type, 4);
		out_char(')');
	}
}

/* ---- addresses and ports ---- */

static void put_ip4(const struct pctx *c, uint32_t a)
{
	uint8_t b[4] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a };

	if (!c->o->numeric) {
		const char *n = resolve_ip4(a);
		if (n) {
			out_str(n);
			return;
		}
	}
	out_ip4(b);
}

static void put_ip4_raw(const struct pctx *c, const uint8_t *b)
{
	put_ip4(c, rd32(b));
}

static void put_ip6(const struct pctx *c, const uint8_t *a)
{
	if (!c->o->numeric) {
		const char *n = resolve_ip6(a);
		if (n) {
			out_str(n);
			return;
		}
	}
	out_ip6(a);
}

static void put_port(const struct pctx *c, uint16_t port, bool udp)
{
	if (!c->o->numeric) {
		const char *n = resolve_port(port, udp);
		if (n) {
			out_str(n);
			return;
		}
	}
	out_u32(port);
}

static void put_src(const struct pctx *c, const struct ipctx *ip)
{
	if (ip->v6)
		put_ip6(c, ip->src6);
	else
		put_ip4(c, ip->src4);
}

static void put_dst(const struct pctx *c, const struct ipctx *ip)
{
	if (ip->v6)
		put_ip6(c, ip->dst6);
	else
		put_ip4(c, ip->dst4);
}

/* "src > dst: " */
static void put_addrs(const struct pctx *c, const struct ipctx *ip)
{
	put_src(c, ip);
	out_lit(" > ");
	put_dst(c, ip);
	out_lit(": ");
}

static inline uint64_t key_hash(const uint64_t *k, uint32_t port)
{
	uint64_t h = (k[0] ^ (k[1] * 0x9e3779b97f4a7c15u) ^ (k[2] * 0xc2b2ae3d27d4eb4fu) ^
		      (k[3] * 0x165667b19e3779f9u) ^ port) * 0xff51afd7ed558ccdu;

	return h ^ (h >> 32);
}

/* "src.sport > dst.dport: " or "sport > dport: " when the IP printer
 * already printed the addresses. */
static void put_ports(const struct pctx *c, const struct ipctx *ip, uint16_t sp, uint16_t dp,
		      bool udp)
{
	struct pfx_ent *e = NULL;
	uint64_t k[4] = { 0, 0, 0, 0 };
	uint32_t ports = (uint32_t)sp << 16 | dp;
	size_t before = 0;

	if (ip->full_addrs && c->o->numeric && c->pr->pfx) {
		if (ip->v6) {
			memcpy(k, ip->src6, 16);
			memcpy(k + 2, ip->dst6, 16);
		} else {
			k[0] = ip->src4;
			k[2] = ip->dst4;
		}
		e = &c->pr->pfx[key_hash(k, ports ^ (udp ? 0x80000000u : 0)) & (PFX_SLOTS - 1)];
		if (e->len && e->ports == ports && e->v6 == ip->v6 && e->key[0] == k[0] &&
		    e->key[1] == k[1] && e->key[2] == k[2] && e->key[3] == k[3]) {
			out_write(e->s, e->len);
			return;
		}
		out_room(sizeof(e->s)); /* what follows fits without a flush */
		before = nlrs_out.len;
	}
	if (ip->full_addrs) {
		put_src(c, ip);
		out_char('.');
		put_port(c, sp, udp);
		out_lit(" > ");
		put_dst(c, ip);
		out_char('.');
		put_port(c, dp, udp);
	} else {
		put_port(c, sp, udp);
		out_lit(" > ");
		put_port(c, dp, udp);
	}
	out_lit(": ");
	if (e && nlrs_out.len - before <= sizeof(e->s)) {
		memcpy(e->key, k, sizeof(k));
		e->ports = ports;
		e->v6 = ip->v6;
		e->len = (uint8_t)(nlrs_out.len - before);
		memcpy(e->s, nlrs_out.buf + before, e->len);
	}
}

/* Organisationally unique identifiers tcpdump names (its oui.c). */
static const struct tok ouis[] = {
	{ 0x000000, "Ethernet" },         { 0x00000c, "Cisco" },
	{ 0x00005e, "IANA" },             { 0x000081, "Nortel Networks SONMP" },
	{ 0x0000f8, "Cisco bridged" },    { 0x0080c2, "Ethernet bridged" },
	{ 0x00a03e, "ATM Forum" },        { 0x00e02f, "DOCSIS Spanning Tree" },
	{ 0x080007, "Appletalk" },        { 0x009069, "Juniper" },
	{ 0x080009, "Hewlett-Packard" },  { 0x00120f, "IEEE 802.3 Private" },
	{ 0x0012bb, "ANSI/TIA" },         { 0x001b21, "DCBX" },
	{ 0x002320, "Nicira Networks" },  { 0x5c16c7, "Big Switch Networks" },
	{ 0xb0d2f5, "Vello Systems" },    { 0x002481, "HP" },
	{ 0x0004ea, "HP-Labs" },          { 0x748771, "Infoblox Inc" },
	{ 0xa42305, "Open Networking Lab" }, { 0x00049f, "Freescale" },
	{ 0x0015ad, "Netronome" },        { 0x001018, "Broadcom" },
	{ 0x00e004, "PMC-Sierra" },       { 0xd0f0db, "Ericsson" },
	{ 0, NULL },
};

static const char *oui_name(uint32_t oui)
{
	const char *n = oui == 0 ? "Ethernet" : tok_find(ouis + 1, oui);

	return n ? n : "Unknown";
}

/* An Ethernet address; without -n, tcpdump's " (oui VENDOR)" after it. */
static void put_mac(const struct pctx *c, const uint8_t *m)
{
	if (!c->o->numeric && (m[0] & m[1] & m[2] & m[3] & m[4] & m[5]) == 0xff) {
		out_lit("Broadcast"); /* tcpdump's one built-in name */
		return;
	}
	out_mac(m);
	if (!c->o->numeric) {
		out_lit(" (oui ");
		out_str(oui_name((uint32_t)m[0] << 16 | m[1] << 8 | m[2]));
		out_char(')');
	}
}

/* Link-layer address of any length as tcpdump's linkaddr_string. */
static void put_lladdr(const struct pctx *c, const uint8_t *a, unsigned len)
{
	if (len == 6) {
		put_mac(c, a);
		return;
	}
	for (unsigned i = 0; i < len; i++) {
		if (i)
			out_char(':');
		out_hex_w(a[i], 2);
	}
}

/* ---- checksums (for -v: the value a wrong checksum should have had) ---- */

static uint32_t cks_add(uint32_t sum, const uint8_t *d, size_t n)
{
	while (n > 1) {
		sum += (uint32_t)(d[0] << 8 | d[1]);
		d += 2;
		n -= 2;
	}
	if (n)
		sum += (uint32_t)d[0] << 8;
	return sum;
}

static uint16_t cks_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The sum over a segment with its pseudo-header; 0 when right. */
static uint16_t l4_cksum(const struct ipctx *ip, uint8_t proto, const uint8_t *seg, uint32_t len)
{
	uint32_t sum = 0;
	uint8_t ph[40];

	if (ip->v6) {
		memcpy(ph, ip->src6, 16);
		memcpy(ph + 16, ip->dst6, 16);
		ph[32] = (uint8_t)(len >> 24);
		ph[33] = (uint8_t)(len >> 16);
		ph[34] = (uint8_t)(len >> 8);
		ph[35] = (uint8_t)len;
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = proto;
		sum = cks_add(sum, ph, 40);
	} else {
		ph[0] = (uint8_t)(ip->src4 >> 24);
		ph[1] = (uint8_t)(ip->src4 >> 16);
		ph[2] = (uint8_t)(ip->src4 >> 8);
		ph[3] = (uint8_t)ip->src4;
		ph[4] = (uint8_t)(ip->dst4 >> 24);
		ph[5] = (uint8_t)(ip->dst4 >> 16);
		ph[6] = (uint8_t)(ip->dst4 >> 8);
		ph[7] = (uint8_t)ip->dst4;
		ph[8] = 0;
		ph[9] = proto;
		ph[10] = (uint8_t)(len >> 8);
		ph[11] = (uint8_t)len;
		sum = cks_add(sum, ph, 12);
	}
	return cks_fold(cks_add(sum, seg, len));
}

/* tcpdump's in_cksum_shouldbe: the checksum field that would have made
 * the computed sum zero. */
static uint16_t cks_shouldbe(uint16_t field, uint16_t computed)
{
	uint32_t s = (uint32_t)field + computed;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* ---- raw dumps of what nobody decoded (tcpdump's default print) ---- */

static void default_print(const struct pctx *c, const uint8_t *d, uint32_t n)
{
	if (c->o->xflag || c->o->Xflag || c->o->qflag)
		return; /* the -x/-X dump shows it; -q wants it short */
	hex_ascii_print(d, n);
}

/* ---- application layers ---- */

static const struct tok dns_types[] = {
	{ 1, "A" },        { 2, "NS" },       { 3, "MD" },       { 4, "MF" },
	{ 5, "CNAME" },    { 6, "SOA" },      { 7, "MB" },       { 8, "MG" },
	{ 9, "MR" },       { 10, "NULL" },    { 11, "WKS" },     { 12, "PTR" },
	{ 13, "HINFO" },   { 14, "MINFO" },   { 15, "MX" },      { 16, "TXT" },
	{ 17, "RP" },      { 18, "AFSDB" },   { 19, "X25" },     { 20, "ISDN" },
	{ 21, "RT" },      { 22, "NSAP" },    { 23, "NSAP_PTR" }, { 24, "SIG" },
	{ 25, "KEY" },     { 26, "PX" },      { 27, "GPOS" },    { 28, "AAAA" },
	{ 29, "LOC" },     { 30, "NXT" },     { 31, "EID" },     { 32, "NIMLOC" },
	{ 33, "SRV" },     { 34, "ATMA" },    { 35, "NAPTR" },   { 36, "KX" },
	{ 37, "CERT" },    { 38, "A6" },      { 39, "DNAME" },   { 40, "SINK" },
	{ 41, "OPT" },     { 42, "APL" },     { 43, "DS" },      { 44, "SSHFP" },
	{ 45, "IPSECKEY" }, { 46, "RRSIG" },  { 47, "NSEC" },    { 48, "DNSKEY" },
	{ 49, "DHCID" },   { 50, "NSEC3" },   { 51, "NSEC3PARAM" }, { 52, "TLSA" },
	{ 53, "SMIMEA" },  { 55, "HIP" },     { 59, "CDS" },     { 60, "CDNSKEY" },
	{ 61, "OPENPGPKEY" }, { 62, "CSYNC" }, { 63, "ZONEMD" }, { 64, "SVCB" },
	{ 65, "HTTPS" },   { 99, "SPF" },     { 100, "UINFO" },  { 101, "UID" },
	{ 102, "GID" },    { 103, "UNSPEC" }, { 104, "NID" },    { 105, "L32" },
	{ 106, "L64" },    { 107, "LP" },     { 108, "EUI48" },  { 109, "EUI64" },
	{ 249, "TKEY" },   { 250, "TSIG" },   { 251, "IXFR" },   { 252, "AXFR" },
	{ 253, "MAILB" },  { 254, "MAILA" },  { 255, "ANY" },    { 256, "URI" },
	{ 257, "CAA" },    { 32768, "TA" },   { 32769, "DLV" },  { 0, NULL },
};

static const struct tok dns_classes[] = {
	{ 1, "IN" }, { 3, "CHAOS" }, { 4, "HS" }, { 255, "ANY" }, { 0, NULL },
};

static const char *const dns_ops[16] = {
	"",        " inv_q",   " stat",    " op3",       " notify",  " update", " op6",     " op7",
	" op8",    " updateA", " updateD", " updateDA",  " updateM", " updateMA", " zoneInit",
	" zoneRef",
};

static const char *const dns_rcodes[24] = {
	"",        " FormErr", " ServFail", " NXDomain", " NotImp",  " Refused", " YXDomain",
	" YXRRSet", " NXRRSet", " NotAuth", " NotZone", " Resp11",  " Resp12",  " Resp13",
	" Resp14", " NoChange", " BadVers", "Resp17",   " Resp18",  " Resp19",  " Resp20",
	"Resp21",  " Resp22",  " BadCookie",
};

static void dns_type(uint16_t t)
{
	const char *n = tok_find(dns_types, t);

	out_char(' ');
	if (n) {
		out_str(n);
	} else {
		out_lit("Type");
		out_u32(t);
	}
}

/* A name as tcpdump's fqdn_print: labels and a final dot. 0, or -1 when
 * it cannot be read. */
static int dns_name(const struct nlrs_pkt_layer *dns, size_t off)
{
	char buf[1100];
	int n = nlrs_pkt_dns_name(dns, off, buf, sizeof(buf));

	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(buf))
		n = (int)sizeof(buf) - 1;
	out_write(buf, (size_t)n);
	if (!(n == 1 && buf[0] == '.'))
		out_char('.');
	return 0;
}

static void dns_class(uint16_t cls)
{
	const char *n = tok_find(dns_classes, cls);

	out_char(' ');
	if (n) {
		out_str(n);
	} else {
		out_lit("(Class ");
		out_u32(cls);
		out_char(')');
	}
}

/* One resource record as ns_rprint (answers and, with -vv, the rest). */
static int dns_rr(const struct pctx *c, const struct nlrs_pkt_layer *dns,
		  const struct nlrs_pkt_dns_rr *rr, bool mdns)
{
	uint16_t cls = rr->class_;

	if (c->o->verbose) {
		out_char(' ');
		if (dns_name(dns, rr->name_off) < 0)
			return -1;
	}
	if (mdns)
		cls &= 0x7fff;
	if (cls != 1 && rr->type != 41)
		dns_class(cls);
	if (mdns && (rr->class_ & 0x8000))
		out_lit(" (Cache flush)");
	if (c->o->verbose > 2 && rr->type != 41) {
		out_lit(" [");
		out_u32(rr->ttl);
		out_lit("s]");
	}
	dns_type(rr->type);
	switch (rr->type) {
	case 1:
		if (rr->rdlen >= 4) {
			out_char(' ');
			out_ip4(rr->rdata);
		}
		break;
	case 28:
		if (rr->rdlen >= 16) {
			out_char(' ');
			out_ip6(rr->rdata);
		}
		break;
	case 2:
	case 5:
	case 12:
	case 39:
		out_char(' ');
		if (dns_name(dns, rr->rdata_off) < 0)
			return -1;
		break;
	case 15:
		if (rr->rdlen >= 3) {
			out_char(' ');
			if (dns_name(dns, rr->rdata_off + 2u) < 0)
				return -1;
			out_char(' ');
			out_u32(rd16(rr->rdata));
		}
		break;
	case 33:
		if (rr->rdlen >= 7) {
			out_char(' ');
			if (dns_name(dns, rr->rdata_off + 6u) < 0)
				return -1;
			out_char(':');
			out_u32(rd16(rr->rdata + 4));
			out_char(' ');
			out_u32(rd16(rr->rdata));
			out_char(' ');
			out_u32(rd16(rr->rdata + 2));
		}
		break;
	case 16: {
		uint16_t i = 0;
		while (i < rr->rdlen) {
			uint8_t n = rr->rdata[i++];
			if (n > rr->rdlen - i)
				n = (uint8_t)(rr->rdlen - i);
			out_lit(" \"");
			out_safe(rr->rdata + i, n);
			out_char('"');
			i = (uint16_t)(i + n);
		}
		break;
	}
	case 41:
		out_lit(" UDPsize=");
		out_u32(rr->class_);
		if (rr->ttl & 0x8000)
			out_lit(" DO");
		break;
	default:
		break;
	}
	return 0;
}

/* tcpdump's domain_print: the summary of a DNS message. length is what
 * the transport carries (after the TCP length prefix). */
static void print_dns(const struct pctx *c, const struct nlrs_pkt_layer *dns, uint32_t length,
		      bool mdns)
{
	const struct nlrs_pkt_dns *d = &dns->u.dns;
	struct nlrs_pkt_dns_rr rr;
	size_t pos = 0;
	unsigned rcode;
	int rc;
	unsigned an = 0, ns = 0, ar = 0, qd = 0;

	if (!fields_ok(dns)) {
		out_lit("domain [length ");
		out_u32(length);
		out_lit(" < 12] (invalid)");
		return;
	}
	rcode = d->rcode;
	/* the extended rcode lives in the OPT record's TTL */
	{
		size_t p2 = 0;
		while (nlrs_pkt_dns_rr_next(dns, &p2, &rr) > 0)
			if (rr.section == NLRS_DNS_AR && rr.type == 41) {
				rcode |= (rr.ttl >> 24) << 4;
				break;
			}
	}
	out_u32(d->id);
	if (d->qr) {
		out_str(dns_ops[d->opcode & 15]);
		if (rcode < 24) {
			out_str(dns_rcodes[rcode]);
		} else {
			out_lit(" Resp");
			out_u32(rcode & 0xfff);
		}
		if (d->aa)
			out_char('*');
		if (!d->ra)
			out_char('-');
		if (d->tc)
			out_char('|');
		if (d->ad)
			out_char('$');
		if (d->qdcount != 1) {
			out_lit(" [");
			out_u32(d->qdcount);
			out_lit("q]");
		}
		/* questions: names only with -vv */
		while ((rc = nlrs_pkt_dns_rr_next(dns, &pos, &rr)) > 0 && rr.section == NLRS_DNS_QD) {
			if (qd++)
				out_char(',');
			if (c->o->verbose > 1) {
				out_lit(" q:");
				dns_type(rr.type);
				if ((rr.class_ & (mdns ? 0x7fff : 0xffff)) != 1)
					dns_class((uint16_t)(rr.class_ & (mdns ? 0x7fff : 0xffff)));
				out_str("? ");
				if (dns_name(dns, rr.name_off) < 0)
					goto trunc;
			}
		}
		out_char(' ');
		out_u32(d->ancount);
		out_char('/');
		out_u32(d->nscount);
		out_char('/');
		out_u32(d->arcount);
		while (rc > 0) {
			if (rr.section == NLRS_DNS_AN) {
				if (an++)
					out_char(',');
			} else if (c->o->verbose > 1 && rr.section == NLRS_DNS_NS) {
				out_str(ns++ ? "," : " ns:");
			} else if (c->o->verbose > 1 && rr.section == NLRS_DNS_AR) {
				out_str(ar++ ? "," : " ar:");
			} else {
				break;
			}
			if (dns_rr(c, dns, &rr, mdns) < 0)
				goto trunc;
			rc = nlrs_pkt_dns_rr_next(dns, &pos, &rr);
		}
		if (rc < 0 || an < d->ancount)
			goto trunc;
	} else {
		out_str(dns_ops[d->opcode & 15]);
		if (d->rd)
			out_char('+');
		if (d->cd)
			out_char('%');
		if (d->flags & 0x6cf) {
			out_lit(" [b2&3=0x");
			out_hex(d->flags);
			out_char(']');
		}
		if (d->opcode == 1) {
			if (d->qdcount) {
				out_lit(" [");
				out_u32(d->qdcount);
				out_lit("q]");
			}
			if (d->ancount != 1) {
				out_lit(" [");
				out_u32(d->ancount);
				out_lit("a]");
			}
		} else {
			if (d->ancount) {
				out_lit(" [");
				out_u32(d->ancount);
				out_lit("a]");
			}
			if (d->qdcount != 1) {
				out_lit(" [");
				out_u32(d->qdcount);
				out_lit("q]");
			}
		}
		if (d->nscount) {
			out_lit(" [");
			out_u32(d->nscount);
			out_lit("n]");
		}
		if (d->arcount) {
			out_lit(" [");
			out_u32(d->arcount);
			out_lit("au]");
		}
		while ((rc = nlrs_pkt_dns_rr_next(dns, &pos, &rr)) > 0) {
			if (rr.section == NLRS_DNS_QD) {
				uint16_t cls = (uint16_t)(rr.class_ & (mdns ? 0x7fff : 0xffff));
				qd++;
				dns_type(rr.type);
				if (cls != 1)
					dns_class(cls);
				if (mdns)
					out_str(rr.class_ & 0x8000 ? " (QU)" : " (QM)");
				out_str("? ");
				if (dns_name(dns, rr.name_off) < 0)
					goto trunc;
			} else if (c->o->verbose > 1) {
				if (rr.section == NLRS_DNS_AN) {
					if (an++)
						out_char(',');
				} else if (rr.section == NLRS_DNS_NS) {
					out_str(ns++ ? "," : " ns:");
				} else {
					out_str(ar++ ? "," : " ar:");
				}
				if (dns_rr(c, dns, &rr, mdns) < 0)
					goto trunc;
			} else {
				break;
			}
		}
		if (rc < 0 || qd < d->qdcount)
			goto trunc;
	}
	out_lit(" (");
	out_u32(length);
	out_char(')');
	return;
trunc:
	out_lit(" [|domain]");
}

static void print_bootp(const struct pctx *c, const struct nlrs_pkt_layer *l, uint32_t length)
{
	const struct nlrs_pkt_dhcp *d = &l->u.dhcp;

	if (!fields_ok(l)) {
		out_lit("BOOTP/DHCP, ");
		trunc_mark("bootp");
		return;
	}
	out_lit("BOOTP/DHCP, ");
	if (d->op == 1) {
		out_lit("Request");
	} else if (d->op == 2) {
		out_lit("Reply");
	} else {
		out_lit("unknown (0x");
		out_hex_w(d->op, 2);
		out_char(')');
	}
	if (d->htype == 1 && d->hlen == 6 && d->op == 1) {
		out_lit(" from ");
		put_mac(c, d->chaddr);
	}
	out_lit(", length ");
	out_u32(length);
	if (!c->o->verbose)
		return;
	if (d->htype != 1) {
		out_lit(", htype ");
		out_u32(d->htype);
	}
	if (d->htype != 1 || d->hlen != 6) {
		out_lit(", hlen ");
		out_u32(d->hlen);
	}
	if (d->hops) {
		out_lit(", hops ");
		out_u32(d->hops);
	}
	if (d->xid) {
		out_lit(", xid 0x");
		out_hex(d->xid);
	}
	if (d->secs) {
		out_lit(", secs ");
		out_u32(d->secs);
	}
	out_lit(", Flags [");
	out_str(d->flags & 0x8000 ? "Broadcast" : "none");
	out_char(']');
	if (d->ciaddr) {
		out_lit("\n\t  Client-IP ");
		put_ip4(c, d->ciaddr);
	}
	if (d->yiaddr) {
		out_lit("\n\t  Your-IP ");
		put_ip4(c, d->yiaddr);
	}
	if (d->siaddr) {
		out_lit("\n\t  Server-IP ");
		put_ip4(c, d->siaddr);
	}
	if (d->giaddr) {
		out_lit("\n\t  Gateway-IP ");
		put_ip4(c, d->giaddr);
	}
	if (d->htype == 1 && d->hlen == 6) {
		out_lit("\n\t  Client-Ethernet-Address ");
		put_mac(c, d->chaddr);
	}
	if (d->msg_type) {
		static const char *const names[] = { "",        "Discover", "Offer",   "Request",
						     "Decline", "ACK",      "NACK",    "Release",
						     "Inform" };
		out_lit("\n\t  DHCP-Message (53), length 1: ");
		if (d->msg_type < 9)
			out_str(names[d->msg_type]);
		else
			out_u32(d->msg_type);
	}
}

/* nd_printztn: a NUL-ended string inside n bytes; bytes used or 0. */
static uint32_t put_zstr(const uint8_t *s, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (!s[i])
			return i + 1;
		out_safe(s + i, 1);
	}
	return 0;
}

static void print_tftp(const struct nlrs_pkt_layer *l, uint32_t length)
{
	static const char *const ops[] = { NULL, "RRQ", "WRQ", "DATA", "ACK", "ERROR", "OACK" };
	const uint8_t *p = l->hdr;
	uint32_t n = l->hlen + l->plen; /* the captured message */
	uint16_t op;

	out_lit("TFTP, length ");
	out_u32(length);
	if (n < 2 || !fields_ok(l)) {
		out_lit(" [|tftp]");
		return;
	}
	op = rd16(p);
	out_lit(", ");
	if (op >= 1 && op <= 6) {
		out_str(ops[op]);
	} else {
		out_lit("tftp-#");
		out_u32(op);
		return;
	}
	p += 2;
	n -= 2;
	switch (op) {
	case 1:
	case 2:
	case 6: {
		bool first = true;
		while (n) {
			uint32_t u;
			if (op != 6 || *p)
				out_char(' ');
			if (first && op != 6)
				out_char('"');
			u = put_zstr(p, n);
			if (first && op != 6)
				out_char('"');
			first = false;
			if (!u) {
				out_lit(" [|tftp]");
				return;
			}
			p += u;
			n -= u;
		}
		break;
	}
	case 3:
	case 4:
		if (n < 2) {
			out_lit(" [|tftp]");
			return;
		}
		out_lit(" block ");
		out_u32(rd16(p));
		break;
	case 5: {
		static const char *const errs[] = { "EUNDEF", "ENOTFOUND", "EACCESS", "ENOSPACE",
						    "EBADOP", "EBADID",    "EEXISTS", "ENOUSER",
						    "EOPTNEG" };
		uint16_t e;
		if (n < 2) {
			out_lit(" [|tftp]");
			return;
		}
		e = rd16(p);
		out_char(' ');
		if (e < 9) {
			out_str(errs[e]);
		} else {
			out_lit("tftp-err-#");
			out_u32(e);
			out_lit(" \"");
		}
		p += 2;
		n -= 2;
		out_lit(" \"");
		if (!put_zstr(p, n)) {
			out_lit("\" [|tftp]");
			return;
		}
		out_char('"');
		break;
	}
	}
}

/* The text line of p[start..n) after prefix, as tcpdump's
 * print_txt_line: up to CRLF or LF; nothing if a non-printing byte or a
 * lone CR comes first; a line the data ends in is printed and marked cut.
 * Returns the offset after the line end, or 0. */
static uint32_t txt_line(const char *prefix, const uint8_t *p, uint32_t start, uint32_t n,
			 const char *proto)
{
	uint32_t i;

	for (i = start; i < n; i++) {
		if (p[i] == '\n') {
			out_str(prefix);
			out_write(p + start, i - start);
			return i + 1;
		}
		if (p[i] == '\r') {
			if (i + 1 < n && p[i + 1] == '\n') {
				out_str(prefix);
				out_write(p + start, i - start);
				return i + 2;
			}
			return 0;
		}
		if ((p[i] < 0x20 || p[i] > 0x7e) && p[i] != '\t')
			return 0;
	}
	out_str(prefix);
	out_write(p + start, n - start);
	trunc_mark(proto);
	return 0;
}

/* HTTP on ports 80 and 8080, as tcpdump's http_print. */
static void print_http(const struct pctx *c, const struct nlrs_pkt_layer *app, const uint8_t *p,
		       uint32_t caplen, uint32_t length)
{
	out_lit(": HTTP");
	if (!app || app->type != NLRS_LAYER_HTTP || !fields_ok(app))
		return;
	if (c->o->verbose) {
		uint32_t idx = 0, eol;
		out_lit(", length: ");
		out_u32(length);
		while (idx < caplen && (eol = txt_line("\n\t", p, idx, caplen, "http")) != 0)
			idx = eol;
	} else {
		txt_line(": ", p, 0, caplen, "http");
	}
}

static void print_ssh(const uint8_t *p, uint32_t n)
{
	uint32_t i;

	if (n < 4 || memcmp(p, "SSH-", 4))
		return;
	for (i = 4; i < n; i++) {
		if (p[i] == '\n')
			break;
		if (p[i] == '\r') {
			if (i + 1 >= n || p[i + 1] != '\n')
				return;
			break;
		}
		if (p[i] < 0x20 || p[i] > 0x7e)
			return;
	}
	if (i >= n)
		return;
	out_lit(": SSH: ");
	out_write(p, i);
}

/* ---- transport ---- */

/* Find or add the conversation of (src, dst, port) in the table (open
 * addressing, grown at half full: one allocation per doubling, never per
 * packet). Keys are 16-byte addresses, IPv4 zero-padded. */
static inline uint64_t seq_hash(const uint64_t *k, uint32_t port)
{
	uint64_t h = (k[0] ^ (k[1] * 0x9e3779b97f4a7c15u) ^ (k[2] * 0xc2b2ae3d27d4eb4fu) ^
		      (k[3] * 0x165667b19e3779f9u) ^ port) * 0xff51afd7ed558ccdu;

	return h ^ (h >> 32);
}

static struct seq_ent *seq_find(struct dump_printer *pr, const uint8_t *src, const uint8_t *dst,
				uint8_t alen, uint32_t port, bool *found)
{
	uint64_t k[4] = { 0, 0, 0, 0 };
	size_t i, mask;

	memcpy(k, src, alen);
	memcpy(k + 2, dst, alen);
	if (pr->seq_n * 2 >= pr->seq_cap) {
		size_t ncap = pr->seq_cap ? pr->seq_cap * 2 : 1024;
		struct seq_ent *n = calloc(ncap, sizeof(*n));
		if (!n)
			return NULL;
		for (i = 0; i < pr->seq_cap; i++) {
			struct seq_ent *e = &pr->seq[i];
			size_t j;
			if (!e->used)
				continue;
			for (j = seq_hash(e->key, e->port) & (ncap - 1); n[j].used;
			     j = (j + 1) & (ncap - 1))
				;
			n[j] = *e;
		}
		free(pr->seq);
		pr->seq = n;
		pr->seq_cap = ncap;
	}
	mask = pr->seq_cap - 1;
	for (i = seq_hash(k, port) & mask;; i = (i + 1) & mask) {
		struct seq_ent *e = &pr->seq[i];
		if (!e->used) {
			*found = false;
			e->used = 1;
			e->alen = alen;
			e->port = port;
			memcpy(e->key, k, sizeof(k));
			pr->seq_n++;
			return e;
		}
		if (e->port == port && e->alen == alen && e->key[0] == k[0] && e->key[1] == k[1] &&
		    e->key[2] == k[2] && e->key[3] == k[3]) {
			*found = true;
			return e;
		}
	}
}

static const char *const tcp_flag_chars = "FSRP.UEW";

static void print_tcp_flags(uint8_t f)
{
	char buf[9];
	int n = 0;

	for (int b = 0; b < 8; b++)
		if (f & (1u << b))
			buf[n++] = tcp_flag_chars[b];
	if (!n) {
		out_lit("none");
		return;
	}
	out_write(buf, (size_t)n);
}

/* TCP: h is the header (cap bytes captured from it), l the layer the
 * options are walked in, app the application layer after it or NULL. */
static void print_tcp(struct pctx *c, const struct nlrs_pkt_layer *l, const uint8_t *h, uint32_t cap,
		      const struct nlrs_pkt_layer *app, const struct ipctx *ip)
{
	uint32_t length = ip->length;
	uint16_t sport, dport, win, urp;
	uint32_t seq, ack, thseq = 0, thack = 0;
	uint8_t flags;
	uint32_t hlen;
	bool rev = false;

	if (cap < 4) {
		put_src(c, ip);
		out_lit(" > ");
		put_dst(c, ip);
		out_char(':');
		trunc_mark("tcp");
		return;
	}
	sport = rd16(h);
	dport = rd16(h + 2);
	put_ports(c, ip, sport, dport, false);
	if (cap < 20) {
		trunc_mark("tcp");
		return;
	}
	hlen = (uint32_t)(h[12] >> 4) * 4;
	if (hlen < 20) {
		out_lit(" tcp ");
		out_u32(length - hlen);
		out_lit(" [bad hdr length ");
		out_u32(hlen);
		out_lit(" - too short, < 20]");
		return;
	}
	seq = rd32(h + 4);
	ack = rd32(h + 8);
	win = rd16(h + 14);
	urp = rd16(h + 18);
	if (c->o->qflag) {
		out_lit("tcp ");
		out_u32(length - hlen);
		if (hlen > length) {
			out_lit(" [bad hdr length ");
			out_u32(hlen);
			out_lit(" - too long, > ");
			out_u32(length);
			out_char(']');
		}
		return;
	}
	flags = h[13];
	out_lit("Flags [");
	print_tcp_flags(flags);
	out_char(']');

	if (!c->o->abs_seq && (flags & 0x10)) {
		/* tcpdump's conversation table: one entry for both
		 * directions, keyed in an arbitrary but fixed order */
		uint8_t s[16], d[16];
		uint8_t alen = ip->v6 ? 16 : 4;
		uint32_t port;
		struct seq_ent *e;
		bool found;

		if (ip->v6) {
			memcpy(s, ip->src6, 16);
			memcpy(d, ip->dst6, 16);
		} else {
			for (int k = 0; k < 4; k++) {
				s[k] = (uint8_t)(ip->src4 >> (24 - 8 * k));
				d[k] = (uint8_t)(ip->dst4 >> (24 - 8 * k));
			}
		}
		if (sport > dport)
			rev = true;
		else if (sport == dport && memcmp(s, d, alen) > 0)
			rev = true;
		if (rev)
			port = (uint32_t)dport << 16 | sport;
		else
			port = (uint32_t)sport << 16 | dport;
		e = rev ? seq_find(c->pr, d, s, alen, port, &found)
			: seq_find(c->pr, s, d, alen, port, &found);
		if (e) {
			if (!found || (flags & 0x02)) {
				if (rev) {
					e->ack = seq;
					e->seq = ack - 1;
				} else {
					e->seq = seq;
					e->ack = ack - 1;
				}
			} else if (rev) {
				seq -= e->ack;
				ack -= e->seq;
			} else {
				seq -= e->seq;
				ack -= e->ack;
			}
			thseq = e->seq;
			thack = e->ack;
		}
	}
	if (hlen > length) {
		out_lit(" [bad hdr length ");
		out_u32(hlen);
		out_lit(" - too long, > ");
		out_u32(length);
		out_char(']');
		return;
	}
	if (c->o->verbose && !c->o->no_cksum && !ip->fragmented && cap >= length) {
		uint16_t sum = l4_cksum(ip, 6, h, length);
		uint16_t field = rd16(h + 16);
		out_lit(", cksum 0x");
		out_hex_w(field, 4);
		if (sum) {
			out_lit(" (incorrect -> 0x");
			out_hex_w(cks_shouldbe(field, sum), 4);
			out_char(')');
		} else {
			out_lit(" (correct)");
		}
	}
	length -= hlen;
	if (c->o->verbose > 1 || length > 0 || (flags & 0x07)) {
		out_lit(", seq ");
		out_u32(seq);
		if (length > 0) {
			out_char(':');
			out_u32(seq + length);
		}
	}
	if (flags & 0x10) {
		out_lit(", ack ");
		out_u32(ack);
	}
	out_lit(", win ");
	out_u32(win);
	if (flags & 0x20) {
		out_lit(", urg ");
		out_u32(urp);
	}
	if (hlen > 20) {
		struct nlrs_pkt_opt o;
		struct nlrs_pkt_layer cut;
		const struct nlrs_pkt_layer *ol = l;
		size_t pos = 0;
		uint32_t left = hlen - 20;
		bool first = true;
		int rc;

		if (cap < hlen) {
			/* the capture ends in the options: walk what it holds, as
			 * tcpdump prints options until one is cut */
			memset(&cut, 0, sizeof(cut));
			cut.type = NLRS_LAYER_TCP;
			cut.u.tcp.opts = cap > 20 ? h + 20 : NULL;
			cut.u.tcp.optlen = (uint8_t)(cap > 20 ? cap - 20 : 0);
			ol = &cut;
		}
		out_lit(", options [");
		while (left > 0) {
			/* the library walks; the lies tcpdump reports as
			 * "bad opt" are the ones it refuses */
			if (!first)
				out_char(',');
			rc = nlrs_pkt_tcp_opt_next(ol, &pos, &o);
			if (rc <= 0) {
				if (ol == &cut) {
					trunc_mark("tcp"); /* the next option is not captured */
					return;
				}
				if (rc < 0) {
					out_str(first ? "[bad opt]" : "[bad opt]]");
					return;
				}
				break;
			}
			first = false;
			left = o.len > left ? 0 : left - o.len;
			switch (o.kind) {
			case 0:
				out_lit("eol");
				break;
			case 1:
				out_lit("nop");
				break;
			case 2:
				out_lit("mss");
				if (o.dlen < 2)
					goto bad;
				out_char(' ');
				out_u32(rd16(o.data));
				break;
			case 3:
				out_lit("wscale");
				if (o.dlen < 1)
					goto bad;
				out_char(' ');
				out_u32(o.data[0]);
				break;
			case 4:
				out_lit("sackOK");
				break;
			case 5:
				out_lit("sack");
				if (o.dlen % 8) {
					out_lit(" invalid sack");
				} else {
					out_char(' ');
					out_u32(o.dlen / 8u);
					out_char(' ');
					for (unsigned k = 0; k + 8 <= o.dlen; k += 8) {
						uint32_t sl = rd32(o.data + k), sr = rd32(o.data + k + 4);
						if (rev) {
							sl -= thseq;
							sr -= thseq;
						} else {
							sl -= thack;
							sr -= thack;
						}
						out_char('{');
						out_u32(sl);
						out_char(':');
						out_u32(sr);
						out_char('}');
					}
				}
				break;
			case 8:
				out_lit("TS");
				if (o.dlen < 8)
					goto bad;
				out_lit(" val ");
				out_u32(rd32(o.data));
				out_lit(" ecr ");
				out_u32(rd32(o.data + 4));
				break;
			case 19:
				out_lit("md5");
				if (o.dlen < 16)
					goto bad;
				/* what Debian's tcpdump (with libcrypto, no -M) says */
				out_lit(" shared secret not supplied with -M, can't check - ");
				for (unsigned k = 0; k < 16; k++)
					out_hex_w(o.data[k], 2);
				break;
			case 28:
				out_lit("uto");
				if (o.dlen < 2)
					goto bad;
				{
					uint32_t u = rd16(o.data);
					out_lit(" 0x");
					out_hex(u);
					out_char(' ');
					out_u32(u & 1 ? (u >> 1) * 60 : u >> 1);
				}
				break;
			case 29:
				out_lit("tcp-ao");
				if (o.dlen < 2) {
					out_lit(" (invalid)");
				} else {
					out_lit(" keyid ");
					out_u32(o.data[0]);
					out_lit(" rnextkeyid ");
					out_u32(o.data[1]);
					if (o.dlen > 2) {
						out_lit(" mac 0x");
						for (unsigned k = 2; k < o.dlen; k++)
							out_hex_w(o.data[k], 2);
					}
				}
				break;
			case 30:
				out_lit("mptcp");
				break;
			case 34:
				out_lit("tfo");
				if (o.dlen == 0)
					out_lit(" cookiereq");
				else {
					out_lit(" cookie ");
					for (unsigned k = 0; k < o.dlen; k++)
						out_hex_w(o.data[k], 2);
				}
				break;
			case 254:
				out_lit("exp");
				if (o.dlen < 2)
					goto bad;
				out_char('-');
				if (rd16(o.data) == 0xf989) {
					out_lit("tfo");
					if (o.dlen == 2)
						out_lit(" cookiereq");
					else {
						out_lit(" cookie ");
						for (unsigned k = 2; k < o.dlen; k++)
							out_hex_w(o.data[k], 2);
					}
				} else {
					out_hex_w(rd16(o.data), 4);
				}
				break;
			default:
				out_lit("unknown-");
				out_u32(o.kind);
				if (o.dlen) {
					out_lit(" 0x");
					for (unsigned k = 0; k < o.dlen; k++)
						out_hex_w(o.data[k], 2);
				}
				break;
			}
			{
				/* tcpdump notes an option whose length is not its kind's */
				static const uint8_t fixed[35] = { [2] = 4, [3] = 3, [4] = 2, [8] = 10,
								   [19] = 18, [28] = 4 };
				if (o.kind < 35 && fixed[o.kind] && o.len != fixed[o.kind]) {
					out_lit("[len ");
					out_u32(o.len);
					out_char(']');
				}
			}
			if (o.kind == 0)
				break;
		}
		out_char(']');
	}
	out_lit(", length ");
	out_u32(length);
	if (length == 0)
		return;
	if (cap < hlen) {
		out_lit(" [remaining caplen(");
		out_u32(cap);
		out_lit(") < header length(");
		out_u32(hlen);
		out_lit(")]");
		trunc_mark("tcp");
		return;
	}
	{
		const uint8_t *pl = h + hlen;
		uint32_t pcap = cap > hlen ? cap - hlen : 0;
		/* tcpdump tries its printers in this order: a port of one it has
		 * and this tool has not (telnet, SMTP, whois, BGP, PPTP, Redis;
		 * BEEP, OpenFlow, FTP; RTSP) takes the payload before HTTP or
		 * DNS would */
#define PORT(n) (sport == (n) || dport == (n))
		if (PORT(23) || PORT(25) || PORT(43) || PORT(179) || PORT(1723) || PORT(6379))
			return;
		if (pcap > length)
			pcap = length;
		if (PORT(22)) {
			print_ssh(pl, pcap);
			return;
		}
		if (PORT(10288) || PORT(6633) || PORT(6653) || PORT(21))
			return;
		if (PORT(80) || PORT(8080)) {
			print_http(c, app, pl, pcap, length);
		} else if (PORT(554) || PORT(8554)) {
			return;
		} else if (sport == 53 || dport == 53) {
			if (length < 2) {
				out_lit(" [DNS over TCP: length ");
				out_u32(length);
				out_lit(" < 2] (invalid)");
			} else if (pcap < 2) {
				trunc_mark("domain");
			} else if (rd16(pl) != length - 2) {
				out_lit(" [prefix length(");
				out_u32(rd16(pl));
				out_lit(") != length(");
				out_u32(length - 2);
				out_lit(")] (invalid)");
			} else if (app && app->type == NLRS_LAYER_DNS) {
				out_char(' ');
				print_dns(c, app, length - 2, false);
			}
		}
#undef PORT
	}
	return;
bad:
	/* an option shorter than its kind needs (tcpdump: "bad opt") */
	out_lit("[bad opt]]");
}

/* UDP: h is the header (cap bytes captured from it), app the
 * application layer after it or NULL. */
static void print_udp(struct pctx *c, const uint8_t *h, uint32_t cap,
		      const struct nlrs_pkt_layer *app, const struct ipctx *ip)
{
	uint32_t length = ip->length;
	uint16_t sport, dport;
	uint32_t ulen;

	if (cap < 4) {
		if (ip->full_addrs)
			put_addrs(c, ip);
		trunc_mark("udp");
		return;
	}
	sport = rd16(h);
	dport = rd16(h + 2);
	if (length < 8) {
		put_ports(c, ip, sport, dport, true);
		out_lit("truncated-udp ");
		out_u32(length);
		return;
	}
	if (cap < 6) {
		put_ports(c, ip, sport, dport, true);
		trunc_mark("udp");
		return;
	}
	ulen = rd16(h + 4);
	if (ulen == 0 && length > 65535)
		ulen = length;
	if (ulen < 8) {
		put_ports(c, ip, sport, dport, true);
		out_lit("truncated-udplength ");
		out_u32(ulen);
		return;
	}
	ulen -= 8;
	length -= 8;
	if (ulen < length)
		length = ulen;
	put_ports(c, ip, sport, dport, true);
	if (cap < 8) {
		trunc_mark("udp");
		return;
	}
	if (c->o->verbose && !c->o->no_cksum && !ip->fragmented) {
		uint16_t field = rd16(h + 6);
		if (!ip->v6 && c->o->verbose > 1) {
			if (field == 0) {
				out_lit("[no cksum] ");
			} else if (cap >= length + 8) {
				uint16_t sum = l4_cksum(ip, 17, h, length + 8);
				if (sum) {
					out_lit("[bad udp cksum 0x");
					out_hex_w(field, 4);
					out_lit(" -> 0x");
					out_hex_w(cks_shouldbe(field, sum), 4);
					out_lit("!] ");
				} else {
					out_lit("[udp sum ok] ");
				}
			}
		} else if (ip->v6 && cap >= length + 8) {
			uint16_t sum = l4_cksum(ip, 17, h, length + 8);
			if (sum) {
				out_lit("[bad udp cksum 0x");
				out_hex_w(field, 4);
				out_lit(" -> 0x");
				out_hex_w(cks_shouldbe(field, sum), 4);
				out_lit("!] ");
			} else {
				out_lit("[udp sum ok] ");
			}
		}
	}
	if (!c->o->qflag) {
		if (sport == 53 || dport == 53 || sport == 5353 || dport == 5353) {
			bool mdns = !(sport == 53 || dport == 53);
			if (app && app->type == NLRS_LAYER_DNS) {
				print_dns(c, app, length, mdns);
			} else {
				out_lit("domain [length ");
				out_u32(length);
				out_lit(" < 12] (invalid)");
			}
			return;
		}
		if (sport == 69 || dport == 69) {
			if (app && app->type == NLRS_LAYER_TFTP) {
				print_tftp(app, length);
				return;
			}
		}
		if (sport == 67 || dport == 67 || sport == 68 || dport == 68) {
			if (app && app->type == NLRS_LAYER_DHCP) {
				print_bootp(c, app, length);
				return;
			}
		}
	}
	if (ulen > length && !ip->fragmented) {
		out_lit("UDP, bad length ");
		out_u32(ulen);
		out_lit(" > ");
		out_u32(length);
	} else {
		out_lit("UDP, length ");
		out_u32(ulen);
	}
}

static const struct tok sctp_chunks[] = {
	{ 0, "DATA" },     { 1, "INIT" },      { 2, "INIT ACK" },  { 3, "SACK" },
	{ 4, "HB REQ" },   { 5, "HB ACK" },    { 6, "ABORT" },     { 7, "SHUTDOWN" },
	{ 8, "SHUTDOWN ACK" }, { 9, "OP ERR" }, { 10, "COOKIE ECHO" }, { 11, "COOKIE ACK" },
	{ 12, "ECN ECHO" }, { 13, "ECN CWR" }, { 14, "SHUTDOWN COMPLETE" }, { 15, "AUTH" },
	{ 0x80, "ASCONF ACK" }, { 0xc1, "ASCONF" }, { 0xc0, "FOR CUM TSN" }, { 0, NULL },
};

static void print_sctp(struct pctx *c, int j, const struct ipctx *ip)
{
	const struct nlrs_pkt_layer *l = L(c, j);
	struct nlrs_pkt_sctp_chunk ch;
	size_t pos = 0;
	unsigned n = 0;
	int rc;

	if (!fields_ok(l)) {
		if (avail(c, l) >= 4) {
			put_ports(c, ip, rd16(l->hdr), rd16(l->hdr + 2), false);
		} else if (ip->full_addrs) {
			put_addrs(c, ip);
		}
		trunc_mark("sctp");
		return;
	}
	put_ports(c, ip, l->u.sctp.sport, l->u.sctp.dport, false);
	out_lit("sctp");
	while ((rc = nlrs_pkt_sctp_chunk_next(l, &pos, &ch)) > 0) {
		const char *name = ch.type == 0 ? NULL : tok_find(sctp_chunks, ch.type);
		out_str(c->o->verbose ? "\n\t" : " ");
		out_char('(');
		out_u32(++n);
		out_lit(") [");
		if (ch.type == 0)
			out_lit("DATA");
		else if (name)
			out_str(name);
		else {
			out_lit("Unknown chunk type: 0x");
			out_hex_w(ch.type, 2);
		}
		out_char(']');
		if (ch.type == 0 && ch.vlen >= 12) {
			if (ch.flags & 4)
				out_lit(" (U)");
			if (ch.flags & 2)
				out_lit(" (B)");
			if (ch.flags & 1)
				out_lit(" (E)");
			out_lit(" [TSN: ");
			out_u32(ch.tsn);
			out_lit("] [SID: ");
			out_u32(ch.stream);
			out_lit("] [SSEQ ");
			out_u32(ch.ssn);
			out_lit("] [PPID 0x");
			out_hex(ch.ppid);
			out_char(']');
		} else if ((ch.type == 1 || ch.type == 2) && ch.vlen >= 16) {
			out_lit(" [init tag: ");
			out_u32(ch.init_tag);
			out_lit("] [rwnd: ");
			out_u32(ch.a_rwnd);
			out_lit("] [OS: ");
			out_u32(ch.n_out);
			out_lit("] [MIS: ");
			out_u32(ch.n_in);
			out_lit("] [init TSN: ");
			out_u32(ch.init_tsn);
			out_char(']');
		} else if (ch.type == 3 && ch.vlen >= 12) {
			out_lit(" [cum ack ");
			out_u32(ch.cum_tsn);
			out_lit("] [a_rwnd ");
			out_u32(ch.a_rwnd);
			out_lit("] [#gap acks ");
			out_u32(ch.ngaps);
			out_lit("] [#dup tsns ");
			out_u32(ch.ndups);
			out_char(']');
		}
	}
	if (rc < 0)
		trunc_mark("sctp");
}

static const char *icmp6_type_name(uint8_t t)
{
	static const struct tok names[] = {
		{ 1, "destination unreachable" },
		{ 2, "packet too big" },
		{ 3, "time exceeded in-transit" },
		{ 4, "parameter problem" },
		{ 128, "echo request" },
		{ 129, "echo reply" },
		{ 130, "multicast listener query" },
		{ 131, "multicast listener report" },
		{ 132, "multicast listener done" },
		{ 133, "router solicitation" },
		{ 134, "router advertisement" },
		{ 135, "neighbor solicitation" },
		{ 136, "neighbor advertisement" },
		{ 137, "redirect" },
		{ 138, "router renumbering" },
		{ 139, "who-are-you request" },
		{ 140, "who-are-you reply" },
		{ 141, "inverse neighbor solicitation" },
		{ 142, "inverse neighbor advertisement" },
		{ 143, "multicast listener report v2" },
		{ 144, "ha discovery request" },
		{ 145, "ha discovery reply" },
		{ 146, "mobile router solicitation" },
		{ 147, "mobile router advertisement" },
		{ 155, "RPL" },
		{ 0, NULL },
	};

	return tok_find(names, t);
}

/* The quoted datagram of an ICMP error: its IP layer index, or -1. */
static int quoted_ip(const struct pctx *c, int j, uint16_t type)
{
	int q = j + 1;

	if (q < c->pkt->nlayers && L(c, q)->depth == L(c, j)->depth + 1 && L(c, q)->type == type)
		return q;
	return -1;
}

static void lifetime(uint32_t v)
{
	if (v == 0xffffffffu) {
		out_lit("infinity");
	} else {
		out_u32(v);
		out_char('s');
	}
}

/* ND options as tcpdump's icmp6_opt_print (-v), walked by the library. */
static void nd_opts(struct pctx *c, const struct nlrs_pkt_layer *l)
{
	static const struct tok names[] = { { 1, "source link-address" },
					    { 2, "destination link-address" },
					    { 3, "prefix info" },
					    { 4, "redirected header" },
					    { 5, "mtu" },
					    { 25, "rdnss" },
					    { 31, "dnssl" },
					    { 7, "advertisement interval" },
					    { 8, "homeagent information" },
					    { 24, "route info" },
					    { 0, NULL } };
	static const char *const pref[] = { "medium", "high", "rsv", "low" };
	struct nlrs_pkt_nd_opt o;
	size_t pos = 0;
	int rc;

	while ((rc = nlrs_pkt_nd_opt_next(l, &pos, &o)) > 0) {
		const uint8_t *d = o.data;
		const char *n = tok_find(names, o.type);
		uint32_t units = o.len / 8u;

		out_lit("\n\t  ");
		out_str(n ? n : "unknown");
		out_lit(" option (");
		out_u32(o.type);
		out_lit("), length ");
		out_u32(o.len);
		out_lit(" (");
		out_u32(units);
		out_lit("): ");
		switch (o.type) {
		case 1:
		case 2:
			for (uint32_t k = 2; k < o.len; k++) {
				if (k > 2)
					out_char(':');
				out_hex_w(d[k], 2);
			}
			break;
		case 3:
			if (o.len < 32)
				goto bad;
			put_ip6(c, d + 16);
			out_char('/');
			out_u32(d[2]);
			if (units != 4)
				out_lit("badlen");
			out_lit(", Flags [");
			{
				bool any = false;
				if (d[3] & 0x80) {
					out_lit("onlink");
					any = true;
				}
				if (d[3] & 0x40) {
					out_str(any ? ", auto" : "auto");
					any = true;
				}
				if (d[3] & 0x20) {
					out_str(any ? ", router" : "router");
					any = true;
				}
				if (!any)
					out_lit("none");
			}
			out_lit("], valid time ");
			lifetime(rd32(d + 4));
			out_lit(", pref. time ");
			lifetime(rd32(d + 8));
			break;
		case 5:
			if (o.len < 8)
				goto bad;
			out_char(' ');
			out_u32(rd32(d + 4));
			if (units != 1)
				out_lit("bad option length");
			break;
		case 25:
			if (o.len < 8)
				goto bad;
			out_lit(" lifetime ");
			out_u32(rd32(d + 4));
			out_lit("s,");
			for (uint32_t k = 0; k < (units - 1) / 2 && 8 + 16 * (k + 1) <= o.len; k++) {
				out_lit(" addr: ");
				put_ip6(c, d + 8 + 16 * k);
			}
			break;
		case 7:
			if (o.len < 8)
				goto bad;
			out_char(' ');
			out_u32(rd32(d + 4));
			out_lit("ms");
			break;
		case 8:
			if (o.len < 8)
				goto bad;
			out_lit(" preference ");
			out_u32(rd16(d + 4));
			out_lit(", lifetime ");
			out_u32(rd16(d + 6));
			break;
		case 24: {
			uint8_t a[16] = { 0 };
			if (units < 1 || units > 3 || o.len < 8)
				goto bad;
			if (units >= 2)
				memcpy(a, d + 8, units == 2 ? 8 : 16);
			out_char(' ');
			put_ip6(c, a);
			out_char('/');
			out_u32(d[2]);
			out_lit(", pref=");
			out_str(pref[(d[3] >> 3) & 3]);
			out_lit(", lifetime=");
			lifetime(rd32(d + 4));
			break;
		}
		default:
			if (c->o->verbose <= 1) {
				hex_print_ident("\n\t  ", d + 2, o.len - 2u);
				return;
			}
			break;
		}
		if (c->o->verbose > 1)
			hex_print_ident("\n\t    ", d + 2, o.len - 2u);
	}
	if (rc < 0)
		trunc_mark("icmp6");
	return;
bad:
	trunc_mark("icmp6");
}

static void print_icmp6(struct pctx *c, int j, const struct ipctx *ip)
{
	const struct nlrs_pkt_layer *l = L(c, j);
	const struct nlrs_pkt_icmp6 *ic = &l->u.icmp6;
	uint32_t length = ip->length;
	uint32_t cap = avail(c, l);
	const char *name;
	int q;

	if (length == 0) {
		out_lit("ICMP6, length 0 (invalid)");
		return;
	}
	if (cap < 1) {
		trunc_mark("icmp6");
		return;
	}
	if (c->o->verbose && !ip->fragmented && cap >= length) {
		uint16_t field = cap >= 4 ? rd16(l->hdr + 2) : 0;
		uint16_t sum = l4_cksum(ip, 58, l->hdr, length);
		if (sum) {
			out_lit("[bad icmp6 cksum 0x");
			out_hex_w(field, 4);
			out_lit(" -> 0x");
			out_hex_w(cks_shouldbe(field, sum), 4);
			out_lit("!] ");
		} else {
			out_lit("[icmp6 sum ok] ");
		}
	}
	out_lit("ICMP6, ");
	name = icmp6_type_name(l->hdr[0]);
	if (name) {
		out_str(name);
	} else {
		out_lit("unknown icmp6 type (");
		out_u32(l->hdr[0]);
		out_char(')');
	}
	if (!fields_ok(l)) {
		out_char(' ');
		trunc_mark("icmp6");
		return;
	}
	if (c->o->verbose && (ic->type == 133 || ic->type == 134 || ic->type == 135 ||
			      ic->type == 136 || ic->type == 137)) {
		out_lit(", length ");
		out_u32(length);
	}
	switch (ic->type) {
	case 1: {
		static const char *const codes[] = { "unreachable route", "unreachable prohibited",
						     "beyond scope", "unreachable address",
						     "unreachable port" };
		out_lit(", ");
		if (ic->code < 5) {
			out_str(codes[ic->code]);
		} else {
			out_lit("unknown unreach code (");
			out_u32(ic->code);
			out_char(')');
		}
		q = quoted_ip(c, j, NLRS_LAYER_IPV6);
		if (ic->code == 0 || ic->code == 1 || ic->code == 3) {
			if (q < 0 || !fields_ok(L(c, q))) {
				trunc_mark("icmp6");
				return;
			}
			out_char(' ');
			put_ip6(c, L(c, q)->u.ipv6.dst);
		} else if (ic->code == 2) {
			if (q < 0 || !fields_ok(L(c, q))) {
				trunc_mark("icmp6");
				return;
			}
			out_char(' ');
			put_ip6(c, L(c, q)->u.ipv6.dst);
			out_lit(", source address ");
			put_ip6(c, L(c, q)->u.ipv6.src);
		} else if (ic->code == 4) {
			int t = -1;
			if (q >= 0)
				for (int k = q + 1; k < c->pkt->nlayers && L(c, k)->depth > l->depth; k++)
					if (L(c, k)->type == NLRS_LAYER_TCP ||
					    L(c, k)->type == NLRS_LAYER_UDP) {
						t = k;
						break;
					}
			if (q < 0 || !fields_ok(L(c, q)) || t < 0 || avail(c, L(c, t)) < 4) {
				trunc_mark("icmp6");
				return;
			}
			out_lit(", ");
			put_ip6(c, L(c, q)->u.ipv6.dst);
			out_str(L(c, t)->type == NLRS_LAYER_TCP ? " tcp port " : " udp port ");
			put_port(c, rd16(L(c, t)->hdr + 2), L(c, t)->type == NLRS_LAYER_UDP);
		}
		break;
	}
	case 2:
		out_lit(", mtu ");
		out_u32(ic->mtu);
		break;
	case 3:
		if (ic->code == 0) {
			q = quoted_ip(c, j, NLRS_LAYER_IPV6);
			if (q < 0 || !fields_ok(L(c, q))) {
				trunc_mark("icmp6");
				return;
			}
			out_lit(" for ");
			put_ip6(c, L(c, q)->u.ipv6.dst);
		} else if (ic->code == 1) {
			out_lit(" (reassembly)");
		} else {
			out_lit(", unknown code (");
			out_u32(ic->code);
			out_char(')');
		}
		break;
	case 4: {
		static const char *const codes[] = { ", erroneous - octet ", ", next header - octet ",
						     ", option - octet ",
						     ", incomplete header chain - octet " };
		if (ic->code < 4) {
			out_str(codes[ic->code]);
			out_u32(ic->pointer);
		} else {
			out_lit(", code-#");
			out_u32(ic->code);
		}
		break;
	}
	case 128:
	case 129:
		out_lit(", id ");
		out_u32(ic->id);
		out_lit(", seq ");
		out_u32(ic->seq);
		break;
	case 130:
	case 131:
	case 132:
		if (ic->type == 130 && length >= 28) {
			out_lit(" v2");
		}
		out_lit(" max resp delay: ");
		out_u32(ic->mld_max_delay);
		out_lit(" addr: ");
		put_ip6(c, ic->mld_addr);
		break;
	case 135:
		out_lit(", who has ");
		put_ip6(c, ic->target);
		if (c->o->verbose)
			nd_opts(c, l);
		break;
	case 136:
		out_lit(", tgt is ");
		put_ip6(c, ic->target);
		if (c->o->verbose) {
			bool any = false;
			out_lit(", Flags [");
			if (ic->nd_flags & 0x80) {
				out_lit("router");
				any = true;
			}
			if (ic->nd_flags & 0x40) {
				out_str(any ? ", solicited" : "solicited");
				any = true;
			}
			if (ic->nd_flags & 0x20) {
				out_str(any ? ", override" : "override");
				any = true;
			}
			if (!any)
				out_lit("none");
			out_char(']');
			nd_opts(c, l);
		}
		break;
	case 137:
		out_lit(", ");
		put_ip6(c, ic->nd_dst);
		out_lit(" to ");
		put_ip6(c, ic->target);
		if (c->o->verbose)
			nd_opts(c, l);
		break;
	case 143:
		out_lit(", ");
		out_u32(ic->mld2_nrec);
		out_lit(" group record(s)");
		break;
	case 133:
		if (c->o->verbose)
			nd_opts(c, l);
		break;
	case 134:
		if (c->o->verbose) {
			static const char *const pref[] = { "medium", "high", "rsv", "low" };
			uint8_t f = ic->nd_flags;
			bool any = false;
			out_lit("\n\thop limit ");
			out_u32(ic->ra_hlim);
			out_lit(", Flags [");
			if (f & 0x80) {
				out_lit("managed");
				any = true;
			}
			if (f & 0x40) {
				out_str(any ? ", other stateful" : "other stateful");
				any = true;
			}
			if (f & 0x20) {
				out_str(any ? ", home agent" : "home agent");
				any = true;
			}
			if (f & 0x02) {
				out_str(any ? ", ipv6 only" : "ipv6 only");
				any = true;
			}
			if (!any)
				out_lit("none");
			out_lit("], pref ");
			out_str(pref[(f >> 3) & 3]);
			out_lit(", router lifetime ");
			out_u32(ic->ra_lifetime);
			out_lit("s, reachable time ");
			out_u32(ic->ra_reachable);
			out_lit("ms, retrans timer ");
			out_u32(ic->ra_retrans);
			out_lit("ms");
			nd_opts(c, l);
		}
		break;
	default:
		out_lit(", length ");
		out_u32(length);
		return;
	}
	if (!c->o->verbose) {
		out_lit(", length ");
		out_u32(length);
	}
}

static void print_icmp4(struct pctx *c, int j, const struct ipctx *ip)
{
	const struct nlrs_pkt_layer *l = L(c, j);
	const struct nlrs_pkt_icmp4 *ic = &l->u.icmp4;
	uint32_t plen = ip->length;
	uint32_t cap = avail(c, l);
	int q = quoted_ip(c, j, NLRS_LAYER_IPV4);
	const struct nlrs_pkt_layer *ql = q >= 0 ? L(c, q) : NULL;
	bool qok = ql && fields_ok(ql);

	if (cap < 2) {
		trunc_mark("icmp");
		return;
	}
	if (!fields_ok(l)) {
		/* the library could not read the 8-byte header: tcpdump still
		 * names the types that need nothing past the code */
		static const struct tok short_types[] = { { 4, "source quench" },
							  { 10, "router solicitation" },
							  { 15, "information request" },
							  { 16, "information reply" },
							  { 17, "address mask request" },
							  { 0, NULL } };
		uint8_t t = l->hdr[0];
		const char *n = tok_find(short_types, t);
		bool known = t == 0 || t == 3 || t == 5 || t == 8 || t == 9 || t == 11 || t == 12 ||
			     t == 13 || t == 14 || t == 18;
		if (!n && known) {
			trunc_mark("icmp");
			return;
		}
		out_lit("ICMP ");
		if (n) {
			out_str(n);
		} else {
			out_lit("type-#");
			out_u32(t);
		}
		out_lit(", length ");
		out_u32(plen);
		return;
	}
	out_lit("ICMP ");
	switch (ic->type) {
	case 0:
	case 8:
		out_str(ic->type == 8 ? "echo request" : "echo reply");
		out_lit(", id ");
		out_u32(ic->id);
		out_lit(", seq ");
		out_u32(ic->seq);
		break;
	case 3: {
		static const char *const fmt[] = {
			"net %s unreachable",
			"host %s unreachable",
			NULL,
			NULL,
			NULL,
			"%s unreachable - source route failed",
			"net %s unreachable - unknown",
			"host %s unreachable - unknown",
			"%s unreachable - source host isolated",
			"net %s unreachable - admin prohibited",
			"host %s unreachable - admin prohibited",
			"net %s unreachable - tos prohibited",
			"host %s unreachable - tos prohibited",
			"host %s unreachable - admin prohibited filter",
			"host %s unreachable - host precedence violation",
			"host %s unreachable - precedence cutoff",
		};
		if (!qok) {
			trunc_mark("icmp");
			return;
		}
		if (ic->code == 2) {
			put_ip4(c, ql->u.ipv4.dst);
			out_lit(" protocol ");
			out_u32(ql->u.ipv4.proto);
			out_lit(" unreachable");
		} else if (ic->code == 3) {
			int t = next_of(c, q);
			uint16_t dport;
			if (t < 0 || avail(c, L(c, t)) < 4) {
				trunc_mark("icmp");
				return;
			}
			dport = rd16(L(c, t)->hdr + 2);
			put_ip4(c, ql->u.ipv4.dst);
			if (ql->u.ipv4.proto == 6) {
				out_lit(" tcp port ");
				put_port(c, dport, false);
				out_lit(" unreachable");
			} else if (ql->u.ipv4.proto == 17) {
				out_lit(" udp port ");
				put_port(c, dport, true);
				out_lit(" unreachable");
			} else {
				out_lit(" protocol ");
				out_u32(ql->u.ipv4.proto);
				out_lit(" port ");
				out_u32(dport);
				out_lit(" unreachable");
			}
		} else if (ic->code == 4) {
			put_ip4(c, ql->u.ipv4.dst);
			out_lit(" unreachable - need to frag");
			if (ic->mtu) {
				out_lit(" (mtu ");
				out_u32(ic->mtu);
				out_char(')');
			}
		} else if (ic->code < 16) {
			const char *f = fmt[ic->code];
			const char *pct = strstr(f, "%s");
			out_write(f, (size_t)(pct - f));
			put_ip4(c, ql->u.ipv4.dst);
			out_str(pct + 2);
		} else {
			put_ip4(c, ql->u.ipv4.dst);
			out_lit(" unreachable - #");
			out_u32(ic->code);
		}
		break;
	}
	case 5: {
		static const char *const what[] = { "redirect ", "redirect ", "redirect-tos ",
						     "redirect-tos " };
		static const char *const to[] = { " to net ", " to host ", " to net ", " to host " };
		if (!qok) {
			trunc_mark("icmp");
			return;
		}
		if (ic->code < 4) {
			out_str(what[ic->code]);
			put_ip4(c, ql->u.ipv4.dst);
			out_str(to[ic->code]);
		} else {
			out_lit("redirect-#");
			out_u32(ic->code);
			out_char(' ');
			put_ip4(c, ql->u.ipv4.dst);
			out_lit(" to ");
		}
		put_ip4(c, ic->gateway);
		break;
	}
	case 11:
		if (!qok) {
			trunc_mark("icmp");
			return;
		}
		if (ic->code == 0)
			out_lit("time exceeded in-transit");
		else if (ic->code == 1)
			out_lit("ip reassembly time exceeded");
		else {
			out_lit("time exceeded-#");
			out_u32(ic->code);
		}
		break;
	case 12:
		if (ic->code) {
			out_lit("parameter problem - code ");
			out_u32(ic->code);
		} else {
			out_lit("parameter problem - octet ");
			out_u32(ic->pointer);
		}
		break;
	case 18:
		out_lit("address mask is 0x");
		out_hex_w(ic->mask, 8);
		break;
	case 13:
		out_lit("time stamp query id ");
		out_u32(ic->id);
		out_lit(" seq ");
		out_u32(ic->seq);
		break;
	case 14: {
		uint32_t ts[3] = { ic->ts_orig, ic->ts_recv, ic->ts_xmit };
		static const char *const lab[] = { ": org ", ", recv ", ", xmit " };
		out_lit("time stamp reply id ");
		out_u32(ic->id);
		out_lit(" seq ");
		out_u32(ic->seq);
		for (int k = 0; k < 3; k++) {
			uint32_t t = ts[k];
			out_str(lab[k]);
			out_commit(fmt_dec_w(out_room(2), t / 3600000 % 100, 2));
			out_char(':');
			out_commit(fmt_dec_w(out_room(2), t / 60000 % 60, 2));
			out_char(':');
			out_commit(fmt_dec_w(out_room(2), t / 1000 % 60, 2));
			out_char('.');
			out_commit(fmt_dec_w(out_room(3), t % 1000, 3));
		}
		break;
	}
	case 4:
		out_lit("source quench");
		break;
	case 9:
		out_lit("router advertisement");
		break;
	case 10:
		out_lit("router solicitation");
		break;
	case 15:
		out_lit("information request");
		break;
	case 16:
		out_lit("information reply");
		break;
	case 17:
		out_lit("address mask request");
		break;
	default:
		out_lit("type-#");
		out_u32(ic->type);
		break;
	}
	out_lit(", length ");
	out_u32(plen);
	if (c->o->verbose && !ip->fragmented && cap >= plen) {
		uint16_t sum = cks_fold(cks_add(0, l->hdr, plen));
		if (sum) {
			uint16_t field = rd16(l->hdr + 2);
			out_lit(" (wrong icmp cksum ");
			out_hex(field);
			out_lit(" (->");
			out_hex(cks_shouldbe(field, sum));
			out_lit(")!)");
		}
	}
	if (c->o->verbose && qok &&
	    (ic->type == 3 || ic->type == 4 || ic->type == 5 || ic->type == 11 || ic->type == 12)) {
		out_lit("\n\t");
		print_ip4(c, q, ql->u.ipv4.tot_len);
	}
}

/* What an IP layer carries. */
static void demux(struct pctx *c, uint8_t proto, int j, const struct ipctx *ip)
{
	const struct nlrs_pkt_layer *l = j >= 0 ? L(c, j) : NULL;

	switch (proto) {
	case 6:
		if (l && l->type == NLRS_LAYER_TCP) {
			int a = next_of(c, j);
			print_tcp(c, l, l->hdr, avail(c, l), a >= 0 ? L(c, a) : NULL, ip);
			return;
		}
		break;
	case 17:
		if (l && l->type == NLRS_LAYER_UDP) {
			int a = next_of(c, j);
			print_udp(c, l->hdr, avail(c, l), a >= 0 ? L(c, a) : NULL, ip);
			return;
		}
		break;
	case 132:
		if (l && l->type == NLRS_LAYER_SCTP) {
			print_sctp(c, j, ip);
			return;
		}
		break;
	case 1:
		if (ip->v6) {
			out_lit("[ICMP requires IPv4] (invalid)");
			return;
		}
		if (l && l->type == NLRS_LAYER_ICMP4) {
			print_icmp4(c, j, ip);
			return;
		}
		trunc_mark("icmp");
		return;
	case 58:
		if (!ip->v6) {
			out_lit("[ICMPv6 requires IPv6] (invalid)");
			return;
		}
		if (l && l->type == NLRS_LAYER_ICMP6) {
			print_icmp6(c, j, ip);
			return;
		}
		trunc_mark("icmp6");
		return;
	case 4:
		if (l && l->type == NLRS_LAYER_IPV4) {
			print_ip4(c, j, ip->length);
			return;
		}
		break;
	case 41:
		if (l && l->type == NLRS_LAYER_IPV6) {
			print_ip6(c, j, ip->length);
			return;
		}
		break;
	case 50:
		if (l && l->type == NLRS_LAYER_ESP && fields_ok(l)) {
			out_lit("ESP(spi=0x");
			out_hex_w(l->u.esp.spi, 8);
			out_lit(",seq=0x");
			out_hex(l->u.esp.seq);
			out_lit("), length ");
			out_u32(ip->length);
			return;
		}
		trunc_mark("esp");
		return;
	case 51:
		if (l && l->type == NLRS_LAYER_AH && fields_ok(l)) {
			struct ipctx in = *ip;
			int k = next_of(c, j);
			out_lit("AH(spi=0x");
			out_hex_w(l->u.ah.spi, 8);
			out_lit(",seq=0x");
			out_hex(l->u.ah.seq);
			out_lit("): ");
			in.length = ip->length > l->u.ah.len ? ip->length - l->u.ah.len : 0;
			in.full_addrs = false;
			demux(c, l->u.ah.next, k, &in);
			return;
		}
		trunc_mark("ah");
		return;
	case 59:
		out_lit("no next header");
		return;
	default:
		break;
	}
	if (proto == 6 || proto == 17 || proto == 132) {
		/* the library made no layer of it: nothing captured */
		if (ip->full_addrs) {
			put_src(c, ip);
			out_lit(" > ");
			put_dst(c, ip);
			out_char(':');
		}
		trunc_mark(proto == 6 ? "tcp" : proto == 17 ? "udp" : "sctp");
		return;
	}
	if (!c->o->numeric && resolve_proto(proto)) {
		out_char(' ');
		out_str(resolve_proto(proto));
	} else {
		out_lit(" ip-proto-");
		out_u32(proto);
	}
	out_char(' ');
	out_u32(ip->length);
}

/* ---- IPv4 ---- */

/* IPv4 options as tcpdump's ip_optprint, over the options area the
 * library's layer points at (its messages quote the raw lengths). */
static void ip4_route(const struct pctx *c, const uint8_t *cp, uint32_t length)
{
	uint32_t ptr;

	if (length < 3) {
		out_lit(" [bad length ");
		out_u32(length);
		out_char(']');
		return;
	}
	if ((length + 1) & 3) {
		out_lit(" [bad length ");
		out_u32(length);
		out_char(']');
	}
	ptr = (uint32_t)cp[2] - 1;
	if (ptr < 3 || ((ptr + 1) & 3) || ptr > length + 1) {
		out_lit(" [bad ptr ");
		out_u32(cp[2]);
		out_char(']');
	}
	for (uint32_t len = 3; len + 4 <= length; len += 4) {
		out_char(' ');
		put_ip4_raw(c, cp + len);
		if (ptr > len)
			out_char(',');
	}
}

static void ip4_ts(const struct pctx *c, const uint8_t *cp, uint32_t length)
{
	uint32_t ptr, len = 0, hoplen;
	const char *type;

	if (length < 4) {
		out_lit("[bad length ");
		out_u32(length);
		out_char(']');
		return;
	}
	out_lit(" TS{");
	hoplen = (cp[3] & 0xf) != 0 ? 8 : 4;
	if ((length - 4) & (hoplen - 1)) {
		out_lit("[bad length ");
		out_u32(length);
		out_char(']');
	}
	ptr = (uint32_t)cp[2] - 1;
	if (ptr < 4 || ((ptr - 4) & (hoplen - 1)) || ptr > length + 1) {
		out_lit("[bad ptr ");
		out_u32(cp[2]);
		out_char(']');
	}
	switch (cp[3] & 0xf) {
	case 0:
		out_lit("TSONLY");
		break;
	case 1:
		out_lit("TS+ADDR");
		break;
	case 3:
		out_lit("PRESPEC");
		break;
	default:
		out_lit("[bad ts type ");
		out_u32(cp[3] & 0xf);
		out_char(']');
		goto done;
	}
	type = " ";
	for (len = 4; len < length; len += hoplen) {
		if (ptr == len)
			type = " ^ ";
		if (len + hoplen > length)
			break;
		out_str(type);
		out_u32(rd32(cp + len + hoplen - 4));
		out_char('@');
		if (hoplen == 8)
			put_ip4_raw(c, cp + len);
		type = " ";
	}
done:
	if (ptr == len)
		out_lit(" ^ ");
	if (cp[3] >> 4) {
		out_lit(" [");
		out_u32(cp[3] >> 4);
		out_lit(" hops not recorded]} ");
	} else {
		out_char('}');
	}
}

static void ip4_opts(struct pctx *c, const struct nlrs_pkt_layer *l)
{
	static const struct tok names[] = { { 1, "NOP" },   { 68, "timestamp" }, { 130, "security" },
					    { 7, "RR" },    { 137, "SSRR" },     { 131, "LSRR" },
					    { 148, "RA" },  { 82, "traceroute" }, { 0, NULL } };
	const uint8_t *cp = l->hdr + 20;
	uint32_t length = l->hlen > 20 ? l->hlen - 20 : 0;
	uint32_t olen;
	bool first = true;

	for (; length > 0; cp += olen, length -= olen) {
		uint8_t code = cp[0];
		const char *n = code == 0 ? "EOL" : tok_find(names, code);

		if (!first)
			out_char(',');
		first = false;
		if (n) {
			out_str(n);
		} else {
			out_lit("unknown ");
			out_u32(code);
		}
		if (code == 0 || code == 1) {
			olen = 1;
		} else {
			if (length < 2) {
				trunc_mark("ip");
				return;
			}
			olen = cp[1];
			if (olen < 2) {
				out_lit(" [bad length ");
				out_u32(olen);
				out_char(']');
				return;
			}
		}
		if (olen > length) {
			out_lit(" [bad length ");
			out_u32(olen);
			out_char(']');
			return;
		}
		switch (code) {
		case 0:
			return;
		case 68:
			ip4_ts(c, cp, olen);
			break;
		case 7:
		case 131:
		case 137:
			ip4_route(c, cp, olen);
			break;
		case 148:
			if (olen < 4) {
				out_lit(" [bad length ");
				out_u32(olen);
				out_char(']');
				break;
			}
			if (rd16(cp + 2)) {
				out_lit(" value ");
				out_u32(rd16(cp + 2));
			}
			break;
		default:
			break;
		}
	}
}

static void print_ip4(struct pctx *c, int i, uint32_t length)
{
	const struct nlrs_pkt_layer *l = L(c, i);
	const struct nlrs_pkt_ipv4 *ip = &l->u.ipv4;
	uint32_t cap = avail(c, l);
	const uint8_t *h = l->hdr;
	struct ipctx x = { 0 };
	uint32_t hlen, tot, len;
	int j;

	if (cap >= 1 && (h[0] >> 4) != 4) {
		if ((h[0] >> 4) == 6)
			out_lit("IP6, wrong link-layer encapsulation (invalid)");
		else {
			out_lit("IP");
			out_u32(h[0] >> 4);
			out_lit(" (invalid)");
		}
		return;
	}
	if (!c->o->eflag)
		out_lit("IP ");
	if (cap < 20) {
		trunc_mark("ip");
		return;
	}
	if (length < 20) {
		out_lit("truncated-ip ");
		out_u32(length);
		return;
	}
	hlen = (uint32_t)(h[0] & 0x0f) * 4;
	if (hlen < 20) {
		out_lit("bad-hlen ");
		out_u32(hlen);
		return;
	}
	tot = rd16(h + 2);
	if (length < tot) {
		out_lit("truncated-ip - ");
		out_u32(tot - length);
		out_lit(" bytes missing! ");
	}
	if (tot < hlen) {
		out_lit("bad-len ");
		out_u32(tot);
		return;
	}
	len = tot - hlen;
	x.v6 = false;
	x.src4 = rd32(h + 12);
	x.dst4 = rd32(h + 16);
	x.ip = l;
	x.full_addrs = true;
	x.length = len;
	x.fragmented = (rd16(h + 6) & 0x3fff) != 0;

	if (c->o->verbose) {
		uint16_t off = rd16(h + 6);
		uint8_t tos = h[1];
		bool any = false;
		out_lit("(tos 0x");
		out_hex(tos);
		switch (tos & 3) {
		case 1:
			out_lit(",ECT(1)");
			break;
		case 2:
			out_lit(",ECT(0)");
			break;
		case 3:
			out_lit(",CE");
			break;
		}
		if (h[8] >= 1) {
			out_lit(", ttl ");
			out_u32(h[8]);
		}
		out_lit(", id ");
		out_u32(rd16(h + 4));
		out_lit(", offset ");
		out_u32((off & 0x1fffu) * 8);
		out_lit(", flags [");
		if (off & 0x2000) {
			out_char('+');
			any = true;
		}
		if (off & 0x4000) {
			out_str(any ? ", DF" : "DF");
			any = true;
		}
		if (off & 0x8000) {
			out_str(any ? ", rsvd" : "rsvd");
			any = true;
		}
		if (!any)
			out_lit("none");
		out_lit("], proto ");
		out_str(ipproto_str(h[9]));
		out_lit(" (");
		out_u32(h[9]);
		out_lit("), length ");
		out_u32(tot);
		if (hlen > 20) {
			out_lit(", options (");
			if (cap < hlen) {
				out_lit(" [truncated-option])\n    ");
				put_src(c, &x);
				out_lit(" > ");
				put_dst(c, &x);
				out_lit(": ");
				trunc_mark("ip");
				return;
			}
			ip4_opts(c, l);
			out_char(')');
		}
		if (!c->o->no_cksum && cap >= hlen) {
			uint16_t sum = cks_fold(cks_add(0, h, hlen));
			if (sum) {
				uint16_t field = rd16(h + 10);
				out_lit(", bad cksum ");
				out_hex(field);
				out_lit(" (->");
				out_hex(cks_shouldbe(field, sum));
				out_lit(")!");
			}
		}
		out_lit(")\n    ");
	}
	(void)ip;
	if ((rd16(h + 6) & 0x1fff) == 0) {
		uint8_t nh = h[9];
		if (nh != 6 && nh != 17 && nh != 132 && nh != 33) {
			put_src(c, &x);
			out_lit(" > ");
			put_dst(c, &x);
			out_lit(": ");
		}
		if (cap < hlen) {
			out_lit(" [remaining caplen(");
			out_u32(cap);
			out_lit(") < header length(");
			out_u32(hlen);
			out_lit(")]");
			trunc_mark("ip");
			return;
		}
		j = next_of(c, i);
		demux(c, nh, j, &x);
	} else {
		if (c->o->qflag > 1)
			return;
		put_src(c, &x);
		out_lit(" > ");
		put_dst(c, &x);
		out_lit(": ");
		if (!c->o->numeric && resolve_proto(h[9])) {
			out_str(resolve_proto(h[9]));
		} else {
			out_lit("ip-proto-");
			out_u32(h[9]);
		}
	}
}

/* ---- IPv6 ---- */

/* Hop-by-hop and destination options as tcpdump's ip6_opt_process: only
 * with -v, but a lie is reported either way. 0, or -1 when cut short. */
static int ip6_opts(const struct pctx *c, const uint8_t *bp, uint32_t len, bool hbh, uint32_t plen)
{
	uint32_t i, optlen;
	bool v = c->o->verbose;

	for (i = 0; i < len; i += optlen) {
		if (bp[i] == 0) {
			optlen = 1;
		} else {
			if (i + 1 >= len)
				return -1;
			optlen = (uint32_t)bp[i + 1] + 2;
		}
		if (i + optlen > len)
			return -1;
		switch (bp[i]) {
		case 0:
			if (v)
				out_lit("(pad1)");
			break;
		case 1:
			if (len - i < 2) {
				out_lit("(padn: trunc)");
				return -1;
			}
			if (v)
				out_lit("(padn)");
			break;
		case 5:
			if (len - i < 4) {
				out_lit("(rtalert: trunc)");
				return -1;
			}
			if (bp[i + 1] != 2) {
				out_lit("(rtalert: invalid len ");
				out_u32(bp[i + 1]);
				out_char(')');
				return -1;
			}
			if (v) {
				out_lit("(rtalert: 0x");
				out_hex_w(rd16(bp + i + 2), 4);
				out_lit(") ");
			}
			break;
		case 0xc2: {
			uint32_t jl;
			if (len - i < 6) {
				out_lit("(jumbo: trunc)");
				return -1;
			}
			if (bp[i + 1] != 4) {
				out_lit("(jumbo: invalid len ");
				out_u32(bp[i + 1]);
				out_char(')');
				return -1;
			}
			jl = rd32(bp + i + 2);
			if (v) {
				out_lit("(jumbo: ");
				out_u32(jl);
				if (!hbh)
					out_lit(" - not a hop-by-hop option");
				else if (plen != 0)
					out_lit(" - payload len != 0");
				else if (jl < 65536)
					out_lit(" - < 65536");
				out_lit(") ");
			}
			break;
		}
		case 0xc9:
			if (len - i < 18) {
				out_lit("(homeaddr: trunc)");
				return -1;
			}
			if (bp[i + 1] < 16) {
				out_lit("(homeaddr: invalid len ");
				out_u32(bp[i + 1]);
				out_char(')');
				return -1;
			}
			if (v) {
				out_lit("(homeaddr: ");
				put_ip6(c, bp + i + 2);
				out_char(')');
			}
			break;
		default:
			if (len - i < 2) {
				out_lit("(type ");
				out_u32(bp[i]);
				out_lit(": trunc)");
				return -1;
			}
			if (v) {
				out_lit("(opt_type 0x");
				out_hex_w(bp[i], 2);
				out_lit(": len=");
				out_u32(bp[i + 1]);
				out_char(')');
			}
			break;
		}
	}
	if (v)
		out_char(' ');
	return 0;
}


static void print_ip6(struct pctx *c, int i, uint32_t length)
{
	const struct nlrs_pkt_layer *l = L(c, i);
	uint32_t cap = avail(c, l);
	const uint8_t *h = l->hdr;
	struct ipctx x = { 0 };
	uint32_t plen, len, total = 40;
	uint8_t nh;
	int j;
	bool first = true;

	if (cap < 40) {
		trunc_mark("ip6");
		return;
	}
	if (length < 40) {
		out_lit("truncated-ip6 ");
		out_u32(length);
		return;
	}
	if (!c->o->eflag)
		out_lit("IP6 ");
	if ((h[0] >> 4) != 6) {
		out_lit("version error: ");
		out_u32(h[0] >> 4);
		out_lit(" != 6");
		return;
	}
	plen = rd16(h + 4);
	if (plen) {
		len = plen + 40;
		if (length < len) {
			out_lit("truncated-ip6 - ");
			out_u32(len - length);
			out_lit(" bytes missing!");
		}
	} else {
		len = length;
	}
	nh = h[6];
	if (c->o->verbose) {
		uint32_t flow = rd32(h);
		out_char('(');
		if (flow & 0x0ff00000) {
			out_lit("class 0x");
			out_hex_w((flow & 0x0ff00000) >> 20, 2);
			out_lit(", ");
		}
		if (flow & 0x000fffff) {
			out_lit("flowlabel 0x");
			out_hex_w(flow & 0x000fffff, 5);
			out_lit(", ");
		}
		out_lit("hlim ");
		out_u32(h[7]);
		out_lit(", next-header ");
		out_str(ipproto_str(nh));
		out_lit(" (");
		out_u32(nh);
		out_lit(") payload length: ");
		out_u32(plen);
		out_lit(") ");
	}
	x.v6 = true;
	x.src6 = h + 8;
	x.dst6 = h + 24;
	x.ip = l;
	x.full_addrs = (nh == 6 || nh == 17 || nh == 33 || nh == 132);
	len = len > 40 ? len - 40 : 0;
	j = next_of(c, i);
	for (;;) {
		const struct nlrs_pkt_layer *e = j >= 0 ? L(c, j) : NULL;
		if (first && nh != 6 && nh != 17 && nh != 33 && nh != 132) {
			put_ip6(c, x.src6);
			out_lit(" > ");
			put_ip6(c, x.dst6);
			out_lit(": ");
		}
		first = false;
		if (nh == 0 || nh == 60 || nh == 43 || nh == 44) {
			if (!e || !fields_ok(e) || e->hlen < e->u.ipv6ext.len) {
				trunc_mark(nh == 0 ? "hbhopt" : nh == 60 ? "dstopt" : nh == 44 ? "frag6" : "rt6");
				return;
			}
			if (nh == 0 || nh == 60) {
				out_str(nh == 0 ? "HBH " : "DSTOPT ");
				if ((nh == 0 || c->o->verbose) &&
				    ip6_opts(c, e->hdr + 2, e->u.ipv6ext.len - 2u, nh == 0, plen) < 0) {
					trunc_mark(nh == 0 ? "hbhopt" : "dstopt");
					return;
				}
			} else if (nh == 43) {
				out_lit("RT6 (len=");
				out_u32(e->hdr[1]);
				out_lit(", type=");
				out_u32(e->u.ipv6ext.rt_type);
				if (e->u.ipv6ext.rt_type == 0)
					out_lit(" [Deprecated]");
				out_lit(", segleft=");
				out_u32(e->u.ipv6ext.segs_left);
				if ((e->u.ipv6ext.rt_type == 0 || e->u.ipv6ext.rt_type == 2) &&
				    e->hlen >= 8) {
					uint32_t n = e->hdr[1];
					if (rd32(e->hdr + 4) || c->o->verbose) {
						out_lit(", rsv=0x");
						out_hex(rd32(e->hdr + 4));
					}
					if (n % 2 == 0) {
						for (uint32_t k = 0; k < n / 2 && 8 + 16 * (k + 1) <= e->hlen;
						     k++) {
							out_lit(", [");
							out_u32(k);
							out_char(']');
							put_ip6(c, e->hdr + 8 + 16 * k);
						}
					}
				}
				out_lit(") ");
			} else {
				uint32_t fl = 40 + plen - total - 8;
				if (plen + 40 < total + 8)
					fl = 0;
				if (c->o->verbose) {
					out_lit("frag (0x");
					out_hex_w(e->u.ipv6ext.frag_id, 8);
					out_char(':');
				} else {
					out_lit("frag (");
				}
				out_u32(e->u.ipv6ext.frag_off);
				out_char('|');
				out_u32(fl);
				out_char(')');
				x.fragmented = true;
				if (e->u.ipv6ext.frag_off != 0)
					return;
				out_char(' ');
			}
			total += e->u.ipv6ext.len;
			len = len > e->u.ipv6ext.len ? len - e->u.ipv6ext.len : 0;
			nh = e->u.ipv6ext.next;
			j = next_of(c, j);
			continue;
		}
		break;
	}
	x.length = len;
	demux(c, nh, j, &x);
}

/* ---- ARP ---- */

static void arp_ip(const struct pctx *c, const struct nlrs_pkt_arp *a, const uint8_t *addr)
{
	if (a->ptype != 0x0800 && a->ptype != 0x1000)
		out_lit("<wrong proto type>");
	else if (a->plen != 4)
		out_lit("<wrong len>");
	else
		put_ip4_raw(c, addr);
}

static void print_arp(struct pctx *c, int i, uint32_t length)
{
	const struct nlrs_pkt_layer *l = L(c, i);
	const struct nlrs_pkt_arp *a = &l->u.arp;
	static const struct tok hrd[] = { { 1, "Ethernet" },  { 6, "TokenRing" },
					  { 7, "ArcNet" },    { 15, "FrameRelay" },
					  { 19, "ATM (RFC 2225)" }, { 23, "Strip" },
					  { 24, "IEEE 1394" }, { 0, NULL } };
	static const struct tok ops[] = { { 1, "Request" },         { 2, "Reply" },
					  { 3, "Reverse Request" }, { 4, "Reverse Reply" },
					  { 8, "Inverse Request" }, { 9, "Inverse Reply" },
					  { 10, "NACK Reply" },     { 0, NULL } };
	const char *s;
	bool nonzero = false;

	if (!fields_ok(l) || (l->flags & NLRS_LF_TRUNC)) {
		trunc_mark("arp");
		return;
	}
	if (!c->o->eflag)
		out_lit("ARP, ");
	if ((a->ptype != 0x0800 && a->ptype != 0x1000) || a->plen != 4 || a->hlen == 0 ||
	    c->o->verbose) {
		s = tok_find(hrd, a->htype);
		if (s) {
			out_str(s);
		} else {
			out_lit("Unknown Hardware (");
			out_u32(a->htype);
			out_char(')');
		}
		out_lit(" (len ");
		out_u32(a->hlen);
		out_lit("), ");
		s = tok_find(ethertypes, a->ptype);
		if (s) {
			out_str(s);
		} else {
			out_lit("Unknown Protocol (0x");
			out_hex_w(a->ptype, 4);
			out_char(')');
		}
		out_lit(" (len ");
		out_u32(a->plen);
		out_char(')');
		if (!c->o->verbose)
			goto out;
		out_lit(", ");
	}
	s = tok_find(ops, a->op);
	if (s) {
		out_str(s);
	} else {
		out_lit("Unknown (");
		out_u32(a->op);
		out_char(')');
	}
	out_char(' ');
	switch (a->op) {
	case 1:
		out_lit("who-has ");
		arp_ip(c, a, a->tpa);
		for (unsigned k = 0; k < a->hlen; k++)
			if (a->tha[k])
				nonzero = true;
		if (nonzero) {
			out_lit(" (");
			put_lladdr(c, a->tha, a->hlen);
			out_char(')');
		}
		out_lit(" tell ");
		arp_ip(c, a, a->spa);
		break;
	case 2:
		arp_ip(c, a, a->spa);
		out_lit(" is-at ");
		put_lladdr(c, a->sha, a->hlen);
		break;
	case 3:
	case 8:
		out_lit("who-is ");
		put_lladdr(c, a->tha, a->hlen);
		out_lit(" tell ");
		put_lladdr(c, a->sha, a->hlen);
		break;
	case 4:
		put_lladdr(c, a->tha, a->hlen);
		out_lit(" at ");
		arp_ip(c, a, a->tpa);
		break;
	case 9:
		put_lladdr(c, a->sha, a->hlen);
		out_lit(" at ");
		arp_ip(c, a, a->spa);
		break;
	default:
		default_print(c, l->hdr, avail(c, l));
		return;
	}
out:
	out_lit(", length ");
	out_u32(length);
}

/* ---- link layers ---- */

/* What follows a link header announcing `type`; length is what the link
 * layer carries. */
static void print_net(struct pctx *c, int i, uint16_t type, uint32_t length)
{
	const struct nlrs_pkt_layer *l = i >= 0 ? L(c, i) : NULL;

	if (l && l->type == NLRS_LAYER_IPV4) {
		print_ip4(c, i, length);
		return;
	}
	if (l && l->type == NLRS_LAYER_IPV6) {
		print_ip6(c, i, length);
		return;
	}
	if (l && l->type == NLRS_LAYER_ARP) {
		print_arp(c, i, length);
		return;
	}
	switch (type) {
	case 0x0800:
		if (!c->o->eflag)
			out_lit("IP ");
		trunc_mark("ip");
		return;
	case 0x86dd:
		trunc_mark("ip6");
		return;
	case 0x0806:
	case 0x8035:
		trunc_mark("arp");
		return;
	default:
		break;
	}
}

static bool known_net(uint16_t type)
{
	return type == 0x0800 || type == 0x86dd || type == 0x0806 || type == 0x8035;
}

static const struct tok llc_saps[] = {
	{ 0x00, "Null" },       { 0x02, "LLC Sublayer Management" },
	{ 0x06, "IP" },         { 0x42, "STP" },
	{ 0x4e, "RS511" },      { 0x7e, "ISO8208" },
	{ 0x80, "XNS" },        { 0x86, "Nestar" },
	{ 0x8e, "PROWAY" },     { 0x98, "ARP" },
	{ 0xaa, "SNAP" },       { 0xbc, "Banyan" },
	{ 0xe0, "IPX" },        { 0xf0, "NetBeui" },
	{ 0xf4, "LANMGMT" },    { 0xfe, "OSI" },
	{ 0xff, "Global" },     { 0, NULL },
};

static void print_llc(struct pctx *c, int i, uint32_t length)
{
	const struct nlrs_pkt_layer *l = L(c, i);
	const struct nlrs_pkt_llc *ll = &l->u.llc;
	const char *s;
	int j;

	if (!fields_ok(l)) {
		trunc_mark("llc");
		return;
	}
	out_lit("LLC, dsap ");
	s = tok_find(llc_saps, ll->dsap & 0xfe);
	out_str(s ? s : "Unknown");
	out_lit(" (0x");
	out_hex_w(ll->dsap & 0xfe, 2);
	out_str(ll->dsap & 1 ? ") Group, ssap " : ") Individual, ssap ");
	s = tok_find(llc_saps, ll->ssap & 0xfe);
	out_str(s ? s : "Unknown");
	out_lit(" (0x");
	out_hex_w(ll->ssap & 0xfe, 2);
	out_str(ll->ssap & 1 ? ") Response, ctrl 0x" : ") Command, ctrl 0x");
	out_hex_w(ll->control, ll->ctl_len == 2 ? 4 : 2);
	out_lit(": ");
	c->llhdr = l->off + l->hlen;
	j = next_of(c, i);
	if (ll->snap) {
		out_lit("oui ");
		out_str(oui_name((uint32_t)ll->oui[0] << 16 | ll->oui[1] << 8 | ll->oui[2]));
		out_lit(" (0x");
		out_hex_w((uint32_t)ll->oui[0] << 16 | ll->oui[1] << 8 | ll->oui[2], 6);
		out_lit("), ");
		ethertype_print(c, ll->snap_type);
		out_lit(", length ");
		out_u32(length);
		out_lit(": ");
		if (j >= 0 && known_net(ll->snap_type)) {
			print_net(c, j, ll->snap_type, length - l->hlen);
			return;
		}
	}
	if (j >= 0)
		default_print(c, L(c, j)->hdr, avail(c, L(c, j)));
}

static void print_eth(struct pctx *c, int i)
{
	const struct nlrs_pkt_layer *l = L(c, i);
	uint32_t length = c->p->len;
	uint16_t type;
	bool printed_length = false;
	int j;

	if (!fields_ok(l)) {
		trunc_mark("ether");
		c->llhdr = c->p->caplen;
		return;
	}
	if (c->o->eflag) {
		put_mac(c, l->u.eth.src);
		out_lit(" > ");
		put_mac(c, l->u.eth.dst);
		out_lit(", ");
	}
	type = l->u.eth.type;
	c->llhdr = 14;
	j = next_of(c, i);
	while (j >= 0 && L(c, j)->type == NLRS_LAYER_VLAN) {
		const struct nlrs_pkt_layer *v = L(c, j);
		if (!fields_ok(v)) {
			trunc_mark("vlan");
			c->llhdr = c->p->caplen;
			return;
		}
		if (c->o->eflag) {
			ethertype_print(c, type);
			if (!printed_length) {
				out_lit(", length ");
				out_u32(length);
				out_lit(": ");
				printed_length = true;
			} else {
				out_lit(", ");
			}
			out_lit("vlan ");
			out_u32(v->u.vlan.vid);
			out_lit(", p ");
			out_u32(v->u.vlan.pcp);
			if (v->u.vlan.dei)
				out_lit(", DEI");
			out_lit(", ");
		}
		type = v->u.vlan.type;
		c->llhdr = v->off + 4;
		j = next_of(c, j);
	}
	if (type <= 1500) {
		uint32_t plen = type;
		if (c->o->eflag) {
			out_lit("802.3");
			if (!printed_length) {
				out_lit(", length ");
				out_u32(plen);
				out_lit(": ");
			}
		} else {
			put_mac(c, l->u.eth.src);
			out_lit(" > ");
			put_mac(c, l->u.eth.dst);
			out_lit(", 802.3, length ");
			out_u32(plen);
			out_lit(": ");
		}
		if (j >= 0 && L(c, j)->type == NLRS_LAYER_LLC)
			print_llc(c, j, plen);
		else if (j >= 0)
			default_print(c, L(c, j)->hdr, avail(c, L(c, j)));
		return;
	}
	if (c->o->eflag) {
		ethertype_print(c, type);
		if (!printed_length) {
			out_lit(", length ");
			out_u32(length);
			out_lit(": ");
		} else {
			out_lit(", ");
		}
	}
	if (known_net(type)) {
		print_net(c, j, type, length > c->llhdr ? length - c->llhdr : 0);
		return;
	}
	/* a type nobody decoded */
	if (!c->o->eflag) {
		put_mac(c, l->u.eth.src);
		out_lit(" > ");
		put_mac(c, l->u.eth.dst);
		out_lit(", ");
		ethertype_print(c, type);
		out_lit(", length ");
		out_u32(length);
		out_lit(": ");
	}
	if (j >= 0)
		default_print(c, L(c, j)->hdr, avail(c, L(c, j)));
}

static const char *const sll_types[] = { "In", "B", "M", "P", "Out" };

static void sll_proto(struct pctx *c, uint16_t proto, uint32_t length)
{
	if (proto <= 1500) {
		if (proto == 1)
			out_lit("802.3");
		else if (proto == 4)
			out_lit("802.2");
		else {
			out_lit("ethertype Unknown (0x");
			out_hex_w(proto, 4);
			out_char(')');
		}
	} else {
		ethertype_print(c, proto);
	}
	out_lit(", length ");
	out_u32(length);
	out_lit(": ");
}

static void print_sll(struct pctx *c, int i, bool v2)
{
	const struct nlrs_pkt_layer *l = L(c, i);
	const struct nlrs_pkt_sll *s = &l->u.sll;
	uint32_t hl = v2 ? 20 : 16;
	uint16_t type;
	int j;

	if (!fields_ok(l)) {
		trunc_mark(v2 ? "sll2" : "sll");
		c->llhdr = c->p->caplen;
		return;
	}
	if (v2) {
		char name[IF_NAMESIZE] = "?";
		if (!if_indextoname(s->ifindex, name))
			strcpy(name, "?");
		out_str(name);
		for (size_t k = strlen(name); k < 5; k++)
			out_char(' ');
		out_char(' ');
		out_str(s->pkttype < 5 ? sll_types[s->pkttype] : "?");
		for (size_t k = strlen(s->pkttype < 5 ? sll_types[s->pkttype] : "?"); k < 3; k++)
			out_char(' ');
		out_char(' ');
	}
	if (c->o->eflag) {
		if (!v2) {
			const char *t = s->pkttype < 5 ? sll_types[s->pkttype] : "?";
			for (size_t k = strlen(t); k < 3; k++)
				out_char(' ');
			out_str(t);
			out_char(' ');
		} else {
			out_lit("ifindex ");
			out_u32(s->ifindex);
			out_char(' ');
		}
		if (s->halen == 6) {
			put_mac(c, s->addr);
			out_char(' ');
		}
		if (!c->o->qflag)
			sll_proto(c, s->proto, c->p->len);
	}
	c->llhdr = hl;
	type = s->proto;
	j = next_of(c, i);
	while (j >= 0 && L(c, j)->type == NLRS_LAYER_VLAN && fields_ok(L(c, j))) {
		if (c->o->eflag) {
			out_lit("vlan ");
			out_u32(L(c, j)->u.vlan.vid);
			out_lit(", p ");
			out_u32(L(c, j)->u.vlan.pcp);
			if (L(c, j)->u.vlan.dei)
				out_lit(", DEI");
			out_lit(", ");
		}
		type = L(c, j)->u.vlan.type;
		c->llhdr = L(c, j)->off + 4;
		if (c->o->eflag)
			sll_proto(c, type, c->p->len - c->llhdr);
		j = next_of(c, j);
	}
	if (type == 4 && j >= 0 && L(c, j)->type == NLRS_LAYER_LLC) {
		print_llc(c, j, c->p->len - c->llhdr);
		return;
	}
	if (known_net(type)) {
		print_net(c, j, type, c->p->len > c->llhdr ? c->p->len - c->llhdr : 0);
		return;
	}
	if (j >= 0)
		default_print(c, L(c, j)->hdr, avail(c, L(c, j)));
}

static void print_null(struct pctx *c, int i)
{
	const struct nlrs_pkt_layer *l = L(c, i);
	uint32_t af;
	int j;

	if (!fields_ok(l)) {
		trunc_mark("null");
		c->llhdr = c->p->caplen;
		return;
	}
	af = l->u.null.family;
	c->llhdr = 4;
	if (c->o->eflag) {
		out_lit("AF ");
		if (af == 2)
			out_lit("IPv4");
		else if (af == 24 || af == 28 || af == 30)
			out_lit("IPv6");
		else
			out_lit("Unknown");
		out_lit(" (");
		out_u32(af);
		out_lit("), length ");
		out_u32(c->p->len);
		out_lit(": ");
	}
	j = next_of(c, i);
	if (j >= 0 && (L(c, j)->type == NLRS_LAYER_IPV4 || L(c, j)->type == NLRS_LAYER_IPV6)) {
		print_net(c, j, L(c, j)->type == NLRS_LAYER_IPV4 ? 0x0800 : 0x86dd,
			  c->p->len > 4 ? c->p->len - 4 : 0);
		return;
	}
	if (j >= 0)
		default_print(c, L(c, j)->hdr, avail(c, L(c, j)));
}

static bool is_raw(int lt)
{
	return lt == NLRS_LINKTYPE_RAW || lt == NLRS_LINKTYPE_RAW_DLT || lt == NLRS_LINKTYPE_RAW_OBSD ||
	       lt == NLRS_LINKTYPE_IPV4 || lt == NLRS_LINKTYPE_IPV6;
}

/* The whole line after the timestamp. */
static void print_layers(struct pctx *c)
{
	const struct nlrs_pkt *pkt = c->pkt;
	const struct nlrs_pkt_layer *l;

	if (!pkt->nlayers) {
		c->llhdr = 0;
		return;
	}
	l = &pkt->layers[0];
	switch (l->type) {
	case NLRS_LAYER_ETH:
		print_eth(c, 0);
		return;
	case NLRS_LAYER_SLL:
		print_sll(c, 0, false);
		return;
	case NLRS_LAYER_SLL2:
		print_sll(c, 0, true);
		return;
	case NLRS_LAYER_NULL:
		print_null(c, 0);
		return;
	case NLRS_LAYER_SLIP: {
		int j = next_of(c, 0);
		c->llhdr = 16;
		if (c->o->eflag)
			out_str(l->u.slip.dir ? "O " : "I ");
		if (j >= 0)
			print_net(c, j, L(c, j)->type == NLRS_LAYER_IPV6 ? 0x86dd : 0x0800,
				  c->p->len > 16 ? c->p->len - 16 : 0);
		return;
	}
	case NLRS_LAYER_IPV4:
		c->llhdr = 0;
		if (c->o->eflag && is_raw(c->p->linktype))
			out_lit("ip: ");
		if (is_raw(c->p->linktype) && c->p->caplen >= 1 && (c->p->data[0] >> 4) != 4 &&
		    (c->p->data[0] >> 4) != 6) {
			out_lit("unknown ip "); /* tcpdump's ipN_print */
			out_u32(c->p->data[0] >> 4);
			return;
		}
		print_ip4(c, 0, c->p->len);
		return;
	case NLRS_LAYER_IPV6:
		c->llhdr = 0;
		if (c->o->eflag && is_raw(c->p->linktype))
			out_lit("ip: ");
		print_ip6(c, 0, c->p->len);
		return;
	default:
		break;
	}
	/* a link type the library does not read, or raw IP of another version */
	c->llhdr = 0;
	if (c->o->eflag && is_raw(c->p->linktype))
		out_lit("ip: ");
	if (is_raw(c->p->linktype)) {
		if (c->p->caplen >= 1) {
			out_lit("unknown ip "); /* tcpdump's ipN_print */
			out_u32(c->p->data[0] >> 4);
		}
		return;
	}
	out_lit("[unsupported link-type ");
	out_u32((uint32_t)c->p->linktype);
	out_char(']');
	default_print(c, c->p->data, c->p->caplen);
}

/* The fixed-layout fast path (nlrs_pkt_fast_decode) for what most
 * captures are made of: Ethernet or raw IP, IPv4 (not a fragment) or IPv6
 * without extension headers, TCP or UDP, every header whole and none
 * lying. It prints what the full decode prints, through the same
 * printers, when the options need nothing more (no -e, no -v) and no
 * port has an application printer; otherwise it returns false and the
 * full decode runs. */
static bool print_fast(struct pctx *c)
{
	const struct dump_pkt *p = c->p;
	struct dump_printer *pr = c->pr;
	struct nlrs_pkt_fast f;
	struct ipctx x;
	const uint8_t *h;
	uint32_t cap;
	int rc;

	if (c->o->eflag || c->o->verbose || p->caplen > 65535 || p->len < p->caplen)
		return false;
	if (p->linktype == NLRS_LINKTYPE_ETHERNET)
		rc = nlrs_pkt_fast_decode(p->data, p->caplen, &f);
	else if (p->linktype == NLRS_LINKTYPE_RAW || p->linktype == NLRS_LINKTYPE_RAW_DLT ||
		 p->linktype == NLRS_LINKTYPE_RAW_OBSD)
		rc = nlrs_pkt_fast_decode_ip(p->data, p->caplen, &f);
	else
		return false;
	if (rc)
		return false;
	if (f.proto == NLRS_IPPROTO_TCP) {
		if (f.sport == 80 || f.dport == 80 || f.sport == 8080 || f.dport == 8080 ||
		    f.sport == 53 || f.dport == 53 || f.sport == 22 || f.dport == 22)
			return false;
	} else if (f.sport == 53 || f.dport == 53 || f.sport == 5353 || f.dport == 5353 ||
		   f.sport == 67 || f.dport == 67 || f.sport == 68 || f.dport == 68 ||
		   f.sport == 69 || f.dport == 69) {
		return false;
	}
	memset(&x, 0, sizeof(x));
	x.v6 = f.ipver == 6;
	x.src4 = f.src4;
	x.dst4 = f.dst4;
	x.src6 = f.src6;
	x.dst6 = f.dst6;
	x.full_addrs = true;
	x.length = (uint32_t)f.ip_len - (uint32_t)(f.l4off - f.l3off);
	c->llhdr = f.l3off;
	h = p->data + f.l4off;
	cap = p->caplen - f.l4off;
	out_str(x.v6 ? "IP6 " : "IP ");
	if (f.proto == NLRS_IPPROTO_TCP) {
		pr->optl.type = NLRS_LAYER_TCP;
		pr->optl.u.tcp.opts = f.l4hlen > 20 ? h + 20 : NULL;
		pr->optl.u.tcp.optlen = (uint8_t)(f.l4hlen - 20);
		print_tcp(c, &pr->optl, h, cap, NULL, &x);
	} else {
		print_udp(c, h, cap, NULL, &x);
	}
	return true;
}

struct dump_printer *printer_new(const struct dump_opts *o)
{
	struct dump_printer *pr = calloc(1, sizeof(*pr));

	if (!pr)
		return NULL;
	pr->o = o;
	ts_init(&pr->ts, o->tflag, o->nano);
	/* tcpdump picks application printers by port alone: no content
	 * heuristics (they cost a look at every TCP payload) */
	pr->dopts.flags = NLRS_PKT_NO_HEURISTIC;
	pr->dopts.reg = NULL;
	if (!o->numeric)
		resolve_init();
	else
		pr->pfx = calloc(PFX_SLOTS, sizeof(*pr->pfx)); /* NULL: no cache, still right */
	return pr;
}

void printer_free(struct dump_printer *pr)
{
	if (!pr)
		return;
	free(pr->seq);
	free(pr->pfx);
	free(pr);
	resolve_fini();
}

void printer_packet(struct dump_printer *pr, const struct dump_pkt *p, uint64_t num)
{
	const struct dump_opts *o = pr->o;
	struct pctx c = { .pr = pr, .o = o, .pkt = &pr->pkt, .p = p };
	bool bad = false;

	if (o->number) {
		char *d = out_room(24);
		char tmp[20];
		char *e = fmt_u64(tmp, num);
		size_t n = (size_t)(e - tmp);
		for (size_t k = n; k < 5; k++)
			*d++ = ' ';
		memcpy(d, tmp, n);
		d += n;
		*d++ = ' ';
		*d++ = ' ';
		out_commit(d);
	}
	if (p->caplen == 0) {
		out_lit("[Invalid header: caplen==0");
		bad = true;
	}
	if (p->len == 0) {
		out_str(bad ? ", len==0" : "[Invalid header: len==0");
		bad = true;
	} else if (p->len < p->caplen) {
		out_str(bad ? ", len(" : "[Invalid header: len(");
		out_u32(p->len);
		out_lit(") < caplen(");
		out_u32(p->caplen);
		out_char(')');
		bad = true;
	}
	if (p->caplen > DUMP_MAX_SNAPLEN) {
		out_str(bad ? ", caplen(" : "[Invalid header: caplen(");
		out_u32(p->caplen);
		out_lit(") > 262144");
		bad = true;
	}
	if (p->len > DUMP_MAX_SNAPLEN) {
		out_str(bad ? ", len(" : "[Invalid header: len(");
		out_u32(p->len);
		out_lit(") > 262144");
		bad = true;
	}
	if (bad) {
		out_lit("]\n");
		return;
	}
	ts_print(&pr->ts, p->sec, p->nsec);
	if (!print_fast(&c)) {
		nlrs_pkt_decode(&pr->pkt, (uint32_t)p->linktype, p->data, p->caplen, p->len,
				&pr->dopts);
		print_layers(&c);
	}

	if (c.llhdr > p->caplen)
		c.llhdr = p->caplen;
	if (o->Xflag) {
		if (o->Xflag > 1)
			hex_ascii_print(p->data, p->caplen);
		else if (p->caplen > c.llhdr)
			hex_ascii_print(p->data + c.llhdr, p->caplen - c.llhdr);
	} else if (o->xflag) {
		if (o->xflag > 1)
			hex_print(p->data, p->caplen);
		else if (p->caplen > c.llhdr)
			hex_print(p->data + c.llhdr, p->caplen - c.llhdr);
	} else if (o->Aflag) {
		if (o->Aflag > 1)
			ascii_print(p->data, p->caplen);
		else if (p->caplen > c.llhdr)
			ascii_print(p->data + c.llhdr, p->caplen - c.llhdr);
	}
	out_char('\n');
}
