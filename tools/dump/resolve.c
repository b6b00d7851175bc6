/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names for printing without -n, as tcpdump: host names by reverse
 * look-up through the system resolver (getnameinfo, NI_NAMEREQD), one
 * look-up per address, cached; port names from the services database
 * (/etc/services), TCP and UDP apart, loaded once.
 */
#include "dump.h"
#include "resolve.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define HOST_SLOTS 4096

struct host_ent {
	bool used;
	bool v6;
	uint8_t addr[16];
	char *name; /* NULL: no name (print the number) */
};

static char **tcp_names, **udp_names;
static struct host_ent *hosts;

void resolve_init(void)
{
	struct servent *se;

	if (tcp_names)
		return;
	tcp_names = calloc(65536, sizeof(char *));
	udp_names = calloc(65536, sizeof(char *));
	hosts = calloc(HOST_SLOTS, sizeof(*hosts));
	if (!tcp_names || !udp_names || !hosts)
		return;
	setservent(1);
	while ((se = getservent()) != NULL) {
		uint16_t port = ntohs((uint16_t)se->s_port);
		char ***tab = NULL;
		if (!strcmp(se->s_proto, "tcp"))
			tab = &tcp_names;
		else if (!strcmp(se->s_proto, "udp"))
			tab = &udp_names;
		if (tab && !(*tab)[port])
			(*tab)[port] = strdup(se->s_name);
	}
	endservent();
}

const char *resolve_port(uint16_t port, bool udp)
{
	char **t = udp ? udp_names : tcp_names;

	return t ? t[port] : NULL;
}

static uint32_t mix(const uint8_t *a, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ a[i]) * 16777619u;
	return h;
}

static const char *lookup(const uint8_t *a, bool v6)
{
	size_t n = v6 ? 16 : 4;
	struct host_ent *e;
	char name[NI_MAXHOST];
	int rc;

	if (!hosts)
		return NULL;
	e = &hosts[mix(a, n) % HOST_SLOTS];
	if (e->used && e->v6 == v6 && !memcmp(e->addr, a, n))
		return e->name;
	free(e->name);
	e->name = NULL;
	e->used = true;
	e->v6 = v6;
	memset(e->addr, 0, sizeof(e->addr));
	memcpy(e->addr, a, n);
	if (v6) {
		struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
		memcpy(&s6.sin6_addr, a, 16);
		rc = getnameinfo((struct sockaddr *)&s6, sizeof(s6), name, sizeof(name), NULL, 0,
				 NI_NAMEREQD);
	} else {
		struct sockaddr_in s4 = { .sin_family = AF_INET };
		memcpy(&s4.sin_addr, a, 4);
		rc = getnameinfo((struct sockaddr *)&s4, sizeof(s4), name, sizeof(name), NULL, 0,
				 NI_NAMEREQD);
	}
	if (rc == 0)
		e->name = strdup(name);
	return e->name;
}

const char *resolve_ip4(uint32_t host_order)
{
	uint8_t a[4] = { (uint8_t)(host_order >> 24), (uint8_t)(host_order >> 16),
			 (uint8_t)(host_order >> 8), (uint8_t)host_order };

	return lookup(a, false);
}

const char *resolve_ip6(const uint8_t a[16])
{
	return lookup(a, true);
}

static char *proto_names[256];
static bool proto_loaded[256];

const char *resolve_proto(uint8_t proto)
{
	if (!proto_loaded[proto]) {
		struct protoent *pe = getprotobynumber(proto);
		proto_loaded[proto] = true;
		if (pe)
			proto_names[proto] = strdup(pe->p_name);
	}
	return proto_names[proto];
}

void resolve_fini(void)
{
	if (tcp_names)
		for (int i = 0; i < 65536; i++) {
			free(tcp_names[i]);
			free(udp_names[i]);
		}
	if (hosts)
		for (int i = 0; i < HOST_SLOTS; i++)
			free(hosts[i].name);
	free(tcp_names);
	free(udp_names);
	free(hosts);
	tcp_names = udp_names = NULL;
	hosts = NULL;
	for (int i = 0; i < 256; i++) {
		free(proto_names[i]);
		proto_names[i] = NULL;
		proto_loaded[i] = false;
	}
}
