/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decode.c - layered, zero-copy decode of captured frames.
 *
 * Implements: nlrs_pkt_decode from every link type tcpdump reads that
 * carries IP (Ethernet II and 802.3/LLC/SNAP with 802.1Q/802.1ad tags,
 * Linux cooked v1/v2, raw IPv4/IPv6, BSD loopback and OpenBSD loop,
 * SLIP), then ARP, IPv4 (options, fragments, IP-in-IP), IPv6 and its
 * extension headers, AH, ESP, ICMPv4 and ICMPv6 (with the datagram an
 * error quotes), TCP, UDP, SCTP, and the application protocols DNS,
 * DHCP/BOOTP, TFTP, HTTP/1.x, TLS, Telnet and SSH; custom decoders from a
 * registry take part at every hook. Every header is read through the
 * checked views of stack/wire/ (one parser per protocol in the project):
 * this file only decides what comes next, how long each layer is, and
 * whether a short read is a cut capture (NLRS_LF_TRUNC: the frame's wire
 * length says more bytes existed) or a lie (NLRS_LF_MALFORMED).
 *
 * Lengths: every layer sees `cap` (bytes captured from its start, already
 * bounded by the layers outside it) and `wire` (bytes it had on the wire
 * as the outer layers claim). Reads never go past cap.
 *
 * Does not implement: IP reassembly (a non-first fragment's payload is a
 * PAYLOAD layer), TCP reassembly (nlrs/reasm.h), decryption, application
 * messages spanning segments (only what one segment holds is decoded),
 * Ethernet frames with more than two tags or 802.3 framing inside tags
 * (MALFORMED), the FCS (link types with FCS bits are read without it).
 * Hosted or freestanding: no libc calls, no allocation.
 */
#include "packet_priv.h"

#include "wire/arp_any.h"
#include "wire/checksum.h"
#include "wire/cut.h"
#include "wire/dhcp.h"
#include "wire/dns.h"
#include "wire/eth.h"
#include "wire/http.h"
#include "wire/icmp4.h"
#include "wire/icmp6.h"
#include "wire/icmp_msg.h"
#include "wire/ipsec.h"
#include "wire/ipv4.h"
#include "wire/ipv6.h"
#include "wire/ipv6_ext.h"
#include "wire/llc.h"
#include "wire/null.h"
#include "wire/optcur.h"
#include "wire/sctp.h"
#include "wire/sll.h"
#include "wire/slip.h"
#include "wire/ssh.h"
#include "wire/tcp.h"
#include "wire/telnet.h"
#include "wire/tftp.h"
#include "wire/tls.h"
#include "wire/udp.h"
#include "wire/vlan.h"

/* How deep ICMP errors may quote ICMP errors. */
#define MAX_QUOTE_DEPTH 2

struct dctx {
	struct nlrs_pkt *pkt;
	const uint8_t *base;
	unsigned flags;
	const struct nlrs_pkt_registry *reg;
	uint8_t depth; /* quote depth */
};

/* What the IP layer tells what it carries. */
struct ipinfo {
	uint8_t ver;            /* 4, 6, or 0 (no IP outside: no checksums) */
	uint32_t src4, dst4;
	const uint8_t *src6, *dst6;
	bool frag;              /* a first fragment: lengths past it are not lies */
	bool first_ext;         /* next header directly after the IPv6 fixed header */
	bool no_csum;           /* pseudo-header unknown (routing header with segments left) */
	uint8_t l2_idx;         /* index of the link layer right outside the IP layer, or 0xff */
};

static void dec_ethertype(struct dctx *d, uint16_t type, size_t off, size_t cap, size_t wire);
static void dec_ipproto(struct dctx *d, uint8_t proto, size_t off, size_t cap, size_t wire,
			const struct ipinfo *ip);
static void dec_ipv4(struct dctx *d, size_t off, size_t cap, size_t wire);
static void dec_ipv6(struct dctx *d, size_t off, size_t cap, size_t wire);
static void dec_link(struct dctx *d, uint32_t linktype, size_t off, size_t cap, size_t wire);
static void dec_layer(struct dctx *d, uint16_t type, size_t off, size_t cap, size_t wire);

static const uint8_t class_of[NLRS_LAYER__BUILTIN_END] = {
	[NLRS_LAYER_ETH] = NLRS_CLASS_LINK,
	[NLRS_LAYER_VLAN] = NLRS_CLASS_LINK,
	[NLRS_LAYER_LLC] = NLRS_CLASS_LINK,
	[NLRS_LAYER_SLL] = NLRS_CLASS_LINK,
	[NLRS_LAYER_SLL2] = NLRS_CLASS_LINK,
	[NLRS_LAYER_NULL] = NLRS_CLASS_LINK,
	[NLRS_LAYER_SLIP] = NLRS_CLASS_LINK,
	[NLRS_LAYER_ARP] = NLRS_CLASS_NETWORK,
	[NLRS_LAYER_IPV4] = NLRS_CLASS_NETWORK,
	[NLRS_LAYER_IPV6] = NLRS_CLASS_NETWORK,
	[NLRS_LAYER_IPV6_HOPOPTS] = NLRS_CLASS_NETWORK,
	[NLRS_LAYER_IPV6_ROUTING] = NLRS_CLASS_NETWORK,
	[NLRS_LAYER_IPV6_FRAGMENT] = NLRS_CLASS_NETWORK,
	[NLRS_LAYER_IPV6_DSTOPTS] = NLRS_CLASS_NETWORK,
	[NLRS_LAYER_AH] = NLRS_CLASS_NETWORK,
	[NLRS_LAYER_ESP] = NLRS_CLASS_NETWORK,
	[NLRS_LAYER_ICMP4] = NLRS_CLASS_TRANSPORT,
	[NLRS_LAYER_ICMP6] = NLRS_CLASS_TRANSPORT,
	[NLRS_LAYER_TCP] = NLRS_CLASS_TRANSPORT,
	[NLRS_LAYER_UDP] = NLRS_CLASS_TRANSPORT,
	[NLRS_LAYER_SCTP] = NLRS_CLASS_TRANSPORT,
	[NLRS_LAYER_DNS] = NLRS_CLASS_APPLICATION,
	[NLRS_LAYER_DHCP] = NLRS_CLASS_APPLICATION,
	[NLRS_LAYER_TFTP] = NLRS_CLASS_APPLICATION,
	[NLRS_LAYER_HTTP] = NLRS_CLASS_APPLICATION,
	[NLRS_LAYER_TLS] = NLRS_CLASS_APPLICATION,
	[NLRS_LAYER_TELNET] = NLRS_CLASS_APPLICATION,
	[NLRS_LAYER_SSH] = NLRS_CLASS_APPLICATION,
	[NLRS_LAYER_PAYLOAD] = NLRS_CLASS_PAYLOAD,
};

/* Zeroes for a new layer's fields: a struct copy compiles to plain
 * vector moves, where a memset of the union became a slow `rep stos`
 * (a quarter of the decode time). */
static const struct nlrs_pkt_layer zero_layer;

enum nlrs_layer_class nlrs_layer_class(uint16_t type)
{
	return type < NLRS_LAYER__BUILTIN_END ? (enum nlrs_layer_class)class_of[type]
					      : NLRS_CLASS_NONE;
}

/* ---- layers ---- */

static struct nlrs_pkt_layer *add_cls(struct dctx *d, uint16_t type, uint8_t cls, size_t off)
{
	struct nlrs_pkt *pkt = d->pkt;
	struct nlrs_pkt_layer *l;

	if (pkt->nlayers >= NLRS_PKT_MAX_LAYERS) {
		pkt->flags |= NLRS_PF_DEPTH;
		return NULL;
	}
	l = &pkt->layers[pkt->nlayers];
	l->type = type;
	l->flags = 0;
	l->err = 0;
	l->cls = cls;
	l->depth = d->depth;
	l->off = (uint32_t)off;
	l->hlen = 0;
	l->hdr = d->base + off;
	l->payload = l->hdr;
	l->plen = 0;
	l->wire_plen = 0;
	l->u = zero_layer.u;
	if (d->depth) {
		l->flags |= NLRS_LF_QUOTED;
	} else {
		int8_t idx = (int8_t)pkt->nlayers;

		switch (cls) {
		case NLRS_CLASS_LINK:
			if (pkt->link < 0)
				pkt->link = idx;
			break;
		case NLRS_CLASS_NETWORK:
			if (pkt->net < 0)
				pkt->net = idx;
			break;
		case NLRS_CLASS_TRANSPORT:
			if (pkt->transport < 0)
				pkt->transport = idx;
			break;
		case NLRS_CLASS_APPLICATION:
			if (pkt->app < 0)
				pkt->app = idx;
			break;
		default:
			break;
		}
	}
	pkt->nlayers++;
	return l;
}

static struct nlrs_pkt_layer *add(struct dctx *d, uint16_t type, size_t off)
{
	return add_cls(d, type, class_of[type], off);
}

/* Header of hlen bytes (claimed), payload to `wire` claimed, `cap` captured. */
static void geom(struct nlrs_pkt_layer *l, size_t hlen, size_t cap, size_t wire)
{
	size_t h = hlen < cap ? hlen : cap;

	l->hlen = (uint32_t)h;
	l->payload = l->hdr + h;
	l->plen = (uint32_t)(cap > hlen ? cap - hlen : 0);
	l->wire_plen = (uint32_t)(wire > hlen ? wire - hlen : 0);
	if (cap < wire)
		l->flags |= NLRS_LF_TRUNC;
}

static void mark(struct nlrs_pkt_layer *l, int err)
{
	l->flags |= NLRS_LF_MALFORMED;
	if (!l->err)
		l->err = (int16_t)err;
}

/* A header that could not be read at all: cut (too short, and the wire
 * had more bytes than were captured) or a lie. */
static void unreadable(struct nlrs_pkt_layer *l, size_t need, size_t cap, size_t wire, int err)
{
	l->flags |= NLRS_LF_NOFIELDS;
	geom(l, need, cap, wire);
	if (err == NLRS_WIRE_SHORT && cap < wire)
		l->flags |= NLRS_LF_TRUNC;
	else
		mark(l, err);
}

static void payload(struct dctx *d, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l;

	if (cap == 0 && wire == 0)
		return;
	l = add(d, NLRS_LAYER_PAYLOAD, off);
	if (!l)
		return;
	geom(l, cap, cap, wire);
}

/* ---- custom decoders ---- */

static void run_custom(struct dctx *d, const struct nlrs_pkt_decoder *dec, size_t off, size_t cap,
		       size_t wire, const struct ipinfo *ip)
{
	struct nlrs_pkt_layer *l = add_cls(d, dec->layer_type, dec->cls, off);
	enum nlrs_pkt_next_kind next = NLRS_NEXT_NONE;
	uint32_t val = 0;
	size_t hl;
	int r;

	if (!l)
		return;
	r = dec->decode(dec->ctx, l, l->hdr, cap, wire, &next, &val);
	/* The decoder's word is not trusted to stay inside the data. */
	hl = l->hlen > cap ? cap : l->hlen;
	geom(l, hl, cap, wire);
	if (r < 0) {
		mark(l, r);
		return;
	}
	off += hl;
	cap -= hl;
	wire = wire > hl ? wire - hl : 0;
	switch (next) {
	case NLRS_NEXT_ETHERTYPE:
		dec_ethertype(d, (uint16_t)val, off, cap, wire);
		break;
	case NLRS_NEXT_IPPROTO: {
		struct ipinfo none = { 0 };

		none.l2_idx = 0xff;
		dec_ipproto(d, (uint8_t)val, off, cap, wire, ip ? ip : &none);
		break;
	}
	case NLRS_NEXT_LINKTYPE:
		dec_link(d, val, off, cap, wire);
		break;
	case NLRS_NEXT_LAYER:
		dec_layer(d, (uint16_t)val, off, cap, wire);
		break;
	case NLRS_NEXT_PAYLOAD:
		payload(d, off, cap, wire);
		break;
	case NLRS_NEXT_NONE:
	default:
		break;
	}
}

/* ---- link layers ---- */

static void dec_llc(struct dctx *d, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_LLC, off);
	struct nlrs_llc_hdr h;
	int r;

	if (!l)
		return;
	r = nlrs_llc_parse(d->base + off, cap, &h);
	if (r < 0) {
		unreadable(l, 3, cap, wire, r);
		return;
	}
	geom(l, (size_t)r, cap, wire);
	l->u.llc.dsap = h.dsap;
	l->u.llc.ssap = h.ssap;
	l->u.llc.control = h.control;
	l->u.llc.ctl_len = h.ctl_len;
	l->u.llc.snap = h.snap;
	nlrs_memcpy(l->u.llc.oui, h.oui, 3);
	l->u.llc.snap_type = h.type;
	off += (size_t)r;
	cap -= (size_t)r;
	wire = wire > (size_t)r ? wire - (size_t)r : 0;
	/* RFC 1042: SNAP with OUI 0 carries an EtherType. */
	if (h.snap && h.oui[0] == 0 && h.oui[1] == 0 && h.oui[2] == 0 && h.type >= 0x0600)
		dec_ethertype(d, h.type, off, cap, wire);
	else
		payload(d, off, cap, wire);
}

static void dec_eth8023(struct dctx *d, struct nlrs_pkt_layer *l, size_t off, size_t cap,
			size_t wire)
{
	struct nlrs_eth8023_hdr h;
	int r = nlrs_eth8023_parse(d->base + off, cap, wire, &h);
	size_t lcap, lwire;

	if (r < 0) {
		unreadable(l, NLRS_ETH_HLEN, cap, wire, r);
		return;
	}
	geom(l, NLRS_ETH8023_HLEN, cap, wire);
	nlrs_memcpy(l->u.eth.dst, h.dst, 6);
	nlrs_memcpy(l->u.eth.src, h.src, 6);
	l->u.eth.type = h.length;
	lcap = cap - NLRS_ETH8023_HLEN;
	lwire = wire - NLRS_ETH8023_HLEN;
	/* The length field bounds the LLC data; the rest is padding. */
	if (lcap > h.length) {
		lcap = h.length;
		l->flags |= NLRS_LF_PADDED;
	}
	if (lwire > h.length)
		lwire = h.length;
	dec_llc(d, off + NLRS_ETH8023_HLEN, lcap, lwire);
}

static void dec_eth(struct dctx *d, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_ETH, off);
	struct nlrs_eth_hdr h;
	int r;

	if (!l)
		return;
	r = nlrs_eth_parse(d->base + off, cap, &h);
	if (r == NLRS_WIRE_BAD_FORMAT) {
		/* a length field (802.3 + LLC), or more tags than the view reads */
		dec_eth8023(d, l, off, cap, wire);
		return;
	}
	if (r < 0) {
		unreadable(l, NLRS_ETH_HLEN, cap, wire, r);
		return;
	}
	geom(l, NLRS_ETH_HLEN, cap, wire);
	nlrs_memcpy(l->u.eth.dst, h.dst, 6);
	nlrs_memcpy(l->u.eth.src, h.src, 6);
	l->u.eth.type = h.ntags ? h.tpid[0] : h.type;
	/* One VLAN layer per tag: its TCI and the type after it (4 bytes
	 * from offset 14 + 4i); the Ethernet layer's type is the first TPID. */
	for (unsigned i = 0; i < h.ntags; i++) {
		size_t vo = NLRS_ETH_HLEN + 4u * i;
		struct nlrs_pkt_layer *v = add(d, NLRS_LAYER_VLAN, off + vo);

		if (!v)
			return;
		geom(v, 4, cap - vo, wire - vo);
		v->u.vlan.tpid = h.tpid[i];
		v->u.vlan.pcp = nlrs_vlan_pcp(h.tci[i]);
		v->u.vlan.dei = nlrs_vlan_dei(h.tci[i]);
		v->u.vlan.vid = nlrs_vlan_vid(h.tci[i]);
		v->u.vlan.type = i + 1u < h.ntags ? h.tpid[i + 1] : h.type;
	}
	dec_ethertype(d, h.type, off + h.hlen, cap - h.hlen, wire - h.hlen);
}

/* A tag whose TPID was the type field of a non-Ethernet header. */
static void dec_vlan(struct dctx *d, uint16_t tpid, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_VLAN, off);
	struct nlrs_vlan_tag t;
	int r;

	if (!l)
		return;
	r = nlrs_vlan_parse(d->base + off, cap, &t);
	if (r < 0) {
		unreadable(l, NLRS_VLAN_TAG_LEN, cap, wire, r);
		return;
	}
	geom(l, NLRS_VLAN_TAG_LEN, cap, wire);
	l->u.vlan.tpid = tpid;
	l->u.vlan.pcp = nlrs_vlan_pcp(t.tci);
	l->u.vlan.dei = nlrs_vlan_dei(t.tci);
	l->u.vlan.vid = nlrs_vlan_vid(t.tci);
	l->u.vlan.type = t.type;
	if (t.type < 0x0600)
		dec_llc(d, off + 4, cap - 4, wire - 4);
	else
		dec_ethertype(d, t.type, off + 4, cap - 4, wire - 4);
}

static void dec_sll(struct dctx *d, int version, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l = add(d, version == 2 ? NLRS_LAYER_SLL2 : NLRS_LAYER_SLL, off);
	struct nlrs_sll_hdr h;
	int r;

	if (!l)
		return;
	r = version == 2 ? nlrs_sll2_parse(d->base + off, cap, &h)
			 : nlrs_sll_parse(d->base + off, cap, &h);
	if (r < 0) {
		unreadable(l, version == 2 ? NLRS_SLL2_HLEN : NLRS_SLL_HLEN, cap, wire, r);
		return;
	}
	geom(l, (size_t)r, cap, wire);
	l->u.sll.pkttype = h.pkttype;
	l->u.sll.hatype = h.hatype;
	l->u.sll.halen = h.halen;
	nlrs_memcpy(l->u.sll.addr, h.addr, 8);
	l->u.sll.proto = h.proto;
	l->u.sll.ifindex = h.ifindex;
	off += (size_t)r;
	cap -= (size_t)r;
	wire -= (size_t)r;
	if (h.proto >= 0x0600)
		dec_ethertype(d, h.proto, off, cap, wire);
	else if (h.proto == NLRS_SLL_P_802_2)
		dec_llc(d, off, cap, wire);
	else
		payload(d, off, cap, wire);
}

static void dec_ip_by_version(struct dctx *d, size_t off, size_t cap, size_t wire)
{
	/* The version nibble picks the view; the view checks it again. */
	if (cap >= 1 && (d->base[off] >> 4) == 6)
		dec_ipv6(d, off, cap, wire);
	else if (cap >= 1 && (d->base[off] >> 4) == 4)
		dec_ipv4(d, off, cap, wire);
	else if (cap == 0)
		return;
	else {
		struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_PAYLOAD, off);

		if (l) {
			geom(l, cap, cap, wire);
			mark(l, NLRS_WIRE_BAD_VERSION);
		}
	}
}

static void dec_null(struct dctx *d, bool net_order, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_NULL, off);
	struct nlrs_null_hdr h;
	int r;

	if (!l)
		return;
	r = nlrs_null_parse(d->base + off, cap, net_order, &h);
	if (r < 0) {
		unreadable(l, NLRS_NULL_HLEN, cap, wire, r);
		return;
	}
	geom(l, NLRS_NULL_HLEN, cap, wire);
	l->u.null.family = h.family;
	l->u.null.swapped = h.swapped;
	switch (nlrs_null_ipver(h.family)) {
	case 4:
		dec_ipv4(d, off + 4, cap - 4, wire - 4);
		break;
	case 6:
		dec_ipv6(d, off + 4, cap - 4, wire - 4);
		break;
	default:
		payload(d, off + 4, cap - 4, wire - 4);
	}
}

static void dec_slip(struct dctx *d, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_SLIP, off);
	struct nlrs_slip_hdr h;
	int r;

	if (!l)
		return;
	r = nlrs_slip_parse(d->base + off, cap, &h);
	if (r < 0) {
		unreadable(l, NLRS_SLIP_HLEN, cap, wire, r);
		return;
	}
	geom(l, NLRS_SLIP_HLEN, cap, wire);
	l->u.slip.dir = h.dir;
	l->u.slip.type = h.type;
	l->u.slip.chdr = h.chdr;
	dec_ip_by_version(d, off + NLRS_SLIP_HLEN, cap - NLRS_SLIP_HLEN, wire - NLRS_SLIP_HLEN);
}

bool nlrs_linktype_supported(uint32_t lt)
{
	switch (lt) {
	case NLRS_LINKTYPE_NULL:
	case NLRS_LINKTYPE_ETHERNET:
	case NLRS_LINKTYPE_SLIP:
	case NLRS_LINKTYPE_RAW_DLT:
	case NLRS_LINKTYPE_RAW_OBSD:
	case NLRS_LINKTYPE_RAW:
	case NLRS_LINKTYPE_LOOP:
	case NLRS_LINKTYPE_LINUX_SLL:
	case NLRS_LINKTYPE_IPV4:
	case NLRS_LINKTYPE_IPV6:
	case NLRS_LINKTYPE_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

static void dec_link(struct dctx *d, uint32_t linktype, size_t off, size_t cap, size_t wire)
{
	switch (linktype) {
	case NLRS_LINKTYPE_ETHERNET:
		dec_eth(d, off, cap, wire);
		break;
	case NLRS_LINKTYPE_NULL:
		dec_null(d, false, off, cap, wire);
		break;
	case NLRS_LINKTYPE_LOOP:
		dec_null(d, true, off, cap, wire);
		break;
	case NLRS_LINKTYPE_SLIP:
		dec_slip(d, off, cap, wire);
		break;
	case NLRS_LINKTYPE_RAW_DLT:
	case NLRS_LINKTYPE_RAW_OBSD:
	case NLRS_LINKTYPE_RAW:
		dec_ip_by_version(d, off, cap, wire);
		break;
	case NLRS_LINKTYPE_IPV4:
		dec_ipv4(d, off, cap, wire);
		break;
	case NLRS_LINKTYPE_IPV6:
		dec_ipv6(d, off, cap, wire);
		break;
	case NLRS_LINKTYPE_LINUX_SLL:
		dec_sll(d, 1, off, cap, wire);
		break;
	case NLRS_LINKTYPE_LINUX_SLL2:
		dec_sll(d, 2, off, cap, wire);
		break;
	default:
		payload(d, off, cap, wire);
	}
}

/* ---- network ---- */

static void dec_arp(struct dctx *d, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_ARP, off);
	struct nlrs_arp_any a;
	int r;

	if (!l)
		return;
	r = nlrs_arp_any_parse(d->base + off, cap, &a);
	if (r < 0) {
		/* the fixed part tells how long the message should be */
		unreadable(l, NLRS_ARP_FIXED_LEN, cap, wire, r);
		return;
	}
	/* Bytes after the message are link padding. */
	geom(l, (size_t)r, (size_t)r, (size_t)r);
	if (cap > (size_t)r && d->pkt->nlayers >= 2) {
		struct nlrs_pkt_layer *lk = &d->pkt->layers[d->pkt->nlayers - 2];

		if (lk->cls == NLRS_CLASS_LINK)
			lk->flags |= NLRS_LF_PADDED;
	}
	l->u.arp.htype = a.htype;
	l->u.arp.ptype = a.ptype;
	l->u.arp.hlen = a.hlen;
	l->u.arp.plen = a.plen;
	l->u.arp.op = a.op;
	l->u.arp.sha = a.sha;
	l->u.arp.spa = a.spa;
	l->u.arp.tha = a.tha;
	l->u.arp.tpa = a.tpa;
	if (a.ptype == NLRS_ETYPE_IPV4 && a.plen == 4) {
		l->u.arp.spa4 = nlrs_rd32(a.spa);
		l->u.arp.tpa4 = nlrs_rd32(a.tpa);
	}
}

static void dec_ethertype(struct dctx *d, uint16_t type, size_t off, size_t cap, size_t wire)
{
	const struct nlrs_pkt_decoder *dec = nlrs__reg_find(d->reg, NLRS_HOOK_ETHERTYPE, type);

	if (dec) {
		run_custom(d, dec, off, cap, wire, NULL);
		return;
	}
	switch (type) {
	case NLRS_ETYPE_IPV4:
		dec_ipv4(d, off, cap, wire);
		break;
	case NLRS_ETYPE_IPV6:
		dec_ipv6(d, off, cap, wire);
		break;
	case NLRS_ETYPE_ARP:
	case NLRS_ETYPE_RARP:
		dec_arp(d, off, cap, wire);
		break;
	case NLRS_ETYPE_VLAN:
	case NLRS_ETYPE_QINQ:
	case 0x9100: /* pre-standard QinQ */
		dec_vlan(d, type, off, cap, wire);
		break;
	default:
		payload(d, off, cap, wire);
	}
}

/* Mark the link layer right outside an IP layer padded when the link
 * carried more than the datagram. */
static void link_padded(struct dctx *d, size_t ip_idx)
{
	if (ip_idx > 0 && d->pkt->layers[ip_idx - 1].cls == NLRS_CLASS_LINK)
		d->pkt->layers[ip_idx - 1].flags |= NLRS_LF_PADDED;
}

static void dec_ipv4(struct dctx *d, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_IPV4, off);
	const uint8_t *p = d->base + off;
	struct nlrs_ipv4_hdr h;
	struct ipinfo ip;
	size_t idx, tot, pcap, pwire;
	int hl;

	if (!l)
		return;
	idx = (size_t)(l - d->pkt->layers);
	if (cap < NLRS_IPV4_HLEN) {
		unreadable(l, NLRS_IPV4_HLEN, cap, wire, NLRS_WIRE_SHORT);
		return;
	}
	/* The quoted-header view checks version and IHL against what was
	 * captured; the total length is checked here against the wire. */
	hl = nlrs_ipv4_parse_quoted(p, cap, &h);
	if (hl == NLRS_WIRE_BAD_HLEN)
		/* IHL past the captured bytes: options cut (or a lie) */
		hl = nlrs_ipv4_parse_cut(p, cap, &h);
	if (hl < 0) {
		unreadable(l, NLRS_IPV4_HLEN, cap, wire, hl);
		return;
	}
	l->u.ipv4.hlen = h.hlen;
	l->u.ipv4.tos = h.tos;
	l->u.ipv4.tot_len = h.tot_len;
	l->u.ipv4.id = h.id;
	l->u.ipv4.rf = false;
	l->u.ipv4.df = h.df;
	l->u.ipv4.mf = h.mf;
	l->u.ipv4.frag_off = h.frag_off;
	l->u.ipv4.ttl = h.ttl;
	l->u.ipv4.proto = h.proto;
	l->u.ipv4.csum = h.csum;
	l->u.ipv4.src = h.src;
	l->u.ipv4.dst = h.dst;
	l->u.ipv4.opts = h.opts;
	l->u.ipv4.optlen = h.optlen;
	/* The reserved flag bit the view does not report: the same octet
	 * it read df and mf from. */
	l->u.ipv4.rf = (p[6] & 0x80) != 0;

	if ((size_t)hl > cap) {
		/* the options run past what was captured */
		l->flags |= NLRS_LF_PARTIAL;
		geom(l, (size_t)hl, cap, wire > (size_t)hl ? wire : (size_t)hl);
		if (!(cap < wire))
			mark(l, NLRS_WIRE_BAD_HLEN);
		return;
	}
	tot = h.tot_len;
	/* Lie: RFC 791 - a total length smaller than the header. */
	if (tot < h.hlen) {
		geom(l, h.hlen, cap, cap > wire ? cap : wire);
		mark(l, NLRS_WIRE_BAD_LEN);
		return;
	}
	/* Lie: a total length past what the link delivered (not a cut
	 * capture: the link's own length says so). In a quote the datagram
	 * was cut on purpose. */
	if (tot > wire && !d->depth) {
		mark(l, NLRS_WIRE_BAD_LEN);
		tot = wire;
	}
	if (h.optlen && nlrs_ipv4_opts_check(h.opts, h.optlen) < 0) {
		l->flags |= NLRS_LF_OPTS_BAD;
		mark(l, NLRS_WIRE_BAD_OPTION);
	}
	pcap = cap < tot ? cap : tot;
	geom(l, h.hlen, pcap, tot);
	if (cap > tot && !d->depth)
		link_padded(d, idx);
	if ((d->flags & NLRS_PKT_VERIFY_CSUM) && !d->depth)
		l->flags |= nlrs_csum_fold(nlrs_csum_add(0, p, h.hlen)) == 0 ? NLRS_LF_CSUM_OK
									      : NLRS_LF_CSUM_BAD;
	if (h.mf || h.frag_off)
		l->flags |= NLRS_LF_FRAGMENT;
	pcap -= h.hlen;
	pwire = tot - h.hlen;
	if (h.frag_off) {
		/* RFC 791: a non-first fragment carries no transport header. */
		payload(d, off + h.hlen, pcap, pwire);
		return;
	}
	nlrs_memset(&ip, 0, sizeof ip);
	ip.ver = 4;
	ip.src4 = h.src;
	ip.dst4 = h.dst;
	ip.frag = h.mf;
	ip.l2_idx = (uint8_t)idx;
	dec_ipproto(d, h.proto, off + h.hlen, pcap, pwire, &ip);
}

static void dec_ipv6(struct dctx *d, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_IPV6, off);
	struct nlrs_ipv6_hdr h;
	struct ipinfo ip;
	size_t idx, tot, pcap, plen;
	int r;

	if (!l)
		return;
	idx = (size_t)(l - d->pkt->layers);
	/* In a quote the payload length may exceed what was quoted. */
	r = nlrs_ipv6_parse_cut(d->base + off, cap, d->depth ? SIZE_MAX : wire, &h);
	if (r == NLRS_WIRE_BAD_LEN) {
		/* Lie: a payload length past the link's frame. Read the
		 * header with no bound, say so, and go on with the link's. */
		r = nlrs_ipv6_parse_cut(d->base + off, cap, SIZE_MAX, &h);
		if (r < 0) {
			unreadable(l, NLRS_IPV6_HLEN, cap, wire, r);
			return;
		}
		mark(l, NLRS_WIRE_BAD_LEN);
		plen = wire - NLRS_IPV6_HLEN;
	} else if (r < 0) {
		unreadable(l, NLRS_IPV6_HLEN, cap, wire, r);
		return;
	} else {
		plen = h.plen;
	}
	l->u.ipv6.tclass = h.tclass;
	l->u.ipv6.flow = h.flow;
	l->u.ipv6.plen = h.plen;
	l->u.ipv6.next = h.next;
	l->u.ipv6.hlim = h.hlim;
	nlrs_memcpy(l->u.ipv6.src, h.src, 16);
	nlrs_memcpy(l->u.ipv6.dst, h.dst, 16);
	tot = NLRS_IPV6_HLEN + plen;
	pcap = cap < tot ? cap : tot;
	geom(l, NLRS_IPV6_HLEN, pcap, tot);
	if (cap > tot && !d->depth)
		link_padded(d, idx);
	nlrs_memset(&ip, 0, sizeof ip);
	ip.ver = 6;
	ip.src6 = l->u.ipv6.src;
	ip.dst6 = l->u.ipv6.dst;
	ip.first_ext = true;
	ip.l2_idx = (uint8_t)idx;
	dec_ipproto(d, h.next, off + NLRS_IPV6_HLEN, pcap - NLRS_IPV6_HLEN, tot - NLRS_IPV6_HLEN,
		    &ip);
}

/* IPv6 hop-by-hop, destination options, routing, fragment. */
static void dec_ipv6ext(struct dctx *d, uint8_t proto, size_t off, size_t cap, size_t wire,
			const struct ipinfo *in)
{
	uint16_t type = proto == NLRS_IPPROTO_HOPOPTS ? NLRS_LAYER_IPV6_HOPOPTS
			: proto == NLRS_IPPROTO_DSTOPTS ? NLRS_LAYER_IPV6_DSTOPTS
			: proto == NLRS_IPPROTO_ROUTING ? NLRS_LAYER_IPV6_ROUTING
							: NLRS_LAYER_IPV6_FRAGMENT;
	struct nlrs_pkt_layer *l = add(d, type, off);
	const uint8_t *p = d->base + off;
	struct ipinfo ip = *in;
	uint8_t next = 0;
	size_t hl = 0;
	int r;

	if (!l)
		return;
	ip.first_ext = false;
	if (type == NLRS_LAYER_IPV6_HOPOPTS || type == NLRS_LAYER_IPV6_DSTOPTS) {
		struct nlrs_ipv6_opthdr o;

		r = nlrs_ipv6_opthdr_parse(p, cap, &o);
		if (r < 0) {
			int el = nlrs_ipv6_ext_len(p, cap);

			unreadable(l, el > 0 ? (size_t)el : 8, cap, wire,
				   el > 0 && (size_t)el <= wire ? NLRS_WIRE_SHORT : r);
			return;
		}
		hl = o.len;
		next = o.next;
		l->u.ipv6ext.next = o.next;
		l->u.ipv6ext.len = o.len;
		l->u.ipv6ext.data = o.opts;
		l->u.ipv6ext.dlen = o.optlen;
		if (nlrs_ipv6_opts_walk(o.opts, o.optlen, NULL, NULL) < 0) {
			l->flags |= NLRS_LF_OPTS_BAD;
			mark(l, NLRS_WIRE_BAD_OPTION);
		}
		/* RFC 8200 4.1: hop-by-hop only right after the IPv6 header. */
		if (type == NLRS_LAYER_IPV6_HOPOPTS && !in->first_ext)
			mark(l, NLRS_WIRE_BAD_FORMAT);
	} else if (type == NLRS_LAYER_IPV6_ROUTING) {
		struct nlrs_ipv6_rthdr rt;

		r = nlrs_ipv6_rthdr_parse(p, cap, &rt);
		if (r < 0) {
			int el = nlrs_ipv6_ext_len(p, cap);

			unreadable(l, el > 0 ? (size_t)el : 8, cap, wire,
				   el > 0 && (size_t)el <= wire ? NLRS_WIRE_SHORT : r);
			return;
		}
		hl = rt.len;
		next = rt.next;
		l->u.ipv6ext.next = rt.next;
		l->u.ipv6ext.len = rt.len;
		l->u.ipv6ext.rt_type = rt.type;
		l->u.ipv6ext.segs_left = rt.segs_left;
		l->u.ipv6ext.data = rt.dlen ? rt.data : NULL;
		l->u.ipv6ext.dlen = (uint16_t)rt.dlen;
		/* The checksum's destination is the final one (RFC 8200 8.1). */
		if (rt.segs_left)
			ip.no_csum = true;
	} else {
		struct nlrs_ipv6_frag f;

		r = nlrs_ipv6_frag_parse(p, cap, &f);
		if (r < 0) {
			unreadable(l, NLRS_IPV6_FRAG_HLEN, cap, wire, r);
			return;
		}
		hl = NLRS_IPV6_FRAG_HLEN;
		next = f.next;
		l->u.ipv6ext.next = f.next;
		l->u.ipv6ext.len = NLRS_IPV6_FRAG_HLEN;
		l->u.ipv6ext.frag_off = f.off;
		l->u.ipv6ext.frag_more = f.more;
		l->u.ipv6ext.frag_id = f.id;
		l->flags |= NLRS_LF_FRAGMENT;
		if (in->l2_idx != 0xff)
			d->pkt->layers[in->l2_idx].flags |= NLRS_LF_FRAGMENT;
		ip.frag = f.more;
	}
	/* Lie: an extension header longer than the payload holding it. */
	if (hl > wire) {
		geom(l, hl, cap, hl);
		mark(l, NLRS_WIRE_BAD_LEN);
		return;
	}
	geom(l, hl, cap, wire);
	if (type == NLRS_LAYER_IPV6_FRAGMENT && l->u.ipv6ext.frag_off) {
		payload(d, off + hl, cap - hl, wire - hl);
		return;
	}
	dec_ipproto(d, next, off + hl, cap - hl, wire - hl, &ip);
}

static void dec_ah(struct dctx *d, size_t off, size_t cap, size_t wire, const struct ipinfo *in)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_AH, off);
	struct nlrs_ah_hdr h;
	struct ipinfo ip = *in;
	int r;

	if (!l)
		return;
	r = nlrs_ah_parse(d->base + off, cap, &h);
	if (r < 0) {
		unreadable(l, NLRS_AH_MIN_LEN, cap, wire, r == NLRS_WIRE_BAD_LEN && cap < wire ? NLRS_WIRE_SHORT : r);
		return;
	}
	if (h.len > wire) {
		geom(l, h.len, cap, h.len);
		mark(l, NLRS_WIRE_BAD_LEN);
		return;
	}
	geom(l, h.len, cap, wire);
	l->u.ah.next = h.next;
	l->u.ah.len = h.len;
	l->u.ah.spi = h.spi;
	l->u.ah.seq = h.seq;
	l->u.ah.icv = h.icv;
	l->u.ah.icvlen = h.icvlen;
	ip.first_ext = false;
	dec_ipproto(d, h.next, off + h.len, cap - h.len, wire - h.len, &ip);
}

static void dec_esp(struct dctx *d, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_ESP, off);
	struct nlrs_esp_hdr h;
	int r;

	if (!l)
		return;
	r = nlrs_esp_parse(d->base + off, cap, &h);
	if (r < 0) {
		unreadable(l, NLRS_ESP_HLEN, cap, wire, r);
		return;
	}
	/* Everything after SPI and sequence is ciphertext: this layer's. */
	geom(l, cap, cap, wire);
	l->u.esp.spi = h.spi;
	l->u.esp.seq = h.seq;
}

/* ---- transport ---- */

static uint32_t pseudo(const struct ipinfo *ip, uint8_t proto, size_t len)
{
	if (ip->ver == 4)
		return nlrs_csum_pseudo4(ip->src4, ip->dst4, proto, (uint32_t)len);
	return nlrs_csum_pseudo6(ip->src6, ip->dst6, proto, (uint32_t)len);
}

/* Verify a transport checksum when asked and when it can be: the whole
 * segment captured, not a fragment, pseudo-header known, not quoted. */
static void verify_l4(struct dctx *d, struct nlrs_pkt_layer *l, const struct ipinfo *ip,
		      uint8_t proto, size_t cap, size_t wire)
{
	uint32_t s;

	if (!(d->flags & NLRS_PKT_VERIFY_CSUM) || d->depth || ip->frag || ip->no_csum ||
	    cap < wire || (ip->ver != 4 && ip->ver != 6))
		return;
	s = pseudo(ip, proto, wire);
	s = nlrs_csum_add(s, l->hdr, wire);
	l->flags |= nlrs_csum_fold(s) == 0 ? NLRS_LF_CSUM_OK : NLRS_LF_CSUM_BAD;
}

static void dec_app(struct dctx *d, uint16_t l4, uint16_t sport, uint16_t dport, size_t off,
		    size_t cap, size_t wire);

static void copy_tcp_opts(struct nlrs_pkt_tcp_opts *o, const struct nlrs_tcp_opts *w,
			  const uint8_t *opts, size_t optlen)
{
	struct nlrs_kl_opt k;
	size_t pos = 0;

	o->has_mss = w->has_mss;
	o->mss = w->mss;
	o->has_wscale = w->has_wscale;
	o->wscale = w->wscale;
	o->sack_ok = w->sack_ok;
	o->has_ts = w->has_ts;
	o->tsval = w->tsval;
	o->tsecr = w->tsecr;
	o->nsack = w->nsack;
	for (unsigned i = 0; i < w->nsack && i < NLRS_PKT_TCP_MAX_SACK; i++) {
		o->sack[i].left = w->sack[i].left;
		o->sack[i].right = w->sack[i].right;
	}
	o->has_md5 = w->has_md5;
	o->has_ao = w->has_ao;
	o->has_fastopen = w->has_fastopen;
	o->fastopen_len = w->fastopen_len;
	o->fastopen = w->fastopen;
	/* Kinds the view does not interpret (MPTCP 30 among them). */
	while (nlrs_kl_opt_next(opts, optlen, &pos, &k) == 1) {
		switch (k.kind) {
		case NLRS_TCPOPT_EOL:
		case NLRS_TCPOPT_NOP:
		case NLRS_TCPOPT_MSS:
		case NLRS_TCPOPT_WSCALE:
		case NLRS_TCPOPT_SACK_PERM:
		case NLRS_TCPOPT_SACK:
		case NLRS_TCPOPT_TS:
		case NLRS_TCPOPT_MD5:
		case NLRS_TCPOPT_AO:
		case NLRS_TCPOPT_FASTOPEN:
			break;
		case 30:
			o->has_mptcp = true;
			/* fall through */
		default:
			if (o->nunknown < 255)
				o->nunknown++;
		}
	}
}

static void dec_tcp(struct dctx *d, size_t off, size_t cap, size_t wire, const struct ipinfo *ip)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_TCP, off);
	const uint8_t *p = d->base + off;
	struct nlrs_tcp_hdr h;
	struct nlrs_tcp_opts o;
	bool opts_ok = false;
	int r;

	if (!l)
		return;
	if (cap < NLRS_TCP_HLEN) {
		/* cut inside the fixed header: the fields that are there */
		if (cap == 0 || nlrs_tcp_parse_partial(p, cap, &h) < 0) {
			unreadable(l, NLRS_TCP_HLEN, cap, wire, NLRS_WIRE_SHORT);
			return;
		}
		l->flags |= NLRS_LF_PARTIAL;
		l->u.tcp.sport = h.sport;
		l->u.tcp.dport = h.dport;
		l->u.tcp.seq = h.seq;
		l->u.tcp.ack = h.ack;
		l->u.tcp.hlen = h.hlen;
		l->u.tcp.flags = cap >= 14 ? h.flags : 0;
		l->u.tcp.window = h.window;
		l->u.tcp.csum = h.csum;
		geom(l, NLRS_TCP_HLEN, cap, wire);
		if (!(cap < wire))
			mark(l, NLRS_WIRE_SHORT);
		return;
	}
	r = nlrs_tcp_parse(p, cap, &h);
	if (r >= 0) {
		opts_ok = true;
	} else {
		/* Options cut by the capture, a lying data offset, or bad
		 * options: the fixed fields through the cut view. */
		r = nlrs_tcp_parse_cut(p, cap, &h, &opts_ok);
		if (r < 0) {
			unreadable(l, NLRS_TCP_HLEN, cap, wire, r);
			return;
		}
	}
	l->u.tcp.sport = h.sport;
	l->u.tcp.dport = h.dport;
	l->u.tcp.seq = h.seq;
	l->u.tcp.ack = h.ack;
	l->u.tcp.hlen = h.hlen;
	l->u.tcp.flags = h.flags;
	l->u.tcp.window = h.window;
	l->u.tcp.csum = h.csum;
	l->u.tcp.urg = h.urg;
	l->u.tcp.opts = h.opts;
	l->u.tcp.optlen = h.optlen;
	/* Lie: RFC 9293 3.1 - a data offset below 5 words. */
	if (h.hlen < NLRS_TCP_HLEN) {
		geom(l, NLRS_TCP_HLEN, cap, wire);
		mark(l, NLRS_WIRE_BAD_HLEN);
		return;
	}
	/* Lie: a header longer than the segment the IP layer carried. */
	if (h.hlen > wire && !ip->frag && !d->depth) {
		geom(l, h.hlen, cap, h.hlen);
		mark(l, NLRS_WIRE_BAD_HLEN);
		return;
	}
	if (h.hlen > cap) {
		/* cut inside the options */
		geom(l, h.hlen, cap, wire > h.hlen ? wire : h.hlen);
		return;
	}
	geom(l, h.hlen, cap, wire);
	if (!opts_ok) {
		l->flags |= NLRS_LF_OPTS_BAD;
		mark(l, NLRS_WIRE_BAD_OPTION);
	} else if (h.optlen && nlrs_tcp_opts_parse(h.opts, h.optlen, &o) == 0) {
		copy_tcp_opts(&l->u.tcp.o, &o, h.opts, h.optlen);
	}
	verify_l4(d, l, ip, NLRS_IPPROTO_TCP, cap, wire);
	if (d->depth || wire <= h.hlen)
		return;
	dec_app(d, NLRS_LAYER_TCP, h.sport, h.dport, off + h.hlen, cap - h.hlen, wire - h.hlen);
}

static void dec_udp(struct dctx *d, size_t off, size_t cap, size_t wire, const struct ipinfo *ip)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_UDP, off);
	struct nlrs_udp_hdr h;
	size_t ucap, uwire;
	int r;

	if (!l)
		return;
	if (cap > 0 && cap < NLRS_UDP_HLEN && nlrs_udp_parse_partial(d->base + off, cap, &h) >= 0) {
		/* cut inside the header: the fields that are there */
		l->flags |= NLRS_LF_PARTIAL;
		l->u.udp.sport = h.sport;
		l->u.udp.dport = h.dport;
		l->u.udp.len = h.len;
		geom(l, NLRS_UDP_HLEN, cap, wire);
		if (!(cap < wire))
			mark(l, NLRS_WIRE_SHORT);
		return;
	}
	/* A fragment's or a quote's UDP length covers bytes not here. */
	r = nlrs_udp_parse_cut(d->base + off, cap, ip->frag || d->depth ? SIZE_MAX : wire, &h);
	if (r == NLRS_WIRE_BAD_LEN) {
		/* fields through the view with no bound, then say it lied */
		r = nlrs_udp_parse_cut(d->base + off, cap, SIZE_MAX, &h);
		if (r < 0) {
			/* Lie: a length below the header's own 8 octets. */
			unreadable(l, NLRS_UDP_HLEN, cap, wire, NLRS_WIRE_BAD_LEN);
			return;
		}
		l->u.udp.sport = h.sport;
		l->u.udp.dport = h.dport;
		l->u.udp.len = h.len;
		l->u.udp.csum = h.csum;
		geom(l, NLRS_UDP_HLEN, cap, wire);
		mark(l, NLRS_WIRE_BAD_LEN);
		return;
	}
	if (r < 0) {
		unreadable(l, NLRS_UDP_HLEN, cap, wire, r);
		return;
	}
	l->u.udp.sport = h.sport;
	l->u.udp.dport = h.dport;
	l->u.udp.len = h.len;
	l->u.udp.csum = h.csum;
	uwire = h.len;
	ucap = cap < uwire ? cap : uwire;
	geom(l, NLRS_UDP_HLEN, ucap, uwire);
	if (h.csum == 0 && ip->ver == 6 && !d->depth && (d->flags & NLRS_PKT_VERIFY_CSUM))
		l->flags |= NLRS_LF_CSUM_BAD; /* RFC 8200 8.1: zero is not allowed */
	else if (h.csum != 0)
		verify_l4(d, l, ip, NLRS_IPPROTO_UDP, ucap, uwire);
	if (d->depth || uwire <= NLRS_UDP_HLEN)
		return;
	dec_app(d, NLRS_LAYER_UDP, h.sport, h.dport, off + NLRS_UDP_HLEN, ucap - NLRS_UDP_HLEN,
		uwire - NLRS_UDP_HLEN);
}

static void dec_sctp(struct dctx *d, size_t off, size_t cap, size_t wire, const struct ipinfo *ip)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_SCTP, off);
	struct nlrs_sctp_hdr h;
	struct nlrs_sctp_chunk c;
	size_t pos = 0;
	int r;

	if (!l)
		return;
	r = nlrs_sctp_parse(d->base + off, cap, &h);
	if (r < 0) {
		unreadable(l, NLRS_SCTP_HLEN, cap, wire, r);
		return;
	}
	geom(l, NLRS_SCTP_HLEN, cap, wire);
	l->u.sctp.sport = h.sport;
	l->u.sctp.dport = h.dport;
	l->u.sctp.vtag = h.vtag;
	l->u.sctp.csum = h.csum;
	while ((r = nlrs_sctp_chunk_next(l->payload, l->plen, l->wire_plen, &pos, &c)) == 1)
		if (!c.cut)
			l->u.sctp.nchunks++;
	if (r < 0)
		mark(l, NLRS_WIRE_BAD_OPTION);
	if ((d->flags & NLRS_PKT_VERIFY_CSUM) && !d->depth && !ip->frag && cap >= wire)
		l->flags |= nlrs_sctp_csum(l->hdr, wire) == h.csum ? NLRS_LF_CSUM_OK
								   : NLRS_LF_CSUM_BAD;
	if (d->depth)
		return;
	{
		const struct nlrs_pkt_decoder *dec =
			nlrs__reg_find(d->reg, NLRS_HOOK_SCTP_PORT, h.dport);

		if (!dec)
			dec = nlrs__reg_find(d->reg, NLRS_HOOK_SCTP_PORT, h.sport);
		if (dec)
			run_custom(d, dec, off + NLRS_SCTP_HLEN, l->plen, l->wire_plen, ip);
	}
}

/* The datagram an ICMP error quotes, as layers flagged NLRS_LF_QUOTED. */
static void dec_quote(struct dctx *d, int ver, size_t off, size_t cap)
{
	if ((d->flags & NLRS_PKT_NO_QUOTED) || d->depth >= MAX_QUOTE_DEPTH || cap == 0)
		return;
	d->depth++;
	/* A quote is as long as it is: its cut is by design, so the
	 * quoted layers are bounded by what is there. */
	if (ver == 4)
		dec_ipv4(d, off, cap, cap);
	else
		dec_ipv6(d, off, cap, cap);
	d->depth--;
}

static void dec_icmp4(struct dctx *d, size_t off, size_t cap, size_t wire, const struct ipinfo *ip)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_ICMP4, off);
	const uint8_t *p = d->base + off;
	struct nlrs_icmp4_hdr h;
	struct nlrs_icmp4_ts ts;
	int r;

	if (!l)
		return;
	r = nlrs_icmp4_parse(p, cap, &h);
	if (r < 0) {
		unreadable(l, NLRS_ICMP4_HLEN, cap, wire, r);
		return;
	}
	geom(l, NLRS_ICMP4_HLEN, cap, wire);
	l->u.icmp4.type = h.type;
	l->u.icmp4.code = h.code;
	l->u.icmp4.csum = h.csum;
	l->u.icmp4.rest = h.un.raw;
	l->u.icmp4.id = h.un.echo.id;
	l->u.icmp4.seq = h.un.echo.seq;
	l->u.icmp4.mtu = h.un.frag.mtu;
	l->u.icmp4.pointer = h.un.pointer;
	l->u.icmp4.gateway = h.un.gateway;
	if (h.type == NLRS_ICMP_TIMESTAMP || h.type == NLRS_ICMP_TIMESTAMPREPLY) {
		r = nlrs_icmp4_ts_parse(p, cap, &ts);
		if (r >= 0) {
			l->u.icmp4.ts_orig = ts.orig;
			l->u.icmp4.ts_recv = ts.recv;
			l->u.icmp4.ts_xmit = ts.xmit;
		} else if (wire < NLRS_ICMP4_TS_LEN) {
			mark(l, r);
		}
	} else if (h.type == NLRS_ICMP_ADDRMASKREPLY || h.type == NLRS_ICMP_ADDRMASK) {
		r = nlrs_icmp4_mask_parse(p, cap, &l->u.icmp4.mask);
		if (r < 0 && wire < NLRS_ICMP4_MASK_LEN)
			mark(l, r);
	}
	if ((d->flags & NLRS_PKT_VERIFY_CSUM) && !d->depth && !ip->frag && cap >= wire)
		l->flags |= nlrs_csum_fold(nlrs_csum_add(0, p, wire)) == 0 ? NLRS_LF_CSUM_OK
									    : NLRS_LF_CSUM_BAD;
	if (nlrs_icmp4_is_error(h.type))
		dec_quote(d, 4, off + NLRS_ICMP4_HLEN, cap - NLRS_ICMP4_HLEN);
}

static void dec_icmp6(struct dctx *d, size_t off, size_t cap, size_t wire, const struct ipinfo *ip)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_ICMP6, off);
	const uint8_t *p = d->base + off;
	struct nlrs_pkt_icmp6 *u;
	struct nlrs_icmp6_hdr h;
	int r, fixed = -1;

	if (!l)
		return;
	u = &l->u.icmp6;
	r = nlrs_icmp6_parse(p, cap, &h);
	if (r < 0) {
		unreadable(l, NLRS_ICMP6_HLEN, cap, wire, r);
		return;
	}
	geom(l, (size_t)r, cap, wire);
	u->type = h.type;
	u->code = h.code;
	u->csum = h.csum;
	u->data = h.data;
	u->id = (uint16_t)(h.data >> 16);
	u->seq = (uint16_t)h.data;
	u->mtu = h.data;
	u->pointer = h.data;
	switch (h.type) {
	case NLRS_ICMP6_ND_RS: {
		struct nlrs_nd_rs m;

		fixed = nlrs_nd_rs_parse(p, cap, &m);
		if (fixed >= 0) {
			u->nd_opts = m.opts.p;
			u->nd_optlen = (uint16_t)m.opts.len;
		}
		break;
	}
	case NLRS_ICMP6_ND_RA: {
		struct nlrs_nd_ra m;

		fixed = nlrs_nd_ra_parse(p, cap, &m);
		if (fixed >= 0) {
			u->ra_hlim = m.cur_hlim;
			u->nd_flags = m.flags;
			u->ra_lifetime = m.lifetime;
			u->ra_reachable = m.reachable;
			u->ra_retrans = m.retrans;
			u->nd_opts = m.opts.p;
			u->nd_optlen = (uint16_t)m.opts.len;
		}
		break;
	}
	case NLRS_ICMP6_ND_NS: {
		struct nlrs_nd_ns m;

		fixed = nlrs_nd_ns_parse(p, cap, &m);
		if (fixed >= 0) {
			nlrs_memcpy(u->target, m.target, 16);
			u->nd_opts = m.opts.p;
			u->nd_optlen = (uint16_t)m.opts.len;
		}
		break;
	}
	case NLRS_ICMP6_ND_NA: {
		struct nlrs_nd_na m;

		fixed = nlrs_nd_na_parse(p, cap, &m);
		if (fixed >= 0) {
			nlrs_memcpy(u->target, m.target, 16);
			u->nd_flags = (uint8_t)((m.router ? NLRS_ND_NA_ROUTER : 0) |
						(m.solicited ? NLRS_ND_NA_SOLICITED : 0) |
						(m.override ? NLRS_ND_NA_OVERRIDE : 0));
			u->nd_opts = m.opts.p;
			u->nd_optlen = (uint16_t)m.opts.len;
		}
		break;
	}
	case NLRS_ICMP6_ND_REDIRECT: {
		struct nlrs_nd_redirect m;

		fixed = nlrs_nd_redirect_parse(p, cap, &m);
		if (fixed >= 0) {
			nlrs_memcpy(u->target, m.target, 16);
			nlrs_memcpy(u->nd_dst, m.dst, 16);
			u->nd_opts = m.opts.p;
			u->nd_optlen = (uint16_t)m.opts.len;
		}
		break;
	}
	case NLRS_ICMP6_MLD_QUERY:
	case NLRS_ICMP6_MLD_REPORT:
	case NLRS_ICMP6_MLD_DONE:
	case NLRS_ICMP6_MLD2_REPORT: {
		struct nlrs_mld m;

		fixed = nlrs_mld_parse(p, cap, &m);
		if (fixed >= 0) {
			u->mld_max_delay = m.max_delay;
			nlrs_memcpy(u->mld_addr, m.addr, 16);
			u->mld2_nrec = m.nrec;
		}
		break;
	}
	default:
		fixed = 0;
	}
	/* A body that does not read: cut by the capture, or a lie. */
	if (fixed < 0 && !(cap < wire && fixed == NLRS_WIRE_SHORT))
		mark(l, fixed);
	verify_l4(d, l, ip, NLRS_IPPROTO_ICMPV6, cap, wire);
	if (nlrs_icmp6_is_error(h.type) && r == NLRS_ICMP6_HLEN)
		dec_quote(d, 6, off + NLRS_ICMP6_HLEN, cap - NLRS_ICMP6_HLEN);
}

static void dec_ipproto(struct dctx *d, uint8_t proto, size_t off, size_t cap, size_t wire,
			const struct ipinfo *ip)
{
	const struct nlrs_pkt_decoder *dec = nlrs__reg_find(d->reg, NLRS_HOOK_IPPROTO, proto);

	if (dec) {
		run_custom(d, dec, off, cap, wire, ip);
		return;
	}
	switch (proto) {
	case NLRS_IPPROTO_TCP:
		dec_tcp(d, off, cap, wire, ip);
		return;
	case NLRS_IPPROTO_UDP:
		dec_udp(d, off, cap, wire, ip);
		return;
	case NLRS_IPPROTO_ICMP:
		if (ip->ver != 6) {
			dec_icmp4(d, off, cap, wire, ip);
			return;
		}
		break;
	case NLRS_IPPROTO_ICMPV6:
		if (ip->ver != 4) {
			dec_icmp6(d, off, cap, wire, ip);
			return;
		}
		break;
	case NLRS_IPPROTO_SCTP:
		dec_sctp(d, off, cap, wire, ip);
		return;
	case NLRS_IPPROTO_IPIP:
		dec_ipv4(d, off, cap, wire);
		return;
	case NLRS_IPPROTO_IPV6:
		dec_ipv6(d, off, cap, wire);
		return;
	case NLRS_IPPROTO_HOPOPTS:
	case NLRS_IPPROTO_ROUTING:
	case NLRS_IPPROTO_FRAGMENT:
	case NLRS_IPPROTO_DSTOPTS:
		if (ip->ver == 6) {
			dec_ipv6ext(d, proto, off, cap, wire, ip);
			return;
		}
		break;
	case NLRS_IPPROTO_AH:
		dec_ah(d, off, cap, wire, ip);
		return;
	case NLRS_IPPROTO_ESP:
		dec_esp(d, off, cap, wire);
		return;
	case NLRS_IPPROTO_NONE:
		if (ip->ver == 6) {
			/* RFC 8200 4.7: nothing follows; bytes that do are ignored */
			return;
		}
		break;
	default:
		break;
	}
	payload(d, off, cap, wire);
}

/* ---- application ---- */

/* An application parse that failed: cut (SHORT with bytes missing) or a lie. */
static void app_err(struct nlrs_pkt_layer *l, int r, size_t cap, size_t wire)
{
	if (r == NLRS_WIRE_SHORT && cap < wire)
		l->flags |= NLRS_LF_TRUNC;
	else
		mark(l, r);
}

static void app_dns(struct dctx *d, bool tcp, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_DNS, off);
	const uint8_t *p = d->base + off;
	struct nlrs_pkt_dns *u;
	struct nlrs_dns_hdr h;
	struct nlrs_dns_rr rr;
	size_t moff = 0, mcap = cap, mwire = wire, pos = 0;
	uint32_t idx = 0;
	int r;

	if (!l)
		return;
	u = &l->u.dns;
	geom(l, cap, cap, wire);
	if (tcp) {
		/* RFC 1035 4.2.2: a two-octet length before each message. */
		if (cap < 2) {
			unreadable(l, 2 + NLRS_DNS_HLEN, cap, wire, NLRS_WIRE_SHORT);
			return;
		}
		u->over_tcp = true;
		u->tcp_len = nlrs_rd16(p);
		moff = 2;
		mcap = cap - 2;
		mwire = wire - 2;
		/* the segment may hold less (or more) than one message */
		if (mwire > u->tcp_len)
			mwire = u->tcp_len;
		if (mcap > u->tcp_len)
			mcap = u->tcp_len;
	}
	r = nlrs_dns_parse(p + moff, mcap, &h);
	if (r < 0) {
		l->flags |= NLRS_LF_NOFIELDS;
		nlrs_memset(&l->u, 0, sizeof l->u);
		app_err(l, r, mcap, mwire);
		return;
	}
	u->id = h.id;
	u->flags = h.flags;
	u->qr = (h.flags & NLRS_DNS_QR) != 0;
	u->aa = (h.flags & NLRS_DNS_AA) != 0;
	u->tc = (h.flags & NLRS_DNS_TC) != 0;
	u->rd = (h.flags & NLRS_DNS_RD) != 0;
	u->ra = (h.flags & NLRS_DNS_RA) != 0;
	u->ad = (h.flags & NLRS_DNS_AD) != 0;
	u->cd = (h.flags & NLRS_DNS_CD) != 0;
	u->opcode = nlrs_dns_opcode(h.flags);
	u->rcode = nlrs_dns_rcode(h.flags);
	u->qdcount = h.qdcount;
	u->ancount = h.ancount;
	u->nscount = h.nscount;
	u->arcount = h.arcount;
	u->msg = p + moff;
	u->msglen = (uint32_t)mcap;
	if (h.qdcount) {
		r = nlrs_dns_rr_next(u->msg, mcap, &h, &pos, &idx, &rr);
		if (r == 1) {
			u->qname_off = rr.name_off;
			u->qtype = rr.type;
			u->qclass = rr.rclass;
		} else if (r < 0) {
			app_err(l, r, mcap, mwire);
		}
	}
}

static void app_dhcp(struct dctx *d, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_DHCP, off);
	struct nlrs_dhcp_hdr h;
	int r;

	if (!l)
		return;
	geom(l, cap, cap, wire);
	r = nlrs_dhcp_parse(l->hdr, cap, &h);
	if (r == NLRS_WIRE_BAD_OPTION && cap < wire) {
		/* options cut by the capture: the fixed part is whole */
		r = nlrs_dhcp_parse(l->hdr, NLRS_BOOTP_FIXED_LEN, &h);
		l->flags |= NLRS_LF_TRUNC;
		if (r >= 0 && cap >= 240) {
			h.has_cookie = true;
			h.opts = l->hdr + 240;
			h.optlen = (uint16_t)(cap - 240 > 65535 ? 65535 : cap - 240);
		}
	}
	if (r < 0) {
		l->flags |= NLRS_LF_NOFIELDS;
		app_err(l, r, cap, wire);
		return;
	}
	l->u.dhcp.op = h.op;
	l->u.dhcp.htype = h.htype;
	l->u.dhcp.hlen = h.hlen;
	l->u.dhcp.hops = h.hops;
	l->u.dhcp.xid = h.xid;
	l->u.dhcp.secs = h.secs;
	l->u.dhcp.flags = h.flags;
	l->u.dhcp.ciaddr = h.ciaddr;
	l->u.dhcp.yiaddr = h.yiaddr;
	l->u.dhcp.siaddr = h.siaddr;
	l->u.dhcp.giaddr = h.giaddr;
	nlrs_memcpy(l->u.dhcp.chaddr, h.chaddr, 16);
	l->u.dhcp.sname = h.sname;
	l->u.dhcp.file = h.file;
	l->u.dhcp.has_cookie = h.has_cookie;
	l->u.dhcp.msg_type = h.msg_type;
	l->u.dhcp.opts = h.opts;
	l->u.dhcp.optlen = h.optlen;
	l->u.dhcp.overload = h.overload;
}

static void app_tftp(struct dctx *d, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_TFTP, off);
	struct nlrs_tftp_pkt t;
	int r;

	if (!l)
		return;
	geom(l, cap, cap, wire);
	r = nlrs_tftp_parse(l->hdr, cap, &t);
	if (r < 0) {
		l->flags |= NLRS_LF_NOFIELDS;
		/* a string or option without its NUL may be cut by the capture */
		if ((r == NLRS_WIRE_SHORT || r == NLRS_WIRE_BAD_OPTION) && cap < wire)
			l->flags |= NLRS_LF_TRUNC;
		else
			mark(l, r);
		return;
	}
	l->u.tftp.opcode = t.opcode;
	l->u.tftp.file = t.file;
	l->u.tftp.file_len = t.file_len;
	l->u.tftp.mode = t.mode;
	l->u.tftp.mode_len = t.mode_len;
	l->u.tftp.opts = t.opts;
	l->u.tftp.optlen = t.optlen;
	l->u.tftp.block = t.block;
	l->u.tftp.err_code = t.err_code;
	l->u.tftp.msg = t.msg;
	l->u.tftp.msg_len = t.msg_len;
	l->u.tftp.data_len = t.data_len;
	if (t.opcode == NLRS_TFTP_DATA)
		geom(l, 4, cap, wire);
}

/* 1 when an HTTP layer was made. */
static int app_http(struct dctx *d, size_t off, size_t cap, size_t wire, bool heur)
{
	struct nlrs_http_head h;
	struct nlrs_pkt_layer *l;
	int r = nlrs_http_parse(d->base + off, cap, &h);

	if (r < 0)
		return 0;
	l = add(d, NLRS_LAYER_HTTP, off);
	if (!l)
		return 1;
	if (heur)
		l->flags |= NLRS_LF_HEURISTIC;
	l->u.http.request = h.request;
	l->u.http.method = h.method;
	l->u.http.method_len = h.method_len;
	l->u.http.target = h.target;
	l->u.http.target_len = h.target_len;
	l->u.http.ver_major = h.ver_major;
	l->u.http.ver_minor = h.ver_minor;
	l->u.http.status = h.status;
	l->u.http.reason = h.reason;
	l->u.http.reason_len = h.reason_len;
	l->u.http.headers = h.headers;
	l->u.http.headers_len = h.headers_len;
	l->u.http.nheaders = h.nheaders;
	l->u.http.complete = h.complete;
	l->u.http.content_length = h.content_length;
	if (h.complete) {
		l->u.http.body_off = h.head_len;
		geom(l, h.head_len, cap, wire);
	} else {
		geom(l, cap, cap, wire);
	}
	return 1;
}

static int app_tls(struct dctx *d, size_t off, size_t cap, size_t wire, bool heur)
{
	struct nlrs_pkt_layer *l;
	struct nlrs_tls_record rec;
	struct nlrs_pkt_tls *u;
	size_t pos = 0;
	int r;

	if (!nlrs_tls_looks(d->base + off, cap))
		return 0;
	l = add(d, NLRS_LAYER_TLS, off);
	if (!l)
		return 1;
	if (heur)
		l->flags |= NLRS_LF_HEURISTIC;
	u = &l->u.tls;
	geom(l, cap, cap, wire);
	while ((r = nlrs_tls_record_next(l->hdr, cap, &pos, &rec)) == 1) {
		if (u->nrecords == 0 && u->length == 0) {
			u->content_type = rec.type;
			u->version = rec.version;
			u->length = rec.length;
			if (rec.type == NLRS_TLS_HANDSHAKE) {
				struct nlrs_tls_hello hh;
				int e = nlrs_tls_hs_parse(rec.frag, rec.flen, &hh);

				if (e >= 0) {
					u->has_hs = true;
					u->hs_type = hh.hs_type;
					u->hs_len = hh.hs_len;
					u->hello_version = hh.version;
					u->ncipher_suites = hh.ncipher_suites;
					u->cipher_suite = hh.cipher_suite;
					u->sni = hh.sni;
					u->sni_len = hh.sni_len;
					u->alpn = hh.alpn;
					u->alpn_len = hh.alpn_len;
					u->supported_version = hh.supported_version;
				} else if (!(rec.cut && e == NLRS_WIRE_SHORT)) {
					mark(l, e);
				}
			}
		}
		if (!rec.cut)
			u->nrecords++;
	}
	/* A record header cut by the segment end is normal in a stream;
	 * a record header that lies is not. */
	if (r < 0 && r != NLRS_WIRE_SHORT)
		mark(l, r);
	return 1;
}

static int app_ssh(struct dctx *d, size_t off, size_t cap, size_t wire, bool heur)
{
	struct nlrs_ssh_banner b;
	struct nlrs_pkt_layer *l;
	int r = nlrs_ssh_banner_parse(d->base + off, cap, &b);

	if (r < 0 && !(r == NLRS_WIRE_SHORT && cap >= 4))
		return 0;
	l = add(d, NLRS_LAYER_SSH, off);
	if (!l)
		return 1;
	if (heur)
		l->flags |= NLRS_LF_HEURISTIC;
	if (r < 0) {
		l->flags |= NLRS_LF_NOFIELDS;
		geom(l, cap, cap, wire);
		app_err(l, r, cap, wire);
		return 1;
	}
	geom(l, (size_t)r, cap, wire);
	l->u.ssh.proto = b.proto;
	l->u.ssh.proto_len = b.proto_len;
	l->u.ssh.software = b.software;
	l->u.ssh.software_len = b.software_len;
	l->u.ssh.comments = b.comments;
	l->u.ssh.comments_len = b.comments_len;
	return 1;
}

static void app_telnet(struct dctx *d, size_t off, size_t cap, size_t wire)
{
	struct nlrs_pkt_layer *l = add(d, NLRS_LAYER_TELNET, off);
	struct nlrs_telnet_cmd c;
	size_t pos = 0;
	uint32_t data = 0;
	int r;

	if (!l)
		return;
	geom(l, cap, cap, wire);
	while ((r = nlrs_telnet_next(l->hdr, cap, &pos, &c, &data)) == 1)
		l->u.telnet.ncmds++;
	/* a command cut at the segment's end continues in the next one */
	if (r < 0 && r != NLRS_WIRE_SHORT)
		mark(l, r);
	l->u.telnet.data_bytes = data;
}

static bool port_is(uint16_t a, uint16_t b, uint16_t p)
{
	return a == p || b == p;
}

static void dec_app(struct dctx *d, uint16_t l4, uint16_t sport, uint16_t dport, size_t off,
		    size_t cap, size_t wire)
{
	enum nlrs_pkt_hook hook = l4 == NLRS_LAYER_TCP ? NLRS_HOOK_TCP_PORT : NLRS_HOOK_UDP_PORT;
	const struct nlrs_pkt_decoder *dec;
	bool tcp = l4 == NLRS_LAYER_TCP;
	unsigned it = 0;

	if (cap == 0 && wire == 0)
		return;
	if (d->flags & NLRS_PKT_NO_APP) {
		payload(d, off, cap, wire);
		return;
	}
	dec = nlrs__reg_find(d->reg, hook, dport);
	if (!dec)
		dec = nlrs__reg_find(d->reg, hook, sport);
	if (dec) {
		run_custom(d, dec, off, cap, wire, NULL);
		return;
	}
	if (cap == 0) {
		payload(d, off, cap, wire);
		return;
	}
	if (tcp) {
		if (port_is(sport, dport, 53)) {
			app_dns(d, true, off, cap, wire);
			return;
		}
		if ((port_is(sport, dport, 80) || port_is(sport, dport, 8080) ||
		     port_is(sport, dport, 8000)) && app_http(d, off, cap, wire, false))
			return;
		if ((port_is(sport, dport, 443) || port_is(sport, dport, 8443) ||
		     port_is(sport, dport, 465) || port_is(sport, dport, 993) ||
		     port_is(sport, dport, 995) || port_is(sport, dport, 853)) &&
		    app_tls(d, off, cap, wire, false))
			return;
		if (port_is(sport, dport, 22) && app_ssh(d, off, cap, wire, false))
			return;
		if (port_is(sport, dport, 23)) {
			app_telnet(d, off, cap, wire);
			return;
		}
	} else {
		if (port_is(sport, dport, 53) || port_is(sport, dport, 5353)) {
			app_dns(d, false, off, cap, wire);
			return;
		}
		if (port_is(sport, dport, NLRS_BOOTP_SERVER_PORT) ||
		    port_is(sport, dport, NLRS_BOOTP_CLIENT_PORT)) {
			app_dhcp(d, off, cap, wire);
			return;
		}
		if (port_is(sport, dport, NLRS_TFTP_PORT)) {
			app_tftp(d, off, cap, wire);
			return;
		}
	}
	if (!(d->flags & NLRS_PKT_NO_HEURISTIC)) {
		while ((dec = nlrs__reg_heuristic(d->reg, &it)) != NULL) {
			if (dec->probe(dec->ctx, d->base + off, cap)) {
				run_custom(d, dec, off, cap, wire, NULL);
				return;
			}
		}
		if (tcp) {
			if (nlrs_http_looks(d->base + off, cap) && app_http(d, off, cap, wire, true))
				return;
			if (app_tls(d, off, cap, wire, true))
				return;
			if (cap >= 4 && nlrs_memcmp(d->base + off, "SSH-", 4) == 0 &&
			    app_ssh(d, off, cap, wire, true))
				return;
		}
	}
	payload(d, off, cap, wire);
}

/* NLRS_NEXT_LAYER from a custom decoder. */
static void dec_layer(struct dctx *d, uint16_t type, size_t off, size_t cap, size_t wire)
{
	struct ipinfo none;
	const struct nlrs_pkt_decoder *dec;

	nlrs_memset(&none, 0, sizeof none);
	none.l2_idx = 0xff;
	switch (type) {
	case NLRS_LAYER_ETH:
		dec_eth(d, off, cap, wire);
		break;
	case NLRS_LAYER_IPV4:
		dec_ipv4(d, off, cap, wire);
		break;
	case NLRS_LAYER_IPV6:
		dec_ipv6(d, off, cap, wire);
		break;
	case NLRS_LAYER_ARP:
		dec_arp(d, off, cap, wire);
		break;
	case NLRS_LAYER_LLC:
		dec_llc(d, off, cap, wire);
		break;
	case NLRS_LAYER_TCP:
		dec_tcp(d, off, cap, wire, &none);
		break;
	case NLRS_LAYER_UDP:
		dec_udp(d, off, cap, wire, &none);
		break;
	case NLRS_LAYER_SCTP:
		dec_sctp(d, off, cap, wire, &none);
		break;
	case NLRS_LAYER_ICMP4:
		dec_icmp4(d, off, cap, wire, &none);
		break;
	case NLRS_LAYER_ICMP6:
		dec_icmp6(d, off, cap, wire, &none);
		break;
	case NLRS_LAYER_DNS:
		app_dns(d, false, off, cap, wire);
		break;
	case NLRS_LAYER_DHCP:
		app_dhcp(d, off, cap, wire);
		break;
	case NLRS_LAYER_TFTP:
		app_tftp(d, off, cap, wire);
		break;
	case NLRS_LAYER_HTTP:
		if (!app_http(d, off, cap, wire, false))
			payload(d, off, cap, wire);
		break;
	case NLRS_LAYER_TLS:
		if (!app_tls(d, off, cap, wire, false))
			payload(d, off, cap, wire);
		break;
	case NLRS_LAYER_TELNET:
		app_telnet(d, off, cap, wire);
		break;
	case NLRS_LAYER_SSH:
		if (!app_ssh(d, off, cap, wire, false))
			payload(d, off, cap, wire);
		break;
	default:
		dec = type >= NLRS_LAYER_USER ? nlrs__reg_find(d->reg, NLRS_HOOK_LAYER, type) : NULL;
		if (dec)
			run_custom(d, dec, off, cap, wire, NULL);
		else
			payload(d, off, cap, wire);
	}
}

int nlrs_pkt_decode(struct nlrs_pkt *pkt, uint32_t linktype, const uint8_t *data, size_t caplen,
		    size_t wirelen, const struct nlrs_pkt_opts *opts)
{
	struct dctx d;

	if (!pkt || (!data && caplen))
		return -NLRS_EINVAL;
	/* Frames are bounded by the 32-bit lengths of the layer struct. */
	if (caplen > UINT32_MAX)
		caplen = UINT32_MAX;
	if (wirelen < caplen)
		wirelen = caplen;
	if (wirelen > UINT32_MAX)
		wirelen = UINT32_MAX;
	pkt->data = data;
	pkt->caplen = (uint32_t)caplen;
	pkt->wirelen = (uint32_t)wirelen;
	/* pcap's link type field may carry FCS bits above the low 16. */
	pkt->linktype = linktype & 0xffffu;
	pkt->flags = 0;
	pkt->nlayers = 0;
	pkt->link = pkt->net = pkt->transport = pkt->app = -1;
	d.pkt = pkt;
	d.base = data;
	d.flags = opts ? opts->flags : 0;
	d.reg = opts ? opts->reg : NULL;
	d.depth = 0;
	if (caplen || wirelen)
		dec_link(&d, pkt->linktype, 0, caplen, wirelen);
	for (unsigned i = 0; i < pkt->nlayers; i++)
		pkt->flags |= pkt->layers[i].flags;
	return pkt->nlayers;
}

/* ---- finding layers ---- */

const struct nlrs_pkt_layer *nlrs_pkt_find(const struct nlrs_pkt *pkt, uint16_t type)
{
	return nlrs_pkt_find_next(pkt, NULL, type);
}

const struct nlrs_pkt_layer *nlrs_pkt_find_next(const struct nlrs_pkt *pkt,
						const struct nlrs_pkt_layer *prev, uint16_t type)
{
	unsigned i = prev ? (unsigned)(prev - pkt->layers) + 1 : 0;

	for (; i < pkt->nlayers; i++)
		if (pkt->layers[i].type == type)
			return &pkt->layers[i];
	return NULL;
}

static const struct nlrs_pkt_layer *at(const struct nlrs_pkt *pkt, int8_t i)
{
	return i >= 0 && i < pkt->nlayers ? &pkt->layers[i] : NULL;
}

const struct nlrs_pkt_layer *nlrs_pkt_link(const struct nlrs_pkt *pkt) { return at(pkt, pkt->link); }
const struct nlrs_pkt_layer *nlrs_pkt_network(const struct nlrs_pkt *pkt) { return at(pkt, pkt->net); }
const struct nlrs_pkt_layer *nlrs_pkt_transport(const struct nlrs_pkt *pkt)
{
	return at(pkt, pkt->transport);
}
const struct nlrs_pkt_layer *nlrs_pkt_application(const struct nlrs_pkt *pkt)
{
	return at(pkt, pkt->app);
}
