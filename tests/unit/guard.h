/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Guard-page placement (picohttpparser's habit): copy test input so that its
 * last byte sits right before an unmapped page. A parser that reads one byte
 * too far faults instead of passing.
 */
#ifndef NLRS_TEST_GUARD_H
#define NLRS_TEST_GUARD_H
#include <stddef.h>
#include <stdint.h>

/* Returns a pointer to a copy of p[0..len) ending at a page boundary followed
 * by an inaccessible page. Valid until the next call (one buffer per process). */
const uint8_t *guard_copy(const void *p, size_t len);

#endif
