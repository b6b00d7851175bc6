/* SPDX-License-Identifier: BSD-2-Clause */
/* nlrs-dump's output buffer and number/address formatters (out.h). */
#include "out.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct out nlrs_out;

int out_init(int fd, size_t cap)
{
	nlrs_out.buf = malloc(cap);
	if (!nlrs_out.buf)
		return -ENOMEM;
	nlrs_out.cap = cap;
	nlrs_out.len = 0;
	nlrs_out.fd = fd;
	nlrs_out.err = 0;
	return 0;
}

void out_flush(void)
{
	size_t off = 0;

	while (off < nlrs_out.len && !nlrs_out.err) {
		ssize_t n = write(nlrs_out.fd, nlrs_out.buf + off, nlrs_out.len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			nlrs_out.err = errno;
			break;
		}
		off += (size_t)n;
	}
	nlrs_out.len = 0;
}

int out_error(void)
{
	return nlrs_out.err;
}

void out_fini(void)
{
	out_flush();
	free(nlrs_out.buf);
	nlrs_out.buf = NULL;
	nlrs_out.cap = 0;
}

void out_write_slow(const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		size_t room = nlrs_out.cap - nlrs_out.len;
		if (!room) {
			out_flush();
			room = nlrs_out.cap;
		}
		if (room > n)
			room = n;
		memcpy(nlrs_out.buf + nlrs_out.len, s, room);
		nlrs_out.len += room;
		s += room;
		n -= room;
	}
}

void out_printf(const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	out_write(tmp, (size_t)n);
}

void out_safe(const uint8_t *p, size_t n)
{
	while (n) {
		size_t k = n < 4096 ? n : 4096;
		char *d = out_room(k);
		for (size_t i = 0; i < k; i++)
			d[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '.';
		out_commit(d + k);
		p += k;
		n -= k;
	}
}

static const char digits2[201] = "00010203040506070809"
				 "10111213141516171819"
				 "20212223242526272829"
				 "30313233343536373839"
				 "40414243444546474849"
				 "50515253545556575859"
				 "60616263646566676869"
				 "70717273747576777879"
				 "80818283848586878889"
				 "90919293949596979899";

static inline int ndigits(uint32_t v)
{
	if (v < 10)
		return 1;
	if (v < 100)
		return 2;
	if (v < 1000)
		return 3;
	if (v < 10000)
		return 4;
	if (v < 100000)
		return 5;
	if (v < 1000000)
		return 6;
	if (v < 10000000)
		return 7;
	if (v < 100000000)
		return 8;
	if (v < 1000000000)
		return 9;
	return 10;
}

/* Digits written from the end, two at a time, straight into p. */
char *fmt_u32(char *p, uint32_t v)
{
	int n = ndigits(v);
	char *e = p + n;

	while (v >= 100) {
		uint32_t r = v % 100;
		v /= 100;
		e -= 2;
		e[0] = digits2[2 * r];
		e[1] = digits2[2 * r + 1];
	}
	if (v >= 10) {
		e -= 2;
		e[0] = digits2[2 * v];
		e[1] = digits2[2 * v + 1];
	} else {
		*--e = (char)('0' + v);
	}
	return p + n;
}

char *fmt_u64(char *p, uint64_t v)
{
	char tmp[20];
	char *t = tmp + sizeof(tmp);
	size_t n;

	if (v <= UINT32_MAX)
		return fmt_u32(p, (uint32_t)v);
	while (v) {
		*--t = (char)('0' + v % 10);
		v /= 10;
	}
	n = (size_t)(tmp + sizeof(tmp) - t);
	memcpy(p, t, n);
	return p + n;
}

char *fmt_dec_w(char *p, uint32_t v, int w)
{
	char *end = p + w;
	char *e = end;

	for (; w >= 2; w -= 2) {
		uint32_t r = v % 100;
		v /= 100;
		e -= 2;
		e[0] = digits2[2 * r];
		e[1] = digits2[2 * r + 1];
	}
	if (w)
		e[-1] = (char)('0' + v % 10);
	return end;
}

static const char hexd[] = "0123456789abcdef";

char *fmt_hex(char *p, uint32_t v)
{
	int shift = 28;

	while (shift > 0 && !((v >> shift) & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*p++ = hexd[(v >> shift) & 0xf];
	return p;
}

char *fmt_hex_w(char *p, uint32_t v, int w)
{
	for (int i = w - 1; i >= 0; i--) {
		p[i] = hexd[v & 0xf];
		v >>= 4;
	}
	return p + w;
}

char *fmt_ip4(char *p, const uint8_t a[4])
{
	for (int i = 0; i < 4; i++) {
		uint8_t b = a[i];
		if (i)
			*p++ = '.';
		if (b >= 100) {
			*p++ = (char)('0' + b / 100);
			b %= 100;
			*p++ = digits2[2 * b];
			*p++ = digits2[2 * b + 1];
		} else if (b >= 10) {
			*p++ = digits2[2 * b];
			*p++ = digits2[2 * b + 1];
		} else {
			*p++ = (char)('0' + b);
		}
	}
	return p;
}

/* RFC 5952 text form, as tcpdump's addrtostr6 (and inet_ntop) write it:
 * the longest run of two or more zero groups becomes "::" (the first of
 * equal runs), lowercase hex without leading zeros, and ::a.b.c.d /
 * ::ffff:a.b.c.d for IPv4-compatible and IPv4-mapped addresses. */
char *fmt_ip6(char *p, const uint8_t a[16])
{
	uint16_t w[8];
	int best = -1, bestlen = 0, cur = -1, curlen = 0;

	for (int i = 0; i < 8; i++)
		w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	for (int i = 0; i < 8; i++) {
		if (w[i] == 0) {
			if (cur < 0) {
				cur = i;
				curlen = 1;
			} else {
				curlen++;
			}
		} else if (cur >= 0) {
			if (best < 0 || curlen > bestlen) {
				best = cur;
				bestlen = curlen;
			}
			cur = -1;
		}
	}
	if (cur >= 0 && (best < 0 || curlen > bestlen)) {
		best = cur;
		bestlen = curlen;
	}
	if (best >= 0 && bestlen < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + bestlen) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && best == 0 && (bestlen == 6 || (bestlen == 5 && w[5] == 0xffff)))
			return fmt_ip4(p, a + 12);
		p = fmt_hex(p, w[i]);
	}
	if (best >= 0 && best + bestlen == 8)
		*p++ = ':';
	return p;
}

char *fmt_mac(char *p, const uint8_t a[6])
{
	for (int i = 0; i < 6; i++) {
		if (i)
			*p++ = ':';
		*p++ = hexd[a[i] >> 4];
		*p++ = hexd[a[i] & 0xf];
	}
	return p;
}
