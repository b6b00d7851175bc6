/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness for the packet library's application decoders (dns.c,
 * dhcp.c, tftp.c, http.c, tls.c, telnet.c, ssh.c through decode.c and
 * walk.c): the first byte picks the protocol (by its well-known port over
 * UDP or TCP, or a port with no decoder so the heuristics run), the rest
 * is the payload, wrapped by the builder in Ethernet/IPv4/UDP or TCP and
 * decoded whole and cut. */
#include "fuzz_packet.h"

static const struct {
	bool tcp;
	uint16_t port;
} apps[] = {
	{ false, 53 }, { true, 53 }, { false, 67 }, { false, 69 }, { true, 80 },
	{ true, 443 }, { true, 23 }, { true, 22 }, { true, 9999 }, { false, 5353 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t f[70000];
	struct nlrs_pkt_builder b;
	unsigned k;
	int n;

	if (size < 1 || size > 65000)
		return 0;
	k = data[0] % (sizeof apps / sizeof apps[0]);
	nlrs_pkt_build_init(&b, f, sizeof f);
	nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ .dst = { 2, 0, 0, 0, 0, 1 } }, 0);
	nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 64, .src = 0xc0000201, .dst = 0xc0000202 }, 0);
	if (apps[k].tcp)
		nlrs_pkt_build_tcp(&b, &(struct nlrs_pkt_tcp){ .sport = 40000, .dport = apps[k].port,
							       .flags = NLRS_TCPF_ACK }, 0);
	else
		nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 40000, .dport = apps[k].port }, 0);
	nlrs_pkt_build_payload(&b, data + 1, size - 1);
	n = nlrs_pkt_build_finish(&b);
	if (n < 0)
		return 0; /* larger than an IP datagram */
	fp_decode_all(NLRS_LINKTYPE_ETHERNET, f, (size_t)n, (size_t)n);
	/* cut at a point the input picks */
	if (size > 2)
		fp_decode_all(NLRS_LINKTYPE_ETHERNET, f, (size_t)n - (data[size - 1] % (size - 1)),
			      (size_t)n);
	return 0;
}
