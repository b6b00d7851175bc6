/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * icmp6.c - the ICMPv6 header, Neighbor Discovery messages and options.
 *
 * Implements:
 *   - parse and emit of the ICMPv6 header (RFC 4443 2.1): type, code,
 *     checksum and the 32-bit word every defined message carries next
 *     (RFC 4443 3.1-3.4, 4.1-4.2; RFC 2710 3; RFC 3810 5; RFC 4861 4);
 *     classification of error types (RFC 4443 2.1: type < 128);
 *   - views of the Neighbor Discovery messages (RFC 4861 4.1-4.5):
 *     router solicitation and advertisement (hop limit, M/O flags, router
 *     lifetime, reachable time, retransmission timer), neighbor
 *     solicitation and advertisement (target, R/S/O flags), redirect
 *     (target, destination), each checking type, code 0 (RFC 4861 6.1.1,
 *     6.1.2, 7.1.1, 7.1.2, 8.1), its fixed length and its options;
 *   - the ND options walk (RFC 4861 4.6), refusing length 0 (RFC 4861
 *     4.6 "MUST silently discard") and options running past the message,
 *     and views of the link-layer address for Ethernet (RFC 4861 4.6.1,
 *     RFC 2464 6), prefix information (RFC 4861 4.6.2), MTU (RFC 4861
 *     4.6.4) and route information (RFC 4191 2.3) options.
 * Does not implement: checksum verification (it needs the IPv6
 * pseudo-header: nlrs_csum_pseudo6 in ipv6.h; RFC 4443 2.3); the ND rules
 * that need the IPv6 header (hop limit 255, unspecified source with no
 * SLLA, solicited-node destination; RFC 4861 6.1, 7.1, 8.1) - the stack's;
 * MLD bodies (RFC 2710, RFC 3810), the redirected header option (4.6.3),
 * RDNSS (RFC 8106), SEND (RFC 3971), link layers other than Ethernet;
 * quoting and rate limiting of errors (RFC 4443 2.4, 2.4(f), stack/).
 * Freestanding C11: no OS headers, no allocation.
 */
#include "icmp6.h"

/* Types whose 32-bit second word is part of the defined message. */
static bool has_word(uint8_t type)
{
	switch (type) {
	case NLRS_ICMP6_DEST_UNREACH:
	case NLRS_ICMP6_PKT_TOO_BIG:
	case NLRS_ICMP6_TIME_EXCEEDED:
	case NLRS_ICMP6_PARAMPROB:
	case NLRS_ICMP6_ECHO_REQUEST:
	case NLRS_ICMP6_ECHO_REPLY:
	case NLRS_ICMP6_MLD_QUERY:
	case NLRS_ICMP6_MLD_REPORT:
	case NLRS_ICMP6_MLD_DONE:
	case NLRS_ICMP6_ND_RS:
	case NLRS_ICMP6_ND_RA:
	case NLRS_ICMP6_ND_NS:
	case NLRS_ICMP6_ND_NA:
	case NLRS_ICMP6_ND_REDIRECT:
	case NLRS_ICMP6_MLD2_REPORT:
		return true;
	default:
		return false;
	}
}

int nlrs_icmp6_parse(const uint8_t *p, size_t len, struct nlrs_icmp6_hdr *h)
{
	/* Lie: a message too short for the part every type has. */
	if (len < NLRS_ICMP6_MIN_HLEN)
		return NLRS_WIRE_SHORT;
	/* Lie: a known message cut before its second word. */
	if (len < NLRS_ICMP6_HLEN && has_word(p[0]))
		return NLRS_WIRE_SHORT;
	h->type = p[0];
	h->code = p[1];
	h->csum = nlrs_rd16(p + 2);
	if (len < NLRS_ICMP6_HLEN) {
		h->data = 0;
		return NLRS_ICMP6_MIN_HLEN;
	}
	h->data = nlrs_rd32(p + 4);
	return NLRS_ICMP6_HLEN;
}

int nlrs_icmp6_emit(uint8_t *p, size_t len, const struct nlrs_icmp6_hdr *h)
{
	if (len < NLRS_ICMP6_HLEN)
		return NLRS_WIRE_NOSPACE;
	p[0] = h->type;
	p[1] = h->code;
	nlrs_wr16(p + 2, h->csum);
	nlrs_wr32(p + 4, h->data);
	return NLRS_ICMP6_HLEN;
}

bool nlrs_icmp6_is_error(uint8_t type)
{
	/* RFC 4443 2.1: "high-order bit of 0" marks an error message. */
	return type < 128;
}

int nlrs_nd_opts_walk(const uint8_t *p, size_t len, nlrs_nd_opt_cb cb, void *ctx)
{
	size_t i = 0;

	while (i < len) {
		size_t olen;

		/* Lie: an option cut before its length octet. */
		if (len - i < 2)
			return NLRS_WIRE_BAD_OPTION;
		olen = (size_t)p[i + 1] * 8;
		/* RFC 4861 4.6: "Nodes MUST silently discard an ND packet
		 * that contains an option with length zero" (it would also
		 * never advance). */
		if (olen == 0)
			return NLRS_WIRE_BAD_OPTION;
		/* Lie: an option running past the message. */
		if (olen > len - i)
			return NLRS_WIRE_BAD_OPTION;
		if (cb) {
			int rc = cb(ctx, p[i], p + i, olen);

			if (rc)
				return rc;
		}
		i += olen;
	}
	return 0;
}

/* Checks shared by the message views: type, code 0 (RFC 4861 "ICMP Code
 * is 0" in each validation section), fixed length, options well formed. */
static int nd_check(const uint8_t *p, size_t len, uint8_t type, size_t fixed,
		    struct nlrs_nd_opts *o)
{
	int rc;

	/* Lie: a message shorter than its fixed part (RFC 4861: "ICMP
	 * length (derived from the IP length) is N or more octets"). */
	if (len < fixed)
		return NLRS_WIRE_SHORT;
	if (p[0] != type || p[1] != 0)
		return NLRS_WIRE_BAD_FORMAT;
	/* RFC 4861: "All included options have a length that is greater
	 * than zero", and none may run past the message. */
	rc = nlrs_nd_opts_walk(p + fixed, len - fixed, NULL, NULL);
	if (rc < 0)
		return rc;
	o->p = len > fixed ? p + fixed : NULL;
	o->len = len - fixed;
	return (int)fixed;
}

int nlrs_nd_rs_parse(const uint8_t *p, size_t len, struct nlrs_nd_rs *m)
{
	struct nlrs_nd_opts o;
	int rc = nd_check(p, len, NLRS_ICMP6_ND_RS, NLRS_ND_RS_LEN, &o);

	if (rc < 0)
		return rc;
	/* RFC 4861 4.1: bytes 4-7 reserved, ignored on receipt. */
	m->opts = o;
	return rc;
}

int nlrs_nd_ra_parse(const uint8_t *p, size_t len, struct nlrs_nd_ra *m)
{
	struct nlrs_nd_opts o;
	int rc = nd_check(p, len, NLRS_ICMP6_ND_RA, NLRS_ND_RA_LEN, &o);

	if (rc < 0)
		return rc;
	/* RFC 4861 4.2 */
	m->cur_hlim = p[4];
	m->flags = p[5];
	m->managed = (p[5] & NLRS_ND_RA_MANAGED) != 0;
	m->other = (p[5] & NLRS_ND_RA_OTHER) != 0;
	m->lifetime = nlrs_rd16(p + 6);
	m->reachable = nlrs_rd32(p + 8);
	m->retrans = nlrs_rd32(p + 12);
	m->opts = o;
	return rc;
}

int nlrs_nd_ns_parse(const uint8_t *p, size_t len, struct nlrs_nd_ns *m)
{
	struct nlrs_nd_opts o;
	int rc = nd_check(p, len, NLRS_ICMP6_ND_NS, NLRS_ND_NS_LEN, &o);

	if (rc < 0)
		return rc;
	/* RFC 4861 4.3: reserved word, then the target. */
	nlrs_memcpy(m->target, p + 8, 16);
	m->opts = o;
	return rc;
}

int nlrs_nd_na_parse(const uint8_t *p, size_t len, struct nlrs_nd_na *m)
{
	struct nlrs_nd_opts o;
	int rc = nd_check(p, len, NLRS_ICMP6_ND_NA, NLRS_ND_NA_LEN, &o);

	if (rc < 0)
		return rc;
	/* RFC 4861 4.4 */
	m->router = (p[4] & NLRS_ND_NA_ROUTER) != 0;
	m->solicited = (p[4] & NLRS_ND_NA_SOLICITED) != 0;
	m->override = (p[4] & NLRS_ND_NA_OVERRIDE) != 0;
	nlrs_memcpy(m->target, p + 8, 16);
	m->opts = o;
	return rc;
}

int nlrs_nd_redirect_parse(const uint8_t *p, size_t len, struct nlrs_nd_redirect *m)
{
	struct nlrs_nd_opts o;
	int rc = nd_check(p, len, NLRS_ICMP6_ND_REDIRECT, NLRS_ND_REDIRECT_LEN, &o);

	if (rc < 0)
		return rc;
	/* RFC 4861 4.5 */
	nlrs_memcpy(m->target, p + 8, 16);
	nlrs_memcpy(m->dst, p + 24, 16);
	m->opts = o;
	return rc;
}

/* Type and exact length of a fixed-size option. */
static int opt_fixed(const uint8_t *opt, size_t optlen, uint8_t type, size_t want)
{
	/* Lie: handed fewer than the type and length octets. */
	if (optlen < 2)
		return NLRS_WIRE_BAD_OPTION;
	if (opt[0] != type)
		return NLRS_WIRE_BAD_FORMAT;
	/* Lie: a length octet other than this option's fixed size, or one
	 * that disagrees with the bytes handed over. */
	if ((size_t)opt[1] * 8 != want || optlen != want)
		return NLRS_WIRE_BAD_OPTION;
	return 0;
}

/* Zero the bits of prefix[] past plen (RFC 4861 4.6.2, RFC 4191 2.3:
 * "reserved ... ignored by the receiver"). */
static void mask_prefix(uint8_t prefix[16], uint8_t plen)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bit = i * 8;

		if (bit >= plen)
			prefix[i] = 0;
		else if (plen - bit < 8)
			prefix[i] &= (uint8_t)(0xff00u >> (plen - bit));
	}
}

int nlrs_nd_opt_lladdr(const uint8_t *opt, size_t optlen, uint8_t mac[6])
{
	int rc;

	/* Lie: handed fewer than the type and length octets. */
	if (optlen < 2)
		return NLRS_WIRE_BAD_OPTION;
	if (opt[0] != NLRS_ND_OPT_SLLA && opt[0] != NLRS_ND_OPT_TLLA)
		return NLRS_WIRE_BAD_FORMAT;
	/* RFC 2464 6: for Ethernet the option is one unit, 6 address bytes. */
	rc = opt_fixed(opt, optlen, opt[0], 8);
	if (rc < 0)
		return rc;
	nlrs_memcpy(mac, opt + 2, 6);
	return 0;
}

int nlrs_nd_opt_prefix(const uint8_t *opt, size_t optlen, struct nlrs_nd_prefix *pi)
{
	int rc = opt_fixed(opt, optlen, NLRS_ND_OPT_PREFIX, 32);

	if (rc < 0)
		return rc;
	/* Lie: a prefix longer than an address. */
	if (opt[2] > 128)
		return NLRS_WIRE_BAD_FORMAT;
	/* RFC 4861 4.6.2: plen, L|A|reserved, valid, preferred, reserved2,
	 * prefix. */
	pi->plen = opt[2];
	pi->onlink = (opt[3] & NLRS_ND_PREFIX_ONLINK) != 0;
	pi->autonomous = (opt[3] & NLRS_ND_PREFIX_AUTO) != 0;
	pi->valid = nlrs_rd32(opt + 4);
	pi->preferred = nlrs_rd32(opt + 8);
	nlrs_memcpy(pi->prefix, opt + 16, 16);
	mask_prefix(pi->prefix, pi->plen);
	return 0;
}

int nlrs_nd_opt_mtu(const uint8_t *opt, size_t optlen, uint32_t *mtu)
{
	int rc = opt_fixed(opt, optlen, NLRS_ND_OPT_MTU, 8);

	if (rc < 0)
		return rc;
	/* RFC 4861 4.6.4: two reserved bytes, then the MTU. */
	*mtu = nlrs_rd32(opt + 4);
	return 0;
}

int nlrs_nd_opt_route_info(const uint8_t *opt, size_t optlen, struct nlrs_nd_route_info *ri)
{
	size_t units, carried;
	uint8_t plen;

	if (optlen < 2)
		return NLRS_WIRE_BAD_OPTION;
	if (opt[0] != NLRS_ND_OPT_ROUTE_INFO)
		return NLRS_WIRE_BAD_FORMAT;
	units = opt[1];
	/* Lie: a length outside 1..3 (RFC 4191 2.3), or one that disagrees
	 * with the bytes handed over. */
	if (units < 1 || units > 3 || optlen != units * 8)
		return NLRS_WIRE_BAD_OPTION;
	plen = opt[2];
	if (plen > 128)
		return NLRS_WIRE_BAD_FORMAT;
	/* RFC 4191 2.3: "If the Prefix Length is greater than 64, then
	 * Length must be 3. If the Prefix Length is greater than 0, then
	 * Length must be 2 or 3." Lie: a prefix longer than the bytes
	 * carried. */
	if ((plen > 64 && units < 3) || (plen > 0 && units < 2))
		return NLRS_WIRE_BAD_OPTION;
	ri->plen = plen;
	ri->prf = (uint8_t)((opt[3] >> 3) & 3);
	ri->lifetime = nlrs_rd32(opt + 4);
	carried = (units - 1) * 8;
	nlrs_memset(ri->prefix, 0, 16);
	if (carried)
		nlrs_memcpy(ri->prefix, opt + 8, carried);
	mask_prefix(ri->prefix, plen);
	return 0;
}
