/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fault injector over the loopback device. Transmit faults: send through the
 * wrapper, read the loopback directly. Receive faults: send into the
 * loopback directly, read through the wrapper. Fixed seeds, explicit times.
 */
#include <string.h>
#include <criterion/criterion.h>
#include "netdev_test.h"
#include "netdev_priv.h"

static struct nlrs_netdev *lo, *f;

TestSuite(fault, .init = t_pool_setup);

static void wrap(const struct nlrs_fault_config *cfg, uint64_t seed)
{
	cr_assert_eq(nlrs_loopback_open(&lo, "lo0", &t_pool, 1500), 0);
	cr_assert_eq(nlrs_fault_wrap(&f, lo, cfg, seed), 0);
	cr_assert_eq(f->lower, lo);
	cr_assert_eq(f->fd, lo->fd);
	cr_assert_eq(f->link, lo->link);
	cr_assert_eq(f->mtu, lo->mtu);
}

static void done(void)
{
	nlrs_netdev_close(f); /* closes lo too */
	t_pool_check();
}

/* Send n frames of len bytes through the wrapper at `now`, draining the
 * loopback as we go; returns how many came out (each checked intact). */
static unsigned tx_count(uint32_t first, unsigned n, size_t len, nlrs_time_t now)
{
	unsigned got = 0;
	int err;
	for (unsigned i = 0; i < n; i++) {
		cr_assert_eq(nlrs_netdev_send(f, t_frame(first + i, len), now), 0);
		struct nlrs_buf *b;
		while ((b = nlrs_netdev_recv(lo, now, &err)) != NULL) {
			cr_assert(t_frame_ok(b, t_seq(b), len));
			got++;
			nlrs_buf_free(b);
		}
	}
	return got;
}

static unsigned rx_count(uint32_t first, unsigned n, size_t len, nlrs_time_t now)
{
	unsigned got = 0;
	int err;
	for (unsigned i = 0; i < n; i++) {
		cr_assert_eq(nlrs_netdev_send(lo, t_frame(first + i, len), now), 0);
		struct nlrs_buf *b;
		while ((b = nlrs_netdev_recv(f, now, &err)) != NULL) {
			cr_assert(t_frame_ok(b, t_seq(b), len));
			got++;
			nlrs_buf_free(b);
		}
		cr_assert_eq(err, 0);
	}
	return got;
}

Test(fault, rejects_chance_over_100)
{
	struct nlrs_fault_config cfg = { .drop_chance = 101 };
	cr_assert_eq(nlrs_loopback_open(&lo, "lo0", &t_pool, 1500), 0);
	cr_assert_eq(nlrs_fault_wrap(&f, lo, &cfg, 1), -NLRS_EINVAL);
	cr_assert_null(f);
	nlrs_netdev_close(lo);
	t_pool_check();
}

Test(fault, drop_100_drops_everything_both_ways)
{
	struct nlrs_fault_config cfg = { .drop_chance = 100 };
	struct nlrs_fault_stats st;
	wrap(&cfg, 1);
	cr_assert_eq(tx_count(0, 200, 64, 0), 0);
	cr_assert_eq(rx_count(0, 200, 64, 0), 0);
	nlrs_fault_stats(f, &st);
	cr_assert_eq(st.dropped, 400);
	cr_assert_eq(st.corrupted + st.oversize + st.rate_limited + st.duplicated + st.reordered, 0);
	done();
}

Test(fault, drop_0_passes_everything_in_order)
{
	struct nlrs_fault_config cfg = { 0 };
	struct nlrs_fault_stats st;
	int err;
	wrap(&cfg, 1);
	for (uint32_t i = 0; i < 50; i++)
		nlrs_netdev_send(f, t_frame(i, 80), 0);
	for (uint32_t i = 0; i < 50; i++) {
		struct nlrs_buf *b = nlrs_netdev_recv(f, 0, &err);
		cr_assert_not_null(b);
		cr_assert(t_frame_ok(b, i, 80));
		nlrs_buf_free(b);
	}
	cr_assert_null(nlrs_netdev_recv(f, 0, &err));
	cr_assert_eq(nlrs_netdev_poll(f, 0), NLRS_TIME_NEVER);
	nlrs_fault_stats(f, &st);
	cr_assert_eq(st.dropped, 0);
	done();
}

Test(fault, drop_50_drops_about_half_and_is_repeatable)
{
	struct nlrs_fault_config cfg = { .drop_chance = 50 };
	struct nlrs_fault_stats st;
	wrap(&cfg, 42);
	unsigned tx = tx_count(0, 2000, 64, 0);
	unsigned rx = rx_count(0, 2000, 64, 0);
	/* Binomial(2000, 0.5): sd ~22; 800..1200 is 9 sd wide. */
	cr_assert(tx >= 800 && tx <= 1200, "tx passed %u of 2000", tx);
	cr_assert(rx >= 800 && rx <= 1200, "rx passed %u of 2000", rx);
	nlrs_fault_stats(f, &st);
	cr_assert_eq(st.dropped, 4000u - tx - rx);
	done();

	/* The same seed gives the same losses. */
	wrap(&cfg, 42);
	cr_assert_eq(tx_count(0, 2000, 64, 0), tx);
	cr_assert_eq(rx_count(0, 2000, 64, 0), rx);
	done();
}

static unsigned bit_distance(const struct nlrs_buf *b, uint32_t seq, size_t len)
{
	struct nlrs_buf *ref = t_frame(seq, len);
	uint8_t x[2048], y[2048];
	cr_assert_eq(b->tot_len, len);
	nlrs_buf_copy_out(b, 0, x, len);
	nlrs_buf_copy_out(ref, 0, y, len);
	nlrs_buf_free(ref);
	unsigned d = 0;
	for (size_t i = 0; i < len; i++)
		d += (unsigned)__builtin_popcount((unsigned)(x[i] ^ y[i]));
	return d;
}

Test(fault, corrupt_flips_exactly_one_bit)
{
	struct nlrs_fault_config cfg = { .corrupt_chance = 100 };
	struct nlrs_fault_stats st;
	int err;
	wrap(&cfg, 7);
	/* tx; sequence numbers far apart so a flipped seq bit is still
	 * attributed correctly (we compare to the frame we know we sent). */
	for (uint32_t i = 0; i < 100; i++) {
		nlrs_netdev_send(f, t_frame(i, 200), 0);
		struct nlrs_buf *b = nlrs_netdev_recv(lo, 0, &err);
		cr_assert_not_null(b);
		cr_assert_eq(bit_distance(b, i, 200), 1, "frame %u", i);
		nlrs_buf_free(b);
	}
	/* rx */
	for (uint32_t i = 0; i < 100; i++) {
		nlrs_netdev_send(lo, t_frame(i, 300), 0);
		struct nlrs_buf *b = nlrs_netdev_recv(f, 0, &err);
		cr_assert_not_null(b);
		cr_assert_eq(bit_distance(b, i, 300), 1, "frame %u", i);
		nlrs_buf_free(b);
	}
	nlrs_fault_stats(f, &st);
	cr_assert_eq(st.corrupted, 200);
	done();
}

Test(fault, corrupt_copies_a_shared_frame_first)
{
	struct nlrs_fault_config cfg = { .corrupt_chance = 100 };
	int err;
	wrap(&cfg, 9);
	struct nlrs_buf *mine = t_frame(5, 500);
	nlrs_netdev_send(f, nlrs_buf_ref(mine), 0);
	struct nlrs_buf *b = nlrs_netdev_recv(lo, 0, &err);
	cr_assert_not_null(b);
	cr_assert_neq(b, mine);
	cr_assert_eq(bit_distance(b, 5, 500), 1);
	cr_assert(t_frame_ok(mine, 5, 500), "the sender's copy must stay intact");
	cr_assert_eq(mine->refcnt, 1);
	nlrs_buf_free(b);
	nlrs_buf_free(mine);
	done();
}

Test(fault, size_limit_drops_longer_frames_only)
{
	struct nlrs_fault_config cfg = { .size_limit = 100 };
	struct nlrs_fault_stats st;
	wrap(&cfg, 1);
	cr_assert_eq(tx_count(0, 10, 100, 0), 10);
	cr_assert_eq(tx_count(0, 10, 101, 0), 0);
	cr_assert_eq(rx_count(0, 10, 100, 0), 10);
	cr_assert_eq(rx_count(0, 10, 1400, 0), 0);
	nlrs_fault_stats(f, &st);
	cr_assert_eq(st.oversize, 20);
	cr_assert_eq(st.dropped, 0);
	done();
}

Test(fault, tx_rate_limit_passes_n_per_interval_then_resumes)
{
	struct nlrs_fault_config cfg = { .tx_rate_limit = 5, .shaping_interval_ms = 10 };
	struct nlrs_fault_stats st;
	nlrs_time_t t0 = NLRS_SEC(100);
	wrap(&cfg, 1);
	cr_assert_eq(tx_count(0, 8, 64, t0), 5);
	cr_assert_eq(tx_count(0, 3, 64, t0 + NLRS_MSEC(9)), 0, "bucket empty until the interval ends");
	cr_assert_eq(tx_count(0, 8, 64, t0 + NLRS_MSEC(10)), 5);
	cr_assert_eq(tx_count(0, 2, 64, t0 + NLRS_MSEC(15)), 0);
	cr_assert_eq(tx_count(0, 3, 64, t0 + NLRS_MSEC(25)), 3);
	/* The receive direction is not limited. */
	cr_assert_eq(rx_count(0, 20, 64, t0 + NLRS_MSEC(25)), 20);
	nlrs_fault_stats(f, &st);
	cr_assert_eq(st.rate_limited, 3 + 3 + 3 + 2);
	done();
}

Test(fault, rx_rate_limit_passes_n_per_interval_then_resumes)
{
	struct nlrs_fault_config cfg = { .rx_rate_limit = 3 }; /* default interval 50 ms */
	nlrs_time_t t0 = NLRS_SEC(1);
	wrap(&cfg, 1);
	cr_assert_eq(rx_count(0, 10, 64, t0), 3);
	cr_assert_eq(rx_count(0, 10, 64, t0 + NLRS_MSEC(49)), 0);
	cr_assert_eq(rx_count(0, 10, 64, t0 + NLRS_MSEC(50)), 3);
	cr_assert_eq(tx_count(0, 20, 64, t0 + NLRS_MSEC(50)), 20);
	done();
}

Test(fault, tx_reorder_swaps_with_next_frame)
{
	struct nlrs_fault_config cfg = { .reorder_chance = 100, .shaping_interval_ms = 20 };
	struct nlrs_fault_stats st;
	int err;
	wrap(&cfg, 1);
	nlrs_netdev_send(f, t_frame(1, 64), 0);
	cr_assert_null(nlrs_netdev_recv(lo, 0, &err), "frame 1 is held");
	cr_assert_eq(nlrs_netdev_poll(f, 0), NLRS_MSEC(20));
	nlrs_netdev_send(f, t_frame(2, 64), NLRS_MSEC(1));
	struct nlrs_buf *a = nlrs_netdev_recv(lo, 0, &err);
	struct nlrs_buf *b = nlrs_netdev_recv(lo, 0, &err);
	cr_assert_not_null(a);
	cr_assert_not_null(b);
	cr_assert_eq(t_seq(a), 2);
	cr_assert_eq(t_seq(b), 1);
	nlrs_buf_free(a);
	nlrs_buf_free(b);
	cr_assert_eq(nlrs_netdev_poll(f, NLRS_MSEC(1)), NLRS_TIME_NEVER);

	/* Nothing follows: the held frame goes out after one interval. */
	nlrs_netdev_send(f, t_frame(3, 64), NLRS_MSEC(100));
	cr_assert_eq(nlrs_netdev_poll(f, NLRS_MSEC(119)), NLRS_MSEC(120));
	cr_assert_null(nlrs_netdev_recv(lo, 0, &err));
	cr_assert_eq(nlrs_netdev_poll(f, NLRS_MSEC(120)), NLRS_TIME_NEVER);
	a = nlrs_netdev_recv(lo, 0, &err);
	cr_assert_not_null(a);
	cr_assert(t_frame_ok(a, 3, 64));
	nlrs_buf_free(a);
	nlrs_fault_stats(f, &st);
	cr_assert_eq(st.reordered, 2);
	done();
}

Test(fault, rx_reorder_swaps_with_next_frame)
{
	struct nlrs_fault_config cfg = { .reorder_chance = 100, .shaping_interval_ms = 20 };
	int err;
	wrap(&cfg, 1);
	nlrs_netdev_send(lo, t_frame(1, 64), 0);
	nlrs_netdev_send(lo, t_frame(2, 64), 0);
	struct nlrs_buf *a = nlrs_netdev_recv(f, 0, &err);
	struct nlrs_buf *b = nlrs_netdev_recv(f, 0, &err);
	cr_assert_not_null(a);
	cr_assert_not_null(b);
	cr_assert_eq(t_seq(a), 2);
	cr_assert_eq(t_seq(b), 1);
	nlrs_buf_free(a);
	nlrs_buf_free(b);
	cr_assert_null(nlrs_netdev_recv(f, 0, &err));

	/* A lone frame is held for one interval, and poll says until when. */
	nlrs_netdev_send(lo, t_frame(3, 64), 0);
	cr_assert_null(nlrs_netdev_recv(f, NLRS_MSEC(50), &err));
	cr_assert_eq(err, 0);
	cr_assert_eq(nlrs_netdev_poll(f, NLRS_MSEC(50)), NLRS_MSEC(70));
	cr_assert_null(nlrs_netdev_recv(f, NLRS_MSEC(69), &err));
	a = nlrs_netdev_recv(f, NLRS_MSEC(70), &err);
	cr_assert_not_null(a);
	cr_assert(t_frame_ok(a, 3, 64));
	nlrs_buf_free(a);
	cr_assert_eq(nlrs_netdev_poll(f, NLRS_MSEC(70)), NLRS_TIME_NEVER);
	done();
}

Test(fault, close_frees_held_frames)
{
	struct nlrs_fault_config cfg = { .reorder_chance = 100 };
	int err;
	wrap(&cfg, 1);
	nlrs_netdev_send(f, t_frame(1, 64), 0);
	nlrs_netdev_send(lo, t_frame(2, 64), 0);
	cr_assert_null(nlrs_netdev_recv(f, 0, &err));
	cr_assert_lt(t_pool.avail, t_pool.count);
	done();
}

Test(fault, dup_delivers_twice)
{
	struct nlrs_fault_config cfg = { .dup_chance = 100 };
	struct nlrs_fault_stats st;
	int err;
	wrap(&cfg, 1);
	nlrs_netdev_send(f, t_frame(1, 100), 0);
	nlrs_netdev_send(f, t_frame(2, 100), 0);
	uint32_t want[] = { 1, 1, 2, 2 };
	for (int i = 0; i < 4; i++) {
		struct nlrs_buf *b = nlrs_netdev_recv(lo, 0, &err);
		cr_assert_not_null(b);
		cr_assert(t_frame_ok(b, want[i], 100));
		nlrs_buf_free(b);
	}
	cr_assert_null(nlrs_netdev_recv(lo, 0, &err));

	nlrs_netdev_send(lo, t_frame(3, 100), 0);
	nlrs_netdev_send(lo, t_frame(4, 100), 0);
	uint32_t want_rx[] = { 3, 3, 4, 4 };
	struct nlrs_buf *prev = NULL;
	for (int i = 0; i < 4; i++) {
		struct nlrs_buf *b = nlrs_netdev_recv(f, 0, &err);
		cr_assert_not_null(b);
		cr_assert(t_frame_ok(b, want_rx[i], 100));
		cr_assert_eq(b->refcnt, 1, "each copy is private");
		cr_assert_neq(b, prev);
		if (prev)
			nlrs_buf_free(prev);
		prev = b;
	}
	nlrs_buf_free(prev);
	cr_assert_null(nlrs_netdev_recv(f, 0, &err));
	nlrs_fault_stats(f, &st);
	cr_assert_eq(st.duplicated, 4);
	done();
}

Test(fault, stats_of_a_non_fault_device_are_zero)
{
	struct nlrs_fault_stats st;
	memset(&st, 0xff, sizeof(st));
	cr_assert_eq(nlrs_loopback_open(&lo, "lo0", &t_pool, 1500), 0);
	nlrs_fault_stats(lo, &st);
	cr_assert_eq(st.dropped + st.corrupted + st.reordered + st.duplicated + st.oversize +
			     st.rate_limited, 0);
	nlrs_netdev_close(lo);
}
