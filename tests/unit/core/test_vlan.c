/* SPDX-License-Identifier: BSD-2-Clause */
/* IEEE 802.1Q VLAN sub-interfaces (stack/iface.c, nlrs_iface_add_vlan):
 * tagged input demultiplexed by (arrival interface, VID), tagged output
 * through the parent's device, up/down of either side. */
#include "harness.h"

#define VLAN_IP NLRS_IP4(203, 0, 113, 2)
#define VLAN_PEER NLRS_IP4(203, 0, 113, 1)

TestSuite(vlan, .init = h_setup, .fini = h_teardown);

static const uint8_t ZERO_MAC[6] = { 0 };

static int add_vlan100(void)
{
	int vx = nlrs_iface_add_vlan(S, IFX, 100, "eth0.100");

	cr_assert_geq(vx, 0);
	cr_assert_eq(nlrs_iface_addr_add(S, vx, VLAN_IP, 24), 0);
	cr_assert_eq(nlrs_iface_set_up(S, vx, true), 0);
	h_clear();
	return vx;
}

/* An ARP request for tpa from the peer, tagged with vid (0: untagged). */
static size_t tagged_arp(uint8_t *out, uint16_t vid, uint32_t tpa)
{
	uint8_t f[128];
	size_t n = h_arp(f, BCAST_MAC, PEER_MAC, NLRS_ARP_REQUEST, PEER_MAC, VLAN_PEER, ZERO_MAC, tpa);

	if (!vid) {
		memcpy(out, f, n);
		return n;
	}
	/* 802.1Q 9.3: TPID 0x8100 and TCI between the source MAC and the type */
	memcpy(out, f, 12);
	out[12] = 0x81;
	out[13] = 0x00;
	out[14] = (uint8_t)(vid >> 8);
	out[15] = (uint8_t)vid;
	memcpy(out + 16, f + 12, n - 12);
	return n + 4;
}

CORE_TEST(vlan, add_refuses_bad_vids_parents_and_duplicates)
{
	cr_assert_eq(nlrs_iface_add_vlan(S, IFX, 0, "v0"), -NLRS_EINVAL);
	cr_assert_eq(nlrs_iface_add_vlan(S, IFX, 4095, "v4095"), -NLRS_EINVAL);
	cr_assert_eq(nlrs_iface_add_vlan(S, 7, 10, "nope"), -NLRS_EINVAL);
	int vx = nlrs_iface_add_vlan(S, IFX, 10, "eth0.10");
	cr_assert_geq(vx, 0);
	cr_assert_eq(nlrs_iface_add_vlan(S, IFX, 10, "again"), -NLRS_EEXIST);
	cr_assert_eq(nlrs_iface_add_vlan(S, vx, 11, "qinq"), -NLRS_EINVAL);
	struct nlrs_iface_info ii, pi;
	cr_assert_eq(nlrs_iface_info(S, vx, &ii), 0);
	cr_assert_eq(nlrs_iface_info(S, IFX, &pi), 0);
	cr_assert_arr_eq(ii.mac, pi.mac, 6);
	cr_assert_eq(ii.mtu, pi.mtu);
	cr_assert_not(ii.up);
}

CORE_TEST(vlan, tagged_arp_request_gets_a_tagged_reply_through_the_parent)
{
	uint8_t f[128];
	int vx = add_vlan100();

	h_inject(f, tagged_arp(f, 100, VLAN_IP));
	cr_assert_eq(NTX, 1);
	const uint8_t *r = TX[0].d;
	cr_assert_eq(TX[0].ifx, IFX, "not sent by the parent's device");
	cr_assert_arr_eq(r, PEER_MAC, 6);
	cr_assert_arr_eq(r + 6, OUR_MAC, 6);
	cr_assert_eq(r[12], 0x81);
	cr_assert_eq(r[13], 0x00);
	cr_assert_eq(((r[14] << 8) | r[15]) & 0x0fff, 100);
	cr_assert_eq(r[16], 0x08);
	cr_assert_eq(r[17], 0x06);
	cr_assert_geq(TX[0].len, 64, "tagged frame not padded to 64");
	struct nlrs_iface_info ii;
	cr_assert_eq(nlrs_iface_info(S, vx, &ii), 0);
	cr_assert_eq(ii.rx_packets, 1);
	cr_assert_eq(ii.tx_packets, 2); /* the gratuitous ARP at up, and the reply */
}

CORE_TEST(vlan, address_of_the_vlan_is_not_answered_untagged_nor_on_another_vid)
{
	uint8_t f[128];

	add_vlan100();
	h_inject(f, tagged_arp(f, 0, VLAN_IP)); /* untagged: eth0's link */
	h_inject(f, tagged_arp(f, 200, VLAN_IP));
	cr_assert_eq(NTX, 0);
	cr_assert_eq(CTR(eth_rx_vlan), 1);
}

CORE_TEST(vlan, down_vlan_or_down_parent_is_silent)
{
	uint8_t f[128];
	int vx = add_vlan100();

	cr_assert_eq(nlrs_iface_set_up(S, vx, false), 0);
	h_inject(f, tagged_arp(f, 100, VLAN_IP));
	cr_assert_eq(NTX, 0);
	cr_assert_eq(nlrs_iface_set_up(S, vx, true), 0);
	h_clear();
	cr_assert_eq(nlrs_iface_set_up(S, IFX, false), 0);
	/* nothing arrives through a down parent; nothing leaves through it */
	h_inject(f, tagged_arp(f, 100, VLAN_IP));
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_DGRAM, 0);
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 7, .v4 = VLAN_PEER };
	cr_assert_geq(sd, 0);
	(void)nlrs_sock_sendto(S, sd, "x", 1, &to);
	h_poll();
	cr_assert_eq(NTX, 0);
	nlrs_sock_close(S, sd);
}
