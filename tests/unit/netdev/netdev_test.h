/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared fixture for the netdev tests: one pool per test process. */
#ifndef NLRS_NETDEV_TEST_H
#define NLRS_NETDEV_TEST_H
#include <stddef.h>
#include <stdint.h>
#include "nlrs/netdev.h"

#define T_POOL_COUNT 1200u
#define T_POOL_BUFSIZE 2048u

extern struct nlrs_pool t_pool;

/* (Re)build t_pool; criterion runs each test in its own process. */
void t_pool_setup(void);
/* Assert that every buffer is back in the pool. */
void t_pool_check(void);

/* A frame of len bytes (len >= 4): a big-endian sequence number, then a
 * pattern derived from it. */
struct nlrs_buf *t_frame(uint32_t seq, size_t len);
/* The sequence number t_frame wrote. */
uint32_t t_seq(const struct nlrs_buf *b);
/* Does b hold exactly what t_frame(seq, len) made? */
int t_frame_ok(const struct nlrs_buf *b, uint32_t seq, size_t len);

/* A minimal IPv4/UDP packet (checksums right) from src to 192.0.2.1 with
 * `payload` bytes; returns its length in out[]. */
size_t t_ipv4_udp(uint8_t *out, uint32_t src, size_t payload);

#endif
