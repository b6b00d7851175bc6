/* SPDX-License-Identifier: BSD-2-Clause */
/* ARP and the neighbour cache (stack/arp.c), RFC 826 / RFC 1122 2.3.2 / RFC 5227. */
#include "harness.h"

static const uint8_t ZERO_MAC[6] = { 0 };
static const uint8_t OTHER_MAC[6] = { 0x02, 0, 0, 0, 0, 0x99 };

TestSuite(arp, .init = h_setup, .fini = h_teardown);

static bool arp_find(uint32_t ip, struct nlrs_arp_info *out)
{
	for (unsigned i = 0;; i++) {
		struct nlrs_arp_info tmp;
		int rc = nlrs_arp_info(S, i, &tmp);
		if (rc < 0)
			return false;
		if (rc == 1 && tmp.ip == ip) {
			if (out)
				*out = tmp;
			return true;
		}
	}
}

static unsigned arp_used(void)
{
	unsigned n = 0;
	struct nlrs_arp_info tmp;
	for (unsigned i = 0; nlrs_arp_info(S, i, &tmp) >= 0; i++)
		n += nlrs_arp_info(S, i, &tmp) == 1;
	return n;
}

static int udp_sock(void)
{
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_DGRAM, 0);
	cr_assert_geq(sd, 0);
	return sd;
}

static int send_to(int sd, uint32_t ip, const char *msg)
{
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 7, .v4 = ip };
	return nlrs_sock_sendto(S, sd, msg, strlen(msg), &to);
}

static void inject_arp(uint16_t op, const uint8_t sha[6], uint32_t spa, uint32_t tpa)
{
	uint8_t f[64];
	size_t n = h_arp(f, op == NLRS_ARP_REQUEST ? BCAST_MAC : OUR_MAC, PEER_MAC, op, sha, spa,
			 ZERO_MAC, tpa);
	h_inject(f, n);
}

/* Check captured frame i is a broadcast (or unicast to PEER_MAC) ARP request for tpa. */
static void assert_request(unsigned i, uint32_t tpa, bool unicast)
{
	struct h_rx r;
	h_parse(i, &r);
	cr_assert(r.is_arp, "frame %u is not ARP", i);
	cr_assert_eq(memcmp(r.eth.dst, unicast ? PEER_MAC : BCAST_MAC, 6), 0,
		     "frame %u: wrong Ethernet destination", i);
	cr_assert_eq(r.arp.op, NLRS_ARP_REQUEST);
	cr_assert_eq(memcmp(r.arp.sha, OUR_MAC, 6), 0);
	cr_assert_eq(r.arp.spa, OUR_IP);
	cr_assert_eq(r.arp.tpa, tpa);
}

CORE_TEST(arp, request_from_off_link_sender_is_answered_but_not_cached)
{
	/* 203.0.113.9 is on none of our prefixes: we answer, like Linux, but
	 * never learn a neighbour we would not route to directly. */
	inject_arp(NLRS_ARP_REQUEST, PEER_MAC, NLRS_IP4(203, 0, 113, 9), OUR_IP);
	cr_assert_eq(CTR(arp_replies_sent), 1);
	cr_assert_not(arp_find(NLRS_IP4(203, 0, 113, 9), NULL));
	cr_assert_eq(arp_used(), 0);
}

CORE_TEST(arp, request_for_our_address_gets_reply_with_right_fields)
{
	inject_arp(NLRS_ARP_REQUEST, PEER_MAC, PEER_IP, OUR_IP);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert(r.is_arp);
	cr_assert_eq(memcmp(r.eth.dst, PEER_MAC, 6), 0);
	cr_assert_eq(r.arp.op, NLRS_ARP_REPLY);
	cr_assert_eq(memcmp(r.arp.sha, OUR_MAC, 6), 0);
	cr_assert_eq(r.arp.spa, OUR_IP);
	cr_assert_eq(memcmp(r.arp.tha, PEER_MAC, 6), 0);
	cr_assert_eq(r.arp.tpa, PEER_IP);
	cr_assert_eq(TX[0].len, 60, "padded to the Ethernet minimum");
	cr_assert_eq(CTR(arp_rx), 1);
	cr_assert_eq(CTR(arp_replies_sent), 1);
	/* RFC 826: the requester is cached. */
	struct nlrs_arp_info ai;
	cr_assert(arp_find(PEER_IP, &ai));
	cr_assert_eq(ai.state, NLRS_ARP_REACHABLE);
	cr_assert_eq(memcmp(ai.mac, PEER_MAC, 6), 0);
}

CORE_TEST(arp, request_for_other_host_not_answered_nor_cached)
{
	inject_arp(NLRS_ARP_REQUEST, PEER_MAC, PEER_IP, NLRS_IP4(192, 0, 2, 99));
	cr_assert_eq(NTX, 0);
	cr_assert_eq(arp_used(), 0);
	cr_assert_eq(CTR(arp_rx_not_for_us), 1);
	cr_assert_eq(CTR(arp_replies_sent), 0);
}

CORE_TEST(arp, unresolved_neighbour_sends_one_request_and_queues_until_reply)
{
	int sd = udp_sock();
	cr_assert_eq(send_to(sd, PEER_IP, "first"), 5);
	cr_assert_eq(send_to(sd, PEER_IP, "second"), 6);
	cr_assert_eq(NTX, 1, "one request for two packets");
	assert_request(0, PEER_IP, false);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(memcmp(r.arp.tha, ZERO_MAC, 6), 0);
	struct nlrs_arp_info ai;
	cr_assert(arp_find(PEER_IP, &ai));
	cr_assert_eq(ai.state, NLRS_ARP_INCOMPLETE);
	cr_assert_eq(ai.queued, 2);
	h_clear();

	h_learn_peer();
	cr_assert_eq(NTX, 2, "both queued packets go out on the reply");
	for (unsigned i = 0; i < 2; i++) {
		h_parse(i, &r);
		cr_assert(r.is_ip);
		cr_assert_eq(memcmp(r.eth.dst, PEER_MAC, 6), 0);
		cr_assert_eq(r.ip.dst, PEER_IP);
		cr_assert_eq(r.ip.proto, NLRS_IPPROTO_UDP);
		const char *want = i == 0 ? "first" : "second";
		cr_assert_eq(r.l4len, 8 + strlen(want));
		cr_assert_eq(memcmp(r.l4 + 8, want, strlen(want)), 0, "queue order kept");
	}
	cr_assert(arp_find(PEER_IP, &ai));
	cr_assert_eq(ai.state, NLRS_ARP_REACHABLE);
	cr_assert_eq(ai.queued, 0);
	cr_assert_eq(CTR(arp_requests_sent), 1);
}

CORE_TEST(arp, unanswered_request_retried_then_queue_dropped_and_counted)
{
	int sd = udp_sock();
	const nlrs_time_t t0 = NOW;
	cr_assert_eq(send_to(sd, PEER_IP, "a"), 1);
	cr_assert_eq(send_to(sd, PEER_IP, "b"), 1);
	cr_assert_eq(h_count_arp(), 1);
	NOW = t0 + S->cfg.arp_retry - 1;
	h_poll();
	cr_assert_eq(h_count_arp(), 1, "no retry before arp_retry");
	NOW = t0 + S->cfg.arp_retry;
	h_poll();
	cr_assert_eq(h_count_arp(), 2);
	NOW = t0 + 2 * S->cfg.arp_retry;
	h_poll();
	cr_assert_eq(h_count_arp(), 3);
	for (unsigned i = 0; i < 3; i++)
		assert_request(i, PEER_IP, false);
	cr_assert_eq(CTR(arp_resolve_failed), 0);
	cr_assert_eq(S->cfg.arp_retries, 3);
	NOW = t0 + 3 * S->cfg.arp_retry;
	h_poll();
	cr_assert_eq(NTX, 3, "no fourth request with arp_retries = 3");
	cr_assert_eq(CTR(arp_requests_sent), 3);
	cr_assert_eq(CTR(arp_resolve_failed), 2, "both queued packets dropped and counted");
	cr_assert_eq(h_count_ip(), 0);
	/* The queue's buffers are back in the pool already. */
	cr_assert_eq(S->pool.avail, S->pool.count);
	struct nlrs_arp_info ai;
	cr_assert(arp_find(PEER_IP, &ai));
	cr_assert_eq(ai.state, NLRS_ARP_FAILED);
	cr_assert_eq(send_to(sd, PEER_IP, "c"), -NLRS_EHOSTUNREACH);
	cr_assert_eq(CTR(arp_resolve_failed), 3);
	cr_assert_eq(NTX, 3, "a failed neighbour is not asked again at once");
}

CORE_TEST(arp, queue_limit_drops_and_counts)
{
	struct nlrs_stack_config c = h_config();
	c.arp_queue_len = 4;
	h_restart(&c);
	int sd = udp_sock();
	for (int i = 0; i < 4; i++)
		cr_assert_eq(send_to(sd, PEER_IP, "x"), 1);
	cr_assert_eq(send_to(sd, PEER_IP, "x"), -NLRS_ENOBUFS);
	cr_assert_eq(send_to(sd, PEER_IP, "x"), -NLRS_ENOBUFS);
	cr_assert_eq(CTR(arp_queue_full), 2);
	struct nlrs_arp_info ai;
	cr_assert(arp_find(PEER_IP, &ai));
	cr_assert_eq(ai.queued, 4);
	h_clear();
	h_learn_peer();
	cr_assert_eq(h_count_ip(), 4);
}

CORE_TEST(arp, reachable_becomes_stale_and_use_sends_one_unicast_request)
{
	int sd = udp_sock();
	h_learn_peer();
	const nlrs_time_t t0 = NOW;
	struct nlrs_arp_info ai;
	NOW = t0 + S->cfg.arp_reachable - 1;
	h_poll();
	cr_assert(arp_find(PEER_IP, &ai));
	cr_assert_eq(ai.state, NLRS_ARP_REACHABLE);
	NOW = t0 + S->cfg.arp_reachable;
	h_poll();
	cr_assert(arp_find(PEER_IP, &ai));
	cr_assert_eq(ai.state, NLRS_ARP_STALE);
	cr_assert_eq(NTX, 0, "going stale sends nothing by itself");

	cr_assert_eq(send_to(sd, PEER_IP, "one"), 3);
	cr_assert_eq(send_to(sd, PEER_IP, "two"), 3);
	cr_assert_eq(h_count_ip(), 2, "STALE entries are still used at once");
	cr_assert_eq(h_count_arp(), 1, "one refresh for two packets");
	for (unsigned i = 0; i < NTX; i++) {
		struct h_rx r;
		h_parse(i, &r);
		if (r.is_arp)
			assert_request(i, PEER_IP, true);
		else
			cr_assert_eq(memcmp(r.eth.dst, PEER_MAC, 6), 0);
	}
	cr_assert_eq(CTR(arp_requests_sent), 1);
	h_learn_peer();
	cr_assert(arp_find(PEER_IP, &ai));
	cr_assert_eq(ai.state, NLRS_ARP_REACHABLE);
}

CORE_TEST(arp, stale_entry_unused_is_freed)
{
	h_learn_peer();
	h_advance(S->cfg.arp_reachable);
	cr_assert(arp_find(PEER_IP, NULL));
	h_advance(S->cfg.arp_reachable);
	cr_assert_not(arp_find(PEER_IP, NULL));
	cr_assert_eq(S->wheel.count, 0);
}

CORE_TEST(arp, many_destinations_at_once_are_rate_limited)
{
	struct nlrs_stack_config c = h_config();
	c.arp_rate = 10;
	h_restart(&c);
	int sd = udp_sock();
	for (unsigned i = 0; i < 30; i++)
		cr_assert_eq(send_to(sd, NLRS_IP4(192, 0, 2, 10 + i), "q"), 1);
	cr_assert_eq(h_count_arp(), 10);
	cr_assert_eq(CTR(arp_requests_sent), 10);
	cr_assert_eq(CTR(arp_rate_limited), 20);
	cr_assert_eq(arp_used(), 30, "held-back neighbours still wait in the cache");
	/* A second later the bucket holds 10 tokens again. */
	h_clear();
	h_advance(S->cfg.arp_retry);
	cr_assert_eq(h_count_arp(), 10);
}

CORE_TEST(arp, gratuitous_arp_sent_when_interface_comes_up)
{
	uint64_t before = CTR(arp_gratuitous_sent);
	cr_assert_eq(nlrs_iface_set_up(S, IFX, false), 0);
	cr_assert_eq(NTX, 0);
	cr_assert_eq(nlrs_iface_set_up(S, IFX, true), 0);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert(r.is_arp);
	cr_assert_eq(memcmp(r.eth.dst, BCAST_MAC, 6), 0);
	cr_assert_eq(r.arp.op, NLRS_ARP_REQUEST);
	cr_assert_eq(memcmp(r.arp.sha, OUR_MAC, 6), 0);
	cr_assert_eq(r.arp.spa, OUR_IP);
	cr_assert_eq(r.arp.tpa, OUR_IP, "RFC 5227 announcement: sender = target");
	cr_assert_eq(memcmp(r.arp.tha, ZERO_MAC, 6), 0);
	cr_assert_eq(CTR(arp_gratuitous_sent), before + 1);
}

CORE_TEST(arp, gratuitous_arp_sent_on_address_add_only_when_up)
{
	const uint32_t a3 = NLRS_IP4(192, 0, 2, 3), a4 = NLRS_IP4(192, 0, 2, 4);
	cr_assert_eq(nlrs_iface_addr_add(S, IFX, a3, 24), 0);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert(r.is_arp);
	cr_assert_eq(r.arp.spa, a3);
	cr_assert_eq(r.arp.tpa, a3);
	h_clear();
	cr_assert_eq(nlrs_iface_set_up(S, IFX, false), 0);
	cr_assert_eq(nlrs_iface_addr_add(S, IFX, a4, 24), 0);
	cr_assert_eq(NTX, 0, "nothing goes out of an interface that is down");
}

CORE_TEST(arp, another_host_claiming_our_address_is_counted_and_defended)
{
	inject_arp(NLRS_ARP_REQUEST, OTHER_MAC, OUR_IP, OUR_IP);
	cr_assert_eq(CTR(arp_conflict), 1);
	cr_assert_not(arp_find(OUR_IP, NULL), "our own address never enters the cache");
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert(r.is_arp);
	cr_assert_eq(memcmp(r.arp.sha, OUR_MAC, 6), 0);
	cr_assert_eq(r.arp.spa, OUR_IP);
	cr_assert_eq(r.arp.tpa, OUR_IP);
}

CORE_TEST(arp, short_packet_counted)
{
	uint8_t f[64], a[NLRS_ARP_LEN];
	struct nlrs_arp_pkt p = { .op = NLRS_ARP_REQUEST, .spa = PEER_IP, .tpa = OUR_IP };
	memcpy(p.sha, PEER_MAC, 6);
	nlrs_arp_emit(a, sizeof a, &p);
	size_t n = h_eth(f, BCAST_MAC, PEER_MAC, NLRS_ETHERTYPE_ARP, a, 20);
	h_inject(f, n);
	cr_assert_eq(CTR(arp_rx_short), 1);
	cr_assert_eq(NTX, 0);
	cr_assert_eq(arp_used(), 0);
}

static void inject_edited_arp(unsigned byte, uint8_t value)
{
	uint8_t f[64];
	size_t n = h_arp(f, BCAST_MAC, PEER_MAC, NLRS_ARP_REQUEST, PEER_MAC, PEER_IP, ZERO_MAC,
			 OUR_IP);
	f[NLRS_ETH_HLEN + byte] = value;
	h_inject(f, n);
}

CORE_TEST(arp, bad_hardware_type_counted_as_bad_format)
{
	inject_edited_arp(1, 6); /* htype 6 (IEEE 802) */
	cr_assert_eq(CTR(arp_rx_bad_format), 1);
	cr_assert_eq(NTX, 0);
	cr_assert_eq(arp_used(), 0);
}

CORE_TEST(arp, bad_protocol_length_counted_as_bad_format)
{
	inject_edited_arp(5, 16);
	cr_assert_eq(CTR(arp_rx_bad_format), 1);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(arp, unknown_opcode_counted_as_bad_format)
{
	inject_edited_arp(7, 3); /* RARP request */
	cr_assert_eq(CTR(arp_rx_bad_format), 1);
	cr_assert_eq(NTX, 0);
	cr_assert_eq(arp_used(), 0);
}

CORE_TEST(arp, multicast_sender_mac_counted_as_bad_sender)
{
	const uint8_t mc[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	inject_arp(NLRS_ARP_REQUEST, mc, PEER_IP, OUR_IP);
	cr_assert_eq(CTR(arp_rx_bad_sender), 1);
	cr_assert_eq(NTX, 0);
	cr_assert_eq(arp_used(), 0);
}

CORE_TEST(arp, broadcast_sender_address_counted_as_bad_sender)
{
	inject_arp(NLRS_ARP_REQUEST, PEER_MAC, 0xffffffffu, OUR_IP);
	inject_arp(NLRS_ARP_REQUEST, PEER_MAC, NET_BCAST, OUR_IP);
	inject_arp(NLRS_ARP_REQUEST, PEER_MAC, NLRS_IP4(224, 0, 0, 1), OUR_IP);
	cr_assert_eq(CTR(arp_rx_bad_sender), 3);
	cr_assert_eq(NTX, 0);
	cr_assert_eq(arp_used(), 0);
}

CORE_TEST(arp, our_own_mac_as_sender_counted_as_bad_sender)
{
	inject_arp(NLRS_ARP_REQUEST, OUR_MAC, PEER_IP, OUR_IP);
	cr_assert_eq(CTR(arp_rx_bad_sender), 1);
	cr_assert_eq(NTX, 0);
}

CORE_TEST(arp, full_cache_of_live_entries_refuses_new_neighbour)
{
	struct nlrs_stack_config c = h_config();
	c.arp_entries = 2;
	h_restart(&c);
	const uint8_t mac3[6] = { 0x02, 0, 0, 0, 0, 0x03 };
	h_learn_peer();
	h_learn_on(IFX, NLRS_IP4(192, 0, 2, 3), mac3, OUR_IP);
	int sd = udp_sock();
	cr_assert_eq(send_to(sd, NLRS_IP4(192, 0, 2, 4), "z"), -NLRS_ENOBUFS);
	cr_assert_eq(CTR(arp_cache_full), 1);
	cr_assert_eq(NTX, 0);
	cr_assert_not(arp_find(NLRS_IP4(192, 0, 2, 4), NULL));
}

CORE_TEST(arp, full_cache_evicts_stale_entry_for_new_neighbour)
{
	struct nlrs_stack_config c = h_config();
	c.arp_entries = 2;
	h_restart(&c);
	const uint8_t mac3[6] = { 0x02, 0, 0, 0, 0, 0x03 };
	h_learn_peer();
	h_learn_on(IFX, NLRS_IP4(192, 0, 2, 3), mac3, OUR_IP);
	h_advance(S->cfg.arp_reachable); /* both STALE */
	int sd = udp_sock();
	cr_assert_eq(send_to(sd, NLRS_IP4(192, 0, 2, 4), "z"), 1);
	cr_assert_eq(CTR(arp_cache_full), 0);
	cr_assert(arp_find(NLRS_IP4(192, 0, 2, 4), NULL));
	cr_assert_eq(arp_used(), 2);
}

CORE_TEST(arp, interface_down_flushes_queue_and_entries)
{
	int sd = udp_sock();
	cr_assert_eq(send_to(sd, PEER_IP, "a"), 1);
	cr_assert_eq(nlrs_iface_set_up(S, IFX, false), 0);
	cr_assert_eq(arp_used(), 0);
	cr_assert_eq(CTR(arp_resolve_failed), 1);
	cr_assert_eq(S->wheel.count, 0);
	cr_assert_eq(S->pool.avail, S->pool.count);
}

CORE_TEST(arp, gratuitous_arp_from_neighbour_resolves_pending_entry)
{
	/* RFC 826: a packet from a sender already in the cache updates it
	 * even when it is not addressed to us. */
	int sd = udp_sock();
	cr_assert_eq(send_to(sd, PEER_IP, "wait"), 4);
	h_clear();
	inject_arp(NLRS_ARP_REQUEST, PEER_MAC, PEER_IP, PEER_IP);
	cr_assert_eq(h_count_ip(), 1);
	struct h_rx r;
	h_parse((unsigned)h_nth_ip(0), &r);
	cr_assert_eq(memcmp(r.eth.dst, PEER_MAC, 6), 0);
	struct nlrs_arp_info ai;
	cr_assert(arp_find(PEER_IP, &ai));
	cr_assert_eq(ai.state, NLRS_ARP_REACHABLE);
}

CORE_TEST(arp, neighbour_changing_mac_updates_entry)
{
	h_learn_peer();
	inject_arp(NLRS_ARP_REQUEST, OTHER_MAC, PEER_IP, PEER_IP);
	struct nlrs_arp_info ai;
	cr_assert(arp_find(PEER_IP, &ai));
	cr_assert_eq(memcmp(ai.mac, OTHER_MAC, 6), 0);
	int sd = udp_sock();
	h_clear();
	cr_assert_eq(send_to(sd, PEER_IP, "new"), 3);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(memcmp(r.eth.dst, OTHER_MAC, 6), 0);
}

CORE_TEST(arp, probe_with_zero_sender_answered_but_not_cached)
{
	/* RFC 5227 2.1.1 probe: sender IP 0.0.0.0. */
	inject_arp(NLRS_ARP_REQUEST, PEER_MAC, 0, OUR_IP);
	cr_assert_eq(NTX, 1);
	struct h_rx r;
	h_parse(0, &r);
	cr_assert_eq(r.arp.op, NLRS_ARP_REPLY);
	cr_assert_eq(memcmp(r.eth.dst, PEER_MAC, 6), 0);
	cr_assert_eq(arp_used(), 0);
}

CORE_TEST(arp, fragments_wait_for_resolution_and_leave_in_order)
{
	static uint8_t data[8000];
	h_pattern(data, sizeof data, 3);
	int sd = udp_sock();
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 7, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, data, sizeof data, &to), (int)sizeof data);
	cr_assert_eq(NTX, 1, "one request for all six fragments");
	struct nlrs_arp_info ai;
	cr_assert(arp_find(PEER_IP, &ai));
	cr_assert_eq(ai.queued, 6);
	h_clear();
	h_learn_peer();
	cr_assert_eq(NTX, 6);
	uint16_t prev = 0;
	for (unsigned i = 0; i < 6; i++) {
		struct h_rx r;
		h_parse(i, &r);
		cr_assert_eq(memcmp(r.eth.dst, PEER_MAC, 6), 0);
		cr_assert(i == 0 || r.ip.frag_off > prev, "fragments out of order");
		prev = r.ip.frag_off;
	}
	struct h_rx r0;
	h_parse(0, &r0);
	uint8_t out[8100];
	cr_assert_eq(h_reassemble(NLRS_IPPROTO_UDP, r0.ip.id, 1500, out, sizeof out, NULL, NULL),
		     8008);
	cr_assert_eq(memcmp(out + 8, data, sizeof data), 0);
}
