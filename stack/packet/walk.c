/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * walk.c - cursors over the variable parts of decoded layers: IPv4, IPv6
 * and TCP options, ND options, SCTP chunks, DNS records and names, DHCP
 * and TFTP options, HTTP header fields, TLS records, Telnet commands.
 *
 * Implements: the public *_next functions of nlrs/packet.h over the views
 * of stack/wire/ (each cursor is the view's own offset). Every walk reads
 * only the layer's captured bytes.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "packet_priv.h"

#include "wire/dhcp.h"
#include "wire/dns.h"
#include "wire/http.h"
#include "wire/icmp6.h"
#include "wire/ipv6_ext.h"
#include "wire/optcur.h"
#include "wire/sctp.h"
#include "wire/telnet.h"
#include "wire/tftp.h"
#include "wire/tls.h"

static bool is(const struct nlrs_pkt_layer *l, uint16_t type)
{
	return l && l->type == type && !(l->flags & NLRS_LF_NOFIELDS);
}

static int kl_next(const uint8_t *opts, size_t len, size_t *pos, struct nlrs_pkt_opt *out)
{
	struct nlrs_kl_opt o;
	int r = nlrs_kl_opt_next(opts, len, pos, &o);

	if (r != 1)
		return r;
	out->kind = o.kind;
	out->len = o.len;
	out->data = o.data;
	out->dlen = o.dlen;
	return 1;
}

int nlrs_pkt_tcp_opt_next(const struct nlrs_pkt_layer *tcp, size_t *pos, struct nlrs_pkt_opt *out)
{
	if (!is(tcp, NLRS_LAYER_TCP) || !tcp->u.tcp.opts)
		return 0;
	return kl_next(tcp->u.tcp.opts, tcp->u.tcp.optlen, pos, out);
}

int nlrs_pkt_ip4opt_next(const struct nlrs_pkt_layer *ip, size_t *pos, struct nlrs_pkt_opt *out)
{
	if (!is(ip, NLRS_LAYER_IPV4) || !ip->u.ipv4.opts)
		return 0;
	return kl_next(ip->u.ipv4.opts, ip->u.ipv4.optlen, pos, out);
}

int nlrs_pkt_ip6opt_next(const struct nlrs_pkt_layer *ext, size_t *pos, struct nlrs_pkt_opt *out)
{
	struct nlrs_ipv6_opt o;
	int r;

	if (!ext || (!is(ext, NLRS_LAYER_IPV6_HOPOPTS) && !is(ext, NLRS_LAYER_IPV6_DSTOPTS)) ||
	    !ext->u.ipv6ext.data)
		return 0;
	r = nlrs_ipv6_opt_next(ext->u.ipv6ext.data, ext->u.ipv6ext.dlen, pos, &o);
	if (r != 1)
		return r;
	out->kind = o.type;
	out->len = o.len;
	out->data = o.data;
	out->dlen = o.dlen;
	return 1;
}

/* ND options: the walk callback of icmp6.c returns the option at *pos. */
struct nd_find {
	const uint8_t *area;
	size_t want;
	const uint8_t *opt;
	size_t optlen;
};

static int nd_cb(void *ctx, uint8_t type, const uint8_t *opt, size_t optlen)
{
	struct nd_find *f = ctx;

	(void)type;
	if ((size_t)(opt - f->area) < f->want)
		return 0;
	f->opt = opt;
	f->optlen = optlen;
	return 1;
}

int nlrs_pkt_nd_opt_next(const struct nlrs_pkt_layer *l, size_t *pos, struct nlrs_pkt_nd_opt *out)
{
	struct nd_find f;
	const uint8_t *area;
	size_t len;
	int r;

	if (!is(l, NLRS_LAYER_ICMP6) || !l->u.icmp6.nd_opts)
		return 0;
	area = l->u.icmp6.nd_opts;
	len = l->u.icmp6.nd_optlen;
	if (*pos >= len)
		return 0;
	f.want = *pos;
	f.area = area;
	f.opt = NULL;
	f.optlen = 0;
	r = nlrs_nd_opts_walk(area, len, nd_cb, &f);
	if (r < 0 && !f.opt) {
		*pos = len;
		return r;
	}
	if (!f.opt) {
		*pos = len;
		return 0;
	}
	nlrs_memset(out, 0, sizeof *out);
	out->type = f.opt[0];
	out->len = (uint16_t)f.optlen;
	out->data = f.opt;
	switch (out->type) {
	case NLRS_ND_OPT_SLLA:
	case NLRS_ND_OPT_TLLA:
		out->has_lladdr = nlrs_nd_opt_lladdr(f.opt, f.optlen, out->lladdr) == 0;
		break;
	case NLRS_ND_OPT_MTU:
		(void)nlrs_nd_opt_mtu(f.opt, f.optlen, &out->mtu);
		break;
	case NLRS_ND_OPT_PREFIX: {
		struct nlrs_nd_prefix pi;

		if (nlrs_nd_opt_prefix(f.opt, f.optlen, &pi) == 0) {
			out->prefix_len = pi.plen;
			nlrs_memcpy(out->prefix, pi.prefix, 16);
			out->prefix_flags = (uint8_t)((pi.onlink ? NLRS_ND_PREFIX_ONLINK : 0) |
						      (pi.autonomous ? NLRS_ND_PREFIX_AUTO : 0));
			out->valid = pi.valid;
			out->preferred = pi.preferred;
		}
		break;
	}
	case NLRS_ND_OPT_ROUTE_INFO: {
		struct nlrs_nd_route_info ri;

		if (nlrs_nd_opt_route_info(f.opt, f.optlen, &ri) == 0) {
			out->prefix_len = ri.plen;
			nlrs_memcpy(out->prefix, ri.prefix, 16);
			out->prefix_flags = (uint8_t)(ri.prf << 3);
			out->valid = ri.lifetime;
		}
		break;
	}
	default:
		break;
	}
	*pos = (size_t)(f.opt - area) + f.optlen;
	return 1;
}

int nlrs_pkt_sctp_chunk_next(const struct nlrs_pkt_layer *l, size_t *pos,
			     struct nlrs_pkt_sctp_chunk *out)
{
	struct nlrs_sctp_chunk c;
	int r;

	if (!is(l, NLRS_LAYER_SCTP))
		return 0;
	r = nlrs_sctp_chunk_next(l->payload, l->plen, l->wire_plen, pos, &c);
	if (r != 1)
		return r;
	out->type = c.type;
	out->flags = c.flags;
	out->len = c.len;
	out->value = c.value;
	out->vlen = c.vlen;
	out->tsn = c.tsn;
	out->stream = c.stream;
	out->ssn = c.ssn;
	out->ppid = c.ppid;
	out->init_tag = c.init_tag;
	out->a_rwnd = c.a_rwnd;
	out->n_out = c.n_out;
	out->n_in = c.n_in;
	out->init_tsn = c.init_tsn;
	out->cum_tsn = c.cum_tsn;
	out->ngaps = c.ngaps;
	out->ndups = c.ndups;
	return 1;
}

static void dns_hdr(const struct nlrs_pkt_layer *l, struct nlrs_dns_hdr *h)
{
	h->id = l->u.dns.id;
	h->flags = l->u.dns.flags;
	h->qdcount = l->u.dns.qdcount;
	h->ancount = l->u.dns.ancount;
	h->nscount = l->u.dns.nscount;
	h->arcount = l->u.dns.arcount;
}

int nlrs_pkt_dns_rr_next(const struct nlrs_pkt_layer *l, size_t *pos, struct nlrs_pkt_dns_rr *out)
{
	struct nlrs_dns_hdr h;
	struct nlrs_dns_rr rr;
	size_t off;
	uint32_t idx;
	int r;

	if (!is(l, NLRS_LAYER_DNS) || !l->u.dns.msg)
		return 0;
	dns_hdr(l, &h);
	off = *pos & NLRS__DNS_POS_MASK;
	idx = (uint32_t)(*pos >> NLRS__DNS_POS_SHIFT);
	r = nlrs_dns_rr_next(l->u.dns.msg, l->u.dns.msglen, &h, &off, &idx, &rr);
	*pos = (size_t)idx << NLRS__DNS_POS_SHIFT | off;
	if (r != 1)
		return r;
	out->section = rr.section;
	out->name_off = rr.name_off;
	out->type = rr.type;
	out->class_ = rr.rclass;
	out->ttl = rr.ttl;
	out->rdlen = rr.rdlen;
	out->rdata = rr.rdata_off ? l->u.dns.msg + rr.rdata_off : NULL;
	out->rdata_off = rr.rdata_off;
	return 1;
}

int nlrs_pkt_dns_name(const struct nlrs_pkt_layer *l, size_t off, char *out, size_t outlen)
{
	if (!is(l, NLRS_LAYER_DNS) || !l->u.dns.msg) {
		if (outlen)
			out[0] = '\0';
		return NLRS_PKT_ERR_SHORT;
	}
	return nlrs_dns_name_text(l->u.dns.msg, l->u.dns.msglen, off, out, outlen);
}

/* DHCP: the options field, then (option 52) file and sname. The cursor
 * holds the area in its top bits. */
#define DHCP_AREA_SHIFT 24

int nlrs_pkt_dhcp_opt_next(const struct nlrs_pkt_layer *l, size_t *pos, struct nlrs_pkt_opt *out)
{
	const struct nlrs_pkt_dhcp *u;

	if (!is(l, NLRS_LAYER_DHCP))
		return 0;
	u = &l->u.dhcp;
	for (;;) {
		unsigned area = (unsigned)(*pos >> DHCP_AREA_SHIFT);
		size_t off = *pos & ((1u << DHCP_AREA_SHIFT) - 1);
		const uint8_t *p = NULL;
		size_t len = 0;
		struct nlrs_dhcp_opt o;
		int r;

		/* RFC 2131 4.1: options field, then file (overload 1/3), then sname (2/3) */
		if (area == 0) {
			p = u->opts;
			len = u->optlen;
		} else if (area == 1 && (u->overload == 1 || u->overload == 3)) {
			p = u->file;
			len = 128;
		} else if (area == 2 && (u->overload == 2 || u->overload == 3)) {
			p = u->sname;
			len = 64;
		} else if (area > 2) {
			return 0;
		}
		/* file and sname lie inside the 236 fixed bytes: captured */
		r = p ? nlrs_dhcp_opt_next(p, len, &off, &o) : 0;
		if (r == 1) {
			*pos = (size_t)area << DHCP_AREA_SHIFT | off;
			out->kind = o.code;
			out->len = (uint16_t)(o.len + 2u);
			out->data = o.len ? o.data : NULL;
			out->dlen = o.len;
			return 1;
		}
		if (r < 0) {
			*pos = (size_t)3 << DHCP_AREA_SHIFT;
			return r;
		}
		*pos = (size_t)(area + 1) << DHCP_AREA_SHIFT;
	}
}

int nlrs_pkt_dhcp_opt_find(const struct nlrs_pkt_layer *l, uint8_t code, struct nlrs_pkt_opt *out)
{
	size_t pos = 0;
	int r;

	while ((r = nlrs_pkt_dhcp_opt_next(l, &pos, out)) == 1)
		if (out->kind == code)
			return 1;
	return r;
}

int nlrs_pkt_tftp_opt_next(const struct nlrs_pkt_layer *l, size_t *pos,
			   struct nlrs_pkt_text_pair *out)
{
	if (!is(l, NLRS_LAYER_TFTP) || !l->u.tftp.opts)
		return 0;
	return nlrs_tftp_opt_next(l->u.tftp.opts, l->u.tftp.optlen, pos, &out->name, &out->name_len,
				  &out->value, &out->value_len);
}

int nlrs_pkt_http_header_next(const struct nlrs_pkt_layer *l, size_t *pos,
			      struct nlrs_pkt_text_pair *out)
{
	if (!is(l, NLRS_LAYER_HTTP) || !l->u.http.headers)
		return 0;
	return nlrs_http_header_next(l->u.http.headers, l->u.http.headers_len, pos, &out->name,
				     &out->name_len, &out->value, &out->value_len);
}

int nlrs_pkt_http_header_find(const struct nlrs_pkt_layer *l, const char *name,
			      struct nlrs_pkt_text_pair *out)
{
	size_t pos = 0, n = 0;

	while (name[n])
		n++;
	while (nlrs_pkt_http_header_next(l, &pos, out) == 1) {
		size_t i;

		if (out->name_len != n)
			continue;
		for (i = 0; i < n; i++) {
			uint8_t a = out->name[i], b = (uint8_t)name[i];

			if (a >= 'A' && a <= 'Z')
				a = (uint8_t)(a + 32);
			if (b >= 'A' && b <= 'Z')
				b = (uint8_t)(b + 32);
			if (a != b)
				break;
		}
		if (i == n)
			return 1;
	}
	return 0;
}

int nlrs_pkt_tls_record_next(const struct nlrs_pkt_layer *l, size_t *pos,
			     struct nlrs_pkt_tls_record *out)
{
	struct nlrs_tls_record r;
	int e;

	if (!is(l, NLRS_LAYER_TLS))
		return 0;
	e = nlrs_tls_record_next(l->hdr, l->hlen, pos, &r);
	if (e != 1)
		return e;
	nlrs_memset(out, 0, sizeof *out);
	out->content_type = r.type;
	out->version = r.version;
	out->length = r.length;
	out->frag = r.frag;
	out->flen = r.flen;
	if (r.type == NLRS_TLS_HANDSHAKE) {
		struct nlrs_tls_hello h;

		if (nlrs_tls_hs_parse(r.frag, r.flen, &h) >= 0) {
			out->has_hs = true;
			out->hs_type = h.hs_type;
			out->hs_len = h.hs_len;
		}
	}
	return 1;
}

int nlrs_pkt_telnet_next(const struct nlrs_pkt_layer *l, size_t *pos,
			 struct nlrs_pkt_telnet_cmd *out)
{
	struct nlrs_telnet_cmd c;
	int r;

	if (!is(l, NLRS_LAYER_TELNET))
		return 0;
	r = nlrs_telnet_next(l->hdr, l->hlen, pos, &c, NULL);
	if (r != 1)
		return r;
	out->cmd = c.cmd;
	out->opt = c.opt;
	out->sb = c.sb;
	out->sb_len = c.sb_len;
	out->off = c.off;
	return 1;
}
