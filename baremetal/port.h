/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bare-metal port of the Netloom core: what struct nlrs_port needs
 * (random bytes, a log) with no OS underneath.
 *
 * The firmware overrides the two hooks below by defining functions of the
 * same name; the defaults in port.c are weak symbols:
 *
 *   nlrs_bare_random  default: a 32-bit LFSR stepped by a call counter.
 *                     NOT SECURE: predictable after a few outputs and the
 *                     same after every reset. It only keeps IP IDs and
 *                     ephemeral ports varied. Real firmware MUST supply its
 *                     MCU's TRNG here (e.g. the STM32 RNG peripheral) before
 *                     the stack does anything an attacker can observe (TCP
 *                     initial sequence numbers, once TCP lands).
 *   nlrs_bare_log     default: does nothing. Point it at a UART or an
 *                     RTT/ITM channel to see the stack's events.
 *
 * Time is not part of the port: the firmware passes `now` (microseconds,
 * any monotonic origin) to nlrs_stack_poll and nlrs_stack_input itself.
 */
#ifndef NLRS_BARE_PORT_H
#define NLRS_BARE_PORT_H

#include <stddef.h>
#include <stdint.h>
#include "nlrs/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fill out[0..len) with random bytes. Weak default: NOT secure (see above). */
void nlrs_bare_random(void *out, size_t len);

/* One stack event: level is enum nlrs_log_level, msg a constant string,
 * a and b its numbers. Weak default: no-op. */
void nlrs_bare_log(int level, const char *msg, uint32_t a, uint32_t b);

/* Fill a struct nlrs_port with the two hooks above (ctx NULL). */
void nlrs_bare_port(struct nlrs_port *port);

#ifdef __cplusplus
}
#endif
#endif
