/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tls.c - TLS records and hello messages.
 *
 * Implements: the record layer header (RFC 8446 5.1, RFC 5246 6.2.1:
 * content type, protocol version, length <= 2^14 + 2048), the handshake
 * header (RFC 8446 4: msg_type, uint24 length), ClientHello (RFC 8446
 * 4.1.2: legacy_version, random, session id, cipher suites, compression
 * methods, extensions) and ServerHello (4.1.3) walked with every vector
 * length checked against its container, and the extensions server_name
 * (RFC 6066 3), ALPN (RFC 7301 3.1) and supported_versions (RFC 8446
 * 4.2.1, skipping GREASE values of RFC 8701).
 * Does not implement: decryption, other handshake messages' bodies,
 * handshake messages spanning records (only the first record's part is
 * read), SSLv2 hellos, DTLS.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "tls.h"

static bool header_ok(const uint8_t *p)
{
	uint16_t l = nlrs_rd16(p + 3);

	return p[0] >= NLRS_TLS_CCS && p[0] <= NLRS_TLS_HEARTBEAT && p[1] == 3 && p[2] <= 4 &&
	       l > 0 && l <= NLRS_TLS_MAX_RECORD;
}

bool nlrs_tls_looks(const uint8_t *p, size_t len)
{
	return len >= NLRS_TLS_RECORD_HLEN && header_ok(p);
}

int nlrs_tls_record_next(const uint8_t *p, size_t len, size_t *off, struct nlrs_tls_record *r)
{
	size_t i = *off, avail;

	if (i >= len)
		return 0;
	/* A header cut by the end of the segment. */
	if (len - i < NLRS_TLS_RECORD_HLEN) {
		*off = len;
		return NLRS_WIRE_SHORT;
	}
	r->type = p[i];
	r->version = nlrs_rd16(p + i + 1);
	r->length = nlrs_rd16(p + i + 3);
	/* Lie: a content type or version no TLS/SSL3 record has. */
	if (r->type < NLRS_TLS_CCS || r->type > NLRS_TLS_HEARTBEAT || p[i + 1] != 3) {
		*off = len;
		return NLRS_WIRE_BAD_FORMAT;
	}
	/* Lie: RFC 5246 6.2.3 - a record over 2^14 + 2048, or empty. */
	if (r->length == 0 || r->length > NLRS_TLS_MAX_RECORD) {
		*off = len;
		return NLRS_WIRE_BAD_LEN;
	}
	avail = len - i - NLRS_TLS_RECORD_HLEN;
	r->cut = r->length > avail;
	r->flen = (uint16_t)(r->cut ? avail : r->length);
	r->frag = p + i + NLRS_TLS_RECORD_HLEN;
	*off = r->cut ? len : i + NLRS_TLS_RECORD_HLEN + r->length;
	return 1;
}

/* A bounded reader over one vector: fails on a cut (cut = 1) or a lie. */
struct rd {
	const uint8_t *p;
	size_t n, i;
	bool cut;
};

static bool take(struct rd *r, size_t k, const uint8_t **out)
{
	if (r->n - r->i < k) {
		r->cut = true;
		return false;
	}
	if (out)
		*out = r->p + r->i;
	r->i += k;
	return true;
}

static bool u8(struct rd *r, uint32_t *v)
{
	const uint8_t *q;

	if (!take(r, 1, &q))
		return false;
	*v = q[0];
	return true;
}

static bool u16(struct rd *r, uint32_t *v)
{
	const uint8_t *q;

	if (!take(r, 2, &q))
		return false;
	*v = nlrs_rd16(q);
	return true;
}

static bool is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* Extensions block ext[0..n) (captured); claimed its announced length. */
static int extensions(const uint8_t *ext, size_t n, bool client, struct nlrs_tls_hello *h)
{
	struct rd r = { ext, n, 0, false };

	while (r.i < r.n) {
		uint32_t type, elen;
		const uint8_t *d;
		size_t dn;

		if (!u16(&r, &type) || !u16(&r, &elen))
			break;
		dn = r.n - r.i < elen ? r.n - r.i : elen;
		d = r.p + r.i;
		r.i += dn;
		if (type == 0 && client && !h->sni) {
			/* RFC 6066 3: ServerNameList, then NameType, HostName<1..2^16-1> */
			struct rd s = { d, dn, 0, false };
			uint32_t list, nt, hl;
			const uint8_t *host;

			if (u16(&s, &list)) {
				/* Lie: a list longer than the extension. */
				if (list > elen - 2)
					return NLRS_WIRE_BAD_LEN;
				if (u8(&s, &nt) && u16(&s, &hl)) {
					/* Lie: a name longer than the list. */
					if (list < 3 || hl > list - 3 || hl == 0)
						return NLRS_WIRE_BAD_LEN;
					if (nt == 0 && take(&s, hl, &host)) {
						h->sni = host;
						h->sni_len = (uint16_t)hl;
					}
				}
			}
		} else if (type == 16 && !h->alpn) {
			struct rd s = { d, dn, 0, false };
			uint32_t list;

			if (u16(&s, &list)) {
				if (list > elen - 2)
					return NLRS_WIRE_BAD_LEN;
				h->alpn = d + 2;
				h->alpn_len = (uint16_t)(list < dn - 2 ? list : dn - 2);
			}
		} else if (type == 43) {
			struct rd s = { d, dn, 0, false };
			uint32_t v, vl;

			if (client) {
				if (u8(&s, &vl)) {
					if (vl > elen - 1 || vl % 2)
						return NLRS_WIRE_BAD_LEN;
					for (uint32_t k = 0; k < vl / 2 && u16(&s, &v); k++)
						if (!is_grease((uint16_t)v) && v > h->supported_version)
							h->supported_version = (uint16_t)v;
				}
			} else if (u16(&s, &v)) {
				h->supported_version = (uint16_t)v;
			}
		}
		if (dn < elen)
			break; /* cut */
	}
	return 0;
}

int nlrs_tls_hs_parse(const uint8_t *p, size_t len, struct nlrs_tls_hello *h)
{
	struct nlrs_tls_hello o;
	struct rd r;
	uint32_t v, n;
	size_t body;
	int e;

	/* Lie (or cut): too short for a handshake header. */
	if (len < NLRS_TLS_HS_HLEN)
		return NLRS_WIRE_SHORT;
	nlrs_memset(&o, 0, sizeof o);
	o.hs_type = p[0];
	o.hs_len = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	body = len - NLRS_TLS_HS_HLEN;
	o.cut = o.hs_len > body;
	if (!o.cut)
		body = o.hs_len;
	r = (struct rd){ p + NLRS_TLS_HS_HLEN, body, 0, false };
	if (o.hs_type == NLRS_TLS_CLIENT_HELLO || o.hs_type == NLRS_TLS_SERVER_HELLO) {
		bool client = o.hs_type == NLRS_TLS_CLIENT_HELLO;

		if (!u16(&r, &v) || !take(&r, 32, NULL))
			goto out;
		o.hello = true;
		o.version = (uint16_t)v;
		/* legacy_session_id<0..32> */
		if (!u8(&r, &n))
			goto out;
		/* Lie: RFC 8446 4.1.2 - a session id over 32 bytes. */
		if (n > 32)
			return NLRS_WIRE_BAD_LEN;
		if (!take(&r, n, NULL))
			goto out;
		if (client) {
			/* cipher_suites<2..2^16-2> */
			if (!u16(&r, &n))
				goto out;
			/* Lie: an odd or empty cipher-suite list, or one past the message. */
			if (n < 2 || n % 2 || (!o.cut && n > r.n - r.i))
				return NLRS_WIRE_BAD_LEN;
			o.ncipher_suites = (uint16_t)(n / 2);
			if (!take(&r, n, NULL))
				goto out;
			/* legacy_compression_methods<1..2^8-1> */
			if (!u8(&r, &n))
				goto out;
			if (n < 1 || (!o.cut && n > r.n - r.i))
				return NLRS_WIRE_BAD_LEN;
			if (!take(&r, n, NULL))
				goto out;
		} else {
			if (!u16(&r, &v))
				goto out;
			o.cipher_suite = (uint16_t)v;
			if (!take(&r, 1, NULL))
				goto out;
		}
		/* extensions<8..2^16-1> are optional before TLS 1.3 */
		if (r.i == r.n)
			goto out;
		if (!u16(&r, &n))
			goto out;
		/* Lie: extensions longer than the message. */
		if (!o.cut && n > r.n - r.i)
			return NLRS_WIRE_BAD_LEN;
		e = extensions(r.p + r.i, n < r.n - r.i ? n : r.n - r.i, client, &o);
		if (e < 0)
			return e;
		r.i += n < r.n - r.i ? n : r.n - r.i;
	}
out:
	*h = o;
	return (int)(NLRS_TLS_HS_HLEN + (r.i > 0 ? r.i : 0));
}
