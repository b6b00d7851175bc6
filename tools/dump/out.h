/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nlrs-dump's output: one large buffer in front of a file descriptor, and
 * the formatting primitives the printers use (decimal and hex numbers,
 * addresses, timestamps) written straight into it, so a packet line costs
 * no printf parsing, no stdio locking and no allocation.
 *
 * Every primitive makes room for what it writes; a flush is one write(2)
 * of up to the whole buffer. A write error (EPIPE, ENOSPC) is remembered,
 * later output is discarded, and out_error() reports it once at the end.
 */
#ifndef NLRS_DUMP_OUT_H
#define NLRS_DUMP_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct out {
	char *buf;
	size_t len;
	size_t cap;
	int fd;
	int err; /* first write errno, 0 if none */
};

extern struct out nlrs_out;

/* Set up the buffer (cap bytes) in front of fd. 0 or -ENOMEM. */
int out_init(int fd, size_t cap);
/* Write out everything buffered. */
void out_flush(void);
/* The first write error (an errno value), or 0. */
int out_error(void);
void out_fini(void);

/* Ensure n bytes of room (n <= cap) and return where to write them. */
static inline __attribute__((always_inline)) char *out_room(size_t n)
{
	if (nlrs_out.cap - nlrs_out.len < n)
		out_flush();
	return nlrs_out.buf + nlrs_out.len;
}

static inline void out_commit(char *end)
{
	nlrs_out.len = (size_t)(end - nlrs_out.buf);
}

void out_write_slow(const void *p, size_t n);

static inline __attribute__((always_inline)) void out_write(const void *p, size_t n)
{
	if (nlrs_out.cap - nlrs_out.len >= n) {
		memcpy(nlrs_out.buf + nlrs_out.len, p, n);
		nlrs_out.len += n;
	} else {
		out_write_slow(p, n);
	}
}

/* A string literal, its length known at compile time. */
#define out_lit(s) out_write("" s, sizeof(s) - 1)

static inline void out_str(const char *s)
{
	out_write(s, strlen(s));
}

static inline __attribute__((always_inline)) void out_char(char c)
{
	if (nlrs_out.len == nlrs_out.cap)
		out_flush();
	nlrs_out.buf[nlrs_out.len++] = c;
}

/* Formatters writing into a caller's buffer; each returns the end. */
char *fmt_u32(char *p, uint32_t v);
char *fmt_u64(char *p, uint64_t v);
char *fmt_hex(char *p, uint32_t v);          /* lowercase, no leading zeros, no 0x */
char *fmt_hex_w(char *p, uint32_t v, int w); /* zero-padded to w digits */
char *fmt_ip4(char *p, const uint8_t a[4]);
char *fmt_ip6(char *p, const uint8_t a[16]); /* RFC 5952, as inet_ntop */
char *fmt_mac(char *p, const uint8_t a[6]);
char *fmt_dec_w(char *p, uint32_t v, int w); /* zero-padded to w digits */

static inline void out_u32(uint32_t v)
{
	out_commit(fmt_u32(out_room(10), v));
}
static inline void out_u64(uint64_t v)
{
	out_commit(fmt_u64(out_room(20), v));
}
static inline void out_hex(uint32_t v)
{
	out_commit(fmt_hex(out_room(8), v));
}
static inline void out_hex_w(uint32_t v, int w)
{
	out_commit(fmt_hex_w(out_room(8), v, w));
}
static inline void out_ip4(const uint8_t a[4])
{
	out_commit(fmt_ip4(out_room(15), a));
}
static inline void out_ip6(const uint8_t a[16])
{
	out_commit(fmt_ip6(out_room(46), a));
}
static inline void out_mac(const uint8_t a[6])
{
	out_commit(fmt_mac(out_room(17), a));
}

/* printf into the buffer, for the rare and the verbose paths. */
void out_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Bytes as printable ASCII with others as '.', at most n. */
void out_safe(const uint8_t *p, size_t n);

#endif
