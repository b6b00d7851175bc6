/* SPDX-License-Identifier: BSD-2-Clause */
/* Host and port names for printing without -n (resolve.c). */
#ifndef NLRS_DUMP_RESOLVE_H
#define NLRS_DUMP_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>

void resolve_init(void);
void resolve_fini(void);
/* The service name of a port, or NULL. */
const char *resolve_port(uint16_t port, bool udp);
/* A host's name, or NULL when it has none (cached either way). */
const char *resolve_ip4(uint32_t host_order);
const char *resolve_ip6(const uint8_t a[16]);
/* The protocols database's name of an IP protocol, or NULL. */
const char *resolve_proto(uint8_t proto);

#endif
