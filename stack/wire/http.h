/* SPDX-License-Identifier: BSD-2-Clause */
/* HTTP/1.x message heads (RFC 9112 2-5): request line, status line,
 * header fields. Incremental in the picohttpparser manner: no allocation,
 * and a head cut short is reported as such, with what was read. */
#ifndef NLRS_WIRE_HTTP_H
#define NLRS_WIRE_HTTP_H

#include "wire.h"

#define NLRS_HTTP_MAX_METHOD 32
#define NLRS_HTTP_MAX_HEADERS 256

struct nlrs_http_head {
	bool request;
	const uint8_t *method, *target, *reason;
	uint16_t method_len, target_len, reason_len;
	uint8_t ver_major, ver_minor;
	uint16_t status;
	const uint8_t *headers;     /* first header line */
	uint32_t headers_len;       /* bytes of complete header lines */
	uint16_t nheaders;
	bool complete;              /* the empty line was seen */
	uint32_t head_len;          /* start line + headers + empty line, when complete */
	int64_t content_length;     /* -1: absent, unreadable or contradictory */
};

/* Parse the head at p[0..len). Returns
 *   > 0: complete; the head's length (body starts there);
 *   0:   the start line is complete and valid but the header block is not
 *        (h->headers_len covers the complete lines);
 *   NLRS_WIRE_SHORT: the start line itself is not complete (but what is
 *        there could begin one);
 *   NLRS_WIRE_BAD_FORMAT: not an HTTP/1.x start line, or a header line
 *        that is not "name: value" (RFC 9112 5.1: no whitespace before
 *        the colon), or more than NLRS_HTTP_MAX_HEADERS lines.
 * Lines end in CRLF or a bare LF (RFC 9112 2.2). Obsolete line folding
 * (a line starting with SP/HT) continues the previous field. *h is
 * written for 0 and > 0. */
int nlrs_http_parse(const uint8_t *p, size_t len, struct nlrs_http_head *h);

/* True when p starts like an HTTP/1.x message: a known method and a
 * space, or "HTTP/1." (the cheap test of a heuristic). */
bool nlrs_http_looks(const uint8_t *p, size_t len);

/* Cursor over the header lines h->headers[0..h->headers_len): name and
 * value (surrounding whitespace trimmed). 1, 0 at the end, or
 * NLRS_WIRE_BAD_FORMAT. */
int nlrs_http_header_next(const uint8_t *hdrs, size_t len, size_t *off, const uint8_t **name,
			  uint16_t *name_len, const uint8_t **value, uint16_t *value_len);

#endif
