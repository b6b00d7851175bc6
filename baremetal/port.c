/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bare-metal port: weak default hooks for random bytes and logging.
 * Freestanding like the core: no libc calls, no OS.
 */
#include <stddef.h>
#include <stdint.h>
#include "nlrs/stack.h"
#include "port.h"

#define WEAK __attribute__((weak))

/*
 * NOT SECURE. A Galois LFSR (taps 32,22,2,1: polynomial 0x80200003, maximal
 * length) whose state is also bumped by a call counter, so two stacks that
 * call it a different number of times drift apart. It is the same sequence
 * after every reset and anyone who sees a few outputs can predict the rest.
 * The firmware must override nlrs_bare_random with its hardware TRNG.
 */
static uint32_t lfsr_state = 0xace1u;
static uint32_t lfsr_calls;

static uint32_t lfsr_step(void)
{
	for (int i = 0; i < 32; i++) {
		uint32_t lsb = lfsr_state & 1u;
		lfsr_state >>= 1;
		if (lsb)
			lfsr_state ^= 0x80200003u;
	}
	return lfsr_state;
}

WEAK void nlrs_bare_random(void *out, size_t len)
{
	uint8_t *p = out;

	lfsr_state ^= ++lfsr_calls * 0x9e3779b9u;
	if (!lfsr_state)
		lfsr_state = 0xace1u; /* an LFSR stuck at zero stays there */
	while (len) {
		uint32_t r = lfsr_step();
		for (int i = 0; i < 4 && len; i++, len--) {
			*p++ = (uint8_t)r;
			r >>= 8;
		}
	}
}

WEAK void nlrs_bare_log(int level, const char *msg, uint32_t a, uint32_t b)
{
	(void)level;
	(void)msg;
	(void)a;
	(void)b;
}

static void port_random(void *ctx, void *out, size_t len)
{
	(void)ctx;
	nlrs_bare_random(out, len);
}

static void port_log(void *ctx, int level, const char *msg, uint32_t a, uint32_t b)
{
	(void)ctx;
	nlrs_bare_log(level, msg, a, b);
}

void nlrs_bare_port(struct nlrs_port *port)
{
	port->ctx = NULL;
	port->random = port_random;
	port->log = port_log;
}
