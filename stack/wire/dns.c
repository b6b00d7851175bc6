/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dns.c - DNS message header, names and records.
 *
 * Implements: the 12-octet header (RFC 1035 4.1.1, AD/CD of RFC 4035
 * 3.2); domain names as labels and compression pointers (RFC 1035 3.1,
 * 4.1.4) with loop protection: every pointer must point strictly before
 * the previous pointer's target (so the walk always ends, and any name a
 * real encoder writes still reads), and a name may not exceed 255 octets
 * or 128 labels; the question (4.1.2) and resource record (4.1.3) walk,
 * each record's RDLENGTH checked against the message.
 * Does not implement: RDATA formats (the caller reads A/AAAA and names in
 * rdata with nlrs_dns_name_text); EDNS (RFC 6891) beyond the OPT record
 * being a record; extended label types (01, 10): refused; DNS over TCP
 * framing (the caller strips the 2-octet length, RFC 1035 4.2.2).
 * Freestanding C11: no OS headers, no allocation.
 */
#include "dns.h"

int nlrs_dns_parse(const uint8_t *p, size_t len, struct nlrs_dns_hdr *h)
{
	/* Lie: a message shorter than the fixed header. */
	if (len < NLRS_DNS_HLEN)
		return NLRS_WIRE_SHORT;
	h->id = nlrs_rd16(p);
	h->flags = nlrs_rd16(p + 2);
	h->qdcount = nlrs_rd16(p + 4);
	h->ancount = nlrs_rd16(p + 6);
	h->nscount = nlrs_rd16(p + 8);
	h->arcount = nlrs_rd16(p + 10);
	return NLRS_DNS_HLEN;
}

int nlrs_dns_emit(uint8_t *p, size_t len, const struct nlrs_dns_hdr *h)
{
	if (len < NLRS_DNS_HLEN)
		return NLRS_WIRE_NOSPACE;
	nlrs_wr16(p, h->id);
	nlrs_wr16(p + 2, h->flags);
	nlrs_wr16(p + 4, h->qdcount);
	nlrs_wr16(p + 6, h->ancount);
	nlrs_wr16(p + 8, h->nscount);
	nlrs_wr16(p + 10, h->arcount);
	return NLRS_DNS_HLEN;
}

/* Text sink that counts what it could not store. */
struct sink {
	char *out;
	size_t cap, n;
};

static void put(struct sink *s, char c)
{
	if (s->n + 1 < s->cap)
		s->out[s->n] = c;
	s->n++;
}

static void put_label(struct sink *s, const uint8_t *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = l[i];

		if (c == '.' || c == '\\') {
			put(s, '\\');
			put(s, (char)c);
		} else if (c > 0x20 && c < 0x7f) {
			put(s, (char)c);
		} else {
			put(s, '\\');
			put(s, (char)('0' + c / 100));
			put(s, (char)('0' + c / 10 % 10));
			put(s, (char)('0' + c % 10));
		}
	}
}

/* The one name walker: checks, and writes text when s is not NULL. */
static int walk_name(const uint8_t *msg, size_t len, size_t off, size_t *end, struct sink *s)
{
	size_t limit = off; /* a pointer must point before this */
	size_t wire = 0;    /* octets of the name as uncompressed on the wire */
	unsigned labels = 0;
	bool jumped = false;

	for (;;) {
		uint8_t b;

		/* Lie: a name running past the message. */
		if (off >= len)
			return NLRS_WIRE_SHORT;
		b = msg[off];
		if ((b & 0xc0) == 0xc0) {
			size_t target;

			/* Lie: a pointer cut in half. */
			if (len - off < 2)
				return NLRS_WIRE_SHORT;
			target = (size_t)(b & 0x3f) << 8 | msg[off + 1];
			/* Lie: a pointer not strictly backwards of the last
			 * target (or of the name's start): the only way to
			 * build a loop (RFC 1035 4.1.4 "a prior occurrence"). */
			if (target >= limit)
				return NLRS_WIRE_LOOP;
			if (!jumped)
				*end = off + 2;
			jumped = true;
			limit = target;
			off = target;
			continue;
		}
		/* RFC 6891 / RFC 2673 extended label types: not readable. */
		if (b & 0xc0)
			return NLRS_WIRE_BAD_FORMAT;
		wire += (size_t)b + 1;
		/* Lie: RFC 1035 2.3.4 "names 255 octets or less". */
		if (wire > NLRS_DNS_MAX_NAME || ++labels > NLRS_DNS_MAX_LABELS)
			return NLRS_WIRE_LOOP;
		if (b == 0) {
			if (!jumped)
				*end = off + 1;
			if (s && s->n == 0)
				put(s, '.');
			return 0;
		}
		/* Lie: a label running past the message. */
		if ((size_t)b > len - off - 1)
			return NLRS_WIRE_SHORT;
		if (s) {
			if (s->n)
				put(s, '.');
			put_label(s, msg + off + 1, b);
		}
		off += (size_t)b + 1;
	}
}

int nlrs_dns_name_skip(const uint8_t *msg, size_t len, size_t off, size_t *end)
{
	size_t e = 0;
	int r = walk_name(msg, len, off, &e, NULL);

	if (r == 0)
		*end = e;
	return r;
}

int nlrs_dns_name_text(const uint8_t *msg, size_t len, size_t off, char *out, size_t outlen)
{
	struct sink s = { out, outlen, 0 };
	size_t e;
	int r = walk_name(msg, len, off, &e, &s);

	if (outlen)
		out[s.n < outlen ? s.n : outlen - 1] = '\0';
	if (r < 0)
		return r;
	return s.n > INT32_MAX ? INT32_MAX : (int)s.n;
}

int nlrs_dns_rr_next(const uint8_t *msg, size_t len, const struct nlrs_dns_hdr *h, size_t *off,
		     uint32_t *idx, struct nlrs_dns_rr *rr)
{
	uint32_t n1 = h->qdcount, n2 = n1 + h->ancount, n3 = n2 + h->nscount;
	uint32_t total = n3 + h->arcount;
	size_t o = *off ? *off : NLRS_DNS_HLEN, e;
	struct nlrs_dns_rr r;
	int err;

	if (*idx >= total)
		return 0;
	nlrs_memset(&r, 0, sizeof r);
	r.section = *idx < n1 ? NLRS_DNS_SEC_QD : *idx < n2 ? NLRS_DNS_SEC_AN
			: *idx < n3 ? NLRS_DNS_SEC_NS : NLRS_DNS_SEC_AR;
	err = nlrs_dns_name_skip(msg, len, o, &e);
	if (err < 0)
		goto fail;
	r.name_off = (uint16_t)o;
	/* Lie: a count announcing a record whose fixed fields are missing. */
	if (len - e < 4) {
		err = NLRS_WIRE_SHORT;
		goto fail;
	}
	r.type = nlrs_rd16(msg + e);
	r.rclass = nlrs_rd16(msg + e + 2);
	e += 4;
	if (r.section != NLRS_DNS_SEC_QD) {
		if (len - e < 6) {
			err = NLRS_WIRE_SHORT;
			goto fail;
		}
		r.ttl = nlrs_rd32(msg + e);
		r.rdlen = nlrs_rd16(msg + e + 4);
		e += 6;
		/* Lie: RDLENGTH past the end of the message. */
		if ((size_t)r.rdlen > len - e) {
			err = NLRS_WIRE_SHORT;
			goto fail;
		}
		r.rdata_off = (uint16_t)e;
		e += r.rdlen;
	}
	*rr = r;
	*off = e;
	(*idx)++;
	return 1;
fail:
	*idx = total;
	return err;
}
