/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include "netdev_test.h"

struct nlrs_pool t_pool;
static void *t_mem;

void t_pool_setup(void)
{
	size_t need = nlrs_pool_mem_size(T_POOL_COUNT, T_POOL_BUFSIZE);
	/* A test's own .init may run on top of its suite's: rebuild, not leak. */
	free(t_mem);
	t_mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
	cr_assert_not_null(t_mem);
	cr_assert_eq(nlrs_pool_init(&t_pool, t_mem, need, T_POOL_COUNT, T_POOL_BUFSIZE), 0);
}

void t_pool_check(void)
{
	cr_assert_eq(t_pool.avail, t_pool.count, "pool leaked: %u of %u free", t_pool.avail,
		     t_pool.count);
}

static uint8_t pat(uint32_t seq, size_t i) { return (uint8_t)(seq * 31u + i * 7u + 1u); }

struct nlrs_buf *t_frame(uint32_t seq, size_t len)
{
	uint8_t tmp[9000];
	cr_assert(len >= 4 && len <= sizeof(tmp));
	tmp[0] = (uint8_t)(seq >> 24);
	tmp[1] = (uint8_t)(seq >> 16);
	tmp[2] = (uint8_t)(seq >> 8);
	tmp[3] = (uint8_t)seq;
	for (size_t i = 4; i < len; i++)
		tmp[i] = pat(seq, i);
	struct nlrs_buf *b = nlrs_buf_from(&t_pool, 32, tmp, len);
	cr_assert_not_null(b);
	return b;
}

uint32_t t_seq(const struct nlrs_buf *b)
{
	uint8_t h[4];
	cr_assert_eq(nlrs_buf_copy_out(b, 0, h, 4), 4u);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

int t_frame_ok(const struct nlrs_buf *b, uint32_t seq, size_t len)
{
	uint8_t tmp[9000];
	if (b->tot_len != len || len > sizeof(tmp))
		return 0;
	if (nlrs_buf_copy_out(b, 0, tmp, len) != len)
		return 0;
	if (t_seq(b) != seq)
		return 0;
	for (size_t i = 4; i < len; i++)
		if (tmp[i] != pat(seq, i))
			return 0;
	return 1;
}

static uint16_t csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t t_ipv4_udp(uint8_t *out, uint32_t src, size_t payload)
{
	size_t len = 20 + 8 + payload;
	uint32_t dst = NLRS_IP4(192, 0, 2, 1);
	memset(out, 0, len);
	out[0] = 0x45;
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	out[8] = 64;
	out[9] = 17;
	for (int i = 0; i < 4; i++) {
		out[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		out[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	uint16_t c = csum(out, 20, 0);
	out[10] = (uint8_t)(c >> 8);
	out[11] = (uint8_t)c;
	uint8_t *u = out + 20;
	u[0] = 0x30; u[1] = 0x39;  /* 12345 */
	u[2] = 0x00; u[3] = 0x07;  /* echo */
	u[4] = (uint8_t)((8 + payload) >> 8);
	u[5] = (uint8_t)(8 + payload);
	for (size_t i = 0; i < payload; i++)
		u[8 + i] = (uint8_t)('a' + i % 26);
	/* UDP checksum over the pseudo-header (RFC 768). */
	uint32_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 17u +
		       (uint32_t)(8 + payload);
	c = csum(u, 8 + payload, sum);
	if (!c)
		c = 0xffff;
	u[6] = (uint8_t)(c >> 8);
	u[7] = (uint8_t)c;
	return len;
}
