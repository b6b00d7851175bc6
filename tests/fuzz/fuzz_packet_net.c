/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness for the packet library's network layers on raw IP
 * (decode.c on ipv4.c, ipv6.c, ipv6_ext.c, ipsec.c, arp_any.c, icmp4.c,
 * icmp6.c, icmp_msg.c, cut.c): IPv4/IPv6 with options, extension
 * headers, AH/ESP, tunnels, ICMP errors and their quotes, ND, MLD, cut
 * or whole. The fast path runs on the same bytes and, where it answers,
 * agrees with the full decoder. */
#include "fuzz_packet.h"

static void fast_agrees(const uint8_t *data, size_t size)
{
	uint8_t *c = fuzz_dup(data, size);
	struct nlrs_pkt_fast f;
	struct nlrs_pkt p;

	if (nlrs_pkt_fast_decode_ip(c, size, &f) == 0) {
		const struct nlrs_pkt_layer *t;

		nlrs_pkt_decode(&p, NLRS_LINKTYPE_RAW, c, size, size, NULL);
		t = nlrs_pkt_transport(&p);
		FUZZ_CHECK(t != NULL && t->off == f.l4off);
		FUZZ_CHECK(f.payload_off <= size && f.payload_off + (size_t)f.payload_len <= size);
		if (f.proto == NLRS_IPPROTO_TCP)
			FUZZ_CHECK(t->type == NLRS_LAYER_TCP && t->u.tcp.seq == f.seq &&
				   t->u.tcp.sport == f.sport && t->u.tcp.flags == f.tcp_flags);
		else
			FUZZ_CHECK(t->type == NLRS_LAYER_UDP && t->u.udp.dport == f.dport);
	}
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t wire;

	if (size < 1)
		return 0;
	wire = size - 1 + (data[0] & 0x80 ? (size_t)(data[0] & 0x7f) * 8 : 0);
	fp_decode_all(NLRS_LINKTYPE_RAW, data + 1, size - 1, wire);
	fast_agrees(data + 1, size - 1);
	return 0;
}
