/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * http.c - HTTP/1.x message heads.
 *
 * Implements: request-line = method SP request-target SP HTTP-version
 * (RFC 9112 3), status-line = HTTP-version SP status-code SP
 * [reason-phrase] (RFC 9112 4), field lines name ":" OWS value OWS
 * (RFC 9112 5, RFC 9110 5.6.2 token characters), bare-LF line ends
 * (RFC 9112 2.2), obs-fold continuation (RFC 9112 5.2), Content-Length
 * (RFC 9110 8.6: digits only; differing values make it unreadable).
 * Does not implement: bodies, chunked coding, HTTP/0.9, HTTP/2 (binary),
 * header semantics beyond Content-Length; targets are not validated
 * beyond "no whitespace or control characters".
 * Freestanding C11: no OS headers, no allocation.
 */
#include "http.h"

static bool is_tchar(uint8_t c)
{
	/* RFC 9110 5.6.2 tchar */
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
	case '-': case '.': case '^': case '_': case '`': case '|': case '~':
		return true;
	default:
		return false;
	}
}

static bool is_vchar(uint8_t c) { return c > 0x20 && c != 0x7f; }

/* End of the line starting at i: index of its LF, or len if none. */
static size_t line_end(const uint8_t *p, size_t len, size_t i)
{
	while (i < len && p[i] != '\n')
		i++;
	return i;
}

/* The line's content end (before CR LF or LF). */
static size_t content_end(const uint8_t *p, size_t start, size_t lf)
{
	return lf > start && p[lf - 1] == '\r' ? lf - 1 : lf;
}

/* "HTTP/" DIGIT "." DIGIT at p[0..n) */
static int version(const uint8_t *p, size_t n, uint8_t *maj, uint8_t *min)
{
	if (n != 8 || nlrs_memcmp(p, "HTTP/", 5) != 0 || p[5] < '0' || p[5] > '9' || p[6] != '.' ||
	    p[7] < '0' || p[7] > '9')
		return -1;
	*maj = (uint8_t)(p[5] - '0');
	*min = (uint8_t)(p[7] - '0');
	return 0;
}

static const struct {
	const char *s;
	uint8_t n;
} methods[] = {
	{ "GET ", 4 }, { "POST ", 5 }, { "HEAD ", 5 }, { "PUT ", 4 }, { "DELETE ", 7 },
	{ "OPTIONS ", 8 }, { "CONNECT ", 8 }, { "TRACE ", 6 }, { "PATCH ", 6 },
};

bool nlrs_http_looks(const uint8_t *p, size_t len)
{
	/* the first letters of the methods and of "HTTP/": most payloads
	 * stop here */
	if (len < 4)
		return false;
	switch (p[0]) {
	case 'G': case 'P': case 'H': case 'D': case 'O': case 'C': case 'T':
		break;
	default:
		return false;
	}
	if (len >= 7 && nlrs_memcmp(p, "HTTP/1.", 7) == 0)
		return true;
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		size_t n = methods[i].n;

		if (len >= n && nlrs_memcmp(p, methods[i].s, n) == 0)
			return true;
	}
	return false;
}

/* Could p[0..len) (no LF in it) be the start of a start line? */
static bool could_start(const uint8_t *p, size_t len)
{
	size_t i = 0;

	if (len >= 5 && nlrs_memcmp(p, "HTTP/", 5) == 0)
		return true;
	if (len < 5 && nlrs_memcmp(p, "HTTP/", len) == 0)
		return true;
	while (i < len && is_tchar(p[i]) && i < NLRS_HTTP_MAX_METHOD)
		i++;
	return i > 0 && (i == len || p[i] == ' ');
}

static int start_line(const uint8_t *p, size_t n, struct nlrs_http_head *h)
{
	size_t sp1 = 0, sp2;

	while (sp1 < n && p[sp1] != ' ')
		sp1++;
	/* Lie: a start line with no spaces at all. */
	if (sp1 == n || sp1 == 0)
		return NLRS_WIRE_BAD_FORMAT;
	if (version(p, sp1, &h->ver_major, &h->ver_minor) == 0) {
		/* status-line: 3 digits, then SP and reason (may be empty) */
		if (n - sp1 - 1 < 3)
			return NLRS_WIRE_BAD_FORMAT;
		for (size_t i = sp1 + 1; i < sp1 + 4; i++)
			if (p[i] < '0' || p[i] > '9')
				return NLRS_WIRE_BAD_FORMAT;
		h->request = false;
		h->status = (uint16_t)((p[sp1 + 1] - '0') * 100 + (p[sp1 + 2] - '0') * 10 +
				       (p[sp1 + 3] - '0'));
		if (n > sp1 + 4 && p[sp1 + 4] != ' ')
			return NLRS_WIRE_BAD_FORMAT;
		h->reason = n > sp1 + 5 ? p + sp1 + 5 : NULL;
		h->reason_len = (uint16_t)(n > sp1 + 5 ? n - sp1 - 5 : 0);
		return 0;
	}
	/* request-line */
	if (sp1 > NLRS_HTTP_MAX_METHOD)
		return NLRS_WIRE_BAD_FORMAT;
	for (size_t i = 0; i < sp1; i++)
		if (!is_tchar(p[i]))
			return NLRS_WIRE_BAD_FORMAT;
	sp2 = sp1 + 1;
	while (sp2 < n && p[sp2] != ' ') {
		if (!is_vchar(p[sp2]))
			return NLRS_WIRE_BAD_FORMAT;
		sp2++;
	}
	/* Lie: no target, or no version after it. */
	if (sp2 == n || sp2 == sp1 + 1)
		return NLRS_WIRE_BAD_FORMAT;
	if (version(p + sp2 + 1, n - sp2 - 1, &h->ver_major, &h->ver_minor) < 0)
		return NLRS_WIRE_BAD_FORMAT;
	h->request = true;
	h->method = p;
	h->method_len = (uint16_t)sp1;
	h->target = p + sp1 + 1;
	h->target_len = (uint16_t)(sp2 - sp1 - 1 > 65535 ? 65535 : sp2 - sp1 - 1);
	return 0;
}

static bool ieq(const uint8_t *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n && b[i]; i++) {
		uint8_t x = a[i], y = (uint8_t)b[i];

		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (uint8_t)(y + 32);
		if (x != y)
			return false;
	}
	return i == n && b[i] == '\0';
}

/* Split one field line p[s..e) (obs-fold lines already joined by the
 * caller's range) at the colon. */
static int field(const uint8_t *p, size_t s, size_t e, size_t *colon)
{
	size_t i = s;

	while (i < e && is_tchar(p[i]))
		i++;
	/* Lie: RFC 9112 5.1 - an empty name, or whitespace or other
	 * non-token bytes before the colon. */
	if (i == s || i == e || p[i] != ':')
		return NLRS_WIRE_BAD_FORMAT;
	*colon = i;
	return 0;
}

static void trim(const uint8_t *p, size_t *s, size_t *e)
{
	while (*s < *e && (p[*s] == ' ' || p[*s] == '\t' || p[*s] == '\r' || p[*s] == '\n'))
		(*s)++;
	while (*e > *s && (p[*e - 1] == ' ' || p[*e - 1] == '\t' || p[*e - 1] == '\r' ||
			   p[*e - 1] == '\n'))
		(*e)--;
}

/* Content-Length value: digits only, at most 18 of them. */
static int64_t clen(const uint8_t *v, size_t n)
{
	int64_t x = 0;

	if (n == 0 || n > 18)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x;
}

int nlrs_http_header_next(const uint8_t *hdrs, size_t len, size_t *off, const uint8_t **name,
			  uint16_t *name_len, const uint8_t **value, uint16_t *value_len)
{
	size_t s = *off, lf, e, colon, vs;

	if (s >= len)
		return 0;
	lf = line_end(hdrs, len, s);
	/* obs-fold: following lines that start with SP/HT belong to this one */
	while (lf < len && lf + 1 < len && (hdrs[lf + 1] == ' ' || hdrs[lf + 1] == '\t'))
		lf = line_end(hdrs, len, lf + 1);
	e = lf;
	if (field(hdrs, s, e, &colon) < 0) {
		*off = len;
		return NLRS_WIRE_BAD_FORMAT;
	}
	vs = colon + 1;
	trim(hdrs, &vs, &e);
	*name = hdrs + s;
	*name_len = (uint16_t)(colon - s > 65535 ? 65535 : colon - s);
	*value = hdrs + vs;
	*value_len = (uint16_t)(e - vs > 65535 ? 65535 : e - vs);
	*off = lf < len ? lf + 1 : len;
	return 1;
}

int nlrs_http_parse(const uint8_t *p, size_t len, struct nlrs_http_head *h)
{
	struct nlrs_http_head r;
	size_t lf = line_end(p, len, 0), i;
	int e;

	nlrs_memset(&r, 0, sizeof r);
	r.content_length = -1;
	if (lf == len)
		return could_start(p, len) ? NLRS_WIRE_SHORT : NLRS_WIRE_BAD_FORMAT;
	e = start_line(p, content_end(p, 0, lf), &r);
	if (e < 0)
		return e;
	i = lf + 1;
	r.headers = p + i;
	for (;;) {
		size_t s = i, l2, ce, colon;

		if (i >= len)
			break; /* cut before the empty line */
		l2 = line_end(p, len, i);
		if (l2 == len)
			break; /* the last line is incomplete */
		ce = content_end(p, s, l2);
		if (ce == s) {
			/* the empty line ends the head */
			r.complete = true;
			r.head_len = (uint32_t)(l2 + 1);
			break;
		}
		if (p[s] == ' ' || p[s] == '\t') {
			/* obs-fold: a continuation of the previous field; none before it is a lie */
			if (r.nheaders == 0)
				return NLRS_WIRE_BAD_FORMAT;
		} else {
			if (field(p, s, ce, &colon) < 0)
				return NLRS_WIRE_BAD_FORMAT;
			if (++r.nheaders > NLRS_HTTP_MAX_HEADERS)
				return NLRS_WIRE_BAD_FORMAT;
			if (ieq(p + s, colon - s, "content-length")) {
				size_t vs = colon + 1, ve = ce;
				int64_t v;

				trim(p, &vs, &ve);
				v = clen(p + vs, ve - vs);
				/* RFC 9110 8.6: an unreadable value, or values
				 * that differ, make it unusable (-2 until the end) */
				if (r.content_length == -2)
					;
				else if (v < 0 || (r.content_length >= 0 && r.content_length != v))
					r.content_length = -2;
				else
					r.content_length = v;
			}
		}
		i = l2 + 1;
		r.headers_len = (uint32_t)(i - lf - 1);
	}
	if (r.content_length == -2)
		r.content_length = -1;
	if (r.headers_len == 0)
		r.headers = NULL;
	*h = r;
	if (!r.complete)
		return 0;
	return r.head_len > INT32_MAX ? INT32_MAX : (int)r.head_len;
}
