/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dhcp.c - BOOTP/DHCPv4 message format and options.
 *
 * Implements: the fixed BOOTP fields (RFC 951 3, RFC 2131 2 figure 1), the
 * magic cookie (RFC 2131 3, RFC 2132 2), the options walk (RFC 2132 2:
 * pad and end are single octets, every other option has a length octet),
 * and the two options the view itself needs: message type (53, RFC 2132
 * 9.6) and option overload (52, RFC 2132 9.3).
 * Does not implement: option semantics other than those two; options
 * split across several instances (RFC 3396) are reported as they come;
 * the protocol's state machine.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "dhcp.h"

int nlrs_dhcp_opt_next(const uint8_t *opts, size_t len, size_t *off, struct nlrs_dhcp_opt *o)
{
	size_t i = *off;

	/* RFC 2132 3.1: pad octets carry nothing. */
	while (i < len && opts[i] == NLRS_DHCP_OPT_PAD)
		i++;
	if (i >= len || opts[i] == NLRS_DHCP_OPT_END) {
		*off = len;
		return 0;
	}
	/* Lie: an option whose length octet is missing. */
	if (len - i < 2)
		goto bad;
	/* Lie: option data running past the area. */
	if ((size_t)opts[i + 1] > len - i - 2)
		goto bad;
	o->code = opts[i];
	o->len = opts[i + 1];
	o->data = opts + i + 2;
	*off = i + 2 + o->len;
	return 1;
bad:
	*off = len;
	return NLRS_WIRE_BAD_OPTION;
}

int nlrs_dhcp_parse(const uint8_t *p, size_t len, struct nlrs_dhcp_hdr *h)
{
	struct nlrs_dhcp_hdr d;
	struct nlrs_dhcp_opt o;
	size_t off = 0;
	int r;

	/* Lie: a message shorter than BOOTP's fixed fields. */
	if (len < NLRS_BOOTP_FIXED_LEN)
		return NLRS_WIRE_SHORT;
	nlrs_memset(&d, 0, sizeof d);
	d.op = p[0];
	d.htype = p[1];
	d.hlen = p[2];
	d.hops = p[3];
	d.xid = nlrs_rd32(p + 4);
	d.secs = nlrs_rd16(p + 8);
	d.flags = nlrs_rd16(p + 10);
	d.ciaddr = nlrs_rd32(p + 12);
	d.yiaddr = nlrs_rd32(p + 16);
	d.siaddr = nlrs_rd32(p + 20);
	d.giaddr = nlrs_rd32(p + 24);
	nlrs_memcpy(d.chaddr, p + 28, 16);
	d.sname = p + 44;
	d.file = p + 108;
	if (len >= NLRS_BOOTP_FIXED_LEN + 4 && nlrs_rd32(p + 236) == NLRS_DHCP_COOKIE) {
		d.has_cookie = true;
		d.opts = p + 240;
		d.optlen = (uint16_t)(len - 240 > 65535 ? 65535 : len - 240);
		while ((r = nlrs_dhcp_opt_next(d.opts, d.optlen, &off, &o)) == 1) {
			if (o.code == NLRS_DHCP_OPT_MSG_TYPE && o.len >= 1 && !d.msg_type)
				d.msg_type = o.data[0];
			if (o.code == NLRS_DHCP_OPT_OVERLOAD && o.len >= 1 && !d.overload)
				d.overload = o.data[0];
		}
		if (r < 0)
			return r;
	}
	*h = d;
	return d.has_cookie ? 240 : NLRS_BOOTP_FIXED_LEN;
}
