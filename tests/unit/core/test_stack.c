/* SPDX-License-Identifier: BSD-2-Clause */
/* Stack set-up, interfaces and the introspection API (stack/stack.c,
 * stack/iface.c, stack/counters.c). */
#include "harness.h"

#include <stdlib.h>

TestSuite(stack, .init = h_setup, .fini = h_teardown);

static int noop_tx(void *ctx, struct nlrs_buf *b)
{
	(void)ctx;
	nlrs_buf_free(b);
	return 0;
}

CORE_TEST(stack, init_rejects_bad_config_and_short_memory)
{
	struct nlrs_stack_config c = h_config();
	c.buf_size = 1000;
	cr_assert_eq(nlrs_stack_mem_size(&c), 0);
	struct nlrs_stack *s2;
	static uint8_t small[4096] __attribute__((aligned(64)));
	cr_assert_eq(nlrs_stack_init(&s2, &c, small, sizeof small), -NLRS_EINVAL);
	c = h_config();
	cr_assert_eq(nlrs_stack_init(&s2, &c, small, sizeof small), -NLRS_ENOMEM);
}

CORE_TEST(stack, iface_add_rejects_bad_mac_duplicate_name_and_tiny_mtu)
{
	struct nlrs_iface_config ic = {
		.name = "eth9",
		.link = NLRS_LINK_ETHERNET,
		.transmit = noop_tx,
		.mac = { 0x01, 0, 0, 0, 0, 1 },
	};
	cr_assert_eq(nlrs_iface_add(S, &ic), -NLRS_EINVAL, "multicast MAC");
	memset(ic.mac, 0, 6);
	cr_assert_eq(nlrs_iface_add(S, &ic), -NLRS_EINVAL, "zero MAC");
	ic.mac[5] = 9;
	ic.name = "eth0";
	cr_assert_eq(nlrs_iface_add(S, &ic), -NLRS_EEXIST);
	ic.name = "eth9";
	ic.mtu = 67;
	cr_assert_eq(nlrs_iface_add(S, &ic), -NLRS_EINVAL, "RFC 791: 68 at least");
	ic.mtu = 0;
	int ifx = nlrs_iface_add(S, &ic);
	cr_assert_geq(ifx, 0);
	cr_assert_eq(nlrs_iface_find(S, "eth9"), ifx);
	cr_assert_eq(nlrs_iface_find(S, "nope"), -NLRS_ENODEV);
	struct nlrs_iface_info ii;
	cr_assert_eq(nlrs_iface_info(S, ifx, &ii), 0);
	cr_assert_eq(ii.mtu, 1500, "0 means 1500");
	cr_assert_not(ii.up, "interfaces start down");
}

CORE_TEST(stack, address_add_rejects_duplicates_and_special_addresses)
{
	cr_assert_eq(nlrs_iface_addr_add(S, IFX, OUR_IP, 24), -NLRS_EEXIST);
	cr_assert_eq(nlrs_iface_addr_add(S, IFX, NLRS_IP4(224, 0, 0, 9), 24), -NLRS_EINVAL);
	cr_assert_eq(nlrs_iface_addr_add(S, IFX, 0xffffffffu, 32), -NLRS_EINVAL);
	cr_assert_eq(nlrs_iface_addr_add(S, IFX, 0, 8), -NLRS_EINVAL);
	cr_assert_eq(nlrs_iface_addr_add(S, IFX, NLRS_IP4(10, 0, 0, 1), 33), -NLRS_EINVAL);
	cr_assert_eq(nlrs_iface_addr_del(S, IFX, NLRS_IP4(10, 0, 0, 1)), -NLRS_EADDRNOTAVAIL);
}

CORE_TEST(stack, iface_info_counts_traffic)
{
	h_learn_peer();
	struct nlrs_iface_info before, ii;
	cr_assert_eq(nlrs_iface_info(S, IFX, &before), 0);
	uint8_t icmp[16];
	size_t in = h_echo(icmp, 1, 1, "abcdefgh", 8);
	struct h_ip ip = h_ip_from_peer(NLRS_IPPROTO_ICMP);
	h_inject_ip(&ip, icmp, in);
	cr_assert_eq(nlrs_iface_info(S, IFX, &ii), 0);
	cr_assert_eq(ii.rx_packets, before.rx_packets + 1);
	cr_assert_eq(ii.rx_bytes, before.rx_bytes + 14 + 20 + in);
	cr_assert_eq(ii.tx_packets, before.tx_packets + 1);
	cr_assert_eq(ii.tx_bytes, before.tx_bytes + TX[0].len);
	cr_assert_eq(ii.naddr, 1);
	cr_assert_eq(ii.addr[0], OUR_IP);
	cr_assert_eq(ii.prefixlen[0], 24);
	cr_assert_eq(memcmp(ii.mac, OUR_MAC, 6), 0);
	cr_assert(ii.up);
}

CORE_TEST(stack, counters_readable_by_name_and_index)
{
	h_learn_peer();
	cr_assert_gt(nlrs_counter_count(), 40);
	cr_assert_eq(nlrs_counter_count(), NLRS_CTR_MAX);
	cr_assert_eq(nlrs_counter_by_name(S, "arp_rx"), 1);
	cr_assert_eq(nlrs_counter_by_name(S, "no_such_counter"), UINT64_MAX);
	for (unsigned i = 0; i < nlrs_counter_count(); i++) {
		cr_assert_not_null(nlrs_counter_name(i));
		cr_assert_not_null(nlrs_counter_help(i));
		cr_assert_eq(nlrs_counter_get(S, i), S->ctr[i]);
		cr_assert_eq(nlrs_counter_by_name(S, nlrs_counter_name(i)), S->ctr[i]);
	}
	cr_assert_str_eq(nlrs_counter_name(NLRS_CTR_frag_overlap), "frag_overlap");
}

CORE_TEST(stack, pool_info_reports_pool)
{
	struct nlrs_pool_info pi;
	nlrs_stack_pool_info(S, &pi);
	cr_assert_eq(pi.count, 2048);
	cr_assert_eq(pi.avail, 2048);
	cr_assert_eq(pi.bufsize, 2048);
	cr_assert_eq(pi.alloc_fail, 0);
}

CORE_TEST(stack, poll_returns_next_timer_deadline)
{
	cr_assert_eq(nlrs_stack_poll(S, NOW), NLRS_TIME_NEVER, "nothing armed");
	h_learn_peer();
	cr_assert_eq(nlrs_stack_poll(S, NOW), NOW + S->cfg.arp_reachable);
}

CORE_TEST(stack, sending_with_empty_pool_fails_cleanly)
{
	h_learn_peer();
	int sd = nlrs_sock_open(S, NLRS_AF_INET, NLRS_SOCK_DGRAM, 0);
	struct nlrs_buf *hold = NULL;
	struct nlrs_buf *b;
	while ((b = nlrs_buf_alloc(&S->pool, 0)) != NULL) {
		b->qnext = hold;
		hold = b;
	}
	struct nlrs_endpoint to = { .family = NLRS_AF_INET, .port = 7, .v4 = PEER_IP };
	cr_assert_eq(nlrs_sock_sendto(S, sd, "x", 1, &to), -NLRS_ENOBUFS);
	cr_assert_gt(CTR(buf_alloc_fail), 0);
	cr_assert_eq(NTX, 0);
	nlrs_buf_free_queue(hold);
}

CORE_TEST(stack, bucket_creates_no_tokens_without_time_passing)
{
	/* 1500 tokens/s: one microsecond is worth 1.5 milli-tokens. However
	 * often it is asked within that microsecond, the bucket must not
	 * grow by more than that. */
	struct nlrs_bucket b = { .tokens = 0, .last = NLRS_SEC(1) };
	unsigned ok = 0;
	for (unsigned i = 0; i < 5000; i++)
		ok += nlrs__bucket_take(&b, NLRS_SEC(1) + 1, 1500, 1);
	cr_assert_eq(ok, 0, "%u tokens taken 1 us after the bucket was empty", ok);
	cr_assert_leq(b.tokens, 2);
}

CORE_TEST(stack, bucket_refills_at_its_rate_under_frequent_calls)
{
	/* 7 tokens/s asked every 33 us for 10 s: 70 tokens, give or take one. */
	struct nlrs_bucket b = { .tokens = 0, .last = NLRS_SEC(1) };
	unsigned ok = 0;
	for (nlrs_time_t t = NLRS_SEC(1); t <= NLRS_SEC(11); t += 33)
		ok += nlrs__bucket_take(&b, t, 7, 3);
	cr_assert_geq(ok, 69);
	cr_assert_leq(ok, 71);
}

CORE_TEST(stack, bucket_never_holds_more_than_burst)
{
	struct nlrs_bucket b = { .tokens = 0, .last = 0 };
	unsigned ok = 0;
	for (unsigned i = 0; i < 100; i++)
		ok += nlrs__bucket_take(&b, NLRS_SEC(3600), 1000, 5);
	cr_assert_eq(ok, 5);
}
