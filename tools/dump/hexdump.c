/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Raw packet dumps in tcpdump's layouts:
 *   -x   "\n\t0x0000:  4500 0054 ..." eight 16-bit groups a line
 *   -X   the same, padded to 40 columns, then two spaces and the bytes
 *        as ASCII (graphic characters, others '.')
 *   -A   the bytes as ASCII: graphic characters, tab, space and newline
 *        as they are, others '.', and CR dropped before a newline
 */
#include "dump.h"

static const char hexd[] = "0123456789abcdef";

static char *offset_id(char *p, const char *ident, uint32_t off)
{
	size_t n = strlen(ident);

	memcpy(p, ident, n);
	p += n;
	*p++ = '0';
	*p++ = 'x';
	if (off < 0x10000)
		p = fmt_hex_w(p, off, 4);
	else
		p = fmt_hex(p, off);
	*p++ = ':';
	*p++ = ' ';
	return p;
}

static inline char *hexbyte(char *p, uint8_t b)
{
	*p++ = hexd[b >> 4];
	*p++ = hexd[b & 0xf];
	return p;
}

static char *offset(char *p, uint32_t off)
{
	return offset_id(p, "\n\t", off);
}

void hex_print(const uint8_t *d, size_t n)
{
	hex_print_ident("\n\t", d, n);
}

void hex_print_ident(const char *ident, const uint8_t *d, size_t n)
{
	uint32_t off = 0;

	while (n) {
		size_t k = n < 16 ? n : 16;
		char *p = offset_id(out_room(64 + strlen(ident)), ident, off);
		size_t i;

		for (i = 0; i + 1 < k; i += 2) {
			*p++ = ' ';
			p = hexbyte(p, d[i]);
			p = hexbyte(p, d[i + 1]);
		}
		if (i < k) {
			*p++ = ' ';
			p = hexbyte(p, d[i]);
		}
		out_commit(p);
		d += k;
		n -= k;
		off += 16;
	}
}

static inline char graph(uint8_t b)
{
	return (b > 0x20 && b < 0x7f) ? (char)b : '.';
}

void hex_ascii_print(const uint8_t *d, size_t n)
{
	uint32_t off = 0;

	while (n) {
		size_t k = n < 16 ? n : 16;
		char *p = offset(out_room(96), off);
		char *start = p;
		size_t i;

		for (i = 0; i + 1 < k; i += 2) {
			*p++ = ' ';
			p = hexbyte(p, d[i]);
			p = hexbyte(p, d[i + 1]);
		}
		if (i < k) {
			*p++ = ' ';
			p = hexbyte(p, d[i]);
		}
		while (p - start < 40)
			*p++ = ' ';
		*p++ = ' ';
		*p++ = ' ';
		for (i = 0; i < k; i++)
			*p++ = graph(d[i]);
		out_commit(p);
		d += k;
		n -= k;
		off += 16;
	}
}

void ascii_print(const uint8_t *d, size_t n)
{
	out_char('\n');
	while (n) {
		size_t k = n < 4096 ? n : 4096;
		char *p = out_room(k);

		for (size_t i = 0; i < k; i++) {
			uint8_t b = d[i];
			if (b == '\r') {
				/* tcpdump: a CR is dropped when a newline follows it
				 * (or it ends the data); elsewhere it prints '.' */
				size_t left = n - i - 1;
				if (left > 1 && d[i + 1] != '\n')
					*p++ = '.';
			} else if ((b > 0x20 && b < 0x7f) || b == '\t' || b == ' ' || b == '\n') {
				*p++ = (char)b;
			} else {
				*p++ = '.';
			}
		}
		out_commit(p);
		d += k;
		n -= k;
	}
}
