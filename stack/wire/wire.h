/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared helpers for the checked wire views: big-endian loads and stores,
 * a fail-closed cursor, and the parse error codes every view returns.
 *
 * Contract of every view in this folder: `nlrs_<proto>_parse(p, len, out)`
 * reads nothing outside p[0..len), checks the buffer length first and then
 * every length field of the header against the minimum and against `len`,
 * and fills `out` (host byte order) only on success. `nlrs_<proto>_emit`
 * writes a header from a host-order struct into a buffer it is told the size
 * of, and returns the bytes written or a negative error.
 */
#ifndef NLRS_WIRE_H
#define NLRS_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Parse results (negative). Each names the lie it caught. */
enum nlrs_wire_err {
	NLRS_WIRE_SHORT = -1,       /* buffer shorter than the fixed header */
	NLRS_WIRE_BAD_VERSION = -2, /* version field is not ours */
	NLRS_WIRE_BAD_HLEN = -3,    /* header length field below minimum or past the buffer */
	NLRS_WIRE_BAD_LEN = -4,     /* total/payload length field below header or past the buffer */
	NLRS_WIRE_BAD_CSUM = -5,    /* checksum does not verify */
	NLRS_WIRE_BAD_FORMAT = -6,  /* a fixed field holds a value this view cannot read */
	NLRS_WIRE_BAD_OPTION = -7,  /* an option's length runs past its area or is too small */
	NLRS_WIRE_NOSPACE = -8,     /* emit: output buffer too small */
};

/* Short name of an error, for logs and tests. */
const char *nlrs_wire_strerror(int err);

static inline uint16_t nlrs_rd16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}
static inline uint32_t nlrs_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void nlrs_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void nlrs_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Fail-closed cursor: a read past the end returns -1 and leaves `left` 0
 * (so every later read fails too). */
struct nlrs_cur {
	const uint8_t *p;
	size_t left;
};
static inline void nlrs_cur_init(struct nlrs_cur *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->left = len;
}
static inline int nlrs_cur_u8(struct nlrs_cur *c, uint8_t *v)
{
	if (c->left < 1) {
		c->left = 0;
		return -1;
	}
	*v = c->p[0];
	c->p += 1;
	c->left -= 1;
	return 0;
}
static inline int nlrs_cur_u16(struct nlrs_cur *c, uint16_t *v)
{
	if (c->left < 2) {
		c->left = 0;
		return -1;
	}
	*v = nlrs_rd16(c->p);
	c->p += 2;
	c->left -= 2;
	return 0;
}
static inline int nlrs_cur_u32(struct nlrs_cur *c, uint32_t *v)
{
	if (c->left < 4) {
		c->left = 0;
		return -1;
	}
	*v = nlrs_rd32(c->p);
	c->p += 4;
	c->left -= 4;
	return 0;
}
/* Point *out at the next n bytes and step over them. */
static inline int nlrs_cur_take(struct nlrs_cur *c, size_t n, const uint8_t **out)
{
	if (c->left < n) {
		c->left = 0;
		return -1;
	}
	*out = c->p;
	c->p += n;
	c->left -= n;
	return 0;
}

#define nlrs_memcpy __builtin_memcpy
#define nlrs_memset __builtin_memset
#define nlrs_memcmp __builtin_memcmp
#define nlrs_memmove __builtin_memmove

#endif
