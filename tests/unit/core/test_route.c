/* SPDX-License-Identifier: BSD-2-Clause */
/* The route table (stack/route.c): longest prefix, metric, gateways. The
 * next hop chosen is read off the ARP request the stack sends for it. */
#include "harness.h"

#define GW1 PEER_IP
#define GW3 NLRS_IP4(192, 0, 2, 3)
#define NET NLRS_IP4(203, 0, 113, 0)

TestSuite(route, .init = h_setup, .fini = h_teardown);

static int send_to(uint32_t ip)
{
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_DGRAM, 0);
	cr_assert_geq(sd, 0);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 7, .v4 = ip };
	int rc = nlrs_sock_sendto(S, sd, "r", 1, &to);
	nlrs_sock_close(S, sd);
	return rc;
}

/* Send to ip and return the address the ARP request asks for. */
static uint32_t next_hop_for(uint32_t ip)
{
	h_clear();
	cr_assert_eq(send_to(ip), 1);
	cr_assert_eq(NTX, 1, "expected one ARP request");
	struct h_rx r;
	h_parse(0, &r);
	cr_assert(r.is_arp);
	cr_assert_eq(r.arp.op, NLRS_ARP_REQUEST);
	return r.arp.tpa;
}

static bool has_route(uint32_t dst, uint8_t plen, bool *connected)
{
	struct nlrs_route_info ri;
	for (unsigned i = 0; nlrs_route_info(S, i, &ri) == 0; i++) {
		if (ri.dst == dst && ri.prefixlen == plen) {
			if (connected)
				*connected = ri.connected;
			return true;
		}
	}
	return false;
}

CORE_TEST(route, address_add_creates_connected_route)
{
	bool conn = false;
	cr_assert(has_route(NLRS_IP4(192, 0, 2, 0), 24, &conn));
	cr_assert(conn);
	cr_assert_eq(next_hop_for(NLRS_IP4(192, 0, 2, 50)), NLRS_IP4(192, 0, 2, 50),
		     "on-link destinations are their own next hop");
}

CORE_TEST(route, longest_prefix_wins)
{
	cr_assert_eq(nlrs_route_add(S, NET, 24, GW1, -1, 0), 0);
	cr_assert_eq(nlrs_route_add(S, NET, 25, GW3, -1, 0), 0);
	cr_assert_eq(next_hop_for(NLRS_IP4(203, 0, 113, 5)), GW3);
	cr_assert_eq(next_hop_for(NLRS_IP4(203, 0, 113, 200)), GW1);
}

CORE_TEST(route, longest_prefix_wins_whatever_the_insertion_order)
{
	cr_assert_eq(nlrs_route_add(S, NET, 25, GW3, -1, 0), 0);
	cr_assert_eq(nlrs_route_add(S, NET, 24, GW1, -1, 0), 0);
	cr_assert_eq(next_hop_for(NLRS_IP4(203, 0, 113, 5)), GW3);
}

CORE_TEST(route, lower_metric_breaks_tie)
{
	cr_assert_eq(nlrs_route_add(S, NET, 24, GW1, -1, 10), 0);
	cr_assert_eq(nlrs_route_add(S, NET, 24, GW3, -1, 5), 0);
	cr_assert_eq(next_hop_for(NLRS_IP4(203, 0, 113, 5)), GW3);
}

CORE_TEST(route, lower_metric_breaks_tie_whatever_the_insertion_order)
{
	cr_assert_eq(nlrs_route_add(S, NET, 24, GW3, -1, 5), 0);
	cr_assert_eq(nlrs_route_add(S, NET, 24, GW1, -1, 10), 0);
	cr_assert_eq(next_hop_for(NLRS_IP4(203, 0, 113, 5)), GW3);
}

CORE_TEST(route, default_route_uses_gateway_as_next_hop)
{
	cr_assert_eq(nlrs_route_add(S, 0, 0, GW1, -1, 0), 0);
	const uint32_t far = NLRS_IP4(198, 51, 100, 7);
	cr_assert_eq(next_hop_for(far), GW1);
	h_clear();
	h_learn_peer();
	cr_assert_eq(NTX, 1, "the queued datagram leaves once the gateway answers");
	struct h_rx r;
	h_parse(0, &r);
	cr_assert(r.is_ip);
	cr_assert_eq(memcmp(r.eth.dst, PEER_MAC, 6), 0);
	cr_assert_eq(r.ip.dst, far);
	cr_assert_eq(r.ip.src, OUR_IP);
}

CORE_TEST(route, gateway_off_link_refused)
{
	unsigned before = 0;
	struct nlrs_route_info ri;
	while (nlrs_route_info(S, before, &ri) == 0)
		before++;
	cr_assert_eq(nlrs_route_add(S, NET, 24, NLRS_IP4(198, 51, 100, 1), -1, 0),
		     -NLRS_ENETUNREACH);
	cr_assert_eq(nlrs_route_info(S, before, &ri), -NLRS_ENOENT, "nothing added");
}

CORE_TEST(route, duplicate_route_refused)
{
	cr_assert_eq(nlrs_route_add(S, NET, 24, GW1, -1, 0), 0);
	cr_assert_eq(nlrs_route_add(S, NET, 24, GW1, -1, 0), -NLRS_EEXIST);
}

CORE_TEST(route, connected_route_removed_with_address)
{
	cr_assert_eq(nlrs_iface_addr_del(S, IFX, OUR_IP), 0);
	cr_assert_not(has_route(NLRS_IP4(192, 0, 2, 0), 24, NULL));
	cr_assert_eq(send_to(PEER_IP), -NLRS_ENETUNREACH);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(route, connected_route_kept_while_another_address_holds_prefix)
{
	cr_assert_eq(nlrs_iface_addr_add(S, IFX, GW3, 24), 0);
	cr_assert_eq(nlrs_iface_addr_del(S, IFX, OUR_IP), 0);
	cr_assert(has_route(NLRS_IP4(192, 0, 2, 0), 24, NULL));
	cr_assert_eq(next_hop_for(PEER_IP), PEER_IP);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(r.arp.spa, GW3, "the remaining address is the source");
}

CORE_TEST(route, no_route_gives_enetunreach_and_counts)
{
	cr_assert_eq(send_to(NLRS_IP4(203, 0, 113, 9)), -NLRS_ENETUNREACH);
	cr_assert_eq(CTR(ip_tx_no_route), 1);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(route, no_route_from_bound_socket_gives_enetunreach_and_counts)
{
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_DGRAM, 0);
	struct nlrs_endpoint me = { .family = NLRS_AF_INET, .v4 = OUR_IP, .port = 1000 };
	cr_assert_eq(nlrs_sock_bind(S, sd, &me), 0);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET,
				    .port = 7,
				    .v4 = NLRS_IP4(203, 0, 113, 9) };
	cr_assert_eq(nlrs_sock_sendto(S, sd, "r", 1, &to), -NLRS_ENETUNREACH);
	cr_assert_eq(CTR(ip_tx_no_route), 1);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(route, deleted_route_no_longer_used)
{
	cr_assert_eq(nlrs_route_add(S, NET, 24, GW1, -1, 0), 0);
	cr_assert_eq(nlrs_route_del(S, NET, 24, GW1), 0);
	cr_assert_eq(nlrs_route_del(S, NET, 24, GW1), -NLRS_ENOENT);
	cr_assert_eq(send_to(NLRS_IP4(203, 0, 113, 9)), -NLRS_ENETUNREACH);
}

CORE_TEST(route, route_via_interface_that_is_down_is_skipped)
{
	int if1 = h_add_if1();
	cr_assert_eq(nlrs_route_add(S, NET, 24, GW1, -1, 0), 0);
	cr_assert_eq(nlrs_route_add(S, NET, 25, NLRS_IP4(198, 51, 100, 1), if1, 0), 0);
	cr_assert_eq(nlrs_iface_set_up(S, if1, false), 0);
	cr_assert_eq(next_hop_for(NLRS_IP4(203, 0, 113, 5)), GW1);
}

CORE_TEST(route, device_route_without_gateway_resolves_destination_itself)
{
	cr_assert_eq(nlrs_route_add(S, NET, 24, 0, IFX, 0), 0);
	cr_assert_eq(next_hop_for(NLRS_IP4(203, 0, 113, 9)), NLRS_IP4(203, 0, 113, 9));
	cr_assert_eq(nlrs_route_add(S, NET, 24, 0, -1, 0), -NLRS_EINVAL, "which interface?");
}
