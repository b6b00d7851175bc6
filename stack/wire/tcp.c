/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp.c - the TCP header and its options.
 *
 * Implements:
 *   - parse and emit of the header (RFC 9293 3.1): ports, sequence and
 *     acknowledgment numbers, data offset checked against the minimum
 *     (5 words) and the buffer, the control bits FIN SYN RST PSH ACK URG,
 *     ECE and CWR (RFC 3168 6.1) and the NS bit (RFC 3540, historic since
 *     RFC 8311; kept as found for AccECN), window, checksum, urgent
 *     pointer;
 *   - a walk of the options area (RFC 9293 3.2) with the fail-closed
 *     cursor, checking every length octet (RFC 9293 3.2 MUST-7: an illegal
 *     length such as zero is handled, never trusted), so that unknown
 *     kinds can be skipped safely (RFC 9293 3.2 MUST-6);
 *   - reading MSS (RFC 9293 3.2, 3.7.1), window scale (RFC 7323 2.2),
 *     timestamps (RFC 7323 3.2), SACK-permitted and SACK blocks
 *     (RFC 2018 2, 3), and the TCP Fast Open cookie (RFC 7413 4.1.1),
 *     both as kind 34 and as the RFC 6994 experimental option with ExID
 *     0xF989 that earlier Linux and the captures use;
 *   - writing MSS, SACK-permitted, timestamps, window scale, SACK blocks
 *     and a TFO cookie in the order and NOP packing Linux uses
 *     (tcp_options_write), which peers and middleboxes are known to pass;
 *   - sequence-number comparisons (RFC 9293 3.4) as inlines in tcp.h, and
 *     tcpdump's flag letters for logs.
 * Recognised but not interpreted: TCP MD5 (RFC 2385) and TCP-AO (RFC 5925)
 * are reported as present (has_md5, has_ao), whatever their length, so the
 * stack can drop what it cannot verify; their digests are not checked and
 * never written. Other experimental options (RFC 6994) and unknown kinds
 * (MPTCP, SCPS, ...) are skipped by their length.
 * Does not implement: the checksum (pseudo-header over a possibly chained
 * segment: nlrs_csum_pseudo4 + nlrs_csum_add, by the caller); any
 * per-connection rule about which options may appear in which segment
 * (RFC 7323 2.2 WS only on SYN, RFC 7323 3.2 TS after negotiation, SACK
 * only when permitted): that is the connection's business; the urgent
 * pointer's meaning (RFC 9293 3.8.5, RFC 6093).
 * Option rules this view chooses (RFC 9293 leaves them open):
 *   - a known kind with the wrong length (MSS 4, WS 3, SACK-perm 2, TS 10,
 *     SACK 2 + 8n with n 1..4) makes the whole area malformed, as an
 *     illegal length does (MUST-7; Linux ignores such an option instead);
 *   - a window scale above 14 is read as 14 (RFC 7323 2.3: "MUST use 14
 *     instead of the specified value");
 *   - an option that appears twice: the first one wins, later copies are
 *     length-checked and skipped (no RFC defines duplicates; taking the
 *     first keeps the answer independent of anything after it);
 *   - a TFO cookie outside 4..16 bytes (RFC 7413 4.1.1) is not a cookie
 *     and is ignored, not an error (RFC 7413 4.2.2 falls back to a plain
 *     handshake); the first TFO option with a usable length wins;
 *   - bytes after EOL are padding (RFC 9293 3.2) and are not read.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "tcp.h"

int nlrs_tcp_parse(const uint8_t *p, size_t len, struct nlrs_tcp_hdr *h)
{
	unsigned hl;

	/* Lie: a segment too short for the fixed header. */
	if (len < NLRS_TCP_HLEN)
		return NLRS_WIRE_SHORT;
	hl = (unsigned)(p[12] >> 4) * 4u;
	/* Lie: a data offset below 5 words (RFC 9293 3.1 "Data Offset")
	 * would start the payload inside the fixed header. */
	if (hl < NLRS_TCP_HLEN)
		return NLRS_WIRE_BAD_HLEN;
	/* Lie: a data offset announcing options the buffer does not hold. */
	if (hl > len)
		return NLRS_WIRE_BAD_HLEN;
	if (nlrs_tcp_opts_check(p + NLRS_TCP_HLEN, hl - NLRS_TCP_HLEN) < 0)
		return NLRS_WIRE_BAD_OPTION;

	h->sport = nlrs_rd16(p);
	h->dport = nlrs_rd16(p + 2);
	h->seq = nlrs_rd32(p + 4);
	h->ack = nlrs_rd32(p + 8);
	h->hlen = (uint8_t)hl;
	/* RFC 9293 3.1: the other reserved bits "must be ignored in
	 * received segments". */
	h->flags = (uint16_t)(nlrs_rd16(p + 12) & NLRS_TCP_FLAGS_MASK);
	h->window = nlrs_rd16(p + 14);
	h->csum = nlrs_rd16(p + 16);
	h->urg = nlrs_rd16(p + 18);
	h->optlen = (uint8_t)(hl - NLRS_TCP_HLEN);
	h->opts = h->optlen ? p + NLRS_TCP_HLEN : NULL;
	return (int)hl;
}

/* A TFO option's value: empty is a cookie request, 4..16 bytes a cookie,
 * anything else is ignored (see the opening comment). */
static void fastopen(const uint8_t *v, size_t vlen, struct nlrs_tcp_opts *o)
{
	if (o->has_fastopen)
		return;
	if (vlen != 0 && (vlen < NLRS_TCP_FASTOPEN_MIN || vlen > NLRS_TCP_FASTOPEN_MAX))
		return;
	o->has_fastopen = true;
	o->fastopen_len = (uint8_t)vlen;
	o->fastopen = vlen ? v : NULL;
}

/* One option of kind `kind` whose value (after kind and length octets) is
 * v[0..vlen). Returns 0 or NLRS_WIRE_BAD_OPTION. */
static int one(uint8_t kind, const uint8_t *v, size_t vlen, struct nlrs_tcp_opts *o)
{
	switch (kind) {
	case NLRS_TCPOPT_MSS:
		/* Lie: RFC 9293 3.2 "Length: 4". */
		if (vlen != 2)
			return NLRS_WIRE_BAD_OPTION;
		if (!o->has_mss) {
			o->has_mss = true;
			o->mss = nlrs_rd16(v);
		}
		return 0;
	case NLRS_TCPOPT_WSCALE:
		/* Lie: RFC 7323 2.2 "Length: 3". */
		if (vlen != 1)
			return NLRS_WIRE_BAD_OPTION;
		if (!o->has_wscale) {
			o->has_wscale = true;
			/* RFC 7323 2.3: above 14, "MUST use 14". */
			o->wscale = v[0] > NLRS_TCP_MAX_WSCALE ? NLRS_TCP_MAX_WSCALE : v[0];
		}
		return 0;
	case NLRS_TCPOPT_SACK_PERM:
		/* Lie: RFC 2018 2 "Length: 2". */
		if (vlen != 0)
			return NLRS_WIRE_BAD_OPTION;
		o->sack_ok = true;
		return 0;
	case NLRS_TCPOPT_TS:
		/* Lie: RFC 7323 3.2 "Length: 10". */
		if (vlen != 8)
			return NLRS_WIRE_BAD_OPTION;
		if (!o->has_ts) {
			o->has_ts = true;
			o->tsval = nlrs_rd32(v);
			o->tsecr = nlrs_rd32(v + 4);
		}
		return 0;
	case NLRS_TCPOPT_SACK:
		/* Lie: RFC 2018 3, length 8n + 2: no block, a partial block, or
		 * more blocks than 40 bytes of options can hold. */
		if (vlen == 0 || vlen % 8 != 0 || vlen / 8 > NLRS_TCP_MAX_SACK)
			return NLRS_WIRE_BAD_OPTION;
		/* nsack is never 0 after a SACK option, so 0 means "none yet". */
		if (o->nsack == 0) {
			o->nsack = (uint8_t)(vlen / 8);
			for (unsigned i = 0; i < o->nsack; i++) {
				o->sack[i].left = nlrs_rd32(v + 8 * i);
				o->sack[i].right = nlrs_rd32(v + 8 * i + 4);
			}
		}
		return 0;
	case NLRS_TCPOPT_MD5:
		o->has_md5 = true;
		return 0;
	case NLRS_TCPOPT_AO:
		o->has_ao = true;
		return 0;
	case NLRS_TCPOPT_FASTOPEN:
		fastopen(v, vlen, o);
		return 0;
	case NLRS_TCPOPT_EXP1:
	case NLRS_TCPOPT_EXP2:
		/* RFC 6994 3: a 16-bit ExID names the experiment; the others
		 * are skipped like unknown kinds. */
		if (vlen >= 2 && nlrs_rd16(v) == NLRS_TCPOPT_EXID_FASTOPEN)
			fastopen(v + 2, vlen - 2, o);
		return 0;
	default:
		/* RFC 9293 3.2 MUST-6: ignore what we do not implement. */
		return 0;
	}
}

static int walk(const uint8_t *area, size_t len, struct nlrs_tcp_opts *o)
{
	struct nlrs_cur c;

	nlrs_cur_init(&c, area, len);
	for (;;) {
		uint8_t kind, olen;
		const uint8_t *v;

		if (nlrs_cur_u8(&c, &kind) < 0)
			return 0; /* the area ended on an option boundary */
		/* RFC 9293 3.2 "End of Option List": the rest is padding. */
		if (kind == NLRS_TCPOPT_EOL)
			return 0;
		/* RFC 9293 3.2 "No-Operation": a single octet. */
		if (kind == NLRS_TCPOPT_NOP)
			continue;
		/* Lie: a multi-octet option whose length octet is missing. */
		if (nlrs_cur_u8(&c, &olen) < 0)
			return NLRS_WIRE_BAD_OPTION;
		/* Lie: length 0 or 1 cannot cover its own kind and length
		 * octets (0 would also loop forever) - RFC 9293 3.2 MUST-7. */
		if (olen < 2)
			return NLRS_WIRE_BAD_OPTION;
		/* Lie: an option running past the area (the data offset). */
		if (nlrs_cur_take(&c, (size_t)olen - 2, &v) < 0)
			return NLRS_WIRE_BAD_OPTION;
		if (one(kind, v, (size_t)olen - 2, o) < 0)
			return NLRS_WIRE_BAD_OPTION;
	}
}

int nlrs_tcp_opts_parse(const uint8_t *opts, size_t len, struct nlrs_tcp_opts *o)
{
	struct nlrs_tcp_opts t = { 0 };
	int r = walk(opts, len, &t);

	if (r < 0)
		return r;
	*o = t;
	return 0;
}

int nlrs_tcp_opts_check(const uint8_t *opts, size_t len)
{
	struct nlrs_tcp_opts t = { 0 };

	return walk(opts, len, &t);
}

int nlrs_tcp_emit(uint8_t *p, size_t len, const struct nlrs_tcp_hdr *h)
{
	size_t hl;

	/* RFC 9293 3.1 "Data Offset" counts 32-bit words, 4 bits of them:
	 * the options area is a multiple of 4 bytes and at most 40. */
	if (h->optlen % 4 != 0 || h->optlen > NLRS_TCP_MAX_OPTLEN || (h->optlen && !h->opts))
		return NLRS_WIRE_BAD_OPTION;
	if (h->flags & ~NLRS_TCP_FLAGS_MASK)
		return NLRS_WIRE_BAD_FORMAT;
	hl = NLRS_TCP_HLEN + (size_t)h->optlen;
	if (len < hl)
		return NLRS_WIRE_NOSPACE;

	/* Options first: they may live in the buffer being written. */
	if (h->optlen)
		nlrs_memmove(p + NLRS_TCP_HLEN, h->opts, h->optlen);
	nlrs_wr16(p, h->sport);
	nlrs_wr16(p + 2, h->dport);
	nlrs_wr32(p + 4, h->seq);
	nlrs_wr32(p + 8, h->ack);
	/* RFC 9293 3.1: reserved bits "must be zero in generated segments". */
	nlrs_wr16(p + 12, (uint16_t)(hl / 4 << 12 | h->flags));
	nlrs_wr16(p + 14, h->window);
	nlrs_wr16(p + 16, h->csum);
	nlrs_wr16(p + 18, h->urg);
	return (int)hl;
}

static uint8_t *put4(uint8_t *q, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	q[0] = a;
	q[1] = b;
	q[2] = c;
	q[3] = d;
	return q + 4;
}

int nlrs_tcp_opts_emit(uint8_t *p, size_t len, const struct nlrs_tcp_opts *o)
{
	size_t need = 0, tfo = 0;
	uint8_t *q = p;

	/* Everything is checked and sized before the first byte is written. */
	if (o->has_wscale && o->wscale > NLRS_TCP_MAX_WSCALE)
		return NLRS_WIRE_BAD_FORMAT; /* RFC 7323 2.3 */
	if (o->nsack > NLRS_TCP_MAX_SACK)
		return NLRS_WIRE_BAD_FORMAT;
	if (o->has_fastopen) {
		if (o->fastopen_len != 0 &&
		    (o->fastopen_len < NLRS_TCP_FASTOPEN_MIN ||
		     o->fastopen_len > NLRS_TCP_FASTOPEN_MAX || !o->fastopen))
			return NLRS_WIRE_BAD_FORMAT; /* RFC 7413 4.1.1 */
		tfo = 2 + (size_t)o->fastopen_len;
		need += (tfo + 3) & ~(size_t)3;
	}
	if (o->has_mss)
		need += 4;
	if (o->has_ts)
		need += 12; /* SACK-permitted rides in its NOP,NOP */
	else if (o->sack_ok)
		need += 4;
	if (o->has_wscale)
		need += 4;
	if (o->nsack)
		need += 4 + 8 * (size_t)o->nsack;
	/* RFC 9293 3.1: 15 words of header, 40 bytes of options. */
	if (need > NLRS_TCP_MAX_OPTLEN)
		return NLRS_WIRE_BAD_FORMAT;
	if (len < need)
		return NLRS_WIRE_NOSPACE;

	if (o->has_mss) {
		q = put4(q, NLRS_TCPOPT_MSS, 4, 0, 0);
		nlrs_wr16(q - 2, o->mss);
	}
	if (o->has_ts) {
		if (o->sack_ok)
			q = put4(q, NLRS_TCPOPT_SACK_PERM, 2, NLRS_TCPOPT_TS, 10);
		else
			q = put4(q, NLRS_TCPOPT_NOP, NLRS_TCPOPT_NOP, NLRS_TCPOPT_TS, 10);
		nlrs_wr32(q, o->tsval);
		nlrs_wr32(q + 4, o->tsecr);
		q += 8;
	} else if (o->sack_ok) {
		q = put4(q, NLRS_TCPOPT_NOP, NLRS_TCPOPT_NOP, NLRS_TCPOPT_SACK_PERM, 2);
	}
	if (o->has_wscale)
		q = put4(q, NLRS_TCPOPT_NOP, NLRS_TCPOPT_WSCALE, 3, o->wscale);
	if (o->nsack) {
		q = put4(q, NLRS_TCPOPT_NOP, NLRS_TCPOPT_NOP, NLRS_TCPOPT_SACK,
			 (uint8_t)(2 + 8 * o->nsack));
		for (unsigned i = 0; i < o->nsack; i++) {
			nlrs_wr32(q, o->sack[i].left);
			nlrs_wr32(q + 4, o->sack[i].right);
			q += 8;
		}
	}
	if (o->has_fastopen) {
		q[0] = NLRS_TCPOPT_FASTOPEN;
		q[1] = (uint8_t)tfo;
		if (o->fastopen_len)
			nlrs_memcpy(q + 2, o->fastopen, o->fastopen_len);
		q += tfo;
		while ((size_t)(q - p) % 4 != 0)
			*q++ = NLRS_TCPOPT_NOP;
	}
	return (int)(q - p);
}

char *nlrs_tcp_flags_str(uint16_t flags, char *buf)
{
	/* tcpdump's print-tcp.c tcp_flag_values, in its order. */
	static const struct {
		uint16_t bit;
		char c;
	} letters[] = {
		{ NLRS_TCP_FIN, 'F' }, { NLRS_TCP_SYN, 'S' }, { NLRS_TCP_RST, 'R' },
		{ NLRS_TCP_PSH, 'P' }, { NLRS_TCP_ACK, '.' }, { NLRS_TCP_URG, 'U' },
		{ NLRS_TCP_ECE, 'E' }, { NLRS_TCP_CWR, 'W' }, { NLRS_TCP_NS, 'e' },
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
		if (flags & letters[i].bit)
			buf[n++] = letters[i].c;
	if (n == 0) {
		nlrs_memcpy(buf, "none", 5);
		return buf;
	}
	buf[n] = '\0';
	return buf;
}
