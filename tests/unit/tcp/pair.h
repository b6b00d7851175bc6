/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Two stacks joined by a virtual wire, for TCP tests that need a real
 * peer of our own: A (192.0.2.1) and B (192.0.2.2) on raw-IP interfaces.
 * Each transmitted packet is copied into the other side's inbox; pair_run
 * delivers them and advances a shared virtual clock, firing timers. A
 * filter may drop, corrupt or hold back packets to test recovery.
 *
 * Criterion runs each test in its own process; the globals are private.
 */
#ifndef NLRS_TEST_TCP_PAIR_H
#define NLRS_TEST_TCP_PAIR_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nlrs/socket.h"
#include "nlrs/stack.h"

#define A_IP NLRS_IP4(192, 0, 2, 1)
#define B_IP NLRS_IP4(192, 0, 2, 2)

extern struct nlrs_stack *SA, *SB;
extern nlrs_time_t PNOW; /* the virtual clock */
extern nlrs_time_t DELAY; /* one-way delay of the wire (default 1 ms) */

/* Called for each packet before it is delivered. Return false to drop it.
 * from_a: direction. pkt/len may be modified (corruption). n: index of
 * the packet in its direction, from 0. */
typedef bool (*pair_filter_fn)(bool from_a, uint8_t *pkt, size_t len, unsigned n);
extern pair_filter_fn FILTER;

/* Packets that went across (after the filter), per direction. */
extern unsigned NPKT_AB, NPKT_BA;

void pair_start(const struct nlrs_stack_config *cfg);
/* Finish both stacks; asserts every buffer is back in each pool. */
void pair_end(void);
/* Deliver and poll until `until` (absolute) or until `done` returns true
 * (checked after every step). Returns true if done (or done is NULL). */
bool pair_run(nlrs_time_t until, bool (*done)(void));
/* Copy of the last n packets seen on the wire in a direction, for
 * inspection: up to 64 kept per direction. */
size_t pair_last(bool from_a, unsigned back, uint8_t *out, size_t cap);

#define PAIR_TEST(suite, name)             \
	static void suite##__##name(void); \
	Test(suite, name)                  \
	{                                  \
		suite##__##name();         \
		pair_end();                \
	}                                  \
	static void suite##__##name(void)

#endif
